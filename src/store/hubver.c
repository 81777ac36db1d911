/* hubver.c — the hub's version stamps and the users it sends (hubver.h). */
#include <stdio.h>
#include <string.h>

#include "store/events.h"
#include "store/hubver.h"

store_status hubver_get(store_db *db, const char *kind, int64_t *version, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	*version = 0;
	if ((s = db_prepare(db, "SELECT version FROM hub_versions WHERE kind = ?1", &st, err)) !=
	    STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

store_status hubver_set(store_db *db, const char *kind, int64_t version, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db,
	                    "INSERT INTO hub_versions (kind, version, taken_at) VALUES (?1, ?2, ?3)"
	                    " ON CONFLICT (kind) DO UPDATE SET version = excluded.version,"
	                    " taken_at = excluded.taken_at",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, version);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)db_now(db));
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

/* Checks the list before anything changes: names valid and each once,
 * every PIN with its rounds. */
static bool hubver_users_valid(const struct hubver_user *list, int n, store_err *err)
{
	for (int i = 0; i < n; i++) {
		if (!users_name_valid(list[i].name, err))
			return false;
		if (list[i].pin.iterations <= 0) {
			store_set_err(err, STORE_ERR_INPUT, USER_NO_PIN);
			return false;
		}
		for (int j = 0; j < i; j++)
			if (strcmp(list[i].name, list[j].name) == 0) {
				store_set_err(err, STORE_ERR_INPUT, USER_EXISTS, list[i].name);
				return false;
			}
	}
	return true;
}

/* Runs st (its values bound) to its end and resets it. */
static store_status hubver_step(store_db *db, sqlite3_stmt *st, store_err *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

/* The id of the user called name (disabled or not) into *id; 0: none. */
static store_status hubver_user_id(store_db *db, const char *name, int64_t *id, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	*id = 0;
	if ((s = db_prepare(db, "SELECT id FROM users WHERE name = ?1", &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

/* Sets the role (only when it changed: the outbox ships a role change),
 * the PIN, and takes the user out of users_disabled. */
static store_status hubver_user_update(store_db *db, int64_t id, const struct hubver_user *u,
                                       store_err *err)
{
	static const char *const sql[] = {
		"UPDATE users SET role = ?2 WHERE id = ?1 AND role IS NOT ?2",
		"UPDATE users SET pin_salt = ?3, pin_hash = ?4, pin_iterations = ?5 WHERE id = ?1"
		" AND (pin_salt IS NOT ?3 OR pin_hash IS NOT ?4 OR pin_iterations IS NOT ?5)",
		"DELETE FROM users_disabled WHERE user_id = ?1",
	};
	store_status s = STORE_OK;
	for (size_t i = 0; s == STORE_OK && i < sizeof sql / sizeof *sql; i++) {
		sqlite3_stmt *st;
		if ((s = db_prepare(db, sql[i], &st, err)) != STORE_OK)
			return s;
		int np = sqlite3_bind_parameter_count(st);
		sqlite3_bind_int64(st, 1, id);
		if (np >= 2)
			sqlite3_bind_text(st, 2, users_role_name(u->role), -1, SQLITE_STATIC);
		if (np >= 3) {
			sqlite3_bind_blob(st, 3, u->pin.salt, sizeof u->pin.salt, SQLITE_STATIC);
			sqlite3_bind_blob(st, 4, u->pin.hash, sizeof u->pin.hash, SQLITE_STATIC);
			sqlite3_bind_int(st, 5, u->pin.iterations);
		}
		s = hubver_step(db, st, err);
		sqlite3_finalize(st);
	}
	return s;
}

static store_status hubver_user_insert(store_db *db, const struct hubver_user *u, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	char detail[EVENT_DETAIL_SIZE];

	if ((s = db_prepare(db,
	                    "INSERT INTO users(name, role, pin_salt, pin_hash, pin_iterations,"
	                    " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, u->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, users_role_name(u->role), -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, u->pin.salt, sizeof u->pin.salt, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, u->pin.hash, sizeof u->pin.hash, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, u->pin.iterations);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)db_now(db));
	s = hubver_step(db, st, err);
	sqlite3_finalize(st);
	if (s != STORE_OK)
		return s;
	snprintf(detail, sizeof detail, "%s as %s, from the hub", u->name, users_role_name(u->role));
	return events_append(db, 0, EVENT_USER_ADD, detail, err);
}

/* Disables every enabled user whose name is not in list; *count of them. */
static store_status hubver_users_disable(store_db *db, const struct hubver_user *list, int n,
                                         int *count, store_err *err)
{
	sqlite3 *sql = db_sqlite(db);
	sqlite3_stmt *st;
	store_status s;

	int rc = sqlite3_exec(sql,
	                      "CREATE TEMP TABLE IF NOT EXISTS hub_names (name TEXT PRIMARY KEY);"
	                      "DELETE FROM temp.hub_names;",
	                      NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, err);
	if ((s = db_prepare(db, "INSERT INTO temp.hub_names (name) VALUES (?1)", &st, err)) !=
	    STORE_OK)
		return s;
	for (int i = 0; s == STORE_OK && i < n; i++) {
		sqlite3_bind_text(st, 1, list[i].name, -1, SQLITE_STATIC);
		s = hubver_step(db, st, err);
	}
	sqlite3_finalize(st);
	if (s != STORE_OK)
		return s;
	if ((s = db_prepare(db,
	                    "INSERT INTO users_disabled (user_id, at) SELECT id, ?1 FROM users"
	                    " WHERE name NOT IN (SELECT name FROM temp.hub_names)"
	                    " AND id NOT IN (SELECT user_id FROM users_disabled)",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)db_now(db));
	s = hubver_step(db, st, err);
	sqlite3_finalize(st);
	*count = sqlite3_changes(sql);
	rc = sqlite3_exec(sql, "DROP TABLE temp.hub_names", NULL, NULL, NULL);
	return s != STORE_OK || rc == SQLITE_OK ? s : db_fail(db, rc, err);
}

store_status hubver_users_replace(store_db *db, const struct hubver_user *list, int n,
                                  int64_t version, struct hubver_users_stats *stats,
                                  store_err *err)
{
	struct hubver_users_stats local;
	store_status s;

	store_err_clear(err);
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	if (version < 1)
		return store_set_err(err, STORE_ERR_INPUT, HUB_VERSION, (long long)version);
	if (!hubver_users_valid(list, n, err))
		return STORE_ERR_INPUT;
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	for (int i = 0; s == STORE_OK && i < n; i++) {
		int64_t id;
		if ((s = hubver_user_id(db, list[i].name, &id, err)) != STORE_OK)
			break;
		if (id) {
			s = hubver_user_update(db, id, &list[i], err);
			stats->updated++;
		} else {
			s = hubver_user_insert(db, &list[i], err);
			stats->added++;
		}
	}
	if (s == STORE_OK)
		s = hubver_users_disable(db, list, n, &stats->disabled, err);
	if (s == STORE_OK)
		s = hubver_set(db, HUBVER_USERS, version, err);
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	return db_commit(db, err);
}
