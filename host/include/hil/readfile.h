/* Reading a whole file that has a size limit, into a buffer the size of
 * the file (not of the limit), NUL-terminated. */
#ifndef HIL_READFILE_H
#define HIL_READFILE_H

#include <stddef.h>

/* 0 with *out (free it) and *len; -1 with "PATH: reason" in err; -2 when
 * the file holds more than max bytes, leaving err for the caller, who
 * knows what the file was meant to be. */
int hil_read_file(const char *path, size_t max, char **out, size_t *len, char *err,
		  size_t errlen);

#endif
