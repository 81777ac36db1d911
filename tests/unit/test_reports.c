/* test_reports.c — the X, Z and day reports (store/reports.h) against a
 * real SQLite file in a mkdtemp folder, with orders written through
 * journal_create/journal_move and refunds through refunds_create/settle:
 * generated sales and refunds across methods, VAT rates and states sum
 * to what SQL over the journal's own rows says; VAT rounded once per rate
 * group; refunds reduce the net; unfinished orders and refunds listed; Z
 * numbered in sequence, closing the shift, its snapshot unchangeable and
 * reprinted as it was; a Z after a crash in the middle of a refund; the
 * day report over shifts and Almaty midnight; every text line within 32,
 * 42 and 48 columns; CSV and JSON read back; the journal listing; the
 * running totals agree with the journal and the queries use indexes. */
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

#include <cjson/cJSON.h>

#include "app/i18n.h"
#include "app/report_fmt.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "store/db.h"
#include "store/journal.h"
#include "store/refunds.h"
#include "store/reports.h"
#include "store/shifts.h"

#define NOON_20261126 1795676400 /* 2026-11-26 12:00 Almaty (07:00 UTC) */

struct fixture {
	char dir[256];
	char path[300];
	store_db *db;
	int64_t shift_id;
	int64_t cashier;              /* users */
	int64_t cashier2;
	int64_t manager;
};

static time_t fake_now;

/* Every reading of the clock is one second later: orders get distinct,
 * ordered times. */
static time_t fake_clock(void)
{
	return fake_now++;
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

/* One integer from sql with ?1 bound to a (NULL reads 0). */
static int64_t query_int(store_db *db, const char *sql, int64_t a)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db_sqlite(db)));
	sqlite3_bind_int64(st, 1, a);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
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
	snprintf(f->dir, sizeof f->dir, "%s/kp-reports-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kaspi-pos.db", f->dir);
	fake_now = NOON_20261126;
	f->db = open_ok(f);
	/* user rows without the PIN hashing's cost: only their ids matter */
	f->cashier = add_user(f->db, "Айгерім", "cashier");
	f->cashier2 = add_user(f->db, "Болат", "cashier");
	f->manager = add_user(f->db, "Менеджер Ғалым", "manager");
	assert_int_equal(shifts_ensure_open(f->db, f->cashier, &sh, NULL, &err), STORE_OK);
	f->shift_id = sh.id;
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

/* ---- building the journal -------------------------------------------- */

static bool order_body(void *arg, const char *merchant_order_id, const char **body, size_t *len)
{
	static char buf[128];
	(void)arg;
	snprintf(buf, sizeof buf, "{\"merchant_order_id\":\"%s\"}", merchant_order_id);
	*body = buf;
	*len = strlen(buf);
	return true;
}

static bool refund_body(void *arg, const char *merchant_refund_id, const char *payment_id,
                        int64_t amount, const char **body, size_t *len)
{
	static char buf[256];
	(void)arg;
	snprintf(buf, sizeof buf, "{\"merchant_refund_id\":\"%s\",\"payment_id\":\"%s\",\"amount\":%lld}",
	         merchant_refund_id, payment_id, (long long)amount);
	*body = buf;
	*len = strlen(buf);
	return true;
}

/* A line: quantity × price at rate, minus discount; voided or live. */
static struct journal_line line(const char *name, int64_t qty, int64_t price, int rate,
                                int64_t discount, bool voided)
{
	struct journal_line l = {.quantity = qty, .unit_price = price, .tax_rate = rate,
	                         .discount = discount, .voided = voided};
	snprintf(l.name, sizeof l.name, "%s", name);
	l.total = qty * price - discount;
	return l;
}

/* Writes an order of user (0: headless) by method with lines (amount =
 * their live totals), or of amount without lines when n is 0. */
static int64_t create_order(struct fixture *f, int64_t user, enum journal_method method,
                            const struct journal_line *lines, size_t n, int64_t amount)
{
	store_err err;
	int64_t id = 0;
	if (n > 0) {
		amount = 0;
		for (size_t i = 0; i < n; i++)
			if (!lines[i].voided)
				amount += lines[i].total;
	}
	struct journal_new o = {
		.till_id = "T01",
		.shift_id = f->shift_id,
		.user_id = user,
		.method = method,
		.payer_phone = method == JOURNAL_PHONE ? "+77011234567" : NULL,
		.amount = amount,
		.build_body = order_body,
	};
	if (journal_create(f->db, &o, lines, n, &id, NULL, &err) != STORE_OK)
		fail_msg("journal_create: %s", kp_msg_text(&err.msg));
	return id;
}

static void move_ok(struct fixture *f, int64_t id, enum journal_state from, enum journal_state to)
{
	store_err err;
	if (journal_move(f->db, id, from, to, 0, NULL, &err) != STORE_OK)
		fail_msg("%s -> %s: %s", journal_state_name(from), journal_state_name(to), kp_msg_text(&err.msg));
}

/* Moves a new order to s (refunded ones: through the refunds API, in
 * full or by half). */
static void reach(struct fixture *f, int64_t id, enum journal_state s);

static int64_t refund_ok(struct fixture *f, int64_t order, int64_t amount)
{
	store_err err;
	int64_t id = 0;
	struct refund_new r = {
		.till_id = "T01",
		.shift_id = f->shift_id,
		.order_id = order,
		.amount = amount,
		.reason = "Покупатель вернул товар",
		.user_id = f->cashier,
		.approved_by = f->manager,
		.bare_tax_rate = 12,
		.build_body = refund_body,
	};
	if (refunds_create(f->db, &r, &id, NULL, NULL, &err) != STORE_OK)
		fail_msg("refunds_create: %s", kp_msg_text(&err.msg));
	return id;
}

static void settle_ok(struct fixture *f, int64_t refund)
{
	store_err err;
	char rid[32];
	snprintf(rid, sizeof rid, "ref_%lld", (long long)refund);
	if (refunds_settle(f->db, refund, rid, NULL, &err) != STORE_OK)
		fail_msg("refunds_settle: %s", kp_msg_text(&err.msg));
}

static void reach(struct fixture *f, int64_t id, enum journal_state s)
{
	store_err err;
	char pay[32];
	snprintf(pay, sizeof pay, "pay_%lld", (long long)id);
	struct journal_payment p = {.payment_id = pay, .qr_token = "kaspi://pay?token=abc"};

	switch (s) {
	case JOURNAL_CREATING:
		return;
	case JOURNAL_FAILED:
	case JOURNAL_ABANDONED:
		move_ok(f, id, JOURNAL_CREATING, s);
		return;
	case JOURNAL_LATE_PAID:
		move_ok(f, id, JOURNAL_CREATING, JOURNAL_ABANDONED);
		if (journal_move_with_payment(f->db, id, JOURNAL_ABANDONED, JOURNAL_LATE_PAID, &p, 0, NULL,
		                              &err) != STORE_OK)
			fail_msg("late_paid: %s", kp_msg_text(&err.msg));
		return;
	default:
		break;
	}
	if (journal_move_with_payment(f->db, id, JOURNAL_CREATING, JOURNAL_PENDING, &p, 0, NULL,
	                              &err) != STORE_OK)
		fail_msg("pending: %s", kp_msg_text(&err.msg));
	if (s == JOURNAL_PENDING)
		return;
	if (s == JOURNAL_CANCELLED || s == JOURNAL_EXPIRED) {
		move_ok(f, id, JOURNAL_PENDING, s);
		return;
	}
	move_ok(f, id, JOURNAL_PENDING, JOURNAL_SUCCEEDED);
	if (s == JOURNAL_REFUNDED) {
		settle_ok(f, refund_ok(f, id, REFUNDS_ALL_LEFT));
	} else if (s == JOURNAL_PARTIALLY_REFUNDED) {
		struct journal_order o;
		assert_int_equal(journal_get(f->db, id, &o, &err), STORE_OK);
		settle_ok(f, refund_ok(f, id, o.amount / 2 > 0 ? o.amount / 2 : 1));
	}
}

/* A small deterministic generator (the tests must not flake). */
static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33) % n;
}

/* n orders of every kind: methods, users, 0–4 lines at 0, 12 and 16 %,
 * some voided, some discounted, every state; refunds by amount, some left
 * pending, some failed. */
/* A sale of lines (or of amount without lines) in cash, by card, or split:
 * a Kaspi part (paid, or failed and tried again), then cash or card for
 * the rest; some split sales are left pending or given up. */
static void other_tenders(struct fixture *f, int64_t user, const struct journal_line *lines,
                          size_t n, int64_t amount)
{
	store_err err;
	int64_t id;
	if (n > 0) {
		amount = 0;
		for (size_t i = 0; i < n; i++)
			if (!lines[i].voided)
				amount += lines[i].total;
	}
	struct journal_new o = {.till_id = "T01", .shift_id = f->shift_id, .user_id = user,
	                        .amount = amount};
	uint32_t kind = rnd(3);
	if (kind < 2 || amount < 2) {
		o.method = kind == 0 ? JOURNAL_CASH : JOURNAL_CARD;
		struct journal_tender t = {.kind = o.method, .amount = amount};
		if (o.method == JOURNAL_CASH) {
			t.change = rnd(2) ? rnd(100000) : 0;
			t.given = amount + t.change;
		}
		if (journal_record_sale(f->db, &o, lines, n, &t, NULL, NULL, &err) != STORE_OK)
			fail_msg("journal_record_sale: %s", kp_msg_text(&err.msg));
		return;
	}
	o.method = JOURNAL_SPLIT;
	if (journal_open_split(f->db, &o, lines, n, &id, NULL, &err) != STORE_OK)
		fail_msg("journal_open_split: %s", kp_msg_text(&err.msg));
	int64_t part_amount = 1 + rnd((uint32_t)(amount - 1));
	struct journal_new k = {.till_id = "T01", .shift_id = f->shift_id, .user_id = user,
	                        .method = rnd(2) ? JOURNAL_QR : JOURNAL_PHONE, .amount = part_amount,
	                        .build_body = order_body, .part_of = id};
	k.payer_phone = k.method == JOURNAL_PHONE ? "+77011234567" : NULL;
	int64_t part;
	if (rnd(3) == 0) { /* a try that failed first */
		if (journal_create(f->db, &k, NULL, 0, &part, NULL, &err) != STORE_OK)
			fail_msg("journal_create: %s", kp_msg_text(&err.msg));
		reach(f, part, JOURNAL_FAILED);
	}
	if (journal_create(f->db, &k, NULL, 0, &part, NULL, &err) != STORE_OK)
		fail_msg("journal_create: %s", kp_msg_text(&err.msg));
	uint32_t end = rnd(6);
	reach(f, part, end == 0 ? JOURNAL_PENDING : JOURNAL_SUCCEEDED);
	if (end == 0)
		return; /* left pending: neither a sale nor its tender counts */
	if (end == 1) { /* given up with the part paid */
		assert_int_equal(journal_move(f->db, id, JOURNAL_PENDING, JOURNAL_ABANDONED, 0, NULL, &err),
		                 STORE_OK);
		return;
	}
	if (end == 2) /* the Kaspi part refunded later, in full */
		settle_ok(f, refund_ok(f, part, REFUNDS_ALL_LEFT));
	struct journal_tender rest = {.kind = rnd(2) ? JOURNAL_CASH : JOURNAL_CARD,
	                              .amount = amount - part_amount};
	if (rest.kind == JOURNAL_CASH)
		rest.given = rest.amount + rnd(2000);
	rest.change = rest.kind == JOURNAL_CASH ? rest.given - rest.amount : 0;
	if (end == 2) { /* refunded before completing: it still paid its part then */
		if (journal_complete_split(f->db, id, &rest, 1, 0, &err) != STORE_ERR_INPUT)
			fail_msg("a refunded part should not complete the sale");
		assert_int_equal(journal_move(f->db, id, JOURNAL_PENDING, JOURNAL_CANCELLED, 0, NULL, &err),
		                 STORE_OK);
		return;
	}
	if (journal_complete_split(f->db, id, &rest, 1, user, &err) != STORE_OK)
		fail_msg("journal_complete_split: %s", kp_msg_text(&err.msg));
}

static void generate(struct fixture *f, int n)
{
	static const int rates[] = {0, 12, 16};
	static const enum journal_state states[] = {
		JOURNAL_SUCCEEDED, JOURNAL_SUCCEEDED, JOURNAL_SUCCEEDED, JOURNAL_SUCCEEDED,
		JOURNAL_CANCELLED, JOURNAL_FAILED,    JOURNAL_EXPIRED,   JOURNAL_PENDING,
		JOURNAL_CREATING,  JOURNAL_ABANDONED, JOURNAL_LATE_PAID, JOURNAL_PARTIALLY_REFUNDED,
		JOURNAL_REFUNDED,
	};
	store_err err;
	for (int i = 0; i < n; i++) {
		struct journal_line lines[4];
		size_t nl = rnd(5);
		bool live = false;
		for (size_t k = 0; k < nl; k++) {
			int64_t qty = 1 + rnd(3), price = 1 + rnd(90000);
			int64_t discount = rnd(4) == 0 ? rnd((uint32_t)(qty * price)) : 0;
			bool voided = rnd(6) == 0;
			lines[k] = line("Товар", qty, price, rates[rnd(3)], discount, voided);
			live = live || (!voided && lines[k].total > 0);
		}
		if (nl > 0 && !live)
			lines[0] = line("Нан", 1, 25000, 12, 0, false);
		int64_t user = rnd(5) == 0 ? 0 : rnd(2) ? f->cashier : f->cashier2;
		if (rnd(3) == 0) { /* a sale in cash, by card or in several tenders */
			other_tenders(f, user, lines, nl, 100 + rnd(500000));
			continue;
		}
		enum journal_method method = rnd(3) == 0 ? JOURNAL_PHONE : JOURNAL_QR;
		int64_t id = create_order(f, user, method, lines, nl, 100 + rnd(500000));
		enum journal_state s = states[rnd(sizeof states / sizeof *states)];
		reach(f, id, s);
		/* a second refund of a partly refunded order (partially_refunded
		 * again), and a late payment given back in full */
		if (s == JOURNAL_PARTIALLY_REFUNDED && rnd(3) == 0)
			settle_ok(f, refund_ok(f, id, 1));
		if (s == JOURNAL_LATE_PAID && rnd(2) == 0)
			settle_ok(f, refund_ok(f, id, REFUNDS_ALL_LEFT));
		/* extra refunds on a paid order: settled, failed or left pending */
		if (s == JOURNAL_SUCCEEDED && rnd(4) == 0) {
			int64_t r = refund_ok(f, id, 1 + rnd(1000));
			switch (rnd(3)) {
			case 0:
				settle_ok(f, r);
				break;
			case 1:
				assert_int_equal(refunds_fail(f->db, r, "refund_window_closed", &err), STORE_OK);
				break;
			default:
				break; /* stays refund_pending */
			}
		}
	}
}

static struct report_params params(void)
{
	return (struct report_params){
		.store_name = "Дүкен «Береке»",
		.store_bin = "123456789012",
		.store_address = "Алматы, Абая 150",
		.till_id = "T01",
		.commission = {50, 70, 150},
	};
}

static struct report x_ok(struct fixture *f)
{
	struct report_params p = params();
	struct report r;
	store_err err;
	if (reports_x(f->db, &p, &r, &err) != STORE_OK)
		fail_msg("reports_x: %s", kp_msg_text(&err.msg));
	return r;
}

/* Closes the open shift, the cash counted 12,34 over what is expected. */
static struct report z_ok(struct fixture *f)
{
	struct report_params p = params();
	struct report r;
	struct cash_figures c;
	store_err err;
	if (cash_figures_shift(f->db, f->shift_id, &c, &err) != STORE_OK)
		fail_msg("cash_figures_shift: %s", kp_msg_text(&err.msg));
	int64_t counted = c.expected + 1234;
	if (report_z_close(f->db, &p, f->manager, &counted, &r, &err) != STORE_OK)
		fail_msg("report_z_close: %s", kp_msg_text(&err.msg));
	assert_true(r.counted_set);
	assert_int_equal(r.difference, 1234);
	return r;
}

/* VAT in gross at rate, rounded half up: computed here without core/vat. */
static int64_t vat_of(int64_t gross, int rate)
{
	return (2 * gross * rate + (100 + rate)) / (2 * (100 + rate));
}

#define SALE_STATES "('succeeded', 'late_paid', 'partially_refunded', 'refunded')"

/* Checks every figure of r (a report of shift_id) against SQL over the
 * journal's rows and plain arithmetic. */
static void check_against_journal(struct fixture *f, const struct report *r, int64_t shift)
{
	static const char *const methods[] = {"qr", "phone", "card", "cash"};
	sqlite3_stmt *st;
	char sql[2048];

	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		/* the sales in this tender alone, and the split sales that used it
		 * (a Kaspi part counts when its own order paid) */
		char split[1024];
		snprintf(split, sizeof split,
		         "FROM orders o JOIN tenders t ON t.order_id = o.id LEFT JOIN orders p"
		         " ON p.id = t.part_order WHERE o.shift_id = ?1 AND o.method = 'split' AND o.state"
		         " IN " SALE_STATES " AND t.kind = '%s' AND (p.id IS NULL OR p.state IN "
		         SALE_STATES ")", methods[m]);
		snprintf(sql, sizeof sql,
		         "SELECT (SELECT count(*) FROM orders WHERE shift_id = ?1 AND method = '%s'"
		         " AND part_of IS NULL AND state IN " SALE_STATES ")"
		         " + (SELECT count(DISTINCT o.id) %s)", methods[m], split);
		assert_int_equal(r->sales[m].count, query_int(f->db, sql, shift));
		snprintf(sql, sizeof sql,
		         "SELECT (SELECT total(amount) FROM orders WHERE shift_id = ?1 AND method = '%s'"
		         " AND part_of IS NULL AND state IN " SALE_STATES ")"
		         " + (SELECT total(t.amount) %s)", methods[m], split);
		assert_int_equal(r->sales[m].amount, query_int(f->db, sql, shift));
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM refunds f JOIN orders o ON o.id = f.order_id WHERE f.shift_id = ?1"
		         " AND f.state = 'refunded' AND o.method = '%s'", methods[m]);
		assert_int_equal(r->refunds[m].count, query_int(f->db, sql, shift));
		snprintf(sql, sizeof sql,
		         "SELECT total(f.amount) FROM refunds f JOIN orders o ON o.id = f.order_id"
		         " WHERE f.shift_id = ?1 AND f.state = 'refunded' AND o.method = '%s'", methods[m]);
		assert_int_equal(r->refunds[m].amount, query_int(f->db, sql, shift));
	}
	int64_t sales = query_int(f->db, "SELECT total(amount) FROM orders WHERE shift_id = ?1"
	                                 " AND part_of IS NULL AND state IN " SALE_STATES, shift);
	int64_t refunds = query_int(f->db, "SELECT total(amount) FROM refunds WHERE shift_id = ?1 AND"
	                                   " state = 'refunded'", shift);
	assert_int_equal(r->sales_total.amount, sales);
	assert_int_equal(r->refunds_total.amount, refunds);
	assert_int_equal(r->net, sales - refunds);
	/* the drawer's cash sales: what the cash tenders of its sales took */
	assert_true(r->cash_known);
	assert_int_equal(r->cash.sales.amount,
	                 query_int(f->db, "SELECT total(t.amount) FROM tenders t JOIN orders o"
	                                  " ON o.id = t.order_id WHERE o.shift_id = ?1 AND t.kind = 'cash'"
	                                  " AND o.state IN " SALE_STATES, shift));
	assert_int_equal(r->cash.sales.amount, r->sales[REPORT_CASH].amount);

	/* VAT per rate: sum the group's gross with SQL, round once here */
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db),
	                                    "SELECT l.tax_rate, sum(l.total) FROM order_lines l JOIN orders o"
	                                    " ON o.id = l.order_id WHERE o.shift_id = ?1 AND l.voided = 0"
	                                    " AND o.state IN " SALE_STATES " GROUP BY 1 ORDER BY 1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(st, 1, shift);
	size_t g = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int rate = sqlite3_column_int(st, 0);
		int64_t gross = sqlite3_column_int64(st, 1);
		assert_true(g < r->vat_sales.count);
		assert_int_equal(r->vat_sales.group[g].rate, rate);
		assert_int_equal(r->vat_sales.group[g].gross, gross);
		assert_int_equal(r->vat_sales.group[g].vat, vat_of(gross, rate));
		g++;
	}
	sqlite3_finalize(st);
	assert_int_equal(r->vat_sales.count, g);
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db),
	                                    "SELECT l.tax_rate, sum(l.amount) FROM refund_lines l JOIN refunds f"
	                                    " ON f.id = l.refund_row WHERE f.shift_id = ?1"
	                                    " AND f.state = 'refunded' GROUP BY 1 ORDER BY 1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(st, 1, shift);
	g = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int rate = sqlite3_column_int(st, 0);
		int64_t gross = sqlite3_column_int64(st, 1);
		assert_true(g < r->vat_refunds.count);
		assert_int_equal(r->vat_refunds.group[g].rate, rate);
		assert_int_equal(r->vat_refunds.group[g].gross, gross);
		assert_int_equal(r->vat_refunds.group[g].vat, vat_of(gross, rate));
		g++;
	}
	sqlite3_finalize(st);
	assert_int_equal(r->vat_refunds.count, g);
	assert_int_equal(r->sales_unitemised.count,
	                 query_int(f->db, "SELECT count(*) FROM orders o WHERE shift_id = ?1 AND part_of IS NULL"
	                                  " AND state IN " SALE_STATES " AND NOT EXISTS (SELECT 1 FROM order_lines"
	                                  " WHERE order_id = o.id)", shift));
	assert_int_equal(r->sales_unitemised.amount,
	                 query_int(f->db, "SELECT total(amount) FROM orders o WHERE shift_id = ?1 AND part_of IS NULL"
	                                  " AND state IN " SALE_STATES " AND NOT EXISTS (SELECT 1 FROM order_lines"
	                                  " WHERE order_id = o.id)", shift));

	/* commission of each method's net, half away from zero; payout */
	int64_t commission = 0;
	for (int m = 0; m < REPORT_METHOD_COUNT; m++) {
		int64_t net = r->sales[m].amount - r->refunds[m].amount;
		int64_t scaled = net * r->commission_rate[m];
		int64_t c = scaled >= 0 ? (scaled + 5000) / 10000 : -((-scaled + 5000) / 10000);
		assert_int_equal(r->commission[m], c);
		commission += c;
	}
	assert_int_equal(r->commission_rate[REPORT_QR], 50);
	assert_int_equal(r->commission_rate[REPORT_PHONE], 70);
	assert_int_equal(r->commission_rate[REPORT_CARD], 150);
	assert_int_equal(r->commission_total, commission);
	assert_int_equal(r->commission[REPORT_CASH], 0); /* cash costs no commission */
	assert_int_equal(r->payout, r->net - (r->sales[REPORT_CASH].amount -
	                                      r->refunds[REPORT_CASH].amount) - commission);

	/* sales: a Kaspi part's own outcome is its sale's tender, not a sale */
	assert_int_equal(r->cancelled, query_int(f->db, "SELECT count(*) FROM orders WHERE shift_id = ?1"
	                                                " AND part_of IS NULL AND state = 'cancelled'", shift));
	assert_int_equal(r->failed, query_int(f->db, "SELECT count(*) FROM orders WHERE shift_id = ?1"
	                                             " AND part_of IS NULL AND state = 'failed'", shift));
	assert_int_equal(r->expired, query_int(f->db, "SELECT count(*) FROM orders WHERE shift_id = ?1"
	                                              " AND part_of IS NULL AND state = 'expired'", shift));
	assert_int_equal(r->voided.count,
	                 query_int(f->db, "SELECT count(*) FROM order_lines l JOIN orders o ON o.id ="
	                                  " l.order_id WHERE o.shift_id = ?1 AND l.voided = 1"
	                                  " AND o.state IN " SALE_STATES, shift));
	assert_int_equal(r->voided.amount,
	                 query_int(f->db, "SELECT total(l.total) FROM order_lines l JOIN orders o ON o.id ="
	                                  " l.order_id WHERE o.shift_id = ?1 AND l.voided = 1"
	                                  " AND o.state IN " SALE_STATES, shift));
	assert_int_equal(r->first_order, query_int(f->db, "SELECT coalesce(min(created_at), 0) FROM orders"
	                                                  " WHERE shift_id = ?1", shift));
	assert_int_equal(r->last_order, query_int(f->db, "SELECT coalesce(max(created_at), 0) FROM orders"
	                                                 " WHERE shift_id = ?1", shift));

	/* the unfinished: orders, then pending refunds, each listed once */
	int64_t orders_open = query_int(f->db, "SELECT count(*) FROM orders WHERE shift_id = ?1 AND state"
	                                       " IN ('creating', 'pending', 'abandoned', 'late_paid')", shift);
	int64_t refunds_open = query_int(f->db, "SELECT count(*) FROM refunds WHERE shift_id = ?1 AND"
	                                        " state = 'refund_pending'", shift);
	assert_int_equal(r->n_unfinished, orders_open + refunds_open);
	for (size_t i = 0; i < r->n_unfinished; i++) {
		const struct report_unfinished *u = &r->unfinished[i];
		assert_int_equal(u->refund, i >= (size_t)orders_open);
		snprintf(sql, sizeof sql, "SELECT amount FROM %s WHERE id = ?1 AND state = '%s'",
		         u->refund ? "refunds" : "orders", u->state);
		assert_int_equal(u->amount, query_int(f->db, sql, u->id));
	}
	store_err err;
	if (reports_verify(f->db, shift, &err) != STORE_OK)
		fail_msg("%s", kp_msg_text(&err.msg));
}

/* ---- text checks ----------------------------------------------------- */

/* Every line of text has at most width code points and ends in "\n". */
static void check_width(const char *text, int width)
{
	const char *p = text;
	int lineno = 1;
	assert_true(strlen(text) > 0);
	assert_int_equal(text[strlen(text) - 1], '\n');
	while (*p) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl);
		int cols = 0;
		for (const char *c = p; c < nl; c++)
			if (((unsigned char)*c & 0xC0) != 0x80)
				cols++;
		if (cols > width)
			fail_msg("line %d has %d columns, more than %d: \"%.*s\"", lineno, cols, width,
			         (int)(nl - p), p);
		p = nl + 1;
		lineno++;
	}
}

/* ---- the tests ------------------------------------------------------- */

static void generated_sales_and_refunds_sum_to_the_journal_rows(void **state)
{
	struct fixture *f = *state;
	rng_state = 42;
	generate(f, 400);
	struct report r = x_ok(f);
	assert_true(r.sales_total.count > 100);
	assert_true(r.refunds_total.count > 20);
	assert_true(r.vat_sales.count == 3);
	assert_true(r.sales_unitemised.count > 0);
	assert_true(r.voided.count > 0);
	assert_true(r.sales[REPORT_CASH].count > 10);
	assert_true(r.sales[REPORT_CARD].count > 10);
	assert_true(r.sales_split.count > 10);
	check_against_journal(f, &r, f->shift_id);
	assert_int_equal(r.kind, REPORT_X);
	assert_int_equal(r.shift_id, f->shift_id);
	assert_string_equal(r.store_name, "Дүкен «Береке»");
	/* the cashiers by name, headless commands last */
	assert_int_equal(r.n_cashiers, 3);
	assert_string_equal(r.cashiers[0].name, "Айгерім");
	assert_string_equal(r.cashiers[1].name, "Болат");
	assert_int_equal(r.cashiers[2].user_id, 0);
	report_free(&r);
}

/* Ten lines of 5 tiyn at 12 %: each line's VAT rounds to 1 (0.536), so
 * per-line rounding says 10; the group's 50 tiyn hold 5.357, so 5. */
static void vat_is_rounded_once_per_rate_group(void **state)
{
	struct fixture *f = *state;
	struct journal_line lines[10];
	for (int i = 0; i < 10; i++)
		lines[i] = line("Спички", 1, 5, 12, 0, false);
	reach(f, create_order(f, f->cashier, JOURNAL_QR, lines, 10, 0), JOURNAL_SUCCEEDED);
	struct journal_line other[2] = {line("Молоко", 3, 33333, 16, 1, false),
	                                line("Хлеб", 1, 17000, 0, 0, false)};
	reach(f, create_order(f, f->cashier, JOURNAL_PHONE, other, 2, 0), JOURNAL_SUCCEEDED);

	struct report r = x_ok(f);
	assert_int_equal(r.vat_sales.count, 3);
	assert_int_equal(r.vat_sales.group[0].rate, 0);
	assert_int_equal(r.vat_sales.group[0].vat, 0);
	assert_int_equal(r.vat_sales.group[1].rate, 12);
	assert_int_equal(r.vat_sales.group[1].gross, 50);
	assert_int_equal(r.vat_sales.group[1].vat, 5);
	int64_t per_line = 0;
	for (int i = 0; i < 10; i++)
		per_line += vat_of(5, 12);
	assert_int_equal(per_line, 10);
	assert_int_equal(r.vat_sales.group[2].rate, 16);
	assert_int_equal(r.vat_sales.group[2].gross, 99998);
	assert_int_equal(r.vat_sales.group[2].vat, 13793); /* 13 792.8 */
	check_against_journal(f, &r, f->shift_id);
	report_free(&r);
}

static void refunds_reduce_the_net(void **state)
{
	struct fixture *f = *state;
	struct journal_line lines[2] = {line("Чай", 2, 50000, 12, 0, false),
	                                line("Сахар", 1, 50000, 0, 0, false)};
	int64_t id = create_order(f, f->cashier, JOURNAL_QR, lines, 2, 0);
	reach(f, id, JOURNAL_SUCCEEDED);
	int64_t bare = create_order(f, 0, JOURNAL_PHONE, NULL, 0, 200000);
	reach(f, bare, JOURNAL_SUCCEEDED);

	struct report before = x_ok(f);
	assert_int_equal(before.net, 350000);
	settle_ok(f, refund_ok(f, id, 30000));
	settle_ok(f, refund_ok(f, bare, REFUNDS_ALL_LEFT));
	struct report r = x_ok(f);
	assert_int_equal(r.sales_total.amount, 350000); /* sales keep their full amount */
	assert_int_equal(r.sales[REPORT_PHONE].amount, 200000);
	assert_int_equal(r.refunds[REPORT_QR].count, 1);
	assert_int_equal(r.refunds[REPORT_QR].amount, 30000);
	assert_int_equal(r.refunds[REPORT_PHONE].amount, 200000);
	assert_int_equal(r.net, 120000);
	assert_true(r.payout < r.net);
	/* the bare order's refund is at its refund's rate (12 %) */
	assert_true(r.vat_refunds.count >= 1);
	check_against_journal(f, &r, f->shift_id);
	report_free(&before);
	report_free(&r);
}

/* A basket with two voided lines (2 405,00 each) that the buyer
 * declines and then pays at the second try is two orders carrying the
 * same voided lines: the report counts the sale's, once. */
static void voided_lines_of_a_basket_tried_twice_count_once(void **state)
{
	struct fixture *f = *state;
	struct journal_line basket[3] = {line("Сыр", 1, 240500, 12, 0, true),
	                                 line("Кофе", 1, 240500, 12, 0, true),
	                                 line("Нан", 2, 25000, 12, 0, false)};
	reach(f, create_order(f, f->cashier, JOURNAL_QR, basket, 3, 0), JOURNAL_CANCELLED);
	reach(f, create_order(f, f->cashier, JOURNAL_QR, basket, 3, 0), JOURNAL_SUCCEEDED);

	struct report r = x_ok(f);
	assert_int_equal(r.voided.count, 2);
	assert_int_equal(r.voided.amount, 481000);
	assert_int_equal(r.sales_total.count, 1);
	assert_int_equal(r.cancelled, 1);
	char *text = report_text(&r, 32, NULL);
	assert_non_null(strstr(text, "\nVoided lines (2)        4 810,00\n"));
	free(text);
	report_free(&r);
}

static void unfinished_orders_and_refunds_are_listed(void **state)
{
	struct fixture *f = *state;
	int64_t ids[4];
	const enum journal_state open[4] = {JOURNAL_CREATING, JOURNAL_PENDING, JOURNAL_ABANDONED,
	                                    JOURNAL_LATE_PAID};
	for (int i = 0; i < 4; i++) {
		ids[i] = create_order(f, f->cashier, JOURNAL_QR, NULL, 0, 10000 * (i + 1));
		reach(f, ids[i], open[i]);
	}
	int64_t paid = create_order(f, f->cashier, JOURNAL_QR, NULL, 0, 90000);
	reach(f, paid, JOURNAL_SUCCEEDED);
	int64_t pending_refund = refund_ok(f, paid, 5000);

	struct report r = x_ok(f);
	assert_int_equal(r.n_unfinished, 5);
	for (int i = 0; i < 4; i++) {
		assert_false(r.unfinished[i].refund);
		assert_int_equal(r.unfinished[i].id, ids[i]);
		assert_string_equal(r.unfinished[i].state, journal_state_name(open[i]));
		assert_int_equal(r.unfinished[i].amount, 10000 * (i + 1));
	}
	assert_true(r.unfinished[4].refund);
	assert_int_equal(r.unfinished[4].id, pending_refund);
	assert_string_equal(r.unfinished[4].state, "refund_pending");
	assert_int_equal(r.unfinished[4].amount, 5000);
	/* a late payment is money in: a sale, and a warning */
	assert_int_equal(r.sales_total.count, 2);
	assert_int_equal(r.sales_total.amount, 130000);
	assert_int_equal(r.refunds_total.count, 0);
	char *text = report_text(&r, 32, NULL);
	assert_non_null(strstr(text, "UNFINISHED: 5"));
	/* the states by the cashier's words, not the journal's names */
	assert_non_null(strstr(text, "  paid late!"));
	assert_non_null(strstr(text, "  given up"));
	assert_non_null(strstr(text, "  waiting"));
	assert_null(strstr(text, "late_paid"));
	assert_null(strstr(text, "refund_pending"));
	free(text);
	check_against_journal(f, &r, f->shift_id);
	report_free(&r);
}

static void a_z_report_closes_the_shift_and_numbers_in_sequence(void **state)
{
	struct fixture *f = *state;
	struct report_params p = params();
	struct report r;
	store_err err;
	struct shift sh;
	int64_t first_shift = f->shift_id;

	rng_state = 7;
	generate(f, 40);
	struct report x = x_ok(f);
	struct report z1 = z_ok(f);
	assert_int_equal(z1.kind, REPORT_Z);
	assert_int_equal(z1.z_number, 1);
	assert_string_equal(z1.closed_by, "Менеджер Ғалым");
	assert_int_equal(z1.net, x.net);
	assert_int_equal(z1.sales_total.amount, x.sales_total.amount);
	check_against_journal(f, &z1, first_shift);
	assert_int_equal(shifts_get(f->db, first_shift, &sh, &err), STORE_OK);
	assert_int_equal(sh.closed_at, z1.to);
	assert_int_equal(sh.z_number, 1);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM events WHERE kind = 'z_report'"
	                                  " AND user_id = ?1", f->manager), 1);

	/* no shift open: X and Z say so, and nothing is written */
	assert_int_equal(reports_x(f->db, &p, &r, &err), STORE_NOT_FOUND);
	assert_int_equal(report_z_close(f->db, &p, f->manager, NULL, &r, &err), STORE_NOT_FOUND);
	assert_non_null(strstr(kp_msg_text(&err.msg), "no shift is open"));
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM z_reports", 0), 1);

	/* the next shift gets Z 2, with only its own orders */
	assert_int_equal(shifts_ensure_open(f->db, f->cashier2, &sh, NULL, &err), STORE_OK);
	f->shift_id = sh.id;
	assert_true(sh.id != first_shift);
	reach(f, create_order(f, f->cashier2, JOURNAL_QR, NULL, 0, 77700), JOURNAL_SUCCEEDED);
	struct report z2 = z_ok(f);
	assert_int_equal(z2.z_number, 2);
	assert_int_equal(z2.shift_id, sh.id);
	assert_int_equal(z2.sales_total.count, 1);
	assert_int_equal(z2.sales_total.amount, 77700);
	assert_int_equal(z2.n_cashiers, 1);
	assert_string_equal(z2.cashiers[0].name, "Болат");
	int64_t last;
	assert_int_equal(reports_last_z(f->db, &last, &err), STORE_OK);
	assert_int_equal(last, 2);

	/* only a manager closes a shift */
	assert_int_equal(shifts_ensure_open(f->db, f->cashier, &sh, NULL, &err), STORE_OK);
	assert_int_equal(report_z_close(f->db, &p, f->cashier, NULL, &r, &err), STORE_ERR_INPUT);
	assert_int_equal(shifts_get_open(f->db, &sh, &err), STORE_OK);
	/* the numbers have no gap: a number out of turn is refused */
	assert_true(exec_refused(f->db, "INSERT INTO z_reports VALUES (5, 1, 0, 3, '{}')"));
	report_free(&x);
	report_free(&z1);
	report_free(&z2);
}

static void a_z_snapshot_never_changes_and_reprints_as_it_was(void **state)
{
	struct fixture *f = *state;
	struct report again;
	char *json = NULL;
	store_err err;

	rng_state = 99;
	generate(f, 60);
	/* an order still pending when the shift closes */
	int64_t pending = create_order(f, f->cashier, JOURNAL_QR, NULL, 0, 12300);
	reach(f, pending, JOURNAL_PENDING);
	struct report z = z_ok(f);
	char *original_json = report_json(&z);

	assert_true(exec_refused(f->db, "UPDATE z_reports SET snapshot = '{}'"));
	assert_true(exec_refused(f->db, "UPDATE z_reports SET closed_at = 0"));
	assert_true(exec_refused(f->db, "DELETE FROM z_reports"));
	assert_true(exec_refused(f->db, "UPDATE shifts SET closed_at = NULL, z_number = NULL"));
	assert_true(exec_refused(f->db, "UPDATE shifts SET z_number = 9"));
	/* the pending order is paid after the close: the journal moves on,
	 * the stored report does not */
	move_ok(f, pending, JOURNAL_PENDING, JOURNAL_SUCCEEDED);

	assert_int_equal(report_z_load(f->db, z.z_number, &again, &json, &err), STORE_OK);
	assert_string_equal(json, original_json);
	for (int w = 32; w <= 48; w += w == 32 ? 10 : 6) {
		char *a = report_text(&z, w, NULL), *b = report_text(&again, w, NULL);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	char *a = report_csv(&z), *b = report_csv(&again);
	assert_string_equal(a, b);
	free(a);
	free(b);
	a = report_json(&again);
	assert_string_equal(a, original_json);
	free(a);
	report_free(&again);
	assert_int_equal(report_z_load(f->db, 2, &again, NULL, &err), STORE_NOT_FOUND);
	free(json);
	free(original_json);
	report_free(&z);
}

/* A refund journaled, then the till dies before the answer (the file is
 * closed and opened again): the Z counts it as not refunded and lists it. */
static void a_z_after_a_crash_in_the_middle_of_a_refund_is_right(void **state)
{
	struct fixture *f = *state;
	int64_t paid = create_order(f, f->cashier, JOURNAL_QR, NULL, 0, 100000);
	reach(f, paid, JOURNAL_SUCCEEDED);
	int64_t done = refund_ok(f, paid, 10000);
	settle_ok(f, done);
	int64_t hanging = refund_ok(f, paid, 20000);
	db_close(f->db);
	f->db = open_ok(f);

	struct report z = z_ok(f);
	assert_int_equal(z.refunds_total.count, 1);
	assert_int_equal(z.refunds_total.amount, 10000);
	assert_int_equal(z.net, 90000);
	assert_int_equal(z.n_unfinished, 1);
	assert_true(z.unfinished[0].refund);
	assert_int_equal(z.unfinished[0].id, hanging);
	assert_string_equal(z.unfinished[0].state, "refund_pending");
	assert_int_equal(z.unfinished[0].amount, 20000);
	check_against_journal(f, &z, f->shift_id);
	report_free(&z);
}

static void the_day_report_takes_one_almaty_day_over_every_shift(void **state)
{
	struct fixture *f = *state;
	struct report_params p = params();
	struct report d;
	store_err err;
	struct shift sh;

	/* 2026-11-26 12:00: an order in shift 1 */
	reach(f, create_order(f, f->cashier, JOURNAL_QR, NULL, 0, 1000), JOURNAL_SUCCEEDED);
	struct report z = z_ok(f);
	report_free(&z);
	/* shift 2 from 23:59:50: one order before Almaty midnight, one after */
	fake_now = NOON_20261126 + 12 * 3600 - 10;
	assert_int_equal(shifts_ensure_open(f->db, f->cashier2, &sh, NULL, &err), STORE_OK);
	f->shift_id = sh.id;
	reach(f, create_order(f, f->cashier2, JOURNAL_PHONE, NULL, 0, 2000), JOURNAL_SUCCEEDED);
	fake_now = NOON_20261126 + 12 * 3600 + 5;
	reach(f, create_order(f, f->cashier2, JOURNAL_QR, NULL, 0, 4000), JOURNAL_SUCCEEDED);

	assert_int_equal(reports_day(f->db, &p, 20261126, &d, &err), STORE_OK);
	assert_int_equal(d.kind, REPORT_DAY);
	assert_int_equal(d.day, 20261126);
	assert_int_equal(d.from, NOON_20261126 - 12 * 3600);
	assert_int_equal(d.sales_total.count, 2);
	assert_int_equal(d.sales_total.amount, 3000);
	assert_int_equal(d.shift_id, 1);
	assert_int_equal(d.last_shift_id, 2);
	assert_int_equal(d.n_cashiers, 2);
	assert_true(d.last_order > NOON_20261126 + 12 * 3600 - 10);
	assert_true(d.last_order < NOON_20261126 + 12 * 3600);
	report_free(&d);
	assert_int_equal(reports_day(f->db, &p, 20261127, &d, &err), STORE_OK);
	assert_int_equal(d.sales_total.count, 1);
	assert_int_equal(d.sales_total.amount, 4000);
	assert_int_equal(d.shift_id, 2);
	char *text = report_text(&d, 32, NULL);
	assert_non_null(strstr(text, "2026-11-27"));
	free(text);
	report_free(&d);
	assert_int_equal(reports_day(f->db, &p, 20261131, &d, &err), STORE_ERR_INPUT);
}

static void a_shift_open_over_24_hours_is_flagged(void **state)
{
	struct fixture *f = *state;
	struct report r = x_ok(f);
	assert_false(r.over_24h);
	report_free(&r);
	fake_now += 24 * 3600 + 60;
	r = x_ok(f);
	assert_true(r.over_24h);
	char *text = report_text(&r, 42, NULL);
	assert_non_null(strstr(text, "over 24 hours"));
	free(text);
	report_free(&r);
}

/* Long labels as a translation might make them, for the width test. */
static const char *long_russian(const char *msgid) __attribute__((format_arg(1)));
static const char *long_russian(const char *msgid)
{
	if (strcmp(msgid, "Kaspi by phone") == 0)
		return "Kaspi по номеру телефона покупателя";
	if (strcmp(msgid, "%d%% of %s") == 0)
		return "НДС %d%% включён в сумму %s";
	if (strcmp(msgid, "Without lines, no VAT rate") == 0)
		return "Без позиций, ставка НДС неизвестна";
	if (strcmp(msgid, "The shift has been open over 24 hours") == 0)
		return "Смена открыта больше 24 часов: закройте её Z-отчётом";
	if (strcmp(msgid, "EXPECTED PAYOUT") == 0)
		return "ОЖИДАЕМАЯ ВЫПЛАТА ОТ KASPI НА СЧЁТ";
	return msgid;
}

static void every_text_line_fits_32_42_and_48_columns(void **state)
{
	struct fixture *f = *state;
	rng_state = 5;
	generate(f, 80);
	/* big amounts: a 1 000 000 tenge order */
	reach(f, create_order(f, f->cashier, JOURNAL_QR, NULL, 0, KP_AMOUNT_MAX), JOURNAL_SUCCEEDED);
	reach(f, create_order(f, f->cashier, JOURNAL_QR, NULL, 0, KP_AMOUNT_MAX), JOURNAL_PENDING);
	fake_now += 25 * 3600;
	struct report r = x_ok(f);
	/* the longest names the config and users allow */
	char name[REPORT_TEXT_SIZE] = "";
	for (size_t n = 0; n + strlen("Әйгерім-Қазына ₸ ") < sizeof name - 1; n = strlen(name))
		snprintf(name + n, sizeof name - n, "%s", "Әйгерім-Қазына ₸ ");
	snprintf(r.store_name, sizeof r.store_name, "%s", name);
	snprintf(r.store_address, sizeof r.store_address, "%s", name);
	snprintf(r.store_name + 40, sizeof r.store_name - 40, "%s", "ӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘ");
	snprintf(r.cashiers[0].name, sizeof r.cashiers[0].name, "%s",
	         "Нұрсұлтанқызы-Әбілқайырова Гүлнәр");
	for (int w = 32; w <= 48; w += w == 32 ? 10 : 6) {
		char *t = report_text(&r, w, NULL);
		assert_non_null(t);
		check_width(t, w);
		free(t);
		t = report_text(&r, w, long_russian);
		assert_non_null(strstr(t, "Kaspi по номеру"));
		check_width(t, w);
		free(t);
	}
	assert_null(report_text(&r, 40, NULL));
	/* amounts are right-aligned: the net's line ends in its amount */
	char *t = report_text(&r, 32, NULL), net[64], want[128];
	money_format_plain(net, sizeof net, r.net);
	snprintf(want, sizeof want, "%s\n", net);
	const char *line_start = strstr(t, "\nNET");
	assert_non_null(line_start);
	const char *end = strchr(line_start + 1, '\n');
	assert_memory_equal(end + 1 - strlen(want), want, strlen(want));
	free(t);
	report_free(&r);
}

/* ---- CSV read back ----------------------------------------------------- */

struct csv_row {
	char field[4][512];
	int n;
};

/* Reads RFC 4180 text: quoted fields with "" inside, CRLF row ends.
 * Returns the rows (malloc'd) and fails the test on anything else. */
static struct csv_row *csv_parse(const char *s, size_t *count)
{
	size_t cap = 16, n = 0;
	struct csv_row *rows = calloc(cap, sizeof *rows);
	while (*s) {
		if (n == cap) {
			rows = realloc(rows, (cap *= 2) * sizeof *rows);
			memset(rows + n, 0, (cap - n) * sizeof *rows);
		}
		struct csv_row *r = &rows[n++];
		for (;;) {
			assert_true(r->n < 4);
			char *out = r->field[r->n++];
			size_t o = 0;
			if (*s == '"') {
				s++;
				for (;;) {
					assert_true(*s != '\0');
					if (*s == '"' && s[1] == '"') {
						out[o++] = '"';
						s += 2;
					} else if (*s == '"') {
						s++;
						break;
					} else {
						out[o++] = *s++;
					}
				}
			} else {
				while (*s && *s != ',' && *s != '\r' && *s != '\n' && *s != '"')
					out[o++] = *s++;
			}
			out[o] = '\0';
			if (*s == ',') {
				s++;
				continue;
			}
			assert_true(s[0] == '\r' && s[1] == '\n');
			s += 2;
			break;
		}
		assert_int_equal(r->n, 4);
	}
	*count = n;
	return rows;
}

static const char *csv_value(const struct csv_row *rows, size_t n, const char *section,
                             const char *key, const char *item)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].field[0], section) && !strcmp(rows[i].field[1], key) &&
		    !strcmp(rows[i].field[2], item))
			return rows[i].field[3];
	fail_msg("no CSV row %s,%s,%s", section, key, item);
	return NULL;
}

static int64_t tenge(const char *text)
{
	int64_t v;
	assert_true(money_parse_tenge(text, &v));
	return v;
}

static void the_csv_reads_back(void **state)
{
	struct fixture *f = *state;
	rng_state = 11;
	generate(f, 120);
	struct report r = x_ok(f);
	snprintf(r.store_name, sizeof r.store_name, "%s", "ТОО \"Береке, и К\"\nАлматы");
	char *csv = report_csv(&r);
	size_t n;
	struct csv_row *rows = csv_parse(csv, &n);
	assert_string_equal(rows[0].field[0], "section");
	assert_string_equal(rows[0].field[3], "value");
	assert_string_equal(csv_value(rows, n, "report", "store_name", ""), r.store_name);
	assert_string_equal(csv_value(rows, n, "report", "kind", ""), "x");
	const char *qr = csv_value(rows, n, "sales", "amount", "qr");
	assert_non_null(strchr(qr, '.'));
	assert_int_equal(strlen(strchr(qr, '.')), 3); /* two decimals */
	assert_int_equal(tenge(qr), r.sales[REPORT_QR].amount);
	assert_int_equal(atoll(csv_value(rows, n, "sales", "count", "phone")), r.sales[REPORT_PHONE].count);
	assert_int_equal(tenge(csv_value(rows, n, "refunds", "amount", "total")), r.refunds_total.amount);
	assert_int_equal(tenge(csv_value(rows, n, "net", "amount", "")), r.net);
	assert_int_equal(tenge(csv_value(rows, n, "vat_sales", "vat", "12")), r.vat_sales.group[1].vat);
	assert_int_equal(tenge(csv_value(rows, n, "payout", "amount", "")), r.payout);
	assert_string_equal(csv_value(rows, n, "commission", "percent", "qr"), "0.50");
	assert_int_equal(tenge(csv_value(rows, n, "voided_lines", "amount", "")), r.voided.amount);
	size_t unfinished = 0;
	for (size_t i = 0; i < n; i++)
		if (!strncmp(rows[i].field[0], "unfinished_", 11))
			unfinished++;
	assert_int_equal(unfinished, r.n_unfinished);
	free(rows);
	free(csv);
	report_free(&r);
}

static int64_t json_int(const cJSON *o, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	const cJSON *v = o;
	for (char *save, *part = strtok_r(buf, ".", &save); part; part = strtok_r(NULL, ".", &save))
		v = cJSON_GetObjectItemCaseSensitive(v, part);
	if (!cJSON_IsNumber(v))
		fail_msg("no number at %s", path);
	return (int64_t)v->valuedouble;
}

static void the_json_reads_back(void **state)
{
	struct fixture *f = *state;
	rng_state = 13;
	generate(f, 120);
	struct report r = x_ok(f), back;
	char *json = report_json(&r), why[128];
	cJSON *o = cJSON_Parse(json);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "kind")->valuestring, "x");
	assert_int_equal(json_int(o, "sales.qr.amount"), r.sales[REPORT_QR].amount);
	assert_int_equal(json_int(o, "sales.total.count"), r.sales_total.count);
	assert_int_equal(json_int(o, "refunds.phone.amount"), r.refunds[REPORT_PHONE].amount);
	assert_int_equal(json_int(o, "net"), r.net);
	assert_int_equal(json_int(o, "payout"), r.payout);
	assert_int_equal(json_int(o, "commission.card.rate"), 150);
	assert_int_equal(json_int(o, "voided_lines.count"), r.voided.count);
	const cJSON *vat = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "vat"), "sales");
	assert_int_equal(cJSON_GetArraySize(vat), (int)r.vat_sales.count);
	assert_int_equal(json_int(cJSON_GetArrayItem(vat, 1), "vat"), r.vat_sales.group[1].vat);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "unfinished")), (int)r.n_unfinished);
	assert_true(cJSON_IsString(cJSON_GetObjectItem(o, "from")));
	time_t from;
	assert_true(kp_time_parse(cJSON_GetObjectItem(o, "from")->valuestring, &from));
	assert_int_equal(from, r.from);
	cJSON_Delete(o);

	assert_true(report_from_json(json, &back, why, sizeof why));
	char *again = report_json(&back);
	assert_string_equal(again, json);
	free(again);
	report_free(&back);
	assert_false(report_from_json("{\"kind\":\"x\"}", &back, why, sizeof why));
	assert_false(report_from_json("not json", &back, why, sizeof why));
	free(json);
	report_free(&r);
}

/* The listing says who cancelled (the cashier, after giving up, or the
 * buyer), in words in the text and as given_up in the JSON, and keeps
 * each line's Kazakh name. */
static void the_journal_listing_says_who_cancelled_and_keeps_kazakh_names(void **state)
{
	struct fixture *f = *state;
	struct report_journal j;
	store_err err;
	struct journal_line milk = line("Молоко 1 л", 1, 45000, 12, 0, false);
	snprintf(milk.name_kk, sizeof milk.name_kk, "Сүт 1 л");
	int64_t declined = create_order(f, f->cashier, JOURNAL_QR, &milk, 1, 0);
	reach(f, declined, JOURNAL_CANCELLED);
	int64_t gave_up = create_order(f, f->cashier, JOURNAL_QR, &milk, 1, 0);
	reach(f, gave_up, JOURNAL_ABANDONED);
	move_ok(f, gave_up, JOURNAL_ABANDONED, JOURNAL_CANCELLED);

	assert_int_equal(reports_journal(f->db, 20261126, 20261126, NULL, true, &j, &err), STORE_OK);
	assert_int_equal(j.n_orders, 2);
	assert_false(j.orders[0].given_up);
	assert_true(j.orders[1].given_up);
	assert_string_equal(j.orders[1].lines[0].name_kk, "Сүт 1 л");
	char *text = report_journal_text(&j, NULL);
	const char *first = strstr(text, j.orders[0].merchant_order_id);
	const char *second = strstr(text, j.orders[1].merchant_order_id);
	assert_non_null(first);
	assert_non_null(second);
	assert_non_null(strstr(first, "declined"));
	assert_true(strstr(first, "declined") < second);
	assert_non_null(strstr(second, "cancelled by the cashier"));
	free(text);
	char *json = report_journal_json(&j);
	cJSON *o = cJSON_Parse(json);
	const cJSON *orders = cJSON_GetObjectItem(o, "orders");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(orders, 0), "given_up")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(orders, 1), "given_up")));
	const cJSON *l = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(orders, 1), "lines"), 0);
	assert_string_equal(cJSON_GetObjectItem(l, "name")->valuestring, "Молоко 1 л");
	assert_string_equal(cJSON_GetObjectItem(l, "name_kk")->valuestring, "Сүт 1 л");
	cJSON_Delete(o);
	free(json);
	report_journal_free(&j);
}

/* The sale states this file's SQL checks the reports with are the
 * journal's table's (journal_state_is_sale), which the reports read. */
static void the_sale_states_are_the_journal_tables(void **state)
{
	(void)state;
	char list[256] = "(";
	for (int i = 0; i < JOURNAL_STATE_COUNT; i++)
		if (journal_state_is_sale((enum journal_state)i)) {
			size_t n = strlen(list);
			snprintf(list + n, sizeof list - n, "%s'%s'", n > 1 ? ", " : "",
			         journal_state_name((enum journal_state)i));
		}
	size_t n = strlen(list);
	snprintf(list + n, sizeof list - n, ")");
	assert_string_equal(list, SALE_STATES);
}

static void the_journal_lists_a_day_with_lines_and_refunds(void **state)
{
	struct fixture *f = *state;
	struct report_journal j;
	store_err err;
	struct journal_line lines[2] = {line("Чай, \"зелёный\"", 2, 50000, 12, 0, false),
	                                line("Сахар", 1, 3000, 0, 0, true)};
	int64_t a = create_order(f, f->cashier, JOURNAL_QR, lines, 2, 0);
	reach(f, a, JOURNAL_SUCCEEDED);
	settle_ok(f, refund_ok(f, a, 25000));
	int64_t b = create_order(f, 0, JOURNAL_PHONE, NULL, 0, 7000);
	reach(f, b, JOURNAL_EXPIRED);
	fake_now += 24 * 3600; /* the next day */
	reach(f, create_order(f, f->cashier, JOURNAL_QR, NULL, 0, 5000), JOURNAL_SUCCEEDED);

	assert_int_equal(reports_journal(f->db, 20261126, 20261126, NULL, true, &j, &err), STORE_OK);
	assert_int_equal(j.n_orders, 2);
	assert_int_equal(j.orders[0].id, a);
	assert_int_equal(j.orders[0].state, JOURNAL_PARTIALLY_REFUNDED);
	assert_int_equal(j.orders[0].refunded_amount, 25000);
	assert_int_equal(j.orders[0].n_lines, 2);
	assert_true(j.orders[0].lines[1].voided);
	assert_int_equal(j.orders[0].n_refunds, 1);
	assert_string_equal(j.orders[0].refunds[0].state, "refunded");
	assert_int_equal(j.orders[1].n_lines, 0);

	char *text = report_journal_text(&j, NULL);
	assert_non_null(strstr(text, j.orders[0].merchant_order_id));
	assert_non_null(strstr(text, "part refunded")); /* the cashier's word */
	free(text);
	char *csv = report_journal_csv(&j);
	assert_non_null(strstr(csv, "1000.00"));
	assert_non_null(strstr(csv, "250.00"));
	assert_non_null(strstr(csv, ",expired,70.00,0.00,pay_"));
	free(csv);
	char *json = report_journal_json(&j);
	cJSON *o = cJSON_Parse(json);
	assert_non_null(o);
	const cJSON *orders = cJSON_GetObjectItem(o, "orders");
	assert_int_equal(cJSON_GetArraySize(orders), 2);
	const cJSON *first = cJSON_GetArrayItem(orders, 0);
	assert_int_equal(json_int(first, "amount"), 100000);
	assert_int_equal(json_int(first, "refunded_amount"), 25000);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(first, "lines")), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(first, "lines"), 0),
	                                        "name")->valuestring, "Чай, \"зелёный\"");
	assert_int_equal(json_int(cJSON_GetArrayItem(cJSON_GetObjectItem(first, "refunds"), 0), "amount"),
	                 25000);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(orders, 1), "payment_id")) ||
	            cJSON_IsString(cJSON_GetObjectItem(cJSON_GetArrayItem(orders, 1), "payment_id")));
	cJSON_Delete(o);
	free(json);
	report_journal_free(&j);

	enum journal_state s = JOURNAL_EXPIRED;
	assert_int_equal(reports_journal(f->db, 20261126, 20261127, &s, false, &j, &err), STORE_OK);
	assert_int_equal(j.n_orders, 1);
	assert_int_equal(j.orders[0].id, b);
	report_journal_free(&j);
	/* without details: the counts, no arrays */
	assert_int_equal(reports_journal(f->db, 20261126, 20261126, NULL, false, &j, &err), STORE_OK);
	assert_int_equal(j.orders[0].n_lines, 2);
	assert_int_equal(j.orders[0].n_refunds, 1);
	assert_null(j.orders[0].lines);
	assert_null(j.orders[0].refunds);
	csv = report_journal_csv(&j);
	assert_non_null(strstr(csv, ",2,1\r\n"));
	free(csv);
	report_journal_free(&j);
	assert_int_equal(reports_journal(f->db, 20261126, 20261127, NULL, false, &j, &err), STORE_OK);
	assert_int_equal(j.n_orders, 3);
	report_journal_free(&j);
	assert_int_equal(reports_journal(f->db, 20261127, 20261126, NULL, false, &j, &err), STORE_ERR_INPUT);
}

/* A weighed line in the listing: its weight × price per kg under the
 * order in the text, its weight in the lines' CSV, its grams in JSON. */
static void the_journal_shows_a_weighed_lines_weight(void **state)
{
	struct fixture *f = *state;
	struct report_journal j;
	store_err err;
	struct journal_line lines[2] = {
		{.quantity = 1, .unit_price = 150150, .tax_rate = 16, .total = 150150, .unit = "кг",
		 .weight = 350, .price_per_unit = 429000},
		line("Молоко", 2, 54990, 10, 0, false),
	};
	snprintf(lines[0].name, sizeof lines[0].name, "Сыр Российский");
	snprintf(lines[1].unit, sizeof lines[1].unit, "шт");
	reach(f, create_order(f, f->cashier, JOURNAL_QR, lines, 2, 0), JOURNAL_SUCCEEDED);

	assert_int_equal(reports_journal(f->db, 20261126, 20261126, NULL, true, &j, &err), STORE_OK);
	assert_int_equal(j.orders[0].lines[0].weight, 350);
	assert_int_equal(j.orders[0].lines[0].price_per_unit, 429000);
	char *text = report_journal_text(&j, NULL);
	assert_non_null(strstr(text, "    1  Сыр Российский  0,350 kg × 4 290,00 ₸/kg  1 501,50\n"));
	assert_non_null(strstr(text, "    2  Молоко  2 × 549,90  1 099,80\n"));
	free(text);
	char *csv = report_journal_lines_csv(&j);
	assert_non_null(strstr(csv, ",succeeded,1,,,Сыр Российский,кг,1,0.350,4290.00,1501.50,16,0.00,1501.50,0\r\n"));
	assert_non_null(strstr(csv, ",succeeded,2,,,Молоко,шт,2,,,549.90,10,0.00,1099.80,0\r\n"));
	free(csv);
	char *json = report_journal_json(&j);
	cJSON *o = cJSON_Parse(json);
	const cJSON *ls = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "orders"), 0), "lines");
	assert_int_equal(json_int(cJSON_GetArrayItem(ls, 0), "weight_g"), 350);
	assert_int_equal(json_int(cJSON_GetArrayItem(ls, 0), "price_per_unit"), 429000);
	assert_int_equal(json_int(cJSON_GetArrayItem(ls, 0), "total"), 150150);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(ls, 1), "weight_g")));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(ls, 0), "unit")->valuestring, "кг");
	cJSON_Delete(o);
	free(json);
	report_journal_free(&j);
}

static void dates_parse_and_almaty_days_start_at_19_utc(void **state)
{
	(void)state;
	int d;
	assert_true(report_parse_date("2026-11-26", &d));
	assert_int_equal(d, 20261126);
	assert_true(report_parse_date("2028-02-29", &d));
	assert_false(report_parse_date("2027-02-29", &d));
	assert_false(report_parse_date("2026-13-01", &d));
	assert_false(report_parse_date("2026-1-01", &d));
	assert_false(report_parse_date("2026-11-26x", &d));
	assert_int_equal(report_day_start(20261126), NOON_20261126 - 12 * 3600);
	assert_int_equal(kp_almaty_yyyymmdd(report_day_start(20261126)), 20261126);
	assert_int_equal(kp_almaty_yyyymmdd(report_day_start(20261126) - 1), 20261125);
}

/* The running totals follow every insert and move, and a file whose
 * orders were written before them (schema 3) gets them filled in. */
static void the_running_totals_agree_and_are_filled_in_on_migration(void **state)
{
	struct fixture *f = *state;
	store_err err;
	rng_state = 3;
	generate(f, 150);
	assert_int_equal(reports_verify(f->db, 0, &err), STORE_OK);
	struct report before = x_ok(f);
	char *before_json = report_json(&before);

	/* tamper: the check notices */
	exec_ok(f->db, "UPDATE report_orders SET amount = amount + 1 WHERE (shift_id, day, user_id,"
	               " method, state) = (SELECT shift_id, day, user_id, method, state"
	               " FROM report_orders LIMIT 1)");
	assert_int_equal(reports_verify(f->db, 0, &err), STORE_ERR_INTERNAL);
	exec_ok(f->db, "UPDATE report_orders SET amount = amount - 1 WHERE (shift_id, day, user_id,"
	               " method, state) = (SELECT shift_id, day, user_id, method, state"
	               " FROM report_orders LIMIT 1)");
	exec_ok(f->db, "UPDATE report_refund_lines SET amount = amount + 1 WHERE (shift_id, day, state,"
	               " tax_rate) = (SELECT shift_id, day, state, tax_rate FROM report_refund_lines"
	               " LIMIT 1)");
	assert_int_equal(reports_verify(f->db, 0, &err), STORE_ERR_INTERNAL);
	assert_non_null(strstr(kp_msg_text(&err.msg), "report_refund_lines"));
	exec_ok(f->db, "UPDATE report_refund_lines SET amount = amount - 1 WHERE (shift_id, day, state,"
	               " tax_rate) = (SELECT shift_id, day, state, tax_rate FROM report_refund_lines"
	               " LIMIT 1)");
	assert_int_equal(reports_verify(f->db, 0, &err), STORE_OK);

	/* back to schema 3: without the report tables, as an older till left it */
	assert_int_equal(db_schema_latest(), 16);
	exec_ok(f->db, "DROP TRIGGER report_refund_tender_new;" /* step 12's, on its own table */
	               " DROP TRIGGER outbox_order_lines_insert;" /* step 15's: names its columns */
	               " DROP TABLE cash_moves; ALTER TABLE order_lines DROP COLUMN name_kk;"
	               " DROP TRIGGER order_lines_weighed; ALTER TABLE order_lines DROP COLUMN unit;"
	               " ALTER TABLE order_lines DROP COLUMN weight;"
	               " ALTER TABLE order_lines DROP COLUMN price_per_unit;"
	               " DROP INDEX products_plu; ALTER TABLE products DROP COLUMN plu;"
	               " DROP TRIGGER report_order_new; DROP TRIGGER report_line_new;"
	               " DROP TRIGGER report_order_move; DROP TRIGGER shifts_closed_fixed;"
	               " DROP TRIGGER shifts_close_with_z; DROP TABLE z_reports;"
	               " DROP TABLE report_orders; DROP TABLE report_lines; DROP INDEX refunds_day;"
	               " DROP TRIGGER report_refund_line_new;"
	               " DROP TRIGGER report_refund_settle; DROP TABLE report_refunds;"
	               " DROP TABLE report_refund_lines; PRAGMA user_version = 3");
	db_close(f->db);
	time_t now = fake_now;
	f->db = open_ok(f);
	assert_int_equal(db_schema_version(f->db), db_schema_latest());
	assert_int_equal(reports_verify(f->db, 0, &err), STORE_OK);
	fake_now = now - 1; /* the same report time */
	struct report after = x_ok(f);
	after.generated_at = after.to = before.to;
	char *after_json = report_json(&after);
	assert_string_equal(after_json, before_json);
	free(before_json);
	free(after_json);
	report_free(&before);
	report_free(&after);
}

static void the_report_queries_use_indexes(void **state)
{
	struct fixture *f = *state;
	const char *queries[] = {
		"SELECT method, state, sum(orders) FROM report_orders WHERE shift_id = 1 GROUP BY 1, 2",
		"SELECT method, state, sum(orders) FROM report_orders WHERE day = 20261126 GROUP BY 1, 2",
		"SELECT state, tax_rate, sum(total) FROM report_lines WHERE shift_id = 1 GROUP BY 1, 2",
		"SELECT state, tax_rate, sum(total) FROM report_lines WHERE day = 20261126 GROUP BY 1, 2",
		"SELECT created_at FROM orders WHERE shift_id = 1 ORDER BY created_at LIMIT 1",
		"SELECT created_at FROM orders WHERE created_at >= 1 AND created_at <= 2"
		" ORDER BY created_at DESC LIMIT 1",
		"SELECT id FROM orders WHERE state IN (" JOURNAL_STATE_PARAMS_2 ") AND +shift_id = ?1",
		"SELECT method, sum(amount) FROM report_refunds WHERE shift_id = 1 AND state = 'refunded'"
		" GROUP BY method",
		"SELECT method, sum(amount) FROM report_refunds WHERE day = 20261126 AND state = 'refunded'"
		" GROUP BY method",
		"SELECT tax_rate, sum(amount) FROM report_refund_lines WHERE shift_id = 1"
		" AND state = 'refunded' GROUP BY tax_rate",
		"SELECT tax_rate, sum(amount) FROM report_refund_lines WHERE day = 20261126"
		" AND state = 'refunded' GROUP BY tax_rate",
		"SELECT f.id FROM refunds f WHERE f.state = 'refund_pending' AND +f.shift_id = 1",
		"SELECT id FROM orders WHERE created_at BETWEEN 1 AND 2 ORDER BY created_at, id",
	};
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		char sql[1024];
		sqlite3_stmt *st;
		bool scan = false, indexed = false;
		snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", queries[i]);
		assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), sql, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *detail = (const char *)sqlite3_column_text(st, 3);
			if (detail && strstr(detail, "USING"))
				indexed = true;
			if (detail && strncmp(detail, "SCAN", 4) == 0 && !strstr(detail, "USING"))
				scan = true;
		}
		sqlite3_finalize(st);
		if (!indexed || scan)
			fail_msg("not by an index: %s", queries[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(generated_sales_and_refunds_sum_to_the_journal_rows, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(vat_is_rounded_once_per_rate_group, setup, teardown),
		cmocka_unit_test_setup_teardown(refunds_reduce_the_net, setup, teardown),
		cmocka_unit_test_setup_teardown(voided_lines_of_a_basket_tried_twice_count_once, setup, teardown),
		cmocka_unit_test_setup_teardown(unfinished_orders_and_refunds_are_listed, setup, teardown),
		cmocka_unit_test_setup_teardown(a_z_report_closes_the_shift_and_numbers_in_sequence, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_z_snapshot_never_changes_and_reprints_as_it_was, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_z_after_a_crash_in_the_middle_of_a_refund_is_right, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(the_day_report_takes_one_almaty_day_over_every_shift, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_shift_open_over_24_hours_is_flagged, setup, teardown),
		cmocka_unit_test_setup_teardown(every_text_line_fits_32_42_and_48_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(the_csv_reads_back, setup, teardown),
		cmocka_unit_test_setup_teardown(the_json_reads_back, setup, teardown),
		cmocka_unit_test_setup_teardown(the_journal_listing_says_who_cancelled_and_keeps_kazakh_names,
		                                setup, teardown),
		cmocka_unit_test(the_sale_states_are_the_journal_tables),
		cmocka_unit_test_setup_teardown(the_journal_lists_a_day_with_lines_and_refunds, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(the_journal_shows_a_weighed_lines_weight, setup, teardown),
		cmocka_unit_test(dates_parse_and_almaty_days_start_at_19_utc),
		cmocka_unit_test_setup_teardown(the_running_totals_agree_and_are_filled_in_on_migration,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(the_report_queries_use_indexes, setup, teardown),
	};
	return cmocka_run_group_tests_name("reports", tests, NULL, NULL);
}
