/* shifts.c — opening and reading the current shift. */
#include <string.h>

#include "store/events.h"
#include "store/shifts.h"

/* Reads the open shift, if any, without a transaction of its own. */
static store_status shifts_read_open(store_db *db, struct shift *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db,
	                    "SELECT id, opened_at, opened_by FROM shifts WHERE closed_at IS NULL"
	                    " ORDER BY id DESC LIMIT 1",
	                    &st, err)) != STORE_OK)
		return s;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		time_t now = db_now(db);
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(st, 0);
		out->opened_at = (time_t)sqlite3_column_int64(st, 1);
		out->opened_by = sqlite3_column_int64(st, 2); /* NULL reads as 0 */
		out->age = now > out->opened_at ? (long)(now - out->opened_at) : 0;
		out->stale = out->age > SHIFTS_STALE_SECONDS;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : db_fail(db, rc, err);
}

store_status shifts_get_open(store_db *db, struct shift *out, store_err *err)
{
	store_err_clear(err);
	return shifts_read_open(db, out, err);
}

/* Inserts a new open shift and logs it, inside the caller's transaction. */
static store_status shifts_insert(store_db *db, int64_t user_id, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db, "INSERT INTO shifts(opened_at, opened_by) VALUES (?1, ?2)", &st,
	                    err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)db_now(db));
	if (user_id > 0)
		sqlite3_bind_int64(st, 2, user_id);
	else
		sqlite3_bind_null(st, 2);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err);
	return events_append(db, user_id, EVENT_SHIFT_OPEN, NULL, err);
}

store_status shifts_ensure_open(store_db *db, int64_t user_id, struct shift *out, bool *opened,
                                store_err *err)
{
	store_status s;
	bool made = false;

	store_err_clear(err);
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = shifts_read_open(db, out, err);
	if (s == STORE_NOT_FOUND) {
		s = shifts_insert(db, user_id, err);
		if (s == STORE_OK)
			s = shifts_read_open(db, out, err);
		made = s == STORE_OK;
	}
	if (s != STORE_OK) {
		db_rollback(db);
		return s == STORE_NOT_FOUND
		               ? store_set_err(err, STORE_ERR_INTERNAL, SHIFT_READ_BACK)
		               : s;
	}
	if ((s = db_commit(db, err)) != STORE_OK)
		return s;
	if (opened)
		*opened = made;
	return STORE_OK;
}

store_status shifts_close(store_db *db, int64_t shift_id, time_t closed_at, int64_t z_number,
                          store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db,
	                    "UPDATE shifts SET closed_at = ?2, z_number = ?3"
	                    " WHERE id = ?1 AND closed_at IS NULL",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, shift_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)closed_at);
	sqlite3_bind_int64(st, 3, z_number);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err);
	if (sqlite3_changes(db_sqlite(db)) != 1)
		return store_set_err(err, STORE_ERR_STATE, SHIFT_NOT_OPEN, (long long)shift_id);
	return STORE_OK;
}

store_status shifts_get(store_db *db, int64_t id, struct shift *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	if ((s = db_prepare(db, "SELECT id, opened_at, opened_by, closed_at, z_number FROM shifts"
	                        " WHERE id = ?1",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		time_t now = db_now(db);
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(st, 0);
		out->opened_at = (time_t)sqlite3_column_int64(st, 1);
		out->opened_by = sqlite3_column_int64(st, 2);
		out->closed_at = (time_t)sqlite3_column_int64(st, 3);
		out->z_number = sqlite3_column_int64(st, 4);
		time_t end = out->closed_at ? out->closed_at : now;
		out->age = end > out->opened_at ? (long)(end - out->opened_at) : 0;
		out->stale = !out->closed_at && out->age > SHIFTS_STALE_SECONDS;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : db_fail(db, rc, err);
}
