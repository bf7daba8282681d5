// A $mem_v2 instantiated directly, for the read-port features that memory
// -nomap only makes from flip-flops opt_dff has already shaped: read enables,
// synchronous resets with either priority, an asynchronous reset, a
// transparent port and a per-bit write enable. Port 4 reads asynchronously.
module mem_cells (input wire clk, input wire we, input wire we_hi,
                  input wire [3:0] wa, input wire [7:0] wd, input wire [3:0] ra,
                  input wire re, input wire rst, input wire arst,
                  output wire [7:0] p0, output wire [7:0] p1, output wire [7:0] p2,
                  output wire [7:0] p3, output wire [7:0] p4);
    \$mem_v2 #(
        .MEMID("\\mem"), .SIZE(16), .OFFSET(0), .ABITS(4), .WIDTH(8),
        .INIT(128'h0f1e2d3c4b5a69788796a5b4c3d2e1f0),
        .RD_PORTS(5),
        .RD_CLK_ENABLE(5'b01111), .RD_CLK_POLARITY(5'b11111),
        .RD_TRANSPARENCY_MASK(5'b01000), .RD_COLLISION_X_MASK(5'b00000),
        .RD_WIDE_CONTINUATION(5'b00000),
        // port 1: the enable gates the reset; ports 0 and 2: the reset wins.
        .RD_CE_OVER_SRST(5'b00010),
        .RD_ARST_VALUE({8'h00, 8'hf0, 8'h00, 8'h00, 8'h00}),
        .RD_SRST_VALUE({8'h00, 8'h00, 8'h0f, 8'h5a, 8'ha5}),
        .RD_INIT_VALUE(40'h0),
        .WR_PORTS(1), .WR_CLK_ENABLE(1'b1), .WR_CLK_POLARITY(1'b1),
        .WR_PRIORITY_MASK(1'b0), .WR_WIDE_CONTINUATION(1'b0)
    ) u_mem (
        .RD_CLK({5{clk}}),
        // port 2 and 3 have no enable
        .RD_EN({1'b1, 1'b1, 1'b1, re, re}),
        .RD_ARST({1'b0, arst, 3'b000}),
        .RD_SRST({2'b00, rst, rst, rst}),
        // port 3 reads where port 0 writes, so it is transparent often
        .RD_ADDR({ra, wa, ra, ra, ra}),
        .RD_DATA({p4, p3, p2, p1, p0}),
        .WR_CLK(clk), .WR_EN({{4{we_hi}}, {4{we}}}), .WR_ADDR(wa), .WR_DATA(wd)
    );
endmodule
