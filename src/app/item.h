/* item.h — one thing to sell, as a cashier types or scans it or a script
 * names it, resolved against the catalog and the shop's [scale] rules:
 *
 *   CODE          a barcode or an SKU: one piece; of a product sold by
 *                 measure (kg, l, m: core/measure.h) one unit, 1,000 кг
 *   N*CODE        N pieces (1–9999); of a product sold by measure N units
 *                 (3*CODE is 3,000 кг, at most 100)
 *   0,350*CODE    a weight, of a product sold by measure only: "0,350",
 *                 "0.35" or "350 г" before the '*' (a fraction for a
 *                 piece product is refused)
 *   a scale label an EAN-13 with one of the [scale] prefixes (core/scale.h):
 *                 the product whose PLU the label carries, with the label's
 *                 weight, or a line of the label's price
 *
 * The TUI's input line and its scans, and `kaspi-pos sale ITEM...`, all
 * go through item_resolve and then item_add, so that each rule lives in
 * one place. A code is looked up as a catalog barcode first, then as an
 * SKU, and only then read as a scale label: a product whose barcode looks
 * like a label stays that product.
 *
 * A price label on a product sold by measure is a line of the price
 * printed (quantity 1, no weight): the scale weighed the package and
 * priced it, the buyer read that price on it, and the till's price per
 * kg may differ from the scale's (a price changed since the label was
 * printed), so a weight worked back from it could be wrong. A label's
 * line never changes (basket.h, from_label): void it and scan again. */
#ifndef KP_APP_ITEM_H
#define KP_APP_ITEM_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/basket.h"
#include "core/measure.h"
#include "core/product.h"
#include "core/scale.h"
#include "store/db.h"
#include "store/journal.h"

#define ITEM_MESSAGE_SIZE 320  /* a message of item_resolve or item_add */

enum item_status {
	ITEM_OK = 0,
	ITEM_EMPTY,          /* nothing typed, or "3*" with no code yet */
	ITEM_NOT_FOUND,      /* no product has this barcode or SKU, and it is no label
	                        (the TUI then searches the names) */
	ITEM_SYNTAX,         /* "*CODE", "2*3*CODE", or a part too long */
	ITEM_QUANTITY,       /* a quantity the product's unit does not take */
	ITEM_LABEL_CHECK,    /* a scale label whose check digit is wrong */
	ITEM_LABEL_PLU,      /* a scale label whose PLU no product has */
	ITEM_LABEL_QUANTITY, /* N*LABEL: the label says how much itself */
	ITEM_LABEL_PIECE,    /* a scale label for a product sold by the piece */
	ITEM_LABEL_WEIGHT,   /* a scale label weighing 0, or above 100 kg */
	ITEM_LABEL_PRICE,    /* a scale label priced 0 */
	ITEM_LABEL_LIMIT,    /* a scale label's line above what one payment takes */
	ITEM_STORE,          /* the catalog could not be read */
};

enum item_kind {
	ITEM_KIND_PIECES,         /* quantity pieces */
	ITEM_KIND_WEIGHT,         /* weight of a product sold by measure, typed or whole units */
	ITEM_KIND_LABEL_WEIGHT,   /* a scale label's weight */
	ITEM_KIND_LABEL_PRICE,    /* a scale label's price */
};

/* A resolved item: the product and how much of it. */
struct item {
	struct kp_product product;
	enum item_kind kind;
	int64_t quantity;              /* ITEM_KIND_PIECES: 1 … 9999 */
	int64_t weight;                /* ITEM_KIND_WEIGHT, ITEM_KIND_LABEL_WEIGHT: thousandths of the unit */
	int64_t price;                 /* ITEM_KIND_LABEL_PRICE: tiyn */
	bool typed;                    /* a quantity was given (N*CODE); false for a bare CODE
	                                  (the TUI then asks the weight of a product sold by
	                                  measure) */
	char code[KP_ITEM_CODE_SIZE];  /* the code as given: a label's 13 digits */
};

/* Resolves text (one ITEM as above, NUL-terminated) against the catalog
 * in db and the scale rules (NULL: no labels). ITEM_OK fills *out; any
 * other status puts one line for the cashier, in their language, into
 * message (size bytes; ITEM_MESSAGE_SIZE is enough), ITEM_NOT_FOUND too
 * ("Unknown code 123: nothing added"). Reads only. */
enum item_status item_resolve(store_db *db, const struct kp_scale_rules *rules, const char *text,
                              struct item *out, char *message, size_t size) KP_MUST_CHECK;

/* Puts a resolved item into the basket: pieces merge with the line of
 * the same product (BASKET_ADD_MERGE), a weight or a label takes a line
 * of its own. *index (may be NULL) gets the line. On a refusal nothing
 * changes and message (may be NULL) says why, in the reader's language. */
enum basket_status item_add(struct basket *b, const struct item *it, size_t *index,
                            char *message, size_t size) KP_MUST_CHECK;

/* What an added item is, for the message line or a command's output:
 * "Сыр Российский весовой 0,350 кг × 4 290,00 ₸/кг = 1 501,50 ₸",
 * "Молоко × 3  549,90 ₸", "Сыр ...: 1 500,00 ₸ (the label's price)"; the
 * name in the language in use (its Kazakh name in Kazakh). */
void item_describe(const struct item *it, char *buf, size_t size);

/* A unit as the reader reads it: the measure's word through gettext
 * ("кг" in Russian and Kazakh, "kg" in English) for kg, l and m; any
 * other unit as the catalog spells it. */
const char *item_unit_shown(const char *unit);

/* "0,350 кг × 4 290,00 ₸/кг": weight thousandths of unit (as shown:
 * item_unit_shown's word, or one of the caller's) at price_per_unit
 * tiyn, the money with plain spaces; without the sign ("4 290,00/кг")
 * when !sign, for the printer (its code pages spell ₸ wider, "тг", as
 * the slips' plain figures avoid). Returns the length (snprintf's). */
int item_weight_text(char *buf, size_t size, int64_t weight, const char *unit_shown,
                     int64_t price_per_unit, bool sign);

/* A basket line as the journal keeps it (journal.h): its names, codes,
 * unit, VAT rate, discount, total and void, and for a line sold by
 * measure quantity 1 at unit_price = its gross with its weight and
 * price per unit. BASKET_OK, or the status of a line that does not sum. */
enum basket_status item_journal_line(const struct basket_line *l, struct journal_line *out) KP_MUST_CHECK;

#endif
