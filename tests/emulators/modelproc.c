/* The board model as a child process on a socketpair (modelproc.h). */
#include "modelproc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void fail(const char *who, const char *what)
{
	int e = errno;
	fprintf(stderr, "%s: %s: %s\n", who, what, strerror(e));
}

void modelproc_init(struct modelproc *m)
{
	m->fd = -1;
	m->pid = 0;
}

int modelproc_start(struct modelproc *m, const char *path, const char *who)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		fail(who, "socketpair");
		return -1;
	}
	char fdarg[16];
	snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);
	pid_t pid = fork();
	if (pid == 0) {
		fcntl(sv[1], F_SETFD, 0);
		/* The model must not talk to the emulated device itself. */
		unsetenv("LD_PRELOAD");
		execl(path, path, "--fd", fdarg, (char *)NULL);
		fail(who, path);
		_exit(127);
	}
	close(sv[1]);
	if (pid < 0) {
		fail(who, "fork");
		close(sv[0]);
		return -1;
	}
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	m->fd = sv[0];
	m->pid = pid;
	return 0;
}

void modelproc_stop(struct modelproc *m)
{
	if (m->fd < 0)
		return;
	close(m->fd);
	m->fd = -1;
	int st;
	for (int i = 0; i < 400 && waitpid(m->pid, &st, WNOHANG) == 0; i++)
		usleep(5000);
	if (waitpid(m->pid, &st, WNOHANG) == 0) {
		kill(m->pid, SIGKILL);
		waitpid(m->pid, &st, 0);
	}
}
