/* The models of a DUT, each in its own folder of the DUT's folder in the
 * cache: sim (the DUT's RTL and the bridge shell as hil-model.so, for
 * in-process use), and the process models behind host/sim's harnesses: ce
 * (the DUT after hil_ce, with the bridge), netlist (synth_ice40's netlist
 * of both with the iCE40 cell models), uart and fx2 (a board's top). Every
 * tool runs from an argv on files copied into the folder. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/buildjob.h"
#include "build/params.h"
#include "util/errfmt.h"

static void add_cxx(struct argv *v, const struct job *j)
{
	argv_add(v, "g++");
	argv_addv(v, CXXFLAGS);
	argv_addf(v, "-I%s/include", j->vroot);
	argv_addf(v, "-I%s/include/vltstd", j->vroot);
}

/* Verilator's runtime, compiled once per Verilator and compiler. */
static int build_runtime(struct job *j, const char *dir)
{
	static const char *const unit[] = {"verilated", "verilated_threads"};
	struct argv a = {.ar = &j->ar}, b = {.ar = &j->ar};
	struct argv *v[2] = {&a, &b};
	for (int i = 0; i < 2; i++) {
		add_cxx(v[i], j);
		argv_addf(v[i], "%s/include/%s.cpp", j->vroot, unit[i]);
		argv_add(v[i], "-O3");
		argv_add(v[i], "-c");
		argv_add(v[i], "-o");
		argv_addf(v[i], "%s.o", unit[i]);
	}
	return bj_tools(j, dir, "Verilator's runtime", v, 2);
}

int bj_runtime(struct job *j)
{
	if (bj_verilator_root(j) < 0)
		return -1;
	EVP_MD_CTX *h = bj_key_start("runtime");
	if (!h)
		return hil_fail(j->err, j->errlen, "out of memory");
	bj_hash_tool(h, "g++");
	bj_hash_file(h, "/dev/null");
	char inc[PATH_MAX + 32], hex[33];
	snprintf(inc, sizeof(inc), "%s/include/verilated.cpp", j->vroot);
	bj_hash_file(h, inc);
	snprintf(inc, sizeof(inc), "%s/include/verilated_threads.cpp", j->vroot);
	bj_hash_file(h, inc);
	for (const char *const *f = CXXFLAGS; *f; f++)
		bj_hash_str(h, *f);
	bj_key_end(h, hex);
	snprintf(j->runtime, sizeof(j->runtime), "%s/verilator-%s", j->cache, hex);
	if (bj_is_dir(j->runtime))
		return 0;
	/* Shared by every DUT: a lock of its own. */
	char lock[sizeof(j->runtime) + 8];
	snprintf(lock, sizeof(lock), "%s.lock", j->runtime);
	int fd = bj_lock(j, lock);
	if (fd < 0)
		return -1;
	int rc = bj_stage(j, j->runtime, build_runtime);
	close(fd);
	return rc;
}

/* Compiles every .cpp Verilator wrote into the folders objs, and the
 * harness, two at a time, then links them with Verilator's runtime into
 * out: a shared library if its name ends in .so, else an executable. Hot
 * code at `opt`, Verilator's __Slow files (construction, once) at -Os, as
 * Verilator's own make does. flags: include folders and defines; unit: a
 * part of Verilator's runtime to compile in too, or NULL. */
static int compile_link(struct job *j, const char *dir, const char *const *objs,
			const char *harness, const char *const *flags, const char *opt,
			const char *unit, const char *out)
{
	struct argv src = {.ar = &j->ar}, dst = {.ar = &j->ar}, l = {.ar = &j->ar};
	char path[PATH_MAX + 128];
	for (; *objs; objs++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *objs);
		struct dirent **e;
		int n = scandir(path, &e, NULL, alphasort);
		if (n < 0)
			return hil_fail(j->err, j->errlen, "%s: %s", path, strerror(errno));
		for (int i = 0; i < n; i++) {
			size_t len = strlen(e[i]->d_name);
			if (len > 4 && !strcmp(e[i]->d_name + len - 4, ".cpp")) {
				argv_addf(&src, "%s/%s", *objs, e[i]->d_name);
				argv_addf(&dst, "%s/%.*s.o", *objs, (int)(len - 4),
					  e[i]->d_name);
			}
			free(e[i]);
		}
		free(e);
	}
	argv_add(&src, harness);
	argv_addf(&dst, "%.*s.o", (int)strlen(harness) - 4, harness);
	/* A part of Verilator's runtime only some models need (tracing). */
	if (unit) {
		argv_addf(&src, "%s/include/%s.cpp", j->vroot, unit);
		argv_addf(&dst, "%s.o", unit);
	}
	for (int i = 0; i < src.n; i += 2) {
		struct argv c[2] = {{.ar = &j->ar}, {.ar = &j->ar}};
		struct argv *cv[2] = {&c[0], &c[1]};
		int k = src.n - i < 2 ? src.n - i : 2;
		for (int u = 0; u < k; u++) {
			add_cxx(&c[u], j);
			argv_add(&c[u], strstr(src.a[i + u], "__Slow") ? "-Os" : opt);
			argv_addv(&c[u], flags);
			argv_add(&c[u], "-c");
			argv_add(&c[u], src.a[i + u]);
			argv_add(&c[u], "-o");
			argv_add(&c[u], dst.a[i + u]);
		}
		if (bj_tools(j, dir, "the C++ compiler", cv, k) < 0)
			return -1;
	}
	argv_add(&l, "g++");
	if (strstr(out, ".so"))
		argv_add(&l, "-shared");
	argv_add(&l, "-o");
	argv_add(&l, out);
	for (int i = 0; i < dst.n; i++)
		argv_add(&l, dst.a[i]);
	argv_addf(&l, "%s/verilated.o", j->runtime);
	argv_addf(&l, "%s/verilated_threads.o", j->runtime);
	argv_add(&l, "-pthread");
	argv_add(&l, "-latomic");
	if (unit && strstr(unit, "fst"))
		argv_add(&l, "-lz");
	struct argv *lv = &l;
	return bj_tools(j, dir, "linking", &lv, 1);
}

/* The in-process RTL model: the DUT's own sources and the bridge shell,
 * verilated at once, compiled at once, linked into hil-model.so. */
/* Names and values are checked (params.h): plain identifiers, integers. */
static int add_param(void *user, const char *name, const char *value)
{
	argv_addf(user, "-G%s=%s", name, value);
	return 0;
}

static int add_define(void *user, const char *name, const char *value)
{
	argv_addf(user, "-D%s%s%s", name, *value ? "=" : "", value);
	return 0;
}

static int build_sim(struct job *j, const char *dir)
{
	static const char *const harness[] = {"host/sim/hil_model.cpp", "host/sim/hil_model.h",
					      "host/sim/hil_peek.h", NULL};
	char glue_from[PATH_MAX + 400], glue_to[PATH_MAX + 400];
	struct argv d = {.ar = &j->ar}, s = {.ar = &j->ar};
	struct argv *v[3] = {&d, &s, NULL};
	snprintf(glue_from, sizeof(glue_from), "%s/hil_glue.h", j->dut);
	snprintf(glue_to, sizeof(glue_to), "%s/hil_glue.h", dir);
	if (bj_bring(j, dir, harness) < 0 ||
	    bj_copy(glue_from, glue_to, j->err, j->errlen) < 0)
		return -1;
	argv_add(&d, "verilator");
	argv_add(&d, "--cc");
	argv_addv(&d, VFLAGS);
	argv_add(&d, "--prefix");
	argv_add(&d, "Vdut");
	argv_add(&d, "--top-module");
	argv_add(&d, j->top);
	argv_add(&d, "-Mdir");
	argv_add(&d, "obj_dut");
	/* sim-vcd, sim-fst: the DUT traced, for waveforms of all its signals;
	 * sim-peek (also with -vcd or -fst): every signal public, for reading
	 * internal signals. Plain sim has neither: both cost speed. */
	size_t kl = strlen(j->kind);
	int trace = kl > 4 && !strcmp(j->kind + kl - 4, "-vcd") ? 1
		: kl > 4 && !strcmp(j->kind + kl - 4, "-fst")   ? 2
								: 0;
	int peek = !strncmp(j->kind, "sim-peek", 8);
	if (trace)
		argv_add(&d, trace == 1 ? "--trace" : "--trace-fst");
	if (peek)
		argv_add(&d, "--public-flat-rw");
	argv_add(&d, "-I../src");
	for (int k = 0; k < j->nincludes; k++)
		argv_addf(&d, "-I../src/inc%d", k);
	hil_params_each(j->params, add_param, &d);
	hil_params_each(j->defines, add_define, &d);
	for (size_t i = 0; i < j->sources->n; i++)
		if (j->sources->f[i].compile)
			argv_addf(&d, "../src/%s", j->sources->f[i].name);
	argv_add(&s, "verilator");
	argv_add(&s, "--cc");
	argv_addv(&s, VFLAGS);
	argv_add(&s, "--prefix");
	argv_add(&s, "Vshell");
	argv_add(&s, "--top-module");
	argv_add(&s, "hil_shell");
	argv_add(&s, "-Mdir");
	argv_add(&s, "obj_shell");
	if (bj_bring_gateware(j, dir, 0, &s) < 0)
		return -1;
	argv_add(&s, "../hil_shell.v");
	if (bj_tools(j, dir, "Verilator, the DUT's RTL and the bridge", v, 2) < 0)
		return -1;
	/* The in-process model is the fast path: -O3, as a user tuning
	 * Verilator would build it. */
	static const char *const objs[] = {"obj_dut", "obj_shell", NULL};
	const char *flags[] = {"-I.", "-Iobj_dut", "-Iobj_shell", "-DHIL_MODEL_PEEK",
			       NULL,  NULL};
	if (!peek)
		flags[3] = NULL;
	if (trace)
		flags[peek ? 4 : 3] =
			trace == 1 ? "-DHIL_MODEL_TRACE=1" : "-DHIL_MODEL_TRACE=2";
	static const char *const units[] = {NULL, "verilated_vcd_c", "verilated_fst_c"};
	return compile_link(j, dir, objs, "hil_model.cpp", flags, "-O3", units[trace],
			    "hil-model.so");
}

/* A UART board runs the compact bridge, so its model does too. */
static int gateware_of(const char *kind)
{
	return BJ_GW_BOARDS | (!strcmp(kind, "uart") ? BJ_GW_COMPACT : 0);
}

/* The process models: a Verilator top behind one of host/sim's harnesses.
 * kind: ce, netlist, uart, fx2. */
static int build_exe(struct job *j, const char *dir)
{
	const char *kind = j->kind;
	const char *main_cpp = !strcmp(kind, "uart") ? "hil_uart_main.cpp"
		: !strcmp(kind, "fx2")               ? "hil_fx2_main.cpp"
						     : "hil_sim_main.cpp";
	char harness[3][64];
	const char *list[4] = {harness[0], harness[1], NULL, NULL};
	snprintf(harness[0], sizeof(harness[0]), "host/sim/%s", main_cpp);
	snprintf(harness[1], sizeof(harness[1]), "host/sim/hil_socket.h");
	if (strcmp(kind, "uart") == 0 || strcmp(kind, "fx2") == 0) {
		snprintf(harness[2], sizeof(harness[2]), "host/sim/hil_%s.vlt", kind);
		list[2] = harness[2];
	}
	if (bj_bring(j, dir, list) < 0)
		return -1;
	struct argv v = {.ar = &j->ar}, y = {.ar = &j->ar};
	argv_add(&v, "verilator");
	argv_add(&v, "--cc");
	argv_addv(&v, VFLAGS);
	argv_add(&v, "-Mdir");
	argv_add(&v, "obj");
	/* The harnesses include V<top>.h, Verilator's default name. */
	const char *top = !strcmp(kind, "uart") ? "hil_board"
		: !strcmp(kind, "fx2")          ? "hil_board_fx2"
						: "hil_top";
	if (!strcmp(kind, "netlist")) {
		argv_add(&y, "yosys");
		argv_add(&y, "-q");
		argv_add(&y, "-p");
		char script[4096];
		size_t o = (size_t)snprintf(script, sizeof(script), "read_verilog");
		char names[64][64];
		int n = bj_gateware(j, BJ_GW_BOARDS, names, 64);
		struct argv ignored = {.ar = &j->ar};
		if (bj_bring_gateware(j, dir, BJ_GW_BOARDS, &ignored) < 0)
			return -1;
		for (int i = 0; i < n; i++)
			if (strcmp(names[i], "hil_board.v") && o < sizeof(script))
				o += (size_t)snprintf(script + o, sizeof(script) - o, " gw/%s",
						      names[i]);
		if (o < sizeof(script))
			snprintf(script + o, sizeof(script) - o,
				 " ../hil_top.v ../dut_ce.v; synth_ice40 " BJ_SYNTH_OPTS
				 " -device %s -top hil_top; "
				 "write_verilog -noattr hil_top_netlist.v",
				 j->board.synth);
		argv_add(&y, script);
		struct argv *yv = &y;
		if (bj_tools(j, dir, "Yosys, the chip's netlist", &yv, 1) < 0)
			return -1;
		static const char *const q[] = {"yosys-config", "--datdir", NULL};
		char dat[PATH_MAX];
		if (bj_ask(j, dir, q, dat, sizeof(dat)) < 0)
			return -1;
		argv_add(&v, "--top-module");
		argv_add(&v, "hil_top");
		argv_add(&v, "-DNO_ICE40_DEFAULT_ASSIGNMENTS");
		argv_add(&v, "hil_top_netlist.v");
		argv_addf(&v, "%s/ice40/cells_sim.v", dat);
	} else {
		argv_add(&v, "--top-module");
		argv_add(&v, top);
		if (!strcmp(kind, "uart"))
			argv_addf(&v, "-GDIV=%u", j->board.div);
		if (strcmp(kind, "ce"))
			argv_addf(&v, "hil_%s.vlt", kind);
		if (bj_bring_gateware(j, dir, gateware_of(kind), &v) < 0)
			return -1;
		argv_add(&v, "../hil_top.v");
		argv_add(&v, "../dut_ce.v");
	}
	struct argv *vv = &v;
	if (bj_tools(j, dir, "Verilator", &vv, 1) < 0)
		return -1;
	/* The process models check the chip's logic rather than race: built
	 * at -Os, Verilator's default, which compiles a netlist's model in a
	 * fraction of -O3's time. */
	static const char *const objs[] = {"obj", NULL};
	char div[32];
	snprintf(div, sizeof(div), "-DHIL_DIV=%u", j->board.div);
	const char *const flags[] = {"-I.", "-Iobj", strcmp(kind, "uart") ? NULL : div, NULL};
	return compile_link(j, dir, objs, main_cpp, flags, "-Os", NULL, "hil-sim");
}

/* A model's folder: STAGE-<key of its inputs>. */
int bj_model(struct job *j, const char *kind, char *out, size_t outlen)
{
	char path[PATH_MAX + 450], names[64][64];
	EVP_MD_CTX *h = bj_key_start(kind);
	if (!h)
		return hil_fail(j->err, j->errlen, "out of memory");
	bj_hash_tool(h, "verilator_bin");
	bj_hash_tool(h, "verilator");
	bj_hash_tool(h, "g++");
	if (!strcmp(kind, "netlist")) {
		bj_hash_tool(h, "yosys");
		bj_hash_str(h, BJ_SYNTH_OPTS);
	}
	bj_hash_str(h, j->vroot);
	for (const char *const *f = CXXFLAGS; *f; f++)
		bj_hash_str(h, *f);
	for (const char *const *f = VFLAGS; *f; f++)
		bj_hash_str(h, *f);
	int n = bj_gateware(j, gateware_of(kind), names, 64);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/gateware/%s", j->root, names[i]);
		bj_hash_file(h, path);
	}
	static const char *const mine[] = {
		"hil_model.cpp",    "hil_model.h",      "hil_peek.h",
		"hil_sim_main.cpp", "hil_socket.h",     "hil_uart_main.cpp",
		"hil_uart.vlt",     "hil_fx2_main.cpp", "hil_fx2.vlt"};
	for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++) {
		snprintf(path, sizeof(path), "%s/host/sim/%s", j->root, mine[i]);
		bj_hash_file(h, path);
	}
	static const char *const wrapped[] = {"hil_top.v", "hil_shell.v", "hil_glue.h",
					      "dut_ce.v"};
	for (size_t i = 0; i < sizeof(wrapped) / sizeof(wrapped[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", j->dut, wrapped[i]);
		bj_hash_file(h, path);
	}
	char board[128];
	snprintf(board, sizeof(board), "%s %s %u", j->board.name, j->board.synth,
		 j->board.div);
	bj_hash_str(h, board);
	char hex[33];
	bj_key_end(h, hex);
	j->src = "../src/";
	snprintf(path, sizeof(path), "%s/%s%s%s-%.16s", j->dut, kind,
		 j->board.name[0] ? "-" : "", j->board.name, hex);
	j->kind = kind;
	int sim = !strncmp(kind, "sim", 3);
	if (bj_stage(j, path, sim ? build_sim : build_exe) < 0)
		return -1;
	if (snprintf(out, outlen, "%s/%s", path, sim ? "hil-model.so" : "hil-sim") >=
	    (int)outlen)
		return hil_fail(j->err, j->errlen, "path too long");
	return 0;
}
