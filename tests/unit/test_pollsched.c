/* test_pollsched.c — the status poll schedule: 1 s, 2 s, 5 s; error
 * backoff; Retry-After; the expiry look; the request budget. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/pollsched.h"

#define LATER 900000 /* expires_at far away */

static void every_second_in_the_first_minute(void **state)
{
	(void)state;
	assert_int_equal(poll_delay_ms(0, LATER, 0, 0), 1000);
	assert_int_equal(poll_delay_ms(59999, LATER, 0, 0), 1000);
}

static void every_two_seconds_until_three_minutes(void **state)
{
	(void)state;
	assert_int_equal(poll_delay_ms(60000, LATER, 0, 0), 2000);
	assert_int_equal(poll_delay_ms(179999, LATER, 0, 0), 2000);
}

static void every_five_seconds_after(void **state)
{
	(void)state;
	assert_int_equal(poll_delay_ms(180000, LATER, 0, 0), 5000);
	assert_int_equal(poll_delay_ms(800000, LATER, 0, 0), 5000);
}

static void errors_back_off_doubling_to_a_cap(void **state)
{
	(void)state;
	assert_int_equal(poll_delay_ms(0, LATER, 1, 0), 1000);
	assert_int_equal(poll_delay_ms(0, LATER, 2, 0), 2000);
	assert_int_equal(poll_delay_ms(0, LATER, 3, 0), 4000);
	assert_int_equal(poll_delay_ms(0, LATER, 4, 0), 8000);
	assert_int_equal(poll_delay_ms(0, LATER, 5, 0), 15000);
	assert_int_equal(poll_delay_ms(0, LATER, 500, 0), 15000);
}

static void retry_after_is_never_undercut(void **state)
{
	(void)state;
	assert_int_equal(poll_delay_ms(0, LATER, 0, 7), 7000);
	assert_int_equal(poll_delay_ms(0, LATER, 5, 30), 30000);
	/* a shorter Retry-After than the schedule changes nothing */
	assert_int_equal(poll_delay_ms(200000, LATER, 0, 1), 5000);
}

static void expiry_is_confirmed_right_after_expires_at(void **state)
{
	(void)state;
	/* 5 s schedule, 1 s to expiry: look 2 s after expires_at, at 3 s */
	assert_int_equal(poll_delay_ms(300000, 1000, 0, 0), 3000);
	/* past expiry: the slow pace until the server says it is final */
	assert_int_equal(poll_delay_ms(900000, -1000, 0, 0), 5000);
}

static void a_resend_backs_off_1_2_4_8_then_15_s(void **state)
{
	(void)state;
	assert_int_equal(poll_backoff_ms(1, 0), 1000);
	assert_int_equal(poll_backoff_ms(2, 0), 2000);
	assert_int_equal(poll_backoff_ms(3, 0), 4000);
	assert_int_equal(poll_backoff_ms(4, 0), 8000);
	assert_int_equal(poll_backoff_ms(5, 0), 15000);
	assert_int_equal(poll_backoff_ms(1000, 0), 15000);
	assert_int_equal(poll_backoff_ms(0, 0), 1000);
}

static void a_resend_waits_at_least_retry_after(void **state)
{
	(void)state;
	assert_int_equal(poll_backoff_ms(1, 20), 20000);
	assert_int_equal(poll_backoff_ms(5, 3), 15000);
}

static void the_status_backoff_is_the_resend_backoff(void **state)
{
	(void)state;
	for (int e = 1; e < 10; e++)
		assert_int_equal(poll_delay_ms(0, LATER, e, 0), poll_backoff_ms(e, 0));
}

static void with_a_live_push_every_ten_seconds_from_the_start(void **state)
{
	(void)state;
	assert_int_equal(poll_delay_mode_ms(POLL_MODE_PUSHED, 0, 900000, 0, 0), POLL_PUSHED_MS);
	assert_int_equal(poll_delay_mode_ms(POLL_MODE_PUSHED, 30000, 870000, 0, 0), 10000);
	assert_int_equal(poll_delay_mode_ms(POLL_MODE_PUSHED, 400000, 500000, 0, 0), 10000);
	/* polling alone keeps today's pace */
	assert_int_equal(poll_delay_mode_ms(POLL_MODE_POLL, 0, 900000, 0, 0), POLL_FAST_MS);
	assert_int_equal(poll_delay_ms(0, 900000, 0, 0), POLL_FAST_MS);
}

static void with_a_live_push_errors_and_retry_after_still_rule(void **state)
{
	(void)state;
	assert_int_equal(poll_delay_mode_ms(POLL_MODE_PUSHED, 0, 900000, 1, 0), 1000);
	assert_int_equal(poll_delay_mode_ms(POLL_MODE_PUSHED, 0, 900000, 3, 0), 4000);
	assert_int_equal(poll_delay_mode_ms(POLL_MODE_PUSHED, 0, 900000, 0, 30), 30000);
}

static void with_a_live_push_expiry_is_still_confirmed_at_once(void **state)
{
	(void)state;
	/* 3 s to expires_at: asked at +5 s (grace 2 s), not +10 s */
	assert_int_equal(poll_delay_mode_ms(POLL_MODE_PUSHED, 897000, 3000, 0, 0),
	                 3000 + POLL_EXPIRY_GRACE_MS);
}

static void budget_of_an_unpaid_15_minute_qr(void **state)
{
	(void)state;
	/* 60 in the first minute, 60 until 3 min, 144 until 15 min */
	assert_int_equal(poll_budget(15 * 60 * 1000), 264);
	assert_int_equal(poll_budget(60 * 1000), 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_second_in_the_first_minute),
		cmocka_unit_test(every_two_seconds_until_three_minutes),
		cmocka_unit_test(every_five_seconds_after),
		cmocka_unit_test(errors_back_off_doubling_to_a_cap),
		cmocka_unit_test(retry_after_is_never_undercut),
		cmocka_unit_test(expiry_is_confirmed_right_after_expires_at),
		cmocka_unit_test(budget_of_an_unpaid_15_minute_qr),
		cmocka_unit_test(with_a_live_push_every_ten_seconds_from_the_start),
		cmocka_unit_test(with_a_live_push_errors_and_retry_after_still_rule),
		cmocka_unit_test(with_a_live_push_expiry_is_still_confirmed_at_once),
		cmocka_unit_test(a_resend_backs_off_1_2_4_8_then_15_s),
		cmocka_unit_test(a_resend_waits_at_least_retry_after),
		cmocka_unit_test(the_status_backoff_is_the_resend_backoff),
	};
	return cmocka_run_group_tests_name("poll schedule", tests, NULL, NULL);
}
