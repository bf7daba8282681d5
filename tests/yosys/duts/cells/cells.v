// Yosys flip-flop cells instantiated directly, so every enable, reset and
// polarity case of the pass is exercised: proc alone only makes $dff, $adff,
// $dffsr and $aldff, but other flows (and opt_dff) make the rest.
// Every register starts at 0: (* init *) for Yosys, and for Icarus, which
// simulates the cells with Yosys's simlib.v/simcells.v, initial statements.
module cells (input wire clk, input wire en, input wire rst, input wire rst_n,
              input wire arst, input wire set, input wire clr_n, input wire ld,
              input wire [7:0] d,
              output wire [7:0] q_dffe_n, output wire [7:0] q_sdff,
              output wire [7:0] q_sdffe, output wire [7:0] q_sdffe_n,
              output wire [7:0] q_sdffce, output wire [7:0] q_adffe,
              output wire [7:0] q_dffsre, output wire [7:0] q_aldffe,
              output wire [7:0] f);
    (* init = 8'h00 *) wire [7:0] dffe_n, sdff, sdffe, sdffe_n, sdffce, adffe, dffsre, aldffe, fq;
    (* init = 8'h00 *) reg [7:0] hold = 0;
    assign {q_dffe_n, q_sdff, q_sdffe, q_sdffe_n, q_sdffce, q_adffe, q_dffsre, q_aldffe, f} =
           {dffe_n, sdff, sdffe, sdffe_n, sdffce, adffe, dffsre, aldffe, fq};

    // Load data that holds still while ld is high (see areset.v).
    always @(posedge clk) if (!ld) hold <= hold + d;

    \$dffe #(.WIDTH(8), .CLK_POLARITY(1'b1), .EN_POLARITY(1'b0)) u_dffe_n (
        .CLK(clk), .EN(en), .D(dffe_n + d), .Q(dffe_n));
    \$sdff #(.WIDTH(8), .CLK_POLARITY(1'b1), .SRST_POLARITY(1'b1), .SRST_VALUE(8'h81)) u_sdff (
        .CLK(clk), .SRST(rst), .D(sdff + d), .Q(sdff));
    // Reset beats enable, active-low reset.
    \$sdffe #(.WIDTH(8), .CLK_POLARITY(1'b1), .SRST_POLARITY(1'b0), .SRST_VALUE(8'h42), .EN_POLARITY(1'b1)) u_sdffe (
        .CLK(clk), .SRST(rst_n), .EN(en), .D(sdffe + d), .Q(sdffe));
    // Reset beats enable, active-low enable.
    \$sdffe #(.WIDTH(8), .CLK_POLARITY(1'b1), .SRST_POLARITY(1'b1), .SRST_VALUE(8'h24), .EN_POLARITY(1'b0)) u_sdffe_n (
        .CLK(clk), .SRST(rst), .EN(en), .D(sdffe_n ^ d), .Q(sdffe_n));
    // Enable gates reset.
    \$sdffce #(.WIDTH(8), .CLK_POLARITY(1'b1), .SRST_POLARITY(1'b1), .SRST_VALUE(8'h18), .EN_POLARITY(1'b1)) u_sdffce (
        .CLK(clk), .SRST(rst), .EN(en), .D(sdffce + d), .Q(sdffce));
    \$adffe #(.WIDTH(8), .CLK_POLARITY(1'b1), .ARST_POLARITY(1'b1), .ARST_VALUE(8'h99), .EN_POLARITY(1'b1)) u_adffe (
        .CLK(clk), .ARST(arst), .EN(en), .D(adffe + d), .Q(adffe));
    \$dffsre #(.WIDTH(8), .CLK_POLARITY(1'b1), .SET_POLARITY(1'b1), .CLR_POLARITY(1'b0), .EN_POLARITY(1'b0)) u_dffsre (
        .CLK(clk), .SET({4'h0, {4{set}}}), .CLR({{4{clr_n}}, 4'hf}), .EN(en),
        .D(dffsre ^ d), .Q(dffsre));
    \$aldffe #(.WIDTH(8), .CLK_POLARITY(1'b1), .ALOAD_POLARITY(1'b1), .EN_POLARITY(1'b1)) u_aldffe (
        .CLK(clk), .ALOAD(ld), .AD(hold), .EN(en), .D(aldffe + d), .Q(aldffe));

    // Fine-grained cells, one bit each.
    \$_DFF_P_ u_f0 (.C(clk), .D(fq[0] ^ d[0]), .Q(fq[0]));
    \$_DFFE_PN_ u_f1 (.C(clk), .E(en), .D(fq[1] ^ d[1]), .Q(fq[1]));
    \$_SDFF_PP1_ u_f2 (.C(clk), .R(rst), .D(fq[2] ^ d[2]), .Q(fq[2]));
    \$_SDFFE_PN1N_ u_f3 (.C(clk), .R(rst_n), .E(en), .D(fq[3] ^ d[3]), .Q(fq[3]));
    \$_SDFFCE_PP0N_ u_f4 (.C(clk), .R(rst), .E(en), .D(fq[4] ^ d[4]), .Q(fq[4]));
    \$_DFF_PP1_ u_f5 (.C(clk), .R(arst), .D(fq[5] ^ d[5]), .Q(fq[5]));
    \$_DFFSRE_PNNP_ u_f6 (.C(clk), .S(clr_n), .R(rst_n), .E(en), .D(fq[6] ^ d[6]), .Q(fq[6]));
    \$_ALDFFE_PPP_ u_f7 (.C(clk), .L(ld), .AD(hold[7]), .E(en), .D(fq[7] ^ d[7]), .Q(fq[7]));

`ifndef SYNTHESIS
    initial begin
        u_dffe_n.Q = 0; u_sdff.Q = 0; u_sdffe.Q = 0; u_sdffe_n.Q = 0;
        u_sdffce.Q = 0; u_adffe.Q = 0; u_dffsre.Q = 0; u_aldffe.Q = 0;
        u_f0.Q = 0; u_f1.Q = 0; u_f2.Q = 0; u_f3.Q = 0;
        u_f4.Q = 0; u_f5.Q = 0; u_f6.Q = 0; u_f7.Q = 0;
    end
`endif
endmodule
