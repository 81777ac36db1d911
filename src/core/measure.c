/* measure.c — units sold by measure, quantities typed for them and the
 * money they come to. The table below is the one place that knows which
 * units are measures and how each is spelt. */
#include "core/measure.h"

#include <stdio.h>
#include <string.h>

#define N_(s) (s)

/* A measure: its spellings (lower case; matching folds ASCII and Russian
 * capitals), those of its thousandth, and how it is shown. */
struct unit_row {
	const char *const *names;      /* the unit: "кг", "kg" */
	const char *const *sub_names;  /* its thousandth: "г", "g" */
	const char *label;             /* N_() msgid shown to the cashier */
	const char *ru;                /* the Russian spelling, for the Kaspi product name */
	int fiscal_code;               /* the fiscal units reference */
};

static const char *const kg_names[] = {"кг", "kg", NULL};
static const char *const kg_sub[] = {"г", "гр", "g", "gr", NULL};
static const char *const l_names[] = {"л", "l", "lt", NULL};
static const char *const l_sub[] = {"мл", "ml", NULL};
static const char *const m_names[] = {"м", "m", NULL};
static const char *const m_sub[] = {"мм", "mm", NULL};
static const char *const none[] = {NULL};

static const struct unit_row units[KP_MEASURE_COUNT] = {
	[KP_MEASURE_PIECE] = {none, none, N_("pcs"), "шт", 796},
	[KP_MEASURE_KG] = {kg_names, kg_sub, N_("kg"), "кг", 166},
	[KP_MEASURE_L] = {l_names, l_sub, N_("l"), "л", 112},
	[KP_MEASURE_M] = {m_names, m_sub, N_("m"), "м", 6},
};

static const struct unit_row *row(enum kp_measure m)
{
	return (unsigned)m < KP_MEASURE_COUNT ? &units[m] : &units[KP_MEASURE_PIECE];
}

/* The next character of s (UTF-8) folded to lower case for ASCII and the
 * Russian capitals А–Я, Ё; *s moves past it. 0 at the end. Other bytes
 * come back one at a time, unchanged. */
static unsigned next_folded(const unsigned char **s)
{
	const unsigned char *p = *s;
	if (!p[0])
		return 0;
	if (p[0] >= 'A' && p[0] <= 'Z') {
		*s = p + 1;
		return p[0] + 32u;
	}
	if (p[0] == 0xd0 && p[1] >= 0x90 && p[1] <= 0xaf) { /* А–Я: U+0410–U+042F */
		*s = p + 2;
		return 0x430u + (p[1] - 0x90u);
	}
	if (p[0] == 0xd0 && p[1] == 0x81) { /* Ё */
		*s = p + 2;
		return 0x451u;
	}
	if ((p[0] == 0xd0 || p[0] == 0xd1) && p[1] >= 0x80 && p[1] <= 0xbf) {
		*s = p + 2;
		return ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu);
	}
	*s = p + 1;
	if (p[0] < 0x80)
		return p[0];
	return p[0] + 0x10000u; /* a stray byte of UTF-8: never equal to a character */
}

/* a (n bytes) equals b, folding case as next_folded does. */
static bool same_word(const char *a, size_t n, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *end = x + n;
	const unsigned char *y = (const unsigned char *)b;
	while (x < end && *y) {
		unsigned cx = next_folded(&x), cy = next_folded(&y);
		if (x > end) /* a character cut by n */
			return false;
		if (cx != cy)
			return false;
	}
	return x == end && !*y;
}

static bool in_list(const char *const *list, const char *s, size_t n)
{
	for (; *list; list++)
		if (same_word(s, n, *list))
			return true;
	return false;
}

enum kp_measure kp_measure_of(const char *unit)
{
	if (!unit)
		return KP_MEASURE_PIECE;
	size_t n = strlen(unit);
	for (int m = KP_MEASURE_KG; m < KP_MEASURE_COUNT; m++)
		if (in_list(units[m].names, unit, n))
			return (enum kp_measure)m;
	return KP_MEASURE_PIECE;
}

const char *kp_measure_label(enum kp_measure m)
{
	return row(m)->label;
}

const char *kp_measure_ru(enum kp_measure m)
{
	return row(m)->ru;
}

int kp_measure_fiscal_code(enum kp_measure m)
{
	return row(m)->fiscal_code;
}

int64_t kp_measure_amount(int64_t thousandths, int64_t price_per_unit)
{
	int64_t p;
	if (thousandths < 0 || price_per_unit < 0 ||
	    __builtin_mul_overflow(thousandths, price_per_unit, &p) ||
	    __builtin_add_overflow(p, KP_MEASURE_SCALE / 2, &p))
		return -1;
	return p / KP_MEASURE_SCALE;
}

int kp_measure_format(char *buf, size_t size, int64_t thousandths)
{
	uint64_t v = thousandths < 0 ? (uint64_t)0 - (uint64_t)thousandths : (uint64_t)thousandths;
	return snprintf(buf, size, "%s%llu,%03u", thousandths < 0 ? "-" : "",
	                (unsigned long long)(v / KP_MEASURE_SCALE), (unsigned)(v % KP_MEASURE_SCALE));
}

int64_t kp_measure_refund_share(int64_t w, int64_t price_per_unit, int64_t total, int64_t gross,
                                int64_t left)
{
	if (w <= 0 || price_per_unit < 0 || total < 0 || gross <= 0 || left <= 0 || total > gross)
		return 0;
	/* w ≤ 2^63, price ≤ 2^63, total ≤ 2^63: the product needs 128 bits */
	unsigned __int128 num = (unsigned __int128)(uint64_t)w * (uint64_t)price_per_unit * (uint64_t)total;
	unsigned __int128 den = (unsigned __int128)KP_MEASURE_SCALE * (uint64_t)gross;
	unsigned __int128 share = (2 * num + den) / (2 * den); /* half up */
	return share > (unsigned __int128)(uint64_t)left ? left : (int64_t)share;
}

/* ---- typed quantities ----------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* A typed number: whole digits, then an optional ',' or '.' and decimals. */
struct number {
	uint64_t whole;
	int whole_digits;
	uint64_t frac;          /* the decimals as an integer, frac_digits of them */
	int frac_digits;
	bool mark;              /* a decimal mark was typed */
	bool overflow;          /* more digits than any quantity can have */
};

/* Reads a number at *p, moving *p past it; false when there is no digit. */
static bool read_number(const char **p, struct number *n)
{
	const char *s = *p;
	memset(n, 0, sizeof *n);
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n->whole_digits < 12)
			n->whole = n->whole * 10 + (uint64_t)(*s - '0');
		else
			n->overflow = true;
		n->whole_digits++;
	}
	if (*s == ',' || *s == '.') {
		n->mark = true;
		s++;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (n->frac_digits < 12)
				n->frac = n->frac * 10 + (uint64_t)(*s - '0');
			else
				n->overflow = true;
			n->frac_digits++;
		}
	}
	*p = s;
	return n->whole_digits + n->frac_digits > 0;
}

/* The suffix after a number: none, the unit, its thousandth, or another word. */
enum suffix { SUFFIX_NONE, SUFFIX_UNIT, SUFFIX_SUB, SUFFIX_OTHER };

static enum suffix read_suffix(const char *s, enum kp_measure m)
{
	while (is_space(*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		n--;
	if (n == 0)
		return SUFFIX_NONE;
	if (in_list(row(m)->names, s, n))
		return SUFFIX_UNIT;
	if (in_list(row(m)->sub_names, s, n))
		return SUFFIX_SUB;
	/* a piece product given grams or kilograms: any measure's words */
	for (int k = KP_MEASURE_KG; k < KP_MEASURE_COUNT; k++)
		if (in_list(units[k].names, s, n) || in_list(units[k].sub_names, s, n))
			return m == KP_MEASURE_PIECE ? SUFFIX_SUB : SUFFIX_OTHER;
	return SUFFIX_OTHER;
}

static uint64_t pow10u(int n)
{
	uint64_t v = 1;
	while (n-- > 0)
		v *= 10;
	return v;
}

enum kp_qty_status kp_qty_parse(const char *text, enum kp_measure m, int64_t *out)
{
	struct number n;
	const char *p = text;

	if (!text)
		return KP_QTY_SYNTAX;
	while (is_space(*p))
		p++;
	if (!read_number(&p, &n))
		return KP_QTY_SYNTAX;
	enum suffix suf = read_suffix(p, m);
	if (suf == SUFFIX_OTHER)
		return KP_QTY_SYNTAX;

	if (m == KP_MEASURE_PIECE || (unsigned)m >= KP_MEASURE_COUNT) {
		if (suf == SUFFIX_SUB || (n.frac_digits > 0 && n.frac != 0))
			return KP_QTY_FRACTION;
		if (n.whole_digits == 0) /* ",0" */
			return KP_QTY_PIECES;
		if (n.overflow || n.whole < 1 || n.whole > KP_PIECES_MAX)
			return KP_QTY_PIECES;
		*out = (int64_t)n.whole;
		return KP_QTY_OK;
	}

	uint64_t v;
	if (suf == SUFFIX_SUB) {
		/* thousandths are whole: "350 г", not "350,5 г" */
		if (n.mark && n.frac != 0)
			return KP_QTY_SYNTAX;
		if (n.whole_digits == 0)
			return KP_QTY_SYNTAX;
		if (n.overflow || n.whole > KP_MEASURE_MAX)
			return KP_QTY_TOO_MUCH;
		v = n.whole;
	} else {
		if (n.frac_digits > 3)
			return KP_QTY_SYNTAX; /* finer than a thousandth */
		if (n.overflow || n.whole > KP_MEASURE_MAX / KP_MEASURE_SCALE)
			return KP_QTY_TOO_MUCH;
		v = n.whole * KP_MEASURE_SCALE + n.frac * pow10u(3 - n.frac_digits);
		if (v > KP_MEASURE_MAX)
			return KP_QTY_TOO_MUCH;
	}
	if (v == 0)
		return KP_QTY_ZERO;
	*out = (int64_t)v;
	return KP_QTY_OK;
}

/* Per status, the sentence for a piece product, then for kg, l and m. */
static const char *const qty_messages[][KP_MEASURE_COUNT] = {
	[KP_QTY_OK] = {N_("Done"), N_("Done"), N_("Done"), N_("Done")},
	[KP_QTY_SYNTAX] = {
		N_("Type a whole number of pieces, like 3"),
		N_("Type the weight in kg (0,350) or in grams (350 g)"),
		N_("Type the volume in litres (1,5) or in millilitres (500 ml)"),
		N_("Type the length in metres (2,5) or in millimetres (750 mm)"),
	},
	[KP_QTY_FRACTION] = {
		N_("This product is sold by the piece: type a whole number from 1 to 9999"),
		N_("This product is sold by the piece: type a whole number from 1 to 9999"),
		N_("This product is sold by the piece: type a whole number from 1 to 9999"),
		N_("This product is sold by the piece: type a whole number from 1 to 9999"),
	},
	[KP_QTY_PIECES] = {
		N_("The quantity must be a whole number from 1 to 9999"),
		N_("The quantity must be a whole number from 1 to 9999"),
		N_("The quantity must be a whole number from 1 to 9999"),
		N_("The quantity must be a whole number from 1 to 9999"),
	},
	[KP_QTY_ZERO] = {
		N_("The quantity must be a whole number from 1 to 9999"),
		N_("A weight of 0 cannot be sold: type the weight, like 0,350"),
		N_("A volume of 0 cannot be sold: type the volume, like 1,5"),
		N_("A length of 0 cannot be sold: type the length, like 2,5"),
	},
	[KP_QTY_TOO_MUCH] = {
		N_("The quantity must be a whole number from 1 to 9999"),
		N_("The weight must be at most 100 kg on one line"),
		N_("The volume must be at most 100 l on one line"),
		N_("The length must be at most 100 m on one line"),
	},
};

_Static_assert(KP_PIECES_MAX == 9999, "update the quantity messages");
_Static_assert(KP_MEASURE_MAX == 100 * KP_MEASURE_SCALE, "update the at-most-100 messages");

const char *kp_qty_status_message(enum kp_qty_status st, enum kp_measure m)
{
	if ((unsigned)st >= sizeof qty_messages / sizeof qty_messages[0])
		return N_("Type a quantity");
	return qty_messages[st][(unsigned)m < KP_MEASURE_COUNT ? m : KP_MEASURE_PIECE];
}

/* ---- items of the input line ---------------------------------------------- */

/* Copies [s, s + n) trimmed of spaces into dst of size; false when too long. */
static bool copy_trimmed(char *dst, size_t size, const char *s, size_t n)
{
	while (n > 0 && is_space(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_space(s[n - 1]))
		n--;
	if (n >= size)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

enum kp_item_status kp_item_split(const char *text, struct kp_item_text *out)
{
	memset(out, 0, sizeof *out);
	if (!text)
		return KP_ITEM_EMPTY;
	const char *star = strchr(text, '*');
	if (!star) {
		if (!copy_trimmed(out->code, sizeof out->code, text, strlen(text)))
			return KP_ITEM_TOO_LONG;
		return out->code[0] ? KP_ITEM_OK : KP_ITEM_EMPTY;
	}
	if (strchr(star + 1, '*'))
		return KP_ITEM_TWO_STARS;
	out->has_qty = true;
	if (!copy_trimmed(out->qty, sizeof out->qty, text, (size_t)(star - text)) ||
	    !copy_trimmed(out->code, sizeof out->code, star + 1, strlen(star + 1)))
		return KP_ITEM_TOO_LONG;
	if (!out->qty[0])
		return KP_ITEM_NO_QTY;
	return KP_ITEM_OK;
}
