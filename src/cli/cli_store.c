/* cli_store.c — the database for subcommands: config, folder, file. */
#include <stdio.h>

#include "app/fiscal.h"
#include "app/i18n.h"
#include "cli/cli_store.h"

int cli_store_exit(store_status status)
{
	switch (status) {
	case STORE_OK:
		return 0;
	case STORE_ERR_INPUT:
	case STORE_ERR_EXISTS:
	case STORE_NOT_FOUND:
		return EXIT_USAGE;
	default:
		return EXIT_STORE;
	}
}

store_db *cli_store_open(struct cli_ctx *ctx, int *rc)
{
	store_db *db = NULL;
	store_err err;

	if (!cli_load_config(ctx)) {
		*rc = EXIT_USAGE;
		return NULL;
	}
	store_status st = db_open_home(ctx->cfg.home, &db, &err);
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		*rc = cli_store_exit(st);
		return NULL;
	}
	char message[512];
	if (!fiscal_setup(db, &ctx->cfg, message, sizeof message)) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		db_close(db);
		*rc = EXIT_STORE;
		return NULL;
	}
	*rc = 0;
	return db;
}
