/* test_tender.c — tender arithmetic: parts, the rest, change, four parts
 * at most, and the quick cash amounts; checked against an independent
 * sum over many generated plans. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "core/tender.h"

#define T(tenge) ((int64_t)(tenge) * 100)

static enum tender_status resolve(int64_t total, const struct tender_req *r, size_t n,
                                  struct tender_part *out, size_t *bad)
{
	return tender_resolve(total, r, n, out, bad);
}

static void a_cash_sale_gives_change(void **state)
{
	(void)state;
	struct tender_req r[] = {{TENDER_CASH, T(5000)}};
	struct tender_part p[1];
	assert_int_equal(resolve(T(3450) + 50, r, 1, p, NULL), TENDER_OK);
	assert_int_equal(p[0].amount, T(3450) + 50);
	assert_int_equal(p[0].given, T(5000));
	assert_int_equal(p[0].change, T(1549) + 50);
}

static void the_rest_takes_what_is_left(void **state)
{
	(void)state;
	struct tender_req r[] = {{TENDER_QR, T(1000)}, {TENDER_CARD, T(500)}, {TENDER_CASH, TENDER_REST}};
	struct tender_part p[3];
	assert_int_equal(resolve(T(2000), r, 3, p, NULL), TENDER_OK);
	assert_int_equal(p[0].amount, T(1000));
	assert_int_equal(p[1].amount, T(500));
	assert_int_equal(p[2].amount, T(500));
	assert_int_equal(p[2].change, 0);
	assert_int_equal(tender_rest(T(2000), p, 2), T(500));
	assert_int_equal(tender_rest(T(2000), p, 3), 0);
}

static void four_parts_at_most(void **state)
{
	(void)state;
	struct tender_req r[5] = {{TENDER_CASH, 100}, {TENDER_CARD, 100}, {TENDER_QR, 100},
	                          {TENDER_PHONE, 100}, {TENDER_CASH, TENDER_REST}};
	struct tender_part p[5];
	size_t bad = 99;
	assert_int_equal(resolve(400, r, 4, p, &bad), TENDER_OK);
	assert_int_equal(resolve(500, r, 5, p, &bad), TENDER_ERR_TOO_MANY);
	assert_int_equal(bad, 4);
}

static void bad_parts_are_named(void **state)
{
	(void)state;
	struct tender_part p[4];
	size_t bad = 99;
	struct tender_req neg[] = {{TENDER_CASH, -1}};
	assert_int_equal(resolve(100, neg, 1, p, &bad), TENDER_ERR_NEGATIVE);
	assert_int_equal(bad, 0);
	/* a card part above the rest */
	struct tender_req over[] = {{TENDER_QR, 50}, {TENDER_CARD, 60}};
	assert_int_equal(resolve(100, over, 2, p, &bad), TENDER_ERR_OVER);
	assert_int_equal(bad, 1);
	/* cash above the rest, but not last: no change before the others */
	struct tender_req early[] = {{TENDER_CASH, 200}, {TENDER_QR, TENDER_REST}};
	assert_int_equal(resolve(100, early, 2, p, &bad), TENDER_ERR_OVER);
	assert_int_equal(bad, 0);
	/* below the total */
	struct tender_req short_[] = {{TENDER_CASH, 50}, {TENDER_CARD, 20}};
	assert_int_equal(resolve(100, short_, 2, p, &bad), TENDER_ERR_SHORT);
	assert_int_equal(bad, 2);
	/* a part once all is paid */
	struct tender_req after[] = {{TENDER_CARD, TENDER_REST}, {TENDER_CASH, 10}};
	assert_int_equal(resolve(100, after, 2, p, &bad), TENDER_ERR_AFTER_ALL);
	assert_int_equal(bad, 1);
	struct tender_req kind[] = {{(enum tender_kind)9, 10}};
	assert_int_equal(resolve(100, kind, 1, p, &bad), TENDER_ERR_KIND);
	assert_int_equal(resolve(0, kind, 1, p, &bad), TENDER_ERR_TOTAL);
	assert_int_equal(resolve(100, kind, 0, p, &bad), TENDER_ERR_NONE);
	struct tender_req huge[] = {{TENDER_CASH, TENDER_CASH_MAX + 1}};
	assert_int_equal(resolve(100, huge, 1, p, &bad), TENDER_ERR_CASH_LIMIT);
	for (int s = TENDER_OK; s <= TENDER_ERR_CASH_LIMIT; s++)
		assert_non_null(tender_status_message((enum tender_status)s));
	assert_string_equal(tender_status_message((enum tender_status)77), "Unknown error");
}

/* Generated plans: whenever resolve says OK, the parts pay the total
 * exactly, each part > 0, only a last cash part has change; whenever a
 * plan is by the rules (checked here independently), it says OK. */
static void generated_plans_add_up(void **state)
{
	(void)state;
	srand(42);
	int ok = 0;
	for (int run = 0; run < 20000; run++) {
		int64_t total = 1 + rand() % 500000;
		size_t n = 1 + (size_t)(rand() % 4);
		struct tender_req r[4];
		struct tender_part p[4];
		for (size_t i = 0; i < n; i++) {
			r[i].kind = (enum tender_kind)(rand() % TENDER_KIND_COUNT);
			r[i].amount = rand() % 3 == 0 ? TENDER_REST : 1 + rand() % 300000;
		}
		/* the rule, written out again */
		int64_t left = total;
		bool valid = true;
		for (size_t i = 0; i < n && valid; i++) {
			int64_t a = r[i].amount == TENDER_REST ? left : r[i].amount;
			if (left == 0 || (a > left && (r[i].kind != TENDER_CASH || i + 1 != n)))
				valid = false;
			else
				left -= a > left ? left : a;
		}
		valid = valid && left == 0;
		enum tender_status s = resolve(total, r, n, p, NULL);
		assert_int_equal(s == TENDER_OK, valid);
		if (s != TENDER_OK)
			continue;
		ok++;
		int64_t sum = 0;
		for (size_t i = 0; i < n; i++) {
			assert_true(p[i].amount > 0);
			assert_int_equal(p[i].given, p[i].amount + p[i].change);
			if (p[i].change)
				assert_true(p[i].kind == TENDER_CASH && i + 1 == n);
			sum += p[i].amount;
		}
		assert_int_equal(sum, total);
	}
	assert_true(ok > 1000);
}

static void quick_cash_offers_the_next_banknotes(void **state)
{
	(void)state;
	int64_t q[TENDER_QUICK_MAX];
	size_t n = tender_quick_cash(T(1234) + 50, q);
	assert_int_equal(n, 5);
	assert_int_equal(q[0], T(1234) + 50);
	assert_int_equal(q[1], T(2000));
	assert_int_equal(q[2], T(5000));
	assert_int_equal(q[3], T(10000));
	assert_int_equal(q[4], T(20000));
	n = tender_quick_cash(T(3450), q);
	assert_int_equal(n, 5);
	assert_int_equal(q[1], T(4000));
	assert_int_equal(q[2], T(5000));
	n = tender_quick_cash(T(21000), q); /* 22 000 twice (1 000s and 2 000s): once */
	assert_int_equal(n, 5);
	assert_int_equal(q[1], T(22000));
	assert_int_equal(q[2], T(25000));
	assert_int_equal(q[3], T(30000));
	assert_int_equal(q[4], T(40000));
	assert_int_equal(tender_quick_cash(0, q), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_cash_sale_gives_change),
		cmocka_unit_test(the_rest_takes_what_is_left),
		cmocka_unit_test(four_parts_at_most),
		cmocka_unit_test(bad_parts_are_named),
		cmocka_unit_test(generated_plans_add_up),
		cmocka_unit_test(quick_cash_offers_the_next_banknotes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
