/* pins.h on the chip: the board's port pins, bit-banged (SCK near 6 MHz
 * with the 8051 at 48 MHz). */
#include "pins.h"

#include "fx2_pins.h"
#include "fx2regs.h"

__sbit __at(PIN_CRESET) creset_pin;
__sbit __at(PIN_CDONE) cdone_pin;
__sbit __at(PIN_SI) si_pin;
__sbit __at(PIN_SS) ss_pin;
__sbit __at(PIN_SCK) sck_pin;

void pins_init(void)
{
	creset_pin = 0;
	OEA |= OEA_CONFIG;
	ss_pin = 1;
	sck_pin = 1;
	si_pin = 1;
	OEB |= OEB_CONFIG;
}

void pins_creset(uint8_t high)
{
	creset_pin = high ? 1 : 0;
}

void pins_ss(uint8_t high)
{
	ss_pin = high ? 1 : 0;
}

uint8_t pins_cdone(void)
{
	return cdone_pin ? 1 : 0;
}

void pins_spi_byte(uint8_t b)
{
	uint8_t i;

	for (i = 0; i < 8; i++) {
		sck_pin = 0;
		si_pin = (b & 0x80) ? 1 : 0;
		b <<= 1;
		sck_pin = 1;
	}
}

void pins_spi_clocks(uint8_t n)
{
	si_pin = 1;
	while (n--) {
		sck_pin = 0;
		sck_pin = 1;
	}
}

/* At least a microsecond an iteration: the loop and its eight NOPs take
 * about 18 instruction cycles of 83 ns at 48 MHz. Longer waits are safe
 * here; every wait iceconf.c asks for is a minimum. */
void pins_delay_us(uint16_t us)
{
	while (us--) {
		__asm__("nop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop");
	}
}
