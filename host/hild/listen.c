/* Where clients connect. The Unix socket is created mode 0660 (its group
 * from --group, so a lab decides who may use its boards by group
 * membership); a stale socket from a hild that died is replaced, a live
 * one is not. TCP is opened only with --tcp, on loopback unless an
 * address is given, and its clients must present the token. */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hild.h"

static void refuse(struct hild *d, int fd, int tls)
{
	/* A TLS client cannot be told before its handshake: it is closed. */
	if (tls) {
		close(fd);
		return;
	}
	/* Told why, best effort: the socket is new, its buffer empty. */
	static const char busy[] = "{\"error\":{\"code\":\"busy\",\"message\":"
				   "\"hild serves as many clients as it may "
				   "(--max-clients)\"}}";
	uint8_t f[4 + sizeof(busy)];
	frames_head(f, sizeof(busy) - 1);
	memcpy(f + 4, busy, sizeof(busy) - 1);
	if (write(fd, f, 4 + sizeof(busy) - 1) < 0)
		d->dropped++;
	close(fd);
}

static void accept_all(struct hild *d, int fd, int tcp)
{
	for (int i = 0; i < 64; i++) {
		int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0)
			return;
		d->accepted++;
		if (tcp) {
			int one = 1;
			setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		}
		if (!client_new(d, c, tcp))
			refuse(d, c, tcp && d->tls);
	}
}

static void on_unix(struct hil_reactor *r, int fd, unsigned ev, void *user)
{
	(void)r, (void)ev;
	accept_all(user, fd, 0);
}

static void on_tcp(struct hil_reactor *r, int fd, unsigned ev, void *user)
{
	(void)r, (void)ev;
	accept_all(user, fd, 1);
}

static int listen_tcp(struct hild *d, char *err, size_t errlen)
{
	char addr[64] = "127.0.0.1";
	const char *port = d->cfg.tcp, *colon = strrchr(d->cfg.tcp, ':');
	if (colon) {
		snprintf(addr, sizeof(addr), "%.*s", (int)(colon - d->cfg.tcp), d->cfg.tcp);
		port = colon + 1;
	}
	char *end;
	long p = strtol(port, &end, 10);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p)};
	if (!*port || *end || p < 0 || p > 65535 ||
	    inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		snprintf(err, errlen, "--tcp %s: expected [IPV4ADDR:]PORT", d->cfg.tcp);
		return -1;
	}
	/* Plain TCP carries the token in the clear: never off this machine. */
	if (d->cfg.tcp_plain && (ntohl(a.sin_addr.s_addr) >> 24) != 127) {
		snprintf(err, errlen,
			 "--tcp %s with --tcp-plain: plain TCP only on a loopback "
			 "address (127.x.x.x); for other machines use TLS (--tls-cert, "
			 "--tls-key)",
			 d->cfg.tcp);
		return -1;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(fd, SOMAXCONN) != 0 ||
	    hil_reactor_watch(d->r, fd, HIL_EV_READ, on_tcp, d) != 0) {
		snprintf(err, errlen, "--tcp %s: %s", d->cfg.tcp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	d->tfd = fd;
	return 0;
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
		snprintf(err, errlen,
			 "another hild is serving %s; stop it first, or "
			 "give this one --socket PATH",
			 a.sun_path);
		close(fd);
		return -1;
	}
	close(fd);
	/* Only a stale socket is replaced: anything else there is someone's. */
	struct stat st;
	if (lstat(a.sun_path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen,
			 "%s exists and is not a socket: hild replaces only a "
			 "stale socket of its own; move it away or give --socket another path",
			 a.sun_path);
		return -1;
	}
	unlink(a.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	mode_t old = umask(0117);
	int rc = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (rc != 0 || listen(fd, SOMAXCONN) != 0) {
		snprintf(err, errlen,
			 "%s: %s (does its directory exist and may this "
			 "user write there?)",
			 a.sun_path, strerror(errno));
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
	if (hil_reactor_watch(d->r, fd, HIL_EV_READ, on_unix, d) != 0) {
		snprintf(err, errlen, "the event loop cannot take the socket");
		close(fd);
		unlink(a.sun_path);
		return -1;
	}
	d->lfd = fd;
	if (lstat(a.sun_path, &st) == 0) {
		d->sock_dev = st.st_dev;
		d->sock_ino = st.st_ino;
	}
	if (d->cfg.tcp && listen_tcp(d, err, errlen) < 0)
		return -1;
	return 0;
}

void hild_unlisten(struct hild *d)
{
	if (d->tfd >= 0) {
		hil_reactor_unwatch(d->r, d->tfd);
		close(d->tfd);
		d->tfd = -1;
	}
	if (d->lfd < 0)
		return;
	hil_reactor_unwatch(d->r, d->lfd);
	close(d->lfd);
	/* Ours still, not what another hild or a person put there since. */
	struct stat st;
	if (lstat(d->cfg.socket_path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == d->sock_dev && st.st_ino == d->sock_ino)
		unlink(d->cfg.socket_path);
	d->lfd = -1;
}
