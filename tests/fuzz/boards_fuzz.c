/* hild's board config reader (boards_load, the file --config names), on
 * any file, and the board list hild answers `boards` with. Besides not
 * crashing: every board it accepts has a name it will find again, and
 * the list names each board once. */
#include <string.h>

#include "fuzz.h"
#include "hild.h"

void hild_log(const char *fmt, ...)
{
	(void)fmt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hild d = {.lfd = -1, .tfd = -1};
	d.cfg.config = fuzz_file("boards.json", data, size);
	d.cfg.max_sims = 1;
	char err[512];
	if (boards_load(&d, err, sizeof(err)) == 0) {
		json_t *l = boards_list(&d), *e;
		size_t i;
		FUZZ_CHECK(json_is_array(json_object_get(l, "boards")));
		json_array_foreach(json_object_get(l, "boards"), i, e)
		{
			const char *name = json_string_value(json_object_get(e, "name"));
			FUZZ_CHECK(name && boards_find(&d, name));
			FUZZ_CHECK(!strcmp(board_name(boards_find(&d, name)), name));
			for (size_t k = 0; k < i; k++)
				FUZZ_CHECK(strcmp(
					name,
					json_string_value(json_object_get(
						json_array_get(json_object_get(l, "boards"), k),
						"name"))));
		}
		json_decref(l);
	} else {
		FUZZ_CHECK(strstr(err, d.cfg.config) || !strcmp(err, "out of memory"));
	}
	boards_free(&d);
	return 0;
}
