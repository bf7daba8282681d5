/* The session backend of hild: targets. "hild:BOARD", "hild:type=T" or
 * "hild:sim:DIR" opens a session through the daemon
 * (docs/client-protocol.md) and each libhil call becomes a request of
 * that session: pokes wait in the client and ride with the next request
 * ("pokes" on it), everything else waits, and watch reports come back as
 * the session's events, in cycle order, before the reply of the call
 * during which they happened. The daemon records the session log; with
 * hil_options.record the client keeps its own as well. Over hild's Unix
 * socket the session is direct: its requests go to the session's worker
 * on the socket the open reply passed, not through the daemon. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hil/script.h"
#include "session/session.h"
#include "hil/client.h"
#include "util/errfmt.h"

struct hil_remote {
	struct hil_client *c;    /* hild: the lease */
	struct hil_client *data; /* the session's requests: the worker's socket, or c */
	hil_t *h;
	char prefix[128];  /* board/NAME/port/ */
	char session[128]; /* board/NAME/session */
	char ended[512];   /* why the lease ended, once the worker says */
	json_t *pokes;     /* waiting for the next request */
};

/* Past this many waiting pokes they go as a request of their own. */
#define MAX_WAITING_POKES 256

static int status_of(const char *err)
{
	static const struct {
		const char *code;
		int status;
	} map[] = {{"bad_arg", HIL_E_ARG},
		   {"bridge", HIL_E_BRIDGE},
		   {"full", HIL_E_FULL},
		   {"record", HIL_E_RECORD},
		   {"bad_request", HIL_E_ARG}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strncmp(err, map[i].code, strlen(map[i].code)) &&
		    err[strlen(map[i].code)] == ':')
			return map[i].status;
	return HIL_E_LINK;
}

static void on_event(void *user, long sub, const char *topic, json_t *event)
{
	(void)sub;
	struct hil_remote *r = user;
	hil_t *h = r->h;
	size_t n = strlen(r->prefix);
	const char *reason = json_string_value(json_object_get(event, "reason"));
	if (topic && reason && !strcmp(topic, r->session))
		snprintf(r->ended, sizeof(r->ended), "%s", reason);
	if (!topic || strncmp(topic, r->prefix, n))
		return;
	int port = hil_ports_find(&h->ports, topic + n);
	const char *v = json_string_value(json_object_get(event, "value"));
	json_t *cy = json_object_get(event, "cycle");
	uint8_t val[HIL_MAX_PORT_BYTES];
	char why[128];
	if (port < 0 || !v || !json_is_integer(cy) ||
	    hil_value_parse(v, h->ports.port[port].width, val, h->ports.port[port].nbytes, why,
			    sizeof(why)) < 0)
		return;
	uint64_t cycle = (uint64_t)json_integer_value(cy);
	hil_log_put(&h->log, HIL_LOG_REPORT, cycle, port, val);
	if (h->watch && h->watch[port].fn)
		h->watch[port].fn(h->watch[port].user, port, cycle, val);
}

/* One request and its reply, carrying the waiting pokes; also reports an
 * earlier poke that failed. */
static json_t *call(hil_t *h, json_t *req, int *rc)
{
	char err[600];
	if (h->remote->pokes) {
		json_object_set_new(req, "pokes", h->remote->pokes);
		h->remote->pokes = NULL;
	}
	json_t *ok = hil_client_call(h->remote->data, req, err, sizeof(err));
	json_t *perr = json_object_get(ok, "poke_error");
	if (perr) {
		const char *code = json_string_value(json_object_get(perr, "code"));
		const char *msg = json_string_value(json_object_get(perr, "message"));
		hil_fail(err, sizeof(err), "%s: %s", code ? code : "error", msg ? msg : "");
		json_decref(ok);
		ok = NULL;
	}
	if (ok && hil_client_flush(h->remote->data, err, sizeof(err)) < 0) {
		json_decref(ok);
		ok = NULL;
	}
	if (!ok && h->remote->ended[0])
		*rc = hil_seterr(h, HIL_E_LINK, "hild: the session ended: %s",
				 h->remote->ended);
	else if (!ok)
		*rc = hil_seterr(h, status_of(err), "hild: %s", err);
	return ok;
}

static json_t *value(const hil_t *h, int port, const uint8_t *val)
{
	char hex[3 + HIL_MAX_PORT_WIDTH / 4 + 1];
	hil_value_format(val, h->ports.port[port].width, hex);
	return json_string(hex);
}

static int remote_poke_at(hil_t *h, int port, uint64_t cycle, const uint8_t *val)
{
	struct hil_remote *r = h->remote;
	json_t *p = json_pack("{s:s,s:o,s:I}", "port", h->ports.port[port].name, "value",
			      value(h, port, val), "at", (json_int_t)cycle);
	if (!r->pokes)
		r->pokes = json_array();
	if (!p || !r->pokes || json_array_append_new(r->pokes, p) < 0)
		return hil_seterr(h, HIL_E_LINK, "out of memory");
	if (json_array_size(r->pokes) < MAX_WAITING_POKES)
		return HIL_OK;
	json_t *req = json_pack("{s:s,s:o}", "op", "now", "pokes", r->pokes);
	r->pokes = NULL;
	char err[600];
	if (hil_client_send_async(r->data, req) < 0) {
		hil_client_flush(r->data, err, sizeof(err));
		return hil_seterr(h, HIL_E_LINK, "hild: %s", err);
	}
	return HIL_OK;
}

static int remote_peek(hil_t *h, int port, uint8_t *val)
{
	int rc = HIL_OK;
	json_t *ok =
		call(h, json_pack("{s:s,s:s}", "op", "peek", "port", h->ports.port[port].name),
		     &rc);
	if (!ok)
		return rc;
	const char *v = json_string_value(json_object_get(ok, "value"));
	char why[128];
	if (!v ||
	    hil_value_parse(v, h->ports.port[port].width, val, h->ports.port[port].nbytes, why,
			    sizeof(why)) < 0)
		rc = hil_seterr(h, HIL_E_LINK, "hild sent a peek reply without a valid value");
	json_decref(ok);
	return rc;
}

static int remote_signal(hil_t *h, const char *name, uint8_t *val, unsigned *width)
{
	int rc = HIL_OK;
	json_t *ok = call(h, json_pack("{s:s,s:s}", "op", "peek", "signal", name), &rc);
	if (!ok)
		return rc;
	const char *v = json_string_value(json_object_get(ok, "value"));
	json_int_t w = json_integer_value(json_object_get(ok, "width"));
	char why[128];
	if (!v || w < 1 || w > HIL_MAX_PORT_WIDTH ||
	    hil_value_parse(v, (unsigned)w, val, HIL_MAX_PORT_BYTES, why, sizeof(why)) < 0)
		rc = hil_seterr(h, HIL_E_LINK,
				"hild sent a signal's peek reply without a valid value");
	else
		*width = (unsigned)w;
	json_decref(ok);
	return rc;
}

/* A break ends hild's run with an error, so *broke stays 0. hild reads
 * ports after the run, as a peek would: k is 0. */
static int remote_run(hil_t *h, uint64_t target, int *broke, size_t k, const int *ports,
		      uint8_t *vals)
{
	int rc = HIL_OK;
	(void)k, (void)ports, (void)vals;
	*broke = 0;
	json_decref(call(h, json_pack("{s:s,s:I}", "op", "run", "until", (json_int_t)target),
			 &rc));
	if (rc == HIL_OK)
		h->now = target;
	return rc;
}

static int remote_watch(hil_t *h, int port, int on)
{
	int rc = HIL_OK;
	json_decref(call(h,
			 json_pack("{s:s,s:s}", "op", on ? "watch" : "unwatch", "port",
				   h->ports.port[port].name),
			 &rc));
	return rc;
}

static int remote_wait(hil_t *h, int port, int ne, const uint8_t *val, const uint8_t *mask,
		       uint64_t timeout, uint64_t *at)
{
	int rc = HIL_OK;
	json_t *ok = call(h,
			  json_pack("{s:s,s:s,s:s,s:o,s:o,s:I}", "op", "wait", "port",
				    h->ports.port[port].name, "cmp", ne ? "!=" : "==", "value",
				    value(h, port, val), "mask", value(h, port, mask),
				    "timeout", (json_int_t)timeout),
			  &rc);
	if (!ok)
		return rc;
	json_t *cy = json_object_get(ok, "cycle");
	int hit = json_is_true(json_object_get(ok, "hit"));
	h->now = json_is_integer(cy) ? (uint64_t)json_integer_value(cy) : h->now;
	if (hit && at)
		*at = h->now;
	json_decref(ok);
	rc = hil_record(h, HIL_LOG_TIME, -1, h->now, NULL);
	return rc < 0 ? rc : hit ? HIL_OK : HIL_TIMEOUT;
}

static int remote_sync(hil_t *h)
{
	int rc = HIL_OK;
	json_decref(call(h, json_pack("{s:s}", "op", "sync"), &rc));
	return rc;
}

static int remote_stats(hil_t *h, struct hil_link_stats *s)
{
	int rc = HIL_OK;
	json_t *ok = call(h, json_pack("{s:s}", "op", "stats"), &rc);
	if (!ok)
		return rc;
	memset(s, 0, sizeof(*s));
	s->frames_in = (unsigned long)json_integer_value(json_object_get(ok, "frames_in"));
	s->frames_out = (unsigned long)json_integer_value(json_object_get(ok, "frames_out"));
	s->bad_frames = (unsigned long)json_integer_value(json_object_get(ok, "bad_frames"));
	s->retransmits = (unsigned long)json_integer_value(json_object_get(ok, "retransmits"));
	s->naks = (unsigned long)json_integer_value(json_object_get(ok, "naks"));
	json_decref(ok);
	return HIL_OK;
}

/* The port list the daemon's worker reported, checked against its
 * signature as a ports.json is. */
static int ports_from(hil_t *h, json_t *ok, char *err, size_t errlen)
{
	json_t *list = json_object_get(ok, "ports"), *p;
	const char *top = json_string_value(json_object_get(ok, "top"));
	const char *sig = json_string_value(json_object_get(ok, "signature"));
	size_t i;
	if (!json_is_array(list) || !top || !sig || json_array_size(list) > HIL_MAX_PORTS)
		return hil_fail(err, errlen, "hild's open reply has no usable port list");
	h->ports.port = calloc(json_array_size(list) + 1, sizeof(*h->ports.port));
	if (!h->ports.port)
		return hil_fail(err, errlen, "out of memory");
	snprintf(h->ports.top, sizeof(h->ports.top), "%s", top);
	json_array_foreach(list, i, p)
	{
		struct hil_port *q = &h->ports.port[h->ports.n++];
		const char *name = json_string_value(json_object_get(p, "name"));
		json_int_t w = json_integer_value(json_object_get(p, "width"));
		if (!name || w < 1 || w > HIL_MAX_PORT_WIDTH)
			return hil_fail(err, errlen, "hild's open reply has a malformed port");
		snprintf(q->name, sizeof(q->name), "%s", name);
		q->is_input = !strcmp(json_string_value(json_object_get(p, "dir"))
					      ? json_string_value(json_object_get(p, "dir"))
					      : "",
				      "in");
		q->width = (unsigned)w;
		q->nbytes = (q->width + 7) / 8;
	}
	const char *params = json_string_value(json_object_get(ok, "params"));
	snprintf(h->ports.params, sizeof(h->ports.params), "%s", params ? params : "");
	/* The clock is no port; a DUT without one reports none. */
	const char *clock = json_string_value(json_object_get(ok, "clock"));
	if (clock && strlen(clock) >= sizeof(h->ports.clock))
		return hil_fail(err, errlen, "hild's open reply names a clock too long");
	snprintf(h->ports.clock, sizeof(h->ports.clock), "%s", clock ? clock : "");
	h->ports.signature = hil_ports_signature(&h->ports);
	if (strtoull(sig, NULL, 16) != h->ports.signature)
		return hil_fail(err, errlen,
				"hild's port list does not hash to its signature %s", sig);
	return 0;
}

static void remote_close(hil_t *h)
{
	if (!h->remote)
		return;
	json_decref(h->remote->pokes);
	if (h->remote->data != h->remote->c)
		hil_client_close(h->remote->data);
	hil_client_close(h->remote->c);
	free(h->remote);
	h->remote = NULL;
}

static const struct hil_backend remote_backend = {
	.poke_at = remote_poke_at,
	.peek = remote_peek,
	.signal = remote_signal,
	.run = remote_run,
	.watch = remote_watch,
	.wait = remote_wait,
	.sync = remote_sync,
	.stats = remote_stats,
	.close = remote_close,
};

int hil_remote_open(hil_t *h, const char *uri, const struct hil_options *opt, char *err,
		    size_t errlen)
{
	const char *spec = uri + 5;
	json_t *req;
	if ((opt->defines && *opt->defines) || (opt->includes && *opt->includes) ||
	    opt->waves) {
		hil_fail(err, errlen,
			 "target %s: %s do not go through hild; open sim:DIR to run the DUT "
			 "here",
			 uri, opt->waves ? "waveforms" : "macros and --include folders");
		return HIL_E_ARG;
	}
	if (opt->internals && strncmp(spec, "sim:", 4)) {
		hil_fail(
			err, errlen,
			"target %s: internal signals are simulation-only: a board reaches the "
			"DUT's ports alone (read them on hild:sim:DIR or sim:DIR)",
			uri);
		return HIL_E_ARG;
	}
	if (!strncmp(spec, "sim:", 4)) {
		char abs[PATH_MAX];
		if (!realpath(spec + 4, abs)) {
			hil_fail(err, errlen, "target %s: no DUT directory %s", uri, spec + 4);
			return HIL_E_ARG;
		}
		req = json_pack("{s:s,s:s}", "op", "open", "sim", abs);
		if (opt->params && *opt->params)
			json_object_set_new(req, "params", json_string(opt->params));
		if (opt->internals)
			json_object_set_new(req, "internals", json_true());
	} else if (opt->params && *opt->params) {
		hil_fail(
			err, errlen,
			"target %s: parameters go with hild:sim:DIR (a board runs the DUT its "
			"bitstream was built with)",
			uri);
		return HIL_E_ARG;
	} else if (!strncmp(spec, "type=", 5) && spec[5]) {
		req = json_pack("{s:s,s:s}", "op", "open", "type", spec + 5);
	} else if (*spec) {
		req = json_pack("{s:s,s:s}", "op", "open", "board", spec);
	} else {
		hil_fail(err, errlen,
			 "target %s: use hild:BOARD, hild:type=TYPE or "
			 "hild:sim:DIR",
			 uri);
		return HIL_E_ARG;
	}
	struct hil_remote *r = calloc(1, sizeof(*r));
	if (!r) {
		json_decref(req);
		hil_fail(err, errlen, "out of memory");
		return HIL_E_OPEN;
	}
	h->remote = r;
	h->be = &remote_backend;
	r->h = h;
	char where[4096];
	hil_client_default(where, sizeof(where));
	r->c = hil_client_connect(where, "libhil", err, errlen);
	if (!r->c) {
		json_decref(req);
		return HIL_E_OPEN;
	}
	r->data = r->c;
	hil_client_on_event(r->c, on_event, r);
	if (!hil_client_over_tcp(where))
		json_object_set_new(req, "direct", json_true());
	json_t *ok = hil_client_call(r->c, req, err, errlen);
	if (!ok)
		return HIL_E_OPEN;
	int fd = hil_client_take_fd(r->c);
	if (json_is_true(json_object_get(ok, "direct"))) {
		if (fd < 0 || !(r->data = hil_client_adopt(fd, "hild's worker"))) {
			json_decref(ok);
			hil_fail(err, errlen, "hild's open reply passed no session socket");
			return HIL_E_OPEN;
		}
		hil_client_on_event(r->data, on_event, r);
	} else if (fd >= 0)
		close(fd);
	int rc = ports_from(h, ok, err, errlen) < 0 ? HIL_E_OPEN : HIL_OK;
	const char *board = json_string_value(json_object_get(ok, "board"));
	snprintf(r->prefix, sizeof(r->prefix), "board/%s/port/", board ? board : "?");
	snprintf(r->session, sizeof(r->session), "board/%s/session", board ? board : "?");
	h->now = (uint64_t)json_integer_value(json_object_get(ok, "now"));
	json_decref(ok);
	if (rc == HIL_OK && opt->ports) {
		struct hil_ports want;
		if (hil_ports_load(&want, opt->ports, err, errlen) < 0)
			return HIL_E_OPEN;
		if (want.signature != h->ports.signature) {
			hil_fail(err, errlen,
				 "%s runs DUT '%s'%s%s (signature %016llx), but %s "
				 "describes DUT '%s'%s%s (%016llx)",
				 uri, h->ports.top, h->ports.params[0] ? " with " : "",
				 h->ports.params, (unsigned long long)h->ports.signature,
				 opt->ports, want.top, want.params[0] ? " with " : "",
				 want.params, (unsigned long long)want.signature);
			rc = HIL_E_SIGNATURE;
		}
		hil_ports_free(&want);
	}
	return rc;
}
