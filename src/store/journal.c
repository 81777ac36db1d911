/* journal.c — the payment journal: the state machine's table, writing
 * orders and moving them, reading them back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/measure.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "core/validate.h"
#include "store/journal.h"

/* Marks a cashier's word for xgettext; the caller translates it. */
#define N_(s) (s)

/* What each state is called in the database, what it implies, and the
 * cashier's word for it: the only list of these facts (journal.h). */
static const struct {
	const char *name;
	const char *label;        /* N_() msgid: what a cashier reads */
	bool final;               /* the outcome is settled (journal_state_final); the
	                             others are the unfinished ones */
	bool needs_payment;       /* a payment exists on the server: its id must be known */
	bool sale;                /* money taken: the reports' sales */
	bool refundable;          /* a refund may be made from it */
	bool server_open;         /* the server has not settled it: it is watched, polled
	                             and reconciled (late_paid is settled, the cashier's) */
} states[JOURNAL_STATE_COUNT] = {
	[JOURNAL_CREATING] = {.name = "creating", .label = N_("creating"), .server_open = true},
	[JOURNAL_PENDING] = {.name = "pending", .label = N_("waiting"), .needs_payment = true,
	                     .server_open = true},
	[JOURNAL_SUCCEEDED] = {.name = "succeeded", .label = N_("paid"), .final = true,
	                       .needs_payment = true, .sale = true, .refundable = true},
	[JOURNAL_CANCELLED] = {.name = "cancelled", .label = N_("declined"), .final = true},
	[JOURNAL_FAILED] = {.name = "failed", .label = N_("failed"), .final = true},
	[JOURNAL_EXPIRED] = {.name = "expired", .label = N_("expired"), .final = true},
	[JOURNAL_ABANDONED] = {.name = "abandoned", .label = N_("given up"), .server_open = true},
	[JOURNAL_LATE_PAID] = {.name = "late_paid", .label = N_("paid late!"), .needs_payment = true,
	                       .sale = true, .refundable = true},
	[JOURNAL_PARTIALLY_REFUNDED] = {.name = "partially_refunded", .label = N_("part refunded"),
	                                .final = true, .needs_payment = true, .sale = true,
	                                .refundable = true},
	[JOURNAL_REFUNDED] = {.name = "refunded", .label = N_("refunded"), .final = true,
	                      .needs_payment = true, .sale = true},
};

/* A cancelled order the cashier had given up on: the till asked the
 * server to cancel it (Esc), the buyer did not decline it. */
static const char *const cancelled_by_cashier = N_("cancelled by the cashier");

/* What a move does to the order's alert flag. */
enum alert_effect {
	ALERT_KEEP = 0,
	ALERT_RAISE,              /* a late payment: the cashier must settle it */
	ALERT_CLEAR,              /* settled: completed or refunded */
};

struct move_rule {
	bool allowed;
	enum alert_effect alert;
};

#define MOVE {.allowed = true}
#define MOVE_RAISE {.allowed = true, .alert = ALERT_RAISE}
#define MOVE_CLEAR {.allowed = true, .alert = ALERT_CLEAR}

/* The state machine (DESIGN.md): moves[from][to]. Every pair not listed
 * is refused. This table is the only place the rule lives. */
static const struct move_rule moves[JOURNAL_STATE_COUNT][JOURNAL_STATE_COUNT] = {
	[JOURNAL_CREATING] = {
		[JOURNAL_PENDING] = MOVE,     /* the create answered 201 (or a 200 replay) */
		[JOURNAL_SUCCEEDED] = MOVE,   /* a replay found it already final ... */
		[JOURNAL_CANCELLED] = MOVE,
		[JOURNAL_EXPIRED] = MOVE,
		[JOURNAL_FAILED] = MOVE,      /* ... or the server refused it for good (401/402/422) */
		[JOURNAL_ABANDONED] = MOVE,   /* the cashier gave up, the outcome unknown */
	},
	[JOURNAL_PENDING] = {
		[JOURNAL_SUCCEEDED] = MOVE,
		[JOURNAL_CANCELLED] = MOVE,
		[JOURNAL_FAILED] = MOVE,
		[JOURNAL_EXPIRED] = MOVE,
		[JOURNAL_ABANDONED] = MOVE,   /* Esc: watched until it expires */
	},
	[JOURNAL_ABANDONED] = {
		[JOURNAL_LATE_PAID] = MOVE_RAISE, /* it succeeded after all */
		[JOURNAL_CANCELLED] = MOVE,
		[JOURNAL_EXPIRED] = MOVE,
		[JOURNAL_FAILED] = MOVE,
	},
	[JOURNAL_LATE_PAID] = {
		[JOURNAL_SUCCEEDED] = MOVE_CLEAR, /* the cashier completed the sale */
		[JOURNAL_PARTIALLY_REFUNDED] = MOVE_CLEAR,
		[JOURNAL_REFUNDED] = MOVE_CLEAR,
	},
	[JOURNAL_SUCCEEDED] = {
		[JOURNAL_PARTIALLY_REFUNDED] = MOVE,
		[JOURNAL_REFUNDED] = MOVE,
	},
	[JOURNAL_PARTIALLY_REFUNDED] = {
		[JOURNAL_PARTIALLY_REFUNDED] = MOVE, /* another part */
		[JOURNAL_REFUNDED] = MOVE,
	},
};

static const char *const method_names[] = {
	[JOURNAL_QR] = "qr",
	[JOURNAL_PHONE] = "phone",
	[JOURNAL_CASH] = "cash",
	[JOURNAL_CARD] = "card",
	[JOURNAL_SPLIT] = "split",
};

#define METHOD_COUNT ((int)(sizeof method_names / sizeof *method_names))

/* The columns journal_read_order expects, in its order. */
#define ORDER_SELECT                                                                       \
	"SELECT id, merchant_order_id, shift_id, user_id, method, payer_phone, amount,"    \
	" description, state, payment_id, qr_token, expires_at, created_at, updated_at,"   \
	" attempts, last_error, refunded_amount, alert, length(CAST(request_body AS BLOB)),"  \
	" (SELECT since FROM orders_unknown u WHERE u.order_id = orders.id),"              \
	" " JOURNAL_GIVEN_UP_SQL("orders") ", part_of"                                   \
	" FROM orders"

static bool state_valid(enum journal_state s)
{
	return (int)s >= 0 && (int)s < JOURNAL_STATE_COUNT;
}

const char *journal_state_name(enum journal_state state)
{
	return state_valid(state) ? states[state].name : "?";
}

bool journal_state_parse(const char *name, enum journal_state *out)
{
	for (int i = 0; name && i < JOURNAL_STATE_COUNT; i++)
		if (strcmp(name, states[i].name) == 0) {
			*out = (enum journal_state)i;
			return true;
		}
	return false;
}

bool journal_state_final(enum journal_state state)
{
	return state_valid(state) && states[state].final;
}

bool journal_state_is_sale(enum journal_state state)
{
	return state_valid(state) && states[state].sale;
}

bool journal_state_refundable(enum journal_state state)
{
	return state_valid(state) && states[state].refundable;
}

bool journal_state_unfinished(enum journal_state state)
{
	return state_valid(state) && !states[state].final;
}

bool journal_state_server_open(enum journal_state state)
{
	return state_valid(state) && states[state].server_open;
}

const char *journal_state_label(enum journal_state state)
{
	return state_valid(state) ? states[state].label : "?";
}

const char *journal_state_label_given_up(enum journal_state state, bool given_up)
{
	if (state == JOURNAL_CANCELLED && given_up)
		return cancelled_by_cashier;
	return journal_state_label(state);
}

const char *journal_order_label(const struct journal_order *o)
{
	return journal_state_label_given_up(o->state, o->given_up);
}

const char *journal_line_name(const struct journal_line *l, const char *lang)
{
	if (lang && strcmp(lang, "kk") == 0 && l->name_kk[0])
		return l->name_kk;
	return l->name;
}

_Static_assert(JOURNAL_STATE_COUNT == 10, "JOURNAL_STATE_PARAMS_2 lists one parameter per state");

void journal_bind_states(sqlite3_stmt *st, int first, bool (*has)(enum journal_state))
{
	for (int i = 0; i < JOURNAL_STATE_COUNT; i++)
		if (has((enum journal_state)i))
			sqlite3_bind_text(st, first + i, states[i].name, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, first + i);
}

bool journal_move_allowed(enum journal_state from, enum journal_state to)
{
	return state_valid(from) && state_valid(to) && moves[from][to].allowed;
}

/* What a cashier reads for a method (N_() msgids: the caller translates). */
static const char *const method_labels[] = {
	[JOURNAL_QR] = N_("QR"),
	[JOURNAL_PHONE] = N_("phone"),
	[JOURNAL_CASH] = N_("cash"),
	[JOURNAL_CARD] = N_("card"),
	[JOURNAL_SPLIT] = N_("split"),
};

const char *journal_method_label(enum journal_method m)
{
	return (int)m >= 0 && (int)m < METHOD_COUNT ? method_labels[m] : "?";
}

bool journal_method_is_kaspi(enum journal_method m)
{
	return m == JOURNAL_QR || m == JOURNAL_PHONE;
}

bool journal_order_id_syntax(const char *text)
{
	/* "T01-20261126-000042": till, '-', the day's 8 digits, '-', 6 digits */
	size_t n = text ? strnlen(text, JOURNAL_ORDER_ID_SIZE) : 0, till = 0;
	while (till < n && ((text[till] >= 'A' && text[till] <= 'Z') ||
	                    (text[till] >= 'a' && text[till] <= 'z') ||
	                    (text[till] >= '0' && text[till] <= '9')))
		till++;
	if (till < 1 || till > JOURNAL_TILL_ID_MAX || n != till + 16 || text[till] != '-' ||
	    text[till + 9] != '-')
		return false;
	for (size_t i = till + 1; i < n; i++)
		if (i != till + 9 && !(text[i] >= '0' && text[i] <= '9'))
			return false;
	return true;
}

const char *journal_method_name(enum journal_method method)
{
	return (int)method >= 0 && (int)method < METHOD_COUNT ? method_names[method] : "?";
}

bool journal_method_parse(const char *name, enum journal_method *out)
{
	for (int i = 0; name && i < METHOD_COUNT; i++)
		if (strcmp(name, method_names[i]) == 0) {
			*out = (enum journal_method)i;
			return true;
		}
	return false;
}

/* Copies src into dst (size bytes) as one line: cut at a character
 * boundary if too long, line breaks turned into spaces. */
static void copy_line(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--; /* src[n] continues a character: cut before it starts */
	}
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
	for (char *p = dst; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

/* Copies text column col of st into dst (size bytes); NULL reads as "". */
static void copy_column(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const char *text = (const char *)sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", text ? text : "");
}

void journal_read_measure(struct journal_line *l, sqlite3_stmt *st, int col)
{
	copy_column(l->unit, sizeof l->unit, st, col);
	l->weight = sqlite3_column_int64(st, col + 1);          /* NULL reads as 0 */
	l->price_per_unit = sqlite3_column_int64(st, col + 2);
}

/* A string that fits a size-byte buffer (NUL included). */
static bool fits(const char *s, size_t size)
{
	return strnlen(s, size) < size;
}

/* 1–max characters of printable ASCII without a space (ids). */
static bool printable_id(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

/* Fills *o from the current row of a statement that selected ORDER_SELECT.
 * False if the row holds a state or method this build does not know. */
static bool journal_read_order(sqlite3_stmt *st, struct journal_order *o)
{
	memset(o, 0, sizeof *o);
	o->id = sqlite3_column_int64(st, 0);
	copy_column(o->merchant_order_id, sizeof o->merchant_order_id, st, 1);
	o->shift_id = sqlite3_column_int64(st, 2);
	o->user_id = sqlite3_column_int64(st, 3); /* NULL reads as 0 */
	bool known = journal_method_parse((const char *)sqlite3_column_text(st, 4), &o->method);
	copy_column(o->payer_phone, sizeof o->payer_phone, st, 5);
	o->amount = sqlite3_column_int64(st, 6);
	copy_column(o->description, sizeof o->description, st, 7);
	known = journal_state_parse((const char *)sqlite3_column_text(st, 8), &o->state) && known;
	copy_column(o->payment_id, sizeof o->payment_id, st, 9);
	copy_column(o->qr_token, sizeof o->qr_token, st, 10);
	o->expires_at = (time_t)sqlite3_column_int64(st, 11);
	o->created_at = (time_t)sqlite3_column_int64(st, 12);
	o->updated_at = (time_t)sqlite3_column_int64(st, 13);
	o->attempts = sqlite3_column_int(st, 14);
	copy_column(o->last_error, sizeof o->last_error, st, 15);
	o->refunded_amount = sqlite3_column_int64(st, 16);
	o->alert = sqlite3_column_int(st, 17) != 0;
	o->body_len = (size_t)sqlite3_column_int64(st, 18);
	o->server_unknown = sqlite3_column_type(st, 19) != SQLITE_NULL;
	o->unknown_since = (time_t)sqlite3_column_int64(st, 19);
	o->given_up = sqlite3_column_int(st, 20) != 0;
	o->part_of = sqlite3_column_int64(st, 21);
	return known;
}

/* Steps st (an ORDER_SELECT for at most one row) into *out, then
 * finalizes it: STORE_OK or STORE_NOT_FOUND. */
static store_status journal_fetch_one(store_db *db, sqlite3_stmt *st, struct journal_order *out,
                                      store_err *err)
{
	int rc = sqlite3_step(st);
	bool known = rc == SQLITE_ROW && journal_read_order(st, out);
	int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return STORE_NOT_FOUND;
	if (rc != SQLITE_ROW)
		return db_fail(db, rc, err);
	if (!known) {
		char row[32];
		snprintf(row, sizeof row, "#%lld", (long long)id);
		return store_set_err(err, STORE_ERR_VERSION, ORDER_NEWER_STATE, row);
	}
	return STORE_OK;
}


/* Steps st (an ORDER_SELECT) into a malloc'd array, then finalizes it. */
static store_status journal_fetch_list(store_db *db, sqlite3_stmt *st,
                                       struct journal_order **out, size_t *count,
                                       store_err *err)
{
	struct journal_order *list = NULL;
	size_t n = 0, cap = 0;
	int rc;
	store_status s = STORE_OK;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!KP_GROW(list, cap, n + 1, 8)) {
			s = store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
			break;
		}
		if (!journal_read_order(st, &list[n])) {
			char row[32];
			snprintf(row, sizeof row, "#%lld", (long long)list[n].id);
			s = store_set_err(err, STORE_ERR_VERSION, ORDER_NEWER_STATE, row);
			break;
		}
		n++;
	}
	sqlite3_finalize(st);
	if (s == STORE_OK && rc != SQLITE_DONE)
		s = db_fail(db, rc, err);
	if (s != STORE_OK) {
		free(list);
		return s;
	}
	*out = list;
	*count = n;
	return STORE_OK;
}

/* Appends one row to order id's timeline, inside the caller's
 * transaction. from < 0: none; to < 0: a note. */
static store_status journal_add_event(store_db *db, int64_t id, int64_t user_id, int from, int to,
                                      const char *detail, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	char text[JOURNAL_TEXT_SIZE];

	copy_line(text, sizeof text, detail);
	if ((s = db_prepare(db,
	                    "INSERT INTO order_events(order_id, at, user_id, kind, from_state,"
	                    " to_state, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)db_now(db));
	if (user_id > 0)
		sqlite3_bind_int64(st, 3, user_id);
	sqlite3_bind_text(st, 4, to >= 0 ? "state" : "note", -1, SQLITE_STATIC);
	if (from >= 0)
		sqlite3_bind_text(st, 5, states[from].name, -1, SQLITE_STATIC);
	if (to >= 0)
		sqlite3_bind_text(st, 6, states[to].name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, text, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return store_set_err(err, STORE_ERR_INPUT, NO_USER, (long long)user_id);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

/* journal_add_event with the store's own message m, packed. */
static store_status journal_add_msg(store_db *db, int64_t id, int64_t user_id, int from, int to,
                                    const struct kp_msg *m, store_err *err)
{
	char packed[JOURNAL_TEXT_SIZE];
	store_msg_pack(m, packed, sizeof packed);
	return journal_add_event(db, id, user_id, from, to, packed, err);
}

/* ---- creating ------------------------------------------------------------ */

/* Checks line i given to journal_create: STORE_OK or a refusal. */
static store_status journal_check_line(const struct journal_line *l, size_t i, store_err *err)
{
	int64_t gross;

	if (!fits(l->name, sizeof l->name) || !l->name[0] || kp_utf8_length(l->name) < 0)
		return store_set_err(err, STORE_ERR_INPUT, LINE_NAME, i + 1);
	if (!fits(l->name_kk, sizeof l->name_kk) || kp_utf8_length(l->name_kk) < 0)
		return store_set_err(err, STORE_ERR_INPUT, LINE_NAME_KK, i + 1);
	if (!fits(l->sku, sizeof l->sku) || !fits(l->barcode, sizeof l->barcode) ||
	    kp_utf8_length(l->sku) < 0 || kp_utf8_length(l->barcode) < 0)
		return store_set_err(err, STORE_ERR_INPUT, LINE_CODES, i + 1);
	if (!fits(l->unit, sizeof l->unit) || kp_utf8_length(l->unit) < 0)
		return store_set_err(err, STORE_ERR_INPUT, LINE_UNIT, i + 1);
	if (l->product_id < 0 || l->quantity < 1 || l->unit_price < 0 || l->tax_rate < 0 ||
	    l->tax_rate > 100)
		return store_set_err(err, STORE_ERR_INPUT, LINE_RANGE, i + 1);
	/* by measure: one line of its weight at its gross (db.c, step 8) */
	if (l->weight != 0 &&
	    (l->weight < 1 || l->weight > KP_MEASURE_MAX || l->quantity != 1 || l->price_per_unit < 0 ||
	     kp_measure_amount(l->weight, l->price_per_unit) != l->unit_price))
		return store_set_err(err, STORE_ERR_INPUT, LINE_WEIGHT, i + 1);
	if (l->weight == 0 && l->price_per_unit != 0)
		return store_set_err(err, STORE_ERR_INPUT, LINE_WEIGHT, i + 1);
	if (l->unit_price > 0 && l->quantity > INT64_MAX / l->unit_price)
		return store_set_err(err, STORE_ERR_INPUT, LINE_TOO_LARGE, i + 1);
	gross = l->quantity * l->unit_price;
	if (l->discount < 0 || l->discount > gross || l->total != gross - l->discount)
		return store_set_err(err, STORE_ERR_INPUT, LINE_SUM, i + 1);
	return STORE_OK;
}

/* Checks what journal_create was given, before any transaction. */
static store_status journal_check_new(const struct journal_new *o,
                                      const struct journal_line *lines, size_t n_lines,
                                      store_err *err)
{
	store_status s;

	if (!o)
		return store_set_err(err, STORE_ERR_INPUT, ORDER_NONE);
	size_t till_len = o->till_id ? strnlen(o->till_id, JOURNAL_TILL_ID_MAX + 1) : 0;
	bool till_ok = till_len >= 1 && till_len <= JOURNAL_TILL_ID_MAX;
	for (size_t i = 0; till_ok && i < till_len; i++) {
		char c = o->till_id[i];
		till_ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
	}
	if (!till_ok)
		return store_set_err(err, STORE_ERR_INPUT, TILL_ID, JOURNAL_TILL_ID_MAX);
	if (o->shift_id <= 0)
		return store_set_err(err, STORE_ERR_INPUT, ORDER_NO_SHIFT);
	if (o->user_id < 0)
		return store_set_err(err, STORE_ERR_INPUT, NO_USER, (long long)o->user_id);
	if ((int)o->method < 0 || (int)o->method >= METHOD_COUNT)
		return store_set_err(err, STORE_ERR_INPUT, METHOD_UNKNOWN);
	bool kaspi = journal_method_is_kaspi(o->method);
	if ((kaspi && !o->build_body) || (!kaspi && o->part_of != 0) || o->part_of < 0)
		return store_set_err(err, STORE_ERR_INPUT, METHOD_WRONG_CALL);
	bool phone = o->payer_phone && o->payer_phone[0];
	if (phone && !kp_valid_phone(o->payer_phone))
		return store_set_err(err, STORE_ERR_INPUT, PHONE_FORMAT);
	if (!phone && o->method == JOURNAL_PHONE)
		return store_set_err(err, STORE_ERR_INPUT, PHONE_MISSING);
	if (o->amount < KP_AMOUNT_MIN || o->amount > KP_AMOUNT_MAX)
		return store_set_err(err, STORE_ERR_INPUT, AMOUNT_RANGE);
	if (o->description && (!fits(o->description, JOURNAL_DESCRIPTION_SIZE) ||
	                       kp_utf8_length(o->description) < 0))
		return store_set_err(err, STORE_ERR_INPUT, DESCRIPTION);
	if (n_lines > 0 && !lines)
		return store_set_err(err, STORE_ERR_INPUT, LINES_NONE);
	if (n_lines > JOURNAL_LINES_MAX)
		return store_set_err(err, STORE_ERR_INPUT, LINES_MAX, JOURNAL_LINES_MAX);

	int64_t live = 0; /* Σ total of the live lines, stopped just past amount: no overflow */
	for (size_t i = 0; i < n_lines; i++) {
		if ((s = journal_check_line(&lines[i], i, err)) != STORE_OK)
			return s;
		if (!lines[i].voided && live <= o->amount)
			live = lines[i].total > o->amount - live ? o->amount + 1 : live + lines[i].total;
	}
	if (n_lines > 0 && live != o->amount)
		return store_set_err(err, STORE_ERR_INPUT, LINES_SUM);
	return STORE_OK;
}

/* The next sequence number of till on Almaty day, inside the
 * transaction. */
static store_status journal_next_seq(store_db *db, const char *till, int day, int *seq,
                                     store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db,
	                    "SELECT coalesce(max(day_seq), 0) + 1 FROM orders"
	                    " WHERE till_id = ?1 AND day = ?2",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, till, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, day);
	int rc = sqlite3_step(st);
	int64_t next = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, rc, err);
	if (next > JOURNAL_SEQ_MAX)
		return store_set_err(err, STORE_ERR_INPUT, ORDER_NUMBERS, till,
		                     JOURNAL_SEQ_MAX);
	*seq = (int)next;
	return STORE_OK;
}

/* Inserts the order row, inside the transaction. */
static store_status journal_insert_order(store_db *db, const struct journal_new *o,
                                         const char *moid, int day, int seq, const char *body,
                                         size_t len, enum journal_state state, int64_t *id,
                                         store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	time_t now = db_now(db);

	if ((s = db_prepare(db,
	                    "INSERT INTO orders(merchant_order_id, till_id, day, day_seq, shift_id,"
	                    " user_id, method, payer_phone, amount, description, state,"
	                    " request_body, created_at, updated_at, part_of)"
	                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, moid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->till_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, day);
	sqlite3_bind_int(st, 4, seq);
	sqlite3_bind_int64(st, 5, o->shift_id);
	if (o->user_id > 0)
		sqlite3_bind_int64(st, 6, o->user_id);
	sqlite3_bind_text(st, 7, method_names[o->method], -1, SQLITE_STATIC);
	if (o->payer_phone && o->payer_phone[0])
		sqlite3_bind_text(st, 8, o->payer_phone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, o->amount);
	sqlite3_bind_text(st, 10, o->description ? o->description : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, states[state].name, -1, SQLITE_STATIC);
	/* text of an explicit length: every byte kept as it is, NULs too */
	sqlite3_bind_text(st, 12, body ? body : "", body ? (int)len : 0, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)now);
	if (o->part_of > 0)
		sqlite3_bind_int64(st, 14, o->part_of);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return store_set_err(err, STORE_ERR_INPUT, NO_SHIFT_OR_USER,
		                     (long long)o->shift_id, (long long)o->user_id);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err);
	*id = sqlite3_last_insert_rowid(db_sqlite(db));
	return STORE_OK;
}

/* Inserts the lines of order id, inside the transaction. */
static store_status journal_insert_lines(store_db *db, int64_t id,
                                         const struct journal_line *lines, size_t n_lines,
                                         store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if (n_lines == 0)
		return STORE_OK;
	if ((s = db_prepare(db,
	                    "INSERT INTO order_lines(order_id, line_no, product_id, sku, barcode,"
	                    " name, quantity, unit_price, tax_rate, discount, total, voided, name_kk,"
	                    " unit, weight, price_per_unit)"
	                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	                    " ?14, ?15, ?16)",
	                    &st, err)) != STORE_OK)
		return s;
	int rc = SQLITE_DONE;
	for (size_t i = 0; i < n_lines && rc == SQLITE_DONE; i++) {
		const struct journal_line *l = &lines[i];
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
		if (l->product_id > 0)
			sqlite3_bind_int64(st, 3, l->product_id);
		sqlite3_bind_text(st, 4, l->sku, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, l->barcode, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, l->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, l->quantity);
		sqlite3_bind_int64(st, 8, l->unit_price);
		sqlite3_bind_int(st, 9, l->tax_rate);
		sqlite3_bind_int64(st, 10, l->discount);
		sqlite3_bind_int64(st, 11, l->total);
		sqlite3_bind_int(st, 12, l->voided ? 1 : 0);
		sqlite3_bind_text(st, 13, l->name_kk, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 14, l->unit, -1, SQLITE_STATIC);
		if (l->weight > 0) { /* else NULL, as cleared */
			sqlite3_bind_int64(st, 15, l->weight);
			sqlite3_bind_int64(st, 16, l->price_per_unit);
		}
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

/* Refuses, inside the transaction, a part for sale id unless it is a
 * split sale still pending. */
static store_status journal_check_split_open(store_db *db, int64_t id, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, "SELECT merchant_order_id, method = 'split' AND state = 'pending'"
	                        " FROM orders WHERE id = ?1",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	char moid[JOURNAL_ORDER_ID_SIZE] = "";
	bool open = false;
	if (rc == SQLITE_ROW) {
		copy_column(moid, sizeof moid, st, 0);
		open = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return store_set_err(err, STORE_NOT_FOUND, NO_ORDER, (long long)id);
	if (rc != SQLITE_ROW)
		return db_fail(db, rc, err);
	return open ? STORE_OK : store_set_err(err, STORE_ERR_STATE, SPLIT_NOT_OPEN, moid);
}

/* Checks one tender before writing it. */
static store_status journal_check_tender(const struct journal_tender *t, store_err *err)
{
	if ((int)t->kind < 0 || t->kind == JOURNAL_SPLIT || (int)t->kind >= METHOD_COUNT)
		return store_set_err(err, STORE_ERR_INPUT, TENDER_KIND);
	if (t->amount < KP_AMOUNT_MIN || t->amount > KP_AMOUNT_MAX)
		return store_set_err(err, STORE_ERR_INPUT, TENDER_AMOUNT);
	if (t->kind == JOURNAL_CASH
	        ? t->change < 0 || t->given < t->amount || t->given - t->amount != t->change ||
	              t->given > 100 * (int64_t)KP_AMOUNT_MAX
	        : t->given != 0 || t->change != 0)
		return store_set_err(err, STORE_ERR_INPUT, TENDER_CASH);
	if (!fits(t->approval, sizeof t->approval) ||
	    (t->approval[0] && (t->kind != JOURNAL_CARD ||
	                        !printable_id(t->approval, JOURNAL_APPROVAL_SIZE - 1))))
		return store_set_err(err, STORE_ERR_INPUT, TENDER_APPROVAL);
	return STORE_OK;
}

/* Appends tender t to sale id as its next part, inside the transaction. */
static store_status journal_insert_tender(store_db *db, int64_t id, const struct journal_tender *t,
                                          store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = journal_check_tender(t, err)) != STORE_OK)
		return s;
	if ((s = db_prepare(db,
	                    "INSERT INTO tenders(order_id, part_no, kind, amount, given, change,"
	                    " approval, part_order, created_at)"
	                    " SELECT ?1, coalesce(max(part_no), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8"
	                    " FROM tenders WHERE order_id = ?1",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, method_names[t->kind], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, t->amount);
	sqlite3_bind_int64(st, 4, t->given);
	sqlite3_bind_int64(st, 5, t->change);
	sqlite3_bind_text(st, 6, t->approval, -1, SQLITE_STATIC);
	if (t->part_order > 0)
		sqlite3_bind_int64(st, 7, t->part_order);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)db_now(db));
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_CHECK)
		return store_set_err(err, STORE_ERR_INPUT, TENDER_MANY, "");
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

/* The part of writing a new order inside its transaction: its number,
 * for a Kaspi order its request body (state creating; a part also its
 * tender row), the row in state, its lines, a cash or card sale's tender,
 * its first event. */
static store_status journal_create_in(store_db *db, const struct journal_new *o,
                                      const struct journal_line *lines, size_t n_lines,
                                      const struct journal_tender *tender,
                                      enum journal_state state, int64_t *id,
                                      char moid[JOURNAL_ORDER_ID_SIZE], store_err *err)
{
	store_status s;
	int seq = 0;
	int day = kp_almaty_yyyymmdd(db_now(db));
	const char *body = NULL;
	size_t len = 0;

	if ((s = journal_next_seq(db, o->till_id, day, &seq, err)) != STORE_OK)
		return s;
	snprintf(moid, JOURNAL_ORDER_ID_SIZE, "%s-%08d-%06d", o->till_id, day, seq);
	if (journal_method_is_kaspi(o->method)) {
		if (!o->build_body(o->body_arg, moid, &body, &len))
			return store_set_err(err, STORE_ERR_INPUT, REQUEST_NOT_MADE, moid);
		if (!body || len == 0 || len > JOURNAL_BODY_MAX)
			return store_set_err(err, STORE_ERR_INPUT, REQUEST_SIZE, moid, JOURNAL_BODY_MAX);
	}
	if (o->part_of > 0 && (s = journal_check_split_open(db, o->part_of, err)) != STORE_OK)
		return s;
	if ((s = journal_insert_order(db, o, moid, day, seq, body, len, state, id, err)) != STORE_OK)
		return s;
	if ((s = journal_insert_lines(db, *id, lines, n_lines, err)) != STORE_OK)
		return s;
	if (o->part_of > 0) {
		struct journal_tender t = {.kind = o->method, .amount = o->amount, .part_order = *id};
		if ((s = journal_insert_tender(db, o->part_of, &t, err)) != STORE_OK)
			return s;
	}
	if (tender && (s = journal_insert_tender(db, *id, tender, err)) != STORE_OK)
		return s;
	return journal_add_event(db, *id, o->user_id, -1, (int)state, moid, err);
}

/* Checks, then writes a new order in one transaction (journal_create_in). */
static store_status journal_write(store_db *db, const struct journal_new *order,
                                  const struct journal_line *lines, size_t n_lines,
                                  const struct journal_tender *tender, enum journal_state state,
                                  int64_t *id, char *merchant_order_id, store_err *err)
{
	store_status s;
	int64_t new_id = 0;
	char moid[JOURNAL_ORDER_ID_SIZE] = "";

	if (merchant_order_id)
		merchant_order_id[0] = '\0';
	if ((s = journal_check_new(order, lines, n_lines, err)) != STORE_OK)
		return s;
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = journal_create_in(db, order, lines, n_lines, tender, state, &new_id, moid, err);
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	if ((s = db_commit(db, err)) != STORE_OK)
		return s;
	if (id)
		*id = new_id;
	if (merchant_order_id)
		snprintf(merchant_order_id, JOURNAL_ORDER_ID_SIZE, "%s", moid);
	return STORE_OK;
}

store_status journal_create(store_db *db, const struct journal_new *order,
                            const struct journal_line *lines, size_t n_lines, int64_t *id,
                            char *merchant_order_id, store_err *err)
{
	store_err_clear(err);
	if (order && !journal_method_is_kaspi(order->method))
		return store_set_err(err, STORE_ERR_INPUT, METHOD_WRONG_CALL);
	return journal_write(db, order, lines, n_lines, NULL, JOURNAL_CREATING, id, merchant_order_id,
	                     err);
}

/* ---- moving ------------------------------------------------------------- */

/* What a move needs to know of the order, read inside its transaction. */
struct order_head {
	char merchant_order_id[JOURNAL_ORDER_ID_SIZE];
	enum journal_state state;
	enum journal_method method;
	char payment_id[JOURNAL_PAYMENT_ID_SIZE]; /* "" when none */
};

/* Reads the head of order id, inside the caller's transaction. */
static store_status journal_read_head(store_db *db, int64_t id, struct order_head *h,
                                      store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db,
	                    "SELECT merchant_order_id, state, payment_id, method FROM orders"
	                    " WHERE id = ?1",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	bool known = false;
	if (rc == SQLITE_ROW) {
		copy_column(h->merchant_order_id, sizeof h->merchant_order_id, st, 0);
		known = journal_state_parse((const char *)sqlite3_column_text(st, 1), &h->state);
		copy_column(h->payment_id, sizeof h->payment_id, st, 2);
		known = journal_method_parse((const char *)sqlite3_column_text(st, 3), &h->method) && known;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return store_set_err(err, STORE_NOT_FOUND, NO_ORDER, (long long)id);
	if (rc != SQLITE_ROW)
		return db_fail(db, rc, err);
	if (!known)
		return store_set_err(err, STORE_ERR_VERSION, ORDER_NEWER_STATE,
		                     h->merchant_order_id);
	return STORE_OK;
}

/* Refuses a payment the journal could not record. */
static store_status journal_check_payment(const struct journal_payment *p, store_err *err)
{
	if (!p || !p->payment_id || !printable_id(p->payment_id, JOURNAL_PAYMENT_ID_SIZE - 1))
		return store_set_err(err, STORE_ERR_INPUT, PAYMENT_ID);
	if (p->qr_token && !fits(p->qr_token, JOURNAL_QR_SIZE))
		return store_set_err(err, STORE_ERR_INPUT, QR_TOO_LONG);
	if (p->expires_at < 0)
		return store_set_err(err, STORE_ERR_INPUT, EXPIRY);
	return STORE_OK;
}

/* Records payment p on order id (whose head is h), inside the
 * transaction. */
static store_status journal_store_payment(store_db *db, int64_t id, struct order_head *h,
                                          const struct journal_payment *p, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if (h->payment_id[0] && strcmp(h->payment_id, p->payment_id) != 0)
		return store_set_err(err, STORE_ERR_EXISTS, PAYMENT_NOT_THIS,
		                     h->merchant_order_id, h->payment_id, p->payment_id);
	if ((s = db_prepare(db, "SELECT merchant_order_id FROM orders WHERE payment_id = ?1 AND id <> ?2",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, p->payment_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		char other[JOURNAL_ORDER_ID_SIZE];
		copy_column(other, sizeof other, st, 0);
		sqlite3_finalize(st);
		return store_set_err(err, STORE_ERR_EXISTS, PAYMENT_OTHER_ORDER,
		                     p->payment_id, other, h->merchant_order_id);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err);

	if ((s = db_prepare(db,
	                    "UPDATE orders SET payment_id = ?2, qr_token = coalesce(?3, qr_token),"
	                    " expires_at = coalesce(?4, expires_at), updated_at = ?5 WHERE id = ?1",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, p->payment_id, -1, SQLITE_STATIC);
	if (p->qr_token && p->qr_token[0])
		sqlite3_bind_text(st, 3, p->qr_token, -1, SQLITE_STATIC);
	if (p->expires_at > 0)
		sqlite3_bind_int64(st, 4, (sqlite3_int64)p->expires_at);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)db_now(db));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err);
	snprintf(h->payment_id, sizeof h->payment_id, "%s", p->payment_id);
	return STORE_OK;
}

/* The part of a move inside its transaction: compare-and-set of the
 * state, the payment if any, the alert, one timeline row. */
static store_status journal_move_in(store_db *db, int64_t id, enum journal_state from,
                                    enum journal_state to, const struct journal_payment *payment,
                                    int64_t user_id, const char *detail, store_err *err)
{
	struct order_head h;
	sqlite3_stmt *st;
	store_status s;

	if ((s = journal_read_head(db, id, &h, err)) != STORE_OK)
		return s;
	if (h.state != from)
		return store_set_err(err, STORE_ERR_STATE, MOVED_FIRST, h.merchant_order_id);
	if (payment && (s = journal_store_payment(db, id, &h, payment, err)) != STORE_OK)
		return s;
	if (states[to].needs_payment && journal_method_is_kaspi(h.method) && !h.payment_id[0])
		return store_set_err(err, STORE_ERR_INPUT, MOVE_NEEDS_PAYMENT, h.merchant_order_id);

	if ((s = db_prepare(db,
	                    "UPDATE orders SET state = ?3, updated_at = ?4,"
	                    " alert = CASE ?5 WHEN 1 THEN 1 WHEN 2 THEN 0 ELSE alert END"
	                    " WHERE id = ?1 AND state = ?2",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, states[from].name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, states[to].name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)db_now(db));
	sqlite3_bind_int(st, 5, moves[from][to].alert == ALERT_RAISE   ? 1
	                        : moves[from][to].alert == ALERT_CLEAR ? 2
	                                                               : 0);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err);
	if (sqlite3_changes(db_sqlite(db)) != 1) /* cannot happen under the write lock */
		return store_set_err(err, STORE_ERR_STATE, MOVE_CHANGED, h.merchant_order_id);
	return journal_add_event(db, id, user_id, (int)from, (int)to, detail, err);
}

/* Checks a move against the table, then runs it in one transaction. */
static store_status journal_do_move(store_db *db, int64_t id, enum journal_state from,
                                    enum journal_state to, const struct journal_payment *payment,
                                    int64_t user_id, const char *detail, store_err *err)
{
	store_status s;

	store_err_clear(err);
	if (!state_valid(from) || !state_valid(to))
		return store_set_err(err, STORE_ERR_INPUT, STATE_UNKNOWN);
	if (!moves[from][to].allowed)
		return store_set_err(err, STORE_ERR_TRANSITION, MOVE_FORBIDDEN,
		                     states[from].name, states[to].name);
	if (payment && (s = journal_check_payment(payment, err)) != STORE_OK)
		return s;
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = journal_move_in(db, id, from, to, payment, user_id, detail, err);
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	return db_commit(db, err);
}

store_status journal_move(store_db *db, int64_t id, enum journal_state from,
                          enum journal_state to, int64_t user_id, const char *detail,
                          store_err *err)
{
	return journal_do_move(db, id, from, to, NULL, user_id, detail, err);
}

store_status journal_move_with_payment(store_db *db, int64_t id, enum journal_state from,
                                       enum journal_state to,
                                       const struct journal_payment *payment, int64_t user_id,
                                       const char *detail, store_err *err)
{
	if (!payment) {
		store_err_clear(err);
		return store_set_err(err, STORE_ERR_INPUT, NO_PAYMENT);
	}
	return journal_do_move(db, id, from, to, payment, user_id, detail, err);
}

store_status journal_set_payment(store_db *db, int64_t id, const struct journal_payment *payment,
                                 store_err *err)
{
	struct order_head h;
	store_status s;

	store_err_clear(err);
	if ((s = journal_check_payment(payment, err)) != STORE_OK)
		return s;
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = journal_read_head(db, id, &h, err);
	if (s == STORE_OK)
		s = journal_store_payment(db, id, &h, payment, err);
	if (s == STORE_OK) {
		struct kp_msg note;
		store_msg(&note, NOTE_PAYMENT, payment->payment_id);
		s = journal_add_msg(db, id, 0, -1, -1, &note, err);
	}
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	return db_commit(db, err);
}

/* The part of journal_note_attempt inside its transaction. */
static store_status journal_attempt_in(store_db *db, int64_t id, const char *last_error,
                                       store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	char text[JOURNAL_TEXT_SIZE];

	copy_line(text, sizeof text, last_error);
	if ((s = db_prepare(db,
	                    "UPDATE orders SET attempts = attempts + 1, last_error = ?2,"
	                    " updated_at = ?3 WHERE id = ?1",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)db_now(db));
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err);
	if (sqlite3_changes(db_sqlite(db)) != 1)
		return store_set_err(err, STORE_NOT_FOUND, NO_ORDER, (long long)id);

	if ((s = db_prepare(db, "SELECT attempts FROM orders WHERE id = ?1", &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	int attempts = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, rc, err);
	struct kp_msg note;
	if (text[0])
		store_msg(&note, NOTE_CREATE_FAILED, attempts, text);
	else
		store_msg(&note, NOTE_CREATE_ANSWERED, attempts);
	return journal_add_msg(db, id, 0, -1, -1, &note, err);
}

store_status journal_note_attempt(store_db *db, int64_t id, const char *last_error,
                                  store_err *err)
{
	store_status s;

	store_err_clear(err);
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = journal_attempt_in(db, id, last_error, err);
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	return db_commit(db, err);
}

store_status journal_note(store_db *db, int64_t id, int64_t user_id, const char *detail,
                          store_err *err)
{
	struct order_head h;
	store_status s;

	store_err_clear(err);
	if (!detail || !detail[0])
		return store_set_err(err, STORE_ERR_INPUT, NOTE_EMPTY);
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = journal_read_head(db, id, &h, err);
	if (s == STORE_OK)
		s = journal_add_event(db, id, user_id, -1, -1, detail, err);
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	return db_commit(db, err);
}

/* ---- sales and their tenders ------------------------------------------- */

store_status journal_record_sale(store_db *db, const struct journal_new *order,
                                 const struct journal_line *lines, size_t n_lines,
                                 const struct journal_tender *tender, int64_t *id,
                                 char *merchant_order_id, store_err *err)
{
	store_err_clear(err);
	if (!order || !tender || (order->method != JOURNAL_CASH && order->method != JOURNAL_CARD) ||
	    tender->kind != order->method)
		return store_set_err(err, STORE_ERR_INPUT, METHOD_WRONG_CALL);
	if (tender->amount != order->amount)
		return store_set_err(err, STORE_ERR_INPUT, TENDER_SUM, "");
	return journal_write(db, order, lines, n_lines, tender, JOURNAL_SUCCEEDED, id,
	                     merchant_order_id, err);
}

store_status journal_open_split(store_db *db, const struct journal_new *order,
                                const struct journal_line *lines, size_t n_lines, int64_t *id,
                                char *merchant_order_id, store_err *err)
{
	store_err_clear(err);
	if (!order || order->method != JOURNAL_SPLIT)
		return store_set_err(err, STORE_ERR_INPUT, METHOD_WRONG_CALL);
	return journal_write(db, order, lines, n_lines, NULL, JOURNAL_PENDING, id,
	                     merchant_order_id, err);
}

/* What split sale id's Kaspi parts paid and how many are open, and how
 * many parts paid, inside a transaction or a read. */
static store_status journal_split_sums(store_db *db, int64_t id, int64_t *paid, int *open,
                                       int *paying, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db,
	                    "SELECT coalesce(sum(CASE WHEN o.state = 'succeeded' THEN t.amount END), 0),"
	                    " count(CASE WHEN o.state IN ('creating', 'pending') THEN 1 END),"
	                    " count(CASE WHEN o.state = 'succeeded' THEN 1 END)"
	                    " FROM tenders t JOIN orders o ON o.id = t.part_order"
	                    " WHERE t.order_id = ?1",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*paid = sqlite3_column_int64(st, 0);
		*open = sqlite3_column_int(st, 1);
		if (paying)
			*paying = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : db_fail(db, rc, err);
}

store_status journal_split_paid(store_db *db, int64_t id, int64_t *paid, int *open,
                                store_err *err)
{
	store_err_clear(err);
	*paid = 0;
	*open = 0;
	return journal_split_sums(db, id, paid, open, NULL, err);
}

/* Sale id's amount, inside the transaction. */
static store_status journal_order_amount(store_db *db, int64_t id, int64_t *amount, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, "SELECT amount FROM orders WHERE id = ?1", &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*amount = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return store_set_err(err, STORE_NOT_FOUND, NO_ORDER, (long long)id);
	return rc == SQLITE_ROW ? STORE_OK : db_fail(db, rc, err);
}

static store_status journal_complete_split_in(store_db *db, int64_t id,
                                              const struct journal_tender *parts, size_t n,
                                              int64_t user_id, store_err *err)
{
	struct order_head h;
	store_status s;
	int64_t paid = 0, amount = 0;
	int open = 0, paying = 0;

	if ((s = journal_read_head(db, id, &h, err)) != STORE_OK)
		return s;
	if (h.method != JOURNAL_SPLIT || h.state != JOURNAL_PENDING)
		return store_set_err(err, STORE_ERR_STATE, SPLIT_NOT_OPEN, h.merchant_order_id);
	if ((s = journal_split_sums(db, id, &paid, &open, &paying, err)) != STORE_OK)
		return s;
	if (open > 0)
		return store_set_err(err, STORE_ERR_INPUT, TENDER_OPEN, h.merchant_order_id);
	if ((size_t)paying + n > JOURNAL_TENDERS_MAX)
		return store_set_err(err, STORE_ERR_INPUT, TENDER_MANY, h.merchant_order_id);
	int64_t sum = paid;
	for (size_t i = 0; i < n; i++) {
		if (parts[i].kind != JOURNAL_CASH && parts[i].kind != JOURNAL_CARD)
			return store_set_err(err, STORE_ERR_INPUT, TENDER_KIND);
		if ((s = journal_insert_tender(db, id, &parts[i], err)) != STORE_OK)
			return s;
		sum += parts[i].amount; /* each ≤ KP_AMOUNT_MAX, at most 4: no overflow */
	}
	if ((s = journal_order_amount(db, id, &amount, err)) != STORE_OK)
		return s;
	if (sum != amount)
		return store_set_err(err, STORE_ERR_INPUT, TENDER_SUM, h.merchant_order_id);
	return journal_move_in(db, id, JOURNAL_PENDING, JOURNAL_SUCCEEDED, NULL, user_id, NULL, err);
}

store_status journal_complete_split(store_db *db, int64_t id, const struct journal_tender *parts,
                                    size_t n, int64_t user_id, store_err *err)
{
	store_status s;

	store_err_clear(err);
	if (n > JOURNAL_TENDERS_MAX || (n > 0 && !parts))
		return store_set_err(err, STORE_ERR_INPUT, TENDER_MANY, "");
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = journal_complete_split_in(db, id, parts, n, user_id, err);
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	return db_commit(db, err);
}

store_status journal_open_splits(store_db *db, struct journal_order **out, size_t *count,
                                store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if ((s = db_prepare(db, ORDER_SELECT " WHERE method = 'split' AND state = 'pending' ORDER BY id",
	                    &st, err)) != STORE_OK)
		return s;
	return journal_fetch_list(db, st, out, count, err);
}

void journal_tender_read(sqlite3_stmt *st, int first, struct journal_tender *t)
{
	memset(t, 0, sizeof *t);
	t->part_no = sqlite3_column_int(st, first);
	if (!journal_method_parse((const char *)sqlite3_column_text(st, first + 1), &t->kind))
		t->kind = JOURNAL_CASH; /* the schema allows no other name */
	t->amount = sqlite3_column_int64(st, first + 2);
	t->given = sqlite3_column_int64(st, first + 3);
	t->change = sqlite3_column_int64(st, first + 4);
	copy_column(t->approval, sizeof t->approval, st, first + 5);
	t->part_order = sqlite3_column_int64(st, first + 6);
	t->part_state = JOURNAL_SUCCEEDED; /* cash and card are paid when written */
	if (t->part_order &&
	    !journal_state_parse((const char *)sqlite3_column_text(st, first + 7), &t->part_state))
		t->part_state = JOURNAL_FAILED;
	t->created_at = (time_t)sqlite3_column_int64(st, first + 8);
}

store_status journal_tenders(store_db *db, int64_t id, struct journal_tender **out,
                             size_t *count, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	struct journal_tender *list = NULL;
	size_t n = 0, cap = 0;
	int rc;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if ((s = db_prepare(db,
	                    "SELECT " JOURNAL_TENDER_COLUMNS
	                    " FROM tenders t LEFT JOIN orders p ON p.id = t.part_order"
	                    " WHERE t.order_id = ?1 ORDER BY t.part_no",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!KP_GROW(list, cap, n + 1, 4)) {
			s = store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
			break;
		}
		journal_tender_read(st, 0, &list[n++]);
	}
	sqlite3_finalize(st);
	if (s == STORE_OK && rc != SQLITE_DONE)
		s = db_fail(db, rc, err);
	if (s != STORE_OK) {
		free(list);
		return s;
	}
	*out = list;
	*count = n;
	return STORE_OK;
}

/* ---- orders the server does not know ------------------------------------------ */

store_status journal_set_server_unknown(store_db *db, int64_t id, bool unknown,
                                        const char *detail, bool *changed, store_err *err)
{
	struct order_head h;
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	if (changed)
		*changed = false;
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	if ((s = journal_read_head(db, id, &h, err)) != STORE_OK)
		goto fail;
	if ((s = db_prepare(db,
	                    unknown ? "INSERT OR IGNORE INTO orders_unknown (order_id, since)"
	                              " VALUES (?1, ?2)"
	                            : "DELETE FROM orders_unknown WHERE order_id = ?1 AND ?2 = ?2",
	                    &st, err)) != STORE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)db_now(db));
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		s = db_fail(db, rc, err);
		goto fail;
	}
	if (sqlite3_changes(db_sqlite(db)) == 1) {
		struct kp_msg note;
		if (unknown)
			store_msg(&note, NOTE_UNKNOWN);
		else
			store_msg(&note, NOTE_KNOWN_AGAIN);
		if (detail && detail[0])
			s = journal_add_event(db, id, 0, -1, -1, detail, err);
		else
			s = journal_add_msg(db, id, 0, -1, -1, &note, err);
		if (s != STORE_OK)
			goto fail;
		if (changed)
			*changed = true;
	}
	return db_commit(db, err);
fail:
	db_rollback(db);
	return s;
}

store_status journal_close_unknown(store_db *db, int64_t id, int64_t approver_id,
                                   const char *reason, store_err *err)
{
	struct order_head h;
	sqlite3_stmt *st;
	store_status s;
	char detail[JOURNAL_TEXT_SIZE];

	store_err_clear(err);
	if (!reason || !reason[0])
		return store_set_err(err, STORE_ERR_INPUT, CLOSE_NO_REASON);
	if (approver_id <= 0)
		return store_set_err(err, STORE_ERR_INPUT, CLOSE_NO_MANAGER);
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	if ((s = journal_read_head(db, id, &h, err)) != STORE_OK)
		goto fail;
	if ((s = db_prepare(db, "SELECT 1 FROM orders_unknown WHERE order_id = ?1", &st, err)) !=
	    STORE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	bool unknown = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		s = db_fail(db, rc, err);
		goto fail;
	}
	if (h.state != JOURNAL_PENDING && h.state != JOURNAL_CREATING &&
	    h.state != JOURNAL_ABANDONED) {
		s = store_set_err(err, STORE_ERR_STATE, CLOSE_FINISHED, h.merchant_order_id);
		goto fail;
	}
	if (!unknown) {
		s = store_set_err(err, STORE_ERR_STATE, CLOSE_KNOWN, h.merchant_order_id);
		goto fail;
	}
	struct kp_msg note;
	store_msg(&note, NOTE_CLOSED_UNKNOWN, reason);
	store_msg_pack(&note, detail, sizeof detail);
	s = journal_move_in(db, id, h.state, JOURNAL_FAILED, NULL, approver_id, detail, err);
	if (s != STORE_OK)
		goto fail;
	return db_commit(db, err);
fail:
	db_rollback(db);
	return s;
}

/* ---- reading -------------------------------------------------------------- */

store_status journal_get(store_db *db, int64_t id, struct journal_order *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	if ((s = db_prepare(db, ORDER_SELECT " WHERE id = ?1", &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	return journal_fetch_one(db, st, out, err);
}

store_status journal_get_by_order_id(store_db *db, const char *merchant_order_id,
                                     struct journal_order *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	if (!merchant_order_id)
		return STORE_NOT_FOUND;
	if ((s = db_prepare(db, ORDER_SELECT " WHERE merchant_order_id = ?1", &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, merchant_order_id, -1, SQLITE_STATIC);
	return journal_fetch_one(db, st, out, err);
}

store_status journal_get_by_payment_id(store_db *db, const char *payment_id,
                                       struct journal_order *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	if (!payment_id)
		return STORE_NOT_FOUND;
	if ((s = db_prepare(db, ORDER_SELECT " WHERE payment_id = ?1", &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, payment_id, -1, SQLITE_STATIC);
	return journal_fetch_one(db, st, out, err);
}

/* A row id written as 1–18 ASCII digits. */
static bool parse_row_id(const char *text, int64_t *id)
{
	size_t n = strnlen(text, 19);
	if (n == 0 || n > 18)
		return false;
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		v = v * 10 + (text[i] - '0');
	}
	*id = v;
	return true;
}

store_status journal_find(store_db *db, const char *text, struct journal_order *out,
                          store_err *err)
{
	store_status s;
	int64_t id;

	store_err_clear(err);
	if (!text || !text[0])
		return store_set_err(err, STORE_ERR_INPUT, WHICH_ORDER);
	s = journal_get_by_order_id(db, text, out, err);
	if (s == STORE_NOT_FOUND)
		s = journal_get_by_payment_id(db, text, out, err);
	if (s == STORE_NOT_FOUND && parse_row_id(text, &id))
		s = journal_get(db, id, out, err);
	if (s == STORE_NOT_FOUND)
		store_set_err(err, STORE_NOT_FOUND, NO_SUCH_ORDER, text);
	return s;
}

store_status journal_body(store_db *db, int64_t id, char **body, size_t *len, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	*body = NULL;
	*len = 0;
	if ((s = db_prepare(db, "SELECT request_body FROM orders WHERE id = ?1", &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE
		               ? store_set_err(err, STORE_NOT_FOUND, NO_ORDER, (long long)id)
		               : db_fail(db, rc, err);
	}
	/* the bytes as stored: no conversion, NULs included */
	const void *bytes = sqlite3_column_blob(st, 0);
	size_t n = (size_t)sqlite3_column_bytes(st, 0);
	char *copy = malloc(n + 1);
	if (copy) {
		if (n)
			memcpy(copy, bytes, n);
		copy[n] = '\0';
	}
	sqlite3_finalize(st);
	if (!copy)
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	*body = copy;
	*len = n;
	return STORE_OK;
}

/* STORE_OK if order id exists, else STORE_NOT_FOUND (with a message). */
static store_status journal_exists(store_db *db, int64_t id, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, "SELECT 1 FROM orders WHERE id = ?1", &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE
	               ? store_set_err(err, STORE_NOT_FOUND, NO_ORDER, (long long)id)
	               : db_fail(db, rc, err);
}

store_status journal_lines(store_db *db, int64_t id, struct journal_line **out, size_t *count,
                           store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	struct journal_line *list = NULL;
	size_t n = 0, cap = 0;
	int rc;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if ((s = journal_exists(db, id, err)) != STORE_OK)
		return s;
	if ((s = db_prepare(db,
	                    "SELECT line_no, product_id, sku, barcode, name, quantity, unit_price,"
	                    " tax_rate, discount, total, voided, name_kk, " JOURNAL_LINE_MEASURE_COLUMNS("")
	                    " FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!KP_GROW(list, cap, n + 1, 8)) {
			sqlite3_finalize(st);
			free(list);
			return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
		}
		struct journal_line *l = &list[n++];
		memset(l, 0, sizeof *l);
		l->line_no = sqlite3_column_int(st, 0);
		l->product_id = sqlite3_column_int64(st, 1); /* NULL reads as 0 */
		copy_column(l->sku, sizeof l->sku, st, 2);
		copy_column(l->barcode, sizeof l->barcode, st, 3);
		copy_column(l->name, sizeof l->name, st, 4);
		l->quantity = sqlite3_column_int64(st, 5);
		l->unit_price = sqlite3_column_int64(st, 6);
		l->tax_rate = sqlite3_column_int(st, 7);
		l->discount = sqlite3_column_int64(st, 8);
		l->total = sqlite3_column_int64(st, 9);
		l->voided = sqlite3_column_int(st, 10) != 0;
		copy_column(l->name_kk, sizeof l->name_kk, st, 11);
		journal_read_measure(l, st, 12);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(list);
		return db_fail(db, rc, err);
	}
	*out = list;
	*count = n;
	return STORE_OK;
}

store_status journal_events(store_db *db, int64_t id, struct journal_event **out, size_t *count,
                            store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	struct journal_event *list = NULL;
	size_t n = 0, cap = 0;
	int rc;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if ((s = journal_exists(db, id, err)) != STORE_OK)
		return s;
	if ((s = db_prepare(db,
	                    "SELECT id, at, user_id, kind, from_state, to_state, detail"
	                    " FROM order_events WHERE order_id = ?1 ORDER BY id",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!KP_GROW(list, cap, n + 1, 8)) {
			sqlite3_finalize(st);
			free(list);
			return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
		}
		struct journal_event *e = &list[n++];
		const char *kind = (const char *)sqlite3_column_text(st, 3);
		memset(e, 0, sizeof *e);
		e->id = sqlite3_column_int64(st, 0);
		e->at = (time_t)sqlite3_column_int64(st, 1);
		e->user_id = sqlite3_column_int64(st, 2);
		e->kind = kind && strcmp(kind, "state") == 0 ? JOURNAL_EVENT_STATE : JOURNAL_EVENT_NOTE;
		e->has_from = journal_state_parse((const char *)sqlite3_column_text(st, 4), &e->from);
		if (!journal_state_parse((const char *)sqlite3_column_text(st, 5), &e->to))
			e->to = JOURNAL_CREATING; /* a note: to means nothing */
		copy_column(e->detail, sizeof e->detail, st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(list);
		return db_fail(db, rc, err);
	}
	*out = list;
	*count = n;
	return STORE_OK;
}

store_status journal_unfinished(store_db *db, struct journal_order **out, size_t *count,
                                store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	/* One parameter per state; only the unfinished ones get their name,
	 * the others stay NULL and match nothing: the rule stays in states[]. */
	if ((s = db_prepare(db,
	                    ORDER_SELECT " WHERE state IN (" JOURNAL_STATE_PARAMS_2 ")"
	                    " AND method IN ('qr', 'phone') ORDER BY id",
	                    &st, err)) != STORE_OK)
		return s;
	journal_bind_states(st, 2, journal_state_unfinished);
	return journal_fetch_list(db, st, out, count, err);
}

store_status journal_alerts(store_db *db, struct journal_order **out, size_t *count,
                            store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if ((s = db_prepare(db, ORDER_SELECT " WHERE alert = 1 ORDER BY id", &st, err)) != STORE_OK)
		return s;
	return journal_fetch_list(db, st, out, count, err);
}

store_status journal_kept_parts(store_db *db, struct journal_order **out, size_t *count,
                                store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if ((s = db_prepare(db,
	                    ORDER_SELECT " WHERE part_of IN (SELECT id FROM orders WHERE method = 'split'"
	                    " AND state = 'abandoned')"
	                    " AND state IN ('succeeded', 'partially_refunded')"
	                    " AND amount > refunded_amount + (SELECT coalesce(sum(f.amount), 0)"
	                    " FROM refunds f WHERE f.order_id = orders.id AND f.state = 'refund_pending')"
	                    " ORDER BY id",
	                    &st, err)) != STORE_OK)
		return s;
	return journal_fetch_list(db, st, out, count, err);
}

store_status journal_list(store_db *db, const struct journal_filter *f, struct journal_order **out,
                          size_t *count, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	int64_t amount = -1;
	char like[160] = "", clock[8] = "";

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if (f->search && *f->search) {
		const char *q = f->search;
		/* "14:05": a time of day; digits and separators: an amount */
		if (strlen(q) == 5 && q[2] == ':' && q[0] >= '0' && q[0] <= '2')
			snprintf(clock, sizeof clock, "%s", q);
		else if (!money_parse_tenge(q, &amount))
			amount = -1;
		/* LIKE with its wildcards taken literally (ESCAPE '\\') */
		size_t n = 0;
		like[n++] = '%';
		for (; *q && n < sizeof like - 3; q++) {
			if (*q == '%' || *q == '_' || *q == '\\')
				like[n++] = '\\';
			like[n++] = *q;
		}
		like[n++] = '%';
		like[n] = '\0';
	}
	if ((s = db_prepare(db,
	                    ORDER_SELECT " WHERE created_at >= ?1 AND (?2 = 0 OR created_at < ?2)"
	                    " AND (?3 < 0 OR state = ?4) AND (?5 < 0 OR method = ?6)"
	                    " AND (?7 = '' OR merchant_order_id LIKE ?7 ESCAPE '\\'"
	                    "      OR payment_id LIKE ?7 ESCAPE '\\' OR amount = ?8"
	                    "      OR strftime('%H:%M', created_at + ?11, 'unixepoch') = ?9)"
	                    " ORDER BY created_at DESC, id DESC LIMIT ?10",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)f->from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)f->to);
	sqlite3_bind_int(st, 3, f->state);
	sqlite3_bind_text(st, 4, f->state >= 0 ? journal_state_name((enum journal_state)f->state) : "",
	                  -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, f->method);
	sqlite3_bind_text(st, 6, f->method >= 0 ? journal_method_name((enum journal_method)f->method) : "",
	                  -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, like, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, amount);
	sqlite3_bind_text(st, 9, clock, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 10, f->limit > 0 ? f->limit : 1000);
	sqlite3_bind_int(st, 11, KP_ALMATY_OFFSET_S);
	return journal_fetch_list(db, st, out, count, err);
}
