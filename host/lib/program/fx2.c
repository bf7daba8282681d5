#include "hil/fx2.h"

#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hilfx2.h"
#include "wire/crc32.h"
#include "util/errfmt.h"
#include "hil/dut.h"
#include "build/root.h"
#include "hil/ihex.h"

#define ROM_VID       0x04b4
#define ROM_PID       0x8613
#define TIMEOUT_MS    2000
#define CHUNK         1023 /* what fxload sends at once */
#define RENUM_WAIT_MS 5000 /* the firmware leaves and rejoins the bus */

void hil_fx2_firmware_path(const struct hil_board *b, char *out, size_t n)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "firmware/%s/hil-fx2.ihx", b->name);
	hil_root_built(out, n, rel);
}

int hil_fx2_bitstream_path(const struct hil_board *b, const char *dut_dir, char *out, size_t n,
			   char *err, size_t errlen)
{
	char dir[4096];
	if (hil_bitstream_home(b->name, dut_dir, dir, sizeof(dir), err, errlen) < 0)
		return -1;
	if (snprintf(out, n, "%s/hil.bin", dir) >= (int)n)
		return hil_fail(err, errlen,
				"the build cache's path is too long: set HIL_CACHE");
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

/* The identity record the firmware carries: "HILF", api, board, 0, build. */
static int image_identity(const struct hil_ihex *h, unsigned *api, uint32_t *build)
{
	for (unsigned a = 0; a + 12 <= 0x4000; a++)
		if (h->used[a] && !memcmp(h->data + a, "HILF", 4)) {
			*api = (unsigned)h->data[a + 4] | (unsigned)h->data[a + 5] << 8;
			*build = le32(h->data + a + 8);
			return 0;
		}
	return -1;
}

static void sleep_ms(int ms)
{
	struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

void hil_fx2_where_of(struct libusb_device *d, struct hil_fx2_where *w)
{
	memset(w, 0, sizeof(*w));
	w->bus = libusb_get_bus_number(d);
	int n = libusb_get_port_numbers(d, w->ports, (int)sizeof(w->ports));
	w->nports = n > 0 ? n : 0;
}

void hil_fx2_where_name(const struct hil_fx2_where *w, char *out, size_t n)
{
	size_t k = (size_t)snprintf(out, n, "USB port %d", w->bus);
	for (int i = 0; i < w->nports && k < n; i++)
		k += (size_t)snprintf(out + k, n - k, "%c%u", i ? '.' : '-',
				      (unsigned)w->ports[i]);
}

static int at(libusb_device *d, const struct hil_fx2_where *w)
{
	struct hil_fx2_where here;
	if (!w)
		return 1;
	hil_fx2_where_of(d, &here);
	return here.bus == w->bus && here.nports == w->nports &&
		!memcmp(here.ports, w->ports, (size_t)w->nports);
}

/* The first device with vid:pid (any, if vid is 0) at where (anywhere, if
 * NULL), other than at (bus, addr) skip. */
static libusb_device *find(libusb_context *ctx, uint16_t vid, uint16_t pid,
			   const struct hil_fx2_where *where, int skip_bus, int skip_addr)
{
	libusb_device **list, *found = NULL;
	ssize_t n = libusb_get_device_list(ctx, &list);
	for (ssize_t i = 0; i < n && !found; i++) {
		struct libusb_device_descriptor dd;
		if (libusb_get_device_descriptor(list[i], &dd) == 0 &&
		    (!vid || (dd.idVendor == vid && dd.idProduct == pid)) &&
		    at(list[i], where) &&
		    !(libusb_get_bus_number(list[i]) == skip_bus &&
		      libusb_get_device_address(list[i]) == skip_addr))
			found = libusb_ref_device(list[i]);
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	return found;
}

int hil_fx2_present(const struct hil_fx2_where *where)
{
	libusb_context *ctx;
	if (libusb_init(&ctx) != 0)
		return 0;
	libusb_device *d = find(ctx, 0, 0, where, -1, -1);
	if (d)
		libusb_unref_device(d);
	libusb_exit(ctx);
	return d != NULL;
}

static int open_dev(libusb_device *d, libusb_device_handle **h, char *err, size_t errlen)
{
	int r = libusb_open(d, h);
	if (r == LIBUSB_ERROR_ACCESS)
		return hil_fail(err, errlen,
				"no permission to open the FX2 at bus %d "
				"device %d: install hil's udev rules (docs/list.md)",
				libusb_get_bus_number(d), libusb_get_device_address(d));
	if (r != 0)
		return hil_fail(err, errlen, "cannot open the FX2: %s", libusb_strerror(r));
	return 0;
}

static int vendor(libusb_device_handle *h, int in, uint8_t req, uint16_t value, uint8_t *data,
		  uint16_t len, const char *what, char *err, size_t errlen)
{
	int r = libusb_control_transfer(h, (uint8_t)((in ? 0x80 : 0x00) | 0x40), req, value, 0,
					data, len, TIMEOUT_MS);
	if (r < 0)
		return hil_fail(err, errlen, "the FX2 refused %s: %s", what,
				libusb_strerror(r));
	if (in && r < len)
		return hil_fail(err, errlen, "the FX2 answered %s with %d bytes, not %u", what,
				r, len);
	return r;
}

/* Holds the CPU, writes the image's bytes, lets it run. */
static int load(libusb_device_handle *h, const struct hil_ihex *img, char *err, size_t errlen)
{
	uint8_t one = 1, zero = 0;
	if (vendor(h, 0, 0xa0, 0xe600, &one, 1, "to hold its CPU (CPUCS)", err, errlen) < 0)
		return -1;
	for (unsigned a = 0; a < HIL_IHEX_SPACE;) {
		if (!img->used[a]) {
			a++;
			continue;
		}
		if (!(a < 0x4000 || (a >= 0xe000 && a < 0xe200)))
			return hil_fail(err, errlen,
					"the firmware image has bytes at "
					"0x%04x, outside the FX2's RAM",
					a);
		unsigned n = 0;
		while (n < CHUNK && a + n < HIL_IHEX_SPACE && img->used[a + n] &&
		       (a + n < 0x4000) == (a < 0x4000))
			n++;
		if (vendor(h, 0, 0xa0, (uint16_t)a, (uint8_t *)img->data + a, (uint16_t)n,
			   "a firmware write (0xA0)", err, errlen) < 0)
			return -1;
		a += n;
	}
	return vendor(h, 0, 0xa0, 0xe600, &zero, 1, "to start its CPU (CPUCS)", err, errlen) <
			0
		? -1
		: 0;
}

static int identify(libusb_device_handle *h, unsigned *api, uint32_t *build, char *err,
		    size_t errlen)
{
	uint8_t id[HILFX2_IDENTIFY_LEN];
	if (vendor(h, 1, HILFX2_REQ_IDENTIFY, 0, id, sizeof(id), "IDENTIFY", err, errlen) < 0)
		return -1;
	if (memcmp(id, "HILF", 4))
		return hil_fail(err, errlen,
				"the device at %04x:%04x is not running "
				"hil's firmware (its IDENTIFY reply lacks HILF)",
				HILFX2_VID, HILFX2_PID);
	*api = (unsigned)id[4] | (unsigned)id[5] << 8;
	*build = le32(id + 8);
	return 0;
}

static int no_fx2(const struct hil_board *b, const struct hil_fx2_where *where, char *err,
		  size_t errlen)
{
	char place[64] = "on USB";
	if (where) {
		memcpy(place, "at ", 3);
		hil_fx2_where_name(where, place + 3, sizeof(place) - 3);
	}
	return hil_fail(err, errlen,
			"no FX2 for board %s %s: looked for %04x:%04x (hil's "
			"firmware) and %04x:%04x (an FX2 waiting for firmware); plug the "
			"board in",
			b->name, place, HILFX2_VID, HILFX2_PID, ROM_VID, ROM_PID);
}

/* Leaves *h open on a device at where (any, if NULL) running exactly img's
 * build. */
static int boot(libusb_context **ctxp, const struct hil_board *b,
		const struct hil_fx2_where *where, const char *path,
		const struct hil_ihex *img, libusb_device_handle **h,
		struct hil_fx2_done *done, char *err, size_t errlen)
{
	unsigned want_api, api;
	uint32_t want_build, build;
	char why[512];
	if (hil_ihex_load((struct hil_ihex *)img, path, why, sizeof(why)) < 0)
		return hil_fail(err, errlen,
				"%s (build the firmware with: make firmware "
				"BOARD=%s)",
				why, b->name);
	if (image_identity(img, &want_api, &want_build) < 0)
		return hil_fail(err, errlen,
				"%s is not hil's FX2 firmware (no HILF "
				"identity record)",
				path);
	done->api = want_api;
	done->build = want_build;
	libusb_context *ctx = *ctxp;
	libusb_device *d = find(ctx, HILFX2_VID, HILFX2_PID, where, -1, -1);
	int bus = -1, addr = -1;
	if (d) {
		int rc = open_dev(d, h, err, errlen);
		bus = libusb_get_bus_number(d);
		addr = libusb_get_device_address(d);
		libusb_unref_device(d);
		if (rc < 0 || identify(*h, &api, &build, err, errlen) < 0)
			return -1;
		if (api == want_api && build == want_build)
			return 0;
		/* Other firmware: it hands EP0 back to the ROM, which loads ours. */
		if (vendor(*h, 0, HILFX2_REQ_ROM, 0, NULL, 0, "to hand EP0 to its boot ROM",
			   err, errlen) < 0)
			return -1;
	} else {
		d = find(ctx, ROM_VID, ROM_PID, where, -1, -1);
		if (!d)
			return no_fx2(b, where, err, errlen);
		bus = libusb_get_bus_number(d);
		addr = libusb_get_device_address(d);
		int rc = open_dev(d, h, err, errlen);
		libusb_unref_device(d);
		if (rc < 0)
			return -1;
	}
	int rc = load(*h, img, err, errlen);
	libusb_close(*h);
	*h = NULL;
	if (rc < 0)
		return -1;
	done->firmware_loaded = 1;
	/* The firmware leaves the bus and comes back as itself. A context
	 * made before that may not see the new device: look with new ones. */
	for (int t = 0; t < RENUM_WAIT_MS; t += 50) {
		sleep_ms(50);
		libusb_exit(*ctxp);
		*ctxp = NULL;
		if (libusb_init(ctxp) != 0)
			return hil_fail(err, errlen, "libusb cannot start again");
		d = find(*ctxp, HILFX2_VID, HILFX2_PID, where, bus, addr);
		if (!d)
			continue;
		rc = open_dev(d, h, err, errlen);
		libusb_unref_device(d);
		if (rc < 0 || identify(*h, &api, &build, err, errlen) < 0)
			return -1;
		if (api != want_api || build != want_build)
			return hil_fail(err, errlen,
					"the FX2 came back running firmware "
					"build %08x (API %u), not %s's %08x (API %u)",
					build, api, path, want_build, want_api);
		return 0;
	}
	return hil_fail(err, errlen,
			"the FX2 did not come back as hil's firmware "
			"(%04x:%04x) within %d s of loading %s: the image did not start",
			HILFX2_VID, HILFX2_PID, RENUM_WAIT_MS / 1000, path);
}

static int status(libusb_device_handle *h, uint8_t *st, char *err, size_t errlen)
{
	return vendor(h, 1, HILFX2_REQ_STATUS, 0, st, HILFX2_STATUS_LEN, "STATUS", err,
		      errlen) < 0
		? -1
		: 0;
}

static int configure(libusb_device_handle *h, const struct hil_board *b, const uint8_t *img,
		     size_t len, int again, struct hil_fx2_done *done, char *err,
		     size_t errlen)
{
	uint8_t st[HILFX2_STATUS_LEN];
	uint32_t crc = hil_crc32(img, len);
	if (status(h, st, err, errlen) < 0)
		return -1;
	if (!again && st[0] == HILFX2_ST_DONE && (st[2] & HILFX2_F_CDONE) &&
	    le32(st + 8) == crc)
		return 0;
	uint8_t begin[8] = {(uint8_t)len,         (uint8_t)(len >> 8), (uint8_t)(len >> 16),
			    (uint8_t)(len >> 24), (uint8_t)crc,        (uint8_t)(crc >> 8),
			    (uint8_t)(crc >> 16), (uint8_t)(crc >> 24)};
	if (vendor(h, 0, HILFX2_REQ_CONFIG_BEGIN, 0, begin, 8, "CONFIG_BEGIN", err, errlen) <
	    0)
		return -1;
	for (size_t a = 0; a < len; a += HILFX2_CONFIG_MAX) {
		uint16_t n =
			(uint16_t)(len - a < HILFX2_CONFIG_MAX ? len - a : HILFX2_CONFIG_MAX);
		if (vendor(h, 0, HILFX2_REQ_CONFIG_DATA, 0, (uint8_t *)img + a, n,
			   "CONFIG_DATA", err, errlen) < 0)
			return -1;
	}
	if (vendor(h, 0, HILFX2_REQ_CONFIG_END, 0, NULL, 0, "CONFIG_END", err, errlen) < 0 ||
	    status(h, st, err, errlen) < 0)
		return -1;
	done->bitstream_loaded = 1;
	switch (st[0] == HILFX2_ST_DONE ? HILFX2_E_NONE : st[1]) {
	case HILFX2_E_NONE:
		return 0;
	case HILFX2_E_NO_CDONE:
		return hil_fail(err, errlen,
				"CDONE stayed low after the bitstream went "
				"into SRAM: the FPGA rejected it (a damaged image, or one "
				"for another chip)");
	case HILFX2_E_CDONE_HIGH:
		return hil_fail(err, errlen,
				"CDONE is high while the FPGA is held in "
				"reset: CDONE or CRESET is not on the pins hil's firmware "
				"drives (boards/%s/fx2_pins.h)",
				b->name);
	default:
		return hil_fail(err, errlen,
				"the firmware lost count of the bitstream "
				"(error %u, %lu of %zu bytes received): run again",
				st[1], (unsigned long)le32(st + 4), len);
	}
}

int hil_fx2_open(const struct hil_board *b, const uint8_t *img, size_t len, int again,
		 const struct hil_fx2_where *where, struct hil_fx2_done *done,
		 libusb_context **ctxp, libusb_device_handle **hp, char *err, size_t errlen)
{
	char path[4096];
	memset(done, 0, sizeof(*done));
	hil_fx2_firmware_path(b, path, sizeof(path));
	libusb_context *ctx;
	if (libusb_init(&ctx) != 0)
		return hil_fail(err, errlen, "libusb cannot start (is /dev/bus/usb there?)");
	libusb_device_handle *h = NULL;
	struct hil_ihex *fw = malloc(sizeof(*fw));
	int rc = fw ? boot(&ctx, b, where, path, fw, &h, done, err, errlen)
		    : hil_fail(err, errlen, "out of memory");
	free(fw);
	if (rc == 0)
		rc = configure(h, b, img, len, again, done, err, errlen);
	if (rc < 0) {
		if (h)
			libusb_close(h);
		if (ctx)
			libusb_exit(ctx);
		return -1;
	}
	*ctxp = ctx;
	*hp = h;
	return 0;
}

int hil_fx2_sram(const struct hil_board *b, const uint8_t *img, size_t len,
		 struct hil_fx2_done *done, char *err, size_t errlen)
{
	libusb_context *ctx;
	libusb_device_handle *h;
	if (hil_fx2_open(b, img, len, 0, NULL, done, &ctx, &h, err, errlen) < 0)
		return -1;
	libusb_close(h);
	libusb_exit(ctx);
	return 0;
}
