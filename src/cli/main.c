/* main.c — kaspi-pos's entry point: global options, then one subcommand
 * from the table below (DESIGN.md, "Command line"). */
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "app/i18n.h"
#include "net/xpay.h"
#include "tui/tui.h"

struct command {
	const char *name;
	const char *usage;   /* arguments after the name */
	const char *summary; /* one line for --help */
	int (*run)(struct cli_ctx *ctx, int argc, char **argv);
};

static int cmd_version(struct cli_ctx *ctx, int argc, char **argv);

static const struct command commands[] = {
	{.name = "health", .usage = "", .summary = "check key + service: status, version, round-trip ms, clock skew",
	 .run = cmd_health},
	{.name = "charge", .usage = "", .summary = "AMOUNT [--method qr|phone] [--phone +77…] [--description T] [--no-wait]: one payment",
	 .run = cmd_charge},
	{.name = "status", .usage = "", .summary = "ORDER_OR_PAYMENT_ID: the server's view and the journal's",
	 .run = cmd_status},
	{.name = "reconcile", .usage = "", .summary = "settle every unfinished order with the server",
	 .run = cmd_reconcile},
	{.name = "refund", .usage = "", .summary = "ORDER_OR_PAYMENT_ID [AMOUNT] --reason TEXT [--user NAME]: a refund, with a manager's PIN",
	 .run = cmd_refund},
	{.name = "journal", .usage = "", .summary = "[--date D | --from D --to D] [--status S] [--format text|csv|json]: the orders",
	 .run = cmd_journal},
	{.name = "report", .usage = "", .summary = "x|z|day [--date D] [--format text|csv|json] [--width 32|42|48] [--print]: shift and day reports (z: manager's PIN; z --number N: a stored one)",
	 .run = cmd_report},
	{.name = "catalog", .usage = "", .summary = "import FILE.csv | find TEXT: load or search the product catalog",
	 .run = cmd_catalog},
	{.name = "user", .usage = "", .summary = "add NAME --role cashier|manager | list: the till's users (PIN asked twice)",
	 .run = cmd_user},
	{.name = "version", .usage = "", .summary = "print the version", .run = cmd_version},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: kaspi-pos [--config FILE] [--debug] [COMMAND [ARGS]]\n\ncommands:\n");
	fprintf(out, "  kaspi-pos                open the till (full screen)\n");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		char head[64];
		snprintf(head, sizeof head, "%s%s%s", commands[i].name, *commands[i].usage ? " " : "",
		         commands[i].usage);
		fprintf(out, "  kaspi-pos %-14s %s\n", head, commands[i].summary);
	}
	fprintf(out, "\nenvironment: KASPI_XDEV_KEY, KASPI_MERCHANT_ID, KASPI_BASE_URL,\n"
	             "KASPI_WEBHOOK_SECRET override the config file; KASPI_POS_HOME is the data folder.\n");
}

static int cmd_version(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	printf("kaspi-pos %s\n", KP_VERSION);
	return 0;
}

bool cli_load_config(struct cli_ctx *ctx)
{
	enum config_status st = config_load(&ctx->cfg, ctx->config_path);

	for (int i = 0; i < ctx->cfg.ndiag; i++)
		fprintf(stderr, "%s: %s\n", config_severity_name(ctx->cfg.diag[i].severity),
		        ctx->cfg.diag[i].text);
	if (ctx->cfg.dropped > 0)
		fprintf(stderr, "(%d more config messages not shown)\n", ctx->cfg.dropped);
	return st == CONFIG_OK;
}

int main(int argc, char **argv)
{
	struct cli_ctx ctx = {0};
	int i = 1;

	/* A peer closing a socket must be an error code, never a dead till. */
	signal(SIGPIPE, SIG_IGN);
	/* The API key lives in this process's memory: no core file for it. */
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core);

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			ctx.config_path = argv[++i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			ctx.config_path = argv[i] + 9;
		} else if (strcmp(argv[i], "--debug") == 0) {
			ctx.debug = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			return cmd_version(&ctx, 0, NULL);
		} else {
			fprintf(stderr, "kaspi-pos: unknown option %s (see kaspi-pos --help)\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		if (!cli_load_config(&ctx))
			return EXIT_USAGE;
		i18n_init(config_language_name(ctx.cfg.ui.language));
		if (!xpay_global_init()) {
			fprintf(stderr, "kaspi-pos: cannot initialise libcurl\n");
			return EXIT_API;
		}
		/* no curl_global_cleanup: a worker thread left inside a hanging
		 * request may still use libcurl while the process exits */
		return tui_run(&ctx.cfg);
	}
	/* the commands speak the language of LANG; the till that of its config */
	i18n_init(NULL);
	for (size_t c = 0; c < sizeof commands / sizeof *commands; c++) {
		if (strcmp(argv[i], commands[c].name) == 0) {
			if (!xpay_global_init()) {
				fprintf(stderr, "kaspi-pos: cannot initialise libcurl\n");
				return EXIT_API;
			}
			/* no curl_global_cleanup, as for the till */
			return commands[c].run(&ctx, argc - i - 1, argv + i + 1);
		}
	}
	fprintf(stderr, "kaspi-pos: unknown command \"%s\" (see kaspi-pos --help)\n", argv[i]);
	return EXIT_USAGE;
}
