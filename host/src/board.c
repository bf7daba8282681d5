/* Reading boards/NAME/board.mk. */
#include "hil/board.h"

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errfmt.h"
#include "root.h"

/* Bitstream sizes: icepack's output without a comment. */
static const struct {
	const char *device;
	long bytes;
} devices[] = {
	{"up5k", 104090},
	{"hx8k", 135100},
	{"hx1k", 32220},
};

int hil_board_name_ok(const char *s)
{
	if (!*s || *s == '-' || strlen(s) > 40)
		return 0;
	for (; *s; s++)
		if (!(*s == '_' || *s == '-' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* The small integers of board.mk: FTDI interfaces and ADBUS pin numbers. */
static const struct {
	const char *key;
	size_t off;
} small[] = {
	{"USB_IF", offsetof(struct hil_board, uart_if)},
	{"FLASH_IF", offsetof(struct hil_board, flash_if)},
	{"FLASH_SCK", offsetof(struct hil_board, sck)},
	{"FLASH_MOSI", offsetof(struct hil_board, mosi)},
	{"FLASH_MISO", offsetof(struct hil_board, miso)},
	{"FLASH_CS", offsetof(struct hil_board, cs)},
	{"FLASH_CDONE", offsetof(struct hil_board, cdone)},
	{"FLASH_CRESET", offsetof(struct hil_board, creset)},
};

/* Takes one "KEY := VALUE"; -1 for a value the key cannot have. Keys the
 * host does not need (the build's) are passed over. */
static int set(struct hil_board *b, const char *k, const char *v)
{
	char *end;
	long n = strtol(v, &end, 0);
	int num = *v && !*end;
	if (!strcmp(k, "DEVICE")) {
		snprintf(b->device, sizeof(b->device), "%.15s", v);
		return 0;
	}
	if (!strcmp(k, "PACKAGE")) {
		snprintf(b->package, sizeof(b->package), "%.15s", v);
		return 0;
	}
	if (!strcmp(k, "SYNTH_DEVICE")) {
		if (strcmp(v, "u") && strcmp(v, "hx") && strcmp(v, "lp"))
			return -1;
		snprintf(b->synth, sizeof(b->synth), "%.3s", v);
		return 0;
	}
	if (!strcmp(k, "DIV")) {
		b->div = num && n > 0 && n < 1000 ? (unsigned)n : 0;
		return b->div ? 0 : -1;
	}
	if (!strcmp(k, "LINK")) {
		if (strcmp(v, "uart") && strcmp(v, "fx2"))
			return -1;
		snprintf(b->link, sizeof(b->link), "%.7s", v);
		return 0;
	}
	if (!strcmp(k, "BAUD")) {
		b->baud = num && n > 0 ? (unsigned long)n : 0;
		return b->baud ? 0 : -1;
	}
	if (!strcmp(k, "USB_ID"))
		return sscanf(v, "%4x:%4x", &b->vid, &b->pid) == 2 ? 0 : -1;
	if (!strcmp(k, "USB_ID_BOOT"))
		return sscanf(v, "%4x:%4x", &b->boot_vid, &b->boot_pid) == 2 ? 0 : -1;
	for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++)
		if (!strcmp(k, small[i].key)) {
			if (!num || n < 0 || n > 7)
				return -1;
			*(int *)((char *)b + small[i].off) = (int)n;
			return 0;
		}
	return 0;
}

int hil_board_load(struct hil_board *b, const char *name, char *err, size_t errlen)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->link, sizeof(b->link), "uart");
	b->sck = b->mosi = b->miso = b->cs = b->cdone = b->creset = -1;
	b->uart_if = b->flash_if = -1;
	if (!hil_board_name_ok(name))
		return hil_fail(err, errlen, "board '%s': not a board name (see "
				"boards/ for the names)", name);
	snprintf(b->name, sizeof(b->name), "%s", name);
	char path[4096], line[512];
	snprintf(path, sizeof(path), "%s/boards/%s/board.mk", hil_root(), name);
	FILE *f = fopen(path, "r");
	if (!f)
		return hil_fail(err, errlen, "no board '%s' (%s: %s); the boards are "
				"the directories in %s/boards", name, path,
				strerror(errno), hil_root());
	while (fgets(line, sizeof(line), f)) {
		char k[64], v[256];
		if (sscanf(line, " %63[A-Z0-9_] := %255s", k, v) == 2 &&
		    set(b, k, v) < 0) {
			fclose(f);
			return hil_fail(err, errlen, "%s: bad %s '%s'", path, k, v);
		}
	}
	fclose(f);
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (!strcmp(b->device, devices[i].device))
			b->image_bytes = devices[i].bytes;
	if (!strcmp(b->link, "fx2")) {
		if (!b->image_bytes || !b->vid)
			return hil_fail(err, errlen, "%s lacks DEVICE (one hil knows) or "
					"USB_ID", path);
		return 0;
	}
	if (!b->image_bytes || !b->baud || !b->vid || b->uart_if < 0 ||
	    b->flash_if < 0 || b->sck < 0 || b->mosi < 0 || b->miso < 0 ||
	    b->cs < 0 || b->cdone < 0 || b->creset < 0)
		return hil_fail(err, errlen, "%s lacks DEVICE (one hil knows), BAUD, "
				"USB_ID, USB_IF or a FLASH_* pin", path);
	/* MPSSE has its SPI on ADBUS 0-2; the rest are GPIOs of that byte. */
	if (b->sck != 0 || b->mosi != 1 || b->miso != 2)
		return hil_fail(err, errlen, "%s: FLASH_SCK, FLASH_MOSI and FLASH_MISO "
				"must be 0, 1 and 2 (MPSSE's SPI pins)", path);
	return 0;
}

int hil_board_ftdi(const struct hil_board *b, char *err, size_t errlen)
{
	if (strcmp(b->link, "fx2"))
		return 0;
	return hil_fail(err, errlen, "board %s is reached through its FX2 (LINK := "
			"fx2 in its board.mk), not an FTDI chip: its target is "
			"usb:%s:DIR (docs/fx2.md)", b->name, b->name);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct hil_board *)a)->name,
		      ((const struct hil_board *)b)->name);
}

int hil_board_all(struct hil_board *b, int max)
{
	char path[4096], msg[256];
	snprintf(path, sizeof(path), "%s/boards", hil_root());
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while (n < max && (e = readdir(d)))
		if (e->d_name[0] != '.' && hil_board_load(&b[n], e->d_name, msg,
							   sizeof(msg)) == 0)
			n++;
	closedir(d);
	qsort(b, (size_t)n, sizeof(*b), by_name);
	return n;
}
