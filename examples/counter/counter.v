// An 8-bit counter with synchronous reset and enable; `wrap` is high during
// the cycle whose edge takes the count from 255 back to 0.
module counter (
    input  wire       clk,
    input  wire       rst,
    input  wire       en,
    output reg  [7:0] count,
    output wire       wrap
);
    assign wrap = en && count == 8'd255;

    always @(posedge clk)
        if (rst)
            count <= 8'd0;
        else if (en)
            count <= count + 8'd1;
endmodule
