`default_nettype none
// The top of a bitstream: the board's oscillator, the FTDI UART pins, and
// hil_board on the bridge clock. With PLL = 1 the bridge clock comes from the
// iCE40's PLL (SB_PLL40_CORE, simple feedback: osc * (DIVF + 1) / (DIVR + 1)
// / 2^DIVQ), and the bridge is held in reset until the PLL reports lock, so
// no register sees the clock while it settles. Synthesis only: simulations
// run hil_board on the bridge clock directly.
module hil_chip #(
    parameter DIV = 4,
    parameter PLL = 0,
    parameter [3:0] DIVR = 4'd0,
    parameter [6:0] DIVF = 7'd0,
    parameter [2:0] DIVQ = 3'd0,
    parameter [2:0] FILTER_RANGE = 3'd0
) (
    input  wire clk,
    input  wire rxd,
    output wire txd
);
    wire bclk, lock;
    generate
        if (PLL) begin : g_pll
            SB_PLL40_CORE #(
                .FEEDBACK_PATH("SIMPLE"),
                .DIVR(DIVR),
                .DIVF(DIVF),
                .DIVQ(DIVQ),
                .FILTER_RANGE(FILTER_RANGE)
            ) u_pll (
                .REFERENCECLK(clk),
                .PLLOUTGLOBAL(bclk),
                .LOCK(lock),
                .RESETB(1'b1),
                .BYPASS(1'b0)
            );
        end else begin : g_osc
            assign bclk = clk;
            assign lock = 1'b1;
        end
    endgenerate

    hil_board #(.DIV(DIV)) u_board (.clk(bclk), .hold(!lock), .rxd(rxd), .txd(txd));
endmodule
`default_nettype wire
