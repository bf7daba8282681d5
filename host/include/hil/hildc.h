/* A blocking client of hild's protocol (docs/client-protocol.md), for
 * libhil's hild: targets and the CLI's daemon commands. Requests carry
 * ids this client numbers; a reply for another id than the one awaited
 * is kept until asked for, and events go to a callback as they come.
 * Requests sent with hildc_send_async are not waited for: their replies
 * are consumed as they arrive, the first error kept for hildc_error. */
#ifndef HIL_HILDC_H
#define HIL_HILDC_H

#include <jansson.h>
#include <stddef.h>

struct hildc;

typedef void (*hildc_event_fn)(void *user, long sub, const char *topic, json_t *event);

/* `where`: a socket path, "tls:HOST:PORT" (TLS: tlsc.h) or "tcp:HOST:PORT"
 * (plain, for a hild on loopback) (over TCP the token comes from
 * $HIL_TOKEN_FILE), or NULL for $HIL_HILD or the default socket. */
struct hildc *hildc_connect(const char *where, const char *client, char *err, size_t errlen);
void hildc_close(struct hildc *c);
/* Is `where` a TCP address (tcp: or tls:)? Only a Unix socket passes
 * descriptors, so only there can a session be direct. */
int hildc_over_tcp(const char *where);
/* A client on a connected socket with no handshake: a direct session's
 * data socket, whose peer (for messages) is `peer`. Takes fd. */
struct hildc *hildc_adopt(int fd, const char *peer);
/* The descriptor the last message that carried one passed (a direct
 * session's open reply), now the caller's; -1 if none. */
int hildc_take_fd(struct hildc *c);
void hildc_on_event(struct hildc *c, hildc_event_fn fn, void *user);
/* Where a default hild listens: $HIL_HILD, else a hild of the user's own
 * ($XDG_RUNTIME_DIR/hil/hild.sock) if one has its socket there, else
 * /run/hil/hild.sock. */
void hildc_default(char *buf, size_t n);

/* Sends req (taking the reference) and waits for its reply: the "ok"
 * object (a new reference), or NULL with "code: message" in err. */
json_t *hildc_call(struct hildc *c, json_t *req, char *err, size_t errlen);
/* Sends req without waiting; -1 if the connection is gone. */
int hildc_send_async(struct hildc *c, json_t *req);
/* Waits until every async reply is in; -1 with the first error. */
int hildc_flush(struct hildc *c, char *err, size_t errlen);

#endif
