// The uart backend's process: the board top hil_board (power-on reset, UART
// PHY, bridge, DUT) with real serial bits on rxd and txd, and on the other
// side of the wire a model of the host's USB-serial chip, which turns bytes
// from hil's socket into 8N1 frames on rxd and decodes txd back into bytes.
// Everything the sim backend replaces with its byte port (hil_sim_main.cpp)
// is here the gateware the chip runs. C++ only because Verilator's models
// are C++ classes.
//
// HIL_DIV (from the board's board.mk, also given to the gateware as DIV) is
// the board's bridge clocks per bit. Our side runs its bits 1.5% slower
// (HIL_UART_SKEW, in per mille, may say otherwise): a real FTDI derives its
// baud rate from its own crystal through a fractional divider, so its bits
// never line up with the board's clock, and a model at the exact rate would
// test the PHY only at the one rate and phase that no cable delivers. The
// PHY resynchronises on every start edge, so an error of this size must not
// cost a byte in either direction.
//
// HIL_UART_BADSTOP=N sends one byte in N, at random (a fixed seed, so a run
// repeats), with its stop bit low and then one idle bit: a framing error the
// board must count, report in STATUS_R and survive, the lost byte recovered
// by the link layer above. Random, because a fixed period would spoil every
// frame longer than it, resends included.
//
// hil_uart.vlt makes the few internal signals public that tell us nothing
// will happen until a byte arrives: then we block in poll(), so a paused
// DUT costs no CPU, as with the sim backend.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "Vhil_board.h"
#include "Vhil_board___024root.h"
#include "hil_socket.h"
#include "verilated.h"

#ifndef HIL_DIV
#error "HIL_DIV must be the board's clocks per bit (mk/dut.mk sets it)"
#endif

static const size_t BUF = 1 << 16;
// Time in units of 1/CLOCK of a bridge clock, so that a bit can last a
// fraction of a clock more or less than HIL_DIV clocks.
static const long CLOCK = 1000;
static long BIT = HIL_DIV * (CLOCK + 15);
// How many clocks may pass while busy before we look for input or flush
// output again (a byte takes about 10 * HIL_DIV clocks on the wire).
static const unsigned POLL_EVERY = 1024;

// The host's transmitter: the line is a run of bit slots on its own bit
// clock; a frame starts at the first slot boundary after a byte is there.
struct SerialTx {
	long due = BIT;     // units until the current slot ends
	unsigned frame = 0; // the bits still to send, the current one in bit 0
	int left = 0;       // how many of them; 0: the line idles high
	unsigned long badstop = 0;
	unsigned long rng = 0x2545F491u;
	bool spoil()
	{
		rng = rng * 6364136223846793005ul + 1442695040888963407ul;
		return badstop && (rng >> 33) % badstop == 0;
	}
	bool line() const
	{
		return left == 0 || (frame & 1);
	}
	// One bridge clock has passed; take the next byte when the line is free.
	void clock(const unsigned char *in, size_t in_len, size_t &in_pos)
	{
		if ((due -= CLOCK) > 0)
			return;
		due += BIT;
		if (left) {
			frame >>= 1;
			left--;
		}
		if (!left && in_pos < in_len) {
			frame = 0x200u | (unsigned)in[in_pos++] << 1; // stop, data, start
			left = 10;
			if (spoil()) {
				frame = (frame & ~0x200u) | 0x400u; // stop low, then idle
				left = 11;
			}
		}
	}
};

// The host's receiver: a start bit is found on the falling edge, checked at
// mid-bit, and each later bit sampled at its middle on our (slower) bit
// clock. A low stop bit is a framing error: the byte is dropped, counted,
// and we wait for the line to go high before looking for the next start.
struct SerialRx {
	enum {
		IDLE,
		BITS,
		WAIT_HIGH
	} st = IDLE;
	long due = 0;
	int nbit = 0; // 0: start bit, 1..8: data, 9: stop
	unsigned shift = 0;
	unsigned long framing_errors = 0, bytes = 0;
	bool busy() const
	{
		return st != IDLE;
	}
	// The line after a clock edge; returns true with *byte set on a good frame.
	bool clock(bool line, unsigned char *byte)
	{
		switch (st) {
		case IDLE:
			// The line fell at the edge just passed. What we see after
			// edge n holds from n to n + 1, so the middle of a bit, due
			// at a fraction of a clock, is in the sample taken at the
			// edge before it: count one clock less.
			if (!line) {
				st = BITS;
				due = BIT / 2 - CLOCK;
				nbit = 0;
			}
			return false;
		case WAIT_HIGH:
			if (line)
				st = IDLE;
			return false;
		case BITS:
			break;
		}
		if ((due -= CLOCK) > 0)
			return false;
		due += BIT;
		if (nbit == 0 && line) {
			// The board's transmitter never makes a pulse this short: a
			// broken frame all the same.
			framing_errors++;
			st = IDLE;
		} else if (nbit >= 1 && nbit <= 8) {
			shift = shift >> 1 | (line ? 0x80u : 0u);
		} else if (nbit == 9) {
			if (line) {
				st = IDLE;
				*byte = (unsigned char)shift;
				bytes++;
				return true;
			}
			framing_errors++;
			st = WAIT_HIGH;
		}
		nbit++;
		return false;
	}
};

int main(int argc, char **argv)
{
	if (argc != 3 || std::strcmp(argv[1], "--fd") != 0) {
		std::fprintf(stderr,
			     "usage: hil-sim --fd N\n"
			     "  (started by libhil for uart: targets; not for direct use)\n");
		return 2;
	}
	int fd = std::atoi(argv[2]);
	if (const char *skew = std::getenv("HIL_UART_SKEW")) {
		char *end;
		long pm = std::strtol(skew, &end, 10);
		if (!*skew || *end || pm < -100 || pm > 100) {
			std::fprintf(stderr,
				     "hil-uart: HIL_UART_SKEW=%s: want per mille "
				     "from -100 to 100\n",
				     skew);
			return 2;
		}
		BIT = HIL_DIV * (CLOCK + pm);
	}
	SerialTx tx;
	if (const char *bad = std::getenv("HIL_UART_BADSTOP")) {
		char *end;
		long n = std::strtol(bad, &end, 10);
		if (!*bad || *end || n < 1) {
			std::fprintf(stderr,
				     "hil-uart: HIL_UART_BADSTOP=%s: want a "
				     "positive count of bytes\n",
				     bad);
			return 2;
		}
		tx.badstop = (unsigned long)n;
	}
	Verilated::commandArgs(1, argv);
	Vhil_board *top = new Vhil_board;
	Vhil_board___024root *r = top->rootp;

	static unsigned char in[BUF], out[BUF];
	size_t in_len = 0, in_pos = 0, out_len = 0;
	unsigned long sent = 0;
	unsigned long long clocks = 0;
	// The board's receiver counts its framing errors in 4 bits, which wrap:
	// each step of them is added up here.
	unsigned long board_errors = 0;
	unsigned board_seen = 0;
	unsigned since_poll = 0;
	HilSocket sock = {fd, "hil-uart", false};
	SerialRx rx;

	top->hold = 0;
	top->rxd = 1;
	for (;;) {
		top->clk = 0;
		top->eval();
		top->clk = 1;
		top->eval();
		clocks++;
		unsigned fe = r->hil_board__DOT__u_rx__DOT__frame_errors;
		board_errors += (fe - board_seen) & 15u;
		board_seen = fe;
		unsigned char byte;
		if (rx.clock(top->txd, &byte))
			out[out_len++] = byte;
		size_t before = in_pos;
		tx.clock(in, in_len, in_pos);
		sent += in_pos - before;
		top->rxd = tx.line();

		// Nothing moves until a byte comes from the host: the bridge is
		// idle with no byte handed to it or by it, and both ends of both
		// wires are quiet (hil_uart_rx's state 0 is its idle state, and its
		// synchroniser holds the idle line).
		bool idle = r->hil_board__DOT__u_top__DOT__idle &&
			!r->hil_board__DOT__u_top__DOT__rx_valid &&
			!r->hil_board__DOT__u_top__DOT__tx_valid &&
			r->hil_board__DOT__u_tx__DOT__ready &&
			r->hil_board__DOT__u_rx__DOT__st == 0 &&
			r->hil_board__DOT__u_rx__DOT__sync == 7 && !tx.left &&
			in_pos == in_len && !rx.busy() && top->txd;
		if (!idle && ++since_poll < POLL_EVERY && out_len < BUF / 2)
			continue;
		since_poll = 0;

		sock.flush(out, out_len);
		sock.fill(in, BUF, in_pos, in_len, idle);
		// The host is gone: nobody will read what the DUT does next.
		if (sock.eof)
			break;
	}
	// The board's time: the clocks simulated, which stop while the board
	// waits for the host with nothing to do (make bench's rates).
	std::fprintf(stderr, "hil-uart: %llu board clocks\n", clocks);
	// The board counts the frames its receiver dropped; so do we.
	std::fprintf(
		stderr,
		"hil-uart: %lu bytes to the board, %lu from it, our bits %.1f%% "
		"%s than the board's; framing errors: %lu seen by the host's "
		"receiver, %lu by the board's\n",
		sent, rx.bytes, std::labs(BIT - HIL_DIV * CLOCK) * 100.0 / (HIL_DIV * CLOCK),
		BIT < HIL_DIV * CLOCK ? "shorter" : "longer", rx.framing_errors, board_errors);
	top->final();
	delete top;
	return 0;
}
