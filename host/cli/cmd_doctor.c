/* hil doctor [BOARD]: the first time a board is plugged in, is everything
 * between hil and it right? Step by step: the device on USB, its
 * identity, this user's permission to open it, a bring-up bitstream configured
 * into the FPGA's SRAM, the link measured through that bitstream, then
 * the examples run on the board with their traces compared with sim.
 * One verdict line per step, with what to do when one fails; the exit
 * status is 0 when none failed, 1 when one did, 2 for bad usage. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "doctor.h"
#include "hil/bitfile.h"
#include "hil/board.h"
#include "hil/dut.h"
#include "hil/flash.h"
#include "hil/fx2.h"
#include "hil/usbdev.h"
#include "opts.h"
#include "selfrun.h"
#include "usbsel.h"

#define MAX_DEVS     64
#define MAX_EXAMPLES 32

struct doctor {
	struct hil_board b;
	int have_board, fx2;    /* fx2: an FX2 board (Glasgow), else an FTDI one */
	struct hil_usbdev dev;  /* the board's device, once found */
	struct hil_usbsel sel;  /* it, by bus and device number */
	char target_sel[32];    /* "BUS/DEV" as targets take it */
	char work[2048];        /* where the traces go */
	struct hil_fx2_done fw; /* what bring-up found and did on an FX2 */
	int traces_kept;        /* a report named work: keep what is there */
};

static const char *const ground_lost = "an earlier step failed";

/* Does the device match what the user chose (nothing: every device)? */
static int chosen(const struct hil_usbdev *d, const struct hil_usbsel *s)
{
	if (s->serial)
		return !d->no_access && !strcmp(d->serial, s->serial);
	if (s->bus > 0)
		return d->bus == s->bus && d->addr == s->addr;
	return 1;
}

/* Has the device the board's USB ID (or, for an FX2 board, its boot
 * ROM's)? */
static int is_board(const struct hil_usbdev *d, const struct hil_board *b)
{
	return (d->vid == b->vid && d->pid == b->pid) ||
		(b->boot_vid && d->vid == b->boot_vid && d->pid == b->boot_pid);
}

static int step_usb(struct doctor *dr, const struct hil_usbsel *want)
{
	struct hil_usbdev devs[MAX_DEVS];
	char err[512], seen[1024], boards[256];
	int n = hil_usb_list(devs, MAX_DEVS, err, sizeof(err));
	if (n < 0) {
		doctor_say("usb", V_FAIL, err,
			   "hil reads /dev/bus/usb: in a container or VM, pass the "
			   "USB devices through");
		return -1;
	}
	int pick = -1, count = 0;
	for (int i = 0; i < n; i++) {
		hil_usb_boards_of(&devs[i], boards, sizeof(boards));
		int fits = dr->have_board ? is_board(&devs[i], &dr->b) : boards[0] != '\0';
		/* A device chosen by serial or number is checked by identity. */
		if (chosen(&devs[i], want) && (want->serial || want->bus > 0 || fits)) {
			pick = pick < 0 ? i : pick;
			count++;
		}
	}
	if (count == 0) {
		if (want->serial)
			snprintf(seen, sizeof(seen),
				 "no USB device with serial %s is attached", want->serial);
		else if (want->bus > 0)
			snprintf(seen, sizeof(seen), "no USB device at bus %d device %d",
				 want->bus, want->addr);
		else if (dr->have_board)
			snprintf(seen, sizeof(seen), "no %s (USB ID %04x:%04x) is attached",
				 dr->b.name, dr->b.vid, dr->b.pid);
		else
			snprintf(seen, sizeof(seen), "no board hil knows is attached");
		doctor_say("usb", V_FAIL, seen,
			   "plug the board in with a data cable (some USB cables carry "
			   "power only), straight into the computer; hil list shows what "
			   "is attached");
		return -1;
	}
	if (count > 1) {
		snprintf(seen, sizeof(seen), "%d devices could be %s", count,
			 dr->have_board ? dr->b.name : "a board");
		doctor_say("usb", V_FAIL, seen,
			   "choose one with --serial S or --bus N --device N, as hil "
			   "list shows them");
		return -1;
	}
	dr->dev = devs[pick];
	hil_usb_boards_of(&dr->dev, boards, sizeof(boards));
	if (!dr->have_board) {
		if (strchr(boards, ',') || !boards[0]) {
			snprintf(seen, sizeof(seen),
				 "the device at %03d/%03d (%04x:%04x) may be any of: %s",
				 dr->dev.bus, dr->dev.addr, dr->dev.vid, dr->dev.pid,
				 boards[0] ? boards : "no board hil knows");
			doctor_say("usb", V_FAIL, seen,
				   "name the board: hil doctor BOARD (hil doctor --help "
				   "lists them)");
			return -1;
		}
		/* "glasgow-revc (no firmware yet)" names glasgow-revc */
		boards[strcspn(boards, " ")] = '\0';
		if (hil_board_load(&dr->b, boards, err, sizeof(err)) < 0) {
			doctor_say("usb", V_FAIL, err, NULL);
			return -1;
		}
		dr->have_board = 1;
	}
	dr->fx2 = !strcmp(dr->b.link, "fx2");
	/* An FX2 is configured and reached as the one attached (the usb:
	 * target cannot choose among several yet), so another would be the
	 * board measured. */
	int fx2s = 0;
	for (int i = 0; dr->fx2 && i < n; i++)
		fx2s += is_board(&devs[i], &dr->b);
	if (fx2s > 1) {
		snprintf(seen, sizeof(seen), "%d %s boards are attached", fx2s, dr->b.name);
		doctor_say("usb", V_FAIL, seen,
			   "hil reaches one FX2 board at a time: leave only the one to "
			   "check plugged in");
		return -1;
	}
	dr->sel = (struct hil_usbsel){NULL, dr->dev.bus, dr->dev.addr};
	snprintf(dr->target_sel, sizeof(dr->target_sel), "%d/%d", dr->dev.bus, dr->dev.addr);
	snprintf(seen, sizeof(seen), "%04x:%04x at bus %03d device %03d (%s)", dr->dev.vid,
		 dr->dev.pid, dr->dev.bus, dr->dev.addr, boards[0] ? boards : "no board");
	doctor_say("usb", V_OK, seen, NULL);
	return 0;
}

static int step_permission(struct doctor *dr)
{
	char err[1024], seen[128];
	snprintf(seen, sizeof(seen), "this user may not open /dev/bus/usb/%03d/%03d",
		 dr->dev.bus, dr->dev.addr);
	if (dr->dev.no_access) {
		doctor_say("permission", V_FAIL, seen, hil_usb_access_help());
		return -1;
	}
	/* hil's firmware goes in at bring-up, which claims the FX2 then. */
	if (dr->fx2) {
		doctor_say("permission", V_OK, "this user may open the FX2", NULL);
		return 0;
	}
	struct ftdi_context *f =
		hil_usb_open(&dr->b, &dr->sel, dr->b.uart_if, err, sizeof(err));
	if (!f) {
		doctor_say("permission", V_FAIL, err,
			   "close what holds the board (a hild serving it, a terminal "
			   "on its serial port) and run hil doctor again");
		return -1;
	}
	hil_usb_close(f);
	doctor_say("permission", V_OK, "this user opens the board's UART interface", NULL);
	return 0;
}

static int step_identity(struct doctor *dr)
{
	char seen[512], todo[768], boards[256];
	const struct hil_usbdev *d = &dr->dev;
	if (!is_board(d, &dr->b)) {
		hil_usb_boards_of(d, boards, sizeof(boards));
		snprintf(seen, sizeof(seen),
			 "the device is %04x:%04x (%s), not %s's %04x:%04x", d->vid, d->pid,
			 boards[0] ? boards : "no board hil knows", dr->b.name, dr->b.vid,
			 dr->b.pid);
		snprintf(todo, sizeof(todo),
			 "name the board it is (hil doctor %s), or choose %s's device "
			 "with --serial",
			 boards[0] ? boards : "BOARD", dr->b.name);
		doctor_say("identity", V_FAIL, seen, todo);
		return -1;
	}
	if (dr->fx2 && d->vid == dr->b.boot_vid && d->pid == dr->b.boot_pid) {
		doctor_say("identity", V_OK,
			   "an FX2 in its boot ROM: hil's firmware goes in at bring-up", NULL);
		return 0;
	}
	if (d->no_access) {
		doctor_say("identity", V_OK,
			   "the board's USB ID (its strings need the permission checked next)",
			   NULL);
		return 0;
	}
	snprintf(seen, sizeof(seen), "%s \"%s\", serial %s", d->manufacturer, d->product,
		 d->serial[0] ? d->serial : "(none)");
	/* Neither the FX2's boot ROM nor hil's firmware has a serial: FX2
	 * boards are told apart by their USB port. */
	if (!d->serial[0] && !dr->fx2) {
		doctor_say("identity", V_WARN, seen,
			   "give the chip a serial number (ftdi_eeprom): with two boards "
			   "attached, hil tells them apart by it");
		return 0;
	}
	doctor_say("identity", V_OK, seen, NULL);
	return 0;
}

/* The DUT's bitstream for the board, built unless the cache has it, into
 * path. On failure err says why. */
static int bitstream(const struct doctor *dr, const char *dir, char *path, size_t n, char *err,
		     size_t errlen)
{
	char home[4096], what[80];
	if (hil_bitstream_home(dr->b.name, dir, home, sizeof(home), err, errlen) < 0)
		return -1;
	struct hil_dut_options o = {.export_to = home};
	struct hil_dut_build db;
	snprintf(what, sizeof(what), "bitstream:%s", dr->b.name);
	if (hil_dut_prepare_opts(dir, NULL, what, &o, &db, err, errlen) < 0)
		return -1;
	if ((size_t)snprintf(path, n, "%s/hil.bin", home) >= n)
		return -1;
	return 0;
}

/* The bitstream at path into the FPGA's SRAM. */
static int configure(struct doctor *dr, const char *path, char *err, size_t errlen)
{
	struct hil_bitfile img;
	if (hil_bitfile_load(&img, path, err, errlen) < 0)
		return -1;
	int rc = hil_bitfile_check(&img, &dr->b, 0, err, errlen);
	if (rc == 0 && dr->fx2) {
		rc = hil_fx2_sram(&dr->b, img.data, img.len, &dr->fw, err, errlen);
	} else if (rc == 0) {
		struct hil_flash_opts o = {0};
		struct ftdi_context *f =
			hil_usb_open(&dr->b, &dr->sel, dr->b.flash_if, err, errlen);
		rc = f ? hil_flash_sram(f, &dr->b, img.data, img.len, &o, err, errlen) : -1;
		hil_usb_close(f);
	}
	hil_bitfile_free(&img);
	return rc;
}

static int step_bringup(struct doctor *dr, char *dir, size_t n)
{
	char err[4096], path[4200], seen[512];
	if (hil_share_path("gateware/bringup", dir, n, err, sizeof(err)) < 0 ||
	    bitstream(dr, dir, path, sizeof(path), err, sizeof(err)) < 0) {
		doctor_say("bring-up", V_FAIL, err,
			   strstr(err, "does not fit")
				   ? "hil's bridge does not fit this board's FPGA beside even "
				     "the bring-up DUT: hil cannot run on this board yet "
				     "(docs/resources.md)"
				   : "hil could not build its bring-up bitstream: check that "
				     "Yosys, nextpnr-ice40 and icestorm are installed");
		return -1;
	}
	if (configure(dr, path, err, sizeof(err)) < 0) {
		doctor_say("bring-up", V_FAIL, err,
			   "the FPGA did not take the bitstream: check the board's power "
			   "and jumpers, and that it is the board named");
		return -1;
	}
	if (dr->fx2)
		snprintf(seen, sizeof(seen),
			 "hil's firmware (API %u, build %08x) %s; the bring-up bitstream "
			 "is in the FPGA's SRAM, CDONE high",
			 dr->fw.api, (unsigned)dr->fw.build,
			 dr->fw.firmware_loaded ? "loaded" : "was running");
	else
		snprintf(seen, sizeof(seen),
			 "the bring-up bitstream is in the FPGA's SRAM, CDONE high");
	doctor_say("bring-up", V_OK, seen, NULL);
	return 0;
}

/* The board's target for the DUT in dir: an FTDI board by its bus and
 * device number; the one FX2 board attached (its bitstream is configured
 * by the session, from where bitstream() put it). */
static void target(const struct doctor *dr, const char *dir, char *uri, size_t n)
{
	if (dr->fx2)
		snprintf(uri, n, "usb:%s:%s", dr->b.name, dir);
	else
		snprintf(uri, n, "ftdi:%s@%s:%s", dr->b.name, dr->target_sel, dir);
}

static void step_link(struct doctor *dr, const char *dir)
{
	char uri[4400], err[2048], seen[512], line[64];
	target(dr, dir, uri, sizeof(uri));
	if (dr->fx2)
		snprintf(line, sizeof(line), "FX2 bulk endpoints");
	else
		snprintf(line, sizeof(line), "%lu baud", dr->b.baud);
	struct link_figures f;
	if (doctor_link(uri, &f, err, sizeof(err)) < 0) {
		char todo[512];
		if (dr->fx2)
			snprintf(todo, sizeof(todo),
				 "the FX2 and the FPGA do not talk: run hil doctor again "
				 "after a power cycle of the board; if it stays, report it");
		else
			snprintf(
				todo, sizeof(todo),
				"the FPGA runs hil's bridge at %lu baud, from a %s MHz clock: a "
				"board of another kind, or one with another oscillator, answers "
				"at another rate; check that this is a %s, and the cable",
				dr->b.baud, dr->b.clk_mhz, dr->b.name);
		doctor_say("link", V_FAIL, err, todo);
		return;
	}
	snprintf(seen, sizeof(seen),
		 "%s: %lu values looped back, %lu wrong; %lu streamed, %lu of "
		 "their echoes reported, %lu wrong",
		 line, f.looped, f.wrong, f.streamed, f.reported, f.misreported);
	int lost = f.wrong || f.misreported || f.reported != f.streamed;
	doctor_say("loopback", lost ? V_FAIL : V_OK, seen,
		   "the bridge gave back other values than it was given: reflash the "
		   "bring-up bitstream; if it stays, the board is faulty");

	const struct hil_link_stats *s = &f.stats;
	unsigned long frames = s->frames_in + s->frames_out;
	unsigned long damaged = s->bad_frames + s->bridge_crc_errors + s->bridge_phy_errors;
	double rate = frames ? (double)damaged / (double)frames : 0;
	snprintf(seen, sizeof(seen),
		 "%lu of %lu frames damaged on the line (%.2g), %lu resent; the "
		 "bridge saw %u CRC and %u framing errors",
		 damaged, frames, rate, s->retransmits, s->bridge_crc_errors,
		 s->bridge_phy_errors);
	doctor_say("errors",
		   damaged == 0          ? V_OK
			   : rate < 1e-3 ? V_WARN
					 : V_FAIL,
		   seen,
		   "hil resends what the line damages, so results stay exact, but this "
		   "line is bad: try another USB cable (short, no hub, no extension) "
		   "and another port");

	snprintf(seen, sizeof(seen), "a poke and a read: %.0f us median, %.0f us worst of 200",
		 f.rtt_median_us, f.rtt_worst_us);
	doctor_say("latency", f.rtt_median_us < 20000 ? V_OK : V_WARN, seen,
		   "round trips this slow come from a hub or a busy USB bus: plug "
		   "the board straight into the computer");

	/* A stamped poke of one byte costs about 3.3 bytes of 10 bits. */
	int n = snprintf(seen, sizeof(seen), "%.0f pokes a second streamed", f.pokes_per_s);
	if (!dr->fx2)
		snprintf(seen + n, sizeof(seen) - (size_t)n, " (the line carries about %.0f)",
			 (double)dr->b.baud / 10 / 3.3);
	doctor_say("throughput", V_OK, seen, NULL);
}

/* Is there an example of that name (a plain name: letters, digits, '_'
 * and '-') with a test.hil? */
static int example_ok(const char *name)
{
	char rel[128], path[4200], err[256];
	if (!*name ||
	    strspn(name,
		   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789_-") != strlen(name) ||
	    strlen(name) >= 64)
		return 0;
	snprintf(rel, sizeof(rel), "examples/%s/test.hil", name);
	return hil_share_path(rel, path, sizeof(path), err, sizeof(err)) == 0 &&
		readable(path);
}

/* The examples to run: those named (a comma-separated list), else every
 * folder of examples/ with a test.hil. */
static int examples(const char *list, char names[][64], int max, char *err, size_t errlen)
{
	int n = 0;
	if (list) {
		for (const char *p = list; *p;) {
			if (n == max)
				return snprintf(err, errlen, "--examples: at most %d", max),
				       -1;
			size_t k = strcspn(p, ",");
			snprintf(names[n], 64, "%.*s", (int)(k < 63 ? k : 63), p);
			if (k >= 64 || !example_ok(names[n]))
				return snprintf(err, errlen,
						"--examples: '%.*s' is no example's name (the "
						"folders of examples/ are)",
						(int)(k < 100 ? k : 100), p),
				       -1;
			n++;
			p += k + (p[k] == ',');
		}
		return n;
	}
	char dir[4096];
	if (hil_share_path("examples", dir, sizeof(dir), err, errlen) < 0)
		return -1;
	struct dirent **ents;
	int m = scandir(dir, &ents, NULL, alphasort);
	if (m < 0)
		return snprintf(err, errlen, "cannot read %.900s", dir), -1;
	for (int i = 0; i < m; i++) {
		if (n < max && example_ok(ents[i]->d_name))
			snprintf(names[n++], 64, "%.63s", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return n;
}

/* One example: its bitstream into SRAM, its test.hil on the board and in
 * sim, the traces compared. */
static void step_example(struct doctor *dr, const char *name)
{
	char dir[4096], rel[128], err[4096], path[4200], test[4200], seen[4400];
	snprintf(rel, sizeof(rel), "examples/%.63s", name);
	if (hil_share_path(rel, dir, sizeof(dir), err, sizeof(err)) < 0) {
		doctor_say(name, V_FAIL, err, NULL);
		return;
	}
	snprintf(test, sizeof(test), "%s/test.hil", dir);
	if (bitstream(dr, dir, path, sizeof(path), err, sizeof(err)) < 0) {
		int misfit = strstr(err, "does not fit") != NULL;
		doctor_say(name, misfit ? V_SKIP : V_FAIL,
			   misfit ? "does not fit this board's FPGA beside the bridge" : err,
			   "hil could not build the example's bitstream");
		return;
	}
	if (configure(dr, path, err, sizeof(err)) < 0) {
		doctor_say(name, V_FAIL, err, "the FPGA did not take the example's bitstream");
		return;
	}
	char uri[4400], board_out[4200], sim_out[4200];
	target(dr, dir, uri, sizeof(uri));
	snprintf(board_out, sizeof(board_out), "%.2048s/%.63s.board", dr->work, name);
	snprintf(sim_out, sizeof(sim_out), "%.2048s/%.63s.sim", dr->work, name);
	const char *on_board[] = {"run", "--target", uri, test, NULL};
	const char *in_sim[] = {"run", "--direct", "--dut", dir, test, NULL};
	int rb = selfrun(on_board, board_out, err, sizeof(err));
	if (rb != 0 && rb != 1) {
		snprintf(seen, sizeof(seen), "%.1500s (its output kept in %.2047s)", err,
			 dr->work);
		doctor_say(name, V_FAIL, seen, "the example did not run on the board");
		dr->traces_kept = 1;
		return;
	}
	int rs = selfrun(in_sim, sim_out, err, sizeof(err));
	if (rs != rb) {
		snprintf(seen, sizeof(seen),
			 "hil run exits %d on the board, %d in sim (%.1500s; both outputs "
			 "kept in %.2047s)",
			 rb, rs, err, dr->work);
		doctor_say(name, V_FAIL, seen, NULL);
		dr->traces_kept = 1;
		return;
	}
	long lines = 0, at = files_differ(board_out, sim_out, &lines);
	if (at) {
		snprintf(seen, sizeof(seen),
			 "the board's trace differs from sim's at line %ld (both kept in %s)",
			 at, dr->work);
		dr->traces_kept = 1;
		doctor_say(name, V_FAIL, seen,
			   "the board does not run the example as sim does: report it "
			   "with both traces");
		return;
	}
	snprintf(seen, sizeof(seen), "the board's trace == sim's (%ld lines)", lines);
	doctor_say(name, V_OK, seen, NULL);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: hil doctor [BOARD] [--serial S | --bus N --device N]\n"
		"                  [--examples NAME,NAME... | --no-examples] [--keep DIR]\n"
		"  checks a board step by step: USB, identity, permission, a\n"
		"  bring-up bitstream in SRAM, the link, the examples against sim\n"
		"  --keep DIR  keep the examples' traces in DIR (default: a temporary\n"
		"              folder, removed when every trace agreed)\n");
	return 2;
}

int cmd_doctor(int argc, char **argv)
{
	struct usbsel_args ua = {0};
	struct hil_usbsel want;
	const char *board = NULL, *list = NULL, *keep = NULL;
	int no_examples = 0;
	const struct cliopt opts[] = {
		{"examples", &list, NULL, NULL, 0},
		{"no-examples", NULL, &no_examples, NULL, 0},
		{"keep", &keep, NULL, NULL, 0},
		USBSEL_OPTS(ua),
		{0},
	};
	int nops = opts_parse(argc, argv, "hil doctor", opts, &board, 1);
	if (nops < 0 || usbsel_get(&want, &ua, "doctor") < 0)
		return usage();
	struct doctor dr = {0};
	char err[1024], names[MAX_EXAMPLES][64];
	if (board) {
		if (hil_board_load(&dr.b, board, err, sizeof(err)) < 0) {
			fprintf(stderr, "hil doctor: %s\n", err);
			return 2;
		}
		dr.have_board = 1;
	}
	int nex = no_examples ? 0 : examples(list, names, MAX_EXAMPLES, err, sizeof(err));
	if (nex < 0) {
		fprintf(stderr, "hil doctor: %s\n", err);
		return 2;
	}
	if (workdir(keep, dr.work, sizeof(dr.work), err, sizeof(err)) < 0) {
		fprintf(stderr, "hil doctor: %s\n", err);
		return 2;
	}

	char bringup[4096];
	int ground = step_usb(&dr, &want) == 0;
	ground = ground && step_identity(&dr) == 0;
	ground = ground && step_permission(&dr) == 0;
	ground = ground && step_bringup(&dr, bringup, sizeof(bringup)) == 0;
	if (ground)
		step_link(&dr, bringup);
	else
		doctor_say("link", V_SKIP, ground_lost, NULL);
	for (int i = 0; i < nex; i++)
		if (ground)
			step_example(&dr, names[i]);
		else
			doctor_say(names[i], V_SKIP, ground_lost, NULL);

	int failed = doctor_failures();
	if (failed)
		printf("verdict: %d step%s failed; the lines marked do: say what to try\n",
		       failed, failed == 1 ? "" : "s");
	else
		printf("verdict: %s works with hil\n", dr.b.name);
	workdir_done(keep, dr.work, dr.traces_kept);
	return failed ? 1 : 0;
}
