// The socket between hil's link and a backend process (hil_sim_main.cpp,
// hil_uart_main.cpp, hil_fx2_main.cpp): bytes for the host written whole,
// bytes from it read once the model has taken all it had, waiting for
// them only when the model is idle. A host that closed its end is the end
// of the run, whether we were reading or writing: no SIGPIPE, since the
// processes still have their counts to report.
#ifndef HIL_SOCKET_H
#define HIL_SOCKET_H

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

struct HilSocket {
	int fd;
	const char *who; // the process's name, for its messages
	bool eof;

	[[noreturn]] void die(const char *what) const
	{
		std::fprintf(stderr, "%s: %s: %s\n", who, what, std::strerror(errno));
		std::exit(2);
	}

	// Sends out[0..len) and empties it.
	void flush(const unsigned char *out, size_t &len)
	{
		size_t off = 0;
		while (off < len && !eof) {
			ssize_t n = send(fd, out + off, len - off, MSG_NOSIGNAL);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
				eof = true;
			else if (n < 0)
				die("write");
			else
				off += (size_t)n;
		}
		len = 0;
	}

	// With in[pos..len) all taken, reads what the host sent into in[0..),
	// waiting for it if block.
	void fill(unsigned char *in, size_t cap, size_t &pos, size_t &len, bool block)
	{
		if (pos != len || eof)
			return;
		pos = len = 0;
		struct pollfd p = {fd, POLLIN, 0};
		int n = poll(&p, 1, block ? -1 : 0);
		if (n < 0 && errno != EINTR)
			die("poll");
		if (n <= 0)
			return;
		ssize_t got = read(fd, in, cap);
		if (got < 0 && errno != EINTR && errno != EAGAIN && errno != ECONNRESET)
			die("read");
		if (got == 0 || (got < 0 && errno == ECONNRESET))
			eof = true;
		if (got > 0)
			len = (size_t)got;
	}
};

#endif
