`default_nettype none
// Frame receiver: removes the byte stuffing of docs/protocol.md, section 1,
// and checks the CRC. It takes one byte per clock and never stalls, so a PHY
// can feed it directly. Data bytes come out with their index in the frame;
// at the closing END it says whether the frame was good and how long it was,
// and the link layer decides then what the bytes it already stored are worth.
// With REGOUT the outputs are registered (a clock after the byte); without,
// they come in the byte's own clock, which saves the registers where the
// logic behind has time for it (the compact bridge, a byte per 16 clocks
// or more). With BITWISE the CRC takes a bit a clock (hil_crc32_bits), for
// a PHY whose bytes are 9 clocks apart or more.
module hil_frame_rx #(
    parameter [15:0] MAXLEN = 16'd300,  // longest frame accepted, CRC included
    parameter REGOUT = 1,
    parameter BITWISE = 0
) (
    input  wire        clk,
    input  wire        rst,
    input  wire [7:0]  in_data,
    input  wire        in_valid,
    output wire        b_valid,     // a data byte of the current frame
    output wire [7:0]  b_data,
    output wire [15:0] b_index,
    output wire        f_end,       // the frame just ended ...
    output wire        f_ok,        // ... with a good CRC and a sane length
    output wire [15:0] f_len        // its length, CRC included
);
    localparam END = 8'hC0, ESC = 8'hDB, ESC_END = 8'hDC, ESC_ESC = 8'hDD;

    reg        esc;
    reg        bad;
    // pos stops at MAXLEN + 1, so it needs only PW bits; the outputs carry
    // zeros above them, which synthesis folds into the link layer's logic.
    localparam PW = $clog2(MAXLEN + 16'd2);
    reg [PW-1:0] pos;
    // pos == MAXLEN + 1, set as pos gets there: a compare of pos here
    // would sit on the path from a byte to the logic behind.
    reg too_far;
    wire [31:0] crc;
    reg  [7:0] byte_val;
    wire [15:0] pos16 = {{(16-PW){1'b0}}, pos};

    always @(*) begin
        byte_val = in_data;
        if (esc)
            byte_val = (in_data == ESC_END) ? END : ESC;
    end

    // This clock's outcome.
    wire is_end  = in_data == END;
    wire is_esc  = in_data == ESC && !esc;
    wire n_byte  = in_valid && !is_end && !is_esc && !too_far;
    wire n_end   = in_valid && is_end && (pos != 0 || bad || esc);
    wire n_ok    = !bad && !esc && crc == 32'hDEBB20E3 && pos16 >= 16'd11 && !too_far;

    // The CRC: started at each END, a byte added for each byte kept.
    wire crc_init = rst || (in_valid && is_end);
    generate
        if (BITWISE) begin : g_bits
            /* verilator lint_off PINCONNECTEMPTY */
            hil_crc32_bits u_crc (.clk(clk), .init(crc_init), .load(n_byte),
                .data(byte_val), .plain(1'b0), .crc(crc), .busy());
            /* verilator lint_on PINCONNECTEMPTY */
        end else begin : g_bytes
            reg  [31:0] r;
            wire [31:0] r_next;
            hil_crc32 u_crc (.crc_in(r), .data(byte_val), .crc_out(r_next));
            always @(posedge clk)
                if (crc_init) r <= 32'hFFFFFFFF;
                else if (n_byte) r <= r_next;
            assign crc = r;
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            esc <= 1'b0;
            bad <= 1'b0;
            pos <= 0;
            too_far <= 1'b0;
        end else if (in_valid) begin
            if (is_end) begin
                esc <= 1'b0;
                bad <= 1'b0;
                pos <= 0;
                too_far <= 1'b0;
            end else if (is_esc) begin
                esc <= 1'b1;
            end else begin
                if (esc && in_data != ESC_END && in_data != ESC_ESC)
                    bad <= 1'b1;
                esc <= 1'b0;
                if (too_far) begin
                    bad <= 1'b1;
                end else begin
                    pos <= pos + 1'b1;
                    too_far <= pos16 == MAXLEN;
                end
            end
        end
    end

    generate
        if (REGOUT) begin : g_reg
            reg        r_valid, r_end, r_ok;
            reg [7:0]  r_data;
            reg [15:0] r_index, r_len;
            always @(posedge clk) begin
                r_valid <= !rst && n_byte;
                r_end <= !rst && n_end;
                if (rst) begin
                    r_ok <= 1'b0;
                    r_len <= 16'd0;
                end else if (n_end) begin
                    r_ok <= n_ok;
                    r_len <= pos16;
                end
                if (n_byte) begin
                    r_data <= byte_val;
                    r_index <= pos16;
                end
            end
            assign b_valid = r_valid;
            assign b_data = r_data;
            assign b_index = r_index;
            assign f_end = r_end;
            assign f_ok = r_ok;
            assign f_len = r_len;
        end else begin : g_comb
            assign b_valid = !rst && n_byte;
            assign b_data = byte_val;
            assign b_index = pos16;
            assign f_end = !rst && n_end;
            assign f_ok = n_ok;
            assign f_len = pos16;
        end
    endgenerate
endmodule
`default_nettype wire
