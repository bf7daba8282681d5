/* The Unix socket clients connect to: created mode 0660 (group from the
 * config, so a lab can give a group access), non-blocking accept. A stale
 * socket from a hild that died is replaced; a live one is not. */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hild.h"

static void on_accept(struct hil_reactor *r, int fd, unsigned ev, void *user)
{
	(void)r, (void)ev;
	struct hild *d = user;
	for (int i = 0; i < 64; i++) {
		int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0)
			return;
		d->accepted++;
		if (!conn_new(d, c))
			close(c);
	}
}

int hild_listen(struct hild *d, char *err, size_t errlen)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(d->cfg.socket_path) >= sizeof(a.sun_path)) {
		snprintf(err, errlen, "socket path %s is too long for a Unix socket",
			 d->cfg.socket_path);
		return -1;
	}
	strcpy(a.sun_path, d->cfg.socket_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* Someone answering there is another hild: leave it alone. */
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
		snprintf(err, errlen, "another hild is serving %s; stop it first, or "
			 "give this one --socket PATH", a.sun_path);
		close(fd);
		return -1;
	}
	close(fd);
	unlink(a.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	mode_t old = umask(0117);
	int rc = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (rc != 0 || listen(fd, 128) != 0) {
		snprintf(err, errlen, "%s: %s (does its directory exist and may this "
			 "user write there?)", a.sun_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (d->cfg.group) {
		struct group *g = getgrnam(d->cfg.group);
		if (!g || chown(a.sun_path, (uid_t)-1, g->gr_gid) != 0) {
			snprintf(err, errlen, "cannot give %s to group %s: %s", a.sun_path,
				 d->cfg.group, g ? strerror(errno) : "no such group");
			close(fd);
			unlink(a.sun_path);
			return -1;
		}
	}
	if (hil_reactor_watch(d->r, fd, HIL_EV_READ, on_accept, d) != 0) {
		snprintf(err, errlen, "the event loop cannot take the socket");
		close(fd);
		return -1;
	}
	d->lfd = fd;
	return 0;
}

void hild_unlisten(struct hild *d)
{
	if (d->lfd < 0)
		return;
	hil_reactor_unwatch(d->r, d->lfd);
	close(d->lfd);
	unlink(d->cfg.socket_path);
	d->lfd = -1;
}
