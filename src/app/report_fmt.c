/* report_fmt.c — the reports' writers: text at 32, 42 or 48 columns,
 * CSV and JSON (and JSON read back, for the Z snapshot), and the journal
 * listing's; the Z close and reprint with the JSON snapshot. What the
 * figures mean is store/reports.h's; the store sums, this module writes. */
#include "app/report_fmt.h"
#include "net/webkassa.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "app/i18n.h"
#include "core/escpos.h"
#include "core/measure.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "store/receipts.h"
#include "store/refunds.h"

/* Marks a label for xgettext (app/i18n.h's); the text writer translates
 * it through tr. */

static void copy_text(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* "2026-11-26 09:05" in Almaty time; "—" for 0. */
static void format_local(char *buf, size_t size, time_t t)
{
	if (t == 0) {
		copy_text(buf, size, "\xe2\x80\x94");
		return;
	}
	kp_almaty_strftime(buf, size, "%Y-%m-%d %H:%M", t);
}

/* ---- text ---------------------------------------------------------- */

/* A growing text; on running out of memory it stops growing and says so
 * (failed), and the writer returns NULL. */
struct buf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_fmt(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_fmt(struct buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		buf_add(b, tmp, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf_add(b, big, (size_t)n);
	free(big);
}

static void buf_spaces(struct buf *b, size_t n)
{
	static const char spaces[] = "                                                ";
	while (n > 0) {
		size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		buf_add(b, spaces, k);
		n -= k;
	}
}

/* The buffer's text, or NULL (freed) if it ran out of memory. */
static char *buf_done(struct buf *b)
{
	if (b->failed || !b->s) {
		free(b->s);
		if (b->failed)
			return NULL;
		return strdup("");
	}
	return b->s;
}

/* Columns of UTF-8 text: one per code point (the till prints no wide
 * characters); bytes that are not UTF-8 count one each. */
static size_t columns(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* Bytes of s that hold at most cols columns (whole characters). */
static size_t bytes_for(const char *s, size_t n, size_t cols)
{
	size_t i = 0, c = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80)
			j++;
		if (c + 1 > cols)
			break;
		c++;
		i = j;
	}
	return i;
}

/* A label or value fit for one receipt line: control characters (a new
 * line in a store name) become spaces. */
static void clean(char *dst, size_t size, const char *src)
{
	escpos_unmark(dst, size, src); /* no name can make a code line (core/escpos.h) */
	for (char *p = dst; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

/* Writes text in lines of at most width columns, breaking at spaces
 * where it can, each line centred (or left-aligned). */
static void text_wrap(struct buf *b, int width, const char *text, bool centre)
{
	char line[1024];
	clean(line, sizeof line, text);
	const char *p = line;
	size_t w = (size_t)width;
	while (*p == ' ')
		p++;
	while (*p) {
		size_t n = strlen(p);
		size_t take = bytes_for(p, n, w);
		if (take < n) {
			/* break at the last space within the line, if any */
			size_t cut = take;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut > 0)
				take = cut;
		}
		size_t end = take;
		while (end > 0 && p[end - 1] == ' ')
			end--;
		size_t cols = columns(p, end);
		if (centre)
			buf_spaces(b, (w - cols) / 2);
		buf_add(b, p, end);
		buf_str(b, "\n");
		p += take;
		while (*p == ' ')
			p++;
	}
}

/* "label ........ value" on one line, the value right-aligned; when both
 * do not fit, the label wrapped on its own lines and the value
 * right-aligned below. */
static void text_row(struct buf *b, int width, const char *label, const char *value)
{
	char l[512], v[256];
	clean(l, sizeof l, label);
	clean(v, sizeof v, value);
	size_t lc = columns(l, strlen(l)), vc = columns(v, strlen(v)), w = (size_t)width;
	if (vc > w) { /* never happens with the report's values; stay within the width anyway */
		text_wrap(b, width, l, false);
		text_wrap(b, width, v, false);
		return;
	}
	if (vc == 0) {
		text_wrap(b, width, l, false);
		return;
	}
	if (lc + 1 + vc <= w || (lc == 0 && vc <= w)) {
		buf_str(b, l);
		buf_spaces(b, w - lc - vc);
		buf_str(b, v);
		buf_str(b, "\n");
		return;
	}
	text_wrap(b, width, l, false);
	buf_spaces(b, w - vc);
	buf_str(b, v);
	buf_str(b, "\n");
}

static void text_rule(struct buf *b, int width, char c)
{
	char line[REPORT_WIDTH_MAX + 2];
	memset(line, c, (size_t)width);
	line[width] = '\n';
	line[width + 1] = '\0';
	buf_str(b, line);
}

static const char *tr_id(report_tr_fn tr, const char *msgid) __attribute__((format_arg(2)));
static const char *tr_id(report_tr_fn tr, const char *msgid)
{
	return tr ? tr(msgid) : msgid;
}

static const char *const method_labels[REPORT_METHOD_COUNT] = {
	[REPORT_QR] = N_("Kaspi QR"),
	[REPORT_PHONE] = N_("Kaspi by phone"),
	[REPORT_CARD] = N_("Card"),
	[REPORT_CASH] = N_("In cash"),
};

/* "label (count)" then the amount. */
static void text_sum(struct buf *b, int width, const char *label, const struct report_sum *s)
{
	char l[512], v[64];
	snprintf(l, sizeof l, "%s (%lld)", label, (long long)s->count);
	money_format_plain(v, sizeof v, s->amount);
	text_row(b, width, l, v);
}

static void text_money(struct buf *b, int width, const char *label, int64_t amount)
{
	char v[64];
	money_format_plain(v, sizeof v, amount);
	text_row(b, width, label, v);
}

static void text_count(struct buf *b, int width, const char *label, int64_t n)
{
	char v[32];
	snprintf(v, sizeof v, "%lld", (long long)n);
	text_row(b, width, label, v);
}

static void text_time(struct buf *b, int width, const char *label, time_t t)
{
	char v[48];
	format_local(v, sizeof v, t);
	text_row(b, width, label, v);
}

/* "0,50%" from hundredths of a percent. */
static void format_percent(char *buf, size_t size, int hundredths, char mark)
{
	int a = hundredths < 0 ? -hundredths : hundredths;
	snprintf(buf, size, "%s%d%c%02d%%", hundredths < 0 ? "-" : "", a / 100, mark, a % 100);
}

static void text_vat(struct buf *b, int width, report_tr_fn tr, const struct vat_table *t)
{
	if (t->count == 0)
		text_row(b, width, tr_id(tr, N_("none")), "");
	for (size_t i = 0; i < t->count; i++) {
		char gross[64], l[256], v[64];
		money_format_plain(gross, sizeof gross, t->group[i].gross);
		/* TRANSLATORS: VAT rate group: "12% of 15 000,00" (the gross it is included in) */
		snprintf(l, sizeof l, tr_id(tr, N_("%d%% of %s")), t->group[i].rate, gross);
		money_format_plain(v, sizeof v, t->group[i].vat);
		text_row(b, width, l, v);
	}
}

static void text_header(struct buf *b, int width, report_tr_fn tr, const struct report *r)
{
	char title[256], v[64];

	if (r->store_name[0])
		text_wrap(b, width, r->store_name, true);
	if (r->store_address[0])
		text_wrap(b, width, r->store_address, true);
	if (r->store_bin[0])
		text_row(b, width, tr_id(tr, N_("BIN")), r->store_bin);
	if (r->till_id[0])
		text_row(b, width, tr_id(tr, N_("Till")), r->till_id);
	text_rule(b, width, '=');
	switch (r->kind) {
	case REPORT_X:
		snprintf(title, sizeof title, "%s", tr_id(tr, N_("X REPORT")));
		break;
	case REPORT_Z:
		snprintf(title, sizeof title, tr_id(tr, N_("Z REPORT No. %lld")), (long long)r->z_number);
		break;
	default:
		snprintf(title, sizeof title, "%s", tr_id(tr, N_("DAY REPORT")));
		break;
	}
	text_wrap(b, width, title, true);
	if (r->kind == REPORT_DAY) {
		report_format_date(v, sizeof v, r->day);
		text_row(b, width, tr_id(tr, N_("Date")), v);
		if (r->shift_id == 0)
			snprintf(v, sizeof v, "\xe2\x80\x94");
		else if (r->shift_id == r->last_shift_id)
			snprintf(v, sizeof v, "%lld", (long long)r->shift_id);
		else
			snprintf(v, sizeof v, "%lld\xe2\x80\x93%lld", (long long)r->shift_id,
			         (long long)r->last_shift_id);
		text_row(b, width, tr_id(tr, N_("Shifts")), v);
		text_time(b, width, tr_id(tr, N_("From")), r->from);
		text_time(b, width, tr_id(tr, N_("To")), r->to);
	} else {
		snprintf(v, sizeof v, "%lld", (long long)r->shift_id);
		text_row(b, width, tr_id(tr, N_("Shift")), v);
		text_time(b, width, tr_id(tr, N_("Opened")), r->from);
		text_time(b, width, tr_id(tr, r->kind == REPORT_Z ? N_("Closed") : N_("Until")), r->to);
	}
	for (size_t i = 0; i < r->n_cashiers; i++)
		text_row(b, width, tr_id(tr, N_("Cashier")),
		         r->cashiers[i].user_id ? r->cashiers[i].name : tr_id(tr, N_("command line")));
	if (r->kind == REPORT_Z && r->closed_by[0])
		text_row(b, width, tr_id(tr, N_("Closed by")), r->closed_by);
	if (r->over_24h) {
		snprintf(title, sizeof title, "! %s", tr_id(tr, N_("The shift has been open over 24 hours")));
		text_wrap(b, width, title, false);
	}
}

/* The cashier's word for an unfinished order's or refund's state (the
 * snapshot keeps the state's name). */
static const char *unfinished_label(const struct report_unfinished *u)
{
	enum journal_state js;
	enum refund_state rs;
	if (u->receipt)
		return N_("waits for the register");
	if (u->refund)
		return refunds_state_parse(u->state, &rs) ? refunds_state_label(rs) : u->state;
	return journal_state_parse(u->state, &js) ? journal_state_label(js) : u->state;
}

/* The word for a fiscal receipt's kind (the snapshot keeps its name). */
static const char *receipt_kind_label(const char *kind)
{
	return strcmp(kind, "return") == 0     ? N_("return")
	       : strcmp(kind, "cash_in") == 0  ? N_("cash in")
	       : strcmp(kind, "cash_out") == 0 ? N_("cash out")
	                                       : N_("sale");
}

static void text_unfinished(struct buf *b, int width, report_tr_fn tr, const struct report *r)
{
	char l[512], v[64];
	snprintf(l, sizeof l, "! %s: %zu", tr_id(tr, N_("UNFINISHED")), r->n_unfinished);
	text_wrap(b, width, l, false);
	for (size_t i = 0; i < r->n_unfinished; i++) {
		const struct report_unfinished *u = &r->unfinished[i];
		if (u->receipt) {
			snprintf(l, sizeof l, "%s: %s", tr_id(tr, N_("fiscal receipt")),
			         tr_id(tr, receipt_kind_label(u->order_ref)));
			text_wrap(b, width, l, false);
			if (u->ref[0])
				text_wrap(b, width, u->ref, false);
		} else if (u->refund) {
			snprintf(l, sizeof l, "%s %s", tr_id(tr, N_("refund")), u->ref);
			text_wrap(b, width, l, false);
			snprintf(l, sizeof l, "  %s %s", tr_id(tr, N_("of")), u->order_ref);
			text_wrap(b, width, l, false);
		} else {
			text_wrap(b, width, u->ref, false);
		}
		snprintf(l, sizeof l, "  %s", tr_id(tr, unfinished_label(u)));
		money_format_plain(v, sizeof v, u->amount);
		text_row(b, width, l, v);
	}
}

/* "+1 000,00", "-129,00", "0,00": a difference with its sign. */
static void format_signed(char *buf, size_t size, int64_t amount)
{
	size_t sign = amount > 0 && size > 1;
	if (sign)
		buf[0] = '+';
	money_format_plain(buf + sign, size - sign, amount);
}

/* The drawer: what it should hold and why; at a Z, what was counted. */
static void text_cash(struct buf *b, int width, report_tr_fn tr, const struct report *r)
{
	const struct cash_figures *c = &r->cash;
	struct report_sum sales = {c->sales.count, c->sales.amount};
	struct report_sum in = {c->in.count, c->in.amount};
	struct report_sum out = {c->out.count, c->out.amount};
	struct report_sum refunds = {c->refunds.count, c->refunds.amount};
	char v[64];

	text_rule(b, width, '-');
	text_wrap(b, width, tr_id(tr, N_("CASH IN THE DRAWER")), false);
	text_money(b, width, tr_id(tr, N_("Float")), c->float_amount);
	text_sum(b, width, tr_id(tr, N_("Cash sales")), &sales);
	text_sum(b, width, tr_id(tr, N_("Cash in")), &in);
	text_sum(b, width, tr_id(tr, N_("Cash out")), &out);
	if (refunds.count > 0)
		text_sum(b, width, tr_id(tr, N_("Cash refunds")), &refunds);
	text_money(b, width, tr_id(tr, N_("Expected")), c->expected);
	if (!r->counted_set)
		return;
	text_money(b, width, tr_id(tr, N_("Counted")), r->counted);
	format_signed(v, sizeof v, r->difference);
	text_row(b, width,
	         tr_id(tr, r->difference > 0   ? N_("Over")
	                   : r->difference < 0 ? N_("Short")
	                                       : N_("Difference")),
	         v);
}

char *report_text(const struct report *r, int width, report_tr_fn tr)
{
	struct buf b = {0};
	char l[256], pct[32];

	if (width != 32 && width != 42 && width != 48)
		return NULL;
	text_header(&b, width, tr, r);

	text_rule(&b, width, '-');
	text_wrap(&b, width, tr_id(tr, N_("SALES")), false);
	for (int m = 0; m < REPORT_METHOD_COUNT; m++)
		text_sum(&b, width, tr_id(tr, method_labels[m]), &r->sales[m]);
	text_sum(&b, width, tr_id(tr, N_("Total")), &r->sales_total);
	if (r->sales_split.count > 0)
		text_sum(&b, width, tr_id(tr, N_("of them in several tenders")), &r->sales_split);
	text_wrap(&b, width, tr_id(tr, N_("REFUNDS")), false);
	for (int m = 0; m < REPORT_METHOD_COUNT; m++)
		text_sum(&b, width, tr_id(tr, method_labels[m]), &r->refunds[m]);
	text_sum(&b, width, tr_id(tr, N_("Total")), &r->refunds_total);
	if (r->refunds_no_receipt.count > 0)
		text_sum(&b, width, tr_id(tr, N_("without a receipt")), &r->refunds_no_receipt);
	text_rule(&b, width, '-');
	text_money(&b, width, tr_id(tr, N_("NET")), r->net);
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		snprintf(l, sizeof l, "  %s", tr_id(tr, method_labels[m]));
		text_money(&b, width, l, r->net_per[m]);
	}

	text_rule(&b, width, '-');
	text_wrap(&b, width, tr_id(tr, N_("VAT IN SALES")), false);
	text_vat(&b, width, tr, &r->vat_sales);
	if (r->sales_unitemised.count > 0)
		text_sum(&b, width, tr_id(tr, N_("Without lines, no VAT rate")), &r->sales_unitemised);
	text_wrap(&b, width, tr_id(tr, N_("VAT IN REFUNDS")), false);
	text_vat(&b, width, tr, &r->vat_refunds);

	text_rule(&b, width, '-');
	text_wrap(&b, width, tr_id(tr, N_("COMMISSION (ESTIMATE)")), false);
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		if (m == REPORT_CASH)
			continue; /* cash costs no commission */
		format_percent(pct, sizeof pct, r->commission_rate[m], ',');
		snprintf(l, sizeof l, "%s %s", tr_id(tr, method_labels[m]), pct);
		text_money(&b, width, l, r->commission[m]);
	}
	text_money(&b, width, tr_id(tr, N_("Total")), r->commission_total);
	text_money(&b, width, tr_id(tr, N_("EXPECTED PAYOUT")), r->payout);

	if (r->cash_known)
		text_cash(&b, width, tr, r);

	text_rule(&b, width, '-');
	text_count(&b, width, tr_id(tr, N_("Cancelled")), r->cancelled);
	text_count(&b, width, tr_id(tr, N_("Failed")), r->failed);
	text_count(&b, width, tr_id(tr, N_("Expired")), r->expired);
	text_sum(&b, width, tr_id(tr, N_("Voided lines")), &r->voided);
	text_time(&b, width, tr_id(tr, N_("First order")), r->first_order);
	text_time(&b, width, tr_id(tr, N_("Last order")), r->last_order);

	if (r->n_unfinished > 0) {
		text_rule(&b, width, '-');
		text_unfinished(&b, width, tr, r);
	}
	text_rule(&b, width, '=');
	text_time(&b, width, tr_id(tr, N_("Printed")), r->generated_at);
	return buf_done(&b);
}

/* ---- CSV ----------------------------------------------------------- */

/* One field, quoted when RFC 4180 needs it (comma, quote, CR or LF). */
static void csv_field(struct buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_str(b, s);
		return;
	}
	buf_str(b, "\"");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_str(b, "\"");
		buf_add(b, p, 1);
	}
	buf_str(b, "\"");
}

/* A row: fields joined by commas, CRLF at the end (RFC 4180). */
static void csv_row(struct buf *b, const char *section, const char *key, const char *item,
                    const char *value)
{
	csv_field(b, section);
	buf_str(b, ",");
	csv_field(b, key);
	buf_str(b, ",");
	csv_field(b, item);
	buf_str(b, ",");
	csv_field(b, value);
	buf_str(b, "\r\n");
}

static void csv_int(struct buf *b, const char *section, const char *key, const char *item,
                    int64_t v)
{
	char s[32];
	snprintf(s, sizeof s, "%lld", (long long)v);
	csv_row(b, section, key, item, s);
}

static void csv_money(struct buf *b, const char *section, const char *key, const char *item,
                      int64_t v)
{
	char s[48];
	money_format_decimal(s, sizeof s, v);
	csv_row(b, section, key, item, s);
}

static void csv_time(struct buf *b, const char *section, const char *key, time_t t)
{
	char s[KP_TIME_LEN];
	if (t)
		kp_time_format(t, s, sizeof s);
	else
		s[0] = '\0';
	csv_row(b, section, key, "", s);
}

static void csv_sums(struct buf *b, const char *section, const struct report_sum *per_method,
                     const struct report_sum *total)
{
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		csv_int(b, section, "count", report_method_name((enum report_method)m), per_method[m].count);
		csv_money(b, section, "amount", report_method_name((enum report_method)m), per_method[m].amount);
	}
	csv_int(b, section, "count", "total", total->count);
	csv_money(b, section, "amount", "total", total->amount);
}

static void csv_vat(struct buf *b, const char *section, const struct vat_table *t)
{
	for (size_t i = 0; i < t->count; i++) {
		char rate[16];
		snprintf(rate, sizeof rate, "%d", t->group[i].rate);
		csv_money(b, section, "gross", rate, t->group[i].gross);
		csv_money(b, section, "vat", rate, t->group[i].vat);
	}
}

char *report_csv(const struct report *r)
{
	struct buf b = {0};
	char v[64];

	csv_row(&b, "section", "key", "item", "value");
	csv_row(&b, "report", "kind", "", report_kind_name(r->kind));
	csv_row(&b, "report", "store_name", "", r->store_name);
	csv_row(&b, "report", "store_bin", "", r->store_bin);
	csv_row(&b, "report", "store_address", "", r->store_address);
	csv_row(&b, "report", "till_id", "", r->till_id);
	if (r->kind == REPORT_DAY) {
		report_format_date(v, sizeof v, r->day);
		csv_row(&b, "report", "date", "", v);
		csv_int(&b, "report", "first_shift_id", "", r->shift_id);
		csv_int(&b, "report", "last_shift_id", "", r->last_shift_id);
	} else {
		csv_int(&b, "report", "shift_id", "", r->shift_id);
	}
	if (r->kind == REPORT_Z) {
		csv_int(&b, "report", "z_number", "", r->z_number);
		csv_row(&b, "report", "closed_by", "", r->closed_by);
	}
	csv_time(&b, "report", "from", r->from);
	csv_time(&b, "report", "to", r->to);
	csv_time(&b, "report", "generated_at", r->generated_at);
	csv_row(&b, "report", "over_24h", "", r->over_24h ? "true" : "false");
	for (size_t i = 0; i < r->n_cashiers; i++) {
		snprintf(v, sizeof v, "%lld", (long long)r->cashiers[i].user_id);
		csv_row(&b, "cashier", "name", v, r->cashiers[i].name);
	}
	csv_sums(&b, "sales", r->sales, &r->sales_total);
	csv_int(&b, "sales", "count", "split", r->sales_split.count);
	csv_money(&b, "sales", "amount", "split", r->sales_split.amount);
	csv_sums(&b, "refunds", r->refunds, &r->refunds_total);
	csv_int(&b, "refunds", "count", "no_receipt", r->refunds_no_receipt.count);
	csv_money(&b, "refunds", "amount", "no_receipt", r->refunds_no_receipt.amount);
	csv_money(&b, "net", "amount", "", r->net);
	for (int m = 0; m < REPORT_METHOD_COUNT; m++)
		csv_money(&b, "net", "amount", report_method_name((enum report_method)m), r->net_per[m]);
	csv_vat(&b, "vat_sales", &r->vat_sales);
	csv_int(&b, "vat_sales", "count", "without_lines", r->sales_unitemised.count);
	csv_money(&b, "vat_sales", "gross", "without_lines", r->sales_unitemised.amount);
	csv_vat(&b, "vat_refunds", &r->vat_refunds);
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		if (m == REPORT_CASH)
			continue;
		format_percent(v, sizeof v, r->commission_rate[m], '.');
		v[strlen(v) - 1] = '\0'; /* the number without "%" */
		csv_row(&b, "commission", "percent", report_method_name((enum report_method)m), v);
		csv_money(&b, "commission", "amount", report_method_name((enum report_method)m), r->commission[m]);
	}
	csv_money(&b, "commission", "amount", "total", r->commission_total);
	csv_money(&b, "payout", "amount", "", r->payout);
	if (r->cash_known) {
		const struct cash_figures *c = &r->cash;
		csv_money(&b, "cash", "amount", "float", c->float_amount);
		csv_int(&b, "cash", "count", "sales", c->sales.count);
		csv_money(&b, "cash", "amount", "sales", c->sales.amount);
		csv_int(&b, "cash", "count", "in", c->in.count);
		csv_money(&b, "cash", "amount", "in", c->in.amount);
		csv_int(&b, "cash", "count", "out", c->out.count);
		csv_money(&b, "cash", "amount", "out", c->out.amount);
		csv_int(&b, "cash", "count", "refunds", c->refunds.count);
		csv_money(&b, "cash", "amount", "refunds", c->refunds.amount);
		csv_money(&b, "cash", "amount", "expected", c->expected);
		if (r->counted_set) {
			csv_money(&b, "cash", "amount", "counted", r->counted);
			csv_money(&b, "cash", "amount", "difference", r->difference);
		}
	}
	csv_int(&b, "orders", "cancelled", "", r->cancelled);
	csv_int(&b, "orders", "failed", "", r->failed);
	csv_int(&b, "orders", "expired", "", r->expired);
	csv_int(&b, "voided_lines", "count", "", r->voided.count);
	csv_money(&b, "voided_lines", "amount", "", r->voided.amount);
	csv_time(&b, "orders", "first", r->first_order);
	csv_time(&b, "orders", "last", r->last_order);
	for (size_t i = 0; i < r->n_unfinished; i++) {
		const struct report_unfinished *u = &r->unfinished[i];
		csv_money(&b,
		          u->receipt  ? "unfinished_receipt"
		          : u->refund ? "unfinished_refund"
		                      : "unfinished_order",
		          u->receipt && !u->ref[0] ? u->order_ref : u->ref, u->state, u->amount);
	}
	return buf_done(&b);
}

/* ---- JSON ---------------------------------------------------------- */

/* cJSON numbers are doubles: tiyn up to 2^53 are exact, far above any
 * till's total (9 × 10^13 tenge). */
static cJSON *json_sum(const struct report_sum *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "count", (double)s->count);
	cJSON_AddNumberToObject(o, "amount", (double)s->amount);
	return o;
}

static cJSON *json_sums(const struct report_sum *per_method, const struct report_sum *total)
{
	cJSON *o = cJSON_CreateObject();
	for (int m = 0; m < REPORT_METHOD_COUNT; m++)
		cJSON_AddItemToObject(o, report_method_name((enum report_method)m), json_sum(&per_method[m]));
	cJSON_AddItemToObject(o, "total", json_sum(total));
	return o;
}

static cJSON *json_vat(const struct vat_table *t)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < t->count; i++) {
		cJSON *g = cJSON_CreateObject();
		cJSON_AddNumberToObject(g, "rate", t->group[i].rate);
		cJSON_AddNumberToObject(g, "gross", (double)t->group[i].gross);
		cJSON_AddNumberToObject(g, "vat", (double)t->group[i].vat);
		cJSON_AddItemToArray(a, g);
	}
	return a;
}

static void json_time(cJSON *o, const char *name, time_t t)
{
	char s[KP_TIME_LEN];
	if (t == 0) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	kp_time_format(t, s, sizeof s);
	cJSON_AddStringToObject(o, name, s);
}

static cJSON *json_cash_sum(const struct cash_sum *s)
{
	struct report_sum r = {s->count, s->amount};
	return json_sum(&r);
}

/* The drawer; counted and difference null until a Z counted them. */
static cJSON *json_cash(const struct report *r)
{
	const struct cash_figures *c = &r->cash;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "float_set", c->float_set);
	cJSON_AddNumberToObject(o, "float", (double)c->float_amount);
	cJSON_AddItemToObject(o, "sales", json_cash_sum(&c->sales));
	cJSON_AddItemToObject(o, "in", json_cash_sum(&c->in));
	cJSON_AddItemToObject(o, "out", json_cash_sum(&c->out));
	cJSON_AddItemToObject(o, "refunds", json_cash_sum(&c->refunds));
	cJSON_AddNumberToObject(o, "expected", (double)c->expected);
	if (r->counted_set) {
		cJSON_AddNumberToObject(o, "counted", (double)r->counted);
		cJSON_AddNumberToObject(o, "difference", (double)r->difference);
	} else {
		cJSON_AddNullToObject(o, "counted");
		cJSON_AddNullToObject(o, "difference");
	}
	return o;
}

static cJSON *json_report(const struct report *r)
{
	cJSON *o = cJSON_CreateObject();
	char v[32];

	cJSON_AddStringToObject(o, "kind", report_kind_name(r->kind));
	cJSON *store = cJSON_AddObjectToObject(o, "store");
	cJSON_AddStringToObject(store, "name", r->store_name);
	cJSON_AddStringToObject(store, "bin", r->store_bin);
	cJSON_AddStringToObject(store, "address", r->store_address);
	cJSON_AddStringToObject(o, "till_id", r->till_id);
	cJSON_AddNumberToObject(o, "shift_id", (double)r->shift_id);
	cJSON_AddNumberToObject(o, "last_shift_id", (double)r->last_shift_id);
	if (r->kind == REPORT_Z) {
		cJSON_AddNumberToObject(o, "z_number", (double)r->z_number);
		cJSON_AddStringToObject(o, "closed_by", r->closed_by);
	} else {
		cJSON_AddNullToObject(o, "z_number");
		cJSON_AddNullToObject(o, "closed_by");
	}
	if (r->kind == REPORT_DAY) {
		report_format_date(v, sizeof v, r->day);
		cJSON_AddStringToObject(o, "date", v);
	} else {
		cJSON_AddNullToObject(o, "date");
	}
	json_time(o, "from", r->from);
	json_time(o, "to", r->to);
	json_time(o, "generated_at", r->generated_at);
	cJSON_AddBoolToObject(o, "over_24h", r->over_24h);
	cJSON *cashiers = cJSON_AddArrayToObject(o, "cashiers");
	for (size_t i = 0; i < r->n_cashiers; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "user_id", (double)r->cashiers[i].user_id);
		if (r->cashiers[i].user_id)
			cJSON_AddStringToObject(c, "name", r->cashiers[i].name);
		else
			cJSON_AddNullToObject(c, "name");
		cJSON_AddItemToArray(cashiers, c);
	}
	cJSON *sales = json_sums(r->sales, &r->sales_total);
	cJSON_AddItemToObject(sales, "split", json_sum(&r->sales_split));
	cJSON_AddItemToObject(o, "sales", sales);
	cJSON *refunds = json_sums(r->refunds, &r->refunds_total);
	cJSON_AddItemToObject(refunds, "no_receipt", json_sum(&r->refunds_no_receipt));
	cJSON_AddItemToObject(o, "refunds", refunds);
	cJSON_AddNumberToObject(o, "net", (double)r->net);
	cJSON *net = cJSON_AddObjectToObject(o, "net_per_tender");
	for (int m = 0; m < REPORT_METHOD_COUNT; m++)
		cJSON_AddNumberToObject(net, report_method_name((enum report_method)m), (double)r->net_per[m]);
	cJSON *vat = cJSON_AddObjectToObject(o, "vat");
	cJSON_AddItemToObject(vat, "sales", json_vat(&r->vat_sales));
	cJSON_AddItemToObject(vat, "refunds", json_vat(&r->vat_refunds));
	cJSON_AddItemToObject(vat, "sales_without_lines", json_sum(&r->sales_unitemised));
	cJSON *com = cJSON_AddObjectToObject(o, "commission");
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		if (m == REPORT_CASH)
			continue;
		cJSON *c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "rate", r->commission_rate[m]);
		cJSON_AddNumberToObject(c, "amount", (double)r->commission[m]);
		cJSON_AddItemToObject(com, report_method_name((enum report_method)m), c);
	}
	cJSON_AddNumberToObject(com, "total", (double)r->commission_total);
	cJSON_AddNumberToObject(o, "payout", (double)r->payout);
	if (r->cash_known)
		cJSON_AddItemToObject(o, "cash", json_cash(r));
	cJSON *orders = cJSON_AddObjectToObject(o, "orders");
	cJSON_AddNumberToObject(orders, "cancelled", (double)r->cancelled);
	cJSON_AddNumberToObject(orders, "failed", (double)r->failed);
	cJSON_AddNumberToObject(orders, "expired", (double)r->expired);
	json_time(orders, "first", r->first_order);
	json_time(orders, "last", r->last_order);
	cJSON_AddItemToObject(o, "voided_lines", json_sum(&r->voided));
	cJSON *unf = cJSON_AddArrayToObject(o, "unfinished");
	for (size_t i = 0; i < r->n_unfinished; i++) {
		const struct report_unfinished *u = &r->unfinished[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "type", u->receipt ? "receipt" : u->refund ? "refund" : "order");
		cJSON_AddNumberToObject(x, "id", (double)u->id);
		cJSON_AddStringToObject(x, "ref", u->ref);
		if (u->refund || u->receipt)
			cJSON_AddStringToObject(x, "order_ref", u->order_ref);
		else
			cJSON_AddNullToObject(x, "order_ref");
		cJSON_AddStringToObject(x, "state", u->state);
		cJSON_AddNumberToObject(x, "amount", (double)u->amount);
		json_time(x, "created_at", u->created_at);
		cJSON_AddItemToArray(unf, x);
	}
	return o;
}

char *report_json(const struct report *r)
{
	cJSON *o = json_report(r);
	char *text = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return text;
}

/* Reading a snapshot back: each getter notes the first field missing or
 * of the wrong type in the reader, and the caller checks once. */
struct reader {
	const char *bad;          /* the first field that was not as written */
};

static const cJSON *get(struct reader *rd, const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!v && !rd->bad)
		rd->bad = name;
	return v;
}

static int64_t get_int(struct reader *rd, const cJSON *o, const char *name)
{
	const cJSON *v = get(rd, o, name);
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v)) {
		if (!rd->bad)
			rd->bad = name;
		return 0;
	}
	return (int64_t)v->valuedouble;
}

static void get_string(struct reader *rd, const cJSON *o, const char *name, char *dst,
                       size_t size)
{
	const cJSON *v = get(rd, o, name);
	dst[0] = '\0';
	if (cJSON_IsNull(v))
		return;
	if (!cJSON_IsString(v)) {
		if (!rd->bad)
			rd->bad = name;
		return;
	}
	copy_text(dst, size, v->valuestring);
}

static time_t get_time(struct reader *rd, const cJSON *o, const char *name)
{
	const cJSON *v = get(rd, o, name);
	time_t t = 0;
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || !kp_time_parse(v->valuestring, &t)) {
		if (!rd->bad)
			rd->bad = name;
	}
	return t;
}

static void get_sum(struct reader *rd, const cJSON *o, const char *name, struct report_sum *s)
{
	const cJSON *v = get(rd, o, name);
	s->count = get_int(rd, v, "count");
	s->amount = get_int(rd, v, "amount");
}

static void get_sums(struct reader *rd, const cJSON *o, const char *name,
                     struct report_sum *per_method, struct report_sum *total)
{
	const cJSON *v = get(rd, o, name);
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		const char *key = report_method_name((enum report_method)m);
		if (m == REPORT_CASH && !cJSON_GetObjectItemCaseSensitive(v, key))
			continue; /* a Z report stored before the till took cash */
		get_sum(rd, v, key, &per_method[m]);
	}
	get_sum(rd, v, "total", total);
}

/* A VAT table exactly as stored (the VAT is read, not recomputed). */
static void get_vat(struct reader *rd, const cJSON *o, const char *name, struct vat_table *t)
{
	const cJSON *a = get(rd, o, name), *g;
	vat_table_init(t);
	if (!cJSON_IsArray(a)) {
		if (!rd->bad)
			rd->bad = name;
		return;
	}
	cJSON_ArrayForEach(g, a)
	{
		if (t->count >= VAT_GROUPS_MAX) {
			rd->bad = rd->bad ? rd->bad : name;
			return;
		}
		struct vat_group *x = &t->group[t->count++];
		x->rate = (int)get_int(rd, g, "rate");
		x->gross = get_int(rd, g, "gross");
		x->vat = get_int(rd, g, "vat");
	}
}

static void get_cash_sum(struct reader *rd, const cJSON *o, const char *name, struct cash_sum *s)
{
	struct report_sum r;
	get_sum(rd, o, name, &r);
	*s = (struct cash_sum){r.count, r.amount};
}

/* The drawer, when the report has it: a Z report stored before the till
 * kept the cash has none (cash_known false). */
static void get_cash(struct reader *rd, const cJSON *o, struct report *out)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "cash");
	if (!c)
		return;
	out->cash_known = true;
	out->cash.float_set = cJSON_IsTrue(get(rd, c, "float_set"));
	out->cash.float_amount = get_int(rd, c, "float");
	get_cash_sum(rd, c, "sales", &out->cash.sales);
	get_cash_sum(rd, c, "in", &out->cash.in);
	get_cash_sum(rd, c, "out", &out->cash.out);
	get_cash_sum(rd, c, "refunds", &out->cash.refunds);
	out->cash.expected = get_int(rd, c, "expected");
	out->counted_set = !cJSON_IsNull(get(rd, c, "counted"));
	out->counted = get_int(rd, c, "counted");
	out->difference = get_int(rd, c, "difference");
}

bool report_from_json(const char *json, struct report *out, char *errbuf, size_t errsize)
{
	struct reader rd = {0};
	const cJSON *a, *x;
	char kind[16], date[16];

	memset(out, 0, sizeof *out);
	cJSON *o = cJSON_Parse(json ? json : "");
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		snprintf(errbuf, errsize, "not a JSON object");
		return false;
	}
	get_string(&rd, o, "kind", kind, sizeof kind);
	out->kind = REPORT_X;
	for (int k = REPORT_X; k <= REPORT_DAY; k++)
		if (strcmp(kind, report_kind_name((enum report_kind)k)) == 0)
			out->kind = (enum report_kind)k;
	const cJSON *store = get(&rd, o, "store");
	get_string(&rd, store, "name", out->store_name, sizeof out->store_name);
	get_string(&rd, store, "bin", out->store_bin, sizeof out->store_bin);
	get_string(&rd, store, "address", out->store_address, sizeof out->store_address);
	get_string(&rd, o, "till_id", out->till_id, sizeof out->till_id);
	out->shift_id = get_int(&rd, o, "shift_id");
	out->last_shift_id = get_int(&rd, o, "last_shift_id");
	out->z_number = get_int(&rd, o, "z_number");
	get_string(&rd, o, "closed_by", out->closed_by, sizeof out->closed_by);
	get_string(&rd, o, "date", date, sizeof date);
	if (date[0] && !report_parse_date(date, &out->day) && !rd.bad)
		rd.bad = "date";
	out->from = get_time(&rd, o, "from");
	out->to = get_time(&rd, o, "to");
	out->generated_at = get_time(&rd, o, "generated_at");
	out->over_24h = cJSON_IsTrue(get(&rd, o, "over_24h"));

	a = get(&rd, o, "cashiers");
	size_t n = (size_t)cJSON_GetArraySize(a);
	if (n > 0 && !(out->cashiers = calloc(n, sizeof *out->cashiers)))
		rd.bad = rd.bad ? rd.bad : "cashiers (out of memory)";
	cJSON_ArrayForEach(x, a)
	{
		if (!out->cashiers || out->n_cashiers >= n)
			break;
		struct report_cashier *c = &out->cashiers[out->n_cashiers++];
		c->user_id = get_int(&rd, x, "user_id");
		get_string(&rd, x, "name", c->name, sizeof c->name);
	}

	get_sums(&rd, o, "sales", out->sales, &out->sales_total);
	const cJSON *sales = cJSON_GetObjectItemCaseSensitive(o, "sales");
	if (cJSON_GetObjectItemCaseSensitive(sales, "split")) /* absent before split sales */
		get_sum(&rd, sales, "split", &out->sales_split);
	get_sums(&rd, o, "refunds", out->refunds, &out->refunds_total);
	const cJSON *refunds = cJSON_GetObjectItemCaseSensitive(o, "refunds");
	if (cJSON_GetObjectItemCaseSensitive(refunds, "no_receipt")) /* absent before such returns */
		get_sum(&rd, refunds, "no_receipt", &out->refunds_no_receipt);
	out->net = get_int(&rd, o, "net");
	const cJSON *net = cJSON_GetObjectItemCaseSensitive(o, "net_per_tender");
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) /* absent before: derived as written then */
		out->net_per[m] = net ? get_int(&rd, net, report_method_name((enum report_method)m))
		                      : out->sales[m].amount - out->refunds[m].amount;
	const cJSON *vat = get(&rd, o, "vat");
	get_vat(&rd, vat, "sales", &out->vat_sales);
	get_vat(&rd, vat, "refunds", &out->vat_refunds);
	get_sum(&rd, vat, "sales_without_lines", &out->sales_unitemised);
	const cJSON *com = get(&rd, o, "commission");
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		if (m == REPORT_CASH)
			continue;
		const cJSON *c = get(&rd, com, report_method_name((enum report_method)m));
		out->commission_rate[m] = (int)get_int(&rd, c, "rate");
		out->commission[m] = get_int(&rd, c, "amount");
	}
	out->commission_total = get_int(&rd, com, "total");
	out->payout = get_int(&rd, o, "payout");
	get_cash(&rd, o, out);
	const cJSON *orders = get(&rd, o, "orders");
	out->cancelled = get_int(&rd, orders, "cancelled");
	out->failed = get_int(&rd, orders, "failed");
	out->expired = get_int(&rd, orders, "expired");
	out->first_order = get_time(&rd, orders, "first");
	out->last_order = get_time(&rd, orders, "last");
	get_sum(&rd, o, "voided_lines", &out->voided);

	a = get(&rd, o, "unfinished");
	n = (size_t)cJSON_GetArraySize(a);
	if (n > 0 && !(out->unfinished = calloc(n, sizeof *out->unfinished)))
		rd.bad = rd.bad ? rd.bad : "unfinished (out of memory)";
	cJSON_ArrayForEach(x, a)
	{
		if (!out->unfinished || out->n_unfinished >= n)
			break;
		struct report_unfinished *u = &out->unfinished[out->n_unfinished++];
		char type[16];
		get_string(&rd, x, "type", type, sizeof type);
		u->refund = strcmp(type, "refund") == 0;
		u->receipt = strcmp(type, "receipt") == 0;
		u->id = get_int(&rd, x, "id");
		get_string(&rd, x, "ref", u->ref, sizeof u->ref);
		get_string(&rd, x, "order_ref", u->order_ref, sizeof u->order_ref);
		get_string(&rd, x, "state", u->state, sizeof u->state);
		u->amount = get_int(&rd, x, "amount");
		u->created_at = get_time(&rd, x, "created_at");
	}
	cJSON_Delete(o);
	if (rd.bad) {
		snprintf(errbuf, errsize, "the field \"%s\" is missing or not as written", rd.bad);
		report_free(out);
		return false;
	}
	return true;
}

static void format_local_seconds(char *buf, size_t size, time_t t)
{
	kp_almaty_strftime(buf, size, "%Y-%m-%d %H:%M:%S", t);
}

/* text padded with spaces to cols columns (left-aligned, or right). */
static void pad(struct buf *b, const char *text, size_t cols, bool right)
{
	size_t c = columns(text, strlen(text));
	if (right)
		buf_spaces(b, cols > c ? cols - c : 0);
	buf_str(b, text);
	if (!right)
		buf_spaces(b, cols > c ? cols - c : 0);
}

const char *report_method_label(enum journal_method method)
{
	return journal_method_label(method);
}

/* An order's lines under its row, indented: number, name, "2 × 549,90"
 * or "0,350 кг × 4 290,00 ₸/кг", total, and what was off or voided. */
static void journal_text_lines(struct buf *b, const struct report_order *o, report_tr_fn tr)
{
	for (size_t k = 0; k < o->n_lines; k++) {
		const struct journal_line *l = &o->lines[k];
		char how[160], total[48], off[64] = "";
		money_format_plain(total, sizeof total, l->total);
		if (l->weight > 0) {
			char w[32], price[48];
			enum kp_measure m = kp_measure_of(l->unit);
			const char *unit = m == KP_MEASURE_PIECE ? l->unit : tr_id(tr, kp_measure_label(m));
			kp_measure_format(w, sizeof w, l->weight);
			money_format_plain(price, sizeof price, l->price_per_unit);
			snprintf(how, sizeof how, "%s %s × %s ₸/%s", w, unit, price, unit);
		} else {
			char price[48];
			money_format_plain(price, sizeof price, l->unit_price);
			snprintf(how, sizeof how, "%lld × %s", (long long)l->quantity, price);
		}
		if (l->discount) {
			char d[48];
			money_format_plain(d, sizeof d, l->discount);
			snprintf(off, sizeof off, "  -%s", d);
		}
		buf_fmt(b, "    %d  %s  %s  %s%s%s\n", l->line_no,
		        journal_line_name(l, i18n_language()), how, total, off,
		        l->voided ? tr_id(tr, N_("  [void]")) : "");
	}
}

char *report_journal_text(const struct report_journal *j, report_tr_fn tr)
{
	struct buf b = {0};
	const char *head[7] = {
		tr_id(tr, N_("time")),   tr_id(tr, N_("order")),    tr_id(tr, N_("method")),
		tr_id(tr, N_("state")),  tr_id(tr, N_("amount")),   tr_id(tr, N_("refunded")),
		tr_id(tr, N_("payment")),
	};
	/* column widths: the widest of the header and the cells */
	size_t w[7];
	for (int c = 0; c < 7; c++)
		w[c] = columns(head[c], strlen(head[c]));
	char cell[7][160];
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			for (int c = 0; c < 7; c++) {
				pad(&b, head[c], c == 6 ? 0 : w[c], c == 4 || c == 5);
				buf_str(&b, c < 6 ? "  " : "\n");
			}
		}
		for (size_t i = 0; i < j->n_orders; i++) {
			const struct report_order *o = &j->orders[i];
			format_local_seconds(cell[0], sizeof cell[0], o->created_at);
			copy_text(cell[1], sizeof cell[1], o->merchant_order_id);
			if (o->part_of)
				snprintf(cell[2], sizeof cell[2], "%s (%s)", tr_id(tr, report_method_label(o->method)),
				         tr_id(tr, N_("a part")));
			else
				copy_text(cell[2], sizeof cell[2], tr_id(tr, report_method_label(o->method)));
			if (o->server_unknown)
				snprintf(cell[3], sizeof cell[3], "%s (%s)",
				         tr_id(tr, journal_state_label_given_up(o->state, o->given_up)),
				         tr_id(tr, N_("unknown to the server")));
			else
				copy_text(cell[3], sizeof cell[3],
				          tr_id(tr, journal_state_label_given_up(o->state, o->given_up)));
			money_format_plain(cell[4], sizeof cell[4], o->amount);
			money_format_plain(cell[5], sizeof cell[5], o->refunded_amount);
			copy_text(cell[6], sizeof cell[6], o->payment_id[0] ? o->payment_id : "-");
			for (int c = 0; c < 7; c++) {
				size_t cc = columns(cell[c], strlen(cell[c]));
				if (pass == 0) {
					if (cc > w[c])
						w[c] = cc;
					continue;
				}
				pad(&b, cell[c], c == 6 ? 0 : w[c], c == 4 || c == 5);
				buf_str(&b, c < 6 ? "  " : "\n");
			}
			if (pass == 1 && j->details)
				journal_text_lines(&b, o, tr);
		}
	}
	int64_t paid = 0, refunded = 0;
	for (size_t i = 0; i < j->n_orders; i++) {
		const struct report_order *o = &j->orders[i];
		if (journal_state_is_sale(o->state) && !o->part_of)
			paid += o->amount; /* a part is in its sale's amount */
		/* and its refunds in its sale's, when the sale was completed */
		bool in_sale = false;
		for (size_t k = 0; o->part_of && k < j->n_orders && !in_sale; k++)
			in_sale = j->orders[k].id == o->part_of && journal_state_is_sale(j->orders[k].state);
		if (!in_sale)
			refunded += o->refunded_amount;
	}
	char a[64], r[64];
	money_format_plain(a, sizeof a, paid);
	money_format_plain(r, sizeof r, refunded);
	buf_fmt(&b, "%zu %s, %s %s, %s %s\n", j->n_orders, tr_id(tr, N_("orders")), a,
	        tr_id(tr, N_("paid")), r, tr_id(tr, N_("refunded")));
	int64_t returned = 0;
	for (size_t i = 0; i < j->n_returns; i++) {
		const struct report_refund *f = &j->returns[i];
		char when[32];
		returned += f->amount;
		format_local_seconds(when, sizeof when, f->created_at);
		money_format_plain(a, sizeof a, f->amount);
		buf_fmt(&b, "%s  %s  %s  %s  %d%%  %s\n", when, f->ref,
		        tr_id(tr, N_("a return without a receipt")), a, f->tax_rate, f->reason);
	}
	if (j->n_returns > 0) {
		money_format_plain(a, sizeof a, returned);
		buf_fmt(&b, "%s: %zu, %s\n", tr_id(tr, N_("returns without a receipt")), j->n_returns, a);
	}
	return buf_done(&b);
}

char *report_journal_lines_csv(const struct report_journal *j)
{
	struct buf b = {0};
	buf_str(&b, "merchant_order_id,state,line_no,sku,barcode,name,unit,quantity,weight,"
	            "price_per_unit,unit_price,tax_rate,discount,total,voided\r\n");
	for (size_t i = 0; i < j->n_orders; i++) {
		const struct report_order *o = &j->orders[i];
		for (size_t k = 0; k < o->n_lines; k++) {
			const struct journal_line *l = &o->lines[k];
			char up[48], d[48], t[48], ppu[48] = "", w[32] = "";
			money_format_decimal(up, sizeof up, l->unit_price);
			money_format_decimal(d, sizeof d, l->discount);
			money_format_decimal(t, sizeof t, l->total);
			if (l->weight > 0) {
				snprintf(w, sizeof w, "%lld.%03lld", (long long)(l->weight / KP_MEASURE_SCALE),
				         (long long)(l->weight % KP_MEASURE_SCALE));
				money_format_decimal(ppu, sizeof ppu, l->price_per_unit);
			}
			csv_field(&b, o->merchant_order_id);
			buf_fmt(&b, ",%s,%d,", journal_state_name(o->state), l->line_no);
			csv_field(&b, l->sku);
			buf_str(&b, ",");
			csv_field(&b, l->barcode);
			buf_str(&b, ",");
			csv_field(&b, l->name);
			buf_str(&b, ",");
			csv_field(&b, l->unit);
			buf_fmt(&b, ",%lld,%s,%s,%s,%d,%s,%s,%d\r\n", (long long)l->quantity, w, ppu, up,
			        l->tax_rate, d, t, l->voided ? 1 : 0);
		}
	}
	return buf_done(&b);
}

char *report_journal_csv(const struct report_journal *j)
{
	struct buf b = {0};
	buf_str(&b, "created_at,merchant_order_id,method,state,amount,refunded_amount,payment_id,"
	            "server_unknown,shift_id,user_id,lines,refunds\r\n");
	for (size_t i = 0; i < j->n_orders; i++) {
		const struct report_order *o = &j->orders[i];
		char t[KP_TIME_LEN], a[48], r[48];
		kp_time_format(o->created_at, t, sizeof t);
		money_format_decimal(a, sizeof a, o->amount);
		money_format_decimal(r, sizeof r, o->refunded_amount);
		buf_fmt(&b, "%s,", t);
		csv_field(&b, o->merchant_order_id);
		buf_fmt(&b, ",%s,%s,%s,%s,", journal_method_name(o->method), journal_state_name(o->state),
		        a, r);
		csv_field(&b, o->payment_id);
		buf_fmt(&b, ",%d,%lld,", o->server_unknown ? 1 : 0, (long long)o->shift_id);
		if (o->user_id)
			buf_fmt(&b, "%lld", (long long)o->user_id);
		buf_fmt(&b, ",%zu,%zu\r\n", o->n_lines, o->n_refunds);
	}
	return buf_done(&b);
}

/* Where refund f went back: "tender" (qr, phone, cash, card) and, for a
 * split sale's part, "part_no" (else null). */
static void json_refund_tender(cJSON *y, const struct report_refund *f)
{
	cJSON_AddStringToObject(y, "tender", journal_method_name(f->tender));
	if (f->part_no > 0)
		cJSON_AddNumberToObject(y, "part_no", f->part_no);
	else
		cJSON_AddNullToObject(y, "part_no");
}

char *report_journal_json(const struct report_journal *j)
{
	char d[16];
	cJSON *root = cJSON_CreateObject();
	report_format_date(d, sizeof d, j->from_day);
	cJSON_AddStringToObject(root, "from", d);
	report_format_date(d, sizeof d, j->to_day);
	cJSON_AddStringToObject(root, "to", d);
	if (j->has_state)
		cJSON_AddStringToObject(root, "status", journal_state_name(j->state));
	else
		cJSON_AddNullToObject(root, "status");
	cJSON *orders = cJSON_AddArrayToObject(root, "orders");
	for (size_t i = 0; i < j->n_orders; i++) {
		const struct report_order *o = &j->orders[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddItemToArray(orders, x);
		cJSON_AddNumberToObject(x, "id", (double)o->id);
		cJSON_AddStringToObject(x, "merchant_order_id", o->merchant_order_id);
		json_time(x, "created_at", o->created_at);
		cJSON_AddStringToObject(x, "method", journal_method_name(o->method));
		cJSON_AddStringToObject(x, "state", journal_state_name(o->state));
		cJSON_AddBoolToObject(x, "given_up", o->given_up);
		cJSON_AddNumberToObject(x, "amount", (double)o->amount);
		cJSON_AddNumberToObject(x, "refunded_amount", (double)o->refunded_amount);
		if (o->payment_id[0])
			cJSON_AddStringToObject(x, "payment_id", o->payment_id);
		else
			cJSON_AddNullToObject(x, "payment_id");
		cJSON_AddBoolToObject(x, "server_unknown", o->server_unknown);
		if (o->server_unknown)
			json_time(x, "unknown_since", o->unknown_since);
		else
			cJSON_AddNullToObject(x, "unknown_since");
		if (o->part_of) /* a Kaspi part of a split sale: the sale's row */
			cJSON_AddNumberToObject(x, "part_of", (double)o->part_of);
		else
			cJSON_AddNullToObject(x, "part_of");
		cJSON_AddNumberToObject(x, "shift_id", (double)o->shift_id);
		if (o->user_id)
			cJSON_AddNumberToObject(x, "user_id", (double)o->user_id);
		else
			cJSON_AddNullToObject(x, "user_id");
		if (!j->details) {
			cJSON_AddNumberToObject(x, "lines", (double)o->n_lines);
			cJSON_AddNumberToObject(x, "refunds", (double)o->n_refunds);
			continue;
		}
		cJSON *lines = cJSON_AddArrayToObject(x, "lines");
		for (size_t k = 0; k < o->n_lines; k++) {
			const struct journal_line *l = &o->lines[k];
			cJSON *y = cJSON_CreateObject();
			cJSON_AddItemToArray(lines, y);
			cJSON_AddNumberToObject(y, "line_no", l->line_no);
			cJSON_AddStringToObject(y, "sku", l->sku);
			cJSON_AddStringToObject(y, "barcode", l->barcode);
			cJSON_AddStringToObject(y, "name", l->name);
			cJSON_AddStringToObject(y, "name_kk", l->name_kk);
			cJSON_AddNumberToObject(y, "quantity", (double)l->quantity);
			cJSON_AddNumberToObject(y, "unit_price", (double)l->unit_price);
			cJSON_AddNumberToObject(y, "tax_rate", l->tax_rate);
			cJSON_AddNumberToObject(y, "discount", (double)l->discount);
			cJSON_AddNumberToObject(y, "total", (double)l->total);
			cJSON_AddBoolToObject(y, "voided", l->voided);
			cJSON_AddStringToObject(y, "unit", l->unit);
			/* sold by measure: the thousandths of its unit (grams of a kg) */
			if (l->weight > 0) {
				cJSON_AddNumberToObject(y, "weight_g", (double)l->weight);
				cJSON_AddNumberToObject(y, "price_per_unit", (double)l->price_per_unit);
			} else {
				cJSON_AddNullToObject(y, "weight_g");
				cJSON_AddNullToObject(y, "price_per_unit");
			}
		}
		cJSON *refunds = cJSON_AddArrayToObject(x, "refunds");
		for (size_t k = 0; k < o->n_refunds; k++) {
			const struct report_refund *f = &o->refunds[k];
			cJSON *y = cJSON_CreateObject();
			cJSON_AddItemToArray(refunds, y);
			cJSON_AddNumberToObject(y, "id", (double)f->id);
			cJSON_AddStringToObject(y, "merchant_refund_id", f->ref);
			cJSON_AddStringToObject(y, "state", f->state);
			cJSON_AddNumberToObject(y, "amount", (double)f->amount);
			json_refund_tender(y, f);
			json_time(y, "created_at", f->created_at);
		}
		/* how it was paid: a cash, card or split sale's parts (a Kaspi
		 * order is its own tender) */
		cJSON *tenders = cJSON_AddArrayToObject(x, "tenders");
		for (size_t k = 0; k < o->n_tenders; k++) {
			const struct journal_tender *t = &o->tenders[k];
			cJSON *y = cJSON_CreateObject();
			cJSON_AddItemToArray(tenders, y);
			cJSON_AddNumberToObject(y, "part_no", t->part_no);
			cJSON_AddStringToObject(y, "kind", journal_method_name(t->kind));
			cJSON_AddNumberToObject(y, "amount", (double)t->amount);
			if (t->kind == JOURNAL_CASH) {
				cJSON_AddNumberToObject(y, "given", (double)t->given);
				cJSON_AddNumberToObject(y, "change", (double)t->change);
			}
			if (t->kind == JOURNAL_CARD) {
				if (t->approval[0])
					cJSON_AddStringToObject(y, "approval", t->approval);
				else
					cJSON_AddNullToObject(y, "approval");
			}
			if (t->part_order) {
				cJSON_AddNumberToObject(y, "part_order", (double)t->part_order);
				cJSON_AddStringToObject(y, "part_state", journal_state_name(t->part_state));
			}
			cJSON_AddBoolToObject(y, "paid", journal_state_is_sale(t->part_state));
		}
	}
	/* returns without a receipt: no order, cash, one VAT rate */
	cJSON *returns = cJSON_AddArrayToObject(root, "returns");
	for (size_t k = 0; k < j->n_returns; k++) {
		const struct report_refund *f = &j->returns[k];
		cJSON *y = cJSON_CreateObject();
		cJSON_AddItemToArray(returns, y);
		cJSON_AddNumberToObject(y, "id", (double)f->id);
		cJSON_AddStringToObject(y, "merchant_refund_id", f->ref);
		cJSON_AddStringToObject(y, "state", f->state);
		cJSON_AddNumberToObject(y, "amount", (double)f->amount);
		json_refund_tender(y, f);
		cJSON_AddNumberToObject(y, "tax_rate", f->tax_rate);
		cJSON_AddStringToObject(y, "reason", f->reason);
		json_time(y, "created_at", f->created_at);
	}
	char *text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

/* ---- Z reports with the JSON snapshot ------------------------------ */

/* report_snapshot_fn: the report's JSON. */
static char *json_snapshot(void *arg, const struct report *r)
{
	(void)arg;
	return report_json(r);
}

store_status report_z_close(store_db *db, const struct report_params *p, int64_t manager_id,
                            const int64_t *counted, struct report *out, store_err *err)
{
	/* a Z report closes the register's shift too: only when it has them
	 * all, but for those it refused because that shift is over 24 h old
	 * (11), which go into the next shift once its Z is made */
	long waiting = 0, for_z = 0;
	time_t oldest = 0;
	store_status s = receipts_unsent(db, &waiting, &oldest, err);
	if (s == STORE_OK)
		s = receipts_waiting_on(db, WK_CODE_SHIFT_24H, &for_z, err);
	if (s != STORE_OK)
		return s;
	waiting -= for_z;
	if (waiting > 0) {
		kp_msg_set(&err->msg, N_("%ld fiscal receipts still wait for the register: the Z report "
		                         "waits until they are registered (kaspi-pos fiscal send)"),
		           waiting);
		err->status = STORE_ERR_INPUT;
		return STORE_ERR_INPUT;
	}
	return reports_close_z(db, p, manager_id, counted, json_snapshot, NULL, out, err);
}

store_status report_z_load(store_db *db, int64_t number, struct report *out, char **snapshot,
                           store_err *err)
{
	char *json = NULL, why[128];
	store_status s;

	if (out)
		memset(out, 0, sizeof *out);
	if (snapshot)
		*snapshot = NULL;
	if ((s = reports_get_z(db, number, &json, err)) != STORE_OK)
		return s;
	if (out && !report_from_json(json, out, why, sizeof why)) {
		free(json);
		return store_set_err(err, STORE_ERR_INTERNAL, Z_UNREADABLE, (long long)number);
	}
	if (snapshot)
		*snapshot = json;
	else
		free(json);
	return STORE_OK;
}
