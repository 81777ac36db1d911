/* basket.c — the cashier's basket. Every amount is checked on the way in
 * (quantity ≤ 9999, unit price ≤ 1 000 000 KZT, ≤ 500 lines), so that no
 * sum can leave int64_t; the arithmetic still goes through the overflow
 * builtins, so that a line filled by hand cannot cause undefined
 * behaviour either. */
#include "core/basket.h"
#include "core/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"

/* The messages spell out these limits; keep them in step. */
_Static_assert(BASKET_QTY_MAX == 9999, "update the quantity message");
_Static_assert(BASKET_LINES_MAX == 500, "update the full-basket message");
_Static_assert(BASKET_PAYABLE_MAX == 100000000, "update the limit messages");
_Static_assert(BASKET_QTY_MAX == KP_PIECES_MAX, "one limit of pieces");
_Static_assert(KP_MEASURE_MAX == 100000, "update the weight message");

#define TEXT_MAGIC "kaspi-pos basket"
#define TEXT_VERSION 2          /* written; 1 (no weights) is still read */

/* N_() marks text for xgettext: the TUI translates it with gettext, core
 * itself has none. */
#define N_(s) (s)

static const char *const messages[] = {
	[BASKET_OK] = N_("Done"),
	[BASKET_NEEDS_APPROVAL] = N_("This discount is above the cashier's limit: a manager must approve it"),
	[BASKET_ERR_NO_MEMORY] = N_("Out of memory"),
	[BASKET_ERR_ARGUMENT] = N_("Internal error: a required value is missing"),
	[BASKET_ERR_NO_LINE] = N_("There is no such line in the basket"),
	[BASKET_ERR_VOIDED] = N_("This line is voided and cannot be changed"),
	[BASKET_ERR_QUANTITY] = N_("The quantity must be a whole number from 1 to 9999"),
	[BASKET_ERR_PRICE] = N_("The price must be from 0 to 1 000 000 KZT"),
	[BASKET_ERR_TAX_RATE] = N_("The VAT rate must be a whole percent from 0 to 100"),
	[BASKET_ERR_NAME] = N_("The product has no valid name"),
	[BASKET_ERR_TOO_MANY_LINES] = N_("The basket is full (500 lines): take payment for these items first"),
	/* xgettext:no-c-format */
	[BASKET_ERR_DISCOUNT] = N_("A discount must be from 0 to 100 % and no more than the line's price"),
	[BASKET_ERR_OVERFLOW] = N_("The amounts are too large to add up"),
	[BASKET_ERR_EMPTY] = N_("The basket is empty: scan a product first"),
	[BASKET_ERR_ZERO_TOTAL] = N_("The total is zero: there is nothing to pay"),
	[BASKET_ERR_OVER_LIMIT] = N_("The total is over 1 000 000 KZT, the most one payment can take: remove items or split the sale"),
	[BASKET_ERR_SPACE] = N_("Internal error: the output is too small"),
	[BASKET_ERR_FORMAT] = N_("The held basket is damaged and cannot be restored"),
	[BASKET_ERR_VERSION] = N_("The held basket was saved by a newer version of kaspi-pos"),
	[BASKET_ERR_WEIGHT] = N_("The weight must be more than 0 and at most 100 kg"),
	[BASKET_ERR_NOT_MEASURED] = N_("This product is sold by the piece: type a whole number of pieces"),
	[BASKET_ERR_MEASURED] = N_("This line is sold by weight: type its weight, like 0,350"),
	[BASKET_ERR_LABEL_FIXED] = N_("This line is from a scale label and cannot change: void it and scan again"),
	[BASKET_ERR_LABEL_PIECE] = N_("A scale label cannot sell a product sold by the piece: check the product's unit and PLU in the catalog"),
	[BASKET_ERR_LABEL_LIMIT] = N_("The label comes to more than 1 000 000 KZT, the most one payment can take: nothing added"),
	[BASKET_ERR_LABEL_PRICE] = N_("The label's price is 0: print the label again"),
};

const char *basket_status_message(enum basket_status status)
{
	if ((unsigned)status < sizeof messages / sizeof messages[0] && messages[status])
		return messages[status];
	return N_("Unknown basket error");
}

/* ---- lines ---------------------------------------------------------------- */

/* Length of s within size bytes, cut back so as not to end inside a UTF-8
 * sequence when s had to be cut (no NUL within size − 1 bytes). */
static size_t bounded_len(const char *s, size_t size)
{
	size_t n = strnlen(s, size);
	if (n < size)
		return n;
	n = size - 1;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--; /* s[n] is a continuation byte: the character starting before spills over */
	return n;
}

/* Copies a fixed-size field of a product into a line's field of dst_size. */
static void copy_field(char *dst, size_t dst_size, const char *src, size_t src_size)
{
	size_t n = bounded_len(src, src_size < dst_size ? src_size : dst_size);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Checks the fields a line's arithmetic depends on; weight 0 for a line
 * sold by the piece. */
static enum basket_status line_check_values(int64_t quantity, int64_t weight, int64_t price, int rate)
{
	if (quantity < 1 || quantity > BASKET_QTY_MAX)
		return BASKET_ERR_QUANTITY;
	if (weight < 0 || weight > KP_MEASURE_MAX)
		return BASKET_ERR_WEIGHT;
	if (weight > 0 && quantity != 1)
		return BASKET_ERR_QUANTITY; /* a measured line is one line of its weight */
	if (price < 0 || price > BASKET_PRICE_MAX)
		return BASKET_ERR_PRICE;
	if (rate < 0 || rate > VAT_RATE_MAX)
		return BASKET_ERR_TAX_RATE;
	return BASKET_OK;
}

/* A name the contract takes: NUL-terminated within size, UTF-8, not empty. */
static bool name_valid(const char *name, size_t size)
{
	return strnlen(name, size) < size && kp_utf8_length(name) > 0;
}

/* round half up of gross × hundredths / 10000, both ≥ 0. */
static enum basket_status percent_of(int64_t gross, int64_t hundredths, int64_t *out)
{
	int64_t p;
	if (__builtin_mul_overflow(gross, hundredths, &p) ||
	    __builtin_add_overflow(p, BASKET_PERCENT_FULL / 2, &p))
		return BASKET_ERR_OVERFLOW;
	*out = p / BASKET_PERCENT_FULL;
	return BASKET_OK;
}

/* Whether amount off gross is above limit hundredths of a percent of it:
 * amount / gross > limit / 10000, compared exactly in integers. */
static enum basket_status amount_over_limit(int64_t amount, int64_t gross, int limit, bool *over)
{
	int64_t lhs, rhs;
	if (__builtin_mul_overflow(amount, (int64_t)BASKET_PERCENT_FULL, &lhs) ||
	    __builtin_mul_overflow(gross, (int64_t)limit, &rhs))
		return BASKET_ERR_OVERFLOW;
	*over = lhs > rhs;
	return BASKET_OK;
}

/* A line's discount for a given gross, checking that it fits the line. */
static enum basket_status line_discount(const struct basket_line *l, int64_t gross, int64_t *discount)
{
	switch (l->discount_kind) {
	case BASKET_DISCOUNT_NONE:
		if (l->discount_value != 0)
			return BASKET_ERR_DISCOUNT;
		*discount = 0;
		return BASKET_OK;
	case BASKET_DISCOUNT_PERCENT:
		if (l->discount_value < 1 || l->discount_value > BASKET_PERCENT_FULL)
			return BASKET_ERR_DISCOUNT;
		return percent_of(gross, l->discount_value, discount);
	case BASKET_DISCOUNT_AMOUNT:
		if (l->discount_value < 1 || l->discount_value > gross)
			return BASKET_ERR_DISCOUNT;
		*discount = l->discount_value;
		return BASKET_OK;
	}
	return BASKET_ERR_DISCOUNT;
}

enum basket_status basket_line_sums(const struct basket_line *line, int64_t *gross,
                                    int64_t *discount, int64_t *total)
{
	int64_t g, d;
	enum basket_status st;

	if (!line)
		return BASKET_ERR_ARGUMENT;
	st = line_check_values(line->quantity, line->weight, line->unit_price, line->tax_rate);
	if (st != BASKET_OK)
		return st;
	if (line->weight > 0) {
		if ((g = kp_measure_amount(line->weight, line->unit_price)) < 0)
			return BASKET_ERR_OVERFLOW;
	} else if (__builtin_mul_overflow(line->quantity, line->unit_price, &g)) {
		return BASKET_ERR_OVERFLOW;
	}
	st = line_discount(line, g, &d);
	if (st != BASKET_OK)
		return st;
	if (gross)
		*gross = g;
	if (discount)
		*discount = d;
	if (total)
		*total = g - d; /* 0 ≤ d ≤ g */
	return BASKET_OK;
}

/* ---- the basket ----------------------------------------------------------- */

void basket_init(struct basket *b)
{
	b->lines = NULL;
	b->count = 0;
	b->cap = 0;
	b->discount_limit = BASKET_DISCOUNT_LIMIT_DEFAULT;
}

void basket_free(struct basket *b)
{
	free(b->lines);
	b->lines = NULL;
	b->count = 0;
	b->cap = 0;
}

void basket_clear(struct basket *b)
{
	b->count = 0;
}

bool basket_set_discount_limit(struct basket *b, int hundredths)
{
	if (hundredths < 0 || hundredths > BASKET_PERCENT_FULL)
		return false;
	b->discount_limit = hundredths;
	return true;
}

/* Makes room for one more line; the new slot is b->lines[b->count]. */
static enum basket_status basket_reserve(struct basket *b)
{
	if (b->count >= BASKET_LINES_MAX)
		return BASKET_ERR_TOO_MANY_LINES;
	if (b->count < b->cap)
		return BASKET_OK;
	if (!KP_GROW(b->lines, b->cap, b->count + 1, 16))
		return BASKET_ERR_NO_MEMORY;
	return BASKET_OK;
}

/* The live line a merge adds product to, or NULL. The last one wins, so
 * that the line the cashier sees grow is the one just scanned. */
static struct basket_line *merge_target(struct basket *b, const struct kp_product *p)
{
	bool by_sku = p->id == 0 && strnlen(p->sku, KP_SKU_SIZE) > 0;

	if (p->id == 0 && !by_sku)
		return NULL;
	for (size_t i = b->count; i > 0; i--) {
		struct basket_line *l = &b->lines[i - 1];
		if (l->voided || l->discount_kind != BASKET_DISCOUNT_NONE || l->weight > 0 ||
		    l->from_label || l->unit_price != p->price || l->tax_rate != p->tax_rate)
			continue;
		if (by_sku ? l->product_id == 0 && strncmp(l->sku, p->sku, KP_SKU_SIZE) == 0
		           : l->product_id == p->id)
			return l;
	}
	return NULL;
}

/* A new line of product at the end: quantity at price, weight
 * thousandths (0: by the piece), label (NULL: none) as its barcode. The
 * values are checked first; on an error nothing changes. */
static enum basket_status add_line(struct basket *b, const struct kp_product *product,
                                   int64_t quantity, int64_t weight, int64_t price,
                                   const char *label, size_t *index)
{
	struct basket_line next;
	enum basket_status st;

	if (!name_valid(product->name_ru, sizeof product->name_ru))
		return BASKET_ERR_NAME;
	memset(&next, 0, sizeof next);
	next.product_id = product->id;
	copy_field(next.sku, sizeof next.sku, product->sku, sizeof product->sku);
	if (label)
		copy_field(next.barcode, sizeof next.barcode, label, strlen(label) + 1);
	else
		copy_field(next.barcode, sizeof next.barcode, product->barcode, sizeof product->barcode);
	copy_field(next.name, sizeof next.name, product->name_ru, sizeof product->name_ru);
	copy_field(next.name_kk, sizeof next.name_kk, product->name_kk, sizeof product->name_kk);
	if (kp_utf8_length(next.name_kk) < 0)
		next.name_kk[0] = '\0'; /* optional: a broken one is dropped, not fatal */
	copy_field(next.unit, sizeof next.unit, product->unit, sizeof product->unit);
	next.quantity = quantity;
	next.weight = weight;
	next.unit_price = price;
	next.tax_rate = product->tax_rate;
	next.discount_kind = BASKET_DISCOUNT_NONE;
	next.from_label = label != NULL;
	if ((st = basket_line_sums(&next, NULL, NULL, NULL)) != BASKET_OK)
		return st;
	if ((st = basket_reserve(b)) != BASKET_OK)
		return st;
	b->lines[b->count] = next;
	if (index)
		*index = b->count;
	b->count++;
	return BASKET_OK;
}

enum basket_status basket_add(struct basket *b, const struct kp_product *product,
                              int64_t quantity, enum basket_add_mode mode, size_t *index)
{
	enum basket_status st;

	if (!b || !product)
		return BASKET_ERR_ARGUMENT;
	st = line_check_values(quantity, 0, product->price, product->tax_rate);
	if (st != BASKET_OK)
		return st;
	if (!name_valid(product->name_ru, sizeof product->name_ru))
		return BASKET_ERR_NAME;
	if (kp_measure_of(product->unit) != KP_MEASURE_PIECE) {
		/* whole units of a measure: a line of their weight */
		if (quantity > KP_MEASURE_MAX / KP_MEASURE_SCALE)
			return BASKET_ERR_WEIGHT;
		return add_line(b, product, 1, quantity * KP_MEASURE_SCALE, product->price, NULL, index);
	}

	struct basket_line *l = mode == BASKET_ADD_MERGE ? merge_target(b, product) : NULL;
	if (l) {
		int64_t q;
		if (__builtin_add_overflow(l->quantity, quantity, &q) || q > BASKET_QTY_MAX)
			return BASKET_ERR_QUANTITY;
		l->quantity = q;
		if (index)
			*index = (size_t)(l - b->lines);
		return BASKET_OK;
	}
	return add_line(b, product, quantity, 0, product->price, NULL, index);
}

/* Whether label (a scale label's digits) fits a line's barcode. */
static bool label_valid(const char *label)
{
	size_t n = label ? strnlen(label, KP_BARCODE_SIZE) : 0;
	return n > 0 && n < KP_BARCODE_SIZE;
}

/* Whether a line of gross tiyn passes what one payment can take. */
static enum basket_status label_check_limit(int64_t gross)
{
	return gross > BASKET_PAYABLE_MAX ? BASKET_ERR_LABEL_LIMIT : BASKET_OK;
}

enum basket_status basket_add_weight(struct basket *b, const struct kp_product *product,
                                     int64_t weight, const char *label, size_t *index)
{
	if (!b || !product || (label && !label_valid(label)))
		return BASKET_ERR_ARGUMENT;
	if (kp_measure_of(product->unit) == KP_MEASURE_PIECE)
		return label ? BASKET_ERR_LABEL_PIECE : BASKET_ERR_NOT_MEASURED;
	if (weight < 1 || weight > KP_MEASURE_MAX)
		return BASKET_ERR_WEIGHT;
	if (label) {
		int64_t gross = kp_measure_amount(weight, product->price);
		if (gross < 0 || label_check_limit(gross) != BASKET_OK)
			return BASKET_ERR_LABEL_LIMIT;
	}
	return add_line(b, product, 1, weight, product->price, label, index);
}

enum basket_status basket_add_label_price(struct basket *b, const struct kp_product *product,
                                          int64_t price, const char *label, size_t *index)
{
	if (!b || !product || !label_valid(label))
		return BASKET_ERR_ARGUMENT;
	if (kp_measure_of(product->unit) == KP_MEASURE_PIECE)
		return BASKET_ERR_LABEL_PIECE;
	if (price < 1)
		return price == 0 ? BASKET_ERR_LABEL_PRICE : BASKET_ERR_PRICE;
	if (label_check_limit(price) != BASKET_OK)
		return BASKET_ERR_LABEL_LIMIT;
	return add_line(b, product, 1, 0, price, label, index);
}

/* The live line at index, or an error status. */
static enum basket_status live_line(struct basket *b, size_t index, struct basket_line **out)
{
	if (!b)
		return BASKET_ERR_ARGUMENT;
	if (index >= b->count)
		return BASKET_ERR_NO_LINE;
	if (b->lines[index].voided)
		return BASKET_ERR_VOIDED;
	*out = &b->lines[index];
	return BASKET_OK;
}

/* Moves a live line to next (its quantity or weight changed), with the
 * discount rules of basket_set_quantity. */
static enum basket_status set_amount(struct basket *b, struct basket_line *l,
                                     struct basket_line next, bool smaller, bool approved)
{
	int64_t gross;
	enum basket_status st = basket_line_sums(&next, &gross, NULL, NULL);

	if (st != BASKET_OK)
		return st;
	if (l->discount_kind == BASKET_DISCOUNT_AMOUNT && smaller && !approved) {
		bool over;
		st = amount_over_limit(l->discount_value, gross, b->discount_limit, &over);
		if (st != BASKET_OK)
			return st;
		if (over)
			return BASKET_NEEDS_APPROVAL;
	}
	if (approved && l->discount_kind != BASKET_DISCOUNT_NONE)
		next.discount_approved = true;
	*l = next;
	return BASKET_OK;
}

enum basket_status basket_set_quantity(struct basket *b, size_t index, int64_t quantity,
                                       bool approved)
{
	struct basket_line *l, next;
	enum basket_status st = live_line(b, index, &l);

	if (st != BASKET_OK)
		return st;
	if (l->from_label)
		return BASKET_ERR_LABEL_FIXED;
	if (l->weight > 0)
		return BASKET_ERR_MEASURED;
	next = *l;
	next.quantity = quantity;
	return set_amount(b, l, next, quantity < l->quantity, approved);
}

enum basket_status basket_set_weight(struct basket *b, size_t index, int64_t weight, bool approved)
{
	struct basket_line *l, next;
	enum basket_status st = live_line(b, index, &l);

	if (st != BASKET_OK)
		return st;
	if (l->from_label)
		return BASKET_ERR_LABEL_FIXED;
	if (l->weight == 0)
		return BASKET_ERR_NOT_MEASURED;
	if (weight < 1 || weight > KP_MEASURE_MAX)
		return BASKET_ERR_WEIGHT;
	next = *l;
	next.weight = weight;
	return set_amount(b, l, next, weight < l->weight, approved);
}

enum basket_status basket_void_line(struct basket *b, size_t index)
{
	struct basket_line *l;
	enum basket_status st = live_line(b, index, &l);

	if (st == BASKET_OK)
		l->voided = true;
	return st;
}

enum basket_status basket_restore_line(struct basket *b, size_t index)
{
	if (!b)
		return BASKET_ERR_ARGUMENT;
	if (index >= b->count)
		return BASKET_ERR_NO_LINE;
	b->lines[index].voided = false;
	return BASKET_OK;
}

/* Puts a checked discount on a live line, asking for approval above the limit. */
static enum basket_status set_discount(struct basket *b, size_t index,
                                       enum basket_discount_kind kind, int64_t value, bool approved)
{
	struct basket_line *l, next;
	int64_t gross;
	bool over;
	enum basket_status st = live_line(b, index, &l);

	if (st != BASKET_OK)
		return st;
	if (value < 0)
		return BASKET_ERR_DISCOUNT;
	next = *l;
	next.discount_kind = value == 0 ? BASKET_DISCOUNT_NONE : kind;
	next.discount_value = value;
	next.discount_approved = false;
	st = basket_line_sums(&next, &gross, NULL, NULL);
	if (st != BASKET_OK)
		return st;
	if (next.discount_kind == BASKET_DISCOUNT_PERCENT)
		over = value > b->discount_limit;
	else if (next.discount_kind == BASKET_DISCOUNT_AMOUNT) {
		st = amount_over_limit(value, gross, b->discount_limit, &over);
		if (st != BASKET_OK)
			return st;
	} else
		over = false;
	if (over && !approved)
		return BASKET_NEEDS_APPROVAL;
	next.discount_approved = approved && next.discount_kind != BASKET_DISCOUNT_NONE;
	*l = next;
	return BASKET_OK;
}

enum basket_status basket_discount_percent(struct basket *b, size_t index, int hundredths,
                                           bool approved)
{
	return set_discount(b, index, BASKET_DISCOUNT_PERCENT, hundredths, approved);
}

enum basket_status basket_discount_amount(struct basket *b, size_t index, int64_t tiyn,
                                          bool approved)
{
	return set_discount(b, index, BASKET_DISCOUNT_AMOUNT, tiyn, approved);
}

enum basket_status basket_discount_clear(struct basket *b, size_t index)
{
	return set_discount(b, index, BASKET_DISCOUNT_NONE, 0, false);
}

/* ---- totals --------------------------------------------------------------- */

enum basket_status basket_totals(const struct basket *b, struct basket_totals *t)
{
	struct basket_totals sum = {0};

	if (!b || !t)
		return BASKET_ERR_ARGUMENT;
	for (size_t i = 0; i < b->count; i++) {
		const struct basket_line *l = &b->lines[i];
		int64_t gross, discount, total;
		enum basket_status st = basket_line_sums(l, &gross, &discount, &total);
		if (st != BASKET_OK)
			return st;
		if (l->voided) {
			sum.voided_lines++;
			if (__builtin_add_overflow(sum.voided_amount, total, &sum.voided_amount))
				return BASKET_ERR_OVERFLOW;
			continue;
		}
		sum.lines++;
		if (__builtin_add_overflow(sum.gross, gross, &sum.gross) ||
		    __builtin_add_overflow(sum.discount, discount, &sum.discount) ||
		    __builtin_add_overflow(sum.total, total, &sum.total) ||
		    __builtin_add_overflow(sum.items, l->quantity, &sum.items))
			return BASKET_ERR_OVERFLOW;
	}
	*t = sum;
	return BASKET_OK;
}

int64_t basket_total(const struct basket *b)
{
	struct basket_totals t;
	return basket_totals(b, &t) == BASKET_OK ? t.total : -1;
}

int64_t basket_item_count(const struct basket *b)
{
	struct basket_totals t;
	return basket_totals(b, &t) == BASKET_OK ? t.items : -1;
}

enum basket_status basket_vat(const struct basket *b, struct vat_table *out)
{
	struct vat_table t;

	if (!b || !out)
		return BASKET_ERR_ARGUMENT;
	vat_table_init(&t);
	for (size_t i = 0; i < b->count; i++) {
		int64_t total;
		enum basket_status st = basket_line_sums(&b->lines[i], NULL, NULL, &total);
		if (st != BASKET_OK)
			return st;
		if (b->lines[i].voided)
			continue;
		switch (vat_table_add(&t, b->lines[i].tax_rate, total)) {
		case VAT_OK:
			break;
		case VAT_BAD_RATE:
			return BASKET_ERR_TAX_RATE;
		case VAT_OVERFLOW:
			return BASKET_ERR_OVERFLOW;
		}
	}
	*out = t;
	return BASKET_OK;
}

enum basket_status basket_check_payable(const struct basket *b)
{
	struct basket_totals t;
	enum basket_status st = basket_totals(b, &t);

	if (st != BASKET_OK)
		return st;
	if (t.lines == 0)
		return BASKET_ERR_EMPTY;
	if (t.total < KP_AMOUNT_MIN)
		return BASKET_ERR_ZERO_TOTAL;
	if (t.total > BASKET_PAYABLE_MAX)
		return BASKET_ERR_OVER_LIMIT;
	return BASKET_OK;
}

/* ---- the API's products array -------------------------------------------- */

size_t basket_products_needed(const struct basket *b)
{
	size_t n = 0;
	for (size_t i = 0; b && i < b->count; i++)
		if (!b->lines[i].voided)
			n += 2;
	return n;
}

void basket_api_name(const struct basket_line *l, char dst[KP_NAME_SIZE])
{
	char tail[48] = "";
	size_t tail_len = 0;

	if (l->weight > 0) {
		char w[24];
		kp_measure_format(w, sizeof w, l->weight);
		tail_len = (size_t)snprintf(tail, sizeof tail, " %s %s", w,
		                            kp_measure_ru(kp_measure_of(l->unit)));
	}
	/* the name's characters and bytes that leave room for the weight */
	size_t chars = BASKET_API_NAME_CHARS - (size_t)kp_utf8_length(tail);
	size_t n = kp_utf8_prefix_len(l->name, chars);
	while (n > 0 && n + tail_len >= KP_NAME_SIZE) {
		n--;
		while (n > 0 && ((unsigned char)l->name[n] & 0xc0) == 0x80)
			n--; /* back to the start of a character */
	}
	memcpy(dst, l->name, n);
	memcpy(dst + n, tail, tail_len + 1);
}

/* Fills one products entry. */
static void product_entry(struct basket_product *e, const struct basket_line *l,
                          int64_t quantity, int64_t price)
{
	basket_api_name(l, e->name);
	e->quantity = quantity;
	e->price = price;
	e->tax_rate = l->tax_rate;
}

enum basket_status basket_products(const struct basket *b, struct basket_product *out,
                                   size_t cap, size_t *n, int64_t *amount)
{
	size_t used = 0;
	int64_t sum = 0;
	enum basket_status st;

	if (!b || !n || !amount || (cap > 0 && !out))
		return BASKET_ERR_ARGUMENT;
	st = basket_check_payable(b);
	if (st != BASKET_OK)
		return st;
	for (size_t i = 0; i < b->count; i++) {
		const struct basket_line *l = &b->lines[i];
		int64_t total, q = l->quantity;
		if (l->voided)
			continue;
		st = basket_line_sums(l, NULL, NULL, &total);
		if (st != BASKET_OK)
			return st;
		if (!name_valid(l->name, sizeof l->name))
			return BASKET_ERR_NAME;
		/* total = (q − r) × base + r × (base + 1), r = total mod q; a
		 * line sold by measure has q = 1: one entry of its total */
		int64_t base = total / q, r = total % q;
		if (used + (r ? 2 : 1) > cap)
			return BASKET_ERR_SPACE;
		if (q - r > 0)
			product_entry(&out[used++], l, q - r, base);
		if (r > 0)
			product_entry(&out[used++], l, r, base + 1);
		if (__builtin_add_overflow(sum, total, &sum))
			return BASKET_ERR_OVERFLOW;
	}
	*n = used;
	*amount = sum;
	return BASKET_OK;
}

/* ---- held baskets as text ------------------------------------------------- */
/*
 * Version 2, one record per line, fields separated by a tab:
 *
 *   kaspi-pos basket 2
 *   line ID QTY PRICE RATE DISCOUNT VALUE APPROVED VOIDED SKU BARCODE UNIT NAME NAME_KK WEIGHT LABEL
 *   ...
 *   end COUNT
 *
 * DISCOUNT is none, percent or amount; APPROVED, VOIDED and LABEL
 * (from_label) are 0 or 1; WEIGHT is 0 for a line sold by the piece.
 * Version 1 had no WEIGHT and LABEL: its lines are read as by the piece,
 * as they were held (a held basket of version 1 comes back as it was).
 * In the text fields a backslash is written "\\" and every byte below
 * 0x20 and 0x7f as "\xHH", so a field never holds a tab or a newline.
 * COUNT repeats the number of line records, so that a cut-off text is
 * caught. A reader refuses versions it does not know.
 */

#define LINE_FIELDS_V1 14
#define LINE_FIELDS 16

struct textbuf {
	char *p;
	size_t len, cap;
	bool failed; /* an allocation failed; the text is incomplete */
};

/* Appends n bytes. */
static void tb_put(struct textbuf *tb, const char *s, size_t n)
{
	if (tb->failed)
		return;
	if (!KP_GROW(tb->p, tb->cap, tb->len + n + 1, 256)) {
		tb->failed = true;
		return;
	}
	memcpy(tb->p + tb->len, s, n);
	tb->len += n;
	tb->p[tb->len] = '\0';
}

/* Appends a tab, then an integer. */
static void tb_int(struct textbuf *tb, int64_t v)
{
	char num[32];
	int n = snprintf(num, sizeof num, "\t%lld", (long long)v);
	tb_put(tb, num, (size_t)n);
}

/* Appends a tab, then s escaped as the format says. */
static void tb_str(struct textbuf *tb, const char *s, size_t size)
{
	size_t n = strnlen(s, size);
	tb_put(tb, "\t", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c == '\\')
			tb_put(tb, "\\\\", 2);
		else if (c < 0x20 || c == 0x7f)
			tb_put(tb, esc, (size_t)snprintf(esc, sizeof esc, "\\x%02x", c));
		else
			tb_put(tb, s + i, 1);
	}
}

static const char *const discount_names[] = {
	[BASKET_DISCOUNT_NONE] = N_("none"),
	[BASKET_DISCOUNT_PERCENT] = N_("percent"),
	[BASKET_DISCOUNT_AMOUNT] = N_("amount"),
};

enum basket_status basket_to_text(const struct basket *b, char **text)
{
	struct textbuf tb = {0};
	char head[64];

	if (!b || !text)
		return BASKET_ERR_ARGUMENT;
	for (size_t i = 0; i < b->count; i++) {
		enum basket_status st = basket_line_sums(&b->lines[i], NULL, NULL, NULL);
		if (st != BASKET_OK)
			return st; /* never write what could not be read back */
	}
	tb_put(&tb, head, (size_t)snprintf(head, sizeof head, "%s %d\n", TEXT_MAGIC, TEXT_VERSION));
	for (size_t i = 0; i < b->count; i++) {
		const struct basket_line *l = &b->lines[i];
		tb_put(&tb, "line", 4);
		tb_int(&tb, l->product_id);
		tb_int(&tb, l->quantity);
		tb_int(&tb, l->unit_price);
		tb_int(&tb, l->tax_rate);
		tb_put(&tb, "\t", 1);
		tb_put(&tb, discount_names[l->discount_kind], strlen(discount_names[l->discount_kind]));
		tb_int(&tb, l->discount_value);
		tb_int(&tb, l->discount_approved);
		tb_int(&tb, l->voided);
		tb_str(&tb, l->sku, sizeof l->sku);
		tb_str(&tb, l->barcode, sizeof l->barcode);
		tb_str(&tb, l->unit, sizeof l->unit);
		tb_str(&tb, l->name, sizeof l->name);
		tb_str(&tb, l->name_kk, sizeof l->name_kk);
		tb_int(&tb, l->weight);
		tb_int(&tb, l->from_label);
		tb_put(&tb, "\n", 1);
	}
	tb_put(&tb, "end", 3);
	tb_int(&tb, (int64_t)b->count);
	tb_put(&tb, "\n", 1);
	if (tb.failed) {
		free(tb.p);
		return BASKET_ERR_NO_MEMORY;
	}
	*text = tb.p;
	return BASKET_OK;
}

/* A field of a record: [s, s + n), not NUL-terminated. */
struct field {
	const char *s;
	size_t n;
};

/* Splits one record at tabs into at most max fields; the count, or
 * max + 1 when there were more. */
static size_t split_fields(const char *s, size_t n, struct field *f, size_t max)
{
	size_t count = 0, start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '\t')
			continue;
		if (count == max)
			return max + 1;
		f[count].s = s + start;
		f[count].n = i - start;
		count++;
		start = i + 1;
	}
	return count;
}

/* A field equal to the word w. */
static bool field_is(struct field f, const char *w)
{
	return f.n == strlen(w) && memcmp(f.s, w, f.n) == 0;
}

/* A decimal integer min … max: digits only, no sign, no spaces, no leading zeros. */
static bool field_int(struct field f, int64_t min, int64_t max, int64_t *out)
{
	int64_t v = 0;
	if (f.n == 0 || f.n > 19 || (f.n > 1 && f.s[0] == '0'))
		return false;
	for (size_t i = 0; i < f.n; i++) {
		if (f.s[i] < '0' || f.s[i] > '9')
			return false;
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, f.s[i] - '0', &v))
			return false;
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Unescapes a text field into dst of size bytes; false when it does not
 * fit, holds a bad escape or would hold a NUL. */
static bool field_str(struct field f, char *dst, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < f.n; i++) {
		unsigned char c = (unsigned char)f.s[i];
		if (c == '\\') {
			if (i + 1 < f.n && f.s[i + 1] == '\\') {
				c = '\\';
				i += 1;
			} else if (i + 3 < f.n && f.s[i + 1] == 'x' && hex_digit(f.s[i + 2]) >= 0 &&
			           hex_digit(f.s[i + 3]) >= 0) {
				c = (unsigned char)(hex_digit(f.s[i + 2]) * 16 + hex_digit(f.s[i + 3]));
				if (c == 0)
					return false;
				i += 3;
			} else {
				return false;
			}
		} else if (c < 0x20 || c == 0x7f) {
			return false; /* the writer escapes these */
		}
		if (o + 1 >= size)
			return false;
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	return true;
}

/* Reads one "line" record's fields (after the word "line") into l:
 * nf of them, LINE_FIELDS_V1 - 1 of version 1 or LINE_FIELDS - 1. */
static enum basket_status parse_line(const struct field *f, size_t nf, struct basket_line *l)
{
	int64_t rate, approved, voided, label = 0;
	size_t kind;

	memset(l, 0, sizeof *l);
	if (!field_int(f[0], 0, INT64_MAX, &l->product_id) ||
	    !field_int(f[1], 1, BASKET_QTY_MAX, &l->quantity) ||
	    !field_int(f[2], 0, BASKET_PRICE_MAX, &l->unit_price) ||
	    !field_int(f[3], 0, VAT_RATE_MAX, &rate) ||
	    !field_int(f[5], 0, INT64_MAX, &l->discount_value) ||
	    !field_int(f[6], 0, 1, &approved) || !field_int(f[7], 0, 1, &voided))
		return BASKET_ERR_FORMAT;
	for (kind = 0; kind < sizeof discount_names / sizeof discount_names[0]; kind++)
		if (field_is(f[4], discount_names[kind]))
			break;
	if (kind == sizeof discount_names / sizeof discount_names[0])
		return BASKET_ERR_FORMAT;
	l->tax_rate = (int)rate;
	l->discount_kind = (enum basket_discount_kind)kind;
	l->discount_approved = approved;
	l->voided = voided;
	if (approved && kind == BASKET_DISCOUNT_NONE)
		return BASKET_ERR_FORMAT;
	if (!field_str(f[8], l->sku, sizeof l->sku) ||
	    !field_str(f[9], l->barcode, sizeof l->barcode) ||
	    !field_str(f[10], l->unit, sizeof l->unit) ||
	    !field_str(f[11], l->name, sizeof l->name) ||
	    !field_str(f[12], l->name_kk, sizeof l->name_kk))
		return BASKET_ERR_FORMAT;
	if (!name_valid(l->name, sizeof l->name) || kp_utf8_length(l->name_kk) < 0)
		return BASKET_ERR_FORMAT;
	if (nf == LINE_FIELDS - 1 &&
	    (!field_int(f[13], 0, KP_MEASURE_MAX, &l->weight) || !field_int(f[14], 0, 1, &label)))
		return BASKET_ERR_FORMAT;
	l->from_label = label;
	/* a weight only on a product sold by measure; a label's line keeps its barcode */
	if (l->weight > 0 && kp_measure_of(l->unit) == KP_MEASURE_PIECE)
		return BASKET_ERR_FORMAT;
	if (l->from_label && (!l->barcode[0] || l->quantity != 1))
		return BASKET_ERR_FORMAT;
	/* quantity, price, rate and discount against the line: as basket_add */
	return basket_line_sums(l, NULL, NULL, NULL) == BASKET_OK ? BASKET_OK : BASKET_ERR_FORMAT;
}

/* The version of a header "kaspi-pos basket N", or -1 when it is not one. */
static int64_t parse_header(const char *s, size_t n)
{
	size_t m = strlen(TEXT_MAGIC " ");
	int64_t version;
	if (n <= m || memcmp(s, TEXT_MAGIC " ", m) != 0)
		return -1;
	if (!field_int((struct field){s + m, n - m}, 1, INT64_MAX, &version))
		return -1;
	return version;
}

enum basket_status basket_from_text(struct basket *b, const char *text, size_t len)
{
	struct basket tmp;
	size_t pos = 0, records = 0;
	bool ended = false;
	int64_t version = 0;
	enum basket_status st = BASKET_OK;

	if (!b || (!text && len > 0))
		return BASKET_ERR_ARGUMENT;
	if (len == 0 || memchr(text, '\0', len))
		return BASKET_ERR_FORMAT;
	basket_init(&tmp);
	tmp.discount_limit = b->discount_limit;
	while (pos < len && st == BASKET_OK) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + (nl ? 1 : 0);
		if (ended) {
			st = BASKET_ERR_FORMAT; /* nothing may follow "end" */
		} else if (records == 0) {
			version = parse_header(s, n);
			st = version < 0 ? BASKET_ERR_FORMAT
			     : version != 1 && version != TEXT_VERSION ? BASKET_ERR_VERSION : BASKET_OK;
		} else {
			struct field f[LINE_FIELDS];
			size_t want = version == 1 ? LINE_FIELDS_V1 : LINE_FIELDS;
			size_t nf = split_fields(s, n, f, want);
			int64_t count;
			if (nf == want && field_is(f[0], "line")) {
				st = basket_reserve(&tmp);
				if (st == BASKET_ERR_TOO_MANY_LINES)
					st = BASKET_ERR_FORMAT;
				if (st == BASKET_OK)
					st = parse_line(f + 1, nf - 1, &tmp.lines[tmp.count]);
				if (st == BASKET_OK)
					tmp.count++;
			} else if (nf == 2 && field_is(f[0], "end") &&
			           field_int(f[1], 0, BASKET_LINES_MAX, &count) &&
			           (size_t)count == tmp.count) {
				ended = true;
			} else {
				st = BASKET_ERR_FORMAT;
			}
		}
		records++;
	}
	if (st == BASKET_OK && !ended)
		st = BASKET_ERR_FORMAT; /* cut off */
	if (st != BASKET_OK) {
		basket_free(&tmp);
		return st;
	}
	basket_free(b);
	*b = tmp;
	return BASKET_OK;
}
