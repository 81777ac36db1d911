/* refunds.h — refunds of paid orders, journaled like the orders
 * themselves (DESIGN.md, "The journal's state machine"): the row first
 * (refund_pending, with the exact request body and merchant_refund_id
 * as its idempotency key), then the request, then refunded.
 *
 *   refund_pending → refunded       the server answered with its refund_id
 *   refund_pending → refund_failed  the server refused it for good
 *
 * A refund is born by refunds_create, which checks the rules below and
 * writes the row, its parts (refund_lines) and the notes in one
 * transaction, and allocates merchant_refund_id "T01-R-20261126-000001"
 * (till, Almaty date, that till's sequence of the day) inside it, calling
 * back build_body with the id as journal_create does. The body never
 * changes (a trigger refuses it): every retry sends the same bytes.
 *
 * The rules, checked before anything is written (refunds_check runs the
 * same checks without writing), each refusal STORE_ERR_INPUT with its
 * refunds_rule and one line for the screen:
 *
 *   - the order is refundable (journal_state_refundable: succeeded,
 *     partially_refunded or late_paid; a late payment is refunded to the
 *     buyer instead of completing the sale), in any tender;
 *   - 90 days at most since the payment succeeded: since the first time
 *     the order entered succeeded or late_paid in its timeline
 *     (order_events), or since its created_at if the timeline has no such
 *     move. The till's time of learning it, which is at or after the
 *     server's: a refund the till lets through at the edge is refused by
 *     the server and becomes refund_failed;
 *   - amount 1 … available, where available is what is left of each
 *     tender the order was paid with (below), added up: what it paid,
 *     less its refunds refunded or still refund_pending, so that no two
 *     refunds can together pass what was paid, in all or in any tender;
 *   - reason 1–255 characters of one line (the contract's rule);
 *   - a refund by lines names live lines of the order, each at most once,
 *     with at most the units not yet refunded by lines.
 *
 * Where the money came from (refund_lines, for the reports' VAT per
 * rate of refunds):
 *
 *   - by lines: each line gives its share, line total × units / quantity,
 *     split exactly in tiyn: every unit is worth total / quantity rounded
 *     down, and the line's last unit to be refunded takes the remainder,
 *     so all the units of a line give back exactly its total. A line sold
 *     by measure is refunded by weight: its units are its thousandths
 *     (grams of a kg, 1 … its weight), and w of them give back w × the
 *     price per unit rounded half up to the tiyn, in the proportion of
 *     the line left after its discount (kp_measure_refund_share: 10 %
 *     off the line, 10 % off what goes back); the last of its thousandths
 *     take what is left of its total, so that its parts add up to it
 *     exactly. The refund's amount is the sum of the shares. A rate group may not give
 *     back more than it sold (an earlier refund by amount took part of
 *     it): such a refund is refused (REFUNDS_RULE_AVAILABLE).
 *   - by amount: split over the order's VAT rate groups in proportion to
 *     what is left of each (its live lines' total minus what earlier
 *     refunds, pending ones included, took at that rate), by largest
 *     remainder (ties to the lower rate), so the parts add up exactly and
 *     no group ever gives back more than it sold. With no earlier refund
 *     that is the proportion of the groups' totals. An order journaled
 *     without lines is one group at refund_new.bare_tax_rate.
 *
 * Tenders (DESIGN.md, "Sales, tenders and receipts"): a refund goes back
 * to the tenders the order was paid with, each tender getting one refund
 * row of its own (refund_tenders says where each went):
 *
 *   - a Kaspi order (qr, phone): through the API, as above;
 *   - a cash sale: cash from the drawer; a card sale: a card refund on
 *     the shop's own terminal. Neither has a request: the row is written
 *     refunded at once, with its order's move, in the same transaction;
 *   - a split sale: over its paid parts, each up to what is left of it.
 *     A partial refund takes the Kaspi parts first (in the order they
 *     were paid), then card, then cash last: the money goes back the way
 *     it came while the electronic parts last, so a refund never turns a
 *     card or Kaspi payment into banknotes from the drawer (the usual
 *     cash-out fraud), and the drawer pays only what cash paid. A Kaspi
 *     part's row is a request for that part's payment (part_no names it).
 *
 * With to_cash (the manager's choice) every row goes back in cash from
 * the drawer, drawing on the cash parts first and then the others in the
 * order above: what the buyer paid in cash comes back as it would by
 * default, and only the rest is "cash instead". Such a row still counts
 * against the part it draws on (a Kaspi part paid back in cash can never
 * be refunded through Kaspi as well), and the reports count it under
 * cash, the tender it went back to.
 *
 * A refund of a split sale's parts splits its parts (VAT rate, line) over
 * the rows in order, a part that falls across two rows keeping its line
 * and units on the first piece only, so the units of a line count once.
 *
 * Settling: refunds_settle records refunded, adds the amount to the
 * order's refunded_amount and moves the order (succeeded, late_paid or
 * partially_refunded → partially_refunded, or refunded when nothing is
 * left; leaving late_paid clears the alert), with a state row in the
 * order's timeline and an event, in one transaction. A row of a split
 * sale that draws on a Kaspi part moves that part's order too, and a
 * refund of a Kaspi part opened on its own moves its sale (when the sale
 * was completed): a split sale's refunded_amount is every refund of it
 * and of its parts. refunds_fail records refund_failed with the server's
 * message; the order stays as it was. Both are compare-and-set on
 * refund_pending: a refund another path settled first is STORE_ERR_STATE
 * and nothing changes.
 *
 * A return without a receipt (refunds_no_receipt): a manager gives back
 * an amount in cash for goods brought back without their slip; no order,
 * one part at the VAT rate the manager names, written refunded at once.
 * It is a refund like the others in the reports (a cash refund), and a
 * line of its own on them.
 *
 * The events log gets "refund" when a refund is journaled (the user is
 * the approving manager, the detail names the cashier, the order, the
 * amount and the reason), then "refund_done" or "refund_failed";
 * "return_no_receipt" for a return without a receipt.
 *
 * Strings: fixed buffers sized to what is accepted on writing; lists are
 * malloc'd arrays the caller frees with free(). */
#ifndef KP_STORE_REFUNDS_H
#define KP_STORE_REFUNDS_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/db.h"
#include "store/journal.h"

#define REFUNDS_ID_SIZE 65           /* merchant_refund_id: "T01-R-20261126-000001", ≤ 64 ASCII */
#define REFUNDS_SERVER_ID_SIZE 128   /* the server's refund_id: 1–127 printable ASCII */
#define REFUNDS_REASON_CHARS 255     /* the contract's limit, in characters */
#define REFUNDS_REASON_SIZE 1024     /* 255 characters of UTF-8, NUL */
#define REFUNDS_WINDOW_SECONDS (90L * 24 * 60 * 60)
#define REFUNDS_SEQ_MAX 999999       /* refunds per till per Almaty day */
#define REFUNDS_ALL_LEFT 0           /* refund_new.amount: all that is available */

#define EVENT_REFUND "refund"               /* a refund journaled: user = the manager */
#define EVENT_REFUND_DONE "refund_done"     /* the server refunded it */
#define EVENT_REFUND_FAILED "refund_failed" /* the server refused it for good */
#define EVENT_RETURN_NO_RECEIPT "return_no_receipt" /* a return without a receipt: the manager */
#define REFUNDS_ALLOC_MAX JOURNAL_TENDERS_MAX /* tenders one refund goes back to, at most */

enum refund_state {
	REFUND_PENDING,           /* "refund_pending": written; sent or about to be */
	REFUND_REFUNDED,          /* "refunded": the server gave the money back */
	REFUND_FAILED,            /* "refund_failed": the server refused it; the order is as it was */
	REFUND_STATE_COUNT
};

/* Which rule refused a refund (refunds_check, refunds_create). */
enum refunds_rule {
	REFUNDS_RULE_OK = 0,
	REFUNDS_RULE_STATE,       /* the order is not refundable (journal_state_refundable) */
	REFUNDS_RULE_WINDOW,      /* over 90 days since the payment succeeded */
	REFUNDS_RULE_AVAILABLE,   /* more than is left (or nothing is left) */
	REFUNDS_RULE_AMOUNT,      /* an amount below 1 tiyn, or lines worth nothing */
	REFUNDS_RULE_REASON,      /* no reason, too long, several lines or not UTF-8 */
	REFUNDS_RULE_LINES,       /* a line that is not there, voided, twice, or too many units */
	REFUNDS_RULE_TENDER,      /* a sale whose tenders cannot be read back (none paid) */
};

/* One line of a refund by lines: so many units of the order's line. */
struct refund_pick {
	int line_no;              /* the order's line (journal_line.line_no) */
	int64_t quantity;         /* units, ≥ 1; of a line sold by measure, thousandths of
	                             its unit (200: 0,200 кг) */
};

/* Builds the refund request once merchant_refund_id and the amount are
 * known (as journal_body_fn): sets *body to len bytes (1 …
 * JOURNAL_BODY_MAX) and returns true, or returns false to write nothing.
 * The bytes stay the callback's. It runs inside the write transaction:
 * no database use. */
typedef bool (*refunds_body_fn)(void *arg, const char *merchant_refund_id,
                                const char *payment_id, int64_t amount, const char **body,
                                size_t *len);

/* What refunds_check and refunds_create need. Either an amount or lines. */
struct refund_new {
	const char *till_id;      /* "T01": the first part of merchant_refund_id */
	int64_t shift_id;         /* the open shift the refund is made in */
	int64_t order_id;         /* the order's row */
	int64_t amount;           /* tiyn; REFUNDS_ALL_LEFT: all that is available; 0 with lines */
	const struct refund_pick *lines; /* n_lines picks: a refund by lines; NULL: by amount */
	size_t n_lines;
	const char *reason;       /* 1–255 characters, one line */
	int64_t user_id;          /* the cashier; 0: a headless command */
	int64_t approved_by;      /* the manager whose PIN allowed it (required) */
	int bare_tax_rate;        /* VAT percent of an order journaled without lines */
	bool to_cash;             /* the manager's choice: all of it in cash from the drawer,
	                             instead of back to the sale's own tenders */
	refunds_body_fn build_body; /* refunds_create: required; refunds_check: unused */
	void *body_arg;
};

/* One tender a refund goes back to: a refund row of its own. */
struct refund_alloc {
	enum journal_method tender; /* qr, phone (through the API), cash or card */
	int part_no;              /* a split sale's part it draws on (tenders); 0: the order's own */
	int64_t kaspi_order;      /* the Kaspi order whose payment it draws on (the order itself, or
	                             a split sale's part); 0 for a cash or card payment */
	int64_t amount;           /* tiyn */
	int64_t row;              /* refunds_create: the refund row written; else 0 */
	char merchant_refund_id[REFUNDS_ID_SIZE]; /* refunds_create: its id; else "" */
};

/* What refunds_check found: the refund the rules allow, or why not. */
struct refund_quote {
	enum refunds_rule rule;   /* REFUNDS_RULE_OK when allowed */
	int64_t amount;           /* the refund's amount (by lines: their shares' sum) */
	int64_t available;        /* what was left before it (paid − refunded − pending) */
	time_t paid_at;           /* when the payment succeeded, as the window counts it */
	size_t n_alloc;           /* the tenders it goes back to, in the order taken */
	struct refund_alloc alloc[REFUNDS_ALLOC_MAX];
};

/* A return without a receipt (refunds_no_receipt). */
struct refund_bare {
	const char *till_id;      /* "T01" */
	int64_t shift_id;         /* the open shift */
	int64_t amount;           /* tiyn, 1 … KP_AMOUNT_MAX, VAT included */
	int tax_rate;             /* its VAT percent, 0 … 100 */
	const char *reason;       /* 1–255 characters, one line */
	int64_t user_id;          /* the cashier; 0: a headless command */
	int64_t approved_by;      /* the manager whose PIN allowed it (required) */
};

/* One refund as the store holds it (the request body aside). */
struct refund {
	int64_t id;
	int64_t order_id;         /* 0: a return without a receipt */
	enum journal_method tender; /* where it went back: qr, phone, cash or card */
	int part_no;              /* a split sale's part it drew on; 0: the order's own payment */
	char merchant_refund_id[REFUNDS_ID_SIZE];
	int64_t shift_id;
	int64_t amount;           /* tiyn */
	char reason[REFUNDS_REASON_SIZE];
	enum refund_state state;
	char refund_id[REFUNDS_SERVER_ID_SIZE]; /* the server's; "" until refunded */
	int64_t user_id;          /* 0: headless */
	int64_t approved_by;
	int attempts;             /* requests sent whose outcome is known */
	char last_error[JOURNAL_TEXT_SIZE]; /* why the last send failed, or the refusal; "" */
	time_t created_at;
	time_t updated_at;        /* once settled: when */
	size_t body_len;          /* bytes of the stored request body */
};

/* One part of a refund: tiyn of it at one VAT rate (refund_lines). */
struct refund_part {
	int part;                 /* 1, 2, ... */
	int tax_rate;             /* VAT percent */
	int64_t amount;           /* tiyn, VAT included */
	int line_no;              /* by lines: the order's line; 0: by amount */
	int64_t quantity;         /* by lines: units of it (thousandths of a weighed line);
	                             0: by amount */
};

/* "refund_pending", "refunded", "refund_failed"; "?" out of range. */
const char *refunds_state_name(enum refund_state state);
bool refunds_state_parse(const char *name, enum refund_state *out) KP_MUST_CHECK;

/* The cashier's word for a refund's state, untranslated (an N_() msgid:
 * "waiting", "refunded", "failed"); "?" out of range. */
const char *refunds_state_label(enum refund_state state);

/* Runs the rules for r (no build_body needed) without writing: STORE_OK
 * with q->rule REFUNDS_RULE_OK and the amount, or STORE_ERR_INPUT with
 * the rule that refused it (also in q->rule) and a message;
 * STORE_NOT_FOUND for no such order. */
store_status refunds_check(store_db *db, const struct refund_new *r, struct refund_quote *q,
                           store_err *err) KP_MUST_CHECK;

/* Checks r again inside a write transaction and writes a refund row per
 * tender it goes back to (see "Tenders"): a Kaspi one refund_pending with
 * its request (build_body called for each, with that tender's payment
 * id), a cash or card one refunded with its order's move; each with its
 * parts, notes in the order's timeline and its events, all together or
 * nothing. *id (may be NULL) gets the first row, merchant_refund_id
 * (REFUNDS_ID_SIZE bytes, may be NULL) its id, q (may be NULL) what the
 * rules found, as refunds_check, with each row and id in q->alloc. */
store_status refunds_create(store_db *db, const struct refund_new *r, int64_t *id,
                            char *merchant_refund_id, struct refund_quote *q, store_err *err) KP_MUST_CHECK;

/* Writes a return without a receipt (see above): checked (amount, rate,
 * reason, shift, manager) and written refunded, with its one part and a
 * "return_no_receipt" event, or nothing (STORE_ERR_INPUT with the
 * message). *id and merchant_refund_id (REFUNDS_ID_SIZE bytes) may be
 * NULL. */
store_status refunds_no_receipt(store_db *db, const struct refund_bare *r, int64_t *id,
                                char *merchant_refund_id, store_err *err) KP_MUST_CHECK;

/* The checks of refunds_no_receipt on what a person typed (amount, rate,
 * reason), without writing: before asking for the manager's PIN. */
store_status refunds_no_receipt_check(const struct refund_bare *r, store_err *err) KP_MUST_CHECK;

/* Counts one request sent for refund id whose outcome is known:
 * last_error why it failed, NULL or "" when the server answered. */
store_status refunds_note_attempt(store_db *db, int64_t id, const char *last_error,
                                  store_err *err) KP_MUST_CHECK;

/* The server refunded refund id as refund_id: see "Settling" above.
 * STORE_ERR_STATE if it is settled already (the message says how),
 * STORE_ERR_TRANSITION if its order is in a state that cannot take it,
 * STORE_ERR_INPUT for a refund_id that is empty, too long or not
 * printable. *order_to (may be NULL) gets the order's new state. */
store_status refunds_settle(store_db *db, int64_t id, const char *refund_id,
                            enum journal_state *order_to, store_err *err) KP_MUST_CHECK;

/* The server refused refund id for good: refund_failed, with message
 * (the server's words) as last_error and in the timeline. */
store_status refunds_fail(store_db *db, int64_t id, const char *message, store_err *err) KP_MUST_CHECK;

/* Refund by row id or by merchant_refund_id: STORE_OK or STORE_NOT_FOUND. */
store_status refunds_get(store_db *db, int64_t id, struct refund *out, store_err *err) KP_MUST_CHECK;
store_status refunds_get_by_refund_id(store_db *db, const char *merchant_refund_id,
                                      struct refund *out, store_err *err) KP_MUST_CHECK;

/* The stored request body of refund id, as journal_body. */
store_status refunds_body(store_db *db, int64_t id, char **body, size_t *len, store_err *err) KP_MUST_CHECK;

/* Refund id's parts in order, in a malloc'd array the caller frees. */
store_status refunds_parts(store_db *db, int64_t id, struct refund_part **out, size_t *count,
                           store_err *err) KP_MUST_CHECK;

/* The refunds of order order_id, oldest first (NULL when none). */
store_status refunds_of_order(store_db *db, int64_t order_id, struct refund **out,
                              size_t *count, store_err *err) KP_MUST_CHECK;

/* The returns without a receipt made in [from, to) (to = 0: no end),
 * oldest first (NULL when none). */
store_status refunds_no_receipt_list(store_db *db, time_t from, time_t to, struct refund **out,
                                     size_t *count, store_err *err) KP_MUST_CHECK;

/* The cashier's word for a tender a refund went back to, an N_() msgid:
 * "through Kaspi QR", "in cash", ... */
const char *refunds_tender_label(enum journal_method tender);

/* Every refund still refund_pending, oldest first (NULL when none). */
store_status refunds_pending(store_db *db, struct refund **out, size_t *count, store_err *err) KP_MUST_CHECK;

#endif
