/* Constants the firmware keeps in code memory on the chip (sdcc's __code,
 * which on the FX2 is the same RAM the host loaded) and plain const data
 * when the same files are compiled on the host for their unit tests. */
#ifndef HILFX2_ROM_H
#define HILFX2_ROM_H

#ifdef __SDCC
#define ROM __code
#else
#define ROM
#endif

#endif
