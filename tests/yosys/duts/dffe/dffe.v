// Flip-flops with enables of both polarities.
module dffe (input wire clk, input wire en, input wire hold_n, input wire [7:0] d,
             output reg [7:0] q = 0, output reg [7:0] acc = 0);
    always @(posedge clk) begin
        if (en) q <= d;
        if (!hold_n) acc <= acc + d;
    end
endmodule
