#include "pins_model.h"

#include <string.h>

#include "clock.h"
#include "pins.h"

struct pins_model pins_model;

void pins_model_reset(void)
{
	memset(&pins_model, 0, sizeof(pins_model));
	ice40_init(&pins_model.fpga);
	pins_model.ss_high = pins_model.creset_high = 1;
}

void pins_init(void)
{
}

void pins_creset(uint8_t high)
{
	if (high == pins_model.creset_high)
		return;
	pins_model.creset_high = high;
	/* The FX2 drives SCK all the time: it is an output of the port. */
	ice40_creset(&pins_model.fpga, !high, !pins_model.ss_high, 1, NULL);
}

void pins_ss(uint8_t high)
{
	pins_model.ss_high = high;
}

uint8_t pins_cdone(void)
{
	return (uint8_t)(pins_model.fpga.cdone || pins_model.cdone_stuck_high);
}

void pins_spi_byte(uint8_t b)
{
	if (!pins_model.ss_high) {
		ice40_byte(&pins_model.fpga, b);
		pins_model.bytes++;
	}
	ice40_clocks(&pins_model.fpga, 8);
	pins_model.clocks += 8;
	emu_add_us(8 / 6.0); /* a bit-banged SCK near 6 MHz */
}

void pins_spi_clocks(uint8_t n)
{
	ice40_clocks(&pins_model.fpga, n);
	pins_model.clocks += n;
	emu_add_us(n / 6.0);
}

void pins_delay_us(uint16_t us)
{
	emu_add_us(us);
}
