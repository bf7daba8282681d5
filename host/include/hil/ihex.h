/* Intel HEX images (sdcc's .ihx), as the FX2's firmware comes: data
 * records (type 00) and the end record (01), each with its checksum
 * checked. The image is read into a 64 KiB address space with a map of
 * which bytes the file sets. */
#ifndef HIL_IHEX_H
#define HIL_IHEX_H

#include <stddef.h>
#include <stdint.h>

#define HIL_IHEX_SPACE 0x10000

struct hil_ihex {
	uint8_t data[HIL_IHEX_SPACE];
	uint8_t used[HIL_IHEX_SPACE]; /* 1 where the file sets the byte */
	size_t bytes;                 /* how many it sets */
};

/* 0, or -1 with the file, line and what is wrong in err. */
int hil_ihex_load(struct hil_ihex *h, const char *path, char *err, size_t errlen);

#endif
