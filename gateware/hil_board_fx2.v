`default_nettype none
// The bridge of a board whose host link is an FX2 (Glasgow): the slave-FIFO
// PHY on the FX2's pins, a power-on reset, and the generated hil_top
// (bridge + DUT), all on IFCLK, the 48 MHz clock the FX2 drives. FD comes
// as separate in, out and enable, so that this module simulates as it is;
// the chip's top (gateware/ice40/hil_chip_fx2.v) puts the tristate pins
// around it.
module hil_board_fx2 (
    input  wire       clk,
    input  wire [7:0] fd_i,
    output wire [7:0] fd_o,
    output wire       fd_oe,
    input  wire       flaga_n,
    input  wire       flagc_n,
    output wire       sloe_n,
    output wire       slrd_n,
    output wire       slwr_n,
    output wire       pktend_n,
    output wire [1:0] fifoadr
);
    // iCE40 flip-flops start at 0 after configuration; hold the bridge in
    // reset for its first clocks so every register starts the same way.
    reg [3:0] por = 4'd0;
    wire rst = !por[3];
    always @(posedge clk)
        if (rst)
            por <= por + 4'd1;

    wire [7:0] rx_data, tx_data;
    wire rx_valid, tx_valid, tx_ready;

    hil_fx2_fifo u_phy (
        .clk(clk), .rst(rst), .fd_i(fd_i), .fd_o(fd_o), .fd_oe(fd_oe),
        .flaga_n(flaga_n), .flagc_n(flagc_n), .sloe_n(sloe_n), .slrd_n(slrd_n),
        .slwr_n(slwr_n), .pktend_n(pktend_n), .fifoadr(fifoadr),
        .rx_data(rx_data), .rx_valid(rx_valid), .tx_data(tx_data),
        .tx_valid(tx_valid), .tx_ready(tx_ready));
    hil_top u_top (.clk(clk), .rst(rst), .rx_data(rx_data), .rx_valid(rx_valid),
                   .tx_data(tx_data), .tx_valid(tx_valid), .tx_ready(tx_ready),
                   .phy_errors(16'd0), .idle());
endmodule
`default_nettype wire
