// A sine-wave generator: a 256-entry table of 8-bit samples that
// $readmemh loads from sine.hex, read on the clock (on the chip, a block
// RAM initialised from the file). The file is named relative to this
// directory, and every backend finds it there.
module wave (
    input  wire       clk,
    input  wire       en,
    input  wire [1:0] stride,
    output reg  [7:0] sample,
    output reg  [7:0] phase
);
    reg [7:0] table_[0:255];
    initial $readmemh("sine.hex", table_);
    initial phase = 8'd0;

    always @(posedge clk) begin
        sample <= table_[phase];
        if (en) phase <= phase + {6'd0, stride} + 8'd1;
    end
endmodule
