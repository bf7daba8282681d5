/* The one rule for reading a token file, shared by hild and its clients:
 * the file's text with trailing spaces, tabs and line ends taken off must
 * be one line of printable characters. */
#ifndef HIL_TOKEN_H
#define HIL_TOKEN_H

#include <stddef.h>

/* The token of file path into out (n bytes); -1 with the reason in err. */
int hil_token_read(const char *path, char *out, size_t n, char *err, size_t errlen);

#endif
