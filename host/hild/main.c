/* hild: the daemon. Serves clients on a Unix socket from one event loop
 * until SIGTERM or SIGINT, then removes its socket and exits 0.
 *
 *   hild [--socket PATH] [--group G] [--max-clients N] [--max-msg BYTES]
 *        [--max-out BYTES] [--foreground]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "hild.h"

static void on_signal(struct hil_reactor *r, int fd, unsigned ev, void *user)
{
	(void)ev, (void)user;
	struct signalfd_siginfo si;
	if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		hil_reactor_stop(r);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: hild [--socket PATH] [--group G] [--max-clients N]\n"
		"            [--max-msg BYTES] [--max-out BYTES] [--foreground]\n"
		"  --socket       where clients connect (default /run/hil/hild.sock,\n"
		"                 or $XDG_RUNTIME_DIR/hild.sock for a user)\n"
		"  --group        the socket's group (mode 0660)\n"
		"  --max-clients  clients at once (default 256)\n"
		"  --max-msg      the largest message (default 1048576)\n"
		"  --max-out      replies queued for one client before it is\n"
		"                 dropped (default 4194304)\n"
		"  --foreground   stay attached to the terminal (hild always does\n"
		"                 for now; systemd runs it so)\n");
	return 2;
}

static int number(const char *v, long lo, long hi, long *out)
{
	char *end;
	long n = v ? strtol(v, &end, 10) : 0;
	if (!v || !*v || *end || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

int main(int argc, char **argv)
{
	char defpath[4096];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (getuid() != 0 && xdg && *xdg)
		snprintf(defpath, sizeof(defpath), "%s/hild.sock", xdg);
	else
		snprintf(defpath, sizeof(defpath), "/run/hil/hild.sock");
	struct hild d = {.lfd = -1};
	d.cfg = (struct hild_config){defpath, NULL, 256, 1 << 20, 4 << 20};
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		long n;
		if (!strcmp(argv[i], "--socket") && v)
			d.cfg.socket_path = argv[++i];
		else if (!strcmp(argv[i], "--group") && v)
			d.cfg.group = argv[++i];
		else if (!strcmp(argv[i], "--max-clients") && !number(v, 1, 100000, &n))
			d.cfg.max_clients = (int)n, i++;
		else if (!strcmp(argv[i], "--max-msg") && !number(v, 64, 64 << 20, &n))
			d.cfg.max_msg = (size_t)n, i++;
		else if (!strcmp(argv[i], "--max-out") && !number(v, 1024, 1l << 30, &n))
			d.cfg.max_out = (size_t)n, i++;
		else if (!strcmp(argv[i], "--foreground"))
			continue;
		else
			return usage();
	}
	if (d.cfg.max_out < d.cfg.max_msg + 4) {
		fprintf(stderr, "hild: --max-out must be at least --max-msg + 4\n");
		return 2;
	}
	/* Every client is a descriptor: make room for them all. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rlim_t want = (rlim_t)d.cfg.max_clients + 64;
		if (rl.rlim_cur < want && rl.rlim_max >= want) {
			rl.rlim_cur = want;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	d.max_fds = rl.rlim_cur > 1 << 20 ? 1 << 20 : (int)rl.rlim_cur;
	d.conns = calloc((size_t)d.max_fds, sizeof(*d.conns));
	d.r = hil_reactor_new(d.max_fds, 1024);
	if (!d.conns || !d.r) {
		fprintf(stderr, "hild: out of memory\n");
		return 1;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	char err[512];
	if (sfd < 0 || hil_reactor_watch(d.r, sfd, HIL_EV_READ, on_signal, NULL) != 0) {
		fprintf(stderr, "hild: signalfd: %s\n", strerror(errno));
		return 1;
	}
	if (hild_listen(&d, err, sizeof(err)) < 0) {
		fprintf(stderr, "hild: %s\n", err);
		return 1;
	}
	fprintf(stderr, "hild: serving %s (protocol %d, at most %d clients)\n",
		d.cfg.socket_path, HILD_PROTOCOL, d.cfg.max_clients);
	int rc = hil_reactor_run(d.r);
	hild_unlisten(&d);
	for (int fd = 0; fd < d.max_fds; fd++)
		if (d.conns[fd])
			conn_free(d.conns[fd]);
	fprintf(stderr, "hild: stopped; %lu clients served, %lu dropped\n", d.accepted,
		d.dropped);
	close(sfd);
	hil_reactor_free(d.r);
	free(d.conns);
	return rc < 0 ? 1 : 0;
}
