/* Jobs: scripts queued to run on a board (or a simulator) when one is
 * free, kept on disk so that hild can be killed at any moment.
 *
 * STATE/jobs/ID/ holds job.json (what to run, where), script.hil, and
 * once it has run trace.txt, stderr.txt, run.hlog (the session log) and
 * result.json. A submission is written to .new-ID and renamed into place
 * before it is acknowledged, so a job a client was told about exists.
 * A job runs through a runner (jobrun.c) that first creates "claim" with
 * O_EXCL: whoever makes that file runs the job, nobody else ever does.
 * The runner lives in its own session and writes result.json itself
 * (renamed into place), so a hild that dies mid-run loses nothing: the
 * next hild finds the result, or the runner still running (and waits for
 * it through a pidfd), or a claim whose runner died with the machine, a
 * run it reports as interrupted rather than run twice. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hild.h"
#include "hil/dut.h"
#include "hil/readfile.h"

enum jstate {
	QUEUED,
	RUNNING,
	DONE
};
static const char *const jstate_names[] = {"queued", "running", "done"};

struct jwait {
	struct client *c;
	json_t *id;
	struct jwait *next;
};

/* The strings are allocated to their length: hild may hold a thousand
 * finished jobs (--keep-jobs). */
struct job {
	struct hild *d;
	unsigned long id;
	char *dir;
	char kind[8]; /* board, type or sim */
	char *what;   /* its name, type or DUT directory */
	char *dut;
	char board[64];       /* where it runs or ran */
	char owner[HILD_WHO]; /* its submitter's client_who; "" before owners were kept */
	size_t script;        /* the script's bytes */
	int read;             /* its owner has had its result */
	enum jstate state;
	pid_t pid; /* the runner */
	int pidfd; /* an adopted runner, not our child */
	int exit_code;
	char status[16];
	struct jwait *waits;
	struct job *next;
};

static struct job *job_new(struct hild *d, unsigned long id, const char *jobs,
			   const char *kind, const char *what, const char *dut)
{
	struct job *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->d = d;
	j->id = id;
	j->pidfd = -1;
	snprintf(j->kind, sizeof(j->kind), "%s", kind);
	size_t n = strlen(jobs) + 24;
	j->what = strdup(what);
	j->dut = strdup(dut);
	if ((j->dir = malloc(n)))
		snprintf(j->dir, n, "%s/%lu", jobs, id);
	if (!j->what || !j->dut || !j->dir) {
		free(j->what);
		free(j->dut);
		free(j->dir);
		free(j);
		return NULL;
	}
	return j;
}

static void job_free(struct job *j)
{
	free(j->what);
	free(j->dut);
	free(j->dir);
	free(j);
}

unsigned long job_id(const struct job *j)
{
	return j->id;
}

const char *job_target(const struct job *j, char *kind, size_t kindlen)
{
	if (kind)
		snprintf(kind, kindlen, "%s", j->kind);
	return j->what;
}

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* Writes a whole file and makes it durable. */
static int write_file(const char *path, const char *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	int rc = fsync(fd);
	return close(fd) | rc;
}

static struct job *find(struct hild *d, unsigned long id)
{
	for (struct job *j = d->jobs; j; j = j->next)
		if (j->id == id)
			return j;
	return NULL;
}

static struct job *load_one(struct hild *d, const char *jobs, unsigned long id);
static int load_result(struct job *j);

/* A finished job that memory no longer holds, read back from its
 * directory for one answer; the caller frees it. NULL if there is none. */
static struct job *from_disk(struct hild *d, unsigned long id)
{
	char jobs[4200];
	snprintf(jobs, sizeof(jobs), "%s/jobs", d->cfg.state);
	struct job *j = id && id <= d->next_job ? load_one(d, jobs, id) : NULL;
	if (j && load_result(j) < 0) {
		job_free(j);
		return NULL;
	}
	if (j)
		j->state = DONE;
	return j;
}

/* Memory keeps every queued and running job and the newest --keep-jobs
 * finished ones, so that hild's size stays flat however long it runs;
 * older results stay on disk and are read back when asked for. */
static void forget_old(struct hild *d)
{
	long kept = 0;
	for (struct job **p = &d->jobs; *p;) {
		struct job *j = *p;
		if (j->state != DONE || ++kept <= d->cfg.keep_jobs) {
			p = &j->next;
			continue;
		}
		*p = j->next;
		job_free(j);
	}
}

static void publish(struct job *j, json_t *event)
{
	char topic[48];
	snprintf(topic, sizeof(topic), "job/%lu", j->id);
	topics_publish(j->d, topic, event, j->owner);
}

/* The job's owner has had its result: retention may remove it once old.
 * (An admin's look does not count: the owner may not have seen it.) */
static void mark_read(struct job *j, const struct client *c)
{
	char path[4500];
	if (!j->owner[0] || strcmp(client_who(c), j->owner) || j->read)
		return;
	j->read = 1;
	snprintf(path, sizeof(path), "%s/read", j->dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd >= 0)
		close(fd);
}

static json_t *summary(const struct job *j)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s}", "job", (json_int_t)j->id, "state",
			      jstate_names[j->state], "kind", j->kind, "target", j->what,
			      "dut", j->dut);
	if (j->board[0])
		json_object_set_new(o, "board", json_string(j->board));
	if (j->state == DONE) {
		json_object_set_new(o, "status", json_string(j->status));
		json_object_set_new(o, "exit", json_integer(j->exit_code));
	}
	return o;
}

/* Reads result.json into j; -1 if there is none. Only "pass" with exit 0
 * is a pass, "fail" with exit 1 a failure: any other result is an error. */
static int load_result(struct job *j)
{
	char path[4500];
	snprintf(path, sizeof(path), "%s/result.json", j->dir);
	json_t *r = json_load_file(path, 0, NULL);
	if (!r)
		return -1;
	const char *st = json_string_value(json_object_get(r, "status"));
	json_t *ex = json_object_get(r, "exit");
	int ok = st && json_is_integer(ex) &&
		((!strcmp(st, "pass") && json_integer_value(ex) == 0) ||
		 (!strcmp(st, "fail") && json_integer_value(ex) == 1));
	j->exit_code = ok ? (int)json_integer_value(ex) : 2;
	snprintf(j->status, sizeof(j->status), "%s", ok ? st : "error");
	const char *b = json_string_value(json_object_get(r, "board"));
	if (b)
		snprintf(j->board, sizeof(j->board), "%s", b);
	json_decref(r);
	return 0;
}

/* A claim whose runner is gone without a result: the run was cut off
 * (the machine went down, or someone killed the runner). */
static void interrupted(struct job *j, const char *why)
{
	char path[4500], tmp[4500];
	snprintf(path, sizeof(path), "%s/result.json", j->dir);
	snprintf(tmp, sizeof(tmp), "%s/result.json.tmp", j->dir);
	json_t *r = json_pack("{s:I,s:s,s:i,s:s,s:s}", "job", (json_int_t)j->id, "status",
			      "error", "exit", 2, "board", j->board, "message", why);
	char *t = json_dumps(r, JSON_COMPACT);
	json_decref(r);
	/* Known here whether or not the disk takes it: never a pass. */
	snprintf(j->status, sizeof(j->status), "error");
	j->exit_code = 2;
	if (t && write_file(tmp, t, strlen(t)) == 0 && rename(tmp, path) == 0)
		fsync_dir(j->dir);
	else
		hild_log("job %lu: cannot store its result (%s): %s", j->id, why,
			 strerror(errno));
	free(t);
}

static void finish(struct job *j)
{
	struct hild *d = j->d;
	if (load_result(j) < 0)
		interrupted(j, "the job's runner ended without a result (see stderr.txt)");
	j->state = DONE;
	j->pid = 0;
	hild_log("job %lu: %s (exit %d) on %s", j->id, j->status, j->exit_code, j->board);
	publish(j,
		json_pack("{s:s,s:s,s:i}", "state", "done", "status", j->status, "exit",
			  j->exit_code));
	while (j->waits) {
		struct jwait *w = j->waits;
		j->waits = w->next;
		mark_read(j, w->c);
		client_reply_ok(w->c, w->id, summary(j));
		client_done(w->c);
		json_decref(w->id);
		free(w);
	}
	struct board *b = j->board[0] ? boards_find(d, j->board) : NULL;
	if (b)
		boards_release(d, b, NULL);
	forget_old(d);
	retention_soon(d);
}

static void on_pidfd(struct hil_reactor *r, int fd, unsigned ev, void *user)
{
	(void)ev;
	struct job *j = user;
	hil_reactor_unwatch(r, fd);
	close(fd);
	j->pidfd = -1;
	finish(j);
}

/* Follows a runner that is not our child (it outlived an earlier hild). */
static int adopt(struct job *j, pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -1;
	j->pid = pid;
	j->pidfd = fd;
	j->state = RUNNING;
	if (hil_reactor_watch(j->d->r, fd, HIL_EV_READ, on_pidfd, j) != 0) {
		close(fd);
		return -1;
	}
	return 0;
}

/* The pid and board a claim names, if its runner is alive. */
static pid_t claimant(struct job *j)
{
	char path[4500], cmd[4096];
	snprintf(path, sizeof(path), "%s/claim", j->dir);
	FILE *f = fopen(path, "r");
	int pid = 0;
	char board[64] = "";
	if (!f)
		return 0;
	if (fscanf(f, "%d %63s", &pid, board) < 1)
		pid = 0;
	fclose(f);
	snprintf(j->board, sizeof(j->board), "%s", board);
	if (pid <= 0)
		return -1;
	/* The pid must still be a runner of this job, not a recycled one. */
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	f = fopen(path, "r");
	size_t n = f ? fread(cmd, 1, sizeof(cmd) - 1, f) : 0;
	if (f)
		fclose(f);
	cmd[n] = '\0';
	for (size_t i = 0; i + 1 < n; i++)
		if (!cmd[i])
			cmd[i] = ' ';
	return strstr(cmd, "--run-job") && strstr(cmd, j->dir) ? pid : -1;
}

static struct job *load_one(struct hild *d, const char *jobs, unsigned long id)
{
	char path[4500];
	snprintf(path, sizeof(path), "%s/%lu/job.json", jobs, id);
	json_t *m = json_load_file(path, 0, NULL);
	const char *kind = json_string_value(json_object_get(m, "kind"));
	const char *what = json_string_value(json_object_get(m, "target"));
	const char *dut = json_string_value(json_object_get(m, "dut"));
	const char *owner = json_string_value(json_object_get(m, "owner"));
	struct job *j = kind && what && dut ? job_new(d, id, jobs, kind, what, dut) : NULL;
	if (!j)
		hild_log("job %lu: %s is unreadable; skipping the job", id, path);
	struct stat st;
	snprintf(path, sizeof(path), "%s/%lu/script.hil", jobs, id);
	if (j && stat(path, &st) == 0)
		j->script = (size_t)st.st_size;
	if (j && owner)
		snprintf(j->owner, sizeof(j->owner), "%s", owner);
	snprintf(path, sizeof(path), "%s/%lu/read", jobs, id);
	if (j && stat(path, &st) == 0)
		j->read = 1;
	json_decref(m);
	return j;
}

/* A job directory hild cannot read is moved out of the way (kept for a
 * person to look at), so that it never stands in the way of an id. */
static void set_aside(struct hild *d, const char *jobs, unsigned long id)
{
	char from[4300], to[4300];
	(void)d;
	snprintf(from, sizeof(from), "%s/%lu", jobs, id);
	snprintf(to, sizeof(to), "%s/unreadable-%lu", jobs, id);
	if (rename(from, to) == 0)
		hild_log("job %lu: its directory is unreadable; moved to %s", id, to);
}

/* What a failed submission left: its files and directory. */
static void clear_new(const char *tmp)
{
	char path[4700];
	snprintf(path, sizeof(path), "%s/job.json", tmp);
	unlink(path);
	snprintf(path, sizeof(path), "%s/script.hil", tmp);
	unlink(path);
	rmdir(tmp);
}

static int by_id(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return (x > y) - (x < y);
}

int jobs_load(struct hild *d, char *err, size_t errlen)
{
	char jobs[4200], path[4800];
	snprintf(jobs, sizeof(jobs), "%s/jobs", d->cfg.state);
	snprintf(path, sizeof(path), "%s/sessions", d->cfg.state);
	if ((mkdir(d->cfg.state, 0750) && errno != EEXIST) ||
	    (mkdir(jobs, 0750) && errno != EEXIST) || (mkdir(path, 0750) && errno != EEXIST)) {
		snprintf(err, errlen, "state directory %s: %s (hild --state DIR)",
			 d->cfg.state, strerror(errno));
		return -1;
	}
	/* A state directory an older hild made open to all is closed. */
	const char *dirs[] = {d->cfg.state, jobs, path};
	for (int i = 0; i < 3; i++) {
		struct stat st;
		if (stat(dirs[i], &st) == 0 && (st.st_mode & 007))
			chmod(dirs[i], st.st_mode & 0770);
	}
	DIR *dir = opendir(jobs);
	if (!dir) {
		snprintf(err, errlen, "%s: %s", jobs, strerror(errno));
		return -1;
	}
	unsigned long *ids = NULL;
	size_t n = 0, cap = 0;
	for (struct dirent *e; (e = readdir(dir));) {
		char *end;
		if (!strncmp(e->d_name, ".new-", 5)) {
			/* A submission nobody was told about: never a job. */
			char tmp[4500];
			snprintf(tmp, sizeof(tmp), "%s/%s", jobs, e->d_name);
			clear_new(tmp);
			continue;
		}
		/* One moved aside at an earlier start still holds its id. */
		if (!strncmp(e->d_name, "unreadable-", 11)) {
			unsigned long gone = strtoul(e->d_name + 11, &end, 10);
			if (!*end && gone > d->next_job)
				d->next_job = gone;
			continue;
		}
		unsigned long id = strtoul(e->d_name, &end, 10);
		if (!id || *end)
			continue;
		if (n == cap) {
			unsigned long *m =
				realloc(ids, (cap = cap ? 2 * cap : 64) * sizeof(*ids));
			if (!m)
				break;
			ids = m;
		}
		ids[n++] = id;
	}
	closedir(dir);
	if (n)
		qsort(ids, n, sizeof(*ids), by_id);
	unsigned queued = 0, running = 0;
	for (size_t i = 0; i < n; i++) {
		/* Ids go on past every directory, readable or not. */
		if (ids[i] > d->next_job)
			d->next_job = ids[i];
		struct job *j = load_one(d, jobs, ids[i]);
		if (!j) {
			set_aside(d, jobs, ids[i]);
			continue;
		}
		/* Newest first, as submissions are added. */
		j->next = d->jobs;
		d->jobs = j;
		pid_t pid;
		if (load_result(j) == 0) {
			j->state = DONE;
		} else if ((pid = claimant(j)) > 0 && adopt(j, pid) == 0) {
			running++;
			struct board *b = boards_find(d, j->board);
			if (!strcmp(j->kind, "sim"))
				boards_adopt_sim(d, j, j->board, j->what);
			else if (b)
				boards_set_job(b, j);
		} else if (pid != 0) {
			interrupted(j,
				    "the run was cut off: its runner died before it "
				    "finished (hild does not run a job twice)");
			j->state = DONE;
		} else {
			queued++;
			boards_wait_job(d, j);
		}
	}
	free(ids);
	forget_old(d);
	if (n)
		hild_log("jobs: %zu on disk, %u queued, %u still running", n, queued, running);
	return 0;
}

/* A user's unfinished jobs and their scripts' bytes: what its queue
 * holds of hild's memory and disk. */
static int over_quota(struct hild *d, const char *owner, size_t script, char *err,
		      size_t errlen)
{
	long n = 0, unread = 0;
	size_t bytes = script;
	for (struct job *j = d->jobs; j; j = j->next)
		if (j->state != DONE && !strcmp(j->owner, owner)) {
			n++;
			bytes += j->script;
		} else if (!j->read && !strcmp(j->owner, owner))
			unread++;
	/* Retention keeps a result until its owner has had it: one who never
	 * asks would hold the disk. Counted over the finished jobs memory
	 * holds (--keep-jobs). */
	if (unread >= d->cfg.max_user_unread) {
		snprintf(err, errlen,
			 "%s has %ld finished jobs whose results it has not "
			 "read, its limit (hild --max-user-unread): read them (hil wait, hil "
			 "result) first",
			 owner, unread);
		return 1;
	}
	if (n >= d->cfg.max_user_jobs) {
		snprintf(err, errlen,
			 "%s has %ld jobs queued or running, its limit (hild "
			 "--max-user-jobs): wait for some to finish",
			 owner, n);
		return 1;
	}
	if (bytes > d->cfg.max_user_bytes) {
		snprintf(
			err, errlen,
			"%s's unfinished jobs would hold %zu bytes of script, "
			"over its limit of %zu (hild --max-user-bytes): wait for some to finish",
			owner, bytes, d->cfg.max_user_bytes);
		return 1;
	}
	return 0;
}

int jobs_submit(struct hild *d, struct client *c, json_t *req, unsigned long *out,
		const char **code, char *err, size_t errlen)
{
	*code = "bad_request";
	const char *script = json_string_value(json_object_get(req, "script"));
	const char *dut = json_string_value(json_object_get(req, "dut"));
	const char *board = json_string_value(json_object_get(req, "board"));
	const char *type = json_string_value(json_object_get(req, "type"));
	int sim = json_is_true(json_object_get(req, "sim"));
	if (!script || !dut || dut[0] != '/' || strlen(dut) >= 1000 ||
	    access(dut, R_OK | X_OK)) {
		snprintf(err, errlen,
			 "submit needs \"script\" (its text) and \"dut\", the "
			 "absolute path of a DUT directory hild can read");
		return -1;
	}
	json_t *pj = json_object_get(req, "params");
	char params[1024] = "";
	if (pj &&
	    (!json_is_string(pj) ||
	     hil_params_canon(json_string_value(pj), params, sizeof(params), err, errlen) <
		     0)) {
		if (!json_is_string(pj))
			snprintf(err, errlen,
				 "a job's \"params\" is a string, \"NAME=VALUE,...\"");
		return -1;
	}
	json_t *name = json_object_get(req, "name");
	if (name && (!json_is_string(name) || json_string_length(name) > 200)) {
		snprintf(err, errlen, "a job's \"name\" is a string of at most 200 bytes");
		return -1;
	}
	if (!!board + !!type + sim != 1) {
		snprintf(err, errlen,
			 "submit takes one of \"board\": NAME, \"type\": T or "
			 "\"sim\": true");
		return -1;
	}
	struct board *b = board ? boards_find(d, board) : NULL;
	if (board && (!b || board_is_sim(b))) {
		snprintf(err, errlen, "hild has no board called '%s'", board);
		return -1;
	}
	if (type) {
		json_t *l = boards_list(d), *e;
		size_t i;
		int found = 0;
		json_array_foreach(json_object_get(l, "boards"), i, e) found |=
			!strcmp(json_string_value(json_object_get(e, "type")), type) &&
			!json_is_true(json_object_get(e, "on_demand"));
		json_decref(l);
		if (!found) {
			snprintf(err, errlen, "hild has no board of type '%s'", type);
			return -1;
		}
	}
	if (over_quota(d, client_who(c), strlen(script), err, errlen)) {
		*code = "limit";
		return -1;
	}
	/* A board job's DUT must be the one the board runs. */
	if (b && strcmp(strrchr(board_uri(b), ':') + 1, dut))
		hild_log("job for %s: DUT %s, the board's URI names %s; the run checks "
			 "the signature",
			 board, dut, strrchr(board_uri(b), ':') + 1);
	char jobs[4200];
	snprintf(jobs, sizeof(jobs), "%s/jobs", d->cfg.state);
	struct job *j = job_new(d, d->next_job + 1, jobs,
				board          ? "board"
					: type ? "type"
					       : "sim",
				board          ? board
					: type ? type
					       : dut,
				dut);
	if (!j) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	char tmp[4500], path[4600];
	snprintf(tmp, sizeof(tmp), "%s/jobs/.new-%lu", d->cfg.state, j->id);
	snprintf(j->owner, sizeof(j->owner), "%s", client_who(c));
	j->script = strlen(script);
	json_t *m = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:s}", "job", (json_int_t)j->id,
			      "kind", j->kind, "target", j->what, "dut", dut, "name",
			      name ? json_string_value(name) : "script", "submitted",
			      (json_int_t)time(NULL), "owner", j->owner);
	if (params[0])
		json_object_set_new(m, "params", json_string(params));
	char *text = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	clear_new(tmp);
	int ok = text && mkdir(tmp, 0755) == 0;
	snprintf(path, sizeof(path), "%s/job.json", tmp);
	ok = ok && write_file(path, text, strlen(text)) == 0;
	snprintf(path, sizeof(path), "%s/script.hil", tmp);
	ok = ok && write_file(path, script, strlen(script)) == 0;
	snprintf(path, sizeof(path), "%s/jobs", d->cfg.state);
	ok = ok && rename(tmp, j->dir) == 0 && fsync_dir(path) == 0;
	free(text);
	if (!ok) {
		/* Nothing half-written stays to block this id next time. */
		int e = errno;
		clear_new(tmp);
		if (e == EEXIST || e == ENOTEMPTY)
			d->next_job = j->id; /* a directory of that id is someone's: pass it */
		snprintf(err, errlen, "cannot store the job in %s: %s", j->dir, strerror(e));
		*code = "storage";
		hild_log("job %lu not stored: %s", j->id, strerror(e));
		job_free(j);
		return -1;
	}
	d->next_job = j->id;
	j->next = d->jobs;
	d->jobs = j;
	*out = j->id;
	hild_log("job %lu queued: %s %s", j->id, j->kind, j->what);
	publish(j, json_pack("{s:s}", "state", "queued"));
	boards_wait_job(d, j);
	boards_dispatch(d);
	return 0;
}

void jobs_start(struct hild *d, struct job *j, struct board *b)
{
	snprintf(j->board, sizeof(j->board), "%s", board_name(b));
	boards_set_job(b, j);
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* Its own session: a signal meant for hild's terminal or
		 * process group does not cut the run short. */
		setsid();
		execl(d->self, d->self, "--run-job", j->dir, board_uri(b), board_name(b),
		      d->hil_path, (char *)NULL);
		_exit(127);
	}
	if (pid < 0) {
		interrupted(j, "hild could not start a runner (fork failed)");
		finish(j);
		return;
	}
	j->pid = pid;
	j->state = RUNNING;
	hild_log("job %lu running on %s (runner %d)", j->id, board_name(b), (int)pid);
	publish(j, json_pack("{s:s,s:s}", "state", "running", "board", board_name(b)));
}

int jobs_reaped(struct hild *d, pid_t pid, int status)
{
	struct job *j = d->jobs;
	while (j && !(j->pid == pid && j->pidfd < 0))
		j = j->next;
	if (!j)
		return 0;
	/* Exit 5: another runner holds the claim (one that outlived the last
	 * hild); that one is followed instead. */
	pid_t other;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 5 && (other = claimant(j)) > 0 &&
	    adopt(j, other) == 0)
		return 1;
	finish(j);
	return 1;
}

json_t *jobs_list(struct hild *d, struct client *c, unsigned long before, size_t limit)
{
	json_t *a = json_array();
	size_t n = 0, bytes = 64;
	int more = 0;
	/* Newest first, a page at a time: bounded in entries and in bytes (a
	 * half of --max-msg), so the reply always fits whatever the jobs hold. */
	for (struct job *j = d->jobs; j; j = j->next) {
		if ((before && j->id >= before) || !client_may_see(c, j->owner))
			continue;
		json_t *e = summary(j);
		char *t = json_dumps(e, JSON_COMPACT);
		size_t len = t ? strlen(t) + 1 : 0;
		free(t);
		if (n == limit || bytes + len > d->cfg.max_msg / 2) {
			json_decref(e);
			more = 1;
			break;
		}
		json_array_append_new(a, e);
		bytes += len;
		n++;
	}
	return json_pack("{s:o,s:b}", "jobs", a, "more", more);
}

/* A job the client may see, from memory or (then *old is set: the caller
 * frees it) from disk; NULL with the reason in err. */
static struct job *visible(struct hild *d, struct client *c, unsigned long id,
			   struct job **old, char *err, size_t errlen)
{
	struct job *j = find(d, id);
	*old = j ? NULL : (j = from_disk(d, id));
	if (j && client_may_see(c, j->owner))
		return j;
	if (*old)
		job_free(*old);
	*old = NULL;
	/* Another user's job is answered as one that does not exist. */
	snprintf(err, errlen,
		 "hild has no job %lu of %s's (an admin, hild --admin-group, "
		 "sees every user's)",
		 id, client_who(c));
	return NULL;
}

json_t *jobs_result(struct hild *d, struct client *c, unsigned long id, char *err,
		    size_t errlen)
{
	struct job *old, *j = visible(d, c, id, &old, err, errlen);
	if (!j)
		return NULL;
	json_t *o = summary(j);
	char path[4500];
	json_object_set_new(o, "dir", json_string(j->dir));
	snprintf(path, sizeof(path), "%s/run.hlog", j->dir);
	json_object_set_new(o, "log", json_string(path));
	if (j->state != DONE)
		return o;
	mark_read(j, c);
	snprintf(path, sizeof(path), "%s/result.json", j->dir);
	json_t *r = json_load_file(path, 0, NULL);
	const char *msg = json_string_value(json_object_get(r, "message"));
	if (msg)
		json_object_set_new(o, "message", json_string(msg));
	json_decref(r);
	/* The trace itself when it fits in a reply, else where it is. */
	snprintf(path, sizeof(path), "%s/trace.txt", j->dir);
	json_object_set_new(o, "trace_file", json_string(path));
	char *buf, e[256];
	size_t n;
	if (hil_read_file(path, d->cfg.max_msg / 2, &buf, &n, e, sizeof(e)) == 0) {
		json_object_set_new(o, "trace", json_stringn(buf, n));
		free(buf);
	}
	if (old)
		job_free(old);
	return o;
}

int jobs_wait(struct hild *d, struct client *c, json_t *id, unsigned long job)
{
	char err[256];
	struct job *old, *j = visible(d, c, job, &old, err, sizeof(err));
	if (old) {
		mark_read(old, c);
		int rc = client_reply_ok(c, id, summary(old));
		job_free(old);
		return rc;
	}
	if (!j)
		return client_reply_error(c, id, "no_job", err);
	if (j->state == DONE) {
		mark_read(j, c);
		return client_reply_ok(c, id, summary(j));
	}
	struct jwait *w = calloc(1, sizeof(*w));
	if (!w)
		return client_reply_error(c, id, "internal", "out of memory");
	w->c = c;
	w->id = json_incref(id);
	w->next = j->waits;
	j->waits = w;
	return 1;
}

void jobs_forget(struct hild *d, unsigned long id)
{
	for (struct job **p = &d->jobs; *p; p = &(*p)->next)
		if ((*p)->id == id && (*p)->state == DONE) {
			struct job *j = *p;
			*p = j->next;
			job_free(j);
			return;
		}
}

void jobs_drop_client(struct hild *d, struct client *c)
{
	for (struct job *j = d->jobs; j; j = j->next)
		for (struct jwait **p = &j->waits; *p;) {
			if ((*p)->c == c) {
				struct jwait *w = *p;
				*p = w->next;
				json_decref(w->id);
				free(w);
			} else
				p = &(*p)->next;
		}
}

void jobs_free(struct hild *d)
{
	while (d->jobs) {
		struct job *j = d->jobs;
		d->jobs = j->next;
		while (j->waits) {
			struct jwait *w = j->waits;
			j->waits = w->next;
			json_decref(w->id);
			free(w);
		}
		if (j->pidfd >= 0)
			close(j->pidfd);
		job_free(j);
	}
}
