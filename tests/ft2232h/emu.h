/* The whole emulated board as one struct: the FT2232H, its MPSSE engine,
 * the SPI flash, the iCE40 and the UART link, plus the USB requests in
 * flight. usbfs.c serves the kernel's usbdevfs interface from it. */
#ifndef EMU_EMU_H
#define EMU_EMU_H

#include <umockdev.h>

#include "chip.h"
#include "ice40.h"
#include "mpsse.h"
#include "spiflash.h"
#include "uartlink.h"

#define MAX_URBS 256

struct urb {
	UMockdevIoctlData *data; /* the usbdevfs_urb, its buffer resolved */
	UMockdevIoctlData *buf;
	UMockdevIoctlClient *client;
	int generation; /* the plug-in it was submitted to */
	double submitted_us;
	size_t done;  /* OUT: bytes consumed so far */
	int complete; /* ready to reap, with status and actual_length set */
};

struct emu {
	struct chip chip;
	struct spiflash flash;
	struct ice40 fpga;
	struct mpsse mpsse;
	struct uartlink uart;
	struct urb urbs[MAX_URBS];
	int nurbs;
	/* an unplug after this many bulk bytes (0: never); then every request
	 * fails with ENODEV, as once the kernel has seen the device go. With
	 * replug, the device comes back 300 ms later under a new device number
	 * (the board keeps its power: the FPGA runs on); file handles opened
	 * before stay dead. */
	unsigned long unplug_after, bulk_bytes;
	int unplugged, replug, power_cycle, generation;
	/* the unplug shows as a refused OUT submit, not a failed transfer */
	int unplug_at_submit;
	void (*on_unplug)(struct emu *e);
	unsigned long ioctls;
};

/* Serves the device's usbdevfs ioctls from handler's signal. */
void usbfs_attach(struct emu *e, UMockdevIoctlBase *handler);
/* The chip leaves the bus now: transfers in flight fail, on_unplug runs. */
void usbfs_unplug(struct emu *e);

#endif
