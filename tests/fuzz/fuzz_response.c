/* fuzz_response.c — libFuzzer target: arbitrary bytes as the body of every
 * answer the xpay client parses (health, create, status, refund) and of
 * every error it maps (cancel's 422 with a trailing payment, 404, 429,
 * 5xx), and line by line as response headers (http_header_line: Date,
 * Retry-After, Content-Length, Idempotent-Replayed). Nothing may crash,
 * leak, read out of bounds or hit undefined behaviour; every result must
 * be a kind with a message whose arguments are terminated.
 *
 * Build and run by hand (or `make fuzz`):
 *   clang -std=c11 -D_GNU_SOURCE -O1 -g -Isrc -I/usr/include/cjson \
 *     -fsanitize=fuzzer,address,undefined -o build-fuzz/fuzz_response \
 *     tests/fuzz/fuzz_response.c src/net/xpay.c src/net/http.c src/core/validate.c \
 *     src/core/timeutil.c src/core/money.c src/core/msg.c src/core/text.c -lcjson -lcurl -lm
 *   build-fuzz/fuzz_response -max_total_time=300 tests/fuzz/seeds/fuzz_response */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "net/http.h"
#include "net/xpay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts (a finding) unless the result is sane. */
static void check(const xpay_result *r, xpay_kind k)
{
	if (r->kind != k)
		abort();
	char text[1024];
	if (r->msg.n < 0 || r->msg.n > KP_MSG_ARGS || memchr(r->code, '\0', sizeof r->code) == NULL)
		abort();
	for (int i = 0; i < r->msg.n; i++)
		if (memchr(r->msg.arg[i], '\0', sizeof r->msg.arg[i]) == NULL)
			abort();
	if (k != XPAY_OK && kp_msg_empty(&r->msg))
		abort();
	kp_msg_format(&r->msg, r->msg.id, text, sizeof text);  /* as said in English */
	for (const char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20)
			abort();
	if (kp_utf8_length(text) < 0)            /* a screen line: valid UTF-8 */
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a heap copy of exactly `size` bytes, no NUL: ASan sees any overread */
	char *body = malloc(size ? size : 1);
	if (!body)
		return 0;
	memcpy(body, data, size);

	static xpay_health h;
	static xpay_created c;
	static xpay_payment p;
	static xpay_refunded f;
	xpay_result r;
	xpay_kind k;

	memset(&r, 0, sizeof r);
	k = xpay_parse_health(body, size, &h, &r);
	check(&r, k);
	if (k == XPAY_OK && memchr(h.status, '\0', sizeof h.status) == NULL)
		abort();

	memset(&r, 0, sizeof r);
	k = xpay_parse_created(body, size, &c, &r);
	check(&r, k);
	if (k == XPAY_OK && (c.payment_id[0] == '\0' || c.qr_token[0] == '\0'))
		abort();

	memset(&r, 0, sizeof r);
	k = xpay_parse_payment(body, size, &p, &r);
	check(&r, k);
	if (k == XPAY_OK && (p.n_events > XPAY_EVENTS_MAX || p.n_events > p.n_events_total ||
	                     p.refunded_amount > p.amount || p.amount < 1))
		abort();

	memset(&r, 0, sizeof r);
	k = xpay_parse_refund(body, size, &f, &r);
	check(&r, k);

	static const struct {
		xpay_call call;
		long status;
	} errors[] = {
		{ XPAY_CALL_CANCEL, 422 }, { XPAY_CALL_CANCEL, 404 }, { XPAY_CALL_CANCEL, 405 },
		{ XPAY_CALL_CREATE, 429 }, { XPAY_CALL_CREATE, 401 }, { XPAY_CALL_REFUND, 422 },
		{ XPAY_CALL_STATUS, 503 }, { XPAY_CALL_HEALTH, 302 },
	};
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
		memset(&r, 0, sizeof r);
		xpay_map_error(errors[i].call, errors[i].status, body, size, -1, &p, &r);
		check(&r, r.kind);
		if (r.kind == XPAY_OK || kp_msg_empty(&r.msg))
			abort();
		if (r.has_payment && (p.payment_id[0] == '\0' || p.amount < 1))
			abort();
	}

	/* the same bytes as header lines, each in its own heap copy */
	http_response hr;
	memset(&hr, 0, sizeof hr);
	hr.content_length = -1;
	hr.retry_after_s = -1;
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && body[i] != '\n')
			continue;
		size_t n = i - start + (i < size);
		char *line = malloc(n ? n : 1);
		if (line) {
			memcpy(line, body + start, n);
			bool keep = http_header_line(&hr, line, n);
			if (!keep && hr.content_length <= (long long)HTTP_BODY_MAX)
				abort();
			if (hr.retry_after_s < -1 || hr.retry_after_s > 86400)
				abort();
			free(line);
		}
		start = i + 1;
	}
	free(body);
	return 0;
}
