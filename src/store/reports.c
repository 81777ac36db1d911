/* reports.c — X, Z and day reports: the computation from the running
 * totals and the journal, the Z snapshot, and the text, CSV and JSON
 * writers; the journal listing. See reports.h for what counts. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/grow.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "store/events.h"
#include "store/reports.h"
#include "store/shifts.h"

/* Marks a label for xgettext; the text writer translates it through tr. */
#define N_(s) (s)

#define DAY_SECONDS KP_DAY_S


static const char *const method_names[REPORT_METHOD_COUNT] = {
	[REPORT_QR] = "qr",
	[REPORT_PHONE] = "phone",
	[REPORT_CARD] = "card",
};

static bool method_parse(const char *name, enum report_method *out)
{
	for (int m = 0; m < REPORT_METHOD_COUNT; m++)
		if (name && strcmp(name, method_names[m]) == 0) {
			*out = (enum report_method)m;
			return true;
		}
	return false;
}

static const char *const kind_names[] = {[REPORT_X] = "x", [REPORT_Z] = "z", [REPORT_DAY] = "day"};

static void copy_text(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static void copy_column(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	copy_text(dst, size, (const char *)sqlite3_column_text(st, col));
}

void report_free(struct report *r)
{
	if (!r)
		return;
	free(r->cashiers);
	free(r->unfinished);
	memset(r, 0, sizeof *r);
}

/* ---- dates ----------------------------------------------------------- */

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool date_valid(int y, int m, int d)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= days[m - 1] + (m == 2 && leap(y));
}

bool report_parse_date(const char *text, int *yyyymmdd)
{
	int y, m, d, n = 0;
	if (!text || strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
	    n != 10 || text[4] != '-' || text[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
			return false;
	if (!date_valid(y, m, d))
		return false;
	*yyyymmdd = y * 10000 + m * 100 + d;
	return true;
}

time_t report_day_start(int yyyymmdd)
{
	return kp_almaty_day_start(yyyymmdd);
}

/* "2026-11-26 09:05" in Almaty time; "—" for 0. */
static void format_local(char *buf, size_t size, time_t t)
{
	if (t == 0) {
		copy_text(buf, size, "\xe2\x80\x94");
		return;
	}
	kp_almaty_strftime(buf, size, "%Y-%m-%d %H:%M", t);
}

static void format_day(char *buf, size_t size, int yyyymmdd)
{
	snprintf(buf, size, "%04d-%02d-%02d", yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100);
}

/* ---- computing ------------------------------------------------------- */

/* Where a report's rows come from: a shift (X, Z) or a day. */
struct scope {
	int64_t shift_id;         /* > 0: the shift's orders */
	int day;                  /* > 0: the day's orders */
	time_t from, to;          /* refunds made in [from, to] */
};

/* Binds the scope's key to parameter 1: the shift, or the day. */
static void bind_scope(sqlite3_stmt *st, const struct scope *sc)
{
	if (sc->shift_id > 0)
		sqlite3_bind_int64(st, 1, sc->shift_id);
	else
		sqlite3_bind_int(st, 1, sc->day);
}

/* Steps st to its end, calling row for each row; finalizes st. */
static store_status each_row(store_db *db, sqlite3_stmt *st, const char *doing,
                             bool (*row)(void *arg, sqlite3_stmt *st), void *arg, store_err *err)
{
	int rc;
	bool ok = true;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ok = row(arg, st);
	sqlite3_finalize(st);
	if (!ok)
		return store_set_err(err, STORE_ERR_NOMEM, "out of memory while %s", doing);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, doing, err);
}

static bool add_sum(struct report_sum *s, int64_t count, int64_t amount)
{
	return !__builtin_add_overflow(s->count, count, &s->count) &&
	       !__builtin_add_overflow(s->amount, amount, &s->amount);
}

/* One row of the order totals: method, state, orders, amount, itemised
 * orders, their amount. */
static bool order_totals_row(void *arg, sqlite3_stmt *st)
{
	struct report *r = arg;
	enum report_method m;
	enum journal_state s;
	int64_t n = sqlite3_column_int64(st, 2), amount = sqlite3_column_int64(st, 3);
	int64_t itemised = sqlite3_column_int64(st, 4), itemised_amount = sqlite3_column_int64(st, 5);

	if (!method_parse((const char *)sqlite3_column_text(st, 0), &m) ||
	    !journal_state_parse((const char *)sqlite3_column_text(st, 1), &s))
		return true; /* the schema allows no other names */
	if (journal_state_is_sale(s)) {
		add_sum(&r->sales[m], n, amount);
		add_sum(&r->sales_total, n, amount);
		add_sum(&r->sales_unitemised, n - itemised, amount - itemised_amount);
	} else if (s == JOURNAL_CANCELLED) {
		r->cancelled += n;
	} else if (s == JOURNAL_FAILED) {
		r->failed += n;
	} else if (s == JOURNAL_EXPIRED) {
		r->expired += n;
	}
	return true;
}

/* One row of the line totals: state, rate, voided, lines, total. */
static bool line_totals_row(void *arg, sqlite3_stmt *st)
{
	struct report *r = arg;
	enum journal_state s;
	int rate = sqlite3_column_int(st, 1);
	bool voided = sqlite3_column_int(st, 2) != 0;
	int64_t n = sqlite3_column_int64(st, 3), total = sqlite3_column_int64(st, 4);

	if (!journal_state_parse((const char *)sqlite3_column_text(st, 0), &s))
		return true;
	if (!journal_state_is_sale(s) || n == 0)
		return true; /* a basket tried again is a new order with the same lines */
	if (voided)
		add_sum(&r->voided, n, total);
	else
		vat_table_add(&r->vat_sales, rate, total);
	return true;
}

static store_status read_totals(store_db *db, const struct scope *sc, struct report *r,
                                store_err *err)
{
	static const char *const orders_sql[2] = {
		"SELECT method, state, sum(orders), sum(amount), sum(itemised), sum(itemised_amount)"
		" FROM report_orders WHERE shift_id = ?1 GROUP BY method, state",
		"SELECT method, state, sum(orders), sum(amount), sum(itemised), sum(itemised_amount)"
		" FROM report_orders WHERE day = ?1 GROUP BY method, state",
	};
	static const char *const lines_sql[2] = {
		"SELECT state, tax_rate, voided, sum(lines), sum(total) FROM report_lines"
		" WHERE shift_id = ?1 GROUP BY state, tax_rate, voided",
		"SELECT state, tax_rate, voided, sum(lines), sum(total) FROM report_lines"
		" WHERE day = ?1 GROUP BY state, tax_rate, voided",
	};
	int k = sc->shift_id > 0 ? 0 : 1;
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, orders_sql[k], &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	if ((s = each_row(db, st, "reading the order totals", order_totals_row, r, err)) != STORE_OK)
		return s;
	if ((s = db_prepare(db, lines_sql[k], &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	return each_row(db, st, "reading the line totals", line_totals_row, r, err);
}

struct cashier_list {
	struct report *r;
	size_t cap;
};

static bool cashier_row(void *arg, sqlite3_stmt *st)
{
	struct cashier_list *l = arg;
	struct report *r = l->r;
	int64_t id = sqlite3_column_int64(st, 0);
	for (size_t i = 0; i < r->n_cashiers; i++)
		if (r->cashiers[i].user_id == id)
			return true;
	if (!KP_GROW(r->cashiers, l->cap, r->n_cashiers + 1, 8))
		return false;
	struct report_cashier *c = &r->cashiers[r->n_cashiers++];
	c->user_id = id;
	copy_column(c->name, sizeof c->name, st, 1);
	return true;
}

/* Who took orders in the scope (by name, headless commands last), and the
 * shift's opener for a shift. */
static store_status read_cashiers(store_db *db, const struct scope *sc, struct report *r,
                                  store_err *err)
{
	static const char *const sql[2] = {
		"SELECT id, name FROM (SELECT o.user_id AS id, u.name AS name FROM report_orders o"
		" LEFT JOIN users u ON u.id = o.user_id WHERE o.shift_id = ?1 AND o.orders > 0"
		" UNION SELECT s.opened_by, u.name FROM shifts s JOIN users u ON u.id = s.opened_by"
		" WHERE s.id = ?1) ORDER BY id = 0, name, id",
		"SELECT DISTINCT o.user_id, u.name FROM report_orders o LEFT JOIN users u"
		" ON u.id = o.user_id WHERE o.day = ?1 AND o.orders > 0 ORDER BY o.user_id = 0, 2, 1",
	};
	struct cashier_list l = {.r = r};
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, sql[sc->shift_id > 0 ? 0 : 1], &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	return each_row(db, st, "reading the cashiers", cashier_row, &l, err);
}

/* Reads one integer (NULL: 0) from a statement with the scope bound. */
static store_status scope_int(store_db *db, const char *sql, const struct scope *sc,
                              int64_t *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	if ((s = db_prepare(db, sql, &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)sc->from);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)sc->to);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK
	                                             : db_fail(db, rc, "reading the journal", err);
}

/* First and last order (an index seek each), and for a day the shifts. */
static store_status read_span(store_db *db, const struct scope *sc, struct report *r,
                              store_err *err)
{
	static const char *const sql[2][2] = {
		{"SELECT created_at FROM orders WHERE shift_id = ?1 ORDER BY created_at LIMIT 1",
		 "SELECT created_at FROM orders WHERE shift_id = ?1 ORDER BY created_at DESC LIMIT 1"},
		{"SELECT created_at FROM orders WHERE created_at >= ?2 AND created_at <= ?3"
		 " ORDER BY created_at LIMIT 1",
		 "SELECT created_at FROM orders WHERE created_at >= ?2 AND created_at <= ?3"
		 " ORDER BY created_at DESC LIMIT 1"},
	};
	int k = sc->shift_id > 0 ? 0 : 1;
	int64_t v;
	store_status s;

	if ((s = scope_int(db, sql[k][0], sc, &v, err)) != STORE_OK)
		return s;
	r->first_order = (time_t)v;
	if ((s = scope_int(db, sql[k][1], sc, &v, err)) != STORE_OK)
		return s;
	r->last_order = (time_t)v;
	if (k == 0)
		return STORE_OK;
	if ((s = scope_int(db, "SELECT min(shift_id) FROM report_orders WHERE day = ?1 AND orders > 0",
	                   sc, &r->shift_id, err)) != STORE_OK)
		return s;
	return scope_int(db, "SELECT max(shift_id) FROM report_orders WHERE day = ?1 AND orders > 0",
	                 sc, &r->last_shift_id, err);
}

struct unfinished_list {
	struct report *r;
	size_t cap;
	bool refund;
};

/* id, ref, state, amount, created_at, order_ref */
static bool unfinished_row(void *arg, sqlite3_stmt *st)
{
	struct unfinished_list *l = arg;
	struct report *r = l->r;
	if (!KP_GROW(r->unfinished, l->cap, r->n_unfinished + 1, 8))
		return false;
	struct report_unfinished *u = &r->unfinished[r->n_unfinished++];
	memset(u, 0, sizeof *u);
	u->refund = l->refund;
	u->id = sqlite3_column_int64(st, 0);
	copy_column(u->ref, sizeof u->ref, st, 1);
	copy_column(u->state, sizeof u->state, st, 2);
	u->amount = sqlite3_column_int64(st, 3);
	u->created_at = (time_t)sqlite3_column_int64(st, 4);
	copy_column(u->order_ref, sizeof u->order_ref, st, 5);
	return true;
}

/* The unfinished orders of the scope, by the state index (there are few
 * of them; "+" keeps the planner off the shift index, which would visit
 * every order of the shift). */
static store_status read_unfinished_orders(store_db *db, const struct scope *sc,
                                           struct report *r, store_err *err)
{
	static const char *const sql[2] = {
		"SELECT id, merchant_order_id, state, amount, created_at, '' FROM orders"
		" WHERE state IN ('creating', 'pending', 'abandoned', 'late_paid') AND +shift_id = ?1"
		" ORDER BY created_at, id",
		"SELECT id, merchant_order_id, state, amount, created_at, '' FROM orders"
		" WHERE state IN ('creating', 'pending', 'abandoned', 'late_paid') AND +day = ?1"
		" ORDER BY created_at, id",
	};
	struct unfinished_list l = {.r = r};
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, sql[sc->shift_id > 0 ? 0 : 1], &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	return each_row(db, st, "reading the unfinished orders", unfinished_row, &l, err);
}

/* One row of the refund sums: method, refunds, amount. */
static bool refund_totals_row(void *arg, sqlite3_stmt *st)
{
	struct report *r = arg;
	enum report_method m;
	if (!method_parse((const char *)sqlite3_column_text(st, 0), &m))
		return true;
	add_sum(&r->refunds[m], sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2));
	add_sum(&r->refunds_total, sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2));
	return true;
}

/* One row of the refund parts: rate, amount. */
static bool refund_vat_row(void *arg, sqlite3_stmt *st)
{
	struct report *r = arg;
	vat_table_add(&r->vat_refunds, sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1));
	return true;
}

/* The refunds of the scope: sums per method and per VAT rate of the
 * refunded ones from the running totals, and the pending ones (few: by
 * the partial index of refund_pending) as unfinished. */
static store_status read_refunds(store_db *db, const struct scope *sc, struct report *r,
                                 store_err *err)
{
	static const char *const sums_sql[2] = {
		"SELECT method, sum(refunds), sum(amount) FROM report_refunds"
		" WHERE shift_id = ?1 AND state = 'refunded' GROUP BY method",
		"SELECT method, sum(refunds), sum(amount) FROM report_refunds"
		" WHERE day = ?1 AND state = 'refunded' GROUP BY method",
	};
	static const char *const vat_sql[2] = {
		"SELECT tax_rate, sum(amount) FROM report_refund_lines"
		" WHERE shift_id = ?1 AND state = 'refunded' GROUP BY tax_rate",
		"SELECT tax_rate, sum(amount) FROM report_refund_lines"
		" WHERE day = ?1 AND state = 'refunded' GROUP BY tax_rate",
	};
	static const char *const pending_sql[2] = {
		"SELECT f.id, f.merchant_refund_id, f.state, f.amount, f.created_at, o.merchant_order_id"
		" FROM refunds f JOIN orders o ON o.id = f.order_id"
		" WHERE f.state = 'refund_pending' AND +f.shift_id = ?1 ORDER BY f.created_at, f.id",
		"SELECT f.id, f.merchant_refund_id, f.state, f.amount, f.created_at, o.merchant_order_id"
		" FROM refunds f JOIN orders o ON o.id = f.order_id"
		" WHERE f.state = 'refund_pending' AND +f.day = ?1 ORDER BY f.created_at, f.id",
	};
	int k = sc->shift_id > 0 ? 0 : 1;
	struct unfinished_list l = {.r = r, .cap = r->n_unfinished, .refund = true};
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, sums_sql[k], &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	if ((s = each_row(db, st, "reading the refunds", refund_totals_row, r, err)) != STORE_OK)
		return s;
	if ((s = db_prepare(db, vat_sql[k], &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	if ((s = each_row(db, st, "reading the refunds", refund_vat_row, r, err)) != STORE_OK)
		return s;
	if ((s = db_prepare(db, pending_sql[k], &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	return each_row(db, st, "reading the pending refunds", unfinished_row, &l, err);
}

/* round half away from zero of v × pct / 10000, without overflow */
static int64_t percent_of(int64_t v, int pct)
{
	int64_t q = v / 10000, m = v % 10000; /* m has v's sign */
	int64_t part = m * pct;
	int64_t rounded = part >= 0 ? (part + 5000) / 10000 : (part - 5000) / 10000;
	return q * pct + rounded;
}

/* The figures derived from the sums: net, commission, payout. */
static void derive(struct report *r, const struct report_params *p)
{
	r->net = r->sales_total.amount - r->refunds_total.amount;
	r->commission_total = 0;
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		int pct = p ? p->commission[m] : 0;
		r->commission_rate[m] = pct;
		r->commission[m] = percent_of(r->sales[m].amount - r->refunds[m].amount, pct);
		r->commission_total += r->commission[m];
	}
	r->payout = r->net - r->commission_total;
}

static void fill_header(struct report *r, enum report_kind kind, const struct report_params *p)
{
	memset(r, 0, sizeof *r);
	r->kind = kind;
	vat_table_init(&r->vat_sales);
	vat_table_init(&r->vat_refunds);
	if (p) {
		copy_text(r->store_name, sizeof r->store_name, p->store_name);
		copy_text(r->store_bin, sizeof r->store_bin, p->store_bin);
		copy_text(r->store_address, sizeof r->store_address, p->store_address);
		copy_text(r->till_id, sizeof r->till_id, p->till_id);
	}
}

/* Everything but the header, for the scope. */
static store_status compute(store_db *db, const struct scope *sc, const struct report_params *p,
                            struct report *r, store_err *err)
{
	store_status s;
	if ((s = read_totals(db, sc, r, err)) != STORE_OK ||
	    (s = read_cashiers(db, sc, r, err)) != STORE_OK ||
	    (s = read_span(db, sc, r, err)) != STORE_OK ||
	    (s = read_unfinished_orders(db, sc, r, err)) != STORE_OK ||
	    (s = read_refunds(db, sc, r, err)) != STORE_OK)
		return s;
	derive(r, p);
	return STORE_OK;
}

/* The report of shift sh at now, inside the caller's read or write. */
static store_status compute_shift(store_db *db, const struct report_params *p,
                                  enum report_kind kind, const struct shift *sh, time_t now,
                                  struct report *out, store_err *err)
{
	struct scope sc = {.shift_id = sh->id, .from = sh->opened_at, .to = now};
	fill_header(out, kind, p);
	out->shift_id = out->last_shift_id = sh->id;
	out->from = sh->opened_at;
	out->to = out->generated_at = now;
	out->over_24h = now - sh->opened_at > SHIFTS_STALE_SECONDS;
	store_status s = compute(db, &sc, p, out, err);
	if (s != STORE_OK)
		report_free(out);
	return s;
}

/* A read transaction: the report's queries see one state of the file. */
static store_status begin_read(store_db *db, store_err *err)
{
	int rc = sqlite3_exec(db_sqlite(db), "BEGIN", NULL, NULL, NULL);
	return rc == SQLITE_OK ? STORE_OK : db_fail(db, rc, "reading the journal", err);
}

store_status reports_x(store_db *db, const struct report_params *p, struct report *out,
                       store_err *err)
{
	struct shift sh;
	store_status s;

	store_err_clear(err);
	memset(out, 0, sizeof *out);
	if ((s = begin_read(db, err)) != STORE_OK)
		return s;
	s = shifts_get_open(db, &sh, err);
	if (s == STORE_NOT_FOUND)
		store_set_err(err, s, "no shift is open");
	if (s == STORE_OK)
		s = compute_shift(db, p, REPORT_X, &sh, db_now(db), out, err);
	db_rollback(db);
	return s;
}

store_status reports_day(store_db *db, const struct report_params *p, int yyyymmdd,
                         struct report *out, store_err *err)
{
	store_status s;

	store_err_clear(err);
	memset(out, 0, sizeof *out);
	if (!date_valid(yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100))
		return store_set_err(err, STORE_ERR_INPUT, "%d is not a date", yyyymmdd);
	struct scope sc = {.day = yyyymmdd, .from = report_day_start(yyyymmdd)};
	sc.to = sc.from + DAY_SECONDS - 1;
	fill_header(out, REPORT_DAY, p);
	out->day = yyyymmdd;
	out->from = sc.from;
	out->to = sc.to;
	out->generated_at = db_now(db);
	if ((s = begin_read(db, err)) != STORE_OK)
		return s;
	s = compute(db, &sc, p, out, err);
	db_rollback(db);
	if (s != STORE_OK)
		report_free(out);
	return s;
}

/* ---- Z reports ----------------------------------------------------- */

/* The manager's name, or STORE_ERR_INPUT when user_id is no manager. */
static store_status manager_name(store_db *db, int64_t user_id, char *name, size_t size,
                                 store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	if ((s = db_prepare(db, "SELECT name FROM users WHERE id = ?1 AND role = 'manager'", &st,
	                    err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, user_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		copy_column(name, size, st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return store_set_err(err, STORE_ERR_INPUT, "a Z report needs a manager");
	return rc == SQLITE_ROW ? STORE_OK : db_fail(db, rc, "reading the users", err);
}

/* Stores the snapshot of Z report number for shift_id. */
static store_status insert_z(store_db *db, const struct report *r, int64_t manager_id,
                             const char *json, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	if ((s = db_prepare(db,
	                    "INSERT INTO z_reports(number, shift_id, closed_at, closed_by, snapshot)"
	                    " VALUES (?1, ?2, ?3, ?4, ?5)",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, r->z_number);
	sqlite3_bind_int64(st, 2, r->shift_id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)r->to);
	sqlite3_bind_int64(st, 4, manager_id);
	sqlite3_bind_text(st, 5, json, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, "saving the Z report", err);
}

/* Inside the write transaction: the report, its number, its snapshot,
 * the shift closed, the event. */
static store_status close_z_in(store_db *db, const struct report_params *p, int64_t manager_id,
                               struct report *out, store_err *err)
{
	struct shift sh;
	char closed_by[REPORT_NAME_SIZE];
	int64_t last;
	store_status s;

	if ((s = manager_name(db, manager_id, closed_by, sizeof closed_by, err)) != STORE_OK)
		return s;
	if ((s = shifts_get_open(db, &sh, err)) != STORE_OK)
		return s == STORE_NOT_FOUND ? store_set_err(err, s, "no shift is open: there is nothing "
		                                                    "to close")
		                            : s;
	if ((s = reports_last_z(db, &last, err)) != STORE_OK)
		return s;
	if ((s = compute_shift(db, p, REPORT_Z, &sh, db_now(db), out, err)) != STORE_OK)
		return s;
	out->z_number = last + 1;
	copy_text(out->closed_by, sizeof out->closed_by, closed_by);
	char *json = report_json(out);
	if (!json)
		return store_set_err(err, STORE_ERR_NOMEM, "out of memory while writing the Z report");
	s = insert_z(db, out, manager_id, json, err);
	free(json);
	if (s == STORE_OK)
		s = shifts_close(db, sh.id, out->to, out->z_number, err);
	if (s == STORE_OK) {
		char detail[96];
		snprintf(detail, sizeof detail, "Z %lld, shift %lld", (long long)out->z_number,
		         (long long)sh.id);
		s = events_append(db, manager_id, REPORT_EVENT_Z, detail, err);
	}
	return s;
}

store_status reports_close_z(store_db *db, const struct report_params *p, int64_t manager_id,
                             struct report *out, store_err *err)
{
	store_status s;

	store_err_clear(err);
	memset(out, 0, sizeof *out);
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = close_z_in(db, p, manager_id, out, err);
	if (s == STORE_OK)
		s = db_commit(db, err);
	else
		db_rollback(db);
	if (s != STORE_OK)
		report_free(out);
	return s;
}

store_status reports_last_z(store_db *db, int64_t *number, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	*number = 0;
	if ((s = db_prepare(db, "SELECT max(number) FROM z_reports", &st, err)) != STORE_OK)
		return s;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*number = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : db_fail(db, rc, "reading the Z reports", err);
}

store_status reports_get_z(store_db *db, int64_t number, struct report *out, char **snapshot,
                           store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	char *json = NULL;

	store_err_clear(err);
	if (out)
		memset(out, 0, sizeof *out);
	if (snapshot)
		*snapshot = NULL;
	if ((s = db_prepare(db, "SELECT snapshot FROM z_reports WHERE number = ?1", &st, err)) !=
	    STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, number);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		json = strdup(text ? text : "");
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return store_set_err(err, STORE_NOT_FOUND, "there is no Z report number %lld",
		                     (long long)number);
	if (rc != SQLITE_ROW)
		return db_fail(db, rc, "reading the Z report", err);
	if (!json)
		return store_set_err(err, STORE_ERR_NOMEM, "out of memory while reading the Z report");
	if (out) {
		char why[128];
		if (!report_from_json(json, out, why, sizeof why)) {
			free(json);
			return store_set_err(err, STORE_ERR_INTERNAL, "Z report %lld cannot be read: %s",
			                     (long long)number, why);
		}
	}
	if (snapshot)
		*snapshot = json;
	else
		free(json);
	return STORE_OK;
}

/* ---- checking the running totals ----------------------------------- */

/* Runs a query that yields rows only where the totals and the journal
 * disagree: STORE_OK when it yields none. */
static store_status expect_no_rows(store_db *db, const char *sql, int64_t shift_id,
                                   const char *what, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	if ((s = db_prepare(db, sql, &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, shift_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		s = store_set_err(err, STORE_ERR_INTERNAL,
		                  "the running totals of %s differ from the journal: shift %lld, day %lld,"
		                  " state %s",
		                  what, (long long)sqlite3_column_int64(st, 0),
		                  (long long)sqlite3_column_int64(st, 1),
		                  (const char *)sqlite3_column_text(st, 2));
	else if (rc != SQLITE_DONE)
		s = db_fail(db, rc, "checking the running totals", err);
	sqlite3_finalize(st);
	return s;
}

store_status reports_verify(store_db *db, int64_t shift_id, store_err *err)
{
	/* Both ways: journal EXCEPT totals, and totals EXCEPT journal. */
	static const char orders_sql[] =
		"WITH j AS (SELECT o.shift_id, o.day, coalesce(o.user_id, 0) AS user_id, o.method,"
		"   o.state, count(*) AS n, sum(o.amount) AS amount,"
		"   sum(EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)) AS itemised,"
		"   sum(CASE WHEN EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)"
		"       THEN o.amount ELSE 0 END) AS itemised_amount"
		"   FROM orders o WHERE ?1 = 0 OR o.shift_id = ?1 GROUP BY 1, 2, 3, 4, 5),"
		" t AS (SELECT shift_id, day, user_id, method, state, orders, amount, itemised,"
		"   itemised_amount FROM report_orders WHERE (?1 = 0 OR shift_id = ?1)"
		"   AND (orders <> 0 OR amount <> 0 OR itemised <> 0 OR itemised_amount <> 0))"
		" SELECT shift_id, day, state FROM (SELECT * FROM j EXCEPT SELECT * FROM t)"
		" UNION ALL SELECT shift_id, day, state FROM (SELECT * FROM t EXCEPT SELECT * FROM j)";
	static const char lines_sql[] =
		"WITH j AS (SELECT o.shift_id, o.day, o.state, l.tax_rate, l.voided, count(*) AS n,"
		"   sum(l.total) AS total FROM order_lines l JOIN orders o ON o.id = l.order_id"
		"   WHERE ?1 = 0 OR o.shift_id = ?1 GROUP BY 1, 2, 3, 4, 5),"
		" t AS (SELECT shift_id, day, state, tax_rate, voided, lines, total FROM report_lines"
		"   WHERE (?1 = 0 OR shift_id = ?1) AND (lines <> 0 OR total <> 0))"
		" SELECT shift_id, day, state FROM (SELECT * FROM j EXCEPT SELECT * FROM t)"
		" UNION ALL SELECT shift_id, day, state FROM (SELECT * FROM t EXCEPT SELECT * FROM j)";
	static const char refunds_sql[] =
		"WITH j AS (SELECT f.shift_id, f.day, o.method, f.state, count(*) AS n,"
		"   sum(f.amount) AS amount FROM refunds f JOIN orders o ON o.id = f.order_id"
		"   WHERE ?1 = 0 OR f.shift_id = ?1 GROUP BY 1, 2, 3, 4),"
		" t AS (SELECT shift_id, day, method, state, refunds, amount FROM report_refunds"
		"   WHERE (?1 = 0 OR shift_id = ?1) AND (refunds <> 0 OR amount <> 0))"
		" SELECT shift_id, day, state FROM (SELECT * FROM j EXCEPT SELECT * FROM t)"
		" UNION ALL SELECT shift_id, day, state FROM (SELECT * FROM t EXCEPT SELECT * FROM j)";
	static const char refund_lines_sql[] =
		"WITH j AS (SELECT f.shift_id, f.day, f.state, l.tax_rate, count(*) AS n,"
		"   sum(l.amount) AS amount FROM refund_lines l JOIN refunds f ON f.id = l.refund_row"
		"   WHERE ?1 = 0 OR f.shift_id = ?1 GROUP BY 1, 2, 3, 4),"
		" t AS (SELECT shift_id, day, state, tax_rate, parts, amount FROM report_refund_lines"
		"   WHERE (?1 = 0 OR shift_id = ?1) AND (parts <> 0 OR amount <> 0))"
		" SELECT shift_id, day, state FROM (SELECT * FROM j EXCEPT SELECT * FROM t)"
		" UNION ALL SELECT shift_id, day, state FROM (SELECT * FROM t EXCEPT SELECT * FROM j)";
	store_status s;

	store_err_clear(err);
	if ((s = begin_read(db, err)) != STORE_OK)
		return s;
	s = expect_no_rows(db, orders_sql, shift_id, "orders", err);
	if (s == STORE_OK)
		s = expect_no_rows(db, lines_sql, shift_id, "order lines", err);
	if (s == STORE_OK)
		s = expect_no_rows(db, refunds_sql, shift_id, "refunds", err);
	if (s == STORE_OK)
		s = expect_no_rows(db, refund_lines_sql, shift_id, "refund parts", err);
	db_rollback(db);
	return s;
}

/* ---- text ---------------------------------------------------------- */

/* A growing text; on running out of memory it stops growing and says so
 * (failed), and the writer returns NULL. */
struct buf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_fmt(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_fmt(struct buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		buf_add(b, tmp, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf_add(b, big, (size_t)n);
	free(big);
}

static void buf_spaces(struct buf *b, size_t n)
{
	static const char spaces[] = "                                                ";
	while (n > 0) {
		size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		buf_add(b, spaces, k);
		n -= k;
	}
}

/* The buffer's text, or NULL (freed) if it ran out of memory. */
static char *buf_done(struct buf *b)
{
	if (b->failed || !b->s) {
		free(b->s);
		if (b->failed)
			return NULL;
		return strdup("");
	}
	return b->s;
}

/* Columns of UTF-8 text: one per code point (the till prints no wide
 * characters); bytes that are not UTF-8 count one each. */
static size_t columns(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* Bytes of s that hold at most cols columns (whole characters). */
static size_t bytes_for(const char *s, size_t n, size_t cols)
{
	size_t i = 0, c = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80)
			j++;
		if (c + 1 > cols)
			break;
		c++;
		i = j;
	}
	return i;
}

/* A label or value fit for one receipt line: control characters (a new
 * line in a store name) become spaces. */
static void clean(char *dst, size_t size, const char *src)
{
	copy_text(dst, size, src);
	for (char *p = dst; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

/* Writes text in lines of at most width columns, breaking at spaces
 * where it can, each line centred (or left-aligned). */
static void text_wrap(struct buf *b, int width, const char *text, bool centre)
{
	char line[1024];
	clean(line, sizeof line, text);
	const char *p = line;
	size_t w = (size_t)width;
	while (*p == ' ')
		p++;
	while (*p) {
		size_t n = strlen(p);
		size_t take = bytes_for(p, n, w);
		if (take < n) {
			/* break at the last space within the line, if any */
			size_t cut = take;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut > 0)
				take = cut;
		}
		size_t end = take;
		while (end > 0 && p[end - 1] == ' ')
			end--;
		size_t cols = columns(p, end);
		if (centre)
			buf_spaces(b, (w - cols) / 2);
		buf_add(b, p, end);
		buf_str(b, "\n");
		p += take;
		while (*p == ' ')
			p++;
	}
}

/* "label ........ value" on one line, the value right-aligned; when both
 * do not fit, the label wrapped on its own lines and the value
 * right-aligned below. */
static void text_row(struct buf *b, int width, const char *label, const char *value)
{
	char l[512], v[256];
	clean(l, sizeof l, label);
	clean(v, sizeof v, value);
	size_t lc = columns(l, strlen(l)), vc = columns(v, strlen(v)), w = (size_t)width;
	if (vc > w) { /* never happens with the report's values; stay within the width anyway */
		text_wrap(b, width, l, false);
		text_wrap(b, width, v, false);
		return;
	}
	if (vc == 0) {
		text_wrap(b, width, l, false);
		return;
	}
	if (lc + 1 + vc <= w || (lc == 0 && vc <= w)) {
		buf_str(b, l);
		buf_spaces(b, w - lc - vc);
		buf_str(b, v);
		buf_str(b, "\n");
		return;
	}
	text_wrap(b, width, l, false);
	buf_spaces(b, w - vc);
	buf_str(b, v);
	buf_str(b, "\n");
}

static void text_rule(struct buf *b, int width, char c)
{
	char line[REPORT_WIDTH_MAX + 2];
	memset(line, c, (size_t)width);
	line[width] = '\n';
	line[width + 1] = '\0';
	buf_str(b, line);
}

static const char *tr_id(report_tr_fn tr, const char *msgid) __attribute__((format_arg(2)));
static const char *tr_id(report_tr_fn tr, const char *msgid)
{
	return tr ? tr(msgid) : msgid;
}

static const char *const method_labels[REPORT_METHOD_COUNT] = {
	[REPORT_QR] = N_("Kaspi QR"),
	[REPORT_PHONE] = N_("Kaspi by phone"),
	[REPORT_CARD] = N_("Card"),
};

/* "label (count)" then the amount. */
static void text_sum(struct buf *b, int width, const char *label, const struct report_sum *s)
{
	char l[512], v[64];
	snprintf(l, sizeof l, "%s (%lld)", label, (long long)s->count);
	money_format_plain(v, sizeof v, s->amount);
	text_row(b, width, l, v);
}

static void text_money(struct buf *b, int width, const char *label, int64_t amount)
{
	char v[64];
	money_format_plain(v, sizeof v, amount);
	text_row(b, width, label, v);
}

static void text_count(struct buf *b, int width, const char *label, int64_t n)
{
	char v[32];
	snprintf(v, sizeof v, "%lld", (long long)n);
	text_row(b, width, label, v);
}

static void text_time(struct buf *b, int width, const char *label, time_t t)
{
	char v[48];
	format_local(v, sizeof v, t);
	text_row(b, width, label, v);
}

/* "0,50%" from hundredths of a percent. */
static void format_percent(char *buf, size_t size, int hundredths, char mark)
{
	int a = hundredths < 0 ? -hundredths : hundredths;
	snprintf(buf, size, "%s%d%c%02d%%", hundredths < 0 ? "-" : "", a / 100, mark, a % 100);
}

static void text_vat(struct buf *b, int width, report_tr_fn tr, const struct vat_table *t)
{
	if (t->count == 0)
		text_row(b, width, tr_id(tr, N_("none")), "");
	for (size_t i = 0; i < t->count; i++) {
		char gross[64], l[256], v[64];
		money_format_plain(gross, sizeof gross, t->group[i].gross);
		/* TRANSLATORS: VAT rate group: "12% of 15 000,00" (the gross it is included in) */
		snprintf(l, sizeof l, tr_id(tr, N_("%d%% of %s")), t->group[i].rate, gross);
		money_format_plain(v, sizeof v, t->group[i].vat);
		text_row(b, width, l, v);
	}
}

static void text_header(struct buf *b, int width, report_tr_fn tr, const struct report *r)
{
	char title[256], v[64];

	if (r->store_name[0])
		text_wrap(b, width, r->store_name, true);
	if (r->store_address[0])
		text_wrap(b, width, r->store_address, true);
	if (r->store_bin[0])
		text_row(b, width, tr_id(tr, N_("BIN")), r->store_bin);
	if (r->till_id[0])
		text_row(b, width, tr_id(tr, N_("Till")), r->till_id);
	text_rule(b, width, '=');
	switch (r->kind) {
	case REPORT_X:
		snprintf(title, sizeof title, "%s", tr_id(tr, N_("X REPORT")));
		break;
	case REPORT_Z:
		snprintf(title, sizeof title, tr_id(tr, N_("Z REPORT No. %lld")), (long long)r->z_number);
		break;
	default:
		snprintf(title, sizeof title, "%s", tr_id(tr, N_("DAY REPORT")));
		break;
	}
	text_wrap(b, width, title, true);
	if (r->kind == REPORT_DAY) {
		format_day(v, sizeof v, r->day);
		text_row(b, width, tr_id(tr, N_("Date")), v);
		if (r->shift_id == 0)
			snprintf(v, sizeof v, "\xe2\x80\x94");
		else if (r->shift_id == r->last_shift_id)
			snprintf(v, sizeof v, "%lld", (long long)r->shift_id);
		else
			snprintf(v, sizeof v, "%lld\xe2\x80\x93%lld", (long long)r->shift_id,
			         (long long)r->last_shift_id);
		text_row(b, width, tr_id(tr, N_("Shifts")), v);
		text_time(b, width, tr_id(tr, N_("From")), r->from);
		text_time(b, width, tr_id(tr, N_("To")), r->to);
	} else {
		snprintf(v, sizeof v, "%lld", (long long)r->shift_id);
		text_row(b, width, tr_id(tr, N_("Shift")), v);
		text_time(b, width, tr_id(tr, N_("Opened")), r->from);
		text_time(b, width, tr_id(tr, r->kind == REPORT_Z ? N_("Closed") : N_("Until")), r->to);
	}
	for (size_t i = 0; i < r->n_cashiers; i++)
		text_row(b, width, tr_id(tr, N_("Cashier")),
		         r->cashiers[i].user_id ? r->cashiers[i].name : tr_id(tr, N_("command line")));
	if (r->kind == REPORT_Z && r->closed_by[0])
		text_row(b, width, tr_id(tr, N_("Closed by")), r->closed_by);
	if (r->over_24h) {
		snprintf(title, sizeof title, "! %s", tr_id(tr, N_("The shift has been open over 24 hours")));
		text_wrap(b, width, title, false);
	}
}

static void text_unfinished(struct buf *b, int width, report_tr_fn tr, const struct report *r)
{
	char l[512], v[64];
	snprintf(l, sizeof l, "! %s: %zu", tr_id(tr, N_("UNFINISHED")), r->n_unfinished);
	text_wrap(b, width, l, false);
	for (size_t i = 0; i < r->n_unfinished; i++) {
		const struct report_unfinished *u = &r->unfinished[i];
		if (u->refund) {
			snprintf(l, sizeof l, "%s %s", tr_id(tr, N_("refund")), u->ref);
			text_wrap(b, width, l, false);
			snprintf(l, sizeof l, "  %s %s", tr_id(tr, N_("of")), u->order_ref);
			text_wrap(b, width, l, false);
		} else {
			text_wrap(b, width, u->ref, false);
		}
		snprintf(l, sizeof l, "  %s", tr_id(tr, u->state));
		money_format_plain(v, sizeof v, u->amount);
		text_row(b, width, l, v);
	}
}

char *report_text(const struct report *r, int width, report_tr_fn tr)
{
	struct buf b = {0};
	char l[256], pct[32];

	if (width != 32 && width != 42 && width != 48)
		return NULL;
	text_header(&b, width, tr, r);

	text_rule(&b, width, '-');
	text_wrap(&b, width, tr_id(tr, N_("SALES")), false);
	for (int m = 0; m < REPORT_METHOD_COUNT; m++)
		text_sum(&b, width, tr_id(tr, method_labels[m]), &r->sales[m]);
	text_sum(&b, width, tr_id(tr, N_("Total")), &r->sales_total);
	text_wrap(&b, width, tr_id(tr, N_("REFUNDS")), false);
	for (int m = 0; m < REPORT_METHOD_COUNT; m++)
		text_sum(&b, width, tr_id(tr, method_labels[m]), &r->refunds[m]);
	text_sum(&b, width, tr_id(tr, N_("Total")), &r->refunds_total);
	text_rule(&b, width, '-');
	text_money(&b, width, tr_id(tr, N_("NET")), r->net);

	text_rule(&b, width, '-');
	text_wrap(&b, width, tr_id(tr, N_("VAT IN SALES")), false);
	text_vat(&b, width, tr, &r->vat_sales);
	if (r->sales_unitemised.count > 0)
		text_sum(&b, width, tr_id(tr, N_("Without lines, no VAT rate")), &r->sales_unitemised);
	text_wrap(&b, width, tr_id(tr, N_("VAT IN REFUNDS")), false);
	text_vat(&b, width, tr, &r->vat_refunds);

	text_rule(&b, width, '-');
	text_wrap(&b, width, tr_id(tr, N_("COMMISSION (ESTIMATE)")), false);
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		format_percent(pct, sizeof pct, r->commission_rate[m], ',');
		snprintf(l, sizeof l, "%s %s", tr_id(tr, method_labels[m]), pct);
		text_money(&b, width, l, r->commission[m]);
	}
	text_money(&b, width, tr_id(tr, N_("Total")), r->commission_total);
	text_money(&b, width, tr_id(tr, N_("EXPECTED PAYOUT")), r->payout);

	text_rule(&b, width, '-');
	text_count(&b, width, tr_id(tr, N_("Cancelled")), r->cancelled);
	text_count(&b, width, tr_id(tr, N_("Failed")), r->failed);
	text_count(&b, width, tr_id(tr, N_("Expired")), r->expired);
	text_sum(&b, width, tr_id(tr, N_("Voided lines")), &r->voided);
	text_time(&b, width, tr_id(tr, N_("First order")), r->first_order);
	text_time(&b, width, tr_id(tr, N_("Last order")), r->last_order);

	if (r->n_unfinished > 0) {
		text_rule(&b, width, '-');
		text_unfinished(&b, width, tr, r);
	}
	text_rule(&b, width, '=');
	text_time(&b, width, tr_id(tr, N_("Printed")), r->generated_at);
	return buf_done(&b);
}

/* ---- CSV ----------------------------------------------------------- */

/* One field, quoted when RFC 4180 needs it (comma, quote, CR or LF). */
static void csv_field(struct buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_str(b, s);
		return;
	}
	buf_str(b, "\"");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_str(b, "\"");
		buf_add(b, p, 1);
	}
	buf_str(b, "\"");
}

/* A row: fields joined by commas, CRLF at the end (RFC 4180). */
static void csv_row(struct buf *b, const char *section, const char *key, const char *item,
                    const char *value)
{
	csv_field(b, section);
	buf_str(b, ",");
	csv_field(b, key);
	buf_str(b, ",");
	csv_field(b, item);
	buf_str(b, ",");
	csv_field(b, value);
	buf_str(b, "\r\n");
}

static void csv_int(struct buf *b, const char *section, const char *key, const char *item,
                    int64_t v)
{
	char s[32];
	snprintf(s, sizeof s, "%lld", (long long)v);
	csv_row(b, section, key, item, s);
}

static void csv_money(struct buf *b, const char *section, const char *key, const char *item,
                      int64_t v)
{
	char s[48];
	money_format_decimal(s, sizeof s, v);
	csv_row(b, section, key, item, s);
}

static void csv_time(struct buf *b, const char *section, const char *key, time_t t)
{
	char s[KP_TIME_LEN];
	if (t)
		kp_time_format(t, s, sizeof s);
	else
		s[0] = '\0';
	csv_row(b, section, key, "", s);
}

static void csv_sums(struct buf *b, const char *section, const struct report_sum *per_method,
                     const struct report_sum *total)
{
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		csv_int(b, section, "count", method_names[m], per_method[m].count);
		csv_money(b, section, "amount", method_names[m], per_method[m].amount);
	}
	csv_int(b, section, "count", "total", total->count);
	csv_money(b, section, "amount", "total", total->amount);
}

static void csv_vat(struct buf *b, const char *section, const struct vat_table *t)
{
	for (size_t i = 0; i < t->count; i++) {
		char rate[16];
		snprintf(rate, sizeof rate, "%d", t->group[i].rate);
		csv_money(b, section, "gross", rate, t->group[i].gross);
		csv_money(b, section, "vat", rate, t->group[i].vat);
	}
}

char *report_csv(const struct report *r)
{
	struct buf b = {0};
	char v[64];

	csv_row(&b, "section", "key", "item", "value");
	csv_row(&b, "report", "kind", "", kind_names[r->kind]);
	csv_row(&b, "report", "store_name", "", r->store_name);
	csv_row(&b, "report", "store_bin", "", r->store_bin);
	csv_row(&b, "report", "store_address", "", r->store_address);
	csv_row(&b, "report", "till_id", "", r->till_id);
	if (r->kind == REPORT_DAY) {
		format_day(v, sizeof v, r->day);
		csv_row(&b, "report", "date", "", v);
		csv_int(&b, "report", "first_shift_id", "", r->shift_id);
		csv_int(&b, "report", "last_shift_id", "", r->last_shift_id);
	} else {
		csv_int(&b, "report", "shift_id", "", r->shift_id);
	}
	if (r->kind == REPORT_Z) {
		csv_int(&b, "report", "z_number", "", r->z_number);
		csv_row(&b, "report", "closed_by", "", r->closed_by);
	}
	csv_time(&b, "report", "from", r->from);
	csv_time(&b, "report", "to", r->to);
	csv_time(&b, "report", "generated_at", r->generated_at);
	csv_row(&b, "report", "over_24h", "", r->over_24h ? "true" : "false");
	for (size_t i = 0; i < r->n_cashiers; i++) {
		snprintf(v, sizeof v, "%lld", (long long)r->cashiers[i].user_id);
		csv_row(&b, "cashier", "name", v, r->cashiers[i].name);
	}
	csv_sums(&b, "sales", r->sales, &r->sales_total);
	csv_sums(&b, "refunds", r->refunds, &r->refunds_total);
	csv_money(&b, "net", "amount", "", r->net);
	csv_vat(&b, "vat_sales", &r->vat_sales);
	csv_int(&b, "vat_sales", "count", "without_lines", r->sales_unitemised.count);
	csv_money(&b, "vat_sales", "gross", "without_lines", r->sales_unitemised.amount);
	csv_vat(&b, "vat_refunds", &r->vat_refunds);
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		format_percent(v, sizeof v, r->commission_rate[m], '.');
		v[strlen(v) - 1] = '\0'; /* the number without "%" */
		csv_row(&b, "commission", "percent", method_names[m], v);
		csv_money(&b, "commission", "amount", method_names[m], r->commission[m]);
	}
	csv_money(&b, "commission", "amount", "total", r->commission_total);
	csv_money(&b, "payout", "amount", "", r->payout);
	csv_int(&b, "orders", "cancelled", "", r->cancelled);
	csv_int(&b, "orders", "failed", "", r->failed);
	csv_int(&b, "orders", "expired", "", r->expired);
	csv_int(&b, "voided_lines", "count", "", r->voided.count);
	csv_money(&b, "voided_lines", "amount", "", r->voided.amount);
	csv_time(&b, "orders", "first", r->first_order);
	csv_time(&b, "orders", "last", r->last_order);
	for (size_t i = 0; i < r->n_unfinished; i++) {
		const struct report_unfinished *u = &r->unfinished[i];
		csv_money(&b, u->refund ? "unfinished_refund" : "unfinished_order", u->ref, u->state,
		          u->amount);
	}
	return buf_done(&b);
}

/* ---- JSON ---------------------------------------------------------- */

/* cJSON numbers are doubles: tiyn up to 2^53 are exact, far above any
 * till's total (9 × 10^13 tenge). */
static cJSON *json_sum(const struct report_sum *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "count", (double)s->count);
	cJSON_AddNumberToObject(o, "amount", (double)s->amount);
	return o;
}

static cJSON *json_sums(const struct report_sum *per_method, const struct report_sum *total)
{
	cJSON *o = cJSON_CreateObject();
	for (int m = 0; m < REPORT_METHOD_COUNT; m++)
		cJSON_AddItemToObject(o, method_names[m], json_sum(&per_method[m]));
	cJSON_AddItemToObject(o, "total", json_sum(total));
	return o;
}

static cJSON *json_vat(const struct vat_table *t)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < t->count; i++) {
		cJSON *g = cJSON_CreateObject();
		cJSON_AddNumberToObject(g, "rate", t->group[i].rate);
		cJSON_AddNumberToObject(g, "gross", (double)t->group[i].gross);
		cJSON_AddNumberToObject(g, "vat", (double)t->group[i].vat);
		cJSON_AddItemToArray(a, g);
	}
	return a;
}

static void json_time(cJSON *o, const char *name, time_t t)
{
	char s[KP_TIME_LEN];
	if (t == 0) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	kp_time_format(t, s, sizeof s);
	cJSON_AddStringToObject(o, name, s);
}

static cJSON *json_report(const struct report *r)
{
	cJSON *o = cJSON_CreateObject();
	char v[32];

	cJSON_AddStringToObject(o, "kind", kind_names[r->kind]);
	cJSON *store = cJSON_AddObjectToObject(o, "store");
	cJSON_AddStringToObject(store, "name", r->store_name);
	cJSON_AddStringToObject(store, "bin", r->store_bin);
	cJSON_AddStringToObject(store, "address", r->store_address);
	cJSON_AddStringToObject(o, "till_id", r->till_id);
	cJSON_AddNumberToObject(o, "shift_id", (double)r->shift_id);
	cJSON_AddNumberToObject(o, "last_shift_id", (double)r->last_shift_id);
	if (r->kind == REPORT_Z) {
		cJSON_AddNumberToObject(o, "z_number", (double)r->z_number);
		cJSON_AddStringToObject(o, "closed_by", r->closed_by);
	} else {
		cJSON_AddNullToObject(o, "z_number");
		cJSON_AddNullToObject(o, "closed_by");
	}
	if (r->kind == REPORT_DAY) {
		format_day(v, sizeof v, r->day);
		cJSON_AddStringToObject(o, "date", v);
	} else {
		cJSON_AddNullToObject(o, "date");
	}
	json_time(o, "from", r->from);
	json_time(o, "to", r->to);
	json_time(o, "generated_at", r->generated_at);
	cJSON_AddBoolToObject(o, "over_24h", r->over_24h);
	cJSON *cashiers = cJSON_AddArrayToObject(o, "cashiers");
	for (size_t i = 0; i < r->n_cashiers; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "user_id", (double)r->cashiers[i].user_id);
		if (r->cashiers[i].user_id)
			cJSON_AddStringToObject(c, "name", r->cashiers[i].name);
		else
			cJSON_AddNullToObject(c, "name");
		cJSON_AddItemToArray(cashiers, c);
	}
	cJSON_AddItemToObject(o, "sales", json_sums(r->sales, &r->sales_total));
	cJSON_AddItemToObject(o, "refunds", json_sums(r->refunds, &r->refunds_total));
	cJSON_AddNumberToObject(o, "net", (double)r->net);
	cJSON *vat = cJSON_AddObjectToObject(o, "vat");
	cJSON_AddItemToObject(vat, "sales", json_vat(&r->vat_sales));
	cJSON_AddItemToObject(vat, "refunds", json_vat(&r->vat_refunds));
	cJSON_AddItemToObject(vat, "sales_without_lines", json_sum(&r->sales_unitemised));
	cJSON *com = cJSON_AddObjectToObject(o, "commission");
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "rate", r->commission_rate[m]);
		cJSON_AddNumberToObject(c, "amount", (double)r->commission[m]);
		cJSON_AddItemToObject(com, method_names[m], c);
	}
	cJSON_AddNumberToObject(com, "total", (double)r->commission_total);
	cJSON_AddNumberToObject(o, "payout", (double)r->payout);
	cJSON *orders = cJSON_AddObjectToObject(o, "orders");
	cJSON_AddNumberToObject(orders, "cancelled", (double)r->cancelled);
	cJSON_AddNumberToObject(orders, "failed", (double)r->failed);
	cJSON_AddNumberToObject(orders, "expired", (double)r->expired);
	json_time(orders, "first", r->first_order);
	json_time(orders, "last", r->last_order);
	cJSON_AddItemToObject(o, "voided_lines", json_sum(&r->voided));
	cJSON *unf = cJSON_AddArrayToObject(o, "unfinished");
	for (size_t i = 0; i < r->n_unfinished; i++) {
		const struct report_unfinished *u = &r->unfinished[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "type", u->refund ? "refund" : "order");
		cJSON_AddNumberToObject(x, "id", (double)u->id);
		cJSON_AddStringToObject(x, "ref", u->ref);
		if (u->refund)
			cJSON_AddStringToObject(x, "order_ref", u->order_ref);
		else
			cJSON_AddNullToObject(x, "order_ref");
		cJSON_AddStringToObject(x, "state", u->state);
		cJSON_AddNumberToObject(x, "amount", (double)u->amount);
		json_time(x, "created_at", u->created_at);
		cJSON_AddItemToArray(unf, x);
	}
	return o;
}

char *report_json(const struct report *r)
{
	cJSON *o = json_report(r);
	char *text = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return text;
}

/* Reading a snapshot back: each getter notes the first field missing or
 * of the wrong type in the reader, and the caller checks once. */
struct reader {
	const char *bad;          /* the first field that was not as written */
};

static const cJSON *get(struct reader *rd, const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!v && !rd->bad)
		rd->bad = name;
	return v;
}

static int64_t get_int(struct reader *rd, const cJSON *o, const char *name)
{
	const cJSON *v = get(rd, o, name);
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v)) {
		if (!rd->bad)
			rd->bad = name;
		return 0;
	}
	return (int64_t)v->valuedouble;
}

static void get_string(struct reader *rd, const cJSON *o, const char *name, char *dst,
                       size_t size)
{
	const cJSON *v = get(rd, o, name);
	dst[0] = '\0';
	if (cJSON_IsNull(v))
		return;
	if (!cJSON_IsString(v)) {
		if (!rd->bad)
			rd->bad = name;
		return;
	}
	copy_text(dst, size, v->valuestring);
}

static time_t get_time(struct reader *rd, const cJSON *o, const char *name)
{
	const cJSON *v = get(rd, o, name);
	time_t t = 0;
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || !kp_time_parse(v->valuestring, &t)) {
		if (!rd->bad)
			rd->bad = name;
	}
	return t;
}

static void get_sum(struct reader *rd, const cJSON *o, const char *name, struct report_sum *s)
{
	const cJSON *v = get(rd, o, name);
	s->count = get_int(rd, v, "count");
	s->amount = get_int(rd, v, "amount");
}

static void get_sums(struct reader *rd, const cJSON *o, const char *name,
                     struct report_sum *per_method, struct report_sum *total)
{
	const cJSON *v = get(rd, o, name);
	for (int m = 0; m < REPORT_METHOD_COUNT; m++)
		get_sum(rd, v, method_names[m], &per_method[m]);
	get_sum(rd, v, "total", total);
}

/* A VAT table exactly as stored (the VAT is read, not recomputed). */
static void get_vat(struct reader *rd, const cJSON *o, const char *name, struct vat_table *t)
{
	const cJSON *a = get(rd, o, name), *g;
	vat_table_init(t);
	if (!cJSON_IsArray(a)) {
		if (!rd->bad)
			rd->bad = name;
		return;
	}
	cJSON_ArrayForEach(g, a)
	{
		if (t->count >= VAT_GROUPS_MAX) {
			rd->bad = rd->bad ? rd->bad : name;
			return;
		}
		struct vat_group *x = &t->group[t->count++];
		x->rate = (int)get_int(rd, g, "rate");
		x->gross = get_int(rd, g, "gross");
		x->vat = get_int(rd, g, "vat");
	}
}

bool report_from_json(const char *json, struct report *out, char *errbuf, size_t errsize)
{
	struct reader rd = {0};
	const cJSON *a, *x;
	char kind[16], date[16];

	memset(out, 0, sizeof *out);
	cJSON *o = cJSON_Parse(json ? json : "");
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		snprintf(errbuf, errsize, "not a JSON object");
		return false;
	}
	get_string(&rd, o, "kind", kind, sizeof kind);
	out->kind = strcmp(kind, "z") == 0 ? REPORT_Z : strcmp(kind, "day") == 0 ? REPORT_DAY
	                                                                          : REPORT_X;
	const cJSON *store = get(&rd, o, "store");
	get_string(&rd, store, "name", out->store_name, sizeof out->store_name);
	get_string(&rd, store, "bin", out->store_bin, sizeof out->store_bin);
	get_string(&rd, store, "address", out->store_address, sizeof out->store_address);
	get_string(&rd, o, "till_id", out->till_id, sizeof out->till_id);
	out->shift_id = get_int(&rd, o, "shift_id");
	out->last_shift_id = get_int(&rd, o, "last_shift_id");
	out->z_number = get_int(&rd, o, "z_number");
	get_string(&rd, o, "closed_by", out->closed_by, sizeof out->closed_by);
	get_string(&rd, o, "date", date, sizeof date);
	if (date[0] && !report_parse_date(date, &out->day) && !rd.bad)
		rd.bad = "date";
	out->from = get_time(&rd, o, "from");
	out->to = get_time(&rd, o, "to");
	out->generated_at = get_time(&rd, o, "generated_at");
	out->over_24h = cJSON_IsTrue(get(&rd, o, "over_24h"));

	a = get(&rd, o, "cashiers");
	size_t n = (size_t)cJSON_GetArraySize(a);
	if (n > 0 && !(out->cashiers = calloc(n, sizeof *out->cashiers)))
		rd.bad = rd.bad ? rd.bad : "cashiers (out of memory)";
	cJSON_ArrayForEach(x, a)
	{
		if (!out->cashiers || out->n_cashiers >= n)
			break;
		struct report_cashier *c = &out->cashiers[out->n_cashiers++];
		c->user_id = get_int(&rd, x, "user_id");
		get_string(&rd, x, "name", c->name, sizeof c->name);
	}

	get_sums(&rd, o, "sales", out->sales, &out->sales_total);
	get_sums(&rd, o, "refunds", out->refunds, &out->refunds_total);
	out->net = get_int(&rd, o, "net");
	const cJSON *vat = get(&rd, o, "vat");
	get_vat(&rd, vat, "sales", &out->vat_sales);
	get_vat(&rd, vat, "refunds", &out->vat_refunds);
	get_sum(&rd, vat, "sales_without_lines", &out->sales_unitemised);
	const cJSON *com = get(&rd, o, "commission");
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		const cJSON *c = get(&rd, com, method_names[m]);
		out->commission_rate[m] = (int)get_int(&rd, c, "rate");
		out->commission[m] = get_int(&rd, c, "amount");
	}
	out->commission_total = get_int(&rd, com, "total");
	out->payout = get_int(&rd, o, "payout");
	const cJSON *orders = get(&rd, o, "orders");
	out->cancelled = get_int(&rd, orders, "cancelled");
	out->failed = get_int(&rd, orders, "failed");
	out->expired = get_int(&rd, orders, "expired");
	out->first_order = get_time(&rd, orders, "first");
	out->last_order = get_time(&rd, orders, "last");
	get_sum(&rd, o, "voided_lines", &out->voided);

	a = get(&rd, o, "unfinished");
	n = (size_t)cJSON_GetArraySize(a);
	if (n > 0 && !(out->unfinished = calloc(n, sizeof *out->unfinished)))
		rd.bad = rd.bad ? rd.bad : "unfinished (out of memory)";
	cJSON_ArrayForEach(x, a)
	{
		if (!out->unfinished || out->n_unfinished >= n)
			break;
		struct report_unfinished *u = &out->unfinished[out->n_unfinished++];
		char type[16];
		get_string(&rd, x, "type", type, sizeof type);
		u->refund = strcmp(type, "refund") == 0;
		u->id = get_int(&rd, x, "id");
		get_string(&rd, x, "ref", u->ref, sizeof u->ref);
		get_string(&rd, x, "order_ref", u->order_ref, sizeof u->order_ref);
		get_string(&rd, x, "state", u->state, sizeof u->state);
		u->amount = get_int(&rd, x, "amount");
		u->created_at = get_time(&rd, x, "created_at");
	}
	cJSON_Delete(o);
	if (rd.bad) {
		snprintf(errbuf, errsize, "the field \"%s\" is missing or not as written", rd.bad);
		report_free(out);
		return false;
	}
	return true;
}

/* ---- the journal listing ------------------------------------------- */

void report_journal_free(struct report_journal *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n_orders; i++) {
		free(j->orders[i].lines);
		free(j->orders[i].refunds);
	}
	free(j->orders);
	memset(j, 0, sizeof *j);
}

/* Binds the listing's range (?1, ?2) and state (?3, NULL: any). */
static void bind_range(sqlite3_stmt *st, const struct report_journal *j)
{
	time_t from = report_day_start(j->from_day), to = report_day_start(j->to_day) + DAY_SECONDS - 1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)to);
	if (j->has_state)
		sqlite3_bind_text(st, 3, journal_state_name(j->state), -1, SQLITE_STATIC);
}

struct order_list {
	struct report_journal *j;
	size_t cap;
	struct report_order **by_id;  /* the orders sorted by id, for attaching lines */
};

static bool order_row(void *arg, sqlite3_stmt *st)
{
	struct order_list *l = arg;
	struct report_journal *j = l->j;
	if (!KP_GROW(j->orders, l->cap, j->n_orders + 1, 8))
		return false;
	struct report_order *o = &j->orders[j->n_orders++];
	memset(o, 0, sizeof *o);
	o->id = sqlite3_column_int64(st, 0);
	copy_column(o->merchant_order_id, sizeof o->merchant_order_id, st, 1);
	o->created_at = (time_t)sqlite3_column_int64(st, 2);
	const char *method = (const char *)sqlite3_column_text(st, 3);
	o->method = method && strcmp(method, "phone") == 0 ? JOURNAL_PHONE : JOURNAL_QR;
	journal_state_parse((const char *)sqlite3_column_text(st, 4), &o->state);
	o->amount = sqlite3_column_int64(st, 5);
	o->refunded_amount = sqlite3_column_int64(st, 6);
	copy_column(o->payment_id, sizeof o->payment_id, st, 7);
	o->shift_id = sqlite3_column_int64(st, 8);
	o->user_id = sqlite3_column_int64(st, 9);
	if (!j->details) { /* with details, the rows themselves are counted */
		o->n_lines = (size_t)sqlite3_column_int64(st, 10);
		o->n_refunds = (size_t)sqlite3_column_int64(st, 11);
	}
	return true;
}

static int by_id_cmp(const void *a, const void *b)
{
	const struct report_order *x = *(struct report_order *const *)a;
	const struct report_order *y = *(struct report_order *const *)b;
	return (x->id > y->id) - (x->id < y->id);
}

static struct report_order *find_order(const struct order_list *l, int64_t id)
{
	size_t lo = 0, hi = l->j->n_orders;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->by_id[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->j->n_orders && l->by_id[lo]->id == id ? l->by_id[lo] : NULL;
}

/* order_id, line_no, product_id, sku, barcode, name, quantity,
 * unit_price, tax_rate, discount, total, voided; in order_id order, so
 * an order's lines arrive together and grow its array by doubling. */
static bool line_row(void *arg, sqlite3_stmt *st)
{
	struct order_list *l = arg;
	struct report_order *o = find_order(l, sqlite3_column_int64(st, 0));
	if (!o)
		return true;
	size_t n = o->n_lines;
	if (n == 0 || (n & (n - 1)) == 0) { /* 1, 2, 4, ...: double */
		void *p = realloc(o->lines, (n ? 2 * n : 1) * sizeof *o->lines);
		if (!p)
			return false;
		o->lines = p;
	}
	struct journal_line *x = &o->lines[o->n_lines++];
	memset(x, 0, sizeof *x);
	x->line_no = sqlite3_column_int(st, 1);
	x->product_id = sqlite3_column_int64(st, 2);
	copy_column(x->sku, sizeof x->sku, st, 3);
	copy_column(x->barcode, sizeof x->barcode, st, 4);
	copy_column(x->name, sizeof x->name, st, 5);
	x->quantity = sqlite3_column_int64(st, 6);
	x->unit_price = sqlite3_column_int64(st, 7);
	x->tax_rate = sqlite3_column_int(st, 8);
	x->discount = sqlite3_column_int64(st, 9);
	x->total = sqlite3_column_int64(st, 10);
	x->voided = sqlite3_column_int(st, 11) != 0;
	return true;
}

/* order_id, id, merchant_refund_id, state, amount, created_at */
static bool refund_row(void *arg, sqlite3_stmt *st)
{
	struct order_list *l = arg;
	struct report_order *o = find_order(l, sqlite3_column_int64(st, 0));
	if (!o)
		return true;
	size_t n = o->n_refunds;
	if (n == 0 || (n & (n - 1)) == 0) {
		void *p = realloc(o->refunds, (n ? 2 * n : 1) * sizeof *o->refunds);
		if (!p)
			return false;
		o->refunds = p;
	}
	struct report_refund *x = &o->refunds[o->n_refunds++];
	memset(x, 0, sizeof *x);
	x->id = sqlite3_column_int64(st, 1);
	copy_column(x->ref, sizeof x->ref, st, 2);
	copy_column(x->state, sizeof x->state, st, 3);
	x->amount = sqlite3_column_int64(st, 4);
	x->created_at = (time_t)sqlite3_column_int64(st, 5);
	return true;
}

static store_status journal_read(store_db *db, struct order_list *l, store_err *err)
{
	static const char orders_sql[] =
		"SELECT id, merchant_order_id, created_at, method, state, amount, refunded_amount,"
		" payment_id, shift_id, user_id,"
		" (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id),"
		" (SELECT count(*) FROM refunds f WHERE f.order_id = o.id) FROM orders o"
		" WHERE created_at BETWEEN ?1 AND ?2 AND (?3 IS NULL OR state = ?3)"
		" ORDER BY created_at, id";
	static const char lines_sql[] =
		"SELECT l.order_id, l.line_no, l.product_id, l.sku, l.barcode, l.name, l.quantity,"
		" l.unit_price, l.tax_rate, l.discount, l.total, l.voided"
		" FROM orders o JOIN order_lines l ON l.order_id = o.id"
		" WHERE o.created_at BETWEEN ?1 AND ?2 AND (?3 IS NULL OR o.state = ?3)"
		" ORDER BY l.order_id, l.line_no";
	static const char refunds_sql[] =
		"SELECT f.order_id, f.id, f.merchant_refund_id, f.state, f.amount, f.created_at"
		" FROM orders o JOIN refunds f ON f.order_id = o.id"
		" WHERE o.created_at BETWEEN ?1 AND ?2 AND (?3 IS NULL OR o.state = ?3)"
		" ORDER BY f.order_id, f.id";
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, orders_sql, &st, err)) != STORE_OK)
		return s;
	bind_range(st, l->j);
	if ((s = each_row(db, st, "reading the journal", order_row, l, err)) != STORE_OK)
		return s;
	if (l->j->n_orders == 0 || !l->j->details)
		return STORE_OK;
	l->by_id = malloc(l->j->n_orders * sizeof *l->by_id);
	if (!l->by_id)
		return store_set_err(err, STORE_ERR_NOMEM, "out of memory while reading the journal");
	for (size_t i = 0; i < l->j->n_orders; i++)
		l->by_id[i] = &l->j->orders[i];
	qsort(l->by_id, l->j->n_orders, sizeof *l->by_id, by_id_cmp);
	if ((s = db_prepare(db, lines_sql, &st, err)) != STORE_OK)
		return s;
	bind_range(st, l->j);
	if ((s = each_row(db, st, "reading the order lines", line_row, l, err)) != STORE_OK)
		return s;
	if ((s = db_prepare(db, refunds_sql, &st, err)) != STORE_OK)
		return s;
	bind_range(st, l->j);
	return each_row(db, st, "reading the refunds", refund_row, l, err);
}

store_status reports_journal(store_db *db, int from_day, int to_day,
                             const enum journal_state *state, bool details,
                             struct report_journal *out, store_err *err)
{
	struct order_list l = {.j = out};
	store_status s;

	store_err_clear(err);
	memset(out, 0, sizeof *out);
	if (!date_valid(from_day / 10000, from_day / 100 % 100, from_day % 100) ||
	    !date_valid(to_day / 10000, to_day / 100 % 100, to_day % 100))
		return store_set_err(err, STORE_ERR_INPUT, "not a date");
	if (to_day < from_day)
		return store_set_err(err, STORE_ERR_INPUT, "the range ends before it starts");
	out->from_day = from_day;
	out->to_day = to_day;
	out->details = details;
	if (state) {
		out->has_state = true;
		out->state = *state;
	}
	if ((s = begin_read(db, err)) != STORE_OK)
		return s;
	s = journal_read(db, &l, err);
	db_rollback(db);
	free(l.by_id);
	if (s != STORE_OK)
		report_journal_free(out);
	return s;
}

/* "2026-11-26 09:05:13" in Almaty time. */
static void format_local_seconds(char *buf, size_t size, time_t t)
{
	kp_almaty_strftime(buf, size, "%Y-%m-%d %H:%M:%S", t);
}

/* text padded with spaces to cols columns (left-aligned, or right). */
static void pad(struct buf *b, const char *text, size_t cols, bool right)
{
	size_t c = columns(text, strlen(text));
	if (right)
		buf_spaces(b, cols > c ? cols - c : 0);
	buf_str(b, text);
	if (!right)
		buf_spaces(b, cols > c ? cols - c : 0);
}

char *report_journal_text(const struct report_journal *j, report_tr_fn tr)
{
	struct buf b = {0};
	const char *head[7] = {
		tr_id(tr, N_("time")),   tr_id(tr, N_("order")),    tr_id(tr, N_("method")),
		tr_id(tr, N_("state")),  tr_id(tr, N_("amount")),   tr_id(tr, N_("refunded")),
		tr_id(tr, N_("payment")),
	};
	/* column widths: the widest of the header and the cells */
	size_t w[7];
	for (int c = 0; c < 7; c++)
		w[c] = columns(head[c], strlen(head[c]));
	char cell[7][160];
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			for (int c = 0; c < 7; c++) {
				pad(&b, head[c], c == 6 ? 0 : w[c], c == 4 || c == 5);
				buf_str(&b, c < 6 ? "  " : "\n");
			}
		}
		for (size_t i = 0; i < j->n_orders; i++) {
			const struct report_order *o = &j->orders[i];
			format_local_seconds(cell[0], sizeof cell[0], o->created_at);
			copy_text(cell[1], sizeof cell[1], o->merchant_order_id);
			copy_text(cell[2], sizeof cell[2], journal_method_name(o->method));
			copy_text(cell[3], sizeof cell[3], journal_state_name(o->state));
			money_format_plain(cell[4], sizeof cell[4], o->amount);
			money_format_plain(cell[5], sizeof cell[5], o->refunded_amount);
			copy_text(cell[6], sizeof cell[6], o->payment_id[0] ? o->payment_id : "-");
			for (int c = 0; c < 7; c++) {
				size_t cc = columns(cell[c], strlen(cell[c]));
				if (pass == 0) {
					if (cc > w[c])
						w[c] = cc;
					continue;
				}
				pad(&b, cell[c], c == 6 ? 0 : w[c], c == 4 || c == 5);
				buf_str(&b, c < 6 ? "  " : "\n");
			}
		}
	}
	int64_t paid = 0, refunded = 0;
	for (size_t i = 0; i < j->n_orders; i++) {
		if (journal_state_is_sale(j->orders[i].state))
			paid += j->orders[i].amount;
		refunded += j->orders[i].refunded_amount;
	}
	char a[64], r[64];
	money_format_plain(a, sizeof a, paid);
	money_format_plain(r, sizeof r, refunded);
	buf_fmt(&b, "%zu %s, %s %s, %s %s\n", j->n_orders, tr_id(tr, N_("orders")), a,
	        tr_id(tr, N_("paid")), r, tr_id(tr, N_("refunded")));
	return buf_done(&b);
}

char *report_journal_csv(const struct report_journal *j)
{
	struct buf b = {0};
	buf_str(&b, "created_at,merchant_order_id,method,state,amount,refunded_amount,payment_id,"
	            "shift_id,user_id,lines,refunds\r\n");
	for (size_t i = 0; i < j->n_orders; i++) {
		const struct report_order *o = &j->orders[i];
		char t[KP_TIME_LEN], a[48], r[48];
		kp_time_format(o->created_at, t, sizeof t);
		money_format_decimal(a, sizeof a, o->amount);
		money_format_decimal(r, sizeof r, o->refunded_amount);
		buf_fmt(&b, "%s,", t);
		csv_field(&b, o->merchant_order_id);
		buf_fmt(&b, ",%s,%s,%s,%s,", journal_method_name(o->method), journal_state_name(o->state),
		        a, r);
		csv_field(&b, o->payment_id);
		buf_fmt(&b, ",%lld,", (long long)o->shift_id);
		if (o->user_id)
			buf_fmt(&b, "%lld", (long long)o->user_id);
		buf_fmt(&b, ",%zu,%zu\r\n", o->n_lines, o->n_refunds);
	}
	return buf_done(&b);
}

char *report_journal_json(const struct report_journal *j)
{
	char d[16];
	cJSON *root = cJSON_CreateObject();
	format_day(d, sizeof d, j->from_day);
	cJSON_AddStringToObject(root, "from", d);
	format_day(d, sizeof d, j->to_day);
	cJSON_AddStringToObject(root, "to", d);
	if (j->has_state)
		cJSON_AddStringToObject(root, "status", journal_state_name(j->state));
	else
		cJSON_AddNullToObject(root, "status");
	cJSON *orders = cJSON_AddArrayToObject(root, "orders");
	for (size_t i = 0; i < j->n_orders; i++) {
		const struct report_order *o = &j->orders[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddItemToArray(orders, x);
		cJSON_AddNumberToObject(x, "id", (double)o->id);
		cJSON_AddStringToObject(x, "merchant_order_id", o->merchant_order_id);
		json_time(x, "created_at", o->created_at);
		cJSON_AddStringToObject(x, "method", journal_method_name(o->method));
		cJSON_AddStringToObject(x, "state", journal_state_name(o->state));
		cJSON_AddNumberToObject(x, "amount", (double)o->amount);
		cJSON_AddNumberToObject(x, "refunded_amount", (double)o->refunded_amount);
		if (o->payment_id[0])
			cJSON_AddStringToObject(x, "payment_id", o->payment_id);
		else
			cJSON_AddNullToObject(x, "payment_id");
		cJSON_AddNumberToObject(x, "shift_id", (double)o->shift_id);
		if (o->user_id)
			cJSON_AddNumberToObject(x, "user_id", (double)o->user_id);
		else
			cJSON_AddNullToObject(x, "user_id");
		if (!j->details) {
			cJSON_AddNumberToObject(x, "lines", (double)o->n_lines);
			cJSON_AddNumberToObject(x, "refunds", (double)o->n_refunds);
			continue;
		}
		cJSON *lines = cJSON_AddArrayToObject(x, "lines");
		for (size_t k = 0; k < o->n_lines; k++) {
			const struct journal_line *l = &o->lines[k];
			cJSON *y = cJSON_CreateObject();
			cJSON_AddItemToArray(lines, y);
			cJSON_AddNumberToObject(y, "line_no", l->line_no);
			cJSON_AddStringToObject(y, "sku", l->sku);
			cJSON_AddStringToObject(y, "barcode", l->barcode);
			cJSON_AddStringToObject(y, "name", l->name);
			cJSON_AddNumberToObject(y, "quantity", (double)l->quantity);
			cJSON_AddNumberToObject(y, "unit_price", (double)l->unit_price);
			cJSON_AddNumberToObject(y, "tax_rate", l->tax_rate);
			cJSON_AddNumberToObject(y, "discount", (double)l->discount);
			cJSON_AddNumberToObject(y, "total", (double)l->total);
			cJSON_AddBoolToObject(y, "voided", l->voided);
		}
		cJSON *refunds = cJSON_AddArrayToObject(x, "refunds");
		for (size_t k = 0; k < o->n_refunds; k++) {
			const struct report_refund *f = &o->refunds[k];
			cJSON *y = cJSON_CreateObject();
			cJSON_AddItemToArray(refunds, y);
			cJSON_AddNumberToObject(y, "id", (double)f->id);
			cJSON_AddStringToObject(y, "merchant_refund_id", f->ref);
			cJSON_AddStringToObject(y, "state", f->state);
			cJSON_AddNumberToObject(y, "amount", (double)f->amount);
			json_time(y, "created_at", f->created_at);
		}
	}
	char *text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}
