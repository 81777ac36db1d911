/* cmd_sync.c — kaspi-pos sync: the journal shipped to the hub now
 * (app/ship.h), with what went. An answer that did not come is tried
 * twice more, the same batch, 1 and 2 s apart. Then the hub's newer
 * catalog and users are taken (app/hubfetch.h), each said with its
 * version. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/hubfetch.h"
#include "app/i18n.h"
#include "app/ship.h"
#include "cli/cli.h"
#include "cli/cli_store.h"
#include "store/outbox.h"

#define SYNC_TRIES 3

/* Says what became of one kind: taken, held already, or why not. */
static void sync_say(const struct hubfetch_kind *k, bool catalog, const struct hubfetch_result *r)
{
	if (k->outcome != SHIP_DONE)
		fprintf(stderr, "kaspi-pos: %s\n", k->why);
	else if (k->taken && catalog)
		printf(_("catalog: took version %lld from the hub (%ld products)\n"), (long long)k->version,
		       r->products);
	else if (k->taken)
		printf(_("users: took version %lld from the hub (%d added, %d updated, %d disabled)\n"),
		       (long long)k->version, r->people.added, r->people.updated, r->people.disabled);
	else if (k->version == 0)
		printf("%s\n", catalog ? _("catalog: the hub has none for this till")
		                       : _("users: the hub has none for this till"));
	else
		printf(catalog ? _("catalog: version %lld, the hub's newest\n")
		               : _("users: version %lld, the hub's newest\n"),
		       (long long)k->version);
}

/* The hub's newer catalog and users taken and said; the exit code. */
static int sync_fetch(struct cli_ctx *ctx)
{
	int rc;
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	hubfetch *f;
	char why[SHIP_WHY_SIZE];
	if (!hubfetch_open(&ctx->cfg, &f, why, sizeof why)) {
		fprintf(stderr, "kaspi-pos: %s\n", why);
		db_close(db);
		return EXIT_USAGE;
	}
	struct hubfetch_result r;
	enum ship_outcome oc = hubfetch_pass(f, db, &r);
	hubfetch_close(f);
	db_close(db);
	sync_say(&r.catalog, true, &r);
	if (r.users.outcome == SHIP_DONE || strcmp(r.users.why, r.catalog.why) != 0)
		sync_say(&r.users, false, &r);
	return oc == SHIP_DONE ? 0 : oc == SHIP_RETRY ? EXIT_API : EXIT_STORE;
}

int cmd_sync(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc > 0)
		return cli_usage("sync");
	int rc;
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	shipper *s;
	char why[SHIP_WHY_SIZE];
	if (!ship_open(&ctx->cfg, &s, why, sizeof why)) {
		fprintf(stderr, "kaspi-pos: %s\n", why);
		db_close(db);
		return EXIT_USAGE;
	}
	struct ship_result r, total;
	memset(&total, 0, sizeof total);
	for (int i = 0; i < SYNC_TRIES; i++) {
		ship_pass(s, db, 0, &r);
		total.sent += r.sent;
		total.stored += r.stored;
		total.batches += r.batches;
		total.acked = r.acked;
		if (r.outcome != SHIP_RETRY)
			break;
		if (i + 1 < SYNC_TRIES) {
			struct timespec pause = {i + 1, 0};
			nanosleep(&pause, NULL);
		}
	}
	ship_close(s);
	db_close(db);
	if (r.outcome != SHIP_DONE) {
		if (total.sent)
			printf(_("shipped %lld rows in %d batches; the hub holds rows up to %lld\n"),
			       (long long)total.sent, total.batches, (long long)total.acked);
		fprintf(stderr, "kaspi-pos: %s\n", r.why);
		return r.outcome == SHIP_RETRY ? EXIT_API : EXIT_STORE;
	}
	if (total.sent == 0)
		printf(_("nothing to ship: the hub holds every row, up to %lld\n"), (long long)total.acked);
	else
		printf(_("shipped %lld rows in %d batches (%lld new to the hub); the hub holds every row, up to %lld\n"),
		       (long long)total.sent, total.batches, (long long)total.stored,
		       (long long)total.acked);
	return sync_fetch(ctx);
}
