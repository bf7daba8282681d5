/* The DUT build's machinery; see buildjob.h. */
#define _GNU_SOURCE
#include "build/buildjob.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/errfmt.h"
#include "build/toolrun.h"
#include "util/clock.h"

const char *const VFLAGS[] = {"--x-assign", "0",          "--x-initial", "0", "-Wno-fatal",
			      "-Wno-lint",  "-Wno-style", "-O3",         NULL};
/* Hidden symbols so the model's calls within itself cost what they do in an
 * executable (each step adds its -O). (Verilator's runtime
 * has 33 KB of thread-locals, too many for a library's static TLS: each of
 * its few accesses per eval goes through __tls_get_addr.) */
const char *const CXXFLAGS[] = {"-fPIC",
				"-fvisibility=hidden",
				"-fno-semantic-interposition",
				"-DVM_COVERAGE=0",
				"-DVM_SC=0",
				"-DVM_TRACE=0",
				"-DVM_TRACE_FST=0",
				"-DVM_TRACE_VCD=0",
				"-faligned-new",
				"-Wno-bool-operation",
				"-Wno-sign-compare",
				"-Wno-uninitialized",
				"-Wno-unused-but-set-variable",
				"-Wno-unused-parameter",
				"-Wno-unused-variable",
				"-Wno-shadow",
				NULL};

void argv_add(struct argv *v, const char *s)
{
	if (v->n < MAX_ARGS)
		v->a[v->n++] = s;
	else
		v->ar->full = 1;
	v->a[v->n] = NULL;
}

void argv_addv(struct argv *v, const char *const *list)
{
	for (; *list; list++)
		argv_add(v, *list);
}

void argv_addf(struct argv *v, const char *fmt, ...)
{
	struct arena *ar = v->ar;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(ar->buf + ar->used, ar->cap - ar->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= ar->cap - ar->used) {
		ar->full = 1;
		return;
	}
	argv_add(v, ar->buf + ar->used);
	ar->used += (size_t)n + 1;
}

/* A first build takes seconds to minutes: say what it is doing, on a
 * terminal only (stdout may carry a trace; a pipe wants no chatter). */
void bj_progress(struct job *j, const char *what)
{
	if (!j->tty)
		return;
	fprintf(stderr, "hil: building DUT '%s': %s (%.0f s so far)\n", j->top, what,
		hil_mono_s() - j->t0);
	j->said = 1;
}

static int unlink_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	remove(p);
	return 0;
}

void bj_rm_rf(const char *path)
{
	nftw(path, unlink_one, 16, FTW_DEPTH | FTW_PHYS);
}

int bj_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void bj_hash_str(EVP_MD_CTX *h, const char *s)
{
	EVP_DigestUpdate(h, s, strlen(s) + 1);
}

/* A file's content into the hash (its absence too). */
void bj_hash_file(EVP_MD_CTX *h, const char *path)
{
	char buf[65536];
	bj_hash_str(h, path);
	FILE *f = fopen(path, "rb");
	if (!f) {
		bj_hash_str(h, "(missing)");
		return;
	}
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(h, buf, n);
	fclose(f);
}

/* An executable's identity without running it: its path in PATH, size and
 * modification time, which any upgrade changes. */
void bj_hash_tool(EVP_MD_CTX *h, const char *name)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX], dirs[8192];
	snprintf(dirs, sizeof(dirs), "%s", path ? path : "/usr/bin:/bin");
	for (char *save, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		struct stat st;
		snprintf(buf, sizeof(buf), "%s/%s", d, name);
		if (stat(buf, &st) == 0 && (st.st_mode & S_IXUSR)) {
			char id[PATH_MAX + 96];
			snprintf(id, sizeof(id), "%s %lld %lld.%09ld", buf,
				 (long long)st.st_size, (long long)st.st_mtim.tv_sec,
				 st.st_mtim.tv_nsec);
			bj_hash_str(h, id);
			return;
		}
	}
	bj_hash_str(h, name);
}

EVP_MD_CTX *bj_key_start(const char *what)
{
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	if (h && EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(h);
		return NULL;
	}
	if (h) {
		bj_hash_str(h, BUILD_VERSION);
		bj_hash_str(h, what);
	}
	return h;
}

/* The key as 32 hex digits (128 bits). */
void bj_key_end(EVP_MD_CTX *h, char hex[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	EVP_DigestFinal_ex(h, md, &n);
	EVP_MD_CTX_free(h);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* The byte-a-clock bridge's own files, which the compact one replaces. */
static const char *const fast_only[] = {"hil_bridge.v", "hil_engine.v", "hil_link_rx.v",
					"hil_link_tx.v", "hil_ring.v"};

static int is_fast_only(const char *s)
{
	for (size_t i = 0; i < sizeof(fast_only) / sizeof(fast_only[0]); i++)
		if (!strcmp(s, fast_only[i]))
			return 1;
	return 0;
}

/* Adds the hil_*.v of folder sub (under gateware/, "" for itself) to out,
 * sorted, as paths under gateware/. */
static int list_gateware(const struct job *j, const char *sub, int flags, char (*out)[64],
			 int k, int max)
{
	char dir[PATH_MAX + 32];
	snprintf(dir, sizeof(dir), "%s/gateware/%s", j->root, sub);
	struct dirent **e;
	int n = scandir(dir, &e, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *s = e[i]->d_name;
		size_t len = strlen(s);
		if (!strncmp(s, "hil_", 4) && len > 2 && !strcmp(s + len - 2, ".v") &&
		    ((flags & BJ_GW_BOARDS) || strncmp(s, "hil_board", 9)) &&
		    !(*sub == 0 && (flags & BJ_GW_COMPACT) && is_fast_only(s)) && k < max &&
		    strlen(sub) + len < 63) {
			size_t m = strlen(sub);
			memcpy(out[k], sub, m);
			memcpy(out[k++] + m, s, len + 1);
		}
		free(e[i]);
	}
	if (n >= 0)
		free(e);
	return k;
}

int bj_gateware(const struct job *j, int flags, char (*out)[64], int max)
{
	int k = list_gateware(j, "", flags, out, 0, max);
	return (flags & BJ_GW_COMPACT) ? list_gateware(j, "seq/", flags, out, k, max) : k;
}

int bj_copy(const char *from, const char *to, char *err, size_t errlen)
{
	char buf[65536];
	FILE *in = fopen(from, "rb");
	if (!in)
		return hil_fail(err, errlen, "%s: %s", from, strerror(errno));
	FILE *out = fopen(to, "wb");
	if (!out) {
		fclose(in);
		return hil_fail(err, errlen, "%s: %s", to, strerror(errno));
	}
	size_t n;
	int bad = 0;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		bad |= fwrite(buf, 1, n, out) != n;
	fclose(in);
	if (fclose(out) != 0 || bad)
		return hil_fail(err, errlen, "%s: write failed", to);
	return 0;
}

/* Runs tools (at once) in folder dir; a failure's message is theirs. */
int bj_tools(struct job *j, const char *dir, const char *what, struct argv *const *v, int n)
{
	char log[PATH_MAX + 16], msgs[1400];
	const char *const *argvs[HIL_SPAWN_MAX];
	snprintf(log, sizeof(log), "%s/build.log", dir);
	if (j->ar.full)
		return hil_fail(j->err, j->errlen,
				"building DUT '%s': too many or too long "
				"arguments for the tools (%s)",
				j->top, what);
	bj_progress(j, what);
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
	return hil_fail(j->err, j->errlen,
			"building DUT '%s' failed (%s):\n%s\n(the whole log: %s)", j->top,
			what, msgs[0] ? msgs : "no message", shown_log);
}

/* Builds `final` by fn in a temporary folder beside it, then renames it into
 * place; does nothing if it is there already. */
int bj_stage(struct job *j, const char *final, int (*fn)(struct job *, const char *))
{
	if (bj_is_dir(final))
		return 0;
	char tmp[PATH_MAX + 400];
	const char *slash = strrchr(final, '/');
	/* Callers hold the lock of what they build, so the name needs no pid
	 * and a failed try's folder (kept for its log) is cleared by the next. */
	snprintf(tmp, sizeof(tmp), "%.*s/.tmp-%s", (int)(slash - final), final, slash + 1);
	bj_rm_rf(tmp);
	if (mkdir(tmp, 0755) != 0)
		return hil_fail(j->err, j->errlen, "cannot make a build folder: %s",
				strerror(errno));
	if (fn(j, tmp) < 0)
		return -1; /* the folder stays, with its log, until the next try */
	if (rename(tmp, final) != 0) {
		bj_rm_rf(tmp);
		if (!bj_is_dir(final))
			return hil_fail(j->err, j->errlen, "cannot rename a build folder: %s",
					strerror(errno));
	}
	return 0;
}

/* The first line a tool prints, run in dir; -1 if it fails. */
int bj_ask(struct job *j, const char *dir, const char *const argv[], char *out, size_t n)
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
	if (rc != 0 || !out[0])
		return hil_fail(j->err, j->errlen,
				"%s gave no answer (%s): is it installed? (make deps)",
				argv[0], rc < 0 ? e : "it failed");
	return 0;
}

/* Verilator's own folder (runtime sources), asked once. */
int bj_verilator_root(struct job *j)
{
	static char cached[PATH_MAX];
	static const char *const q[] = {"verilator", "--getenv", "VERILATOR_ROOT", NULL};
	const char *env = getenv("VERILATOR_ROOT");
	if (env && *env)
		snprintf(cached, sizeof(cached), "%s", env);
	else if (!cached[0] && bj_ask(j, j->cache, q, cached, sizeof(cached)) < 0)
		return -1;
	snprintf(j->vroot, sizeof(j->vroot), "%s", cached);
	return 0;
}

/* Copies hil's files (paths under root) into dir, as their base names. */
int bj_bring(struct job *j, const char *dir, const char *const *files)
{
	char from[PATH_MAX + 64], to[PATH_MAX + 64];
	for (; *files; files++) {
		const char *base = strrchr(*files, '/');
		snprintf(from, sizeof(from), "%s/%s", j->root, *files);
		snprintf(to, sizeof(to), "%s/%s", dir, base ? base + 1 : *files);
		if (bj_copy(from, to, j->err, j->errlen) < 0)
			return -1;
	}
	return 0;
}

/* gw/: hil's gateware, copied, so no tool sees a path outside the folder. */
int bj_bring_gateware(struct job *j, const char *dir, int flags, struct argv *v)
{
	char names[64][64], from[PATH_MAX + 64], to[PATH_MAX + 64];
	int n = bj_gateware(j, flags, names, 64);
	snprintf(to, sizeof(to), "%s/gw", dir);
	mkdir(to, 0755);
	snprintf(to, sizeof(to), "%s/gw/seq", dir);
	if (flags & BJ_GW_COMPACT)
		mkdir(to, 0755);
	for (int i = 0; i < n; i++) {
		snprintf(from, sizeof(from), "%s/gateware/%s", j->root, names[i]);
		snprintf(to, sizeof(to), "%s/gw/%s", dir, names[i]);
		if (bj_copy(from, to, j->err, j->errlen) < 0)
			return -1;
		argv_addf(v, "gw/%s", names[i]);
	}
	return 0;
}

int bj_lock(struct job *j, const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		char shown[1024];
		int e = errno;
		hil_escape(path, shown, sizeof(shown));
		if (fd >= 0)
			close(fd);
		return hil_fail(j->err, j->errlen, "%s: %s", shown, strerror(e));
	}
	return fd;
}
