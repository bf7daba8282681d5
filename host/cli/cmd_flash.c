/* hil flash: a bitstream into a board's SPI flash (verified, then the FPGA
 * boots from it) or, with --sram, straight into the FPGA. Exits 0 only
 * when the image is on the board and the FPGA configured from it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "hil/bitfile.h"
#include "hil/dut.h"
#include "hil/flash.h"
#include "hil/fx2.h"
#include "hil/ports.h"
#include "hil/usbdev.h"
#include "opts.h"
#include "usbsel.h"

struct bar {
	int tty;
	const char *last;
	int last_pct;
};

/* On a terminal, one bar redrawn in place; into a pipe or file, a line
 * per quarter of each phase, so logs stay short and readable. */
static void on_progress(void *user, const char *what, size_t done, size_t total)
{
	struct bar *b = user;
	int pct = total ? (int)(done * 100 / total) : 100;
	if (b->tty) {
		char fill[41];
		int k = pct * 40 / 100;
		memset(fill, '#', (size_t)k);
		memset(fill + k, '.', (size_t)(40 - k));
		fill[40] = '\0';
		fprintf(stderr, "\r%-7s [%s] %3d%% %7zu/%zu", what, fill, pct, done, total);
		if (done == total)
			fputc('\n', stderr);
	} else if (b->last != what || pct / 25 != b->last_pct / 25) {
		fprintf(stderr, "hil flash: %s %d%% (%zu of %zu bytes)\n", what, pct, done,
			total);
	}
	b->last = what;
	b->last_pct = pct;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: hil flash [--sram] [--board B] [--serial S | --bus N --device N]\n"
		"                 [--dut DIR [--top T]] [--mhz F] FILE\n"
		"  FILE: a bitstream (the hil.bin hil bitstream wrote)\n"
		"  --sram    configure the FPGA directly; lost at power-off\n"
		"  --board   the board (default: the one the image was built for)\n"
		"  --dut     refuse the image unless it holds this DUT\n"
		"  --mhz     SPI clock (default 6)\n");
	return 2;
}

/* An FX2 board (Glasgow): its FPGA has no flash of its own; hil's
 * firmware configures it, loaded first unless it runs already. */
static int flash_fx2(const struct hil_board *b, const struct hil_bitfile *img,
		     const char *file, int sram)
{
	char err[1024];
	struct hil_fx2_done d;
	if (!sram) {
		fprintf(stderr,
			"hil flash: %s's FPGA has no flash to write: configure it "
			"with hil flash --sram %s (it keeps the bitstream until the "
			"board loses power)\n",
			b->name, file);
		return 2;
	}
	if (hil_fx2_sram(b, img->data, img->len, &d, err, sizeof(err)) < 0) {
		fprintf(stderr, "hil flash: FAILED: %s\n", err);
		return 2;
	}
	printf("%s: hil's firmware (API %u, build %08x) %s; %s %s\n", b->name, d.api, d.build,
	       d.firmware_loaded ? "loaded" : "was running already", file,
	       d.bitstream_loaded ? "configured into SRAM; CDONE high"
				  : "was in the FPGA already (same CRC-32)");
	return 0;
}

int cmd_flash(int argc, char **argv)
{
	struct hil_usbsel sel;
	struct usbsel_args ua = {0};
	const char *file = NULL, *board = NULL, *dut = NULL, *top = NULL, *mhz_arg = NULL;
	int sram = 0;
	const struct cliopt opts[] = {
		{"sram", NULL, &sram, NULL, 0},
		{"board", &board, NULL, NULL, 0},
		{"dut", &dut, NULL, NULL, 0},
		{"top", &top, NULL, NULL, 0},
		{"mhz", &mhz_arg, NULL, NULL, 0},
		USBSEL_OPTS(ua),
		{0},
	};
	if (opts_parse(argc, argv, "hil flash", opts, &file, 1) < 0)
		return 2;
	char *end;
	double mhz = mhz_arg ? strtod(mhz_arg, &end) : 6;
	if (mhz_arg && (*end || mhz < 1 || mhz > 30)) {
		fprintf(stderr, "hil flash: --mhz wants the SPI clock in MHz, from 1 to 30\n");
		return 2;
	}
	if (!file)
		return usage();
	if (usbsel_get(&sel, &ua, "flash") < 0)
		return 2;

	char err[1024];
	struct hil_bitfile img;
	if (hil_bitfile_load(&img, file, err, sizeof(err)) < 0) {
		fprintf(stderr, "hil flash: %s\n", err);
		return 2;
	}
	int rc = 2;
	struct hil_board b;
	struct ftdi_context *f = NULL;
	uint64_t want = 0;
	if (!board && !img.board[0]) {
		fprintf(stderr,
			"hil flash: %s does not say which board it is for: "
			"name it with --board\n",
			file);
		goto out;
	}
	if (hil_board_load(&b, board ? board : img.board, err, sizeof(err)) < 0) {
		fprintf(stderr, "hil flash: %s\n", err);
		goto out;
	}
	if (dut) {
		struct hil_dut_build db;
		struct hil_ports p;
		if (hil_dut_prepare(dut, top, "ports", &db, err, sizeof(err)) < 0 ||
		    hil_ports_load(&p, db.ports_json, err, sizeof(err)) < 0) {
			fprintf(stderr, "hil flash: %s\n", err);
			goto out;
		}
		want = p.signature;
		hil_ports_free(&p);
	}
	if (hil_bitfile_check(&img, &b, want, err, sizeof(err)) < 0) {
		fprintf(stderr, "hil flash: refusing %s: %s\n", file, err);
		goto out;
	}
	if (!strcmp(b.link, "fx2")) {
		rc = flash_fx2(&b, &img, file, sram);
		goto out;
	}
	f = hil_usb_open(&b, &sel, b.flash_if, err, sizeof(err));
	if (!f) {
		fprintf(stderr, "hil flash: %s\n", err);
		goto out;
	}
	struct bar bar = {isatty(2), NULL, -1};
	struct hil_flash_opts o = {mhz * 1e6, on_progress, &bar, ""};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = sram ? hil_flash_sram(f, &b, img.data, img.len, &o, err, sizeof(err))
		     : hil_flash_spi(f, &b, img.data, img.len, &o, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (r < 0) {
		fprintf(stderr, "hil flash: FAILED: %s\n", err);
		goto out;
	}
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (sram)
		printf("configured %s (%s) from %s into SRAM in %.2f s; CDONE high\n", b.name,
		       b.device, file, s);
	else
		printf("flashed %s to %s (%s, %s): %zu bytes written and verified in "
		       "%.2f s; the FPGA booted from it (CDONE high)\n",
		       file, b.name, b.device, o.chip, img.len, s);
	rc = 0;
out:
	hil_usb_close(f);
	hil_bitfile_free(&img);
	return rc;
}
