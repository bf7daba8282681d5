/* The iCE40 bitstream starts FF 00, then an optional comment, 00 FF, then
 * the sync word 7E AA 99 7E; icepack's -c text goes in that comment. */
#include "hil/bitfile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/errfmt.h"
#include "hil/readfile.h"

static void field(const char *c, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	for (const char *p = c; (p = strstr(p, key)); p++)
		if ((p == c || p[-1] == ' ') && p[kl] == '=') {
			size_t m = strcspn(p + kl + 1, " ");
			if (m >= n)
				m = n - 1;
			memcpy(out, p + kl + 1, m);
			out[m] = '\0';
			return;
		}
	out[0] = '\0';
}

int hil_bitfile_load(struct hil_bitfile *f, const char *path, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	char *data;
	int rc = hil_read_file(path, HIL_BITFILE_MAX, &data, &f->len, err, errlen);
	if (rc == -2)
		return hil_fail(err, errlen, "%s: larger than any iCE40 bitstream (4 MiB)",
				path);
	if (rc < 0)
		return -1;
	f->data = (uint8_t *)data;
	size_t sync = 0;
	for (size_t i = 0; i + 4 <= f->len && i < 4096 && !sync; i++)
		if (!memcmp(f->data + i, "\x7e\xaa\x99\x7e", 4))
			sync = i;
	if (f->len < 8 || f->data[0] != 0xff || f->data[1] != 0x00 || sync < 4) {
		hil_bitfile_free(f);
		return hil_fail(err, errlen,
				"%s is not an iCE40 bitstream (no FF 00 "
				"header and sync word 7EAA997E): give the .bin that "
				"hil bitstream wrote",
				path);
	}
	/* Without a comment, FF 00 00 FF comes right before the sync word. */
	f->comment_bytes = sync - 4;
	char c[512];
	size_t cl = f->comment_bytes < sizeof(c) ? f->comment_bytes : sizeof(c) - 1;
	memcpy(c, f->data + 2, cl);
	c[cl] = '\0';
	if (!strncmp(c, "hil ", 4)) {
		char sig[32];
		f->has_hil = 1;
		field(c, "board", f->board, sizeof(f->board));
		field(c, "device", f->device, sizeof(f->device));
		/* "up5k-sg48": the chip, then its package */
		size_t dash = strcspn(f->device, "-");
		if (f->device[dash])
			snprintf(f->package, sizeof(f->package), "%s", f->device + dash + 1);
		f->device[dash] = '\0';
		field(c, "dut", f->dut, sizeof(f->dut));
		field(c, "signature", sig, sizeof(sig));
		f->signature = strtoull(sig, NULL, 16);
	}
	return 0;
}

void hil_bitfile_free(struct hil_bitfile *f)
{
	free(f->data);
	f->data = NULL;
}

int hil_bitfile_check(const struct hil_bitfile *f, const struct hil_board *b,
		      uint64_t want_sig, char *err, size_t errlen)
{
	size_t bytes = f->len - f->comment_bytes;
	/* The same die in another package has its I/O on other balls. */
	if (f->has_hil &&
	    (strcmp(f->device, b->device) ||
	     (f->package[0] && b->package[0] && strcmp(f->package, b->package))))
		return hil_fail(err, errlen,
				"the image was built for board %s (%s%s%s), "
				"not for %s (%s%s%s): build it with hil bitstream "
				"--board %s",
				f->board, f->device, f->package[0] ? "-" : "", f->package,
				b->name, b->device, b->package[0] ? "-" : "", b->package,
				b->name);
	if (bytes != (size_t)b->image_bytes)
		return hil_fail(err, errlen,
				"the image holds %zu bytes of bitstream; "
				"an %s (board %s) takes exactly %ld: it was built "
				"for another chip, or it is cut short",
				bytes, b->device, b->name, b->image_bytes);
	if (want_sig && !f->has_hil)
		return hil_fail(err, errlen,
				"the image names no DUT (it was not built "
				"by hil bitstream), so hil cannot check it is the "
				"DUT you asked for; flash it without --dut");
	if (want_sig && f->signature != want_sig)
		return hil_fail(err, errlen,
				"the image holds DUT %s (signature %016" PRIx64
				"), not the one you named (signature %016" PRIx64
				"): rebuild it with hil bitstream",
				f->dut, f->signature, want_sig);
	return 0;
}
