/* measure.h — goods sold by measure (a weight, a volume, a length) rather
 * than by the piece: which units are measures, amounts in thousandths of
 * the unit, what a cashier types for them, and the money they come to.
 * Pure C, no I/O.
 *
 * A product whose unit is a measure (kp_measure_of: "кг", "л", "м", and
 * their Latin spellings "kg", "l", "m"; Kazakh writes them the same as
 * Russian) sells in thousandths of that unit: a weight of 350 is
 * 0,350 кг (350 g). Every other unit ("шт", "уп", "", ...) is sold by the
 * piece, in whole numbers.
 *
 * The money of a measured amount is rounded once, half up, to the tiyn:
 *     amount = round_half_up(thousandths × price per unit / 1000)
 * (0,350 кг at 4 290,00 ₸/кг is 1 501,50 ₸; 0,333 кг at 549,90 ₸/кг is
 * 183,1167 → 183,12 ₸), the rule of the fiscal register too (FISCAL.md).
 *
 * What a cashier types as a quantity (kp_qty_parse) and as an item of
 * the input line (kp_item_split: "CODE", "3*CODE", "0,35*CODE") is read
 * here, so that the till's screen and the headless commands read it the
 * same way. */
#ifndef KP_CORE_MEASURE_H
#define KP_CORE_MEASURE_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KP_MEASURE_SCALE 1000      /* thousandths of the unit in one unit */
#define KP_MEASURE_MAX 100000      /* the most one line may measure: 100 kg, 100 l, 100 m */
#define KP_PIECES_MAX 9999         /* the most pieces on one line (basket.h's BASKET_QTY_MAX) */
#define KP_ITEM_CODE_SIZE 64       /* a code of an item text: 63 bytes, NUL */
#define KP_ITEM_QTY_SIZE 32        /* a quantity of an item text: 31 bytes, NUL */

/* How a unit sells. */
enum kp_measure {
	KP_MEASURE_PIECE = 0,   /* by the piece: whole numbers */
	KP_MEASURE_KG,          /* by weight, in grams */
	KP_MEASURE_L,           /* by volume, in millilitres */
	KP_MEASURE_M,           /* by length, in millimetres */
	KP_MEASURE_COUNT
};

/* The measure a catalog unit stands for: KP_MEASURE_KG for "кг", "Кг",
 * "КГ", "kg", "Kg", "KG", and so on (the table in measure.c, the one place
 * that lists them); KP_MEASURE_PIECE for any other unit and for NULL. */
enum kp_measure kp_measure_of(const char *unit);

/* The unit as a cashier reads it: an N_() msgid ("kg", "l", "m"; "pcs"
 * for the piece) for the caller's gettext, which says "кг" in Russian
 * and Kazakh. */
const char *kp_measure_label(enum kp_measure m);

/* The unit's Russian spelling ("кг", "л", "м"; "шт"), as the Kaspi
 * product name carries it after the product's Russian name. */
const char *kp_measure_ru(enum kp_measure m);

/* The unit's code in the fiscal units reference (FISCAL.md): 166 kg,
 * 112 l, 6 m, 796 piece. */
int kp_measure_fiscal_code(enum kp_measure m);

/* thousandths × price_per_unit / 1000, rounded half up to the tiyn;
 * -1 when an argument is negative or the product leaves int64_t. */
int64_t kp_measure_amount(int64_t thousandths, int64_t price_per_unit);

/* "0,350", "1,000", "100,000": whole units, a comma, three digits; a
 * negative value gets a '-' first. Returns the length (snprintf's). */
int kp_measure_format(char *buf, size_t size, int64_t thousandths);

/* The share of a weighed line that w of its W thousandths give back in
 * a refund: w × price_per_unit / 1000 rounded half up, times the part of
 * the line left after its discount (total / gross, with one rounding,
 * half up, of w × price_per_unit × total / (1000 × gross)), and never
 * more than left (what of the line's total has not gone back yet).
 * The caller gives the line's last thousandths its whole rest instead,
 * so that the parts of a line add up to its total exactly. 0 when gross
 * is 0 or an argument is out of range. */
int64_t kp_measure_refund_share(int64_t w, int64_t price_per_unit, int64_t total, int64_t gross,
                                int64_t left);

/* What came of reading a quantity. */
enum kp_qty_status {
	KP_QTY_OK = 0,
	KP_QTY_SYNTAX,     /* not a number of this unit ("abc", "1,2,3", "0,3505", "350 мл" for kg) */
	KP_QTY_FRACTION,   /* a piece product given a fraction or a measure ("0,5", "350 г", "1 кг") */
	KP_QTY_PIECES,     /* a whole number of pieces out of 1 … KP_PIECES_MAX */
	KP_QTY_ZERO,       /* a measured amount of 0 */
	KP_QTY_TOO_MUCH,   /* a measured amount above KP_MEASURE_MAX (100 kg) */
};

/* Reads a quantity as a cashier types it for a product of measure m.
 * By the piece: a whole number 1 … 9999 ("3"; "3,0" is 3). By measure,
 * in thousandths of the unit, 1 … 100000: the unit with up to three
 * decimals, a comma or a point ("0,350", "0.35", "1", ",5"), optionally
 * followed by the unit ("0,350 кг", "1,5 l"), or a whole number of
 * thousandths followed by their unit ("350 г", "350г", "350 g", "500 мл",
 * "750 mm"). Spaces around are ignored. *out is set only on KP_QTY_OK. */
enum kp_qty_status kp_qty_parse(const char *text, enum kp_measure m, int64_t *out) KP_MUST_CHECK;

/* An English sentence for the cashier saying what is wrong with a
 * quantity of measure m (a string constant the app wraps for gettext);
 * never NULL. The sentences name the unit ("at most 100 kg"). */
const char *kp_qty_status_message(enum kp_qty_status st, enum kp_measure m);

/* An item of the input line, cut into its parts. */
struct kp_item_text {
	char code[KP_ITEM_CODE_SIZE];  /* the code (or search text) after any '*', trimmed */
	char qty[KP_ITEM_QTY_SIZE];    /* the quantity before a '*', trimmed; "" when none */
	bool has_qty;                  /* a '*' was typed */
};

enum kp_item_status {
	KP_ITEM_OK = 0,
	KP_ITEM_EMPTY,      /* nothing but spaces */
	KP_ITEM_NO_QTY,     /* "*CODE": a '*' with nothing before it */
	KP_ITEM_TOO_LONG,   /* a part longer than its buffer */
	KP_ITEM_TWO_STARS,  /* "2*3*CODE" */
};

/* Cuts "CODE", "N*CODE" or "0,35*CODE" (text NUL-terminated) into its
 * quantity and code, each trimmed of spaces. "3*" gives an empty code
 * (the caller waits for the code). The quantity is not read here: how
 * it reads depends on the product's unit (kp_qty_parse once the code is
 * looked up). */
enum kp_item_status kp_item_split(const char *text, struct kp_item_text *out) KP_MUST_CHECK;

#endif
