/* test_client.c — the xpay client against a real kaspi-sandbox (started
 * per test on a free port with the flags the test needs) and, for what no
 * honest server does, against a raw socket responder that also shows the
 * exact request bytes. Exercises every endpoint, every contract error the
 * client can provoke, replay after a lost answer, 429, time-out, garbled
 * bodies, 500s, refused connections, keep-alive, clock skew, redaction.
 * Sandbox binary: $KP_SANDBOX or build/kaspi-sandbox. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/i18n.h"
#include "net/xpay.h"
#include "../support/raw_server.h"
#include "../support/sandbox_proc.h"

#define KEY "xdev_ab12cd34ef56gh78ij90"
#define OTHER_KEY "xdev_zz99yy88xx77ww66vv55"
#define BIN "123456789012"
#define READY_MS 5000

/* One test's sandbox and client; teardown frees whatever is set. */
typedef struct world {
	sandbox_proc sp;
	xpay_client *c;
	bool sp_up;         /* sp was started */
	raw_server raw;
	bool raw_up;        /* raw was started */
	char *answer;       /* heap answer of the raw server, if any */
} world;

/* A call's kind is also in its result: the two must agree. */
#define expect_same(call, res)                                                            \
	do {                                                                               \
		xpay_kind kind_ = (call);                                                  \
		assert_int_equal(kind_, (res).kind);                                       \
	} while (0)

static int next_id;

/* A fresh merchant_order_id / merchant_refund_id for this run. */
static const char *new_id(const char *prefix)
{
	static char ids[64][40];
	char *id = ids[next_id % 64];
	snprintf(id, sizeof ids[0], "%s-%d-%04d", prefix, (int)getpid(), ++next_id);
	return id;
}

static xpay_client *client_at(const char *url, const char *key, long timeout_ms, FILE *debug)
{
	xpay_options o = { .base_url = url, .key = key, .merchant_id = BIN,
	                   .timeout_ms = timeout_ms, .connect_timeout_ms = 1000, .debug = debug };
	xpay_result r;
	xpay_client *c = xpay_client_new(&o, &r);
	if (!c)
		fail_msg("client for %s: %s", url, kp_msg_text(&r.msg));
	return c;
}

/* Starts a sandbox with our key and merchant, no simulated buyer, and the
 * extra flags (NULL-terminated); makes a client with a 5 s time-out. */
static world *up(void **state, ...)
{
	const char *args[48] = { "--key", KEY, "--merchant", BIN, "--pay-after", "0" };
	size_t n = 6;
	va_list ap;
	va_start(ap, state);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL && n < 47;)
		args[n++] = a;
	va_end(ap);
	args[n] = NULL;

	world *w = calloc(1, sizeof *w);
	assert_non_null(w);
	*state = w;
	if (!sandbox_start(&w->sp, args, READY_MS))
		fail_msg("kaspi-sandbox did not start (%s)", sandbox_binary());
	w->sp_up = true;
	w->c = client_at(w->sp.base_url, KEY, 5000, NULL);
	return w;
}

/* Starts the raw responder with `answer`, and a client to it. */
static world *up_raw(void **state, const char *answer, size_t len, int flags, long timeout_ms)
{
	world *w = calloc(1, sizeof *w);
	assert_non_null(w);
	*state = w;
	assert_true(raw_server_start(&w->raw, answer, len, flags));
	w->raw_up = true;
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1", w->raw.port);
	w->c = client_at(url, KEY, timeout_ms, NULL);
	return w;
}

static int down(void **state)
{
	world *w = *state;
	if (!w)
		return 0;
	xpay_client_free(w->c);
	if (w->sp_up)
		sandbox_stop(&w->sp);
	if (w->raw_up)
		raw_server_stop(&w->raw);
	free(w->answer);
	free(w);
	*state = NULL;
	return 0;
}

/* Asserts kind, printing the result's message when it differs. */
#define expect_kind(r, k) \
	do { \
		if ((r).kind != (k)) \
			fail_msg("expected %s, got %s (HTTP %ld %s): %s", xpay_kind_name(k), \
			         xpay_kind_name((r).kind), (r).http_status, (r).code, kp_msg_text(&(r).msg)); \
	} while (0)

#define expect_code(r, status, c) \
	do { \
		expect_kind(r, XPAY_ERR_HTTP); \
		assert_int_equal((r).http_status, (status)); \
		assert_string_equal((r).code, (c)); \
	} while (0)

/* Creates a pending QR payment of `amount` with one product line. */
static void create_payment(world *w, int64_t amount, xpay_created *out)
{
	xpay_product line = { .name = "Товар", .quantity = 1, .price = amount, .tax_rate = 12 };
	xpay_order o = { .merchant_order_id = new_id("T"), .amount = amount, .payment_method = "qr",
	                 .description = "test order", .products = &line, .n_products = 1 };
	xpay_result r;
	expect_same((xpay_create(w->c, &o, out, &r)), r);
	expect_kind(r, XPAY_OK);
}

/* Creates and pays a payment; returns its id in out. */
static void paid_payment(world *w, int64_t amount, xpay_created *out)
{
	xpay_payment p;
	xpay_result r;
	create_payment(w, amount, out);
	expect_same(xpay_sandbox(w->c, out->payment_id, XPAY_SANDBOX_PAY, &p, &r), r);
	expect_kind(r, XPAY_OK);
	assert_int_equal(p.status, XPAY_STATE_SUCCEEDED);
}

/* ---- every endpoint ---------------------------------------------------- */

static void health_answers_ok_with_version_and_skew(void **state)
{
	world *w = up(state, NULL);
	xpay_health h;
	xpay_result r;
	expect_same((xpay_health_get(w->c, &h, &r)), r);
	expect_kind(r, XPAY_OK);
	assert_int_equal(r.http_status, 200);
	assert_string_equal(h.status, "ok");
	assert_true(h.timestamp > 0);
	assert_true(r.round_trip_ms >= 0 && r.round_trip_ms < 2000);
	assert_true(r.has_skew);
	assert_true(r.skew_s >= -2 && r.skew_s <= 2);
	assert_string_equal(kp_msg_text(&r.msg), "");
}

static void create_answers_201_pending_with_a_qr_token(void **state)
{
	world *w = up(state, NULL);
	xpay_created c;
	create_payment(w, 150000, &c);
	assert_true(c.payment_id[0] != '\0');
	assert_true(c.qr_token[0] != '\0');
	assert_int_equal(c.status, XPAY_STATE_PENDING);
	time_t now = time(NULL);
	assert_true(c.expires_at > now + 800 && c.expires_at <= now + 905);
}

static void create_repeated_with_the_same_body_is_replayed(void **state)
{
	world *w = up(state, NULL);
	xpay_order o = { .merchant_order_id = new_id("T"), .amount = 5000, .payment_method = "qr" };
	char *body;
	size_t len;
	xpay_result r;
	assert_int_equal(xpay_create_body(&o, &body, &len, &r), XPAY_OK);
	xpay_created a, b;
	expect_same((xpay_create_send(w->c, body, len, &a, &r)), r);
	expect_kind(r, XPAY_OK);
	assert_int_equal(r.http_status, 201);
	assert_false(r.replayed);
	expect_same((xpay_create_send(w->c, body, len, &b, &r)), r);
	expect_kind(r, XPAY_OK);
	assert_int_equal(r.http_status, 200);
	assert_true(r.replayed);
	assert_string_equal(a.payment_id, b.payment_id);
	free(body);
}

static void status_shows_the_payment_and_its_events(void **state)
{
	world *w = up(state, NULL);
	xpay_created c;
	create_payment(w, 7700, &c);
	xpay_payment p;
	xpay_result r;
	expect_same(xpay_sandbox(w->c, c.payment_id, XPAY_SANDBOX_SCAN, &p, &r), r);
	expect_kind(r, XPAY_OK);
	expect_same((xpay_payment_get(w->c, c.payment_id, &p, &r)), r);
	expect_kind(r, XPAY_OK);
	assert_string_equal(p.payment_id, c.payment_id);
	assert_int_equal(p.status, XPAY_STATE_PENDING);
	assert_int_equal(p.amount, 7700);
	assert_int_equal(p.refunded_amount, 0);
	assert_string_equal(p.payment_method, "qr");
	assert_int_equal(p.expires_at, c.expires_at);
	assert_int_equal(p.n_events, 2);
	assert_int_equal(p.events[0].type, XPAY_EV_CREATED);
	assert_int_equal(p.events[1].type, XPAY_EV_SCANNED);
	assert_true(p.events[1].at >= p.events[0].at);
}

static void sandbox_pay_makes_the_payment_succeeded(void **state)
{
	world *w = up(state, NULL);
	xpay_created c;
	paid_payment(w, 12345, &c);
	xpay_payment p;
	xpay_result r;
	expect_same((xpay_payment_get(w->c, c.payment_id, &p, &r)), r);
	expect_kind(r, XPAY_OK);
	assert_int_equal(p.status, XPAY_STATE_SUCCEEDED);
	assert_int_equal(p.events[p.n_events - 1].type, XPAY_EV_COMPLETED);
}

static void sandbox_decline_fail_and_expire_end_the_payment(void **state)
{
	world *w = up(state, NULL);
	const struct {
		xpay_sandbox_step step;
		xpay_state st;
		xpay_event_type ev;
	} cases[] = {
		{ XPAY_SANDBOX_DECLINE, XPAY_STATE_CANCELLED, XPAY_EV_CANCELLED },
		{ XPAY_SANDBOX_FAIL, XPAY_STATE_FAILED, XPAY_EV_FAILED },
		{ XPAY_SANDBOX_EXPIRE, XPAY_STATE_EXPIRED, XPAY_EV_EXPIRED },
	};
	for (size_t i = 0; i < 3; i++) {
		xpay_created c;
		create_payment(w, 1000, &c);
		xpay_payment p;
		xpay_result r;
		expect_same(xpay_sandbox(w->c, c.payment_id, cases[i].step, &p, &r), r);
		expect_kind(r, XPAY_OK);
		assert_int_equal(p.status, cases[i].st);
		assert_true(xpay_state_final(p.status));
		assert_int_equal(p.events[p.n_events - 1].type, cases[i].ev);
	}
}

static void cancel_of_a_pending_payment_answers_cancelled(void **state)
{
	world *w = up(state, NULL);
	xpay_created c;
	create_payment(w, 2500, &c);
	xpay_payment p;
	xpay_result r;
	expect_same((xpay_cancel(w->c, c.payment_id, &p, &r)), r);
	expect_kind(r, XPAY_OK);
	assert_int_equal(p.status, XPAY_STATE_CANCELLED);
	assert_string_equal(p.payment_id, c.payment_id);
}

static void cancel_of_a_paid_payment_is_refused_with_the_payment(void **state)
{
	world *w = up(state, NULL);
	xpay_created c;
	paid_payment(w, 2500, &c);
	xpay_payment p;
	xpay_result r;
	expect_same((xpay_cancel(w->c, c.payment_id, &p, &r)), r);
	expect_code(r, 422, "payment_not_cancellable");
	assert_true(r.has_payment);
	assert_int_equal(p.status, XPAY_STATE_SUCCEEDED);
	assert_string_equal(p.payment_id, c.payment_id);
	assert_false(xpay_result_retryable(&r));
}

static void cancel_on_a_server_without_it_is_unsupported(void **state)
{
	world *w = up(state, NULL);
	char url[SANDBOX_URL_SIZE + 8];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v9", w->sp.port);
	xpay_client *old = client_at(url, KEY, 5000, NULL);
	xpay_payment p;
	xpay_result r;
	expect_same((xpay_cancel(old, "pay_anything", &p, &r)), r);
	xpay_client_free(old);
	expect_kind(r, XPAY_UNSUPPORTED);
	assert_int_equal(r.http_status, 404);
	assert_false(xpay_result_retryable(&r));
}

static void refund_of_a_paid_payment_succeeds_in_parts(void **state)
{
	world *w = up(state, NULL);
	xpay_created c;
	paid_payment(w, 150000, &c);
	xpay_refund_req q = { .payment_id = c.payment_id, .amount = 50000, .reason = "Возврат",
	                      .merchant_refund_id = new_id("R") };
	xpay_refunded f;
	xpay_result r;
	expect_same((xpay_refund(w->c, &q, &f, &r)), r);
	expect_kind(r, XPAY_OK);
	assert_int_equal(r.http_status, 201);
	assert_true(f.refund_id[0] != '\0');
	assert_string_equal(f.payment_id, c.payment_id);
	assert_string_equal(f.merchant_refund_id, q.merchant_refund_id);
	assert_int_equal(f.amount, 50000);
	assert_string_equal(f.status, "succeeded");
	assert_true(f.created_at > 0);

	xpay_payment p;
	expect_same((xpay_payment_get(w->c, c.payment_id, &p, &r)), r);
	expect_kind(r, XPAY_OK);
	assert_int_equal(p.status, XPAY_STATE_SUCCEEDED);
	assert_int_equal(p.refunded_amount, 50000);
	assert_int_equal(p.events[p.n_events - 1].type, XPAY_EV_REFUNDED);
}

static void refund_repeated_with_the_same_body_is_replayed(void **state)
{
	world *w = up(state, NULL);
	xpay_created c;
	paid_payment(w, 9000, &c);
	xpay_refund_req q = { .payment_id = c.payment_id, .amount = 9000, .reason = "full",
	                      .merchant_refund_id = new_id("R") };
	char *body;
	size_t len;
	xpay_result r;
	assert_int_equal(xpay_refund_body(&q, &body, &len, &r), XPAY_OK);
	xpay_refunded a, b;
	expect_same((xpay_refund_send(w->c, body, len, &a, &r)), r);
	expect_kind(r, XPAY_OK);
	assert_false(r.replayed);
	expect_same((xpay_refund_send(w->c, body, len, &b, &r)), r);
	expect_kind(r, XPAY_OK);
	assert_true(r.replayed);
	assert_int_equal(r.http_status, 200);
	assert_string_equal(a.refund_id, b.refund_id);
	free(body);
}

/* ---- contract errors the client can provoke ---------------------------- */

static void wrong_key_is_rejected_with_a_hint_and_without_the_key(void **state)
{
	world *w = up(state, NULL);
	xpay_client *c = client_at(w->sp.base_url, OTHER_KEY, 5000, NULL);
	xpay_health h;
	xpay_result r;
	expect_same((xpay_health_get(c, &h, &r)), r);
	xpay_client_free(c);
	expect_code(r, 401, "unauthorized");
	assert_non_null(strstr(kp_msg_text(&r.msg), "API key rejected (401)"));
	assert_non_null(strstr(kp_msg_text(&r.msg), "KASPI_XDEV_KEY"));
	assert_null(strstr(kp_msg_text(&r.msg), "zz99"));
	assert_false(xpay_result_retryable(&r));
}

static void wrong_merchant_is_unauthorized(void **state)
{
	world *w = up(state, NULL);
	xpay_options o = { .base_url = w->sp.base_url, .key = KEY, .merchant_id = "999999999999" };
	xpay_result r;
	xpay_client *c = xpay_client_new(&o, &r);
	assert_non_null(c);
	xpay_health h;
	expect_same((xpay_health_get(c, &h, &r)), r);
	xpay_client_free(c);
	expect_code(r, 401, "unauthorized");
}

static void unknown_payment_is_payment_not_found(void **state)
{
	world *w = up(state, NULL);
	xpay_payment p;
	xpay_result r;
	expect_same((xpay_payment_get(w->c, "pay_doesnotexist", &p, &r)), r);
	expect_code(r, 404, "payment_not_found");
	expect_same((xpay_cancel(w->c, "pay_doesnotexist", &p, &r)), r);
	expect_code(r, 404, "payment_not_found");     /* not "unsupported" */
}

static void unknown_path_is_not_found_with_a_url_hint(void **state)
{
	world *w = up(state, NULL);
	char url[SANDBOX_URL_SIZE + 8];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v9", w->sp.port);
	xpay_client *c = client_at(url, KEY, 5000, NULL);
	xpay_health h;
	xpay_result r;
	expect_same((xpay_health_get(c, &h, &r)), r);
	xpay_client_free(c);
	expect_code(r, 404, "not_found");
	assert_non_null(strstr(kp_msg_text(&r.msg), "KASPI_BASE_URL"));
}

static void order_id_reused_with_another_body_is_duplicate(void **state)
{
	world *w = up(state, NULL);
	const char *id = new_id("T");
	xpay_order o = { .merchant_order_id = id, .amount = 1000, .payment_method = "qr" };
	xpay_created c;
	xpay_result r;
	expect_same((xpay_create(w->c, &o, &c, &r)), r);
	expect_kind(r, XPAY_OK);
	o.amount = 2000;
	expect_same((xpay_create(w->c, &o, &c, &r)), r);
	expect_code(r, 422, "duplicate_merchant_order_id");
}

static void refund_id_reused_with_another_body_is_duplicate(void **state)
{
	world *w = up(state, NULL);
	xpay_created c;
	paid_payment(w, 10000, &c);
	xpay_refund_req q = { .payment_id = c.payment_id, .amount = 100, .reason = "one",
	                      .merchant_refund_id = new_id("R") };
	xpay_refunded f;
	xpay_result r;
	expect_same((xpay_refund(w->c, &q, &f, &r)), r);
	expect_kind(r, XPAY_OK);
	q.amount = 200;
	expect_same((xpay_refund(w->c, &q, &f, &r)), r);
	expect_code(r, 422, "duplicate_merchant_refund_id");
}

static void refund_over_what_is_left_is_refused(void **state)
{
	world *w = up(state, NULL);
	xpay_created c;
	paid_payment(w, 10000, &c);
	xpay_refund_req q = { .payment_id = c.payment_id, .amount = 10001, .reason = "too much",
	                      .merchant_refund_id = new_id("R") };
	xpay_refunded f;
	xpay_result r;
	expect_same((xpay_refund(w->c, &q, &f, &r)), r);
	expect_code(r, 422, "refund_exceeds_available");
}

static void refund_of_a_pending_payment_is_refused(void **state)
{
	world *w = up(state, NULL);
	xpay_created c;
	create_payment(w, 10000, &c);
	xpay_refund_req q = { .payment_id = c.payment_id, .amount = 100, .reason = "early",
	                      .merchant_refund_id = new_id("R") };
	xpay_refunded f;
	xpay_result r;
	expect_same((xpay_refund(w->c, &q, &f, &r)), r);
	expect_code(r, 422, "payment_not_refundable");
}

static void sandbox_step_on_a_paid_payment_is_not_pending(void **state)
{
	world *w = up(state, NULL);
	xpay_created c;
	paid_payment(w, 1000, &c);
	xpay_payment p;
	xpay_result r;
	expect_same(xpay_sandbox(w->c, c.payment_id, XPAY_SANDBOX_DECLINE, &p, &r), r);
	expect_code(r, 422, "payment_not_pending");
}

static void order_over_the_daily_limit_is_402(void **state)
{
	world *w = up(state, "--daily-limit", "1000", NULL);    /* KZT */
	xpay_order o = { .merchant_order_id = new_id("T"), .amount = 150000, .payment_method = "qr" };
	xpay_created c;
	xpay_result r;
	expect_same((xpay_create(w->c, &o, &c, &r)), r);
	expect_code(r, 402, "daily_limit_exceeded");
	assert_non_null(strstr(kp_msg_text(&r.msg), "Daily payment limit"));
}

/* Stored bodies that break a rule the client itself would have refused:
 * each gets the contract's code from the server. */
static void stored_create_bodies_get_each_rule_code(void **state)
{
	world *w = up(state, NULL);
	static char big[70 * 1024];
	static char long_desc[400];
	memset(long_desc, 0, sizeof long_desc);
	memset(long_desc, 'd', 300);
	snprintf(big, sizeof big, "{\"merchant_order_id\":\"T-big-1\",\"amount\":100,"
	         "\"payment_method\":\"qr\",\"description\":\"");
	size_t bl = strlen(big);
	memset(big + bl, 'x', sizeof big - bl - 8);
	memcpy(big + sizeof big - 8, "\"}", 3);
	char desc_body[600];
	snprintf(desc_body, sizeof desc_body, "{\"merchant_order_id\":\"T-inv-7\",\"amount\":100,"
	         "\"payment_method\":\"qr\",\"description\":\"%s\"}", long_desc);
	const struct {
		const char *body;
		long status;
		const char *code;
	} cases[] = {
		{ "not json", 400, "malformed_json" },
		{ "[1,2]", 400, "malformed_json" },
		{ "{\"merchant_order_id\":\"T-inv-1\",\"amount\":\"100\",\"payment_method\":\"qr\"}",
		  400, "invalid_request" },
		{ "{\"merchant_order_id\":\"T-inv-2\",\"amount\":100.5,\"payment_method\":\"qr\"}",
		  400, "invalid_request" },
		{ "{\"amount\":100,\"payment_method\":\"qr\"}", 400, "invalid_request" },
		{ "{\"merchant_order_id\":\"ab\",\"amount\":100,\"payment_method\":\"qr\"}",
		  422, "invalid_merchant_order_id" },
		{ "{\"merchant_order_id\":\"T-inv-3\",\"amount\":0,\"payment_method\":\"qr\"}",
		  422, "amount_out_of_range" },
		{ "{\"merchant_order_id\":\"T-inv-4\",\"amount\":100,\"payment_method\":\"qr\","
		  "\"products\":[{\"name\":\"x\",\"quantity\":1,\"price\":99,\"tax_rate\":12}]}",
		  422, "amount_mismatch" },
		{ "{\"merchant_order_id\":\"T-inv-5\",\"amount\":100,\"payment_method\":\"cash\"}",
		  422, "invalid_payment_method" },
		{ "{\"merchant_order_id\":\"T-inv-6\",\"amount\":100,\"payment_method\":\"phone\"}",
		  422, "invalid_payer_phone" },
		{ desc_body, 422, "invalid_field" },
		{ big, 413, "payload_too_large" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xpay_created c;
		xpay_result r;
		expect_same((xpay_create_send(w->c, cases[i].body, strlen(cases[i].body), &c, &r)), r);
		if (r.kind != XPAY_ERR_HTTP || r.http_status != cases[i].status ||
		    strcmp(r.code, cases[i].code) != 0)
			fail_msg("case %zu (%s): got %s %ld '%s': %s", i, cases[i].code,
			         xpay_kind_name(r.kind), r.http_status, r.code, kp_msg_text(&r.msg));
		assert_false(xpay_result_retryable(&r));
	}
}

static void stored_refund_bodies_get_each_rule_code(void **state)
{
	world *w = up(state, NULL);
	xpay_created c;
	paid_payment(w, 10000, &c);
	char b1[256], b2[256], b3[256];
	snprintf(b1, sizeof b1, "{\"payment_id\":\"%s\",\"amount\":1,\"reason\":\"r\","
	         "\"merchant_refund_id\":\"ab\"}", c.payment_id);
	snprintf(b2, sizeof b2, "{\"payment_id\":\"%s\",\"amount\":0,\"reason\":\"r\","
	         "\"merchant_refund_id\":\"R-inv-2\"}", c.payment_id);
	snprintf(b3, sizeof b3, "{\"payment_id\":\"%s\",\"amount\":1,\"reason\":\"\","
	         "\"merchant_refund_id\":\"R-inv-3\"}", c.payment_id);
	const struct {
		const char *body;
		long status;
		const char *code;
	} cases[] = {
		{ b1, 422, "invalid_merchant_refund_id" },
		{ b2, 422, "amount_out_of_range" },
		{ b3, 422, "invalid_field" },
		{ "{\"payment_id\":\"pay_nope\",\"amount\":1,\"reason\":\"r\"}", 404, "payment_not_found" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xpay_refunded f;
		xpay_result r;
		expect_same((xpay_refund_send(w->c, cases[i].body, strlen(cases[i].body), &f, &r)), r);
		if (r.kind != XPAY_ERR_HTTP || r.http_status != cases[i].status ||
		    strcmp(r.code, cases[i].code) != 0)
			fail_msg("case %zu (%s): got %s %ld '%s': %s", i, cases[i].code,
			         xpay_kind_name(r.kind), r.http_status, r.code, kp_msg_text(&r.msg));
	}
}

/* ---- faults ------------------------------------------------------------ */

static void lost_answer_then_repeat_is_replayed_not_duplicated(void **state)
{
	world *w = up(state, "--drop-rate", "0.5", "--seed", "7", NULL);
	xpay_order o = { .merchant_order_id = new_id("T"), .amount = 4200, .payment_method = "qr" };
	char *body;
	size_t len;
	xpay_result r;
	assert_int_equal(xpay_create_body(&o, &body, &len, &r), XPAY_OK);
	char first_id[XPAY_ID_SIZE] = "";
	bool lost = false, replay_after_loss = false;
	for (int attempt = 0; attempt < 40 && !replay_after_loss; attempt++) {
		xpay_created c;
		expect_same((xpay_create_send(w->c, body, len, &c, &r)), r);
		if (r.kind == XPAY_ERR_NETWORK) {
			assert_true(r.outcome_unknown);
			assert_true(xpay_result_retryable(&r));
			lost = true;
			continue;
		}
		expect_kind(r, XPAY_OK);
		if (!first_id[0])
			snprintf(first_id, sizeof first_id, "%s", c.payment_id);
		assert_string_equal(c.payment_id, first_id);    /* never a second payment */
		if (lost && r.replayed)
			replay_after_loss = true;
	}
	free(body);
	assert_true(lost);
	assert_true(replay_after_loss);
}

static void rate_limit_gives_429_with_retry_after(void **state)
{
	world *w = up(state, "--rate-limit", "3", NULL);
	xpay_health h;
	xpay_result r;
	for (int i = 0; i < 10; i++) {
		expect_same((xpay_health_get(w->c, &h, &r)), r);
		if (r.kind != XPAY_OK)
			break;
	}
	expect_kind(r, XPAY_ERR_RATE_LIMITED);
	assert_int_equal(r.http_status, 429);
	assert_true(r.retry_after_s >= 1 && r.retry_after_s <= 60);
	assert_true(xpay_result_retryable(&r));
	assert_false(r.outcome_unknown);
	assert_non_null(strstr(kp_msg_text(&r.msg), "(429)"));
}

static void hang_past_the_timeout_is_a_timeout_with_unknown_outcome(void **state)
{
	world *w = up(state, "--hang-rate", "1", NULL);
	xpay_client *quick = client_at(w->sp.base_url, KEY, 400, NULL);
	xpay_order o = { .merchant_order_id = new_id("T"), .amount = 1000, .payment_method = "qr" };
	xpay_created c;
	xpay_result r;
	expect_same((xpay_create(quick, &o, &c, &r)), r);
	xpay_client_free(quick);
	expect_kind(r, XPAY_ERR_TIMEOUT);
	assert_true(r.outcome_unknown);
	assert_true(xpay_result_retryable(&r));
	assert_true(r.round_trip_ms >= 350 && r.round_trip_ms < 1500);
}

static void garbled_answer_is_a_bad_body_with_unknown_outcome(void **state)
{
	world *w = up(state, "--garble-rate", "1", "--seed", "3", NULL);
	for (int i = 0; i < 4; i++) {    /* both halves: truncated JSON and HTML */
		xpay_order o = { .merchant_order_id = new_id("T"), .amount = 1000, .payment_method = "qr" };
		xpay_created c;
		xpay_result r;
		expect_same((xpay_create(w->c, &o, &c, &r)), r);
		expect_kind(r, XPAY_ERR_BAD_BODY);
		assert_true(r.http_status >= 200 && r.http_status < 300);
		assert_true(r.outcome_unknown);
		assert_true(xpay_result_retryable(&r));
		assert_string_equal(c.payment_id, "");
		assert_non_null(strstr(kp_msg_text(&r.msg), "Unreadable answer"));
	}
}

static void server_500_is_an_error_worth_retrying(void **state)
{
	world *w = up(state, "--fail-rate", "1", NULL);
	xpay_order o = { .merchant_order_id = new_id("T"), .amount = 1000, .payment_method = "qr" };
	xpay_created c;
	xpay_result r;
	expect_same((xpay_create(w->c, &o, &c, &r)), r);
	expect_kind(r, XPAY_ERR_HTTP);
	assert_int_equal(r.http_status, 500);
	assert_true(r.outcome_unknown);
	assert_true(xpay_result_retryable(&r));
	assert_non_null(strstr(kp_msg_text(&r.msg), "Payment service error (500"));
}

static void refused_connection_is_a_connect_error_with_nothing_sent(void **state)
{
	(void)state;
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1", sandbox_free_port());
	xpay_client *c = client_at(url, KEY, 2000, NULL);
	xpay_order o = { .merchant_order_id = new_id("T"), .amount = 1000, .payment_method = "qr" };
	xpay_created cr;
	xpay_result r;
	expect_same((xpay_create(c, &o, &cr, &r)), r);
	xpay_client_free(c);
	expect_kind(r, XPAY_ERR_CONNECT);
	assert_false(r.outcome_unknown);
	assert_int_equal(r.http_status, 0);
	assert_true(xpay_result_retryable(&r));
	assert_non_null(strstr(kp_msg_text(&r.msg), "Cannot reach"));
}

static void ten_calls_use_one_connection(void **state)
{
	world *w = up(state, NULL);
	xpay_created c;
	create_payment(w, 1000, &c);
	for (int i = 0; i < 9; i++) {
		xpay_payment p;
		xpay_result r;
		expect_same((xpay_payment_get(w->c, c.payment_id, &p, &r)), r);
		expect_kind(r, XPAY_OK);
	}
	assert_int_equal(xpay_client_connects(w->c), 1);
}

static void debug_trace_never_shows_the_key(void **state)
{
	world *w = up(state, NULL);
	FILE *trace = tmpfile();
	assert_non_null(trace);
	xpay_client *c = client_at(w->sp.base_url, KEY, 5000, trace);
	xpay_health h;
	xpay_result r;
	expect_same((xpay_health_get(c, &h, &r)), r);
	expect_kind(r, XPAY_OK);
	xpay_created cr;
	xpay_order o = { .merchant_order_id = new_id("T"), .amount = 1000, .payment_method = "qr" };
	expect_same((xpay_create(c, &o, &cr, &r)), r);
	expect_kind(r, XPAY_OK);
	xpay_client_free(c);

	static char text[65536];
	rewind(trace);
	size_t n = fread(text, 1, sizeof text - 1, trace);
	text[n] = '\0';
	fclose(trace);
	assert_true(n > 0);
	assert_non_null(strstr(text, "Authorization: [redacted]"));
	assert_non_null(strstr(text, "X-Merchant-ID: " BIN));
	assert_null(strstr(text, KEY));
	assert_null(strstr(text, "ab12cd34ef56gh78ij90"));
}

/* ---- the wire, through a raw responder --------------------------------- */

static const char CREATED_201[] =
	"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 125\r\n\r\n"
	"{\"payment_id\":\"pay_1\",\"qr_token\":\"tok\",\"status\":\"pending\","
	"\"expires_at\":\"2026-05-10T17:35:00Z\",\"qr_image\":null,\"deeplink\":\"d\"}";

static void create_sends_exactly_the_contract_headers_and_bytes(void **state)
{
	assert_int_equal(strlen(strstr(CREATED_201, "\r\n\r\n") + 4), 125);
	world *w = up_raw(state, CREATED_201, strlen(CREATED_201), RAW_KEEP_ALIVE, 2000);
	xpay_order o = { .merchant_order_id = "T01-wire-1", .amount = 150000, .payment_method = "qr" };
	char *body;
	size_t len;
	xpay_result r;
	assert_int_equal(xpay_create_body(&o, &body, &len, &r), XPAY_OK);
	xpay_created c;
	expect_same((xpay_create_send(w->c, body, len, &c, &r)), r);
	expect_kind(r, XPAY_OK);
	assert_string_equal(c.payment_id, "pay_1");

	char req[RAW_REQUEST_MAX + 1];
	raw_server_request(&w->raw, req, sizeof req);
	assert_true(strncmp(req, "POST /api/v1/payment/orders HTTP/1.1\r\n", 38) == 0);
	const char *must[] = { "\r\nAuthorization: Bearer " KEY "\r\n", "\r\nX-Merchant-ID: " BIN "\r\n",
	                       "\r\nAccept: application/json\r\n",
	                       "\r\nContent-Type: application/json\r\n",
	                       "\r\nX-Idempotency-Key: T01-wire-1\r\n",
	                       "\r\nUser-Agent: kaspi-pos/" KP_VERSION "\r\n" };
	for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
		if (!strstr(req, must[i]))
			fail_msg("missing header %s in:\n%s", must[i], req);
	assert_null(strstr(req, "Expect:"));
	assert_null(strstr(req, "Accept-Encoding"));
	const char *sent_body = strstr(req, "\r\n\r\n") + 4;
	assert_string_equal(sent_body, body);
	free(body);
}

static void get_sends_no_content_type_and_no_idempotency_key(void **state)
{
	static const char answer[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
	world *w = up_raw(state, answer, strlen(answer), RAW_KEEP_ALIVE, 2000);
	xpay_payment p;
	xpay_result r;
	expect_same((xpay_payment_get(w->c, "pay_1", &p, &r)), r);
	expect_kind(r, XPAY_ERR_HTTP);
	char req[RAW_REQUEST_MAX + 1];
	raw_server_request(&w->raw, req, sizeof req);
	assert_true(strncmp(req, "GET /api/v1/payments/pay_1 HTTP/1.1\r\n", 37) == 0);
	assert_null(strstr(req, "Content-Type"));
	assert_null(strstr(req, "X-Idempotency-Key"));
	assert_non_null(strstr(req, "\r\nAuthorization: Bearer " KEY "\r\n"));
}

static void cancel_sends_the_payment_id_as_key_and_no_form_type(void **state)
{
	static const char answer[] = "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n";
	world *w = up_raw(state, answer, strlen(answer), RAW_KEEP_ALIVE, 2000);
	xpay_payment p;
	xpay_result r;
	expect_same((xpay_cancel(w->c, "pay_7", &p, &r)), r);
	expect_kind(r, XPAY_UNSUPPORTED);
	char req[RAW_REQUEST_MAX + 1];
	raw_server_request(&w->raw, req, sizeof req);
	assert_true(strncmp(req, "POST /api/v1/payments/pay_7/cancel HTTP/1.1\r\n", 45) == 0);
	assert_non_null(strstr(req, "\r\nX-Idempotency-Key: pay_7\r\n"));
	assert_non_null(strstr(req, "\r\nContent-Length: 0\r\n"));
	assert_null(strstr(req, "Content-Type"));
}

/* An answer of `body_len` bytes of 'x' after `head`. */
static char *big_answer(const char *head, size_t body_len, size_t *len)
{
	size_t hl = strlen(head);
	char *a = malloc(hl + body_len);
	assert_non_null(a);
	memcpy(a, head, hl);
	memset(a + hl, 'x', body_len);
	*len = hl + body_len;
	return a;
}

static void body_over_1_mib_is_aborted_while_receiving(void **state)
{
	size_t len;
	char *a = big_answer("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", 3 * 1024 * 1024, &len);
	world *w = up_raw(state, a, len, RAW_CLOSE_AFTER, 5000);
	w->answer = a;
	xpay_health h;
	xpay_result r;
	expect_same((xpay_health_get(w->c, &h, &r)), r);
	expect_kind(r, XPAY_ERR_BAD_BODY);
	assert_non_null(strstr(kp_msg_text(&r.msg), "over 1 MiB"));
}

static void content_length_over_1_mib_is_refused_before_the_body(void **state)
{
	size_t len;
	char *a = big_answer("HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n", 2000000, &len);
	world *w = up_raw(state, a, len, RAW_CLOSE_AFTER, 5000);
	w->answer = a;
	xpay_health h;
	xpay_result r;
	expect_same((xpay_health_get(w->c, &h, &r)), r);
	expect_kind(r, XPAY_ERR_BAD_BODY);
	assert_non_null(strstr(kp_msg_text(&r.msg), "over 1 MiB"));
}

static void body_shorter_than_content_length_is_a_bad_body(void **state)
{
	static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"status\":\"ok\"}";
	world *w = up_raw(state, answer, strlen(answer), RAW_CLOSE_AFTER, 2000);
	xpay_health h;
	xpay_result r;
	expect_same((xpay_health_get(w->c, &h, &r)), r);
	expect_kind(r, XPAY_ERR_BAD_BODY);
	assert_true(r.outcome_unknown);
	assert_non_null(strstr(kp_msg_text(&r.msg), "cut short"));
}

static void answer_that_is_not_http_is_a_bad_body(void **state)
{
	static const char answer[] = "SSH-2.0-OpenSSH_9.2\r\n\r\n";
	world *w = up_raw(state, answer, strlen(answer), RAW_CLOSE_AFTER, 2000);
	xpay_health h;
	xpay_result r;
	expect_same((xpay_health_get(w->c, &h, &r)), r);
	expect_kind(r, XPAY_ERR_BAD_BODY);
}

static void replay_header_and_server_clock_are_reported(void **state)
{
	static char answer[512];
	char date[64];
	time_t ahead = time(NULL) + 3600;
	struct tm tm;
	gmtime_r(&ahead, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	const char *json = "{\"status\":\"ok\"}";
	snprintf(answer, sizeof answer, "HTTP/1.1 200 OK\r\nDate: %s\r\nIdempotent-Replayed: true\r\n"
	         "Content-Length: %zu\r\n\r\n%s", date, strlen(json), json);
	world *w = up_raw(state, answer, strlen(answer), RAW_KEEP_ALIVE, 2000);
	xpay_health h;
	xpay_result r;
	expect_same((xpay_health_get(w->c, &h, &r)), r);
	expect_kind(r, XPAY_OK);
	assert_true(r.replayed);
	assert_true(r.has_skew);
	assert_true(r.skew_s >= 3598 && r.skew_s <= 3601);
}

static void retry_after_as_an_http_date_is_read_in_seconds(void **state)
{
	static char answer[512];
	char date[64];
	time_t later = time(NULL) + 30;
	struct tm tm;
	gmtime_r(&later, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	snprintf(answer, sizeof answer, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: %s\r\n"
	         "Content-Length: 0\r\n\r\n", date);
	world *w = up_raw(state, answer, strlen(answer), RAW_KEEP_ALIVE, 2000);
	xpay_health h;
	xpay_result r;
	expect_same((xpay_health_get(w->c, &h, &r)), r);
	expect_kind(r, XPAY_ERR_RATE_LIMITED);
	assert_true(r.retry_after_s >= 28 && r.retry_after_s <= 30);
}

static void tls_handshake_failure_is_a_tls_error_with_nothing_sent(void **state)
{
	static const char answer[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
	world *w = up_raw(state, answer, strlen(answer), RAW_ANSWER_FIRST, 2000);
	char url[64];
	snprintf(url, sizeof url, "https://127.0.0.1:%d/api/v1", w->raw.port);
	xpay_client *c = client_at(url, KEY, 2000, NULL);
	xpay_created cr;
	xpay_result r;
	xpay_order o = { .merchant_order_id = new_id("T"), .amount = 1000, .payment_method = "qr" };
	expect_same((xpay_create(c, &o, &cr, &r)), r);
	xpay_client_free(c);
	expect_kind(r, XPAY_ERR_TLS);
	assert_false(r.outcome_unknown);
	assert_false(xpay_result_retryable(&r));
	assert_non_null(strstr(kp_msg_text(&r.msg), "Secure connection failed"));
}

static void missing_ca_file_is_a_tls_error(void **state)
{
	static const char answer[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
	world *w = up_raw(state, answer, strlen(answer), RAW_ANSWER_FIRST, 2000);
	char url[64];
	snprintf(url, sizeof url, "https://127.0.0.1:%d/api/v1", w->raw.port);
	xpay_options o = { .base_url = url, .key = KEY, .merchant_id = BIN,
	                   .ca_file = "/nonexistent/ca.pem", .timeout_ms = 2000 };
	xpay_result r;
	xpay_client *c = xpay_client_new(&o, &r);
	assert_non_null(c);
	xpay_health h;
	expect_same((xpay_health_get(c, &h, &r)), r);
	xpay_client_free(c);
	expect_kind(r, XPAY_ERR_TLS);
	assert_false(r.outcome_unknown);
}

static void unreachable_host_fails_within_the_connect_timeout(void **state)
{
	(void)state;
	/* TEST-NET-1 (RFC 5737): never routed; SYNs vanish or fail at once */
	xpay_options o = { .base_url = "https://192.0.2.1/api/v1", .key = KEY, .merchant_id = BIN,
	                   .connect_timeout_ms = 300, .timeout_ms = 5000 };
	xpay_result r;
	xpay_client *c = xpay_client_new(&o, &r);
	assert_non_null(c);
	xpay_health h;
	expect_same((xpay_health_get(c, &h, &r)), r);
	xpay_client_free(c);
	expect_kind(r, XPAY_ERR_CONNECT);
	assert_false(r.outcome_unknown);
	assert_true(r.round_trip_ms < 1500);
}

static int group_setup(void **state)
{
	(void)state;
	if (!xpay_global_init())
		return -1;
	if (!sandbox_available())
		fprintf(stderr, "test_client: %s not found: the sandbox tests will fail\n",
		        sandbox_binary());
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	xpay_global_cleanup();
	return 0;
}

#define T(f) cmocka_unit_test_teardown(f, down)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(health_answers_ok_with_version_and_skew),
		T(create_answers_201_pending_with_a_qr_token),
		T(create_repeated_with_the_same_body_is_replayed),
		T(status_shows_the_payment_and_its_events),
		T(sandbox_pay_makes_the_payment_succeeded),
		T(sandbox_decline_fail_and_expire_end_the_payment),
		T(cancel_of_a_pending_payment_answers_cancelled),
		T(cancel_of_a_paid_payment_is_refused_with_the_payment),
		T(cancel_on_a_server_without_it_is_unsupported),
		T(refund_of_a_paid_payment_succeeds_in_parts),
		T(refund_repeated_with_the_same_body_is_replayed),
		T(wrong_key_is_rejected_with_a_hint_and_without_the_key),
		T(wrong_merchant_is_unauthorized),
		T(unknown_payment_is_payment_not_found),
		T(unknown_path_is_not_found_with_a_url_hint),
		T(order_id_reused_with_another_body_is_duplicate),
		T(refund_id_reused_with_another_body_is_duplicate),
		T(refund_over_what_is_left_is_refused),
		T(refund_of_a_pending_payment_is_refused),
		T(sandbox_step_on_a_paid_payment_is_not_pending),
		T(order_over_the_daily_limit_is_402),
		T(stored_create_bodies_get_each_rule_code),
		T(stored_refund_bodies_get_each_rule_code),
		T(lost_answer_then_repeat_is_replayed_not_duplicated),
		T(rate_limit_gives_429_with_retry_after),
		T(hang_past_the_timeout_is_a_timeout_with_unknown_outcome),
		T(garbled_answer_is_a_bad_body_with_unknown_outcome),
		T(server_500_is_an_error_worth_retrying),
		T(refused_connection_is_a_connect_error_with_nothing_sent),
		T(ten_calls_use_one_connection),
		T(debug_trace_never_shows_the_key),
		T(create_sends_exactly_the_contract_headers_and_bytes),
		T(get_sends_no_content_type_and_no_idempotency_key),
		T(cancel_sends_the_payment_id_as_key_and_no_form_type),
		T(body_over_1_mib_is_aborted_while_receiving),
		T(content_length_over_1_mib_is_refused_before_the_body),
		T(body_shorter_than_content_length_is_a_bad_body),
		T(answer_that_is_not_http_is_a_bad_body),
		T(replay_header_and_server_clock_are_reported),
		T(retry_after_as_an_http_date_is_read_in_seconds),
		T(tls_handshake_failure_is_a_tls_error_with_nothing_sent),
		T(missing_ca_file_is_a_tls_error),
		T(unreachable_host_fails_within_the_connect_timeout),
	};
	if (getenv("KP_TEST_FILTER"))      /* e.g. KP_TEST_FILTER='*replay*' */
		cmocka_set_test_filter(getenv("KP_TEST_FILTER"));
	return cmocka_run_group_tests_name("client", tests, group_setup, group_teardown);
}
