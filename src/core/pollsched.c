/* pollsched.c — see pollsched.h. */
#include "core/pollsched.h"

/* The capped doubling alone, without Retry-After. */
static int64_t doubling_ms(int errors)
{
	int64_t delay = POLL_ERROR_BASE_MS;
	for (int i = 1; i < errors && delay < POLL_ERROR_CAP_MS; i++)
		delay *= 2;
	return delay > POLL_ERROR_CAP_MS ? POLL_ERROR_CAP_MS : delay;
}

/* At least Retry-After. */
static int64_t honour_retry_after(int64_t delay, long retry_after_s)
{
	if (retry_after_s > 0 && delay < (int64_t)retry_after_s * 1000)
		return (int64_t)retry_after_s * 1000;
	return delay;
}

int64_t poll_backoff_ms(int errors, long retry_after_s)
{
	return honour_retry_after(doubling_ms(errors), retry_after_s);
}

int64_t poll_delay_ms(int64_t age_ms, int64_t to_expiry_ms, int errors, long retry_after_s)
{
	return poll_delay_mode_ms(POLL_MODE_POLL, age_ms, to_expiry_ms, errors, retry_after_s);
}

int64_t poll_delay_mode_ms(enum poll_mode mode, int64_t age_ms, int64_t to_expiry_ms, int errors,
                           long retry_after_s)
{
	int64_t delay;

	if (errors > 0) {
		delay = doubling_ms(errors);
	} else if (mode == POLL_MODE_PUSHED) {
		delay = POLL_PUSHED_MS;
	} else if (age_ms < POLL_FAST_UNTIL_MS) {
		delay = POLL_FAST_MS;
	} else if (age_ms < POLL_MEDIUM_UNTIL_MS) {
		delay = POLL_MEDIUM_MS;
	} else {
		delay = POLL_SLOW_MS;
	}
	/* the look that confirms expiry: just after expires_at, not 5 s later */
	if (to_expiry_ms > 0 && errors == 0 && delay > to_expiry_ms + POLL_EXPIRY_GRACE_MS)
		delay = to_expiry_ms + POLL_EXPIRY_GRACE_MS;
	return honour_retry_after(delay, retry_after_s);
}

long poll_budget(int64_t ttl_ms)
{
	long n = 0;
	for (int64_t age = 0; age < ttl_ms;) {
		age += poll_delay_ms(age, ttl_ms - age, 0, 0);
		n++;
	}
	return n;
}
