/* The usbdevfs ioctls libusb issues on Linux, answered by the emulated
 * chip: URBs are submitted, completed as the chip would, and reaped in the
 * order they complete. libusb sees the device node as always writable, so
 * it reaps without blocking (REAPURBNDELAY) and we answer EAGAIN until an
 * URB is done. */
#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <stddef.h>
#include <string.h>

#include "clock.h"
#include "emu.h"

static int chan_of(const struct emu *e, int ep)
{
	switch (ep) {
	case 0x81: case 0x02:
		return 0;
	case 0x83: case 0x04:
		return e->chip.ft232h ? -1 : 1;
	}
	return -1;
}

static struct usbdevfs_urb *urb_of(struct urb *u)
{
	return (struct usbdevfs_urb *)u->data->data;
}

static void finish(struct urb *u, int status, int actual)
{
	struct usbdevfs_urb *k = urb_of(u);
	k->status = status;
	k->actual_length = actual;
	u->complete = 1;
}

void usbfs_unplug(struct emu *e)
{
	e->unplugged = 1;
	e->unplug_after = 0;
	if (!e->replug)
		uartlink_power(&e->uart, 0);
	for (int i = 0; i < e->nurbs; i++)
		if (!e->urbs[i].complete)
			finish(&e->urbs[i], -ENODEV, 0);
	if (e->on_unplug)
		e->on_unplug(e);
}

static void count_bulk(struct emu *e, size_t n)
{
	e->bulk_bytes += n;
	if (e->unplug_after && e->bulk_bytes >= e->unplug_after && !e->unplugged &&
	    !e->unplug_at_submit)
		usbfs_unplug(e);
}

/* Moves bytes between the pending transfers and the chip. */
static void pump(struct emu *e)
{
	int uc = chip_uart_chan(&e->chip);
	if (e->chip.ch[uc].bitmode == 0)
		uartlink_poll(&e->uart, &e->chip.ch[uc]);
	double now = emu_now_us();
	for (int i = 0; i < e->nurbs; i++) {
		struct urb *u = &e->urbs[i];
		struct usbdevfs_urb *k = urb_of(u);
		int c = chan_of(e, k->endpoint);
		if (u->complete || c < 0)
			continue;
		if (e->unplugged || u->generation != e->generation) {
			finish(u, -ENODEV, 0);
			continue;
		}
		struct chan *ch = &e->chip.ch[c];
		uint8_t *p = u->buf ? u->buf->data : NULL;
		size_t len = (size_t)k->buffer_length;
		if (!(k->endpoint & 0x80)) {
			while (u->done < len) {
				size_t took;
				if (c == 0 && ch->bitmode == 2)
					took = mpsse_feed(&e->mpsse, ch, p + u->done, len - u->done);
				else if (c == uc && ch->bitmode == 0)
					took = uartlink_write(&e->uart, ch, p + u->done, len - u->done);
				else
					took = len - u->done;
				if (!took)
					break;
				u->done += took;
				count_bulk(e, took);
			}
			if (u->done == len)
				finish(u, 0, (int)len);
			continue;
		}
		/* IN: data as soon as there is some; with none, the chip still
		 * answers its status bytes when the latency timer runs out. */
		if (c == uc && ch->bitmode == 0)
			uartlink_poll(&e->uart, ch);
		if (ch->in_len || now - u->submitted_us >= ch->latency_ms * 1000.0) {
			size_t got = chan_pull(ch, p, len);
			count_bulk(e, got);
			finish(u, 0, (int)got);
		}
	}
}

static void drop(struct emu *e, int i)
{
	g_object_unref(e->urbs[i].data);
	memmove(&e->urbs[i], &e->urbs[i + 1], (size_t)(e->nurbs - i - 1) * sizeof(e->urbs[0]));
	e->nurbs--;
}

static int submit(struct emu *e, UMockdevIoctlClient *client, UMockdevIoctlData *d)
{
	if (e->unplugged)
		return -ENODEV;
	if (e->nurbs == MAX_URBS)
		return -ENOMEM;
	struct usbdevfs_urb *k = (struct usbdevfs_urb *)d->data;
	if (e->unplug_at_submit && e->unplug_after && e->bulk_bytes >= e->unplug_after &&
	    k->type == USBDEVFS_URB_TYPE_BULK && !(k->endpoint & 0x80)) {
		usbfs_unplug(e);
		return -ENODEV;
	}
	GError *err = NULL;
	UMockdevIoctlData *buf = NULL;
	if (k->buffer_length > 0) {
		buf = umockdev_ioctl_data_resolve(d, offsetof(struct usbdevfs_urb, buffer),
						  (gsize)k->buffer_length, &err);
		if (!buf) {
			g_clear_error(&err);
			return -EFAULT;
		}
	}
	struct urb *u = &e->urbs[e->nurbs++];
	memset(u, 0, sizeof(*u));
	u->data = g_object_ref(d);
	u->buf = buf;
	u->client = client;
	u->generation = e->generation;
	u->submitted_us = emu_now_us();
	k = urb_of(u);
	if (k->type == USBDEVFS_URB_TYPE_CONTROL) {
		if (k->buffer_length < 8) {
			finish(u, -EINVAL, 0);
			return 0;
		}
		int r = chip_control(&e->chip, buf->data, buf->data + 8);
		finish(u, r < 0 ? -EPIPE : 0, r < 0 ? 0 : r);
		return 0;
	}
	if (k->type != USBDEVFS_URB_TYPE_BULK || chan_of(e, k->endpoint) < 0) {
		e->nurbs--;
		g_object_unref(u->data);
		return -EINVAL;
	}
	pump(e);
	return 0;
}

static int reap(struct emu *e, UMockdevIoctlClient *client, UMockdevIoctlData *arg,
		int stale)
{
	pump(e);
	for (int i = 0; i < e->nurbs; i++) {
		struct urb *u = &e->urbs[i];
		if (!u->complete || u->client != client)
			continue;
		umockdev_ioctl_data_set_ptr(arg, 0, u->data);
		drop(e, i);
		return 0;
	}
	return e->unplugged || stale ? -ENODEV : -EAGAIN;
}

static int discard(struct emu *e, UMockdevIoctlData *arg)
{
	unsigned long addr = *(unsigned long *)arg->data;
	for (int i = 0; i < e->nurbs; i++)
		if (e->urbs[i].data->client_addr == addr && !e->urbs[i].complete) {
			finish(&e->urbs[i], -ENOENT, 0);
			return 0;
		}
	return -EINVAL;
}

static struct chan *iface(struct emu *e, unsigned n)
{
	return n < (e->chip.ft232h ? 1u : 2u) ? &e->chip.ch[n] : NULL;
}

static int claim(struct emu *e, UMockdevIoctlClient *client, unsigned n)
{
	struct chan *ch = iface(e, n);
	if (!ch)
		return -ENOENT;
	if (ch->kernel_driver)
		return -EBUSY;
	UMockdevIoctlClient *o = ch->claimed_by;
	if (o && o != client && umockdev_ioctl_client_get_connected(o))
		return -EBUSY;
	ch->claimed_by = client;
	return 0;
}

static int request(struct emu *e, UMockdevIoctlClient *client, unsigned long req,
		   UMockdevIoctlData *arg, int stale)
{
	GError *err = NULL;
	UMockdevIoctlData *d = NULL;
	size_t size = _IOC_SIZE(req);
	if (size) {
		d = umockdev_ioctl_data_resolve(arg, 0, size, &err);
		if (!d) {
			g_clear_error(&err);
			return -EFAULT;
		}
	}
	if ((e->unplugged || stale) && req != USBDEVFS_REAPURBNDELAY &&
	    req != USBDEVFS_REAPURB)
		return -ENODEV;
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES:
		*(uint32_t *)d->data = USBDEVFS_CAP_BULK_CONTINUATION |
				       USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
				       USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
		return 0;
	case USBDEVFS_GET_SPEED:
		return 3; /* USB_SPEED_HIGH */
	case USBDEVFS_GETDRIVER: {
		struct usbdevfs_getdriver *g = (void *)d->data;
		struct chan *ch = iface(e, g->interface);
		if (!ch || !ch->kernel_driver)
			return -ENODATA;
		snprintf(g->driver, sizeof(g->driver), "ftdi_sio");
		return 0;
	}
	case USBDEVFS_IOCTL: {
		struct usbdevfs_ioctl *c = (void *)d->data;
		struct chan *ch = iface(e, (unsigned)c->ifno);
		if (!ch)
			return -EINVAL;
		if (c->ioctl_code == (int)USBDEVFS_DISCONNECT) {
			if (!ch->kernel_driver)
				return -ENODATA;
			ch->kernel_driver = 0;
			return 0;
		}
		if (c->ioctl_code == (int)USBDEVFS_CONNECT) {
			UMockdevIoctlClient *o = ch->claimed_by;
			if (o && umockdev_ioctl_client_get_connected(o))
				return -EBUSY;
			ch->kernel_driver = 1;
			return 0;
		}
		return -ENOTTY;
	}
	case USBDEVFS_DISCONNECT_CLAIM: {
		struct usbdevfs_disconnect_claim *dc = (void *)d->data;
		struct chan *ch = iface(e, dc->interface);
		if (!ch)
			return -ENOENT;
		ch->kernel_driver = 0;
		return claim(e, client, dc->interface);
	}
	case USBDEVFS_CLAIMINTERFACE:
		return claim(e, client, *(unsigned *)d->data);
	case USBDEVFS_RELEASEINTERFACE: {
		struct chan *ch = iface(e, *(unsigned *)d->data);
		if (!ch || ch->claimed_by != client)
			return -EINVAL;
		ch->claimed_by = NULL;
		return 0;
	}
	case USBDEVFS_SETCONFIGURATION:
		e->chip.configuration = (int)*(unsigned *)d->data;
		return 0;
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESETEP:
	case USBDEVFS_RESET:
		return 0;
	case USBDEVFS_SUBMITURB:
		return submit(e, client, d);
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY:
		return reap(e, client, d, stale);
	case USBDEVFS_DISCARDURB:
		return discard(e, arg);
	}
	return -ENOTTY;
}

static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *client,
			 gpointer user)
{
	(void)h;
	struct emu *e = user;
	e->ioctls++;
	unsigned long req = umockdev_ioctl_client_get_request(client);
	/* A handle opened before a replug stays dead, as on Linux. */
	int gen = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(client), "generation"));
	if (!gen) {
		gen = e->generation + 1;
		g_object_set_data(G_OBJECT(client), "generation", GINT_TO_POINTER(gen));
	}
	int r = request(e, client, req, umockdev_ioctl_client_get_arg(client),
			gen != e->generation + 1);
	umockdev_ioctl_client_complete(client, r < 0 ? -1 : r, r < 0 ? -r : 0);
	return TRUE;
}

void usbfs_attach(struct emu *e, UMockdevIoctlBase *handler)
{
	g_signal_connect(handler, "handle-ioctl", G_CALLBACK(on_ioctl), e);
}
