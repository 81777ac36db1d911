/* test_outbox.c — the journal's outbox (store/outbox.h, schema step 15)
 * against a real SQLite file: every change of every journal table writes
 * one row in its own transaction (a rolled-back change none), numbered
 * without a gap, its payload every column of the row (a user's but the
 * PIN and lock); the chain: each prev_hash the hash before, each hash
 * SHA-256 of prev_hash || seq || table || op || payload (recomputed in C
 * and by outbox_verify, which names the first forged row); the rows never
 * change; a batch after a seq; the acknowledgement moves only forward and
 * never beyond the outbox; the waiting count and the oldest's age; a
 * journal from before the step gets a row per row it had, and the step
 * run again adds none. */
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
#include <time.h>

#include <cjson/cJSON.h>

#include "app/i18n.h"
#include "store/db.h"
#include "store/outbox.h"

#define DAY 20261203
#define AT 1796281200 /* 2026-12-03 12:00 Almaty */
#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

struct fixture {
	char dir[256];
	char path[300];
	store_db *db;
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

static int64_t q_int(store_db *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/kp-outbox-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/kaspi-pos.db", f->dir);
	fake_now = time(NULL);
	f->db = open_ok(f);
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

/* One change of every journal table, in the order a day brings them: a
 * manager, a shift, a cash sale with its line, tender and timeline, an
 * event, its cash refund with its part and tender, cash in, a receipt
 * and its request, the Z report and the shift's close. 16 changes. */
static void a_day(store_db *db)
{
	exec_ok(db, "INSERT INTO users (name, role, pin_salt, pin_hash, pin_iterations, created_at)"
	            " VALUES ('Айгерим', 'manager', zeroblob(16), randomblob(32), 1000, 1796280000)");
	exec_ok(db, "INSERT INTO shifts (opened_at, opened_by) VALUES (1796280000, 1)");
	exec_ok(db, "BEGIN;"
	            " INSERT INTO orders (merchant_order_id, till_id, day, day_seq, shift_id, user_id,"
	            "  method, amount, description, state, request_body, created_at, updated_at)"
	            "  VALUES ('T01-20261203-000001', 'T01', 20261203, 1, 1, 1, 'cash', 158000,"
	            "  'Мука \"высший\"', 'succeeded', '', 1796281200, 1796281200);"
	            " INSERT INTO order_lines (order_id, line_no, sku, name, quantity, unit_price,"
	            "  tax_rate, total) VALUES (1, 1, 'GR-0027', 'Мука', 2, 79000, 12, 158000);"
	            " INSERT INTO tenders (order_id, part_no, kind, amount, given, change, created_at)"
	            "  VALUES (1, 1, 'cash', 158000, 200000, 42000, 1796281200);"
	            " INSERT INTO order_events (order_id, at, kind, to_state)"
	            "  VALUES (1, 1796281200, 'state', 'succeeded');"
	            " COMMIT");
	exec_ok(db, "INSERT INTO events (at, user_id, kind, detail) VALUES (1796281201, 1, 'login', '')");
	exec_ok(db, "BEGIN;"
	            " INSERT INTO refunds (order_id, merchant_refund_id, till_id, day, day_seq,"
	            "  shift_id, amount, reason, state, request_body, approved_by, created_at,"
	            "  updated_at) VALUES (1, 'T01-R-20261203-000001', 'T01', 20261203, 1, 1, 79000,"
	            "  'брак', 'refunded', '', 1, 1796281300, 1796281300);"
	            " INSERT INTO refund_lines (refund_row, part, tax_rate, amount, line_no, quantity)"
	            "  VALUES (1, 1, 12, 79000, 1, 1);"
	            " INSERT INTO refund_tenders (refund_row, tender, part_no) VALUES (1, 'cash', NULL);"
	            " COMMIT");
	exec_ok(db, "INSERT INTO cash_moves (shift_id, day, kind, amount, reason, at)"
	            " VALUES (1, 20261203, 'in', 50000, 'размен', 1796281400)");
	exec_ok(db, "INSERT INTO receipts (ext_id, kind, order_id, shift_id, amount, created_at,"
	            " updated_at) VALUES ('0b6b2f1e-2f4c-4a3e-9d21-5c1f0a7e9b11', 'sale', 1, 1, 158000,"
	            " 1796281200, 1796281200)");
	exec_ok(db, "UPDATE receipts SET body = '{\"x\":1}', state = 'pending' WHERE id = 1");
	exec_ok(db, "BEGIN;"
	            " INSERT INTO z_reports (number, shift_id, closed_at, closed_by, snapshot)"
	            "  VALUES (1, 1, 1796310000, 1, '{\"total\":79000}');"
	            " UPDATE shifts SET closed_at = 1796310000, z_number = 1 WHERE id = 1;"
	            " COMMIT");
}

static const char *const day_rows[] = {
	"users insert", "shifts insert", "orders insert", "order_lines insert", "tenders insert",
	"order_events insert", "events insert", "refunds insert", "refund_lines insert",
	"refund_tenders insert", "cash_moves insert", "receipts insert", "receipts update",
	"z_reports insert", "shifts update",
};
#define DAY_ROWS ((int)(sizeof day_rows / sizeof *day_rows))

static struct outbox_batch read_ok(store_db *db, int64_t after, size_t max)
{
	struct outbox_batch b = {0};
	store_err err;
	if (outbox_read(db, after, max, &b, &err) != STORE_OK)
		fail_msg("outbox_read: %s", kp_msg_text(&err.msg));
	return b;
}

static void every_journal_change_writes_one_row_in_order(void **state)
{
	struct fixture *f = *state;
	a_day(f->db);
	struct outbox_batch b = read_ok(f->db, 0, 100);
	assert_int_equal(b.n, DAY_ROWS);
	for (size_t i = 0; i < b.n; i++) {
		char what[64];
		snprintf(what, sizeof what, "%s %s", b.rows[i].tbl, b.rows[i].op);
		assert_int_equal(b.rows[i].seq, (int64_t)i + 1);
		assert_string_equal(what, day_rows[i]);
	}
	outbox_batch_free(&b);
}

static void a_rolled_back_change_writes_no_row(void **state)
{
	struct fixture *f = *state;
	exec_ok(f->db, "BEGIN; INSERT INTO shifts (opened_at) VALUES (1); ROLLBACK");
	assert_int_equal(q_int(f->db, "SELECT count(*) FROM outbox"), 0);
	exec_ok(f->db, "INSERT INTO shifts (opened_at) VALUES (1)");
	assert_int_equal(q_int(f->db, "SELECT max(seq) FROM outbox"), 1);
}

/* The column names of table as a sorted, comma-joined list. */
static void columns_of(store_db *db, const char *table, bool from_json, const char *payload,
                       char *out, size_t size)
{
	sqlite3_stmt *st;
	const char *sql = from_json
	                          ? "SELECT group_concat(key, ',') FROM (SELECT key FROM json_each(?1)"
	                            " ORDER BY key)"
	                          : "SELECT group_concat(name, ',') FROM (SELECT name FROM"
	                            " pragma_table_info(?1) WHERE ?1 <> 'users' OR name NOT IN"
	                            " ('pin_salt', 'pin_hash', 'pin_iterations', 'failed_count',"
	                            " 'locked_until') ORDER BY name)";
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, from_json ? payload : table, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static void a_payload_is_every_column_of_its_row_but_a_pin(void **state)
{
	struct fixture *f = *state;
	a_day(f->db);
	struct outbox_batch b = read_ok(f->db, 0, 100);
	for (size_t i = 0; i < b.n; i++) {
		char want[1024], got[1024];
		columns_of(f->db, b.rows[i].tbl, false, NULL, want, sizeof want);
		columns_of(f->db, b.rows[i].tbl, true, b.rows[i].payload, got, sizeof got);
		assert_string_equal(got, want);
		assert_null(strstr(b.rows[i].payload, "pin_"));
	}
	/* the values as written, text escaped by JSON */
	cJSON *o = cJSON_Parse(b.rows[2].payload);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "description")->valuestring, "Мука \"высший\"");
	assert_int_equal(cJSON_GetObjectItem(o, "amount")->valuedouble, 158000);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "payment_id")));
	cJSON_Delete(o);
	o = cJSON_Parse(b.rows[b.n - 1].payload); /* the shift closed */
	assert_int_equal(cJSON_GetObjectItem(o, "z_number")->valuedouble, 1);
	cJSON_Delete(o);
	outbox_batch_free(&b);
}

static void the_rows_are_a_hash_chain(void **state)
{
	struct fixture *f = *state;
	a_day(f->db);
	struct outbox_batch b = read_ok(f->db, 0, 100);
	const char *prev = ZEROS;
	for (size_t i = 0; i < b.n; i++) {
		char h[OUTBOX_HASH_HEX + 1];
		assert_string_equal(b.rows[i].prev_hash, prev);
		assert_true(outbox_hash(b.rows[i].prev_hash, b.rows[i].seq, b.rows[i].tbl, b.rows[i].op,
		                        b.rows[i].payload, h));
		assert_string_equal(h, b.rows[i].hash);
		prev = b.rows[i].hash;
	}
	/* a known value: SHA-256 of 64 zeros, "1", "t", "insert", "{}" */
	char h[OUTBOX_HASH_HEX + 1];
	assert_true(outbox_hash(ZEROS, 1, "t", "insert", "{}", h));
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), "SELECT kp_sha256(?1)", -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, ZEROS "1tinsert{}", -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), h);
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, "abc", -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sqlite3_finalize(st);
	outbox_batch_free(&b);

	int64_t bad = -1;
	store_err err;
	assert_int_equal(outbox_verify(f->db, 1, 0, &bad, &err), STORE_OK);
	assert_int_equal(bad, 0);
	assert_int_equal(outbox_verify(f->db, 5, 9, &bad, &err), STORE_OK);
	assert_int_equal(bad, 0);
}

static void the_rows_never_change(void **state)
{
	struct fixture *f = *state;
	a_day(f->db);
	assert_true(exec_refused(f->db, "UPDATE outbox SET payload = '{}' WHERE seq = 3"));
	assert_true(exec_refused(f->db, "DELETE FROM outbox WHERE seq = 15"));
	assert_true(exec_refused(f->db, "INSERT INTO outbox VALUES (17, 'x', 'insert', '{}', '" ZEROS
	                                "', '" ZEROS "', 0)"));
	assert_int_equal(q_int(f->db, "SELECT count(*) FROM outbox"), DAY_ROWS);
}

static void verify_names_the_first_forged_row(void **state)
{
	struct fixture *f = *state;
	a_day(f->db);
	/* what a hand with the file could do: drop the guard and edit */
	exec_ok(f->db, "DROP TRIGGER outbox_no_update;"
	               " UPDATE outbox SET payload = json_set(payload, '$.amount', 1) WHERE seq = 3");
	int64_t bad = 0;
	store_err err;
	assert_int_equal(outbox_verify(f->db, 1, 0, &bad, &err), STORE_OK);
	assert_int_equal(bad, 3);
	assert_int_equal(outbox_verify(f->db, 4, 0, &bad, &err), STORE_OK);
	assert_int_equal(bad, 0); /* the rows after still follow its stored hash */
	exec_ok(f->db, "UPDATE outbox SET prev_hash = '" ZEROS "' WHERE seq = 7");
	assert_int_equal(outbox_verify(f->db, 4, 0, &bad, &err), STORE_OK);
	assert_int_equal(bad, 7);
}

static void a_batch_starts_after_a_seq(void **state)
{
	struct fixture *f = *state;
	a_day(f->db);
	struct outbox_batch b = read_ok(f->db, 4, 5);
	assert_int_equal(b.n, 5);
	assert_int_equal(b.rows[0].seq, 5);
	assert_int_equal(b.rows[4].seq, 9);
	outbox_batch_free(&b);
	b = read_ok(f->db, DAY_ROWS, 5);
	assert_int_equal(b.n, 0);
	outbox_batch_free(&b);
}

static void the_acknowledgement_moves_forward_within_the_outbox(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct outbox_state s;
	a_day(f->db);
	fake_now = time(NULL) + 120;
	assert_int_equal(outbox_get_state(f->db, &s, &err), STORE_OK);
	assert_int_equal(s.last_seq, DAY_ROWS);
	assert_int_equal(s.acked_seq, 0);
	assert_int_equal(s.waiting, DAY_ROWS);
	assert_true(s.oldest_age >= 120 && s.oldest_age < 180);

	assert_int_equal(outbox_ack(f->db, 10, &err), STORE_OK);
	assert_int_equal(outbox_get_state(f->db, &s, &err), STORE_OK);
	assert_int_equal(s.acked_seq, 10);
	assert_int_equal(s.waiting, DAY_ROWS - 10);
	assert_int_equal(s.acked_at, fake_now);

	assert_int_equal(outbox_ack(f->db, 4, &err), STORE_OK); /* an old answer: nothing moves */
	assert_int_equal(outbox_get_state(f->db, &s, &err), STORE_OK);
	assert_int_equal(s.acked_seq, 10);

	assert_int_equal(outbox_ack(f->db, DAY_ROWS + 1, &err), STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "16"));
	assert_true(exec_refused(f->db, "UPDATE outbox_acked SET seq = 2"));

	assert_int_equal(outbox_ack(f->db, DAY_ROWS, &err), STORE_OK);
	assert_int_equal(outbox_get_state(f->db, &s, &err), STORE_OK);
	assert_int_equal(s.waiting, 0);
	assert_int_equal(s.oldest_age, 0);
	assert_int_equal(q_int(f->db, "SELECT count(*) FROM outbox"), DAY_ROWS); /* kept */
}

/* Takes the file back to before step 15: its tables, view and triggers. */
static void drop_step_15(store_db *db)
{
	sqlite3_stmt *st;
	char sql[4096] = "";
	size_t used = 0;
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(db),
	                                    "SELECT type, name FROM sqlite_schema WHERE name LIKE"
	                                    " 'outbox%' AND type IN ('trigger', 'view') ORDER BY name = 'outbox_write_row' DESC, type = 'view'",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		used += (size_t)snprintf(sql + used, sizeof sql - used, "DROP %s %s;",
		                         sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	assert_true(used < sizeof sql);
	exec_ok(db, sql);
	exec_ok(db, "DROP TABLE outbox; DROP TABLE outbox_acked; PRAGMA user_version = 14");
}

static void a_journal_from_before_gets_a_row_per_row(void **state)
{
	struct fixture *f = *state;
	store_err err;
	a_day(f->db);
	drop_step_15(f->db);
	exec_ok(f->db, "INSERT INTO events (at, kind) VALUES (1, 'login')"); /* no outbox now */
	db_close(f->db);
	f->db = open_ok(f);
	assert_int_equal(db_schema_version(f->db), db_schema_latest());
	/* 13 rows then: users, shifts, orders ... receipts, once each; 2 events */
	assert_int_equal(q_int(f->db, "SELECT count(*) FROM outbox"), DAY_ROWS - 2 + 1);
	assert_int_equal(q_int(f->db, "SELECT count(*) FROM outbox WHERE op <> 'insert'"), 0);
	assert_int_equal(q_int(f->db, "SELECT count(*) FROM outbox WHERE tbl = 'events'"), 2);
	assert_int_equal(q_int(f->db, "SELECT json_extract(payload, '$.z_number') FROM outbox"
	                              " WHERE tbl = 'shifts'"),
	                 1); /* the row as it is now */
	int64_t bad = -1;
	assert_int_equal(outbox_verify(f->db, 1, 0, &bad, &err), STORE_OK);
	assert_int_equal(bad, 0);

	/* run again over itself: nothing added, the triggers still write */
	int64_t n = q_int(f->db, "SELECT count(*) FROM outbox");
	exec_ok(f->db, "PRAGMA user_version = 14");
	db_close(f->db);
	f->db = open_ok(f);
	assert_int_equal(q_int(f->db, "SELECT count(*) FROM outbox"), n);
	exec_ok(f->db, "INSERT INTO events (at, kind) VALUES (2, 'login')");
	assert_int_equal(q_int(f->db, "SELECT count(*) FROM outbox"), n + 1);
	assert_int_equal(outbox_verify(f->db, 1, 0, &bad, &err), STORE_OK);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_journal_change_writes_one_row_in_order, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_rolled_back_change_writes_no_row, setup, teardown),
		cmocka_unit_test_setup_teardown(a_payload_is_every_column_of_its_row_but_a_pin, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(the_rows_are_a_hash_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(the_rows_never_change, setup, teardown),
		cmocka_unit_test_setup_teardown(verify_names_the_first_forged_row, setup, teardown),
		cmocka_unit_test_setup_teardown(a_batch_starts_after_a_seq, setup, teardown),
		cmocka_unit_test_setup_teardown(the_acknowledgement_moves_forward_within_the_outbox,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(a_journal_from_before_gets_a_row_per_row, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
