/* The usb transport: an FX2 board's bulk endpoints through libusb, under
 * the link layer like the others. Opening loads hil's firmware (fx2.c)
 * unless it runs already, configures the FPGA (always: the session starts
 * from the state configuration gives), empties the FX2's FIFOs, and claims
 * the interface. Bulk IN transfers on EP6 stay queued so the bridge's
 * bytes never wait for the host to ask; writes go out as bulk OUT
 * transfers on EP2 (xferpool.h).
 *
 * When the device goes away mid-run, we look for a board at the same USB
 * port for up to 3 s (HIL_REPLUG_MS) and set it up as the first open did,
 * but keep what survived: a board that kept its power still runs hil's
 * firmware and its FPGA still holds the DUT, so we only claim it again and
 * the link layer resends what was lost. One that lost power gets the
 * firmware and the bitstream again, and since its bridge is then where the
 * session began, the link layer replays the session (restarts). */
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hilfx2.h"
#include "util/errfmt.h"
#include "hil/fx2.h"
#include "transport/replug.h"
#include "transport/transport.h"
#include "transport/xferpool.h"

enum {
	RXCAP = 4 * 65536,
	TIMEOUT_MS = 1000
};

struct usb_tr {
	struct hil_transport t;
	libusb_context *ctx;
	libusb_device_handle *h;
	struct hil_xfer_pool in, out;
	uint8_t rx[RXCAP];
	size_t rx_head, rx_len;
	int gone, given_up, broken;
	struct hil_board board;
	uint8_t *img; /* the DUT's bitstream, for a board that lost power */
	size_t img_len;
	struct hil_fx2_where where;
	char who[64];
	char why[352]; /* why a board that came back could not be set up */
};

/* The device went away, or refused us: a replug, most likely. */
static void lost(struct usb_tr *u, const char *what, int status)
{
	if (u->gone)
		return;
	u->gone = 1;
	hil_fail(u->t.err, sizeof(u->t.err), "the USB link to %s broke: %s (%s)", u->who, what,
		 status == LIBUSB_TRANSFER_NO_DEVICE ? "the board was unplugged"
						     : libusb_error_name(status));
}

static void on_in(struct libusb_transfer *x)
{
	struct usb_tr *u = x->user_data;
	hil_pool_done(&u->in, x);
	if (x->status == LIBUSB_TRANSFER_CANCELLED)
		return;
	if (x->status != LIBUSB_TRANSFER_COMPLETED) {
		lost(u, "a read from EP6 failed", x->status);
		return;
	}
	/* Zero-length packets (PKTEND on a packet boundary) carry nothing. */
	for (int k = 0; k < x->actual_length; k++)
		u->rx[(u->rx_head + u->rx_len++) % RXCAP] = x->buffer[k];
}

static void on_out(struct libusb_transfer *x)
{
	struct usb_tr *u = x->user_data;
	hil_pool_done(&u->out, x);
	if (x->status == LIBUSB_TRANSFER_CANCELLED)
		return;
	if (x->status != LIBUSB_TRANSFER_COMPLETED || x->actual_length != x->length)
		lost(u, "a write to EP2 failed", x->status);
}

/* Keeps every IN transfer queued whose bytes the receive ring can hold. */
static void queue_reads(struct usb_tr *u)
{
	int busy = hil_pool_busy(&u->in);
	for (int i = 0; i < HIL_POOL_N && !u->gone; i++) {
		if (u->in.busy[i] || u->rx_len + (size_t)(busy + 1) * HIL_POOL_XFER > RXCAP)
			continue;
		int r = hil_pool_submit(&u->in, i);
		if (r != 0) {
			lost(u, "a read from EP6 could not be queued", r);
			return;
		}
		busy++;
	}
}

/* Claims the interface and queues the transfers; with empty, first drops
 * what the FX2's FIFOs hold, as for a freshly configured FPGA. */
static int start(struct usb_tr *u, int empty, char *err, size_t errlen)
{
	int r = libusb_claim_interface(u->h, 0);
	if (r == 0 && empty)
		r = libusb_control_transfer(u->h, 0x40, HILFX2_REQ_RESET, 0, 0, NULL, 0,
					    TIMEOUT_MS);
	if (r >= 0)
		r = hil_pool_init(&u->in, u->h, HILFX2_EP_IN, on_in, u, 0);
	if (r >= 0)
		r = hil_pool_init(&u->out, u->h, HILFX2_EP_OUT, on_out, u, TIMEOUT_MS * 5);
	if (r < 0)
		return hil_fail(err, errlen,
				"%s: the FX2 runs hil's firmware but its "
				"interface cannot be set up: %s",
				u->who, libusb_strerror(r));
	queue_reads(u);
	return 0;
}

/* Gives back the transfers and closes the device. -1 if libusb kept some:
 * then nothing is freed, since it may still call them back. */
static int release(struct usb_tr *u)
{
	if (!u->ctx)
		return 0;
	struct hil_xfer_pool *const pools[2] = {&u->in, &u->out};
	if (hil_pools_release(u->ctx, pools, 2, 1000) < 0)
		return -1;
	if (u->h) {
		libusb_release_interface(u->h, 0);
		libusb_close(u->h);
	}
	libusb_exit(u->ctx);
	u->h = NULL;
	u->ctx = NULL;
	return 0;
}

/* One look at the board's port, and if a device is there, setting it up as
 * it came back: firmware and bitstream only if it lost them. A failure is
 * kept in why and tried again, as the device may not let us in yet (udev
 * sets its permissions a moment after it appears). */
static int try_set_up(void *ctx)
{
	struct usb_tr *u = ctx;
	struct hil_fx2_done done;
	if (!hil_fx2_present(&u->where))
		return -1;
	u->gone = 0;
	if (hil_fx2_open(&u->board, u->img, u->img_len, 0, &u->where, &done, &u->ctx, &u->h,
			 u->why, sizeof(u->why)) == 0 &&
	    start(u, done.bitstream_loaded, u->why, sizeof(u->why)) == 0) {
		u->t.restarts += (unsigned)done.bitstream_loaded;
		return 0;
	}
	u->gone = 1;
	return release(u) < 0 ? -2 : -1;
}

/* The device went away: wait for a board at the same port. */
static int reopen(struct usb_tr *u)
{
	if (u->given_up)
		return -1;
	u->given_up = 1;
	if (release(u) < 0) {
		hil_replug_stuck(u->t.err, sizeof(u->t.err), u->who);
		return -1;
	}
	u->rx_len = u->rx_head = 0;
	u->why[0] = '\0';
	int limit = hil_replug_limit_ms();
	if (hil_replug_wait(try_set_up, u, limit) == 0) {
		u->given_up = 0;
		return 0;
	}
	char id[96], port[48];
	hil_fx2_where_name(&u->where, port, sizeof(port));
	if (u->why[0])
		return hil_fail(u->t.err, sizeof(u->t.err),
				"the USB link to %.60s broke; the "
				"board came back at %.40s, but %s",
				u->who, port, u->why);
	snprintf(id, sizeof(id), "at %s: an FX2 has no serial number", port);
	hil_replug_gone(u->t.err, sizeof(u->t.err), u->who, id, limit,
			"plug it in at the same port");
	return -1;
}

static void events(struct usb_tr *u, int timeout_ms)
{
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	int r = libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
	if (r != 0 && r != LIBUSB_ERROR_INTERRUPTED && !u->broken) {
		u->broken = 1;
		hil_fail(u->t.err, sizeof(u->t.err),
			 "libusb's event handling failed on "
			 "%s: %s",
			 u->who, libusb_error_name(r));
	}
	queue_reads(u);
}

/* Before any transfer: a board that went away is looked for, and set up
 * again if it comes back. Returns -1 if the link cannot go on, 1 if the
 * board was set up again: then nothing of what the caller had in hand may
 * go to it, since its bridge may be a new one (t.restarts). */
static int ready(struct usb_tr *u)
{
	if (u->broken)
		return -1;
	if (!u->gone)
		return 0;
	return reopen(u) < 0 ? -1 : 1;
}

static ssize_t usb_write(struct hil_transport *t, const void *p, size_t n)
{
	struct usb_tr *u = (struct usb_tr *)t;
	int r = ready(u);
	if (r)
		return r < 0 ? -1 : 0;
	events(u, 0);
	ssize_t k = u->gone ? 0 : hil_pool_send(&u->out, p, n);
	if (k > 0)
		return k;
	/* A failed submit is often how an unplug shows first: the bytes are
	 * lost with the rest, and the link layer sends them again. */
	if (k < 0)
		lost(u, "a write to EP2 could not be queued", (int)k);
	return ready(u) < 0 ? -1 : 0;
}

static ssize_t usb_read(struct hil_transport *t, void *p, size_t n)
{
	struct usb_tr *u = (struct usb_tr *)t;
	int r = ready(u);
	if (r)
		return r < 0 ? -1 : 0;
	events(u, 0);
	size_t k = 0;
	uint8_t *o = p;
	while (k < n && u->rx_len) {
		o[k++] = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % RXCAP;
		u->rx_len--;
	}
	queue_reads(u);
	if (k == 0 && ready(u) < 0)
		return -1;
	return (ssize_t)k;
}

static int usb_wait(struct hil_transport *t, int want_write, int timeout_ms)
{
	struct usb_tr *u = (struct usb_tr *)t;
	for (int left = timeout_ms;; left -= 10) {
		int r = ready(u);
		if (r)
			return r < 0 ? -1 : 0;
		if (u->rx_len || (want_write && hil_pool_busy(&u->out) < HIL_POOL_N) ||
		    left <= 0)
			return 0;
		events(u, left < 10 ? left : 10);
	}
}

static void usb_close(struct hil_transport *t)
{
	struct usb_tr *u = (struct usb_tr *)t;
	if (release(u) < 0)
		return;
	free(u->img);
	free(u);
}

static const struct hil_transport_ops usb_ops = {
	.write = usb_write,
	.read = usb_read,
	.wait = usb_wait,
	.close = usb_close,
};

struct hil_transport *hil_transport_usb(const struct hil_board *b, const uint8_t *img,
					size_t len, char *err, size_t errlen)
{
	struct usb_tr *u = calloc(1, sizeof(*u));
	if (u)
		u->img = malloc(len ? len : 1);
	if (!u || !u->img) {
		free(u);
		hil_fail(err, errlen, "out of memory");
		return NULL;
	}
	memcpy(u->img, img, len);
	u->img_len = len;
	u->board = *b;
	snprintf(u->who, sizeof(u->who), "board %.40s (FX2)", b->name);
	u->t.ops = &usb_ops;
	struct hil_fx2_done done;
	if (hil_fx2_open(b, img, len, 1, NULL, &done, &u->ctx, &u->h, err, errlen) < 0) {
		usb_close(&u->t);
		return NULL;
	}
	hil_fx2_where_of(libusb_get_device(u->h), &u->where);
	if (start(u, 1, err, errlen) < 0) {
		usb_close(&u->t);
		return NULL;
	}
	/* Round trips are well under a millisecond on the FX2. */
	u->t.rto_ms = 100;
	u->t.can_restart = 1;
	return &u->t;
}
