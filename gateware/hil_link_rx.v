// Link layer, receive side (docs/protocol.md, section 2). Payload bytes of a
// DATA frame go straight into the receive ring at the offsets they would
// occupy, but the ring's committed end (rx_exp) moves only when the frame
// ends with a good CRC, the expected seq and room for all of it: a bad,
// duplicate or early frame leaves nothing behind. Every good frame also
// carries the host's ack and limit, which the transmit side uses.
module hil_link_rx #(
    parameter RXLOG = 10,
    parameter MAXPAY = 256
) (
    input  wire        clk,
    input  wire        rst,
    // from hil_frame_rx
    input  wire        b_valid,
    input  wire [7:0]  b_data,
    input  wire [15:0] b_index,
    input  wire        f_end,
    input  wire        f_ok,
    input  wire [15:0] f_len,
    // receive ring
    input  wire [15:0] rd_pos,      // the engine's read offset
    output wire        ring_we,
    output wire [15:0] ring_waddr,
    output wire [7:0]  ring_wdata,
    output reg  [15:0] rx_exp,      // next offset expected = committed end
    // events for the transmit side, one clock each
    output reg         peer_valid,  // a good frame brought ack/limit
    output reg  [15:0] peer_ack,
    output reg  [15:0] peer_limit,
    output reg         peer_nak,
    output reg         sync,        // SYNC received: restart the link
    output reg  [15:0] sync_nonce,
    output reg         dropped,     // a frame was lost or spoilt: answer with NAK
    output reg         dup,         // a duplicate: answer with a plain ack
    // counters for STATUS_R
    output reg  [15:0] crc_errors,
    output reg  [15:0] seq_errors,
    output reg  [15:0] frames_ok
);
    localparam F_DATA = 0, F_NAK = 1, F_SYNC = 2;
    localparam [15:0] RXSIZE = 16'd1 << RXLOG;

    reg [7:0]  flags;
    reg [15:0] h_ack, h_seq, h_lim;

    wire [15:0] space   = RXSIZE - (rx_exp - rd_pos);
    wire [15:0] off     = b_index - 16'd7;
    wire        in_pay  = b_index >= 16'd7;

    assign ring_we    = b_valid && in_pay && off < space;
    assign ring_waddr = rx_exp + off;
    assign ring_wdata = b_data;

    wire [15:0] paylen = f_len - 16'd11;
    wire        seq_behind = (h_seq - rx_exp) >= 16'h8000;

    always @(posedge clk) begin
        peer_valid <= 1'b0;
        peer_nak   <= 1'b0;
        sync       <= 1'b0;
        dropped    <= 1'b0;
        dup        <= 1'b0;
        if (b_valid) begin
            case (b_index)
                16'd0: flags <= b_data;
                16'd1: h_ack[7:0]  <= b_data;
                16'd2: h_ack[15:8] <= b_data;
                16'd3: h_seq[7:0]  <= b_data;
                16'd4: h_seq[15:8] <= b_data;
                16'd5: h_lim[7:0]  <= b_data;
                16'd6: h_lim[15:8] <= b_data;
                default: ;
            endcase
        end
        if (rst) begin
            rx_exp <= 16'd0;
            crc_errors <= 16'd0;
            seq_errors <= 16'd0;
            frames_ok <= 16'd0;
        end else if (f_end) begin
            if (!f_ok || paylen > MAXPAY) begin
                crc_errors <= crc_errors + 16'd1;
                dropped <= 1'b1;
            end else if (flags[F_SYNC]) begin
                sync <= 1'b1;
                sync_nonce <= h_seq;
                peer_limit <= h_lim;
                rx_exp <= 16'd0;
                frames_ok <= frames_ok + 16'd1;
            end else begin
                peer_valid <= 1'b1;
                peer_ack   <= h_ack;
                peer_limit <= h_lim;
                peer_nak   <= flags[F_NAK];
                if (flags[F_DATA]) begin
                    if (h_seq == rx_exp && paylen <= space) begin
                        rx_exp <= rx_exp + paylen;
                        frames_ok <= frames_ok + 16'd1;
                    end else begin
                        seq_errors <= seq_errors + 16'd1;
                        // Window arithmetic: a seq behind rx_exp was applied already.
                        if (seq_behind) dup <= 1'b1;
                        else dropped <= 1'b1;
                    end
                end else begin
                    frames_ok <= frames_ok + 16'd1;
                end
            end
        end
    end
endmodule
