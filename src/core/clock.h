/* clock.h — the till's two clocks, in one place: a monotonic one for
 * time-outs, poll schedules and back-off, and the wall clock (UTC
 * seconds) for what is written and shown. Code that waits or schedules
 * takes a struct kp_clock, so that tests run it on a fake clock
 * (kp_clock_fake) and never sleep. */
#ifndef KP_CORE_CLOCK_H
#define KP_CORE_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in milliseconds. */
int64_t kp_mono_ms(void);

struct kp_clock {
	int64_t (*mono_ms)(void *arg);  /* monotonic milliseconds */
	time_t (*wall)(void *arg);      /* Unix seconds, UTC */
	void *arg;
};

/* The real clocks. */
extern const struct kp_clock kp_clock_system;

/* A clock that moves only when told: both readings start where the
 * caller sets them and advance with kp_fake_advance. */
struct kp_fake_time {
	int64_t mono_ms;
	time_t wall;
	int64_t wall_ms_rest;           /* milliseconds not yet a whole second */
};

/* A kp_clock that reads *ft. */
struct kp_clock kp_clock_fake(struct kp_fake_time *ft);

/* Moves both readings of *ft forward by ms. */
void kp_fake_advance(struct kp_fake_time *ft, int64_t ms);

static inline int64_t kp_clock_ms(const struct kp_clock *c)
{
	return c->mono_ms(c->arg);
}

static inline time_t kp_clock_now(const struct kp_clock *c)
{
	return c->wall(c->arg);
}

#endif
