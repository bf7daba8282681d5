`default_nettype none
// Link layer, transmit side (docs/protocol.md, section 2). Owns the transmit
// ring's pointers: the engine appends reports at tx_wr, bytes stay until the
// host acknowledges them, and frames are cut from whatever lies between the
// send position and the host's limit. There is no timer here: the host asks
// for a resend with NAK and we go back to its ack (go-back-N), between frames
// so a frame on the wire is never cut short.
//
// Offsets are 16 bits on the wire, but the distances between those that
// lie within one ring (written, acknowledged, sent; received, read) are at
// most the ring's size, so they are computed in LOG2 + 1 bits. The host's
// ack and limit are checked in all 16: they come from outside.
module hil_link_tx #(
    parameter TXLOG = 10,
    parameter RXLOG = 10,
    parameter MAXPAY = 256
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        sync,
    input  wire [15:0] sync_nonce,
    // from hil_link_rx, valid with peer_valid (and sync)
    input  wire        peer_valid,
    input  wire [15:0] peer_ack,
    input  wire [15:0] peer_limit,
    input  wire        peer_nak,
    input  wire        dropped,
    input  wire        dup,
    input  wire [15:0] rx_exp,
    input  wire [15:0] rx_rd_pos,
    input  wire        rx_pop,      // the engine took a byte: rx_rd_pos moves
    // the engine's reports, appended to the transmit ring
    input  wire        m_valid,
    output wire        m_ready,
    output wire        ring_we,
    output wire [15:0] ring_waddr,
    // the transmit ring's reader
    output reg         rd_start,
    output wire [15:0] rd_start_pos,
    output wire [15:0] rd_end,
    input  wire [7:0]  rd_data,
    input  wire        rd_valid,
    output wire        rd_ready,
    input  wire [15:0] rd_pos,
    // to hil_frame_tx
    output reg  [7:0]  s_data,
    output reg         s_valid,
    output reg         s_last,
    input  wire        s_ready,
    input  wire        ftx_busy,
    output wire        idle
);
    localparam TW = TXLOG + 1, RW = RXLOG + 1;
    localparam [15:0] RXSIZE = 16'd1 << RXLOG;
    localparam [RW-1:0] RXQUARTER = 1 << (RXLOG - 2);
    localparam LW = $clog2(MAXPAY + 1);
    localparam [15:0] MP = MAXPAY;
    localparam [LW-1:0] MAXPAY_L = MP[LW-1:0];
    localparam [TW-1:0] MAXPAY_T = MP[TW-1:0];   // a payload fits in the ring
    localparam S_IDLE = 2'd0, S_HDR = 2'd1, S_PAY = 2'd2;

    reg [15:0] tx_wr, tx_acked, sent_hi, plimit;
    reg [15:0] last_ack, last_limit;
    reg        sync_pend, rewind_pend, nak_req, ack_req;
    // The SYNC's nonce, kept: the host may send its first data right behind.
    reg [15:0] nonce;

    reg [1:0]    st;
    reg [2:0]    hi;
    reg [LW-1:0] left;      // payload bytes still to send in this frame
    // The header being sent is read from where its fields live: flags here,
    // ack and limit in last_ack/last_limit (taken when the frame started),
    // seq in rd_pos (still while the header goes out) or the SYNC nonce.
    reg          is_data, is_nak, is_sync_ack;
    reg [7:0]    hdr_byte;
    wire [15:0]  seq = is_sync_ack ? nonce : rd_pos;
    always @(*)
        case (hi)
            3'd0: hdr_byte = {4'd0, is_sync_ack, 1'b0, is_nak, is_data};
            3'd1: hdr_byte = last_ack[7:0];
            3'd2: hdr_byte = last_ack[15:8];
            3'd3: hdr_byte = seq[7:0];
            3'd4: hdr_byte = seq[15:8];
            3'd5: hdr_byte = last_limit[7:0];
            default: hdr_byte = last_limit[15:8];
        endcase

    wire [TW-1:0] used = tx_wr[TW-1:0] - tx_acked[TW-1:0];
    assign m_ready    = !used[TXLOG];
    assign ring_we    = m_valid && m_ready;
    assign ring_waddr = tx_wr;
    // A rewind restarts the reader a clock after it is asked for, at the
    // oldest unacknowledged byte by then.
    assign rd_start_pos = tx_acked;

    // The frontier: written bytes, but none at or past the host's limit.
    // The reader sees it a clock late (rd_end is a register), and whether
    // a frame is due (want_q, need_q) a clock later still, which keeps
    // their chains of subtractions apart; the frontier only moves forward,
    // so a late one is merely cautious. moved, moved_d: something they
    // depend on changed at one of the last two edges, so they have yet to
    // catch up; no frame starts, and the bridge is not idle, until they
    // have (registers, not compares: idle is read every clock by the
    // simulators, and a compare there costs them a third of their speed).
    wire [15:0] lim_room = plimit - tx_acked;
    wire [15:0] frontier = ({{(16-TW){1'b0}}, used} <= lim_room) ? tx_wr : plimit;
    reg  [15:0] rd_end_q;
    reg         moved, moved_d, want_q, need_q;
    wire        settled = !moved && !moved_d;
    assign rd_end = rd_end_q;
    wire [TW-1:0] avail = rd_end[TW-1:0] - rd_pos[TW-1:0];
    wire [15:0] my_limit = rx_rd_pos + RXSIZE;
    wire [RW-1:0] lim_gain = my_limit[RW-1:0] - last_limit[RW-1:0];
    wire need_ack = rx_exp[RW-1:0] != last_ack[RW-1:0] || ack_req ||
                    (lim_gain != 0 && (lim_gain >= RXQUARTER ||
                                       rx_rd_pos[RW-1:0] == rx_exp[RW-1:0]));
    // While the engine is still writing a report, wait for a full payload
    // rather than cutting a frame per byte as the bytes trickle in.
    wire want_data = !rewind_pend && avail != 0 && (!m_valid || avail >= MAXPAY_T);

    assign rd_ready = (st == S_PAY) && s_ready;
    assign idle = st == S_IDLE && !ftx_busy && !sync_pend && !rewind_pend &&
                  !want_q && !need_q && !nak_req && settled;

    // The host's ack is taken a clock after it came, once checked to lie
    // between the oldest byte not yet acknowledged and the newest sent
    // (held meanwhile: the next frame's header may overwrite peer_ack).
    reg         ack_check;
    reg  [15:0] ack_cand, ack_ahead, sent_ahead;

    always @(*) begin
        s_valid = 1'b0;
        s_last  = 1'b0;
        s_data  = hdr_byte;
        if (st == S_HDR) begin
            s_valid = 1'b1;
            s_last  = (hi == 3'd6) && left == 0;
        end else if (st == S_PAY) begin
            s_valid = rd_valid;
            s_data  = rd_data;
            s_last  = left == 1;
        end
    end

    always @(posedge clk) begin
        rd_end_q <= (rst || sync) ? 16'd0 : frontier;
        moved <= rst || sync || ring_we || peer_valid || ack_check || rx_pop ||
                 dropped || dup || st != S_IDLE ||
                 rd_start;
        moved_d <= moved;
        want_q <= want_data;
        need_q <= need_ack;
    end

    always @(posedge clk) begin
        rd_start <= 1'b0;
        ack_check <= peer_valid && !rst && !sync;
        ack_cand <= peer_ack;
        ack_ahead <= peer_ack - tx_acked;
        sent_ahead <= sent_hi - tx_acked;
        if (rst || sync) begin
            tx_wr <= 16'd0;
            tx_acked <= 16'd0;
            sent_hi <= 16'd0;
            plimit <= sync ? peer_limit : 16'd0;
            last_ack <= 16'd0;
            last_limit <= RXSIZE;
            sync_pend <= sync;
            nonce <= sync_nonce;
            rewind_pend <= 1'b0;
            nak_req <= 1'b0;
            ack_req <= 1'b0;
            st <= S_IDLE;
            rd_start <= 1'b1;
        end else begin
            if (ring_we)
                tx_wr <= tx_wr + 16'd1;
            if (dropped)
                nak_req <= 1'b1;
            if (dup)
                ack_req <= 1'b1;
            if (ack_check && ack_ahead <= sent_ahead)
                tx_acked <= ack_cand;
            if (peer_valid) begin
                plimit <= peer_limit;
                // A NAK always gets an answer, even with nothing to resend:
                // the host uses it to tell a busy bridge from a dead link.
                if (peer_nak) begin
                    rewind_pend <= 1'b1;
                    ack_req <= 1'b1;
                end
            end
            case (st)
                S_IDLE: begin
                    hi <= 3'd0;
                    if (sync_pend) begin
                        sync_pend <= 1'b0;
                        left <= 0;
                        is_data <= 1'b0;
                        is_nak <= 1'b0;
                        is_sync_ack <= 1'b1;
                        last_ack <= rx_exp;
                        last_limit <= my_limit;
                        st <= S_HDR;
                    end else if (rd_start) begin
                        // The reader restarts this clock; rd_pos is stale until it has.
                    end else if (rewind_pend) begin
                        rewind_pend <= peer_valid && peer_nak;
                        rd_start <= 1'b1;
                    end else if (settled && (want_q || need_q || nak_req)) begin
                        left <= !want_q ? 0 :
                                (avail > MAXPAY_T) ? MAXPAY_L : avail[LW-1:0];
                        is_data <= want_q;
                        is_nak <= nak_req;
                        is_sync_ack <= 1'b0;
                        last_ack <= rx_exp;
                        last_limit <= my_limit;
                        nak_req <= dropped;
                        ack_req <= dup;
                        st <= S_HDR;
                    end
                end
                S_HDR: if (s_ready) begin
                    hi <= hi + 3'd1;
                    if (hi == 3'd6)
                        st <= (left == 0) ? S_IDLE : S_PAY;
                end
                default: if (rd_valid && s_ready) begin
                    // The reader never passes sent_hi: it starts at or
                    // before it, and moves it on when it reaches it.
                    if (rd_pos[TW-1:0] == sent_hi[TW-1:0])
                        sent_hi <= sent_hi + 16'd1;
                    left <= left - 1'b1;
                    if (left == 1)
                        st <= S_IDLE;
                end
            endcase
        end
    end
endmodule
`default_nettype wire
