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
 * the tag −(its row id), so they never meet an order's. Orders and
 * refunds are one list of struct payflow_watch with a kind, one send,
 * one backoff.
 *
 * An order the server does not know (a status or cancel answers 404
 * payment_not_found: a restarted sandbox, a wrong base URL or merchant)
 * is marked so in the journal (journal_set_server_unknown), asked about
 * every POLL_UNKNOWN_MS and never moved by the payflow; the mark is
 * cleared if the server knows it again. Only a manager closes it
 * (payflow_close_unknown).
 *
 * Time: every schedule reads pf->clock, so tests run it on a fake clock. */
#ifndef KP_APP_PAYFLOW_H
#define KP_APP_PAYFLOW_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "app/config.h"
#include "app/worker.h"
#include "core/basket.h"
#include "core/clock.h"
#include "store/journal.h"
#include "store/refunds.h"

#define PAYFLOW_MESSAGE_SIZE 256
/* VAT percent of what has no lines of its own (a charge of a bare amount,
 * a refund of it): the standard rate; also what a return without a
 * receipt offers first. */
#define PAYFLOW_DEFAULT_TAX_RATE 16
/* A refused create that may have a payment behind it, or a refund the
 * server refused in a way a repeat cannot mend now (a key being fixed, a
 * path being corrected), waits this long between tries. */
#define PAYFLOW_STALL_MS 60000
#define PAYFLOW_REFUND_STALL_MS PAYFLOW_STALL_MS

/* What a watched entry is. */
enum payflow_kind {
	PAYFLOW_ORDER,                /* a payment: its create, then its status (and cancel) */
	PAYFLOW_REFUND,               /* a refund: its request, sent again until answered */
};

/* Whether a request reached the server, for the connection state on the
 * screen: every result tells, not only the health check's. */
enum payflow_link {
	PAYFLOW_LINK_NONE,            /* nothing was sent (the settings, out of memory) */
	PAYFLOW_LINK_UP,              /* the server answered: 2xx, 4xx, 429, no cancel extension */
	PAYFLOW_LINK_DOWN,            /* no answer: no connection, time-out, dropped, TLS, 5xx,
	                               * a garbled body */
};

/* The link a request's outcome shows. */
enum payflow_link payflow_link(const xpay_result *res);

/* One entry the payflow watches: an order (unfinished in the journal) or
 * a refund (refund_pending). Both kinds go through the same send, the
 * same backoff (core/pollsched.h) and the same one-request-in-flight
 * rule; the kind picks the request and what an answer means. */
struct payflow_watch {
	enum payflow_kind kind;
	struct journal_order j;       /* ORDER: the journal's row as last written */
	struct refund r;              /* REFUND: the store's row as last read */
	int64_t next_ms;              /* the clock's ms of the next request */
	bool in_flight;               /* a request for it is at the worker */
	int errors;                   /* failed requests in a row */
	long retry_after_s;           /* the last 429's Retry-After */
	bool stalled;                 /* a failure a repeat cannot mend now: tried again after
	                               * PAYFLOW_STALL_MS; reconcile settles it later */
	char message[PAYFLOW_MESSAGE_SIZE]; /* the last problem, for the screen; "" */
	/* ORDER only */
	int64_t created_ms;           /* the clock's ms when the create was answered (0: not yet) */
	bool cancel_asked;            /* Esc sent a cancel (or the server lacks it) */
	bool scanned;                 /* the buyer opened the QR (the `scanned` event) */
	bool maybe_sent;              /* a create may have reached the server before: resumed
	                                 from the journal, or a send without an answer */
	bool unknown;                 /* the server answers 404 payment_not_found: asked every
	                               * POLL_UNKNOWN_MS, never moved by the payflow (the
	                               * journal's server_unknown; payflow_close_unknown) */
	bool poked;                   /* a push came while a request was in flight: ask again
	                               * as soon as it is answered (payflow_poke) */
};

/* What one call did to one order (or refund). */
struct payflow_change {
	int64_t order_id;
	enum journal_state from, to;
	bool moved;                   /* the journal state changed */
	bool scanned_now;             /* the buyer just scanned */
	bool refused;                 /* the server refused the create (or refund) for good */
	bool unknown;                 /* the order is unknown to the server after this call */
	bool unknown_changed;         /* ... and was not before (or is known again now) */
	char message[PAYFLOW_MESSAGE_SIZE]; /* for the screen or the terminal; "" */
	int64_t refund_row;           /* non-zero: the change is this refund's, order_id its
	                               * order's (from, to, moved: the order's states) */
	enum refund_state refund_to;  /* refund_row's state after the call */
};

#define PAYFLOW_CHANGES_MAX 8

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
	bool to_cash;                 /* all of it in cash from the drawer, instead of back to
	                                 the sale's own tenders (refunds.h, "Tenders") */
};

struct payflow_changes {
	size_t n;
	enum payflow_link link;       /* payflow_apply: whether its result reached the server */
	struct payflow_change c[PAYFLOW_CHANGES_MAX];
};

/* Where the payflow's jobs go: the network worker (payflow_init), or a
 * test's stand-in. submit copies the job; false: not taken now (it is
 * tried again a second later). */
struct payflow_sender {
	bool (*submit)(void *arg, const struct worker_job *job);
	void *arg;
};

struct payflow {
	store_db *db;
	struct worker *worker;
	const struct kp_config *cfg;
	const struct kp_clock *clock; /* every schedule reads this: kp_clock_system, or a fake */
	struct payflow_sender sender;
	struct payflow_watch *watch;  /* the orders and refunds watched */
	size_t n, cap;
	long skew_s;                  /* server clock − local clock, from answers */
	bool has_skew;
	bool push_live;               /* the hub's push stream is open (payflow_set_push):
	                               * statuses are polled every POLL_PUSHED_MS */
};

/* clock: kp_clock_system for the till; NULL means the same. worker may be
 * NULL when pf->sender is set by the caller (tests). */
void payflow_init(struct payflow *pf, store_db *db, struct worker *worker,
                  const struct kp_config *cfg, const struct kp_clock *clock);
void payflow_free(struct payflow *pf);

/* Journals a new order for the basket's live lines (state creating, its
 * lines, the exact request body) and hands the create to the worker.
 * method "qr" or "phone" (then phone is "+77…", checked here). Refuses,
 * with a message and nothing written, a basket that cannot be paid (empty,
 * over 1 000 000 KZT) or a bad phone. *order_id gets the new row. */
bool payflow_start(struct payflow *pf, const struct basket *b, enum journal_method method,
                   const char *phone, int64_t user_id, int64_t shift_id, int64_t *order_id,
                   char *message, size_t size) KP_MUST_CHECK;

/* The same for a bare amount (kaspi-pos charge): one product line named
 * description (or "Payment"), at the standard VAT rate. */
bool payflow_start_amount(struct payflow *pf, int64_t amount, const char *description,
                          enum journal_method method, const char *phone, int64_t user_id,
                          int64_t shift_id, int64_t *order_id, char *message, size_t size) KP_MUST_CHECK;

/* A Kaspi part of a split sale (journal_open_split): its own order,
 * part_of the sale, without products (API.md), described as "Order
 * T01-…, part 1 of 2". */
struct payflow_part {
	int64_t sale_id;              /* the split sale's row */
	const char *sale_moid;        /* its merchant_order_id */
	int64_t amount;               /* tiyn */
	enum journal_method method;   /* qr or phone */
	const char *phone;            /* phone: "+77…" */
	int part_no, parts;           /* this part's number and how many the sale has */
};

bool payflow_start_part(struct payflow *pf, const struct payflow_part *part, int64_t user_id,
                        int64_t shift_id, int64_t *order_id, char *message, size_t size) KP_MUST_CHECK;

/* The journal's lines for basket b's lines (b->count of them, voided
 * ones too) into lines. */
enum basket_status payflow_journal_lines(const struct basket *b, struct journal_line *lines) KP_MUST_CHECK;

/* Takes the journal's unfinished orders into the watch: creating ones
 * are sent again (the same bytes), the others are asked about. Returns
 * how many orders. The refunds still refund_pending are taken too (sent
 * again, the same bytes): payflow_refunds_watching says how many. */
size_t payflow_resume(struct payflow *pf, char *message, size_t size);

/* Applies one worker result (a job this payflow sent; others are
 * ignored and false is returned). */
bool payflow_apply(struct payflow *pf, const struct worker_result *r, struct payflow_changes *out);

/* Sends every request that is due by pf->clock. Returns the
 * milliseconds until the next one (−1: nothing is due, everything
 * watched has its request at the worker or nothing is watched). */
long payflow_tick(struct payflow *pf);

/* The cashier gives up on order id (Esc): the order becomes abandoned,
 * a cancel goes to the server when it has the payment, and the order
 * stays watched until it is final. */
bool payflow_abandon(struct payflow *pf, int64_t order_id, int64_t user_id,
                     struct payflow_changes *out) KP_MUST_CHECK;

/* The cashier settles a late payment as a sale (late_paid → succeeded). */
bool payflow_complete_late(struct payflow *pf, int64_t order_id, int64_t user_id,
                           char *message, size_t size) KP_MUST_CHECK;

/* The watched order id, or NULL when it is not watched (final, or never). */
const struct payflow_watch *payflow_find(const struct payflow *pf, int64_t order_id);

/* Seconds left until the order's expires_at by the server's clock (skew
 * corrected), or −1 when not known. */
long payflow_seconds_left(const struct payflow *pf, const struct journal_order *o, time_t now);

/* A push from the hub (app/push.h) says the payment payment_id (or the
 * order merchant_order_id; either may be NULL or "") changed: its status
 * is asked at once (after the request in flight, if one is). The status
 * is the truth: the push moves nothing itself. False when no watched
 * order matches (a payment already settled, another till's). */
bool payflow_poke(struct payflow *pf, const char *payment_id, const char *merchant_order_id);

/* Whether the hub's push stream is live. Live: every order with a
 * payment is asked about once at once (what came while there was no
 * stream), then polled every POLL_PUSHED_MS; not live: back to the
 * polling schedule (core/pollsched.h), a wait already longer cut short. */
void payflow_set_push(struct payflow *pf, bool live);

/* Orders still watched. */
size_t payflow_watching(const struct payflow *pf);

/* Journals a refund of req->order_id (refunds_create: the rules, the
 * parts, a row per tender it goes back to) and hands each Kaspi row
 * (refund_pending, its merchant_refund_id and exact body) to the worker;
 * the cash and card rows are refunded already. *refund_row gets the first
 * row, *made (may be NULL) every row with its tender (made->alloc): the
 * caller opens the drawer for cash and prints the slips of the rows given
 * back now. On a refusal nothing is written and false is returned with
 * the message, and *rule (may be NULL) says which rule refused it
 * (REFUNDS_RULE_OK: not a rule — the store failed, or bad input). */
bool payflow_refund(struct payflow *pf, const struct payflow_refund_req *req,
                    int64_t *refund_row, struct refund_quote *made, enum refunds_rule *rule,
                    char *message, size_t size) KP_MUST_CHECK;

/* Whether a refund made (payflow_refund's made) gave cash from the
 * drawer now, and how much. */
int64_t payflow_refund_cash(const struct refund_quote *made);

/* Runs the rules of payflow_refund for req without writing or sending
 * (req->approver_id and shift_id are not needed): true with *q (the
 * amount it would have), or false with the message and q->rule
 * (REFUNDS_RULE_OK: the store failed, or no such order). */
bool payflow_refund_check(struct payflow *pf, const struct payflow_refund_req *req,
                          struct refund_quote *q, char *message, size_t size) KP_MUST_CHECK;

/* The watched refund refund_row, or NULL once it is settled (or never
 * was watched). */
const struct payflow_watch *payflow_find_refund(const struct payflow *pf, int64_t refund_row);

/* Refunds still watched (refund_pending). */
size_t payflow_refunds_watching(const struct payflow *pf);

/* A manager closes order_id, which the server does not know (the
 * journal's server_unknown, set when a status or cancel answered 404
 * payment_not_found), as failed: journal_close_unknown (pending,
 * creating or abandoned → failed, approver_id and reason in the
 * timeline), then the order is no longer watched. approver_id is the
 * manager whose PIN the caller checked; reason is required. False with
 * the message (nothing changed) when the order is not marked unknown, is
 * not unfinished, or the store fails. out (may be NULL) gets the move. */
bool payflow_close_unknown(struct payflow *pf, int64_t order_id, int64_t approver_id,
                           const char *reason, struct payflow_changes *out, char *message,
                           size_t size) KP_MUST_CHECK;

#endif
