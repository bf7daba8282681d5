/* The event loop (host/hild/reactor.c): readiness callbacks, removal of a
 * descriptor by another callback in the same round (also when its number
 * is reused at once), hangups, timers in order, cancelled, repeating, not
 * starving the descriptors, the fixed limits, and stop. */
#define _GNU_SOURCE /* pipe2 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "reactor.h"

static int calls[4096];
static int last_events;

static void count(struct hil_reactor *r, int fd, unsigned ev, void *user)
{
	(void)r;
	(void)user;
	calls[fd]++;
	last_events = (int)ev;
	char b[64];
	if (ev & HIL_EV_READ)
		while (read(fd, b, sizeof(b)) > 0)
			;
}

static void test_read_write(void)
{
	struct hil_reactor *r = hil_reactor_new(1024, 8);
	int p[2];
	CHECK(pipe2(p, O_NONBLOCK) == 0);
	memset(calls, 0, sizeof(calls));
	CHECK(hil_reactor_watch(r, p[0], HIL_EV_READ, count, NULL) == 0);
	CHECK(hil_reactor_once(r, 0) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	CHECK(hil_reactor_once(r, 1000) == 1);
	CHECK(calls[p[0]] == 1 && last_events == HIL_EV_READ);
	CHECK(hil_reactor_watch(r, p[1], HIL_EV_WRITE, count, NULL) == 0);
	CHECK(hil_reactor_once(r, 1000) == 1);
	CHECK(calls[p[1]] == 1 && last_events == HIL_EV_WRITE);
	/* quiet: registered, no events asked for */
	CHECK(hil_reactor_watch(r, p[1], 0, count, NULL) == 0);
	CHECK(hil_reactor_once(r, 0) == 0);
	/* a hangup reads as readable, and read says end of stream */
	close(p[1]);
	CHECK(hil_reactor_once(r, 1000) == 1);
	CHECK(calls[p[0]] == 2 && (last_events & HIL_EV_READ));
	CHECK(read(p[0], p, 1) == 0);
	hil_reactor_unwatch(r, p[1]);
	close(p[0]);
	CHECK(hil_reactor_watch(r, 5000, HIL_EV_READ, count, NULL) == -1);
	CHECK(hil_reactor_watch(r, -1, HIL_EV_READ, count, NULL) == -1);
	hil_reactor_free(r);
}

/* Two readable pipes; whichever is called first removes the other, closes
 * it, and watches a fresh pipe that likely takes the same number: neither
 * the removed one nor the newcomer may be called in this round. */
static int pa[2], pb[2], fresh[2], first_calls, fresh_calls;

static void fresh_cb(struct hil_reactor *r, int fd, unsigned ev, void *user)
{
	(void)r, (void)fd, (void)ev, (void)user;
	fresh_calls++;
}

static void first(struct hil_reactor *r, int fd, unsigned ev, void *user)
{
	(void)ev, (void)user;
	char b;
	CHECK(read(fd, &b, 1) == 1);
	first_calls++;
	int *other = fd == pa[0] ? pb : pa;
	hil_reactor_unwatch(r, other[0]);
	close(other[0]);
	CHECK(pipe2(fresh, O_NONBLOCK) == 0);
	hil_reactor_watch(r, fresh[0], HIL_EV_READ, fresh_cb, NULL);
}

static void test_removal_in_round(void)
{
	struct hil_reactor *r = hil_reactor_new(1024, 8);
	CHECK(pipe2(pa, O_NONBLOCK) == 0 && pipe2(pb, O_NONBLOCK) == 0);
	CHECK(write(pa[1], "a", 1) == 1 && write(pb[1], "b", 1) == 1);
	hil_reactor_watch(r, pa[0], HIL_EV_READ, first, NULL);
	hil_reactor_watch(r, pb[0], HIL_EV_READ, first, NULL);
	CHECK(hil_reactor_once(r, 1000) == 1);
	CHECK(first_calls == 1 && fresh_calls == 0);
	CHECK(hil_reactor_once(r, 0) >= 0);
	CHECK(fresh_calls == 0);
	CHECK(write(fresh[1], "c", 1) == 1);
	CHECK(hil_reactor_once(r, 1000) >= 1 && fresh_calls == 1);
	hil_reactor_free(r);
}

static int order[8], norder, ticks;

static long record(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id;
	order[norder++] = (int)(long)user;
	return -1;
}

static long tick(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id, (void)user;
	return ++ticks < 3 ? 1 : -1;
}

static long spin(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id, (void)user;
	return 0;
}

static long stopper(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)id, (void)user;
	hil_reactor_stop(r);
	return -1;
}

static void test_timers(void)
{
	struct hil_reactor *r = hil_reactor_new(64, 4);
	uint64_t t0 = hil_reactor_now_ms();
	CHECK(hil_reactor_timer(r, 30, record, (void *)3L) != 0);
	CHECK(hil_reactor_timer(r, 10, record, (void *)1L) != 0);
	uint64_t gone = hil_reactor_timer(r, 15, record, (void *)9L);
	CHECK(hil_reactor_timer(r, 20, record, (void *)2L) != 0);
	CHECK(hil_reactor_timer(r, 5, record, (void *)7L) == 0); /* full */
	hil_reactor_cancel(r, gone);
	while (norder < 3)
		CHECK(hil_reactor_once(r, -1) >= 0);
	CHECK(order[0] == 1 && order[1] == 2 && order[2] == 3);
	CHECK(hil_reactor_now_ms() - t0 >= 30);
	/* repeating until it says -1 */
	hil_reactor_timer(r, 0, tick, NULL);
	for (int i = 0; i < 100 && ticks < 3; i++)
		hil_reactor_once(r, -1);
	CHECK(ticks == 3);
	CHECK(hil_reactor_once(r, 0) == 0);
	/* a 0 ms timer that always comes back does not starve a descriptor */
	int p[2];
	CHECK(pipe2(p, O_NONBLOCK) == 0);
	memset(calls, 0, sizeof(calls));
	hil_reactor_watch(r, p[0], HIL_EV_READ, count, NULL);
	uint64_t s = hil_reactor_timer(r, 0, spin, NULL);
	CHECK(write(p[1], "x", 1) == 1);
	for (int i = 0; i < 3; i++)
		hil_reactor_once(r, -1);
	CHECK(calls[p[0]] == 1);
	hil_reactor_cancel(r, s);
	hil_reactor_timer(r, 1, stopper, NULL);
	CHECK(hil_reactor_run(r) == 0);
	close(p[0]);
	close(p[1]);
	hil_reactor_free(r);
}

static int spins;

static long spin_count(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id, (void)user;
	spins++;
	return 1;
}

/* A timer that ran and asked to run again keeps its id: its owner's
 * cancel (a client freed before its idle timer is due) must stop it, or
 * it runs later on freed memory. The ids once changed at each run. */
static void test_cancel_after_run(void)
{
	struct hil_reactor *r = hil_reactor_new(64, 4);
	uint64_t id = hil_reactor_timer(r, 0, spin_count, NULL);
	while (spins < 2)
		CHECK(hil_reactor_once(r, -1) >= 0);
	hil_reactor_cancel(r, id);
	int before = spins;
	hil_reactor_timer(r, 20, stopper, NULL);
	CHECK(hil_reactor_run(r) == 0);
	CHECK(spins == before);
	hil_reactor_free(r);
}

static void test_many(void)
{
	enum {
		N = 300
	};
	static int p[N][2];
	struct hil_reactor *r = hil_reactor_new(1024, 1);
	memset(calls, 0, sizeof(calls));
	int ok = 1;
	for (int i = 0; i < N; i++) {
		ok &= pipe2(p[i], O_NONBLOCK) == 0;
		ok &= hil_reactor_watch(r, p[i][0], HIL_EV_READ, count, NULL) == 0;
		ok &= write(p[i][1], "x", 1) == 1;
	}
	CHECK(ok);
	CHECK(hil_reactor_once(r, 1000) == N);
	int each = 1;
	for (int i = 0; i < N; i++) {
		each &= calls[p[i][0]] == 1;
		close(p[i][0]);
		close(p[i][1]);
	}
	CHECK(each);
	hil_reactor_free(r);
}

int main(void)
{
	CHECK(hil_reactor_new(0, 1) == NULL);
	test_read_write();
	test_removal_in_round();
	test_timers();
	test_cancel_after_run();
	test_many();
	return CHECK_DONE();
}
