/* dist_cli.h — kaspi-hub's commands for the catalog and the users that
 * go out to the tills (dist.h):
 *
 *   kaspi-hub catalog import FILE.csv [--store S]   check it by the till's
 *                                  rules, keep it as the next version
 *   kaspi-hub catalog list                          the versions
 *   kaspi-hub user add NAME --role cashier|manager [--store S]
 *                                  the PIN asked twice (or two lines of
 *                                  standard input), kept hashed
 *   kaspi-hub user remove NAME [--store S]
 *   kaspi-hub user list [--store S]
 *
 * Without --store a catalog or a user is the whole chain's. Exit 0, 1
 * (it failed: said on standard error, one line a problem), 2 (usage). */
#ifndef KP_HUB_DIST_CLI_H
#define KP_HUB_DIST_CLI_H

#include <stdbool.h>

struct dist_cli_args {
	const char *db;      /* the database's URL or conninfo */
	const char *store;   /* --store, or NULL */
	const char *role;    /* --role, or NULL */
	int argc;            /* the command's words, after the options */
	char **argv;
};

/* Whether word starts one of these commands. */
bool dist_cli_is(const char *word);

/* Runs the command; the exit code. */
int dist_cli_run(const struct dist_cli_args *a);

#endif
