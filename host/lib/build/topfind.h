/* Which module of a DUT's sources is its top, when the user did not say.
 * A light scan, before any tool runs, so that the message can name the
 * modules found: it sees `module NAME` declarations and counts a module as
 * instantiated when its name appears anywhere else in the sources outside
 * comments and strings. */
#ifndef HIL_TOPFIND_H
#define HIL_TOPFIND_H

#include <stddef.h>

#include "build/dutsrc.h"

/* want: the top the user named (given), else the directory's name.
 * On 0, top holds the module to build, and note a sentence for the user
 * when it is not `want` (else empty). On -1, err lists what was found and
 * says to use --top. */
int dut_top_find(const struct dut_src *s, const char *want, int given, char *top,
		 size_t toplen, char *note, size_t notelen, char *err, size_t errlen);

#endif
