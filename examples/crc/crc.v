// crc: a streaming CRC-16/CCITT-FALSE unit (polynomial 0x1021, initial value
// 0xFFFF, no reflection, no final xor) behind a valid/ready handshake.
// A byte is taken at a rising edge where in_valid and in_ready are both high.
// After every fourth byte taken, in_ready drops for one cycle, as a busy
// consumer would, so a sender must hold its byte until in_ready is high.
// start (high for a cycle) clears the CRC to 0xFFFF; in_ready is low while
// start is high. out_valid is high once a byte has been taken since start;
// crc_out is then the CRC of every byte taken since start.
// (The output is crc_out, not crc: Verilator cannot build a top module that
// has a port with the module's own name.)
module crc (
    input  wire        clk,
    input  wire        start,
    input  wire        in_valid,
    input  wire [7:0]  in_data,
    output wire        in_ready,
    output reg  [15:0] crc_out,
    output reg         out_valid
);
    reg [1:0] taken;   // bytes taken since the last stall, modulo 4
    reg       stall;   // high during the cycle after every fourth byte

    assign in_ready = !stall && !start;

    // One byte through the CRC, most significant bit first.
    function [15:0] crc_byte(input [15:0] c, input [7:0] d);
        integer i;
        begin
            crc_byte = c ^ {d, 8'd0};
            for (i = 0; i < 8; i = i + 1)
                crc_byte = crc_byte[15] ? {crc_byte[14:0], 1'b0} ^ 16'h1021
                                        : {crc_byte[14:0], 1'b0};
        end
    endfunction

    always @(posedge clk) begin
        stall <= 1'b0;
        if (start) begin
            crc_out   <= 16'hFFFF;
            out_valid <= 1'b0;
            taken     <= 2'd0;
        end else if (in_valid && in_ready) begin
            crc_out   <= crc_byte(crc_out, in_data);
            out_valid <= 1'b1;
            taken     <= taken + 2'd1;
            stall     <= taken == 2'd3;
        end
    end
endmodule
