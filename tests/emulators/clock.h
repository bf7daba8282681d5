/* The emulator's notion of time: wall time since start plus the time the
 * SPI clocks the host asked for would have taken on the wire (the emulator
 * runs them instantly), so a flasher may wait by clocking, as on the chip. */
#ifndef EMU_CLOCK_H
#define EMU_CLOCK_H

double emu_now_us(void);
void emu_add_us(double us);

#endif
