`default_nettype none
// The board's bridge: the UART PHY on the FTDI pins, a power-on reset, and
// the generated hil_top (bridge + DUT), all on the bridge clock clk. DIV is
// bridge clocks per UART bit, chosen per board (boards/NAME/board.mk). The
// chip's top (gateware/ice40/hil_chip.v) makes clk, from a PLL where the
// board has one, and raises hold while that clock is not yet stable.
module hil_board #(
    parameter DIV = 4
) (
    input  wire clk,
    input  wire hold,
    input  wire rxd,
    output wire txd
);
    // iCE40 flip-flops start at 0 after configuration; hold the bridge in
    // reset for its first clocks so every register starts the same way.
    reg [3:0] por = 4'd0;
    wire rst = !por[3];
    always @(posedge clk)
        if (hold)
            por <= 4'd0;
        else if (rst)
            por <= por + 4'd1;

    wire [7:0] rx_data, tx_data;
    wire rx_valid, tx_valid, tx_ready;
    // (the compact bridge reads the PHY's error count 4 bits at a time)
    wire [3:0] frame_errors;

    hil_uart_rx #(.DIV(DIV), .EW(4)) u_rx (.clk(clk), .rst(rst), .rxd(rxd), .data(rx_data),
                                  .valid(rx_valid), .frame_errors(frame_errors));
    hil_uart_tx #(.DIV(DIV)) u_tx (.clk(clk), .rst(rst), .data(tx_data),
                                  .valid(tx_valid), .ready(tx_ready), .txd(txd));
    hil_top u_top (.clk(clk), .rst(rst), .rx_data(rx_data), .rx_valid(rx_valid),
                   .tx_data(tx_data), .tx_valid(tx_valid), .tx_ready(tx_ready),
                   .phy_errors({12'd0, frame_errors}), .idle());
endmodule
`default_nettype wire
