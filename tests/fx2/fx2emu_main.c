/* hil-fx2-emu: presents an emulated Glasgow (an FX2LP and an iCE40) to a
 * command through umockdev at the USB device-file level, so that the
 * command's real libusb talks to it as to a plugged-in board. The chip
 * starts as the FX2's boot ROM (04b4:8613); when the host has loaded hil's
 * firmware (--firmware, the image it must match) and lets the CPU run, it
 * leaves the bus and comes back as that firmware (1209:0001).
 *
 *   hil-fx2-emu [--firmware IHX]... [--devnum N] [--fault cdone-high] -- COMMAND [ARGS]
 *
 * With --model, the configured FPGA is that fx2:BOARD:DIR model
 * (boardmodel.c) and the bulk endpoints carry its bytes: EP2 OUT into it,
 * EP6 IN out of it. Exits with the command's status (125 if the emulator
 * failed) and prints one line of counts on stderr: "fx2-emu: exit N; ...". */
#include <errno.h>
#include <getopt.h>
#include <linux/usbdevice_fs.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <umockdev.h>
#include <unistd.h>

#include "boardmodel.h"
#include "fx2chip.h"
#include "hilfx2.h"
#include "pins.h"
#include "pins_model.h"

#define MAX_URBS 64

struct urb {
	UMockdevIoctlData *data, *buf;
	UMockdevIoctlClient *client;
	int generation;
	size_t done;  /* OUT: bytes the board took so far */
	int complete; /* ready to reap */
};

static struct fx2chip chip;
static struct hil_ihex images[FX2_IMAGES];
static UMockdevTestbed *tb;
static UMockdevIoctlBase *handler;
static char node[64], sysdev[96];
static int devnum_now, generation, plugged;
static struct urb urbs[MAX_URBS];
static int nurbs;
static struct boardmodel model;

static void usage(void)
{
	fprintf(stderr,
		"usage: hil-fx2-emu [OPTIONS] -- COMMAND [ARGS]\n"
		"  --firmware IHX   an image the chip recognises as hil's firmware\n"
		"                   (build/firmware/glasgow-revc/hil-fx2.ihx), up to\n"
		"                   two builds; any other image runs as code that\n"
		"                   never enumerates\n"
		"  --devnum N       its first device number on bus 1 (7)\n"
		"  --model PATH     the FPGA, once configured: a hil-sim built for\n"
		"                   fx2:glasgow-revc:DIR, behind the bulk endpoints\n"
		"  --fault F        cdone-high: CDONE reads high whatever the FPGA does\n");
	exit(125);
}

/* The chip as a umockdev record: sysfs entry, node, descriptors. */
static int plug(int devnum)
{
	uint8_t desc[128];
	size_t dl = fx2chip_descriptors(&chip, desc, sizeof(desc));
	snprintf(node, sizeof(node), "/dev/bus/usb/001/%03d", devnum);
	snprintf(sysdev, sizeof(sysdev), "/sys/devices/pci0000:00/usb1/1-%d", devnum);
	GString *rec = g_string_new(NULL);
	g_string_append_printf(rec,
		"P: %s\nN: bus/usb/001/%03d\n"
		"E: DEVNAME=%s\nE: DEVTYPE=usb_device\nE: SUBSYSTEM=usb\n"
		"E: BUSNUM=001\nE: DEVNUM=%03d\nE: PRODUCT=%x/%x/%x\n"
		"A: idVendor=%04x\nA: idProduct=%04x\nA: bcdDevice=%04x\n"
		"A: busnum=1\nA: devnum=%d\nA: speed=480\nA: dev=189:%d\n"
		"A: bConfigurationValue=1\nA: bNumConfigurations=1\nH: descriptors=",
		sysdev + 4, devnum, node, devnum, fx2chip_vid(&chip), fx2chip_pid(&chip),
		fx2chip_bcd(&chip), fx2chip_vid(&chip), fx2chip_pid(&chip),
		fx2chip_bcd(&chip), devnum, devnum - 1);
	for (size_t i = 0; i < dl && i < sizeof(desc); i++)
		g_string_append_printf(rec, "%02X", desc[i]);
	g_string_append(rec, "\n");
	GError *err = NULL;
	int ok = umockdev_testbed_add_from_string(tb, rec->str, &err) &&
		 umockdev_testbed_attach_ioctl(tb, node, handler, &err);
	g_string_free(rec, TRUE);
	if (!ok) {
		fprintf(stderr, "fx2-emu: %s\n", err->message);
		g_error_free(err);
		return -1;
	}
	devnum_now = devnum;
	plugged = 1;
	return 0;
}

/* The firmware's re-enumeration: off the bus, and back as itself. */
static gboolean renumerate(gpointer unused)
{
	(void)unused;
	if (plugged) {
		umockdev_testbed_detach_ioctl(tb, node, NULL);
		umockdev_testbed_remove_device(tb, sysdev);
		plugged = 0;
	}
	generation++;
	if (plug(devnum_now + 1) < 0)
		exit(125);
	return G_SOURCE_REMOVE;
}

static struct usbdevfs_urb *urb_of(struct urb *u)
{
	return (struct usbdevfs_urb *)u->data->data;
}

static void finish(struct urb *u, int status, int actual)
{
	urb_of(u)->status = status;
	urb_of(u)->actual_length = actual;
	u->complete = 1;
}

/* Moves bytes between the bulk transfers and the board: EP2 OUT as far as
 * the board takes them, EP6 IN with whatever it has sent (a transfer ends
 * at a short packet, as the PHY's PKTEND makes them). */
static void pump(void)
{
	for (int i = 0; i < nurbs; i++) {
		struct urb *u = &urbs[i];
		struct usbdevfs_urb *k = urb_of(u);
		if (u->complete || k->type != USBDEVFS_URB_TYPE_BULK)
			continue;
		if (u->generation != generation) {
			finish(u, -ENODEV, 0);
			continue;
		}
		if (model.fd < 0)
			continue; /* no FPGA behind the FIFOs: the FX2 NAKs */
		uint8_t *p = u->buf->data;
		size_t len = (size_t)k->buffer_length;
		if (!(k->endpoint & 0x80)) {
			while (u->done < len) {
				ssize_t n = write(model.fd, p + u->done, len - u->done);
				if (n <= 0)
					break;
				u->done += (size_t)n;
				model.to_board += (size_t)n;
			}
			if (u->done == len)
				finish(u, 0, (int)len);
			continue;
		}
		ssize_t n = read(model.fd, p, len);
		if (n > 0) {
			model.from_board += (size_t)n;
			finish(u, 0, (int)n);
		}
	}
}

static int submit(UMockdevIoctlClient *client, UMockdevIoctlData *d)
{
	struct usbdevfs_urb *k = (struct usbdevfs_urb *)d->data;
	if (nurbs == MAX_URBS)
		return -ENOMEM;
	int bulk = k->type == USBDEVFS_URB_TYPE_BULK &&
		   (k->endpoint == HILFX2_EP_OUT || k->endpoint == HILFX2_EP_IN);
	if (bulk && chip.state != FX2_FIRMWARE)
		return -ENOENT; /* the boot ROM has no such endpoints */
	if (!bulk && (k->type != USBDEVFS_URB_TYPE_CONTROL || k->buffer_length < 8))
		return -EINVAL;
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
	struct urb *u = &urbs[nurbs++];
	memset(u, 0, sizeof(*u));
	u->data = g_object_ref(d);
	u->buf = buf;
	u->client = client;
	u->generation = generation;
	if (bulk) {
		pump();
		return 0;
	}
	uint8_t *s = buf->data;
	unsigned wlength = (unsigned)s[6] | (unsigned)s[7] << 8;
	if (wlength + 8 > (unsigned)k->buffer_length) {
		finish(u, -EINVAL, 0);
		return 0;
	}
	unsigned long resets = chip.resets;
	int r = fx2chip_control(&chip, s, s + 8);
	finish(u, r < 0 ? -EPIPE : 0, r < 0 ? 0 : r);
	/* FIFORESET drops what sat in EP6 for the host. */
	if (chip.resets != resets && model.fd >= 0) {
		uint8_t junk[4096];
		while (read(model.fd, junk, sizeof(junk)) > 0)
			;
	}
	if (chip.renumerate) {
		chip.renumerate = 0;
		g_timeout_add(50, renumerate, NULL);
	}
	return 0;
}

static int reap(UMockdevIoctlClient *client, UMockdevIoctlData *arg, int stale)
{
	pump();
	for (int i = 0; i < nurbs; i++) {
		if (urbs[i].client != client || !urbs[i].complete)
			continue;
		umockdev_ioctl_data_set_ptr(arg, 0, urbs[i].data);
		g_object_unref(urbs[i].data);
		memmove(&urbs[i], &urbs[i + 1], (size_t)(nurbs - i - 1) * sizeof(urbs[0]));
		nurbs--;
		return 0;
	}
	return stale ? -ENODEV : -EAGAIN;
}

static int discard(UMockdevIoctlData *arg)
{
	unsigned long addr = *(unsigned long *)arg->data;
	for (int i = 0; i < nurbs; i++)
		if (urbs[i].data->client_addr == addr && !urbs[i].complete) {
			finish(&urbs[i], -ENOENT, 0);
			return 0;
		}
	return -EINVAL;
}

static int request(UMockdevIoctlClient *client, unsigned long req,
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
	if (stale && req != USBDEVFS_REAPURBNDELAY && req != USBDEVFS_REAPURB)
		return -ENODEV;
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES:
		*(uint32_t *)d->data = USBDEVFS_CAP_BULK_CONTINUATION |
				       USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
				       USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
		return 0;
	case USBDEVFS_GET_SPEED:
		return 3; /* USB_SPEED_HIGH */
	case USBDEVFS_GETDRIVER:
		return -ENODATA;
	case USBDEVFS_IOCTL:
		return -ENODATA;
	case USBDEVFS_CLAIMINTERFACE:
	case USBDEVFS_RELEASEINTERFACE:
		return *(unsigned *)d->data == 0 ? 0 : -ENOENT;
	case USBDEVFS_SETCONFIGURATION:
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESETEP:
	case USBDEVFS_RESET:
		return 0;
	case USBDEVFS_SUBMITURB:
		return submit(client, d);
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY:
		return reap(client, d, stale);
	case USBDEVFS_DISCARDURB:
		return discard(arg);
	}
	return -ENOTTY;
}

static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *client, gpointer user)
{
	(void)h;
	(void)user;
	/* A handle opened before a re-enumeration stays dead, as on Linux. */
	int gen = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(client), "generation"));
	if (!gen) {
		gen = generation + 1;
		g_object_set_data(G_OBJECT(client), "generation", GINT_TO_POINTER(gen));
	}
	int r = request(client, umockdev_ioctl_client_get_request(client),
			umockdev_ioctl_client_get_arg(client), gen != generation + 1);
	umockdev_ioctl_client_complete(client, r < 0 ? -1 : r, r < 0 ? -r : 0);
	return TRUE;
}

static void on_config(void *user, int done)
{
	(void)user;
	boardmodel_power(&model, done);
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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"firmware", 1, 0, 'w'}, {"devnum", 1, 0, 'n'},
		{"fault", 1, 0, 'f'}, {"model", 1, 0, 'm'}, {0, 0, 0, 0},
	};
	int devnum = 7, c;
	char err[256];
	const char *model_path = NULL;
	pins_model_reset();
	fx2chip_init(&chip);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (chip.nfirmware == FX2_IMAGES)
				usage();
			if (hil_ihex_load(&images[chip.nfirmware], optarg, err, sizeof(err)) < 0) {
				fprintf(stderr, "fx2-emu: %s\n", err);
				return 125;
			}
			chip.firmware[chip.nfirmware] = &images[chip.nfirmware];
			chip.nfirmware++;
			break;
		case 'n': devnum = atoi(optarg); break;
		case 'm': model_path = optarg; break;
		case 'f':
			if (strcmp(optarg, "cdone-high"))
				usage();
			pins_model.cdone_stuck_high = 1;
			break;
		default: usage();
		}
	}
	if (optind >= argc || devnum < 1 || devnum > 100)
		usage();
	boardmodel_init(&model, model_path);
	pins_model.fpga.on_config = on_config;
	/* Power-on: CRESET is pulled down, the FPGA waits unconfigured. */
	pins_creset(0);

	tb = umockdev_testbed_new();
	handler = umockdev_ioctl_base_new();
	g_signal_connect(handler, "handle-ioctl", G_CALLBACK(on_ioctl), NULL);
	if (plug(devnum) < 0)
		return 125;

	const char *pre = getenv("LD_PRELOAD");
	char *preload = g_strdup_printf("libumockdev-preload.so.0%s%s", pre && *pre ? ":" : "",
					pre ? pre : "");
	setenv("LD_PRELOAD", preload, 1);
	const char *asan = getenv("ASAN_OPTIONS");
	char *asan2 = g_strdup_printf("%s%sverify_asan_link_order=0", asan ? asan : "",
				      asan && *asan ? ":" : "");
	setenv("ASAN_OPTIONS", asan2, 1);
	GPid pid;
	GError *gerr = NULL;
	if (!g_spawn_async(NULL, argv + optind, NULL,
			   G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
				   G_SPAWN_CHILD_INHERITS_STDIN,
			   NULL, NULL, &pid, &gerr)) {
		fprintf(stderr, "fx2-emu: %s: %s\n", argv[optind], gerr->message);
		return 125;
	}
	unsetenv("LD_PRELOAD");
	struct run r = {g_main_loop_new(NULL, FALSE), 0};
	g_child_watch_add(pid, child_done, &r);
	g_main_loop_run(r.loop);

	int rc = WIFEXITED(r.status) ? WEXITSTATUS(r.status) : 128 + WTERMSIG(r.status);
	static const char *states[] = {"boot ROM", "hil firmware", "an unknown image"};
	fprintf(stderr,
		"fx2-emu: exit %d; running %s; loads %lu, cpu starts %lu, "
		"re-enumerations %lu; configurations %lu, fifo resets %lu; "
		"fpga: cdone %d%s%s; bulk: %lu bytes to the board, %lu from it\n",
		rc, states[chip.state], chip.loads, chip.runs, chip.renumerations,
		chip.configs, chip.resets, pins_model.fpga.cdone,
		pins_model.fpga.why[0] ? ", " : "", pins_model.fpga.why,
		model.to_board, model.from_board);
	boardmodel_power(&model, 0);
	if (plugged)
		umockdev_testbed_detach_ioctl(tb, node, NULL);
	g_object_unref(handler);
	g_object_unref(tb);
	g_free(preload);
	g_free(asan2);
	return rc;
}
