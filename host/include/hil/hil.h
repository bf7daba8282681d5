/* libhil: drive a DUT behind the hil bridge, on a board or in the Verilator
 * model, with cycle-exact results (docs/protocol.md, docs/libhil.md).
 *
 * A handle keeps `now`, the cycle at which the next command applies. Pokes
 * and watches at `now` are queued without a round trip; peek, step, run and
 * wait block until the bridge answers. Pokes for later cycles wait in the
 * handle until a run passes them, so commands always reach the bridge in
 * cycle order. Values are little-endian byte strings of the port's byte
 * count (hil_ports(h)->port[i].nbytes); bits above the width must be 0.
 *
 * Functions return HIL_OK (0) or a negative hil_status; hil_error() then
 * says what went wrong and what to do. Watch callbacks run inside libhil
 * calls and must not call libhil themselves. */
#ifndef HIL_HIL_H
#define HIL_HIL_H

#include <stddef.h>
#include <stdint.h>

#include "hil/ports.h"

typedef struct hil hil_t;

enum hil_status {
	HIL_OK = 0,
	HIL_TIMEOUT = 1,      /* hil_wait: the condition did not hold in time */
	HIL_E_ARG = -1,       /* bad port, value, cycle or option */
	HIL_E_LINK = -2,      /* the link to the target failed */
	HIL_E_BRIDGE = -3,    /* the bridge refused a command */
	HIL_E_SIGNATURE = -4, /* the target runs another DUT */
	HIL_E_OPEN = -5,      /* the target could not be built or started */
	HIL_E_FULL = -6,      /* too many pokes scheduled ahead */
	HIL_E_RECORD = -7,    /* the session log could not be written */
};

struct hil_options {
	const char *top;     /* sim: top module, if not the directory's name */
	const char *ports;   /* use this ports.json instead of the target's own */
	const char *faults;  /* lossy-link shim, see docs/libhil.md (tests) */
	const char *record;  /* write the session log (hil/log.h) to this file */
	const char *params;  /* DUT targets: the top's parameters, "WIDTH=16,DEPTH=4" */
	const char *defines; /* and macros for its sources, "FAST,DEPTH_LOG=4" */
	const char *const *includes; /* and folders of headers, up to a NULL */
	const char *waves;           /* sim: every DUT signal to this .vcd or .fst file */
	int internals;               /* sim: a model whose insides hil_peek_signal reads */
};

/* Opens a target. URIs: "sim:DIR" builds (if stale) and starts the
 * Verilator model of the DUT in DIR; netlist:, uart:, ftdi: and tty: are
 * in docs/libhil.md. On failure *h is NULL and err says why. */
int hil_open(hil_t **h, const char *uri, const struct hil_options *opt, char *err,
	     size_t errlen);
void hil_close(hil_t *h);
const char *hil_error(const hil_t *h);
/* Are the boards n targets name plugged in (ftdi: and usb: on USB, tty:
 * their serial devices)? present[i] is 1 yes, 0 no, -1 when uris[i] is not
 * a board's target, names no board hil knows, or USB cannot be listed.
 * USB is listed once for all of them; no board is opened. */
void hil_targets_present(const char *const *uris, int n, int *present);

const struct hil_ports *hil_ports(const hil_t *h);
/* Index of a port by name, or HIL_E_ARG. */
int hil_port(hil_t *h, const char *name);
uint64_t hil_now(const hil_t *h);

int hil_poke(hil_t *h, int port, const uint8_t *val);
int hil_poke_at(hil_t *h, int port, uint64_t cycle, const uint8_t *val);
int hil_peek(hil_t *h, int port, uint8_t *val);

/* Simulation only: the value at now of a signal inside the DUT, named by
 * its path below the top ("pc", "u_core.pc", "g[0].r", "u_mem.ram[3]" for
 * one word of a memory), into val (HIL_MAX_PORT_BYTES) and its width into
 * *width. Read-only, and not in the session log. Needs a sim: target
 * opened with hil_options.internals (a model with every signal public,
 * slower: examples/cpu runs 0.57 times as fast); elsewhere, and for a name that is no signal,
 * HIL_E_ARG says why (listing what the scope holds). */
int hil_peek_signal(hil_t *h, const char *name, uint8_t *val, unsigned *width);

/* now += n without a round trip: the next command carries the new stamp.
 * With hil_poke this streams stimulus at full link speed. */
int hil_advance(hil_t *h, uint64_t n);
int hil_step(hil_t *h, uint64_t n);
int hil_run_until(hil_t *h, uint64_t cycle);

/* hil_run_until, then the values of ports[0..n) where it stopped, as
 * hil_peek would read them, into vals (HIL_MAX_PORT_BYTES apart): the
 * reads travel with the run, one round trip for all. n at most
 * HIL_MAX_PORTS. */
int hil_run_and_peek(hil_t *h, uint64_t cycle, size_t n, const int *ports, uint8_t *vals);

typedef void (*hil_watch_fn)(void *user, int port, uint64_t cycle, const uint8_t *val);
/* Calls fn at every evaluation point where the port's value changed (see
 * docs/protocol.md section 4), from now on. */
int hil_watch(hil_t *h, int port, hil_watch_fn fn, void *user);
int hil_unwatch(hil_t *h, int port);

/* Runs until (port & mask) == (val & mask) (or != if ne), at most `timeout`
 * cycles. HIL_OK with *at the first cycle where it holds, or HIL_TIMEOUT with
 * now advanced by timeout. mask NULL means all bits. */
int hil_wait(hil_t *h, int port, int ne, const uint8_t *val, const uint8_t *mask,
	     uint64_t timeout, uint64_t *at);

/* Returns once the bridge has executed every command sent so far. */
int hil_sync(hil_t *h);

struct hil_link_stats {
	unsigned long frames_in, frames_out, bad_frames, retransmits, naks;
	unsigned bridge_crc_errors, bridge_seq_errors;
	unsigned bridge_phy_errors; /* e.g. UART framing errors seen by the bridge */
};
int hil_stats(hil_t *h, struct hil_link_stats *s);

#endif
