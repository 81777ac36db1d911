/* test_xpay_json.c — the xpay client without a network: the exact bytes
 * of each request body, strict parsing of each answer (every field, every
 * malformed variant), the mapping of status + body to a result kind, the
 * retry rule, and the client's checks of its settings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "net/http.h"
#include "app/i18n.h"
#include "net/xpay.h"

/* Times of API.md's examples, as time_t. */
#define T_16_35_00 ((time_t)1778430900)
#define T_16_40_12 ((time_t)1778431212)
#define T_16_50_00 ((time_t)1778431800)
#define T_17_35_00 ((time_t)1778434500)
#define T_18_00_00 ((time_t)1778436000)

static const char HEALTH_OK[] =
	"{\"status\": \"ok\", \"timestamp\": \"2026-05-10T16:35:00Z\", \"version\": \"1.2.3\"}";

static const char CREATED_OK[] =
	"{\"payment_id\": \"pay_abc123def456\","
	" \"qr_token\": \"kaspi://pay?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\","
	" \"qr_image\": \"https://api.xpayment.kz/qr/pay_abc123def456.png\","
	" \"status\": \"pending\", \"expires_at\": \"2026-05-10T17:35:00Z\","
	" \"deeplink\": \"kaspi://pay?token=deep\"}";

static const char PAYMENT_OK[] =
	"{\"payment_id\":\"pay_abc123def456\",\"merchant_order_id\":\"T01-20260510-000001\","
	"\"status\":\"succeeded\",\"amount\":150000,\"refunded_amount\":50000,"
	"\"payment_method\":\"qr\",\"created_at\":\"2026-05-10T16:35:00Z\","
	"\"expires_at\":\"2026-05-10T16:50:00Z\",\"events\":["
	"{\"type\":\"created\",\"at\":\"2026-05-10T16:35:00Z\"},"
	"{\"type\":\"completed\",\"at\":\"2026-05-10T16:40:12Z\"}]}";

static const char REFUND_OK[] =
	"{\"refund_id\": \"ref_9f8e7d6c5b4a\", \"payment_id\": \"pay_abc123def456\","
	" \"merchant_refund_id\": \"T01-R-000001\", \"amount\": 150000,"
	" \"status\": \"succeeded\", \"created_at\": \"2026-05-10T18:00:00Z\"}";

/* A copy of base with the first `from` replaced by `to` (static buffer). */
static const char *with(const char *base, const char *from, const char *to)
{
	static char buf[8192];
	const char *at = strstr(base, from);
	assert_non_null(at);
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
	return buf;
}

static xpay_result fresh_result(void)
{
	xpay_result r;
	memset(&r, 0, sizeof r);
	return r;
}

/* ---- request bodies ---------------------------------------------------- */

static const xpay_product IPHONE[] = {
	{ .name = "iPhone 15 Pro 256GB", .quantity = 1, .price = 150000, .tax_rate = 12 },
};

static void create_body_is_compact_json_in_contract_order(void **state)
{
	(void)state;
	xpay_order o = {
		.merchant_order_id = "T01-20260510-000001",
		.amount = 150000,
		.description = "Order T01-20260510-000001",
		.payer_phone = "+77051234567",
		.payment_method = "qr",
		.return_url = "https://shop.example/order/1/success",
		.callback_url = "https://shop.example/webhook/kaspi",
		.products = IPHONE,
		.n_products = 1,
	};
	xpay_result r = fresh_result();
	char *body;
	size_t len;
	assert_int_equal(xpay_create_body(&o, &body, &len, &r), XPAY_OK);
	assert_string_equal(body,
		"{\"merchant_order_id\":\"T01-20260510-000001\",\"amount\":150000,"
		"\"description\":\"Order T01-20260510-000001\",\"payer_phone\":\"+77051234567\","
		"\"payment_method\":\"qr\",\"return_url\":\"https://shop.example/order/1/success\","
		"\"callback_url\":\"https://shop.example/webhook/kaspi\",\"products\":["
		"{\"name\":\"iPhone 15 Pro 256GB\",\"quantity\":1,\"price\":150000,\"tax_rate\":12}]}");
	assert_int_equal(len, strlen(body));
	free(body);
}

static void create_body_is_the_same_bytes_every_time(void **state)
{
	(void)state;
	xpay_order o = { .merchant_order_id = "T01-1", .amount = 150000,
					 .payment_method = "qr", .products = IPHONE, .n_products = 1 };
	xpay_result r = fresh_result();
	char *a, *b;
	size_t la, lb;
	assert_int_equal(xpay_create_body(&o, &a, &la, &r), XPAY_OK);
	assert_int_equal(xpay_create_body(&o, &b, &lb, &r), XPAY_OK);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
}

static void create_body_leaves_out_absent_optional_fields(void **state)
{
	(void)state;
	xpay_order o = { .merchant_order_id = "T01-2", .amount = 1, .payment_method = "qr" };
	xpay_result r = fresh_result();
	char *body;
	size_t len;
	assert_int_equal(xpay_create_body(&o, &body, &len, &r), XPAY_OK);
	assert_string_equal(body,
		"{\"merchant_order_id\":\"T01-2\",\"amount\":1,\"payment_method\":\"qr\"}");
	free(body);
}

static void create_body_escapes_quotes_backslashes_and_keeps_utf8(void **state)
{
	(void)state;
	const xpay_product lines[] = {
		{ .name = "Молоко \"Кокше\" 2,5%", .quantity = 2, .price = 45000, .tax_rate = 12 },
		{ .name = "a\\b", .quantity = 1, .price = 0, .tax_rate = 0 },
	};
	xpay_order o = { .merchant_order_id = "T01-3", .amount = 90000, .payment_method = "phone",
					 .payer_phone = "+77001112233", .description = "Сүт / milk",
					 .products = lines, .n_products = 2 };
	xpay_result r = fresh_result();
	char *body;
	size_t len;
	assert_int_equal(xpay_create_body(&o, &body, &len, &r), XPAY_OK);
	assert_string_equal(body,
		"{\"merchant_order_id\":\"T01-3\",\"amount\":90000,\"description\":\"Сүт / milk\","
		"\"payer_phone\":\"+77001112233\",\"payment_method\":\"phone\",\"products\":["
		"{\"name\":\"Молоко \\\"Кокше\\\" 2,5%\",\"quantity\":2,\"price\":45000,\"tax_rate\":12},"
		"{\"name\":\"a\\\\b\",\"quantity\":1,\"price\":0,\"tax_rate\":0}]}");
	free(body);
}

/* One broken rule per case; each must be refused before anything is sent. */
static void create_body_refuses_each_broken_rule(void **state)
{
	(void)state;
	const xpay_product zero_qty[] = { { "x", 0, 150000, 12 } };
	const xpay_product neg_price[] = { { "x", 1, -1, 12 } };
	const xpay_product vat_101[] = { { "x", 1, 150000, 101 } };
	const xpay_product no_name[] = { { "", 1, 150000, 12 } };
	const xpay_product null_name[] = { { NULL, 1, 150000, 12 } };
	const xpay_product long_name[] = { { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
										 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
										 1, 150000, 12 } };
	const xpay_product short_sum[] = { { "x", 1, 149999, 12 } };
	const xpay_product huge_sum[] = { { "x", 100000000, 100000000, 12 } };
	const xpay_product bad_utf8[] = { { "\xff\xfe", 1, 150000, 12 } };
	char long_desc[300];
	memset(long_desc, 'd', 256);
	long_desc[256] = '\0';
	const struct {
		const char *name;
		xpay_order o;
	} cases[] = {
		{ "no id", { .amount = 1, .payment_method = "qr" } },
		{ "short id", { .merchant_order_id = "T1", .amount = 1, .payment_method = "qr" } },
		{ "id with space", { .merchant_order_id = "T01 1", .amount = 1, .payment_method = "qr" } },
		{ "amount 0", { .merchant_order_id = "T01-1", .amount = 0, .payment_method = "qr" } },
		{ "amount over max", { .merchant_order_id = "T01-1", .amount = 100000001,
							   .payment_method = "qr" } },
		{ "negative amount", { .merchant_order_id = "T01-1", .amount = -5, .payment_method = "qr" } },
		{ "no method", { .merchant_order_id = "T01-1", .amount = 1 } },
		{ "method cash", { .merchant_order_id = "T01-1", .amount = 1, .payment_method = "cash" } },
		{ "phone without number", { .merchant_order_id = "T01-1", .amount = 1,
									.payment_method = "phone" } },
		{ "bad phone on qr", { .merchant_order_id = "T01-1", .amount = 1, .payment_method = "qr",
							   .payer_phone = "87051234567" } },
		{ "description too long", { .merchant_order_id = "T01-1", .amount = 1,
									.payment_method = "qr", .description = long_desc } },
		{ "description with newline", { .merchant_order_id = "T01-1", .amount = 1,
										.payment_method = "qr", .description = "a\nb" } },
		{ "empty description", { .merchant_order_id = "T01-1", .amount = 1,
								 .payment_method = "qr", .description = "" } },
		{ "empty return url", { .merchant_order_id = "T01-1", .amount = 1,
								.payment_method = "qr", .return_url = "" } },
		{ "products count without list", { .merchant_order_id = "T01-1", .amount = 1,
										   .payment_method = "qr", .n_products = 1 } },
		{ "quantity 0", { .merchant_order_id = "T01-1", .amount = 150000, .payment_method = "qr",
						  .products = zero_qty, .n_products = 1 } },
		{ "negative price", { .merchant_order_id = "T01-1", .amount = 150000,
							  .payment_method = "qr", .products = neg_price, .n_products = 1 } },
		{ "VAT 101", { .merchant_order_id = "T01-1", .amount = 150000, .payment_method = "qr",
					   .products = vat_101, .n_products = 1 } },
		{ "empty name", { .merchant_order_id = "T01-1", .amount = 150000, .payment_method = "qr",
						  .products = no_name, .n_products = 1 } },
		{ "null name", { .merchant_order_id = "T01-1", .amount = 150000, .payment_method = "qr",
						 .products = null_name, .n_products = 1 } },
		{ "name of 129", { .merchant_order_id = "T01-1", .amount = 150000, .payment_method = "qr",
						   .products = long_name, .n_products = 1 } },
		{ "name not UTF-8", { .merchant_order_id = "T01-1", .amount = 150000,
							  .payment_method = "qr", .products = bad_utf8, .n_products = 1 } },
		{ "lines short of amount", { .merchant_order_id = "T01-1", .amount = 150000,
									 .payment_method = "qr", .products = short_sum,
									 .n_products = 1 } },
		{ "lines overflow", { .merchant_order_id = "T01-1", .amount = 100000000,
							  .payment_method = "qr", .products = huge_sum, .n_products = 1 } },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xpay_result r = fresh_result();
		char sentinel[] = "untouched";
		char *body = sentinel;
		size_t len = 99;
		xpay_kind k = xpay_create_body(&cases[i].o, &body, &len, &r);
		if (k != XPAY_ERR_INVALID)
			fail_msg("case '%s': kind %s", cases[i].name, xpay_kind_name(k));
		assert_null(body);
		assert_int_equal(len, 0);
		assert_true(kp_msg_text(&r.msg)[0] != '\0');
	}
}

static void create_body_over_64_kib_is_refused(void **state)
{
	(void)state;
	enum { N = 600 };
	static xpay_product lines[N];
	static char name[129];
	memset(name, 'n', 128);
	for (size_t i = 0; i < N; i++)
		lines[i] = (xpay_product){ .name = name, .quantity = 1, .price = i ? 0 : 1000, .tax_rate = 12 };
	xpay_order o = { .merchant_order_id = "T01-big", .amount = 1000, .payment_method = "qr",
					 .products = lines, .n_products = N };
	xpay_result r = fresh_result();
	char *body;
	size_t len;
	assert_int_equal(xpay_create_body(&o, &body, &len, &r), XPAY_ERR_INVALID);
	assert_non_null(strstr(kp_msg_text(&r.msg), "64 KiB"));
}

static void refund_body_is_compact_json_in_contract_order(void **state)
{
	(void)state;
	xpay_refund_req q = { .payment_id = "pay_abc123def456", .amount = 150000,
						  .reason = "Client refused the order",
						  .merchant_refund_id = "T01-R-000001" };
	xpay_result r = fresh_result();
	char *body;
	size_t len;
	assert_int_equal(xpay_refund_body(&q, &body, &len, &r), XPAY_OK);
	assert_string_equal(body,
		"{\"payment_id\":\"pay_abc123def456\",\"amount\":150000,"
		"\"reason\":\"Client refused the order\",\"merchant_refund_id\":\"T01-R-000001\"}");
	assert_int_equal(len, strlen(body));
	free(body);
}

static void refund_body_without_refund_id_leaves_it_out(void **state)
{
	(void)state;
	xpay_refund_req q = { .payment_id = "pay_1", .amount = 1, .reason = "Брак" };
	xpay_result r = fresh_result();
	char *body;
	size_t len;
	assert_int_equal(xpay_refund_body(&q, &body, &len, &r), XPAY_OK);
	assert_string_equal(body, "{\"payment_id\":\"pay_1\",\"amount\":1,\"reason\":\"Брак\"}");
	free(body);
}

static void refund_body_refuses_each_broken_rule(void **state)
{
	(void)state;
	char long_reason[300];
	memset(long_reason, 'r', 256);
	long_reason[256] = '\0';
	const struct {
		const char *name;
		xpay_refund_req q;
	} cases[] = {
		{ "no payment id", { .amount = 1, .reason = "x" } },
		{ "payment id with space", { .payment_id = "pay 1", .amount = 1, .reason = "x" } },
		{ "payment id with newline", { .payment_id = "pay\n1", .amount = 1,
															 .reason = "x" } },
		{ "amount 0", { .payment_id = "pay_1", .amount = 0, .reason = "x" } },
		{ "amount over max", { .payment_id = "pay_1", .amount = 100000001, .reason = "x" } },
		{ "no reason", { .payment_id = "pay_1", .amount = 1 } },
		{ "empty reason", { .payment_id = "pay_1", .amount = 1, .reason = "" } },
		{ "reason of 256", { .payment_id = "pay_1", .amount = 1, .reason = long_reason } },
		{ "refund id too short", { .payment_id = "pay_1", .amount = 1, .reason = "x",
								   .merchant_refund_id = "R1" } },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xpay_result r = fresh_result();
		char *body;
		size_t len;
		xpay_kind k = xpay_refund_body(&cases[i].q, &body, &len, &r);
		if (k != XPAY_ERR_INVALID)
			fail_msg("case '%s': kind %s", cases[i].name, xpay_kind_name(k));
		assert_null(body);
	}
}

/* ---- parsing answers --------------------------------------------------- */

static void health_parses_every_field(void **state)
{
	(void)state;
	xpay_health h;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_health(HEALTH_OK, strlen(HEALTH_OK), &h, &r), XPAY_OK);
	assert_string_equal(h.status, "ok");
	assert_int_equal(h.timestamp, T_16_35_00);
	assert_string_equal(h.version, "1.2.3");
}

static void health_needs_only_status(void **state)
{
	(void)state;
	const char body[] = "{\"status\":\"ok\"}";
	xpay_health h;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_health(body, strlen(body), &h, &r), XPAY_OK);
	assert_string_equal(h.status, "ok");
	assert_int_equal(h.timestamp, 0);
	assert_string_equal(h.version, "");
}

static void created_parses_every_field(void **state)
{
	(void)state;
	xpay_created c;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_created(CREATED_OK, strlen(CREATED_OK), &c, &r), XPAY_OK);
	assert_string_equal(c.payment_id, "pay_abc123def456");
	assert_string_equal(c.qr_token, "kaspi://pay?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
	assert_string_equal(c.qr_image, "https://api.xpayment.kz/qr/pay_abc123def456.png");
	assert_int_equal(c.status, XPAY_STATE_PENDING);
	assert_int_equal(c.expires_at, T_17_35_00);
	assert_string_equal(c.deeplink, "kaspi://pay?token=deep");
}

static void created_without_image_and_deeplink_is_fine(void **state)
{
	(void)state;
	const char body[] = "{\"payment_id\":\"p1\",\"qr_token\":\"t\",\"status\":\"succeeded\","
						"\"expires_at\":\"2026-05-10T17:35:00Z\",\"qr_image\":null}";
	xpay_created c;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_created(body, strlen(body), &c, &r), XPAY_OK);
	assert_string_equal(c.qr_image, "");
	assert_string_equal(c.deeplink, "");
	assert_int_equal(c.status, XPAY_STATE_SUCCEEDED);
}

static void payment_parses_every_field_and_events(void **state)
{
	(void)state;
	xpay_payment p;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_payment(PAYMENT_OK, strlen(PAYMENT_OK), &p, &r), XPAY_OK);
	assert_string_equal(p.payment_id, "pay_abc123def456");
	assert_string_equal(p.merchant_order_id, "T01-20260510-000001");
	assert_int_equal(p.status, XPAY_STATE_SUCCEEDED);
	assert_string_equal(p.status_text, "succeeded");
	assert_int_equal(p.amount, 150000);
	assert_int_equal(p.refunded_amount, 50000);
	assert_string_equal(p.payment_method, "qr");
	assert_int_equal(p.created_at, T_16_35_00);
	assert_int_equal(p.expires_at, T_16_50_00);
	assert_int_equal(p.n_events, 2);
	assert_int_equal(p.n_events_total, 2);
	assert_int_equal(p.events[0].type, XPAY_EV_CREATED);
	assert_int_equal(p.events[0].at, T_16_35_00);
	assert_int_equal(p.events[1].type, XPAY_EV_COMPLETED);
	assert_int_equal(p.events[1].at, T_16_40_12);
}

static void payment_reads_every_state_name(void **state)
{
	(void)state;
	const struct {
		const char *text;
		xpay_state st;
	} cases[] = {
		{ "pending", XPAY_STATE_PENDING },     { "succeeded", XPAY_STATE_SUCCEEDED },
		{ "cancelled", XPAY_STATE_CANCELLED }, { "failed", XPAY_STATE_FAILED },
		{ "expired", XPAY_STATE_EXPIRED },     { "on_hold", XPAY_STATE_UNKNOWN },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char st[64];
		snprintf(st, sizeof st, "\"status\":\"%s\"", cases[i].text);
		const char *body = with(PAYMENT_OK, "\"status\":\"succeeded\"", st);
		xpay_payment p;
		xpay_result r = fresh_result();
		assert_int_equal(xpay_parse_payment(body, strlen(body), &p, &r), XPAY_OK);
		assert_int_equal(p.status, cases[i].st);
		assert_string_equal(p.status_text, cases[i].text);
	}
	assert_true(xpay_state_final(XPAY_STATE_EXPIRED));
	assert_false(xpay_state_final(XPAY_STATE_PENDING));
	assert_false(xpay_state_final(XPAY_STATE_UNKNOWN));
}

static void payment_ignores_unknown_event_types_and_fields(void **state)
{
	(void)state;
	const char *body = with(PAYMENT_OK, "\"events\":[",
		"\"extra\":{\"nested\":[1,2,{}]},\"events\":["
		"{\"type\":\"teleported\"},"
		"{\"type\":\"scanned\",\"at\":\"2026-05-10T16:36:00.250Z\",\"device\":\"ios\"},"
		"{\"type\":\"refunded_twice\",\"at\":17},");
	xpay_payment p;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_payment(body, strlen(body), &p, &r), XPAY_OK);
	assert_int_equal(p.n_events, 3);
	assert_int_equal(p.events[0].type, XPAY_EV_SCANNED);
	assert_int_equal(p.events[0].at, T_16_35_00 + 60);
	assert_int_equal(p.events[1].type, XPAY_EV_CREATED);
	assert_int_equal(p.events[2].type, XPAY_EV_COMPLETED);
}

static void payment_without_events_has_none(void **state)
{
	(void)state;
	/* the example without its events: it ends after expires_at */
	char buf[1024];
	const char *cut = strstr(PAYMENT_OK, ",\"events\"");
	snprintf(buf, sizeof buf, "%.*s}", (int)(cut - PAYMENT_OK), PAYMENT_OK);
	xpay_payment p;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_payment(buf, strlen(buf), &p, &r), XPAY_OK);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.n_events_total, 0);
}

static void payment_keeps_the_first_events_and_counts_all(void **state)
{
	(void)state;
	char events[8192];
	size_t o = 0;
	for (int i = 0; i < XPAY_EVENTS_MAX + 8; i++)
		o += (size_t)snprintf(events + o, sizeof events - o, "%s{\"type\":\"refunded\",\"at\":"
							  "\"2026-05-10T18:00:00Z\"}", i ? "," : "");
	char body[9000];
	const char *cut = strstr(PAYMENT_OK, "\"events\"");
	snprintf(body, sizeof body, "%.*s\"events\":[%s]}", (int)(cut - PAYMENT_OK), PAYMENT_OK,
			 events);
	xpay_payment p;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_payment(body, strlen(body), &p, &r), XPAY_OK);
	assert_int_equal(p.n_events, XPAY_EVENTS_MAX);
	assert_int_equal(p.n_events_total, XPAY_EVENTS_MAX + 8);
	assert_int_equal(p.events[XPAY_EVENTS_MAX - 1].at, T_18_00_00);
}

static void times_accept_any_rfc3339_form(void **state)
{
	(void)state;
	const char *forms[] = { "2026-05-10T21:35:00+05:00", "2026-05-10T16:35:00.999999Z",
							"2026-05-10t16:35:00z", "2026-05-10T14:35:00-02:00" };
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		char repl[80];
		snprintf(repl, sizeof repl, "\"created_at\":\"%s\"", forms[i]);
		const char *body = with(PAYMENT_OK, "\"created_at\":\"2026-05-10T16:35:00Z\"", repl);
		xpay_payment p;
		xpay_result r = fresh_result();
		assert_int_equal(xpay_parse_payment(body, strlen(body), &p, &r), XPAY_OK);
		assert_int_equal(p.created_at, T_16_35_00);
	}
}

static void integral_amount_written_with_exponent_or_point_is_accepted(void **state)
{
	(void)state;
	const char *body = with(PAYMENT_OK, "\"amount\":150000", "\"amount\":1.5e5");
	xpay_payment p;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_payment(body, strlen(body), &p, &r), XPAY_OK);
	assert_int_equal(p.amount, 150000);
}

static void refund_parses_every_field(void **state)
{
	(void)state;
	xpay_refunded f;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_refund(REFUND_OK, strlen(REFUND_OK), &f, &r), XPAY_OK);
	assert_string_equal(f.refund_id, "ref_9f8e7d6c5b4a");
	assert_string_equal(f.payment_id, "pay_abc123def456");
	assert_string_equal(f.merchant_refund_id, "T01-R-000001");
	assert_int_equal(f.amount, 150000);
	assert_string_equal(f.status, "succeeded");
	assert_int_equal(f.created_at, T_18_00_00);
}

/* Fields that are only ever shown come out safe for a terminal
 * (core/text.h); ESC, BEL, C1 and bad bytes never reach a screen. */
static void health_status_and_version_are_made_safe(void **state)
{
	(void)state;
	const char body[] = "{\"status\":\"\\u001b]0;owned\\u0007ok\","
						"\"version\":\"1.0\\u001b[2J\\u009b31m\xff\"}";
	xpay_health h;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_health(body, strlen(body), &h, &r), XPAY_OK);
	assert_string_equal(h.status, "\xef\xbf\xbd]0;owned\xef\xbf\xbdok");
	assert_string_equal(h.version, "1.0\xef\xbf\xbd[2J\xef\xbf\xbd" "31m\xef\xbf\xbd");
}

static void payment_status_text_and_method_are_made_safe(void **state)
{
	(void)state;
	char first[1024];
	snprintf(first, sizeof first, "%s",
			 with(PAYMENT_OK, "\"status\":\"succeeded\"", "\"status\":\"succeeded\\u001b[8m\""));
	const char *body = with(first, "\"payment_method\":\"qr\"", "\"payment_method\":\"qr\\r\\u0008\"");
	xpay_payment p;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_payment(body, strlen(body), &p, &r), XPAY_OK);
	assert_int_equal(p.status, XPAY_STATE_UNKNOWN); /* not a state name: not final */
	assert_string_equal(p.status_text, "succeeded\xef\xbf\xbd[8m");
	assert_string_equal(p.payment_method, "qr \xef\xbf\xbd");
}

static void refund_status_is_made_safe(void **state)
{
	(void)state;
	const char *body = with(REFUND_OK, "\"status\": \"succeeded\"",
							"\"status\": \"\\u009dsucceeded\"");
	xpay_refunded f;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_refund(body, strlen(body), &f, &r), XPAY_OK);
	assert_string_equal(f.status, "\xef\xbf\xbdsucceeded");
}

static void qr_token_and_links_stay_byte_for_byte(void **state)
{
	(void)state;
	/* what the QR encodes is the server's, exactly: made safe only where printed */
	const char *body = with(CREATED_OK, "\"qr_token\": \"kaspi://pay?token=",
							"\"qr_token\": \"\\u001b[31mkaspi://pay?token=");
	xpay_created c;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_created(body, strlen(body), &c, &r), XPAY_OK);
	assert_string_equal(c.qr_token, "\x1b[31mkaspi://pay?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
}

static void ids_with_control_bytes_are_bad_bodies(void **state)
{
	(void)state;
	/* ids travel back to the server: printable ASCII or a bad body */
	const char *body = with(PAYMENT_OK, "\"payment_id\":\"pay_abc123def456\"",
							"\"payment_id\":\"pay_\\u001b[2J\"");
	xpay_payment p;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_payment(body, strlen(body), &p, &r), XPAY_ERR_BAD_BODY);
}

static void refund_without_refund_id_is_fine(void **state)
{
	(void)state;
	const char *body = with(REFUND_OK, "\"T01-R-000001\"", "null");
	xpay_refunded f;
	xpay_result r = fresh_result();
	assert_int_equal(xpay_parse_refund(body, strlen(body), &f, &r), XPAY_OK);
	assert_string_equal(f.merchant_refund_id, "");
}

/* ---- malformed answers -------------------------------------------------- */

enum parser { P_HEALTH, P_CREATED, P_PAYMENT, P_REFUND };

static xpay_kind parse_with(enum parser which, const char *body, size_t len, xpay_result *r)
{
	static xpay_health h;
	static xpay_created c;
	static xpay_payment p;
	static xpay_refunded f;
	static const char zero[sizeof(xpay_created) + sizeof(xpay_payment)];
	xpay_kind k = XPAY_OK;
	switch (which) {
	case P_HEALTH:
		memset(&h, 0x55, sizeof h);
		k = xpay_parse_health(body, len, &h, r);
		if (k != XPAY_OK)
			assert_memory_equal(&h, zero, sizeof h);
		break;
	case P_CREATED:
		memset(&c, 0x55, sizeof c);
		k = xpay_parse_created(body, len, &c, r);
		if (k != XPAY_OK)
			assert_memory_equal(&c, zero, sizeof c);
		break;
	case P_PAYMENT:
		memset(&p, 0x55, sizeof p);
		k = xpay_parse_payment(body, len, &p, r);
		if (k != XPAY_OK)
			assert_memory_equal(&p, zero, sizeof p);
		break;
	case P_REFUND:
		memset(&f, 0x55, sizeof f);
		k = xpay_parse_refund(body, len, &f, r);
		if (k != XPAY_OK)
			assert_memory_equal(&f, zero, sizeof f);
		break;
	}
	return k;
}

static void expect_bad(enum parser which, const char *name, const char *body, size_t len)
{
	xpay_result r = fresh_result();
	xpay_kind k = parse_with(which, body, len, &r);
	if (k != XPAY_ERR_BAD_BODY)
		fail_msg("case '%s' (parser %d): kind %s", name, which, xpay_kind_name(k));
	if (strncmp(kp_msg_text(&r.msg), "Unreadable answer", 17) != 0)
		fail_msg("case '%s': message '%s'", name, kp_msg_text(&r.msg));
}

static void not_json_is_a_bad_body_for_every_parser(void **state)
{
	(void)state;
	const char *junk[] = { "", " ", "<html>502 Bad Gateway</html>", "{", "{\"status\":",
						   "{\"status\":\"ok\"", "[]", "[{\"status\":\"ok\"}]", "\"ok\"", "42",
						   "null", "true", "{\"status\":\"ok\"}}", "{\"status\":\"ok\"} x",
						   "{'status':'ok'}", "{\"status\":\"ok\",}" };
	for (enum parser w = P_HEALTH; w <= P_REFUND; w++)
		for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
			expect_bad(w, junk[i], junk[i], strlen(junk[i]));
}

static void truncated_answers_are_bad_bodies(void **state)
{
	(void)state;
	const char *ok[] = { HEALTH_OK, CREATED_OK, PAYMENT_OK, REFUND_OK };
	for (enum parser w = P_HEALTH; w <= P_REFUND; w++) {
		size_t n = strlen(ok[w]);
		for (size_t cut = 0; cut < n; cut++) {   /* every proper prefix */
			char name[32];
			snprintf(name, sizeof name, "prefix %zu", cut);
			expect_bad(w, name, ok[w], cut);
		}
	}
}

static void embedded_nul_ends_nothing_early(void **state)
{
	(void)state;
	char body[sizeof HEALTH_OK + 4];
	memcpy(body, HEALTH_OK, sizeof HEALTH_OK);     /* with its NUL */
	memcpy(body + sizeof HEALTH_OK, "{}", 2);
	expect_bad(P_HEALTH, "NUL then more", body, sizeof HEALTH_OK + 2);
}

static void health_with_wrong_types_or_missing_status_is_bad(void **state)
{
	(void)state;
	const struct {
		const char *from, *to;
	} cases[] = {
		{ "\"status\": \"ok\"", "\"status\": 1" },
		{ "\"status\": \"ok\"", "\"status\": null" },
		{ "\"status\": \"ok\"", "\"state\": \"ok\"" },
		{ "\"status\": \"ok\"", "\"status\": [\"ok\"]" },
		{ "\"2026-05-10T16:35:00Z\"", "\"yesterday\"" },
		{ "\"2026-05-10T16:35:00Z\"", "1778430900" },
		{ "\"1.2.3\"", "123" },
		{ "\"1.2.3\"", "\"0123456789012345678901234567890123456789012345678901234567890123\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *b = with(HEALTH_OK, cases[i].from, cases[i].to);
		expect_bad(P_HEALTH, cases[i].to, b, strlen(b));
	}
}

static void created_with_wrong_types_or_missing_fields_is_bad(void **state)
{
	(void)state;
	char long_token[XPAY_QR_SIZE + 20];
	snprintf(long_token, sizeof long_token, "\"qr_token\": \"%0*d\"", XPAY_QR_SIZE, 0);
	const struct {
		const char *from, *to;
	} cases[] = {
		{ "\"payment_id\": \"pay_abc123def456\",", "" },
		{ "\"payment_id\": \"pay_abc123def456\"", "\"payment_id\": 123" },
		{ "\"payment_id\": \"pay_abc123def456\"", "\"payment_id\": \"\"" },
		{ "\"payment_id\": \"pay_abc123def456\"", "\"payment_id\": \"pay abc\"" },
		{ "\"payment_id\": \"pay_abc123def456\"", "\"payment_id\": \"pay\\nabc\"" },
		{ "\"qr_token\": \"kaspi://pay?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\",", "" },
		{ "\"qr_token\": \"kaspi://pay?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\"",
		  "\"qr_token\": \"\"" },
		{ "\"qr_token\": \"kaspi://pay?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\"",
		  "\"qr_token\": {}" },
		{ "\"qr_token\": \"kaspi://pay?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\"", long_token },
		{ "\"status\": \"pending\",", "" },
		{ "\"status\": \"pending\"", "\"status\": true" },
		{ "\"expires_at\": \"2026-05-10T17:35:00Z\",", "" },
		{ "\"2026-05-10T17:35:00Z\"", "\"2026-05-10 17:35:00\"" },
		{ "\"2026-05-10T17:35:00Z\"", "\"2026-13-10T17:35:00Z\"" },
		{ "\"2026-05-10T17:35:00Z\"", "\"2026-05-10T17:35:00\"" },
		{ "\"https://api.xpayment.kz/qr/pay_abc123def456.png\"", "42" },
		{ "\"kaspi://pay?token=deep\"", "[]" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *b = with(CREATED_OK, cases[i].from, cases[i].to);
		expect_bad(P_CREATED, cases[i].to[0] ? cases[i].to : cases[i].from, b, strlen(b));
	}
}

static void payment_with_wrong_types_or_missing_fields_is_bad(void **state)
{
	(void)state;
	const char *required[] = { "\"payment_id\":\"pay_abc123def456\",",
							   "\"merchant_order_id\":\"T01-20260510-000001\",",
							   "\"status\":\"succeeded\",", "\"amount\":150000,",
							   "\"refunded_amount\":50000,", "\"payment_method\":\"qr\",",
							   "\"created_at\":\"2026-05-10T16:35:00Z\",",
							   "\"expires_at\":\"2026-05-10T16:50:00Z\"," };
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
		const char *b = with(PAYMENT_OK, required[i], "");
		expect_bad(P_PAYMENT, required[i], b, strlen(b));
	}
	const struct {
		const char *from, *to;
	} cases[] = {
		{ "\"amount\":150000", "\"amount\":150000.5" },
		{ "\"amount\":150000", "\"amount\":150000.0000001" },
		{ "\"amount\":150000", "\"amount\":\"150000\"" },
		{ "\"amount\":150000", "\"amount\":1e300" },
		{ "\"amount\":150000", "\"amount\":-1e300" },
		{ "\"amount\":150000", "\"amount\":1e999" },
		{ "\"amount\":150000", "\"amount\":9007199254740993" },
		{ "\"amount\":150000", "\"amount\":92233720368547758070" },
		{ "\"amount\":150000", "\"amount\":0" },
		{ "\"amount\":150000", "\"amount\":-150000" },
		{ "\"amount\":150000", "\"amount\":100000001" },
		{ "\"amount\":150000", "\"amount\":null" },
		{ "\"amount\":150000", "\"amount\":true" },
		{ "\"amount\":150000", "\"amount\":NaN" },
		{ "\"refunded_amount\":50000", "\"refunded_amount\":150001" },
		{ "\"refunded_amount\":50000", "\"refunded_amount\":-1" },
		{ "\"refunded_amount\":50000", "\"refunded_amount\":0.5" },
		{ "\"status\":\"succeeded\"", "\"status\":[]" },
		{ "\"status\":\"succeeded\"",
		  "\"status\":\"succeeded-succeeded-succeeded-succeeded-succeeded-succeeded-succeeded\"" },
		{ "\"payment_method\":\"qr\"", "\"payment_method\":7" },
		{ "\"T01-20260510-000001\"",
		  "\"T01-20260510-000001-T01-20260510-000001-T01-20260510-000001-T01-2\"" },
		{ "\"created_at\":\"2026-05-10T16:35:00Z\"", "\"created_at\":\"\"" },
		{ "\"created_at\":\"2026-05-10T16:35:00Z\"", "\"created_at\":\"2026-02-30T16:35:00Z\"" },
		{ "\"created_at\":\"2026-05-10T16:35:00Z\"", "\"created_at\":\"2026-05-10T25:35:00Z\"" },
		{ "\"created_at\":\"2026-05-10T16:35:00Z\"", "\"created_at\":\"16:35 10.05.2026\"" },
		{ "\"expires_at\":\"2026-05-10T16:50:00Z\"", "\"expires_at\":1778431800" },
		{ "\"events\":[", "\"events\":{}, \"x\":[" },
		{ "\"events\":[", "\"events\":[42," },
		{ "\"events\":[", "\"events\":[{\"at\":\"2026-05-10T16:35:00Z\"}," },
		{ "\"events\":[", "\"events\":[{\"type\":5,\"at\":\"2026-05-10T16:35:00Z\"}," },
		{ "\"events\":[", "\"events\":[{\"type\":\"created\"}," },
		{ "\"events\":[", "\"events\":[{\"type\":\"created\",\"at\":\"soon\"}," },
		{ "\"events\":[", "\"events\":[{\"type\":\"created\",\"at\":null}," },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *b = with(PAYMENT_OK, cases[i].from, cases[i].to);
		expect_bad(P_PAYMENT, cases[i].to, b, strlen(b));
	}
}

static void refund_with_wrong_types_or_missing_fields_is_bad(void **state)
{
	(void)state;
	const struct {
		const char *from, *to;
	} cases[] = {
		{ "\"refund_id\": \"ref_9f8e7d6c5b4a\",", "" },
		{ "\"payment_id\": \"pay_abc123def456\",", "" },
		{ "\"amount\": 150000,", "" },
		{ "\"status\": \"succeeded\",", "" },
		{ ", \"created_at\": \"2026-05-10T18:00:00Z\"", "" },
		{ "\"amount\": 150000", "\"amount\": 1500.00001" },
		{ "\"amount\": 150000", "\"amount\": \"1500\"" },
		{ "\"amount\": 150000", "\"amount\": 0" },
		{ "\"refund_id\": \"ref_9f8e7d6c5b4a\"", "\"refund_id\": 9" },
		{ "\"T01-R-000001\"", "17" },
		{ "\"T01-R-000001\"", "\"T01 R\"" },
		{ "\"2026-05-10T18:00:00Z\"", "\"2026-05-10T18:00:00+25:00\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *b = with(REFUND_OK, cases[i].from, cases[i].to);
		expect_bad(P_REFUND, cases[i].to[0] ? cases[i].to : cases[i].from, b, strlen(b));
	}
}

static void deep_nesting_is_a_bad_body_not_a_crash(void **state)
{
	(void)state;
	enum { DEPTH = 100000 };
	char *b = malloc(2 * DEPTH + 32);
	assert_non_null(b);
	size_t o = (size_t)snprintf(b, 32, "{\"status\":\"ok\",\"x\":");
	memset(b + o, '[', DEPTH);
	memset(b + o + DEPTH, ']', DEPTH);
	b[o + 2 * DEPTH] = '}';
	expect_bad(P_HEALTH, "deep", b, o + 2 * DEPTH + 1);
	free(b);
}

/* ---- error mapping ---------------------------------------------------- */

static xpay_result map(xpay_call call, long status, const char *body, long retry_after)
{
	xpay_result r = fresh_result();
	xpay_map_error(call, status, body, body ? strlen(body) : 0, retry_after, NULL, &r);
	return r;
}

#define ERR(code, msg) "{\"error\":{\"code\":\"" code "\",\"message\":\"" msg "\"}}"

static void status_401_says_the_key_was_rejected(void **state)
{
	(void)state;
	xpay_result r = map(XPAY_CALL_HEALTH, 401, ERR("unauthorized", "unknown key"), -1);
	assert_int_equal(r.kind, XPAY_ERR_HTTP);
	assert_int_equal(r.http_status, 401);
	assert_string_equal(r.code, "unauthorized");
	assert_string_equal(kp_msg_text(&r.msg),
						"API key rejected (401): check KASPI_XDEV_KEY and KASPI_MERCHANT_ID");
	assert_false(r.outcome_unknown);
	assert_false(xpay_result_retryable(&r));
	/* the same without a body */
	r = map(XPAY_CALL_STATUS, 401, NULL, -1);
	assert_int_equal(r.kind, XPAY_ERR_HTTP);
	assert_string_equal(r.code, "");
	assert_non_null(strstr(kp_msg_text(&r.msg), "API key rejected (401)"));
}

static void status_429_is_rate_limited_with_retry_after(void **state)
{
	(void)state;
	xpay_result r = map(XPAY_CALL_STATUS, 429, ERR("rate_limited", "slow down"), 7);
	assert_int_equal(r.kind, XPAY_ERR_RATE_LIMITED);
	assert_int_equal(r.retry_after_s, 7);
	assert_string_equal(kp_msg_text(&r.msg), "Too many requests (429): wait 7 s");
	assert_true(xpay_result_retryable(&r));
	assert_false(r.outcome_unknown);
}

static void status_429_without_retry_after_waits_one_second(void **state)
{
	(void)state;
	xpay_result r = map(XPAY_CALL_CREATE, 429, "garbage", -1);
	assert_int_equal(r.kind, XPAY_ERR_RATE_LIMITED);
	assert_int_equal(r.retry_after_s, 1);
}

static void status_5xx_is_retryable_and_outcome_unknown(void **state)
{
	(void)state;
	const long codes[] = { 500, 502, 503, 504 };
	for (size_t i = 0; i < 4; i++) {
		xpay_result r = map(XPAY_CALL_CREATE, codes[i], "<html>oops</html>", -1);
		assert_int_equal(r.kind, XPAY_ERR_HTTP);
		assert_int_equal(r.http_status, codes[i]);
		assert_true(r.outcome_unknown);
		assert_true(xpay_result_retryable(&r));
		assert_non_null(strstr(kp_msg_text(&r.msg), "Payment service error ("));
	}
}

static void each_contract_code_is_kept_with_its_own_message(void **state)
{
	(void)state;
	const struct {
		long status;
		const char *code;
	} cases[] = {
		{ 400, "malformed_json" },         { 400, "invalid_request" },
		{ 401, "unauthorized" },           { 402, "daily_limit_exceeded" },
		{ 404, "payment_not_found" },      { 422, "invalid_merchant_order_id" },
		{ 422, "duplicate_merchant_order_id" }, { 422, "amount_out_of_range" },
		{ 422, "amount_mismatch" },        { 422, "invalid_payment_method" },
		{ 422, "invalid_payer_phone" },    { 422, "refund_exceeds_available" },
		{ 422, "refund_window_closed" },   { 422, "payment_not_refundable" },
		{ 422, "payment_not_cancellable" }, { 422, "payment_not_pending" },
		{ 422, "invalid_merchant_refund_id" }, { 422, "duplicate_merchant_refund_id" },
		{ 422, "idempotency_key_mismatch" }, { 422, "invalid_field" },
		{ 404, "not_found" },              { 405, "method_not_allowed" },
		{ 413, "payload_too_large" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char body[200];
		snprintf(body, sizeof body, "{\"error\":{\"code\":\"%s\",\"message\":\"m\"}}",
				 cases[i].code);
		xpay_result r = map(XPAY_CALL_REFUND, cases[i].status, body, -1);
		assert_int_equal(r.kind, XPAY_ERR_HTTP);
		assert_string_equal(r.code, cases[i].code);
		assert_false(r.outcome_unknown);
		assert_false(xpay_result_retryable(&r));
		char status[16];
		snprintf(status, sizeof status, "(%ld)", cases[i].status);
		if (!strstr(kp_msg_text(&r.msg), status))
			fail_msg("%s: message '%s'", cases[i].code, kp_msg_text(&r.msg));
		assert_null(strstr(kp_msg_text(&r.msg), "refused the request"));   /* a specific text */
	}
}

static void unknown_code_shows_code_and_server_message(void **state)
{
	(void)state;
	xpay_result r = map(XPAY_CALL_CREATE, 422, ERR("too_sunny", "try at night"), -1);
	assert_int_equal(r.kind, XPAY_ERR_HTTP);
	assert_string_equal(r.code, "too_sunny");
	assert_string_equal(kp_msg_text(&r.msg),
						"Payment service refused the request (422 too_sunny): try at night");
}

static void invalid_field_appends_the_server_message(void **state)
{
	(void)state;
	xpay_result r = map(XPAY_CALL_CREATE, 422, ERR("invalid_field", "description too long"), -1);
	assert_string_equal(kp_msg_text(&r.msg), "A field was rejected (422): description too long");
}

static void server_message_is_cleaned_for_the_screen(void **state)
{
	(void)state;
	xpay_result r = map(XPAY_CALL_CREATE, 422,
						ERR("invalid_field", "line1\\nline2\\u001b[31mred\\ttab"), -1);
	assert_string_equal(kp_msg_text(&r.msg), "A field was rejected (422): line1 line2\xef\xbf\xbd[31mred tab");
	/* a long Cyrillic message is cut on a character boundary */
	char body[2048];
	char msg[1024];
	size_t o = 0;
	for (int i = 0; i < 100; i++)
		o += (size_t)snprintf(msg + o, sizeof msg - o, "ж");
	snprintf(body, sizeof body, ERR("invalid_field", "%s"), msg);
	r = map(XPAY_CALL_CREATE, 422, body, -1);
	assert_int_equal(r.msg.n, 2);
	size_t n = strlen(r.msg.arg[1]);     /* the server's words, an argument */
	assert_true(n < XPAY_MESSAGE_SIZE);
	assert_int_equal(n % 2, 0);
	assert_int_equal(strlen(kp_msg_text(&r.msg)), strlen("A field was rejected (422): ") + n);
}

static void contract_codes_are_said_in_our_words_not_the_servers(void **state)
{
	(void)state;
	const char *codes[] = { "refund_exceeds_available", "invalid_payer_phone",
							"daily_limit_exceeded", "payment_not_cancellable",
							"duplicate_merchant_refund_id", "malformed_json" };
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		char body[200];
		snprintf(body, sizeof body, ERR("%s", "English words of the server"), codes[i]);
		xpay_result r = map(XPAY_CALL_REFUND, 422, body, -1);
		const char *text = kp_msg_text(&r.msg);
		if (strstr(text, "English words"))
			fail_msg("%s: '%s'", codes[i], text);
		assert_string_equal(r.msg.arg[0], "422");     /* the status, as text */
	}
	xpay_result r = map(XPAY_CALL_REFUND, 422,
						ERR("refund_exceeds_available", "amount > available"), -1);
	assert_string_equal(kp_msg_text(&r.msg), "Refund is more than is left of the payment (422)");
}

static void messages_are_msgids_with_arguments_never_sentences(void **state)
{
	(void)state;
	xpay_result r = fresh_result();
	xpay_product line = { .name = "", .quantity = 1, .price = 100, .tax_rate = 12 };
	xpay_order o = { .merchant_order_id = "T01-1", .amount = 100, .payment_method = "qr",
					 .products = &line, .n_products = 1 };
	char *body;
	size_t len;
	assert_int_equal(xpay_create_body(&o, &body, &len, &r), XPAY_ERR_INVALID);
	assert_string_equal(r.msg.id, "Line %zu: name must be 1-128 characters");
	assert_int_equal(r.msg.n, 1);
	assert_string_equal(r.msg.arg[0], "1");
	r = map(XPAY_CALL_STATUS, 429, NULL, 7);
	assert_string_equal(r.msg.id, "Too many requests (429): wait %ld s");
	assert_string_equal(r.msg.arg[0], "7");
}

/* The build tree's catalogs (build/locale), beside build/tests. */
static void bind_build_catalog(const char *lang)
{
	char exe[1024], dir[1100];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(dir, sizeof dir, "%s/../locale", exe);
	i18n_init(lang);
	bindtextdomain("kaspi-pos", dir);
}

static void every_message_of_the_contract_is_said_in_russian_and_kazakh(void **state)
{
	(void)state;
	const char *codes[] = {
		"malformed_json", "invalid_request", "unauthorized", "daily_limit_exceeded",
		"payment_not_found", "invalid_merchant_order_id", "duplicate_merchant_order_id",
		"amount_out_of_range", "amount_mismatch", "invalid_payment_method",
		"invalid_payer_phone", "refund_exceeds_available", "refund_window_closed",
		"payment_not_refundable", "payment_not_cancellable", "payment_not_pending",
		"invalid_merchant_refund_id", "duplicate_merchant_refund_id",
		"idempotency_key_mismatch", "invalid_field", "not_found", "method_not_allowed",
		"payload_too_large", "rate_limited", "too_sunny",
	};
	const char *langs[] = { "ru", "kk" };
	for (size_t l = 0; l < 2; l++) {
		bind_build_catalog(langs[l]);
		for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
			char body[200];
			snprintf(body, sizeof body, ERR("%s", "m"), codes[i]);
			xpay_result r = map(XPAY_CALL_CREATE, 422, body, -1);
			if (strcmp(kp_msg_text(&r.msg), kp_msg_format(&r.msg, r.msg.id, body, sizeof body)) == 0)
				fail_msg("%s: %s not translated: %s", langs[l], codes[i], r.msg.id);
			if (!strstr(kp_msg_text(&r.msg), "422"))
				fail_msg("%s: %s lost its status: %s", langs[l], codes[i], kp_msg_text(&r.msg));
		}
		xpay_result r = map(XPAY_CALL_CREATE, 503, NULL, -1);
		assert_string_not_equal(kp_msg_text(&r.msg), "Payment service error (503): try again later");
	}
	i18n_init("en");
}

static void server_message_that_is_not_utf8_shows_replacement_characters(void **state)
{
	(void)state;
	const char body[] = "{\"error\":{\"code\":\"invalid_field\",\"message\":\"bad \xff\xfe byte\"}}";
	xpay_result r = fresh_result();
	xpay_map_error(XPAY_CALL_CREATE, 422, body, strlen(body), -1, NULL, &r);
	assert_string_equal(kp_msg_text(&r.msg), "A field was rejected (422): bad \xef\xbf\xbd\xef\xbf\xbd byte");
}

static void server_message_loses_its_c1_controls_and_osc(void **state)
{
	(void)state;
	/* U+009B is CSI in one character; ESC ] 0 ; … BEL retitles the window */
	xpay_result r = map(XPAY_CALL_CREATE, 422,
						ERR("invalid_field", "\\u009b2J\\u001b]0;owned\\u0007x"), -1);
	assert_string_equal(kp_msg_text(&r.msg), "A field was rejected (422): "
								   "\xef\xbf\xbd" "2J\xef\xbf\xbd]0;owned\xef\xbf\xbdx");
}

static void odd_or_long_codes_are_not_trusted(void **state)
{
	(void)state;
	xpay_result r = map(XPAY_CALL_CREATE, 422, ERR("Bad Code!", "x"), -1);
	assert_string_equal(r.code, "");
	r = map(XPAY_CALL_CREATE, 422,
			ERR("a_code_that_is_far_too_long_to_be_one_of_the_contract_codes", "x"), -1);
	assert_string_equal(r.code, "");
	r = map(XPAY_CALL_CREATE, 422, "{\"error\":{\"code\":5}}", -1);
	assert_string_equal(r.code, "");
	assert_int_equal(r.kind, XPAY_ERR_HTTP);
}

static void cancel_404_without_payment_not_found_is_unsupported(void **state)
{
	(void)state;
	xpay_result r = map(XPAY_CALL_CANCEL, 404, ERR("not_found", "no such path"), -1);
	assert_int_equal(r.kind, XPAY_UNSUPPORTED);
	assert_false(xpay_result_retryable(&r));
	r = map(XPAY_CALL_CANCEL, 404, "<html>Not Found</html>", -1);
	assert_int_equal(r.kind, XPAY_UNSUPPORTED);
	r = map(XPAY_CALL_CANCEL, 404, NULL, -1);
	assert_int_equal(r.kind, XPAY_UNSUPPORTED);
}

static void cancel_405_is_unsupported(void **state)
{
	(void)state;
	xpay_result r = map(XPAY_CALL_CANCEL, 405, ERR("method_not_allowed", "x"), -1);
	assert_int_equal(r.kind, XPAY_UNSUPPORTED);
	assert_int_equal(r.http_status, 405);
}

static void cancel_of_unknown_payment_is_an_error(void **state)
{
	(void)state;
	xpay_result r = map(XPAY_CALL_CANCEL, 404, ERR("payment_not_found", "x"), -1);
	assert_int_equal(r.kind, XPAY_ERR_HTTP);
	assert_string_equal(r.code, "payment_not_found");
}

static void not_found_on_other_calls_is_not_unsupported(void **state)
{
	(void)state;
	xpay_result r = map(XPAY_CALL_STATUS, 404, ERR("not_found", "x"), -1);
	assert_int_equal(r.kind, XPAY_ERR_HTTP);
	r = map(XPAY_CALL_REFUND, 405, NULL, -1);
	assert_int_equal(r.kind, XPAY_ERR_HTTP);
}

static void cancel_422_carries_the_current_payment(void **state)
{
	(void)state;
	char body[2048];
	snprintf(body, sizeof body,
			 "{\"error\":{\"code\":\"payment_not_cancellable\",\"message\":\"not pending\"},"
			 "\"payment\":%s}", PAYMENT_OK);
	xpay_payment p;
	xpay_result r = fresh_result();
	xpay_map_error(XPAY_CALL_CANCEL, 422, body, strlen(body), -1, &p, &r);
	assert_int_equal(r.kind, XPAY_ERR_HTTP);
	assert_string_equal(r.code, "payment_not_cancellable");
	assert_true(r.has_payment);
	assert_int_equal(p.status, XPAY_STATE_SUCCEEDED);
	assert_string_equal(p.payment_id, "pay_abc123def456");
	assert_int_equal(p.amount, 150000);
}

static void cancel_422_with_a_broken_payment_has_none(void **state)
{
	(void)state;
	const char *bodies[] = {
		"{\"error\":{\"code\":\"payment_not_cancellable\",\"message\":\"x\"}}",
		"{\"error\":{\"code\":\"payment_not_cancellable\",\"message\":\"x\"},\"payment\":[]}",
		"{\"error\":{\"code\":\"payment_not_cancellable\",\"message\":\"x\"},"
		"\"payment\":{\"payment_id\":\"p\",\"amount\":1.5}}",
	};
	for (size_t i = 0; i < 3; i++) {
		xpay_payment p;
		memset(&p, 0x55, sizeof p);
		xpay_result r = fresh_result();
		xpay_map_error(XPAY_CALL_CANCEL, 422, bodies[i], strlen(bodies[i]), -1, &p, &r);
		assert_int_equal(r.kind, XPAY_ERR_HTTP);
		assert_string_equal(r.code, "payment_not_cancellable");
		assert_false(r.has_payment);
		assert_string_equal(p.payment_id, "");
	}
}

static void redirect_is_an_error_that_points_at_the_url(void **state)
{
	(void)state;
	xpay_result r = map(XPAY_CALL_HEALTH, 301, "", -1);
	assert_int_equal(r.kind, XPAY_ERR_HTTP);
	assert_non_null(strstr(kp_msg_text(&r.msg), "KASPI_BASE_URL"));
}

static void retryable_only_where_a_repeat_can_help(void **state)
{
	(void)state;
	const struct {
		xpay_kind kind;
		long status;
		bool retry;
	} cases[] = {
		{ XPAY_OK, 200, false },           { XPAY_ERR_CONFIG, 0, false },
		{ XPAY_ERR_INVALID, 0, false },    { XPAY_ERR_CONNECT, 0, true },
		{ XPAY_ERR_TIMEOUT, 0, true },     { XPAY_ERR_TLS, 0, false },
		{ XPAY_ERR_NETWORK, 0, true },     { XPAY_ERR_HTTP, 422, false },
		{ XPAY_ERR_HTTP, 401, false },     { XPAY_ERR_HTTP, 500, true },
		{ XPAY_ERR_HTTP, 503, true },      { XPAY_ERR_RATE_LIMITED, 429, true },
		{ XPAY_ERR_BAD_BODY, 201, true },  { XPAY_UNSUPPORTED, 404, false },
		{ XPAY_ERR_NOMEM, 0, false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xpay_result r = fresh_result();
		r.kind = cases[i].kind;
		r.http_status = cases[i].status;
		if (xpay_result_retryable(&r) != cases[i].retry)
			fail_msg("%s %ld", xpay_kind_name(cases[i].kind), cases[i].status);
	}
}

/* ---- response headers -------------------------------------------------- */

static bool header(http_response *r, const char *line)
{
	return http_header_line(r, line, strlen(line));
}

static void header_lines_give_length_date_retry_after_and_replay(void **state)
{
	(void)state;
	http_response r;
	memset(&r, 0, sizeof r);
	assert_true(header(&r, "HTTP/1.1 429 Too Many Requests\r\n"));
	assert_int_equal(r.content_length, -1);
	assert_int_equal(r.retry_after_s, -1);
	assert_true(header(&r, "content-length:  47 \r\n"));
	assert_int_equal(r.content_length, 47);
	assert_true(header(&r, "Date: Sun, 10 May 2026 16:35:00 GMT\r\n"));
	assert_true(r.has_date);
	assert_int_equal(r.date, T_16_35_00);
	assert_true(header(&r, "Retry-After: 120\r\n"));
	assert_int_equal(r.retry_after_s, 120);
	assert_true(header(&r, "Retry-After: 99999999999999999999999\r\n"));
	assert_int_equal(r.retry_after_s, 120);     /* unreadable: kept */
	assert_true(header(&r, "Retry-After: 9999999\r\n"));
	assert_int_equal(r.retry_after_s, 86400);   /* capped at a day */
	assert_true(header(&r, "Idempotent-Replayed: TRUE\r\n"));
	assert_true(r.replayed);
	assert_true(header(&r, "Idempotent-Replayed: yes\r\n"));
	assert_false(r.replayed);
	assert_true(header(&r, "X-Idempotent-Replayed-Not: true\r\n"));
	assert_false(r.replayed);
	assert_true(header(&r, "\r\n"));
	/* a new status line (after a 100 Continue, say) forgets them */
	assert_true(header(&r, "HTTP/1.1 200 OK\r\n"));
	assert_false(r.has_date);
	assert_int_equal(r.content_length, -1);
}

static void header_content_length_over_1_mib_aborts(void **state)
{
	(void)state;
	http_response r;
	memset(&r, 0, sizeof r);
	assert_true(header(&r, "Content-Length: 1048576\r\n"));
	assert_false(header(&r, "Content-Length: 1048577\r\n"));
	assert_true(header(&r, "Content-Length: -5\r\n"));
	assert_int_equal(r.content_length, -1);
	assert_true(header(&r, "Content-Length: 99999999999999999999999999\r\n"));
	assert_int_equal(r.content_length, -1);
}

/* ---- client settings -------------------------------------------------- */

#define GOOD_KEY "xdev_ab12cd34ef56gh78ij90"
#define GOOD_BIN "123456789012"

static void client_refuses_a_malformed_key_without_echoing_it(void **state)
{
	(void)state;
	const char *keys[] = { "xdev_SECRETsecretSECRETse", "xdev_secret", "secretsecretsecretsecret1",
						   "", "xdev_secretsecretsecret12345" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		xpay_options o = { .base_url = "https://api.xpayment.kz/api/v1", .key = keys[i],
						   .merchant_id = GOOD_BIN };
		xpay_result r = fresh_result();
		assert_null(xpay_client_new(&o, &r));
		assert_int_equal(r.kind, XPAY_ERR_CONFIG);
		assert_non_null(strstr(kp_msg_text(&r.msg), "KASPI_XDEV_KEY"));
		assert_null(strstr(kp_msg_text(&r.msg), "ecret"));
		assert_null(strstr(kp_msg_text(&r.msg), "ECRET"));
	}
	xpay_options o = { .base_url = "https://api.xpayment.kz/api/v1", .merchant_id = GOOD_BIN };
	xpay_result r = fresh_result();
	assert_null(xpay_client_new(&o, &r));
	assert_int_equal(r.kind, XPAY_ERR_CONFIG);
}

static void client_refuses_a_malformed_bin(void **state)
{
	(void)state;
	xpay_options o = { .base_url = "https://api.xpayment.kz/api/v1", .key = GOOD_KEY,
					   .merchant_id = "12345" };
	xpay_result r = fresh_result();
	assert_null(xpay_client_new(&o, &r));
	assert_int_equal(r.kind, XPAY_ERR_CONFIG);
	assert_non_null(strstr(kp_msg_text(&r.msg), "KASPI_MERCHANT_ID"));
}

static void client_refuses_urls_that_would_leak_or_skip_tls(void **state)
{
	(void)state;
	const char *urls[] = { NULL, "", "api.xpayment.kz/api/v1", "ftp://api.xpayment.kz/",
						   "file:///etc/passwd", "http://api.xpayment.kz/api/v1",
						   "http://10.0.0.1:8080/api/v1", "https://user:pw@api.xpayment.kz/",
						   "https://api.xpayment.kz/api/v1?x=1", "https://api.xpayment.kz/#f",
						   "http://127.0.0.1.evil.example/api/v1", "gopher://127.0.0.1/" };
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		xpay_options o = { .base_url = urls[i], .key = GOOD_KEY, .merchant_id = GOOD_BIN };
		xpay_result r = fresh_result();
		xpay_client *c = xpay_client_new(&o, &r);
		if (c || r.kind != XPAY_ERR_CONFIG)
			fail_msg("url '%s' accepted", urls[i] ? urls[i] : "(null)");
		assert_non_null(strstr(kp_msg_text(&r.msg), "KASPI_BASE_URL"));
	}
}

static void client_accepts_https_and_loopback_http(void **state)
{
	(void)state;
	const char *urls[] = { "https://api.xpayment.kz/api/v1", "https://sandbox.xpayment.kz/api/v1/",
						   "http://127.0.0.1:8080/api/v1", "http://localhost:1/api/v1",
						   "http://[::1]:9/api/v1" };
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		xpay_options o = { .base_url = urls[i], .key = GOOD_KEY, .merchant_id = GOOD_BIN };
		xpay_result r = fresh_result();
		xpay_client *c = xpay_client_new(&o, &r);
		if (!c)
			fail_msg("url '%s' refused: %s", urls[i], kp_msg_text(&r.msg));
		assert_int_equal(r.kind, XPAY_OK);
		assert_int_equal(xpay_client_connects(c), 0);
		xpay_client_free(c);
	}
	xpay_client_free(NULL);
}

static void client_refuses_negative_timeouts(void **state)
{
	(void)state;
	xpay_options o = { .base_url = "https://api.xpayment.kz/api/v1", .key = GOOD_KEY,
					   .merchant_id = GOOD_BIN, .timeout_ms = -1 };
	xpay_result r = fresh_result();
	assert_null(xpay_client_new(&o, &r));
	assert_int_equal(r.kind, XPAY_ERR_CONFIG);
}

static void calls_refuse_malformed_payment_ids_before_sending(void **state)
{
	(void)state;
	xpay_options o = { .base_url = "http://127.0.0.1:1/api/v1", .key = GOOD_KEY,
					   .merchant_id = GOOD_BIN };
	xpay_result r = fresh_result();
	xpay_client *c = xpay_client_new(&o, &r);
	assert_non_null(c);
	xpay_payment p;
	assert_int_equal(xpay_payment_get(c, "pay 1", &p, &r), XPAY_ERR_INVALID);
	assert_int_equal(xpay_payment_get(c, "", &p, &r), XPAY_ERR_INVALID);
	assert_int_equal(xpay_payment_get(c, NULL, &p, &r), XPAY_ERR_INVALID);
	assert_int_equal(xpay_cancel(c, "pay\r\nX-Evil: 1", &p, &r), XPAY_ERR_INVALID);
	assert_int_equal(xpay_sandbox(c, "pay_1", (xpay_sandbox_step)99, &p, &r), XPAY_ERR_INVALID);
	xpay_created cr;
	assert_int_equal(xpay_create_send(c, "", 0, &cr, &r), XPAY_ERR_INVALID);
	assert_int_equal(xpay_client_connects(c), 0);
	xpay_client_free(c);
}

static int group_setup(void **state)
{
	(void)state;
	return xpay_global_init() ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	xpay_global_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_body_is_compact_json_in_contract_order),
		cmocka_unit_test(create_body_is_the_same_bytes_every_time),
		cmocka_unit_test(create_body_leaves_out_absent_optional_fields),
		cmocka_unit_test(create_body_escapes_quotes_backslashes_and_keeps_utf8),
		cmocka_unit_test(create_body_refuses_each_broken_rule),
		cmocka_unit_test(create_body_over_64_kib_is_refused),
		cmocka_unit_test(refund_body_is_compact_json_in_contract_order),
		cmocka_unit_test(refund_body_without_refund_id_leaves_it_out),
		cmocka_unit_test(refund_body_refuses_each_broken_rule),
		cmocka_unit_test(health_parses_every_field),
		cmocka_unit_test(health_needs_only_status),
		cmocka_unit_test(created_parses_every_field),
		cmocka_unit_test(created_without_image_and_deeplink_is_fine),
		cmocka_unit_test(payment_parses_every_field_and_events),
		cmocka_unit_test(payment_reads_every_state_name),
		cmocka_unit_test(payment_ignores_unknown_event_types_and_fields),
		cmocka_unit_test(payment_without_events_has_none),
		cmocka_unit_test(payment_keeps_the_first_events_and_counts_all),
		cmocka_unit_test(times_accept_any_rfc3339_form),
		cmocka_unit_test(integral_amount_written_with_exponent_or_point_is_accepted),
		cmocka_unit_test(refund_parses_every_field),
		cmocka_unit_test(refund_without_refund_id_is_fine),
		cmocka_unit_test(health_status_and_version_are_made_safe),
		cmocka_unit_test(payment_status_text_and_method_are_made_safe),
		cmocka_unit_test(refund_status_is_made_safe),
		cmocka_unit_test(qr_token_and_links_stay_byte_for_byte),
		cmocka_unit_test(ids_with_control_bytes_are_bad_bodies),
		cmocka_unit_test(not_json_is_a_bad_body_for_every_parser),
		cmocka_unit_test(truncated_answers_are_bad_bodies),
		cmocka_unit_test(embedded_nul_ends_nothing_early),
		cmocka_unit_test(health_with_wrong_types_or_missing_status_is_bad),
		cmocka_unit_test(created_with_wrong_types_or_missing_fields_is_bad),
		cmocka_unit_test(payment_with_wrong_types_or_missing_fields_is_bad),
		cmocka_unit_test(refund_with_wrong_types_or_missing_fields_is_bad),
		cmocka_unit_test(deep_nesting_is_a_bad_body_not_a_crash),
		cmocka_unit_test(status_401_says_the_key_was_rejected),
		cmocka_unit_test(status_429_is_rate_limited_with_retry_after),
		cmocka_unit_test(status_429_without_retry_after_waits_one_second),
		cmocka_unit_test(status_5xx_is_retryable_and_outcome_unknown),
		cmocka_unit_test(each_contract_code_is_kept_with_its_own_message),
		cmocka_unit_test(unknown_code_shows_code_and_server_message),
		cmocka_unit_test(invalid_field_appends_the_server_message),
		cmocka_unit_test(server_message_is_cleaned_for_the_screen),
		cmocka_unit_test(contract_codes_are_said_in_our_words_not_the_servers),
		cmocka_unit_test(messages_are_msgids_with_arguments_never_sentences),
		cmocka_unit_test(server_message_that_is_not_utf8_shows_replacement_characters),
		cmocka_unit_test(server_message_loses_its_c1_controls_and_osc),
		cmocka_unit_test(odd_or_long_codes_are_not_trusted),
		cmocka_unit_test(cancel_404_without_payment_not_found_is_unsupported),
		cmocka_unit_test(cancel_405_is_unsupported),
		cmocka_unit_test(cancel_of_unknown_payment_is_an_error),
		cmocka_unit_test(not_found_on_other_calls_is_not_unsupported),
		cmocka_unit_test(cancel_422_carries_the_current_payment),
		cmocka_unit_test(cancel_422_with_a_broken_payment_has_none),
		cmocka_unit_test(redirect_is_an_error_that_points_at_the_url),
		cmocka_unit_test(retryable_only_where_a_repeat_can_help),
		cmocka_unit_test(header_lines_give_length_date_retry_after_and_replay),
		cmocka_unit_test(header_content_length_over_1_mib_aborts),
		cmocka_unit_test(client_refuses_a_malformed_key_without_echoing_it),
		cmocka_unit_test(client_refuses_a_malformed_bin),
		cmocka_unit_test(client_refuses_urls_that_would_leak_or_skip_tls),
		cmocka_unit_test(client_accepts_https_and_loopback_http),
		cmocka_unit_test(client_refuses_negative_timeouts),
		cmocka_unit_test(calls_refuse_malformed_payment_ids_before_sending),
		cmocka_unit_test(every_message_of_the_contract_is_said_in_russian_and_kazakh),
	};
	return cmocka_run_group_tests_name("xpay_json", tests, group_setup, group_teardown);
}
