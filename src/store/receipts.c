/* receipts.c — see receipts.h; the rows are born in the schema's
 * triggers (db.c, step 13). */
#include "store/receipts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"

static const char *const kind_names[] = {
	[RECEIPT_SALE] = "sale", [RECEIPT_RETURN] = "return",
	[RECEIPT_CASH_IN] = "cash_in", [RECEIPT_CASH_OUT] = "cash_out",
};
static const char *const state_names[] = {
	[RECEIPT_NEW] = "new", [RECEIPT_PENDING] = "pending", [RECEIPT_REGISTERED] = "registered",
	[RECEIPT_REFUSED] = "refused", [RECEIPT_SKIPPED] = "skipped",
};
#define N_KINDS (sizeof kind_names / sizeof *kind_names)
#define N_STATES (sizeof state_names / sizeof *state_names)

const char *receipts_kind_name(enum receipt_kind k)
{
	return (size_t)k < N_KINDS ? kind_names[k] : "?";
}

const char *receipts_state_name(enum receipt_state s)
{
	return (size_t)s < N_STATES ? state_names[s] : "?";
}

static int find_name(const char *const *names, size_t n, const unsigned char *text)
{
	for (size_t i = 0; text && i < n; i++)
		if (strcmp((const char *)text, names[i]) == 0)
			return (int)i;
	return 0;
}

#define RECEIPT_SELECT                                                                  \
	"SELECT id, ext_id, kind, coalesce(order_id, 0), coalesce(refund_row, 0),"       \
	" coalesce(cash_move, 0), shift_id, amount, state, attempts, last_code,"         \
	" last_error, created_at, updated_at, coalesce(registered_at, 0),"              \
	" coalesce(check_number, ''), coalesce(ticket_url, ''), offline,"               \
	" coalesce(fiscal_shift, 0), length(CAST(body AS BLOB)) FROM receipts"

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", t ? (const char *)t : "");
}

static void read_row(sqlite3_stmt *st, struct receipt *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	copy_text(r->ext_id, sizeof r->ext_id, st, 1);
	r->kind = (enum receipt_kind)find_name(kind_names, N_KINDS, sqlite3_column_text(st, 2));
	r->order_id = sqlite3_column_int64(st, 3);
	r->refund_row = sqlite3_column_int64(st, 4);
	r->cash_move = sqlite3_column_int64(st, 5);
	r->shift_id = sqlite3_column_int64(st, 6);
	r->amount = sqlite3_column_int64(st, 7);
	r->state = (enum receipt_state)find_name(state_names, N_STATES, sqlite3_column_text(st, 8));
	r->attempts = sqlite3_column_int(st, 9);
	r->last_code = sqlite3_column_int(st, 10);
	copy_text(r->last_error, sizeof r->last_error, st, 11);
	r->created_at = (time_t)sqlite3_column_int64(st, 12);
	r->updated_at = (time_t)sqlite3_column_int64(st, 13);
	r->registered_at = (time_t)sqlite3_column_int64(st, 14);
	copy_text(r->check_number, sizeof r->check_number, st, 15);
	copy_text(r->ticket_url, sizeof r->ticket_url, st, 16);
	r->offline = sqlite3_column_int(st, 17) != 0;
	r->fiscal_shift = sqlite3_column_int(st, 18);
	r->body_len = (size_t)sqlite3_column_int64(st, 19);
}

/* Runs st (bound) to SQLITE_DONE and finalizes it. */
static store_status run(store_db *db, sqlite3_stmt *st, store_err *err)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

/* Reads one receipt of st (bound), or STORE_NOT_FOUND. */
static store_status fetch_one(store_db *db, sqlite3_stmt *st, struct receipt *out, int64_t id,
                              store_err *err)
{
	int rc = sqlite3_step(st);
	store_status s = STORE_OK;
	if (rc == SQLITE_ROW)
		read_row(st, out);
	else if (rc == SQLITE_DONE)
		s = store_set_err(err, STORE_NOT_FOUND, NO_RECEIPT, (long long)id);
	else
		s = db_fail(db, rc, err);
	sqlite3_finalize(st);
	return s;
}

static store_status fetch_list(store_db *db, sqlite3_stmt *st, struct receipt **out, size_t *n,
                               store_err *err)
{
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!KP_GROW(*out, cap, *n + 1, 8)) {
			sqlite3_finalize(st);
			free(*out);
			*out = NULL;
			*n = 0;
			return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
		}
		read_row(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return db_fail(db, rc, err);
	}
	return STORE_OK;
}

store_status receipts_set_provider(store_db *db, const char *provider, const char *cashbox,
                                   store_err *err)
{
	sqlite3_stmt *st;
	/* read first: a command that only reads never takes the write lock */
	store_status s = db_prepare(db,
	                            "SELECT 1 FROM fiscal WHERE provider = ?1 AND cashbox = ?2"
	                            " UNION ALL SELECT 1 WHERE ?1 = 'none' AND NOT EXISTS"
	                            " (SELECT 1 FROM fiscal)",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, cashbox ? cashbox : "", -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err);
	s = db_prepare(db,
	                            "INSERT INTO fiscal (id, provider, cashbox, since) VALUES (1, ?1, ?2, ?3)"
	                            " ON CONFLICT (id) DO UPDATE SET provider = excluded.provider,"
	                            " cashbox = excluded.cashbox, since = excluded.since"
	                            " WHERE provider IS NOT excluded.provider OR cashbox IS NOT excluded.cashbox",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, cashbox ? cashbox : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)db_now(db));
	return run(db, st, err);
}

store_status receipts_get(store_db *db, int64_t id, struct receipt *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db, RECEIPT_SELECT " WHERE id = ?1", &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	return fetch_one(db, st, out, id, err);
}

store_status receipts_of_sale(store_db *db, int64_t order_id, struct receipt *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s =
	    db_prepare(db, RECEIPT_SELECT " WHERE order_id = ?1 AND kind = 'sale'", &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, order_id);
	return fetch_one(db, st, out, 0, err);
}

store_status receipts_of_order(store_db *db, int64_t order_id, struct receipt **out, size_t *n,
                               store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db, RECEIPT_SELECT " WHERE order_id = ?1 ORDER BY id", &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, order_id);
	return fetch_list(db, st, out, n, err);
}

store_status receipts_open(store_db *db, size_t max, struct receipt **out, size_t *n,
                           store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db,
	                            RECEIPT_SELECT " WHERE state IN ('new', 'pending')"
	                                           " ORDER BY last_code = 9, id LIMIT ?1",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	return fetch_list(db, st, out, n, err);
}

store_status receipts_unsent(store_db *db, long *count, time_t *oldest, store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db,
	                            "SELECT count(*), coalesce(min(created_at), 0) FROM receipts"
	                            " WHERE state IN ('new', 'pending')",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*count = (long)sqlite3_column_int64(st, 0);
		*oldest = (time_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : db_fail(db, rc, err);
}

store_status receipts_waiting_on(store_db *db, int code, long *count, store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db,
	                            "SELECT count(*) FROM receipts WHERE state IN ('new', 'pending')"
	                            " AND last_code = ?1",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int(st, 1, code);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : db_fail(db, rc, err);
}

store_status receipts_last_refusal(store_db *db, int *code, char *why, size_t size,
                                   store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db,
	                            "SELECT last_code, last_error FROM receipts WHERE state IN ('new',"
	                            " 'pending') AND last_code <> 0 ORDER BY updated_at DESC, id DESC"
	                            " LIMIT 1",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	*code = 0;
	if (size)
		why[0] = '\0';
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*code = sqlite3_column_int(st, 0);
		copy_text(why, size, st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

store_status receipts_each_in_shift(store_db *db, int fiscal_shift, receipts_body_fn fn, void *arg,
                                    store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db,
	                            "SELECT kind, body FROM receipts WHERE state = 'registered'"
	                            " AND fiscal_shift = ?1 AND kind IN ('sale', 'return') ORDER BY id",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int(st, 1, fiscal_shift);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, (enum receipt_kind)find_name(kind_names, N_KINDS, sqlite3_column_text(st, 0)),
		   (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

store_status receipts_body(store_db *db, int64_t id, char **body, size_t *len, store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db, "SELECT body FROM receipts WHERE id = ?1", &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	*body = NULL;
	*len = 0;
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		const void *b = sqlite3_column_blob(st, 0);
		if (!(*body = malloc(n + 1))) {
			sqlite3_finalize(st);
			return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
		}
		if (n)
			memcpy(*body, b, n);
		(*body)[n] = '\0';
		*len = n;
		s = STORE_OK;
	} else {
		s = rc == SQLITE_DONE ? store_set_err(err, STORE_NOT_FOUND, NO_RECEIPT, (long long)id)
		                      : db_fail(db, rc, err);
	}
	sqlite3_finalize(st);
	return s;
}

/* Checks that one row changed; else says what state it is in. */
static store_status changed(store_db *db, int64_t id, store_err *err)
{
	if (sqlite3_changes(db_sqlite(db)) == 1)
		return STORE_OK;
	struct receipt r;
	store_status s = receipts_get(db, id, &r, err);
	if (s != STORE_OK)
		return s;
	return store_set_err(err, STORE_ERR_STATE, RECEIPT_STATE, (long long)id,
	                     receipts_state_name(r.state));
}

store_status receipts_set_body(store_db *db, int64_t id, const char *body, size_t len,
                               store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db,
	                            "UPDATE receipts SET body = ?2, state = 'pending', updated_at = ?3"
	                            " WHERE id = ?1 AND state = 'new'",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, body, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)db_now(db));
	if ((s = run(db, st, err)) != STORE_OK)
		return s;
	return changed(db, id, err);
}

store_status receipts_close(store_db *db, int64_t id, enum receipt_state to, int code,
                            const char *why, store_err *err)
{
	sqlite3_stmt *st;
	const char *from = to == RECEIPT_SKIPPED ? "new" : "pending";
	store_status s = db_prepare(db,
	                            "UPDATE receipts SET state = ?2, last_code = ?3, last_error = ?4,"
	                            " updated_at = ?5 WHERE id = ?1 AND state = ?6",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, receipts_state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, code);
	sqlite3_bind_text(st, 4, why ? why : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)db_now(db));
	sqlite3_bind_text(st, 6, from, -1, SQLITE_STATIC);
	if ((s = run(db, st, err)) != STORE_OK)
		return s;
	return changed(db, id, err);
}

store_status receipts_note_attempt(store_db *db, int64_t id, int code, const char *why,
                                   store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db,
	                            "UPDATE receipts SET attempts = attempts + 1, last_code = ?2,"
	                            " last_error = ?3, updated_at = ?4 WHERE id = ?1",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, code);
	sqlite3_bind_text(st, 3, why ? why : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)db_now(db));
	return run(db, st, err);
}

store_status receipts_register(store_db *db, int64_t id, const char *check_number,
                               const char *ticket_url, bool offline, int fiscal_shift,
                               const char *ticket, store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db,
	                            "UPDATE receipts SET state = 'registered', check_number = ?2,"
	                            " ticket_url = ?3, offline = ?4, fiscal_shift = ?5, ticket = ?6,"
	                            " registered_at = ?7, updated_at = ?7, attempts = attempts + 1,"
	                            " last_code = 0, last_error = ''"
	                            " WHERE id = ?1 AND state = 'pending'",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, check_number, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ticket_url, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, offline ? 1 : 0);
	if (fiscal_shift > 0)
		sqlite3_bind_int(st, 5, fiscal_shift);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_text(st, 6, ticket ? ticket : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)db_now(db));
	if ((s = run(db, st, err)) != STORE_OK)
		return s;
	return changed(db, id, err);
}

store_status receipts_ticket(store_db *db, int64_t id, char **ticket, store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db, "SELECT ticket FROM receipts WHERE id = ?1", &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, id);
	*ticket = NULL;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		if (!(*ticket = strdup((const char *)sqlite3_column_text(st, 0)))) {
			sqlite3_finalize(st);
			return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
		}
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return store_set_err(err, STORE_NOT_FOUND, NO_RECEIPT, (long long)id);
	return rc == SQLITE_ROW ? STORE_OK : db_fail(db, rc, err);
}

/* ---- the register's shift and link (step 14) ---------------------------------- */

store_status receipts_register_state(store_db *db, struct fiscal_register *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db,
	                            "SELECT shift, coalesce(opened_at, 0), closed, skew,"
	                            " coalesce(offline_since, 0), refusal, coalesce(refusal_at, 0),"
	                            " coalesce(answered_at, 0) FROM fiscal_register WHERE id = 1",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	memset(out, 0, sizeof *out);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->shift = sqlite3_column_int(st, 0);
		out->opened_at = (time_t)sqlite3_column_int64(st, 1);
		out->closed = sqlite3_column_int(st, 2) != 0;
		out->skew = (long)sqlite3_column_int64(st, 3);
		out->offline_since = (time_t)sqlite3_column_int64(st, 4);
		out->refusal = sqlite3_column_int(st, 5);
		out->refusal_at = (time_t)sqlite3_column_int64(st, 6);
		out->answered_at = (time_t)sqlite3_column_int64(st, 7);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

store_status receipts_note_answer(store_db *db, int shift, time_t at, bool offline, store_err *err)
{
	sqlite3_stmt *st;
	/* every SET reads the row as it was; ?2 0: the register's time is
	 * unknown, so the till's clock with the last skew stands for it */
	store_status s = db_prepare(db,
	                            "UPDATE fiscal_register SET"
	                            " opened_at = CASE WHEN ?1 > shift THEN"
	                            "   (CASE WHEN ?2 > 0 THEN ?2 ELSE ?4 + skew END) ELSE opened_at END,"
	                            " closed = CASE WHEN ?1 > shift THEN 0 ELSE closed END,"
	                            " shift = max(shift, ?1),"
	                            " skew = CASE WHEN ?2 > 0 THEN ?2 - ?4 ELSE skew END,"
	                            " offline_since = CASE WHEN ?3 THEN coalesce(offline_since,"
	                            "   CASE WHEN ?2 > 0 THEN ?2 ELSE ?4 + skew END) END,"
	                            " refusal = 0, refusal_at = NULL, answered_at = ?4"
	                            " WHERE id = 1",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int(st, 1, shift);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)at);
	sqlite3_bind_int(st, 3, offline ? 1 : 0);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)db_now(db));
	return run(db, st, err);
}

store_status receipts_note_refusal(store_db *db, int code, store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db,
	                            "UPDATE fiscal_register SET refusal = ?1, refusal_at = ?2,"
	                            " answered_at = ?2 WHERE id = 1",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int(st, 1, code);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)db_now(db));
	return run(db, st, err);
}

store_status receipts_note_z(store_db *db, int shift, store_err *err)
{
	sqlite3_stmt *st;
	store_status s = db_prepare(db,
	                            "UPDATE fiscal_register SET closed = 1, shift = max(shift, ?1),"
	                            " refusal = CASE WHEN refusal = 11 THEN 0 ELSE refusal END,"
	                            " refusal_at = CASE WHEN refusal = 11 THEN NULL ELSE refusal_at END,"
	                            " answered_at = ?2 WHERE id = 1",
	                            &st, err);
	if (s != STORE_OK)
		return s;
	sqlite3_bind_int(st, 1, shift);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)db_now(db));
	return run(db, st, err);
}
