/* cmd_sync.c — kaspi-pos sync: the journal shipped to the hub now
 * (app/ship.h), with what went. An answer that did not come is tried
 * twice more, the same batch, 1 and 2 s apart. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/i18n.h"
#include "app/ship.h"
#include "cli/cli.h"
#include "cli/cli_store.h"
#include "store/outbox.h"

#define SYNC_TRIES 3

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
	return 0;
}
