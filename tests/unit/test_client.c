/* hild's blocking client (host/lib/session/client.c) against a scripted server in
 * a child process, for replies that arrive while the request is still being
 * sent (the server answers before it reads the request, which is the same
 * order of bytes as the race gives):
 * - an async request's reply (the client once put it aside as unasked-for,
 *   and hil_client_flush then waited for it for ever: found by make soak);
 * - the answer to the hello, which has no id (the client once took it for
 *   an error from hild, "hild: error: ": found by tests/suites/hild/tls.py
 *   through its relay). A hello too long for the socket's buffer makes the
 *   client read while it still writes. */
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "hil/client.h"

static void frame(uint8_t *out, size_t *len, const char *body)
{
	size_t n = strlen(body);
	out[*len] = (uint8_t)(n >> 24);
	out[*len + 1] = (uint8_t)(n >> 16);
	out[*len + 2] = (uint8_t)(n >> 8);
	out[*len + 3] = (uint8_t)n;
	memcpy(out + *len + 4, body, n);
	*len += 4 + n;
}

/* Reads one whole frame, of any length, and drops it. */
static void skip_frame(int fd)
{
	uint8_t buf[65536];
	size_t got = 0, want = 4;
	while (got < want) {
		ssize_t r =
			read(fd, buf + (got < 4 ? got : 4),
			     got < 4 ? 4 - got : (want - got < 65532 ? want - got : 65532));
		if (r <= 0)
			_exit(1);
		got += (size_t)r;
		if (got == 4)
			want = 4 +
				((size_t)buf[0] << 24 | (size_t)buf[1] << 16 |
				 (size_t)buf[2] << 8 | buf[3]);
	}
}

static void server(int lfd, int hello_first)
{
	int fd = accept(lfd, NULL, NULL);
	uint8_t buf[4096];
	size_t len = 0;
	if (fd < 0)
		_exit(1);
	frame(buf, &len, "{\"hello\":1,\"server\":\"hild\"}");
	if (hello_first) {
		if (write(fd, buf, len) != (ssize_t)len)
			_exit(1);
		len = 0;
	}
	skip_frame(fd);
	frame(buf, &len, "{\"id\":1,\"ok\":{}}");
	if (write(fd, buf, len) != (ssize_t)len)
		_exit(1);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	_exit(0);
}

static void hung(int sig)
{
	(void)sig;
	char msg[160];
	int n = snprintf(msg, sizeof(msg),
			 "test_client: hil_client_flush waits for a reply "
			 "that came\n%d passed, %d failed\n",
			 check_passed, check_failed + 1);
	_exit(write(1, msg, (size_t)n) < 0 ? 2 : 1);
}

static void session(const char *path, int lfd, const char *name, int hello_first)
{
	pid_t pid = fork();
	if (pid == 0)
		server(lfd, hello_first);
	char err[512];
	struct hil_client *c = hil_client_connect(path, name, err, sizeof(err));
	CHECK(c != NULL);
	if (!c)
		fprintf(stderr, "test_client: %s\n", err);
	if (c) {
		signal(SIGALRM, hung);
		alarm(10);
		CHECK(hil_client_send_async(c, json_pack("{s:s}", "op", "ping")) == 0);
		CHECK(hil_client_flush(c, err, sizeof(err)) == 0);
		alarm(0);
		hil_client_close(c);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "/tmp/hil-test-client-%d.sock",
		 (int)getpid());
	unlink(a.sun_path);
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(lfd >= 0 && bind(lfd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	      listen(lfd, 1) == 0);
	session(a.sun_path, lfd, "test", 0);
	size_t n = 4u << 20;
	char *longname = malloc(n + 1);
	CHECK(longname != NULL);
	if (longname) {
		memset(longname, 'x', n);
		longname[n] = 0;
		session(a.sun_path, lfd, longname, 1);
		free(longname);
	}
	close(lfd);
	unlink(a.sun_path);
	return CHECK_DONE();
}
