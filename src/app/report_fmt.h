/* report_fmt.h — the reports written out: the text a receipt printer
 * gets (32, 42 or 48 columns), CSV and JSON, of a struct report (X, Z,
 * day) and of the journal listing, both filled by store/reports.h; the Z
 * snapshot read back. The Z close and reprint with the JSON as the
 * snapshot (report_z_close, report_z_load) are here too, so that every
 * caller stores the same form.
 *
 * Each writer returns a malloc'd NUL-terminated text, NULL on running out
 * of memory (or a width outside 32/42/48). Text labels go through the
 * caller's tr (gettext), in the language the caller has chosen; CSV and
 * JSON speak the journal's names ("succeeded") and integer tiyn (JSON)
 * or tenge with two decimals (CSV).
 *
 * Threads: the Z functions on the store's thread; the writers anywhere. */
#ifndef KP_APP_REPORT_FMT_H
#define KP_APP_REPORT_FMT_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>

#include "store/reports.h"

#define REPORT_WIDTH_MIN 32       /* receipt widths the text writer takes: 32, 42, 48 */
#define REPORT_WIDTH_MAX 48

/* Translates a label of the text writer (gettext); NULL: as written.
 * Some labels are printf formats: the translation keeps their %s/%d. */
typedef const char *(*report_tr_fn)(const char *msgid) __attribute__((format_arg(1)));

/* Receipt text, width columns (32, 42 or 48) of UTF-8, no line wider
 * (a column is a code point), amounts right-aligned, labels through tr;
 * the states of unfinished orders and refunds by their labels
 * (journal_state_label, refunds_state_label). */
char *report_text(const struct report *r, int width, report_tr_fn tr);

/* CSV, RFC 4180: a header row "section,key,item,value", then one row per
 * figure; money as tenge with two decimals ("1500.00"). */
char *report_csv(const struct report *r);

/* JSON (the Z snapshot's form): money as integer tiyn, times RFC 3339
 * UTC, as the API writes them. */
char *report_json(const struct report *r);

/* Reads report_json's text back into *out (report_free it). False, with
 * a line in errbuf, for text that is not such a report. */
bool report_from_json(const char *json, struct report *out, char *errbuf, size_t errsize) KP_MUST_CHECK;

/* A payment method as a cashier says it ("QR", "phone"): an N_() msgid
 * for the caller's gettext (the CSV and JSON say journal_method_name). */
const char *report_method_label(enum journal_method method);

/* The listing as a table (time, order id, method by its label, state by its label
 * through tr — journal_state_label_given_up —, amount, refunded, payment
 * id), CSV (tenge, two decimals) or JSON (tiyn, lines with name and
 * name_kk, unit, weight_g — the thousandths of the unit of a line sold
 * by measure, grams of a kg; null by the piece — and price_per_unit, and
 * refunds per order). With the lines read (j->details) the table shows
 * each order's lines under it ("0,350 кг × 4 290,00 ₸/кг"). */
char *report_journal_text(const struct report_journal *j, report_tr_fn tr);
char *report_journal_csv(const struct report_journal *j);
char *report_journal_json(const struct report_journal *j);

/* The lines of the listing (read with details) as CSV, a row per line:
 * merchant_order_id, state, line_no, sku, barcode, name, unit, quantity,
 * weight (in its unit with three decimals, "0.350"; empty by the piece),
 * price_per_unit, unit_price, tax_rate, discount, total (tenge, two
 * decimals), voided. */
char *report_journal_lines_csv(const struct report_journal *j);

/* reports_close_z with report_json as the snapshot: closed and its JSON
 * stored in one transaction, or nothing. counted: the cash the manager
 * counted (NULL: not counted; required when the shift had cash). */
store_status report_z_close(store_db *db, const struct report_params *p, int64_t manager_id,
                            const int64_t *counted, struct report *out,
                            store_err *err) KP_MUST_CHECK;

/* Z report number n as stored: *out parsed from its snapshot (may be
 * NULL: not parsed), *snapshot (may be NULL) a malloc'd copy of the JSON.
 * STORE_NOT_FOUND for no such number; STORE_ERR_INTERNAL for a snapshot
 * that does not read back. */
store_status report_z_load(store_db *db, int64_t number, struct report *out, char **snapshot,
                           store_err *err) KP_MUST_CHECK;

#endif
