/* test_ean.c — EAN-13 and EAN-8 check digits: weights 3, 1, 3, ... from
 * the right of the payload; the check digit tops the sum up to a multiple
 * of 10. Each real barcode below is worked by hand in its comment. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/ean.h"

static void kazakh_ean13_with_check_digit_zero(void **state)
{
	(void)state;
	/* 4870204391510 (GS1 Kazakhstan prefix 487), payload 487020439151,
	 * weights from the left 1 3 1 3 ...:
	 *   4·1 + 8·3 + 7·1 + 0·3 + 2·1 + 0·3 + 4·1 + 3·3 + 9·1 + 1·3 + 5·1 + 1·3
	 *   = 4 + 24 + 7 + 0 + 2 + 0 + 4 + 9 + 9 + 3 + 5 + 3 = 70
	 * 70 is a multiple of 10: check digit 0. */
	assert_int_equal(ean_check_digit("487020439151", 12), 0);
	assert_true(ean_valid("4870204391510"));
}

static void coca_cola_ean13(void **state)
{
	(void)state;
	/* 5449000000996, payload 544900000099:
	 *   5·1 + 4·3 + 4·1 + 9·3 + 0 + 0 + 0 + 0 + 0 + 0 + 9·1 + 9·3
	 *   = 5 + 12 + 4 + 27 + 9 + 27 = 84
	 * 84 + 6 = 90: check digit 6. */
	assert_int_equal(ean_check_digit("544900000099", 12), 6);
	assert_true(ean_valid("5449000000996"));
}

static void textbook_ean13(void **state)
{
	(void)state;
	/* 4006381333931, payload 400638133393:
	 *   4·1 + 0·3 + 0·1 + 6·3 + 3·1 + 8·3 + 1·1 + 3·3 + 3·1 + 3·3 + 9·1 + 3·3
	 *   = 4 + 0 + 0 + 18 + 3 + 24 + 1 + 9 + 3 + 9 + 9 + 9 = 89
	 * 89 + 1 = 90: check digit 1. */
	assert_int_equal(ean_check_digit("400638133393", 12), 1);
	assert_true(ean_valid("4006381333931"));
}

static void ean8_weights_start_with_three(void **state)
{
	(void)state;
	/* 96385074, payload 9638507, weights from the left 3 1 3 1 3 1 3:
	 *   9·3 + 6·1 + 3·3 + 8·1 + 5·3 + 0·1 + 7·3
	 *   = 27 + 6 + 9 + 8 + 15 + 0 + 21 = 86
	 * 86 + 4 = 90: check digit 4. */
	assert_int_equal(ean_check_digit("9638507", 7), 4);
	assert_true(ean_valid("96385074"));
}

static void payload_need_not_end_in_nul(void **state)
{
	(void)state;
	/* the first 12 digits of a full code are its payload */
	assert_int_equal(ean_check_digit("4870204391510", 12), 0);
}

static void wrong_check_digit_is_invalid(void **state)
{
	(void)state;
	assert_false(ean_valid("4870204391511"));
	assert_false(ean_valid("5449000000995"));
	assert_false(ean_valid("96385075"));
}

static void swapped_neighbours_are_caught(void **state)
{
	(void)state;
	/* 4870204391510 with the 4th and 5th digits swapped (0 2 → 2 0):
	 * 0·3 + 2·1 = 2 becomes 2·3 + 0·1 = 6, the sum 74 needs 6, not 0 */
	assert_false(ean_valid("4872004391510"));
}

static void wrong_length_is_invalid(void **state)
{
	(void)state;
	assert_false(ean_valid(""));
	assert_false(ean_valid("487020439151"));   /* 12: the check digit missing */
	assert_false(ean_valid("48702043915100")); /* 14 */
	assert_false(ean_valid("9638507"));        /* 7 */
	assert_false(ean_valid("963850740"));      /* 9 */
	assert_false(ean_valid(NULL));
}

static void anything_but_digits_is_invalid(void **state)
{
	(void)state;
	assert_false(ean_valid("487020439151O"));   /* letter O for zero */
	assert_false(ean_valid("4870204391510\n")); /* a scanner's Enter left on */
	assert_false(ean_valid(" 4870204391510"));
	assert_false(ean_valid("-9638507"));
	assert_false(ean_valid("4870204 91510"));
}

static void check_digit_refuses_other_lengths_and_non_digits(void **state)
{
	(void)state;
	assert_int_equal(ean_check_digit("48702043915", 11), -1);
	assert_int_equal(ean_check_digit("4870204391510", 13), -1);
	assert_int_equal(ean_check_digit("48702043915x", 12), -1);
	assert_int_equal(ean_check_digit("963 507", 7), -1);
	assert_int_equal(ean_check_digit(NULL, 12), -1);
}

static void all_zeros_is_a_valid_code(void **state)
{
	(void)state;
	/* the sum is 0, already a multiple of 10 */
	assert_true(ean_valid("0000000000000"));
	assert_true(ean_valid("00000000"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kazakh_ean13_with_check_digit_zero),
		cmocka_unit_test(coca_cola_ean13),
		cmocka_unit_test(textbook_ean13),
		cmocka_unit_test(ean8_weights_start_with_three),
		cmocka_unit_test(payload_need_not_end_in_nul),
		cmocka_unit_test(wrong_check_digit_is_invalid),
		cmocka_unit_test(swapped_neighbours_are_caught),
		cmocka_unit_test(wrong_length_is_invalid),
		cmocka_unit_test(anything_but_digits_is_invalid),
		cmocka_unit_test(check_digit_refuses_other_lengths_and_non_digits),
		cmocka_unit_test(all_zeros_is_a_valid_code),
	};
	return cmocka_run_group_tests_name("ean", tests, NULL, NULL);
}
