// Refused: a clock divided by logic inside the DUT.
module derived (input wire clk, input wire d, output reg q = 0, output reg div = 0);
    always @(posedge clk) div <= ~div;
    always @(posedge div) q <= d;
endmodule
