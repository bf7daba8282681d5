/* The session log reader (hil replay and hil trace export read logs that
 * users pass around), on any file. Besides not crashing: the reader ends
 * every file, with an end record or an error that names the file, within
 * as many records as the file has bytes, and every record's port is one
 * the log's header lists. */
#include <string.h>

#include "fuzz.h"
#include "hil/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("hlog", data, size);
	struct hil_log_reader r;
	char err[512];
	if (hil_log_open(&r, path, err, sizeof(err)) < 0) {
		FUZZ_CHECK(strstr(err, path) != NULL);
		return 0;
	}
	size_t n = 0;
	for (;;) {
		struct hil_log_rec rec;
		int rc = hil_log_next(&r, &rec, err, sizeof(err));
		if (rc <= 0) {
			FUZZ_CHECK(rc == 0 || strstr(err, path) != NULL);
			break;
		}
		FUZZ_CHECK(++n <= size);
		FUZZ_CHECK(rec.port >= -1 && rec.port < (int)r.ports.n);
	}
	hil_log_close(&r);
	return 0;
}
