/* hil stimulus scripts: parsed form (docs/scripts.md).
 *
 * hil_script_parse() turns the text of a script into a list of commands with
 * every port resolved and every value checked against the port's width, so a
 * script that parses (and binds, if it names signals inside the DUT) can
 * only fail at run time by its own expect/wait. The
 * same parsed form drives `hil run` and the oracle testbench generator.
 * Repeat blocks are expanded here: the commands are the sequence that runs,
 * each with the line it was written on and the iterations it belongs to. */
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

/* Values are little-endian byte strings of the port's byte count, owned by
 * the script and shared by the repetitions of a command. */
struct hil_cmd {
	enum hil_cmd_kind kind;
	int line;       /* 1-based script line */
	int col;        /* POKE_AT, STEP, RUN, WAIT: the column of its cycle, N or timeout;
			 * PEEK, EXPECT: of its port or signal */
	int port;       /* index into the port list, -1 if none */
	uint64_t cycle; /* see the kinds above */
	int ne;         /* WAIT: 1 for !=, 0 for == */
	uint32_t rep;   /* its innermost iteration: 0 for none, else 1 + index into reps */
	uint8_t *value; /* POKE, POKE_AT, EXPECT, WAIT */
	uint8_t *mask;  /* WAIT: all ones over the port width unless given */
	/* PEEK, EXPECT of a signal inside the DUT (a name that is no port;
	 * port is then -1), else NULL; its width comes from hil_script_bind.
	 * col is the name's column, vcol the value's. */
	const char *signal;
	unsigned width;
	int vcol;
};

/* One iteration of a `repeat N` block with N >= 2 (a block run once names
 * no iteration). */
struct hil_repeat {
	uint32_t parent; /* the enclosing block's iteration, as hil_cmd.rep */
	uint32_t iter;   /* 1 to count */
	uint32_t count;  /* the block's N */
};

/* Repeat blocks nest at most this deep, and repetition may not take a
 * script past HIL_SCRIPT_MAX_CMDS commands. */
#define HIL_SCRIPT_MAX_NEST 16
#define HIL_SCRIPT_MAX_CMDS 1000000
/* The room hil_script_iteration() needs. */
#define HIL_SCRIPT_ITER_LEN (24 + 20 * HIL_SCRIPT_MAX_NEST)

struct hil_script_pool;

struct hil_script {
	char *path;
	struct hil_cmd *cmds;
	size_t ncmds;
	struct hil_repeat *reps;
	size_t nreps;
	struct hil_script_pool *pool; /* the values */
	size_t nsignals;              /* commands that name a signal inside the DUT */
};

/* Parses the script text. On error returns -1 and writes
 * "PATH:LINE:COLUMN: message" into err. */
int hil_script_parse(struct hil_script *s, const char *path, const char *text,
		     const struct hil_ports *ports, char *err, size_t errlen);
int hil_script_load(struct hil_script *s, const char *path, const struct hil_ports *ports,
		    char *err, size_t errlen);
void hil_script_free(struct hil_script *s);

/* Before a script that names signals inside the DUT runs: width_of says
 * how wide one is (1 with *width set, or 0 with the reason in why), and
 * every peek and expect of it learns its width, every expect's value is
 * checked against it. A name that is neither a port nor a signal is an
 * error here, before any cycle runs. Returns 0, or -1 with
 * "PATH:LINE:COLUMN: message" in err. */
typedef int (*hil_signal_width_fn)(void *user, const char *name, unsigned *width, char *why,
				   size_t whylen);
int hil_script_bind(struct hil_script *s, const struct hil_ports *ports,
		    hil_signal_width_fn width_of, void *user, char *err, size_t errlen);

/* What a message about command c ends with: "" outside repeat blocks,
 * " (repeat iteration 3 of 16)" inside one, and inside nested blocks
 * " (repeat iterations 3 of 16, 2 of 4)", outermost first. Returns out,
 * which holds HIL_SCRIPT_ITER_LEN bytes. */
const char *hil_script_iteration(const struct hil_script *s, const struct hil_cmd *c,
				 char *out);

/* Parses VALUE (decimal, 0x hex, 0b binary, '_' separators) into `nbytes`
 * little-endian bytes; fails if it does not fit in `width` bits.
 * Returns 0, or -1 with a message in err. */
int hil_value_parse(const char *text, unsigned width, uint8_t *out, size_t nbytes, char *err,
		    size_t errlen);

/* Formats a value as 0x + ceil(width/4) lower-case digits. `out` must hold
 * 3 + ceil(width/4) bytes. */
void hil_value_format(const uint8_t *val, unsigned width, char *out);

#endif
