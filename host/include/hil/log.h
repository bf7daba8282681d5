/* The session log (docs/trace-log.md): what a session poked, watched and
 * ran to, and every cycle-stamped value it got back, one record a line.
 * libhil writes it when hil_options.record names a file; `hil replay`
 * re-applies the stimulus on another target and compares, and `hil trace
 * export` turns it into a VCD. The reader streams: a log of any length is
 * read in constant memory. */
#ifndef HIL_LOG_H
#define HIL_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hil/ports.h"

enum hil_log_kind {
	HIL_LOG_POKE = 'p',    /* stimulus: poke PORT VALUE stamped CYCLE */
	HIL_LOG_WATCH = 'w',   /* stimulus: watch PORT from CYCLE */
	HIL_LOG_UNWATCH = 'u', /* stimulus: unwatch PORT at CYCLE */
	HIL_LOG_TIME = 't',    /* stimulus: the DUT ran to CYCLE */
	HIL_LOG_SAMPLE = 's',  /* result: a peek of PORT at CYCLE gave VALUE */
	HIL_LOG_REPORT = 'r',  /* result: a watch reported VALUE at CYCLE */
	HIL_LOG_END = 'e'      /* the session closed at CYCLE */
};

struct hil_log_rec {
	enum hil_log_kind kind;
	uint64_t cycle;
	int port; /* -1 for TIME and END */
	uint8_t val[HIL_MAX_PORT_BYTES];
};

/* Writing (libhil uses this; records go out through stdio's buffer). */
struct hil_log_writer {
	FILE *f;
	const struct hil_ports *ports;
	int failed;
	char path[512];
};

int hil_log_create(struct hil_log_writer *w, const char *path, const char *target,
		   const struct hil_ports *ports, uint64_t now, char *err, size_t errlen);
/* Returns 0, or -1 once a write has failed (the disk is full, say). */
int hil_log_put(struct hil_log_writer *w, enum hil_log_kind kind, uint64_t cycle, int port,
		const uint8_t *val);
/* Writes the END record and closes; -1 if anything was lost. */
int hil_log_finish(struct hil_log_writer *w, uint64_t now);

/* Reading. */
struct hil_log_reader {
	FILE *f;
	char path[512];
	char target[1024];
	struct hil_ports ports; /* as the log lists them, signature checked */
	uint64_t begin;         /* the cycle the session started at */
	uint64_t hi;            /* the latest cycle a record other than a poke had */
	int ended;              /* the end record was read */
	unsigned long line;
};

int hil_log_open(struct hil_log_reader *r, const char *path, char *err, size_t errlen);
/* The next record: 1, 0 at the end of the file, -1 on a malformed line,
 * a cycle before one already recorded, anything after the end record, or
 * a last line cut off (with PATH:LINE in err). */
int hil_log_next(struct hil_log_reader *r, struct hil_log_rec *rec, char *err, size_t errlen);
void hil_log_close(struct hil_log_reader *r);

#endif
