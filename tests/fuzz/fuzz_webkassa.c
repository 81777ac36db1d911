/* fuzz_webkassa.c — libFuzzer target: arbitrary bytes as the body of every
 * answer the Webkassa client parses (net/webkassa.h: a check's ticket,
 * PrintFormat's lines, a cash operation, an X or Z report) and as a JSON
 * number's text for wk_money_read. Nothing may crash, leak, read out of
 * bounds or hit undefined behaviour; every result must be a kind with a
 * message whose arguments are terminated and whose English text is one
 * safe line; every text a parser kept must be safe to show (but the QR,
 * which must be safe already); money read back must write the same value.
 *
 * Build and run with `make fuzz` (FUZZ_TIME seconds), or by hand:
 *   make fuzz FUZZ_TIME=300   # every target
 *   build-fuzz/fuzz_webkassa -max_total_time=300 -dict=tests/fuzz/fuzz_webkassa.dict \
 *     build-fuzz/corpus/fuzz_webkassa tests/fuzz/seeds/fuzz_webkassa */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/validate.h"
#include "net/webkassa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts (a finding) unless the result is sane for kind k. */
static void check(const wk_result *r, wk_kind k)
{
	char text[1024];
	if (r->kind != k || r->msg.n < 0 || r->msg.n > KP_MSG_ARGS ||
	    memchr(r->text, '\0', sizeof r->text) == NULL || !kp_text_is_safe(r->text))
		abort();
	for (int i = 0; i < r->msg.n; i++)
		if (memchr(r->msg.arg[i], '\0', sizeof r->msg.arg[i]) == NULL)
			abort();
	if ((k == WK_OK) != kp_msg_empty(&r->msg))
		abort();
	if (k == WK_ERR_REFUSED ? r->code < 1 : r->code != 0)
		abort();
	if (k != WK_OK && k != WK_ERR_REFUSED && k != WK_ERR_BAD_BODY && k != WK_ERR_NOMEM)
		abort();
	kp_msg_format(&r->msg, r->msg.id, text, sizeof text);   /* as said in English */
	if (!kp_text_is_safe(text))
		abort();
}

/* A kept text: terminated inside its array and safe to show. */
static void shown(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL || !kp_text_is_safe(s))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a heap copy of exactly `size` bytes, no NUL: ASan sees any overread */
	char *body = malloc(size ? size : 1);
	if (!body)
		return 0;
	memcpy(body, data, size);

	static wk_ticket t;
	static wk_printed p;
	static wk_money m;
	static wk_report z;
	wk_result r;
	wk_kind k;

	memset(&r, 0, sizeof r);
	k = wk_parse_ticket(body, size, &t, &r);
	check(&r, k);
	if (k == WK_OK) {
		if (!t.check_number[0] || !t.registration_number[0] || !t.ticket_url[0])
			abort();
		shown(t.ticket_url, sizeof t.ticket_url);
		shown(t.address, sizeof t.address);
		shown(t.employee_name, sizeof t.employee_name);
		shown(t.date_time, sizeof t.date_time);
	}

	memset(&r, 0, sizeof r);
	k = wk_parse_printed(body, size, &p, &r);
	check(&r, k);
	if (k == WK_OK) {
		if (p.n > WK_PRINT_LINES_MAX || (p.truncated && p.n != WK_PRINT_LINES_MAX))
			abort();
		for (size_t i = 0; i < p.n; i++)
			shown(p.lines[i].value, sizeof p.lines[i].value);
	}

	memset(&r, 0, sizeof r);
	k = wk_parse_money(body, size, &m, &r);
	check(&r, k);
	if (k == WK_OK)
		shown(m.date_time, sizeof m.date_time);

	memset(&r, 0, sizeof r);
	k = wk_parse_report(body, size, &z, &r);
	check(&r, k);
	if (k == WK_OK) {
		shown(z.taxpayer_name, sizeof z.taxpayer_name);
		shown(z.close_on, sizeof z.close_on);
		if (z.sell.count < 0 || z.document_count < 0)
			abort();
	}

	/* the bytes as a number's text: read exactly, written back the same */
	int64_t tiyn, again;
	if (wk_money_read(body, size, &tiyn)) {
		char text[32];
		size_t n = wk_money_text(tiyn, text, sizeof text);
		if (n >= sizeof text || !wk_money_read(text, n, &again) || again != tiyn)
			abort();
	}
	free(body);
	return 0;
}
