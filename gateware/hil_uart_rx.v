`default_nettype none
// UART receiver, 8N1, for the board PHY. DIV is the bridge clocks per bit,
// at least 3: with fewer, no clock lands near the middle of a bit. The line
// is synchronised, a start bit is found on its falling edge and checked at
// mid-bit (a shorter glitch is ignored), and the data bits are sampled at
// mid-bit from there: each frame resynchronises on its own start edge, so a
// few percent of baud error do not accumulate. A frame whose stop bit is low
// (a framing error, or a break) is dropped and counted, and the receiver
// waits for the line to go idle before it looks for the next start bit.
// The count of them wraps at EW bits (a reader that looks often enough
// needs no more: the compact bridge reads 4).
module hil_uart_rx #(
    parameter DIV = 4,
    parameter EW = 16
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        rxd,
    output wire [7:0]  data,        // valid with `valid`, held until the next frame's bits
    output reg         valid,
    output reg  [EW-1:0] frame_errors
);
    localparam CW = $clog2(DIV + 1);
    localparam [CW-1:0] FULL = DIV - 1, HALF = DIV / 2 - 1;
    localparam S_IDLE = 2'd0, S_START = 2'd1, S_BITS = 2'd2, S_WAIT_HIGH = 2'd3;

    reg [2:0] sync;
    wire line = sync[2];
    reg [1:0] st;
    reg [CW-1:0] cnt;
    reg [3:0] nbit;
    reg [7:0] shift;
    assign data = shift;

    always @(posedge clk) begin
        sync <= {sync[1:0], rxd};
        valid <= 1'b0;
        if (rst) begin
            sync <= 3'b111;
            st <= S_IDLE;
            frame_errors <= {EW{1'b0}};
        end else case (st)
            S_IDLE: if (!line) begin
                st <= S_START;
                cnt <= HALF;
            end
            S_START: if (cnt != 0) begin
                cnt <= cnt - 1'b1;
            end else if (line) begin
                st <= S_IDLE;              // a glitch, not a start bit
            end else begin
                st <= S_BITS;
                cnt <= FULL;
                nbit <= 4'd0;
            end
            S_BITS: if (cnt != 0) begin
                cnt <= cnt - 1'b1;
            end else if (nbit != 4'd8) begin
                shift <= {line, shift[7:1]};
                nbit <= nbit + 4'd1;
                cnt <= FULL;
            end else if (line) begin
                valid <= 1'b1;
                st <= S_IDLE;
            end else begin
                frame_errors <= frame_errors + 1'b1;
                st <= S_WAIT_HIGH;
            end
            default: if (line) st <= S_IDLE;
        endcase
    end
endmodule
`default_nettype wire
