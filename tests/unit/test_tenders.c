/* test_tenders.c — sales in any tender in the journal: cash and card
 * sales written final with their tender, split sales pending while their
 * Kaspi parts run (each an order of its own) and completed with their
 * cash and card parts only when everything adds up; parts stay out of the
 * sales' running totals; the tenders never change; schema 9 runs again
 * over itself and keeps every part's link. Real SQLite files. */
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
#include "store/reports.h"
#include "store/shifts.h"

struct fixture {
	char dir[256];
	char path[300];
	store_db *db;
	int64_t shift_id;
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

static int64_t query_int(store_db *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static bool exec_refused(store_db *db, const char *sql)
{
	return sqlite3_exec(db_sqlite(db), sql, NULL, NULL, NULL) != SQLITE_OK;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	store_err err;
	struct shift sh;
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "%s/kp-tenders-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kaspi-pos.db", f->dir);
	f->db = open_ok(f);
	assert_int_equal(shifts_ensure_open(f->db, 0, &sh, NULL, &err), STORE_OK);
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

static struct journal_line line_of(int64_t total)
{
	struct journal_line l = {.quantity = 1, .unit_price = total, .tax_rate = 16, .total = total};
	snprintf(l.name, sizeof l.name, "Хлеб");
	return l;
}

static struct journal_new sale_of(struct fixture *f, enum journal_method m, int64_t amount)
{
	return (struct journal_new){.till_id = "T01", .shift_id = f->shift_id, .method = m,
	                            .amount = amount};
}

static bool body(void *arg, const char *moid, const char **out, size_t *len)
{
	static char buf[128];
	(void)arg;
	*len = (size_t)snprintf(buf, sizeof buf, "{\"merchant_order_id\":\"%s\"}", moid);
	*out = buf;
	return true;
}

static int64_t sold(struct fixture *f, const char *method)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT coalesce(sum(amount), 0) FROM report_orders WHERE method = '%s'"
	         " AND state = 'succeeded'",
	         method);
	return query_int(f->db, sql);
}

static void a_cash_sale_is_final_with_its_change(void **state)
{
	struct fixture *f = *state;
	struct journal_line l = line_of(123450);
	struct journal_new n = sale_of(f, JOURNAL_CASH, 123450);
	struct journal_tender t = {.kind = JOURNAL_CASH, .amount = 123450, .given = 200000,
	                           .change = 76550};
	int64_t id;
	char moid[JOURNAL_ORDER_ID_SIZE];
	store_err err;
	assert_int_equal(journal_record_sale(f->db, &n, &l, 1, &t, &id, moid, &err), STORE_OK);
	assert_string_equal(moid, "T01-20261203-000001");
	struct journal_order o;
	assert_int_equal(journal_get(f->db, id, &o, &err), STORE_OK);
	assert_int_equal(o.state, JOURNAL_SUCCEEDED);
	assert_int_equal(o.method, JOURNAL_CASH);
	assert_string_equal(o.payment_id, "");
	assert_int_equal(o.body_len, 0);
	struct journal_tender *list;
	size_t count;
	assert_int_equal(journal_tenders(f->db, id, &list, &count, &err), STORE_OK);
	assert_int_equal(count, 1);
	assert_int_equal(list[0].part_no, 1);
	assert_int_equal(list[0].given, 200000);
	assert_int_equal(list[0].change, 76550);
	assert_int_equal(list[0].part_state, JOURNAL_SUCCEEDED);
	free(list);
	assert_int_equal(sold(f, "cash"), 123450);
	/* a cash sale never waits for the server */
	struct journal_order *open;
	assert_int_equal(journal_unfinished(f->db, &open, &count, &err), STORE_OK);
	assert_int_equal(count, 0);
	free(open);
	/* and a card one keeps its approval code */
	n = sale_of(f, JOURNAL_CARD, 5000);
	l = line_of(5000);
	struct journal_tender c = {.kind = JOURNAL_CARD, .amount = 5000, .approval = "A1B2C3"};
	assert_int_equal(journal_record_sale(f->db, &n, &l, 1, &c, &id, NULL, &err), STORE_OK);
	assert_int_equal(journal_tenders(f->db, id, &list, &count, &err), STORE_OK);
	assert_string_equal(list[0].approval, "A1B2C3");
	free(list);
	assert_int_equal(reports_verify(f->db, 0, &err), STORE_OK);
}

static void a_wrong_tender_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct journal_line l = line_of(1000);
	struct journal_new n = sale_of(f, JOURNAL_CASH, 1000);
	store_err err;
	struct journal_tender bad[] = {
		{.kind = JOURNAL_CASH, .amount = 1000, .given = 900, .change = 0},   /* short */
		{.kind = JOURNAL_CASH, .amount = 1000, .given = 1500, .change = 400}, /* change wrong */
		{.kind = JOURNAL_CASH, .amount = 900, .given = 900},                 /* not the amount */
		{.kind = JOURNAL_CARD, .amount = 1000},                              /* not the method */
		{.kind = JOURNAL_CASH, .amount = 1000, .given = 1000, .approval = "X"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(journal_record_sale(f->db, &n, &l, 1, &bad[i], NULL, NULL, &err),
		                 STORE_ERR_INPUT);
	struct journal_new q = sale_of(f, JOURNAL_QR, 1000);
	assert_int_equal(journal_record_sale(f->db, &q, &l, 1, &bad[0], NULL, NULL, &err),
	                 STORE_ERR_INPUT);
	/* a cash sale with a request body's callback, a Kaspi one without */
	struct journal_new kaspi = sale_of(f, JOURNAL_QR, 1000);
	assert_int_equal(journal_create(f->db, &kaspi, &l, 1, NULL, NULL, &err), STORE_ERR_INPUT);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM orders"), 0);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM tenders"), 0);
}

/* A split sale of 3 000,00: QR 1 000,00 then cash the rest from 5 000,00. */
static void a_split_sale_completes_when_its_parts_add_up(void **state)
{
	struct fixture *f = *state;
	struct journal_line l = line_of(300000);
	struct journal_new n = sale_of(f, JOURNAL_SPLIT, 300000);
	int64_t sale, part, part2;
	char moid[JOURNAL_ORDER_ID_SIZE];
	store_err err;
	assert_int_equal(journal_open_split(f->db, &n, &l, 1, &sale, moid, &err), STORE_OK);
	struct journal_order o;
	assert_int_equal(journal_get(f->db, sale, &o, &err), STORE_OK);
	assert_int_equal(o.state, JOURNAL_PENDING);

	/* a first try declined, a second paid */
	struct journal_new k = sale_of(f, JOURNAL_QR, 100000);
	k.build_body = body;
	k.part_of = sale;
	assert_int_equal(journal_create(f->db, &k, NULL, 0, &part, NULL, &err), STORE_OK);
	struct journal_tender cash = {.kind = JOURNAL_CASH, .amount = 200000, .given = 500000,
	                              .change = 300000};
	/* not while the Kaspi part is open */
	assert_int_equal(journal_complete_split(f->db, sale, &cash, 1, 0, &err), STORE_ERR_INPUT);
	assert_int_equal(journal_move(f->db, part, JOURNAL_CREATING, JOURNAL_FAILED, 0, NULL, &err),
	                 STORE_OK);
	assert_int_equal(journal_create(f->db, &k, NULL, 0, &part2, NULL, &err), STORE_OK);
	struct journal_payment pay = {.payment_id = "pay_1"};
	assert_int_equal(journal_move_with_payment(f->db, part2, JOURNAL_CREATING, JOURNAL_SUCCEEDED,
	                                           &pay, 0, NULL, &err),
	                 STORE_OK);
	assert_int_equal(journal_get(f->db, part2, &o, &err), STORE_OK);
	assert_int_equal(o.part_of, sale);
	int64_t paid;
	int open;
	assert_int_equal(journal_split_paid(f->db, sale, &paid, &open, &err), STORE_OK);
	assert_int_equal(paid, 100000);
	assert_int_equal(open, 0);

	/* parts that do not add up are refused, nothing written */
	struct journal_tender too_little = {.kind = JOURNAL_CARD, .amount = 150000};
	assert_int_equal(journal_complete_split(f->db, sale, &too_little, 1, 0, &err), STORE_ERR_INPUT);
	struct journal_tender kaspi_here = {.kind = JOURNAL_QR, .amount = 200000};
	assert_int_equal(journal_complete_split(f->db, sale, &kaspi_here, 1, 0, &err), STORE_ERR_INPUT);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM tenders"), 2);

	assert_int_equal(journal_complete_split(f->db, sale, &cash, 1, 0, &err), STORE_OK);
	assert_int_equal(journal_get(f->db, sale, &o, &err), STORE_OK);
	assert_int_equal(o.state, JOURNAL_SUCCEEDED);
	struct journal_tender *list;
	size_t count;
	assert_int_equal(journal_tenders(f->db, sale, &list, &count, &err), STORE_OK);
	assert_int_equal(count, 3);
	assert_int_equal(list[0].part_state, JOURNAL_FAILED);
	assert_int_equal(list[1].kind, JOURNAL_QR);
	assert_int_equal(list[1].part_state, JOURNAL_SUCCEEDED);
	assert_int_equal(list[2].kind, JOURNAL_CASH);
	assert_int_equal(list[2].change, 300000);
	free(list);
	/* the sale counts once, the parts not as sales of their own */
	assert_int_equal(sold(f, "split"), 300000);
	assert_int_equal(sold(f, "qr"), 0);
	assert_int_equal(reports_verify(f->db, 0, &err), STORE_OK);
	/* no part for a completed sale, and none for a sale that is not split */
	assert_int_equal(journal_create(f->db, &k, NULL, 0, NULL, NULL, &err), STORE_ERR_STATE);
	k.part_of = part2;
	assert_int_equal(journal_create(f->db, &k, NULL, 0, NULL, NULL, &err), STORE_ERR_STATE);
	assert_int_equal(journal_complete_split(f->db, sale, &cash, 1, 0, &err), STORE_ERR_STATE);
}

static void tenders_never_change(void **state)
{
	struct fixture *f = *state;
	struct journal_line l = line_of(1000);
	struct journal_new n = sale_of(f, JOURNAL_CASH, 1000);
	struct journal_tender t = {.kind = JOURNAL_CASH, .amount = 1000, .given = 1000};
	store_err err;
	assert_int_equal(journal_record_sale(f->db, &n, &l, 1, &t, NULL, NULL, &err), STORE_OK);
	assert_true(exec_refused(f->db, "UPDATE tenders SET amount = 1"));
	assert_true(exec_refused(f->db, "DELETE FROM tenders"));
	assert_true(exec_refused(f->db, "UPDATE orders SET method = 'qr'"));
	/* a cash sale cannot pend, a Kaspi one cannot lack its request */
	assert_true(exec_refused(f->db, "UPDATE orders SET state = 'pending'"));
	assert_int_equal(query_int(f->db, "SELECT amount FROM tenders"), 1000);
}

/* Taken back before the tenders step by hand, the file is built again and every
 * part keeps its sale. */
static void schema_9_runs_again_over_itself(void **state)
{
	struct fixture *f = *state;
	struct journal_line l = line_of(2000);
	struct journal_new n = sale_of(f, JOURNAL_SPLIT, 2000);
	int64_t sale, part;
	store_err err;
	assert_int_equal(journal_open_split(f->db, &n, &l, 1, &sale, NULL, &err), STORE_OK);
	struct journal_new k = sale_of(f, JOURNAL_PHONE, 500);
	k.build_body = body;
	k.part_of = sale;
	k.payer_phone = "+77051234567";
	assert_int_equal(journal_create(f->db, &k, NULL, 0, &part, NULL, &err), STORE_OK);
	char back[64]; /* the tenders step, then the refunds' (schema 10) */
	snprintf(back, sizeof back, "PRAGMA user_version = %d", db_schema_latest() - 2);
	assert_int_equal(sqlite3_exec(db_sqlite(f->db), back, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_schema_version(f->db), db_schema_latest() - 2);
	db_close(f->db);
	f->db = open_ok(f);
	assert_int_equal(db_schema_version(f->db), db_schema_latest());
	struct journal_order o;
	assert_int_equal(journal_get(f->db, part, &o, &err), STORE_OK);
	assert_int_equal(o.part_of, sale);
	assert_int_equal(o.method, JOURNAL_PHONE);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(query_int(f->db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(reports_verify(f->db, 0, &err), STORE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_cash_sale_is_final_with_its_change, setup, teardown),
		cmocka_unit_test_setup_teardown(a_wrong_tender_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(a_split_sale_completes_when_its_parts_add_up, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(tenders_never_change, setup, teardown),
		cmocka_unit_test_setup_teardown(schema_9_runs_again_over_itself, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
