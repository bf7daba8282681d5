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
 * folder keeps two processes from building the same thing at once. The
 * models' steps are in dut_models.c, the machinery in buildjob.c. */
#define _GNU_SOURCE
#include "hil/dut.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/buildjob.h"
#include "build/dutsrc.h"
#include "build/params.h"
#include "build/topfind.h"
#include "util/errfmt.h"
#include "hil/ports.h"
#include "hil/wrap.h"
#include "build/root.h"
#include "util/clock.h"

struct script_buf {
	char *s;
	size_t cap, *o;
};

/* Names and values are checked (params.h): plain identifiers, integers. */
static int chparam(void *user, const char *name, const char *value)
{
	struct script_buf *b = user;
	*b->o +=
		(size_t)snprintf(b->s + *b->o, b->cap - *b->o, " -chparam %s %s", name, value);
	return 0;
}

static int yosys_define(void *user, const char *name, const char *value)
{
	struct script_buf *b = user;
	*b->o += (size_t)snprintf(b->s + *b->o, b->cap - *b->o, " -D%s%s%s", name,
				  *value ? "=" : "", value);
	return 0;
}

/* The DUT's folder: the sources copied, Yosys's bare JSON for the oracle,
 * and the DUT after our hil_ce pass (which also refuses what it cannot
 * bridge). One Yosys run; the script holds only names of our making. */
static int build_dut(struct job *j, const char *dir)
{
	char src[PATH_MAX + 400], final[PATH_MAX + 400];
	j->src = "src/";
	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(final, sizeof(final), "%s/src", j->dut);
	/* Yosys reads the memory files now, from here; the simulator later,
	 * when this folder has its final name. */
	if (mkdir(src, 0755) != 0 ||
	    dut_src_write(j->sources, src, src, j->err, j->errlen) < 0)
		return -1;
	size_t cap = 1024 + sizeof(j->params) * 2 + sizeof(j->defines) * 2 +
		(size_t)j->nincludes * 16 + j->sources->n * 300;
	char *script = malloc(cap);
	if (!script)
		return hil_fail(j->err, j->errlen, "out of memory");
	/* The macros and header folders hold for every read_verilog after. */
	size_t o = (size_t)snprintf(script, cap, "verilog_defaults -add");
	for (int k = 0; k < j->nincludes; k++)
		o += (size_t)snprintf(script + o, cap - o, " -I src/inc%d", k);
	hil_params_each(j->defines, yosys_define, &(struct script_buf){script, cap, &o});
	o += (size_t)snprintf(script + o, cap - o, "; ");
	/* Yosys's SystemVerilog front end only for .sv: in a .v file `logic`
	 * and the like may be plain names. */
	for (size_t i = 0; i < j->sources->n; i++)
		if (j->sources->f[i].compile)
			o += (size_t)snprintf(script + o, cap - o, "read_verilog%s src/%s; ",
					      j->sources->f[i].kind == DUT_SV ? " -sv" : "",
					      j->sources->f[i].name);
	o += (size_t)snprintf(script + o, cap - o, "hierarchy -check -top %s", j->top);
	hil_params_each(j->params, chparam, &(struct script_buf){script, cap, &o});
	snprintf(script + o, cap - o,
		 "; proc; write_json dut_bare.json; flatten; "
		 "opt_clean; memory -nomap; opt_clean; hil_ce; opt_clean; "
		 "write_verilog -noattr dut_ce.v; write_json dut_ce.json");
	struct argv v = {.ar = &j->ar};
	argv_add(&v, "yosys");
	argv_add(&v, "-q");
	argv_add(&v, "-m");
	char plugin[PATH_MAX];
	hil_root_built(plugin, sizeof(plugin), "lib/hil_ce.so");
	argv_add(&v, plugin);
	argv_add(&v, "-p");
	argv_add(&v, script);
	struct argv *vv = &v;
	int rc = bj_tools(j, dir, "Yosys and the hil_ce pass", &vv, 1);
	free(script);
	int sv = 0;
	for (size_t i = 0; i < j->sources->n; i++)
		sv |= j->sources->f[i].kind == DUT_SV;
	size_t n = strlen(j->err);
	/* Yosys names the parameter the top lacks as a defparam's object. */
	const char *nope = rc < 0 ? strstr(j->err, "Can't find object for defparam `") : NULL;
	if (nope) {
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(nope + 32, "`"), nope + 32);
		return hil_fail(
			j->err, j->errlen,
			"the top module '%s' has no parameter '%s' (--param sets the top "
			"module's own parameters)",
			j->top, name);
	}
	/* Yosys reads the DUT for every backend; its SystemVerilog is a
	 * subset, whose gaps have plain equivalents. */
	if (rc < 0 && sv && n < j->errlen)
		snprintf(
			j->err + n, j->errlen - n,
			"\n(hil reads .sv files with Yosys's SystemVerilog front end, for every "
			"backend: docs/systemverilog.md says what it takes and what to write "
			"instead)");
	return rc < 0 ? rc : dut_src_write(j->sources, src, final, j->err, j->errlen);
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
	bj_rm_rf(tmp);
	mkdir(tmp, 0755);
	int rc = hil_wrap_read(&p, json, j->top, j->err, j->errlen);
	if (rc == 0) {
		snprintf(p.params, sizeof(p.params), "%s", j->params);
		p.signature = hil_ports_signature(&p);
		rc = hil_wrap_write(&p, tmp, j->err, j->errlen);
		hil_ports_free(&p);
	}
	for (size_t i = 0; rc == 0 && i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(a, sizeof(a), "%s/%s", tmp, files[i]);
		snprintf(b, sizeof(b), "%s/%s", j->dut, files[i]);
		if (!same_file(a, b) && rename(a, b) != 0)
			rc = hil_fail(j->err, j->errlen, "%s: %s", b, strerror(errno));
	}
	bj_rm_rf(tmp);
	return rc;
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
		return hil_fail(err, errlen,
				"no folder for the build cache: set HIL_CACHE (or HOME)");
	if (n >= (int)outlen - 200)
		return hil_fail(err, errlen,
				"the build cache's path is too long: set HIL_CACHE");
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
		return hil_fail(err, errlen,
				"build cache %s: %s (set HIL_CACHE to a folder you can write)",
				shown, strerror(errno));
	}
	/* The tools run in folders of the cache, where a relative path
	 * would name nothing. */
	char abs[PATH_MAX];
	if (out[0] != '/' && (!realpath(out, abs) || strlen(abs) >= outlen - 200))
		return hil_fail(
			err, errlen,
			"the build cache's path cannot be made absolute: set HIL_CACHE to an absolute path");
	if (out[0] != '/')
		memcpy(out, abs, strlen(abs) + 1);
	return 0;
}

int hil_bitstream_home(const char *board, const char *dir, char *out, size_t outlen, char *err,
		       size_t errlen)
{
	char cache[PATH_MAX], abs[PATH_MAX], shown[1024];
	if (!hil_board_name_ok(board)) {
		hil_escape(board, shown, sizeof(shown));
		return hil_fail(err, errlen,
				"board '%s': not a board name (see boards/ for the names)",
				shown);
	}
	if (!realpath(dir, abs)) {
		hil_escape(dir, shown, sizeof(shown));
		return hil_fail(err, errlen, "DUT directory '%s': %s", shown, strerror(errno));
	}
	if (hil_cache_dir(cache, sizeof(cache), err, errlen) < 0)
		return -1;
	/* Named by the directory and told apart by a hash of its whole path:
	 * two DUTs called counter each have their own. */
	uint64_t h = 14695981039346656037ull;
	for (const char *p = abs; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	const char *name = strrchr(abs, '/') + 1;
	if (!*name)
		name = "root";
	if (snprintf(out, outlen, "%s/bitstreams/%s/%s-%016llx", cache, board, name,
		     (unsigned long long)h) >= (int)outlen)
		return hil_fail(err, errlen,
				"the build cache's path is too long: set HIL_CACHE");
	/* It and the two folders above it, in the cache (which exists): a
	 * failure above shows in the last. */
	char above[PATH_MAX + 64];
	snprintf(above, sizeof(above), "%s/bitstreams", cache);
	mkdir(above, 0755);
	snprintf(above, sizeof(above), "%s/bitstreams/%s", cache, board);
	mkdir(above, 0755);
	if (mkdir(out, 0755) != 0 && errno != EEXIST)
		return hil_fail(err, errlen, "cannot make %s: %s", out, strerror(errno));
	return 0;
}

static int prepare(struct job *j, struct dut_src *src, const char *what,
		   const struct hil_dut_options *o, struct hil_dut_build *b)
{
	char *err = j->err;
	size_t errlen = j->errlen;
	EVP_MD_CTX *h = bj_key_start("dut");
	if (!h)
		return hil_fail(err, errlen, "out of memory");
	bj_hash_str(h, j->top);
	bj_hash_str(h, j->params);
	bj_hash_str(h, j->defines);
	dut_src_hash(src, h);
	bj_hash_tool(h, "yosys");
	char plugin[PATH_MAX + 64], hex[33];
	hil_root_built(plugin, sizeof(plugin), "lib/hil_ce.so");
	bj_hash_file(h, plugin);
	bj_key_end(h, hex);
	snprintf(j->dut, sizeof(j->dut), "%s/%s-%s", j->cache, j->top, hex);
	if (snprintf(b->out, sizeof(b->out), "%s", j->dut) >= (int)sizeof(b->out) ||
	    snprintf(b->ports_json, sizeof(b->ports_json), "%s/ports.json", j->dut) >=
		    (int)sizeof(b->ports_json) ||
	    snprintf(b->bare_json, sizeof(b->bare_json), "%s/dut_bare.json", j->dut) >=
		    (int)sizeof(b->bare_json))
		return hil_fail(err, errlen,
				"the build cache's path is too long: set HIL_CACHE");
	if (access(plugin, R_OK) != 0)
		return hil_fail(err, errlen, "%s: %s (build hil with make)", plugin,
				strerror(errno));
	j->sources = src;
	if (bj_stage(j, j->dut, build_dut) < 0 || wrap(j) < 0)
		return -1;
	if (!strcmp(what, "ports"))
		return 0;
	const char *colon = strchr(what, ':');
	char kind[16];
	snprintf(kind, sizeof(kind), "%.*s", colon ? (int)(colon - what) : (int)strlen(what),
		 what);
	if (colon && hil_board_load(&j->board, colon + 1, err, errlen) < 0)
		return -1;
	for (const char *const *set = o ? o->sets : NULL; set && *set; set++)
		if (hil_board_override(&j->board, *set, err, errlen) < 0)
			return -1;
	if (!strcmp(kind, "bitstream")) {
		j->export_to = o ? o->export_to : NULL;
		return bj_bitstream(j, b->sim, sizeof(b->sim));
	}
	if (!strcmp(kind, "fx2") && strcmp(j->board.link, "fx2"))
		return hil_fail(err, errlen, "board %s has no FX2 (its link is %s)",
				j->board.name, j->board.link);
	if (!strcmp(kind, "netlist") && !j->board.synth[0])
		return hil_fail(err, errlen, "board %s: its board.mk names no SYNTH_DEVICE",
				j->board.name);
	if (!strcmp(kind, "uart") && !j->board.div)
		return hil_fail(err, errlen, "board %s: its board.mk names no DIV",
				j->board.name);
	if (bj_runtime(j) < 0)
		return -1;
	return bj_model(j, kind, b->sim, sizeof(b->sim));
}

int hil_dut_prepare(const char *dir, const char *top, const char *what,
		    struct hil_dut_build *b, char *err, size_t errlen)
{
	return hil_dut_prepare_opts(dir, top, what, NULL, b, err, errlen);
}

int hil_dut_prepare_opts(const char *dir, const char *top, const char *what,
			 const struct hil_dut_options *o, struct hil_dut_build *b, char *err,
			 size_t errlen)
{
	static const char *const kinds[] = {
		"ports",        "sim", "sim-vcd",  "sim-fst", "sim-peek", "sim-peek-vcd",
		"sim-peek-fst", "ce",  "netlist:", "uart:",   "fx2:",     "bitstream:"};
	struct job j = {.root = hil_root(), .err = err, .errlen = errlen, .t0 = hil_mono_s()};
	char abs[PATH_MAX];
	memset(b, 0, sizeof(*b));
	size_t k = 0;
	for (; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strchr(kinds[k], ':') ? !strncmp(what, kinds[k], strlen(kinds[k]))
					  : !strcmp(what, kinds[k]))
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return hil_fail(err, errlen, "unknown build '%s'", what);
	hil_escape(dir, j.shown, sizeof(j.shown));
	if (!realpath(dir, abs))
		return hil_fail(err, errlen, "DUT directory '%s': %s", j.shown,
				strerror(errno));
	int given = top && *top;
	if (!given) {
		const char *slash = strrchr(abs, '/');
		top = slash ? slash + 1 : abs;
	}
	if (!hil_is_ident(top) || strlen(top) >= sizeof(b->top) || strchr(top, '$')) {
		char shown[600];
		hil_escape(top, shown, sizeof(shown));
		return hil_fail(
			err, errlen,
			"top module '%s' is not a plain Verilog identifier: name it with "
			"--top",
			shown);
	}
	j.name = strrchr(abs, '/') ? strrchr(abs, '/') + 1 : abs;
	snprintf(b->dir, sizeof(b->dir), "%s", dir);
	if (!j.root[0])
		return hil_fail(
			err, errlen,
			"cannot find hil's own files (gateware/, boards/): set HIL_ROOT");
	struct dut_src src;
	char note[700];
	if (dut_src_read(&src, abs, err, errlen) < 0)
		return -1;
	for (const char *const *inc = o ? o->includes : NULL; inc && *inc; inc++)
		if (dut_src_include(&src, *inc, j.nincludes++, err, errlen) < 0) {
			dut_src_free(&src);
			return -1;
		}
	if (dut_top_find(&src, top, given, b->top, sizeof(b->top), note, sizeof(note), err,
			 errlen) < 0 ||
	    hil_cache_dir(j.cache, sizeof(j.cache), err, errlen) < 0) {
		dut_src_free(&src);
		return -1;
	}
	top = j.top = b->top;
	if (hil_params_canon(o ? o->params : NULL, j.params, sizeof(j.params), err, errlen) <
		    0 ||
	    hil_defines_canon(o ? o->defines : NULL, j.defines, sizeof(j.defines), err,
			      errlen) < 0) {
		dut_src_free(&src);
		return -1;
	}
	if (strchr(top, '$')) {
		dut_src_free(&src);
		return hil_fail(
			err, errlen,
			"the top module '%s' has a '$' in its name: name it with --top", top);
	}
	if (note[0])
		fprintf(stderr, "hil: DUT '%s': %s\n", j.shown, note);
	char lock[sizeof(j.cache) + sizeof(b->top) + 8];
	snprintf(lock, sizeof(lock), "%s/%s.lock", j.cache, b->top);
	int lfd = bj_lock(&j, lock);
	if (lfd < 0) {
		dut_src_free(&src);
		return -1;
	}
	j.tty = isatty(2);
	j.ar.cap = 65536 + src.n * 256;
	j.ar.buf = malloc(j.ar.cap);
	int rc = j.ar.buf ? prepare(&j, &src, what, o, b)
			  : hil_fail(err, errlen, "out of memory");
	free(j.ar.buf);
	close(lfd);
	dut_src_free(&src);
	if (rc == 0 && j.said)
		fprintf(stderr, "hil: built DUT '%s' in %.1f s\n", top, hil_mono_s() - j.t0);
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
	/* Equal port lists give equal signatures: every DUT of that list is a
	 * candidate, each named once (a cache holds many builds of one DUT),
	 * with where it was built when it is the only one. */
	char names[8][1200], where[PATH_MAX + 300] = "";
	int n = 0, more = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		struct hil_ports p;
		snprintf(path, sizeof(path), "%s/%s/ports.json", cache, e->d_name);
		if (e->d_name[0] == '.' || access(path, R_OK) != 0 ||
		    hil_ports_load(&p, path, msg, sizeof(msg)) < 0)
			continue;
		char name[sizeof(names[0])];
		snprintf(name, sizeof(name), "'%s'%s%s", p.top, p.params[0] ? " with " : "",
			 p.params);
		int seen = p.signature != sig;
		for (int i = 0; i < n && !seen; i++)
			seen = !strcmp(names[i], name);
		if (!seen && n < 8) {
			memcpy(names[n++], name, sizeof(name));
			snprintf(where, sizeof(where), "%s", path);
		} else if (!seen)
			more++;
		hil_ports_free(&p);
	}
	closedir(d);
	for (int i = 0; i < n; i++) {
		size_t o = strlen(out);
		snprintf(out + o, outlen - o, "%s%s",
			 i == 0                        ? ""
				 : i == n - 1 && !more ? " or "
						       : ", ",
			 names[i]);
	}
	size_t o = strlen(out);
	if (more)
		snprintf(out + o, outlen - o, " or %d more ", more);
	else if (n == 1)
		snprintf(out + o, outlen - o, " (built in %s) ", where);
	else if (n)
		snprintf(out + o, outlen - o, " ");
}
