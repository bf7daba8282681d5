/* libhil against the real Verilator model of
 * tests/fixtures/vectors/vcounter (an 8-bit counter, rst/en): every
 * expected value is worked out from the counter's definition in the
 * comments, not read back from a run. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "hil/hil.h"

static hil_t *h;
static int rst, en, count, wrap;
static const uint8_t one = 1, zero = 0;

struct seen {
	int n;
	uint64_t cycle[64];
	uint8_t val[64];
};

static void on_wrap(void *user, int port, uint64_t cycle, const uint8_t *val)
{
	struct seen *s = user;
	CHECK(port == wrap);
	if (s->n < 64) {
		s->cycle[s->n] = cycle;
		s->val[s->n] = val[0];
	}
	s->n++;
}

static uint8_t peek(int port)
{
	uint8_t v = 0xEE;
	CHECK(hil_peek(h, port, &v) == HIL_OK);
	return v;
}

/* Reset at cycle 0, enable from cycle 1: count at cycle c is c - 1. */
static void test_basics(void)
{
	CHECK(hil_now(h) == 0);
	CHECK(peek(count) == 0); /* power-on state is 0 */
	CHECK(hil_poke(h, rst, &one) == HIL_OK);
	CHECK(hil_step(h, 1) == HIL_OK);
	CHECK(hil_poke(h, rst, &zero) == HIL_OK);
	CHECK(hil_poke(h, en, &one) == HIL_OK);
	CHECK(peek(en) == 1); /* a poke is visible in its own cycle */
	CHECK(hil_step(h, 10) == HIL_OK);
	CHECK(hil_now(h) == 11);
	CHECK(peek(count) == 10);
	CHECK(hil_run_until(h, 20) == HIL_OK);
	CHECK(peek(count) == 19);
}

static void test_wait(void)
{
	uint64_t at = 0;
	uint8_t v = 100;
	/* count == 100 first at cycle 101 */
	CHECK(hil_wait(h, count, 0, &v, NULL, 1000, &at) == HIL_OK);
	CHECK(at == 101 && hil_now(h) == 101);
	/* already true: stops where it stands */
	CHECK(hil_wait(h, count, 0, &v, NULL, 1000, &at) == HIL_OK);
	CHECK(at == 101);
	/* != under a mask: bit 2 of count differs from bit 2 of 100 (set) at
	 * the first count with bit 2 clear after 100: 104, cycle 105 */
	uint8_t mask = 0x04;
	CHECK(hil_wait(h, count, 1, &v, &mask, 1000, &at) == HIL_OK);
	CHECK(at == 105 && peek(count) == 104);
	/* a timeout moves now by the timeout */
	v = 3;
	CHECK(hil_wait(h, count, 0, &v, NULL, 50, &at) == HIL_TIMEOUT);
	CHECK(hil_now(h) == 155 && peek(count) == 154);
}

/* Pokes scheduled past the cycle where a wait stops stay scheduled. */
static void test_scheduled_survive_break(void)
{
	uint64_t now = hil_now(h), at = 0; /* count = now - 1 */
	CHECK(hil_poke_at(h, en, now + 20, &zero) == HIL_OK);
	CHECK(hil_poke_at(h, en, now + 30, &one) == HIL_OK);
	uint8_t v = (uint8_t)(now - 1 + 5);
	CHECK(hil_wait(h, count, 0, &v, NULL, 100, &at) == HIL_OK);
	CHECK(at == now + 5);
	/* the counter holds during [now+20, now+30) : +20 then +... */
	CHECK(hil_run_until(h, now + 40) == HIL_OK);
	/* enabled edges from now: 20 (cycles now..now+19) + 10 (now+30..now+39) */
	CHECK(peek(count) == (uint8_t)(now - 1 + 30));
}

static void test_watch_and_stream(void)
{
	struct seen s = {0};
	uint8_t v;
	CHECK(hil_poke(h, rst, &one) == HIL_OK);
	CHECK(hil_step(h, 1) == HIL_OK);
	CHECK(hil_poke(h, rst, &zero) == HIL_OK);
	uint64_t t0 = hil_now(h); /* count = 0 here */
	CHECK(hil_watch(h, wrap, on_wrap, &s) == HIL_OK);
	/* en on every other cycle for 1000 cycles: 500 increments */
	for (int i = 0; i < 1000; i++) {
		CHECK(hil_poke(h, en, (i & 1) ? &one : &zero) == HIL_OK);
		CHECK(hil_advance(h, 1) == HIL_OK);
	}
	CHECK(hil_run_until(h, hil_now(h)) == HIL_OK);
	CHECK(hil_peek(h, count, &v) == HIL_OK);
	CHECK(v == (uint8_t)500);
	/* wrap = en && count == 255. Increments happen at the odd cycles
	 * t0+1, t0+3, ...: count reaches 255 after 255 increments, at cycle
	 * t0+510, and en is high during t0+511: wrap is 1 during t0+511 only. */
	CHECK(s.n == 2);
	CHECK(s.cycle[0] == t0 + 511 && s.val[0] == 1);
	CHECK(s.cycle[1] == t0 + 512 && s.val[1] == 0);
	CHECK(hil_unwatch(h, wrap) == HIL_OK);
}

/* Reads that travel with a run: the values hil_peek gives after it, with
 * the pokes before the run's end applied, also after a break; a port that
 * does not exist is refused before anything is sent. */
static void test_run_and_peek(void)
{
	uint8_t vals[2][HIL_MAX_PORT_BYTES];
	int ports[2] = {count, en};
	CHECK(hil_poke(h, rst, &one) == HIL_OK);
	CHECK(hil_step(h, 1) == HIL_OK);
	CHECK(hil_poke(h, rst, &zero) == HIL_OK);
	uint64_t t0 = hil_now(h); /* count = 0, en as last poked (0) */
	CHECK(hil_poke(h, en, &one) == HIL_OK);
	CHECK(hil_poke_at(h, en, t0 + 7, &zero) == HIL_OK);
	CHECK(hil_run_and_peek(h, t0 + 10, 2, ports, vals[0]) == HIL_OK);
	CHECK(hil_now(h) == t0 + 10);
	CHECK(vals[0][0] == 7 && vals[1][0] == 0); /* enabled during t0..t0+6 */
	CHECK(peek(count) == 7 && peek(en) == 0);
	for (int i = 0; i < 50; i++) {
		CHECK(hil_poke(h, en, (i & 1) ? &zero : &one) == HIL_OK);
		CHECK(hil_run_and_peek(h, hil_now(h) + 1, 1, ports, vals[0]) == HIL_OK);
		CHECK(vals[0][0] == (uint8_t)(7 + i / 2 + 1));
	}
	/* After a break at count == 40, the poke scheduled past it still
	 * lands before the reads. */
	uint8_t v = 40;
	uint64_t now = hil_now(h), at = 0;
	CHECK(hil_poke(h, en, &one) == HIL_OK);
	CHECK(hil_poke_at(h, en, now + 50, &zero) == HIL_OK);
	CHECK(hil_wait(h, count, 0, &v, NULL, 100, &at) == HIL_OK);
	CHECK(hil_run_and_peek(h, now + 60, 1, ports, vals[0]) == HIL_OK);
	CHECK(vals[0][0] == (uint8_t)(32 + 50)); /* 32 at now, +1 a cycle to now+50 */
	int bad[1] = {99};
	CHECK(hil_run_and_peek(h, hil_now(h) + 1, 1, bad, vals[0]) == HIL_E_ARG);
}

static void test_refusals(void)
{
	uint8_t big = 2;
	CHECK(hil_poke(h, en, &big) == HIL_E_ARG);
	CHECK(strstr(hil_error(h), "too wide") != NULL);
	CHECK(hil_poke(h, count, &one) == HIL_E_ARG);
	CHECK(strstr(hil_error(h), "output") != NULL);
	CHECK(hil_run_until(h, 3) == HIL_E_ARG);
	CHECK(hil_poke_at(h, en, 2, &one) == HIL_E_ARG);
	CHECK(hil_port(h, "nosuch") == HIL_E_ARG);
	CHECK(hil_peek(h, 99, &big) == HIL_E_ARG);
	/* still usable after refusals */
	CHECK(hil_sync(h) == HIL_OK);
	CHECK(hil_step(h, 1) == HIL_OK);
}

int main(void)
{
	char err[1024];
	int rc = hil_open(&h, "sim:tests/fixtures/vectors/vcounter", NULL, err, sizeof(err));
	CHECK(rc == HIL_OK);
	if (rc != HIL_OK) {
		fprintf(stderr, "%s\n", err);
		return CHECK_DONE();
	}
	rst = hil_port(h, "rst");
	en = hil_port(h, "en");
	count = hil_port(h, "count");
	wrap = hil_port(h, "wrap");
	CHECK(rst >= 0 && en >= 0 && count >= 0 && wrap >= 0);
	test_basics();
	test_wait();
	test_scheduled_survive_break();
	test_watch_and_stream();
	test_run_and_peek();
	test_refusals();
	hil_close(h);
	return CHECK_DONE();
}
