/* The lossy-link shim (see transport.h): damages the byte stream in both
 * directions with a seeded generator, so a failing run can be replayed. It
 * sits where a flaky cable would, under the link layer, which must recover
 * from all of it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transport/transport.h"
#include "util/errfmt.h"

#define CAP 65536

struct fault {
	struct hil_transport t;
	struct hil_transport *in;
	double rate;
	int chunk1;
	uint64_t rng;
	unsigned char out[2 * CAP];
	size_t out_len, out_pos;
	unsigned char rx[2 * CAP];
	size_t rx_len, rx_pos;
};

static uint64_t next(struct fault *f)
{
	f->rng ^= f->rng << 13;
	f->rng ^= f->rng >> 7;
	f->rng ^= f->rng << 17;
	return f->rng;
}

static double uniform(struct fault *f)
{
	return (double)(next(f) >> 11) / (double)(1ull << 53);
}

/* Copies n bytes to dst with faults; dst holds 2n. Returns the new length. */
static size_t damage(struct fault *f, const unsigned char *src, size_t n, unsigned char *dst)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = src[i];
		if (uniform(f) >= f->rate) {
			dst[o++] = b;
			continue;
		}
		switch (next(f) % 4) {
		case 0: /* dropped */
			break;
		case 1: /* corrupted */
			dst[o++] = b ^ (unsigned char)(1 + next(f) % 255);
			break;
		case 2: /* duplicated */
			dst[o++] = b;
			dst[o++] = b;
			break;
		default: /* followed by noise */
			dst[o++] = b;
			dst[o++] = (unsigned char)next(f);
			break;
		}
	}
	return o;
}

static int flush(struct fault *f)
{
	while (f->out_pos < f->out_len) {
		size_t n = f->chunk1 ? 1 : f->out_len - f->out_pos;
		ssize_t r = f->in->ops->write(f->in, f->out + f->out_pos, n);
		if (r < 0)
			return hil_fail(f->t.err, sizeof(f->t.err), "%s", f->in->err);
		if (r == 0)
			return 0;
		f->out_pos += (size_t)r;
	}
	f->out_pos = f->out_len = 0;
	return 0;
}

static ssize_t fault_write(struct hil_transport *t, const void *p, size_t n)
{
	struct fault *f = (struct fault *)t;
	if (flush(f) < 0)
		return -1;
	if (f->out_len)
		return 0;
	if (n > CAP)
		n = CAP;
	f->out_len = damage(f, p, n, f->out);
	if (flush(f) < 0)
		return -1;
	return (ssize_t)n;
}

static ssize_t fault_read(struct hil_transport *t, void *p, size_t n)
{
	struct fault *f = (struct fault *)t;
	if (flush(f) < 0)
		return -1;
	if (f->rx_pos == f->rx_len) {
		unsigned char raw[CAP];
		ssize_t r = f->in->ops->read(f->in, raw, sizeof(raw));
		if (r < 0)
			return hil_fail(t->err, sizeof(t->err), "%s", f->in->err);
		f->rx_pos = 0;
		f->rx_len = damage(f, raw, (size_t)r, f->rx);
	}
	size_t avail = f->rx_len - f->rx_pos;
	if (n > avail)
		n = avail;
	if (f->chunk1 && n > 1)
		n = 1;
	memcpy(p, f->rx + f->rx_pos, n);
	f->rx_pos += n;
	return (ssize_t)n;
}

static int fault_wait(struct hil_transport *t, int want_write, int timeout_ms)
{
	struct fault *f = (struct fault *)t;
	if (flush(f) < 0)
		return -1;
	if (f->rx_pos < f->rx_len)
		return 0;
	int r = f->in->ops->wait(f->in, want_write || f->out_len, timeout_ms);
	if (r < 0)
		hil_fail(t->err, sizeof(t->err), "%s", f->in->err);
	return r;
}

static void fault_close(struct hil_transport *t)
{
	struct fault *f = (struct fault *)t;
	f->in->ops->close(f->in);
	free(f);
}

/* Reads inside the model do not cross the damaged link. */
static int fault_signal(struct hil_transport *t, const char *name, uint8_t *val, size_t cap,
			unsigned *width)
{
	struct fault *f = (struct fault *)t;
	if (!f->in->ops->signal) {
		hil_fail(t->err, sizeof(t->err), "the target has no internal signals");
		return 0;
	}
	int r = f->in->ops->signal(f->in, name, val, cap, width);
	if (!r)
		hil_fail(t->err, sizeof(t->err), "%s", f->in->err);
	return r;
}

static const struct hil_transport_ops fault_ops = {
	.write = fault_write,
	.read = fault_read,
	.wait = fault_wait,
	.close = fault_close,
	.signal = fault_signal,
};

struct hil_transport *hil_transport_fault(struct hil_transport *inner, const char *spec,
					  char *err, size_t errlen)
{
	double rate = -1;
	unsigned long long seed = 1;
	int chunk1 = 0;
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *save, *kv = strtok_r(buf, ",", &save); kv;
	     kv = strtok_r(NULL, ",", &save)) {
		char *end;
		if (!strncmp(kv, "rate=", 5)) {
			rate = strtod(kv + 5, &end);
		} else if (!strncmp(kv, "seed=", 5)) {
			seed = strtoull(kv + 5, &end, 0);
		} else if (!strcmp(kv, "chunk=1")) {
			chunk1 = 1;
			continue;
		} else if (!strcmp(kv, "chunk=burst")) {
			continue;
		} else {
			hil_fail(err, errlen,
				 "fault spec '%s': unknown item '%s' "
				 "(want rate=R,seed=N,chunk=1|burst)",
				 spec, kv);
			return NULL;
		}
		if (*end) {
			hil_fail(err, errlen, "fault spec '%s': bad number in '%s'", spec, kv);
			return NULL;
		}
	}
	if (!(rate >= 0 && rate < 0.5)) {
		hil_fail(err, errlen, "fault spec '%s': rate must be in [0, 0.5)", spec);
		return NULL;
	}
	struct fault *f = calloc(1, sizeof(*f));
	if (!f) {
		hil_fail(err, errlen, "out of memory");
		return NULL;
	}
	f->t.ops = &fault_ops;
	f->t.rto_ms = inner->rto_ms;
	f->in = inner;
	f->rate = rate;
	f->chunk1 = chunk1;
	f->rng = seed ? seed * 0x9E3779B97F4A7C15ull : 1;
	return &f->t;
}
