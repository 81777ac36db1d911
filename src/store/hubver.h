/* hubver.h — what the till takes from the chain's hub (kaspi-hub): the
 * version stamps of the catalog and of the users, and the users list
 * replaced as one.
 *
 * hub_versions (schema step 16) keeps, per kind ("catalog", "users"),
 * the hub's version number the till holds, written in the same
 * transaction that replaced the catalog (catalog.h,
 * catalog_import_version) or the users (hubver_users_replace), so the
 * stamp never says more or less than the tables hold. A till that never
 * took one reads version 0.
 *
 * The users from the hub replace the till's: matched by name (the row
 * and its id kept, so orders, shifts and a logged-in cashier still name
 * it), role and PIN hash set, new names added; a user the list leaves
 * out is kept but disabled (users_disabled), so it can no longer log in
 * (users.h's lookups skip it). The hub sends the PIN's salt and hash
 * (app/pin.h's PBKDF2), never a PIN. */
#ifndef KP_STORE_HUBVER_H
#define KP_STORE_HUBVER_H

#include "core/check.h"

#include <stdint.h>

#include "store/db.h"
#include "store/users.h"

#define HUBVER_CATALOG "catalog"
#define HUBVER_USERS "users"

/* The version of kind the till holds; 0 when none was taken. */
store_status hubver_get(store_db *db, const char *kind, int64_t *version,
                        store_err *err) KP_MUST_CHECK;

/* Stamps kind with version (>= 1), inside the caller's transaction. */
store_status hubver_set(store_db *db, const char *kind, int64_t version,
                        store_err *err) KP_MUST_CHECK;

/* One user as the hub sends it. */
struct hubver_user {
	char name[USERS_NAME_SIZE];
	enum user_role role;
	struct users_pin pin;
};

/* What a replace did. */
struct hubver_users_stats {
	int added;      /* names new to the till */
	int updated;    /* names the till had (role or PIN maybe changed) */
	int disabled;   /* users of the till the list leaves out, disabled now */
};

/* Replaces the till's users with list[0..n-1] and stamps "users" with
 * version, in one transaction. STORE_ERR_INPUT (nothing changed) for a
 * bad name, a PIN without rounds or a name twice. stats may be NULL. */
store_status hubver_users_replace(store_db *db, const struct hubver_user *list, int n,
                                  int64_t version, struct hubver_users_stats *stats,
                                  store_err *err) KP_MUST_CHECK;

#endif
