/* hil's FX2 firmware: the chip-side glue. It answers EP0 by polling
 * USBIRQ (no interrupts, so nothing runs behind the main loop's back),
 * configures the iCE40 through iceconf.c, and then hands the FD bus to
 * the slave FIFOs in auto mode: EP2 OUT to the bridge, EP6 IN from it,
 * with no 8051 on the data path. A short reply is not held back waiting
 * for 512 bytes: the gateware's PHY commits a partial IN packet with
 * PKTEND the clock its transmit queue runs dry, sooner than a poll here
 * could (and INPKTEND from the 8051 would race the FPGA's writes). */
#include <stdint.h>

#include "fx2_pins.h"
#include "fx2regs.h"
#include "hilfx2.h"
#include "iceconf.h"
#include "pins.h"
#include "setup.h"

/* identity: 'HILF', api, board, 0, build id (HILFX2_BUILD, a hash of the
 * sources, given by mk/firmware.mk); the host looks for these 12 bytes
 * in an image to tell whether the device already runs it. */
static const __code uint8_t identity[12] = {
	'H',
	'I',
	'L',
	'F',
	HILFX2_API & 0xff,
	HILFX2_API >> 8,
	BOARD_ID,
	0,
	HILFX2_BUILD & 0xff,
	(HILFX2_BUILD >> 8) & 0xff,
	(HILFX2_BUILD >> 16) & 0xff,
	(HILFX2_BUILD >> 24) & 0xff,
};

static struct iceconf conf;
static uint8_t configuration, fifo_on;
static __xdata uint8_t reply[16];

static uint8_t highspeed(void)
{
	return (USBCS & USBCS_HSM) ? 1 : 0;
}

static uint8_t flags(void)
{
	uint8_t f = 0;
	if (pins_cdone())
		f |= HILFX2_F_CDONE;
	if (conf.state == HILFX2_ST_DONE && pins_cdone())
		f |= HILFX2_F_CONFIGURED;
	if (highspeed())
		f |= HILFX2_F_HIGHSPEED;
	return f;
}

/* FIFORESET and OUTPKTEND act only while the endpoints are in manual
 * mode, so auto mode is switched off around them. */
static void fifo_reset(void)
{
	EP2FIFOCFG = 0x00;
	SYNCDELAY();
	EP6FIFOCFG = 0x00;
	SYNCDELAY();
	FIFORESET = 0x80;
	SYNCDELAY();
	FIFORESET = 0x02;
	SYNCDELAY();
	FIFORESET = 0x06;
	SYNCDELAY();
	FIFORESET = 0x00;
	SYNCDELAY();
	/* arm both OUT buffers (double buffering) by skipping them */
	OUTPKTEND = 0x82;
	SYNCDELAY();
	OUTPKTEND = 0x82;
	SYNCDELAY();
	EP6AUTOINLENH = highspeed() ? 0x02 : 0x00;
	SYNCDELAY();
	EP6AUTOINLENL = highspeed() ? 0x00 : 0x40;
	SYNCDELAY();
	/* 8-bit bus (WORDWIDE off), AUTOOUT; AUTOIN with zero-length
	 * packets, and EP6's full flag one byte early (INFM1): the PHY
	 * (gateware/hil_fx2_fifo.v) acts on flags two clocks old and counts
	 * on that byte */
	EP2FIFOCFG = 0x10;
	SYNCDELAY();
	EP6FIFOCFG = 0x4C;
	SYNCDELAY();
}

/* Ports mode with IFCLK running (the FIFO registers need it), SPI pins
 * driven: the state for configuring the FPGA. */
static void bus_to_ports(void)
{
	IFCONFIG = 0xE0;
	SYNCDELAY();
	fifo_on = 0;
	pins_init();
}

/* Internal 48 MHz IFCLK, driven to the FPGA, synchronous slave FIFO. */
static void bus_to_fifo(void)
{
	OEB = 0;
	IFCONFIG = 0xE3;
	SYNCDELAY();
	fifo_reset();
	fifo_on = 1;
}

static void endpoints_init(void)
{
	REVCTL = 0x03; /* DYN_OUT, ENH_PKT: firmware arms OUT buffers */
	SYNCDELAY();
	EP2CFG = 0xA2; /* valid, OUT, bulk, 512, double */
	SYNCDELAY();
	EP6CFG = 0xE2; /* valid, IN, bulk, 512, double */
	SYNCDELAY();
	EP4CFG = 0x00;
	SYNCDELAY();
	EP8CFG = 0x00;
	SYNCDELAY();
	/* FLAGA: EP2 empty, FLAGC: EP6 full, as Glasgow's gateware expects;
	 * active low */
	PINFLAGSAB = 0x98;
	SYNCDELAY();
	PINFLAGSCD = 0xFE;
	SYNCDELAY();
	FIFOPINPOLAR = 0x00;
	SYNCDELAY();
}

static void ep0_ack(void)
{
	EP0CS = EP0CS_HSNAK;
}

static void ep0_stall(void)
{
	EP0CS = EP0CS_STALL;
	EP0CS = EP0CS_STALL | EP0CS_HSNAK;
}

static void ep0_send(const uint8_t *p, uint8_t n)
{
	uint8_t i;
	for (i = 0; i < n; i++)
		EP0BUF[i] = p[i];
	EP0BCH = 0;
	EP0BCL = n;
	ep0_ack();
}

/* The next OUT packet of a data stage; 0 if a new SETUP came instead
 * (the host gave up on this one). */
static uint8_t ep0_receive(void)
{
	EP0BCH = 0;
	EP0BCL = 0;
	while (EP0CS & EP0CS_BUSY)
		if (USBIRQ & USBIRQ_SUDAV)
			return 0;
	return EP0BCL;
}

static void reset_toggle(uint8_t ep)
{
	TOGCTL = (ep & 0x0f) | ((ep & 0x80) ? TOGCTL_IO : 0);
	TOGCTL |= TOGCTL_R;
}

static void handle_setup(void)
{
	struct setup_route r;
	uint16_t left;
	uint8_t n, i;

	setup_decide((const uint8_t *)SETUPDAT, highspeed(), &r);
	switch (r.action) {
	case SETUP_SEND:
		ep0_send(r.ptr, (uint8_t)r.len);
		return;
	case SETUP_IDENTIFY:
		for (i = 0; i < 12; i++)
			reply[i] = identity[i];
		reply[12] = flags();
		reply[13] = reply[14] = reply[15] = 0;
		ep0_send(reply, (uint8_t)r.len);
		return;
	case SETUP_STATUS:
		iceconf_status(&conf, flags(), reply);
		ep0_send(reply, (uint8_t)r.len);
		return;
	case SETUP_GET_CONFIG:
		reply[0] = configuration;
		ep0_send(reply, 1);
		return;
	case SETUP_GET_INTERFACE:
	case SETUP_GET_STATUS:
		reply[0] = reply[1] = 0;
		ep0_send(reply, (uint8_t)r.len);
		return;
	case SETUP_SET_CONFIG:
		configuration = (uint8_t)r.value;
		reset_toggle(HILFX2_EP_OUT);
		reset_toggle(HILFX2_EP_IN);
		ep0_ack();
		return;
	case SETUP_SET_INTERFACE:
		reset_toggle(HILFX2_EP_OUT);
		reset_toggle(HILFX2_EP_IN);
		ep0_ack();
		return;
	case SETUP_CLEAR_HALT:
		if (r.value == HILFX2_EP_OUT)
			EP2CS &= ~EPCS_STALL;
		else
			EP6CS &= ~EPCS_STALL;
		reset_toggle((uint8_t)r.value);
		ep0_ack();
		return;
	case SETUP_CONFIG_BEGIN:
		if (ep0_receive() != 8) {
			ep0_stall();
			return;
		}
		bus_to_ports();
		iceconf_begin(&conf, (const uint8_t *)EP0BUF);
		ep0_ack();
		return;
	case SETUP_CONFIG_DATA:
		for (left = r.len; left; left -= n) {
			n = ep0_receive();
			if (n == 0 || n > left)
				return;
			iceconf_data(&conf, (const uint8_t *)EP0BUF, n);
		}
		ep0_ack();
		return;
	case SETUP_CONFIG_END:
		iceconf_end(&conf);
		if (conf.state == HILFX2_ST_DONE)
			bus_to_fifo();
		ep0_ack();
		return;
	case SETUP_RESET:
		if (fifo_on)
			fifo_reset();
		ep0_ack();
		return;
	case SETUP_ROM:
		ep0_ack();
		USBCS &= ~USBCS_RENUM;
		return;
	default:
		ep0_stall();
		return;
	}
}

void main(void)
{
	CPUCS = CPUCS_48MHZ;
	iceconf_init(&conf);
	endpoints_init();
	bus_to_ports();
	/* Take EP0 from the boot ROM and show the host our descriptors. */
	USBCS |= USBCS_DISCON | USBCS_RENUM;
	pins_delay_us(20000);
	USBCS &= ~USBCS_DISCON;

	for (;;) {
		if (USBIRQ & USBIRQ_SUDAV) {
			USBIRQ = USBIRQ_SUDAV;
			handle_setup();
		}
		if (USBIRQ & (USBIRQ_URES | USBIRQ_HSGRANT)) {
			USBIRQ = USBIRQ_URES | USBIRQ_HSGRANT;
			configuration = 0;
			if (fifo_on)
				fifo_reset();
		}
	}
}
