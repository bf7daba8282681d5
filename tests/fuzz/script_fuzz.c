/* The script parser, on any text, against a port list with the widths
 * that stress value parsing (1, 8, 33 and 256 bits, inputs and outputs).
 * Besides not crashing: a script that parses pokes only inputs, and has
 * every port resolved and every value inside its port's width, any other
 * name only in a peek or expect, as a signal's path for hil_script_bind,
 * and repeat blocks expanded within their bound; one that does not says
 * where. */
#include <string.h>

#include "fuzz.h"
#include "hil/script.h"

static struct hil_port port[] = {
	{"clk_en", 1, 1, 1}, {"a", 1, 8, 1},   {"wide", 1, 256, 32}, {"odd", 1, 33, 5},
	{"valid", 0, 1, 1},  {"sum", 0, 8, 1}, {"big", 0, 256, 32},  {"x", 0, 33, 5},
};
static const struct hil_ports ports = {"fuzz", "clk", port, sizeof(port) / sizeof(port[0]),
				       0,      ""};

#define SIGNAL_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.[]"

static int fits(const uint8_t *v, const struct hil_port *p)
{
	unsigned spare = p->nbytes * 8 - p->width;
	return !spare || !(v[p->nbytes - 1] >> (8 - spare));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct hil_script s;
	char err[512];
	if (hil_script_parse(&s, "fuzz.hil", text, &ports, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < s.ncmds; i++) {
			const struct hil_cmd *c = &s.cmds[i];
			FUZZ_CHECK(c->port >= -1 && c->port < (int)ports.n);
			if (c->kind == HIL_CMD_POKE || c->kind == HIL_CMD_POKE_AT)
				FUZZ_CHECK(c->port >= 0 && port[c->port].is_input);
			/* A name that is no port: a signal inside the DUT, for
			 * peek and expect only, left to hil_script_bind. */
			if (c->kind == HIL_CMD_PEEK || c->kind == HIL_CMD_EXPECT)
				FUZZ_CHECK(!c->signal == (c->port >= 0));
			if (c->signal)
				FUZZ_CHECK((c->kind == HIL_CMD_PEEK ||
					    c->kind == HIL_CMD_EXPECT) &&
					   *c->signal &&
					   strlen(c->signal) <= HIL_MAX_SIGNAL_NAME &&
					   strspn(c->signal, SIGNAL_CHARS) ==
						   strlen(c->signal) &&
					   hil_ports_find(&ports, c->signal) < 0);
			if (c->value && !c->signal)
				FUZZ_CHECK(c->port >= 0 && fits(c->value, &port[c->port]));
			if (c->mask)
				FUZZ_CHECK(c->port >= 0 && fits(c->mask, &port[c->port]));
			FUZZ_CHECK(c->rep <= s.nreps);
		}
		/* Repetition stays within its bound, and every iteration within
		 * its block and under an iteration that exists. */
		FUZZ_CHECK(!s.nreps || s.ncmds <= HIL_SCRIPT_MAX_CMDS);
		FUZZ_CHECK(!s.nreps || s.nreps < 2 * s.ncmds);
		for (size_t i = 0; i < s.nreps; i++) {
			const struct hil_repeat *r = &s.reps[i];
			FUZZ_CHECK(r->parent <= s.nreps && r->parent != i + 1 &&
				   r->count >= 2 && r->iter >= 1 && r->iter <= r->count);
		}
		hil_script_free(&s);
	} else {
		FUZZ_CHECK(!strncmp(err, "fuzz.hil:", 9));
	}
	free(text);
	return 0;
}
