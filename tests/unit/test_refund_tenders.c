/* test_refund_tenders.c — refunds back to the sale's tenders (refunds.h,
 * "Tenders"): a cash sale in cash and a card sale to the card, written
 * refunded at once with their order's move; a Kaspi order through the API
 * or in cash instead; a split sale over its parts, Kaspi first, card, cash
 * last, each never above what it paid, and in cash instead drawing on the
 * cash part first; a Kaspi part's refund moving its sale; a refund by
 * lines split over the tenders keeping each line's units once; returns
 * without a receipt; the reports' refunds per tender and the cash refunds
 * of the shift against independent SQL; the schema step over refunds from
 * before (and again over itself). Real SQLite files; the test's clock. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/i18n.h"
#include "store/db.h"
#include "store/journal.h"
#include "store/messages.h"
#include "store/refunds.h"
#include "store/reports.h"
#include "store/shifts.h"

struct fixture {
	char dir[256];
	char path[300];
	store_db *db;
	int64_t shift_id;
	int64_t cashier, manager;
	int seq;                  /* payment ids */
};

static time_t fake_now = 1796300000; /* 2026-12-03 */

static time_t fake_clock(void)
{
	return fake_now;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static store_db *open_ok(struct fixture *f)
{
	store_err err;
	store_db *db = NULL;
	if (db_open(f->path, &db, &err) != STORE_OK)
		fail_msg("db_open: %s", kp_msg_text(&err.msg));
	db_set_clock(db, fake_clock);
	return db;
}

static void exec_ok(store_db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db_sqlite(db), sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

static int64_t query_int(store_db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int64_t query_int(store_db *db, const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db_sqlite(db)));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Rows of every table a refund writes to, and what the orders took. */
static int64_t written(store_db *db)
{
	return query_int(db, "SELECT (SELECT count(*) FROM refunds) + (SELECT count(*) FROM refund_lines)"
	                     " + (SELECT count(*) FROM refund_tenders)"
	                     " + (SELECT count(*) FROM order_events) + (SELECT count(*) FROM events)"
	                     " + (SELECT total(refunded_amount) FROM orders)");
}

static int64_t add_user(store_db *db, const char *name, const char *role)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "INSERT INTO users(name, role, pin_salt, pin_hash, pin_iterations, created_at)"
	         " VALUES ('%s', '%s', zeroblob(16), zeroblob(32), 1, 0)",
	         name, role);
	exec_ok(db, sql);
	return sqlite3_last_insert_rowid(db_sqlite(db));
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	store_err err;
	struct shift sh;
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "%s/kp-refund-tenders-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kaspi-pos.db", f->dir);
	fake_now = 1796300000;
	f->db = open_ok(f);
	assert_int_equal(shifts_ensure_open(f->db, 0, &sh, NULL, &err), STORE_OK);
	f->shift_id = sh.id;
	f->cashier = add_user(f->db, "Айгүл", "cashier");
	f->manager = add_user(f->db, "Болат", "manager");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	nftw(f->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* ---- sales ---------------------------------------------------------------------- */

static struct journal_line line(int64_t n, int64_t price, int rate)
{
	struct journal_line l = {.quantity = n, .unit_price = price, .tax_rate = rate,
	                         .total = n * price};
	snprintf(l.name, sizeof l.name, "Товар");
	return l;
}

static struct journal_new sale_of(struct fixture *f, enum journal_method m, int64_t amount)
{
	return (struct journal_new){.till_id = "T01", .shift_id = f->shift_id, .user_id = f->cashier,
	                            .method = m, .amount = amount};
}

static bool order_body(void *arg, const char *moid, const char **out, size_t *len)
{
	static char buf[128];
	(void)arg;
	*len = (size_t)snprintf(buf, sizeof buf, "{\"merchant_order_id\":\"%s\"}", moid);
	*out = buf;
	return true;
}

/* A cash or card sale of these lines. */
static int64_t record(struct fixture *f, enum journal_method m, const struct journal_line *l,
                      size_t n)
{
	int64_t amount = 0, id = 0;
	store_err err;
	for (size_t i = 0; i < n; i++)
		amount += l[i].total;
	struct journal_new o = sale_of(f, m, amount);
	struct journal_tender t = {.kind = m, .amount = amount, .given = m == JOURNAL_CASH ? amount : 0};
	if (journal_record_sale(f->db, &o, l, n, &t, &id, NULL, &err) != STORE_OK)
		fail_msg("journal_record_sale: %s", kp_msg_text(&err.msg));
	return id;
}

/* A paid Kaspi order (part_of: of a split sale, else 0). */
static int64_t kaspi(struct fixture *f, enum journal_method m, int64_t amount, int64_t part_of,
                     const struct journal_line *l, size_t n)
{
	int64_t id = 0;
	store_err err;
	char pay[32];
	struct journal_new o = sale_of(f, m, amount);
	o.build_body = order_body;
	o.part_of = part_of;
	o.payer_phone = m == JOURNAL_PHONE ? "+77051234567" : NULL;
	if (journal_create(f->db, &o, l, n, &id, NULL, &err) != STORE_OK)
		fail_msg("journal_create: %s", kp_msg_text(&err.msg));
	snprintf(pay, sizeof pay, "pay_%d", ++f->seq);
	struct journal_payment p = {.payment_id = pay};
	if (journal_move_with_payment(f->db, id, JOURNAL_CREATING, JOURNAL_SUCCEEDED, &p, 0, NULL,
	                              &err) != STORE_OK)
		fail_msg("paid: %s", kp_msg_text(&err.msg));
	return id;
}

/* A split sale of these lines: first the Kaspi part (qr, kaspi_amount;
 * *part gets its order), then the others (cash, card) in order. */
static int64_t split(struct fixture *f, const struct journal_line *l, size_t n, int64_t kaspi_amount,
                     const struct journal_tender *rest, size_t n_rest, int64_t *part)
{
	int64_t amount = 0, sale = 0;
	store_err err;
	for (size_t i = 0; i < n; i++)
		amount += l[i].total;
	struct journal_new o = sale_of(f, JOURNAL_SPLIT, amount);
	if (journal_open_split(f->db, &o, l, n, &sale, NULL, &err) != STORE_OK)
		fail_msg("journal_open_split: %s", kp_msg_text(&err.msg));
	*part = kaspi(f, JOURNAL_QR, kaspi_amount, sale, NULL, 0);
	if (journal_complete_split(f->db, sale, rest, n_rest, 0, &err) != STORE_OK)
		fail_msg("journal_complete_split: %s", kp_msg_text(&err.msg));
	return sale;
}

static struct journal_order order(struct fixture *f, int64_t id)
{
	struct journal_order o;
	store_err err;
	if (journal_get(f->db, id, &o, &err) != STORE_OK)
		fail_msg("journal_get: %s", kp_msg_text(&err.msg));
	return o;
}

/* ---- refunds --------------------------------------------------------------------- */

struct maker {
	char buf[8][256];
	char payment_id[8][64];
	int64_t amount[8];
	int calls;
};

static struct maker maker;

static bool refund_body(void *arg, const char *mrid, const char *payment_id, int64_t amount,
                        const char **body, size_t *len)
{
	struct maker *m = arg;
	int i = m->calls++ % 8;
	snprintf(m->payment_id[i], sizeof m->payment_id[i], "%s", payment_id);
	m->amount[i] = amount;
	*len = (size_t)snprintf(m->buf[i], sizeof m->buf[i],
	                        "{\"payment_id\":\"%s\",\"amount\":%lld,\"merchant_refund_id\":\"%s\"}",
	                        payment_id, (long long)amount, mrid);
	*body = m->buf[i];
	return true;
}

static struct refund_new asked(struct fixture *f, int64_t order_id, int64_t amount, bool to_cash)
{
	memset(&maker, 0, sizeof maker);
	return (struct refund_new){.till_id = "T01", .shift_id = f->shift_id, .order_id = order_id,
	                           .amount = amount, .reason = "Покупатель вернул товар",
	                           .user_id = f->cashier, .approved_by = f->manager,
	                           .bare_tax_rate = 16, .to_cash = to_cash,
	                           .build_body = refund_body, .body_arg = &maker};
}

static struct refund_quote made(struct fixture *f, const struct refund_new *r)
{
	struct refund_quote q;
	store_err err;
	int64_t id = 0;
	if (refunds_create(f->db, r, &id, NULL, &q, &err) != STORE_OK)
		fail_msg("refunds_create: %s", kp_msg_text(&err.msg));
	assert_true(q.n_alloc >= 1);
	assert_int_equal(id, q.alloc[0].row);
	return q;
}

static struct refund get(struct fixture *f, int64_t id)
{
	struct refund r;
	store_err err;
	if (refunds_get(f->db, id, &r, &err) != STORE_OK)
		fail_msg("refunds_get: %s", kp_msg_text(&err.msg));
	return r;
}

static void settle(struct fixture *f, int64_t row)
{
	store_err err;
	char rid[32];
	snprintf(rid, sizeof rid, "ref_%lld", (long long)row);
	if (refunds_settle(f->db, row, rid, NULL, &err) != STORE_OK)
		fail_msg("refunds_settle: %s", kp_msg_text(&err.msg));
}

/* What a refund's parts add up to, and how many. */
static int64_t parts_sum(struct fixture *f, int64_t row, size_t *n)
{
	struct refund_part *p = NULL;
	store_err err;
	int64_t sum = 0;
	assert_int_equal(refunds_parts(f->db, row, &p, n, &err), STORE_OK);
	for (size_t i = 0; i < *n; i++)
		sum += p[i].amount;
	free(p);
	return sum;
}

static void refused(struct fixture *f, const struct refund_new *r, enum refunds_rule rule)
{
	store_err err;
	struct refund_quote q;
	int64_t before = written(f->db);
	assert_int_equal(refunds_check(f->db, r, &q, &err), STORE_ERR_INPUT);
	assert_int_equal(q.rule, rule);
	assert_int_equal(refunds_create(f->db, r, NULL, NULL, &q, &err), STORE_ERR_INPUT);
	assert_int_equal(q.rule, rule);
	assert_true(kp_msg_text(&err.msg)[0] != '\0');
	assert_int_equal(written(f->db), before);
}

static struct report x_report(struct fixture *f)
{
	struct report r;
	store_err err;
	struct report_params p = {.till_id = "T01", .commission = {50, 70, 150, 0}};
	if (reports_x(f->db, &p, &r, &err) != STORE_OK)
		fail_msg("reports_x: %s", kp_msg_text(&err.msg));
	return r;
}

static void totals_agree(struct fixture *f)
{
	store_err err;
	if (reports_verify(f->db, 0, &err) != STORE_OK)
		fail_msg("reports_verify: %s", kp_msg_text(&err.msg));
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

/* ---- the tests -------------------------------------------------------------------- */

/* A cash sale goes back in cash at once: no request, refunded, the order
 * moved with its note, both events, counted under cash. (Refused before
 * this version: "was not paid through Kaspi".) */
static void a_cash_sale_is_refunded_in_cash_at_once(void **state)
{
	struct fixture *f = *state;
	struct journal_line l[] = {line(2, 50000, 16)};
	int64_t sale = record(f, JOURNAL_CASH, l, 1);
	struct refund_new r = asked(f, sale, 30000, false);
	struct refund_quote q = made(f, &r);

	assert_int_equal(maker.calls, 0);
	assert_int_equal(q.n_alloc, 1);
	assert_int_equal(q.alloc[0].tender, JOURNAL_CASH);
	assert_int_equal(q.alloc[0].amount, 30000);
	struct refund got = get(f, q.alloc[0].row);
	assert_int_equal(got.state, REFUND_REFUNDED);
	assert_int_equal(got.tender, JOURNAL_CASH);
	assert_int_equal(got.body_len, 0);
	assert_string_equal(got.refund_id, "");
	assert_int_equal(got.approved_by, f->manager);
	struct journal_order o = order(f, sale);
	assert_int_equal(o.state, JOURNAL_PARTIALLY_REFUNDED);
	assert_int_equal(o.refunded_amount, 30000);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM order_events WHERE order_id = %lld"
	                                  " AND to_state = 'partially_refunded' AND detail LIKE"
	                                  " '%%given back in cash%%'",
	                           (long long)sale),
	                 1);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM events WHERE kind IN ('refund',"
	                                  " 'refund_done') AND user_id = %lld",
	                           (long long)f->manager),
	                 2);
	size_t n;
	assert_int_equal(parts_sum(f, got.id, &n), 30000);
	int64_t cash = -1;
	store_err err;
	assert_int_equal(reports_cash_refunds(f->db, f->shift_id, &cash, &err), STORE_OK);
	assert_int_equal(cash, 30000);

	/* the rest, and then nothing */
	r = asked(f, sale, REFUNDS_ALL_LEFT, false);
	q = made(f, &r);
	assert_int_equal(q.alloc[0].amount, 70000);
	assert_int_equal(order(f, sale).state, JOURNAL_REFUNDED);
	r = asked(f, sale, 100, false);
	refused(f, &r, REFUNDS_RULE_STATE);
	totals_agree(f);
}

static void a_card_sale_is_refunded_to_the_card(void **state)
{
	struct fixture *f = *state;
	struct journal_line l[] = {line(1, 120000, 12)};
	int64_t sale = record(f, JOURNAL_CARD, l, 1);
	struct refund_new r = asked(f, sale, 20000, false);
	struct refund_quote q = made(f, &r);
	assert_int_equal(q.alloc[0].tender, JOURNAL_CARD);
	assert_int_equal(get(f, q.alloc[0].row).state, REFUND_REFUNDED);
	assert_int_equal(order(f, sale).refunded_amount, 20000);
	/* more than is left of it: refused, nothing written */
	r = asked(f, sale, 100001, false);
	refused(f, &r, REFUNDS_RULE_AVAILABLE);
	/* the manager may give it back in cash instead */
	r = asked(f, sale, 10000, true);
	q = made(f, &r);
	assert_int_equal(q.alloc[0].tender, JOURNAL_CASH);
	struct report x = x_report(f);
	assert_int_equal(x.refunds[REPORT_CARD].amount, 20000);
	assert_int_equal(x.refunds[REPORT_CASH].amount, 10000);
	assert_int_equal(x.refunds_total.amount, 30000);
	/* the card's net carries its commission: 1 200,00 − 200,00 at 1.5 % */
	assert_int_equal(x.commission[REPORT_CARD], 1500);
	report_free(&x);
	totals_agree(f);
}

/* A Kaspi order through the API by default (pending with its request);
 * in cash instead at once, counted against the same payment. */
static void a_kaspi_order_goes_through_the_api_or_in_cash_instead(void **state)
{
	struct fixture *f = *state;
	struct journal_line l[] = {line(1, 100000, 16)};
	int64_t k = kaspi(f, JOURNAL_QR, 100000, 0, l, 1);
	struct refund_new r = asked(f, k, 40000, false);
	struct refund_quote q = made(f, &r);
	assert_int_equal(maker.calls, 1);
	assert_string_equal(maker.payment_id[0], order(f, k).payment_id);
	struct refund got = get(f, q.alloc[0].row);
	assert_int_equal(got.state, REFUND_PENDING);
	assert_int_equal(got.tender, JOURNAL_QR);
	assert_true(got.body_len > 0);
	/* in cash instead: the 400,00 on its way counts, 600,00 is left */
	r = asked(f, k, 60001, true);
	refused(f, &r, REFUNDS_RULE_AVAILABLE);
	r = asked(f, k, 60000, true);
	q = made(f, &r);
	assert_int_equal(maker.calls, 0);
	assert_int_equal(q.alloc[0].tender, JOURNAL_CASH);
	assert_int_equal(order(f, k).refunded_amount, 60000);
	settle(f, got.id);
	assert_int_equal(order(f, k).state, JOURNAL_REFUNDED);
	struct report x = x_report(f);
	assert_int_equal(x.refunds[REPORT_QR].amount, 40000);
	assert_int_equal(x.refunds[REPORT_CASH].amount, 60000);
	/* Kaspi's commission is on its net: 1 000,00 − 400,00 at 0.5 % */
	assert_int_equal(x.commission[REPORT_QR], 300);
	/* the payout: every tender but cash, less the commission */
	assert_int_equal(x.payout, 100000 - 40000 - 300);
	report_free(&x);
	totals_agree(f);
}

/* A split sale of 3 000,00 (QR 1 000,00, card 500,00, cash 1 500,00): a
 * partial refund takes Kaspi first, then card, then cash; each part never
 * gives back more than it paid. */
static void a_split_sale_goes_back_kaspi_first_then_card_then_cash(void **state)
{
	struct fixture *f = *state;
	struct journal_line l[] = {line(3, 100000, 16)};
	struct journal_tender rest[] = {{.kind = JOURNAL_CARD, .amount = 50000},
	                                {.kind = JOURNAL_CASH, .amount = 150000, .given = 150000}};
	int64_t part;
	int64_t sale = split(f, l, 1, 100000, rest, 2, &part);

	struct refund_new r = asked(f, sale, 120000, false);
	struct refund_quote q;
	store_err err;
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
	assert_int_equal(q.available, 300000);
	q = made(f, &r);
	assert_int_equal(q.n_alloc, 2);
	assert_int_equal(q.alloc[0].tender, JOURNAL_QR);
	assert_int_equal(q.alloc[0].amount, 100000);
	assert_int_equal(q.alloc[0].kaspi_order, part);
	assert_int_equal(q.alloc[0].part_no, 1);
	assert_int_equal(q.alloc[1].tender, JOURNAL_CARD);
	assert_int_equal(q.alloc[1].amount, 20000);
	/* the Kaspi row asks for the part's payment, not the sale's */
	assert_int_equal(maker.calls, 1);
	assert_string_equal(maker.payment_id[0], order(f, part).payment_id);
	assert_int_equal(maker.amount[0], 100000);
	struct refund kr = get(f, q.alloc[0].row), cr = get(f, q.alloc[1].row);
	assert_int_equal(kr.order_id, sale);
	assert_int_equal(kr.part_no, 1);
	assert_int_equal(kr.state, REFUND_PENDING);
	assert_int_equal(cr.state, REFUND_REFUNDED);
	assert_int_equal(cr.part_no, 2);
	size_t n;
	assert_int_equal(parts_sum(f, kr.id, &n), 100000);
	assert_int_equal(parts_sum(f, cr.id, &n), 20000);
	/* only the card part moved the sale so far */
	assert_int_equal(order(f, sale).refunded_amount, 20000);
	assert_int_equal(order(f, part).refunded_amount, 0);
	settle(f, kr.id);
	assert_int_equal(order(f, sale).refunded_amount, 120000);
	assert_int_equal(order(f, part).state, JOURNAL_REFUNDED);

	/* the rest: card's 300,00, then the cash */
	r = asked(f, sale, 180001, false);
	refused(f, &r, REFUNDS_RULE_AVAILABLE);
	r = asked(f, sale, REFUNDS_ALL_LEFT, false);
	q = made(f, &r);
	assert_int_equal(q.n_alloc, 2);
	assert_int_equal(q.alloc[0].tender, JOURNAL_CARD);
	assert_int_equal(q.alloc[0].amount, 30000);
	assert_int_equal(q.alloc[1].tender, JOURNAL_CASH);
	assert_int_equal(q.alloc[1].amount, 150000);
	assert_int_equal(order(f, sale).state, JOURNAL_REFUNDED);
	struct report x = x_report(f);
	assert_int_equal(x.refunds[REPORT_QR].amount, 100000);
	assert_int_equal(x.refunds[REPORT_CARD].amount, 50000);
	assert_int_equal(x.refunds[REPORT_CASH].amount, 150000);
	assert_int_equal(x.net, 0);
	report_free(&x);
	totals_agree(f);
}

/* In cash instead over a split sale (QR 1 000,00 + cash 1 000,00): the
 * cash part first, then the Kaspi part, which then has only what is left
 * to give back through Kaspi. */
static void cash_instead_takes_the_cash_part_first_and_counts_against_the_others(void **state)
{
	struct fixture *f = *state;
	struct journal_line l[] = {line(2, 100000, 16)};
	struct journal_tender rest[] = {{.kind = JOURNAL_CASH, .amount = 100000, .given = 100000}};
	int64_t part;
	int64_t sale = split(f, l, 1, 100000, rest, 1, &part);

	struct refund_new r = asked(f, sale, 150000, true);
	struct refund_quote q = made(f, &r);
	assert_int_equal(maker.calls, 0);
	assert_int_equal(q.n_alloc, 2);
	assert_int_equal(q.alloc[0].tender, JOURNAL_CASH);
	assert_int_equal(q.alloc[0].part_no, 2);
	assert_int_equal(q.alloc[0].amount, 100000);
	assert_int_equal(q.alloc[1].tender, JOURNAL_CASH);
	assert_int_equal(q.alloc[1].part_no, 1);
	assert_int_equal(q.alloc[1].amount, 50000);
	/* the Kaspi part paid back in cash moved, and its sale */
	assert_int_equal(order(f, part).refunded_amount, 50000);
	assert_int_equal(order(f, part).state, JOURNAL_PARTIALLY_REFUNDED);
	assert_int_equal(order(f, sale).refunded_amount, 150000);

	/* the Kaspi part on its own: 500,00 left of it, not 1 000,00 */
	r = asked(f, part, 50001, false);
	refused(f, &r, REFUNDS_RULE_AVAILABLE);
	/* the sale's rest goes through Kaspi */
	r = asked(f, sale, REFUNDS_ALL_LEFT, false);
	q = made(f, &r);
	assert_int_equal(q.n_alloc, 1);
	assert_int_equal(q.alloc[0].tender, JOURNAL_QR);
	assert_int_equal(q.alloc[0].amount, 50000);
	assert_int_equal(maker.amount[0], 50000);
	/* while it is on its way, nothing is left anywhere */
	r = asked(f, part, 1, false);
	refused(f, &r, REFUNDS_RULE_AVAILABLE);
	r = asked(f, sale, 1, true);
	refused(f, &r, REFUNDS_RULE_AVAILABLE);
	settle(f, q.alloc[0].row);
	assert_int_equal(order(f, sale).state, JOURNAL_REFUNDED);
	assert_int_equal(order(f, part).state, JOURNAL_REFUNDED);

	struct report x = x_report(f);
	assert_int_equal(x.refunds[REPORT_CASH].amount, 150000);
	assert_int_equal(x.refunds[REPORT_QR].amount, 50000);
	/* Kaspi keeps its commission on what it did not give back */
	assert_int_equal(x.commission[REPORT_QR], 250);
	/* the net per tender: the cash paid out lowers the cash net, not Kaspi's */
	assert_int_equal(x.net_per[REPORT_QR], 100000 - 50000);
	assert_int_equal(x.net_per[REPORT_CASH], 100000 - 150000);
	assert_int_equal(x.net_per[REPORT_QR] + x.net_per[REPORT_CASH], x.net);
	report_free(&x);
	int64_t cash = 0;
	store_err err;
	assert_int_equal(reports_cash_refunds(f->db, f->shift_id, &cash, &err), STORE_OK);
	assert_int_equal(cash, 150000);
	totals_agree(f);
}

/* A Kaspi part refunded on its own (opened from the journal) moves its
 * completed sale too; a part of a sale given up moves only itself. */
static void a_part_refunded_on_its_own_moves_its_sale(void **state)
{
	struct fixture *f = *state;
	struct journal_line l[] = {line(1, 200000, 16)};
	struct journal_tender rest[] = {{.kind = JOURNAL_CARD, .amount = 100000}};
	int64_t part;
	int64_t sale = split(f, l, 1, 100000, rest, 1, &part);
	struct refund_new r = asked(f, part, 40000, false);
	struct refund_quote q = made(f, &r);
	assert_int_equal(get(f, q.alloc[0].row).order_id, part);
	settle(f, q.alloc[0].row);
	assert_int_equal(order(f, part).state, JOURNAL_PARTIALLY_REFUNDED);
	assert_int_equal(order(f, sale).state, JOURNAL_PARTIALLY_REFUNDED);
	assert_int_equal(order(f, sale).refunded_amount, 40000);
	/* the sale has 1 600,00 left: 600,00 of Kaspi, 1 000,00 of card */
	r = asked(f, sale, REFUNDS_ALL_LEFT, false);
	store_err err;
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
	assert_int_equal(q.available, 160000);
	assert_int_equal(q.alloc[0].amount, 60000);
	assert_int_equal(q.alloc[1].amount, 100000);

	/* a sale given up with a paid part: the part alone goes back */
	struct journal_new o = sale_of(f, JOURNAL_SPLIT, 50000);
	int64_t gone = 0;
	assert_int_equal(journal_open_split(f->db, &o, l, 0, &gone, NULL, &err), STORE_OK);
	int64_t paid = kaspi(f, JOURNAL_PHONE, 20000, gone, NULL, 0);
	assert_int_equal(journal_move(f->db, gone, JOURNAL_PENDING, JOURNAL_ABANDONED, 0, NULL, &err),
	                 STORE_OK);
	r = asked(f, gone, 100, false);
	refused(f, &r, REFUNDS_RULE_STATE);
	r = asked(f, paid, REFUNDS_ALL_LEFT, false);
	q = made(f, &r);
	assert_int_equal(q.alloc[0].tender, JOURNAL_PHONE);
	settle(f, q.alloc[0].row);
	assert_int_equal(order(f, paid).state, JOURNAL_REFUNDED);
	assert_int_equal(order(f, gone).state, JOURNAL_ABANDONED);
	assert_int_equal(order(f, gone).refunded_amount, 0);
	totals_agree(f);
}

/* A refund by lines over a split sale's parts: its share split over the
 * tenders, the line's units counted once, its VAT parts adding up per
 * tender. */
static void a_refund_by_lines_splits_over_the_tenders_and_counts_units_once(void **state)
{
	struct fixture *f = *state;
	struct journal_line l[] = {line(2, 100000, 16), line(1, 50000, 0)};
	struct journal_tender rest[] = {{.kind = JOURNAL_CASH, .amount = 200000, .given = 200000}};
	int64_t part;
	int64_t sale = split(f, l, 2, 50000, rest, 1, &part);
	struct refund_pick one = {.line_no = 1, .quantity = 1};
	struct refund_new r = asked(f, sale, 0, false);
	r.lines = &one;
	r.n_lines = 1;
	struct refund_quote q = made(f, &r);
	assert_int_equal(q.amount, 100000);
	assert_int_equal(q.n_alloc, 2);
	assert_int_equal(q.alloc[0].tender, JOURNAL_QR);
	assert_int_equal(q.alloc[0].amount, 50000);
	assert_int_equal(q.alloc[1].amount, 50000);
	/* the line and its unit on the first piece only */
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM refund_lines WHERE line_no = 1"), 1);
	assert_int_equal(query_int(f->db, "SELECT total(quantity) FROM refund_lines"), 1);
	assert_int_equal(query_int(f->db, "SELECT total(amount) FROM refund_lines WHERE tax_rate = 16"),
	                 100000);
	size_t n;
	assert_int_equal(parts_sum(f, q.alloc[0].row, &n), 50000);
	assert_int_equal(parts_sum(f, q.alloc[1].row, &n), 50000);
	settle(f, q.alloc[0].row);

	/* the second unit comes from the cash; then the line has none left */
	q = made(f, &r);
	assert_int_equal(q.n_alloc, 1);
	assert_int_equal(q.alloc[0].tender, JOURNAL_CASH);
	refused(f, &r, REFUNDS_RULE_LINES);
	struct report x = x_report(f);
	assert_int_equal(x.vat_refunds.count, 1);
	assert_int_equal(x.vat_refunds.group[0].rate, 16);
	assert_int_equal(x.vat_refunds.group[0].gross, 200000);
	report_free(&x);
	totals_agree(f);
}

/* A line of weight thousandths of a kg at price per kg, discount off. */
static struct journal_line weighed(int64_t weight, int64_t price, int rate, int64_t discount)
{
	int64_t gross = (weight * price + 500) / 1000;
	struct journal_line l = {.quantity = 1, .unit_price = gross, .tax_rate = rate,
	                         .discount = discount, .total = gross - discount, .weight = weight,
	                         .price_per_unit = price};
	snprintf(l.name, sizeof l.name, "Сыр");
	snprintf(l.unit, sizeof l.unit, "кг");
	return l;
}

/* What the refunds of order id (not failed) gave back, every tender's row. */
static int64_t refunds_total(struct fixture *f, int64_t order_id)
{
	return query_int(f->db, "SELECT total(amount) FROM refunds WHERE order_id = %lld"
	                        " AND state <> 'refund_failed'",
	                 (long long)order_id);
}

/* A weighed line of a split sale refunded by weight in two goes, the
 * first split over the Kaspi part and the cash: the second, the last
 * grams, gives back exactly what is left of the line, not a tiyn more or
 * less, and both together its total. With and without a discount, and
 * with a second line at the same VAT rate (which would hide an overcount
 * from the rate's check). */
static void a_weighed_line_of_a_split_sale_comes_back_exactly_by_weight(void **state)
{
	struct fixture *f = *state;
	/* 0,350 кг × 4 290,00 = 1 501,50 (less 10 % in the second round) */
	const int64_t discounts[] = {0, 15015};
	for (size_t k = 0; k < 2; k++) {
		struct journal_line l[] = {weighed(350, 429000, 16, discounts[k]), line(1, 30000, 16)};
		int64_t total = l[0].total + l[1].total;
		struct journal_tender rest[] = {
			{.kind = JOURNAL_CASH, .amount = total - 50000, .given = total - 50000}};
		int64_t part;
		int64_t sale = split(f, l, 2, 50000, rest, 1, &part);
		struct refund_pick pick = {.line_no = 1, .quantity = 200}; /* 0,200 of 0,350 */
		struct refund_new r = asked(f, sale, 0, false);
		r.lines = &pick;
		r.n_lines = 1;
		struct refund_quote q = made(f, &r);
		/* 0,200 × 4 290,00 = 858,00 (× 0,9: 772,20): over the Kaspi part and the cash */
		int64_t first = k == 0 ? 85800 : 77220;
		assert_int_equal(q.amount, first);
		assert_int_equal(q.n_alloc, 2);
		assert_int_equal(q.alloc[0].tender, JOURNAL_QR);
		assert_int_equal(q.alloc[0].amount, 50000);
		assert_int_equal(q.alloc[1].tender, JOURNAL_CASH);
		assert_int_equal(q.alloc[1].amount, first - 50000);
		settle(f, q.alloc[0].row);

		/* the remaining 0,150: all that is left of the line, from the cash */
		pick.quantity = 150;
		r = asked(f, sale, 0, false);
		r.lines = &pick;
		r.n_lines = 1;
		q = made(f, &r);
		assert_int_equal(q.amount, l[0].total - first);
		assert_int_equal(q.n_alloc, 1);
		assert_int_equal(q.alloc[0].tender, JOURNAL_CASH);
		assert_int_equal(refunds_total(f, sale), l[0].total);
		assert_int_equal(query_int(f->db,
		                           "SELECT total(l.amount) FROM refund_lines l JOIN refunds r"
		                           " ON r.id = l.refund_row WHERE r.order_id = %lld",
		                           (long long)sale),
		                 l[0].total);
		/* nothing of it is left; the other line is whole */
		pick.quantity = 1;
		refused(f, &r, REFUNDS_RULE_LINES);
		struct refund_pick other = {.line_no = 2, .quantity = 1};
		r.lines = &other;
		q = made(f, &r);
		assert_int_equal(q.amount, l[1].total);
		assert_int_equal(order(f, sale).refunded_amount, total);
	}
	totals_agree(f);
}

/* A return without a receipt: cash, its own kind on the reports, in the
 * cash refunds; bad input writes nothing. */
static void a_return_without_a_receipt_is_cash_of_no_order(void **state)
{
	struct fixture *f = *state;
	struct refund_bare b = {.till_id = "T01", .shift_id = f->shift_id, .amount = 45050,
	                        .tax_rate = 12, .reason = "Вернули без чека", .user_id = f->cashier,
	                        .approved_by = f->manager};
	int64_t id = 0;
	char mrid[REFUNDS_ID_SIZE];
	store_err err;
	assert_int_equal(refunds_no_receipt(f->db, &b, &id, mrid, &err), STORE_OK);
	assert_string_equal(mrid, "T01-R-20261203-000001");
	struct refund got = get(f, id);
	assert_int_equal(got.order_id, 0);
	assert_int_equal(got.tender, JOURNAL_CASH);
	assert_int_equal(got.state, REFUND_REFUNDED);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM events WHERE kind = 'return_no_receipt'"
	                                  " AND user_id = %lld",
	                           (long long)f->manager),
	                 1);

	int64_t before = written(f->db);
	struct refund_bare bad[5];
	for (int i = 0; i < 5; i++)
		bad[i] = b;
	bad[0].amount = 0;
	bad[1].amount = 100000001;
	bad[2].tax_rate = 101;
	bad[3].reason = "";
	bad[4].approved_by = 0;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(refunds_no_receipt(f->db, &bad[i], NULL, NULL, &err), STORE_ERR_INPUT);
		assert_true(kp_msg_text(&err.msg)[0] != '\0');
	}
	assert_int_equal(written(f->db), before);

	struct report x = x_report(f);
	assert_int_equal(x.refunds[REPORT_CASH].amount, 45050);
	assert_int_equal(x.refunds_no_receipt.count, 1);
	assert_int_equal(x.refunds_no_receipt.amount, 45050);
	assert_int_equal(x.vat_refunds.group[0].rate, 12);
	/* 12/112 of 450,50 = 48,27 */
	assert_int_equal(x.vat_refunds.group[0].vat, 4827);
	assert_int_equal(x.net, -45050);
	report_free(&x);
	int64_t cash = 0;
	assert_int_equal(reports_cash_refunds(f->db, f->shift_id, &cash, &err), STORE_OK);
	assert_int_equal(cash, 45050);
	struct refund *list = NULL;
	size_t n = 0;
	assert_int_equal(refunds_no_receipt_list(f->db, 0, 0, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 1);
	free(list);
	totals_agree(f);
}

/* Generated sales in every tender, refunded in every way: the X report's
 * refunds per tender and the shift's cash refunds are what SQL over the
 * rows says. */
static void the_reports_refunds_per_tender_are_the_rows(void **state)
{
	struct fixture *f = *state;
	unsigned seed = 12345;
	for (int i = 0; i < 60; i++) {
		seed = seed * 1103515245u + 12345u;
		int64_t price = 1000 + (int64_t)(seed >> 8) % 50000;
		struct journal_line l[] = {line(2, price, (int)(seed % 3) * 6)};
		int64_t id, part = 0;
		switch (i % 4) {
		case 0: id = record(f, JOURNAL_CASH, l, 1); break;
		case 1: id = record(f, JOURNAL_CARD, l, 1); break;
		case 2: id = kaspi(f, JOURNAL_QR, 2 * price, 0, l, 1); break;
		default: {
			struct journal_tender rest[] = {{.kind = JOURNAL_CASH, .amount = price, .given = price}};
			id = split(f, l, 1, price, rest, 1, &part);
		}
		}
		struct refund_new r = asked(f, id, 1 + (int64_t)(seed >> 4) % (2 * price), (seed >> 3) & 1);
		struct refund_quote q = made(f, &r);
		for (size_t k = 0; k < q.n_alloc; k++)
			if (get(f, q.alloc[k].row).state == REFUND_PENDING && (seed >> 5) % 3)
				settle(f, q.alloc[k].row);
	}
	struct refund_bare b = {.till_id = "T01", .shift_id = f->shift_id, .amount = 777,
	                        .tax_rate = 0, .reason = "без чека", .approved_by = f->manager};
	store_err err;
	assert_int_equal(refunds_no_receipt(f->db, &b, NULL, NULL, &err), STORE_OK);

	struct report x = x_report(f);
	static const char *const names[] = {"qr", "phone", "card", "cash"};
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		assert_string_equal(report_method_name((enum report_method)m), names[m]);
		assert_int_equal(x.refunds[m].amount,
		                 query_int(f->db, "SELECT total(f.amount) FROM refunds f JOIN refund_tenders t"
		                                  " ON t.refund_row = f.id WHERE f.state = 'refunded'"
		                                  " AND t.tender = '%s' AND f.shift_id = %lld",
		                           names[m], (long long)f->shift_id));
		assert_int_equal(x.refunds[m].count,
		                 query_int(f->db, "SELECT count(*) FROM refunds f JOIN refund_tenders t"
		                                  " ON t.refund_row = f.id WHERE f.state = 'refunded'"
		                                  " AND t.tender = '%s'",
		                           names[m]));
	}
	assert_int_equal(x.refunds_total.amount,
	                 query_int(f->db, "SELECT total(amount) FROM refunds WHERE state = 'refunded'"));
	assert_true(x.refunds[REPORT_CASH].amount > 0 && x.refunds[REPORT_QR].amount > 0 &&
	            x.refunds[REPORT_CARD].amount > 0);
	int64_t cash = 0;
	assert_int_equal(reports_cash_refunds(f->db, f->shift_id, &cash, &err), STORE_OK);
	assert_int_equal(cash, x.refunds[REPORT_CASH].amount);
	/* no tender ever gave back more than it paid */
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM orders WHERE refunded_amount > amount"), 0);
	assert_int_equal(query_int(f->db,
	                           "SELECT count(*) FROM tenders t JOIN orders s ON s.id = t.order_id"
	                           " WHERE t.part_order IS NULL AND t.amount < (SELECT total(f.amount)"
	                           " FROM refunds f JOIN refund_tenders r ON r.refund_row = f.id"
	                           " WHERE f.order_id = s.id AND r.part_no = t.part_no"
	                           " AND f.state <> 'refund_failed')"),
	                 0);
	report_free(&x);
	totals_agree(f);
}

/* A file from before the step: Kaspi refunds (one of a split sale's part,
 * whose sale did not move then) get their tender, the sale counts its
 * part's refund in its timeline, the totals are rebuilt; a second run
 * changes nothing. */
static void the_step_brings_refunds_from_before_to_their_tenders(void **state)
{
	struct fixture *f = *state;
	struct journal_line l[] = {line(1, 100000, 16)};
	int64_t k = kaspi(f, JOURNAL_QR, 100000, 0, l, 1);
	struct journal_tender rest[] = {{.kind = JOURNAL_CASH, .amount = 100000, .given = 100000}};
	struct journal_line two[] = {line(2, 100000, 16)};
	int64_t part;
	int64_t sale = split(f, two, 1, 100000, rest, 1, &part);
	struct refund_new r = asked(f, k, 30000, false);
	settle(f, made(f, &r).alloc[0].row);
	r = asked(f, part, 20000, false);
	int64_t old_part = made(f, &r).alloc[0].row;
	r = asked(f, k, 10000, false);
	int64_t pending = made(f, &r).alloc[0].row;
	/* as the till before wrote them: the part's refund settled by the part
	 * alone, nothing of this step's */
	exec_ok(f->db, "UPDATE refunds SET state = 'refunded', refund_id = 'ref_old'"
	               " WHERE id = (SELECT max(id) - 1 FROM refunds);"
	               " UPDATE orders SET refunded_amount = 20000, state = 'partially_refunded'"
	               " WHERE id = (SELECT part_order FROM tenders WHERE part_order IS NOT NULL"
	               " ORDER BY part_order DESC LIMIT 1);"
	               " DROP TABLE refund_tenders; DROP TABLE report_refunds; PRAGMA user_version = 8");
	assert_int_equal(order(f, sale).refunded_amount, 0);
	int64_t refunds = query_int(f->db, "SELECT count(*) FROM refunds");
	db_close(f->db);
	f->db = open_ok(f);

	assert_int_equal(db_schema_version(f->db), db_schema_latest());
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM refunds"), refunds);
	assert_int_equal(get(f, old_part).tender, JOURNAL_QR);
	assert_int_equal(get(f, pending).tender, JOURNAL_QR);
	assert_int_equal(get(f, pending).state, REFUND_PENDING);
	struct journal_order s = order(f, sale);
	assert_int_equal(s.refunded_amount, 20000);
	assert_int_equal(s.state, JOURNAL_PARTIALLY_REFUNDED);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM order_events WHERE order_id = %lld"
	                                  " AND detail = '%s'",
	                           (long long)sale, STORE_MSG_NOTE_PARTS_COUNTED),
	                 1);
	struct report x = x_report(f);
	assert_int_equal(x.refunds[REPORT_QR].amount, 50000);
	report_free(&x);
	totals_agree(f);
	/* the pending one still settles, and its order moves */
	settle(f, pending);
	assert_int_equal(order(f, k).refunded_amount, 40000);

	/* again over itself */
	int64_t events = query_int(f->db, "SELECT count(*) FROM order_events");
	exec_ok(f->db, "PRAGMA user_version = 8");
	db_close(f->db);
	f->db = open_ok(f);
	assert_int_equal(db_schema_version(f->db), db_schema_latest());
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM order_events"), events);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM refund_tenders"), refunds);
	assert_int_equal(order(f, sale).refunded_amount, 20000);
	assert_int_equal(query_int(f->db, "PRAGMA foreign_keys"), 1);
	totals_agree(f);
}

/* The schema holds it too: a cash refund cannot pend, a Kaspi one cannot
 * lack its request, and where a refund went never changes. */
static void the_schema_keeps_each_refund_to_its_tender(void **state)
{
	struct fixture *f = *state;
	struct journal_line l[] = {line(1, 10000, 16)};
	int64_t sale = record(f, JOURNAL_CASH, l, 1);
	struct refund_new r = asked(f, sale, 1000, false);
	int64_t row = made(f, &r).alloc[0].row;
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE refund_tenders SET tender = 'qr' WHERE refund_row = %lld",
	         (long long)row);
	assert_int_not_equal(sqlite3_exec(db_sqlite(f->db), sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db_sqlite(f->db), "DELETE FROM refund_tenders", NULL, NULL, NULL),
	                     SQLITE_OK);
	/* a request-less refund written pending */
	snprintf(sql, sizeof sql,
	         "INSERT INTO refunds(order_id, merchant_refund_id, till_id, day, day_seq, shift_id,"
	         " amount, reason, state, request_body, approved_by, created_at, updated_at)"
	         " VALUES (%lld, 'T01-R-20261203-000099', 'T01', 20261203, 99, %lld, 1, 'x',"
	         " 'refund_pending', '', %lld, 0, 0)",
	         (long long)sale, (long long)f->shift_id, (long long)f->manager);
	assert_int_not_equal(sqlite3_exec(db_sqlite(f->db), sql, NULL, NULL, NULL), SQLITE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_cash_sale_is_refunded_in_cash_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_card_sale_is_refunded_to_the_card, setup, teardown),
		cmocka_unit_test_setup_teardown(a_kaspi_order_goes_through_the_api_or_in_cash_instead, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_split_sale_goes_back_kaspi_first_then_card_then_cash, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(
			cash_instead_takes_the_cash_part_first_and_counts_against_the_others, setup, teardown),
		cmocka_unit_test_setup_teardown(a_part_refunded_on_its_own_moves_its_sale, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_refund_by_lines_splits_over_the_tenders_and_counts_units_once, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_weighed_line_of_a_split_sale_comes_back_exactly_by_weight, setup, teardown),
		cmocka_unit_test_setup_teardown(a_return_without_a_receipt_is_cash_of_no_order, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(the_reports_refunds_per_tender_are_the_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(the_step_brings_refunds_from_before_to_their_tenders, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(the_schema_keeps_each_refund_to_its_tender, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
