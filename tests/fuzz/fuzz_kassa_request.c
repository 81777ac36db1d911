/* fuzz_kassa_request.c — libFuzzer target: arbitrary bytes as the body of
 * each kassa-sandbox call, read as the server reads it (sandbox/json.h,
 * kassa/check.h): the parse with every number's literal kept, the check,
 * MoneyOperation and PrintFormat readers, every decimal literal at 0, 2
 * and 3 decimals, and for a check that reads, the receipt printed at 48
 * and 32 columns. Nothing may crash, leak, read out of bounds or hit
 * undefined behaviour, and what reads must keep the contract's sums: each
 * line's cost and VAT to the tiyn, the payments less the change equal to
 * the total, every printed line within its columns.
 *
 * Build and run with `make fuzz` (it links build-fuzz/libkassa.a and
 * build-fuzz/libsandbox.a), or by hand after it:
 *   build-fuzz/fuzz_kassa_request -max_total_time=300 -dict=tests/fuzz/fuzz_kassa_request.dict \
 *     tests/fuzz/seeds/fuzz_kassa_request */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "core/vat.h"
#include "sandbox/json.h"
#include "sandbox/kassa/decimal.h"
#include "sandbox/kassa/receipt.h"
#include "sandbox/kassa/routes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct cashbox cashbox = {
	.znk = "SWK00000001", .rn = "032600010282", .in = "2363",
	.address = "г. Алматы, ул. Абая, 10", .address_kz = "Алматы қ., Абай к-сі, 10",
	.ofd_name = "АО \"Казахтелеком\"", .ofd_name_kz = "\"Қазақтелеком\" АҚ",
	.ofd_host = "consumer.oofd.kz", .ofd_code = 1,
	.org_name = "ТОО «Береке»", .org_in = "123456789012", .employee = "Айгерим",
};

/* Every number's literal read at several scales: any status, no UB. */
static void numbers(const cJSON *item)
{
	for (; item; item = item->next) {
		const char *text = json_number_text(item);
		if (cJSON_IsNumber(item) && !text)
			abort();  /* every number got its literal */
		for (int d = 0; text && d <= 3; d++) {
			int64_t v;
			if (dec_parse(text, d, &v) == DEC_OK) {
				char back[DEC_TEXT_MAX];
				int64_t again;
				dec_format(back, sizeof back, v, d);
				if (dec_parse(back, d, &again) != DEC_OK || again != v)
					abort();  /* written back, read back the same */
			}
		}
		numbers(item->child);
	}
}

/* The sums of a check that read, and its printed receipt. */
static void check_sums(const struct check_doc *doc)
{
	int64_t total = 0, paid = 0;
	for (size_t i = 0; i < doc->nlines; i++) {
		const struct check_line *l = &doc->lines[i];
		int64_t gross, vat;
		if (!dec_line_cost(l->count, l->price, &gross) || l->cost != gross - l->discount + l->markup ||
		    l->cost < 0 || !vat_included(l->cost, l->rate, &vat) || vat != l->tax)
			abort();
		if (!l->name || kp_utf8_length(l->name) < 1)
			abort();
		total += l->cost;
	}
	for (size_t i = 0; i < doc->npay; i++)
		paid += doc->pay[i].sum;
	if (total != doc->total || paid - doc->change != total || doc->change > check_cash(doc->pay, doc->npay))
		abort();

	struct receipt r = {.op = doc->op, .at_ms = 1796291437000, .shift = 1, .order = 1,
	                    .total = doc->total, .change = doc->change, .npay = doc->npay,
	                    .offline = doc->nlines % 2};
	memcpy(r.number, "367645207", 10);
	memcpy(r.pay, doc->pay, sizeof r.pay);
	r.lines = calloc(doc->nlines, sizeof *r.lines);
	if (!r.lines)
		return;
	for (size_t i = 0; i < doc->nlines; i++) {
		const struct check_line *l = &doc->lines[i];
		r.lines[i] = (struct receipt_line){.name = (char *)l->name, .count = l->count, .price = l->price,
		                                   .discount = l->discount, .markup = l->markup, .cost = l->cost,
		                                   .tax = l->tax, .rate = l->rate, .unit = l->unit};
	}
	r.nlines = doc->nlines;
	for (int cols = 32; cols <= 48; cols += 16) {
		cJSON *lines = ticket_lines(&r, &cashbox, cols);
		const cJSON *l;
		int qr = 0;
		cJSON_ArrayForEach(l, lines) {
			const cJSON *type = cJSON_GetObjectItemCaseSensitive(l, "Type");
			const cJSON *value = cJSON_GetObjectItemCaseSensitive(l, "Value");
			if (!cJSON_IsString(value))
				abort();
			if (type->valueint == 2)
				qr++;
			else if (kp_utf8_length(value->valuestring) > cols)
				abort();  /* a line past the paper's edge */
		}
		if (lines && qr != 1)
			abort();
		cJSON_Delete(lines);
	}
	free(r.lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a heap copy of exactly `size` bytes plus the NUL the server adds */
	char *body = malloc(size + 1);
	if (!body)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';

	struct reader rd;
	reader_init(&rd, false);
	cJSON *root = kassa_body(body, size, &rd);
	if (root) {
		numbers(root);
		struct check_doc doc;
		check_read(root, &doc, &rd);
		if (!rd.failed)
			check_sums(&doc);
		else if (!rd.why[0] || kp_utf8_length(rd.why) < 0)
			abort();  /* a failure says which field, in valid text */
		check_doc_free(&doc);

		struct money_doc money;
		reader_init(&rd, true);
		money_read(root, &money, &rd);
		if (!rd.failed && (money.sum < 1 || (money.op != MONEY_IN && money.op != MONEY_OUT)))
			abort();
		struct print_doc print;
		reader_init(&rd, false);
		print_read(root, &print, &rd);
		(void)reader_string(&rd, root, "Token");
		cJSON_Delete(root);
	}
	free(body);
	return 0;
}
