/* cmd_report.c — `kaspi-pos report x|z|day` and `kaspi-pos journal`
 * (DESIGN.md, "Command line"; what the reports count: store/reports.h).
 *
 *   report x    the open shift so far
 *   report z    closes the open shift with a manager's PIN (from the
 *               terminal without echo, or one line of standard input;
 *               --user NAME names the manager, as for refund) and prints
 *               the stored Z report; --counted AMOUNT is the cash the
 *               manager counted in the drawer, required when the shift
 *               had any cash (asked before the PIN: a Z it refuses asks
 *               for nothing); --number N prints stored Z report N again,
 *               exactly as it was
 *   report day  one Almaty calendar day over every shift (--date, default
 *               today)
 *   journal     the orders of a day (--date, default today) or of a range
 *               (--from D --to D), --status S for one state
 *
 * Formats: text (the receipt's, --width 32|42|48, default the printer's
 * width from the config), csv, json, in the language of LANG. --print
 * sends the text to the printer as well (app/print.h), in the till's
 * language ([ui] language of the config), as the till prints it.
 *
 * Exit: 0 done; 1 nothing to report (no shift open), the store failed, or
 * the printer failed (the report was still written to standard output, and
 * a Z report is closed and stored: reprint it with --number); 2 usage, bad
 * input, a wrong PIN or not a manager. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/i18n.h"
#include "app/print.h"
#include "app/report_fmt.h"
#include "cli/cli.h"
#include "cli/cli_approve.h"
#include "cli/cli_fiscal.h"
#include "cli/cli_store.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "store/cash.h"
#include "store/shifts.h"

enum format {
	FORMAT_TEXT,
	FORMAT_CSV,
	FORMAT_JSON,
};

static const char *translate(const char *msgid) __attribute__((format_arg(1)));
static const char *translate(const char *msgid)
{
	return gettext(msgid);
}

static bool parse_format(const char *s, enum format *out)
{
	if (strcmp(s, "text") == 0)
		*out = FORMAT_TEXT;
	else if (strcmp(s, "csv") == 0)
		*out = FORMAT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = FORMAT_JSON;
	else
		return false;
	return true;
}

/* The report's identity and commission from the config. */
static void params_from_config(const struct kp_config *cfg, struct report_params *p)
{
	memset(p, 0, sizeof *p);
	p->store_name = cfg->store.name;
	p->store_bin = cfg->store.bin;
	p->store_address = cfg->store.address;
	p->till_id = cfg->till.id;
	p->commission[REPORT_QR] = cfg->commission.qr;
	p->commission[REPORT_PHONE] = cfg->commission.phone;
	p->commission[REPORT_CARD] = cfg->commission.card;
}

/* ---- report ---------------------------------------------------------------- */

static int report_usage(void)
{
	return cli_usage("report");
}

struct report_args {
	enum report_kind kind;
	const char *date;         /* --date */
	enum format format;
	int width;                /* 0: the printer's */
	bool print;
	const char *user;         /* --user: the manager for a Z */
	int64_t number;           /* --number: a stored Z; 0: none */
	bool has_counted;         /* --counted given */
	int64_t counted;          /* --counted: the cash counted at a Z, tiyn */
};

static int parse_report_args(int argc, char **argv, struct report_args *a)
{
	memset(a, 0, sizeof *a);
	if (argc < 1)
		return report_usage();
	if (strcmp(argv[0], "x") == 0)
		a->kind = REPORT_X;
	else if (strcmp(argv[0], "z") == 0)
		a->kind = REPORT_Z;
	else if (strcmp(argv[0], "day") == 0)
		a->kind = REPORT_DAY;
	else
		return report_usage();
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(arg, "--print") == 0) {
			a->print = true;
			continue;
		}
		if (!val || arg[0] != '-')
			return report_usage();
		i++;
		if (strcmp(arg, "--date") == 0) {
			a->date = val;
		} else if (strcmp(arg, "--format") == 0) {
			if (!parse_format(val, &a->format))
				return report_usage();
		} else if (strcmp(arg, "--width") == 0) {
			a->width = atoi(val);
			if (a->width != 32 && a->width != 42 && a->width != 48) {
				fprintf(stderr, "kaspi-pos: %s\n", _("the width is 32, 42 or 48 columns"));
				return EXIT_USAGE;
			}
		} else if (strcmp(arg, "--user") == 0) {
			a->user = val;
		} else if (strcmp(arg, "--number") == 0) {
			char *end;
			long long n = strtoll(val, &end, 10);
			if (*end || n < 1) {
				fprintf(stderr, "kaspi-pos: %s\n", _("a Z report's number is 1 or more"));
				return EXIT_USAGE;
			}
			a->number = n;
		} else if (strcmp(arg, "--counted") == 0) {
			if (!money_parse_tenge(val, &a->counted) || a->counted < 0 ||
			    a->counted > CASH_AMOUNT_MAX) {
				fprintf(stderr, "kaspi-pos: %s: \"%s\"\n",
				        _("the cash counted is tenge from 0 to 100 000 000, like 15000 or 15000,50"),
				        val);
				return EXIT_USAGE;
			}
			a->has_counted = true;
		} else {
			return report_usage();
		}
	}
	if (a->date && a->kind != REPORT_DAY) {
		fprintf(stderr, "kaspi-pos: %s\n", _("--date is for the day report"));
		return EXIT_USAGE;
	}
	if ((a->number || a->user) && a->kind != REPORT_Z) {
		fprintf(stderr, "kaspi-pos: %s\n", _("--number and --user are for the Z report"));
		return EXIT_USAGE;
	}
	if (a->has_counted && (a->kind != REPORT_Z || a->number)) {
		fprintf(stderr, "kaspi-pos: %s\n", _("--counted is for closing the shift with a Z report"));
		return EXIT_USAGE;
	}
	return 0;
}

/* The report's text in the till's language ([ui] language), for the
 * printer: the language of the commands (LANG) is put back after. */
static char *printed_text(const struct cli_ctx *ctx, const struct report *r, int width)
{
	char was[8];
	snprintf(was, sizeof was, "%s", i18n_language());
	i18n_init(config_language_name(ctx->cfg.ui.language));
	char *text = report_text(r, width, translate);
	i18n_init(was);
	return text;
}

/* Writes the report in the chosen format, and prints it if asked.
 * stored_json: a stored Z's snapshot, written as it is. */
static int emit_report(const struct cli_ctx *ctx, const struct report_args *a,
                       const struct report *r, const char *stored_json)
{
	int width = a->width ? a->width : ctx->cfg.printer.width;
	if (width != 32 && width != 42 && width != 48)
		width = 32;
	char *text = report_text(r, width, translate);
	char *out = NULL;
	int rc = 0;

	switch (a->format) {
	case FORMAT_TEXT:
		out = text ? strdup(text) : NULL;
		break;
	case FORMAT_CSV:
		out = report_csv(r);
		break;
	case FORMAT_JSON:
		out = stored_json ? strdup(stored_json) : report_json(r);
		break;
	}
	if (!out || !text) {
		fprintf(stderr, "kaspi-pos: %s\n", _("out of memory while writing the report"));
		free(out);
		free(text);
		return EXIT_STORE;
	}
	fputs(out, stdout);
	if (a->format == FORMAT_JSON)
		fputs("\n", stdout);
	fflush(stdout);
	if (a->print) {
		char err[PRINT_ERR_MAX];
		char *paper = printed_text(ctx, r, width);
		enum print_status ps = paper ? print_text(&ctx->cfg, paper, err, sizeof err) : PRINT_FAILED;
		if (!paper)
			snprintf(err, sizeof err, "%s", _("out of memory while writing the report"));
		free(paper);
		if (ps == PRINT_NOT_CONFIGURED) {
			fprintf(stderr, "kaspi-pos: %s\n",
			        _("printing is not configured: set [printer] mode in the config"));
			rc = EXIT_STORE;
		} else if (ps != PRINT_OK) {
			fprintf(stderr, "kaspi-pos: %s\n", err);
			rc = EXIT_STORE;
		}
		if (rc && r->kind == REPORT_Z)
			fprintf(stderr, _("kaspi-pos: Z report %lld is stored: print it again with "
			                  "kaspi-pos report z --number %lld --print\n"),
			        (long long)r->z_number, (long long)r->z_number);
	}
	free(out);
	free(text);
	return rc;
}

/* Closes the open shift with a manager's approval. */
static int close_z(store_db *db, const struct report_args *a, const struct report_params *p,
                   struct report *r)
{
	struct shift sh;
	store_err err;
	int64_t manager = 0;

	/* no PIN is asked when there is nothing to close */
	store_status st = shifts_get_open(db, &sh, &err);
	if (st == STORE_NOT_FOUND) {
		fprintf(stderr, "kaspi-pos: %s\n", _("no shift is open: there is nothing to close"));
		return EXIT_STORE;
	}
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return cli_store_exit(st);
	}
	/* a shift with cash closes with the cash counted: said before the PIN */
	struct cash_figures cash;
	if ((st = cash_figures_shift(db, sh.id, &cash, &err)) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return cli_store_exit(st);
	}
	if (cash_figures_any(&cash) && !a->has_counted) {
		fprintf(stderr, "kaspi-pos: %s\n",
		        _("the shift had cash: count the drawer and give the sum with --counted AMOUNT; "
		          "nothing was closed"));
		return EXIT_USAGE;
	}
	int rc = cli_approve_manager(db, a->user, _("nothing was closed"), &manager);
	if (rc)
		return rc;
	st = report_z_close(db, p, manager, a->has_counted ? &a->counted : NULL, r, &err);
	if (st == STORE_NOT_FOUND) {
		fprintf(stderr, "kaspi-pos: %s\n", _("no shift is open: there is nothing to close"));
		return EXIT_STORE;
	}
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return st == STORE_ERR_INPUT ? EXIT_USAGE : EXIT_STORE;
	}
	return 0;
}

/* After the till's Z: the register's (its own line on failure: the
 * till's Z stands, `kaspi-pos fiscal z` closes the register's later). */
static void register_z(struct cli_ctx *ctx, store_db *db)
{
	if (cli_fiscal_z(ctx, db) != 0)
		fprintf(stderr, "kaspi-pos: %s\n", _("the register's shift stays open: kaspi-pos fiscal z closes it"));
}

int cmd_report(struct cli_ctx *ctx, int argc, char **argv)
{
	struct report_args a;
	struct report_params p;
	struct report r = {0};
	char *stored = NULL;
	store_err err;
	store_status st = STORE_OK;
	int rc;

	if ((rc = parse_report_args(argc, argv, &a)) != 0)
		return rc;
	int day = 0;
	if (a.kind == REPORT_DAY) {
		if (!a.date)
			day = kp_almaty_yyyymmdd(time(NULL));
		else if (!report_parse_date(a.date, &day)) {
			fprintf(stderr, _("kaspi-pos: \"%s\" is not a date: write YYYY-MM-DD\n"), a.date);
			return EXIT_USAGE;
		}
	}
	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	params_from_config(&ctx->cfg, &p);
	switch (a.kind) {
	case REPORT_X:
		st = reports_x(db, &p, &r, &err);
		if (st == STORE_NOT_FOUND) {
			fprintf(stderr, "kaspi-pos: %s\n", _("no shift is open: nothing to report"));
			db_close(db);
			return EXIT_STORE;
		}
		break;
	case REPORT_DAY:
		st = reports_day(db, &p, day, &r, &err);
		break;
	case REPORT_Z:
		if (a.number) {
			st = report_z_load(db, a.number, &r, &stored, &err);
		} else {
			rc = close_z(db, &a, &p, &r);
			if (rc) {
				db_close(db);
				return rc;
			}
			register_z(ctx, db);
		}
		break;
	}
	db_close(db);
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return cli_store_exit(st);
	}
	rc = emit_report(ctx, &a, &r, stored);
	free(stored);
	report_free(&r);
	return rc;
}

/* ---- journal --------------------------------------------------------------- */

static int journal_usage(void)
{
	return cli_usage("journal");
}

/* Reads a --date/--from/--to value. */
static bool journal_date(const char *text, int *day)
{
	if (report_parse_date(text, day))
		return true;
	fprintf(stderr, _("kaspi-pos: \"%s\" is not a date: write YYYY-MM-DD\n"), text);
	return false;
}

int cmd_journal(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *date = NULL, *from = NULL, *to = NULL, *status = NULL;
	enum format format = FORMAT_TEXT;
	enum journal_state state;
	int from_day, to_day, rc;
	bool lines = false;

	for (int i = 0; i < argc; i++) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--lines") == 0) {
			lines = true;
			continue;
		}
		if (!val)
			return journal_usage();
		if (strcmp(argv[i], "--date") == 0)
			date = val;
		else if (strcmp(argv[i], "--from") == 0)
			from = val;
		else if (strcmp(argv[i], "--to") == 0)
			to = val;
		else if (strcmp(argv[i], "--status") == 0)
			status = val;
		else if (strcmp(argv[i], "--format") == 0) {
			if (!parse_format(val, &format))
				return journal_usage();
		} else
			return journal_usage();
		i++;
	}
	if (date && (from || to))
		return journal_usage();
	if (status && !journal_state_parse(status, &state)) {
		fprintf(stderr, "kaspi-pos: ");
		fprintf(stderr, _("\"%s\" is not a state; the states are:"), status);
		for (int s = 0; s < JOURNAL_STATE_COUNT; s++)
			fprintf(stderr, " %s", journal_state_name((enum journal_state)s));
		fprintf(stderr, "\n");
		return EXIT_USAGE;
	}
	if (date) {
		if (!journal_date(date, &from_day))
			return EXIT_USAGE;
		to_day = from_day;
	} else if (from || to) {
		if (!journal_date(from ? from : to, &from_day) || !journal_date(to ? to : from, &to_day))
			return EXIT_USAGE;
		if (to_day < from_day) {
			fprintf(stderr, "kaspi-pos: %s\n", _("--to is before --from"));
			return EXIT_USAGE;
		}
	} else {
		from_day = to_day = kp_almaty_yyyymmdd(time(NULL));
	}

	store_db *db = cli_store_open(ctx, &rc);
	if (!db)
		return rc;
	struct report_journal j;
	store_err err;
	store_status st = reports_journal(db, from_day, to_day, status ? &state : NULL,
	                                  format == FORMAT_JSON || lines, &j, &err);
	db_close(db);
	if (st != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return cli_store_exit(st);
	}
	char *out = format == FORMAT_CSV    ? (lines ? report_journal_lines_csv(&j) : report_journal_csv(&j))
	            : format == FORMAT_JSON ? report_journal_json(&j)
	                                    : report_journal_text(&j, translate);
	report_journal_free(&j);
	if (!out) {
		fprintf(stderr, "kaspi-pos: %s\n", _("out of memory while writing the journal"));
		return EXIT_STORE;
	}
	fputs(out, stdout);
	if (format == FORMAT_JSON)
		fputs("\n", stdout);
	free(out);
	return 0;
}
