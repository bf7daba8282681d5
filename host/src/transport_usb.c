/* The usb transport: an FX2 board's bulk endpoints through libusb, under
 * the link layer like the others. Opening loads hil's firmware (fx2.c)
 * unless it runs already, configures the FPGA (always: the session starts
 * from the state configuration gives), empties the FX2's FIFOs, and claims
 * the interface. NIN bulk IN transfers on EP6 stay
 * queued so the bridge's bytes never wait for the host to ask; writes go
 * out as bulk OUT transfers on EP2, NOUT of them in flight at most. */
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../firmware/fx2/hilfx2.h"
#include "errfmt.h"
#include "hil/fx2.h"
#include "transport.h"

enum { NIN = 4, NOUT = 4, XFER = 16384, RXCAP = 4 * 65536, TIMEOUT_MS = 1000 };

struct usb_tr {
	struct hil_transport t;
	libusb_context *ctx;
	libusb_device_handle *h;
	struct libusb_transfer *in[NIN], *out[NOUT];
	int in_busy[NIN], out_busy[NOUT];
	uint8_t inbuf[NIN][XFER], outbuf[NOUT][XFER];
	uint8_t rx[RXCAP];
	size_t rx_head, rx_len;
	int failed;
	char board[48];
};

static void fail(struct usb_tr *u, const char *what, int status)
{
	if (u->failed)
		return;
	u->failed = 1;
	snprintf(u->t.err, sizeof(u->t.err), "the USB link to board %s broke: %s "
		 "(%s)", u->board, what,
		 status == LIBUSB_TRANSFER_NO_DEVICE ? "the board was unplugged"
						      : libusb_error_name(status));
}

static void on_in(struct libusb_transfer *x)
{
	struct usb_tr *u = x->user_data;
	int i;
	for (i = 0; i < NIN && u->in[i] != x; i++)
		;
	u->in_busy[i] = 0;
	if (x->status == LIBUSB_TRANSFER_CANCELLED)
		return;
	if (x->status != LIBUSB_TRANSFER_COMPLETED) {
		fail(u, "a read from EP6 failed", x->status);
		return;
	}
	/* Zero-length packets (PKTEND on a packet boundary) carry nothing. */
	for (int k = 0; k < x->actual_length; k++)
		u->rx[(u->rx_head + u->rx_len++) % RXCAP] = x->buffer[k];
}

static void on_out(struct libusb_transfer *x)
{
	struct usb_tr *u = x->user_data;
	int i;
	for (i = 0; i < NOUT && u->out[i] != x; i++)
		;
	u->out_busy[i] = 0;
	if (x->status == LIBUSB_TRANSFER_CANCELLED)
		return;
	if (x->status != LIBUSB_TRANSFER_COMPLETED || x->actual_length != x->length)
		fail(u, "a write to EP2 failed", x->status);
}

/* Keeps every IN transfer queued whose bytes the receive ring can hold. */
static void queue_reads(struct usb_tr *u)
{
	int busy = 0;
	for (int i = 0; i < NIN; i++)
		busy += u->in_busy[i];
	for (int i = 0; i < NIN && !u->failed; i++) {
		if (u->in_busy[i] || u->rx_len + (size_t)(busy + 1) * XFER > RXCAP)
			continue;
		int r = libusb_submit_transfer(u->in[i]);
		if (r != 0) {
			fail(u, "a read from EP6 could not be queued", r);
			return;
		}
		u->in_busy[i] = 1;
		busy++;
	}
}

static void events(struct usb_tr *u, int timeout_ms)
{
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	int r = libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
	if (r != 0 && r != LIBUSB_ERROR_INTERRUPTED)
		fail(u, "libusb's event handling failed", r);
	queue_reads(u);
}

static ssize_t usb_write(struct hil_transport *t, const void *p, size_t n)
{
	struct usb_tr *u = (struct usb_tr *)t;
	events(u, 0);
	if (u->failed)
		return -1;
	for (int i = 0; i < NOUT; i++) {
		if (u->out_busy[i])
			continue;
		size_t k = n < XFER ? n : XFER;
		memcpy(u->outbuf[i], p, k);
		u->out[i]->length = (int)k;
		int r = libusb_submit_transfer(u->out[i]);
		if (r != 0) {
			fail(u, "a write to EP2 could not be queued", r);
			return -1;
		}
		u->out_busy[i] = 1;
		return (ssize_t)k;
	}
	return 0;
}

static ssize_t usb_read(struct hil_transport *t, void *p, size_t n)
{
	struct usb_tr *u = (struct usb_tr *)t;
	events(u, 0);
	size_t k = 0;
	uint8_t *o = p;
	while (k < n && u->rx_len) {
		o[k++] = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % RXCAP;
		u->rx_len--;
	}
	queue_reads(u);
	if (k == 0 && u->failed)
		return -1;
	return (ssize_t)k;
}

static int out_free(const struct usb_tr *u)
{
	for (int i = 0; i < NOUT; i++)
		if (!u->out_busy[i])
			return 1;
	return 0;
}

static int usb_wait(struct hil_transport *t, int want_write, int timeout_ms)
{
	struct usb_tr *u = (struct usb_tr *)t;
	for (int left = timeout_ms; !u->failed; left -= 10) {
		if (u->rx_len || (want_write && out_free(u)))
			return 0;
		if (left <= 0)
			return 0;
		events(u, left < 10 ? left : 10);
	}
	return -1;
}

static void usb_close(struct hil_transport *t)
{
	struct usb_tr *u = (struct usb_tr *)t;
	for (int i = 0; i < NIN; i++)
		if (u->in_busy[i])
			libusb_cancel_transfer(u->in[i]);
	for (int i = 0; i < NOUT; i++)
		if (u->out_busy[i])
			libusb_cancel_transfer(u->out[i]);
	for (int tries = 0; tries < 100; tries++) {
		int busy = 0;
		for (int i = 0; i < NIN; i++)
			busy |= u->in_busy[i];
		for (int i = 0; i < NOUT; i++)
			busy |= u->out_busy[i];
		if (!busy)
			break;
		struct timeval tv = {0, 10000};
		libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
	}
	for (int i = 0; i < NIN; i++)
		libusb_free_transfer(u->in[i]);
	for (int i = 0; i < NOUT; i++)
		libusb_free_transfer(u->out[i]);
	libusb_release_interface(u->h, 0);
	libusb_close(u->h);
	libusb_exit(u->ctx);
	free(u);
}

static const struct hil_transport_ops usb_ops = {usb_write, usb_read, usb_wait, usb_close};

struct hil_transport *hil_transport_usb(const struct hil_board *b, const uint8_t *img,
					size_t len, char *err, size_t errlen)
{
	struct usb_tr *u = calloc(1, sizeof(*u));
	if (!u) {
		hil_fail(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(u->board, sizeof(u->board), "%s", b->name);
	struct hil_fx2_done done;
	if (hil_fx2_open(b, img, len, 1, &done, &u->ctx, &u->h, err, errlen) < 0) {
		free(u);
		return NULL;
	}
	int r = libusb_claim_interface(u->h, 0);
	if (r == 0)
		r = libusb_control_transfer(u->h, 0x40, HILFX2_REQ_RESET, 0, 0, NULL, 0,
					    TIMEOUT_MS);
	for (int i = 0; i < NIN && r >= 0; i++) {
		u->in[i] = libusb_alloc_transfer(0);
		if (!u->in[i])
			r = LIBUSB_ERROR_NO_MEM;
		else
			libusb_fill_bulk_transfer(u->in[i], u->h, HILFX2_EP_IN, u->inbuf[i],
						  XFER, on_in, u, 0);
	}
	for (int i = 0; i < NOUT && r >= 0; i++) {
		u->out[i] = libusb_alloc_transfer(0);
		if (!u->out[i])
			r = LIBUSB_ERROR_NO_MEM;
		else
			libusb_fill_bulk_transfer(u->out[i], u->h, HILFX2_EP_OUT, u->outbuf[i],
						  0, on_out, u, TIMEOUT_MS * 5);
	}
	if (r < 0) {
		hil_fail(err, errlen, "board %s: the FX2 runs hil's firmware but its "
			 "interface cannot be set up: %s", b->name, libusb_strerror(r));
		for (int i = 0; i < NIN; i++)
			libusb_free_transfer(u->in[i]);
		for (int i = 0; i < NOUT; i++)
			libusb_free_transfer(u->out[i]);
		libusb_release_interface(u->h, 0);
		libusb_close(u->h);
		libusb_exit(u->ctx);
		free(u);
		return NULL;
	}
	u->t.ops = &usb_ops;
	/* Round trips are well under a millisecond on the FX2. */
	u->t.rto_ms = 100;
	queue_reads(u);
	return &u->t;
}
