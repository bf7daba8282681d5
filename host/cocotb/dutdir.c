/* The DUT folder hil builds from, made of the files cocotb's makefile
 * names (VERILOG_SOURCES): a link to each in a folder of the build, with
 * the memory and header files that sit beside them (a $readmemh file is
 * named relative to the sources), so that only those sources are the DUT.
 * Names are data: each link is made with symlinkat, never by a shell. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dutdir.h"

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n > t && !strcmp(s + n - t, tail);
}

static int beside(const char *name)
{
	static const char *const kinds[] = {".hex", ".mem", ".dat", ".bin", ".vh", ".svh"};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (ends_with(name, kinds[i]))
			return 1;
	return 0;
}

/* Links dir/name to path unless a link of that name is there (the same
 * file linked twice, or a file beside two sources). */
static int link_one(int dfd, const char *path, const char *name, char *err, size_t errlen)
{
	char there[PATH_MAX];
	ssize_t n = readlinkat(dfd, name, there, sizeof(there) - 1);
	if (n >= 0) {
		there[n] = '\0';
		if (!strcmp(there, path))
			return 0;
		snprintf(err, errlen,
			 "two files called %s: %s and %s; hil takes a DUT's "
			 "files by their names, which must differ",
			 name, there, path);
		return -1;
	}
	if (symlinkat(path, dfd, name) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int link_beside(int dfd, const char *src_dir, char *err, size_t errlen)
{
	DIR *d = opendir(src_dir);
	if (!d)
		return 0;
	struct dirent *e;
	int rc = 0;
	char path[PATH_MAX];
	while (!rc && (e = readdir(d)))
		if (beside(e->d_name) &&
		    snprintf(path, sizeof(path), "%s/%s", src_dir, e->d_name) <
			    (int)sizeof(path))
			rc = link_one(dfd, path, e->d_name, err, errlen);
	closedir(d);
	return rc;
}

int dutdir_make(const char *dir, const char *const *sources, char *err, size_t errlen)
{
	if (!sources[0]) {
		snprintf(err, errlen,
			 "no --source: name the DUT's Verilog files (VERILOG_SOURCES)");
		return -1;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	/* Start empty: a source dropped from the list must not stay the DUT's. */
	DIR *d = fdopendir(dup(dfd));
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dfd, e->d_name, 0);
	if (d)
		closedir(d);
	int rc = 0;
	for (const char *const *s = sources; *s && !rc; s++) {
		char path[PATH_MAX];
		if (!realpath(*s, path)) {
			snprintf(err, errlen, "source %s: %s", *s, strerror(errno));
			rc = -1;
			break;
		}
		const char *slash = strrchr(path, '/');
		rc = link_one(dfd, path, slash + 1, err, errlen);
		if (!rc) {
			char src_dir[PATH_MAX];
			snprintf(src_dir, sizeof(src_dir), "%.*s", (int)(slash - path), path);
			rc = link_beside(dfd, src_dir[0] ? src_dir : "/", err, errlen);
		}
	}
	close(dfd);
	return rc;
}
