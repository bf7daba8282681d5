/* hil-ft2232h-emu: presents an emulated iCE40 board with an FT2232H to a
 * command, through umockdev at the USB device-file level (usbemu.c), so the
 * command's real libusb and libftdi talk to it as to a plugged-in board.
 *
 *   hil-ft2232h-emu [OPTIONS] -- COMMAND [ARGS]
 *
 * Exits with the command's status (or 125 if the emulator failed). On exit
 * it writes the flash (--flash-out) and one line of what happened on
 * stderr: "ft2232h-emu: ..." with the counts a test may check. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu.h"

static struct emu E;
/* away=AT:FOR: unplugged AT ms after the start (0: no such fault) */
static unsigned long away_at;

static void usage(void)
{
	fprintf(stderr,
		"usage: hil-ft2232h-emu [OPTIONS] -- COMMAND [ARGS]\n"
		"  --ft232h           an FT232H (0403:6014, one channel, as on the\n"
		"                     UPduino v3) instead of an FT2232H\n"
		"  --serial S         the chip's serial number (HIL00001)\n"
		"  --description D    its product string (Dual RS232-HS, or Single\n"
		"                     RS232-HS for the FT232H)\n"
		"  --devnum N         its device number on bus 1 (5)\n"
		"  --flash-in FILE    the flash holds FILE at 0 at power-on; the\n"
		"                     FPGA boots from it\n"
		"  --flash-out FILE   at exit, write the flash up to its last\n"
		"                     programmed (non-FF) byte\n"
		"  --uart-model PATH  channel B's board: a hil-sim built for\n"
		"                     uart:BOARD:DIR\n"
		"  --uart-models FILE lines \"SIGNATURE PATH\": the model behind the\n"
		"                     pins is the one for the signature of the\n"
		"                     bitstream the FPGA runs, at its baud\n"
		"  --baud N           the board's UART rate (3000000; with\n"
		"                     --uart-models, the bitstream's unless given)\n"
		"  --fault F          readback=ADDR | cdone-low | busy | protected |\n"
		"                     no-flash | unplug=BYTES\n"
		"                     | noise=P (a bad cable: each UART byte has one\n"
		"                     bit flipped with chance P, either way)\n"
		"                     | replug=BYTES (back after 300 ms, board powered)\n"
		"                     | powercycle=BYTES (back after 300 ms, the board\n"
		"                     lost power: the FPGA boots again from flash)\n"
		"                     | replug-at-submit=BYTES (as replug, but it\n"
		"                     shows as the next OUT submit refused)\n"
		"                     | away=AT:FOR (unplugged AT ms after the start,\n"
		"                     whatever it is doing, back FOR ms later, the\n"
		"                     FPGA booted again from flash)\n"
		"  --sio-bound        ftdi_sio starts bound to both interfaces\n"
		"  --lenient-sck      let the FPGA boot from flash while the host\n"
		"                     still drives SCK (as some flashers do)\n"
		"  --deny-user        run COMMAND as user nobody, with the device\n"
		"                     node readable by root only (no udev rules)\n");
	exit(125);
}

static int fault(const char *f)
{
	char *end;
	if (!strncmp(f, "readback=", 9)) {
		E.flash.corrupt_at = strtol(f + 9, &end, 0);
		return *end ? -1 : 0;
	}
	if (!strcmp(f, "cdone-low")) {
		E.fpga.cdone_stuck_low = 1;
		return 0;
	}
	if (!strncmp(f, "noise=", 6)) {
		E.uart.noise = strtod(f + 6, &end);
		return *end || E.uart.noise <= 0 || E.uart.noise >= 1 ? -1 : 0;
	}
	if (!strcmp(f, "busy")) {
		E.flash.stuck_busy = 1;
		return 0;
	}
	if (!strcmp(f, "protected")) {
		E.flash.protect = 1;
		return 0;
	}
	if (!strcmp(f, "no-flash")) {
		E.flash.absent = 1;
		return 0;
	}
	if (!strncmp(f, "unplug=", 7) || !strncmp(f, "replug=", 7)) {
		E.replug = f[0] == 'r';
		E.unplug_after = strtoul(f + 7, &end, 0);
		return *end || !E.unplug_after ? -1 : 0;
	}
	if (!strncmp(f, "replug-at-submit=", 17)) {
		E.replug = E.unplug_at_submit = 1;
		E.unplug_after = strtoul(f + 17, &end, 0);
		return *end || !E.unplug_after ? -1 : 0;
	}
	if (!strncmp(f, "away=", 5)) {
		away_at = strtoul(f + 5, &end, 0);
		if (*end != ':')
			return -1;
		E.back_ms = strtoul(end + 1, &end, 0);
		return *end || !away_at || !E.back_ms ? -1 : 0;
	}
	if (!strncmp(f, "powercycle=", 11)) {
		E.replug = E.power_cycle = 1;
		E.unplug_after = strtoul(f + 11, &end, 0);
		return *end || !E.unplug_after ? -1 : 0;
	}
	return -1;
}

static void on_config(void *user, int done)
{
	(void)user;
	uartlink_power(&E.uart, done, E.fpga.comment);
}

static int load_flash(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "ft2232h-emu: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t n = fread(E.flash.mem, 1, FLASH_SIZE, f);
	fclose(f);
	return n ? 0 : -1;
}

static int dump_flash(const char *path)
{
	size_t n = FLASH_SIZE;
	while (n && E.flash.mem[n - 1] == 0xff)
		n--;
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(E.flash.mem, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "ft2232h-emu: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* As on a machine without hil's udev rules: the node belongs to root, mode
 * 0600, and the command runs as an ordinary user. That user must still
 * reach the testbed itself: read it, and create the socket umockdev's
 * preload uses for udev's event monitor in its root. */
static int deny_access(void)
{
	gchar *root = umockdev_testbed_get_root_dir(E.usb.tb);
	gchar *path = g_strconcat(root, E.usb.node, NULL);
	gchar *sock = g_strconcat(root, "/ioctl", E.usb.node, NULL);
	int rc = chmod(root, 01777) || chmod(path, 0600) || chmod(sock, 0777) ? -1 : 0;
	g_free(sock);
	if (rc < 0)
		fprintf(stderr, "ft2232h-emu: %s: %s\n", path, strerror(errno));
	g_free(path);
	g_free(root);
	return rc;
}

static void become_nobody(gpointer unused)
{
	(void)unused;
	if (setgid(65534) != 0 || setuid(65534) != 0)
		_exit(125);
}

/* away=: unplugged by the clock, not by traffic (an idle board too). */
static gboolean go_away(gpointer unused)
{
	(void)unused;
	E.replug = E.power_cycle = 1;
	if (E.usb.plugged)
		usbfs_unplug(&E);
	return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"serial", 1, 0, 's'},      {"description", 1, 0, 'd'},
		{"devnum", 1, 0, 'n'},      {"flash-in", 1, 0, 'i'},
		{"flash-out", 1, 0, 'o'},   {"uart-model", 1, 0, 'm'},
		{"baud", 1, 0, 'b'},        {"uart-models", 1, 0, 'M'},
		{"fault", 1, 0, 'f'},       {"sio-bound", 0, 0, 'k'},
		{"deny-user", 0, 0, 'u'},   {"ft232h", 0, 0, 'h'},
		{"lenient-sck", 0, 0, 'l'}, {0, 0, 0, 0},
	};
	const char *flash_in = NULL, *flash_out = NULL, *model = NULL, *map = NULL;
	unsigned long baud = 3000000;
	int devnum = 5, sio = 0, deny = 0, baud_fixed = 0;
	E.chip.serial = "HIL00001";
	E.chip.description = NULL;
	if (spiflash_init(&E.flash) < 0)
		return 125;
	ice40_init(&E.fpga);
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			E.chip.serial = optarg;
			break;
		case 'd':
			E.chip.description = optarg;
			break;
		case 'n':
			devnum = atoi(optarg);
			break;
		case 'i':
			flash_in = optarg;
			break;
		case 'o':
			flash_out = optarg;
			break;
		case 'm':
			model = optarg;
			break;
		case 'b':
			baud = strtoul(optarg, NULL, 10);
			baud_fixed = 1;
			break;
		case 'M':
			map = optarg;
			break;
		case 'f':
			if (fault(optarg) < 0) {
				fprintf(stderr, "ft2232h-emu: unknown fault '%s'\n", optarg);
				usage();
			}
			break;
		case 'k':
			sio = 1;
			break;
		case 'u':
			deny = 1;
			break;
		case 'h':
			E.chip.ft232h = 1;
			break;
		case 'l':
			E.fpga.sck_lenient = 1;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || devnum < 1 || devnum > 127 || !baud)
		usage();
	if (!E.chip.description)
		E.chip.description = E.chip.ft232h ? "Single RS232-HS" : "Dual RS232-HS";

	E.chip.configuration = 1;
	for (int i = 0; i < 2; i++) {
		E.chip.ch[i].latency_ms = 16;
		E.chip.ch[i].baud = 9600;
		E.chip.ch[i].kernel_driver = sio;
	}
	mpsse_init(&E.mpsse, &E.flash, &E.fpga);
	uartlink_init(&E.uart, model, baud);
	E.uart.map = map;
	E.uart.baud_fixed = baud_fixed;
	E.fpga.on_config = on_config;
	/* Power-on: CRESET is pulled up, so the FPGA boots from the flash. */
	E.fpga.in_reset = 1;
	if (flash_in && load_flash(flash_in) < 0)
		return 125;
	ice40_creset(&E.fpga, 0, 0, 0, &E.flash);

	usbfs_init(&E);
	if (usbfs_plug(&E, devnum) < 0 || (deny && deny_access() < 0))
		return 125;
	if (away_at)
		g_timeout_add(away_at, go_away, NULL);
	int rc = usbemu_run(&E.usb, argv + optind, deny ? become_nobody : NULL);
	if (rc < 0)
		return 125;
	uartlink_power(&E.uart, 0, NULL);
	if (flash_out && dump_flash(flash_out) < 0)
		rc = 125;
	fprintf(stderr,
		"ft2232h-emu: exit %d; flash: %lu page programs, %lu erases; "
		"fpga: cdone %d%s%s; uart: %lu bytes to the board, %lu from it, "
		"%lu garbled, %lu with a bit flipped; mpsse: %lu bad opcodes; sio: %s%s\n",
		rc, E.flash.programs, E.flash.erases, E.fpga.cdone, E.fpga.why[0] ? ", " : "",
		E.fpga.why, E.uart.to_board, E.uart.from_board, E.uart.garbled, E.uart.flipped,
		E.mpsse.bad_ops, E.chip.ch[0].kernel_driver ? "A bound" : "A free",
		E.chip.ft232h                        ? ""
			: E.chip.ch[1].kernel_driver ? ", B bound"
						     : ", B free");
	usbemu_free(&E.usb);
	spiflash_free(&E.flash);
	return rc;
}
