/* events.c — appending to and reading the events log. */
#include <stdio.h>
#include <string.h>

#include "store/events.h"

store_status events_append(store_db *db, int64_t user_id, const char *kind, const char *detail,
                           store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	if (!kind || !*kind)
		return store_set_err(err, STORE_ERR_INPUT, EVENT_NO_KIND);
	if ((s = db_prepare(db,
	                    "INSERT INTO events(at, user_id, kind, detail) VALUES (?1, ?2, ?3, ?4)",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)db_now(db));
	if (user_id > 0)
		sqlite3_bind_int64(st, 2, user_id);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, detail ? detail : "", -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

store_status events_recent(store_db *db, const char *kind, struct event *out, int max, int *count,
                           store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	int rc;

	store_err_clear(err);
	*count = 0;
	if ((s = db_prepare(db,
	                    "SELECT id, at, user_id, kind, detail FROM events"
	                    " WHERE ?1 IS NULL OR kind = ?1 ORDER BY id DESC LIMIT ?2",
	                    &st, err)) != STORE_OK)
		return s;
	if (kind)
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, max > 0 ? max : 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct event *e = &out[(*count)++];
		const char *k = (const char *)sqlite3_column_text(st, 3);
		const char *d = (const char *)sqlite3_column_text(st, 4);
		e->id = sqlite3_column_int64(st, 0);
		e->at = (time_t)sqlite3_column_int64(st, 1);
		e->user_id = sqlite3_column_int64(st, 2); /* NULL reads as 0 */
		snprintf(e->kind, sizeof e->kind, "%s", k ? k : "");
		snprintf(e->detail, sizeof e->detail, "%s", d ? d : "");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}
