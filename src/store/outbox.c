/* outbox.c — reading and acknowledging the outbox, and the SQL function
 * kp_sha256 its triggers chain the rows with (outbox.h).
 *
 * The one place the store uses OpenSSL: libcrypto's EVP SHA-256, for
 * kp_sha256 and outbox_hash (the same hash, computed in SQL by the
 * triggers and in C to check it). The store knows no other library but
 * SQLite (tests/cli/layers.sh makes this file the exception). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/grow.h"
#include "store/outbox.h"

/* digest (32 bytes) as lower-case hex into out (65 bytes). */
static void outbox_hex(const unsigned char *digest, char out[OUTBOX_HASH_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0x0f];
	}
	out[OUTBOX_HASH_HEX] = '\0';
}

/* SHA-256 of the n pieces (ptr, len) one after the other, as hex. */
static bool outbox_sha256(const void *const *parts, const size_t *lens, int n,
                          char out[OUTBOX_HASH_HEX + 1])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	for (int i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, parts[i], lens[i]) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, digest, &dlen) == 1 && dlen == 32;
	EVP_MD_CTX_free(ctx);
	if (ok)
		outbox_hex(digest, out);
	return ok;
}

/* kp_sha256(X): the SHA-256 of X's text as lower-case hex; NULL for NULL. */
static void outbox_sql_sha256(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	const unsigned char *text = sqlite3_value_text(argv[0]);
	size_t len = (size_t)sqlite3_value_bytes(argv[0]);
	if (!text) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	char hex[OUTBOX_HASH_HEX + 1];
	const void *parts[] = {text};
	if (!outbox_sha256(parts, &len, 1, hex)) {
		sqlite3_result_error(ctx, "SHA-256 failed", -1);
		return;
	}
	sqlite3_result_text(ctx, hex, OUTBOX_HASH_HEX, SQLITE_TRANSIENT);
}

int outbox_register_sql(sqlite3 *sql)
{
	return sqlite3_create_function(sql, "kp_sha256", 1,
	                               SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	                               outbox_sql_sha256, NULL, NULL);
}

bool outbox_sha256_hex(const char *s, size_t len, char out[OUTBOX_HASH_HEX + 1])
{
	const void *parts[] = {s};
	return outbox_sha256(parts, &len, 1, out);
}

bool outbox_hash(const char *prev_hash, int64_t seq, const char *tbl, const char *op,
                 const char *payload, char out[OUTBOX_HASH_HEX + 1])
{
	char num[24];
	int k = snprintf(num, sizeof num, "%" PRId64, seq);
	if (k <= 0 || (size_t)k >= sizeof num)
		return false;
	const void *parts[] = {prev_hash, num, tbl, op, payload};
	size_t lens[] = {strlen(prev_hash), (size_t)k, strlen(tbl), strlen(op), strlen(payload)};
	return outbox_sha256(parts, lens, 5, out);
}

void outbox_batch_free(struct outbox_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->rows[i].tbl);
		free(b->rows[i].op);
		free(b->rows[i].payload);
	}
	free(b->rows);
	memset(b, 0, sizeof *b);
}

/* Copies column i of st (text, never NULL in the outbox) into a new string. */
static char *outbox_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return strdup(t ? (const char *)t : "");
}

/* Copies a 64-hex column into out; false when it is not 64 characters. */
static bool outbox_col_hash(sqlite3_stmt *st, int i, char out[OUTBOX_HASH_HEX + 1])
{
	const unsigned char *t = sqlite3_column_text(st, i);
	if (!t || sqlite3_column_bytes(st, i) != OUTBOX_HASH_HEX)
		return false;
	memcpy(out, t, OUTBOX_HASH_HEX + 1);
	return true;
}

/* Appends the statement's current row to b. */
static store_status outbox_take_row(sqlite3_stmt *st, struct outbox_batch *b, store_err *err)
{
	if (!KP_GROW(b->rows, b->cap, b->n + 1, 64))
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	struct outbox_row *r = &b->rows[b->n];
	memset(r, 0, sizeof *r);
	r->seq = sqlite3_column_int64(st, 0);
	r->tbl = outbox_col_dup(st, 1);
	r->op = outbox_col_dup(st, 2);
	r->payload = outbox_col_dup(st, 3);
	r->at = (time_t)sqlite3_column_int64(st, 6);
	b->n++; /* counted now, so that outbox_batch_free frees what was copied */
	if (!r->tbl || !r->op || !r->payload)
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	if (!outbox_col_hash(st, 4, r->prev_hash) || !outbox_col_hash(st, 5, r->hash))
		return store_set_err(err, STORE_ERR_NOTADB, OUTBOX_DAMAGED, (long long)r->seq);
	return STORE_OK;
}

store_status outbox_read(store_db *db, int64_t after_seq, size_t max, struct outbox_batch *out,
                         store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	outbox_batch_free(out);
	if (max < 1 || max > OUTBOX_BATCH_MAX)
		max = OUTBOX_BATCH_MAX;
	if ((s = db_prepare(db,
	                    "SELECT seq, tbl, op, payload, prev_hash, hash, at FROM outbox"
	                    " WHERE seq > ?1 ORDER BY seq LIMIT ?2",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_int64(st, 1, after_seq);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	int rc;
	while (s == STORE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		s = outbox_take_row(st, out, err);
	if (s == STORE_OK && rc != SQLITE_DONE)
		s = db_fail(db, rc, err);
	sqlite3_finalize(st);
	if (s != STORE_OK)
		outbox_batch_free(out);
	return s;
}

/* Runs one statement with up to two integer parameters that yields one
 * row of int64 columns into vals (n of them; NULL reads as 0). */
static store_status outbox_query(store_db *db, const char *sql, int64_t a, int64_t *vals, int n,
                                 store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	if ((s = db_prepare(db, sql, &st, err)) != STORE_OK)
		return s;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, a);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		for (int i = 0; i < n; i++)
			vals[i] = sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : db_fail(db, rc, err);
}

store_status outbox_get_state(store_db *db, struct outbox_state *out, store_err *err)
{
	int64_t v[4] = {0};
	store_err_clear(err);
	memset(out, 0, sizeof *out);
	/* the rows are numbered without a gap: those waiting are last − acked,
	 * and the oldest is acked + 1 (two lookups by key, however many wait) */
	store_status s = outbox_query(
	        db,
	        "SELECT (SELECT coalesce(max(seq), 0) FROM outbox), a.seq, a.at,"
	        " (SELECT at FROM outbox WHERE seq = a.seq + 1)"
	        " FROM (SELECT coalesce((SELECT seq FROM outbox_acked WHERE id = 1), 0) AS seq,"
	        "   coalesce((SELECT at FROM outbox_acked WHERE id = 1), 0) AS at) a",
	        0, v, 4, err);
	if (s != STORE_OK)
		return s;
	out->last_seq = v[0];
	out->acked_seq = v[1];
	out->acked_at = (time_t)v[2];
	out->waiting = v[0] > v[1] ? v[0] - v[1] : 0;
	if (out->waiting > 0) {
		time_t now = db_now(db);
		out->oldest_age = now > (time_t)v[3] ? (long)(now - (time_t)v[3]) : 0;
	}
	return STORE_OK;
}

store_status outbox_ack(store_db *db, int64_t seq, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;
	int64_t last = 0;

	store_err_clear(err);
	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	s = outbox_query(db, "SELECT coalesce(max(seq), 0) FROM outbox", 0, &last, 1, err);
	if (s == STORE_OK && (seq < 0 || seq > last))
		s = store_set_err(err, STORE_ERR_INPUT, OUTBOX_ACK_BEYOND, (long long)seq,
		                  (long long)last);
	if (s == STORE_OK)
		s = db_prepare(db,
		               "INSERT INTO outbox_acked (id, seq, at) VALUES (1, ?1, ?2)"
		               " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, at = excluded.at"
		               " WHERE excluded.seq > outbox_acked.seq",
		               &st, err);
	if (s == STORE_OK) {
		sqlite3_bind_int64(st, 1, seq);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)db_now(db));
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			s = db_fail(db, rc, err);
	}
	if (s != STORE_OK) {
		db_rollback(db);
		return s;
	}
	return db_commit(db, err);
}

/* Whether one row is seq want_seq, follows the hash prev and hashes right. */
static bool outbox_row_ok(const struct outbox_row *r, int64_t want_seq, const char *prev)
{
	char h[OUTBOX_HASH_HEX + 1];
	if (r->seq != want_seq || strcmp(r->prev_hash, prev) != 0)
		return false;
	if (!outbox_hash(r->prev_hash, r->seq, r->tbl, r->op, r->payload, h))
		return false;
	return strcmp(h, r->hash) == 0;
}

store_status outbox_verify(store_db *db, int64_t first, int64_t last, int64_t *bad_seq,
                           store_err *err)
{
	struct outbox_batch b = {0};
	char prev[OUTBOX_HASH_HEX + 1];
	store_status s;

	*bad_seq = 0;
	if (first < 1)
		first = 1;
	memset(prev, '0', OUTBOX_HASH_HEX);
	prev[OUTBOX_HASH_HEX] = '\0';
	if (first > 1) {
		if ((s = outbox_read(db, first - 2, 1, &b, err)) != STORE_OK)
			return s;
		if (b.n != 1 || b.rows[0].seq != first - 1) {
			outbox_batch_free(&b);
			*bad_seq = first;
			return STORE_OK;
		}
		memcpy(prev, b.rows[0].hash, sizeof prev);
	}
	int64_t want = first;
	for (;;) {
		if ((s = outbox_read(db, want - 1, OUTBOX_BATCH_MAX, &b, err)) != STORE_OK)
			return s;
		if (b.n == 0)
			break;
		for (size_t i = 0; i < b.n && (last == 0 || want <= last); i++, want++) {
			if (!outbox_row_ok(&b.rows[i], want, prev)) {
				*bad_seq = want;
				outbox_batch_free(&b);
				return STORE_OK;
			}
			memcpy(prev, b.rows[i].hash, sizeof prev);
		}
		if (last != 0 && want > last)
			break;
	}
	outbox_batch_free(&b);
	return STORE_OK;
}
