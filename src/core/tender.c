/* tender.c — see tender.h. */
#include "core/tender.h"

#include "core/money.h"

/* N_() marks text for xgettext: the caller translates it with gettext. */
#define N_(s) (s)

static const char *const messages[] = {
	[TENDER_OK] = N_("Done"),
	[TENDER_ERR_NONE] = N_("No payment given"),
	[TENDER_ERR_TOO_MANY] = N_("A sale takes at most four payments"),
	[TENDER_ERR_KIND] = N_("Unknown way of paying"),
	[TENDER_ERR_NEGATIVE] = N_("A payment must be above zero"),
	[TENDER_ERR_OVER] = N_("This payment is more than is left to pay"),
	[TENDER_ERR_AFTER_ALL] = N_("The sale is already paid in full: nothing may follow"),
	[TENDER_ERR_SHORT] = N_("The payments do not cover the total"),
	[TENDER_ERR_TOTAL] = N_("The total cannot be paid"),
	[TENDER_ERR_CASH_LIMIT] = N_("That much cash cannot be right: type the amount again"),
};

const char *tender_status_message(enum tender_status s)
{
	if ((int)s < 0 || (size_t)s >= sizeof messages / sizeof *messages || !messages[s])
		return N_("Unknown error");
	return messages[s];
}

bool tender_is_kaspi(enum tender_kind kind)
{
	return kind == TENDER_QR || kind == TENDER_PHONE;
}

static enum tender_status fail(size_t *bad, size_t i, enum tender_status s)
{
	if (bad)
		*bad = i;
	return s;
}

enum tender_status tender_resolve(int64_t total, const struct tender_req *req, size_t n,
                                  struct tender_part *out, size_t *bad)
{
	if (total < KP_AMOUNT_MIN || total > KP_AMOUNT_MAX)
		return fail(bad, 0, TENDER_ERR_TOTAL);
	if (n == 0 || !req)
		return fail(bad, 0, TENDER_ERR_NONE);
	if (n > TENDER_PARTS_MAX)
		return fail(bad, TENDER_PARTS_MAX, TENDER_ERR_TOO_MANY);

	int64_t left = total;
	for (size_t i = 0; i < n; i++) {
		const struct tender_req *r = &req[i];
		struct tender_part *p = &out[i];
		if ((int)r->kind < 0 || r->kind >= TENDER_KIND_COUNT)
			return fail(bad, i, TENDER_ERR_KIND);
		if (r->amount < 0)
			return fail(bad, i, TENDER_ERR_NEGATIVE);
		if (left == 0)
			return fail(bad, i, TENDER_ERR_AFTER_ALL);
		int64_t asked = r->amount == TENDER_REST ? left : r->amount;
		p->kind = r->kind;
		p->change = 0;
		if (asked > left) {
			if (r->kind != TENDER_CASH || i + 1 != n)
				return fail(bad, i, TENDER_ERR_OVER);
			if (asked > TENDER_CASH_MAX)
				return fail(bad, i, TENDER_ERR_CASH_LIMIT);
			p->amount = left;
			p->given = asked;
			p->change = asked - left;
		} else {
			p->amount = asked;
			p->given = asked;
		}
		left -= p->amount;
	}
	return left == 0 ? TENDER_OK : fail(bad, n, TENDER_ERR_SHORT);
}

int64_t tender_rest(int64_t total, const struct tender_part *paid, size_t n)
{
	int64_t left = total;
	for (size_t i = 0; i < n && left > 0; i++)
		left -= paid[i].amount < left ? paid[i].amount : left;
	return left > 0 ? left : 0;
}

size_t tender_quick_cash(int64_t due, int64_t out[TENDER_QUICK_MAX])
{
	static const int64_t notes[] = {100000, 200000, 500000, 1000000, 2000000}; /* tiyn */
	size_t n = 0;
	if (due <= 0 || due > TENDER_CASH_MAX)
		return 0;
	out[n++] = due;
	for (size_t i = 0; i < sizeof notes / sizeof *notes; i++) {
		int64_t v = (due / notes[i] + 1) * notes[i]; /* the smallest multiple above due */
		bool seen = false;
		for (size_t k = 0; k < n; k++)
			seen |= out[k] == v;
		if (seen)
			continue;
		size_t at = n++; /* insert in rising order */
		while (at > 1 && out[at - 1] > v) {
			out[at] = out[at - 1];
			at--;
		}
		out[at] = v;
	}
	return n;
}
