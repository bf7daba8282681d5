/* The device-selection options every board command takes: --serial S,
 * --bus N --device N (as hil list prints them). */
#ifndef HIL_CLI_USBSEL_H
#define HIL_CLI_USBSEL_H

#include "hil/usbdev.h"

/* If argv[*i] is a selection option, consumes it (and its value) and
 * returns 1; returns -1 on a bad value (after saying why), else 0. */
int usbsel_arg(struct hil_usbsel *s, int argc, char **argv, int *i, const char *cmd);
/* After the options: --bus and --device go together. Returns -1 (after
 * saying why) if not. */
int usbsel_check(const struct hil_usbsel *s, const char *cmd);

#endif
