/* CRC-32/ISO-HDLC by table, one byte a step: the same function the gateware
 * computes bit-serially in hil_crc32.v. */
#include "wire/crc32.h"

static uint32_t table[256];
static int table_ready;

static void make_table(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
		table[i] = c;
	}
	table_ready = 1;
}

uint32_t hil_crc32_update(uint32_t reg, const uint8_t *p, size_t n)
{
	if (!table_ready)
		make_table();
	while (n--)
		reg = table[(reg ^ *p++) & 0xFF] ^ (reg >> 8);
	return reg;
}

uint32_t hil_crc32(const uint8_t *p, size_t n)
{
	return ~hil_crc32_update(0xFFFFFFFFu, p, n);
}
