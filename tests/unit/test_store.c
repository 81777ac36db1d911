/* test_store.c — the database file: schema migrations from empty, reopen,
 * pragmas, clear errors for a file that is not ours (or not a database),
 * a full disk and a newer schema; shifts; held baskets across restarts;
 * the events log is append-only. Real SQLite files in a mkdtemp folder. */
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
#include "store/catalog.h"
#include "store/db.h"
#include "store/events.h"
#include "store/held.h"
#include "store/shifts.h"

struct fixture {
	char dir[256];
	char path[300];
	store_db *db;
};

static time_t fake_now = 1790000000; /* 2026-09-21 */

static time_t fake_clock(void)
{
	return fake_now;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "%s/kp-store-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kaspi-pos.db", f->dir);
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

/* Opens f->path, failing the test on an error. */
static store_db *open_ok(struct fixture *f)
{
	store_err err;
	store_db *db = NULL;
	store_status st = db_open(f->path, &db, &err);
	if (st != STORE_OK)
		fail_msg("db_open: %s", kp_msg_text(&err.msg));
	db_set_clock(db, fake_clock);
	return db;
}

static int query_int(store_db *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	fclose(fp);
}

static void migrations_from_empty_reach_the_latest_version(void **state)
{
	struct fixture *f = *state;
	f->db = open_ok(f);
	assert_true(db_schema_latest() >= 1);
	assert_int_equal(db_schema_version(f->db), db_schema_latest());
	assert_int_equal(query_int(f->db, "PRAGMA user_version"), db_schema_latest());
	const char *tables[] = {"products", "products_fts", "users", "events", "shifts", "held_baskets"};
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		sqlite3_stmt *st;
		sqlite3_prepare_v2(db_sqlite(f->db), "SELECT count(*) FROM sqlite_schema WHERE name = ?1",
		                   -1, &st, NULL);
		sqlite3_bind_text(st, 1, tables[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		if (sqlite3_column_int(st, 0) != 1)
			fail_msg("table %s missing", tables[i]);
		sqlite3_finalize(st);
	}
}

static void reopening_is_idempotent_and_keeps_data(void **state)
{
	struct fixture *f = *state;
	store_err err;
	f->db = open_ok(f);
	assert_int_equal(events_append(f->db, 0, "test", "kept", &err), STORE_OK);
	db_close(f->db);
	f->db = open_ok(f);
	db_close(f->db);
	f->db = open_ok(f);
	assert_int_equal(db_schema_version(f->db), db_schema_latest());
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM events WHERE kind = 'test'"), 1);
}

static void connection_uses_wal_full_sync_and_foreign_keys(void **state)
{
	struct fixture *f = *state;
	f->db = open_ok(f);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db_sqlite(f->db), "PRAGMA journal_mode", -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	assert_int_equal(query_int(f->db, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(query_int(f->db, "PRAGMA foreign_keys"), 1);
}

static void home_folder_is_created_0700_and_file_0600(void **state)
{
	struct fixture *f = *state;
	char home[300], path[340];
	store_err err;
	struct stat sb;
	snprintf(home, sizeof home, "%s/a/b", f->dir);
	assert_int_equal(db_open_home(home, &f->db, &err), STORE_OK);
	assert_int_equal(stat(home, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	snprintf(path, sizeof path, "%s/kaspi-pos.db", home);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_string_equal(db_path(f->db), path);
}

static void a_file_that_is_not_a_database_gives_a_clear_error(void **state)
{
	struct fixture *f = *state;
	store_err err;
	char junk[4096];
	memset(junk, 'x', sizeof junk);
	memcpy(junk, "sku,barcode,name_ru\n", 20);
	write_file(f->path, junk, sizeof junk);
	assert_int_equal(db_open(f->path, &f->db, &err), STORE_ERR_NOTADB);
	assert_null(f->db);
	assert_non_null(strstr(kp_msg_text(&err.msg), "is not a kaspi-pos database or is damaged"));
	assert_non_null(strstr(kp_msg_text(&err.msg), f->path));
	assert_null(strchr(kp_msg_text(&err.msg), '\n'));
}

static void another_programs_database_is_refused(void **state)
{
	struct fixture *f = *state;
	store_err err;
	sqlite3 *other;
	assert_int_equal(sqlite3_open(f->path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "CREATE TABLE notes(t TEXT)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(db_open(f->path, &f->db, &err), STORE_ERR_NOTADB);
	assert_non_null(strstr(kp_msg_text(&err.msg), "another program"));
}

static void a_newer_schema_is_refused(void **state)
{
	struct fixture *f = *state;
	store_err err;
	f->db = open_ok(f);
	assert_int_equal(sqlite3_exec(db_sqlite(f->db), "PRAGMA user_version = 99", NULL, NULL, NULL),
	                 SQLITE_OK);
	db_close(f->db);
	f->db = NULL;
	assert_int_equal(db_open(f->path, &f->db, &err), STORE_ERR_VERSION);
	assert_non_null(strstr(kp_msg_text(&err.msg), "newer kaspi-pos"));
}

static void a_missing_folder_is_an_open_error(void **state)
{
	struct fixture *f = *state;
	store_err err;
	char path[340];
	snprintf(path, sizeof path, "%s/no/such/folder/kaspi-pos.db", f->dir);
	assert_int_equal(db_open(path, &f->db, &err), STORE_ERR_OPEN);
	assert_non_null(strstr(kp_msg_text(&err.msg), "cannot create"));
}

/* A database that may not grow stands in for a full disk: SQLite answers
 * SQLITE_FULL in both cases. */
static void a_full_disk_is_reported_and_nothing_is_saved(void **state)
{
	struct fixture *f = *state;
	store_err err;
	f->db = open_ok(f);
	int pages = query_int(f->db, "PRAGMA page_count");
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA max_page_count = %d", pages + 2);
	assert_int_equal(sqlite3_exec(db_sqlite(f->db), pragma, NULL, NULL, NULL), SQLITE_OK);

	size_t cap = 3000 * 80 + 100, len = 0;
	char *csv = malloc(cap);
	assert_non_null(csv);
	len += (size_t)snprintf(csv, cap, "sku,barcode,name_ru,name_kk,unit,price,tax_rate\n");
	for (int i = 0; i < 3000; i++)
		len += (size_t)snprintf(csv + len, cap - len, "S-%05d,,Товар номер %d,,шт,100,16\n", i, i);
	assert_int_equal(catalog_import_buffer(f->db, csv, len, NULL, NULL, NULL, &err), STORE_ERR_FULL);
	free(csv);
	assert_non_null(strstr(kp_msg_text(&err.msg), "disk is full"));
	assert_non_null(strstr(kp_msg_text(&err.msg), "nothing was saved"));
	long n = -1;
	assert_int_equal(catalog_count(f->db, &n, &err), STORE_OK);
	assert_int_equal(n, 0);
}

static void events_are_append_only(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct event ev[4];
	int n = 0;
	f->db = open_ok(f);
	assert_int_equal(events_append(f->db, 0, "void_line", "GR-0001 x1", &err), STORE_OK);
	assert_int_not_equal(sqlite3_exec(db_sqlite(f->db), "UPDATE events SET detail = 'x'", NULL, NULL, NULL),
	                     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db_sqlite(f->db), "DELETE FROM events", NULL, NULL, NULL),
	                     SQLITE_OK);
	assert_int_equal(events_recent(f->db, "void_line", ev, 4, &n, &err), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].detail, "GR-0001 x1");
	assert_int_equal(ev[0].at, fake_now);
	assert_int_equal(ev[0].user_id, 0);
	assert_int_equal(events_append(f->db, 0, "", NULL, &err), STORE_ERR_INPUT);
}

static void first_login_opens_one_shift_and_later_ones_reuse_it(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct shift s1, s2;
	bool opened = false;
	f->db = open_ok(f);
	assert_int_equal(shifts_get_open(f->db, &s1, &err), STORE_NOT_FOUND);
	assert_int_equal(shifts_ensure_open(f->db, 0, &s1, &opened, &err), STORE_OK);
	assert_true(opened);
	assert_int_equal(s1.opened_at, fake_now);
	assert_false(s1.stale);
	assert_int_equal(shifts_ensure_open(f->db, 0, &s2, &opened, &err), STORE_OK);
	assert_false(opened);
	assert_int_equal(s2.id, s1.id);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM events WHERE kind = 'shift_open'"), 1);
	/* a second open row is refused by the schema itself */
	assert_int_not_equal(sqlite3_exec(db_sqlite(f->db), "INSERT INTO shifts(opened_at) VALUES (1)",
	                                  NULL, NULL, NULL),
	                     SQLITE_OK);
}

static void a_shift_open_over_24_hours_is_flagged(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct shift s;
	time_t start = fake_now;
	f->db = open_ok(f);
	assert_int_equal(shifts_ensure_open(f->db, 0, &s, NULL, &err), STORE_OK);
	fake_now = start + 24 * 3600;
	assert_int_equal(shifts_get_open(f->db, &s, &err), STORE_OK);
	assert_false(s.stale);
	fake_now = start + 24 * 3600 + 1;
	db_close(f->db);
	f->db = open_ok(f); /* and it survives a restart */
	assert_int_equal(shifts_get_open(f->db, &s, &err), STORE_OK);
	assert_true(s.stale);
	assert_int_equal(s.age, 24 * 3600 + 1);
	fake_now = start;
}

static void held_baskets_survive_close_and_reopen(void **state)
{
	struct fixture *f = *state;
	store_err err;
	int64_t id1 = 0, id2 = 0;
	struct held_basket *list = NULL, meta;
	int n = 0;
	char *content = NULL;

	f->db = open_ok(f);
	assert_int_equal(held_put(f->db, 0, "Айгүл, сүт", "GR-0001 2\nGR-0025 1\n", &id1, &err), STORE_OK);
	assert_int_equal(held_put(f->db, 0, NULL, "EL-0003 1\n", &id2, &err), STORE_OK);
	assert_int_equal(held_put(f->db, 0, "empty", "", NULL, &err), STORE_ERR_INPUT);
	db_close(f->db);
	f->db = open_ok(f);

	assert_int_equal(held_list(f->db, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, id1);
	assert_string_equal(list[0].label, "Айгүл, сүт");
	assert_string_equal(list[1].label, "");
	free(list);

	assert_int_equal(held_recall(f->db, id1, 0, &content, &meta, &err), STORE_OK);
	assert_string_equal(content, "GR-0001 2\nGR-0025 1\n");
	assert_string_equal(meta.label, "Айгүл, сүт");
	free(content);
	assert_int_equal(held_recall(f->db, id1, 0, &content, NULL, &err), STORE_NOT_FOUND);
	assert_null(content);

	db_close(f->db);
	f->db = open_ok(f);
	assert_int_equal(held_list(f->db, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, id2);
	free(list);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM events WHERE kind LIKE 'basket_%'"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(migrations_from_empty_reach_the_latest_version, setup, teardown),
		cmocka_unit_test_setup_teardown(reopening_is_idempotent_and_keeps_data, setup, teardown),
		cmocka_unit_test_setup_teardown(connection_uses_wal_full_sync_and_foreign_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(home_folder_is_created_0700_and_file_0600, setup, teardown),
		cmocka_unit_test_setup_teardown(a_file_that_is_not_a_database_gives_a_clear_error, setup, teardown),
		cmocka_unit_test_setup_teardown(another_programs_database_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_newer_schema_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_missing_folder_is_an_open_error, setup, teardown),
		cmocka_unit_test_setup_teardown(a_full_disk_is_reported_and_nothing_is_saved, setup, teardown),
		cmocka_unit_test_setup_teardown(events_are_append_only, setup, teardown),
		cmocka_unit_test_setup_teardown(first_login_opens_one_shift_and_later_ones_reuse_it, setup, teardown),
		cmocka_unit_test_setup_teardown(a_shift_open_over_24_hours_is_flagged, setup, teardown),
		cmocka_unit_test_setup_teardown(held_baskets_survive_close_and_reopen, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
