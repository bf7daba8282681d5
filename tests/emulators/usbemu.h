/* The USB-emulation core both emulated boards (ft2232h/, fx2/) are built
 * on: one device presented to a command through umockdev at the USB
 * device-file level, so the command's real libusb talks to it as to a
 * plugged-in board. The core owns the testbed, the device's sysfs record
 * and node, the usbdevfs ioctls libusb issues on Linux (URBs submitted,
 * completed as the chip says, reaped in the order they complete), the
 * unplug (transfers in flight fail, handles opened before stay dead) and
 * the command run under umockdev's preload. The chip (struct usbemu_ops)
 * says what it is, answers control transfers and moves its bulk bytes. */
#ifndef EMU_USBEMU_H
#define EMU_USBEMU_H

#include <stddef.h>
#include <stdint.h>
#include <umockdev.h>

#define USBEMU_MAX_URBS 256

struct usbdevfs_urb;

struct usbemu_urb {
	UMockdevIoctlData *data; /* the usbdevfs_urb, its buffer resolved */
	UMockdevIoctlData *buf;
	UMockdevIoctlClient *client;
	int generation;      /* the plug-in it was submitted to */
	double submitted_us; /* on the emulator's clock (emu_now_us) */
	size_t done;         /* OUT: bytes the chip took so far */
	int complete;        /* ready to reap, with status and actual_length set */
};

/* What the device shows in sysfs as it is plugged in. */
struct usbemu_desc {
	unsigned vid, pid, bcd;
	const char *manufacturer, *product, *serial; /* NULL: no such attribute */
	uint8_t descriptors[256];                    /* device, then the whole configuration */
	size_t descriptors_len;
};

struct usbemu;

struct usbemu_ops {
	void (*describe)(struct usbemu *u, struct usbemu_desc *d);
	/* A control transfer: the 8 setup bytes, then wLength bytes of data
	 * (taken for OUT, filled for IN). Returns the bytes of the data stage,
	 * or -1 to stall. */
	int (*control)(struct usbemu *u, const uint8_t *setup, uint8_t *data);
	/* May a bulk URB go to endpoint ep now? 0, or the negative errno the
	 * submit fails with. */
	int (*bulk_ok)(struct usbemu *u, unsigned ep);
	/* Called before the core moves bytes, to let the chip catch up. NULL:
	 * nothing to do. */
	void (*poll)(struct usbemu *u);
	/* Moves bytes of one pending bulk URB of the present plug-in; calls
	 * usbemu_finish when it is done. */
	void (*bulk)(struct usbemu *u, struct usbemu_urb *r);
	/* The usbdevfs requests the core leaves to the chip (interfaces, the
	 * kernel's driver, the configuration); d is the argument, resolved.
	 * Returns as an ioctl does: a value, or a negative errno. */
	int (*request)(struct usbemu *u, UMockdevIoctlClient *client, unsigned long req,
		       UMockdevIoctlData *d);
};

struct usbemu {
	const char *name; /* "ft2232h-emu": the prefix of its messages */
	const struct usbemu_ops *ops;
	void *chip;
	UMockdevTestbed *tb;
	UMockdevIoctlBase *handler;
	char node[64], sysdev[96];
	int devnum, plugged;
	/* one more at every unplug: URBs and handles of an older one are dead */
	int generation;
	struct usbemu_urb urbs[USBEMU_MAX_URBS];
	int nurbs;
};

/* A testbed with no device yet. */
void usbemu_init(struct usbemu *u, const char *name, const struct usbemu_ops *ops, void *chip);
/* Plugs the device in as devnum on bus 1, at USB port 1-port. Returns 0, or
 * -1 with a message on stderr. */
int usbemu_plug(struct usbemu *u, int devnum, int port);
/* The device leaves the bus now: its node goes, transfers in flight end
 * with ENODEV, handles opened on it stay dead. */
void usbemu_unplug(struct usbemu *u);
/* Runs argv with the testbed's preload until it exits, serving the device
 * meanwhile (and whatever the caller added to GLib's main context). setup,
 * if not NULL, runs in the child before the exec. Returns the command's
 * exit status (128 + the signal that killed it), or -1 if it did not
 * start (with a message on stderr). */
int usbemu_run(struct usbemu *u, char **argv, GSpawnChildSetupFunc setup);
void usbemu_free(struct usbemu *u);

struct usbdevfs_urb *usbemu_urb(struct usbemu_urb *r);
void usbemu_finish(struct usbemu_urb *r, int status, int actual);
/* Has each pending bulk URB move what it can (ops->poll, then ops->bulk). */
void usbemu_pump(struct usbemu *u);

#endif
