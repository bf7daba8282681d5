/* The event loop hild is built on: one epoll set of file descriptors with
 * a callback each, and timers in a binary heap, run from one thread. Like
 * redis's ae: a callback may add or remove any descriptor or timer,
 * including its own, and a descriptor removed during a round is not called
 * again in that round. Sizes are fixed when the loop is made (the most
 * descriptors, the most timers), so the loop never grows. */
#ifndef HIL_REACTOR_H
#define HIL_REACTOR_H

#include <stdint.h>

#define HIL_EV_READ  1u
#define HIL_EV_WRITE 2u

struct hil_reactor;

/* events: what is ready (HIL_EV_READ, HIL_EV_WRITE; a hangup or error
 * reads as both, so the callback finds it out from read or write). */
typedef void (*hil_io_fn)(struct hil_reactor *r, int fd, unsigned events, void *user);
/* Returns the next delay in ms to run again, or -1 to end the timer. */
typedef long (*hil_timer_fn)(struct hil_reactor *r, uint64_t id, void *user);

struct hil_reactor *hil_reactor_new(int max_fds, int max_timers);
void hil_reactor_free(struct hil_reactor *r);

/* Watches fd for events (replacing what it watched before); events 0
 * keeps it registered but quiet. -1 if fd is out of range or epoll says
 * no. */
int hil_reactor_watch(struct hil_reactor *r, int fd, unsigned events, hil_io_fn fn,
		      void *user);
void hil_reactor_unwatch(struct hil_reactor *r, int fd);

/* A timer due in ms; returns its id (never 0), or 0 when all are in use. */
uint64_t hil_reactor_timer(struct hil_reactor *r, long ms, hil_timer_fn fn, void *user);
void hil_reactor_cancel(struct hil_reactor *r, uint64_t id);

/* One round: waits for events at most max_wait_ms (-1: until the next
 * timer or an event), calls what is ready, then the timers that are due.
 * Returns how many callbacks ran, or -1 on an epoll error. */
int hil_reactor_once(struct hil_reactor *r, int max_wait_ms);
/* Rounds until hil_reactor_stop. */
int hil_reactor_run(struct hil_reactor *r);
void hil_reactor_stop(struct hil_reactor *r);

/* hild's one clock, CLOCK_MONOTONIC: its timers, idle limits and the
 * workers' spin all read it. */
uint64_t hil_reactor_now_ms(void);
uint64_t hil_reactor_now_us(void);

#endif
