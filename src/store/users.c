/* users.c — users, their stored PINs and the login check with its
 * persistent lockout; the PIN itself is app/pin.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/validate.h"
#include "store/events.h"
#include "store/users.h"

const char *users_role_name(enum user_role role)
{
	return role == USER_MANAGER ? "manager" : "cashier";
}

bool users_role_parse(const char *text, enum user_role *role)
{
	if (text && strcmp(text, "cashier") == 0)
		*role = USER_CASHIER;
	else if (text && strcmp(text, "manager") == 0)
		*role = USER_MANAGER;
	else
		return false;
	return true;
}

bool users_name_valid(const char *name, store_err *err)
{
	long chars = name ? kp_utf8_length(name) : -1;
	bool control = false;

	for (const char *p = name; p && *p; p++)
		control |= (unsigned char)*p < 0x20 || *p == 0x7f;
	if (!name || !*name)
		store_set_err(err, STORE_ERR_INPUT, USER_NAME_EMPTY);
	else if (chars < 0)
		store_set_err(err, STORE_ERR_INPUT, USER_NAME_UTF8);
	else if (chars > USERS_NAME_CHARS || strlen(name) >= USERS_NAME_SIZE)
		store_set_err(err, STORE_ERR_INPUT, USER_NAME_LONG);
	else if (name[0] == ' ' || name[strlen(name) - 1] == ' ')
		store_set_err(err, STORE_ERR_INPUT, USER_NAME_SPACE);
	else if (control)
		store_set_err(err, STORE_ERR_INPUT, USER_NAME_CONTROL);
	else
		return true;
	return false;
}

store_status users_add(store_db *db, const char *name, enum user_role role,
                       const struct users_pin *pin, int64_t *id, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	if (!users_name_valid(name, err))
		return STORE_ERR_INPUT;
	if (!pin || pin->iterations <= 0)
		return store_set_err(err, STORE_ERR_INPUT, USER_NO_PIN);

	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = db_prepare(db,
	               "INSERT INTO users(name, role, pin_salt, pin_hash, pin_iterations, created_at)"
	               " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	               &st, err);
	if (s == STORE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, users_role_name(role), -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, pin->salt, sizeof pin->salt, SQLITE_STATIC);
		sqlite3_bind_blob(st, 4, pin->hash, sizeof pin->hash, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, pin->iterations);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)db_now(db));
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc == SQLITE_CONSTRAINT_UNIQUE)
			s = store_set_err(err, STORE_ERR_EXISTS, USER_EXISTS, name);
		else if (rc != SQLITE_DONE)
			s = db_fail(db, rc, err);
	}
	if (s == STORE_OK) {
		int64_t new_id = sqlite3_last_insert_rowid(db_sqlite(db));
		char detail[EVENT_DETAIL_SIZE];
		snprintf(detail, sizeof detail, "%s as %s", name, users_role_name(role));
		s = events_append(db, 0, EVENT_USER_ADD, detail, err);
		if (id)
			*id = new_id;
	}
	if (s == STORE_OK)
		s = db_commit(db, err);
	else
		db_rollback(db);
	return s;
}

/* Copies the columns id, name, role, failed_count, locked_until,
 * created_at of the current row into *u. */
static void users_read_row(sqlite3_stmt *st, struct user *u)
{
	const char *name = (const char *)sqlite3_column_text(st, 1);
	const char *role = (const char *)sqlite3_column_text(st, 2);

	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, 0);
	snprintf(u->name, sizeof u->name, "%s", name ? name : "");
	if (!users_role_parse(role, &u->role))
		u->role = USER_CASHIER;
	u->failed_count = sqlite3_column_int(st, 3);
	u->locked_until = (time_t)sqlite3_column_int64(st, 4);
	u->created_at = (time_t)sqlite3_column_int64(st, 5);
}

#define USER_COLUMNS "id, name, role, failed_count, locked_until, created_at"
/* a user the hub's list left out (store/hubver.h) is no user to log in as */
#define USER_ACTIVE "id NOT IN (SELECT user_id FROM users_disabled)"

store_status users_list(store_db *db, struct user **out, int *count, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	struct user *list = NULL;
	int n = 0, rc;
	size_t cap = 0;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if ((s = db_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE " USER_ACTIVE " ORDER BY name, id",
	                    &st, err)) != STORE_OK)
		return s;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!KP_GROW(list, cap, (size_t)n + 1, 16)) {
			sqlite3_finalize(st);
			free(list);
			return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
		}
		users_read_row(st, &list[n++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(list);
		return db_fail(db, rc, err);
	}
	*out = list;
	*count = n;
	return STORE_OK;
}

store_status users_get(store_db *db, const char *name, struct user *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	if ((s = db_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE name = ?1 AND " USER_ACTIVE,
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		users_read_row(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : db_fail(db, rc, err);
}

long users_locked_for(const struct user *u, time_t now)
{
	if (u->locked_until <= now)
		return 0;
	/* a clock set back must not stretch a lock beyond its length */
	long left = (long)(u->locked_until - now);
	return left > USERS_LOCK_SECONDS ? USERS_LOCK_SECONDS : left;
}

/* Writes the wrong-PIN count and the lock of user id. */
static store_status users_set_lock(store_db *db, int64_t id, int failed, time_t locked_until,
                                   store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, "UPDATE users SET failed_count = ?1, locked_until = ?2 WHERE id = ?3",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int(st, 1, failed);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)locked_until);
	sqlite3_bind_int64(st, 3, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

/* The stored PIN of the current row (columns 6, 7, 8) given to matches:
 * true when it says the PIN is the one. A row whose PIN is not as the
 * schema writes it matches nothing. */
static bool users_pin_matches(sqlite3_stmt *st, users_pin_fn matches, void *arg)
{
	struct users_pin stored = {.iterations = sqlite3_column_int(st, 8)};
	const void *salt = sqlite3_column_blob(st, 6);
	const void *hash = sqlite3_column_blob(st, 7);

	if (!matches || !salt || !hash || sqlite3_column_bytes(st, 6) != USERS_SALT_LEN ||
	    sqlite3_column_bytes(st, 7) != USERS_HASH_LEN || stored.iterations <= 0)
		return false;
	memcpy(stored.salt, salt, USERS_SALT_LEN);
	memcpy(stored.hash, hash, USERS_HASH_LEN);
	return matches(arg, &stored);
}

store_status users_matches(store_db *db, const char *name, users_pin_fn matches, void *arg,
                           bool *match, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	*match = false;
	if ((s = db_prepare(db,
	                    "SELECT " USER_COLUMNS ", pin_salt, pin_hash, pin_iterations"
	                    " FROM users WHERE name = ?1 AND " USER_ACTIVE,
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*match = users_pin_matches(st, matches, arg);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, rc, err);
	return STORE_OK;
}

/* The check itself, inside the caller's transaction. */
static store_status users_check_pin(store_db *db, const char *name, users_pin_fn matches,
                                    void *arg, struct users_check *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	struct user u;
	char detail[EVENT_DETAIL_SIZE];
	time_t now = db_now(db);

	if ((s = db_prepare(db,
	                    "SELECT " USER_COLUMNS ", pin_salt, pin_hash, pin_iterations"
	                    " FROM users WHERE name = ?1 AND " USER_ACTIVE,
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, rc, err);
		out->verdict = USERS_NO_SUCH_USER;
		return events_append(db, 0, EVENT_LOGIN_UNKNOWN, name, err);
	}
	users_read_row(st, &u);
	out->user_id = u.id;
	out->role = u.role;
	if ((out->locked_for = users_locked_for(&u, now)) > 0) {
		sqlite3_finalize(st);
		out->verdict = USERS_LOCKED;
		snprintf(detail, sizeof detail, "locked for %ld s more", out->locked_for);
		return events_append(db, u.id, EVENT_LOGIN_LOCKED, detail, err);
	}
	bool match = users_pin_matches(st, matches, arg);
	sqlite3_finalize(st);

	if (match) {
		out->verdict = USERS_PIN_OK;
		s = users_set_lock(db, u.id, 0, 0, err);
		return s == STORE_OK ? events_append(db, u.id, EVENT_LOGIN, NULL, err) : s;
	}
	int failed = u.failed_count + 1;
	out->verdict = USERS_PIN_WRONG;
	out->tries_left = failed >= USERS_LOCK_TRIES ? 0 : USERS_LOCK_TRIES - failed;
	snprintf(detail, sizeof detail, "%d of %d", failed, USERS_LOCK_TRIES);
	s = events_append(db, u.id, EVENT_PIN_WRONG, detail, err);
	if (s != STORE_OK)
		return s;
	if (failed < USERS_LOCK_TRIES)
		return users_set_lock(db, u.id, failed, 0, err);
	out->locked_for = USERS_LOCK_SECONDS;
	snprintf(detail, sizeof detail, "%d wrong PINs: locked for %d s", failed, USERS_LOCK_SECONDS);
	s = users_set_lock(db, u.id, 0, now + USERS_LOCK_SECONDS, err);
	return s == STORE_OK ? events_append(db, u.id, EVENT_USER_LOCKED, detail, err) : s;
}

store_status users_verify(store_db *db, const char *name, users_pin_fn matches, void *arg,
                          struct users_check *out, store_err *err)
{
	store_status s;

	store_err_clear(err);
	memset(out, 0, sizeof *out);
	out->verdict = USERS_NO_SUCH_USER;
	if (!name || !matches)
		return store_set_err(err, STORE_ERR_INPUT, USER_NAME_AND_PIN);
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = users_check_pin(db, name, matches, arg, out, err);
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	return db_commit(db, err);
}
