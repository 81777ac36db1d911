/* test_webkassa.c — the fiscal register's client (net/webkassa.h) against
 * FISCAL.md: the exact money text both ways, each line's cost and VAT
 * (FISCAL.md's own examples), the rules a receipt is checked by before it
 * leaves, the exact bytes of a body, the strict parsers; then against a
 * real kassa-sandbox (started per test on a free loopback port, the
 * binary $KP_KASSA or build/kassa-sandbox): every call, every error code
 * the till acts on, the token's expiry, the 24 h and 72 h rules through
 * the sandbox's clock, the fault flags with a receipt sent again until it
 * is settled (never two receipts: GET /sandbox/checks counts them), and a
 * --debug trace that holds none of the secrets. And a raw responder for
 * the exact bytes on the wire and a TLS handshake that fails. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "app/i18n.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/validate.h"
#include "net/http.h"
#include "net/webkassa.h"
#include "../support/raw_server.h"
#include "../support/sandbox_proc.h"

#define KEY "WKD-7d1f3a90-5b2e-4c8a-9e61-0f4b2d8c7a35"
#define LOGIN "kassir.test@kaspi-pos.kz"
#define PASSWORD "Pa55-w0rd-of-the-test"
#define ZNK "SWK00099001"
#define RN "032600010282"     /* kassa-sandbox's registration number */
#define READY_MS 5000

/* ---- pure: money and quantities ------------------------------------------ */

static const char *money(int64_t tiyn)
{
	static char buf[4][32];
	static int k;
	char *b = buf[k++ % 4];
	wk_money_text(tiyn, b, sizeof buf[0]);
	return b;
}

static void money_text_is_tenge_with_at_most_two_decimals(void **state)
{
	(void)state;
	assert_string_equal(money(0), "0");
	assert_string_equal(money(50000), "500");
	assert_string_equal(money(54990), "549.9");
	assert_string_equal(money(5357), "53.57");
	assert_string_equal(money(1), "0.01");
	assert_string_equal(money(10), "0.1");
	assert_string_equal(money(-20), "-0.2");
	assert_string_equal(money(-100000), "-1000");
	assert_string_equal(money(INT64_MAX), "92233720368547758.07");
	assert_string_equal(money(INT64_MIN), "-92233720368547758.08");
	char small[4];
	assert_int_equal(wk_money_text(54990, small, sizeof small), 5); /* as snprintf: what it needs */
	assert_string_equal(small, "549");
}

static void count_text_is_units_with_at_most_three_decimals(void **state)
{
	(void)state;
	char b[32];
	const struct {
		int64_t v;
		const char *text;
	} cases[] = { { 2000, "2" }, { 350, "0.35" }, { 333, "0.333" }, { 1, "0.001" },
	              { 1500, "1.5" }, { 1000000000, "1000000" } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(wk_count_text(cases[i].v, b, sizeof b), strlen(cases[i].text));
		assert_string_equal(b, cases[i].text);
	}
}

static void money_read_takes_exact_tenge_only(void **state)
{
	(void)state;
	const struct {
		const char *text;
		int64_t tiyn;
	} good[] = { { "500", 50000 }, { "549.9", 54990 }, { "53.57", 5357 }, { "-0.2", -20 },
	             { "0", 0 }, { "0.10", 10 }, { "1.500", 150 }, { "-0", 0 },
	             { "92233720368547758.07", INT64_MAX } };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int64_t t = -1;
		assert_true(wk_money_read(good[i].text, strlen(good[i].text), &t));
		assert_int_equal(t, good[i].tiyn);
	}
	const char *bad[] = { "1.005", "549.89999999999998", "1e2", "5E2", "01", "1.", ".5", "+1",
	                      "-", "", " 1", "1 ", "0x10", "92233720368547758.08", "1,5", "NaN",
	                      "99999999999999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t t = 77;
		assert_false(wk_money_read(bad[i], strlen(bad[i]), &t));
		assert_int_equal(t, 77);
	}
	int64_t t;
	assert_true(wk_money_read("12.3456", 4, &t)); /* only len bytes count: "12.3" */
	assert_int_equal(t, 1230);
}

/* A piece of goods at price, count thousandths, VAT rate (-1: none). */
static wk_position line(const char *name, int64_t count, int64_t price, int rate)
{
	return (wk_position){ .name = name, .count = count, .price = price,
	                      .tax_percent = rate < 0 ? 0 : rate, .vat = rate >= 0,
	                      .unit_code = WK_UNIT_PIECE };
}

static void cost_is_count_times_price_rounded_half_up(void **state)
{
	(void)state;
	wk_position p = line("Сыр", 333, 54990, 12);
	assert_int_equal(wk_position_cost(&p), 18312);   /* FISCAL.md: 0.333 kg at 549.90 is 183.12 */
	p = line("Молоко", 2000, 54990, 16);
	assert_int_equal(wk_position_cost(&p), 109980);
	p = line("x", 500, 1, 0);                         /* half a tiyn goes up */
	assert_int_equal(wk_position_cost(&p), 1);
	p = line("x", 499, 1, 0);
	assert_int_equal(wk_position_cost(&p), 0);
	p = line("x", 1500, 333, 0);                      /* 4.995 → 5.00 */
	assert_int_equal(wk_position_cost(&p), 500);
	p = line("x", 2000, 54990, 16);
	p.discount = 980;
	assert_int_equal(wk_position_cost(&p), 109000);
	p = line("x", 1000000000, INT64_C(100000000000000), 0);  /* overflow: no cost */
	assert_true(wk_position_cost(&p) < 0);
}

static void tax_is_the_vat_inside_the_cost_rounded_half_up(void **state)
{
	(void)state;
	wk_position p = line("Молоко", 2000, 54990, 16);
	assert_int_equal(wk_position_tax(&p), 15170);    /* FISCAL.md's sample: Tax 151.7 */
	p = line("x", 1000, 3, 20);                       /* 3 × 20/120 = 0.5 tiyn → 1 */
	assert_int_equal(wk_position_tax(&p), 1);
	p = line("x", 1000, 109980, 12);                  /* 117.835… → 117.84 */
	assert_int_equal(wk_position_tax(&p), 11784);
	p = line("x", 333, 54990, 12);                    /* of the rounded cost 183.12: 19.62 */
	assert_int_equal(wk_position_tax(&p), 1962);
	p = line("x", 1000, 10000, 0);                    /* VAT at 0 % */
	assert_int_equal(wk_position_tax(&p), 0);
	p = line("x", 1000, 10000, -1);                   /* no VAT */
	assert_int_equal(wk_position_tax(&p), 0);
	p = line("x", 1000, 11600, 16);
	p.discount = 11600;                               /* a line given away: no VAT */
	assert_int_equal(wk_position_tax(&p), 0);
}

/* ---- pure: request bodies ------------------------------------------------ */

static wk_position sample_lines[3];
static wk_payment sample_pay[2];

/* FISCAL.md's kind of receipt: 2 × milk at 549.90 (16 %), 0.333 kg of
 * cheese at 549.90 (12 %, by weight), bread without VAT at 180; paid
 * 1000 in cash and 500 by Kaspi, change 37.08. Total 1462.92. */
static wk_check_req sample_sale(const char *ecn)
{
	sample_lines[0] = line("Молоко 2,5% 1 л", 2000, 54990, 16);
	sample_lines[0].code = "GR-0001";
	sample_lines[0].gtin = "4870000001002";
	sample_lines[1] = line("Сыр \"Российский\"", 333, 54990, 12);
	sample_lines[1].unit_code = WK_UNIT_KG;
	sample_lines[2] = line("Хлеб", 1000, 18000, -1);
	sample_pay[0] = (wk_payment){ WK_PAY_CASH, 100000 };
	sample_pay[1] = (wk_payment){ WK_PAY_MOBILE, 50000 };
	return (wk_check_req){ .operation = WK_OP_SALE, .positions = sample_lines, .n_positions = 3,
	                       .payments = sample_pay, .n_payments = 2, .change = 3708,
	                       .external_check_number = ecn,
	                       .external_order_number = "T01-20261203-000042" };
}

static void check_body_is_written_exactly(void **state)
{
	(void)state;
	wk_check_req req = sample_sale("6f1c2c9e-4a57-4e0e-9a8b-0a4f1d2b3c4d");
	char *body;
	size_t len;
	wk_result r;
	assert_int_equal(wk_check_body(&req, &body, &len, &r), WK_OK);
	assert_int_equal(r.kind, WK_OK);
	assert_true(kp_msg_empty(&r.msg));
	assert_string_equal(body,
		"{\"OperationType\":2,\"Positions\":["
		"{\"Count\":2,\"Price\":549.9,\"TaxPercent\":16,\"Tax\":151.7,\"TaxType\":100,"
		"\"PositionName\":\"Молоко 2,5% 1 л\",\"PositionCode\":\"GR-0001\",\"Discount\":0,"
		"\"Markup\":0,\"UnitCode\":796,\"PositionType\":0,\"GTIN\":\"4870000001002\"},"
		"{\"Count\":0.333,\"Price\":549.9,\"TaxPercent\":12,\"Tax\":19.62,\"TaxType\":100,"
		"\"PositionName\":\"Сыр \\\"Российский\\\"\",\"Discount\":0,\"Markup\":0,"
		"\"UnitCode\":166,\"PositionType\":0},"
		"{\"Count\":1,\"Price\":180,\"TaxPercent\":0,\"Tax\":0,\"TaxType\":0,"
		"\"PositionName\":\"Хлеб\",\"Discount\":0,\"Markup\":0,\"UnitCode\":796,"
		"\"PositionType\":0}],"
		"\"Payments\":[{\"Sum\":1000,\"PaymentType\":0},{\"Sum\":500,\"PaymentType\":4}],"
		"\"Change\":37.08,\"RoundType\":2,"
		"\"ExternalCheckNumber\":\"6f1c2c9e-4a57-4e0e-9a8b-0a4f1d2b3c4d\","
		"\"ExternalOrderNumber\":\"T01-20261203-000042\"}");
	assert_int_equal(len, strlen(body));
	assert_null(strstr(body, "Token"));
	assert_null(strstr(body, "Cashbox"));
	free(body);
}

static void return_body_carries_its_basis(void **state)
{
	(void)state;
	wk_position l = line("Молоко", 1000, 54990, 16);
	wk_payment pay = { WK_PAY_CARD, 54990 };
	wk_return_basis b = { .check_number = "367645207", .date_time = 1796290237,
	                      .registration_number = RN, .total = 109980 };
	wk_check_req req = { .operation = WK_OP_RETURN, .positions = &l, .n_positions = 1,
	                     .payments = &pay, .n_payments = 1, .external_check_number = "r-1",
	                     .basis = &b };
	char *body;
	size_t len;
	wk_result r;
	assert_int_equal(wk_check_body(&req, &body, &len, &r), WK_OK);
	assert_non_null(strstr(body, "\"OperationType\":3,"));
	char when[KP_TIME_LEN];
	kp_time_format(b.date_time, when, sizeof when);
	char want[256];
	snprintf(want, sizeof want,
	         ",\"ReturnBasisDetails\":{\"CheckNumber\":\"367645207\",\"DateTime\":\"%s\","
	         "\"RegistrationNumber\":\"" RN "\",\"Total\":1099.8,\"IsOffline\":false}}",
	         when);
	assert_string_equal(body + len - strlen(want), want);
	free(body);
}

/* wk_check_body refuses req with WK_ERR_INVALID and the message id. */
static void refused_as(const wk_check_req *req, const char *msgid)
{
	char *body = (char *)"untouched";
	size_t len = 5;
	wk_result r;
	assert_int_equal(wk_check_body(req, &body, &len, &r), WK_ERR_INVALID);
	assert_int_equal(r.kind, WK_ERR_INVALID);
	assert_null(body);
	assert_int_equal(len, 0);
	assert_false(kp_msg_empty(&r.msg));
	if (strcmp(r.msg.id, msgid) != 0)
		fail_msg("refused with '%s', not '%s'", r.msg.id, msgid);
}

static void check_body_refuses_each_broken_rule(void **state)
{
	(void)state;
	char long_name[200];
	memset(long_name, 'a', 129);
	long_name[129] = '\0';
	wk_return_basis b = { .check_number = "1", .date_time = 1796290237,
	                      .registration_number = RN, .total = 146292 };
	wk_check_req q = sample_sale("e-1");
	q.change = 3707;
	refused_as(&q, "Payments less change must equal the receipt's total");
	q = sample_sale("e-1");
	sample_pay[0].sum = 3000;                         /* change 37.08 > cash 30 */
	sample_pay[1].sum = 147000;
	refused_as(&q, "Change must be 0 up to the cash paid");
	q = sample_sale("e-1");
	sample_pay[1].type = WK_PAY_CASH;
	refused_as(&q, "Payment %zu: each type may come once");
	q = sample_sale("e-1");
	sample_pay[1].type = 2;
	refused_as(&q, "Payment %zu: type must be cash, card or mobile");
	q = sample_sale("e-1");
	sample_pay[1].sum = 0;
	refused_as(&q, "Payment %zu: sum out of range");
	q = sample_sale("e-1");
	sample_lines[0].name = "";
	refused_as(&q, "Line %zu: name must be 1-128 characters of one line");
	q = sample_sale("e-1");
	sample_lines[0].name = long_name;
	refused_as(&q, "Line %zu: name must be 1-128 characters of one line");
	q = sample_sale("e-1");
	sample_lines[0].name = "two\nlines";
	refused_as(&q, "Line %zu: name must be 1-128 characters of one line");
	q = sample_sale("e-1");
	sample_lines[0].name = "\xff\xfe";
	refused_as(&q, "Line %zu: name must be 1-128 characters of one line");
	q = sample_sale("e-1");
	sample_lines[2].tax_percent = 12;                 /* no VAT, yet a rate */
	refused_as(&q, "Line %zu: a line without VAT has rate 0");
	q = sample_sale("e-1");
	sample_lines[0].tax_percent = 100;
	refused_as(&q, "Line %zu: VAT rate must be 0-99%%");
	q = sample_sale("e-1");
	sample_lines[0].unit_code = 1;
	refused_as(&q, "Line %zu: unknown unit");
	q = sample_sale("e-1");
	sample_lines[0].count = 0;
	refused_as(&q, "Line %zu: quantity must be 0,001 to 1 000 000");
	q = sample_sale("e-1");
	sample_lines[0].price = -1;
	refused_as(&q, "Line %zu: price out of range");
	q = sample_sale("e-1");
	sample_lines[0].discount = 109981;
	refused_as(&q, "Line %zu: discount must be 0 up to the line's cost");
	q = sample_sale("e-1");
	sample_lines[0].gtin = "48700A";
	refused_as(&q, "Line %zu: barcode must be 1-14 digits");
	q = sample_sale("e-1");
	q.n_positions = 0;
	refused_as(&q, "A receipt has 1 to 200 lines");
	q = sample_sale("e-1");
	q.n_positions = WK_POSITIONS_MAX + 1;
	refused_as(&q, "A receipt has 1 to 200 lines");
	q = sample_sale("has space");
	refused_as(&q, "Receipt id must be 1-47 printable characters without spaces");
	q = sample_sale(NULL);
	refused_as(&q, "Receipt id must be 1-47 printable characters without spaces");
	q = sample_sale("e-1");
	q.operation = 1;                                  /* a purchase */
	refused_as(&q, "A receipt is a sale or a return");
	q = sample_sale("e-1");
	q.operation = WK_OP_RETURN;
	refused_as(&q, "A return needs the receipt of its sale");
	q = sample_sale("e-1");
	q.basis = &b;
	refused_as(&q, "A sale has no receipt to return against");
	q = sample_sale("e-1");
	q.operation = WK_OP_RETURN;
	q.basis = &b;
	b.total = 146291;                                 /* the return is 0.01 more than the sale */
	refused_as(&q, "The return is more than the sale's total");
	b.total = 146292;
	b.check_number[0] = '\0';
	refused_as(&q, "The sale's receipt is incomplete: fiscal sign, registration number, "
	               "time and total");
	refused_as(NULL, "No receipt to register");
}

static void money_body_is_written_exactly(void **state)
{
	(void)state;
	char *body;
	size_t len;
	wk_result r;
	assert_int_equal(wk_money_body(WK_MONEY_OUT, 500050, "m-1", &body, &len, &r), WK_OK);
	assert_string_equal(body, "{\"OperationType\":1,\"Sum\":5000.5,\"ExternalCheckNumber\":\"m-1\"}");
	free(body);
	assert_int_equal(wk_money_body(WK_MONEY_IN, 0, "m-1", &body, &len, &r), WK_ERR_INVALID);
	assert_int_equal(wk_money_body((enum wk_money_op)2, 100, "m-1", &body, &len, &r),
	                 WK_ERR_INVALID);
	assert_int_equal(wk_money_body(WK_MONEY_IN, 100, "", &body, &len, &r), WK_ERR_INVALID);
	assert_null(body);
}

/* ---- pure: the parsers ---------------------------------------------------- */

#define SAMPLE_TICKET                                                                           \
	"{\"Data\":{\"CheckNumber\":\"367645207\",\"DateTime\":\"03.12.2026 14:50:37\","            \
	"\"DateTimeUTC\":\"03.12.2026 14:50:37 +05:00\",\"OfflineMode\":false,"                     \
	"\"CashboxOfflineMode\":false,\"Cashbox\":{\"UniqueNumber\":\"SWK00033717\","               \
	"\"RegistrationNumber\":\"032600010282\",\"IdentityNumber\":\"2363\","                      \
	"\"Address\":\"г. Алматы, ул. Абая, 10\",\"AddressKz\":\"Алматы қ., Абай к-сі, 10\","       \
	"\"Ofd\":{\"Name\":\"АО \\\"Казахтелеком\\\"\",\"NameKz\":\"\\\"Қазақтелеком\\\" АҚ\","     \
	"\"Host\":\"consumer.oofd.kz\",\"Code\":1}},\"Organization\":{\"TaxPayerName\":"             \
	"\"ТОО «Береке»\",\"TaxPayerIN\":\"123456789012\"},\"CheckOrderNumber\":28,"                \
	"\"ShiftNumber\":154,\"EmployeeName\":\"Айгерим\",\"TicketUrl\":"                           \
	"\"http://consumer.oofd.kz?i=367645207&f=032600010282&s=1099.80&t=20261203T145037\"}}"

static void ticket_parser_reads_fiscal_md_sample(void **state)
{
	(void)state;
	wk_ticket t;
	wk_result r;
	memset(&r, 0, sizeof r);
	assert_int_equal(wk_parse_ticket(SAMPLE_TICKET, strlen(SAMPLE_TICKET), &t, &r), WK_OK);
	assert_string_equal(t.check_number, "367645207");
	assert_string_equal(t.date_time, "03.12.2026 14:50:37");
	time_t want;
	assert_true(kp_time_parse("2026-12-03T09:50:37Z", &want));
	assert_int_equal(t.at, want);
	assert_false(t.offline);
	assert_string_equal(t.unique_number, "SWK00033717");
	assert_string_equal(t.registration_number, "032600010282");
	assert_string_equal(t.identity_number, "2363");
	assert_string_equal(t.address_kz, "Алматы қ., Абай к-сі, 10");
	assert_string_equal(t.ofd_name, "АО \"Казахтелеком\"");
	assert_string_equal(t.ofd_host, "consumer.oofd.kz");
	assert_string_equal(t.taxpayer_name, "ТОО «Береке»");
	assert_string_equal(t.taxpayer_in, "123456789012");
	assert_int_equal(t.check_order_number, 28);
	assert_int_equal(t.shift_number, 154);
	assert_string_equal(t.employee_name, "Айгерим");
	assert_string_equal(t.ticket_url,
	                    "http://consumer.oofd.kz?i=367645207&f=032600010282&s=1099.80&t=20261203T145037");
}

/* body (a printf format around SAMPLE_TICKET's pieces) parses to kind. */
static wk_kind ticket_kind(const char *body, wk_result *r)
{
	wk_ticket t;
	memset(r, 0, sizeof *r);
	wk_kind k = wk_parse_ticket(body, strlen(body), &t, r);
	assert_int_equal(k, r->kind);
	if (k != WK_OK) {
		assert_false(kp_msg_empty(&r->msg));
		assert_string_equal(t.check_number, "");    /* nothing half-filled */
	}
	return k;
}

/* SAMPLE_TICKET with `from` replaced by `to`. */
static const char *spoilt(const char *from, const char *to)
{
	static char buf[4096];
	const char *at = strstr(SAMPLE_TICKET, from);
	assert_non_null(at);
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - SAMPLE_TICKET), SAMPLE_TICKET, to,
	         at + strlen(from));
	return buf;
}

static void ticket_parser_is_strict(void **state)
{
	(void)state;
	wk_result r;
	assert_int_equal(ticket_kind(spoilt("\"CheckNumber\":\"367645207\",", ""), &r),
	                 WK_ERR_BAD_BODY);
	assert_string_equal(r.msg.id, "Unreadable answer from the fiscal register (%s missing)");
	assert_string_equal(r.msg.arg[0], "CheckNumber");
	assert_int_equal(ticket_kind(spoilt("\"RegistrationNumber\":\"032600010282\"",
	                                    "\"RegistrationNumber\":32600010282"), &r),
	                 WK_ERR_BAD_BODY);
	assert_string_equal(r.msg.arg[0], "Cashbox.RegistrationNumber");
	assert_int_equal(ticket_kind(spoilt("\"ShiftNumber\":154", "\"ShiftNumber\":154.5"), &r),
	                 WK_ERR_BAD_BODY);
	assert_int_equal(ticket_kind(spoilt("\"ShiftNumber\":154", "\"ShiftNumber\":1e2"), &r),
	                 WK_ERR_BAD_BODY);
	assert_int_equal(ticket_kind(spoilt("\"OfflineMode\":false", "\"OfflineMode\":0"), &r),
	                 WK_ERR_BAD_BODY);
	assert_int_equal(ticket_kind(spoilt("\"TicketUrl\":\"http", "\"TicketUrl\":\"\\u001b[2Jhttp"),
	                             &r), WK_ERR_BAD_BODY);
	assert_int_equal(ticket_kind(spoilt("\"TicketUrl\":\"http", "\"TicketUrl\":\"javascript:"),
	                             &r), WK_ERR_BAD_BODY);
	assert_int_equal(ticket_kind(spoilt("\"CheckNumber\":\"367645207\"",
	                                    "\"CheckNumber\":\"367 645207\""), &r),
	                 WK_ERR_BAD_BODY);
	assert_int_equal(ticket_kind(SAMPLE_TICKET "x", &r), WK_ERR_BAD_BODY);
	assert_string_equal(r.msg.id, "Unreadable answer from the fiscal register (not a JSON object)");
	assert_int_equal(ticket_kind("[]", &r), WK_ERR_BAD_BODY);
	assert_int_equal(ticket_kind("", &r), WK_ERR_BAD_BODY);
	assert_int_equal(ticket_kind("{\"Data\":[]}", &r), WK_ERR_BAD_BODY);
	assert_int_equal(ticket_kind("{\"Data\":null}", &r), WK_ERR_BAD_BODY);
	/* text that is only shown is made safe, not refused */
	assert_int_equal(ticket_kind(spoilt("\"EmployeeName\":\"Айгерим\"",
	                                    "\"EmployeeName\":\"\\u001b]0;pwned\\u0007Ай\""), &r),
	                 WK_OK);
	wk_ticket t;
	const char *b = spoilt("\"EmployeeName\":\"Айгерим\"", "\"EmployeeName\":\"\\u001b]0;x\"");
	assert_int_equal(wk_parse_ticket(b, strlen(b), &t, &r), WK_OK);
	assert_string_equal(t.employee_name, KP_TEXT_REPLACEMENT "]0;x");
	/* an unreadable DateTime leaves at 0 */
	b = spoilt("\"DateTime\":\"03.12.2026 14:50:37\"", "\"DateTime\":\"31.02.2026 14:50:37\"");
	assert_int_equal(wk_parse_ticket(b, strlen(b), &t, &r), WK_OK);
	assert_int_equal(t.at, 0);
}

static void errors_body_is_a_refusal_with_safe_text(void **state)
{
	(void)state;
	const char *body = "{\"Errors\":[{\"Code\":9,\"Text\":\"Positions[0].Tax is 1\\u001b[31m\"},"
	                   "{\"Code\":11,\"Text\":\"second\"}]}";
	wk_ticket t;
	wk_result r;
	memset(&r, 0, sizeof r);
	assert_int_equal(wk_parse_ticket(body, strlen(body), &t, &r), WK_ERR_REFUSED);
	assert_int_equal(r.code, 9);
	assert_string_equal(r.text, "Positions[0].Tax is 1" KP_TEXT_REPLACEMENT "[31m");
	assert_string_equal(r.msg.id, "Fiscal register rejected the data (error 9): %s");
	assert_string_equal(r.msg.arg[0], r.text);
	assert_false(r.outcome_unknown);
	assert_false(wk_result_retryable(&r));
	assert_false(wk_result_blocked(&r));

	body = "{\"Data\":null,\"Errors\":[{\"Code\":14,\"Text\":\"used\"}]}";
	assert_int_equal(wk_parse_ticket(body, strlen(body), &t, &r), WK_ERR_REFUSED);
	assert_int_equal(r.code, 14);
	body = "{\"Errors\":[{\"Code\":77}]}";                /* a code beyond the table */
	assert_int_equal(wk_parse_ticket(body, strlen(body), &t, &r), WK_ERR_REFUSED);
	assert_string_equal(r.msg.id, "Fiscal register refused (error %d)");
	assert_string_equal(r.msg.arg[0], "77");
	body = "{\"Errors\":[{\"Code\":\"9\"}]}";
	assert_int_equal(wk_parse_ticket(body, strlen(body), &t, &r), WK_ERR_BAD_BODY);
	body = "{\"Errors\":[{\"Code\":0}]}";
	assert_int_equal(wk_parse_ticket(body, strlen(body), &t, &r), WK_ERR_BAD_BODY);
	body = "{\"Errors\":{\"Code\":9}}";
	assert_int_equal(wk_parse_ticket(body, strlen(body), &t, &r), WK_ERR_BAD_BODY);
	body = "{\"Errors\":[1]}";
	assert_int_equal(wk_parse_ticket(body, strlen(body), &t, &r), WK_ERR_BAD_BODY);
	for (int code = 1; code <= 7; code += 2) {       /* 1, 3, 5, 7: 5 is not blocking */
		char b[64];
		snprintf(b, sizeof b, "{\"Errors\":[{\"Code\":%d,\"Text\":\"t\"}]}", code);
		assert_int_equal(wk_parse_ticket(b, strlen(b), &t, &r), WK_ERR_REFUSED);
		assert_int_equal(wk_result_blocked(&r), code != 5);
	}
}

static void money_parser_reads_the_cash_in_the_register(void **state)
{
	(void)state;
	const char *body = "{\"Data\":{\"OfflineMode\":true,\"CashboxOfflineMode\":true,"
	                   "\"ShiftNumber\":3,\"DateTime\":\"03.12.2026 14:50:37\",\"Sum\":12345.67,"
	                   "\"Cashbox\":{}}}";
	wk_money m;
	wk_result r;
	memset(&r, 0, sizeof r);
	assert_int_equal(wk_parse_money(body, strlen(body), &m, &r), WK_OK);
	assert_true(m.offline);
	assert_int_equal(m.shift_number, 3);
	assert_int_equal(m.in_cashbox, 1234567);
	assert_string_equal(m.date_time, "03.12.2026 14:50:37");
	body = "{\"Data\":{\"OfflineMode\":true,\"ShiftNumber\":3,\"DateTime\":\"x\",\"Sum\":1.005}}";
	assert_int_equal(wk_parse_money(body, strlen(body), &m, &r), WK_ERR_BAD_BODY);
	assert_string_equal(r.msg.arg[0], "Sum");
	assert_int_equal(m.in_cashbox, 0);
}

static const char SAMPLE_REPORT[] =
	"{\"Data\":{\"ReportNumber\":1,\"ShiftNumber\":2,\"StartOn\":\"03.12.2026 09:00:00\","
	"\"ReportOn\":\"03.12.2026 21:00:00\",\"CloseOn\":\"03.12.2026 21:00:00\","
	"\"CashboxSN\":\"SWK00000001\",\"CashboxRN\":\"032600010282\",\"CashboxIN\":\"2363\","
	"\"TaxPayerName\":\"ТОО «Береке»\",\"TaxPayerIN\":\"123456789012\",\"DocumentCount\":4,"
	"\"PutMoneySum\":5000,\"TakeMoneySum\":200.5,\"SumInCashbox\":-10.01,\"OfflineMode\":false,"
	"\"ControlSum\":1362.92,\"Sell\":{\"PaymentsByTypesApiModel\":[{\"Sum\":962.92,\"Type\":0},"
	"{\"Sum\":500,\"Type\":4}],\"Discount\":0,\"Markup\":0,\"Taken\":1500,\"Change\":37.08,"
	"\"Count\":1,\"TotalCount\":9,\"VAT\":171.32},\"ReturnSell\":{\"PaymentsByTypesApiModel\":"
	"[{\"Sum\":100,\"Type\":1}],\"Discount\":0,\"Markup\":0,\"Taken\":100,\"Change\":0,"
	"\"Count\":1,\"TotalCount\":2,\"VAT\":10.71},\"StartNonNullable\":{\"Sell\":10,\"Buy\":0,"
	"\"ReturnSell\":1,\"ReturnBuy\":0},\"EndNonNullable\":{\"Sell\":1472.92,\"Buy\":0,"
	"\"ReturnSell\":101,\"ReturnBuy\":0}}}";

static void report_parser_reads_every_sum_exactly(void **state)
{
	(void)state;
	wk_report z;
	wk_result r;
	memset(&r, 0, sizeof r);
	assert_int_equal(wk_parse_report(SAMPLE_REPORT, strlen(SAMPLE_REPORT), &z, &r), WK_OK);
	assert_int_equal(z.report_number, 1);
	assert_int_equal(z.shift_number, 2);
	assert_string_equal(z.close_on, "03.12.2026 21:00:00");
	assert_string_equal(z.cashbox_rn, "032600010282");
	assert_int_equal(z.document_count, 4);
	assert_int_equal(z.put_money, 500000);
	assert_int_equal(z.take_money, 20050);
	assert_int_equal(z.in_cashbox, -1001);
	assert_int_equal(z.control_sum, 136292);
	assert_int_equal(z.sell.by_type[0], 96292);
	assert_int_equal(z.sell.by_type[1], 0);
	assert_int_equal(z.sell.by_type[2], 50000);
	assert_int_equal(z.sell.taken, 150000);
	assert_int_equal(z.sell.change, 3708);
	assert_int_equal(z.sell.vat, 17132);
	assert_int_equal(z.sell.count, 1);
	assert_int_equal(z.sell.total_count, 9);
	assert_int_equal(z.return_sell.by_type[1], 10000);
	assert_int_equal(z.return_sell.vat, 1071);
	assert_int_equal(z.start_sell, 1000);
	assert_int_equal(z.start_return, 100);
	assert_int_equal(z.end_sell, 147292);
	assert_int_equal(z.end_return, 10100);

	char b[4096];
	const char *twice = "[{\"Sum\":100,\"Type\":1},{\"Sum\":1,\"Type\":1}]";
	const char *at = strstr(SAMPLE_REPORT, "[{\"Sum\":100,\"Type\":1}]");
	snprintf(b, sizeof b, "%.*s%s%s", (int)(at - SAMPLE_REPORT), SAMPLE_REPORT, twice,
	         at + strlen("[{\"Sum\":100,\"Type\":1}]"));
	assert_int_equal(wk_parse_report(b, strlen(b), &z, &r), WK_ERR_BAD_BODY);
	assert_string_equal(r.msg.arg[0], "ReturnSell.PaymentsByTypesApiModel[].Type");
	at = strstr(SAMPLE_REPORT, "\"VAT\":171.32");
	snprintf(b, sizeof b, "%.*s\"VAT\":171.325%s", (int)(at - SAMPLE_REPORT), SAMPLE_REPORT,
	         at + strlen("\"VAT\":171.32"));
	assert_int_equal(wk_parse_report(b, strlen(b), &z, &r), WK_ERR_BAD_BODY);
	assert_string_equal(r.msg.arg[0], "Sell.VAT");
}

static void printed_parser_keeps_the_qr_exact(void **state)
{
	(void)state;
	const char *body = "{\"Data\":{\"Lines\":[{\"Order\":1,\"Type\":0,\"Value\":\"ТОО\\u001b\","
	                   "\"Style\":0},{\"Order\":2,\"Type\":2,\"Value\":\"http://h?i=1&f=2\","
	                   "\"Style\":0}]}}";
	wk_printed *p = malloc(sizeof *p);
	assert_non_null(p);
	wk_result r;
	memset(&r, 0, sizeof r);
	assert_int_equal(wk_parse_printed(body, strlen(body), p, &r), WK_OK);
	assert_int_equal(p->n, 2);
	assert_false(p->truncated);
	assert_string_equal(p->lines[0].value, "ТОО" KP_TEXT_REPLACEMENT);
	assert_int_equal(p->lines[1].type, 2);
	assert_string_equal(p->lines[1].value, "http://h?i=1&f=2");
	body = "{\"Data\":{\"Lines\":[{\"Order\":1,\"Type\":2,\"Value\":\"http://h?i=1\\u0007\"}]}}";
	assert_int_equal(wk_parse_printed(body, strlen(body), p, &r), WK_ERR_BAD_BODY);
	body = "{\"Data\":{\"Lines\":[{\"Order\":1,\"Value\":\"x\"}]}}";
	assert_int_equal(wk_parse_printed(body, strlen(body), p, &r), WK_ERR_BAD_BODY);
	assert_string_equal(r.msg.arg[0], "Lines[].Type");
	free(p);
}

/* ---- the messages in the cashier's languages ------------------------------ */

/* Says everything in lang through build/locale (as test_store_i18n does). */
static void speak(const char *lang)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	snprintf(dir, sizeof dir, "%s/../locale", dirname(exe));
	setenv("LC_ALL", "C.UTF-8", 1);
	i18n_init(lang);
	bindtextdomain("kaspi-pos", dir);
}

static void every_error_code_is_said_in_russian_and_kazakh(void **state)
{
	(void)state;
	static const int codes[] = { 1, 2, 3, 6, 7, 8, 9, 11, 12, 14, 18, 19, 77 };
	static const char *const langs[] = { "ru", "kk" };
	for (size_t l = 0; l < 2; l++) {
		speak(langs[l]);
		for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
			for (int with_text = 0; with_text < 2; with_text++) {
				char b[128];
				snprintf(b, sizeof b, "{\"Errors\":[{\"Code\":%d%s}]}", codes[i],
				         with_text ? ",\"Text\":\"Positions[0].Tax\"" : "");
				wk_ticket t;
				wk_result r;
				memset(&r, 0, sizeof r);
				assert_int_equal(wk_parse_ticket(b, strlen(b), &t, &r), WK_ERR_REFUSED);
				const char *said = kp_msg_text(&r.msg);
				if (strcmp(said, r.msg.id) == 0)
					fail_msg("%s: error %d is not translated: %s", langs[l], codes[i], said);
				char num[16];
				snprintf(num, sizeof num, "%d", codes[i]);
				assert_non_null(strstr(said, num));   /* the code is always named */
			}
		}
		/* a transport message too */
		wk_options o = { .base_url = "ftp://x", .api_key = KEY, .login = LOGIN,
		                 .password = PASSWORD, .cashbox = ZNK };
		wk_result r;
		assert_null(wk_client_new(&o, &r));
		assert_string_not_equal(kp_msg_text(&r.msg), r.msg.id);
	}
	speak("en");
}

/* ---- the client's settings -------------------------------------------------- */

static void settings_are_checked_before_anything_is_made(void **state)
{
	(void)state;
	const struct {
		wk_options o;
		const char *msgid;
	} bad[] = {
		{ { .base_url = "http://example.com", .api_key = KEY, .login = LOGIN,
		    .password = PASSWORD, .cashbox = ZNK },
		  "Webkassa address must be https://... (http:// only for a local sandbox)" },
		{ { .base_url = "https://u:p@devkkm.webkassa.kz", .api_key = KEY, .login = LOGIN,
		    .password = PASSWORD, .cashbox = ZNK },
		  "Webkassa address must be https://... (http:// only for a local sandbox)" },
		{ { .base_url = "https://devkkm.webkassa.kz", .api_key = "WKD 1", .login = LOGIN,
		    .password = PASSWORD, .cashbox = ZNK },
		  "Webkassa API key must be 1-256 printable characters without spaces" },
		{ { .base_url = "https://devkkm.webkassa.kz", .api_key = "k\r\nX-Evil: 1",
		    .login = LOGIN, .password = PASSWORD, .cashbox = ZNK },
		  "Webkassa API key must be 1-256 printable characters without spaces" },
		{ { .base_url = "https://devkkm.webkassa.kz", .api_key = KEY, .login = "",
		    .password = PASSWORD, .cashbox = ZNK },
		  "Webkassa login must be 1-256 bytes of one line" },
		{ { .base_url = "https://devkkm.webkassa.kz", .api_key = KEY, .login = LOGIN,
		    .password = NULL, .cashbox = ZNK },
		  "Webkassa password must be 1-256 bytes of one line" },
		{ { .base_url = "https://devkkm.webkassa.kz", .api_key = KEY, .login = LOGIN,
		    .password = PASSWORD, .cashbox = "SWK\"1" },
		  "Cash register number must be 1-64 printable characters without spaces or quotes" },
		{ { .base_url = "https://devkkm.webkassa.kz", .api_key = KEY, .login = LOGIN,
		    .password = PASSWORD, .cashbox = ZNK, .timeout_ms = -1 },
		  "Time-outs must be positive" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		wk_result r;
		assert_null(wk_client_new(&bad[i].o, &r));
		assert_int_equal(r.kind, WK_ERR_CONFIG);
		assert_string_equal(r.msg.id, bad[i].msgid);
	}
	wk_result r;
	assert_null(wk_client_new(NULL, &r));
	assert_int_equal(r.kind, WK_ERR_CONFIG);
	wk_options ok = { .base_url = "https://devkkm.webkassa.kz", .api_key = KEY, .login = LOGIN,
	                  .password = "пароль с пробелом \"и кавычкой\"", .cashbox = ZNK };
	wk_client *c = wk_client_new(&ok, &r);
	assert_non_null(c);
	assert_int_equal(r.kind, WK_OK);
	wk_client_free(c);
	ok.base_url = "http://127.0.0.1:9";               /* a local sandbox may be plain http */
	c = wk_client_new(&ok, &r);
	assert_non_null(c);
	wk_client_free(c);
	wk_client_free(NULL);
	assert_int_equal(wk_authorize(NULL, &r), WK_ERR_CONFIG);
}

/* ---- against kassa-sandbox ------------------------------------------------ */

/* One test's sandbox and client; teardown frees whatever is set. */
typedef struct world {
	sandbox_proc sp;
	bool up;                /* sp was started */
	wk_client *c;
	raw_server raw;
	bool raw_up;
} world;

/* A call's kind is also in its result: the two must agree. */
#define call_ok(call, res)                                                          \
	do {                                                                         \
		wk_kind kind_ = (call);                                              \
		assert_int_equal(kind_, (res).kind);                                 \
		if (kind_ != WK_OK)                                                  \
			fail_msg("%s: %s (%s)", #call, wk_kind_name(kind_),          \
			         kp_msg_text(&(res).msg));                           \
	} while (0)
#define call_is(call, res, want)                                                    \
	do {                                                                         \
		wk_kind kind_ = (call);                                              \
		assert_int_equal(kind_, (res).kind);                                 \
		if (kind_ != (want))                                                 \
			fail_msg("%s: %s, not %s (%s)", #call, wk_kind_name(kind_),  \
			         wk_kind_name(want), kp_msg_text(&(res).msg));        \
	} while (0)

static wk_client *client_with(const char *url, const char *key, const char *login,
                              const char *password, const char *cashbox, long timeout_ms,
                              FILE *debug)
{
	wk_options o = { .base_url = url, .api_key = key, .login = login, .password = password,
	                 .cashbox = cashbox, .timeout_ms = timeout_ms, .connect_timeout_ms = 1000,
	                 .debug = debug };
	wk_result r;
	wk_client *c = wk_client_new(&o, &r);
	if (!c)
		fail_msg("client for %s: %s", url, kp_msg_text(&r.msg));
	return c;
}

/* Starts a kassa-sandbox with our key, login, password and cashbox and
 * the extra flags (NULL-terminated); a client with a 5 s time-out. */
static world *up(void **state, ...)
{
	const char *args[40] = { "--api-key", KEY, "--login", LOGIN, "--password", PASSWORD,
	                         "--cashbox", ZNK };
	size_t n = 8;
	va_list ap;
	va_start(ap, state);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL && n < 39;)
		args[n++] = a;
	va_end(ap);
	args[n] = NULL;

	world *w = calloc(1, sizeof *w);
	assert_non_null(w);
	*state = w;
	if (!sandbox_start_bin(&w->sp, kassa_binary(), args, READY_MS))
		fail_msg("kassa-sandbox did not start (%s)", kassa_binary());
	w->up = true;
	w->c = client_with(w->sp.base_url, KEY, LOGIN, PASSWORD, ZNK, 5000, NULL);
	return w;
}

static int down(void **state)
{
	world *w = *state;
	if (!w)
		return 0;
	wk_client_free(w->c);
	if (w->up)
		sandbox_stop(&w->sp);
	if (w->raw_up)
		raw_server_stop(&w->raw);
	free(w);
	*state = NULL;
	return 0;
}

/* A fresh ExternalCheckNumber, UUID-shaped. */
static const char *new_ecn(void)
{
	static char ids[64][48];
	static int next;
	char *id = ids[next % 64];
	snprintf(id, sizeof ids[0], "6f1c2c9e-4a57-4e0e-%04x-%012d", (unsigned)getpid() & 0xffff,
	         ++next);
	return id;
}

/* A control call straight through http.c (what the client has no call for). */
static cJSON *control(world *w, http_method method, const char *path, const char *body)
{
	const char *hdr[] = { "x-api-key: " KEY, "Content-Type: application/json", NULL };
	http_config cfg = { .base_url = w->sp.base_url, .connect_timeout_ms = 2000,
	                    .timeout_ms = 5000, .headers = hdr };
	http_client *h;
	assert_int_equal(http_client_new(&cfg, &h), HTTP_DONE);
	http_response r;
	assert_int_equal(http_request(h, method, path, NULL, body, body ? strlen(body) : 0, &r),
	                 HTTP_DONE);
	assert_int_equal(r.status, 200);
	cJSON *o = cJSON_ParseWithLength(r.body, r.body_len);
	http_client_free(h);
	assert_non_null(o);
	return o;
}

/* Receipts the sandbox registered with ecn (all of them when NULL); the
 * CheckNumber of the last one into number when not NULL. */
static int receipts(world *w, const char *ecn, char *number, size_t size)
{
	cJSON *o = control(w, HTTP_GET, "/sandbox/checks", NULL);
	const cJSON *c;
	int n = 0;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(o, "checks")) {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(c, "ExternalCheckNumber");
		if (ecn && strcmp(e->valuestring, ecn) != 0)
			continue;
		n++;
		if (number)
			snprintf(number, size, "%s",
			         cJSON_GetObjectItemCaseSensitive(c, "CheckNumber")->valuestring);
	}
	cJSON_Delete(o);
	return n;
}

static int money_ops(world *w)
{
	cJSON *o = control(w, HTTP_GET, "/sandbox/checks", NULL);
	int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "money"));
	cJSON_Delete(o);
	return n;
}

/* Builds req's body (it must be valid) and sends it. */
static wk_kind send_req(wk_client *c, const wk_check_req *req, wk_ticket *t, wk_result *r)
{
	char *body;
	size_t len;
	wk_result br;
	assert_int_equal(wk_check_body(req, &body, &len, &br), WK_OK);
	wk_kind k = wk_check_send(c, body, len, t, r);
	free(body);
	return k;
}

/* A one-line sale of price tiyn paid by card. */
static wk_kind small_sale(wk_client *c, const char *ecn, int64_t price, wk_ticket *t,
                          wk_result *r)
{
	wk_position l = line("Вода 0,5 л", 1000, price, 12);
	wk_payment p = { WK_PAY_CARD, price };
	wk_check_req req = { .operation = WK_OP_SALE, .positions = &l, .n_positions = 1,
	                     .payments = &p, .n_payments = 1, .external_check_number = ecn };
	return send_req(c, &req, t, r);
}

/* The query value key= of a TicketUrl. */
static const char *url_param(const char *url, const char *key)
{
	static char v[64];
	char pat[8];
	snprintf(pat, sizeof pat, "%s=", key);
	const char *at = strstr(url, pat);
	assert_non_null(at);
	at += strlen(pat);
	snprintf(v, sizeof v, "%.*s", (int)strcspn(at, "&"), at);
	return v;
}

static void authorize_gets_a_token(void **state)
{
	world *w = up(state, NULL);
	wk_result r;
	call_ok(wk_authorize(w->c, &r), r);
	assert_int_equal(r.http_status, 200);
	assert_true(kp_msg_empty(&r.msg));
}

static void sale_with_mixed_payments_and_change_is_registered(void **state)
{
	world *w = up(state, NULL);
	const char *ecn = new_ecn();
	wk_check_req req = sample_sale(ecn);
	wk_ticket t;
	wk_result r;
	call_ok(send_req(w->c, &req, &t, &r), r);     /* authorizes by itself */
	assert_false(r.reauthorized);
	assert_false(r.outcome_unknown);
	assert_true(strlen(t.check_number) >= 9);
	assert_string_equal(t.registration_number, RN);
	assert_string_equal(t.unique_number, ZNK);
	assert_false(t.offline);
	assert_int_equal(t.shift_number, 1);
	assert_int_equal(t.check_order_number, 1);
	assert_true(t.at > 0);
	assert_string_equal(url_param(t.ticket_url, "i"), t.check_number);
	assert_string_equal(url_param(t.ticket_url, "f"), RN);
	assert_string_equal(url_param(t.ticket_url, "s"), "1462.92");
	char number[32];
	assert_int_equal(receipts(w, ecn, number, sizeof number), 1);
	assert_string_equal(number, t.check_number);
	cJSON *o = control(w, HTTP_GET, "/sandbox/checks", NULL);
	const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "checks"), 0);
	char *pays = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(c, "Payments"));
	assert_string_equal(pays, "[{\"Sum\":1000,\"PaymentType\":0},{\"Sum\":500,\"PaymentType\":4}]");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "Total")->valuestring == NULL ? "n" : "s", "n");
	assert_true(cJSON_GetObjectItemCaseSensitive(c, "Total")->valuedouble == 1462.92);
	cJSON_free(pays);
	cJSON_Delete(o);
}

static void weighed_line_costs_what_fiscal_md_says(void **state)
{
	world *w = up(state, NULL);
	wk_position l = line("Сыр весовой", 333, 54990, 12);
	l.unit_code = WK_UNIT_KG;
	wk_payment p = { WK_PAY_CASH, 20000 };
	wk_check_req req = { .operation = WK_OP_SALE, .positions = &l, .n_positions = 1,
	                     .payments = &p, .n_payments = 1, .change = 1688,
	                     .external_check_number = new_ecn() };
	wk_ticket t;
	wk_result r;
	call_ok(send_req(w->c, &req, &t, &r), r);
	assert_string_equal(url_param(t.ticket_url, "s"), "183.12");
}

static void return_with_its_basis_and_then_over_it_is_refused(void **state)
{
	world *w = up(state, NULL);
	wk_ticket sale, back;
	wk_result r;
	call_ok(small_sale(w->c, new_ecn(), 100000, &sale, &r), r);

	wk_return_basis b = { .date_time = sale.at, .total = 100000, .offline = sale.offline };
	snprintf(b.check_number, sizeof b.check_number, "%s", sale.check_number);
	snprintf(b.registration_number, sizeof b.registration_number, "%s", sale.registration_number);
	wk_position l = line("Вода 0,5 л", 1000, 60000, 12);
	wk_payment p = { WK_PAY_CARD, 60000 };
	wk_check_req ret = { .operation = WK_OP_RETURN, .positions = &l, .n_positions = 1,
	                     .payments = &p, .n_payments = 1, .external_check_number = new_ecn(),
	                     .basis = &b };
	call_ok(send_req(w->c, &ret, &back, &r), r);
	assert_string_not_equal(back.check_number, sale.check_number);
	assert_int_equal(back.check_order_number, 2);

	/* 600 back already: another 400.01 passes the sale's 1000 */
	l.price = 40001;
	p.sum = 40001;
	ret.external_check_number = new_ecn();
	call_is(send_req(w->c, &ret, &back, &r), r, WK_ERR_REFUSED);
	assert_int_equal(r.code, WK_CODE_VALIDATION);
	assert_string_equal(r.msg.id, "Fiscal register rejected the data (error 9): %s");
	assert_non_null(strstr(r.text, "not yet returned"));
	assert_false(r.outcome_unknown);
	/* the rest, exactly, is fine */
	l.price = 40000;
	p.sum = 40000;
	call_ok(send_req(w->c, &ret, &back, &r), r);   /* the same number: 9 used nothing */
	assert_int_equal(receipts(w, NULL, NULL, 0), 3);
}

static void duplicate_number_is_14_and_the_fetch_gets_the_same_receipt(void **state)
{
	world *w = up(state, NULL);
	const char *ecn = new_ecn();
	wk_check_req req = sample_sale(ecn);
	wk_ticket first, again, fetched;
	wk_result r;
	call_ok(send_req(w->c, &req, &first, &r), r);
	call_is(send_req(w->c, &req, &again, &r), r, WK_ERR_REFUSED);
	assert_int_equal(r.code, WK_CODE_DUPLICATE);
	assert_false(r.outcome_unknown);
	assert_false(wk_result_retryable(&r));
	assert_string_equal(again.check_number, "");
	call_ok(wk_ticket_fetch(w->c, ecn, &fetched, &r), r);
	assert_string_equal(fetched.ticket_url, first.ticket_url);
	assert_string_equal(fetched.check_number, first.check_number);
	assert_string_equal(fetched.registration_number, first.registration_number);
	assert_int_equal(fetched.at, first.at);
	assert_string_equal(fetched.date_time, first.date_time);
	assert_false(fetched.offline);
	assert_int_equal(receipts(w, ecn, NULL, 0), 1);

	/* PrintFormat itself, 58 mm: 32 columns, the QR line the TicketUrl */
	wk_printed *pf = malloc(sizeof *pf);
	assert_non_null(pf);
	call_ok(wk_print_format(w->c, ecn, WK_PAPER_58, pf, &r), r);
	assert_true(pf->n > 10);
	size_t qr = 0;
	for (size_t i = 0; i < pf->n; i++) {
		if (pf->lines[i].type == 2) {
			qr++;
			assert_string_equal(pf->lines[i].value, first.ticket_url);
		} else {
			assert_true(kp_utf8_length(pf->lines[i].value) <= 32);
		}
	}
	assert_int_equal(qr, 1);
	free(pf);
}

static void fetch_of_an_unknown_number_is_19(void **state)
{
	world *w = up(state, NULL);
	wk_ticket t;
	wk_result r;
	call_is(wk_ticket_fetch(w->c, new_ecn(), &t, &r), r, WK_ERR_REFUSED);
	assert_int_equal(r.code, WK_CODE_NO_SUCH_CHECK);
	assert_false(wk_result_blocked(&r));
	assert_string_equal(t.ticket_url, "");
}

static void expired_token_is_renewed_and_the_call_repeated(void **state)
{
	world *w = up(state, "--token-ttl", "60", NULL);
	wk_ticket t;
	wk_result r;
	call_ok(small_sale(w->c, new_ecn(), 1000, &t, &r), r);
	assert_false(r.reauthorized);
	call_ok(wk_sandbox_clock(w->c, 61, &r), r);
	const char *ecn = new_ecn();
	call_ok(small_sale(w->c, ecn, 1000, &t, &r), r);
	assert_true(r.reauthorized);
	assert_int_equal(receipts(w, ecn, NULL, 0), 1);
	call_ok(small_sale(w->c, new_ecn(), 1000, &t, &r), r);   /* the new token holds */
	assert_false(r.reauthorized);
	/* any call renews it: a report too */
	call_ok(wk_sandbox_clock(w->c, 61, &r), r);
	wk_report x;
	call_ok(wk_x_report(w->c, &x, &r), r);
	assert_true(r.reauthorized);
}

static void wrong_password_is_1_and_blocks(void **state)
{
	world *w = up(state, NULL);
	wk_client *c = client_with(w->sp.base_url, KEY, LOGIN, "not-the-password", ZNK, 5000, NULL);
	wk_ticket t;
	wk_result r;
	call_is(small_sale(c, new_ecn(), 1000, &t, &r), r, WK_ERR_REFUSED);
	wk_client_free(c);
	assert_int_equal(r.code, WK_CODE_CREDENTIALS);
	assert_true(wk_result_blocked(&r));
	assert_false(r.outcome_unknown);
	assert_false(wk_result_retryable(&r));
	assert_null(strstr(kp_msg_text(&r.msg), "not-the-password"));
	assert_int_equal(receipts(w, NULL, NULL, 0), 0);
}

static void bad_api_key_is_401_code_3_and_blocks(void **state)
{
	world *w = up(state, NULL);
	wk_client *c = client_with(w->sp.base_url, "WKD-wrong-key", LOGIN, PASSWORD, ZNK, 5000, NULL);
	wk_result r;
	call_is(wk_authorize(c, &r), r, WK_ERR_REFUSED);
	assert_int_equal(r.http_status, 401);
	assert_int_equal(r.code, WK_CODE_UNAUTHORIZED);
	assert_true(wk_result_blocked(&r));
	wk_report x;
	call_is(wk_x_report(c, &x, &r), r, WK_ERR_REFUSED);
	assert_int_equal(r.code, WK_CODE_UNAUTHORIZED);
	wk_client_free(c);
}

static void unknown_cashbox_is_6_and_blocks(void **state)
{
	world *w = up(state, NULL);
	wk_client *c = client_with(w->sp.base_url, KEY, LOGIN, PASSWORD, "SWK00000002", 5000, NULL);
	wk_ticket t;
	wk_result r;
	call_is(small_sale(c, new_ecn(), 1000, &t, &r), r, WK_ERR_REFUSED);
	wk_client_free(c);
	assert_int_equal(r.code, WK_CODE_CASHBOX_UNKNOWN);
	assert_true(wk_result_blocked(&r));
}

static void blocked_cashbox_is_7_and_blocks(void **state)
{
	world *w = up(state, NULL);
	cJSON_Delete(control(w, HTTP_POST, "/sandbox/cashbox", "{\"blocked\":true}"));
	wk_ticket t;
	wk_result r;
	call_is(small_sale(w->c, new_ecn(), 1000, &t, &r), r, WK_ERR_REFUSED);
	assert_int_equal(r.code, WK_CODE_CASHBOX_BLOCKED);
	assert_true(wk_result_blocked(&r));
	cJSON_Delete(control(w, HTTP_POST, "/sandbox/cashbox", "{\"blocked\":false}"));
	call_ok(small_sale(w->c, new_ecn(), 1000, &t, &r), r);
}

static void money_in_and_out_and_too_much_out_is_8(void **state)
{
	world *w = up(state, NULL);
	char *body;
	size_t len;
	wk_money m;
	wk_result r;
	assert_int_equal(wk_money_body(WK_MONEY_IN, 500000, new_ecn(), &body, &len, &r), WK_OK);
	call_ok(wk_money_send(w->c, body, len, &m, &r), r);
	assert_int_equal(m.in_cashbox, 500000);
	assert_int_equal(m.shift_number, 1);
	assert_false(m.offline);
	call_is(wk_money_send(w->c, body, len, &m, &r), r, WK_ERR_REFUSED);  /* the same again */
	assert_int_equal(r.code, WK_CODE_DUPLICATE);
	free(body);
	assert_int_equal(wk_money_body(WK_MONEY_OUT, 123456, new_ecn(), &body, &len, &r), WK_OK);
	call_ok(wk_money_send(w->c, body, len, &m, &r), r);
	assert_int_equal(m.in_cashbox, 376544);
	free(body);
	assert_int_equal(wk_money_body(WK_MONEY_OUT, 376545, new_ecn(), &body, &len, &r), WK_OK);
	call_is(wk_money_send(w->c, body, len, &m, &r), r, WK_ERR_REFUSED);
	assert_int_equal(r.code, WK_CODE_NO_CASH);
	assert_false(wk_result_blocked(&r));
	free(body);
	assert_int_equal(money_ops(w), 2);
}

static void x_and_z_reports_and_a_second_z_is_12(void **state)
{
	world *w = up(state, NULL);
	wk_ticket t;
	wk_result r;
	wk_report x, z;
	wk_check_req req = sample_sale(new_ecn());
	call_ok(send_req(w->c, &req, &t, &r), r);
	char *body;
	size_t len;
	wk_money m;
	assert_int_equal(wk_money_body(WK_MONEY_IN, 10000, new_ecn(), &body, &len, &r), WK_OK);
	call_ok(wk_money_send(w->c, body, len, &m, &r), r);
	free(body);

	call_ok(wk_x_report(w->c, &x, &r), r);
	assert_int_equal(x.shift_number, 1);
	assert_string_equal(x.cashbox_sn, ZNK);
	assert_int_equal(x.document_count, 2);
	assert_int_equal(x.put_money, 10000);
	assert_int_equal(x.sell.by_type[0], 100000 - 3708);  /* cash less change */
	assert_int_equal(x.sell.by_type[2], 50000);
	assert_int_equal(x.sell.taken, 150000);
	assert_int_equal(x.sell.change, 3708);
	assert_int_equal(x.sell.vat, 15170 + 1962);
	assert_int_equal(x.sell.count, 1);
	assert_int_equal(x.control_sum, 146292);
	assert_int_equal(x.in_cashbox, 100000 - 3708 + 10000);
	assert_int_equal(x.end_sell, 146292);
	assert_string_equal(x.close_on, "");

	call_ok(wk_z_report(w->c, &z, &r), r);
	assert_int_equal(z.report_number, 1);
	assert_int_equal(z.shift_number, 1);
	assert_string_not_equal(z.close_on, "");
	assert_int_equal(z.sell.vat, x.sell.vat);
	call_is(wk_z_report(w->c, &z, &r), r, WK_ERR_REFUSED);
	assert_int_equal(r.code, WK_CODE_SHIFT_CLOSED);
	call_ok(small_sale(w->c, new_ecn(), 1000, &t, &r), r);  /* opens shift 2 */
	assert_int_equal(t.shift_number, 2);
	assert_int_equal(t.check_order_number, 1);
}

static void shift_over_24_hours_is_11_until_the_z(void **state)
{
	world *w = up(state, NULL);
	wk_ticket t;
	wk_result r;
	call_ok(small_sale(w->c, new_ecn(), 1000, &t, &r), r);
	call_ok(wk_sandbox_clock(w->c, 86400 - 60, &r), r);      /* within the 24 h */
	call_ok(small_sale(w->c, new_ecn(), 1000, &t, &r), r);
	call_ok(wk_sandbox_clock(w->c, 61, &r), r);
	const char *ecn = new_ecn();
	call_is(small_sale(w->c, ecn, 1000, &t, &r), r, WK_ERR_REFUSED);
	assert_int_equal(r.code, WK_CODE_SHIFT_24H);
	char *body;
	size_t len;
	wk_money m;
	assert_int_equal(wk_money_body(WK_MONEY_IN, 100, new_ecn(), &body, &len, &r), WK_OK);
	call_is(wk_money_send(w->c, body, len, &m, &r), r, WK_ERR_REFUSED);
	assert_int_equal(r.code, WK_CODE_SHIFT_24H);
	free(body);
	wk_report z;
	call_ok(wk_z_report(w->c, &z, &r), r);
	call_ok(small_sale(w->c, ecn, 1000, &t, &r), r);         /* 11 used up nothing */
	assert_int_equal(t.shift_number, 2);
}

static void offline_receipts_and_over_72_hours_is_18(void **state)
{
	world *w = up(state, NULL);
	wk_ticket t, f;
	wk_result r;
	call_ok(wk_sandbox_ofd(w->c, false, &r), r);
	const char *ecn = new_ecn();
	call_ok(small_sale(w->c, ecn, 1000, &t, &r), r);
	assert_true(t.offline);
	call_ok(wk_ticket_fetch(w->c, ecn, &f, &r), r);          /* the print says so */
	assert_true(f.offline);
	call_ok(wk_sandbox_clock(w->c, 72 * 3600 + 1, &r), r);
	call_is(small_sale(w->c, new_ecn(), 1000, &t, &r), r, WK_ERR_REFUSED);
	assert_int_equal(r.code, WK_CODE_SHIFT_24H);             /* the shift comes first */
	wk_report z;
	call_ok(wk_z_report(w->c, &z, &r), r);                   /* a Z works offline */
	assert_true(z.offline);
	const char *late = new_ecn();
	call_is(small_sale(w->c, late, 1000, &t, &r), r, WK_ERR_REFUSED);
	assert_int_equal(r.code, WK_CODE_OFFLINE_72H);
	assert_false(wk_result_blocked(&r));
	call_ok(wk_sandbox_ofd(w->c, true, &r), r);
	call_ok(small_sale(w->c, late, 1000, &t, &r), r);
	assert_false(t.offline);
	assert_int_equal(receipts(w, NULL, NULL, 0), 2);
}

/* ---- faults: an unknown outcome settled by sending again ------------------ */

/* At rate 1 every API request is faulted, Authorize too: its own outcome
 * is unknown, and a receipt is never sent (so its outcome is known: not
 * made), which GET /sandbox/checks confirms. */
static void at_rate_1(void **state, const char *flag, wk_kind kind)
{
	world *w = up(state, flag, "1", "--seed", "9", NULL);
	wk_client_free(w->c);
	w->c = client_with(w->sp.base_url, KEY, LOGIN, PASSWORD, ZNK, 300, NULL);
	wk_result r;
	for (int i = 0; i < 4; i++) {
		call_is(wk_authorize(w->c, &r), r, kind);
		assert_true(r.outcome_unknown);
		assert_true(wk_result_retryable(&r));
		assert_false(kp_msg_empty(&r.msg));
	}
	wk_ticket t;
	for (int i = 0; i < 4; i++) {
		call_is(small_sale(w->c, new_ecn(), 1000, &t, &r), r, kind);
		assert_false(r.outcome_unknown);            /* it never left: Authorize failed */
		assert_true(wk_result_retryable(&r));
	}
	assert_int_equal(receipts(w, NULL, NULL, 0), 0);
}

static void fail_rate_1_is_an_http_500_with_outcome_unknown(void **state)
{
	at_rate_1(state, "--fail-rate", WK_ERR_HTTP);
	wk_result r;
	call_is(wk_authorize(((world *)*state)->c, &r), r, WK_ERR_HTTP);
	assert_int_equal(r.http_status, 500);
}

static void drop_rate_1_is_a_lost_connection_with_outcome_unknown(void **state)
{
	at_rate_1(state, "--drop-rate", WK_ERR_NETWORK);
}

static void hang_rate_1_is_a_time_out_with_outcome_unknown(void **state)
{
	at_rate_1(state, "--hang-rate", WK_ERR_TIMEOUT);
}

/* Half of the requests faulted (seeded, so the same every run), half of
 * those after the receipt was registered (all of them for --garble-rate,
 * which spoils a registered receipt's answer): each receipt's stored body is
 * sent again until it is answered; a 14 is settled by the fetch. In the
 * end exactly one receipt per number, the one the till holds; both ways
 * (a receipt after an unknown outcome, a 14 after one) came up. */
static void settle(void **state, const char *flag, const char *seed, long timeout_ms,
                   bool some_before)
{
	world *w = up(state, flag, "0.5", "--seed", seed, NULL);
	wk_client_free(w->c);
	w->c = client_with(w->sp.base_url, KEY, LOGIN, PASSWORD, ZNK, timeout_ms, NULL);
	int receipt_after_unknown = 0, dup_after_unknown = 0, unknowns = 0;
	for (int i = 0; i < 10; i++) {
		const char *ecn = new_ecn();
		wk_check_req req = sample_sale(ecn);
		char *body;
		size_t len;
		wk_result r;
		assert_int_equal(wk_check_body(&req, &body, &len, &r), WK_OK);
		wk_ticket t;
		bool unknown = false, settled = false;
		for (int try = 0; try < 40 && !settled; try++) {
			wk_kind k = wk_check_send(w->c, body, len, &t, &r);
			if (getenv("WK_TRACE"))
				print_message("%s try %d: %s %d unknown=%d\n", ecn, try, wk_kind_name(k),
				              r.code, r.outcome_unknown);
			if (k == WK_OK) {
				settled = true;
				receipt_after_unknown += unknown;
			} else if (k == WK_ERR_REFUSED && r.code == WK_CODE_DUPLICATE) {
				/* a send before registered it: one whose outcome was
				 * unknown, or, on a reused connection that died before
				 * any answer, the one libcurl sent again by itself */
				dup_after_unknown++;
				for (int f = 0; f < 40 && !settled; f++) {
					settled = wk_ticket_fetch(w->c, ecn, &t, &r) == WK_OK;
					if (!settled)
						assert_true(wk_result_retryable(&r));
				}
			} else {
				if (!wk_result_retryable(&r))
					fail_msg("%s: not worth sending again? %s (%s)", ecn, wk_kind_name(k),
					         kp_msg_text(&r.msg));
				unknown = unknown || r.outcome_unknown;
				unknowns += r.outcome_unknown;
			}
		}
		free(body);
		assert_true(settled);
		char number[32];
		assert_int_equal(receipts(w, ecn, number, sizeof number), 1);
		assert_string_equal(number, t.check_number);
		assert_string_equal(url_param(t.ticket_url, "i"), t.check_number);
	}
	print_message("%s 0.5: %d unknown outcomes; settled by a receipt %d, by 14 and the fetch %d\n",
	              flag, unknowns, receipt_after_unknown, dup_after_unknown);
	assert_true(receipt_after_unknown > 0 || !some_before);
	assert_true(dup_after_unknown > 0);
	assert_int_equal(receipts(w, NULL, NULL, 0), 10);
}

static void failed_receipts_sent_again_are_registered_once(void **state)
{
	settle(state, "--fail-rate", "7", 5000, true);
}

static void dropped_receipts_sent_again_are_registered_once(void **state)
{
	settle(state, "--drop-rate", "11", 5000, true);
}

static void hung_receipts_sent_again_are_registered_once(void **state)
{
	settle(state, "--hang-rate", "4", 300, true);
}

static void garbled_receipts_sent_again_are_registered_once(void **state)
{
	settle(state, "--garble-rate", "3", 5000, false);   /* garbling follows a registration */
}

/* ---- secrets ---------------------------------------------------------------- */

/* Whether text holds a run of n hexadecimal digits (a token's shape). */
static bool has_hex_run(const char *text, size_t n)
{
	size_t run = 0;
	for (const char *p = text; *p; p++) {
		bool hex = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f');
		run = hex ? run + 1 : 0;
		if (run >= n)
			return true;
	}
	return false;
}

static void debug_trace_holds_no_secret(void **state)
{
	world *w = up(state, "--token-ttl", "60", NULL);
	FILE *trace = tmpfile();
	assert_non_null(trace);
	wk_client *c = client_with(w->sp.base_url, KEY, LOGIN, PASSWORD, ZNK, 5000, trace);
	wk_ticket t;
	wk_result r;
	const char *ecn = new_ecn();
	call_ok(small_sale(c, ecn, 1000, &t, &r), r);
	call_ok(wk_sandbox_clock(c, 61, &r), r);
	call_ok(small_sale(c, new_ecn(), 1000, &t, &r), r);      /* a second Authorize */
	assert_true(r.reauthorized);
	call_ok(wk_ticket_fetch(c, ecn, &t, &r), r);
	wk_report x;
	call_ok(wk_x_report(c, &x, &r), r);
	wk_client_free(c);
	wk_client *bad = client_with(w->sp.base_url, KEY, LOGIN, PASSWORD "x", ZNK, 5000, trace);
	call_is(wk_authorize(bad, &r), r, WK_ERR_REFUSED);
	wk_client_free(bad);

	static char text[1 << 18];
	rewind(trace);
	size_t n = fread(text, 1, sizeof text - 1, trace);
	text[n] = '\0';
	fclose(trace);
	assert_true(n > 0);
	assert_non_null(strstr(text, "POST /api/v4/Authorize"));
	assert_non_null(strstr(text, "POST /api/v4/check"));
	assert_non_null(strstr(text, "token expired (error 2)"));
	assert_non_null(strstr(text, "x-api-key: [redacted]"));
	assert_null(strstr(text, KEY));
	assert_null(strstr(text, "7d1f3a90"));
	assert_null(strstr(text, LOGIN));
	assert_null(strstr(text, "kassir"));
	assert_null(strstr(text, PASSWORD));
	assert_false(has_hex_run(text, 32));                      /* kassa-sandbox's tokens */
	/* and no message carries one either */
	assert_null(strstr(kp_msg_text(&r.msg), PASSWORD));
}

/* ---- the wire: exact bytes, and TLS ---------------------------------------- */

#define RAW_TICKET_BODY                                                                      \
	"{\"Data\":{\"Token\":\"tok-123\",\"CheckNumber\":\"1\",\"DateTime\":\"03.12.2026 14:50:37\"," \
	"\"OfflineMode\":false,\"Cashbox\":{\"UniqueNumber\":\"" ZNK "\",\"RegistrationNumber\":"  \
	"\"" RN "\",\"IdentityNumber\":\"1\"},\"CheckOrderNumber\":1,\"ShiftNumber\":1,"           \
	"\"TicketUrl\":\"http://h?i=1&f=" RN "\"}}"

static world *up_raw(void **state, const char *answer, int flags)
{
	world *w = calloc(1, sizeof *w);
	assert_non_null(w);
	*state = w;
	assert_true(raw_server_start(&w->raw, answer, strlen(answer), flags));
	w->raw_up = true;
	return w;
}

static void check_send_adds_token_and_cashbox_to_the_stored_bytes(void **state)
{
	static char answer[2048];
	snprintf(answer, sizeof answer,
	         "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
	         strlen(RAW_TICKET_BODY), RAW_TICKET_BODY);
	world *w = up_raw(state, answer, RAW_KEEP_ALIVE);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d", w->raw.port);
	w->c = client_with(url, KEY, LOGIN, PASSWORD, ZNK, 2000, NULL);

	wk_check_req req = sample_sale("6f1c2c9e-4a57-4e0e-9a8b-0a4f1d2b3c4d");
	char *body;
	size_t len;
	wk_result r;
	assert_int_equal(wk_check_body(&req, &body, &len, &r), WK_OK);
	wk_ticket t;
	call_ok(wk_check_send(w->c, body, len, &t, &r), r);
	assert_int_equal(w->raw.requests, 2);               /* Authorize, then the check */
	static char got[RAW_REQUEST_MAX + 1];
	raw_server_request(&w->raw, got, sizeof got);
	assert_non_null(strstr(got, "POST /api/v4/check HTTP/1.1\r\n"));
	assert_non_null(strstr(got, "\r\nx-api-key: " KEY "\r\n"));
	assert_non_null(strstr(got, "\r\nContent-Type: application/json\r\n"));
	const char *sent = strstr(got, "\r\n\r\n");
	assert_non_null(sent);
	sent += 4;
	static char want[65536];
	snprintf(want, sizeof want, "{\"Token\":\"tok-123\",\"CashboxUniqueNumber\":\"" ZNK "\",%s",
	         body + 1);
	assert_string_equal(sent, want);
	free(body);

	/* the X report's body is the token and the cashbox alone */
	wk_report x;
	wk_kind k = wk_x_report(w->c, &x, &r);
	assert_int_equal(k, WK_ERR_BAD_BODY);                 /* a ticket is no report */
	assert_true(r.outcome_unknown);
	raw_server_request(&w->raw, got, sizeof got);
	assert_string_equal(strstr(got, "\r\n\r\n") + 4,
	                    "{\"Token\":\"tok-123\",\"CashboxUniqueNumber\":\"" ZNK "\"}");
}

static void stored_body_must_be_a_body_without_token(void **state)
{
	static const char answer[] = "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n";
	world *w = up_raw(state, answer, RAW_KEEP_ALIVE);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d", w->raw.port);
	w->c = client_with(url, KEY, LOGIN, PASSWORD, ZNK, 2000, NULL);
	const char *bad[] = {
		"", "not json", "[1]", "{\"ExternalCheckNumber\":\"a\"} x",
		"{\"Token\":\"x\",\"ExternalCheckNumber\":\"a\"}",
		"{\"cashboxUniqueNumber\":\"x\",\"ExternalCheckNumber\":\"a\"}",
		"{\"OperationType\":2}", "{\"ExternalCheckNumber\":\"a b\"}",
	};
	wk_ticket t;
	wk_money m;
	wk_result r;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		call_is(wk_check_send(w->c, bad[i], strlen(bad[i]), &t, &r), r, WK_ERR_INVALID);
		call_is(wk_money_send(w->c, bad[i], strlen(bad[i]), &m, &r), r, WK_ERR_INVALID);
	}
	call_is(wk_check_send(w->c, NULL, 0, &t, &r), r, WK_ERR_INVALID);
	assert_int_equal(w->raw.requests, 0);
	/* a 500 then: outcome unknown, worth sending again */
	const char *ok = "{\"ExternalCheckNumber\":\"a\"}";
	call_is(wk_check_send(w->c, ok, strlen(ok), &t, &r), r, WK_ERR_HTTP);
	assert_int_equal(r.http_status, 500);
	assert_false(r.outcome_unknown);                      /* Authorize got the 500 */
	call_is(wk_authorize(w->c, &r), r, WK_ERR_HTTP);
	assert_true(r.outcome_unknown);
	assert_true(wk_result_retryable(&r));
}

static void tls_handshake_failure_is_a_tls_error_with_nothing_sent(void **state)
{
	static const char answer[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
	world *w = up_raw(state, answer, RAW_ANSWER_FIRST);
	char url[64];
	snprintf(url, sizeof url, "https://127.0.0.1:%d", w->raw.port);
	w->c = client_with(url, KEY, LOGIN, PASSWORD, ZNK, 2000, NULL);
	wk_result r;
	call_is(wk_authorize(w->c, &r), r, WK_ERR_TLS);
	assert_false(r.outcome_unknown);
	assert_false(wk_result_retryable(&r));
}

/* A TLS server with a self-signed certificate for 127.0.0.1 (openssl
 * s_server -www, which serves GETs only). */
typedef struct tls_server {
	pid_t pid;
	int port;
	char dir[64];
	char cert[96];
} tls_server;

static bool tls_server_start(tls_server *t)
{
	char cmd[512];
	memset(t, 0, sizeof *t);
	snprintf(t->dir, sizeof t->dir, "/tmp/test_webkassa.XXXXXX");
	if (!mkdtemp(t->dir))
		return false;
	snprintf(t->cert, sizeof t->cert, "%s/cert.pem", t->dir);
	snprintf(cmd, sizeof cmd,
	         "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
	         "-addext subjectAltName=IP:127.0.0.1 -keyout %s/key.pem -out %s >/dev/null 2>&1",
	         t->dir, t->cert);
	if (system(cmd) != 0)
		return false;
	t->port = sandbox_free_port();
	int fds[2];
	if (t->port <= 0 || pipe(fds) != 0)
		return false;
	t->pid = fork();
	if (t->pid == 0) {
		char port[16], key[96];
		snprintf(port, sizeof port, "%d", t->port);
		snprintf(key, sizeof key, "%s/key.pem", t->dir);
		dup2(fds[1], STDOUT_FILENO);
		int null = open("/dev/null", O_RDWR);
		dup2(null, STDIN_FILENO);
		dup2(null, STDERR_FILENO);
		execlp("openssl", "openssl", "s_server", "-accept", port, "-cert", t->cert, "-key", key,
		       "-www", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	/* it says ACCEPT once it listens */
	char buf[256];
	size_t n = 0;
	bool ready = false;
	struct pollfd pf = { .fd = fds[0], .events = POLLIN };
	while (!ready && n < sizeof buf - 1 && poll(&pf, 1, 10000) > 0) {
		ssize_t k = read(fds[0], buf + n, sizeof buf - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		buf[n] = '\0';
		ready = strstr(buf, "ACCEPT") != NULL;
	}
	close(fds[0]);
	return ready;
}

static void tls_server_stop(tls_server *t)
{
	char cmd[128];
	if (t->pid > 0) {
		kill(t->pid, SIGTERM);
		waitpid(t->pid, NULL, 0);
		t->pid = 0;
	}
	if (t->dir[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf %s", t->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "test_webkassa: %s left behind\n", t->dir);
	}
}

static void tls_certificate_is_verified_always(void **state)
{
	(void)state;
	tls_server t;
	bool up_ok = tls_server_start(&t);
	if (!up_ok) {
		tls_server_stop(&t);
		fail_msg("openssl s_server did not start (is openssl installed? make deps)");
	}
	char url[64];
	snprintf(url, sizeof url, "https://127.0.0.1:%d", t.port);
	wk_result r;
	wk_client *c = client_with(url, KEY, LOGIN, PASSWORD, ZNK, 5000, NULL);
	wk_kind k = wk_authorize(c, &r);                /* a certificate nobody vouches for */
	wk_client_free(c);
	wk_options o = { .base_url = url, .api_key = KEY, .login = LOGIN, .password = PASSWORD,
	                 .cashbox = ZNK, .ca_file = t.cert, .timeout_ms = 1000 };
	c = wk_client_new(&o, &r);
	assert_non_null(c);
	wk_result r2;
	wk_kind k2 = wk_authorize(c, &r2);              /* the same, trusted: past the handshake */
	wk_client_free(c);
	char other[64];
	snprintf(other, sizeof other, "https://localhost:%d", t.port);
	o.base_url = other;                              /* trusted, but not this name's */
	c = wk_client_new(&o, &r);
	assert_non_null(c);
	wk_result r3;
	wk_kind k3 = wk_authorize(c, &r3);
	wk_client_free(c);
	tls_server_stop(&t);
	assert_int_equal(k, WK_ERR_TLS);
	assert_false(r.outcome_unknown);
	/* s_server -www answers no POST: the request went out, no answer came */
	if (k2 == WK_ERR_TLS || k2 == WK_ERR_CONNECT)
		fail_msg("a trusted certificate was refused: %s", kp_msg_text(&r2.msg));
	assert_int_equal(k3, WK_ERR_TLS);
}

static int group_setup(void **state)
{
	(void)state;
	if (!http_global_init())
		return -1;
	if (access(kassa_binary(), X_OK) != 0)
		fprintf(stderr, "test_webkassa: %s not found: the sandbox tests will fail\n",
		        kassa_binary());
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	http_global_cleanup();
	return 0;
}

#define T(f) cmocka_unit_test_teardown(f, down)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(money_text_is_tenge_with_at_most_two_decimals),
		cmocka_unit_test(count_text_is_units_with_at_most_three_decimals),
		cmocka_unit_test(money_read_takes_exact_tenge_only),
		cmocka_unit_test(cost_is_count_times_price_rounded_half_up),
		cmocka_unit_test(tax_is_the_vat_inside_the_cost_rounded_half_up),
		cmocka_unit_test(check_body_is_written_exactly),
		cmocka_unit_test(return_body_carries_its_basis),
		cmocka_unit_test(check_body_refuses_each_broken_rule),
		cmocka_unit_test(money_body_is_written_exactly),
		cmocka_unit_test(ticket_parser_reads_fiscal_md_sample),
		cmocka_unit_test(ticket_parser_is_strict),
		cmocka_unit_test(errors_body_is_a_refusal_with_safe_text),
		cmocka_unit_test(money_parser_reads_the_cash_in_the_register),
		cmocka_unit_test(report_parser_reads_every_sum_exactly),
		cmocka_unit_test(printed_parser_keeps_the_qr_exact),
		cmocka_unit_test(every_error_code_is_said_in_russian_and_kazakh),
		cmocka_unit_test(settings_are_checked_before_anything_is_made),
		T(authorize_gets_a_token),
		T(sale_with_mixed_payments_and_change_is_registered),
		T(weighed_line_costs_what_fiscal_md_says),
		T(return_with_its_basis_and_then_over_it_is_refused),
		T(duplicate_number_is_14_and_the_fetch_gets_the_same_receipt),
		T(fetch_of_an_unknown_number_is_19),
		T(expired_token_is_renewed_and_the_call_repeated),
		T(wrong_password_is_1_and_blocks),
		T(bad_api_key_is_401_code_3_and_blocks),
		T(unknown_cashbox_is_6_and_blocks),
		T(blocked_cashbox_is_7_and_blocks),
		T(money_in_and_out_and_too_much_out_is_8),
		T(x_and_z_reports_and_a_second_z_is_12),
		T(shift_over_24_hours_is_11_until_the_z),
		T(offline_receipts_and_over_72_hours_is_18),
		T(fail_rate_1_is_an_http_500_with_outcome_unknown),
		T(drop_rate_1_is_a_lost_connection_with_outcome_unknown),
		T(hang_rate_1_is_a_time_out_with_outcome_unknown),
		T(failed_receipts_sent_again_are_registered_once),
		T(dropped_receipts_sent_again_are_registered_once),
		T(hung_receipts_sent_again_are_registered_once),
		T(garbled_receipts_sent_again_are_registered_once),
		T(debug_trace_holds_no_secret),
		T(check_send_adds_token_and_cashbox_to_the_stored_bytes),
		T(stored_body_must_be_a_body_without_token),
		T(tls_handshake_failure_is_a_tls_error_with_nothing_sent),
		cmocka_unit_test(tls_certificate_is_verified_always),
	};
	if (getenv("KP_TEST_FILTER"))
		cmocka_set_test_filter(getenv("KP_TEST_FILTER"));
	return cmocka_run_group_tests_name("webkassa", tests, group_setup, group_teardown);
}
