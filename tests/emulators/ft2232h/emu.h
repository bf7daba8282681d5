/* The whole emulated board as one struct: the FT2232H, its MPSSE engine,
 * the SPI flash, the iCE40 and the UART link, on the USB-emulation core
 * (usbemu.h). usbfs.c is the chip's side of that core: its endpoints,
 * interfaces and the kernel's driver. */
#ifndef EMU_EMU_H
#define EMU_EMU_H

#include "chip.h"
#include "ice40.h"
#include "mpsse.h"
#include "spiflash.h"
#include "uartlink.h"
#include "usbemu.h"

struct emu {
	struct chip chip;
	struct spiflash flash;
	struct ice40 fpga;
	struct mpsse mpsse;
	struct uartlink uart;
	struct usbemu usb;
	/* an unplug after this many bulk bytes (0: never). With replug, the
	 * device comes back 300 ms later (back_ms) under a new device number
	 * (the board keeps its power: the FPGA runs on, unless power_cycle);
	 * file handles opened before stay dead. */
	unsigned long unplug_after, bulk_bytes, back_ms;
	int replug, power_cycle;
	/* the unplug shows as a refused OUT submit, not a failed transfer */
	int unplug_at_submit;
};

/* Puts the chip on the core: e->usb serves it once plugged. */
void usbfs_init(struct emu *e);
/* Plugs the chip in as device devnum on bus 1 (at port 1-devnum). */
int usbfs_plug(struct emu *e, int devnum);
/* The chip leaves the bus now: transfers in flight fail; with replug it
 * comes back back_ms later. */
void usbfs_unplug(struct emu *e);

#endif
