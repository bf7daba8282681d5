/* The device-selection options every board command takes: --serial S,
 * --bus N --device N (as hil list prints them). */
#ifndef HIL_CLI_USBSEL_H
#define HIL_CLI_USBSEL_H

#include "hil/usbdev.h"

/* The options' values as given. */
struct usbsel_args {
	const char *serial, *bus, *device;
};

/* Their rows in a command's list of options (opts.h). */
#define USBSEL_OPTS(a)                                                                        \
	{"serial", &(a).serial, NULL, NULL, 0}, {"bus", &(a).bus, NULL, NULL, 0},             \
	{                                                                                     \
		"device", &(a).device, NULL, NULL, 0                                          \
	}

/* The selection they make. Returns -1 (after saying why) on a bad number,
 * or on --bus without --device or the other way round. */
int usbsel_get(struct hil_usbsel *s, const struct usbsel_args *a, const char *cmd);

#endif
