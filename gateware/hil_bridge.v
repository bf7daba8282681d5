`default_nettype none
// The bridge: link layer, command engine and clock control between a byte
// stream (any PHY) and the port bus of a generated DUT wrapper.
//
// Port bus: the engine puts a port index on p_sel and a byte index on
// p_byte; the wrapper answers combinationally with that byte of the port's
// current value (p_rdata), the port's byte count (p_nbytes), whether it is an
// input (p_is_in) and whether the index exists (p_valid). p_we writes p_wdata
// into that byte of an input's register. The wrapper also keeps, per port,
// the value at the last evaluation point and a watch flag: w_hit/w_idx name
// the lowest watched port that changed and is not yet reported, w_ack marks
// it reported, snap ends the evaluation point (every port's previous value
// becomes its current one), w_set sets p_sel's watch flag to w_on and takes
// its baseline, w_clear drops every watch.
module hil_bridge #(
    parameter NPORTS = 1,
    parameter NBRK = 2,
    parameter RXLOG = 10,
    parameter TXLOG = 10,
    parameter [15:0] MAXPAY = 16'd256,
    parameter [63:0] SIGNATURE = 64'd0
) (
    input  wire        clk,
    input  wire        rst,
    input  wire [7:0]  rx_data,
    input  wire        rx_valid,
    output wire [7:0]  tx_data,
    output wire        tx_valid,
    input  wire        tx_ready,
    output wire        advance,
    output wire [7:0]  p_sel,
    output wire [5:0]  p_byte,
    input  wire [7:0]  p_rdata,
    input  wire [6:0]  p_nbytes,
    input  wire        p_is_in,
    input  wire        p_valid,
    output wire [7:0]  p_wdata,
    output wire        p_we,
    output wire        w_set,
    output wire        w_on,
    output wire        w_clear,
    input  wire        w_hit,
    input  wire [7:0]  w_idx,
    output wire        w_ack,
    output wire        snap,
    input  wire [15:0] phy_errors,  // counted by the PHY, reported in STATUS_R
    output wire        idle,        // nothing will happen until a byte arrives
    // fast-forward, simulation only (hil_engine.v); tie ff_add to 0 on a chip
    input  wire [15:0] ff_add,
    output wire        ff_ok,
    output wire [15:0] ff_left
);
    wire        b_valid, f_end, f_ok;
    wire [7:0]  b_data;
    wire [15:0] b_index, f_len;

    hil_frame_rx #(.MAXLEN(MAXPAY + 16'd11)) u_frx (
        .clk(clk), .rst(rst), .in_data(rx_data), .in_valid(rx_valid),
        .b_valid(b_valid), .b_data(b_data), .b_index(b_index),
        .f_end(f_end), .f_ok(f_ok), .f_len(f_len));

    wire        rx_we, peer_valid, peer_nak, sync, dropped, dup;
    wire [15:0] rx_waddr, rx_exp, rx_rd_pos, peer_ack, peer_limit, sync_nonce;
    wire [15:0] crc_errors, seq_errors, frames_ok;
    wire [7:0]  rx_wdata;

    hil_link_rx #(.RXLOG(RXLOG), .MAXPAY(MAXPAY)) u_lrx (
        .clk(clk), .rst(rst),
        .b_valid(b_valid), .b_data(b_data), .b_index(b_index),
        .f_end(f_end), .f_ok(f_ok), .f_len(f_len),
        .rd_pos(rx_rd_pos), .ring_we(rx_we), .ring_waddr(rx_waddr),
        .ring_wdata(rx_wdata), .rx_exp(rx_exp),
        .peer_valid(peer_valid), .peer_ack(peer_ack), .peer_limit(peer_limit),
        .peer_nak(peer_nak), .sync(sync), .sync_nonce(sync_nonce),
        .dropped(dropped), .dup(dup),
        .crc_errors(crc_errors), .seq_errors(seq_errors), .frames_ok(frames_ok));

    wire [7:0] c_data;
    wire       c_valid, c_ready, rx_quiet;

    hil_ring #(.LOG2(RXLOG)) u_rxring (
        .clk(clk), .we(rx_we), .waddr(rx_waddr), .wdata(rx_wdata),
        .start(rst || sync), .start_pos(16'd0), .rd_end(rx_exp),
        .out_data(c_data), .out_valid(c_valid), .out_ready(c_ready),
        .pos(rx_rd_pos), .quiet(rx_quiet));

    wire [7:0] m_data;
    wire       m_valid, m_ready, eng_blocked;

    hil_engine #(.NPORTS(NPORTS), .NBRK(NBRK), .RXLOG(RXLOG),
                 .TXLOG(TXLOG), .MAXPAY(MAXPAY), .SIGNATURE(SIGNATURE)) u_eng (
        .clk(clk), .rst(rst), .sync(sync),
        .c_data(c_data), .c_valid(c_valid), .c_ready(c_ready),
        .m_data(m_data), .m_valid(m_valid), .m_ready(m_ready),
        .advance(advance),
        .p_sel(p_sel), .p_byte(p_byte), .p_rdata(p_rdata), .p_nbytes(p_nbytes),
        .p_is_in(p_is_in), .p_valid(p_valid), .p_wdata(p_wdata), .p_we(p_we),
        .w_set(w_set), .w_on(w_on), .w_clear(w_clear), .w_hit(w_hit),
        .w_idx(w_idx), .w_ack(w_ack), .snap(snap),
        .crc_errors(crc_errors), .seq_errors(seq_errors), .frames_ok(frames_ok),
        .phy_errors(phy_errors), .blocked(eng_blocked),
        .ff_add(ff_add), .ff_ok(ff_ok), .ff_left(ff_left));

    wire        tx_we, rd_start, rd_valid, rd_ready, s_valid, s_last, s_ready;
    wire        ftx_busy, ltx_idle, tx_quiet;
    wire [15:0] tx_waddr, rd_start_pos, rd_end, rd_pos;
    wire [7:0]  rd_data, s_data;

    hil_ring #(.LOG2(TXLOG)) u_txring (
        .clk(clk), .we(tx_we), .waddr(tx_waddr), .wdata(m_data),
        .start(rd_start), .start_pos(rd_start_pos), .rd_end(rd_end),
        .out_data(rd_data), .out_valid(rd_valid), .out_ready(rd_ready),
        .pos(rd_pos), .quiet(tx_quiet));

    hil_link_tx #(.TXLOG(TXLOG), .RXLOG(RXLOG), .MAXPAY(MAXPAY)) u_ltx (
        .clk(clk), .rst(rst), .sync(sync), .sync_nonce(sync_nonce),
        .peer_valid(peer_valid), .peer_ack(peer_ack), .peer_limit(peer_limit),
        .peer_nak(peer_nak), .dropped(dropped), .dup(dup),
        .rx_exp(rx_exp), .rx_rd_pos(rx_rd_pos), .rx_pop(c_valid && c_ready),
        .m_valid(m_valid), .m_ready(m_ready), .ring_we(tx_we), .ring_waddr(tx_waddr),
        .rd_start(rd_start), .rd_start_pos(rd_start_pos), .rd_end(rd_end),
        .rd_data(rd_data), .rd_valid(rd_valid), .rd_ready(rd_ready), .rd_pos(rd_pos),
        .s_data(s_data), .s_valid(s_valid), .s_last(s_last), .s_ready(s_ready),
        .ftx_busy(ftx_busy), .idle(ltx_idle));

    hil_frame_tx u_ftx (
        .clk(clk), .rst(rst || sync),
        .s_data(s_data), .s_valid(s_valid), .s_last(s_last), .s_ready(s_ready),
        .out_data(tx_data), .out_valid(tx_valid), .out_ready(tx_ready),
        .busy(ftx_busy));

    // A received byte takes a few clocks to reach the rings and the link
    // state (frame end, commit, ack request); idle only after they settled.
    reg [3:0] rx_settle;
    always @(posedge clk)
        if (rst || rx_valid)
            rx_settle <= 4'd0;
        else if (rx_settle != 4'd15)
            rx_settle <= rx_settle + 4'd1;

    assign idle = eng_blocked && rx_quiet && ltx_idle && tx_quiet &&
                  rx_settle == 4'd15;
endmodule
`default_nettype wire
