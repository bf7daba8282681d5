/* Targets on a board (ftdi:, tty:, usb:): which board and which device
 * the URI names, the transport that reaches it, and whether it is
 * plugged in (hil_targets_present). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hil/bitfile.h"
#include "hil/fx2.h"
#include "hil/targets.h"
#include "build/dutsrc.h"
#include "session/session.h"
#include "transport/transport.h"
#include "util/errfmt.h"

/* "BOARD", "BOARD@SERIAL" or "BOARD@BUS/DEV" for ftdi; "BOARD@PATH" for tty. */
int hil_board_target_parse(const char *kind, const char *mid, struct hil_board_target *bt,
			   char *err, size_t errlen)
{
	char name[64];
	memset(bt, 0, sizeof(*bt));
	const char *at = strchr(mid, '@');
	snprintf(name, sizeof(name), "%.*s", at ? (int)(at - mid) : (int)strlen(mid), mid);
	if (hil_board_load(&bt->board, name, err, errlen) < 0)
		return -1;
	if (!strcmp(kind, "usb")) {
		if (strcmp(bt->board.link, "fx2"))
			return hil_fail(err, errlen,
					"board %s has no FX2: its target is "
					"ftdi:%s:DIR",
					name, name);
		if (at)
			return hil_fail(err, errlen,
					"target usb:%s: hil finds the one FX2 "
					"board attached; choosing among several is not "
					"built yet",
					mid);
		return 0;
	}
	if (hil_board_ftdi(&bt->board, err, errlen) < 0)
		return -1;
	if (!strcmp(kind, "tty")) {
		if (!at || at[1] != '/')
			return hil_fail(err, errlen,
					"target tty:%s: name the serial device, as "
					"in tty:%s@/dev/ttyUSB1:DIR",
					mid, name);
		snprintf(bt->tty, sizeof(bt->tty), "%s", at + 1);
		return 0;
	}
	char rest;
	if (at && strchr(at, '/')) {
		if (sscanf(at + 1, "%d/%d%c", &bt->sel.bus, &bt->sel.addr, &rest) != 2 ||
		    bt->sel.bus < 1 || bt->sel.bus > 255 || bt->sel.addr < 1 ||
		    bt->sel.addr > 255) {
			return hil_fail(err, errlen,
					"target ftdi:%s: after @ comes a serial "
					"number or BUS/DEVICE as hil list shows them (1/5)",
					mid);
		}
		return 0;
	}
	if (at) {
		snprintf(bt->serial, sizeof(bt->serial), "%s", at + 1);
		bt->sel.serial = bt->serial;
	}
	return 0;
}

/* An FX2 board has no flash: every session configures its FPGA (unless
 * it holds the image already) with the DUT's bitstream for that board. */
static struct hil_transport *usb_target(const struct hil_board *b, const char *dir,
					uint64_t signature, char *err, size_t errlen)
{
	char path[4200], why[512];
	struct hil_bitfile img;
	char shown[1024];
	if (hil_fx2_bitstream_path(b, dir, path, sizeof(path), err, errlen) < 0)
		return NULL;
	if (hil_bitfile_load(&img, path, why, sizeof(why)) < 0) {
		hil_escape(dir, shown, sizeof(shown));
		hil_fail(err, errlen,
			 "%s: build the DUT's bitstream for %s first: hil "
			 "bitstream --board %s --dut %s",
			 why, b->name, b->name, shown);
		return NULL;
	}
	struct hil_transport *t = NULL;
	if (hil_bitfile_check(&img, b, signature, why, sizeof(why)) < 0)
		hil_fail(err, errlen, "%.300s: %.500s", path, why);
	else
		t = hil_transport_usb(b, img.data, img.len, err, errlen);
	hil_bitfile_free(&img);
	return t;
}

struct hil_transport *hil_board_target_open(const struct hil_board_target *bt,
					    const char *kind, const char *dir,
					    uint64_t signature, char *err, size_t errlen)
{
	if (!strcmp(kind, "usb"))
		return usb_target(&bt->board, dir, signature, err, errlen);
	if (!strcmp(kind, "ftdi"))
		return hil_transport_ftdi(&bt->board, &bt->sel, err, errlen);
	return hil_transport_tty(bt->tty, bt->board.baud, err, errlen);
}

/* One target's answer for hil_targets_present; *nd < -1 until USB has
 * been listed into devs. */
static int present_one(const char *uri, struct hil_usbdev *devs, int cap, int *nd)
{
	char err[1600];
	struct hil_target tg;
	struct hil_board_target bt;
	if (hil_target_parse(uri, &tg, err, sizeof(err)) < 0 || tg.kind != HIL_TARGET_BOARD ||
	    hil_board_target_parse(tg.scheme, tg.mid, &bt, err, sizeof(err)) < 0)
		return -1;
	if (!strcmp(tg.scheme, "tty"))
		return access(bt.tty, F_OK) == 0;
	if (*nd < -1)
		*nd = hil_usb_list(devs, cap, err, sizeof(err));
	return *nd < 0 ? -1
		       : hil_usb_among(&bt.board, !strcmp(tg.scheme, "ftdi") ? &bt.sel : NULL,
				       devs, *nd);
}

void hil_targets_present(const char *const *uris, int n, int *present)
{
	struct hil_usbdev devs[64];
	int nd = -2;
	for (int i = 0; i < n; i++)
		present[i] = present_one(uris[i], devs, 64, &nd);
}
