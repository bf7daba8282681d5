// Refused: a flip-flop on the falling edge.
module bad_negedge (input wire clk, input wire d, output reg q);
    always @(negedge clk) q <= d;
endmodule
