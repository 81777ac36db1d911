/* test_kassa_check.c — kassa-sandbox's rules of a body that need no stored
 * state (FISCAL.md, POST /api/v4/check, MoneyOperation, PrintFormat): a
 * good sale reads with its totals, each broken rule is an error 9 whose
 * text names the field, the first broken field in reading order is the
 * one named, the VAT is checked to the tiyn, the payments against the
 * total, the change against the cash; the ExternalCheckNumber is kept
 * even when a later rule fails (14 answers before 9). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sandbox/kassa/check.h"
#include "sandbox/kassa/routes.h"

/* The sample of FISCAL.md with one position replaced or extended. */
#define LINE_SAMPLE                                                                            \
	"{\"Count\": 2, \"Price\": 549.9, \"TaxPercent\": 16, \"Tax\": 151.7, \"TaxType\": 100,"  \
	"\"PositionName\": \"Молоко 2,5% 1 л\", \"PositionCode\": \"GR-0001\", \"Discount\": 0,"  \
	"\"Markup\": 0, \"SectionCode\": \"1\", \"UnitCode\": 796, \"PositionType\": 0,"          \
	"\"GTIN\": \"4870000001002\"}"
#define PAY_SAMPLE "[{\"Sum\": 600, \"PaymentType\": 0}, {\"Sum\": 500, \"PaymentType\": 4}]"

static char body[8192];

/* A sale body with positions, payments and change, plus extra fields. */
static const char *sale(const char *positions, const char *payments, const char *change,
                        const char *extra)
{
	snprintf(body, sizeof body,
	         "{\"Token\": \"t\", \"CashboxUniqueNumber\": \"SWK00000001\", \"OperationType\": 2,"
	         " \"Positions\": %s, \"Payments\": %s, \"Change\": %s, \"RoundType\": 2,"
	         " \"ExternalCheckNumber\": \"6f1c2c9e-4a57-4e0e-9a8b-0a4f1d2b3c4d\","
	         " \"ExternalOrderNumber\": \"T01-20261203-000042\"%s%s}",
	         positions, payments, change, extra && *extra ? ", " : "", extra ? extra : "");
	return body;
}

/* Reads text as a check body; the reader's verdict in *rd. */
static void read_check(const char *text, struct check_doc *doc, struct reader *rd)
{
	reader_init(rd, false);
	cJSON *root = kassa_body(text, strlen(text), rd);
	assert_non_null(root);
	check_read(root, doc, rd);
	/* the strings point into root: the tests only look at numbers after this */
	doc->ecn = doc->ecn ? "kept" : NULL;
	doc->order_number = NULL;
	cJSON_Delete(root);
}

/* Asserts text is refused with a message that contains want. */
static void refused(const char *text, const char *want)
{
	struct check_doc doc;
	struct reader rd;
	read_check(text, &doc, &rd);
	if (!rd.failed || !strstr(rd.why, want))
		fail_msg("want a failure naming \"%s\", got %s \"%s\"", want, rd.failed ? "" : "none",
		         rd.why);
	check_doc_free(&doc);
}

static void the_sample_sale_reads_with_its_totals(void **state)
{
	struct check_doc doc;
	struct reader rd;
	(void)state;
	read_check(sale("[" LINE_SAMPLE "]", PAY_SAMPLE, "0.2", NULL), &doc, &rd);
	assert_false(rd.failed);
	assert_int_equal(doc.op, CHECK_SALE);
	assert_int_equal(doc.nlines, 1);
	assert_int_equal(doc.lines[0].count, 2000);
	assert_int_equal(doc.lines[0].price, 54990);
	assert_int_equal(doc.lines[0].cost, 109980);
	assert_int_equal(doc.lines[0].tax, 15170);
	assert_int_equal(doc.total, 109980);
	assert_int_equal(doc.vat, 15170);
	assert_int_equal(doc.npay, 2);
	assert_int_equal(doc.pay[0].type, PAY_CASH);
	assert_int_equal(doc.pay[0].sum, 60000);
	assert_int_equal(doc.pay[1].type, PAY_MOBILE);
	assert_int_equal(doc.change, 20);
	assert_int_equal(check_cash(doc.pay, doc.npay), 60000);
	check_doc_free(&doc);
}

static void a_weighed_line_is_rounded_to_the_tiyn(void **state)
{
	struct check_doc doc;
	struct reader rd;
	(void)state;
	/* 0.333 kg at 549.90 costs 183.12; its VAT at 16% is 25.26 (25.2579) */
	read_check(sale("[{\"Count\": 0.333, \"Price\": 549.90, \"TaxPercent\": 16, \"Tax\": 25.26,"
	                " \"TaxType\": 100, \"PositionName\": \"Сыр\", \"UnitCode\": 166,"
	                " \"PositionType\": 0}]",
	                "[{\"Sum\": 183.12, \"PaymentType\": 1}]", "0", NULL),
	           &doc, &rd);
	assert_false(rd.failed);
	assert_int_equal(doc.lines[0].cost, 18312);
	assert_int_equal(doc.total, 18312);
	check_doc_free(&doc);
}

static void discount_and_markup_change_the_cost_and_its_vat(void **state)
{
	struct check_doc doc;
	struct reader rd;
	(void)state;
	/* 1099.80 − 99.80 + 10 = 1010.00; VAT 16/116 of it = 139.31 (139.3103) */
	read_check(sale("[{\"Count\": 2, \"Price\": 549.9, \"TaxPercent\": 16, \"Tax\": 139.31,"
	                " \"TaxType\": 100, \"PositionName\": \"x\", \"UnitCode\": 796, \"PositionType\": 0,"
	                " \"Discount\": 99.8, \"Markup\": 10}]",
	                "[{\"Sum\": 1010, \"PaymentType\": 0}]", "0", NULL),
	           &doc, &rd);
	assert_false(rd.failed);
	assert_int_equal(doc.total, 101000);
	assert_int_equal(doc.discount, 9980);
	assert_int_equal(doc.markup, 1000);
	check_doc_free(&doc);
}

static void a_tax_one_tiyn_off_is_refused(void **state)
{
	(void)state;
	refused(sale("[{\"Count\": 2, \"Price\": 549.9, \"TaxPercent\": 16, \"Tax\": 151.69, \"TaxType\": 100,"
	             " \"PositionName\": \"x\", \"UnitCode\": 796, \"PositionType\": 0}]",
	             PAY_SAMPLE, "0.2", NULL),
	        "Positions[0].Tax is 151.69; the VAT in 1099.80 at 16% is 151.70");
	refused(sale("[{\"Count\": 2, \"Price\": 549.9, \"TaxPercent\": 16, \"Tax\": 151.71, \"TaxType\": 100,"
	             " \"PositionName\": \"x\", \"UnitCode\": 796, \"PositionType\": 0}]",
	             PAY_SAMPLE, "0.2", NULL),
	        "Positions[0].Tax");
}

static void no_vat_lines_carry_no_tax(void **state)
{
	struct check_doc doc;
	struct reader rd;
	(void)state;
	read_check(sale("[{\"Count\": 1, \"Price\": 100, \"TaxPercent\": 0, \"Tax\": 0, \"TaxType\": 0,"
	                " \"PositionName\": \"x\", \"UnitCode\": 796, \"PositionType\": 2}]",
	                "[{\"Sum\": 100, \"PaymentType\": 1}]", "0", NULL),
	           &doc, &rd);
	assert_false(rd.failed);
	check_doc_free(&doc);
	refused(sale("[{\"Count\": 1, \"Price\": 100, \"TaxPercent\": 16, \"Tax\": 13.79, \"TaxType\": 0,"
	             " \"PositionName\": \"x\", \"UnitCode\": 796, \"PositionType\": 0}]",
	             "[{\"Sum\": 100, \"PaymentType\": 1}]", "0", NULL),
	        "TaxPercent must be 0 with TaxType 0");
	refused(sale("[{\"Count\": 1, \"Price\": 100, \"TaxPercent\": 0, \"Tax\": 1, \"TaxType\": 100,"
	             " \"PositionName\": \"x\", \"UnitCode\": 796, \"PositionType\": 0}]",
	             "[{\"Sum\": 100, \"PaymentType\": 1}]", "0", NULL),
	        "the VAT in 100.00 at 0% is 0.00");
}

static void payments_less_change_must_equal_the_total(void **state)
{
	(void)state;
	refused(sale("[" LINE_SAMPLE "]", PAY_SAMPLE, "0.1", NULL),
	        "Payments 1100.00 less Change 0.10 is 1099.90; the positions add up to 1099.80");
	refused(sale("[" LINE_SAMPLE "]", "[{\"Sum\": 1099.8, \"PaymentType\": 1}]", "0.01", NULL),
	        "Change 0.01 is more than the cash payment 0.00");
	refused(sale("[" LINE_SAMPLE "]", "[{\"Sum\": 1, \"PaymentType\": 0}, {\"Sum\": 1099.8, \"PaymentType\": 1}]",
	             "1.01", NULL),
	        "Change 1.01 is more than the cash payment 1.00");
}

static void each_payment_type_once_and_each_sum_positive(void **state)
{
	(void)state;
	refused(sale("[" LINE_SAMPLE "]", "[{\"Sum\": 600, \"PaymentType\": 0}, {\"Sum\": 499.8, \"PaymentType\": 0}]",
	             "0", NULL),
	        "Payments[1].PaymentType 0 is there twice");
	refused(sale("[" LINE_SAMPLE "]", "[{\"Sum\": 0, \"PaymentType\": 1}]", "0", NULL),
	        "Payments[0].Sum must be more than 0");
	refused(sale("[" LINE_SAMPLE "]", "[{\"Sum\": 1099.8, \"PaymentType\": 2}]", "0", NULL),
	        "Payments[0].PaymentType must be 0, 1 or 4, not 2");
	refused(sale("[" LINE_SAMPLE "]", "{}", "0", NULL), "Payments must be an array");
	refused(sale("[" LINE_SAMPLE "]", "[1]", "0", NULL), "Payments[0] must be an object");
}

static void more_decimals_than_the_contract_allows_are_refused(void **state)
{
	(void)state;
	refused(sale("[{\"Count\": 2, \"Price\": 549.899, \"TaxPercent\": 16, \"Tax\": 151.7, \"TaxType\": 100,"
	             " \"PositionName\": \"x\", \"UnitCode\": 796, \"PositionType\": 0}]",
	             PAY_SAMPLE, "0.2", NULL),
	        "Positions[0].Price has more than 2 decimals");
	refused(sale("[{\"Count\": 0.3335, \"Price\": 1, \"TaxPercent\": 0, \"Tax\": 0, \"TaxType\": 0,"
	             " \"PositionName\": \"x\", \"UnitCode\": 166, \"PositionType\": 0}]",
	             PAY_SAMPLE, "0.2", NULL),
	        "Positions[0].Count has more than 3 decimals");
	refused(sale("[" LINE_SAMPLE "]", PAY_SAMPLE, "0.19999999999999999", NULL),
	        "Change has more than 2 decimals");
}

static void a_line_needs_each_field_in_its_range(void **state)
{
	(void)state;
	const char *tail = ", \"PositionName\": \"x\", \"UnitCode\": 796, \"PositionType\": 0}]";
	char p[512];
	snprintf(p, sizeof p, "[{\"Count\": 0, \"Price\": 1, \"TaxPercent\": 0, \"Tax\": 0, \"TaxType\": 0%s", tail);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].Count must be more than 0");
	snprintf(p, sizeof p, "[{\"Count\": 1, \"Price\": -1, \"TaxPercent\": 0, \"Tax\": 0, \"TaxType\": 0%s", tail);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].Price must be at least 0");
	snprintf(p, sizeof p, "[{\"Count\": 1, \"Price\": \"1\", \"TaxPercent\": 0, \"Tax\": 0, \"TaxType\": 0%s", tail);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].Price must be a number");
	snprintf(p, sizeof p, "[{\"Count\": 1, \"Price\": 1, \"TaxPercent\": 0, \"Tax\": 0, \"TaxType\": 50%s", tail);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].TaxType must be 0 or 100, not 50");
	snprintf(p, sizeof p, "[{\"Count\": 1, \"Price\": 1, \"TaxPercent\": 12.5, \"Tax\": 0, \"TaxType\": 100%s", tail);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].TaxPercent must be a whole number");
	snprintf(p, sizeof p, "[{\"Count\": 1, \"Price\": 1, \"Tax\": 0, \"TaxType\": 100%s", tail);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].TaxPercent is required");
	snprintf(p, sizeof p, "[{\"Count\": 1, \"Price\": 1, \"TaxPercent\": 0, \"Tax\": 0, \"TaxType\": 0,"
	         " \"Discount\": 2, \"PositionName\": \"x\", \"UnitCode\": 796, \"PositionType\": 0}]");
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].Discount 2.00 is more than the line's 1.00");
	snprintf(p, sizeof p, "[{\"Count\": 1000000, \"Price\": 1000000000, \"TaxPercent\": 0, \"Tax\": 0, \"TaxType\": 0%s", tail);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].Count x Price is too large");
	refused(sale("[]", PAY_SAMPLE, "0", NULL), "Positions must hold 1-1000 positions, not 0");
	refused(sale("[7]", PAY_SAMPLE, "0", NULL), "Positions[0] must be an object");
}

static void names_units_and_kinds_come_from_their_references(void **state)
{
	(void)state;
	const char *head = "[{\"Count\": 1, \"Price\": 1, \"TaxPercent\": 0, \"Tax\": 0, \"TaxType\": 0, ";
	char p[1024], name[200];
	snprintf(p, sizeof p, "%s\"PositionName\": \"\", \"UnitCode\": 796, \"PositionType\": 0}]", head);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].PositionName must be 1-128 characters");
	memset(name, 'a', 129);
	name[129] = '\0';
	snprintf(p, sizeof p, "%s\"PositionName\": \"%s\", \"UnitCode\": 796, \"PositionType\": 0}]", head, name);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].PositionName must be 1-128 characters");
	snprintf(p, sizeof p, "%s\"PositionName\": \"a\\u001bb\", \"UnitCode\": 796, \"PositionType\": 0}]", head);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].PositionName is not valid UTF-8 or holds a control character");
	snprintf(p, sizeof p, "%s\"PositionName\": \"a\", \"UnitCode\": 797, \"PositionType\": 0}]", head);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].UnitCode must be 796, 166, 112 or 6, not 797");
	snprintf(p, sizeof p, "%s\"PositionName\": \"a\", \"UnitCode\": \"796\", \"PositionType\": 0}]", head);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].UnitCode must be a number");
	snprintf(p, sizeof p, "%s\"PositionName\": \"a\", \"UnitCode\": 796}]", head);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].PositionType is required");
	snprintf(p, sizeof p, "%s\"PositionName\": \"a\", \"UnitCode\": 796, \"PositionType\": 3}]", head);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].PositionType must be 0, 1 or 2, not 3");
	snprintf(p, sizeof p, "%s\"PositionName\": \"a\", \"UnitCode\": 796, \"PositionType\": 0, \"GTIN\": \"48700A\"}]", head);
	refused(sale(p, PAY_SAMPLE, "0", NULL), "Positions[0].GTIN must be digits only");
}

static void the_operation_is_a_sale_or_a_return(void **state)
{
	(void)state;
	char text[8192];
	snprintf(text, sizeof text, "%s", sale("[" LINE_SAMPLE "]", PAY_SAMPLE, "0.2", NULL));
	char *op = strstr(text, "\"OperationType\": 2");
	assert_non_null(op);
	op[17] = '0';
	refused(text, "OperationType 0 is a purchase");
	op[17] = '1';
	refused(text, "OperationType 1 is a purchase");
	op[17] = '5';
	refused(text, "OperationType must be 2 or 3, not 5");
	snprintf(text, sizeof text, "%s", sale("[" LINE_SAMPLE "]", PAY_SAMPLE, "0.2", NULL));
	strstr(text, "\"RoundType\": 2")[13] = '1';
	refused(text, "RoundType must be 2, not 1");
}

static void a_return_needs_its_basis_and_a_sale_has_none(void **state)
{
	char text[8192];
	(void)state;
	snprintf(text, sizeof text, "%s", sale("[" LINE_SAMPLE "]", PAY_SAMPLE, "0.2", NULL));
	strstr(text, "\"OperationType\": 2")[17] = '3';
	refused(text, "ReturnBasisDetails is required");
	refused(sale("[" LINE_SAMPLE "]", PAY_SAMPLE, "0.2",
	             "\"ReturnBasisDetails\": {\"CheckNumber\": \"1\", \"DateTime\": \"2026-12-03T09:50:37Z\","
	             " \"RegistrationNumber\": \"032600010282\", \"Total\": 1099.8, \"IsOffline\": false}"),
	        "ReturnBasisDetails belongs to a return");

	snprintf(text, sizeof text, "%s",
	         sale("[" LINE_SAMPLE "]", PAY_SAMPLE, "0.2",
	              "\"ReturnBasisDetails\": {\"CheckNumber\": \"367645207\", \"DateTime\": \"2026-12-03T09:50:37Z\","
	              " \"RegistrationNumber\": \"032600010282\", \"Total\": 1099.8, \"IsOffline\": false}"));
	strstr(text, "\"OperationType\": 2")[17] = '3';
	struct check_doc doc;
	struct reader rd;
	read_check(text, &doc, &rd);
	assert_false(rd.failed);
	assert_true(doc.has_basis);
	assert_int_equal(doc.op, CHECK_RETURN);
	assert_int_equal(doc.basis.total, 109980);
	assert_int_equal(doc.basis.at, 1796291437); /* 2026-12-03T09:50:37Z */
	assert_false(doc.basis.offline);
	check_doc_free(&doc);

	char *when = strstr(text, "2026-12-03T09:50:37Z");
	memcpy(when, "03.12.2026 09:50:37Z", 20);
	refused(text, "ReturnBasisDetails.DateTime must be an RFC 3339 time");
	memcpy(when, "2026-12-03T09:50:37Z", 20);
	char *off = strstr(text, "false}");
	memcpy(off, "0    }", 6);
	refused(text, "ReturnBasisDetails.IsOffline must be true or false");
}

static void the_external_check_number_is_kept_whatever_fails_after_it(void **state)
{
	struct check_doc doc;
	struct reader rd;
	(void)state;
	read_check(sale("[" LINE_SAMPLE "]", PAY_SAMPLE, "0.1", NULL), &doc, &rd);
	assert_true(rd.failed);
	assert_non_null(doc.ecn);
	check_doc_free(&doc);
	refused("{\"OperationType\": 2}", "ExternalCheckNumber is required");
	refused("{\"ExternalCheckNumber\": \"a b\"}", "ExternalCheckNumber must be 1-64 printable ASCII characters");
	refused("{\"ExternalCheckNumber\": 7}", "ExternalCheckNumber must be a string");
}

static void the_first_broken_field_is_the_one_named(void **state)
{
	(void)state;
	/* Price and then Tax are both wrong: Price is read first */
	refused(sale("[{\"Count\": 2, \"Price\": 1.001, \"TaxPercent\": 16, \"Tax\": 1.001, \"TaxType\": 100,"
	             " \"PositionName\": \"x\", \"UnitCode\": 796, \"PositionType\": 0}]",
	             PAY_SAMPLE, "0.2", NULL),
	        "Positions[0].Price");
	/* the second line is broken, the first is fine */
	refused(sale("[" LINE_SAMPLE ", {\"Count\": 1}]", PAY_SAMPLE, "0.2", NULL),
	        "Positions[1].Price is required");
}

static void a_money_operation_takes_either_case(void **state)
{
	struct money_doc doc;
	struct reader rd;
	(void)state;
	const char *text = "{\"token\": \"t\", \"cashboxUniqueNumber\": \"SWK1\", \"operationType\": 1,"
	                   " \"sum\": 5000.5, \"externalCheckNumber\": \"m-1\"}";
	reader_init(&rd, true);
	cJSON *root = kassa_body(text, strlen(text), &rd);
	assert_non_null(root);
	assert_string_equal(reader_string(&rd, root, "Token"), "t");
	assert_string_equal(reader_string(&rd, root, "CashboxUniqueNumber"), "SWK1");
	money_read(root, &doc, &rd);
	assert_false(rd.failed);
	assert_int_equal(doc.op, MONEY_OUT);
	assert_int_equal(doc.sum, 500050);
	assert_string_equal(doc.ecn, "m-1");
	cJSON_Delete(root);

	const char *bad = "{\"OperationType\": 2, \"Sum\": 0, \"ExternalCheckNumber\": \"m-2\"}";
	reader_init(&rd, true);
	root = kassa_body(bad, strlen(bad), &rd);
	money_read(root, &doc, &rd);
	assert_true(rd.failed);
	assert_string_equal(rd.why, "OperationType must be 0 or 1, not 2");
	assert_string_equal(doc.ecn, "m-2");
	cJSON_Delete(root);
}

static void print_format_takes_80_or_58_mm(void **state)
{
	struct print_doc doc;
	struct reader rd;
	(void)state;
	const char *cases[] = {"{\"ExternalCheckNumber\": \"e\"}", "{\"ExternalCheckNumber\": \"e\", \"PaperKind\": 3}",
	                       "{\"ExternalCheckNumber\": \"e\", \"PaperKind\": 1}"};
	int want[] = {PAPER_80, PAPER_58, -1};
	for (int i = 0; i < 3; i++) {
		reader_init(&rd, false);
		cJSON *root = kassa_body(cases[i], strlen(cases[i]), &rd);
		print_read(root, &doc, &rd);
		if (want[i] < 0) {
			assert_true(rd.failed);
			assert_string_equal(rd.why, "PaperKind must be 0 or 3, not 1");
		} else {
			assert_false(rd.failed);
			assert_int_equal(doc.paper, want[i]);
		}
		cJSON_Delete(root);
	}
}

static void a_body_that_is_no_object_is_refused_at_once(void **state)
{
	struct reader rd;
	(void)state;
	const char *bad[] = {"", "[]", "{\"a\":", "{\"a\": 1}}", "nul"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		reader_init(&rd, false);
		assert_null(kassa_body(bad[i], strlen(bad[i]), &rd));
		assert_true(rd.failed);
	}
	assert_string_equal(rd.why, "the body is not a JSON object");
	reader_init(&rd, false);
	assert_null(kassa_body("", 0, &rd));
	assert_string_equal(rd.why, "the body is empty; a JSON object is needed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_sample_sale_reads_with_its_totals),
		cmocka_unit_test(a_weighed_line_is_rounded_to_the_tiyn),
		cmocka_unit_test(discount_and_markup_change_the_cost_and_its_vat),
		cmocka_unit_test(a_tax_one_tiyn_off_is_refused),
		cmocka_unit_test(no_vat_lines_carry_no_tax),
		cmocka_unit_test(payments_less_change_must_equal_the_total),
		cmocka_unit_test(each_payment_type_once_and_each_sum_positive),
		cmocka_unit_test(more_decimals_than_the_contract_allows_are_refused),
		cmocka_unit_test(a_line_needs_each_field_in_its_range),
		cmocka_unit_test(names_units_and_kinds_come_from_their_references),
		cmocka_unit_test(the_operation_is_a_sale_or_a_return),
		cmocka_unit_test(a_return_needs_its_basis_and_a_sale_has_none),
		cmocka_unit_test(the_external_check_number_is_kept_whatever_fails_after_it),
		cmocka_unit_test(the_first_broken_field_is_the_one_named),
		cmocka_unit_test(a_money_operation_takes_either_case),
		cmocka_unit_test(print_format_takes_80_or_58_mm),
		cmocka_unit_test(a_body_that_is_no_object_is_refused_at_once),
	};
	return cmocka_run_group_tests_name("kassa check", tests, NULL, NULL);
}
