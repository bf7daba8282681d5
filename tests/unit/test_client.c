/* hild's blocking client (host/lib/session/client.c) against a scripted server in
 * a child process: the reply to an async request that arrives while the
 * request is still being sent (the client once put it aside as unasked-for,
 * and hil_client_flush then waited for it for ever: found by make soak). The
 * server here answers before it reads the request, which is the same
 * order of bytes as the race gives. */
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

static void server(int lfd)
{
	int fd = accept(lfd, NULL, NULL);
	uint8_t buf[4096];
	size_t len = 0;
	/* The whole hello, then the handshake's reply and the early reply at
	 * once. */
	size_t got = 0;
	while (got < 4 || got < 4 + ((size_t)buf[2] << 8 | buf[3])) {
		ssize_t r = fd < 0 ? -1 : read(fd, buf + got, sizeof(buf) - got);
		if (r <= 0)
			_exit(1);
		got += (size_t)r;
	}
	frame(buf, &len, "{\"hello\":1,\"server\":\"hild\"}");
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

int main(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "/tmp/hil-test-client-%d.sock",
		 (int)getpid());
	unlink(a.sun_path);
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(lfd >= 0 && bind(lfd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	      listen(lfd, 1) == 0);
	pid_t pid = fork();
	if (pid == 0)
		server(lfd);
	char err[512];
	struct hil_client *c = hil_client_connect(a.sun_path, "test", err, sizeof(err));
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
	close(lfd);
	unlink(a.sun_path);
	return CHECK_DONE();
}
