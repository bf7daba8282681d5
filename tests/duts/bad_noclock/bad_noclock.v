// bad_noclock: must be refused. Purely combinational, not one flip-flop or
// memory, so there is no clock for hil to control.
module bad_noclock (
    input  wire [3:0] a,
    input  wire [3:0] b,
    output wire [4:0] s
);
    assign s = a + b;
endmodule
