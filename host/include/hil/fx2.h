/* FX2 boards (Glasgow) from the host, through libusb and hil's firmware
 * (firmware/fx2, docs/fx2.md): the firmware loaded into the FX2's RAM with
 * the boot ROM's 0xA0 request unless the same build already runs, then the
 * FPGA configured through the firmware unless it already holds the same
 * bitstream (by CRC-32). */
#ifndef HIL_FX2_H
#define HIL_FX2_H

#include <stddef.h>
#include <stdint.h>

#include "hil/board.h"

struct hil_fx2_done {
	int firmware_loaded;  /* 0: the same build was running already */
	int bitstream_loaded; /* 0: the FPGA held this bitstream already */
	unsigned api;
	uint32_t build;
};

/* build/firmware/BOARD/hil-fx2.ihx under hil's tree (HIL_ROOT). */
void hil_fx2_firmware_path(const struct hil_board *b, char *out, size_t n);
/* Where hil bitstream puts DUT_DIR's image by default (hil_bitstream_home);
 * -1 with the reason in err. */
int hil_fx2_bitstream_path(const struct hil_board *b, const char *dut_dir, char *out, size_t n,
			   char *err, size_t errlen);

struct libusb_context;
struct libusb_device;
struct libusb_device_handle;

/* Where a board is plugged in: its bus and the hub ports from the root
 * down. Neither the FX2's boot ROM nor hil's firmware has a serial number,
 * and the bus address changes at every re-enumeration, so this is what
 * finds the same board again after a replug. */
struct hil_fx2_where {
	int bus;
	int nports;
	uint8_t ports[7];
};

void hil_fx2_where_of(struct libusb_device *d, struct hil_fx2_where *w);
/* "USB port 1-4.2", as Linux names it. */
void hil_fx2_where_name(const struct hil_fx2_where *w, char *out, size_t n);
/* Is some device plugged in there? */
int hil_fx2_present(const struct hil_fx2_where *where);

/* As hil_fx2_sram, and leaves the device open in *h (in context *ctx)
 * for the caller to use and close. With again, the FPGA is configured
 * even if it holds img already: a session must start from the state
 * configuration gives, and nothing else resets an FX2 board's bridge.
 * With where, only the FX2 plugged in there will do. */
int hil_fx2_open(const struct hil_board *b, const uint8_t *img, size_t len, int again,
		 const struct hil_fx2_where *where, struct hil_fx2_done *done,
		 struct libusb_context **ctx, struct libusb_device_handle **h, char *err,
		 size_t errlen);

/* Loads hil's firmware if needed and configures the FPGA with img. */
int hil_fx2_sram(const struct hil_board *b, const uint8_t *img, size_t len,
		 struct hil_fx2_done *done, char *err, size_t errlen);

#endif
