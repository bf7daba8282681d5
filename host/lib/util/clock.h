/* The library's one clock for timeouts and rates: CLOCK_MONOTONIC, which
 * a change of the wall clock does not move. */
#ifndef HIL_CLOCK_H
#define HIL_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t hil_mono_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static inline uint64_t hil_mono_ms(void)
{
	return hil_mono_us() / 1000u;
}

static inline double hil_mono_s(void)
{
	return (double)hil_mono_us() / 1e6;
}

#endif
