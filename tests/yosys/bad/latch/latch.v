// Refused: an inferred latch (q keeps its value while en is low).
module latch (input wire clk, input wire en, input wire d, output reg q,
              output reg r);
    always @(*) if (en) q = d;
    always @(posedge clk) r <= d;
endmodule
