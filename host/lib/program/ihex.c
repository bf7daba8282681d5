#include "hil/ihex.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/errfmt.h"

static int hexbyte(const char *s, uint8_t *out)
{
	unsigned v = 0;
	for (int i = 0; i < 2; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else
			return -1;
	}
	*out = (uint8_t)v;
	return 0;
}

int hil_ihex_load(struct hil_ihex *h, const char *path, char *err, size_t errlen)
{
	memset(h, 0, sizeof(*h));
	FILE *f = fopen(path, "r");
	if (!f)
		return hil_fail(err, errlen, "%s: %s", path, strerror(errno));
	char line[600];
	int n = 0, end = 0, rc = 0;
	while (!end && fgets(line, sizeof(line), f)) {
		n++;
		size_t len = strcspn(line, "\r\n");
		line[len] = '\0';
		if (len == 0)
			continue;
		uint8_t rec[256 + 5];
		size_t k = 0;
		if (line[0] != ':' || len % 2 == 0 || len < 11 ||
		    (len - 1) / 2 > sizeof(rec)) {
			rc = hil_fail(err, errlen, "%s:%d: not an Intel HEX record", path, n);
			break;
		}
		uint8_t sum = 0;
		for (; k < (len - 1) / 2; k++) {
			if (hexbyte(line + 1 + 2 * k, &rec[k]) < 0)
				break;
			sum = (uint8_t)(sum + rec[k]);
		}
		if (k != (len - 1) / 2 || (size_t)rec[0] + 5 != k) {
			rc = hil_fail(err, errlen,
				      "%s:%d: a record whose length does not "
				      "match its bytes",
				      path, n);
			break;
		}
		if (sum != 0) {
			rc = hil_fail(err, errlen,
				      "%s:%d: bad checksum (the file is "
				      "damaged)",
				      path, n);
			break;
		}
		unsigned addr = (unsigned)rec[1] << 8 | rec[2];
		if (rec[3] == 1) {
			end = 1;
		} else if (rec[3] == 0) {
			if (addr + rec[0] > HIL_IHEX_SPACE) {
				rc = hil_fail(err, errlen, "%s:%d: data past 64 KiB", path, n);
				break;
			}
			for (unsigned i = 0; i < rec[0]; i++) {
				h->bytes += !h->used[addr + i];
				h->used[addr + i] = 1;
				h->data[addr + i] = rec[4 + i];
			}
		} else {
			rc = hil_fail(err, errlen,
				      "%s:%d: record type %02x: only 00 and 01 "
				      "belong in an 8051 image",
				      path, n, rec[3]);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = hil_fail(err, errlen, "%s: %s", path, strerror(errno));
	else if (rc == 0 && !end)
		rc = hil_fail(err, errlen, "%s: no end record: the file is cut short", path);
	fclose(f);
	return rc;
}
