// An 8-bit adder and comparator with no clock and no state: hil runs a
// purely combinational DUT on the bridge's cycles, and its outputs follow
// a poke in the poke's own cycle.
module adder (
    input  wire [7:0] a,
    input  wire [7:0] b,
    input  wire       cin,
    output wire [7:0] sum,
    output wire       cout,
    output wire       eq,
    output wire       lt
);
    assign {cout, sum} = a + b + {7'd0, cin};
    assign eq = a == b;
    assign lt = a < b;
endmodule
