/* Where hil's own files are: the gateware, the simulator harness, the
 * boards and the Yosys pass the DUT builds use. */
#ifndef HIL_ROOT_H
#define HIL_ROOT_H

/* $HIL_ROOT if set, else the tree this code was loaded from: the nearest
 * folder above the executable or shared library holding libhil that has
 * gateware/hil_bridge.v. No path is compiled in, so a tree moved or copied
 * elsewhere still finds itself. Never NULL; "" when nothing is found (the
 * files' own errors then say what is missing). */
const char *hil_root(void);

#endif
