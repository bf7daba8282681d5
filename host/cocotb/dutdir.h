/* The DUT folder of a cocotb run (dutdir.c). */
#ifndef HIL_COCOTB_DUTDIR_H
#define HIL_COCOTB_DUTDIR_H

#include <stddef.h>

/* Makes dir hold links to sources (up to a NULL) and to the memory and
 * header files beside them, and nothing else. Returns 0, or -1 with the
 * reason in err. */
int dutdir_make(const char *dir, const char *const *sources, char *err, size_t errlen);

#endif
