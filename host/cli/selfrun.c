#define _GNU_SOURCE
#include "selfrun.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
