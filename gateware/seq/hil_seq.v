`default_nettype none
// The sequencer: a small 8-bit core that runs the compact bridge's link
// layer and command engine as a program (gateware/seq/bridge.s, assembled
// by gateware/seq/seqasm.py into hil_seq_rom). What a hand-built state
// machine spends in logic cells on control and on 16-bit counters and
// compares, it spends here in block RAM: the program in one, every
// counter, offset and break value in a 512-byte data memory in another,
// worked a byte at a time by one 8-bit ALU. A UART byte takes 30 clocks or
// more, which leaves the program time for it.
//
// A two-stage pipeline, an instruction a clock: while one executes, the
// next is read from the ROM and its data-memory operand is read; a jump
// taken drops that next word, so it costs a clock more. What the pipeline
// does not forward, the assembler keeps apart (it puts a NOP between): an
// instruction that changes X and one indexed by X, an ST and a read of what
// it may have written. An OUT waits while `out_wait` says its port cannot
// take the byte, and an ST while the data memory is written from outside
// (`hw_we` wins the port).
//
// Instruction word: [15:14] group, [13:11] function, [10:0] operand.
//   group 0, ALU on memory: operand [8:0] an address, [10] add X, [9] flags
//            only (compare). Functions: LD ADD ADC SUB SBC AND OR XOR.
//   group 1, the same ALU on the immediate [7:0].
//   group 2: ST m, LDX m (or [9]: an immediate), IN p, OUT p, TAX/TXA,
//            SHR/SWAP, ADDX k.
//   group 3, jumps to [PCW-1:0]: JMP JZ JNZ JC JNC CALL RET.
// C is the carry of ADD/ADC and the borrow of SUB/SBC (and SHR's bit out).
// Loads (LD, LDI, IN, TXA) leave the flags alone, and ADC and SBC keep Z
// set only if it was set and their result is 0, so a multi-byte compare
// (CMP, then LD and CPC a byte at a time) leaves Z and C for the whole.
// One return address: a subroutine calls none (seqasm.py checks).
// The data memory's top 16 bytes start as CONSTS (byte 0 lowest), which
// the bridge uses for what HELLO_R reports.
module hil_seq #(
    parameter PCW = 11,
    parameter DAW = 9,
    parameter [127:0] CONSTS = 128'd0
) (
    input  wire           clk,
    input  wire           rst,
    // program ROM (registered read, with enable)
    output wire [PCW-1:0] rom_addr,
    output wire           rom_en,
    input  wire [15:0]    rom_data,
    // I/O: io_rdata is read in the clock io_rd pulses; io_wdata is A
    output wire [5:0]     io_addr,
    output wire           io_rd,
    output wire           io_wr,
    output wire [7:0]     io_wdata,
    input  wire [7:0]     io_rdata,
    input  wire           out_wait,
    // data memory, written from outside
    input  wire           hw_we,
    input  wire [DAW-1:0] hw_waddr,
    input  wire [7:0]     hw_wdata
);
    localparam G_MEM = 2'd0, G_IMM = 2'd1, G_MISC = 2'd2, G_JMP = 2'd3;
    localparam F_LD = 3'd0, F_ADC = 3'd2, F_SUB = 3'd3,
               F_SBC = 3'd4, F_AND = 3'd5, F_OR = 3'd6, F_XOR = 3'd7;
    localparam M_ST = 3'd0, M_LDX = 3'd1, M_IN = 3'd2, M_OUT = 3'd3,
               M_TX = 3'd4, M_SH = 3'd5, M_ADDX = 3'd6;
    localparam J_JMP = 3'd0, J_JZ = 3'd1, J_JNZ = 3'd2, J_JC = 3'd3,
               J_JNC = 3'd4, J_CALL = 3'd5, J_RET = 3'd6;

    // Stage A: the ROM's word (ir_a, at pc_a), its data-memory read.
    // Stage B: the word before (ir_b, if vb), executing; while it is valid
    // the word at stage A is the one after it (a CALL returns to pc_a).
    reg           vb;
    // (ir_b[10], the index bit, did its work at stage A)
    /* verilator lint_off UNUSEDSIGNAL */
    reg [15:0]    ir_b;
    /* verilator lint_on UNUSEDSIGNAL */
    reg [PCW-1:0] pc_a, lr;
    reg [DAW-1:0] daddr_b;
    reg [7:0]     a, x;
    reg           c, z;

    wire [15:0] ir_a = rom_data;
    wire [1:0]  grp = ir_b[15:14];
    wire [2:0]  fn  = ir_b[13:11];
    wire [7:0]  imm = ir_b[7:0];

    // Data memory: read at stage A's address (the operand, plus X when
    // indexed), written by ST at stage B or from outside.
    reg  [7:0]     dm [0:(1 << DAW) - 1];
    reg  [7:0]     md;
    integer k;
    initial
        for (k = 0; k < 16; k = k + 1)
            dm[(1 << DAW) - 16 + k] = CONSTS[8*k +: 8];
    wire [DAW-1:0] daddr_a = ir_a[DAW-1:0] + (ir_a[10] ? {{(DAW-8){1'b0}}, x} : {DAW{1'b0}});
    wire           cpu_we = vb && grp == G_MISC && fn == M_ST;
    wire           is_out = vb && grp == G_MISC && fn == M_OUT;
    wire           go = !(is_out && out_wait) && !(cpu_we && hw_we);
    always @(posedge clk) begin
        if (hw_we)
            dm[hw_waddr] <= hw_wdata;
        else if (cpu_we)
            dm[daddr_b] <= a;
        md <= dm[daddr_a];
    end

    // ALU: one adder for ADD/ADC/SUB/SBC (a subtraction adds ~b with the
    // carry in set, so the carry out is the borrow's complement).
    wire [7:0] b = (grp == G_MEM) ? md : imm;
    wire       is_sub = fn == F_SUB || fn == F_SBC;
    wire       cin = fn == F_ADC ? c : fn == F_SUB ? 1'b1 : fn == F_SBC ? !c : 1'b0;
    wire [8:0] sum = {1'b0, a} + {1'b0, is_sub ? ~b : b} + {8'd0, cin};
    reg  [7:0] r;
    always @(*)
        case (fn)
            F_LD: r = b;
            F_AND: r = a & b;
            F_OR: r = a | b;
            F_XOR: r = a ^ b;
            default: r = sum[7:0];
        endcase
    wire chain = fn == F_ADC || fn == F_SBC;
    wire arith = fn != F_LD && fn != F_AND && fn != F_OR && fn != F_XOR;

    // A jump taken at stage B fetches its target; the word at stage A,
    // the one after the jump, is dropped.
    wire taken = vb && grp == G_JMP &&
                 (fn == J_JMP || fn == J_CALL || fn == J_RET ||
                  (fn == J_JZ && z) || (fn == J_JNZ && !z) || (fn == J_JC && c) ||
                  (fn == J_JNC && !c));
    wire [PCW-1:0] target = fn == J_RET ? lr : ir_b[PCW-1:0];
    assign rom_addr = rst ? {PCW{1'b0}} : taken ? target : pc_a + 1'b1;
    assign rom_en   = rst || go;

    assign io_addr  = ir_b[5:0];
    assign io_rd    = go && vb && grp == G_MISC && fn == M_IN;
    // (an OUT is no ST: only out_wait may hold it, and leaving the other
    // term out keeps the outside write's stall off the ports' paths)
    assign io_wr    = is_out && !out_wait;
    assign io_wdata = a;

    wire [7:0] xsum = x + imm;

    always @(posedge clk) begin
        if (rst) begin
            vb <= 1'b0;
            pc_a <= {PCW{1'b0}};
        end else if (go) begin
            pc_a <= rom_addr;
            ir_b <= ir_a;
            daddr_b <= daddr_a;
            vb <= !taken;
            if (vb) case (grp)
                G_MEM, G_IMM: begin
                    if (!ir_b[9])
                        a <= r;
                    if (arith)
                        c <= sum[8] ^ is_sub;
                    if (fn != F_LD)
                        z <= (r == 8'd0) && (!chain || z);
                end
                G_MISC: case (fn)
                    M_LDX: x <= ir_b[9] ? imm : md;
                    M_IN: a <= io_rdata;
                    M_TX: if (ir_b[0]) a <= x; else x <= a;
                    M_SH: if (ir_b[0]) begin
                        a <= {a[3:0], a[7:4]};
                        z <= a == 8'd0;
                    end else begin
                        a <= {1'b0, a[7:1]};
                        c <= a[0];
                        z <= a[7:1] == 7'd0;
                    end
                    M_ADDX: begin x <= xsum; z <= xsum == 8'd0; end
                    default: ;
                endcase
                default:
                    if (fn == J_CALL)
                        lr <= pc_a;
            endcase
        end
    end
endmodule
`default_nettype wire
