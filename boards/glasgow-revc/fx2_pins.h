/* Glasgow revC: the FX2 port pins wired to the iCE40's configuration
 * port (from Glasgow's firmware and schematics, see this folder's
 * README.md). SPI shares port B with the slave FIFO's FD bus, so the
 * firmware drives PB2-PB4 only while configuring, in ports mode, and lets
 * go of them before it turns the slave FIFO on. CRESET_B has a pull-down
 * on the board: the FPGA stays in reset until the firmware drives it. */
#ifndef HILFX2_BOARD_PINS_H
#define HILFX2_BOARD_PINS_H

#define BOARD_ID HILFX2_BOARD_GLASGOW_REVC

/* bit-addressable port bits: SFR address + bit */
#define PIN_CRESET 0x81 /* PA1 */
#define PIN_CDONE  0x83 /* PA3 */
#define PIN_SI     0x92 /* PB2: data into the FPGA */
#define PIN_SS     0x93 /* PB3 */
#define PIN_SCK    0x94 /* PB4 */

#define OEA_CONFIG 0x02 /* CRESET */
#define OEB_CONFIG 0x1c /* SI, SS, SCK */

#endif
