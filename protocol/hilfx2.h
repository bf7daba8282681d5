/* hil's FX2 firmware as the host sees it, shared by the firmware and
 * the host's usb transport so both sides agree by construction.
 *
 * After the host loads it (vendor request 0xA0, see docs/fx2.md) the chip
 * re-enumerates as HILFX2_VID:HILFX2_PID with bcdDevice = HILFX2_API, so a
 * host can tell which firmware a device runs from its device descriptor
 * without opening it. EP2 OUT carries bytes to the bridge and EP6 IN bytes
 * from it (the FX2's slave FIFOs, in auto mode: the 8051 never touches
 * them). EP0 carries the vendor requests below. Multi-byte fields are
 * little-endian. */
#ifndef HILFX2_H
#define HILFX2_H

/* pid.codes' test PID: fine on a bench, not for a product; see docs/fx2.md. */
#define HILFX2_VID 0x1209
#define HILFX2_PID 0x0001
/* Bumped on any change a host could notice; in bcdDevice. */
#define HILFX2_API 0x0001

#define HILFX2_EP_OUT 0x02
#define HILFX2_EP_IN  0x86

/* IN, 16 bytes: "HILF", api (2), board (1), 0, build id (4), flags (1),
 * 3 zeros. The build id is a hash of the firmware's sources, so the host
 * can tell whether the image it would load is the one already running. */
#define HILFX2_REQ_IDENTIFY 0xB0
/* OUT, 8 bytes: bitstream length (4), its CRC-32 (4). Resets the iCE40
 * into SPI slave configuration. */
#define HILFX2_REQ_CONFIG_BEGIN 0xB1
/* OUT, 1 to 4096 bytes: the next bytes of the bitstream. */
#define HILFX2_REQ_CONFIG_DATA 0xB2
/* OUT, no data: the closing clocks, then CDONE is checked. */
#define HILFX2_REQ_CONFIG_END 0xB3
/* IN, 12 bytes: state (1), error (1), flags (1), 0, bytes received (4),
 * CRC-32 of the bitstream the FPGA holds, 0 if none (4). */
#define HILFX2_REQ_STATUS 0xB4
/* OUT, no data: empties both FIFOs, dropping what the bridge has not
 * read and the host has not fetched (the host then reconfigures the FPGA
 * for the power-on state: no spare pin resets the bridge on its own). */
#define HILFX2_REQ_RESET 0xB5
/* OUT, no data: hands EP0 back to the chip's boot ROM (clears RENUM), so
 * that the host can load other firmware with 0xA0. */
#define HILFX2_REQ_ROM 0xB6

#define HILFX2_IDENTIFY_LEN 16
#define HILFX2_STATUS_LEN   12
#define HILFX2_CONFIG_MAX   4096

/* flags in IDENTIFY and STATUS */
#define HILFX2_F_CDONE      0x01 /* the iCE40's CDONE pin is high */
#define HILFX2_F_CONFIGURED 0x02 /* and it was this firmware that did it */
#define HILFX2_F_HIGHSPEED  0x04 /* enumerated at 480 Mbit/s */

/* STATUS state */
#define HILFX2_ST_IDLE    0 /* nothing loaded since power-on or a reset */
#define HILFX2_ST_LOADING 1 /* between CONFIG_BEGIN and CONFIG_END */
#define HILFX2_ST_DONE    2 /* CDONE rose */
#define HILFX2_ST_FAILED  3 /* see the error */

/* STATUS error */
#define HILFX2_E_NONE        0
#define HILFX2_E_NOT_LOADING 1 /* CONFIG_DATA or _END without a BEGIN */
#define HILFX2_E_TOO_LONG    2 /* more bytes than CONFIG_BEGIN announced */
#define HILFX2_E_SHORT       3 /* CONFIG_END before all of them came */
#define HILFX2_E_NO_CDONE    4 /* all sent, CDONE stayed low */
#define HILFX2_E_CDONE_HIGH  5 /* CDONE high with CRESET low: miswired */

#define HILFX2_BOARD_GLASGOW_REVC 1

#endif
