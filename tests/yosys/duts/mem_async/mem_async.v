// Asynchronous reads: a RAM loaded from an init file (its write port is the
// only thing to gate), and a ROM with initial values, which has no clocked
// port and is left alone.
module mem_async (input wire clk, input wire we, input wire [4:0] wa,
                  input wire [7:0] wd, input wire [4:0] ra, input wire [2:0] sel,
                  output wire [7:0] rd, output wire [7:0] rom_q,
                  output reg [7:0] sum = 0);
    reg [7:0] ram [0:31];
    reg [7:0] rom [0:7];
    initial $readmemh("ram.hex", ram);
    initial begin
        rom[0] = 8'h01; rom[1] = 8'h02; rom[2] = 8'h04; rom[3] = 8'h08;
        rom[4] = 8'h10; rom[5] = 8'h20; rom[6] = 8'h40; rom[7] = 8'h80;
    end
    always @(posedge clk) begin
        if (we) ram[wa] <= wd;
        sum <= sum + rom[sel];
    end
    assign rd = ram[ra];
    assign rom_q = rom[sel];
endmodule
