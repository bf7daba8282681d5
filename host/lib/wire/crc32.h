/* CRC-32/ISO-HDLC, the frame check of docs/protocol.md section 1. */
#ifndef HIL_CRC32_H
#define HIL_CRC32_H

#include <stddef.h>
#include <stdint.h>

#define HIL_CRC32_RESIDUE 0xDEBB20E3u

/* Running register (start with 0xFFFFFFFF); the CRC is ~register. */
uint32_t hil_crc32_update(uint32_t reg, const uint8_t *p, size_t n);
/* The CRC of a whole buffer. */
uint32_t hil_crc32(const uint8_t *p, size_t n);

#endif
