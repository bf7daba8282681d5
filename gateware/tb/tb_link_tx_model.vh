// Included by gateware/tb/tb_link_tx.v inside its module tb_link_tx_run:
// the bench's model of the link and the monitor that checks every frame
// the module sends against docs/protocol.md, kept apart from the
// scenarios that drive it. It uses the module's signals and functions
// declared before the include, and the stimulus reads its state.
    // ---- the bench's model of the link, kept at each clock edge ----
    // Rules broken, by kind; each kind is reported in the section's checks.
    localparam V_FMT = 0, V_DATA = 1, V_ORDER = 2, V_HDR = 3, V_REQ = 4, V_IDLE = 5,
               V_HANG = 6;
    integer    v [0:6];
    integer    nnote = 0, cyc = 0;
    reg [15:0] tb_wr, tb_acked, sent_hi, next_seq, plimit, hdr_ack, hdr_lim, nonce;
    reg        want_sync_ack;
    // A NAK from the host: the first data frame begun after it starts
    // between its (checked) ack and the latest ack; any other follows on
    // from the last. Judged as a data frame begins (its flags are the
    // first byte), as a NAK may come while it is out; one begun on a NAK's
    // own clock was not begun after it, but may be the rewind of the NAK
    // before (prev_*).
    reg        rew_due, prev_due, f_rew;
    reg [15:0] rew_lo, prev_lo, f_lo, f_hi;
    integer    rew_t;
    // Requests that a frame begun after them must answer: a NAK from the
    // host (any frame), a drop (a frame with the NAK flag), a duplicate
    // (any frame). A drop on the clock a frame begins is that frame's to
    // miss, not to answer: its flags were taken as it began.
    reg        nak_ans_due, drop_due, dup_due;
    integer    nak_ans_t, drop_first, drop_last, dup_t;
    // The frame being received and the log of those received.
    reg  [7:0] fb [0:FBMAX-1];
    integer    flen = 0, fstart = 0;
    reg        infr = 1'b0;
    reg  [7:0] lg_flags [0:NLOG-1];
    reg [15:0] lg_ack [0:NLOG-1];
    reg [15:0] lg_seq [0:NLOG-1];
    reg [15:0] lg_lim [0:NLOG-1];
    integer    lg_len [0:NLOG-1];
    integer    lg_t [0:NLOG-1];
    integer    nfr = 0, max_pay = 0;
    // How much the random run did of what it is there for.
    integer    n_rew = 0, n_nakf = 0, n_lost = 0;
    // Idle: checked from the clock after an event until the frame that
    // answers it is out (iw_on, iw_any: any frame, else the data frame
    // ending at iw_until); and idle, with no input moving at this edge,
    // must stay idle with no frame begun. A duplicate counts for two
    // clocks: its ack request reaches idle through need_q, a clock late,
    // which does no harm as hil_bridge's idle waits 15 clocks after any
    // received byte.
    reg        iw_on = 1'b0, iw_any = 1'b0, idle_calm = 1'b0, dup_d = 1'b0;
    reg [15:0] iw_until = 16'd0;
    reg        m_valid_d = 1'b0;
    reg [15:0] rx_exp_d = 16'd0, rx_rd_pos_d = 16'd0;
    integer    settle = 0;
    // The host: takes data frames in order, loses some when lossy, and
    // notes a gap (a frame past what it expects) to NAK.
    reg        host_on = 1'b0, host_lossy = 1'b0, host_gap = 1'b0;
    reg [15:0] host_exp = 16'd0;
    integer    seed_h = SEED + 200;
    integer    i0;

    initial
        for (i0 = 0; i0 < 7; i0 = i0 + 1)
            v[i0] = 0;

    task viol(input integer kind, input [8*56-1:0] what, input [31:0] a, input [31:0] b);
        begin
            v[kind] = v[kind] + 1;
            if (nnote < 16)
                $display("# %0s: %0s (%0d, %0d) at clock %0d", TAG, what, a, b, cyc);
            nnote = nnote + 1;
        end
    endtask

    task reset_model(input is_sync);
        begin
            tb_wr = 16'd0;
            tb_acked = 16'd0;
            sent_hi = 16'd0;
            next_seq = 16'd0;
            plimit = is_sync ? peer_limit : 16'd0;
            hdr_ack = 16'd0;
            hdr_lim = RXSIZE;
            nonce = sync_nonce;
            want_sync_ack = is_sync;
            rew_due = 1'b0;
            prev_due = 1'b0;
            nak_ans_due = 1'b0;
            drop_due = 1'b0;
            dup_due = 1'b0;
            infr = 1'b0;
            flen = 0;
            host_exp = 16'd0;
            host_gap = 1'b0;
        end
    endtask

    task frame_done;
        reg [7:0]  fl;
        reg [15:0] ack, seq, lim, fend;
        integer    plen;
        reg        lost;
        begin
            fl = fb[0];
            ack = {fb[2], fb[1]};
            seq = {fb[4], fb[3]};
            lim = {fb[6], fb[5]};
            plen = flen - 7;
            fend = seq + plen[15:0];
            lg_flags[nfr % NLOG] = fl;
            lg_ack[nfr % NLOG] = ack;
            lg_seq[nfr % NLOG] = seq;
            lg_lim[nfr % NLOG] = lim;
            lg_len[nfr % NLOG] = plen;
            lg_t[nfr % NLOG] = fstart;
            nfr = nfr + 1;
            if ((fl & 8'hf4) != 8'h00)
                viol(V_FMT, "a reserved or the SYNC flag set", fl, 0);
            if (nak_ans_due && nak_ans_t < fstart)
                nak_ans_due = 1'b0;
            if (dup_due && dup_t < fstart)
                dup_due = 1'b0;
            if (fl[3]) begin
                if (fl != 8'h08 || plen != 0)
                    viol(V_FMT, "SYNC_ACK with other flags or a payload", fl, plen);
                if (!want_sync_ack)
                    viol(V_ORDER, "SYNC_ACK with no SYNC", seq, 0);
                if (seq != nonce)
                    viol(V_HDR, "SYNC_ACK not echoing the nonce", seq, nonce);
                want_sync_ack = 1'b0;
            end else begin
                if (want_sync_ack)
                    viol(V_ORDER, "a frame before the SYNC_ACK", fl, 0);
                if (!within(ack, hdr_ack, rx_exp))
                    viol(V_HDR, "ack moved back or past rx_exp", ack, hdr_ack);
                if (!within(lim, hdr_lim, rx_rd_pos + RXSIZE))
                    viol(V_HDR, "limit moved back or past rx_rd_pos + ring", lim, hdr_lim);
                if (drop_due && drop_first < fstart - 1) begin
                    if (!fl[1])
                        viol(V_REQ, "no NAK flag on a frame begun after a drop", fl, drop_first);
                    else if (drop_last < fstart - 1)
                        drop_due = 1'b0;
                    else
                        drop_first = drop_last;
                    if (fl[1])
                        n_nakf = n_nakf + 1;
                end else if (fl[1])
                    viol(V_REQ, "NAK flag with no drop before the frame", fl, 0);
            end
            hdr_ack = ack;
            hdr_lim = lim;
            if (fl[0]) begin
                if (plen < 1 || plen > MAXPAY)
                    viol(V_FMT, "data payload size out of 1..MAXPAY", plen, MAXPAY);
                if (plen > max_pay)
                    max_pay = plen;
                if (nbad != 0)
                    viol(V_DATA, "payload bytes not as written at seq", nbad, seq);
                if (after(fend, tb_wr))
                    viol(V_DATA, "data past the last byte written", fend, tb_wr);
                if (after(fend, plimit))
                    viol(V_DATA, "data at or past the host's limit", fend, plimit);
                if (f_rew) begin
                    n_rew = n_rew + 1;
                    if (!within(seq, f_lo, f_hi))
                        viol(V_ORDER, "after a NAK data not from the host's ack", seq, f_lo);
                end else if (seq != next_seq)
                    viol(V_ORDER, "data frame not following on", seq, next_seq);
                next_seq = fend;
                lost = host_lossy && ({$random(seed_h)} % 8) == 0;
                if (lost)
                    n_lost = n_lost + 1;
                if (host_on && !lost) begin
                    if (seq == host_exp)
                        host_exp = fend;
                    else if (after(seq, host_exp))
                        host_gap = 1'b1;
                end
            end else if (plen != 0)
                viol(V_FMT, "a payload with no DATA flag", fl, plen);
            if (iw_on && (iw_any || (fl[0] && fend == iw_until)))
                iw_on = 1'b0;
        end
    endtask

    reg        events;
    integer    nbad;
    reg [15:0] off;
    reg  [7:0] fl0;
    always @(posedge clk) begin
        cyc = cyc + 1;
        if (rst || sync) begin
            reset_model(sync);
            settle = 3;
            idle_calm = 1'b0;
        end else begin
            // Idle, from the state before this edge. (Right after a reset
            // the ring's reader has just been restarted: skip a few clocks.)
            events = peer_valid || dropped || dup || ring_we || rx_pop ||
                     m_valid != m_valid_d || rx_exp != rx_exp_d || rx_rd_pos != rx_rd_pos_d;
            if (settle != 0)
                settle = settle - 1;
            else begin
                if (idle !== 1'b0 && idle !== 1'b1)
                    viol(V_IDLE, "idle unknown", 0, 0);
                if (idle === 1'b1 && (s_valid || ftx_busy))
                    viol(V_IDLE, "idle while a frame goes out", s_valid, ftx_busy);
                if (iw_on && idle !== 1'b0)
                    viol(V_IDLE, "idle while a frame is due", iw_until, 0);
                if (idle_calm && (s_valid || idle !== 1'b1))
                    viol(V_IDLE, "idle ended with no input moving", s_valid, 0);
            end
            idle_calm = settle == 0 && idle === 1'b1 && !events && !dup_d;
            dup_d = dup;

            // A frame begins (it shows at the clock after the edge that
            // began it): what it must be, from the NAKs before that edge.
            if (s_valid && !infr) begin
                infr = 1'b1;
                fstart = cyc;
                nbad = 0;
                f_hi = tb_acked;
                f_rew = 1'b0;
                if (s_data[0]) begin
                    if (rew_due && rew_t < cyc - 1) begin
                        f_rew = 1'b1;
                        f_lo = rew_lo;
                        rew_due = 1'b0;
                    end else if (prev_due) begin
                        f_rew = 1'b1;
                        f_lo = prev_lo;
                    end
                    prev_due = 1'b0;
                end
            end

            // A rewind goes back to the host's ack: what the host has
            // acknowledged past where the last frame ended is not sent again.
            if (rd_start && after(tb_acked, next_seq))
                next_seq = tb_acked;
            if (ring_we) begin
                off = tb_wr - tb_acked;
                if (off >= TXSIZE)
                    viol(V_DATA, "a report byte taken into a full ring", tb_wr, tb_acked);
                tb_wr = tb_wr + 16'd1;
            end
            // The host's ack is checked against what was sent before this edge.
            if (peer_valid) begin
                if (within(peer_ack, tb_acked, sent_hi))
                    tb_acked = peer_ack;
                plimit = peer_limit;
                if (peer_nak) begin
                    prev_due = rew_due;
                    prev_lo = rew_lo;
                    rew_due = 1'b1;
                    rew_lo = tb_acked;
                    rew_t = cyc;
                    nak_ans_due = 1'b1;
                    nak_ans_t = cyc;
                end
            end
            if (dropped) begin
                if (!drop_due)
                    drop_first = cyc;
                drop_due = 1'b1;
                drop_last = cyc;
            end
            if (dup) begin
                dup_due = 1'b1;
                dup_t = cyc;
            end

            if (s_valid && s_ready) begin
                if (flen < FBMAX)
                    fb[flen] = s_data;
                fl0 = fb[0];
                if (flen >= 7 && fl0[0]) begin
                    off = {fb[4], fb[3]} + (flen - 7);
                    if (off == sent_hi)
                        sent_hi = sent_hi + 16'd1;
                    // Once the host has acknowledged a byte its slot may be
                    // written again, even under a resend that is reading it:
                    // the host drops such a frame whole, as its seq is
                    // behind what it expects. Only bytes not yet
                    // acknowledged must be as written.
                    if (s_data != pat(off) && !after(tb_acked, off))
                        nbad = nbad + 1;
                end
                flen = flen + 1;
                if (s_last) begin
                    if (flen < 7)
                        viol(V_FMT, "a frame shorter than its header", flen, 0);
                    else
                        frame_done;
                    infr = 1'b0;
                    flen = 0;
                end
            end
        end
        m_valid_d = m_valid;
        rx_exp_d = rx_exp;
        rx_rd_pos_d = rx_rd_pos;
    end
