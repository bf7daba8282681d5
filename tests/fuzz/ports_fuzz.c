/* The ports.json reader (hil_ports_load), on any file. Besides not
 * crashing: a list it accepts has names that fit, widths in range, byte
 * counts that match and no two ports with one name, and its signature is
 * the one recomputed from the list. */
#include <string.h>

#include "fuzz.h"
#include "hil/ports.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hil_ports p;
	char err[512];
	if (hil_ports_load(&p, fuzz_file("ports.json", data, size), err, sizeof(err)) < 0)
		return 0;
	FUZZ_CHECK(p.n <= HIL_MAX_PORTS);
	for (size_t i = 0; i < p.n; i++) {
		const struct hil_port *q = &p.port[i];
		FUZZ_CHECK(memchr(q->name, '\0', sizeof(q->name)) && q->name[0]);
		FUZZ_CHECK(q->width >= 1 && q->width <= HIL_MAX_PORT_WIDTH);
		FUZZ_CHECK(q->nbytes == (q->width + 7) / 8);
		FUZZ_CHECK(hil_ports_find(&p, q->name) == (int)i);
	}
	FUZZ_CHECK(p.signature == hil_ports_signature(&p));
	hil_ports_free(&p);
	return 0;
}
