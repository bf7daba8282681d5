// stamp: a DUT whose outputs show the cycle an input arrived, for the
// tests of "see the event and answer in the same cycle". `now` counts
// edges from power-on, so during cycle n it reads n (below 2^16). `irq` is
// high in every cycle whose number ends in 5 (octal): the event to answer.
// The first edge that finds `ack` high latches `now` into `got` and sets
// `seen`: got = n means ack was visible during cycle n.
module stamp (
    input  wire        clk,
    input  wire        ack,
    output reg  [15:0] now,
    output reg  [15:0] got,
    output reg         seen,
    output wire        irq
);
    assign irq = now[2:0] == 3'd5;

    always @(posedge clk) begin
        now <= now + 16'd1;
        if (ack && !seen) begin
            got  <= now;
            seen <= 1'b1;
        end
    end
endmodule
