/* decimal.c — exact decimal reading and writing (decimal.h). */
#include "sandbox/kassa/decimal.h"

#include <stdbool.h>
#include <stdio.h>

#define EXP_MAX 400  /* beyond it an exponent decides by itself */

static const int64_t pow10_table[] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
	INT64_C(10000000000), INT64_C(100000000000), INT64_C(1000000000000),
	INT64_C(10000000000000), INT64_C(100000000000000), INT64_C(1000000000000000),
	INT64_C(10000000000000000), INT64_C(100000000000000000), INT64_C(1000000000000000000),
};
#define POW10_MAX 18

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

enum dec_status dec_parse(const char *text, int decimals, int64_t *out)
{
	const char *p = text;
	bool negative = false;

	if (!p || decimals < 0 || decimals > 6)
		return DEC_SYNTAX;
	if (*p == '-') {
		negative = true;
		p++;
	}
	/* the integer part: "0" or a digit 1-9 and more (JSON: no leading zero) */
	const char *int_start = p;
	while (is_digit(*p))
		p++;
	size_t int_len = (size_t)(p - int_start);
	if (int_len == 0 || (int_len > 1 && *int_start == '0'))
		return DEC_SYNTAX;
	const char *frac_start = p, *frac_end = p;
	if (*p == '.') {
		frac_start = ++p;
		while (is_digit(*p))
			p++;
		frac_end = p;
		if (frac_end == frac_start)
			return DEC_SYNTAX;
	}
	long exponent = 0;
	if (*p == 'e' || *p == 'E') {
		bool exp_negative = false;
		p++;
		if (*p == '+' || *p == '-')
			exp_negative = *p++ == '-';
		if (!is_digit(*p))
			return DEC_SYNTAX;
		while (is_digit(*p)) {
			if (exponent < EXP_MAX * 10)
				exponent = exponent * 10 + (*p - '0');
			p++;
		}
		if (exp_negative)
			exponent = -exponent;
	}
	if (*p)
		return DEC_SYNTAX;

	/* the fraction's trailing zeros change nothing */
	while (frac_end > frac_start && frac_end[-1] == '0')
		frac_end--;
	/* digits = int part then fraction; value = digits × 10^(exponent - fraction length) */
	uint64_t digits = 0;
	bool any = false;   /* a nonzero digit seen */
	bool big = false;   /* digits left uint64_t */
	for (const char *q = int_start; q < frac_end; q++) {
		if (q == int_start + int_len) {
			q = frac_start;
			if (q >= frac_end)
				break;
		}
		unsigned d = (unsigned)(*q - '0');
		if (d)
			any = true;
		if (digits > (UINT64_MAX - d) / 10)
			big = true;
		else
			digits = digits * 10 + d;
	}
	if (!any) {
		*out = 0;
		return DEC_OK;
	}
	long frac_len = (long)(frac_end > frac_start ? frac_end - frac_start : 0);
	long shift = exponent - frac_len + decimals;  /* scaled = digits × 10^shift */
	if (big)
		return shift < 0 ? DEC_PRECISION : DEC_RANGE;
	if (shift < 0) {
		/* the digits dropped must be zeros: the integer part's trailing ones */
		if (-shift > POW10_MAX)
			return DEC_PRECISION;
		int64_t div = pow10_table[-shift];
		if (digits % (uint64_t)div != 0)
			return DEC_PRECISION;
		digits /= (uint64_t)div;
	} else if (shift > 0) {
		if (shift > POW10_MAX || digits > (uint64_t)INT64_MAX / (uint64_t)pow10_table[shift])
			return DEC_RANGE;
		digits *= (uint64_t)pow10_table[shift];
	}
	if (digits > (uint64_t)INT64_MAX)
		return DEC_RANGE;
	*out = negative ? -(int64_t)digits : (int64_t)digits;
	return DEC_OK;
}

/* The magnitude of v, safe for INT64_MIN. */
static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

int dec_format_fixed(char *buf, size_t size, int64_t value, int decimals)
{
	if (decimals <= 0 || decimals > POW10_MAX)
		return snprintf(buf, size, "%lld", (long long)value);
	uint64_t m = magnitude(value), unit = (uint64_t)pow10_table[decimals];
	return snprintf(buf, size, "%s%llu.%0*llu", value < 0 ? "-" : "", (unsigned long long)(m / unit),
	                decimals, (unsigned long long)(m % unit));
}

int dec_format(char *buf, size_t size, int64_t value, int decimals)
{
	if (decimals <= 0 || decimals > POW10_MAX)
		return snprintf(buf, size, "%lld", (long long)value);
	uint64_t m = magnitude(value), unit = (uint64_t)pow10_table[decimals];
	uint64_t frac = m % unit;
	if (frac == 0)
		return snprintf(buf, size, "%s%llu", value < 0 ? "-" : "", (unsigned long long)(m / unit));
	int width = decimals;
	while (frac % 10 == 0) {
		frac /= 10;
		width--;
	}
	return snprintf(buf, size, "%s%llu.%0*llu", value < 0 ? "-" : "", (unsigned long long)(m / unit),
	                width, (unsigned long long)frac);
}

int64_t dec_div_round(int64_t num, int64_t den)
{
	int64_t q = num / den, r = num % den;
	return r >= den - r ? q + 1 : q;  /* r ≥ den/2, without computing 2r */
}

bool dec_line_cost(int64_t count_milli, int64_t price_tiyn, int64_t *cost)
{
	int64_t product;
	if (count_milli < 0 || price_tiyn < 0 || __builtin_mul_overflow(count_milli, price_tiyn, &product))
		return false;
	*cost = dec_div_round(product, 1000);
	return true;
}
