/* cash.h — the cash in the drawer (DESIGN.md, "Sales, tenders and
 * receipts": "Cash"). Each shift's movements of cash that are not a sale:
 * the opening float, its changes, cash in and cash out, each with who
 * made it, who approved it, when and the amount, in an append-only table
 * (cash_moves, schema step "cash" in db.c: triggers refuse a change or a
 * deletion, and any row into a closed shift). And the one computation of
 * what the drawer should hold (cash_figures), which the X, Z and day
 * reports show and the Z compares with the cash the manager counted.
 *
 * The rules (cash_check; the schema holds the same as CHECKs and
 * triggers, so no other writer gets round them):
 *   float  the float from now on, 0 … CASH_AMOUNT_MAX tiyn: the shift's
 *          first is its opening float; zero needs nobody, an amount is a
 *          manager's (approved_by), and so is every later change;
 *   in     cash put in, 1 … CASH_AMOUNT_MAX, with a reason; anybody;
 *   out    cash taken out, 1 … CASH_AMOUNT_MAX, with a reason, approved
 *          by a manager, and never more than the drawer should hold.
 * A reason is 1–255 characters of UTF-8 on one line (a float's may be
 * empty). A float is kept as its new amount, not as a difference: the
 * manager types what is in the drawer, and the shift's float is its last
 * float row.
 *
 * Threads: like every store module, on the connection's thread. */
#ifndef KP_STORE_CASH_H
#define KP_STORE_CASH_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/db.h"

#define CASH_AMOUNT_MAX INT64_C(10000000000) /* 100 000 000 ₸: a typo above (core/tender.h's) */
#define CASH_REASON_CHARS 255
#define CASH_REASON_SIZE (CASH_REASON_CHARS * 4 + 1) /* bytes: 255 characters of UTF-8, NUL */

enum cash_kind {
	CASH_FLOAT,               /* "float": the float from now on */
	CASH_IN,                  /* "in": cash put into the drawer */
	CASH_OUT,                 /* "out": cash taken out of it */
	CASH_KIND_COUNT
};

/* "float", "in", "out" (the database's, CSV's and JSON's); "?" out of range. */
const char *cash_kind_name(enum cash_kind k);

/* The kind called name. */
bool cash_kind_parse(const char *name, enum cash_kind *out) KP_MUST_CHECK;

/* A movement to write. */
struct cash_new {
	enum cash_kind kind;
	int64_t amount;           /* tiyn: in, out > 0; float ≥ 0 */
	const char *reason;       /* NULL: "" (a float's only) */
	int64_t user_id;          /* who; 0: a headless command */
	int64_t approved_by;      /* the manager who approved; 0: none */
};

/* One movement as written. */
struct cash_move {
	int64_t id;
	int64_t shift_id;
	enum cash_kind kind;
	int64_t amount;
	char reason[CASH_REASON_SIZE];
	int64_t user_id;          /* 0: a headless command */
	int64_t approved_by;      /* 0: none */
	time_t at;
};

/* A count and its sum, tiyn. */
struct cash_sum {
	int64_t count;
	int64_t amount;
};

/* What the drawer should hold, and what makes it up. For a shift (X, Z)
 * its own rows; for a day (the day report) the floats of the shifts
 * whose float was first set that Almaty day, the sales made that day and
 * the movements made that day. */
struct cash_figures {
	bool float_set;           /* a float was set (0 counts: it was asked) */
	int64_t float_amount;     /* the float: the shift's last float row; 0 when none */
	struct cash_sum sales;    /* sales with a cash tender and what their cash paid: the
	                             cash tenders' amount, given − change */
	struct cash_sum in;       /* cash in */
	struct cash_sum out;      /* cash out */
	struct cash_sum refunds;  /* refunds given back in cash: none yet (cash.c) */
	int64_t expected;         /* float + sales + in − out − refunds */
};

/* Whether the figures hold any cash: a float above zero, a cash sale,
 * cash in or out, a cash refund. A Z report of such a shift needs the
 * counted cash (reports.h). */
bool cash_figures_any(const struct cash_figures *c);

/* The drawer of shift_id (open or closed). */
store_status cash_figures_shift(store_db *db, int64_t shift_id, struct cash_figures *out,
                                store_err *err) KP_MUST_CHECK;

/* The drawers of Almaty date yyyymmdd (20261126), every shift together. */
store_status cash_figures_day(store_db *db, int yyyymmdd, struct cash_figures *out,
                              store_err *err) KP_MUST_CHECK;

/* The figures of shift_id (> 0) or else of day yyyymmdd with the cash
 * sales given, as the reports sum them already (sales[REPORT_CASH]: the
 * same sales, the same sum), so that a report reads the split sales once.
 * The formula is the same one. */
store_status cash_figures_with_sales(store_db *db, int64_t shift_id, int yyyymmdd,
                                     const struct cash_sum *sales, struct cash_figures *out,
                                     store_err *err) KP_MUST_CHECK;

/* Which rule refused a movement. */
enum cash_rule {
	CASH_RULE_OK = 0,
	CASH_RULE_KIND,           /* not float, in or out */
	CASH_RULE_AMOUNT,         /* out of range: in, out 1 … CASH_AMOUNT_MAX; float 0 … */
	CASH_RULE_REASON,         /* in, out without a reason; a reason too long or of
	                             several lines */
	CASH_RULE_SHIFT,          /* shift_id is not the open shift */
	CASH_RULE_DRAWER,         /* out: more than the drawer should hold */
	CASH_RULE_MANAGER,        /* cash_record: the approval is missing or no manager's */
};

/* Checks m against the rules above for the open shift shift_id without
 * writing: STORE_OK, or STORE_ERR_INPUT with the reason in err and the
 * rule in *rule (may be NULL; CASH_RULE_OK unless refused). The approval
 * is not checked: *needs_manager (may be NULL) says whether the movement
 * needs one (cash out, a float above zero, a change of the float), so
 * that a caller asks for a PIN only when the rest is right. shift_id 0
 * checks m for the shift that is about to open for it (no float yet, an
 * empty drawer): a headless command asks before it opens one. */
store_status cash_check(store_db *db, int64_t shift_id, const struct cash_new *m,
                        bool *needs_manager, enum cash_rule *rule, store_err *err) KP_MUST_CHECK;

/* Writes m into the open shift shift_id, checked again in its transaction
 * (cash_check, and approved_by a manager where one is needed, or wherever
 * it is given), with an event in the log (cash_float, cash_in, cash_out).
 * *id (may be NULL) gets its row; *rule (may be NULL) as cash_check's.
 * On a refusal nothing is written. */
store_status cash_record(store_db *db, int64_t shift_id, const struct cash_new *m, int64_t *id,
                         enum cash_rule *rule, store_err *err) KP_MUST_CHECK;

/* Shift shift_id's movements, oldest first, in a malloc'd array (NULL
 * when none) the caller frees. */
store_status cash_moves(store_db *db, int64_t shift_id, struct cash_move **out, size_t *count,
                        store_err *err) KP_MUST_CHECK;

#endif
