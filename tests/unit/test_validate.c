/* test_validate.c — the contract's value rules: key, BIN, ids, phone,
 * method, UTF-8 length. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/validate.h"
#include "core/timeutil.h"

static void key_is_xdev_and_20_lowercase_alnum(void **state)
{
	(void)state;
	assert_true(kp_valid_key("xdev_ab12cd34ef56gh78ij90"));
	assert_false(kp_valid_key("xdev_ab12cd34ef56gh78ij9"));   /* 19 */
	assert_false(kp_valid_key("xdev_ab12cd34ef56gh78ij901")); /* 21 */
	assert_false(kp_valid_key("xdev_AB12cd34ef56gh78ij90"));  /* upper case */
	assert_false(kp_valid_key("xdex_ab12cd34ef56gh78ij90"));
	assert_false(kp_valid_key("xdev_ab12cd34ef56gh78ij9-"));
	assert_false(kp_valid_key(""));
	assert_false(kp_valid_key(NULL));
}

static void bin_is_12_digits(void **state)
{
	(void)state;
	assert_true(kp_valid_bin("123456789012"));
	assert_false(kp_valid_bin("12345678901"));
	assert_false(kp_valid_bin("12345678901a"));
}

static void order_id_is_3_to_64_printable_ascii(void **state)
{
	(void)state;
	assert_true(kp_valid_order_id("T01-20261126-000042"));
	assert_true(kp_valid_order_id("abc"));
	assert_false(kp_valid_order_id("ab"));
	assert_true(kp_valid_order_id("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_false(kp_valid_order_id("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_false(kp_valid_order_id("T01 42"));
	assert_false(kp_valid_order_id("T01\t42"));
	assert_false(kp_valid_order_id("заказ-1"));
}

static void phone_is_plus77_and_9_digits(void **state)
{
	(void)state;
	assert_true(kp_valid_phone("+77051234567"));
	assert_false(kp_valid_phone("87051234567"));
	assert_false(kp_valid_phone("+7705123456"));
	assert_false(kp_valid_phone("+770512345678"));
	assert_false(kp_valid_phone("+76051234567"));
	assert_false(kp_valid_phone("+7705123456a"));
}

/* The phone as typed → "+77XXXXXXXXX", or NULL when refused. */
static const char *normalized(const char *in)
{
	static char out[KP_PHONE_SIZE];
	return kp_phone_normalize(in, out, sizeof out) ? out : NULL;
}

static void phone_as_typed_is_normalized_to_plus77(void **state)
{
	(void)state;
	const char *forms[] = {
		"8 705 123 45 67", "8(705)1234567", "+7 (705) 123-45-67", "87051234567",
		"77051234567",     "7051234567",    "+77051234567",       "8-705-123-45-67",
		"8.705.123.45.67", " 8 (705) 123 45 67 ", "+7(705)123.45.67",
	};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		const char *got = normalized(forms[i]);
		if (!got || strcmp(got, "+77051234567") != 0)
			fail_msg("\"%s\" gave %s", forms[i], got ? got : "a refusal");
		assert_true(kp_valid_phone(got));
	}
	assert_string_equal(normalized("87271234567"), "+77271234567"); /* 727: Almaty */
}

static void phone_that_is_not_10_national_digits_starting_7_is_refused(void **state)
{
	(void)state;
	const char *refused[] = {
		"",               "   ",             "+",              "705123456",   /* 9 digits */
		"870512345678",   "+770512345678",   "+7705123456",                    /* 12, 10 after +7 */
		"6051234567",     "86051234567",     "+76051234567",                   /* not 7 after the prefix */
		"97051234567",    "+87051234567",    "+7 8 705 123 45 67",              /* other prefixes */
		"8 705 123 45 6x", "+77051234567x",  "8/705/1234567",  "8_705_1234567", /* other characters */
		"87051+234567",   "++77051234567",   "8 705 123 45 67\n", "\xd9\xa8" "7051234567",
		"777777777777777777777777777777777777",
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		char out[KP_PHONE_SIZE] = "x";
		if (kp_phone_normalize(refused[i], out, sizeof out))
			fail_msg("\"%s\" was accepted as %s", refused[i], out);
		assert_string_equal(out, "");
	}
	assert_false(kp_phone_normalize(NULL, (char[KP_PHONE_SIZE]){0}, KP_PHONE_SIZE));
}

static void phone_needs_room_for_the_whole_number(void **state)
{
	(void)state;
	char out[KP_PHONE_SIZE - 1] = "x";
	assert_false(kp_phone_normalize("87051234567", out, sizeof out));
	assert_string_equal(out, "");
}

static void method_is_qr_card_or_phone(void **state)
{
	(void)state;
	assert_true(kp_valid_method("qr"));
	assert_true(kp_valid_method("card"));
	assert_true(kp_valid_method("phone"));
	assert_false(kp_valid_method("QR"));
	assert_false(kp_valid_method("cash"));
}

static void utf8_length_counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(kp_utf8_length("abc"), 3);
	assert_int_equal(kp_utf8_length("Қазақстан"), 9);
	assert_int_equal(kp_utf8_length("\xe2\x82\xb8"), 1);
	assert_int_equal(kp_utf8_length("\xf0\x9f\x98\x80"), 1);
	assert_int_equal(kp_utf8_length("\xc3"), -1);         /* truncated */
	assert_int_equal(kp_utf8_length("\xc0\xaf"), -1);     /* overlong */
	assert_int_equal(kp_utf8_length("\xed\xa0\x80"), -1); /* surrogate */
	assert_int_equal(kp_utf8_length("\xff"), -1);
}

static void time_parses_every_rfc3339_form(void **state)
{
	time_t t;
	(void)state;
	assert_true(kp_time_parse("2026-05-10T16:35:00Z", &t));
	assert_int_equal(t, 1778430900);
	assert_true(kp_time_parse("2026-05-10T16:35:00.123456Z", &t));
	assert_int_equal(t, 1778430900);
	assert_true(kp_time_parse("2026-05-10T21:35:00+05:00", &t));
	assert_int_equal(t, 1778430900);
	assert_true(kp_time_parse("2026-05-10t16:35:00z", &t));
	assert_true(kp_time_parse("2024-02-29T00:00:00Z", &t));
	assert_true(kp_time_parse("1970-01-01T00:00:00Z", &t));
	assert_int_equal(t, 0);
}

static void time_rejects_non_times(void **state)
{
	time_t t;
	(void)state;
	const char *bad[] = {"", "2026-05-10", "2026-05-10T16:35:00", "2026-13-10T16:35:00Z",
	                     "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "2026-05-10T24:00:00Z",
	                     "2026-05-10T16:35:00+5:00", "2026-05-10T16:35:00Zjunk", "2026-05-10T16:35:00.Z",
	                     NULL};
	for (int i = 0; bad[i]; i++)
		assert_false(kp_time_parse(bad[i], &t));
}

static void time_formats_utc_and_round_trips(void **state)
{
	char buf[KP_TIME_LEN];
	time_t t;
	(void)state;
	kp_time_format(1778430900, buf, sizeof buf);
	assert_string_equal(buf, "2026-05-10T16:35:00Z");
	for (time_t v = 0; v < 4000000000; v += 123456789) {
		kp_time_format(v, buf, sizeof buf);
		assert_true(kp_time_parse(buf, &t));
		assert_int_equal(t, v);
	}
}

static void almaty_day_is_utc_plus_5(void **state)
{
	time_t t;
	(void)state;
	assert_true(kp_time_parse("2026-11-25T18:59:59Z", &t));
	assert_int_equal(kp_almaty_yyyymmdd(t), 20261125);
	assert_int_equal(kp_almaty_yyyymmdd(t + 1), 20261126);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_is_xdev_and_20_lowercase_alnum),
		cmocka_unit_test(bin_is_12_digits),
		cmocka_unit_test(order_id_is_3_to_64_printable_ascii),
		cmocka_unit_test(phone_is_plus77_and_9_digits),
		cmocka_unit_test(phone_as_typed_is_normalized_to_plus77),
		cmocka_unit_test(phone_that_is_not_10_national_digits_starting_7_is_refused),
		cmocka_unit_test(phone_needs_room_for_the_whole_number),
		cmocka_unit_test(method_is_qr_card_or_phone),
		cmocka_unit_test(utf8_length_counts_code_points),
		cmocka_unit_test(time_parses_every_rfc3339_form),
		cmocka_unit_test(time_rejects_non_times),
		cmocka_unit_test(time_formats_utc_and_round_trips),
		cmocka_unit_test(almaty_day_is_utc_plus_5),
	};
	return cmocka_run_group_tests_name("validate and time", tests, NULL, NULL);
}
