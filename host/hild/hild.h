/* hild, the daemon: one event loop (host/src/reactor.c) that owns the
 * listening socket and every client connection. This file holds the
 * state they share; listen.c accepts, conn.c moves framed messages,
 * requests.c answers them (docs/client-protocol.md). */
#ifndef HILD_HILD_H
#define HILD_HILD_H

#include <stddef.h>
#include <stdint.h>

#include "reactor.h"

#define HILD_PROTOCOL 1

struct hild_config {
	const char *socket_path;
	const char *group;  /* the socket's group, or NULL to keep ours */
	int max_clients;
	size_t max_msg;     /* the largest message either way */
	size_t max_out;     /* bytes queued for one client before it is dropped */
};

struct conn;

struct hild {
	struct hild_config cfg;
	struct hil_reactor *r;
	int lfd;
	int max_fds;
	struct conn **conns; /* by file descriptor */
	int nclients;
	unsigned long accepted, dropped;
};

/* listen.c */
int hild_listen(struct hild *d, char *err, size_t errlen);
void hild_unlisten(struct hild *d);

/* conn.c */
struct conn *conn_new(struct hild *d, int fd);
/* Queues one message (a JSON text); drops the client if its queue would
 * pass max_out. Returns -1 if the connection is gone. */
int conn_send(struct conn *c, const char *json, size_t n);
/* Sends what is queued, then closes. */
void conn_close_after(struct conn *c);
void conn_free(struct conn *c);
int conn_fd(const struct conn *c);
int conn_greeted(const struct conn *c);
void conn_set_greeted(struct conn *c);

/* requests.c: one message from c; returns -1 to close the connection
 * (after the reply queued). */
int hild_request(struct hild *d, struct conn *c, const char *msg, size_t n);

#endif
