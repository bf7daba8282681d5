/* The target URI schemes: see targets.h. */
#include "hil/targets.h"
#include "util/errfmt.h"

#include <stdio.h>
#include <string.h>

static const struct scheme {
	const char *name;
	enum hil_target_kind kind;
	int board; /* NAME:BOARD...:DIR rather than NAME:DIR */
	const char *syntax, *help;
} schemes[] = {
	{"sim", HIL_TARGET_MODEL, 0, "sim:DIR", "the DUT's own RTL in Verilator, in-process"},
	{"ce", HIL_TARGET_MODEL, 0, "ce:DIR",
	 "the DUT after the clock-enable pass the chip gets"},
	{"netlist", HIL_TARGET_MODEL, 1, "netlist:BOARD:DIR",
	 "the netlist Yosys makes for BOARD's chip, simulated"},
	{"uart", HIL_TARGET_MODEL, 1, "uart:BOARD:DIR",
	 "BOARD's top, its UART driven bit by bit"},
	{"fx2", HIL_TARGET_MODEL, 1, "fx2:BOARD:DIR",
	 "an FX2 board's top behind a model of the FX2's FIFOs"},
	{"ftdi", HIL_TARGET_BOARD, 1, "ftdi:BOARD[@SERIAL|@BUS/DEV]:DIR", "a board on USB"},
	{"tty", HIL_TARGET_BOARD, 1, "tty:BOARD@/dev/ttyX:DIR",
	 "a board whose UART is a serial device"},
	{"usb", HIL_TARGET_BOARD, 1, "usb:BOARD:DIR", "an FX2 board on USB"},
	{"hild", HIL_TARGET_HILD, 0, "hild:BOARD, hild:type=T, hild:sim:DIR",
	 "a session through hild"},
};

void hil_targets_help(char *out, size_t n, const char *indent)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]) && o < n; i++) {
		int w = snprintf(out + o, n - o, "%s%-38s %s\n", indent, schemes[i].syntax,
				 schemes[i].help);
		o += w > 0 ? (size_t)w : 0;
	}
}

int hil_target_parse(const char *uri, struct hil_target *t, char *err, size_t errlen)
{
	const char *c1 = strchr(uri, ':');
	const struct scheme *s = NULL;
	for (size_t i = 0; c1 && !s && i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if ((size_t)(c1 - uri) == strlen(schemes[i].name) &&
		    !strncmp(uri, schemes[i].name, (size_t)(c1 - uri)))
			s = &schemes[i];
	memset(t, 0, sizeof(*t));
	/* A tty's path may hold colons (/dev/serial/by-path/...): its DUT
	 * directory is what follows the last one. */
	const char *c2 = !s || !s->board  ? c1
		: !strcmp(s->name, "tty") ? strrchr(uri, ':')
					  : strchr(c1 + 1, ':');
	if (!s || !c2 || !c2[1] ||
	    (s->board && (c2 <= c1 + 1 || (size_t)(c2 - c1 - 1) >= sizeof(t->mid)))) {
		char list[1536];
		hil_targets_help(list, sizeof(list), "  ");
		return hil_fail(err, errlen, "target '%.200s': hil knows\n%s", uri, list);
	}
	t->scheme = s->name;
	t->kind = s->kind;
	t->dir = c2 + 1;
	if (s->board)
		snprintf(t->mid, sizeof(t->mid), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	snprintf(t->what, sizeof(t->what), "%.*s", (int)(c2 - uri), uri);
	return 0;
}
