/* test_kassa_money.c — kassa-sandbox's money arithmetic: JSON numbers read
 * from their text into exact tiyn and thousandths (never through a
 * double), written back in their shortest exact form, a line's cost
 * rounded half up to the tiyn, and every number of a body paired with its
 * own literal. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "sandbox/json.h"
#include "sandbox/kassa/decimal.h"

/* The value of text at decimals, asserting it reads. */
static int64_t dec(const char *text, int decimals)
{
	int64_t v = -777;
	assert_int_equal(dec_parse(text, decimals, &v), DEC_OK);
	return v;
}

static void tenge_read_to_the_tiyn(void **state)
{
	(void)state;
	assert_int_equal(dec("500", 2), 50000);
	assert_int_equal(dec("53.57", 2), 5357);
	assert_int_equal(dec("549.9", 2), 54990);
	assert_int_equal(dec("0.2", 2), 20);
	assert_int_equal(dec("0.01", 2), 1);
	assert_int_equal(dec("0", 2), 0);
	assert_int_equal(dec("-0", 2), 0);
	assert_int_equal(dec("-12.5", 2), -1250);
	/* 0.1 + 0.2 is no problem when nothing is a double */
	assert_int_equal(dec("0.1", 2) + dec("0.2", 2), dec("0.3", 2));
}

static void quantities_read_to_the_thousandth(void **state)
{
	(void)state;
	assert_int_equal(dec("0.35", 3), 350);
	assert_int_equal(dec("0.333", 3), 333);
	assert_int_equal(dec("2", 3), 2000);
	assert_int_equal(dec("1.001", 3), 1001);
}

static void the_value_counts_not_its_spelling(void **state)
{
	(void)state;
	assert_int_equal(dec("1.500", 2), 150);    /* trailing zeros are no decimals */
	assert_int_equal(dec("549.90000000000000000000", 2), 54990);
	assert_int_equal(dec("5e2", 2), 50000);
	assert_int_equal(dec("5.5E+2", 2), 55000);
	assert_int_equal(dec("1234e-2", 2), 1234);
	assert_int_equal(dec("12340E-3", 2), 1234);
	assert_int_equal(dec("0e99999", 2), 0);
	assert_int_equal(dec("16", 0), 16);
	assert_int_equal(dec("16.0", 0), 16);
}

static void more_decimals_are_refused_never_rounded(void **state)
{
	int64_t v = 42;
	(void)state;
	assert_int_equal(dec_parse("549.901", 2, &v), DEC_PRECISION);
	assert_int_equal(dec_parse("0.001", 2, &v), DEC_PRECISION);
	assert_int_equal(dec_parse("0.3335", 3, &v), DEC_PRECISION);
	assert_int_equal(dec_parse("1e-3", 2, &v), DEC_PRECISION);
	assert_int_equal(dec_parse("16.5", 0, &v), DEC_PRECISION);
	/* a float printed in full is not 549.9: the client's defect shows */
	assert_int_equal(dec_parse("549.89999999999998", 2, &v), DEC_PRECISION);
	assert_int_equal(dec_parse("549.90000000000001", 2, &v), DEC_PRECISION);
	assert_int_equal(dec_parse("1e-400", 2, &v), DEC_PRECISION);
	assert_int_equal(v, 42); /* untouched */
}

static void what_is_no_json_number_is_refused(void **state)
{
	int64_t v = 42;
	(void)state;
	const char *bad[] = {"", "-", "01", "-01", "1.", ".5", "+1", "1e", "1e+", "1.2.3", "0x10",
	                     "1,5", " 1", "1 ", "NaN", "Infinity", "1-2"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(dec_parse(bad[i], 2, &v), DEC_SYNTAX);
	assert_int_equal(dec_parse(NULL, 2, &v), DEC_SYNTAX);
	assert_int_equal(v, 42);
}

static void values_beyond_int64_are_refused(void **state)
{
	int64_t v = 42;
	(void)state;
	assert_int_equal(dec("92233720368547758.07", 2), INT64_MAX);
	assert_int_equal(dec("-92233720368547758.07", 2), -INT64_MAX);
	assert_int_equal(dec_parse("92233720368547758.08", 2, &v), DEC_RANGE);
	assert_int_equal(dec_parse("100000000000000000000", 2, &v), DEC_RANGE);
	assert_int_equal(dec_parse("1e17", 2, &v), DEC_RANGE);
	assert_int_equal(dec_parse("1e400", 2, &v), DEC_RANGE);
	assert_int_equal(dec_parse("123456789012345678901234567890", 0, &v), DEC_RANGE);
	assert_int_equal(v, 42);
}

static const char *fmt(char buf[DEC_TEXT_MAX], int64_t v, int decimals)
{
	dec_format(buf, DEC_TEXT_MAX, v, decimals);
	return buf;
}

static void written_back_in_the_shortest_exact_form(void **state)
{
	char b[DEC_TEXT_MAX];
	(void)state;
	assert_string_equal(fmt(b, 54990, 2), "549.9");
	assert_string_equal(fmt(b, 50000, 2), "500");
	assert_string_equal(fmt(b, 5357, 2), "53.57");
	assert_string_equal(fmt(b, 20, 2), "0.2");
	assert_string_equal(fmt(b, 1, 2), "0.01");
	assert_string_equal(fmt(b, 0, 2), "0");
	assert_string_equal(fmt(b, -20, 2), "-0.2");
	assert_string_equal(fmt(b, 350, 3), "0.35");
	assert_string_equal(fmt(b, INT64_MIN, 2), "-92233720368547758.08");
	dec_format_fixed(b, sizeof b, 109980, 2);
	assert_string_equal(b, "1099.80");
	dec_format_fixed(b, sizeof b, -5, 2);
	assert_string_equal(b, "-0.05");
	dec_format_fixed(b, sizeof b, 7, 0);
	assert_string_equal(b, "7");
}

static void every_tiyn_survives_the_round_trip(void **state)
{
	char b[DEC_TEXT_MAX];
	(void)state;
	for (int64_t v = -100000; v <= 100000; v += 7) {
		assert_int_equal(dec(fmt(b, v, 2), 2), v);
		dec_format_fixed(b, sizeof b, v, 2);
		assert_int_equal(dec(b, 2), v);
	}
	assert_int_equal(dec(fmt(b, INT64_MAX, 2), 2), INT64_MAX);
}

static void a_line_costs_count_times_price_rounded_half_up(void **state)
{
	int64_t c = 0;
	(void)state;
	/* FISCAL.md: 0.333 kg at 549.90 costs 183.12 (183.1167) */
	assert_true(dec_line_cost(333, 54990, &c));
	assert_int_equal(c, 18312);
	assert_true(dec_line_cost(2000, 54990, &c));
	assert_int_equal(c, 109980);
	/* exactly half a tiyn rounds up: 0.5 × 0.01 = 0.005 */
	assert_true(dec_line_cost(500, 1, &c));
	assert_int_equal(c, 1);
	/* just below half rounds down: 0.499 × 0.01 */
	assert_true(dec_line_cost(499, 1, &c));
	assert_int_equal(c, 0);
	assert_true(dec_line_cost(1500, 3, &c)); /* 4.5 tiyn */
	assert_int_equal(c, 5);
	assert_true(dec_line_cost(0, 54990, &c));
	assert_int_equal(c, 0);
	assert_false(dec_line_cost(INT64_C(1000000000), INT64_C(100000000000000), &c)); /* 10^23 */
	assert_false(dec_line_cost(-1, 100, &c));
}

static void rounding_half_up_without_overflow(void **state)
{
	(void)state;
	assert_int_equal(dec_div_round(5, 10), 1);
	assert_int_equal(dec_div_round(4, 10), 0);
	assert_int_equal(dec_div_round(15, 10), 2);
	assert_int_equal(dec_div_round(INT64_MAX, 2), INT64_MAX / 2 + 1);
	assert_int_equal(dec_div_round(INT64_MAX - 1, INT64_MAX), 1);
	assert_int_equal(dec_div_round(0, 7), 0);
}

/* The literal json_keep_number_texts gave the item at path a.b (object keys). */
static const char *text_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	assert_non_null(v);
	return json_number_text(v);
}

static void each_number_keeps_its_own_literal(void **state)
{
	(void)state;
	const char *body =
		"{\"a\": 549.90, \"s\": \"12 \\\"34\\\" -5 \\\\\", \"n\": [1, -2.50, [3e2, {\"x\": 0.333}]],"
		" \"t\": true, \"f\": false, \"z\": null, \"k\\\"7\": 10, \"e\": 1E-2}";
	cJSON *root = json_parse_object(body, strlen(body));
	assert_non_null(root);
	assert_true(json_keep_number_texts(root, body, strlen(body)));
	assert_string_equal(text_of(root, "a"), "549.90");
	assert_string_equal(text_of(root, "k\"7"), "10");
	assert_string_equal(text_of(root, "e"), "1E-2");
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(root, "n");
	assert_string_equal(json_number_text(cJSON_GetArrayItem(n, 0)), "1");
	assert_string_equal(json_number_text(cJSON_GetArrayItem(n, 1)), "-2.50");
	const cJSON *inner = cJSON_GetArrayItem(n, 2);
	assert_string_equal(json_number_text(cJSON_GetArrayItem(inner, 0)), "3e2");
	assert_string_equal(text_of(cJSON_GetArrayItem(inner, 1), "x"), "0.333");
	assert_null(json_number_text(cJSON_GetObjectItemCaseSensitive(root, "s")));
	cJSON_Delete(root); /* frees the literals (ASan would see a leak) */
}

static void duplicate_keys_keep_their_literals_in_order(void **state)
{
	(void)state;
	const char *body = "{\"Sum\": 1.5, \"Sum\": 2.25}";
	cJSON *root = json_parse_object(body, strlen(body));
	assert_non_null(root);
	assert_true(json_keep_number_texts(root, body, strlen(body)));
	assert_string_equal(json_number_text(root->child), "1.5");
	assert_string_equal(json_number_text(root->child->next), "2.25");
	cJSON_Delete(root);
}

static void only_a_whole_object_is_a_body(void **state)
{
	(void)state;
	const char *bad[] = {"", "[]", "1", "\"x\"", "{", "{}x", "{} {}", "{\"a\":}", "null"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_null(json_parse_object(bad[i], strlen(bad[i])));
	cJSON *ok = json_parse_object("{} \r\n", 5);
	assert_non_null(ok);
	cJSON_Delete(ok);
	/* a NUL inside the declared length is trailing garbage */
	assert_null(json_parse_object("{}\0{}", 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tenge_read_to_the_tiyn),
		cmocka_unit_test(quantities_read_to_the_thousandth),
		cmocka_unit_test(the_value_counts_not_its_spelling),
		cmocka_unit_test(more_decimals_are_refused_never_rounded),
		cmocka_unit_test(what_is_no_json_number_is_refused),
		cmocka_unit_test(values_beyond_int64_are_refused),
		cmocka_unit_test(written_back_in_the_shortest_exact_form),
		cmocka_unit_test(every_tiyn_survives_the_round_trip),
		cmocka_unit_test(a_line_costs_count_times_price_rounded_half_up),
		cmocka_unit_test(rounding_half_up_without_overflow),
		cmocka_unit_test(each_number_keeps_its_own_literal),
		cmocka_unit_test(duplicate_keys_keep_their_literals_in_order),
		cmocka_unit_test(only_a_whole_object_is_a_body),
	};
	return cmocka_run_group_tests_name("kassa money", tests, NULL, NULL);
}
