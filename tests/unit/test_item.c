/* test_item.c — what the input line and `kaspi-pos sale` are given,
 * resolved against a real catalog and the [scale] rules (app/item.h):
 * codes, N*CODE, weights typed for kg products and refused for piece
 * ones, scale labels of a weight and of a price, every refusal with its
 * one line (unknown PLU, a piece product's label, a wrong check digit,
 * 0 kg, above 100 kg, above the check limit, a quantity before a label),
 * a catalog barcode that looks like a label, and the journal's form of a
 * weighed line. Messages in English: no catalog is bound. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/item.h"
#include "core/ean.h"
#include "store/catalog.h"
#include "store/db.h"

struct fixture {
	char dir[256];
	char path[300];
	store_db *db;
	struct basket basket;
};

/* 22: weight in grams, 23: price in tenge, PLU of 5 digits (the demo's) */
static const struct kp_scale_rules rules = {
	.weight_prefixes = 1u << 2, .price_prefixes = 1u << 3, .plu_digits = 5,
	.weight_step = 1, .price_step = 100,
};

static const char catalog[] =
	"sku,barcode,name_ru,name_kk,unit,price,tax_rate,plu\n"
	"GR-0010,4600000010007,Сыр Российский весовой,Ресей ірімшігі,кг,4290,16,10\n"
	"GR-0111,,Казы,Қазы,кг,11990,16,111\n"
	"GR-0025,4870000025008,Сахар-песок 1 кг,Қант 1 кг,шт,549,10,\n"
	"GR-0140,,Лепёшка,Нан,шт,150,0,140\n"
	"GR-0200,2200200003506,Товар с кодом магазина,,шт,100,0,\n"
	"GR-0300,,Квас разливной,,л,300,12,300\n";

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	store_err err;
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "%s/kp-item-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kaspi-pos.db", f->dir);
	if (db_open(f->path, &f->db, &err) != STORE_OK)
		fail_msg("db_open: %s", kp_msg_text(&err.msg));
	if (catalog_import_buffer(f->db, catalog, strlen(catalog), NULL, NULL, NULL, &err) != STORE_OK)
		fail_msg("import: %s", kp_msg_text(&err.msg));
	basket_init(&f->basket);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	basket_free(&f->basket);
	db_close(f->db);
	nftw(f->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* A label: prefix, PLU (5 digits), value (5 digits), its check digit. */
static const char *label(int prefix, int plu, int value)
{
	static char code[16];
	snprintf(code, sizeof code, "%02d%05d%05d", prefix, plu, value);
	code[12] = (char)('0' + ean_check_digit(code, 12));
	code[13] = '\0';
	return code;
}

static struct item resolve_ok(struct fixture *f, const char *text)
{
	struct item it;
	char msg[ITEM_MESSAGE_SIZE];
	enum item_status st = item_resolve(f->db, &rules, text, &it, msg, sizeof msg);
	if (st != ITEM_OK)
		fail_msg("\"%s\": status %d: %s", text, st, msg);
	return it;
}

/* Resolves text expecting st and a message containing part. */
static void refused(struct fixture *f, const char *text, enum item_status want, const char *part)
{
	struct item it;
	char msg[ITEM_MESSAGE_SIZE];
	enum item_status st = item_resolve(f->db, &rules, text, &it, msg, sizeof msg);
	if (st != want)
		fail_msg("\"%s\": status %d, expected %d (%s)", text, st, want, msg);
	if (part && !strstr(msg, part))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, msg, part);
	assert_true(msg[0] != '\0');
	assert_null(strchr(msg, '\n'));
}

static void a_code_is_one_piece_and_n_star_code_n_pieces(void **state)
{
	struct fixture *f = *state;
	struct item it = resolve_ok(f, "4870000025008");
	assert_int_equal(it.kind, ITEM_KIND_PIECES);
	assert_int_equal(it.quantity, 1);
	assert_false(it.typed);
	assert_string_equal(it.product.sku, "GR-0025");
	it = resolve_ok(f, "3*GR-0025");
	assert_int_equal(it.kind, ITEM_KIND_PIECES);
	assert_int_equal(it.quantity, 3);
	assert_true(it.typed);
}

static void a_weight_typed_for_a_kg_product_is_its_thousandths(void **state)
{
	struct fixture *f = *state;
	const char *forms[] = {"0,350*4600000010007", "0.350*GR-0010", "0,35*GR-0010",
	                       "350 г*GR-0010", "350г*4600000010007", " 0,350 * GR-0010 "};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		struct item it = resolve_ok(f, forms[i]);
		assert_int_equal(it.kind, ITEM_KIND_WEIGHT);
		assert_int_equal(it.weight, 350);
		assert_true(it.typed);
	}
	struct item it = resolve_ok(f, "3*GR-0010"); /* whole kilograms */
	assert_int_equal(it.weight, 3000);
	it = resolve_ok(f, "GR-0010"); /* no weight: one kg, and the TUI asks */
	assert_int_equal(it.kind, ITEM_KIND_WEIGHT);
	assert_int_equal(it.weight, 1000);
	assert_false(it.typed);
	it = resolve_ok(f, "500 мл*GR-0300"); /* a litre product's millilitres */
	assert_int_equal(it.weight, 500);
}

static void a_fraction_for_a_piece_product_is_refused(void **state)
{
	struct fixture *f = *state;
	refused(f, "0,350*GR-0025", ITEM_QUANTITY, "sold by the piece");
	refused(f, "350 г*GR-0025", ITEM_QUANTITY, "sold by the piece");
	refused(f, "10000*GR-0025", ITEM_QUANTITY, "1 to 9999");
	refused(f, "abc*GR-0025", ITEM_QUANTITY, "whole number");
}

static void zero_and_over_100_kg_are_refused(void **state)
{
	struct fixture *f = *state;
	refused(f, "0*GR-0010", ITEM_QUANTITY, "0");
	refused(f, "0,000*GR-0010", ITEM_QUANTITY, "A weight of 0");
	refused(f, "101*GR-0010", ITEM_QUANTITY, "100 kg");
	refused(f, "100,001*GR-0010", ITEM_QUANTITY, "100 kg");
	refused(f, "0,3505*GR-0010", ITEM_QUANTITY, "0,350");
	refused(f, "101*GR-0300", ITEM_QUANTITY, "100 l");
}

static void a_weight_label_is_its_product_by_plu_with_the_labels_weight(void **state)
{
	struct fixture *f = *state;
	struct item it = resolve_ok(f, label(22, 10, 350));
	assert_int_equal(it.kind, ITEM_KIND_LABEL_WEIGHT);
	assert_int_equal(it.weight, 350);
	assert_string_equal(it.product.sku, "GR-0010");
	assert_string_equal(it.code, label(22, 10, 350));
	size_t i;
	char msg[ITEM_MESSAGE_SIZE];
	assert_int_equal(item_add(&f->basket, &it, &i, msg, sizeof msg), BASKET_OK);
	assert_true(f->basket.lines[i].from_label);
	assert_string_equal(f->basket.lines[i].barcode, label(22, 10, 350));
	assert_int_equal(basket_total(&f->basket), 150150);
	char text[256];
	item_describe(&it, text, sizeof text);
	assert_string_equal(text, "Сыр Российский весовой 0,350 kg × 4 290,00 ₸/kg = 1\xe2\x80\xaf" "501,50 ₸");
}

static void a_price_label_is_a_line_of_the_printed_price(void **state)
{
	struct fixture *f = *state;
	struct item it = resolve_ok(f, label(23, 10, 1500));
	assert_int_equal(it.kind, ITEM_KIND_LABEL_PRICE);
	assert_int_equal(it.price, 150000);
	char msg[ITEM_MESSAGE_SIZE];
	assert_int_equal(item_add(&f->basket, &it, NULL, msg, sizeof msg), BASKET_OK);
	assert_int_equal(basket_total(&f->basket), 150000);
	assert_int_equal(f->basket.lines[0].weight, 0);
}

static void label_refusals_say_why_and_add_nothing(void **state)
{
	struct fixture *f = *state;
	char code[16];
	refused(f, label(22, 99, 350), ITEM_LABEL_PLU, "PLU 99");
	refused(f, label(22, 140, 350), ITEM_LABEL_PIECE, "sold by the piece");
	refused(f, label(23, 140, 150), ITEM_LABEL_PIECE, "Лепёшка");
	refused(f, label(22, 10, 0), ITEM_LABEL_WEIGHT, "A weight of 0");
	refused(f, label(23, 10, 0), ITEM_LABEL_PRICE, "price is 0");
	/* 99,999 кг × 11 990,00 ₸/кг = 1 198 988,01 ₸: over one payment's 1 000 000 */
	refused(f, label(22, 111, 99999), ITEM_LABEL_LIMIT, "1 000 000");
	snprintf(code, sizeof code, "%s", label(22, 10, 350));
	code[12] = (char)('0' + (code[12] - '0' + 1) % 10);
	refused(f, code, ITEM_LABEL_CHECK, "check digit");
	char text[32];
	snprintf(text, sizeof text, "2*%s", label(22, 10, 350));
	refused(f, text, ITEM_LABEL_QUANTITY, "without a quantity");
	assert_int_equal(f->basket.count, 0);
}

static void a_catalog_barcode_wins_over_a_label_reading(void **state)
{
	struct fixture *f = *state;
	/* 2200200003506 reads as PLU 200 weighing 0,350, but is a product's barcode */
	struct item it = resolve_ok(f, "2200200003506");
	assert_int_equal(it.kind, ITEM_KIND_PIECES);
	assert_string_equal(it.product.sku, "GR-0200");
}

static void without_rules_a_label_is_an_unknown_code(void **state)
{
	struct fixture *f = *state;
	struct item it;
	char msg[ITEM_MESSAGE_SIZE];
	assert_int_equal(item_resolve(f->db, NULL, label(22, 10, 350), &it, msg, sizeof msg),
	                 ITEM_NOT_FOUND);
	assert_non_null(strstr(msg, "Unknown code"));
}

static void syntax_and_empty_input(void **state)
{
	struct fixture *f = *state;
	struct item it;
	char msg[ITEM_MESSAGE_SIZE];
	refused(f, "*GR-0010", ITEM_SYNTAX, "0,350*CODE");
	refused(f, "2*3*GR-0010", ITEM_SYNTAX, NULL);
	refused(f, "NOPE", ITEM_NOT_FOUND, "Unknown code NOPE");
	assert_int_equal(item_resolve(f->db, &rules, "", &it, msg, sizeof msg), ITEM_EMPTY);
	assert_int_equal(item_resolve(f->db, &rules, "3*", &it, msg, sizeof msg), ITEM_EMPTY);
}

static void a_weighed_line_goes_to_the_journal_at_its_gross(void **state)
{
	struct fixture *f = *state;
	struct item it = resolve_ok(f, "0,350*GR-0010");
	size_t i;
	assert_int_equal(item_add(&f->basket, &it, &i, NULL, 0), BASKET_OK);
	assert_int_equal(basket_discount_percent(&f->basket, i, 1000, false), BASKET_OK);
	struct journal_line jl;
	assert_int_equal(item_journal_line(&f->basket.lines[i], &jl), BASKET_OK);
	assert_int_equal(jl.quantity, 1);
	assert_int_equal(jl.unit_price, 150150);
	assert_int_equal(jl.weight, 350);
	assert_int_equal(jl.price_per_unit, 429000);
	assert_int_equal(jl.discount, 15015);
	assert_int_equal(jl.total, 135135);
	assert_string_equal(jl.unit, "кг");
	assert_int_equal(jl.total, jl.quantity * jl.unit_price - jl.discount);
	/* and a piece line as it was */
	it = resolve_ok(f, "2*GR-0025");
	assert_int_equal(item_add(&f->basket, &it, &i, NULL, 0), BASKET_OK);
	assert_int_equal(item_journal_line(&f->basket.lines[i], &jl), BASKET_OK);
	assert_int_equal(jl.quantity, 2);
	assert_int_equal(jl.unit_price, 54900);
	assert_int_equal(jl.weight, 0);
	assert_int_equal(jl.price_per_unit, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(a_code_is_one_piece_and_n_star_code_n_pieces),
		T(a_weight_typed_for_a_kg_product_is_its_thousandths),
		T(a_fraction_for_a_piece_product_is_refused),
		T(zero_and_over_100_kg_are_refused),
		T(a_weight_label_is_its_product_by_plu_with_the_labels_weight),
		T(a_price_label_is_a_line_of_the_printed_price),
		T(label_refusals_say_why_and_add_nothing),
		T(a_catalog_barcode_wins_over_a_label_reading),
		T(without_rules_a_label_is_an_unknown_code),
		T(syntax_and_empty_input),
		T(a_weighed_line_goes_to_the_journal_at_its_gross),
	};
	return cmocka_run_group_tests_name("item", tests, NULL, NULL);
}
