/* cash.c — the cash in the drawer: the movements (float, in, out), their
 * rules, and the one computation of what the drawer should hold. See
 * cash.h for the rules; schema step "cash" in db.c holds them again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "core/validate.h"
#include "store/cash.h"
#include "store/events.h"
#include "store/journal.h"
#include "store/shifts.h"

static const char *const kind_names[CASH_KIND_COUNT] = {
	[CASH_FLOAT] = "float",
	[CASH_IN] = "in",
	[CASH_OUT] = "out",
};

/* The events log's kinds, one per movement. */
static const char *const event_kinds[CASH_KIND_COUNT] = {
	[CASH_FLOAT] = "cash_float",
	[CASH_IN] = "cash_in",
	[CASH_OUT] = "cash_out",
};

const char *cash_kind_name(enum cash_kind k)
{
	return (int)k >= 0 && k < CASH_KIND_COUNT ? kind_names[k] : "?";
}

bool cash_kind_parse(const char *name, enum cash_kind *out)
{
	for (int k = 0; k < CASH_KIND_COUNT; k++)
		if (name && strcmp(name, kind_names[k]) == 0) {
			*out = (enum cash_kind)k;
			return true;
		}
	return false;
}

bool cash_figures_any(const struct cash_figures *c)
{
	return c->float_amount > 0 || c->sales.count > 0 || c->in.count > 0 || c->out.count > 0 ||
	       c->refunds.count > 0;
}

/* ---- what the drawer should hold ------------------------------------- */

/* The drawer's own rows, one row per scope (?1 the shift; ?1 the day):
 * float set, float, cash in (count, sum), cash out (count, sum), cash
 * refunds (count, sum). */
static const char *const moves_sql[2] = {
	"SELECT"
	" EXISTS (SELECT 1 FROM cash_moves WHERE shift_id = ?1 AND kind = 'float'),"
	" coalesce((SELECT amount FROM cash_moves WHERE shift_id = ?1 AND kind = 'float'"
	"   ORDER BY id DESC LIMIT 1), 0),"
	" i.n, i.amount, o.n, o.amount,"
	/* cash refunds: the scope's refunds given back in cash (the running
	 * totals per tender, returns without a receipt among them) */
	" r.n, r.amount"
	" FROM (SELECT count(*) AS n, coalesce(sum(amount), 0) AS amount FROM cash_moves"
	"   WHERE shift_id = ?1 AND kind = 'in') i,"
	" (SELECT coalesce(sum(refunds), 0) AS n, coalesce(sum(amount), 0) AS amount"
	"   FROM report_refunds WHERE shift_id = ?1 AND method = 'cash' AND state = 'refunded') r,"
	" (SELECT count(*) AS n, coalesce(sum(amount), 0) AS amount FROM cash_moves"
	"   WHERE shift_id = ?1 AND kind = 'out') o",

	"SELECT"
	" EXISTS (SELECT 1 FROM cash_moves WHERE day = ?1 AND kind = 'float'),"
	/* the floats of the shifts whose first float is of the day, each its last */
	" (SELECT coalesce(sum(m.amount), 0) FROM cash_moves m WHERE m.kind = 'float'"
	"   AND m.id = (SELECT max(id) FROM cash_moves l WHERE l.shift_id = m.shift_id"
	"     AND l.kind = 'float')"
	"   AND m.shift_id IN (SELECT f.shift_id FROM cash_moves f WHERE f.day = ?1"
	"     AND f.kind = 'float' AND f.id = (SELECT min(id) FROM cash_moves g"
	"       WHERE g.shift_id = f.shift_id AND g.kind = 'float'))),"
	" i.n, i.amount, o.n, o.amount,"
	" r.n, r.amount" /* cash refunds, as the shift's above */
	" FROM (SELECT count(*) AS n, coalesce(sum(amount), 0) AS amount FROM cash_moves"
	"   WHERE day = ?1 AND kind = 'in') i,"
	" (SELECT coalesce(sum(refunds), 0) AS n, coalesce(sum(amount), 0) AS amount"
	"   FROM report_refunds WHERE day = ?1 AND method = 'cash' AND state = 'refunded') r,"
	" (SELECT count(*) AS n, coalesce(sum(amount), 0) AS amount FROM cash_moves"
	"   WHERE day = ?1 AND kind = 'out') o",
};

/* The scope's sales with a cash tender and what their cash paid, the sale
 * states bound as ?2 … ?11 (journal_state_is_sale), both from running
 * totals (a few rows, however many sales): a cash sale is paid whole by
 * its one tender (report_orders), a split sale's cash is its cash parts
 * (report_split_tenders, as the reports read them). */
static const char *const sales_sql[2] = {
	"SELECT c.n + s.n, c.amount + s.amount FROM"
	" (SELECT coalesce(sum(orders), 0) AS n, coalesce(sum(amount), 0) AS amount"
	"   FROM report_orders WHERE shift_id = ?1 AND method = 'cash'"
	"   AND state IN (" JOURNAL_STATE_PARAMS_2 ")) c,"
	" (SELECT coalesce(sum(sales), 0) AS n, coalesce(sum(amount), 0) AS amount"
	"   FROM report_split_tenders WHERE shift_id = ?1 AND kind = 'cash') s",

	"SELECT c.n + s.n, c.amount + s.amount FROM"
	" (SELECT coalesce(sum(orders), 0) AS n, coalesce(sum(amount), 0) AS amount"
	"   FROM report_orders WHERE day = ?1 AND method = 'cash'"
	"   AND state IN (" JOURNAL_STATE_PARAMS_2 ")) c,"
	" (SELECT coalesce(sum(sales), 0) AS n, coalesce(sum(amount), 0) AS amount"
	"   FROM report_split_tenders WHERE day = ?1 AND kind = 'cash') s",
};

/* Runs one of the statements above for the scope into v[0 … n). */
static store_status scope_row(store_db *db, const char *sql, int64_t shift_id, int yyyymmdd,
                              int64_t *v, int n, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	if ((s = db_prepare(db, sql, &st, err)) != STORE_OK)
		return s;
	if (shift_id > 0)
		sqlite3_bind_int64(st, 1, shift_id);
	else
		sqlite3_bind_int(st, 1, yyyymmdd);
	if (sqlite3_bind_parameter_count(st) > 1)
		journal_bind_states(st, 2, journal_state_is_sale);
	int rc = sqlite3_step(st);
	for (int i = 0; i < n; i++)
		v[i] = rc == SQLITE_ROW ? sqlite3_column_int64(st, i) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : db_fail(db, rc, err);
}

/* The figures of a shift (shift_id > 0) or of day yyyymmdd, the cash
 * sales read here or given (sales: NULL reads them), and the one formula
 * of the cash the drawer should hold:
 *   expected = float + cash tenders (given − change) + cash in − cash out
 *              − cash refunds. */
static store_status figures(store_db *db, int64_t shift_id, int yyyymmdd,
                            const struct cash_sum *sales, struct cash_figures *out,
                            store_err *err)
{
	int64_t m[8], c[2];
	store_status s;
	int k = shift_id > 0 ? 0 : 1;

	memset(out, 0, sizeof *out);
	if ((s = scope_row(db, moves_sql[k], shift_id, yyyymmdd, m, 8, err)) != STORE_OK)
		return s;
	if (sales) {
		c[0] = sales->count;
		c[1] = sales->amount;
	} else if ((s = scope_row(db, sales_sql[k], shift_id, yyyymmdd, c, 2, err)) != STORE_OK) {
		return s;
	}
	out->float_set = m[0] != 0;
	out->float_amount = m[1];
	out->sales = (struct cash_sum){c[0], c[1]};
	out->in = (struct cash_sum){m[2], m[3]};
	out->out = (struct cash_sum){m[4], m[5]};
	out->refunds = (struct cash_sum){m[6], m[7]};
	out->expected = out->float_amount + out->sales.amount + out->in.amount - out->out.amount -
	                out->refunds.amount;
	return STORE_OK;
}

store_status cash_figures_shift(store_db *db, int64_t shift_id, struct cash_figures *out,
                                store_err *err)
{
	store_err_clear(err);
	if (shift_id <= 0) {
		memset(out, 0, sizeof *out);
		return store_set_err(err, STORE_ERR_INPUT, CASH_NO_SHIFT, (long long)shift_id);
	}
	return figures(db, shift_id, 0, NULL, out, err);
}

store_status cash_figures_day(store_db *db, int yyyymmdd, struct cash_figures *out,
                              store_err *err)
{
	store_err_clear(err);
	return figures(db, 0, yyyymmdd, NULL, out, err);
}

store_status cash_figures_with_sales(store_db *db, int64_t shift_id, int yyyymmdd,
                                     const struct cash_sum *sales, struct cash_figures *out,
                                     store_err *err)
{
	store_err_clear(err);
	return figures(db, shift_id, yyyymmdd, sales, out, err);
}

/* ---- the rules --------------------------------------------------------- */

/* A reason: at most CASH_REASON_CHARS characters of UTF-8, no control
 * bytes; empty is allowed here (a float's), refused by the caller for in
 * and out. */
static bool reason_ok(const char *s)
{
	if (strnlen(s, CASH_REASON_SIZE) >= CASH_REASON_SIZE)
		return false;
	long n = kp_utf8_length(s);
	if (n < 0 || n > CASH_REASON_CHARS)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static store_status refuse(enum cash_rule *rule, enum cash_rule why, store_status s)
{
	if (rule)
		*rule = why;
	return s;
}

/* The rules of cash.h but the approval, inside the caller's transaction
 * or read. */
static store_status check_in(store_db *db, int64_t shift_id, const struct cash_new *m,
                             bool *needs_manager, enum cash_rule *rule, store_err *err)
{
	const char *reason = m->reason ? m->reason : "";
	struct cash_figures fig;
	struct shift open;
	store_status s;

	if ((int)m->kind < 0 || m->kind >= CASH_KIND_COUNT)
		return refuse(rule, CASH_RULE_KIND, store_set_err(err, STORE_ERR_INPUT, CASH_KIND));
	if (m->kind == CASH_FLOAT && (m->amount < 0 || m->amount > CASH_AMOUNT_MAX))
		return refuse(rule, CASH_RULE_AMOUNT,
		              store_set_err(err, STORE_ERR_INPUT, CASH_FLOAT_AMOUNT));
	if (m->kind != CASH_FLOAT && (m->amount < 1 || m->amount > CASH_AMOUNT_MAX))
		return refuse(rule, CASH_RULE_AMOUNT, store_set_err(err, STORE_ERR_INPUT, CASH_AMOUNT));
	if (!reason_ok(reason) || (m->kind != CASH_FLOAT && !reason[0]))
		return refuse(rule, CASH_RULE_REASON,
		              m->kind == CASH_FLOAT
		                      ? store_set_err(err, STORE_ERR_INPUT, CASH_FLOAT_REASON, CASH_REASON_CHARS)
		                      : store_set_err(err, STORE_ERR_INPUT, CASH_REASON, CASH_REASON_CHARS));
	memset(&fig, 0, sizeof fig); /* shift 0: the one about to open, its drawer empty */
	if (shift_id != 0) {
		s = shifts_get_open(db, &open, err);
		if (s == STORE_NOT_FOUND || (s == STORE_OK && open.id != shift_id))
			return refuse(rule, CASH_RULE_SHIFT,
			              store_set_err(err, STORE_ERR_INPUT, CASH_NO_SHIFT, (long long)shift_id));
		if (s != STORE_OK)
			return s;
		if ((s = figures(db, shift_id, 0, NULL, &fig, err)) != STORE_OK)
			return s;
	}
	if (m->kind == CASH_OUT && m->amount > fig.expected) {
		char asked[48], held[48];
		money_format(asked, sizeof asked, m->amount);
		money_format(held, sizeof held, fig.expected);
		return refuse(rule, CASH_RULE_DRAWER,
		              store_set_err(err, STORE_ERR_INPUT, CASH_OUT_OVER, asked, held));
	}
	if (needs_manager)
		*needs_manager = m->kind == CASH_OUT ||
		                 (m->kind == CASH_FLOAT && (m->amount > 0 || fig.float_set));
	return STORE_OK;
}

/* A read transaction: the rules see one state of the file. */
static store_status begin_read(store_db *db, store_err *err)
{
	int rc = sqlite3_exec(db_sqlite(db), "BEGIN", NULL, NULL, NULL);
	return rc == SQLITE_OK ? STORE_OK : db_fail(db, rc, err);
}

store_status cash_check(store_db *db, int64_t shift_id, const struct cash_new *m,
                        bool *needs_manager, enum cash_rule *rule, store_err *err)
{
	store_status s;
	store_err_clear(err);
	refuse(rule, CASH_RULE_OK, STORE_OK);
	if (needs_manager)
		*needs_manager = false;
	if ((s = begin_read(db, err)) != STORE_OK)
		return s;
	s = check_in(db, shift_id, m, needs_manager, rule, err);
	db_rollback(db);
	return s;
}

/* Whether user_id is a manager. */
static store_status is_manager(store_db *db, int64_t user_id, bool *yes, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	*yes = false;
	if (user_id <= 0)
		return STORE_OK;
	if ((s = db_prepare(db, "SELECT role = 'manager' FROM users WHERE id = ?1", &st, err)) !=
	    STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, user_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*yes = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

static void bind_user(sqlite3_stmt *st, int col, int64_t user_id)
{
	if (user_id > 0)
		sqlite3_bind_int64(st, col, user_id);
	else
		sqlite3_bind_null(st, col);
}

/* Inside the write transaction: the rules, the row, the event. */
static store_status record_in(store_db *db, int64_t shift_id, const struct cash_new *m,
                              int64_t *id, enum cash_rule *rule, store_err *err)
{
	bool needs = false, manager = false;
	sqlite3_stmt *st;
	store_status s;

	if (shift_id <= 0)
		return refuse(rule, CASH_RULE_SHIFT,
		              store_set_err(err, STORE_ERR_INPUT, CASH_NO_SHIFT, (long long)shift_id));
	if ((s = check_in(db, shift_id, m, &needs, rule, err)) != STORE_OK)
		return s;
	if ((s = is_manager(db, m->approved_by, &manager, err)) != STORE_OK)
		return s;
	if ((needs || m->approved_by) && !manager)
		return refuse(rule, CASH_RULE_MANAGER,
		              store_set_err(err, STORE_ERR_INPUT, CASH_NEEDS_MANAGER));
	if ((s = db_prepare(db,
	                    "INSERT INTO cash_moves(shift_id, day, kind, amount, reason, user_id,"
	                    " approved_by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	                    &st, err)) != STORE_OK)
		return s;
	time_t now = db_now(db);
	sqlite3_bind_int64(st, 1, shift_id);
	sqlite3_bind_int(st, 2, kp_almaty_yyyymmdd(now));
	sqlite3_bind_text(st, 3, kind_names[m->kind], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, m->amount);
	sqlite3_bind_text(st, 5, m->reason ? m->reason : "", -1, SQLITE_STATIC);
	bind_user(st, 6, m->user_id);
	bind_user(st, 7, m->approved_by);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)now);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err);
	int64_t row = sqlite3_last_insert_rowid(db_sqlite(db));
	if (id)
		*id = row;
	/* for people reading the log: the row and the tiyn, never a sentence */
	char detail[64];
	snprintf(detail, sizeof detail, "#%lld %lld", (long long)row, (long long)m->amount);
	return events_append(db, m->user_id, event_kinds[m->kind], detail, err);
}

store_status cash_record(store_db *db, int64_t shift_id, const struct cash_new *m, int64_t *id,
                         enum cash_rule *rule, store_err *err)
{
	store_status s;
	store_err_clear(err);
	refuse(rule, CASH_RULE_OK, STORE_OK);
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = record_in(db, shift_id, m, id, rule, err);
	if (s == STORE_OK)
		return db_commit(db, err);
	db_rollback(db);
	return s;
}

/* ---- the list ---------------------------------------------------------- */

store_status cash_moves(store_db *db, int64_t shift_id, struct cash_move **out, size_t *count,
                        store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	size_t cap = 0;
	int rc;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if ((s = db_prepare(db,
	                    "SELECT id, shift_id, kind, amount, reason, user_id, approved_by, at"
	                    " FROM cash_moves WHERE shift_id = ?1 ORDER BY id",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, shift_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!KP_GROW(*out, cap, *count + 1, 8)) {
			sqlite3_finalize(st);
			free(*out);
			*out = NULL;
			*count = 0;
			return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
		}
		struct cash_move *c = &(*out)[(*count)++];
		memset(c, 0, sizeof *c);
		c->id = sqlite3_column_int64(st, 0);
		c->shift_id = sqlite3_column_int64(st, 1);
		if (!cash_kind_parse((const char *)sqlite3_column_text(st, 2), &c->kind))
			c->kind = CASH_KIND_COUNT; /* the schema allows no other name */
		c->amount = sqlite3_column_int64(st, 3);
		const char *r = (const char *)sqlite3_column_text(st, 4);
		snprintf(c->reason, sizeof c->reason, "%s", r ? r : "");
		c->user_id = sqlite3_column_int64(st, 5);
		c->approved_by = sqlite3_column_int64(st, 6);
		c->at = (time_t)sqlite3_column_int64(st, 7);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*count = 0;
		return db_fail(db, rc, err);
	}
	return STORE_OK;
}
