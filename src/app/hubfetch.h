/* hubfetch.h — the catalog and the users the till takes from the
 * chain's hub (kaspi-hub; hub/dist.h says the answers): GET
 * /api/v1/catalog?since=V and /api/v1/users?since=V with the version the
 * till holds (store/hubver.h), so the hub answers 304 while nothing is
 * newer. A newer catalog (its CSV, its SHA-256 checked) is imported by
 * the till's own rules in one transaction with its version stamp
 * (catalog_import_version); newer users replace the till's in one
 * (hubver_users_replace). A sale in progress keeps its prices: the
 * basket holds each line's price from when it was scanned. Whatever
 * fails (the hub away, a refusal) leaves the till on what it holds; a
 * version the till's rules refuse is not fetched again, only a newer
 * one.
 *
 * Run by kaspi-pos sync and by the shipping thread (app/ship.h) every
 * HUBFETCH_EVERY_MS, on its own connection and client. */
#ifndef KP_APP_HUBFETCH_H
#define KP_APP_HUBFETCH_H

#include "core/check.h"

#include <stdbool.h>
#include <stdint.h>

#include "app/config.h"
#include "app/ship.h"
#include "store/db.h"
#include "store/hubver.h"

#define HUBFETCH_EVERY_MS 5000

/* What a pass did, for each kind. */
struct hubfetch_kind {
	enum ship_outcome outcome;   /* DONE: the till holds the newest */
	int64_t version;             /* the version the till holds after the pass */
	bool taken;                  /* a newer one was taken in this pass */
	char why[SHIP_WHY_SIZE];     /* not DONE: one line in the reader's language */
};

struct hubfetch_result {
	struct hubfetch_kind catalog, users;
	long products;                    /* catalog taken: its rows */
	struct hubver_users_stats people; /* users taken: what changed */
};

typedef struct hubfetch hubfetch;

/* A fetcher for cfg's [hub]; false with why as ship_open. */
bool hubfetch_open(const struct kp_config *cfg, hubfetch **out, char *why,
                   size_t why_size) KP_MUST_CHECK;
void hubfetch_close(hubfetch *f);

/* Asks the hub for a newer catalog, then newer users, and takes them.
 * The worse of the two outcomes. */
enum ship_outcome hubfetch_pass(hubfetch *f, store_db *db, struct hubfetch_result *out);

#endif
