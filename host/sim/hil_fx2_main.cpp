// The fx2 backend's process: an FX2 board's top, hil_board_fx2 (power-on
// reset, the slave-FIFO PHY, bridge, DUT), on IFCLK, with a cycle model of
// the FX2's slave FIFOs on its pins as hil's firmware sets them up: EP2 OUT
// and EP6 IN double-buffered with 512-byte packets, AUTOOUT, AUTOIN at 512,
// EP6's full flag one byte early (INFM1), PKTEND, flags and data active low
// and updated after the edge that changed them (gateware/tb/tb_fx2.v models
// the same chip). On the other side of the FIFOs sits the host: bytes from
// hil's socket go into EP2 a packet of up to 512 at a time when a buffer is
// free, and each EP6 packet the PHY commits goes back to the socket. The
// model stops the run if the PHY breaks the FIFO's rules (a write into a
// full EP6, PKTEND with no buffer free, a strobe on another endpoint, both
// sides on FD), so every trace through it also checks the PHY.
//
// hil_fx2.vlt makes public what tells us nothing will happen until a byte
// arrives: then we block in poll(), so a paused DUT costs no CPU.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <poll.h>
#include <unistd.h>

#include "Vhil_board_fx2.h"
#include "Vhil_board_fx2___024root.h"
#include "hil_socket.h"
#include "verilated.h"

static const size_t BUF = 1 << 16;
static const unsigned PKT = 512, BUFS = 2;
static const unsigned POLL_EVERY = 1024;

static void broke(const char *rule, unsigned long clock)
{
	std::fprintf(stderr, "hil-fx2: the PHY broke the FX2's rules at clock %lu: %s\n",
		     clock, rule);
	std::exit(3);
}

struct Fx2 {
	std::deque<unsigned char> ep2;    // what the bridge may read
	std::deque<unsigned char> ep6;    // written, not yet sent
	std::deque<unsigned> ep6_packets; // committed, their lengths
	unsigned fill = 0;                // bytes in EP6's open buffer
	unsigned free6() const
	{
		if (ep6_packets.size() >= BUFS)
			return 0;
		return (PKT - fill) + (unsigned)(BUFS - ep6_packets.size() - 1) * PKT;
	}
	void commit()
	{
		ep6_packets.push_back(fill);
		fill = 0;
	}
};

int main(int argc, char **argv)
{
	if (argc != 3 || std::strcmp(argv[1], "--fd") != 0) {
		std::fprintf(stderr,
			     "usage: hil-sim --fd N\n"
			     "  (started by libhil for fx2: targets; not for direct use)\n");
		return 2;
	}
	int fd = std::atoi(argv[2]);
	Verilated::commandArgs(1, argv);
	Vhil_board_fx2 *top = new Vhil_board_fx2;
	Vhil_board_fx2___024root *r = top->rootp;

	static unsigned char in[BUF], out[BUF];
	size_t in_len = 0, in_pos = 0, out_len = 0;
	unsigned since_poll = 0;
	unsigned long clock = 0, to_board = 0, from_board = 0;
	HilSocket sock = {fd, "hil-fx2", false};
	Fx2 fx2;

	// Settle the outputs the model computes from its flip-flops' power-on
	// state before the FX2 looks at them.
	top->clk = 0;
	top->eval();
	for (;;) {
		// The host: a packet into EP2 whenever a buffer is free.
		if (in_pos < in_len && fx2.ep2.size() + PKT <= BUFS * PKT) {
			size_t n = in_len - in_pos < PKT ? in_len - in_pos : PKT;
			fx2.ep2.insert(fx2.ep2.end(), in + in_pos, in + in_pos + n);
			in_pos += n;
			to_board += n;
		}
		// ...and every committed EP6 packet taken at once.
		while (!fx2.ep6_packets.empty() && out_len + PKT <= BUF) {
			from_board += fx2.ep6_packets.front();
			for (unsigned k = fx2.ep6_packets.front(); k; k--) {
				out[out_len++] = fx2.ep6.front();
				fx2.ep6.pop_front();
			}
			fx2.ep6_packets.pop_front();
		}

		// What the FX2 shows on its pins until the coming edge.
		top->flaga_n = !fx2.ep2.empty();
		top->flagc_n = fx2.free6() > 1;
		bool fx2_drives = !top->sloe_n;
		if (fx2_drives && top->fd_oe)
			broke("SLOE low while the FPGA drives FD", clock);
		top->fd_i = fx2_drives && top->fifoadr == 0 && !fx2.ep2.empty()
			? fx2.ep2.front()
			: 0;

		// The edge: the FX2 takes the strobes the FPGA holds now.
		bool rd = !top->slrd_n, wr = !top->slwr_n, end = !top->pktend_n;
		unsigned adr = top->fifoadr;
		unsigned char wdata = top->fd_o;
		top->clk = 0;
		top->eval();
		top->clk = 1;
		top->eval();
		clock++;
		if (rd) {
			if (adr != 0)
				broke("SLRD with FIFOADR off EP2", clock);
			if (!fx2.ep2.empty())
				fx2.ep2.pop_front();
		}
		if ((wr || end) && adr != 2)
			broke("SLWR or PKTEND with FIFOADR off EP6", clock);
		if (wr) {
			if (fx2.free6() == 0)
				broke("a write into a full EP6 (lost)", clock);
			fx2.ep6.push_back(wdata);
			if (++fx2.fill == PKT)
				fx2.commit();
		}
		if (end) {
			if (fx2.ep6_packets.size() >= BUFS)
				broke("PKTEND with no EP6 buffer free", clock);
			fx2.commit();
		}

		// Nothing will happen until a byte arrives: the bridge says so,
		// the PHY waits to read, and the FIFOs hold nothing for either.
		bool idle = r->hil_board_fx2__DOT__u_top__DOT__idle &&
			r->hil_board_fx2__DOT__u_phy__DOT__state == 0 &&
			!r->hil_board_fx2__DOT__u_phy__DOT__dirty &&
			!r->hil_board_fx2__DOT__u_top__DOT__tx_valid && fx2.ep2.empty() &&
			fx2.ep6_packets.empty() && fx2.fill == 0 && in_pos == in_len;
		if (!idle && ++since_poll < POLL_EVERY && out_len < BUF / 2)
			continue;
		since_poll = 0;

		sock.flush(out, out_len);
		sock.fill(in, BUF, in_pos, in_len, idle);
		if (sock.eof)
			break;
	}
	// For make bench (mk/bench_usb.sh): what crossed the FX2's FIFOs.
	std::fprintf(stderr, "hil-fx2: %lu bytes to the board, %lu from it, %lu clocks\n",
		     to_board, from_board, clock);
	top->final();
	delete top;
	return 0;
}
