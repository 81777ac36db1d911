/* ean.c — GS1 check digits for EAN-13 and EAN-8.
 *
 * Counting from the right of the payload (the digits before the check
 * digit), digits are weighted 3, 1, 3, 1, ...; the check digit is what
 * brings the weighted sum up to a multiple of 10. Weighting from the right
 * makes one rule serve both lengths: in an EAN-13 the payload's first digit
 * has weight 1, in an EAN-8 weight 3. */
#include "core/ean.h"

#include <string.h>

int ean_check_digit(const char *payload, size_t len)
{
	int sum = 0;

	if (!payload || (len != EAN13_LEN - 1 && len != EAN8_LEN - 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = payload[len - 1 - i]; /* i = 0 is the rightmost digit */
		if (c < '0' || c > '9')
			return -1;
		sum += (c - '0') * (i % 2 == 0 ? 3 : 1);
	}
	return (10 - sum % 10) % 10;
}

bool ean_valid(const char *code)
{
	if (!code)
		return false;
	size_t n = strnlen(code, EAN13_LEN + 1);
	if (n != EAN13_LEN && n != EAN8_LEN)
		return false;
	char last = code[n - 1];
	if (last < '0' || last > '9')
		return false;
	return ean_check_digit(code, n - 1) == last - '0';
}
