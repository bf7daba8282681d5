// alu: an 8-bit ALU with combinational outputs next to a registered 16-bit
// accumulator. y, zero and carry follow a, b and op within the cycle they are
// poked in; acc only changes at a rising edge (acc += y when acc_en, cleared
// by the synchronous reset rst). So a trace shows both kinds of timing.
//   op 0 add (carry = carry out)   op 1 sub (carry = borrow, a < b)
//   op 2 and   op 3 or   op 4 xor
//   op 5 a << b[2:0]   op 6 a >> b[2:0]   op 7 pass b
//   carry is 0 for ops 2..7; zero is y == 0.
module alu (
    input  wire        clk,
    input  wire        rst,
    input  wire [7:0]  a,
    input  wire [7:0]  b,
    input  wire [2:0]  op,
    input  wire        acc_en,
    output reg  [7:0]  y,
    output wire        zero,
    output reg         carry,
    output reg  [15:0] acc
);
    always @(*) begin
        carry = 1'b0;
        case (op)
            3'd0: {carry, y} = {1'b0, a} + {1'b0, b};
            3'd1: {carry, y} = {1'b0, a} - {1'b0, b};
            3'd2: y = a & b;
            3'd3: y = a | b;
            3'd4: y = a ^ b;
            3'd5: y = a << b[2:0];
            3'd6: y = a >> b[2:0];
            default: y = b;
        endcase
    end
    assign zero = y == 8'd0;

    always @(posedge clk)
        if (rst)
            acc <= 16'd0;
        else if (acc_en)
            acc <= acc + {8'd0, y};
endmodule
