/* The port list of a DUT, as ports.json records it.
 *
 * ports.json is written by the wrapper generator (`hil wrap`) next to the
 * generated top:
 *   {"top": "alu", "clock": "clk", "signature": "0123456789abcdef",
 *    "ports": [{"name": "a", "dir": "in", "width": 8, "index": 0}, ...]}
 * and, for a DUT built with parameter overrides, "params": "WIDTH=16".
 * The signature is recomputed from the list on load (docs/protocol.md,
 * section 5) and a file whose stored signature disagrees is refused. */
#ifndef HIL_PORTS_H
#define HIL_PORTS_H

#include <stddef.h>
#include <stdint.h>

#define HIL_MAX_PORTS      254
#define HIL_MAX_PORT_WIDTH 256
#define HIL_MAX_PORT_BYTES (HIL_MAX_PORT_WIDTH / 8)
/* The longest path of a signal inside the DUT (hil_peek_signal). */
#define HIL_MAX_SIGNAL_NAME 200
#define HIL_MAX_NAME        128

struct hil_port {
	char name[HIL_MAX_NAME];
	int is_input;
	unsigned width;
	unsigned nbytes; /* ceil(width / 8) */
};

struct hil_ports {
	char top[HIL_MAX_NAME];
	char clock[HIL_MAX_NAME];
	struct hil_port *port;
	size_t n;
	uint64_t signature;
	/* The top's parameter overrides it was built with, "WIDTH=16,DEPTH=4"
	 * (names sorted, values in decimal), or "": part of the signature. */
	char params[1024];
};

/* Returns 0, or -1 with a message naming the file and the problem. */
int hil_ports_load(struct hil_ports *p, const char *path, char *err, size_t errlen);
void hil_ports_free(struct hil_ports *p);
/* Index of the port called `name`, or -1. */
int hil_ports_find(const struct hil_ports *p, const char *name);
/* The signature of docs/protocol.md, section 5. */
uint64_t hil_ports_signature(const struct hil_ports *p);

#endif
