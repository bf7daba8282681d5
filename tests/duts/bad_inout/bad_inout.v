// bad_inout: must be refused. An inout port, `pad` (a tristate pin); hil
// bridges inputs and outputs only. Otherwise a good single-clock DUT.
module bad_inout (
    input  wire clk,
    input  wire oe,
    input  wire d,
    inout  wire pad,
    output reg  q
);
    assign pad = oe ? d : 1'bz;
    always @(posedge clk) q <= pad;
endmodule
