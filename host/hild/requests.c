/* Answers client messages (docs/client-protocol.md). The first message
 * must be the handshake; after it every request carries an id and gets
 * exactly one reply with that id. A message that is not a JSON object,
 * or a request without an id, ends the connection with an error. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "hild.h"

static int send_json(struct conn *c, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		return -1;
	int rc = conn_send(c, s, strlen(s));
	free(s);
	return rc;
}

/* An error with no request to answer: the connection ends after it. */
static int fatal(struct conn *c, const char *code, const char *msg)
{
	send_json(c, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
	return -1;
}

static int reply_error(struct conn *c, json_t *id, const char *code, const char *msg)
{
	return send_json(c, json_pack("{s:O,s:{s:s,s:s}}", "id", id, "error", "code",
				      code, "message", msg));
}

static int reply_ok(struct conn *c, json_t *id, json_t *result)
{
	return send_json(c, json_pack("{s:O,s:o}", "id", id, "ok", result));
}

static int hello(struct conn *c, json_t *m)
{
	json_t *v = json_object_get(m, "hello");
	if (!json_is_integer(v))
		return fatal(c, "handshake", "the first message must be "
			     "{\"hello\": 1, \"client\": NAME}");
	if (json_integer_value(v) != HILD_PROTOCOL) {
		char msg[160];
		snprintf(msg, sizeof(msg), "this hild speaks protocol %d, the client "
			 "%lld: use a hil and hild of the same release", HILD_PROTOCOL,
			 (long long)json_integer_value(v));
		return fatal(c, "version", msg);
	}
	conn_set_greeted(c);
	return send_json(c, json_pack("{s:i,s:s}", "hello", HILD_PROTOCOL, "server", "hild"));
}

int hild_request(struct hild *d, struct conn *c, const char *msg, size_t n)
{
	(void)d;
	json_error_t e;
	json_t *m = json_loadb(msg, n, JSON_REJECT_DUPLICATES, &e);
	if (!json_is_object(m)) {
		json_decref(m);
		return fatal(c, "bad_frame", "a message must be one JSON object");
	}
	int rc;
	if (!conn_greeted(c)) {
		rc = hello(c, m);
		json_decref(m);
		return rc;
	}
	json_t *id = json_object_get(m, "id");
	const char *op = json_string_value(json_object_get(m, "op"));
	if (!json_is_integer(id) || json_integer_value(id) < 0) {
		json_decref(m);
		return fatal(c, "bad_frame", "a request needs \"id\", a whole number "
			     "of 0 or more, which its reply will carry");
	}
	if (!op)
		rc = reply_error(c, id, "bad_request", "a request needs \"op\", a string");
	else if (!strcmp(op, "ping"))
		rc = reply_ok(c, id, json_object());
	else
		rc = reply_error(c, id, "unknown_op", "hild knows no such operation");
	json_decref(m);
	return rc < 0 ? -1 : 0;
}
