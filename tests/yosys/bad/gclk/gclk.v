// Refused: a formal global-clock flip-flop ($ff).
module gclk (input wire clk, input wire d, output reg q, output reg g);
    always @(posedge clk) q <= d;
    always @($global_clock) g <= d;
endmodule
