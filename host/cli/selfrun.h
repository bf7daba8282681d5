/* Running this hil binary again as a child, from an argv (no shell), with
 * its output in files: hil doctor runs examples the way a user would. */
#ifndef HIL_CLI_SELFRUN_H
#define HIL_CLI_SELFRUN_H

#include <stddef.h>

/* Runs `hil args...` (args ends with NULL) with standard output into out
 * and standard error into out.err. Returns its exit status, with the last
 * line it wrote on standard error in err when that is not 0, or -1 when
 * it could not be started or was killed. */
int selfrun(const char *const *args, const char *out, char *err, size_t errlen);

#endif
