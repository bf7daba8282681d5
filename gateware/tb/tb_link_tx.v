`default_nettype none
// The link layer's transmit side (hil_link_tx) with hil_ring as its
// transmit ring, wired as in hil_bridge.v, against docs/protocol.md
// section 2. The bench plays hil_link_rx (the host's acks, limits and
// NAKs, SYNC, dropped and duplicate frames, the receive ring's offsets),
// the engine (reports written into the ring) and hil_frame_tx (s_ready
// with stalls, busy while a frame is encoded), and parses every frame that
// comes out. Checked, frame by frame: SYNC_ACK first after a SYNC, echoing
// the nonce; data as written, in order, at most MAXPAY a frame, never at or
// past the host's limit nor past what was written; after a NAK from the
// host, data from the host's ack (go-back-N), and a NAK always answered;
// a NAK flag on the first frame begun after a drop, and only then; acks
// and limits moving only forward, up to the receive side's. In scenarios:
// m_ready against the ring's room, acks outside the window ignored, ack
// frames for rx_exp, a duplicate and the read position (a quarter ring, or
// up to rx_exp); idle only when nothing is due. Then a long run of random
// traffic with a host that loses frames. The module takes its decisions a
// clock or two late on purpose, so nothing here counts clocks: only frames
// and their order, or what a frame begun after an event must carry.
// Two sizes: 64-byte rings with 16-byte payloads (quick wrap and frame
// splitting; a stream of over 64 KiB crosses the 16-bit offset wrap), and
// the defaults. Prints "ok ..."/"FAIL ..." lines, "# ..." details of what broke
// a rule, and "N passed, M failed". The model and the frame monitor are in
// tb_link_tx_model.vh (compile with -I gateware/tb); the scenarios here.
`timescale 1ns/1ns
module tb_link_tx_run #(
    parameter TXLOG = 6,
    parameter RXLOG = 6,
    parameter MAXPAY = 16,
    parameter RANDCLK = 100000,    // clocks of random traffic
    parameter WRAP = 0,            // stream past the 16-bit offset wrap
    parameter SEED = 1,
    parameter TAG = "small"
) (
    input  wire        clk,
    input  wire        go,
    output reg         done,
    output wire [31:0] n_pass,
    output wire [31:0] n_fail
);
    localparam TXSIZE = 1 << TXLOG;
    localparam RXSIZE = 1 << RXLOG;
    localparam QUARTER = RXSIZE / 4;
    localparam WAITMAX = 40 * TXSIZE + 20000;  // clocks any one wait may take
    localparam QUIET = 32;                     // clocks without a frame: settled
    localparam FBMAX = MAXPAY + 8;             // a frame longer is cut in the log
    localparam NLOG = 1024;                    // frames kept for the scenarios

    // The engine's report bytes are a pattern of their stream offset, so a
    // byte sent from the wrong offset (or a stale ring slot) shows.
    function [7:0] pat(input [15:0] o);
        pat = (o[7:0] * 8'd37) ^ o[15:8] ^ 8'h5a;
    endfunction

    // Window arithmetic (docs/protocol.md): a lies in [lo, hi].
    function within(input [15:0] a, input [15:0] lo, input [15:0] hi);
        reg [15:0] da, dh;
        begin
            da = a - lo;
            dh = hi - lo;
            within = da <= dh;
        end
    endfunction

    // a is after b (1..32767 ahead).
    function after(input [15:0] a, input [15:0] b);
        reg [15:0] d;
        begin
            d = a - b;
            after = d != 16'd0 && d < 16'h8000;
        end
    endfunction

    // ---- the module and its ring, as in hil_bridge.v ----
    reg         rst = 1'b1, sync = 1'b0, peer_valid = 1'b0, peer_nak = 1'b0;
    reg         dropped = 1'b0, dup = 1'b0, rx_pop = 1'b0, m_valid = 1'b0;
    reg  [15:0] sync_nonce = 16'd0, peer_ack = 16'd0, peer_limit = 16'd0;
    reg  [15:0] rx_exp = 16'd0, rx_rd_pos = 16'd0;
    reg         s_ready = 1'b1;
    wire        m_ready, ring_we, rd_start, rd_valid, rd_ready, s_valid, s_last;
    wire        idle, ftx_busy;
    wire [15:0] ring_waddr, rd_start_pos, rd_end, rd_pos;
    wire [7:0]  rd_data, s_data;
    wire [7:0]  m_data = pat(ring_waddr);

    hil_ring #(.LOG2(TXLOG)) u_ring (
        .clk(clk), .we(ring_we), .waddr(ring_waddr), .wdata(m_data),
        .start(rd_start), .start_pos(rd_start_pos), .rd_end(rd_end),
        .out_data(rd_data), .out_valid(rd_valid), .out_ready(rd_ready),
        .pos(rd_pos), .quiet());

    hil_link_tx #(.TXLOG(TXLOG), .RXLOG(RXLOG), .MAXPAY(MAXPAY)) u_ltx (
        .clk(clk), .rst(rst), .sync(sync), .sync_nonce(sync_nonce),
        .peer_valid(peer_valid), .peer_ack(peer_ack), .peer_limit(peer_limit),
        .peer_nak(peer_nak), .dropped(dropped), .dup(dup),
        .rx_exp(rx_exp), .rx_rd_pos(rx_rd_pos), .rx_pop(rx_pop),
        .m_valid(m_valid), .m_ready(m_ready), .ring_we(ring_we), .ring_waddr(ring_waddr),
        .rd_start(rd_start), .rd_start_pos(rd_start_pos), .rd_end(rd_end),
        .rd_data(rd_data), .rd_valid(rd_valid), .rd_ready(rd_ready), .rd_pos(rd_pos),
        .s_data(s_data), .s_valid(s_valid), .s_last(s_last), .s_ready(s_ready),
        .ftx_busy(ftx_busy), .idle(idle));

    // ---- hil_frame_tx, as the link sees it ----
    // It stalls at random (stuffing, a slow PHY) or when told to hold, and
    // is busy from a frame's first byte until a few clocks after its last
    // (the CRC and END still go out); a SYNC resets it, as in the bridge.
    reg         stall_on = 1'b1, hold = 1'b0;
    reg         busy_in = 1'b0;
    reg  [3:0]  busy_cnt = 4'd0;
    integer     seed_s = SEED + 100;
    assign ftx_busy = busy_in || busy_cnt != 4'd0;
    always @(posedge clk) begin
        s_ready <= !hold && (!stall_on || ($random(seed_s) & 3) != 0);
        if (rst || sync) begin
            busy_in <= 1'b0;
            busy_cnt <= 4'd0;
        end else if (s_valid && s_ready) begin
            busy_in <= !s_last;
            if (s_last)
                busy_cnt <= 4'd6;
        end else if (busy_cnt != 4'd0)
            busy_cnt <= busy_cnt - 4'd1;
    end

    `include "tb_link_tx_model.vh"

    // ---- stimulus: drives change just after an edge ----
    integer passed = 0, failed = 0, seed = SEED;
    assign n_pass = passed;
    assign n_fail = failed;
    reg [15:0] hlim = 16'd0;   // the limit the host advertises, only forward

    task check(input cond, input [8*100-1:0] what);
        begin
            if (cond === 1'b1) begin
                passed = passed + 1;
                $display("ok %0s (%0s)", what, TAG);
            end else begin
                failed = failed + 1;
                $display("FAIL %0s (%0s)", what, TAG);
                // A mutant run (tests/suites/gateware/mutate.py) needs only the first.
                if ($test$plusargs("first_fail")) begin
                    $display("%0d passed, %0d failed", passed, failed);
                    $finish;
                end
            end
        end
    endtask

    task step;
        begin
            @(posedge clk);
            #1;
        end
    endtask

    task steps(input integer n);
        integer i;
        for (i = 0; i < n; i = i + 1)
            step;
    endtask

    // One frame from the host, as hil_link_rx reports it: peer_ack and
    // peer_limit stay until the next, which comes 12 clocks later at the
    // earliest (a header, a CRC and an END, a byte a clock at most). The
    // module relies on that: it takes peer_ack a clock after peer_valid.
    task peer(input [15:0] ack, input nak);
        begin
            peer_valid = 1'b1;
            peer_ack = ack;
            peer_limit = hlim;
            peer_nak = nak;
            step;
            peer_valid = 1'b0;
            peer_nak = 1'b0;
        end
    endtask

    // The host acknowledges all sent so far and gives room for two rings.
    task ack_all;
        begin
            if (after(sent_hi + 2 * TXSIZE, hlim))
                hlim = sent_hi + 2 * TXSIZE;
            peer(sent_hi, 1'b0);
        end
    endtask

    task pulse_dropped;
        begin
            dropped = 1'b1;
            step;
            dropped = 1'b0;
        end
    endtask

    task pulse_dup;
        begin
            dup = 1'b1;
            step;
            dup = 1'b0;
        end
    endtask

    task do_sync(input [15:0] n, input [15:0] lim, input [15:0] exp, input [15:0] rdp);
        begin
            sync = 1'b1;
            sync_nonce = n;
            hlim = lim;
            peer_limit = lim;
            rx_exp = exp;
            rx_rd_pos = rdp;
            m_valid = 1'b0;
            step;
            sync = 1'b0;
        end
    endtask

    // The engine writes n report bytes, one a clock when the ring takes
    // them; watch: idle is checked from the first byte until the frame
    // that carries the last is out.
    task write(input integer n, input watch);
        integer t;
        reg [15:0] target;
        begin
            target = tb_wr + n;
            iw_until = target;
            iw_any = 1'b0;
            m_valid = 1'b1;
            t = 0;
            while (tb_wr != target && t < WAITMAX) begin
                step;
                t = t + 1;
                if (watch)
                    iw_on = 1'b1;
            end
            m_valid = 1'b0;
            if (t >= WAITMAX)
                viol(V_HANG, "the ring took no more report bytes", tb_wr, target);
        end
    endtask

    // The engine reads n bytes of the receive ring, one a clock; the read
    // position moves after the edge that takes each, as in hil_ring.
    task pop(input integer n);
        integer i;
        begin
            for (i = 0; i < n; i = i + 1) begin
                rx_pop = 1'b1;
                step;
                rx_rd_pos = rx_rd_pos + 16'd1;
            end
            rx_pop = 1'b0;
        end
    endtask

    // The engine reads one byte, which makes a frame due: idle is checked
    // from then until a frame is out.
    task pop_due;
        begin
            pop(1);
            iw_any = 1'b1;
            iw_on = 1'b1;
        end
    endtask

    // Until no frame has been on the way for QUIET clocks.
    task wait_quiet;
        integer t, q;
        begin
            q = 0;
            t = 0;
            while (q < QUIET && t < WAITMAX) begin
                step;
                t = t + 1;
                q = (s_valid || infr) ? 0 : q + 1;
            end
            if (q < QUIET)
                viol(V_HANG, "frames never stopped", nfr, 0);
        end
    endtask

    // The first data frame logged from index `from` on that was begun
    // after the edge that took an event at clock e (a frame shows from the
    // clock after the edge that begins it), or -1.
    function integer first_data(input integer from, input integer e);
        integer k;
        begin
            first_data = -1;
            for (k = nfr - 1; k >= from && k > nfr - NLOG; k = k - 1)
                if (lg_flags[k % NLOG] & 8'h01 && lg_t[k % NLOG] > e + 1)
                    first_data = k;
        end
    endfunction

    // After a wait_quiet: the rules held through the section, nothing is
    // left due (the last frame carries the current ack and a limit within
    // the quarter-ring rule, every request answered, data sent up to the
    // host's limit unless the engine is mid-report) and the link is idle.
    task section(input [8*40-1:0] what);
        reg [15:0] gain, front;
        reg ok;
        integer k;
        begin
            for (k = 0; k < 5; k = k + 1)
                if (v[k] != 0)
                    $display("# %0s: %0d broken of rule kind %0d", what, v[k], k);
            check(v[V_FMT] == 0 && v[V_DATA] == 0 && v[V_ORDER] == 0 && v[V_HDR] == 0 &&
                  v[V_REQ] == 0, {what, ": every frame by the protocol"});
            check(v[V_IDLE] == 0 && idle === 1'b1 && !iw_on,
                  {what, ": idle only when nothing is due, and then"});
            gain = rx_rd_pos + RXSIZE - hdr_lim;
            front = within(plimit, tb_acked, tb_wr) ? plimit : tb_wr;
            ok = v[V_HANG] == 0 && hdr_ack == rx_exp && !nak_ans_due && !drop_due &&
                 !dup_due && !want_sync_ack && (m_valid || next_seq == front) &&
                 (gain == 16'd0 || (gain < QUARTER && rx_rd_pos != rx_exp));
            if (!ok)
                $display("# %0s: hang %0d ack %0d/%0d nak %0d drop %0d dup %0d sync %0d sent %0d/%0d gain %0d",
                         what, v[V_HANG], hdr_ack, rx_exp, nak_ans_due, drop_due, dup_due,
                         want_sync_ack, next_seq, front, gain);
            check(ok, {what, ": nothing left due"});
            for (k = 0; k < 7; k = k + 1)
                v[k] = 0;
            iw_on = 1'b0;
        end
    endtask

    integer mark, k, d, t, wr0, tn, last_pv;
    reg     all_ok;
    reg [15:0] a1, a2, r0, used;

    task run_reset_sync;
        begin
            rst = 1'b1;
            steps(4);
            rst = 1'b0;
            mark = nfr;
            steps(100);
            check(nfr == mark && idle === 1'b1, "after a reset alone: no frame, idle");

            // The receive side's offsets are not where a reset left them:
            // the SYNC_ACK must carry them as they are.
            mark = nfr;
            do_sync(16'hA5C3, MAXPAY + 8, 16'd5, 16'd2);
            iw_any = 1'b1;
            iw_on = 1'b1;
            wait_quiet;
            check(nfr == mark + 1 && lg_flags[mark % NLOG] == 8'h08 && lg_len[mark % NLOG] == 0 &&
                  lg_seq[mark % NLOG] == 16'hA5C3,
                  "after a SYNC: one frame, a SYNC_ACK echoing the nonce");
            check(lg_ack[mark % NLOG] == 16'd5 && lg_lim[mark % NLOG] == 16'd2 + RXSIZE,
                  "SYNC_ACK carries ack = rx_exp, limit = rx_rd_pos + ring");
            section("reset and SYNC");
        end
    endtask

    task run_data;
        begin
            mark = nfr;
            write(5, 1'b1);
            wait_quiet;
            k = first_data(mark, 0);
            check(k >= 0 && lg_seq[k % NLOG] == 16'd0 && next_seq == 16'd5,
                  "a 5-byte report goes out in data from offset 0 to 5");
            section("a report");

            // More than the SYNC's limit: it stops there.
            mark = nfr;
            write(MAXPAY + 14, 1'b0);
            wait_quiet;
            check(next_seq == MAXPAY + 8 && sent_hi == MAXPAY + 8,
                  "data stops at the host's limit from the SYNC");
            check(max_pay == MAXPAY, "a full payload goes out when MAXPAY bytes wait");
            mark = nfr;
            hlim = tb_wr;
            peer(16'd0, 1'b0);
            wait_quiet;
            k = first_data(mark, 0);
            check(k >= 0 && lg_seq[k % NLOG] == MAXPAY + 8 && next_seq == tb_wr,
                  "the rest follows on once the limit moves");
            section("data and the host's limit");
        end
    endtask

    // The ring's room, and acks outside [oldest unacknowledged, highest
    // sent]. The host's limit holds back the last 8 bytes of a full ring,
    // so an ack past the highest sent would free room if it were taken.
    task run_room;
        begin
            hlim = sent_hi + TXSIZE - 8;
            peer(sent_hi, 1'b0);
            m_valid = 1'b1;
            t = 0;
            while (m_ready && t < WAITMAX) begin
                step;
                t = t + 1;
            end
            used = tb_wr - tb_acked;
            check(!m_ready && used == TXSIZE,
                  "m_ready drops with 2^TXLOG bytes unacknowledged");
            // The engine keeps m_valid up: it is blocked, not done.
            wait_quiet;
            wr0 = tb_wr;
            check(!m_ready && sent_hi != tb_wr, "m_ready stays low with no ack");

            peer(sent_hi + 16'd1, 1'b0);
            steps(40);
            check(!m_ready && tb_wr == wr0, "an ack past the highest byte sent is ignored");

            mark = nfr;
            tn = cyc + 1;
            peer(tb_acked - 16'd1, 1'b1);
            wait_quiet;
            k = first_data(mark, tn);
            check(k >= 0 && lg_seq[k % NLOG] == tb_acked,
                  "a NAK with an ack behind the window resends from the oldest unacknowledged");
            // A plain ack behind the window, then a NAK past it: neither
            // moves the oldest unacknowledged byte.
            peer(tb_acked - 16'd1, 1'b0);
            steps(20);
            mark = nfr;
            tn = cyc + 1;
            peer(sent_hi + 16'd1, 1'b1);
            wait_quiet;
            k = first_data(mark, tn);
            check(k >= 0 && lg_seq[k % NLOG] == tb_acked && tb_wr == wr0,
                  "an ack behind the window, then a NAK past it: resent from the oldest unacknowledged");

            // The highest byte sent is the edge of the window: taken.
            a1 = sent_hi;
            hlim = a1 + TXSIZE - 8;
            peer(a1, 1'b0);
            t = 0;
            while (tb_wr == wr0 && t < WAITMAX) begin
                step;
                t = t + 1;
            end
            check(tb_wr != wr0 && tb_acked == a1, "m_ready comes back when an ack frees room");
            t = 0;
            while (m_ready && t < WAITMAX) begin
                step;
                t = t + 1;
            end
            used = tb_wr - a1;
            check(!m_ready && used == TXSIZE,
                  "an ack of the highest byte sent frees all before it");
            m_valid = 1'b0;
            ack_all;
            wait_quiet;
            ack_all;
            wait_quiet;
            section("the ring's room and the ack window");
        end
    endtask

    // Go-back-N, with everything written already sent.
    task run_nak;
        begin
            write(MAXPAY + 9, 1'b0);
            wait_quiet;
            a1 = tb_wr - 16'd5;
            mark = nfr;
            tn = cyc + 1;
            iw_until = tb_wr;
            iw_any = 1'b0;
            peer(a1, 1'b1);
            iw_on = 1'b1;
            wait_quiet;
            k = first_data(mark, tn);
            check(k >= 0 && lg_seq[k % NLOG] == a1 && next_seq == tb_wr,
                  "a NAK resends from the host's ack to the last byte sent");
            section("a NAK with data to resend");

            mark = nfr;
            iw_any = 1'b1;
            peer(tb_wr, 1'b1);
            iw_on = 1'b1;
            wait_quiet;
            check(nfr == mark + 1 && lg_flags[mark % NLOG] == 8'h00 &&
                  lg_ack[mark % NLOG] == rx_exp,
                  "a NAK with nothing to resend is answered by one ack frame");
            section("a NAK with nothing to resend");

            // A first NAK while a frame is out is acted on once the frame
            // has ended; a second comes at each of the clocks after it
            // ended, so one lands as the rewind is made. Whenever it
            // comes, the resend starts at its ack. (Frames from the host,
            // hence peer_valid, are at least a header, a CRC and an END
            // apart: the second NAK comes 14 clocks after the first or later.)
            all_ok = 1'b1;
            stall_on = 1'b0;
            for (d = 0; d < 6; d = d + 1) begin
                ack_all;
                write(MAXPAY + 4, 1'b0);
                t = 0;
                while (!(infr && flen > 9) && t < WAITMAX) begin
                    step;
                    t = t + 1;
                end
                hold = 1'b1;
                a1 = tb_acked + 16'd1;
                a2 = tb_acked + 16'd2;
                peer(a1, 1'b1);
                steps(14);
                hold = 1'b0;
                while (infr && t < WAITMAX) begin
                    step;
                    t = t + 1;
                end
                steps(d);
                mark = nfr;
                tn = cyc + 1;
                peer(a2, 1'b1);
                wait_quiet;
                k = first_data(mark, tn);
                if (!(t < WAITMAX && k >= 0 && lg_seq[k % NLOG] == a2 && next_seq == tb_wr))
                    all_ok = 1'b0;
            end
            stall_on = 1'b1;
            check(all_ok, "a NAK as an earlier one's rewind is made: the resend starts at its ack");

            // A NAK while a frame is half out: the frame is finished first.
            write(MAXPAY, 1'b0);
            t = 0;
            while (!(infr && flen > 9) && t < WAITMAX) begin
                step;
                t = t + 1;
            end
            hold = 1'b1;
            a1 = tb_acked + 16'd2;
            mark = nfr;
            tn = cyc + 1;
            peer(a1, 1'b1);
            steps(5);
            hold = 1'b0;
            wait_quiet;
            k = first_data(mark, tn);
            check(t < WAITMAX && lg_len[mark % NLOG] == MAXPAY && k >= 0 &&
                  lg_seq[k % NLOG] == a1 && next_seq == tb_wr,
                  "a NAK during a frame: the frame ends whole, then the resend is from the ack");
            ack_all;
            wait_quiet;
            section("NAKs");

            // A resend under way, and a NAK that acknowledges all that was
            // sent: its rewind leaves nothing to send, and the frame the
            // NAK is answered with must not claim data (the rewind once
            // left a DATA frame with no payload behind it, with payloads
            // smaller than the bytes to resend).
            write(MAXPAY * 2 + 8, 1'b0);
            wait_quiet;
            peer(tb_acked, 1'b1);
            t = 0;
            while (!(infr && flen > 9) && t < WAITMAX) begin
                step;
                t = t + 1;
            end
            hold = 1'b1;
            peer(tb_wr, 1'b1);
            steps(14);
            hold = 1'b0;
            wait_quiet;
            section("a NAK of all sent, during a resend");
        end
    endtask

    task run_rx;
        begin
            // Start with the read position at rx_exp: the limit is current.
            r0 = rx_exp - rx_rd_pos;
            pop(r0);
            wait_quiet;
            r0 = rx_rd_pos;
            mark = nfr;
            rx_exp = rx_exp + 16'd10;
            wait_quiet;
            check(nfr == mark + 1 && lg_flags[mark % NLOG] == 8'h00 &&
                  lg_ack[mark % NLOG] == r0 + 16'd10 && lg_lim[mark % NLOG] == r0 + RXSIZE,
                  "rx_exp moving makes one ack frame with the new ack");

            rx_exp = r0 + 2 * QUARTER + 8;
            wait_quiet;
            mark = nfr;
            pop(QUARTER - 1);
            wait_quiet;
            check(nfr == mark, "the read position moving less than a quarter ring: no frame");
            pop_due;
            wait_quiet;
            check(nfr == mark + 1 && lg_lim[mark % NLOG] == r0 + QUARTER + RXSIZE &&
                  lg_ack[mark % NLOG] == rx_exp,
                  "the read position moving a quarter ring: a frame with the new limit");
            mark = nfr;
            pop(QUARTER - 1);
            wait_quiet;
            pop_due;
            wait_quiet;
            check(nfr == mark + 1 && lg_lim[mark % NLOG] == r0 + 2 * QUARTER + RXSIZE,
                  "another quarter ring: one more frame");
            mark = nfr;
            pop(7);
            wait_quiet;
            check(nfr == mark, "seven bytes short of rx_exp: no frame");
            pop_due;
            wait_quiet;
            check(nfr == mark + 1 && lg_lim[mark % NLOG] == rx_exp + RXSIZE,
                  "the read position reaching rx_exp: a frame with the new limit");
            section("acks and limits");

            mark = nfr;
            iw_any = 1'b1;
            pulse_dropped;
            iw_on = 1'b1;
            wait_quiet;
            check(nfr == mark + 1 && lg_flags[mark % NLOG] == 8'h02 && lg_len[mark % NLOG] == 0 &&
                  lg_ack[mark % NLOG] == rx_exp, "a dropped frame makes one NAK frame");
            mark = nfr;
            iw_any = 1'b1;
            // Watched from a clock later: see dup_d.
            pulse_dup;
            step;
            iw_on = 1'b1;
            wait_quiet;
            check(nfr == mark + 1 && lg_flags[mark % NLOG] == 8'h00 && lg_len[mark % NLOG] == 0 &&
                  lg_ack[mark % NLOG] == rx_exp, "a duplicate makes one ack frame");
            section("drops and duplicates");

            // A drop, a duplicate, rx_exp moving, a NAK: each d clocks after
            // a one-byte report, d = 0..7, so that one of them falls on the
            // clock the report's data frame begins.
            for (k = 0; k < 4; k = k + 1) begin
                for (d = 0; d < 8; d = d + 1) begin
                    for (t = 0; t <= d; t = t + 1) begin
                        m_valid = t == 0;
                        dropped = k == 0 && t == d;
                        dup = k == 1 && t == d;
                        if (k == 2 && t == d)
                            rx_exp = rx_exp + 16'd1;
                        peer_valid = k == 3 && t == d;
                        peer_nak = k == 3 && t == d;
                        if (peer_valid)
                            peer_ack = tb_acked;
                        step;
                    end
                    m_valid = 1'b0;
                    dropped = 1'b0;
                    dup = 1'b0;
                    peer_valid = 1'b0;
                    peer_nak = 1'b0;
                    wait_quiet;
                    ack_all;
                    a1 = rx_exp - rx_rd_pos;
                    pop(a1);
                    wait_quiet;
                end
                case (k)
                    0: section("a drop around a frame's start");
                    1: section("a duplicate around a frame's start");
                    2: section("rx_exp moving around a frame's start");
                    default: section("a NAK around a frame's start");
                endcase
            end
        end
    endtask

    // A SYNC while a frame is half out, reports are unacknowledged and the
    // engine is mid-report.
    task run_resync;
        begin
            write(MAXPAY, 1'b0);
            t = 0;
            while (!(infr && flen > 8) && t < WAITMAX) begin
                step;
                t = t + 1;
            end
            hold = 1'b1;
            m_valid = 1'b1;
            steps(3);
            mark = nfr;
            do_sync(16'h1234, 16'd10, 16'd0, 16'd0);
            hold = 1'b0;
            iw_any = 1'b1;
            iw_on = 1'b1;
            wait_quiet;
            check(t < WAITMAX && nfr == mark + 1 && lg_flags[mark % NLOG] == 8'h08 &&
                  lg_seq[mark % NLOG] == 16'h1234 && lg_ack[mark % NLOG] == 16'd0 &&
                  lg_lim[mark % NLOG] == RXSIZE,
                  "a SYNC mid-frame: the frame is dropped, a SYNC_ACK goes out");
            mark = nfr;
            write(15, 1'b0);
            wait_quiet;
            k = first_data(mark, 0);
            check(k >= 0 && lg_seq[k % NLOG] == 16'd0 && next_seq == 16'd10 && sent_hi == 16'd10,
                  "after a SYNC data starts at 0 and stops at the SYNC's limit");
            hlim = 16'd100;
            peer(16'd10, 1'b0);
            wait_quiet;
            check(next_seq == 16'd15, "and goes on when the limit moves");
            section("SYNC mid-frame");
        end
    endtask

    // A steady stream of over 64 KiB, the host acking every few clocks:
    // offsets, acks and limits cross the 16-bit wrap.
    integer nw;
    reg [15:0] wprev;
    task run_wrap;
        begin
            host_exp = tb_wr;
            host_on = 1'b1;
            stall_on = 1'b0;
            nw = 0;
            wprev = tb_wr;
            m_valid = 1'b1;
            for (t = 0; t < 400000 && nw < 65536 + 4 * TXSIZE; t = t + 1) begin
                peer_valid = t % 16 == 0;
                if (peer_valid) begin
                    if (after(host_exp + 2 * TXSIZE, hlim))
                        hlim = host_exp + 2 * TXSIZE;
                    peer_ack = host_exp;
                    peer_limit = hlim;
                end
                step;
                a1 = tb_wr - wprev;
                nw = nw + a1;
                wprev = tb_wr;
            end
            m_valid = 1'b0;
            peer_valid = 1'b0;
            wait_quiet;
            peer(host_exp, 1'b0);
            wait_quiet;
            check(nw >= 65536 && host_exp == tb_wr && tb_acked == tb_wr,
                  "a stream across the 16-bit offset wrap: every byte once, in order");
            stall_on = 1'b1;
            host_on = 1'b0;
            section("across the offset wrap");
        end
    endtask

    // Random traffic: the engine writes bursts; the host loses frames,
    // acks what it has, NAKs on a gap or at random (its timer), moves its
    // limit in jumps or holds it; frames are dropped and duplicated on the
    // way in; rx_exp moves a frame at a time and the engine reads behind
    // it. One SYNC in the middle. Then the host NAKs until it has all.
    reg [15:0] burst_end, add;
    reg        slow, mid_sync;
    reg [15:0] exp_d;
    integer    stuck;          // clocks the host has waited for data: its timer
    integer    win;
    task run_random;
        begin
            // The host has had everything so far.
            host_exp = tb_wr;
            n_rew = 0;
            n_nakf = 0;
            n_lost = 0;
            wr0 = nfr;
            host_on = 1'b1;
            host_lossy = 1'b1;
            burst_end = tb_wr;
            slow = 1'b0;
            mid_sync = 1'b0;
            last_pv = 0;
            stuck = 0;
            exp_d = host_exp;
            for (t = 0; t < RANDCLK; t = t + 1) begin
                if (rx_pop)
                    rx_rd_pos = rx_rd_pos + 16'd1;
                if (t >= RANDCLK / 2 && !mid_sync && t - last_pv >= 12) begin
                    do_sync($random(seed), MAXPAY + 3, 16'd0, 16'd0);
                    mid_sync = 1'b1;
                    last_pv = t;
                    burst_end = 16'd0;
                    rx_pop = 1'b0;
                end
                if (burst_end == tb_wr && ($random(seed) & 15) == 0)
                    burst_end = tb_wr + 16'd1 + {$random(seed)} % (3 * MAXPAY);
                m_valid = burst_end != tb_wr;
                if (($random(seed) & 511) == 0)
                    slow = !slow;
                peer_valid = 1'b0;
                peer_nak = 1'b0;
                stuck = (host_exp != exp_d || host_exp == tb_wr) ? 0 : stuck + 1;
                exp_d = host_exp;
                if (t - last_pv >= 12 &&
                    (($random(seed) & 15) == 0 || (host_gap && ($random(seed) & 3) == 0))) begin
                    last_pv = t;
                    case ($random(seed) & 3)
                        0: win = MAXPAY / 2;
                        1: win = MAXPAY + 5;
                        2: win = TXSIZE / 2;
                        default: win = 2 * TXSIZE;
                    endcase
                    if (!slow && after(host_exp + win, hlim))
                        hlim = host_exp + win;
                    peer_valid = 1'b1;
                    peer_ack = host_exp;
                    peer_limit = hlim;
                    peer_nak = host_gap || stuck > 4 * MAXPAY || ({$random(seed)} % 97) == 0;
                    if (peer_nak) begin
                        host_gap = 1'b0;
                        stuck = 0;
                    end
                end
                dropped = ({$random(seed)} % 61) == 0;
                dup = ({$random(seed)} % 67) == 0;
                add = 16'd1 + {$random(seed)} % MAXPAY;
                a1 = rx_exp + add - rx_rd_pos;
                if (({$random(seed)} % 37) == 0 && a1 <= RXSIZE)
                    rx_exp = rx_exp + add;
                rx_pop = rx_rd_pos != rx_exp && ({$random(seed)} % 3) == 0;
                step;
            end
            if (rx_pop)
                rx_rd_pos = rx_rd_pos + 16'd1;
            rx_pop = 1'b0;
            peer_valid = 1'b0;
            peer_nak = 1'b0;
            dropped = 1'b0;
            dup = 1'b0;
            // The engine finishes its report while the host, lossless now,
            // acks as data comes; then the host NAKs until it has it all.
            host_lossy = 1'b0;
            for (k = 0; k < 400 && burst_end != tb_wr; k = k + 1) begin
                if (after(host_exp + 2 * TXSIZE, hlim))
                    hlim = host_exp + 2 * TXSIZE;
                peer(host_exp, host_gap);
                host_gap = 1'b0;
                for (d = 0; d < 16; d = d + 1) begin
                    m_valid = burst_end != tb_wr;
                    step;
                end
            end
            m_valid = 1'b0;
            for (k = 0; k < 40 && host_exp != tb_wr; k = k + 1) begin
                wait_quiet;
                if (after(host_exp + 2 * TXSIZE, hlim))
                    hlim = host_exp + 2 * TXSIZE;
                peer(host_exp, 1'b1);
            end
            wait_quiet;
            check(host_exp == tb_wr, "random traffic: the host got every report byte once, in order");
            peer(host_exp, 1'b0);
            a1 = rx_exp - rx_rd_pos;
            pop(a1);
            wait_quiet;
            check(m_ready && tb_acked == tb_wr, "random traffic: all acknowledged, the ring free");
            $display("# random traffic (%0s): %0d frames, %0d lost, %0d resends after a NAK, %0d NAK flags",
                     TAG, nfr - wr0, n_lost, n_rew, n_nakf);
            check(n_lost >= 20 && n_rew >= 20 && n_nakf >= 20,
                  "random traffic: frames lost, resends and NAK flags, 20 of each or more");
            host_on = 1'b0;
            section("random traffic");
        end
    endtask

    initial begin
        done = 1'b0;
        wait (go);
        step;
        run_reset_sync;
        run_data;
        run_room;
        run_nak;
        run_rx;
        run_resync;
        if (WRAP)
            run_wrap;
        run_random;
        done = 1'b1;
    end
endmodule

module tb_link_tx;
    reg clk = 1'b0;
    always #5 clk = !clk;

    reg go_a = 1'b0, go_b = 1'b0;
    wire done_a, done_b;
    wire [31:0] pass_a, fail_a, pass_b, fail_b;

    tb_link_tx_run #(.TXLOG(6), .RXLOG(6), .MAXPAY(16), .RANDCLK(150000), .WRAP(1), .SEED(11),
                     .TAG("64-byte rings, 16-byte payloads")) u_small (
        .clk(clk), .go(go_a), .done(done_a), .n_pass(pass_a), .n_fail(fail_a));
    tb_link_tx_run #(.TXLOG(10), .RXLOG(10), .MAXPAY(256), .RANDCLK(100000), .SEED(12),
                     .TAG("default sizes")) u_default (
        .clk(clk), .go(go_b), .done(done_b), .n_pass(pass_b), .n_fail(fail_b));

    initial begin
        go_a = 1'b1;
        wait (done_a);
        go_b = 1'b1;
        wait (done_b);
        $display("%0d passed, %0d failed", pass_a + pass_b, fail_a + fail_b);
        $finish;
    end
endmodule
`default_nettype wire
