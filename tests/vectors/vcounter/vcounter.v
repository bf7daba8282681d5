// The DUT behind tests/vectors/bridge.vec: an 8-bit counter with synchronous
// reset and enable. Kept apart from examples/ so the vectors never change
// when an example does.
module vcounter (
    input  wire       clk,
    input  wire       rst,
    input  wire       en,
    output reg  [7:0] count,
    output wire       wrap
);
    assign wrap = en && count == 8'hFF;
    always @(posedge clk)
        if (rst) count <= 8'd0;
        else if (en) count <= count + 8'd1;
endmodule
