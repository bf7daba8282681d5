/* Running the build's tools (Yosys, Verilator, the C++ compiler): always
 * from an argv, never through a shell, so no name in it is ever parsed. */
#ifndef HIL_TOOLRUN_H
#define HIL_TOOLRUN_H

#include <stddef.h>

/* Runs argv[0] (looked up in PATH) in folder cwd with its standard output
 * and error appended to the file `log` (created 0644), standard input from
 * /dev/null. Returns the exit status (0 = success), or -1 when it could not
 * be started or was killed, with the reason in err. */
int hil_spawn(const char *const argv[], const char *cwd, const char *log, char *err,
	      size_t errlen);
/* The same for n tools at once (at most HIL_SPAWN_MAX); the first failure's
 * status. */
#define HIL_SPAWN_MAX 4
int hil_spawn_all(const char *const *const argvs[], int n, const char *cwd, const char *log,
		  char *err, size_t errlen);

/* Puts into out the lines of the tool log `log` that say what went wrong
 * (Yosys's "ERROR", Verilator's "%Error" with the source lines it shows,
 * the compiler's "error:"; else its last lines), at most outlen bytes.
 * Each `from` prefix at the start of a word becomes `to` (a build copy's
 * folder shown as the user's), and characters that are not printable are
 * escaped (`to` too), so a file name cannot forge a line. */
void hil_spawn_errors(const char *log, const char *from, const char *to, char *out,
		      size_t outlen);

#endif
