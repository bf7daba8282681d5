// A DUT that is not among the examples: a 16-bit Fibonacci LFSR (taps 16,
// 14, 13, 11: x^16 + x^14 + x^13 + x^11 + 1, maximal length) with a seed
// load. Its clock is called `ck`, to show hil finds the clock by what it
// drives, not by its name.
module lfsr (
    input  wire        ck,
    input  wire        load,
    input  wire [15:0] seed,
    input  wire        step_en,
    output reg  [15:0] state,
    output wire        bit_out
);
    wire fb = state[15] ^ state[13] ^ state[12] ^ state[10];
    assign bit_out = state[15];

    always @(posedge ck)
        if (load)
            state <= seed;
        else if (step_en)
            state <= {state[14:0], fb};
endmodule
