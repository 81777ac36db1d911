/* clock.c — see clock.h. */
#include "core/clock.h"

int64_t kp_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t system_mono(void *arg)
{
	(void)arg;
	return kp_mono_ms();
}

static time_t system_wall(void *arg)
{
	(void)arg;
	return time(NULL);
}

const struct kp_clock kp_clock_system = {.mono_ms = system_mono, .wall = system_wall};

static int64_t fake_mono(void *arg)
{
	return ((struct kp_fake_time *)arg)->mono_ms;
}

static time_t fake_wall(void *arg)
{
	return ((struct kp_fake_time *)arg)->wall;
}

struct kp_clock kp_clock_fake(struct kp_fake_time *ft)
{
	return (struct kp_clock){.mono_ms = fake_mono, .wall = fake_wall, .arg = ft};
}

void kp_fake_advance(struct kp_fake_time *ft, int64_t ms)
{
	if (ms <= 0)
		return;
	ft->mono_ms += ms;
	ft->wall_ms_rest += ms;
	ft->wall += (time_t)(ft->wall_ms_rest / 1000);
	ft->wall_ms_rest %= 1000;
}
