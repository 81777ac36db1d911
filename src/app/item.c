/* item.c — see item.h. */
#include "app/item.h"

#include <stdio.h>
#include <string.h>

#include "app/i18n.h"
#include "core/money.h"
#include "store/catalog.h"

/* The product's name in the language in use. */
static const char *product_name(const struct kp_product *p)
{
	return strcmp(i18n_language(), "kk") == 0 && p->name_kk[0] ? p->name_kk : p->name_ru;
}

const char *item_unit_shown(const char *unit)
{
	enum kp_measure m = kp_measure_of(unit);
	return m == KP_MEASURE_PIECE ? unit : _(kp_measure_label(m));
}

int item_weight_text(char *buf, size_t size, int64_t weight, const char *unit_shown,
                     int64_t price_per_unit, bool sign)
{
	char w[32], price[48];
	kp_measure_format(w, sizeof w, weight);
	money_format_plain(price, sizeof price, price_per_unit);
	return snprintf(buf, size, "%s %s × %s%s/%s", w, unit_shown, price, sign ? " ₸" : "",
	                unit_shown);
}

/* Looks the code up as a barcode, then as an SKU. */
static store_status find_code(store_db *db, const char *code, struct kp_product *p, store_err *err)
{
	store_status st = catalog_by_barcode(db, code, p, err);
	if (st == STORE_NOT_FOUND)
		st = catalog_by_sku(db, code, p, err);
	return st;
}

/* The item of a scale label already read. */
static enum item_status resolve_label(store_db *db, const struct kp_scale_label *label,
                                      const struct kp_item_text *t, struct item *out,
                                      char *message, size_t size)
{
	store_err err;

	if (t->has_qty) {
		snprintf(message, size, _("A scale label says how much itself: scan %s without a quantity"),
		         t->code);
		return ITEM_LABEL_QUANTITY;
	}
	store_status st = catalog_by_plu(db, label->plu, &out->product, &err);
	if (st == STORE_NOT_FOUND) {
		snprintf(message, size, _("No product has the PLU %d of scale label %s: nothing added"),
		         (int)label->plu, t->code);
		return ITEM_LABEL_PLU;
	}
	if (st != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return ITEM_STORE;
	}
	enum kp_measure m = kp_measure_of(out->product.unit);
	if (m == KP_MEASURE_PIECE) {
		snprintf(message, size,
		         _("Scale label %s is for %s, sold by the piece: nothing added"),
		         t->code, product_name(&out->product));
		return ITEM_LABEL_PIECE;
	}
	int64_t amount;
	if (label->is_price) {
		out->kind = ITEM_KIND_LABEL_PRICE;
		out->price = amount = label->value;
		if (amount == 0) {
			snprintf(message, size, "%s", _(basket_status_message(BASKET_ERR_LABEL_PRICE)));
			return ITEM_LABEL_PRICE;
		}
	} else {
		out->kind = ITEM_KIND_LABEL_WEIGHT;
		out->weight = label->value;
		if (label->value < 1 || label->value > KP_MEASURE_MAX) {
			enum kp_qty_status q = label->value < 1 ? KP_QTY_ZERO : KP_QTY_TOO_MUCH;
			snprintf(message, size, "%s: %s", t->code, _(kp_qty_status_message(q, m)));
			return ITEM_LABEL_WEIGHT;
		}
		amount = kp_measure_amount(label->value, out->product.price);
	}
	if (amount < 0 || amount > BASKET_PAYABLE_MAX) {
		snprintf(message, size, "%s", _(basket_status_message(BASKET_ERR_LABEL_LIMIT)));
		return ITEM_LABEL_LIMIT;
	}
	return ITEM_OK;
}

enum item_status item_resolve(store_db *db, const struct kp_scale_rules *rules, const char *text,
                              struct item *out, char *message, size_t size)
{
	struct kp_item_text t;
	store_err err;

	memset(out, 0, sizeof *out);
	if (size)
		message[0] = '\0';
	switch (kp_item_split(text, &t)) {
	case KP_ITEM_OK:
		break;
	case KP_ITEM_EMPTY:
		return ITEM_EMPTY;
	case KP_ITEM_NO_QTY:
	case KP_ITEM_TWO_STARS:
	case KP_ITEM_TOO_LONG:
		snprintf(message, size, "%s", _("Type a code, 3*CODE for 3 pieces or 0,350*CODE for a weight"));
		return ITEM_SYNTAX;
	}
	if (!t.code[0])
		return ITEM_EMPTY;
	snprintf(out->code, sizeof out->code, "%s", t.code);

	store_status st = find_code(db, t.code, &out->product, &err);
	if (st == STORE_NOT_FOUND && rules) {
		struct kp_scale_label label;
		switch (kp_scale_read(rules, t.code, &label)) {
		case KP_SCALE_LABEL:
			return resolve_label(db, &label, &t, out, message, size);
		case KP_SCALE_BAD_CHECK:
			snprintf(message, size, _("The check digit of scale label %s is wrong: scan it again"),
			         t.code);
			return ITEM_LABEL_CHECK;
		case KP_SCALE_NOT_LABEL:
		case KP_SCALE_BAD_RULES:
			break;
		}
	}
	if (st == STORE_NOT_FOUND) {
		snprintf(message, size, _("Unknown code %s: nothing added"), t.code);
		return ITEM_NOT_FOUND;
	}
	if (st != STORE_OK) {
		snprintf(message, size, "%s", kp_msg_text(&err.msg));
		return ITEM_STORE;
	}

	enum kp_measure m = kp_measure_of(out->product.unit);
	int64_t v = 1;
	out->typed = t.has_qty;
	if (t.has_qty) {
		enum kp_qty_status q = kp_qty_parse(t.qty, m, &v);
		if (q != KP_QTY_OK) {
			snprintf(message, size, "%s", _(kp_qty_status_message(q, m)));
			return ITEM_QUANTITY;
		}
	} else if (m != KP_MEASURE_PIECE) {
		v = KP_MEASURE_SCALE; /* one unit */
	}
	if (m == KP_MEASURE_PIECE) {
		out->kind = ITEM_KIND_PIECES;
		out->quantity = v;
	} else {
		out->kind = ITEM_KIND_WEIGHT;
		out->weight = v;
	}
	return ITEM_OK;
}

enum basket_status item_add(struct basket *b, const struct item *it, size_t *index,
                            char *message, size_t size)
{
	enum basket_status st = BASKET_ERR_ARGUMENT;
	switch (it->kind) {
	case ITEM_KIND_PIECES:
		st = basket_add(b, &it->product, it->quantity, BASKET_ADD_MERGE, index);
		break;
	case ITEM_KIND_WEIGHT:
		st = basket_add_weight(b, &it->product, it->weight, NULL, index);
		break;
	case ITEM_KIND_LABEL_WEIGHT:
		st = basket_add_weight(b, &it->product, it->weight, it->code, index);
		break;
	case ITEM_KIND_LABEL_PRICE:
		st = basket_add_label_price(b, &it->product, it->price, it->code, index);
		break;
	}
	if (st != BASKET_OK && message && size)
		snprintf(message, size, "%s", _(basket_status_message(st)));
	return st;
}

void item_describe(const struct item *it, char *buf, size_t size)
{
	char price[48], sum[48], what[128];
	const char *name = product_name(&it->product);

	switch (it->kind) {
	case ITEM_KIND_PIECES:
		money_format(price, sizeof price, it->product.price);
		snprintf(buf, size, "%s × %lld  %s", name, (long long)it->quantity, price);
		return;
	case ITEM_KIND_WEIGHT:
	case ITEM_KIND_LABEL_WEIGHT:
		item_weight_text(what, sizeof what, it->weight, item_unit_shown(it->product.unit),
		                 it->product.price, true);
		money_format(sum, sizeof sum, kp_measure_amount(it->weight, it->product.price));
		snprintf(buf, size, "%s %s = %s", name, what, sum);
		return;
	case ITEM_KIND_LABEL_PRICE:
		money_format(price, sizeof price, it->price);
		snprintf(buf, size, _("%s: %s, the price on the scale label"), name, price);
		return;
	}
	snprintf(buf, size, "%s", name);
}

enum basket_status item_journal_line(const struct basket_line *l, struct journal_line *jl)
{
	int64_t gross;
	enum basket_status st;

	memset(jl, 0, sizeof *jl);
	jl->product_id = l->product_id;
	snprintf(jl->sku, sizeof jl->sku, "%s", l->sku);
	snprintf(jl->barcode, sizeof jl->barcode, "%s", l->barcode);
	snprintf(jl->name, sizeof jl->name, "%s", l->name);
	snprintf(jl->name_kk, sizeof jl->name_kk, "%s", l->name_kk);
	snprintf(jl->unit, sizeof jl->unit, "%s", l->unit);
	jl->tax_rate = l->tax_rate;
	if ((st = basket_line_sums(l, &gross, &jl->discount, &jl->total)) != BASKET_OK)
		return st;
	if (l->weight > 0) {
		/* one line of its weight at its gross (db.c, step 8; API.md) */
		jl->quantity = 1;
		jl->unit_price = gross;
		jl->weight = l->weight;
		jl->price_per_unit = l->unit_price;
	} else {
		jl->quantity = l->quantity;
		jl->unit_price = l->unit_price;
	}
	jl->voided = l->voided;
	return BASKET_OK;
}
