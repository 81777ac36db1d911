/* receipt.c — see receipt.h. The text is built line by line into a
 * growing buffer: a row is a label on the left and a value on the right,
 * padded with spaces to the width; text too long for a line wraps at a
 * space, or at a character where a word is longer than the line. Every
 * piece of outside text goes through clean() first, so that a column
 * counted here is a column on the paper. */
#include "app/receipt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/escpos.h"
#include "core/grow.h"
#include "core/measure.h"
#include "core/money.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/validate.h"
#include "core/vat.h"

#define NAME_CHARS_MAX 128 /* FISCAL.md: PositionName is 1–128 characters */
#define CLEAN_SIZE 2048    /* a cleaned field: 256 bytes in, "..." for "…" at most triples */

struct out {
	char *buf;
	size_t len, cap;
	int width;
	enum escpos_codepage page; /* how outside text is spelt */
	bool failed;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (!KP_GROW(o->buf, o->cap, o->len + n + 2, 512)) {
		o->failed = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void spaces(struct out *o, long n)
{
	for (long i = 0; i < n; i++)
		put(o, " ", 1);
}

/* Outside text as it may go on the paper: no mark, no control, valid
 * UTF-8, then spelt as the page prints it (one character a column). */
static const char *clean(const struct out *o, const char *src, char *dst, size_t size)
{
	char unmarked[768], safe[KP_TEXT_SAFE_SIZE(768)];
	escpos_unmark(unmarked, sizeof unmarked, src ? src : "");
	kp_text_safe(safe, sizeof safe, unmarked);
	escpos_render(o->page, safe, strlen(safe), dst, size);
	return dst;
}

/* left, spaces, right on one line; left cut at a character so that right
 * fits; right alone cut to the width when it is longer. */
static void line(struct out *o, const char *left, const char *right)
{
	long rw = kp_utf8_length(right), lw = kp_utf8_length(left);
	if (rw > o->width) {
		put(o, right, kp_utf8_prefix_len(right, (size_t)o->width));
		put(o, "\n", 1);
		return;
	}
	long room = o->width - rw - (rw > 0 && lw > 0 ? 1 : 0);
	if (lw > room) {
		put(o, left, kp_utf8_prefix_len(left, room > 0 ? (size_t)room : 0));
		lw = room;
	} else {
		put(o, left, strlen(left));
	}
	spaces(o, o->width - rw - lw);
	put(o, right, strlen(right));
	put(o, "\n", 1);
}

/* text in lines of the width, broken at spaces (a word longer than a line
 * at a character), each line centred or starting with indent spaces. */
static void wrap(struct out *o, const char *text, bool centre, int indent)
{
	const char *p = text;
	long w = o->width - indent;

	while (*p == ' ')
		p++;
	while (*p) {
		size_t take = kp_utf8_prefix_len(p, (size_t)w), end;
		if (p[take] != '\0' && p[take] != ' ') {
			size_t cut = take;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut > 0)
				take = cut;
		}
		for (end = take; end > 0 && p[end - 1] == ' '; end--)
			;
		char piece[1024];
		size_t n = end < sizeof piece - 1 ? end : sizeof piece - 1;
		memcpy(piece, p, n);
		piece[n] = '\0';
		long pw = kp_utf8_length(piece);
		long lead = centre ? (o->width - pw) / 2 : indent;
		spaces(o, lead);
		put(o, piece, n);
		spaces(o, o->width - lead - pw);
		put(o, "\n", 1);
		p += take;
		while (*p == ' ')
			p++;
	}
}

/* "KK / RU" centred, or KK and RU on lines of their own when the pair is
 * wider than the line. */
static void title(struct out *o, const char *kk, const char *ru)
{
	char pair[256];
	snprintf(pair, sizeof pair, "%s / %s", kk, ru);
	if (kp_utf8_length(pair) <= o->width) {
		wrap(o, pair, true, 0);
		return;
	}
	wrap(o, kk, true, 0);
	wrap(o, ru, true, 0);
}

/* A label pair and its value: "KK / RU      value" when it fits, else
 * "KK /" on a line (wrapped) and "RU      value" under it, and when even
 * that is too wide, RU alone and the value right-aligned below. kk NULL:
 * RU alone. indent: spaces before the label. */
static void row(struct out *o, int indent, const char *kk, const char *ru, const char *value)
{
	char label[512];
	long vw = kp_utf8_length(value);

	snprintf(label, sizeof label, "%*s%s%s%s", indent, "", kk ? kk : "", kk ? " / " : "", ru);
	if (kp_utf8_length(label) + (vw > 0 ? 1 + vw : 0) <= o->width) {
		line(o, label, value);
		return;
	}
	if (kk) {
		snprintf(label, sizeof label, "%s /", kk);
		wrap(o, label, false, indent);
		row(o, indent, NULL, ru, value);
		return;
	}
	wrap(o, label, false, indent);
	if (vw > 0)
		line(o, "", value);
}

static void rule(struct out *o, char c)
{
	for (int i = 0; i < o->width; i++)
		put(o, &c, 1);
	put(o, "\n", 1);
}

/* ---- figures ------------------------------------------------------------- */

int64_t receipt_line_cost(const wk_position *p)
{
	int64_t gross = kp_measure_amount(p->count, p->price);
	return (gross < 0 ? 0 : gross) - p->discount;
}

int64_t receipt_total(const struct receipt_doc *doc)
{
	int64_t total = 0;
	for (size_t i = 0; i < doc->n_lines; i++)
		total += receipt_line_cost(&doc->lines[i]);
	return total;
}

/* The unit's word on a receipt. */
static const char *unit_word(int unit_code)
{
	switch (unit_code) {
	case WK_UNIT_KG:
		return "кг";
	case WK_UNIT_LITRE:
		return "л";
	case WK_UNIT_METRE:
		return "м";
	default:
		return "шт";
	}
}

/* "2 шт", "0,350 кг", "1,500 шт" (a piece count with a fraction). */
static void quantity_text(char *buf, size_t size, const wk_position *p)
{
	if (p->unit_code != WK_UNIT_KG && p->unit_code != WK_UNIT_LITRE &&
	    p->unit_code != WK_UNIT_METRE && p->count % KP_MEASURE_SCALE == 0) {
		snprintf(buf, size, "%lld %s", (long long)(p->count / KP_MEASURE_SCALE),
		         unit_word(p->unit_code));
		return;
	}
	char n[32];
	kp_measure_format(n, sizeof n, p->count);
	snprintf(buf, size, "%s %s", n, unit_word(p->unit_code));
}

static void money(char *buf, size_t size, int64_t tiyn)
{
	money_format_plain(buf, size, tiyn);
}

/* ---- the parts of a receipt ---------------------------------------------- */

static void head(struct out *o, const struct receipt_doc *d)
{
	const wk_ticket *t = d->t;
	char a[CLEAN_SIZE], b[CLEAN_SIZE];

	if (d->copy)
		title(o, "КӨШІРМЕ", "КОПИЯ");
	if (t->taxpayer_name[0])
		wrap(o, clean(o, t->taxpayer_name, a, sizeof a), true, 0);
	row(o, 0, "ЖСН/БСН", "ИИН/БИН", clean(o, t->taxpayer_in, a, sizeof a));
	clean(o, t->address_kz, a, sizeof a);
	clean(o, t->address, b, sizeof b);
	if (a[0])
		wrap(o, a, true, 0);
	if (b[0] && strcmp(a, b) != 0)
		wrap(o, b, true, 0);
	rule(o, '=');
	if (d->operation == WK_OP_RETURN)
		title(o, "САТУДЫ ҚАЙТАРУ", "ВОЗВРАТ ПРОДАЖИ");
	else
		title(o, "САТУ", "ПРОДАЖА");
	if (t->offline)
		title(o, "АВТОНОМДЫ РЕЖИМ", "АВТОНОМНЫЙ РЕЖИМ");

	snprintf(a, sizeof a, "%d", t->shift_number);
	row(o, 0, "Ауысым", "Смена", a);
	snprintf(a, sizeof a, "%d", t->check_order_number);
	row(o, 0, "Чектің реттік нөмірі", "Порядковый номер чека", a);
	row(o, 0, NULL, "Кассир",
	    clean(o, d->cashier && d->cashier[0] ? d->cashier : t->employee_name, a, sizeof a));
	if (d->order_id && d->order_id[0])
		row(o, 0, "Тапсырыс", "Заказ", clean(o, d->order_id, a, sizeof a));
	if (d->operation == WK_OP_RETURN && d->basis && d->basis[0])
		row(o, 0, "Сату чегінің ФБ", "ФП чека продажи", clean(o, d->basis, a, sizeof a));
}

/* One position: "N. name" (wrapped), the quantity × price and the gross,
 * then, when discounted, the discount and the cost. */
static void position(struct out *o, size_t i, const wk_position *p)
{
	char name[CLEAN_SIZE], numbered[CLEAN_SIZE + 16], q[64], price[48], left[160], right[48];
	int64_t gross = kp_measure_amount(p->count, p->price);

	clean(o, p->name, name, sizeof name);
	name[kp_utf8_prefix_len(name, NAME_CHARS_MAX)] = '\0';
	snprintf(numbered, sizeof numbered, "%zu. %s", i + 1, name[0] ? name : "?");
	wrap(o, numbered, false, 0);

	quantity_text(q, sizeof q, p);
	money(price, sizeof price, p->price);
	money(right, sizeof right, gross < 0 ? 0 : gross);
	snprintf(left, sizeof left, "  %s × %s", q, price);
	if (kp_utf8_length(left) + 1 + kp_utf8_length(right) <= o->width) {
		line(o, left, right);
	} else {
		line(o, left, "");
		line(o, "", right);
	}
	if (p->discount) {
		money(right, sizeof right, -p->discount);
		row(o, 2, "Жеңілдік", "Скидка", right);
		money(right, sizeof right, receipt_line_cost(p));
		row(o, 2, "Құны", "Стоимость", right);
	}
}

/* The total, the VAT of each rate group, what carries no VAT. */
static void totals(struct out *o, const struct receipt_doc *d)
{
	struct vat_table vat;
	int64_t no_vat = 0;
	bool any_no_vat = false;
	char a[48], kk[64], ru[64];

	vat_table_init(&vat);
	for (size_t i = 0; i < d->n_lines; i++) {
		const wk_position *p = &d->lines[i];
		if (p->vat && vat_table_add(&vat, p->tax_percent, receipt_line_cost(p)) == VAT_OK)
			continue;
		no_vat += receipt_line_cost(p); /* no VAT, or a rate vat.h refuses */
		any_no_vat = true;
	}
	money(a, sizeof a, receipt_total(d));
	row(o, 0, "БАРЛЫҒЫ", "ИТОГО", a);
	for (size_t g = 0; g < vat.count; g++) {
		money(a, sizeof a, vat.group[g].vat);
		snprintf(kk, sizeof kk, "оның ішінде ҚҚС %d%%", vat.group[g].rate);
		snprintf(ru, sizeof ru, "в т.ч. НДС %d%%", vat.group[g].rate);
		row(o, 0, kk, ru, a);
	}
	if (any_no_vat) {
		money(a, sizeof a, no_vat);
		row(o, 0, "ҚҚС-сыз", "Без НДС", a);
	}
}

static void payments(struct out *o, const struct receipt_doc *d)
{
	char a[48];

	for (size_t i = 0; i < d->n_payments; i++) {
		const wk_payment *p = &d->payments[i];
		money(a, sizeof a, p->sum);
		switch (p->type) {
		case WK_PAY_CASH:
			row(o, 0, "ҚОЛМА-ҚОЛ", "НАЛИЧНЫЕ", a);
			break;
		case WK_PAY_CARD:
			row(o, 0, "БАНК КАРТАСЫ", "БАНКОВСКАЯ КАРТА", a);
			break;
		case WK_PAY_MOBILE:
		default:
			row(o, 0, "МОБИЛЬДІК ТӨЛЕМ", "МОБИЛЬНЫЙ ПЛАТЁЖ", a);
			break;
		}
	}
	money(a, sizeof a, d->change);
	row(o, 0, "ҚАЙТАРЫМ", "СДАЧА", a);
}

/* The operator's host: Cashbox.Ofd.Host, else the TicketUrl's. */
static void ofd_host(const wk_ticket *t, char *buf, size_t size)
{
	if (t->ofd_host[0]) {
		snprintf(buf, size, "%s", t->ofd_host);
		return;
	}
	const char *p = strstr(t->ticket_url, "://");
	p = p ? p + 3 : t->ticket_url;
	size_t n = strcspn(p, "/?#");
	snprintf(buf, size, "%.*s", (int)n, p);
}

/* True when the URL can be a code line (core/escpos.h): printable ASCII
 * without spaces, 1 … ESCPOS_URL_MAX characters. */
static bool url_codeable(const char *u)
{
	size_t n = strlen(u);
	if (n == 0 || n > ESCPOS_URL_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)u[i] < 0x21 || (unsigned char)u[i] > 0x7e)
			return false;
	return true;
}

static void foot(struct out *o, const struct receipt_doc *d)
{
	const wk_ticket *t = d->t;
	char a[CLEAN_SIZE], b[CLEAN_SIZE], host[WK_TEXT_SIZE];

	row(o, 0, "ФБ", "ФП", clean(o, t->check_number, a, sizeof a));
	if (t->date_time[0])
		clean(o, t->date_time, a, sizeof a);
	else if (t->at)
		kp_almaty_strftime(a, sizeof a, "%d.%m.%Y %H:%M:%S", t->at);
	else
		a[0] = '\0';
	row(o, 0, "Уақыты", "Время", a);

	clean(o, t->ofd_name_kz, a, sizeof a);
	clean(o, t->ofd_name, b, sizeof b);
	if (a[0] || b[0]) {
		row(o, 0, "Фискалдық деректер операторы", "Оператор фискальных данных", "");
		if (a[0])
			wrap(o, a, false, 2);
		if (b[0] && strcmp(a, b) != 0)
			wrap(o, b, false, 2);
	}
	ofd_host(t, host, sizeof host);
	clean(o, host, a, sizeof a);
	wrap(o, "Чекті тексеру үшін сайтқа кіріңіз / для проверки чека зайдите на сайт:", false, 0);
	if (a[0])
		wrap(o, a, true, 0);
	rule(o, '-');
	title(o, "ФИСКАЛДЫҚ ЧЕК", "ФИСКАЛЬНЫЙ ЧЕК");
	if (url_codeable(t->ticket_url)) {
		put(o, ESCPOS_URL_MARK, sizeof ESCPOS_URL_MARK - 1);
		put(o, t->ticket_url, strlen(t->ticket_url));
		put(o, "\n", 1);
	} else if (t->ticket_url[0]) {
		wrap(o, clean(o, t->ticket_url, a, sizeof a), false, 0); /* no QR: the address */
	}
	row(o, 0, "Сәйкестендіру нөмірі", "ИНК", clean(o, t->identity_number, a, sizeof a));
	row(o, 0, "Тіркеу нөмірі", "РНМ", clean(o, t->registration_number, a, sizeof a));
	row(o, 0, "Зауыттық нөмірі", "ЗНМ", clean(o, t->unique_number, a, sizeof a));
	if (d->copy)
		title(o, "КӨШІРМЕ", "КОПИЯ");
}

char *receipt_text(const struct kp_config *cfg, const struct receipt_doc *d)
{
	int w = cfg->printer.width;
	struct out o = {
		.width = w >= 32 && w <= 48 ? w : 32,
		/* a command printer takes UTF-8: KZ-1048 spells everything Kazakh */
		.page = cfg->printer.mode != CONFIG_PRINTER_COMMAND &&
		        cfg->printer.codepage == CONFIG_CODEPAGE_CP866 ? ESCPOS_CP866 : ESCPOS_KZ1048,
	};

	if (!d || !d->t)
		return NULL;
	head(&o, d);
	rule(&o, '-');
	for (size_t i = 0; i < d->n_lines; i++)
		position(&o, i, &d->lines[i]);
	rule(&o, '-');
	totals(&o, d);
	rule(&o, '-');
	payments(&o, d);
	rule(&o, '-');
	foot(&o, d);
	put(&o, "\n", 1);
	if (o.failed) {
		free(o.buf);
		return NULL;
	}
	return o.buf;
}

/* ---- from the journal ----------------------------------------------------- */

enum wk_pay_type receipt_pay_type(enum journal_method m)
{
	switch (m) {
	case JOURNAL_CASH:
		return WK_PAY_CASH;
	case JOURNAL_CARD:
		return WK_PAY_CARD;
	default:
		return WK_PAY_MOBILE;
	}
}

/* A line as a position: its price and its units of count. */
static wk_position line_position(const struct journal_line *l)
{
	wk_position p = {
		.name = l->name,
		.code = l->sku,
		.gtin = l->barcode,
		.tax_percent = l->tax_rate,
		.vat = l->tax_rate > 0,
	};
	if (l->weight > 0) {
		p.count = l->weight;
		p.price = l->price_per_unit;
		p.unit_code = kp_measure_fiscal_code(kp_measure_of(l->unit));
	} else {
		p.count = l->quantity * KP_MEASURE_SCALE;
		p.price = l->unit_price;
		p.unit_code = WK_UNIT_PIECE;
	}
	if (!p.vat)
		p.tax_percent = 0;
	return p;
}

size_t receipt_sale_positions(const struct journal_line *lines, size_t n_lines,
                              wk_position *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < n_lines && n < max; i++) {
		if (lines[i].voided)
			continue;
		out[n] = line_position(&lines[i]);
		out[n].discount = lines[i].discount;
		n++;
	}
	return n;
}

/* Adds sum to type's payment in out[*n], making it when new. */
static void add_payment(wk_payment out[3], size_t *n, enum wk_pay_type type, int64_t sum)
{
	for (size_t i = 0; i < *n; i++)
		if (out[i].type == type) {
			out[i].sum += sum;
			return;
		}
	if (*n < 3)
		out[(*n)++] = (wk_payment){.type = type, .sum = sum};
}

size_t receipt_sale_payments(const struct journal_order *o, const struct journal_tender *tenders,
                             size_t n_tenders, wk_payment out[3], int64_t *change)
{
	size_t n = 0;

	*change = 0;
	if (n_tenders == 0 && journal_method_is_kaspi(o->method)) {
		add_payment(out, &n, WK_PAY_MOBILE, o->amount);
		return n;
	}
	for (size_t i = 0; i < n_tenders; i++) {
		const struct journal_tender *t = &tenders[i];
		if (!journal_state_is_sale(t->part_state))
			continue; /* a Kaspi try that did not pay */
		if (t->kind == JOURNAL_CASH) {
			add_payment(out, &n, WK_PAY_CASH, t->given > 0 ? t->given : t->amount);
			*change += t->given > 0 ? t->change : 0;
		} else {
			add_payment(out, &n, receipt_pay_type(t->kind), t->amount);
		}
	}
	return n;
}

static const struct journal_line *line_no(const struct journal_line *lines, size_t n, int no)
{
	for (size_t i = 0; i < n; i++)
		if (lines[i].line_no == no)
			return &lines[i];
	return NULL;
}

/* What a part's units come to before any discount, at the line's price. */
static int64_t part_gross(const wk_position *p)
{
	int64_t g = kp_measure_amount(p->count, p->price);
	return g < 0 ? 0 : g;
}

size_t receipt_return_positions(const struct journal_line *lines, size_t n_lines,
                                const struct refund_part *parts, size_t n_parts,
                                const char *by_amount_name, wk_position *out, size_t max)
{
	/* per position: the amount given back (its cost once done) */
	int64_t amount[WK_POSITIONS_MAX];
	int key[WK_POSITIONS_MAX]; /* line_no, or −1 − rate for a part by amount */
	size_t n = 0;

	if (max > WK_POSITIONS_MAX)
		max = WK_POSITIONS_MAX;
	for (size_t i = 0; i < n_parts; i++) {
		const struct refund_part *rp = &parts[i];
		const struct journal_line *l = rp->line_no ? line_no(lines, n_lines, rp->line_no) : NULL;
		int k = l ? rp->line_no : -1 - rp->tax_rate;
		size_t j;
		for (j = 0; j < n && key[j] != k; j++)
			;
		if (j == n) {
			if (n == max)
				continue;
			key[n] = k;
			amount[n] = 0;
			if (l) {
				out[n] = line_position(l);
				out[n].count = 0;
			} else {
				out[n] = (wk_position){
					.name = by_amount_name ? by_amount_name : "Тауар / Товар",
					.count = KP_MEASURE_SCALE,
					.tax_percent = rp->tax_rate > 0 ? rp->tax_rate : 0,
					.vat = rp->tax_rate > 0,
					.unit_code = WK_UNIT_PIECE,
				};
			}
			n++;
		}
		amount[j] += rp->amount;
		if (l)
			out[j].count += l->weight > 0 ? rp->quantity : rp->quantity * KP_MEASURE_SCALE;
	}
	for (size_t j = 0; j < n; j++) {
		if (key[j] < 0 || out[j].count == 0) {
			/* by amount (or a line's piece without units): one of it at the amount */
			out[j].count = KP_MEASURE_SCALE;
			out[j].price = amount[j];
			out[j].discount = 0;
			out[j].unit_code = WK_UNIT_PIECE;
			continue;
		}
		int64_t gross = part_gross(&out[j]);
		out[j].discount = gross > amount[j] ? gross - amount[j] : 0;
		if (gross < amount[j]) { /* never by the refund rules; the amount prints as it is */
			out[j].price = amount[j];
			out[j].count = KP_MEASURE_SCALE;
			out[j].unit_code = WK_UNIT_PIECE;
		}
	}
	return n;
}

size_t receipt_return_payments(const struct refund *rows, size_t n_rows, wk_payment out[3])
{
	size_t n = 0;
	for (size_t i = 0; i < n_rows; i++)
		add_payment(out, &n, receipt_pay_type(rows[i].tender), rows[i].amount);
	return n;
}
