`default_nettype none
// UART transmitter, 8N1, for the board PHY: DIV bridge clocks per bit. It
// takes a byte when idle (ready) and holds the line high between frames.
module hil_uart_tx #(
    parameter DIV = 4
) (
    input  wire       clk,
    input  wire       rst,
    input  wire [7:0] data,
    input  wire       valid,
    output wire       ready,
    output wire       txd
);
    localparam CW = $clog2(DIV + 1);
    localparam [CW-1:0] FULL = DIV - 1;

    reg [9:0] shift;   // stop, data[7:0], start; bit 0 on the line
    reg [3:0] left;    // bits still to send
    reg [CW-1:0] cnt;

    assign ready = left == 4'd0;
    assign txd = ready ? 1'b1 : shift[0];

    always @(posedge clk) begin
        if (rst) begin
            left <= 4'd0;
        end else if (ready) begin
            if (valid) begin
                shift <= {1'b1, data, 1'b0};
                left <= 4'd10;
                cnt <= FULL;
            end
        end else if (cnt != 0) begin
            cnt <= cnt - 1'b1;
        end else begin
            shift <= {1'b1, shift[9:1]};
            left <= left - 4'd1;
            cnt <= FULL;
        end
    end
endmodule
`default_nettype wire
