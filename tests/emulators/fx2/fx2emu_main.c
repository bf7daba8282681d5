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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "boardmodel.h"
#include "fx2chip.h"
#include "hilfx2.h"
#include "pins.h"
#include "pins_model.h"
#include "usbemu.h"

/* It stays at this USB port whatever its device number. */
#define PORT 1

static struct fx2chip chip;
static struct hil_ihex images[FX2_IMAGES];
static struct usbemu usb;
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
		"  --models FILE    lines \"SIGNATURE PATH\": the FPGA is the model for\n"
		"                   the signature of the bitstream configured\n"
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

/* The firmware's re-enumeration: off the bus, and back as itself. */
static gboolean renumerate(gpointer unused)
{
	(void)unused;
	usbemu_unplug(&usb);
	if (usbemu_plug(&usb, usb.devnum + 1, PORT) < 0)
		exit(125);
	return G_SOURCE_REMOVE;
}

static void on_config(void *user, int done)
{
	(void)user;
	boardmodel_power(&model, done, pins_model.fpga.comment);
}

/* Power-on: CRESET is pulled down, the FPGA waits unconfigured. */
static void fpga_power_on(void)
{
	int stuck = pins_model.cdone_stuck_high;
	boardmodel_power(&model, 0, NULL);
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
	if (usbemu_plug(&usb, usb.devnum + 1, PORT) < 0)
		exit(125);
	return G_SOURCE_REMOVE;
}

static void unplug(void)
{
	fault.after = 0;
	unplugs++;
	usbemu_unplug(&usb);
	if (fault.replug)
		g_timeout_add(300, come_back, NULL);
}

static int fault_due(void)
{
	return fault.after && model.to_board + model.from_board >= fault.after;
}

static void describe(struct usbemu *u, struct usbemu_desc *d)
{
	(void)u;
	d->vid = fx2chip_vid(&chip);
	d->pid = fx2chip_pid(&chip);
	d->bcd = fx2chip_bcd(&chip);
	d->descriptors_len =
		fx2chip_descriptors(&chip, d->descriptors, sizeof(d->descriptors));
}

static int control(struct usbemu *u, const uint8_t *setup, uint8_t *data)
{
	(void)u;
	unsigned long resets = chip.resets;
	int r = fx2chip_control(&chip, setup, data);
	/* FIFORESET drops what sat in EP6 for the host. */
	if (chip.resets != resets && model.proc.fd >= 0) {
		uint8_t junk[4096];
		while (read(model.proc.fd, junk, sizeof(junk)) > 0)
			;
	}
	if (chip.renumerate) {
		chip.renumerate = 0;
		g_timeout_add(50, renumerate, NULL);
	}
	return r;
}

static int bulk_ok(struct usbemu *u, unsigned ep)
{
	(void)u;
	if (ep != HILFX2_EP_OUT && ep != HILFX2_EP_IN)
		return -EINVAL;
	if (chip.state != FX2_FIRMWARE)
		return -ENOENT; /* the boot ROM has no such endpoints */
	if (!(ep & 0x80) && fault.at_submit && fault_due()) {
		unplug();
		return -ENODEV;
	}
	return 0;
}

/* Moves bytes between a bulk transfer and the board: EP2 OUT as far as the
 * board takes them, EP6 IN with whatever it has sent (a transfer ends at a
 * short packet, as the PHY's PKTEND makes them). */
static void bulk(struct usbemu *u, struct usbemu_urb *r)
{
	(void)u;
	int fd = model.proc.fd;
	if (fd < 0)
		return; /* no FPGA behind the FIFOs: the FX2 NAKs */
	struct usbdevfs_urb *k = usbemu_urb(r);
	uint8_t *p = r->buf->data;
	size_t len = (size_t)k->buffer_length;
	if (!(k->endpoint & 0x80)) {
		while (r->done < len) {
			ssize_t n = write(fd, p + r->done, len - r->done);
			if (n <= 0)
				break;
			r->done += (size_t)n;
			model.to_board += (size_t)n;
		}
		if (r->done == len)
			usbemu_finish(r, 0, (int)len);
	} else {
		ssize_t n = read(fd, p, len);
		if (n > 0) {
			model.from_board += (size_t)n;
			usbemu_finish(r, 0, (int)n);
		}
	}
	if (fault_due() && !fault.at_submit)
		unplug();
}

/* One interface, no kernel driver, nothing to configure. */
static int request(struct usbemu *u, UMockdevIoctlClient *client, unsigned long req,
		   UMockdevIoctlData *d)
{
	(void)u;
	(void)client;
	switch (req) {
	case USBDEVFS_GETDRIVER:
	case USBDEVFS_IOCTL:
		return -ENODATA;
	case USBDEVFS_CLAIMINTERFACE:
	case USBDEVFS_RELEASEINTERFACE:
		return *(unsigned *)d->data == 0 ? 0 : -ENOENT;
	case USBDEVFS_SETCONFIGURATION:
		return 0;
	}
	return -ENOTTY;
}

static const struct usbemu_ops ops = {
	.describe = describe,
	.control = control,
	.bulk_ok = bulk_ok,
	.bulk = bulk,
	.request = request,
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"firmware", 1, 0, 'w'}, {"devnum", 1, 0, 'n'}, {"fault", 1, 0, 'f'},
		{"model", 1, 0, 'm'},    {"models", 1, 0, 'M'}, {0, 0, 0, 0},
	};
	int devnum = 7, c;
	char err[256];
	const char *model_path = NULL, *map = NULL;
	pins_model_reset();
	fx2chip_init(&chip);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (chip.nfirmware == FX2_IMAGES)
				usage();
			if (hil_ihex_load(&images[chip.nfirmware], optarg, err, sizeof(err)) <
			    0) {
				fprintf(stderr, "fx2-emu: %s\n", err);
				return 125;
			}
			chip.firmware[chip.nfirmware] = &images[chip.nfirmware];
			chip.nfirmware++;
			break;
		case 'n':
			devnum = atoi(optarg);
			break;
		case 'm':
			model_path = optarg;
			break;
		case 'M':
			map = optarg;
			break;
		case 'f':
			if (parse_fault(optarg) < 0) {
				fprintf(stderr, "fx2-emu: unknown fault '%s'\n", optarg);
				usage();
			}
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || devnum < 1 || devnum > 100)
		usage();
	boardmodel_init(&model, model_path);
	model.map = map;
	fpga_power_on();

	usbemu_init(&usb, "fx2-emu", &ops, NULL);
	if (usbemu_plug(&usb, devnum, PORT) < 0)
		return 125;
	int rc = usbemu_run(&usb, argv + optind, NULL);
	if (rc < 0)
		return 125;
	static const char *states[] = {"boot ROM", "hil firmware", "an unknown image"};
	fprintf(stderr,
		"fx2-emu: exit %d; running %s; loads %lu, cpu starts %lu, "
		"re-enumerations %lu; configurations %lu, fifo resets %lu; "
		"fpga: cdone %d%s%s; bulk: %lu bytes to the board, %lu from it; "
		"unplugs %lu\n",
		rc, states[chip.state], chip.loads, chip.runs, chip.renumerations,
		chip.configs, chip.resets, pins_model.fpga.cdone,
		pins_model.fpga.why[0] ? ", " : "", pins_model.fpga.why, model.to_board,
		model.from_board, unplugs);
	boardmodel_power(&model, 0, NULL);
	usbemu_free(&usb);
	return rc;
}
