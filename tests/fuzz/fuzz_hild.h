/* What hild's fuzz targets share: a state directory of their own (made
 * new for each input, removed at exit), a hild in this process with small
 * limits, and a silent log. Include once per target, after _GNU_SOURCE
 * (nftw). */
#ifndef HIL_FUZZ_HILD_H
#define HIL_FUZZ_HILD_H

#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "hild.h"

/* hild's log goes to stderr; thousands of inputs a second would bury
 * libFuzzer's own report in it. */
void hild_log(const char *fmt, ...)
{
	(void)fmt;
}

static char fuzz_state_dir[512];
static int fuzz_state_keep_top = 1;

static inline int fuzz_state_rm(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag;
	if (f->level > 0 || !fuzz_state_keep_top)
		remove(p);
	return 0;
}

/* Empties the directory (keeping it) for the next input. */
static inline void fuzz_state_empty(void)
{
	nftw(fuzz_state_dir, fuzz_state_rm, 8, FTW_DEPTH | FTW_PHYS);
}

static inline void fuzz_state_remove(void)
{
	fuzz_state_keep_top = 0;
	fuzz_state_empty();
}

/* Names it (fuzz_path(name)) and has it removed at exit; returns it. */
static inline const char *fuzz_state(const char *name)
{
	signal(SIGPIPE, SIG_IGN);
	snprintf(fuzz_state_dir, sizeof(fuzz_state_dir), "%s", fuzz_path(name));
	atexit(fuzz_state_remove);
	return fuzz_state_dir;
}

/* A hild on that state: no boards, no simulators, a few clients, small
 * messages; its job queue loaded. */
static inline void fuzz_hild_start(struct hild *d)
{
	*d = (struct hild){.lfd = -1, .tfd = -1, .admin_gid = (gid_t)-1, .max_fds = 1024};
	d->cfg = (struct hild_config){.socket_path = "/nonexistent",
				      .state = fuzz_state_dir,
				      .max_clients = 4,
				      .max_tcp = 4,
				      .max_unix = 4,
				      .max_subs = 16,
				      .handshake_s = 10,
				      .max_inflight = 8,
				      .max_events = 64,
				      .lease_idle_s = 600,
				      .keep_jobs = 1,
				      .max_user_jobs = 8,
				      .max_user_bytes = 1 << 16,
				      .max_user_unread = 8,
				      .idle_s = 600,
				      .max_msg = 4096,
				      .max_out = 1 << 16};
	snprintf(d->token, sizeof(d->token), "fuzz-token");
	d->clients = calloc((size_t)d->max_fds, sizeof(*d->clients));
	d->r = hil_reactor_new(d->max_fds, 256);
	char err[512];
	FUZZ_CHECK(d->clients && d->r && jobs_load(d, err, sizeof(err)) == 0);
}

static inline void fuzz_hild_stop(struct hild *d)
{
	hild_close_all(d);
	jobs_free(d);
	boards_free(d);
	hil_reactor_free(d->r);
	free(d->clients);
}

#endif
