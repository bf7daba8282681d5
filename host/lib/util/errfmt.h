/* Small helpers shared by the readers and generators that report errors
 * into a caller's buffer. */
#ifndef HIL_ERRFMT_H
#define HIL_ERRFMT_H

#include <stddef.h>

/* Formats a message into err and returns -1, so `return hil_fail(...)`. */
__attribute__((format(printf, 3, 4)))
int hil_fail(char *err, size_t errlen, const char *fmt, ...);

/* A plain Verilog identifier: a letter or _, then letters, digits, _ or $. */
int hil_is_ident(const char *s);

#endif
