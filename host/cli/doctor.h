/* hil doctor's parts: each step prints one verdict line (doctor_report.c) and the
 * link step measures through libhil what a session on the board will get
 * (doctor_link.c). cmd_doctor.c runs the steps in order; a step whose
 * ground failed is skipped, saying so. */
#ifndef HIL_CLI_DOCTOR_H
#define HIL_CLI_DOCTOR_H

#include <stddef.h>

#include "hil/hil.h"

enum verdict {
	V_OK,
	V_WARN,
	V_FAIL,
	V_SKIP
};

/* One step's line: "STEP  VERDICT  what was seen", and for WARN and FAIL
 * a second line with what to do (todo may be NULL). Counts the fails. */
void doctor_say(const char *step, enum verdict v, const char *seen, const char *todo);
int doctor_failures(void);

/* What the link step measured on the bring-up bitstream. */
struct link_figures {
	unsigned long looped, wrong; /* values poked and read back; those that differed */
	unsigned long streamed, reported, misreported; /* pokes, watch reports, wrong ones */
	double rtt_median_us, rtt_worst_us;            /* a poke and a read, one round trip */
	double pokes_per_s;
	struct hil_link_stats stats;
};

/* Opens uri (the bring-up DUT on the board), loops values through it and
 * streams pokes with a watch on the echo. -1 with the reason in err when
 * the session could not be opened or broke. */
int doctor_link(const char *uri, struct link_figures *f, char *err, size_t errlen);

/* The traces' files (doctor_files.c). 0 when files a and b hold the same bytes, else the first line (from 1)
 * where they differ; *lines: a's line count. */
long files_differ(const char *a, const char *b, long *lines);
/* 1 if this process may read path. */
int readable(const char *path);

/* A folder for the traces: keep if given (created), else a new temporary
 * one. workdir_done removes the temporary one, with what it holds unless
 * kept (a report named it: an example's traces differ). */
int workdir(const char *keep, char *out, size_t n, char *err, size_t errlen);
void workdir_done(const char *keep, const char *dir, int kept);

#endif
