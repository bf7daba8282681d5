// Refused: an inout port.
module inout_port (input wire clk, input wire oe, input wire d, inout wire pad,
              output reg q);
    assign pad = oe ? d : 1'bz;
    always @(posedge clk) q <= pad;
endmodule
