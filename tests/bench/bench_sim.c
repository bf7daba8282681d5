/* make bench's driver of libhil: one measurement, printed as one number.
 *
 *   bench_sim URI free N       run N cycles, watching the last output;
 *                              prints DUT cycles per second
 *   bench_sim URI program N NAME=VALUE...
 *                              the same, with those inputs poked first (a
 *                              CPU's argument): the DUT runs its program
 *   bench_sim URI stream N     one poke per cycle for N cycles (hil_poke
 *                              and hil_advance, batched by libhil), then a
 *                              sync; prints cycles per second
 *   bench_sim URI lockstep N   per cycle a poke, a step and a peek, each
 *                              waiting for its answer; cycles per second
 *   bench_sim URI rtt N        N peeks, each timed; prints the median and
 *                              the 99th percentile in microseconds
 *
 * The stimulus is the ceiling harness's (mk/bench_ceiling.py): in cycle c,
 * input c mod (number of inputs) gets the low bits of lcg(c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hil/hil.h"
#include "hil/script.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t lcg(uint64_t c)
{
	return (c + 1) * 6364136223846793005ull + 1442695040888963407ull;
}

static void watched(void *user, int port, uint64_t cycle, const uint8_t *val)
{
	(void)port, (void)cycle, (void)val;
	++*(unsigned long *)user;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int fail(hil_t *h, const char *what)
{
	fprintf(stderr, "bench_sim: %s: %s\n", what, hil_error(h));
	hil_close(h);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 4 || (argc > 4 && strcmp(argv[2], "program"))) {
		fprintf(stderr,
			"usage: bench_sim URI free|free-fst|free-peek|stream|lockstep|rtt N, or "
			"bench_sim URI program N NAME=VALUE...\n");
		return 2;
	}
	const char *mode = argv[2];
	uint64_t n = strtoull(argv[3], NULL, 10);
	hil_t *h;
	char err[1024], waves[64];
	/* free-fst: the free run with every DUT signal traced to a file;
	 * free-peek: on the model whose internal signals can be read. */
	snprintf(waves, sizeof(waves), "/tmp/hil-bench-%d.fst", (int)getpid());
	struct hil_options opt = {.waves = strcmp(mode, "free-fst") ? NULL : waves,
				  .internals = !strcmp(mode, "free-peek")};
	if (hil_open(&h, argv[1], &opt, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_sim: %s: %s\n", argv[1], err);
		return 1;
	}
	const struct hil_ports *p = hil_ports(h);
	int in[HIL_MAX_PORTS], nin = 0, out = -1;
	for (size_t i = 0; i < p->n; i++) {
		if (p->port[i].is_input)
			in[nin++] = (int)i;
		else
			out = (int)i;
	}
	if (!nin || out < 0) {
		fprintf(stderr, "bench_sim: the DUT needs an input and an output\n");
		hil_close(h);
		return 1;
	}
	uint8_t val[HIL_MAX_PORT_BYTES];
	double t0 = now_s();
	for (int i = 4; i < argc; i++) {
		char name[HIL_MAX_NAME], e[256];
		const char *eq = strchr(argv[i], '=');
		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - argv[i]) : 0, argv[i]);
		int port = eq ? hil_port(h, name) : -1;
		if (port < 0 ||
		    hil_value_parse(eq + 1, p->port[port].width, val, p->port[port].nbytes, e,
				    sizeof(e)) < 0 ||
		    hil_poke(h, port, val) != 0) {
			fprintf(stderr, "bench_sim: %s: not an input and a value\n", argv[i]);
			hil_close(h);
			return 2;
		}
	}
	if (!strcmp(mode, "free") || !strcmp(mode, "free-fst") || !strcmp(mode, "free-peek") ||
	    !strcmp(mode, "program")) {
		unsigned long reports = 0;
		if (hil_watch(h, out, watched, &reports) != 0 ||
		    hil_run_until(h, hil_now(h) + n) != 0)
			return fail(h, "free run");
	} else if (!strcmp(mode, "stream") || !strcmp(mode, "lockstep")) {
		int lock = !strcmp(mode, "lockstep");
		uint64_t c0 = hil_now(h);
		for (uint64_t c = 0; c < n; c++) {
			const struct hil_port *q = &p->port[in[c % (uint64_t)nin]];
			uint64_t v = lcg(c);
			memset(val, 0, q->nbytes);
			for (unsigned b = 0; b < q->nbytes && b < 8; b++)
				val[b] = (uint8_t)(v >> (8 * b));
			if (q->width % 8)
				val[q->nbytes - 1] &= (uint8_t)((1u << (q->width % 8)) - 1);
			if (hil_poke(h, in[c % (uint64_t)nin], val) != 0)
				return fail(h, "poke");
			if (lock ? hil_step(h, 1) != 0 || hil_peek(h, out, val) != 0
				 : hil_advance(h, 1) != 0)
				return fail(h, lock ? "step and peek" : "advance");
		}
		if (hil_sync(h) != 0 || hil_now(h) != c0 + n)
			return fail(h, "sync");
	} else if (!strcmp(mode, "rtt")) {
		double *lat = malloc(n * sizeof(*lat));
		if (!lat)
			return fail(h, "out of memory");
		for (uint64_t i = 0; i < n; i++) {
			double a = now_s();
			if (hil_peek(h, out, val) != 0) {
				free(lat);
				return fail(h, "peek");
			}
			lat[i] = (now_s() - a) * 1e6;
		}
		qsort(lat, n, sizeof(*lat), cmp_double);
		printf("%.1f %.1f\n", lat[n / 2], lat[n * 99 / 100]);
		free(lat);
		hil_close(h);
		return 0;
	} else {
		fprintf(stderr, "bench_sim: unknown mode %s\n", mode);
		hil_close(h);
		return 2;
	}
	double dt = now_s() - t0;
	printf("%.0f\n", (double)n / dt);
	hil_close(h);
	unlink(waves);
	return 0;
}
