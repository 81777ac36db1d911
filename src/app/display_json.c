/* display_json.c — what the customer display serves, made from a view:
 * the JSON of the whitelist (display.h) with cJSON, and the payment's QR
 * as SVG with libqrencode. No threads, no sockets: the server
 * (display.c) calls these on its own copy of a snapshot. */
#include "app/display.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QR_QUIET 4 /* light modules around the symbol: as the till's screen */

static const char *const screen_names[] = {"idle", "basket", "payment", "thanks"};
static const char *const state_names[] = {"waiting", "scanned",  "paid",
                                          "declined", "expired", "cancelled"};

bool display_qr_live(const struct display_view *v, int64_t now_ms)
{
	const struct display_payment *p = &v->payment;
	if (!v->has_payment || p->phone || !p->qr[0])
		return false;
	if (p->state != DISPLAY_PAY_WAITING && p->state != DISPLAY_PAY_SCANNED)
		return false;
	return p->deadline_ms == 0 || now_ms < p->deadline_ms;
}

/* Whole seconds left until the deadline, rounded up; 0 when past or not
 * known. */
static int64_t seconds_left(const struct display_payment *p, int64_t now_ms)
{
	if (p->deadline_ms == 0 || now_ms >= p->deadline_ms)
		return 0;
	return (p->deadline_ms - now_ms + 999) / 1000;
}

/* A number member; false when memory ran out. */
static bool add_num(cJSON *o, const char *name, int64_t v)
{
	return cJSON_AddNumberToObject(o, name, (double)v) != NULL;
}

static bool add_str(cJSON *o, const char *name, const char *v)
{
	return cJSON_AddStringToObject(o, name, v) != NULL;
}

static bool add_line(cJSON *arr, const struct display_line *l)
{
	cJSON *o = cJSON_CreateObject();
	if (!o || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return false;
	}
	return add_str(o, "name_ru", l->name_ru) && add_str(o, "name_kk", l->name_kk) &&
	       add_num(o, "qty", l->qty) && add_num(o, "weight", l->weight) &&
	       add_str(o, "unit", l->unit) && add_num(o, "price", l->price) &&
	       add_num(o, "discount", l->discount) && add_num(o, "sum", l->sum);
}

static bool add_payment(cJSON *root, const struct display_view *v, int64_t now_ms)
{
	const struct display_payment *p = &v->payment;
	if (!v->has_payment)
		return cJSON_AddNullToObject(root, "payment") != NULL;
	cJSON *o = cJSON_AddObjectToObject(root, "payment");
	char phone[16] = "";
	if (p->phone_tail[0])
		snprintf(phone, sizeof phone, "…%.4s", p->phone_tail);
	unsigned st = (unsigned)p->state < sizeof state_names / sizeof state_names[0] ? p->state : 0;
	return o && add_str(o, "method", p->phone ? "phone" : "qr") && add_num(o, "amount", p->amount) &&
	       add_str(o, "state", state_names[st]) &&
	       add_num(o, "expires_in", seconds_left(p, now_ms)) &&
	       add_str(o, "qr", display_qr_live(v, now_ms) ? p->qr : "") && add_str(o, "phone", phone) &&
	       add_str(o, "order", p->order);
}

static bool add_thanks(cJSON *root, const struct display_view *v)
{
	if (!v->has_thanks)
		return cJSON_AddNullToObject(root, "thanks") != NULL;
	cJSON *o = cJSON_AddObjectToObject(root, "thanks");
	return o && add_num(o, "paid", v->paid) && add_num(o, "change", v->change);
}

char *display_json(const struct display_view *v, const char *shop, uint64_t seq, int64_t now_ms)
{
	cJSON *root = cJSON_CreateObject();
	unsigned sc = (unsigned)v->screen < sizeof screen_names / sizeof screen_names[0] ? v->screen : 0;
	bool ok = root && add_num(root, "seq", (int64_t)seq) && add_str(root, "shop", shop ? shop : "") &&
	          add_str(root, "screen", screen_names[sc]);
	cJSON *lines = ok ? cJSON_AddArrayToObject(root, "lines") : NULL;
	ok = ok && lines;
	for (size_t i = 0; ok && i < v->n_lines; i++)
		ok = add_line(lines, &v->lines[i]);
	ok = ok && add_num(root, "total", v->total) && add_num(root, "items", v->items) &&
	     add_payment(root, v, now_ms) && add_thanks(root, v);
	char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
	cJSON_Delete(root);
	return text;
}

bool display_view_same(const struct display_view *a, const struct display_view *b)
{
	if (a->screen != b->screen || a->n_lines != b->n_lines || a->total != b->total ||
	    a->items != b->items || a->has_payment != b->has_payment ||
	    a->has_thanks != b->has_thanks || a->paid != b->paid || a->change != b->change)
		return false;
	if (a->n_lines && memcmp(a->lines, b->lines, a->n_lines * sizeof *a->lines) != 0)
		return false;
	if (!a->has_payment)
		return true;
	const struct display_payment *p = &a->payment, *q = &b->payment;
	int64_t drift = p->deadline_ms - q->deadline_ms;
	return p->phone == q->phone && p->amount == q->amount && p->state == q->state &&
	       (p->deadline_ms == 0) == (q->deadline_ms == 0) && drift < 1000 && drift > -1000 &&
	       strcmp(p->qr, q->qr) == 0 && strcmp(p->phone_tail, q->phone_tail) == 0 &&
	       strcmp(p->order, q->order) == 0;
}

size_t display_basket_lines(const struct basket *b, struct display_line *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < b->count && n < cap; i++) {
		const struct basket_line *l = &b->lines[i];
		int64_t discount = 0, total = 0;
		if (l->voided || basket_line_sums(l, NULL, &discount, &total) != BASKET_OK)
			continue;
		struct display_line *d = &out[n++];
		memset(d, 0, sizeof *d);
		snprintf(d->name_ru, sizeof d->name_ru, "%s", l->name);
		snprintf(d->name_kk, sizeof d->name_kk, "%s", l->name_kk);
		snprintf(d->unit, sizeof d->unit, "%s", l->unit);
		d->qty = l->quantity;
		d->weight = l->weight;
		d->price = l->unit_price;
		d->discount = discount;
		d->sum = total;
	}
	return n;
}

/* ---- the QR as SVG ------------------------------------------------------------ */

/* Appends to a growing buffer; false when memory runs out. */
struct svgbuf {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static bool svg_add(struct svgbuf *b, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return false;
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return true;
		}
		size_t cap = b->cap * 2 + (size_t)n;
		char *s = realloc(b->s, cap);
		if (!s)
			return false;
		b->s = s;
		b->cap = cap;
	}
}

char *display_qr_svg(const char *text, size_t *len)
{
	if (!text || !text[0])
		return NULL;
	/* every byte in 8-bit mode, as the till's screen (tui/qr.c) */
	QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!qr)
		return NULL;
	int side = qr->width, total = side + 2 * QR_QUIET;
	struct svgbuf b = {.cap = 4096};
	b.s = malloc(b.cap);
	bool ok = b.s && svg_add(&b,
	                         "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	                         "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
	                         "fill=\"#fff\"/><path fill=\"#000\" d=\"",
	                         total, total, total, total);
	/* one run of dark modules per subpath */
	for (int y = 0; ok && y < side; y++)
		for (int x = 0; ok && x < side;) {
			if (!(qr->data[y * side + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < side && (qr->data[y * side + x + run] & 1))
				run++;
			ok = svg_add(&b, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
			x += run;
		}
	ok = ok && svg_add(&b, "\"/></svg>\n");
	QRcode_free(qr);
	if (!ok) {
		free(b.s);
		return NULL;
	}
	*len = b.len;
	return b.s;
}
