/* The oracle testbench generator (hil/oracle.h). The script is unrolled into
 * straight-line Verilog; only runs and waits become loops, because where a
 * wait stops is for the DUT to say. Everything the bridge does at an
 * evaluation point is mirrored by the task eval_point, and pokes scheduled
 * with `at` are kept in a table applied after every edge, as the bridge
 * applies them when it reaches their cycle. */
#include "hil/oracle.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int plain(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '$'))
			return 0;
	return 1;
}

/* Appends one hierarchical name component, escaped if it needs to be. */
static void name_part(char *path, size_t cap, const char *name)
{
	size_t o = strlen(path);
	snprintf(path + o, cap - o, plain(name) ? ".%s" : ".\\%s ", name);
}

/* Yosys records no difference between a reg and a wire that merely aliases
 * it (`assign bit = r[3]`); only a reg may be assigned from the testbench.
 * So look at the declaration the netname's src attribute points to: it must
 * declare a reg. A reg missed here starts at x in the oracle, which shows as
 * a mismatch, never as a silent pass. */
static int declared_reg(json_t *net)
{
	const char *src = json_string_value(
		json_object_get(json_object_get(net, "attributes"), "src"));
	char path[1024], line[4096];
	if (!src)
		return 0;
	const char *bar = strchr(src, '|');
	size_t len = bar ? (size_t)(bar - src) : strlen(src);
	if (len >= sizeof(path))
		return 0;
	memcpy(path, src, len);
	path[len] = '\0';
	char *colon = strrchr(path, ':');
	if (!colon)
		return 0;
	*colon = '\0';
	long want = strtol(colon + 1, NULL, 10);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int found = 0;
	for (long n = 1; fgets(line, sizeof(line), f); n++) {
		if (n != want)
			continue;
		for (char *w = strstr(line, "reg"); w; w = strstr(w + 1, "reg"))
			if ((w == line || !(isalnum((unsigned char)w[-1]) || w[-1] == '_')) &&
			    !(isalnum((unsigned char)w[3]) || w[3] == '_'))
				found = 1;
		break;
	}
	fclose(f);
	return found;
}

static long param_int(json_t *cell, const char *name)
{
	const char *v = json_string_value(
		json_object_get(json_object_get(cell, "parameters"), name));
	if (!v)
		return json_integer_value(
			json_object_get(json_object_get(cell, "parameters"), name));
	return strtol(v, NULL, 2);
}

static int is_ff(const char *type)
{
	static const char *const ffs[] = {
		"$dff", "$dffe", "$adff", "$adffe", "$sdff", "$sdffe", "$sdffce",
		"$dffsr", "$dffsre", "$aldff", "$aldffe", NULL,
	};
	for (int i = 0; ffs[i]; i++)
		if (!strcmp(type, ffs[i]))
			return 1;
	return 0;
}

struct mem_seen {
	char name[256];
	long abits;
	int init;
};

/* Writes zero assignments for the flip-flops and memories of module `mod`
 * at hierarchical path `path`, then recurses into its instances. */
static void zero_state(FILE *out, json_t *modules, const char *mod,
		       const char *path, int depth)
{
	json_t *m = json_object_get(modules, mod);
	if (!m || depth > MAX_DEPTH)
		return;
	json_t *cells = json_object_get(m, "cells");
	long maxbit = 0;
	const char *name;
	json_t *v;
	json_object_foreach(json_object_get(m, "netnames"), name, v) {
		size_t i;
		json_t *b;
		json_array_foreach(json_object_get(v, "bits"), i, b)
			if (json_integer_value(b) > maxbit)
				maxbit = json_integer_value(b);
	}
	unsigned char *ff = calloc((size_t)maxbit + 1, 1);
	struct mem_seen *mems = calloc(json_object_size(cells) + 1, sizeof(*mems));
	size_t nmem = 0;
	if (!ff || !mems)
		goto out;
	json_object_foreach(cells, name, v) {
		const char *type = json_string_value(json_object_get(v, "type"));
		if (!type)
			continue;
		if (is_ff(type)) {
			size_t i;
			json_t *b;
			json_array_foreach(json_object_get(json_object_get(v, "connections"), "Q"), i, b)
				if (json_is_integer(b) && json_integer_value(b) <= maxbit)
					ff[json_integer_value(b)] = 1;
		} else if (!strncmp(type, "$mem", 4)) {
			const char *id = json_string_value(
				json_object_get(json_object_get(v, "parameters"), "MEMID"));
			if (!id)
				continue;
			if (*id == '\\')
				id++;
			size_t k = 0;
			while (k < nmem && strcmp(mems[k].name, id))
				k++;
			if (k == nmem) {
				snprintf(mems[k].name, sizeof(mems[k].name), "%s", id);
				nmem++;
			}
			if (!strncmp(type, "$meminit", 8))
				mems[k].init = 1;
			long ab = param_int(v, "ABITS");
			if (ab > mems[k].abits && ab <= 24)
				mems[k].abits = ab;
		} else if (type[0] != '$') {
			char sub[2048];
			snprintf(sub, sizeof(sub), "%s", path);
			name_part(sub, sizeof(sub), name);
			zero_state(out, modules, type, sub, depth + 1);
		}
	}
	json_object_foreach(json_object_get(m, "netnames"), name, v) {
		json_t *bits = json_object_get(v, "bits");
		size_t i, n = json_array_size(bits);
		json_t *b;
		int all = n > 0;
		if (json_integer_value(json_object_get(v, "hide_name")) ||
		    json_object_get(json_object_get(v, "attributes"), "init") ||
		    strchr(name, '$') || !declared_reg(v))
			continue;
		json_array_foreach(bits, i, b)
			all &= json_is_integer(b) && ff[json_integer_value(b)];
		if (all) {
			char full[2048];
			snprintf(full, sizeof(full), "%s", path);
			name_part(full, sizeof(full), name);
			fprintf(out, "        %s = 0;\n", full);
		}
	}
	for (size_t k = 0; k < nmem; k++) {
		if (mems[k].init || mems[k].abits == 0)
			continue;
		char full[2048];
		snprintf(full, sizeof(full), "%s", path);
		name_part(full, sizeof(full), mems[k].name);
		fprintf(out, "        for (zi = 0; zi < %ld; zi = zi + 1) %s[zi] = 0;\n",
			1L << mems[k].abits, full);
	}
out:
	free(ff);
	free(mems);
}

static void literal(FILE *out, const struct hil_port *p, const uint8_t *v)
{
	char hex[3 + HIL_MAX_PORT_WIDTH / 4 + 1];
	hil_value_format(v, p->width, hex);
	fprintf(out, "%u'h%s", p->width, hex + 2);
}

static void header(FILE *out, const struct hil_script *s, const struct hil_ports *p,
		   size_t maxrep, size_t nat)
{
	fprintf(out, "// Oracle for %s on DUT %s, written by `hil oracle`: the bare DUT\n"
		     "// and the script's pokes at the script's cycles, nothing else.\n"
		     "`timescale 1ns/1ns\nmodule hil_oracle_tb;\n    reg %s = 1'b0;\n",
		s->path, p->top, p->clock);
	for (size_t i = 0; i < p->n; i++) {
		const struct hil_port *q = &p->port[i];
		fprintf(out, "    %s [%u:0] p%zu%s;  // %s\n", q->is_input ? "reg " : "wire",
			q->width - 1, i, q->is_input ? " = 0" : "", q->name);
		fprintf(out, "    reg w_on%zu = 0;\n    reg [%u:0] w_prev%zu;\n"
			     "    integer w_line%zu;\n", i, q->width - 1, i, i);
	}
	fprintf(out, "\n    %s dut (\n        .%s(%s)", p->top, p->clock, p->clock);
	for (size_t i = 0; i < p->n; i++)
		fprintf(out, ",\n        .%s(p%zu)", p->port[i].name, i);
	fprintf(out, "\n    );\n\n"
		     "    reg [63:0] cycle, target, rep_cycle;\n"
		     "    integer nrep, ri, rj, zi, hit, t_line, t_port;\n"
		     "    integer rep_line [0:%zu];\n    integer rep_port [0:%zu];\n"
		     "    reg [255:0] rep_val [0:%zu];\n    reg [255:0] t_val;\n",
		maxrep, maxrep, maxrep);
	if (nat)
		fprintf(out, "    reg pend [0:%zu];\n", nat - 1);

	/* Reports of one cycle, printed in script-line order (stable). */
	fprintf(out, "\n    task flush;\n        begin\n"
		     "            for (ri = 1; ri < nrep; ri = ri + 1) begin\n"
		     "                t_line = rep_line[ri]; t_port = rep_port[ri]; t_val = rep_val[ri];\n"
		     "                rj = ri;\n"
		     "                while (rj > 0 && rep_line[rj - 1] > t_line) begin\n"
		     "                    rep_line[rj] = rep_line[rj - 1]; rep_port[rj] = rep_port[rj - 1];\n"
		     "                    rep_val[rj] = rep_val[rj - 1]; rj = rj - 1;\n"
		     "                end\n"
		     "                rep_line[rj] = t_line; rep_port[rj] = t_port; rep_val[rj] = t_val;\n"
		     "            end\n"
		     "            for (ri = 0; ri < nrep; ri = ri + 1)\n"
		     "                case (rep_port[ri])\n");
	for (size_t i = 0; i < p->n; i++)
		fprintf(out, "                %zu: $display(\"%%0d %s 0x%%h\", rep_cycle, rep_val[ri][%u:0]);\n",
			i, p->port[i].name, p->port[i].width - 1);
	fprintf(out, "                endcase\n            nrep = 0;\n        end\n    endtask\n\n"
		     "    task report(input integer line, input integer port, input [255:0] val);\n"
		     "        begin\n"
		     "            if (nrep > 0 && rep_cycle != cycle) flush;\n"
		     "            if (nrep > %zu) begin\n"
		     "                $fdisplay(32'h80000002, \"hil oracle: report buffer overflow\");\n"
		     "                $finish_and_return(2);\n"
		     "            end\n"
		     "            rep_cycle = cycle; rep_line[nrep] = line; rep_port[nrep] = port;\n"
		     "            rep_val[nrep] = val; nrep = nrep + 1;\n"
		     "        end\n    endtask\n\n", maxrep);

	fprintf(out, "    task eval_point;\n        begin\n");
	for (size_t i = 0; i < p->n; i++)
		fprintf(out, "            if (w_on%zu && p%zu !== w_prev%zu) begin\n"
			     "                report(w_line%zu, %zu, p%zu); w_prev%zu = p%zu;\n"
			     "            end\n", i, i, i, i, i, i, i, i);
	fprintf(out, "        end\n    endtask\n\n"
		     "    task tick;\n        begin\n"
		     "            %s = 1'b1; #1; %s = 1'b0; #1;\n"
		     "            cycle = cycle + 1;\n", p->clock, p->clock);
	size_t k = 0;
	for (size_t i = 0; i < s->ncmds; i++) {
		const struct hil_cmd *c = &s->cmds[i];
		if (c->kind != HIL_CMD_POKE_AT)
			continue;
		fprintf(out, "            if (pend[%zu] && cycle == %llu) begin pend[%zu] = 0; p%d = ",
			k, (unsigned long long)c->cycle, k, c->port);
		literal(out, &p->port[c->port], c->value);
		fprintf(out, "; end\n");
		k++;
	}
	fprintf(out, "            #1;\n        end\n    endtask\n\n"
		     "    task fail;\n        begin\n"
		     "            flush;\n            $finish_and_return(1);\n"
		     "        end\n    endtask\n\n");
}

static void wait_cond(FILE *out, const struct hil_cmd *c, const struct hil_port *q)
{
	fprintf(out, "((p%d & ", c->port);
	literal(out, q, c->mask);
	fprintf(out, ") %s (", c->ne ? "!==" : "===");
	literal(out, q, c->value);
	fprintf(out, " & ");
	literal(out, q, c->mask);
	fprintf(out, "))");
}

static void body(FILE *out, const struct hil_script *s, const struct hil_ports *p)
{
	size_t at = 0;
	for (size_t i = 0; i < s->ncmds; i++) {
		const struct hil_cmd *c = &s->cmds[i];
		const struct hil_port *q = c->port >= 0 ? &p->port[c->port] : NULL;
		fprintf(out, "        // line %d\n", c->line);
		switch (c->kind) {
		case HIL_CMD_POKE:
			fprintf(out, "        p%d = ", c->port);
			literal(out, q, c->value);
			fprintf(out, "; #1;\n");
			break;
		case HIL_CMD_POKE_AT:
			fprintf(out, "        if (cycle == %llu) begin p%d = ",
				(unsigned long long)c->cycle, c->port);
			literal(out, q, c->value);
			fprintf(out, "; #1; end else pend[%zu] = 1;\n", at++);
			break;
		case HIL_CMD_STEP:
		case HIL_CMD_RUN:
			if (c->kind == HIL_CMD_STEP)
				fprintf(out, "        target = cycle + %llu;\n",
					(unsigned long long)c->cycle);
			else
				fprintf(out, "        target = %llu;\n", (unsigned long long)c->cycle);
			fprintf(out, "        while (cycle < target) begin eval_point; tick; end\n"
				     "        eval_point;\n");
			break;
		case HIL_CMD_PEEK:
			fprintf(out, "        report(%d, %d, p%d);\n", c->line, c->port, c->port);
			break;
		case HIL_CMD_EXPECT:
			fprintf(out, "        if (p%d !== ", c->port);
			literal(out, q, c->value);
			fprintf(out, ") begin\n            flush;\n"
				     "            $fdisplay(32'h80000002, \"%s:%d: expect %s at cycle %%0d: "
				     "got 0x%%h, expected 0x%%h\", cycle, p%d, ",
				s->path, c->line, q->name, c->port);
			literal(out, q, c->value);
			fprintf(out, ");\n            fail;\n        end\n");
			break;
		case HIL_CMD_WATCH:
			fprintf(out, "        w_on%d = 1; w_prev%d = p%d; w_line%d = %d;\n",
				c->port, c->port, c->port, c->port, c->line);
			break;
		case HIL_CMD_UNWATCH:
			fprintf(out, "        w_on%d = 0;\n", c->port);
			break;
		case HIL_CMD_WAIT:
			fprintf(out, "        target = cycle + %llu;\n        hit = 0;\n"
				     "        begin : wait_%d\n            forever begin\n"
				     "                eval_point;\n                if (",
				(unsigned long long)c->cycle, c->line);
			wait_cond(out, c, q);
			fprintf(out, ") begin hit = 1; disable wait_%d; end\n"
				     "                if (cycle == target) disable wait_%d;\n"
				     "                tick;\n            end\n        end\n"
				     "        if (!hit) begin\n            flush;\n"
				     "            $fdisplay(32'h80000002, \"%s:%d: wait timed out at cycle "
				     "%%0d: %s = 0x%%h (wanted %s 0x%%h)\", cycle, p%d, ",
				c->line, c->line, s->path, c->line, q->name, c->ne ? "!=" : "==",
				c->port);
			literal(out, q, c->value);
			fprintf(out, ");\n            fail;\n        end\n");
			break;
		}
	}
}

int hil_oracle_write(FILE *out, const struct hil_script *s,
		     const struct hil_ports *p, const char *bare_json,
		     char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_load_file(bare_json, 0, &jerr);
	if (!root)
		return fail(err, errlen, "%s:%d: %s", bare_json, jerr.line, jerr.text);
	json_t *modules = json_object_get(root, "modules");
	if (!json_object_get(modules, p->top)) {
		json_decref(root);
		return fail(err, errlen, "%s: no module %s", bare_json, p->top);
	}
	size_t npeek = 0, nwatch = 0, nrun = 0, nat = 0;
	for (size_t i = 0; i < s->ncmds; i++) {
		switch (s->cmds[i].kind) {
		case HIL_CMD_PEEK: npeek++; break;
		case HIL_CMD_WATCH: nwatch++; break;
		case HIL_CMD_STEP:
		case HIL_CMD_RUN:
		case HIL_CMD_WAIT: nrun++; break;
		case HIL_CMD_POKE_AT: nat++; break;
		default: break;
		}
	}
	/* At one cycle a watch reports at most once per evaluation point: one
	 * before the edge, one per run that stops there. */
	size_t maxrep = npeek + nwatch * (nrun + 1) + 1;
	header(out, s, p, maxrep, nat);
	fprintf(out, "    initial begin\n        cycle = 0;\n        nrep = 0;\n");
	for (size_t k = 0; k < nat; k++)
		fprintf(out, "        pend[%zu] = 0;\n", k);
	fprintf(out, "        // Power-on state: every flip-flop and memory at 0, as on\n"
		     "        // the iCE40 and in hil's Verilator model.\n");
	zero_state(out, modules, p->top, "dut", 0);
	fprintf(out, "        #1;\n");
	body(out, s, p);
	fprintf(out, "        flush;\n        $finish_and_return(0);\n    end\nendmodule\n");
	json_decref(root);
	return ferror(out) ? fail(err, errlen, "write error") : 0;
}
