// Refused: no flip-flop or memory, so no clock for hil to control.
module noclock (input wire [3:0] a, input wire [3:0] b, output wire [4:0] s);
    assign s = a + b;
endmodule
