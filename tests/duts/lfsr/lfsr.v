// lfsr: a test DUT that is not among the examples. A 16-bit Fibonacci LFSR,
// x^16 + x^14 + x^13 + x^11 + 1 (maximal length: period 65535), shifting
// left with the feedback into bit 0. `load` high at an edge loads `seed`
// (load wins over step_en); `step_en` high at an edge shifts once.
// bit_out is the bit shifted out next, state[15]. The all-zero state is
// stuck, as in every XOR LFSR, so load a non-zero seed first.
// Its clock is called `ck`, not `clk`: hil finds the clock by what it
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
