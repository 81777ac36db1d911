/* slip.c — see slip.h. Lines are built left text + right text, padded
 * with spaces to the width; a left text too long is cut at a character.
 * A sold line prints what adds up on the paper: quantity × price and its
 * gross (a weighed line its weight × the price per kg, "0,350 кг ×
 * 4 290,00/кг", and its gross under it where the line is too narrow
 * for both), then, when discounted, the discount and what is left. */
#include "app/slip.h"
#include "core/grow.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/i18n.h"
#include "app/item.h"
#include "core/escpos.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "core/validate.h"
#include "core/vat.h"

struct out {
	char *buf;
	size_t len, cap;
	int width;
	bool failed;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (!KP_GROW(o->buf, o->cap, o->len + n + 2, 256)) {
		o->failed = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* Text as it may go on a line: a code mark (core/escpos.h), which makes
 * a line a code, only ever comes from code_line. */
static const char *unmarked(const char *text, char *buf, size_t size)
{
	if (!strstr(text, ESCPOS_CODE_MARK) && !strstr(text, ESCPOS_URL_MARK))
		return text;
	escpos_unmark(buf, size, text);
	return buf;
}

/* One line: left, spaces, right; left cut so that right fits. */
static void line(struct out *o, const char *left, const char *right)
{
	char lbuf[1024], rbuf[512];
	left = unmarked(left, lbuf, sizeof lbuf);
	right = unmarked(right, rbuf, sizeof rbuf);
	long rw = kp_utf8_length(right), lw = kp_utf8_length(left);
	long room = o->width - rw - (rw > 0 ? 1 : 0);
	if (lw > room) {
		size_t cut = kp_utf8_prefix_len(left, room > 0 ? (size_t)room : 0);
		put(o, left, cut);
		lw = room;
	} else {
		put(o, left, strlen(left));
	}
	for (long i = lw; i < o->width - rw; i++)
		put(o, " ", 1);
	put(o, right, strlen(right));
	put(o, "\n", 1);
}

static void linef(struct out *o, const char *right, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void linef(struct out *o, const char *right, const char *fmt, ...)
{
	char left[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(left, sizeof left, fmt, ap);
	va_end(ap);
	line(o, left, right);
}

/* left and right on one line when they fit, else left on its own line
 * (cut at the width) and right under it, right-aligned. */
static void line_or_two(struct out *o, const char *left, const char *right)
{
	if (kp_utf8_length(left) + 1 + kp_utf8_length(right) <= o->width) {
		line(o, left, right);
		return;
	}
	line(o, left, "");
	line(o, "", right);
}

static void centred(struct out *o, const char *text)
{
	char buf[512];
	long w = kp_utf8_length(text);
	int lead = w < o->width ? (int)(o->width - w) / 2 : 0;
	snprintf(buf, sizeof buf, "%*s%s", lead, "", text);
	line(o, buf, "");
}

static void rule(struct out *o, char c)
{
	for (int i = 0; i < o->width; i++)
		put(o, &c, 1);
	put(o, "\n", 1);
}

/* The words that say a slip is no fiscal receipt, fixed text in Kazakh
 * and Russian like a fiscal receipt's (app/receipt.h): on one line when
 * they fit, else one language a line. */
static void not_fiscal(struct out *o)
{
	char both[128];
	snprintf(both, sizeof both, "%s / %s", SLIP_NOT_FISCAL_KK, SLIP_NOT_FISCAL_RU);
	if (kp_utf8_length(both) <= o->width) {
		centred(o, both);
		return;
	}
	centred(o, SLIP_NOT_FISCAL_KK);
	centred(o, SLIP_NOT_FISCAL_RU);
}

/* The slip's head; `at`: when the sale or refund happened (a reprint
 * shows that, not the time of printing). */
static void head(struct out *o, const struct kp_config *cfg, const char *title, time_t at)
{
	char when[32];
	kp_almaty_strftime(when, sizeof when, "%d.%m.%Y %H:%M", at);
	if (cfg->store.name[0])
		centred(o, cfg->store.name);
	if (cfg->store.address[0])
		centred(o, cfg->store.address);
	if (cfg->store.bin[0])
		linef(o, cfg->store.bin, "%s", _("BIN"));
	linef(o, cfg->till.id, "%s", _("Till"));
	linef(o, when, "%s", _("Date"));
	rule(o, '=');
	centred(o, title);
	not_fiscal(o);
}

static char *finish(struct out *o)
{
	if (o->failed) {
		free(o->buf);
		return NULL;
	}
	return o->buf;
}

/* What a slip calls a tender. */
static const char *tender_label(enum journal_method m)
{
	switch (m) {
	case JOURNAL_PHONE:
		return _("Kaspi by phone");
	case JOURNAL_CASH:
		return _("In cash");
	case JOURNAL_CARD:
		return _("Card");
	case JOURNAL_QR:
	default:
		return _("Kaspi QR");
	}
}

/* The order id as a code (core/escpos.h, "Codes"): a QR on a receipt
 * printer, the id again on a printer that takes text; the journal screen
 * finds the order when it is scanned. */
static void code_line(struct out *o, const char *id)
{
	put(o, ESCPOS_CODE_MARK, sizeof ESCPOS_CODE_MARK - 1);
	put(o, id, strlen(id));
	put(o, "\n", 1);
}

char *slip_payment(const struct kp_config *cfg, const struct journal_order *ord,
                   const struct journal_line *lines, size_t n_lines)
{
	return slip_sale(cfg, ord, lines, n_lines, NULL, 0);
}

char *slip_sale(const struct kp_config *cfg, const struct journal_order *ord,
                const struct journal_line *lines, size_t n_lines,
                const struct journal_tender *tenders, size_t n_tenders)
{
	struct out o = {.width = cfg->printer.width > 0 ? cfg->printer.width : 32};
	struct vat_table vat;
	char a[48], b[48];

	head(&o, cfg, _("SALE"), ord->created_at);
	linef(&o, ord->merchant_order_id, "%s", _("Order"));
	rule(&o, '-');
	vat_table_init(&vat);
	for (size_t i = 0; i < n_lines; i++) {
		const struct journal_line *l = &lines[i];
		if (l->voided)
			continue;
		line(&o, journal_line_name(l, i18n_language()), "");
		money_format_plain(b, sizeof b, l->total + l->discount); /* quantity × price */
		if (l->weight > 0) {
			char w[128], left[136];
			item_weight_text(w, sizeof w, l->weight, item_unit_shown(l->unit), l->price_per_unit,
			                 false);
			snprintf(left, sizeof left, "  %s", w);
			line_or_two(&o, left, b);
		} else {
			money_format_plain(a, sizeof a, l->unit_price);
			linef(&o, b, "  %lld × %s", (long long)l->quantity, a);
		}
		if (l->discount) {
			money_format_plain(a, sizeof a, -l->discount);
			linef(&o, a, "  %s", _("discount"));
			money_format_plain(a, sizeof a, l->total);
			linef(&o, a, "  %s", _("after the discount"));
		}
		vat_table_add(&vat, l->tax_rate, l->total);
	}
	rule(&o, '-');
	/* plain figures: the printer's code pages have no ₸ ("тг" is wider) */
	money_format_plain(a, sizeof a, ord->amount);
	line(&o, _("TOTAL"), a);
	for (size_t g = 0; g < vat.count; g++) {
		money_format_plain(a, sizeof a, vat.group[g].vat);
		linef(&o, a, _("incl. VAT %d%%"), vat.group[g].rate);
	}
	rule(&o, '-');
	if (journal_method_is_kaspi(ord->method)) {
		line(&o, tender_label(ord->method), _("PAID"));
		line(&o, _("Payment"), ord->payment_id);
	}
	for (size_t i = 0; i < n_tenders; i++) {
		const struct journal_tender *t = &tenders[i];
		if (!journal_state_is_sale(t->part_state))
			continue; /* a Kaspi try that did not pay */
		money_format_plain(a, sizeof a, t->amount);
		line(&o, tender_label(t->kind), a);
		if (t->kind == JOURNAL_CASH) {
			money_format_plain(a, sizeof a, t->given);
			linef(&o, a, "  %s", _("given"));
			money_format_plain(a, sizeof a, t->change);
			linef(&o, a, "  %s", _("change"));
		}
		if (t->kind == JOURNAL_CARD && t->approval[0])
			linef(&o, t->approval, "  %s", _("approval code"));
	}
	code_line(&o, ord->merchant_order_id);
	put(&o, "\n", 1);
	return finish(&o);
}

char *slip_refund(const struct kp_config *cfg, const struct journal_order *ord,
                  const struct refund *r)
{
	struct out o = {.width = cfg->printer.width > 0 ? cfg->printer.width : 32};
	char a[48];

	head(&o, cfg, ord ? _("REFUND") : _("RETURN WITHOUT A RECEIPT"), r->created_at);
	if (ord)
		linef(&o, ord->merchant_order_id, "%s", _("Order"));
	linef(&o, r->merchant_refund_id, "%s", _("Refund"));
	rule(&o, '-');
	line(&o, r->reason, "");
	money_format_plain(a, sizeof a, r->amount);
	line(&o, _("RETURNED"), a);
	if (journal_method_is_kaspi(r->tender))
		line(&o, tender_label(r->tender), r->refund_id);
	else
		line(&o, r->tender == JOURNAL_CARD ? _("To the card") : _("In cash"), "");
	put(&o, "\n", 1);
	return finish(&o);
}
