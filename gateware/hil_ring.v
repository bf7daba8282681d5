`default_nettype none
// A ring buffer of bytes addressed by 16-bit stream offsets, with a reader
// that turns the block RAM's one-clock read latency into a ready/valid stream
// at one byte per clock. Both link directions use it: the receive ring is
// written speculatively while a frame arrives and read by the command engine
// up to the last committed offset; the transmit ring is written by the engine
// and re-read from the acknowledged offset when the host asks for a resend.
module hil_ring #(
    parameter LOG2 = 10
) (
    input  wire        clk,
    input  wire        we,
    // Offsets are 16 bits on the wire; the ring uses their low LOG2 bits.
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [15:0] waddr,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [7:0]  wdata,
    input  wire        start,       // restart reading at start_pos, dropping what was fetched
    input  wire [15:0] start_pos,
    input  wire [15:0] rd_end,      // read offsets up to, not including, this one
    output wire [7:0]  out_data,
    output wire        out_valid,
    input  wire        out_ready,
    output reg  [15:0] pos,         // offset of the byte at out_data
    output wire        quiet        // nothing fetched, nothing left to fetch
);
    reg [7:0] mem [0:(1 << LOG2) - 1];
    reg [7:0] rdata;
    reg [15:0] fetch;
    reg [7:0] q0, q1;
    reg [1:0] cnt;
    reg infl;

    wire pop   = out_valid && out_ready;
    wire [1:0] occ = cnt + {1'b0, infl};
    wire issue = !start && (fetch != rd_end) && (occ < 2'd2 || pop);

    assign out_valid = cnt != 2'd0;
    assign out_data  = q0;
    assign quiet = cnt == 2'd0 && !infl && fetch == rd_end;

    always @(posedge clk) begin
        if (we)
            mem[waddr[LOG2-1:0]] <= wdata;
        if (issue)
            rdata <= mem[fetch[LOG2-1:0]];
    end

    always @(posedge clk) begin
        if (start) begin
            pos <= start_pos;
            fetch <= start_pos;
            cnt <= 2'd0;
            infl <= 1'b0;
        end else begin
            if (issue)
                fetch <= fetch + 16'd1;
            infl <= issue;
            if (pop)
                pos <= pos + 16'd1;
            case ({infl, pop})
                2'b10: begin
                    if (cnt == 2'd0) q0 <= rdata; else q1 <= rdata;
                    cnt <= cnt + 2'd1;
                end
                2'b01: begin
                    q0 <= q1;
                    cnt <= cnt - 2'd1;
                end
                2'b11: begin
                    if (cnt == 2'd1) q0 <= rdata;
                    else begin q0 <= q1; q1 <= rdata; end
                end
                default: ;
            endcase
        end
    end
endmodule
`default_nettype wire
