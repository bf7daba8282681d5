/* hild's client protocol: the bytes of one connection, from the first
 * (handshake, and the token on TCP) to the last, into a real hild (its
 * reactor, streams, framing, clients, operations, topics, boards and job
 * queue) in this process. The first input byte picks the listener: odd
 * means TCP, which wants the token "fuzz-token". hild has no boards and
 * may start no simulator, so no request reaches a child process; a job
 * that is submitted stays queued and each input starts from an empty
 * state directory. Besides not crashing: everything hild sends is a
 * length-prefixed JSON object no longer than its message limit, and the
 * connection ends or goes quiet in a bounded number of loop rounds. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz_hild.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_state("hild");
	return 0;
}

/* Cuts what hild sent into messages and checks each; returns the bytes
 * used. */
static size_t replies(const uint8_t *p, size_t n, size_t max_msg)
{
	size_t off = 0;
	while (n - off >= 4) {
		size_t len = (size_t)p[off] << 24 | (size_t)p[off + 1] << 16 |
			(size_t)p[off + 2] << 8 | p[off + 3];
		FUZZ_CHECK(len <= max_msg);
		if (n - off - 4 < len)
			break;
		json_error_t e;
		json_t *j = json_loadb((const char *)p + off + 4, len, 0, &e);
		FUZZ_CHECK(json_is_object(j));
		json_decref(j);
		off += 4 + len;
	}
	return off;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int tcp = data[0] & 1;
	data++, size--;
	struct hild d;
	fuzz_hild_start(&d);
	int sv[2];
	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) ==
		   0);
	FUZZ_CHECK(client_new(&d, sv[1], tcp) != NULL);

	static uint8_t in[1 << 17];
	size_t sent = 0, have = 0;
	int quiet = 0, eof = 0;
	for (long round = 0; !eof && quiet < 8; round++) {
		FUZZ_CHECK(round < 100000);
		if (sent < size) {
			ssize_t w = write(sv[0], data + sent, size - sent);
			if (w > 0)
				sent += (size_t)w;
			else
				FUZZ_CHECK(errno == EAGAIN || errno == EPIPE ||
					   errno == ECONNRESET);
			if (w < 0 && errno != EAGAIN)
				sent = size;
			if (sent == size)
				shutdown(sv[0], SHUT_WR);
		}
		int ran = hil_reactor_once(d.r, 0);
		FUZZ_CHECK(ran >= 0);
		ssize_t got = read(sv[0], in + have, sizeof(in) - have);
		if (got > 0) {
			have += (size_t)got;
			size_t used = replies(in, have, d.cfg.max_msg);
			memmove(in, in + used, have - used);
			have -= used;
		}
		eof = got == 0;
		quiet = ran == 0 && got < 0 && sent == size ? quiet + 1 : 0;
	}
	fuzz_hild_stop(&d);
	close(sv[0]);
	fuzz_state_empty();
	return 0;
}
