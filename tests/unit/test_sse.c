/* test_sse.c — the customer display's feed: the EventSource parser (events
 * split anywhere across reads, LF, CR LF and CR line ends, comments as
 * keep-alives, data lines joined, an event too long dropped whole and the
 * next one whole), and the view's whitelist parsed strictly (a field of
 * the wrong type refuses the view; text from the till made safe). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/display_feed.h"
#include "app/i18n.h"
#include "net/sse.h"

struct got {
	int n;
	char name[8][64], id[8][64], data[8][256];
};

static void on_event(void *arg, const struct sse_event *ev)
{
	struct got *g = arg;
	if (g->n >= 8)
		return;
	snprintf(g->name[g->n], 64, "%s", ev->name);
	snprintf(g->id[g->n], 64, "%s", ev->id);
	snprintf(g->data[g->n], 256, "%.*s", (int)ev->data_len, ev->data);
	g->n++;
}

static void events_split_anywhere(void **state)
{
	(void)state;
	static const char stream[] = ": keepalive\n\nevent: state\nid: 7\ndata: {\"a\":\ndata: 1}\n\n"
	                             "data: plain\r\n\r\nevent:state\rdata:x\r\r";
	/* every way of cutting the stream in two gives the same events */
	for (size_t cut = 0; cut <= sizeof stream - 1; cut++) {
		struct sse_parser *p = malloc(sizeof *p);
		struct got g = {0};
		assert_non_null(p);
		sse_parser_init(p, on_event, &g);
		sse_parser_feed(p, stream, cut);
		sse_parser_feed(p, stream + cut, sizeof stream - 1 - cut);
		assert_int_equal(g.n, 3);
		assert_string_equal(g.name[0], "state");
		assert_string_equal(g.id[0], "7");
		assert_string_equal(g.data[0], "{\"a\":\n1}");
		assert_string_equal(g.name[1], "message");
		assert_string_equal(g.data[1], "plain");
		assert_string_equal(g.name[2], "state");
		assert_string_equal(g.data[2], "x");
		free(p);
	}
}

static void an_event_too_long_is_dropped_whole(void **state)
{
	(void)state;
	struct sse_parser *p = malloc(sizeof *p);
	struct got g = {0};
	assert_non_null(p);
	sse_parser_init(p, on_event, &g);
	char *big = malloc(SSE_EVENT_MAX + 10);
	assert_non_null(big);
	memset(big, 'x', SSE_EVENT_MAX + 9);
	big[SSE_EVENT_MAX + 9] = '\0';
	sse_parser_feed(p, "data: ", 6);
	sse_parser_feed(p, big, strlen(big));
	sse_parser_feed(p, "\ndata: tail\n\ndata: next\n\n", 25);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.data[0], "next");
	assert_int_equal(p->dropped, 1);
	free(big);
	free(p);
}

static const char good[] =
	"{\"seq\":3,\"shop\":\"Дүкен\\u001b[2J\",\"screen\":\"payment\","
	"\"lines\":[{\"name_ru\":\"Кефир\",\"name_kk\":\"Айран\",\"qty\":2,\"weight\":0,\"unit\":\"шт\","
	"\"price\":61000,\"discount\":0,\"sum\":122000}],"
	"\"total\":122000,\"items\":2,"
	"\"payment\":{\"method\":\"qr\",\"amount\":122000,\"state\":\"waiting\",\"expires_in\":90,"
	"\"qr\":\"kaspi://pay?token=abc\",\"phone\":\"\",\"order\":\"T01-20261204-000001\"},"
	"\"thanks\":null}";

static void a_view_is_read_strictly(void **state)
{
	(void)state;
	struct dfeed_view *v = malloc(sizeof *v);
	char why[256];
	assert_non_null(v);
	assert_true(dfeed_parse(good, strlen(good), 1000, v, why, sizeof why));
	assert_int_equal(v->seq, 3);
	assert_null(strchr(v->shop, '\x1b')); /* made safe for the terminal */
	assert_int_equal(v->screen, DFEED_PAYMENT);
	assert_int_equal(v->n_lines, 1);
	assert_string_equal(v->lines[0].name_kk, "Айран");
	assert_int_equal(v->lines[0].sum, 122000);
	assert_true(v->has_payment);
	assert_true(v->pay.qr_method);
	assert_int_equal(v->pay.deadline_ms, 1000 + 90 * 1000);
	assert_string_equal(v->pay.qr, "kaspi://pay?token=abc");
	assert_false(v->has_thanks);

	/* each way of being wrong refuses the view */
	static const struct { const char *from, *to; } bad[] = {
		{"\"total\":122000", "\"total\":\"122000\""},
		{"\"screen\":\"payment\"", "\"screen\":\"pay\""},
		{"\"state\":\"waiting\"", "\"state\":\"gone\""},
		{"\"method\":\"qr\"", "\"method\":\"cash\""},
		{"\"thanks\":null", "\"thanks\":1"},
		{"\"lines\":[", "\"lines\":{\"x\":["},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char json[2048];
		const char *at = strstr(good, bad[i].from);
		assert_non_null(at);
		snprintf(json, sizeof json, "%.*s%s%s", (int)(at - good), good, bad[i].to,
		         at + strlen(bad[i].from));
		assert_false(dfeed_parse(json, strlen(json), 0, v, why, sizeof why));
		assert_true(why[0] != '\0');
	}
	assert_false(dfeed_parse("{\"seq\":", 7, 0, v, why, sizeof why));
	/* a QR text with a control or a space is not drawn */
	char json[2048];
	const char *at = strstr(good, "abc");
	snprintf(json, sizeof json, "%.*sa\\u0007c%s", (int)(at - good), good, at + 3);
	assert_true(dfeed_parse(json, strlen(json), 0, v, why, sizeof why));
	assert_string_equal(v->pay.qr, "");
	free(v);
}

int main(void)
{
	(void)i18n_init("en");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(events_split_anywhere),
		cmocka_unit_test(an_event_too_long_is_dropped_whole),
		cmocka_unit_test(a_view_is_read_strictly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
