/* test_core_time.c — the core plumbing every layer shares: Almaty time
 * whatever the machine's TZ, the fake clock that tests schedule on, and
 * the one array-growth helper. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/grow.h"
#include "core/timeutil.h"

static void almaty_time_ignores_the_machines_tz(void **state)
{
	(void)state;
	time_t t;
	char buf[32];
	assert_true(kp_time_parse("2026-11-26T18:59:59Z", &t));
	setenv("TZ", "America/New_York", 1);
	tzset();
	kp_almaty_strftime(buf, sizeof buf, "%d.%m.%Y %H:%M:%S", t);
	assert_string_equal(buf, "26.11.2026 23:59:59");
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	kp_almaty_strftime(buf, sizeof buf, "%d.%m.%Y %H:%M:%S", t + 1);
	assert_string_equal(buf, "27.11.2026 00:00:00");
	unsetenv("TZ");
	tzset();
}

static void almaty_midnight_starts_the_local_day(void **state)
{
	(void)state;
	time_t t, midnight;
	assert_true(kp_time_parse("2026-11-26T03:00:00Z", &t));      /* 08:00 in Almaty */
	assert_true(kp_time_parse("2026-11-25T19:00:00Z", &midnight)); /* 00:00 in Almaty */
	assert_int_equal(kp_almaty_midnight(t), midnight);
	assert_int_equal(kp_almaty_day_start(20261126), midnight);
	assert_int_equal(kp_almaty_yyyymmdd(midnight), 20261126);
	assert_int_equal(kp_almaty_yyyymmdd(midnight - 1), 20261125);
}

static void a_fake_clock_moves_only_when_told(void **state)
{
	(void)state;
	struct kp_fake_time ft = {.mono_ms = 1000, .wall = 1800000000};
	struct kp_clock c = kp_clock_fake(&ft);
	assert_int_equal(kp_clock_ms(&c), 1000);
	assert_int_equal(kp_clock_now(&c), 1800000000);
	kp_fake_advance(&ft, 999);
	assert_int_equal(kp_clock_ms(&c), 1999);
	assert_int_equal(kp_clock_now(&c), 1800000000);
	kp_fake_advance(&ft, 1);
	assert_int_equal(kp_clock_now(&c), 1800000001);
	kp_fake_advance(&ft, 60000);
	assert_int_equal(kp_clock_now(&c), 1800000061);
}

static void the_system_clock_is_monotonic(void **state)
{
	(void)state;
	int64_t a = kp_clock_ms(&kp_clock_system), b = kp_mono_ms();
	assert_true(b >= a);
	assert_true(kp_clock_now(&kp_clock_system) > 1700000000);
}

static void an_array_grows_by_doubling(void **state)
{
	(void)state;
	int *list = NULL;
	size_t cap = 0;
	assert_true(KP_GROW(list, cap, 1, 8));
	assert_int_equal(cap, 8);
	assert_true(KP_GROW(list, cap, 8, 8));
	assert_int_equal(cap, 8);
	assert_true(KP_GROW(list, cap, 9, 8));
	assert_int_equal(cap, 16);
	assert_true(KP_GROW(list, cap, 100, 8));
	assert_int_equal(cap, 128);
	for (int i = 0; i < 100; i++)
		list[i] = i;
	free(list);
}

static void a_size_that_would_overflow_is_refused(void **state)
{
	(void)state;
	char *p = NULL;
	size_t cap = 0;
	assert_false(kp_grow((void **)&p, &cap, SIZE_MAX / 2 + 2, 4, 8));
	assert_null(p);
	assert_int_equal(cap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(almaty_time_ignores_the_machines_tz),
		cmocka_unit_test(almaty_midnight_starts_the_local_day),
		cmocka_unit_test(a_fake_clock_moves_only_when_told),
		cmocka_unit_test(the_system_clock_is_monotonic),
		cmocka_unit_test(an_array_grows_by_doubling),
		cmocka_unit_test(a_size_that_would_overflow_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
