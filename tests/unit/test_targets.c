/* Target URIs (host/lib/session/targets.c): each scheme splits into its board part
 * and DUT directory, a tty's path may hold colons, and a URI that fits no
 * scheme (or lacks its board or directory) is refused with the list of
 * schemes, the same list the CLI's help prints. */
#include <string.h>

#include "check.h"
#include "hil/targets.h"

int main(void)
{
	struct hil_target t;
	char err[2048], help[2048];
	CHECK(hil_target_parse("sim:examples/counter", &t, err, sizeof(err)) == 0);
	CHECK(!strcmp(t.scheme, "sim") && t.kind == HIL_TARGET_MODEL &&
	      !strcmp(t.dir, "examples/counter") && !strcmp(t.what, "sim") && !t.mid[0]);
	CHECK(hil_target_parse("netlist:icebreaker:d:with:colons", &t, err, sizeof(err)) == 0);
	CHECK(!strcmp(t.mid, "icebreaker") && !strcmp(t.dir, "d:with:colons") &&
	      !strcmp(t.what, "netlist:icebreaker"));
	CHECK(hil_target_parse("tty:icebreaker@/dev/serial/by-path/pci-0:1.2:1.1:dut", &t, err,
			       sizeof(err)) == 0);
	CHECK(t.kind == HIL_TARGET_BOARD && !strcmp(t.dir, "dut") &&
	      !strcmp(t.mid, "icebreaker@/dev/serial/by-path/pci-0:1.2:1.1"));
	CHECK(hil_target_parse("ftdi:hx8k@1/7:/srv/dut", &t, err, sizeof(err)) == 0);
	CHECK(!strcmp(t.mid, "hx8k@1/7") && !strcmp(t.dir, "/srv/dut"));
	CHECK(hil_target_parse("hild:type=icebreaker", &t, err, sizeof(err)) == 0);
	CHECK(t.kind == HIL_TARGET_HILD && !strcmp(t.dir, "type=icebreaker"));
	hil_targets_help(help, sizeof(help), "  ");
	static const char *const bad[] = {"bogus:x",   "sim:",    "netlist:icebreaker",
					  "ftdi::dut", "counter", "simx:dut",
					  ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = hil_target_parse(bad[i], &t, err, sizeof(err));
		CHECK(rc < 0 && strstr(err, help) && strstr(err, "usb:BOARD:DIR"));
	}
	return CHECK_DONE();
}
