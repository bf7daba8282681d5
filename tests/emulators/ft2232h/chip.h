/* The emulated FTDI chip as the USB host sees it: descriptors, FTDI vendor
 * requests and its channels. On the FT2232H (iCEBreaker, HX8K breakout),
 * channel A (interface 0) runs the MPSSE engine wired to the board's SPI
 * flash and the iCE40's configuration port, and channel B (interface 1)
 * is the UART wired to the Verilator model of the board top. The FT232H
 * (UPduino v3) has channel A only: MPSSE for flashing, and the UART, over
 * the same pins, in its reset mode. usbfs.c calls in here; nothing here
 * knows about ioctls. */
#ifndef EMU_CHIP_H
#define EMU_CHIP_H

#include <stddef.h>
#include <stdint.h>

#define CHIP_PKT 512          /* high-speed bulk packet */
#define CHIP_INQ (256 * 1024) /* device-to-host buffer of one channel */

struct chan {
	int bitmode; /* 0: reset (UART), 2: MPSSE */
	int latency_ms;
	unsigned long baud;   /* as the host set it, decoded */
	uint8_t in[CHIP_INQ]; /* ring of bytes for the host */
	size_t in_head, in_len;
	int kernel_driver; /* ftdi_sio bound to this interface */
	void *claimed_by;  /* the usbfs client that claimed it */
};

struct chip {
	int ft232h; /* else an FT2232H */
	const char *serial, *description;
	struct chan ch[2];
	int configuration;
};

/* The descriptor bytes the kernel would put in sysfs (device, then the
 * whole configuration). */
size_t chip_descriptors(const struct chip *c, uint8_t *out, size_t cap);
unsigned chip_pid(const struct chip *c);
unsigned chip_bcd(const struct chip *c);
/* The channel whose UART reaches the board's RX/TX. */
int chip_uart_chan(const struct chip *c);

/* A control transfer. setup: the 8 setup bytes; data: wLength bytes (in
 * for OUT requests, filled for IN ones). Returns the bytes of data
 * transferred, or -1 for a stall (an unknown request). */
int chip_control(struct chip *c, const uint8_t *setup, uint8_t *data);

/* Queues bytes for the host on channel i; returns how many fitted. */
size_t chan_push(struct chan *ch, const uint8_t *p, size_t n);
size_t chan_room(const struct chan *ch);
/* Fills an IN transfer of cap bytes as the chip does: each packet of 512
 * starts with its two modem status bytes. Returns the bytes written (at
 * least 2 when cap allows). */
size_t chan_pull(struct chan *ch, uint8_t *out, size_t cap);

#endif
