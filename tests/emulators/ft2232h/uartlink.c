#include "uartlink.h"

#include <errno.h>
#include <sys/socket.h>

void uartlink_init(struct uartlink *u, const char *model, unsigned long baud)
{
	u->model = model;
	u->baud = baud;
	modelproc_init(&u->proc);
}

void uartlink_power(struct uartlink *u, int running)
{
	modelproc_stop(&u->proc);
	if (running && u->model)
		modelproc_start(&u->proc, u->model, "ft2232h-emu");
}

static int rate_ok(const struct uartlink *u, const struct chan *ch)
{
	double r = (double)ch->baud / (double)u->baud;
	return r > 0.97 && r < 1.03;
}

size_t uartlink_write(struct uartlink *u, const struct chan *ch, const uint8_t *p, size_t n)
{
	if (u->proc.fd < 0)
		return n; /* onto a pin nobody listens to */
	uint8_t buf[4096];
	if (n > sizeof(buf))
		n = sizeof(buf);
	int ok = rate_ok(u, ch);
	for (size_t i = 0; i < n; i++)
		buf[i] = ok ? p[i] : (uint8_t)(p[i] << 1 | 1);
	if (!ok)
		u->garbled += n;
	ssize_t w = send(u->proc.fd, buf, n, MSG_NOSIGNAL);
	if (w < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : n;
	u->to_board += (size_t)w;
	return (size_t)w;
}

void uartlink_poll(struct uartlink *u, struct chan *ch)
{
	while (u->proc.fd >= 0 && chan_room(ch)) {
		uint8_t buf[4096];
		size_t want = chan_room(ch) < sizeof(buf) ? chan_room(ch) : sizeof(buf);
		ssize_t r = recv(u->proc.fd, buf, want, 0);
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
