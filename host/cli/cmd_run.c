/* hil run: executes a stimulus script (docs/scripts.md) through libhil and
 * prints the trace. Exit status 0 pass, 1 an expect or wait failed, 2 any
 * other error. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "hil/dut.h"
#include "hil/hil.h"
#include "hil/oracle.h"
#include "hil/script.h"
#include "hil/client.h"
#include "dutopts.h"
#include "opts.h"
#include "trace.h"
#include "usbsel.h"

struct run {
	hil_t *h;
	const struct hil_ports *ports;
	struct hil_script s;
	struct trace tr;
	int *watch_order; /* per port: the index of its active watch in r->s.cmds */
	char failure[1024];
};

static void on_watch(void *user, int port, uint64_t cycle, const uint8_t *val)
{
	struct run *r = user;
	trace_add(&r->tr, cycle, r->watch_order[port], port, val);
}

static void fmt(const struct run *r, int port, const uint8_t *val, char *out)
{
	hil_value_format(val, r->ports->port[port].width, out);
}

/* Returns 0, 1 on a test failure (message in r->failure), 2 on error. */
static int exec_cmd(struct run *r, const struct hil_cmd *c)
{
	hil_t *h = r->h;
	const char *path = r->s.path;
	uint8_t val[HIL_MAX_PORT_BYTES];
	char a[80], b[80], it[HIL_SCRIPT_ITER_LEN];
	uint64_t at;
	unsigned width;
	int rc = HIL_OK;

	switch (c->kind) {
	case HIL_CMD_POKE:
		rc = hil_poke(h, c->port, c->value);
		break;
	case HIL_CMD_POKE_AT:
		rc = hil_poke_at(h, c->port, c->cycle, c->value);
		break;
	case HIL_CMD_STEP:
		rc = hil_step(h, c->cycle);
		break;
	case HIL_CMD_RUN:
		rc = hil_run_until(h, c->cycle);
		break;
	case HIL_CMD_PEEK:
		if (c->signal) {
			rc = hil_peek_signal(h, c->signal, val, &width);
			if (rc == HIL_OK)
				trace_add_signal(&r->tr, hil_now(h), (int)(c - r->s.cmds),
						 c->signal, width, val);
			break;
		}
		rc = hil_peek(h, c->port, val);
		if (rc == HIL_OK)
			trace_add(&r->tr, hil_now(h), (int)(c - r->s.cmds), c->port, val);
		break;
	case HIL_CMD_EXPECT:
		if (c->signal) {
			rc = hil_peek_signal(h, c->signal, val, &width);
			if (rc == HIL_OK && memcmp(val, c->value, (width + 7) / 8) != 0) {
				hil_value_format(val, width, a);
				hil_value_format(c->value, width, b);
				snprintf(
					r->failure, sizeof(r->failure),
					"%s:%d: expect %s at cycle %llu: got %s, expected %s%s",
					path, c->line, c->signal,
					(unsigned long long)hil_now(h), a, b,
					hil_script_iteration(&r->s, c, it));
				return 1;
			}
			break;
		}
		rc = hil_peek(h, c->port, val);
		if (rc == HIL_OK &&
		    memcmp(val, c->value, r->ports->port[c->port].nbytes) != 0) {
			fmt(r, c->port, val, a);
			fmt(r, c->port, c->value, b);
			snprintf(r->failure, sizeof(r->failure),
				 "%s:%d: expect %s at cycle %llu: got %s, expected %s%s", path,
				 c->line, r->ports->port[c->port].name,
				 (unsigned long long)hil_now(h), a, b,
				 hil_script_iteration(&r->s, c, it));
			return 1;
		}
		break;
	case HIL_CMD_WATCH:
		r->watch_order[c->port] = (int)(c - r->s.cmds);
		rc = hil_watch(h, c->port, on_watch, r);
		break;
	case HIL_CMD_UNWATCH:
		rc = hil_unwatch(h, c->port);
		break;
	case HIL_CMD_WAIT:
		rc = hil_wait(h, c->port, c->ne, c->value, c->mask, c->cycle, &at);
		if (rc == HIL_TIMEOUT) {
			if (hil_peek(h, c->port, val) != HIL_OK)
				break;
			fmt(r, c->port, val, a);
			fmt(r, c->port, c->value, b);
			snprintf(
				r->failure, sizeof(r->failure),
				"%s:%d: wait timed out at cycle %llu: %s = %s (wanted %s %s)%s",
				path, c->line, (unsigned long long)hil_now(h),
				r->ports->port[c->port].name, a, c->ne ? "!=" : "==", b,
				hil_script_iteration(&r->s, c, it));
			return 1;
		}
		break;
	}
	if (rc < 0) {
		fprintf(stderr, "%s:%d: %s%s\n", path, c->line, hil_error(h),
			hil_script_iteration(&r->s, c, it));
		return 2;
	}
	return 0;
}

static void summary(const struct run *r, int status)
{
	json_t *j = json_pack("{s:s, s:I, s:I}", "result",
			      status == 0           ? "pass"
				      : status == 1 ? "fail"
						    : "error",
			      "cycles", (json_int_t)(r->h ? hil_now(r->h) : 0), "reports",
			      (json_int_t)r->tr.total);
	json_object_set_new(j, "failure",
			    r->failure[0] ? json_string(r->failure) : json_null());
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}

static void print_stats(hil_t *h)
{
	struct hil_link_stats s;
	if (hil_stats(h, &s) < 0) {
		fprintf(stderr, "hil run: %s\n", hil_error(h));
		return;
	}
	fprintf(stderr,
		"hil: link frames_in=%lu frames_out=%lu bad_frames=%lu "
		"retransmits=%lu naks=%lu bridge_crc_errors=%u "
		"bridge_seq_errors=%u bridge_phy_errors=%u\n",
		s.frames_in, s.frames_out, s.bad_frames, s.retransmits, s.naks,
		s.bridge_crc_errors, s.bridge_seq_errors, s.bridge_phy_errors);
}

/* Whether a hild answers where clients look for one; err says why not. */
static int hild_answers(char *err, size_t errlen)
{
	struct hil_client *c = hil_client_connect(NULL, "hil-probe", err, errlen);
	hil_client_close(c);
	return c != NULL;
}

static int signal_width(void *user, const char *name, unsigned *width, char *why,
			size_t whylen)
{
	hil_t *h = user;
	uint8_t val[HIL_MAX_PORT_BYTES];
	if (hil_peek_signal(h, name, val, width) == HIL_OK)
		return 1;
	snprintf(why, whylen, "%s", hil_error(h));
	return 0;
}

/* Before a model is built for a script that reads inside the DUT, a plain
 * name (likely a port misspelt) is looked up in the bare DUT, which is at
 * hand; a path is left to the model, which knows it best. */
static int plain_name_width(void *dut, const char *name, unsigned *width, char *why,
			    size_t whylen)
{
	if (strpbrk(name, ".[")) {
		*width = HIL_MAX_PORT_WIDTH;
		return 1;
	}
	return hil_oracle_signal_width(dut, name, width, why, whylen);
}

/* Does the script read signals inside the DUT of DIR? Then its model must
 * be built for it. Returns 1 yes, 0 no (or the DUT or script does not load:
 * the run itself says so), -1 after printing why a name is neither a port
 * nor a signal. */
static int reads_inside(const char *dir, const char *top, const struct dutopts_args *da,
			const char *script)
{
	struct hil_dut_options o = {.params = da->params_text,
				    .defines = da->defines_text,
				    .includes = da->includes};
	struct hil_dut_build b;
	struct hil_ports p;
	struct hil_script s;
	char err[1024];
	if (hil_dut_prepare_opts(dir, top, "ports", &o, &b, err, sizeof(err)) < 0 ||
	    hil_ports_load(&p, b.ports_json, err, sizeof(err)) < 0)
		return 0;
	int inside = 0;
	if (hil_script_load(&s, script, &p, err, sizeof(err)) == 0) {
		inside = s.nsignals > 0;
		struct hil_oracle_dut *bare = inside
			? hil_oracle_dut_open(b.bare_json, p.top, err, sizeof(err))
			: NULL;
		if (bare &&
		    hil_script_bind(&s, &p, plain_name_width, bare, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			inside = -1;
		}
		hil_oracle_dut_close(bare);
		hil_script_free(&s);
	}
	hil_ports_free(&p);
	return inside;
}

int cmd_run(int argc, char **argv)
{
	const char *dir = NULL, *top = NULL, *vcd_path = NULL, *script = NULL,
		   *fst_path = NULL;
	const char *ports_path = NULL, *target = NULL, *record = NULL;
	int json = 0, stats = 0, direct = 0;
	struct dutopts_args da = {0};
	struct hil_usbsel sel;
	struct usbsel_args ua = {0};
	const struct cliopt opts[] = {
		{"dut", &dir, NULL, NULL, 0},
		{"top", &top, NULL, NULL, 0},
		DUT_OPTS(da),
		{"vcd", &vcd_path, NULL, NULL, 0},
		{"fst", &fst_path, NULL, NULL, 0},
		{"ports", &ports_path, NULL, NULL, 0},
		{"target", &target, NULL, NULL, 0},
		{"record", &record, NULL, NULL, 0},
		{"direct", NULL, &direct, NULL, 0},
		{"json", NULL, &json, NULL, 0},
		{"stats", NULL, &stats, NULL, 0},
		USBSEL_OPTS(ua),
		{0},
	};
	if (opts_parse(argc, argv, "hil run", opts, &script, 1) < 0 ||
	    dutopts_get(&da, "hil run") < 0)
		return 2;
	if (!(dir || target) || !script) {
		fprintf(stderr,
			"usage: hil run (--dut DIR | --target URI) [--top T] " DUTOPTS_USAGE
			" [--vcd FILE | --fst FILE] [--json] [--stats] [--ports PORTS.JSON] "
			"[--serial S | --bus N --device N] [--record LOG] "
			"[--direct] SCRIPT\n"
			"  URI: sim:DIR (the default for --dut DIR), "
			"netlist:BOARD:DIR, uart:BOARD:DIR, fx2:BOARD:DIR,\n"
			"       ftdi:BOARD[@SERIAL|@BUS/DEV]:DIR, tty:BOARD@/dev/ttyX:DIR,\n"
			"       hild:BOARD, hild:type=T, hild:sim:DIR (through hild)\n");
		return 2;
	}

	if (usbsel_get(&sel, &ua, "run") < 0)
		return 2;
	const char *sim_dir = !target              ? dir
		: !strncmp(target, "sim:", 4)      ? target + 4
		: !strncmp(target, "hild:sim:", 9) ? target + 9
						   : NULL;
	int inside = sim_dir ? reads_inside(sim_dir, top, &da, script) : 0;
	if (inside < 0)
		return 2;
	struct run r;
	memset(&r, 0, sizeof(r));
	char uri[4200], err[1024];
	const char *colon = target ? strchr(target, ':') : NULL;
	const char *dircolon = colon ? strchr(colon + 1, ':') : NULL;
	if ((sel.serial || sel.bus) &&
	    (!target || strncmp(target, "ftdi:", 5) || !dircolon ||
	     memchr(colon, '@', (size_t)(dircolon - colon)))) {
		fprintf(stderr,
			"hil run: --serial, --bus and --device choose the board "
			"of an ftdi:BOARD:DIR target (one that does not choose "
			"it with @ already)\n");
		return 2;
	}
	if (target && sel.serial)
		snprintf(uri, sizeof(uri), "%.*s@%s%s", (int)(dircolon - target), target,
			 sel.serial, dircolon);
	else if (target && sel.bus)
		snprintf(uri, sizeof(uri), "%.*s@%d/%d%s", (int)(dircolon - target), target,
			 sel.bus, sel.addr, dircolon);
	else if (target)
		snprintf(uri, sizeof(uri), "%s", target);
	/* hild takes parameters, not yet a top, macros or header folders; a
	 * waveform is written here, by the model in this process. */
	else if (!direct && !top && !da.defines[0] && !da.includes[0] && !vcd_path &&
		 !fst_path && hild_answers(err, sizeof(err)))
		snprintf(uri, sizeof(uri), "hild:sim:%s", dir);
	else if (!direct && !top && !da.defines[0] && !da.includes[0] && !vcd_path &&
		 !fst_path && getenv("HIL_HILD") && *getenv("HIL_HILD")) {
		/* Asked for by name: running without it would hide that. */
		fprintf(stderr,
			"hil run: HIL_HILD is set, but %s; --direct runs without hild\n", err);
		return 2;
	} else
		snprintf(uri, sizeof(uri), "sim:%s", dir);
	if (!strncmp(uri, "hild:", 5)) {
		char where[4096];
		hil_client_default(where, sizeof(where));
		fprintf(stderr, "hil run: target %s, through hild at %s%s\n", uri, where,
			target ? "" : " (--direct runs without it)");
	}
	/* On the simulator --vcd and --fst dump every DUT signal; elsewhere
	 * --vcd is the ports' VCD, made from the reports. */
	int sim = !strncmp(uri, "sim:", 4);
	if (fst_path && (!sim || vcd_path)) {
		fprintf(stderr, "hil run: --fst: %s\n",
			vcd_path ? "one waveform a run: --vcd or --fst"
				 : "every DUT signal comes from the simulator (--dut DIR or "
				   "--target sim:DIR); here --vcd writes the ports' VCD");
		return 2;
	}
	struct hil_options opt = {.top = top,
				  .ports = ports_path,
				  .record = record,
				  .params = da.params_text,
				  .defines = da.defines_text,
				  .includes = da.includes,
				  .waves = sim ? (fst_path ? fst_path : vcd_path) : NULL,
				  .internals = inside};
	if (hil_open(&r.h, uri, &opt, err, sizeof(err)) < 0) {
		fprintf(stderr, "hil run: %s\n", err);
		return 2;
	}
	r.ports = hil_ports(r.h);
	int status = 2;
	FILE *vcd = NULL;
	if (hil_script_load(&r.s, script, r.ports, err, sizeof(err)) < 0 ||
	    (r.s.nsignals &&
	     hil_script_bind(&r.s, r.ports, signal_width, r.h, err, sizeof(err)) < 0)) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if (vcd_path && !sim && !(vcd = fopen(vcd_path, "w"))) {
		perror(vcd_path);
		goto out;
	}
	r.watch_order = calloc(r.ports->n, sizeof(int));
	if (!r.watch_order)
		goto out;
	trace_init(&r.tr, r.ports, stdout, vcd);
	status = 0;
	for (size_t i = 0; i < r.s.ncmds && status == 0; i++)
		status = exec_cmd(&r, &r.s.cmds[i]);
	/* After a wait the parser could not know where the script ends: a
	 * scheduled poke it did not reach was never made. */
	for (size_t i = 0; i < r.s.ncmds && status == 0; i++)
		if (r.s.cmds[i].kind == HIL_CMD_POKE_AT && r.s.cmds[i].cycle > hil_now(r.h)) {
			char it[HIL_SCRIPT_ITER_LEN];
			fprintf(stderr,
				"%s:%d:%d: at %llu is never reached: the script ended "
				"at cycle %llu; run or step up to it%s\n",
				r.s.path, r.s.cmds[i].line, r.s.cmds[i].col,
				(unsigned long long)r.s.cmds[i].cycle,
				(unsigned long long)hil_now(r.h),
				hil_script_iteration(&r.s, &r.s.cmds[i], it));
			status = 2;
		}
	/* Reports still on their way belong to the trace. */
	if (status != 2 && hil_sync(r.h) < 0) {
		fprintf(stderr, "hil run: %s\n", hil_error(r.h));
		status = 2;
	}
	trace_flush(&r.tr);
	if (r.tr.oom) {
		fprintf(stderr, "hil run: out of memory for the trace\n");
		status = 2;
	}
	if (status == 1)
		fprintf(stderr, "%s\n", r.failure);
	if (json)
		summary(&r, status);
	if (stats && status != 2)
		print_stats(r.h);
	trace_free(&r.tr);
out:
	if (vcd && fclose(vcd) != 0) {
		perror(vcd_path);
		status = 2;
	}
	free(r.watch_order);
	hil_script_free(&r.s);
	hil_close(r.h);
	return status;
}
