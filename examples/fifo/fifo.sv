// A first-word-fall-through FIFO in SystemVerilog. WIDTH sets the width
// of din and dout, DEPTH the number of entries (a power of two) and with
// it the width of count: `--param WIDTH=16 --param DEPTH=4` builds another
// DUT with other ports, whose signature says so.
module fifo #(
    parameter int WIDTH = 8,
    parameter int DEPTH = 16
) (
    input  logic                   clk,
    input  logic                   rst,
    input  logic                   push,
    input  logic [WIDTH-1:0]       din,
    input  logic                   pop,
    output logic [WIDTH-1:0]       dout,
    output logic                   empty,
    output logic                   full,
    output logic [$clog2(DEPTH):0] count
);
    localparam int AW = $clog2(DEPTH);

    logic [WIDTH-1:0] mem[DEPTH];
    logic [AW-1:0] rd, wr;
    logic do_push, do_pop;

    // full and empty first: always_comb does not wake for a variable it
    // writes itself, so do_push must not read a full still to be computed.
    always_comb begin
        empty = count == 0;
        full = count == DEPTH;
        do_push = push && !full;
        do_pop = pop && !empty;
        dout = mem[rd];
    end

    always_ff @(posedge clk) begin
        if (rst) begin
            rd <= '0;
            wr <= '0;
            count <= '0;
        end else begin
            if (do_push) begin
                mem[wr] <= din;
                wr <= wr + 1'b1;
            end
            if (do_pop) rd <= rd + 1'b1;
            count <= count + do_push - do_pop;
        end
    end
endmodule
