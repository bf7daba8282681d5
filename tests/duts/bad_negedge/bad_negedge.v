// bad_negedge: must be refused. One clock, clk, but the flip-flop fall_q
// takes its value on the falling edge; hil can only pause rising-edge state.
// (rise_q is a normal rising-edge flip-flop, so clk is clearly the clock.)
module bad_negedge (
    input  wire clk,
    input  wire d,
    output reg  rise_q,
    output reg  fall_q
);
    always @(posedge clk) rise_q <= d;
    always @(negedge clk) fall_q <= d;
endmodule
