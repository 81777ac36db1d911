/* main.c — kaspi-pos's entry point: global options, then one subcommand
 * from the table below (DESIGN.md, "Command line"). */
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "app/i18n.h"
#include "core/validate.h"
#include "net/xpay.h"
#include "tui/tui.h"

/* One option of a subcommand, for its --help (the man page lists the same). */
struct option_help {
	const char *flag; /* N_(): "--phone PHONE"; a translation keeps the option's name */
	const char *text; /* N_(): what it does */
};

#define COMMAND_OPTIONS_MAX 7

/* One subcommand. Every text is a gettext message, shown in the user's
 * language; the names of commands and options stay as they are. */
struct command {
	const char *name;
	const char *usage;   /* N_(): the arguments after the name, one line per form; "" none */
	const char *summary; /* N_(): one line for kaspi-pos --help */
	const char *about;   /* N_(): more for COMMAND --help (exit status...), or NULL */
	struct option_help options[COMMAND_OPTIONS_MAX]; /* up to the first without a flag */
	int (*run)(struct cli_ctx *ctx, int argc, char **argv);
};

static int cmd_version(struct cli_ctx *ctx, int argc, char **argv);

static const struct command commands[] = {
	{.name = "health",
	 .usage = "",
	 .summary = N_("check the key and the service: status, version, round trip, clock skew"),
	 .about = N_("Exit 0 when the service answers ok, 3 with one line that says what to do\n"
	             "otherwise (a rejected key, no connection, a setting that is wrong)."),
	 .run = cmd_health},
	{.name = "charge",
	 .usage = N_("AMOUNT [--method qr|phone] [--phone PHONE] [--description TEXT] [--no-wait]"),
	 .summary = N_("one payment without the till: journal it, print the QR, wait for the outcome"),
	 .about = N_("AMOUNT is in tenge: 1500, 1500.50 or 1500,50. With no open shift, charge opens\n"
	             "one. Ctrl-C gives the payment up. Exit 0 paid; 1 declined, failed, expired or\n"
	             "cancelled; 2 bad input; 3 network or API error (a create that cannot get\n"
	             "through for 2 minutes is left to kaspi-pos reconcile)."),
	 .options = {{N_("--method qr|phone"), N_("Kaspi QR (the default), or a request to the buyer's phone")},
	             {N_("--phone PHONE"), N_("the buyer's number: +77051234567, 8 705 123 45 67,\n"
	                                      "8(705)1234567 or 7051234567; implies --method phone")},
	             {N_("--description TEXT"), N_("the order's description, up to 255 characters")},
	             {"--no-wait", N_("exit 0 once the QR is shown; kaspi-pos reconcile settles the rest")}},
	 .run = cmd_charge},
	{.name = "sale",
	 .usage = N_("ITEM... [--tender cash[:AMOUNT] | card[:AMOUNT[:CODE]] | qr[:AMOUNT] |\n"
	             "phone:PHONE[:AMOUNT]]... [--else cash|card] [--no-wait]"),
	 .summary = N_("a whole sale without the till: the items, then each tender, the change"),
	 .about = N_("ITEM is a barcode or an SKU, N*CODE for N of it, 0,350*CODE for a weight, or a\n"
	             "scale label. Up to four tenders, taken in order; one without AMOUNT takes the\n"
	             "rest, and the last may be cash above it (the change). Without --tender: cash,\n"
	             "the exact sum. The Kaspi parts are paid first, cash and card are recorded last.\n"
	             "A Kaspi part that ends unpaid gives the sale up, or with --else is taken in\n"
	             "cash or by card instead (its order stays in the journal as the failed try).\n"
	             "Exit codes as charge's."),
	 .options = {{N_("--tender KIND[:AMOUNT]"), N_("cash, card (CODE: the terminal's approval code),\n"
	                                               "qr, or phone:PHONE; AMOUNT in tenge")},
	             {N_("--else cash|card"), N_("a Kaspi part declined, failed or expired is taken\n"
	                                         "in cash (the exact sum) or by card instead")},
	             {"--no-wait", N_("one Kaspi tender: exit 0 once the QR is shown")}},
	 .run = cmd_sale},
	{.name = "status",
	 .usage = N_("ORDER_OR_PAYMENT_ID"),
	 .summary = N_("the journal's and the server's view of one order"),
	 .about = N_("The order id (T01-20261126-000042) or the server's payment id (pay_...); a\n"
	             "payment id the journal does not know is asked of the server alone.\n"
	             "Exit 0, 2 for an order the journal does not know, 3 when the server fails."),
	 .run = cmd_status},
	{.name = "reconcile",
	 .usage = N_("[--close ORDER_ID --reason TEXT [--user NAME]]"),
	 .summary = N_("settle every unfinished order and pending refund with the server"),
	 .about = N_("Prints each order and refund that moves. Exit 0 when the server answered for\n"
	             "every one, 3 when some could not be reached (run it again later) or the server\n"
	             "does not know them (\"unknown to the server\": a manager closes each one as\n"
	             "failed with --close, after checking it was never paid)."),
	 .options = {{N_("--close ORDER_ID"), N_("close an order unknown to the server as failed (a manager's PIN)")},
	             {N_("--reason TEXT"), N_("why it is closed, 1 to 255 characters (required with --close)")},
	             {N_("--user NAME"), N_("the manager whose PIN approves it (default: any manager)")}},
	 .run = cmd_reconcile},
	{.name = "refund",
	 .usage = N_("ORDER_OR_PAYMENT_ID [AMOUNT] --reason TEXT [--user NAME] [--to cash]\n"
	             "--no-receipt AMOUNT --reason TEXT [--vat RATE] [--user NAME]"),
	 .summary = N_("a refund of the order or of AMOUNT of it, with a manager's PIN"),
	 .about = N_("The refund goes back to the sale's own tenders: a Kaspi payment through\n"
	             "Kaspi, cash from the drawer (it opens), card as a card refund on the shop's\n"
	             "terminal; a sale in several tenders Kaspi first, then card, then cash. The\n"
	             "PIN is read from the terminal, or one line of standard input when that is\n"
	             "not a terminal. Exit 0 refunded; 1 refused by the rules or the server;\n"
	             "2 bad input, a wrong PIN or not a manager; 3 network or API error (the\n"
	             "refund stays pending until kaspi-pos reconcile settles it)."),
	 .options = {{N_("--reason TEXT"), N_("why, 1 to 255 characters (required)")},
	             {N_("--user NAME"), N_("the manager whose PIN approves it (default: any manager)")},
	             {"--to cash", N_("all of it in cash from the drawer instead of the sale's tenders")},
	             {N_("--no-receipt AMOUNT"), N_("a return without a receipt: AMOUNT in cash, no order")},
	             {N_("--vat RATE"), N_("--no-receipt: the VAT percent of the goods (default 16)")}},
	 .run = cmd_refund},
	{.name = "cash",
	 .usage = N_("in|out AMOUNT --reason TEXT [--user NAME]\n"
	             "float AMOUNT [--reason TEXT] [--user NAME]"),
	 .summary = N_("cash put into the drawer or taken out, and the shift's float"),
	 .about = N_("AMOUNT is in tenge. in needs a reason; out needs a reason and a manager's PIN,\n"
	             "and never takes more than the drawer should hold; float sets the shift's float\n"
	             "(zero needs nobody, an amount or a change a manager's PIN). The PIN is read\n"
	             "from the terminal, or one line of standard input when that is not a terminal.\n"
	             "The drawer opens when money goes in or out. With no open shift, cash opens\n"
	             "one. Exit 0 recorded; 1 refused by the rules (more than the drawer holds) or\n"
	             "the store failed; 2 bad input, a wrong PIN or not a manager."),
	 .options = {{N_("--reason TEXT"), N_("why, 1 to 255 characters (required for in and out)")},
	             {N_("--user NAME"), N_("out, float: the manager whose PIN approves it\n"
	                                    "(default: any manager)")}},
	 .run = cmd_cash},
	{.name = "receipt",
	 .usage = N_("ORDER_ID [--format text|json] [--print]"),
	 .summary = N_("the fiscal receipt of a sale and of its returns, again, marked as a copy"),
	 .about = N_("ORDER_ID is a sale's order id (its receipt and those of its returns) or a\n"
	             "refund's id (T01-R-...: that return's receipt). Exit 0; 2 for an order without\n"
	             "a fiscal receipt; 3 when a receipt still waits for the register."),
	 .options = {{"--format text|json", N_("text (the default) or JSON: the register's answer")},
	             {"--print", N_("send it to the printer instead")}},
	 .run = cmd_receipt},
	{.name = "display",
	 .usage = N_("[--url URL]"),
	 .summary = N_("the customer display in this terminal: the basket, the total, the QR"),
	 .about = N_("Draws what the buyer sees from the till's display feed, in Kazakh and\n"
	             "Russian, the QR in half blocks at the size this terminal allows; without the\n"
	             "feed it says \"no connection\" and shows no QR. q, Esc or F10 quits. Exit 0;\n"
	             "2 without a URL (the till writes it to display.url when it serves one)."),
	 .options = {{N_("--url URL"), N_("the display's address with its token (default: the till's\n"
	                                  "display.url in KASPI_POS_HOME)")}},
	 .run = cmd_display},
	{.name = "fiscal",
	 .usage = N_("send | status | z"),
	 .summary = N_("fiscal receipts waiting: send them now, or say how many wait"),
	 .about = N_("send registers every receipt that waits and prints each one (the till runs it\n"
	             "in the background after each sale, return and cash movement). Exit 0 when\n"
	             "none is left waiting, 3 when some still wait for the register. z closes the\n"
	             "register's shift (report z does it after the till's Z)."),
	 .run = cmd_fiscal},
	{.name = "sync",
	 .usage = "",
	 .summary = N_("ship the journal to the chain's hub now and say what went"),
	 .about = N_("Sends every change of the journal the hub ([hub] url, token) does not hold\n"
	             "yet, in order, in batches; the till ships them in the background too. A batch\n"
	             "whose answer is lost is sent again (the hub takes each row once). Exit 0 when\n"
	             "the hub holds every row; 1 when the hub refuses them (the token, another\n"
	             "till's journal) or the journal fails; 2 with no hub set; 3 when the hub\n"
	             "cannot be reached (the rows wait)."),
	 .run = cmd_sync},
	{.name = "journal",
	 .usage = N_("[--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD] [--status STATE]\n"
	             "[--lines] [--format text|csv|json]"),
	 .summary = N_("the orders of a day (today by default) or of a range of days"),
	 .options = {{N_("--date YYYY-MM-DD"), N_("one Almaty calendar day")},
	             {N_("--from YYYY-MM-DD"), N_("the first day of a range")},
	             {N_("--to YYYY-MM-DD"), N_("the last day of a range")},
	             {N_("--status STATE"), N_("only the orders in this state (succeeded, pending, ...)")},
	             {N_("--lines"), N_("each order's lines too, with their weights (CSV: a row per line)")},
	             {"--format text|csv|json", N_("text (the default), CSV (tenge) or JSON (tiyn)")}},
	 .run = cmd_journal},
	{.name = "report",
	 .usage = N_("x|z|day [--date YYYY-MM-DD] [--format text|csv|json] [--width 32|42|48]\n"
	             "[--print] [--user NAME] [--number N] [--counted AMOUNT]"),
	 .summary = N_("shift and day reports: x the open shift, z closes it, day one calendar day"),
	 .about = N_("z closes the open shift with a manager's PIN and prints the stored report;\n"
	             "a shift that had cash needs the cash counted in the drawer (--counted).\n"
	             "Exit 0; 1 no shift open, or the store or the printer failed (the report was\n"
	             "still written); 2 bad input, a wrong PIN or not a manager."),
	 .options = {{N_("--date YYYY-MM-DD"), N_("the day of a day report (today by default)")},
	             {"--format text|csv|json", N_("text (the default), CSV (tenge) or JSON (tiyn)")},
	             {"--width 32|42|48", N_("columns of the text (default: the printer's width)")},
	             {"--print", N_("send the text to the printer as well")},
	             {N_("--user NAME"), N_("z: the manager whose PIN closes the shift")},
	             {"--number N", N_("z: print stored Z report N again, as it was")},
	             {N_("--counted AMOUNT"), N_("z: the cash counted in the drawer, in tenge (required\n"
	                                         "when the shift had cash); the report shows the\n"
	                                         "difference from the cash expected")}},
	 .run = cmd_report},
	{.name = "catalog",
	 .usage = N_("import FILE.csv\nfind TEXT"),
	 .summary = N_("load the product catalog from a CSV file, or search it"),
	 .about = N_("import checks every row first and imports all or nothing, each problem\n"
	             "reported with its line (exit 2). find looks up a barcode, an SKU or name\n"
	             "prefixes, as the till's search does (exit 1 when nothing matches)."),
	 .run = cmd_catalog},
	{.name = "user",
	 .usage = N_("add NAME --role cashier|manager\nlist"),
	 .summary = N_("add one of the till's users (the PIN asked twice), or list them"),
	 .options = {{"--role cashier|manager", N_("what the new user may do: managers approve refunds,\n"
	                                          "big discounts and Z reports")}},
	 .run = cmd_user},
	{.name = "version",
	 .usage = "",
	 .summary = N_("print the version"),
	 .run = cmd_version},
};

#define COMMAND_COUNT (sizeof commands / sizeof *commands)

/* The global options, for kaspi-pos --help. */
static const struct option_help global_options[] = {
	{N_("--config FILE"), N_("the config file (default $XDG_CONFIG_HOME/kaspi-pos/config.ini)")},
	{"--debug", N_("a trace of every HTTP request on standard error, the key hidden")},
	{"--help, -h", N_("this text; kaspi-pos COMMAND --help tells about one command")},
	{"--version", N_("the version")},
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/* Prints text with every line after the first indented by indent spaces. */
static void print_indented(FILE *out, const char *text, int indent)
{
	for (const char *p = text; *p; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fprintf(out, "%*s", indent, "");
	}
}

/* "  FLAG  TEXT" lines, the flags in a column of width columns. */
static void print_options(FILE *out, const struct option_help *opt, size_t n, int width)
{
	for (size_t i = 0; i < n && opt[i].flag; i++) {
		const char *flag = _(opt[i].flag);
		long pad = width - (long)kp_utf8_length(flag);
		fprintf(out, "  %s%*s  ", flag, pad > 0 ? (int)pad : 0, "");
		print_indented(out, _(opt[i].text), width + 4);
		fputc('\n', out);
	}
}

/* Each form of c's usage as "HEAD kaspi-pos NAME FORM": head before the
 * first, spaces as wide under it before the others; a usage line that
 * starts with '[' goes on under the form above it. */
static void print_forms(FILE *out, const char *head, const struct command *c)
{
	const char *usage_text = c->usage[0] ? _(c->usage) : "";
	int head_width = (int)kp_utf8_length(head);
	int name_width = (int)strlen(" kaspi-pos ") + (int)strlen(c->name) + 1;

	for (const char *line = usage_text;;) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);
		if (line == usage_text)
			fprintf(out, "%s kaspi-pos %s%s%.*s\n", head, c->name, len ? " " : "", len, line);
		else if (line[0] == '[')
			fprintf(out, "%*s%.*s\n", head_width + name_width, "", len, line);
		else
			fprintf(out, "%*s kaspi-pos %s %.*s\n", head_width, "", c->name, len, line);
		if (!nl)
			break;
		line = nl + 1;
	}
}

/* kaspi-pos --help: every command, the global options, the environment. */
static void usage(FILE *out)
{
	fprintf(out, "%s kaspi-pos [--config %s] [--debug] [%s [%s]]\n", _("usage:"), _("FILE"),
	        _("COMMAND"), _("ARGS"));
	fprintf(out, "\n%s\n", _("A keyboard-driven terminal till for Kaspi Pay. Without a command it opens\n"
	                         "the till (full screen); a command does one job and exits."));
	fprintf(out, "\n%s\n", _("commands:"));
	fprintf(out, "  kaspi-pos\n      %s\n", _("open the till (full screen)"));
	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		print_forms(out, " ", &commands[i]);
		fprintf(out, "      ");
		print_indented(out, _(commands[i].summary), 6);
		fputc('\n', out);
	}
	fprintf(out, "\n%s\n", _("options:"));
	print_options(out, global_options, sizeof global_options / sizeof *global_options, 14);
	fprintf(out, "\n%s\n", _("environment: KASPI_XDEV_KEY, KASPI_MERCHANT_ID, KASPI_BASE_URL and\n"
	                         "KASPI_WEBHOOK_SECRET override the config file; KASPI_POS_HOME is the\n"
	                         "folder of the journal and the catalog. More in man kaspi-pos."));
}

/* kaspi-pos COMMAND --help, on standard output. */
static void command_help(const struct command *c)
{
	print_forms(stdout, _("usage:"), c);
	printf("\n");
	print_indented(stdout, _(c->summary), 0);
	printf("\n");
	if (c->about) {
		printf("\n");
		print_indented(stdout, _(c->about), 0);
		printf("\n");
	}
	printf("\n%s\n", _("options:"));
	int width = 12;
	for (size_t i = 0; i < COMMAND_OPTIONS_MAX && c->options[i].flag; i++) {
		long w = kp_utf8_length(_(c->options[i].flag));
		if (w > width)
			width = (int)w;
	}
	print_options(stdout, c->options, COMMAND_OPTIONS_MAX, width);
	static const struct option_help help_option[] = {{"--help, -h", N_("this text")}};
	print_options(stdout, help_option, 1, width);
}

int cli_usage(const char *name)
{
	const struct command *c = find_command(name);
	if (c) {
		print_forms(stderr, _("usage:"), c);
		fprintf(stderr, _("(kaspi-pos %s --help tells more)\n"), name);
	}
	return EXIT_USAGE;
}

/* True when args hold --help or -h: the command's help, whatever else. */
static bool asks_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
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

	/* the diagnostics were written in the language i18n_init chose */
	for (int i = 0; i < ctx->cfg.ndiag; i++)
		fprintf(stderr, "%s: %s\n", _(config_severity_name(ctx->cfg.diag[i].severity)),
		        ctx->cfg.diag[i].text);
	if (ctx->cfg.dropped > 0)
		fprintf(stderr, _("(%d more config messages not shown)\n"), ctx->cfg.dropped);
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
			i18n_init(NULL);
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			return cmd_version(&ctx, 0, NULL);
		} else {
			i18n_init(NULL);
			fprintf(stderr, _("kaspi-pos: unknown option %s (see kaspi-pos --help)\n"), argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		/* the config's problems in the language of LANG (the config names
		 * the till's language, which it cannot do before it is read) */
		i18n_init(NULL);
		if (!cli_load_config(&ctx))
			return EXIT_USAGE;
		i18n_init(config_language_name(ctx.cfg.ui.language));
		if (!xpay_global_init()) {
			fprintf(stderr, "kaspi-pos: %s\n", _("cannot initialise libcurl"));
			return EXIT_API;
		}
		/* no curl_global_cleanup: a worker thread left inside a hanging
		 * request may still use libcurl while the process exits */
		return tui_run(&ctx.cfg);
	}
	/* the commands speak the language of LANG; the till that of its config */
	i18n_init(NULL);
	const struct command *c = find_command(argv[i]);
	if (!c) {
		fprintf(stderr, _("kaspi-pos: unknown command \"%s\" (see kaspi-pos --help)\n"), argv[i]);
		return EXIT_USAGE;
	}
	if (asks_help(argc - i - 1, argv + i + 1)) {
		command_help(c);
		return 0;
	}
	if (!xpay_global_init()) {
		fprintf(stderr, "kaspi-pos: %s\n", _("cannot initialise libcurl"));
		return EXIT_API;
	}
	/* no curl_global_cleanup, as for the till */
	return c->run(&ctx, argc - i - 1, argv + i + 1);
}
