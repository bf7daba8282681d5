#include "uartlink.h"

#include "modelmap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

void uartlink_init(struct uartlink *u, const char *model, unsigned long baud)
{
	u->model = model;
	u->baud = baud;
	u->rng = 0x9e3779b97f4a7c15u;
	modelproc_init(&u->proc);
}

/* The model for the configured bitstream, and its baud rate. */
static const char *pick(struct uartlink *u, const char *comment)
{
	const char *baud = modelmap_field(comment, "baud=");
	if (baud && !u->baud_fixed)
		u->baud = strtoul(baud, NULL, 10);
	return modelmap_pick(u->map, comment, u->picked, sizeof(u->picked), "ft2232h-emu");
}

void uartlink_power(struct uartlink *u, int running, const char *comment)
{
	modelproc_stop(&u->proc);
	const char *model = running && u->map ? pick(u, comment) : u->model;
	if (running && model)
		modelproc_start(&u->proc, model, "ft2232h-emu");
}

/* A noisy cable: now and then one bit of a byte flips (xorshift64, so a
 * run is repeatable). */
static uint8_t noisy(struct uartlink *u, uint8_t b)
{
	if (u->noise <= 0)
		return b;
	u->rng ^= u->rng << 13;
	u->rng ^= u->rng >> 7;
	u->rng ^= u->rng << 17;
	if ((double)(u->rng >> 11) / 9007199254740992.0 >= u->noise)
		return b;
	u->flipped++;
	return (uint8_t)(b ^ 1u << (u->rng & 7));
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
		buf[i] = ok ? noisy(u, p[i]) : (uint8_t)(p[i] << 1 | 1);
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
		for (ssize_t i = 0; i < r; i++)
			buf[i] = ok ? noisy(u, buf[i]) : (uint8_t)(buf[i] >> 1 | 0x80);
		if (!ok)
			u->garbled += (size_t)r;
		u->from_board += (size_t)r;
		chan_push(ch, buf, (size_t)r);
	}
}
