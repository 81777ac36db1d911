/* basket.h — the cashier's basket: lines of products with quantities,
 * discounts and voids; its total, VAT per rate, and the create request's
 * `products` array. Pure C, no I/O; the basket knows no PINs (a manager's
 * approval arrives as a flag from the caller).
 *
 * Money is int64_t tiyn, VAT included. For each line:
 *     gross    = quantity × unit_price                    sold by the piece
 *              = weight × unit_price / 1000, rounded      sold by measure (core/measure.h):
 *                half up to the tiyn                      weight in thousandths of the unit,
 *                                                         unit_price the price per kg (l, m)
 *     discount = percent: round half up (gross × hundredths / 10000)
 *                amount:  the tiyn given, never more than gross
 *     total    = gross − discount (never negative)
 * Voided lines stay in the basket for reports but count in no total. */
#ifndef KP_CORE_BASKET_H
#define KP_CORE_BASKET_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/measure.h"
#include "core/money.h"
#include "core/product.h"
#include "core/vat.h"

#define BASKET_QTY_MAX 9999                 /* items on one line */
#define BASKET_LINES_MAX 500                /* lines, voided ones included */
#define BASKET_PRICE_MAX KP_AMOUNT_MAX      /* a unit dearer than one check can never be paid */
#define BASKET_PAYABLE_MAX KP_AMOUNT_MAX    /* 1 000 000 KZT: the most one payment takes */
#define BASKET_PERCENT_FULL 10000           /* 100 % in hundredths of a percent */
#define BASKET_DISCOUNT_LIMIT_DEFAULT 1000  /* 10 %, as config's default */
#define BASKET_API_NAME_CHARS 128           /* the contract's limit on a product name */
#define BASKET_UNIT_SIZE 16

/* Every outcome of a basket call. BASKET_OK is 0; basket_status_message()
 * says each in a line fit for the cashier's screen. */
enum basket_status {
	BASKET_OK = 0,
	BASKET_NEEDS_APPROVAL,     /* discount above the cashier's limit: nothing changed */
	BASKET_ERR_NO_MEMORY,
	BASKET_ERR_ARGUMENT,       /* a NULL where a value was needed */
	BASKET_ERR_NO_LINE,        /* line index out of range */
	BASKET_ERR_VOIDED,         /* the line is voided: it cannot change */
	BASKET_ERR_QUANTITY,       /* quantity not 1–BASKET_QTY_MAX */
	BASKET_ERR_PRICE,          /* unit price negative or above BASKET_PRICE_MAX */
	BASKET_ERR_TAX_RATE,       /* VAT rate not 0–100 */
	BASKET_ERR_NAME,           /* name empty or not UTF-8 */
	BASKET_ERR_TOO_MANY_LINES, /* BASKET_LINES_MAX reached */
	BASKET_ERR_DISCOUNT,       /* percent not 0–100 %, amount negative or above the line */
	BASKET_ERR_OVERFLOW,       /* a sum left int64_t (cannot happen within the limits) */
	BASKET_ERR_EMPTY,          /* no line to pay */
	BASKET_ERR_ZERO_TOTAL,     /* lines, but 0 tiyn to pay */
	BASKET_ERR_OVER_LIMIT,     /* total above 1 000 000 KZT */
	BASKET_ERR_SPACE,          /* the caller's array is too small */
	BASKET_ERR_FORMAT,         /* held-basket text damaged or not a basket */
	BASKET_ERR_VERSION,        /* held-basket text from a newer version */
	BASKET_ERR_WEIGHT,         /* a measured amount not 1 … KP_MEASURE_MAX thousandths */
	BASKET_ERR_NOT_MEASURED,   /* a weight for a product or line sold by the piece */
	BASKET_ERR_MEASURED,       /* a quantity of pieces for a line sold by measure */
	BASKET_ERR_LABEL_FIXED,    /* the line is a scale label's: it cannot change */
	BASKET_ERR_LABEL_PIECE,    /* a scale label for a product sold by the piece */
	BASKET_ERR_LABEL_LIMIT,    /* a scale label's line above BASKET_PAYABLE_MAX */
	BASKET_ERR_LABEL_PRICE,    /* a scale label's price of 0 */
};

/* An English sentence for the cashier, a string constant (the TUI wraps
 * it for gettext). Never NULL, also for values outside the enum. */
const char *basket_status_message(enum basket_status status);

enum basket_discount_kind {
	BASKET_DISCOUNT_NONE = 0,
	BASKET_DISCOUNT_PERCENT, /* value in hundredths of a percent, 1–10000 */
	BASKET_DISCOUNT_AMOUNT,  /* value in tiyn off the whole line, 1–gross */
};

/* How basket_add treats a product already in the basket. */
enum basket_add_mode {
	BASKET_ADD_MERGE,    /* add to the last live, undiscounted line of the same
	                        product (same id, or same sku when id is 0) with
	                        the same price and rate, sold by the piece and not
	                        from a scale label; else a new line */
	BASKET_ADD_NEW_LINE, /* always a line of its own */
};

struct basket_line {
	int64_t product_id;             /* catalog id; 0 for an item not from the catalog */
	char sku[KP_SKU_SIZE];
	char barcode[KP_BARCODE_SIZE];
	char name[KP_NAME_SIZE];        /* product's name_ru: shown and sent */
	char name_kk[KP_NAME_SIZE];     /* "" when the catalog has none */
	char unit[BASKET_UNIT_SIZE];    /* for display only */
	int64_t quantity;               /* 1 … BASKET_QTY_MAX; 1 when sold by measure */
	int64_t unit_price;             /* tiyn, VAT included, 0 … BASKET_PRICE_MAX; by measure
	                                   the price of one unit (one kg, l, m) */
	int tax_rate;                   /* VAT percent 0–100 */
	enum basket_discount_kind discount_kind;
	int64_t discount_value;         /* meaning depends on discount_kind; 0 for NONE */
	bool discount_approved;         /* a manager approved this line's discount */
	bool voided;                    /* kept for reports; counts in no total */
	int64_t weight;                 /* sold by measure: thousandths of the unit (350 is
	                                   0,350 кг), 1 … KP_MEASURE_MAX; 0: by the piece */
	bool from_label;                /* from a scale label: its weight (weight > 0) or its
	                                   price (weight 0, quantity 1) is the label's and
	                                   never changes; barcode holds the label */
};

struct basket {
	struct basket_line *lines; /* count lines in order of entry, voided ones too */
	size_t count;
	size_t cap;                /* allocated lines */
	int discount_limit;        /* hundredths of a percent of a line a cashier may
	                              give alone; above it BASKET_NEEDS_APPROVAL */
};

/* What basket_totals reports. Only live (not voided) lines count, except
 * in the voided_* fields. */
struct basket_totals {
	int64_t gross;          /* before discounts */
	int64_t discount;       /* all line discounts */
	int64_t total;          /* to pay: gross − discount */
	int64_t items;          /* Σ quantity (a line sold by measure counts 1) */
	size_t lines;           /* live lines */
	size_t voided_lines;
	int64_t voided_amount;  /* what the voided lines were worth (their totals) */
};

/* One entry of the create request's `products` array. */
struct basket_product {
	char name[KP_NAME_SIZE]; /* ≤ BASKET_API_NAME_CHARS characters, cut at a UTF-8 boundary */
	int64_t quantity;        /* ≥ 1 */
	int64_t price;           /* unit price, tiyn */
	int tax_rate;            /* percent */
};

/* An empty basket with the default discount limit. Allocates nothing. */
void basket_init(struct basket *b);

/* Frees the lines; b is then empty and may be used again. */
void basket_free(struct basket *b);

/* Drops every line (voided ones too), keeping memory and the limit. */
void basket_clear(struct basket *b);

/* Sets the cashier's discount limit, hundredths of a percent (0–10000);
 * false, and no change, when out of range. */
bool basket_set_discount_limit(struct basket *b, int hundredths) KP_MUST_CHECK;

/* Puts quantity of product into the basket (see enum basket_add_mode).
 * *index (may be NULL) gets the line that changed. The product's fields are
 * checked: name, price, rate. On an error nothing changes. A product sold
 * by measure (kp_measure_of its unit) takes quantity whole units: a line
 * of its own weighing quantity × 1000 thousandths (3 is 3,000 кг; at
 * most 100, else BASKET_ERR_WEIGHT). */
enum basket_status basket_add(struct basket *b, const struct kp_product *product,
                              int64_t quantity, enum basket_add_mode mode, size_t *index) KP_MUST_CHECK;

/* Puts weight thousandths (1 … KP_MEASURE_MAX) of a product sold by
 * measure on a line of its own; a product sold by the piece is
 * BASKET_ERR_NOT_MEASURED. label: NULL for a weight typed by the
 * cashier; else the scale label it was read from (its 13 digits become
 * the line's barcode, the line is from_label, and a product sold by the
 * piece is BASKET_ERR_LABEL_PIECE, a line above BASKET_PAYABLE_MAX
 * BASKET_ERR_LABEL_LIMIT). */
enum basket_status basket_add_weight(struct basket *b, const struct kp_product *product,
                                     int64_t weight, const char *label, size_t *index) KP_MUST_CHECK;

/* A scale label that carries a price: a line of its own, one of product
 * at price tiyn (1 … BASKET_PAYABLE_MAX; 0 is BASKET_ERR_LABEL_PRICE,
 * above BASKET_ERR_LABEL_LIMIT), from_label, its barcode the label. The
 * product must be sold by measure (BASKET_ERR_LABEL_PIECE): the scale
 * weighed it and priced it, and the line is what the label says. */
enum basket_status basket_add_label_price(struct basket *b, const struct kp_product *product,
                                          int64_t price, const char *label, size_t *index) KP_MUST_CHECK;

/* Sets a live line's quantity (1 … BASKET_QTY_MAX). A line with an amount
 * discount must still cover it (else BASKET_ERR_DISCOUNT). A smaller
 * quantity raises that discount's share of the line: if the new share is
 * above the limit, BASKET_NEEDS_APPROVAL and no change unless approved —
 * an earlier approval was for a smaller share. Percent discounts keep
 * their share and need nothing. A line sold by measure is
 * BASKET_ERR_MEASURED (basket_set_weight), a scale label's
 * BASKET_ERR_LABEL_FIXED. */
enum basket_status basket_set_quantity(struct basket *b, size_t index, int64_t quantity,
                                       bool approved) KP_MUST_CHECK;

/* Sets the weight (1 … KP_MEASURE_MAX thousandths) of a live line sold by
 * measure, with the discount rules of basket_set_quantity. A line sold
 * by the piece is BASKET_ERR_NOT_MEASURED, a scale label's
 * BASKET_ERR_LABEL_FIXED. */
enum basket_status basket_set_weight(struct basket *b, size_t index, int64_t weight,
                                     bool approved) KP_MUST_CHECK;

/* Voids a live line: it stays, marked, for reports. */
enum basket_status basket_void_line(struct basket *b, size_t index) KP_MUST_CHECK;

/* Undoes a void while the basket is open: the line counts again, as it
 * was (quantity, discount). A live line is left as it is. */
enum basket_status basket_restore_line(struct basket *b, size_t index) KP_MUST_CHECK;

/* A discount of hundredths of a percent (0 clears, at most 10000) on a
 * live line. Above the basket's limit: BASKET_NEEDS_APPROVAL and no change,
 * unless approved. Replaces any earlier discount on the line. */
enum basket_status basket_discount_percent(struct basket *b, size_t index, int hundredths,
                                           bool approved) KP_MUST_CHECK;

/* A discount of tiyn off the whole line (0 clears, at most its gross).
 * Above the limit as a share of the line: as basket_discount_percent. */
enum basket_status basket_discount_amount(struct basket *b, size_t index, int64_t tiyn,
                                          bool approved) KP_MUST_CHECK;

/* Removes a line's discount. */
enum basket_status basket_discount_clear(struct basket *b, size_t index) KP_MUST_CHECK;

/* A line's gross, discount and total (any pointer may be NULL). Voided
 * lines report what they were worth. */
enum basket_status basket_line_sums(const struct basket_line *line, int64_t *gross,
                                    int64_t *discount, int64_t *total) KP_MUST_CHECK;

/* Totals, counts and voids of the whole basket. */
enum basket_status basket_totals(const struct basket *b, struct basket_totals *t) KP_MUST_CHECK;

/* The amount to pay, or -1 when it cannot be summed (never within limits). */
int64_t basket_total(const struct basket *b);

/* Σ quantity of the live lines. */
int64_t basket_item_count(const struct basket *b);

/* VAT per rate of the live lines' totals (after discounts), groups sorted
 * by rate, each rounded once on its own gross. */
enum basket_status basket_vat(const struct basket *b, struct vat_table *out) KP_MUST_CHECK;

/* Whether the basket may go to the API: BASKET_OK, or BASKET_ERR_EMPTY,
 * BASKET_ERR_ZERO_TOTAL, BASKET_ERR_OVER_LIMIT. Ask before any request. */
enum basket_status basket_check_payable(const struct basket *b) KP_MUST_CHECK;

/* The most entries basket_products can need: two per live line. */
size_t basket_products_needed(const struct basket *b);

/* Fills out[0 … *n) with the `products` array so that Σ price × quantity is
 * exactly *amount. A line whose total does not divide by its quantity
 * becomes two entries: (quantity − r) at ⌊total / quantity⌋ and r at one
 * tiyn more, r = total mod quantity. A line sold by measure is one entry
 * of quantity 1 at its total (after its discount), its weight after the
 * name ("Сыр Российский 0,350 кг", API.md). Names cut to 128 characters,
 * a weight kept whole at their end. Checks basket_check_payable first;
 * BASKET_ERR_SPACE if cap is too small. */
enum basket_status basket_products(const struct basket *b, struct basket_product *out,
                                   size_t cap, size_t *n, int64_t *amount) KP_MUST_CHECK;

/* The name a line goes to the API with, as basket_products writes it:
 * the name cut to 128 characters, or for a line sold by measure the name
 * and its weight ("Сыр Российский 0,350 кг"), the name cut so that the
 * weight stays whole. dst holds KP_NAME_SIZE bytes. */
void basket_api_name(const struct basket_line *line, char dst[KP_NAME_SIZE]);

/* A held basket as text, for the store: versioned, line-based, UTF-8.
 * *text is malloc'd and NUL-terminated; the caller frees it. */
enum basket_status basket_to_text(const struct basket *b, char **text) KP_MUST_CHECK;

/* Reads text written by basket_to_text (len bytes; need not end in NUL).
 * Every field is checked as basket_add would; on any error b is unchanged.
 * On success b's lines are replaced; its discount limit stays. */
enum basket_status basket_from_text(struct basket *b, const char *text, size_t len) KP_MUST_CHECK;

#endif
