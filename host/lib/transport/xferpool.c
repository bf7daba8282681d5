/* See xferpool.h. */
#include "transport/xferpool.h"

#include <string.h>

#include "util/clock.h"

int hil_pool_init(struct hil_xfer_pool *p, libusb_device_handle *h, unsigned char ep,
		  libusb_transfer_cb_fn cb, void *user, unsigned timeout_ms)
{
	int len = (ep & LIBUSB_ENDPOINT_IN) ? HIL_POOL_XFER : 0;
	for (int i = 0; i < HIL_POOL_N; i++) {
		p->busy[i] = 0;
		p->x[i] = libusb_alloc_transfer(0);
		if (!p->x[i])
			return LIBUSB_ERROR_NO_MEM;
		libusb_fill_bulk_transfer(p->x[i], h, ep, p->buf[i], len, cb, user,
					  timeout_ms);
	}
	return 0;
}

void hil_pool_done(struct hil_xfer_pool *p, const struct libusb_transfer *x)
{
	for (int i = 0; i < HIL_POOL_N; i++)
		if (p->x[i] == x)
			p->busy[i] = 0;
}

int hil_pool_busy(const struct hil_xfer_pool *p)
{
	int n = 0;
	for (int i = 0; i < HIL_POOL_N; i++)
		n += p->busy[i];
	return n;
}

int hil_pool_submit(struct hil_xfer_pool *p, int i)
{
	int r = libusb_submit_transfer(p->x[i]);
	if (r == 0)
		p->busy[i] = 1;
	return r;
}

ssize_t hil_pool_send(struct hil_xfer_pool *p, const void *data, size_t n)
{
	for (int i = 0; i < HIL_POOL_N; i++) {
		if (p->busy[i])
			continue;
		size_t k = n < HIL_POOL_XFER ? n : HIL_POOL_XFER;
		memcpy(p->buf[i], data, k);
		p->x[i]->length = (int)k;
		int r = hil_pool_submit(p, i);
		return r < 0 ? r : (ssize_t)k;
	}
	return 0;
}

static int any_busy(struct hil_xfer_pool *const *pools, int n)
{
	for (int s = 0; s < n; s++)
		if (hil_pool_busy(pools[s]))
			return 1;
	return 0;
}

int hil_pools_release(libusb_context *ctx, struct hil_xfer_pool *const *pools, int n,
		      int wait_ms)
{
	for (int s = 0; s < n; s++)
		for (int i = 0; i < HIL_POOL_N; i++)
			if (pools[s]->busy[i])
				libusb_cancel_transfer(pools[s]->x[i]);
	uint64_t end = hil_mono_ms() + (uint64_t)wait_ms;
	while (any_busy(pools, n)) {
		if (hil_mono_ms() > end)
			return -1;
		struct timeval tv = {0, 10000};
		libusb_handle_events_timeout_completed(ctx, &tv, NULL);
	}
	for (int s = 0; s < n; s++)
		for (int i = 0; i < HIL_POOL_N; i++) {
			libusb_free_transfer(pools[s]->x[i]);
			pools[s]->x[i] = NULL;
		}
	return 0;
}
