`default_nettype none
// hil_crc32_bits alone, against hil_crc32 (the byte-wide CRC the
// byte-a-clock framers use, itself checked against the host's CRC through
// the frame vectors). Frames of random bytes at random lengths go in as
// the framers feed it: a byte whenever busy is low, after 0-3 idle clocks;
// after each frame the register must equal the reference, and four plain
// loads must bring up the reference's four bytes in turn at the low byte
// (what hil_frame_tx sends). Also: busy lasts exactly 8 clocks, init wins
// over a load in the same clock, and an init in the middle of the steps
// starts afresh.
// Prints "ok ..."/"FAIL ..." lines and "N passed, M failed".
`timescale 1ns/1ns
module tb_crc32_bits;
    reg clk = 1'b0;
    always #5 clk = !clk;

    reg        init = 1'b1, load = 1'b0, plain = 1'b0;
    reg  [7:0] data = 8'd0;
    wire [31:0] crc;
    wire       busy;
    hil_crc32_bits dut (.clk(clk), .init(init), .load(load), .data(data), .plain(plain),
                        .crc(crc), .busy(busy));

    reg  [31:0] ref = 32'hFFFFFFFF;
    wire [31:0] ref_next;
    hil_crc32 u_ref (.crc_in(ref), .data(data), .crc_out(ref_next));

    integer passed = 0, failed = 0, seed = 7, f, i, k, len;
    integer e_value = 0, e_bytes = 0, e_busy = 0, frames = 0;

    task check(input cond, input [8*72-1:0] what);
        begin
            if (cond) begin
                passed = passed + 1;
                $display("ok %0s", what);
            end else begin
                failed = failed + 1;
                $display("FAIL %0s", what);
                $display("#   frames %0d: wrong value %0d, wrong CRC bytes %0d, busy wrong %0d",
                         frames, e_value, e_bytes, e_busy);
                if ($test$plusargs("first_fail")) begin
                    $display("%0d passed, %0d failed", passed, failed);
                    $finish;
                end
            end
        end
    endtask

    // One load, then the 8 clocks of busy it must cause.
    task put(input [7:0] d, input p);
        begin
            data <= d;
            plain <= p;
            load <= 1'b1;
            @(posedge clk);
            load <= 1'b0;
            data <= 8'd0;
            for (k = 0; k < 8; k = k + 1) begin
                #1;
                if (!busy) e_busy = e_busy + 1;
                @(posedge clk);
            end
            #1;
            if (busy) e_busy = e_busy + 1;
            for (k = $unsigned($random(seed)) % 4; k > 0; k = k - 1)
                @(posedge clk);
        end
    endtask

    initial begin
        @(posedge clk);
        @(posedge clk);
        init <= 1'b0;
        for (f = 0; f < 300; f = f + 1) begin
            @(posedge clk);
            init <= 1'b1;
            ref = 32'hFFFFFFFF;
            @(posedge clk);
            init <= 1'b0;
            #1;
            len = $unsigned($random(seed)) % (f < 10 ? 3 : 40);
            for (i = 0; i < len; i = i + 1) begin
                data = $random(seed);
                #1 ref = ref_next;
                put(data, 1'b0);
            end
            if (crc !== ref) e_value = e_value + 1;
            for (i = 0; i < 4; i = i + 1) begin
                if (crc[7:0] !== ref[8*i +: 8]) e_bytes = e_bytes + 1;
                put(8'd0, 1'b1);
            end
            frames = frames + 1;
        end
        check(e_value == 0, "after every frame the register is the byte-wide CRC's");
        check(e_bytes == 0, "plain loads bring up the CRC's four bytes at the low byte");
        check(e_busy == 0, "busy holds for exactly the 8 steps of each load");

        // init and load in one clock: init wins.
        data <= 8'h5A;
        load <= 1'b1;
        init <= 1'b1;
        @(posedge clk);
        load <= 1'b0;
        init <= 1'b0;
        #1;
        check(crc === 32'hFFFFFFFF && !busy, "init wins over a load in the same clock");

        // init in the middle of the steps: the register starts afresh.
        put(8'hA5, 1'b0);
        data <= 8'h3C;
        load <= 1'b1;
        @(posedge clk);
        load <= 1'b0;
        repeat (3) @(posedge clk);
        init <= 1'b1;
        @(posedge clk);
        init <= 1'b0;
        #1;
        check(crc === 32'hFFFFFFFF && !busy, "init in the middle of the steps starts afresh");
        ref = 32'hFFFFFFFF;
        data = 8'h31;
        #1 ref = ref_next;
        put(8'h31, 1'b0);
        check(crc === ref, "and the next byte is the first of a new CRC");

        $display("%0d passed, %0d failed", passed, failed);
        $finish;
    end
endmodule
`default_nettype wire
