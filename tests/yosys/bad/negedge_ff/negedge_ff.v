// Refused: a flip-flop on the falling edge.
module negedge_ff (input wire clk, input wire d, output reg q, output reg n);
    always @(posedge clk) q <= d;
    always @(negedge clk) n <= d;
endmodule
