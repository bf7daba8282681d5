/* See replug.h. */
#include "transport/replug.h"
#include "util/errfmt.h"
#include "util/clock.h"

#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define POLL_MS    100
#define DEFAULT_MS 3000

int hil_replug_limit_ms(void)
{
	const char *env = getenv("HIL_REPLUG_MS");
	int ms = env ? atoi(env) : 0;
	return ms > 0 ? ms : DEFAULT_MS;
}

int hil_replug_wait(int (*try_open)(void *ctx), void *ctx, int limit_ms)
{
	double end = (double)hil_mono_ms() + limit_ms;
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

void hil_replug_gone(char *err, size_t errlen, const char *who, const char *id, int limit_ms,
		     const char *plug)
{
	hil_fail(err, errlen,
		 "the USB link to %.60s broke: the board (%.80s) was "
		 "unplugged and did not come back within %g s; %.60s and run again",
		 who, id, limit_ms / 1000.0, plug);
}

void hil_replug_stuck(char *err, size_t errlen, const char *who)
{
	hil_fail(err, errlen,
		 "the USB link to %.60s broke and libusb did not give "
		 "back its transfers within 1 s; unplug the board, plug it in and "
		 "run again",
		 who);
}
