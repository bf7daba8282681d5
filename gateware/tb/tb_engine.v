`default_nettype none
// The command engine (hil_engine.v) alone against docs/protocol.md,
// sections 3 and 4. A hand-written port model stands in for the generated
// wrapper: port 0 an 8-bit input, port 1 a 16-bit input, port 2 an 8-bit
// counter that counts every advance, port 3 a 16-bit accumulator that adds
// port 0 every advance (so the cycle a POKE lands at shows in it), with the
// wrapper's watch flags and baselines. Commands go in with random gaps and
// reports come out with random stalls. The testbench counts `advance`
// pulses itself and checks every report byte and the cycle it went out at:
// HELLO_R, STATUS_R, POKE and SAMPLE at their cycles, short and long deltas
// both ways, WAIT, RUN_R, WATCH_R at evaluation points, BREAK conditions,
// masks and unit order, the halted state and RESUME_R's count, every error
// code, SYNC, and TICK_R. Prints "ok ..."/"FAIL ..." lines and
// "N passed, M failed".
`timescale 1ns/1ns
module tb_engine;
    localparam [63:0] SIG = 64'hF1E2D3C4B5A69788;
    // STATUS_R's counters, every byte distinct so a swapped field shows.
    localparam [15:0] CRC_E = 16'h1234, SEQ_E = 16'h5678, FR_OK = 16'h9ABC,
                      PHY_E = 16'hDEF0;

    reg clk = 1'b0;
    reg rst = 1'b1;
    reg sync = 1'b0;
    always #5 clk = !clk;

    wire [7:0] m_data, p_sel, p_wdata;
    wire [5:0] p_byte;
    wire       c_ready, m_valid, advance, p_we, w_set, w_on, w_clear, w_ack, snap;
    wire       blocked;
    reg        m_ready = 1'b1;
    reg        hold = 1'b0;     // the report sink stops taking bytes
    reg  [7:0] p_rdata, w_idx;
    reg  [6:0] p_nbytes;
    reg        p_is_in, p_valid, w_hit;

    // Command bytes queued by the test, fed in order with random gaps. A
    // gap only starts between bytes, never withdrawing a byte on offer, as
    // the receive ring behaves; SYNC empties the queue as it does the ring.
    reg  [7:0] cq [0:4095];
    integer    cq_wr = 0, cq_rd = 0;
    reg        gap = 1'b0;
    reg [15:0] lfsr = 16'hACE1;
    wire       c_valid = cq_rd != cq_wr && !gap;
    // Between bytes the data is 0x99, an unknown op: an engine that takes
    // a byte that is not offered reports an error.
    wire [7:0] c_data = c_valid ? cq[cq_rd] : 8'h99;

    always @(posedge clk) begin
        lfsr <= {lfsr[14:0], lfsr[15] ^ lfsr[13] ^ lfsr[12] ^ lfsr[10]};
        if (sync)
            cq_rd <= cq_wr;
        else if (c_valid && c_ready)
            cq_rd <= cq_rd + 1;
        if (!(c_valid && !c_ready))
            gap <= lfsr[1:0] == 2'd0;
        m_ready <= !hold && lfsr[7:5] != 3'd0;
    end

    hil_engine #(.NPORTS(4), .NBRK(2), .RXLOG(9), .TXLOG(11), .MAXPAY(300),
                 .SIGNATURE(SIG)) u_eng (
        .clk(clk), .rst(rst), .sync(sync),
        .c_data(c_data), .c_valid(c_valid), .c_ready(c_ready),
        .m_data(m_data), .m_valid(m_valid), .m_ready(m_ready),
        .advance(advance),
        .p_sel(p_sel), .p_byte(p_byte), .p_rdata(p_rdata), .p_nbytes(p_nbytes),
        .p_is_in(p_is_in), .p_valid(p_valid), .p_wdata(p_wdata), .p_we(p_we),
        .w_set(w_set), .w_on(w_on), .w_clear(w_clear), .w_hit(w_hit),
        .w_idx(w_idx), .w_ack(w_ack), .snap(snap),
        .crc_errors(CRC_E), .seq_errors(SEQ_E), .frames_ok(FR_OK),
        .phy_errors(PHY_E), .blocked(blocked),
        .ff_add(16'd0), .ff_ok(), .ff_left());

    // The ports and the DUT: the inputs' registers are written through the
    // port bus; the counter and the accumulator move only on `advance`.
    reg  [7:0]  in0, cnt;
    reg  [15:0] in1, acc;
    always @(posedge clk)
        if (rst) begin
            in0 <= 8'd0;
            in1 <= 16'd0;
            cnt <= 8'd0;
            acc <= 16'd0;
        end else begin
            if (p_we && p_sel == 8'd0) in0[8*p_byte +: 8] <= p_wdata;
            if (p_we && p_sel == 8'd1) in1[8*p_byte +: 8] <= p_wdata;
            if (advance) begin
                cnt <= cnt + 8'd1;
                acc <= acc + {8'd0, in0};
            end
        end

    wire [15:0] cur0 = {8'd0, in0}, cur1 = in1, cur2 = {8'd0, cnt}, cur3 = acc;

    reg [15:0] pv;
    always @(*) begin
        p_valid = 1'b1;
        p_is_in = 1'b0;
        p_nbytes = 7'd1;
        case (p_sel)
            8'd0: begin pv = cur0; p_is_in = 1'b1; end
            8'd1: begin pv = cur1; p_is_in = 1'b1; p_nbytes = 7'd2; end
            8'd2: pv = cur2;
            8'd3: begin pv = cur3; p_nbytes = 7'd2; end
            default: begin pv = 16'd0; p_valid = 1'b0; end
        endcase
        p_rdata = pv >> (8 * p_byte);
    end

    // Watches, as the wrapper keeps them: per port a flag, the value at the
    // last evaluation point (or the baseline taken by w_set), and whether
    // this evaluation point already reported it.
    reg [3:0]  wen, done;
    reg [15:0] prev [0:3];
    wire [3:0] chg = {wen[3] && !done[3] && cur3 != prev[3],
                      wen[2] && !done[2] && cur2 != prev[2],
                      wen[1] && !done[1] && cur1 != prev[1],
                      wen[0] && !done[0] && cur0 != prev[0]};
    always @(*) begin
        w_hit = chg != 4'd0;
        w_idx = chg[0] ? 8'd0 : chg[1] ? 8'd1 : chg[2] ? 8'd2 : 8'd3;
    end

    function [15:0] cur(input integer i);
        case (i)
            0: cur = cur0;
            1: cur = cur1;
            2: cur = cur2;
            default: cur = cur3;
        endcase
    endfunction

    integer i;
    always @(posedge clk)
        for (i = 0; i < 4; i = i + 1) begin
            if (rst || w_clear) wen[i] <= 1'b0;
            else if (w_set && p_sel == i) wen[i] <= w_on;
            if (snap || (w_set && p_sel == i)) prev[i] <= cur(i);
            if (rst || snap) done[i] <= 1'b0;
            else if (w_ack && w_idx == i) done[i] <= 1'b1;
        end

    // Our own cycle counts: of the session (from reset or the last SYNC)
    // and of the DUT (from reset), which the counter port follows.
    integer cyc = 0, total = 0, tot_sync = 0;
    always @(posedge clk) begin
        if (advance) total <= total + 1;
        if (sync) begin
            cyc <= 0;
            tot_sync <= advance ? total + 1 : total;
        end else if (advance) begin
            cyc <= cyc + 1;
        end
    end

    // Every report byte taken, with the session cycle it went out at.
    reg [7:0] got [0:4095];
    integer   got_cyc [0:4095];
    integer   ngot = 0;
    always @(posedge clk)
        if (m_valid && m_ready) begin
            got[ngot] <= m_data;
            got_cyc[ngot] <= cyc;
            ngot <= ngot + 1;
        end

    // The reports expected from the current step, each byte with its cycle.
    reg [7:0] exb [0:4095];
    integer   exc [0:4095];
    integer   nex = 0, mark = 0;
    integer   k0;       // where a step's reports start, to spell some out
    // The cycle of the report being built, and of the last one carrying a
    // count (the count starts from it).
    integer   at = 0, last = 0;
    integer   passed = 0, failed = 0;

    task check(input ok, input [8*72-1:0] what);
        begin
            if (ok) begin passed = passed + 1; $display("ok %0s", what); end
            else begin
                failed = failed + 1;
                $display("FAIL %0s", what);
                // A mutant run (tests/suites/gateware/mutate.py) needs only the first.
                if ($test$plusargs("first_fail")) begin
                    $display("%0d passed, %0d failed", passed, failed);
                    $finish;
                end
            end
        end
    endtask

    task finish_now;
        begin
            $display("%0d passed, %0d failed", passed, failed);
            $finish;
        end
    endtask

    // Queues n command bytes, the first in the highest byte of b.
    task send(input integer n, input [63:0] b);
        integer k;
        for (k = n - 1; k >= 0; k = k - 1) begin
            cq[cq_wr] = b[8*k +: 8];
            cq_wr = cq_wr + 1;
        end
    endtask

    // Expects n report bytes at cycle `at`, the first in the highest byte of b.
    task exs(input integer n, input [63:0] b);
        integer k;
        for (k = n - 1; k >= 0; k = k - 1) begin
            exb[nex] = b[8*k +: 8];
            exc[nex] = at;
            nex = nex + 1;
        end
    endtask

    // A report's first byte at cycle c: its kind and the cycles since the
    // last report, in the low nibble up to 14, else 15 and two bytes.
    task hdr(input [3:0] k, input integer c);
        integer d;
        begin
            at = c;
            d = c - last;
            last = c;
            if (d < 15) exs(1, {k, d[3:0]});
            else exs(3, {k, 4'hF, d[7:0], d[15:8]});
        end
    endtask

    // TICK_R carries a full count the moment `since` would overflow.
    task tick;
        begin
            at = last + 65535;
            last = at;
            exs(3, 24'h8FFFFF);
        end
    endtask

    // HELLO_R carries no count and leaves the count running.
    task hello_r(input [7:0] tag, input integer c);
        integer k;
        begin
            at = c;
            exs(8, {8'h81, tag, 8'd2, 8'd4, 8'd2, 8'd9, 8'd11, 8'h2C});
            exs(1, 8'h01);
            for (k = 0; k < 8; k = k + 1)
                exs(1, SIG[8*k +: 8]);
        end
    endtask

    task status_r(input integer c);
        begin
            hdr(4'hF, c);
            exs(8, {CRC_E[7:0], CRC_E[15:8], SEQ_E[7:0], SEQ_E[15:8],
                    FR_OK[7:0], FR_OK[15:8], 8'd0, PHY_E[7:0]});
            exs(1, PHY_E[15:8]);
        end
    endtask

    // Waits until every queued byte is taken and the engine has sat
    // waiting for the next with nothing to report for 8 clocks. The
    // longest step runs 65541 cycles; past the bound the engine is stuck.
    task settle;
        integer n, q;
        begin
            q = 0;
            for (n = 0; q < 8 && n < 300000; n = n + 1) begin
                @(negedge clk);
                q = (cq_rd == cq_wr && c_ready && !m_valid) ? q + 1 : 0;
            end
            if (q < 8) begin
                failed = failed + 1;
                $display("FAIL the engine settles (stuck at session cycle %0d)", cyc);
                finish_now;
            end
        end
    endtask

    // Runs the queued commands and compares the reports with the expected.
    task step(input [8*72-1:0] what);
        integer k, ok;
        begin
            settle;
            ok = ngot - mark == nex;
            for (k = 0; ok && k < nex; k = k + 1)
                ok = got[mark + k] == exb[k] && got_cyc[mark + k] == exc[k];
            check(ok, what);
            if (!ok) begin
                for (k = mark; k < ngot; k = k + 1)
                    $display("    got %02x at cycle %0d", got[k], got_cyc[k]);
                for (k = 0; k < nex; k = k + 1)
                    $display("    expected %02x at cycle %0d", exb[k], exc[k]);
            end
            mark = ngot;
            nex = 0;
        end
    endtask

    task do_sync;
        begin
            sync = 1'b1;
            @(negedge clk);
            sync = 1'b0;
            last = 0;
        end
    endtask

    // A hung engine is caught by settle; this only bounds the whole run.
    initial begin
        #40000000;
        failed = failed + 1;
        $display("FAIL the run ends in time");
        finish_now;
    end

    // Cycles in the comments are the session's; the counter reads the
    // DUT's cycle (from reset) modulo 256; acc is the sum of port 0 over
    // the cycles before.
    initial begin
        repeat (3) @(negedge clk);
        rst = 1'b0;

        send(2, 16'h015A);
        hello_r(8'h5A, 0);
        step("HELLO_R: tag, version 2, ports, units, ring logs, payload, signature");
        send(1, 8'h08);
        status_r(0);
        step("STATUS_R: the link counters, not halted");
        check(blocked, "blocked while waiting for a command");

        // A poke is visible during its cycle: acc gains 5 per cycle from 0.
        send(3, 24'h200005);
        send(1, 8'h71);
        hdr(4'hD, 1);
        step("POKE at 0, RUN 1: RUN_R one cycle on");
        send(2, 16'h3303);
        hdr(4'h9, 4); exs(3, 24'h031400);
        send(2, 16'h3002);
        hdr(4'h9, 4); exs(2, 16'h0204);
        step("SAMPLE 3 cycles on: the accumulator and the counter at 4");
        send(4, 32'h2201EFBE);
        send(2, 16'h3001);
        hdr(4'h9, 6); exs(3, 24'h01EFBE);
        send(3, 24'h200001);
        send(2, 16'h3000);
        hdr(4'h9, 6); exs(2, 16'h0001);
        send(2, 16'h3103);
        hdr(4'h9, 7); exs(3, 24'h031F00);
        step("POKE a 16-bit input at 6, SAMPLE after POKE sees it, edge uses it");

        send(1, 8'h7E);
        hdr(4'hD, 21);
        step("RUN 14: delta 14 in the nibbles");
        send(3, 24'h7F0F00);
        hdr(4'hD, 36);
        step("RUN 15 in two bytes: RUN_R with 15 in two bytes");
        send(4, 32'h3F2C0102);
        hdr(4'h9, 336); exs(2, 16'h0250);
        send(3, 24'h7F0000);
        hdr(4'hD, 336);
        k0 = mark;
        step("SAMPLE 300 on, RUN 0 in two bytes: SAMPLE_R 300 on, RUN_R 0 on");
        // The same, spelled out rather than through hdr.
        check({got[k0], got[k0 + 1], got[k0 + 2], got[k0 + 5]} == 32'h9F2C01D0,
              "the long delta is little-endian: 9F 2C 01 ... D0");
        send(1, 8'h13);
        send(3, 24'h1F0201);
        send(1, 8'h70);
        hdr(4'hD, 597);
        step("WAIT 3, WAIT 258 (long), RUN 0: RUN_R 261 cycles on");
        send(1, 8'h14);
        send(2, 16'h01A5);
        hello_r(8'hA5, 601);
        send(1, 8'h70);
        hdr(4'hD, 601);
        step("HELLO_R carries no count and does not end it");

        // Watches at 601, where the counter is 0x59. The first WATCH_R,
        // at 602, cannot go out yet: the engine and the DUT must wait.
        hold = 1'b1;
        send(2, 16'h4002);
        send(2, 16'h4000);
        send(1, 8'h73);
        repeat (40) @(negedge clk);
        check(blocked && m_valid && cyc == 602, "a report held up: the engine and the DUT wait");
        hold = 1'b0;
        hdr(4'hA, 602); exs(2, 16'h025A);
        hdr(4'hA, 603); exs(2, 16'h025B);
        hdr(4'hA, 604); exs(2, 16'h025C);
        hdr(4'hD, 604);
        step("WATCH, RUN 3: WATCH_R at each evaluation point, not the baseline");
        send(3, 24'h210010);
        send(1, 8'h71);
        hdr(4'hA, 605); exs(2, 16'h0010);
        hdr(4'hA, 605); exs(2, 16'h025D);
        hdr(4'hA, 606); exs(2, 16'h025E);
        hdr(4'hD, 606);
        step("two watched ports changed: WATCH_R in port order");
        send(2, 16'h5002);
        send(1, 8'h73);
        hdr(4'hD, 609);
        send(2, 16'h5000);
        send(3, 24'h200011);
        send(1, 8'h71);
        hdr(4'hD, 610);
        step("UNWATCH: no more WATCH_R");

        // Break unit 0 on counter == 0x76, reached at 630, where a POKE
        // changes watched port 0: the watch reports before the break.
        send(5, 40'h60100276FF);
        send(2, 16'h4000);
        send(5, 40'h2F14000012);
        send(3, 24'h7F6400);
        hdr(4'hA, 630); exs(2, 16'h0012);
        hdr(4'hB, 630); exs(1, 8'h00);
        step("BREAK cond 1: WATCH_R, then BREAK_R at the cycle it holds");
        // Halted: these are parsed (value bytes and all) and discarded.
        send(2, 16'h3002);
        send(4, 32'h2201AABB);
        send(7, 56'h60110300_0100FF);
        send(1, 8'h08);
        send(2, 16'h0177);
        send(1, 8'h07);
        hdr(4'hE, 630); exs(2, 16'h0600);
        send(1, 8'h07);
        hdr(4'hE, 630); exs(2, 16'h0000);
        step("halted: six commands discarded, RESUME_R counts them; again: none");
        // The evaluation point that fired ended like any other: a port
        // changed after it is reported at the next one, here a RUN 0 at
        // the same cycle, and so is the change back before the next RUN.
        send(3, 24'h200014);
        send(1, 8'h70);
        hdr(4'hA, 630); exs(2, 16'h0014);
        hdr(4'hD, 630);
        send(3, 24'h200012);
        step("after a BREAK_R, the next evaluation points at its cycle watch");
        send(2, 16'h3001);
        hdr(4'h9, 630); exs(3, 24'h01EFBE);
        send(1, 8'h72);
        hdr(4'hA, 630); exs(2, 16'h0012);
        hdr(4'hD, 632);
        step("the discarded POKE and BREAK did nothing; RUN runs again");

        // A break fires during a POKE's advance: the POKE's two value
        // bytes (0x99, an unknown op if parsed as one) are its port's.
        send(5, 40'h6010027BFF);
        send(4, 32'h2A019999);
        hdr(4'hB, 635); exs(1, 8'h00);
        send(1, 8'h07);
        hdr(4'hE, 635); exs(2, 16'h0100);
        send(2, 16'h3001);
        hdr(4'h9, 635); exs(3, 24'h01EFBE);
        step("BREAK during a 16-bit POKE's advance: its value bytes skipped");
        // Unit 1, cond 2 on port 0 != 0x12; the POKE makes it hold at
        // once, before the BREAK behind it advances: its value and mask
        // (four bytes, port 3's) are skipped.
        send(5, 40'h60210012FF);
        send(3, 24'h200013);
        send(7, 56'h65100399_999999);
        hdr(4'hA, 635); exs(2, 16'h0013);
        hdr(4'hB, 635); exs(1, 8'h01);
        send(1, 8'h07);
        hdr(4'hE, 635); exs(2, 16'h0100);
        send(2, 16'h5000);
        step("BREAK cond 2 fires at the POKE's cycle, BREAK's value skipped");

        // acc is 0x474 at 635 and gains 0x10 a cycle from here. Unit 0:
        // acc & 0xFF00 == 0x0655 & 0xFF00 (first at 660, 0x604); unit 1:
        // acc == 0x0514 (at 645; its high byte alone matches at 644).
        send(3, 24'h200010);
        send(7, 56'h60100355_0600FF);
        send(7, 56'h60110314_05FFFF);
        send(3, 24'h7F3200);
        hdr(4'hB, 645); exs(1, 8'h01);
        send(1, 8'h07);
        hdr(4'hE, 645); exs(2, 16'h0100);
        step("BREAK on a 16-bit port, every byte compared");
        send(3, 24'h7F3200);
        hdr(4'hB, 660); exs(1, 8'h00);
        send(1, 8'h07);
        hdr(4'hE, 660); exs(2, 16'h0100);
        step("BREAK under a mask: value bits outside it ignored");

        // Both units hold with mask 0: unit 0 reports and disarms; unit 1
        // stays armed and fires at the next evaluation point, same cycle.
        send(5, 40'h6010000000);
        send(5, 40'h6011020000);
        send(1, 8'h71);
        hdr(4'hB, 660); exs(1, 8'h00);
        send(1, 8'h07);
        hdr(4'hE, 660); exs(2, 16'h0100);
        send(1, 8'h71);
        hdr(4'hB, 660); exs(1, 8'h01);
        send(1, 8'h07);
        hdr(4'hE, 660); exs(2, 16'h0100);
        send(1, 8'h71);
        hdr(4'hD, 661);
        step("two units hold: lowest first, each fires once");
        // The counter is 0x95 at 661; disarmed, 0x97 at 663 fires nothing.
        send(5, 40'h60100297FF);
        send(2, 16'h6000);
        send(1, 8'h75);
        hdr(4'hD, 666);
        step("BREAK cond 0 disarms");

        // Errors are checked before the advance: the cycle stays 666.
        send(4, 32'h25039999);
        hdr(4'hC, 666); exs(2, 16'h0525);
        send(1, 8'h74);
        send(1, 8'h07);
        hdr(4'hE, 666); exs(2, 16'h0200);
        step("POKE to an output: ERROR_R NOT_INPUT, value skipped, halted");
        send(5, 40'h6112009999);
        hdr(4'hC, 666); exs(2, 16'h0661);
        send(1, 8'h07);
        hdr(4'hE, 666); exs(2, 16'h0100);
        send(2, 16'h6309);
        hdr(4'hC, 666); exs(2, 16'h0663);
        send(1, 8'h07);
        hdr(4'hE, 666); exs(2, 16'h0100);
        step("BREAK unit 2 and 9 of 2: ERROR_R BAD_UNIT");
        send(5, 40'h6031009999);
        hdr(4'hC, 666); exs(2, 16'h0760);
        send(1, 8'h07);
        hdr(4'hE, 666); exs(2, 16'h0100);
        send(2, 16'h3003);
        hdr(4'h9, 666); exs(3, 24'h036406);
        step("BREAK cond 3: ERROR_R BAD_COND; nothing ran meanwhile");
        // Condition 4 (0x41: low bits 0) is no disarm: its port, value and
        // mask follow and are skipped, and the stream goes on.
        send(5, 40'h6041001234);
        hdr(4'hC, 666); exs(2, 16'h0760);
        send(1, 8'h07);
        hdr(4'hE, 666); exs(2, 16'h0100);
        send(2, 16'h3003);
        hdr(4'h9, 666); exs(3, 24'h036406);
        step("BREAK cond 4: ERROR_R BAD_COND, its value and mask skipped");
        send(1, 8'h80);
        hdr(4'hC, 666); exs(2, 16'h0180);
        send(1, 8'h07);
        send(1, 8'h08);
        send(1, 8'h71);
        send(2, 16'h015A);
        step("op 0x80: ERROR_R UNKNOWN_OP, then nothing");
        check(cyc == 666, "lost: the DUT stays at 666");

        do_sync;
        send(1, 8'h08);
        status_r(0);
        send(1, 8'h72);
        hdr(4'hD, 2);
        send(1, 8'h09);
        hdr(4'hC, 2); exs(2, 16'h0109);
        send(1, 8'h08);
        step("SYNC: commands again, cycles from 0; op 0x09 unknown");
        do_sync;
        send(2, 16'h3404);
        hdr(4'hC, 0); exs(2, 16'h0234);
        send(1, 8'h07);
        send(2, 16'h3002);
        step("SAMPLE port 4 of 4: ERROR_R BAD_PORT, then nothing");
        do_sync;
        send(3, 24'h200299);
        hdr(4'hC, 0); exs(2, 16'h0520);
        send(2, 16'h3005);
        hdr(4'hC, 0); exs(2, 16'h0230);
        send(1, 8'h07);
        step("a bad port while halted: ERROR_R BAD_PORT, then nothing");
        do_sync;
        send(1, 8'h08);
        status_r(0);
        step("SYNC leaves the halted state");

        send(3, 24'h7F0010);
        repeat (40) @(negedge clk);
        check(!blocked && cyc > 20, "not blocked while advancing");
        do_sync;
        send(1, 8'h08);
        status_r(0);
        send(1, 8'h71);
        hdr(4'hD, 1);
        step("SYNC abandons a RUN");

        send(1, 8'h15);
        send(3, 24'h1FFFFF);
        send(2, 16'h3002);
        tick;
        hdr(4'h9, 65541); exs(2, {8'h02, tot_sync[7:0] + 8'd5});
        step("WAIT 5, WAIT 65535: TICK_R within the second WAIT");
        send(3, 24'h1FFFFF);
        send(1, 8'h71);
        tick;
        hdr(4'hD, 131077);
        step("WAIT 65535 then RUN 1: TICK_R, then RUN_R");

        finish_now;
    end
endmodule
`default_nettype wire
