/* The bitstream header reader (hil_bitfile_load) and the check that keeps
 * a wrong image off a board, on any file, against every board in boards/.
 * Besides not crashing: an image the check lets onto a board holds exactly
 * that board's bitstream size after its comment, and a comment of ours
 * names that board's device and package. */
#include <string.h>

#include "fuzz.h"
#include "hil/bitfile.h"
#include "hil/board.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hil_board boards[16];
	static int nboards = -1;
	if (nboards < 0)
		nboards = hil_board_all(boards, 16);
	FUZZ_CHECK(nboards > 0);
	struct hil_bitfile f;
	char err[512];
	if (hil_bitfile_load(&f, fuzz_file("bin", data, size), err, sizeof(err)) < 0)
		return 0;
	FUZZ_CHECK(f.len == size && f.comment_bytes < f.len);
	FUZZ_CHECK(memchr(f.board, '\0', sizeof(f.board)) &&
		   memchr(f.device, '\0', sizeof(f.device)) &&
		   memchr(f.package, '\0', sizeof(f.package)) &&
		   memchr(f.dut, '\0', sizeof(f.dut)));
	for (int i = 0; i < nboards; i++) {
		if (hil_bitfile_check(&f, &boards[i], f.signature, err, sizeof(err)) != 0)
			continue;
		FUZZ_CHECK(f.len - f.comment_bytes == (size_t)boards[i].image_bytes);
		FUZZ_CHECK(!f.has_hil || !strcmp(f.device, boards[i].device));
		FUZZ_CHECK(!f.has_hil || !f.package[0] ||
			   !strcmp(f.package, boards[i].package));
	}
	hil_bitfile_free(&f);
	return 0;
}
