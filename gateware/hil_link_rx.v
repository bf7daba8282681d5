`default_nettype none
// Link layer, receive side (docs/protocol.md, section 2). Payload bytes of a
// DATA frame go straight into the receive ring at the offsets they would
// occupy, but the ring's committed end (rx_exp) moves only when the frame
// ends with a good CRC, the expected seq and room for all of it: a bad,
// duplicate or early frame leaves nothing behind. Every good frame also
// carries the host's ack and limit, which the transmit side uses.
//
// The header's fields are held only as they arrived (peer_ack, peer_limit,
// sync_nonce): a consumer takes them in the clock its event pulses, before
// the next frame's header can overwrite them. Window arithmetic on the
// receive ring's offsets needs only RXLOG + 1 bits, as nothing in the ring
// is ever further apart than its size.
module hil_link_rx #(
    parameter RXLOG = 10,
    parameter MAXPAY = 256
) (
    input  wire        clk,
    input  wire        rst,
    // from hil_frame_rx
    input  wire        b_valid,
    input  wire [7:0]  b_data,
    // Offsets and lengths are 16 bits on the wire; only their low bits count here.
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [15:0] b_index,
    input  wire        f_end,
    input  wire        f_ok,
    input  wire [15:0] f_len,
    // receive ring
    input  wire [15:0] rd_pos,      // the engine's read offset
    /* verilator lint_on UNUSEDSIGNAL */
    output wire        ring_we,
    output wire [15:0] ring_waddr,
    output wire [7:0]  ring_wdata,
    output reg  [15:0] rx_exp,      // next offset expected = committed end
    // events for the transmit side, one clock each
    output reg         peer_valid,  // a good frame brought ack/limit
    output reg  [15:0] peer_ack,
    output reg  [15:0] peer_limit,
    output wire        peer_nak,
    output reg         sync,        // SYNC received: restart the link
    output wire [15:0] sync_nonce,
    output reg         dropped,     // a frame was lost or spoilt: answer with NAK
    output reg         dup,         // a duplicate: answer with a plain ack
    // counters for STATUS_R
    output reg  [15:0] crc_errors,
    output reg  [15:0] seq_errors,
    output reg  [15:0] frames_ok
);
    localparam W = RXLOG + 1;
    localparam [W-1:0] RXSIZE = 1 << RXLOG;
    // The payload's length and index fit the longest frame: header (7),
    // MAXPAY and CRC (4).
    localparam LW = $clog2(MAXPAY + 12);
    localparam CW = (LW > W ? LW : W) + 1;

    reg [2:0]  flags;       // DATA, NAK, SYNC
    reg [15:0] h_seq;

    assign peer_nak   = flags[1];
    assign sync_nonce = h_seq;

    // Room in the ring as a frame starts, which its bytes are written by
    // and it is judged by: the engine's reads while it arrives only add
    // room, so the figure is cautious, and the same for every byte (a
    // frame that fits at its end may not have fitted at its middle). A
    // commit comes the clock after a frame's last byte, before the next
    // one's first. f_len and b_index are at most the longest frame
    // (hil_frame_rx).
    reg  [W-1:0]  space;
    wire [LW-1:0] off    = b_index[LW-1:0] - 7;
    wire [LW-1:0] paylen = f_len[LW-1:0] - 11;

    wire [CW-1:0] off_c = {{(CW-LW){1'b0}}, off};
    wire [CW-1:0] len_c = {{(CW-LW){1'b0}}, paylen};
    wire [CW-1:0] space_c = {{(CW-W){1'b0}}, space};

    assign ring_we    = b_valid && b_index[LW-1:0] >= 7 && off_c < space_c;
    assign ring_waddr = rx_exp + {{(16-LW){1'b0}}, off};
    assign ring_wdata = b_data;

    wire seq_ok = h_seq == rx_exp && len_c <= space_c;
    wire seq_behind = (h_seq - rx_exp) >= 16'h8000;

    always @(posedge clk) begin
        peer_valid <= 1'b0;
        sync       <= 1'b0;
        dropped    <= 1'b0;
        dup        <= 1'b0;
        if (b_valid && b_index[LW-1:0] == 0)
            space <= RXSIZE - (rx_exp[W-1:0] - rd_pos[W-1:0]);
        if (b_valid) begin
            case (b_index[LW-1:0])
                0: flags <= b_data[2:0];
                1: peer_ack[7:0]    <= b_data;
                2: peer_ack[15:8]   <= b_data;
                3: h_seq[7:0]       <= b_data;
                4: h_seq[15:8]      <= b_data;
                5: peer_limit[7:0]  <= b_data;
                6: peer_limit[15:8] <= b_data;
                default: ;
            endcase
        end
        if (rst) begin
            rx_exp <= 16'd0;
            crc_errors <= 16'd0;
            seq_errors <= 16'd0;
            frames_ok <= 16'd0;
        end else if (f_end) begin
            if (!f_ok) begin
                crc_errors <= crc_errors + 16'd1;
                dropped <= 1'b1;
            end else if (flags[2]) begin
                sync <= 1'b1;
                rx_exp <= 16'd0;
                frames_ok <= frames_ok + 16'd1;
            end else begin
                peer_valid <= 1'b1;
                if (flags[0] && !seq_ok) begin
                    seq_errors <= seq_errors + 16'd1;
                    // Window arithmetic: a seq behind rx_exp was applied already.
                    if (seq_behind) dup <= 1'b1;
                    else dropped <= 1'b1;
                end else begin
                    if (flags[0])
                        rx_exp <= rx_exp + {{(16-LW){1'b0}}, paylen};
                    frames_ok <= frames_ok + 16'd1;
                end
            end
        end
    end
endmodule
`default_nettype wire
