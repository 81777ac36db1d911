/* test_measure.c — goods sold by measure: which units are measures, the
 * money of a weight (rounded half up once, checked against an exact
 * computation over a grid of weights and prices), the weight as text,
 * what a cashier types as a quantity for a piece product and for kg, l
 * and m, the input line's "N*CODE", and a weighed line's refund share. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/measure.h"

static void measured_units_are_known_in_every_spelling(void **state)
{
	(void)state;
	const char *kg[] = {"кг", "КГ", "Кг", "kg", "KG", "Kg"};
	for (size_t i = 0; i < sizeof kg / sizeof *kg; i++)
		assert_int_equal(kp_measure_of(kg[i]), KP_MEASURE_KG);
	assert_int_equal(kp_measure_of("л"), KP_MEASURE_L);
	assert_int_equal(kp_measure_of("Л"), KP_MEASURE_L);
	assert_int_equal(kp_measure_of("l"), KP_MEASURE_L);
	assert_int_equal(kp_measure_of("м"), KP_MEASURE_M);
	assert_int_equal(kp_measure_of("M"), KP_MEASURE_M);
}

static void every_other_unit_is_sold_by_the_piece(void **state)
{
	(void)state;
	const char *piece[] = {"шт", "", "уп", "г", "кгх", "к", "kgs", " кг", "пачка", "\xd0"};
	for (size_t i = 0; i < sizeof piece / sizeof *piece; i++)
		assert_int_equal(kp_measure_of(piece[i]), KP_MEASURE_PIECE);
	assert_int_equal(kp_measure_of(NULL), KP_MEASURE_PIECE);
}

static void units_have_their_label_russian_spelling_and_fiscal_code(void **state)
{
	(void)state;
	assert_string_equal(kp_measure_label(KP_MEASURE_KG), "kg");
	assert_string_equal(kp_measure_ru(KP_MEASURE_KG), "кг");
	assert_string_equal(kp_measure_ru(KP_MEASURE_L), "л");
	assert_string_equal(kp_measure_ru(KP_MEASURE_M), "м");
	assert_int_equal(kp_measure_fiscal_code(KP_MEASURE_KG), 166);
	assert_int_equal(kp_measure_fiscal_code(KP_MEASURE_L), 112);
	assert_int_equal(kp_measure_fiscal_code(KP_MEASURE_M), 6);
	assert_int_equal(kp_measure_fiscal_code(KP_MEASURE_PIECE), 796);
	assert_int_equal(kp_measure_fiscal_code((enum kp_measure)42), 796);
}

static void weight_times_price_rounds_half_up_to_the_tiyn(void **state)
{
	(void)state;
	/* 0,350 кг × 4 290,00 ₸/кг = 1 501,50 ₸ exactly */
	assert_int_equal(kp_measure_amount(350, 429000), 150150);
	/* 0,333 кг × 549,90 = 183,1167 → 183,12 (FISCAL.md's example) */
	assert_int_equal(kp_measure_amount(333, 54990), 18312);
	/* half a tiyn goes up, just under half goes down */
	assert_int_equal(kp_measure_amount(1, 500), 1);
	assert_int_equal(kp_measure_amount(1, 499), 0);
	assert_int_equal(kp_measure_amount(3, 500), 2);   /* 1,5 tiyn */
	assert_int_equal(kp_measure_amount(1, 1500), 2);  /* 1,5 tiyn */
	assert_int_equal(kp_measure_amount(1, 2500), 3);  /* 2,5: up, not to even */
	assert_int_equal(kp_measure_amount(999, 1), 1);   /* 0,999 tiyn */
	assert_int_equal(kp_measure_amount(0, 429000), 0);
	assert_int_equal(kp_measure_amount(1000, 429000), 429000);
	/* the largest line: 100 kg at 1 000 000 ₸/кг */
	assert_int_equal(kp_measure_amount(KP_MEASURE_MAX, 100000000), INT64_C(10000000000));
	assert_int_equal(kp_measure_amount(-1, 100), -1);
	assert_int_equal(kp_measure_amount(1, -100), -1);
	assert_int_equal(kp_measure_amount(INT64_MAX, 2), -1);
}

/* Rounding half up computed another way: compare the remainder's double
 * with the divisor, on the exact product. */
static int64_t reference_amount(int64_t w, int64_t price)
{
	int64_t p = w * price, q = p / 1000, r = p % 1000;
	return 2 * r >= 1000 ? q + 1 : q;
}

static void rounding_agrees_with_an_exact_reference_over_a_grid(void **state)
{
	(void)state;
	const int64_t prices[] = {1, 7, 99, 100, 101, 499, 500, 501, 999, 1001, 24000, 54990,
	                          99999, 429000, 1199000, 9999999, 100000000};
	for (size_t i = 0; i < sizeof prices / sizeof *prices; i++)
		for (int64_t w = 1; w <= KP_MEASURE_MAX; w += (w < 2000 ? 1 : 997))
			assert_int_equal(kp_measure_amount(w, prices[i]), reference_amount(w, prices[i]));
}

static void weights_read_as_three_decimals(void **state)
{
	(void)state;
	char b[32];
	kp_measure_format(b, sizeof b, 350);
	assert_string_equal(b, "0,350");
	kp_measure_format(b, sizeof b, 5);
	assert_string_equal(b, "0,005");
	kp_measure_format(b, sizeof b, 1000);
	assert_string_equal(b, "1,000");
	kp_measure_format(b, sizeof b, 12345);
	assert_string_equal(b, "12,345");
	kp_measure_format(b, sizeof b, KP_MEASURE_MAX);
	assert_string_equal(b, "100,000");
	kp_measure_format(b, sizeof b, -350);
	assert_string_equal(b, "-0,350");
}

struct qty_case {
	const char *text;
	enum kp_measure m;
	enum kp_qty_status st;
	int64_t value;
};

static void typed_quantities_read_as_the_unit_says(void **state)
{
	(void)state;
	static const struct qty_case cases[] = {
		/* kg: kilograms with up to three decimals, or grams */
		{"0,350", KP_MEASURE_KG, KP_QTY_OK, 350},
		{"0.350", KP_MEASURE_KG, KP_QTY_OK, 350},
		{"0,35", KP_MEASURE_KG, KP_QTY_OK, 350},
		{"0,3", KP_MEASURE_KG, KP_QTY_OK, 300},
		{",5", KP_MEASURE_KG, KP_QTY_OK, 500},
		{"1", KP_MEASURE_KG, KP_QTY_OK, 1000},
		{"5.", KP_MEASURE_KG, KP_QTY_OK, 5000},
		{"2,5", KP_MEASURE_KG, KP_QTY_OK, 2500},
		{"  0,350  ", KP_MEASURE_KG, KP_QTY_OK, 350},
		{"0,350 кг", KP_MEASURE_KG, KP_QTY_OK, 350},
		{"0,350кг", KP_MEASURE_KG, KP_QTY_OK, 350},
		{"1,5 KG", KP_MEASURE_KG, KP_QTY_OK, 1500},
		{"350 г", KP_MEASURE_KG, KP_QTY_OK, 350},
		{"350г", KP_MEASURE_KG, KP_QTY_OK, 350},
		{"350 Г", KP_MEASURE_KG, KP_QTY_OK, 350},
		{"350 гр", KP_MEASURE_KG, KP_QTY_OK, 350},
		{"350 g", KP_MEASURE_KG, KP_QTY_OK, 350},
		{"1 г", KP_MEASURE_KG, KP_QTY_OK, 1},
		{"0,001", KP_MEASURE_KG, KP_QTY_OK, 1},
		{"100", KP_MEASURE_KG, KP_QTY_OK, 100000},
		{"100,000", KP_MEASURE_KG, KP_QTY_OK, 100000},
		{"100000 г", KP_MEASURE_KG, KP_QTY_OK, 100000},
		{"0", KP_MEASURE_KG, KP_QTY_ZERO, 0},
		{"0,000", KP_MEASURE_KG, KP_QTY_ZERO, 0},
		{"0 г", KP_MEASURE_KG, KP_QTY_ZERO, 0},
		{"100,001", KP_MEASURE_KG, KP_QTY_TOO_MUCH, 0},
		{"101", KP_MEASURE_KG, KP_QTY_TOO_MUCH, 0},
		{"100001 г", KP_MEASURE_KG, KP_QTY_TOO_MUCH, 0},
		{"99999999999999999999", KP_MEASURE_KG, KP_QTY_TOO_MUCH, 0},
		{"0,3505", KP_MEASURE_KG, KP_QTY_SYNTAX, 0},
		{"350,5 г", KP_MEASURE_KG, KP_QTY_SYNTAX, 0},
		{"350 мл", KP_MEASURE_KG, KP_QTY_SYNTAX, 0},
		{"1,2,3", KP_MEASURE_KG, KP_QTY_SYNTAX, 0},
		{"-1", KP_MEASURE_KG, KP_QTY_SYNTAX, 0},
		{"1e3", KP_MEASURE_KG, KP_QTY_SYNTAX, 0},
		{"", KP_MEASURE_KG, KP_QTY_SYNTAX, 0},
		{",", KP_MEASURE_KG, KP_QTY_SYNTAX, 0},
		{"г", KP_MEASURE_KG, KP_QTY_SYNTAX, 0},
		{"abc", KP_MEASURE_KG, KP_QTY_SYNTAX, 0},
		/* l and m: their own thousandths */
		{"500 мл", KP_MEASURE_L, KP_QTY_OK, 500},
		{"1,5", KP_MEASURE_L, KP_QTY_OK, 1500},
		{"500 г", KP_MEASURE_L, KP_QTY_SYNTAX, 0},
		{"750 mm", KP_MEASURE_M, KP_QTY_OK, 750},
		{"2,5 м", KP_MEASURE_M, KP_QTY_OK, 2500},
		/* pieces: whole numbers only */
		{"3", KP_MEASURE_PIECE, KP_QTY_OK, 3},
		{"3,0", KP_MEASURE_PIECE, KP_QTY_OK, 3},
		{" 12 ", KP_MEASURE_PIECE, KP_QTY_OK, 12},
		{"9999", KP_MEASURE_PIECE, KP_QTY_OK, 9999},
		{"0,350", KP_MEASURE_PIECE, KP_QTY_FRACTION, 0},
		{"0.5", KP_MEASURE_PIECE, KP_QTY_FRACTION, 0},
		{"350 г", KP_MEASURE_PIECE, KP_QTY_FRACTION, 0},
		{"1 кг", KP_MEASURE_PIECE, KP_QTY_FRACTION, 0},
		{"0", KP_MEASURE_PIECE, KP_QTY_PIECES, 0},
		{"10000", KP_MEASURE_PIECE, KP_QTY_PIECES, 0},
		{"99999999999999999999", KP_MEASURE_PIECE, KP_QTY_PIECES, 0},
		{"3 шт", KP_MEASURE_PIECE, KP_QTY_SYNTAX, 0},
		{"abc", KP_MEASURE_PIECE, KP_QTY_SYNTAX, 0},
		{"", KP_MEASURE_PIECE, KP_QTY_SYNTAX, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int64_t v = -7;
		enum kp_qty_status st = kp_qty_parse(cases[i].text, cases[i].m, &v);
		if (st != cases[i].st)
			fail_msg("\"%s\" (measure %d): status %d, expected %d", cases[i].text, cases[i].m, st,
			         cases[i].st);
		assert_int_equal(v, st == KP_QTY_OK ? cases[i].value : -7); /* untouched on a refusal */
	}
	int64_t v;
	assert_int_equal(kp_qty_parse(NULL, KP_MEASURE_KG, &v), KP_QTY_SYNTAX);
}

static void every_refusal_has_a_sentence_naming_its_unit(void **state)
{
	(void)state;
	assert_non_null(strstr(kp_qty_status_message(KP_QTY_TOO_MUCH, KP_MEASURE_KG), "100 kg"));
	assert_non_null(strstr(kp_qty_status_message(KP_QTY_TOO_MUCH, KP_MEASURE_L), "100 l"));
	assert_non_null(strstr(kp_qty_status_message(KP_QTY_TOO_MUCH, KP_MEASURE_M), "100 m"));
	assert_non_null(strstr(kp_qty_status_message(KP_QTY_FRACTION, KP_MEASURE_PIECE), "piece"));
	assert_non_null(strstr(kp_qty_status_message(KP_QTY_ZERO, KP_MEASURE_KG), "0"));
	for (int st = KP_QTY_OK; st <= KP_QTY_TOO_MUCH + 1; st++)
		for (int m = 0; m <= KP_MEASURE_COUNT; m++)
			assert_true(kp_qty_status_message((enum kp_qty_status)st, (enum kp_measure)m)[0]);
}

struct item_case {
	const char *text;
	enum kp_item_status st;
	const char *qty, *code;
	bool has_qty;
};

static void input_line_items_split_at_the_star(void **state)
{
	(void)state;
	static const struct item_case cases[] = {
		{"4600000010007", KP_ITEM_OK, "", "4600000010007", false},
		{"  GR-0001 ", KP_ITEM_OK, "", "GR-0001", false},
		{"3*4870000025008", KP_ITEM_OK, "3", "4870000025008", true},
		{"0,35*4600000010007", KP_ITEM_OK, "0,35", "4600000010007", true},
		{" 0,350 * GR-0010 ", KP_ITEM_OK, "0,350", "GR-0010", true},
		{"350 г*GR-0010", KP_ITEM_OK, "350 г", "GR-0010", true},
		{"3*", KP_ITEM_OK, "3", "", true},
		{"3*сыр рос", KP_ITEM_OK, "3", "сыр рос", true},
		{"*4600000010007", KP_ITEM_NO_QTY, "", "4600000010007", true},
		{" *4600000010007", KP_ITEM_NO_QTY, "", "4600000010007", true},
		{"2*3*4600000010007", KP_ITEM_TWO_STARS, "", "", false},
		{"", KP_ITEM_EMPTY, "", "", false},
		{"   ", KP_ITEM_EMPTY, "", "", false},
		{"1234567890123456789012345678901234567890123456789012345678901234", KP_ITEM_TOO_LONG,
		 NULL, NULL, false},
		{"12345678901234567890123456789012*1", KP_ITEM_TOO_LONG, NULL, NULL, true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct kp_item_text it;
		enum kp_item_status st = kp_item_split(cases[i].text, &it);
		if (st != cases[i].st)
			fail_msg("\"%s\": status %d, expected %d", cases[i].text, st, cases[i].st);
		if (cases[i].qty) {
			assert_string_equal(it.qty, cases[i].qty);
			assert_string_equal(it.code, cases[i].code);
		}
		assert_int_equal(it.has_qty, cases[i].has_qty);
	}
	struct kp_item_text it;
	assert_int_equal(kp_item_split(NULL, &it), KP_ITEM_EMPTY);
}

static void refund_share_is_weight_times_price_rounded_half_up(void **state)
{
	(void)state;
	/* 0,350 кг × 4 290,00 = 1 501,50 ₸; 0,100 кг back is 429,00 ₸ */
	assert_int_equal(kp_measure_refund_share(100, 429000, 150150, 150150, 150150), 42900);
	/* 0,333 at 549,90: 0,111 back is 61,0389 → 61,04 */
	assert_int_equal(kp_measure_refund_share(111, 54990, 18312, 18312, 18312), 6104);
	/* 0,001 at 5,00 ₸/кг: half a tiyn, up */
	assert_int_equal(kp_measure_refund_share(1, 500, 150, 150, 150), 1);
}

static void refund_share_keeps_the_discounts_proportion(void **state)
{
	(void)state;
	/* 1,000 кг × 4 290,00 with 10 % off: 3 861,00 ₸; half of it back is
	 * 0,500 × 4 290,00 × 0,9 = 1 930,50 */
	assert_int_equal(kp_measure_refund_share(500, 429000, 386100, 429000, 386100), 193050);
	/* a full discount gives nothing back */
	assert_int_equal(kp_measure_refund_share(500, 429000, 0, 429000, 1), 0);
}

static void refund_share_never_passes_what_is_left(void **state)
{
	(void)state;
	assert_int_equal(kp_measure_refund_share(100, 429000, 150150, 150150, 40000), 40000);
	assert_int_equal(kp_measure_refund_share(100, 429000, 150150, 150150, 0), 0);
	assert_int_equal(kp_measure_refund_share(0, 429000, 150150, 150150, 150150), 0);
	assert_int_equal(kp_measure_refund_share(100, 429000, 150150, 0, 150150), 0);
	/* 100 kg at 1 000 000 ₸/кг: the product needs more than 64 bits */
	assert_int_equal(kp_measure_refund_share(KP_MEASURE_MAX, 100000000, INT64_C(10000000000),
	                                         INT64_C(10000000000), INT64_C(10000000000)),
	                 INT64_C(10000000000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(measured_units_are_known_in_every_spelling),
		cmocka_unit_test(every_other_unit_is_sold_by_the_piece),
		cmocka_unit_test(units_have_their_label_russian_spelling_and_fiscal_code),
		cmocka_unit_test(weight_times_price_rounds_half_up_to_the_tiyn),
		cmocka_unit_test(rounding_agrees_with_an_exact_reference_over_a_grid),
		cmocka_unit_test(weights_read_as_three_decimals),
		cmocka_unit_test(typed_quantities_read_as_the_unit_says),
		cmocka_unit_test(every_refusal_has_a_sentence_naming_its_unit),
		cmocka_unit_test(input_line_items_split_at_the_star),
		cmocka_unit_test(refund_share_is_weight_times_price_rounded_half_up),
		cmocka_unit_test(refund_share_keeps_the_discounts_proportion),
		cmocka_unit_test(refund_share_never_passes_what_is_left),
	};
	return cmocka_run_group_tests_name("measure", tests, NULL, NULL);
}
