/* Tools run from an argv; see toolrun.h. */
#define _GNU_SOURCE
#include "build/toolrun.h"
#include "util/errfmt.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

static int start(const char *const argv[], const char *cwd, const char *log, pid_t *pid,
		 char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, cwd);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	fflush(NULL);
	int rc = posix_spawnp(pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		hil_fail(err, errlen, "cannot run %s: %s", argv[0], strerror(rc));
	return rc ? -1 : 0;
}

static int finish(pid_t pid, const char *name, char *err, size_t errlen)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return hil_fail(err, errlen, "waiting for %s: %s", name,
					strerror(errno));
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return hil_fail(err, errlen, "%s was killed by signal %d", name, WTERMSIG(status));
}

int hil_spawn(const char *const argv[], const char *cwd, const char *log, char *err,
	      size_t errlen)
{
	return hil_spawn_all(&argv, 1, cwd, log, err, errlen);
}

int hil_spawn_all(const char *const *const argvs[], int n, const char *cwd, const char *log,
		  char *err, size_t errlen)
{
	pid_t pid[HIL_SPAWN_MAX];
	int started = 0, rc = 0;
	for (; started < n && started < HIL_SPAWN_MAX; started++)
		if (start(argvs[started], cwd, log, &pid[started], err, errlen) < 0) {
			rc = -1;
			break;
		}
	for (int i = 0; i < started; i++) {
		char e[256];
		int r = finish(pid[i], argvs[i][0], e, sizeof(e));
		if (r < 0 && rc == 0)
			hil_fail(err, errlen, "%s", e);
		if (rc == 0)
			rc = r;
	}
	return rc;
}

static int telling(const char *line, int *context)
{
	if (strstr(line, "ERROR") || strstr(line, "%Error") || strstr(line, "error:")) {
		*context = 4; /* Verilator shows the source line and a caret after */
		return 1;
	}
	if (*context > 0 && (line[0] == ' ' || line[0] == '\t') && strchr(line, '|')) {
		(*context)--;
		return 1;
	}
	*context = 0;
	return 0;
}

/* One character into out at *o, escaped unless printable. */
static void put_char(char *out, size_t outlen, size_t *o, unsigned char c)
{
	if (*o + 5 >= outlen)
		return;
	if (c == '\t')
		out[(*o)++] = ' ';
	else if (c < 0x20 || c == 0x7f || c == '\\')
		*o += (size_t)snprintf(out + *o, outlen - *o, "\\x%02x", c);
	else
		out[(*o)++] = (char)c;
	out[*o] = '\0';
}

/* Appends line to out, with `from` at a word's start shown as `to`. */
static void put(char *out, size_t outlen, const char *line, const char *from, const char *to)
{
	size_t o = strlen(out), fl = strlen(from);
	for (const char *p = line; *p && *p != '\n'; p++) {
		int word = p == line || strchr(" \t'\"(`:", p[-1]);
		if (fl && word && !strncmp(p, from, fl)) {
			for (const char *t = to; *t; t++)
				put_char(out, outlen, &o, (unsigned char)*t);
			p += fl - 1;
			continue;
		}
		put_char(out, outlen, &o, (unsigned char)*p);
	}
	if (o + 1 < outlen) {
		out[o++] = '\n';
		out[o] = '\0';
	}
}

void hil_spawn_errors(const char *log, const char *from, const char *to, char *out,
		      size_t outlen)
{
	enum {
		TAIL = 8
	};
	char line[1024], tail[TAIL][1024];
	int context = 0, found = 0, n = 0;
	out[0] = '\0';
	FILE *f = fopen(log, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		snprintf(tail[n++ % TAIL], sizeof(tail[0]), "%s", line);
		if (telling(line, &context)) {
			found = 1;
			put(out, outlen, line, from, to);
		}
	}
	fclose(f);
	for (int i = n > TAIL ? n - TAIL : 0; !found && i < n; i++)
		put(out, outlen, tail[i % TAIL], from, to);
	size_t o = strlen(out);
	if (o && out[o - 1] == '\n')
		out[o - 1] = '\0';
}
