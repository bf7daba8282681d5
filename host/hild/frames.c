/* The framing of hild's client protocol and of its talk with its workers:
 * a 4-byte big-endian length N (1 to max_msg), then N bytes of JSON. The
 * stream under it only moves bytes; this decides where messages end. */
#include "hild.h"

void frames_head(uint8_t head[4], size_t n)
{
	head[0] = (uint8_t)(n >> 24);
	head[1] = (uint8_t)(n >> 16);
	head[2] = (uint8_t)(n >> 8);
	head[3] = (uint8_t)n;
}

long frames_take(const uint8_t *buf, size_t len, size_t max_msg,
		 int (*on_msg)(void *owner, const char *msg, size_t n), void *owner,
		 const char **why)
{
	size_t off = 0;
	while (len - off >= 4) {
		const uint8_t *p = buf + off;
		size_t n = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
		if (n == 0 || n > max_msg) {
			*why = n ? "frame longer than the limit" : "empty frame";
			return -1;
		}
		if (len - off - 4 < n)
			break;
		off += 4 + n;
		int rc = on_msg(owner, (const char *)p + 4, n);
		if (rc < 0) {
			*why = NULL;
			return -1;
		}
		if (rc > 0) /* the owner wants no more for now */
			break;
	}
	return (long)off;
}
