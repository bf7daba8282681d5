`default_nettype none
// Feeds a byte stream (+n=BYTES host-to-bridge frame bytes, $readmemh from
// +in=FILE; without +n, as many as the file holds) into the generated top, one byte per clock (+gap=N: one every N
// clocks, as a UART delivers them to the compact bridge), and writes every
// byte the bridge sends to +out=FILE, until the bridge has been idle for a
// while (with +gap, which the compact bridge does not report: sent nothing
// for 100000 clocks). The checking is done by tests/suites/gateware/vectors.py, which
// also made the input from tests/fixtures/vectors/bridge.vec. Runs under
// Icarus, a third simulator next to Verilator and the oracle.
`timescale 1ns/1ns
module tb_vectors;
    reg clk = 1'b0;
    reg rst = 1'b1;
    reg [7:0] rx_data = 8'd0;
    reg rx_valid = 1'b0;
    wire [7:0] tx_data;
    wire tx_valid, idle;

    // With +gap the bridge's bytes leave at the same pace as the host's
    // come, as on a UART: tx_ready a clock in every gap.
    reg tx_ready = 1'b1;
    integer tx_clock = 0;
    always @(posedge clk) begin
        tx_clock <= (gap > 1 && tx_clock < gap - 1) ? tx_clock + 1 : 0;
        tx_ready <= gap <= 1 || tx_clock == gap - 1;
    end
    hil_top dut (.clk(clk), .rst(rst), .rx_data(rx_data), .rx_valid(rx_valid),
                 .tx_data(tx_data), .tx_valid(tx_valid), .tx_ready(tx_ready),
                 .phy_errors(16'd0), .idle(idle));

    reg [7:0] in [0:65535];
    reg [8*256-1:0] in_path, out_path;
    integer n_in, i, quiet, fd;
    integer gap = 0;

    always #5 clk = !clk;

    always @(posedge clk)
        if (tx_valid && tx_ready)
            $fwrite(fd, "%02x\n", tx_data);

    initial begin
        if (!$value$plusargs("in=%s", in_path) || !$value$plusargs("out=%s", out_path)) begin
            $display("usage: +in=FILE [+n=BYTES] +out=FILE [+gap=CLOCKS]");
            $finish;
        end
        if (!$value$plusargs("gap=%d", gap))
            gap = 0;
        if ($value$plusargs("n=%d", n_in)) begin
            $readmemh(in_path, in, 0, n_in - 1);
        end else begin
            $readmemh(in_path, in);
            n_in = 0;
            while (n_in < 65536 && in[n_in] !== 8'bx)
                n_in = n_in + 1;
        end
        if (n_in < 1 || n_in > 65536) begin
            $display("tb_vectors: no bytes in +in");
            $finish;
        end
        fd = $fopen(out_path, "w");
        repeat (4) @(posedge clk);
        rst <= 1'b0;
        // A board is up long before the host sends: the compact bridge's
        // program starts by clearing its memory.
        if (gap > 1)
            repeat (2000) @(posedge clk);
        for (i = 0; i < n_in; i = i + 1) begin
            @(posedge clk);
            rx_data <= in[i];
            rx_valid <= 1'b1;
            if (gap > 1) begin
                @(posedge clk);
                rx_valid <= 1'b0;
                repeat (gap - 2) @(posedge clk);
            end
        end
        @(posedge clk);
        rx_valid <= 1'b0;
        quiet = 0;
        while (quiet < (gap > 1 ? 100000 : 200)) begin
            @(posedge clk);
            quiet = ((gap > 1 || idle) && !tx_valid) ? quiet + 1 : 0;
        end
        $fclose(fd);
        $finish;
    end
endmodule
`default_nettype wire
