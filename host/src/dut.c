/* Building a DUT directory into a sim model: locate hil's own tree, pick a
 * build directory from the DUT's path, and let make (mk/dut.mk) decide what
 * is stale. A lock file keeps two hil processes from building one DUT at
 * the same time. */
#include "hil/board.h"
#include "hil/dut.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hil/ports.h"

#ifndef HIL_ROOT
#error "HIL_ROOT must name hil's source tree"
#endif

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__), -1)

static const char *root(void)
{
	const char *r = getenv("HIL_ROOT");
	return r && *r ? r : HIL_ROOT;
}

static int plain_ident(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* Yosys gets the paths inside a script: keep to characters it cannot
 * misread. */
static int plain_path(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || strchr("\"';\\$`#", *s))
			return 0;
	return 1;
}

static int has_verilog(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	int found = 0;
	while (!found && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		found = n > 2 && !strcmp(e->d_name + n - 2, ".v");
	}
	closedir(d);
	return found;
}

int dut_prepare(const char *dir, const char *top, const char *what,
		struct dut_build *b, char *err, size_t errlen)
{
	char abs[PATH_MAX], self[PATH_MAX];
	memset(b, 0, sizeof(*b));
	if (!realpath(dir, abs))
		return ERR("DUT directory '%s': %s", dir, strerror(errno));
	struct stat st;
	if (stat(abs, &st) != 0 || !S_ISDIR(st.st_mode))
		return ERR("'%s' is not a directory: --dut wants the directory "
			   "holding the DUT's .v files", dir);
	if (!has_verilog(abs))
		return ERR("DUT directory '%s' holds no .v files", dir);
	if (!plain_path(abs))
		return ERR("DUT directory '%s': its path has spaces or shell "
			   "characters, which the Yosys script cannot take; move it",
			   abs);
	if (!top || !*top) {
		const char *slash = strrchr(abs, '/');
		top = slash ? slash + 1 : abs;
	}
	if (!plain_ident(top) || strlen(top) >= sizeof(b->top))
		return ERR("top module '%s' is not a plain Verilog identifier: name "
			   "it with --top", top);
	/* The build runs `hil wrap`: this very program when it is hil, else
	 * (a program linked with libhil) the hil of the same tree. */
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	const char *base = strrchr(self, '/');
	if (n <= 0 || strcmp(base ? base + 1 : self, "hil") != 0)
		snprintf(self, sizeof(self), "%s/build/bin/hil", root());
	if (access(self, X_OK) != 0)
		return ERR("%s: %s (build it with make)", self, strerror(errno));

	uint32_t hsh = 2166136261u;
	for (const char *p = abs; *p; p++)
		hsh = (hsh ^ (uint8_t)*p) * 16777619u;
	snprintf(b->dir, sizeof(b->dir), "%s", dir);
	memcpy(b->top, top, strlen(top) + 1); /* its length was checked above */
	if (snprintf(b->out, sizeof(b->out), "%s/build/dut/%s-%08x", root(), top,
		     hsh) >= (int)sizeof(b->out))
		return ERR("hil's tree lies too deep in the file system: %s", root());
	snprintf(b->ports_json, sizeof(b->ports_json), "%s/ports.json", b->out);
	snprintf(b->bare_json, sizeof(b->bare_json), "%s/dut_bare.json", b->out);
	/* "netlist:BOARD" builds the gate-level model for that board's chip,
	 * "uart:BOARD" the board top with its UART at that board's rate,
	 * "fx2:BOARD" an FX2 board's top behind a model of the FX2's FIFOs. */
	char target[64] = "", a_board[96] = "BOARD=";
	if (!strncmp(what, "netlist:", 8) || !strncmp(what, "uart:", 5) ||
	    !strncmp(what, "fx2:", 4)) {
		const char *board = strchr(what, ':') + 1;
		if (!hil_board_name_ok(board))
			return ERR("board '%s': not a board name", board);
		char mk[PATH_MAX];
		snprintf(mk, sizeof(mk), "%s/boards/%s/board.mk", root(), board);
		if (access(mk, R_OK) != 0)
			return ERR("no board '%s': %s: %s", board, mk, strerror(errno));
		snprintf(a_board + 6, sizeof(a_board) - 6, "%s", board);
		snprintf(target, sizeof(target), "%.*s", (int)(board - 1 - what), what);
		if (snprintf(b->sim, sizeof(b->sim), "%s/%s-%s/hil-sim", b->out,
			     target, board) >= (int)sizeof(b->sim))
			return ERR("path too long");
	} else {
		snprintf(target, sizeof(target), "%s", what);
		snprintf(b->sim, sizeof(b->sim), "%s/hil-sim", b->out);
	}

	char lock[4200], a_dir[4200], a_top[sizeof(b->top) + 8], a_out[4200], a_hil[4200];
	snprintf(lock, sizeof(lock), "%s/build/dut", root());
	mkdir(lock, 0777);
	snprintf(lock, sizeof(lock), "%s.lock", b->out);
	int lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (lfd < 0 || flock(lfd, LOCK_EX) != 0) {
		if (lfd >= 0)
			close(lfd);
		return ERR("%s: %s", lock, strerror(errno));
	}
	snprintf(a_dir, sizeof(a_dir), "DUT_DIR=%s", abs);
	snprintf(a_top, sizeof(a_top), "TOP=%s", b->top);
	snprintf(a_out, sizeof(a_out), "OUT=%s", b->out);
	snprintf(a_hil, sizeof(a_hil), "HIL=%s", self);
	int pfd[2];
	if (pipe(pfd) != 0) {
		close(lfd);
		return ERR("pipe: %s", strerror(errno));
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		execlp("make", "make", "-s", "--no-print-directory", "-C", root(), "-f",
		       "mk/dut.mk", a_dir, a_top, a_out, a_hil, a_board, target,
		       (char *)NULL);
		fprintf(stderr, "hil: cannot run make: %s\n", strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	/* The build's messages go to stderr (stdout carries the trace), less
	 * make's own "*** Error" lines, which say nothing the tools did not. */
	FILE *msgs = fdopen(pfd[0], "r");
	char line[4096];
	while (msgs && fgets(line, sizeof(line), msgs))
		if (strncmp(line, "make: ", 6) && strncmp(line, "make[", 5))
			fputs(line, stderr);
	if (msgs)
		fclose(msgs);
	else
		close(pfd[0]);
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = -1;
	close(lfd);
	if (status != 0)
		return ERR("building DUT '%s' from %s failed (the messages above "
			   "say why)", top, dir);
	return 0;
}

void hil_dut_name_of(uint64_t sig, char *out, size_t outlen)
{
	char path[PATH_MAX], msg[256];
	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/build/dut", root());
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		struct hil_ports p;
		snprintf(path, sizeof(path), "%s/build/dut/%s/ports.json", root(),
			 e->d_name);
		if (access(path, R_OK) != 0 ||
		    hil_ports_load(&p, path, msg, sizeof(msg)) < 0)
			continue;
		/* Equal port lists give equal signatures: name every match. */
		size_t o = strlen(out);
		if (p.signature == sig && o + 1 < outlen)
			snprintf(out + o, outlen - o, "%s'%s' (built in build/dut/%s) ",
				 o ? "or " : "", p.top, e->d_name);
		hil_ports_free(&p);
	}
	closedir(d);
}
