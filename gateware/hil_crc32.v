`default_nettype none
// One byte of CRC-32/ISO-HDLC (reflected, polynomial 0x04C11DB7): the CRC of
// every frame on the link (docs/protocol.md, section 1). Combinational, so the
// framers can check and append it at one byte per clock.
module hil_crc32 (
    input  wire [31:0] crc_in,
    input  wire [7:0]  data,
    output reg  [31:0] crc_out
);
    integer i;
    always @(*) begin
        crc_out = crc_in ^ {24'd0, data};
        for (i = 0; i < 8; i = i + 1)
            crc_out = crc_out[0] ? ((crc_out >> 1) ^ 32'hEDB88320) : (crc_out >> 1);
    end
endmodule
`default_nettype wire
