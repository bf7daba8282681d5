/* hil doctor's files: the traces' folder, and comparing two traces. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doctor.h"

long files_differ(const char *a, const char *b, long *lines)
{
	FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
	long line = 1, at = 0;
	int ca = EOF, cb = EOF;
	*lines = 0;
	if (!fa || !fb)
		at = 1;
	while (!at && fa && fb) {
		ca = getc(fa);
		cb = getc(fb);
		if (ca != cb)
			at = line;
		else if (ca == EOF)
			break;
		else if (ca == '\n')
			line++;
	}
	*lines = line - 1;
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return at;
}

int readable(const char *path)
{
	return access(path, R_OK) == 0;
}

int workdir(const char *keep, char *out, size_t n, char *err, size_t errlen)
{
	if (keep) {
		if (mkdir(keep, 0755) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "--keep %s: %s", keep, strerror(errno));
			return -1;
		}
		snprintf(out, n, "%s", keep);
		return 0;
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(out, n, "%s/hil-doctor-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(out)) {
		snprintf(err, errlen, "cannot make a temporary folder: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Only what selfrun wrote is there: NAME.board, NAME.sim and their .err. */
void workdir_done(const char *keep, const char *dir, int kept)
{
	if (keep)
		return;
	DIR *d = kept ? NULL : opendir(dir);
	struct dirent *e;
	char path[4400];
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(dir); /* only if empty: kept traces stay */
}
