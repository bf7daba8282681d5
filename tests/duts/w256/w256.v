// The widest port hil bridges: 256 bits. acc adds `a` every enabled cycle,
// so a wait on it compares all 32 bytes in the bridge's break unit.
module w256 (
    input  wire         clk,
    input  wire         clr,
    input  wire         en,
    input  wire [255:0] a,
    output reg  [255:0] acc,
    output wire         top_bit
);
    assign top_bit = acc[255];

    always @(posedge clk)
        if (clr)
            acc <= 256'd0;
        else if (en)
            acc <= acc + a;
endmodule
