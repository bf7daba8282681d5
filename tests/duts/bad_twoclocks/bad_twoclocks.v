// bad_twoclocks: must be refused. Two clock inputs, clk_a and clk_b, each
// clocking a register; hil bridges single-clock DUTs only.
module bad_twoclocks (
    input  wire clk_a,
    input  wire clk_b,
    input  wire d,
    output reg  qa,
    output reg  qb
);
    always @(posedge clk_a) qa <= d;
    always @(posedge clk_b) qb <= d;
endmodule
