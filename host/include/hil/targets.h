/* Target URIs: the one table of schemes hil knows. Parsing a URI and
 * the help text that lists them (the CLI's, hil_open's error) both come
 * from it, so a new backend is one row here. */
#ifndef HIL_TARGETS_H
#define HIL_TARGETS_H

#include <stddef.h>

enum hil_target_kind {
	HIL_TARGET_MODEL, /* a model built from the DUT (sim:, ce:, netlist:, ...) */
	HIL_TARGET_BOARD, /* a board running the bridge (ftdi:, tty:, usb:) */
	HIL_TARGET_HILD,  /* a session through hild */
};

struct hil_target {
	const char *scheme; /* "sim", "ftdi", ... (the table's string) */
	enum hil_target_kind kind;
	char mid[256];   /* BOARD[@...] for schemes that take one */
	const char *dir; /* the DUT directory: the rest of the URI */
	char what[64];   /* the model hil_dut_prepare builds: sim, ce, netlist:B... */
};

/* Splits uri; -1 with a message listing every scheme when it fits none. */
int hil_target_parse(const char *uri, struct hil_target *t, char *err, size_t errlen);
/* The schemes, one "  SYNTAX  what it is" line each, each line begun with
 * indent. */
void hil_targets_help(char *out, size_t n, const char *indent);

#endif
