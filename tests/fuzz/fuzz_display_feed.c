/* fuzz_display_feed.c — libFuzzer target for the customer display's feed:
 * any bytes through the EventSource parser (net/sse.h), fed in pieces cut
 * where the input's first byte says, each event's data through the view's
 * parser (app/display_feed.h). Beyond the sanitizers it checks that an
 * event's data is NUL-terminated at its length and never longer than
 * SSE_EVENT_MAX, and that a view read is safe text (no C0 control in
 * any text field) with no more lines than DFEED_LINES_MAX.
 *
 *   make fuzz   (or by hand: see the Makefile's fuzz target) */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/display_feed.h"
#include "net/sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dfeed_view view;

static void no_controls(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20)
			abort();
}

static void on_event(void *arg, const struct sse_event *ev)
{
	char why[256];
	(void)arg;
	if (ev->data_len > SSE_EVENT_MAX || ev->data[ev->data_len] != '\0')
		abort();
	if (!dfeed_parse(ev->data, ev->data_len, 0, &view, why, sizeof why))
		return;
	if (view.n_lines > DFEED_LINES_MAX)
		abort();
	no_controls(view.shop);
	no_controls(view.pay.order);
	for (size_t i = 0; i < view.n_lines; i++) {
		no_controls(view.lines[i].name_ru);
		no_controls(view.lines[i].name_kk);
	}
	for (const char *q = view.pay.qr; *q; q++)
		if (*q <= 0x20 || *q >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sse_parser p;
	if (size == 0)
		return 0;
	size_t step = 1 + data[0] % 64;
	sse_parser_init(&p, on_event, NULL);
	for (size_t i = 1; i < size; i += step)
		sse_parser_feed(&p, (const char *)data + i, size - i < step ? size - i : step);
	sse_parser_feed(&p, "\n\n", 2);
	return 0;
}
