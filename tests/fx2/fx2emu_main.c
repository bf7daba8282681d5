/* hil-fx2-emu: presents an emulated Glasgow (an FX2LP and an iCE40) to a
 * command through umockdev at the USB device-file level, so that the
 * command's real libusb talks to it as to a plugged-in board. The chip
 * starts as the FX2's boot ROM (04b4:8613); when the host has loaded hil's
 * firmware (--firmware, the image it must match) and lets the CPU run, it
 * leaves the bus and comes back as that firmware (1209:0001).
 *
 *   hil-fx2-emu [--firmware IHX]... [--devnum N] [--fault F] -- COMMAND [ARGS]
 *
 * It stays plugged in at one USB port (1-1) whatever its device number.
 * The unplug faults take it off the bus after some bulk bytes: for good,
 * or back 300 ms later with the board powered all along (hil's firmware
 * runs on, the FPGA keeps its DUT and the model its state), or back as a
 * board that lost power (the boot ROM, an unconfigured FPGA).
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
#define PORT 1

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

/* An unplug after this many bulk bytes, both ways (0: none). */
static struct {
	unsigned long after;
	int replug;    /* back 300 ms later */
	int power_cut; /* and the board lost power meanwhile */
	int at_submit; /* seen first as a refused OUT submit */
} fault;
static unsigned long unplugs;

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
		"  --fault F        cdone-high: CDONE reads high whatever the FPGA does\n"
		"                   | unplug=BYTES: off the bus for good after BYTES\n"
		"                   bulk bytes (both ways)\n"
		"                   | replug=BYTES: off, and back 300 ms later under a\n"
		"                   new device number, the board powered all along\n"
		"                   | powercycle=BYTES: as replug, but the board lost\n"
		"                   power: the boot ROM again, the FPGA unconfigured\n"
		"                   | replug-at-submit=BYTES: as replug, seen first as\n"
		"                   a refused OUT submit\n");
	exit(125);
}

static int parse_fault(const char *f)
{
	static const struct {
		const char *name;
		int replug, power_cut, at_submit;
	} kinds[] = {
		{"unplug=", 0, 0, 0},
		{"replug=", 1, 0, 0},
		{"powercycle=", 1, 1, 0},
		{"replug-at-submit=", 1, 0, 1},
	};
	if (!strcmp(f, "cdone-high")) {
		pins_model.cdone_stuck_high = 1;
		return 0;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i].name);
		if (strncmp(f, kinds[i].name, n))
			continue;
		char *end;
		fault.after = strtoul(f + n, &end, 0);
		fault.replug = kinds[i].replug;
		fault.power_cut = kinds[i].power_cut;
		fault.at_submit = kinds[i].at_submit;
		return *end || !fault.after ? -1 : 0;
	}
	return -1;
}

/* The chip as a umockdev record: sysfs entry, node, descriptors. */
static int plug(int devnum)
{
	uint8_t desc[128];
	size_t dl = fx2chip_descriptors(&chip, desc, sizeof(desc));
	snprintf(node, sizeof(node), "/dev/bus/usb/001/%03d", devnum);
	snprintf(sysdev, sizeof(sysdev), "/sys/devices/pci0000:00/usb1/1-%d", PORT);
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
	/* The handler before the node: a host that opens the node the moment
	 * it appears (hil polls for it) must find it answering, not a plain
	 * file whose ioctls fail. */
	int ok = umockdev_testbed_attach_ioctl(tb, node, handler, &err) &&
		 umockdev_testbed_add_from_string(tb, rec->str, &err);
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

/* Off the bus: the node goes, and handles opened on it stay dead (their
 * transfers end with ENODEV as pump() meets them). */
static void leave_bus(void)
{
	if (plugged) {
		umockdev_testbed_detach_ioctl(tb, node, NULL);
		umockdev_testbed_remove_device(tb, sysdev);
		plugged = 0;
	}
	generation++;
}

/* The firmware's re-enumeration: off the bus, and back as itself. */
static gboolean renumerate(gpointer unused)
{
	(void)unused;
	leave_bus();
	if (plug(devnum_now + 1) < 0)
		exit(125);
	return G_SOURCE_REMOVE;
}

static void on_config(void *user, int done)
{
	(void)user;
	boardmodel_power(&model, done);
}

/* Power-on: CRESET is pulled down, the FPGA waits unconfigured. */
static void fpga_power_on(void)
{
	int stuck = pins_model.cdone_stuck_high;
	boardmodel_power(&model, 0);
	pins_model_reset();
	pins_model.cdone_stuck_high = stuck;
	pins_model.fpga.on_config = on_config;
	pins_creset(0);
}

static gboolean come_back(gpointer unused)
{
	(void)unused;
	if (fault.power_cut) {
		fx2chip_power_on(&chip);
		fpga_power_on();
	}
	if (plug(devnum_now + 1) < 0)
		exit(125);
	return G_SOURCE_REMOVE;
}

static void unplug(void)
{
	fault.after = 0;
	unplugs++;
	leave_bus();
	if (fault.replug)
		g_timeout_add(300, come_back, NULL);
}

static int fault_due(void)
{
	return fault.after && model.to_board + model.from_board >= fault.after;
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
	if (fault_due() && !fault.at_submit)
		unplug();
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
	if (bulk && !(k->endpoint & 0x80) && fault.at_submit && fault_due()) {
		unplug();
		return -ENODEV;
	}
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
			if (parse_fault(optarg) < 0) {
				fprintf(stderr, "fx2-emu: unknown fault '%s'\n", optarg);
				usage();
			}
			break;
		default: usage();
		}
	}
	if (optind >= argc || devnum < 1 || devnum > 100)
		usage();
	boardmodel_init(&model, model_path);
	fpga_power_on();

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
		"fpga: cdone %d%s%s; bulk: %lu bytes to the board, %lu from it; "
		"unplugs %lu\n",
		rc, states[chip.state], chip.loads, chip.runs, chip.renumerations,
		chip.configs, chip.resets, pins_model.fpga.cdone,
		pins_model.fpga.why[0] ? ", " : "", pins_model.fpga.why,
		model.to_board, model.from_board, unplugs);
	boardmodel_power(&model, 0);
	if (plugged)
		umockdev_testbed_detach_ioctl(tb, node, NULL);
	g_object_unref(handler);
	g_object_unref(tb);
	g_free(preload);
	g_free(asan2);
	return rc;
}
