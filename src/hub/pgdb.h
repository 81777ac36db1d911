/* pgdb.h — the hub's PostgreSQL database (libpq): its schema and forward
 * migrations (hub_schema holds the version), the tills and their token
 * hashes, and the ingest of a till's batch in one transaction.
 *
 * What the hub holds of a till's journal (journal_rows) is every outbox
 * row it was sent, by (till, seq), as the exact payload text and a jsonb
 * copy, never changed or deleted (a trigger refuses it); the views
 * journal_latest, hub_orders and hub_refunds read the newest state of
 * each journal row per kind. tills keeps each till's chain head (the
 * highest seq held and its hash), moved in the transaction that stores
 * the rows. Every statement is PQexecParams with parameters; a batch's
 * checked rows go by COPY FROM STDIN (hub/copy.h).
 *
 * Threads: a hub_pg belongs to one thread at a time; a hub_pg_pool
 * lends its connections to the threads that answer requests. */
#ifndef KP_HUB_PGDB_H
#define KP_HUB_PGDB_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>

#include "hub/ingest.h"
#include "net/webhook.h"

typedef struct hub_pg hub_pg;

#define HUB_ERR_SIZE 512

/* Connects to the conninfo or URL db; false with a one-line reason. */
bool hub_pg_connect(const char *db, hub_pg **out, char err[HUB_ERR_SIZE]) KP_MUST_CHECK;
void hub_pg_close(hub_pg *pg);

/* n connections to db, lent one at a time: each thread that answers a
 * request takes one and gives it back before it answers the next. */
typedef struct hub_pg_pool hub_pg_pool;
bool hub_pg_pool_open(const char *db, int n, hub_pg_pool **out, char err[HUB_ERR_SIZE]) KP_MUST_CHECK;
void hub_pg_pool_close(hub_pg_pool *pool);
/* A connection of the pool, waiting while all n are lent. */
hub_pg *hub_pg_take(hub_pg_pool *pool);
void hub_pg_give(hub_pg_pool *pool, hub_pg *pg);

/* The libpq connection (PGconn), for the modules with queries of their
 * own (report.c). */
struct pg_conn *hub_pg_conn(hub_pg *pg);

/* Brings the schema to the newest version in one transaction; *from and
 * *to are the versions before and after. */
bool hub_pg_migrate(hub_pg *pg, int *from, int *to, char err[HUB_ERR_SIZE]) KP_MUST_CHECK;

/* The newest schema version this build knows. */
int hub_pg_schema_latest(void);

/* Adds till in store with the SHA-256 hex of its token; *exists is set
 * (and false returned) when the till is there already. */
bool hub_pg_till_add(hub_pg *pg, const char *store, const char *till, const char *token_hash,
                     bool *exists, char err[HUB_ERR_SIZE]) KP_MUST_CHECK;

/* Checks the token (its SHA-256 hex) against batch's till, then, in one
 * transaction holding the till's row locked, every row against the chain
 * the hub holds, and stores the new ones; any refusal stores nothing.
 * Fills res. Reconnects once when the connection was lost. */
void hub_pg_ingest(hub_pg *pg, const char *token_hash, const struct ingest_batch *batch,
                   struct ingest_result *res);

/* The till whose token has this SHA-256 hex: *known and till, or not
 * known; false (err) when the database failed. */
bool hub_pg_till_of_token(hub_pg *pg, const char *token_hash, char till[INGEST_TILL_MAX + 1],
                          bool *known, char err[HUB_ERR_SIZE]) KP_MUST_CHECK;

/* Records a verified webhook (its raw body) in webhook_events, once per
 * (payment_id, event): *duplicate when it was held already. Its till is
 * the merchant_order_id's prefix before the first '-' (the till's
 * [till] id, which names one till of the chain: tills.till_id is
 * unique across the stores); till gets it, or "" when no till of the
 * hub has that id. False (err) when the database failed: nothing held. */
bool hub_pg_webhook(hub_pg *pg, const struct webhook_event *ev, const char *body,
                    char till[INGEST_TILL_MAX + 1], bool *duplicate,
                    char err[HUB_ERR_SIZE]) KP_MUST_CHECK;

/* Notes how many of the till's streams the webhook went to. */
bool hub_pg_webhook_pushed(hub_pg *pg, const struct webhook_event *ev, size_t streams,
                           char err[HUB_ERR_SIZE]) KP_MUST_CHECK;

#endif
