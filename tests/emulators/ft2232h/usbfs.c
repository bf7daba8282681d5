/* The FT2232H's side of the USB-emulation core (usbemu.h): its bulk
 * endpoints are its channels' FIFOs (MPSSE on A, the UART on the board's
 * channel), its interfaces are claimed one client at a time, and the
 * kernel's ftdi_sio may hold them until the host detaches it. */
#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "clock.h"
#include "emu.h"

static struct emu *emu_of(struct usbemu *u)
{
	return u->chip;
}

static int chan_of(const struct emu *e, unsigned ep)
{
	switch (ep) {
	case 0x81:
	case 0x02:
		return 0;
	case 0x83:
	case 0x04:
		return e->chip.ft232h ? -1 : 1;
	}
	return -1;
}

static void describe(struct usbemu *u, struct usbemu_desc *d)
{
	struct emu *e = emu_of(u);
	d->vid = 0x0403;
	d->pid = chip_pid(&e->chip);
	d->bcd = chip_bcd(&e->chip);
	d->manufacturer = "FTDI";
	d->product = e->chip.description;
	d->serial = e->chip.serial;
	d->descriptors_len =
		chip_descriptors(&e->chip, d->descriptors, sizeof(d->descriptors));
}

static int control(struct usbemu *u, const uint8_t *setup, uint8_t *data)
{
	return chip_control(&emu_of(u)->chip, setup, data);
}

static int unplug_due(const struct emu *e)
{
	return e->unplug_after && e->bulk_bytes >= e->unplug_after;
}

static int bulk_ok(struct usbemu *u, unsigned ep)
{
	struct emu *e = emu_of(u);
	if (chan_of(e, ep) < 0)
		return -EINVAL;
	if (e->unplug_at_submit && unplug_due(e) && !(ep & 0x80)) {
		usbfs_unplug(e);
		return -ENODEV;
	}
	return 0;
}

static void count_bulk(struct emu *e, size_t n)
{
	e->bulk_bytes += n;
	if (unplug_due(e) && e->usb.plugged && !e->unplug_at_submit)
		usbfs_unplug(e);
}

/* What the board sent goes into its channel while the UART is on. */
static void poll(struct usbemu *u)
{
	struct emu *e = emu_of(u);
	struct chan *ch = &e->chip.ch[chip_uart_chan(&e->chip)];
	if (ch->bitmode == 0)
		uartlink_poll(&e->uart, ch);
}

static void bulk(struct usbemu *u, struct usbemu_urb *r)
{
	struct emu *e = emu_of(u);
	struct usbdevfs_urb *k = usbemu_urb(r);
	int c = chan_of(e, k->endpoint), uc = chip_uart_chan(&e->chip);
	struct chan *ch = &e->chip.ch[c];
	uint8_t *p = r->buf ? r->buf->data : NULL;
	size_t len = (size_t)k->buffer_length;
	if (!(k->endpoint & 0x80)) {
		while (r->done < len) {
			size_t took;
			if (c == 0 && ch->bitmode == 2)
				took = mpsse_feed(&e->mpsse, ch, p + r->done, len - r->done);
			else if (c == uc && ch->bitmode == 0)
				took = uartlink_write(&e->uart, ch, p + r->done,
						      len - r->done);
			else
				took = len - r->done;
			if (!took)
				break;
			r->done += took;
			count_bulk(e, took);
		}
		if (r->done == len)
			usbemu_finish(r, 0, (int)len);
		return;
	}
	/* IN: data as soon as there is some; with none, the chip still
	 * answers its status bytes when the latency timer runs out. */
	if (c == uc && ch->bitmode == 0)
		uartlink_poll(&e->uart, ch);
	if (ch->in_len || emu_now_us() - r->submitted_us >= ch->latency_ms * 1000.0) {
		size_t got = chan_pull(ch, p, len);
		count_bulk(e, got);
		usbemu_finish(r, 0, (int)got);
	}
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

static int request(struct usbemu *u, UMockdevIoctlClient *client, unsigned long req,
		   UMockdevIoctlData *d)
{
	struct emu *e = emu_of(u);
	switch (req) {
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
	}
	return -ENOTTY;
}

static const struct usbemu_ops ops = {
	.describe = describe,
	.control = control,
	.bulk_ok = bulk_ok,
	.poll = poll,
	.bulk = bulk,
	.request = request,
};

void usbfs_init(struct emu *e)
{
	usbemu_init(&e->usb, "ft2232h-emu", &ops, e);
}

int usbfs_plug(struct emu *e, int devnum)
{
	return usbemu_plug(&e->usb, devnum, devnum);
}

/* The replug: the chip comes back reset (as after power-on), its
 * channels' buffers empty, the kernel's driver bound again; the board
 * behind it kept its power unless the fault cut it. */
static gboolean replug(gpointer user)
{
	struct emu *e = user;
	for (int i = 0; i < 2; i++) {
		struct chan *ch = &e->chip.ch[i];
		ch->bitmode = 0;
		ch->latency_ms = 16;
		ch->baud = 9600;
		ch->in_len = ch->in_head = 0;
		ch->claimed_by = NULL;
		ch->kernel_driver = 1;
	}
	if (e->power_cycle) {
		ice40_creset(&e->fpga, 1, 0, 0, &e->flash);
		ice40_creset(&e->fpga, 0, 0, 0, &e->flash);
	}
	if (usbfs_plug(e, e->usb.devnum + 1) < 0)
		exit(125);
	return G_SOURCE_REMOVE;
}

void usbfs_unplug(struct emu *e)
{
	e->unplug_after = 0;
	if (!e->replug)
		uartlink_power(&e->uart, 0, NULL);
	usbemu_unplug(&e->usb);
	if (e->replug)
		g_timeout_add(e->back_ms ? e->back_ms : 300, replug, e);
}
