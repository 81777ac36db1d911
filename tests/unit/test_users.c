/* test_users.c — users and PINs: salted PBKDF2-HMAC-SHA256 hashes
 * (app/pin.h), the store's checks asking the caller's comparison, the
 * login verdicts, the five-try lockout that outlives a restart, asking
 * whose PIN it is without counting, and the events every check leaves.
 * Real SQLite files in a mkdtemp folder. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "app/i18n.h"
#include "app/pin.h"
#include "store/db.h"
#include "store/events.h"
#include "store/users.h"

struct fixture {
	char dir[256];
	char path[300];
	store_db *db;
};

static time_t fake_now = 1790000000;

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

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "%s/kp-users-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kaspi-pos.db", f->dir);
	fake_now = 1790000000;
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

static int64_t add_ok(store_db *db, const char *name, enum user_role role, const char *pin)
{
	store_err err;
	int64_t id = 0;
	if (pin_add_user(db, name, role, pin, &id, &err) != STORE_OK)
		fail_msg("pin_add_user %s: %s", name, kp_msg_text(&err.msg));
	return id;
}

static struct users_check check(store_db *db, const char *name, const char *pin)
{
	store_err err;
	struct users_check c;
	if (pin_verify(db, name, pin, &c, &err) != STORE_OK)
		fail_msg("pin_verify: %s", kp_msg_text(&err.msg));
	return c;
}

static int count_events(store_db *db, const char *kind)
{
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db_sqlite(db), "SELECT count(*) FROM events WHERE kind = ?1", -1, &st, NULL);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The stored salt, hash and iteration count of a user. */
static void stored_pin(store_db *db, const char *name, unsigned char *salt, unsigned char *hash,
                       int *iterations)
{
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db_sqlite(db),
	                   "SELECT pin_salt, pin_hash, pin_iterations FROM users WHERE name = ?1", -1,
	                   &st, NULL);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), USERS_SALT_LEN);
	assert_int_equal(sqlite3_column_bytes(st, 1), USERS_HASH_LEN);
	memcpy(salt, sqlite3_column_blob(st, 0), USERS_SALT_LEN);
	memcpy(hash, sqlite3_column_blob(st, 1), USERS_HASH_LEN);
	*iterations = sqlite3_column_int(st, 2);
	sqlite3_finalize(st);
}

static void the_same_pin_gives_different_salts_and_hashes(void **state)
{
	struct fixture *f = *state;
	unsigned char s1[USERS_SALT_LEN], h1[USERS_HASH_LEN], s2[USERS_SALT_LEN], h2[USERS_HASH_LEN];
	int it1, it2;
	add_ok(f->db, "Айгүл", USER_CASHIER, "1234");
	add_ok(f->db, "Ерлан", USER_CASHIER, "1234");
	stored_pin(f->db, "Айгүл", s1, h1, &it1);
	stored_pin(f->db, "Ерлан", s2, h2, &it2);
	assert_memory_not_equal(s1, s2, USERS_SALT_LEN);
	assert_memory_not_equal(h1, h2, USERS_HASH_LEN);
	assert_int_equal(it1, PIN_ITERATIONS);
}

static void the_hash_is_pbkdf2_hmac_sha256_of_pin_and_salt(void **state)
{
	struct fixture *f = *state;
	unsigned char salt[USERS_SALT_LEN], hash[USERS_HASH_LEN], want[USERS_HASH_LEN];
	int iterations;
	add_ok(f->db, "Дана", USER_MANAGER, "90817263");
	stored_pin(f->db, "Дана", salt, hash, &iterations);
	assert_int_equal(PKCS5_PBKDF2_HMAC("90817263", 8, salt, sizeof salt, iterations, EVP_sha256(),
	                                   sizeof want, want),
	                 1);
	assert_memory_equal(hash, want, sizeof want);
}

static void the_right_pin_logs_in_and_a_wrong_one_does_not(void **state)
{
	struct fixture *f = *state;
	int64_t id = add_ok(f->db, "Manager", USER_MANAGER, "4321");
	struct users_check c = check(f->db, "Manager", "4321");
	assert_int_equal(c.verdict, USERS_PIN_OK);
	assert_int_equal(c.user_id, id);
	assert_int_equal(c.role, USER_MANAGER);
	c = check(f->db, "Manager", "4322");
	assert_int_equal(c.verdict, USERS_PIN_WRONG);
	assert_int_equal(c.tries_left, USERS_LOCK_TRIES - 1);
	c = check(f->db, "Manager", "");
	assert_int_equal(c.verdict, USERS_PIN_WRONG);
	c = check(f->db, "Manager", "43210");
	assert_int_equal(c.verdict, USERS_PIN_WRONG);
}

static void an_unknown_name_is_no_such_user(void **state)
{
	struct fixture *f = *state;
	struct users_check c = check(f->db, "Nobody", "1234");
	assert_int_equal(c.verdict, USERS_NO_SUCH_USER);
	assert_int_equal(c.user_id, 0);
	assert_int_equal(count_events(f->db, EVENT_LOGIN_UNKNOWN), 1);
}

static void five_wrong_pins_lock_the_user_for_60_seconds(void **state)
{
	struct fixture *f = *state;
	struct users_check c;
	add_ok(f->db, "Cashier", USER_CASHIER, "1111");
	for (int i = 1; i <= USERS_LOCK_TRIES; i++) {
		c = check(f->db, "Cashier", "9999");
		assert_int_equal(c.verdict, USERS_PIN_WRONG);
		assert_int_equal(c.tries_left, USERS_LOCK_TRIES - i);
	}
	assert_int_equal(c.locked_for, USERS_LOCK_SECONDS);
	c = check(f->db, "Cashier", "1111"); /* even the right PIN */
	assert_int_equal(c.verdict, USERS_LOCKED);
	assert_int_equal(c.locked_for, 60);
	fake_now += 59;
	c = check(f->db, "Cashier", "1111");
	assert_int_equal(c.verdict, USERS_LOCKED);
	assert_int_equal(c.locked_for, 1);
	fake_now += 1;
	c = check(f->db, "Cashier", "1111");
	assert_int_equal(c.verdict, USERS_PIN_OK);
}

static void the_lock_survives_reopening_the_database(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct user u;
	add_ok(f->db, "Cashier", USER_CASHIER, "1111");
	for (int i = 0; i < USERS_LOCK_TRIES; i++)
		check(f->db, "Cashier", "0000");
	db_close(f->db);
	f->db = open_ok(f);
	fake_now += 10;
	struct users_check c = check(f->db, "Cashier", "1111");
	assert_int_equal(c.verdict, USERS_LOCKED);
	assert_int_equal(c.locked_for, 50);
	assert_int_equal(users_get(f->db, "Cashier", &u, &err), STORE_OK);
	assert_int_equal(users_locked_for(&u, fake_now), 50);
}

static void wrong_pins_count_across_a_restart(void **state)
{
	struct fixture *f = *state;
	add_ok(f->db, "Cashier", USER_CASHIER, "1111");
	for (int i = 0; i < USERS_LOCK_TRIES - 1; i++)
		check(f->db, "Cashier", "0000");
	db_close(f->db);
	f->db = open_ok(f);
	struct users_check c = check(f->db, "Cashier", "0000");
	assert_int_equal(c.verdict, USERS_PIN_WRONG);
	assert_int_equal(c.tries_left, 0);
	assert_int_equal(check(f->db, "Cashier", "1111").verdict, USERS_LOCKED);
}

static void a_right_pin_resets_the_count(void **state)
{
	struct fixture *f = *state;
	add_ok(f->db, "Cashier", USER_CASHIER, "1111");
	for (int i = 0; i < USERS_LOCK_TRIES - 1; i++)
		check(f->db, "Cashier", "0000");
	assert_int_equal(check(f->db, "Cashier", "1111").verdict, USERS_PIN_OK);
	for (int i = 0; i < USERS_LOCK_TRIES - 1; i++)
		assert_int_equal(check(f->db, "Cashier", "0000").verdict, USERS_PIN_WRONG);
	assert_int_equal(check(f->db, "Cashier", "1111").verdict, USERS_PIN_OK);
}

static void a_clock_set_back_does_not_stretch_the_lock(void **state)
{
	struct fixture *f = *state;
	add_ok(f->db, "Cashier", USER_CASHIER, "1111");
	for (int i = 0; i < USERS_LOCK_TRIES; i++)
		check(f->db, "Cashier", "0000");
	fake_now -= 3600;
	struct users_check c = check(f->db, "Cashier", "1111");
	assert_int_equal(c.verdict, USERS_LOCKED);
	assert_int_equal(c.locked_for, USERS_LOCK_SECONDS);
}

static void every_check_is_written_to_events(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct event ev[16];
	int n = 0;
	int64_t id = add_ok(f->db, "Cashier", USER_CASHIER, "1111");
	assert_int_equal(count_events(f->db, EVENT_USER_ADD), 1);
	check(f->db, "Cashier", "1111");
	for (int i = 0; i < USERS_LOCK_TRIES; i++)
		check(f->db, "Cashier", "0000");
	check(f->db, "Cashier", "1111");
	check(f->db, "Ghost", "1111");
	assert_int_equal(count_events(f->db, EVENT_LOGIN), 1);
	assert_int_equal(count_events(f->db, EVENT_PIN_WRONG), USERS_LOCK_TRIES);
	assert_int_equal(count_events(f->db, EVENT_USER_LOCKED), 1);
	assert_int_equal(count_events(f->db, EVENT_LOGIN_LOCKED), 1);
	assert_int_equal(count_events(f->db, EVENT_LOGIN_UNKNOWN), 1);
	assert_int_equal(events_recent(f->db, EVENT_PIN_WRONG, ev, 16, &n, &err), STORE_OK);
	assert_int_equal(n, USERS_LOCK_TRIES);
	assert_int_equal(ev[0].user_id, id);
	assert_int_equal(ev[0].at, fake_now);
	for (int i = 0; i < n; i++) /* the PIN tried is never logged */
		assert_null(strstr(ev[i].detail, "0000"));
}

static void pins_are_4_to_8_digits(void **state)
{
	struct fixture *f = *state;
	store_err err;
	assert_true(pin_valid("1234"));
	assert_true(pin_valid("12345678"));
	assert_false(pin_valid("123"));
	assert_false(pin_valid("123456789"));
	assert_false(pin_valid("12a4"));
	assert_false(pin_valid(" 1234"));
	assert_false(pin_valid(NULL));
	assert_int_equal(pin_add_user(f->db, "Bob", USER_CASHIER, "12", NULL, &err), STORE_ERR_INPUT);
	assert_non_null(strstr(kp_msg_text(&err.msg), "4 to 8 digits"));
}

static void names_are_unique_and_checked(void **state)
{
	struct fixture *f = *state;
	store_err err;
	add_ok(f->db, "Bob", USER_CASHIER, "1234");
	assert_int_equal(pin_add_user(f->db, "Bob", USER_MANAGER, "5678", NULL, &err), STORE_ERR_EXISTS);
	assert_non_null(strstr(kp_msg_text(&err.msg), "already exists"));
	assert_int_equal(pin_add_user(f->db, "", USER_CASHIER, "1234", NULL, &err), STORE_ERR_INPUT);
	assert_int_equal(pin_add_user(f->db, " Bob", USER_CASHIER, "1234", NULL, &err), STORE_ERR_INPUT);
	assert_int_equal(pin_add_user(f->db, "Bo\nb", USER_CASHIER, "1234", NULL, &err), STORE_ERR_INPUT);
	assert_int_equal(pin_add_user(f->db, "\xff\xfe", USER_CASHIER, "1234", NULL, &err), STORE_ERR_INPUT);
	assert_int_equal(pin_add_user(f->db, "ӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘӘ", USER_CASHIER, "1234",
	                           NULL, &err),
	                 STORE_ERR_INPUT); /* 33 characters */
}

static void the_list_is_sorted_with_roles_and_locks(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct user *list = NULL;
	int n = 0;
	add_ok(f->db, "Серік", USER_MANAGER, "1234");
	add_ok(f->db, "Ainur", USER_CASHIER, "1234");
	for (int i = 0; i < USERS_LOCK_TRIES; i++)
		check(f->db, "Ainur", "0000");
	assert_int_equal(users_list(f->db, &list, &n, &err), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "Ainur");
	assert_int_equal(list[0].role, USER_CASHIER);
	assert_int_equal(users_locked_for(&list[0], fake_now), 60);
	assert_string_equal(list[1].name, "Серік");
	assert_int_equal(list[1].role, USER_MANAGER);
	assert_int_equal(users_locked_for(&list[1], fake_now), 0);
	free(list);
	enum user_role r;
	assert_true(users_role_parse("manager", &r));
	assert_int_equal(r, USER_MANAGER);
	assert_false(users_role_parse("admin", &r));
}

/* What a stub comparison was given, and what it answers. */
struct stub {
	bool answer;
	int calls;
	struct users_pin seen;
};

static bool stub_matches(void *arg, const struct users_pin *stored)
{
	struct stub *s = arg;
	s->calls++;
	s->seen = *stored;
	return s->answer;
}

/* The store keeps the salt, hash and count as given, and its check asks
 * the caller's comparison with them: it never sees a PIN. */
static void the_store_checks_with_the_callers_comparison(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct users_check c;
	unsigned char salt[USERS_SALT_LEN], hash[USERS_HASH_LEN];
	int iterations;
	add_ok(f->db, "Асель", USER_CASHIER, "2468");
	stored_pin(f->db, "Асель", salt, hash, &iterations);

	struct stub no = {.answer = false};
	assert_int_equal(users_verify(f->db, "Асель", stub_matches, &no, &c, &err), STORE_OK);
	assert_int_equal(c.verdict, USERS_PIN_WRONG);
	assert_int_equal(no.calls, 1);
	assert_memory_equal(no.seen.salt, salt, USERS_SALT_LEN);
	assert_memory_equal(no.seen.hash, hash, USERS_HASH_LEN);
	assert_int_equal(no.seen.iterations, iterations);
	struct stub yes = {.answer = true};
	assert_int_equal(users_verify(f->db, "Асель", stub_matches, &yes, &c, &err), STORE_OK);
	assert_int_equal(c.verdict, USERS_PIN_OK);
	assert_true(pin_matches("2468", &yes.seen));
	assert_false(pin_matches("2469", &yes.seen));
}

/* Asking whose PIN it is (pin_is) counts no wrong try and logs nothing. */
static void asking_whose_pin_it_is_counts_nothing(void **state)
{
	struct fixture *f = *state;
	store_err err;
	struct user u;
	bool match = true;
	add_ok(f->db, "Manager", USER_MANAGER, "4321");
	int events = count_events(f->db, EVENT_PIN_WRONG) + count_events(f->db, EVENT_LOGIN);
	for (int i = 0; i < USERS_LOCK_TRIES + 1; i++) {
		assert_int_equal(pin_is(f->db, "Manager", "0000", &match, &err), STORE_OK);
		assert_false(match);
	}
	assert_int_equal(pin_is(f->db, "Manager", "4321", &match, &err), STORE_OK);
	assert_true(match);
	assert_int_equal(pin_is(f->db, "Nobody", "4321", &match, &err), STORE_OK);
	assert_false(match);
	assert_int_equal(users_get(f->db, "Manager", &u, &err), STORE_OK);
	assert_int_equal(u.failed_count, 0);
	assert_int_equal(users_locked_for(&u, fake_now), 0);
	assert_int_equal(count_events(f->db, EVENT_PIN_WRONG) + count_events(f->db, EVENT_LOGIN), events);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_same_pin_gives_different_salts_and_hashes, setup, teardown),
		cmocka_unit_test_setup_teardown(the_hash_is_pbkdf2_hmac_sha256_of_pin_and_salt, setup, teardown),
		cmocka_unit_test_setup_teardown(the_right_pin_logs_in_and_a_wrong_one_does_not, setup, teardown),
		cmocka_unit_test_setup_teardown(an_unknown_name_is_no_such_user, setup, teardown),
		cmocka_unit_test_setup_teardown(five_wrong_pins_lock_the_user_for_60_seconds, setup, teardown),
		cmocka_unit_test_setup_teardown(the_lock_survives_reopening_the_database, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_pins_count_across_a_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(a_right_pin_resets_the_count, setup, teardown),
		cmocka_unit_test_setup_teardown(a_clock_set_back_does_not_stretch_the_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(every_check_is_written_to_events, setup, teardown),
		cmocka_unit_test_setup_teardown(pins_are_4_to_8_digits, setup, teardown),
		cmocka_unit_test_setup_teardown(names_are_unique_and_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(the_list_is_sorted_with_roles_and_locks, setup, teardown),
		cmocka_unit_test_setup_teardown(the_store_checks_with_the_callers_comparison, setup, teardown),
		cmocka_unit_test_setup_teardown(asking_whose_pin_it_is_counts_nothing, setup, teardown),
	};
	return cmocka_run_group_tests_name("users", tests, NULL, NULL);
}
