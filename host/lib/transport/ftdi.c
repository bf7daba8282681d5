/* The ftdi transport: a board's UART channel through libftdi1, for boards
 * whose FTDI chip has the bridge's RX/TX on one of its channels. libftdi
 * opens and sets the channel up (baud rate, 8N1, no flow control, latency
 * timer 1 ms, buffers purged); the bytes then move through libusb's
 * asynchronous bulk transfers, several queued each way, so the link's
 * whole window can be in flight. Each 512-byte packet the chip sends
 * starts with two modem-status bytes, which we strip. When the device goes
 * away (a cable pulled and put back, a hub that reset), we look for the
 * same serial number for up to 3 s (HIL_REPLUG_MS), set it up again and
 * go on: the link layer resends what was lost on the way. If it does not
 * come back, the transport ends with a message that says so; it never
 * hangs. */
#include <ftdi.h>
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hil/usbdev.h"
#include "transport/replug.h"
#include "transport/transport.h"
#include "transport/xferpool.h"
#include "util/errfmt.h"
#include "util/clock.h"

#define RXCAP (256 * 1024)

struct ftdi_tr {
	struct hil_transport t;
	struct ftdi_context *ftdi;
	struct hil_xfer_pool in, out;
	uint8_t rx[RXCAP];
	size_t rx_head, rx_len;
	unsigned pkt;
	int gone, given_up;
	struct hil_board board;
	char serial[64];
	char who[64];
};

static void lost(struct ftdi_tr *f, int status)
{
	if (f->gone)
		return;
	f->gone = 1;
	hil_fail(f->t.err, sizeof(f->t.err),
		 "the USB link to %s broke (%s): was "
		 "the board unplugged? Plug it in and run again",
		 f->who,
		 status == LIBUSB_TRANSFER_NO_DEVICE ? "device gone" : "transfer failed");
}

static int setup(struct ftdi_tr *f, char *err, size_t errlen);
static int release(struct ftdi_tr *f);

/* One look for the board: open it by serial number and set it up. */
static int try_reopen(void *ctx)
{
	struct ftdi_tr *f = ctx;
	struct hil_usbsel sel = {f->serial, 0, 0};
	char err[256];
	f->ftdi = hil_usb_open(&f->board, &sel, f->board.uart_if, err, sizeof(err));
	if (!f->ftdi)
		return -1;
	if (setup(f, err, sizeof(err)) == 0)
		return 0;
	return release(f) < 0 ? -2 : -1;
}

/* The device went away: wait for the same serial number to come back. */
static int reopen(struct ftdi_tr *f)
{
	if (f->given_up)
		return -1;
	f->given_up = 1;
	if (!f->serial[0])
		return -1;
	if (release(f) < 0) {
		hil_replug_stuck(f->t.err, sizeof(f->t.err), f->who);
		return -1;
	}
	int limit = hil_replug_limit_ms();
	if (hil_replug_wait(try_reopen, f, limit) == 0) {
		f->gone = f->given_up = 0;
		f->rx_len = f->rx_head = 0;
		return 0;
	}
	char id[80];
	snprintf(id, sizeof(id), "serial %.63s", f->serial);
	hil_replug_gone(f->t.err, sizeof(f->t.err), f->who, id, limit, "plug it in");
	return -1;
}

static void in_done(struct libusb_transfer *x)
{
	struct ftdi_tr *f = x->user_data;
	hil_pool_done(&f->in, x);
	if (x->status != LIBUSB_TRANSFER_COMPLETED) {
		if (x->status != LIBUSB_TRANSFER_CANCELLED)
			lost(f, x->status);
		return;
	}
	for (int o = 0; o < x->actual_length; o += (int)f->pkt) {
		int n = x->actual_length - o < (int)f->pkt ? x->actual_length - o
							   : (int)f->pkt;
		for (int k = 2; k < n; k++)
			f->rx[(f->rx_head + f->rx_len++) % RXCAP] = x->buffer[o + k];
	}
}

static void out_done(struct libusb_transfer *x)
{
	struct ftdi_tr *f = x->user_data;
	hil_pool_done(&f->out, x);
	if (x->status != LIBUSB_TRANSFER_COMPLETED || x->actual_length != x->length)
		lost(f, x->status);
}

/* Keeps every IN transfer queued while the receive buffer could take
 * what it brings. */
static int submit_in(struct ftdi_tr *f)
{
	for (int i = 0; i < HIL_POOL_N && !f->gone; i++) {
		if (f->in.busy[i] || RXCAP - f->rx_len < (size_t)HIL_POOL_XFER * HIL_POOL_N)
			continue;
		if (hil_pool_submit(&f->in, i) != 0) {
			lost(f, LIBUSB_TRANSFER_NO_DEVICE);
			return -1;
		}
	}
	return f->gone ? -1 : 0;
}

static ssize_t ftdi_write(struct hil_transport *t, const void *p, size_t n)
{
	struct ftdi_tr *f = (struct ftdi_tr *)t;
	if (f->gone && reopen(f) < 0)
		return -1;
	ssize_t k = hil_pool_send(&f->out, p, n);
	/* A failed submit is how an unplug often shows first: wait for the
	 * board as a failed transfer would, and let the link layer send again
	 * what was lost. */
	if (k < 0) {
		lost(f, LIBUSB_TRANSFER_NO_DEVICE);
		return reopen(f) < 0 ? -1 : 0;
	}
	return k;
}

static ssize_t ftdi_read(struct hil_transport *t, void *p, size_t n)
{
	struct ftdi_tr *f = (struct ftdi_tr *)t;
	struct timeval zero = {0, 0};
	if (!f->ftdi)
		return -1;
	libusb_handle_events_timeout_completed(f->ftdi->usb_ctx, &zero, NULL);
	size_t k = n < f->rx_len ? n : f->rx_len;
	for (size_t i = 0; i < k; i++)
		((uint8_t *)p)[i] = f->rx[(f->rx_head + i) % RXCAP];
	f->rx_head = (f->rx_head + k) % RXCAP;
	f->rx_len -= k;
	if (submit_in(f) < 0 && !k && reopen(f) < 0)
		return -1;
	return (ssize_t)k;
}

static int ftdi_wait(struct hil_transport *t, int want_write, int timeout_ms)
{
	struct ftdi_tr *f = (struct ftdi_tr *)t;
	double end = (double)hil_mono_ms() + timeout_ms;
	for (;;) {
		if (submit_in(f) < 0 && reopen(f) < 0)
			return -1;
		if (f->rx_len || (want_write && hil_pool_busy(&f->out) < HIL_POOL_N))
			return 0;
		double left = end - hil_mono_ms();
		if (left <= 0)
			return 0;
		struct timeval tv = {0, (long)(left * 1000)};
		tv.tv_sec = tv.tv_usec / 1000000;
		tv.tv_usec %= 1000000;
		if (libusb_handle_events_timeout_completed(f->ftdi->usb_ctx, &tv, NULL) != 0)
			return hil_fail(t->err, sizeof(t->err),
					"libusb event handling failed "
					"on %s",
					f->who);
	}
}

/* Cancels what is in flight, waits (a bounded time) for the cancelled
 * transfers to complete, and closes the device. Returns -1 if some never
 * completed: then nothing is freed, since libusb may still call back. */
static int release(struct ftdi_tr *f)
{
	if (!f->ftdi)
		return 0;
	struct hil_xfer_pool *const pools[2] = {&f->in, &f->out};
	if (hil_pools_release(f->ftdi->usb_ctx, pools, 2, 1000) < 0)
		return -1;
	hil_usb_close(f->ftdi);
	f->ftdi = NULL;
	return 0;
}

static void ftdi_close(struct hil_transport *t)
{
	struct ftdi_tr *f = (struct ftdi_tr *)t;
	if (release(f) == 0)
		free(f);
}

static const struct hil_transport_ops ftdi_ops = {
	.write = ftdi_write,
	.read = ftdi_read,
	.wait = ftdi_wait,
	.close = ftdi_close,
};

static int setup(struct ftdi_tr *f, char *err, size_t errlen)
{
	const struct hil_board *b = &f->board;
	struct ftdi_context *c = f->ftdi;
	if (ftdi_usb_reset(c) < 0 || ftdi_set_bitmode(c, 0, BITMODE_RESET) < 0 ||
	    ftdi_set_baudrate(c, (int)b->baud) < 0 ||
	    ftdi_set_line_property(c, BITS_8, STOP_BIT_1, NONE) < 0 ||
	    ftdi_setflowctrl(c, SIO_DISABLE_FLOW_CTRL) < 0 ||
	    ftdi_set_latency_timer(c, 1) < 0 || ftdi_tcioflush(c) < 0) {
		return hil_fail(err, errlen, "cannot set up the UART of %s at %lu baud: %s",
				f->who, b->baud, ftdi_get_error_string(c));
	}
	f->pkt = c->max_packet_size ? c->max_packet_size : 512;
	/* libftdi names endpoints from the chip's side: its out_ep is our IN. */
	if (hil_pool_init(&f->in, c->usb_dev, (unsigned char)c->out_ep, in_done, f, 0) < 0 ||
	    hil_pool_init(&f->out, c->usb_dev, (unsigned char)c->in_ep, out_done, f, 0) < 0)
		return hil_fail(err, errlen, "out of memory");
	return 0;
}

struct hil_transport *hil_transport_ftdi(const struct hil_board *b,
					 const struct hil_usbsel *sel, char *err,
					 size_t errlen)
{
	struct ftdi_tr *f = calloc(1, sizeof(*f));
	if (!f) {
		hil_fail(err, errlen, "out of memory");
		return NULL;
	}
	f->ftdi = hil_usb_open(b, sel, b->uart_if, err, errlen);
	if (!f->ftdi) {
		free(f);
		return NULL;
	}
	f->board = *b;
	snprintf(f->who, sizeof(f->who), "board %.40s (FTDI channel %c)", b->name,
		 'A' + b->uart_if);
	/* The serial number finds the board again after a replug. */
	struct libusb_device_descriptor dd;
	if (libusb_get_device_descriptor(libusb_get_device(f->ftdi->usb_dev), &dd) == 0 &&
	    dd.iSerialNumber)
		libusb_get_string_descriptor_ascii(f->ftdi->usb_dev, dd.iSerialNumber,
						   (unsigned char *)f->serial,
						   sizeof(f->serial));
	if (setup(f, err, errlen) < 0 || submit_in(f) < 0) {
		if (f->gone)
			hil_fail(err, errlen, "%s", f->t.err);
		f->t.ops = &ftdi_ops;
		ftdi_close(&f->t);
		return NULL;
	}
	f->t.ops = &ftdi_ops;
	f->t.rto_ms = 50;
	return &f->t;
}
