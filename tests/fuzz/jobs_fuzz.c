/* What hild reads back from its state directory at start (jobs_load) and
 * for old results (jobs_result), and what retention then removes: a job
 * directory whose job.json, result.json, claim and read files come from
 * the input (fields split by NUL bytes, in that order; a missing field is
 * a missing file), next to a finished job 1 and a queued job 5 that are
 * well formed. Besides not crashing: loading never fails; the fuzzed job
 * is loaded or moved aside; ids go on past every directory; a job listed
 * as a pass stored exactly "pass" with exit 0; and retention never
 * removes the queued job or one nobody has read. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "fuzz_hild.h"

static const char *state;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	state = fuzz_state("jobs");
	return 0;
}

static void put(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	FUZZ_CHECK(f);
	if (n)
		fwrite(p, 1, n, f);
	fclose(f);
}

static void putstr(const char *dir, const char *name, const char *text)
{
	put(dir, name, (const uint8_t *)text, strlen(text));
}

static int exists(unsigned long id)
{
	char path[600];
	struct stat st;
	snprintf(path, sizeof(path), "%s/jobs/%lu", state, id);
	return stat(path, &st) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_state_remove();
	char dir[600];
	FUZZ_CHECK(mkdir(state, 0750) == 0 || errno == EEXIST);
	snprintf(dir, sizeof(dir), "%s/jobs", state);
	mkdir(dir, 0750);
	snprintf(dir, sizeof(dir), "%s/jobs/1", state);
	mkdir(dir, 0750);
	putstr(dir, "job.json",
	       "{\"job\":1,\"kind\":\"sim\",\"target\":\"/d\",\"dut\":\"/d\","
	       "\"owner\":\"uid:0\"}");
	putstr(dir, "result.json", "{\"job\":1,\"status\":\"pass\",\"exit\":0}");
	snprintf(dir, sizeof(dir), "%s/jobs/5", state);
	mkdir(dir, 0750);
	putstr(dir, "job.json",
	       "{\"job\":5,\"kind\":\"board\",\"target\":\"b\",\"dut\":\"/d\"}");
	snprintf(dir, sizeof(dir), "%s/jobs/3", state);
	mkdir(dir, 0750);
	static const char *const files[] = {"job.json", "result.json", "claim", "read"};
	size_t off = 0;
	for (int k = 0; k < 4 && off <= size; k++) {
		const uint8_t *end = memchr(data + off, 0, size - off);
		size_t n = end ? (size_t)(end - (data + off)) : size - off;
		if (n || end)
			put(dir, files[k], data + off, n);
		off += n + 1;
	}
	struct hild d;
	fuzz_hild_start(&d);
	char err[512];
	int sv[2];
	FUZZ_CHECK(d.next_job >= 5);
	char aside[600];
	struct stat st;
	snprintf(aside, sizeof(aside), "%s/jobs/unreadable-3", state);
	FUZZ_CHECK(exists(3) != (stat(aside, &st) == 0));
	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	struct client *c = client_new(&d, sv[1], 0);
	FUZZ_CHECK(c);
	for (unsigned long id = 1; id <= 5; id++) {
		json_t *r = jobs_result(&d, c, id, err, sizeof(err));
		const char *st = json_string_value(json_object_get(r, "status"));
		if (st && !strcmp(st, "pass"))
			FUZZ_CHECK(json_integer_value(json_object_get(r, "exit")) == 0);
		json_decref(r);
	}
	/* Asking for results marks them read; the queued job and an unread
	 * one must survive a sweep that would take everything else. */
	snprintf(dir, sizeof(dir), "%s/jobs/3/read", state);
	int read3 = stat(dir, &st) == 0;
	retention_sweep(&d);
	FUZZ_CHECK(exists(5));
	FUZZ_CHECK(exists(3) || read3 || stat(aside, &st) == 0);
	client_free(c, NULL);
	close(sv[0]);
	fuzz_hild_stop(&d);
	return 0;
}
