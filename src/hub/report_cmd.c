/* report_cmd.c — the commands and the HTTP answer of the chain's reports
 * (report.h):
 *
 *   kaspi-hub report day [--date YYYY-MM-DD]
 *   kaspi-hub report range --from YYYY-MM-DD --to YYYY-MM-DD
 *       [--store S] [--till T] [--by store|till|cashier|hour] [--format text|csv|json]
 *   kaspi-hub commission STORE [qr=PCT] [phone=PCT] [card=PCT]   set, then show
 *   kaspi-hub owner add NAME         an owner's token for GET /api/v1/report, shown once
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "hub/hash.h"
#include "hub/report.h"

#define RPT_RANGE_DAYS_MAX 366

/* An id as the hub takes them: letters, digits, - and _, 1-32. */
static bool cmd_is_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n >= 1 && n <= 32 &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/* Days from 1970-01-01 of a YYYYMMDD, for the range's length. */
static long cmd_day_number(int d)
{
	int y = d / 10000, m = d / 100 % 100, dd = d % 100;
	y -= m <= 2;
	long era = y / 400, yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* Checks q's ids and range; NULL, or what is wrong. */
static const char *cmd_query_check(const struct hub_report_query *q)
{
	if ((q->store && !cmd_is_id(q->store)) || (q->till && !cmd_is_id(q->till)))
		return "a store or till is 1 to 32 letters, digits, - or _";
	if (q->from_day > q->to_day)
		return "the range ends before it starts";
	if (cmd_day_number(q->to_day) - cmd_day_number(q->from_day) >= RPT_RANGE_DAYS_MAX)
		return "a range is at most 366 days";
	return NULL;
}

static int cmd_usage(const char *why)
{
	fprintf(stderr, "kaspi-hub: %s (see kaspi-hub --help)\n", why);
	return 2;
}

/* report day|range ...: parses its options into q and fmt; 0 or 2. */
static int cmd_report_parse(int argc, char **argv, struct hub_report_query *q,
                            enum hub_report_format *fmt)
{
	const char *date = NULL, *from = NULL, *to = NULL;
	bool range = argc >= 2 && strcmp(argv[1], "range") == 0;
	if (argc < 2 || (!range && strcmp(argv[1], "day") != 0))
		return cmd_usage("report takes day or range");
	memset(q, 0, sizeof *q);
	*fmt = HUB_FMT_TEXT;
	for (int i = 2; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			return cmd_usage("an option of report lacks its value");
		i++;
		if (strcmp(o, "--date") == 0 && !range)
			date = v;
		else if (strcmp(o, "--from") == 0 && range)
			from = v;
		else if (strcmp(o, "--to") == 0 && range)
			to = v;
		else if (strcmp(o, "--store") == 0)
			q->store = v;
		else if (strcmp(o, "--till") == 0)
			q->till = v;
		else if (strcmp(o, "--by") == 0) {
			if (!hub_report_by_parse(v, &q->by))
				return cmd_usage("--by takes store, till, cashier or hour");
		} else if (strcmp(o, "--format") == 0) {
			if (strcmp(v, "text") == 0)
				*fmt = HUB_FMT_TEXT;
			else if (strcmp(v, "csv") == 0)
				*fmt = HUB_FMT_CSV;
			else if (strcmp(v, "json") == 0)
				*fmt = HUB_FMT_JSON;
			else
				return cmd_usage("--format takes text, csv or json");
		} else
			return cmd_usage("unknown option of report");
	}
	if (range) {
		if (!from || !to || !hub_report_date_parse(from, &q->from_day) ||
		    !hub_report_date_parse(to, &q->to_day))
			return cmd_usage("report range takes --from and --to, YYYY-MM-DD");
	} else if (date) {
		if (!hub_report_date_parse(date, &q->from_day))
			return cmd_usage("--date takes YYYY-MM-DD, a real date");
		q->to_day = q->from_day;
	} else {
		q->from_day = q->to_day = hub_report_today();
	}
	const char *bad = cmd_query_check(q);
	return bad ? cmd_usage(bad) : 0;
}

static int cmd_report(hub_pg *pg, int argc, char **argv)
{
	struct hub_report_query q;
	enum hub_report_format fmt;
	char err[HUB_ERR_SIZE], *out;
	int rc = cmd_report_parse(argc, argv, &q, &fmt);
	if (rc)
		return rc;
	if (!hub_report_run(pg, &q, fmt, &out, err)) {
		fprintf(stderr, "kaspi-hub: %s\n", err);
		return 1;
	}
	fputs(out, stdout);
	if (fmt == HUB_FMT_JSON)
		putchar('\n');
	free(out);
	return 0;
}

/* Runs one statement with text parameters; false with the reason said. */
static bool cmd_exec(hub_pg *pg, const char *sql, int n, const char *const *vals, PGresult **out)
{
	PGresult *r = PQexecParams(hub_pg_conn(pg), sql, n, NULL, vals, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		const char *m = PQresultErrorMessage(r);
		fprintf(stderr, "kaspi-hub: database error: %.*s\n", (int)strcspn(m, "\n"), m);
		PQclear(r);
		return false;
	}
	if (out)
		*out = r;
	else
		PQclear(r);
	return true;
}

/* "0.95" (percent, two decimals at most) into 95 hundredths. */
static bool cmd_percent(const char *s, int *out)
{
	char *end;
	double v = strtod(s, &end);
	const char *dot = strchr(s, '.');
	if (end == s || *end || v < 0 || v > 100 || (dot && strlen(dot + 1) > 2))
		return false;
	*out = (int)(v * 100 + 0.5);
	return true;
}

/* commission STORE [METHOD=PCT ...]: sets the rates given, prints them all. */
static int cmd_commission(hub_pg *pg, int argc, char **argv)
{
	if (argc < 2 || !cmd_is_id(argv[1]))
		return cmd_usage("commission takes a STORE and METHOD=PERCENT for qr, phone, card");
	for (int i = 2; i < argc; i++) {
		char method[8], rate[16];
		const char *eq = strchr(argv[i], '=');
		int pct;
		if (!eq || (size_t)(eq - argv[i]) >= sizeof method || !cmd_percent(eq + 1, &pct))
			return cmd_usage("a commission is METHOD=PERCENT, e.g. qr=0.95");
		snprintf(method, sizeof method, "%.*s", (int)(eq - argv[i]), argv[i]);
		if (strcmp(method, "qr") != 0 && strcmp(method, "phone") != 0 && strcmp(method, "card") != 0)
			return cmd_usage("a commission's METHOD is qr, phone or card");
		snprintf(rate, sizeof rate, "%d", pct);
		const char *vals[] = {argv[1], method, rate};
		if (!cmd_exec(pg,
		              "INSERT INTO hub_commission (store_id, method, rate) VALUES ($1, $2, $3::int)"
		              " ON CONFLICT (store_id, method) DO UPDATE SET rate = excluded.rate",
		              3, vals, NULL))
			return 1;
	}
	PGresult *r;
	const char *vals[] = {argv[1]};
	if (!cmd_exec(pg, "SELECT method, rate FROM hub_commission WHERE store_id = $1 ORDER BY method",
	              1, vals, &r))
		return 1;
	for (int i = 0; i < PQntuples(r); i++) {
		int v = atoi(PQgetvalue(r, i, 1));
		printf("%s %s %d.%02d%%\n", argv[1], PQgetvalue(r, i, 0), v / 100, v % 100);
	}
	if (PQntuples(r) == 0)
		printf("%s: no commission set (0%%)\n", argv[1]);
	PQclear(r);
	return 0;
}

/* owner add NAME: a new owner's token, printed once, kept as its hash. */
static int cmd_owner_add(hub_pg *pg, int argc, char **argv)
{
	char token[HUB_TOKEN_SIZE], hash[HUB_HASH_HEX + 1];
	PGresult *r;
	if (argc != 3 || strcmp(argv[1], "add") != 0 || !cmd_is_id(argv[2]))
		return cmd_usage("owner add takes a NAME: 1 to 32 letters, digits, - or _");
	if (!hub_token_new(token) || !hub_sha256_hex(token, strlen(token), hash)) {
		fprintf(stderr, "kaspi-hub: cannot make a random token (OpenSSL)\n");
		return 1;
	}
	const char *vals[] = {argv[2], hash};
	if (!cmd_exec(pg,
	              "INSERT INTO hub_owner (name, token_sha256) VALUES ($1, $2)"
	              " ON CONFLICT (name) DO NOTHING",
	              2, vals, &r))
		return 1;
	bool added = strcmp(PQcmdTuples(r), "1") == 0;
	PQclear(r);
	if (!added) {
		fprintf(stderr, "kaspi-hub: owner %s exists already\n", argv[2]);
		return 1;
	}
	printf("%s\n", token);
	fprintf(stderr, "owner %s added: the token above reads GET /api/v1/report "
	                "(it is not shown again)\n", argv[2]);
	return 0;
}

int hub_report_cmd(hub_pg *pg, int argc, char **argv)
{
	if (strcmp(argv[0], "report") == 0)
		return cmd_report(pg, argc, argv);
	if (strcmp(argv[0], "commission") == 0)
		return cmd_commission(pg, argc, argv);
	if (strcmp(argv[0], "owner") == 0)
		return cmd_owner_add(pg, argc, argv);
	return cmd_usage("unknown command");
}

/* ---- GET /api/v1/report ----------------------------------------------------- */

static int http_error(int status, const char *error, char **json)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "error", error);
	*json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return status;
}

int hub_owner_known(hub_pg *pg, const char *token_hash)
{
	const char *vals[] = {token_hash};
	PGresult *r = PQexecParams(hub_pg_conn(pg), "SELECT 1 FROM hub_owner WHERE token_sha256 = $1",
	                           1, NULL, vals, NULL, NULL, 0);
	int ok = PQresultStatus(r) != PGRES_TUPLES_OK ? -1 : PQntuples(r) == 1;
	PQclear(r);
	return ok;
}

int hub_report_http(hub_pg *pg, const char *token_hash, const char *day, const char *from,
                    const char *to, const char *store, const char *till, const char *by,
                    char **json)
{
	struct hub_report_query q = {.store = store, .till = till};
	char err[HUB_ERR_SIZE];
	*json = NULL;
	if (!token_hash)
		return http_error(401, "unauthorized", json);
	int owner = hub_owner_known(pg, token_hash);
	if (owner < 0 && PQstatus(hub_pg_conn(pg)) == CONNECTION_BAD) {
		PQreset(hub_pg_conn(pg));
		owner = hub_owner_known(pg, token_hash);
	}
	if (owner < 0)
		return http_error(503, "unavailable", json);
	if (!owner)
		return http_error(401, "unauthorized", json);
	if (day && (from || to))
		return http_error(400, "day_or_range", json);
	if (day) {
		if (!hub_report_date_parse(day, &q.from_day))
			return http_error(400, "bad_date", json);
		q.to_day = q.from_day;
	} else if (from || to) {
		if (!from || !to || !hub_report_date_parse(from, &q.from_day) ||
		    !hub_report_date_parse(to, &q.to_day))
			return http_error(400, "bad_date", json);
	} else {
		q.from_day = q.to_day = hub_report_today();
	}
	if (by && !hub_report_by_parse(by, &q.by))
		return http_error(400, "bad_by", json);
	if (cmd_query_check(&q))
		return http_error(400, "bad_query", json);
	if (!hub_report_run(pg, &q, HUB_FMT_JSON, json, err)) {
		fprintf(stderr, "kaspi-hub: report: %s\n", err);
		return http_error(503, "unavailable", json);
	}
	return 200;
}
