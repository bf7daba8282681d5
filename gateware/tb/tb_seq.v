`default_nettype none
// hil_seq alone, running gateware/tb/tb_seq.s (assembled into the module
// tb_seq_rom by tests/suites/gateware/run.sh). The program writes each
// result to port 0; they must come in the order of `want`, the last being
// 0xd0, with no 0xee (the program's failure mark) on the way. Meanwhile
// `out_wait` (holding back OUTs) and writes into the data memory from
// outside come at random (an LFSR), the way the bridge makes them: neither
// may change what the program computes.
// Prints "ok ..."/"FAIL ..." lines and "N passed, M failed".
`timescale 1ns/1ns
module tb_seq;
    reg clk = 1'b0, rst = 1'b1;
    always #5 clk = !clk;

    wire [10:0] rom_addr;
    wire        rom_en;
    wire [15:0] rom_data;
    wire [5:0]  io_addr;
    wire        io_rd, io_wr;
    wire [7:0]  io_wdata;
    reg  [7:0]  io_rdata;
    reg         stall = 1'b0, hw_we = 1'b0;
    reg  [8:0]  hw_waddr = 9'h1f0;
    reg  [7:0]  hw_wdata = 8'd0, hw_last = 8'd0;

    tb_seq_rom u_rom (.clk(clk), .en(rom_en), .addr(rom_addr), .data(rom_data));
    hil_seq #(.CONSTS({8'hc5, 120'd0})) u_seq (
        .clk(clk), .rst(rst), .rom_addr(rom_addr), .rom_en(rom_en), .rom_data(rom_data),
        .io_addr(io_addr), .io_rd(io_rd), .io_wr(io_wr), .io_wdata(io_wdata),
        .io_rdata(io_rdata), .out_wait(stall),
        .hw_we(hw_we), .hw_waddr(hw_waddr), .hw_wdata(hw_wdata));

    reg [7:0] want [0:23];
    initial begin
        want[0] = 8'h34;  want[1] = 8'h24;  want[2] = 8'h13;  want[3] = 8'h44;
        want[4] = 8'h11;  want[5] = 8'h01;  want[6] = 8'h01;  want[7] = 8'h12;
        want[8] = 8'h77;  want[9] = 8'h30;  want[10] = 8'h35; want[11] = 8'hca;
        want[12] = 8'ha2; want[13] = 8'h12; want[14] = 8'ha3; want[15] = 8'hfe;
        want[16] = 8'h20; want[17] = 8'h02; want[18] = 8'h40; want[19] = 8'h5a;
        want[20] = 8'ha5; want[21] = 8'hxx; want[22] = 8'hc5;
        want[23] = 8'hd0;
    end

    reg [7:0] src [0:2];
    initial begin src[0] = 8'h5a; src[1] = 8'ha5; src[2] = 8'h00; end
    integer nsrc = 0, nout = 0, wrong = 0, passed = 0, failed = 0, clocks = 0;
    integer nstall = 0, nhw = 0, early = 0;
    reg [15:0] lfsr = 16'hace1;

    always @(*)
        case (io_addr)
            6'd1: io_rdata = nsrc < 3 ? src[nsrc] : 8'hff;
            6'd2: io_rdata = hw_last;
            default: io_rdata = 8'hff;
        endcase

    task check(input c, input [8*64-1:0] what);
        begin
            if (c) begin passed = passed + 1; $display("ok %0s", what); end
            else begin failed = failed + 1; $display("FAIL %0s", what); end
        end
    endtask

    // The outside writer stops before the program reads what it wrote (after
    // result 21): the firmware's rule too, a region is read only when its
    // writer is done with it.
    reg writer_on = 1'b1;
    always @(posedge clk) begin
        clocks <= clocks + 1;
        lfsr <= {lfsr[14:0], lfsr[15] ^ lfsr[13] ^ lfsr[12] ^ lfsr[10]};
        stall <= lfsr[3] && lfsr[7];
        hw_we <= writer_on && lfsr[5] && !rst;
        if (hw_we) begin hw_last <= hw_wdata; nhw = nhw + 1; end
        if (stall) nstall = nstall + 1;
        if (io_wr && stall) early = early + 1;
        hw_wdata <= lfsr[15:8];
        if (io_rd && io_addr == 6'd1) nsrc <= nsrc + 1;
        if (nout >= 21) writer_on <= 1'b0;
        if (io_wr && io_addr == 6'd0) begin
            if (nout < 24 && io_wdata !== (nout == 21 ? hw_last : want[nout])) begin
                wrong = wrong + 1;
                $display("# result %0d: 0x%02x, want 0x%02x", nout + 1, io_wdata, want[nout]);
            end
            nout <= nout + 1;
        end
    end

    initial begin
        #22 rst = 1'b0;
        wait (nout == 24 || clocks == 20000);
        #20;
        check(nout == 24, "every result came (24)");
        check(wrong == 0, "each result is right");
        check(nsrc == 3, "each IN of port 1 read once");
        check(nstall > 20 && nhw > 20, "with stalls and outside writes on the way");
        check(early == 0, "no OUT while out_wait holds it");
        $display("%0d passed, %0d failed", passed, failed);
        $finish;
    end
endmodule
`default_nettype wire
