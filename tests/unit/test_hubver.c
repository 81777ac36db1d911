/* test_hubver.c — what the till takes from the hub (store/hubver.h,
 * catalog_import_version, schema step 16): the version stamps, written
 * with the import or not at all; the hub's users replacing the till's by
 * name (ids kept, PINs the hub's hashes, names left out disabled, so no
 * login, back when listed again); a bad list or file changing nothing;
 * the hub's checks alone writing nothing; a basket line keeping the
 * price it was scanned at through a swap. Real SQLite files in a
 * mkdtemp folder. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/pin.h"
#include "core/basket.h"
#include "store/catalog.h"
#include "store/db.h"
#include "store/hubver.h"
#include "store/users.h"

#define CSV_HEAD "sku,barcode,name_ru,name_kk,unit,price,tax_rate\n"
#define CSV_V1 CSV_HEAD "GR-1,4870000001002,Молоко,Сүт,шт,549.90,12\nGR-2,,Хлеб,Нан,шт,200,12\n"
#define CSV_V2 CSV_HEAD "GR-1,4870000001002,Молоко,Сүт,шт,600,12\n"

struct fixture {
	char dir[256];
	char path[300];
	store_db *db;
};

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	store_err err;
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "%s/kp-hubver-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kaspi-pos.db", f->dir);
	if (db_open(f->path, &f->db, &err) != STORE_OK)
		fail_msg("db_open: %s", kp_msg_text(&err.msg));
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

static int64_t stamp(store_db *db, const char *kind)
{
	store_err err;
	int64_t v = -1;
	assert_int_equal(hubver_get(db, kind, &v, &err), STORE_OK);
	return v;
}

static void import_ok(store_db *db, const char *csv, int64_t version)
{
	store_err err;
	if (catalog_import_version(db, csv, strlen(csv), version, NULL, NULL, NULL, &err) != STORE_OK)
		fail_msg("import: %s", kp_msg_text(&err.msg));
}

/* A hub user with PIN pin, hashed as the hub hashes it. */
static struct hubver_user hub_user(const char *name, enum user_role role, const char *pin)
{
	struct hubver_user u;
	memset(&u, 0, sizeof u);
	snprintf(u.name, sizeof u.name, "%s", name);
	u.role = role;
	assert_true(pin_make(pin, &u.pin));
	return u;
}

static enum users_verdict login(store_db *db, const char *name, const char *pin)
{
	store_err err;
	struct users_check c;
	assert_int_equal(pin_verify(db, name, pin, &c, &err), STORE_OK);
	return c.verdict;
}

static void test_no_stamp_reads_zero(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(stamp(f->db, HUBVER_CATALOG), 0);
	assert_int_equal(stamp(f->db, HUBVER_USERS), 0);
}

static void test_catalog_import_writes_its_stamp(void **state)
{
	struct fixture *f = *state;
	struct kp_product p;
	store_err err;
	import_ok(f->db, CSV_V1, 4);
	assert_int_equal(stamp(f->db, HUBVER_CATALOG), 4);
	import_ok(f->db, CSV_V2, 7);
	assert_int_equal(stamp(f->db, HUBVER_CATALOG), 7);
	assert_int_equal(catalog_by_sku(f->db, "GR-1", &p, &err), STORE_OK);
	assert_int_equal(p.price, 60000);
	assert_int_equal(catalog_by_sku(f->db, "GR-2", &p, &err), STORE_NOT_FOUND);
}

static void test_bad_catalog_changes_nothing(void **state)
{
	struct fixture *f = *state;
	store_err err;
	long n = 0;
	const char *bad = CSV_HEAD "GR-9,4870000000001,Соль,,шт,100,12\n";
	import_ok(f->db, CSV_V1, 2);
	assert_int_equal(catalog_import_version(f->db, bad, strlen(bad), 3, NULL, NULL, NULL, &err),
	                 STORE_ERR_INPUT);
	assert_int_equal(stamp(f->db, HUBVER_CATALOG), 2);
	assert_int_equal(catalog_count(f->db, &n, &err), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(catalog_import_version(f->db, CSV_V2, strlen(CSV_V2), 0, NULL, NULL, NULL, &err),
	                 STORE_ERR_INPUT);
}

static void test_check_alone_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct catalog_import_stats st;
	store_err err;
	long n = -1;
	const char *bad = CSV_HEAD "GR-9,4870000000001,Соль,,шт,100,12\n";
	assert_int_equal(catalog_check_buffer(CSV_V1, strlen(CSV_V1), NULL, NULL, &st, &err), STORE_OK);
	assert_int_equal(st.rows, 2);
	assert_int_equal(catalog_check_buffer(bad, strlen(bad), NULL, NULL, &st, &err), STORE_ERR_INPUT);
	assert_int_equal(st.errors, 1);
	assert_int_equal(catalog_count(f->db, &n, &err), STORE_OK);
	assert_int_equal(n, 0);
}

static void test_users_replaced_by_name(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct user u;
	int64_t kept = 0;
	assert_int_equal(pin_add_user(f->db, "Айгерим", USER_CASHIER, "1111", &kept, &err), STORE_OK);
	assert_int_equal(pin_add_user(f->db, "local", USER_MANAGER, "2222", NULL, &err), STORE_OK);
	struct hubver_user list[] = {
		hub_user("Айгерим", USER_MANAGER, "3333"),
		hub_user("Boss", USER_MANAGER, "5555"),
	};
	struct hubver_users_stats st;
	assert_int_equal(hubver_users_replace(f->db, list, 2, 9, &st, &err), STORE_OK);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.updated, 1);
	assert_int_equal(st.disabled, 1);
	assert_int_equal(stamp(f->db, HUBVER_USERS), 9);
	assert_int_equal(users_get(f->db, "Айгерим", &u, &err), STORE_OK);
	assert_int_equal(u.id, kept);                 /* the same row: orders still name it */
	assert_int_equal(u.role, USER_MANAGER);
	assert_int_equal(login(f->db, "Айгерим", "3333"), USERS_PIN_OK); /* the hub's PIN */
	assert_int_equal(login(f->db, "Айгерим", "1111"), USERS_PIN_WRONG);
	assert_int_equal(login(f->db, "Boss", "5555"), USERS_PIN_OK);
	assert_int_equal(login(f->db, "local", "2222"), USERS_NO_SUCH_USER);
	assert_int_equal(users_get(f->db, "local", &u, &err), STORE_NOT_FOUND);
}

static void test_users_listed_again_come_back(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct user *all = NULL;
	int n = 0;
	struct hubver_user one[] = {hub_user("Boss", USER_MANAGER, "5555")};
	struct hubver_user two[] = {hub_user("Boss", USER_MANAGER, "5555"),
	                            hub_user("Айгуль", USER_CASHIER, "4321")};
	assert_int_equal(hubver_users_replace(f->db, two, 2, 1, NULL, &err), STORE_OK);
	assert_int_equal(hubver_users_replace(f->db, one, 1, 2, NULL, &err), STORE_OK);
	assert_int_equal(users_list(f->db, &all, &n, &err), STORE_OK);
	assert_int_equal(n, 1);
	free(all);
	assert_int_equal(login(f->db, "Айгуль", "4321"), USERS_NO_SUCH_USER);
	assert_int_equal(hubver_users_replace(f->db, two, 2, 3, NULL, &err), STORE_OK);
	assert_int_equal(login(f->db, "Айгуль", "4321"), USERS_PIN_OK);
}

static void test_bad_user_list_changes_nothing(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct hubver_user ok[] = {hub_user("Boss", USER_MANAGER, "5555")};
	struct hubver_user twice[] = {hub_user("Айгуль", USER_CASHIER, "4321"),
	                              hub_user("Айгуль", USER_MANAGER, "1234")};
	struct hubver_user blank[] = {hub_user(" x", USER_CASHIER, "4321")};
	assert_int_equal(hubver_users_replace(f->db, ok, 1, 5, NULL, &err), STORE_OK);
	assert_int_equal(hubver_users_replace(f->db, twice, 2, 6, NULL, &err), STORE_ERR_INPUT);
	assert_int_equal(hubver_users_replace(f->db, blank, 1, 6, NULL, &err), STORE_ERR_INPUT);
	twice[0].pin.iterations = 0;
	assert_int_equal(hubver_users_replace(f->db, twice, 1, 6, NULL, &err), STORE_ERR_INPUT);
	assert_int_equal(stamp(f->db, HUBVER_USERS), 5);
	assert_int_equal(login(f->db, "Boss", "5555"), USERS_PIN_OK);
}

static void test_basket_line_keeps_its_price_through_a_swap(void **state)
{
	struct fixture *f = *state;
	struct kp_product p;
	struct basket b;
	store_err err;
	basket_init(&b);
	import_ok(f->db, CSV_V1, 1);
	assert_int_equal(catalog_by_barcode(f->db, "4870000001002", &p, &err), STORE_OK);
	assert_int_equal(basket_add(&b, &p, 1, BASKET_ADD_NEW_LINE, NULL), BASKET_OK);
	import_ok(f->db, CSV_V2, 2);
	assert_int_equal(catalog_by_barcode(f->db, "4870000001002", &p, &err), STORE_OK);
	assert_int_equal(basket_add(&b, &p, 1, BASKET_ADD_NEW_LINE, NULL), BASKET_OK);
	assert_int_equal(b.count, 2);
	assert_int_equal(b.lines[0].unit_price, 54990);
	assert_int_equal(b.lines[1].unit_price, 60000);
	basket_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_stamp_reads_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catalog_import_writes_its_stamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_catalog_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_alone_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_users_replaced_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_users_listed_again_come_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_user_list_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_basket_line_keeps_its_price_through_a_swap, setup,
		                                teardown),
	};
	return cmocka_run_group_tests_name("hubver", tests, NULL, NULL);
}
