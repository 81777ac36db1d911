/* reports.c — X, Z and day reports: the sums from the running totals and
 * the journal, the Z close with its snapshot in the same transaction, the
 * check of the running totals, and the journal listing. See reports.h for
 * what counts; the writers are app/report_fmt.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/timeutil.h"
#include "store/events.h"
#include "store/reports.h"
#include "store/shifts.h"

#define DAY_SECONDS KP_DAY_S

static const char *const method_names[REPORT_METHOD_COUNT] = {
	[REPORT_QR] = "qr",
	[REPORT_PHONE] = "phone",
	[REPORT_CARD] = "card",
	[REPORT_CASH] = "cash",
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

const char *report_method_name(enum report_method m)
{
	return (int)m >= 0 && m < REPORT_METHOD_COUNT ? method_names[m] : "?";
}

const char *report_kind_name(enum report_kind k)
{
	return (int)k >= 0 && k <= REPORT_DAY ? kind_names[k] : "?";
}

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

void report_format_date(char *buf, size_t size, int yyyymmdd)
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
static store_status each_row(store_db *db, sqlite3_stmt *st,
                             bool (*row)(void *arg, sqlite3_stmt *st), void *arg, store_err *err)
{
	int rc;
	bool ok = true;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ok = row(arg, st);
	sqlite3_finalize(st);
	if (!ok)
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
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

	const char *method = (const char *)sqlite3_column_text(st, 0);
	bool split = method && strcmp(method, "split") == 0;
	if ((!split && !method_parse(method, &m)) ||
	    !journal_state_parse((const char *)sqlite3_column_text(st, 1), &s))
		return true; /* the schema allows no other names */
	if (journal_state_is_sale(s)) {
		if (split)
			add_sum(&r->sales_split, n, amount); /* its tenders: split_tenders_row */
		else
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

/* One row of the split sales' tenders: kind, sales, amount. */
static bool split_tenders_row(void *arg, sqlite3_stmt *st)
{
	struct report *r = arg;
	enum report_method m;
	if (method_parse((const char *)sqlite3_column_text(st, 0), &m))
		add_sum(&r->sales[m], sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2));
	return true;
}

/* The tenders of the scope's split sales, from their running totals (db.c
 * step 11): a cash or card part counts as written, a Kaspi part when its
 * own order paid. */
static store_status read_split_tenders(store_db *db, const struct scope *sc, struct report *r,
                                       store_err *err)
{
	static const char *const sql[2] = {
		"SELECT kind, sum(sales), sum(amount) FROM report_split_tenders WHERE shift_id = ?1"
		" GROUP BY kind",
		"SELECT kind, sum(sales), sum(amount) FROM report_split_tenders WHERE day = ?1"
		" GROUP BY kind",
	};
	sqlite3_stmt *st;
	store_status s;
	if (r->sales_split.count == 0)
		return STORE_OK;
	if ((s = db_prepare(db, sql[sc->shift_id > 0 ? 0 : 1], &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	return each_row(db, st, split_tenders_row, r, err);
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
	if ((s = each_row(db, st, order_totals_row, r, err)) != STORE_OK)
		return s;
	if ((s = read_split_tenders(db, sc, r, err)) != STORE_OK)
		return s;
	if ((s = db_prepare(db, lines_sql[k], &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	return each_row(db, st, line_totals_row, r, err);
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
	return each_row(db, st, cashier_row, &l, err);
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
	                                             : db_fail(db, rc, err);
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
	bool receipt;
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
	u->receipt = l->receipt;
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
 * every order of the shift). The states are the journal's table's
 * (journal_state_unfinished), bound as ?2 … ?11. */
static store_status read_unfinished_orders(store_db *db, const struct scope *sc,
                                           struct report *r, store_err *err)
{
	static const char *const sql[2] = {
		"SELECT id, merchant_order_id, state, amount, created_at, '' FROM orders"
		" WHERE state IN (" JOURNAL_STATE_PARAMS_2 ") AND +shift_id = ?1"
		" ORDER BY created_at, id",
		"SELECT id, merchant_order_id, state, amount, created_at, '' FROM orders"
		" WHERE state IN (" JOURNAL_STATE_PARAMS_2 ") AND +day = ?1"
		" ORDER BY created_at, id",
	};
	struct unfinished_list l = {.r = r};
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, sql[sc->shift_id > 0 ? 0 : 1], &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	journal_bind_states(st, 2, journal_state_unfinished);
	return each_row(db, st, unfinished_row, &l, err);
}

/* One row of the refund sums: the tender, without a receipt or not,
 * refunds, amount. */
static bool refund_totals_row(void *arg, sqlite3_stmt *st)
{
	struct report *r = arg;
	enum report_method m;
	int64_t n = sqlite3_column_int64(st, 2), amount = sqlite3_column_int64(st, 3);
	if (!method_parse((const char *)sqlite3_column_text(st, 0), &m))
		return true;
	add_sum(&r->refunds[m], n, amount);
	add_sum(&r->refunds_total, n, amount);
	if (sqlite3_column_int(st, 1))
		add_sum(&r->refunds_no_receipt, n, amount);
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
		"SELECT method, no_receipt, sum(refunds), sum(amount) FROM report_refunds"
		" WHERE shift_id = ?1 AND state = 'refunded' GROUP BY method, no_receipt",
		"SELECT method, no_receipt, sum(refunds), sum(amount) FROM report_refunds"
		" WHERE day = ?1 AND state = 'refunded' GROUP BY method, no_receipt",
	};
	static const char *const vat_sql[2] = {
		"SELECT tax_rate, sum(amount) FROM report_refund_lines"
		" WHERE shift_id = ?1 AND state = 'refunded' GROUP BY tax_rate",
		"SELECT tax_rate, sum(amount) FROM report_refund_lines"
		" WHERE day = ?1 AND state = 'refunded' GROUP BY tax_rate",
	};
	static const char *const pending_sql[2] = {
		"SELECT f.id, f.merchant_refund_id, f.state, f.amount, f.created_at,"
		" coalesce(o.merchant_order_id, '')"
		" FROM refunds f LEFT JOIN orders o ON o.id = f.order_id"
		" WHERE f.state = 'refund_pending' AND +f.shift_id = ?1 ORDER BY f.created_at, f.id",
		"SELECT f.id, f.merchant_refund_id, f.state, f.amount, f.created_at,"
		" coalesce(o.merchant_order_id, '')"
		" FROM refunds f LEFT JOIN orders o ON o.id = f.order_id"
		" WHERE f.state = 'refund_pending' AND +f.day = ?1 ORDER BY f.created_at, f.id",
	};
	int k = sc->shift_id > 0 ? 0 : 1;
	struct unfinished_list l = {.r = r, .cap = r->n_unfinished, .refund = true};
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, sums_sql[k], &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	if ((s = each_row(db, st, refund_totals_row, r, err)) != STORE_OK)
		return s;
	if ((s = db_prepare(db, vat_sql[k], &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	if ((s = each_row(db, st, refund_vat_row, r, err)) != STORE_OK)
		return s;
	if ((s = db_prepare(db, pending_sql[k], &st, err)) != STORE_OK)
		return s;
	bind_scope(st, sc);
	return each_row(db, st, unfinished_row, &l, err);
}

/* The fiscal receipts of the scope the register has not taken yet (few:
 * by the partial index of the open receipts): listed as unfinished. */
static store_status read_unsent_receipts(store_db *db, const struct scope *sc, struct report *r,
                                         store_err *err)
{
	static const char *const sql[2] = {
		"SELECT c.id, coalesce(o.merchant_order_id, ''), c.state, c.amount, c.created_at, c.kind"
		" FROM receipts c LEFT JOIN orders o ON o.id = c.order_id"
		" WHERE c.state IN ('new', 'pending') AND +c.shift_id = ?1 ORDER BY c.created_at, c.id",
		"SELECT c.id, coalesce(o.merchant_order_id, ''), c.state, c.amount, c.created_at, c.kind"
		" FROM receipts c LEFT JOIN orders o ON o.id = c.order_id"
		" WHERE c.state IN ('new', 'pending') AND c.created_at BETWEEN ?2 AND ?3"
		" ORDER BY c.created_at, c.id",
	};
	struct unfinished_list l = {.r = r, .cap = r->n_unfinished, .receipt = true};
	sqlite3_stmt *st;
	store_status s;
	if ((s = db_prepare(db, sql[sc->shift_id > 0 ? 0 : 1], &st, err)) != STORE_OK)
		return s;
	if (sc->shift_id > 0) {
		sqlite3_bind_int64(st, 1, sc->shift_id);
	} else {
		sqlite3_bind_int64(st, 2, (sqlite3_int64)sc->from);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)sc->to);
	}
	return each_row(db, st, unfinished_row, &l, err);
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
	int64_t cash_net = r->sales[REPORT_CASH].amount - r->refunds[REPORT_CASH].amount;
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		int pct = p && m != REPORT_CASH ? p->commission[m] : 0;
		r->net_per[m] = r->sales[m].amount - r->refunds[m].amount;
		r->commission_rate[m] = pct;
		r->commission[m] = percent_of(r->net_per[m], pct);
		r->commission_total += r->commission[m];
	}
	r->payout = r->net - cash_net - r->commission_total;
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
	    (s = read_refunds(db, sc, r, err)) != STORE_OK ||
	    (s = read_unsent_receipts(db, sc, r, err)) != STORE_OK)
		return s;
	/* the drawer: its cash sales are those summed above */
	struct cash_sum cash_sales = {r->sales[REPORT_CASH].count, r->sales[REPORT_CASH].amount};
	if ((s = cash_figures_with_sales(db, sc->shift_id, sc->day, &cash_sales, &r->cash, err)) !=
	    STORE_OK)
		return s;
	r->cash_known = true;
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
	return rc == SQLITE_OK ? STORE_OK : db_fail(db, rc, err);
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
		store_set_err(err, s, NO_SHIFT_OPEN);
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
		return store_set_err(err, STORE_ERR_INPUT, NOT_A_DATE_N, yyyymmdd);
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
		return store_set_err(err, STORE_ERR_INPUT, Z_NEEDS_MANAGER);
	return rc == SQLITE_ROW ? STORE_OK : db_fail(db, rc, err);
}

/* Stores the snapshot of Z report number for shift_id. */
static store_status insert_z(store_db *db, const struct report *r, int64_t manager_id,
                             const char *snapshot, store_err *err)
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
	sqlite3_bind_text(st, 5, snapshot, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

/* Inside the write transaction: the report, its number, its snapshot,
 * the shift closed, the event. */
static store_status close_z_in(store_db *db, const struct report_params *p, int64_t manager_id,
                               const int64_t *counted, report_snapshot_fn snapshot, void *arg,
                               struct report *out, store_err *err)
{
	struct shift sh;
	char closed_by[REPORT_NAME_SIZE];
	int64_t last;
	store_status s;

	if ((s = manager_name(db, manager_id, closed_by, sizeof closed_by, err)) != STORE_OK)
		return s;
	if ((s = shifts_get_open(db, &sh, err)) != STORE_OK)
		return s == STORE_NOT_FOUND ? store_set_err(err, s, Z_NOTHING_OPEN)
		                            : s;
	if ((s = reports_last_z(db, &last, err)) != STORE_OK)
		return s;
	if ((s = compute_shift(db, p, REPORT_Z, &sh, db_now(db), out, err)) != STORE_OK)
		return s;
	if (!counted && cash_figures_any(&out->cash))
		return store_set_err(err, STORE_ERR_INPUT, Z_NEEDS_COUNT);
	if (counted) {
		if (*counted < 0 || *counted > CASH_AMOUNT_MAX)
			return store_set_err(err, STORE_ERR_INPUT, Z_COUNT_RANGE);
		out->counted_set = true;
		out->counted = *counted;
		out->difference = *counted - out->cash.expected;
	}
	out->z_number = last + 1;
	copy_text(out->closed_by, sizeof out->closed_by, closed_by);
	char *text = snapshot(arg, out);
	if (!text)
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	s = insert_z(db, out, manager_id, text, err);
	free(text);
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
                             const int64_t *counted, report_snapshot_fn snapshot, void *arg,
                             struct report *out, store_err *err)
{
	store_status s;

	store_err_clear(err);
	memset(out, 0, sizeof *out);
	if (!snapshot)
		return store_set_err(err, STORE_ERR_INPUT, Z_NO_WRITER);
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = close_z_in(db, p, manager_id, counted, snapshot, arg, out, err);
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
	return rc == SQLITE_ROW ? STORE_OK : db_fail(db, rc, err);
}

store_status reports_get_z(store_db *db, int64_t number, char **snapshot, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	char *text = NULL;

	store_err_clear(err);
	*snapshot = NULL;
	if ((s = db_prepare(db, "SELECT snapshot FROM z_reports WHERE number = ?1", &st, err)) !=
	    STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, number);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		text = strdup(t ? t : "");
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return store_set_err(err, STORE_NOT_FOUND, Z_NONE, (long long)number);
	if (rc != SQLITE_ROW)
		return db_fail(db, rc, err);
	if (!text)
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	*snapshot = text;
	return STORE_OK;
}

store_status reports_cash_refunds(store_db *db, int64_t shift_id, int64_t *tiyn, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	*tiyn = 0;
	if ((s = db_prepare(db,
	                    "SELECT coalesce(sum(amount), 0) FROM report_refunds"
	                    " WHERE shift_id = ?1 AND method = 'cash' AND state = 'refunded'",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, shift_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*tiyn = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : db_fail(db, rc, err);
}

/* ---- checking the running totals ----------------------------------- */

/* Runs a query that yields rows only where the totals (the table what)
 * and the journal disagree: STORE_OK when it yields none. */
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
		s = store_set_err(err, STORE_ERR_INTERNAL, TOTALS_DIFFER, what,
		                  (long long)sqlite3_column_int64(st, 0),
		                  (long long)sqlite3_column_int64(st, 1),
		                  (const char *)sqlite3_column_text(st, 2));
	else if (rc != SQLITE_DONE)
		s = db_fail(db, rc, err);
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
		"   FROM orders o WHERE (?1 = 0 OR o.shift_id = ?1) AND o.part_of IS NULL"
		"   GROUP BY 1, 2, 3, 4, 5),"
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
		"WITH j AS (SELECT f.shift_id, f.day, coalesce(t.tender, '?'), f.order_id IS NULL,"
		"   f.state, count(*) AS n, sum(f.amount) AS amount"
		"   FROM refunds f LEFT JOIN refund_tenders t ON t.refund_row = f.id"
		"   WHERE ?1 = 0 OR f.shift_id = ?1 GROUP BY 1, 2, 3, 4, 5),"
		" t AS (SELECT shift_id, day, method, no_receipt, state, refunds, amount FROM report_refunds"
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
	/* the sale states, as db.c step 11 names them */
	static const char split_sql[] =
		"WITH j AS (SELECT o.shift_id, o.day, t.kind, count(DISTINCT o.id) AS n,"
		"   sum(t.amount) AS amount FROM orders o JOIN tenders t ON t.order_id = o.id"
		"   LEFT JOIN orders p ON p.id = t.part_order"
		"   WHERE (?1 = 0 OR o.shift_id = ?1) AND o.method = 'split' AND o.state IN ('succeeded',"
		"   'late_paid', 'partially_refunded', 'refunded') AND (p.id IS NULL OR (p.state IN"
		"   ('succeeded', 'partially_refunded', 'refunded') AND NOT " JOURNAL_GIVEN_UP_SQL("p") "))"
		"   GROUP BY 1, 2, 3),"
		" t AS (SELECT shift_id, day, kind, sales, amount FROM report_split_tenders"
		"   WHERE (?1 = 0 OR shift_id = ?1) AND (sales <> 0 OR amount <> 0))"
		" SELECT shift_id, day, kind FROM (SELECT * FROM j EXCEPT SELECT * FROM t)"
		" UNION ALL SELECT shift_id, day, kind FROM (SELECT * FROM t EXCEPT SELECT * FROM j)";
	store_status s;

	store_err_clear(err);
	if ((s = begin_read(db, err)) != STORE_OK)
		return s;
	s = expect_no_rows(db, orders_sql, shift_id, "report_orders", err);
	if (s == STORE_OK)
		s = expect_no_rows(db, lines_sql, shift_id, "report_lines", err);
	if (s == STORE_OK)
		s = expect_no_rows(db, refunds_sql, shift_id, "report_refunds", err);
	if (s == STORE_OK)
		s = expect_no_rows(db, refund_lines_sql, shift_id, "report_refund_lines", err);
	if (s == STORE_OK)
		s = expect_no_rows(db, split_sql, shift_id, "report_split_tenders", err);
	db_rollback(db);
	return s;
}

/* ---- the journal listing ------------------------------------------- */

void report_journal_free(struct report_journal *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n_orders; i++) {
		free(j->orders[i].lines);
		free(j->orders[i].refunds);
		free(j->orders[i].tenders);
	}
	free(j->orders);
	free(j->returns);
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
	if (!journal_method_parse(method, &o->method))
		o->method = JOURNAL_QR;
	if (!journal_state_parse((const char *)sqlite3_column_text(st, 4), &o->state))
		o->state = JOURNAL_STATE_COUNT; /* a newer kaspi-pos's state: listed as "?" */
	o->amount = sqlite3_column_int64(st, 5);
	o->refunded_amount = sqlite3_column_int64(st, 6);
	copy_column(o->payment_id, sizeof o->payment_id, st, 7);
	o->shift_id = sqlite3_column_int64(st, 8);
	o->user_id = sqlite3_column_int64(st, 9);
	if (!j->details) { /* with details, the rows themselves are counted */
		o->n_lines = (size_t)sqlite3_column_int64(st, 10);
		o->n_refunds = (size_t)sqlite3_column_int64(st, 11);
	}
	o->given_up = sqlite3_column_int(st, 12) != 0;
	o->server_unknown = sqlite3_column_type(st, 13) != SQLITE_NULL;
	o->unknown_since = (time_t)sqlite3_column_int64(st, 13);
	o->part_of = sqlite3_column_int64(st, 14);
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
 * unit_price, tax_rate, discount, total, voided, name_kk, unit, weight,
 * price_per_unit; in order_id order, so
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
	copy_column(x->name_kk, sizeof x->name_kk, st, 12);
	journal_read_measure(x, st, 13);
	return true;
}

/* The columns after order_id of refund_row and return_row: id,
 * merchant_refund_id, state, amount, created_at, tender, part_no. */
static void read_refund(struct report_refund *x, sqlite3_stmt *st)
{
	memset(x, 0, sizeof *x);
	x->id = sqlite3_column_int64(st, 1);
	copy_column(x->ref, sizeof x->ref, st, 2);
	copy_column(x->state, sizeof x->state, st, 3);
	x->amount = sqlite3_column_int64(st, 4);
	x->created_at = (time_t)sqlite3_column_int64(st, 5);
	if (!journal_method_parse((const char *)sqlite3_column_text(st, 6), &x->tender))
		x->tender = JOURNAL_QR; /* every refund has its row (schema step 10) */
	x->part_no = sqlite3_column_int(st, 7);
}

struct return_list {
	struct report_journal *j;
	size_t cap;
};

/* A return without a receipt: the refund's columns, then tax_rate, reason. */
static bool return_row(void *arg, sqlite3_stmt *st)
{
	struct return_list *l = arg;
	if (!KP_GROW(l->j->returns, l->cap, l->j->n_returns + 1, 8))
		return false;
	struct report_refund *x = &l->j->returns[l->j->n_returns++];
	read_refund(x, st);
	x->tax_rate = sqlite3_column_int(st, 8);
	copy_column(x->reason, sizeof x->reason, st, 9);
	return true;
}

/* order_id, then the refund's columns (read_refund) */
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
	read_refund(&o->refunds[o->n_refunds++], st);
	return true;
}

/* One tender of a listed sale: its order, then JOURNAL_TENDER_COLUMNS. */
static bool tender_row(void *arg, sqlite3_stmt *st)
{
	struct order_list *l = arg;
	struct report_order *o = find_order(l, sqlite3_column_int64(st, 0));
	if (!o)
		return true;
	size_t n = o->n_tenders;
	if (n == 0 || (n & (n - 1)) == 0) {
		void *p = realloc(o->tenders, (n ? 2 * n : 1) * sizeof *o->tenders);
		if (!p)
			return false;
		o->tenders = p;
	}
	journal_tender_read(st, 1, &o->tenders[o->n_tenders++]);
	return true;
}

static store_status journal_read(store_db *db, struct order_list *l, store_err *err)
{
	static const char orders_sql[] =
		"SELECT id, merchant_order_id, created_at, method, state, amount, refunded_amount,"
		" payment_id, shift_id, user_id,"
		" (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id),"
		" (SELECT count(*) FROM refunds f WHERE f.order_id = o.id),"
		" " JOURNAL_GIVEN_UP_SQL("o") ","
		" (SELECT since FROM orders_unknown u WHERE u.order_id = o.id), part_of FROM orders o"
		" WHERE created_at BETWEEN ?1 AND ?2 AND (?3 IS NULL OR state = ?3)"
		" ORDER BY created_at, id";
	static const char lines_sql[] =
		"SELECT l.order_id, l.line_no, l.product_id, l.sku, l.barcode, l.name, l.quantity,"
		" l.unit_price, l.tax_rate, l.discount, l.total, l.voided, l.name_kk, "
		JOURNAL_LINE_MEASURE_COLUMNS("l.")
		" FROM orders o JOIN order_lines l ON l.order_id = o.id"
		" WHERE o.created_at BETWEEN ?1 AND ?2 AND (?3 IS NULL OR o.state = ?3)"
		" ORDER BY l.order_id, l.line_no";
	static const char refunds_sql[] =
		"SELECT f.order_id, f.id, f.merchant_refund_id, f.state, f.amount, f.created_at,"
		" t.tender, coalesce(t.part_no, 0)"
		" FROM orders o JOIN refunds f ON f.order_id = o.id"
		" LEFT JOIN refund_tenders t ON t.refund_row = f.id"
		" WHERE o.created_at BETWEEN ?1 AND ?2 AND (?3 IS NULL OR o.state = ?3)"
		" ORDER BY f.order_id, f.id";
	static const char tenders_sql[] =
		"SELECT t.order_id, " JOURNAL_TENDER_COLUMNS
		" FROM orders o JOIN tenders t ON t.order_id = o.id LEFT JOIN orders p ON p.id = t.part_order"
		" WHERE o.created_at BETWEEN ?1 AND ?2 AND (?3 IS NULL OR o.state = ?3)"
		" ORDER BY t.order_id, t.part_no";
	/* by the partial index of the returns without a receipt */
	static const char returns_sql[] =
		"SELECT 0, f.id, f.merchant_refund_id, f.state, f.amount, f.created_at, t.tender,"
		" coalesce(t.part_no, 0), coalesce((SELECT l.tax_rate FROM refund_lines l"
		"   WHERE l.refund_row = f.id ORDER BY l.part LIMIT 1), 0), f.reason"
		" FROM refunds f LEFT JOIN refund_tenders t ON t.refund_row = f.id"
		" WHERE f.order_id IS NULL AND f.created_at BETWEEN ?1 AND ?2 AND ?3 IS NULL"
		" ORDER BY f.created_at, f.id";
	struct return_list rl = {.j = l->j};
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, orders_sql, &st, err)) != STORE_OK)
		return s;
	bind_range(st, l->j);
	if ((s = each_row(db, st, order_row, l, err)) != STORE_OK)
		return s;
	if ((s = db_prepare(db, returns_sql, &st, err)) != STORE_OK)
		return s;
	bind_range(st, l->j);
	if ((s = each_row(db, st, return_row, &rl, err)) != STORE_OK)
		return s;
	if (l->j->n_orders == 0 || !l->j->details)
		return STORE_OK;
	l->by_id = malloc(l->j->n_orders * sizeof *l->by_id);
	if (!l->by_id)
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	for (size_t i = 0; i < l->j->n_orders; i++)
		l->by_id[i] = &l->j->orders[i];
	qsort(l->by_id, l->j->n_orders, sizeof *l->by_id, by_id_cmp);
	if ((s = db_prepare(db, lines_sql, &st, err)) != STORE_OK)
		return s;
	bind_range(st, l->j);
	if ((s = each_row(db, st, line_row, l, err)) != STORE_OK)
		return s;
	if ((s = db_prepare(db, refunds_sql, &st, err)) != STORE_OK)
		return s;
	bind_range(st, l->j);
	if ((s = each_row(db, st, refund_row, l, err)) != STORE_OK)
		return s;
	if ((s = db_prepare(db, tenders_sql, &st, err)) != STORE_OK)
		return s;
	bind_range(st, l->j);
	return each_row(db, st, tender_row, l, err);
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
		return store_set_err(err, STORE_ERR_INPUT, NOT_A_DATE);
	if (to_day < from_day)
		return store_set_err(err, STORE_ERR_INPUT, RANGE_BACKWARDS);
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
