/* The DUT build's machinery (buildjob.c), shared by the steps that make a
 * DUT's folder (dut.c) and its models (dut_models.c): argv lists, tools
 * run in a build folder with their errors shown as the user's, content
 * hashes for the cache's keys, and folders built aside and renamed into
 * place. */
#ifndef HIL_BUILDJOB_H
#define HIL_BUILDJOB_H

#include <limits.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "build/dutsrc.h"
#include "hil/board.h"

/* Part of every key: bump when what a step produces changes in a way its
 * inputs do not show (the steps' code, the generator in wrap.c). */
#define BUILD_VERSION "hil-build 4"
#define MAX_ARGS      1200

extern const char *const VFLAGS[];
extern const char *const CXXFLAGS[];

/* The strings a job's argv lists are made of: one block for the job, so
 * nothing is freed piecemeal; when it is full, bj_tools refuses to run. */
struct arena {
	char *buf;
	size_t used, cap;
	int full;
};

struct job {
	const char *root;
	const char *top;
	char params[1024];  /* the top's parameter overrides, canonical (params.h) */
	char defines[1024]; /* macros, canonical */
	int nincludes;      /* --include folders, copied as src/incK */
	char cache[PATH_MAX];
	char dut[PATH_MAX + 300];    /* the DUT's folder in the cache */
	char shown[1024];            /* the DUT directory as given, escaped */
	char vroot[PATH_MAX];        /* Verilator's own folder (include/) */
	char runtime[PATH_MAX + 64]; /* Verilator's runtime, compiled */
	struct dut_src *sources;
	struct hil_board board;
	const char *kind;      /* the model being built: sim, ce, netlist, ... */
	const char *name;      /* the DUT directory's own name */
	uint64_t signature;    /* its ports' (for a bitstream's comment) */
	const char *export_to; /* where a failed bitstream build leaves its logs */
	const char *src;       /* how the tools name the copied sources */
	struct arena ar;
	double t0;
	int tty, said;
	char *err;
	size_t errlen;
};

/* A tool's command line; start one as {.ar = &j->ar}. */
struct argv {
	const char *a[MAX_ARGS + 1];
	int n;
	struct arena *ar; /* where argv_addf's strings live */
};

void argv_add(struct argv *v, const char *s);
void argv_addv(struct argv *v, const char *const *list);
__attribute__((format(printf, 2, 3))) void argv_addf(struct argv *v, const char *fmt, ...);

/* On a terminal, says which step a first build is in. */
void bj_progress(struct job *j, const char *what);
void bj_rm_rf(const char *path);
int bj_is_dir(const char *path);
int bj_copy(const char *from, const char *to, char *err, size_t errlen);

/* Keys: SHA-256 over BUILD_VERSION, `what` and what is fed in; 32 hex
 * digits (128 bits) out. */
EVP_MD_CTX *bj_key_start(const char *what);
void bj_hash_str(EVP_MD_CTX *h, const char *s);
void bj_hash_file(EVP_MD_CTX *h, const char *path);
/* An executable's identity without running it: its path in PATH, size and
 * modification time, which any upgrade changes. */
void bj_hash_tool(EVP_MD_CTX *h, const char *name);
void bj_key_end(EVP_MD_CTX *h, char hex[33]);

/* Runs tools at once in folder dir; on failure j->err holds their own
 * messages, the copied sources shown by the user's paths. */
int bj_tools(struct job *j, const char *dir, const char *what, struct argv *const *v, int n);
/* The first line a tool prints, run in dir; -1 if it fails. */
int bj_ask(struct job *j, const char *dir, const char *const argv[], char *out, size_t n);
/* Builds `final` by fn in a temporary folder beside it, then renames it
 * into place; does nothing if it is there already. The caller holds a lock
 * (bj_lock) that covers `final`. */
int bj_stage(struct job *j, const char *final, int (*fn)(struct job *, const char *));
/* An exclusive lock on the file `path` (created 0600), waited for; the
 * descriptor to close to release it, or -1 with the reason in j->err. */
int bj_lock(struct job *j, const char *path);

/* hil's gateware/hil_*.v names, sorted, as paths under gateware/. Flags:
 * BJ_GW_BOARDS, the board tops too; BJ_GW_COMPACT, the compact bridge
 * (gateware/seq/, for a UART board) in place of the byte-a-clock one. */
enum {
	BJ_GW_BOARDS = 1,
	BJ_GW_COMPACT = 2
};
int bj_gateware(const struct job *j, int flags, char (*out)[64], int max);
/* synth_ice40's options, for a bitstream and the netlist model alike: a
 * clock enable only where 4 flip-flops or more share it. A logic tile's 8
 * cells share one enable, so a few-flip-flop enable leaves a tile part
 * empty; with the default the iCEstick's HX1K could not place
 * examples/crc at 91% of its cells, with this it places it at 89%. */
#define BJ_SYNTH_OPTS "-dffe_min_ce_use 4"
/* Copies hil's files (paths under root) into dir, as their base names. */
int bj_bring(struct job *j, const char *dir, const char *const *files);
/* dir/gw/: hil's gateware (bj_gateware's flags), copied; each added to v
 * as gw/NAME. */
int bj_bring_gateware(struct job *j, const char *dir, int flags, struct argv *v);
int bj_verilator_root(struct job *j);

/* dut_models.c: Verilator's runtime, compiled once per Verilator and
 * compiler; and a model of kind sim, ce, netlist, uart or fx2 (board in
 * j->board), its path in out. */
int bj_runtime(struct job *j);
int bj_model(struct job *j, const char *kind, char *out, size_t outlen);
/* build/bitstream.c: the bitstream of the DUT for j->board; out names its
 * folder (hil.bin, hil.json, resources.txt, the logs). */
int bj_bitstream(struct job *j, char *out, size_t outlen);

#endif
