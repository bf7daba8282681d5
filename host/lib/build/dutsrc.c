/* A DUT directory's sources; see dutsrc.h. */
#include "build/dutsrc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/errfmt.h"

void hil_escape(const char *s, char *out, size_t outlen)
{
	size_t o = 0;
	for (; *s && o + 5 < outlen; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '\\')
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

static int ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && !strcmp(s + n - k, suffix);
}

/* Names that mean the same to Yosys's and Verilator's command lines, to
 * make and to a C++ compiler: nothing to quote, glob or split. */
static int plain_name(const char *s)
{
	if (*s == '-' || strlen(s) > 200)
		return 0;
	for (; *s; s++)
		if (!(*s == '_' || *s == '+' || *s == '-' || *s == '.' ||
		      (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct dut_file *)a)->name, ((const struct dut_file *)b)->name);
}

static int read_one(int dfd, struct dut_file *f, size_t *total, const char *dir, char *err,
		    size_t errlen)
{
	char shown[1024];
	int fd = openat(dfd, f->name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		hil_escape(dir, shown, sizeof(shown));
		int e = errno;
		if (fd >= 0)
			close(fd);
		return hil_fail(err, errlen, "%s/%s: %s", shown, f->name, strerror(e));
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > HIL_DUT_MAX_BYTES - *total) {
		close(fd);
		hil_escape(dir, shown, sizeof(shown));
		return S_ISREG(st.st_mode)
			? hil_fail(err, errlen,
				   "%s: the DUT's sources are larger than %u MiB in all",
				   shown, HIL_DUT_MAX_BYTES >> 20)
			: hil_fail(err, errlen, "%s/%s is not a regular file", shown, f->name);
	}
	f->data = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (f->data && got < (size_t)st.st_size) {
		ssize_t r = read(fd, f->data + got, (size_t)st.st_size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!f->data || got != (size_t)st.st_size) {
		hil_escape(dir, shown, sizeof(shown));
		return hil_fail(err, errlen, "%s/%s: %s", shown, f->name,
				f->data ? "changed while being read" : "out of memory");
	}
	f->len = got;
	*total += got;
	return 0;
}

int dut_src_read(struct dut_src *s, const char *dir, char *err, size_t errlen)
{
	char shown[1024], bad[1024];
	memset(s, 0, sizeof(*s));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		hil_escape(dir, shown, sizeof(shown));
		int e = errno;
		if (dfd >= 0)
			close(dfd);
		return e == ENOTDIR
			? hil_fail(err, errlen,
				   "'%s' is not a directory: --dut wants the "
				   "directory holding the DUT's .v files",
				   shown)
			: hil_fail(err, errlen, "DUT directory '%s': %s", shown, strerror(e));
	}
	s->f = calloc(HIL_DUT_MAX_FILES, sizeof(*s->f));
	int rc = s->f ? 0 : hil_fail(err, errlen, "out of memory");
	size_t total = 0, compiled = 0;
	struct dirent *e;
	while (!rc && (e = readdir(d))) {
		int v = ends(e->d_name, ".v"), vh = ends(e->d_name, ".vh");
		if (e->d_name[0] == '.' || !(v || vh))
			continue;
		if (!plain_name(e->d_name)) {
			hil_escape(dir, shown, sizeof(shown));
			hil_escape(e->d_name, bad, sizeof(bad));
			rc = hil_fail(err, errlen,
				      "DUT file '%s' in '%s': hil takes source files named "
				      "with letters, digits, '_', '+', '-' and '.' only; "
				      "rename it",
				      bad, shown);
		} else if (s->n == HIL_DUT_MAX_FILES) {
			hil_escape(dir, shown, sizeof(shown));
			rc = hil_fail(err, errlen, "'%s' holds more than %d Verilog files",
				      shown, HIL_DUT_MAX_FILES);
		} else {
			struct dut_file *f = &s->f[s->n++];
			snprintf(f->name, sizeof(f->name), "%s", e->d_name);
			f->compile = v;
			compiled += (size_t)v;
			rc = read_one(dfd, f, &total, dir, err, errlen);
		}
	}
	closedir(d);
	if (!rc && !compiled) {
		hil_escape(dir, shown, sizeof(shown));
		rc = hil_fail(err, errlen, "DUT directory '%s' holds no .v files", shown);
	}
	if (rc) {
		dut_src_free(s);
		return -1;
	}
	qsort(s->f, s->n, sizeof(*s->f), by_name);
	return 0;
}

void dut_src_hash(const struct dut_src *s, EVP_MD_CTX *h)
{
	for (size_t i = 0; i < s->n; i++) {
		char head[300];
		int n = snprintf(head, sizeof(head), "%s %zu\n", s->f[i].name, s->f[i].len);
		EVP_DigestUpdate(h, head, (size_t)n);
		EVP_DigestUpdate(h, s->f[i].data, s->f[i].len);
	}
}

int dut_src_write(const struct dut_src *s, const char *to, char *err, size_t errlen)
{
	char path[4400];
	for (size_t i = 0; i < s->n; i++) {
		snprintf(path, sizeof(path), "%s/%s", to, s->f[i].name);
		FILE *f = fopen(path, "wx");
		if (!f)
			return hil_fail(err, errlen, "%s: %s", path, strerror(errno));
		size_t w = fwrite(s->f[i].data, 1, s->f[i].len, f);
		if (fclose(f) != 0 || w != s->f[i].len)
			return hil_fail(err, errlen, "%s: write failed", path);
	}
	return 0;
}

void dut_src_free(struct dut_src *s)
{
	for (size_t i = 0; s->f && i < s->n; i++)
		free(s->f[i].data);
	free(s->f);
	memset(s, 0, sizeof(*s));
}
