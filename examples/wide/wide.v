// wide: ports wider than 64 bits. Two 128-bit inputs; sum is a 129-bit
// register that takes x + y (with the carry out in bit 128) at an edge where
// load is high and holds otherwise; xor_out is their combinational XOR.
module wide (
    input  wire         clk,
    input  wire [127:0] x,
    input  wire [127:0] y,
    input  wire         load,
    output reg  [128:0] sum,
    output wire [127:0] xor_out
);
    assign xor_out = x ^ y;

    always @(posedge clk)
        if (load)
            sum <= {1'b0, x} + {1'b0, y};
endmodule
