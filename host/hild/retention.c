/* Retention: finished jobs and session logs are removed by age and by
 * total size (--keep-days, --keep-mb), oldest first, so that a busy lab's
 * disk does not fill over months. Never removed: a job that is queued or
 * running, a job whose result nobody has read yet (no "read" file: see
 * jobs.c), a session log still being written. What stays counts towards
 * the size all the same, so the total may stay over --keep-mb while such
 * things hold it; the sweep says so. The newest job and the newest log
 * stay too: ids go on past them after a restart, never reused. Runs at
 * start, after each job finishes and every RETENTION_MS. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hild.h"

#define RETENTION_MS (10 * 60 * 1000)

struct item {
	time_t when; /* finished (result.json) or last written (a log) */
	unsigned long long bytes;
	unsigned long job; /* 0: a session log */
	char name[256];    /* the entry in jobs/ or sessions/ */
	int keep;
};

struct sweep {
	struct item *v;
	size_t n, cap;
	unsigned long long total;
};

static struct item *add(struct sweep *w)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 256;
		struct item *m = realloc(w->v, cap * sizeof(*m));
		if (!m)
			return NULL;
		w->v = m;
		w->cap = cap;
	}
	struct item *it = &w->v[w->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

/* A job directory is flat (job.json, script.hil, trace.txt, ...): its
 * size is its files'. Only a finished job whose result was read may go. */
static void job_item(struct sweep *w, int jobs, const char *name, unsigned long id)
{
	int fd = openat(jobs, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct item *it = dir ? add(w) : NULL;
	if (!it) {
		if (dir)
			closedir(dir);
		else if (fd >= 0)
			close(fd);
		return;
	}
	it->job = id;
	snprintf(it->name, sizeof(it->name), "%s", name);
	struct stat st;
	int done = fstatat(fd, "result.json", &st, AT_SYMLINK_NOFOLLOW) == 0;
	it->when = done ? st.st_mtime : 0;
	it->keep = !done || fstatat(fd, "read", &st, AT_SYMLINK_NOFOLLOW) != 0;
	for (struct dirent *e; (e = readdir(dir));)
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode))
			it->bytes += (unsigned long long)st.st_size;
	closedir(dir);
	w->total += it->bytes;
}

static void log_item(struct sweep *w, struct hild *d, int sessions, const char *name)
{
	struct stat st;
	if (fstatat(sessions, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
		return;
	struct item *it = add(w);
	if (!it)
		return;
	snprintf(it->name, sizeof(it->name), "%s", name);
	it->when = st.st_mtime;
	it->bytes = (unsigned long long)st.st_size;
	it->keep = sessions_log_live(d, name);
	w->total += it->bytes;
}

/* Marks the item of the highest id among those from `from` on. */
static void keep_newest(struct sweep *w, size_t from, int jobs)
{
	size_t best = w->n;
	unsigned long top = 0;
	for (size_t i = from; i < w->n; i++) {
		unsigned long id = jobs ? w->v[i].job : strtoul(w->v[i].name, NULL, 10);
		if (id >= top)
			top = id, best = i;
	}
	if (best < w->n)
		w->v[best].keep = 1;
}

static void scan(struct sweep *w, struct hild *d, int jobs, int sessions)
{
	DIR *dir = jobs >= 0 ? fdopendir(dup(jobs)) : NULL;
	for (struct dirent *e; dir && (e = readdir(dir));) {
		char *end;
		unsigned long id = strtoul(e->d_name, &end, 10);
		if (id && !*end)
			job_item(w, jobs, e->d_name, id);
	}
	if (dir)
		closedir(dir);
	keep_newest(w, 0, 1);
	size_t logs = w->n;
	dir = sessions >= 0 ? fdopendir(dup(sessions)) : NULL;
	for (struct dirent *e; dir && (e = readdir(dir));)
		if (e->d_name[0] != '.')
			log_item(w, d, sessions, e->d_name);
	if (dir)
		closedir(dir);
	keep_newest(w, logs, 0);
}

static int oldest_first(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	return (x->when > y->when) - (x->when < y->when);
}

static int remove_job(int jobs, const char *name)
{
	int fd = openat(jobs, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (struct dirent *e; (e = readdir(dir));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(fd, e->d_name, 0);
	closedir(dir);
	return unlinkat(jobs, name, AT_REMOVEDIR);
}

void retention_sweep(struct hild *d)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/jobs", d->cfg.state);
	int jobs = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/sessions", d->cfg.state);
	int sessions = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct sweep w = {0};
	scan(&w, d, jobs, sessions);
	if (w.n)
		qsort(w.v, w.n, sizeof(*w.v), oldest_first);
	time_t cutoff = time(NULL) - (time_t)d->cfg.keep_days * 86400;
	unsigned long long limit = (unsigned long long)d->cfg.keep_mb << 20, freed = 0;
	unsigned njobs = 0, nlogs = 0;
	for (size_t i = 0; i < w.n; i++) {
		struct item *it = &w.v[i];
		if (it->keep || (it->when >= cutoff && w.total - freed <= limit))
			continue;
		int rc =
			it->job ? remove_job(jobs, it->name) : unlinkat(sessions, it->name, 0);
		if (rc != 0) {
			hild_log("retention: cannot remove %s %s: %s",
				 it->job ? "job" : "session log", it->name, strerror(errno));
			continue;
		}
		if (it->job)
			jobs_forget(d, it->job);
		freed += it->bytes;
		njobs += !!it->job;
		nlogs += !it->job;
	}
	if (njobs || nlogs || w.total - freed > limit)
		hild_log("retention: removed %u finished jobs and %u session logs (%llu KiB); "
			 "%llu KiB stay%s",
			 njobs, nlogs, freed >> 10, (w.total - freed) >> 10,
			 w.total - freed > limit ? ", over --keep-mb: the rest is running, "
						   "queued, unread or live"
						 : "");
	free(w.v);
	if (jobs >= 0)
		close(jobs);
	if (sessions >= 0)
		close(sessions);
}

static long tick(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id;
	retention_sweep(user);
	return RETENTION_MS;
}

static long soon(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id;
	struct hild *d = user;
	d->sweep_timer = 0;
	retention_sweep(d);
	return -1;
}

void retention_start(struct hild *d)
{
	retention_sweep(d);
	hil_reactor_timer(d->r, RETENTION_MS, tick, d);
}

void retention_soon(struct hild *d)
{
	/* From the loop, not from inside the job's own ending. */
	if (!d->sweep_timer)
		d->sweep_timer = hil_reactor_timer(d->r, 0, soon, d);
}
