/* report.h — the chain's reports: a day or a range of Almaty days over
 * every till the hub holds (or one store, or one till), in all and by
 * store, till, cashier or hour, as text, CSV or JSON.
 *
 * Each group's figures are the till's own day report's (store/reports.h,
 * "What counts"), summed in PostgreSQL over the typed tables of schema
 * step 2 (report_schema.c): sales per tender (a split sale once in the
 * totals and once per tender it used, a Kaspi part when its order paid
 * and was never given up), refunds refunded per tender they went back
 * to, net, VAT per rate from the live lines of the sales and the parts of
 * the refunds, the orders declined, failed and expired, the voided lines
 * of the sales, the drawer (float, cash sales, in, out, cash refunds,
 * expected). VAT and commission are rounded per till and day, as each
 * till's report rounds them, so the chain's totals equal the sum of the
 * tills' day reports to the tiyn.
 *
 * Commission: the hub has no till's [commission]; the rates are the
 * hub's own, per store and tender (kaspi-hub commission STORE qr=0.95
 * ...; hundredths of a percent in hub_commission), applied to each till's
 * net of the tender per day. By cashier or by hour it is rounded per
 * cashier or hour within the till's day.
 *
 * Beside the groups, for the whole period: the orders and refunds still
 * open, the fiscal receipts the register has not taken, the Z reports
 * (number, shift, the manager, the cash counted, expected and the
 * difference, the register's shift numbers of its receipts), and the
 * approvals: voided and restored lines and discounts (the till's events,
 * with who did them and the approver they name), refunds with their
 * approving manager.
 *
 * Threads: a report uses its hub_pg on the caller's thread. */
#ifndef KP_HUB_REPORT_H
#define KP_HUB_REPORT_H

#include "core/check.h"

#include <stdbool.h>

#include "hub/pgdb.h"

/* Schema step 2: the typed tables, their trigger and functions, the
 * commission and the owners (pgdb.c runs it as a migration). */
extern const char hub_report_schema[];

enum hub_report_by { HUB_BY_NONE, HUB_BY_STORE, HUB_BY_TILL, HUB_BY_CASHIER, HUB_BY_HOUR };
enum hub_report_format { HUB_FMT_TEXT, HUB_FMT_CSV, HUB_FMT_JSON };

struct hub_report_query {
	int from_day, to_day;      /* YYYYMMDD, Almaty, inclusive */
	const char *store;         /* NULL: every store */
	const char *till;          /* NULL: every till */
	enum hub_report_by by;
};

/* Parses "store", "till", "cashier", "hour". */
bool hub_report_by_parse(const char *s, enum hub_report_by *out) KP_MUST_CHECK;

/* "YYYY-MM-DD" into 20261126; false for no such date. */
bool hub_report_date_parse(const char *s, int *yyyymmdd) KP_MUST_CHECK;

/* Today's Almaty date. */
int hub_report_today(void);

/* Computes the report of q into *out (malloc'd, in fmt); false with a
 * one-line reason in err. */
bool hub_report_run(hub_pg *pg, const struct hub_report_query *q, enum hub_report_format fmt,
                    char **out, char err[HUB_ERR_SIZE]) KP_MUST_CHECK;

/* The kaspi-hub commands of this module: report, commission, owner add.
 * argv[0] is the command's first word. Returns the exit status. */
int hub_report_cmd(hub_pg *pg, int argc, char **argv);

/* Whether token_hash is an owner's (kaspi-hub owner add): 1 yes, 0 no,
 * -1 the database failed. */
int hub_owner_known(hub_pg *pg, const char *token_hash);

/* GET /api/v1/report: the owner's token hash (NULL: none) and the query
 * arguments (day, or from and to; store, till, by; NULL when absent).
 * Returns the HTTP status with *json (malloc'd) its body. */
int hub_report_http(hub_pg *pg, const char *token_hash, const char *day, const char *from,
                    const char *to, const char *store, const char *till, const char *by,
                    char **json) KP_MUST_CHECK;

#endif
