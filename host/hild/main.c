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
#include <getopt.h>
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

static void usage(void)
{
	printf("usage: hild [OPTIONS]   (docs/hild.md)\n"
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
}

/* An option of hild's, and where its value goes. */
struct hild_opt {
	const char *name;
	enum {
		TEXT,
		FLAG,
		INT,
		LONG,
		SIZE
	} kind;      /* for a number, its field's type */
	void *to;    /* a flag's may be NULL: taken, and nothing to do */
	long lo, hi; /* a number's range */
};

/* The val of opts[i] in getopt_long's table is OPT_VAL + i, clear of what
 * it returns of its own. */
#define OPT_VAL 0x100

/* Puts v, the value of option o (NULL for a flag), where o says. Returns
 * -1 (after saying why) if it is no number in o's range. */
static int take(const struct hild_opt *o, const char *v)
{
	if (o->kind == FLAG) {
		if (o->to)
			*(int *)o->to = 1;
		return 0;
	}
	if (o->kind == TEXT) {
		*(const char **)o->to = v;
		return 0;
	}
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < o->lo || n > o->hi) {
		fprintf(stderr, "hild: --%s wants a number from %ld to %ld\n", o->name, o->lo,
			o->hi);
		return -1;
	}
	if (o->kind == INT)
		*(int *)o->to = (int)n;
	else if (o->kind == LONG)
		*(long *)o->to = n;
	else
		*(size_t *)o->to = (size_t)n;
	return 0;
}

/* How many options word (--PREFIX[=...]) is a prefix of: getopt_long
 * takes a prefix of one only, and says no more of two than of none. */
static int prefix_count(const struct option *longopts, const char *word)
{
	size_t len = strcspn(word, "=");
	int fits = 0;
	for (const struct option *l = longopts; len > 2 && l->name; l++)
		fits += !strncmp(l->name, word + 2, len - 2);
	return fits;
}

/* Reads argv by getopt_long against the n options opts. Returns 0, or 2
 * after saying what is wrong. */
static int read_options(int argc, char **argv, const struct hild_opt *opts, int n)
{
	struct option longopts[n + 1];
	for (int i = 0; i < n; i++)
		longopts[i] = (struct option){
			opts[i].name, opts[i].kind == FLAG ? no_argument : required_argument,
			NULL, OPT_VAL + i};
	longopts[n] = (struct option){0};
	opterr = 0;
	/* "-": an operand comes back where it stands, to be refused there. */
	const char *word = argv[1];
	int c;
	while ((c = getopt_long(argc, argv, "-:", longopts, NULL)) >= OPT_VAL) {
		if (take(&opts[c - OPT_VAL], optarg) < 0)
			return 2;
		word = argv[optind];
	}
	if (c == -1 && optind == argc)
		return 0;
	if (c == ':')
		fprintf(stderr, "hild: %s wants a value\n", word);
	else if (c == '?' && optopt >= OPT_VAL) /* one of hild's, given a value */
		fprintf(stderr, "hild: %.*s takes no value\n", (int)strcspn(word, "="), word);
	else if (c == '?')
		fprintf(stderr, "hild: %s option '%s' (hild --help lists them)\n",
			prefix_count(longopts, word) > 1 ? "ambiguous" : "unknown", word);
	else /* an operand, or a word after "--" */
		fprintf(stderr, "hild: unexpected '%s': hild takes options only\n",
			c == 1 ? optarg : argv[optind]);
	return 2;
}

static int read_token(struct hild *d, char *err, size_t errlen)
{
	struct stat st;
	if (stat(d->cfg.token_file, &st) != 0) {
		snprintf(err, errlen, "token file %s: %s", d->cfg.token_file, strerror(errno));
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen,
			 "token file %s may be read by others (mode %03o): "
			 "chmod 600 it",
			 d->cfg.token_file, (unsigned)(st.st_mode & 0777));
		return -1;
	}
	if (hil_token_read(d->cfg.token_file, d->token, sizeof(d->token), err, errlen) < 0)
		return -1;
	if (strlen(d->token) < 16) {
		snprintf(err, errlen,
			 "token file %s: the token must be one line of at "
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
			snprintf(err, errlen, "cannot make %.900s: %s; give --socket PATH",
				 dir, strerror(errno));
			return -1;
		}
		/* Never a link or another user's directory: the socket would
		 * be where they choose. */
		if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
			snprintf(err, errlen,
				 "%.900s is not a directory of this user's; move it "
				 "away or give --socket PATH",
				 dir);
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
	snprintf(err, errlen,
		 "no /run/hil this user may write, and no $XDG_RUNTIME_DIR: "
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
	d.cfg = (struct hild_config){.state = state,
				     .max_clients = 256,
				     .max_tcp = 64,
				     .max_unix = 192,
				     .max_subs = 1024,
				     .handshake_s = 10,
				     .max_inflight = 64,
				     .max_sims = ncpu > 0 ? 2 * (int)ncpu : 2,
				     .max_events = 65536,
				     .lease_idle_s = 600,
				     .keep_jobs = 1000,
				     .max_user_jobs = 256,
				     .max_user_bytes = 64 << 20,
				     .idle_s = 900,
				     .max_user_unread = 500,
				     .keep_days = 30,
				     .keep_mb = 4096,
				     .max_msg = 1 << 20,
				     .max_out = 8 << 20};
	int help = 0;
	const struct hild_opt opts[] = {
		{"socket", TEXT, &d.cfg.socket_path, 0, 0},
		{"group", TEXT, &d.cfg.group, 0, 0},
		{"admin-group", TEXT, &d.cfg.admin_group, 0, 0},
		{"tcp", TEXT, &d.cfg.tcp, 0, 0},
		{"tcp-plain", FLAG, &d.cfg.tcp_plain, 0, 0},
		{"tls-cert", TEXT, &d.cfg.tls_cert, 0, 0},
		{"tls-key", TEXT, &d.cfg.tls_key, 0, 0},
		{"tls-client-ca", TEXT, &d.cfg.tls_client_ca, 0, 0},
		{"token-file", TEXT, &d.cfg.token_file, 0, 0},
		{"config", TEXT, &d.cfg.config, 0, 0},
		{"state", TEXT, &d.cfg.state, 0, 0},
		{"max-clients", INT, &d.cfg.max_clients, 1, 100000},
		{"max-tcp", INT, &d.cfg.max_tcp, 1, 100000},
		{"max-unix", INT, &d.cfg.max_unix, 1, 100000},
		{"handshake-s", LONG, &d.cfg.handshake_s, 1, 3600},
		{"max-subs", INT, &d.cfg.max_subs, 1, 1 << 20},
		{"max-inflight", INT, &d.cfg.max_inflight, 1, 65536},
		{"max-sims", INT, &d.cfg.max_sims, 1, 4096},
		{"max-events", LONG, &d.cfg.max_events, 1, 1l << 30},
		{"lease-idle", LONG, &d.cfg.lease_idle_s, 1, 1l << 30},
		{"max-user-jobs", LONG, &d.cfg.max_user_jobs, 1, 1l << 20},
		{"max-user-bytes", SIZE, &d.cfg.max_user_bytes, 1, 1l << 40},
		{"max-user-unread", LONG, &d.cfg.max_user_unread, 1, 1l << 30},
		{"idle-s", LONG, &d.cfg.idle_s, 1, 1l << 30},
		{"keep-jobs", LONG, &d.cfg.keep_jobs, 1, 1l << 30},
		{"keep-days", LONG, &d.cfg.keep_days, 0, 100000},
		{"keep-mb", LONG, &d.cfg.keep_mb, 0, 1l << 30},
		{"max-msg", SIZE, &d.cfg.max_msg, 64, 64 << 20},
		{"max-out", SIZE, &d.cfg.max_out, 1024, 1l << 30},
		{"foreground", FLAG, NULL, 0, 0}, /* hild always stays attached */
		{"help", FLAG, &help, 0, 0},
	};
	if (read_options(argc, argv, opts, (int)(sizeof(opts) / sizeof(opts[0]))) != 0)
		return 2;
	if (help) {
		usage();
		return 0;
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
			fprintf(stderr, "hild: --admin-group %s: no such group\n",
				d.cfg.admin_group);
			return 2;
		}
		d.admin_gid = g->gr_gid;
	}
	if (d.cfg.max_out < d.cfg.max_msg + 4) {
		fprintf(stderr, "hild: --max-out must be at least --max-msg + 4\n");
		return 2;
	}
	if (!!d.cfg.tcp != !!d.cfg.token_file) {
		fprintf(stderr,
			"hild: --tcp needs --token-file (and the other way round): "
			"TCP clients must prove they may use the boards\n");
		return 2;
	}
	if (d.cfg.tcp && !d.cfg.tcp_plain && !(d.cfg.tls_cert && d.cfg.tls_key)) {
		fprintf(stderr,
			"hild: --tcp needs TLS: --tls-cert FILE --tls-key FILE (or, "
			"on loopback only, --tcp-plain)\n");
		return 2;
	}
	if (!d.cfg.tcp &&
	    (d.cfg.tcp_plain || d.cfg.tls_cert || d.cfg.tls_key || d.cfg.tls_client_ca)) {
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
	if (!d.cfg.config && access(config, F_OK) == 0)
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
		fprintf(stderr, "hild: state directory %s: %s\n", d.cfg.state,
			strerror(errno));
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
