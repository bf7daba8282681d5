// Asynchronous reset (both polarities), set/clear and load. The load data m
// holds still while ld is high: the Verilog models of an asynchronous load
// only sample their data on edges, so data that moved under a held load would
// make the two simulations differ where the chip would not.
module areset (input wire clk, input wire arst, input wire arst_n, input wire set,
               input wire clr, input wire ld, input wire [7:0] d,
               output reg [7:0] a = 0, output reg [7:0] b = 0,
               output reg s = 0, output reg [7:0] l = 0, output reg [7:0] m = 0);
    always @(posedge clk or posedge arst)
        if (arst) a <= 8'h3c; else a <= a + d;
    always @(posedge clk or negedge arst_n)
        if (!arst_n) b <= 8'hc3; else b <= b ^ d;
    always @(posedge clk or posedge set or posedge clr)
        if (clr) s <= 0; else if (set) s <= 1; else s <= s ^ d[0];
    always @(posedge clk) if (!ld) m <= m + d;
    always @(posedge clk or posedge ld)
        if (ld) l <= ~m; else l <= l + d;
endmodule
