/* The pins between the FX2 and the iCE40, as iceconf.c uses them. On the
 * chip fx2_pins.c bit-bangs them on the board's port pins
 * (boards/glasgow-revc/fx2_pins.h); the host's unit test implements them
 * on the emulator's model of the iCE40. SPI is mode 3 as the iCE40's
 * configuration port wants it: SCK idles high, data out MSB first, the
 * FPGA samples on the rising edge. */
#ifndef HILFX2_PINS_H
#define HILFX2_PINS_H

#include <stdint.h>

void pins_init(void);
void pins_creset(uint8_t high);
void pins_ss(uint8_t high);
uint8_t pins_cdone(void);
void pins_spi_byte(uint8_t b);
/* n clocks with the data line high, as padding before and after the image */
void pins_spi_clocks(uint8_t n);
void pins_delay_us(uint16_t us);

#endif
