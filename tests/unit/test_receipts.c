/* test_receipts.c — fiscal receipts in the journal (schema step 13): the
 * triggers write one receipt row per complete sale, per return of a sale
 * and per cash movement, only while a register is set, in the same
 * transaction; a row's ExternalCheckNumber is a version 4 UUID; the body
 * is written once; a registered receipt never changes. The register's
 * shift and link as its answers say (step 14), and what the till allows
 * from them (fiscal_gate_of: 23 h warns, 24 h and 72 h offline shut).
 * Real SQLite. */
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

#include "app/fiscal.h"
#include "app/i18n.h"
#include "store/db.h"
#include "store/journal.h"
#include "store/cash.h"
#include "store/receipts.h"
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
	snprintf(f->dir, sizeof f->dir, "%s/kp-receipts-XXXXXX",
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


static int64_t cash_sale(struct fixture *f, int64_t amount)
{
	struct journal_line l = line_of(amount);
	struct journal_new n = {.till_id = "T01", .shift_id = f->shift_id, .method = JOURNAL_CASH,
	                        .amount = amount};
	struct journal_tender t = {.kind = JOURNAL_CASH, .amount = amount, .given = amount};
	int64_t id = 0;
	char moid[JOURNAL_ORDER_ID_SIZE];
	store_err err;
	assert_int_equal(journal_record_sale(f->db, &n, &l, 1, &t, &id, moid, &err), STORE_OK);
	return id;
}

static void set_provider(struct fixture *f, const char *p)
{
	store_err err;
	assert_int_equal(receipts_set_provider(f->db, p, "SWK00000001", &err), STORE_OK);
}

static void no_receipt_without_a_register(void **state)
{
	struct fixture *f = *state;
	cash_sale(f, 50000);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM receipts"), 0);
	set_provider(f, "none");
	cash_sale(f, 50000);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM receipts"), 0);
}

static void a_sale_gets_one_receipt_row(void **state)
{
	struct fixture *f = *state;
	set_provider(f, "webkassa");
	int64_t id = cash_sale(f, 123456);
	struct receipt r;
	store_err err;
	assert_int_equal(receipts_of_sale(f->db, id, &r, &err), STORE_OK);
	assert_int_equal(r.kind, RECEIPT_SALE);
	assert_int_equal(r.state, RECEIPT_NEW);
	assert_int_equal(r.amount, 123456);
	assert_int_equal(r.created_at, fake_now);
	/* xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx */
	assert_int_equal(strlen(r.ext_id), 36);
	assert_int_equal(r.ext_id[14], '4');
	assert_non_null(strchr("89ab", r.ext_id[19]));
	for (int i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(r.ext_id[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", r.ext_id[i]));
	int64_t other = cash_sale(f, 100);
	struct receipt r2;
	assert_int_equal(receipts_of_sale(f->db, other, &r2, &err), STORE_OK);
	assert_string_not_equal(r.ext_id, r2.ext_id);
	long n = 0;
	time_t oldest = 0;
	assert_int_equal(receipts_unsent(f->db, &n, &oldest, &err), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(oldest, fake_now);
}

static void the_body_is_written_once_and_registered_once(void **state)
{
	struct fixture *f = *state;
	set_provider(f, "webkassa");
	int64_t id = cash_sale(f, 1000);
	struct receipt r;
	store_err err;
	assert_int_equal(receipts_of_sale(f->db, id, &r, &err), STORE_OK);
	/* registering a receipt that was never sent is refused */
	assert_int_equal(receipts_register(f->db, r.id, "1", "http://x", false, 1, "{}", &err),
	                 STORE_ERR_STATE);
	assert_int_equal(receipts_set_body(f->db, r.id, "{\"a\":1}", 7, &err), STORE_OK);
	assert_int_equal(receipts_set_body(f->db, r.id, "{\"a\":2}", 7, &err), STORE_ERR_STATE);
	assert_true(exec_refused(f->db, "UPDATE receipts SET body = 'x'"));
	assert_int_equal(receipts_note_attempt(f->db, r.id, 0, "time-out", &err), STORE_OK);
	assert_int_equal(receipts_register(f->db, r.id, "367645207", "http://consumer.oofd.kz?i=1",
	                                   true, 154, "{\"CheckNumber\":\"367645207\"}", &err),
	                 STORE_OK);
	assert_int_equal(receipts_get(f->db, r.id, &r, &err), STORE_OK);
	assert_int_equal(r.state, RECEIPT_REGISTERED);
	assert_string_equal(r.check_number, "367645207");
	assert_true(r.offline);
	assert_int_equal(r.fiscal_shift, 154);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(receipts_register(f->db, r.id, "2", "http://y", false, 1, "{}", &err),
	                 STORE_ERR_STATE);
	assert_true(exec_refused(f->db, "UPDATE receipts SET state = 'pending'"));
	assert_true(exec_refused(f->db, "DELETE FROM receipts"));
	char *t = NULL;
	assert_int_equal(receipts_ticket(f->db, r.id, &t, &err), STORE_OK);
	assert_string_equal(t, "{\"CheckNumber\":\"367645207\"}");
	free(t);
	long n = 9;
	time_t oldest = 9;
	assert_int_equal(receipts_unsent(f->db, &n, &oldest, &err), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(oldest, 0);
}

static void cash_movements_become_money_operations(void **state)
{
	struct fixture *f = *state;
	store_err err;
	set_provider(f, "webkassa");
	struct cash_new in = {.kind = CASH_IN, .amount = 500000, .reason = "размен"};
	int64_t id;
	enum cash_rule rule;
	assert_int_equal(cash_record(f->db, f->shift_id, &in, &id, &rule, &err), STORE_OK);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM receipts WHERE kind = 'cash_in'"
	                                  " AND amount = 500000"), 1);
	/* a float of 0 moves nothing: no operation */
	struct cash_new zero = {.kind = CASH_FLOAT, .amount = 0};
	assert_int_equal(cash_record(f->db, f->shift_id, &zero, &id, &rule, &err), STORE_OK);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM receipts"), 1);
}

static void a_refund_of_a_sale_gets_a_return_row(void **state)
{
	struct fixture *f = *state;
	set_provider(f, "webkassa");
	int64_t id = cash_sale(f, 1000);
	/* a refund written refunded at once (cash), as refunds_create does */
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO users (id, name, role, pin_salt, pin_hash, pin_iterations, created_at)"
	         " VALUES (7, 'boss', 'manager', zeroblob(16), zeroblob(32), 1, 0);"
	         "INSERT INTO refunds (order_id, merchant_refund_id, till_id, day, day_seq, shift_id,"
	         " amount, reason, state, request_body, approved_by, created_at, updated_at)"
	         " VALUES (%lld, 'T01-R-20261203-000001', 'T01', 20261203, 1, %lld, 400, 'брак',"
	         " 'refunded', '', 7, 1, 1)",
	         (long long)id, (long long)f->shift_id);
	assert_int_equal(sqlite3_exec(db_sqlite(f->db), sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM receipts WHERE kind = 'return'"
	                                  " AND amount = 400 AND refund_row IS NOT NULL"), 1);
	struct receipt *list = NULL;
	size_t n = 0;
	store_err err;
	assert_int_equal(receipts_of_order(f->db, id, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].kind, RECEIPT_SALE);
	assert_int_equal(list[1].kind, RECEIPT_RETURN);
	/* a return of a sale with no receipt is skipped, with why */
	assert_int_equal(receipts_close(f->db, list[1].id, RECEIPT_SKIPPED, 0, "no basis", &err),
	                 STORE_OK);
	free(list);
}

/* The register's answers: a new shift number opens it at the register's
 * time, the skew follows the register's clock, offline counts from the
 * first offline answer, a refusal shuts until a Z (11) or an answer
 * online (18). */
static void the_register_s_shift_and_link_from_its_answers(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct fiscal_register r;
	struct fiscal_gate g;
	assert_int_equal(receipts_register_state(f->db, &r, &err), STORE_OK);
	assert_int_equal(r.shift, 0);
	fiscal_gate_of(&r, fake_now, &g);
	assert_int_equal(g.kind, FISCAL_GATE_OPEN);
	assert_int_equal(g.shift_age_s, -1);
	assert_int_equal(g.offline_s, -1);

	/* shift 1 opened by a document at the register's time, 100 s ahead */
	assert_int_equal(receipts_note_answer(f->db, 1, fake_now + 100, false, &err), STORE_OK);
	assert_int_equal(receipts_register_state(f->db, &r, &err), STORE_OK);
	assert_int_equal(r.shift, 1);
	assert_int_equal(r.opened_at, fake_now + 100);
	assert_int_equal(r.skew, 100);
	fiscal_gate_of(&r, fake_now, &g);
	assert_int_equal(g.shift_age_s, 0);
	/* a later document of the same shift does not move its opening */
	assert_int_equal(receipts_note_answer(f->db, 1, fake_now + 3700, false, &err), STORE_OK);
	assert_int_equal(receipts_register_state(f->db, &r, &err), STORE_OK);
	assert_int_equal(r.opened_at, fake_now + 100);
	assert_int_equal(r.skew, 3700);
	/* the till's clock 23 h less a second on: open; 23 h: a warning */
	fiscal_gate_of(&r, fake_now + 100 - 3700 + FISCAL_SHIFT_WARN_S - 1, &g);
	assert_int_equal(g.kind, FISCAL_GATE_OPEN);
	fiscal_gate_of(&r, fake_now + 100 - 3700 + FISCAL_SHIFT_WARN_S, &g);
	assert_int_equal(g.kind, FISCAL_GATE_WARN);
	assert_int_equal(g.shift_age_s, FISCAL_SHIFT_WARN_S);
	assert_string_equal(g.msg.arg[2], "60");
	fiscal_gate_of(&r, fake_now + 100 - 3700 + FISCAL_SHIFT_MAX_S, &g);
	assert_int_equal(g.kind, FISCAL_GATE_SHUT);

	/* refused for the shift: shut whatever the clock; a Z opens it */
	assert_int_equal(receipts_note_refusal(f->db, 11, &err), STORE_OK);
	assert_int_equal(receipts_register_state(f->db, &r, &err), STORE_OK);
	fiscal_gate_of(&r, fake_now, &g);
	assert_int_equal(g.kind, FISCAL_GATE_SHUT);
	assert_int_equal(receipts_note_z(f->db, 1, &err), STORE_OK);
	assert_int_equal(receipts_register_state(f->db, &r, &err), STORE_OK);
	assert_true(r.closed);
	assert_int_equal(r.refusal, 0);
	fiscal_gate_of(&r, fake_now + 10 * FISCAL_SHIFT_MAX_S, &g);
	assert_int_equal(g.kind, FISCAL_GATE_OPEN);
	assert_int_equal(g.shift_age_s, -1);

	/* shift 2 offline, its time unknown: the till's clock and the skew */
	assert_int_equal(receipts_note_answer(f->db, 2, 0, true, &err), STORE_OK);
	assert_int_equal(receipts_register_state(f->db, &r, &err), STORE_OK);
	assert_false(r.closed);
	assert_int_equal(r.opened_at, fake_now + 3700);
	assert_int_equal(r.offline_since, fake_now + 3700);
	fiscal_gate_of(&r, fake_now + 7200, &g);
	assert_int_equal(g.offline_s, 7200);
	assert_int_equal(g.kind, FISCAL_GATE_OPEN);
	/* offline for over 72 h: shut, and a Z does not open it */
	assert_int_equal(receipts_note_refusal(f->db, 18, &err), STORE_OK);
	assert_int_equal(receipts_note_z(f->db, 2, &err), STORE_OK);
	assert_int_equal(receipts_register_state(f->db, &r, &err), STORE_OK);
	fiscal_gate_of(&r, fake_now, &g);
	assert_int_equal(g.kind, FISCAL_GATE_SHUT);
	/* an answer online does */
	assert_int_equal(receipts_note_answer(f->db, 3, fake_now + 3700, false, &err), STORE_OK);
	assert_int_equal(receipts_register_state(f->db, &r, &err), STORE_OK);
	assert_int_equal(r.offline_since, 0);
	fiscal_gate_of(&r, fake_now, &g);
	assert_int_equal(g.kind, FISCAL_GATE_OPEN);
	assert_int_equal(g.offline_s, -1);
}

int main(void)
{
	i18n_init(NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_receipt_without_a_register, setup, teardown),
		cmocka_unit_test_setup_teardown(a_sale_gets_one_receipt_row, setup, teardown),
		cmocka_unit_test_setup_teardown(the_body_is_written_once_and_registered_once, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(cash_movements_become_money_operations, setup, teardown),
		cmocka_unit_test_setup_teardown(a_refund_of_a_sale_gets_a_return_row, setup, teardown),
		cmocka_unit_test_setup_teardown(the_register_s_shift_and_link_from_its_answers, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
