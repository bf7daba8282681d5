#include "uartlink.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

void uartlink_init(struct uartlink *u, const char *model, unsigned long baud)
{
	u->model = model;
	u->baud = baud;
	u->fd = -1;
	u->pid = 0;
}

static void stop(struct uartlink *u)
{
	if (u->fd < 0)
		return;
	close(u->fd);
	u->fd = -1;
	int st;
	for (int i = 0; i < 400 && waitpid(u->pid, &st, WNOHANG) == 0; i++)
		usleep(5000);
	if (waitpid(u->pid, &st, WNOHANG) == 0) {
		kill(u->pid, SIGKILL);
		waitpid(u->pid, &st, 0);
	}
}

void uartlink_power(struct uartlink *u, int running)
{
	stop(u);
	if (!running || !u->model)
		return;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		perror("ft2232h-emu: socketpair");
		return;
	}
	char fdarg[16];
	snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);
	pid_t pid = fork();
	if (pid == 0) {
		fcntl(sv[1], F_SETFD, 0);
		/* The model must not talk to the emulated device itself. */
		unsetenv("LD_PRELOAD");
		execl(u->model, u->model, "--fd", fdarg, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return;
	}
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	u->fd = sv[0];
	u->pid = pid;
}

static int rate_ok(const struct uartlink *u, const struct chan *ch)
{
	double r = (double)ch->baud / (double)u->baud;
	return r > 0.97 && r < 1.03;
}

size_t uartlink_write(struct uartlink *u, const struct chan *ch, const uint8_t *p,
		      size_t n)
{
	if (u->fd < 0)
		return n; /* onto a pin nobody listens to */
	uint8_t buf[4096];
	if (n > sizeof(buf))
		n = sizeof(buf);
	int ok = rate_ok(u, ch);
	for (size_t i = 0; i < n; i++)
		buf[i] = ok ? p[i] : (uint8_t)(p[i] << 1 | 1);
	if (!ok)
		u->garbled += n;
	ssize_t w = send(u->fd, buf, n, MSG_NOSIGNAL);
	if (w < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : n;
	u->to_board += (size_t)w;
	return (size_t)w;
}

void uartlink_poll(struct uartlink *u, struct chan *ch)
{
	while (u->fd >= 0 && chan_room(ch)) {
		uint8_t buf[4096];
		size_t want = chan_room(ch) < sizeof(buf) ? chan_room(ch) : sizeof(buf);
		ssize_t r = recv(u->fd, buf, want, 0);
		if (r <= 0)
			return;
		int ok = rate_ok(u, ch);
		for (ssize_t i = 0; i < r && !ok; i++)
			buf[i] = (uint8_t)(buf[i] >> 1 | 0x80);
		if (!ok)
			u->garbled += (size_t)r;
		u->from_board += (size_t)r;
		chan_push(ch, buf, (size_t)r);
	}
}
