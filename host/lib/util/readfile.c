/* See readfile.h. A regular file's size sets the first buffer; a pipe or a
 * file that grows while read doubles it, up to the limit. */
#include "hil/readfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/errfmt.h"

int hil_read_file(const char *path, size_t max, char **out, size_t *len, char *err,
		  size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return hil_fail(err, errlen, "%s: %s", path, strerror(errno));
	struct stat st;
	size_t cap = 4096, n = 0;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
		cap = (size_t)st.st_size < max ? (size_t)st.st_size + 2 : max + 2;
	char *buf = malloc(cap), *t;
	int rc = -1;
	if (!buf) {
		hil_fail(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (;;) {
		n += fread(buf + n, 1, cap - 1 - n, f);
		if (ferror(f)) {
			hil_fail(err, errlen, "%s: read error", path);
			goto out;
		}
		if (n > max) {
			rc = -2;
			goto out;
		}
		if (n < cap - 1)
			break;
		size_t grow = cap - 1 > max / 2 ? max + 2 : 2 * cap;
		if (!(t = realloc(buf, grow))) {
			hil_fail(err, errlen, "%s: out of memory", path);
			goto out;
		}
		buf = t;
		cap = grow;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}
