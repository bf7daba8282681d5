`default_nettype none
// The framers alone against tests/fixtures/vectors/frames.vec (prepared by
// tests/suites/gateware/frames.py): hil_frame_rx is fed every vector's wire
// bytes and logs, per frame end, whether it judged the frame good and its
// length; hil_frame_tx is given each good vector's header and payload and
// logs the wire bytes it makes. Icarus; the checking is done in Python.
`timescale 1ns/1ns
module tb_frames;
    parameter REGOUT = 1;
    // The CRC a bit a clock: the received bytes come 9 clocks apart.
    parameter BITWISE = 0;
    reg clk = 1'b0;
    reg rst = 1'b1;
    always #5 clk = !clk;

    reg [7:0] rx_data = 8'd0;
    reg rx_valid = 1'b0;
    wire b_valid, f_end, f_ok;
    wire [7:0] b_data;
    wire [15:0] b_index, f_len;
    hil_frame_rx #(.MAXLEN(16'd1035), .REGOUT(REGOUT), .BITWISE(BITWISE)) u_rx (
        .clk(clk), .rst(rst), .in_data(rx_data), .in_valid(rx_valid),
        .b_valid(b_valid), .b_data(b_data), .b_index(b_index),
        .f_end(f_end), .f_ok(f_ok), .f_len(f_len));

    reg [7:0] s_data = 8'd0;
    reg s_valid = 1'b0, s_last = 1'b0;
    wire s_ready, out_valid, busy;
    wire [7:0] out_data;
    hil_frame_tx #(.BITWISE(BITWISE)) u_tx (
        .clk(clk), .rst(rst), .s_data(s_data), .s_valid(s_valid), .s_last(s_last),
        .s_ready(s_ready), .out_data(out_data), .out_valid(out_valid),
        .out_ready(1'b1), .busy(busy));

    reg [7:0] rx_mem [0:65535];
    reg [7:0] tx_mem [0:65535];
    reg [8*256-1:0] dir;
    integer n_rx, n_tx, i, k, len, fd_rx, fd_tx;

    always @(posedge clk) begin
        if (f_end)
            $fwrite(fd_rx, "%0d %0d\n", f_ok, f_len);
        if (out_valid)
            $fwrite(fd_tx, "%02x\n", out_data);
    end

    initial begin
        if (!$value$plusargs("dir=%s", dir) || !$value$plusargs("nrx=%d", n_rx) ||
            !$value$plusargs("ntx=%d", n_tx)) begin
            $display("usage: +dir=DIR +nrx=N +ntx=N");
            $finish;
        end
        $readmemh({dir, "/rx.memh"}, rx_mem, 0, n_rx - 1);
        $readmemh({dir, "/tx.memh"}, tx_mem, 0, n_tx - 1);
        fd_rx = $fopen({dir, "/rx.out"}, "w");
        fd_tx = $fopen({dir, "/tx.out"}, "w");
        repeat (3) @(posedge clk);
        rst <= 1'b0;
        for (i = 0; i < n_rx; i = i + 1) begin
            @(posedge clk);
            rx_data <= rx_mem[i];
            rx_valid <= 1'b1;
            if (BITWISE) begin
                @(posedge clk);
                rx_valid <= 1'b0;
                repeat (7) @(posedge clk);
            end
        end
        @(posedge clk);
        rx_valid <= 1'b0;
        // tx.memh: for each frame, its length, then its bytes.
        i = 0;
        while (i < n_tx) begin
            len = tx_mem[i];
            i = i + 1;
            for (k = 0; k < len; k = k + 1) begin
                s_data <= tx_mem[i + k];
                s_last <= k == len - 1;
                s_valid <= 1'b1;
                @(posedge clk);
                while (!s_ready) @(posedge clk);
            end
            s_valid <= 1'b0;
            i = i + len;
        end
        while (busy) @(posedge clk);
        repeat (4) @(posedge clk);
        $fclose(fd_rx);
        $fclose(fd_tx);
        $finish;
    end
endmodule
`default_nettype wire
