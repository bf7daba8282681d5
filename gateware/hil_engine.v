// The command engine: executes the host's commands strictly in stream order
// and owns the DUT's clock enable (docs/protocol.md, sections 3 and 4).
//
// A command stamped beyond the current cycle first advances the DUT to its
// stamp, one cycle at a time, each edge preceded by an evaluation point
// (watch reports, then break checks). When nothing is watched-and-changed and
// no break is armed, an evaluation point costs nothing and the DUT advances
// once per clock. Reports are written into the transmit ring with back
// pressure: while the ring is full the engine waits, and so does the DUT.
//
// Fast-forward (simulation only; ff_add is tied to 0 on the chip, where
// synthesis removes it): while ff_ok holds, the engine is only counting
// cycles toward a stamp ff_left cycles away, with no break armed. A
// simulator that clocks the DUT on its own may then give it ff_add more
// edges than the bridge takes clocks; the advancing edge adds them to the
// cycle counter, so the engine ends where ff_add + 1 single steps would
// have left it. The simulator must stop short of the stamp, and before any
// watched port changes.
module hil_engine #(
    parameter NPORTS = 1,
    parameter NBRK = 2,
    parameter RXLOG = 10,
    parameter TXLOG = 10,
    parameter MAXPAY = 256,
    parameter [63:0] SIGNATURE = 64'd0
) (
    input  wire        clk,
    input  wire        rst,         // power-on: also clears the cycle counter
    input  wire        sync,        // link restart: everything but DUT and cycle
    // commands
    input  wire [7:0]  c_data,
    input  wire        c_valid,
    output reg         c_ready,
    // reports
    output reg  [7:0]  m_data,
    output reg         m_valid,
    input  wire        m_ready,
    // the DUT's clock enable and the cycle it is in
    output reg         advance,
    output reg  [47:0] cycle,
    // port bus, see hil_bridge.v
    output reg  [7:0]  p_sel,
    output reg  [5:0]  p_byte,
    input  wire [7:0]  p_rdata,
    input  wire [6:0]  p_nbytes,
    input  wire        p_is_in,
    input  wire        p_valid,
    output wire [7:0]  p_wdata,
    output reg         p_we,
    output reg         w_set,
    output wire        w_on,
    output wire        w_clear,
    input  wire        w_hit,
    input  wire [7:0]  w_idx,
    output reg         w_ack,
    output reg         snap,
    // link counters for STATUS_R
    input  wire [15:0] crc_errors,
    input  wire [15:0] seq_errors,
    input  wire [15:0] frames_ok,
    input  wire [15:0] phy_errors,  // the PHY's own count, e.g. UART framing errors
    output wire        blocked,     // waiting for a command byte or for ring room
    // fast-forward, see above
    input  wire [47:0] ff_add,
    output wire        ff_ok,
    output wire [47:0] ff_left
);
    localparam OP_HELLO = 8'h01, OP_POKE = 8'h02, OP_SAMPLE = 8'h03,
               OP_WATCH = 8'h04, OP_BREAK = 8'h05, OP_RUN = 8'h06,
               OP_RESUME = 8'h07, OP_STATUS = 8'h08;
    localparam E_UNKNOWN_OP = 3'd1, E_BAD_PORT = 3'd2, E_BAD_LEN = 3'd3,
               E_LATE = 3'd4, E_NOT_INPUT = 3'd5, E_BAD_UNIT = 3'd6,
               E_BAD_COND = 3'd7;

    localparam ST_OP = 5'd0, ST_FIELDS = 5'd1, ST_CHECK = 5'd2, ST_ADV = 5'd3,
               ST_EXEC = 5'd4, ST_POKEW = 5'd5, ST_BRKW = 5'd6, ST_SKIP = 5'd7,
               ST_EMIT = 5'd8, ST_EMITV = 5'd9, ST_LOST = 5'd10,
               ST_E_WATCH = 5'd11, ST_E_WREP = 5'd12, ST_E_WACK = 5'd13,
               ST_E_BRK = 5'd14, ST_E_BRD = 5'd15, ST_E_BCMP = 5'd16,
               ST_E_END = 5'd17, ST_E_FIRED = 5'd18, ST_RESUMED = 5'd19;
    // Reports by the low nibble of their opcode (0x81..0x88).
    localparam R_HELLO = 4'd1, R_SAMPLE = 4'd2, R_WATCH = 4'd3, R_BREAK = 4'd4,
               R_ERROR = 4'd5, R_RUN = 4'd6, R_RESUME = 4'd7, R_STATUS = 4'd8;

    localparam UW = (NBRK > 1) ? $clog2(NBRK) : 1;
    localparam [7:0] NPORTS8 = NPORTS, MAXB8 = 8'd32, NBRK8 = NBRK,
                     RXLOG8 = RXLOG, TXLOG8 = TXLOG;
    localparam [15:0] MAXPAY16 = MAXPAY;
    // Ports are at most 256 bits wide: 32 bytes, a break unit's slice of the
    // value and mask memories.
    localparam MAXB = 32;
    localparam integer LASTI = NBRK - 1;
    localparam [UW-1:0] LASTU = LASTI[UW-1:0];

    reg [4:0]   st, em_ret;
    reg [7:0]   op, aux, cond, len;
    reg [2:0]   code;
    reg [7:0]   unit, port;
    reg [47:0]  stamp;
    reg [3:0]   idx, nfields;
    reg         halted, complete;
    reg [15:0]  discarded;
    reg [8:0]   skip;
    reg [6:0]   bi;

    // Report being sent: header byte em_i of report em_k, then (SAMPLE_R,
    // WATCH_R) the value of port p_sel. Every field is read where it lives
    // while the report goes out (nothing it shows changes meanwhile: the DUT
    // is paused), so no copy of the header is kept.
    reg [3:0]   em_k;
    reg [4:0]   em_i;

    // Break units.
    reg [NBRK-1:0] armed;
    reg [7:0]   brk_port [0:NBRK-1];
    reg [1:0]   brk_cond [0:NBRK-1];
    reg [7:0]   bval  [0:NBRK*MAXB-1];
    reg [7:0]   bmask [0:NBRK*MAXB-1];
    reg [7:0]   bval_q, bmask_q;
    reg [UW-1:0] bu;
    reg         beq;
    reg [UW+4:0] b_waddr, b_raddr;
    reg [7:0]   b_wdata;
    reg         b_we_val, b_we_mask;

    always @(posedge clk) begin
        if (b_we_val) bval[b_waddr] <= b_wdata;
        if (b_we_mask) bmask[b_waddr] <= b_wdata;
        bval_q <= bval[b_raddr];
        bmask_q <= bmask[b_raddr];
    end

    assign p_wdata = c_data;
    assign w_on    = aux[0];
    assign w_clear = sync;
    assign blocked = (c_ready && !c_valid) || (m_valid && !m_ready);
    assign ff_ok   = st == ST_ADV && armed == 0;
    assign ff_left = stamp - cycle;

    wire byte_eq = ((p_rdata ^ bval_q) & bmask_q) == 8'd0;
    wire eq_all  = beq && byte_eq;
    wire last_bbyte = bi == p_nbytes - 7'd1;
    wire [8:0] vbytes = (op == OP_POKE) ? {1'b0, len} :
                        (op == OP_BREAK) ? {len, 1'b0} : 9'd0;

    function [3:0] nfields_of(input [7:0] o);
        case (o)
            OP_HELLO: nfields_of = 4'd1;
            OP_POKE, OP_WATCH: nfields_of = 4'd8;
            OP_SAMPLE: nfields_of = 4'd7;
            OP_BREAK: nfields_of = 4'd10;
            OP_RUN: nfields_of = 4'd6;
            default: nfields_of = 4'd0;
        endcase
    endfunction

    function known_op(input [7:0] o);
        known_op = o >= OP_HELLO && o <= OP_STATUS;
    endfunction

    function [4:0] hdr_len(input [3:0] k);
        case (k)
            R_HELLO: hdr_len = 5'd25;
            R_SAMPLE, R_WATCH, R_ERROR: hdr_len = 5'd9;
            R_BREAK: hdr_len = 5'd8;
            R_RUN: hdr_len = 5'd7;
            R_RESUME: hdr_len = 5'd3;
            default: hdr_len = 5'd16;
        endcase
    endfunction

    // Where the 6 cycle bytes start in each report (all but RESUME_R).
    reg  [4:0] cyc_at;
    always @(*)
        case (em_k)
            R_HELLO: cyc_at = 5'd19;
            R_ERROR: cyc_at = 5'd3;
            R_RUN, R_STATUS: cyc_at = 5'd1;
            default: cyc_at = 5'd2;
        endcase
    wire [4:0] cyc_i = em_i - cyc_at;
    reg  [7:0] cyc_b, sig_b;
    always @(*) begin
        case (cyc_i[2:0])
            3'd0: cyc_b = cycle[7:0];
            3'd1: cyc_b = cycle[15:8];
            3'd2: cyc_b = cycle[23:16];
            3'd3: cyc_b = cycle[31:24];
            3'd4: cyc_b = cycle[39:32];
            default: cyc_b = cycle[47:40];
        endcase
        // The signature is bytes 11..18 of HELLO_R: index em_i - 11 = em_i + 5 (mod 8).
        case (em_i[2:0] + 3'd5)
            3'd0: sig_b = SIGNATURE[7:0];
            3'd1: sig_b = SIGNATURE[15:8];
            3'd2: sig_b = SIGNATURE[23:16];
            3'd3: sig_b = SIGNATURE[31:24];
            3'd4: sig_b = SIGNATURE[39:32];
            3'd5: sig_b = SIGNATURE[47:40];
            3'd6: sig_b = SIGNATURE[55:48];
            default: sig_b = SIGNATURE[63:56];
        endcase
    end
    wire [6:0] em_vn = (em_k == R_SAMPLE || em_k == R_WATCH) ? p_nbytes : 7'd0;

    reg [7:0] hdr_byte;
    always @(*) begin
        hdr_byte = 8'd0;
        if (em_i == 5'd0)
            hdr_byte = {4'h8, em_k};
        else if (cyc_i < 5'd6 && em_k != R_RESUME)
            hdr_byte = cyc_b;
        else
            case (em_k)
                R_HELLO: case (em_i)
                    5'd1: hdr_byte = aux;
                    5'd2: hdr_byte = 8'd1;
                    5'd3: hdr_byte = 8'd48;
                    5'd4: hdr_byte = NPORTS8;
                    5'd5: hdr_byte = MAXB8;
                    5'd6: hdr_byte = NBRK8;
                    5'd7: hdr_byte = RXLOG8;
                    5'd8: hdr_byte = TXLOG8;
                    5'd9: hdr_byte = MAXPAY16[7:0];
                    5'd10: hdr_byte = MAXPAY16[15:8];
                    default: hdr_byte = sig_b;
                endcase
                R_SAMPLE, R_WATCH: hdr_byte = (em_i == 5'd1) ? p_sel : {1'b0, p_nbytes};
                R_BREAK: hdr_byte = {{(8-UW){1'b0}}, bu};
                R_ERROR: hdr_byte = (em_i == 5'd1) ? {5'd0, code} : op;
                R_RESUME: hdr_byte = (em_i == 5'd1) ? discarded[7:0] : discarded[15:8];
                default: case (em_i)
                    5'd7: hdr_byte = crc_errors[7:0];
                    5'd8: hdr_byte = crc_errors[15:8];
                    5'd9: hdr_byte = seq_errors[7:0];
                    5'd10: hdr_byte = seq_errors[15:8];
                    5'd11: hdr_byte = frames_ok[7:0];
                    5'd12: hdr_byte = frames_ok[15:8];
                    5'd13: hdr_byte = {7'd0, halted};
                    5'd14: hdr_byte = phy_errors[7:0];
                    default: hdr_byte = phy_errors[15:8];
                endcase
            endcase
    end

    // Stamp bytes come least significant first and are shifted in.
    wire stamp_byte = (op == OP_RUN)   ? idx < 4'd6 :
                      (op == OP_BREAK) ? (idx >= 4'd2 && idx < 4'd8) :
                                         (idx >= 4'd1 && idx < 4'd7);

    // Combinational outputs of the state machine.
    always @(*) begin
        c_ready = 1'b0;
        m_valid = 1'b0;
        m_data  = hdr_byte;
        p_we    = 1'b0;
        advance = 1'b0;
        snap    = 1'b0;
        w_ack   = 1'b0;
        w_set   = 1'b0;
        b_we_val = 1'b0;
        b_we_mask = 1'b0;
        b_wdata = c_data;
        b_waddr = {bu, (bi < len[6:0]) ? bi[4:0] : bi[4:0] - len[4:0]};
        b_raddr = {bu, bi[4:0]};
        case (st)
            ST_OP, ST_FIELDS, ST_SKIP, ST_LOST: c_ready = 1'b1;
            ST_POKEW: begin c_ready = 1'b1; p_we = c_valid; end
            ST_BRKW: begin
                c_ready = 1'b1;
                b_we_val  = c_valid && bi < len[6:0];
                b_we_mask = c_valid && bi >= len[6:0];
            end
            ST_EMIT: m_valid = 1'b1;
            ST_EMITV: begin m_valid = 1'b1; m_data = p_rdata; end
            ST_ADV: if (cycle != stamp && !w_hit && armed == 0) begin
                advance = 1'b1;
                snap = 1'b1;
            end
            ST_E_WACK: w_ack = 1'b1;
            ST_E_END: begin snap = 1'b1; advance = !complete; end
            ST_E_FIRED: snap = 1'b1;
            ST_EXEC: w_set = op == OP_WATCH;
            default: ;
        endcase
    end

    task emit(input [3:0] k, input [4:0] ret);
        begin
            em_k <= k;
            em_i <= 5'd0;
            em_ret <= ret;
            st <= ST_EMIT;
        end
    endtask

    task fail(input [2:0] c);
        begin
            halted <= 1'b1;
            discarded <= 16'd1;
            skip <= vbytes;
            code <= c;
            emit(R_ERROR, vbytes != 9'd0 ? ST_SKIP : ST_OP);
        end
    endtask

    always @(posedge clk) begin
        if (rst)
            cycle <= 48'd0;
        else if (advance)
            cycle <= cycle + 48'd1 + ff_add;

        if (rst || sync) begin
            st <= ST_OP;
            halted <= 1'b0;
            discarded <= 16'd0;
            armed <= {NBRK{1'b0}};
            p_byte <= 6'd0;
        end else begin
            case (st)
                ST_OP: if (c_valid) begin
                    op <= c_data;
                    idx <= 4'd0;
                    nfields <= nfields_of(c_data);
                    if (!known_op(c_data)) begin
                        code <= E_UNKNOWN_OP;
                        emit(R_ERROR, ST_LOST);
                    end else
                        st <= (nfields_of(c_data) == 4'd0) ? ST_CHECK : ST_FIELDS;
                end
                ST_FIELDS: if (c_valid) begin
                    idx <= idx + 4'd1;
                    if (stamp_byte)
                        stamp <= {c_data, stamp[47:8]};
                    if (op == OP_BREAK) begin
                        case (idx)
                            4'd0: unit <= c_data;
                            4'd1: begin p_sel <= c_data; port <= c_data; end
                            4'd8: cond <= c_data;
                            4'd9: len <= c_data;
                            default: ;
                        endcase
                    end else if (op == OP_HELLO) begin
                        aux <= c_data;
                    end else if (op != OP_RUN) begin
                        case (idx)
                            4'd0: begin p_sel <= c_data; port <= c_data; end
                            4'd7: begin aux <= c_data; len <= c_data; end
                            default: ;
                        endcase
                    end
                    if (idx == nfields - 4'd1)
                        st <= ST_CHECK;
                end
                ST_CHECK: begin
                    bi <= 7'd0;
                    complete <= 1'b0;
                    if (unit < NBRK)
                        bu <= unit[UW-1:0];
                    if (op == OP_RESUME) begin
                        // RESUME_R shows the count; it is cleared after.
                        emit(R_RESUME, ST_RESUMED);
                    end else if (halted) begin
                        discarded <= discarded + 16'd1;
                        skip <= vbytes;
                        st <= (vbytes != 9'd0) ? ST_SKIP : ST_OP;
                    end else if (op == OP_HELLO) begin
                        emit(R_HELLO, ST_OP);
                    end else if (op == OP_STATUS) begin
                        emit(R_STATUS, ST_OP);
                    end else if (op == OP_BREAK && unit >= NBRK) begin
                        fail(E_BAD_UNIT);
                    end else if (op == OP_BREAK && cond > 8'd2) begin
                        fail(E_BAD_COND);
                    end else if (!(op == OP_RUN || (op == OP_BREAK && cond == 8'd0)) && !p_valid) begin
                        fail(E_BAD_PORT);
                    end else if ((op == OP_POKE || (op == OP_BREAK && cond != 8'd0)) &&
                                 len != {1'b0, p_nbytes}) begin
                        fail(E_BAD_LEN);
                    end else if (op == OP_POKE && !p_is_in) begin
                        fail(E_NOT_INPUT);
                    end else if (stamp < cycle) begin
                        fail(E_LATE);
                    end else begin
                        st <= ST_ADV;
                    end
                end
                ST_ADV: begin
                    if (cycle == stamp) begin
                        if (op == OP_RUN) begin
                            complete <= 1'b1;
                            st <= ST_E_WATCH;
                        end else begin
                            // The evaluation points on the way may have used the port bus.
                            p_sel <= port;
                            bu <= unit[UW-1:0];
                            st <= ST_EXEC;
                        end
                    end else if (w_hit || armed != 0) begin
                        st <= ST_E_WATCH;
                    end
                end
                ST_EXEC: begin
                    p_byte <= 6'd0;
                    case (op)
                        OP_POKE: st <= ST_POKEW;
                        OP_SAMPLE: emit(R_SAMPLE, ST_OP);
                        OP_BREAK: begin
                            armed[bu] <= 1'b0;
                            brk_port[bu] <= p_sel;
                            brk_cond[bu] <= cond[1:0];
                            skip <= vbytes;
                            if (cond == 8'd0)
                                st <= (vbytes != 9'd0) ? ST_SKIP : ST_OP;
                            else
                                st <= ST_BRKW;
                        end
                        default: st <= ST_OP;
                    endcase
                end
                ST_POKEW: if (c_valid) begin
                    p_byte <= p_byte + 6'd1;
                    if ({1'b0, p_byte} == len[6:0] - 7'd1)
                        st <= ST_OP;
                end
                ST_BRKW: if (c_valid) begin
                    bi <= bi + 7'd1;
                    if ({2'b0, bi} == {len, 1'b0} - 9'd1) begin
                        armed[bu] <= 1'b1;
                        st <= ST_OP;
                    end
                end
                ST_SKIP: if (c_valid) begin
                    skip <= skip - 9'd1;
                    if (skip == 9'd1)
                        st <= ST_OP;
                end
                ST_EMIT: if (m_ready) begin
                    em_i <= em_i + 5'd1;
                    if (em_i == hdr_len(em_k) - 5'd1) begin
                        p_byte <= 6'd0;
                        st <= (em_vn != 7'd0) ? ST_EMITV : em_ret;
                    end
                end
                ST_EMITV: if (m_ready) begin
                    p_byte <= p_byte + 6'd1;
                    if ({1'b0, p_byte} == em_vn - 7'd1)
                        st <= em_ret;
                end
                ST_LOST: ;
                ST_E_WATCH: begin
                    bu <= {UW{1'b0}};
                    if (w_hit) begin
                        p_sel <= w_idx;
                        st <= ST_E_WREP;
                    end else begin
                        st <= ST_E_BRK;
                    end
                end
                ST_E_WREP: emit(R_WATCH, ST_E_WACK);
                ST_E_WACK: st <= ST_E_WATCH;
                ST_E_BRK: begin
                    bi <= 7'd0;
                    beq <= 1'b1;
                    if (armed[bu]) begin
                        p_sel <= brk_port[bu];
                        st <= ST_E_BRD;
                    end else if (bu == LASTU) begin
                        st <= ST_E_END;
                    end else begin
                        bu <= bu + 1'b1;
                    end
                end
                ST_E_BRD: begin
                    p_byte <= bi[5:0];
                    st <= ST_E_BCMP;
                end
                ST_E_BCMP: begin
                    beq <= eq_all;
                    bi <= bi + 7'd1;
                    if (!last_bbyte) begin
                        st <= ST_E_BRD;
                    end else if ((brk_cond[bu] == 2'd1) == eq_all) begin
                        armed[bu] <= 1'b0;
                        emit(R_BREAK, ST_E_FIRED);
                    end else if (bu == LASTU) begin
                        st <= ST_E_END;
                    end else begin
                        bu <= bu + 1'b1;
                        st <= ST_E_BRK;
                    end
                end
                ST_E_END: begin
                    if (complete)
                        emit(R_RUN, ST_OP);
                    else
                        st <= ST_ADV;
                end
                ST_E_FIRED: begin
                    halted <= 1'b1;
                    discarded <= 16'd1;
                    skip <= vbytes;
                    st <= (vbytes != 9'd0) ? ST_SKIP : ST_OP;
                end
                ST_RESUMED: begin
                    halted <= 1'b0;
                    discarded <= 16'd0;
                    st <= ST_OP;
                end
                default: st <= ST_OP;
            endcase
        end
    end
endmodule
