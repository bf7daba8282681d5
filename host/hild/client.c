/* A client of hild: its stream, the handshake (and, over TCP, the token),
 * how many of its requests await replies, and what it holds: a session,
 * a place in the queue, subscriptions, job waits. A client that has
 * --max-inflight requests unanswered is not read from until replies go
 * out, so it slows down instead of growing hild's memory. */
#define _GNU_SOURCE /* struct ucred, SO_PEERGROUPS */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hild.h"

/* The largest message before the handshake: a hello with a token. */
#define PRE_HELLO_MSG 4096

struct client {
	struct hild *d;
	struct stream *s;
	int fd, tcp, greeted;
	unsigned long id;
	char name[64];
	char who[HILD_WHO]; /* "uid:N" (the Unix socket's peer), "cert:CN" or "tcp" */
	void *tls;          /* its TLS connection (the stream owns it), or NULL */
	int admin;          /* sees and controls everyone's jobs and events */
	int inflight;
	int subs;
	uint64_t deadline; /* the handshake's, for a TCP client */
	uint64_t idle_timer, last_ms;
	int leaving; /* told why it is being disconnected */
	int held;    /* its session's worker has a backlog of its requests */
	long events; /* events queued since its output was last empty: an
		      * upper bound on those still waiting */
	struct session *sess;
	struct waiter *wait;
};

unsigned long client_id(const struct client *c)
{
	return c->id;
}

const char *client_name(const struct client *c)
{
	return c->name;
}

const char *client_who(const struct client *c)
{
	return c->who;
}

int client_may_see(const struct client *c, const char *owner)
{
	return c->admin || (owner && owner[0] && !strcmp(owner, c->who));
}

/* The peer's supplementary groups as the kernel recorded them at
 * connect(), not as a lookup by name would find them now. */
static int in_group(int fd, gid_t gid, gid_t primary)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);
	if (primary == gid)
		return 1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) != 0)
		return 0;
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == gid)
			return 1;
	return 0;
}

/* Who is at the other end: over the Unix socket the kernel says
 * (SO_PEERCRED); every TCP client holds the one token, so they are one. */
static void identify(struct client *c)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	if (c->tcp || getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0) {
		snprintf(c->who, sizeof(c->who), "tcp");
		return;
	}
	snprintf(c->who, sizeof(c->who), "uid:%u", (unsigned)cr.uid);
	/* Not hild's own user: models and DUT builds of every user's sessions
	 * and jobs run as that user, so it is anyone's. */
	c->admin = cr.uid == 0 ||
		(c->d->admin_gid != (gid_t)-1 && in_group(c->fd, c->d->admin_gid, cr.gid));
}

struct session *client_session(struct client *c)
{
	return c->sess;
}

void client_set_session(struct client *c, struct session *s)
{
	c->sess = s;
}

struct waiter *client_waiter(struct client *c)
{
	return c->wait;
}

void client_set_waiter(struct client *c, struct waiter *w)
{
	c->wait = w;
}

void client_free(struct client *c, const char *why)
{
	struct hild *d = c->d;
	if (c->wait)
		boards_unwait(d, c->wait);
	if (c->sess)
		session_end(c->sess, why ? why : "its client left");
	topics_drop_client(d, c);
	jobs_drop_client(d, c);
	d->clients[c->fd] = NULL;
	d->nclients--;
	d->ntcp -= c->tcp;
	if (c->deadline)
		hil_reactor_cancel(d->r, c->deadline);
	if (c->idle_timer)
		hil_reactor_cancel(d->r, c->idle_timer);
	stream_free(c->s);
	free(c);
}

static void on_close(void *owner, const char *why)
{
	struct client *c = owner;
	if (why && strstr(why, "did not read")) {
		c->d->dropped++;
		hild_log("client %lu (%s) dropped: %s", c->id, c->name, why);
	}
	client_free(c, why);
}

static int send_json(struct client *c, json_t *j)
{
	return stream_send_json(c->s, j);
}

/* An error with no request to answer: the connection ends after it. */
static int fatal(struct client *c, const char *code, const char *msg)
{
	send_json(c, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
	return -1;
}

int client_reply_error(struct client *c, json_t *id, const char *code, const char *msg)
{
	return send_json(c,
			 json_pack("{s:O,s:{s:s,s:s}}", "id", id, "error", "code", code,
				   "message", msg));
}

int client_reply_ok(struct client *c, json_t *id, json_t *result)
{
	return send_json(
		c, json_pack("{s:O,s:o}", "id", id, "ok", result ? result : json_object()));
}

int client_reply_ok_fd(struct client *c, json_t *id, json_t *result, int fd)
{
	json_t *j = json_pack("{s:O,s:o}", "id", id, "ok", result);
	char *t = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	int rc = t ? stream_send_fd(c->s, t, strlen(t), fd) : -1;
	if (!t)
		close(fd);
	free(t);
	return rc;
}

int client_is_tcp(const struct client *c)
{
	return c->tcp;
}

int client_reply_raw(struct client *c, const char *msg, size_t n)
{
	return stream_send(c->s, msg, n);
}

/* Only while something waits in the queue: the session's worker stays
 * paused until the queue drains, and an empty queue never drains again
 * (the events count alone once held a worker for ever after a direct
 * write had emptied the queue). */
int client_backlogged(const struct client *c)
{
	return c->events >= c->d->cfg.max_events / 2 && stream_queued(c->s) > 0;
}

/* Everything queued has gone out. */
static void on_drain(void *owner)
{
	struct client *c = owner;
	c->events = 0;
	if (c->sess)
		session_resume(c->sess);
}

/* Read from only while it has room for more requests in flight and its
 * worker is not behind. */
static void pace(struct client *c)
{
	stream_pause(c->s, c->inflight >= c->d->cfg.max_inflight || c->held);
}

void client_done(struct client *c)
{
	c->inflight--;
	pace(c);
}

int client_subs(const struct client *c)
{
	return c->subs;
}

void client_count_subs(struct client *c, int delta)
{
	c->subs += delta;
}

void client_hold(struct client *c, int held)
{
	c->held = held;
	pace(c);
}

void client_event(struct client *c, unsigned long sub, const char *body, size_t n)
{
	char head[40];
	if (stream_queued(c->s) == 0)
		c->events = 0;
	if (c->events >= c->d->cfg.max_events) {
		if (c->events++ == c->d->cfg.max_events) {
			hild_log("client %lu (%s) dropped: more than %ld events wait for it",
				 c->id, c->name, c->d->cfg.max_events);
			c->d->dropped++;
			/* Past the limit nothing more is queued; the stream ends. */
			static const char slow[] =
				"{\"error\":{\"code\":\"slow\",\"message\":"
				"\"dropped: too many events waited for this client to read them "
				"(hild --max-events)\"}}";
			stream_send(c->s, slow, sizeof(slow) - 1);
			stream_close_after(c->s);
		}
		return;
	}
	int h = snprintf(head, sizeof(head), "{\"sub\":%lu,", sub);
	char *m = malloc((size_t)h + n);
	if (!m)
		return;
	memcpy(m, head, (size_t)h);
	memcpy(m + h, body, n);
	if (stream_send(c->s, m, (size_t)h + n) == 0)
		c->events++;
	free(m);
}

/* A TLS client with a certificate (verified against --tls-client-ca) is
 * the user its certificate names. Only names that need no escaping
 * anywhere are taken, as they are, so no two certificates are one user;
 * any other is refused. */
static int named_by_certificate(struct client *c)
{
	char cn[64];
	if (!c->d->cfg.tls_client_ca)
		return 0;
	if (tls_peer_name(c->tls, cn, sizeof(cn)) < 0)
		return -1;
	for (char *p = cn; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._@-", *p))
			return -1;
	snprintf(c->who, sizeof(c->who), "cert:%s", cn);
	return 0;
}

static int hello(struct client *c, json_t *m)
{
	json_t *v = json_object_get(m, "hello");
	if (!json_is_integer(v))
		return fatal(c, "handshake",
			     "the first message must be "
			     "{\"hello\": 1, \"client\": NAME}");
	if (json_integer_value(v) != HILD_PROTOCOL) {
		char msg[160];
		snprintf(msg, sizeof(msg),
			 "this hild speaks protocol %d, the client "
			 "%lld: use a hil and hild of the same release",
			 HILD_PROTOCOL, (long long)json_integer_value(v));
		return fatal(c, "version", msg);
	}
	if (c->tcp) {
		const char *tok = json_string_value(json_object_get(m, "token"));
		size_t n = strlen(c->d->token);
		unsigned diff = !tok || strlen(tok) != n;
		for (size_t i = 0; tok && i < n && tok[i]; i++)
			diff |= (unsigned)(tok[i] ^ c->d->token[i]);
		if (diff) {
			hild_log("client %lu over TCP refused: %s token", c->id,
				 tok ? "wrong" : "no");
			return fatal(c, "auth",
				     tok ? "wrong token"
					 : "over TCP the handshake must carry \"token\": the "
					   "contents of hild's --token-file");
		}
	}
	if (c->tls && named_by_certificate(c) < 0) {
		hild_log("client %lu over TCP refused: its certificate's common name is not "
			 "one name of letters, digits, '.', '_', '@' and '-'",
			 c->id);
		return fatal(c, "auth",
			     "hild takes a client certificate whose subject has one "
			     "common name of 1 to 63 letters, digits, '.', '_', '@' or '-'");
	}
	const char *name = json_string_value(json_object_get(m, "client"));
	snprintf(c->name, sizeof(c->name), "%s", name ? name : "client");
	for (char *p = c->name; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	c->greeted = 1;
	if (c->deadline)
		hil_reactor_cancel(c->d->r, c->deadline);
	c->deadline = 0;
	stream_set_max_msg(c->s, c->d->cfg.max_msg);
	return send_json(c, json_pack("{s:i,s:s}", "hello", HILD_PROTOCOL, "server", "hild"));
}

static int on_msg(void *owner, const char *msg, size_t n)
{
	struct client *c = owner;
	json_error_t e;
	c->last_ms = hil_reactor_now_ms();
	json_t *m = json_loadb(msg, n, JSON_REJECT_DUPLICATES, &e);
	int rc;
	if (!json_is_object(m)) {
		json_decref(m);
		return fatal(c, "bad_frame", "a message must be one JSON object");
	}
	if (!c->greeted) {
		rc = hello(c, m);
		json_decref(m);
		return rc < 0 ? -1 : 0;
	}
	json_t *id = json_object_get(m, "id");
	if (!json_is_integer(id) || json_integer_value(id) < 0) {
		json_decref(m);
		return fatal(c, "bad_frame",
			     "a request needs \"id\", a whole number "
			     "of 0 or more, which its reply will carry");
	}
	if (c->sess)
		session_touch(c->sess);
	rc = ops_request(c->d, c, m);
	json_decref(m);
	if (rc == 1 && ++c->inflight == c->d->cfg.max_inflight)
		pace(c);
	return rc < 0 ? -1 : 0;
}

/* Tells the client why, once, and ends it when that has gone out. */
static void disconnect(struct client *c, const char *code, const char *msg)
{
	if (c->leaving++)
		return;
	/* Before its TLS handshake nothing can be said to it: it just goes. */
	if (c->tls && !tls_ready(c->tls)) {
		client_free(c, msg);
		return;
	}
	fatal(c, code, msg);
	stream_close_after(c->s);
}

/* A TCP client still short of its handshake (and token) goes. */
static long too_slow(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id;
	struct client *c = user;
	c->deadline = 0;
	hild_log("client %lu over TCP dropped: no handshake within %ld s", c->id,
		 c->d->cfg.handshake_s);
	disconnect(c, "handshake", "no handshake in time (hild --handshake-s)");
	return -1;
}

/* A connection that holds nothing (no session, place in the queue,
 * subscription or unanswered request) and has been silent for --idle-s
 * goes: it would keep one of --max-clients for nothing. */
static long idle_check(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id;
	struct client *c = user;
	uint64_t now = hil_reactor_now_ms(), limit = (uint64_t)c->d->cfg.idle_s * 1000;
	if (c->sess || c->wait || c->subs || c->inflight || now - c->last_ms < limit)
		return (long)(now - c->last_ms < limit ? c->last_ms + limit - now : limit);
	c->idle_timer = 0;
	hild_log("client %lu (%s) dropped: idle for %ld s holding nothing", c->id, c->name,
		 c->d->cfg.idle_s);
	disconnect(c, "idle",
		   "disconnected: no request for hild --idle-s seconds and "
		   "nothing held (no session, subscription or wait); connect again");
	return -1;
}

struct client *client_new(struct hild *d, int fd, int tcp)
{
	if (fd >= d->max_fds || d->nclients >= d->cfg.max_clients ||
	    (tcp && d->ntcp >= d->cfg.max_tcp) ||
	    (!tcp && d->nclients - d->ntcp >= d->cfg.max_unix))
		return NULL;
	struct client *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->d = d;
	c->fd = fd;
	c->tcp = tcp;
	c->id = ++d->next_client;
	snprintf(c->name, sizeof(c->name), "client");
	identify(c);
	if (tcp && d->tls && !(c->tls = tls_accept(d, fd))) {
		free(c);
		return NULL;
	}
	/* Until its handshake a client's messages are small: a connection
	 * that is not yet anyone's costs a few kilobytes, not --max-msg. */
	c->s = stream_new(d, fd,
			  d->cfg.max_msg < PRE_HELLO_MSG ? d->cfg.max_msg : PRE_HELLO_MSG,
			  d->cfg.max_out, on_msg, on_close, c);
	if (!c->s) {
		tls_free(c->tls);
		free(c);
		return NULL;
	}
	if (c->tls)
		stream_use_tls(c->s, c->tls);
	if (tcp)
		c->deadline = hil_reactor_timer(d->r, d->cfg.handshake_s * 1000, too_slow, c);
	c->last_ms = hil_reactor_now_ms();
	c->idle_timer = hil_reactor_timer(d->r, d->cfg.idle_s * 1000, idle_check, c);
	stream_on_drain(c->s, on_drain);
	d->clients[fd] = c;
	d->nclients++;
	d->ntcp += tcp;
	return c;
}

void hild_close_all(struct hild *d)
{
	for (int fd = 0; fd < d->max_fds; fd++)
		if (d->clients[fd])
			client_free(d->clients[fd], "hild is stopping");
}
