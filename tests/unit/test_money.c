/* test_money.c — tenge text ⇄ tiyn: parsing what cashiers type and the
 * "1 500,00 ₸" format (U+202F between thousands). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/money.h"

static int64_t parse_ok(const char *s)
{
	int64_t v = -777;
	assert_true(money_parse_tenge(s, &v));
	return v;
}

static void parse_whole_tenge(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1500"), 150000);
	assert_int_equal(parse_ok("0"), 0);
	assert_int_equal(parse_ok("1000000"), 100000000);
}

static void parse_decimals_with_dot_or_comma(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1500.50"), 150050);
	assert_int_equal(parse_ok("1500,50"), 150050);
	assert_int_equal(parse_ok("1500.5"), 150050);
	assert_int_equal(parse_ok("0,01"), 1);
	assert_int_equal(parse_ok("12."), 1200);
}

static void parse_group_separators_and_currency(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1 500,00"), 150000);
	assert_int_equal(parse_ok("1\xe2\x80\xaf" "500,00 \xe2\x82\xb8"), 150000);
	assert_int_equal(parse_ok("1\xc2\xa0" "500"), 150000);
	assert_int_equal(parse_ok("  250 \xd1\x82\xd0\xb3 "), 25000);
	assert_int_equal(parse_ok("99 KZT"), 9900);
	assert_int_equal(parse_ok("-12,34"), -1234);
}

static void parse_rejects_garbage(void **state)
{
	int64_t v;
	(void)state;
	const char *bad[] = {"", " ", "abc", "1,234,5", "1.234", "12a", "--1", "1 ", "1,2,3",
	                     ",5", "1..2", "1 500 000,001", "99999999999999999999", "₸", NULL};
	for (int i = 0; bad[i]; i++) {
		if (strcmp(bad[i], "1 ") == 0) /* trailing space is fine */
			continue;
		assert_false(money_parse_tenge(bad[i], &v));
	}
	assert_false(money_parse_tenge(NULL, &v));
}

static void format_thousands_with_narrow_nbsp(void **state)
{
	char buf[64];
	(void)state;
	money_format(buf, sizeof buf, 150000);
	assert_string_equal(buf, "1\xe2\x80\xaf" "500,00 \xe2\x82\xb8");
	money_format(buf, sizeof buf, 123456789012);
	assert_string_equal(buf, "1\xe2\x80\xaf" "234\xe2\x80\xaf" "567\xe2\x80\xaf" "890,12 \xe2\x82\xb8");
	money_format(buf, sizeof buf, 99999);
	assert_string_equal(buf, "999,99 \xe2\x82\xb8");
}

static void format_zero_and_one_tiyn(void **state)
{
	char buf[64];
	(void)state;
	money_format(buf, sizeof buf, 0);
	assert_string_equal(buf, "0,00 \xe2\x82\xb8");
	money_format(buf, sizeof buf, 1);
	assert_string_equal(buf, "0,01 \xe2\x82\xb8");
}

static void format_negative_for_refunds(void **state)
{
	char buf[64];
	(void)state;
	money_format(buf, sizeof buf, -150050);
	assert_string_equal(buf, "\xe2\x88\x92" "1\xe2\x80\xaf" "500,50 \xe2\x82\xb8");
	money_format_plain(buf, sizeof buf, -150050);
	assert_string_equal(buf, "-1 500,50");
	money_format(buf, sizeof buf, INT64_MIN);
	assert_non_null(strstr(buf, "92\xe2\x80\xaf" "233\xe2\x80\xaf" "720\xe2\x80\xaf"));
}

static void format_decimal_for_csv(void **state)
{
	char buf[64];
	(void)state;
	money_format_decimal(buf, sizeof buf, 150000);
	assert_string_equal(buf, "1500.00");
	money_format_decimal(buf, sizeof buf, -1);
	assert_string_equal(buf, "-0.01");
}

static void format_round_trips_through_parse(void **state)
{
	char buf[64];
	(void)state;
	const int64_t values[] = {0, 1, 99, 100, 150050, 100000000, -4242};
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		money_format(buf, sizeof buf, values[i]);
		assert_int_equal(parse_ok(buf), values[i]);
		money_format_plain(buf, sizeof buf, values[i]);
		assert_int_equal(parse_ok(buf), values[i]);
	}
}

static void format_truncates_safely(void **state)
{
	char buf[4];
	(void)state;
	int n = money_format(buf, sizeof buf, 150000);
	assert_true(n > 3);
	assert_int_equal(strlen(buf), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_whole_tenge),
		cmocka_unit_test(parse_decimals_with_dot_or_comma),
		cmocka_unit_test(parse_group_separators_and_currency),
		cmocka_unit_test(parse_rejects_garbage),
		cmocka_unit_test(format_thousands_with_narrow_nbsp),
		cmocka_unit_test(format_zero_and_one_tiyn),
		cmocka_unit_test(format_negative_for_refunds),
		cmocka_unit_test(format_decimal_for_csv),
		cmocka_unit_test(format_round_trips_through_parse),
		cmocka_unit_test(format_truncates_safely),
	};
	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
