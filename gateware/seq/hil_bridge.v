`default_nettype none
// The compact bridge, for a PHY that delivers a byte at most every 16
// clocks (a UART: 30 or more). Same ports and the same protocol as the
// byte-a-clock bridge (gateware/hil_bridge.v, whose header describes the
// port bus), in about a third of the logic: the link layer and the
// command engine are a program (bridge.s) on the sequencer (hil_seq.v),
// and only what must keep pace with the bytes or the DUT is logic here:
//
// - receive: the framer (CRC, unstuffing); each frame's 7 header bytes go
//   into the sequencer's data memory, and at its end 2 bytes on it
//   (whether it was good and went in, the write offset after it): two
//   banks, so the program may take a frame's end as late as the next
//   one's. The payload and its CRC go into the receive ring at wexp, the
//   offset expected next, while the ring is not full and every byte before
//   went in (wcnt counts them): the program advertises 4 bytes less than
//   the ring, so a frame within the limit fits with its CRC. A good DATA
//   frame at seq wexp (compared a header byte at a time as they come, in
//   the ring's bits plus one: nothing in flight is further off) that went
//   in whole moves wexp past its payload at once, so the next frame lands
//   after it before the program has looked; the program commits it
//   (rx_end) after checking the 5 bits of seq above those, and sets wexp
//   back in the case that cannot happen on a live link, where they differ. A good SYNC sets wexp to 0 and holds the engine's reads until
//   the program has restarted (C_RESET). A frame that starts with both
//   banks full is dropped whole, and flagged (fe_over) until the program
//   reads the flag.
// - the program reads commands from the receive ring at RP (up to rx_end,
//   which it sets as it commits frames) and writes reports into the
//   transmit ring at WP.
// - transmit: the program hands the framer a frame's header a byte at a
//   time (hold_v: the byte before has not gone; an OUT to TXH would wait
//   for it), then starts the streamer, which sends cnt + 1 payload bytes
//   from the transmit ring at sp.
// - the DUT's clock: with `run` set, the DUT advances a cycle a clock while
//   there are cycles left (`left`, at most 255: the program counts the
//   rest, and the cycles since the last report), no watched port changed
//   and no break is armed (`evalmode`); otherwise the program does what the
//   cycle needs and advances it itself (`step`).
module hil_bridge #(
    parameter NPORTS = 1,
    parameter [63:0] SIGNATURE = 64'd0
) (
    input  wire        clk,
    input  wire        rst,
    input  wire [7:0]  rx_data,
    input  wire        rx_valid,
    output wire [7:0]  tx_data,
    output wire        tx_valid,
    input  wire        tx_ready,
    output wire        advance,
    output reg  [7:0]  p_sel,
    output reg  [5:0]  p_byte,
    input  wire [7:0]  p_rdata,
    input  wire [6:0]  p_nbytes,
    input  wire        p_is_in,
    input  wire        p_valid,
    output wire [7:0]  p_wdata,
    output wire        p_we,
    output wire        w_set,
    output wire        w_on,
    output wire        w_clear,
    input  wire        w_hit,
    input  wire [7:0]  w_idx,
    output wire        w_ack,
    output wire        snap,
    // (the program reads the count's low 4 bits often enough)
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [15:0] phy_errors,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire        idle,        // nothing will happen until a byte arrives
    // fast-forward is the simulators' too: tie ff_add to 0
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [15:0] ff_add,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire        ff_ok,
    output wire [15:0] ff_left
);
    // bridge.s is written for these.
    localparam NBRK = 2, RXLOG = 10, TXLOG = 10;
    localparam [15:0] MAXPAY = 16'd256;
    localparam RW = RXLOG + 1;
    localparam [7:0] NPORTS8 = NPORTS, NBRK8 = NBRK, RXLOG8 = RXLOG, TXLOG8 = TXLOG;
    // What HELLO_R reports after its tag, at the top of the data memory.
    localparam [127:0] CONSTS = {8'd0, SIGNATURE, MAXPAY, TXLOG8, RXLOG8,
                                 NBRK8, NPORTS8, 8'd2};
    // I/O ports: bridge.s has the same numbers.
    localparam I_RXB = 6'd0, I_STAT = 6'd1, I_FEINFO = 6'd2,
               I_RP_LO = 6'd4, I_RP_HI = 6'd5, I_WP_LO = 6'd6, I_WP_HI = 6'd7,
               I_LEFT = 6'd8, I_PDATA = 6'd10,
               I_PINFO = 6'd11, I_WIDX = 6'd12;
    localparam O_TXB = 6'd0, O_TXH = 6'd1, O_TXHL = 6'd2, O_TXSP_LO = 6'd3,
               O_TXSP_HI = 6'd4, O_TXCNT = 6'd5, O_WEXP_LO = 6'd6,
               O_WEXP_HI = 6'd7, O_RXEND_LO = 6'd10, O_RXEND_HI = 6'd11, O_LEFT = 6'd12,
               O_PSEL = 6'd14, O_PBYTE = 6'd15,
               O_PDATA = 6'd16, O_CTL = 6'd17, O_MODE = 6'd18;
    // O_CTL's bits, each a one-clock action.
    localparam C_STEP = 0, C_SNAP = 1, C_WSET = 2, C_WON = 3, C_WACK = 4,
               C_FEACK = 6, C_RESET = 7;
    // Where received headers go in the data memory: two banks of 16 bytes,
    // the header at 0..6, what its end showed at 7..8.
    localparam [8:0] HDR = 9'h1c0;

    assign ff_ok = 1'b0;
    assign ff_left = 16'd0;

    wire [5:0] io_addr;
    wire       io_rd, io_wr;
    wire [7:0] io_wdata;
    reg  [7:0] io_rdata;
    wire       out_wait;
    wire       wr_ctl = io_wr && io_addr == O_CTL;
    wire       sreset = rst || (wr_ctl && io_wdata[C_RESET]);

    // Receive: framer, header capture, payload into the ring.
    wire        b_valid, f_end, f_ok;
    wire [7:0]  b_data;
    wire [15:0] b_index;
    // (no f_len: the ring's write offset tells the payload's length)
    /* verilator lint_off PINCONNECTEMPTY */
    hil_frame_rx #(.MAXLEN(MAXPAY + 16'd11), .REGOUT(0), .BITWISE(1)) u_frx (
        .clk(clk), .rst(rst), .in_data(rx_data), .in_valid(rx_valid),
        .b_valid(b_valid), .b_data(b_data), .b_index(b_index),
        .f_end(f_end), .f_ok(f_ok), .f_len());
    /* verilator lint_on PINCONNECTEMPTY */

    // Where the next byte falls, from the framer's index a clock before
    // (the bytes are 16 clocks apart or more): the program's stall on a
    // header write hangs on these, and the index compares would make
    // that the bridge's longest path.
    reg           is_hdr, is_first;
    reg           wblock, fe_over, f_take, fl_data, fl_sync, sync_hold;
    reg  [1:0]    fe_w, fe_r;
    reg           info, ok_l;
    reg  [2:0]    wend_hi;
    reg  [8:0]    wcnt;
    reg  [RW-1:0] wexp, rx_end;
    // whether the frame's seq is wexp: its low byte, then the whole
    reg           seq_lo, seq_at;
    // Read and write offsets in the ring's bits plus one: the program
    // completes them to 16 from rx_exp and tx_acked.
    reg  [RW-1:0] rp;
    wire [RW-1:0] wnext = wexp + {2'd0, wcnt};
    wire [RW-1:0] wend = wnext - 11'd4;
    // After a SYNC the ring is the new session's, empty, whatever the
    // engine had left to read (the program sets rp back to 0). Registered,
    // as the bytes are 16 clocks apart or more: a clock late, it can only
    // miss room a read has just made, never that which a host within the
    // limit needs.
    reg           full;
    wire [1:0]    pending = fe_w - fe_r;
    wire          take_data = f_ok && fl_data && !fl_sync && !wblock && seq_at;
    reg           took;
    // Whether this frame is taken: decided at its first byte.
    wire          take = is_first ? pending != 2'd2 : f_take;
    // A frame's end writes the write offset's low byte then, and the
    // other byte in the next.
    wire          end_w = f_end && f_take;
    wire          hw_we = (b_valid && is_hdr && take) || end_w || info;
    wire [3:0]    hw_idx = info ? 4'd7 : end_w ? 4'd8 : b_index[3:0];
    wire [8:0]    hw_waddr = HDR + {4'd0, fe_w[0], hw_idx};
    wire [7:0]    hw_wdata = info ? {ok_l, took, 3'd0, wend_hi} : end_w ? wend[7:0] : b_data;
    wire          ring_we = b_valid && !is_hdr && !wblock && !full;
    wire          wr_wexp_lo = io_wr && io_addr == O_WEXP_LO;
    wire          wr_wexp_hi = io_wr && io_addr == O_WEXP_HI;

    always @(posedge clk) begin
        full <= !sync_hold && wnext == (rp ^ {1'b1, {RXLOG{1'b0}}});
        is_hdr <= b_index < 16'd7;
        is_first <= b_index == 16'd0;
        if (b_valid && is_first) begin
            // Without a bank for its header, none of the frame is taken.
            f_take <= take;
            wcnt <= 9'd0;
            wblock <= !take;
            fl_data <= b_data[0];
            fl_sync <= b_data[2];
        end else if (ring_we) begin
            wcnt <= wcnt + 9'd1;
        end else if (b_valid && !is_hdr) begin
            wblock <= 1'b1;
        end
        if (b_valid && b_index == 16'd3)
            seq_lo <= b_data == wexp[7:0];
        if (b_valid && b_index == 16'd4)
            seq_at <= seq_lo && b_data[RW-9:0] == wexp[RW-1:8];
        if (rst) begin
            fe_w <= 2'd0;
            fe_r <= 2'd0;
            info <= 1'b0;
            fe_over <= 1'b0;
            f_take <= 1'b0;
            sync_hold <= 1'b0;
            wexp <= {RW{1'b0}};
        end else begin
            if (wr_ctl && io_wdata[C_FEACK])
                fe_r <= fe_r + 2'd1;
            // An overrun stays until the program has read it.
            if (io_rd && io_addr == I_FEINFO)
                fe_over <= 1'b0;
            if (wr_ctl && io_wdata[C_RESET])
                sync_hold <= 1'b0;
            if (wr_wexp_lo) wexp[7:0] <= io_wdata;
            if (wr_wexp_hi) wexp[RW-1:8] <= io_wdata[RW-9:0];
            // The end's 2 bytes go in a clock each; then the bank is the
            // program's.
            if (info) begin
                info <= 1'b0;
                fe_w <= fe_w + 2'd1;
            end
            if (end_w) begin
                info <= 1'b1;
                ok_l <= f_ok;
                wend_hi <= wend[RW-1:8];
                took <= take_data;
                if (f_ok && fl_sync) begin
                    wexp <= {RW{1'b0}};
                    sync_hold <= 1'b1;
                end else if (take_data) begin
                    wexp <= wend;
                end
            end
            // A frame that was not taken, or an end with no frame before it
            // (an escape right before END): dropped, for the program to count.
            if (f_end && !f_take)
                fe_over <= 1'b1;
            if (f_end)
                f_take <= 1'b0;
        end
        if (io_wr && io_addr == O_RXEND_LO) rx_end[7:0] <= io_wdata;
        if (io_wr && io_addr == O_RXEND_HI) rx_end[RW-1:8] <= io_wdata[RW-9:0];
    end

    // The receive ring: written above, read by the program at RP.
    reg  [7:0]  rxmem [0:(1 << RXLOG) - 1];
    reg  [7:0]  rx_q;
    wire [RXLOG-1:0] ring_waddr = wnext[RXLOG-1:0];
    always @(posedge clk) begin
        if (ring_we)
            rxmem[ring_waddr] <= b_data;
        rx_q <= rxmem[rp[RXLOG-1:0]];
    end
    always @(posedge clk)
        if (sreset) rp <= {RW{1'b0}};
        else if (io_rd && io_addr == I_RXB) rp <= rp + 1'b1;
    wire rx_avail = rp != rx_end && !sync_hold;

    // The transmit ring: written by the program at WP, read by the streamer.
    reg  [7:0]  txmem [0:(1 << TXLOG) - 1];
    reg  [7:0]  tx_q;
    reg  [RW-1:0] wp;
    reg  [TXLOG-1:0] sp;
    reg  [7:0]  cnt;
    reg         streaming, fetched;
    always @(posedge clk) begin
        if (io_wr && io_addr == O_TXB)
            txmem[wp[TXLOG-1:0]] <= io_wdata;
        tx_q <= txmem[sp];
    end
    always @(posedge clk)
        if (sreset) wp <= {RW{1'b0}};
        else if (io_wr && io_addr == O_TXB) wp <= wp + 1'b1;

    // One byte ahead of the framer: a header byte from the program or a
    // payload byte from the streamer.
    reg  [7:0] hold;
    reg        hold_v, hold_last;
    wire       s_ready, ftx_busy;
    // A frame is still going out: the next waits, and meanwhile what it
    // will carry (acks above all) gathers.
    wire       tx_busy = streaming || hold_v || ftx_busy;
    wire       wr_hdr = io_wr && (io_addr == O_TXH || io_addr == O_TXHL);
    assign out_wait = (io_addr == O_TXH || io_addr == O_TXHL) && hold_v;
    always @(posedge clk) begin
        if (sreset) begin
            hold_v <= 1'b0;
            streaming <= 1'b0;
            fetched <= 1'b0;
        end else begin
            if (hold_v && s_ready)
                hold_v <= 1'b0;
            fetched <= 1'b0;
            if (wr_hdr) begin
                hold <= io_wdata;
                hold_v <= 1'b1;
                hold_last <= io_addr == O_TXHL;
            end else if (streaming && !hold_v && !fetched) begin
                // tx_q holds txmem[sp] since sp last moved: take it.
                hold <= tx_q;
                hold_v <= 1'b1;
                hold_last <= cnt == 8'd0;
                sp <= sp + 1'b1;
                cnt <= cnt - 8'd1;
                streaming <= cnt != 8'd0;
                fetched <= 1'b1;
            end
            if (io_wr && io_addr == O_TXCNT) begin
                cnt <= io_wdata;
                streaming <= 1'b1;
                fetched <= 1'b1;
            end
        end
        if (io_wr && io_addr == O_TXSP_LO) sp[7:0] <= io_wdata;
        if (io_wr && io_addr == O_TXSP_HI) sp[TXLOG-1:8] <= io_wdata[TXLOG-9:0];
    end

    hil_frame_tx #(.BITWISE(1)) u_ftx (
        .clk(clk), .rst(sreset),
        .s_data(hold), .s_valid(hold_v), .s_last(hold_last), .s_ready(s_ready),
        .out_data(tx_data), .out_valid(tx_valid), .out_ready(tx_ready),
        .busy(ftx_busy));

    // The DUT's clock.
    reg  [7:0]  left;
    reg         run, evalmode;
    wire        left_zero = left == 8'd0;
    wire        free = run && !left_zero && !w_hit && !evalmode;
    wire        step = wr_ctl && io_wdata[C_STEP];
    assign advance = free || step;
    assign snap = advance || (wr_ctl && io_wdata[C_SNAP]);
    always @(posedge clk) begin
        if (sreset) begin
            left <= 8'd0;
            run <= 1'b0;
            evalmode <= 1'b0;
        end else begin
            if (advance)
                left <= left - 8'd1;
            if (io_wr && io_addr == O_LEFT) left <= io_wdata;
            if (io_wr && io_addr == O_MODE) begin
                run <= io_wdata[0];
                evalmode <= io_wdata[1];
            end
        end
    end

    // Idle, for the simulators of the board (hil_uart_main.cpp waits for
    // the host while it holds): the program says so when it waits for a
    // command byte with nothing due, and a byte arriving takes it back; it
    // holds only while no work shows here either.
    reg idle_said;
    always @(posedge clk)
        if (rst || rx_valid)
            idle_said <= 1'b0;
        else if (io_wr && io_addr == O_MODE)
            idle_said <= io_wdata[2];
    assign idle = idle_said && pending == 2'd0 && !fe_over && !info && !tx_busy &&
                  !rx_avail && !b_valid && !f_end;

    // The port bus.
    assign p_wdata = io_wdata;
    assign p_we    = io_wr && io_addr == O_PDATA;
    assign w_set   = wr_ctl && io_wdata[C_WSET];
    assign w_on    = io_wdata[C_WON];
    assign w_ack   = wr_ctl && io_wdata[C_WACK];
    assign w_clear = sreset;
    always @(posedge clk) begin
        if (io_wr && io_addr == O_PSEL)
            p_sel <= io_wdata;
        if (io_wr && io_addr == O_PBYTE)
            p_byte <= io_wdata[5:0];
        else if (p_we || (io_rd && io_addr == I_PDATA))
            p_byte <= p_byte + 6'd1;
    end

    always @(*)
        case (io_addr)
            I_RXB: io_rdata = rx_q;
            I_STAT: io_rdata = {rx_avail, pending != 2'd0 || fe_over, tx_busy, w_hit,
                                left_zero, pending != 2'd0, p_is_in, rp[5:0] == 6'd0};
            I_FEINFO: io_rdata = {phy_errors[3:0], 3'd0, fe_over};
            I_RP_LO: io_rdata = rp[7:0];
            I_RP_HI: io_rdata = {{(16 - RW){1'b0}}, rp[RW-1:8]};
            I_WP_LO: io_rdata = wp[7:0];
            I_WP_HI: io_rdata = {{(16 - RW){1'b0}}, wp[RW-1:8]};
            I_LEFT: io_rdata = left;
            I_PDATA: io_rdata = p_rdata;
            I_PINFO: io_rdata = {p_valid, p_nbytes};
            I_WIDX: io_rdata = w_idx;
            default: io_rdata = 8'd0;
        endcase

    wire [10:0] rom_addr;
    wire        rom_en;
    wire [15:0] rom_data;
    hil_seq_rom u_rom (.clk(clk), .en(rom_en), .addr(rom_addr), .data(rom_data));
    hil_seq #(.CONSTS(CONSTS)) u_seq (
        .clk(clk), .rst(rst), .rom_addr(rom_addr), .rom_en(rom_en), .rom_data(rom_data),
        .io_addr(io_addr), .io_rd(io_rd), .io_wr(io_wr), .io_wdata(io_wdata),
        .io_rdata(io_rdata), .out_wait(out_wait),
        .hw_we(hw_we), .hw_waddr(hw_waddr), .hw_wdata(hw_wdata));
endmodule
`default_nettype wire
