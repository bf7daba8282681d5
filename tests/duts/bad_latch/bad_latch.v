// bad_latch: must be refused. lat_q is an inferred latch: the combinational
// block does not assign it when en is low, so it holds its value while en is
// low and follows d while en is high. No clock enable can pause a latch.
// (r is a normal rising-edge flip-flop, so clk is clearly the clock.)
module bad_latch (
    input  wire clk,
    input  wire en,
    input  wire d,
    output reg  lat_q,
    output reg  r
);
    always @(*)
        if (en)
            lat_q = d;
    always @(posedge clk) r <= d;
endmodule
