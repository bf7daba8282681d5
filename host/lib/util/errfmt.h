/* The library's one way to report an error: a function that can fail
 * takes a buffer (err, errlen), writes there a message that says what
 * went wrong and what to do, and returns -1, so `return hil_fail(...)`.
 * The API's calls on a session (hil.h) keep the message in the handle
 * instead (hil_seterr, session/session.h) and return a HIL_E_ code. */
#ifndef HIL_ERRFMT_H
#define HIL_ERRFMT_H

#include <stddef.h>

__attribute__((format(printf, 3, 4))) int hil_fail(char *err, size_t errlen, const char *fmt,
						   ...);

/* A plain Verilog identifier: a letter or _, then letters, digits, _ or $. */
int hil_is_ident(const char *s);

#endif
