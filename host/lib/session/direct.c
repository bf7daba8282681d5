/* Direct targets: the session runs the link layer itself, over a
 * transport to the bridge (a model in this process or a child, or a
 * board). Keeps the pokes stamped ahead until the run that reaches them,
 * matches each reply to the command that asked, and turns the bridge's
 * halted state (after a break or an error) back into a running one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hil/dut.h"
#include "hil/targets.h"
#include "session/session.h"
#include "transport/transport.h"
#include "util/errfmt.h"
#include "wire/link.h"
#include "wire/proto.h"

#define MAX_PENDING 65536
/* Lane entries (see lane_put) gathered before they go to the model. */
#define LANE_BUF 65536
#define LANE_HDR 10

struct pend {
	uint64_t cycle, seq;
	unsigned long cmd; /* once sent: the commands sent before it */
	int port;
	uint8_t val[HIL_MAX_PORT_BYTES];
};

struct hil_direct {
	struct hil_link link;

	struct pend *pend; /* pokes stamped ahead of now, in cycle order */
	size_t npend;
	uint64_t pend_seq;

	/* Stamps travel as deltas: `at` is where the bridge stands once it
	 * has executed every command sent, `cycle` the cycle of its latest
	 * report (their deltas added up), ncmds the commands sent. */
	uint64_t at, cycle;
	unsigned long ncmds;
	uint8_t port_bytes[256]; /* the link's table of value lengths */

	uint8_t await_op; /* the reply a blocking call waits for, 0 if none */
	int got;
	struct hil_report rep;
	uint8_t repval[HIL_MAX_PORT_BYTES];

	/* run_to with samples: SAMPLE replies that follow the RUN's, into
	 * samp (HIL_MAX_PORT_BYTES each) while samp_got < samp_want. */
	size_t samp_want, samp_got;
	const int *samp_port;
	uint8_t *samp;

	int halted; /* the bridge stopped on a break or error: stop says which */
	struct hil_report stop;

	/* The lane of an in-process model (hil_model_lane): a poke stamped
	 * after `at` goes to the model itself, which makes it when the DUT
	 * enters its cycle, instead of crossing the byte port. The engine
	 * must pass lane_at (the latest entry's cycle) for all to be made.
	 * Not for a port watched (its reports come from the shell) nor while
	 * a break is armed (a break discards the pokes behind it). The same
	 * holds for pokes where the bridge stands (poke_now). */
	int can_lane, armed;
	uint64_t lane_base; /* the model's cycle at the session's cycle 0 */
	uint64_t lane_at;
	uint8_t *lane;
	size_t lane_len;
	uint8_t watched[256];

	char scheme[16]; /* the target's kind, for messages: sim, netlist, ftdi, ... */
	int internals;   /* a sim: model built for hil_peek_signal */
};

static int link_err(hil_t *h)
{
	struct hil_direct *d = h->direct;
	return hil_seterr(h, HIL_E_LINK, "%s", d->link.err);
}

static int on_msg(void *ctx, const uint8_t *msg, size_t n)
{
	hil_t *h = ctx;
	struct hil_direct *d = h->direct;
	struct hil_report r;
	if (hil_report_decode(msg, n, &d->link.ports, &r) < 0)
		return hil_fail(d->link.err, sizeof(d->link.err), "link: malformed report");
	d->cycle += r.delta;
	r.cycle = d->cycle;
	switch (r.op) {
	case HIL_RE_TICK:
		return 0;
	case HIL_RE_WATCH:
		if (r.port >= h->ports.n || r.len != h->ports.port[r.port].nbytes)
			return hil_fail(d->link.err, sizeof(d->link.err),
					"link: watch report for port %u with %u bytes does "
					"not match the port list",
					r.port, r.len);
		/* A write failure shows at the next call, through record(). */
		hil_log_put(&h->log, HIL_LOG_REPORT, r.cycle, r.port, r.value);
		if (h->watch && h->watch[r.port].fn)
			h->watch[r.port].fn(h->watch[r.port].user, r.port, r.cycle, r.value);
		return 0;
	case HIL_RE_BREAK:
	case HIL_RE_ERROR:
		d->halted = 1;
		d->stop = r;
		return 0;
	default:
		break;
	}
	/* The samples behind a run come once its reply has. */
	if (r.op == HIL_RE_SAMPLE && d->samp_got < d->samp_want && (!d->await_op || d->got)) {
		int want = d->samp_port[d->samp_got];
		if (r.port != want || r.len != h->ports.port[want].nbytes)
			return hil_fail(
				d->link.err, sizeof(d->link.err),
				"link: sample report does not match the one asked for");
		memcpy(d->samp + d->samp_got++ * HIL_MAX_PORT_BYTES, r.value, r.len);
		return 0;
	}
	if (r.op != d->await_op || d->got)
		return hil_fail(d->link.err, sizeof(d->link.err),
				"link: unexpected report 0x%02x from the bridge", r.op);
	if (r.op == HIL_RE_SAMPLE) {
		if (r.port >= h->ports.n || r.len != h->ports.port[r.port].nbytes)
			return hil_fail(d->link.err, sizeof(d->link.err),
					"link: sample report does not match the port list");
		memcpy(d->repval, r.value, r.len);
		r.value = d->repval;
	}
	d->rep = r;
	d->got = 1;
	return 0;
}

static int raw_send(hil_t *h, const uint8_t *m, size_t n)
{
	struct hil_direct *d = h->direct;
	d->ncmds++;
	return hil_link_send(&d->link, m, n) < 0 ? link_err(h) : HIL_OK;
}

/* WAITs that take the bridge to cycle c. */
static int wait_to(hil_t *h, uint64_t c)
{
	struct hil_direct *d = h->direct;
	uint8_t m[HIL_MSG_MAX];
	while (d->at < c) {
		uint64_t dt = c - d->at > HIL_DELTA_MAX ? HIL_DELTA_MAX : c - d->at;
		int rc = raw_send(h, m, hil_enc_wait(m, (uint16_t)dt));
		if (rc < 0)
			return rc;
		d->at += dt;
	}
	return HIL_OK;
}

static int poke_cmd(hil_t *h, int port, uint16_t dt, const uint8_t *val,
		    int (*send)(hil_t *, const uint8_t *, size_t))
{
	uint8_t m[HIL_MSG_MAX];
	return send(
		h, m,
		hil_enc_poke(m, dt, (uint8_t)port, val, (uint8_t)h->ports.port[port].nbytes));
}

/* Hands the gathered lane entries to the model. When it has no room, the
 * bridge goes on to the cycle before the first entry left, making the
 * entries the model holds, and the link runs until the model takes more.
 * Should it hold nothing but entries for that entry's own cycle, the
 * bridge goes on to that cycle too, and the entries left for it go as
 * POKEs, since the bridge then stands there. */
static int lane_flush(hil_t *h)
{
	struct hil_direct *d = h->direct;
	struct hil_transport *t = d->link.t;
	size_t off = 0;
	int rc = HIL_OK;
	while (rc == HIL_OK && off < d->lane_len) {
		const uint8_t *e = d->lane + off;
		uint64_t c = 0;
		for (int i = 7; i >= 0; i--)
			c = c << 8 | e[i];
		c -= d->lane_base;
		if (c < d->at) {
			rc = hil_seterr(h, HIL_E_LINK,
					"a lane poke for cycle %llu with the bridge at %llu "
					"(a bug in hil)",
					(unsigned long long)c, (unsigned long long)d->at);
		} else if (c == d->at) {
			rc = poke_cmd(h, e[8], 0, e + LANE_HDR, raw_send);
			off += LANE_HDR + e[9];
		} else {
			ssize_t n = t->ops->lane(t, e, d->lane_len - off);
			if (n < 0)
				rc = hil_seterr(h, HIL_E_LINK, "%s", t->err);
			else if (n > 0)
				off += (size_t)n;
			else if (d->halted) /* the bridge will not go on to make room */
				rc = hil_seterr(
					h, HIL_E_BRIDGE,
					"the bridge stopped at cycle %llu with pokes for "
					"later cycles waiting",
					(unsigned long long)d->stop.cycle);
			else {
				uint64_t dut = t->ops->cycles(t) - d->lane_base;
				rc = wait_to(h, dut + 1 >= c ? c : c - 1);
				if (rc == HIL_OK && hil_link_pump(&d->link, t->rto_ms, 0) < 0)
					rc = link_err(h);
			}
		}
	}
	/* What the model took, it keeps, also on failure. */
	memmove(d->lane, d->lane + off, d->lane_len - off);
	d->lane_len -= off;
	return rc;
}

/* Every command goes after the lane's entries: the model holds them
 * before the bridge can reach their cycles. */
static int send_cmd(hil_t *h, const uint8_t *m, size_t n)
{
	struct hil_direct *d = h->direct;
	int rc = d->lane_len ? lane_flush(h) : HIL_OK;
	return rc < 0 ? rc : raw_send(h, m, n);
}

/* The delta of a command stamped `stamp`, after the WAITs that take the
 * bridge to where one command's delta reaches. */
static int reach(hil_t *h, uint64_t stamp, uint16_t *delta)
{
	struct hil_direct *d = h->direct;
	uint8_t m[HIL_MSG_MAX];
	/* The lane's entries go with the bridge where it stands. */
	if (d->lane_len) {
		int rc = lane_flush(h);
		if (rc < 0)
			return rc;
	}
	if (stamp < d->at || stamp < d->lane_at)
		return hil_seterr(
			h, HIL_E_LINK,
			"a command stamped %llu after one stamped %llu (a bug in hil)",
			(unsigned long long)stamp,
			(unsigned long long)(d->at > d->lane_at ? d->at : d->lane_at));
	while (stamp - d->at > HIL_DELTA_MAX) {
		int rc = send_cmd(h, m, hil_enc_wait(m, HIL_DELTA_MAX));
		if (rc < 0)
			return rc;
		d->at += HIL_DELTA_MAX;
	}
	*delta = (uint16_t)(stamp - d->at);
	d->at = stamp;
	return HIL_OK;
}

/* Before a command that is not stamped (it runs where the bridge stands):
 * the bridge goes through every lane entry first. */
static int lane_settle(hil_t *h)
{
	struct hil_direct *d = h->direct;
	int rc = d->lane_len ? lane_flush(h) : HIL_OK;
	return rc < 0 ? rc : wait_to(h, d->lane_at);
}

/* Pumps the link until the awaited reply, or a break or error, arrives. */
static int await(hil_t *h, uint8_t op)
{
	struct hil_direct *d = h->direct;
	d->await_op = op;
	d->got = 0;
	while (!d->got && !(d->halted && op != HIL_RE_RESUME))
		if (hil_link_pump(&d->link, d->link.t->rto_ms, 1) < 0)
			return link_err(h);
	d->await_op = 0;
	return HIL_OK;
}

/* Leaves the halted state; returns how many commands the bridge discarded,
 * or a negative status. */
static long resume(hil_t *h)
{
	struct hil_direct *d = h->direct;
	uint8_t m[HIL_MSG_MAX];
	d->halted = 0;
	int rc = raw_send(h, m, hil_enc_resume(m));
	if (rc == HIL_OK)
		rc = await(h, HIL_RE_RESUME);
	/* A halted bridge stands where it stopped, whatever was sent since,
	 * and the lane's pokes beyond it will not be made. */
	d->at = d->lane_at = d->cycle;
	d->lane_len = 0;
	if (d->can_lane)
		d->link.t->ops->lane(d->link.t, NULL, 0);
	return rc < 0 ? rc : (long)d->rep.discarded;
}

static int bridge_refused(hil_t *h)
{
	struct hil_direct *d = h->direct;
	struct hil_report s = d->stop;
	resume(h);
	return hil_seterr(h, HIL_E_BRIDGE,
			  "the bridge refused command 0x%02x at "
			  "cycle %llu: %s",
			  s.cmd_op, (unsigned long long)s.cycle,
			  hil_bridge_error_name(s.code));
}

/* A poke into the lane: the model makes it after the DUT's edge into
 * `cycle`, where a POKE stamped `cycle` would have run, with every command
 * sent so far (stamped at `at` or before) behind it. */
static int lane_put(hil_t *h, int port, uint64_t cycle, const uint8_t *val)
{
	struct hil_direct *d = h->direct;
	size_t nb = h->ports.port[port].nbytes;
	if (d->lane_len + LANE_HDR + nb > LANE_BUF) {
		int rc = lane_flush(h);
		if (rc < 0)
			return rc;
	}
	uint8_t *e = d->lane + d->lane_len;
	uint64_t c = cycle + d->lane_base;
	for (int i = 0; i < 8; i++)
		e[i] = (uint8_t)(c >> (8 * i));
	e[8] = (uint8_t)port;
	e[9] = (uint8_t)nb;
	memcpy(e + LANE_HDR, val, nb);
	d->lane_len += LANE_HDR + nb;
	d->lane_at = cycle;
	return HIL_OK;
}

/* A poke where the bridge stands, once it has executed every command sent
 * (all acknowledged, and the model's bridge idle): the model makes it at
 * once, as that POKE would have been made, so a lock-step loop's pokes
 * cost no bytes. Returns 1 when made, 0 when it must go as a POKE. */
static int poke_now(hil_t *h, int port, uint64_t cycle, const uint8_t *val)
{
	struct hil_direct *d = h->direct;
	struct hil_transport *t = d->link.t;
	if (cycle != d->at || d->lane_len || d->lane_at > cycle || d->halted ||
	    !hil_link_drained(&d->link))
		return 0;
	int rc = t->ops->poke_now(t, cycle + d->lane_base, port, val,
				  h->ports.port[port].nbytes);
	return rc < 0 ? hil_seterr(h, HIL_E_LINK, "%s", t->err) : rc;
}

static int send_poke(hil_t *h, int port, uint64_t cycle, const uint8_t *val)
{
	struct hil_direct *d = h->direct;
	if (d->can_lane && !d->armed && !d->watched[port]) {
		if (cycle > d->at && cycle >= d->lane_at)
			return lane_put(h, port, cycle, val);
		int rc = poke_now(h, port, cycle, val);
		if (rc != 0)
			return rc < 0 ? rc : HIL_OK;
	}
	uint16_t dt;
	int rc = reach(h, cycle, &dt);
	return rc < 0 ? rc : poke_cmd(h, port, dt, val, send_cmd);
}

/* Sends the scheduled pokes stamped up to `upto`, in cycle order. Returns
 * how many were sent, or a negative status. */
static long flush_pending(hil_t *h, uint64_t upto)
{
	struct hil_direct *d = h->direct;
	size_t i = 0;
	for (; i < d->npend && d->pend[i].cycle <= upto; i++) {
		int rc = send_poke(h, d->pend[i].port, d->pend[i].cycle, d->pend[i].val);
		if (rc < 0)
			return rc;
		d->pend[i].cmd = d->ncmds - 1;
	}
	return (long)i;
}

/* Drops the first n scheduled pokes, which flush_pending() sent. */
static void drop_pending(hil_t *h, size_t n)
{
	struct hil_direct *d = h->direct;
	memmove(d->pend, d->pend + n, (d->npend - n) * sizeof(*d->pend));
	d->npend -= n;
}

static int schedule(hil_t *h, int port, uint64_t cycle, const uint8_t *val)
{
	struct hil_direct *d = h->direct;
	if (d->npend >= MAX_PENDING)
		return hil_seterr(h, HIL_E_FULL,
				  "more than %d pokes scheduled ahead: "
				  "run to some of them first",
				  MAX_PENDING);
	size_t lo = 0, hi = d->npend;
	while (lo < hi) { /* after every entry with the same or an earlier cycle */
		size_t mid = (lo + hi) / 2;
		if (d->pend[mid].cycle <= cycle)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(d->pend + lo + 1, d->pend + lo, (d->npend - lo) * sizeof(*d->pend));
	struct pend *e = &d->pend[lo];
	e->cycle = cycle;
	e->seq = d->pend_seq++;
	e->port = port;
	memcpy(e->val, val, h->ports.port[port].nbytes);
	d->npend++;
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

/* Sends the pokes scheduled up to `target` and a RUN to it, with k ports
 * the SAMPLEs right behind it, then waits for RUN_R or a break. On a
 * break returns HIL_OK with *broke set and the pokes the bridge discarded
 * scheduled again. */
static int run_to(hil_t *h, uint64_t target, int *broke, size_t k, const int *ports,
		  uint8_t *vals)
{
	struct hil_direct *d = h->direct;
	uint8_t m[HIL_MSG_MAX];
	uint16_t dt;
	*broke = 0;
	unsigned long first = d->ncmds;
	long sent = flush_pending(h, target);
	if (sent < 0)
		return (int)sent;
	int rc = reach(h, target, &dt);
	if (rc == HIL_OK)
		rc = send_cmd(h, m, hil_enc_run(m, dt));
	for (size_t i = 0; rc == HIL_OK && i < k; i++)
		rc = send_cmd(h, m, hil_enc_sample(m, 0, (uint8_t)ports[i]));
	d->samp_want = k;
	d->samp_got = 0;
	d->samp_port = ports;
	d->samp = vals;
	if (rc == HIL_OK)
		rc = await(h, HIL_RE_RUN);
	while (rc == HIL_OK && !d->halted && d->samp_got < k)
		if (hil_link_pump(&d->link, d->link.t->rto_ms, 1) < 0)
			rc = link_err(h);
	d->samp_want = d->samp_got = 0;
	if (rc < 0)
		return rc;
	if (!d->halted) {
		drop_pending(h, (size_t)sent);
		h->now = target;
		return HIL_OK;
	}
	if (d->stop.op == HIL_RE_ERROR)
		return bridge_refused(h);
	uint64_t at = d->stop.cycle;
	long discarded = resume(h);
	if (discarded < 0)
		return (int)discarded;
	/* The RUN, the samples behind it and the last pokes (and WAITs)
	 * before it did not run: keep those pokes. */
	unsigned long total = d->ncmds - 1 - first; /* the RESUME aside */
	if (discarded < 1 + (long)k || (unsigned long)discarded > total)
		return hil_seterr(h, HIL_E_LINK,
				  "bridge discarded %ld commands, expected "
				  "%ld to %lu",
				  discarded, 1 + (long)k, total);
	size_t ran = 0;
	while (ran < (size_t)sent &&
	       d->pend[ran].cmd < first + total - (unsigned long)discarded)
		ran++;
	drop_pending(h, ran);
	h->now = at;
	*broke = 1;
	return HIL_OK;
}

/* The handshake: protocol version, and the DUT the target really runs. */
static int hello(hil_t *h, const char *ports_path)
{
	struct hil_direct *d = h->direct;
	uint8_t m[HIL_MSG_MAX];
	int rc = send_cmd(h, m, hil_enc_hello(m, 0x5A));
	if (rc == HIL_OK)
		rc = await(h, HIL_RE_HELLO);
	if (rc < 0)
		return rc;
	if (d->halted)
		return bridge_refused(h);
	const struct hil_report *r = &d->rep;
	if (r->version != HIL_PROTO_VERSION)
		return hil_seterr(h, HIL_E_OPEN,
				  "the bridge speaks protocol version %u, this hil speaks "
				  "%u: the bitstream (or model) was built by %s hil; "
				  "rebuild it with this one (hil bitstream, then flash it)",
				  r->version, HIL_PROTO_VERSION,
				  r->version < HIL_PROTO_VERSION ? "an older" : "a newer");
	if (r->signature != h->ports.signature) {
		char other[2400] = "";
		hil_dut_name_of(r->signature, other, sizeof(other));
		return hil_seterr(h, HIL_E_SIGNATURE,
				  "the target runs DUT %s(signature %016llx), but %s "
				  "describes DUT '%s'%s%s (signature %016llx): rebuild the "
				  "target for this DUT, or use the ports.json it was "
				  "built with",
				  other, (unsigned long long)r->signature, ports_path,
				  h->ports.top, h->ports.params[0] ? " with " : "",
				  h->ports.params, (unsigned long long)h->ports.signature);
	}
	if (r->nports != h->ports.n || r->nbreak < 1 || r->max_payload < 16)
		return hil_seterr(h, HIL_E_OPEN,
				  "the bridge reports parameters hil "
				  "cannot use (ports %u, break units %u, payload %u)",
				  r->nports, r->nbreak, r->max_payload);
	/* A session's cycles count from its SYNC. */
	h->now = 0;
	d->link.maxpay = r->max_payload < HIL_FRAME_MAXPAY ? r->max_payload : HIL_FRAME_MAXPAY;
	return HIL_OK;
}

static int direct_poke_at(hil_t *h, int port, uint64_t cycle, const uint8_t *val)
{
	if (cycle > h->now)
		return schedule(h, port, cycle, val);
	int rc = flush_now(h);
	return rc < 0 ? rc : send_poke(h, port, cycle, val);
}

static int direct_peek(hil_t *h, int port, uint8_t *val)
{
	struct hil_direct *d = h->direct;
	uint8_t m[HIL_MSG_MAX];
	uint16_t dt;
	int rc = flush_now(h);
	if (rc == HIL_OK)
		rc = reach(h, h->now, &dt);
	if (rc == HIL_OK)
		rc = send_cmd(h, m, hil_enc_sample(m, dt, (uint8_t)port));
	if (rc == HIL_OK)
		rc = await(h, HIL_RE_SAMPLE);
	if (rc < 0)
		return rc;
	if (d->halted)
		return bridge_refused(h);
	memcpy(val, d->repval, h->ports.port[port].nbytes);
	return HIL_OK;
}

static int direct_watch(hil_t *h, int port, int on)
{
	uint8_t m[HIL_MSG_MAX];
	uint16_t dt;
	int rc = flush_now(h);
	if (rc == HIL_OK)
		rc = reach(h, h->now, &dt);
	if (rc == HIL_OK)
		rc = send_cmd(h, m, hil_enc_watch(m, dt, (uint8_t)port, on));
	if (rc == HIL_OK)
		h->direct->watched[port] = (uint8_t)on;
	return rc;
}

static int direct_wait(hil_t *h, int port, int ne, const uint8_t *val, const uint8_t *mask,
		       uint64_t timeout, uint64_t *at)
{
	uint8_t m[HIL_MSG_MAX];
	uint16_t dt;
	int rc = flush_now(h);
	if (rc == HIL_OK)
		rc = reach(h, h->now, &dt);
	if (rc == HIL_OK)
		rc = send_cmd(h, m,
			      hil_enc_break(m, dt, 0, (uint8_t)port, ne ? 2 : 1, val, mask,
					    (uint8_t)h->ports.port[port].nbytes));
	int broke = 0;
	struct hil_direct *d = h->direct;
	d->armed = 1;
	if (rc == HIL_OK)
		rc = run_to(h, h->now + timeout, &broke, 0, NULL, NULL);
	if (rc == HIL_OK)
		rc = hil_record(h, HIL_LOG_TIME, -1, h->now, NULL);
	if (rc < 0)
		return rc;
	if (broke) {
		/* A break that fires disarms its unit. */
		d->armed = 0;
		if (at)
			*at = h->now;
		return HIL_OK;
	}
	/* Timed out: the unit is still armed; disarm it where we stand. */
	rc = reach(h, h->now, &dt);
	if (rc == HIL_OK)
		rc = send_cmd(h, m, hil_enc_break(m, dt, 0, 0, 0, NULL, NULL, 0));
	if (rc == HIL_OK)
		d->armed = 0;
	return rc < 0 ? rc : HIL_TIMEOUT;
}

static int direct_sync(hil_t *h)
{
	struct hil_direct *d = h->direct;
	uint8_t m[HIL_MSG_MAX];
	int rc = lane_settle(h);
	if (rc == HIL_OK)
		rc = raw_send(h, m, hil_enc_status(m));
	if (rc == HIL_OK)
		rc = await(h, HIL_RE_STATUS);
	if (rc == HIL_OK && d->halted)
		return bridge_refused(h);
	return rc;
}

static int direct_stats(hil_t *h, struct hil_link_stats *s)
{
	struct hil_direct *d = h->direct;
	int rc = direct_sync(h);
	if (rc < 0)
		return rc;
	s->frames_in = d->link.frames_in;
	s->frames_out = d->link.frames_out;
	s->bad_frames = d->link.bad_frames;
	s->retransmits = d->link.retransmits;
	s->naks = d->link.naks;
	s->bridge_crc_errors = d->rep.crc_errors;
	s->bridge_seq_errors = d->rep.seq_errors;
	s->bridge_phy_errors = d->rep.phy_errors;
	return HIL_OK;
}

/* The model stands still between runs; once the bridge has executed
 * every command (the pokes at now included), its insides are at now. */
static int direct_signal(hil_t *h, const char *name, uint8_t *val, unsigned *width)
{
	struct hil_direct *d = h->direct;
	struct hil_transport *t = d->link.t;
	if (!t->ops->signal)
		return hil_seterr(h, HIL_E_ARG,
				  "'%s': internal signals are simulation-only; a %s: target "
				  "reaches the DUT's ports alone: read it on sim:DIR",
				  name, d->scheme);
	if (!d->internals)
		return hil_seterr(h, HIL_E_ARG,
				  "'%s': reading inside the DUT needs its model built for it: "
				  "open the target with internals (hil_options.internals; in "
				  "Python, hil.open(..., internals=True))",
				  name);
	int rc = flush_now(h);
	if (rc == HIL_OK)
		rc = direct_sync(h);
	if (rc < 0)
		return rc;
	if (!t->ops->signal(t, name, val, HIL_MAX_PORT_BYTES, width))
		return hil_seterr(h, HIL_E_ARG, "%s", t->err);
	return HIL_OK;
}

static void direct_close(hil_t *h)
{
	struct hil_direct *d = h->direct;
	if (!d)
		return;
	hil_link_close(&d->link);
	free(d->pend);
	free(d->lane);
	free(h->direct);
	h->direct = NULL;
}

const struct hil_backend hil_direct_backend = {
	.poke_at = direct_poke_at,
	.peek = direct_peek,
	.run = run_to,
	.watch = direct_watch,
	.wait = direct_wait,
	.sync = direct_sync,
	.stats = direct_stats,
	.signal = direct_signal,
	.close = direct_close,
	.samples_with_run = 1,
};

int hil_direct_open(hil_t *h, const struct hil_target *tg, const struct hil_options *opt,
		    char *err, size_t errlen)
{
	char msg[2048];
	struct hil_dut_build b;
	const char *kind = tg->scheme, *dir = tg->dir, *what = tg->what;
	/* A real board needs only the DUT's port list: the bitstream that
	 * holds the bridge was flashed before. */
	struct hil_board_target bt;
	int real = tg->kind == HIL_TARGET_BOARD;
	if (real) {
		if (hil_board_target_parse(kind, tg->mid, &bt, err, errlen) < 0)
			return HIL_E_ARG;
		what = "ports";
	}
	struct hil_dut_options dopt = {
		.params = opt->params, .defines = opt->defines, .includes = opt->includes};
	/* Waves come from a model built with tracing, so that one without
	 * costs nothing. */
	size_t wl = opt->waves ? strlen(opt->waves) : 0;
	int fst = wl > 4 && !strcmp(opt->waves + wl - 4, ".fst");
	if (opt->waves && strcmp(what, "sim")) {
		hil_fail(err, errlen,
			 "waveforms of every DUT signal come from the simulator (sim:DIR); on "
			 "%s use the port-level VCD (hil run --vcd)",
			 kind);
		return HIL_E_ARG;
	}
	if (opt->waves && !fst && !(wl > 4 && !strcmp(opt->waves + wl - 4, ".vcd"))) {
		hil_fail(err, errlen, "%s: name the waveform file .vcd or .fst", opt->waves);
		return HIL_E_ARG;
	}
	if (opt->internals && strcmp(what, "sim")) {
		hil_fail(err, errlen,
			 "internal signals are simulation-only: %s: targets reach the DUT's "
			 "ports alone (read them on sim:DIR)",
			 kind);
		return HIL_E_ARG;
	}
	/* Each costs speed, so a model has it only when asked. */
	static const char *const variant[2][3] = {
		{"sim", "sim-vcd", "sim-fst"}, {"sim-peek", "sim-peek-vcd", "sim-peek-fst"}};
	if (!strcmp(what, "sim"))
		what = variant[!!opt->internals][opt->waves ? 1 + fst : 0];
	if (hil_dut_prepare_opts(dir, opt->top, what, &dopt, &b, err, errlen) < 0)
		return HIL_E_OPEN;
	const char *ports_path = opt->ports ? opt->ports : b.ports_json;
	if (hil_ports_load(&h->ports, ports_path, err, errlen) < 0)
		return HIL_E_OPEN;
	h->be = &hil_direct_backend;
	struct hil_direct *d = h->direct = calloc(1, sizeof(*h->direct));
	if (!d || !(d->pend = calloc(MAX_PENDING, sizeof(*d->pend)))) {
		hil_fail(err, errlen, "out of memory");
		return HIL_E_OPEN;
	}
	snprintf(d->scheme, sizeof(d->scheme), "%s", kind);
	d->internals = opt->internals;
	struct hil_transport *t;
	if (real)
		t = hil_board_target_open(&bt, kind, dir, h->ports.signature, msg,
					  sizeof(msg));
	else if (!strncmp(what, "sim", 3))
		t = hil_transport_model(b.sim, opt->waves, msg, sizeof(msg));
	else
		t = hil_transport_sim(b.sim, msg, sizeof(msg));
	const char *faults = opt->faults ? opt->faults : getenv("HIL_FAULTS");
	if (t && faults && *faults) {
		struct hil_transport *f = hil_transport_fault(t, faults, msg, sizeof(msg));
		if (!f)
			t->ops->close(t);
		t = f;
	}
	if (!t) {
		hil_fail(err, errlen, "%s", msg);
		return HIL_E_OPEN;
	}
	if (hil_link_open(&d->link, t, on_msg, h) < 0) {
		hil_fail(err, errlen, "%s", d->link.err);
		return HIL_E_LINK;
	}
	for (size_t i = 0; i < h->ports.n && i < sizeof(d->port_bytes); i++)
		d->port_bytes[i] = (uint8_t)h->ports.port[i].nbytes;
	d->link.ports = (struct hil_port_bytes){
		d->port_bytes,
		h->ports.n < sizeof(d->port_bytes) ? h->ports.n : sizeof(d->port_bytes)};
	int rc = hello(h, ports_path);
	if (rc < 0) {
		hil_fail(err, errlen, "%s", h->err);
		return rc;
	}
	/* The lane counts the model's cycles; the session's start from 0 here,
	 * where the bridge has executed everything and stands still. */
	if (t->ops->lane && t->ops->poke_now && h->ports.n <= sizeof(d->watched)) {
		d->lane = malloc(LANE_BUF);
		if (!d->lane) {
			hil_fail(err, errlen, "out of memory");
			return HIL_E_OPEN;
		}
		d->lane_base = t->ops->cycles(t);
		d->can_lane = 1;
	}
	return HIL_OK;
}
