/*
 * make bench's floor for round trips: one byte bounced through a chain of
 * HOPS processes over Unix stream sockets, the way a peek travels (client ->
 * sim is one hop; client -> hild -> worker is two before the model). No
 * protocol, no model: what the kernel and the scheduler alone cost here.
 * With "spin", every reader first asks for its byte without sleeping for
 * up to 200 us, as hil's clients and workers do (no wake-up to wait for).
 *
 *   bench_pingpong HOPS N [spin]   prints "median p99" in microseconds over N trips
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
	MAX_HOPS = 4,
	SPIN_US = 200
};

static int spin;

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int xfer(int fd, int out)
{
	char c = 0;
	ssize_t n;
	double until = spin && !out ? now_us() + SPIN_US : 0;
	while (now_us() < until)
		if (recv(fd, &c, 1, MSG_DONTWAIT) == 1)
			return 0;
	do
		n = out ? write(fd, &c, 1) : read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

/* Relay i: a byte from upstream goes downstream (if any), its answer back. */
static void relay(int up, int down)
{
	for (;;) {
		if (xfer(up, 0) != 0)
			_exit(0);
		if (down >= 0 && (xfer(down, 1) != 0 || xfer(down, 0) != 0))
			_exit(1);
		if (xfer(up, 1) != 0)
			_exit(1);
	}
}

int main(int argc, char **argv)
{
	int hops = argc >= 3 ? atoi(argv[1]) : 0;
	long n = argc >= 3 ? atol(argv[2]) : 0;
	spin = argc == 4 && !strcmp(argv[3], "spin");
	if (hops < 1 || hops > MAX_HOPS || n < 100 || (argc == 4 && !spin) || argc > 4) {
		fprintf(stderr, "usage: bench_pingpong HOPS(1-%d) N(>=100) [spin]\n",
			MAX_HOPS);
		return 2;
	}
	int sv[MAX_HOPS][2];
	pid_t kids[MAX_HOPS];
	for (int i = 0; i < hops; i++)
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv[i]) != 0) {
			perror("bench_pingpong: socketpair");
			return 1;
		}
	for (int i = 0; i < hops; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			perror("bench_pingpong: fork");
			return 1;
		}
		if (kids[i] == 0)
			relay(sv[i][1], i + 1 < hops ? sv[i + 1][0] : -1);
	}
	double *lat = malloc((size_t)n * sizeof(*lat));
	if (!lat) {
		fprintf(stderr, "bench_pingpong: out of memory\n");
		return 1;
	}
	int rc = 0;
	for (long k = 0; k < n; k++) {
		double t = now_us();
		if (xfer(sv[0][0], 1) != 0 || xfer(sv[0][0], 0) != 0) {
			fprintf(stderr, "bench_pingpong: a relay died\n");
			rc = 1;
			break;
		}
		lat[k] = now_us() - t;
	}
	/* Every relay holds every socket, so none would see end-of-file. */
	for (int i = 0; i < hops; i++) {
		kill(kids[i], SIGTERM);
		waitpid(kids[i], NULL, 0);
	}
	if (rc == 0) {
		qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
		printf("%.1f %.1f\n", lat[n / 2], lat[n * 99 / 100]);
	}
	free(lat);
	return rc;
}
