/* The trace of `hil run`: reports arrive in cycle order; within a cycle they
 * are printed in the script order, repeat blocks expanded, of the commands
 * that asked for them (docs/scripts.md), so
 * the trace only ever holds one cycle's reports. Also writes the VCD. */
#ifndef HIL_CLI_TRACE_H
#define HIL_CLI_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "hil/ports.h"
#include "vcd.h"

struct trace_rec {
	uint64_t cycle;
	int order, port;    /* order: the asking command's index in the script */
	const char *signal; /* port -1: a signal inside the DUT, this wide */
	unsigned width;
	uint8_t val[HIL_MAX_PORT_BYTES];
};

struct trace {
	const struct hil_ports *ports;
	FILE *out;
	struct vcd vcd;
	int has_vcd;
	struct trace_rec *rec;
	size_t n, cap;
	unsigned long total;
	int oom;
};

/* vcd may be NULL. */
void trace_init(struct trace *t, const struct hil_ports *ports, FILE *out, FILE *vcd);
void trace_add(struct trace *t, uint64_t cycle, int order, int port, const uint8_t *val);
/* A peek of a signal inside the DUT (simulation only: never in the VCD). */
void trace_add_signal(struct trace *t, uint64_t cycle, int order, const char *signal,
		      unsigned width, const uint8_t *val);
/* Prints what is held; call at the end and before reporting a failure. */
void trace_flush(struct trace *t);
void trace_free(struct trace *t);

#endif
