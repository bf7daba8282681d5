/* The bulk transfers a USB transport (ftdi.c, usb.c) keeps in flight on
 * one endpoint: a fixed set, each with its own buffer, allocated once and
 * resubmitted, so bytes never wait for the host to ask and no transfer is
 * allocated on the data path. */
#ifndef HIL_XFERPOOL_H
#define HIL_XFERPOOL_H

#include <libusb.h>
#include <stdint.h>
#include <sys/types.h>

#define HIL_POOL_N    4
#define HIL_POOL_XFER 16384

struct hil_xfer_pool {
	struct libusb_transfer *x[HIL_POOL_N];
	int busy[HIL_POOL_N]; /* submitted; its callback has not run yet */
	uint8_t buf[HIL_POOL_N][HIL_POOL_XFER];
};

/* Allocates the transfers for endpoint ep, each calling cb with user as
 * its user_data; an IN pool's transfers ask for HIL_POOL_XFER bytes. A
 * libusb error code on failure (what was allocated is freed by release). */
int hil_pool_init(struct hil_xfer_pool *p, libusb_device_handle *h, unsigned char ep,
		  libusb_transfer_cb_fn cb, void *user, unsigned timeout_ms);

/* From the callback of transfer x: it is idle again. */
void hil_pool_done(struct hil_xfer_pool *p, const struct libusb_transfer *x);

/* How many are in flight. */
int hil_pool_busy(const struct hil_xfer_pool *p);

/* Submits transfer i, which must be idle: a libusb error code. */
int hil_pool_submit(struct hil_xfer_pool *p, int i);

/* Copies up to HIL_POOL_XFER of the n bytes into an idle transfer and
 * submits it: the bytes taken, 0 when every transfer is in flight, or a
 * negative libusb error code from the submit. */
ssize_t hil_pool_send(struct hil_xfer_pool *p, const void *data, size_t n);

/* Cancels every busy transfer of the pools, handles ctx's events until
 * their callbacks have run (at most wait_ms), then frees them all.
 * Returns -1, freeing nothing, if some never called back: libusb still
 * may. */
int hil_pools_release(libusb_context *ctx, struct hil_xfer_pool *const *pools, int n,
		      int wait_ms);

#endif
