`default_nettype none
// CRC-32/ISO-HDLC (the link's, as hil_crc32) a bit a clock, for framers
// whose bytes come 9 clocks apart or more (the compact bridge's: a UART
// byte is 30 clocks or more). A byte-wide XOR network costs about 45 logic
// cells more than this shift register, which is what a byte's 8 clocks buy.
//
// `load` XORs `data` into the low byte and starts 8 steps of division by
// the polynomial; with `plain` the 8 steps only shift, so that after a
// frame's payload the register's low byte is each CRC byte in turn (sent
// complemented). `busy` holds during the steps; a load meanwhile would
// lose the steps left, so the framer waits. `init` starts a frame.
module hil_crc32_bits (
    input  wire        clk,
    input  wire        init,
    input  wire        load,
    input  wire [7:0]  data,
    input  wire        plain,
    output reg  [31:0] crc,
    output reg         busy
);
    reg [2:0] n;
    reg       divide;
    always @(posedge clk) begin
        if (init) begin
            crc <= 32'hFFFFFFFF;
            busy <= 1'b0;
        end else if (load) begin
            crc[7:0] <= crc[7:0] ^ data;
            busy <= 1'b1;
            divide <= !plain;
            n <= 3'd0;
        end else if (busy) begin
            crc <= {1'b0, crc[31:1]} ^ (crc[0] && divide ? 32'hEDB88320 : 32'd0);
            n <= n + 3'd1;
            if (n == 3'd7)
                busy <= 1'b0;
        end
    end
endmodule
`default_nettype wire
