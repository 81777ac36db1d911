/* test_vat.c — VAT included in prices: round half up of
 * gross × rate / (100 + rate), once per rate group, in exact integers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/vat.h"

static int64_t vat_of(int64_t gross, int rate)
{
	int64_t v = -777;
	assert_true(vat_included(gross, rate, &v));
	return v;
}

static void rate_zero_has_no_vat(void **state)
{
	(void)state;
	assert_int_equal(vat_of(50000, 0), 0);
	assert_int_equal(vat_of(1, 0), 0);
}

static void exact_shares_need_no_rounding(void **state)
{
	(void)state;
	assert_int_equal(vat_of(105, 5), 5);    /* 105 × 5 / 105 */
	assert_int_equal(vat_of(110, 10), 10);  /* 110 × 10 / 110 */
	assert_int_equal(vat_of(112, 12), 12);  /* 112 × 12 / 112 */
	assert_int_equal(vat_of(116, 16), 16);  /* 116 × 16 / 116 */
	assert_int_equal(vat_of(0, 16), 0);
}

static void exactly_half_a_tiyn_rounds_up(void **state)
{
	(void)state;
	/* 14 × 12 / 112 = 168 / 112 = 1.5 → 2 */
	assert_int_equal(vat_of(14, 12), 2);
	/* 42 × 12 / 112 = 504 / 112 = 4.5 → 5 */
	assert_int_equal(vat_of(42, 12), 5);
	/* 1 × 100 / 200 = 0.5 → 1 */
	assert_int_equal(vat_of(1, 100), 1);
	/* 3 × 20 / 120 = 0.5 → 1 */
	assert_int_equal(vat_of(3, 20), 1);
}

static void below_half_rounds_down_above_half_rounds_up(void **state)
{
	(void)state;
	assert_int_equal(vat_of(13, 12), 1);        /* 156 / 112 = 1.39 → 1 */
	assert_int_equal(vat_of(10, 5), 0);         /* 50 / 105 = 0.476 → 0 */
	assert_int_equal(vat_of(11, 5), 1);         /* 55 / 105 = 0.524 → 1 */
	assert_int_equal(vat_of(5, 10), 0);         /* 50 / 110 = 0.455 → 0 */
	assert_int_equal(vat_of(6, 10), 1);         /* 60 / 110 = 0.545 → 1 */
	assert_int_equal(vat_of(1000, 16), 138);    /* 16000 / 116 = 137.93 → 138 */
	assert_int_equal(vat_of(150000, 16), 20690); /* 2400000 / 116 = 20689.66 → 20690 */
}

static void negative_gross_is_the_mirror_of_positive(void **state)
{
	(void)state;
	assert_int_equal(vat_of(-14, 12), -2);
	assert_int_equal(vat_of(-13, 12), -1);
	assert_int_equal(vat_of(-150000, 16), -20690);
}

static void extreme_gross_does_not_overflow(void **state)
{
	(void)state;
	/* (2^63 − 1) / 2 = 4611686018427387903.5 → …904 */
	assert_int_equal(vat_of(INT64_MAX, 100), INT64_C(4611686018427387904));
	/* 2^63 / 2 = 2^62 */
	assert_int_equal(vat_of(INT64_MIN, 100), -INT64_C(4611686018427387904));
	/* (2^63 − 1) × 12 / 112, rounded half up, computed with Python's Fraction */
	assert_int_equal(vat_of(INT64_MAX, 12), INT64_C(988218432520154551));
	assert_int_equal(vat_of(INT64_MAX, 16), INT64_C(1272189246462727698));
}

static void rate_outside_0_to_100_is_refused(void **state)
{
	int64_t v = 42;
	(void)state;
	assert_false(vat_included(1000, -1, &v));
	assert_false(vat_included(1000, 101, &v));
	assert_int_equal(v, 42);
}

static void table_keeps_groups_sorted_by_rate(void **state)
{
	struct vat_table t;
	(void)state;
	vat_table_init(&t);
	assert_int_equal(vat_table_add(&t, 16, 116), VAT_OK);
	assert_int_equal(vat_table_add(&t, 0, 500), VAT_OK);
	assert_int_equal(vat_table_add(&t, 12, 112), VAT_OK);
	assert_int_equal(vat_table_add(&t, 5, 105), VAT_OK);
	assert_int_equal(vat_table_add(&t, 10, 110), VAT_OK);
	assert_int_equal(t.count, 5);
	const int rates[] = {0, 5, 10, 12, 16};
	const int64_t vats[] = {0, 5, 10, 12, 16};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(t.group[i].rate, rates[i]);
		assert_int_equal(t.group[i].vat, vats[i]);
	}
}

static void table_rounds_once_per_group_not_per_line(void **state)
{
	struct vat_table t;
	(void)state;
	vat_table_init(&t);
	/* three lines of 100 tiyn at 12 %:
	 *   per line: 1200 / 112 = 10.71 → 11, three times = 33
	 *   group:    3600 / 112 = 32.14 → 32 */
	for (int i = 0; i < 3; i++)
		assert_int_equal(vat_table_add(&t, 12, 100), VAT_OK);
	/* two lines of 4 tiyn at 16 %:
	 *   per line: 64 / 116 = 0.55 → 1, twice = 2
	 *   group:   128 / 116 = 1.10 → 1 */
	assert_int_equal(vat_table_add(&t, 16, 4), VAT_OK);
	assert_int_equal(vat_table_add(&t, 16, 4), VAT_OK);
	assert_int_equal(t.count, 2);
	assert_int_equal(t.group[0].gross, 300);
	assert_int_equal(t.group[0].vat, 32);
	assert_int_equal(t.group[1].gross, 8);
	assert_int_equal(t.group[1].vat, 1);
}

static void table_half_tiyns_of_lines_do_not_add_up(void **state)
{
	struct vat_table t;
	(void)state;
	vat_table_init(&t);
	/* two lines of 14 tiyn at 12 %:
	 *   per line: 168 / 112 = 1.5 → 2, twice = 4
	 *   group:    336 / 112 = 3 exactly */
	assert_int_equal(vat_table_add(&t, 12, 14), VAT_OK);
	assert_int_equal(vat_table_add(&t, 12, 14), VAT_OK);
	assert_int_equal(t.group[0].vat, 3);
}

static void table_sum_adds_the_groups_rounded_vat(void **state)
{
	struct vat_table t;
	int64_t gross, vat;
	(void)state;
	vat_table_init(&t);
	vat_table_add(&t, 12, 14);  /* 1.5 → 2 */
	vat_table_add(&t, 16, 4);   /* 0.55 → 1 */
	assert_true(vat_table_sum(&t, &gross, &vat));
	assert_int_equal(gross, 18);
	assert_int_equal(vat, 3);
}

static void table_refund_cancels_a_sale(void **state)
{
	struct vat_table t;
	(void)state;
	vat_table_init(&t);
	assert_int_equal(vat_table_add(&t, 12, 150000), VAT_OK);
	assert_int_equal(vat_table_add(&t, 12, -150000), VAT_OK);
	assert_int_equal(t.count, 1);
	assert_int_equal(t.group[0].gross, 0);
	assert_int_equal(t.group[0].vat, 0);
}

static void table_overflow_is_refused_and_changes_nothing(void **state)
{
	struct vat_table t;
	(void)state;
	vat_table_init(&t);
	assert_int_equal(vat_table_add(&t, 12, INT64_MAX), VAT_OK);
	assert_int_equal(vat_table_add(&t, 12, 1), VAT_OVERFLOW);
	assert_int_equal(t.count, 1);
	assert_int_equal(t.group[0].gross, INT64_MAX);
	assert_int_equal(t.group[0].vat, INT64_C(988218432520154551));
}

static void table_refuses_a_bad_rate(void **state)
{
	struct vat_table t;
	(void)state;
	vat_table_init(&t);
	assert_int_equal(vat_table_add(&t, 101, 100), VAT_BAD_RATE);
	assert_int_equal(vat_table_add(&t, -5, 100), VAT_BAD_RATE);
	assert_int_equal(t.count, 0);
}

static void table_holds_every_rate_from_0_to_100(void **state)
{
	struct vat_table t;
	(void)state;
	vat_table_init(&t);
	for (int r = VAT_RATE_MAX; r >= 0; r--)
		assert_int_equal(vat_table_add(&t, r, 100 + r), VAT_OK);
	assert_int_equal(t.count, VAT_GROUPS_MAX);
	for (int r = 0; r <= VAT_RATE_MAX; r++) {
		assert_int_equal(t.group[r].rate, r);
		assert_int_equal(t.group[r].vat, r); /* (100 + r) × r / (100 + r) */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rate_zero_has_no_vat),
		cmocka_unit_test(exact_shares_need_no_rounding),
		cmocka_unit_test(exactly_half_a_tiyn_rounds_up),
		cmocka_unit_test(below_half_rounds_down_above_half_rounds_up),
		cmocka_unit_test(negative_gross_is_the_mirror_of_positive),
		cmocka_unit_test(extreme_gross_does_not_overflow),
		cmocka_unit_test(rate_outside_0_to_100_is_refused),
		cmocka_unit_test(table_keeps_groups_sorted_by_rate),
		cmocka_unit_test(table_rounds_once_per_group_not_per_line),
		cmocka_unit_test(table_half_tiyns_of_lines_do_not_add_up),
		cmocka_unit_test(table_sum_adds_the_groups_rounded_vat),
		cmocka_unit_test(table_refund_cancels_a_sale),
		cmocka_unit_test(table_overflow_is_refused_and_changes_nothing),
		cmocka_unit_test(table_refuses_a_bad_rate),
		cmocka_unit_test(table_holds_every_rate_from_0_to_100),
	};
	return cmocka_run_group_tests_name("vat", tests, NULL, NULL);
}
