/* held.c — holding and recalling baskets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/validate.h"
#include "store/events.h"
#include "store/held.h"

store_status held_put(store_db *db, int64_t user_id, const char *label, const char *content,
                      int64_t *id, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	char detail[EVENT_DETAIL_SIZE];

	store_err_clear(err);
	if (!label)
		label = "";
	if (!content || !*content)
		return store_set_err(err, STORE_ERR_INPUT, HELD_EMPTY);
	if (strlen(content) > HELD_CONTENT_MAX)
		return store_set_err(err, STORE_ERR_INPUT, HELD_TOO_BIG);
	if (strlen(label) >= HELD_LABEL_SIZE || kp_utf8_length(label) < 0)
		return store_set_err(err, STORE_ERR_INPUT, HELD_LABEL);
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = db_prepare(db,
	               "INSERT INTO held_baskets(held_at, user_id, label, content)"
	               " VALUES (?1, ?2, ?3, ?4)",
	               &st, err);
	if (s == STORE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)db_now(db));
		if (user_id > 0)
			sqlite3_bind_int64(st, 2, user_id);
		else
			sqlite3_bind_null(st, 2);
		sqlite3_bind_text(st, 3, label, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, content, -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			s = db_fail(db, rc, err);
	}
	if (s == STORE_OK) {
		int64_t new_id = sqlite3_last_insert_rowid(db_sqlite(db));
		snprintf(detail, sizeof detail, "#%lld %s", (long long)new_id, label);
		s = events_append(db, user_id, EVENT_BASKET_HOLD, detail, err);
		if (id)
			*id = new_id;
	}
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	return db_commit(db, err);
}

/* Copies id, held_at, user_id, label of the current row into *h. */
static void held_read_row(sqlite3_stmt *st, struct held_basket *h)
{
	const char *label = (const char *)sqlite3_column_text(st, 3);

	memset(h, 0, sizeof *h);
	h->id = sqlite3_column_int64(st, 0);
	h->held_at = (time_t)sqlite3_column_int64(st, 1);
	h->user_id = sqlite3_column_int64(st, 2);
	snprintf(h->label, sizeof h->label, "%s", label ? label : "");
}

store_status held_list(store_db *db, struct held_basket **out, int *count, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	struct held_basket *list = NULL;
	int n = 0, rc;
	size_t cap = 0;

	store_err_clear(err);
	*out = NULL;
	*count = 0;
	if ((s = db_prepare(db, "SELECT id, held_at, user_id, label FROM held_baskets ORDER BY id",
	                    &st, err)) != STORE_OK)
		return s;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!KP_GROW(list, cap, (size_t)n + 1, 8)) {
			sqlite3_finalize(st);
			free(list);
			return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
		}
		held_read_row(st, &list[n++]);
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

/* Reads held basket id and deletes it, inside the caller's transaction. */
static store_status held_take(store_db *db, int64_t id, char **content, struct held_basket *meta,
                              store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	if ((s = db_prepare(db,
	                    "SELECT id, held_at, user_id, label, content FROM held_baskets"
	                    " WHERE id = ?1",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? STORE_NOT_FOUND : db_fail(db, rc, err);
	}
	if (meta)
		held_read_row(st, meta);
	const char *text = (const char *)sqlite3_column_text(st, 4);
	*content = strdup(text ? text : "");
	sqlite3_finalize(st);
	if (!*content)
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);

	if ((s = db_prepare(db, "DELETE FROM held_baskets WHERE id = ?1", &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

store_status held_recall(store_db *db, int64_t id, int64_t user_id, char **content,
                         struct held_basket *meta, store_err *err)
{
	store_status s;
	char detail[EVENT_DETAIL_SIZE];

	store_err_clear(err);
	*content = NULL;
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = held_take(db, id, content, meta, err);
	if (s == STORE_OK) {
		snprintf(detail, sizeof detail, "#%lld", (long long)id);
		s = events_append(db, user_id, EVENT_BASKET_RECALL, detail, err);
	}
	if (s == STORE_OK)
		s = db_commit(db, err);
	else
		db_rollback(db);
	if (s != STORE_OK) {
		free(*content);
		*content = NULL;
	}
	return s;
}
