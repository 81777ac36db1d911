/* journal.h — the payment journal: every order the till sends, written
 * before anything leaves, moved only forward, each move one transaction.
 *
 * An order is born `creating` by journal_create, with its lines, the
 * exact bytes of its create request and a merchant_order_id
 * "T01-20261126-000042": till id, Almaty date of creation, sequence of
 * that till on that day from 000001. From then on it changes only by
 * journal_move and its relatives, along the table in journal.c
 * (DESIGN.md, "The journal's state machine"):
 *
 *   creating  → pending | succeeded | cancelled | failed | expired | abandoned
 *   pending   → succeeded | cancelled | failed | expired | abandoned
 *   abandoned → late_paid (alert raised) | cancelled | expired | failed
 *   late_paid → succeeded | partially_refunded | refunded (alert cleared)
 *   succeeded → partially_refunded | refunded
 *   partially_refunded → partially_refunded | refunded
 *
 * A move names the state it expects to leave (compare-and-set): if
 * another path (the webhook, reconcile in another process, a poll)
 * moved the order first, the move is refused with STORE_ERR_STATE and
 * the message names the state the order is in (a caller that finds it
 * already where it wanted it can take that as done); a move the table
 * forbids is refused with STORE_ERR_TRANSITION. Either way nothing
 * changed. Each accepted move updates the row and appends one row to
 * the order's timeline (journal_events) in one transaction.
 *
 * Which states need the server's payment id: pending, succeeded,
 * late_paid and both refunded ones (the schema refuses them without
 * it). creating, abandoned, failed, cancelled and expired may lack it (a
 * create refused for good, or given up on before any answer).
 *
 * The request body and merchant_order_id: the body contains the id, and
 * the id is allocated inside the insert's transaction (the till and a
 * headless command may create at once). So journal_create calls back
 * build_body with the new id while it holds the write lock, and stores
 * the bytes it returns in the same transaction: the row, its lines, its
 * body and its first event are written together or not at all, and a
 * sequence number is only used by an order that exists. The stored body
 * never changes (a trigger refuses it), so every retry of the create
 * sends the same bytes (journal_body).
 *
 * Strings: the structs below have fixed-size buffers sized to what the
 * journal accepts on writing (too long is refused with STORE_ERR_INPUT,
 * never truncated), so reading never truncates. Lists are malloc'd
 * arrays the caller frees with free(). Details and errors longer than
 * their buffer are cut at a character boundary when written. */
#ifndef KP_STORE_JOURNAL_H
#define KP_STORE_JOURNAL_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/product.h"
#include "store/db.h"

#define JOURNAL_TILL_ID_MAX 16       /* till id: 1–16 ASCII letters and digits ("T01") */
#define JOURNAL_ORDER_ID_SIZE 65     /* merchant_order_id: at most 64 ASCII, NUL */
#define JOURNAL_SEQ_MAX 999999       /* orders per till per Almaty day */
#define JOURNAL_PAYMENT_ID_SIZE 128  /* the server's payment_id: 1–127 printable ASCII */
#define JOURNAL_QR_SIZE 2960         /* qr_token: a QR holds at most 2953 bytes */
#define JOURNAL_PHONE_SIZE 16        /* "+77" and 9 digits, NUL */
#define JOURNAL_DESCRIPTION_SIZE 1024 /* the contract's 255 characters of UTF-8 fit */
#define JOURNAL_TEXT_SIZE 256        /* last_error and an event's detail, NUL included */
#define JOURNAL_BODY_MAX (64 * 1024) /* request body: the contract's limit */
#define JOURNAL_LINES_MAX 1000       /* lines of one order (a basket holds 500) */

/* Where an order is. The names (journal_state_name) are what the
 * database, the CSV and JSON say; the labels (journal_state_label) what
 * a cashier reads. What each state means — a sale, refundable,
 * unfinished — is a column of one table in journal.c, read through the
 * journal_state_* functions below: no other module lists states. */
enum journal_state {
	JOURNAL_CREATING,           /* written; the create is being sent, outcome unknown */
	JOURNAL_PENDING,            /* the server has it; waiting for the buyer */
	JOURNAL_SUCCEEDED,          /* paid */
	JOURNAL_CANCELLED,          /* the buyer declined or the till cancelled */
	JOURNAL_FAILED,             /* the payment failed, or the server refused the create */
	JOURNAL_EXPIRED,            /* nobody paid before expires_at */
	JOURNAL_ABANDONED,          /* the cashier gave up while it was open: still watched */
	JOURNAL_LATE_PAID,          /* paid after being abandoned: the alert is up */
	JOURNAL_PARTIALLY_REFUNDED,
	JOURNAL_REFUNDED,
	JOURNAL_STATE_COUNT
};

/* How a sale is paid; the first four are also the kinds of a tender
 * (one part of a sale). qr and phone orders are Kaspi payments (the
 * machine above, a create request); cash and card sales are final when
 * written (journal_record_sale); a split sale pends while its parts are
 * taken (journal_open_split, its Kaspi parts orders of their own with
 * part_of, journal_complete_split). */
enum journal_method {
	JOURNAL_QR,                 /* "qr": the buyer scans the till's QR */
	JOURNAL_PHONE,              /* "phone": a request to the buyer's Kaspi app */
	JOURNAL_CASH,               /* "cash": banknotes, change given */
	JOURNAL_CARD,               /* "card": the shop's own bank terminal (recorded) */
	JOURNAL_SPLIT,              /* "split": several tenders (journal_tenders) */
};

#define JOURNAL_TENDERS_MAX 4        /* parts of one sale that pay */
#define JOURNAL_PART_TRIES_MAX 99    /* tender rows of one sale, unpaid Kaspi tries included */
#define JOURNAL_APPROVAL_SIZE 33     /* a card terminal's approval code: 0–32 printable ASCII */

/* What a cashier reads for method m, an N_() msgid the caller translates:
 * "QR", "phone", "cash", "card", "split". */
const char *journal_method_label(enum journal_method m);

/* The method called name ("qr", "cash", ...): false for another name. */
bool journal_method_parse(const char *name, enum journal_method *out);

/* Whether orders of method m go to Kaspi (qr, phone). */
bool journal_method_is_kaspi(enum journal_method m);

/* One part of a sale (the tenders table). */
struct journal_tender {
	int part_no;                /* 1, 2, ... in the order taken (ignored on writing) */
	enum journal_method kind;   /* qr, phone, cash or card */
	int64_t amount;             /* tiyn of the sale it pays */
	int64_t given;              /* cash: handed over (amount + change); else 0 */
	int64_t change;             /* cash: given back; else 0 */
	char approval[JOURNAL_APPROVAL_SIZE]; /* card: the terminal's code, "" when not typed */
	int64_t part_order;         /* qr, phone: the part's order row; else 0 */
	enum journal_state part_state; /* qr, phone: that order's state (read only) */
	time_t created_at;
};

/* Builds the create request for an order whose merchant_order_id is now
 * known: sets *body to len bytes (1 … JOURNAL_BODY_MAX, any bytes) and
 * returns true, or returns false to abandon the create (nothing is
 * written). The bytes stay the callback's (arg's) to free: the journal
 * copies them before journal_create returns and never frees them. It is
 * called inside the write transaction: it must not use the database,
 * and should be quick. */
typedef bool (*journal_body_fn)(void *arg, const char *merchant_order_id, const char **body,
                                size_t *len);

/* What journal_create needs. */
struct journal_new {
	const char *till_id;        /* "T01": the first part of merchant_order_id */
	int64_t shift_id;           /* the open shift; every order belongs to one */
	int64_t user_id;            /* the cashier; 0: a headless command */
	enum journal_method method;
	const char *payer_phone;    /* "+77XXXXXXXXX"; NULL or "": none (required for phone) */
	int64_t amount;             /* tiyn, KP_AMOUNT_MIN … KP_AMOUNT_MAX */
	const char *description;    /* NULL: ""; at most JOURNAL_DESCRIPTION_SIZE - 1 bytes */
	journal_body_fn build_body; /* required for qr and phone; unused for the others */
	void *body_arg;             /* passed to build_body */
	int64_t part_of;            /* qr, phone: the split sale this order is a part of
	                               (journal_open_split); 0: an order of its own */
};

/* One line of an order, as sold. When an order has lines, the totals of
 * its live (not voided) lines add up to its amount; an order may have
 * none (a headless charge of a bare amount). A line sold by measure
 * (core/measure.h) is quantity 1 at unit_price = its gross, which is
 * weight × price_per_unit / 1000 rounded half up: the create request's
 * entry for it (API.md). */
struct journal_line {
	int line_no;                /* 1, 2, ... in the order given (ignored on create) */
	int64_t product_id;         /* catalog row; 0: not from the catalog */
	char sku[KP_SKU_SIZE];      /* "" when none */
	char barcode[KP_BARCODE_SIZE]; /* "" when none */
	char name[KP_NAME_SIZE];    /* not empty: the product's Russian name (name_ru) */
	char name_kk[KP_NAME_SIZE]; /* its Kazakh name; "" when the catalog has none */
	int64_t quantity;           /* ≥ 1 */
	int64_t unit_price;         /* tiyn, VAT included, ≥ 0 */
	int tax_rate;               /* VAT percent 0–100 */
	int64_t discount;           /* tiyn off the line, 0 … quantity × unit_price */
	int64_t total;              /* tiyn: quantity × unit_price − discount */
	bool voided;                /* kept for the reports' count of voided lines */
	char unit[16];              /* the unit as sold ("шт", "кг"); "" on lines written before */
	int64_t weight;             /* sold by measure: thousandths of the unit (350: 0,350 кг),
	                               1 … KP_MEASURE_MAX; 0: sold by the piece */
	int64_t price_per_unit;     /* sold by measure: tiyn per unit (per kg), ≥ 0; else 0 */
};

/* One order as the journal holds it (the request body aside: journal_body). */
struct journal_order {
	int64_t id;
	char merchant_order_id[JOURNAL_ORDER_ID_SIZE];
	int64_t shift_id;
	int64_t user_id;            /* 0: a headless command */
	enum journal_method method;
	char payer_phone[JOURNAL_PHONE_SIZE];        /* "" when none */
	int64_t amount;             /* tiyn */
	char description[JOURNAL_DESCRIPTION_SIZE];
	enum journal_state state;
	char payment_id[JOURNAL_PAYMENT_ID_SIZE];    /* "" until the server answers */
	char qr_token[JOURNAL_QR_SIZE];              /* "" when none */
	time_t expires_at;          /* 0: not known */
	time_t created_at;
	time_t updated_at;          /* the last change of the row */
	int attempts;               /* create requests sent so far */
	char last_error[JOURNAL_TEXT_SIZE];          /* why the last send failed, as the app
	                                                gave it (say it with
	                                                kp_msg_text_packed); "" */
	int64_t refunded_amount;    /* tiyn given back so far */
	bool alert;                 /* a late payment the cashier must settle */
	size_t body_len;            /* bytes of the stored request body */
	bool server_unknown;        /* the server answered 404 payment_not_found for it */
	time_t unknown_since;       /* when it was first so (0 while the server knows it) */
	bool given_up;              /* the cashier gave up on it once: its timeline
	                               entered abandoned (read from order_events) */
	int64_t part_of;            /* a Kaspi part of a split sale: the sale's row; else 0 */
};

/* The server's answer to a create, recorded with journal_set_payment or
 * journal_move_with_payment. */
struct journal_payment {
	const char *payment_id;     /* required: 1 … JOURNAL_PAYMENT_ID_SIZE - 1 printable ASCII */
	const char *qr_token;       /* NULL or "": not given (keeps what is recorded) */
	time_t expires_at;          /* 0: not given (keeps what is recorded) */
};

enum journal_event_kind {
	JOURNAL_EVENT_STATE,        /* the order entered to_state */
	JOURNAL_EVENT_NOTE,         /* something worth showing: a send, an error, a request */
};

/* One entry of an order's timeline. */
struct journal_event {
	int64_t id;
	time_t at;
	int64_t user_id;            /* 0: none (a headless command, the server's answer) */
	enum journal_event_kind kind;
	bool has_from;              /* false for notes and for the order's first event */
	enum journal_state from;    /* the state left, when has_from */
	enum journal_state to;      /* the state entered (JOURNAL_EVENT_STATE only) */
	char detail[JOURNAL_TEXT_SIZE]; /* a packed message (core/msg.h), or plain text
	                                   from before: say it with kp_msg_text_packed */
};

/* "creating", "pending", ... ; "?" for a value out of range. */
const char *journal_state_name(enum journal_state state);

/* The state called name (as journal_state_name writes it). */
bool journal_state_parse(const char *name, enum journal_state *out) KP_MUST_CHECK;

/* True when the payment's outcome is settled and nothing is left to do
 * with the server: succeeded, cancelled, failed, expired and both
 * refunded states (a refund is a new request, not an open outcome).
 * The others — creating, pending, abandoned, late_paid — are the
 * unfinished ones that reconcile settles and the reports warn about. */
bool journal_state_final(enum journal_state state);

/* True for the states that are a sale, money taken: succeeded, late_paid
 * and both refunded ones (a refund is counted apart, the sale stays). */
bool journal_state_is_sale(enum journal_state state);

/* True for the states an order can be refunded from: succeeded,
 * partially_refunded and late_paid (a late payment is given back instead
 * of completing the sale). */
bool journal_state_refundable(enum journal_state state);

/* True for the unfinished states (not journal_state_final): creating,
 * pending, abandoned, late_paid. */
bool journal_state_unfinished(enum journal_state state);

/* True while the server has the last word: creating, pending, abandoned
 * (the payflow watches them, reconcile asks about them). late_paid is
 * unfinished but settled with the server: the cashier's to complete. */
bool journal_state_server_open(enum journal_state state);

/* The cashier's word for a state, untranslated: an N_() msgid ("paid",
 * "waiting", "given up", "paid late!", "part refunded", ...) for the
 * caller's gettext; "?" out of range. */
const char *journal_state_label(enum journal_state state);

/* The cashier's word for an order in state that the cashier did or did
 * not give up on first (journal_order.given_up): journal_state_label,
 * except that a cancelled order given up first was cancelled by the
 * cashier ("cancelled by the cashier"), not declined by the buyer. */
const char *journal_state_label_given_up(enum journal_state state, bool given_up);

/* journal_state_label_given_up of order o's state: the word for o in
 * lists, details and reports. An N_() msgid. */
const char *journal_order_label(const struct journal_order *o);

/* A line's name in the language lang ("ru", "kk", "en"): for "kk" its
 * name_kk when it has one, else its name. */
const char *journal_line_name(const struct journal_line *l, const char *lang);

/* Binds parameters first … first + JOURNAL_STATE_COUNT - 1 of st: the
 * name of each state for which has(state) is true, NULL for the others,
 * so that "state IN (" those parameters ")" takes exactly the states the
 * table says. JOURNAL_STATE_PARAMS_2 writes the list from ?2. */
void journal_bind_states(sqlite3_stmt *st, int first, bool (*has)(enum journal_state));
#define JOURNAL_STATE_PARAMS_2 "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11"

/* SQL that is 1 when the order of the orders row called alias was given
 * up on once (its timeline entered abandoned), else 0: journal_order's
 * given_up, for a query of another module. An index seek on the order's
 * events. */
#define JOURNAL_GIVEN_UP_SQL(alias)                                                      \
	"EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = " alias ".id"             \
	" AND e.to_state = 'abandoned')"

/* The order_lines columns of a line sold by measure (unit, weight,
 * price_per_unit), for a query of another module; alias is "" or the
 * table's alias with its dot ("l."). journal_read_measure reads them
 * into a journal_line from column col on. */
#define JOURNAL_LINE_MEASURE_COLUMNS(alias) alias "unit, " alias "weight, " alias "price_per_unit"
void journal_read_measure(struct journal_line *l, sqlite3_stmt *st, int col);

/* Whether the table lets an order go from from to to. */
bool journal_move_allowed(enum journal_state from, enum journal_state to);

/* Whether text is shaped as the journal's merchant_order_id
 * ("T01-20261126-000042": a till id of 1–16 letters and digits, the
 * Almaty day's 8 digits, the day's 6-digit sequence), exactly, nothing
 * around it: what a slip's QR of its order carries. */
bool journal_order_id_syntax(const char *text);

/* "qr" / "phone". */
const char *journal_method_name(enum journal_method method);

/* Writes a new order in state creating: allocates its merchant_order_id
 * (copied to merchant_order_id, JOURNAL_ORDER_ID_SIZE bytes, may be
 * NULL), calls order->build_body with it, and stores the row, the body,
 * the n_lines lines (may be 0) and its first event in one transaction.
 * *id (may be NULL) gets the row id. STORE_ERR_INPUT for a value the
 * journal refuses or a build_body that fails; on any failure nothing is
 * written and no sequence number is used up. */
store_status journal_create(store_db *db, const struct journal_new *order,
                            const struct journal_line *lines, size_t n_lines, int64_t *id,
                            char *merchant_order_id, store_err *err) KP_MUST_CHECK;

/* Writes a whole sale paid in cash or by card (order->method JOURNAL_CASH
 * or JOURNAL_CARD), final at once: the row in state succeeded, its lines,
 * its one tender (kind = the method; cash: given ≥ amount, change =
 * given − amount) and its first event, in one transaction. No request
 * body, no payment id. As journal_create otherwise. */
store_status journal_record_sale(store_db *db, const struct journal_new *order,
                                 const struct journal_line *lines, size_t n_lines,
                                 const struct journal_tender *tender, int64_t *id,
                                 char *merchant_order_id, store_err *err) KP_MUST_CHECK;

/* Writes a split sale (order->method JOURNAL_SPLIT) in state pending with
 * its lines: its parts follow, a Kaspi part by journal_create with
 * part_of this row (its tender row written with it), cash and card by
 * journal_complete_split. */
store_status journal_open_split(store_db *db, const struct journal_new *order,
                                const struct journal_line *lines, size_t n_lines, int64_t *id,
                                char *merchant_order_id, store_err *err) KP_MUST_CHECK;

/* Completes split sale id (pending → succeeded) with its cash and card
 * parts, n of them (may be 0), in one transaction: refused with
 * STORE_ERR_INPUT, nothing changed, unless the Kaspi parts paid
 * (succeeded) and these add up to the sale's amount exactly, no Kaspi part
 * is still open, and the sale has at most JOURNAL_TENDERS_MAX paying
 * parts. STORE_ERR_STATE when it is not pending. */
store_status journal_complete_split(store_db *db, int64_t id, const struct journal_tender *parts,
                                    size_t n, int64_t user_id, store_err *err) KP_MUST_CHECK;

/* Sale id's tender rows in part order (a cash or card sale: its one; a
 * split sale: every part taken, unpaid Kaspi tries too, part_state
 * telling), in a malloc'd array (NULL when none) the caller frees. A
 * Kaspi order of its own has none: it is its own tender. */
store_status journal_tenders(store_db *db, int64_t id, struct journal_tender **out,
                             size_t *count, store_err *err) KP_MUST_CHECK;

/* The split sales still pending (their parts being taken, or left so by
 * a crash), oldest first, in a malloc'd array (NULL when none). */
store_status journal_open_splits(store_db *db, struct journal_order **out, size_t *count,
                                store_err *err) KP_MUST_CHECK;

/* A tender row for a query of another module: the columns, for tenders
 * aliased t and the part's order aliased p (LEFT JOINed on
 * p.id = t.part_order), that journal_tender_read takes from column first. */
#define JOURNAL_TENDER_COLUMNS                                                            \
	"t.part_no, t.kind, t.amount, t.given, t.change, t.approval, t.part_order, p.state,"   \
	" t.created_at"
void journal_tender_read(sqlite3_stmt *st, int first, struct journal_tender *out);

/* What the Kaspi parts of split sale id paid so far (parts succeeded) and
 * how many are still open on the server (creating, pending). */
store_status journal_split_paid(store_db *db, int64_t id, int64_t *paid, int *open,
                                store_err *err) KP_MUST_CHECK;

/* Moves order id from from to to for user_id (0: none), with detail (may
 * be NULL) in the timeline. A timeline's detail, here and below, is a
 * message for the reader packed into one string (kp_msg_pack; a msgid
 * without arguments is its own packed form, so N_("the cashier gave up")
 * will do), or plain text; it is stored as given, on one line, cut to
 * JOURNAL_TEXT_SIZE. Entering late_paid raises the alert, leaving it
 * clears it. STORE_ERR_TRANSITION if the table forbids the move,
 * STORE_ERR_STATE if the order is not in from (another path moved it
 * first), STORE_ERR_INPUT if to needs a payment id the order lacks
 * (record the answer with journal_move_with_payment), STORE_NOT_FOUND
 * for no such order. On any refusal nothing changed. */
store_status journal_move(store_db *db, int64_t id, enum journal_state from,
                          enum journal_state to, int64_t user_id, const char *detail,
                          store_err *err) KP_MUST_CHECK;

/* journal_move and journal_set_payment in one transaction: the create
 * (or its replay) answered with a payment in state to — pending, or
 * already final. */
store_status journal_move_with_payment(store_db *db, int64_t id, enum journal_state from,
                                       enum journal_state to,
                                       const struct journal_payment *payment, int64_t user_id,
                                       const char *detail, store_err *err) KP_MUST_CHECK;

/* Records the server's payment id, QR token and expiry without a move
 * (a replay of an abandoned order's create that is still pending). The
 * payment id, once recorded, never changes: a different one is
 * STORE_ERR_EXISTS, and so is one that another order already has. The
 * same one again updates the token and expiry. */
store_status journal_set_payment(store_db *db, int64_t id, const struct journal_payment *payment,
                                 store_err *err) KP_MUST_CHECK;

/* Counts one create request sent for order id, once its outcome is
 * known: last_error is why it failed (time-out, 503...), NULL or "" when
 * the server answered: plain text, said by the app (kp_msg_text of the
 * network's message), since it becomes an argument of the timeline's
 * note ("create request 2: ...", a packed message of the store). */
store_status journal_note_attempt(store_db *db, int64_t id, const char *last_error,
                                  store_err *err) KP_MUST_CHECK;

/* Adds a note (not empty) to order id's timeline, e.g. "cancel asked". */
store_status journal_note(store_db *db, int64_t id, int64_t user_id, const char *detail,
                          store_err *err) KP_MUST_CHECK;

/* Marks order id unknown to the server (unknown: a status or cancel
 * answered 404 payment_not_found), or known again (!unknown: the server
 * answered about it). unknown_since keeps the first time. A change adds
 * a note to the timeline: detail when given (say how it was found),
 * else "unknown to the server" or "the server knows the payment again";
 * the same mark again changes nothing. *changed (may be NULL) says
 * whether it changed. The state is never touched. */
store_status journal_set_server_unknown(store_db *db, int64_t id, bool unknown,
                                        const char *detail, bool *changed, store_err *err) KP_MUST_CHECK;

/* A manager closes order id, which the server does not know, as failed:
 * pending, creating or abandoned → failed in one transaction, the event's
 * user the manager (approver_id, required) and its detail the reason
 * (required, one line). STORE_ERR_STATE (nothing changed) when the order
 * is not marked server_unknown or not in one of those states: an order
 * the server knows is settled with the server, never by hand. */
store_status journal_close_unknown(store_db *db, int64_t id, int64_t approver_id,
                                   const char *reason, store_err *err) KP_MUST_CHECK;

/* Order by row id, by merchant_order_id, by payment_id: STORE_OK, or
 * STORE_NOT_FOUND. */
store_status journal_get(store_db *db, int64_t id, struct journal_order *out, store_err *err) KP_MUST_CHECK;
store_status journal_get_by_order_id(store_db *db, const char *merchant_order_id,
                                     struct journal_order *out, store_err *err) KP_MUST_CHECK;
store_status journal_get_by_payment_id(store_db *db, const char *payment_id,
                                       struct journal_order *out, store_err *err) KP_MUST_CHECK;

/* The order a person named: a merchant_order_id ("T01-20261126-000042"),
 * a payment_id ("pay_abc123"), or a row id in digits ("42"), tried in
 * that order. STORE_NOT_FOUND when none matches. */
store_status journal_find(store_db *db, const char *text, struct journal_order *out,
                          store_err *err) KP_MUST_CHECK;

/* The stored request body of order id: *body gets a malloc'd copy (NUL
 * added after the *len bytes) that the caller frees. */
store_status journal_body(store_db *db, int64_t id, char **body, size_t *len, store_err *err) KP_MUST_CHECK;

/* Order id's lines in line order, voided ones included, in a malloc'd
 * array (NULL when none) the caller frees. STORE_NOT_FOUND for no such
 * order. */
store_status journal_lines(store_db *db, int64_t id, struct journal_line **out, size_t *count,
                           store_err *err) KP_MUST_CHECK;

/* Order id's timeline, oldest first, in a malloc'd array the caller
 * frees. STORE_NOT_FOUND for no such order. */
store_status journal_events(store_db *db, int64_t id, struct journal_event **out, size_t *count,
                            store_err *err) KP_MUST_CHECK;

/* The unfinished Kaspi orders (creating, pending, abandoned, late_paid), oldest
 * first, in a malloc'd array (NULL when none) the caller frees. */
store_status journal_unfinished(store_db *db, struct journal_order **out, size_t *count,
                                store_err *err) KP_MUST_CHECK;

/* The paid Kaspi parts of split sales given up (abandoned) with some of
 * their money neither given back nor on its way back (a refund pending):
 * kept for the cashier to settle, each by a refund; oldest first, in a
 * malloc'd array (NULL when none) the caller frees. A part paid after
 * being given up itself is late_paid: journal_alerts has it. */
store_status journal_kept_parts(store_db *db, struct journal_order **out, size_t *count,
                                store_err *err) KP_MUST_CHECK;

/* What journal_list picks. */
struct journal_filter {
	time_t from, to;            /* created_at in [from, to); to = 0: no end */
	int state;                  /* an enum journal_state, or -1 for any */
	int method;                 /* an enum journal_method, or -1 for any */
	const char *search;         /* NULL/"": none; else a part of the order or
	                               payment id, an amount in tenge ("1500",
	                               "1 500,00"), or a time "14:05" (Almaty) */
	int limit;                  /* at most this many, newest first (≤ 0: 1000) */
};

/* Orders for the journal screen, newest first, in a malloc'd array (NULL
 * when none) the caller frees. */
store_status journal_list(store_db *db, const struct journal_filter *f, struct journal_order **out,
                          size_t *count, store_err *err) KP_MUST_CHECK;

/* The orders with the alert up (paid after being abandoned), oldest
 * first, in a malloc'd array (NULL when none) the caller frees. */
store_status journal_alerts(store_db *db, struct journal_order **out, size_t *count,
                            store_err *err) KP_MUST_CHECK;

#endif
