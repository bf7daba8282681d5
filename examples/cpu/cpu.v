// cpu: a small multi-cycle RV32I core with 4 KB of RAM that holds its
// program from power-on (the initial block at the end, written by asm.py
// from prog.s).
//
// Every instruction of RV32I except the system ones: LUI AUIPC JAL JALR,
// the six branches, LB LH LW LBU LHU, SB SH SW, the OP-IMM and OP
// arithmetic, logic, compare and shift instructions; FENCE is a no-op.
// ECALL, EBREAK, the CSR instructions and anything that is not an RV32I
// instruction halt the core: `halted` goes high and stays high until `rst`.
// There are no traps and no CSRs; misaligned loads and stores use the
// aligned word, halfword or byte below their address. The pc has 12 bits:
// code runs from the 4 KB of RAM, a jump or branch past its end wraps to its
// start (so do AUIPC and the return addresses of JAL and JALR), and jump
// and branch targets are rounded down to a word (there is no C extension).
//
// Cycles (one state each, no pipelining):
//   F  fetch: RAM reads the word at pc; the previous result goes into rd
//   D  decode: the instruction register takes the word, the register file
//      reads rs1 and rs2
//   R  operands: a and b (rs2 or an immediate), rs2 for a store
//   X  execute: the ALU, the branch decision, the next pc
// then, for loads, LA (RAM reads the word) and LW (the byte, halfword or
// word is extracted); for stores, ST; for shifts, SH once per bit shifted
// and once more. An ALU instruction, branch or jump takes 4 cycles, a store
// 5, a load 6, a shift 5 + its shift amount.
//
// Memory map: RAM at 0x0000_0000 (4 KB, repeated up to 0x7fff_ffff); with
// address bit 31 set, I/O: a store writes `out` and counts in `out_count`,
// a load reads `arg`.
//
// The register file (x1..x31; x0 is never written, so it reads 0) and the
// RAM are read synchronously, and no read the core uses falls on the edge
// of a write, so they need no bypass and Yosys puts both in block RAM (the
// register file twice, for its two read ports). Every flip-flop starts at 0
// at power-on, which is where `rst` puts the core too: it runs its program
// from power-on, and `rst` starts it again (the RAM keeps what the program
// wrote; the program sets up its own data).
module cpu (
    input  wire        clk,
    input  wire        rst,          // synchronous: pc 0, out 0, out_count 0
    input  wire [31:0] arg,          // what the program reads at 0x8000_0000
    output reg  [31:0] out,          // the word last stored to 0x8000_0000
    output reg  [15:0] out_count,    // how many stores to 0x8000_0000 so far
    output reg         halted        // the core stopped (ECALL, EBREAK, illegal)
);
    // The states F D R X and LA LW follow each other in number: they move on
    // with state + 1, which also keeps Yosys from taking `state` for an FSM
    // and recoding it one-hot, where no state is all zeros: at power-on the
    // chip would then be in none, the model in F.
    localparam F = 3'd0, D = 3'd1, R = 3'd2, X = 3'd3,
               LA = 3'd4, LW = 3'd5, ST = 3'd6, SH = 3'd7;

    reg  [2:0]  state;
    reg  [11:2] pc;       // a word address: code runs from the 4 KB of RAM
    reg  [31:0] ir;       // the instruction, from D on
    reg  [31:0] a, b;     // ALU operands, from R on
    reg  [31:0] s;        // rs2: a store's data
    reg  [11:2] imm;      // pc-relative offset (branches, JAL), from R on
    reg  [31:0] res;      // the result for rd, or a load's or store's address
    reg  [4:0]  cnt;      // bits left to shift
    reg         wb;       // res goes into rd in the next F

    // ---- RAM: 1024 words, one read port, one write port with byte enables
    reg  [31:0] ram [0:1023];
    reg  [31:0] ram_q;
    wire [9:0]  ram_ra = state == F ? pc : res[11:2];
    reg  [3:0]  ram_be;
    reg  [31:0] ram_wd;
    wire        ram_we = state == ST && !res[31] && !rst;
    always @(posedge clk) begin
        if (ram_we && ram_be[0]) ram[res[11:2]][7:0]   <= ram_wd[7:0];
        if (ram_we && ram_be[1]) ram[res[11:2]][15:8]  <= ram_wd[15:8];
        if (ram_we && ram_be[2]) ram[res[11:2]][23:16] <= ram_wd[23:16];
        if (ram_we && ram_be[3]) ram[res[11:2]][31:24] <= ram_wd[31:24];
        ram_q <= ram[ram_ra];
    end

    // ---- Register file: written in F, read at the edge that ends D
    reg  [31:0] rf [0:31];
    reg  [31:0] rs1_q, rs2_q;
    wire        rf_we = state == F && wb && ir[11:7] != 5'd0 && !rst;
    always @(posedge clk) begin
        if (rf_we)
            rf[ir[11:7]] <= res;
        rs1_q <= rf[ram_q[19:15]];
        rs2_q <= rf[ram_q[24:20]];
    end

    // ---- Decode (from ir, used in R; registered for X)
    wire [6:0] opcode = ir[6:0];
    wire [2:0] f3 = ir[14:12];
    wire op_lui    = opcode == 7'b0110111;
    wire op_auipc  = opcode == 7'b0010111;
    wire op_jal    = opcode == 7'b1101111;
    wire op_jalr   = opcode == 7'b1100111 && f3 == 3'b000;
    wire op_branch = opcode == 7'b1100011 && f3[2:1] != 2'b01;
    wire op_load   = opcode == 7'b0000011 && f3 != 3'b011 && f3[2:1] != 2'b11;
    wire op_store  = opcode == 7'b0100011 && f3[2] == 1'b0 && f3[1:0] != 2'b11;
    wire op_imm    = opcode == 7'b0010011;
    wire op_reg    = opcode == 7'b0110011;
    wire op_fence  = opcode == 7'b0001111;
    wire op_alu    = op_imm || op_reg;
    wire shift     = op_alu && f3[1:0] == 2'b01;
    wire legal     = op_lui || op_auipc || op_jal || op_jalr || op_branch ||
                     op_load || op_store || op_alu || op_fence;
    wire [31:0] imm_i = {{20{ir[31]}}, ir[31:20]};
    wire [31:0] imm_s = {{20{ir[31]}}, ir[31:25], ir[11:7]};
    wire [31:0] imm_u = {ir[31:12], 12'd0};
    // bits 11:2 of the B and J immediates: all a 12-bit pc adds
    wire [11:2] off_b = {ir[7], ir[30:25], ir[11:9]};
    wire [11:2] off_j = {ir[20], ir[30:22]};

    // what X does, decided in R
    reg x_sub;        // the adder subtracts (SUB, SLT, SLTU, branches)
    reg x_branch, x_jal, x_jalr, x_load, x_store, x_shift, x_halt, x_wb;
    reg [1:0] x_sel;  // result: 0 adder, 1 logic (f3), 2 compare (f3[0]), 3 pc + 4
    reg [2:0] x_f3;
    reg x_arith;      // SRA, SRAI

    // ---- Execute
    wire [31:0] b_in = x_sub ? ~b : b;
    wire [32:0] sum = {1'b0, a} + {1'b0, b_in} + {32'd0, x_sub};
    wire ltu = !sum[32];                               // a < b, unsigned
    wire lt = a[31] != b[31] ? a[31] : sum[31];        // a < b, signed
    wire eq = a == b;
    reg  cond;
    always @* begin
        case (x_f3[2:1])
        2'b00:   cond = eq;
        2'b10:   cond = lt;
        default: cond = ltu;
        endcase
    end
    wire taken = cond ^ x_f3[0];                       // BNE, BGE, BGEU: not
    wire [11:2] pc4 = pc + 10'd1;
    wire [11:2] pc_imm = pc + imm;
    reg  [31:0] logic_out;
    always @* begin
        case (x_f3[1:0])
        2'b00:   logic_out = a ^ b;
        2'b10:   logic_out = a | b;
        default: logic_out = a & b;
        endcase
    end
    reg [31:0] x_out;
    always @* begin
        case (x_sel)
        2'd0:    x_out = sum[31:0];
        2'd1:    x_out = logic_out;
        2'd2:    x_out = {31'd0, x_f3[0] ? ltu : lt};
        default: x_out = {20'd0, pc4, 2'b00};
        endcase
    end

    // ---- Loads and stores
    wire [31:0] ld_word = res[31] ? arg : ram_q;
    wire [15:0] ld_half = res[1] ? ld_word[31:16] : ld_word[15:0];
    wire [7:0]  ld_byte = res[0] ? ld_half[15:8] : ld_half[7:0];
    reg  [31:0] ld_out;
    always @* begin
        case (x_f3)
        3'b000:  ld_out = {{24{ld_byte[7]}}, ld_byte};
        3'b001:  ld_out = {{16{ld_half[15]}}, ld_half};
        3'b100:  ld_out = {24'd0, ld_byte};
        3'b101:  ld_out = {16'd0, ld_half};
        default: ld_out = ld_word;
        endcase
    end
    always @* begin
        case (x_f3[1:0])
        2'b00: begin
            ram_wd = {4{s[7:0]}};
            ram_be = 4'b0001 << res[1:0];
        end
        2'b01: begin
            ram_wd = {2{s[15:0]}};
            ram_be = res[1] ? 4'b1100 : 4'b0011;
        end
        default: begin
            ram_wd = s;
            ram_be = 4'b1111;
        end
        endcase
    end

    always @(posedge clk) begin
        if (rst) begin
            state     <= F;
            pc        <= 10'd0;
            wb        <= 1'b0;
            out       <= 32'd0;
            out_count <= 16'd0;
            halted    <= 1'b0;
        end else if (!halted) begin
            case (state)
            F: begin
                wb    <= 1'b0;
                state <= state + 3'd1;                 // D
            end
            D: begin
                ir    <= ram_q;
                state <= state + 3'd1;                 // R
            end
            R: begin
                a <= op_lui ? 32'd0 : op_auipc ? {20'd0, pc, 2'b00} : rs1_q;
                b <= op_reg || op_branch ? rs2_q :
                     op_store ? imm_s : op_lui || op_auipc ? imm_u : imm_i;
                s <= rs2_q;
                imm <= op_jal ? off_j : off_b;
                x_sub <= op_branch || (op_reg && f3 == 3'b000 && ir[30]) ||
                         (op_alu && f3[2:1] == 2'b01);
                x_branch <= op_branch;
                x_jal    <= op_jal;
                x_jalr   <= op_jalr;
                x_load   <= op_load;
                x_store  <= op_store;
                x_shift  <= shift;
                x_halt   <= !legal;
                x_wb     <= op_lui || op_auipc || op_jal || op_jalr || op_load || op_alu;
                x_sel    <= op_jal || op_jalr ? 2'd3 :
                            op_alu && f3[2:1] == 2'b01 ? 2'd2 :
                            op_alu && (f3 == 3'b100 || f3[2:1] == 2'b11) ? 2'd1 : 2'd0;
                x_f3     <= f3;
                x_arith  <= ir[30];
                state    <= state + 3'd1;              // X
            end
            X: begin
                res <= x_shift ? a : x_out;
                cnt <= b[4:0];
                pc  <= x_jal || (x_branch && taken) ? pc_imm :
                       x_jalr ? sum[11:2] : pc4;
                wb  <= x_wb && !x_load && !x_shift;
                if (x_halt) begin
                    halted <= 1'b1;
                    pc     <= pc;
                end
                if (x_load || x_store)
                    res <= sum[31:0];
                state <= x_load ? state + 3'd1 : x_store ? ST : x_shift ? SH : F;
            end
            SH: begin
                if (cnt == 5'd0) begin
                    wb    <= 1'b1;
                    state <= F;
                end else begin
                    res <= x_f3[2] ? {x_arith & res[31], res[31:1]} : {res[30:0], 1'b0};
                    cnt <= cnt - 5'd1;
                end
            end
            LA: state <= state + 3'd1;                 // LW
            LW: begin
                res   <= ld_out;
                wb    <= 1'b1;
                state <= F;
            end
            ST: begin
                if (res[31]) begin
                    out       <= s;
                    out_count <= out_count + 16'd1;
                end
                state <= F;
            end
            endcase
        end
    end

    // ---- The program: written by `python3 asm.py` from prog.s; do not edit
    // between the markers.
    // BEGIN PROGRAM
    initial begin
        ram[0] = 32'h0ff0000f;  // 000: start:  fence                     # (a no-op here)
        ram[1] = 32'h80000437;  // 004: li   s0, IO
        ram[2] = 32'h00042283;  // 008: lw   t0, 0(s0)
        ram[3] = 32'h0102db93;  // 00c: srli s7, t0, 16           # rounds left after this one
        ram[4] = 32'h00042483;  // 010: round:  lw   s1, 0(s0)            # N = arg[15:0], at most NMAX
        ram[5] = 32'h01049493;  // 014: slli s1, s1, 16
        ram[6] = 32'h0104d493;  // 018: srli s1, s1, 16
        ram[7] = 32'h000012b7;  // 01c: li   t0, NMAX
        ram[8] = 32'h80028293;  // 020:   (li)
        ram[9] = 32'h0092d463;  // 024: bge  t0, s1, n_ok
        ram[10] = 32'h00028493;  // 028: mv   s1, t0
        ram[11] = 32'h00001b37;  // 02c: li   s6, FLAGS
        ram[12] = 32'h800b0b13;  // 030:   (li)
        ram[13] = 32'h009b0333;  // 034: add  t1, s6, s1           # clear flags[0 .. N)
        ram[14] = 32'h000b0293;  // 038: mv   t0, s6
        ram[15] = 32'h00c0006f;  // 03c: j    clr_test
        ram[16] = 32'h00028023;  // 040: clr:    sb   zero, 0(t0)
        ram[17] = 32'h00128293;  // 044: addi t0, t0, 1
        ram[18] = 32'hfe62ece3;  // 048: bltu t0, t1, clr
        ram[19] = 32'h00200913;  // 04c: li   s2, 2                # p
        ram[20] = 32'h00000993;  // 050: li   s3, 0                # primes found
        ram[21] = 32'h40000a13;  // 054: li   s4, PRIMES           # where the next one goes
        ram[22] = 32'h00000a93;  // 058: li   s5, 0                # 1 once p * p >= N: nothing left to cross out
        ram[23] = 32'h00100c13;  // 05c: li   s8, 1
        ram[24] = 32'h04997c63;  // 060: sieve:  bgeu s2, s1, sieve_end
        ram[25] = 32'h012b02b3;  // 064: add  t0, s6, s2
        ram[26] = 32'h0002c303;  // 068: lbu  t1, 0(t0)
        ram[27] = 32'h04031263;  // 06c: bnez t1, sieve_next       # crossed out: not a prime
        ram[28] = 32'h01242023;  // 070: sw   s2, 0(s0)            # out: p
        ram[29] = 32'h012a1023;  // 074: sh   s2, 0(s4)
        ram[30] = 32'h002a0a13;  // 078: addi s4, s4, 2
        ram[31] = 32'h00198993;  // 07c: addi s3, s3, 1
        ram[32] = 32'h020a9863;  // 080: bnez s5, sieve_next
        ram[33] = 32'h00090513;  // 084: mv   a0, s2
        ram[34] = 32'h00090593;  // 088: mv   a1, s2
        ram[35] = 32'h190000ef;  // 08c: call mul                  # a0 = p * p
        ram[36] = 32'h00956663;  // 090: bltu a0, s1, cross
        ram[37] = 32'h00100a93;  // 094: li   s5, 1
        ram[38] = 32'h0180006f;  // 098: j    sieve_next
        ram[39] = 32'h00ab02b3;  // 09c: cross:  add  t0, s6, a0           # cross out p * p, p * p + p, ... below N
        ram[40] = 32'h009b0333;  // 0a0: add  t1, s6, s1
        ram[41] = 32'h01828023;  // 0a4: sb   s8, 0(t0)
        ram[42] = 32'h012282b3;  // 0a8: add  t0, t0, s2
        ram[43] = 32'hfe62ece3;  // 0ac: bltu t0, t1, cross_loop
        ram[44] = 32'h00190913;  // 0b0: addi s2, s2, 1
        ram[45] = 32'hfadff06f;  // 0b4: j    sieve
        ram[46] = 32'h01342023;  // 0b8: sw   s3, 0(s0)            # out: the number of primes below N
        ram[47] = 32'hfff00513;  // 0bc: li   a0, -1
        ram[48] = 32'hedb883b7;  // 0c0: li   t2, 0xedb88320
        ram[49] = 32'h32038393;  // 0c4:   (li)
        ram[50] = 32'h40000293;  // 0c8: li   t0, PRIMES
        ram[51] = 32'h02c0006f;  // 0cc: j    crc_test
        ram[52] = 32'h0002c303;  // 0d0: lbu  t1, 0(t0)
        ram[53] = 32'h00654533;  // 0d4: xor  a0, a0, t1
        ram[54] = 32'h00800e13;  // 0d8: li   t3, 8
        ram[55] = 32'h01857eb3;  // 0dc: and  t4, a0, s8           # s8 = 1
        ram[56] = 32'h00155513;  // 0e0: srli a0, a0, 1
        ram[57] = 32'h000e8463;  // 0e4: beqz t4, crc_skip
        ram[58] = 32'h00754533;  // 0e8: xor  a0, a0, t2
        ram[59] = 32'hfffe0e13;  // 0ec: addi t3, t3, -1
        ram[60] = 32'hfe0e16e3;  // 0f0: bnez t3, crc_bit
        ram[61] = 32'h00128293;  // 0f4: addi t0, t0, 1
        ram[62] = 32'hfd42ece3;  // 0f8: bltu t0, s4, crc_byte
        ram[63] = 32'hfff54513;  // 0fc: not  a0, a0
        ram[64] = 32'h00a42023;  // 100: sw   a0, 0(s0)            # out: the CRC
        ram[65] = 32'h2545f537;  // 104: li   a0, 0x2545f491
        ram[66] = 32'h49150513;  // 108:   (li)
        ram[67] = 32'h00950533;  // 10c: add  a0, a0, s1
        ram[68] = 32'h00000297;  // 110: la   t0, SORTV
        ram[69] = 32'h27028293;  // 114:   (la)
        ram[70] = 32'h04028313;  // 118: addi t1, t0, 64
        ram[71] = 32'h00d51393;  // 11c: gen:    slli t2, a0, 13           # x ^= x << 13; x ^= x >> 17; x ^= x << 5
        ram[72] = 32'h00754533;  // 120: xor  a0, a0, t2
        ram[73] = 32'h01155393;  // 124: srli t2, a0, 17
        ram[74] = 32'h00754533;  // 128: xor  a0, a0, t2
        ram[75] = 32'h00551393;  // 12c: slli t2, a0, 5
        ram[76] = 32'h00754533;  // 130: xor  a0, a0, t2
        ram[77] = 32'h00a2a023;  // 134: sw   a0, 0(t0)
        ram[78] = 32'h00428293;  // 138: addi t0, t0, 4
        ram[79] = 32'hfe62e0e3;  // 13c: bltu t0, t1, gen
        ram[80] = 32'h38400293;  // 140: li   t0, SORTV+4          # &v[i], i = 1 .. 15
        ram[81] = 32'h0002a583;  // 144: ins:    lw   a1, 0(t0)            # the key v[i]
        ram[82] = 32'h00028393;  // 148: mv   t2, t0               # &v[j + 1]
        ram[83] = 32'h38000e13;  // 14c: li   t3, SORTV
        ram[84] = 32'h01c38c63;  // 150: beq  t2, t3, ins_put      # j < 0
        ram[85] = 32'hffc3ae83;  // 154: lw   t4, -4(t2)           # v[j]
        ram[86] = 32'h01d5d863;  // 158: bge  a1, t4, ins_put      # v[j] <= key: the key goes at j + 1
        ram[87] = 32'h01d3a023;  // 15c: sw   t4, 0(t2)
        ram[88] = 32'hffc38393;  // 160: addi t2, t2, -4
        ram[89] = 32'hfe9ff06f;  // 164: j    ins_shift
        ram[90] = 32'h00b3a023;  // 168: sw   a1, 0(t2)
        ram[91] = 32'h00428293;  // 16c: addi t0, t0, 4
        ram[92] = 32'hfc62eae3;  // 170: bltu t0, t1, ins
        ram[93] = 32'h38000293;  // 174: li   t0, SORTV
        ram[94] = 32'h0002a383;  // 178: lw   t2, 0(t0)
        ram[95] = 32'h00742023;  // 17c: sw   t2, 0(s0)            # out: the smallest
        ram[96] = 32'h03c2a383;  // 180: lw   t2, 60(t0)
        ram[97] = 32'h00742023;  // 184: sw   t2, 0(s0)            # out: the largest
        ram[98] = 32'h00000513;  // 188: li   a0, 0
        ram[99] = 32'h0002a383;  // 18c: ck:     lw   t2, 0(t0)            # v
        ram[100] = 32'h4073de13;  // 190: srai t3, t2, 7
        ram[101] = 32'h01c50533;  // 194: add  a0, a0, t3           # h += v >> 7 (arithmetic)
        ram[102] = 32'h00229e03;  // 198: lh   t3, 2(t0)
        ram[103] = 32'h01c54533;  // 19c: xor  a0, a0, t3           # h ^= u[31:16], sign-extended
        ram[104] = 32'h00128e03;  // 1a0: lb   t3, 1(t0)
        ram[105] = 32'h41c50533;  // 1a4: sub  a0, a0, t3           # h -= u[15:8], sign-extended
        ram[106] = 32'h0002de03;  // 1a8: lhu  t3, 0(t0)
        ram[107] = 32'h01c50533;  // 1ac: add  a0, a0, t3           # h += u[15:0]
        ram[108] = 32'h00a3ae33;  // 1b0: slt  t3, t2, a0
        ram[109] = 32'h01c50533;  // 1b4: add  a0, a0, t3           # h += v < h (signed)
        ram[110] = 32'h00a3be33;  // 1b8: sltu t3, t2, a0
        ram[111] = 32'h001e1e13;  // 1bc: slli t3, t3, 1
        ram[112] = 32'h01c56533;  // 1c0: or   a0, a0, t3           # h |= (u < h (unsigned)) << 1
        ram[113] = 32'h40a3de33;  // 1c4: sra  t3, t2, a0
        ram[114] = 32'h01c54533;  // 1c8: xor  a0, a0, t3           # h ^= v >> (h & 31) (arithmetic)
        ram[115] = 32'h00300f13;  // 1cc: li   t5, 3
        ram[116] = 32'h01e51e33;  // 1d0: sll  t3, a0, t5
        ram[117] = 32'h01d00f13;  // 1d4: li   t5, 29
        ram[118] = 32'h01e55eb3;  // 1d8: srl  t4, a0, t5
        ram[119] = 32'h01de6533;  // 1dc: or   a0, t3, t4           # h = h rotated left by 3
        ram[120] = 32'hc183ae13;  // 1e0: slti t3, t2, -1000
        ram[121] = 32'h3e83be93;  // 1e4: sltiu t4, t2, 1000
        ram[122] = 32'h01de0e33;  // 1e8: add  t3, t3, t4
        ram[123] = 32'h01c50533;  // 1ec: add  a0, a0, t3           # h += (v < -1000) + (u < 1000)
        ram[124] = 32'h07f57e13;  // 1f0: andi t3, a0, 0x7f
        ram[125] = 32'h055e4e13;  // 1f4: xori t3, t3, 0x55
        ram[126] = 32'h100e6e13;  // 1f8: ori  t3, t3, 0x100
        ram[127] = 32'h01c50533;  // 1fc: add  a0, a0, t3           # h += ((h & 0x7f) ^ 0x55) | 0x100
        ram[128] = 32'h00428293;  // 200: addi t0, t0, 4
        ram[129] = 32'hf862c4e3;  // 204: blt  t0, t1, ck
        ram[130] = 32'h00a42023;  // 208: sw   a0, 0(s0)            # out: h
        ram[131] = 32'h000b8663;  // 20c: beqz s7, done
        ram[132] = 32'hfffb8b93;  // 210: addi s7, s7, -1
        ram[133] = 32'hdfdff06f;  // 214: j    round
        ram[134] = 32'h00000073;  // 218: done:   ecall                     # halted
        ram[135] = 32'h00050f93;  // 21c: mul:    mv   t6, a0
        ram[136] = 32'h00000513;  // 220: li   a0, 0
        ram[137] = 32'h0015fe93;  // 224: andi t4, a1, 1
        ram[138] = 32'h000e8463;  // 228: beqz t4, mul_skip
        ram[139] = 32'h01f50533;  // 22c: add  a0, a0, t6
        ram[140] = 32'h001f9f93;  // 230: slli t6, t6, 1
        ram[141] = 32'h0015d593;  // 234: srli a1, a1, 1
        ram[142] = 32'hfe0596e3;  // 238: bnez a1, mul_loop
        ram[143] = 32'h00008067;  // 23c: ret
    end
    // END PROGRAM
endmodule
