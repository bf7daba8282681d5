// The Verilator backend's process: the generated top (bridge + DUT) behind the
// "sim byte port" PHY, one byte per clock each way, on a stream socket that
// hil's sim link hands us as a file descriptor. Everything above the bytes
// (framing, CRC, retransmission, credits) is the same gateware and host code
// as on a board. When the bridge reports idle we block in poll(), so a paused
// DUT costs no CPU. C++ only because Verilator's models are C++ classes.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <unistd.h>

#include "Vhil_top.h"
#include "hil_socket.h"
#include "verilated.h"

static const size_t BUF = 1 << 16;
// How many clocks may pass while busy before we look for input or flush
// output again: few enough to keep latency low, many enough that syscalls
// do not dominate a free-running DUT.
static const unsigned POLL_EVERY = 1024;

int main(int argc, char **argv)
{
	if (argc != 3 || std::strcmp(argv[1], "--fd") != 0) {
		std::fprintf(stderr,
			     "usage: hil-sim --fd N\n"
			     "  (started by libhil for sim: targets; not for direct use)\n");
		return 2;
	}
	int fd = std::atoi(argv[2]);
	Verilated::commandArgs(1, argv);
	Vhil_top *top = new Vhil_top;

	static unsigned char in[BUF], out[BUF];
	size_t in_len = 0, in_pos = 0, out_len = 0;
	unsigned since_poll = 0;
	HilSocket sock = {fd, "hil-sim", false};

	auto tick = [&]() {
		top->clk = 0;
		top->eval();
		top->clk = 1;
		top->eval();
	};
	top->rst = 1;
	for (int i = 0; i < 4; i++)
		tick();
	top->rst = 0;

	for (;;) {
		// Drive this clock's inputs from the state after the last edge.
		top->rx_valid = in_pos < in_len;
		top->rx_data = top->rx_valid ? in[in_pos] : 0;
		top->tx_ready = out_len < BUF;
		top->clk = 0;
		top->eval();
		bool took_rx = top->rx_valid;
		bool gave_tx = top->tx_valid && top->tx_ready;
		unsigned char tx = top->tx_data;
		top->clk = 1;
		top->eval();
		if (took_rx)
			in_pos++;
		if (gave_tx)
			out[out_len++] = tx;

		bool idle = top->idle && in_pos == in_len && !top->tx_valid;
		if (!idle && ++since_poll < POLL_EVERY && out_len < BUF / 2)
			continue;
		since_poll = 0;

		if (out_len && (idle || out_len >= BUF / 2 || !top->tx_valid))
			sock.flush(out, out_len);
		sock.fill(in, BUF, in_pos, in_len, idle);
		// The host is gone: nobody will read what the DUT does next.
		if (sock.eof)
			break;
	}
	top->final();
	delete top;
	return 0;
}
