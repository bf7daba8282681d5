`default_nettype none
// The top of a bitstream for an FX2 board: IFCLK from the FX2 as the only
// clock (a global buffer pin), the FD bus as iCE40 tristate pins, and
// hil_board_fx2 behind them. Synthesis only: simulations run
// hil_board_fx2 with FD split into in, out and enable.
module hil_chip_fx2 (
    input  wire       ifclk,
    inout  wire [7:0] fd,
    input  wire       flaga_n,
    input  wire       flagc_n,
    output wire       sloe_n,
    output wire       slrd_n,
    output wire       slwr_n,
    output wire       pktend_n,
    output wire [1:0] fifoadr
);
    wire [7:0] fd_i, fd_o;
    wire fd_oe;

    // Output with an (unregistered) output enable, plain input: the PHY
    // registers both already.
    SB_IO #(.PIN_TYPE(6'b1010_01)) u_fd [7:0] (
        .PACKAGE_PIN(fd),
        .OUTPUT_ENABLE(fd_oe),
        .D_OUT_0(fd_o),
        .D_IN_0(fd_i)
    );

    hil_board_fx2 u_board (
        .clk(ifclk), .fd_i(fd_i), .fd_o(fd_o), .fd_oe(fd_oe),
        .flaga_n(flaga_n), .flagc_n(flagc_n), .sloe_n(sloe_n), .slrd_n(slrd_n),
        .slwr_n(slwr_n), .pktend_n(pktend_n), .fifoadr(fifoadr));
endmodule
`default_nettype wire
