/* A session's worker (hild --worker URI LOG BITSTREAM|-), a child of
 * hild talking on descriptor 3 with the same framing as clients. It opens
 * the target through libhil, recording the session log, answers "ready"
 * with the DUT's ports, then carries out the owner's session ops in order
 * and sends each watch report and break as an event as libhil delivers
 * it. End of input closes the target and exits 0; a failed link exits 3
 * (hild marks the board offline), a target that does not open exits 4.
 * A real board with a bitstream is configured with it first, so every
 * session starts from the state configuration gives. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hil/bitfile.h"
#include "hil/board.h"
#include "hil/flash.h"
#include "hil/hil.h"
#include "hil/script.h"
#include "hil/usbdev.h"
#include "hild.h"

#define FD 3
#define MAX_REQ (1u << 20)

static hil_t *h;

static int put(json_t *j)
{
	char *t = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!t)
		return -1;
	size_t n = strlen(t), off = 0;
	uint8_t head[4];
	frames_head(head, n);
	int rc = 0;
	if (write(FD, head, 4) != 4)
		rc = -1;
	while (rc == 0 && off < n) {
		ssize_t w = write(FD, t + off, n - off);
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

static int get_exact(uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = read(FD, p, n);
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
	put(json_pack("{s:s,s:{s:I,s:o}}", "event", ev, "data", "cycle", (json_int_t)cycle,
		      "value", value_json(port, val)));
}

static const char *code_of(int rc)
{
	switch (rc) {
	case HIL_E_ARG: return "bad_arg";
	case HIL_E_LINK: return "link";
	case HIL_E_BRIDGE: return "bridge";
	case HIL_E_FULL: return "full";
	case HIL_E_RECORD: return "record";
	default: return "target";
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
		snprintf(err, errlen, "\"%s\" must be a value: a number, or a string "
			 "such as \"0x1f\"", key);
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
		*rc = !strcmp(op, "step") ? hil_step(h, n)
		      : !strcmp(op, "run") ? hil_run_until(h, n) : hil_advance(h, n);
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
			put(json_pack("{s:s,s:{s:s,s:I}}", "event", "break", "data", "port",
				      hil_ports(h)->port[port].name, "cycle", (json_int_t)at));
		if (*rc >= 0) {
			int hit = *rc == HIL_OK;
			*rc = HIL_OK;
			return json_pack("{s:b,s:I}", "hit", hit, "cycle", (json_int_t)hil_now(h));
		}
	} else if (!strcmp(op, "sync")) {
		*rc = hil_sync(h);
	} else if (!strcmp(op, "stats")) {
		struct hil_link_stats s;
		if ((*rc = hil_stats(h, &s)) == HIL_OK)
			return json_pack("{s:I,s:I,s:I,s:I,s:I}", "frames_in",
					 (json_int_t)s.frames_in, "frames_out",
					 (json_int_t)s.frames_out, "bad_frames",
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
		if (count_arg(req, !strcmp(op, "run") ? "until" : "n", &until, err, errlen) < 0)
			return NULL;
		if (!strcmp(op, "step"))
			until = until > UINT64_MAX - hil_now(h) ? UINT64_MAX : hil_now(h) + until;
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
	if (hil_board_load(&b, name, err, errlen) < 0 ||
	    hil_board_ftdi(&b, err, errlen) < 0 ||
	    hil_bitfile_load(&img, bitstream, err, errlen) < 0)
		return -1;
	int rc = hil_bitfile_check(&img, &b, 0, err, errlen);
	struct ftdi_context *f = rc < 0 ? NULL : hil_usb_open(&b, &sel, b.flash_if, err, errlen);
	if (f) {
		struct hil_flash_opts o = {0};
		rc = hil_flash_sram(f, &b, img.data, img.len, &o, err, errlen);
		hil_usb_close(f);
	} else
		rc = -1;
	hil_bitfile_free(&img);
	return rc;
}

int worker_main(int argc, char **argv)
{
	if (argc != 5)
		return 2;
	const char *uri = argv[2], *log = argv[3], *bit = argv[4];
	char err[1024];
	struct hil_options opt = {.record = log};
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
		json_array_append_new(ports, json_pack("{s:s,s:s,s:i}", "name", p->port[i].name,
						       "dir", p->port[i].is_input ? "in" : "out",
						       "width", (int)p->port[i].width));
	char sig[20];
	snprintf(sig, sizeof(sig), "%016llx", (unsigned long long)p->signature);
	put(json_pack("{s:{s:s,s:s,s:o,s:I}}", "ready", "top", p->top, "signature", sig,
		      "ports", ports, "now", (json_int_t)hil_now(h)));
	static uint8_t buf[MAX_REQ];
	int status = 0;
	for (;;) {
		uint8_t head[4];
		if (get_exact(head, 4) < 0)
			break;
		size_t n = (size_t)head[0] << 24 | (size_t)head[1] << 16 | (size_t)head[2] << 8 | head[3];
		if (n == 0 || n > MAX_REQ || get_exact(buf, n) < 0)
			break;
		json_t *req = json_loadb((const char *)buf, n, 0, NULL);
		json_t *id = json_object_get(req, "id");
		const char *op = json_string_value(json_object_get(req, "op"));
		int rc = HIL_OK;
		err[0] = '\0';
		json_t *res = op ? execute(op, req, &rc, err, sizeof(err)) : NULL;
		if (res)
			put(json_pack("{s:O,s:o}", "id", id ? id : json_null(), "ok", res));
		else
			put(json_pack("{s:O,s:{s:s,s:s}}", "id", id ? id : json_null(), "error",
				      "code", rc < 0 ? code_of(rc) : "bad_arg", "message",
				      rc < 0 ? hil_error(h) : err));
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
