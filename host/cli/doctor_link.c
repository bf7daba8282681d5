/* hil doctor's link step: the bring-up DUT echoes `din` on `dout` a cycle
 * later. Values go through it one round trip at a time (the latency) and
 * then streamed, one poke a cycle with the echo watched (the throughput);
 * every value must come back as it went. The link's counters then say how
 * many frames the line damaged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doctor.h"

#define ROUND_TRIPS 200
#define STREAMED    20000

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* A value unlike the one before it, so that each poke changes the echo
 * and makes a watch report. */
static uint32_t next_value(uint32_t *state)
{
	uint32_t prev = *state;
	do {
		*state ^= *state << 13;
		*state ^= *state >> 17;
		*state ^= *state << 5;
	} while (*state == prev);
	return *state;
}

static void put32(uint8_t *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
		(uint32_t)b[3] << 24;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The watch on the echo: each report must carry the next value streamed. */
struct echo {
	struct link_figures *f;
	uint32_t state;
};

static void on_echo(void *user, int port, uint64_t cycle, const uint8_t *val)
{
	(void)port;
	(void)cycle;
	struct echo *e = user;
	e->f->reported++;
	if (get32(val) != next_value(&e->state))
		e->f->misreported++;
}

static int fail(hil_t *h, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, hil_error(h));
	hil_close(h);
	return -1;
}

int doctor_link(const char *uri, struct link_figures *f, char *err, size_t errlen)
{
	hil_t *h;
	memset(f, 0, sizeof(*f));
	if (hil_open(&h, uri, NULL, err, errlen) != HIL_OK)
		return -1;
	int din = hil_port(h, "din"), dout = hil_port(h, "dout");
	if (din < 0 || dout < 0)
		return fail(h, err, errlen, "the bring-up DUT");

	static double rtt[ROUND_TRIPS];
	uint32_t state = 0x2545f491u;
	uint8_t v[4], got[HIL_MAX_PORT_BYTES];
	for (int i = 0; i < ROUND_TRIPS; i++) {
		uint32_t want = next_value(&state);
		put32(v, want);
		double t0 = now_us();
		if (hil_poke(h, din, v) != HIL_OK ||
		    hil_run_and_peek(h, hil_now(h) + 1, 1, &dout, got) != HIL_OK)
			return fail(h, err, errlen, "looping values back");
		rtt[i] = now_us() - t0;
		f->looped++;
		f->wrong += get32(got) != want;
	}
	qsort(rtt, ROUND_TRIPS, sizeof(rtt[0]), cmp_double);
	f->rtt_median_us = rtt[ROUND_TRIPS / 2];
	f->rtt_worst_us = rtt[ROUND_TRIPS - 1];

	/* The echo starts from the last looped value: the first report is
	 * the first value streamed. */
	struct echo e = {f, state};
	if (hil_watch(h, dout, on_echo, &e) != HIL_OK)
		return fail(h, err, errlen, "watching the echo");
	double t0 = now_us();
	for (int i = 0; i < STREAMED; i++) {
		put32(v, next_value(&state));
		if (hil_poke(h, din, v) != HIL_OK || hil_advance(h, 1) != HIL_OK)
			return fail(h, err, errlen, "streaming pokes");
		f->streamed++;
	}
	if (hil_step(h, 1) != HIL_OK || hil_sync(h) != HIL_OK)
		return fail(h, err, errlen, "streaming pokes");
	f->pokes_per_s = STREAMED / ((now_us() - t0) / 1e6);
	if (hil_stats(h, &f->stats) != HIL_OK)
		return fail(h, err, errlen, "reading the link's counters");
	hil_close(h);
	return 0;
}
