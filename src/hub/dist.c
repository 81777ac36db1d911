/* dist.c — catalog and users versions for the tills (dist.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "hub/dist.h"
#include "hub/hash.h"

/* The first line of PostgreSQL's message into err. */
static void dist_err(PGconn *c, const PGresult *r, char err[HUB_ERR_SIZE])
{
	const char *m = r && PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r) : PQerrorMessage(c);
	snprintf(err, HUB_ERR_SIZE, "database error: %.*s", (int)strcspn(m, "\n"), m);
}

/* Runs sql with n text parameters (NULL: SQL NULL) and formats (NULL:
 * all text; lens then gives binary lengths); the result, or NULL with
 * err when it did not end in want. */
static PGresult *dist_run(hub_pg *pg, const char *sql, int n, const char *const *vals,
                          const int *lens, const int *formats, ExecStatusType want,
                          char err[HUB_ERR_SIZE])
{
	PGconn *c = hub_pg_conn(pg);
	PGresult *r = PQexecParams(c, sql, n, NULL, vals, lens, formats, 0);
	if (PQresultStatus(r) == want)
		return r;
	dist_err(c, r, err);
	PQclear(r);
	return NULL;
}

static bool dist_cmd(hub_pg *pg, const char *sql, char err[HUB_ERR_SIZE])
{
	PGresult *r = dist_run(pg, sql, 0, NULL, NULL, NULL, PGRES_COMMAND_OK, err);
	PQclear(r);
	return r != NULL;
}

static void dist_rollback(hub_pg *pg)
{
	PQclear(PQexec(hub_pg_conn(pg), "ROLLBACK"));
}

bool dist_catalog_add(hub_pg *pg, const char *store, const char *csv, size_t len, long products,
                      int64_t *version, char err[HUB_ERR_SIZE])
{
	char sha[HUB_HASH_HEX + 1], count[24];
	if (!hub_sha256_hex(csv, len, sha)) {
		snprintf(err, HUB_ERR_SIZE, "cannot hash the file (OpenSSL)");
		return false;
	}
	snprintf(count, sizeof count, "%ld", products);
	const char *vals[] = {store, count, csv, sha};
	PGresult *r = dist_run(pg,
	                       "INSERT INTO catalog_versions (store_id, products, csv, sha256)"
	                       " VALUES ($1, $2, $3, $4) RETURNING version",
	                       4, vals, NULL, NULL, PGRES_TUPLES_OK, err);
	if (!r)
		return false;
	*version = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return true;
}

/* created_at as the operator reads it: Almaty time (UTC+5). */
#define DIST_ALMATY                                                                          \
	"to_char((created_at AT TIME ZONE 'UTC') + interval '5 hours', 'YYYY-MM-DD HH24:MI')"

bool dist_catalog_list(hub_pg *pg, FILE *out, char err[HUB_ERR_SIZE])
{
	PGresult *r = dist_run(pg,
	                       "SELECT version, coalesce(store_id, '(chain)'), " DIST_ALMATY
	                       ", products, left(sha256, 12) FROM catalog_versions"
	                       " ORDER BY version DESC",
	                       0, NULL, NULL, NULL, PGRES_TUPLES_OK, err);
	if (!r)
		return false;
	if (PQntuples(r) == 0)
		fprintf(stderr, "no catalog yet: kaspi-hub catalog import FILE.csv [--store S]\n");
	else
		fprintf(out, "%-8s %-12s %-16s %8s  %s\n", "version", "store", "created (Almaty)",
		        "products", "sha256");
	for (int i = 0; i < PQntuples(r); i++)
		fprintf(out, "%-8s %-12s %-16s %8s  %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
		        PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), PQgetvalue(r, i, 4));
	PQclear(r);
	return true;
}

/* A new users version for store, saying change; its number in *version. */
static bool dist_users_version(hub_pg *pg, const char *store, const char *change,
                               int64_t *version, char err[HUB_ERR_SIZE])
{
	const char *vals[] = {store, change};
	PGresult *r = dist_run(pg,
	                       "INSERT INTO users_versions (store_id, change) VALUES ($1, $2)"
	                       " RETURNING version",
	                       2, vals, NULL, NULL, PGRES_TUPLES_OK, err);
	if (!r)
		return false;
	*version = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return true;
}

/* Whether a user called name lives in store (NULL: the chain), its row
 * locked for the transaction. */
static bool dist_user_live(hub_pg *pg, const char *name, const char *store, bool *live,
                           char err[HUB_ERR_SIZE])
{
	const char *vals[] = {name, store};
	PGresult *r = dist_run(pg,
	                       "SELECT removed FROM hub_users WHERE name = $1"
	                       " AND coalesce(store_id, '') = coalesce($2, '') FOR UPDATE",
	                       2, vals, NULL, NULL, PGRES_TUPLES_OK, err);
	if (!r)
		return false;
	*live = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "f") == 0;
	PQclear(r);
	return true;
}

/* Writes the user's row at version, inside the caller's transaction. */
static bool dist_user_put(hub_pg *pg, const char *name, const char *store, enum user_role role,
                          const struct users_pin *pin, int64_t version, char err[HUB_ERR_SIZE])
{
	char ver[24], rounds[16];
	snprintf(ver, sizeof ver, "%" PRId64, version);
	snprintf(rounds, sizeof rounds, "%d", pin->iterations);
	const char *vals[] = {name,          store,       users_role_name(role), (const char *)pin->salt,
	                      (const char *)pin->hash, rounds, ver};
	const int lens[] = {0, 0, 0, USERS_SALT_LEN, USERS_HASH_LEN, 0, 0};
	const int formats[] = {0, 0, 0, 1, 1, 0, 0};
	PGresult *r = dist_run(pg,
	                       "INSERT INTO hub_users (name, store_id, role, pin_salt, pin_hash,"
	                       " pin_iterations, version) VALUES ($1, $2, $3, encode($4::bytea, 'hex'),"
	                       " encode($5::bytea, 'hex'), $6, $7)"
	                       " ON CONFLICT (name, coalesce(store_id, '')) DO UPDATE SET"
	                       " role = excluded.role, pin_salt = excluded.pin_salt,"
	                       " pin_hash = excluded.pin_hash, pin_iterations = excluded.pin_iterations,"
	                       " version = excluded.version, removed = false, created_at = now()",
	                       7, vals, lens, formats, PGRES_COMMAND_OK, err);
	PQclear(r);
	return r != NULL;
}

bool dist_user_add(hub_pg *pg, const char *name, const char *store, enum user_role role,
                   const struct users_pin *pin, int64_t *version, bool *exists,
                   char err[HUB_ERR_SIZE])
{
	char change[USERS_NAME_SIZE + 16];
	*exists = false;
	snprintf(change, sizeof change, "add %s", name);
	if (!dist_cmd(pg, "BEGIN", err))
		return false;
	if (!dist_user_live(pg, name, store, exists, err))
		goto fail;
	if (*exists) {
		snprintf(err, HUB_ERR_SIZE, "a user named \"%s\" exists already%s%s", name,
		         store ? " in store " : " for the chain", store ? store : "");
		goto fail;
	}
	if (!dist_users_version(pg, store, change, version, err) ||
	    !dist_user_put(pg, name, store, role, pin, *version, err) || !dist_cmd(pg, "COMMIT", err))
		goto fail;
	return true;
fail:
	dist_rollback(pg);
	return false;
}

bool dist_user_remove(hub_pg *pg, const char *name, const char *store, int64_t *version,
                      bool *missing, char err[HUB_ERR_SIZE])
{
	char change[USERS_NAME_SIZE + 16], ver[24];
	bool live = false;
	*missing = false;
	snprintf(change, sizeof change, "remove %s", name);
	if (!dist_cmd(pg, "BEGIN", err))
		return false;
	if (!dist_user_live(pg, name, store, &live, err))
		goto fail;
	if (!live) {
		*missing = true;
		snprintf(err, HUB_ERR_SIZE, "no user named \"%s\"%s%s", name,
		         store ? " in store " : " for the chain", store ? store : "");
		goto fail;
	}
	if (!dist_users_version(pg, store, change, version, err))
		goto fail;
	snprintf(ver, sizeof ver, "%" PRId64, *version);
	const char *vals[] = {name, store, ver};
	PGresult *r = dist_run(pg,
	                       "UPDATE hub_users SET removed = true, version = $3 WHERE name = $1"
	                       " AND coalesce(store_id, '') = coalesce($2, '')",
	                       3, vals, NULL, NULL, PGRES_COMMAND_OK, err);
	PQclear(r);
	if (!r || !dist_cmd(pg, "COMMIT", err))
		goto fail;
	return true;
fail:
	dist_rollback(pg);
	return false;
}

bool dist_user_list(hub_pg *pg, const char *store, FILE *out, char err[HUB_ERR_SIZE])
{
	const char *vals[] = {store};
	PGresult *r = dist_run(pg,
	                       "SELECT role, coalesce(store_id, '(chain)'), version, " DIST_ALMATY
	                       ", name FROM hub_users WHERE NOT removed"
	                       " AND ($1::text IS NULL OR store_id IS NULL OR store_id = $1)"
	                       " ORDER BY name, store_id NULLS FIRST",
	                       1, vals, NULL, NULL, PGRES_TUPLES_OK, err);
	if (!r)
		return false;
	if (PQntuples(r) == 0)
		fprintf(stderr, "no users yet: kaspi-hub user add NAME --role manager [--store S]\n");
	else
		fprintf(out, "%-8s %-12s %-8s %-16s %s\n", "role", "store", "version", "added (Almaty)",
		        "name");
	for (int i = 0; i < PQntuples(r); i++)
		fprintf(out, "%-8s %-12s %-8s %-16s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
		        PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), PQgetvalue(r, i, 4));
	PQclear(r);
	return true;
}

/* ---- the tills' GETs ------------------------------------------------------- */

/* since as a whole number >= 0 into *v; NULL reads as 0. */
static bool dist_since(const char *since, int64_t *v)
{
	char *end;
	*v = 0;
	if (!since)
		return true;
	errno = 0;
	long long n = strtoll(since, &end, 10);
	if (errno || end == since || *end || n < 0 || since[0] == '+' || since[0] == ' ')
		return false;
	*v = n;
	return true;
}

static int dist_error(const char *error, char **json)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "error", error);
	*json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return strcmp(error, "unauthorized") == 0   ? 401
	       : strcmp(error, "bad_since") == 0    ? 400
	                                            : 503;
}

/* The store of the till whose token's hash is token_hash into store:
 * 200, 401, or 503. */
static int dist_store(hub_pg *pg, const char *token_hash, char store[DIST_ID_SIZE])
{
	char err[HUB_ERR_SIZE];
	if (!token_hash)
		return 401;
	const char *vals[] = {token_hash};
	PGresult *r = dist_run(pg, "SELECT store_id FROM tills WHERE token_sha256 = $1", 1, vals, NULL,
	                       NULL, PGRES_TUPLES_OK, err);
	if (!r && PQstatus(hub_pg_conn(pg)) == CONNECTION_BAD) {
		PQreset(hub_pg_conn(pg)); /* the server restarted: one more try */
		r = dist_run(pg, "SELECT store_id FROM tills WHERE token_sha256 = $1", 1, vals, NULL,
		             NULL, PGRES_TUPLES_OK, err);
	}
	if (!r) {
		fprintf(stderr, "kaspi-hub: %s\n", err);
		return 503;
	}
	int status = PQntuples(r) == 1 ? 200 : 401;
	if (status == 200)
		snprintf(store, DIST_ID_SIZE, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return status;
}

/* The newest catalog for store after since: 200 with *json, or 304. */
static int dist_catalog_answer(hub_pg *pg, const char *store, int64_t since, char **json)
{
	char err[HUB_ERR_SIZE];
	const char *vals[] = {store};
	PGresult *r = dist_run(pg,
	                       "SELECT version, store_id, to_char(created_at AT TIME ZONE 'UTC',"
	                       " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), products, sha256, csv"
	                       " FROM catalog_versions WHERE store_id IS NULL OR store_id = $1"
	                       " ORDER BY version DESC LIMIT 1",
	                       1, vals, NULL, NULL, PGRES_TUPLES_OK, err);
	if (!r) {
		fprintf(stderr, "kaspi-hub: %s\n", err);
		return dist_error("unavailable", json);
	}
	int64_t v = PQntuples(r) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	if (v <= since) {
		PQclear(r);
		return 304;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "version", (double)v);
	if (PQgetisnull(r, 0, 1))
		cJSON_AddNullToObject(o, "store");
	else
		cJSON_AddStringToObject(o, "store", PQgetvalue(r, 0, 1));
	cJSON_AddStringToObject(o, "created_at", PQgetvalue(r, 0, 2));
	cJSON_AddNumberToObject(o, "products", strtod(PQgetvalue(r, 0, 3), NULL));
	cJSON_AddStringToObject(o, "sha256", PQgetvalue(r, 0, 4));
	cJSON_AddStringToObject(o, "csv", PQgetvalue(r, 0, 5));
	PQclear(r);
	*json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return *json ? 200 : dist_error("unavailable", json);
}

/* The live users of store and the chain after since: 200, or 304. One
 * statement, so the version and the list are of one snapshot. */
static int dist_users_answer(hub_pg *pg, const char *store, int64_t since, char **json)
{
	char err[HUB_ERR_SIZE];
	const char *vals[] = {store};
	PGresult *r = dist_run(pg,
	                       "WITH v AS (SELECT max(version) AS m FROM users_versions"
	                       "  WHERE store_id IS NULL OR store_id = $1),"
	                       " u AS (SELECT DISTINCT ON (name) name, role, pin_salt, pin_hash,"
	                       "  pin_iterations FROM hub_users WHERE NOT removed"
	                       "  AND (store_id IS NULL OR store_id = $1)"
	                       "  ORDER BY name, store_id NULLS LAST)"
	                       " SELECT v.m, u.name, u.role, u.pin_salt, u.pin_hash, u.pin_iterations"
	                       " FROM v LEFT JOIN u ON true ORDER BY u.name",
	                       1, vals, NULL, NULL, PGRES_TUPLES_OK, err);
	if (!r) {
		fprintf(stderr, "kaspi-hub: %s\n", err);
		return dist_error("unavailable", json);
	}
	int64_t v = PQgetisnull(r, 0, 0) ? 0 : strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	if (v <= since) {
		PQclear(r);
		return 304;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON *list = cJSON_AddArrayToObject(o, "users");
	cJSON_AddNumberToObject(o, "version", (double)v);
	for (int i = 0; list && i < PQntuples(r); i++) {
		if (PQgetisnull(r, i, 1))
			continue; /* every user removed: an empty list */
		cJSON *u = cJSON_CreateObject();
		cJSON_AddItemToArray(list, u);
		cJSON_AddStringToObject(u, "name", PQgetvalue(r, i, 1));
		cJSON_AddStringToObject(u, "role", PQgetvalue(r, i, 2));
		cJSON_AddStringToObject(u, "pin_salt", PQgetvalue(r, i, 3));
		cJSON_AddStringToObject(u, "pin_hash", PQgetvalue(r, i, 4));
		cJSON_AddNumberToObject(u, "pin_iterations", strtod(PQgetvalue(r, i, 5), NULL));
	}
	PQclear(r);
	*json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return *json ? 200 : dist_error("unavailable", json);
}

int dist_answer(hub_pg *pg, enum dist_kind kind, const char *token_hash, const char *since,
                char **json)
{
	char store[DIST_ID_SIZE];
	int64_t v;
	*json = NULL;
	int status = dist_store(pg, token_hash, store);
	if (status != 200)
		return dist_error(status == 401 ? "unauthorized" : "unavailable", json);
	if (!dist_since(since, &v))
		return dist_error("bad_since", json);
	return kind == DIST_CATALOG ? dist_catalog_answer(pg, store, v, json)
	                            : dist_users_answer(pg, store, v, json);
}
