// Wide ports: two 128-bit inputs, their 129-bit sum registered when `load`
// is high, and their XOR as a combinational 128-bit output.
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
