/* refunds.c — the refund rules, where each tiyn of a refund came from,
 * writing refunds and settling them with their order (see refunds.h).
 *
 * The order's side of a settled refund (refunded_amount, the move, its
 * timeline row) is written here with SQL on the journal's tables, in the
 * same transaction as the refund's own row: journal.c has no transaction
 * a caller can join. It keeps the journal's invariants: the move is one
 * journal_move_allowed permits, it is a compare-and-set on the state (and
 * on refunded_amount), leaving late_paid clears the alert as journal.c's
 * table says, and only columns its triggers leave free are changed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/measure.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "core/validate.h"
#include "core/vat.h"
#include "store/events.h"
#include "store/refunds.h"
#include "store/users.h"

/* Room to write a detail before it is cut (at a character boundary) to
 * what its column keeps. */
#define DETAIL_ROOM (REFUNDS_REASON_SIZE + 512)

/* Marks a cashier's word for xgettext; the caller translates it. */
#define N_(s) (s)

static const char *const state_names[REFUND_STATE_COUNT] = {
	[REFUND_PENDING] = "refund_pending",
	[REFUND_REFUNDED] = "refunded",
	[REFUND_FAILED] = "refund_failed",
};

/* The cashier's words for them (N_() msgids). */
static const char *const state_labels[REFUND_STATE_COUNT] = {
	[REFUND_PENDING] = N_("waiting"),
	[REFUND_REFUNDED] = N_("refunded"),
	[REFUND_FAILED] = N_("failed"),
};

/* Where a refund went, as the cashier reads it (N_() msgids). */
static const char *const tender_labels[] = {
	[JOURNAL_QR] = N_("through Kaspi QR"),
	[JOURNAL_PHONE] = N_("through Kaspi by phone"),
	[JOURNAL_CASH] = N_("in cash"),
	[JOURNAL_CARD] = N_("to the card"),
};

/* The columns refunds_read expects, in its order; f is refunds, t its
 * refund_tenders row. */
#define REFUND_SELECT                                                                          \
	"SELECT f.id, coalesce(f.order_id, 0), f.merchant_refund_id, f.shift_id, f.amount,"      \
	" f.reason, f.state, f.refund_id, f.user_id, f.approved_by, f.attempts, f.last_error,"   \
	" f.created_at, f.updated_at, length(CAST(f.request_body AS BLOB)), t.tender,"           \
	" coalesce(t.part_no, 0) FROM refunds f LEFT JOIN refund_tenders t ON t.refund_row = f.id"

const char *refunds_state_name(enum refund_state state)
{
	return (int)state >= 0 && state < REFUND_STATE_COUNT ? state_names[state] : "?";
}

const char *refunds_state_label(enum refund_state state)
{
	return (int)state >= 0 && state < REFUND_STATE_COUNT ? state_labels[state] : "?";
}

const char *refunds_tender_label(enum journal_method tender)
{
	return (int)tender >= 0 && tender <= JOURNAL_CARD ? tender_labels[tender] : "?";
}

bool refunds_state_parse(const char *name, enum refund_state *out)
{
	for (int i = 0; name && i < REFUND_STATE_COUNT; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum refund_state)i;
			return true;
		}
	return false;
}

/* ---- small helpers --------------------------------------------------------- */

/* Copies src into dst (size bytes) as one line, cut at a character
 * boundary if too long. */
static void copy_line(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
	for (char *p = dst; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

static void copy_column(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const char *text = (const char *)sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", text ? text : "");
}


/* The contract's reason: 1–255 characters of UTF-8, no control bytes. */
static bool reason_ok(const char *s)
{
	if (!s || strnlen(s, REFUNDS_REASON_SIZE) >= REFUNDS_REASON_SIZE)
		return false;
	long n = kp_utf8_length(s);
	if (n < 1 || n > REFUNDS_REASON_CHARS)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* The server's refund_id: 1–127 printable ASCII, no space. */
static bool server_id_ok(const char *s)
{
	size_t n = s ? strnlen(s, REFUNDS_SERVER_ID_SIZE) : 0;
	if (n == 0 || n >= REFUNDS_SERVER_ID_SIZE)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

/* Runs a statement that yields one integer (NULL reads as 0). */
static store_status query_i64(store_db *db, sqlite3_stmt *st, int64_t *out, store_err *err)
{
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, rc, err);
	return STORE_OK;
}

/* Appends one row to order order_id's timeline, inside the caller's
 * transaction: a move from → to, or a note when to is NULL; its detail
 * the store's message note, packed. */
static store_status order_event(store_db *db, int64_t order_id, int64_t user_id, const char *from,
                                const char *to, const struct kp_msg *note, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	char text[JOURNAL_TEXT_SIZE];

	store_msg_pack(note, text, sizeof text);
	if ((s = db_prepare(db,
	                    "INSERT INTO order_events(order_id, at, user_id, kind, from_state,"
	                    " to_state, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, order_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)db_now(db));
	if (user_id > 0)
		sqlite3_bind_int64(st, 3, user_id);
	sqlite3_bind_text(st, 4, to ? "state" : "note", -1, SQLITE_STATIC);
	if (to && from)
		sqlite3_bind_text(st, 5, from, -1, SQLITE_STATIC);
	if (to)
		sqlite3_bind_text(st, 6, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, text, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

/* Appends to the events log, the detail cut at a character boundary to
 * what a reader keeps. */
static store_status log_event(store_db *db, int64_t user_id, const char *kind, const char *detail,
                              store_err *err)
{
	char text[EVENT_DETAIL_SIZE];
	copy_line(text, sizeof text, detail);
	return events_append(db, user_id, kind, text, err);
}

/* A user's name for the event log ("#id" when there is none). */
static void user_name(store_db *db, int64_t id, char *out, size_t size)
{
	sqlite3_stmt *st;
	store_err err;

	snprintf(out, size, "#%lld", (long long)id);
	if (id <= 0 || db_prepare(db, "SELECT name FROM users WHERE id = ?1", &st, &err) != STORE_OK)
		return;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		copy_column(out, size, st, 0);
	sqlite3_finalize(st);
}

/* ---- the rules --------------------------------------------------------------- */

/* One tender an order was paid with, and what is left of it to give
 * back (refunds.h, "Tenders"). */
struct source {
	enum journal_method kind;    /* qr, phone, cash or card */
	int part_no;                 /* a split sale's part (tenders); 0: the order's own payment */
	int64_t kaspi_order;         /* Kaspi: the order whose payment it is; else 0 */
	char payment_id[JOURNAL_PAYMENT_ID_SIZE]; /* Kaspi: that payment's id */
	int64_t left;                /* paid − refunded − pending, never below 0 */
	int64_t pending;             /* refunds of it still refund_pending */
};

/* What the rules found, with the parts of the refund and, per tender it
 * goes back to (q.alloc), the pieces of those parts it gives. */
struct plan {
	struct journal_order order;
	struct refund_quote q;
	struct refund_part *parts;   /* malloc'd */
	size_t n_parts;
	struct source src[REFUNDS_ALLOC_MAX]; /* the order's paid tenders, in part order */
	size_t n_src;
	size_t alloc_src[REFUNDS_ALLOC_MAX];  /* q.alloc[i] draws on src[alloc_src[i]] */
	struct refund_part *pieces[REFUNDS_ALLOC_MAX]; /* malloc'd, n_pieces[i] for q.alloc[i] */
	size_t n_pieces[REFUNDS_ALLOC_MAX];
};

static void plan_free(struct plan *p)
{
	free(p->parts);
	p->parts = NULL;
	p->n_parts = 0;
	for (size_t i = 0; i < REFUNDS_ALLOC_MAX; i++) {
		free(p->pieces[i]);
		p->pieces[i] = NULL;
		p->n_pieces[i] = 0;
	}
}

/* refuse(p, rule, err, NAME, args...): a refusal by a rule, the rule
 * noted in the plan: STORE_ERR_INPUT with the message STORE_MSG_NAME. */
#define refuse(p, by, err, name, ...)                                                      \
	((p)->q.rule = (by), store_set_err((err), STORE_ERR_INPUT, name, ##__VA_ARGS__))

/* The refusal of a refund of order o, which was never paid: says what
 * became of it. */
static store_status refuse_unpaid(struct plan *p, const struct journal_order *o, store_err *err)
{
	const char *id = o->merchant_order_id;
	switch (o->state) {
	case JOURNAL_CREATING:
		return refuse(p, REFUNDS_RULE_STATE, err, REFUND_CREATING, id);
	case JOURNAL_PENDING:
		return refuse(p, REFUNDS_RULE_STATE, err, REFUND_WAITING, id);
	case JOURNAL_CANCELLED:
		return refuse(p, REFUNDS_RULE_STATE, err, REFUND_DECLINED, id);
	case JOURNAL_FAILED:
		return refuse(p, REFUNDS_RULE_STATE, err, REFUND_FAILED_ORDER, id);
	case JOURNAL_EXPIRED:
		return refuse(p, REFUNDS_RULE_STATE, err, REFUND_EXPIRED, id);
	case JOURNAL_ABANDONED:
		return refuse(p, REFUNDS_RULE_STATE, err, REFUND_GIVEN_UP, id);
	default:
		return refuse(p, REFUNDS_RULE_STATE, err, REFUND_NOT_PAID, id);
	}
}

/* When the payment succeeded, as the 90-day window counts: the first move
 * of the order into a sale state (succeeded or late_paid: the refunded
 * ones come after one of them), else its created_at. */
static store_status paid_at(store_db *db, const struct journal_order *o, time_t *out,
                            store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	int64_t at = 0;

	if ((s = db_prepare(db,
	                    "SELECT min(at) FROM order_events WHERE order_id = ?1 AND kind = 'state'"
	                    " AND to_state IN (" JOURNAL_STATE_PARAMS_2 ")",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, o->id);
	journal_bind_states(st, 2, journal_state_is_sale);
	if ((s = query_i64(db, st, &at, err)) != STORE_OK)
		return s;
	*out = at > 0 ? (time_t)at : o->created_at;
	return STORE_OK;
}

/* The refunds still refund_pending that draw on order_id's payment: its
 * own, and those of its split sale that draw on it as a part (by the
 * partial index of refund_pending: there are few). */
static store_status pending_of(store_db *db, int64_t order_id, int64_t *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db,
	                    "SELECT coalesce(sum(f.amount), 0) FROM refunds f"
	                    " LEFT JOIN refund_tenders r ON r.refund_row = f.id"
	                    " LEFT JOIN tenders t ON t.order_id = f.order_id AND t.part_no = r.part_no"
	                    " WHERE f.state = 'refund_pending' AND (f.order_id = ?1 OR t.part_order = ?1)",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, order_id);
	return query_i64(db, st, out, err);
}

/* What split sale sale_id's refunds took of its cash or card part part_no
 * (refunded or pending; not failed). */
static store_status part_taken(store_db *db, int64_t sale_id, int part_no, int64_t *out,
                               store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db,
	                    "SELECT coalesce(sum(f.amount), 0) FROM refunds f"
	                    " JOIN refund_tenders r ON r.refund_row = f.id"
	                    " WHERE f.order_id = ?1 AND r.part_no = ?2 AND f.state <> 'refund_failed'",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, sale_id);
	sqlite3_bind_int(st, 2, part_no);
	return query_i64(db, st, out, err);
}

/* A Kaspi order's payment as a source: what is left of it. */
static store_status kaspi_source(store_db *db, const struct journal_order *k, struct source *src,
                                 store_err *err)
{
	store_status s = pending_of(db, k->id, &src->pending, err);
	if (s != STORE_OK)
		return s;
	src->kaspi_order = k->id;
	snprintf(src->payment_id, sizeof src->payment_id, "%s", k->payment_id);
	src->left = k->amount - k->refunded_amount - src->pending;
	if (src->left < 0)
		src->left = 0;
	return STORE_OK;
}

/* The tenders order p->order was paid with, and what is left of each: a
 * sale in one tender is its own; a split sale's are its parts that paid
 * (a Kaspi part when its order did), in the order taken. */
static store_status load_sources(store_db *db, struct plan *p, store_err *err)
{
	const struct journal_order *o = &p->order;
	struct journal_tender *tenders = NULL;
	size_t n = 0;
	store_status s;

	if (o->method != JOURNAL_SPLIT) {
		struct source *src = &p->src[p->n_src++];
		src->kind = o->method;
		if (journal_method_is_kaspi(o->method))
			return kaspi_source(db, o, src, err);
		if ((s = pending_of(db, o->id, &src->pending, err)) != STORE_OK)
			return s;
		src->left = o->amount - o->refunded_amount - src->pending;
		if (src->left < 0)
			src->left = 0;
		return STORE_OK;
	}
	if ((s = journal_tenders(db, o->id, &tenders, &n, err)) != STORE_OK)
		return s;
	for (size_t i = 0; i < n && s == STORE_OK; i++) {
		const struct journal_tender *t = &tenders[i];
		if (!journal_state_is_sale(t->part_state))
			continue; /* a Kaspi try that did not pay */
		if (p->n_src == REFUNDS_ALLOC_MAX) {
			s = store_set_err(err, STORE_ERR_INTERNAL, REFUND_TENDERS_MANY, o->merchant_order_id,
			                  REFUNDS_ALLOC_MAX);
			break;
		}
		struct source *src = &p->src[p->n_src++];
		memset(src, 0, sizeof *src);
		src->kind = t->kind;
		src->part_no = t->part_no;
		if (journal_method_is_kaspi(t->kind)) {
			struct journal_order k;
			s = journal_get(db, t->part_order, &k, err);
			if (s == STORE_OK)
				s = kaspi_source(db, &k, src, err);
		} else {
			int64_t taken = 0;
			s = part_taken(db, o->id, t->part_no, &taken, err);
			src->left = t->amount - taken > 0 ? t->amount - taken : 0;
		}
	}
	free(tenders);
	if (s == STORE_OK && p->n_src == 0)
		s = refuse(p, REFUNDS_RULE_TENDER, err, REFUND_NO_TENDER, o->merchant_order_id);
	return s;
}

/* In which round a tender gives back (refunds.h, "Tenders"): by default
 * Kaspi, then card, then cash; with to_cash the cash parts first. */
static int source_round(enum journal_method kind, bool to_cash)
{
	if (to_cash)
		return kind == JOURNAL_CASH ? 0 : journal_method_is_kaspi(kind) ? 1 : 2;
	return journal_method_is_kaspi(kind) ? 0 : kind == JOURNAL_CARD ? 1 : 2;
}

/* Spreads p->q.amount (≤ what the sources have left) over the sources,
 * each up to what is left of it, into p->q.alloc. */
static void allocate(struct plan *p, bool to_cash)
{
	int64_t rest = p->q.amount;
	p->q.n_alloc = 0;
	for (int round = 0; round < 3 && rest > 0; round++)
		for (size_t i = 0; i < p->n_src && rest > 0; i++) {
			const struct source *src = &p->src[i];
			if (source_round(src->kind, to_cash) != round || src->left <= 0)
				continue;
			int64_t take = rest < src->left ? rest : src->left;
			p->alloc_src[p->q.n_alloc] = i;
			p->q.alloc[p->q.n_alloc++] = (struct refund_alloc){
				.tender = to_cash ? JOURNAL_CASH : src->kind,
				.part_no = src->part_no,
				.kaspi_order = src->kaspi_order,
				.amount = take,
			};
			rest -= take;
		}
}

/* Splits the refund's parts over its tenders in order (p->pieces): each
 * tender gets pieces adding up to its amount; a part that falls across
 * two keeps its line and units on the first piece (the units of a line
 * count once), the other pieces only its rate. */
static store_status split_parts(struct plan *p, store_err *err)
{
	size_t k = 0;
	int64_t rem = p->n_parts ? p->parts[0].amount : 0;
	bool first = true;

	for (size_t a = 0; a < p->q.n_alloc; a++) {
		p->pieces[a] = calloc(p->n_parts + 1, sizeof *p->pieces[a]);
		if (!p->pieces[a])
			return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
		int64_t need = p->q.alloc[a].amount;
		/* a part worth nothing (a free line) goes with the tender in hand */
		while (k < p->n_parts && (need > 0 || rem == 0)) {
			const struct refund_part *part = &p->parts[k];
			int64_t take = rem < need ? rem : need;
			struct refund_part *piece = &p->pieces[a][p->n_pieces[a]];
			*piece = (struct refund_part){.part = (int)p->n_pieces[a] + 1,
			                              .tax_rate = part->tax_rate, .amount = take};
			if (first) {
				piece->line_no = part->line_no;
				piece->quantity = part->quantity;
			}
			p->n_pieces[a]++;
			first = false;
			rem -= take;
			need -= take;
			if (rem == 0 && ++k < p->n_parts) {
				rem = p->parts[k].amount;
				first = true;
			}
			if (p->n_pieces[a] > p->n_parts) /* cannot happen: one piece per part at most */
				return store_set_err(err, STORE_ERR_INTERNAL, REFUND_VAT_SPLIT);
		}
		if (need != 0)
			return store_set_err(err, STORE_ERR_INTERNAL, REFUND_VAT_SPLIT);
	}
	if (k < p->n_parts)
		return store_set_err(err, STORE_ERR_INTERNAL, REFUND_VAT_SPLIT);
	return STORE_OK;
}

/* What w thousandths of weighed line l give back when done of them went
 * back before and gave given tiyn: w × the price per unit, rounded half
 * up, less the discount's share; the line's last thousandths take all
 * that is left of its total, so that its refunds add up to it exactly. */
static int64_t weighed_share(const struct journal_line *l, int64_t done, int64_t given, int64_t w)
{
	if (done + w == l->weight)
		return l->total - given > 0 ? l->total - given : 0;
	return kp_measure_refund_share(w, l->price_per_unit, l->total, l->unit_price,
	                               l->total - given);
}

/* What order_id's refunds (pending or refunded, not failed) took, per
 * VAT rate (taken[rate]) and per line (units[line index] and the tiyn of
 * them given[line index], lines being lines[0 … n_lines) in line_no order
 * 1…n_lines). A weighed line's units are its thousandths.
 *
 * A weighed line's given is its refunds' shares replayed in the order they
 * were made (weighed_share), not the tiyn its tagged parts hold: a refund
 * over a split sale's tenders tags the line on its first piece only, the
 * pieces in the next tenders' rows carry only its VAT rate, so the tagged
 * amounts can fall short of what the line gave back. */
static store_status refunds_taken(store_db *db, int64_t order_id, int64_t taken[VAT_RATE_MAX + 1],
                                  int64_t *units, int64_t *given,
                                  const struct journal_line *lines, size_t n_lines, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	int rc;

	if ((s = db_prepare(db,
	                    "SELECT l.tax_rate, l.amount, coalesce(l.line_no, 0), coalesce(l.quantity, 0)"
	                    " FROM refund_lines l JOIN refunds r ON r.id = l.refund_row"
	                    " WHERE r.order_id = ?1 AND r.state <> 'refund_failed'"
	                    " ORDER BY r.id, l.part",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, order_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int rate = sqlite3_column_int(st, 0);
		int64_t line_no = sqlite3_column_int64(st, 2);
		int64_t amount = sqlite3_column_int64(st, 1), w = sqlite3_column_int64(st, 3);
		if (rate >= 0 && rate <= VAT_RATE_MAX)
			taken[rate] += amount;
		if (line_no >= 1 && (size_t)line_no <= n_lines) {
			const struct journal_line *l = &lines[line_no - 1];
			size_t i = (size_t)line_no - 1;
			given[i] += l->weight > 0 ? weighed_share(l, units[i], given[i], w) : amount;
			units[i] += w;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

/* A refund by lines: each pick's share, checked against its line. */
static store_status plan_lines(struct plan *p, const struct refund_new *r,
                               const struct journal_line *lines, size_t n_lines,
                               const int64_t *units, const int64_t *given, const int64_t *sold,
                               const int64_t *taken, store_err *err)
{
	int64_t adding[VAT_RATE_MAX + 1] = {0};
	int64_t sum = 0;

	if (n_lines == 0)
		return refuse(p, REFUNDS_RULE_LINES, err, REFUND_NO_LINES,
		              p->order.merchant_order_id);
	if (r->n_lines > JOURNAL_LINES_MAX)
		return refuse(p, REFUNDS_RULE_LINES, err, REFUND_LINES_MAX, JOURNAL_LINES_MAX);
	p->parts = calloc(r->n_lines, sizeof *p->parts);
	if (!p->parts)
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	for (size_t i = 0; i < r->n_lines; i++) {
		const struct refund_pick *pick = &r->lines[i];
		if (pick->line_no < 1 || (size_t)pick->line_no > n_lines ||
		    lines[pick->line_no - 1].line_no != pick->line_no)
			return refuse(p, REFUNDS_RULE_LINES, err, REFUND_NO_LINE,
			              p->order.merchant_order_id, pick->line_no);
		for (size_t k = 0; k < i; k++)
			if (r->lines[k].line_no == pick->line_no)
				return refuse(p, REFUNDS_RULE_LINES, err, REFUND_LINE_TWICE,
				              pick->line_no);
		const struct journal_line *l = &lines[pick->line_no - 1];
		if (l->voided)
			return refuse(p, REFUNDS_RULE_LINES, err, REFUND_LINE_VOIDED, l->line_no);
		int64_t done = units[pick->line_no - 1];
		int64_t size = l->weight > 0 ? l->weight : l->quantity; /* thousandths, or pieces */
		int64_t left = size - done;
		if ((pick->quantity < 1 || pick->quantity > left) && l->weight > 0) {
			char lw[32], sw[64], pw[32];
			kp_measure_format(lw, sizeof lw, left > 0 ? left : 0);
			kp_measure_format(sw, sizeof sw, l->weight);
			size_t n = strlen(sw);
			snprintf(sw + n, sizeof sw - n, " %s", l->unit); /* "0,350 кг" */
			kp_measure_format(pw, sizeof pw, pick->quantity);
			return refuse(p, REFUNDS_RULE_LINES, err, REFUND_WEIGHT, l->line_no, lw, sw, pw);
		}
		if (pick->quantity < 1 || pick->quantity > left)
			return refuse(p, REFUNDS_RULE_LINES, err, REFUND_UNITS,
			              l->line_no, (long long)(left > 0 ? left : 0), (long long)l->quantity,
			              (long long)pick->quantity);
		int64_t share;
		if (l->weight > 0) {
			/* by weight; its last grams take all that is left of it */
			share = weighed_share(l, done, given[pick->line_no - 1], pick->quantity);
		} else {
			/* every unit is worth total / quantity rounded down; the line's
			 * last unit takes what the rounding left (by units, not by what
			 * earlier refunds gave: a refund over a split sale's tenders
			 * tags the line on its first piece only) */
			int64_t unit = l->total / l->quantity;
			share = unit * pick->quantity;
			if (done + pick->quantity == l->quantity)
				share += l->total - unit * l->quantity;
		}
		adding[l->tax_rate] += share;
		if (taken[l->tax_rate] + adding[l->tax_rate] > sold[l->tax_rate])
			return refuse(p, REFUNDS_RULE_AVAILABLE, err, REFUND_RATE_GONE,
			              l->line_no, l->tax_rate);
		sum += share;
		p->parts[i] = (struct refund_part){.part = (int)i + 1, .tax_rate = l->tax_rate,
		                                   .amount = share, .line_no = l->line_no,
		                                   .quantity = pick->quantity};
	}
	p->n_parts = r->n_lines;
	p->q.amount = sum;
	if (sum < KP_AMOUNT_MIN)
		return refuse(p, REFUNDS_RULE_AMOUNT, err, REFUND_COSTS_NOTHING);
	return STORE_OK;
}

/* A refund by amount: split over the rate groups in proportion to what
 * is left of each, by largest remainder (ties to the lower rate). */
static store_status plan_amount(struct plan *p, const int64_t *sold, const int64_t *taken,
                                store_err *err)
{
	int64_t left[VAT_RATE_MAX + 1], share[VAT_RATE_MAX + 1], rem[VAT_RATE_MAX + 1];
	int64_t total = 0, given = 0, a = p->q.amount;
	size_t groups = 0;

	for (int g = 0; g <= VAT_RATE_MAX; g++) {
		left[g] = sold[g] > taken[g] ? sold[g] - taken[g] : 0;
		total += left[g];
		share[g] = rem[g] = 0;
	}
	if (total < a) /* the order's lines and its refunds disagree: never split beyond them */
		return refuse(p, REFUNDS_RULE_AVAILABLE, err, REFUND_LINES_LEFT,
		              p->order.merchant_order_id, (long long)total);
	for (int g = 0; g <= VAT_RATE_MAX; g++) {
		if (left[g] == 0)
			continue;
		/* a ≤ 100 000 000 and left[g] ≤ the order's amount: no overflow */
		share[g] = a * left[g] / total;
		rem[g] = a * left[g] % total;
		given += share[g];
	}
	for (int64_t k = given; k < a; k++) { /* fewer rounds than groups with a remainder */
		int best = -1;
		for (int g = 0; g <= VAT_RATE_MAX; g++)
			if (rem[g] > 0 && (best < 0 || rem[g] > rem[best]))
				best = g;
		if (best < 0) /* cannot happen: the remainders add up to what is missing */
			return store_set_err(err, STORE_ERR_INTERNAL, REFUND_VAT_SPLIT);
		share[best]++;
		rem[best] = 0;
	}
	for (int g = 0; g <= VAT_RATE_MAX; g++)
		groups += share[g] > 0;
	p->parts = calloc(groups ? groups : 1, sizeof *p->parts);
	if (!p->parts)
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	for (int g = 0; g <= VAT_RATE_MAX; g++)
		if (share[g] > 0) {
			p->parts[p->n_parts] = (struct refund_part){.part = (int)p->n_parts + 1,
			                                            .tax_rate = g, .amount = share[g]};
			p->n_parts++;
		}
	return STORE_OK;
}

/* Every rule of refunds.h for r, at db_now(); fills p (parts included). */
static store_status plan_refund(store_db *db, const struct refund_new *r, struct plan *p,
                                store_err *err)
{
	store_status s;
	struct journal_line *lines = NULL;
	int64_t *units = NULL;
	size_t n_lines = 0;
	int64_t sold[VAT_RATE_MAX + 1] = {0}, taken[VAT_RATE_MAX + 1] = {0};
	int64_t pending = 0;
	struct journal_order *o = &p->order;

	memset(p, 0, sizeof *p);
	if (!r)
		return store_set_err(err, STORE_ERR_INPUT, REFUND_NONE);
	if (!reason_ok(r->reason))
		return refuse(p, REFUNDS_RULE_REASON, err, REFUND_REASON, REFUNDS_REASON_CHARS);
	if (r->n_lines > 0 && (!r->lines || r->amount != 0))
		return store_set_err(err, STORE_ERR_INPUT, REFUND_BOTH);
	if (r->n_lines == 0 && r->amount < 0)
		return refuse(p, REFUNDS_RULE_AMOUNT, err, REFUND_AMOUNT_MIN);

	s = journal_get(db, r->order_id, o, err);
	if (s == STORE_NOT_FOUND)
		return store_set_err(err, STORE_NOT_FOUND, NO_ORDER, (long long)r->order_id);
	if (s != STORE_OK)
		return s;
	if (o->state == JOURNAL_REFUNDED)
		return refuse(p, REFUNDS_RULE_STATE, err, REFUND_ALREADY, o->merchant_order_id);
	if (!journal_state_refundable(o->state))
		return refuse_unpaid(p, o, err);
	if ((s = paid_at(db, o, &p->q.paid_at, err)) != STORE_OK)
		return s;
	if (db_now(db) - p->q.paid_at > REFUNDS_WINDOW_SECONDS)
		return refuse(p, REFUNDS_RULE_WINDOW, err, REFUND_WINDOW, o->merchant_order_id);
	if ((s = load_sources(db, p, err)) != STORE_OK)
		return s;
	for (size_t i = 0; i < p->n_src; i++) {
		p->q.available += p->src[i].left;
		pending += p->src[i].pending;
	}

	if ((s = journal_lines(db, o->id, &lines, &n_lines, err)) != STORE_OK)
		return s;
	for (size_t i = 0; i < n_lines; i++)
		if (!lines[i].voided)
			sold[lines[i].tax_rate] += lines[i].total;
	if (n_lines == 0) {
		if (r->bare_tax_rate < 0 || r->bare_tax_rate > VAT_RATE_MAX) {
			free(lines);
			return store_set_err(err, STORE_ERR_INPUT, VAT_RATE);
		}
		sold[r->bare_tax_rate] = o->amount;
	}
	units = calloc(2 * (n_lines ? n_lines : 1), sizeof *units); /* units, then given */
	if (!units) {
		free(lines);
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	}
	int64_t *given = units + (n_lines ? n_lines : 1);
	s = refunds_taken(db, o->id, taken, units, given, lines, n_lines, err);

	if (s == STORE_OK && r->n_lines > 0) {
		s = plan_lines(p, r, lines, n_lines, units, given, sold, taken, err);
	} else if (s == STORE_OK) {
		p->q.amount = r->amount == REFUNDS_ALL_LEFT ? p->q.available : r->amount;
		if (p->q.available == 0 && pending > 0)
			s = refuse(p, REFUNDS_RULE_AVAILABLE, err, REFUND_NOTHING_LEFT_PENDING,
			           o->merchant_order_id);
		else if (p->q.available == 0)
			s = refuse(p, REFUNDS_RULE_AVAILABLE, err, REFUND_NOTHING_LEFT, o->merchant_order_id);
	}
	if (s == STORE_OK && p->q.amount > p->q.available) {
		char want[48], left[48];
		money_format(want, sizeof want, p->q.amount);
		money_format(left, sizeof left, p->q.available);
		if (pending > 0)
			s = refuse(p, REFUNDS_RULE_AVAILABLE, err, REFUND_OVER_PENDING, want, left,
			           o->merchant_order_id);
		else
			s = refuse(p, REFUNDS_RULE_AVAILABLE, err, REFUND_OVER, want, left,
			           o->merchant_order_id);
	}
	if (s == STORE_OK && r->n_lines == 0)
		s = plan_amount(p, sold, taken, err);
	if (s == STORE_OK) {
		allocate(p, r->to_cash);
		s = split_parts(p, err);
	}
	free(lines);
	free(units);
	if (s != STORE_OK)
		plan_free(p);
	return s;
}

store_status refunds_check(store_db *db, const struct refund_new *r, struct refund_quote *q,
                           store_err *err)
{
	struct plan p;

	store_err_clear(err);
	store_status s = plan_refund(db, r, &p, err);
	plan_free(&p);
	if (q)
		*q = p.q;
	return s;
}

/* ---- writing ------------------------------------------------------------------ */

/* The next refund number of till on Almaty day, inside the transaction. */
static store_status next_seq(store_db *db, const char *till, int day, int *seq, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	int64_t next = 0;

	if ((s = db_prepare(db,
	                    "SELECT coalesce(max(day_seq), 0) + 1 FROM refunds"
	                    " WHERE till_id = ?1 AND day = ?2",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, till, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, day);
	if ((s = query_i64(db, st, &next, err)) != STORE_OK)
		return s;
	if (next > REFUNDS_SEQ_MAX)
		return store_set_err(err, STORE_ERR_INPUT, REFUND_NUMBERS, till,
		                     REFUNDS_SEQ_MAX);
	*seq = (int)next;
	return STORE_OK;
}

/* A body callback for what sends no request (check_new wants one). */
static bool refuse_body(void *arg, const char *merchant_refund_id, const char *payment_id,
                        int64_t amount, const char **body, size_t *len)
{
	(void)arg, (void)merchant_refund_id, (void)payment_id, (void)amount, (void)body, (void)len;
	return false;
}

/* Checks what refunds_create needs beyond the rules. */
static store_status check_new(const struct refund_new *r, store_err *err)
{
	if (!r || !r->build_body)
		return store_set_err(err, STORE_ERR_INPUT, REFUND_TO_WRITE);
	size_t till_len = r->till_id ? strnlen(r->till_id, JOURNAL_TILL_ID_MAX + 1) : 0;
	bool till_ok = till_len >= 1 && till_len <= JOURNAL_TILL_ID_MAX;
	for (size_t i = 0; till_ok && i < till_len; i++) {
		char c = r->till_id[i];
		till_ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
	}
	if (!till_ok)
		return store_set_err(err, STORE_ERR_INPUT, TILL_ID, JOURNAL_TILL_ID_MAX);
	if (r->shift_id <= 0)
		return store_set_err(err, STORE_ERR_INPUT, REFUND_NO_SHIFT);
	if (r->approved_by <= 0)
		return store_set_err(err, STORE_ERR_INPUT, REFUND_NO_MANAGER);
	if (r->user_id < 0)
		return store_set_err(err, STORE_ERR_INPUT, NO_USER, (long long)r->user_id);
	return STORE_OK;
}

/* A refund row to write (insert_refund). */
struct row_new {
	int64_t order_id;         /* 0: a return without a receipt */
	int64_t amount;
	const char *reason;
	enum refund_state state;  /* refund_pending (Kaspi) or refunded (cash, card) */
	const char *body;         /* the request's bytes; "" for none */
	size_t len;
	int64_t user_id, approved_by, shift_id;
	const char *till_id;
};

/* Inserts the refund row, inside the transaction. */
static store_status insert_refund(store_db *db, const struct row_new *w, const char *mrid,
                                  int day, int seq, int64_t *id, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db,
	                    "INSERT INTO refunds(order_id, merchant_refund_id, till_id, day, day_seq,"
	                    " shift_id, amount, reason, state, request_body, user_id, approved_by,"
	                    " created_at, updated_at)"
	                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
	                    &st, err)) != STORE_OK)
		return s;
	if (w->order_id > 0)
		sqlite3_bind_int64(st, 1, w->order_id);
	sqlite3_bind_text(st, 2, mrid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, w->till_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, day);
	sqlite3_bind_int(st, 5, seq);
	sqlite3_bind_int64(st, 6, w->shift_id);
	sqlite3_bind_int64(st, 7, w->amount);
	sqlite3_bind_text(st, 8, w->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, state_names[w->state], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, w->body, (int)w->len, SQLITE_STATIC); /* every byte as it is */
	if (w->user_id > 0)
		sqlite3_bind_int64(st, 11, w->user_id);
	sqlite3_bind_int64(st, 12, w->approved_by);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)db_now(db));
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return store_set_err(err, STORE_ERR_INPUT, REFUND_NO_ROWS, (long long)w->shift_id,
		                     (long long)w->user_id, (long long)w->approved_by);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err);
	*id = sqlite3_last_insert_rowid(db_sqlite(db));
	return STORE_OK;
}

/* Where refund id went (refund_tenders), inside the transaction. */
static store_status insert_tender(store_db *db, int64_t id, enum journal_method tender,
                                  int part_no, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, "INSERT INTO refund_tenders(refund_row, tender, part_no)"
	                        " VALUES (?1, ?2, ?3)",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, journal_method_name(tender), -1, SQLITE_STATIC);
	if (part_no > 0)
		sqlite3_bind_int(st, 3, part_no);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

/* Inserts the n parts of refund id, inside the transaction. */
static store_status insert_parts(store_db *db, int64_t id, const struct refund_part *parts,
                                 size_t n, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	int rc = SQLITE_DONE;

	if ((s = db_prepare(db,
	                    "INSERT INTO refund_lines(refund_row, part, tax_rate, amount, line_no,"
	                    " quantity) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	                    &st, err)) != STORE_OK)
		return s;
	for (size_t i = 0; i < n && rc == SQLITE_DONE; i++) {
		const struct refund_part *part = &parts[i];
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, part->part);
		sqlite3_bind_int(st, 3, part->tax_rate);
		sqlite3_bind_int64(st, 4, part->amount);
		if (part->line_no > 0) {
			sqlite3_bind_int(st, 5, part->line_no);
			sqlite3_bind_int64(st, 6, part->quantity);
		}
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

/* ---- the orders' side of a refund given back ------------------------------ */

/* Order id takes amount more of refunds, inside the transaction:
 * refunded_amount, the move (partially_refunded, or refunded when nothing
 * is left; leaving late_paid clears the alert) and its timeline row with
 * note. *to (may be NULL) gets its new state. */
static store_status take_one(store_db *db, int64_t order_id, int64_t amount, const char *mrid,
                             const struct kp_msg *note, enum journal_state *to_out,
                             store_err *err)
{
	struct journal_order o;
	sqlite3_stmt *st;
	store_status s;

	if ((s = journal_get(db, order_id, &o, err)) != STORE_OK)
		return s == STORE_NOT_FOUND
		               ? store_set_err(err, STORE_NOT_FOUND, NO_ORDER, (long long)order_id)
		               : s;
	if (amount > o.amount - o.refunded_amount)
		return store_set_err(err, STORE_ERR_INTERNAL, REFUND_OVER_ORDER, mrid,
		                     o.merchant_order_id);
	int64_t refunded = o.refunded_amount + amount;
	enum journal_state to = refunded == o.amount ? JOURNAL_REFUNDED : JOURNAL_PARTIALLY_REFUNDED;
	if (!journal_move_allowed(o.state, to))
		return store_set_err(err, STORE_ERR_TRANSITION, REFUND_ORDER_STATE, o.merchant_order_id,
		                     mrid);

	if ((s = db_prepare(db,
	                    "UPDATE orders SET refunded_amount = ?4, state = ?5, updated_at = ?6,"
	                    " alert = CASE WHEN ?2 = 'late_paid' THEN 0 ELSE alert END"
	                    " WHERE id = ?1 AND state = ?2 AND refunded_amount = ?3",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, o.id);
	sqlite3_bind_text(st, 2, journal_state_name(o.state), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, o.refunded_amount);
	sqlite3_bind_int64(st, 4, refunded);
	sqlite3_bind_text(st, 5, journal_state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)db_now(db));
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err);
	if (sqlite3_changes(db_sqlite(db)) != 1)
		return store_set_err(err, STORE_ERR_STATE, REFUND_ORDER_CHANGED,
		                     o.merchant_order_id);
	if ((s = order_event(db, o.id, 0, journal_state_name(o.state), journal_state_name(to), note,
	                     err)) != STORE_OK)
		return s;
	if (to_out)
		*to_out = to;
	return STORE_OK;
}

/* The Kaspi order that split sale sale_id's part part_no was paid by (0
 * for a cash or card part), inside the transaction. */
static store_status part_order_of(store_db *db, int64_t sale_id, int part_no, int64_t *out,
                                  store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, "SELECT coalesce(part_order, 0) FROM tenders"
	                        " WHERE order_id = ?1 AND part_no = ?2",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, sale_id);
	sqlite3_bind_int(st, 2, part_no);
	return query_i64(db, st, out, err);
}

/* The orders' side of refund f given back, inside the transaction: its
 * order takes it; a split sale's row drawing on a Kaspi part moves that
 * part's order too; a Kaspi part refunded on its own moves its completed
 * sale (refunds.h, "Settling"). Every move's timeline row gets note.
 * *to_out gets f's order's new state. */
static store_status orders_take(store_db *db, const struct refund *f, const struct kp_msg *note,
                                enum journal_state *to_out, store_err *err)
{
	struct journal_order o;
	int64_t other = 0;
	store_status s;

	if ((s = take_one(db, f->order_id, f->amount, f->merchant_refund_id, note, to_out, err)) !=
	    STORE_OK)
		return s;
	if (f->part_no > 0) {
		if ((s = part_order_of(db, f->order_id, f->part_no, &other, err)) != STORE_OK)
			return s;
	} else {
		if ((s = journal_get(db, f->order_id, &o, err)) != STORE_OK)
			return s;
		if (o.part_of > 0) {
			struct journal_order sale;
			if ((s = journal_get(db, o.part_of, &sale, err)) != STORE_OK)
				return s;
			/* a sale given up with a paid part keeps its state: the part alone
			 * is given back */
			if (sale.state == JOURNAL_SUCCEEDED || sale.state == JOURNAL_PARTIALLY_REFUNDED)
				other = sale.id;
		}
	}
	if (other > 0)
		return take_one(db, other, f->amount, f->merchant_refund_id, note, NULL, err);
	return STORE_OK;
}

/* The part of refunds_create inside its transaction: a row per tender. */
static store_status create_in(store_db *db, const struct refund_new *r, struct plan *p,
                              int64_t *id, char mrid[REFUNDS_ID_SIZE], store_err *err)
{
	store_status s;
	int day = kp_almaty_yyyymmdd(db_now(db));
	char sum[48], manager[USERS_NAME_SIZE], cashier[USERS_NAME_SIZE], detail[DETAIL_ROOM];

	if ((s = plan_refund(db, r, p, err)) != STORE_OK)
		return s;
	user_name(db, r->approved_by, manager, sizeof manager);
	user_name(db, r->user_id, cashier, sizeof cashier);
	for (size_t a = 0; a < p->q.n_alloc; a++) {
		struct refund_alloc *al = &p->q.alloc[a];
		const struct source *src = &p->src[p->alloc_src[a]];
		bool kaspi = journal_method_is_kaspi(al->tender);
		struct row_new w = {.order_id = p->order.id, .amount = al->amount, .reason = r->reason,
		                    .state = kaspi ? REFUND_PENDING : REFUND_REFUNDED, .body = "",
		                    .user_id = r->user_id, .approved_by = r->approved_by,
		                    .shift_id = r->shift_id, .till_id = r->till_id};
		int seq = 0;
		int64_t row = 0;

		if ((s = next_seq(db, r->till_id, day, &seq, err)) != STORE_OK)
			return s;
		snprintf(al->merchant_refund_id, sizeof al->merchant_refund_id, "%s-R-%08d-%06d",
		         r->till_id, day, seq);
		if (kaspi) {
			if (!r->build_body(r->body_arg, al->merchant_refund_id, src->payment_id, al->amount,
			                   &w.body, &w.len))
				return store_set_err(err, STORE_ERR_INPUT, REFUND_NOT_MADE,
				                     al->merchant_refund_id);
			if (!w.body || w.len == 0 || w.len > JOURNAL_BODY_MAX)
				return store_set_err(err, STORE_ERR_INPUT, REFUND_SIZE, al->merchant_refund_id,
				                     JOURNAL_BODY_MAX);
		}
		if ((s = insert_refund(db, &w, al->merchant_refund_id, day, seq, &row, err)) != STORE_OK)
			return s;
		al->row = row;
		if ((s = insert_tender(db, row, al->tender, al->part_no, err)) != STORE_OK)
			return s;
		if ((s = insert_parts(db, row, p->pieces[a], p->n_pieces[a], err)) != STORE_OK)
			return s;

		money_format(sum, sizeof sum, al->amount);
		struct kp_msg note;
		if (kaspi) {
			store_msg(&note, NOTE_REFUND_ASKED, al->merchant_refund_id, sum, manager, r->reason);
			s = order_event(db, p->order.id, r->approved_by, NULL, NULL, &note, err);
		} else {
			/* no request: given back now, with the orders' moves */
			struct refund f = {.id = row, .order_id = p->order.id, .amount = al->amount,
			                   .tender = al->tender, .part_no = al->part_no};
			snprintf(f.merchant_refund_id, sizeof f.merchant_refund_id, "%s",
			         al->merchant_refund_id);
			if (al->tender == JOURNAL_CASH)
				store_msg(&note, NOTE_REFUND_CASH, al->merchant_refund_id, sum, manager, r->reason);
			else
				store_msg(&note, NOTE_REFUND_CARD, al->merchant_refund_id, sum, manager, r->reason);
			s = orders_take(db, &f, &note, NULL, err);
		}
		if (s != STORE_OK)
			return s;
		if (r->user_id > 0)
			snprintf(detail, sizeof detail, "%s of order %s, %s %s, by %s approved by %s: %s",
			         al->merchant_refund_id, p->order.merchant_order_id, sum,
			         journal_method_name(al->tender), cashier, manager, r->reason);
		else
			snprintf(detail, sizeof detail, "%s of order %s, %s %s, approved by %s: %s",
			         al->merchant_refund_id, p->order.merchant_order_id, sum,
			         journal_method_name(al->tender), manager, r->reason);
		if ((s = log_event(db, r->approved_by, EVENT_REFUND, detail, err)) != STORE_OK)
			return s;
		if (!kaspi) {
			snprintf(detail, sizeof detail, "%s: %s refunded %s", al->merchant_refund_id, sum,
			         journal_method_name(al->tender));
			if ((s = log_event(db, r->approved_by, EVENT_REFUND_DONE, detail, err)) != STORE_OK)
				return s;
		}
	}
	if (p->q.n_alloc == 0) /* cannot happen: the rules leave an amount ≥ 1 */
		return store_set_err(err, STORE_ERR_INTERNAL, REFUND_VAT_SPLIT);
	*id = p->q.alloc[0].row;
	snprintf(mrid, REFUNDS_ID_SIZE, "%s", p->q.alloc[0].merchant_refund_id);
	return STORE_OK;
}

store_status refunds_create(store_db *db, const struct refund_new *r, int64_t *id,
                            char *merchant_refund_id, struct refund_quote *q, store_err *err)
{
	store_status s;
	struct plan p;
	int64_t new_id = 0;
	char mrid[REFUNDS_ID_SIZE] = "";

	store_err_clear(err);
	memset(&p, 0, sizeof p);
	if (q)
		memset(q, 0, sizeof *q);
	if (merchant_refund_id)
		merchant_refund_id[0] = '\0';
	if ((s = check_new(r, err)) != STORE_OK)
		return s;
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = create_in(db, r, &p, &new_id, mrid, err);
	plan_free(&p);
	if (s != STORE_OK) {
		for (size_t i = 0; i < p.q.n_alloc; i++) { /* nothing was written */
			p.q.alloc[i].row = 0;
			p.q.alloc[i].merchant_refund_id[0] = '\0';
		}
	}
	if (q)
		*q = p.q;
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	if ((s = db_commit(db, err)) != STORE_OK) {
		if (q)
			for (size_t i = 0; i < q->n_alloc; i++) {
				q->alloc[i].row = 0;
				q->alloc[i].merchant_refund_id[0] = '\0';
			}
		return s;
	}
	if (id)
		*id = new_id;
	if (merchant_refund_id)
		snprintf(merchant_refund_id, REFUNDS_ID_SIZE, "%s", mrid);
	return STORE_OK;
}

/* ---- returns without a receipt ------------------------------------------------ */

/* The part of refunds_no_receipt inside its transaction. */
static store_status no_receipt_in(store_db *db, const struct refund_bare *r, int64_t *id,
                                  char mrid[REFUNDS_ID_SIZE], store_err *err)
{
	store_status s;
	int seq = 0, day = kp_almaty_yyyymmdd(db_now(db));
	char sum[48], manager[USERS_NAME_SIZE], cashier[USERS_NAME_SIZE], detail[DETAIL_ROOM];
	struct row_new w = {.amount = r->amount, .reason = r->reason, .state = REFUND_REFUNDED,
	                    .body = "", .user_id = r->user_id, .approved_by = r->approved_by,
	                    .shift_id = r->shift_id, .till_id = r->till_id};
	struct refund_part part = {.part = 1, .tax_rate = r->tax_rate, .amount = r->amount};

	if ((s = next_seq(db, r->till_id, day, &seq, err)) != STORE_OK)
		return s;
	snprintf(mrid, REFUNDS_ID_SIZE, "%s-R-%08d-%06d", r->till_id, day, seq);
	if ((s = insert_refund(db, &w, mrid, day, seq, id, err)) != STORE_OK)
		return s;
	if ((s = insert_tender(db, *id, JOURNAL_CASH, 0, err)) != STORE_OK)
		return s;
	if ((s = insert_parts(db, *id, &part, 1, err)) != STORE_OK)
		return s;
	money_format(sum, sizeof sum, r->amount);
	user_name(db, r->approved_by, manager, sizeof manager);
	user_name(db, r->user_id, cashier, sizeof cashier);
	snprintf(detail, sizeof detail, "%s: %s in cash at %d%% VAT, %s%s approved by %s: %s", mrid,
	         sum, r->tax_rate, r->user_id > 0 ? "by " : "", r->user_id > 0 ? cashier : "", manager,
	         r->reason);
	return log_event(db, r->approved_by, EVENT_RETURN_NO_RECEIPT, detail, err);
}

store_status refunds_no_receipt_check(const struct refund_bare *r, store_err *err)
{
	store_err_clear(err);
	if (!r)
		return store_set_err(err, STORE_ERR_INPUT, REFUND_TO_WRITE);
	if (r->amount < KP_AMOUNT_MIN || r->amount > KP_AMOUNT_MAX)
		return store_set_err(err, STORE_ERR_INPUT, RETURN_AMOUNT);
	if (r->tax_rate < 0 || r->tax_rate > VAT_RATE_MAX)
		return store_set_err(err, STORE_ERR_INPUT, VAT_RATE);
	if (!reason_ok(r->reason))
		return store_set_err(err, STORE_ERR_INPUT, REFUND_REASON, REFUNDS_REASON_CHARS);
	return STORE_OK;
}

store_status refunds_no_receipt(store_db *db, const struct refund_bare *r, int64_t *id,
                                char *merchant_refund_id, store_err *err)
{
	store_status s;
	int64_t new_id = 0;
	char mrid[REFUNDS_ID_SIZE] = "";

	store_err_clear(err);
	if (merchant_refund_id)
		merchant_refund_id[0] = '\0';
	if (!r)
		return store_set_err(err, STORE_ERR_INPUT, REFUND_TO_WRITE);
	struct refund_new as_new = {.till_id = r->till_id, .shift_id = r->shift_id,
	                            .user_id = r->user_id, .approved_by = r->approved_by,
	                            .build_body = refuse_body};
	if ((s = refunds_no_receipt_check(r, err)) != STORE_OK)
		return s;
	if ((s = check_new(&as_new, err)) != STORE_OK)
		return s;
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = no_receipt_in(db, r, &new_id, mrid, err);
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	if ((s = db_commit(db, err)) != STORE_OK)
		return s;
	if (id)
		*id = new_id;
	if (merchant_refund_id)
		snprintf(merchant_refund_id, REFUNDS_ID_SIZE, "%s", mrid);
	return STORE_OK;
}

/* ---- settling ------------------------------------------------------------------ */

/* Reads refund id inside a transaction; STORE_ERR_STATE (with a message
 * that says how) when it is no longer refund_pending. */
static store_status read_pending(store_db *db, int64_t id, struct refund *out, store_err *err)
{
	store_status s = refunds_get(db, id, out, err);
	if (s == STORE_NOT_FOUND)
		return store_set_err(err, STORE_NOT_FOUND, NO_REFUND, (long long)id);
	if (s != STORE_OK)
		return s;
	if (out->state == REFUND_REFUNDED)
		return store_set_err(err, STORE_ERR_STATE, REFUND_DONE_ALREADY,
		                     out->merchant_refund_id, out->refund_id);
	if (out->state != REFUND_PENDING)
		return store_set_err(err, STORE_ERR_STATE, REFUND_FAILED_ALREADY,
		                     out->merchant_refund_id);
	return STORE_OK;
}

/* The refund row's move out of refund_pending, inside the transaction. */
static store_status move_refund(store_db *db, int64_t id, enum refund_state to,
                                const char *refund_id, const char *last_error, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	char text[JOURNAL_TEXT_SIZE];

	copy_line(text, sizeof text, last_error);
	if ((s = db_prepare(db,
	                    "UPDATE refunds SET state = ?2, refund_id = ?3, updated_at = ?4,"
	                    " last_error = CASE WHEN ?5 = '' THEN last_error ELSE ?5 END"
	                    " WHERE id = ?1 AND state = 'refund_pending'",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, state_names[to], -1, SQLITE_STATIC);
	if (refund_id)
		sqlite3_bind_text(st, 3, refund_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)db_now(db));
	sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err);
	if (sqlite3_changes(db_sqlite(db)) != 1) /* cannot happen under the write lock */
		return store_set_err(err, STORE_ERR_STATE, REFUND_CHANGED, (long long)id);
	return STORE_OK;
}

store_status refunds_settle(store_db *db, int64_t id, const char *refund_id,
                            enum journal_state *order_to, store_err *err)
{
	struct refund f;
	store_status s;
	enum journal_state to = JOURNAL_REFUNDED;
	char detail[DETAIL_ROOM], sum[48] = "";

	store_err_clear(err);
	if (!server_id_ok(refund_id))
		return store_set_err(err, STORE_ERR_INPUT, REFUND_ID);
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = read_pending(db, id, &f, err);
	if (s == STORE_OK)
		s = move_refund(db, id, REFUND_REFUNDED, refund_id, NULL, err);
	if (s == STORE_OK) {
		struct kp_msg note;
		money_format(sum, sizeof sum, f.amount);
		store_msg(&note, NOTE_REFUND_DONE, f.merchant_refund_id, sum, refund_id);
		s = orders_take(db, &f, &note, &to, err);
	}
	if (s == STORE_OK) {
		snprintf(detail, sizeof detail, "%s: %s refunded (%s)", f.merchant_refund_id, sum,
		         refund_id);
		s = log_event(db, 0, EVENT_REFUND_DONE, detail, err);
	}
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	if ((s = db_commit(db, err)) != STORE_OK)
		return s;
	if (order_to)
		*order_to = to;
	return STORE_OK;
}

store_status refunds_fail(store_db *db, int64_t id, const char *message, store_err *err)
{
	struct refund f;
	store_status s;
	char detail[DETAIL_ROOM];
	const char *why = message && *message ? message : STORE_MSG_REFUSED_BY_SERVER;
	struct kp_msg note;

	store_err_clear(err);
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = read_pending(db, id, &f, err);
	if (s == STORE_OK)
		s = move_refund(db, id, REFUND_FAILED, NULL, why, err);
	if (s == STORE_OK) {
		if (message && *message)
			store_msg(&note, NOTE_REFUND_REFUSED, f.merchant_refund_id, message);
		else
			store_msg(&note, NOTE_REFUND_REFUSED_BY_SERVER, f.merchant_refund_id);
		s = order_event(db, f.order_id, 0, NULL, NULL, &note, err);
	}
	if (s == STORE_OK) {
		snprintf(detail, sizeof detail, "%s: %s", f.merchant_refund_id, why);
		s = log_event(db, 0, EVENT_REFUND_FAILED, detail, err);
	}
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	return db_commit(db, err);
}

/* The part of refunds_note_attempt inside its transaction. */
static store_status attempt_in(store_db *db, int64_t id, const char *last_error, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	struct refund f;
	char text[JOURNAL_TEXT_SIZE];

	copy_line(text, sizeof text, last_error);
	if ((s = db_prepare(db,
	                    "UPDATE refunds SET attempts = attempts + 1, last_error = ?2,"
	                    " updated_at = CASE WHEN state = 'refund_pending' THEN ?3 ELSE updated_at END"
	                    " WHERE id = ?1",
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
		return store_set_err(err, STORE_NOT_FOUND, NO_REFUND, (long long)id);
	if ((s = refunds_get(db, id, &f, err)) != STORE_OK)
		return s;
	struct kp_msg note;
	if (text[0])
		store_msg(&note, NOTE_REFUND_FAILED, f.merchant_refund_id, f.attempts, text);
	else
		store_msg(&note, NOTE_REFUND_ANSWERED, f.merchant_refund_id, f.attempts);
	return order_event(db, f.order_id, 0, NULL, NULL, &note, err);
}

store_status refunds_note_attempt(store_db *db, int64_t id, const char *last_error,
                                  store_err *err)
{
	store_status s;

	store_err_clear(err);
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = attempt_in(db, id, last_error, err);
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	return db_commit(db, err);
}

/* ---- reading -------------------------------------------------------------------- */

/* Fills *f from a row of REFUND_SELECT; false for an unknown state. */
static bool refunds_read(sqlite3_stmt *st, struct refund *f)
{
	memset(f, 0, sizeof *f);
	f->id = sqlite3_column_int64(st, 0);
	f->order_id = sqlite3_column_int64(st, 1);
	copy_column(f->merchant_refund_id, sizeof f->merchant_refund_id, st, 2);
	f->shift_id = sqlite3_column_int64(st, 3);
	f->amount = sqlite3_column_int64(st, 4);
	copy_column(f->reason, sizeof f->reason, st, 5);
	bool known = refunds_state_parse((const char *)sqlite3_column_text(st, 6), &f->state);
	copy_column(f->refund_id, sizeof f->refund_id, st, 7);
	f->user_id = sqlite3_column_int64(st, 8);
	f->approved_by = sqlite3_column_int64(st, 9);
	f->attempts = sqlite3_column_int(st, 10);
	copy_column(f->last_error, sizeof f->last_error, st, 11);
	f->created_at = (time_t)sqlite3_column_int64(st, 12);
	f->updated_at = (time_t)sqlite3_column_int64(st, 13);
	f->body_len = (size_t)sqlite3_column_int64(st, 14);
	if (!journal_method_parse((const char *)sqlite3_column_text(st, 15), &f->tender) ||
	    f->tender == JOURNAL_SPLIT)
		f->tender = f->body_len ? JOURNAL_QR : JOURNAL_CASH; /* no row: cannot be written */
	f->part_no = sqlite3_column_int(st, 16);
	return known;
}

/* Steps st (a REFUND_SELECT) into a malloc'd array, then finalizes it. */
static store_status fetch_list(store_db *db, sqlite3_stmt *st, struct refund **out, size_t *count,
                               store_err *err)
{
	struct refund *list = NULL;
	size_t n = 0, cap = 0;
	int rc;
	store_status s = STORE_OK;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!KP_GROW(list, cap, n + 1, 8)) {
			s = store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
			break;
		}
		if (!refunds_read(st, &list[n])) {
			s = store_set_err(err, STORE_ERR_VERSION, REFUND_NEWER_STATE,
			                  (long long)list[n].id);
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

/* Steps st (a REFUND_SELECT for at most one row) into *out. */
static store_status fetch_one(store_db *db, sqlite3_stmt *st, struct refund *out, store_err *err)
{
	struct refund *list = NULL;
	size_t n = 0;
	store_status s = fetch_list(db, st, &list, &n, err);
	if (s == STORE_OK && n == 0)
		s = STORE_NOT_FOUND;
	if (s == STORE_OK)
		*out = list[0];
	free(list);
	return s;
}

store_status refunds_get(store_db *db, int64_t id, struct refund *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	if ((s = db_prepare(db, REFUND_SELECT " WHERE f.id = ?1", &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	return fetch_one(db, st, out, err);
}

store_status refunds_get_by_refund_id(store_db *db, const char *merchant_refund_id,
                                      struct refund *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	if (!merchant_refund_id)
		return STORE_NOT_FOUND;
	if ((s = db_prepare(db, REFUND_SELECT " WHERE f.merchant_refund_id = ?1", &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, merchant_refund_id, -1, SQLITE_STATIC);
	return fetch_one(db, st, out, err);
}

store_status refunds_body(store_db *db, int64_t id, char **body, size_t *len, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	*body = NULL;
	*len = 0;
	if ((s = db_prepare(db, "SELECT request_body FROM refunds WHERE id = ?1", &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE
		               ? store_set_err(err, STORE_NOT_FOUND, NO_REFUND, (long long)id)
		               : db_fail(db, rc, err);
	}
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

store_status refunds_parts(store_db *db, int64_t id, struct refund_part **out, size_t *count,
                           store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	struct refund_part *list = NULL;
	size_t n = 0, cap = 0;
	int rc;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if ((s = db_prepare(db,
	                    "SELECT part, tax_rate, amount, coalesce(line_no, 0), coalesce(quantity, 0)"
	                    " FROM refund_lines WHERE refund_row = ?1 ORDER BY part",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!KP_GROW(list, cap, n + 1, 8)) {
			sqlite3_finalize(st);
			free(list);
			return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
		}
		list[n++] = (struct refund_part){.part = sqlite3_column_int(st, 0),
		                                 .tax_rate = sqlite3_column_int(st, 1),
		                                 .amount = sqlite3_column_int64(st, 2),
		                                 .line_no = sqlite3_column_int(st, 3),
		                                 .quantity = sqlite3_column_int64(st, 4)};
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

store_status refunds_of_order(store_db *db, int64_t order_id, struct refund **out,
                              size_t *count, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if ((s = db_prepare(db, REFUND_SELECT " WHERE f.order_id = ?1 ORDER BY f.id", &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, order_id);
	return fetch_list(db, st, out, count, err);
}

store_status refunds_no_receipt_list(store_db *db, time_t from, time_t to, struct refund **out,
                                     size_t *count, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if ((s = db_prepare(db,
	                    REFUND_SELECT " WHERE f.order_id IS NULL AND f.created_at >= ?1"
	                                  " AND (?2 = 0 OR f.created_at < ?2) ORDER BY f.created_at, f.id",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)to);
	return fetch_list(db, st, out, count, err);
}

store_status refunds_pending(store_db *db, struct refund **out, size_t *count, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if ((s = db_prepare(db, REFUND_SELECT " WHERE f.state = 'refund_pending' ORDER BY f.id", &st,
	                    err)) != STORE_OK)
		return s;
	return fetch_list(db, st, out, count, err);
}
