// Refused: two clocks.
module twoclocks (input wire clk_a, input wire clk_b, input wire d,
                  output reg qa, output reg qb);
    always @(posedge clk_a) qa <= d;
    always @(posedge clk_b) qb <= d;
endmodule
