/* test_basket.c — the cashier's basket: lines, merges, quantities, voids,
 * discounts and the manager's limit, totals, VAT per rate, the products
 * array that sums exactly to the amount, the payable limits, held
 * baskets as text, and goods sold by weight: typed weights, scale labels
 * of a weight or a price, their fixed lines and their API names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/basket.h"
#include "core/validate.h"

/* A catalog product; the name is Russian UTF-8 unless a test sets another. */
static struct kp_product product(int64_t id, const char *sku, int64_t price, int rate)
{
	struct kp_product p;
	memset(&p, 0, sizeof p);
	p.id = id;
	snprintf(p.sku, sizeof p.sku, "%s", sku);
	snprintf(p.barcode, sizeof p.barcode, "4870204391510");
	snprintf(p.name_ru, sizeof p.name_ru, "Хлеб %s", sku);
	snprintf(p.name_kk, sizeof p.name_kk, "Нан %s", sku);
	snprintf(p.unit, sizeof p.unit, "шт");
	p.price = price;
	p.tax_rate = rate;
	return p;
}

/* A product sold by weight: price tiyn per kg, 16 % VAT. */
static struct kp_product by_weight(int64_t id, int64_t price)
{
	struct kp_product p;
	memset(&p, 0, sizeof p);
	p.id = id;
	snprintf(p.sku, sizeof p.sku, "W%lld", (long long)id);
	snprintf(p.name_ru, sizeof p.name_ru, "Сыр W%lld", (long long)id);
	snprintf(p.name_kk, sizeof p.name_kk, "Ірімшік W%lld", (long long)id);
	snprintf(p.unit, sizeof p.unit, "кг");
	p.price = price;
	p.tax_rate = 16;
	return p;
}

/* Adds a product as a line of its own and returns its index. */
static size_t add_line(struct basket *b, int64_t id, int64_t price, int rate, int64_t qty)
{
	char sku[16];
	size_t index = 999;
	snprintf(sku, sizeof sku, "SKU%lld", (long long)id);
	struct kp_product p = product(id, sku, price, rate);
	assert_int_equal(basket_add(b, &p, qty, BASKET_ADD_NEW_LINE, &index), BASKET_OK);
	return index;
}

static int setup(void **state)
{
	struct basket *b = malloc(sizeof *b);
	if (!b)
		return -1;
	basket_init(b);
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	basket_free(*state);
	free(*state);
	return 0;
}

static int64_t line_total(const struct basket *b, size_t i)
{
	int64_t total = -1;
	assert_int_equal(basket_line_sums(&b->lines[i], NULL, NULL, &total), BASKET_OK);
	return total;
}

/* ---- lines ---------------------------------------------------------------- */

static void add_copies_the_product_into_a_new_line(void **state)
{
	struct basket *b = *state;
	struct kp_product p = product(7, "BR-1", 25000, 12);
	size_t i = 99;

	assert_int_equal(basket_add(b, &p, 2, BASKET_ADD_MERGE, &i), BASKET_OK);
	assert_int_equal(i, 0);
	assert_int_equal(b->count, 1);
	assert_int_equal(b->lines[0].product_id, 7);
	assert_string_equal(b->lines[0].sku, "BR-1");
	assert_string_equal(b->lines[0].barcode, "4870204391510");
	assert_string_equal(b->lines[0].name, "Хлеб BR-1");
	assert_string_equal(b->lines[0].name_kk, "Нан BR-1");
	assert_string_equal(b->lines[0].unit, "шт");
	assert_int_equal(b->lines[0].quantity, 2);
	assert_int_equal(b->lines[0].unit_price, 25000);
	assert_int_equal(b->lines[0].tax_rate, 12);
	assert_int_equal(b->lines[0].discount_kind, BASKET_DISCOUNT_NONE);
	assert_false(b->lines[0].voided);
	assert_int_equal(basket_total(b), 50000);
}

static void scanning_again_with_merge_adds_to_the_line(void **state)
{
	struct basket *b = *state;
	struct kp_product p = product(7, "BR-1", 25000, 12);
	size_t i = 99;

	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, &i), BASKET_OK);
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, &i), BASKET_OK);
	assert_int_equal(basket_add(b, &p, 3, BASKET_ADD_MERGE, &i), BASKET_OK);
	assert_int_equal(i, 0);
	assert_int_equal(b->count, 1);
	assert_int_equal(b->lines[0].quantity, 5);
}

static void merge_matches_by_sku_when_the_product_has_no_id(void **state)
{
	struct basket *b = *state;
	struct kp_product a = product(0, "FREE-1", 1000, 0);
	struct kp_product other = product(0, "FREE-2", 1000, 0);

	assert_int_equal(basket_add(b, &a, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(basket_add(b, &other, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(basket_add(b, &a, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(b->count, 2);
	assert_int_equal(b->lines[0].quantity, 2);
	assert_int_equal(b->lines[1].quantity, 1);
}

static void product_without_id_or_sku_never_merges(void **state)
{
	struct basket *b = *state;
	struct kp_product p = product(0, "", 1000, 0);

	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(b->count, 2);
}

static void new_line_mode_never_merges(void **state)
{
	struct basket *b = *state;
	struct kp_product p = product(7, "BR-1", 25000, 12);

	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_NEW_LINE, NULL), BASKET_OK);
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_NEW_LINE, NULL), BASKET_OK);
	assert_int_equal(b->count, 2);
	assert_int_equal(basket_item_count(b), 2);
}

static void merge_skips_voided_discounted_and_repriced_lines(void **state)
{
	struct basket *b = *state;
	struct kp_product p = product(7, "BR-1", 25000, 12);
	struct kp_product repriced = p;
	size_t i;

	repriced.price = 26000;
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(basket_void_line(b, 0), BASKET_OK);
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(basket_discount_percent(b, 1, 500, false), BASKET_OK);
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(basket_add(b, &repriced, 1, BASKET_ADD_MERGE, &i), BASKET_OK);
	assert_int_equal(i, 3);
	assert_int_equal(b->count, 4);
	for (size_t k = 0; k < 4; k++)
		assert_int_equal(b->lines[k].quantity, 1);
}

static void quantity_outside_1_to_9999_is_refused(void **state)
{
	struct basket *b = *state;
	struct kp_product p = product(7, "BR-1", 25000, 12);
	const int64_t bad[] = {0, -1, 10000, INT64_MAX, INT64_MIN};

	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		assert_int_equal(basket_add(b, &p, bad[k], BASKET_ADD_MERGE, NULL), BASKET_ERR_QUANTITY);
	assert_int_equal(basket_add(b, &p, 9999, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(b->count, 1);
}

static void merge_past_the_quantity_cap_leaves_the_line_alone(void **state)
{
	struct basket *b = *state;
	struct kp_product p = product(7, "BR-1", 100, 12);

	assert_int_equal(basket_add(b, &p, 9998, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_ERR_QUANTITY);
	assert_int_equal(b->count, 1);
	assert_int_equal(b->lines[0].quantity, 9999);
}

static void price_outside_0_to_1_000_000_kzt_is_refused(void **state)
{
	struct basket *b = *state;
	struct kp_product p = product(7, "BR-1", -1, 12);

	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_ERR_PRICE);
	p.price = BASKET_PRICE_MAX + 1;
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_ERR_PRICE);
	p.price = INT64_MAX;
	assert_int_equal(basket_add(b, &p, 2, BASKET_ADD_MERGE, NULL), BASKET_ERR_PRICE);
	p.price = 0;
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	p.price = BASKET_PRICE_MAX;
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_NEW_LINE, NULL), BASKET_OK);
	assert_int_equal(b->count, 2);
}

static void tax_rate_outside_0_to_100_is_refused(void **state)
{
	struct basket *b = *state;
	struct kp_product p = product(7, "BR-1", 100, -1);

	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_ERR_TAX_RATE);
	p.tax_rate = 101;
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_ERR_TAX_RATE);
	assert_int_equal(b->count, 0);
}

static void empty_or_broken_name_is_refused(void **state)
{
	struct basket *b = *state;
	struct kp_product p = product(7, "BR-1", 100, 12);

	p.name_ru[0] = '\0';
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_ERR_NAME);
	snprintf(p.name_ru, sizeof p.name_ru, "\xd0"); /* half a Cyrillic letter */
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_ERR_NAME);
	memset(p.name_ru, 'a', sizeof p.name_ru); /* no NUL at all */
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_ERR_NAME);
	assert_int_equal(b->count, 0);
	assert_int_equal(basket_add(b, NULL, 1, BASKET_ADD_MERGE, NULL), BASKET_ERR_ARGUMENT);
}

static void basket_holds_at_most_500_lines(void **state)
{
	struct basket *b = *state;
	struct kp_product p = product(7, "BR-1", 100, 12);

	for (int k = 0; k < BASKET_LINES_MAX; k++)
		assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_NEW_LINE, NULL), BASKET_OK);
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_NEW_LINE, NULL), BASKET_ERR_TOO_MANY_LINES);
	/* a merge into an existing line still works */
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(b->count, BASKET_LINES_MAX);
	assert_int_equal(basket_item_count(b), BASKET_LINES_MAX + 1);
}

static void set_quantity_changes_the_line(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 25000, 12, 1);

	assert_int_equal(basket_set_quantity(b, i, 4, false), BASKET_OK);
	assert_int_equal(b->lines[i].quantity, 4);
	assert_int_equal(basket_total(b), 100000);
}

static void set_quantity_outside_1_to_9999_is_refused(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 25000, 12, 3);

	assert_int_equal(basket_set_quantity(b, i, 0, false), BASKET_ERR_QUANTITY);
	assert_int_equal(basket_set_quantity(b, i, 10000, false), BASKET_ERR_QUANTITY);
	assert_int_equal(basket_set_quantity(b, i, -3, true), BASKET_ERR_QUANTITY);
	assert_int_equal(basket_set_quantity(b, 5, 1, false), BASKET_ERR_NO_LINE);
	assert_int_equal(b->lines[i].quantity, 3);
}

static void void_keeps_the_line_but_drops_it_from_totals(void **state)
{
	struct basket *b = *state;
	struct basket_totals t;

	add_line(b, 1, 25000, 12, 2);
	size_t i = add_line(b, 2, 10000, 12, 3);
	assert_int_equal(basket_void_line(b, i), BASKET_OK);
	assert_int_equal(b->count, 2);
	assert_true(b->lines[i].voided);
	assert_int_equal(basket_totals(b, &t), BASKET_OK);
	assert_int_equal(t.total, 50000);
	assert_int_equal(t.items, 2);
	assert_int_equal(t.lines, 1);
	assert_int_equal(t.voided_lines, 1);
	assert_int_equal(t.voided_amount, 30000);
}

static void voided_line_cannot_change(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 25000, 12, 2);

	assert_int_equal(basket_void_line(b, i), BASKET_OK);
	assert_int_equal(basket_void_line(b, i), BASKET_ERR_VOIDED);
	assert_int_equal(basket_set_quantity(b, i, 1, false), BASKET_ERR_VOIDED);
	assert_int_equal(basket_discount_percent(b, i, 100, false), BASKET_ERR_VOIDED);
	assert_int_equal(basket_discount_amount(b, i, 100, false), BASKET_ERR_VOIDED);
	assert_int_equal(basket_discount_clear(b, i), BASKET_ERR_VOIDED);
	assert_int_equal(basket_void_line(b, 1), BASKET_ERR_NO_LINE);
}

static void totals_add_gross_discounts_and_items(void **state)
{
	struct basket *b = *state;
	struct basket_totals t;

	add_line(b, 1, 25000, 12, 2);                  /* 50000 */
	size_t i = add_line(b, 2, 10000, 12, 3);       /* 30000 */
	assert_int_equal(basket_discount_amount(b, i, 1500, false), BASKET_OK); /* 5 % */
	assert_int_equal(basket_totals(b, &t), BASKET_OK);
	assert_int_equal(t.gross, 80000);
	assert_int_equal(t.discount, 1500);
	assert_int_equal(t.total, 78500);
	assert_int_equal(t.items, 5);
	assert_int_equal(t.lines, 2);
	assert_int_equal(t.voided_lines, 0);
	assert_int_equal(basket_total(b), 78500);
	assert_int_equal(basket_item_count(b), 5);
}

static void clear_empties_and_keeps_the_limit(void **state)
{
	struct basket *b = *state;

	assert_true(basket_set_discount_limit(b, 2500));
	add_line(b, 1, 25000, 12, 2);
	basket_clear(b);
	assert_int_equal(b->count, 0);
	assert_int_equal(b->discount_limit, 2500);
	assert_int_equal(basket_total(b), 0);
	add_line(b, 1, 100, 12, 1);
	assert_int_equal(basket_total(b), 100);
}

/* ---- discounts ------------------------------------------------------------ */

static void percent_discount_rounds_half_up(void **state)
{
	struct basket *b = *state;
	int64_t gross, discount, total;

	/* 999 × 12.50 % = 124.875 → 125 */
	size_t i = add_line(b, 1, 333, 12, 3);
	assert_int_equal(basket_discount_percent(b, i, 1250, true), BASKET_OK);
	assert_int_equal(basket_line_sums(&b->lines[i], &gross, &discount, &total), BASKET_OK);
	assert_int_equal(gross, 999);
	assert_int_equal(discount, 125);
	assert_int_equal(total, 874);
	/* 100 × 0.50 % = 0.5 → 1 */
	i = add_line(b, 2, 100, 12, 1);
	assert_int_equal(basket_discount_percent(b, i, 50, false), BASKET_OK);
	assert_int_equal(line_total(b, i), 99);
	/* 100 × 0.49 % = 0.49 → 0 */
	i = add_line(b, 3, 100, 12, 1);
	assert_int_equal(basket_discount_percent(b, i, 49, false), BASKET_OK);
	assert_int_equal(line_total(b, i), 100);
}

static void percent_discount_follows_quantity(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 1000, 12, 1);

	assert_int_equal(basket_discount_percent(b, i, 1000, false), BASKET_OK);
	assert_int_equal(line_total(b, i), 900);
	assert_int_equal(basket_set_quantity(b, i, 3, false), BASKET_OK);
	assert_int_equal(line_total(b, i), 2700);
}

static void percent_discount_below_the_limit_needs_no_manager(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 10000, 12, 1);

	assert_int_equal(b->discount_limit, 1000); /* 10 % by default */
	assert_int_equal(basket_discount_percent(b, i, 999, false), BASKET_OK);
	assert_int_equal(line_total(b, i), 9001);
	assert_false(b->lines[i].discount_approved);
}

static void percent_discount_at_the_limit_needs_no_manager(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 10000, 12, 1);

	assert_int_equal(basket_discount_percent(b, i, 1000, false), BASKET_OK);
	assert_int_equal(line_total(b, i), 9000);
}

static void percent_discount_above_the_limit_needs_a_manager(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 10000, 12, 1);

	assert_int_equal(basket_discount_percent(b, i, 1001, false), BASKET_NEEDS_APPROVAL);
	assert_int_equal(b->lines[i].discount_kind, BASKET_DISCOUNT_NONE);
	assert_int_equal(line_total(b, i), 10000);
}

static void approved_discount_above_the_limit_applies_and_is_marked(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 10000, 12, 1);

	assert_int_equal(basket_discount_percent(b, i, 5000, true), BASKET_OK);
	assert_int_equal(line_total(b, i), 5000);
	assert_true(b->lines[i].discount_approved);
}

static void amount_discount_below_at_and_above_the_limit(void **state)
{
	struct basket *b = *state;
	/* gross 20000, limit 10 %: 2000 is the most without a manager */
	size_t i = add_line(b, 1, 5000, 12, 4);

	assert_int_equal(basket_discount_amount(b, i, 1999, false), BASKET_OK);
	assert_int_equal(line_total(b, i), 18001);
	assert_int_equal(basket_discount_amount(b, i, 2000, false), BASKET_OK);
	assert_int_equal(line_total(b, i), 18000);
	assert_int_equal(basket_discount_amount(b, i, 2001, false), BASKET_NEEDS_APPROVAL);
	assert_int_equal(line_total(b, i), 18000); /* the previous discount stays */
	assert_int_equal(basket_discount_amount(b, i, 2001, true), BASKET_OK);
	assert_int_equal(line_total(b, i), 17999);
}

static void amount_limit_is_exact_on_awkward_lines(void **state)
{
	struct basket *b = *state;
	/* gross 333, limit 10 % = 33.3 tiyn: 33 is within, 34 is above */
	size_t i = add_line(b, 1, 111, 12, 3);

	assert_int_equal(basket_discount_amount(b, i, 34, false), BASKET_NEEDS_APPROVAL);
	assert_int_equal(basket_discount_amount(b, i, 33, false), BASKET_OK);
}

static void zero_limit_sends_every_discount_to_a_manager(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 10000, 12, 1);

	assert_true(basket_set_discount_limit(b, 0));
	assert_int_equal(basket_discount_percent(b, i, 1, false), BASKET_NEEDS_APPROVAL);
	assert_int_equal(basket_discount_amount(b, i, 1, false), BASKET_NEEDS_APPROVAL);
	assert_int_equal(basket_discount_percent(b, i, 0, false), BASKET_OK); /* clearing is free */
}

static void discount_limit_outside_0_to_100_percent_is_refused(void **state)
{
	struct basket *b = *state;

	assert_false(basket_set_discount_limit(b, -1));
	assert_false(basket_set_discount_limit(b, 10001));
	assert_int_equal(b->discount_limit, BASKET_DISCOUNT_LIMIT_DEFAULT);
	assert_true(basket_set_discount_limit(b, 10000));
}

static void discount_more_than_the_line_is_refused(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 1000, 12, 2);

	assert_int_equal(basket_discount_amount(b, i, 2001, true), BASKET_ERR_DISCOUNT);
	assert_int_equal(basket_discount_amount(b, i, -1, true), BASKET_ERR_DISCOUNT);
	assert_int_equal(basket_discount_amount(b, i, INT64_MAX, true), BASKET_ERR_DISCOUNT);
	assert_int_equal(basket_discount_percent(b, i, 10001, true), BASKET_ERR_DISCOUNT);
	assert_int_equal(basket_discount_percent(b, i, -5, true), BASKET_ERR_DISCOUNT);
	assert_int_equal(line_total(b, i), 2000);
}

static void full_discount_makes_a_free_line_never_a_negative_one(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 1000, 12, 2);
	size_t j = add_line(b, 2, 999, 12, 1);

	assert_int_equal(basket_discount_amount(b, i, 2000, true), BASKET_OK);
	assert_int_equal(basket_discount_percent(b, j, 10000, true), BASKET_OK);
	assert_int_equal(line_total(b, i), 0);
	assert_int_equal(line_total(b, j), 0);
	assert_int_equal(basket_total(b), 0);
}

static void clearing_a_discount_restores_the_price(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 1000, 12, 2);

	assert_int_equal(basket_discount_percent(b, i, 5000, true), BASKET_OK);
	assert_int_equal(basket_discount_clear(b, i), BASKET_OK);
	assert_int_equal(b->lines[i].discount_kind, BASKET_DISCOUNT_NONE);
	assert_false(b->lines[i].discount_approved);
	assert_int_equal(line_total(b, i), 2000);
}

static void fewer_items_under_an_amount_discount_may_need_a_manager(void **state)
{
	struct basket *b = *state;
	/* 10 × 1000 with 1000 off is 10 %; at 5 items the same 1000 is 20 % */
	size_t i = add_line(b, 1, 1000, 12, 10);

	assert_int_equal(basket_discount_amount(b, i, 1000, false), BASKET_OK);
	assert_int_equal(basket_set_quantity(b, i, 5, false), BASKET_NEEDS_APPROVAL);
	assert_int_equal(b->lines[i].quantity, 10);
	assert_int_equal(basket_set_quantity(b, i, 5, true), BASKET_OK);
	assert_int_equal(line_total(b, i), 4000);
	assert_true(b->lines[i].discount_approved);
	/* more items only lower the share */
	assert_int_equal(basket_set_quantity(b, i, 20, false), BASKET_OK);
}

static void fewer_items_than_an_amount_discount_covers_is_refused(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 1000, 12, 3);

	assert_int_equal(basket_discount_amount(b, i, 2500, true), BASKET_OK);
	assert_int_equal(basket_set_quantity(b, i, 2, true), BASKET_ERR_DISCOUNT);
	assert_int_equal(b->lines[i].quantity, 3);
}

/* ---- VAT ------------------------------------------------------------------ */

static void vat_is_rounded_per_rate_group_not_per_line(void **state)
{
	struct basket *b = *state;
	struct vat_table t;

	/* entered out of order; two lines per rate, each rate a case where
	 * rounding each line and adding would give another VAT:
	 *   16 %: 150000 → 2400000/116 = 20689.66 → 20690 per line, 41380 for two;
	 *         group 300000 → 4800000/116 = 41379.31 → 41379
	 *   12 %: 30000 → 360000/112 = 3214.29 → 3214 per line, 6428 for two;
	 *         group 60000 → 720000/112 = 6428.57 → 6429
	 *   10 %: 1250 → 12500/110 = 113.64 → 114 per line, 228 for two;
	 *         group 2500 → 25000/110 = 227.27 → 227
	 *    5 %: 10050 → 50250/105 = 478.57 → 479 per line, 958 for two;
	 *         group 20100 → 100500/105 = 957.14 → 957
	 *    0 %: 50000 → 0 */
	add_line(b, 1, 150000, 16, 1);
	add_line(b, 2, 30000, 12, 1);
	add_line(b, 3, 1250, 10, 1);
	add_line(b, 4, 10050, 5, 1);
	add_line(b, 5, 50000, 0, 1);
	add_line(b, 6, 150000, 16, 1);
	add_line(b, 7, 30000, 12, 1);
	add_line(b, 8, 1250, 10, 1);
	add_line(b, 9, 10050, 5, 1);

	assert_int_equal(basket_vat(b, &t), BASKET_OK);
	assert_int_equal(t.count, 5);
	const int rates[] = {0, 5, 10, 12, 16};
	const int64_t gross[] = {50000, 20100, 2500, 60000, 300000};
	const int64_t vat[] = {0, 957, 227, 6429, 41379};
	for (size_t k = 0; k < 5; k++) {
		assert_int_equal(t.group[k].rate, rates[k]);
		assert_int_equal(t.group[k].gross, gross[k]);
		assert_int_equal(t.group[k].vat, vat[k]);
	}
}

static void vat_is_on_discounted_totals_of_live_lines(void **state)
{
	struct basket *b = *state;
	struct vat_table t;

	size_t i = add_line(b, 1, 11200, 12, 1);
	assert_int_equal(basket_discount_amount(b, i, 1120, false), BASKET_OK); /* 10080 left */
	size_t j = add_line(b, 2, 99999, 12, 1);
	assert_int_equal(basket_void_line(b, j), BASKET_OK);
	assert_int_equal(basket_vat(b, &t), BASKET_OK);
	assert_int_equal(t.count, 1);
	assert_int_equal(t.group[0].gross, 10080);
	assert_int_equal(t.group[0].vat, 1080); /* 10080 × 12 / 112 = 1080 exactly */
}

/* ---- payable -------------------------------------------------------------- */

static void empty_basket_is_not_payable(void **state)
{
	struct basket *b = *state;
	assert_int_equal(basket_check_payable(b), BASKET_ERR_EMPTY);
}

static void basket_of_voided_lines_is_empty(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 1000, 12, 1);

	assert_int_equal(basket_void_line(b, i), BASKET_OK);
	assert_int_equal(basket_check_payable(b), BASKET_ERR_EMPTY);
}

static void zero_total_is_not_payable(void **state)
{
	struct basket *b = *state;
	size_t i = add_line(b, 1, 1000, 12, 1);

	assert_int_equal(basket_discount_percent(b, i, 10000, true), BASKET_OK);
	assert_int_equal(basket_check_payable(b), BASKET_ERR_ZERO_TOTAL);
}

static void one_tiyn_is_payable(void **state)
{
	struct basket *b = *state;
	add_line(b, 1, 1, 0, 1);
	assert_int_equal(basket_check_payable(b), BASKET_OK);
}

static void exactly_1_000_000_kzt_is_payable(void **state)
{
	struct basket *b = *state;
	add_line(b, 1, 40000000, 12, 2);
	add_line(b, 2, 20000000, 12, 1);
	assert_int_equal(basket_total(b), 100000000);
	assert_int_equal(basket_check_payable(b), BASKET_OK);
}

static void one_tiyn_over_1_000_000_kzt_is_refused(void **state)
{
	struct basket *b = *state;
	struct basket_product out[4];
	size_t n = 0;
	int64_t amount = 0;

	add_line(b, 1, 50000000, 12, 2);
	add_line(b, 2, 1, 12, 1);
	assert_int_equal(basket_total(b), 100000001);
	assert_int_equal(basket_check_payable(b), BASKET_ERR_OVER_LIMIT);
	assert_int_equal(basket_products(b, out, 4, &n, &amount), BASKET_ERR_OVER_LIMIT);
	/* a discount that brings it down makes it payable */
	assert_int_equal(basket_discount_amount(b, 0, 1, false), BASKET_OK);
	assert_int_equal(basket_check_payable(b), BASKET_OK);
}

static void largest_possible_basket_adds_up_without_overflow(void **state)
{
	struct basket *b = *state;
	struct basket_totals t;
	struct vat_table v;
	struct kp_product p = product(1, "MAX", BASKET_PRICE_MAX, 100);

	for (int k = 0; k < BASKET_LINES_MAX; k++)
		assert_int_equal(basket_add(b, &p, BASKET_QTY_MAX, BASKET_ADD_NEW_LINE, NULL), BASKET_OK);
	assert_int_equal(basket_totals(b, &t), BASKET_OK);
	assert_int_equal(t.total, INT64_C(100000000) * 9999 * 500);
	assert_int_equal(basket_vat(b, &v), BASKET_OK);
	assert_int_equal(v.group[0].vat, INT64_C(100000000) * 9999 * 500 / 2);
	assert_int_equal(basket_check_payable(b), BASKET_ERR_OVER_LIMIT);
}

static void hand_built_line_out_of_range_reports_instead_of_overflowing(void **state)
{
	struct basket_line l;
	int64_t total = -7;
	(void)state;

	memset(&l, 0, sizeof l);
	l.quantity = INT64_MAX;
	l.unit_price = INT64_MAX;
	assert_int_equal(basket_line_sums(&l, NULL, NULL, &total), BASKET_ERR_QUANTITY);
	l.quantity = 2;
	assert_int_equal(basket_line_sums(&l, NULL, NULL, &total), BASKET_ERR_PRICE);
	l.unit_price = 100;
	l.discount_kind = BASKET_DISCOUNT_AMOUNT;
	l.discount_value = 201;
	assert_int_equal(basket_line_sums(&l, NULL, NULL, &total), BASKET_ERR_DISCOUNT);
	l.discount_kind = (enum basket_discount_kind)42;
	assert_int_equal(basket_line_sums(&l, NULL, NULL, &total), BASKET_ERR_DISCOUNT);
	assert_int_equal(total, -7);
}

/* ---- the products array --------------------------------------------------- */

/* Builds the array and checks the contract: Σ price × quantity = amount =
 * the basket's total, every quantity ≥ 1, every price ≥ 0. */
static size_t products_ok(const struct basket *b, struct basket_product *out, size_t cap)
{
	size_t n = 0;
	int64_t amount = -1, sum = 0;

	assert_int_equal(basket_products(b, out, cap, &n, &amount), BASKET_OK);
	for (size_t k = 0; k < n; k++) {
		assert_true(out[k].quantity >= 1);
		assert_true(out[k].price >= 0);
		sum += out[k].price * out[k].quantity;
	}
	assert_int_equal(sum, amount);
	assert_int_equal(amount, basket_total(b));
	return n;
}

static void undiscounted_line_is_one_entry(void **state)
{
	struct basket *b = *state;
	struct basket_product out[2];

	add_line(b, 1, 25000, 12, 3);
	assert_int_equal(products_ok(b, out, 2), 1);
	assert_string_equal(out[0].name, "Хлеб SKU1");
	assert_int_equal(out[0].quantity, 3);
	assert_int_equal(out[0].price, 25000);
	assert_int_equal(out[0].tax_rate, 12);
}

static void discounted_line_that_divides_evenly_stays_one_entry(void **state)
{
	struct basket *b = *state;
	struct basket_product out[2];

	size_t i = add_line(b, 1, 1000, 12, 4);
	assert_int_equal(basket_discount_percent(b, i, 1000, false), BASKET_OK); /* 3600 / 4 */
	assert_int_equal(products_ok(b, out, 2), 1);
	assert_int_equal(out[0].quantity, 4);
	assert_int_equal(out[0].price, 900);
}

static void thousand_tiyn_over_three_items_splits_333_333_334(void **state)
{
	struct basket *b = *state;
	struct basket_product out[2];

	/* 3 × 400 = 1200, 200 off: 1000 = 2 × 333 + 1 × 334 */
	size_t i = add_line(b, 1, 400, 12, 3);
	assert_int_equal(basket_discount_amount(b, i, 200, true), BASKET_OK);
	assert_int_equal(products_ok(b, out, 2), 2);
	assert_int_equal(out[0].quantity, 2);
	assert_int_equal(out[0].price, 333);
	assert_int_equal(out[1].quantity, 1);
	assert_int_equal(out[1].price, 334);
	assert_string_equal(out[0].name, out[1].name);
	assert_int_equal(out[1].tax_rate, 12);
}

static void total_smaller_than_quantity_splits_into_zero_and_one_tiyn(void **state)
{
	struct basket *b = *state;
	struct basket_product out[4];

	/* 3 × 1 = 3, 1 off: 2 = 1 × 0 + 2 × 1; a second line pays the rest */
	size_t i = add_line(b, 1, 1, 12, 3);
	assert_int_equal(basket_discount_amount(b, i, 1, true), BASKET_OK);
	add_line(b, 2, 100, 12, 1);
	assert_int_equal(products_ok(b, out, 4), 3);
	assert_int_equal(out[0].quantity, 1);
	assert_int_equal(out[0].price, 0);
	assert_int_equal(out[1].quantity, 2);
	assert_int_equal(out[1].price, 1);
}

static void awkward_splits_always_sum_to_the_amount(void **state)
{
	struct basket *b = *state;
	struct basket_product *out = calloc(2 * BASKET_LINES_MAX, sizeof *out);
	const int64_t prices[] = {1, 7, 99, 333, 1001, 99999};
	const int64_t qtys[] = {1, 2, 3, 7, 9, 97, 9999};
	int id = 1;

	assert_non_null(out);
	for (size_t pi = 0; pi < sizeof prices / sizeof prices[0]; pi++) {
		for (size_t qi = 0; qi < sizeof qtys / sizeof qtys[0]; qi++) {
			int64_t gross = prices[pi] * qtys[qi];
			size_t i = add_line(b, id++, prices[pi], 12, qtys[qi]);
			assert_int_equal(basket_discount_amount(b, i, gross / 3, true), BASKET_OK);
			i = add_line(b, id++, prices[pi], 16, qtys[qi]);
			assert_int_equal(basket_discount_percent(b, i, 1733, true), BASKET_OK);
			i = add_line(b, id++, prices[pi], 5, qtys[qi]);
			assert_int_equal(basket_discount_amount(b, i, gross > 1 ? gross - 1 : 0, true),
			                 BASKET_OK);
		}
	}
	/* drop whatever is over the payable limit from the last lines */
	while (basket_check_payable(b) == BASKET_ERR_OVER_LIMIT) {
		size_t k = b->count;
		while (b->lines[--k].voided)
			;
		assert_int_equal(basket_void_line(b, k), BASKET_OK);
	}
	size_t n = products_ok(b, out, 2 * BASKET_LINES_MAX);
	assert_true(n >= 1);
	/* neighbouring entries of a split line differ by exactly one tiyn */
	for (size_t k = 0; k + 1 < n; k++)
		if (strcmp(out[k].name, out[k + 1].name) == 0 && out[k].tax_rate == out[k + 1].tax_rate &&
		    out[k + 1].price != out[k].price)
			assert_int_equal(out[k + 1].price - out[k].price, 1);
	free(out);
}

static void voided_lines_are_not_sent(void **state)
{
	struct basket *b = *state;
	struct basket_product out[4];

	size_t i = add_line(b, 1, 1000, 12, 1);
	add_line(b, 2, 500, 12, 2);
	assert_int_equal(basket_void_line(b, i), BASKET_OK);
	assert_int_equal(basket_products_needed(b), 2);
	assert_int_equal(products_ok(b, out, 4), 1);
	assert_string_equal(out[0].name, "Хлеб SKU2");
}

static void too_small_an_array_is_reported(void **state)
{
	struct basket *b = *state;
	struct basket_product out[1];
	size_t n = 0;
	int64_t amount = 0;

	size_t i = add_line(b, 1, 400, 12, 3);
	assert_int_equal(basket_discount_amount(b, i, 200, true), BASKET_OK);
	assert_int_equal(basket_products_needed(b), 2);
	assert_int_equal(basket_products(b, out, 1, &n, &amount), BASKET_ERR_SPACE);
	assert_int_equal(basket_products(b, NULL, 0, &n, &amount), BASKET_ERR_SPACE);
}

static void empty_basket_gives_no_products(void **state)
{
	struct basket *b = *state;
	struct basket_product out[1];
	size_t n = 0;
	int64_t amount = 0;

	assert_int_equal(basket_products(b, out, 1, &n, &amount), BASKET_ERR_EMPTY);
}

static void long_names_are_cut_to_128_characters_between_letters(void **state)
{
	struct basket *b = *state;
	struct basket_product out[2];
	struct kp_product p = product(1, "LONG", 100, 12);
	size_t o = 0;

	/* 120 ASCII letters, then 20 two-byte Cyrillic ones: 140 characters */
	for (int k = 0; k < 120; k++)
		p.name_ru[o++] = 'a';
	for (int k = 0; k < 20; k++) {
		p.name_ru[o++] = '\xd0';
		p.name_ru[o++] = '\xaf'; /* Я */
	}
	p.name_ru[o] = '\0';
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(products_ok(b, out, 2), 1);
	assert_int_equal(kp_utf8_length(out[0].name), BASKET_API_NAME_CHARS);
	assert_int_equal(strlen(out[0].name), 120 + 8 * 2);
	assert_memory_equal(out[0].name + 134, "\xd0\xaf", 2);
}

static void name_of_exactly_128_characters_is_kept_whole(void **state)
{
	struct basket *b = *state;
	struct basket_product out[2];
	struct kp_product p = product(1, "EXACT", 100, 12);
	size_t o = 0;

	/* 127 two-byte letters and one ASCII: 128 characters in 255 bytes,
	 * the most the product record holds */
	for (int k = 0; k < 127; k++) {
		p.name_ru[o++] = '\xd2';
		p.name_ru[o++] = '\x9b'; /* қ */
	}
	p.name_ru[o++] = 'x';
	p.name_ru[o] = '\0';
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(products_ok(b, out, 2), 1);
	assert_int_equal(kp_utf8_length(out[0].name), 128);
	assert_string_equal(out[0].name, p.name_ru);
}

/* ---- messages ------------------------------------------------------------- */

static void every_status_has_its_own_message(void **state)
{
	(void)state;
	for (int s = BASKET_OK; s <= BASKET_ERR_LABEL_PRICE; s++) {
		const char *m = basket_status_message((enum basket_status)s);
		assert_non_null(m);
		assert_true(strlen(m) > 0);
		for (int t = BASKET_OK; t < s; t++)
			assert_string_not_equal(m, basket_status_message((enum basket_status)t));
	}
	assert_string_equal(basket_status_message((enum basket_status)999), "Unknown basket error");
	assert_string_equal(basket_status_message((enum basket_status)-1), "Unknown basket error");
	assert_non_null(strstr(basket_status_message(BASKET_ERR_OVER_LIMIT), "1 000 000"));
	assert_non_null(strstr(basket_status_message(BASKET_NEEDS_APPROVAL), "manager"));
}

/* ---- goods sold by weight ------------------------------------------------- */

static void typed_weight_is_a_line_of_weight_times_price_per_kg(void **state)
{
	struct basket *b = *state;
	struct kp_product cheese = by_weight(10, 429000);
	size_t i = 99;
	int64_t gross, total;

	assert_int_equal(basket_add_weight(b, &cheese, 350, NULL, &i), BASKET_OK);
	assert_int_equal(i, 0);
	const struct basket_line *l = &b->lines[0];
	assert_int_equal(l->weight, 350);
	assert_int_equal(l->quantity, 1);
	assert_int_equal(l->unit_price, 429000); /* the price per kg */
	assert_false(l->from_label);
	assert_string_equal(l->barcode, "");
	assert_int_equal(basket_line_sums(l, &gross, NULL, &total), BASKET_OK);
	assert_int_equal(gross, 150150); /* 0,350 × 4 290,00 = 1 501,50 */
	assert_int_equal(total, 150150);
	assert_int_equal(basket_item_count(b), 1);
	/* 0,333 at 549,90: 183,1167 rounds half up to 183,12 */
	struct kp_product milk = by_weight(11, 54990);
	assert_int_equal(basket_add_weight(b, &milk, 333, NULL, NULL), BASKET_OK);
	assert_int_equal(basket_total(b), 150150 + 18312);
}

static void whole_units_of_a_weighed_product_are_their_weight(void **state)
{
	struct basket *b = *state;
	struct kp_product cheese = by_weight(10, 429000);
	assert_int_equal(basket_add(b, &cheese, 3, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(b->lines[0].weight, 3000);
	assert_int_equal(b->lines[0].quantity, 1);
	assert_int_equal(basket_total(b), 3 * 429000);
	assert_int_equal(basket_add(b, &cheese, 100, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(basket_add(b, &cheese, 101, BASKET_ADD_MERGE, NULL), BASKET_ERR_WEIGHT);
	assert_int_equal(b->count, 2);
}

static void weighed_lines_never_merge(void **state)
{
	struct basket *b = *state;
	struct kp_product cheese = by_weight(10, 429000);
	assert_int_equal(basket_add_weight(b, &cheese, 350, NULL, NULL), BASKET_OK);
	assert_int_equal(basket_add_weight(b, &cheese, 350, NULL, NULL), BASKET_OK);
	assert_int_equal(basket_add(b, &cheese, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(b->count, 3);
	/* nor does a piece product merge into a label's line of its own price */
	struct kp_product p = product(5, "P5", 150000, 16);
	snprintf(p.unit, sizeof p.unit, "кг");
	assert_int_equal(basket_add_label_price(b, &p, 150000, "2300005015004", NULL), BASKET_OK);
	snprintf(p.unit, sizeof p.unit, "шт");
	assert_int_equal(basket_add(b, &p, 1, BASKET_ADD_MERGE, NULL), BASKET_OK);
	assert_int_equal(b->count, 5);
}

static void weight_outside_1_g_to_100_kg_is_refused(void **state)
{
	struct basket *b = *state;
	struct kp_product cheese = by_weight(10, 429000);
	assert_int_equal(basket_add_weight(b, &cheese, 0, NULL, NULL), BASKET_ERR_WEIGHT);
	assert_int_equal(basket_add_weight(b, &cheese, -350, NULL, NULL), BASKET_ERR_WEIGHT);
	assert_int_equal(basket_add_weight(b, &cheese, 100001, NULL, NULL), BASKET_ERR_WEIGHT);
	assert_int_equal(basket_add_weight(b, &cheese, 0, "2200010000003", NULL), BASKET_ERR_WEIGHT);
	assert_int_equal(b->count, 0);
	assert_int_equal(basket_add_weight(b, &cheese, 1, NULL, NULL), BASKET_OK);
	assert_int_equal(basket_add_weight(b, &cheese, 100000, NULL, NULL), BASKET_OK);
}

static void a_piece_product_takes_no_weight_and_no_label(void **state)
{
	struct basket *b = *state;
	struct kp_product bread = product(1, "B", 25000, 12);
	assert_int_equal(basket_add_weight(b, &bread, 350, NULL, NULL), BASKET_ERR_NOT_MEASURED);
	assert_int_equal(basket_add_weight(b, &bread, 350, "2200001003508", NULL), BASKET_ERR_LABEL_PIECE);
	assert_int_equal(basket_add_label_price(b, &bread, 25000, "2300001025001", NULL),
	                 BASKET_ERR_LABEL_PIECE);
	assert_int_equal(b->count, 0);
}

static void weight_label_keeps_its_code_and_is_fixed(void **state)
{
	struct basket *b = *state;
	struct kp_product cheese = by_weight(10, 429000);
	size_t i;
	assert_int_equal(basket_add_weight(b, &cheese, 350, "2200010003505", &i), BASKET_OK);
	assert_true(b->lines[i].from_label);
	assert_string_equal(b->lines[i].barcode, "2200010003505");
	assert_int_equal(basket_total(b), 150150);
	assert_int_equal(basket_set_weight(b, i, 500, false), BASKET_ERR_LABEL_FIXED);
	assert_int_equal(basket_set_quantity(b, i, 2, false), BASKET_ERR_LABEL_FIXED);
	assert_int_equal(b->lines[i].weight, 350);
	/* a discount and a void still work on it */
	assert_int_equal(basket_discount_percent(b, i, 1000, false), BASKET_OK);
	assert_int_equal(basket_total(b), 135135);
	assert_int_equal(basket_void_line(b, i), BASKET_OK);
}

static void price_label_is_a_line_of_the_price_printed(void **state)
{
	struct basket *b = *state;
	struct kp_product cheese = by_weight(10, 429000);
	size_t i;
	/* 1 500,00 ₸ on the label: the line is 1 500,00, whatever the price per kg */
	assert_int_equal(basket_add_label_price(b, &cheese, 150000, "2300010015005", &i), BASKET_OK);
	const struct basket_line *l = &b->lines[i];
	assert_int_equal(l->quantity, 1);
	assert_int_equal(l->weight, 0);
	assert_int_equal(l->unit_price, 150000);
	assert_true(l->from_label);
	assert_int_equal(basket_total(b), 150000);
	assert_int_equal(basket_set_quantity(b, i, 2, false), BASKET_ERR_LABEL_FIXED);
	assert_int_equal(basket_add_label_price(b, &cheese, 0, "2300010000000", NULL),
	                 BASKET_ERR_LABEL_PRICE);
	assert_int_equal(basket_add_label_price(b, &cheese, BASKET_PAYABLE_MAX + 1, "2300010000000", NULL),
	                 BASKET_ERR_LABEL_LIMIT);
	assert_int_equal(basket_add_label_price(b, &cheese, 150000, NULL, NULL), BASKET_ERR_ARGUMENT);
	assert_int_equal(b->count, 1);
}

static void label_above_the_check_limit_is_refused_a_typed_weight_waits_for_payment(void **state)
{
	struct basket *b = *state;
	/* 99 kg at 11 990,00 ₸/кг = 1 187 010,00 ₸: no one payment takes it */
	struct kp_product kazy = by_weight(12, 1199000);
	assert_int_equal(basket_add_weight(b, &kazy, 99000, "2200012990003", NULL), BASKET_ERR_LABEL_LIMIT);
	assert_int_equal(b->count, 0);
	/* exactly 1 000 000 ₸ is fine: 100 kg at 10 000 ₸/кг */
	struct kp_product ten = by_weight(13, 1000000);
	assert_int_equal(basket_add_weight(b, &ten, 100000, "2200013000006", NULL), BASKET_OK);
	assert_int_equal(basket_total(b), BASKET_PAYABLE_MAX);
	/* a typed weight is the cashier's line: refused when paying */
	basket_clear(b);
	assert_int_equal(basket_add_weight(b, &kazy, 99000, NULL, NULL), BASKET_OK);
	assert_int_equal(basket_check_payable(b), BASKET_ERR_OVER_LIMIT);
}

static void set_weight_changes_a_typed_line_only(void **state)
{
	struct basket *b = *state;
	struct kp_product cheese = by_weight(10, 429000);
	size_t w, p;
	assert_int_equal(basket_add(b, &cheese, 1, BASKET_ADD_MERGE, &w), BASKET_OK);
	p = add_line(b, 1, 25000, 12, 2);
	assert_int_equal(basket_set_weight(b, w, 350, false), BASKET_OK);
	assert_int_equal(b->lines[w].weight, 350);
	assert_int_equal(basket_set_weight(b, w, 0, false), BASKET_ERR_WEIGHT);
	assert_int_equal(basket_set_weight(b, w, 100001, false), BASKET_ERR_WEIGHT);
	assert_int_equal(basket_set_quantity(b, w, 2, false), BASKET_ERR_MEASURED);
	assert_int_equal(basket_set_weight(b, p, 350, false), BASKET_ERR_NOT_MEASURED);
	assert_int_equal(b->lines[w].weight, 350);
	assert_int_equal(b->lines[p].quantity, 2);
	assert_int_equal(basket_void_line(b, w), BASKET_OK);
	assert_int_equal(basket_set_weight(b, w, 500, false), BASKET_ERR_VOIDED);
}

static void less_weight_under_an_amount_discount_may_need_a_manager(void **state)
{
	struct basket *b = *state;
	struct kp_product cheese = by_weight(10, 100000); /* 1 000 ₸/кг */
	size_t i;
	assert_int_equal(basket_add_weight(b, &cheese, 1000, NULL, &i), BASKET_OK);
	/* 100 ₸ off 1 000 ₸: 10 %, the limit */
	assert_int_equal(basket_discount_amount(b, i, 10000, false), BASKET_OK);
	/* 0,900 кг: 100 ₸ of 900 ₸ is 11 % */
	assert_int_equal(basket_set_weight(b, i, 900, false), BASKET_NEEDS_APPROVAL);
	assert_int_equal(b->lines[i].weight, 1000);
	assert_int_equal(basket_set_weight(b, i, 900, true), BASKET_OK);
	assert_true(b->lines[i].discount_approved);
	/* below the discount: refused */
	assert_int_equal(basket_set_weight(b, i, 50, true), BASKET_ERR_DISCOUNT);
	/* more weight needs nothing */
	assert_int_equal(basket_set_weight(b, i, 2000, false), BASKET_OK);
}

static void weighed_line_goes_to_the_api_as_one_of_its_amount_with_the_weight_named(void **state)
{
	struct basket *b = *state;
	struct basket_product out[8];
	size_t n;
	int64_t amount;
	struct kp_product cheese = by_weight(10, 429000);
	snprintf(cheese.name_ru, sizeof cheese.name_ru, "Сыр Российский");
	size_t i;

	assert_int_equal(basket_add_weight(b, &cheese, 350, NULL, &i), BASKET_OK);
	assert_int_equal(basket_discount_percent(b, i, 1000, false), BASKET_OK); /* 10 % off */
	assert_int_equal(basket_add_label_price(b, &cheese, 150000, "2300010015005", NULL), BASKET_OK);
	add_line(b, 1, 1000, 12, 3); /* 3 × 10,00 */
	assert_int_equal(basket_products(b, out, 8, &n, &amount), BASKET_OK);
	assert_int_equal(n, 3);
	assert_string_equal(out[0].name, "Сыр Российский 0,350 кг");
	assert_int_equal(out[0].quantity, 1);
	assert_int_equal(out[0].price, 135135); /* 1 501,50 − 150,15 */
	assert_int_equal(out[0].tax_rate, 16);
	assert_string_equal(out[1].name, "Сыр Российский"); /* a price label knows no weight */
	assert_int_equal(out[1].quantity, 1);
	assert_int_equal(out[1].price, 150000);
	assert_int_equal(out[2].quantity, 3);
	assert_int_equal(amount, 135135 + 150000 + 3000);
	int64_t sum = 0;
	for (size_t k = 0; k < n; k++)
		sum += out[k].price * out[k].quantity;
	assert_int_equal(sum, amount);
}

static void long_weighed_name_is_cut_keeping_the_weight_whole(void **state)
{
	struct basket *b = *state;
	struct basket_product out[2];
	size_t n;
	int64_t amount;
	struct kp_product p = by_weight(10, 429000);

	/* 130 Latin letters: 119 of them and " 12,345 кг" (10 characters) is 128 */
	memset(p.name_ru, 'a', 130);
	p.name_ru[130] = '\0';
	assert_int_equal(basket_add_weight(b, &p, 12345, NULL, NULL), BASKET_OK);
	assert_int_equal(basket_products(b, out, 2, &n, &amount), BASKET_OK);
	assert_int_equal(kp_utf8_length(out[0].name), 128);
	assert_non_null(strstr(out[0].name, "aaa 12,345 кг"));
	assert_int_equal(strlen(out[0].name) - strlen(" 12,345 кг"), 118);

	/* 127 Cyrillic letters (254 bytes): the bytes, not the characters, run out */
	basket_clear(b);
	p.name_ru[0] = '\0';
	for (int k = 0; k < 127; k++)
		strcat(p.name_ru, "ж");
	assert_int_equal(basket_add_weight(b, &p, 350, NULL, NULL), BASKET_OK);
	assert_int_equal(basket_products(b, out, 2, &n, &amount), BASKET_OK);
	assert_true(strlen(out[0].name) < KP_NAME_SIZE);
	assert_true(kp_utf8_length(out[0].name) <= 128);
	size_t len = strlen(out[0].name);
	assert_string_equal(out[0].name + len - strlen(" 0,350 кг"), " 0,350 кг");
	assert_true(kp_utf8_length(out[0].name) > 0); /* cut between letters */
}

static void vat_of_weighed_lines_is_on_their_rounded_totals(void **state)
{
	struct basket *b = *state;
	struct vat_table vat;
	struct kp_product cheese = by_weight(10, 429000);
	assert_int_equal(basket_add_weight(b, &cheese, 350, NULL, NULL), BASKET_OK);
	assert_int_equal(basket_add_weight(b, &cheese, 333, NULL, NULL), BASKET_OK);
	/* 1 501,50 + 1 428,57 (0,333 × 4 290 = 1 428,57) = 2 930,07 at 16 % */
	assert_int_equal(basket_total(b), 150150 + 142857);
	assert_int_equal(basket_vat(b, &vat), BASKET_OK);
	assert_int_equal(vat.count, 1);
	assert_int_equal(vat.group[0].gross, 293007);
}

/* ---- held baskets --------------------------------------------------------- */

/* A basket with a bit of everything: merges, both discounts, a void, a
 * name with a tab, a newline and a backslash, a product not from the catalog. */
static void fill_varied(struct basket *b)
{
	struct kp_product odd = product(0, "FREE\\1", 777, 0);
	snprintf(odd.name_ru, sizeof odd.name_ru, "Пакет\t\"большой\"\nC:\\");
	odd.name_kk[0] = '\0';

	add_line(b, 1, 25000, 12, 2);
	size_t i = add_line(b, 2, 400, 16, 3);
	assert_int_equal(basket_discount_amount(b, i, 200, true), BASKET_OK);
	i = add_line(b, 3, 10050, 5, 7);
	assert_int_equal(basket_discount_percent(b, i, 750, false), BASKET_OK);
	i = add_line(b, 4, 99, 10, 1);
	assert_int_equal(basket_void_line(b, i), BASKET_OK);
	assert_int_equal(basket_add(b, &odd, 4, BASKET_ADD_MERGE, NULL), BASKET_OK);
	struct kp_product cheese = by_weight(10, 429000);
	assert_int_equal(basket_add_weight(b, &cheese, 350, NULL, &i), BASKET_OK);
	assert_int_equal(basket_discount_percent(b, i, 500, false), BASKET_OK);
	assert_int_equal(basket_add_weight(b, &cheese, 1234, "2200010012348", NULL), BASKET_OK);
	assert_int_equal(basket_add_label_price(b, &cheese, 150000, "2300010015005", NULL), BASKET_OK);
}

static void assert_same_lines(const struct basket *a, const struct basket *b)
{
	assert_int_equal(a->count, b->count);
	for (size_t k = 0; k < a->count; k++) {
		const struct basket_line *x = &a->lines[k], *y = &b->lines[k];
		assert_int_equal(x->product_id, y->product_id);
		assert_string_equal(x->sku, y->sku);
		assert_string_equal(x->barcode, y->barcode);
		assert_string_equal(x->name, y->name);
		assert_string_equal(x->name_kk, y->name_kk);
		assert_string_equal(x->unit, y->unit);
		assert_int_equal(x->quantity, y->quantity);
		assert_int_equal(x->unit_price, y->unit_price);
		assert_int_equal(x->tax_rate, y->tax_rate);
		assert_int_equal(x->discount_kind, y->discount_kind);
		assert_int_equal(x->discount_value, y->discount_value);
		assert_int_equal(x->discount_approved, y->discount_approved);
		assert_int_equal(x->voided, y->voided);
		assert_int_equal(x->weight, y->weight);
		assert_int_equal(x->from_label, y->from_label);
	}
}

static void held_basket_comes_back_the_same(void **state)
{
	struct basket *b = *state, back;
	char *text = NULL;

	fill_varied(b);
	assert_int_equal(basket_to_text(b, &text), BASKET_OK);
	assert_non_null(text);
	for (const char *c = text; *c; c++) /* no control bytes but the separators */
		assert_true((unsigned char)*c >= 0x20 || *c == '\t' || *c == '\n');
	basket_init(&back);
	assert_int_equal(basket_from_text(&back, text, strlen(text)), BASKET_OK);
	assert_same_lines(b, &back);
	assert_int_equal(basket_total(&back), basket_total(b));
	basket_free(&back);
	free(text);
}

static void held_basket_text_is_versioned_and_line_based(void **state)
{
	struct basket *b = *state;
	char *text = NULL;

	add_line(b, 1, 25000, 12, 2);
	struct kp_product cheese = by_weight(10, 429000);
	assert_int_equal(basket_add_weight(b, &cheese, 350, "2200010003505", NULL), BASKET_OK);
	assert_int_equal(basket_to_text(b, &text), BASKET_OK);
	assert_string_equal(text, "kaspi-pos basket 2\n"
	                          "line\t1\t2\t25000\t12\tnone\t0\t0\t0\tSKU1\t4870204391510\tшт\t"
	                          "Хлеб SKU1\tНан SKU1\t0\t0\n"
	                          "line\t10\t1\t429000\t16\tnone\t0\t0\t0\tW10\t2200010003505\tкг\t"
	                          "Сыр W10\tІрімшік W10\t350\t1\n"
	                          "end\t2\n");
	free(text);
}

static void version_1_text_still_reads_its_lines_by_the_piece(void **state)
{
	struct basket *b = *state;
	const char *v1 = "kaspi-pos basket 1\n"
	                 "line\t10\t2\t429000\t16\tnone\t0\t0\t0\tW10\t\tкг\tСыр\t\n"
	                 "end\t1\n";
	assert_int_equal(basket_from_text(b, v1, strlen(v1)), BASKET_OK);
	assert_int_equal(b->count, 1);
	assert_int_equal(b->lines[0].quantity, 2);
	assert_int_equal(b->lines[0].weight, 0); /* as it was held: 2 × 4 290,00 */
	assert_false(b->lines[0].from_label);
	assert_int_equal(basket_total(b), 858000);
	/* a version-2 line in a version-1 text, and the other way round */
	const char *mixed[] = {
		"kaspi-pos basket 1\n"
		"line\t10\t1\t429000\t16\tnone\t0\t0\t0\tW10\t\tкг\tСыр\t\t350\t0\n" "end\t1\n",
		"kaspi-pos basket 2\n"
		"line\t10\t2\t429000\t16\tnone\t0\t0\t0\tW10\t\tкг\tСыр\t\n" "end\t1\n",
		NULL,
	};
	for (size_t k = 0; mixed[k]; k++)
		assert_int_equal(basket_from_text(b, mixed[k], strlen(mixed[k])), BASKET_ERR_FORMAT);
}

static void empty_held_basket_round_trips(void **state)
{
	struct basket *b = *state, back;
	char *text = NULL;

	assert_int_equal(basket_to_text(b, &text), BASKET_OK);
	basket_init(&back);
	add_line(&back, 1, 100, 12, 1);
	assert_int_equal(basket_from_text(&back, text, strlen(text)), BASKET_OK);
	assert_int_equal(back.count, 0);
	basket_free(&back);
	free(text);
}

static void restoring_keeps_the_limit_and_replaces_the_lines(void **state)
{
	struct basket *b = *state, back;
	char *text = NULL;

	fill_varied(b);
	assert_int_equal(basket_to_text(b, &text), BASKET_OK);
	basket_init(&back);
	assert_true(basket_set_discount_limit(&back, 300));
	add_line(&back, 99, 5, 0, 9);
	assert_int_equal(basket_from_text(&back, text, strlen(text)), BASKET_OK);
	assert_int_equal(back.discount_limit, 300);
	assert_same_lines(b, &back);
	basket_free(&back);
	free(text);
}

/* Parses text into a basket holding one line, expecting failure st and
 * the line left as it was. */
static void expect_refused(const char *text, size_t len, enum basket_status st)
{
	struct basket b;
	basket_init(&b);
	add_line(&b, 42, 4200, 12, 1);
	assert_int_equal(basket_from_text(&b, text, len), st);
	assert_int_equal(b.count, 1);
	assert_int_equal(b.lines[0].product_id, 42);
	basket_free(&b);
}

#define HEAD "kaspi-pos basket 1\n"
#define GOOD "line\t1\t2\t25000\t12\tnone\t0\t0\t0\tS\t\tшт\tХлеб\t\n"

static void held_weights_that_break_the_rules_are_refused(void **state)
{
	(void)state;
#define V2 "kaspi-pos basket 2\n"
	const char *bad[] = {
		/* a weight on a piece unit, two of a weighed line, over 100 kg, a bad flag */
		V2 "line\t10\t1\t429000\t16\tnone\t0\t0\t0\tW\t\tшт\tСыр\t\t350\t0\n" "end\t1\n",
		V2 "line\t10\t2\t429000\t16\tnone\t0\t0\t0\tW\t\tкг\tСыр\t\t350\t0\n" "end\t1\n",
		V2 "line\t10\t1\t429000\t16\tnone\t0\t0\t0\tW\t\tкг\tСыр\t\t100001\t0\n" "end\t1\n",
		V2 "line\t10\t1\t429000\t16\tnone\t0\t0\t0\tW\t\tкг\tСыр\t\t350\t2\n" "end\t1\n",
		V2 "line\t10\t1\t429000\t16\tnone\t0\t0\t0\tW\t\tкг\tСыр\t\t-350\t0\n" "end\t1\n",
		/* a label's line without its label, or of two */
		V2 "line\t10\t1\t429000\t16\tnone\t0\t0\t0\tW\t\tкг\tСыр\t\t350\t1\n" "end\t1\n",
		V2 "line\t10\t2\t150000\t16\tnone\t0\t0\t0\tW\t2300010015005\tкг\tСыр\t\t0\t1\n" "end\t1\n",
		/* an amount discount above the weighed line's gross (1 501,50) */
		V2 "line\t10\t1\t429000\t16\tamount\t150151\t1\t0\tW\t\tкг\tСыр\t\t350\t0\n" "end\t1\n",
		NULL,
	};
#undef V2
	for (size_t k = 0; bad[k]; k++)
		expect_refused(bad[k], strlen(bad[k]), BASKET_ERR_FORMAT);
}

static void garbage_text_is_refused_and_changes_nothing(void **state)
{
	(void)state;
	const char *bad[] = {
		"",
		"\n",
		"hello",
		"kaspi-pos basket\n" "end\t0\n",
		"kaspi-pos basket x\n" "end\t0\n",
		"kaspi-pos basket 01\n" "end\t0\n",
		"kaspi-pos basket -1\n" "end\t0\n",
		HEAD,                                   /* cut off before "end" */
		HEAD GOOD,                              /* cut off after a line */
		HEAD GOOD "end\t0\n",                   /* count disagrees */
		HEAD GOOD "end\t2\n",
		HEAD GOOD "end\t1\n" "line\n",          /* something after "end" */
		HEAD GOOD "end\t1\n\n",
		HEAD "end\t0\n" GOOD,
		HEAD "line\t1\t2\n" "end\t1\n",         /* too few fields */
		HEAD "line\t1\t2\t25000\t12\tnone\t0\t0\t0\tS\t\tшт\tХлеб\t\tX\n" "end\t1\n",
		HEAD "line\t1\t0\t25000\t12\tnone\t0\t0\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t10000\t25000\t12\tnone\t0\t0\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t-2\t25000\t12\tnone\t0\t0\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t+2\t25000\t12\tnone\t0\t0\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t02\t25000\t12\tnone\t0\t0\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t2\t100000001\t12\tnone\t0\t0\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t2\t99999999999999999999\t12\tnone\t0\t0\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t2\t25000\t101\tnone\t0\t0\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t2\t25000\t12\tsome\t0\t0\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t2\t25000\t12\tnone\t5\t0\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t2\t25000\t12\tnone\t0\t1\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t2\t25000\t12\tamount\t50001\t1\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t2\t25000\t12\tpercent\t10001\t1\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t2\t25000\t12\tpercent\t0\t0\t0\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t2\t25000\t12\tnone\t0\t0\t2\tS\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "line\t1\t2\t25000\t12\tnone\t0\t0\t0\tS\t\tшт\t\t\n" "end\t1\n",       /* no name */
		HEAD "line\t1\t2\t25000\t12\tnone\t0\t0\t0\tS\t\tшт\t\xd0\t\n" "end\t1\n",   /* not UTF-8 */
		HEAD "line\t1\t2\t25000\t12\tnone\t0\t0\t0\tS\t\tшт\ta\\q\t\n" "end\t1\n",    /* bad escape */
		HEAD "line\t1\t2\t25000\t12\tnone\t0\t0\t0\tS\t\tшт\ta\\x0\t\n" "end\t1\n",
		HEAD "line\t1\t2\t25000\t12\tnone\t0\t0\t0\tS\t\tшт\ta\\x00b\t\n" "end\t1\n", /* NUL */
		HEAD "line\t1\t2\t25000\t12\tnone\t0\t0\t0\tS\t\tшт\ta\rb\t\n" "end\t1\n",    /* raw CR */
		HEAD "line\t1\t2\t25000\t12\tnone\t0\t0\t0\t"
		     "SKU-FAR-TOO-LONG-FOR-THIRTY-TWO-BYTES\t\tшт\tХлеб\t\n" "end\t1\n",
		HEAD "end\t0\r\n",
		HEAD "end\t501\n",
		NULL,
	};
	for (size_t k = 0; bad[k]; k++)
		expect_refused(bad[k], strlen(bad[k]), BASKET_ERR_FORMAT);
}

static void text_from_a_newer_version_is_refused_as_such(void **state)
{
	(void)state;
	const char *text = "kaspi-pos basket 3\n" "end\t0\n";
	expect_refused(text, strlen(text), BASKET_ERR_VERSION);
}

static void text_with_a_nul_byte_is_refused(void **state)
{
	(void)state;
	const char text[] = HEAD "end\t0\n";
	char with_nul[sizeof text];
	memcpy(with_nul, text, sizeof text);
	with_nul[5] = '\0';
	expect_refused(with_nul, sizeof text - 1, BASKET_ERR_FORMAT);
	expect_refused(NULL, 0, BASKET_ERR_FORMAT);
}

static void every_cut_of_a_held_basket_is_refused(void **state)
{
	struct basket *b = *state;
	char *text = NULL;

	fill_varied(b);
	assert_int_equal(basket_to_text(b, &text), BASKET_OK);
	size_t len = strlen(text);
	/* only the final newline may go missing */
	for (size_t cut = 0; cut + 1 < len; cut++)
		expect_refused(text, cut, BASKET_ERR_FORMAT);
	struct basket back;
	basket_init(&back);
	assert_int_equal(basket_from_text(&back, text, len - 1), BASKET_OK);
	basket_free(&back);
	free(text);
}

static void every_byte_flip_is_survived(void **state)
{
	struct basket *b = *state;
	char *text = NULL;
	const unsigned char flips[] = {0x00, 0x01, 0x09, 0x0a, '0', '9', '-', '\\', 'x', 0x80, 0xff};

	fill_varied(b);
	assert_int_equal(basket_to_text(b, &text), BASKET_OK);
	size_t len = strlen(text);
	char *copy = malloc(len);
	assert_non_null(copy);
	for (size_t at = 0; at < len; at++) {
		for (size_t f = 0; f < sizeof flips; f++) {
			struct basket back;
			memcpy(copy, text, len);
			copy[at] = (char)flips[f];
			basket_init(&back);
			enum basket_status st = basket_from_text(&back, copy, len);
			/* whatever it says, a basket it accepts obeys every rule */
			if (st == BASKET_OK) {
				struct basket_totals t;
				assert_int_equal(basket_totals(&back, &t), BASKET_OK);
				for (size_t k = 0; k < back.count; k++)
					assert_true(kp_utf8_length(back.lines[k].name) > 0);
			} else {
				assert_int_equal(back.count, 0);
			}
			basket_free(&back);
		}
	}
	free(copy);
	free(text);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(add_copies_the_product_into_a_new_line),
		T(scanning_again_with_merge_adds_to_the_line),
		T(merge_matches_by_sku_when_the_product_has_no_id),
		T(product_without_id_or_sku_never_merges),
		T(new_line_mode_never_merges),
		T(merge_skips_voided_discounted_and_repriced_lines),
		T(quantity_outside_1_to_9999_is_refused),
		T(merge_past_the_quantity_cap_leaves_the_line_alone),
		T(price_outside_0_to_1_000_000_kzt_is_refused),
		T(tax_rate_outside_0_to_100_is_refused),
		T(empty_or_broken_name_is_refused),
		T(basket_holds_at_most_500_lines),
		T(set_quantity_changes_the_line),
		T(set_quantity_outside_1_to_9999_is_refused),
		T(void_keeps_the_line_but_drops_it_from_totals),
		T(voided_line_cannot_change),
		T(totals_add_gross_discounts_and_items),
		T(clear_empties_and_keeps_the_limit),
		T(percent_discount_rounds_half_up),
		T(percent_discount_follows_quantity),
		T(percent_discount_below_the_limit_needs_no_manager),
		T(percent_discount_at_the_limit_needs_no_manager),
		T(percent_discount_above_the_limit_needs_a_manager),
		T(approved_discount_above_the_limit_applies_and_is_marked),
		T(amount_discount_below_at_and_above_the_limit),
		T(amount_limit_is_exact_on_awkward_lines),
		T(zero_limit_sends_every_discount_to_a_manager),
		T(discount_limit_outside_0_to_100_percent_is_refused),
		T(discount_more_than_the_line_is_refused),
		T(full_discount_makes_a_free_line_never_a_negative_one),
		T(clearing_a_discount_restores_the_price),
		T(fewer_items_under_an_amount_discount_may_need_a_manager),
		T(fewer_items_than_an_amount_discount_covers_is_refused),
		T(vat_is_rounded_per_rate_group_not_per_line),
		T(vat_is_on_discounted_totals_of_live_lines),
		T(empty_basket_is_not_payable),
		T(basket_of_voided_lines_is_empty),
		T(zero_total_is_not_payable),
		T(one_tiyn_is_payable),
		T(exactly_1_000_000_kzt_is_payable),
		T(one_tiyn_over_1_000_000_kzt_is_refused),
		T(largest_possible_basket_adds_up_without_overflow),
		T(hand_built_line_out_of_range_reports_instead_of_overflowing),
		T(undiscounted_line_is_one_entry),
		T(discounted_line_that_divides_evenly_stays_one_entry),
		T(thousand_tiyn_over_three_items_splits_333_333_334),
		T(total_smaller_than_quantity_splits_into_zero_and_one_tiyn),
		T(awkward_splits_always_sum_to_the_amount),
		T(voided_lines_are_not_sent),
		T(too_small_an_array_is_reported),
		T(empty_basket_gives_no_products),
		T(long_names_are_cut_to_128_characters_between_letters),
		T(name_of_exactly_128_characters_is_kept_whole),
		T(every_status_has_its_own_message),
		T(typed_weight_is_a_line_of_weight_times_price_per_kg),
		T(whole_units_of_a_weighed_product_are_their_weight),
		T(weighed_lines_never_merge),
		T(weight_outside_1_g_to_100_kg_is_refused),
		T(a_piece_product_takes_no_weight_and_no_label),
		T(weight_label_keeps_its_code_and_is_fixed),
		T(price_label_is_a_line_of_the_price_printed),
		T(label_above_the_check_limit_is_refused_a_typed_weight_waits_for_payment),
		T(set_weight_changes_a_typed_line_only),
		T(less_weight_under_an_amount_discount_may_need_a_manager),
		T(weighed_line_goes_to_the_api_as_one_of_its_amount_with_the_weight_named),
		T(long_weighed_name_is_cut_keeping_the_weight_whole),
		T(vat_of_weighed_lines_is_on_their_rounded_totals),
		T(held_basket_comes_back_the_same),
		T(held_basket_text_is_versioned_and_line_based),
		T(version_1_text_still_reads_its_lines_by_the_piece),
		T(held_weights_that_break_the_rules_are_refused),
		T(empty_held_basket_round_trips),
		T(restoring_keeps_the_limit_and_replaces_the_lines),
		T(garbage_text_is_refused_and_changes_nothing),
		T(text_from_a_newer_version_is_refused_as_such),
		T(text_with_a_nul_byte_is_refused),
		T(every_cut_of_a_held_basket_is_refused),
		T(every_byte_flip_is_survived),
	};
	return cmocka_run_group_tests_name("basket", tests, NULL, NULL);
}
