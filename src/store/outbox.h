/* outbox.h — the journal's changes waiting for the chain's hub
 * (kaspi-hub, DESIGN.md "Layers"; schema step 15 in db.c).
 *
 * Every change of the journal (a shift, a user's name or role, an order,
 * its lines, tenders and timeline, the events, a refund and its parts, a
 * cash movement, a Z report, a fiscal receipt) writes one outbox row in
 * the transaction of the change, by the schema's triggers: seq 1, 2, ...
 * without a gap, the table, insert or update, the row after the change
 * as JSON, and a hash chain (hash = SHA-256 hex of prev_hash || seq ||
 * table || op || payload; the first row's prev_hash is 64 zeros), so a
 * hub can tell a gap or a forged row. This module reads them for the
 * shipping thread (app/ship.h): a batch after the acknowledged seq, the
 * acknowledgement the hub answered, and how many wait and for how long.
 *
 * Rows are kept after they are acknowledged: the journal deletes
 * nothing, and a hub rebuilt from nothing can be sent every row again.
 *
 * Threads: like every store module, on its connection's thread; the
 * shipping thread opens a connection of its own. */
#ifndef KP_STORE_OUTBOX_H
#define KP_STORE_OUTBOX_H

#include "core/check.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "store/db.h"

#define OUTBOX_HASH_HEX 64              /* characters of a SHA-256 in hex */
#define OUTBOX_BATCH_MAX 5000           /* most rows outbox_read gives at once */

/* One outbox row. Strings are owned by the batch. */
struct outbox_row {
	int64_t seq;
	char *tbl;                              /* the journal's table: "orders", ... */
	char *op;                               /* "insert" or "update" */
	char *payload;                          /* the row as JSON, exactly as hashed */
	char prev_hash[OUTBOX_HASH_HEX + 1];
	char hash[OUTBOX_HASH_HEX + 1];
	time_t at;                              /* when it was written */
};

struct outbox_batch {
	struct outbox_row *rows;
	size_t n;
	size_t cap;
};

/* Where the outbox stands. */
struct outbox_state {
	int64_t last_seq;     /* the newest row's seq; 0: none */
	int64_t acked_seq;    /* the highest the hub said it holds; 0: none */
	int64_t waiting;      /* rows after acked_seq */
	long oldest_age;      /* seconds since the oldest waiting row was written; 0: none */
	time_t acked_at;      /* when the hub last acknowledged; 0: never */
};

/* Registers kp_sha256(TEXT) → lower-case hex on connection sql: the
 * outbox's triggers call it. db_open does it on every connection it
 * makes, before the migrations. Returns an SQLite result code. */
int outbox_register_sql(sqlite3 *sql) KP_MUST_CHECK;

/* SHA-256 of len bytes of s as lower-case hex (a token's, kept in its
 * place: kaspi-hub). False when out of memory. */
bool outbox_sha256_hex(const char *s, size_t len, char out[OUTBOX_HASH_HEX + 1]) KP_MUST_CHECK;

/* The chain's hash of a row: SHA-256 hex of prev_hash || seq (decimal)
 * || tbl || op || payload into out (OUTBOX_HASH_HEX + 1 bytes). False
 * when out of memory. */
bool outbox_hash(const char *prev_hash, int64_t seq, const char *tbl, const char *op,
                 const char *payload, char out[OUTBOX_HASH_HEX + 1]) KP_MUST_CHECK;

/* Reads at most max (1 … OUTBOX_BATCH_MAX) rows after seq after_seq, in
 * order, into out (emptied first; free with outbox_batch_free). */
store_status outbox_read(store_db *db, int64_t after_seq, size_t max, struct outbox_batch *out,
                         store_err *err) KP_MUST_CHECK;

void outbox_batch_free(struct outbox_batch *b);

/* Records that the hub holds every row up to seq. A seq at or below the
 * one recorded changes nothing; one beyond the outbox's newest row is
 * refused (STORE_ERR_INPUT): the hub claims rows this till never wrote. */
store_status outbox_ack(store_db *db, int64_t seq, store_err *err) KP_MUST_CHECK;

/* Fills out with where the outbox stands. */
store_status outbox_get_state(store_db *db, struct outbox_state *out, store_err *err) KP_MUST_CHECK;

/* Checks the chain of rows first … last (0: the newest) as the hub would:
 * numbered without a gap, each prev_hash the hash before, each hash
 * recomputed. *bad_seq is the first row that fails (0: none). */
store_status outbox_verify(store_db *db, int64_t first, int64_t last, int64_t *bad_seq,
                           store_err *err) KP_MUST_CHECK;

#endif
