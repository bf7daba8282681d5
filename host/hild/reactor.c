#include "reactor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

struct slot {
	hil_io_fn fn;
	void *user;
	unsigned events;
	int used;
	uint64_t gen; /* bumped at each unwatch: stale epoll entries miss */
};

/* id: the handle its owner keeps, the same when it runs again; seq:
 * its place in time order, new each time it is put in. */
struct timer {
	uint64_t due, id, seq;
	hil_timer_fn fn;
	void *user;
};

struct hil_reactor {
	int ep, max_fds, max_timers, ntimers, stop;
	struct slot *slot;
	struct epoll_event *ready;
	struct timer *heap;
	uint64_t next_id, next_seq;
};

uint64_t hil_reactor_now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

uint64_t hil_reactor_now_ms(void)
{
	return hil_reactor_now_us() / 1000u;
}

struct hil_reactor *hil_reactor_new(int max_fds, int max_timers)
{
	if (max_fds < 1 || max_timers < 1)
		return NULL;
	struct hil_reactor *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->ep = epoll_create1(EPOLL_CLOEXEC);
	r->slot = calloc((size_t)max_fds, sizeof(*r->slot));
	r->ready = calloc((size_t)max_fds, sizeof(*r->ready));
	r->heap = calloc((size_t)max_timers, sizeof(*r->heap));
	r->max_fds = max_fds;
	r->max_timers = max_timers;
	if (r->ep < 0 || !r->slot || !r->ready || !r->heap) {
		hil_reactor_free(r);
		return NULL;
	}
	return r;
}

void hil_reactor_free(struct hil_reactor *r)
{
	if (!r)
		return;
	if (r->ep >= 0)
		close(r->ep);
	free(r->slot);
	free(r->ready);
	free(r->heap);
	free(r);
}

/* The epoll entry carries the slot's generation with the fd, so an event
 * collected before an unwatch (and a watch of a new fd with the same
 * number) in this round is recognised as stale. */
static uint64_t tag(int fd, uint64_t gen)
{
	return gen << 32 | (uint32_t)fd;
}

int hil_reactor_watch(struct hil_reactor *r, int fd, unsigned events, hil_io_fn fn, void *user)
{
	if (fd < 0 || fd >= r->max_fds)
		return -1;
	struct slot *s = &r->slot[fd];
	struct epoll_event ev = {0};
	ev.events = (events & HIL_EV_READ ? EPOLLIN : 0u) |
		(events & HIL_EV_WRITE ? EPOLLOUT : 0u);
	ev.data.u64 = tag(fd, s->gen);
	if (epoll_ctl(r->ep, s->used ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0)
		return -1;
	s->used = 1;
	s->fn = fn;
	s->user = user;
	s->events = events;
	return 0;
}

void hil_reactor_unwatch(struct hil_reactor *r, int fd)
{
	if (fd < 0 || fd >= r->max_fds || !r->slot[fd].used)
		return;
	epoll_ctl(r->ep, EPOLL_CTL_DEL, fd, NULL);
	struct slot *s = &r->slot[fd];
	uint64_t gen = s->gen + 1;
	memset(s, 0, sizeof(*s));
	s->gen = gen;
}

static void swap(struct timer *a, struct timer *b)
{
	struct timer t = *a;
	*a = *b;
	*b = t;
}

static int earlier(const struct timer *a, const struct timer *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void sift_up(struct hil_reactor *r, int i)
{
	while (i > 0 && earlier(&r->heap[i], &r->heap[(i - 1) / 2])) {
		swap(&r->heap[i], &r->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
}

static void sift_down(struct hil_reactor *r, int i)
{
	for (;;) {
		int l = 2 * i + 1, m = i;
		if (l < r->ntimers && earlier(&r->heap[l], &r->heap[m]))
			m = l;
		if (l + 1 < r->ntimers && earlier(&r->heap[l + 1], &r->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		swap(&r->heap[i], &r->heap[m]);
		i = m;
	}
}

static void remove_at(struct hil_reactor *r, int i)
{
	r->heap[i] = r->heap[--r->ntimers];
	if (i < r->ntimers) {
		sift_down(r, i);
		sift_up(r, i);
	}
}

uint64_t hil_reactor_timer(struct hil_reactor *r, long ms, hil_timer_fn fn, void *user)
{
	if (r->ntimers == r->max_timers || ms < 0)
		return 0;
	struct timer *t = &r->heap[r->ntimers];
	t->due = hil_reactor_now_ms() + (uint64_t)ms;
	t->id = ++r->next_id;
	t->seq = ++r->next_seq;
	t->fn = fn;
	t->user = user;
	sift_up(r, r->ntimers++);
	return r->next_id;
}

/* Linear: cancels are rare next to timers firing, and the heap is small. */
void hil_reactor_cancel(struct hil_reactor *r, uint64_t id)
{
	for (int i = 0; i < r->ntimers; i++)
		if (r->heap[i].id == id) {
			remove_at(r, i);
			return;
		}
}

/* Runs the timers due now. One that asks to run again is put back due
 * after this round, so a 0 ms timer cannot starve the descriptors, under
 * the same id, so that its owner can still cancel it. */
static int run_timers(struct hil_reactor *r)
{
	uint64_t now = hil_reactor_now_ms(), last = r->next_seq;
	int ran = 0;
	while (r->ntimers && r->heap[0].due <= now && r->heap[0].seq <= last) {
		struct timer t = r->heap[0];
		remove_at(r, 0);
		long again = t.fn(r, t.id, t.user);
		ran++;
		if (again >= 0 && r->ntimers < r->max_timers) {
			struct timer *n = &r->heap[r->ntimers];
			*n = t;
			n->due = hil_reactor_now_ms() + (uint64_t)again;
			n->seq = ++r->next_seq;
			sift_up(r, r->ntimers++);
		}
	}
	return ran;
}

int hil_reactor_once(struct hil_reactor *r, int max_wait_ms)
{
	int wait = max_wait_ms;
	if (r->ntimers) {
		uint64_t now = hil_reactor_now_ms(), due = r->heap[0].due;
		int until = due <= now ? 0 : due - now > 1000000 ? 1000000 : (int)(due - now);
		if (wait < 0 || until < wait)
			wait = until;
	}
	int n = epoll_wait(r->ep, r->ready, r->max_fds, wait);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	int ran = 0;
	for (int i = 0; i < n; i++) {
		int fd = (int)(uint32_t)r->ready[i].data.u64;
		struct slot *s = &r->slot[fd];
		if (!s->used || tag(fd, s->gen) != r->ready[i].data.u64)
			continue;
		uint32_t e = r->ready[i].events;
		unsigned ev = (e & (EPOLLIN | EPOLLHUP | EPOLLERR) ? HIL_EV_READ : 0u) |
			(e & (EPOLLOUT | EPOLLHUP | EPOLLERR) ? HIL_EV_WRITE : 0u);
		ev &= s->events | ((e & (EPOLLHUP | EPOLLERR)) ? HIL_EV_READ : 0u);
		if (ev) {
			s->fn(r, fd, ev, s->user);
			ran++;
		}
	}
	return ran + run_timers(r);
}

int hil_reactor_run(struct hil_reactor *r)
{
	r->stop = 0;
	while (!r->stop)
		if (hil_reactor_once(r, -1) < 0)
			return -1;
	return 0;
}

void hil_reactor_stop(struct hil_reactor *r)
{
	r->stop = 1;
}
