/* An iCE40 bitstream file as hil flash takes it: the bytes, the comment
 * our build puts in front ("hil board=B device=D dut=N signature=S ..."),
 * and the checks that keep a wrong image off a board: its size is the
 * device's, and its comment, when there is one, names the same device (and
 * the DUT signature the user expects). */
#ifndef HIL_BITFILE_H
#define HIL_BITFILE_H

#include <stddef.h>
#include <stdint.h>

#include "hil/board.h"

#define HIL_BITFILE_MAX (4u << 20)

struct hil_bitfile {
	uint8_t *data;
	size_t len;
	size_t comment_bytes; /* what the comment adds to the device's size */
	int has_hil;          /* the comment is one of our builds' */
	char board[48], device[16], package[16], dut[64];
	uint64_t signature;
};

int hil_bitfile_load(struct hil_bitfile *f, const char *path, char *err, size_t errlen);
void hil_bitfile_free(struct hil_bitfile *f);
/* 0 if the image may go onto board b; want_sig: 0 for no DUT check. */
int hil_bitfile_check(const struct hil_bitfile *f, const struct hil_board *b,
		      uint64_t want_sig, char *err, size_t errlen);

#endif
