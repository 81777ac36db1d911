/* tender.h — how a sale's total is paid: up to four parts (cash, card,
 * Kaspi QR, Kaspi phone), each an amount or "the rest"; the change; the
 * quick cash amounts offered on the tender screen. Pure arithmetic in
 * tiyn, no I/O: the tender screen, the headless `sale` command and the
 * sale flow (app/sale.c) take their rules from here.
 *
 * The rules (issue "Every tender"):
 *   - 1 … TENDER_PARTS_MAX parts; each is typed (> 0) or "the rest";
 *   - parts are taken in order; a part may not exceed what is left,
 *     except cash: the last part may be cash above the rest (its
 *     surplus is the change), and then nothing may follow it;
 *   - the parts must cover the total exactly once the change is given. */
#ifndef KP_CORE_TENDER_H
#define KP_CORE_TENDER_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TENDER_PARTS_MAX 4
#define TENDER_REST 0                /* an amount of 0 in a request: whatever is left */
#define TENDER_QUICK_MAX 6           /* exact sum and up to five banknote amounts */
#define TENDER_CASH_MAX (100 * 1000000LL * 100) /* 100 000 000 ₸ handed over: a typo above */

enum tender_kind {
	TENDER_QR,
	TENDER_PHONE,
	TENDER_CASH,
	TENDER_CARD,
	TENDER_KIND_COUNT
};

enum tender_status {
	TENDER_OK = 0,
	TENDER_ERR_NONE,       /* no part given */
	TENDER_ERR_TOO_MANY,   /* a fifth part */
	TENDER_ERR_KIND,       /* not one of the four kinds */
	TENDER_ERR_NEGATIVE,   /* a part below zero */
	TENDER_ERR_OVER,       /* a part above what is left (cash only as the last part) */
	TENDER_ERR_AFTER_ALL,  /* a part after the total was covered */
	TENDER_ERR_SHORT,      /* the parts do not reach the total */
	TENDER_ERR_TOTAL,      /* the total is not a payable amount */
	TENDER_ERR_CASH_LIMIT, /* cash handed over beyond TENDER_CASH_MAX */
};

/* An English sentence for the cashier (the caller translates it with
 * gettext); never NULL. */
const char *tender_status_message(enum tender_status s);

/* Whether kind goes to Kaspi (qr, phone). */
bool tender_is_kaspi(enum tender_kind kind);

/* A part as the cashier asked for it. */
struct tender_req {
	enum tender_kind kind;
	int64_t amount;              /* tiyn > 0, or TENDER_REST */
};

/* A part as it pays: what it takes off the sale, and for cash what was
 * handed over and what goes back. */
struct tender_part {
	enum tender_kind kind;
	int64_t amount;              /* tiyn of the total this part pays (> 0) */
	int64_t given;               /* cash: handed over; else = amount */
	int64_t change;              /* cash: given − amount; else 0 */
};

/* Resolves n requests against total (tiyn > 0) into out[0 … n): the
 * rest parts get what is left when they come; TENDER_OK only when the
 * parts cover the total by the rules above. On an error out is
 * unspecified and *bad (may be NULL) names the part at fault (0-based;
 * n for a plan that falls short). */
enum tender_status tender_resolve(int64_t total, const struct tender_req *req, size_t n,
                                  struct tender_part *out, size_t *bad) KP_MUST_CHECK;

/* What is left of total after the parts already paid (amounts sum),
 * never below 0. */
int64_t tender_rest(int64_t total, const struct tender_part *paid, size_t n);

/* The amounts a cashier may take in one key for a rest due (tiyn > 0):
 * the exact sum first, then for each banknote of 1 000, 2 000, 5 000,
 * 10 000 and 20 000 ₸ the smallest multiple of it above due, in rising
 * order without repeats. Returns how many (≤ TENDER_QUICK_MAX). */
size_t tender_quick_cash(int64_t due, int64_t out[TENDER_QUICK_MAX]);

#endif
