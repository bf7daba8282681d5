/* The USB descriptors of hil's FX2 firmware: one vendor-class interface
 * with bulk EP2 OUT and EP6 IN, 512-byte packets at high speed and 64 at
 * full speed, and the string and qualifier descriptors a USB 2.0 device
 * owes. Every one fits one 64-byte EP0 packet, so no descriptor needs a
 * multi-packet data stage. */
#ifndef HILFX2_DESCRIPTORS_H
#define HILFX2_DESCRIPTORS_H

#include <stdint.h>

#include "rom.h"

#define DESC_DEVICE      1
#define DESC_CONFIG      2
#define DESC_STRING      3
#define DESC_QUALIFIER   6
#define DESC_OTHER_SPEED 7

/* The descriptor asked for by GET_DESCRIPTOR's wValue (type in the high
 * byte, index in the low) at the speed the device runs: its bytes and
 * length, or 0 when there is no such descriptor (the request stalls). */
uint8_t desc_find(uint16_t wvalue, uint8_t highspeed, const ROM uint8_t **out);

#endif
