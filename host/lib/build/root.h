/* Where hil's own files are: the gateware, the simulator harness, the
 * boards and the Yosys pass the DUT builds use. */
#ifndef HIL_ROOT_H
#define HIL_ROOT_H

#include <stddef.h>

/* $HIL_ROOT if set, else the tree this code was loaded from: the nearest
 * folder above the executable or shared library holding libhil that has
 * gateware/hil_bridge.v, or share/hil with it (an installed hil: `make
 * install` puts the files a DUT build needs in PREFIX/share/hil). No path
 * is compiled in, so a tree moved or copied elsewhere still finds itself.
 * Never NULL; "" when nothing is found (the files' own errors then say
 * what is missing). */
const char *hil_root(void);

/* A file make builds, `rel` as the source tree has it under build/ (e.g.
 * "lib/hil_ce.so"): ROOT/build/rel in a tree, ROOT/rel installed. */
void hil_root_built(char *out, size_t n, const char *rel);

#endif
