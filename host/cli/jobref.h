/* Naming a session log on the command line: a file, or the number of a
 * job hild ran (whose log hild says where it keeps). */
#ifndef HIL_CLI_JOBREF_H
#define HIL_CLI_JOBREF_H

#include <stddef.h>

/* Puts the log's path in out; -1 after printing why not. */
int jobref_log(const char *what, const char *sock, char *out, size_t n);

#endif
