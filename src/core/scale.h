/* scale.h — scale labels: the EAN-13 barcodes that a shop's scales print
 * on weighed goods. GS1 leaves the prefixes 20–29 to each shop
 * ("restricted circulation numbers"); a scale fills the rest with the
 * product's code on the scale (its PLU) and either the weight or the
 * price of the package:
 *
 *     2 P | C C C C C | V V V V V | K       e.g. 22 00042 00350 K
 *     prefix  PLU        value       check digit
 *
 * The PLU takes 4, 5 or 6 digits and the value the 6, 5 or 4 left. Which
 * prefixes carry a weight and which a price, the PLU's length and the
 * value's step (a weight in grams or in tens of grams, a price in tiyn
 * or in tenge) are the shop's settings (`[scale]` in the config, read by
 * app/config.c); this module reads a code against them. Pure C, no I/O. */
#ifndef KP_CORE_SCALE_H
#define KP_CORE_SCALE_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KP_SCALE_PREFIX_MIN 20
#define KP_SCALE_PREFIX_MAX 29
#define KP_SCALE_PLU_DIGITS_MIN 4
#define KP_SCALE_PLU_DIGITS_MAX 6
#define KP_SCALE_PLU_MAX 999999     /* a product's PLU: 1 … this */
#define KP_SCALE_PREFIXES_ALL 0x3ffu /* every prefix 20–29 */

/* How a shop's scales write their labels. */
struct kp_scale_rules {
	unsigned weight_prefixes; /* bit (p − 20) set: labels with prefix p carry a weight */
	unsigned price_prefixes;  /* ... carry a price; no prefix in both */
	int plu_digits;           /* 4 … 6 */
	int weight_step;          /* thousandths of the unit (g of a kg) in one step of the
	                             value: 1 (grams) or 10 (tens of grams) */
	int price_step;           /* tiyn in one step of the value: 1 (tiyn) or 100 (tenge) */
};

/* What a label carries. */
struct kp_scale_label {
	int prefix;               /* 20 … 29 */
	int32_t plu;              /* the product's code on the scale, 0 … 999999 */
	bool is_price;            /* the value is a price, else a weight */
	int64_t value;            /* a weight in thousandths of the unit, or a price in tiyn */
};

enum kp_scale_status {
	KP_SCALE_LABEL = 0,       /* a label: *out filled */
	KP_SCALE_NOT_LABEL,       /* not 13 digits, or a prefix no rule names: a plain code */
	KP_SCALE_BAD_CHECK,       /* 13 digits and a label's prefix, but the check digit is wrong */
	KP_SCALE_BAD_RULES,       /* rules that kp_scale_rules_valid refuses */
};

/* Rules that can be read with: a PLU of 4–6 digits, a weight step of 1 or
 * 10, a price step of 1 or 100, prefixes within 20–29 and no prefix both
 * a weight's and a price's. Rules with no prefix at all are valid (the
 * shop prints no labels: every code is a plain one). */
bool kp_scale_rules_valid(const struct kp_scale_rules *r);

/* Reads code (NUL-terminated, exactly as scanned: no spaces) against r. */
enum kp_scale_status kp_scale_read(const struct kp_scale_rules *r, const char *code,
                                   struct kp_scale_label *out) KP_MUST_CHECK;

/* Reads a list of prefixes as a shop writes it in the config: numbers
 * 20–29 and ranges "20-29", separated by spaces or commas ("21 22",
 * "21,22", "20-24, 27"); "" or "none" is no prefix. Sets *mask (bit
 * p − 20 for prefix p) and returns true; false, *mask unchanged, on
 * anything else. */
bool kp_scale_prefixes_parse(const char *text, unsigned *mask) KP_MUST_CHECK;

/* The prefixes of mask as kp_scale_prefixes_parse reads them: "21 22",
 * "none" for no prefix. Returns the length (snprintf's). */
int kp_scale_prefixes_format(char *buf, size_t size, unsigned mask);

#endif
