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
				   "directory holding the DUT's .v or .sv files",
				   shown)
			: hil_fail(err, errlen, "DUT directory '%s': %s", shown, strerror(e));
	}
	s->f = calloc(HIL_DUT_MAX_FILES, sizeof(*s->f));
	int rc = s->f ? 0 : hil_fail(err, errlen, "out of memory");
	size_t total = 0, compiled = 0;
	struct dirent *e;
	while (!rc && (e = readdir(d))) {
		static const struct {
			const char *end;
			enum dut_kind kind;
		} kinds[] = {{".v", DUT_VERILOG},  {".sv", DUT_SV},    {".vh", DUT_HEADER},
			     {".svh", DUT_HEADER}, {".hex", DUT_DATA}, {".mem", DUT_DATA},
			     {".dat", DUT_DATA},   {".bin", DUT_DATA}};
		size_t k = 0;
		while (k < sizeof(kinds) / sizeof(kinds[0]) && !ends(e->d_name, kinds[k].end))
			k++;
		if (e->d_name[0] == '.' || k == sizeof(kinds) / sizeof(kinds[0]))
			continue;
		int v = kinds[k].kind == DUT_VERILOG || kinds[k].kind == DUT_SV;
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
			rc = hil_fail(err, errlen, "'%s' holds more than %d source files",
				      shown, HIL_DUT_MAX_FILES);
		} else {
			struct dut_file *f = &s->f[s->n++];
			snprintf(f->name, sizeof(f->name), "%s", e->d_name);
			f->kind = kinds[k].kind;
			f->compile = v;
			compiled += (size_t)v;
			rc = read_one(dfd, f, &total, dir, err, errlen);
		}
	}
	closedir(d);
	if (!rc && !compiled) {
		hil_escape(dir, shown, sizeof(shown));
		rc = hil_fail(err, errlen, "DUT directory '%s' holds no .v or .sv files",
			      shown);
	}
	if (rc) {
		dut_src_free(s);
		return -1;
	}
	qsort(s->f, s->n, sizeof(*s->f), by_name);
	return 0;
}

int dut_src_include(struct dut_src *s, const char *dir, int k, char *err, size_t errlen)
{
	char shown[1024], bad[1024];
	hil_escape(dir, shown, sizeof(shown));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		int e = errno;
		if (dfd >= 0)
			close(dfd);
		return hil_fail(err, errlen, "--include '%s': %s", shown, strerror(e));
	}
	size_t total = 0;
	for (size_t i = 0; i < s->n; i++)
		total += s->f[i].len;
	int rc = 0;
	struct dirent *e;
	while (!rc && (e = readdir(d))) {
		if (e->d_name[0] == '.' ||
		    !(ends(e->d_name, ".vh") || ends(e->d_name, ".svh") ||
		      ends(e->d_name, ".v") || ends(e->d_name, ".sv")))
			continue;
		if (!plain_name(e->d_name)) {
			hil_escape(e->d_name, bad, sizeof(bad));
			rc = hil_fail(err, errlen,
				      "header '%s' in --include '%s': hil takes file names of "
				      "letters, digits, '_', '+', '-' and '.' only; rename it",
				      bad, shown);
		} else if (s->n == HIL_DUT_MAX_FILES) {
			rc = hil_fail(err, errlen,
				      "the DUT and its --include folders hold more "
				      "than %d source files",
				      HIL_DUT_MAX_FILES);
		} else {
			struct dut_file *f = &s->f[s->n++];
			snprintf(f->name, sizeof(f->name), "%s", e->d_name);
			f->kind = DUT_HEADER;
			f->compile = 0;
			rc = read_one(dfd, f, &total, dir, err, errlen);
			/* Under a folder of its own, as the tools' -I names it. */
			char name[sizeof(f->name)];
			snprintf(name, sizeof(name), "inc%d/%.240s", k, e->d_name);
			memcpy(f->name, name, sizeof(name));
		}
	}
	closedir(d);
	if (!rc)
		qsort(s->f, s->n, sizeof(*s->f), by_name);
	return rc;
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

static int is_data(const struct dut_src *s, const char *name, size_t n)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->f[i].kind == DUT_DATA && strlen(s->f[i].name) == n &&
		    !memcmp(s->f[i].name, name, n))
			return 1;
	return 0;
}

static const char *skip_space(const char *q, const char *end)
{
	while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
		q++;
	return q;
}

/* Writes a compiled file with the names of its memory files made absolute
 * (see dutsrc.h): `$readmemh("x.hex"` becomes `$readmemh("TO/x.hex"`. */
static void write_source(FILE *f, const struct dut_src *s, const struct dut_file *src,
			 const char *to)
{
	const char *end = src->data + src->len, *from = src->data;
	for (const char *p = src->data; p + 9 < end; p++) {
		if (memcmp(p, "$readmem", 8) || (p[8] != 'h' && p[8] != 'b'))
			continue;
		const char *q = skip_space(p + 9, end);
		if (q == end || *q != '(')
			continue;
		q = skip_space(q + 1, end);
		if (q == end || *q != '"')
			continue;
		q++;
		size_t n = 0;
		while (q + n < end && q[n] != '"' && q[n] != '\n')
			n++;
		if (q + n == end || q[n] != '"' || !is_data(s, q, n))
			continue;
		fwrite(from, 1, (size_t)(q - from), f);
		fprintf(f, "%s/", to);
		from = q;
		p = q + n;
	}
	fwrite(from, 1, (size_t)(end - from), f);
}

int dut_src_write(const struct dut_src *s, const char *to, const char *final, char *err,
		  size_t errlen)
{
	char path[4400];
	/* The path goes inside a Verilog string. */
	if (strpbrk(final, "\"\\\n"))
		return hil_fail(err, errlen,
				"the build cache's path %s holds a quote, a backslash or a "
				"newline, which a $readmemh path cannot: set HIL_CACHE",
				final);
	for (size_t i = 0; i < s->n; i++) {
		snprintf(path, sizeof(path), "%s/%s", to, s->f[i].name);
		char *slash = strrchr(path, '/');
		if (strchr(s->f[i].name, '/')) {
			*slash = '\0';
			mkdir(path, 0755);
			*slash = '/';
		}
		unlink(path);
		FILE *f = fopen(path, "wx");
		if (!f)
			return hil_fail(err, errlen, "%s: %s", path, strerror(errno));
		if (s->f[i].compile)
			write_source(f, s, &s->f[i], final);
		else
			fwrite(s->f[i].data, 1, s->f[i].len, f);
		if (ferror(f) | fclose(f))
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
