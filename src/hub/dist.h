/* dist.h — what the hub sends out to the tills: catalog versions and
 * users versions, kept in PostgreSQL (schema step 2, pgdb.c).
 *
 * A catalog version is a CSV file (store/catalog.h's format, checked by
 * the till's own rules before it is kept) for one store or, with no
 * store, the whole chain; versions are numbered in one sequence, and a
 * till takes the newest one for its store or for the chain, whichever
 * came last. A users version is one change of a user (add, remove) of a
 * store or of the chain; a till takes every live user of its store and
 * of the chain (a store's user before the chain's of the same name),
 * stamped with the newest change among them. A user's PIN is kept as
 * the till keeps it (app/pin.h: PBKDF2 salt, hash, rounds), never the
 * PIN.
 *
 *   GET /api/v1/catalog?since=V   Authorization: Bearer TOKEN
 *       200 {"version":N,"store":"S1"|null,"created_at":"...Z",
 *            "products":N,"sha256":"<hex of csv>","csv":"..."}
 *       304 when the newest for the till's store is V or older (or none)
 *   GET /api/v1/users?since=V
 *       200 {"version":N,"users":[{"name":"...","role":"cashier",
 *            "pin_salt":"<32 hex>","pin_hash":"<64 hex>",
 *            "pin_iterations":N},...]}
 *       304 likewise
 *   both: 400 for a since that is not a whole number, 401 for a token no
 *   till has, 503 when the database fails. */
#ifndef KP_HUB_DIST_H
#define KP_HUB_DIST_H

#include "core/check.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hub/pgdb.h"
#include "store/users.h"

#define DIST_ID_SIZE 33

/* Stores a checked catalog (csv, len bytes, products rows) for store
 * (NULL: the chain) as a new version, *version its number. */
bool dist_catalog_add(hub_pg *pg, const char *store, const char *csv, size_t len, long products,
                      int64_t *version, char err[HUB_ERR_SIZE]) KP_MUST_CHECK;

/* Writes the catalog versions, newest first, one line each. */
bool dist_catalog_list(hub_pg *pg, FILE *out, char err[HUB_ERR_SIZE]) KP_MUST_CHECK;

/* Adds the user name (role, pin) to store (NULL: the chain) as a new
 * users version; a removed user of that name comes back. *exists set
 * (and false returned) when a live one has the name. */
bool dist_user_add(hub_pg *pg, const char *name, const char *store, enum user_role role,
                   const struct users_pin *pin, int64_t *version, bool *exists,
                   char err[HUB_ERR_SIZE]) KP_MUST_CHECK;

/* Removes the user name of store (NULL: the chain) as a new users
 * version; *missing set (and false returned) when there is none. */
bool dist_user_remove(hub_pg *pg, const char *name, const char *store, int64_t *version,
                      bool *missing, char err[HUB_ERR_SIZE]) KP_MUST_CHECK;

/* Writes the live users (store NULL: every one), one line each. */
bool dist_user_list(hub_pg *pg, const char *store, FILE *out, char err[HUB_ERR_SIZE]) KP_MUST_CHECK;

/* What a GET asks for. */
enum dist_kind { DIST_CATALOG, DIST_USERS };

/* The answer to GET /api/v1/catalog or /api/v1/users from the till whose
 * token's SHA-256 hex is token_hash (NULL: none), since its query's
 * since (NULL: 0): the HTTP status, and *json (malloc'd; NULL for 304). */
int dist_answer(hub_pg *pg, enum dist_kind kind, const char *token_hash, const char *since,
                char **json) KP_MUST_CHECK;

#endif
