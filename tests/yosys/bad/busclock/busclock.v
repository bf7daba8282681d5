// Refused: a clock taken from one bit of a bus input.
module busclock (input wire [2:1] clks, input wire d, output reg q);
    always @(posedge clks[2]) q <= d;
endmodule
