/* hil stimulus scripts: parsed form (docs/scripts.md).
 *
 * hil_script_parse() turns the text of a script into a list of commands with
 * every port resolved and every value checked against the port's width, so a
 * script that parses can only fail at run time by its own expect/wait. The
 * same parsed form drives `hil run` and the oracle testbench generator. */
#ifndef HIL_SCRIPT_H
#define HIL_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "hil/ports.h"

enum hil_cmd_kind {
	HIL_CMD_POKE,    /* poke PORT VALUE            (cycle = now)    */
	HIL_CMD_POKE_AT, /* at CYCLE poke PORT VALUE   (cycle = CYCLE)  */
	HIL_CMD_STEP,    /* step N                     (cycle = N)      */
	HIL_CMD_RUN,     /* run CYCLE                  (cycle = CYCLE)  */
	HIL_CMD_PEEK,    /* peek PORT                                   */
	HIL_CMD_EXPECT,  /* expect PORT VALUE                           */
	HIL_CMD_WATCH,   /* watch PORT                                  */
	HIL_CMD_UNWATCH, /* unwatch PORT                                */
	HIL_CMD_WAIT     /* wait PORT ==|!= VALUE [mask MASK] timeout N (cycle = N) */
};

/* Values are little-endian byte strings of the port's byte count. */
struct hil_cmd {
	enum hil_cmd_kind kind;
	int line;       /* 1-based script line */
	int col;        /* POKE_AT: the column of its cycle */
	int port;       /* index into the port list, -1 if none */
	uint64_t cycle; /* see the kinds above */
	int ne;         /* WAIT: 1 for !=, 0 for == */
	uint8_t *value; /* POKE, POKE_AT, EXPECT, WAIT */
	uint8_t *mask;  /* WAIT: all ones over the port width unless given */
};

struct hil_script {
	char *path;
	struct hil_cmd *cmds;
	size_t ncmds;
};

/* Parses the script text. On error returns -1 and writes
 * "PATH:LINE:COLUMN: message" into err. */
int hil_script_parse(struct hil_script *s, const char *path, const char *text,
		     const struct hil_ports *ports, char *err, size_t errlen);
int hil_script_load(struct hil_script *s, const char *path, const struct hil_ports *ports,
		    char *err, size_t errlen);
void hil_script_free(struct hil_script *s);

/* Parses VALUE (decimal, 0x hex, 0b binary, '_' separators) into `nbytes`
 * little-endian bytes; fails if it does not fit in `width` bits.
 * Returns 0, or -1 with a message in err. */
int hil_value_parse(const char *text, unsigned width, uint8_t *out, size_t nbytes, char *err,
		    size_t errlen);

/* Formats a value as 0x + ceil(width/4) lower-case digits. `out` must hold
 * 3 + ceil(width/4) bytes. */
void hil_value_format(const uint8_t *val, unsigned width, char *out);

#endif
