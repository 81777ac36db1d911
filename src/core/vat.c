/* vat.c — VAT included in prices, per rate group, in exact integers. */
#include "core/vat.h"

#include <string.h>

/* round half up of g × r / d for 0 ≤ r ≤ 100, d = 100 + r, g any
 * magnitude up to 2^63 (so that INT64_MIN has one too).
 * Split g = q × d + m with 0 ≤ m < d: then g × r / d = q × r + m × r / d,
 * where q × r < g cannot overflow and m × r < 200 × 100 is small, so the
 * only rounding happens on the small remainder term. The result is at most
 * g / 2 (rate 100), which fits in int64_t. */
static int64_t vat_of_magnitude(uint64_t g, int rate)
{
	uint64_t r = (uint64_t)rate, d = 100 + r;
	uint64_t q = g / d, m = g % d;
	return (int64_t)(q * r + (2 * m * r + d) / (2 * d));
}

bool vat_included(int64_t gross, int rate, int64_t *vat)
{
	if (rate < 0 || rate > VAT_RATE_MAX)
		return false;
	if (gross >= 0)
		*vat = vat_of_magnitude((uint64_t)gross, rate);
	else if (gross == INT64_MIN) /* |INT64_MIN| = 2^63 has no int64_t */
		*vat = -vat_of_magnitude((uint64_t)INT64_MAX + 1, rate);
	else
		*vat = -vat_of_magnitude((uint64_t)-gross, rate);
	return true;
}

void vat_table_init(struct vat_table *t)
{
	memset(t, 0, sizeof *t);
}

enum vat_status vat_table_add(struct vat_table *t, int rate, int64_t gross)
{
	size_t i;
	int64_t sum, vat;

	if (rate < 0 || rate > VAT_RATE_MAX)
		return VAT_BAD_RATE;
	for (i = 0; i < t->count && t->group[i].rate < rate; i++)
		;
	bool found = i < t->count && t->group[i].rate == rate;
	if (__builtin_add_overflow(found ? t->group[i].gross : 0, gross, &sum))
		return VAT_OVERFLOW;
	vat_included(sum, rate, &vat);
	if (!found) {
		/* count < VAT_GROUPS_MAX: rates are distinct and 0–100 */
		memmove(&t->group[i + 1], &t->group[i], (t->count - i) * sizeof t->group[0]);
		t->count++;
		t->group[i].rate = rate;
	}
	t->group[i].gross = sum;
	t->group[i].vat = vat;
	return VAT_OK;
}

bool vat_table_sum(const struct vat_table *t, int64_t *gross, int64_t *vat)
{
	int64_t g = 0, v = 0;

	for (size_t i = 0; i < t->count; i++)
		if (__builtin_add_overflow(g, t->group[i].gross, &g) ||
		    __builtin_add_overflow(v, t->group[i].vat, &v))
			return false;
	*gross = g;
	*vat = v;
	return true;
}
