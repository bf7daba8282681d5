/* hild, the daemon: one event loop (reactor.c) owns the listening
 * sockets, every client connection, every session's worker and every job
 * runner. The layers, one file each:
 *   stream.c   a connection object: moves bytes, bounded both ways
 *   frames.c   the protocol object: length-prefixed JSON messages
 *   client.c   a client: handshake, token, requests in flight, events
 *   ops.c      the operations clients ask for (docs/client-protocol.md)
 *   boards.c   the board table, the FIFO of waiters, leases
 *   session.c  a lease's worker process, requests to it, its events
 *   topics.c   subscriptions with wildcards, publishing
 *   jobs.c     the job queue and results on disk, job runners
 *   retention.c  removes old finished jobs and session logs
 *   worker.c   (child process) runs one session through libhil
 *   jobrun.c   (child process) runs one job, writes its result
 * A session's board link lives in its worker process, so a board whose
 * USB stack hangs or crashes costs that session and nothing else. */
#ifndef HILD_HILD_H
#define HILD_HILD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "reactor.h"

#define HILD_PROTOCOL 1
/* A user's name as hild keeps it: "uid:N", "cert:CN" or "tcp". */
#define HILD_WHO 80

struct hild_config {
	const char *socket_path;
	const char *group;              /* the socket's group, or NULL to keep ours */
	const char *admin_group;        /* its members see everyone's jobs and events */
	const char *tcp;                /* [ADDR:]PORT to listen on too, or NULL */
	const char *token_file;         /* what TCP clients must present */
	int tcp_plain;                  /* TCP without TLS (loopback only) */
	const char *tls_cert, *tls_key; /* TLS on TCP: the server's */
	const char *tls_client_ca;      /* and the CA client certificates must come from */
	const char *config;             /* the boards file */
	const char *state;              /* jobs and session logs */
	int max_clients;
	int max_tcp;           /* of those, over TCP */
	int max_unix;          /* and over the Unix socket */
	int max_subs;          /* subscriptions of one client */
	long handshake_s;      /* a TCP client not through its handshake by then goes */
	int max_inflight;      /* requests of one client awaiting replies */
	int max_sims;          /* simulator sessions at once */
	long max_events;       /* events queued for one subscriber */
	long lease_idle_s;     /* a lease whose owner is silent this long ends */
	long keep_jobs;        /* finished jobs held in memory (the rest on disk) */
	long max_user_jobs;    /* one user's queued and running jobs */
	size_t max_user_bytes; /* and their scripts' bytes */
	long max_user_unread;  /* one user's finished jobs it has not read */
	long idle_s;           /* a client holding nothing, silent this long, goes */
	long keep_days;        /* finished, read jobs and old logs go after this */
	long keep_mb;          /* or, oldest first, when they take more */
	size_t max_msg;        /* the largest message either way */
	size_t max_out;        /* bytes queued for one client before it is dropped */
};

struct stream;
struct client;
struct board;
struct session;
struct waiter;
struct job;
struct sub;

struct hild {
	struct hild_config cfg;
	struct hil_reactor *r;
	int lfd, tfd;
	gid_t admin_gid; /* (gid_t)-1: no admin group */
	void *tls;       /* the TLS context (an SSL_CTX), or NULL */
	dev_t sock_dev;  /* the socket file we made, to remove only that */
	ino_t sock_ino;
	char token[256];
	char hil_path[4096]; /* the hil CLI that job runners run */
	char self[4096];     /* this hild, for workers and runners */
	int max_fds;
	struct client **clients; /* by descriptor */
	int nclients, ntcp;
	unsigned long accepted, dropped, next_client;

	struct board *boards; /* configured and on-demand sim boards */
	int nsims;
	unsigned long next_sim, next_session, next_sub;
	struct waiter *wait_head, *wait_tail;
	unsigned long wait_seq;
	struct session *sessions;
	struct sub *subs;
	struct job *jobs;
	unsigned long next_job;
	uint64_t sweep_timer; /* a retention sweep is due */
	int stopping;
};

/* stream.c: bytes in and out of one descriptor. on_msg gets each whole
 * message (frames.c does the framing) and returns 0, -1 to end the
 * stream, or 1 after pausing it (the rest waits in the stream until
 * stream_pause(s, 0)); on_close runs once when the stream ends for any
 * other reason. */
typedef int (*stream_msg_fn)(void *owner, const char *msg, size_t n);
typedef void (*stream_close_fn)(void *owner, const char *why);
struct stream *stream_new(struct hild *d, int fd, size_t max_msg, size_t max_out,
			  stream_msg_fn on_msg, stream_close_fn on_close, void *owner);
/* Queues one message; -1 (and the stream is marked to end) if it does not
 * fit in what may be queued. */
int stream_send(struct stream *s, const char *msg, size_t n);
/* The same, passing descriptor fd (SCM_RIGHTS) with the message's first
 * byte; the stream owns fd from then on, sent or not. One at a time. */
int stream_send_fd(struct stream *s, const char *msg, size_t n, int fd);
/* Queues msg and writes what the socket takes now, for a stream about to
 * be freed. */
void stream_last_words(struct stream *s, const char *msg, size_t n);
/* From now on its bytes go through TLS connection tls (tls.c), which the
 * stream frees with itself. */
void stream_use_tls(struct stream *s, void *tls);
/* A new limit for the messages it takes (the limit before and after a
 * client's handshake). */
void stream_set_max_msg(struct stream *s, size_t max_msg);
/* Serialises j (and drops the reference). */
int stream_send_json(struct stream *s, json_t *j);
size_t stream_queued(const struct stream *s);
void stream_pause(struct stream *s, int paused);
/* fn runs whenever everything queued has been written. */
void stream_on_drain(struct stream *s, void (*fn)(void *owner));
/* Sends what is queued, then ends (on_close runs). */
void stream_close_after(struct stream *s);
/* Ends now, without on_close. */
void stream_free(struct stream *s);

/* frames.c: takes every whole frame from buf (stopping after one whose
 * on_msg returns 1); returns the bytes used, or -1 with a reason in why
 * on a frame that breaks the rules. */
long frames_take(const uint8_t *buf, size_t len, size_t max_msg,
		 int (*on_msg)(void *owner, const char *msg, size_t n), void *owner,
		 const char **why);
/* A frame header for n bytes. */
void frames_head(uint8_t head[4], size_t n);

/* tls.c: TLS on TCP (OpenSSL). The reads and writes act as read(2) and
 * write(2) do on a non-blocking socket (-1 with errno EAGAIN: wait), and
 * set *wants to what they wait for (HIL_TLS_WANTS_*, tlsc.h): a read may
 * need to write first (its handshake), a write to read. */
int tls_setup(struct hild *d, char *err, size_t errlen);
void tls_cleanup(struct hild *d);
void *tls_accept(struct hild *d, int fd);
ssize_t tls_read(void *t, void *buf, size_t n, int *wants);
ssize_t tls_write(void *t, const void *buf, size_t n, int *wants);
/* Is its handshake done (can it be sent anything)? */
int tls_ready(void *t);
/* Bytes TLS has decrypted that the socket no longer shows. */
size_t tls_pending(void *t);
/* The common name of the client's verified certificate. */
int tls_peer_name(void *t, char *buf, size_t n);
void tls_free(void *t);

/* listen.c */
int hild_listen(struct hild *d, char *err, size_t errlen);
void hild_unlisten(struct hild *d);

/* client.c */
struct client *client_new(struct hild *d, int fd, int tcp);
void client_free(struct client *c, const char *why);
unsigned long client_id(const struct client *c);
const char *client_name(const struct client *c);
/* The client's user: "uid:N" over the Unix socket; over TCP "cert:CN"
 * with a client certificate, else "tcp". */
const char *client_who(const struct client *c);
/* May it see what belongs to owner (a client_who)? Its own, or, for an
 * admin (root, hild's user, --admin-group), everyone's. */
int client_may_see(const struct client *c, const char *owner);
int client_reply_ok(struct client *c, json_t *id, json_t *result);
int client_reply_error(struct client *c, json_t *id, const char *code, const char *msg);
/* A reply carrying descriptor fd (which it takes), for a direct session. */
int client_reply_ok_fd(struct client *c, json_t *id, json_t *result, int fd);
int client_is_tcp(const struct client *c);
/* Sends a reply a worker wrote (raw JSON text). */
int client_reply_raw(struct client *c, const char *msg, size_t n);
/* One event to subscription sub; `body` is `"topic":...,"event":...}`. */
void client_event(struct client *c, unsigned long sub, const char *body, size_t n);
/* The client has this many events queued: its session's worker waits. */
int client_backlogged(const struct client *c);
/* A request that got its reply late (a session op, an open, a job wait). */
void client_done(struct client *c);
/* Its subscriptions, counted as topics.c makes and drops them. */
int client_subs(const struct client *c);
void client_count_subs(struct client *c, int delta);
/* Stops (1) or resumes (0) reading the client: its worker is behind. */
void client_hold(struct client *c, int held);
struct session *client_session(struct client *c);
void client_set_session(struct client *c, struct session *s);
struct waiter *client_waiter(struct client *c);
void client_set_waiter(struct client *c, struct waiter *w);
void hild_close_all(struct hild *d);

/* ops.c: one request; returns 1 when the reply comes later (client_done
 * then), 0 when answered, -1 to end the connection. */
int ops_request(struct hild *d, struct client *c, json_t *req);
/* An op a session's worker carries out. */
int ops_is_session_op(const char *op);

/* boards.c */
struct board *boards_find(struct hild *d, const char *name);
int boards_load(struct hild *d, char *err, size_t errlen);
json_t *boards_list(struct hild *d);
/* Queues a client's open (board name, type, or sim DUT directory). */
int boards_wait(struct hild *d, struct client *c, json_t *id, json_t *req, char *err,
		size_t errlen);
int boards_wait_job(struct hild *d, struct job *j);
void boards_unwait(struct hild *d, struct waiter *w);
/* The same, answering the open that waited. */
void boards_cancel_wait(struct hild *d, struct waiter *w);
/* Grants free boards to waiters, first come first served. */
void boards_dispatch(struct hild *d);
/* A lease ended and its worker or runner is gone: the board is free
 * again (or offline, if `offline_why`), an on-demand sim board goes. */
void boards_release(struct hild *d, struct board *b, const char *offline_why);
const char *board_name(const struct board *b);
const char *board_uri(const struct board *b);
const char *board_bitstream(const struct board *b);
/* An on-demand sim's parameter overrides ("" for none). */
const char *board_params(const struct board *b);
/* Is the on-demand sim's model built for reading signals inside the DUT? */
int board_internals(const struct board *b);
int board_is_sim(const struct board *b);
void boards_set_job(struct board *b, struct job *j);
/* A sim job whose runner outlived the last hild: its board (named as that
 * hild named it) is back, and counts against --max-sims until it ends. */
int boards_adopt_sim(struct hild *d, struct job *j, const char *name, const char *dut);
void boards_set_session(struct board *b, struct session *s);
/* The lease ended; the worker or runner is on its way out. */
void boards_mark_resetting(struct board *b);
/* From now on free boards on USB or serial devices are looked for every
 * two seconds, and go offline and come back as they are unplugged and
 * plugged in. */
void boards_watch_presence(struct hild *d);
void boards_free(struct hild *d);

/* session.c */
struct session *session_start(struct hild *d, struct board *b, struct client *owner,
			      json_t *open_id, int direct);
int session_is_direct(const struct session *s);
/* A direct session's worker sends its owner this topic's events itself. */
int session_carries(const struct session *s, const char *topic);
/* A session op from its owner, passed on to the worker. */
int session_forward(struct session *s, json_t *id, const char *msg, size_t n);
void session_end(struct session *s, const char *reason);
/* SIGCHLD: the worker exited. Returns 1 if pid was a worker. */
int session_reaped(struct hild *d, pid_t pid, int status);
void session_touch(struct session *s);
/* The owner has read its backlog: the worker may go on. */
void session_resume(struct session *s);
/* At start: session ids go on past every log in STATE/sessions. */
void sessions_resume_ids(struct hild *d);
/* Is this entry of STATE/sessions the log of a session still open? */
int sessions_log_live(struct hild *d, const char *name);
/* At exit: ends every session and waits for the workers. */
void sessions_stop_all(struct hild *d);
unsigned long session_id(const struct session *s);

/* topics.c */
int topic_match(const char *pattern, const char *topic);
int topic_valid_pattern(const char *pattern);
unsigned long topics_subscribe(struct hild *d, struct client *c, const char *pattern);
int topics_unsubscribe(struct hild *d, struct client *c, unsigned long id);
void topics_drop_client(struct hild *d, struct client *c);
/* Publishes event (reference dropped) on topic to every matching sub
 * that may see what owner (a client_who; NULL: everyone) owns. */
void topics_publish(struct hild *d, const char *topic, json_t *event, const char *owner);

/* jobs.c */
int jobs_load(struct hild *d, char *err, size_t errlen);
/* A job for client c (its owner); on failure *code is the error's code
 * (bad_request, limit or storage) and err says why. */
int jobs_submit(struct hild *d, struct client *c, json_t *req, unsigned long *id,
		const char **code, char *err, size_t errlen);
/* c's jobs (an admin's: all) older than `before` (0: all), newest first,
 * at most limit of them and half of --max-msg in bytes; "more" says
 * whether a next page exists. */
json_t *jobs_list(struct hild *d, struct client *c, unsigned long before, size_t limit);
json_t *jobs_result(struct hild *d, struct client *c, unsigned long id, char *err,
		    size_t errlen);
/* Answers once the job has finished; 1 if the reply comes later. */
int jobs_wait(struct hild *d, struct client *c, json_t *id, unsigned long job);
void jobs_drop_client(struct hild *d, struct client *c);
void jobs_start(struct hild *d, struct job *j, struct board *b);
int jobs_reaped(struct hild *d, pid_t pid, int status);
/* What the job asked for: kind is "board", "type" or "sim". */
const char *job_target(const struct job *j, char *kind, size_t kindlen);
unsigned long job_id(const struct job *j);
/* Retention removed the job's directory: memory lets it go too. */
void jobs_forget(struct hild *d, unsigned long id);
void jobs_free(struct hild *d);

/* retention.c: one sweep now, then one every ten minutes. */
void retention_start(struct hild *d);
void retention_sweep(struct hild *d);
/* One sweep once the loop comes round (a job has finished). */
void retention_soon(struct hild *d);

/* worker.c, jobrun.c: the child processes' mains. */
int worker_main(int argc, char **argv);
int jobrun_main(int argc, char **argv);

void hild_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
