/* test_webhook.c — X-Kaspi-Hmac: the signature against vectors made by an
 * independent tool, verification over raw bytes, the time window, the
 * replay guard and the order of the checks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "net/webhook.h"

#define SECRET "whsec_test_secret"

/* The contract's example body, compact as the server sends it. */
#define BODY "{\"event\":\"payment.completed\",\"payment_id\":\"pay_abc123def456\"," \
             "\"merchant_order_id\":\"T01-20260510-000001\",\"amount\":150000," \
             "\"status\":\"succeeded\",\"timestamp\":\"2026-05-10T16:40:12Z\"}"

/* printf '%s' "$BODY" | openssl dgst -sha256 -hmac whsec_test_secret
 * (OpenSSL 3.0, BODY as above) */
#define BODY_SIG "c819c2d93af3127ff48f37d67d4f1973f565830c2f7e78b0c75062f8e27ce127"

/* date -u -d 2026-05-10T16:40:12Z +%s */
#define BODY_TIME ((time_t)1778431212)

static struct webhook_guard guard;

static int guard_reset(void **state)
{
	(void)state;
	webhook_guard_init(&guard);
	return 0;
}

static enum webhook_verdict verify(const char *body, const char *header, time_t now,
                                   struct webhook_event *ev)
{
	return webhook_verify(SECRET, body, strlen(body), header, now, &guard, ev);
}

/* A body like BODY for other ids and times, and its signature. */
static const char *make_body(const char *event, const char *payment_id, const char *stamp,
                             char sig[WEBHOOK_SIG_HEX_LEN + 1])
{
	static char body[512];
	snprintf(body, sizeof body,
	         "{\"event\":\"%s\",\"payment_id\":\"%s\",\"merchant_order_id\":\"T01-1\","
	         "\"amount\":100,\"status\":\"succeeded\",\"timestamp\":\"%s\"}",
	         event, payment_id, stamp);
	webhook_sign(SECRET, body, strlen(body), sig);
	return body;
}

static void sign_matches_openssl_vectors(void **state)
{
	char hex[WEBHOOK_SIG_HEX_LEN + 1];
	(void)state;

	webhook_sign(SECRET, BODY, strlen(BODY), hex);
	assert_string_equal(hex, BODY_SIG);

	/* RFC 4231 test case 2; also:
	 * printf '%s' 'what do ya want for nothing?' | openssl dgst -sha256 -hmac Jefe */
	webhook_sign("Jefe", "what do ya want for nothing?", 28, hex);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

	/* printf '' | openssl dgst -sha256 -hmac whsec_test_secret */
	webhook_sign(SECRET, "", 0, hex);
	assert_string_equal(hex, "c6c175a074d482e2b94a0f8c5619f3abd861a511ec3ea7603b906811fd3d9d30");
	webhook_sign(SECRET, NULL, 0, hex);
	assert_string_equal(hex, "c6c175a074d482e2b94a0f8c5619f3abd861a511ec3ea7603b906811fd3d9d30");
}

static void signed_contract_body_is_ok_and_parsed(void **state)
{
	struct webhook_event ev;
	(void)state;

	assert_int_equal(verify(BODY, BODY_SIG, BODY_TIME + 5, &ev), WEBHOOK_OK);
	assert_string_equal(ev.event, "payment.completed");
	assert_string_equal(ev.payment_id, "pay_abc123def456");
	assert_string_equal(ev.merchant_order_id, "T01-20260510-000001");
	assert_int_equal(ev.amount, 150000);
	assert_string_equal(ev.status, "succeeded");
	assert_int_equal(ev.timestamp, BODY_TIME);
}

static void upper_case_hex_and_surrounding_blanks_are_accepted(void **state)
{
	char upper[WEBHOOK_SIG_HEX_LEN + 1];
	(void)state;

	for (size_t i = 0; i <= WEBHOOK_SIG_HEX_LEN; i++)
		upper[i] = (char)(BODY_SIG[i] >= 'a' && BODY_SIG[i] <= 'f' ? BODY_SIG[i] - 32 : BODY_SIG[i]);
	assert_true(webhook_check_signature(SECRET, BODY, strlen(BODY), upper));
	assert_true(webhook_check_signature(SECRET, BODY, strlen(BODY), " " BODY_SIG "\t"));
}

static void one_changed_body_byte_fails(void **state)
{
	char body[sizeof BODY];
	(void)state;

	for (size_t i = 0; i < sizeof BODY - 1; i++) {
		memcpy(body, BODY, sizeof body);
		body[i] ^= 0x01;
		assert_int_equal(verify(body, BODY_SIG, BODY_TIME, NULL), WEBHOOK_BAD_SIGNATURE);
	}
	/* one byte less or more */
	assert_false(webhook_check_signature(SECRET, BODY, strlen(BODY) - 1, BODY_SIG));
	assert_false(webhook_check_signature(SECRET, BODY " ", strlen(BODY) + 1, BODY_SIG));
}

static void one_changed_signature_digit_fails(void **state)
{
	char sig[] = BODY_SIG;
	(void)state;

	sig[17] = sig[17] == '0' ? '1' : '0';
	assert_int_equal(verify(BODY, sig, BODY_TIME, NULL), WEBHOOK_BAD_SIGNATURE);
}

static void wrong_secret_fails(void **state)
{
	(void)state;
	assert_int_equal(webhook_verify("whsec_test_secreT", BODY, strlen(BODY), BODY_SIG,
	                                BODY_TIME, &guard, NULL),
	                 WEBHOOK_BAD_SIGNATURE);
	assert_int_equal(webhook_verify("", BODY, strlen(BODY), BODY_SIG, BODY_TIME, &guard, NULL),
	                 WEBHOOK_BAD_SIGNATURE);
	assert_int_equal(webhook_verify(NULL, BODY, strlen(BODY), BODY_SIG, BODY_TIME, &guard, NULL),
	                 WEBHOOK_BAD_SIGNATURE);
}

/* The same JSON value with other white space is other bytes: the
 * signature covers the bytes, never a re-serialisation. */
static void reserialised_body_fails(void **state)
{
	static const char spaced[] =
	        "{\"event\": \"payment.completed\", \"payment_id\": \"pay_abc123def456\", "
	        "\"merchant_order_id\": \"T01-20260510-000001\", \"amount\": 150000, "
	        "\"status\": \"succeeded\", \"timestamp\": \"2026-05-10T16:40:12Z\"}";
	char sig[WEBHOOK_SIG_HEX_LEN + 1];
	(void)state;

	assert_int_equal(verify(spaced, BODY_SIG, BODY_TIME, NULL), WEBHOOK_BAD_SIGNATURE);
	/* signed as sent, the spaced form is fine */
	webhook_sign(SECRET, spaced, strlen(spaced), sig);
	assert_int_equal(verify(spaced, sig, BODY_TIME, NULL), WEBHOOK_OK);
}

static void malformed_headers_fail(void **state)
{
	static const char *const headers[] = {
		"",
		BODY_SIG "0",                                                          /* 65 */
		"c819c2d93af3127ff48f37d67d4f1973f565830c2f7e78b0c75062f8e27ce12",     /* 63 */
		"g819c2d93af3127ff48f37d67d4f1973f565830c2f7e78b0c75062f8e27ce127",    /* not hex */
		"sha256=c819c2d93af3127ff48f37d67d4f1973f565830c2f7e78b0c75062f8e27ce127",
		"c819c2d93af3127ff48f37d67d4f1973 565830c2f7e78b0c75062f8e27ce127",    /* inner blank */
	};
	(void)state;

	for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
		assert_int_equal(verify(BODY, headers[i], BODY_TIME, NULL), WEBHOOK_BAD_SIGNATURE);
	assert_int_equal(verify(BODY, NULL, BODY_TIME, NULL), WEBHOOK_BAD_SIGNATURE);
}

static void body_field_hmac_is_ignored(void **state)
{
	static const char body[] =
	        "{\"event\":\"payment.failed\",\"payment_id\":\"pay_1\",\"merchant_order_id\":\"T01-2\","
	        "\"amount\":5,\"status\":\"failed\",\"timestamp\":\"2026-05-10T16:40:12Z\","
	        "\"hmac\":\"0000000000000000000000000000000000000000000000000000000000000000\"}";
	char sig[WEBHOOK_SIG_HEX_LEN + 1];
	struct webhook_event ev;
	(void)state;

	webhook_sign(SECRET, body, strlen(body), sig);
	assert_int_equal(verify(body, sig, BODY_TIME, &ev), WEBHOOK_OK);
	assert_string_equal(ev.event, "payment.failed");
	/* the body's hmac is no substitute for the header */
	assert_int_equal(verify(body, "0000000000000000000000000000000000000000000000000000000000000000",
	                        BODY_TIME, NULL),
	                 WEBHOOK_BAD_SIGNATURE);
}

static void signed_but_malformed_body_is_malformed(void **state)
{
	static const char *const bodies[] = {
		"",
		"not json",
		"[1,2,3]",
		"{\"event\":\"payment.completed\"",
		"{}",
		/* each required field missing or of the wrong type */
		"{\"payment_id\":\"pay_1\",\"merchant_order_id\":\"T01-1\",\"amount\":1,\"status\":\"s\",\"timestamp\":\"2026-05-10T16:40:12Z\"}",
		"{\"event\":\"e\",\"merchant_order_id\":\"T01-1\",\"amount\":1,\"status\":\"s\",\"timestamp\":\"2026-05-10T16:40:12Z\"}",
		"{\"event\":\"e\",\"payment_id\":\"pay_1\",\"amount\":1,\"status\":\"s\",\"timestamp\":\"2026-05-10T16:40:12Z\"}",
		"{\"event\":\"e\",\"payment_id\":\"pay_1\",\"merchant_order_id\":\"T01-1\",\"status\":\"s\",\"timestamp\":\"2026-05-10T16:40:12Z\"}",
		"{\"event\":\"e\",\"payment_id\":\"pay_1\",\"merchant_order_id\":\"T01-1\",\"amount\":1,\"timestamp\":\"2026-05-10T16:40:12Z\"}",
		"{\"event\":\"e\",\"payment_id\":\"pay_1\",\"merchant_order_id\":\"T01-1\",\"amount\":1,\"status\":\"s\"}",
		"{\"event\":\"e\",\"payment_id\":\"pay_1\",\"merchant_order_id\":\"T01-1\",\"amount\":\"1\",\"status\":\"s\",\"timestamp\":\"2026-05-10T16:40:12Z\"}",
		"{\"event\":\"e\",\"payment_id\":\"pay_1\",\"merchant_order_id\":\"T01-1\",\"amount\":1.5,\"status\":\"s\",\"timestamp\":\"2026-05-10T16:40:12Z\"}",
		"{\"event\":\"e\",\"payment_id\":\"pay_1\",\"merchant_order_id\":\"T01-1\",\"amount\":-1,\"status\":\"s\",\"timestamp\":\"2026-05-10T16:40:12Z\"}",
		"{\"event\":\"e\",\"payment_id\":\"pay_1\",\"merchant_order_id\":\"T01-1\",\"amount\":1e300,\"status\":\"s\",\"timestamp\":\"2026-05-10T16:40:12Z\"}",
		"{\"event\":\"e\",\"payment_id\":\"pay_1\",\"merchant_order_id\":\"T01-1\",\"amount\":1,\"status\":\"s\",\"timestamp\":\"yesterday\"}",
		"{\"event\":\"e\",\"payment_id\":\"pay 1\",\"merchant_order_id\":\"T01-1\",\"amount\":1,\"status\":\"s\",\"timestamp\":\"2026-05-10T16:40:12Z\"}",
		"{\"event\":\"\",\"payment_id\":\"pay_1\",\"merchant_order_id\":\"T01-1\",\"amount\":1,\"status\":\"s\",\"timestamp\":\"2026-05-10T16:40:12Z\"}",
		/* a valid object followed by more */
		BODY "{}",
	};
	char sig[WEBHOOK_SIG_HEX_LEN + 1];
	struct webhook_event ev;
	(void)state;

	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		webhook_sign(SECRET, bodies[i], strlen(bodies[i]), sig);
		if (verify(bodies[i], sig, BODY_TIME, &ev) != WEBHOOK_MALFORMED)
			fail_msg("case %zu accepted: %s", i, bodies[i]);
		assert_string_equal(ev.payment_id, "");
	}
	/* trailing white space after the object is still one object */
	webhook_sign(SECRET, BODY "\r\n", strlen(BODY) + 2, sig);
	assert_int_equal(verify(BODY "\r\n", sig, BODY_TIME, NULL), WEBHOOK_OK);
}

static void timestamp_outside_five_minutes_is_stale(void **state)
{
	struct webhook_event ev;
	(void)state;

	assert_int_equal(verify(BODY, BODY_SIG, BODY_TIME + 301, &ev), WEBHOOK_STALE);
	assert_string_equal(ev.payment_id, "pay_abc123def456"); /* parsed, for the log */
	assert_int_equal(verify(BODY, BODY_SIG, BODY_TIME - 301, NULL), WEBHOOK_STALE);
	/* a stale delivery did not mark the pair: at the edge it is accepted */
	assert_int_equal(verify(BODY, BODY_SIG, BODY_TIME + 300, NULL), WEBHOOK_OK);
	webhook_guard_init(&guard);
	assert_int_equal(verify(BODY, BODY_SIG, BODY_TIME - 300, NULL), WEBHOOK_OK);
}

static void repeated_payment_and_event_is_duplicate(void **state)
{
	char sig[WEBHOOK_SIG_HEX_LEN + 1];
	const char *body;
	(void)state;

	assert_int_equal(verify(BODY, BODY_SIG, BODY_TIME, NULL), WEBHOOK_OK);
	assert_int_equal(verify(BODY, BODY_SIG, BODY_TIME + 2, NULL), WEBHOOK_DUPLICATE);
	/* a retry after the window is refused as stale, not let through */
	assert_int_equal(verify(BODY, BODY_SIG, BODY_TIME + 301, NULL), WEBHOOK_STALE);

	/* the same payment, another event: new */
	body = make_body("payment.cancelled", "pay_abc123def456", "2026-05-10T16:40:12Z", sig);
	assert_int_equal(verify(body, sig, BODY_TIME, NULL), WEBHOOK_OK);
	/* the same event, another payment: new */
	body = make_body("payment.completed", "pay_other", "2026-05-10T16:40:12Z", sig);
	assert_int_equal(verify(body, sig, BODY_TIME, NULL), WEBHOOK_OK);
	/* the same pair with another timestamp is still the same pair */
	body = make_body("payment.completed", "pay_other", "2026-05-10T16:40:13Z", sig);
	assert_int_equal(verify(body, sig, BODY_TIME, NULL), WEBHOOK_DUPLICATE);
}

static void bad_signature_does_not_mark_the_pair_seen(void **state)
{
	char sig[] = BODY_SIG;
	(void)state;

	sig[0] = sig[0] == 'c' ? 'd' : 'c';
	assert_int_equal(verify(BODY, sig, BODY_TIME, NULL), WEBHOOK_BAD_SIGNATURE);
	assert_int_equal(verify(BODY, BODY_SIG, BODY_TIME, NULL), WEBHOOK_OK);
}

static void guard_remembers_its_size_and_forgets_the_oldest(void **state)
{
	char sig[WEBHOOK_SIG_HEX_LEN + 1], id[32];
	const char *body;
	(void)state;

	for (int i = 0; i <= WEBHOOK_GUARD_SIZE; i++) {
		snprintf(id, sizeof id, "pay_%d", i);
		body = make_body("payment.completed", id, "2026-05-10T16:40:12Z", sig);
		assert_int_equal(verify(body, sig, BODY_TIME, NULL), WEBHOOK_OK);
	}
	/* pay_0 was overwritten by the last one; pay_1 is still held */
	body = make_body("payment.completed", "pay_1", "2026-05-10T16:40:12Z", sig);
	assert_int_equal(verify(body, sig, BODY_TIME, NULL), WEBHOOK_DUPLICATE);
	body = make_body("payment.completed", "pay_0", "2026-05-10T16:40:12Z", sig);
	assert_int_equal(verify(body, sig, BODY_TIME, NULL), WEBHOOK_OK);
}

static void no_guard_skips_only_the_duplicate_check(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++)
		assert_int_equal(webhook_verify(SECRET, BODY, strlen(BODY), BODY_SIG, BODY_TIME, NULL, NULL),
		                 WEBHOOK_OK);
	assert_int_equal(webhook_verify(SECRET, BODY, strlen(BODY), BODY_SIG, BODY_TIME + 999, NULL, NULL),
	                 WEBHOOK_STALE);
}

static void verdicts_have_names(void **state)
{
	(void)state;
	assert_string_equal(webhook_verdict_name(WEBHOOK_OK), "ok");
	assert_string_equal(webhook_verdict_name(WEBHOOK_BAD_SIGNATURE), "bad signature");
	assert_string_equal(webhook_verdict_name(WEBHOOK_MALFORMED), "malformed");
	assert_string_equal(webhook_verdict_name(WEBHOOK_STALE), "stale");
	assert_string_equal(webhook_verdict_name(WEBHOOK_DUPLICATE), "duplicate");
}

#define T(f) cmocka_unit_test_setup(f, guard_reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(sign_matches_openssl_vectors),
		T(signed_contract_body_is_ok_and_parsed),
		T(upper_case_hex_and_surrounding_blanks_are_accepted),
		T(one_changed_body_byte_fails),
		T(one_changed_signature_digit_fails),
		T(wrong_secret_fails),
		T(reserialised_body_fails),
		T(malformed_headers_fail),
		T(body_field_hmac_is_ignored),
		T(signed_but_malformed_body_is_malformed),
		T(timestamp_outside_five_minutes_is_stale),
		T(repeated_payment_and_event_is_duplicate),
		T(bad_signature_does_not_mark_the_pair_seen),
		T(guard_remembers_its_size_and_forgets_the_oldest),
		T(no_guard_skips_only_the_duplicate_check),
		T(verdicts_have_names),
	};
	return cmocka_run_group_tests_name("webhook", tests, NULL, NULL);
}
