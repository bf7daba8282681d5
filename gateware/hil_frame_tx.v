`default_nettype none
// Frame transmitter: takes a frame's header and payload as a byte stream
// (s_last on its final byte), appends the CRC and sends it byte-stuffed
// between two ENDs (docs/protocol.md, section 1). One byte per clock when the
// PHY keeps up; the only buffering is the second byte of an escape pair.
// With BITWISE the CRC takes a bit a clock (hil_crc32_bits), so a byte in
// takes 9 clocks: for a PHY as slow as a UART.
module hil_frame_tx #(
    parameter BITWISE = 0
) (
    input  wire       clk,
    input  wire       rst,
    input  wire [7:0] s_data,
    input  wire       s_valid,
    input  wire       s_last,
    output wire       s_ready,
    output wire [7:0] out_data,
    output wire       out_valid,
    input  wire       out_ready,
    output wire       busy          // a frame is being sent
);
    localparam END = 8'hC0, ESC = 8'hDB, ESC_END = 8'hDC, ESC_ESC = 8'hDD;
    localparam A_IDLE = 2'd0, A_PAY = 2'd1, A_CRC = 2'd2, A_EOF = 2'd3;

    // Stage A: the raw frame (delimiters, payload, CRC bytes).
    reg  [1:0]  a_st;
    reg  [1:0]  ci;
    reg  [7:0]  a_data;
    reg         a_valid, a_delim;
    wire        a_ready;
    // the CRC's byte ci, as sent; crc_wait: the CRC is not ready for a byte
    wire [7:0]  crc_out;
    wire        crc_wait;
    wire        a_go = a_valid && a_ready && !crc_wait;

    generate
        if (BITWISE) begin : g_bits
            // The CRC's bytes go out from its low byte, shifted down a
            // byte each.
            /* verilator lint_off UNUSEDSIGNAL */
            wire [31:0] crc;
            /* verilator lint_on UNUSEDSIGNAL */
            hil_crc32_bits u_crc (.clk(clk), .init(rst || (a_go && a_st == A_IDLE)),
                .load(a_go && (a_st == A_PAY || a_st == A_CRC)),
                .data(a_st == A_PAY ? s_data : 8'd0), .plain(a_st == A_CRC),
                .crc(crc), .busy(crc_wait));
            assign crc_out = ~crc[7:0];
        end else begin : g_bytes
            reg  [31:0] crc;
            wire [31:0] crc_next;
            hil_crc32 u_crc (.crc_in(crc), .data(s_data), .crc_out(crc_next));
            always @(posedge clk)
                if (rst || (a_go && a_st == A_IDLE)) crc <= 32'hFFFFFFFF;
                else if (a_go && a_st == A_PAY) crc <= crc_next;
            assign crc_out = ~crc[8*ci +: 8];
            assign crc_wait = 1'b0;
        end
    endgenerate

    always @(*) begin
        a_valid = 1'b0;
        a_delim = 1'b0;
        a_data  = s_data;
        case (a_st)
            A_IDLE: begin a_valid = s_valid; a_delim = 1'b1; end
            A_PAY:  a_valid = s_valid;
            A_CRC:  begin a_valid = 1'b1; a_data = crc_out; end
            default: begin a_valid = 1'b1; a_delim = 1'b1; end
        endcase
    end
    assign s_ready = (a_st == A_PAY) && a_ready && !crc_wait;

    always @(posedge clk) begin
        if (rst) begin
            a_st <= A_IDLE;
            ci   <= 2'd0;
        end else if (a_go) begin
            case (a_st)
                A_IDLE: a_st <= A_PAY;
                A_PAY: begin
                    if (s_last) begin a_st <= A_CRC; ci <= 2'd0; end
                end
                A_CRC: begin
                    ci <= ci + 2'd1;
                    if (ci == 2'd3) a_st <= A_EOF;
                end
                default: a_st <= A_IDLE;
            endcase
        end
    end

    // Stage B: byte stuffing, one byte of look-behind.
    reg       hv, hdelim, second;
    reg [7:0] hb;
    wire special  = (hb == END) || (hb == ESC);
    wire finishing = hv && out_ready && (second || hdelim || !special);
    assign a_ready   = !hv || finishing;
    assign out_valid = hv;
    assign out_data  = second ? (hb == END ? ESC_END : ESC_ESC) :
                       hdelim ? END : special ? ESC : hb;
    assign busy = hv || a_st != A_IDLE;

    always @(posedge clk) begin
        if (rst) begin
            hv <= 1'b0;
            second <= 1'b0;
            hdelim <= 1'b0;
            hb <= 8'd0;
        end else begin
            if (hv && out_ready && !finishing)
                second <= 1'b1;
            if (finishing) begin
                hv <= 1'b0;
                second <= 1'b0;
            end
            if (a_go) begin
                hv <= 1'b1;
                hb <= a_data;
                hdelim <= a_delim;
            end
        end
    end
endmodule
`default_nettype wire
