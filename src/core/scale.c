/* scale.c — reading scale labels against a shop's rules (scale.h). */
#include "core/scale.h"

#include <stdio.h>
#include <string.h>

#include "core/ean.h"

bool kp_scale_rules_valid(const struct kp_scale_rules *r)
{
	return r && r->plu_digits >= KP_SCALE_PLU_DIGITS_MIN &&
	       r->plu_digits <= KP_SCALE_PLU_DIGITS_MAX &&
	       (r->weight_step == 1 || r->weight_step == 10) &&
	       (r->price_step == 1 || r->price_step == 100) &&
	       (r->weight_prefixes & ~KP_SCALE_PREFIXES_ALL) == 0 &&
	       (r->price_prefixes & ~KP_SCALE_PREFIXES_ALL) == 0 &&
	       (r->weight_prefixes & r->price_prefixes) == 0;
}

/* The decimal value of n digits at s. */
static int64_t digits_value(const char *s, int n)
{
	int64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

enum kp_scale_status kp_scale_read(const struct kp_scale_rules *r, const char *code,
                                   struct kp_scale_label *out)
{
	if (!kp_scale_rules_valid(r))
		return KP_SCALE_BAD_RULES;
	if (!code || strnlen(code, EAN13_LEN + 1) != EAN13_LEN)
		return KP_SCALE_NOT_LABEL;
	for (int i = 0; i < EAN13_LEN; i++)
		if (code[i] < '0' || code[i] > '9')
			return KP_SCALE_NOT_LABEL;
	int prefix = (int)digits_value(code, 2);
	if (prefix < KP_SCALE_PREFIX_MIN || prefix > KP_SCALE_PREFIX_MAX)
		return KP_SCALE_NOT_LABEL;
	unsigned bit = 1u << (prefix - KP_SCALE_PREFIX_MIN);
	bool weight = r->weight_prefixes & bit, price = r->price_prefixes & bit;
	if (!weight && !price)
		return KP_SCALE_NOT_LABEL;
	if (ean_check_digit(code, EAN13_LEN - 1) != code[EAN13_LEN - 1] - '0')
		return KP_SCALE_BAD_CHECK;
	/* 2 prefix digits, the PLU, the value, the check digit */
	int value_digits = EAN13_LEN - 2 - r->plu_digits - 1;
	out->prefix = prefix;
	out->plu = (int32_t)digits_value(code + 2, r->plu_digits);
	out->is_price = price;
	out->value = digits_value(code + 2 + r->plu_digits, value_digits) *
	             (price ? r->price_step : r->weight_step);
	return KP_SCALE_LABEL;
}

/* Reads a prefix 20–29 at *p, moving past it. */
static bool read_prefix(const char **p, int *out)
{
	const char *s = *p;
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || (s[2] >= '0' && s[2] <= '9'))
		return false;
	int v = (s[0] - '0') * 10 + (s[1] - '0');
	if (v < KP_SCALE_PREFIX_MIN || v > KP_SCALE_PREFIX_MAX)
		return false;
	*out = v;
	*p = s + 2;
	return true;
}

bool kp_scale_prefixes_parse(const char *text, unsigned *mask)
{
	unsigned m = 0;
	const char *p = text;

	if (!text)
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strcmp(p, "none") == 0) {
		*mask = 0;
		return true;
	}
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		int lo, hi;
		if (!read_prefix(&p, &lo))
			return false;
		hi = lo;
		const char *q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '-') {
			p = q + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			if (!read_prefix(&p, &hi) || hi < lo)
				return false;
		}
		for (int v = lo; v <= hi; v++)
			m |= 1u << (v - KP_SCALE_PREFIX_MIN);
		if (*p && *p != ' ' && *p != '\t' && *p != ',')
			return false;
	}
	*mask = m;
	return true;
}

int kp_scale_prefixes_format(char *buf, size_t size, unsigned mask)
{
	size_t used = 0;
	int total = 0;
	mask &= KP_SCALE_PREFIXES_ALL;
	if (!mask)
		return snprintf(buf, size, "none");
	if (size)
		buf[0] = '\0';
	for (int v = KP_SCALE_PREFIX_MIN; v <= KP_SCALE_PREFIX_MAX; v++) {
		if (!(mask & (1u << (v - KP_SCALE_PREFIX_MIN))))
			continue;
		int n = snprintf(used < size ? buf + used : NULL, used < size ? size - used : 0, "%s%d",
		                 total ? " " : "", v);
		total += n;
		used += (size_t)n;
	}
	return total;
}
