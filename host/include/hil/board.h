/* Board definitions (boards/NAME/board.mk) as the host needs them: the
 * chip, how the host reaches it (LINK: uart through an FTDI chip, the
 * default, or fx2), the USB chip's ID and interfaces, the UART rate, and
 * the flash channel's pins. board.mk is make syntax; we read its plain
 * "KEY := VALUE" lines. */
#ifndef HIL_BOARD_H
#define HIL_BOARD_H

#include <stddef.h>

struct hil_board {
	char name[48];
	char device[16];  /* up5k, hx8k, hx1k */
	char package[16]; /* sg48, ct256, bg121, tq144 */
	char link[8];     /* uart, fx2 */
	char synth[8];    /* SYNTH_DEVICE: synth_ice40's -device (u, hx, lp) */
	unsigned div;     /* DIV: bridge clocks per UART bit */
	char clk_mhz[16]; /* CLK_MHZ: the bridge's clock */
	char osc_mhz[16]; /* OSC_MHZ: the oscillator (default CLK_MHZ) */
	int pll, pll_divr, pll_divf, pll_divq, pll_filter; /* PLL, PLL_*: the iCE40 PLL */
	unsigned long baud;
	unsigned vid, pid;
	unsigned boot_vid, boot_pid; /* USB_ID_BOOT: the chip before its firmware */
	int uart_if, flash_if;       /* 0 = channel A */
	int sck, mosi, miso, cs, cdone, creset;
	long image_bytes; /* the device's bitstream without comment */
};

int hil_board_load(struct hil_board *b, const char *name, char *err, size_t errlen);
/* Overrides one of the bitstream's settings ("CLK_MHZ=40": CLK_MHZ,
 * OSC_MHZ, DIV, BAUD, PLL, PLL_DIVR, PLL_DIVF, PLL_DIVQ, PLL_FILTER); -1
 * with the reason in err for another key or a bad value. */
int hil_board_override(struct hil_board *b, const char *setting, char *err, size_t errlen);
/* 1 if s can name a board as boards/ spells it: letters, digits, _ and -,
 * not starting with -, at most 40 characters (safe in a make argument and
 * a path). */
int hil_board_name_ok(const char *s);
/* 0 if the host reaches b through an FTDI chip (UART and SPI flash), else
 * -1 with the reason in err. */
int hil_board_ftdi(const struct hil_board *b, char *err, size_t errlen);
/* Every board in boards/, sorted; returns how many (at most max). */
int hil_board_all(struct hil_board *b, int max);

#endif
