/* ticks.h — the clocks the sandbox reads: wall time in milliseconds for
 * what clients see, the monotonic clock for waits that must not jump. */
#ifndef KP_SANDBOX_TICKS_H
#define KP_SANDBOX_TICKS_H

#include <stdint.h>
#include <time.h>

/* CLOCK_REALTIME in ms: payment times, the rate-limit window. */
int64_t ticks_wall_ms(void);
/* CLOCK_MONOTONIC in ms: webhook retry times. */
int64_t ticks_mono_ms(void);
/* The CLOCK_MONOTONIC time ms from now, for pthread_cond_timedwait on a
 * condition variable set to that clock. */
struct timespec ticks_deadline(unsigned ms);

#endif
