/* libhil's insides, shared by hil.c (direct targets, over the link) and
 * remote.c (hild: targets, over the daemon's client protocol). */
#ifndef HIL_IMPL_H
#define HIL_IMPL_H

#include "hil/hil.h"
#include "hil/log.h"
#include "wire/link.h"
#include "wire/proto.h"

#define MAX_PENDING 65536
#define CYCLE_MAX ((1ull << 48) - 1)

struct pend {
	uint64_t cycle, seq;
	int port;
	uint8_t val[HIL_MAX_PORT_BYTES];
};

struct watcher {
	hil_watch_fn fn;
	void *user;
};

struct hil {
	struct hil_link link;
	struct hil_ports ports;
	uint64_t now;

	struct pend *pend;
	size_t npend;
	uint64_t pend_seq;

	struct watcher *watch;

	uint8_t await_op; /* the reply a blocking call waits for, 0 if none */
	int got;
	struct hil_report rep;
	uint8_t repval[HIL_MAX_PORT_BYTES];

	/* hil_run_and_peek: SAMPLE replies that follow the RUN's, into samp
	 * (HIL_MAX_PORT_BYTES each) while samp_got < samp_want. */
	size_t samp_want, samp_got;
	const int *samp_port;
	uint8_t *samp;

	int halted; /* the bridge stopped on a break or error: *stop says which */
	struct hil_report stop;

	struct hil_log_writer log; /* hil_options.record */
	struct hil_remote *remote; /* a hild: target */

	char err[512];
};

__attribute__((format(printf, 3, 4)))
int hil_seterr(hil_t *h, int code, const char *fmt, ...);
/* Appends to the session log, if there is one; HIL_E_RECORD on failure. */
int hil_record(hil_t *h, enum hil_log_kind kind, int port, uint64_t cycle,
	       const uint8_t *val);

/* remote.c: hil_open of "hild:..." and each API call for such a handle. */
int remote_open(hil_t *h, const char *uri, const struct hil_options *opt, char *err,
		size_t errlen);
void remote_close(hil_t *h);
int remote_poke_at(hil_t *h, int port, uint64_t cycle, const uint8_t *val);
int remote_peek(hil_t *h, int port, uint8_t *val);
int remote_run_until(hil_t *h, uint64_t cycle);
int remote_watch(hil_t *h, int port, int on);
int remote_wait(hil_t *h, int port, int ne, const uint8_t *val, const uint8_t *mask,
		uint64_t timeout, uint64_t *at);
int remote_sync(hil_t *h);
int remote_stats(hil_t *h, struct hil_link_stats *s);

#endif
