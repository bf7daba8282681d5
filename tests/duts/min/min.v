// The smallest DUT hil accepts: one clock, one 1-bit input, one 1-bit
// registered output. `make resources` builds the bridge and the UART PHY
// around it, so what it reports is the bridge's own cost (plus this one
// flip-flop).
module min (
    input  wire clk,
    input  wire d,
    output reg  q
);
    always @(posedge clk)
        q <= d;
endmodule
