/* What the USB transports (transport/ftdi.c, transport/usb.c) share to
 * survive a replug: how long to look for the board, the look itself, the
 * messages when it does not come back, and giving back libusb's transfers
 * before the device is closed. */
#ifndef HIL_REPLUG_H
#define HIL_REPLUG_H

#include <stddef.h>

struct libusb_context;
struct libusb_transfer;

/* HIL_REPLUG_MS if set to a positive number, else 3000. */
int hil_replug_limit_ms(void);

/* Calls try_open(ctx) every 100 ms until it returns 0 (the board is back:
 * returns 0) or -2 (no use going on: returns -1), or limit_ms pass
 * (returns -1). try_open returns -1 for "not yet". */
int hil_replug_wait(int (*try_open)(void *ctx), void *ctx, int limit_ms);

/* "the USB link to WHO broke: the board (ID) was unplugged and did not come
 * back within N s; PLUG and run again" */
void hil_replug_gone(char *err, size_t errlen, const char *who, const char *id,
		     int limit_ms, const char *plug);

/* The transfers did not come back after a cancel: the board must go. */
void hil_replug_stuck(char *err, size_t errlen, const char *who);

/* n transfers and their busy flags, which their callbacks clear. */
struct hil_xfers {
	struct libusb_transfer **x;
	int *busy;
	int n;
};

/* Cancels every busy transfer of the sets, handles ctx's events until their
 * callbacks have run (at most wait_ms), then frees them all. Returns -1,
 * freeing nothing, if some never called back: libusb still may. */
int hil_xfers_release(struct libusb_context *ctx, const struct hil_xfers *sets, int nsets,
		      int wait_ms);

#endif
