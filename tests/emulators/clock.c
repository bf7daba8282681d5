#include "clock.h"

#include <time.h>

static double extra_us;

double emu_now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3 + extra_us;
}

void emu_add_us(double us)
{
	extra_us += us;
}
