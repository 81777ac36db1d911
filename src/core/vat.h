/* vat.h — VAT included in prices (Kazakhstan: the price on the shelf is
 * the price paid). Exact integer arithmetic in tiyn. Pure C, no I/O.
 *
 * The rule: the VAT of a rate group is
 *     round half up (gross × rate / (100 + rate))
 * computed once on the group's total gross, never per line and summed,
 * since per-line rounding drifts from the group's true VAT by up to half a
 * tiyn per line. Negative gross (refunds) is symmetric: the VAT of −g is
 * minus the VAT of g, so a full refund takes back exactly the sale's VAT. */
#ifndef KP_CORE_VAT_H
#define KP_CORE_VAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VAT_RATE_MAX 100                 /* the contract's tax_rate: integer percent 0–100 */
#define VAT_GROUPS_MAX (VAT_RATE_MAX + 1) /* one group per possible rate */

enum vat_status {
	VAT_OK = 0,
	VAT_BAD_RATE,  /* rate outside 0–100 */
	VAT_OVERFLOW,  /* a group's gross would leave int64_t */
};

/* The VAT contained in gross (tiyn, VAT included) at rate percent, rounded
 * half up (half away from zero for negative gross). Exact for every int64_t
 * gross: no intermediate product can overflow. Returns false, leaving *vat
 * alone, when rate is outside 0–100. */
bool vat_included(int64_t gross, int rate, int64_t *vat);

/* One rate group: the gross of everything sold at that rate, and its VAT. */
struct vat_group {
	int rate;      /* percent */
	int64_t gross; /* tiyn, VAT included */
	int64_t vat;   /* tiyn, of gross, by the rule above */
};

/* Gross and VAT per rate, groups sorted by ascending rate, no two with the
 * same rate. Fixed size: there are only 101 possible rates. */
struct vat_table {
	size_t count;                           /* groups used */
	struct vat_group group[VAT_GROUPS_MAX];
};

/* Empties the table. */
void vat_table_init(struct vat_table *t);

/* Adds gross (may be negative, e.g. a refund) to the group of rate,
 * creating it in sorted place, and recomputes that group's VAT. On an error
 * the table is unchanged. */
enum vat_status vat_table_add(struct vat_table *t, int rate, int64_t gross);

/* Sum of the groups' gross and of their VAT (each group rounded on its own,
 * so the total VAT is not the VAT of the total). False on overflow. */
bool vat_table_sum(const struct vat_table *t, int64_t *gross, int64_t *vat);

#endif
