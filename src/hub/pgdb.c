/* pgdb.c — the hub's schema, tills and ingest on PostgreSQL (pgdb.h). */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "hub/copy.h"
#include "hub/hash.h"
#include "hub/pgdb.h"
#include "hub/report.h"

#define HUB_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct hub_pg {
	PGconn *conn;
	char *conninfo;   /* to reconnect */
};

/* The schema, one step per entry: entry N takes hub_schema.version N to
 * N+1. Never edit a released entry; append. */
static const char *const hub_migrations[] = {
	/* 1: tills, the rows they shipped, and the newest state per kind */
	"CREATE TABLE tills (\n"
	"  till_id      text PRIMARY KEY CHECK (till_id ~ '^[A-Za-z0-9_-]{1,32}$'),\n"
	"  store_id     text NOT NULL CHECK (store_id ~ '^[A-Za-z0-9_-]{1,32}$'),\n"
	"  token_sha256 text NOT NULL UNIQUE CHECK (length(token_sha256) = 64),\n"
	"  created_at   timestamptz NOT NULL DEFAULT now(),\n"
	"  last_seq     bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),  -- the chain's head\n"
	"  last_hash    text NOT NULL DEFAULT '" HUB_GENESIS "',\n"
	"  last_at      timestamptz  -- when the head last moved\n"
	");\n"
	"CREATE FUNCTION hub_row_key(tbl text, doc jsonb) RETURNS text\n"
	"  LANGUAGE sql IMMUTABLE AS $$\n"
	"  SELECT CASE tbl\n"
	"    WHEN 'order_lines' THEN (doc->>'order_id') || '/' || (doc->>'line_no')\n"
	"    WHEN 'tenders' THEN (doc->>'order_id') || '/' || (doc->>'part_no')\n"
	"    WHEN 'refund_lines' THEN (doc->>'refund_row') || '/' || (doc->>'part')\n"
	"    WHEN 'refund_tenders' THEN doc->>'refund_row'\n"
	"    WHEN 'z_reports' THEN doc->>'number'\n"
	"    ELSE doc->>'id' END $$;\n"
	"CREATE TABLE journal_rows (\n"
	"  till_id     text NOT NULL REFERENCES tills(till_id),\n"
	"  seq         bigint NOT NULL CHECK (seq >= 1),\n"
	"  tbl         text NOT NULL,\n"
	"  op          text NOT NULL CHECK (op IN ('insert', 'update')),\n"
	"  row_key     text,            -- the journal row's key in its table (hub_row_key)\n"
	"  payload     text NOT NULL,   -- exactly as the till hashed it\n"
	"  doc         jsonb NOT NULL,  -- the same, to query\n"
	"  prev_hash   text NOT NULL,\n"
	"  hash        text NOT NULL,\n"
	"  received_at timestamptz NOT NULL DEFAULT now(),\n"
	"  PRIMARY KEY (till_id, seq)\n"
	");\n"
	"CREATE INDEX journal_rows_kind ON journal_rows (tbl, till_id, row_key, seq);\n"
	"CREATE FUNCTION hub_rows_fixed() RETURNS trigger LANGUAGE plpgsql AS $$\n"
	"BEGIN RAISE EXCEPTION 'a journal row the hub holds never changes'; END $$;\n"
	"CREATE TRIGGER journal_rows_fixed BEFORE UPDATE OR DELETE ON journal_rows\n"
	"  FOR EACH ROW EXECUTE FUNCTION hub_rows_fixed();\n"
	"CREATE VIEW journal_latest AS\n"
	"  SELECT DISTINCT ON (r.till_id, r.tbl, r.row_key) t.store_id, r.till_id, r.tbl,\n"
	"    r.row_key, r.seq, r.doc\n"
	"  FROM journal_rows r JOIN tills t USING (till_id)\n"
	"  ORDER BY r.till_id, r.tbl, r.row_key, r.seq DESC;\n"
	"CREATE VIEW hub_orders AS\n"
	"  SELECT store_id, till_id, (doc->>'id')::bigint AS id,\n"
	"    doc->>'merchant_order_id' AS merchant_order_id, (doc->>'day')::int AS day,\n"
	"    (doc->>'shift_id')::bigint AS shift_id, (doc->>'user_id')::bigint AS user_id,\n"
	"    doc->>'method' AS method, doc->>'state' AS state, (doc->>'amount')::bigint AS amount,\n"
	"    (doc->>'refunded_amount')::bigint AS refunded_amount,\n"
	"    (doc->>'part_of')::bigint AS part_of, (doc->>'created_at')::bigint AS created_at,\n"
	"    seq, doc\n"
	"  FROM journal_latest WHERE tbl = 'orders';\n"
	"CREATE VIEW hub_refunds AS\n"
	"  SELECT store_id, till_id, (doc->>'id')::bigint AS id,\n"
	"    doc->>'merchant_refund_id' AS merchant_refund_id, (doc->>'order_id')::bigint AS order_id,\n"
	"    (doc->>'day')::int AS day, doc->>'state' AS state, (doc->>'amount')::bigint AS amount,\n"
	"    (doc->>'created_at')::bigint AS created_at, seq, doc\n"
	"  FROM journal_latest WHERE tbl = 'refunds';\n",
	/* 2: Kaspi's webhooks as received, once each by (payment_id, event) */
	"CREATE TABLE webhook_events (\n"
	"  id                bigserial PRIMARY KEY,\n"
	"  payment_id        text NOT NULL,\n"
	"  event             text NOT NULL,\n"
	"  merchant_order_id text NOT NULL,\n"
	"  till_id           text REFERENCES tills(till_id),  -- NULL: no till of the hub's\n"
	"  status            text NOT NULL,\n"
	"  amount            bigint NOT NULL,\n"
	"  event_at          timestamptz NOT NULL,           -- the body's timestamp\n"
	"  received_at       timestamptz NOT NULL DEFAULT now(),\n"
	"  pushed            integer NOT NULL DEFAULT 0,     -- the till's streams it went to\n"
	"  body              text NOT NULL,                  -- the raw bytes signed\n"
	"  UNIQUE (payment_id, event)\n"
	");\n"
	"CREATE INDEX webhook_events_till ON webhook_events (till_id, received_at);\n",
	/* 3: catalogs and users sent out to the tills (dist.h): each import
	 * a catalog version, each change of a user a users version, for one
	 * store or (store_id NULL) the whole chain */
	"CREATE TABLE catalog_versions (\n"
	"  version    bigserial PRIMARY KEY,\n"
	"  store_id   text CHECK (store_id ~ '^[A-Za-z0-9_-]{1,32}$'),  -- NULL: every store\n"
	"  created_at timestamptz NOT NULL DEFAULT now(),\n"
	"  products   integer NOT NULL CHECK (products > 0),\n"
	"  csv        text NOT NULL,  -- the file as imported, checked by the till's rules\n"
	"  sha256     text NOT NULL CHECK (length(sha256) = 64)\n"
	");\n"
	"CREATE TABLE users_versions (\n"
	"  version    bigserial PRIMARY KEY,\n"
	"  store_id   text CHECK (store_id ~ '^[A-Za-z0-9_-]{1,32}$'),  -- NULL: every store\n"
	"  created_at timestamptz NOT NULL DEFAULT now(),\n"
	"  change     text NOT NULL  -- 'add NAME', 'remove NAME'\n"
	");\n"
	"CREATE TABLE hub_users (\n"
	"  name           text NOT NULL CHECK (name <> ''),\n"
	"  store_id       text CHECK (store_id ~ '^[A-Za-z0-9_-]{1,32}$'),  -- NULL: every store\n"
	"  role           text NOT NULL CHECK (role IN ('cashier', 'manager')),\n"
	"  pin_salt       text NOT NULL CHECK (pin_salt ~ '^[0-9a-f]{32}$'),  -- PBKDF2's, hex\n"
	"  pin_hash       text NOT NULL CHECK (pin_hash ~ '^[0-9a-f]{64}$'),\n"
	"  pin_iterations integer NOT NULL CHECK (pin_iterations > 0),\n"
	"  created_at     timestamptz NOT NULL DEFAULT now(),\n"
	"  version        bigint NOT NULL REFERENCES users_versions(version),  -- its last change\n"
	"  removed        boolean NOT NULL DEFAULT false\n"
	");\n"
	"CREATE UNIQUE INDEX hub_users_name ON hub_users (name, coalesce(store_id, ''));\n",
	/* 4: the reports' typed tables, the commission, the owners (report_schema.c) */
	hub_report_schema,
};

#define HUB_MIGRATIONS ((int)(sizeof hub_migrations / sizeof *hub_migrations))

int hub_pg_schema_latest(void)
{
	return HUB_MIGRATIONS;
}

/* Copies PostgreSQL's message (its first line) into err. */
static void hub_pg_err(const char *what, const char *msg, char err[HUB_ERR_SIZE])
{
	size_t n = msg ? strcspn(msg, "\n") : 0;
	snprintf(err, HUB_ERR_SIZE, "%s: %.*s", what, (int)n, msg ? msg : "");
}

bool hub_pg_connect(const char *db, hub_pg **out, char err[HUB_ERR_SIZE])
{
	*out = NULL;
	hub_pg *pg = calloc(1, sizeof *pg);
	if (!pg || !(pg->conninfo = strdup(db))) {
		free(pg);
		snprintf(err, HUB_ERR_SIZE, "out of memory");
		return false;
	}
	pg->conn = PQconnectdb(db);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		hub_pg_err("cannot connect to the database", PQerrorMessage(pg->conn), err);
		hub_pg_close(pg);
		return false;
	}
	PQclear(PQexec(pg->conn, "SET client_min_messages = warning"));
	*out = pg;
	return true;
}

struct pg_conn *hub_pg_conn(hub_pg *pg)
{
	return pg->conn;
}

void hub_pg_close(hub_pg *pg)
{
	if (!pg)
		return;
	PQfinish(pg->conn);
	free(pg->conninfo);
	free(pg);
}

struct hub_pg_pool {
	pthread_mutex_t lock;
	pthread_cond_t freed;      /* a connection was given back */
	int n, idle;               /* idle: how many of free[] are there */
	hub_pg **all, **free;
};

bool hub_pg_pool_open(const char *db, int n, hub_pg_pool **out, char err[HUB_ERR_SIZE])
{
	*out = NULL;
	hub_pg_pool *pool = calloc(1, sizeof *pool);
	if (!pool || !(pool->all = calloc((size_t)n, sizeof *pool->all)) ||
	    !(pool->free = calloc((size_t)n, sizeof *pool->free))) {
		if (pool)
			free(pool->all);
		free(pool);
		snprintf(err, HUB_ERR_SIZE, "out of memory");
		return false;
	}
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->freed, NULL);
	for (; pool->n < n; pool->n++) {
		if (!hub_pg_connect(db, &pool->all[pool->n], err)) {
			hub_pg_pool_close(pool);
			return false;
		}
		pool->free[pool->idle++] = pool->all[pool->n];
	}
	*out = pool;
	return true;
}

void hub_pg_pool_close(hub_pg_pool *pool)
{
	if (!pool)
		return;
	for (int i = 0; i < pool->n; i++)
		hub_pg_close(pool->all[i]);
	pthread_cond_destroy(&pool->freed);
	pthread_mutex_destroy(&pool->lock);
	free(pool->all);
	free(pool->free);
	free(pool);
}

hub_pg *hub_pg_take(hub_pg_pool *pool)
{
	pthread_mutex_lock(&pool->lock);
	while (pool->idle == 0)
		pthread_cond_wait(&pool->freed, &pool->lock);
	hub_pg *pg = pool->free[--pool->idle];
	pthread_mutex_unlock(&pool->lock);
	return pg;
}

void hub_pg_give(hub_pg_pool *pool, hub_pg *pg)
{
	pthread_mutex_lock(&pool->lock);
	pool->free[pool->idle++] = pg;
	pthread_cond_signal(&pool->freed);
	pthread_mutex_unlock(&pool->lock);
}

/* Runs sql with n text parameters; the result, or NULL with err filled
 * when it did not end in want (PGRES_COMMAND_OK or PGRES_TUPLES_OK). */
static PGresult *hub_pg_run(hub_pg *pg, const char *sql, int n, const char *const *vals,
                            ExecStatusType want, char err[HUB_ERR_SIZE])
{
	PGresult *r = PQexecParams(pg->conn, sql, n, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != want) {
		hub_pg_err("database error", PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r)
		                                                        : PQerrorMessage(pg->conn),
		           err);
		PQclear(r);
		return NULL;
	}
	return r;
}

/* Runs a statement that returns nothing; false with err. */
static bool hub_pg_cmd(hub_pg *pg, const char *sql, int n, const char *const *vals,
                       char err[HUB_ERR_SIZE])
{
	PGresult *r = hub_pg_run(pg, sql, n, vals, PGRES_COMMAND_OK, err);
	PQclear(r);
	return r != NULL;
}

static void hub_pg_rollback(hub_pg *pg)
{
	PQclear(PQexec(pg->conn, "ROLLBACK"));
}

/* Reads the schema's version inside the migration's transaction. */
static bool hub_pg_version(hub_pg *pg, int *version, char err[HUB_ERR_SIZE])
{
	if (!hub_pg_cmd(pg, "CREATE TABLE IF NOT EXISTS hub_schema (version integer NOT NULL)", 0,
	                NULL, err) ||
	    !hub_pg_cmd(pg, "LOCK TABLE hub_schema IN EXCLUSIVE MODE", 0, NULL, err))
		return false;
	PGresult *r = hub_pg_run(pg, "SELECT max(version) FROM hub_schema", 0, NULL, PGRES_TUPLES_OK,
	                         err);
	if (!r)
		return false;
	*version = PQgetisnull(r, 0, 0) ? -1 : atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	if (*version < 0) {
		*version = 0;
		return hub_pg_cmd(pg, "INSERT INTO hub_schema VALUES (0)", 0, NULL, err);
	}
	return true;
}

bool hub_pg_migrate(hub_pg *pg, int *from, int *to, char err[HUB_ERR_SIZE])
{
	int v = 0;
	char num[16];
	/* two hubs starting at once: the first to take the lock migrates */
	if (!hub_pg_cmd(pg, "BEGIN", 0, NULL, err))
		return false;
	if (!hub_pg_version(pg, &v, err))
		goto fail;
	*from = v;
	if (v > HUB_MIGRATIONS) {
		snprintf(err, HUB_ERR_SIZE,
		         "the database's schema is version %d, newer than this kaspi-hub's %d", v,
		         HUB_MIGRATIONS);
		goto fail;
	}
	for (; v < HUB_MIGRATIONS; v++) {
		PGresult *r = PQexec(pg->conn, hub_migrations[v]); /* our own text, no values */
		bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			hub_pg_err("migration failed", PQresultErrorMessage(r), err);
		PQclear(r);
		if (!ok)
			goto fail;
	}
	snprintf(num, sizeof num, "%d", v);
	const char *vals[] = {num};
	if (!hub_pg_cmd(pg, "UPDATE hub_schema SET version = $1::int", 1, vals, err) ||
	    !hub_pg_cmd(pg, "COMMIT", 0, NULL, err))
		goto fail;
	*to = v;
	return true;
fail:
	hub_pg_rollback(pg);
	return false;
}

bool hub_pg_till_add(hub_pg *pg, const char *store, const char *till, const char *token_hash,
                     bool *exists, char err[HUB_ERR_SIZE])
{
	const char *vals[] = {till, store, token_hash};
	PGresult *r = hub_pg_run(pg,
	                         "INSERT INTO tills (till_id, store_id, token_sha256)"
	                         " VALUES ($1, $2, $3) ON CONFLICT (till_id) DO NOTHING",
	                         3, vals, PGRES_COMMAND_OK, err);
	if (!r)
		return false;
	*exists = strcmp(PQcmdTuples(r), "1") != 0;
	PQclear(r);
	if (*exists)
		snprintf(err, HUB_ERR_SIZE, "till %s exists already", till);
	return !*exists;
}

/* The outcome of a refusal, with its seq. */
static void hub_refuse(struct ingest_result *res, enum ingest_outcome o, int64_t seq)
{
	res->outcome = o;
	res->seq = seq;
}

/* Who the token belongs to: INGEST_OK for batch's till, or why not. */
static enum ingest_outcome hub_pg_auth(hub_pg *pg, const char *token_hash, const char *till,
                                       char err[HUB_ERR_SIZE])
{
	if (!token_hash)
		return INGEST_UNAUTHORIZED;
	const char *vals[] = {token_hash};
	PGresult *r = hub_pg_run(pg, "SELECT till_id FROM tills WHERE token_sha256 = $1", 1, vals,
	                         PGRES_TUPLES_OK, err);
	if (!r)
		return INGEST_UNAVAILABLE;
	enum ingest_outcome o = PQntuples(r) != 1                           ? INGEST_UNAUTHORIZED
	                        : strcmp(PQgetvalue(r, 0, 0), till) != 0 ? INGEST_FORBIDDEN
	                                                                  : INGEST_OK;
	PQclear(r);
	return o;
}

/* A row the hub holds already: the same hash is skipped, another refused. */
static bool hub_pg_held(hub_pg *pg, const char *till, const struct ingest_row *row,
                        struct ingest_result *res, char err[HUB_ERR_SIZE])
{
	char seq[24];
	snprintf(seq, sizeof seq, "%" PRId64, row->seq);
	const char *vals[] = {till, seq};
	PGresult *r = hub_pg_run(pg, "SELECT hash FROM journal_rows WHERE till_id = $1 AND seq = $2",
	                         2, vals, PGRES_TUPLES_OK, err);
	if (!r) {
		hub_refuse(res, INGEST_UNAVAILABLE, 0);
		return false;
	}
	bool same = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), row->hash) == 0;
	PQclear(r);
	if (!same)
		hub_refuse(res, INGEST_CHAIN, row->seq);
	return same;
}

/* Checks row against the chain's head and adds it to the rows to store. */
static bool hub_pg_chain(const char *till, const struct ingest_row *row, const char *head_hash,
                         struct hub_copy *rows, struct ingest_result *res)
{
	char h[HUB_HASH_HEX + 1];
	if (strcmp(row->prev_hash, head_hash) != 0 ||
	    !hub_chain_hash(row->prev_hash, row->seq, row->tbl, row->op, row->payload, h) ||
	    strcmp(h, row->hash) != 0) {
		hub_refuse(res, INGEST_CHAIN, row->seq);
		return false;
	}
	if (!hub_copy_row(rows, till, row)) {
		hub_refuse(res, INGEST_UNAVAILABLE, 0);
		return false;
	}
	return true;
}

/* Stores the checked rows with COPY FROM STDIN (copy.h), in the
 * ingest's transaction: one statement, so the reports' trigger
 * (report_schema.c) runs once for the batch, and PostgreSQL's own
 * fastest path. The text is built from the rows checked, not passed on
 * from the request: a key given twice in a row would be read one way by
 * cJSON and another by PostgreSQL. */
static bool hub_pg_store(hub_pg *pg, const struct hub_copy *rows, struct ingest_result *res,
                         char err[HUB_ERR_SIZE])
{
	PGresult *r = PQexec(pg->conn, "COPY journal_rows (till_id, seq, tbl, op, row_key, payload,"
	                               " doc, prev_hash, hash) FROM STDIN");
	bool ok = PQresultStatus(r) == PGRES_COPY_IN;
	PQclear(r);
	if (ok)
		ok = PQputCopyData(pg->conn, rows->s, (int)rows->n) == 1 && PQputCopyEnd(pg->conn, NULL) == 1;
	else
		hub_pg_err("database error", PQerrorMessage(pg->conn), err);
	/* the COPY's outcome, then nothing more */
	while ((r = PQgetResult(pg->conn)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && ok) {
			hub_pg_err("database error", PQresultErrorMessage(r), err);
			ok = false;
		}
		PQclear(r);
	}
	if (!ok)
		hub_refuse(res, INGEST_UNAVAILABLE, 0);
	return ok;
}

/* The batch's rows against the chain whose head is (*last, hash). */
static bool hub_pg_rows(hub_pg *pg, const struct ingest_batch *b, int64_t *last,
                        char hash[HUB_HASH_HEX + 1], struct ingest_result *res,
                        char err[HUB_ERR_SIZE])
{
	struct hub_copy rows = {0};
	bool ok = true;
	for (size_t i = 0; ok && i < b->n; i++) {
		const struct ingest_row *row = &b->rows[i];
		if (row->seq <= *last) {
			ok = hub_pg_held(pg, b->till, row, res, err);
			continue;
		}
		if (row->seq > *last + 1) {
			hub_refuse(res, INGEST_GAP, *last + 1);
			ok = false;
		} else if ((ok = hub_pg_chain(b->till, row, hash, &rows, res))) {
			*last = row->seq;
			memcpy(hash, row->hash, HUB_HASH_HEX + 1);
			res->stored++;
		}
	}
	if (ok && res->stored > 0)
		ok = hub_pg_store(pg, &rows, res, err);
	hub_copy_free(&rows);
	return ok;
}

/* One try of the ingest; false when the connection failed under it. */
static bool hub_pg_ingest_once(hub_pg *pg, const char *token_hash, const struct ingest_batch *b,
                               struct ingest_result *res, char err[HUB_ERR_SIZE])
{
	memset(res, 0, sizeof *res);
	if ((res->outcome = hub_pg_auth(pg, token_hash, b->till, err)) != INGEST_OK)
		return res->outcome != INGEST_UNAVAILABLE;
	if (!hub_pg_cmd(pg, "BEGIN", 0, NULL, err)) {
		hub_refuse(res, INGEST_UNAVAILABLE, 0);
		return false;
	}
	const char *vals[] = {b->till};
	PGresult *r = hub_pg_run(pg, "SELECT last_seq, last_hash FROM tills WHERE till_id = $1 FOR UPDATE",
	                         1, vals, PGRES_TUPLES_OK, err);
	if (!r || PQntuples(r) != 1) {
		PQclear(r);
		hub_pg_rollback(pg);
		hub_refuse(res, r ? INGEST_UNAUTHORIZED : INGEST_UNAVAILABLE, 0);
		return r != NULL;
	}
	int64_t last = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	char hash[HUB_HASH_HEX + 1];
	snprintf(hash, sizeof hash, "%s", PQgetvalue(r, 0, 1));
	PQclear(r);
	if (!hub_pg_rows(pg, b, &last, hash, res, err)) {
		hub_pg_rollback(pg);
		return res->outcome != INGEST_UNAVAILABLE;
	}
	char seq[24];
	snprintf(seq, sizeof seq, "%" PRId64, last);
	const char *head[] = {b->till, seq, hash};
	if ((res->stored > 0 &&
	     !hub_pg_cmd(pg,
	                 "UPDATE tills SET last_seq = $2, last_hash = $3, last_at = now()"
	                 " WHERE till_id = $1",
	                 3, head, err)) ||
	    !hub_pg_cmd(pg, "COMMIT", 0, NULL, err)) {
		hub_pg_rollback(pg);
		hub_refuse(res, INGEST_UNAVAILABLE, 0);
		return false;
	}
	res->outcome = INGEST_OK;
	res->acked = last;
	return true;
}

void hub_pg_ingest(hub_pg *pg, const char *token_hash, const struct ingest_batch *batch,
                   struct ingest_result *res)
{
	char err[HUB_ERR_SIZE];
	if (hub_pg_ingest_once(pg, token_hash, batch, res, err))
		return;
	if (PQstatus(pg->conn) != CONNECTION_BAD) {
		fprintf(stderr, "kaspi-hub: %s\n", err);
		return;
	}
	/* the server went away (restarted): one new connection, one more try */
	PQreset(pg->conn);
	if (PQstatus(pg->conn) == CONNECTION_OK && hub_pg_ingest_once(pg, token_hash, batch, res, err))
		return;
	fprintf(stderr, "kaspi-hub: %s\n", err);
	hub_refuse(res, INGEST_UNAVAILABLE, 0);
}

bool hub_pg_till_of_token(hub_pg *pg, const char *token_hash, char till[INGEST_TILL_MAX + 1],
                          bool *known, char err[HUB_ERR_SIZE])
{
	const char *vals[] = {token_hash};
	*known = false;
	till[0] = '\0';
	for (int attempt = 0; attempt < 2; attempt++) {
		PGresult *r = hub_pg_run(pg, "SELECT till_id FROM tills WHERE token_sha256 = $1", 1, vals,
		                         PGRES_TUPLES_OK, err);
		if (r) {
			if (PQntuples(r) == 1) {
				snprintf(till, INGEST_TILL_MAX + 1, "%s", PQgetvalue(r, 0, 0));
				*known = true;
			}
			PQclear(r);
			return true;
		}
		if (PQstatus(pg->conn) != CONNECTION_BAD)
			return false;
		PQreset(pg->conn); /* the server restarted: once more on a new connection */
	}
	return false;
}

/* The till part of a merchant_order_id: what comes before its first '-'. */
static void hub_order_till(const char *moid, char till[INGEST_TILL_MAX + 1])
{
	size_t n = strcspn(moid, "-");
	if (n > INGEST_TILL_MAX || moid[n] != '-')
		n = 0;
	snprintf(till, INGEST_TILL_MAX + 1, "%.*s", (int)n, moid);
}

/* One try of hub_pg_webhook; NULL when the database failed. */
static PGresult *hub_pg_webhook_once(hub_pg *pg, const struct webhook_event *ev, const char *body,
                                     const char *prefix, char err[HUB_ERR_SIZE])
{
	char amount[24], at[24];
	snprintf(amount, sizeof amount, "%" PRId64, ev->amount);
	snprintf(at, sizeof at, "%lld", (long long)ev->timestamp);
	const char *vals[] = {ev->payment_id, ev->event, ev->merchant_order_id, prefix,
	                      ev->status, amount, at, body};
	return hub_pg_run(pg,
	                  "INSERT INTO webhook_events (payment_id, event, merchant_order_id, till_id,"
	                  " status, amount, event_at, body) VALUES ($1, $2, $3,"
	                  " (SELECT till_id FROM tills WHERE till_id = $4), $5, $6::bigint,"
	                  " to_timestamp($7::bigint), $8)"
	                  " ON CONFLICT (payment_id, event) DO NOTHING RETURNING coalesce(till_id, '')",
	                  8, vals, PGRES_TUPLES_OK, err);
}

bool hub_pg_webhook(hub_pg *pg, const struct webhook_event *ev, const char *body,
                    char till[INGEST_TILL_MAX + 1], bool *duplicate, char err[HUB_ERR_SIZE])
{
	char prefix[INGEST_TILL_MAX + 1];
	hub_order_till(ev->merchant_order_id, prefix);
	*duplicate = false;
	till[0] = '\0';
	PGresult *r = hub_pg_webhook_once(pg, ev, body, prefix, err);
	if (!r && PQstatus(pg->conn) == CONNECTION_BAD) {
		PQreset(pg->conn);
		r = hub_pg_webhook_once(pg, ev, body, prefix, err);
	}
	if (!r)
		return false;
	if (PQntuples(r) == 0)
		*duplicate = true; /* held already: handled the first time */
	else
		snprintf(till, INGEST_TILL_MAX + 1, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return true;
}

bool hub_pg_webhook_pushed(hub_pg *pg, const struct webhook_event *ev, size_t streams,
                           char err[HUB_ERR_SIZE])
{
	char n[24];
	snprintf(n, sizeof n, "%zu", streams);
	const char *vals[] = {ev->payment_id, ev->event, n};
	return hub_pg_cmd(pg, "UPDATE webhook_events SET pushed = $3::int"
	                      " WHERE payment_id = $1 AND event = $2",
	                  3, vals, err);
}
