#include "hil/usbdev.h"

#include <ftdi.h>
#include <libusb.h>
#include <stdio.h>
#include <string.h>

#include "util/errfmt.h"

const char *hil_usb_access_help(void)
{
	return "install hil's udev rules "
	       "(sudo cp boards/60-hil.rules /etc/udev/rules.d/ && sudo udevadm "
	       "control --reload && sudo udevadm trigger), then replug the board; "
	       "they give the logged-in user access (uaccess), and members of "
	       "group plugdev where there is no login session";
}

static int is_candidate(unsigned vid, unsigned pid, const struct hil_board *bs, int nb)
{
	if (vid == 0x0403 &&
	    (pid == 0x6001 || pid == 0x6010 || pid == 0x6011 || pid == 0x6014 ||
	     pid == 0x6015))
		return 1;
	for (int i = 0; i < nb; i++)
		if ((bs[i].vid == vid && bs[i].pid == pid) ||
		    (bs[i].boot_vid && bs[i].boot_vid == vid && bs[i].boot_pid == pid))
			return 1;
	return 0;
}

static void strings(libusb_device_handle *h, const struct libusb_device_descriptor *dd,
		    struct hil_usbdev *d)
{
	if (dd->iManufacturer)
		libusb_get_string_descriptor_ascii(h, dd->iManufacturer,
						   (unsigned char *)d->manufacturer,
						   sizeof(d->manufacturer));
	if (dd->iProduct)
		libusb_get_string_descriptor_ascii(
			h, dd->iProduct, (unsigned char *)d->product, sizeof(d->product));
	if (dd->iSerialNumber)
		libusb_get_string_descriptor_ascii(
			h, dd->iSerialNumber, (unsigned char *)d->serial, sizeof(d->serial));
}

/* Fills d from dev; returns 0, or LIBUSB_ERROR_ACCESS when the node may
 * not be opened (d then has only IDs and address). */
static int describe(libusb_device *dev, struct hil_usbdev *d)
{
	struct libusb_device_descriptor dd;
	memset(d, 0, sizeof(*d));
	if (libusb_get_device_descriptor(dev, &dd) != 0)
		return -1;
	d->vid = dd.idVendor;
	d->pid = dd.idProduct;
	d->bus = libusb_get_bus_number(dev);
	d->addr = libusb_get_device_address(dev);
	libusb_device_handle *h;
	int r = libusb_open(dev, &h);
	if (r == LIBUSB_ERROR_ACCESS) {
		d->no_access = 1;
		return r;
	}
	if (r == 0) {
		strings(h, &dd, d);
		libusb_close(h);
	}
	return 0;
}

int hil_usb_list(struct hil_usbdev *out, int max, char *err, size_t errlen)
{
	struct hil_board bs[32];
	int nb = hil_board_all(bs, 32);
	libusb_context *ctx;
	if (libusb_init(&ctx) != 0)
		return hil_fail(err, errlen, "libusb cannot start (is /dev/bus/usb there?)");
	libusb_device **list;
	ssize_t n = libusb_get_device_list(ctx, &list);
	int k = 0;
	for (ssize_t i = 0; i < n && k < max; i++) {
		struct libusb_device_descriptor dd;
		if (libusb_get_device_descriptor(list[i], &dd) != 0 ||
		    !is_candidate(dd.idVendor, dd.idProduct, bs, nb))
			continue;
		describe(list[i], &out[k]);
		k++;
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	libusb_exit(ctx);
	return k;
}

void hil_usb_boards_of(const struct hil_usbdev *d, char *out, size_t n)
{
	struct hil_board bs[32];
	int nb = hil_board_all(bs, 32);
	out[0] = '\0';
	for (int i = 0; i < nb; i++) {
		int boot =
			bs[i].boot_vid && bs[i].boot_vid == d->vid && bs[i].boot_pid == d->pid;
		if ((bs[i].vid == d->vid && bs[i].pid == d->pid) || boot) {
			size_t o = strlen(out);
			snprintf(out + o, n - o, "%s%s%s", o ? "," : "", bs[i].name,
				 boot ? " (no firmware yet)" : "");
		}
	}
}

static int selected(const struct hil_usbsel *sel, const struct hil_board *b,
		    const struct hil_usbdev *d)
{
	if (sel && sel->serial && *sel->serial)
		return !strcmp(sel->serial, d->serial);
	if (sel && sel->bus > 0)
		return d->bus == sel->bus && d->addr == sel->addr;
	return d->vid == b->vid && d->pid == b->pid;
}

int hil_usb_among(const struct hil_board *b, const struct hil_usbsel *sel,
		  const struct hil_usbdev *devs, int n)
{
	for (int i = 0; i < n; i++)
		if (selected(sel, b, &devs[i]) ||
		    (devs[i].no_access && devs[i].vid == b->vid && devs[i].pid == b->pid) ||
		    (b->boot_vid && devs[i].vid == b->boot_vid && devs[i].pid == b->boot_pid))
			return 1;
	return 0;
}

static void describe_sel(const struct hil_usbsel *sel, const struct hil_board *b, char *out,
			 size_t n)
{
	if (sel && sel->serial && *sel->serial)
		snprintf(out, n, "with serial %s", sel->serial);
	else if (sel && sel->bus > 0)
		snprintf(out, n, "at bus %d device %d", sel->bus, sel->addr);
	else
		snprintf(out, n, "with board %s's USB ID %04x:%04x", b->name, b->vid, b->pid);
}

struct ftdi_context *hil_usb_open(const struct hil_board *b, const struct hil_usbsel *sel,
				  int iface, char *err, size_t errlen)
{
	struct ftdi_context *f = ftdi_new();
	if (!f) {
		hil_fail(err, errlen, "libftdi cannot start (out of memory?)");
		return NULL;
	}
	f->module_detach_mode = AUTO_DETACH_REATACH_SIO_MODULE;
	if (ftdi_set_interface(f,
			       iface == 0           ? INTERFACE_A
				       : iface == 1 ? INTERFACE_B
				       : iface == 2 ? INTERFACE_C
						    : INTERFACE_D) < 0) {
		hil_fail(err, errlen, "interface %d: %s", iface, ftdi_get_error_string(f));
		ftdi_free(f);
		return NULL;
	}
	struct hil_board bs[32];
	int nb = hil_board_all(bs, 32);
	libusb_device **list;
	ssize_t n = libusb_get_device_list(f->usb_ctx, &list);
	libusb_device *found = NULL;
	int denied = 0;
	char what[128];
	describe_sel(sel, b, what, sizeof(what));
	for (ssize_t i = 0; i < n && !found; i++) {
		struct hil_usbdev d;
		struct libusb_device_descriptor dd;
		if (libusb_get_device_descriptor(list[i], &dd) != 0 ||
		    !is_candidate(dd.idVendor, dd.idProduct, bs, nb))
			continue;
		/* A device we may not open could be the one with that
		 * serial number: we cannot read it to know. */
		if (describe(list[i], &d) == LIBUSB_ERROR_ACCESS) {
			denied |= (sel && sel->serial && *sel->serial) || selected(sel, b, &d);
			continue;
		}
		if (selected(sel, b, &d))
			found = list[i];
	}
	int r = found ? ftdi_usb_open_dev(f, found) : 0;
	if (n >= 0)
		libusb_free_device_list(list, 1);
	if (!found) {
		if (denied)
			hil_fail(err, errlen,
				 "no USB device %s that this user may open, "
				 "and at least one this user may not: %s",
				 what, hil_usb_access_help());
		else
			hil_fail(err, errlen,
				 "no USB device %s is attached (hil list "
				 "shows what is)",
				 what);
		ftdi_free(f);
		return NULL;
	}
	if (r < 0) {
		hil_fail(err, errlen,
			 "cannot open the USB device %s, interface %c: %s "
			 "(is another program using it?)",
			 what, 'A' + iface, ftdi_get_error_string(f));
		ftdi_free(f);
		return NULL;
	}
	return f;
}

void hil_usb_close(struct ftdi_context *f)
{
	if (!f)
		return;
	ftdi_usb_close(f);
	ftdi_free(f);
}
