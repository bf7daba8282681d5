/* libhil's public API (hil/hil.h) over the link layer: keeps `now`, orders
 * commands by cycle, matches replies, and turns the bridge's halted state
 * (after a break or an error) back into a running one. */
#include "hil/hil.h"
#include "hil/bitfile.h"
#include "hil/board.h"
#include "hil/fx2.h"
#include "hil/usbdev.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hil/dut.h"
#include "build/dutsrc.h"
#include "session/session.h"
#include "wire/proto.h"
#include "hil/targets.h"

int hil_seterr(hil_t *h, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
	return code;
}

static int link_err(hil_t *h)
{
	return hil_seterr(h, HIL_E_LINK, "%s", h->link.err);
}

int hil_record(hil_t *h, enum hil_log_kind kind, int port, uint64_t cycle,
	       const uint8_t *val)
{
	if (hil_log_put(&h->log, kind, cycle, port, val) < 0)
		return hil_seterr(h, HIL_E_RECORD, "session log %s: a write failed (is the "
			      "disk full?); the run stops rather than go on unrecorded",
			      h->log.path);
	return HIL_OK;
}

static int on_msg(void *ctx, const uint8_t *msg, size_t n)
{
	hil_t *h = ctx;
	struct hil_report r;
	if (hil_report_decode(msg, n, &r) < 0) {
		snprintf(h->link.err, sizeof(h->link.err), "link: malformed report");
		return -1;
	}
	switch (r.op) {
	case HIL_RE_WATCH:
		if (r.port >= h->ports.n || r.len != h->ports.port[r.port].nbytes) {
			snprintf(h->link.err, sizeof(h->link.err),
				 "link: watch report for port %u with %u bytes does "
				 "not match the port list", r.port, r.len);
			return -1;
		}
		/* A write failure shows at the next call, through record(). */
		hil_log_put(&h->log, HIL_LOG_REPORT, r.cycle, r.port, r.value);
		if (h->watch[r.port].fn)
			h->watch[r.port].fn(h->watch[r.port].user, r.port, r.cycle,
					    r.value);
		return 0;
	case HIL_RE_BREAK:
	case HIL_RE_ERROR:
		h->halted = 1;
		h->stop = r;
		return 0;
	default:
		break;
	}
	/* The samples behind a run come once its reply has. */
	if (r.op == HIL_RE_SAMPLE && h->samp_got < h->samp_want && (!h->await_op || h->got)) {
		int want = h->samp_port[h->samp_got];
		if (r.port != want || r.len != h->ports.port[want].nbytes) {
			snprintf(h->link.err, sizeof(h->link.err),
				 "link: sample report does not match the one asked for");
			return -1;
		}
		memcpy(h->samp + h->samp_got++ * HIL_MAX_PORT_BYTES, r.value, r.len);
		return 0;
	}
	if (r.op != h->await_op || h->got) {
		snprintf(h->link.err, sizeof(h->link.err),
			 "link: unexpected report 0x%02x from the bridge", r.op);
		return -1;
	}
	if (r.op == HIL_RE_SAMPLE) {
		if (r.port >= h->ports.n || r.len != h->ports.port[r.port].nbytes) {
			snprintf(h->link.err, sizeof(h->link.err),
				 "link: sample report does not match the port list");
			return -1;
		}
		memcpy(h->repval, r.value, r.len);
		r.value = h->repval;
	}
	h->rep = r;
	h->got = 1;
	return 0;
}

static int send_cmd(hil_t *h, const uint8_t *m, size_t n)
{
	return hil_link_send(&h->link, m, n) < 0 ? link_err(h) : HIL_OK;
}

/* Pumps the link until the awaited reply, or a break or error, arrives. */
static int await(hil_t *h, uint8_t op)
{
	h->await_op = op;
	h->got = 0;
	while (!h->got && !(h->halted && op != HIL_RE_RESUME))
		if (hil_link_pump(&h->link, h->link.t->rto_ms, 1) < 0)
			return link_err(h);
	h->await_op = 0;
	return HIL_OK;
}

/* Leaves the halted state; returns how many commands the bridge discarded,
 * or a negative status. */
static long resume(hil_t *h)
{
	uint8_t m[HIL_MSG_MAX];
	h->halted = 0;
	int rc = send_cmd(h, m, hil_enc_resume(m));
	if (rc == HIL_OK)
		rc = await(h, HIL_RE_RESUME);
	return rc < 0 ? rc : (long)h->rep.discarded;
}

static int bridge_refused(hil_t *h)
{
	struct hil_report s = h->stop;
	resume(h);
	return hil_seterr(h, HIL_E_BRIDGE, "the bridge refused command 0x%02x at "
		      "cycle %llu: %s", s.cmd_op, (unsigned long long)s.cycle,
		      hil_bridge_error_name(s.code));
}

static int check_port(hil_t *h, int port)
{
	if (port < 0 || (size_t)port >= h->ports.n)
		return hil_seterr(h, HIL_E_ARG, "no port with index %d (the DUT has %zu)",
			      port, h->ports.n);
	return HIL_OK;
}

static int check_value(hil_t *h, int port, const uint8_t *val)
{
	const struct hil_port *p = &h->ports.port[port];
	unsigned spare = 8 * p->nbytes - p->width;
	if (spare && (val[p->nbytes - 1] >> (8 - spare)))
		return hil_seterr(h, HIL_E_ARG, "value too wide for port '%s' (%u bits)",
			      p->name, p->width);
	return HIL_OK;
}

static int send_poke(hil_t *h, int port, uint64_t cycle, const uint8_t *val)
{
	uint8_t m[HIL_MSG_MAX];
	return send_cmd(h, m, hil_enc_poke(m, (uint8_t)port, cycle, val,
					   (uint8_t)h->ports.port[port].nbytes));
}

/* Sends the scheduled pokes stamped up to `upto`, in cycle order. Returns
 * how many were sent, or a negative status. */
static long flush_pending(hil_t *h, uint64_t upto)
{
	size_t i = 0;
	for (; i < h->npend && h->pend[i].cycle <= upto; i++) {
		int rc = send_poke(h, h->pend[i].port, h->pend[i].cycle, h->pend[i].val);
		if (rc < 0)
			return rc;
	}
	return (long)i;
}

/* Drops the first n scheduled pokes, which flush_pending() sent. */
static void drop_pending(hil_t *h, size_t n)
{
	memmove(h->pend, h->pend + n, (h->npend - n) * sizeof(*h->pend));
	h->npend -= n;
}

static int schedule(hil_t *h, int port, uint64_t cycle, const uint8_t *val)
{
	if (h->npend >= MAX_PENDING)
		return hil_seterr(h, HIL_E_FULL, "more than %d pokes scheduled ahead: "
			      "run to some of them first", MAX_PENDING);
	size_t lo = 0, hi = h->npend;
	while (lo < hi) { /* after every entry with the same or an earlier cycle */
		size_t mid = (lo + hi) / 2;
		if (h->pend[mid].cycle <= cycle)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(h->pend + lo + 1, h->pend + lo, (h->npend - lo) * sizeof(*h->pend));
	struct pend *e = &h->pend[lo];
	e->cycle = cycle;
	e->seq = h->pend_seq++;
	e->port = port;
	memcpy(e->val, val, h->ports.port[port].nbytes);
	h->npend++;
	return HIL_OK;
}

/* Before a command stamped `now`: the pokes scheduled for it go first. */
static int flush_now(hil_t *h)
{
	long n = flush_pending(h, h->now);
	if (n < 0)
		return (int)n;
	drop_pending(h, (size_t)n);
	return HIL_OK;
}

int hil_poke(hil_t *h, int port, const uint8_t *val)
{
	return hil_poke_at(h, port, h->now, val);
}

int hil_poke_at(hil_t *h, int port, uint64_t cycle, const uint8_t *val)
{
	int rc = check_port(h, port);
	if (rc == HIL_OK && !h->ports.port[port].is_input)
		rc = hil_seterr(h, HIL_E_ARG, "port '%s' is an output: only inputs take "
			    "pokes", h->ports.port[port].name);
	if (rc == HIL_OK)
		rc = check_value(h, port, val);
	if (rc == HIL_OK && cycle < h->now)
		rc = hil_seterr(h, HIL_E_ARG, "poke of '%s' at cycle %llu, but the DUT is "
			    "at cycle %llu already", h->ports.port[port].name,
			    (unsigned long long)cycle, (unsigned long long)h->now);
	if (rc == HIL_OK && cycle > CYCLE_MAX)
		rc = hil_seterr(h, HIL_E_ARG, "cycle %llu is beyond the 48-bit counter",
			    (unsigned long long)cycle);
	if (rc == HIL_OK)
		rc = hil_record(h, HIL_LOG_POKE, port, cycle, val);
	if (rc < 0)
		return rc;
	if (h->remote)
		return remote_poke_at(h, port, cycle, val);
	if (cycle > h->now)
		return schedule(h, port, cycle, val);
	if ((rc = flush_now(h)) < 0)
		return rc;
	return send_poke(h, port, cycle, val);
}

int hil_peek(hil_t *h, int port, uint8_t *val)
{
	uint8_t m[HIL_MSG_MAX];
	int rc = check_port(h, port);
	if (rc == HIL_OK && h->remote) {
		rc = remote_peek(h, port, val);
		return rc < 0 ? rc : hil_record(h, HIL_LOG_SAMPLE, port, h->now, val);
	}
	if (rc == HIL_OK)
		rc = flush_now(h);
	if (rc == HIL_OK)
		rc = send_cmd(h, m, hil_enc_sample(m, (uint8_t)port, h->now));
	if (rc == HIL_OK)
		rc = await(h, HIL_RE_SAMPLE);
	if (rc < 0)
		return rc;
	if (h->halted)
		return bridge_refused(h);
	memcpy(val, h->repval, h->ports.port[port].nbytes);
	return hil_record(h, HIL_LOG_SAMPLE, port, h->now, val);
}

int hil_advance(hil_t *h, uint64_t n)
{
	if (n > CYCLE_MAX - h->now)
		return hil_seterr(h, HIL_E_ARG, "cannot advance past the 48-bit counter");
	h->now += n;
	return HIL_OK;
}

/* Sends the pokes scheduled up to `target` and a RUN to it, then waits for
 * RUN_R or a break. On a break returns HIL_OK with *broke set and the pokes
 * the bridge discarded scheduled again. */
/* Runs to target; with k ports, also samples them there, the SAMPLEs sent
 * right behind the RUN (vals as in hil_run_and_peek). */
static int run_to(hil_t *h, uint64_t target, int *broke, size_t k, const int *ports,
		  uint8_t *vals)
{
	uint8_t m[HIL_MSG_MAX];
	*broke = 0;
	if (target < h->now)
		return hil_seterr(h, HIL_E_ARG, "run to cycle %llu, but the DUT is at "
			      "cycle %llu already", (unsigned long long)target,
			      (unsigned long long)h->now);
	if (target > CYCLE_MAX)
		return hil_seterr(h, HIL_E_ARG, "cycle %llu is beyond the 48-bit counter",
			      (unsigned long long)target);
	if (h->remote) {
		int rc = remote_run_until(h, target);
		if (rc < 0)
			return rc;
		h->now = target;
		return hil_record(h, HIL_LOG_TIME, -1, h->now, NULL);
	}
	long sent = flush_pending(h, target);
	if (sent < 0)
		return (int)sent;
	int rc = send_cmd(h, m, hil_enc_run(m, target));
	for (size_t i = 0; rc == HIL_OK && i < k; i++)
		rc = send_cmd(h, m, hil_enc_sample(m, (uint8_t)ports[i], target));
	h->samp_want = k;
	h->samp_got = 0;
	h->samp_port = ports;
	h->samp = vals;
	if (rc == HIL_OK)
		rc = await(h, HIL_RE_RUN);
	while (rc == HIL_OK && !h->halted && h->samp_got < k)
		if (hil_link_pump(&h->link, h->link.t->rto_ms, 1) < 0)
			rc = link_err(h);
	h->samp_want = h->samp_got = 0;
	if (rc < 0)
		return rc;
	if (!h->halted) {
		drop_pending(h, (size_t)sent);
		h->now = target;
		rc = hil_record(h, HIL_LOG_TIME, -1, h->now, NULL);
		for (size_t i = 0; rc == HIL_OK && i < k; i++)
			rc = hil_record(h, HIL_LOG_SAMPLE, ports[i], h->now,
					vals + i * HIL_MAX_PORT_BYTES);
		return rc;
	}
	if (h->stop.op == HIL_RE_ERROR)
		return bridge_refused(h);
	uint64_t at = h->stop.cycle;
	long discarded = resume(h);
	if (discarded < 0)
		return (int)discarded;
	/* The RUN, the samples behind it and the last pokes before it did not
	 * run: keep those pokes. */
	long kept = discarded - 1 - (long)k;
	if (kept < 0 || kept > sent)
		return hil_seterr(h, HIL_E_LINK, "bridge discarded %ld commands, expected "
			      "at most %ld", discarded, sent + 1 + (long)k);
	drop_pending(h, (size_t)(sent - kept));
	h->now = at;
	*broke = 1;
	return hil_record(h, HIL_LOG_TIME, -1, h->now, NULL);
}

int hil_step(hil_t *h, uint64_t n)
{
	if (n > CYCLE_MAX - h->now)
		return hil_seterr(h, HIL_E_ARG, "cannot step past the 48-bit counter");
	return hil_run_until(h, h->now + n);
}

int hil_run_until(hil_t *h, uint64_t cycle)
{
	return hil_run_and_peek(h, cycle, 0, NULL, NULL);
}

int hil_run_and_peek(hil_t *h, uint64_t cycle, size_t n, const int *ports, uint8_t *vals)
{
	int broke;
	if (n > HIL_MAX_PORTS)
		return hil_seterr(h, HIL_E_ARG, "at most %d ports to read with a run",
				  HIL_MAX_PORTS);
	for (size_t i = 0; i < n; i++)
		if (check_port(h, ports[i]) < 0)
			return HIL_E_ARG;
	int rc = run_to(h, cycle, &broke, h->remote ? 0 : n, ports, vals);
	if (rc == HIL_OK && broke)
		return hil_seterr(h, HIL_E_BRIDGE, "a break stopped the run at cycle %llu",
			      (unsigned long long)h->now);
	/* hild's targets read them after the run, as a peek would. */
	for (size_t i = 0; rc == HIL_OK && h->remote && i < n; i++)
		rc = hil_peek(h, ports[i], vals + i * HIL_MAX_PORT_BYTES);
	return rc;
}

static int set_watch(hil_t *h, int port, int on)
{
	uint8_t m[HIL_MSG_MAX];
	int rc = check_port(h, port);
	if (rc == HIL_OK && h->remote)
		rc = remote_watch(h, port, on);
	else if (rc == HIL_OK)
		rc = flush_now(h);
	if (rc == HIL_OK && !h->remote)
		rc = send_cmd(h, m, hil_enc_watch(m, (uint8_t)port, h->now, on));
	if (rc == HIL_OK)
		rc = hil_record(h, on ? HIL_LOG_WATCH : HIL_LOG_UNWATCH, port, h->now, NULL);
	return rc;
}

int hil_watch(hil_t *h, int port, hil_watch_fn fn, void *user)
{
	int rc = set_watch(h, port, 1);
	if (rc == HIL_OK) {
		h->watch[port].fn = fn;
		h->watch[port].user = user;
	}
	return rc;
}

int hil_unwatch(hil_t *h, int port)
{
	int rc = set_watch(h, port, 0);
	/* Reports already on their way still reach the callback until the
	 * bridge has executed the unwatch. */
	if (rc == HIL_OK)
		rc = hil_sync(h);
	if (rc == HIL_OK)
		h->watch[port].fn = NULL;
	return rc;
}

int hil_wait(hil_t *h, int port, int ne, const uint8_t *val,
	     const uint8_t *mask, uint64_t timeout, uint64_t *at)
{
	uint8_t m[HIL_MSG_MAX], ones[HIL_MAX_PORT_BYTES];
	int rc = check_port(h, port);
	if (rc < 0)
		return rc;
	const struct hil_port *p = &h->ports.port[port];
	if ((rc = check_value(h, port, val)) < 0)
		return rc;
	if (!mask) {
		memset(ones, 0xFF, p->nbytes);
		if (p->width % 8)
			ones[p->nbytes - 1] = (uint8_t)((1u << (p->width % 8)) - 1);
		mask = ones;
	}
	if (timeout > CYCLE_MAX - h->now)
		return hil_seterr(h, HIL_E_ARG, "timeout runs past the 48-bit counter");
	if (h->remote) {
		rc = remote_wait(h, port, ne, val, mask, timeout, at);
		int r2 = rc < 0 ? rc : hil_record(h, HIL_LOG_TIME, -1, h->now, NULL);
		return r2 < 0 ? r2 : rc;
	}
	if ((rc = flush_now(h)) < 0)
		return rc;
	rc = send_cmd(h, m, hil_enc_break(m, 0, (uint8_t)port, h->now, ne ? 2 : 1,
					  val, mask, (uint8_t)p->nbytes));
	int broke = 0;
	if (rc == HIL_OK)
		rc = run_to(h, h->now + timeout, &broke, 0, NULL, NULL);
	if (rc < 0)
		return rc;
	if (broke) {
		if (at)
			*at = h->now;
		return HIL_OK;
	}
	/* Timed out: the unit is still armed; disarm it where we stand. */
	rc = send_cmd(h, m, hil_enc_break(m, 0, 0, h->now, 0, NULL, NULL, 0));
	return rc < 0 ? rc : HIL_TIMEOUT;
}

int hil_sync(hil_t *h)
{
	uint8_t m[HIL_MSG_MAX];
	if (h->remote)
		return remote_sync(h);
	int rc = send_cmd(h, m, hil_enc_status(m));
	if (rc == HIL_OK)
		rc = await(h, HIL_RE_STATUS);
	if (rc == HIL_OK && h->halted)
		return bridge_refused(h);
	return rc;
}

int hil_stats(hil_t *h, struct hil_link_stats *s)
{
	if (h->remote)
		return remote_stats(h, s);
	int rc = hil_sync(h);
	if (rc < 0)
		return rc;
	s->frames_in = h->link.frames_in;
	s->frames_out = h->link.frames_out;
	s->bad_frames = h->link.bad_frames;
	s->retransmits = h->link.retransmits;
	s->naks = h->link.naks;
	s->bridge_crc_errors = h->rep.crc_errors;
	s->bridge_seq_errors = h->rep.seq_errors;
	s->bridge_phy_errors = h->rep.phy_errors;
	return HIL_OK;
}

const struct hil_ports *hil_ports(const hil_t *h)
{
	return &h->ports;
}

int hil_port(hil_t *h, const char *name)
{
	int i = hil_ports_find(&h->ports, name);
	if (i < 0)
		return hil_seterr(h, HIL_E_ARG, "no port named '%s' in DUT '%s'", name,
			      h->ports.top);
	return i;
}

uint64_t hil_now(const hil_t *h)
{
	return h->now;
}

const char *hil_error(const hil_t *h)
{
	return h->err;
}

/* The handshake: protocol version, and the DUT the target really runs. */
static int hello(hil_t *h, const char *ports_path)
{
	uint8_t m[HIL_MSG_MAX];
	int rc = send_cmd(h, m, hil_enc_hello(m, 0x5A));
	if (rc == HIL_OK)
		rc = await(h, HIL_RE_HELLO);
	if (rc < 0)
		return rc;
	if (h->halted)
		return bridge_refused(h);
	const struct hil_report *r = &h->rep;
	if (r->version != HIL_PROTO_VERSION)
		return hil_seterr(h, HIL_E_OPEN, "the bridge speaks protocol version %u, "
			      "this hil speaks %u: rebuild the bitstream or model",
			      r->version, HIL_PROTO_VERSION);
	if (r->signature != h->ports.signature) {
		char other[256] = "";
		hil_dut_name_of(r->signature, other, sizeof(other));
		return hil_seterr(h, HIL_E_SIGNATURE,
			      "the target runs DUT %s(signature %016llx), but %s "
			      "describes DUT '%s' (signature %016llx): rebuild the "
			      "target for this DUT, or use the ports.json it was "
			      "built with", other,
			      (unsigned long long)r->signature, ports_path,
			      h->ports.top, (unsigned long long)h->ports.signature);
	}
	if (r->nports != h->ports.n || r->cycle_bits < 48 || r->nbreak < 1 ||
	    r->max_payload < 16)
		return hil_seterr(h, HIL_E_OPEN, "the bridge reports parameters hil "
			      "cannot use (ports %u, cycle bits %u, break units %u)",
			      r->nports, r->cycle_bits, r->nbreak);
	h->now = r->cycle;
	h->link.maxpay = r->max_payload < HIL_FRAME_MAXPAY ? r->max_payload
							   : HIL_FRAME_MAXPAY;
	return HIL_OK;
}

struct board_target {
	struct hil_board board;
	struct hil_usbsel sel;
	char serial[64], tty[200];
};

/* "BOARD", "BOARD@SERIAL" or "BOARD@BUS/DEV" for ftdi; "BOARD@PATH" for tty. */
static int parse_board_target(const char *kind, const char *mid,
			      struct board_target *bt, char *err, size_t errlen)
{
	char name[64];
	memset(bt, 0, sizeof(*bt));
	const char *at = strchr(mid, '@');
	snprintf(name, sizeof(name), "%.*s", at ? (int)(at - mid) : (int)strlen(mid), mid);
	if (hil_board_load(&bt->board, name, err, errlen) < 0)
		return -1;
	if (!strcmp(kind, "usb")) {
		if (strcmp(bt->board.link, "fx2")) {
			snprintf(err, errlen, "board %s has no FX2: its target is "
				 "ftdi:%s:DIR", name, name);
			return -1;
		}
		if (at) {
			snprintf(err, errlen, "target usb:%s: hil finds the one FX2 "
				 "board attached; choosing among several is not "
				 "built yet", mid);
			return -1;
		}
		return 0;
	}
	if (hil_board_ftdi(&bt->board, err, errlen) < 0)
		return -1;
	if (!strcmp(kind, "tty")) {
		if (!at || at[1] != '/') {
			snprintf(err, errlen, "target tty:%s: name the serial device, as "
				 "in tty:%s@/dev/ttyUSB1:DIR", mid, name);
			return -1;
		}
		snprintf(bt->tty, sizeof(bt->tty), "%s", at + 1);
		return 0;
	}
	char rest;
	if (at && strchr(at, '/')) {
		if (sscanf(at + 1, "%d/%d%c", &bt->sel.bus, &bt->sel.addr, &rest) != 2 ||
		    bt->sel.bus < 1 || bt->sel.bus > 255 || bt->sel.addr < 1 ||
		    bt->sel.addr > 255) {
			snprintf(err, errlen, "target ftdi:%s: after @ comes a serial "
				 "number or BUS/DEVICE as hil list shows them (1/5)", mid);
			return -1;
		}
		return 0;
	}
	if (at) {
		snprintf(bt->serial, sizeof(bt->serial), "%s", at + 1);
		bt->sel.serial = bt->serial;
	}
	return 0;
}

/* An FX2 board has no flash: every session configures its FPGA (unless
 * it holds the image already) with the DUT's bitstream for that board. */
static struct hil_transport *usb_target(const struct hil_board *b, const char *dir,
					uint64_t signature, char *err, size_t errlen)
{
	char path[4200], why[512];
	struct hil_bitfile img;
	char shown[1024];
	if (hil_fx2_bitstream_path(b, dir, path, sizeof(path), err, errlen) < 0)
		return NULL;
	if (hil_bitfile_load(&img, path, why, sizeof(why)) < 0) {
		hil_escape(dir, shown, sizeof(shown));
		snprintf(err, errlen, "%s: build the DUT's bitstream for %s first: hil "
			 "bitstream --board %s --dut %s", why, b->name, b->name, shown);
		return NULL;
	}
	struct hil_transport *t = NULL;
	if (hil_bitfile_check(&img, b, signature, why, sizeof(why)) < 0)
		snprintf(err, errlen, "%.300s: %.500s", path, why);
	else
		t = hil_transport_usb(b, img.data, img.len, err, errlen);
	hil_bitfile_free(&img);
	return t;
}

static int open_remote(hil_t **out, const char *uri, const struct hil_options *opt,
		       char *err, size_t errlen)
{
	hil_t *h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return HIL_E_OPEN;
	}
	int rc = remote_open(h, uri, opt, err, errlen);
	if (rc == HIL_OK) {
		h->watch = calloc(h->ports.n + 1, sizeof(*h->watch));
		if (!h->watch) {
			snprintf(err, errlen, "out of memory");
			rc = HIL_E_OPEN;
		}
	}
	if (rc == HIL_OK && opt->record &&
	    hil_log_create(&h->log, opt->record, uri, &h->ports, h->now, err, errlen) < 0)
		rc = HIL_E_RECORD;
	if (rc == HIL_OK) {
		*out = h;
		return HIL_OK;
	}
	hil_close(h);
	return rc;
}

/* One target's answer for hil_targets_present; *nd < -1 until USB has
 * been listed into devs. */
static int present_one(const char *uri, struct hil_usbdev *devs, int cap, int *nd)
{
	char err[1600];
	struct hil_target tg;
	struct board_target bt;
	if (hil_target_parse(uri, &tg, err, sizeof(err)) < 0 || tg.kind != HIL_TARGET_BOARD ||
	    parse_board_target(tg.scheme, tg.mid, &bt, err, sizeof(err)) < 0)
		return -1;
	if (!strcmp(tg.scheme, "tty"))
		return access(bt.tty, F_OK) == 0;
	if (*nd < -1)
		*nd = hil_usb_list(devs, cap, err, sizeof(err));
	return *nd < 0 ? -1
		       : hil_usb_among(&bt.board, !strcmp(tg.scheme, "ftdi") ? &bt.sel : NULL,
				       devs, *nd);
}

void hil_targets_present(const char *const *uris, int n, int *present)
{
	struct hil_usbdev devs[64];
	int nd = -2;
	for (int i = 0; i < n; i++)
		present[i] = present_one(uris[i], devs, 64, &nd);
}

int hil_open(hil_t **out, const char *uri, const struct hil_options *opt,
	     char *err, size_t errlen)
{
	static const struct hil_options none;
	char msg[2048];
	struct hil_dut_build b;
	*out = NULL;
	if (!opt)
		opt = &none;
	struct hil_target tg;
	if (hil_target_parse(uri, &tg, err, errlen) < 0)
		return HIL_E_ARG;
	if (tg.kind == HIL_TARGET_HILD)
		return open_remote(out, uri, opt, err, errlen);
	const char *kind = tg.scheme, *dir = tg.dir, *what = tg.what;
	/* A real board needs only the DUT's port list: the bitstream that
	 * holds the bridge was flashed before. */
	struct board_target bt;
	int real = tg.kind == HIL_TARGET_BOARD;
	if (real) {
		if (parse_board_target(kind, tg.mid, &bt, err, errlen) < 0)
			return HIL_E_ARG;
		what = "ports";
	}
	if (hil_dut_prepare(dir, opt->top, what, &b, msg, sizeof(msg)) < 0) {
		snprintf(err, errlen, "%s", msg);
		return HIL_E_OPEN;
	}
	hil_t *h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return HIL_E_OPEN;
	}
	const char *ports_path = opt->ports ? opt->ports : b.ports_json;
	if (hil_ports_load(&h->ports, ports_path, msg, sizeof(msg)) < 0) {
		snprintf(err, errlen, "%s", msg);
		free(h);
		return HIL_E_OPEN;
	}
	h->pend = calloc(MAX_PENDING, sizeof(*h->pend));
	h->watch = calloc(h->ports.n, sizeof(*h->watch));
	struct hil_transport *t = NULL;
	if (h->pend && h->watch && real && !strcmp(kind, "usb"))
		t = usb_target(&bt.board, dir, h->ports.signature, msg, sizeof(msg));
	else if (h->pend && h->watch && real)
		t = !strcmp(kind, "ftdi")
			    ? hil_transport_ftdi(&bt.board, &bt.sel, msg, sizeof(msg))
			    : hil_transport_tty(bt.tty, bt.board.baud, msg, sizeof(msg));
	else if (h->pend && h->watch && !strcmp(what, "sim"))
		t = hil_transport_model(b.sim, msg, sizeof(msg));
	else if (h->pend && h->watch)
		t = hil_transport_sim(b.sim, msg, sizeof(msg));
	else
		snprintf(msg, sizeof(msg), "out of memory");
	const char *faults = opt->faults ? opt->faults : getenv("HIL_FAULTS");
	if (t && faults && *faults) {
		struct hil_transport *f = hil_transport_fault(t, faults, msg, sizeof(msg));
		if (!f)
			t->ops->close(t);
		t = f;
	}
	int rc = HIL_E_OPEN;
	if (!t) {
		snprintf(err, errlen, "%s", msg);
	} else if (hil_link_open(&h->link, t, on_msg, h) < 0) {
		snprintf(err, errlen, "%s", h->link.err);
		rc = HIL_E_LINK;
	} else if ((rc = hello(h, ports_path)) < 0) {
		snprintf(err, errlen, "%s", h->err);
	} else if (opt->record &&
		   hil_log_create(&h->log, opt->record, uri, &h->ports, h->now, err,
				  errlen) < 0) {
		rc = HIL_E_RECORD;
	} else {
		*out = h;
		return HIL_OK;
	}
	hil_close(h);
	return rc;
}

void hil_close(hil_t *h)
{
	if (!h)
		return;
	hil_log_finish(&h->log, h->now);
	if (h->remote)
		remote_close(h);
	else
		hil_link_close(&h->link);
	hil_ports_free(&h->ports);
	free(h->pend);
	free(h->watch);
	free(h);
}
