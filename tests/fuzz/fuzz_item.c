/* fuzz_item.c — libFuzzer target for what a cashier or a scanner types
 * (core/measure.h, core/scale.h): kp_item_split, kp_qty_parse for every
 * measure and kp_scale_read under rules taken from the input's first
 * bytes. Beyond the sanitizers it checks the promises: the parts of an
 * item are trimmed, NUL-terminated and come from the text; a quantity
 * read is 1–9999 pieces or 1–100000 thousandths, and is read the same
 * again from its own canonical form; a label read is 13 digits with the
 * right check digit, its PLU and value the digits the rules say.
 *
 *   make fuzz   (or by hand: see the Makefile's fuzz target)
 *   build-fuzz/fuzz_item tests/fuzz/seeds/fuzz_item */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ean.h"
#include "core/measure.h"
#include "core/scale.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_qty(const char *text)
{
	for (int m = 0; m < KP_MEASURE_COUNT; m++) {
		int64_t v = -1;
		if (kp_qty_parse(text, (enum kp_measure)m, &v) != KP_QTY_OK) {
			if (v != -1)
				abort(); /* touched on a refusal */
			continue;
		}
		int64_t max = m == KP_MEASURE_PIECE ? KP_PIECES_MAX : KP_MEASURE_MAX;
		if (v < 1 || v > max)
			abort();
		/* its canonical form reads back the same */
		char again[32];
		int64_t w = -1;
		if (m == KP_MEASURE_PIECE)
			snprintf(again, sizeof again, "%lld", (long long)v);
		else
			kp_measure_format(again, sizeof again, v);
		if (kp_qty_parse(again, (enum kp_measure)m, &w) != KP_QTY_OK || w != v)
			abort();
		if (!kp_qty_status_message(KP_QTY_OK, (enum kp_measure)m)[0])
			abort();
	}
}

static void check_split(const char *text)
{
	struct kp_item_text t;
	if (kp_item_split(text, &t) != KP_ITEM_OK)
		return;
	size_t c = strnlen(t.code, sizeof t.code), q = strnlen(t.qty, sizeof t.qty);
	if (c >= sizeof t.code || q >= sizeof t.qty || !t.has_qty != !strchr(text, '*'))
		abort();
	if ((c && (t.code[0] == ' ' || t.code[c - 1] == ' ')) || (q && (t.qty[0] == ' ' || t.qty[q - 1] == ' ')))
		abort();
	if (!strstr(text, t.code) || !strstr(text, t.qty) || strchr(t.code, '*') || strchr(t.qty, '*'))
		abort();
	check_qty(t.qty);
}

static void check_label(const uint8_t *rules_bytes, const char *code)
{
	struct kp_scale_rules r = {
		.weight_prefixes = rules_bytes[0] | ((rules_bytes[1] & 3u) << 8),
		.price_prefixes = 0,
		.plu_digits = 4 + rules_bytes[2] % 3,
		.weight_step = rules_bytes[1] & 4 ? 10 : 1,
		.price_step = rules_bytes[1] & 8 ? 100 : 1,
	};
	r.price_prefixes = ~r.weight_prefixes & KP_SCALE_PREFIXES_ALL & (rules_bytes[1] & 16 ? ~0u : 0u);
	struct kp_scale_label l = {.prefix = -1};
	enum kp_scale_status st = kp_scale_read(&r, code, &l);
	if (st != KP_SCALE_LABEL) {
		if (l.prefix != -1)
			abort();
		return;
	}
	if (strlen(code) != EAN13_LEN || !ean_valid(code) || l.prefix < 20 || l.prefix > 29)
		abort();
	int64_t plu = 0, value = 0;
	for (int i = 2; i < 2 + r.plu_digits; i++)
		plu = plu * 10 + (code[i] - '0');
	for (int i = 2 + r.plu_digits; i < 12; i++)
		value = value * 10 + (code[i] - '0');
	if (l.plu != plu || l.value != value * (l.is_price ? r.price_step : r.weight_step))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_split(text);
	check_qty(text);
	if (size >= 3)
		check_label(data, text + 3);
	free(text);
	return 0;
}
