/* See replug.h. */
#include "transport/replug.h"
#include "util/errfmt.h"
#include "util/clock.h"

#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define POLL_MS 100
#define DEFAULT_MS 3000

int hil_replug_limit_ms(void)
{
	const char *env = getenv("HIL_REPLUG_MS");
	int ms = env ? atoi(env) : 0;
	return ms > 0 ? ms : DEFAULT_MS;
}

int hil_replug_wait(int (*try_open)(void *ctx), void *ctx, int limit_ms)
{
	double end = hil_mono_ms() + limit_ms;
	while (hil_mono_ms() < end) {
		struct timespec nap = {0, POLL_MS * 1000L * 1000L};
		nanosleep(&nap, NULL);
		int r = try_open(ctx);
		if (r == 0)
			return 0;
		if (r == -2)
			return -1;
	}
	return -1;
}

void hil_replug_gone(char *err, size_t errlen, const char *who, const char *id,
		     int limit_ms, const char *plug)
{
	hil_fail(err, errlen, "the USB link to %.60s broke: the board (%.80s) was "
		 "unplugged and did not come back within %g s; %.60s and run again",
		 who, id, limit_ms / 1000.0, plug);
}

void hil_replug_stuck(char *err, size_t errlen, const char *who)
{
	hil_fail(err, errlen, "the USB link to %.60s broke and libusb did not give "
		 "back its transfers within 1 s; unplug the board, plug it in and "
		 "run again", who);
}

static int any_busy(const struct hil_xfers *sets, int nsets)
{
	for (int s = 0; s < nsets; s++)
		for (int i = 0; i < sets[s].n; i++)
			if (sets[s].busy[i])
				return 1;
	return 0;
}

int hil_xfers_release(struct libusb_context *ctx, const struct hil_xfers *sets, int nsets,
		      int wait_ms)
{
	for (int s = 0; s < nsets; s++)
		for (int i = 0; i < sets[s].n; i++)
			if (sets[s].busy[i])
				libusb_cancel_transfer(sets[s].x[i]);
	double end = hil_mono_ms() + wait_ms;
	while (any_busy(sets, nsets)) {
		if (hil_mono_ms() > end)
			return -1;
		struct timeval tv = {0, 10000};
		libusb_handle_events_timeout_completed(ctx, &tv, NULL);
	}
	for (int s = 0; s < nsets; s++)
		for (int i = 0; i < sets[s].n; i++) {
			libusb_free_transfer(sets[s].x[i]);
			sets[s].x[i] = NULL;
		}
	return 0;
}
