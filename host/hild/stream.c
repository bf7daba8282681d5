/* A connection object: one descriptor in the event loop, an input buffer
 * that holds at most one message and an output buffer of at most max_out
 * bytes; both start small and grow only up to those limits. A peer that sends a frame over
 * the limit, or does not read what it is sent, ends its own stream and
 * nobody else's. The stream knows bytes; frames.c knows messages; a TLS
 * stream's bytes go through tls.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hild.h"
#include "hil/tls.h"

struct stream {
	struct hild *d;
	int fd;
	void *tls;       /* NULL: plain */
	int tls_wants;   /* what the last TLS call waits for (HIL_TLS_WANTS_*) */
	size_t tls_wlen; /* a TLS write to repeat with this length */
	uint8_t *in;
	size_t in_len, in_cap, max_msg;
	uint8_t *out;
	size_t out_len, out_cap, out_max;
	int closing, paused;
	int pass_fd; /* a descriptor to send with the byte at pass_at, or -1 */
	size_t pass_at;
	int in_cb;   /* inside on_io: frees and drops wait until it returns */
	int freed;   /* the owner let go of it during on_io */
	int dropped; /* over its output limit: ends soon, with `why` */
	const char *why;
	uint64_t timer;
	uint64_t resume_timer;
	uint64_t close_timer; /* a closing stream ends by then, its words sent or not */
	stream_msg_fn on_msg;
	stream_close_fn on_close;
	void (*on_drain)(void *owner);
	void *owner;
};

static void on_io(struct hil_reactor *r, int fd, unsigned ev, void *user);
static int flush(struct stream *s);
static void take(struct stream *s);
static const char *pull(struct stream *s);

#define START_CAP 4096
#define CLOSE_MS  5000

/* Makes *buf hold at least `need` bytes, doubling. */
static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap;
	while (c < need)
		c *= 2;
	uint8_t *m = realloc(*buf, c);
	if (!m)
		return -1;
	*buf = m;
	*cap = c;
	return 0;
}

void stream_free(struct stream *s)
{
	if (!s)
		return;
	if (s->in_cb) {
		s->freed = 1;
		return;
	}
	if (s->timer)
		hil_reactor_cancel(s->d->r, s->timer);
	if (s->resume_timer)
		hil_reactor_cancel(s->d->r, s->resume_timer);
	if (s->close_timer)
		hil_reactor_cancel(s->d->r, s->close_timer);
	hil_reactor_unwatch(s->d->r, s->fd);
	tls_free(s->tls);
	close(s->fd);
	if (s->pass_fd >= 0)
		close(s->pass_fd);
	free(s->in);
	free(s->out);
	free(s);
}

/* Ends the stream; the owner's on_close frees it. */
static void end(struct stream *s, const char *why)
{
	stream_close_fn cb = s->on_close;
	s->on_close = NULL;
	if (cb)
		cb(s->owner, why);
	else
		stream_free(s);
}

static void rewatch(struct stream *s)
{
	unsigned ev = (s->closing || s->paused ? 0u : HIL_EV_READ) |
		(s->out_len ? HIL_EV_WRITE : 0u);
	/* A TLS write may wait for the peer's handshake bytes, and a read for
	 * room to send: watch what TLS waits for, never a socket that is
	 * ready for something TLS cannot use (that would spin). */
	if (s->tls_wants == HIL_TLS_WANTS_READ)
		ev = (ev & ~HIL_EV_WRITE) | HIL_EV_READ;
	else if (s->tls_wants == HIL_TLS_WANTS_WRITE)
		ev |= HIL_EV_WRITE;
	hil_reactor_watch(s->d->r, s->fd, ev, on_io, s);
}

/* A drop found while another stream's callback runs ends this one from
 * the loop, not from under the caller. */
static long drop_later(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id;
	struct stream *s = user;
	s->timer = 0;
	end(s, s->why);
	return -1;
}

int stream_send(struct stream *s, const char *msg, size_t n)
{
	if (s->dropped || s->freed)
		return -1;
	if (n > s->max_msg || s->out_len + 4 + n > s->out_max) {
		s->dropped = 1;
		s->why = "it did not read what it was sent";
		if (!s->in_cb)
			s->timer = hil_reactor_timer(s->d->r, 0, drop_later, s);
		return -1;
	}
	if (grow(&s->out, &s->out_cap, s->out_len + 4 + n) < 0) {
		s->dropped = 1;
		s->why = "hild is out of memory";
		if (!s->in_cb)
			s->timer = hil_reactor_timer(s->d->r, 0, drop_later, s);
		return -1;
	}
	frames_head(s->out + s->out_len, n);
	memcpy(s->out + s->out_len + 4, msg, n);
	s->out_len += 4 + n;
	if (!s->in_cb) {
		/* Straight to the socket when it takes it: a reader that keeps
		 * up never has anything waiting here. */
		if (flush(s) < 0) {
			s->dropped = 1;
			s->why = "the connection broke";
			s->timer = hil_reactor_timer(s->d->r, 0, drop_later, s);
			return -1;
		}
		rewatch(s);
	}
	return 0;
}

void stream_use_tls(struct stream *s, void *tls)
{
	s->tls = tls;
}

void stream_set_max_msg(struct stream *s, size_t max_msg)
{
	s->max_msg = max_msg;
}

int stream_send_fd(struct stream *s, const char *msg, size_t n, int fd)
{
	if (s->pass_fd >= 0) {
		close(fd);
		return -1;
	}
	s->pass_fd = fd;
	s->pass_at = s->out_len;
	if (stream_send(s, msg, n) == 0)
		return 0;
	if (s->pass_fd == fd) {
		close(fd);
		s->pass_fd = -1;
	}
	return -1;
}

void stream_last_words(struct stream *s, const char *msg, size_t n)
{
	if (stream_send(s, msg, n) == 0 && s->in_cb)
		flush(s);
}

int stream_send_json(struct stream *s, json_t *j)
{
	char *t = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	int rc = t ? stream_send(s, t, strlen(t)) : -1;
	free(t);
	return rc;
}

size_t stream_queued(const struct stream *s)
{
	return s->out_len;
}

/* After our own callback: carries out what happened inside it (a free,
 * a drop, the end of a close) or watches on. */
static void settle(struct stream *s, const char *gone)
{
	if (s->freed) {
		s->on_close = NULL;
		stream_free(s);
	} else if (s->dropped)
		end(s, s->why);
	else if (gone || (s->closing && !s->out_len))
		end(s, gone ? gone : "closed");
	else
		rewatch(s);
}

/* Frames that waited in the buffer while the stream was paused. */
static long resume_later(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id;
	struct stream *s = user;
	s->resume_timer = 0;
	if (s->paused || s->freed || s->dropped)
		return -1;
	s->in_cb = 1;
	take(s);
	const char *gone = NULL;
	if (s->tls && tls_pending(s->tls) && !s->closing && !s->paused && !s->freed &&
	    !s->dropped)
		gone = pull(s);
	s->in_cb = 0;
	settle(s, gone);
	return -1;
}

void stream_pause(struct stream *s, int paused)
{
	s->paused = paused;
	if (!paused && (s->in_len >= 4 || (s->tls && tls_pending(s->tls))) && !s->resume_timer)
		s->resume_timer = hil_reactor_timer(s->d->r, 0, resume_later, s);
	if (!s->in_cb && !s->dropped)
		rewatch(s);
}

void stream_on_drain(struct stream *s, void (*fn)(void *owner))
{
	s->on_drain = fn;
}

/* A peer that never takes the last words must not keep its place. */
static long close_anyway(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id;
	struct stream *s = user;
	s->close_timer = 0;
	end(s, "it did not take hild's last message");
	return -1;
}

void stream_close_after(struct stream *s)
{
	if (!s->close_timer)
		s->close_timer = hil_reactor_timer(s->d->r, CLOSE_MS, close_anyway, s);
	s->closing = 1;
	if (!s->in_cb && !s->dropped)
		rewatch(s);
}

/* Writes from the byte that carries the passed descriptor. */
static ssize_t send_with_fd(struct stream *s, const uint8_t *p, size_t n)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct iovec iov = {(void *)p, n};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = ctl.buf,
			   .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &s->pass_fd, sizeof(int));
	ssize_t w = sendmsg(s->fd, &m, MSG_NOSIGNAL);
	if (w > 0) {
		close(s->pass_fd);
		s->pass_fd = -1;
	}
	return w;
}

static ssize_t rd(struct stream *s, void *buf, size_t n)
{
	if (!s->tls)
		return read(s->fd, buf, n);
	return tls_read(s->tls, buf, n, &s->tls_wants);
}

/* TLS wants a write it could not finish repeated with the same bytes. */
static ssize_t wr(struct stream *s, const void *buf, size_t n)
{
	if (!s->tls)
		return write(s->fd, buf, n);
	if (s->tls_wlen)
		n = s->tls_wlen;
	ssize_t w = tls_write(s->tls, buf, n, &s->tls_wants);
	s->tls_wlen = w < 0 && errno == EAGAIN ? n : 0;
	return w;
}

/* Sends what it can; -1 if the peer is gone. */
static int flush(struct stream *s)
{
	size_t off = 0;
	while (off < s->out_len) {
		size_t n = s->out_len - off;
		ssize_t w;
		if (s->pass_fd >= 0 && s->pass_at == off)
			w = send_with_fd(s, s->out + off, n);
		else {
			if (s->pass_fd >= 0 && s->pass_at > off && s->pass_at - off < n)
				n = s->pass_at - off;
			w = wr(s, s->out + off, n);
		}
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	memmove(s->out, s->out + off, s->out_len - off);
	s->out_len -= off;
	if (s->pass_fd >= 0)
		s->pass_at -= off;
	return 0;
}

static int deliver(void *owner, const char *msg, size_t n)
{
	struct stream *s = owner;
	if (s->freed || s->dropped || s->closing)
		return -1;
	int rc = s->on_msg(s->owner, msg, n);
	if (rc < 0)
		s->closing = 1;
	return s->freed || s->dropped ? -1 : s->paused ? 1 : rc;
}

static void take(struct stream *s)
{
	const char *why = NULL;
	long used = frames_take(s->in, s->in_len, s->max_msg, deliver, s, &why);
	if (used >= 0) {
		memmove(s->in, s->in + used, s->in_len - (size_t)used);
		s->in_len -= (size_t)used;
		return;
	}
	if (why && !s->freed && !s->dropped) {
		char msg[160];
		int n = snprintf(msg, sizeof(msg),
				 "{\"error\":{\"code\":\"bad_frame\","
				 "\"message\":\"%s\"}}",
				 why);
		stream_send(s, msg, (size_t)n);
	}
	s->closing = 1;
	s->in_len = 0;
}

/* Reads what the socket holds and hands on whole frames; a reason if the
 * stream has ended. TLS may hold decrypted bytes the socket no longer
 * shows: those are read on. */
static const char *pull(struct stream *s)
{
	do {
		/* Room for the frame under way (its header says how long),
		 * within the limit frames.c enforces. */
		size_t want = s->in_len + START_CAP;
		if (s->in_len >= 4) {
			size_t n = (size_t)s->in[0] << 24 | (size_t)s->in[1] << 16 |
				(size_t)s->in[2] << 8 | s->in[3];
			if (n <= s->max_msg && 4 + n > want)
				want = 4 + n;
		}
		if (want > 4 + s->max_msg)
			want = 4 + s->max_msg;
		if (want > s->in_cap && grow(&s->in, &s->in_cap, want) < 0)
			want = s->in_cap;
		if (s->in_cap <= s->in_len)
			return "hild is out of memory";
		ssize_t got = rd(s, s->in + s->in_len, s->in_cap - s->in_len);
		if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
			return "it closed the connection";
		if (got < 0)
			return NULL;
		s->in_len += (size_t)got;
		take(s);
	} while (s->tls && tls_pending(s->tls) && !s->closing && !s->paused && !s->freed &&
		 !s->dropped);
	return NULL;
}

static void on_io(struct hil_reactor *r, int fd, unsigned ev, void *user)
{
	(void)r, (void)fd;
	struct stream *s = user;
	const char *gone = NULL;
	s->in_cb = 1;
	/* A TLS read may have waited for the socket to be writable. */
	if ((ev & HIL_EV_READ || s->tls) && !s->closing && !s->paused)
		gone = pull(s);
	int had = s->out_len != 0;
	if (!gone && !s->freed && !s->dropped && flush(s) < 0)
		gone = "the connection broke";
	if (had && !s->out_len && !gone && !s->freed && !s->dropped && s->on_drain)
		s->on_drain(s->owner);
	s->in_cb = 0;
	settle(s, gone);
}

struct stream *stream_new(struct hild *d, int fd, size_t max_msg, size_t max_out,
			  stream_msg_fn on_msg, stream_close_fn on_close, void *owner)
{
	struct stream *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->d = d;
	s->fd = fd;
	s->max_msg = max_msg;
	s->in_cap = START_CAP;
	s->out_cap = START_CAP;
	s->out_max = max_out;
	s->pass_fd = -1;
	s->on_msg = on_msg;
	s->on_close = on_close;
	s->owner = owner;
	s->in = malloc(s->in_cap);
	s->out = malloc(s->out_cap);
	if (!s->in || !s->out || hil_reactor_watch(d->r, fd, HIL_EV_READ, on_io, s) != 0) {
		free(s->in);
		free(s->out);
		free(s);
		return NULL;
	}
	return s;
}
