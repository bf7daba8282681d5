// mem: a 256 x 16-bit RAM with one write port and one synchronous read port,
// written the way Yosys infers a memory ($mem_v2): the array is only written
// and read inside one clocked block. rdata is registered: it shows the word at
// raddr one cycle after raddr is applied. When one edge both writes and reads
// an address, rdata gets the old word (read before write).
module mem (
    input  wire        clk,
    input  wire        we,
    input  wire [7:0]  waddr,
    input  wire [15:0] wdata,
    input  wire [7:0]  raddr,
    output reg  [15:0] rdata
);
    reg [15:0] ram [0:255];

    always @(posedge clk) begin
        if (we)
            ram[waddr] <= wdata;
        rdata <= ram[raddr];
    end
endmodule
