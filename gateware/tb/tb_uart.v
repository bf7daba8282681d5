`default_nettype none
// Bit-level test of the UART PHY: the transmitter looped into a receiver at
// the exact divisor; a serial line model driving a second receiver with the
// baud off by -2%, +2% and +3%; glitches shorter than half a bit; a break;
// line noise. After each disturbance the receiver must take good bytes
// again. Prints "ok ..."/"FAIL ..." lines and "N passed, M failed".
// Run with -DDIVISOR=n (bridge clocks per bit).
`timescale 1ns/1ps
module tb_uart;
`ifndef DIVISOR
`define DIVISOR 4
`endif
    localparam DIV = `DIVISOR;
    localparam real TCLK = 10.0;

    reg clk = 1'b0;
    reg rst = 1'b1;
    always #(TCLK / 2) clk = !clk;

    // Loopback: transmitter into receiver A.
    reg [7:0] tx_data = 8'd0;
    reg tx_valid = 1'b0;
    wire tx_ready, txd;
    hil_uart_tx #(.DIV(DIV)) u_tx (.clk(clk), .rst(rst), .data(tx_data),
                                  .valid(tx_valid), .ready(tx_ready), .txd(txd));
    wire [7:0] a_data;
    wire a_valid;
    wire [15:0] a_errs;
    hil_uart_rx #(.DIV(DIV)) u_rxa (.clk(clk), .rst(rst), .rxd(txd), .data(a_data),
                                   .valid(a_valid), .frame_errors(a_errs));

    // Receiver B, driven by a line model with its own bit time.
    reg line = 1'b1;
    wire [7:0] b_data;
    wire b_valid;
    wire [15:0] b_errs;
    hil_uart_rx #(.DIV(DIV)) u_rxb (.clk(clk), .rst(rst), .rxd(line), .data(b_data),
                                   .valid(b_valid), .frame_errors(b_errs));

    reg [7:0] got_a [0:1023];
    reg [7:0] got_b [0:1023];
    integer na = 0, nb = 0;
    always @(posedge clk) begin
        if (a_valid) begin got_a[na] = a_data; na = na + 1; end
        if (b_valid) begin got_b[nb] = b_data; nb = nb + 1; end
    end

    integer passed = 0, failed = 0, i, seed = 7, k, start;
    reg [7:0] sent [0:1023];

    task check(input cond, input [8*64-1:0] what);
        begin
            if (cond) begin passed = passed + 1; $display("ok %0s", what); end
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

    task send_b(input [7:0] b, input real tbit);
        integer j;
        begin
            line = 1'b0;
            #(tbit);
            for (j = 0; j < 8; j = j + 1) begin
                line = b[j];
                #(tbit);
            end
            line = 1'b1;
            #(tbit);
        end
    endtask

    // Sends 64 bytes at bit time tbit to receiver B and checks them.
    task burst_b(input real tbit, input [8*64-1:0] what);
        integer j, ok;
        begin
            start = nb;
            for (j = 0; j < 64; j = j + 1) begin
                sent[j] = $random(seed);
                send_b(sent[j], tbit);
            end
            #(TCLK * DIV * 4);
            ok = nb == start + 64;
            for (j = 0; ok && j < 64; j = j + 1)
                ok = got_b[start + j] == sent[j];
            check(ok, what);
        end
    endtask

    initial begin
        repeat (4) @(posedge clk);
        rst <= 1'b0;
        repeat (4) @(posedge clk);

        for (i = 0; i < 256; i = i + 1) begin
            sent[i] = $random(seed);
            @(posedge clk);
            while (!tx_ready) @(posedge clk);
            tx_data <= sent[i];
            tx_valid <= 1'b1;
            @(posedge clk);
            tx_valid <= 1'b0;
        end
        repeat (DIV * 12) @(posedge clk);
        k = na == 256 && a_errs == 0;
        for (i = 0; k && i < 256; i = i + 1)
            k = got_a[i] == sent[i];
        check(k, "loopback: 256 bytes back to back at the exact divisor");

        burst_b(TCLK * DIV, "line model at the exact baud");
        burst_b(TCLK * DIV * 0.98, "baud 2% fast");
        burst_b(TCLK * DIV * 1.02, "baud 2% slow");
        burst_b(TCLK * DIV * 1.03, "baud 3% slow");

        // Glitches shorter than half a bit are not start bits.
        start = nb;
        for (i = 0; i < 20; i = i + 1) begin
            line = 1'b0;
            #(TCLK * (DIV / 2 - 1) + 1);
            line = 1'b1;
            #(TCLK * DIV * 3);
        end
        check(nb == start && b_errs == 0, "short glitches ignored");

        // A break: the line low for 30 bit times is one framing error, and
        // nothing received; then bytes come through again.
        start = nb;
        line = 1'b0;
        #(TCLK * DIV * 30);
        line = 1'b1;
        #(TCLK * DIV * 2);
        check(nb == start && b_errs == 1, "break: one framing error, no byte");
        burst_b(TCLK * DIV, "bytes after a break");

        // Noise: random levels for a while, then an idle line of one frame.
        for (i = 0; i < 200; i = i + 1) begin
            line = $random(seed);
            #(TCLK * (1 + ($random(seed) & 7)));
        end
        line = 1'b1;
        #(TCLK * DIV * 12);
        burst_b(TCLK * DIV, "bytes after line noise");

        $display("%0d passed, %0d failed", passed, failed);
        $finish;
    end
endmodule
`default_nettype wire
