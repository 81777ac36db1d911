/* payflow.h — one payment's life, the same for the TUI and the headless
 * commands (charge, reconcile): journal first, then the request; results
 * from the network worker applied to the journal in one transaction each;
 * the status polled on the schedule of core/pollsched.h until the payment
 * is final (DESIGN.md, "The journal's state machine", "Payment screen
 * and polling").
 *
 * Protocol: the caller (the UI thread, or a command's loop) owns the
 * payflow, the database and the worker. It calls payflow_start for a new
 * payment, payflow_resume once at start-up for the journal's unfinished
 * orders, payflow_apply for every worker result, and payflow_tick on
 * every loop iteration (it sends what is due and says how long the caller
 * may sleep). Each call fills a struct payflow_change for every order it
 * moved, so the caller can ring, redraw or print. Nothing here blocks on
 * the network.
 *
 * Refunds go the same way (payflow_refund): the refund is journaled
 * (refund_pending, its exact body) before JOB_REFUND leaves; an unknown
 * outcome is sent again with the same merchant_refund_id and the same
 * bytes, with backoff; the answer settles it (refunded, the order moved)
 * or the server's refusal fails it (refund_failed). A refund's jobs carry
 * the tag −(its row id), so they never meet an order's. */
#ifndef KP_APP_PAYFLOW_H
#define KP_APP_PAYFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "app/config.h"
#include "app/worker.h"
#include "core/basket.h"
#include "store/journal.h"
#include "store/refunds.h"

#define PAYFLOW_MESSAGE_SIZE 256
#define PAYFLOW_CREATE_BACKOFF_CAP_MS 15000
/* A refused create that may have a payment behind it waits this long
 * between tries (a key being fixed, a path being corrected). */
#define PAYFLOW_STALL_MS 60000
#define PAYFLOW_REFUND_STALL_MS 60000 /* a stalled refund is tried again after this */

/* A payment the payflow watches. */
struct payflow_order {
	struct journal_order j;       /* the journal's row as last written */
	int64_t created_ms;           /* monotonic ms when the create was answered (0: not yet) */
	int64_t next_ms;              /* monotonic ms of the next request */
	bool in_flight;               /* a request for it is at the worker */
	bool cancel_asked;            /* Esc sent a cancel (or the server lacks it) */
	bool scanned;                 /* the buyer opened the QR (the `scanned` event) */
	bool maybe_sent;              /* a create may have reached the server before: resumed
	                                 from the journal, or a send without an answer */
	int errors;                   /* failed requests in a row */
	long retry_after_s;           /* the last 429's Retry-After */
	char message[PAYFLOW_MESSAGE_SIZE]; /* the last problem, for the screen; "" */
};

/* What one call did to one order. */
struct payflow_change {
	int64_t order_id;
	enum journal_state from, to;
	bool moved;                   /* the journal state changed */
	bool scanned_now;             /* the buyer just scanned */
	bool refused;                 /* the server refused the create (or refund) for good */
	char message[PAYFLOW_MESSAGE_SIZE]; /* for the screen or the terminal; "" */
	int64_t refund_row;           /* non-zero: the change is this refund's, order_id its
	                               * order's (from, to, moved: the order's states) */
	enum refund_state refund_to;  /* refund_row's state after the call */
};

#define PAYFLOW_CHANGES_MAX 8

/* A refund the payflow sends until the server settles it. */
struct payflow_refund {
	struct refund r;              /* the store's row as last read */
	int64_t next_ms;              /* monotonic ms of the next send */
	bool in_flight;               /* its request is at the worker */
	bool stalled;                 /* a failure a repeat cannot mend now (the key refused, no
	                               * such path...): it stays refund_pending, tried again after
	                               * PAYFLOW_REFUND_STALL_MS; reconcile settles it later */
	int errors;                   /* failed sends in a row */
	long retry_after_s;           /* the last 429's Retry-After */
	char message[PAYFLOW_MESSAGE_SIZE]; /* the last problem; "" */
};

/* What payflow_refund needs: an amount or lines (refunds.h). */
struct payflow_refund_req {
	int64_t order_id;             /* the order's row */
	int64_t amount;               /* tiyn; REFUNDS_ALL_LEFT (without lines): all that is left */
	const struct refund_pick *lines; /* a refund by lines, n_lines of them; NULL: by amount */
	size_t n_lines;
	const char *reason;           /* 1–255 characters */
	int64_t user_id;              /* the cashier; 0: a headless command */
	int64_t approver_id;          /* the manager whose PIN was checked */
	int64_t shift_id;             /* the open shift */
};

struct payflow_changes {
	size_t n;
	struct payflow_change c[PAYFLOW_CHANGES_MAX];
};

struct payflow {
	store_db *db;
	struct worker *worker;
	const struct kp_config *cfg;
	struct payflow_order *orders; /* watched: unfinished in the journal */
	size_t n, cap;
	long skew_s;                  /* server clock − local clock, from answers */
	bool has_skew;
	struct payflow_refund *refunds; /* watched: refund_pending in the store */
	size_t n_refunds, cap_refunds;
};

void payflow_init(struct payflow *pf, store_db *db, struct worker *worker,
                  const struct kp_config *cfg);
void payflow_free(struct payflow *pf);

/* Journals a new order for the basket's live lines (state creating, its
 * lines, the exact request body) and hands the create to the worker.
 * method "qr" or "phone" (then phone is "+77…", checked here). Refuses,
 * with a message and nothing written, a basket that cannot be paid (empty,
 * over 1 000 000 KZT) or a bad phone. *order_id gets the new row. */
bool payflow_start(struct payflow *pf, const struct basket *b, enum journal_method method,
                   const char *phone, int64_t user_id, int64_t shift_id, int64_t *order_id,
                   char *message, size_t size);

/* The same for a bare amount (kaspi-pos charge): one product line named
 * description (or "Payment"), at the standard VAT rate. */
bool payflow_start_amount(struct payflow *pf, int64_t amount, const char *description,
                          enum journal_method method, const char *phone, int64_t user_id,
                          int64_t shift_id, int64_t *order_id, char *message, size_t size);

/* Takes the journal's unfinished orders into the watch: creating ones
 * are sent again (the same bytes), the others are asked about. Returns
 * how many orders. The refunds still refund_pending are taken too (sent
 * again, the same bytes): payflow_refunds_watching says how many. */
size_t payflow_resume(struct payflow *pf, char *message, size_t size);

/* Applies one worker result (a job this payflow sent; others are
 * ignored and false is returned). */
bool payflow_apply(struct payflow *pf, const struct worker_result *r, struct payflow_changes *out);

/* Sends every request that is due. Returns the milliseconds until the
 * next one (−1: nothing is watched). now_ms: CLOCK_MONOTONIC. */
long payflow_tick(struct payflow *pf, int64_t now_ms);

/* The cashier gives up on order id (Esc): the order becomes abandoned,
 * a cancel goes to the server when it has the payment, and the order
 * stays watched until it is final. */
bool payflow_abandon(struct payflow *pf, int64_t order_id, int64_t user_id,
                     struct payflow_changes *out);

/* The cashier settles a late payment as a sale (late_paid → succeeded). */
bool payflow_complete_late(struct payflow *pf, int64_t order_id, int64_t user_id,
                           char *message, size_t size);

/* The watched order id, or NULL when it is not watched (final, or never). */
const struct payflow_order *payflow_find(const struct payflow *pf, int64_t order_id);

/* Seconds left until the order's expires_at by the server's clock (skew
 * corrected), or −1 when not known. */
long payflow_seconds_left(const struct payflow *pf, const struct journal_order *o, time_t now);

/* Orders still watched. */
size_t payflow_watching(const struct payflow *pf);

/* Journals a refund of req->order_id (refunds_create: the rules, the
 * parts, merchant_refund_id, the exact body, refund_pending) and hands
 * it to the worker. *refund_row gets its row. On a refusal nothing is
 * written and false is returned with the message, and *rule (may be
 * NULL) says which rule refused it (REFUNDS_RULE_OK: not a rule — the
 * store failed, or bad input). */
bool payflow_refund(struct payflow *pf, const struct payflow_refund_req *req,
                    int64_t *refund_row, enum refunds_rule *rule, char *message, size_t size);

/* Runs the rules of payflow_refund for req without writing or sending
 * (req->approver_id and shift_id are not needed): true with *q (the
 * amount it would have), or false with the message and q->rule
 * (REFUNDS_RULE_OK: the store failed, or no such order). */
bool payflow_refund_check(struct payflow *pf, const struct payflow_refund_req *req,
                          struct refund_quote *q, char *message, size_t size);

/* The watched refund refund_row, or NULL once it is settled (or never
 * was watched). */
const struct payflow_refund *payflow_find_refund(const struct payflow *pf, int64_t refund_row);

/* Refunds still watched (refund_pending). */
size_t payflow_refunds_watching(const struct payflow *pf);

#endif
