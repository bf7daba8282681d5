// A streaming CRC-16/CCITT-FALSE unit (polynomial 0x1021, initial 0xFFFF)
// behind a valid/ready handshake. A byte is taken at an edge where in_valid
// and in_ready are both high. in_ready drops for one cycle after every
// fourth byte taken, as a busy consumer would, so the sender must watch it.
// `start` (held for a cycle) clears the CRC; out_valid says crc holds the
// CRC of every byte taken since.
module crc (
    input  wire        clk,
    input  wire        start,
    input  wire        in_valid,
    input  wire [7:0]  in_data,
    output wire        in_ready,
    output reg  [15:0] crc,
    output reg         out_valid
);
    reg [1:0] taken;
    reg       stall;

    assign in_ready = !stall && !start;

    function [15:0] step(input [15:0] c, input [7:0] d);
        integer i;
        begin
            step = c ^ {d, 8'd0};
            for (i = 0; i < 8; i = i + 1)
                step = step[15] ? (step << 1) ^ 16'h1021 : step << 1;
        end
    endfunction

    always @(posedge clk) begin
        stall <= 1'b0;
        if (start) begin
            crc <= 16'hFFFF;
            out_valid <= 1'b0;
            taken <= 2'd0;
        end else if (in_valid && in_ready) begin
            crc <= step(crc, in_data);
            out_valid <= 1'b1;
            taken <= taken + 2'd1;
            stall <= taken == 2'd3;
        end
    end
endmodule
