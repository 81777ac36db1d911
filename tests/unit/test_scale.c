/* test_scale.c — scale labels: every label of the generated corpus
 * (tests/unit/scale_corpus.h, at least 200 over every rule variant, its
 * readings computed independently by tests/tools/gen_scale_corpus.py)
 * read as the generator says; a few labels worked by hand; the rules
 * that can and cannot be read with; the [scale] prefix lists. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/scale.h"
#include "scale_corpus.h"

static void corpus_has_every_rule_variant_and_200_labels(void **state)
{
	(void)state;
	bool seen[KP_SCALE_PLU_DIGITS_MAX + 1][11][101] = {{{false}}};
	size_t n = sizeof corpus / sizeof *corpus, bad_check = 0, weights = 0, prices = 0;
	assert_true(n >= 200);
	for (size_t i = 0; i < sizeof corpus_rules / sizeof *corpus_rules; i++) {
		const struct kp_scale_rules *r = &corpus_rules[i];
		seen[r->plu_digits][r->weight_step][r->price_step] = true;
	}
	for (int plu = KP_SCALE_PLU_DIGITS_MIN; plu <= KP_SCALE_PLU_DIGITS_MAX; plu++)
		for (int w = 1; w <= 10; w += 9)
			for (int p = 1; p <= 100; p += 99)
				assert_true(seen[plu][w][p]);
	for (size_t i = 0; i < n; i++) {
		bad_check += corpus[i].status == KP_SCALE_BAD_CHECK;
		weights += corpus[i].status == KP_SCALE_LABEL && !corpus[i].is_price;
		prices += corpus[i].status == KP_SCALE_LABEL && corpus[i].is_price;
	}
	assert_true(bad_check >= 20 && weights >= 50 && prices >= 50);
}

static void every_corpus_label_reads_as_computed_independently(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof corpus / sizeof *corpus; i++) {
		const struct corpus_label *c = &corpus[i];
		struct kp_scale_label got = {.prefix = -1, .plu = -1, .value = -1};
		enum kp_scale_status st = kp_scale_read(&corpus_rules[c->rule], c->code, &got);
		if (st != c->status)
			fail_msg("label %zu \"%s\" (rules %d): status %d, expected %d", i, c->code, c->rule,
			         st, c->status);
		if (st != KP_SCALE_LABEL) {
			assert_int_equal(got.prefix, -1); /* untouched */
			continue;
		}
		if (got.prefix != c->prefix || got.plu != c->plu || got.is_price != c->is_price ||
		    got.value != c->value)
			fail_msg("label %zu \"%s\": %d/%d/%d/%lld, expected %d/%d/%d/%lld", i, c->code,
			         got.prefix, (int)got.plu, got.is_price, (long long)got.value, c->prefix,
			         (int)c->plu, c->is_price, (long long)c->value);
	}
}

static const struct kp_scale_rules demo = {
	.weight_prefixes = 1u << 2, /* 22 */
	.price_prefixes = 1u << 3,  /* 23 */
	.plu_digits = 5,
	.weight_step = 1,
	.price_step = 100,
};

static void weight_label_worked_by_hand(void **state)
{
	(void)state;
	struct kp_scale_label l;
	/* 22 00010 00350 K: payload 220001000350, weights 1 3 1 3 ... from the left:
	 *   2 + 6 + 0 + 0 + 0 + 3 + 0 + 0 + 0 + 9 + 5 + 0 = 25 → check digit 5 */
	assert_int_equal(kp_scale_read(&demo, "2200010003505", &l), KP_SCALE_LABEL);
	assert_int_equal(l.prefix, 22);
	assert_int_equal(l.plu, 10);
	assert_false(l.is_price);
	assert_int_equal(l.value, 350); /* 0,350 кг */
	assert_int_equal(kp_scale_read(&demo, "2200010003506", &l), KP_SCALE_BAD_CHECK);
}

static void price_label_worked_by_hand(void **state)
{
	(void)state;
	struct kp_scale_label l;
	/* 23 00091 01500 K: 2 + 9 + 0 + 0 + 0 + 27 + 1 + 0 + 1 + 15 + 0 + 0 = 55 → 5;
	 * 1500 in tenge is 150000 tiyn */
	assert_int_equal(kp_scale_read(&demo, "2300091015005", &l), KP_SCALE_LABEL);
	assert_int_equal(l.plu, 91);
	assert_true(l.is_price);
	assert_int_equal(l.value, 150000);
}

static void codes_outside_the_rules_are_plain_codes(void **state)
{
	(void)state;
	struct kp_scale_label l;
	/* an ordinary product (prefix 48), a prefix the shop does not use, an EAN-8 */
	assert_int_equal(kp_scale_read(&demo, "4870000025008", &l), KP_SCALE_NOT_LABEL);
	assert_int_equal(kp_scale_read(&demo, "2100010003508", &l), KP_SCALE_NOT_LABEL);
	assert_int_equal(kp_scale_read(&demo, "96385074", &l), KP_SCALE_NOT_LABEL);
	assert_int_equal(kp_scale_read(&demo, NULL, &l), KP_SCALE_NOT_LABEL);
	/* a shop without labels: nothing is one */
	struct kp_scale_rules none = demo;
	none.weight_prefixes = none.price_prefixes = 0;
	assert_int_equal(kp_scale_read(&none, "2200010003505", &l), KP_SCALE_NOT_LABEL);
}

static void rules_that_cannot_be_read_with_are_refused(void **state)
{
	(void)state;
	struct kp_scale_label l;
	struct kp_scale_rules r = demo;
	assert_true(kp_scale_rules_valid(&r));
	r.plu_digits = 3;
	assert_false(kp_scale_rules_valid(&r));
	r.plu_digits = 7;
	assert_false(kp_scale_rules_valid(&r));
	r = demo;
	r.weight_step = 100;
	assert_false(kp_scale_rules_valid(&r));
	r = demo;
	r.price_step = 10;
	assert_false(kp_scale_rules_valid(&r));
	r = demo;
	r.price_prefixes |= r.weight_prefixes; /* one prefix both a weight's and a price's */
	assert_false(kp_scale_rules_valid(&r));
	assert_int_equal(kp_scale_read(&r, "2200010003505", &l), KP_SCALE_BAD_RULES);
	r = demo;
	r.weight_prefixes = 1u << 10; /* prefix 30 */
	assert_false(kp_scale_rules_valid(&r));
	assert_false(kp_scale_rules_valid(NULL));
}

static void prefix_lists_read_as_a_shop_writes_them(void **state)
{
	(void)state;
	unsigned m = 77;
	assert_true(kp_scale_prefixes_parse("21 22", &m));
	assert_int_equal(m, 0x6);
	assert_true(kp_scale_prefixes_parse("21,22", &m));
	assert_int_equal(m, 0x6);
	assert_true(kp_scale_prefixes_parse(" 20-24, 27 ", &m));
	assert_int_equal(m, 0x1f | 0x80);
	assert_true(kp_scale_prefixes_parse("20 - 29", &m));
	assert_int_equal(m, KP_SCALE_PREFIXES_ALL);
	assert_true(kp_scale_prefixes_parse("", &m));
	assert_int_equal(m, 0);
	m = 5;
	assert_true(kp_scale_prefixes_parse("none", &m));
	assert_int_equal(m, 0);
	const char *bad[] = {"19", "30", "2", "220", "22-21", "22-", "x", "22;23", "-22", "22 23x", NULL};
	for (size_t i = 0; bad[i]; i++) {
		m = 42;
		if (kp_scale_prefixes_parse(bad[i], &m))
			fail_msg("\"%s\" read as prefixes", bad[i]);
		assert_int_equal(m, 42);
	}
	assert_false(kp_scale_prefixes_parse(NULL, &m));
}

static void prefix_lists_write_back_as_they_read(void **state)
{
	(void)state;
	char b[64];
	unsigned m;
	kp_scale_prefixes_format(b, sizeof b, 0x6);
	assert_string_equal(b, "21 22");
	kp_scale_prefixes_format(b, sizeof b, 0);
	assert_string_equal(b, "none");
	for (unsigned mask = 0; mask <= KP_SCALE_PREFIXES_ALL; mask++) {
		kp_scale_prefixes_format(b, sizeof b, mask);
		assert_true(kp_scale_prefixes_parse(b, &m));
		assert_int_equal(m, mask);
	}
	assert_int_equal(kp_scale_prefixes_format(b, 4, KP_SCALE_PREFIXES_ALL), 29); /* cut, counted */
	assert_string_equal(b, "20 ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(corpus_has_every_rule_variant_and_200_labels),
		cmocka_unit_test(every_corpus_label_reads_as_computed_independently),
		cmocka_unit_test(weight_label_worked_by_hand),
		cmocka_unit_test(price_label_worked_by_hand),
		cmocka_unit_test(codes_outside_the_rules_are_plain_codes),
		cmocka_unit_test(rules_that_cannot_be_read_with_are_refused),
		cmocka_unit_test(prefix_lists_read_as_a_shop_writes_them),
		cmocka_unit_test(prefix_lists_write_back_as_they_read),
	};
	return cmocka_run_group_tests_name("scale", tests, NULL, NULL);
}
