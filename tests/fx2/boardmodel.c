#include "boardmodel.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

void boardmodel_init(struct boardmodel *m, const char *path)
{
	m->path = path;
	m->fd = -1;
	m->pid = 0;
	m->to_board = m->from_board = 0;
}

void boardmodel_power(struct boardmodel *m, int running)
{
	if (m->fd >= 0) {
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
	if (!running || !m->path)
		return;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		perror("fx2-emu: socketpair");
		exit(125);
	}
	m->pid = fork();
	if (m->pid == 0) {
		char fdarg[16];
		fcntl(sv[1], F_SETFD, 0);
		snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);
		execl(m->path, m->path, "--fd", fdarg, (char *)NULL);
		perror("fx2-emu: the board model");
		_exit(125);
	}
	close(sv[1]);
	if (m->pid < 0) {
		perror("fx2-emu: fork");
		exit(125);
	}
	m->fd = sv[0];
	fcntl(m->fd, F_SETFL, O_NONBLOCK);
}
