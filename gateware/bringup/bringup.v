// The DUT of hil doctor's bring-up bitstream: what it is poked comes back
// on the next cycle, so the doctor checks every byte both ways through
// the bridge and times the link with nothing else in the way.
`default_nettype none
module bringup (
    input  wire        clk,
    input  wire [31:0] din,
    output reg  [31:0] dout
);
    initial dout = 32'd0;

    always @(posedge clk)
        dout <= din;
endmodule
`default_nettype wire
