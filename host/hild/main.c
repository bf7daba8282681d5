/* hild: the daemon. Serves clients on a Unix socket (and TCP when asked)
 * from one event loop until SIGTERM or SIGINT. See docs/hild.md.
 *
 *   hild [--socket PATH] [--group G] [--admin-group G]
 *        [--tcp [ADDR:]PORT --token-file F
 *         (--tls-cert F --tls-key F [--tls-client-ca F] | --tcp-plain)]
 *        [--config FILE] [--state DIR] [--max-clients N] [--max-inflight N]
 *        [--max-sims N] [--max-events N] [--lease-idle S] [--keep-jobs N]
 *        [--max-user-jobs N] [--max-user-bytes B] [--idle-s S]
 *        [--keep-days D] [--keep-mb M]
 *        [--max-msg BYTES]
 *        [--max-out BYTES] [--foreground]
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hild.h"
#include "hil/token.h"

void hild_log(const char *fmt, ...)
{
	/* Under systemd stderr is the journal, which stamps lines itself.
	 * Messages carry what clients sent (DUT paths, names, reasons): every
	 * control character and backslash is escaped, so one call is one line
	 * and no client can write a line of its own. */
	char msg[1024], out[4 * sizeof(msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
		if (*p == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", *p);
		else
			out[o++] = (char)*p;
	out[o] = '\0';
	fprintf(stderr, "hild: %s\n", out);
}

static void on_signal(struct hil_reactor *r, int fd, unsigned ev, void *user)
{
	(void)ev;
	struct hild *d = user;
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo != SIGCHLD) {
			hil_reactor_stop(r);
			continue;
		}
		int st;
		for (pid_t pid; (pid = waitpid(-1, &st, WNOHANG)) > 0;)
			if (!session_reaped(d, pid, st))
				jobs_reaped(d, pid, st);
	}
}

static int usage(FILE *to)
{
	fprintf(to,
		"usage: hild [OPTIONS]   (docs/hild.md)\n"
		"  --socket PATH      where clients connect (default /run/hil/hild.sock\n"
		"                     if this user may write /run/hil, else\n"
		"                     $XDG_RUNTIME_DIR/hil/hild.sock)\n"
		"  --group G          the socket's group (mode 0660)\n"
		"  --admin-group G    its members (and root) see and control every\n"
		"                     user's jobs and events\n"
		"  --tcp [ADDR:]PORT  also listen on TCP (ADDR default 127.0.0.1), with TLS\n"
		"  --tls-cert F       the server's certificate (chain) for TCP, PEM\n"
		"  --tls-key F        its private key, PEM\n"
		"  --tls-client-ca F  require client certificates this CA signed\n"
		"  --tcp-plain        TCP without TLS, on a loopback address only\n"
		"  --token-file F     the token TCP clients must send (mode 0600)\n"
		"  --config FILE      the boards (default /etc/hil/boards.json, or\n"
		"                     ~/.config/hil/boards.json for a user)\n"
		"  --state DIR        jobs and session logs (default /var/lib/hil, or\n"
		"                     ~/.local/state/hil for a user)\n"
		"  --max-clients N    clients at once (default 256)\n"
		"  --max-tcp N        of those, over TCP (default 64)\n"
		"  --max-unix N       and over the Unix socket (default 192)\n"
		"  --handshake-s S    a TCP client not through its handshake by then goes\n"
		"                     (default 10)\n"
		"  --max-subs N       subscriptions of one client (default 1024)\n"
		"  --max-inflight N   unanswered requests of one client (default 64)\n"
		"  --max-sims N       simulator sessions at once (default 2 per CPU)\n"
		"  --max-events N     events queued for one subscriber (default 65536)\n"
		"  --lease-idle S     end a lease whose owner is silent S s (default 600)\n"
		"  --max-user-jobs N  one user's queued and running jobs (default 256)\n"
		"  --max-user-bytes B and the bytes of their scripts (default 64 MiB)\n"
		"  --max-user-unread N  one user's finished jobs it has not read the\n"
		"                     results of (default 500)\n"
		"  --idle-s S         a client with no session, subscription or wait,\n"
		"                     silent S s, is disconnected (default 900)\n"
		"  --keep-jobs N      finished jobs held in memory and listed; older\n"
		"                     results stay on disk (default 1000)\n"
		"  --keep-days D      finished jobs whose result was read, and session\n"
		"                     logs, are removed after D days (default 30)\n"
		"  --keep-mb M        or sooner, oldest first, while they take more\n"
		"                     than M MiB (default 4096)\n"
		"  --max-msg BYTES    the largest message (default 1048576)\n"
		"  --max-out BYTES    bytes queued for one client (default 8388608)\n"
		"  --foreground       stay attached (hild always does; systemd runs it so)\n");
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

static int read_token(struct hild *d, char *err, size_t errlen)
{
	struct stat st;
	if (stat(d->cfg.token_file, &st) != 0) {
		snprintf(err, errlen, "token file %s: %s", d->cfg.token_file, strerror(errno));
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "token file %s may be read by others (mode %03o): "
			 "chmod 600 it", d->cfg.token_file, (unsigned)(st.st_mode & 0777));
		return -1;
	}
	if (hil_token_read(d->cfg.token_file, d->token, sizeof(d->token), err, errlen) < 0)
		return -1;
	if (strlen(d->token) < 16) {
		snprintf(err, errlen, "token file %s: the token must be one line of at "
			 "least 16 characters (e.g. head -c 24 /dev/urandom | base64)",
			 d->cfg.token_file);
		return -1;
	}
	return 0;
}

/* Where the socket goes when --socket is not given: /run/hil when this
 * user may write there (the systemd unit makes it), else a directory of
 * the user's own under $XDG_RUNTIME_DIR, else /run/hil made now by root. */
static int default_socket(char *sock, size_t cap, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	if (access("/run/hil", W_OK | X_OK) == 0) {
		snprintf(sock, cap, "/run/hil/hild.sock");
		return 0;
	}
	if (xdg && *xdg) {
		char dir[3072];
		snprintf(dir, sizeof(dir), "%.3000s/hil", xdg);
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot make %.900s: %s; give --socket PATH", dir,
				 strerror(errno));
			return -1;
		}
		/* Never a link or another user's directory: the socket would
		 * be where they choose. */
		if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
			snprintf(err, errlen, "%.900s is not a directory of this user's; move it "
				 "away or give --socket PATH", dir);
			return -1;
		}
		snprintf(sock, cap, "%s/hild.sock", dir);
		return 0;
	}
	if (geteuid() == 0 && (mkdir("/run/hil", 0755) == 0 || errno == EEXIST)) {
		/* The socket's own mode (0660, --group) decides who connects. */
		chmod("/run/hil", 0755);
		snprintf(sock, cap, "/run/hil/hild.sock");
		return 0;
	}
	snprintf(err, errlen, "no /run/hil this user may write, and no $XDG_RUNTIME_DIR: "
		 "give --socket PATH");
	return -1;
}

static void paths(char *config, char *state, size_t cap)
{
	const char *home = getenv("HOME");
	const char *cfg = getenv("XDG_CONFIG_HOME"), *st = getenv("XDG_STATE_HOME");
	int user = getuid() != 0;
	if (user && cfg && *cfg)
		snprintf(config, cap, "%s/hil/boards.json", cfg);
	else if (user && home)
		snprintf(config, cap, "%s/.config/hil/boards.json", home);
	else
		snprintf(config, cap, "/etc/hil/boards.json");
	if (user && st && *st)
		snprintf(state, cap, "%s/hil", st);
	else if (user && home)
		snprintf(state, cap, "%s/.local/state/hil", home);
	else
		snprintf(state, cap, "/var/lib/hil");
}

static int mkparents(const char *dir)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--worker"))
		return worker_main(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "--run-job"))
		return jobrun_main(argc, argv);
	static char sock[4096], config[4096], state[4096];
	struct hild d = {.lfd = -1, .tfd = -1};
	/* Jobs, results and session logs are their owners' business: nothing
	 * hild or its children make is for every user of the machine. */
	umask(027);
	paths(config, state, sizeof(config));
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	d.cfg = (struct hild_config){.state = state, .max_clients = 256,
				     .max_tcp = 64, .max_unix = 192, .max_subs = 1024,
				     .handshake_s = 10,
				     .max_inflight = 64, .max_sims = ncpu > 0 ? 2 * (int)ncpu : 2,
				     .max_events = 65536, .lease_idle_s = 600, .keep_jobs = 1000,
				     .max_user_jobs = 256, .max_user_bytes = 64 << 20, .idle_s = 900,
				     .max_user_unread = 500,
				     .keep_days = 30, .keep_mb = 4096,
				     .max_msg = 1 << 20, .max_out = 8 << 20};
	int config_given = 0;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		long n;
		if (!strcmp(argv[i], "--socket") && v)
			d.cfg.socket_path = argv[++i];
		else if (!strcmp(argv[i], "--group") && v)
			d.cfg.group = argv[++i];
		else if (!strcmp(argv[i], "--admin-group") && v)
			d.cfg.admin_group = argv[++i];
		else if (!strcmp(argv[i], "--max-user-jobs") && !number(v, 1, 1l << 20, &n))
			d.cfg.max_user_jobs = n, i++;
		else if (!strcmp(argv[i], "--max-user-bytes") && !number(v, 1, 1l << 40, &n))
			d.cfg.max_user_bytes = (size_t)n, i++;
		else if (!strcmp(argv[i], "--max-user-unread") && !number(v, 1, 1l << 30, &n))
			d.cfg.max_user_unread = n, i++;
		else if (!strcmp(argv[i], "--idle-s") && !number(v, 1, 1l << 30, &n))
			d.cfg.idle_s = n, i++;
		else if (!strcmp(argv[i], "--keep-days") && !number(v, 0, 100000, &n))
			d.cfg.keep_days = n, i++;
		else if (!strcmp(argv[i], "--keep-mb") && !number(v, 0, 1l << 30, &n))
			d.cfg.keep_mb = n, i++;
		else if (!strcmp(argv[i], "--tcp-plain"))
			d.cfg.tcp_plain = 1;
		else if (!strcmp(argv[i], "--tls-cert") && v)
			d.cfg.tls_cert = argv[++i];
		else if (!strcmp(argv[i], "--tls-key") && v)
			d.cfg.tls_key = argv[++i];
		else if (!strcmp(argv[i], "--tls-client-ca") && v)
			d.cfg.tls_client_ca = argv[++i];
		else if (!strcmp(argv[i], "--tcp") && v)
			d.cfg.tcp = argv[++i];
		else if (!strcmp(argv[i], "--token-file") && v)
			d.cfg.token_file = argv[++i];
		else if (!strcmp(argv[i], "--config") && v)
			d.cfg.config = argv[++i], config_given = 1;
		else if (!strcmp(argv[i], "--state") && v)
			d.cfg.state = argv[++i];
		else if (!strcmp(argv[i], "--max-clients") && !number(v, 1, 100000, &n))
			d.cfg.max_clients = (int)n, i++;
		else if (!strcmp(argv[i], "--max-tcp") && !number(v, 1, 100000, &n))
			d.cfg.max_tcp = (int)n, i++;
		else if (!strcmp(argv[i], "--max-unix") && !number(v, 1, 100000, &n))
			d.cfg.max_unix = (int)n, i++;
		else if (!strcmp(argv[i], "--max-subs") && !number(v, 1, 1 << 20, &n))
			d.cfg.max_subs = (int)n, i++;
		else if (!strcmp(argv[i], "--handshake-s") && !number(v, 1, 3600, &n))
			d.cfg.handshake_s = n, i++;
		else if (!strcmp(argv[i], "--max-inflight") && !number(v, 1, 65536, &n))
			d.cfg.max_inflight = (int)n, i++;
		else if (!strcmp(argv[i], "--max-sims") && !number(v, 1, 4096, &n))
			d.cfg.max_sims = (int)n, i++;
		else if (!strcmp(argv[i], "--max-events") && !number(v, 1, 1l << 30, &n))
			d.cfg.max_events = n, i++;
		else if (!strcmp(argv[i], "--lease-idle") && !number(v, 1, 1l << 30, &n))
			d.cfg.lease_idle_s = n, i++;
		else if (!strcmp(argv[i], "--keep-jobs") && !number(v, 1, 1l << 30, &n))
			d.cfg.keep_jobs = n, i++;
		else if (!strcmp(argv[i], "--max-msg") && !number(v, 64, 64 << 20, &n))
			d.cfg.max_msg = (size_t)n, i++;
		else if (!strcmp(argv[i], "--max-out") && !number(v, 1024, 1l << 30, &n))
			d.cfg.max_out = (size_t)n, i++;
		else if (!strcmp(argv[i], "--foreground"))
			continue;
		else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		else
			return usage(stderr);
	}
	char err[1024];
	if (!d.cfg.socket_path && default_socket(sock, sizeof(sock), err, sizeof(err)) < 0) {
		fprintf(stderr, "hild: %s\n", err);
		return 2;
	}
	if (!d.cfg.socket_path)
		d.cfg.socket_path = sock;
	d.admin_gid = (gid_t)-1;
	if (d.cfg.admin_group) {
		struct group *g = getgrnam(d.cfg.admin_group);
		if (!g) {
			fprintf(stderr, "hild: --admin-group %s: no such group\n", d.cfg.admin_group);
			return 2;
		}
		d.admin_gid = g->gr_gid;
	}
	if (d.cfg.max_out < d.cfg.max_msg + 4) {
		fprintf(stderr, "hild: --max-out must be at least --max-msg + 4\n");
		return 2;
	}
	if (!!d.cfg.tcp != !!d.cfg.token_file) {
		fprintf(stderr, "hild: --tcp needs --token-file (and the other way round): "
				"TCP clients must prove they may use the boards\n");
		return 2;
	}
	if (d.cfg.tcp && !d.cfg.tcp_plain && !(d.cfg.tls_cert && d.cfg.tls_key)) {
		fprintf(stderr, "hild: --tcp needs TLS: --tls-cert FILE --tls-key FILE (or, "
				"on loopback only, --tcp-plain)\n");
		return 2;
	}
	if (!d.cfg.tcp && (d.cfg.tcp_plain || d.cfg.tls_cert || d.cfg.tls_key ||
			   d.cfg.tls_client_ca)) {
		fprintf(stderr, "hild: --tcp-plain and --tls-* go with --tcp\n");
		return 2;
	}
	if (d.cfg.tcp_plain && (d.cfg.tls_cert || d.cfg.tls_key || d.cfg.tls_client_ca)) {
		fprintf(stderr, "hild: --tcp-plain means no TLS: leave out --tls-*\n");
		return 2;
	}
	if (d.cfg.tcp && read_token(&d, err, sizeof(err)) < 0) {
		fprintf(stderr, "hild: %s\n", err);
		return 2;
	}
	if (d.cfg.tcp && !d.cfg.tcp_plain && tls_setup(&d, err, sizeof(err)) < 0) {
		fprintf(stderr, "hild: %s\n", err);
		return 2;
	}
	if (!config_given && access(config, F_OK) == 0)
		d.cfg.config = config;
	ssize_t n = readlink("/proc/self/exe", d.self, sizeof(d.self) - 1);
	if (n <= 0) {
		fprintf(stderr, "hild: cannot find its own executable\n");
		return 1;
	}
	d.self[n] = '\0';
	snprintf(d.hil_path, sizeof(d.hil_path), "%.*s/hil",
		 (int)(strrchr(d.self, '/') - d.self), d.self);
	if (mkparents(d.cfg.state) < 0) {
		fprintf(stderr, "hild: state directory %s: %s\n", d.cfg.state, strerror(errno));
		return 1;
	}
	/* Every client is a descriptor, and every session has a worker. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rlim_t want = 2 * (rlim_t)d.cfg.max_clients + 64;
		if (rl.rlim_cur < want && rl.rlim_max >= want) {
			rl.rlim_cur = want;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	d.max_fds = rl.rlim_cur > 1 << 20 ? 1 << 20 : (int)rl.rlim_cur;
	d.clients = calloc((size_t)d.max_fds, sizeof(*d.clients));
	d.r = hil_reactor_new(d.max_fds, 4 * d.cfg.max_clients + 1024);
	if (!d.clients || !d.r) {
		fprintf(stderr, "hild: out of memory\n");
		return 1;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0 || hil_reactor_watch(d.r, sfd, HIL_EV_READ, on_signal, &d) != 0) {
		fprintf(stderr, "hild: signalfd: %s\n", strerror(errno));
		return 1;
	}
	if (boards_load(&d, err, sizeof(err)) < 0 || hild_listen(&d, err, sizeof(err)) < 0 ||
	    jobs_load(&d, err, sizeof(err)) < 0) {
		fprintf(stderr, "hild: %s\n", err);
		hild_unlisten(&d);
		close(sfd);
		jobs_free(&d);
		boards_free(&d);
		hil_reactor_free(d.r);
		free(d.clients);
		tls_cleanup(&d);
		return 1;
	}
	sessions_resume_ids(&d);
	retention_start(&d);
	boards_watch_presence(&d);
	hild_log("serving %s%s%s (protocol %d); boards from %s; state in %s",
		 d.cfg.socket_path, d.cfg.tcp ? " and TCP " : "", d.cfg.tcp ? d.cfg.tcp : "",
		 HILD_PROTOCOL, d.cfg.config ? d.cfg.config : "(none: sim on demand only)",
		 d.cfg.state);
	boards_dispatch(&d);
	int rc = hil_reactor_run(d.r);
	d.stopping = 1;
	hild_unlisten(&d);
	hild_close_all(&d);
	sessions_stop_all(&d);
	/* Workers see their sockets close and exit; job runners carry on and
	 * the next hild collects their results. */
	hild_log("stopped; %lu clients served, %lu dropped", d.accepted, d.dropped);
	close(sfd);
	jobs_free(&d);
	boards_free(&d);
	hil_reactor_free(d.r);
	free(d.clients);
	tls_cleanup(&d);
	return rc < 0 ? 1 : 0;
}
