/* The USB side of real boards: finding FTDI chips (hil list), choosing one
 * (by serial, by bus/device, or the first that fits a board), and opening
 * one of its interfaces with libftdi. The kernel's ftdi_sio is detached
 * from the interface we take and given back when we close it. */
#ifndef HIL_USBDEV_H
#define HIL_USBDEV_H

#include <stddef.h>

#include "hil/board.h"

struct ftdi_context;

struct hil_usbdev {
	unsigned vid, pid;
	int bus, addr;
	char manufacturer[64], product[128], serial[64];
	int no_access; /* the device node refused us: strings unknown */
};

/* Which device: serial if set, else bus/addr if bus > 0, else the first
 * whose USB ID is the board's. */
struct hil_usbsel {
	const char *serial;
	int bus, addr;
};

/* Every FTDI device (and every board's own USB ID); returns the count or
 * -1 with err set. */
int hil_usb_list(struct hil_usbdev *out, int max, char *err, size_t errlen);
/* The boards whose USB ID the device has, comma-separated. */
void hil_usb_boards_of(const struct hil_usbdev *d, char *out, size_t n);

/* Is the selected device (or, for an FX2 board, its chip before hil's
 * firmware) among devs, as hil_usb_list gave them? A device of the
 * board's USB ID whose strings could not be read counts as its (its
 * serial is unknown). 1 yes, 0 no. */
int hil_usb_among(const struct hil_board *b, const struct hil_usbsel *sel,
		  const struct hil_usbdev *devs, int n);

/* Opens interface iface (0 = A) of the selected device for board b. */
struct ftdi_context *hil_usb_open(const struct hil_board *b, const struct hil_usbsel *sel,
				  int iface, char *err, size_t errlen);
void hil_usb_close(struct ftdi_context *f);

/* The text to print when a device refuses us for lack of permission. */
const char *hil_usb_access_help(void);

#endif
