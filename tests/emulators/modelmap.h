/* Which board model runs behind an emulated FPGA, chosen as a real board
 * "chooses": by the bitstream it was configured with. A map file holds
 * lines "SIGNATURE PATH"; the bitstream's comment (hil bitstream writes
 * "... signature=HEX ... baud=N ...") names the DUT. */
#ifndef EMU_MODELMAP_H
#define EMU_MODELMAP_H

#include <stddef.h>

/* The value after `key` ("baud=") in the comment, or NULL. */
const char *modelmap_field(const char *comment, const char *key);
/* The map's model for the comment's signature into out; NULL (after
 * saying why on stderr, as who) when there is none. */
const char *modelmap_pick(const char *map, const char *comment, char *out, size_t n,
			  const char *who);

#endif
