`default_nettype none
// hil_ring alone, at LOG2 = 4 (so its address wraps within a few dozen
// bytes) and at the bridge's LOG2 = 10. The ring is the only buffer between
// the link layer and the engine in both directions: a byte lost, repeated,
// reordered or handed out before rd_end covers it is a corrupted stream,
// and the transmit side's go-back-N rests on `start` re-reading from an
// earlier offset whatever the reader had fetched. A model of the stream by
// full 16-bit offset is compared with every byte handed out, and pos and
// quiet with the model's reader on every clock, while a writer, rd_end, the
// reader's stalls (an LFSR) and rewinds move at random; the offsets pass
// 2^16 on the way.
// Prints "ok ..."/"FAIL ..." lines and "N passed, M failed".
`timescale 1ns/1ns

// One ring and its checks; tb_ring runs one per LOG2 in turn.
module tb_ring_run #(
    parameter LOG2 = 4,
    parameter [15:0] BASE = 16'd0,  // first offset, placed so the run passes 2^16
    parameter CLOCKS = 2000,        // clocks of each random phase
    parameter SEED = 1
) (
    input  wire clk,
    input  wire go,
    output reg  done
);
    localparam [15:0] SIZE = 1 << LOG2;

    reg we = 1'b0, start = 1'b0, out_ready = 1'b0;
    reg [15:0] waddr = 16'd0, start_pos = 16'd0, rd_end = 16'd0;
    reg [7:0] wdata = 8'd0;
    wire [7:0] out_data;
    wire out_valid, quiet;
    wire [15:0] pos;
    hil_ring #(.LOG2(LOG2)) dut (
        .clk(clk), .we(we), .waddr(waddr), .wdata(wdata),
        .start(start), .start_pos(start_pos), .rd_end(rd_end),
        .out_data(out_data), .out_valid(out_valid), .out_ready(out_ready),
        .pos(pos), .quiet(quiet));

    // The model: the byte last written at each offset, and where the reader
    // is, which moves on a handshake and jumps on start (a handshake in a
    // start clock does not count: start drops what was fetched).
    reg [7:0] stream [0:65535];
    reg [15:0] m_pos = 16'd0;
    reg armed = 1'b0;
    integer pops = 0, e_data = 0, e_pos = 0, e_past = 0, e_quiet = 0;

    always @(posedge clk) if (armed) begin
        if (pos !== m_pos)
            e_pos = e_pos + 1;
        // Nothing fetched and nothing left exactly when the reader has
        // reached rd_end, as pos + fetched == fetch <= rd_end.
        if (quiet !== (m_pos == rd_end))
            e_quiet = e_quiet + 1;
        if (out_valid !== 1'b0 && (out_valid !== 1'b1 || m_pos == rd_end))
            e_past = e_past + 1;
        if (start)
            m_pos = start_pos;
        else if (out_valid && out_ready) begin
            if (out_data !== stream[m_pos])
                e_data = e_data + 1;
            m_pos = m_pos + 16'd1;
            pops = pops + 1;
        end
    end

    integer passed = 0, failed = 0, seed = SEED, i, t;
    // wr: next offset to write; keep: the oldest offset that may still be
    // re-read (the peer's ack), so the writer stays within SIZE of it.
    reg [15:0] wr = 16'd0, keep = 16'd0, d;
    reg [15:0] lfsr = 16'hACE1;
    reg wrapped = 1'b0;

    task check(input cond, input [8*72-1:0] what);
        begin
            if (cond) begin
                passed = passed + 1;
                $display("ok LOG2=%0d: %0s", LOG2, what);
            end else begin
                failed = failed + 1;
                $display("FAIL LOG2=%0d: %0s", LOG2, what);
                $display("#   %0d bytes out; wrong data %0d, pos %0d, past rd_end %0d, quiet %0d",
                         pops, e_data, e_pos, e_past, e_quiet);
                // A mutant run (tests/suites/gateware/mutate.py) needs only the first.
                if ($test$plusargs("first_fail")) begin
                    $display("%0d passed, %0d failed", passed, failed);
                    $finish;
                end
            end
        end
    endtask

    task clear;
        begin
            pops = 0; e_data = 0; e_pos = 0; e_past = 0; e_quiet = 0;
        end
    endtask

    wire clean = e_data == 0 && e_pos == 0 && e_past == 0 && e_quiet == 0;

    task put;
        begin
            we = 1'b1;
            waddr = wr;
            wdata = $random(seed);
            stream[wr] = wdata;
            wr = wr + 16'd1;
            if (wr == 16'd0)
                wrapped = 1'b1;
        end
    endtask

    // Idle write port: garbage on the address and data, which must not land.
    task noput;
        begin
            we = 1'b0;
            waddr = $random(seed);
            wdata = $random(seed);
        end
    endtask

    task clock;
        begin
            @(posedge clk);
            #1;
            lfsr = {lfsr[14:0], lfsr[15] ^ lfsr[13] ^ lfsr[12] ^ lfsr[10]};
        end
    endtask

    // One clock of everything at random, chances out of 256: p_wr a write,
    // p_end rd_end moving over some of what was written (before this
    // clock, so it has landed), p_ack the ack moving up to the reader,
    // p_rew a rewind to between the ack and the reader. ready: 0 held
    // high, 1 stalls half the time, 2 three quarters.
    task tick(input integer p_wr, input integer p_end, input integer p_ack,
              input integer p_rew, input integer ready);
        begin
            if ({$random(seed)} % 256 < p_ack) begin
                d = m_pos - keep;
                keep = keep + {$random(seed)} % (d + 1);
            end
            if ({$random(seed)} % 256 < p_end) begin
                d = wr - rd_end;
                rd_end = rd_end + {$random(seed)} % (d + 1);
            end
            d = wr - keep;
            if (d < SIZE && {$random(seed)} % 256 < p_wr)
                put;
            else
                noput;
            case (ready)
                0: out_ready = 1'b1;
                1: out_ready = lfsr[0];
                default: out_ready = lfsr[0] && lfsr[5];
            endcase
            start = 1'b0;
            if ({$random(seed)} % 256 < p_rew) begin
                d = m_pos - keep;
                start = 1'b1;
                start_pos = keep + {$random(seed)} % (d + 1);
            end
            clock;
        end
    endtask

    // Releases everything written and reads it out; t is how long it took.
    task drain;
        begin
            noput;
            start = 1'b0;
            out_ready = 1'b1;
            rd_end = wr;
            // quiet is looked at only after a clock, once it has seen rd_end.
            clock;
            t = 1;
            while (quiet !== 1'b1 && t < 4 * SIZE + 16) begin
                clock;
                t = t + 1;
            end
            keep = m_pos;
        end
    endtask

    initial begin
        done = 1'b0;
        wait (go);
        @(posedge clk);
        #1;
        start = 1'b1;
        start_pos = BASE;
        rd_end = BASE;
        out_ready = 1'b1;
        clock;
        start = 1'b0;
        m_pos = BASE;
        wr = BASE;
        keep = BASE;
        armed = 1'b1;
        repeat (4) clock;
        check(clean && pops == 0 && quiet === 1'b1, "after start with nothing to read: quiet, nothing out");

        // The whole ring written while rd_end stays: it shows nothing,
        // then gives it all at one byte per clock once rd_end moves.
        clear;
        for (i = 0; i < SIZE; i = i + 1) begin
            put;
            clock;
        end
        noput;
        repeat (3) clock;
        check(clean && pops == 0, "a full ring written: nothing out before rd_end moves");
        clear;
        drain;
        check(clean && pops == SIZE && m_pos == wr,
              "a full ring out once, in order, pos counting");
        check(t <= SIZE + 3, "a full ring out at one byte per clock with out_ready high");

        // The reader catching up with rd_end byte by byte.
        clear;
        for (i = 0; i < 4 * SIZE; i = i + 1)
            tick(128, 256, 256, 0, 0);
        drain;
        check(clean && m_pos == wr, "rd_end moving a byte at a time, reader on its heels");

        // Rewinds with bytes in flight and in the queue: with out_ready
        // high (one fetched, one shown) and after a stall (two shown).
        clear;
        for (i = 0; i < SIZE; i = i + 1) begin
            put;
            clock;
        end
        noput;
        rd_end = wr;
        out_ready = 1'b1;
        repeat (5) clock;
        start = 1'b1;
        start_pos = keep + 16'd1;
        clock;
        start = 1'b0;
        repeat (4) clock;
        out_ready = 1'b0;
        repeat (4) clock;
        start = 1'b1;
        start_pos = keep;
        clock;
        start = 1'b0;
        drain;
        check(clean && m_pos == wr,
              "start re-reads from an earlier offset, streaming or stalled");

        // A rewind to rd_end itself leaves nothing to read.
        clear;
        start = 1'b1;
        start_pos = wr;
        clock;
        start = 1'b0;
        repeat (4) clock;
        check(clean && pops == 0 && quiet === 1'b1, "start at rd_end: quiet, nothing out");

        clear;
        for (i = 0; i < CLOCKS; i = i + 1)
            tick(160, 48, 256, 0, 1);
        drain;
        check(clean && m_pos == wr, "random writes, rd_end and stalls (LFSR)");

        clear;
        for (i = 0; i < CLOCKS; i = i + 1)
            tick(160, 48, 48, 4, 1 + i % 2);
        drain;
        check(clean && m_pos == wr, "random rewinds between the ack and the reader");

        clear;
        for (i = 0; i < CLOCKS; i = i + 1)
            tick(200, 96, 96, 2, i % 3);
        drain;
        check(clean && m_pos == wr && wrapped, "everything at random; the offsets have passed 2^16");

        armed = 1'b0;
        done = 1'b1;
    end
endmodule

module tb_ring;
    reg clk = 1'b0;
    always #5 clk = !clk;

    reg go4 = 1'b0, go10 = 1'b0;
    wire done4, done10;
    tb_ring_run #(.LOG2(4), .BASE(16'hFF90), .CLOCKS(2000), .SEED(11)) u4 (
        .clk(clk), .go(go4), .done(done4));
    tb_ring_run #(.LOG2(10), .BASE(16'hFC40), .CLOCKS(3000), .SEED(23)) u10 (
        .clk(clk), .go(go10), .done(done10));

    initial begin
        go4 = 1'b1;
        wait (done4);
        go10 = 1'b1;
        wait (done10);
        $display("%0d passed, %0d failed", u4.passed + u10.passed, u4.failed + u10.failed);
        $finish;
    end

    // Every wait above is bounded; this only guards against a bench bug.
    initial begin
        #2000000;
        $display("FAIL timed out");
        $display("%0d passed, %0d failed", u4.passed + u10.passed, u4.failed + u10.failed + 1);
        $finish;
    end
endmodule
`default_nettype wire
