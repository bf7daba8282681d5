// A RAM inside a submodule that flatten pulls in. rd_first is a read-first
// synchronous read: memory -nomap folds its register into the read port.
// rd_new reads through a registered address, which stays a flip-flop in front
// of an asynchronous read (memory_dff does not fold an address register that
// has an initial value).
module mem_sync (input wire clk, input wire we, input wire [3:0] wa,
                 input wire [7:0] wd, input wire [3:0] ra,
                 output wire [7:0] rd_first, output wire [7:0] rd_new);
    mem_sync_ram u_ram (.clk(clk), .we(we), .wa(wa), .wd(wd), .ra(ra),
                        .rd_first(rd_first), .rd_new(rd_new));
endmodule

module mem_sync_ram (input wire clk, input wire we, input wire [3:0] wa,
                     input wire [7:0] wd, input wire [3:0] ra,
                     output reg [7:0] rd_first = 0, output wire [7:0] rd_new);
    reg [7:0] mem [0:15];
    reg [3:0] ra_q = 0;
    integer i;
    initial for (i = 0; i < 16; i = i + 1) mem[i] = i * 8'h11;
    always @(posedge clk) begin
        if (we) mem[wa] <= wd;
        rd_first <= mem[ra];
        ra_q <= ra;
    end
    assign rd_new = mem[ra_q];
endmodule
