/* Board files (host/lib/build/board.c): each board here loads, a board names its
 * programmer with CABLE := NAME and gets that cable's flash pins from
 * boards/cables/NAME.mk, a line after CABLE overrides the cable, and a
 * cable that does not exist, or a cable that names another, is refused
 * with a message naming the file. Runs against a copy of the tree's
 * boards in a temporary HIL_ROOT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "hil/board.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int has(const char *err, const char *what)
{
	return strstr(err, what) != NULL;
}

int main(void)
{
	struct hil_board b;
	char err[1024];
	static const char *const dirs[] = {"gateware",    "boards",         "boards/cables",
					   "boards/mine", "boards/nocable", "boards/nested"};
	static const char *const files[] = {
		"gateware/hil_bridge.v", "boards/cables/pins.mk",   "boards/cables/loop.mk",
		"boards/mine/board.mk",  "boards/nocable/board.mk", "boards/nested/board.mk"};
	static const char *const boards[] = {"icebreaker", "hx8k", "icestick", "upduino3",
					     "glasgow-revc"};
	for (size_t i = 0; i < sizeof(boards) / sizeof(boards[0]); i++) {
		int rc = hil_board_load(&b, boards[i], err, sizeof(err));
		CHECK(rc == 0);
		if (rc)
			fprintf(stderr, "%s: %s\n", boards[i], err);
	}
	CHECK(hil_board_load(&b, "icebreaker", err, sizeof(err)) == 0);
	CHECK(b.flash_if == 0 && b.sck == 0 && b.mosi == 1 && b.miso == 2 && b.cs == 4 &&
	      b.cdone == 6 && b.creset == 7 && b.uart_if == 1);

	strcpy(root, "/tmp/hil_test_board_XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		CHECK(mkdir(path, 0700) == 0);
	}
	put("gateware/hil_bridge.v", "");
	setenv("HIL_ROOT", root, 1);
	put("boards/cables/pins.mk",
	    "FLASH_IF := 0\nFLASH_SCK := 0\nFLASH_MOSI := 1\n"
	    "FLASH_MISO := 2\nFLASH_CS := 4\nFLASH_CDONE := 6\n"
	    "FLASH_CRESET := 7\n");
	put("boards/cables/loop.mk", "CABLE := pins\n");
	static const char base[] =
		"DEVICE := up5k\nPACKAGE := sg48\nCLK_MHZ := 12\n"
		"BAUD := 3000000\nDIV := 4\nUSB_ID := 0403:6010\nUSB_IF := 1\n";
	char text[512];
	snprintf(text, sizeof(text), "%sCABLE := pins\nFLASH_CS := 3\n", base);
	put("boards/mine/board.mk", text);
	CHECK(hil_board_load(&b, "mine", err, sizeof(err)) == 0);
	CHECK(b.cdone == 6 && b.creset == 7 && b.cs == 3);
	snprintf(text, sizeof(text), "%sCABLE := nosuch\n", base);
	put("boards/nocable/board.mk", text);
	CHECK(hil_board_load(&b, "nocable", err, sizeof(err)) < 0 && has(err, "nosuch.mk"));
	snprintf(text, sizeof(text), "%sCABLE := loop\n", base);
	put("boards/nested/board.mk", text);
	CHECK(hil_board_load(&b, "nested", err, sizeof(err)) < 0 &&
	      has(err, "bad CABLE 'pins'") && has(err, "loop.mk"));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		CHECK(unlink(path) == 0);
	}
	for (size_t i = sizeof(dirs) / sizeof(dirs[0]); i-- > 0;) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		CHECK(rmdir(path) == 0);
	}
	CHECK(rmdir(root) == 0);
	return CHECK_DONE();
}
