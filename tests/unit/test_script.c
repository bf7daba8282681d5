/* The script parser and the value syntax (docs/scripts.md): every command,
 * every error with its line and column, values of 1 to 256 bits in every
 * base (the decimal limits computed with Python: 2**64, 2**65, 2**128,
 * 2**256), repeat blocks (expanded as if written out, bounded, and named in
 * the messages that depend on the iteration), signals inside the DUT (bound
 * to their widths by hil_script_bind), and random input, which must only
 * ever be accepted or refused. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "hil/script.h"

static struct hil_port pv[] = {
	{"a", 1, 8, 1},       {"b", 1, 8, 1},       {"sum", 0, 9, 2},
	{"bit", 1, 1, 1},     {"w64", 1, 64, 8},    {"w65", 1, 65, 9},
	{"w128", 1, 128, 16}, {"w256", 1, 256, 32}, {"o256", 0, 256, 32},
};
static const struct hil_ports ports = {"dut", "clk", pv, 9, 0, ""};
#define PORT_LIST "a, b, sum, bit, w64, w65, w128, w256, o256"

static struct hil_script S;
static char err[2048];

static int parse(const char *text)
{
	hil_script_free(&S);
	err[0] = '\0';
	return hil_script_parse(&S, "t.hil", text, &ports, err, sizeof(err));
}

/* The script fails to parse with exactly this message. */
static void fails(const char *text, const char *want)
{
	int rc = parse(text);
	CHECK(rc == -1);
	CHECK(S.ncmds == 0 && S.cmds == NULL && S.path == NULL);
	if (strcmp(err, want)) {
		fprintf(stderr, "script:   %.200s\nmessage:  %s\nexpected: %s\n", text, err,
			want);
		CHECK(!"exact message");
	}
}

/* The script fails to parse with a message starting with `want`. */
static void fails_at(const char *text, const char *want)
{
	CHECK(parse(text) == -1);
	if (strncmp(err, want, strlen(want))) {
		fprintf(stderr, "script:   %.200s\nmessage:  %s\nexpected: %s...\n", text, err,
			want);
		CHECK(!"message start");
	}
}

static int parses(const char *text)
{
	int rc = parse(text);
	if (rc)
		fprintf(stderr, "script %.200s: %s\n", text, err);
	CHECK(rc == 0);
	return rc == 0;
}

static void test_commands(void)
{
	if (!parses("# every command\n"
		    "poke a 5\n"
		    "at 10 poke b 0xff\n"
		    "\n"
		    "step 3\n"
		    "run 20\n"
		    "peek sum\n"
		    "expect sum 0x1ff\n"
		    "watch sum\n"
		    "unwatch sum\n"
		    "wait sum == 7 timeout 100\n"
		    "wait a != 0b1 mask 0x0f timeout 0x10\n"
		    "expect bit 1"))
		return;
	const struct hil_cmd *c = S.cmds;
	CHECK(S.ncmds == 11 && !strcmp(S.path, "t.hil"));
	CHECK(c[0].kind == HIL_CMD_POKE && c[0].line == 2 && c[0].port == 0 &&
	      c[0].value[0] == 5 && !c[0].mask);
	CHECK(c[1].kind == HIL_CMD_POKE_AT && c[1].line == 3 && c[1].port == 1 &&
	      c[1].cycle == 10 && c[1].value[0] == 0xff);
	CHECK(c[2].kind == HIL_CMD_STEP && c[2].line == 5 && c[2].cycle == 3 &&
	      c[2].port == -1 && !c[2].value);
	CHECK(c[3].kind == HIL_CMD_RUN && c[3].line == 6 && c[3].cycle == 20 &&
	      c[3].port == -1);
	CHECK(c[4].kind == HIL_CMD_PEEK && c[4].port == 2 && !c[4].value);
	CHECK(c[5].kind == HIL_CMD_EXPECT && c[5].port == 2 && c[5].value[0] == 0xff &&
	      c[5].value[1] == 0x01);
	CHECK(c[6].kind == HIL_CMD_WATCH && c[6].port == 2 && c[6].line == 9);
	CHECK(c[7].kind == HIL_CMD_UNWATCH && c[7].port == 2);
	CHECK(c[8].kind == HIL_CMD_WAIT && c[8].port == 2 && !c[8].ne && c[8].cycle == 100 &&
	      c[8].value[0] == 7 && c[8].value[1] == 0);
	/* no mask: all ones over the port's 9 bits */
	CHECK(c[8].mask && c[8].mask[0] == 0xff && c[8].mask[1] == 0x01);
	CHECK(c[9].kind == HIL_CMD_WAIT && c[9].port == 0 && c[9].ne && c[9].cycle == 16 &&
	      c[9].value[0] == 1 && c[9].mask[0] == 0x0f);
	CHECK(c[10].kind == HIL_CMD_EXPECT && c[10].line == 13 && c[10].port == 3 &&
	      c[10].value[0] == 1);

	/* Layout: comments anywhere, tabs, CRLF, blank and empty scripts. */
	CHECK(parses("") && S.ncmds == 0);
	CHECK(parses("\n\n   \n\t\n# x\n  # y") && S.ncmds == 0);
	CHECK(parses("poke a 5 # set a\r\n\tpoke\tb\t6\t\r\npoke a 7#no space\n") &&
	      S.ncmds == 3 && S.cmds[1].line == 2 && S.cmds[1].value[0] == 6 &&
	      S.cmds[2].value[0] == 7);
	CHECK(parses("step 1 # step 2\n#step 3\nstep 4") && S.ncmds == 2 &&
	      S.cmds[1].line == 3 && S.cmds[1].cycle == 4);
	/* A poke at `now` by `at` is allowed; so are zero steps and timeouts. */
	CHECK(parses("step 5\nat 5 poke a 1\nstep 0\nwait a == 1 timeout 0\nrun 5") &&
	      S.ncmds == 5);
	/* Masks may be zero; values and masks of inputs and outputs alike. */
	CHECK(parses("wait sum != 0 mask 0 timeout 1\nexpect a 0\npeek bit"));
}

static void test_errors(void)
{
	fails("step 3\nfrobnicate 7",
	      "t.hil:2:1: unknown command 'frobnicate' "
	      "(commands: poke, at, step, run, peek, expect, watch, unwatch, wait, "
	      "repeat, end)");
	fails("   bogus",
	      "t.hil:1:4: unknown command 'bogus' (commands: poke, at, "
	      "step, run, peek, expect, watch, unwatch, wait, repeat, end)");
	fails("POKE a 1",
	      "t.hil:1:1: unknown command 'POKE' (keywords are lower "
	      "case: 'poke')");
	/* (peek and expect take such a name for a signal inside the DUT, for
	 * hil_script_bind to find or refuse: test_signals) */
	fails("watch cnt", "t.hil:1:7: unknown port 'cnt' (ports: " PORT_LIST ")");
	fails("poke A 1", "t.hil:1:6: unknown port 'A' (ports: " PORT_LIST ")");
	fails("watch clk",
	      "t.hil:1:7: 'clk' is the clock, which hil drives; it is "
	      "not a port (ports: " PORT_LIST ")");
	fails("poke sum 1", "t.hil:1:6: poke to output 'sum': only inputs can be poked");
	fails("at 5 poke o256 1",
	      "t.hil:1:11: poke to output 'o256': only inputs "
	      "can be poked");
	fails("poke a 0x1ff", "t.hil:1:8: value 0x1ff is 9 bits wide, port 'a' has 8");
	fails("expect sum 1024",
	      "t.hil:1:12: value 1024 is 11 bits wide, port 'sum' "
	      "has 9");
	fails("poke bit 2", "t.hil:1:10: value 2 is 2 bits wide, port 'bit' has 1");
	fails("wait a == 1 mask 0x1ff timeout 2",
	      "t.hil:1:18: mask 0x1ff is 9 bits "
	      "wide, port 'a' has 8");
	fails("wait a == 0x100 timeout 2",
	      "t.hil:1:11: value 0x100 is 9 bits wide, "
	      "port 'a' has 8");

	/* missing words: the column where the word should be */
	fails("poke", "t.hil:1:5: missing PORT: the command is 'poke PORT VALUE'");
	fails("poke a", "t.hil:1:7: missing VALUE: the command is 'poke PORT VALUE'");
	fails("poke a  # the value",
	      "t.hil:1:7: missing VALUE: the command is "
	      "'poke PORT VALUE'");
	fails("step", "t.hil:1:5: missing step: the command is 'step N'");
	fails("run", "t.hil:1:4: missing cycle: the command is 'run CYCLE'");
	fails("at 5",
	      "t.hil:1:5: missing 'poke': the command is 'at CYCLE poke "
	      "PORT VALUE'");
	fails("at 5 poke b",
	      "t.hil:1:12: missing VALUE: the command is 'at CYCLE "
	      "poke PORT VALUE'");
	fails("wait a",
	      "t.hil:1:7: missing '==' or '!=': the command is 'wait PORT "
	      "==|!= VALUE [mask MASK] timeout N'");
	fails("wait a == 1",
	      "t.hil:1:12: missing 'timeout N': the command is 'wait "
	      "PORT ==|!= VALUE [mask MASK] timeout N'");
	fails("wait a == 1 mask",
	      "t.hil:1:17: missing MASK: the command is 'wait "
	      "PORT ==|!= VALUE [mask MASK] timeout N'");
	fails("wait a == 1 timeout",
	      "t.hil:1:20: missing timeout: the command is "
	      "'wait PORT ==|!= VALUE [mask MASK] timeout N'");
	fails("peek", "t.hil:1:5: missing PORT: the command is 'peek PORT'");

	/* wrong words */
	fails("step 1 2",
	      "t.hil:1:8: unexpected '2' after 'step N' (one command a "
	      "line; '#' starts a comment)");
	fails("poke a 1 2 3 4 5 6 7 8 9 10 11 12",
	      "t.hil:1:10: unexpected '2' after "
	      "'poke PORT VALUE' (one command a line; '#' starts a comment)");
	fails("at 5 pke a 1",
	      "t.hil:1:6: expected 'poke', found 'pke': the command "
	      "is 'at CYCLE poke PORT VALUE'");
	fails("wait a = 1 timeout 2",
	      "t.hil:1:8: expected '==' or '!=', found '=': "
	      "the command is 'wait PORT ==|!= VALUE [mask MASK] timeout N'");
	fails("wait a == 1 tmeout 2",
	      "t.hil:1:13: expected 'timeout', found "
	      "'tmeout': the command is 'wait PORT ==|!= VALUE [mask MASK] timeout N'");
	fails("wait a == 1 mask 3 after 2",
	      "t.hil:1:20: expected 'timeout', found "
	      "'after': the command is 'wait PORT ==|!= VALUE [mask MASK] timeout N'");
	fails("wait a == 1 timeout 2 3",
	      "t.hil:1:23: unexpected '3' after 'wait PORT "
	      "==|!= VALUE [mask MASK] timeout N' (one command a line; '#' starts a "
	      "comment)");

	/* cycles */
	fails("step 0x1000000000000",
	      "t.hil:1:6: step 0x1000000000000 is beyond the "
	      "48-bit cycle counter (at most 281474976710655)");
	fails("run 281474976710656",
	      "t.hil:1:5: cycle 281474976710656 is beyond the "
	      "48-bit cycle counter (at most 281474976710655)");
	fails("wait a == 1 timeout 0x1_0000_0000_0000",
	      "t.hil:1:21: timeout "
	      "0x1_0000_0000_0000 is beyond the 48-bit cycle counter (at most "
	      "281474976710655)");
	fails("step 1x", "t.hil:1:6: malformed number '1x': 'x' is not a decimal digit");
	fails("run 281474976710655\nstep 1",
	      "t.hil:2:6: step 1 runs past the end of "
	      "the 48-bit cycle counter: the script is at cycle 281474976710655 "
	      "already");
	fails("step 0xffffffffffff\nwait a == 1 timeout 1",
	      "t.hil:2:21: timeout 1 "
	      "runs past the end of the 48-bit cycle counter: the script is at cycle "
	      "281474976710655 already");
	fails("run 10\nrun 5",
	      "t.hil:2:5: run 5 would go back in time: the script "
	      "is at cycle 10 already; step N runs N cycles");
	fails("step 10\nat 9 poke a 1",
	      "t.hil:2:4: at 9 is before cycle 10, where "
	      "the script is already: a poke cannot go back in time");
	/* After a wait only a lower bound of `now` is known. */
	fails("step 10\nwait a == 1 timeout 5\nat 9 poke a 1",
	      "t.hil:3:4: at 9 is "
	      "before cycle 10, where the script is at the earliest (a wait came "
	      "before): a poke cannot go back in time");
	CHECK(parses("step 10\nwait a == 1 timeout 5\nat 12 poke a 1\nrun 11\n"
		     "wait a == 1 timeout 5\nrun 12"));
	/* A scheduled poke the script never runs up to would never be made. */
	fails("at 5 poke a 1\nstep 3",
	      "t.hil:1:4: at 5 is never reached: the script "
	      "ends at cycle 3; run or step up to it");
	fails("at 9 poke a 1\nat 5 poke a 0\nrun 7\nstep 1",
	      "t.hil:1:4: at 9 is never "
	      "reached: the script ends at cycle 8; run or step up to it");
	CHECK(parses("at 5 poke a 1\nrun 5"));
	fails("step 10\nwait a == 1 timeout 5\nrun 12\nrun 11",
	      "t.hil:4:5: run 11 "
	      "would go back in time: the script is at cycle 12 already; step N "
	      "runs N cycles");

	/* lines: 4096 characters are fine, 4097 are not */
	char line[4200];
	memset(line, ' ', sizeof(line));
	memcpy(line, "step 1 #", 8);
	line[4096] = '\0';
	CHECK(parses(line) && S.ncmds == 1);
	line[4096] = ' ';
	line[4097] = '\0';
	fails(line, "t.hil:1:4097: line longer than 4096 characters");
	char two[4300];
	snprintf(two, sizeof(two), "step 1\n%s\n", line);
	fails(two, "t.hil:2:4097: line longer than 4096 characters");
	/* A word of 4000 characters is shown shortened. */
	memset(line, 'q', 4000);
	line[4000] = '\0';
	fails_at(line,
		 "t.hil:1:1: unknown command 'qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
		 "qqqqqqqqqqqqqqqq...' (");
	/* Control characters never reach the message as they are. */
	fails("po\x01ke a 1",
	      "t.hil:1:1: unknown command 'po?ke' (commands: poke, "
	      "at, step, run, peek, expect, watch, unwatch, wait, repeat, end)");
	fails("peek \x1b[2J", "t.hil:1:6: unknown port '?[2J' (ports: " PORT_LIST ")");
}

static const char *iteration(size_t i)
{
	static char out[HIL_SCRIPT_ITER_LEN];
	return i < S.ncmds ? hil_script_iteration(&S, &S.cmds[i], out) : "(none)";
}

/* The script, once more, as the sequence its repeat blocks stand for. */
static const char repeated[] = "poke a 1\n"                             /* 1 */
			       "repeat 3\n"                             /* 2 */
			       "  at 50 poke b 2\n"                     /* 3 */
			       "  repeat 2\n"                           /* 4 */
			       "    step 1\n"                           /* 5 */
			       "    wait sum == 3 mask 0x3 timeout 4\n" /* 6 */
			       "  end\n"                                /* 7 */
			       "  peek sum\n"                           /* 8 */
			       "end\n"                                  /* 9 */
			       "run 50\n";                              /* 10 */

static void test_repeat(void)
{
	char text[4096];
	size_t o = 0;
	struct hil_script u;
	o += (size_t)snprintf(text + o, sizeof(text) - o, "poke a 1\n");
	for (int i = 0; i < 3; i++) {
		o += (size_t)snprintf(text + o, sizeof(text) - o, "at 50 poke b 2\n");
		for (int j = 0; j < 2; j++)
			o += (size_t)snprintf(text + o, sizeof(text) - o,
					      "step 1\nwait sum == 3 mask 0x3 timeout 4\n");
		o += (size_t)snprintf(text + o, sizeof(text) - o, "peek sum\n");
	}
	snprintf(text + o, sizeof(text) - o, "run 50\n");
	CHECK(hil_script_parse(&u, "u.hil", text, &ports, err, sizeof(err)) == 0);
	if (parses(repeated) && u.ncmds == 20) {
		CHECK(S.ncmds == 20 && S.nreps == 9);
		for (size_t i = 0; i < S.ncmds; i++) {
			const struct hil_cmd *c = &S.cmds[i], *d = &u.cmds[i];
			size_t nb = c->port >= 0 ? pv[c->port].nbytes : 0;
			CHECK(c->kind == d->kind && c->port == d->port &&
			      c->cycle == d->cycle && c->ne == d->ne &&
			      !c->value == !d->value && !c->mask == !d->mask);
			CHECK(!c->value || !memcmp(c->value, d->value, nb));
			CHECK(!c->mask || !memcmp(c->mask, d->mask, nb));
			CHECK(!d->rep);
		}
		/* Copies keep the line they were written on. */
		static const int lines[] = {1, 3, 5, 6, 5, 6, 8, 3, 5, 6,
					    5, 6, 8, 3, 5, 6, 5, 6, 8, 10};
		for (size_t i = 0; i < 20; i++)
			CHECK(S.cmds[i].line == lines[i]);
		CHECK(!strcmp(iteration(0), ""));
		CHECK(!strcmp(iteration(1), " (repeat iteration 1 of 3)"));
		CHECK(!strcmp(iteration(2), " (repeat iterations 1 of 3, 1 of 2)"));
		CHECK(!strcmp(iteration(10), " (repeat iterations 2 of 3, 2 of 2)"));
		CHECK(!strcmp(iteration(13), " (repeat iteration 3 of 3)"));
		CHECK(!strcmp(iteration(17), " (repeat iterations 3 of 3, 2 of 2)"));
		CHECK(!strcmp(iteration(18), " (repeat iteration 3 of 3)"));
		CHECK(!strcmp(iteration(19), ""));
		/* A poke's cycle is followed through the copies too. */
		CHECK(S.cmds[0].cycle == 0 && u.cmds[19].cycle == 50);
	}
	hil_script_free(&u);

	/* A block run once names no iteration; an empty one makes nothing. */
	CHECK(parses("repeat 1\npeek a\nend\nrepeat 1000000\nend\n# done") && S.ncmds == 1 &&
	      S.nreps == 0 && !strcmp(iteration(0), ""));
	CHECK(parses("repeat 2\n\trepeat 1\n\t\tpeek a # x\n\tend\nend") && S.ncmds == 2 &&
	      !strcmp(iteration(1), " (repeat iteration 2 of 2)"));
	CHECK(parses("repeat 0x10 # hex\npoke bit 1\nend") && S.ncmds == 16);

	/* Blocks */
	fails("repeat 3\nstep 1\n",
	      "t.hil:1:1: 'repeat' without 'end': a block ends with a line 'end'");
	fails("step 1\nrepeat 2\n  repeat 3\n  step 1\n",
	      "t.hil:3:3: 'repeat' without 'end': a block ends with a line 'end'");
	fails("repeat 2\n  repeat 3\n  end\nstep 1",
	      "t.hil:1:1: 'repeat' without 'end': a block ends with a line 'end'");
	fails("step 1\nend", "t.hil:2:1: 'end' without 'repeat'");
	fails("repeat 2\nend\n  end", "t.hil:3:3: 'end' without 'repeat'");
	fails("REPEAT 2",
	      "t.hil:1:1: unknown command 'REPEAT' (keywords are lower case: 'repeat')");
	fails("repeat 2\nEnd",
	      "t.hil:2:1: unknown command 'End' (keywords are lower case: 'end')");
	fails("repeat", "t.hil:1:7: missing N: the command is 'repeat N'");
	fails("repeat 2 times\nend",
	      "t.hil:1:10: unexpected 'times' after 'repeat N' (one command a line; '#' starts a "
	      "comment)");
	fails("repeat 2\nend repeat",
	      "t.hil:2:5: unexpected 'repeat' after 'end' (one command a line; '#' starts a "
	      "comment)");

	/* N */
	fails("repeat 0\nend",
	      "t.hil:1:8: repeat 0 would never run the block: N is at least 1 ('#' comments a "
	      "block out)");
	fails("repeat -1\nend",
	      "t.hil:1:8: malformed number '-1': '-' is not a decimal digit (values are unsigned)");
	fails("repeat 2.5\nend",
	      "t.hil:1:8: malformed number '2.5': '.' is not a decimal digit");
	fails("repeat 1000001\nend",
	      "t.hil:1:8: repeat 1000001 is more than 1000000, the most commands a script may "
	      "expand to");
	fails("repeat 0x1_0000_0000_0000_0000\nend",
	      "t.hil:1:8: repeat 0x1_0000_0000_0000_0000 is more than 1000000, the most commands a "
	      "script may expand to");

	/* The bound: 1000000 commands, counting those outside the blocks. */
	CHECK(parses("repeat 1000\n  repeat 1000\n    peek a\n  end\nend") &&
	      S.ncmds == 1000000 &&
	      !strcmp(iteration(999999), " (repeat iterations 1000 of 1000, 1000 of 1000)"));
	fails("peek a\nrepeat 1000\n  repeat 1000\n    peek a\n  end\nend",
	      "t.hil:2:8: repeat 1000 makes the script 1000001 commands long, more than the "
	      "1000000 it may expand to: repeat fewer times, or let one command do more (step N "
	      "runs N cycles)");
	fails("repeat 1000000\n repeat 1000000\n  step 0\n end\nend",
	      "t.hil:1:8: repeat 1000000 makes the script 1000000000000 commands long, more than "
	      "the 1000000 it may expand to: repeat fewer times, or let one command do more (step "
	      "N runs N cycles)");
	/* Nesting: 16 deep at most. */
	o = 0;
	for (int i = 0; i < 16; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "repeat 2\n");
	o += (size_t)snprintf(text + o, sizeof(text) - o, "peek a\n");
	for (int i = 0; i < 16; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "end\n");
	CHECK(parses(text) && S.ncmds == 65536 &&
	      !strcmp(iteration(65535),
		      " (repeat iterations 2 of 2, 2 of 2, 2 of 2, 2 of 2, 2 of "
		      "2, 2 of 2, 2 of 2, 2 of 2, 2 of 2, 2 of 2, 2 of 2, 2 of "
		      "2, 2 of 2, 2 of 2, 2 of 2, 2 of 2)"));
	o = 0;
	for (int i = 0; i < 17; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "repeat 2\n");
	fails(text, "t.hil:17:1: repeat blocks nest more than 16 deep");

	/* Cycles, iteration by iteration. */
	fails("repeat 3\nat 1 poke a 1\nstep 1\nend",
	      "t.hil:2:4: at 1 is before cycle 2, where the script is already: a poke cannot go "
	      "back in time (repeat iteration 3 of 3)");
	fails("step 10\nrepeat 4\nat 9 poke a 1\nend",
	      "t.hil:3:4: at 9 is before cycle 10, where the script is already: a poke cannot go "
	      "back in time (repeat iteration 1 of 4)");
	fails("repeat 2\nrepeat 3\nrun 5\nstep 1\nend\nend",
	      "t.hil:3:5: run 5 would go back in time: the script is at cycle 6 already; step N "
	      "runs N cycles (repeat iterations 1 of 2, 2 of 3)");
	fails("repeat 3\nstep 0x8000_0000_0000\nend",
	      "t.hil:2:6: step 140737488355328 runs past the end of the 48-bit cycle counter: the "
	      "script is at cycle 140737488355328 already (repeat iteration 2 of 3)");
	fails("repeat 2\nrun 0xffff_ffff_fff0\nwait a == 1 timeout 0x10\nend",
	      "t.hil:3:21: timeout 16 runs past the end of the 48-bit cycle counter: the script is "
	      "at cycle 281474976710640 already (repeat iteration 1 of 2)");
	fails("repeat 2\nat 5 poke a 1\nend\nstep 3",
	      "t.hil:2:4: at 5 is never reached: the script ends at cycle 3; run or step up to it "
	      "(repeat iteration 1 of 2)");
	CHECK(parses("repeat 3\nat 2 poke a 1\nstep 1\nend") && S.ncmds == 6);
}

struct width_case {
	int port;
	unsigned width;
	const char *dec_max, *dec_over;
};

/* The largest value of each width in all three bases, and one more. */
static void test_widths(void)
{
	static const struct width_case cases[] = {
		{3, 1, "1", "2"},
		{0, 8, "255", "256"},
		{4, 64, "18446744073709551615", "18446744073709551616"},
		{5, 65, "36893488147419103231", "36893488147419103232"},
		{6, 128, "340282366920938463463374607431768211455",
		 "340282366920938463463374607431768211456"},
		{7, 256,
		 "115792089237316195423570985008687907853269984665640564039457584007913129639935",
		 "115792089237316195423570985008687907853269984665640564039457584007913129639936"},
	};
	char text[1024], want[1024], hexs[80], bins[300];
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct width_case *w = &cases[k];
		const char *name = pv[w->port].name;
		unsigned nb = (w->width + 7) / 8;
		/* hex and binary of 2**width - 1 */
		unsigned nd = (w->width + 3) / 4;
		hexs[0] = "f137"[w->width % 4];
		memset(hexs + 1, 'f', nd - 1);
		hexs[nd] = '\0';
		memset(bins, '1', w->width);
		bins[w->width] = '\0';
		const char *forms[3] = {w->dec_max, NULL, NULL};
		char hx[90], bx[310];
		snprintf(hx, sizeof(hx), "0x%s", hexs);
		snprintf(bx, sizeof(bx), "0b%s", bins);
		forms[1] = hx;
		forms[2] = bx;
		for (int f = 0; f < 3; f++) {
			snprintf(text, sizeof(text), "poke %s %s", name, forms[f]);
			if (!parses(text))
				continue;
			const uint8_t *v = S.cmds[0].value;
			int ok = 1;
			for (unsigned i = 0; i < nb; i++)
				ok &= v[i] ==
					(i == nb - 1 && w->width % 8
						 ? (1u << (w->width % 8)) - 1
						 : 0xff);
			CHECK(ok);
			char out[80];
			hil_value_format(v, w->width, out);
			CHECK(!strcmp(out, hx));
		}
		/* one more than the maximum: width + 1 bits */
		snprintf(text, sizeof(text), "poke %s %s", name, w->dec_over);
		if (w->width < 256)
			snprintf(want, sizeof(want),
				 "t.hil:1:%zu: value %.48s%s is %u bits "
				 "wide, port '%.16s' has %u",
				 strlen(name) + 7, w->dec_over,
				 strlen(w->dec_over) > 48 ? "..." : "", w->width + 1, name,
				 w->width);
		else
			snprintf(want, sizeof(want),
				 "t.hil:1:%zu: value %.48s... is more "
				 "than 256 bits wide, port '%.16s' has 256",
				 strlen(name) + 7, w->dec_over, name);
		fails(text, want);
		snprintf(text, sizeof(text), "poke %s 0b1%s", name, bins);
		fails_at(text, "t.hil:1:");
		CHECK(strstr(err, w->width < 256 ? "bits wide, port" : "more than 256"));
		/* leading zeros do not make a value wider */
		snprintf(text, sizeof(text), "expect %s 0x0000%s", name, hexs);
		CHECK(parses(text));
		snprintf(text, sizeof(text), "expect %s 000%s", name, w->dec_max);
		CHECK(parses(text));
	}
	/* 2**65 - 1 across the byte boundary, decimal, into 9 bytes */
	if (parses("poke w65 36893488147419103231")) {
		const uint8_t *v = S.cmds[0].value;
		CHECK(v[0] == 0xff && v[7] == 0xff && v[8] == 0x01);
	}
	/* a 256-bit value with only the top bit set: 2**255 */
	if (parses("poke w256 57896044618658097711785492504343953926634992332820282019728792003956564819968")) {
		const uint8_t *v = S.cmds[0].value;
		CHECK(v[31] == 0x80 && v[0] == 0 && v[30] == 0);
	}
}

static void test_numbers(void)
{
	uint8_t v[32];
	char e[256];
	/* underscores between digits only */
	CHECK(hil_value_parse("0xdead_beef", 32, v, 4, e, sizeof(e)) == 0 && v[0] == 0xef &&
	      v[1] == 0xbe && v[2] == 0xad && v[3] == 0xde);
	CHECK(hil_value_parse("1_000", 16, v, 2, e, sizeof(e)) == 0 && v[0] == 0xe8 &&
	      v[1] == 0x03);
	CHECK(hil_value_parse("0b1010_1010", 8, v, 1, e, sizeof(e)) == 0 && v[0] == 0xaa);
	CHECK(hil_value_parse("0xAbC", 12, v, 2, e, sizeof(e)) == 0 && v[0] == 0xbc &&
	      v[1] == 0x0a);
	static const char *const under[] = {"_1", "1_", "1__0", "0x_1", "0b_1", "0x1_", "_"};
	for (size_t i = 0; i < sizeof(under) / sizeof(under[0]); i++) {
		CHECK(hil_value_parse(under[i], 8, v, 1, e, sizeof(e)) == -1);
		CHECK(strstr(e, "'_' may only stand between two digits") != NULL);
	}
	/* malformed numbers, each with its reason */
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"0x", "malformed number '0x': no digits after the prefix"},
		{"0b", "malformed number '0b': no digits after the prefix"},
		{"", "malformed number '': no digits"},
		{"0b102", "malformed number '0b102': '2' is not a binary digit"},
		{"0xfg", "malformed number '0xfg': 'g' is not a hex digit"},
		{"12a",
		 "malformed number '12a': 'a' is not a decimal digit (hex is "
		 "written 0x..., binary 0b...)"},
		{"0X10",
		 "malformed number '0X10': 'X' is not a decimal digit (hex is "
		 "written 0x..., binary 0b...)"},
		{"-1",
		 "malformed number '-1': '-' is not a decimal digit (values are "
		 "unsigned)"},
		{"1.5", "malformed number '1.5': '.' is not a decimal digit"},
		{"8'hff", "malformed number '8'hff': ''' is not a decimal digit"},
		{"1\x7f", "malformed number '1?': byte 0x7f is not a decimal digit"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(hil_value_parse(bad[i].text, 8, v, 1, e, sizeof(e)) == -1);
		if (strcmp(e, bad[i].msg)) {
			fprintf(stderr, "'%s': %s\n", bad[i].text, e);
			CHECK(!"number message");
		}
	}
	/* malformed wins over too wide */
	char big[200];
	memset(big, '9', 150);
	strcpy(big + 150, "z");
	CHECK(hil_value_parse(big, 8, v, 1, e, sizeof(e)) == -1 &&
	      strstr(e, "'z' is not a decimal digit"));
	CHECK(hil_value_parse("0x100", 8, v, 1, e, sizeof(e)) == -1 &&
	      !strcmp(e, "value 0x100 is 9 bits wide, at most 8 fit"));
	/* arguments */
	CHECK(hil_value_parse("1", 0, v, 1, e, sizeof(e)) == -1 && strstr(e, "width 0"));
	CHECK(hil_value_parse("1", 257, v, 32, e, sizeof(e)) == -1);
	CHECK(hil_value_parse("1", 9, v, 1, e, sizeof(e)) == -1 &&
	      strstr(e, "1 bytes cannot hold 9 bits"));
	/* the bytes past the width are cleared */
	memset(v, 0xee, sizeof(v));
	CHECK(hil_value_parse("0x1ff", 9, v, 4, e, sizeof(e)) == 0 && v[0] == 0xff &&
	      v[1] == 1 && v[2] == 0 && v[3] == 0 && v[4] == 0xee);
	/* in scripts, with the column */
	fails("poke a 1__0",
	      "t.hil:1:8: malformed number '1__0': '_' may only stand "
	      "between two digits");
	fails("expect sum 0x",
	      "t.hil:1:12: malformed number '0x': no digits after "
	      "the prefix");
	fails("wait a == 1 mask 0b2 timeout 1",
	      "t.hil:1:18: malformed number '0b2': "
	      "'2' is not a binary digit");
	fails("at 0xz poke a 1",
	      "t.hil:1:4: malformed number '0xz': 'z' is not a "
	      "hex digit");
	CHECK(parses("at 1_000 poke a 0b1\nrun 0x3e8") && S.cmds[0].cycle == 1000 &&
	      S.cmds[1].cycle == 1000);
}

static void test_format(void)
{
	char out[80];
	uint8_t v[32];
	memset(v, 0xff, sizeof(v));
	hil_value_format(v, 1, out);
	CHECK(!strcmp(out, "0x1"));
	hil_value_format(v, 5, out);
	CHECK(!strcmp(out, "0x1f"));
	hil_value_format(v, 8, out);
	CHECK(!strcmp(out, "0xff"));
	hil_value_format(v, 9, out);
	CHECK(!strcmp(out, "0x1ff"));
	hil_value_format(v, 256, out);
	CHECK(strlen(out) == 66 && out[65] == 'f' && !strchr(out + 2, 'x'));
	memset(v, 0, sizeof(v));
	v[0] = 0x0a;
	v[8] = 0x01;
	hil_value_format(v, 65, out);
	CHECK(!strcmp(out, "0x1000000000000000a"));
	hil_value_format(v, 16, out);
	CHECK(!strcmp(out, "0x000a"));
}

static void test_load(void)
{
	char path[] = "/tmp/hil_test_script_XXXXXX", e[512];
	struct hil_script s;
	CHECK(hil_script_load(&s, "tests/unit/nope.hil", &ports, e, sizeof(e)) == -1);
	CHECK(strstr(e, "tests/unit/nope.hil: No such file") != NULL);
	hil_script_free(&s);

	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, "poke a 1\r\nstep 2\r\n", 18) == 18);
	close(fd);
	CHECK(hil_script_load(&s, path, &ports, e, sizeof(e)) == 0 && s.ncmds == 2 &&
	      !strcmp(s.path, path));
	hil_script_free(&s);

	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(write(fd, "poke a 1\nst\0ep 2\n", 17) == 17);
	close(fd);
	CHECK(hil_script_load(&s, path, &ports, e, sizeof(e)) == -1);
	char want[128];
	snprintf(want, sizeof(want), "%s:2:3: NUL byte: a script is text", path);
	CHECK(!strcmp(e, want));
	CHECK(s.ncmds == 0 && s.cmds == NULL);

	/* Bigger than the first read buffer, to cross a refill. */
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		for (int i = 0; i < 20000; i++)
			fprintf(f, "poke a %d\nstep 1\n", i % 256);
		fprintf(f, "watch nope\n");
		fclose(f);
		CHECK(hil_script_load(&s, path, &ports, e, sizeof(e)) == -1);
		snprintf(want, sizeof(want), "%s:40001:7: unknown port 'nope'", path);
		CHECK(!strncmp(e, want, strlen(want)));
	}
	unlink(path);
}

/* Signals of a pretend DUT: u.r (4 bits) and the words of m[0:3] (12). */
static int width_of(void *user, const char *name, unsigned *width, char *why, size_t whylen)
{
	++*(int *)user;
	if (!strcmp(name, "u.r") ||
	    (!strncmp(name, "m[", 2) && name[2] >= '0' && name[2] <= '3' &&
	     !strcmp(name + 3, "]"))) {
		*width = name[0] == 'u' ? 4 : 12;
		return 1;
	}
	if (!strcmp(name, "m[4]"))
		snprintf(why, whylen, "m has words 0 to 3");
	else
		snprintf(why, whylen, "dut has no signal '%s'", name);
	return 0;
}

/* The script binds with this message, or without one if want is NULL. */
static void binds(const char *text, const char *want)
{
	int calls = 0;
	char e[1024] = "";
	if (!parses(text)) {
		CHECK(!"parses");
		return;
	}
	int rc = hil_script_bind(&S, &ports, width_of, &calls, e, sizeof(e));
	if (want ? rc != -1 || strcmp(e, want) : rc != 0) {
		fprintf(stderr, "script:   %.200s\nmessage:  %s\nexpected: %s\n", text, e,
			want ? want : "(none)");
		CHECK(!"bind message");
	}
}

/* Peeks and expects of names that are no port: kept for hil_script_bind,
 * which asks for each signal's width once and checks expect values. */
static void test_signals(void)
{
	CHECK(parses("peek u.r\nexpect m[2] 0xfff\npeek a\nrepeat 2\npeek u.r\nend"));
	CHECK(S.ncmds == 5 && S.nsignals == 4);
	const struct hil_cmd *c = S.cmds;
	CHECK(c[0].kind == HIL_CMD_PEEK && c[0].port == -1 && c[0].signal &&
	      !strcmp(c[0].signal, "u.r") && c[0].col == 6 && !c[0].value);
	CHECK(c[1].kind == HIL_CMD_EXPECT && c[1].port == -1 && !strcmp(c[1].signal, "m[2]") &&
	      c[1].col == 8 && c[1].vcol == 13 && c[1].value[0] == 0xff &&
	      c[1].value[1] == 0x0f);
	CHECK(c[2].port == 0 && !c[2].signal);
	int calls = 0;
	char e[1024];
	CHECK(hil_script_bind(&S, &ports, width_of, &calls, e, sizeof(e)) == 0);
	CHECK(calls == 2 && c[0].width == 4 && c[1].width == 12 && c[3].width == 4 &&
	      c[4].width == 4);

	binds("expect u.r 15\nexpect m[0] 0xabc", NULL);
	binds("expect m[3] 0x1fff", "t.hil:1:13: value is 13 bits wide, signal 'm[3]' has 12");
	binds("repeat 2\nexpect u.r 0x10\nend",
	      "t.hil:2:12: value is 5 bits wide, signal 'u.r' has 4 (repeat iteration 1 of 2)");
	/* A plain name may be a port misspelt; a path is not. */
	binds("step 1\npeek cnt",
	      "t.hil:2:6: 'cnt' is no port of dut (ports: " PORT_LIST "); dut has no signal "
	      "'cnt'");
	binds("peek x.y", "t.hil:1:6: dut has no signal 'x.y'");
	binds("peek m[4]", "t.hil:1:6: m has words 0 to 3");
	/* Signals are read, never watched, waited on or poked. */
	fails("watch u.r",
	      "t.hil:1:7: unknown port 'u.r' (ports: " PORT_LIST
	      "); signals inside the DUT can be peeked and expected, not watched "
	      "or waited on");
	fails("poke u.r 1", "t.hil:1:6: unknown port 'u.r' (ports: " PORT_LIST ")");
	fails("expect u.r", "t.hil:1:11: missing VALUE: the command is 'expect PORT VALUE'");
}

/* Random lines from words of the language and random bytes: the parser
 * must accept or refuse, and what it accepts must be consistent. */
static void test_random(void)
{
	static const char *const words[] = {
		"poke",
		"at",
		"step",
		"run",
		"peek",
		"expect",
		"watch",
		"unwatch",
		"wait",
		"mask",
		"timeout",
		"==",
		"!=",
		"a",
		"sum",
		"bit",
		"w256",
		"clk",
		"0",
		"1",
		"0x1ff",
		"0b",
		"1_0",
		"281474976710655",
		"281474976710656",
		"#",
		"\t",
		"\r",
		"_",
		"0x",
		"999999999999999999999",
		"repeat",
		"end",
		"2",
	};
	char text[512];
	unsigned seed = 12345;
	int accepted = 0;
	for (int round = 0; round < 20000; round++) {
		size_t o = 0;
		int nw = 1 + (int)(rand_r(&seed) % 9);
		for (int i = 0; i < nw && o < sizeof(text) - 40; i++) {
			if (rand_r(&seed) % 8 == 0) {
				text[o++] = (char)(1 + rand_r(&seed) % 255);
			} else {
				const char *w = words[rand_r(&seed) %
						      (sizeof(words) / sizeof(words[0]))];
				o += (size_t)snprintf(text + o, sizeof(text) - o, "%s", w);
			}
			text[o++] = rand_r(&seed) % 10 ? ' ' : '\n';
		}
		text[o] = '\0';
		if (parse(text) == 0) {
			accepted++;
			for (size_t k = 0; k < S.ncmds; k++) {
				const struct hil_cmd *c = &S.cmds[k];
				CHECK(c->port >= -1 && c->port < (int)ports.n);
				CHECK(c->cycle < (1ull << 48));
				/* A signal inside the DUT: its value is checked
				 * by hil_script_bind. */
				CHECK(!c->signal ||
				      (c->port == -1 &&
				       (c->kind == HIL_CMD_PEEK ||
					c->kind == HIL_CMD_EXPECT)));
				if (c->value && !c->signal) {
					const struct hil_port *q = &pv[c->port];
					CHECK(q->width % 8 == 0 ||
					      !(c->value[q->nbytes - 1] >> (q->width % 8)));
				}
			}
		} else {
			CHECK(!strncmp(err, "t.hil:", 6) && S.ncmds == 0);
		}
	}
	CHECK(accepted > 0);
}

int main(void)
{
	test_commands();
	test_errors();
	test_repeat();
	test_signals();
	test_widths();
	test_numbers();
	test_format();
	test_load();
	test_random();
	hil_script_free(&S);
	return CHECK_DONE();
}
