/* A DUT's bitstream for a board: Yosys synthesises hil's gateware and the
 * DUT (after hil_ce) for the board's chip, nextpnr places and routes it
 * for the board's pins and clock, icepack packs it with a comment that
 * says what it is. Every tool runs from an argv in the build folder, on
 * copies with fixed names, so no user path reaches a script or a shell.
 * The folder (in the DUT's folder of the build cache, keyed by every
 * input) holds hil.bin, hil.json, resources.txt and the tools' logs. A
 * design that misses timing or does not fit fails with the reason. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/buildjob.h"
#include "util/errfmt.h"
#include "hil/ports.h"

/* Utilisation lines of nextpnr's log: "Info: \t ICESTORM_LC:  2887/ 1280  225%". */
static int util_line(const char *line, char *key, size_t keylen, long *used, long *avail)
{
	char k[32];
	if (sscanf(line, "Info: %31[A-Z_0-9]: %ld/ %ld", k, used, avail) != 3)
		return 0;
	snprintf(key, keylen, "%s", k);
	return 1;
}

/* "Max frequency for clock 'C': A MHz (PASS at R MHz)": clock, A and R. */
static int clock_line(const char *line, char *clock, size_t n, double *got, double *want)
{
	const char *p = strstr(line, "Max frequency for clock '");
	char c[64];
	if (!p ||
	    sscanf(p, "Max frequency for clock '%63[^']': %lf MHz (%*[A-Z] at %lf MHz)", c,
		   got, want) != 3)
		return 0;
	snprintf(clock, n, "%s", c);
	return 1;
}

static int has(const char *line, const char *word)
{
	size_t n = strlen(word);
	for (; *line; line++)
		if (!strncasecmp(line, word, n))
			return 1;
	return 0;
}

static const char *what_of(const char *key)
{
	static const struct {
		const char *key, *what;
	} names[] = {
		{"ICESTORM_LC", "logic cells (ICESTORM_LC, a LUT4 and a flip-flop each)"},
		{"ICESTORM_RAM", "block RAMs (ICESTORM_RAM)"},
		{"SB_IO", "I/O pins (SB_IO)"},
		{"SB_GB", "global buffers (SB_GB)"},
		{"ICESTORM_DSP", "DSP blocks (ICESTORM_DSP)"},
		{"ICESTORM_SPRAM", "SPRAM blocks (ICESTORM_SPRAM)"},
		{"ICESTORM_PLL", "PLLs (ICESTORM_PLL)"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(key, names[i].key))
			return names[i].what;
	return key;
}

/* Why nextpnr failed, from its log: the clock that missed timing, or what
 * the design needs more of than the chip has, or else the log's errors. */
static void why(struct job *j, const char *log)
{
	FILE *f = fopen(log, "r");
	char line[1024], fail[1024] = "", over[1200] = "", place[1200] = "", errs[1200] = "";
	int nplace = 0, nerr = 0;
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		char key[32], clock[64];
		long used, avail;
		double got, want;
		size_t o;
		if (clock_line(line, clock, sizeof(clock), &got, &want) &&
		    strstr(line, "FAIL"))
			snprintf(fail, sizeof(fail), "%s", strstr(line, "Max frequency"));
		else if (util_line(line, key, sizeof(key), &used, &avail) && used > avail &&
			 (o = strlen(over)) < sizeof(over))
			snprintf(over + o, sizeof(over) - o, "%sneeds %ld %s, the %s has %ld",
				 o ? "; " : "", used, what_of(key), j->board.device, avail);
		else if ((has(line, "Unable to place cell") || has(line, "Design uses more") ||
			  has(line, "too many") || has(line, "exceeds")) &&
			 nplace++ < 3 && (o = strlen(place)) < sizeof(place))
			snprintf(place + o, sizeof(place) - o, "%s%s", o ? "; " : "", line);
		else if (!strncmp(line, "ERROR", 5) && nerr++ < 5 &&
			 (o = strlen(errs)) < sizeof(errs))
			snprintf(errs + o, sizeof(errs) - o, "\n%s", line);
	}
	if (f)
		fclose(f);
	const char *b = j->board.name, *n = j->name;
	if (fail[0])
		hil_fail(j->err, j->errlen, "hil bitstream %s/%s: timing failed: %s", b, n,
			 fail);
	else if (over[0] || place[0])
		hil_fail(j->err, j->errlen, "hil bitstream %s/%s: does not fit: %s", b, n,
			 over[0] ? over : place);
	else
		hil_fail(j->err, j->errlen, "hil bitstream %s/%s: nextpnr failed:%s", b, n,
			 errs[0] ? errs : " (no message)");
}

/* resources.txt: logic cells, flip-flops and block RAMs used, and the
 * clock reached. From nextpnr's report when it finished, else from its
 * log. Flip-flops are the log's packing lines ("LCs used as LUT4 and DFF"
 * plus "DFF only"); the device has one per logic cell. */
static void resources(const char *dir, int placed)
{
	char path[PATH_MAX + 400], line[1024];
	long lc[2] = {-1, -1}, ram[2] = {-1, -1}, ffs = -1;
	char clocks[8][64];
	double got[8], want[8];
	int nclk = 0;
	snprintf(path, sizeof(path), "%s/nextpnr.log", dir);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		long n, a;
		int end = 0;
		char key[32], clock[64];
		double g, w;
		/* %n: the whole line must match, not only its number. */
		if ((sscanf(line, "Info: %ld LCs used as LUT4 and DFF%n", &n, &end) == 1 &&
		     end) ||
		    (sscanf(line, "Info: %ld LCs used as DFF only%n", &n, &end) == 1 && end))
			ffs = (ffs < 0 ? 0 : ffs) + n;
		else if (!placed && util_line(line, key, sizeof(key), &n, &a)) {
			long *to = !strcmp(key, "ICESTORM_LC") ? lc
				: !strcmp(key, "ICESTORM_RAM") ? ram
							       : NULL;
			if (to) {
				to[0] = n;
				to[1] = a;
			}
		} else if (!placed && clock_line(line, clock, sizeof(clock), &g, &w)) {
			/* The last line of a clock is its routed figure. */
			int i = 0;
			while (i < nclk && strcmp(clocks[i], clock))
				i++;
			if (i == nclk && nclk < 8)
				nclk++;
			if (i < nclk) {
				snprintf(clocks[i], sizeof(clocks[i]), "%s", clock);
				got[i] = g;
				want[i] = w;
			}
		}
	}
	if (f)
		fclose(f);
	if (placed) {
		snprintf(path, sizeof(path), "%s/report.json", dir);
		json_t *r = json_load_file(path, 0, NULL),
		       *u = json_object_get(r, "utilization");
		json_t *l = json_object_get(u, "ICESTORM_LC"),
		       *m = json_object_get(u, "ICESTORM_RAM");
		lc[0] = (long)json_integer_value(json_object_get(l, "used"));
		lc[1] = (long)json_integer_value(json_object_get(l, "available"));
		ram[0] = (long)json_integer_value(json_object_get(m, "used"));
		ram[1] = (long)json_integer_value(json_object_get(m, "available"));
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(r, "fmax"), k, v)
		{
			if (nclk == 8)
				break;
			snprintf(clocks[nclk], sizeof(clocks[nclk]), "%s", k);
			got[nclk] = json_number_value(json_object_get(v, "achieved"));
			want[nclk++] = json_number_value(json_object_get(v, "constraint"));
		}
		json_decref(r);
	}
	snprintf(path, sizeof(path), "%s/resources.txt", dir);
	FILE *o = fopen(path, "w");
	if (!o)
		return;
	if (lc[0] >= 0)
		fprintf(o, "%-11s %6ld of %6ld\n", "LUTs", lc[0], lc[1]);
	if (ffs >= 0)
		fprintf(o, "%-11s %6ld of %6ld\n", "flip-flops", ffs, lc[1] < 0 ? 0 : lc[1]);
	if (ram[0] >= 0)
		fprintf(o, "%-11s %6ld of %6ld\n", "block RAMs", ram[0], ram[1]);
	for (int i = 0; i < nclk; i++)
		fprintf(o, "clock %s: %.1f MHz achieved, %.1f MHz required\n", clocks[i],
			got[i], want[i]);
	fclose(o);
}

/* The bitstream's comment (the text between its leading FF 00 and 00 FF,
 * which the iCE40 skips on its way to the sync word): what it is, so a
 * bitstream apart from its hil.json still says so. */
static int comment(struct job *j, char *out, size_t n)
{
	const struct hil_board *b = &j->board;
	char link[32];
	if (!strcmp(b->link, "fx2"))
		snprintf(link, sizeof(link), "link=fx2");
	else
		snprintf(link, sizeof(link), "baud=%lu", b->baud);
	return snprintf(out, n,
			"hil board=%s device=%s-%s dut=%s%s%s signature=%016llx "
			"osc_mhz=%s clock_mhz=%s %s",
			b->name, b->device, b->package, j->name,
			j->params[0] ? " params=" : "", j->params,
			(unsigned long long)j->signature, b->osc_mhz, b->clk_mhz,
			link) < (int)n
		? 0
		: -1;
}

/* nextpnr's .asc with its own comment replaced by ours. */
static int commented_asc(struct job *j, const char *dir)
{
	char from[PATH_MAX + 400], to[PATH_MAX + 400], line[4096], c[1800];
	snprintf(from, sizeof(from), "%s/hil.asc", dir);
	snprintf(to, sizeof(to), "%s/hil-commented.asc", dir);
	if (comment(j, c, sizeof(c)) < 0)
		return hil_fail(j->err, j->errlen, "the bitstream's comment is too long");
	FILE *in = fopen(from, "r"), *out = in ? fopen(to, "w") : NULL;
	if (!out) {
		if (in)
			fclose(in);
		return hil_fail(j->err, j->errlen, "%s: %s", to, strerror(errno));
	}
	fprintf(out, ".comment\n%s\n", c);
	int skip = 0;
	while (fgets(line, sizeof(line), in)) {
		if (line[0] == '.')
			skip = !strncmp(line, ".comment", 8) && strchr(" \r\n", line[8]);
		if (!skip)
			fputs(line, out);
	}
	fclose(in);
	return fclose(out) == 0 ? 0
				: hil_fail(j->err, j->errlen, "%s: %s", to, strerror(errno));
}

static int write_json(struct job *j, const char *dir)
{
	const struct hil_board *b = &j->board;
	char sig[20], path[PATH_MAX + 400];
	snprintf(sig, sizeof(sig), "%016llx", (unsigned long long)j->signature);
	/* The clocks as board.mk writes them: 12, or 40.5. */
	json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:o}", "board", b->name, "dut", j->name,
			      "signature", sig, "osc_mhz",
			      json_loads(b->osc_mhz, JSON_DECODE_ANY, NULL), "clock_mhz",
			      json_loads(b->clk_mhz, JSON_DECODE_ANY, NULL));
	if (!strcmp(b->link, "fx2"))
		json_object_set_new(o, "link", json_string("fx2"));
	else
		json_object_set_new(o, "baud", json_integer((json_int_t)b->baud));
	if (j->params[0])
		json_object_set_new(o, "params", json_string(j->params));
	snprintf(path, sizeof(path), "%s/hil.json", dir);
	FILE *f = o ? fopen(path, "w") : NULL;
	int rc = f && json_dumpf(o, f, JSON_PRESERVE_ORDER) == 0 && fputc('\n', f) == '\n'
		? 0
		: -1;
	if (f && fclose(f) != 0)
		rc = -1;
	json_decref(o);
	return rc < 0 ? hil_fail(j->err, j->errlen, "%s: cannot write", path) : 0;
}

static const char *const exported[] = {"hil.bin",     "hil.json",    "resources.txt",
				       "report.json", "nextpnr.log", "build.log"};

/* Copies the build in dir to the caller's folder, each file put in place
 * by a rename; what dir lacks goes from there too, so a failed build
 * leaves its logs (a misfit can still be measured) and no hil.bin. */
static int export(struct job *j, const char *dir)
{
	char from[PATH_MAX + 400], to[PATH_MAX + 400], tmp[PATH_MAX + 410];
	if (!j->export_to)
		return 0;
	for (size_t i = 0; i < sizeof(exported) / sizeof(exported[0]); i++) {
		snprintf(from, sizeof(from), "%s/%s", dir, exported[i]);
		snprintf(to, sizeof(to), "%s/%s", j->export_to, exported[i]);
		snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", j->export_to, exported[i]);
		unlink(to);
		if (access(from, R_OK) != 0)
			continue;
		if (bj_copy(from, tmp, j->err, j->errlen) < 0 || rename(tmp, to) != 0) {
			unlink(tmp);
			return hil_fail(j->err, j->errlen, "cannot write %s: %s", to,
					strerror(errno));
		}
	}
	return 0;
}

/* A UART board gets the compact bridge; an FX2 board, which delivers a
 * byte a clock, the byte-a-clock one. */
static int gateware_of(const struct hil_board *b)
{
	return BJ_GW_BOARDS | (strcmp(b->link, "fx2") ? BJ_GW_COMPACT : 0);
}

static int build_bitstream(struct job *j, const char *dir)
{
	const struct hil_board *b = &j->board;
	int fx2 = !strcmp(b->link, "fx2");
	char from[PATH_MAX + 64], to[PATH_MAX + 400], script[4096];
	snprintf(from, sizeof(from), "%s/boards/%s/%s.pcf", j->root, b->name, b->name);
	snprintf(to, sizeof(to), "%s/board.pcf", dir);
	struct argv y = {.ar = &j->ar}, p = {.ar = &j->ar}, k = {.ar = &j->ar},
		    gw = {.ar = &j->ar};
	if (bj_copy(from, to, j->err, j->errlen) < 0 ||
	    bj_bring_gateware(j, dir, gateware_of(b), &gw) < 0)
		return -1;
	snprintf(to, sizeof(to), "%s/gw/ice40", dir);
	mkdir(to, 0755);
	static const char *const tops[] = {"hil_chip.v", "hil_chip_fx2.v"};
	for (int i = 0; i < 2; i++) {
		snprintf(from, sizeof(from), "%s/gateware/ice40/%s", j->root, tops[i]);
		snprintf(to, sizeof(to), "%s/gw/ice40/%s", dir, tops[i]);
		if (bj_copy(from, to, j->err, j->errlen) < 0)
			return -1;
	}
	size_t o = (size_t)snprintf(script, sizeof(script), "read_verilog");
	for (int i = 0; i < gw.n && o < sizeof(script); i++)
		o += (size_t)snprintf(script + o, sizeof(script) - o, " %s", gw.a[i]);
	if (o < sizeof(script) && fx2)
		o += (size_t)snprintf(
			script + o, sizeof(script) - o,
			" gw/ice40/hil_chip.v gw/ice40/hil_chip_fx2.v ../hil_top.v "
			"../dut_ce.v; synth_ice40 " BJ_SYNTH_OPTS
			" -top hil_chip_fx2 -json synth.json");
	else if (o < sizeof(script))
		o += (size_t)snprintf(
			script + o, sizeof(script) - o,
			" gw/ice40/hil_chip.v gw/ice40/hil_chip_fx2.v ../hil_top.v "
			"../dut_ce.v; chparam -set DIV %u -set PLL %d -set DIVR %d "
			"-set DIVF %d -set DIVQ %d -set FILTER_RANGE %d hil_chip; "
			"synth_ice40 " BJ_SYNTH_OPTS " -top hil_chip -json synth.json",
			b->div, b->pll, b->pll_divr, b->pll_divf, b->pll_divq, b->pll_filter);
	if (o >= sizeof(script))
		return hil_fail(j->err, j->errlen, "the synthesis script is too long");
	argv_add(&y, "yosys");
	argv_add(&y, "-q");
	argv_add(&y, "-p");
	argv_add(&y, script);
	struct argv *v = &y;
	if (bj_tools(j, dir, "Yosys, the chip's netlist", &v, 1) < 0)
		return -1;
	argv_add(&p, "nextpnr-ice40");
	argv_add(&p, "-q");
	argv_addf(&p, "--%s", b->device);
	argv_add(&p, "--package");
	argv_add(&p, b->package);
	argv_add(&p, "--pcf");
	argv_add(&p, "board.pcf");
	argv_add(&p, "--freq");
	argv_add(&p, b->clk_mhz);
	argv_add(&p, "--json");
	argv_add(&p, "synth.json");
	argv_add(&p, "--asc");
	argv_add(&p, "hil.asc");
	argv_add(&p, "--report");
	argv_add(&p, "report.json");
	argv_add(&p, "--log");
	argv_add(&p, "nextpnr.log");
	v = &p;
	snprintf(to, sizeof(to), "%s/nextpnr.log", dir);
	if (bj_tools(j, dir, "nextpnr, placing and routing", &v, 1) < 0) {
		char msg[2048];
		why(j, to);
		resources(dir, 0);
		snprintf(msg, sizeof(msg), "%s", j->err);
		export(j, dir);
		return hil_fail(j->err, j->errlen, "%s", msg);
	}
	resources(dir, 1);
	if (commented_asc(j, dir) < 0)
		return -1;
	argv_add(&k, "icepack");
	argv_add(&k, "hil-commented.asc");
	argv_add(&k, "hil.bin");
	v = &k;
	if (bj_tools(j, dir, "icepack", &v, 1) < 0 || write_json(j, dir) < 0)
		return -1;
	snprintf(to, sizeof(to), "%s/hil.asc", dir);
	unlink(to);
	snprintf(to, sizeof(to), "%s/hil-commented.asc", dir);
	unlink(to);
	return 0;
}

int bj_bitstream(struct job *j, char *out, size_t outlen)
{
	const struct hil_board *b = &j->board;
	char path[PATH_MAX + 450], names[64][64];
	if (!b->device[0] || !b->package[0] || !b->clk_mhz[0] ||
	    (strcmp(b->link, "fx2") && (!b->div || !b->baud)))
		return hil_fail(
			j->err, j->errlen,
			"board %s: its board.mk lacks DEVICE, PACKAGE, CLK_MHZ, or (for a "
			"UART link) DIV and BAUD",
			b->name);
	snprintf(path, sizeof(path), "%s/ports.json", j->dut);
	struct hil_ports ports;
	if (hil_ports_load(&ports, path, j->err, j->errlen) < 0)
		return -1;
	j->signature = ports.signature;
	hil_ports_free(&ports);
	char c[1800];
	if (comment(j, c, sizeof(c)) < 0)
		return hil_fail(j->err, j->errlen, "the bitstream's comment is too long");
	EVP_MD_CTX *h = bj_key_start("bitstream");
	if (!h)
		return hil_fail(j->err, j->errlen, "out of memory");
	bj_hash_tool(h, "yosys");
	bj_hash_tool(h, "nextpnr-ice40");
	bj_hash_tool(h, "icepack");
	bj_hash_str(h, BJ_SYNTH_OPTS);
	bj_hash_str(h, c);
	snprintf(path, sizeof(path), "%u %d %d %d %d %d", b->div, b->pll, b->pll_divr,
		 b->pll_divf, b->pll_divq, b->pll_filter);
	bj_hash_str(h, path);
	int n = bj_gateware(j, gateware_of(b), names, 64);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/gateware/%s", j->root, names[i]);
		bj_hash_file(h, path);
	}
	snprintf(path, sizeof(path), "%s/gateware/ice40/hil_chip.v", j->root);
	bj_hash_file(h, path);
	snprintf(path, sizeof(path), "%s/gateware/ice40/hil_chip_fx2.v", j->root);
	bj_hash_file(h, path);
	snprintf(path, sizeof(path), "%s/boards/%s/%s.pcf", j->root, b->name, b->name);
	bj_hash_file(h, path);
	snprintf(path, sizeof(path), "%s/hil_top.v", j->dut);
	bj_hash_file(h, path);
	snprintf(path, sizeof(path), "%s/dut_ce.v", j->dut);
	bj_hash_file(h, path);
	char hex[33];
	bj_key_end(h, hex);
	j->src = "../src/";
	snprintf(path, sizeof(path), "%s/bitstream-%s-%.16s", j->dut, b->name, hex);
	if (bj_stage(j, path, build_bitstream) < 0) {
		/* A failure before nextpnr leaves nothing to show: no hil.bin either. */
		for (size_t i = 0; j->export_to && i < 2; i++) {
			snprintf(path, sizeof(path), "%s/%s", j->export_to, exported[i]);
			unlink(path);
		}
		return -1;
	}
	if (snprintf(out, outlen, "%s", path) >= (int)outlen)
		return hil_fail(j->err, j->errlen, "path too long");
	return export(j, path);
}
