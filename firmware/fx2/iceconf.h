/* Configuring the iCE40 as an SPI slave from the bitstream the host sends
 * over EP0 (Lattice TN1248's sequence): CRESET low with SS low, then high,
 * the housekeeping wait, 8 clocks with SS high, the image with SS low,
 * then clocks until CDONE (at least the 49 the chip needs to start). The
 * state and its error are what the STATUS request reports. */
#ifndef HILFX2_ICECONF_H
#define HILFX2_ICECONF_H

#include <stdint.h>

struct iceconf {
	uint8_t state, error, ours;
	uint32_t expect, received, crc;
};

void iceconf_init(struct iceconf *c);
/* p: the 8 bytes of CONFIG_BEGIN (length, CRC-32) */
void iceconf_begin(struct iceconf *c, const uint8_t *p);
void iceconf_data(struct iceconf *c, const uint8_t *p, uint8_t n);
void iceconf_end(struct iceconf *c);
/* out: the 12 bytes of STATUS */
void iceconf_status(const struct iceconf *c, uint8_t flags, uint8_t *out);

#endif
