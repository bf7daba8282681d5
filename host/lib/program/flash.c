/* SPI NOR commands are the common JEDEC set (W25Q, MX25, IS25, AT25SF,
 * N25Q); the iCE40 SRAM sequence follows Lattice's TN1248 (iCE40
 * Programming and Configuration). */
#include "hil/flash.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <ftdi.h>

#include "util/errfmt.h"
#include "program/mpsse.h"
#include "util/clock.h"

#define PAGE       256
#define SECTOR     4096
#define BLOCK      65536
#define POLL_BYTES 64

static const struct {
	uint8_t id[3];
	const char *name;
} chips[] = {
	{{0xef, 0x40, 0x15}, "Winbond W25Q16"},
	{{0xef, 0x40, 0x16}, "Winbond W25Q32"},
	{{0xef, 0x40, 0x17}, "Winbond W25Q64"},
	{{0xef, 0x40, 0x18}, "Winbond W25Q128"},
	{{0xef, 0x70, 0x18}, "Winbond W25Q128JV-M"},
	{{0xc2, 0x20, 0x16}, "Macronix MX25L3233F"},
	{{0xc2, 0x20, 0x18}, "Macronix MX25L12835F"},
	{{0x9d, 0x60, 0x16}, "ISSI IS25LP032"},
	{{0x9d, 0x60, 0x18}, "ISSI IS25LP128"},
	{{0x1f, 0x86, 0x01}, "Adesto AT25SF161"},
	{{0x1f, 0x85, 0x01}, "Adesto AT25SF081"},
	{{0x20, 0xba, 0x16}, "Micron N25Q032"},
	{{0x20, 0xba, 0x18}, "Micron N25Q128"},
	{{0xc8, 0x40, 0x16}, "GigaDevice GD25Q32"},
	{{0xc8, 0x40, 0x18}, "GigaDevice GD25Q128"},
};

static void progress(struct hil_flash_opts *o, const char *what, size_t done, size_t total)
{
	if (o->progress)
		o->progress(o->user, what, done, total);
}

static void cmd(struct mpsse *m, const uint8_t *c, size_t n)
{
	mpsse_cs(m, 1);
	mpsse_write(m, c, n);
	mpsse_cs(m, 0);
}

static void cmd_addr(struct mpsse *m, uint8_t op, uint32_t a)
{
	uint8_t c[4] = {op, (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a};
	mpsse_cs(m, 1);
	mpsse_write(m, c, 4);
}

/* Write-enable, then the status register, sent with what follows. */
static void write_enable(struct mpsse *m)
{
	static const uint8_t wren = 0x06, rdsr = 0x05;
	cmd(m, &wren, 1);
	mpsse_cs(m, 1);
	mpsse_write(m, &rdsr, 1);
	mpsse_read(m, 1);
	mpsse_cs(m, 0);
}

/* Holds CS low on a status read (its command and a first burst already
 * queued, last = that burst's last byte once received) and reads the
 * register again in bursts until BUSY clears or the time is up. */
static int poll_busy(struct mpsse *m, uint8_t last, const char *what, uint32_t addr,
		     double limit_s, char *err, size_t errlen)
{
	uint8_t st[POLL_BYTES];
	double deadline = hil_mono_s() + limit_s;
	while (last & 0x01) {
		if (hil_mono_s() > deadline) {
			mpsse_cs(m, 0);
			mpsse_flush(m);
			return hil_fail(err, errlen,
					"busy timeout: the flash stayed "
					"busy for more than %.1f s %s 0x%06x",
					limit_s, what, addr);
		}
		mpsse_read(m, POLL_BYTES);
		if (mpsse_recv(m, st, POLL_BYTES) < 0)
			return hil_fail(err, errlen, "%s", m->err);
		last = st[POLL_BYTES - 1];
	}
	mpsse_cs(m, 0);
	return 0;
}

static void queue_status(struct mpsse *m)
{
	static const uint8_t rdsr = 0x05;
	mpsse_cs(m, 1);
	mpsse_write(m, &rdsr, 1);
	mpsse_read(m, POLL_BYTES);
}

/* Before the first write-enable: a flash still busy ignores it, and one
 * whose block-protect bits are set takes write-enable but then ignores
 * the erases and programs. */
static int wait_ready(struct mpsse *m, char *err, size_t errlen)
{
	uint8_t st[POLL_BYTES];
	queue_status(m);
	if (mpsse_recv(m, st, POLL_BYTES) < 0)
		return hil_fail(err, errlen, "%s", m->err);
	if (poll_busy(m, st[POLL_BYTES - 1], "before the first erase, at", 0, 1.0, err,
		      errlen) < 0)
		return -1;
	static const uint8_t rdsr = 0x05;
	mpsse_cs(m, 1);
	mpsse_write(m, &rdsr, 1);
	mpsse_read(m, 1);
	mpsse_cs(m, 0);
	if (mpsse_recv(m, st, 1) < 0)
		return hil_fail(err, errlen, "%s", m->err);
	if (st[0] & 0x1c)
		return hil_fail(err, errlen,
				"the flash is write-protected (status "
				"register %02x: block-protect bits set); clear them "
				"with a flash tool that writes the status register, "
				"then flash again",
				st[0]);
	return 0;
}

/* Reads the write-enable's status answer (the queued operation has gone
 * out with it, and a first status burst after it), then waits out BUSY. */
static int finish_op(struct mpsse *m, const char *what, uint32_t addr, double limit_s,
		     char *err, size_t errlen)
{
	uint8_t st[POLL_BYTES + 1];
	char after[64];
	queue_status(m);
	if (mpsse_recv(m, st, POLL_BYTES + 1) < 0)
		return hil_fail(err, errlen, "%s", m->err);
	if (!(st[0] & 0x02)) {
		mpsse_cs(m, 0);
		mpsse_flush(m);
		return hil_fail(err, errlen,
				"the flash did not take write-enable "
				"before %s at 0x%06x (status %02x): it is write-"
				"protected, or not wired as the board says",
				what, addr, st[0]);
	}
	snprintf(after, sizeof(after), "after %s at", what);
	return poll_busy(m, st[POLL_BYTES], after, addr, limit_s, err, errlen);
}

/* Wakes the flash and names it. Continuous-read mode ends on a read
 * whose mode bits are not Ax: eight FF bytes cover one- and four-wire
 * forms; in QPI mode FF is the exit command too. */
static int identify(struct mpsse *m, struct hil_flash_opts *o, char *err, size_t errlen)
{
	static const uint8_t ff[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t rst[2] = {0x66, 0x99}, wake = 0xab, rdid = 0x9f;
	cmd(m, ff, sizeof(ff));
	cmd(m, rst, 1);
	cmd(m, rst + 1, 1);
	/* The reset takes tRST (30 us on the W25Q, more on others; it waits
	 * for a program or erase in progress): give it a millisecond. */
	mpsse_clocks(m, (unsigned long)(m->hz * 1e-3) + 8);
	cmd(m, &wake, 1);
	/* tRES1 (wake-up) is 3 us at most: clock it away. */
	mpsse_clocks(m, (unsigned long)(m->hz * 5e-6) + 8);
	mpsse_cs(m, 1);
	mpsse_write(m, &rdid, 1);
	mpsse_read(m, 3);
	mpsse_cs(m, 0);
	uint8_t id[3];
	if (mpsse_recv(m, id, 3) < 0)
		return hil_fail(err, errlen, "%s", m->err);
	if ((id[0] == 0xff && id[1] == 0xff && id[2] == 0xff) ||
	    (id[0] == 0 && id[1] == 0 && id[2] == 0))
		return hil_fail(err, errlen,
				"bad flash ID %02x%02x%02x: no flash "
				"answers on the SPI pins (is the FPGA holding the "
				"bus, or the board not the one named?)",
				id[0], id[1], id[2]);
	snprintf(o->chip, sizeof(o->chip), "unknown flash %02x%02x%02x", id[0], id[1], id[2]);
	for (size_t i = 0; i < sizeof(chips) / sizeof(chips[0]); i++)
		if (!memcmp(chips[i].id, id, 3))
			snprintf(o->chip, sizeof(o->chip), "%s (%02x%02x%02x)", chips[i].name,
				 id[0], id[1], id[2]);
	return 0;
}

static int erase(struct mpsse *m, size_t len, struct hil_flash_opts *o, char *err,
		 size_t errlen)
{
	size_t a = 0;
	while (a < len) {
		int block = a % BLOCK == 0 && len - a >= BLOCK;
		write_enable(m);
		cmd_addr(m, block ? 0xd8 : 0x20, (uint32_t)a);
		mpsse_cs(m, 0);
		if (finish_op(m, block ? "a 64 KiB block erase" : "a 4 KiB sector erase",
			      (uint32_t)a, block ? 4.0 : 1.0, err, errlen) < 0)
			return -1;
		a += block ? BLOCK : SECTOR;
		progress(o, "erase", a < len ? a : len, len);
	}
	return 0;
}

static int program(struct mpsse *m, const uint8_t *img, size_t len, struct hil_flash_opts *o,
		   char *err, size_t errlen)
{
	for (size_t a = 0; a < len; a += PAGE) {
		size_t k = len - a < PAGE ? len - a : PAGE;
		write_enable(m);
		cmd_addr(m, 0x02, (uint32_t)a);
		mpsse_write(m, img + a, k);
		mpsse_cs(m, 0);
		if (finish_op(m, "a page program", (uint32_t)a, 0.5, err, errlen) < 0)
			return -1;
		if ((a / PAGE) % 16 == 15 || a + k == len)
			progress(o, "write", a + k, len);
	}
	return 0;
}

static int verify(struct mpsse *m, const uint8_t *img, size_t len, struct hil_flash_opts *o,
		  char *err, size_t errlen)
{
	static uint8_t back[BLOCK];
	for (size_t a = 0; a < len; a += BLOCK) {
		size_t k = len - a < BLOCK ? len - a : BLOCK;
		cmd_addr(m, 0x03, (uint32_t)a);
		mpsse_read(m, k);
		mpsse_cs(m, 0);
		if (mpsse_recv(m, back, k) < 0)
			return hil_fail(err, errlen, "%s", m->err);
		for (size_t i = 0; i < k; i++)
			if (back[i] != img[a + i])
				return hil_fail(err, errlen,
						"verify mismatch at 0x%06zx: "
						"wrote %02x, read back %02x; the flash "
						"does not hold the image",
						a + i, img[a + i], back[i]);
		progress(o, "verify", a + k, len);
	}
	return 0;
}

static void nap_us(long us)
{
	struct timespec t = {us / 1000000, (us % 1000000) * 1000};
	nanosleep(&t, NULL);
}

/* CDONE, read every millisecond for up to limit_s: the FPGA takes a while
 * to read a bitstream from flash. */
static int cdone(struct mpsse *m, double limit_s, int *level)
{
	double deadline = hil_mono_s() + limit_s;
	for (;;) {
		uint8_t p;
		mpsse_pins(m);
		if (mpsse_recv(m, &p, 1) < 0)
			return -1;
		*level = (p & m->cdone) != 0;
		if (*level || hil_mono_s() > deadline)
			return 0;
		nap_us(1000);
	}
}

static int start(struct mpsse *m, struct ftdi_context *f, const struct hil_board *b,
		 struct hil_flash_opts *o, char *err, size_t errlen)
{
	if (mpsse_open(m, f, b, o->hz > 0 ? o->hz : 6e6) < 0) {
		/* the pins may already be driven: let go of them */
		ftdi_set_bitmode(f, 0, BITMODE_RESET);
		return hil_fail(err, errlen, "%s", m->err);
	}
	return 0;
}

int hil_flash_spi(struct ftdi_context *f, const struct hil_board *b, const uint8_t *img,
		  size_t len, struct hil_flash_opts *o, char *err, size_t errlen)
{
	static struct mpsse m;
	if (start(&m, f, b, o, err, errlen) < 0)
		return -1;
	/* The FPGA stays in reset, off the SPI bus, while we use the flash. */
	mpsse_creset(&m, 1);
	int rc = identify(&m, o, err, errlen);
	if (rc == 0)
		rc = wait_ready(&m, err, errlen);
	if (rc == 0)
		rc = erase(&m, len, o, err, errlen);
	if (rc == 0)
		rc = program(&m, img, len, o, err, errlen);
	if (rc == 0)
		rc = verify(&m, img, len, o, err, errlen);
	if (rc == 0) {
		/* Booting from flash, the FPGA drives SCK and MOSI itself. */
		mpsse_release_bus(&m);
		mpsse_creset(&m, 0);
		int level;
		if (cdone(&m, 1.0, &level) < 0)
			rc = hil_fail(err, errlen, "%s", m.err);
		else if (!level)
			rc = hil_fail(err, errlen,
				      "CDONE stayed low after the FPGA was "
				      "released from reset: the flash holds the image "
				      "(verified), but the FPGA did not configure "
				      "from it (is the image for this chip?)");
	}
	mpsse_close(&m);
	return rc;
}

int hil_flash_sram(struct ftdi_context *f, const struct hil_board *b, const uint8_t *img,
		   size_t len, struct hil_flash_opts *o, char *err, size_t errlen)
{
	static struct mpsse m;
	if (start(&m, f, b, o, err, errlen) < 0)
		return -1;
	/* SPI_SS low while CRESET rises puts the iCE40 in SPI slave mode. */
	mpsse_cs(&m, 1);
	mpsse_creset(&m, 1);
	mpsse_clocks(&m, 8);
	int level = 1, rc = 0;
	if (cdone(&m, 0, &level) < 0)
		rc = hil_fail(err, errlen, "%s", m.err);
	else if (level)
		rc = hil_fail(err, errlen,
			      "CDONE is high while the FPGA is held in "
			      "reset: CRESET or CDONE is not on the pins the board "
			      "definition names");
	if (rc == 0) {
		/* The housekeeping time: no clock may reach the FPGA before it
		 * has passed. 1200 us covers every iCE40 (the Linux driver's
		 * figure too). */
		mpsse_creset(&m, 0);
		if (mpsse_flush(&m) < 0)
			rc = hil_fail(err, errlen, "%s", m.err);
		nap_us(1200);
		mpsse_cs(&m, 0);
		mpsse_clocks(&m, 8);
		mpsse_cs(&m, 1);
		for (size_t a = 0; a < len && rc == 0; a += BLOCK) {
			size_t k = len - a < BLOCK ? len - a : BLOCK;
			mpsse_write(&m, img + a, k);
			if (mpsse_flush(&m) < 0) {
				rc = hil_fail(err, errlen, "%s", m.err);
				break;
			}
			progress(o, "sram", a + k, len);
		}
	}
	if (rc == 0) {
		mpsse_cs(&m, 0);
		/* at least 49 clocks after the data, with SPI_SS high */
		mpsse_clocks(&m, 56);
		if (cdone(&m, 0.1, &level) < 0)
			rc = hil_fail(err, errlen, "%s", m.err);
		else if (!level)
			rc = hil_fail(err, errlen,
				      "CDONE stayed low after the bitstream "
				      "went into SRAM: the FPGA rejected it (a damaged "
				      "image, or one for another chip)");
	}
	mpsse_close(&m);
	return rc;
}
