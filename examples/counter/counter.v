// counter: an 8-bit up-counter with synchronous reset `rst` (it wins over
// `en`) and enable `en`. `wrap` pulses high for one cycle: the cycle whose
// rising edge takes the count from 255 back to 0 (count == 255 and en high).
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
