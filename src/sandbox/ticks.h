/* ticks.h — the clocks the sandboxes read: the emulated wall clock for
 * what clients see and for the rules that count time (payment expiry,
 * token life, the 24 h shift, the 72 h offline limit), the real wall clock
 * for the rate-limit window, and the monotonic clock for waits that must
 * not jump.
 *
 * The emulated clock is CLOCK_REALTIME plus a shift that only ever grows:
 * kassa-sandbox's POST /sandbox/clock moves it forward, so a test can live
 * through a day in a second. One clock per process, shared by every thread;
 * kaspi-sandbox never moves it, so there it is the wall clock. */
#ifndef KP_SANDBOX_TICKS_H
#define KP_SANDBOX_TICKS_H

#include <stdint.h>
#include <time.h>

/* The emulated wall clock in ms since the epoch. */
int64_t ticks_now_ms(void);
/* Moves the emulated clock ms forward (ms ≥ 0); returns its new shift. */
int64_t ticks_advance(int64_t ms);
/* How far the emulated clock is ahead of the wall clock, in ms. */
int64_t ticks_shift_ms(void);
/* CLOCK_REALTIME in ms: the rate-limit window. */
int64_t ticks_wall_ms(void);
/* CLOCK_MONOTONIC in ms: webhook retry times, request deadlines. */
int64_t ticks_mono_ms(void);
/* The CLOCK_MONOTONIC time ms from now, for pthread_cond_timedwait on a
 * condition variable set to that clock. */
struct timespec ticks_deadline(unsigned ms);

#endif
