/* The sim transport in-process: the DUT's model (hil-model.so, see
 * host/sim/hil_model.h) loaded into this process, with no child and no
 * socket. Bytes written wait in a queue until the link waits or reads;
 * then the model runs, on the caller's thread, until it has something to
 * say, is idle, or the wait's time is up, so the link's timers behave as
 * with any transport. Nothing is lost between link and model. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../sim/hil_model.h"
#include "transport/transport.h"
#include "util/errfmt.h"
#include "util/clock.h"

/* Clocks per call into the model between looks at the time. */
#define SLICE 65536ul
#define QCAP  65536

struct model {
	struct hil_transport t;
	void *so;
	struct hil_model *m;
	int (*run)(struct hil_model *, const uint8_t *, size_t, size_t *, uint8_t *, size_t,
		   size_t *, unsigned long);
	void (*free_m)(struct hil_model *);
	int (*signal)(struct hil_model *, const char *, uint8_t *, size_t, unsigned *, char *,
		      size_t);
	uint64_t (*cycles)(const struct hil_model *);
	int (*lane)(struct hil_model *, const uint8_t *, size_t, size_t *, char *, size_t);
	void (*lane_clear)(struct hil_model *);
	int (*poke_now)(struct hil_model *, uint64_t, unsigned, const uint8_t *, size_t,
			char *, size_t);
	uint8_t in[QCAP], out[QCAP];
	size_t in_len, out_pos, out_len;
	int idle;
};

/* One slice of the model: takes queued input, appends output. */
static void step(struct model *s)
{
	if (s->out_pos == s->out_len)
		s->out_pos = s->out_len = 0;
	size_t taken = 0, made = 0;
	s->idle = s->run(s->m, s->in, s->in_len, &taken, s->out + s->out_len,
			 QCAP - s->out_len, &made, SLICE);
	memmove(s->in, s->in + taken, s->in_len - taken);
	s->in_len -= taken;
	s->out_len += made;
}

static ssize_t model_write(struct hil_transport *t, const void *p, size_t n)
{
	struct model *s = (struct model *)t;
	if (n > QCAP - s->in_len)
		n = QCAP - s->in_len;
	memcpy(s->in + s->in_len, p, n);
	s->in_len += n;
	s->idle = 0;
	return (ssize_t)n;
}

static ssize_t model_read(struct hil_transport *t, void *p, size_t n)
{
	struct model *s = (struct model *)t;
	if (s->out_pos == s->out_len && !s->idle)
		step(s);
	if (n > s->out_len - s->out_pos)
		n = s->out_len - s->out_pos;
	memcpy(p, s->out + s->out_pos, n);
	s->out_pos += n;
	return (ssize_t)n;
}

static int model_wait(struct hil_transport *t, int want_write, int timeout_ms)
{
	struct model *s = (struct model *)t;
	uint64_t start = hil_mono_ms();
	while (s->out_pos == s->out_len && !(want_write && s->in_len < QCAP)) {
		if (s->idle && s->in_len == 0)
			return 0; /* nothing will happen until the link writes */
		step(s);
		if (hil_mono_ms() - start >= (uint64_t)(timeout_ms > 0 ? timeout_ms : 0))
			break;
	}
	return 0;
}

static void model_close(struct hil_transport *t)
{
	struct model *s = (struct model *)t;
	s->free_m(s->m);
	dlclose(s->so);
	free(s);
}

static int model_signal(struct hil_transport *t, const char *name, uint8_t *val, size_t cap,
			unsigned *width)
{
	struct model *s = (struct model *)t;
	return s->signal(s->m, name, val, cap, width, t->err, sizeof(t->err));
}

static ssize_t model_lane(struct hil_transport *t, const uint8_t *p, size_t len)
{
	struct model *s = (struct model *)t;
	if (!p) {
		s->lane_clear(s->m);
		return 0;
	}
	size_t taken = 0;
	if (s->lane(s->m, p, len, &taken, t->err, sizeof(t->err)) < 0)
		return -1;
	return (ssize_t)taken;
}

/* The bridge is run until idle first (what it still had to send goes out
 * as it would have), a few slices at most: the caller knows every command
 * it wrote has run only once the bridge rests with nothing queued. And
 * the caller must have read all the bridge said: a halt among it (an
 * ERROR for a command) would leave the bridge idle short of the cycle,
 * discarding the POKE this stands for. */
static int model_poke_now(struct hil_transport *t, uint64_t cycle, int port,
			  const uint8_t *val, size_t len)
{
	struct model *s = (struct model *)t;
	for (int i = 0; i < 4 && !s->idle && QCAP - s->out_len >= 1024; i++)
		step(s);
	if (!s->idle || s->in_len || s->out_pos != s->out_len)
		return 0;
	return s->poke_now(s->m, cycle, (unsigned)port, val, len, t->err, sizeof(t->err));
}

static uint64_t model_cycles(struct hil_transport *t)
{
	struct model *s = (struct model *)t;
	return s->cycles(s->m);
}

static const struct hil_transport_ops model_ops = {
	.write = model_write,
	.read = model_read,
	.wait = model_wait,
	.close = model_close,
	.signal = model_signal,
	.lane = model_lane,
	.cycles = model_cycles,
	.poke_now = model_poke_now,
};

struct hil_transport *hil_transport_model(const char *so_path, const char *waves, char *err,
					  size_t errlen)
{
	struct model *s = calloc(1, sizeof(*s));
	if (!s) {
		hil_fail(err, errlen, "out of memory");
		return NULL;
	}
	s->so = dlopen(so_path, RTLD_NOW | RTLD_LOCAL);
	if (!s->so) {
		hil_fail(err, errlen, "cannot load the model: %s", dlerror());
		free(s);
		return NULL;
	}
	unsigned (*abi)(void);
	struct hil_model *(*make)(const char *, char *, size_t);
	*(void **)&abi = dlsym(s->so, "hil_model_abi");
	*(void **)&make = dlsym(s->so, "hil_model_new");
	*(void **)&s->run = dlsym(s->so, "hil_model_run");
	*(void **)&s->free_m = dlsym(s->so, "hil_model_free");
	*(void **)&s->signal = dlsym(s->so, "hil_model_signal");
	*(void **)&s->cycles = dlsym(s->so, "hil_model_cycles");
	*(void **)&s->lane = dlsym(s->so, "hil_model_lane");
	*(void **)&s->lane_clear = dlsym(s->so, "hil_model_lane_clear");
	*(void **)&s->poke_now = dlsym(s->so, "hil_model_poke_now");
	if (!abi || !make || !s->run || !s->free_m || !s->signal || !s->cycles || !s->lane ||
	    !s->lane_clear || !s->poke_now || abi() != HIL_MODEL_ABI) {
		hil_fail(err, errlen,
			 "%s is not a hil model of this version (ABI %d): "
			 "delete it and run again to rebuild",
			 so_path, HIL_MODEL_ABI);
		dlclose(s->so);
		free(s);
		return NULL;
	}
	s->m = make(waves, err, errlen);
	if (!s->m) {
		dlclose(s->so);
		free(s);
		return NULL;
	}
	s->t.ops = &model_ops;
	s->t.rto_ms = 100;
	return &s->t;
}
