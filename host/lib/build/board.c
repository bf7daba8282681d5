/* Reading boards/NAME/board.mk. */
#include "hil/board.h"

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/dutsrc.h"
#include "util/errfmt.h"
#include "build/root.h"

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

/* The bitstream's PLL settings and their ranges (the iCE40's SB_PLL40). */
static const struct {
	const char *key;
	size_t off;
	long max;
} pll[] = {
	{"PLL", offsetof(struct hil_board, pll), 1},
	{"PLL_DIVR", offsetof(struct hil_board, pll_divr), 15},
	{"PLL_DIVF", offsetof(struct hil_board, pll_divf), 127},
	{"PLL_DIVQ", offsetof(struct hil_board, pll_divq), 7},
	{"PLL_FILTER", offsetof(struct hil_board, pll_filter), 7},
};

/* A clock in MHz: digits and at most one point, above 0 and below 1000. */
static int mhz(char *out, size_t n, const char *v)
{
	char *end;
	double f = strtod(v, &end);
	if (!*v || *end || strspn(v, "0123456789.") != strlen(v) || !(f > 0 && f < 1000) ||
	    strlen(v) >= n)
		return -1;
	snprintf(out, n, "%s", v);
	return 0;
}

/* Takes one "KEY := VALUE"; -1 for a value the key cannot have. Keys the
 * host does not need are passed over. */
static int set(struct hil_board *b, const char *k, const char *v)
{
	char *end;
	long n = strtol(v, &end, 0);
	int num = *v && !*end;
	if (!strcmp(k, "CLK_MHZ"))
		return mhz(b->clk_mhz, sizeof(b->clk_mhz), v);
	if (!strcmp(k, "OSC_MHZ"))
		return mhz(b->osc_mhz, sizeof(b->osc_mhz), v);
	for (size_t i = 0; i < sizeof(pll) / sizeof(pll[0]); i++)
		if (!strcmp(k, pll[i].key)) {
			if (!num || n < 0 || n > pll[i].max)
				return -1;
			*(int *)((char *)b + pll[i].off) = (int)n;
			return 0;
		}
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

/* The KEY := VALUE lines of a board.mk; CABLE := NAME reads the cable's
 * own file (boards/cables/NAME.mk: the programmer's pins) in its place, so
 * lines after it may override what the cable says. */
static int read_settings(struct hil_board *b, const char *path, int in_cable, char *err,
			 size_t errlen)
{
	char line[512];
	FILE *f = fopen(path, "r");
	if (!f)
		return hil_fail(err, errlen, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char k[64], v[256], cable[4096];
		if (sscanf(line, " %63[A-Z0-9_] := %255s", k, v) != 2)
			continue;
		if (strcmp(k, "CABLE")) {
			if (set(b, k, v) < 0) {
				fclose(f);
				return hil_fail(err, errlen, "%s: bad %s '%s'", path, k, v);
			}
			continue;
		}
		snprintf(cable, sizeof(cable), "%s/boards/cables/%.64s.mk", hil_root(), v);
		if (in_cable || !hil_board_name_ok(v) ||
		    read_settings(b, cable, 1, err, errlen) < 0) {
			fclose(f);
			return in_cable || !hil_board_name_ok(v)
				? hil_fail(err, errlen,
					   "%s: bad CABLE '%s' (a name in "
					   "boards/cables)",
					   path, v)
				: -1;
		}
	}
	fclose(f);
	return 0;
}

int hil_board_load(struct hil_board *b, const char *name, char *err, size_t errlen)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->link, sizeof(b->link), "uart");
	b->sck = b->mosi = b->miso = b->cs = b->cdone = b->creset = -1;
	b->uart_if = b->flash_if = -1;
	if (!hil_board_name_ok(name)) {
		char shown[200];
		hil_escape(name, shown, sizeof(shown));
		return hil_fail(err, errlen,
				"board '%s': not a board name (see "
				"boards/ for the names)",
				shown);
	}
	snprintf(b->name, sizeof(b->name), "%s", name);
	char path[4096];
	snprintf(path, sizeof(path), "%s/boards/%s/board.mk", hil_root(), name);
	if (access(path, F_OK) != 0)
		return hil_fail(err, errlen,
				"no board '%s' (%s: %s); the boards are "
				"the directories in %s/boards",
				name, path, strerror(errno), hil_root());
	if (read_settings(b, path, 0, err, errlen) < 0)
		return -1;
	if (!b->osc_mhz[0])
		memcpy(b->osc_mhz, b->clk_mhz, sizeof(b->osc_mhz));
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (!strcmp(b->device, devices[i].device))
			b->image_bytes = devices[i].bytes;
	if (!strcmp(b->link, "fx2")) {
		if (!b->image_bytes || !b->vid)
			return hil_fail(err, errlen,
					"%s lacks DEVICE (one hil knows) or "
					"USB_ID",
					path);
		return 0;
	}
	if (!b->image_bytes || !b->baud || !b->vid || b->uart_if < 0 || b->flash_if < 0 ||
	    b->sck < 0 || b->mosi < 0 || b->miso < 0 || b->cs < 0 || b->cdone < 0 ||
	    b->creset < 0)
		return hil_fail(err, errlen,
				"%s lacks DEVICE (one hil knows), BAUD, "
				"USB_ID, USB_IF or a FLASH_* pin",
				path);
	/* MPSSE has its SPI on ADBUS 0-2; the rest are GPIOs of that byte. */
	if (b->sck != 0 || b->mosi != 1 || b->miso != 2)
		return hil_fail(err, errlen,
				"%s: FLASH_SCK, FLASH_MOSI and FLASH_MISO "
				"must be 0, 1 and 2 (MPSSE's SPI pins)",
				path);
	return 0;
}

int hil_board_override(struct hil_board *b, const char *setting, char *err, size_t errlen)
{
	static const char *const ok[] = {"CLK_MHZ",  "OSC_MHZ",  "DIV",
					 "BAUD",     "PLL",      "PLL_DIVR",
					 "PLL_DIVF", "PLL_DIVQ", "PLL_FILTER"};
	const char *eq = strchr(setting, '=');
	char k[16];
	size_t i = 0;
	if (eq && eq - setting < (long)sizeof(k)) {
		snprintf(k, sizeof(k), "%.*s", (int)(eq - setting), setting);
		while (i < sizeof(ok) / sizeof(ok[0]) && strcmp(k, ok[i]))
			i++;
	}
	if (!eq || eq - setting >= (long)sizeof(k) || i == sizeof(ok) / sizeof(ok[0])) {
		char shown[200];
		hil_escape(setting, shown, sizeof(shown));
		return hil_fail(err, errlen,
				"'%s': give a board setting as KEY=VALUE, KEY one "
				"of CLK_MHZ, OSC_MHZ, DIV, BAUD, PLL, PLL_DIVR, PLL_DIVF, "
				"PLL_DIVQ, PLL_FILTER",
				shown);
	}
	int osc_follows = !strcmp(b->osc_mhz, b->clk_mhz);
	if (set(b, k, eq + 1) < 0) {
		char shown[200];
		hil_escape(eq + 1, shown, sizeof(shown));
		return hil_fail(err, errlen, "%s: '%s' is not a value it can take", k, shown);
	}
	/* A board on its oscillator (no OSC_MHZ of its own) runs at CLK_MHZ. */
	if (!strcmp(k, "CLK_MHZ") && osc_follows && !b->pll)
		memcpy(b->osc_mhz, b->clk_mhz, sizeof(b->osc_mhz));
	return 0;
}

int hil_board_ftdi(const struct hil_board *b, char *err, size_t errlen)
{
	if (strcmp(b->link, "fx2"))
		return 0;
	return hil_fail(err, errlen,
			"board %s is reached through its FX2 (LINK := "
			"fx2 in its board.mk), not an FTDI chip: its target is "
			"usb:%s:DIR (docs/fx2.md)",
			b->name, b->name);
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
		if (e->d_name[0] != '.' &&
		    hil_board_load(&b[n], e->d_name, msg, sizeof(msg)) == 0)
			n++;
	closedir(d);
	qsort(b, (size_t)n, sizeof(*b), by_name);
	return n;
}
