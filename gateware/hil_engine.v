`default_nettype none
// The command engine: executes the host's commands strictly in stream order
// and owns the DUT's clock enable (docs/protocol.md, sections 3 and 4).
//
// Stamps are deltas: a command's low nibble (or the two bytes after it)
// says how many cycles to advance before executing it, so the engine keeps
// no cycle counter and no stamp, only the cycles left to go (left) and the
// cycles since its last report (since), which every report carries and the
// host adds up. Before `since` would overflow, a TICK_R carries it out.
//
// Each advance is preceded by an evaluation point (watch reports, then
// break checks). When nothing is watched-and-changed and no break is armed,
// an evaluation point costs nothing and the DUT advances once per clock.
// Reports are written into the transmit ring with back pressure: while the
// ring is full the engine waits, and so does the DUT.
//
// Fast-forward (simulation only; ff_add is tied to 0 on the chip, where
// synthesis removes it): while ff_ok holds, the engine is only counting
// cycles, with no break armed. A simulator that clocks the DUT on its own
// may then give it ff_add more edges than the bridge takes clocks, at most
// ff_left - 1; the advancing edge counts them, so the engine ends where
// ff_add + 1 single steps would have left it. The simulator must also stop
// before any watched port changes.
module hil_engine #(
    parameter NPORTS = 1,
    parameter NBRK = 2,
    parameter RXLOG = 10,
    parameter TXLOG = 10,
    parameter MAXPAY = 256,
    parameter [63:0] SIGNATURE = 64'd0
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        sync,        // link restart: everything but the DUT
    // commands
    input  wire [7:0]  c_data,
    input  wire        c_valid,
    output reg         c_ready,
    // reports
    output reg  [7:0]  m_data,
    output reg         m_valid,
    input  wire        m_ready,
    // the DUT's clock enable
    output reg         advance,
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
    input  wire [15:0] ff_add,
    output wire        ff_ok,
    output wire [15:0] ff_left
);
    // Commands: the high nibble of the first byte; 0 holds the immediate
    // ones, and WAIT (1) is only an advance.
    localparam K_NOW = 4'h0, K_POKE = 4'h2, K_SAMPLE = 4'h3,
               K_WATCH = 4'h4, K_UNWATCH = 4'h5, K_BREAK = 4'h6, K_RUN = 4'h7;
    localparam OP_HELLO = 8'h01, OP_RESUME = 8'h07, OP_STATUS = 8'h08;
    localparam E_UNKNOWN_OP = 3'd1, E_BAD_PORT = 3'd2, E_NOT_INPUT = 3'd5,
               E_BAD_UNIT = 3'd6, E_BAD_COND = 3'd7;

    localparam ST_OP = 5'd0, ST_DELTA = 5'd1, ST_FIELDS = 5'd2, ST_CHECK = 5'd3,
               ST_ADV = 5'd4, ST_EXEC = 5'd5, ST_POKEW = 5'd6, ST_BRKW = 5'd7,
               ST_SKIP = 5'd8, ST_EM0 = 5'd9, ST_EMX = 5'd10, ST_EMF = 5'd11,
               ST_EMV = 5'd12, ST_LOST = 5'd13, ST_E_WATCH = 5'd14,
               ST_E_WREP = 5'd15, ST_E_WACK = 5'd16, ST_E_BRK = 5'd17,
               ST_E_BRD = 5'd18, ST_E_BCMP = 5'd19, ST_E_END = 5'd20,
               ST_E_FIRED = 5'd21, ST_E_HALT = 5'd22, ST_RESUMED = 5'd23;
    // Reports by the high nibble of their first byte; TICK_R is 0x8F.
    localparam R_TICK = 4'h0, R_HELLO = 4'h8, R_SAMPLE = 4'h9, R_WATCH = 4'hA,
               R_BREAK = 4'hB, R_ERROR = 4'hC, R_RUN = 4'hD, R_RESUME = 4'hE,
               R_STATUS = 4'hF;

    localparam UW = (NBRK > 1) ? $clog2(NBRK) : 1;
    localparam [7:0] NPORTS8 = NPORTS, NBRK8 = NBRK, RXLOG8 = RXLOG, TXLOG8 = TXLOG;
    localparam [15:0] MAXPAY16 = MAXPAY;
    // Ports are at most 256 bits wide: 32 bytes, a break unit's slice of the
    // value and mask memories.
    localparam MAXB = 32;
    localparam integer LASTI = NBRK - 1;
    localparam [UW-1:0] LASTU = LASTI[UW-1:0];

    reg [4:0]   st;
    reg [7:0]   opb;        // the command's first byte (ERROR_R shows it)
    reg [7:0]   aux;        // HELLO's tag, BREAK's unit and condition
    reg [7:0]   port;
    reg [15:0]  left;       // cycles to advance before executing
    reg [15:0]  since;      // cycles advanced since the last report
    reg [2:0]   code;
    reg         fi, halted, complete;
    reg [15:0]  discarded;
    reg [6:0]   skip, bi;

    wire [3:0] kind = opb[7:4];
    wire [3:0] cond = aux[7:4];
    wire [3:0] unit = aux[3:0];

    // Report being sent: its first byte (ST_EM0), the two bytes of `since`
    // when it does not fit in the first byte's low nibble (ST_EMX), field
    // em_i of report em_k (ST_EMF), then (SAMPLE_R, WATCH_R) the value of
    // port p_sel (ST_EMV). Every field is read where it lives while the
    // report goes out (nothing it shows changes meanwhile: the DUT is
    // paused), so no copy of the report is kept; `since` is cleared once
    // it has gone out.
    reg [3:0]   em_k;
    reg [4:0]   em_i, em_ret;

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
    reg         b_we_val, b_we_mask;

    always @(posedge clk) begin
        if (b_we_val) bval[b_waddr] <= c_data;
        if (b_we_mask) bmask[b_waddr] <= c_data;
        bval_q <= bval[b_raddr];
        bmask_q <= bmask[b_raddr];
    end

    assign p_wdata = c_data;
    assign w_on    = kind == K_WATCH;
    assign w_clear = sync;
    assign blocked = (c_ready && !c_valid) || (m_valid && !m_ready);

    // An advance needs the cycles left, no pending evaluation work, and
    // room in `since`: at 0xFFFF a TICK_R goes out first.
    wire can_adv = left != 16'd0 && !w_hit && armed == 0 && since != 16'hFFFF;
    wire [15:0] since_room = 16'hFFFF - since;
    assign ff_ok   = st == ST_ADV && can_adv;
    assign ff_left = (left < since_room) ? left : since_room;

    wire byte_eq = ((p_rdata ^ bval_q) & bmask_q) == 8'd0;
    wire eq_all  = beq && byte_eq;
    wire last_bbyte = bi == p_nbytes - 7'd1;
    wire has_port = kind == K_POKE || kind == K_SAMPLE || kind == K_WATCH ||
                    kind == K_UNWATCH || (kind == K_BREAK && cond != 4'd0);
    // Value bytes behind the fields: a poke's value, a break's value and mask.
    wire [6:0] vbytes = (kind == K_POKE) ? p_nbytes :
                        (kind == K_BREAK && cond != 4'd0) ? {p_nbytes[5:0], 1'b0} : 7'd0;

    function known_kind(input [7:0] b);
        known_kind = b[7:4] != K_NOW ? b[7:4] <= K_RUN :
                     (b == OP_HELLO || b == OP_RESUME || b == OP_STATUS);
    endfunction

    // Fields after the first byte (and the delta): port, unit, tag.
    function [1:0] nfields_of(input [7:0] b);
        case (b[7:4])
            K_NOW: nfields_of = (b == OP_HELLO) ? 2'd1 : 2'd0;
            K_POKE, K_SAMPLE, K_WATCH, K_UNWATCH: nfields_of = 2'd1;
            K_BREAK: nfields_of = 2'd2;    // unit/cond, and a port unless disarming
            default: nfields_of = 2'd0;
        endcase
    endfunction

    function [4:0] nreport(input [3:0] k);
        case (k)
            R_HELLO: nreport = 5'd16;
            R_SAMPLE, R_WATCH, R_BREAK: nreport = 5'd1;
            R_ERROR, R_RESUME: nreport = 5'd2;
            R_STATUS: nreport = 5'd9;
            default: nreport = 5'd0;
        endcase
    endfunction

    reg [7:0] sig_b;
    always @(*)
        // The signature is fields 8..15 of HELLO_R.
        case (em_i[2:0])
            3'd0: sig_b = SIGNATURE[7:0];
            3'd1: sig_b = SIGNATURE[15:8];
            3'd2: sig_b = SIGNATURE[23:16];
            3'd3: sig_b = SIGNATURE[31:24];
            3'd4: sig_b = SIGNATURE[39:32];
            3'd5: sig_b = SIGNATURE[47:40];
            3'd6: sig_b = SIGNATURE[55:48];
            default: sig_b = SIGNATURE[63:56];
        endcase

    reg [7:0] field;
    always @(*) begin
        field = 8'd0;
        case (em_k)
            R_HELLO: case (em_i)
                5'd0: field = aux;
                5'd1: field = 8'd2;
                5'd2: field = NPORTS8;
                5'd3: field = NBRK8;
                5'd4: field = RXLOG8;
                5'd5: field = TXLOG8;
                5'd6: field = MAXPAY16[7:0];
                5'd7: field = MAXPAY16[15:8];
                default: field = sig_b;
            endcase
            R_SAMPLE, R_WATCH: field = p_sel;
            R_BREAK: field = {{(8-UW){1'b0}}, bu};
            R_ERROR: field = em_i[0] ? opb : {5'd0, code};
            R_RESUME: field = em_i[0] ? discarded[15:8] : discarded[7:0];
            default: case (em_i[3:0])
                4'd0: field = crc_errors[7:0];
                4'd1: field = crc_errors[15:8];
                4'd2: field = seq_errors[7:0];
                4'd3: field = seq_errors[15:8];
                4'd4: field = frames_ok[7:0];
                4'd5: field = frames_ok[15:8];
                4'd6: field = {7'd0, halted};
                4'd7: field = phy_errors[7:0];
                default: field = phy_errors[15:8];
            endcase
        endcase
    end

    wire       long_since = since >= 16'd15;
    wire [3:0] nib = em_k == R_HELLO ? 4'h1 : long_since ? 4'hF : since[3:0];

    // Combinational outputs of the state machine.
    always @(*) begin
        c_ready = 1'b0;
        m_valid = 1'b0;
        m_data  = field;
        p_we    = 1'b0;
        advance = 1'b0;
        snap    = 1'b0;
        w_ack   = 1'b0;
        w_set   = 1'b0;
        b_we_val = 1'b0;
        b_we_mask = 1'b0;
        b_waddr = {bu, (bi < p_nbytes) ? bi[4:0] : bi[4:0] - p_nbytes[4:0]};
        b_raddr = {bu, bi[4:0]};
        case (st)
            ST_OP, ST_DELTA, ST_FIELDS, ST_SKIP, ST_LOST: c_ready = 1'b1;
            ST_POKEW: begin c_ready = 1'b1; p_we = c_valid; end
            ST_BRKW: begin
                c_ready = 1'b1;
                b_we_val  = c_valid && bi < p_nbytes;
                b_we_mask = c_valid && bi >= p_nbytes;
            end
            ST_EM0: begin
                m_valid = 1'b1;
                m_data = {em_k == R_TICK ? 4'h8 : em_k, nib};
            end
            ST_EMX: begin m_valid = 1'b1; m_data = fi ? since[15:8] : since[7:0]; end
            ST_EMF: m_valid = 1'b1;
            ST_EMV: begin m_valid = 1'b1; m_data = p_rdata; end
            ST_ADV: if (can_adv) begin
                advance = 1'b1;
                snap = 1'b1;
            end
            ST_E_WACK: w_ack = 1'b1;
            ST_E_END: begin snap = 1'b1; advance = !complete; end
            ST_E_FIRED: snap = 1'b1;
            ST_EXEC: w_set = kind == K_WATCH || kind == K_UNWATCH;
            default: ;
        endcase
    end

    task emit(input [3:0] k, input [4:0] ret);
        begin
            em_k <= k;
            em_i <= 5'd0;
            em_ret <= ret;
            st <= ST_EM0;
        end
    endtask

    task halt_skip(input [6:0] n);
        begin
            skip <= n;
            st <= (n != 7'd0) ? ST_SKIP : ST_OP;
        end
    endtask

    task fail(input [2:0] c);
        begin
            halted <= 1'b1;
            discarded <= 16'd1;
            skip <= vbytes;
            code <= c;
            emit(R_ERROR, vbytes != 7'd0 ? ST_SKIP : ST_OP);
        end
    endtask

    // Where the report's fields start: after its first byte, and after the
    // two bytes of `since` when the first byte could not hold it.
    wire [4:0] after_hdr = nreport(em_k) == 5'd0 ?
                           ((em_k == R_SAMPLE || em_k == R_WATCH) ? ST_EMV : em_ret) : ST_EMF;

    always @(posedge clk) begin
        if (rst || sync) begin
            st <= ST_OP;
            halted <= 1'b0;
            discarded <= 16'd0;
            armed <= {NBRK{1'b0}};
            p_byte <= 6'd0;
            since <= 16'd0;
        end else begin
            if (advance)
                since <= since + 16'd1 + ff_add;
            case (st)
                ST_OP: if (c_valid) begin
                    opb <= c_data;
                    fi <= 1'b0;
                    aux <= 8'd0;
                    left <= {12'd0, c_data[3:0]};
                    if (!known_kind(c_data)) begin
                        code <= E_UNKNOWN_OP;
                        emit(R_ERROR, ST_LOST);
                    end else if (c_data[7:4] != K_NOW && c_data[3:0] == 4'hF)
                        st <= ST_DELTA;
                    else
                        st <= (nfields_of(c_data) == 2'd0) ? ST_CHECK : ST_FIELDS;
                end
                ST_DELTA: if (c_valid) begin
                    fi <= !fi;
                    left <= {c_data, left[15:8]};
                    if (fi)
                        st <= (nfields_of(opb) == 2'd0) ? ST_CHECK : ST_FIELDS;
                end
                ST_FIELDS: if (c_valid) begin
                    // BREAK: unit and condition first, then the port (none
                    // when disarming). Others: the port, or HELLO's tag.
                    if (kind == K_BREAK && !fi) begin
                        aux <= c_data;
                        fi <= 1'b1;
                        if (c_data[7:4] == 4'd0)
                            st <= ST_CHECK;
                    end else if (kind == K_NOW) begin
                        aux <= c_data;
                        st <= ST_CHECK;
                    end else begin
                        p_sel <= c_data;
                        port <= c_data;
                        st <= ST_CHECK;
                    end
                end
                ST_CHECK: begin
                    bi <= 7'd0;
                    complete <= 1'b0;
                    bu <= unit[UW-1:0];
                    if (opb == OP_RESUME) begin
                        // RESUME_R shows the count; it is cleared after.
                        emit(R_RESUME, ST_RESUMED);
                    end else if (has_port && !p_valid) begin
                        // A value's length is its port's: past a bad port
                        // the stream cannot be followed.
                        code <= E_BAD_PORT;
                        emit(R_ERROR, ST_LOST);
                    end else if (halted) begin
                        discarded <= discarded + 16'd1;
                        halt_skip(vbytes);
                    end else if (opb == OP_HELLO) begin
                        emit(R_HELLO, ST_OP);
                    end else if (opb == OP_STATUS) begin
                        emit(R_STATUS, ST_OP);
                    end else if (kind == K_BREAK && {4'd0, unit} >= NBRK) begin
                        fail(E_BAD_UNIT);
                    end else if (kind == K_BREAK && cond > 4'd2) begin
                        fail(E_BAD_COND);
                    end else if (kind == K_POKE && !p_is_in) begin
                        fail(E_NOT_INPUT);
                    end else begin
                        st <= ST_ADV;
                    end
                end
                ST_ADV: begin
                    if (advance)
                        left <= left - 16'd1 - ff_add;
                    if (left == 16'd0) begin
                        if (kind == K_RUN) begin
                            complete <= 1'b1;
                            st <= ST_E_WATCH;
                        end else begin
                            // The evaluation points on the way may have used the port bus.
                            p_sel <= port;
                            bu <= unit[UW-1:0];
                            st <= ST_EXEC;
                        end
                    end else if (since == 16'hFFFF) begin
                        emit(R_TICK, ST_ADV);
                    end else if (w_hit || armed != 0) begin
                        st <= ST_E_WATCH;
                    end
                end
                ST_EXEC: begin
                    p_byte <= 6'd0;
                    case (kind)
                        K_POKE: st <= ST_POKEW;
                        K_SAMPLE: emit(R_SAMPLE, ST_OP);
                        K_BREAK: begin
                            armed[bu] <= 1'b0;
                            brk_port[bu] <= p_sel;
                            brk_cond[bu] <= cond[1:0];
                            st <= (cond == 4'd0) ? ST_OP : ST_BRKW;
                        end
                        default: st <= ST_OP;
                    endcase
                end
                ST_POKEW: if (c_valid) begin
                    p_byte <= p_byte + 6'd1;
                    if ({1'b0, p_byte} == p_nbytes - 7'd1)
                        st <= ST_OP;
                end
                ST_BRKW: if (c_valid) begin
                    bi <= bi + 7'd1;
                    if (bi == {p_nbytes[5:0], 1'b0} - 7'd1) begin
                        armed[bu] <= 1'b1;
                        st <= ST_OP;
                    end
                end
                ST_SKIP: if (c_valid) begin
                    skip <= skip - 7'd1;
                    if (skip == 7'd1)
                        st <= ST_OP;
                end
                ST_EM0: if (m_ready) begin
                    fi <= 1'b0;
                    p_byte <= 6'd0;
                    if (em_k == R_HELLO) begin
                        st <= ST_EMF;
                    end else if (long_since) begin
                        st <= ST_EMX;
                    end else begin
                        since <= 16'd0;
                        st <= after_hdr;
                    end
                end
                ST_EMX: if (m_ready) begin
                    fi <= 1'b1;
                    if (fi) begin
                        since <= 16'd0;
                        st <= after_hdr;
                    end
                end
                ST_EMF: if (m_ready) begin
                    em_i <= em_i + 5'd1;
                    if (em_i == nreport(em_k) - 5'd1)
                        st <= (em_k == R_SAMPLE || em_k == R_WATCH) ? ST_EMV : em_ret;
                end
                ST_EMV: if (m_ready) begin
                    p_byte <= p_byte + 6'd1;
                    if ({1'b0, p_byte} == p_nbytes - 7'd1)
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
                    if (advance)
                        left <= left - 16'd1;
                end
                ST_E_FIRED: begin
                    // The command's value bytes, if any, are its port's.
                    p_sel <= port;
                    st <= ST_E_HALT;
                end
                ST_E_HALT: begin
                    halted <= 1'b1;
                    discarded <= 16'd1;
                    halt_skip(vbytes);
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
`default_nettype wire
