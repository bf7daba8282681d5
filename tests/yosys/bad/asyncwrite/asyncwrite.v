// A memory written without a clock (instantiated directly: Yosys turns such
// Verilog into latches before it becomes a memory).
module asyncwrite (input wire clk, input wire we, input wire [1:0] a,
                   input wire [7:0] d, output wire [7:0] q, output reg r);
    \$mem_v2 #(
        .MEMID("\\m"), .SIZE(4), .OFFSET(0), .ABITS(2), .WIDTH(8), .INIT(32'h0),
        .RD_PORTS(1), .RD_CLK_ENABLE(1'b0), .RD_CLK_POLARITY(1'b1),
        .RD_TRANSPARENCY_MASK(1'b0), .RD_COLLISION_X_MASK(1'b0),
        .RD_WIDE_CONTINUATION(1'b0), .RD_CE_OVER_SRST(1'b0),
        .RD_ARST_VALUE(8'h0), .RD_SRST_VALUE(8'h0), .RD_INIT_VALUE(8'h0),
        .WR_PORTS(1), .WR_CLK_ENABLE(1'b0), .WR_CLK_POLARITY(1'b1),
        .WR_PRIORITY_MASK(1'b0), .WR_WIDE_CONTINUATION(1'b0)
    ) u_m (
        .RD_CLK(1'b0), .RD_EN(1'b1), .RD_ARST(1'b0), .RD_SRST(1'b0),
        .RD_ADDR(a), .RD_DATA(q),
        .WR_CLK(1'b0), .WR_EN({8{we}}), .WR_ADDR(a), .WR_DATA(d)
    );
    always @(posedge clk) r <= we;
endmodule
