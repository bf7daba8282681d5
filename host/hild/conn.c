/* A client connection: bytes in, framed messages out to requests.c, its
 * replies framed back. Each frame is a 4-byte big-endian length and that
 * many bytes of JSON. Both buffers are fixed in size when the connection
 * opens: a frame longer than max_msg ends the connection with an error,
 * and a client that does not read its replies is dropped once max_out
 * bytes wait for it; neither costs anyone else anything. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hild.h"

struct conn {
	struct hild *d;
	int fd;
	uint8_t *in;
	size_t in_len, in_cap;
	uint8_t *out;
	size_t out_len, out_cap;
	int greeted, closing, overflow;
};

int conn_fd(const struct conn *c)
{
	return c->fd;
}

int conn_greeted(const struct conn *c)
{
	return c->greeted;
}

void conn_set_greeted(struct conn *c)
{
	c->greeted = 1;
}

void conn_free(struct conn *c)
{
	hil_reactor_unwatch(c->d->r, c->fd);
	close(c->fd);
	c->d->conns[c->fd] = NULL;
	c->d->nclients--;
	free(c->in);
	free(c->out);
	free(c);
}


int conn_send(struct conn *c, const char *json, size_t n)
{
	if (c->overflow)
		return -1;
	if (n > c->d->cfg.max_msg || c->out_len + 4 + n > c->out_cap) {
		c->overflow = 1;
		return -1;
	}
	uint8_t *p = c->out + c->out_len;
	p[0] = (uint8_t)(n >> 24);
	p[1] = (uint8_t)(n >> 16);
	p[2] = (uint8_t)(n >> 8);
	p[3] = (uint8_t)n;
	memcpy(p + 4, json, n);
	c->out_len += 4 + n;
	return 0;
}

void conn_close_after(struct conn *c)
{
	c->closing = 1;
}

/* Sends what it can; returns -1 if the client is gone. */
static int flush(struct conn *c)
{
	size_t off = 0;
	while (off < c->out_len) {
		ssize_t w = write(c->fd, c->out + off, c->out_len - off);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	memmove(c->out, c->out + off, c->out_len - off);
	c->out_len -= off;
	return 0;
}

static void bad_frame(struct conn *c, const char *why)
{
	char msg[256];
	int n = snprintf(msg, sizeof(msg),
			 "{\"error\":{\"code\":\"bad_frame\",\"message\":\"%s\"}}", why);
	conn_send(c, msg, (size_t)n);
	c->closing = 1;
}

/* Takes every whole frame in the input buffer. */
static void frames(struct conn *c)
{
	size_t off = 0;
	while (!c->closing && c->in_len - off >= 4) {
		const uint8_t *p = c->in + off;
		size_t n = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
		if (n == 0 || n > c->d->cfg.max_msg) {
			bad_frame(c, n ? "frame longer than the limit" : "empty frame");
			break;
		}
		if (c->in_len - off - 4 < n)
			break;
		if (hild_request(c->d, c, (const char *)p + 4, n) < 0)
			c->closing = 1;
		off += 4 + n;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
}

static void on_io(struct hil_reactor *r, int fd, unsigned ev, void *user);

static void rewatch(struct conn *c)
{
	unsigned ev = (c->closing ? 0u : HIL_EV_READ) | (c->out_len ? HIL_EV_WRITE : 0u);
	hil_reactor_watch(c->d->r, c->fd, ev, on_io, c);
}

static void on_io(struct hil_reactor *r, int fd, unsigned ev, void *user)
{
	(void)r, (void)fd;
	struct conn *c = user;
	if (ev & HIL_EV_READ && !c->closing) {
		ssize_t got = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
		if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
			conn_free(c);
			return;
		}
		if (got > 0) {
			c->in_len += (size_t)got;
			frames(c);
		}
	}
	if (c->overflow || flush(c) < 0 || (c->closing && !c->out_len)) {
		if (c->overflow)
			c->d->dropped++;
		conn_free(c);
		return;
	}
	rewatch(c);
}

struct conn *conn_new(struct hild *d, int fd)
{
	if (fd >= d->max_fds || d->nclients >= d->cfg.max_clients) {
		/* Told why, best effort: the socket is new, its buffer empty. */
		static const char busy[] = "{\"error\":{\"code\":\"busy\",\"message\":"
					   "\"hild serves as many clients as it may\"}}";
		uint8_t f[4 + sizeof(busy)];
		size_t n = sizeof(busy) - 1;
		f[0] = f[1] = f[2] = 0;
		f[3] = (uint8_t)n;
		memcpy(f + 4, busy, n);
		if (write(fd, f, 4 + n) < 0)
			d->dropped++;
		return NULL;
	}
	struct conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->d = d;
	c->fd = fd;
	c->in_cap = 4 + d->cfg.max_msg;
	c->out_cap = d->cfg.max_out;
	c->in = malloc(c->in_cap);
	c->out = malloc(c->out_cap);
	if (!c->in || !c->out ||
	    hil_reactor_watch(d->r, fd, HIL_EV_READ, on_io, c) != 0) {
		free(c->in);
		free(c->out);
		free(c);
		return NULL;
	}
	d->conns[fd] = c;
	d->nclients++;
	return c;
}
