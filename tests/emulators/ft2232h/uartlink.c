#include "uartlink.h"

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

/* The value after `key` in the bitstream's comment ("signature=...",
 * "baud=..."), or NULL. */
static const char *field(const char *comment, const char *key)
{
	size_t n = strlen(key);
	for (const char *at = comment; (at = strstr(at, key)); at += n)
		if (at == comment || at[-1] == ' ')
			return at + n;
	return NULL;
}

/* The map's model for the configured bitstream, or NULL when the map has
 * none for its signature (the design runs, but nothing models it). */
static const char *pick(struct uartlink *u, const char *comment)
{
	const char *sig = field(comment, "signature=");
	const char *baud = field(comment, "baud=");
	if (baud && !u->baud_fixed)
		u->baud = strtoul(baud, NULL, 10);
	FILE *f = sig ? fopen(u->map, "r") : NULL;
	if (!f) {
		fprintf(stderr,
			"ft2232h-emu: no model for a bitstream without a signature%s\n",
			sig ? " (the map cannot be read)" : "");
		return NULL;
	}
	char line[sizeof(u->picked) + 32];
	const char *found = NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *sp = strchr(line, ' ');
		if (sp && (size_t)(sp - line) == strspn(sig, "0123456789abcdef") &&
		    !strncmp(line, sig, (size_t)(sp - line))) {
			snprintf(u->picked, sizeof(u->picked), "%s", sp + 1);
			found = u->picked;
		}
	}
	fclose(f);
	if (!found)
		fprintf(stderr, "ft2232h-emu: the map has no model for signature %.16s\n",
			sig);
	return found;
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
