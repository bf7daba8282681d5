/* A job's runner (hild --run-job DIR URI BOARD HIL), started by hild in
 * a session of its own. It claims the job by creating DIR/claim with
 * O_EXCL (exit 5 if someone else has: a job runs once), runs
 * `hil run --target URI --record DIR/run.hlog DIR/script.hil` with its
 * output in DIR/trace.txt and DIR/stderr.txt, and renames result.json
 * into place. It needs nothing from hild after it starts, so it finishes
 * its job whatever happens to hild meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hild.h"

static int durable(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	int rc = write(fd, text, n) == (ssize_t)n ? fsync(fd) : -1;
	return close(fd) | rc;
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* The last line of stderr.txt, which says why a run failed. */
static void last_line(const char *path, char *out, size_t cap)
{
	char line[1024];
	out[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '\n')
			snprintf(out, cap, "%s", line);
	fclose(f);
	size_t n = strlen(out);
	if (n && out[n - 1] == '\n')
		out[n - 1] = '\0';
}

int jobrun_main(int argc, char **argv)
{
	if (argc != 6)
		return 2;
	const char *dir = argv[2], *uri = argv[3], *board = argv[4], *hil = argv[5];
	char path[4300], log[4300], script[4300], out[4300], errp[4300];
	snprintf(path, sizeof(path), "%s/claim", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EEXIST ? 5 : 2;
	dprintf(fd, "%d %s\n", (int)getpid(), board);
	fsync(fd);
	close(fd);
	sync_dir(dir);
	snprintf(log, sizeof(log), "%s/run.hlog", dir);
	snprintf(script, sizeof(script), "%s/script.hil", dir);
	snprintf(out, sizeof(out), "%s/trace.txt", dir);
	snprintf(errp, sizeof(errp), "%s/stderr.txt", dir);
	/* The job's parameters, checked when it was submitted: one --param
	 * NAME=VALUE each, as hil run takes them. */
	char params[1024] = "";
	snprintf(path, sizeof(path), "%s/job.json", dir);
	json_t *job = json_load_file(path, 0, NULL);
	const char *pv = json_string_value(json_object_get(job, "params"));
	snprintf(params, sizeof(params), "%s", pv ? pv : "");
	json_decref(job);
	const char *args[8 + 2 * 32 + 1] = {hil, "run", "--target", uri, "--record", log};
	int n = 6;
	for (char *s = params[0] ? strtok(params, ",") : NULL; s && n < 6 + 2 * 32;
	     s = strtok(NULL, ",")) {
		args[n++] = "--param";
		args[n++] = s;
	}
	args[n++] = script;
	time_t started = time(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(127);
		execv(hil, (char *const *)args);
		fprintf(stderr, "hild: cannot run %s: %s\n", hil, strerror(errno));
		_exit(127);
	}
	int st = 0;
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	int code = pid < 0 ? 2 : WIFEXITED(st) ? WEXITSTATUS(st) : 2;
	char msg[1024] = "";
	if (code)
		last_line(errp, msg, sizeof(msg));
	if (pid > 0 && WIFSIGNALED(st))
		snprintf(msg, sizeof(msg), "hil run was killed by signal %d", WTERMSIG(st));
	json_t *r = json_pack("{s:s,s:i,s:s,s:s,s:I,s:I}", "status",
			      code == 0           ? "pass"
				      : code == 1 ? "fail"
						  : "error",
			      "exit", code, "board", board, "target", uri, "started",
			      (json_int_t)started, "finished", (json_int_t)time(NULL));
	if (msg[0])
		json_object_set_new(r, "message", json_string(msg));
	char *text = json_dumps(r, JSON_COMPACT);
	json_decref(r);
	char tmp[4300];
	snprintf(tmp, sizeof(tmp), "%s/result.json.tmp", dir);
	snprintf(path, sizeof(path), "%s/result.json", dir);
	int rc = text && durable(tmp, text) == 0 && rename(tmp, path) == 0 ? 0 : 2;
	free(text);
	sync_dir(dir);
	return rc;
}
