/* cmd_cash.c — `kaspi-pos cash in|out AMOUNT --reason TEXT [--user NAME]`
 * and `kaspi-pos cash float AMOUNT [--reason TEXT] [--user NAME]`: the
 * cash in the drawer without the till (store/cash.h has the rules).
 *
 *   in      cash put into the drawer, with a reason; nobody approves it
 *   out     cash taken out, with a reason, approved by a manager's PIN,
 *           never more than the drawer should hold
 *   float   the shift's float from now on: the opening float (zero needs
 *           nobody, an amount a manager's PIN) or a change of it (a
 *           manager's PIN)
 *
 * Order of work, as refund's: the rules first (a movement they refuse
 * asks for no PIN and writes nothing), then the PIN, then the movement
 * is written, then the drawer opens ([drawer]) when money went in or
 * out. With no shift open the movement opens one, as charge does (the
 * rules are checked for it before it opens). The PIN: from the terminal
 * without echo, or one line of standard input when that is not a
 * terminal; that of the manager named by --user, or of any manager
 * (cli_approve.h).
 *
 * Exit, as refund's: 0 written; 1 refused by the rules (more out than the
 * drawer should hold) or the store failed; 2 usage, bad input, a wrong PIN
 * or not a manager. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/i18n.h"
#include "app/print.h"
#include "cli/cli.h"
#include "cli/cli_approve.h"
#include "cli/cli_fiscal.h"
#include "cli/cli_store.h"
#include "core/money.h"
#include "store/cash.h"
#include "store/shifts.h"

/* The exit code of a refusal by rule: what was typed is bad input (2),
 * what the drawer allows is a refusal (1). */
static int rule_exit(enum cash_rule rule)
{
	return rule == CASH_RULE_DRAWER ? EXIT_DECLINED : EXIT_USAGE;
}

/* What the command says it did: "cash in", "cash out", "float". */
static const char *done_label(enum cash_kind k)
{
	switch (k) {
	case CASH_IN:
		return _("cash in");
	case CASH_OUT:
		return _("cash out");
	case CASH_FLOAT:
	default:
		return _("float");
	}
}

/* Opens the drawer: money went in or out. A failure is said, the
 * movement stays written. */
static void open_drawer(const struct kp_config *cfg)
{
	char err[PRINT_ERR_MAX];
	if (cfg->drawer.mode == CONFIG_DRAWER_NONE)
		return;
	if (print_drawer_kick(cfg, 0, err, sizeof err) != PRINT_OK)
		fprintf(stderr, "kaspi-pos: %s\n", err);
}

int cmd_cash(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *what = NULL, *amount_text = NULL, *reason = NULL, *user = NULL;
	struct cash_new m = {0};

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			reason = argv[++i];
		else if (strncmp(argv[i], "--reason=", 9) == 0)
			reason = argv[i] + 9;
		else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
			user = argv[++i];
		else if (strncmp(argv[i], "--user=", 7) == 0)
			user = argv[i] + 7;
		else if (argv[i][0] == '-' && !(argv[i][1] >= '0' && argv[i][1] <= '9'))
			return cli_usage("cash");
		else if (!what)
			what = argv[i];
		else if (!amount_text)
			amount_text = argv[i];
		else
			return cli_usage("cash");
	}
	if (!what || !amount_text || !cash_kind_parse(what, &m.kind))
		return cli_usage("cash");
	if (!money_parse_tenge(amount_text, &m.amount)) {
		fprintf(stderr, "kaspi-pos: %s: \"%s\"\n",
		        _("the amount is tenge, like 2000, 2000.50 or 2000,50"), amount_text);
		return EXIT_USAGE;
	}
	if (m.kind == CASH_IN && user) {
		fprintf(stderr, "kaspi-pos: %s\n",
		        _("--user names the manager who approves: cash in needs no approval"));
		return EXIT_USAGE;
	}
	m.reason = reason;

	int rc;
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	store_err err;
	struct shift sh;
	enum cash_rule rule;
	bool needs = false;
	/* the rules first: in the open shift, or in the one it would open */
	store_status st = shifts_get_open(db, &sh, &err);
	if (st == STORE_NOT_FOUND)
		sh.id = 0;
	else if (st != STORE_OK)
		goto failed;
	if ((st = cash_check(db, sh.id, &m, &needs, &rule, &err)) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		rc = st == STORE_ERR_INPUT ? rule_exit(rule) : cli_store_exit(st);
		goto out;
	}
	if ((needs || user) &&
	    (rc = cli_approve_manager(db, user, _("nothing was recorded"), &m.approved_by)) != 0)
		goto out;
	if (sh.id == 0 && (st = shifts_ensure_open(db, 0, &sh, NULL, &err)) != STORE_OK)
		goto failed;
	if ((st = cash_record(db, sh.id, &m, NULL, &rule, &err)) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		rc = st == STORE_ERR_INPUT ? rule_exit(rule) : cli_store_exit(st);
		goto out;
	}
	struct cash_figures fig;
	if ((st = cash_figures_shift(db, sh.id, &fig, &err)) != STORE_OK)
		goto failed;
	char sum[48], held[48];
	money_format(sum, sizeof sum, m.amount);
	money_format(held, sizeof held, fig.expected);
	if (reason && reason[0])
		printf("%s %s: %s\n", done_label(m.kind), sum, reason);
	else
		printf("%s %s\n", done_label(m.kind), sum);
	printf("%s %s\n", _("the drawer should hold"), held);
	fflush(stdout);
	/* money went in or out: not for an opening float of zero */
	if (m.kind != CASH_FLOAT || needs)
		open_drawer(&ctx->cfg);
	(void)cli_fiscal_send(ctx, db, CLI_FISCAL_BUDGET_MS);
	rc = 0;
	goto out;
failed:
	fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
	rc = cli_store_exit(st);
out:
	db_close(db);
	return rc;
}
