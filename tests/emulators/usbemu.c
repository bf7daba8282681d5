/* The USB-emulation core of the emulated boards (usbemu.h). libusb sees
 * the device node as always writable, so it reaps without blocking
 * (REAPURBNDELAY) and the core answers EAGAIN until an URB is done. */
#include "usbemu.h"

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "clock.h"

struct usbdevfs_urb *usbemu_urb(struct usbemu_urb *r)
{
	return (struct usbdevfs_urb *)r->data->data;
}

void usbemu_finish(struct usbemu_urb *r, int status, int actual)
{
	usbemu_urb(r)->status = status;
	usbemu_urb(r)->actual_length = actual;
	r->complete = 1;
}

/* Is an earlier URB of the same client on the same endpoint unfinished?
 * An endpoint's URBs complete in the order they were submitted, as the
 * kernel's do, so a later IN cannot take bytes that came after the
 * earlier one's, nor a later OUT go before the rest of an earlier one.
 * Per client: one that went away without reaping blocks no other. */
static int behind(struct usbemu *u, int i)
{
	struct usbemu_urb *r = &u->urbs[i];
	for (int j = 0; j < i; j++) {
		struct usbemu_urb *q = &u->urbs[j];
		if (!q->complete && q->client == r->client &&
		    usbemu_urb(q)->type == USBDEVFS_URB_TYPE_BULK &&
		    usbemu_urb(q)->endpoint == usbemu_urb(r)->endpoint)
			return 1;
	}
	return 0;
}

void usbemu_pump(struct usbemu *u)
{
	if (u->ops->poll)
		u->ops->poll(u);
	for (int i = 0; i < u->nurbs; i++) {
		struct usbemu_urb *r = &u->urbs[i];
		if (r->complete || usbemu_urb(r)->type != USBDEVFS_URB_TYPE_BULK)
			continue;
		if (r->generation != u->generation)
			usbemu_finish(r, -ENODEV, 0);
		else if (!behind(u, i))
			u->ops->bulk(u, r);
	}
}

static int submit(struct usbemu *u, UMockdevIoctlClient *client, UMockdevIoctlData *d)
{
	struct usbdevfs_urb *k = (struct usbdevfs_urb *)d->data;
	if (u->nurbs == USBEMU_MAX_URBS)
		return -ENOMEM;
	if (k->type == USBDEVFS_URB_TYPE_BULK) {
		int r = u->ops->bulk_ok(u, k->endpoint);
		if (r < 0)
			return r;
	} else if (k->type != USBDEVFS_URB_TYPE_CONTROL || k->buffer_length < 8) {
		return -EINVAL;
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
	struct usbemu_urb *r = &u->urbs[u->nurbs++];
	memset(r, 0, sizeof(*r));
	r->data = g_object_ref(d);
	r->buf = buf;
	r->client = client;
	r->generation = u->generation;
	r->submitted_us = emu_now_us();
	if (k->type == USBDEVFS_URB_TYPE_BULK) {
		usbemu_pump(u);
		return 0;
	}
	uint8_t *s = buf->data;
	unsigned wlength = (unsigned)s[6] | (unsigned)s[7] << 8;
	if (wlength + 8 > (unsigned)k->buffer_length) {
		usbemu_finish(r, -EINVAL, 0);
		return 0;
	}
	int n = u->ops->control(u, s, s + 8);
	usbemu_finish(r, n < 0 ? -EPIPE : 0, n < 0 ? 0 : n);
	return 0;
}

static int reap(struct usbemu *u, UMockdevIoctlClient *client, UMockdevIoctlData *arg,
		int stale)
{
	usbemu_pump(u);
	for (int i = 0; i < u->nurbs; i++) {
		struct usbemu_urb *r = &u->urbs[i];
		if (!r->complete || r->client != client)
			continue;
		umockdev_ioctl_data_set_ptr(arg, 0, r->data);
		g_object_unref(r->data);
		memmove(r, r + 1, (size_t)(u->nurbs - i - 1) * sizeof(*r));
		u->nurbs--;
		return 0;
	}
	return stale ? -ENODEV : -EAGAIN;
}

static int discard(struct usbemu *u, UMockdevIoctlData *arg)
{
	unsigned long addr = *(unsigned long *)arg->data;
	for (int i = 0; i < u->nurbs; i++)
		if (u->urbs[i].data->client_addr == addr && !u->urbs[i].complete) {
			usbemu_finish(&u->urbs[i], -ENOENT, 0);
			return 0;
		}
	return -EINVAL;
}

static int request(struct usbemu *u, UMockdevIoctlClient *client, unsigned long req,
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
	/* A dead handle may still reap what it submitted, as on Linux. */
	if (stale && req != USBDEVFS_REAPURBNDELAY && req != USBDEVFS_REAPURB)
		return -ENODEV;
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES:
		*(uint32_t *)d->data = USBDEVFS_CAP_BULK_CONTINUATION |
			USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
		return 0;
	case USBDEVFS_GET_SPEED:
		return 3; /* USB_SPEED_HIGH */
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESETEP:
	case USBDEVFS_RESET:
		return 0;
	case USBDEVFS_SUBMITURB:
		return submit(u, client, d);
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY:
		return reap(u, client, d, stale);
	case USBDEVFS_DISCARDURB:
		return discard(u, arg);
	}
	return u->ops->request(u, client, req, d);
}

static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *client, gpointer user)
{
	(void)h;
	struct usbemu *u = user;
	/* A handle opened before an unplug stays dead, as on Linux: each
	 * remembers the plug-in it first spoke to. */
	int gen = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(client), "generation"));
	if (!gen) {
		gen = u->generation + 1;
		g_object_set_data(G_OBJECT(client), "generation", GINT_TO_POINTER(gen));
	}
	int r = request(u, client, umockdev_ioctl_client_get_request(client),
			umockdev_ioctl_client_get_arg(client), gen != u->generation + 1);
	umockdev_ioctl_client_complete(client, r < 0 ? -1 : r, r < 0 ? -r : 0);
	return TRUE;
}

void usbemu_init(struct usbemu *u, const char *name, const struct usbemu_ops *ops, void *chip)
{
	memset(u, 0, sizeof(*u));
	u->name = name;
	u->ops = ops;
	u->chip = chip;
	u->tb = umockdev_testbed_new();
	u->handler = umockdev_ioctl_base_new();
	g_signal_connect(u->handler, "handle-ioctl", G_CALLBACK(on_ioctl), u);
}

/* The device in umockdev's record format: P the sysfs path, N the node, E
 * the uevent properties, A the sysfs attributes, H binary ones in hex. */
int usbemu_plug(struct usbemu *u, int devnum, int port)
{
	struct usbemu_desc d = {0};
	u->ops->describe(u, &d);
	snprintf(u->node, sizeof(u->node), "/dev/bus/usb/001/%03d", devnum);
	snprintf(u->sysdev, sizeof(u->sysdev), "/sys/devices/pci0000:00/usb1/1-%d", port);
	GString *rec = g_string_new(NULL);
	g_string_append_printf(rec,
			       "P: %s\nN: bus/usb/001/%03d\n"
			       "E: DEVNAME=%s\nE: DEVTYPE=usb_device\nE: SUBSYSTEM=usb\n"
			       "E: BUSNUM=001\nE: DEVNUM=%03d\nE: PRODUCT=%x/%x/%x\n"
			       "A: idVendor=%04x\nA: idProduct=%04x\nA: bcdDevice=%04x\n"
			       "A: busnum=1\nA: devnum=%d\nA: speed=480\nA: dev=189:%d\n"
			       "A: bConfigurationValue=1\nA: bNumConfigurations=1\n",
			       u->sysdev + 4, devnum, u->node, devnum, d.vid, d.pid, d.bcd,
			       d.vid, d.pid, d.bcd, devnum, devnum - 1);
	if (d.manufacturer)
		g_string_append_printf(rec, "A: manufacturer=%s\n", d.manufacturer);
	if (d.product)
		g_string_append_printf(rec, "A: product=%s\n", d.product);
	if (d.serial)
		g_string_append_printf(rec, "A: serial=%s\n", d.serial);
	g_string_append(rec, "H: descriptors=");
	for (size_t i = 0; i < d.descriptors_len; i++)
		g_string_append_printf(rec, "%02X", d.descriptors[i]);
	g_string_append(rec, "\n");
	GError *err = NULL;
	/* The handler before the node: a host that opens the node the moment
	 * it appears (hil polls for it) must find it answering, not a plain
	 * file whose ioctls fail. */
	int ok = umockdev_testbed_attach_ioctl(u->tb, u->node, u->handler, &err) &&
		umockdev_testbed_add_from_string(u->tb, rec->str, &err);
	g_string_free(rec, TRUE);
	if (!ok) {
		fprintf(stderr, "%s: %s\n", u->name, err->message);
		g_error_free(err);
		return -1;
	}
	u->devnum = devnum;
	u->plugged = 1;
	return 0;
}

void usbemu_unplug(struct usbemu *u)
{
	if (u->plugged) {
		umockdev_testbed_detach_ioctl(u->tb, u->node, NULL);
		umockdev_testbed_remove_device(u->tb, u->sysdev);
		u->plugged = 0;
	}
	u->generation++;
	for (int i = 0; i < u->nurbs; i++)
		if (!u->urbs[i].complete)
			usbemu_finish(&u->urbs[i], -ENODEV, 0);
}

struct run {
	GMainLoop *loop;
	int status;
};

static void child_done(GPid pid, gint status, gpointer user)
{
	struct run *r = user;
	r->status = status;
	g_spawn_close_pid(pid);
	g_main_loop_quit(r->loop);
}

int usbemu_run(struct usbemu *u, char **argv, GSpawnChildSetupFunc setup)
{
	/* The command runs with umockdev's preload, which sends its device
	 * accesses to the testbed; ASan would refuse to start with a library
	 * loaded before it. The emulator's own children (the board models)
	 * must not talk to the testbed, so the preload is for the command
	 * alone. */
	const char *pre = getenv("LD_PRELOAD");
	char *preload = g_strdup_printf("libumockdev-preload.so.0%s%s", pre && *pre ? ":" : "",
					pre ? pre : "");
	char *was = pre ? g_strdup(pre) : NULL;
	setenv("LD_PRELOAD", preload, 1);
	const char *asan = getenv("ASAN_OPTIONS");
	char *asan2 = g_strdup_printf("%s%sverify_asan_link_order=0", asan ? asan : "",
				      asan && *asan ? ":" : "");
	setenv("ASAN_OPTIONS", asan2, 1);
	GPid pid;
	GError *err = NULL;
	int started = g_spawn_async(NULL, argv, NULL,
				    G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
					    G_SPAWN_CHILD_INHERITS_STDIN,
				    setup, NULL, &pid, &err);
	if (was)
		setenv("LD_PRELOAD", was, 1);
	else
		unsetenv("LD_PRELOAD");
	g_free(was);
	g_free(preload);
	g_free(asan2);
	if (!started) {
		fprintf(stderr, "%s: %s: %s\n", u->name, argv[0], err->message);
		g_error_free(err);
		return -1;
	}
	struct run r = {g_main_loop_new(NULL, FALSE), 0};
	g_child_watch_add(pid, child_done, &r);
	g_main_loop_run(r.loop);
	g_main_loop_unref(r.loop);
	return WIFEXITED(r.status) ? WEXITSTATUS(r.status) : 128 + WTERMSIG(r.status);
}

void usbemu_free(struct usbemu *u)
{
	if (u->plugged)
		umockdev_testbed_detach_ioctl(u->tb, u->node, NULL);
	for (int i = 0; i < u->nurbs; i++)
		g_object_unref(u->urbs[i].data);
	u->nurbs = 0;
	g_object_unref(u->handler);
	g_object_unref(u->tb);
}
