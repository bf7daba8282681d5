/* The tty transport: a board whose UART shows up as a serial device
 * (/dev/ttyUSB*, /dev/ttyACM*), in raw mode. The rate goes through
 * termios2's BOTHER, so any rate the driver can make works, not only the
 * standard B-constants; we read it back and refuse one more than 3% off. */
#include <asm/ioctls.h>
#include <asm/termbits.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport/transport.h"
#include "util/errfmt.h"

/* <sys/ioctl.h> would bring glibc's termios, which clashes with the
 * kernel's termios2. */
int ioctl(int fd, unsigned long req, ...);

struct tty {
	struct hil_transport t;
	int fd;
	char path[200];
};

static ssize_t tty_write(struct hil_transport *t, const void *p, size_t n)
{
	struct tty *s = (struct tty *)t;
	ssize_t r = write(s->fd, p, n);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r < 0)
		hil_fail(t->err, sizeof(t->err), "%s: %s (was the board unplugged?)", s->path,
			 strerror(errno));
	return r;
}

static ssize_t tty_read(struct hil_transport *t, void *p, size_t n)
{
	struct tty *s = (struct tty *)t;
	ssize_t r = read(s->fd, p, n);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r < 0)
		hil_fail(t->err, sizeof(t->err), "%s: %s (was the board unplugged?)", s->path,
			 strerror(errno));
	/* A serial device reads 0 only when it is gone (a hangup). */
	if (r == 0) {
		struct pollfd q = {s->fd, POLLIN, 0};
		if (poll(&q, 1, 0) > 0 && (q.revents & (POLLHUP | POLLERR)))
			return hil_fail(t->err, sizeof(t->err),
					"%s hung up (was the board "
					"unplugged?)",
					s->path);
	}
	return r;
}

static int tty_wait(struct hil_transport *t, int want_write, int timeout_ms)
{
	struct tty *s = (struct tty *)t;
	struct pollfd q = {s->fd, (short)(POLLIN | (want_write ? POLLOUT : 0)), 0};
	if (poll(&q, 1, timeout_ms) < 0 && errno != EINTR)
		return hil_fail(t->err, sizeof(t->err), "poll %s: %s", s->path,
				strerror(errno));
	return 0;
}

static void tty_close(struct hil_transport *t)
{
	struct tty *s = (struct tty *)t;
	close(s->fd);
	free(s);
}

static const struct hil_transport_ops tty_ops = {
	.write = tty_write,
	.read = tty_read,
	.wait = tty_wait,
	.close = tty_close,
};

struct hil_transport *hil_transport_tty(const char *path, unsigned long baud, char *err,
					size_t errlen)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		hil_fail(err, errlen, "%s: %s%s", path, strerror(errno),
			 errno == EACCES ? " (add yourself to group dialout, or install "
					   "hil's udev rules from boards/)"
					 : "");
		return NULL;
	}
	struct termios2 tio;
	if (ioctl(fd, TCGETS2, &tio) != 0) {
		hil_fail(err, errlen, "%s is not a serial device: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	tio.c_iflag = 0;
	tio.c_oflag = 0;
	tio.c_lflag = 0;
	tio.c_cflag = CS8 | CREAD | CLOCAL | BOTHER;
	tio.c_ispeed = tio.c_ospeed = (speed_t)baud;
	memset(tio.c_cc, 0, sizeof(tio.c_cc));
	if (ioctl(fd, TCSETS2, &tio) != 0 || ioctl(fd, TCGETS2, &tio) != 0) {
		hil_fail(err, errlen, "%s: cannot set %lu baud: %s", path, baud,
			 strerror(errno));
		close(fd);
		return NULL;
	}
	double r = (double)tio.c_ospeed / (double)baud;
	if (r < 0.97 || r > 1.03) {
		hil_fail(err, errlen,
			 "%s runs at %u baud when asked for %lu: its "
			 "driver cannot make the board's rate",
			 path, (unsigned)tio.c_ospeed, baud);
		close(fd);
		return NULL;
	}
	ioctl(fd, TCFLSH, TCIOFLUSH);
	struct tty *s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		hil_fail(err, errlen, "out of memory");
		return NULL;
	}
	s->t.ops = &tty_ops;
	s->t.rto_ms = 50;
	s->fd = fd;
	snprintf(s->path, sizeof(s->path), "%s", path);
	return &s->t;
}
