/* check.c — the rules of a body that need no stored state (check.h). */
#include "sandbox/kassa/check.h"

#include "core/timeutil.h"
#include "core/vat.h"
#include "sandbox/kassa/decimal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int op_types[] = {CHECK_SALE, CHECK_RETURN};
static const int pay_types[] = {PAY_CASH, PAY_CARD, PAY_MOBILE};
static const int tax_types[] = {0, 100};
static const int unit_codes[] = {UNIT_PIECE, UNIT_KG, UNIT_LITRE, UNIT_METRE};
static const int position_types[] = {0, 1, 2};
static const int round_types[] = {2};
static const int money_ops[] = {MONEY_IN, MONEY_OUT};
static const int paper_kinds[] = {PAPER_80, PAPER_58};

#define COUNT_OF(a) ((int)(sizeof(a) / sizeof(a)[0]))

/* Tiyn as "549.90", for messages. */
static const char *tenge(char buf[DEC_TEXT_MAX], int64_t tiyn)
{
	dec_format_fixed(buf, DEC_TEXT_MAX, tiyn, 2);
	return buf;
}

/* OperationType: 2 or 3; the purchases 0 and 1 get a message of their own. */
static void read_op(struct reader *rd, const cJSON *root, int *op)
{
	int64_t v;
	if (!read_decimal(rd, root, "", "OperationType", 0, INT32_MIN, INT32_MAX, true, 0, &v))
		return;
	if (v == 0 || v == 1) {
		reader_fail(rd, "OperationType %lld is a purchase, which this register does not take: 2 sale, 3 return",
		            (long long)v);
		return;
	}
	if (!read_choice(rd, root, "", "OperationType", op_types, COUNT_OF(op_types), true, 0, op))
		return;
}

/* One position: its fields, its cost and its VAT. */
static void read_line(struct reader *rd, const cJSON *p, const char *where, struct check_line *l)
{
	char a[DEC_TEXT_MAX], b[DEC_TEXT_MAX];

	if (!cJSON_IsObject(p)) {
		reader_fail(rd, "%.*s must be an object", (int)strlen(where) - 1, where);
		return;
	}
	read_decimal(rd, p, where, "Count", 3, 1, KASSA_COUNT_MAX, true, 0, &l->count);
	read_decimal(rd, p, where, "Price", 2, 0, KASSA_MONEY_MAX, true, 0, &l->price);
	read_decimal(rd, p, where, "Discount", 2, 0, KASSA_MONEY_MAX, false, 0, &l->discount);
	read_decimal(rd, p, where, "Markup", 2, 0, KASSA_MONEY_MAX, false, 0, &l->markup);
	read_choice(rd, p, where, "TaxType", tax_types, COUNT_OF(tax_types), true, 0, &l->tax_type);
	int64_t rate = 0;
	read_decimal(rd, p, where, "TaxPercent", 0, 0, VAT_RATE_MAX - 1, true, 0, &rate);
	l->rate = (int)rate;
	read_decimal(rd, p, where, "Tax", 2, 0, KASSA_MONEY_MAX, true, 0, &l->tax);
	read_text(rd, p, where, "PositionName", CHECK_NAME_MAX, true, &l->name);
	read_text(rd, p, where, "PositionCode", CHECK_TEXT_MAX, false, &l->code);
	read_text(rd, p, where, "SectionCode", CHECK_TEXT_MAX, false, &l->section);
	read_choice(rd, p, where, "UnitCode", unit_codes, COUNT_OF(unit_codes), true, 0, &l->unit);
	read_choice(rd, p, where, "PositionType", position_types, COUNT_OF(position_types), true, 0,
	            &l->kind);
	read_id(rd, p, where, "GTIN", CHECK_GTIN_MAX, false, &l->gtin);
	if (l->gtin && strspn(l->gtin, "0123456789") != strlen(l->gtin))
		reader_fail(rd, "%sGTIN must be digits only", where);
	if (rd->failed)
		return;

	if (l->tax_type == 0 && l->rate != 0) {
		reader_fail(rd, "%sTaxPercent must be 0 with TaxType 0 (no VAT)", where);
		return;
	}
	int64_t gross;
	if (!dec_line_cost(l->count, l->price, &gross) || gross > KASSA_MONEY_MAX) {
		reader_fail(rd, "%sCount x Price is too large", where);
		return;
	}
	if (l->discount > gross + l->markup) {
		reader_fail(rd, "%sDiscount %s is more than the line's %s", where, tenge(a, l->discount),
		            tenge(b, gross + l->markup));
		return;
	}
	l->cost = gross - l->discount + l->markup;
	if (l->cost > KASSA_MONEY_MAX) {
		reader_fail(rd, "%sthe line's cost is too large", where);
		return;
	}
	int64_t vat = 0;
	if (!vat_included(l->cost, l->rate, &vat) || vat != l->tax)
		reader_fail(rd, "%sTax is %s; the VAT in %s at %d%% is %s", where, tenge(a, l->tax),
		            tenge(b, l->cost), l->rate, tenge((char[DEC_TEXT_MAX]){0}, vat));
}

static void read_lines(struct reader *rd, const cJSON *root, struct check_doc *doc)
{
	const cJSON *positions = read_array(rd, root, "", "Positions");
	if (!positions)
		return;
	int n = cJSON_GetArraySize(positions);
	if (n < 1 || n > CHECK_LINES_MAX) {
		reader_fail(rd, "Positions must hold 1-%d positions, not %d", CHECK_LINES_MAX, n);
		return;
	}
	doc->lines = calloc((size_t)n, sizeof *doc->lines);
	if (!doc->lines) {
		reader_fail(rd, "Positions: out of memory");
		return;
	}
	const cJSON *p;
	cJSON_ArrayForEach(p, positions) {
		char where[32];
		snprintf(where, sizeof where, "Positions[%zu].", doc->nlines);
		struct check_line *l = &doc->lines[doc->nlines];
		read_line(rd, p, where, l);
		if (rd->failed)
			return;
		doc->nlines++;
		/* each sum stays under nlines × KASSA_MONEY_MAX ≤ 10^17: no overflow */
		doc->total += l->cost;
		doc->discount += l->discount;
		doc->markup += l->markup;
		doc->vat += l->tax;
	}
}

static void read_payments(struct reader *rd, const cJSON *root, struct check_doc *doc)
{
	const cJSON *payments = read_array(rd, root, "", "Payments");
	if (!payments)
		return;
	int n = cJSON_GetArraySize(payments);
	if (n > CHECK_PAY_KINDS) {
		reader_fail(rd, "Payments must hold at most %d payments, one per PaymentType", CHECK_PAY_KINDS);
		return;
	}
	const cJSON *p;
	cJSON_ArrayForEach(p, payments) {
		char where[32];
		snprintf(where, sizeof where, "Payments[%zu].", doc->npay);
		if (!cJSON_IsObject(p)) {
			reader_fail(rd, "Payments[%zu] must be an object", doc->npay);
			return;
		}
		struct check_payment *pay = &doc->pay[doc->npay];
		read_choice(rd, p, where, "PaymentType", pay_types, COUNT_OF(pay_types), true, 0, &pay->type);
		read_decimal(rd, p, where, "Sum", 2, 1, KASSA_MONEY_MAX, true, 0, &pay->sum);
		if (rd->failed)
			return;
		for (size_t i = 0; i < doc->npay; i++) {
			if (doc->pay[i].type == pay->type) {
				reader_fail(rd, "%sPaymentType %d is there twice", where, pay->type);
				return;
			}
		}
		doc->npay++;
	}
}

static void read_basis(struct reader *rd, const cJSON *root, struct check_doc *doc)
{
	const char *where = "ReturnBasisDetails.";
	const cJSON *b = read_object(rd, root, "", "ReturnBasisDetails", doc->op == CHECK_RETURN);
	if (!b)
		return;
	if (doc->op != CHECK_RETURN) {
		reader_fail(rd, "ReturnBasisDetails belongs to a return (OperationType 3) only");
		return;
	}
	struct check_basis *basis = &doc->basis;
	const char *when = NULL;
	read_id(rd, b, where, "CheckNumber", CHECK_ECN_MAX, true, &basis->number);
	read_text(rd, b, where, "DateTime", 40, true, &when);
	if (when && !kp_time_parse(when, &basis->at))
		reader_fail(rd, "%sDateTime must be an RFC 3339 time (2026-12-03T09:50:37Z)", where);
	read_id(rd, b, where, "RegistrationNumber", CHECK_ECN_MAX, true, &basis->rn);
	read_decimal(rd, b, where, "Total", 2, 0, KASSA_MONEY_MAX, true, 0, &basis->total);
	read_bool(rd, b, where, "IsOffline", true, &basis->offline);
	doc->has_basis = !rd->failed;
}

int64_t check_cash(const struct check_payment *pay, size_t npay)
{
	for (size_t i = 0; i < npay; i++)
		if (pay[i].type == PAY_CASH)
			return pay[i].sum;
	return 0;
}

void check_read(const cJSON *root, struct check_doc *doc, struct reader *rd)
{
	char a[DEC_TEXT_MAX], b[DEC_TEXT_MAX], c[DEC_TEXT_MAX];
	int round = 2;

	memset(doc, 0, sizeof *doc);
	read_id(rd, root, "", "ExternalCheckNumber", CHECK_ECN_MAX, true, &doc->ecn);
	read_text(rd, root, "", "ExternalOrderNumber", CHECK_TEXT_MAX, false, &doc->order_number);
	read_op(rd, root, &doc->op);
	read_lines(rd, root, doc);
	read_payments(rd, root, doc);
	read_decimal(rd, root, "", "Change", 2, 0, KASSA_MONEY_MAX, false, 0, &doc->change);
	read_choice(rd, root, "", "RoundType", round_types, COUNT_OF(round_types), false, 2, &round);
	read_basis(rd, root, doc);
	if (rd->failed)
		return;

	int64_t paid = 0;
	for (size_t i = 0; i < doc->npay; i++)
		paid += doc->pay[i].sum;  /* at most 3 × KASSA_MONEY_MAX */
	int64_t cash = check_cash(doc->pay, doc->npay);
	if (doc->change > cash) {
		reader_fail(rd, "Change %s is more than the cash payment %s", tenge(a, doc->change),
		            tenge(b, cash));
		return;
	}
	if (paid - doc->change != doc->total)
		reader_fail(rd, "Payments %s less Change %s is %s; the positions add up to %s",
		            tenge(a, paid), tenge(b, doc->change), tenge(c, paid - doc->change),
		            tenge((char[DEC_TEXT_MAX]){0}, doc->total));
}

void check_doc_free(struct check_doc *doc)
{
	free(doc->lines);
	doc->lines = NULL;
	doc->nlines = 0;
}

void money_read(const cJSON *root, struct money_doc *doc, struct reader *rd)
{
	memset(doc, 0, sizeof *doc);
	read_id(rd, root, "", "ExternalCheckNumber", CHECK_ECN_MAX, true, &doc->ecn);
	read_choice(rd, root, "", "OperationType", money_ops, COUNT_OF(money_ops), true, 0, &doc->op);
	read_decimal(rd, root, "", "Sum", 2, 1, KASSA_MONEY_MAX, true, 0, &doc->sum);
}

void print_read(const cJSON *root, struct print_doc *doc, struct reader *rd)
{
	memset(doc, 0, sizeof *doc);
	read_id(rd, root, "", "ExternalCheckNumber", CHECK_ECN_MAX, true, &doc->ecn);
	read_choice(rd, root, "", "PaperKind", paper_kinds, COUNT_OF(paper_kinds), false, PAPER_80,
	            &doc->paper);
}
