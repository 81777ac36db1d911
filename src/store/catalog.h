/* catalog.h — the shop's products: lookup by barcode or SKU, search by
 * name, and import from a CSV file.
 *
 * The CSV file (UTF-8, a BOM and CRLF line ends tolerated, RFC 4180
 * quoting: a field with a comma, quote or line break is put in double
 * quotes and its quotes doubled) starts with this header row; the columns
 * may come in any order, names are case-insensitive:
 *
 *   sku,barcode,name_ru,name_kk,unit,price,tax_rate[,plu]
 *
 *   sku       required; the shop's article code, 1–32 printable ASCII
 *             characters without spaces ("GR-0001"); unique, case-insensitive
 *   barcode   EAN-13 or EAN-8 with a right check digit, or empty; unique
 *   name_ru   required; the Russian name, at most 128 characters
 *   name_kk   the Kazakh name, at most 128 characters, or empty
 *   unit      "шт", "кг", "л"...; empty means "шт"; at most 15 bytes; "кг",
 *             "л", "м" (core/measure.h) sell by weight, volume, length
 *   price     tenge, VAT included: "1500" or "1500.50" (money_parse_tenge
 *             rules); more than 0 and at most 1 000 000 ₸
 *   tax_rate  VAT percent, a whole number 0–100
 *   plu       optional column: the product's code on the shop's scales,
 *             1–6 digits (leading zeros ignored: "00042" is 42), 1–999999,
 *             or empty; unique. A scale label (core/scale.h) names its
 *             product by it.
 *
 * Blank lines are skipped. Import checks every row first and reports
 * every problem with its line number; if there is any, nothing is
 * imported. Otherwise the file becomes the catalog in one transaction:
 * products are matched by SKU (updated in place, keeping their id), new
 * SKUs are added, SKUs missing from the file are removed. */
#ifndef KP_STORE_CATALOG_H
#define KP_STORE_CATALOG_H

#include "core/check.h"

#include <stddef.h>

#include "core/product.h"
#include "store/db.h"

#define CATALOG_FILE_MAX (64L * 1024 * 1024) /* a bigger file is refused */
#define CATALOG_NAME_CHARS 128               /* longest name, in characters */
#define CATALOG_QUERY_MAX 256                /* longest search text used, bytes */

/* The product whose barcode is exactly code: STORE_OK, or STORE_NOT_FOUND. */
store_status catalog_by_barcode(store_db *db, const char *code, struct kp_product *out,
                                store_err *err) KP_MUST_CHECK;

/* The product whose PLU is plu (1–999999): STORE_OK, or STORE_NOT_FOUND. */
store_status catalog_by_plu(store_db *db, int32_t plu, struct kp_product *out,
                            store_err *err) KP_MUST_CHECK;

/* The product with this SKU (ASCII case-insensitive): STORE_OK, or
 * STORE_NOT_FOUND. */
store_status catalog_by_sku(store_db *db, const char *sku, struct kp_product *out,
                            store_err *err) KP_MUST_CHECK;

/* Name search: each word of text is a prefix ("сүт 2" finds "СҮТ 2,5%"),
 * all words must match (in name_ru, name_kk or sku), case-insensitive for
 * Latin, Cyrillic and Kazakh letters. Any text is safe: quotes, '*',
 * "AND", brackets are taken as plain characters. Best matches first; up
 * to max rows into out, *count set. No word at all gives 0 rows. */
store_status catalog_search(store_db *db, const char *text, struct kp_product *out, int max,
                            int *count, store_err *err) KP_MUST_CHECK;

/* What the cashier's search box does: the product with that exact barcode
 * first, then the one with that exact SKU, then name matches (each
 * product once). */
store_status catalog_find(store_db *db, const char *text, struct kp_product *out, int max,
                          int *count, store_err *err) KP_MUST_CHECK;

/* Number of products. */
store_status catalog_count(store_db *db, long *count, store_err *err) KP_MUST_CHECK;

/* Called once per problem found in a CSV file, in line order: line is the
 * file's line number (1 = the header; a quoted field may span lines: the
 * record's first line), message one line without the file name (an entry
 * of store/messages.h, said with kp_msg_text), e.g. "bad EAN-13 check
 * digit in \"4870000000001\" (expected 4)". */
typedef void catalog_error_fn(void *arg, long line, const struct kp_msg *message);

/* What an import did. */
struct catalog_import_stats {
	long rows;     /* data rows read (blank lines not counted) */
	long errors;   /* problems reported; > 0 means nothing was imported */
	long added;    /* new SKUs */
	long updated;  /* SKUs already in the catalog */
	long removed;  /* SKUs no longer in the file, deleted */
};

/* Imports CSV text (len bytes, need not be NUL-terminated). Problems in
 * the file go to on_error (may be NULL) and give STORE_ERR_INPUT with a
 * summary in err; a database failure gives its own status. stats may be
 * NULL. */
store_status catalog_import_buffer(store_db *db, const char *buf, size_t len,
                                   catalog_error_fn *on_error, void *arg,
                                   struct catalog_import_stats *stats, store_err *err) KP_MUST_CHECK;

/* The checks of catalog_import_buffer alone, nothing written: what the
 * hub runs on a file before it makes a version of it (one validation for
 * both). */
store_status catalog_check_buffer(const char *buf, size_t len, catalog_error_fn *on_error,
                                  void *arg, struct catalog_import_stats *stats,
                                  store_err *err) KP_MUST_CHECK;

/* catalog_import_buffer for the hub's catalog version (>= 1): the stamp
 * (store/hubver.h) written in the import's transaction. */
store_status catalog_import_version(store_db *db, const char *buf, size_t len, int64_t version,
                                    catalog_error_fn *on_error, void *arg,
                                    struct catalog_import_stats *stats,
                                    store_err *err) KP_MUST_CHECK;

/* The file at path (at most CATALOG_FILE_MAX bytes) into a malloc'd,
 * NUL-terminated *out of *out_len bytes. A file that cannot be read is
 * STORE_ERR_INPUT. */
store_status catalog_read_file(const char *path, char **out, size_t *out_len,
                               store_err *err) KP_MUST_CHECK;

/* Reads the file at path (at most CATALOG_FILE_MAX bytes) and imports it
 * as catalog_import_buffer does. A file that cannot be read is
 * STORE_ERR_INPUT. */
store_status catalog_import_file(store_db *db, const char *path, catalog_error_fn *on_error,
                                 void *arg, struct catalog_import_stats *stats, store_err *err) KP_MUST_CHECK;

#endif
