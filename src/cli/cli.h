/* cli.h — the subcommands of kaspi-pos. Each is one row of the command
 * table in main.c and one cmd_* function; they share the start-up work
 * (config, diagnostics) through struct cli_ctx. */
#ifndef KP_CLI_CLI_H
#define KP_CLI_CLI_H

#include "core/check.h"

#include <stdbool.h>

#include "app/config.h"

/* Exit codes of DESIGN.md's command line. */
enum {
	EXIT_PAID_OK = 0,
	EXIT_DECLINED = 1, /* declined, failed, expired, cancelled */
	EXIT_USAGE = 2,    /* usage or bad input */
	EXIT_API = 3,      /* network or API error */
};

struct cli_ctx {
	const char *config_path; /* --config FILE, or NULL for the default */
	bool debug;              /* --debug: a redacted HTTP trace on stderr */
	struct kp_config cfg;    /* loaded by cli_load_config */
};

/* Loads the configuration and prints its diagnostics on stderr, one line
 * each. Returns false (after printing) when the config is unusable. */
bool cli_load_config(struct cli_ctx *ctx) KP_MUST_CHECK;

/* Prints the usage of the subcommand called name on standard error, in
 * the user's language, and returns EXIT_USAGE: what a subcommand does on
 * arguments it cannot take. (COMMAND --help is answered before the
 * subcommand runs.) */
int cli_usage(const char *name);

int cmd_health(struct cli_ctx *ctx, int argc, char **argv);
int cmd_catalog(struct cli_ctx *ctx, int argc, char **argv);
int cmd_user(struct cli_ctx *ctx, int argc, char **argv);
int cmd_charge(struct cli_ctx *ctx, int argc, char **argv);
int cmd_status(struct cli_ctx *ctx, int argc, char **argv);
int cmd_reconcile(struct cli_ctx *ctx, int argc, char **argv);
int cmd_report(struct cli_ctx *ctx, int argc, char **argv);
int cmd_journal(struct cli_ctx *ctx, int argc, char **argv);
int cmd_refund(struct cli_ctx *ctx, int argc, char **argv);
int cmd_sale(struct cli_ctx *ctx, int argc, char **argv);
int cmd_receipt(struct cli_ctx *ctx, int argc, char **argv);
int cmd_fiscal(struct cli_ctx *ctx, int argc, char **argv);
int cmd_cash(struct cli_ctx *ctx, int argc, char **argv);
int cmd_display(struct cli_ctx *ctx, int argc, char **argv);
int cmd_sync(struct cli_ctx *ctx, int argc, char **argv);

#endif
