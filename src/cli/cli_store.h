/* cli_store.h — opening the till's database for a subcommand. */
#ifndef KP_CLI_CLI_STORE_H
#define KP_CLI_CLI_STORE_H

#include "cli/cli.h"
#include "store/db.h"

/* Exit code for "the database could not do it" (disk full, damaged
 * file...): 1, since 2 is bad input and 3 the network. */
#define EXIT_STORE 1

/* Loads the configuration, creates the data folder (cfg.home, like
 * mkdir -p, mode 0700) and opens kaspi-pos.db in it. On failure prints
 * one line on stderr, sets *rc to the exit code and returns NULL. */
store_db *cli_store_open(struct cli_ctx *ctx, int *rc);

/* The exit code for a store status: 0, EXIT_USAGE for bad input, else
 * EXIT_STORE. */
int cli_store_exit(store_status status);

#endif
