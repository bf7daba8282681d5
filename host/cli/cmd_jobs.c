/* The job queue of hild: hil submit, hil jobs, hil wait, hil result.
 * A job is a script that hild runs on a board (or a simulator) when one
 * is free and keeps the result of, on disk, across restarts. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "hil/client.h"
#include "hil/readfile.h"
#include "opts.h"

#define MAX_SCRIPT (512u << 10)

static struct hil_client *connect_or_say(const char *sock, const char *cmd)
{
	char err[1024];
	struct hil_client *c = hil_client_connect(sock, "hil", err, sizeof(err));
	if (!c)
		fprintf(stderr, "hil %s: %s\n", cmd, err);
	return c;
}

static json_t *call(struct hil_client *c, json_t *req, const char *cmd)
{
	char err[1024];
	json_t *ok = hil_client_call(c, req, err, sizeof(err));
	if (!ok)
		fprintf(stderr, "hil %s: %s\n", cmd, err);
	return ok;
}

static char *slurp(const char *path)
{
	char *buf, err[512];
	size_t n;
	int rc = hil_read_file(path, MAX_SCRIPT, &buf, &n, err, sizeof(err));
	if (rc == -2)
		fprintf(stderr,
			"hil submit: %s: longer than %u KiB; a job's script is "
			"sent whole\n",
			path, MAX_SCRIPT >> 10);
	else if (rc < 0)
		fprintf(stderr, "hil submit: %s\n", err);
	return rc < 0 ? NULL : buf;
}

int cmd_submit(int argc, char **argv)
{
	const char *script = NULL, *dut = NULL, *board = NULL, *type = NULL, *sock = NULL;
	int sim = 0;
	const struct cliopt opts[] = {
		{"dut", &dut, NULL, NULL, 0},         {"board", &board, NULL, NULL, 0},
		{"board-type", &type, NULL, NULL, 0}, {"socket", &sock, NULL, NULL, 0},
		{"sim", NULL, &sim, NULL, 0},         {0},
	};
	if (opts_parse(argc, argv, "hil submit", opts, &script, 1) < 0)
		return 2;
	char abs[PATH_MAX];
	if (!script || !dut || !!board + !!type + sim != 1) {
		fprintf(stderr,
			"usage: hil submit SCRIPT --dut DIR (--board NAME | "
			"--board-type T | --sim) [--socket PATH]\n"
			"  queues the script with hild and prints the job id\n");
		return 2;
	}
	if (!realpath(dut, abs)) {
		fprintf(stderr, "hil submit: %s: %s\n", dut, strerror(errno));
		return 2;
	}
	char *text = slurp(script);
	if (!text)
		return 2;
	struct hil_client *c = connect_or_say(sock, "submit");
	json_t *req = json_pack("{s:s,s:s,s:s,s:s}", "op", "submit", "script", text, "name",
				script, "dut", abs);
	free(text);
	if (board)
		json_object_set_new(req, "board", json_string(board));
	else if (type)
		json_object_set_new(req, "type", json_string(type));
	else
		json_object_set_new(req, "sim", json_true());
	json_t *ok = c ? call(c, req, "submit") : (json_decref(req), NULL);
	hil_client_close(c);
	if (!ok)
		return 2;
	printf("%lld\n", (long long)json_integer_value(json_object_get(ok, "job")));
	json_decref(ok);
	return 0;
}

static void print_job(json_t *j)
{
	const char *board = json_string_value(json_object_get(j, "board"));
	const char *status = json_string_value(json_object_get(j, "status"));
	printf("%-6lld %-8s %-6s %-28s %-12s %s\n",
	       (long long)json_integer_value(json_object_get(j, "job")),
	       json_string_value(json_object_get(j, "state")),
	       json_string_value(json_object_get(j, "kind")),
	       json_string_value(json_object_get(j, "target")), board ? board : "-",
	       status ? status : "-");
}

int cmd_jobs(int argc, char **argv)
{
	const char *sock = NULL;
	const struct cliopt opts[] = {{"socket", &sock, NULL, NULL, 0}, {0}};
	if (opts_parse(argc, argv, "hil jobs", opts, NULL, 0) < 0)
		return 2;
	struct hil_client *c = connect_or_say(sock, "jobs");
	if (!c)
		return 2;
	printf("%-6s %-8s %-6s %-28s %-12s %s\n", "JOB", "STATE", "KIND", "TARGET", "BOARD",
	       "STATUS");
	/* A page at a time, each older than the last one's oldest. */
	json_int_t before = 0;
	for (int more = 1; more;) {
		json_t *req = json_pack("{s:s}", "op", "jobs");
		if (before)
			json_object_set_new(req, "before", json_integer(before));
		json_t *ok = call(c, req, "jobs"), *j;
		if (!ok) {
			hil_client_close(c);
			return 2;
		}
		size_t i;
		json_array_foreach(json_object_get(ok, "jobs"), i, j)
		{
			print_job(j);
			before = json_integer_value(json_object_get(j, "job"));
		}
		more = json_is_true(json_object_get(ok, "more")) &&
			json_array_size(json_object_get(ok, "jobs")) > 0;
		json_decref(ok);
	}
	hil_client_close(c);
	return 0;
}

/* hil wait and hil result: JOB [--socket PATH], then op on that job;
 * the reply's "ok", or NULL once the user has been told why. */
static json_t *job_request(int argc, char **argv, const char *cmd, const char *op,
			   long long *job)
{
	const char *sock = NULL, *arg = NULL;
	const struct cliopt opts[] = {{"socket", &sock, NULL, NULL, 0}, {0}};
	char who[32], *end;
	snprintf(who, sizeof(who), "hil %s", cmd);
	if (opts_parse(argc, argv, who, opts, &arg, 1) < 0)
		return NULL;
	*job = arg ? strtoll(arg, &end, 10) : 0;
	if (*job <= 0 || *end) {
		fprintf(stderr, "usage: hil %s JOB [--socket PATH]\n", cmd);
		return NULL;
	}
	struct hil_client *c = connect_or_say(sock, cmd);
	json_t *ok = c
		? call(c, json_pack("{s:s,s:I}", "op", op, "job", (json_int_t)*job), cmd)
		: NULL;
	hil_client_close(c);
	return ok;
}

/* The job's own exit status: 0 pass, 1 a check failed, 2 an error. */
int cmd_wait(int argc, char **argv)
{
	long long job;
	json_t *ok = job_request(argc, argv, "wait", "job_wait", &job);
	if (!ok)
		return 2;
	/* 0 only for a pass hild says the job earned; nothing else is one. */
	const char *st = json_string_value(json_object_get(ok, "status"));
	json_t *ex = json_object_get(ok, "exit");
	int code = !st || !json_is_integer(ex)                       ? 2
		: !strcmp(st, "pass") && json_integer_value(ex) == 0 ? 0
		: !strcmp(st, "fail") && json_integer_value(ex) == 1 ? 1
								     : 2;
	fprintf(stderr, "hil wait: job %lld %s on %s (exit %d)\n", job,
		st ? st : "(no status)", json_string_value(json_object_get(ok, "board")),
		code);
	json_decref(ok);
	return code;
}

int cmd_result(int argc, char **argv)
{
	long long job;
	json_t *ok = job_request(argc, argv, "result", "result", &job);
	if (!ok)
		return 2;
	const char *state = json_string_value(json_object_get(ok, "state"));
	const char *trace = json_string_value(json_object_get(ok, "trace"));
	const char *msg = json_string_value(json_object_get(ok, "message"));
	int rc = 0;
	if (strcmp(state, "done")) {
		fprintf(stderr, "hil result: job %lld is %s; hil wait %lld waits for it\n",
			job, state, job);
		rc = 2;
	} else {
		if (trace)
			fputs(trace, stdout);
		else
			printf("(the trace is too long for a reply: %s)\n",
			       json_string_value(json_object_get(ok, "trace_file")));
		json_t *s = json_pack(
			"{s:I,s:s,s:O,s:O,s:s,s:s}", "job", (json_int_t)job, "status",
			json_string_value(json_object_get(ok, "status")), "exit",
			json_object_get(ok, "exit"), "board", json_object_get(ok, "board"),
			"log", json_string_value(json_object_get(ok, "log")), "dir",
			json_string_value(json_object_get(ok, "dir")));
		if (msg)
			json_object_set_new(s, "message", json_string(msg));
		char *t = json_dumps(s, JSON_COMPACT | JSON_PRESERVE_ORDER);
		printf("%s\n", t ? t : "{}");
		free(t);
		json_decref(s);
	}
	json_decref(ok);
	return rc;
}
