/* A W25Q128JV-class SPI NOR flash (16 MiB): the commands a flasher uses,
 * with the chip's rules: write-enable before every program or erase,
 * programming only clears bits, a page program wraps within its 256-byte
 * page, erases set whole sectors or blocks to FF, and the chip stays busy
 * for its typical program and erase times. Deep power-down ignores
 * everything but the wake command (0xAB); continuous-read mode swallows the
 * next transaction's opcode until an FF opcode resets it. After a software
 * reset (66 then 99) the chip takes no command for tRST, 30 us. */
#ifndef EMU_SPIFLASH_H
#define EMU_SPIFLASH_H

#include <stddef.h>
#include <stdint.h>

#define FLASH_SIZE (16u << 20)

struct spiflash {
	uint8_t *mem;
	uint8_t jedec[3];
	int wel, powered_down, cont_read;
	double busy_until_us;  /* on the emulator's clock (emu_now_us) */
	double reset_until_us; /* a software reset (66 99) takes tRST */
	int reset_enabled;
	/* the transaction in progress */
	int active;
	uint8_t op;
	unsigned n; /* bytes seen in this transaction */
	uint32_t addr;
	uint32_t page_base;
	/* faults */
	int stuck_busy;
	int protect;     /* block-protect bits set: erases and programs ignored */
	int absent;      /* no chip on the bus: MISO floats high */
	long corrupt_at; /* read-back of this address returns it inverted, or -1 */
	unsigned long programs, erases, reads, ignored;
};

int spiflash_init(struct spiflash *f);
void spiflash_free(struct spiflash *f);
void spiflash_select(struct spiflash *f);   /* CS fell */
void spiflash_deselect(struct spiflash *f); /* CS rose: the command takes effect */
/* One byte in on MOSI, the byte out on MISO. */
uint8_t spiflash_xfer(struct spiflash *f, uint8_t in);

#endif
