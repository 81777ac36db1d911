/* money.c — tenge text ⇄ int64_t tiyn. Nothing else in the program does
 * arithmetic on text or floats for money. */
#include "core/money.h"

#include <stdio.h>
#include <string.h>

#define NNBSP "\xe2\x80\xaf" /* U+202F narrow no-break space */
#define NBSP "\xc2\xa0"      /* U+00A0 no-break space */
#define MINUS "\xe2\x88\x92" /* U+2212 minus sign */
#define TENGE "\xe2\x82\xb8" /* U+20B8 tenge sign */

/* Length of a group separator at p (ASCII space, NBSP, NNBSP, '\''), or 0. */
static size_t separator_len(const char *p)
{
	if (*p == ' ' || *p == '\'')
		return 1;
	if (strncmp(p, NBSP, 2) == 0)
		return 2;
	if (strncmp(p, NNBSP, 3) == 0)
		return 3;
	return 0;
}

static const char *skip_spaces(const char *p)
{
	for (;;) {
		if (*p == ' ' || *p == '\t')
			p++;
		else if (strncmp(p, NBSP, 2) == 0)
			p += 2;
		else if (strncmp(p, NNBSP, 3) == 0)
			p += 3;
		else
			return p;
	}
}

bool money_parse_tenge(const char *text, int64_t *tiyn)
{
	static const char *const suffixes[] = {TENGE, "\xd1\x82\xd0\xb3" /* тг */, "KZT", "kzt"};
	const char *p;
	bool negative = false, any = false;
	uint64_t whole = 0, frac = 0;
	int frac_digits = 0;

	if (!text)
		return false;
	p = skip_spaces(text);
	if (*p == '-') {
		negative = true;
		p++;
	} else if (strncmp(p, MINUS, 3) == 0) {
		negative = true;
		p += 3;
	}
	/* whole tenge, with optional group separators between digits */
	while (*p) {
		if (*p >= '0' && *p <= '9') {
			whole = whole * 10 + (uint64_t)(*p - '0');
			if (whole > (uint64_t)INT64_MAX / 100)
				return false;
			any = true;
			p++;
			continue;
		}
		size_t sep = separator_len(p);
		if (sep && any && p[sep] >= '0' && p[sep] <= '9') {
			p += sep;
			continue;
		}
		break;
	}
	if (!any)
		return false;
	if (*p == '.' || *p == ',') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (++frac_digits > 2)
				return false;
			frac = frac * 10 + (uint64_t)(*p - '0');
			p++;
		}
		if (frac_digits == 1)
			frac *= 10;
	}
	p = skip_spaces(p);
	for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
		size_t n = strlen(suffixes[i]);
		if (strncmp(p, suffixes[i], n) == 0) {
			p = skip_spaces(p + n);
			break;
		}
	}
	if (*p != '\0')
		return false;
	int64_t v = (int64_t)(whole * 100 + frac);
	*tiyn = negative ? -v : v;
	return true;
}

/* Writes |tiyn| as groups of three digits joined by sep, then decimal_mark
 * and two tiyn digits. */
static int format_abs(char *buf, size_t size, uint64_t v, const char *sep, char decimal_mark)
{
	char digits[24];
	char out[64];
	size_t o = 0;
	int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)(v / 100));
	size_t seplen = strlen(sep);

	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			memcpy(out + o, sep, seplen);
			o += seplen;
		}
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return snprintf(buf, size, "%s%c%02u", out, decimal_mark, (unsigned)(v % 100));
}

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

int money_format(char *buf, size_t size, int64_t tiyn)
{
	char num[80];
	format_abs(num, sizeof num, magnitude(tiyn), NNBSP, ',');
	return snprintf(buf, size, "%s%s " TENGE, tiyn < 0 ? MINUS : "", num);
}

int money_format_plain(char *buf, size_t size, int64_t tiyn)
{
	char num[80];
	format_abs(num, sizeof num, magnitude(tiyn), " ", ',');
	return snprintf(buf, size, "%s%s", tiyn < 0 ? "-" : "", num);
}

int money_format_decimal(char *buf, size_t size, int64_t tiyn)
{
	uint64_t v = magnitude(tiyn);
	return snprintf(buf, size, "%s%llu.%02u", tiyn < 0 ? "-" : "", (unsigned long long)(v / 100),
	                (unsigned)(v % 100));
}
