// Synchronous resets: without an enable, with a reset that beats the enable,
// and with an enable that gates the reset.
module sreset (input wire clk, input wire rst, input wire en, input wire [7:0] d,
               output reg [7:0] cnt = 0, output reg [7:0] q = 0,
               output reg [7:0] r = 0);
    always @(posedge clk) begin
        if (rst) cnt <= 0; else cnt <= cnt + 1;
        if (rst) q <= 8'h11; else if (en) q <= q + d;
        if (en) begin
            if (rst) r <= 8'h5a; else r <= r ^ d;
        end
    end
endmodule
