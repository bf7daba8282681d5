`default_nettype none
// Frame receiver: removes the byte stuffing of docs/protocol.md, section 1,
// and checks the CRC. It takes one byte per clock and never stalls, so a PHY
// can feed it directly. Data bytes come out with their index in the frame;
// at the closing END it says whether the frame was good and how long it was,
// and the link layer decides then what the bytes it already stored are worth.
module hil_frame_rx #(
    parameter [15:0] MAXLEN = 16'd300   // longest frame accepted, CRC included
) (
    input  wire        clk,
    input  wire        rst,
    input  wire [7:0]  in_data,
    input  wire        in_valid,
    output reg         b_valid,     // a data byte of the current frame
    output reg  [7:0]  b_data,
    output reg  [15:0] b_index,
    output reg         f_end,       // the frame just ended ...
    output reg         f_ok,        // ... with a good CRC and a sane length
    output reg  [15:0] f_len        // its length, CRC included
);
    localparam END = 8'hC0, ESC = 8'hDB, ESC_END = 8'hDC, ESC_ESC = 8'hDD;

    reg        esc;
    reg        bad;
    // pos stops at MAXLEN + 1, so it needs only PW bits; the outputs carry
    // zeros above them, which synthesis folds into the link layer's logic.
    localparam PW = $clog2(MAXLEN + 16'd2);
    reg [PW-1:0] pos;
    reg [31:0] crc;
    wire [31:0] crc_next;
    reg  [7:0] byte_val;

    hil_crc32 u_crc (.crc_in(crc), .data(byte_val), .crc_out(crc_next));

    always @(*) begin
        byte_val = in_data;
        if (esc)
            byte_val = (in_data == ESC_END) ? END : ESC;
    end

    always @(posedge clk) begin
        b_valid <= 1'b0;
        f_end   <= 1'b0;
        if (rst) begin
            esc <= 1'b0;
            bad <= 1'b0;
            pos <= 0;
            crc <= 32'hFFFFFFFF;
            f_ok <= 1'b0;
            f_len <= 16'd0;
        end else if (in_valid) begin
            if (in_data == END) begin
                if (pos != 0 || bad || esc) begin
                    f_end <= 1'b1;
                    f_ok  <= !bad && !esc && crc == 32'hDEBB20E3 &&
                             pos >= 11 && {{(16-PW){1'b0}}, pos} <= MAXLEN;
                    f_len <= {{(16-PW){1'b0}}, pos};
                end
                esc <= 1'b0;
                bad <= 1'b0;
                pos <= 0;
                crc <= 32'hFFFFFFFF;
            end else if (in_data == ESC && !esc) begin
                esc <= 1'b1;
            end else begin
                if (esc && in_data != ESC_END && in_data != ESC_ESC)
                    bad <= 1'b1;
                esc <= 1'b0;
                if ({{(16-PW){1'b0}}, pos} > MAXLEN) begin
                    bad <= 1'b1;
                end else begin
                    b_valid <= 1'b1;
                    b_data  <= byte_val;
                    b_index <= {{(16-PW){1'b0}}, pos};
                    pos     <= pos + 1'b1;
                    crc     <= crc_next;
                end
            end
        end
    end
endmodule
`default_nettype wire
