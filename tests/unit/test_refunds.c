/* test_refunds.c — refunds in the store: the rules (which orders, the 90
 * days, never more than is left counting pending refunds, the reason),
 * merchant_refund_id per till and Almaty day, the exact body kept and
 * never changed, the parts per VAT rate (by lines: each unit's share,
 * the last unit taking the remainder; by amount: largest remainder over
 * what is left of each rate), settling that moves the order to
 * partially_refunded and then refunded, refund_failed that leaves it as
 * it was, and the migration from schema 2. Real SQLite files in a
 * mkdtemp folder; the clock is the test's (db_set_clock). */
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
#include <unistd.h>

#include "app/i18n.h"
#include "core/timeutil.h"
#include "store/db.h"
#include "store/events.h"
#include "store/journal.h"
#include "store/refunds.h"
#include "store/shifts.h"

#define DAY (24L * 60 * 60)

struct fixture {
	char dir[256];
	char path[300];
	store_db *db;
	int64_t shift_id;
	int64_t cashier;
	int64_t manager;
};

static time_t fake_now = 1790000000; /* 2026-09-21 14:13:20 UTC, 19:13 in Almaty */

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

static bool exec_refused(store_db *db, const char *sql)
{
	return sqlite3_exec(db_sqlite(db), sql, NULL, NULL, NULL) != SQLITE_OK;
}

static int64_t query_i64(store_db *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Rows of every table a refund writes to. */
static int64_t refund_rows(store_db *db)
{
	return query_i64(db, "SELECT (SELECT count(*) FROM refunds) + (SELECT count(*) FROM refund_lines)"
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
	snprintf(f->dir, sizeof f->dir, "%s/kp-refunds-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kaspi-pos.db", f->dir);
	fake_now = 1790000000;
	f->db = open_ok(f);
	assert_int_equal(shifts_ensure_open(f->db, 0, &sh, NULL, &err), STORE_OK);
	f->shift_id = sh.id;
	/* users without the PIN hashing's cost: only their ids matter here */
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

/* ---- orders ------------------------------------------------------------------ */

static bool order_body(void *arg, const char *moid, const char **body, size_t *len)
{
	static char buf[128];
	(void)arg;
	int n = snprintf(buf, sizeof buf, "{\"merchant_order_id\":\"%s\"}", moid);
	*body = buf;
	*len = (size_t)n;
	return true;
}

/* A line of n units at price, VAT rate, discount. */
static struct journal_line line(const char *name, int64_t n, int64_t price, int rate,
                                int64_t discount)
{
	struct journal_line l = {.quantity = n, .unit_price = price, .tax_rate = rate,
	                         .discount = discount, .total = n * price - discount};
	snprintf(l.name, sizeof l.name, "%s", name);
	return l;
}

/* A new order of these lines (none: a bare 1 500,00), moved along path
 * (ending at JOURNAL_CREATING). */
static int64_t order_of(struct fixture *f, const struct journal_line *lines, size_t n,
                        const enum journal_state *path)
{
	store_err err;
	int64_t id = 0, amount = 0;
	char pay[32];
	for (size_t i = 0; i < n; i++)
		if (!lines[i].voided)
			amount += lines[i].total;
	struct journal_new o = {.till_id = "T01", .shift_id = f->shift_id, .user_id = f->cashier,
	                        .method = JOURNAL_QR, .amount = n ? amount : 150000,
	                        .build_body = order_body};
	if (journal_create(f->db, &o, lines, n, &id, NULL, &err) != STORE_OK)
		fail_msg("journal_create: %s", kp_msg_text(&err.msg));
	snprintf(pay, sizeof pay, "pay_%lld", (long long)id);
	struct journal_payment p = {.payment_id = pay};
	enum journal_state at = JOURNAL_CREATING;
	for (size_t i = 0; path[i] != JOURNAL_CREATING; i++) {
		store_status s = at == JOURNAL_CREATING
		                         ? journal_move_with_payment(f->db, id, at, path[i], &p, 0, NULL, &err)
		                         : journal_move(f->db, id, at, path[i], 0, NULL, &err);
		if (s != STORE_OK)
			fail_msg("move to %s: %s", journal_state_name(path[i]), kp_msg_text(&err.msg));
		at = path[i];
	}
	return id;
}

static const enum journal_state to_paid[] = {JOURNAL_PENDING, JOURNAL_SUCCEEDED, JOURNAL_CREATING};

/* A paid bare order of 1 500,00 ₸. */
static int64_t paid_order(struct fixture *f)
{
	return order_of(f, NULL, 0, to_paid);
}

static struct journal_order get_order(struct fixture *f, int64_t id)
{
	struct journal_order o;
	store_err err;
	if (journal_get(f->db, id, &o, &err) != STORE_OK)
		fail_msg("journal_get: %s", kp_msg_text(&err.msg));
	return o;
}

/* ---- refunds ----------------------------------------------------------------- */

/* build_body's argument: a body around the id, remembering the call. */
struct refund_maker {
	char buf[512];
	size_t len;
	bool fail;
	int calls;
	int64_t amount;
	char payment_id[64];
};

static bool refund_body(void *arg, const char *mrid, const char *payment_id, int64_t amount,
                        const char **body, size_t *len)
{
	struct refund_maker *m = arg;
	m->calls++;
	m->amount = amount;
	snprintf(m->payment_id, sizeof m->payment_id, "%s", payment_id);
	if (m->fail)
		return false;
	int n = snprintf(m->buf, sizeof m->buf,
	                 "{\"payment_id\":\"%s\",\"amount\":%lld,\"reason\":\"r\","
	                 "\"merchant_refund_id\":\"%s\"}",
	                 payment_id, (long long)amount, mrid);
	m->len = (size_t)n;
	*body = m->buf;
	*len = m->len;
	return true;
}

static struct refund_maker maker;

static struct refund_new by_amount(struct fixture *f, int64_t order, int64_t amount)
{
	memset(&maker, 0, sizeof maker);
	return (struct refund_new){.till_id = "T01", .shift_id = f->shift_id, .order_id = order,
	                           .amount = amount, .reason = "Client refused the order",
	                           .user_id = f->cashier, .approved_by = f->manager,
	                           .bare_tax_rate = 16, .build_body = refund_body,
	                           .body_arg = &maker};
}

static int64_t refund_ok(struct fixture *f, const struct refund_new *r, char *mrid)
{
	store_err err;
	int64_t id = 0;
	if (refunds_create(f->db, r, &id, mrid, NULL, &err) != STORE_OK)
		fail_msg("refunds_create: %s", kp_msg_text(&err.msg));
	return id;
}

static void settle_ok(struct fixture *f, int64_t refund, enum journal_state want)
{
	store_err err;
	enum journal_state to = JOURNAL_CREATING;
	char rid[32];
	snprintf(rid, sizeof rid, "ref_%lld", (long long)refund);
	if (refunds_settle(f->db, refund, rid, &to, &err) != STORE_OK)
		fail_msg("refunds_settle: %s", kp_msg_text(&err.msg));
	assert_int_equal(to, want);
}

static struct refund get_refund(struct fixture *f, int64_t id)
{
	struct refund r;
	store_err err;
	if (refunds_get(f->db, id, &r, &err) != STORE_OK)
		fail_msg("refunds_get: %s", kp_msg_text(&err.msg));
	return r;
}

/* The refund's parts' sum, and how many there are. */
static int64_t parts_sum(struct fixture *f, int64_t refund, size_t *n)
{
	struct refund_part *p = NULL;
	store_err err;
	int64_t sum = 0;
	assert_int_equal(refunds_parts(f->db, refund, &p, n, &err), STORE_OK);
	for (size_t i = 0; i < *n; i++)
		sum += p[i].amount;
	free(p);
	return sum;
}

/* What the refunds (not failed) of an order took at rate. */
static int64_t taken_at(struct fixture *f, int64_t order, int rate)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT total(l.amount) FROM refund_lines l JOIN refunds r ON r.id = l.refund_row"
	         " WHERE r.order_id = %lld AND r.state <> 'refund_failed' AND l.tax_rate = %d",
	         (long long)order, rate);
	return query_i64(f->db, sql);
}

static void refused_by(struct fixture *f, const struct refund_new *r, enum refunds_rule rule)
{
	store_err err;
	struct refund_quote q;
	int64_t before = refund_rows(f->db);
	assert_int_equal(refunds_check(f->db, r, &q, &err), STORE_ERR_INPUT);
	assert_int_equal(q.rule, rule);
	assert_int_equal(refunds_create(f->db, r, NULL, NULL, &q, &err), STORE_ERR_INPUT);
	assert_int_equal(q.rule, rule);
	assert_true(kp_msg_text(&err.msg)[0] != '\0');
	assert_int_equal(refund_rows(f->db), before);
}

/* ---- the tests ----------------------------------------------------------------- */

/* A refund is written refund_pending with its id, amount, body, parts,
 * a note in the order's timeline and a "refund" event by the manager. */
static void a_new_refund_is_pending_with_its_note_and_event(void **state)
{
	struct fixture *f = *state;
	char mrid[REFUNDS_ID_SIZE];
	int64_t order = paid_order(f);
	struct refund_new r = by_amount(f, order, 50000);
	int64_t id = refund_ok(f, &r, mrid);

	assert_string_equal(mrid, "T01-R-20260921-000001");
	assert_int_equal(maker.calls, 1);
	assert_int_equal(maker.amount, 50000);
	assert_string_equal(maker.payment_id, get_order(f, order).payment_id);
	struct refund got = get_refund(f, id);
	assert_string_equal(got.merchant_refund_id, mrid);
	assert_int_equal(got.state, REFUND_PENDING);
	assert_string_equal(refunds_state_name(got.state), "refund_pending");
	assert_int_equal(got.order_id, order);
	assert_int_equal(got.amount, 50000);
	assert_string_equal(got.reason, "Client refused the order");
	assert_int_equal(got.user_id, f->cashier);
	assert_int_equal(got.approved_by, f->manager);
	assert_int_equal(got.shift_id, f->shift_id);
	assert_string_equal(got.refund_id, "");
	assert_int_equal(got.body_len, maker.len);
	assert_int_equal(got.created_at, fake_now);

	/* the order is unchanged until the server answers */
	struct journal_order o = get_order(f, order);
	assert_int_equal(o.state, JOURNAL_SUCCEEDED);
	assert_int_equal(o.refunded_amount, 0);

	struct journal_event *ev = NULL;
	size_t n = 0;
	store_err err;
	assert_int_equal(journal_events(f->db, order, &ev, &n, &err), STORE_OK);
	assert_int_equal(ev[n - 1].kind, JOURNAL_EVENT_NOTE);
	assert_int_equal(ev[n - 1].user_id, f->manager);
	assert_non_null(strstr(kp_msg_text_packed(ev[n - 1].detail), mrid));
	assert_non_null(strstr(kp_msg_text_packed(ev[n - 1].detail), "approved by Болат"));
	free(ev);

	struct event log[1];
	int count = 0;
	assert_int_equal(events_recent(f->db, EVENT_REFUND, log, 1, &count, &err), STORE_OK);
	assert_int_equal(count, 1);
	assert_int_equal(log[0].user_id, f->manager);
	assert_non_null(strstr(log[0].detail, mrid));
	assert_non_null(strstr(log[0].detail, "approved by Болат"));
	assert_non_null(strstr(log[0].detail, "Айгүл"));

	struct refund *list = NULL;
	size_t k = 0;
	assert_int_equal(refunds_pending(f->db, &list, &k, &err), STORE_OK);
	assert_int_equal(k, 1);
	assert_int_equal(list[0].id, id);
	free(list);
	assert_int_equal(refunds_get_by_refund_id(f->db, mrid, &got, &err), STORE_OK);
	assert_int_equal(got.id, id);
	assert_int_equal(refunds_get_by_refund_id(f->db, "T01-R-20260921-000009", &got, &err),
	                 STORE_NOT_FOUND);
}

/* T01-R-YYYYMMDD-NNNNNN: per till, per Almaty day, from 000001. */
static void refund_ids_count_per_till_and_almaty_day(void **state)
{
	struct fixture *f = *state;
	char mrid[REFUNDS_ID_SIZE];
	int64_t order = paid_order(f);
	struct refund_new r = by_amount(f, order, 100);

	refund_ok(f, &r, mrid);
	assert_string_equal(mrid, "T01-R-20260921-000001");
	refund_ok(f, &r, mrid);
	assert_string_equal(mrid, "T01-R-20260921-000002");
	r.till_id = "T02";
	refund_ok(f, &r, mrid);
	assert_string_equal(mrid, "T02-R-20260921-000001");
	/* 18:59:59 UTC is still the 21st in Almaty; 19:00 is the 22nd */
	fake_now = 1790017199;
	r.till_id = "T01";
	refund_ok(f, &r, mrid);
	assert_string_equal(mrid, "T01-R-20260921-000003");
	fake_now = 1790017200;
	refund_ok(f, &r, mrid);
	assert_string_equal(mrid, "T01-R-20260922-000001");
	/* the schema holds the id to its parts */
	assert_true(exec_refused(f->db, "UPDATE refunds SET merchant_refund_id = 'X' WHERE id = 1"));
}

/* Refunds pending and refunded together never pass what was paid. */
static void never_more_than_is_left_counting_pending_refunds(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct refund_quote q;
	int64_t order = paid_order(f); /* 150000 */
	struct refund_new r = by_amount(f, order, 100000);
	int64_t first = refund_ok(f, &r, NULL);

	r = by_amount(f, order, 50001);
	refused_by(f, &r, REFUNDS_RULE_AVAILABLE); /* 100000 pending + 50001 > 150000 */
	r = by_amount(f, order, REFUNDS_ALL_LEFT);
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
	assert_int_equal(q.amount, 50000);
	assert_int_equal(q.available, 50000);
	int64_t second = refund_ok(f, &r, NULL);
	assert_int_equal(get_refund(f, second).amount, 50000);

	r = by_amount(f, order, 1);
	refused_by(f, &r, REFUNDS_RULE_AVAILABLE);
	r = by_amount(f, order, REFUNDS_ALL_LEFT);
	refused_by(f, &r, REFUNDS_RULE_AVAILABLE);

	/* a refused refund gives its amount back; a refunded one does not */
	assert_int_equal(refunds_fail(f->db, first, "refund_window_closed", &err), STORE_OK);
	settle_ok(f, second, JOURNAL_PARTIALLY_REFUNDED);
	r = by_amount(f, order, REFUNDS_ALL_LEFT);
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
	assert_int_equal(q.available, 100000);
	r = by_amount(f, order, 100001);
	refused_by(f, &r, REFUNDS_RULE_AVAILABLE);
	r = by_amount(f, order, 100000);
	settle_ok(f, refund_ok(f, &r, NULL), JOURNAL_REFUNDED);
	assert_int_equal(get_order(f, order).refunded_amount, 150000);
	r = by_amount(f, order, 1);
	refused_by(f, &r, REFUNDS_RULE_STATE); /* refunded: nothing left */
	/* below one tiyn is no amount */
	r = by_amount(f, paid_order(f), -5);
	refused_by(f, &r, REFUNDS_RULE_AMOUNT);
}

/* Only succeeded, partially_refunded and late_paid orders are refunded. */
static void only_a_paid_order_can_be_refunded(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct refund_quote q;
	static const enum journal_state paths[][4] = {
		{JOURNAL_CREATING},
		{JOURNAL_PENDING, JOURNAL_CREATING},
		{JOURNAL_PENDING, JOURNAL_CANCELLED, JOURNAL_CREATING},
		{JOURNAL_PENDING, JOURNAL_FAILED, JOURNAL_CREATING},
		{JOURNAL_PENDING, JOURNAL_EXPIRED, JOURNAL_CREATING},
		{JOURNAL_PENDING, JOURNAL_ABANDONED, JOURNAL_CREATING},
		{JOURNAL_PENDING, JOURNAL_ABANDONED, JOURNAL_LATE_PAID, JOURNAL_CREATING},
		{JOURNAL_PENDING, JOURNAL_SUCCEEDED, JOURNAL_CREATING},
	};
	static const bool allowed[] = {false, false, false, false, false, false, true, true};

	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		int64_t order = order_of(f, NULL, 0, paths[i]);
		struct refund_new r = by_amount(f, order, 100);
		if (allowed[i]) {
			assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
			settle_ok(f, refund_ok(f, &r, NULL), JOURNAL_PARTIALLY_REFUNDED);
			/* and again from partially_refunded */
			r = by_amount(f, order, 100);
			settle_ok(f, refund_ok(f, &r, NULL), JOURNAL_PARTIALLY_REFUNDED);
		} else {
			refused_by(f, &r, REFUNDS_RULE_STATE);
		}
	}
	struct refund_new r = by_amount(f, 9999, 100);
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_NOT_FOUND);
	assert_int_equal(refunds_create(f->db, &r, NULL, NULL, &q, &err), STORE_NOT_FOUND);
}

/* A late payment refunded: the alert goes down with the move. */
static void refunding_a_late_payment_clears_its_alert(void **state)
{
	struct fixture *f = *state;
	static const enum journal_state late[] = {JOURNAL_PENDING, JOURNAL_ABANDONED,
	                                          JOURNAL_LATE_PAID, JOURNAL_CREATING};
	int64_t order = order_of(f, NULL, 0, late);
	assert_true(get_order(f, order).alert);
	struct refund_new r = by_amount(f, order, REFUNDS_ALL_LEFT);
	int64_t id = refund_ok(f, &r, NULL);
	assert_true(get_order(f, order).alert); /* until the server refunds it */
	settle_ok(f, id, JOURNAL_REFUNDED);
	struct journal_order o = get_order(f, order);
	assert_false(o.alert);
	assert_int_equal(o.state, JOURNAL_REFUNDED);
	assert_int_equal(o.refunded_amount, o.amount);
}

/* 90 days from the payment's success (its move in the timeline), to the
 * second: the last second is in, the next one out. */
static void the_window_is_90_days_from_the_payment(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct refund_quote q;
	static const enum journal_state pending[] = {JOURNAL_PENDING, JOURNAL_CREATING};
	int64_t order = order_of(f, NULL, 0, pending);
	fake_now += 600; /* paid ten minutes later */
	assert_int_equal(journal_move(f->db, order, JOURNAL_PENDING, JOURNAL_SUCCEEDED, 0, NULL, &err),
	                 STORE_OK);
	time_t paid = fake_now;

	fake_now = paid + REFUNDS_WINDOW_SECONDS;
	struct refund_new r = by_amount(f, order, 100);
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
	assert_int_equal(q.paid_at, paid);
	/* a later move (a refund) does not restart the window */
	settle_ok(f, refund_ok(f, &r, NULL), JOURNAL_PARTIALLY_REFUNDED);
	fake_now = paid + REFUNDS_WINDOW_SECONDS + 1;
	r = by_amount(f, order, 100);
	refused_by(f, &r, REFUNDS_RULE_WINDOW);

	/* a late payment counts from its move to late_paid */
	fake_now = 1790000000;
	static const enum journal_state abandoned[] = {JOURNAL_PENDING, JOURNAL_ABANDONED,
	                                               JOURNAL_CREATING};
	int64_t late = order_of(f, NULL, 0, abandoned);
	fake_now += 10 * DAY;
	assert_int_equal(journal_move(f->db, late, JOURNAL_ABANDONED, JOURNAL_LATE_PAID, 0, NULL, &err),
	                 STORE_OK);
	fake_now += 95 * DAY; /* 105 days after the order, 95 after the payment */
	r = by_amount(f, late, 100);
	refused_by(f, &r, REFUNDS_RULE_WINDOW);
	fake_now -= 6 * DAY; /* 89 days after the payment */
	r = by_amount(f, late, 100);
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
}

/* By lines: each unit is worth total / quantity rounded down and the
 * line's last unit takes the remainder, so the units add up to the line. */
static void a_refund_by_lines_takes_each_lines_share_exactly(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct refund_quote q;
	size_t n;
	struct journal_line lines[] = {
		line("Хлеб", 3, 33334, 16, 2), /* 100000: unit 33333, remainder 1 */
		line("Молоко", 2, 45000, 0, 0), /* 90000 */
	};
	int64_t order = order_of(f, lines, 2, to_paid);
	struct refund_pick one = {.line_no = 1, .quantity = 1};
	struct refund_new r = by_amount(f, order, 0);
	r.lines = &one;
	r.n_lines = 1;

	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
	assert_int_equal(q.amount, 33333);
	int64_t a = refund_ok(f, &r, NULL);
	assert_int_equal(get_refund(f, a).amount, 33333);
	assert_int_equal(maker.amount, 33333);
	assert_int_equal(parts_sum(f, a, &n), 33333);
	assert_int_equal(n, 1);

	/* the other two units and one unit of milk: the last bread unit gets the tiyn */
	struct refund_pick two[] = {{.line_no = 1, .quantity = 2}, {.line_no = 2, .quantity = 1}};
	r = by_amount(f, order, 0);
	r.lines = two;
	r.n_lines = 2;
	int64_t b = refund_ok(f, &r, NULL);
	assert_int_equal(get_refund(f, b).amount, 66667 + 45000);
	struct refund_part *p = NULL;
	assert_int_equal(refunds_parts(f->db, b, &p, &n, &err), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].line_no, 1);
	assert_int_equal(p[0].quantity, 2);
	assert_int_equal(p[0].tax_rate, 16);
	assert_int_equal(p[0].amount, 66667);
	assert_int_equal(p[1].line_no, 2);
	assert_int_equal(p[1].tax_rate, 0);
	assert_int_equal(p[1].amount, 45000);
	free(p);
	assert_int_equal(taken_at(f, order, 16), lines[0].total);

	/* no bread is left; a unit of milk is */
	one.quantity = 1;
	r = by_amount(f, order, 0);
	r.lines = &one;
	r.n_lines = 1;
	refused_by(f, &r, REFUNDS_RULE_LINES);
	struct refund_pick milk = {.line_no = 2, .quantity = 2};
	r.lines = &milk;
	refused_by(f, &r, REFUNDS_RULE_LINES); /* only one unit left */
	milk.quantity = 1;
	settle_ok(f, a, JOURNAL_PARTIALLY_REFUNDED);
	settle_ok(f, b, JOURNAL_PARTIALLY_REFUNDED);
	settle_ok(f, refund_ok(f, &r, NULL), JOURNAL_REFUNDED);
	assert_int_equal(taken_at(f, order, 0), lines[1].total);
}

/* A line of weight thousandths of a unit at price per unit, discount off. */
static struct journal_line weighed(const char *name, int64_t weight, int64_t price, int rate,
                                   int64_t discount)
{
	int64_t gross = (weight * price + 500) / 1000;
	struct journal_line l = {.quantity = 1, .unit_price = gross, .tax_rate = rate,
	                         .discount = discount, .total = gross - discount, .weight = weight,
	                         .price_per_unit = price};
	snprintf(l.name, sizeof l.name, "%s", name);
	snprintf(l.unit, sizeof l.unit, "кг");
	return l;
}

/* A weighed line goes back by weight: grams × the price per kg, rounded
 * half up; the last grams take what is left of it. */
static void a_weighed_line_is_refunded_by_weight(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct refund_quote q;
	size_t n;
	/* 0,350 кг × 4 290,00 = 1 501,50; 0,333 кг × 549,90 = 183,12 */
	struct journal_line lines[] = {weighed("Сыр", 350, 429000, 16, 0),
	                               weighed("Творог", 333, 54990, 10, 0)};
	int64_t order = order_of(f, lines, 2, to_paid);
	struct refund_pick pick = {.line_no = 1, .quantity = 100}; /* 0,100 кг */
	struct refund_new r = by_amount(f, order, 0);
	r.lines = &pick;
	r.n_lines = 1;
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
	assert_int_equal(q.amount, 42900);
	int64_t a = refund_ok(f, &r, NULL);
	struct refund_part *p = NULL;
	assert_int_equal(refunds_parts(f->db, a, &p, &n, &err), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].line_no, 1);
	assert_int_equal(p[0].quantity, 100);
	assert_int_equal(p[0].amount, 42900);
	free(p);

	/* 0,111 of the 0,333: 61,0389 → 61,04 */
	struct refund_pick curd = {.line_no = 2, .quantity = 111};
	r = by_amount(f, order, 0);
	r.lines = &curd;
	r.n_lines = 1;
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
	assert_int_equal(q.amount, 6104);

	/* more than is left (0,250 of the cheese) is refused with the weights named */
	pick.quantity = 251;
	r = by_amount(f, order, 0);
	r.lines = &pick;
	r.n_lines = 1;
	refused_by(f, &r, REFUNDS_RULE_LINES);
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "0,250"));
	assert_non_null(strstr(kp_msg_text(&err.msg), "0,350 кг"));

	/* the rest, 0,250: what is left of the line, 1 501,50 − 429,00 */
	pick.quantity = 250;
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
	assert_int_equal(q.amount, 150150 - 42900);
	settle_ok(f, a, JOURNAL_PARTIALLY_REFUNDED);
	settle_ok(f, refund_ok(f, &r, NULL), JOURNAL_PARTIALLY_REFUNDED);
	assert_int_equal(taken_at(f, order, 16), lines[0].total);
	pick.quantity = 1;
	refused_by(f, &r, REFUNDS_RULE_LINES); /* nothing of it is left */
}

/* A discount on a weighed line comes back in its proportion; all of the
 * grams in pieces give back exactly the line's total. */
static void a_discounted_weighed_line_gives_back_its_proportion_and_adds_up(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct refund_quote q;
	/* 1,000 кг × 4 290,00 with 10 % off: 3 861,00 */
	struct journal_line lines[] = {weighed("Сыр", 1000, 429000, 16, 42900)};
	int64_t order = order_of(f, lines, 1, to_paid);
	struct refund_pick pick = {.line_no = 1, .quantity = 500};
	struct refund_new r = by_amount(f, order, 0);
	r.lines = &pick;
	r.n_lines = 1;
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
	assert_int_equal(q.amount, 193050); /* 0,500 × 4 290,00 × 0,9 */

	/* in uneven pieces: 333 + 333 + 333 + 1 g, each rounded, the last the rest */
	int64_t back = 0;
	const int64_t grams[] = {333, 333, 333, 1};
	for (size_t k = 0; k < 4; k++) {
		pick.quantity = grams[k];
		r = by_amount(f, order, 0);
		r.lines = &pick;
		r.n_lines = 1;
		int64_t id = refund_ok(f, &r, NULL);
		back += get_refund(f, id).amount;
		if (k < 3) /* 0,333 × 4 290 × 0,9 = 1 285,713 → 1 285,71 */
			assert_int_equal(get_refund(f, id).amount, 128571);
		settle_ok(f, id, k < 3 ? JOURNAL_PARTIALLY_REFUNDED : JOURNAL_REFUNDED);
	}
	assert_int_equal(back, lines[0].total);
	assert_int_equal(get_order(f, order).refunded_amount, lines[0].total);
}

/* Lines that are not there, voided, named twice, or no units. */
static void a_refund_by_lines_names_live_lines_once(void **state)
{
	struct fixture *f = *state;
	struct journal_line lines[] = {line("Хлеб", 1, 20000, 16, 0), line("Соль", 1, 5000, 16, 0),
	                               line("Бесплатно", 1, 0, 16, 0)};
	lines[1].voided = true;
	int64_t order = order_of(f, lines, 3, to_paid);
	struct refund_pick pick[2] = {{.line_no = 4, .quantity = 1}};
	struct refund_new r = by_amount(f, order, 0);
	r.lines = pick;
	r.n_lines = 1;
	refused_by(f, &r, REFUNDS_RULE_LINES);  /* no line 4 */
	pick[0].line_no = 0;
	refused_by(f, &r, REFUNDS_RULE_LINES);
	pick[0].line_no = 2;
	refused_by(f, &r, REFUNDS_RULE_LINES);  /* voided */
	pick[0] = (struct refund_pick){.line_no = 1, .quantity = 0};
	refused_by(f, &r, REFUNDS_RULE_LINES);
	pick[0].quantity = 1;
	pick[1] = pick[0];
	r.n_lines = 2;
	refused_by(f, &r, REFUNDS_RULE_LINES);  /* twice */
	pick[0].line_no = 3;
	r.n_lines = 1;
	refused_by(f, &r, REFUNDS_RULE_AMOUNT); /* worth nothing */
	/* by amount and by lines at once is not a refund */
	store_err err;
	struct refund_quote q;
	pick[0].line_no = 1;
	r.amount = 100;
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_ERR_INPUT);
	/* an order journaled without lines has nothing to pick */
	r = by_amount(f, paid_order(f), 0);
	r.lines = pick;
	r.n_lines = 1;
	refused_by(f, &r, REFUNDS_RULE_LINES);
}

/* By amount: the parts follow what is left of each rate group, by
 * largest remainder, and add up exactly. */
static void a_refund_by_amount_is_split_over_the_vat_groups_exactly(void **state)
{
	struct fixture *f = *state;
	size_t n;
	struct journal_line lines[] = {line("A", 1, 100000, 16, 0), line("B", 1, 50000, 0, 0),
	                               line("C", 1, 33300, 12, 0)};
	int64_t order = order_of(f, lines, 3, to_paid); /* 183300 */
	struct refund_new r = by_amount(f, order, 100100);
	int64_t id = refund_ok(f, &r, NULL);
	struct refund_part *p = NULL;
	store_err err;
	assert_int_equal(refunds_parts(f->db, id, &p, &n, &err), STORE_OK);
	/* 100100 × 50000 / 183300 = 27305.5…, × 33300 = 18185.1…, × 100000 = 54609.9… */
	assert_int_equal(n, 3);
	assert_int_equal(p[0].tax_rate, 0);
	assert_int_equal(p[0].amount, 27305);
	assert_int_equal(p[1].tax_rate, 12);
	assert_int_equal(p[1].amount, 18185);
	assert_int_equal(p[2].tax_rate, 16);
	assert_int_equal(p[2].amount, 54610);
	assert_int_equal(p[0].line_no, 0);
	assert_int_equal(p[0].quantity, 0);
	free(p);
	/* the one tiyn the rounding left went to the largest remainder (16 %: .9) */
	assert_int_equal(27305 + 18185 + 54610, 100100);

	/* an order without lines is one group at the bare rate */
	int64_t bare = paid_order(f);
	r = by_amount(f, bare, 777);
	id = refund_ok(f, &r, NULL);
	assert_int_equal(parts_sum(f, id, &n), 777);
	assert_int_equal(n, 1);
	assert_int_equal(taken_at(f, bare, 16), 777);
}

/* Any sequence of partial refunds by amount ends with each rate group
 * given back exactly what it sold, never more on the way. */
static void partial_refunds_give_each_vat_group_back_exactly_its_sales(void **state)
{
	struct fixture *f = *state;
	struct journal_line lines[] = {line("A", 3, 33333, 16, 0), line("B", 7, 1111, 0, 5),
	                               line("C", 1, 99999, 12, 0), line("D", 2, 1, 16, 0)};
	int64_t order = order_of(f, lines, 4, to_paid);
	int64_t amount = get_order(f, order).amount;
	int64_t sold16 = lines[0].total + lines[3].total, sold0 = lines[1].total,
	        sold12 = lines[2].total;
	uint32_t seed = 12345;
	int64_t left = amount;
	int refunds = 0;
	while (left > 0) {
		seed = seed * 1103515245u + 12345u;
		int64_t a = 1 + (int64_t)(seed >> 8) % 40000;
		if (a > left || refunds == 40)
			a = left;
		struct refund_new r = by_amount(f, order, a);
		int64_t id = refund_ok(f, &r, NULL);
		size_t n;
		assert_int_equal(parts_sum(f, id, &n), a);
		assert_true(taken_at(f, order, 16) <= sold16);
		assert_true(taken_at(f, order, 0) <= sold0);
		assert_true(taken_at(f, order, 12) <= sold12);
		left -= a;
		settle_ok(f, id, left ? JOURNAL_PARTIALLY_REFUNDED : JOURNAL_REFUNDED);
		refunds++;
	}
	assert_true(refunds > 3);
	assert_int_equal(taken_at(f, order, 16), sold16);
	assert_int_equal(taken_at(f, order, 0), sold0);
	assert_int_equal(taken_at(f, order, 12), sold12);
	assert_int_equal(get_order(f, order).refunded_amount, amount);
}

/* After a refund by amount took part of a rate group, lines of that
 * group cannot give back more than it sold. */
static void lines_cannot_pass_what_their_vat_group_has_left(void **state)
{
	struct fixture *f = *state;
	struct journal_line lines[] = {line("A", 1, 100000, 16, 0), line("B", 1, 100000, 0, 0)};
	int64_t order = order_of(f, lines, 2, to_paid);
	struct refund_new r = by_amount(f, order, 100000); /* 50000 at each rate */
	refund_ok(f, &r, NULL);
	struct refund_pick a = {.line_no = 1, .quantity = 1};
	r = by_amount(f, order, 0);
	r.lines = &a;
	r.n_lines = 1;
	refused_by(f, &r, REFUNDS_RULE_AVAILABLE);
	r = by_amount(f, order, REFUNDS_ALL_LEFT);
	store_err err;
	struct refund_quote q;
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
	assert_int_equal(q.amount, 100000);
}

/* Settled: refunded_amount grows, the order moves, the timeline and the
 * log say so; the refund cannot settle twice. */
static void the_order_moves_to_partially_refunded_then_refunded(void **state)
{
	struct fixture *f = *state;
	store_err err;
	enum journal_state to;
	int64_t order = paid_order(f);
	struct refund_new r = by_amount(f, order, 40000);
	int64_t a = refund_ok(f, &r, NULL);
	r = by_amount(f, order, 110000);
	int64_t b = refund_ok(f, &r, NULL);

	fake_now += 30;
	settle_ok(f, a, JOURNAL_PARTIALLY_REFUNDED);
	struct journal_order o = get_order(f, order);
	assert_int_equal(o.state, JOURNAL_PARTIALLY_REFUNDED);
	assert_int_equal(o.refunded_amount, 40000);
	struct refund got = get_refund(f, a);
	assert_int_equal(got.state, REFUND_REFUNDED);
	assert_string_equal(got.refund_id, "ref_1");
	assert_int_equal(got.updated_at, fake_now);

	settle_ok(f, b, JOURNAL_REFUNDED);
	o = get_order(f, order);
	assert_int_equal(o.state, JOURNAL_REFUNDED);
	assert_int_equal(o.refunded_amount, 150000);

	struct journal_event *ev = NULL;
	size_t n = 0;
	assert_int_equal(journal_events(f->db, order, &ev, &n, &err), STORE_OK);
	int moves = 0;
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == JOURNAL_EVENT_STATE && ev[i].has_from &&
		    (ev[i].to == JOURNAL_PARTIALLY_REFUNDED || ev[i].to == JOURNAL_REFUNDED)) {
			moves++;
			assert_non_null(strstr(kp_msg_text_packed(ev[i].detail), "ref_"));
		}
	free(ev);
	assert_int_equal(moves, 2);
	assert_int_equal(query_i64(f->db, "SELECT count(*) FROM events WHERE kind = 'refund_done'"), 2);

	/* once only: a second answer for the same refund changes nothing */
	int64_t before = refund_rows(f->db);
	assert_int_equal(refunds_settle(f->db, a, "ref_1", &to, &err), STORE_ERR_STATE);
	assert_int_equal(refunds_fail(f->db, a, "late", &err), STORE_ERR_STATE);
	assert_int_equal(refund_rows(f->db), before);
	assert_int_equal(refunds_settle(f->db, a, "", &to, &err), STORE_ERR_INPUT);
	assert_int_equal(refunds_settle(f->db, a, "ref 1", &to, &err), STORE_ERR_INPUT);
	assert_int_equal(refunds_settle(f->db, 999, "ref_9", &to, &err), STORE_NOT_FOUND);
}

/* refund_failed: the server's words are kept, the order is as it was. */
static void a_failed_refund_leaves_the_order_as_it_was(void **state)
{
	struct fixture *f = *state;
	store_err err;
	int64_t order = paid_order(f);
	struct refund_new r = by_amount(f, order, 30000);
	settle_ok(f, refund_ok(f, &r, NULL), JOURNAL_PARTIALLY_REFUNDED);
	struct journal_order before = get_order(f, order);
	r = by_amount(f, order, 50000);
	int64_t id = refund_ok(f, &r, NULL);

	assert_int_equal(refunds_note_attempt(f->db, id, "Connection lost", &err), STORE_OK);
	assert_int_equal(refunds_note_attempt(f->db, id, NULL, &err), STORE_OK);
	assert_int_equal(refunds_fail(f->db, id, "Refund window closed (422)", &err), STORE_OK);
	struct refund got = get_refund(f, id);
	assert_int_equal(got.state, REFUND_FAILED);
	assert_int_equal(got.attempts, 2);
	assert_string_equal(got.last_error, "Refund window closed (422)");
	assert_string_equal(got.refund_id, "");

	struct journal_order after = get_order(f, order);
	assert_int_equal(after.state, before.state);
	assert_int_equal(after.refunded_amount, before.refunded_amount);
	assert_int_equal(after.alert, before.alert);
	assert_int_equal(query_i64(f->db, "SELECT count(*) FROM events WHERE kind = 'refund_failed'"),
	                 1);
	/* and it cannot be revived */
	assert_true(exec_refused(f->db, "UPDATE refunds SET state = 'refund_pending' WHERE state = 'refund_failed'"));
	assert_true(exec_refused(f->db, "UPDATE refunds SET state = 'refunded', refund_id = 'x' WHERE state = 'refund_failed'"));
	assert_int_equal(refunds_settle(f->db, id, "ref_x", NULL, &err), STORE_ERR_STATE);
}

/* The body is written once, byte for byte, and never changes; neither
 * does anything else the refund asked for. */
static void the_body_is_kept_byte_for_byte_and_never_changes(void **state)
{
	struct fixture *f = *state;
	store_err err;
	int64_t order = paid_order(f);
	struct refund_new r = by_amount(f, order, 12345);
	int64_t id = refund_ok(f, &r, NULL);
	char want[sizeof maker.buf];
	size_t want_len = maker.len;
	memcpy(want, maker.buf, want_len);

	char *body = NULL;
	size_t len = 0;
	assert_int_equal(refunds_body(f->db, id, &body, &len, &err), STORE_OK);
	assert_int_equal(len, want_len);
	assert_memory_equal(body, want, len);
	assert_non_null(strstr(body, "T01-R-20260921-000001"));
	free(body);

	static const char *const changes[] = {
		"UPDATE refunds SET request_body = 'x'",
		"UPDATE refunds SET amount = 1",
		"UPDATE refunds SET reason = 'other'",
		"UPDATE refunds SET order_id = 1",
		"UPDATE refunds SET approved_by = NULL",
		"UPDATE refunds SET created_at = 0",
		"DELETE FROM refunds",
		"UPDATE refund_lines SET amount = 1",
		"DELETE FROM refund_lines",
		"INSERT INTO refund_lines(refund_row, part, tax_rate, amount, line_no) VALUES (1, 9, 16, 1, 1)",
	};
	for (size_t i = 0; i < sizeof changes / sizeof *changes; i++)
		if (!exec_refused(f->db, changes[i]))
			fail_msg("the schema let through: %s", changes[i]);
	settle_ok(f, id, JOURNAL_PARTIALLY_REFUNDED);
	assert_true(exec_refused(f->db, "UPDATE refunds SET refund_id = 'ref_other'"));
	assert_true(exec_refused(f->db, "UPDATE refunds SET state = 'refund_failed'"));
	assert_int_equal(refunds_body(f->db, id, &body, &len, &err), STORE_OK);
	assert_memory_equal(body, want, want_len);
	free(body);
	assert_int_equal(refunds_body(f->db, 99, &body, &len, &err), STORE_NOT_FOUND);
}

/* A reason is 1–255 characters on one line. */
static void the_reason_is_one_line_of_1_to_255_characters(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct refund_quote q;
	int64_t order = paid_order(f);
	char longest[REFUNDS_REASON_SIZE] = "";
	for (int i = 0; i < 255; i++)
		strcat(longest, "ы"); /* 255 characters, 510 bytes */
	struct refund_new r = by_amount(f, order, 100);
	r.reason = longest;
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
	refund_ok(f, &r, NULL);
	strcat(longest, "ы");
	refused_by(f, &r, REFUNDS_RULE_REASON);
	static const char *const bad[] = {"", "two\nlines", "tab\there", "\xff\xfe", NULL};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		r = by_amount(f, order, 100);
		r.reason = bad[i];
		refused_by(f, &r, REFUNDS_RULE_REASON);
	}
}

/* A body the callback cannot make, a missing manager or shift: nothing
 * is written and no number is used up. */
static void a_refund_that_cannot_be_written_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	store_err err;
	char mrid[REFUNDS_ID_SIZE];
	int64_t order = paid_order(f);
	int64_t before = refund_rows(f->db);
	struct refund_new r = by_amount(f, order, 100);
	maker.fail = true;
	assert_int_equal(refunds_create(f->db, &r, NULL, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_int_equal(maker.calls, 1);
	r = by_amount(f, order, 100);
	r.approved_by = 0;
	assert_int_equal(refunds_create(f->db, &r, NULL, NULL, NULL, &err), STORE_ERR_INPUT);
	r.approved_by = 777; /* no such user */
	assert_int_equal(refunds_create(f->db, &r, NULL, NULL, NULL, &err), STORE_ERR_INPUT);
	r = by_amount(f, order, 100);
	r.shift_id = 0;
	assert_int_equal(refunds_create(f->db, &r, NULL, NULL, NULL, &err), STORE_ERR_INPUT);
	r = by_amount(f, order, 100);
	r.till_id = "T-01";
	assert_int_equal(refunds_create(f->db, &r, NULL, NULL, NULL, &err), STORE_ERR_INPUT);
	r.build_body = NULL;
	assert_int_equal(refunds_create(f->db, &r, NULL, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_int_equal(refund_rows(f->db), before);
	r = by_amount(f, order, 100);
	refund_ok(f, &r, mrid);
	assert_string_equal(mrid, "T01-R-20260921-000001");
}

/* refunds_check writes nothing and says what the refund would be. */
static void the_check_alone_writes_nothing(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct refund_quote q;
	int64_t order = paid_order(f);
	int64_t before = refund_rows(f->db);
	struct refund_new r = {.order_id = order, .reason = "x"}; /* no body, no manager needed */
	assert_int_equal(refunds_check(f->db, &r, &q, &err), STORE_OK);
	assert_int_equal(q.rule, REFUNDS_RULE_OK);
	assert_int_equal(q.amount, 150000);
	assert_int_equal(q.available, 150000);
	assert_int_equal(refund_rows(f->db), before);
}

/* A refund's order lists its refunds oldest first. */
static void an_orders_refunds_are_listed_oldest_first(void **state)
{
	struct fixture *f = *state;
	store_err err;
	int64_t order = paid_order(f), other = paid_order(f);
	struct refund_new r = by_amount(f, order, 100);
	int64_t a = refund_ok(f, &r, NULL);
	r = by_amount(f, other, 100);
	refund_ok(f, &r, NULL);
	r = by_amount(f, order, 200);
	int64_t b = refund_ok(f, &r, NULL);
	struct refund *list = NULL;
	size_t n = 0;
	assert_int_equal(refunds_of_order(f->db, order, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, a);
	assert_int_equal(list[1].id, b);
	free(list);
	settle_ok(f, a, JOURNAL_PARTIALLY_REFUNDED);
	assert_int_equal(refunds_pending(f->db, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 2);
	free(list);
}

/* A schema 2 file (before refunds) keeps its orders and gains the
 * refunds tables. */
static void a_schema_2_file_is_migrated(void **state)
{
	struct fixture *f = *state;
	assert_true(db_schema_latest() >= 3);
	int64_t order = paid_order(f);
	exec_ok(f->db, "DROP TRIGGER outbox_order_lines_insert;" /* step 15's: names its columns */
	               " ALTER TABLE order_lines DROP COLUMN name_kk;"
	               " DROP TRIGGER order_lines_weighed; ALTER TABLE order_lines DROP COLUMN unit;"
	               " ALTER TABLE order_lines DROP COLUMN weight;"
	               " ALTER TABLE order_lines DROP COLUMN price_per_unit;"
	               " DROP INDEX products_plu; ALTER TABLE products DROP COLUMN plu;"
	               " DROP TABLE refund_tenders; DROP TABLE refund_lines; DROP TABLE refunds;"
	               " PRAGMA user_version = 2");
	db_close(f->db);
	f->db = open_ok(f);
	assert_int_equal(db_schema_version(f->db), db_schema_latest());
	assert_int_equal(get_order(f, order).state, JOURNAL_SUCCEEDED);
	struct refund_new r = by_amount(f, order, 100);
	settle_ok(f, refund_ok(f, &r, NULL), JOURNAL_PARTIALLY_REFUNDED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_new_refund_is_pending_with_its_note_and_event, setup, teardown),
		cmocka_unit_test_setup_teardown(refund_ids_count_per_till_and_almaty_day, setup, teardown),
		cmocka_unit_test_setup_teardown(never_more_than_is_left_counting_pending_refunds, setup, teardown),
		cmocka_unit_test_setup_teardown(only_a_paid_order_can_be_refunded, setup, teardown),
		cmocka_unit_test_setup_teardown(refunding_a_late_payment_clears_its_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(the_window_is_90_days_from_the_payment, setup, teardown),
		cmocka_unit_test_setup_teardown(a_refund_by_lines_takes_each_lines_share_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(a_refund_by_lines_names_live_lines_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_weighed_line_is_refunded_by_weight, setup, teardown),
		cmocka_unit_test_setup_teardown(a_discounted_weighed_line_gives_back_its_proportion_and_adds_up, setup, teardown),
		cmocka_unit_test_setup_teardown(a_refund_by_amount_is_split_over_the_vat_groups_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(partial_refunds_give_each_vat_group_back_exactly_its_sales, setup, teardown),
		cmocka_unit_test_setup_teardown(lines_cannot_pass_what_their_vat_group_has_left, setup, teardown),
		cmocka_unit_test_setup_teardown(the_order_moves_to_partially_refunded_then_refunded, setup, teardown),
		cmocka_unit_test_setup_teardown(a_failed_refund_leaves_the_order_as_it_was, setup, teardown),
		cmocka_unit_test_setup_teardown(the_body_is_kept_byte_for_byte_and_never_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(the_reason_is_one_line_of_1_to_255_characters, setup, teardown),
		cmocka_unit_test_setup_teardown(a_refund_that_cannot_be_written_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(the_check_alone_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(an_orders_refunds_are_listed_oldest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(a_schema_2_file_is_migrated, setup, teardown),
	};
	return cmocka_run_group_tests_name("refunds", tests, NULL, NULL);
}
