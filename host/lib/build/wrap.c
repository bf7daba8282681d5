/* The DUT wrapper generator: Yosys JSON in, hil_top.v and ports.json out.
 * The generated Verilog is the only DUT-specific gateware; everything in it
 * is one small block per port, so the bridge itself stays generic. */
#include "util/errfmt.h"
#include "hil/wrap.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hil_wrap_read(struct hil_ports *p, const char *json_path, const char *top, char *err,
		  size_t errlen)
{
	json_error_t jerr;
	memset(p, 0, sizeof(*p));
	json_t *root = json_load_file(json_path, 0, &jerr);
	if (!root)
		return hil_fail(err, errlen, "%s:%d: %s", json_path, jerr.line, jerr.text);
	int rc = -1;
	json_t *mod = json_object_get(json_object_get(root, "modules"), top);
	if (!json_is_object(mod)) {
		hil_fail(err, errlen,
			 "%s: no module '%s' (is the top module name right? use --top)",
			 json_path, top);
		goto out;
	}
	json_t *attrs = json_object_get(mod, "attributes");
	const char *clock = json_object_get(attrs, "hil_combinational")
		? ""
		: json_string_value(json_object_get(attrs, "hil_clock"));
	if (!clock) {
		hil_fail(err, errlen,
			 "%s: module '%s' has no hil_clock attribute: run the hil_ce "
			 "Yosys pass first",
			 json_path, top);
		goto out;
	}
	snprintf(p->top, sizeof(p->top), "%s", top);
	snprintf(p->clock, sizeof(p->clock), "%s", clock);

	json_t *ports = json_object_get(mod, "ports");
	size_t n = json_object_size(ports);
	p->port = calloc(n ? n : 1, sizeof(*p->port));
	if (!p->port) {
		hil_fail(err, errlen, "out of memory");
		goto out;
	}
	const char *name;
	json_t *pj;
	json_object_foreach(ports, name, pj)
	{
		const char *dir = json_string_value(json_object_get(pj, "direction"));
		size_t width = json_array_size(json_object_get(pj, "bits"));
		if ((*clock && !strcmp(name, clock)) || !strcmp(name, "hil_advance"))
			continue;
		if (!dir || !strcmp(dir, "inout")) {
			hil_fail(err, errlen,
				 "port '%s' is an inout: hil bridges only inputs and "
				 "outputs; split it into an input and an output",
				 name);
			goto out;
		}
		if (!hil_is_ident(name) || strlen(name) >= HIL_MAX_NAME) {
			hil_fail(err, errlen,
				 "port '%s': only plain Verilog identifiers shorter than "
				 "%d characters can be bridged",
				 name, HIL_MAX_NAME);
			goto out;
		}
		if (width == 0 || width > HIL_MAX_PORT_WIDTH) {
			hil_fail(err, errlen,
				 "port '%s' is %zu bits wide: hil bridges ports of 1 to "
				 "%d bits; split it",
				 name, width, HIL_MAX_PORT_WIDTH);
			goto out;
		}
		if (p->n >= HIL_MAX_PORTS) {
			hil_fail(err, errlen,
				 "module '%s' has more than %d ports: group some into "
				 "wider ports",
				 top, HIL_MAX_PORTS);
			goto out;
		}
		struct hil_port *q = &p->port[p->n++];
		snprintf(q->name, sizeof(q->name), "%s", name);
		q->is_input = !strcmp(dir, "input");
		q->width = (unsigned)width;
		q->nbytes = (q->width + 7) / 8;
	}
	if (p->n == 0) {
		hil_fail(err, errlen,
			 "module '%s' has no ports besides its clock: nothing to drive "
			 "or observe",
			 top);
		goto out;
	}
	p->signature = hil_ports_signature(p);
	rc = 0;
out:
	json_decref(root);
	if (rc)
		hil_ports_free(p);
	return rc;
}

static void write_port(FILE *f, const struct hil_port *q, size_t i, int shell)
{
	unsigned w = q->width, bw = 8 * q->nbytes;
	fprintf(f, "\n    // port %zu: %s, %s, %u bit%s\n", i, q->name,
		q->is_input ? "input" : "output", w, w == 1 ? "" : "s");
	/* An input holds only its own bits (the host sends none above them),
	 * and a port of one byte needs no byte select: on a UART board every
	 * flip-flop and mux here is one the DUT does not get. */
	if (q->is_input) {
		fprintf(f, "    reg  [%u:0] cur_%zu;\n", w - 1, i);
		fprintf(f,
			"    always @(posedge clk)\n"
			"        if (rst) cur_%zu <= %u'd0;\n"
			"        else if (p_we && p_sel == 8'd%zu)",
			i, w, i);
		if (q->nbytes == 1) {
			fprintf(f, " cur_%zu <= p_wdata[%u:0];\n", i, w - 1);
		} else {
			fprintf(f, "\n            case (p_byte)\n");
			for (unsigned k = 0; k < q->nbytes; k++) {
				unsigned hi = 8 * k + 7 < w ? 8 * k + 7 : w - 1;
				fprintf(f,
					"                6'd%u: cur_%zu[%u:%u] <= p_wdata[%u:0];\n",
					k, i, hi, 8 * k, hi - 8 * k);
			}
			fprintf(f, "                default: ;\n            endcase\n");
		}
		/* The simulator's lane (host/sim/hil_model.cpp) pokes the DUT
		 * model itself and then hands the shell its inputs. */
		if (shell)
			fprintf(f, "        else if (lane_we) cur_%zu <= lane_%zu;\n", i, i);
	} else {
		fprintf(f, "    wire [%u:0] cur_%zu;\n", w - 1, i);
	}
	if (bw == w)
		fprintf(f, "    wire [%u:0] pad_%zu = cur_%zu;\n", bw - 1, i, i);
	else
		fprintf(f, "    wire [%u:0] pad_%zu = {%u'd0, cur_%zu};\n", bw - 1, i, bw - w,
			i);
	fprintf(f,
		"    reg  [%u:0] prev_%zu;\n"
		"    reg  wen_%zu, done_%zu;\n"
		"    wire chg_%zu = wen_%zu && !done_%zu && cur_%zu != prev_%zu;\n"
		"    always @(posedge clk) begin\n"
		"        if (w_clear) wen_%zu <= 1'b0;\n"
		"        else if (w_set && p_sel == 8'd%zu) wen_%zu <= w_on;\n"
		"        if (snap || (w_set && p_sel == 8'd%zu)) prev_%zu <= cur_%zu;\n"
		"        if (snap) done_%zu <= 1'b0;\n"
		"        else if (w_ack && w_idx == 8'd%zu) done_%zu <= 1'b1;\n"
		"    end\n",
		w - 1, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i);
}

/* The generated top in two forms. For the chip (and the gate-level and
 * board-top models) hil_top holds the DUT after hil_ce, its flip-flops
 * enabled by the bridge's advance. For the simulator, hil_shell is the same
 * bridge and port blocks without the DUT: the DUT's own RTL is a model of
 * its own whose clock the harness gives only on advancing cycles (exact in
 * simulation), and its ports are the shell's hil_in_N / hil_out_N. */
static int write_top(const struct hil_ports *p, FILE *f, int shell)
{
	fprintf(f,
		"// Generated by `hil wrap` for DUT '%s' (signature %016" PRIx64 "):\n"
		"// the bridge, one register block per port, and %s.\n"
		"// Do not edit; rebuild instead.\n"
		"`default_nettype none\n"
		"module %s (\n"
		"    input  wire       clk,\n"
		"    input  wire       rst,\n"
		"    input  wire [7:0] rx_data,\n"
		"    input  wire       rx_valid,\n"
		"    output wire [7:0] tx_data,\n"
		"    output wire       tx_valid,\n"
		"    input  wire       tx_ready,\n"
		"    input  wire [15:0] phy_errors,\n"
		"    output wire       idle",
		p->top, p->signature,
		shell ? "the DUT's ports for a DUT model clocked apart (hil_glue.h)"
		      : "the DUT with its clock enable",
		shell ? "hil_shell" : "hil_top");
	if (shell) {
		fprintf(f,
			",\n"
			"    output wire       dut_advance,\n"
			"    output wire       dut_poked,\n"
			"    input  wire [15:0] ff_add,\n"
			"    output wire       ff_ok,\n"
			"    output wire [15:0] ff_left,\n"
			"    output wire [%zu:0] watched,\n"
			"    input  wire       lane_we",
			p->n - 1);
		for (size_t i = 0; i < p->n; i++)
			fprintf(f, ",\n    %s wire [%u:0] hil_%s_%zu",
				p->port[i].is_input ? "output" : "input ",
				p->port[i].width - 1, p->port[i].is_input ? "in" : "out", i);
		for (size_t i = 0; i < p->n; i++)
			if (p->port[i].is_input)
				fprintf(f, ",\n    input  wire [%u:0] lane_%zu",
					p->port[i].width - 1, i);
	}
	fprintf(f,
		"\n);\n"
		"    wire       advance, p_we, w_set, w_on, w_clear, w_ack, snap;\n"
		"    wire [7:0] p_sel, p_wdata;\n"
		"    wire [5:0] p_byte;\n"
		"    reg  [7:0] p_rdata;\n"
		"    reg  [6:0] p_nbytes;\n"
		"    reg        p_is_in, p_valid, w_hit;\n"
		"    reg  [7:0] w_idx;\n\n"
		"    hil_bridge #(.NPORTS(%zu), .SIGNATURE(64'h%016" PRIx64 ")) u_bridge (\n"
		"        .clk(clk), .rst(rst), .rx_data(rx_data), .rx_valid(rx_valid),\n"
		"        .tx_data(tx_data), .tx_valid(tx_valid), .tx_ready(tx_ready),\n"
		"        .advance(advance), .p_sel(p_sel), .p_byte(p_byte),\n"
		"        .p_rdata(p_rdata), .p_nbytes(p_nbytes), .p_is_in(p_is_in),\n"
		"        .p_valid(p_valid), .p_wdata(p_wdata), .p_we(p_we), .w_set(w_set),\n"
		"        .w_on(w_on), .w_clear(w_clear), .w_hit(w_hit), .w_idx(w_idx),\n"
		"        .w_ack(w_ack), .snap(snap), .phy_errors(phy_errors), .idle(idle),\n"
		"        .ff_add(%s), .ff_ok(%s), .ff_left(%s));\n",
		p->n, p->signature, shell ? "ff_add" : "16'd0", shell ? "ff_ok" : "",
		shell ? "ff_left" : "");

	for (size_t i = 0; i < p->n; i++)
		write_port(f, &p->port[i], i, shell);

	fprintf(f,
		"\n    always @(*) begin\n"
		"        p_rdata = 8'd0;\n"
		"        p_nbytes = 7'd1;\n"
		"        p_is_in = 1'b0;\n"
		"        p_valid = 1'b1;\n"
		"        case (p_sel)\n");
	for (size_t i = 0; i < p->n; i++)
		fprintf(f,
			"            8'd%zu: begin p_rdata = pad_%zu%s; "
			"p_nbytes = 7'd%u; p_is_in = 1'b%d; end\n",
			i, i, p->port[i].nbytes == 1 ? "" : "[8*p_byte +: 8]",
			p->port[i].nbytes, p->port[i].is_input);
	fprintf(f,
		"            default: p_valid = 1'b0;\n"
		"        endcase\n"
		"    end\n\n"
		"    // The lowest watched port that changed and is not yet reported.\n"
		"    always @(*) begin\n"
		"        w_hit = 1'b0;\n"
		"        w_idx = 8'd0;\n");
	for (size_t i = p->n; i-- > 0;)
		fprintf(f, "        if (chg_%zu) begin w_hit = 1'b1; w_idx = 8'd%zu; end\n", i,
			i);
	fprintf(f, "    end\n\n");
	if (shell) {
		fprintf(f,
			"    assign dut_advance = advance;\n"
			"    assign dut_poked = p_we;\n"
			"    assign watched = {");
		for (size_t i = p->n; i-- > 0;)
			fprintf(f, "wen_%zu%s", i, i ? ", " : "};\n");
		for (size_t i = 0; i < p->n; i++)
			fprintf(f,
				p->port[i].is_input ? "    assign hil_in_%zu = cur_%zu;\n"
						    : "    assign cur_%zu = hil_out_%zu;\n",
				i, i);
		fprintf(f, "endmodule\n`default_nettype wire\n");
		return ferror(f) ? -1 : 0;
	}
	fprintf(f, "    %s u_dut (\n", p->top);
	if (p->clock[0])
		fprintf(f, "        .%s(clk),\n", p->clock);
	fprintf(f, "        .hil_advance(advance)");
	for (size_t i = 0; i < p->n; i++)
		fprintf(f, ",\n        .%s(cur_%zu)", p->port[i].name, i);
	fprintf(f, "\n    );\nendmodule\n`default_nettype wire\n");
	return ferror(f) ? -1 : 0;
}

static int write_ports_json(const struct hil_ports *p, const char *path)
{
	char sig[17];
	snprintf(sig, sizeof(sig), "%016" PRIx64, p->signature);
	json_t *arr = json_array();
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(
			arr,
			json_pack("{s:s, s:s, s:I, s:I}", "name", p->port[i].name, "dir",
				  p->port[i].is_input ? "in" : "out", "width",
				  (json_int_t)p->port[i].width, "index", (json_int_t)i));
	json_t *root = json_pack("{s:s, s:s, s:s, s:o}", "top", p->top, "clock", p->clock,
				 "signature", sig, "ports", arr);
	if (p->params[0])
		json_object_set_new(root, "params", json_string(p->params));
	int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return rc;
}

int hil_wrap_write(const struct hil_ports *p, const char *outdir, char *err, size_t errlen)
{
	static const char *const name[] = {"hil_top.v", "hil_shell.v", "hil_glue.h"};
	char path[4200];
	for (int k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), "%s/%s", outdir, name[k]);
		FILE *f = fopen(path, "w");
		if (!f)
			return hil_fail(err, errlen, "%s: %s", path, strerror(errno));
		int rc = k < 2 ? write_top(p, f, k) : hil_wrap_glue(p, f);
		if (fclose(f) || rc)
			return hil_fail(err, errlen, "%s: write failed", path);
	}
	snprintf(path, sizeof(path), "%s/ports.json", outdir);
	if (write_ports_json(p, path))
		return hil_fail(err, errlen, "%s: write failed", path);
	return 0;
}
