/* A session: one client's exclusive lease of one board. hild starts a
 * worker process for it (worker.c) on a socketpair; the worker opens the
 * board's target through libhil, so the link and its blocking calls live
 * there while this loop only moves messages. The owner's session ops go
 * to the worker with the owner's ids and its replies come back in the
 * same order; the worker's events are published on board/NAME/...; when
 * the lease ends the worker sees end-of-file, closes the target (a sim
 * board's model exits, a real board is reconfigured by the next worker)
 * and exits, and only then is the board free again.
 *
 * A direct session (open with "direct": true, Unix socket only) moves the
 * session's data off this loop: the open reply passes the client one end
 * of a second socketpair whose other end is the worker's descriptor 4, and
 * the client's ops, their replies and the session's events go over it.
 * hild stays the control plane: the lease, its end, monitors (the worker
 * sends its events here too) and the idle limit (the worker says it is
 * active at most once a second). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hild.h"

#define KILL_AFTER_MS 3000

struct session {
	struct hild *d;
	unsigned long id, sub;
	struct board *b;
	struct client *owner;
	char who[HILD_WHO]; /* the owner's user, kept for events after it left */
	pid_t pid;
	struct stream *w;
	int ready, ending, paused, killed;
	int direct, data_fd; /* data_fd: the client's end, until the open reply */
	json_t *open_id;
	json_t **pending; /* ids of the owner's requests at the worker, oldest first */
	int npend, head;
	char log[4096];
	char fatal[512];
	uint64_t idle_timer, kill_timer, last_ms;
	struct session *next;
};

void sessions_resume_ids(struct hild *d)
{
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/sessions", d->cfg.state);
	DIR *ds = opendir(dir);
	for (struct dirent *e; ds && (e = readdir(ds));) {
		unsigned long id = strtoul(e->d_name, NULL, 10);
		if (id > d->next_session)
			d->next_session = id;
	}
	if (ds)
		closedir(ds);
}

int sessions_log_live(struct hild *d, const char *name)
{
	for (struct session *s = d->sessions; s; s = s->next) {
		const char *base = strrchr(s->log, '/');
		if (base && !strcmp(base + 1, name))
			return 1;
	}
	return 0;
}

unsigned long session_id(const struct session *s)
{
	return s->id;
}

void session_touch(struct session *s)
{
	s->last_ms = hil_reactor_now_ms();
}

static void publish(struct session *s, const char *what, json_t *event)
{
	char topic[160];
	snprintf(topic, sizeof(topic), "board/%s/%s", board_name(s->b), what);
	topics_publish(s->d, topic, event, s->who);
}

static void pend_push(struct session *s, json_t *id)
{
	int cap = s->d->cfg.max_inflight + 1;
	s->pending[(s->head + s->npend++) % cap] = json_incref(id);
}

static json_t *pend_pop(struct session *s)
{
	int cap = s->d->cfg.max_inflight + 1;
	if (!s->npend)
		return NULL;
	json_t *id = s->pending[s->head];
	s->head = (s->head + 1) % cap;
	s->npend--;
	return id;
}

static void ready(struct session *s, json_t *m)
{
	json_t *r = json_object_get(m, "ready");
	s->ready = 1;
	char pattern[96];
	snprintf(pattern, sizeof(pattern), "board/%s/#", board_name(s->b));
	/* A direct owner's events come from the worker, tagged with a sub id
	 * of its own, not from a subscription here (that would send each
	 * event twice). */
	if (s->direct) {
		char topic[96];
		snprintf(topic, sizeof(topic), "board/%s/", board_name(s->b));
		s->sub = ++s->d->next_sub;
		stream_send_json(s->w,
				 json_pack("{s:{s:I,s:s}}", "direct", "sub",
					   (json_int_t)s->sub, "topic", topic));
	} else
		s->sub = topics_subscribe(s->d, s->owner, pattern);
	json_t *ok = json_pack("{s:I,s:s,s:s,s:I,s:s,s:b}", "session", (json_int_t)s->id,
			       "board", board_name(s->b), "target", board_uri(s->b), "sub",
			       (json_int_t)s->sub, "log", s->log, "direct", s->direct);
	json_object_update(ok, r);
	if (s->direct) {
		client_reply_ok_fd(s->owner, s->open_id, ok, s->data_fd);
		s->data_fd = -1;
	} else
		client_reply_ok(s->owner, s->open_id, ok);
	client_done(s->owner);
	json_decref(s->open_id);
	s->open_id = NULL;
	hild_log("session %lu: %s leased to client %lu (%s)", s->id, board_name(s->b),
		 client_id(s->owner), client_name(s->owner));
	publish(s, "session",
		json_pack("{s:s,s:I,s:s}", "state", "open", "session", (json_int_t)s->id,
			  "owner", client_name(s->owner)));
}

static int on_msg(void *owner, const char *msg, size_t n)
{
	struct session *s = owner;
	json_error_t e;
	json_t *m = json_loadb(msg, n, 0, &e);
	if (!json_is_object(m) || s->ending) {
		json_decref(m);
		return 0;
	}
	const char *ev = json_string_value(json_object_get(m, "event"));
	const char *fail = json_string_value(json_object_get(m, "fail"));
	if (ev) {
		publish(s, ev, json_incref(json_object_get(m, "data")));
		/* An owner behind on its events holds its own DUT: the worker
		 * waits (the DUT with it) instead of hild queueing without end.
		 * A direct owner holds it by not reading the worker's socket. */
		if (s->owner && !s->direct && client_backlogged(s->owner)) {
			s->paused = 1;
			stream_pause(s->w, 1);
		}
	} else if (json_object_get(m, "ready") && !s->ready) {
		ready(s, m);
	} else if (json_object_get(m, "active")) {
		session_touch(s);
	} else if (fail) {
		snprintf(s->fatal, sizeof(s->fatal), "%s", fail);
	} else if (json_object_get(m, "id")) {
		json_t *id = pend_pop(s);
		if (s->owner) {
			client_reply_raw(s->owner, msg, n);
			client_done(s->owner);
		}
		json_decref(id);
	}
	json_decref(m);
	return 0;
}

void session_resume(struct session *s)
{
	if (s->paused && s->w) {
		s->paused = 0;
		stream_pause(s->w, 0);
	}
}

/* The worker has read what waited for it. */
static void on_worker_drain(void *owner)
{
	struct session *s = owner;
	if (s->owner)
		client_hold(s->owner, 0);
}

static void on_worker_close(void *owner, const char *why)
{
	struct session *s = owner;
	(void)why;
	stream_free(s->w);
	s->w = NULL;
	if (!s->ending)
		session_end(s, s->fatal[0] ? s->fatal : "the session's worker stopped");
}

static long idle_check(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id;
	struct session *s = user;
	uint64_t idle = hil_reactor_now_ms() - s->last_ms,
		 limit = (uint64_t)s->d->cfg.lease_idle_s * 1000u;
	if (idle < limit)
		return (long)(limit - idle);
	s->idle_timer = 0;
	char why[96];
	snprintf(why, sizeof(why), "its owner sent nothing for %ld s (hild --lease-idle)",
		 s->d->cfg.lease_idle_s);
	session_end(s, why);
	return -1;
}

static long kill_worker(struct hil_reactor *r, uint64_t id, void *user)
{
	(void)r, (void)id;
	struct session *s = user;
	s->kill_timer = 0;
	hild_log("session %lu: worker %d is still busy with its last request; "
		 "killing it",
		 s->id, (int)s->pid);
	s->killed = 1;
	kill(s->pid, SIGKILL);
	return -1;
}

struct session *session_start(struct hild *d, struct board *b, struct client *owner,
			      json_t *open_id, int direct)
{
	struct session *s = calloc(1, sizeof(*s));
	int sv[2] = {-1, -1}, dv[2] = {-1, -1};
	if (s)
		s->pending = calloc((size_t)d->cfg.max_inflight + 1, sizeof(json_t *));
	/* hild's end never blocks: a worker busy with a long run must not
	 * stall the loop when a client's requests fill the socket. */
	if (!s || !s->pending || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
	    fcntl(sv[0], F_SETFL, O_NONBLOCK) != 0 ||
	    (direct && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, dv) != 0)) {
		client_reply_error(owner, open_id, "internal", "out of memory or descriptors");
		client_done(owner);
		for (int i = 0; i < 2; i++) {
			if (sv[i] >= 0)
				close(sv[i]);
			if (dv[i] >= 0)
				close(dv[i]);
		}
		if (s)
			free(s->pending);
		free(s);
		boards_release(d, b, NULL);
		return NULL;
	}
	s->direct = direct;
	s->data_fd = dv[0];
	s->d = d;
	s->b = b;
	s->owner = owner;
	snprintf(s->who, sizeof(s->who), "%s", client_who(owner));
	s->open_id = json_incref(open_id);
	/* The log is made here, new (O_EXCL), never through a link, and handed
	 * to the worker open: an id whose file exists (kept from an earlier
	 * run, or put there) is passed over, never overwritten. */
	int logfd = -1;
	for (int tries = 0; logfd < 0 && tries < 1000; tries++) {
		s->id = ++d->next_session;
		snprintf(s->log, sizeof(s->log), "%s/sessions/%lu-%s.hlog", d->cfg.state,
			 s->id, board_name(b));
		logfd = open(s->log, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			     0640);
		if (logfd < 0 && errno != EEXIST)
			break;
	}
	/* The worker then stops at once; its owner is told this. */
	if (logfd < 0)
		snprintf(s->fatal, sizeof(s->fatal), "cannot make the session log %.300s: %s",
			 s->log, strerror(errno));
	const char *bit = board_bitstream(b);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		/* A worker never outlives hild: with a board it would hold the
		 * USB device, and nobody would end its lease. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(127);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (logfd < 0 || dup2(sv[1], 3) != 3 || (direct && dup2(dv[1], 4) != 4) ||
		    dup2(logfd, 5) != 5)
			_exit(127);
		const char *params = board_params(b);
		execl(d->self, d->self, "--worker", board_uri(b), "/dev/fd/5", bit ? bit : "-",
		      direct ? "direct" : "-", params[0] ? params : "-",
		      board_internals(b) ? "internals" : "-", (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	if (dv[1] >= 0)
		close(dv[1]);
	if (logfd >= 0)
		close(logfd);
	if (pid < 0 ||
	    !(s->w = stream_new(d, sv[0], d->cfg.max_msg, d->cfg.max_out, on_msg,
				on_worker_close, s))) {
		close(sv[0]);
		if (s->data_fd >= 0)
			close(s->data_fd);
		client_reply_error(owner, open_id, "internal", "cannot start a worker");
		client_done(owner);
		json_decref(s->open_id);
		free(s->pending);
		free(s);
		if (pid > 0)
			kill(pid, SIGKILL);
		boards_release(d, b, NULL);
		return NULL;
	}
	s->pid = pid;
	stream_on_drain(s->w, on_worker_drain);
	boards_set_session(b, s);
	client_set_session(owner, s);
	session_touch(s);
	s->idle_timer = hil_reactor_timer(d->r, d->cfg.lease_idle_s * 1000, idle_check, s);
	s->next = d->sessions;
	d->sessions = s;
	return s;
}

int session_is_direct(const struct session *s)
{
	return s->direct;
}

int session_carries(const struct session *s, const char *topic)
{
	const char *name = board_name(s->b);
	size_t n = strlen(name);
	return s->direct && !strncmp(topic, "board/", 6) && !strncmp(topic + 6, name, n) &&
		topic[6 + n] == '/';
}

int session_forward(struct session *s, json_t *id, const char *msg, size_t n)
{
	if (s->ending || !s->w || stream_send(s->w, msg, n) < 0)
		return -1;
	pend_push(s, id);
	/* A worker busy with a long run reads nothing: its owner's requests
	 * wait in the owner's socket, not in hild past --max-out. */
	if (s->owner && stream_queued(s->w) + 4 + s->d->cfg.max_msg > s->d->cfg.max_out)
		client_hold(s->owner, 1);
	return 0;
}

void session_end(struct session *s, const char *reason)
{
	if (s->ending)
		return;
	s->ending = 1;
	struct client *o = s->owner;
	char msg[640];
	snprintf(msg, sizeof(msg), "the session ended: %s", reason);
	if (o) {
		if (s->open_id) {
			client_reply_error(o, s->open_id, "open_failed",
					   s->fatal[0] ? s->fatal : msg);
			client_done(o);
		}
		for (json_t *id; (id = pend_pop(s));) {
			client_reply_error(o, id, "session_ended", msg);
			client_done(o);
			json_decref(id);
		}
		client_set_session(o, NULL);
		client_hold(o, 0);
		if (!s->direct)
			topics_unsubscribe(s->d, o, s->sub);
	}
	if (s->data_fd >= 0)
		close(s->data_fd);
	s->data_fd = -1;
	for (json_t *id; (id = pend_pop(s));)
		json_decref(id);
	json_decref(s->open_id);
	s->open_id = NULL;
	s->owner = NULL;
	if (s->ready)
		publish(s, "session",
			json_pack("{s:s,s:I,s:s}", "state", "closed", "session",
				  (json_int_t)s->id, "reason", reason));
	hild_log("session %lu on %s ended: %s", s->id, board_name(s->b), reason);
	if (s->idle_timer)
		hil_reactor_cancel(s->d->r, s->idle_timer);
	s->idle_timer = 0;
	/* A direct owner hears why from the worker, which passes this on. */
	if (s->direct && s->w) {
		json_t *j = json_pack("{s:s}", "end", reason);
		char *t = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (t)
			stream_last_words(s->w, t, strlen(t));
		free(t);
	}
	stream_free(s->w);
	s->w = NULL;
	boards_mark_resetting(s->b);
	s->kill_timer = hil_reactor_timer(s->d->r, KILL_AFTER_MS, kill_worker, s);
}

int session_reaped(struct hild *d, pid_t pid, int status)
{
	struct session **p = &d->sessions;
	while (*p && (*p)->pid != pid)
		p = &(*p)->next;
	if (!*p)
		return 0;
	struct session *s = *p;
	*p = s->next;
	if (!s->ending)
		session_end(s, s->fatal[0] ? s->fatal : "the session's worker exited");
	if (s->kill_timer)
		hil_reactor_cancel(d->r, s->kill_timer);
	/* Exit 3: the board's link failed; 4: the target could not be opened. */
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	const char *off = NULL;
	char why[640];
	if (!board_is_sim(s->b) && (code == 3 || code == 4 || (code < 0 && !s->killed))) {
		snprintf(why, sizeof(why), "%s",
			 s->fatal[0]        ? s->fatal
				 : code < 0 ? "its worker was killed"
					    : "its link failed");
		off = why;
	}
	boards_release(d, s->b, off);
	free(s->pending);
	free(s);
	return 1;
}

void sessions_stop_all(struct hild *d)
{
	for (struct session *s = d->sessions; s; s = s->next)
		session_end(s, "hild is stopping");
	/* The workers close their targets (a sim model exits with them);
	 * give them a moment, as the kill timer would. */
	uint64_t until = hil_reactor_now_ms() + KILL_AFTER_MS;
	while (d->sessions) {
		struct session *s = d->sessions;
		int st;
		pid_t got = waitpid(s->pid, &st, WNOHANG);
		if (got == 0 && hil_reactor_now_ms() < until) {
			usleep(10000);
			continue;
		}
		if (got == 0) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &st, 0);
		}
		d->sessions = s->next;
		if (s->kill_timer)
			hil_reactor_cancel(d->r, s->kill_timer);
		free(s->pending);
		free(s);
	}
}
