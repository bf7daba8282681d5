/* make bench's fan-out figure: events per second that hild delivers to K
 * subscribers of one watched port.
 *
 *   bench_fanout SOCKET DUT_DIR K N
 *
 * A child process opens K connections to hild, each subscribed to
 * board/STAR/port/count; the parent then opens a hild:sim:DUT_DIR session
 * on the counter, enables it, watches count (which changes every cycle) and
 * runs N + 4 cycles. The child reads every connection until each has N events
 * and prints K * N divided by the time from the first event to the last. */
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hil/hil.h"

#define MAXK 1000
#define BUF  (1 << 16)

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int send_msg(int fd, const char *body)
{
	uint32_t n = htonl((uint32_t)strlen(body));
	return write(fd, &n, 4) == 4 && write(fd, body, strlen(body)) == (ssize_t)strlen(body)
		? 0
		: -1;
}

struct conn {
	int fd;
	uint8_t buf[BUF];
	size_t len;
	long events, replies;
};

/* Counts the whole messages in c's buffer; keeps the rest. */
static void take(struct conn *c)
{
	size_t off = 0;
	while (c->len - off >= 4) {
		uint32_t n;
		memcpy(&n, c->buf + off, 4);
		n = ntohl(n);
		if (c->len - off - 4 < n)
			break;
		if (n >= 6 && !memcmp(c->buf + off + 4, "{\"sub\"", 6))
			c->events++;
		else
			c->replies++;
		off += 4 + n;
	}
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
}

static int subscribers(const char *sock, int k, long n, int ready)
{
	static struct conn c[MAXK];
	struct pollfd p[MAXK];
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	for (int i = 0; i < k; i++) {
		c[i].fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (c[i].fd < 0 || connect(c[i].fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
		    send_msg(c[i].fd, "{\"hello\": 1, \"client\": \"bench\"}") ||
		    send_msg(c[i].fd,
			     "{\"id\": 1, \"op\": \"subscribe\", "
			     "\"topic\": \"board/*/port/count\"}")) {
			perror("bench_fanout: subscriber");
			return 1;
		}
		p[i] = (struct pollfd){c[i].fd, POLLIN, 0};
	}
	/* Both replies (hello and subscribe) on every connection first. */
	double first = 0, last = 0, give_up = now_s() + 120;
	int signalled = 0;
	for (;;) {
		int done = 1, subscribed = 1;
		for (int i = 0; i < k; i++) {
			done &= c[i].events >= n;
			subscribed &= c[i].replies >= 2;
		}
		if (subscribed && !signalled) {
			signalled = 1;
			if (write(ready, "r", 1) != 1)
				return 1;
		}
		if (done)
			break;
		if (now_s() > give_up) {
			fprintf(stderr, "bench_fanout: subscribers got too few events\n");
			return 1;
		}
		if (poll(p, (nfds_t)k, 1000) < 0)
			return 1;
		for (int i = 0; i < k; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			ssize_t r = read(c[i].fd, c[i].buf + c[i].len, BUF - c[i].len);
			if (r <= 0) {
				fprintf(stderr, "bench_fanout: hild dropped a subscriber\n");
				return 1;
			}
			c[i].len += (size_t)r;
			long before = c[i].events;
			take(&c[i]);
			if (c[i].events > before) {
				last = now_s();
				if (first == 0)
					first = last;
			}
		}
	}
	printf("%.0f\n", (double)k * (double)n / (last - first));
	return 0;
}

static void ignore(void *user, int port, uint64_t cycle, const uint8_t *val)
{
	(void)user, (void)port, (void)cycle, (void)val;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: bench_fanout SOCKET DUT_DIR K N\n");
		return 2;
	}
	int k = atoi(argv[3]);
	long n = atol(argv[4]);
	if (k < 1 || k > MAXK || n < 2) {
		fprintf(stderr, "bench_fanout: K is 1 to %d, N at least 2\n", MAXK);
		return 2;
	}
	int pipefd[2];
	if (pipe(pipefd) != 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		exit(subscribers(argv[1], k, n, pipefd[1]));
	}
	close(pipefd[1]);
	char r;
	if (read(pipefd[0], &r, 1) != 1) {
		waitpid(pid, NULL, 0);
		return 1;
	}
	char uri[4200], err[1024];
	snprintf(uri, sizeof(uri), "hild:sim:%s", argv[2]);
	setenv("HIL_HILD", argv[1], 1);
	hil_t *h;
	int rst, en, count, st;
	uint8_t zero = 0, one = 1;
	if (hil_open(&h, uri, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_fanout: %s: %s\n", uri, err);
		kill(pid, SIGTERM);
		return 1;
	}
	rst = hil_port(h, "rst"), en = hil_port(h, "en"), count = hil_port(h, "count");
	if (rst < 0 || en < 0 || count < 0 || hil_poke(h, rst, &zero) ||
	    hil_poke(h, en, &one) || hil_watch(h, count, ignore, NULL) ||
	    hil_run_until(h, hil_now(h) + (uint64_t)n + 4) || hil_sync(h)) {
		fprintf(stderr, "bench_fanout: the session failed: %s\n", hil_error(h));
		kill(pid, SIGTERM);
	}
	waitpid(pid, &st, 0);
	hil_close(h);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
