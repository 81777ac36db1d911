/* catalog.c — product lookups, name search (FTS5) and CSV import.
 *
 * Import runs in two passes over the file held in memory: the first
 * parses and checks every row, collecting every problem; only a clean
 * file reaches the second, which loads the rows into a temporary table
 * with one reused prepared statement and merges it into products with
 * three set-wise statements, all in one transaction. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ean.h"
#include "core/money.h"
#include "core/validate.h"
#include "store/catalog.h"
#include "store/events.h"
#include "store/hubver.h"

#define PRODUCT_COLUMNS                                                                   \
	"p.id, p.sku, p.barcode, p.name_ru, p.name_kk, p.unit, p.price, p.tax_rate, p.plu"
#define SEARCH_WORDS_MAX 16   /* words of a search text used; the rest ignored */
#define CSV_FIELDS_MAX 16     /* columns kept per record; more is an error */
#define SHOWN_MAX 48          /* bytes of a bad value quoted in a message */
#define UNIT_BYTES_MAX (sizeof ((struct kp_product *)0)->unit - 1)

/* ---- lookups and search ------------------------------------------------- */

/* Copies the PRODUCT_COLUMNS of the current row into *p. */
static void catalog_read_row(sqlite3_stmt *st, struct kp_product *p)
{
	const char *s;

	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	s = (const char *)sqlite3_column_text(st, 1);
	snprintf(p->sku, sizeof p->sku, "%s", s ? s : "");
	s = (const char *)sqlite3_column_text(st, 2);
	snprintf(p->barcode, sizeof p->barcode, "%s", s ? s : "");
	s = (const char *)sqlite3_column_text(st, 3);
	snprintf(p->name_ru, sizeof p->name_ru, "%s", s ? s : "");
	s = (const char *)sqlite3_column_text(st, 4);
	snprintf(p->name_kk, sizeof p->name_kk, "%s", s ? s : "");
	s = (const char *)sqlite3_column_text(st, 5);
	snprintf(p->unit, sizeof p->unit, "%s", s ? s : "");
	p->price = sqlite3_column_int64(st, 6);
	p->tax_rate = sqlite3_column_int(st, 7);
	p->plu = (int32_t)sqlite3_column_int(st, 8); /* NULL reads as 0 */
}

/* Runs a one-parameter query expected to give at most one product. */
static store_status catalog_get_one(store_db *db, const char *sql, const char *value,
                                    struct kp_product *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	if (!value || !*value)
		return STORE_NOT_FOUND;
	if ((s = db_prepare(db, sql, &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		catalog_read_row(st, out);
		s = STORE_OK;
	} else if (rc == SQLITE_DONE) {
		s = STORE_NOT_FOUND;
	} else {
		s = db_fail(db, rc, err);
	}
	sqlite3_finalize(st);
	return s;
}

store_status catalog_by_barcode(store_db *db, const char *code, struct kp_product *out,
                                store_err *err)
{
	return catalog_get_one(db, "SELECT " PRODUCT_COLUMNS " FROM products p WHERE p.barcode = ?1",
	                       code, out, err);
}

store_status catalog_by_plu(store_db *db, int32_t plu, struct kp_product *out, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	if (plu < 1 || plu > 999999)
		return STORE_NOT_FOUND;
	if ((s = db_prepare(db, "SELECT " PRODUCT_COLUMNS " FROM products p WHERE p.plu = ?1", &st,
	                    err)) != STORE_OK)
		return s;
	sqlite3_bind_int(st, 1, plu);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		catalog_read_row(st, out);
		s = STORE_OK;
	} else {
		s = rc == SQLITE_DONE ? STORE_NOT_FOUND : db_fail(db, rc, err);
	}
	sqlite3_finalize(st);
	return s;
}

store_status catalog_by_sku(store_db *db, const char *sku, struct kp_product *out,
                            store_err *err)
{
	return catalog_get_one(db, "SELECT " PRODUCT_COLUMNS " FROM products p WHERE p.sku = ?1", sku,
	                       out, err);
}

/* True for a byte that can start or continue a word: an ASCII letter or
 * digit, or any byte of a multi-byte UTF-8 character (the tokenizer
 * decides about those). */
static bool search_word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* Matches ranked per search at most (see catalog_search). */
#define SEARCH_CANDIDATES 500

/* Builds an FTS5 MATCH expression from what a person typed: every
 * whitespace-separated word becomes a string "word"* (a prefix query),
 * its own double quotes doubled, so that no character of the input is
 * FTS5 syntax; the terms are joined by spaces (all must match). Words
 * with no letter or digit are dropped. Returns the number of terms. */
static int search_expression(const char *text, char *out, size_t size)
{
	size_t n = 0;
	int terms = 0;
	const char *p = text;
	size_t limit = strnlen(text, CATALOG_QUERY_MAX);

	out[0] = '\0';
	while ((size_t)(p - text) < limit && terms < SEARCH_WORDS_MAX) {
		while ((size_t)(p - text) < limit && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		const char *w = p;
		bool has_word_byte = false;
		while ((size_t)(p - text) < limit && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
			has_word_byte |= search_word_byte((unsigned char)*p);
			p++;
		}
		if (p == w || !has_word_byte)
			continue;
		/* worst case: every byte a doubled quote, plus ' "' and '"*' */
		if (n + 2 * (size_t)(p - w) + 5 >= size)
			break;
		if (terms > 0)
			out[n++] = ' ';
		out[n++] = '"';
		for (const char *c = w; c < p; c++) {
			if (*c == '"')
				out[n++] = '"';
			out[n++] = *c;
		}
		out[n++] = '"';
		out[n++] = '*';
		out[n] = '\0';
		terms++;
	}
	return terms;
}

store_status catalog_search(store_db *db, const char *text, struct kp_product *out, int max,
                            int *count, store_err *err)
{
	char expr[2 * CATALOG_QUERY_MAX + 4 * SEARCH_WORDS_MAX + 8];
	sqlite3_stmt *st;
	store_status s;
	int rc;

	store_err_clear(err);
	*count = 0;
	if (!text || max <= 0 || search_expression(text, expr, sizeof expr) == 0)
		return STORE_OK;
	/* Ranking costs a bm25 score per match: a short prefix in a catalog of
	 * 100 000 products matches thousands (7 ms to rank 4 000 here, more on
	 * the till's PC), on every key typed. So the best matches are chosen
	 * among the first SEARCH_CANDIDATES the index yields; each letter more
	 * narrows the set, and once it is smaller, every match is ranked. */
	if ((s = db_prepare(db,
	                    "SELECT " PRODUCT_COLUMNS " FROM"
	                    " (SELECT rowid AS id, rank AS r FROM products_fts"
	                    "  WHERE products_fts MATCH ?1 LIMIT ?3) c"
	                    " JOIN products p ON p.id = c.id ORDER BY c.r, p.id LIMIT ?2",
	                    &st, err)) != STORE_OK)
		return s;
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, max);
	sqlite3_bind_int(st, 3, SEARCH_CANDIDATES);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *count < max)
		catalog_read_row(st, &out[(*count)++]);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, rc, err);
	return STORE_OK;
}

store_status catalog_find(store_db *db, const char *text, struct kp_product *out, int max,
                          int *count, store_err *err)
{
	struct kp_product exact[2];
	int nexact = 0;
	char code[64];
	store_status s;

	store_err_clear(err);
	*count = 0;
	if (!text || max <= 0)
		return STORE_OK;
	/* a code as typed or scanned, without the spaces around it */
	const char *b = text;
	while (*b == ' ' || *b == '\t')
		b++;
	size_t len = strlen(b);
	while (len > 0 && (b[len - 1] == ' ' || b[len - 1] == '\t' || b[len - 1] == '\n' ||
	                   b[len - 1] == '\r'))
		len--;
	if (len > 0 && len < sizeof code) {
		memcpy(code, b, len);
		code[len] = '\0';
		s = catalog_by_barcode(db, code, &exact[nexact], err);
		if (s == STORE_OK)
			nexact++;
		else if (s != STORE_NOT_FOUND)
			return s;
		s = catalog_by_sku(db, code, &exact[nexact], err);
		if (s == STORE_OK && !(nexact == 1 && exact[0].id == exact[1].id))
			nexact++;
		else if (s != STORE_OK && s != STORE_NOT_FOUND)
			return s;
		store_err_clear(err);
	}
	for (int i = 0; i < nexact && *count < max; i++)
		out[(*count)++] = exact[i];
	if (*count >= max)
		return STORE_OK;

	/* name matches, leaving out the exact ones already listed */
	int room = max - *count, got = 0;
	struct kp_product *more = calloc((size_t)room + (size_t)nexact, sizeof *more);
	if (!more)
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	s = catalog_search(db, text, more, room + nexact, &got, err);
	for (int i = 0; s == STORE_OK && i < got && *count < max; i++) {
		bool dup = false;
		for (int j = 0; j < nexact; j++)
			dup |= more[i].id == exact[j].id;
		if (!dup)
			out[(*count)++] = more[i];
	}
	free(more);
	return s;
}

store_status catalog_count(store_db *db, long *count, store_err *err)
{
	sqlite3_stmt *st;
	store_status s;

	store_err_clear(err);
	*count = 0;
	if ((s = db_prepare(db, "SELECT count(*) FROM products", &st, err)) != STORE_OK)
		return s;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : db_fail(db, rc, err);
}

/* ---- CSV import: checking ----------------------------------------------- */

enum column {
	COL_SKU, COL_BARCODE, COL_NAME_RU, COL_NAME_KK, COL_UNIT, COL_PRICE, COL_TAX_RATE,
	COL_PLU,       /* the first optional column: the ones after it may be left out */
	COL_COUNT
};
#define COL_REQUIRED COL_PLU

static const char *const column_names[COL_COUNT] = {
	[COL_SKU] = "sku",         [COL_BARCODE] = "barcode", [COL_NAME_RU] = "name_ru",
	[COL_NAME_KK] = "name_kk", [COL_UNIT] = "unit",       [COL_PRICE] = "price",
	[COL_TAX_RATE] = "tax_rate", [COL_PLU] = "plu",
};

/* One checked data row; the strings point into the import's arena. */
struct import_row {
	const char *sku;
	const char *barcode;   /* NULL when empty */
	const char *name_ru;
	const char *name_kk;   /* "" when empty */
	const char *unit;      /* "шт" when empty */
	int64_t price;         /* tiyn */
	int tax_rate;
	int32_t plu;           /* 0 when empty */
};

/* Remembers each SKU or barcode seen and the line it was on. Open
 * addressing; sized up front for every record the file can hold. */
struct seen_set {
	const char **keys;
	long *lines;
	size_t mask;
	bool nocase;           /* ASCII case-insensitive (SKUs) */
};

/* The import in progress: where problems go and how many there were. */
struct import_ctx {
	catalog_error_fn *on_error;
	void *arg;
	long errors;
};

/* Counts one problem on a line and hands it on. */
static void import_problem(struct import_ctx *ic, long line, const struct kp_msg *m)
{
	ic->errors++;
	if (ic->on_error)
		ic->on_error(ic->arg, line, m);
}

/* import_report(ic, line, NAME, args...): the problem STORE_MSG_NAME of
 * store/messages.h on a line. */
#define import_report(ic, line, name, ...)                                     \
	do {                                                                   \
		struct kp_msg report_msg_;                                     \
		store_msg(&report_msg_, name, ##__VA_ARGS__);                  \
		import_problem((ic), (line), &report_msg_);                    \
	} while (0)

/* A value as a message quotes it: at most SHOWN_MAX bytes, cut on a
 * character boundary, control characters and quotes shown as '?'. */
static const char *shown(const char *s, char *buf, size_t size)
{
	size_t len = strlen(s), cap = size > 4 ? size - 4 : 0;

	if (cap > SHOWN_MAX)
		cap = SHOWN_MAX;
	size_t n = len < cap ? len : cap;
	if (n < len)
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--; /* do not end inside a UTF-8 sequence */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[i] = c < 0x20 || c == 0x7f || c == '"' ? '?' : (char)c;
	}
	if (n < len) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* FNV-1a over the key, ASCII-folded when nocase. */
static size_t seen_hash(const char *s, bool nocase)
{
	size_t h = 1469598103934665603ull & (size_t)-1;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (nocase && c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		h = (h ^ c) * (size_t)1099511628211ull;
	}
	return h;
}

static bool seen_init(struct seen_set *s, size_t records, bool nocase)
{
	size_t cap = 16;
	while (cap < 2 * records + 2)
		cap *= 2;
	s->keys = calloc(cap, sizeof *s->keys);
	s->lines = calloc(cap, sizeof *s->lines);
	s->mask = cap - 1;
	s->nocase = nocase;
	return s->keys && s->lines;
}

static void seen_free(struct seen_set *s)
{
	free(s->keys);
	free(s->lines);
}

/* Adds key seen on line. Returns 0 when it is new, else the line where
 * it was seen first. */
static long seen_add(struct seen_set *s, const char *key, long line)
{
	size_t i = seen_hash(key, s->nocase) & s->mask;
	for (; s->keys[i]; i = (i + 1) & s->mask) {
		bool same = s->nocase ? strcasecmp(s->keys[i], key) == 0 : strcmp(s->keys[i], key) == 0;
		if (same)
			return s->lines[i];
	}
	s->keys[i] = key;
	s->lines[i] = line;
	return 0;
}

/* Trims ASCII spaces and tabs in place. */
static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* Checks a text field: valid UTF-8, no control characters, within the
 * byte and character limits. Reports and returns false otherwise. */
static bool check_text(struct import_ctx *ic, long line, const char *col, const char *s,
                       size_t max_bytes, long max_chars)
{
	long chars = kp_utf8_length(s);
	if (chars < 0) {
		import_report(ic, line, CSV_NOT_UTF8, col);
		return false;
	}
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			import_report(ic, line, CSV_CONTROL, col);
			return false;
		}
	}
	if (strlen(s) > max_bytes || chars > max_chars) {
		import_report(ic, line, CSV_TOO_LONG, col, max_chars, max_bytes);
		return false;
	}
	return true;
}

/* Checks the barcode: empty, or an EAN-13/EAN-8 with the right check digit. */
static bool check_barcode(struct import_ctx *ic, long line, const char *code)
{
	char b[SHOWN_MAX + 8];
	size_t len = strlen(code);
	bool digits = len > 0;

	for (size_t i = 0; i < len; i++)
		digits &= code[i] >= '0' && code[i] <= '9';
	if (!digits || (len != EAN13_LEN && len != EAN8_LEN)) {
		import_report(ic, line, CSV_BARCODE, shown(code, b, sizeof b));
		return false;
	}
	if (!ean_valid(code)) {
		import_report(ic, line, CSV_CHECK_DIGIT, len, code, ean_check_digit(code, len - 1));
		return false;
	}
	return true;
}

/* Checks the SKU: 1–32 printable ASCII characters, no spaces. */
static bool check_sku(struct import_ctx *ic, long line, const char *sku)
{
	char b[SHOWN_MAX + 8];
	size_t len = strlen(sku);

	if (len == 0) {
		import_report(ic, line, CSV_SKU_EMPTY);
		return false;
	}
	bool ok = len < KP_SKU_SIZE;
	for (size_t i = 0; i < len; i++)
		ok &= sku[i] > 0x20 && sku[i] < 0x7f;
	if (!ok)
		import_report(ic, line, CSV_SKU, shown(sku, b, sizeof b), KP_SKU_SIZE - 1);
	return ok;
}

/* Checks the price: tenge as money_parse_tenge reads it, > 0, at most
 * what one payment can take. */
static bool check_price(struct import_ctx *ic, long line, const char *text, int64_t *tiyn)
{
	char b[SHOWN_MAX + 8];

	if (!*text) {
		import_report(ic, line, CSV_PRICE_EMPTY);
		return false;
	}
	if (!money_parse_tenge(text, tiyn)) {
		import_report(ic, line, CSV_PRICE, shown(text, b, sizeof b));
		return false;
	}
	if (*tiyn <= 0) {
		import_report(ic, line, CSV_PRICE_ZERO, shown(text, b, sizeof b));
		return false;
	}
	if (*tiyn > KP_AMOUNT_MAX) {
		import_report(ic, line, CSV_PRICE_OVER, shown(text, b, sizeof b));
		return false;
	}
	return true;
}

/* Checks the VAT rate: a whole percent 0–100. */
static bool check_rate(struct import_ctx *ic, long line, const char *text, int *rate)
{
	char b[SHOWN_MAX + 8];
	size_t len = strlen(text);
	bool ok = len >= 1 && len <= 3;
	int v = 0;

	for (size_t i = 0; ok && i < len; i++) {
		ok = text[i] >= '0' && text[i] <= '9';
		v = v * 10 + (text[i] - '0');
	}
	if (!ok || v > 100) {
		import_report(ic, line, CSV_TAX_RATE, shown(text, b, sizeof b));
		return false;
	}
	*rate = v;
	return true;
}

/* Checks the PLU: empty, or 1–6 digits worth 1–999999. *plu gets it (0
 * when empty), *key its digits without leading zeros (for the
 * duplicates). */
static bool check_plu(struct import_ctx *ic, long line, char *text, int32_t *plu, const char **key)
{
	char b[SHOWN_MAX + 8];
	size_t len = strlen(text);
	bool ok = len <= 6;
	int32_t v = 0;

	*plu = 0;
	*key = NULL;
	if (len == 0)
		return true;
	for (size_t i = 0; ok && i < len; i++) {
		ok = text[i] >= '0' && text[i] <= '9';
		v = v * 10 + (text[i] - '0');
	}
	if (!ok || v < 1) {
		import_report(ic, line, CSV_PLU, shown(text, b, sizeof b));
		return false;
	}
	while (*text == '0')
		text++;
	*plu = v;
	*key = text;
	return true;
}

/* ---- CSV import: reading records ---------------------------------------- */

/* A reader over the file; unquoted field text goes to the arena. */
struct csv_reader {
	const char *p, *end;
	long line;             /* line number at p */
	char *out;             /* next free byte of the arena */
};

enum csv_result {
	CSV_EOF,
	CSV_RECORD,
	CSV_BROKEN,            /* a quote never closed: the rest of the file is lost */
};

/* Reads one record (RFC 4180): its fields, unquoted and NUL-terminated in
 * the arena, into fields[0..CSV_FIELDS_MAX-1]; *nfields counts all of
 * them, kept or not. *first is the line it starts on, and the line its
 * syntax problems are reported on (so that problems stay in line order);
 * *bad is set when there was one. A blank line is a record of one empty
 * field with *blank set. */
static enum csv_result csv_read(struct csv_reader *r, struct import_ctx *ic, char **fields,
                                int *nfields, long *first, bool *bad, bool *blank)
{
	bool quoted_any = false;

	*nfields = 0;
	*bad = false;
	*first = r->line;
	if (r->p >= r->end)
		return CSV_EOF;
	for (;;) {
		char *field = r->out;
		if (r->p < r->end && *r->p == '"') {
			long opened = r->line;
			quoted_any = true;
			r->p++;
			for (;;) {
				if (r->p >= r->end) {
					import_report(ic, opened, CSV_QUOTE_OPEN);
					*bad = true;
					return CSV_BROKEN;
				}
				char c = *r->p++;
				if (c == '"') {
					if (r->p < r->end && *r->p == '"') {
						*r->out++ = '"';
						r->p++;
						continue;
					}
					break;
				}
				if (c == '\n')
					r->line++;
				*r->out++ = c;
			}
			if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
				if (!*bad)
					import_report(ic, *first, CSV_AFTER_QUOTE);
				*bad = true;
				while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
					r->p++;
			}
		} else {
			while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
				if (*r->p == '"' && !*bad) {
					import_report(ic, *first, CSV_STRAY_QUOTE);
					*bad = true;
				}
				*r->out++ = *r->p++;
			}
		}
		*r->out++ = '\0';
		if (memchr(field, '\0', (size_t)(r->out - field - 1)) && !*bad) {
			import_report(ic, *first, CSV_NUL);
			*bad = true;
		}
		if (*nfields < CSV_FIELDS_MAX)
			fields[*nfields] = field;
		(*nfields)++;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		/* end of the record: \r\n, \n, a lone \r, or the end of the file */
		if (r->p < r->end && *r->p == '\r')
			r->p++;
		if (r->p < r->end && *r->p == '\n')
			r->p++;
		r->line++;
		*blank = *nfields == 1 && !quoted_any && r->out == field + 1; /* no byte at all */
		return CSV_RECORD;
	}
}

/* Reads the header: maps each field position to a column. Reports
 * unknown, repeated and missing columns; returns false if any. */
static bool read_header(struct import_ctx *ic, long line, char **fields, int nfields,
                        int *colmap)
{
	bool have[COL_COUNT] = {0};
	bool ok = true;
	char b[SHOWN_MAX + 8];

	if (nfields > CSV_FIELDS_MAX) {
		import_report(ic, line, CSV_HEADER_COLUMNS, nfields, COL_REQUIRED);
		return false;
	}
	for (int i = 0; i < nfields; i++) {
		const char *name = trim(fields[i]);
		int c = 0;
		while (c < COL_COUNT && strcasecmp(name, column_names[c]) != 0)
			c++;
		if (c == COL_COUNT) {
			import_report(ic, line, CSV_HEADER_UNKNOWN, shown(name, b, sizeof b));
			ok = false;
		} else if (have[c]) {
			import_report(ic, line, CSV_HEADER_TWICE, column_names[c]);
			ok = false;
		} else {
			have[c] = true;
			colmap[i] = c;
		}
	}
	for (int c = 0; c < COL_REQUIRED; c++) {
		if (!have[c]) {
			import_report(ic, line, CSV_HEADER_MISSING, column_names[c]);
			ok = false;
		}
	}
	return ok;
}

/* Checks one data record and fills *row. Reports every problem in it;
 * returns false if there was one. */
static bool check_record(struct import_ctx *ic, long line, char **fields, int nfields,
                         int ncols, const int *colmap, struct seen_set *skus,
                         struct seen_set *barcodes, struct seen_set *plus,
                         struct import_row *row)
{
	static char none[1]; /* an optional column the file does not have */
	char *v[COL_COUNT];
	bool ok = true;

	if (nfields != ncols) {
		import_report(ic, line, CSV_FIELDS, nfields, ncols);
		return false;
	}
	for (int c = COL_REQUIRED; c < COL_COUNT; c++)
		v[c] = none;
	for (int i = 0; i < nfields; i++)
		v[colmap[i]] = trim(fields[i]);

	if (check_sku(ic, line, v[COL_SKU])) {
		long first = seen_add(skus, v[COL_SKU], line);
		if (first) {
			import_report(ic, line, CSV_DUP_SKU, v[COL_SKU], first);
			ok = false;
		}
	} else {
		ok = false;
	}
	if (*v[COL_BARCODE]) {
		if (check_barcode(ic, line, v[COL_BARCODE])) {
			long first = seen_add(barcodes, v[COL_BARCODE], line);
			if (first) {
				import_report(ic, line, CSV_DUP_BARCODE, v[COL_BARCODE], first);
				ok = false;
			}
		} else {
			ok = false;
		}
	}
	if (!*v[COL_NAME_RU]) {
		import_report(ic, line, CSV_NAME_EMPTY);
		ok = false;
	} else {
		ok &= check_text(ic, line, "name_ru", v[COL_NAME_RU], KP_NAME_SIZE - 1, CATALOG_NAME_CHARS);
	}
	ok &= check_text(ic, line, "name_kk", v[COL_NAME_KK], KP_NAME_SIZE - 1, CATALOG_NAME_CHARS);
	ok &= check_text(ic, line, "unit", v[COL_UNIT], UNIT_BYTES_MAX, (long)UNIT_BYTES_MAX);
	ok &= check_price(ic, line, v[COL_PRICE], &row->price);
	ok &= check_rate(ic, line, v[COL_TAX_RATE], &row->tax_rate);
	const char *plu_key;
	if (check_plu(ic, line, v[COL_PLU], &row->plu, &plu_key)) {
		long first = plu_key ? seen_add(plus, plu_key, line) : 0;
		if (first) {
			import_report(ic, line, CSV_DUP_PLU, plu_key, first);
			ok = false;
		}
	} else {
		ok = false;
	}

	row->sku = v[COL_SKU];
	row->barcode = *v[COL_BARCODE] ? v[COL_BARCODE] : NULL;
	row->name_ru = v[COL_NAME_RU];
	row->name_kk = v[COL_NAME_KK];
	row->unit = *v[COL_UNIT] ? v[COL_UNIT] : "шт";
	return ok;
}

/* ---- CSV import: writing ------------------------------------------------ */

/* Replaces the catalog with rows[0..n-1] in one transaction; version
 * > 0 stamps it as the hub's (store/hubver.h) in the same one. */
static store_status import_write(store_db *db, const struct import_row *rows, long n,
                                 int64_t version, struct catalog_import_stats *stats,
                                 store_err *err)
{
	sqlite3 *sql = db_sqlite(db);
	sqlite3_stmt *ins = NULL, *st = NULL;
	store_status s;
	int rc = SQLITE_OK;
	long before = 0;

	if ((s = db_begin(db, err)) != STORE_OK)
		return s;
	rc = sqlite3_exec(sql,
	                  "CREATE TEMP TABLE IF NOT EXISTS catalog_import (\n"
	                  "  sku TEXT NOT NULL PRIMARY KEY COLLATE NOCASE, barcode TEXT,\n"
	                  "  name_ru TEXT NOT NULL, name_kk TEXT NOT NULL, unit TEXT NOT NULL,\n"
	                  "  price INTEGER NOT NULL, tax_rate INTEGER NOT NULL, plu INTEGER);\n"
	                  "DELETE FROM temp.catalog_import;",
	                  NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(sql,
		                        "INSERT INTO temp.catalog_import"
		                        "(sku, barcode, name_ru, name_kk, unit, price, tax_rate, plu)"
		                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		                        -1, &ins, NULL);
	for (long i = 0; rc == SQLITE_OK && i < n; i++) {
		const struct import_row *r = &rows[i];
		sqlite3_bind_text(ins, 1, r->sku, -1, SQLITE_STATIC);
		if (r->barcode)
			sqlite3_bind_text(ins, 2, r->barcode, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 2);
		sqlite3_bind_text(ins, 3, r->name_ru, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, r->name_kk, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, r->unit, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 6, r->price);
		sqlite3_bind_int(ins, 7, r->tax_rate);
		if (r->plu > 0)
			sqlite3_bind_int(ins, 8, r->plu);
		else
			sqlite3_bind_null(ins, 8);
		rc = sqlite3_step(ins);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(sql, "SELECT count(*) FROM main.products", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		before = (long)sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	/* SKUs gone from the file go; then barcodes and PLUs that move to
	 * another SKU are cleared first, so that the merge never meets a stale
	 * duplicate. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(sql,
		                  "DELETE FROM main.products"
		                  " WHERE sku NOT IN (SELECT sku FROM temp.catalog_import)",
		                  NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		stats->removed = sqlite3_changes(sql);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(sql,
		                  "UPDATE main.products SET barcode = NULL WHERE barcode IS NOT NULL"
		                  " AND barcode IS NOT (SELECT i.barcode FROM temp.catalog_import i"
		                  "                     WHERE i.sku = products.sku);"
		                  "UPDATE main.products SET plu = NULL WHERE plu IS NOT NULL"
		                  " AND plu IS NOT (SELECT i.plu FROM temp.catalog_import i"
		                  "                 WHERE i.sku = products.sku)",
		                  NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(sql,
		                  "INSERT INTO main.products"
		                  "(sku, barcode, name_ru, name_kk, unit, price, tax_rate, plu)"
		                  " SELECT sku, barcode, name_ru, name_kk, unit, price, tax_rate, plu"
		                  " FROM temp.catalog_import WHERE true ORDER BY rowid"
		                  " ON CONFLICT(sku) DO UPDATE SET"
		                  "  sku = excluded.sku, barcode = excluded.barcode,"
		                  "  name_ru = excluded.name_ru, name_kk = excluded.name_kk,"
		                  "  unit = excluded.unit, price = excluded.price,"
		                  "  tax_rate = excluded.tax_rate, plu = excluded.plu"
		                  " WHERE products.sku <> excluded.sku COLLATE BINARY"
		                  "  OR products.barcode IS NOT excluded.barcode"
		                  "  OR products.name_ru <> excluded.name_ru"
		                  "  OR products.name_kk <> excluded.name_kk"
		                  "  OR products.unit <> excluded.unit OR products.price <> excluded.price"
		                  "  OR products.tax_rate <> excluded.tax_rate"
		                  "  OR products.plu IS NOT excluded.plu;"
		                  "DROP TABLE temp.catalog_import;",
		                  NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		s = db_fail(db, rc, err);
		db_rollback(db);
		return s;
	}
	stats->updated = before - stats->removed;
	stats->added = n - stats->updated;

	char detail[EVENT_DETAIL_SIZE];
	snprintf(detail, sizeof detail, "%ld products: %ld added, %ld updated, %ld removed", n,
	         stats->added, stats->updated, stats->removed);
	if (version > 0) {
		size_t used = strlen(detail);
		snprintf(detail + used, sizeof detail - used, "; the hub's version %lld",
		         (long long)version);
	}
	if ((s = events_append(db, 0, EVENT_CATALOG_IMPORT, detail, err)) != STORE_OK ||
	    (version > 0 && (s = hubver_set(db, HUBVER_CATALOG, version, err)) != STORE_OK)) {
		db_rollback(db);
		return s;
	}
	return db_commit(db, err);
}

/* ---- CSV import: the whole --------------------------------------------- */

/* Checks the CSV text and, when db is not NULL, imports it (version as
 * import_write takes it). */
static store_status catalog_run(store_db *db, const char *buf, size_t len, int64_t version,
                                catalog_error_fn *on_error, void *arg,
                                struct catalog_import_stats *stats, store_err *err)
{
	struct catalog_import_stats local;
	struct import_ctx ic = {.on_error = on_error, .arg = arg};
	struct seen_set skus = {0}, barcodes = {0}, plus = {0};
	struct import_row *rows = NULL;
	char *arena = NULL;
	store_status s = STORE_OK;

	store_err_clear(err);
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	if (len > (size_t)CATALOG_FILE_MAX)
		return store_set_err(err, STORE_ERR_INPUT, CATALOG_TOO_BIG,
		                     CATALOG_FILE_MAX / (1024 * 1024));
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) { /* UTF-8 BOM (Excel writes one) */
		buf += 3;
		len -= 3;
	}
	/* Records are at most line ends + 1; each field of the arena takes at
	 * most its bytes plus a NUL, and fields are at most commas + 1. */
	size_t records = 1;
	for (size_t i = 0; i < len; i++)
		records += buf[i] == '\n' || buf[i] == '\r';
	arena = malloc(2 * len + 16);
	rows = calloc(records, sizeof *rows);
	if (!arena || !rows || !seen_init(&skus, records, true) ||
	    !seen_init(&barcodes, records, false) || !seen_init(&plus, records, false)) {
		s = store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
		goto out;
	}

	struct csv_reader r = {.p = buf, .end = buf + len, .line = 1, .out = arena};
	char *fields[CSV_FIELDS_MAX];
	int colmap[CSV_FIELDS_MAX] = {0};
	int nfields = 0, ncols = 0;
	long first = 1;
	bool bad = false, blank = false, header_ok = false, have_header = false;
	enum csv_result res;

	while ((res = csv_read(&r, &ic, fields, &nfields, &first, &bad, &blank)) == CSV_RECORD) {
		if (blank)
			continue;
		if (!have_header) {
			have_header = true;
			ncols = nfields;
			header_ok = !bad && read_header(&ic, first, fields, nfields, colmap);
			if (!header_ok)
				break; /* rows cannot be read without their columns */
			continue;
		}
		stats->rows++;
		/* after a quoting slip the fields are still worth checking */
		check_record(&ic, first, fields, nfields, ncols, colmap, &skus, &barcodes, &plus,
		             &rows[stats->rows - 1]);
	}
	if (!have_header && res != CSV_BROKEN)
		import_report(&ic, 1, CSV_EMPTY);
	else if (header_ok && stats->rows == 0 && ic.errors == 0)
		import_report(&ic, 1, CSV_NO_ROWS);

	stats->errors = ic.errors;
	if (ic.errors > 0) {
		s = store_set_err(err, STORE_ERR_INPUT, CATALOG_PROBLEMS, ic.errors);
		goto out;
	}
	if (db)
		s = import_write(db, rows, stats->rows, version, stats, err);
out:
	seen_free(&skus);
	seen_free(&barcodes);
	seen_free(&plus);
	free(rows);
	free(arena);
	return s;
}

store_status catalog_import_buffer(store_db *db, const char *buf, size_t len,
                                   catalog_error_fn *on_error, void *arg,
                                   struct catalog_import_stats *stats, store_err *err)
{
	return catalog_run(db, buf, len, 0, on_error, arg, stats, err);
}

store_status catalog_check_buffer(const char *buf, size_t len, catalog_error_fn *on_error,
                                  void *arg, struct catalog_import_stats *stats, store_err *err)
{
	return catalog_run(NULL, buf, len, 0, on_error, arg, stats, err);
}

store_status catalog_import_version(store_db *db, const char *buf, size_t len, int64_t version,
                                    catalog_error_fn *on_error, void *arg,
                                    struct catalog_import_stats *stats, store_err *err)
{
	if (version < 1) {
		store_err_clear(err);
		return store_set_err(err, STORE_ERR_INPUT, HUB_VERSION, (long long)version);
	}
	return catalog_run(db, buf, len, version, on_error, arg, stats, err);
}

store_status catalog_read_file(const char *path, char **out, size_t *out_len, store_err *err)
{
	struct stat sb;
	char *buf = NULL;
	size_t got = 0;

	store_err_clear(err);
	*out = NULL;
	*out_len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return store_set_err(err, STORE_ERR_INPUT, FILE_CANNOT_OPEN, path, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return store_set_err(err, STORE_ERR_INPUT, FILE_NOT_A_FILE, path);
	}
	if (sb.st_size > CATALOG_FILE_MAX) {
		close(fd);
		return store_set_err(err, STORE_ERR_INPUT, FILE_TOO_BIG, path,
		                     CATALOG_FILE_MAX / (1024 * 1024));
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf) {
		close(fd);
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			free(buf);
			return store_set_err(err, STORE_ERR_INPUT, FILE_CANNOT_READ, path,
			                     strerror(e));
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*out_len = got;
	return STORE_OK;
}

store_status catalog_import_file(store_db *db, const char *path, catalog_error_fn *on_error,
                                 void *arg, struct catalog_import_stats *stats, store_err *err)
{
	char *buf;
	size_t len;
	store_status s;

	if (stats)
		memset(stats, 0, sizeof *stats);
	if ((s = catalog_read_file(path, &buf, &len, err)) != STORE_OK)
		return s;
	s = catalog_import_buffer(db, buf, len, on_error, arg, stats, err);
	free(buf);
	return s;
}
