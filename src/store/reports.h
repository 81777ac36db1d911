/* reports.h — the till's reports: X (the open shift so far), Z (closes
 * the open shift; numbered, stored, reprintable, never changed) and the
 * day report (one Almaty calendar day over every shift), and the journal
 * listing behind `kaspi-pos journal`. One computation fills a struct
 * report; the writers that turn it into text (32, 42 or 48 columns), CSV
 * or JSON are app/report_fmt.h's (DESIGN.md, "Reports"): the store sums,
 * the app writes.
 *
 * What counts (money is int64_t tiyn, percentages hundredths):
 *   sales     orders in the sale states (journal_state_is_sale:
 *             succeeded, late_paid, partially_refunded and refunded), at
 *             their full amount, per payment method;
 *   refunds   refunds in state refunded, by their created time within
 *             the period, per tender they went back to (refunds.h,
 *             "Tenders": a cash refund of a Kaspi or split sale counts
 *             under cash), returns without a receipt among the cash ones
 *             and as a line of their own;
 *   net       sales − refunds, in all and per tender (its sales less the
 *             refunds that went back to it: a cash refund of a Kaspi sale
 *             lowers the cash net, not Kaspi's);
 *   VAT       per rate, from the live (not voided) lines of the sales and
 *             the parts of the refunds (refund_lines), each rate group
 *             rounded half up on its total (core/vat.h); sales journaled
 *             without lines are summed apart as "not itemised" (no rate
 *             to apply);
 *   commission per method: net of the method (its sales less the refunds
 *             that went back to it) × its percent, rounded half away from
 *             zero (an estimate: the provider's statement rules);
 *   payout    net − commission;
 *   unfinished orders (journal_state_unfinished: creating, pending,
 *             abandoned, late_paid) and refunds (refund_pending), listed
 *             as a warning; a late_paid order is a sale and a warning at
 *             once;
 *   cash      the drawer (store/cash.h's cash_figures): the float, the
 *             cash sales, cash in, cash out and the cash expected; a Z
 *             report also the cash the manager counted and the difference;
 *   counts of cancelled, failed and expired orders; voided lines (count
 *             and amount) of the sales: a basket that was declined and
 *             then paid is two orders carrying the same voided lines, and
 *             its voids count once, with the sale (the events log keeps
 *             every void as it happened); first and last order.
 * X and Z take the orders and the refunds of the shift (each belongs to
 * the shift it was made in); the day report takes the orders and the
 * refunds whose Almaty date of creation is the day.
 *
 * Speed: the per-state, per-method and per-rate sums come from small
 * running-total tables (report_orders, report_lines, report_refunds,
 * report_refund_lines) that triggers keep in the same transaction as
 * every order and line insert, state move, refund and part insert and
 * settlement (schema steps 4 and 5 in db.c). A report reads a few dozen
 * rows of them instead of a million orders (the unfinished ones it finds
 * by the state indexes: there are few); reports_verify recomputes them
 * from the journal rows to prove they agree.
 *
 * The Z snapshot is the report as text (the app gives the JSON writer,
 * report_json), stored in the z_reports table that a trigger keeps
 * unchangeable, in the transaction that closes the shift: closed and
 * stored, or neither. A reprint parses it back (report_from_json), so it
 * prints what was printed at closing.
 *
 * Threads: like every store module, on the connection's thread. */
#ifndef KP_STORE_REPORTS_H
#define KP_STORE_REPORTS_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/vat.h"
#include "store/cash.h"
#include "store/db.h"
#include "store/journal.h"

#define REPORT_TEXT_SIZE 256      /* store name, address: bytes incl. NUL (config.h's) */
#define REPORT_SHORT_SIZE 32      /* BIN, till id */
#define REPORT_NAME_SIZE 128      /* a user's name (users.h) */
#define REPORT_REF_SIZE 72        /* a merchant order or refund id, NUL included */
#define REPORT_STATE_SIZE 24      /* "partially_refunded", "refund_pending", NUL */
#define REPORT_REASON_SIZE 1024   /* a refund's reason (refunds.h's REFUNDS_REASON_SIZE) */
#define REPORT_EVENT_Z "z_report" /* the events log's kind for a Z report */

enum report_kind {
	REPORT_X,                 /* the open shift so far */
	REPORT_Z,                 /* the shift, closed by this report */
	REPORT_DAY,               /* one Almaty calendar day, every shift */
};

/* The tenders as the reports list them. A sale in one tender counts in
 * it; a split sale counts once in the totals (and in split) and once in
 * each tender it used, with that part's amount. */
enum report_method {
	REPORT_QR,
	REPORT_PHONE,
	REPORT_CARD,
	REPORT_CASH,              /* never a commission */
	REPORT_METHOD_COUNT
};

/* A count and its sum. */
struct report_sum {
	int64_t count;
	int64_t amount;           /* tiyn */
};

/* What the store cannot know: who the shop is, and the commission. The
 * CLI and the till fill it from the config. Strings may be NULL (""). */
struct report_params {
	const char *store_name;
	const char *store_bin;
	const char *store_address;
	const char *till_id;
	int commission[REPORT_METHOD_COUNT]; /* hundredths of a percent: 50 = 0.50 % */
};

/* Somebody who took orders in the period. */
struct report_cashier {
	int64_t user_id;          /* 0: a headless command (charge) */
	char name[REPORT_NAME_SIZE]; /* "" for user 0 */
};

/* An order or a refund whose outcome is still open. */
struct report_unfinished {
	bool refund;              /* a refund (refund_pending), else an order */
	bool receipt;             /* a fiscal receipt not yet registered (order_ref: its kind,
	                             "sale", "return", "cash_in", "cash_out"; ref: its sale's
	                             merchant_order_id, or "") */
	int64_t id;               /* row id of the order or the refund */
	char ref[REPORT_REF_SIZE];       /* merchant_order_id, or the refund's id */
	char order_ref[REPORT_REF_SIZE]; /* a refund's order's merchant_order_id; "" */
	char state[REPORT_STATE_SIZE];   /* "pending", "refund_pending", ... */
	int64_t amount;           /* tiyn */
	time_t created_at;
};

struct report {
	enum report_kind kind;
	char store_name[REPORT_TEXT_SIZE];
	char store_bin[REPORT_SHORT_SIZE];
	char store_address[REPORT_TEXT_SIZE];
	char till_id[REPORT_SHORT_SIZE];

	int64_t shift_id;         /* X, Z: the shift; day: the first shift with orders that day (0) */
	int64_t last_shift_id;    /* day: the last such shift; X, Z: shift_id */
	int64_t z_number;         /* Z: its number; 0 otherwise */
	char closed_by[REPORT_NAME_SIZE]; /* Z: the manager */
	int day;                  /* day: YYYYMMDD (Almaty); 0 otherwise */
	time_t from;              /* the period: shift opened / day's first second */
	time_t to;                /* X, Z: the report's time; day: the day's last second */
	time_t generated_at;      /* when computed */
	bool over_24h;            /* X, Z: the shift has been open more than 24 hours */

	struct report_cashier *cashiers; /* malloc'd, n_cashiers; by name, user 0 last */
	size_t n_cashiers;

	struct report_sum sales[REPORT_METHOD_COUNT];
	struct report_sum sales_total;
	struct report_sum sales_split;   /* of them, sales in several tenders */
	struct report_sum refunds[REPORT_METHOD_COUNT]; /* per tender they went back to */
	struct report_sum refunds_total;
	struct report_sum refunds_no_receipt; /* of the cash ones, returns without a receipt */
	int64_t net;              /* sales_total.amount − refunds_total.amount */
	int64_t net_per[REPORT_METHOD_COUNT]; /* sales[m].amount − refunds[m].amount */

	struct vat_table vat_sales;      /* live lines of the sales, per rate */
	struct vat_table vat_refunds;    /* refund lines, per rate (gross positive) */
	struct report_sum sales_unitemised; /* sales journaled without lines: no rate known */

	int commission_rate[REPORT_METHOD_COUNT]; /* hundredths of a percent */
	int64_t commission[REPORT_METHOD_COUNT];  /* tiyn, of each method's net */
	int64_t commission_total;
	int64_t payout;           /* what the providers pay out: the net of every tender but
	                             cash, less commission_total */

	int64_t cancelled, failed, expired; /* orders */
	struct report_sum voided; /* voided lines and their totals */
	time_t first_order;       /* created_at of the first and last order; 0: none */
	time_t last_order;

	struct report_unfinished *unfinished; /* malloc'd, n_unfinished, oldest first */
	size_t n_unfinished;

	bool cash_known;          /* the cash figures are there (false: a Z report stored
	                             before the till kept them) */
	struct cash_figures cash; /* the drawer: float, cash sales, in, out, expected */
	bool counted_set;         /* Z: the manager counted the cash at closing */
	int64_t counted;          /* Z: the cash counted, tiyn */
	int64_t difference;       /* Z: counted − expected: over (> 0) or short (< 0) */
};

/* "qr", "phone", "card": a method's name in the CSV and JSON; "?" out of
 * range. */
const char *report_method_name(enum report_method m);

/* "x", "z", "day"; "?" out of range. */
const char *report_kind_name(enum report_kind k);

/* Frees what a report holds (not r itself) and zeroes it. */
void report_free(struct report *r);

/* X report of the open shift at db_now(). STORE_NOT_FOUND when no shift
 * is open. */
store_status reports_x(store_db *db, const struct report_params *p, struct report *out,
                       store_err *err) KP_MUST_CHECK;

/* Day report of the Almaty date yyyymmdd (20261126). STORE_ERR_INPUT for
 * a date that does not exist. */
store_status reports_day(store_db *db, const struct report_params *p, int yyyymmdd,
                         struct report *out, store_err *err) KP_MUST_CHECK;

/* Turns the Z report r (numbered, closed_by filled) into the text stored
 * as its snapshot (JSON: the schema checks it): a malloc'd string the
 * store frees, or NULL (out of memory) to close nothing. Called inside
 * the closing transaction, as journal_body_fn: no database use. */
typedef char *(*report_snapshot_fn)(void *arg, const struct report *r);

/* Z report: in one transaction computes the open shift's report, gives
 * it the next number (1, 2, ...), stores snapshot(arg, report) as its
 * snapshot, closes the shift (closed_at, z_number: shifts_close) and logs
 * z_report for manager_id, who must be a manager (STORE_ERR_INPUT
 * otherwise). counted (NULL: not counted) is the cash the manager counted
 * in the drawer, 0 … CASH_AMOUNT_MAX tiyn: required (STORE_ERR_INPUT
 * otherwise) when the shift had any cash (cash_figures_any), and kept
 * with its difference from the expected cash in the report and its
 * snapshot. STORE_NOT_FOUND when no shift is open; on any failure nothing
 * changed. app/report_fmt.h's report_z_close gives the JSON. */
store_status reports_close_z(store_db *db, const struct report_params *p, int64_t manager_id,
                             const int64_t *counted, report_snapshot_fn snapshot, void *arg,
                             struct report *out, store_err *err) KP_MUST_CHECK;

/* Z report number n as stored: *snapshot a malloc'd copy of its text.
 * STORE_NOT_FOUND for no such number. (report_z_load reads it back into
 * a struct report.) */
store_status reports_get_z(store_db *db, int64_t number, char **snapshot, store_err *err) KP_MUST_CHECK;

/* The newest Z number, 0 when there is none. */
store_status reports_last_z(store_db *db, int64_t *number, store_err *err) KP_MUST_CHECK;

/* The cash that went back to buyers in shift shift_id, in tiyn: its
 * refunds refunded in cash (to a cash sale, a cash part, or in cash
 * instead) and its returns without a receipt, from the running totals.
 * The "cash refunds" of the cash expected in the drawer. */
store_status reports_cash_refunds(store_db *db, int64_t shift_id, int64_t *tiyn,
                                  store_err *err) KP_MUST_CHECK;

/* Recomputes the running totals of shift_id (0: of every shift) from
 * the journal rows: STORE_OK when they agree, STORE_ERR_INTERNAL naming
 * the first difference otherwise. For tests and the bench; slow. */
store_status reports_verify(store_db *db, int64_t shift_id, store_err *err) KP_MUST_CHECK;

/* ---- the journal listing ------------------------------------------- */

/* A refund as the listing shows it under its order. */
struct report_refund {
	int64_t id;
	char ref[REPORT_REF_SIZE];       /* merchant_refund_id */
	char state[REPORT_STATE_SIZE];   /* refund_pending, refunded, refund_failed */
	int64_t amount;
	time_t created_at;
	enum journal_method tender;      /* where it went back: qr, phone, cash, card */
	int part_no;                     /* a split sale's part it drew on; 0: none */
	int tax_rate;                    /* a return without a receipt: its VAT percent; else 0 */
	char reason[REPORT_REASON_SIZE]; /* a return without a receipt: why; else "" */
};

/* One order of the listing, with its lines and refunds. */
struct report_order {
	int64_t id;
	char merchant_order_id[JOURNAL_ORDER_ID_SIZE];
	int64_t shift_id;
	int64_t user_id;                 /* 0: a headless command */
	enum journal_method method;
	enum journal_state state;
	int64_t amount;                  /* tiyn */
	int64_t refunded_amount;         /* tiyn */
	char payment_id[JOURNAL_PAYMENT_ID_SIZE]; /* "" until the server answered */
	bool server_unknown;             /* the server answered 404 payment_not_found (journal.h) */
	time_t unknown_since;            /* when first so; 0 when known */
	time_t created_at;
	bool given_up;                   /* the cashier gave up on it once (journal_order's) */
	int64_t part_of;                 /* a Kaspi part of a split sale: the sale's row; else 0 */
	size_t n_lines;                  /* lines, voided ones too */
	size_t n_refunds;
	struct journal_line *lines;      /* with details: malloc'd, n_lines; else NULL */
	struct report_refund *refunds;   /* with details: malloc'd, n_refunds, oldest first */
	struct journal_tender *tenders;  /* with details: malloc'd, n_tenders, in part order (a
	                                    cash, card or split sale's; none for a Kaspi order) */
	size_t n_tenders;
};

struct report_journal {
	int from_day, to_day;            /* YYYYMMDD, Almaty */
	bool has_state;                  /* filtered by state */
	bool details;                    /* lines and refunds read */
	enum journal_state state;
	struct report_order *orders;     /* malloc'd, n_orders, oldest first */
	size_t n_orders;
	struct report_refund *returns;   /* returns without a receipt made on those days
	                                    (no order), malloc'd, n_returns, oldest first */
	size_t n_returns;
};

/* The orders created on Almaty dates from_day … to_day (YYYYMMDD), only
 * those in *state when state is not NULL; their lines and refunds too
 * when details (the JSON listing), else only how many (n_lines,
 * n_refunds; the arrays NULL), so that a long range stays small. The
 * returns without a receipt of those days always (unless state is
 * given: they belong to no order's state). */
store_status reports_journal(store_db *db, int from_day, int to_day,
                             const enum journal_state *state, bool details,
                             struct report_journal *out, store_err *err) KP_MUST_CHECK;
void report_journal_free(struct report_journal *j);

/* ---- dates --------------------------------------------------------- */

/* Parses "YYYY-MM-DD" (a real date) into 20261126. */
bool report_parse_date(const char *text, int *yyyymmdd) KP_MUST_CHECK;

/* "2026-11-26" from 20261126 (size ≥ 11). */
void report_format_date(char *buf, size_t size, int yyyymmdd);

/* The first second of Almaty date yyyymmdd (UTC+5), as Unix time. */
time_t report_day_start(int yyyymmdd);

#endif
