/* test_cash.c — the cash in the drawer (store/cash.h) against a real
 * SQLite file: the opening float (zero by anybody, an amount by a
 * manager), its changes (a manager's), cash in and out with their
 * reasons, cash out never beyond the drawer; every refusal writes
 * nothing; the rows never change and a closed shift takes none (the
 * schema's triggers, for any writer); the expected cash against
 * independent SQL over generated sales (cash with change, card, split
 * sales with cash parts, some left pending or given up), movements and
 * floats, for shifts and for days; the Z report that needs the counted
 * cash and keeps it with the difference in its snapshot; a snapshot from
 * before the cash still reads; the report's cash lines within 32, 42 and
 * 48 columns, in CSV and JSON; the schema step runs again over itself;
 * the drawer's queries seek by an index. */
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

#include <cjson/cJSON.h>

#include "app/i18n.h"
#include "app/report_fmt.h"
#include "store/cash.h"
#include "store/db.h"
#include "store/journal.h"
#include "store/reports.h"
#include "store/shifts.h"

#define NOON_20261203 1796281200 /* 2026-12-03 12:00 Almaty (07:00 UTC) */
#define SALE_STATES "('succeeded', 'late_paid', 'partially_refunded', 'refunded')"

struct fixture {
	char dir[256];
	char path[300];
	store_db *db;
	int64_t shift_id;
	int64_t cashier, manager;
};

static time_t fake_now;

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

/* One integer from sql with ?1 bound to a. */
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

static int64_t rows(struct fixture *f)
{
	return query_int(f->db, "SELECT count(*) FROM cash_moves", 0);
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
	snprintf(f->dir, sizeof f->dir, "%s/kp-cash-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kaspi-pos.db", f->dir);
	fake_now = NOON_20261203;
	f->db = open_ok(f);
	f->cashier = add_user(f->db, "Айгерім", "cashier");
	f->manager = add_user(f->db, "Менеджер", "manager");
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

/* Records a movement that must be taken. */
static void move_ok(struct fixture *f, enum cash_kind kind, int64_t amount, const char *reason,
                    int64_t user, int64_t approver)
{
	struct cash_new m = {.kind = kind, .amount = amount, .reason = reason, .user_id = user,
	                     .approved_by = approver};
	store_err err;
	if (cash_record(f->db, f->shift_id, &m, NULL, NULL, &err) != STORE_OK)
		fail_msg("cash_record %s %lld: %s", cash_kind_name(kind), (long long)amount,
		         kp_msg_text(&err.msg));
}

/* A movement that must be refused by rule, writing nothing. */
static void move_refused(struct fixture *f, enum cash_kind kind, int64_t amount, const char *reason,
                         int64_t approver, enum cash_rule want)
{
	struct cash_new m = {.kind = kind, .amount = amount, .reason = reason, .user_id = f->cashier,
	                     .approved_by = approver};
	enum cash_rule rule = CASH_RULE_OK;
	store_err err;
	int64_t before = rows(f);
	assert_int_equal(cash_record(f->db, f->shift_id, &m, NULL, &rule, &err), STORE_ERR_INPUT);
	assert_int_equal(rule, want);
	assert_true(kp_msg_text(&err.msg)[0] != '\0');
	assert_int_equal(rows(f), before);
}

static struct cash_figures shift_figures(struct fixture *f)
{
	struct cash_figures c;
	store_err err;
	if (cash_figures_shift(f->db, f->shift_id, &c, &err) != STORE_OK)
		fail_msg("cash_figures_shift: %s", kp_msg_text(&err.msg));
	return c;
}

/* ---- movements and their rules ------------------------------------------ */

static void a_zero_float_is_anybodys_an_amount_a_managers(void **state)
{
	struct fixture *f = *state;
	struct cash_new m = {.kind = CASH_FLOAT, .amount = 0, .user_id = f->cashier};
	bool needs = true;
	store_err err;

	assert_false(shift_figures(f).float_set);
	assert_int_equal(cash_check(f->db, f->shift_id, &m, &needs, NULL, &err), STORE_OK);
	assert_false(needs);
	m.amount = 1000000;
	assert_int_equal(cash_check(f->db, f->shift_id, &m, &needs, NULL, &err), STORE_OK);
	assert_true(needs);
	/* a cashier's word alone does not set an amount, a cashier's approval neither */
	move_refused(f, CASH_FLOAT, 1000000, NULL, 0, CASH_RULE_MANAGER);
	move_refused(f, CASH_FLOAT, 1000000, NULL, f->cashier, CASH_RULE_MANAGER);
	move_ok(f, CASH_FLOAT, 1000000, NULL, f->cashier, f->manager);
	struct cash_figures c = shift_figures(f);
	assert_true(c.float_set);
	assert_int_equal(c.float_amount, 1000000);
	assert_int_equal(c.expected, 1000000);
	assert_true(cash_figures_any(&c));
	/* a change, even to zero, is a manager's; the float is the last one */
	m.amount = 0;
	assert_int_equal(cash_check(f->db, f->shift_id, &m, &needs, NULL, &err), STORE_OK);
	assert_true(needs);
	move_refused(f, CASH_FLOAT, 0, NULL, 0, CASH_RULE_MANAGER);
	move_ok(f, CASH_FLOAT, 1500000, "размен добавили", f->cashier, f->manager);
	assert_int_equal(shift_figures(f).float_amount, 1500000);
	assert_int_equal(shift_figures(f).expected, 1500000);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM events WHERE kind = 'cash_float'", 0), 2);
}

static void cash_in_and_out_need_a_reason_and_out_a_manager(void **state)
{
	struct fixture *f = *state;
	move_ok(f, CASH_FLOAT, 0, NULL, f->cashier, 0);
	move_ok(f, CASH_IN, 500000, "Размен из сейфа", f->cashier, 0);
	move_refused(f, CASH_OUT, 100000, "Инкассация", 0, CASH_RULE_MANAGER);
	move_refused(f, CASH_OUT, 100000, "Инкассация", f->cashier, CASH_RULE_MANAGER);
	bool needs = false;
	store_err err;
	struct cash_new out = {.kind = CASH_OUT, .amount = 100000, .reason = "Инкассация"};
	assert_int_equal(cash_check(f->db, f->shift_id, &out, &needs, NULL, &err), STORE_OK);
	assert_true(needs);
	move_ok(f, CASH_OUT, 100000, "Инкассация", f->cashier, f->manager);
	struct cash_figures c = shift_figures(f);
	assert_int_equal(c.in.count, 1);
	assert_int_equal(c.in.amount, 500000);
	assert_int_equal(c.out.count, 1);
	assert_int_equal(c.out.amount, 100000);
	assert_int_equal(c.expected, 400000);

	struct cash_move *list;
	size_t n;
	assert_int_equal(cash_moves(f->db, f->shift_id, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[1].kind, CASH_IN);
	assert_string_equal(list[1].reason, "Размен из сейфа");
	assert_int_equal(list[1].user_id, f->cashier);
	assert_int_equal(list[1].approved_by, 0);
	assert_int_equal(list[2].kind, CASH_OUT);
	assert_int_equal(list[2].approved_by, f->manager);
	assert_int_equal(list[2].at, NOON_20261203);
	free(list);
}

static void every_bad_movement_is_refused_and_writes_nothing(void **state)
{
	struct fixture *f = *state;
	char long_reason[CASH_REASON_CHARS + 2];
	memset(long_reason, 'x', sizeof long_reason - 1);
	long_reason[sizeof long_reason - 1] = '\0';

	move_ok(f, CASH_IN, 1000000, "размен", f->cashier, 0);
	int64_t before = rows(f);
	move_refused(f, CASH_IN, 0, "размен", 0, CASH_RULE_AMOUNT);
	move_refused(f, CASH_IN, -100, "размен", 0, CASH_RULE_AMOUNT);
	move_refused(f, CASH_IN, CASH_AMOUNT_MAX + 1, "размен", 0, CASH_RULE_AMOUNT);
	move_refused(f, CASH_OUT, 0, "выдача", f->manager, CASH_RULE_AMOUNT);
	move_refused(f, CASH_FLOAT, -1, NULL, f->manager, CASH_RULE_AMOUNT);
	move_refused(f, CASH_FLOAT, CASH_AMOUNT_MAX + 1, NULL, f->manager, CASH_RULE_AMOUNT);
	move_refused(f, CASH_IN, 100, NULL, 0, CASH_RULE_REASON);
	move_refused(f, CASH_IN, 100, "", 0, CASH_RULE_REASON);
	move_refused(f, CASH_IN, 100, "две\nстроки", 0, CASH_RULE_REASON);
	move_refused(f, CASH_OUT, 100, long_reason, f->manager, CASH_RULE_REASON);
	move_refused(f, CASH_FLOAT, 100, "две\nстроки", f->manager, CASH_RULE_REASON);
	move_refused(f, (enum cash_kind)7, 100, "x", f->manager, CASH_RULE_KIND);
	/* never more out than the drawer should hold: 10 000,00 */
	move_refused(f, CASH_OUT, 1000001, "выдача", f->manager, CASH_RULE_DRAWER);
	move_ok(f, CASH_OUT, 1000000, "выдача", f->cashier, f->manager);
	move_refused(f, CASH_OUT, 1, "выдача", f->manager, CASH_RULE_DRAWER);
	/* the longest reason is taken, in Cyrillic too (255 characters, 510 bytes) */
	char cyr[CASH_REASON_SIZE] = "";
	for (int i = 0; i < CASH_REASON_CHARS; i++)
		strcat(cyr, "ж");
	move_ok(f, CASH_IN, 1, cyr, f->cashier, 0);
	assert_int_equal(rows(f), before + 2);
	/* another shift than the open one */
	struct cash_new m = {.kind = CASH_IN, .amount = 100, .reason = "x"};
	enum cash_rule rule;
	store_err err;
	assert_int_equal(cash_record(f->db, f->shift_id + 1, &m, NULL, &rule, &err), STORE_ERR_INPUT);
	assert_int_equal(rule, CASH_RULE_SHIFT);
	assert_int_equal(cash_figures_shift(f->db, 0, &(struct cash_figures){0}, &err), STORE_ERR_INPUT);
}

/* What cash.c enforces, the schema enforces for any other writer. */
static void the_schema_keeps_the_rows_and_the_rules(void **state)
{
	struct fixture *f = *state;
	char sql[512];
	move_ok(f, CASH_FLOAT, 200000, NULL, f->manager, f->manager);
	move_ok(f, CASH_IN, 100000, "размен", f->cashier, 0);
	assert_true(exec_refused(f->db, "UPDATE cash_moves SET amount = 1"));
	assert_true(exec_refused(f->db, "UPDATE cash_moves SET reason = 'другое'"));
	assert_true(exec_refused(f->db, "DELETE FROM cash_moves"));
#define RAW "INSERT INTO cash_moves(shift_id, day, kind, amount, reason, user_id, approved_by, at) VALUES "
	snprintf(sql, sizeof sql, RAW "(%lld, 20261203, 'out', 100, 'x', %lld, NULL, 0)",
	         (long long)f->shift_id, (long long)f->cashier);
	assert_true(exec_refused(f->db, sql)); /* out without a manager */
	snprintf(sql, sizeof sql, RAW "(%lld, 20261203, 'out', 100, 'x', %lld, %lld, 0)",
	         (long long)f->shift_id, (long long)f->cashier, (long long)f->cashier);
	assert_true(exec_refused(f->db, sql)); /* a cashier's approval */
	snprintf(sql, sizeof sql, RAW "(%lld, 20261203, 'float', 0, '', %lld, NULL, 0)",
	         (long long)f->shift_id, (long long)f->cashier);
	assert_true(exec_refused(f->db, sql)); /* a change of the float without a manager */
	snprintf(sql, sizeof sql, RAW "(%lld, 20261203, 'in', 0, 'x', NULL, NULL, 0)", (long long)f->shift_id);
	assert_true(exec_refused(f->db, sql)); /* nothing moved */
	snprintf(sql, sizeof sql, RAW "(%lld, 20261203, 'in', 100, '', NULL, NULL, 0)", (long long)f->shift_id);
	assert_true(exec_refused(f->db, sql)); /* no reason */
	snprintf(sql, sizeof sql, RAW "(%lld, 20261203, 'loan', 100, 'x', NULL, NULL, 0)", (long long)f->shift_id);
	assert_true(exec_refused(f->db, sql));
	snprintf(sql, sizeof sql, RAW "(%lld, 20261203, 'in', 100, 'x', NULL, NULL, 0)", (long long)f->shift_id);
	exec_ok(f->db, sql); /* a headless cash in */
	assert_int_equal(rows(f), 3);

	/* a closed shift takes no movement, not even by hand */
	int64_t counted = shift_figures(f).expected;
	struct report_params p = {.till_id = "T01"};
	struct report z;
	store_err err;
	assert_int_equal(report_z_close(f->db, &p, f->manager, &counted, &z, &err), STORE_OK);
	report_free(&z);
	assert_true(exec_refused(f->db, sql));
	struct cash_new m = {.kind = CASH_IN, .amount = 100, .reason = "x"};
	enum cash_rule rule;
	assert_int_equal(cash_record(f->db, f->shift_id, &m, NULL, &rule, &err), STORE_ERR_INPUT);
	assert_int_equal(rule, CASH_RULE_SHIFT);
	assert_int_equal(rows(f), 3);
#undef RAW
}

/* ---- the formula against SQL ------------------------------------------ */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33) % n;
}

static bool part_body(void *arg, const char *moid, const char **out, size_t *len)
{
	static char buf[128];
	(void)arg;
	*len = (size_t)snprintf(buf, sizeof buf, "{\"merchant_order_id\":\"%s\"}", moid);
	*out = buf;
	return true;
}

static struct journal_line line_of(int64_t total)
{
	struct journal_line l = {.quantity = 1, .unit_price = total, .tax_rate = 12, .total = total};
	snprintf(l.name, sizeof l.name, "Нан");
	return l;
}

/* A paid Kaspi part of split sale id. */
static void kaspi_part(struct fixture *f, int64_t id, int64_t amount, bool paid)
{
	struct journal_new k = {.till_id = "T01", .shift_id = f->shift_id, .method = JOURNAL_QR,
	                        .amount = amount, .build_body = part_body, .part_of = id};
	int64_t part;
	store_err err;
	if (journal_create(f->db, &k, NULL, 0, &part, NULL, &err) != STORE_OK)
		fail_msg("journal_create: %s", kp_msg_text(&err.msg));
	char pay[32];
	snprintf(pay, sizeof pay, "pay_%lld", (long long)part);
	struct journal_payment p = {.payment_id = pay};
	if (journal_move_with_payment(f->db, part, JOURNAL_CREATING,
	                              paid ? JOURNAL_SUCCEEDED : JOURNAL_PENDING, &p, 0, NULL,
	                              &err) != STORE_OK)
		fail_msg("a part: %s", kp_msg_text(&err.msg));
}

/* One sale of a random kind: cash with or without change, card, or split
 * (a Kaspi part, then cash with change or card; some left pending, some
 * given up: no cash of theirs is in the drawer). */
static void a_sale(struct fixture *f)
{
	int64_t amount = 100 + rnd(2000000);
	struct journal_line l = line_of(amount);
	struct journal_new n = {.till_id = "T01", .shift_id = f->shift_id, .user_id = f->cashier,
	                        .amount = amount};
	store_err err;
	int64_t id;
	uint32_t kind = rnd(4);
	if (kind < 2 || amount < 200) {
		n.method = kind == 1 ? JOURNAL_CARD : JOURNAL_CASH;
		struct journal_tender t = {.kind = n.method, .amount = amount};
		if (n.method == JOURNAL_CASH) {
			t.change = rnd(2) ? rnd(500000) : 0;
			t.given = amount + t.change;
		}
		if (journal_record_sale(f->db, &n, &l, 1, &t, NULL, NULL, &err) != STORE_OK)
			fail_msg("journal_record_sale: %s", kp_msg_text(&err.msg));
		return;
	}
	if (kind == 2) {
		n.method = JOURNAL_QR;
		n.build_body = part_body;
		if (journal_create(f->db, &n, &l, 1, NULL, NULL, &err) != STORE_OK)
			fail_msg("journal_create: %s", kp_msg_text(&err.msg));
		return; /* a Kaspi sale still creating: no cash */
	}
	n.method = JOURNAL_SPLIT;
	if (journal_open_split(f->db, &n, &l, 1, &id, NULL, &err) != STORE_OK)
		fail_msg("journal_open_split: %s", kp_msg_text(&err.msg));
	int64_t kaspi = 1 + rnd((uint32_t)(amount - 1));
	uint32_t end = rnd(5);
	kaspi_part(f, id, kaspi, end != 0);
	if (end == 0)
		return; /* its Kaspi part still waits: the cash part is not taken */
	if (end == 1) { /* given up with its part paid */
		assert_int_equal(journal_move(f->db, id, JOURNAL_PENDING, JOURNAL_ABANDONED, 0, NULL, &err),
		                 STORE_OK);
		return;
	}
	struct journal_tender rest = {.kind = end == 2 ? JOURNAL_CARD : JOURNAL_CASH,
	                              .amount = amount - kaspi};
	if (rest.kind == JOURNAL_CASH) {
		rest.change = rnd(3) ? rnd(100000) : 0;
		rest.given = rest.amount + rest.change;
	}
	if (journal_complete_split(f->db, id, &rest, 1, f->cashier, &err) != STORE_OK)
		fail_msg("journal_complete_split: %s", kp_msg_text(&err.msg));
}

/* A movement of a random kind that the rules take. */
static void a_movement(struct fixture *f)
{
	switch (rnd(4)) {
	case 0:
		move_ok(f, CASH_FLOAT, rnd(5000000), NULL, f->cashier, f->manager);
		break;
	case 1: {
		int64_t held = shift_figures(f).expected;
		if (held > 0)
			move_ok(f, CASH_OUT, 1 + rnd((uint32_t)(held < 4000000 ? held : 4000000)), "инкассация",
			        f->cashier, f->manager);
		break;
	}
	default:
		move_ok(f, CASH_IN, 1 + rnd(3000000), "размен", rnd(2) ? f->cashier : 0, 0);
		break;
	}
}

/* The expected cash of shift, computed here by SQL over the journal's
 * rows without cash.c's queries. */
static int64_t expected_by_sql(struct fixture *f, int64_t shift)
{
	int64_t fl = query_int(f->db, "SELECT coalesce((SELECT amount FROM cash_moves WHERE shift_id = ?1"
	                              " AND kind = 'float' ORDER BY at DESC, id DESC LIMIT 1), 0)", shift);
	int64_t sales = query_int(f->db, "SELECT total(t.given - t.change) FROM tenders t JOIN orders o"
	                                 " ON o.id = t.order_id WHERE t.kind = 'cash' AND o.shift_id = ?1"
	                                 " AND o.state IN " SALE_STATES, shift);
	assert_int_equal(sales, query_int(f->db, "SELECT total(t.amount) FROM tenders t JOIN orders o"
	                                         " ON o.id = t.order_id WHERE t.kind = 'cash'"
	                                         " AND o.shift_id = ?1 AND o.state IN " SALE_STATES,
	                                  shift));
	int64_t in = query_int(f->db, "SELECT total(amount) FROM cash_moves WHERE shift_id = ?1"
	                              " AND kind = 'in'", shift);
	int64_t out = query_int(f->db, "SELECT total(amount) FROM cash_moves WHERE shift_id = ?1"
	                               " AND kind = 'out'", shift);
	return fl + sales + in - out;
}

static void the_expected_cash_agrees_with_sql_over_generated_shifts(void **state)
{
	struct fixture *f = *state;
	rng_state = 20261203;
	for (int shift = 0; shift < 3; shift++) {
		if (shift > 0) {
			int64_t counted = shift_figures(f).expected - 5000; /* 50,00 short */
			struct report_params p = {.till_id = "T01"};
			struct report z;
			store_err err;
			struct shift sh;
			if (report_z_close(f->db, &p, f->manager, &counted, &z, &err) != STORE_OK)
				fail_msg("report_z_close: %s", kp_msg_text(&err.msg));
			assert_int_equal(z.difference, -5000);
			assert_int_equal(z.counted, counted);
			report_free(&z);
			assert_int_equal(shifts_ensure_open(f->db, f->cashier, &sh, NULL, &err), STORE_OK);
			f->shift_id = sh.id;
		}
		if (shift != 1) /* the second shift gets no opening float */
			move_ok(f, CASH_FLOAT, rnd(3) ? 1000000 : 0, NULL, f->cashier, f->manager);
		for (int i = 0; i < 150; i++) {
			fake_now += 1 + rnd(60);
			if (rnd(8) == 0)
				a_movement(f);
			else
				a_sale(f);
			if (i % 50 == 49) {
				struct cash_figures c = shift_figures(f);
				assert_int_equal(c.expected, expected_by_sql(f, f->shift_id));
			}
		}
		struct cash_figures c = shift_figures(f);
		int64_t sid = f->shift_id;
		assert_int_equal(c.expected, expected_by_sql(f, sid));
		assert_int_equal(c.expected, c.float_amount + c.sales.amount + c.in.amount - c.out.amount);
		assert_int_equal(c.refunds.count, 0);
		assert_int_equal(c.sales.count,
		                 query_int(f->db, "SELECT count(DISTINCT o.id) FROM orders o JOIN tenders t"
		                                  " ON t.order_id = o.id WHERE t.kind = 'cash'"
		                                  " AND o.shift_id = ?1 AND o.state IN " SALE_STATES, sid));
		assert_int_equal(c.in.count, query_int(f->db, "SELECT count(*) FROM cash_moves"
		                                              " WHERE shift_id = ?1 AND kind = 'in'", sid));
		assert_int_equal(c.out.count, query_int(f->db, "SELECT count(*) FROM cash_moves"
		                                               " WHERE shift_id = ?1 AND kind = 'out'", sid));
		assert_int_equal(c.float_set, query_int(f->db, "SELECT count(*) > 0 FROM cash_moves"
		                                               " WHERE shift_id = ?1 AND kind = 'float'", sid));
		assert_true(c.sales.count > 10);
		/* the X report carries the same figures */
		struct report_params p = {.till_id = "T01"};
		struct report x;
		store_err err;
		assert_int_equal(reports_x(f->db, &p, &x, &err), STORE_OK);
		assert_true(x.cash_known);
		assert_memory_equal(&x.cash, &c, sizeof c);
		assert_int_equal(x.cash.sales.amount, x.sales[REPORT_CASH].amount);
		assert_false(x.counted_set);
		report_free(&x);
	}
	/* every Z kept its count: 50,00 short */
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM z_reports"
	                                  " WHERE json_extract(snapshot, '$.cash.difference') = -5000"
	                                  " AND json_extract(snapshot, '$.cash.counted')"
	                                  " = json_extract(snapshot, '$.cash.expected') - 5000", 0),
	                 2);
}

/* A day: the floats of the shifts opened that day, the day's sales and
 * movements, across a shift that runs over Almaty midnight. */
static void the_day_takes_its_floats_sales_and_movements(void **state)
{
	struct fixture *f = *state;
	struct cash_figures d;
	store_err err;
	struct journal_line l = line_of(30000);
	struct journal_new n = {.till_id = "T01", .shift_id = f->shift_id, .method = JOURNAL_CASH,
	                        .amount = 30000};
	struct journal_tender t = {.kind = JOURNAL_CASH, .amount = 30000, .given = 50000, .change = 20000};

	/* shift 1, 2026-12-03: float 5 000, a sale, cash in 1 000; the float changed to 6 000 */
	move_ok(f, CASH_FLOAT, 500000, NULL, f->cashier, f->manager);
	assert_int_equal(journal_record_sale(f->db, &n, &l, 1, &t, NULL, NULL, &err), STORE_OK);
	move_ok(f, CASH_IN, 100000, "размен", f->cashier, 0);
	move_ok(f, CASH_FLOAT, 600000, NULL, f->cashier, f->manager);
	int64_t counted = 730000;
	struct report_params p = {.till_id = "T01"};
	struct report z;
	assert_int_equal(report_z_close(f->db, &p, f->manager, &counted, &z, &err), STORE_OK);
	assert_int_equal(z.cash.expected, 730000);
	assert_int_equal(z.difference, 0);
	report_free(&z);
	/* shift 2 from 23:50: float 2 000, a sale before midnight, cash out after */
	fake_now = NOON_20261203 + 12 * 3600 - 600;
	struct shift sh;
	assert_int_equal(shifts_ensure_open(f->db, f->cashier, &sh, NULL, &err), STORE_OK);
	f->shift_id = n.shift_id = sh.id;
	move_ok(f, CASH_FLOAT, 200000, NULL, f->manager, f->manager);
	assert_int_equal(journal_record_sale(f->db, &n, &l, 1, &t, NULL, NULL, &err), STORE_OK);
	fake_now = NOON_20261203 + 12 * 3600 + 600;
	move_ok(f, CASH_OUT, 40000, "выдача", f->cashier, f->manager);
	assert_int_equal(journal_record_sale(f->db, &n, &l, 1, &t, NULL, NULL, &err), STORE_OK);

	assert_int_equal(cash_figures_day(f->db, 20261203, &d, &err), STORE_OK);
	assert_true(d.float_set);
	assert_int_equal(d.float_amount, 600000 + 200000);
	assert_int_equal(d.sales.count, 2);
	assert_int_equal(d.sales.amount, 60000);
	assert_int_equal(d.in.amount, 100000);
	assert_int_equal(d.out.count, 0);
	assert_int_equal(d.expected, 800000 + 60000 + 100000);
	assert_int_equal(cash_figures_day(f->db, 20261204, &d, &err), STORE_OK);
	assert_false(d.float_set);
	assert_int_equal(d.float_amount, 0);
	assert_int_equal(d.sales.amount, 30000);
	assert_int_equal(d.out.amount, 40000);
	assert_int_equal(d.expected, 30000 - 40000);
	/* the day report carries them */
	struct report day;
	assert_int_equal(reports_day(f->db, &p, 20261203, &day, &err), STORE_OK);
	assert_true(day.cash_known);
	assert_int_equal(day.cash.expected, 960000);
	report_free(&day);
}

/* ---- the Z report and its snapshot ------------------------------------ */

static const char *tr_none(const char *msgid)
{
	return msgid;
}

/* Columns of a UTF-8 line (a code point each). */
static size_t columns(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static void every_line_fits(const char *text, int width)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (columns(p, len) > (size_t)width)
			fail_msg("wider than %d: \"%.*s\"", width, (int)len, p);
		p += len + (nl != NULL);
	}
}

static void a_z_of_a_shift_with_cash_needs_the_count_and_keeps_it(void **state)
{
	struct fixture *f = *state;
	struct report_params p = {.store_name = "Дүкен «Береке»", .till_id = "T01"};
	struct report z, again;
	store_err err;
	struct journal_line l = line_of(212900);
	struct journal_new n = {.till_id = "T01", .shift_id = f->shift_id, .method = JOURNAL_CASH,
	                        .amount = 212900};
	struct journal_tender t = {.kind = JOURNAL_CASH, .amount = 212900, .given = 500000,
	                           .change = 287100};
	move_ok(f, CASH_FLOAT, 1000000, NULL, f->cashier, f->manager);
	assert_int_equal(journal_record_sale(f->db, &n, &l, 1, &t, NULL, NULL, &err), STORE_OK);
	move_ok(f, CASH_IN, 200000, "размен", f->cashier, 0);
	move_ok(f, CASH_OUT, 100000, "инкассация", f->cashier, f->manager);
	/* expected 10 000 + 2 129 + 2 000 − 1 000 = 13 129,00 */

	assert_int_equal(report_z_close(f->db, &p, f->manager, NULL, &z, &err), STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "count"));
	int64_t bad = -1;
	assert_int_equal(report_z_close(f->db, &p, f->manager, &bad, &z, &err), STORE_ERR_INPUT);
	bad = CASH_AMOUNT_MAX + 1;
	assert_int_equal(report_z_close(f->db, &p, f->manager, &bad, &z, &err), STORE_ERR_INPUT);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM z_reports", 0), 0);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM shifts WHERE closed_at IS NULL", 0), 1);

	int64_t counted = 1300000; /* 129,00 short */
	assert_int_equal(report_z_close(f->db, &p, f->manager, &counted, &z, &err), STORE_OK);
	assert_int_equal(z.cash.float_amount, 1000000);
	assert_int_equal(z.cash.sales.amount, 212900);
	assert_int_equal(z.cash.expected, 1312900);
	assert_true(z.counted_set);
	assert_int_equal(z.counted, 1300000);
	assert_int_equal(z.difference, -12900);
	for (int w = 32; w <= 48; w += w == 32 ? 10 : 6) {
		char *text = report_text(&z, w, tr_none);
		every_line_fits(text, w);
		assert_non_null(strstr(text, "CASH IN THE DRAWER"));
		assert_non_null(strstr(text, "13 129,00"));
		assert_non_null(strstr(text, "13 000,00"));
		assert_non_null(strstr(text, "-129,00"));
		assert_non_null(strstr(text, "Short"));
		free(text);
	}
	char *csv = report_csv(&z);
	assert_non_null(strstr(csv, "cash,amount,expected,13129.00\r\n"));
	assert_non_null(strstr(csv, "cash,amount,counted,13000.00\r\n"));
	assert_non_null(strstr(csv, "cash,amount,difference,-129.00\r\n"));
	assert_non_null(strstr(csv, "cash,count,sales,1\r\n"));
	free(csv);
	/* stored, and read back as it was */
	char *json = NULL;
	assert_int_equal(report_z_load(f->db, 1, &again, &json, &err), STORE_OK);
	cJSON *o = cJSON_Parse(json);
	const cJSON *cash = cJSON_GetObjectItem(o, "cash");
	assert_int_equal((int64_t)cJSON_GetObjectItem(cash, "float")->valuedouble, 1000000);
	assert_int_equal((int64_t)cJSON_GetObjectItem(cash, "expected")->valuedouble, 1312900);
	assert_int_equal((int64_t)cJSON_GetObjectItem(cash, "counted")->valuedouble, 1300000);
	assert_int_equal((int64_t)cJSON_GetObjectItem(cash, "difference")->valuedouble, -12900);
	assert_int_equal((int64_t)cJSON_GetObjectItem(cJSON_GetObjectItem(cash, "in"), "amount")->valuedouble,
	                 200000);
	cJSON_Delete(o);
	assert_true(again.counted_set);
	assert_int_equal(again.difference, -12900);
	assert_memory_equal(&again.cash, &z.cash, sizeof z.cash);
	char *a = report_text(&z, 42, tr_none), *b = report_text(&again, 42, tr_none);
	assert_string_equal(a, b);
	free(a);
	free(b);
	a = report_json(&again);
	assert_string_equal(a, json);
	free(a);
	free(json);
	report_free(&again);
	report_free(&z);

	/* a shift without any cash closes without a count; an X shows the
	 * cash figures without one; a zero float is no cash */
	struct shift sh;
	assert_int_equal(shifts_ensure_open(f->db, f->cashier, &sh, NULL, &err), STORE_OK);
	f->shift_id = sh.id;
	move_ok(f, CASH_FLOAT, 0, NULL, f->cashier, 0);
	struct report x;
	assert_int_equal(reports_x(f->db, &p, &x, &err), STORE_OK);
	char *text = report_text(&x, 32, tr_none);
	assert_non_null(strstr(text, "Expected"));
	assert_null(strstr(text, "Counted"));
	free(text);
	report_free(&x);
	assert_int_equal(report_z_close(f->db, &p, f->manager, NULL, &z, &err), STORE_OK);
	assert_false(z.counted_set);
	report_free(&z);
	assert_int_equal(report_z_load(f->db, 2, &again, NULL, &err), STORE_OK);
	assert_true(again.cash_known);
	assert_false(again.counted_set);
	report_free(&again);
}

/* A Z report stored before the till kept the cash has no "cash": it
 * still reads, and prints without the drawer. */
static void a_snapshot_from_before_the_cash_still_reads(void **state)
{
	struct fixture *f = *state;
	struct report_params p = {.till_id = "T01"};
	struct report z, old;
	store_err err;
	assert_int_equal(report_z_close(f->db, &p, f->manager, NULL, &z, &err), STORE_OK);
	char *json = report_json(&z);
	cJSON *o = cJSON_Parse(json);
	cJSON_DeleteItemFromObject(o, "cash");
	char *before = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	char why[128];
	assert_true(report_from_json(before, &old, why, sizeof why));
	assert_false(old.cash_known);
	assert_false(old.counted_set);
	char *text = report_text(&old, 32, tr_none);
	assert_null(strstr(text, "CASH IN THE DRAWER"));
	free(text);
	char *csv = report_csv(&old);
	assert_null(strstr(csv, "\ncash,"));
	free(csv);
	char *again = report_json(&old);
	assert_string_equal(again, before);
	free(again);
	report_free(&old);
	/* a damaged "cash" is refused, not read as zeros */
	o = cJSON_Parse(json);
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(o, "cash"), "expected");
	char *broken = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	assert_false(report_from_json(broken, &old, why, sizeof why));
	assert_non_null(strstr(why, "expected"));
	free(broken);
	free(before);
	free(json);
	report_free(&z);
}

/* Taken back before the cash step by hand, the file is brought up again
 * and keeps its movements. */
static void the_cash_step_runs_again_over_itself(void **state)
{
	struct fixture *f = *state;
	move_ok(f, CASH_FLOAT, 300000, NULL, f->manager, f->manager);
	move_ok(f, CASH_IN, 100000, "размен", f->cashier, 0);
	char back[64];
	snprintf(back, sizeof back, "PRAGMA user_version = %d", db_schema_latest() - 1);
	exec_ok(f->db, back);
	db_close(f->db);
	f->db = open_ok(f);
	assert_int_equal(db_schema_version(f->db), db_schema_latest());
	assert_int_equal(rows(f), 2);
	assert_int_equal(shift_figures(f).expected, 400000);
	assert_true(exec_refused(f->db, "DELETE FROM cash_moves"));
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'cash_moves%'", 0),
	                 7); /* the table, its two indexes, its four triggers */
}

/* The drawer's queries (cash.c's, by their shape) seek by an index. */
static void the_drawer_queries_use_indexes(void **state)
{
	struct fixture *f = *state;
	const char *queries[] = {
		"SELECT count(*), sum(amount) FROM cash_moves WHERE shift_id = 1 AND kind = 'in'",
		"SELECT count(*), sum(amount) FROM cash_moves WHERE day = 20261203 AND kind = 'out'",
		"SELECT amount FROM cash_moves WHERE shift_id = 1 AND kind = 'float' ORDER BY id DESC LIMIT 1",
		"SELECT count(DISTINCT o.id), sum(t.amount) FROM orders o JOIN tenders t ON t.order_id = o.id"
		" WHERE o.method = 'split' AND o.shift_id = 1 AND o.state IN ('succeeded') AND t.kind = 'cash'",
		"SELECT sum(orders), sum(amount) FROM report_orders WHERE shift_id = 1 AND method = 'cash'",
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
	i18n_init("en");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_zero_float_is_anybodys_an_amount_a_managers, setup, teardown),
		cmocka_unit_test_setup_teardown(cash_in_and_out_need_a_reason_and_out_a_manager, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(every_bad_movement_is_refused_and_writes_nothing, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(the_schema_keeps_the_rows_and_the_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(the_expected_cash_agrees_with_sql_over_generated_shifts,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(the_day_takes_its_floats_sales_and_movements, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_z_of_a_shift_with_cash_needs_the_count_and_keeps_it,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(a_snapshot_from_before_the_cash_still_reads, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(the_cash_step_runs_again_over_itself, setup, teardown),
		cmocka_unit_test_setup_teardown(the_drawer_queries_use_indexes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
