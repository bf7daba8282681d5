/* A session's worker (hild --worker URI LOG BITSTREAM|- direct|- PARAMS|-),
 * a child of hild talking on descriptor 3 with the same framing as
 * clients. It opens
 * the target through libhil, recording the session log, answers "ready"
 * with the DUT's ports, then carries out the owner's session ops in order
 * and sends each watch report and break as an event as libhil delivers
 * it. End of input closes the target and exits 0; a failed link exits 3
 * (hild marks the board offline), a target that does not open exits 4.
 * A real board with a bitstream is configured with it first, so every
 * session starts from the state configuration gives. In a direct session
 * (session.c) the owner's ops come on descriptor 4 and are answered
 * there, events go both there (as hild would send them) and to hild, and
 * descriptor 3 only says when the lease ends. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "hil/bitfile.h"
#include "hil/board.h"
#include "hil/flash.h"
#include "hil/hil.h"
#include "hil/script.h"
#include "hil/usbdev.h"
#include "hild.h"

#define FD      3
#define DATA_FD 4
#define MAX_REQ (1u << 20)

static hil_t *h;
/* A direct session: the owner's socket, its events' sub id and topic prefix. */
static int data = -1;
static json_int_t data_sub;
static char data_topic[96];

/* One message in one write where the socket takes it: a reader woken by
 * the header alone would wait again for the body. */
static int put_to(int fd, json_t *j)
{
	char *t = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!t)
		return -1;
	size_t n = strlen(t), off = 0;
	uint8_t head[4];
	frames_head(head, n);
	int rc = 0;
	while (rc == 0 && off < 4 + n) {
		struct iovec v[2] = {
			{head + (off < 4 ? off : 4), off < 4 ? 4 - off : 0},
			{t + (off < 4 ? 0 : off - 4), off < 4 ? n : n - (off - 4)}};
		ssize_t w = writev(fd, v, 2);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = -1;
		else
			off += (size_t)w;
	}
	free(t);
	return rc;
}

static int put(json_t *j)
{
	return put_to(FD, j);
}

/* An event of the session ("port/NAME", "break", "session"): to hild,
 * which publishes it, and to a direct owner as hild would send it. */
static void emit(const char *what, json_t *ev)
{
	if (data >= 0)
		put_to(data,
		       json_pack("{s:I,s:s+,s:O}", "sub", data_sub, "topic", data_topic, what,
				 "event", ev));
	put(json_pack("{s:s,s:o}", "event", what, "data", ev));
}

static int get_exact(int fd, uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static json_t *value_json(int port, const uint8_t *val)
{
	char hex[3 + HIL_MAX_PORT_WIDTH / 4 + 1];
	hil_value_format(val, hil_ports(h)->port[port].width, hex);
	return json_string(hex);
}

static void on_watch(void *user, int port, uint64_t cycle, const uint8_t *val)
{
	(void)user;
	char ev[HIL_MAX_NAME + 8];
	snprintf(ev, sizeof(ev), "port/%s", hil_ports(h)->port[port].name);
	emit(ev,
	     json_pack("{s:I,s:o}", "cycle", (json_int_t)cycle, "value",
		       value_json(port, val)));
}

static const char *code_of(int rc)
{
	switch (rc) {
	case HIL_E_ARG:
		return "bad_arg";
	case HIL_E_LINK:
		return "link";
	case HIL_E_BRIDGE:
		return "bridge";
	case HIL_E_FULL:
		return "full";
	case HIL_E_RECORD:
		return "record";
	default:
		return "target";
	}
}

/* A value argument: a string as scripts write it, or a whole number. */
static int value_arg(json_t *req, const char *key, int port, uint8_t *out, char *err,
		     size_t errlen)
{
	const struct hil_port *p = &hil_ports(h)->port[port];
	json_t *v = json_object_get(req, key);
	char buf[32];
	const char *text = json_string_value(v);
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		text = buf;
	}
	if (!text) {
		snprintf(err, errlen,
			 "\"%s\" must be a value: a number, or a string "
			 "such as \"0x1f\"",
			 key);
		return -1;
	}
	return hil_value_parse(text, p->width, out, p->nbytes, err, errlen);
}

static int port_arg(json_t *req, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(req, "port"));
	int port = name ? hil_ports_find(hil_ports(h), name) : -1;
	if (port < 0)
		snprintf(err, errlen, "\"port\" must name a port of DUT '%s'",
			 hil_ports(h)->top);
	return port;
}

static int count_arg(json_t *req, const char *key, uint64_t *n, char *err, size_t errlen)
{
	json_t *v = json_object_get(req, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		snprintf(err, errlen, "\"%s\" must be a whole number of cycles", key);
		return -1;
	}
	*n = (uint64_t)json_integer_value(v);
	return 0;
}

/* Carries out one op; returns its result, or NULL with *rc or err set. */
static json_t *run_op(const char *op, json_t *req, int *rc, char *err, size_t errlen)
{
	uint8_t val[HIL_MAX_PORT_BYTES], mask[HIL_MAX_PORT_BYTES];
	uint64_t n, at;
	int port = -1;
	*rc = HIL_OK;
	const char *signal = json_string_value(json_object_get(req, "signal"));
	if (!strcmp(op, "peek") && signal) {
		unsigned width;
		char hex[3 + HIL_MAX_PORT_WIDTH / 4 + 1];
		if ((*rc = hil_peek_signal(h, signal, val, &width)) != HIL_OK)
			return NULL;
		hil_value_format(val, width, hex);
		return json_pack("{s:I,s:s,s:i}", "cycle", (json_int_t)hil_now(h), "value",
				 hex, "width", (int)width);
	}
	if (strcmp(op, "step") && strcmp(op, "run") && strcmp(op, "advance") &&
	    strcmp(op, "sync") && strcmp(op, "now") && strcmp(op, "stats") &&
	    (port = port_arg(req, err, errlen)) < 0)
		return NULL;
	if (!strcmp(op, "poke")) {
		if (value_arg(req, "value", port, val, err, errlen) < 0)
			return NULL;
		json_t *a = json_object_get(req, "at");
		if (a && count_arg(req, "at", &n, err, errlen) < 0)
			return NULL;
		*rc = a ? hil_poke_at(h, port, n, val) : hil_poke(h, port, val);
	} else if (!strcmp(op, "peek")) {
		if ((*rc = hil_peek(h, port, val)) == HIL_OK)
			return json_pack("{s:I,s:o}", "cycle", (json_int_t)hil_now(h), "value",
					 value_json(port, val));
	} else if (!strcmp(op, "step") || !strcmp(op, "run") || !strcmp(op, "advance")) {
		if (count_arg(req, !strcmp(op, "run") ? "until" : "n", &n, err, errlen) < 0)
			return NULL;
		*rc = !strcmp(op, "step")    ? hil_step(h, n)
			: !strcmp(op, "run") ? hil_run_until(h, n)
					     : hil_advance(h, n);
	} else if (!strcmp(op, "watch")) {
		*rc = hil_watch(h, port, on_watch, NULL);
	} else if (!strcmp(op, "unwatch")) {
		*rc = hil_unwatch(h, port);
	} else if (!strcmp(op, "wait")) {
		const char *cmp = json_string_value(json_object_get(req, "cmp"));
		if (!cmp || (strcmp(cmp, "==") && strcmp(cmp, "!="))) {
			snprintf(err, errlen, "\"cmp\" must be \"==\" or \"!=\"");
			return NULL;
		}
		if (value_arg(req, "value", port, val, err, errlen) < 0 ||
		    (json_object_get(req, "mask") &&
		     value_arg(req, "mask", port, mask, err, errlen) < 0) ||
		    count_arg(req, "timeout", &n, err, errlen) < 0)
			return NULL;
		*rc = hil_wait(h, port, cmp[1] == '=' && cmp[0] == '!', val,
			       json_object_get(req, "mask") ? mask : NULL, n, &at);
		if (*rc == HIL_OK)
			emit("break",
			     json_pack("{s:s,s:I}", "port", hil_ports(h)->port[port].name,
				       "cycle", (json_int_t)at));
		if (*rc >= 0) {
			int hit = *rc == HIL_OK;
			*rc = HIL_OK;
			return json_pack("{s:b,s:I}", "hit", hit, "cycle",
					 (json_int_t)hil_now(h));
		}
	} else if (!strcmp(op, "sync")) {
		*rc = hil_sync(h);
	} else if (!strcmp(op, "stats")) {
		struct hil_link_stats s;
		if ((*rc = hil_stats(h, &s)) == HIL_OK)
			return json_pack(
				"{s:I,s:I,s:I,s:I,s:I}", "frames_in", (json_int_t)s.frames_in,
				"frames_out", (json_int_t)s.frames_out, "bad_frames",
				(json_int_t)s.bad_frames, "retransmits",
				(json_int_t)s.retransmits, "naks", (json_int_t)s.naks);
	}
	if (*rc < 0)
		return NULL;
	return json_pack("{s:I}", "cycle", (json_int_t)hil_now(h));
}

/* run_op, and "peek": [PORT, ...] on step, run or wait: the reply also
 * holds those ports' values where the DUT stopped, read as a peek right
 * after would read them, so a client that reads ports after every step
 * saves a round trip through hild for each. */
/* "pokes": [{"port", "value", "at"?}, ...] on any op: carried out in
 * order before it, so a client's pokes ride with its next request rather
 * than each being a message of its own. As pokes sent one by one would,
 * each is tried and the op runs whatever they did; the first failure
 * comes back as "poke_error" in the op's reply (NULL: none). */
static json_t *pokes(json_t *req)
{
	json_t *list = json_object_get(req, "pokes"), *p, *first = NULL;
	size_t i;
	if (list && !json_is_array(list))
		return json_pack("{s:s,s:s}", "code", "bad_arg", "message",
				 "\"pokes\" must "
				 "be a list of {\"port\", \"value\", \"at\"?} objects");
	json_array_foreach(list, i, p)
	{
		uint8_t val[HIL_MAX_PORT_BYTES];
		uint64_t at;
		char why[400], msg[440];
		int port = json_is_object(p) ? port_arg(p, why, sizeof(why)) : -1;
		json_t *a = json_object_get(p, "at");
		if (!json_is_object(p))
			snprintf(why, sizeof(why), "not an object");
		int bad = port < 0 || value_arg(p, "value", port, val, why, sizeof(why)) < 0 ||
			(a && count_arg(p, "at", &at, why, sizeof(why)) < 0);
		int rc = bad ? HIL_E_ARG
			: a  ? hil_poke_at(h, port, at, val)
			     : hil_poke(h, port, val);
		if (rc < 0 && !first) {
			snprintf(msg, sizeof(msg), "pokes[%zu]: %s", i,
				 bad ? why : hil_error(h));
			first = json_pack("{s:s,s:s}", "code", code_of(rc), "message", msg);
		}
	}
	return first;
}

static json_t *execute(const char *op, json_t *req, int *rc, char *err, size_t errlen)
{
	json_t *list = json_object_get(req, "peek");
	int ports[HIL_MAX_PORTS];
	size_t n = 0;
	if (list) {
		if (strcmp(op, "step") && strcmp(op, "run") && strcmp(op, "wait")) {
			snprintf(err, errlen, "\"peek\" goes with step, run or wait");
			return NULL;
		}
		if (!json_is_array(list) || json_array_size(list) > HIL_MAX_PORTS) {
			snprintf(err, errlen, "\"peek\" must be a list of port names");
			return NULL;
		}
		for (; n < json_array_size(list); n++) {
			const char *name = json_string_value(json_array_get(list, n));
			ports[n] = name ? hil_ports_find(hil_ports(h), name) : -1;
			if (ports[n] < 0) {
				snprintf(err, errlen, "\"peek\" must name ports of DUT '%s'",
					 hil_ports(h)->top);
				return NULL;
			}
		}
	}
	static uint8_t val[HIL_MAX_PORTS][HIL_MAX_PORT_BYTES];
	json_t *res;
	uint64_t until;
	/* A step or run sends its reads along with it: one round trip. */
	if (n && strcmp(op, "wait")) {
		if (count_arg(req, !strcmp(op, "run") ? "until" : "n", &until, err, errlen) <
		    0)
			return NULL;
		if (!strcmp(op, "step"))
			until = until > UINT64_MAX - hil_now(h) ? UINT64_MAX
								: hil_now(h) + until;
		if ((*rc = hil_run_and_peek(h, until, n, ports, val[0])) < 0)
			return NULL;
		res = json_pack("{s:I}", "cycle", (json_int_t)hil_now(h));
	} else {
		res = run_op(op, req, rc, err, errlen);
		for (size_t i = 0; res && i < n; i++)
			if ((*rc = hil_peek(h, ports[i], val[i])) < 0) {
				json_decref(res);
				return NULL;
			}
	}
	if (!res || !n)
		return res;
	json_t *vals = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(vals, hil_ports(h)->port[ports[i]].name,
				    value_json(ports[i], val[i]));
	json_object_set_new(res, "values", vals);
	return res;
}

/* Configures a real board's FPGA with the board's bitstream, so the
 * session finds the DUT as configuration leaves it. */
static int configure(const char *uri, const char *bitstream, char *err, size_t errlen)
{
	if (strncmp(uri, "ftdi:", 5))
		return 0;
	char name[64];
	const char *rest = uri + 5, *end = rest + strcspn(rest, "@:");
	snprintf(name, sizeof(name), "%.*s", (int)(end - rest), rest);
	struct hil_board b;
	struct hil_usbsel sel = {0};
	char serial[64] = "";
	if (*end == '@') {
		const char *s = end + 1, *e = strchr(s, ':');
		snprintf(serial, sizeof(serial), "%.*s", e ? (int)(e - s) : (int)strlen(s), s);
		if (strchr(serial, '/'))
			sscanf(serial, "%d/%d", &sel.bus, &sel.addr);
		else
			sel.serial = serial;
	}
	struct hil_bitfile img;
	if (hil_board_load(&b, name, err, errlen) < 0 || hil_board_ftdi(&b, err, errlen) < 0 ||
	    hil_bitfile_load(&img, bitstream, err, errlen) < 0)
		return -1;
	int rc = hil_bitfile_check(&img, &b, 0, err, errlen);
	struct ftdi_context *f =
		rc < 0 ? NULL : hil_usb_open(&b, &sel, b.flash_if, err, errlen);
	if (f) {
		struct hil_flash_opts o = {0};
		rc = hil_flash_sram(f, &b, img.data, img.len, &o, err, errlen);
		hil_usb_close(f);
	} else
		rc = -1;
	hil_bitfile_free(&img);
	return rc;
}

/* One framed message from fd into buf: its length, 0 at end of input,
 * -1 for a frame over the limit or cut short. */
static long get_msg(int fd, uint8_t *buf)
{
	uint8_t head[4];
	if (get_exact(fd, head, 4) < 0)
		return 0;
	size_t n =
		(size_t)head[0] << 24 | (size_t)head[1] << 16 | (size_t)head[2] << 8 | head[3];
	if (n == 0 || n > MAX_REQ || get_exact(fd, buf, n) < 0)
		return -1;
	return (long)n;
}

/* A direct owner's request, checked as hild checks a client's: -1 when a
 * frame breaks the rules (which ends the session); else 0 with *req the
 * request, or NULL when it was answered here (not a session op). */
static int direct_request(const uint8_t *buf, long n, json_t **req)
{
	json_t *m = n > 0
		? json_loadb((const char *)buf, (size_t)n, JSON_REJECT_DUPLICATES, NULL)
		: NULL;
	json_t *id = json_object_get(m, "id");
	const char *why = n < 0      ? "a frame must be 1 to 1 MiB long"
		: !json_is_object(m) ? "a message must be one JSON object"
		: !json_is_integer(id) || json_integer_value(id) < 0
		? "a request needs \"id\", a whole number of 0 or more"
		: NULL;
	if (why) {
		json_decref(m);
		put_to(data,
		       json_pack("{s:{s:s,s:s}}", "error", "code", "bad_frame", "message",
				 why));
		return -1;
	}
	const char *op = json_string_value(json_object_get(m, "op"));
	if (op && ops_is_session_op(op)) {
		*req = m;
		return 0;
	}
	char msg[160];
	snprintf(msg, sizeof(msg),
		 "this socket carries the session's operations (poke, "
		 "peek, step, run, ...); send %.40s to hild's socket",
		 op ? op : "others");
	put_to(data,
	       json_pack("{s:O,s:{s:s,s:s}}", "id", id, "error", "code",
			 op ? "unknown_op" : "bad_request", "message", msg));
	json_decref(m);
	*req = NULL;
	return 0;
}

#define SPIN_US 200

/* The next request: from hild, or in a direct session from the owner
 * while hild's descriptor only says when the lease ends. NULL ends the
 * session; *reply is where the answer goes. */
static json_t *next_request(uint8_t *buf, int *reply)
{
	static uint64_t said;
	if (data < 0) {
		long n = get_msg(FD, buf);
		*reply = FD;
		return n > 0 ? json_loadb((const char *)buf, (size_t)n, 0, NULL) : NULL;
	}
	*reply = data;
	for (;;) {
		/* The lease's idle limit is hild's: tell it the owner is here. */
		if (hil_reactor_now_us() - said >= 1000000) {
			said = hil_reactor_now_us();
			put(json_pack("{s:b}", "active", 1));
		}
		struct pollfd p[2] = {{FD, POLLIN, 0}, {data, POLLIN, 0}};
		/* The owner's next request often follows within microseconds:
		 * with a CPU to spare, look again for SPIN_US before sleeping,
		 * which would cost a wake-up of about that much. Only while
		 * requests do come that soon: an owner that thinks longer
		 * between them is not waited for with a busy CPU. */
		static long cpus;
		static int spin = 1;
		if (!cpus)
			cpus = sysconf(_SC_NPROCESSORS_ONLN);
		uint64_t t0 = hil_reactor_now_us();
		int got;
		while ((got = poll(p, 2, 0)) == 0 && spin && cpus > 1 &&
		       hil_reactor_now_us() - t0 < SPIN_US)
			;
		while (got == 0 || (got < 0 && errno == EINTR))
			got = poll(p, 2, -1);
		spin = hil_reactor_now_us() - t0 < SPIN_US;
		if (got < 0)
			return NULL;
		if (p[0].revents) {
			long n = get_msg(FD, buf);
			json_t *m = n > 0 ? json_loadb((const char *)buf, (size_t)n, 0, NULL)
					  : NULL;
			const char *why = json_string_value(json_object_get(m, "end"));
			emit("session",
			     json_pack("{s:s,s:s}", "state", "closed", "reason",
				       why ? why : "hild ended the lease"));
			json_decref(m);
			return NULL;
		}
		long n = get_msg(data, buf);
		if (n == 0) {
			put(json_pack("{s:s}", "fail",
				      "its owner closed the session's socket"));
			return NULL;
		}
		json_t *req = NULL;
		if (direct_request(buf, n, &req) < 0 || req)
			return req;
	}
}

int worker_main(int argc, char **argv)
{
	if (argc != 8)
		return 2;
	const char *uri = argv[2], *log = argv[3], *bit = argv[4];
	char err[1024];
	struct hil_options opt = {.record = log,
				  .params = strcmp(argv[6], "-") ? argv[6] : NULL,
				  .internals = !strcmp(argv[7], "internals")};
	if (strcmp(bit, "-") && configure(uri, bit, err, sizeof(err)) < 0) {
		char msg[1200];
		snprintf(msg, sizeof(msg), "configuring the board with %s: %s", bit, err);
		put(json_pack("{s:s}", "fail", msg));
		return 4;
	}
	if (hil_open(&h, uri, &opt, err, sizeof(err)) < 0) {
		put(json_pack("{s:s}", "fail", err));
		return 4;
	}
	const struct hil_ports *p = hil_ports(h);
	json_t *ports = json_array();
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(ports,
				      json_pack("{s:s,s:s,s:i}", "name", p->port[i].name,
						"dir", p->port[i].is_input ? "in" : "out",
						"width", (int)p->port[i].width));
	char sig[20];
	snprintf(sig, sizeof(sig), "%016llx", (unsigned long long)p->signature);
	json_t *ready = json_pack("{s:s,s:s,s:o,s:I}", "top", p->top, "signature", sig,
				  "ports", ports, "now", (json_int_t)hil_now(h));
	if (p->params[0])
		json_object_set_new(ready, "params", json_string(p->params));
	if (p->clock[0])
		json_object_set_new(ready, "clock", json_string(p->clock));
	put(json_pack("{s:o}", "ready", ready));
	static uint8_t buf[MAX_REQ];
	/* hild answers a direct session's ready with its sub id and topic. */
	if (!strcmp(argv[5], "direct")) {
		long n = get_msg(FD, buf);
		json_t *m = n > 0 ? json_loadb((const char *)buf, (size_t)n, 0, NULL) : NULL;
		json_t *dm = json_object_get(m, "direct");
		const char *topic = json_string_value(json_object_get(dm, "topic"));
		data_sub = json_integer_value(json_object_get(dm, "sub"));
		if (!topic ||
		    snprintf(data_topic, sizeof(data_topic), "%s", topic) >=
			    (int)sizeof(data_topic)) {
			json_decref(m);
			hil_close(h);
			return 0;
		}
		json_decref(m);
		data = DATA_FD;
	}
	int status = 0;
	for (;;) {
		int to = FD;
		json_t *req = next_request(buf, &to);
		if (!req)
			break;
		json_t *id = json_object_get(req, "id");
		const char *op = json_string_value(json_object_get(req, "op"));
		int rc = HIL_OK;
		err[0] = '\0';
		json_t *perr = pokes(req);
		json_t *res = op ? execute(op, req, &rc, err, sizeof(err)) : NULL;
		if (res && perr)
			json_object_set_new(res, "poke_error", perr);
		else
			json_decref(perr);
		if (res)
			put_to(to,
			       json_pack("{s:O,s:o}", "id", id ? id : json_null(), "ok", res));
		else
			put_to(to,
			       json_pack("{s:O,s:{s:s,s:s}}", "id", id ? id : json_null(),
					 "error", "code", rc < 0 ? code_of(rc) : "bad_arg",
					 "message", rc < 0 ? hil_error(h) : err));
		json_decref(req);
		if (rc == HIL_E_LINK) {
			put(json_pack("{s:s}", "fail", hil_error(h)));
			status = 3;
			break;
		}
	}
	hil_close(h);
	return status;
}
