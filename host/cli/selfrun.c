#define _GNU_SOURCE
#include "selfrun.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The last line of a file that is not empty, into out. */
static void last_line(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	out[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(out, n, "%s", line);
	}
	if (f)
		fclose(f);
}

int selfrun(const char *const *args, const char *out, char *err, size_t errlen)
{
	char errpath[4200], *argv[16];
	int n = 0;
	argv[n++] = "hil";
	for (; args[n - 1] && n < 15; n++)
		argv[n] = (char *)args[n - 1];
	argv[n] = NULL;
	snprintf(errpath, sizeof(errpath), "%s.err", out);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pid_t pid;
	int rc = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		snprintf(err, errlen, "cannot run hil again: %s", strerror(rc));
		return -1;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "waiting for hil: %s", strerror(errno));
			return -1;
		}
	if (!WIFEXITED(status)) {
		snprintf(err, errlen, "hil %s was killed by signal %d", argv[1],
			 WTERMSIG(status));
		return -1;
	}
	if (WEXITSTATUS(status))
		last_line(errpath, err, errlen);
	return WEXITSTATUS(status);
}

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

int fopen_ok(const char *path)
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
void workdir_done(const char *keep, const char *dir, int failed)
{
	if (keep || failed)
		return;
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4400];
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}
