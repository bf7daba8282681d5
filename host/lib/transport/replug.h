/* What the USB transports (transport/ftdi.c, transport/usb.c) share to
 * survive a replug: how long to look for the board, the look itself, and
 * the messages when it does not come back. */
#ifndef HIL_REPLUG_H
#define HIL_REPLUG_H

#include <stddef.h>

/* HIL_REPLUG_MS if set to a positive number, else 3000. */
int hil_replug_limit_ms(void);

/* Calls try_open(ctx) every 100 ms until it returns 0 (the board is back:
 * returns 0) or -2 (no use going on: returns -1), or limit_ms pass
 * (returns -1). try_open returns -1 for "not yet". */
int hil_replug_wait(int (*try_open)(void *ctx), void *ctx, int limit_ms);

/* "the USB link to WHO broke: the board (ID) was unplugged and did not come
 * back within N s; PLUG and run again" */
void hil_replug_gone(char *err, size_t errlen, const char *who, const char *id, int limit_ms,
		     const char *plug);

/* The transfers did not come back after a cancel: the board must go. */
void hil_replug_stuck(char *err, size_t errlen, const char *who);

#endif
