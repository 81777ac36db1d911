/* ticks.c — clock readings in the units the sandbox uses. */
#include "sandbox/ticks.h"

#include <stdatomic.h>

static _Atomic int64_t shift_ms;  /* the emulated clock's lead on CLOCK_REALTIME */

static int64_t ticks_ms(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ticks_now_ms(void)
{
	return ticks_ms(CLOCK_REALTIME) + atomic_load(&shift_ms);
}

int64_t ticks_advance(int64_t ms)
{
	return atomic_fetch_add(&shift_ms, ms) + ms;
}

int64_t ticks_shift_ms(void)
{
	return atomic_load(&shift_ms);
}

int64_t ticks_wall_ms(void)
{
	return ticks_ms(CLOCK_REALTIME);
}

int64_t ticks_mono_ms(void)
{
	return ticks_ms(CLOCK_MONOTONIC);
}

struct timespec ticks_deadline(unsigned ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}
