/* hil replay LOG --target URI: re-applies a session log's stimulus (its
 * pokes, watches and the cycles it ran to) on another target and compares
 * every sample and watch report with the recorded ones. Prints
 * "identical ..." (exit 0) or the first cycle and port that differ (exit
 * 1); anything else exits 2. Reads the log twice, side by side, so a log
 * of any length replays in constant memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "hil/hil.h"
#include "hil/log.h"
#include "hil/script.h"
#include "opts.h"

struct replay {
	hil_t *h;
	struct hil_log_reader rep; /* the recorded reports, in order */
	const struct hil_ports *ports;
	int differ, failed;
	char diff[640];
	unsigned long pokes, samples, reports;
};

static void fmtv(const struct hil_ports *p, int port, const uint8_t *v, char *out)
{
	hil_value_format(v, p->port[port].width, out);
}

static void differs(struct replay *r, const char *fmt, uint64_t cycle, int port, const char *a,
		    const char *b)
{
	if (r->differ)
		return;
	r->differ = 1;
	snprintf(r->diff, sizeof(r->diff), fmt, (unsigned long long)cycle,
		 r->ports->port[port].name, a, b);
}

/* The next recorded report, or 0 when there is none. */
static int next_report(struct replay *r, struct hil_log_rec *rec)
{
	char err[512];
	int got;
	while ((got = hil_log_next(&r->rep, rec, err, sizeof(err))) == 1)
		if (rec->kind == HIL_LOG_REPORT)
			return 1;
	if (got < 0) {
		fprintf(stderr, "hil replay: %s\n", err);
		r->failed = 1;
	}
	return 0;
}

static void on_report(void *user, int port, uint64_t cycle, const uint8_t *val)
{
	struct replay *r = user;
	struct hil_log_rec rec;
	char a[80], b[80];
	r->reports++;
	fmtv(r->ports, port, val, b);
	if (!next_report(r, &rec)) {
		differs(r,
			"first difference at cycle %llu, port %s: the recording "
			"has no report here%s, the replay reports %s",
			cycle, port, "", b);
		return;
	}
	fmtv(r->ports, rec.port, rec.val, a);
	if (rec.cycle < cycle)
		differs(r,
			"first difference at cycle %llu, port %s: recorded %s, "
			"the replay reports nothing%s",
			rec.cycle, rec.port, a, "");
	else if (rec.cycle != cycle || rec.port != port)
		differs(r,
			"first difference at cycle %llu, port %s: the replay "
			"reports %s%s here, the recording does not",
			cycle, port, b, "");
	else if (memcmp(rec.val, val, r->ports->port[port].nbytes))
		differs(r,
			"first difference at cycle %llu, port %s: recorded %s, "
			"replay %s",
			cycle, port, a, b);
}

static int to(struct replay *r, uint64_t cycle)
{
	return cycle > hil_now(r->h) ? hil_run_until(r->h, cycle) : HIL_OK;
}

/* One stimulus record; returns a hil status. */
static int apply(struct replay *r, const struct hil_log_rec *rec)
{
	uint8_t v[HIL_MAX_PORT_BYTES];
	char a[80], b[80];
	int rc;
	switch (rec->kind) {
	case HIL_LOG_POKE:
		r->pokes++;
		return hil_poke_at(r->h, rec->port, rec->cycle, rec->val);
	case HIL_LOG_WATCH:
		rc = to(r, rec->cycle);
		return rc < 0 ? rc : hil_watch(r->h, rec->port, on_report, r);
	case HIL_LOG_UNWATCH:
		rc = to(r, rec->cycle);
		return rc < 0 ? rc : hil_unwatch(r->h, rec->port);
	case HIL_LOG_SAMPLE:
		r->samples++;
		if ((rc = to(r, rec->cycle)) < 0 || (rc = hil_peek(r->h, rec->port, v)) < 0)
			return rc;
		if (memcmp(v, rec->val, r->ports->port[rec->port].nbytes)) {
			fmtv(r->ports, rec->port, rec->val, a);
			fmtv(r->ports, rec->port, v, b);
			differs(r,
				"first difference at cycle %llu, port %s: recorded "
				"%s, replay %s",
				rec->cycle, rec->port, a, b);
		}
		return HIL_OK;
	case HIL_LOG_TIME:
	case HIL_LOG_END:
		return to(r, rec->cycle);
	case HIL_LOG_REPORT:
		break;
	}
	return HIL_OK;
}

int cmd_replay(int argc, char **argv)
{
	const char *log = NULL, *target = NULL, *top = NULL;
	const struct cliopt opts[] = {
		{"target", &target, NULL, NULL, 0}, {"top", &top, NULL, NULL, 0}, {0}};
	if (opts_parse(argc, argv, "hil replay", opts, &log, 1) < 0)
		return 2;
	if (!log || !target) {
		fprintf(stderr,
			"usage: hil replay LOG --target URI [--top T]\n"
			"  re-applies the stimulus a session log recorded on "
			"another target and\n  compares every sample and report: "
			"prints 'identical' or the first difference\n");
		return 2;
	}
	struct replay r;
	struct hil_log_reader stim;
	struct hil_log_rec rec;
	char err[1024];
	memset(&r, 0, sizeof(r));
	if (hil_log_open(&stim, log, err, sizeof(err)) < 0) {
		fprintf(stderr, "hil replay: %s\n", err);
		return 2;
	}
	int status = 2;
	if (hil_log_open(&r.rep, log, err, sizeof(err)) < 0) {
		fprintf(stderr, "hil replay: %s\n", err);
		goto out;
	}
	struct hil_options opt = {.top = top};
	if (hil_open(&r.h, target, &opt, err, sizeof(err)) < 0) {
		fprintf(stderr, "hil replay: %s\n", err);
		goto out;
	}
	r.ports = hil_ports(r.h);
	if (r.ports->signature != stim.ports.signature) {
		fprintf(stderr,
			"hil replay: %s recorded DUT '%s' (signature %016llx), "
			"but %s runs DUT '%s' (%016llx): replay on a target "
			"built from the same DUT\n",
			log, stim.ports.top, (unsigned long long)stim.ports.signature, target,
			r.ports->top, (unsigned long long)r.ports->signature);
		goto out;
	}
	if (hil_now(r.h) > stim.begin) {
		fprintf(stderr,
			"hil replay: the recording starts at cycle %llu but %s "
			"is at cycle %llu already: reset the target first\n",
			(unsigned long long)stim.begin, target,
			(unsigned long long)hil_now(r.h));
		goto out;
	}
	int rc = to(&r, stim.begin), got = 0, ended = 0;
	while (rc >= 0 && !r.failed &&
	       (got = hil_log_next(&stim, &rec, err, sizeof(err))) == 1) {
		rc = apply(&r, &rec);
		ended = rec.kind == HIL_LOG_END;
	}
	if (rc >= 0)
		rc = hil_sync(r.h);
	if (rc < 0) {
		fprintf(stderr, "hil replay: %s\n", hil_error(r.h));
		goto out;
	}
	if (got < 0) {
		fprintf(stderr, "hil replay: %s\n", err);
		goto out;
	}
	if (r.failed)
		goto out;
	if (!r.differ && next_report(&r, &rec)) {
		char a[80];
		fmtv(r.ports, rec.port, rec.val, a);
		differs(&r,
			"first difference at cycle %llu, port %s: recorded %s, "
			"the replay reports nothing%s",
			rec.cycle, rec.port, a, "");
	}
	if (r.failed)
		goto out;
	if (r.differ) {
		printf("%s\n", r.diff);
		status = 1;
	} else if (!ended) {
		/* What is there may match, but a cut log is not a whole session. */
		fprintf(stderr,
			"hil replay: %s has no end record: the session or the log "
			"was cut short, so it is no whole recording (what it holds, %lu "
			"pokes, %lu samples and %lu reports up to cycle %llu, matched)\n",
			log, r.pokes, r.samples, r.reports, (unsigned long long)hil_now(r.h));
	} else {
		printf("identical: %lu pokes, %lu samples, %lu reports over %llu cycles\n",
		       r.pokes, r.samples, r.reports, (unsigned long long)hil_now(r.h));
		status = 0;
	}
out:
	hil_close(r.h);
	hil_log_close(&r.rep);
	hil_log_close(&stim);
	return status;
}
