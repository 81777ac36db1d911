/* report.c — the chain's reports (report.h): the figures summed in
 * PostgreSQL per group, folded into one struct per group, written as
 * JSON, CSV or text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "core/money.h"
#include "core/timeutil.h"
#include "hub/report.h"

#define RPT_METHODS 4          /* qr, phone, card, cash: the till's order */
#define RPT_CASH 3
#define RPT_RATES 16
#define RPT_KEY 160

static const char *const rpt_methods[RPT_METHODS] = {"qr", "phone", "card", "cash"};
static const char *const rpt_by_names[] = {"", "store", "till", "cashier", "hour"};

struct rpt_sum {
	long long count, amount;   /* amount: tiyn */
};

struct rpt_vat {
	int rate;
	long long gross, vat;
};

/* One group's figures, as the till's day report has them. */
struct rpt_group {
	char key[RPT_KEY];         /* the store, till, "till/cashier" or "HH"; "" for all */
	struct rpt_sum sales[RPT_METHODS], sales_total, sales_split, unitemised;
	struct rpt_sum refunds[RPT_METHODS], refunds_total, no_receipt;
	long long commission[RPT_METHODS], commission_total;
	struct rpt_vat vat_sales[RPT_RATES], vat_refunds[RPT_RATES];
	size_t n_vat_sales, n_vat_refunds;
	long long cancelled, failed, expired;
	struct rpt_sum voided, cash_in, cash_out;
	bool float_set;
	long long float_amount;
};

struct rpt_groups {
	struct rpt_group *g;
	size_t n, cap;
};

/* ---- the queries ----------------------------------------------------- */

/* $1 from day, $2 to day, $3 store or NULL, $4 till or NULL, $5 the grouping */
#define RPT_SALE "('succeeded', 'late_paid', 'partially_refunded', 'refunded')"
#define RPT_FILTER(X) \
	" AND ($3::text IS NULL OR t.store_id = $3) AND ($4::text IS NULL OR " X ".till_id = $4)"
#define RPT_GRP(X, USER, TIME) \
	"CASE $5 WHEN 'store' THEN t.store_id WHEN 'till' THEN " X ".till_id" \
	" WHEN 'cashier' THEN " X ".till_id || '/' || coalesce((SELECT u.name FROM hub_user u" \
	"   WHERE u.till_id = " X ".till_id AND u.id = " USER "), '-')" \
	" WHEN 'hour' THEN lpad(((((" TIME ") + 18000) % 86400) / 3600)::text, 2, '0')" \
	" ELSE '' END"

/* grp, method, sales, amount, refunds, amount, commission: per till and
 * day (its rounding), summed per group */
static const char rpt_sql_tenders[] =
	"WITH s AS ("
	" SELECT " RPT_GRP("o", "o.user_id", "o.created_at") " AS grp, o.till_id, t.store_id, o.day,"
	"   o.method AS m, count(*) AS n, sum(o.amount) AS a, 0::bigint AS rn, 0::bigint AS ra"
	" FROM hub_order o JOIN tills t ON t.till_id = o.till_id"
	" WHERE o.day BETWEEN $1 AND $2 AND o.part_of IS NULL AND o.method <> 'split'"
	"   AND o.state IN " RPT_SALE RPT_FILTER("o") " GROUP BY 1, 2, 3, 4, 5"
	" UNION ALL"
	" SELECT " RPT_GRP("o", "o.user_id", "o.created_at") ", o.till_id, t.store_id, o.day, d.kind,"
	"   count(DISTINCT o.id), sum(d.amount), 0, 0"
	" FROM hub_order o JOIN tills t ON t.till_id = o.till_id"
	" JOIN hub_tender d ON d.till_id = o.till_id AND d.order_id = o.id AND d.day BETWEEN $1 AND $2"
	" LEFT JOIN hub_order p ON p.till_id = d.till_id AND p.id = d.part_order"
	" WHERE o.day BETWEEN $1 AND $2 AND o.method = 'split' AND o.state IN " RPT_SALE
	"   AND (d.part_order IS NULL OR (p.state IN ('succeeded', 'partially_refunded', 'refunded')"
	"   AND NOT EXISTS (SELECT 1 FROM hub_abandoned b WHERE b.till_id = p.till_id"
	"     AND b.order_id = p.id)))" RPT_FILTER("o") " GROUP BY 1, 2, 3, 4, 5"
	" UNION ALL"
	" SELECT " RPT_GRP("f", "f.user_id", "f.created_at") ", f.till_id, t.store_id, f.day, r.tender,"
	"   0, 0, count(*), sum(f.amount)"
	" FROM hub_refund f JOIN tills t ON t.till_id = f.till_id"
	" JOIN hub_refund_tender r ON r.till_id = f.till_id AND r.refund_row = f.id"
	"   AND r.day BETWEEN $1 AND $2"
	" WHERE f.day BETWEEN $1 AND $2 AND f.state = 'refunded'" RPT_FILTER("f")
	" GROUP BY 1, 2, 3, 4, 5),"
	" d AS (SELECT grp, till_id, store_id, day, m, sum(n) AS n, sum(a) AS a, sum(rn) AS rn,"
	"   sum(ra) AS ra FROM s GROUP BY 1, 2, 3, 4, 5)"
	" SELECT grp, m, sum(n), sum(a), sum(rn), sum(ra),"
	"   sum(hub_percent((a - ra)::bigint, coalesce(c.rate, 0)))"
	" FROM d LEFT JOIN hub_commission c ON c.store_id = d.store_id AND c.method = d.m"
	" GROUP BY 1, 2";

/* grp, state, split, orders, amount, orders without lines, their amount */
static const char rpt_sql_orders[] =
	"SELECT " RPT_GRP("o", "o.user_id", "o.created_at") ", o.state, o.method = 'split',"
	" count(*), sum(o.amount),"
	" count(*) FILTER (WHERE i.order_id IS NULL),"
	" coalesce(sum(o.amount) FILTER (WHERE i.order_id IS NULL), 0)"
	" FROM hub_order o JOIN tills t ON t.till_id = o.till_id"
	" LEFT JOIN (SELECT DISTINCT l.till_id, l.order_id FROM hub_line l"
	"   WHERE l.day BETWEEN $1 AND $2) i ON i.till_id = o.till_id AND i.order_id = o.id"
	" WHERE o.day BETWEEN $1 AND $2 AND o.part_of IS NULL" RPT_FILTER("o")
	" GROUP BY 1, 2, 3";

/* grp, voided, rate, lines, gross, VAT: each till's day rounded on its own */
static const char rpt_sql_lines[] =
	"WITH l AS (SELECT " RPT_GRP("o", "o.user_id", "o.created_at") " AS grp, o.till_id, o.day,"
	"   l.tax_rate, l.voided, count(*) AS n, sum(l.total) AS g"
	" FROM hub_order o JOIN tills t ON t.till_id = o.till_id"
	" JOIN hub_line l ON l.till_id = o.till_id AND l.order_id = o.id AND l.day BETWEEN $1 AND $2"
	" WHERE o.day BETWEEN $1 AND $2 AND o.state IN " RPT_SALE RPT_FILTER("o")
	" GROUP BY 1, 2, 3, 4, 5)"
	" SELECT grp, voided, tax_rate, sum(n), sum(g), sum(hub_vat(g::bigint, tax_rate))"
	" FROM l GROUP BY 1, 2, 3 ORDER BY 1, 3";

/* grp, rate, gross, VAT of the refunds' parts */
static const char rpt_sql_refund_vat[] =
	"WITH l AS (SELECT " RPT_GRP("f", "f.user_id", "f.created_at") " AS grp, f.till_id, f.day,"
	"   x.tax_rate, sum(x.amount) AS g"
	" FROM hub_refund f JOIN tills t ON t.till_id = f.till_id"
	" JOIN hub_refund_line x ON x.till_id = f.till_id AND x.refund_row = f.id"
	"   AND x.day BETWEEN $1 AND $2"
	" WHERE f.day BETWEEN $1 AND $2 AND f.state = 'refunded'" RPT_FILTER("f")
	" GROUP BY 1, 2, 3, 4)"
	" SELECT grp, tax_rate, sum(g), sum(hub_vat(g::bigint, tax_rate)) FROM l GROUP BY 1, 2"
	" ORDER BY 1, 2";

/* grp, cash in (n, amount), out, a float set, the floats: each shift's
 * last float, for the shifts whose first float is of the period */
static const char rpt_sql_cash[] =
	"SELECT " RPT_GRP("m", "m.user_id", "m.at") ","
	" count(*) FILTER (WHERE m.kind = 'in'), coalesce(sum(m.amount) FILTER (WHERE m.kind = 'in'), 0),"
	" count(*) FILTER (WHERE m.kind = 'out'), coalesce(sum(m.amount) FILTER (WHERE m.kind = 'out'), 0),"
	" bool_or(m.kind = 'float'),"
	" coalesce(sum(m.amount) FILTER (WHERE m.kind = 'float' AND m.id = (SELECT max(l.id)"
	"   FROM hub_cash_move l WHERE l.till_id = m.till_id AND l.shift_id = m.shift_id"
	"   AND l.kind = 'float')), 0)"
	" FROM hub_cash_move m JOIN tills t ON t.till_id = m.till_id"
	" WHERE ((m.kind <> 'float' AND m.day BETWEEN $1 AND $2) OR (m.kind = 'float'"
	"   AND (SELECT f.day FROM hub_cash_move f WHERE f.till_id = m.till_id"
	"   AND f.shift_id = m.shift_id AND f.kind = 'float' ORDER BY f.id LIMIT 1)"
	"   BETWEEN $1 AND $2))" RPT_FILTER("m")
	" GROUP BY 1";

#define RPT_ISO(X) "to_char(to_timestamp(" X ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* The lists of the period, as JSON arrays PostgreSQL writes: the open
 * orders, refunds and receipts; the Z reports; the approvals. */
static const char rpt_sql_lists[] =
	"SELECT"
	" (SELECT coalesce(json_agg(x ORDER BY x.at, x.till_id, x.id), '[]') FROM ("
	"  SELECT 'order' AS type, o.till_id, t.store_id, o.id, o.merchant_order_id AS ref,"
	"   NULL AS order_ref, o.state, o.amount, o.created_at AS at,"
	"   " RPT_ISO("o.created_at") " AS created_at"
	"  FROM hub_order o JOIN tills t ON t.till_id = o.till_id WHERE o.day BETWEEN $1 AND $2"
	"   AND o.state IN ('creating', 'pending', 'abandoned', 'late_paid')" RPT_FILTER("o")
	"  UNION ALL SELECT 'refund', f.till_id, t.store_id, f.id, f.merchant_refund_id,"
	"   coalesce((SELECT p.merchant_order_id FROM hub_order p WHERE p.till_id = f.till_id"
	"   AND p.id = f.order_id), ''), f.state, f.amount, f.created_at, " RPT_ISO("f.created_at")
	"  FROM hub_refund f JOIN tills t ON t.till_id = f.till_id WHERE f.day BETWEEN $1 AND $2"
	"   AND f.state = 'refund_pending'" RPT_FILTER("f")
	"  UNION ALL SELECT 'receipt', c.till_id, t.store_id, c.id,"
	"   coalesce((SELECT p.merchant_order_id FROM hub_order p WHERE p.till_id = c.till_id"
	"   AND p.id = c.order_id), ''), c.kind, c.state, c.amount, c.created_at,"
	"   " RPT_ISO("c.created_at")
	"  FROM hub_receipt c JOIN tills t ON t.till_id = c.till_id WHERE c.day BETWEEN $1 AND $2"
	"   AND c.state IN ('new', 'pending')" RPT_FILTER("c") ") x),"
	" (SELECT coalesce(json_agg(x ORDER BY x.at, x.till_id), '[]') FROM ("
	"  SELECT z.till_id, t.store_id, z.number, z.shift_id, z.closed_at AS at,"
	"   " RPT_ISO("z.closed_at") " AS closed_at, u.name AS closed_by, z.counted, z.expected,"
	"   z.difference, (SELECT coalesce(json_agg(DISTINCT c.fiscal_shift), '[]')"
	"    FROM hub_receipt c WHERE c.till_id = z.till_id AND c.shift_id = z.shift_id"
	"    AND c.fiscal_shift > 0) AS fiscal_shifts,"
	/* the register's own Z of those shifts (the till's register_z events:
	 * "No. N, shift S"; a detail that is not one matches nothing) */
	"   (SELECT coalesce(json_agg(DISTINCT substring(e.detail FROM '^No\\. ([0-9]{1,9}),')::bigint),"
	"    '[]') FROM hub_event e WHERE e.till_id = z.till_id AND e.kind = 'register_z'"
	"    AND substring(e.detail FROM ', shift ([0-9]{1,9})$')::int IN (SELECT c.fiscal_shift"
	"    FROM hub_receipt c WHERE c.till_id = z.till_id AND c.shift_id = z.shift_id)) AS fiscal_reports"
	"  FROM hub_z z JOIN tills t ON t.till_id = z.till_id LEFT JOIN hub_user u"
	"   ON u.till_id = z.till_id AND u.id = z.closed_by"
	"  WHERE z.day BETWEEN $1 AND $2" RPT_FILTER("z") ") x),"
	" (SELECT coalesce(json_agg(x ORDER BY x.at, x.till_id), '[]') FROM ("
	"  SELECT e.kind, e.till_id, t.store_id, e.at, " RPT_ISO("e.at") " AS time,"
	"   u.name AS \"user\", substring(e.detail FROM ' approved by (.*)$') AS approved_by,"
	"   e.detail, NULL::bigint AS amount"
	"  FROM hub_event e JOIN tills t ON t.till_id = e.till_id LEFT JOIN hub_user u"
	"   ON u.till_id = e.till_id AND u.id = e.user_id WHERE e.day BETWEEN $1 AND $2"
	"   AND e.kind <> 'register_z'" RPT_FILTER("e")
	"  UNION ALL SELECT 'refund', f.till_id, t.store_id, f.created_at, " RPT_ISO("f.created_at") ","
	"   u.name, a.name, f.merchant_refund_id, f.amount"
	"  FROM hub_refund f JOIN tills t ON t.till_id = f.till_id"
	"  LEFT JOIN hub_user u ON u.till_id = f.till_id AND u.id = f.user_id"
	"  LEFT JOIN hub_user a ON a.till_id = f.till_id AND a.id = f.approved_by"
	"  WHERE f.day BETWEEN $1 AND $2 AND f.approved_by IS NOT NULL" RPT_FILTER("f") ") x),"
	" $5::text"; /* the grouping, unused here: every query takes the same five */

/* ---- running them ------------------------------------------------------ */

struct rpt_ctx {
	hub_pg *pg;
	const char *vals[5];
	char from[16], to[16];
	char *err;
};

static PGresult *rpt_exec(struct rpt_ctx *c, const char *sql)
{
	PGconn *conn = hub_pg_conn(c->pg);
	PGresult *r = PQexecParams(conn, sql, 5, NULL, c->vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		const char *m = PQresultErrorMessage(r);
		if (!m || !*m)
			m = PQerrorMessage(conn);
		snprintf(c->err, HUB_ERR_SIZE, "database error: %.*s", (int)strcspn(m, "\n"), m);
		PQclear(r);
		return NULL;
	}
	return r;
}

static long long rpt_ll(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* The group of key, made when new; NULL when out of memory. */
static struct rpt_group *rpt_group(struct rpt_groups *gs, const char *key)
{
	for (size_t i = 0; i < gs->n; i++)
		if (strcmp(gs->g[i].key, key) == 0)
			return &gs->g[i];
	if (gs->n == gs->cap) {
		size_t cap = gs->cap ? gs->cap * 2 : 16;
		struct rpt_group *g = realloc(gs->g, cap * sizeof *g);
		if (!g)
			return NULL;
		gs->g = g;
		gs->cap = cap;
	}
	struct rpt_group *g = &gs->g[gs->n++];
	memset(g, 0, sizeof *g);
	snprintf(g->key, sizeof g->key, "%s", key);
	return g;
}

static int rpt_method(const char *m)
{
	for (int i = 0; i < RPT_METHODS; i++)
		if (strcmp(m, rpt_methods[i]) == 0)
			return i;
	return -1;
}

static void rpt_add(struct rpt_sum *s, long long n, long long a)
{
	s->count += n;
	s->amount += a;
}

/* Runs sql and hands each row with its group to fn; false with err. */
static bool rpt_each(struct rpt_ctx *c, const char *sql, struct rpt_groups *gs,
                     void (*fn)(struct rpt_group *g, const PGresult *r, int row))
{
	PGresult *r = rpt_exec(c, sql);
	if (!r)
		return false;
	for (int i = 0; i < PQntuples(r); i++) {
		struct rpt_group *g = rpt_group(gs, PQgetvalue(r, i, 0));
		if (!g) {
			PQclear(r);
			snprintf(c->err, HUB_ERR_SIZE, "out of memory");
			return false;
		}
		fn(g, r, i);
	}
	PQclear(r);
	return true;
}

static void rpt_row_tenders(struct rpt_group *g, const PGresult *r, int i)
{
	int m = rpt_method(PQgetvalue(r, i, 1));
	if (m < 0)
		return;
	rpt_add(&g->sales[m], rpt_ll(r, i, 2), rpt_ll(r, i, 3));
	rpt_add(&g->refunds[m], rpt_ll(r, i, 4), rpt_ll(r, i, 5));
	rpt_add(&g->refunds_total, rpt_ll(r, i, 4), rpt_ll(r, i, 5));
	if (m != RPT_CASH) {
		g->commission[m] += rpt_ll(r, i, 6);
		g->commission_total += rpt_ll(r, i, 6);
	}
}

static void rpt_row_orders(struct rpt_group *g, const PGresult *r, int i)
{
	const char *state = PQgetvalue(r, i, 1);
	long long n = rpt_ll(r, i, 3), a = rpt_ll(r, i, 4);
	if (strstr(" succeeded late_paid partially_refunded refunded ", state) && *state) {
		rpt_add(&g->sales_total, n, a);
		if (strcmp(PQgetvalue(r, i, 2), "t") == 0)
			rpt_add(&g->sales_split, n, a);
		rpt_add(&g->unitemised, rpt_ll(r, i, 5), rpt_ll(r, i, 6));
	} else if (strcmp(state, "cancelled") == 0) {
		g->cancelled += n;
	} else if (strcmp(state, "failed") == 0) {
		g->failed += n;
	} else if (strcmp(state, "expired") == 0) {
		g->expired += n;
	}
}

static void rpt_vat_add(struct rpt_vat *t, size_t *n, int rate, long long gross, long long vat)
{
	for (size_t i = 0; i < *n; i++)
		if (t[i].rate == rate) {
			t[i].gross += gross;
			t[i].vat += vat;
			return;
		}
	if (*n < RPT_RATES)
		t[(*n)++] = (struct rpt_vat){rate, gross, vat};
}

static void rpt_row_lines(struct rpt_group *g, const PGresult *r, int i)
{
	if (strcmp(PQgetvalue(r, i, 1), "t") == 0)
		rpt_add(&g->voided, rpt_ll(r, i, 3), rpt_ll(r, i, 4));
	else
		rpt_vat_add(g->vat_sales, &g->n_vat_sales, (int)rpt_ll(r, i, 2), rpt_ll(r, i, 4),
		            rpt_ll(r, i, 5));
}

static void rpt_row_refund_vat(struct rpt_group *g, const PGresult *r, int i)
{
	rpt_vat_add(g->vat_refunds, &g->n_vat_refunds, (int)rpt_ll(r, i, 1), rpt_ll(r, i, 2),
	            rpt_ll(r, i, 3));
}

static void rpt_row_cash(struct rpt_group *g, const PGresult *r, int i)
{
	rpt_add(&g->cash_in, rpt_ll(r, i, 1), rpt_ll(r, i, 2));
	rpt_add(&g->cash_out, rpt_ll(r, i, 3), rpt_ll(r, i, 4));
	g->float_set = g->float_set || strcmp(PQgetvalue(r, i, 5), "t") == 0;
	g->float_amount += rpt_ll(r, i, 6);
}

static int rpt_group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rpt_group *)a)->key, ((const struct rpt_group *)b)->key);
}

/* Every group's figures for the grouping by. */
static bool rpt_groups(struct rpt_ctx *c, enum hub_report_by by, struct rpt_groups *gs)
{
	c->vals[4] = rpt_by_names[by];
	bool ok = rpt_each(c, rpt_sql_orders, gs, rpt_row_orders) &&
	          rpt_each(c, rpt_sql_tenders, gs, rpt_row_tenders) &&
	          rpt_each(c, rpt_sql_lines, gs, rpt_row_lines) &&
	          rpt_each(c, rpt_sql_refund_vat, gs, rpt_row_refund_vat) &&
	          rpt_each(c, rpt_sql_cash, gs, rpt_row_cash);
	if (ok && gs->n > 1)
		qsort(gs->g, gs->n, sizeof *gs->g, rpt_group_cmp);
	return ok;
}

/* ---- JSON ------------------------------------------------------------------ */

static cJSON *rpt_json_sum(const struct rpt_sum *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "count", (double)s->count);
	cJSON_AddNumberToObject(o, "amount", (double)s->amount);
	return o;
}

static int rpt_vat_cmp(const void *a, const void *b)
{
	return ((const struct rpt_vat *)a)->rate - ((const struct rpt_vat *)b)->rate;
}

static cJSON *rpt_json_vat(struct rpt_vat *t, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	qsort(t, n, sizeof *t, rpt_vat_cmp);
	for (size_t i = 0; i < n; i++) {
		cJSON *g = cJSON_CreateObject();
		cJSON_AddNumberToObject(g, "rate", t[i].rate);
		cJSON_AddNumberToObject(g, "gross", (double)t[i].gross);
		cJSON_AddNumberToObject(g, "vat", (double)t[i].vat);
		cJSON_AddItemToArray(a, g);
	}
	return a;
}

/* A group as the till's day report writes its figures (report_fmt.c). */
static cJSON *rpt_json_group(struct rpt_group *g, const char *by)
{
	cJSON *o = cJSON_CreateObject();
	if (by)
		cJSON_AddStringToObject(o, by, g->key);
	cJSON *s = cJSON_AddObjectToObject(o, "sales");
	cJSON *f = cJSON_AddObjectToObject(o, "refunds");
	cJSON *net = cJSON_CreateObject();
	long long cash_net = 0;
	for (int m = 0; m < RPT_METHODS; m++) {
		cJSON_AddItemToObject(s, rpt_methods[m], rpt_json_sum(&g->sales[m]));
		cJSON_AddItemToObject(f, rpt_methods[m], rpt_json_sum(&g->refunds[m]));
		long long n = g->sales[m].amount - g->refunds[m].amount;
		cJSON_AddNumberToObject(net, rpt_methods[m], (double)n);
		if (m == RPT_CASH)
			cash_net = n;
	}
	cJSON_AddItemToObject(s, "total", rpt_json_sum(&g->sales_total));
	cJSON_AddItemToObject(s, "split", rpt_json_sum(&g->sales_split));
	cJSON_AddItemToObject(f, "total", rpt_json_sum(&g->refunds_total));
	cJSON_AddItemToObject(f, "no_receipt", rpt_json_sum(&g->no_receipt));
	long long total_net = g->sales_total.amount - g->refunds_total.amount;
	cJSON_AddNumberToObject(o, "net", (double)total_net);
	cJSON_AddItemToObject(o, "net_per_tender", net);
	cJSON *vat = cJSON_AddObjectToObject(o, "vat");
	cJSON_AddItemToObject(vat, "sales", rpt_json_vat(g->vat_sales, g->n_vat_sales));
	cJSON_AddItemToObject(vat, "refunds", rpt_json_vat(g->vat_refunds, g->n_vat_refunds));
	cJSON_AddItemToObject(vat, "sales_without_lines", rpt_json_sum(&g->unitemised));
	cJSON *com = cJSON_AddObjectToObject(o, "commission");
	for (int m = 0; m < RPT_CASH; m++) {
		cJSON *x = cJSON_AddObjectToObject(com, rpt_methods[m]);
		cJSON_AddNumberToObject(x, "amount", (double)g->commission[m]);
	}
	cJSON_AddNumberToObject(com, "total", (double)g->commission_total);
	cJSON_AddNumberToObject(o, "payout", (double)(total_net - cash_net - g->commission_total));
	cJSON *cash = cJSON_AddObjectToObject(o, "cash");
	cJSON_AddBoolToObject(cash, "float_set", g->float_set);
	cJSON_AddNumberToObject(cash, "float", (double)g->float_amount);
	cJSON_AddItemToObject(cash, "sales", rpt_json_sum(&g->sales[RPT_CASH]));
	cJSON_AddItemToObject(cash, "in", rpt_json_sum(&g->cash_in));
	cJSON_AddItemToObject(cash, "out", rpt_json_sum(&g->cash_out));
	cJSON_AddItemToObject(cash, "refunds", rpt_json_sum(&g->refunds[RPT_CASH]));
	cJSON_AddNumberToObject(cash, "expected",
	                        (double)(g->float_amount + g->sales[RPT_CASH].amount + g->cash_in.amount -
	                                 g->cash_out.amount - g->refunds[RPT_CASH].amount));
	cJSON *ord = cJSON_AddObjectToObject(o, "orders");
	cJSON_AddNumberToObject(ord, "cancelled", (double)g->cancelled);
	cJSON_AddNumberToObject(ord, "failed", (double)g->failed);
	cJSON_AddNumberToObject(ord, "expired", (double)g->expired);
	cJSON_AddItemToObject(o, "voided_lines", rpt_json_sum(&g->voided));
	return o;
}

/* The no-receipt refunds are not in the tenders' query: the cash ones
 * without an order. */
static const char rpt_sql_no_receipt[] =
	"SELECT " RPT_GRP("f", "f.user_id", "f.created_at") ", count(*), coalesce(sum(f.amount), 0)"
	" FROM hub_refund f JOIN tills t ON t.till_id = f.till_id"
	" JOIN hub_refund_tender r ON r.till_id = f.till_id AND r.refund_row = f.id"
	" WHERE f.day BETWEEN $1 AND $2 AND f.state = 'refunded' AND f.order_id IS NULL"
	RPT_FILTER("f") " GROUP BY 1";

static void rpt_row_no_receipt(struct rpt_group *g, const PGresult *r, int i)
{
	rpt_add(&g->no_receipt, rpt_ll(r, i, 1), rpt_ll(r, i, 2));
}

/* The lists and the Z reports' cash differences into o. */
static bool rpt_lists(struct rpt_ctx *c, cJSON *o)
{
	static const char *const names[] = {"unfinished", "z_reports", "approvals"};
	PGresult *r = rpt_exec(c, rpt_sql_lists);
	if (!r)
		return false;
	for (int i = 0; i < 3; i++) {
		cJSON *a = cJSON_Parse(PQgetvalue(r, 0, i));
		cJSON_AddItemToObject(o, names[i], a ? a : cJSON_CreateArray());
	}
	PQclear(r);
	long long diff = 0, pending = 0;
	const cJSON *z, *u;
	cJSON_ArrayForEach(z, cJSON_GetObjectItem(o, "z_reports"))
	{
		const cJSON *d = cJSON_GetObjectItem(z, "difference");
		if (cJSON_IsNumber(d))
			diff += (long long)d->valuedouble;
	}
	cJSON_ArrayForEach(u, cJSON_GetObjectItem(o, "unfinished"))
	{
		const cJSON *t = cJSON_GetObjectItem(u, "type");
		pending += cJSON_IsString(t) && strcmp(t->valuestring, "receipt") == 0;
	}
	cJSON_AddNumberToObject(o, "cash_difference", (double)diff);
	cJSON_AddNumberToObject(o, "receipts_pending", (double)pending);
	return true;
}

static void rpt_date(char *buf, size_t size, int d)
{
	snprintf(buf, size, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
}

/* The report as one JSON object. */
static cJSON *rpt_build(struct rpt_ctx *c, const struct hub_report_query *q)
{
	struct rpt_groups all = {0}, by = {0};
	cJSON *o = cJSON_CreateObject();
	char d[16];
	bool ok = rpt_groups(c, HUB_BY_NONE, &all) && rpt_group(&all, "") &&
	          rpt_each(c, rpt_sql_no_receipt, &all, rpt_row_no_receipt) &&
	          (q->by == HUB_BY_NONE || (rpt_groups(c, q->by, &by) &&
	                                    rpt_each(c, rpt_sql_no_receipt, &by, rpt_row_no_receipt)));
	if (ok) {
		rpt_date(d, sizeof d, q->from_day);
		cJSON_AddStringToObject(o, "from", d);
		rpt_date(d, sizeof d, q->to_day);
		cJSON_AddStringToObject(o, "to", d);
		q->store ? cJSON_AddStringToObject(o, "store", q->store) : cJSON_AddNullToObject(o, "store");
		q->till ? cJSON_AddStringToObject(o, "till", q->till) : cJSON_AddNullToObject(o, "till");
		q->by ? cJSON_AddStringToObject(o, "by", rpt_by_names[q->by]) : cJSON_AddNullToObject(o, "by");
		cJSON_AddItemToObject(o, "total", rpt_json_group(&all.g[0], NULL));
		cJSON *groups = cJSON_AddArrayToObject(o, "groups");
		for (size_t i = 0; q->by && i < by.n; i++)
			cJSON_AddItemToArray(groups, rpt_json_group(&by.g[i], rpt_by_names[q->by]));
		ok = rpt_lists(c, o);
	}
	free(all.g);
	free(by.g);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* ---- CSV and text ------------------------------------------------------------ */

static long long rpt_num(const cJSON *o, const char *path)
{
	char name[64];
	const cJSON *v = o;
	while (v && *path) {
		size_t n = strcspn(path, ".");
		snprintf(name, sizeof name, "%.*s", (int)n, path);
		v = cJSON_GetObjectItemCaseSensitive(v, name);
		path += n + (path[n] == '.');
	}
	return cJSON_IsNumber(v) ? (long long)v->valuedouble : 0;
}

static long long rpt_vat_total(const cJSON *g, const char *which)
{
	long long t = 0;
	const cJSON *x;
	cJSON_ArrayForEach(x, cJSON_GetObjectItem(cJSON_GetObjectItem(g, "vat"), which))
		t += rpt_num(x, "vat");
	return t;
}

/* A growing text. */
struct rpt_buf {
	char *s;
	size_t n, cap;
	bool failed;
};

__attribute__((format(printf, 2, 3))) static void rpt_put(struct rpt_buf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		size_t room = b->cap - b->n;
		va_start(ap, fmt);
		int k = b->s ? vsnprintf(b->s + b->n, room, fmt, ap) : -2;
		va_end(ap);
		if (k >= 0 && (size_t)k < room) {
			b->n += (size_t)k;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (k >= 0 && cap < b->n + (size_t)k + 1)
			cap *= 2;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->failed = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

static const char *const rpt_csv_cols[] = {
	"sales.total.count", "sales.total.amount", "sales.qr.amount", "sales.phone.amount",
	"sales.card.amount", "sales.cash.amount", "sales.split.amount", "refunds.total.count",
	"refunds.total.amount", "refunds.qr.amount", "refunds.phone.amount", "refunds.card.amount",
	"refunds.cash.amount", "net", "commission.total", "payout", "cash.expected",
	"orders.cancelled", "orders.failed", "orders.expired", "voided_lines.count",
	"voided_lines.amount",
};

/* A column is money unless it counts. */
static bool rpt_is_count(const char *col)
{
	return strstr(col, "count") || strncmp(col, "orders.", 7) == 0;
}

/* A text from a till, fit for a CSV field or a terminal: control bytes
 * (C0, DEL, C1 in UTF-8) become '?', and for CSV '"' is doubled. */
static void rpt_safe(struct rpt_buf *b, const char *s, bool csv)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			rpt_put(b, "?");
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			rpt_put(b, "?"), p++;
		else if (csv && *p == '"')
			rpt_put(b, "\"\"");
		else
			rpt_put(b, "%c", *p);
	}
}

static void rpt_csv_row(struct rpt_buf *b, const char *key, const cJSON *g)
{
	char m[32];
	rpt_put(b, "\"");
	rpt_safe(b, key, true);
	rpt_put(b, "\"");
	for (size_t i = 0; i < sizeof rpt_csv_cols / sizeof *rpt_csv_cols; i++) {
		long long v = rpt_num(g, rpt_csv_cols[i]);
		if (rpt_is_count(rpt_csv_cols[i]))
			rpt_put(b, ",%lld", v);
		else
			money_format_decimal(m, sizeof m, v), rpt_put(b, ",%s", m);
	}
	money_format_decimal(m, sizeof m, rpt_vat_total(g, "sales"));
	rpt_put(b, ",%s", m);
	money_format_decimal(m, sizeof m, rpt_vat_total(g, "refunds"));
	rpt_put(b, ",%s\n", m);
}

/* One line per group and the total; money in tenge with two decimals. */
static char *rpt_csv(const cJSON *o)
{
	struct rpt_buf b = {0};
	const cJSON *by = cJSON_GetObjectItem(o, "by"), *g;
	const char *name = cJSON_IsString(by) ? by->valuestring : "group";
	rpt_put(&b, "%s", name);
	for (size_t i = 0; i < sizeof rpt_csv_cols / sizeof *rpt_csv_cols; i++)
		rpt_put(&b, ",%s", rpt_csv_cols[i]);
	rpt_put(&b, ",vat.sales,vat.refunds\n");
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(o, "groups"))
	{
		const cJSON *k = cJSON_GetObjectItem(g, name);
		rpt_csv_row(&b, cJSON_IsString(k) ? k->valuestring : "", g);
	}
	rpt_csv_row(&b, "total", cJSON_GetObjectItem(o, "total"));
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static void rpt_money(struct rpt_buf *b, const char *label, long long tiyn)
{
	char m[48];
	money_format_plain(m, sizeof m, tiyn);
	rpt_put(b, "  %-24s %16s\n", label, m);
}

static void rpt_text_group(struct rpt_buf *b, const cJSON *g)
{
	char path[48];
	rpt_put(b, "  %-24s %16lld\n", "sales", rpt_num(g, "sales.total.count"));
	rpt_money(b, "sales, total", rpt_num(g, "sales.total.amount"));
	for (int m = 0; m < RPT_METHODS; m++) {
		snprintf(path, sizeof path, "sales.%s.amount", rpt_methods[m]);
		char label[32];
		snprintf(label, sizeof label, "  %s", rpt_methods[m]);
		rpt_money(b, label, rpt_num(g, path));
	}
	rpt_money(b, "refunds", rpt_num(g, "refunds.total.amount"));
	rpt_money(b, "net", rpt_num(g, "net"));
	const cJSON *x;
	cJSON_ArrayForEach(x, cJSON_GetObjectItem(cJSON_GetObjectItem(g, "vat"), "sales"))
	{
		char label[32];
		snprintf(label, sizeof label, "VAT %lld%% of sales", rpt_num(x, "rate"));
		rpt_money(b, label, rpt_num(x, "vat"));
	}
	rpt_money(b, "VAT of refunds", rpt_vat_total(g, "refunds"));
	rpt_money(b, "commission", rpt_num(g, "commission.total"));
	rpt_money(b, "payout", rpt_num(g, "payout"));
	rpt_money(b, "cash expected", rpt_num(g, "cash.expected"));
	rpt_put(b, "  %-24s %16lld\n", "voided lines", rpt_num(g, "voided_lines.count"));
	rpt_put(b, "  %-24s %6lld/%4lld/%4lld\n", "declined/failed/expired",
	        rpt_num(g, "orders.cancelled"), rpt_num(g, "orders.failed"),
	        rpt_num(g, "orders.expired"));
}

/* Almaty time of a list entry's "at". */
static void rpt_at(char *buf, size_t size, const cJSON *x)
{
	kp_almaty_strftime(buf, size, "%Y-%m-%d %H:%M", (time_t)rpt_num(x, "at"));
}

static void rpt_text_lists(struct rpt_buf *b, const cJSON *o)
{
	const cJSON *x;
	char at[32], m[48];
	rpt_put(b, "\nopen orders, refunds and fiscal receipts:\n");
	cJSON_ArrayForEach(x, cJSON_GetObjectItem(o, "unfinished"))
	{
		rpt_at(at, sizeof at, x);
		money_format_plain(m, sizeof m, rpt_num(x, "amount"));
		rpt_put(b, "  %s  ", at);
		rpt_safe(b, cJSON_GetStringValue(cJSON_GetObjectItem(x, "till_id")), false);
		rpt_put(b, "  %s ", cJSON_GetStringValue(cJSON_GetObjectItem(x, "type")));
		rpt_safe(b, cJSON_GetStringValue(cJSON_GetObjectItem(x, "ref")), false);
		if (cJSON_IsString(cJSON_GetObjectItem(x, "order_ref"))) {
			rpt_put(b, " (");
			rpt_safe(b, cJSON_GetStringValue(cJSON_GetObjectItem(x, "order_ref")), false);
			rpt_put(b, ")");
		}
		rpt_put(b, " ");
		rpt_safe(b, cJSON_GetStringValue(cJSON_GetObjectItem(x, "state")), false);
		rpt_put(b, "  %s\n", m);
	}
	rpt_put(b, "Z reports:\n");
	cJSON_ArrayForEach(x, cJSON_GetObjectItem(o, "z_reports"))
	{
		rpt_at(at, sizeof at, x);
		money_format_plain(m, sizeof m, rpt_num(x, "difference"));
		rpt_put(b, "  %s  ", at);
		rpt_safe(b, cJSON_GetStringValue(cJSON_GetObjectItem(x, "till_id")), false);
		rpt_put(b, "  Z %lld, shift %lld, by ", rpt_num(x, "number"), rpt_num(x, "shift_id"));
		rpt_safe(b, cJSON_GetStringValue(cJSON_GetObjectItem(x, "closed_by")), false);
		rpt_put(b, ", cash difference %s, register shifts", m);
		const cJSON *f;
		cJSON_ArrayForEach(f, cJSON_GetObjectItem(x, "fiscal_shifts"))
			rpt_put(b, " %lld", (long long)f->valuedouble);
		rpt_put(b, ", register Z");
		cJSON_ArrayForEach(f, cJSON_GetObjectItem(x, "fiscal_reports"))
			rpt_put(b, " %lld", (long long)f->valuedouble);
		rpt_put(b, "\n");
	}
	rpt_put(b, "voids, discounts and approvals:\n");
	cJSON_ArrayForEach(x, cJSON_GetObjectItem(o, "approvals"))
	{
		rpt_at(at, sizeof at, x);
		rpt_put(b, "  %s  ", at);
		rpt_safe(b, cJSON_GetStringValue(cJSON_GetObjectItem(x, "till_id")), false);
		const char *who = cJSON_GetStringValue(cJSON_GetObjectItem(x, "user"));
		rpt_put(b, "  %s by ", cJSON_GetStringValue(cJSON_GetObjectItem(x, "kind")));
		rpt_safe(b, who ? who : "-", false); /* none: a headless command */
		const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(x, "approved_by"));
		if (a) {
			rpt_put(b, ", approved by ");
			rpt_safe(b, a, false);
		}
		rpt_put(b, ": ");
		rpt_safe(b, cJSON_GetStringValue(cJSON_GetObjectItem(x, "detail")), false);
		rpt_put(b, "\n");
	}
}

/* The operator's report: English, Almaty times, tenge. */
static char *rpt_text(const cJSON *o)
{
	struct rpt_buf b = {0};
	const cJSON *g, *by = cJSON_GetObjectItem(o, "by");
	rpt_put(&b, "chain report %s to %s (Almaty days)",
	        cJSON_GetStringValue(cJSON_GetObjectItem(o, "from")),
	        cJSON_GetStringValue(cJSON_GetObjectItem(o, "to")));
	const char *store = cJSON_GetStringValue(cJSON_GetObjectItem(o, "store"));
	const char *till = cJSON_GetStringValue(cJSON_GetObjectItem(o, "till"));
	if (store)
		rpt_put(&b, ", store %s", store);
	if (till)
		rpt_put(&b, ", till %s", till);
	rpt_put(&b, "\n");
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(o, "groups"))
	{
		rpt_put(&b, "\n%s ", by->valuestring);
		rpt_safe(&b, cJSON_GetStringValue(cJSON_GetObjectItem(g, by->valuestring)), false);
		rpt_put(&b, ":\n");
		rpt_text_group(&b, g);
	}
	rpt_put(&b, "\ntotal:\n");
	rpt_text_group(&b, cJSON_GetObjectItem(o, "total"));
	rpt_money(&b, "cash difference (Z)", rpt_num(o, "cash_difference"));
	rpt_put(&b, "  %-24s %16lld\n", "fiscal receipts pending", rpt_num(o, "receipts_pending"));
	rpt_text_lists(&b, o);
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* ---- the entry points ------------------------------------------------------ */

bool hub_report_by_parse(const char *s, enum hub_report_by *out)
{
	for (int i = 1; i < (int)(sizeof rpt_by_names / sizeof *rpt_by_names); i++)
		if (s && strcmp(s, rpt_by_names[i]) == 0) {
			*out = (enum hub_report_by)i;
			return true;
		}
	return false;
}

bool hub_report_date_parse(const char *s, int *yyyymmdd)
{
	int y, m, d, n = 0;
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    s[4] != '-' || s[7] != '-' || y < 1970 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > days[m - 1] + (m == 2 && leap))
		return false;
	*yyyymmdd = y * 10000 + m * 100 + d;
	return true;
}

int hub_report_today(void)
{
	return kp_almaty_yyyymmdd(time(NULL));
}

bool hub_report_run(hub_pg *pg, const struct hub_report_query *q, enum hub_report_format fmt,
                    char **out, char err[HUB_ERR_SIZE])
{
	struct rpt_ctx c = {.pg = pg, .err = err};
	snprintf(c.from, sizeof c.from, "%d", q->from_day);
	snprintf(c.to, sizeof c.to, "%d", q->to_day);
	c.vals[0] = c.from;
	c.vals[1] = c.to;
	c.vals[2] = q->store;
	c.vals[3] = q->till;
	*out = NULL;
	/* one snapshot for every query of the report */
	PQclear(PQexec(hub_pg_conn(pg), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
	/* a day's few thousand rows: compiling them (JIT) costs more than it saves */
	PQclear(PQexec(hub_pg_conn(pg), "SET LOCAL jit = off"));
	cJSON *o = rpt_build(&c, q);
	PQclear(PQexec(hub_pg_conn(pg), "COMMIT"));
	if (!o)
		return false;
	*out = fmt == HUB_FMT_JSON  ? cJSON_PrintUnformatted(o)
	       : fmt == HUB_FMT_CSV ? rpt_csv(o)
	                            : rpt_text(o);
	cJSON_Delete(o);
	if (!*out)
		snprintf(err, HUB_ERR_SIZE, "out of memory");
	return *out != NULL;
}
