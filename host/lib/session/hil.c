/* libhil's public API (hil/hil.h): checks each call's arguments against
 * the DUT's ports and the 48-bit cycle counter, keeps the session log,
 * and hands the call to the session's backend (session.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/session.h"
#include "util/errfmt.h"

int hil_seterr(hil_t *h, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
	return code;
}

int hil_record(hil_t *h, enum hil_log_kind kind, int port, uint64_t cycle, const uint8_t *val)
{
	if (hil_log_put(&h->log, kind, cycle, port, val) < 0)
		return hil_seterr(h, HIL_E_RECORD,
				  "session log %s: a write failed (is the "
				  "disk full?); the run stops rather than go on unrecorded",
				  h->log.path);
	return HIL_OK;
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

int hil_poke(hil_t *h, int port, const uint8_t *val)
{
	return hil_poke_at(h, port, h->now, val);
}

int hil_poke_at(hil_t *h, int port, uint64_t cycle, const uint8_t *val)
{
	int rc = check_port(h, port);
	if (rc == HIL_OK && !h->ports.port[port].is_input)
		rc = hil_seterr(h, HIL_E_ARG,
				"port '%s' is an output: only inputs take "
				"pokes",
				h->ports.port[port].name);
	if (rc == HIL_OK)
		rc = check_value(h, port, val);
	if (rc == HIL_OK && cycle < h->now)
		rc = hil_seterr(h, HIL_E_ARG,
				"poke of '%s' at cycle %llu, but the DUT is "
				"at cycle %llu already",
				h->ports.port[port].name, (unsigned long long)cycle,
				(unsigned long long)h->now);
	if (rc == HIL_OK && cycle > CYCLE_MAX)
		rc = hil_seterr(h, HIL_E_ARG, "cycle %llu is beyond the 48-bit counter",
				(unsigned long long)cycle);
	if (rc == HIL_OK)
		rc = hil_record(h, HIL_LOG_POKE, port, cycle, val);
	return rc < 0 ? rc : h->be->poke_at(h, port, cycle, val);
}

int hil_peek(hil_t *h, int port, uint8_t *val)
{
	int rc = check_port(h, port);
	if (rc == HIL_OK)
		rc = h->be->peek(h, port, val);
	return rc < 0 ? rc : hil_record(h, HIL_LOG_SAMPLE, port, h->now, val);
}

int hil_peek_signal(hil_t *h, const char *name, uint8_t *val, unsigned *width)
{
	size_t n = name ? strlen(name) : 0;
	if (!n || n > HIL_MAX_SIGNAL_NAME)
		return hil_seterr(h, HIL_E_ARG,
				  "name a signal inside the DUT, at most %d characters",
				  HIL_MAX_SIGNAL_NAME);
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.[]",
			    name[i]))
			return hil_seterr(h, HIL_E_ARG,
					  "a signal's path holds Verilog names, dots and [N] "
					  "only: the character 0x%02x is none of them",
					  (unsigned char)name[i]);
	return h->be->signal(h, name, val, width);
}

int hil_advance(hil_t *h, uint64_t n)
{
	if (n > CYCLE_MAX - h->now)
		return hil_seterr(h, HIL_E_ARG, "cannot advance past the 48-bit counter");
	h->now += n;
	return HIL_OK;
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
	if (cycle < h->now)
		return hil_seterr(h, HIL_E_ARG,
				  "run to cycle %llu, but the DUT is at "
				  "cycle %llu already",
				  (unsigned long long)cycle, (unsigned long long)h->now);
	if (cycle > CYCLE_MAX)
		return hil_seterr(h, HIL_E_ARG, "cycle %llu is beyond the 48-bit counter",
				  (unsigned long long)cycle);
	size_t k = h->be->samples_with_run ? n : 0;
	int rc = h->be->run(h, cycle, &broke, k, ports, vals);
	if (rc == HIL_OK)
		rc = hil_record(h, HIL_LOG_TIME, -1, h->now, NULL);
	if (rc == HIL_OK && broke)
		return hil_seterr(h, HIL_E_BRIDGE, "a break stopped the run at cycle %llu",
				  (unsigned long long)h->now);
	for (size_t i = 0; rc == HIL_OK && i < k; i++)
		rc = hil_record(h, HIL_LOG_SAMPLE, ports[i], h->now,
				vals + i * HIL_MAX_PORT_BYTES);
	/* A backend without samples in the run reads them after it. */
	for (size_t i = k; rc == HIL_OK && i < n; i++)
		rc = hil_peek(h, ports[i], vals + i * HIL_MAX_PORT_BYTES);
	return rc;
}

static int set_watch(hil_t *h, int port, int on)
{
	int rc = check_port(h, port);
	if (rc == HIL_OK)
		rc = h->be->watch(h, port, on);
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

int hil_wait(hil_t *h, int port, int ne, const uint8_t *val, const uint8_t *mask,
	     uint64_t timeout, uint64_t *at)
{
	uint8_t ones[HIL_MAX_PORT_BYTES];
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
	return h->be->wait(h, port, ne, val, mask, timeout, at);
}

int hil_sync(hil_t *h)
{
	return h->be->sync(h);
}

int hil_stats(hil_t *h, struct hil_link_stats *s)
{
	return h->be->stats(h, s);
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

int hil_open(hil_t **out, const char *uri, const struct hil_options *opt, char *err,
	     size_t errlen)
{
	static const struct hil_options none;
	struct hil_target tg;
	*out = NULL;
	if (!opt)
		opt = &none;
	if (hil_target_parse(uri, &tg, err, errlen) < 0)
		return HIL_E_ARG;
	hil_t *h = calloc(1, sizeof(*h));
	if (!h) {
		hil_fail(err, errlen, "out of memory");
		return HIL_E_OPEN;
	}
	int rc = tg.kind == HIL_TARGET_HILD ? hil_remote_open(h, uri, opt, err, errlen)
					    : hil_direct_open(h, &tg, opt, err, errlen);
	if (rc == HIL_OK && !(h->watch = calloc(h->ports.n + 1, sizeof(*h->watch)))) {
		hil_fail(err, errlen, "out of memory");
		rc = HIL_E_OPEN;
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

void hil_close(hil_t *h)
{
	if (!h)
		return;
	hil_log_finish(&h->log, h->now);
	if (h->be)
		h->be->close(h);
	hil_ports_free(&h->ports);
	free(h->watch);
	free(h);
}
