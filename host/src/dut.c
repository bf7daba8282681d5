/* Building a DUT into its models: see hil/dut.h. The steps and their
 * products, each in the DUT's folder of the cache (<top>-<key>):
 *   the folder itself  src/ (the sources, copied), dut_bare.json, and
 *                      dut_ce.v/.json (Yosys with our hil_ce pass)
 *   wrap               hil_top.v, hil_shell.v, hil_glue.h, ports.json,
 *                      regenerated in-process, replaced when they change
 *   STAGE-<key>/       one model: sim (hil-model.so), ce, netlist-B,
 *                      uart-B, fx2-B (hil-sim), built in a temporary
 *                      folder and renamed into place, so a reader never
 *                      sees half of one.
 * Keys hash everything a product depends on, so an edit, a new tool or a
 * new hil makes a new folder and nothing stale is ever used. A lock per DUT
 * folder keeps two processes from building the same thing at once. */
#define _GNU_SOURCE
#include "hil/dut.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../sim/hil_model.h"
#include "dutsrc.h"
#include "errfmt.h"
#include "hil/board.h"
#include "hil/ports.h"
#include "hil/wrap.h"
#include "root.h"
#include "toolrun.h"

#define ERR(...) hil_fail(err, errlen, __VA_ARGS__)
/* Part of every key: bump when what a step produces changes in a way its
 * inputs do not show (the steps' code below, the generator in wrap.c). */
#define BUILD_VERSION "hil-build 2"
#define MAX_ARGS 1200

static const char *const VFLAGS[] = {"--x-assign", "0", "--x-initial", "0", "-Wno-fatal",
				     "-Wno-lint", "-Wno-style", "-O3", NULL};
/* -O3 as a user tuning Verilator would; hidden symbols so the model's calls
 * within itself cost what they do in an executable. (Verilator's runtime
 * has 33 KB of thread-locals, too many for a library's static TLS: each of
 * its few accesses per eval goes through __tls_get_addr.) */
static const char *const CXXFLAGS[] = {
	"-O3", "-fPIC", "-fvisibility=hidden", "-fno-semantic-interposition",
 "-DVM_COVERAGE=0", "-DVM_SC=0", "-DVM_TRACE=0", "-DVM_TRACE_FST=0",
	"-DVM_TRACE_VCD=0", "-faligned-new", "-Wno-bool-operation", "-Wno-sign-compare",
	"-Wno-uninitialized", "-Wno-unused-but-set-variable", "-Wno-unused-parameter",
	"-Wno-unused-variable", "-Wno-shadow", NULL};

struct job {
	const char *root;
	const char *top;
	char cache[PATH_MAX];
	char dut[PATH_MAX + 300]; /* the DUT's folder in the cache */
	char shown[1024];         /* the DUT directory as given, escaped */
	char vroot[PATH_MAX];     /* Verilator's own folder (include/) */
	struct hil_board board;
	const char *src;          /* how the tools name the copied sources */
	double t0;
	int tty, said;
	char *err;
	size_t errlen;
};

struct argv {
	const char *a[MAX_ARGS + 1];
	int n;
	char store[64][PATH_MAX]; /* strings the argv owns */
	int ns;
};

static void add(struct argv *v, const char *s)
{
	if (v->n < MAX_ARGS)
		v->a[v->n++] = s;
	v->a[v->n] = NULL;
}

static void addv(struct argv *v, const char *const *list)
{
	for (; *list; list++)
		add(v, *list);
}

__attribute__((format(printf, 2, 3))) static void addf(struct argv *v, const char *fmt, ...)
{
	if (v->ns == 64)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->store[v->ns], sizeof(v->store[0]), fmt, ap);
	va_end(ap);
	add(v, v->store[v->ns++]);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A first build takes seconds to minutes: say what it is doing, on a
 * terminal only (stdout may carry a trace; a pipe wants no chatter). */
static void progress(struct job *j, const char *what)
{
	if (!j->tty)
		return;
	fprintf(stderr, "hil: building DUT '%s': %s (%.0f s so far)\n", j->top, what,
		now_s() - j->t0);
	j->said = 1;
}

static int unlink_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	remove(p);
	return 0;
}

static void rm_rf(const char *path)
{
	nftw(path, unlink_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void hash_str(EVP_MD_CTX *h, const char *s)
{
	EVP_DigestUpdate(h, s, strlen(s) + 1);
}

/* A file's content into the hash (its absence too). */
static void hash_file(EVP_MD_CTX *h, const char *path)
{
	char buf[65536];
	hash_str(h, path);
	FILE *f = fopen(path, "rb");
	if (!f) {
		hash_str(h, "(missing)");
		return;
	}
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(h, buf, n);
	fclose(f);
}

/* An executable's identity without running it: its path in PATH, size and
 * modification time, which any upgrade changes. */
static void hash_tool(EVP_MD_CTX *h, const char *name)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX], dirs[8192];
	snprintf(dirs, sizeof(dirs), "%s", path ? path : "/usr/bin:/bin");
	for (char *save, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		struct stat st;
		snprintf(buf, sizeof(buf), "%s/%s", d, name);
		if (stat(buf, &st) == 0 && (st.st_mode & S_IXUSR)) {
			char id[PATH_MAX + 96];
			snprintf(id, sizeof(id), "%s %lld %lld.%09ld", buf, (long long)st.st_size,
				 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
			hash_str(h, id);
			return;
		}
	}
	hash_str(h, name);
}

static EVP_MD_CTX *key_start(const char *what)
{
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	if (h && EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(h);
		return NULL;
	}
	if (h) {
		hash_str(h, BUILD_VERSION);
		hash_str(h, what);
	}
	return h;
}

/* The key as 32 hex digits (128 bits). */
static void key_end(EVP_MD_CTX *h, char hex[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	EVP_DigestFinal_ex(h, md, &n);
	EVP_MD_CTX_free(h);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* hil's gateware: gateware/hil_*.v, sorted; board tops left out unless
 * `boards`. Returns how many names (each a path under root). */
static int gateware(const struct job *j, int boards, char (*out)[64], int max)
{
	char dir[PATH_MAX + 16];
	snprintf(dir, sizeof(dir), "%s/gateware", j->root);
	struct dirent **e;
	int n = scandir(dir, &e, NULL, alphasort), k = 0;
	for (int i = 0; i < n; i++) {
		const char *s = e[i]->d_name;
		size_t len = strlen(s);
		if (!strncmp(s, "hil_", 4) && len > 2 && !strcmp(s + len - 2, ".v") &&
		    (boards || strncmp(s, "hil_board", 9)) && k < max && len < 64)
			memcpy(out[k++], s, len + 1);
		free(e[i]);
	}
	if (n >= 0)
		free(e);
	return k;
}

static int copy_file(const char *from, const char *to, char *err, size_t errlen)
{
	char buf[65536];
	FILE *in = fopen(from, "rb");
	if (!in)
		return ERR("%s: %s", from, strerror(errno));
	FILE *out = fopen(to, "wb");
	if (!out) {
		fclose(in);
		return ERR("%s: %s", to, strerror(errno));
	}
	size_t n;
	int bad = 0;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		bad |= fwrite(buf, 1, n, out) != n;
	fclose(in);
	if (fclose(out) != 0 || bad)
		return ERR("%s: write failed", to);
	return 0;
}

/* Runs tools (at once) in folder dir; a failure's message is theirs. */
static int tools(struct job *j, const char *dir, const char *what, struct argv *const *v,
		 int n)
{
	char log[PATH_MAX + 16], msgs[1400];
	const char *const *argvs[HIL_SPAWN_MAX];
	snprintf(log, sizeof(log), "%s/build.log", dir);
	progress(j, what);
	for (int i = 0; i < n; i++)
		argvs[i] = v[i]->a;
	char e[300] = "";
	int rc = hil_spawn_all(argvs, n, dir, log, e, sizeof(e));
	if (rc == 0)
		return 0;
	char shown_dir[sizeof(j->shown) + 2];
	snprintf(shown_dir, sizeof(shown_dir), "%s/", j->shown);
	/* The sources are read from copies: show the user's own paths. */
	hil_spawn_errors(log, j->src, shown_dir, msgs, sizeof(msgs));
	if (rc < 0 && !msgs[0])
		snprintf(msgs, sizeof(msgs), "%s", e);
	char shown_log[600];
	hil_escape(log, shown_log, sizeof(shown_log));
	snprintf(j->err, j->errlen, "building DUT '%s' failed (%s):\n%s\n(the whole log: %s)",
		 j->top, what, msgs[0] ? msgs : "no message", shown_log);
	return -1;
}

/* Builds `final` by fn in a temporary folder beside it, then renames it into
 * place; does nothing if it is there already. */
static int stage(struct job *j, const char *final, int (*fn)(struct job *, const char *))
{
	if (is_dir(final))
		return 0;
	char tmp[PATH_MAX + 400];
	const char *slash = strrchr(final, '/');
	snprintf(tmp, sizeof(tmp), "%.*s/.tmp-%s-%d", (int)(slash - final), final, slash + 1,
		 (int)getpid());
	rm_rf(tmp);
	if (mkdir(tmp, 0755) != 0) {
		hil_fail(j->err, j->errlen, "cannot make a build folder: %s", strerror(errno));
		return -1;
	}
	if (fn(j, tmp) < 0)
		return -1; /* the folder stays, with its log, until the next try */
	if (rename(tmp, final) != 0) {
		rm_rf(tmp);
		if (!is_dir(final)) {
			hil_fail(j->err, j->errlen, "cannot rename a build folder: %s",
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* The first line a tool prints, run in dir; -1 if it fails. */
static int ask(struct job *j, const char *dir, const char *const argv[], char *out, size_t n)
{
	char file[PATH_MAX + 64], e[256];
	snprintf(file, sizeof(file), "%s/.answer-%d", dir, (int)getpid());
	unlink(file);
	int rc = hil_spawn(argv, dir, file, e, sizeof(e));
	FILE *f = fopen(file, "r");
	if (!f || !fgets(out, (int)n, f))
		out[0] = '\0';
	if (f)
		fclose(f);
	unlink(file);
	out[strcspn(out, "\r\n")] = '\0';
	if (rc != 0 || !out[0]) {
		hil_fail(j->err, j->errlen, "%s gave no answer (%s): is it installed? (make deps)",
			 argv[0], rc < 0 ? e : "it failed");
		return -1;
	}
	return 0;
}

/* Verilator's own folder (runtime sources), asked once. */
static int verilator_root(struct job *j)
{
	static char cached[PATH_MAX];
	static const char *const q[] = {"verilator", "--getenv", "VERILATOR_ROOT", NULL};
	const char *env = getenv("VERILATOR_ROOT");
	if (env && *env)
		snprintf(cached, sizeof(cached), "%s", env);
	else if (!cached[0] && ask(j, j->cache, q, cached, sizeof(cached)) < 0)
		return -1;
	snprintf(j->vroot, sizeof(j->vroot), "%s", cached);
	return 0;
}

static void add_cxx(struct argv *v, const struct job *j)
{
	add(v, "g++");
	addv(v, CXXFLAGS);
	addf(v, "-I%s/include", j->vroot);
	addf(v, "-I%s/include/vltstd", j->vroot);
}

/* Verilator's runtime, compiled once per Verilator and compiler. */
static int build_runtime(struct job *j, const char *dir)
{
	struct argv a = {.n = 0}, b = {.n = 0};
	struct argv *v[2] = {&a, &b};
	add_cxx(&a, j);
	addf(&a, "%s/include/verilated.cpp", j->vroot);
	add(&a, "-c");
	add(&a, "-o");
	add(&a, "verilated.o");
	add_cxx(&b, j);
	addf(&b, "%s/include/verilated_threads.cpp", j->vroot);
	add(&b, "-c");
	add(&b, "-o");
	add(&b, "verilated_threads.o");
	return tools(j, dir, "Verilator's runtime", v, 2);
}

static char runtime_dir[PATH_MAX + 64];

static int runtime(struct job *j)
{
	if (verilator_root(j) < 0)
		return -1;
	EVP_MD_CTX *h = key_start("runtime");
	if (!h)
		return hil_fail(j->err, j->errlen, "out of memory");
	hash_tool(h, "g++");
	hash_file(h, "/dev/null");
	char inc[PATH_MAX + 32], hex[33];
	snprintf(inc, sizeof(inc), "%s/include/verilated.cpp", j->vroot);
	hash_file(h, inc);
	snprintf(inc, sizeof(inc), "%s/include/verilated_threads.cpp", j->vroot);
	hash_file(h, inc);
	for (const char *const *f = CXXFLAGS; *f; f++)
		hash_str(h, *f);
	key_end(h, hex);
	snprintf(runtime_dir, sizeof(runtime_dir), "%s/verilator-%s", j->cache, hex);
	return stage(j, runtime_dir, build_runtime);
}

/* A C++ file that includes every .cpp Verilator wrote into obj: one
 * compiler run per model, as Verilator's own make does. */
static int unity(struct job *j, const char *dir, const char *obj, const char *name)
{
	char path[PATH_MAX + 128];
	snprintf(path, sizeof(path), "%s/%s", dir, obj);
	struct dirent **e;
	int n = scandir(path, &e, NULL, alphasort);
	if (n < 0)
		return hil_fail(j->err, j->errlen, "%s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	for (int i = 0; i < n; i++) {
		size_t len = strlen(e[i]->d_name);
		if (f && len > 4 && !strcmp(e[i]->d_name + len - 4, ".cpp"))
			fprintf(f, "#include \"%s/%s\"\n", obj, e[i]->d_name);
		free(e[i]);
	}
	free(e);
	if (!f || fclose(f) != 0)
		return hil_fail(j->err, j->errlen, "%s: cannot write", path);
	return 0;
}

/* Copies hil's files (paths under root) into dir, as their base names. */
static int bring(struct job *j, const char *dir, const char *const *files)
{
	char from[PATH_MAX + 64], to[PATH_MAX + 64];
	for (; *files; files++) {
		const char *base = strrchr(*files, '/');
		snprintf(from, sizeof(from), "%s/%s", j->root, *files);
		snprintf(to, sizeof(to), "%s/%s", dir, base ? base + 1 : *files);
		if (copy_file(from, to, j->err, j->errlen) < 0)
			return -1;
	}
	return 0;
}

/* gw/: hil's gateware, copied, so no tool sees a path outside the folder. */
static int bring_gateware(struct job *j, const char *dir, int boards, struct argv *v)
{
	char names[64][64], from[PATH_MAX + 64], to[PATH_MAX + 64];
	int n = gateware(j, boards, names, 64);
	snprintf(to, sizeof(to), "%s/gw", dir);
	mkdir(to, 0755);
	for (int i = 0; i < n; i++) {
		snprintf(from, sizeof(from), "%s/gateware/%s", j->root, names[i]);
		snprintf(to, sizeof(to), "%s/gw/%s", dir, names[i]);
		if (copy_file(from, to, j->err, j->errlen) < 0)
			return -1;
		addf(v, "gw/%s", names[i]);
	}
	return 0;
}

static struct dut_src *sources; /* of the DUT being built, for build_dut */

/* The DUT's folder: the sources copied, Yosys's bare JSON for the oracle,
 * and the DUT after our hil_ce pass (which also refuses what it cannot
 * bridge). One Yosys run; the script holds only names of our making. */
static int build_dut(struct job *j, const char *dir)
{
	char src[PATH_MAX + 400];
	j->src = "src/";
	snprintf(src, sizeof(src), "%s/src", dir);
	if (mkdir(src, 0755) != 0 || dut_src_write(sources, src, j->err, j->errlen) < 0)
		return -1;
	size_t cap = 1024 + sources->n * 210;
	char *script = malloc(cap);
	if (!script)
		return hil_fail(j->err, j->errlen, "out of memory");
	size_t o = (size_t)snprintf(script, cap, "read_verilog");
	for (size_t i = 0; i < sources->n; i++)
		if (sources->f[i].compile)
			o += (size_t)snprintf(script + o, cap - o, " src/%s", sources->f[i].name);
	snprintf(script + o, cap - o,
		 "; hierarchy -check -top %s; proc; write_json dut_bare.json; flatten; "
		 "opt_clean; memory -nomap; opt_clean; hil_ce; opt_clean; "
		 "write_verilog -noattr dut_ce.v; write_json dut_ce.json",
		 j->top);
	struct argv v = {.n = 0};
	add(&v, "yosys");
	add(&v, "-q");
	add(&v, "-m");
	addf(&v, "%s/build/lib/hil_ce.so", j->root);
	add(&v, "-p");
	add(&v, script);
	struct argv *vv = &v;
	int rc = tools(j, dir, "Yosys and the hil_ce pass", &vv, 1);
	free(script);
	return rc;
}

static int same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int same = fa && fb;
	while (same) {
		int ca = getc(fa), cb = getc(fb);
		same = ca == cb;
		if (ca == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* Regenerates the wrapper's files; replaces those whose text changed. */
static int wrap(struct job *j)
{
	char json[PATH_MAX + 400], tmp[PATH_MAX + 400], a[PATH_MAX + 450], b[PATH_MAX + 450];
	static const char *const files[] = {"hil_top.v", "hil_shell.v", "hil_glue.h",
					    "ports.json"};
	struct hil_ports p;
	snprintf(json, sizeof(json), "%s/dut_ce.json", j->dut);
	snprintf(tmp, sizeof(tmp), "%s/.wrap-%d", j->dut, (int)getpid());
	rm_rf(tmp);
	mkdir(tmp, 0755);
	int rc = hil_wrap_read(&p, json, j->top, j->err, j->errlen);
	if (rc == 0) {
		rc = hil_wrap_write(&p, tmp, j->err, j->errlen);
		hil_ports_free(&p);
	}
	for (size_t i = 0; rc == 0 && i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(a, sizeof(a), "%s/%s", tmp, files[i]);
		snprintf(b, sizeof(b), "%s/%s", j->dut, files[i]);
		if (!same_file(a, b) && rename(a, b) != 0)
			rc = hil_fail(j->err, j->errlen, "%s: %s", b, strerror(errno));
	}
	rm_rf(tmp);
	return rc;
}

/* The in-process RTL model: the DUT's own sources and the bridge shell,
 * verilated at once, compiled at once, linked into hil-model.so. */
static int build_sim(struct job *j, const char *dir)
{
	static const char *const harness[] = {"host/sim/hil_model.cpp", "host/sim/hil_model.h",
					      NULL};
	char glue_from[PATH_MAX + 400], glue_to[PATH_MAX + 400];
	struct argv d = {.n = 0}, s = {.n = 0};
	struct argv *v[3] = {&d, &s, NULL};
	snprintf(glue_from, sizeof(glue_from), "%s/hil_glue.h", j->dut);
	snprintf(glue_to, sizeof(glue_to), "%s/hil_glue.h", dir);
	if (bring(j, dir, harness) < 0 ||
	    copy_file(glue_from, glue_to, j->err, j->errlen) < 0)
		return -1;
	add(&d, "verilator");
	add(&d, "--cc");
	addv(&d, VFLAGS);
	add(&d, "--prefix");
	add(&d, "Vdut");
	add(&d, "--top-module");
	add(&d, j->top);
	add(&d, "-Mdir");
	add(&d, "obj_dut");
	add(&d, "-I../src");
	for (size_t i = 0; i < sources->n; i++)
		if (sources->f[i].compile)
			addf(&d, "../src/%s", sources->f[i].name);
	add(&s, "verilator");
	add(&s, "--cc");
	addv(&s, VFLAGS);
	add(&s, "--prefix");
	add(&s, "Vshell");
	add(&s, "--top-module");
	add(&s, "hil_shell");
	add(&s, "-Mdir");
	add(&s, "obj_shell");
	if (bring_gateware(j, dir, 0, &s) < 0)
		return -1;
	add(&s, "../hil_shell.v");
	if (tools(j, dir, "Verilator, the DUT's RTL and the bridge", v, 2) < 0 ||
	    unity(j, dir, "obj_dut", "dut_all.cpp") < 0 ||
	    unity(j, dir, "obj_shell", "shell_all.cpp") < 0)
		return -1;
	struct argv c1 = {.n = 0}, c2 = {.n = 0}, c3 = {.n = 0}, l = {.n = 0};
	struct argv *c[3] = {&c1, &c2, &c3};
	const char *unit[3][2] = {{"dut_all.cpp", "dut_all.o"},
				  {"shell_all.cpp", "shell_all.o"},
				  {"hil_model.cpp", "hil_model.o"}};
	for (int i = 0; i < 3; i++) {
		add_cxx(c[i], j);
		add(c[i], "-I.");
		add(c[i], "-Iobj_dut");
		add(c[i], "-Iobj_shell");
		add(c[i], "-c");
		add(c[i], unit[i][0]);
		add(c[i], "-o");
		add(c[i], unit[i][1]);
	}
	if (tools(j, dir, "the C++ compiler", c, 3) < 0)
		return -1;
	add(&l, "g++");
	add(&l, "-shared");
	add(&l, "-o");
	add(&l, "hil-model.so");
	for (int i = 0; i < 3; i++)
		add(&l, unit[i][1]);
	addf(&l, "%s/verilated.o", runtime_dir);
	addf(&l, "%s/verilated_threads.o", runtime_dir);
	add(&l, "-pthread");
	add(&l, "-latomic");
	struct argv *lv = &l;
	return tools(j, dir, "linking", &lv, 1);
}

/* The process models: a Verilator top behind one of host/sim's harnesses.
 * kind: ce, netlist, uart, fx2. */
static const char *kind_now;

static int build_exe(struct job *j, const char *dir)
{
	const char *kind = kind_now;
	const char *main_cpp = !strcmp(kind, "uart")  ? "hil_uart_main.cpp"
			       : !strcmp(kind, "fx2") ? "hil_fx2_main.cpp"
						      : "hil_sim_main.cpp";
	char harness[3][64];
	const char *list[4] = {harness[0], harness[1], NULL, NULL};
	snprintf(harness[0], sizeof(harness[0]), "host/sim/%s", main_cpp);
	snprintf(harness[1], sizeof(harness[1]), "host/sim/hil_socket.h");
	if (strcmp(kind, "uart") == 0 || strcmp(kind, "fx2") == 0) {
		snprintf(harness[2], sizeof(harness[2]), "host/sim/hil_%s.vlt", kind);
		list[2] = harness[2];
	}
	if (bring(j, dir, list) < 0)
		return -1;
	struct argv v = {.n = 0}, y = {.n = 0};
	add(&v, "verilator");
	add(&v, "--cc");
	addv(&v, VFLAGS);
	add(&v, "-Mdir");
	add(&v, "obj");
	add(&v, "--prefix");
	add(&v, "Vhil_top");
	if (!strcmp(kind, "netlist")) {
		add(&y, "yosys");
		add(&y, "-q");
		add(&y, "-p");
		char script[4096];
		size_t o = (size_t)snprintf(script, sizeof(script), "read_verilog");
		char names[64][64];
		int n = gateware(j, 1, names, 64);
		struct argv ignored = {.n = 0};
		if (bring_gateware(j, dir, 1, &ignored) < 0)
			return -1;
		for (int i = 0; i < n; i++)
			if (strcmp(names[i], "hil_board.v") && o < sizeof(script))
				o += (size_t)snprintf(script + o, sizeof(script) - o, " gw/%s",
						      names[i]);
		if (o < sizeof(script))
			snprintf(script + o, sizeof(script) - o,
				 " ../hil_top.v ../dut_ce.v; synth_ice40 -device %s -top hil_top; "
				 "write_verilog -noattr hil_top_netlist.v",
				 j->board.synth);
		add(&y, script);
		struct argv *yv = &y;
		if (tools(j, dir, "Yosys, the chip's netlist", &yv, 1) < 0)
			return -1;
		static const char *const q[] = {"yosys-config", "--datdir", NULL};
		char dat[PATH_MAX];
		if (ask(j, dir, q, dat, sizeof(dat)) < 0)
			return -1;
		add(&v, "--top-module");
		add(&v, "hil_top");
		add(&v, "-DNO_ICE40_DEFAULT_ASSIGNMENTS");
		add(&v, "hil_top_netlist.v");
		addf(&v, "%s/ice40/cells_sim.v", dat);
	} else {
		add(&v, "--top-module");
		add(&v, !strcmp(kind, "uart")  ? "hil_board"
			: !strcmp(kind, "fx2") ? "hil_board_fx2"
					       : "hil_top");
		if (!strcmp(kind, "uart"))
			addf(&v, "-GDIV=%u", j->board.div);
		if (strcmp(kind, "ce"))
			addf(&v, "hil_%s.vlt", kind);
		if (bring_gateware(j, dir, 1, &v) < 0)
			return -1;
		add(&v, "../hil_top.v");
		add(&v, "../dut_ce.v");
	}
	struct argv *vv = &v;
	if (tools(j, dir, "Verilator", &vv, 1) < 0 || unity(j, dir, "obj", "all.cpp") < 0)
		return -1;
	struct argv c1 = {.n = 0}, c2 = {.n = 0}, l = {.n = 0};
	struct argv *c[2] = {&c1, &c2};
	const char *unit[2][2] = {{"all.cpp", "all.o"}, {main_cpp, "main.o"}};
	for (int i = 0; i < 2; i++) {
		add_cxx(c[i], j);
		add(c[i], "-I.");
		add(c[i], "-Iobj");
		if (!strcmp(kind, "uart"))
			addf(c[i], "-DHIL_DIV=%u", j->board.div);
		add(c[i], "-c");
		add(c[i], unit[i][0]);
		add(c[i], "-o");
		add(c[i], unit[i][1]);
	}
	if (tools(j, dir, "the C++ compiler", c, 2) < 0)
		return -1;
	add(&l, "g++");
	add(&l, "-o");
	add(&l, "hil-sim");
	add(&l, "all.o");
	add(&l, "main.o");
	addf(&l, "%s/verilated.o", runtime_dir);
	addf(&l, "%s/verilated_threads.o", runtime_dir);
	add(&l, "-pthread");
	add(&l, "-latomic");
	struct argv *lv = &l;
	return tools(j, dir, "linking", &lv, 1);
}

/* A model's folder: STAGE-<key of its inputs>. */
static int model(struct job *j, const char *kind, char *out, size_t outlen)
{
	char path[PATH_MAX + 450], names[64][64];
	EVP_MD_CTX *h = key_start(kind);
	if (!h)
		return hil_fail(j->err, j->errlen, "out of memory");
	hash_tool(h, "verilator_bin");
	hash_tool(h, "verilator");
	hash_tool(h, "g++");
	if (!strcmp(kind, "netlist"))
		hash_tool(h, "yosys");
	hash_str(h, j->vroot);
	for (const char *const *f = CXXFLAGS; *f; f++)
		hash_str(h, *f);
	for (const char *const *f = VFLAGS; *f; f++)
		hash_str(h, *f);
	int n = gateware(j, 1, names, 64);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/gateware/%s", j->root, names[i]);
		hash_file(h, path);
	}
	static const char *const mine[] = {"hil_model.cpp", "hil_model.h", "hil_sim_main.cpp",
					   "hil_socket.h", "hil_uart_main.cpp", "hil_uart.vlt",
					   "hil_fx2_main.cpp", "hil_fx2.vlt"};
	for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++) {
		snprintf(path, sizeof(path), "%s/host/sim/%s", j->root, mine[i]);
		hash_file(h, path);
	}
	static const char *const wrapped[] = {"hil_top.v", "hil_shell.v", "hil_glue.h",
					      "dut_ce.v"};
	for (size_t i = 0; i < sizeof(wrapped) / sizeof(wrapped[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", j->dut, wrapped[i]);
		hash_file(h, path);
	}
	char board[128];
	snprintf(board, sizeof(board), "%s %s %u", j->board.name, j->board.synth, j->board.div);
	hash_str(h, board);
	char hex[33];
	key_end(h, hex);
	j->src = "../src/";
	snprintf(path, sizeof(path), "%s/%s%s%s-%.16s", j->dut, kind, j->board.name[0] ? "-" : "",
		 j->board.name, hex);
	kind_now = kind;
	if (stage(j, path, !strcmp(kind, "sim") ? build_sim : build_exe) < 0)
		return -1;
	if (snprintf(out, outlen, "%s/%s", path, !strcmp(kind, "sim") ? "hil-model.so" : "hil-sim") >=
	    (int)outlen)
		return hil_fail(j->err, j->errlen, "path too long");
	return 0;
}

int hil_cache_dir(char *out, size_t outlen, char *err, size_t errlen)
{
	const char *env = getenv("HIL_CACHE"), *xdg = getenv("XDG_CACHE_HOME"),
		   *home = getenv("HOME");
	int n;
	if (env && *env)
		n = snprintf(out, outlen, "%s", env);
	else if (xdg && *xdg == '/')
		n = snprintf(out, outlen, "%s/hil", xdg);
	else if (home && *home == '/')
		n = snprintf(out, outlen, "%s/.cache/hil", home);
	else
		return ERR("no folder for the build cache: set HIL_CACHE (or HOME)");
	if (n >= (int)outlen - 200)
		return ERR("the build cache's path is too long: set HIL_CACHE");
	/* Make each missing folder on the way, private to this user. */
	for (char *p = out + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(out, 0700);
			*p = '/';
		}
	if (mkdir(out, 0700) != 0 && errno != EEXIST) {
		char shown[1024];
		hil_escape(out, shown, sizeof(shown));
		return ERR("build cache %s: %s (set HIL_CACHE to a folder you can write)", shown,
			   strerror(errno));
	}
	return 0;
}

static int prepare(struct job *j, struct dut_src *src, const char *what, struct dut_build *b)
{
	char *err = j->err;
	size_t errlen = j->errlen;
	EVP_MD_CTX *h = key_start("dut");
	if (!h)
		return ERR("out of memory");
	hash_str(h, j->top);
	dut_src_hash(src, h);
	hash_tool(h, "yosys");
	char plugin[PATH_MAX + 64], hex[33];
	snprintf(plugin, sizeof(plugin), "%s/build/lib/hil_ce.so", j->root);
	hash_file(h, plugin);
	key_end(h, hex);
	snprintf(j->dut, sizeof(j->dut), "%s/%s-%s", j->cache, j->top, hex);
	if (snprintf(b->out, sizeof(b->out), "%s", j->dut) >= (int)sizeof(b->out) ||
	    snprintf(b->ports_json, sizeof(b->ports_json), "%s/ports.json", j->dut) >=
		    (int)sizeof(b->ports_json) ||
	    snprintf(b->bare_json, sizeof(b->bare_json), "%s/dut_bare.json", j->dut) >=
		    (int)sizeof(b->bare_json))
		return ERR("the build cache's path is too long: set HIL_CACHE");
	if (access(plugin, R_OK) != 0)
		return ERR("%s: %s (build hil with make)", plugin, strerror(errno));
	sources = src;
	if (stage(j, j->dut, build_dut) < 0 || wrap(j) < 0)
		return -1;
	if (!strcmp(what, "ports"))
		return 0;
	const char *colon = strchr(what, ':');
	char kind[16];
	snprintf(kind, sizeof(kind), "%.*s", colon ? (int)(colon - what) : (int)strlen(what), what);
	if (colon && hil_board_load(&j->board, colon + 1, err, errlen) < 0)
		return -1;
	if (!strcmp(kind, "fx2") && strcmp(j->board.link, "fx2"))
		return ERR("board %s has no FX2 (its link is %s)", j->board.name, j->board.link);
	if (!strcmp(kind, "netlist") && !j->board.synth[0])
		return ERR("board %s: its board.mk names no SYNTH_DEVICE", j->board.name);
	if (!strcmp(kind, "uart") && !j->board.div)
		return ERR("board %s: its board.mk names no DIV", j->board.name);
	if (runtime(j) < 0)
		return -1;
	return model(j, kind, b->sim, sizeof(b->sim));
}

int dut_prepare(const char *dir, const char *top, const char *what, struct dut_build *b,
		char *err, size_t errlen)
{
	static const char *const kinds[] = {"ports", "sim", "ce", "netlist:", "uart:", "fx2:"};
	struct job j = {.root = hil_root(), .err = err, .errlen = errlen, .t0 = now_s()};
	char abs[PATH_MAX];
	memset(b, 0, sizeof(*b));
	size_t k = 0;
	for (; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strchr(kinds[k], ':') ? !strncmp(what, kinds[k], strlen(kinds[k]))
					  : !strcmp(what, kinds[k]))
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return ERR("unknown build '%s'", what);
	hil_escape(dir, j.shown, sizeof(j.shown));
	if (!realpath(dir, abs))
		return ERR("DUT directory '%s': %s", j.shown, strerror(errno));
	if (!top || !*top) {
		const char *slash = strrchr(abs, '/');
		top = slash ? slash + 1 : abs;
	}
	if (!hil_is_ident(top) || strlen(top) >= sizeof(b->top) || strchr(top, '$')) {
		char shown[600];
		hil_escape(top, shown, sizeof(shown));
		return ERR("top module '%s' is not a plain Verilog identifier: name it with "
			   "--top", shown);
	}
	j.top = top;
	snprintf(b->dir, sizeof(b->dir), "%s", dir);
	memcpy(b->top, top, strlen(top) + 1); /* its length was checked above */
	if (!j.root[0])
		return ERR("cannot find hil's own files (gateware/, boards/): set HIL_ROOT");
	struct dut_src src;
	if (dut_src_read(&src, abs, err, errlen) < 0)
		return -1;
	if (hil_cache_dir(j.cache, sizeof(j.cache), err, errlen) < 0) {
		dut_src_free(&src);
		return -1;
	}
	char lock[sizeof(j.cache) + sizeof(b->top) + 8];
	snprintf(lock, sizeof(lock), "%s/%s.lock", j.cache, b->top);
	int lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lfd < 0 || flock(lfd, LOCK_EX) != 0) {
		char shown[1024];
		hil_escape(lock, shown, sizeof(shown));
		int e = errno;
		if (lfd >= 0)
			close(lfd);
		dut_src_free(&src);
		return ERR("%s: %s", shown, strerror(e));
	}
	j.tty = isatty(2);
	int rc = prepare(&j, &src, what, b);
	close(lfd);
	dut_src_free(&src);
	if (rc == 0 && j.said)
		fprintf(stderr, "hil: built DUT '%s' in %.1f s\n", top, now_s() - j.t0);
	return rc;
}

void hil_dut_name_of(uint64_t sig, char *out, size_t outlen)
{
	char cache[PATH_MAX], path[PATH_MAX + 300], msg[256];
	out[0] = '\0';
	if (hil_cache_dir(cache, sizeof(cache), msg, sizeof(msg)) < 0)
		return;
	DIR *d = opendir(cache);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		struct hil_ports p;
		snprintf(path, sizeof(path), "%s/%s/ports.json", cache, e->d_name);
		if (access(path, R_OK) != 0 || hil_ports_load(&p, path, msg, sizeof(msg)) < 0)
			continue;
		/* Equal port lists give equal signatures: name every match. */
		size_t o = strlen(out);
		if (p.signature == sig && o + 1 < outlen)
			snprintf(out + o, outlen - o, "%s'%s' (built in %s) ", o ? "or " : "",
				 p.top, path);
		hil_ports_free(&p);
	}
	closedir(d);
}
