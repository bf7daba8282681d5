/* The sim transport: a Verilator model as a child process on a socketpair.
 * The child sees the socket as a file descriptor number on its command line;
 * the parent keeps its end non-blocking. Closing kills nothing: the model
 * exits when it sees end of stream, and we reap it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "transport/transport.h"
#include "util/errfmt.h"

struct sim {
	struct hil_transport t;
	int fd;
	pid_t pid;
};

static ssize_t sim_write(struct hil_transport *t, const void *p, size_t n)
{
	struct sim *s = (struct sim *)t;
	ssize_t r = send(s->fd, p, n, MSG_NOSIGNAL);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r < 0)
		hil_fail(t->err, sizeof(t->err), "sim model: %s (did it crash?)",
			 strerror(errno));
	return r;
}

static ssize_t sim_read(struct hil_transport *t, void *p, size_t n)
{
	struct sim *s = (struct sim *)t;
	ssize_t r = read(s->fd, p, n);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r == 0)
		return hil_fail(t->err, sizeof(t->err), "sim model exited unexpectedly");
	if (r < 0)
		hil_fail(t->err, sizeof(t->err), "sim model: %s", strerror(errno));
	return r;
}

static int sim_wait(struct hil_transport *t, int want_write, int timeout_ms)
{
	struct sim *s = (struct sim *)t;
	struct pollfd p = {s->fd, (short)(POLLIN | (want_write ? POLLOUT : 0)), 0};
	int r = poll(&p, 1, timeout_ms);
	if (r < 0 && errno != EINTR)
		return hil_fail(t->err, sizeof(t->err), "poll: %s", strerror(errno));
	return 0;
}

static void sim_close(struct hil_transport *t)
{
	struct sim *s = (struct sim *)t;
	close(s->fd);
	int status;
	/* The model exits on end of stream; if it is stuck, do not hang. */
	for (int i = 0; i < 200; i++) {
		if (waitpid(s->pid, &status, WNOHANG) != 0)
			goto done;
		usleep(5000);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, &status, 0);
done:
	free(s);
}

static const struct hil_transport_ops sim_ops = {
	.write = sim_write,
	.read = sim_read,
	.wait = sim_wait,
	.close = sim_close,
};

struct hil_transport *hil_transport_sim(const char *sim_path, char *err, size_t errlen)
{
	int sv[2];
	if (access(sim_path, X_OK) != 0) {
		hil_fail(err, errlen, "%s: %s (build it with hil run or make)", sim_path,
			 strerror(errno));
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		hil_fail(err, errlen, "socketpair: %s", strerror(errno));
		return NULL;
	}
	struct sim *s = calloc(1, sizeof(*s));
	if (!s) {
		hil_fail(err, errlen, "out of memory");
		close(sv[0]);
		close(sv[1]);
		return NULL;
	}
	pid_t pid = fork();
	if (pid < 0) {
		hil_fail(err, errlen, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		free(s);
		return NULL;
	}
	if (pid == 0) {
		char fdarg[16];
		int fd = dup(sv[1]); /* without CLOEXEC, so the model inherits it */
		snprintf(fdarg, sizeof(fdarg), "%d", fd);
		execl(sim_path, sim_path, "--fd", fdarg, (char *)NULL);
		fprintf(stderr, "hil: cannot start %s: %s\n", sim_path, strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	s->t.ops = &sim_ops;
	s->t.rto_ms = 20;
	s->fd = sv[0];
	s->pid = pid;
	return &s->t;
}
