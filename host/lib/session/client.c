/* hild client; see hil/client.h. Reading and writing share one poll loop, so a
 * client streaming requests keeps taking its replies and never wedges
 * against a daemon that stops reading it while replies wait. */
#include "hil/client.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hil/tls.h"
#include "hil/token.h"
#include "util/errfmt.h"
#include "util/clock.h"

#define MAX_MSG   (64u << 20)
#define MAX_ASYNC 256 /* unanswered async requests before we wait */
#define SPIN_US   200
#define GREETING  0 /* the stash's id for hild's answer to the hello */

struct stash {
	long id;
	json_t *msg;
	struct stash *next;
};

struct hil_client {
	int fd;
	struct hil_tlsc *tls; /* over tls:HOST:PORT, else NULL */
	long next_id;
	long async_ids[MAX_ASYNC];
	int async_head, nasync;
	char async_err[512];
	struct stash *stash;
	hil_client_event_fn on_event;
	void *user;
	uint8_t *in;
	size_t in_len, in_cap;
	int passed; /* a descriptor hild passed (a direct session's), or -1 */
	const char *peer;
	int spin; /* replies came soon enough to poll for the next */
	/* Until hild answers the hello: that answer has no id, and it can be
	 * read while the hello is still being written. */
	int greeting;
	int dead;
	char err[512];
};

void hil_client_default(char *buf, size_t n)
{
	const char *env = getenv("HIL_HILD"), *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	if (env && *env)
		snprintf(buf, n, "%s", env);
	else if (xdg && *xdg && snprintf(buf, n, "%s/hil/hild.sock", xdg) > 0 &&
		 stat(buf, &st) == 0 && S_ISSOCK(st.st_mode))
		return; /* a hild of this user's own */
	else
		snprintf(buf, n, "/run/hil/hild.sock");
}

int hil_client_over_tcp(const char *where)
{
	return !strncmp(where, "tcp:", 4) || !strncmp(where, "tls:", 4);
}

static int dial(const char *where, struct hil_tlsc **tls, char *err, size_t errlen)
{
	if (hil_client_over_tcp(where)) {
		char host[256];
		const char *colon = strrchr(where + 4, ':');
		if (!colon)
			return hil_fail(err, errlen, "%s: expected %.3s:HOST:PORT", where,
					where);
		snprintf(host, sizeof(host), "%.*s", (int)(colon - where - 4), where + 4);
		struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
		int rc = getaddrinfo(host, colon + 1, &hints, &ai);
		if (rc)
			return hil_fail(err, errlen, "%s: %s", where, gai_strerror(rc));
		int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			hil_fail(err, errlen, "cannot reach hild at %s: %s", where,
				 strerror(errno));
			if (fd >= 0)
				close(fd);
			fd = -1;
		}
		freeaddrinfo(ai);
		if (fd >= 0 && !strncmp(where, "tls:", 4) &&
		    !(*tls = hil_tlsc_open(fd, host, 10000, err, errlen))) {
			close(fd);
			return -1;
		}
		return fd;
	}
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(where) >= sizeof(a.sun_path))
		return hil_fail(err, errlen, "%s: path too long for a Unix socket", where);
	strcpy(a.sun_path, where);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		hil_fail(err, errlen,
			 "no hild answers at %s (%s): start one with `hild "
			 "--foreground` (docs/hild.md), or set HIL_HILD to where it listens",
			 where, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int fail(struct hil_client *c, const char *fmt, const char *what)
{
	if (!c->dead)
		hil_fail(c->err, sizeof(c->err), fmt, what);
	c->dead = 1;
	return -1;
}

/* One message from the input buffer, if a whole one is there. */
static json_t *take(struct hil_client *c)
{
	if (c->in_len < 4)
		return NULL;
	size_t n = (size_t)c->in[0] << 24 | (size_t)c->in[1] << 16 | (size_t)c->in[2] << 8 |
		c->in[3];
	if (n == 0 || n > MAX_MSG) {
		fail(c, "hild sent a frame of %s bytes", n ? "too many" : "zero");
		return NULL;
	}
	if (c->in_cap < 4 + n) {
		uint8_t *m = realloc(c->in, 4 + n);
		if (!m) {
			fail(c, "%s", "out of memory");
			return NULL;
		}
		c->in = m;
		c->in_cap = 4 + n;
	}
	if (c->in_len < 4 + n)
		return NULL;
	json_t *j = json_loadb((const char *)c->in + 4, n, 0, NULL);
	memmove(c->in, c->in + 4 + n, c->in_len - 4 - n);
	c->in_len -= 4 + n;
	if (!json_is_object(j)) {
		json_decref(j);
		fail(c, "%s", "hild sent something that is not a JSON object");
		return NULL;
	}
	return j;
}

static void errtext(json_t *m, char *out, size_t n)
{
	json_t *e = json_object_get(m, "error");
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	snprintf(out, n, "%s: %s", code ? code : "error", msg ? msg : "");
}

/* Routes one message: an event to the callback, an async reply checked,
 * any other reply stashed. */
static void route(struct hil_client *c, json_t *m)
{
	json_t *sub = json_object_get(m, "sub");
	json_t *id = json_object_get(m, "id");
	if (json_is_integer(sub) && json_object_get(m, "event") && !id) {
		if (c->on_event)
			c->on_event(c->user, (long)json_integer_value(sub),
				    json_string_value(json_object_get(m, "topic")),
				    json_object_get(m, "event"));
		json_decref(m);
		return;
	}
	if (!json_is_integer(id) && !c->greeting) {
		char e[400];
		errtext(m, e, sizeof(e));
		fail(c, "hild: %s", e);
		json_decref(m);
		return;
	}
	long i = c->greeting ? GREETING : (long)json_integer_value(id);
	c->greeting = 0;
	if (c->nasync && c->async_ids[c->async_head] == i) {
		c->async_head = (c->async_head + 1) % MAX_ASYNC;
		c->nasync--;
		/* A request's pokes that failed count as its error. */
		json_t *perr = json_object_get(json_object_get(m, "ok"), "poke_error");
		if (perr && !c->async_err[0]) {
			json_t *e = json_pack("{s:O}", "error", perr);
			errtext(e, c->async_err, sizeof(c->async_err));
			json_decref(e);
		} else if (json_object_get(m, "error") && !c->async_err[0])
			errtext(m, c->async_err, sizeof(c->async_err));
		json_decref(m);
		return;
	}
	struct stash *s = malloc(sizeof(*s));
	if (!s) {
		json_decref(m);
		fail(c, "%s", "out of memory");
		return;
	}
	s->id = i;
	s->msg = m;
	s->next = c->stash;
	c->stash = s;
}

/* Reads what the socket holds (waiting for it unless dontwait). */
static int read_more(struct hil_client *c, int dontwait)
{
	if (c->in_cap - c->in_len < 65536) {
		uint8_t *m = realloc(c->in, c->in_cap + 65536);
		if (!m)
			return fail(c, "%s", "out of memory");
		c->in = m;
		c->in_cap += 65536;
	}
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {c->in + c->in_len, c->in_cap - c->in_len};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = ctl.buf,
			   .msg_controllen = sizeof(ctl.buf)};
	ssize_t r;
	if (c->tls) {
		struct pollfd p = {c->fd, POLLIN, 0};
		/* Decrypted bytes wait in TLS, unseen by poll. */
		if (!dontwait && !hil_tlsc_pending(c->tls))
			poll(&p, 1, -1);
		r = hil_tlsc_read(c->tls, iov.iov_base, iov.iov_len);
		m.msg_controllen = 0;
	} else
		r = recvmsg(c->fd, &m, MSG_CMSG_CLOEXEC | (dontwait ? MSG_DONTWAIT : 0));
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
		return fail(c, "%s closed the connection", c->peer);
	if (r > 0)
		c->in_len += (size_t)r;
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); r > 0 && h; h = CMSG_NXTHDR(&m, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
		    h->cmsg_len == CMSG_LEN(sizeof(int))) {
			if (c->passed >= 0)
				close(c->passed);
			memcpy(&c->passed, CMSG_DATA(h), sizeof(int));
		}
	return 0;
}

/* Waits for p's events. A reply is often a few tens of microseconds
 * away, and sleeping costs a wake-up of about that much: with a CPU to
 * spare, and while replies do come that soon, ask again for up to
 * SPIN_US first. */
static int spin(struct hil_client *c, struct pollfd *p)
{
	static long cpus;
	if (!cpus)
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t t0 = hil_mono_us();
	int got;
	while ((got = poll(p, 1, 0)) == 0 && c->spin && cpus > 1 &&
	       hil_mono_us() - t0 < SPIN_US)
		;
	if (got == 0)
		got = poll(p, 1, -1);
	c->spin = hil_mono_us() - t0 < SPIN_US;
	return got;
}

/* Moves bytes: writes out (if any), reads and routes what comes, until
 * `out` is written and, if `block`, at least one message came. */
static int pump(struct hil_client *c, const uint8_t *out, size_t n, int block)
{
	size_t off = 0;
	for (;;) {
		json_t *m;
		int got = 0;
		while ((m = take(c))) {
			route(c, m);
			got = 1;
		}
		if (c->dead)
			return -1;
		if (off == n && (got || !block))
			return 0;
		if (c->tls && hil_tlsc_pending(c->tls)) {
			if (read_more(c, 1) < 0)
				return -1;
			continue;
		}
		struct pollfd p = {c->fd, POLLIN | (off < n ? POLLOUT : 0), 0};
		if (spin(c, &p) < 0) {
			if (errno == EINTR)
				continue;
			return fail(c, "poll: %s", strerror(errno));
		}
		if (p.revents & POLLOUT && off < n) {
			ssize_t w = c->tls
				? hil_tlsc_write(c->tls, out + off, n - off)
				: send(c->fd, out + off, n - off, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				return fail(c, "lost the connection: %s", strerror(errno));
			if (w > 0)
				off += (size_t)w;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR) && read_more(c, 1) < 0)
			return -1;
	}
}

static long send_req(struct hil_client *c, json_t *req)
{
	long id = c->next_id++;
	json_object_set_new(req, "id", json_integer(id));
	char *t = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!t)
		return fail(c, "%s", "out of memory");
	size_t n = strlen(t);
	uint8_t *f = malloc(4 + n);
	if (!f) {
		free(t);
		return fail(c, "%s", "out of memory");
	}
	f[0] = (uint8_t)(n >> 24);
	f[1] = (uint8_t)(n >> 16);
	f[2] = (uint8_t)(n >> 8);
	f[3] = (uint8_t)n;
	memcpy(f + 4, t, n);
	free(t);
	int rc = pump(c, f, 4 + n, 0);
	free(f);
	return rc < 0 ? -1 : id;
}

static json_t *unstash(struct hil_client *c, long id)
{
	for (struct stash **p = &c->stash; *p; p = &(*p)->next)
		if ((*p)->id == id) {
			struct stash *s = *p;
			json_t *m = s->msg;
			*p = s->next;
			free(s);
			return m;
		}
	return NULL;
}

json_t *hil_client_call(struct hil_client *c, json_t *req, char *err, size_t errlen)
{
	long id = send_req(c, req);
	json_t *m = NULL;
	while (id >= 0 && !(m = unstash(c, id)))
		if (pump(c, NULL, 0, 1) < 0)
			break;
	if (!m) {
		hil_fail(err, errlen, "%s", c->err);
		return NULL;
	}
	json_t *ok = json_incref(json_object_get(m, "ok"));
	if (!ok)
		errtext(m, err, errlen);
	json_decref(m);
	return ok;
}

int hil_client_send_async(struct hil_client *c, json_t *req)
{
	while (c->nasync == MAX_ASYNC)
		if (pump(c, NULL, 0, 1) < 0)
			return -1;
	/* Counted before it is sent: sending reads too, and the reply may
	 * come before the last byte of the request has gone (it once went to
	 * the stash then, and hil_client_flush waited for it for ever). */
	c->async_ids[(c->async_head + c->nasync++) % MAX_ASYNC] = c->next_id;
	return send_req(c, req) < 0 ? -1 : 0;
}

int hil_client_flush(struct hil_client *c, char *err, size_t errlen)
{
	while (c->nasync)
		if (pump(c, NULL, 0, 1) < 0)
			return hil_fail(err, errlen, "%s", c->err);
	if (c->async_err[0]) {
		hil_fail(err, errlen, "%s", c->async_err);
		c->async_err[0] = '\0';
		return -1;
	}
	return 0;
}

void hil_client_on_event(struct hil_client *c, hil_client_event_fn fn, void *user)
{
	c->on_event = fn;
	c->user = user;
}

static struct hil_client *on_fd(int fd, const char *peer)
{
	struct hil_client *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return NULL;
	}
	c->fd = fd;
	c->next_id = 1;
	c->passed = -1;
	c->peer = peer;
	c->spin = 1;
	return c;
}

int hil_client_take_fd(struct hil_client *c)
{
	int fd = c->passed;
	c->passed = -1;
	return fd;
}

struct hil_client *hil_client_adopt(int fd, const char *peer)
{
	return on_fd(fd, peer);
}

struct hil_client *hil_client_connect(const char *where, const char *client, char *err,
				      size_t errlen)
{
	char def[4096];
	if (!where) {
		hil_client_default(def, sizeof(def));
		where = def;
	}
	struct hil_tlsc *tls = NULL;
	int fd = dial(where, &tls, err, errlen);
	if (fd < 0)
		return NULL;
	struct hil_client *c = on_fd(fd, "hild");
	if (!c) {
		hil_tlsc_close(tls);
		hil_fail(err, errlen, "out of memory");
		return NULL;
	}
	c->tls = tls;
	json_t *hello = json_pack("{s:i,s:s}", "hello", 1, "client", client);
	if (hil_client_over_tcp(where)) {
		const char *tf = getenv("HIL_TOKEN_FILE");
		char tok[256] = "";
		if (!tf || !*tf || hil_token_read(tf, tok, sizeof(tok), err, errlen) < 0) {
			if (!tf || !*tf)
				hil_fail(err, errlen,
					 "hild over TCP wants its token: set "
					 "HIL_TOKEN_FILE to a file holding it");
			json_decref(hello);
			hil_client_close(c);
			return NULL;
		}
		json_object_set_new(hello, "token", json_string(tok));
	}
	char *t = json_dumps(hello, JSON_COMPACT);
	json_decref(hello);
	size_t n = t ? strlen(t) : 0;
	uint8_t head[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8),
			   (uint8_t)n};
	json_t *m = NULL;
	c->greeting = 1;
	if (t && pump(c, head, 4, 0) == 0 && pump(c, (const uint8_t *)t, n, 0) == 0)
		while (!(m = unstash(c, GREETING)) && !(m = take(c)) && !c->dead)
			if (read_more(c, 0) < 0)
				break;
	c->greeting = 0;
	free(t);
	if (!m || !json_object_get(m, "hello")) {
		if (m)
			errtext(m, err, errlen);
		else
			hil_fail(err, errlen, "hild at %s: %s%s", where, c->err,
				 c->tls ? " (if that hild asks for a client certificate, set "
					  "HIL_TLS_CERT and HIL_TLS_KEY to one its CA signed)"
					: "");
		json_decref(m);
		hil_client_close(c);
		return NULL;
	}
	json_decref(m);
	return c;
}

void hil_client_close(struct hil_client *c)
{
	if (!c)
		return;
	while (c->stash) {
		struct stash *s = c->stash;
		c->stash = s->next;
		json_decref(s->msg);
		free(s);
	}
	hil_tlsc_close(c->tls);
	close(c->fd);
	if (c->passed >= 0)
		close(c->passed);
	free(c->in);
	free(c);
}
