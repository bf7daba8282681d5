/* A board model of the emulated FPGA (a hil-sim built for the board's
 * target, uart:BOARD:DIR or fx2:BOARD:DIR) as a child process: it runs
 * while the FPGA is configured, its pins' bytes on a socket (the child's
 * --fd), and a reset of the FPGA ends it as the design on a real board
 * stops. Both emulated boards wire theirs this way. */
#ifndef EMU_MODELPROC_H
#define EMU_MODELPROC_H

#include <sys/types.h>

struct modelproc {
	int fd; /* non-blocking; -1 while no model runs */
	pid_t pid;
};

void modelproc_init(struct modelproc *m);
/* Starts path with the other end of a socketpair. Returns 0, or -1 with a
 * message on stderr (who: the emulator's name) and no model running. */
int modelproc_start(struct modelproc *m, const char *path, const char *who);
/* Closes its socket and waits up to 2 s for it to exit, then kills it. */
void modelproc_stop(struct modelproc *m);

#endif
