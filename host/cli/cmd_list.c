/* hil list: the USB devices hil can use, with the boards each may be. */
#include <stdio.h>

#include "cmds.h"
#include "hil/usbdev.h"
#include "opts.h"

int cmd_list(int argc, char **argv)
{
	const struct cliopt none[] = {{0}};
	if (opts_parse(argc, argv, "hil list", none, NULL, 0) < 0)
		return 2;
	struct hil_usbdev d[64];
	char err[256];
	int n = hil_usb_list(d, 64, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "hil list: %s\n", err);
		return 2;
	}
	if (n == 0) {
		printf("no FTDI device, FX2 or board is attached\n");
		return 0;
	}
	int denied = 0;
	printf("%-9s %-7s %-16s %-28s %s\n", "USB ID", "BUS/DEV", "SERIAL", "DESCRIPTION",
	       "BOARDS");
	for (int i = 0; i < n; i++) {
		char id[16], at[16], boards[256];
		snprintf(id, sizeof(id), "%04x:%04x", d[i].vid, d[i].pid);
		snprintf(at, sizeof(at), "%03d/%03d", d[i].bus, d[i].addr);
		hil_usb_boards_of(&d[i], boards, sizeof(boards));
		denied |= d[i].no_access;
		printf("%-9s %-7s %-16s %-28s %s\n", id, at,
		       d[i].no_access ? "?" : d[i].serial,
		       d[i].no_access ? "(no permission)" : d[i].product,
		       *boards ? boards : "-");
	}
	if (denied)
		fprintf(stderr,
			"hil list: this user may not open the devices marked "
			"(no permission): %s\n",
			hil_usb_access_help());
	return 0;
}
