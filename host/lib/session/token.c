/* Token files; see token.h. */
#include "hil/token.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/errfmt.h"

int hil_token_read(const char *path, char *out, size_t n, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return hil_fail(err, errlen, "token file %s: %s", path, strerror(errno));
	size_t len = fread(out, 1, n - 1, f);
	int more = fgetc(f) != EOF;
	fclose(f);
	out[len] = '\0';
	while (len && strchr(" \t\r\n", out[len - 1]))
		out[--len] = '\0';
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			more = 1;
	if (more || !len)
		return hil_fail(err, errlen,
				"token file %s: the token must be one line of "
				"printable characters, at most %zu",
				path, n - 1);
	return 0;
}
