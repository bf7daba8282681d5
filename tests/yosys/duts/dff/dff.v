// Plain flip-flops, one of them in a submodule that flatten pulls in.
module dff (input wire clk, input wire [7:0] d, output reg [7:0] q = 0,
            output reg [7:0] acc = 0, output wire [3:0] cnt);
    always @(posedge clk) begin
        q <= d;
        acc <= acc + d;
    end
    dff_counter u_counter (.clk(clk), .cnt(cnt));
endmodule

module dff_counter (input wire clk, output reg [3:0] cnt = 0);
    always @(posedge clk) cnt <= cnt + 1;
endmodule
