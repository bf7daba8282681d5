/* The operations of hild's client protocol (docs/client-protocol.md).
 * Those a session's worker carries out are passed to it as they came;
 * the rest are answered here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hild.h"

static const char *const session_ops[] = {"poke",    "peek", "step", "run", "advance", "watch",
					  "unwatch", "wait", "sync", "now", "stats"};

int ops_is_session_op(const char *op)
{
	for (size_t i = 0; i < sizeof(session_ops) / sizeof(session_ops[0]); i++)
		if (!strcmp(op, session_ops[i]))
			return 1;
	return 0;
}

static int job_arg(struct client *c, json_t *id, json_t *req, unsigned long *job)
{
	json_t *j = json_object_get(req, "job");
	if (!json_is_integer(j) || json_integer_value(j) < 1) {
		client_reply_error(c, id, "bad_request", "\"job\" must be a job id");
		return -1;
	}
	*job = (unsigned long)json_integer_value(j);
	return 0;
}

int ops_request(struct hild *d, struct client *c, json_t *req)
{
	json_t *id = json_object_get(req, "id");
	const char *op = json_string_value(json_object_get(req, "op"));
	char err[1024];
	unsigned long job;
	if (!op)
		return client_reply_error(c, id, "bad_request",
					  "a request needs \"op\", a string");
	if (!strcmp(op, "ping"))
		return client_reply_ok(c, id, NULL);
	if (!strcmp(op, "boards"))
		return client_reply_ok(c, id, boards_list(d));
	if (!strcmp(op, "open")) {
		if (client_session(c) || client_waiter(c))
			return client_reply_error(c, id, "busy_client",
						  "this connection "
						  "has a session (or waits for one) already: "
						  "close it, or open another connection");
		json_t *direct = json_object_get(req, "direct");
		if (direct && !json_is_boolean(direct))
			return client_reply_error(c, id, "bad_arg",
						  "\"direct\" must be true "
						  "or false");
		if (json_is_true(direct) && client_is_tcp(c))
			return client_reply_error(
				c, id, "bad_arg",
				"a direct session needs "
				"hild's Unix socket (its data socket is passed "
				"as a descriptor); over TCP open without "
				"\"direct\"");
		if (boards_wait(d, c, id, req, err, sizeof(err)) < 0)
			return client_reply_error(c, id, "no_board", err);
		return 1;
	}
	if (!strcmp(op, "close")) {
		if (client_waiter(c)) {
			boards_cancel_wait(d, client_waiter(c));
			return client_reply_ok(c, id, json_pack("{s:s}", "closed", "queue"));
		}
		if (!client_session(c))
			return client_reply_error(c, id, "no_session", "no session to close");
		session_end(client_session(c), "closed by its owner");
		return client_reply_ok(c, id, json_pack("{s:s}", "closed", "session"));
	}
	if (ops_is_session_op(op)) {
		struct session *s = client_session(c);
		if (!s)
			return client_reply_error(c, id, "no_session",
						  "open a session first "
						  "(op \"open\")");
		if (session_is_direct(s))
			return client_reply_error(c, id, "bad_request",
						  "this session is "
						  "direct: send its operations on the socket "
						  "its open reply passed");
		char *text = json_dumps(req, JSON_COMPACT);
		int rc = text ? session_forward(s, id, text, strlen(text)) : -1;
		free(text);
		if (rc < 0)
			return client_reply_error(c, id, "session_ended",
						  "the session is ending");
		return 1;
	}
	if (!strcmp(op, "subscribe") || !strcmp(op, "monitor")) {
		const char *t = json_string_value(json_object_get(req, "topic"));
		const char *b = json_string_value(json_object_get(req, "board"));
		char pattern[128];
		if (!strcmp(op, "monitor")) {
			if (!b || !boards_find(d, b))
				return client_reply_error(
					c, id, "no_board",
					"monitor: \"board\" "
					"must name a board hil boards lists");
			snprintf(pattern, sizeof(pattern), "board/%s/#", b);
			t = pattern;
		}
		if (!t || !topic_valid_pattern(t))
			return client_reply_error(c, id, "bad_request",
						  "\"topic\" must be a "
						  "topic such as board/NAME/port/PORT, with * "
						  "for one segment and a final # for any");
		if (client_subs(c) >= d->cfg.max_subs) {
			char msg[160];
			snprintf(msg, sizeof(msg),
				 "this connection has %d subscriptions, its "
				 "limit (hild --max-subs): unsubscribe from some first",
				 client_subs(c));
			return client_reply_error(c, id, "limit", msg);
		}
		unsigned long sub = topics_subscribe(d, c, t);
		if (!sub)
			return client_reply_error(c, id, "internal", "out of memory");
		return client_reply_ok(
			c, id, json_pack("{s:I,s:s}", "sub", (json_int_t)sub, "topic", t));
	}
	if (!strcmp(op, "unsubscribe")) {
		json_t *s = json_object_get(req, "sub");
		if (!json_is_integer(s) ||
		    topics_unsubscribe(d, c, (unsigned long)json_integer_value(s)) < 0)
			return client_reply_error(c, id, "bad_request",
						  "\"sub\" must be one of "
						  "this connection's subscriptions");
		return client_reply_ok(c, id, NULL);
	}
	if (!strcmp(op, "submit")) {
		const char *code;
		if (jobs_submit(d, c, req, &job, &code, err, sizeof(err)) < 0)
			return client_reply_error(c, id, code, err);
		return client_reply_ok(c, id, json_pack("{s:I}", "job", (json_int_t)job));
	}
	if (!strcmp(op, "jobs")) {
		json_t *b = json_object_get(req, "before"), *l = json_object_get(req, "limit");
		if ((b && (!json_is_integer(b) || json_integer_value(b) < 1)) ||
		    (l && (!json_is_integer(l) || json_integer_value(l) < 1)))
			return client_reply_error(
				c, id, "bad_request",
				"\"before\" must be a job "
				"id and \"limit\" a whole number of 1 or more");
		size_t limit = l && json_integer_value(l) < 1000
			? (size_t)json_integer_value(l)
			: 1000;
		return client_reply_ok(
			c, id,
			jobs_list(d, c, b ? (unsigned long)json_integer_value(b) : 0, limit));
	}
	if (!strcmp(op, "job_wait")) {
		if (job_arg(c, id, req, &job) < 0)
			return 0;
		return jobs_wait(d, c, id, job);
	}
	if (!strcmp(op, "result")) {
		if (job_arg(c, id, req, &job) < 0)
			return 0;
		json_t *r = jobs_result(d, c, job, err, sizeof(err));
		return r ? client_reply_ok(c, id, r)
			 : client_reply_error(c, id, "no_job", err);
	}
	return client_reply_error(c, id, "unknown_op", "hild knows no such operation");
}
