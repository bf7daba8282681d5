`default_nettype none
// The FX2 PHY: the bridge's byte streams over the FX2's synchronous slave
// FIFO, 8 bits wide, on IFCLK (clk). EP2 OUT (FIFOADR 00) brings the host's
// bytes, EP6 IN (FIFOADR 10) takes the bridge's. Flags and strobes are
// active low on the pins, as hil's firmware leaves them: flaga_n low = EP2
// empty, flagc_n low = EP6 full, and EP6's full flag asserts with one byte
// of room left (INFM1), which is what lets this side write every clock.
//
// Every pin is registered both ways, so a flag this side acts on is two
// edges old. Hence:
//   - a byte read counts only if EP2 was not empty at the edge that popped
//     it: data and empty flag are sampled together, and a strobe on an
//     empty FIFO is ignored by the FX2;
//   - a write may go out only if, counting the writes the flag does not
//     show yet, it still fits in the two bytes a clear INFM1 flag
//     promises: at most two writes in any three clocks;
//   - FIFOADR settles two clocks before any strobe uses it (25 ns at
//     48 MHz) and holds for a clock after (10 ns); SLOE stays on for the
//     clock after the last read, since the FX2 lets go of FD when SLOE
//     rises, and neither side drives FD while the other may.
// When the bridge has nothing more to send, PKTEND commits a partial IN
// packet at once, so a short reply reaches the host without waiting for
// 512 bytes. The bus turns around towards whichever side waits, and after
// BURST bytes one way it lets the other side have a turn.
module hil_fx2_fifo #(
    parameter BURST = 64
) (
    input  wire       clk,
    input  wire       rst,
    // the FX2's pins
    input  wire [7:0] fd_i,
    output reg  [7:0] fd_o,
    output reg        fd_oe,
    input  wire       flaga_n,
    input  wire       flagc_n,
    output wire       sloe_n,
    output wire       slrd_n,
    output wire       slwr_n,
    output wire       pktend_n,
    output reg  [1:0] fifoadr,
    // the bridge's side
    output reg  [7:0] rx_data,
    output reg        rx_valid,
    input  wire [7:0] tx_data,
    input  wire       tx_valid,
    output wire       tx_ready
);
    localparam READ = 4'd0, TO_WRITE = 4'd1, TO_WRITE2 = 4'd2, TO_WRITE3 = 4'd3,
               WRITE = 4'd4, FLUSH = 4'd5, TO_READ = 4'd6, TO_READ2 = 4'd7,
               TO_READ3 = 4'd8;

    // The strobes are held active high and inverted on the way out: iCE40
    // flip-flops start at 0 after configuration, and so the FX2 sees none
    // of them asserted in the clocks before reset takes hold.
    reg oe, rd, wr, pe;
    assign sloe_n = !oe;
    assign slrd_n = !rd;
    assign slwr_n = !wr;
    assign pktend_n = !pe;

    reg [7:0] fd_q;
    reg       empty_q, full_q, popped, wr_prev;
    reg [3:0] state;
    reg [6:0] burst;
    reg       dirty;  // bytes written since the last commit

    wire room = !full_q;
    wire wr_now = wr;                          // the write the FX2 takes at this edge
    wire settled = !wr_now && !wr_prev;        // full_q shows every write
    wire others = burst == 0 && !empty_q;      // the host waits: its turn
    assign tx_ready = state == WRITE && tx_valid && room && !(wr_now && wr_prev) && !others;

    always @(posedge clk) begin
        fd_q <= fd_i;
        empty_q <= !flaga_n;
        full_q <= !flagc_n;
        // The strobe that was on the pins until this edge popped fd_q's byte.
        popped <= rd;
        wr_prev <= wr_now;
        rx_valid <= popped && !empty_q;
        rx_data <= fd_q;
    end

    always @(posedge clk) begin
        if (rst) begin
            state <= READ;
            fd_oe <= 1'b0;
            fd_o <= 8'd0;
            oe <= 1'b0;
            rd <= 1'b0;
            wr <= 1'b0;
            pe <= 1'b0;
            fifoadr <= 2'b00;
            burst <= BURST[6:0];
            dirty <= 1'b0;
        end else begin
            wr <= 1'b0;
            pe <= 1'b0;
            case (state)
            READ: begin
                oe <= 1'b1;
                if ((tx_valid || dirty) && (empty_q || burst == 0)) begin
                    rd <= 1'b0;
                    state <= TO_WRITE;
                end else begin
                    rd <= !empty_q;
                    if (!empty_q && rd && burst != 0)
                        burst <= burst - 7'd1;
                end
            end
            // the last read lands while SLOE and FIFOADR still hold
            TO_WRITE: begin
                oe <= 1'b0;
                fifoadr <= 2'b10;
                state <= TO_WRITE2;
            end
            TO_WRITE2: begin
                fd_oe <= 1'b1;
                state <= TO_WRITE3;
            end
            TO_WRITE3: begin
                burst <= BURST[6:0];
                state <= WRITE;
            end
            WRITE: begin
                if (tx_ready) begin
                    fd_o <= tx_data;
                    wr <= 1'b1;
                    dirty <= 1'b1;
                    if (burst != 0)
                        burst <= burst - 7'd1;
                end else if (!tx_valid || others) begin
                    state <= dirty ? FLUSH : TO_READ;
                end
            end
            // PKTEND needs a free buffer: it waits until the full flag
            // shows the last write, with FIFOADR unchanged.
            FLUSH: begin
                if (settled && room) begin
                    pe <= 1'b1;
                    dirty <= 1'b0;
                    state <= TO_READ;
                end else if (tx_valid && !others) begin
                    state <= WRITE;
                end else if (settled && !empty_q) begin
                    state <= TO_READ;  // no room to commit: the host's bytes first
                end
            end
            // FIFOADR holds through the edge after the last SLWR or PKTEND
            TO_READ: begin
                fd_oe <= 1'b0;
                state <= TO_READ2;
            end
            TO_READ2: begin
                fifoadr <= 2'b00;
                state <= TO_READ3;
            end
            TO_READ3: begin
                oe <= 1'b1;
                burst <= BURST[6:0];
                state <= READ;
            end
            default: state <= READ;
            endcase
        end
    end
endmodule
`default_nettype wire
