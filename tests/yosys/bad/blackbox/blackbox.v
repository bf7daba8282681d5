// Refused: a blackbox instance, whose state the pass could not gate.
(* blackbox *)
module vendor_ram (input wire clk, input wire d, output wire q);
endmodule

module blackbox (input wire clk, input wire d, output wire q, output reg r);
    vendor_ram u_ram (.clk(clk), .d(d), .q(q));
    always @(posedge clk) r <= d;
endmodule
