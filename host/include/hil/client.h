/* A blocking client of hild's protocol (docs/client-protocol.md), for
 * libhil's hild: targets and the CLI's daemon commands. Requests carry
 * ids this client numbers; a reply for another id than the one awaited
 * is kept until asked for, and events go to a callback as they come.
 * Requests sent with hil_client_send_async are not waited for: their replies
 * are consumed as they arrive, the first error kept for hil_client_error. */
#ifndef HIL_CLIENT_H
#define HIL_CLIENT_H

#include <jansson.h>
#include <stddef.h>

struct hil_client;

typedef void (*hil_client_event_fn)(void *user, long sub, const char *topic, json_t *event);

/* `where`: a socket path, "tls:HOST:PORT" (TLS: tlsc.h) or "tcp:HOST:PORT"
 * (plain, for a hild on loopback) (over TCP the token comes from
 * $HIL_TOKEN_FILE), or NULL for $HIL_HILD or the default socket. */
struct hil_client *hil_client_connect(const char *where, const char *client, char *err,
				      size_t errlen);
void hil_client_close(struct hil_client *c);
/* Is `where` a TCP address (tcp: or tls:)? Only a Unix socket passes
 * descriptors, so only there can a session be direct. */
int hil_client_over_tcp(const char *where);
/* A client on a connected socket with no handshake: a direct session's
 * data socket, whose peer (for messages) is `peer`. Takes fd. */
struct hil_client *hil_client_adopt(int fd, const char *peer);
/* The descriptor the last message that carried one passed (a direct
 * session's open reply), now the caller's; -1 if none. */
int hil_client_take_fd(struct hil_client *c);
void hil_client_on_event(struct hil_client *c, hil_client_event_fn fn, void *user);
/* Where a default hild listens: $HIL_HILD, else a hild of the user's own
 * ($XDG_RUNTIME_DIR/hil/hild.sock) if one has its socket there, else
 * /run/hil/hild.sock. */
void hil_client_default(char *buf, size_t n);

/* Sends req (taking the reference) and waits for its reply: the "ok"
 * object (a new reference), or NULL with "code: message" in err. */
json_t *hil_client_call(struct hil_client *c, json_t *req, char *err, size_t errlen);
/* Sends req without waiting; -1 if the connection is gone. */
int hil_client_send_async(struct hil_client *c, json_t *req);
/* Waits until every async reply is in; -1 with the first error. */
int hil_client_flush(struct hil_client *c, char *err, size_t errlen);

#endif
