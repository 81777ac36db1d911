/* test_slip.c — the payment slip (app/slip.h) as the printer gets it,
 * exact at 32, 42 and 48 columns: a line prints quantity × price with its
 * gross, then its discount and what is left, so that the figures add up
 * to the total on the paper; voided lines are left out; a Kazakh slip
 * prints a line's Kazakh name when it has one, a Russian one the Russian
 * name; a weighed line its weight × its price per kg; every slip says
 * it is no fiscal receipt; no name makes a code. Labels in English:
 * no catalog is bound. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/config.h"
#include "app/i18n.h"
#include "app/slip.h"
#include "core/escpos.h"

#define NOON_20261126 1795676400 /* 2026-11-26 12:00 Almaty */

/* The slip of a sale at width columns in language lang: 2 × 549,90 less
 * 109,98 (the line), a bag, and a voided line. Labels stay
 * English: the catalog's folder does not exist. */
static char *sale_slip(int width, const char *lang)
{
	struct kp_config cfg;
	config_init(&cfg);
	snprintf(cfg.store.name, sizeof cfg.store.name, "Дүкен «Береке»");
	snprintf(cfg.store.bin, sizeof cfg.store.bin, "123456789012");
	snprintf(cfg.till.id, sizeof cfg.till.id, "T01");
	cfg.printer.width = width;
	i18n_init(lang);
	bindtextdomain("kaspi-pos", "/nonexistent");

	struct journal_order o = {.created_at = NOON_20261126, .amount = 104982,
	                          .method = JOURNAL_QR, .state = JOURNAL_SUCCEEDED};
	snprintf(o.merchant_order_id, sizeof o.merchant_order_id, "T01-20261126-000042");
	snprintf(o.payment_id, sizeof o.payment_id, "pay_7Hq2");
	struct journal_line l[3] = {
		{.quantity = 2, .unit_price = 54990, .tax_rate = 12, .discount = 10998, .total = 98982},
		{.quantity = 1, .unit_price = 6000, .tax_rate = 12, .total = 6000},
		{.quantity = 1, .unit_price = 30000, .tax_rate = 12, .total = 30000, .voided = true},
	};
	snprintf(l[0].name, sizeof l[0].name, "Кофе молотый 250 г");
	snprintf(l[0].name_kk, sizeof l[0].name_kk, "Ұнтақталған кофе 250 г");
	snprintf(l[1].name, sizeof l[1].name, "Пакет");
	snprintf(l[2].name, sizeof l[2].name, "Сыр");
	char *s = slip_payment(&cfg, &o, l, 3);
	assert_non_null(s);
	return s;
}

static void expect_slip(int width, const char *lang, const char *want)
{
	char *got = sale_slip(width, lang);
	if (strcmp(got, want) != 0)
		fail_msg("slip at %d columns:\n%s\nwanted:\n%s", width, got, want);
	free(got);
}

static void a_discounted_line_adds_up_at_32_columns(void **state)
{
	(void)state;
	expect_slip(32, "ru",
	            "         Дүкен «Береке»         \n"
	            "BIN                 123456789012\n"
	            "Till                         T01\n"
	            "Date            26.11.2026 12:00\n"
	            "================================\n"
	            "              SALE              \n"
	            "       ФИСКАЛДЫҚ ЕМЕС ЧЕК       \n"
	            "        НЕФИСКАЛЬНЫЙ ЧЕК        \n"
	            "Order        T01-20261126-000042\n"
	            "--------------------------------\n"
	            "Кофе молотый 250 г              \n"
	            "  2 × 549,90            1 099,80\n"
	            "  discount               -109,98\n"
	            "  after the discount      989,82\n"
	            "Пакет                           \n"
	            "  1 × 60,00                60,00\n"
	            "--------------------------------\n"
	            "TOTAL                   1 049,82\n"
	            "incl. VAT 12%             112,48\n"
	            "--------------------------------\n"
	            "Kaspi QR                    PAID\n"
	            "Payment                 pay_7Hq2\n"
	            ESCPOS_CODE_MARK "T01-20261126-000042\n"
	            "\n");
}

static void a_discounted_line_adds_up_at_42_columns(void **state)
{
	(void)state;
	expect_slip(42, "ru",
	            "              Дүкен «Береке»              \n"
	            "BIN                           123456789012\n"
	            "Till                                   T01\n"
	            "Date                      26.11.2026 12:00\n"
	            "==========================================\n"
	            "                   SALE                   \n"
	            "  ФИСКАЛДЫҚ ЕМЕС ЧЕК / НЕФИСКАЛЬНЫЙ ЧЕК   \n"
	            "Order                  T01-20261126-000042\n"
	            "------------------------------------------\n"
	            "Кофе молотый 250 г                        \n"
	            "  2 × 549,90                      1 099,80\n"
	            "  discount                         -109,98\n"
	            "  after the discount                989,82\n"
	            "Пакет                                     \n"
	            "  1 × 60,00                          60,00\n"
	            "------------------------------------------\n"
	            "TOTAL                             1 049,82\n"
	            "incl. VAT 12%                       112,48\n"
	            "------------------------------------------\n"
	            "Kaspi QR                              PAID\n"
	            "Payment                           pay_7Hq2\n"
	            ESCPOS_CODE_MARK "T01-20261126-000042\n"
	            "\n");
}

static void a_discounted_line_adds_up_at_48_columns(void **state)
{
	(void)state;
	expect_slip(48, "ru",
	            "                 Дүкен «Береке»                 \n"
	            "BIN                                 123456789012\n"
	            "Till                                         T01\n"
	            "Date                            26.11.2026 12:00\n"
	            "================================================\n"
	            "                      SALE                      \n"
	            "     ФИСКАЛДЫҚ ЕМЕС ЧЕК / НЕФИСКАЛЬНЫЙ ЧЕК      \n"
	            "Order                        T01-20261126-000042\n"
	            "------------------------------------------------\n"
	            "Кофе молотый 250 г                              \n"
	            "  2 × 549,90                            1 099,80\n"
	            "  discount                               -109,98\n"
	            "  after the discount                      989,82\n"
	            "Пакет                                           \n"
	            "  1 × 60,00                                60,00\n"
	            "------------------------------------------------\n"
	            "TOTAL                                   1 049,82\n"
	            "incl. VAT 12%                             112,48\n"
	            "------------------------------------------------\n"
	            "Kaspi QR                                    PAID\n"
	            "Payment                                 pay_7Hq2\n"
	            ESCPOS_CODE_MARK "T01-20261126-000042\n"
	            "\n");
}

/* Kazakh: the line that has a Kazakh name prints it; the bag, without
 * one, keeps its Russian name. */
static void a_kazakh_slip_prints_the_kazakh_names(void **state)
{
	(void)state;
	expect_slip(32, "kk",
	            "         Дүкен «Береке»         \n"
	            "BIN                 123456789012\n"
	            "Till                         T01\n"
	            "Date            26.11.2026 12:00\n"
	            "================================\n"
	            "              SALE              \n"
	            "       ФИСКАЛДЫҚ ЕМЕС ЧЕК       \n"
	            "        НЕФИСКАЛЬНЫЙ ЧЕК        \n"
	            "Order        T01-20261126-000042\n"
	            "--------------------------------\n"
	            "Ұнтақталған кофе 250 г          \n"
	            "  2 × 549,90            1 099,80\n"
	            "  discount               -109,98\n"
	            "  after the discount      989,82\n"
	            "Пакет                           \n"
	            "  1 × 60,00                60,00\n"
	            "--------------------------------\n"
	            "TOTAL                   1 049,82\n"
	            "incl. VAT 12%             112,48\n"
	            "--------------------------------\n"
	            "Kaspi QR                    PAID\n"
	            "Payment                 pay_7Hq2\n"
	            ESCPOS_CODE_MARK "T01-20261126-000042\n"
	            "\n");
}

/* A weighed line prints its weight × the price per kg and its gross (on
 * a line of its own at 32 columns, where both do not fit; plain figures
 * as the slip's others, ₸ being "тг" on the printer), then its
 * discount; a price label's line prints as one of its price. */
static char *weighed_slip(int width)
{
	struct kp_config cfg;
	config_init(&cfg);
	cfg.printer.width = width;
	snprintf(cfg.till.id, sizeof cfg.till.id, "T01");
	i18n_init("ru");
	bindtextdomain("kaspi-pos", "/nonexistent");
	struct journal_order o = {.created_at = NOON_20261126, .amount = 135135 + 150000,
	                          .method = JOURNAL_QR, .state = JOURNAL_SUCCEEDED};
	snprintf(o.merchant_order_id, sizeof o.merchant_order_id, "T01-20261126-000043");
	snprintf(o.payment_id, sizeof o.payment_id, "pay_8");
	struct journal_line l[2] = {
		{.quantity = 1, .unit_price = 150150, .tax_rate = 16, .discount = 15015, .total = 135135,
		 .unit = "кг", .weight = 350, .price_per_unit = 429000},
		{.quantity = 1, .unit_price = 150000, .tax_rate = 16, .total = 150000, .unit = "кг"},
	};
	snprintf(l[0].name, sizeof l[0].name, "Сыр Российский");
	snprintf(l[1].name, sizeof l[1].name, "Сыр Голландский");
	char *s = slip_payment(&cfg, &o, l, 2);
	assert_non_null(s);
	return s;
}

static void a_weighed_line_prints_its_weight_and_price_per_kg(void **state)
{
	(void)state;
	char *s = weighed_slip(32);
	const char *want = "Сыр Российский                  \n"
	                   "  0,350 kg × 4 290,00/kg        \n"
	                   "                        1 501,50\n"
	                   "  discount               -150,15\n"
	                   "  after the discount    1 351,35\n"
	                   "Сыр Голландский                 \n"
	                   "  1 × 1 500,00          1 500,00\n";
	if (!strstr(s, want))
		fail_msg("32 columns:\n%s", s);
	free(s);
	s = weighed_slip(48);
	if (!strstr(s, "  0,350 kg × 4 290,00/kg                1 501,50\n"))
		fail_msg("48 columns:\n%s", s);
	free(s);
}

static struct kp_config slip_config(void)
{
	struct kp_config cfg;
	config_init(&cfg);
	snprintf(cfg.till.id, sizeof cfg.till.id, "T01");
	cfg.printer.width = 32;
	i18n_init("ru");
	bindtextdomain("kaspi-pos", "/nonexistent");
	return cfg;
}

/* A refund slip says where the money went: in cash, to the card, through
 * Kaspi with the server's id; a return without a receipt names no order. */
static void a_refund_slip_says_where_the_money_went(void **state)
{
	(void)state;
	struct kp_config cfg = slip_config();
	struct journal_order o = {.method = JOURNAL_SPLIT};
	snprintf(o.merchant_order_id, sizeof o.merchant_order_id, "T01-20261126-000042");
	struct refund r = {.amount = 50000, .tender = JOURNAL_CASH, .created_at = NOON_20261126};
	snprintf(r.merchant_refund_id, sizeof r.merchant_refund_id, "T01-R-20261126-000001");
	snprintf(r.reason, sizeof r.reason, "Вернули");
	char *got = slip_refund(&cfg, &o, &r);
	assert_non_null(strstr(got, " REFUND "));
	assert_non_null(strstr(got, "Order        T01-20261126-000042\n"));
	assert_non_null(strstr(got, "RETURNED                  500,00\n"));
	assert_non_null(strstr(got, "In cash                         \n"));
	free(got);
	r.tender = JOURNAL_CARD;
	got = slip_refund(&cfg, &o, &r);
	assert_non_null(strstr(got, "To the card"));
	free(got);
	r.tender = JOURNAL_QR;
	snprintf(r.refund_id, sizeof r.refund_id, "ref_9");
	got = slip_refund(&cfg, &o, &r);
	assert_non_null(strstr(got, "Kaspi QR                   ref_9\n"));
	free(got);
	r.tender = JOURNAL_CASH;
	got = slip_refund(&cfg, NULL, &r);
	assert_non_null(strstr(got, "RETURN WITHOUT A RECEIPT"));
	assert_null(strstr(got, "Order"));
	free(got);
}

/* A name or reason holding the code mark prints a '?': only the slip's
 * own order id becomes a code. */
static void a_name_never_becomes_a_code(void **state)
{
	(void)state;
	struct kp_config cfg = slip_config();
	struct journal_order o = {.amount = 100, .method = JOURNAL_CASH, .state = JOURNAL_SUCCEEDED};
	snprintf(o.merchant_order_id, sizeof o.merchant_order_id, "T01-20261126-000042");
	struct journal_line l = {.quantity = 1, .unit_price = 100, .total = 100};
	/* 32 columns exactly: no padding would follow it */
	snprintf(l.name, sizeof l.name, ESCPOS_CODE_MARK "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	char *got = slip_sale(&cfg, &o, &l, 1, NULL, 0);
	assert_non_null(strstr(got, "?AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"));
	const char *mark = strstr(got, ESCPOS_CODE_MARK);
	assert_non_null(mark);
	assert_string_equal(mark, ESCPOS_CODE_MARK "T01-20261126-000042\n\n");
	free(got);
}

/* A URL mark in a name (a fiscal receipt's QR, core/escpos.h) prints as
 * '?' too: no name can put a QR of a web address on a slip. */
static void a_name_never_becomes_a_url_code(void **state)
{
	(void)state;
	struct kp_config cfg = slip_config();
	struct journal_order o = {.amount = 100, .method = JOURNAL_CASH, .state = JOURNAL_SUCCEEDED};
	snprintf(o.merchant_order_id, sizeof o.merchant_order_id, "T01-20261126-000042");
	struct journal_line l = {.quantity = 1, .unit_price = 100, .total = 100};
	snprintf(l.name, sizeof l.name, ESCPOS_URL_MARK "http://evil.kz");
	struct refund r = {.amount = 100, .tender = JOURNAL_CASH, .created_at = NOON_20261126};
	snprintf(r.reason, sizeof r.reason, ESCPOS_URL_MARK "http://evil.kz");
	char *got = slip_sale(&cfg, &o, &l, 1, NULL, 0);
	assert_non_null(strstr(got, "\n?http://evil.kz "));
	assert_null(strstr(got, ESCPOS_URL_MARK));
	free(got);
	got = slip_refund(&cfg, &o, &r);
	assert_non_null(strstr(got, "\n?http://evil.kz "));
	assert_null(strstr(got, ESCPOS_URL_MARK));
	free(got);
}

/* Every slip, of a sale, a refund or a return without a receipt, says
 * under its title that it is no fiscal receipt, in Kazakh and Russian,
 * whatever the cashier's language, at each width. */
static void every_slip_says_it_is_not_fiscal(void **state)
{
	(void)state;
	static const int widths[] = {32, 42, 48};
	for (size_t i = 0; i < 3; i++) {
		char *got = sale_slip(widths[i], i == 1 ? "kk" : "ru");
		assert_non_null(strstr(got, SLIP_NOT_FISCAL_KK));
		assert_non_null(strstr(got, SLIP_NOT_FISCAL_RU));
		free(got);
		struct kp_config cfg = slip_config();
		cfg.printer.width = widths[i];
		struct refund r = {.amount = 100, .tender = JOURNAL_CASH, .created_at = NOON_20261126};
		snprintf(r.reason, sizeof r.reason, "Брак");
		got = slip_refund(&cfg, NULL, &r);
		assert_non_null(strstr(got, SLIP_NOT_FISCAL_KK));
		assert_non_null(strstr(got, SLIP_NOT_FISCAL_RU));
		/* on one line when it fits */
		assert_true((strstr(got, SLIP_NOT_FISCAL_KK " / " SLIP_NOT_FISCAL_RU) != NULL) ==
		            (widths[i] > 32));
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_weighed_line_prints_its_weight_and_price_per_kg),
		cmocka_unit_test(a_discounted_line_adds_up_at_32_columns),
		cmocka_unit_test(a_discounted_line_adds_up_at_42_columns),
		cmocka_unit_test(a_discounted_line_adds_up_at_48_columns),
		cmocka_unit_test(a_kazakh_slip_prints_the_kazakh_names),
		cmocka_unit_test(a_refund_slip_says_where_the_money_went),
		cmocka_unit_test(a_name_never_becomes_a_code),
		cmocka_unit_test(a_name_never_becomes_a_url_code),
		cmocka_unit_test(every_slip_says_it_is_not_fiscal),
	};
	return cmocka_run_group_tests_name("slip", tests, NULL, NULL);
}
