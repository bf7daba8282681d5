/* The FX2LP registers the firmware touches (addresses from the CY7C68013A
 * technical reference manual; fx2lib's and libfx2's headers agree). Only
 * for sdcc: the host-compiled files never include this. */
#ifndef HILFX2_FX2REGS_H
#define HILFX2_FX2REGS_H

#include <stdint.h>

#define XREG(name, addr) __xdata __at(addr) volatile uint8_t name

XREG(CPUCS, 0xE600);
XREG(IFCONFIG, 0xE601);
XREG(PINFLAGSAB, 0xE602);
XREG(PINFLAGSCD, 0xE603);
XREG(FIFORESET, 0xE604);
XREG(FIFOPINPOLAR, 0xE609);
XREG(REVCTL, 0xE60B);
XREG(EP2CFG, 0xE612);
XREG(EP4CFG, 0xE613);
XREG(EP6CFG, 0xE614);
XREG(EP8CFG, 0xE615);
XREG(EP2FIFOCFG, 0xE618);
XREG(EP4FIFOCFG, 0xE619);
XREG(EP6FIFOCFG, 0xE61A);
XREG(EP8FIFOCFG, 0xE61B);
XREG(EP6AUTOINLENH, 0xE624);
XREG(EP6AUTOINLENL, 0xE625);
XREG(OUTPKTEND, 0xE649);
XREG(USBIRQ, 0xE65D);
XREG(USBCS, 0xE680);
XREG(TOGCTL, 0xE683);
XREG(EP0BCH, 0xE68A);
XREG(EP0BCL, 0xE68B);
XREG(EP0CS, 0xE6A0);
XREG(EP2CS, 0xE6A3);
XREG(EP6CS, 0xE6A5);
__xdata __at(0xE6B8) volatile uint8_t SETUPDAT[8];
__xdata __at(0xE740) volatile uint8_t EP0BUF[64];

__sfr __at(0x80) IOA;
__sfr __at(0x90) IOB;
__sfr __at(0xB2) OEA;
__sfr __at(0xB3) OEB;

/* bits */
#define CPUCS_48MHZ    0x10
#define USBCS_HSM      0x80
#define USBCS_DISCON   0x08
#define USBCS_RENUM    0x02
#define EP0CS_HSNAK    0x80
#define EP0CS_BUSY     0x02
#define EP0CS_STALL    0x01
#define USBIRQ_SUDAV   0x01
#define USBIRQ_URES    0x10
#define USBIRQ_HSGRANT 0x20
#define EPCS_STALL     0x01
#define TOGCTL_IO      0x10
#define TOGCTL_R       0x20

/* The TRM's synchronisation delay between some register writes: 3 CPU
 * cycles at 48 MHz for a 48 MHz IFCLK; one more for margin. */
#define SYNCDELAY() __asm__("nop\n\tnop\n\tnop\n\tnop")

#endif
