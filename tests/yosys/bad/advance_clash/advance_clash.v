// Refused: a port named hil_advance, which the pass adds itself.
module advance_clash (input wire clk, input wire hil_advance, output reg q);
    always @(posedge clk) q <= hil_advance;
endmodule
