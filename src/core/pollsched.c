/* pollsched.c — see pollsched.h. */
#include "core/pollsched.h"

int64_t poll_delay_ms(int64_t age_ms, int64_t to_expiry_ms, int errors, long retry_after_s)
{
	int64_t delay;

	if (errors > 0) {
		delay = POLL_ERROR_BASE_MS;
		for (int i = 1; i < errors && delay < POLL_ERROR_CAP_MS; i++)
			delay *= 2;
		if (delay > POLL_ERROR_CAP_MS)
			delay = POLL_ERROR_CAP_MS;
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
	if (retry_after_s > 0 && delay < (int64_t)retry_after_s * 1000)
		delay = (int64_t)retry_after_s * 1000;
	return delay;
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
