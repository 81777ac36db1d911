/* fuzz_catalog_csv.c — libFuzzer over the catalog's CSV import: any bytes
 * as a catalog file, imported into a real database file. Checks, beyond
 * the sanitizers: problems come in line order, each one line; a file with
 * problems changes nothing; a clean file becomes exactly the catalog;
 * and searching for the input's first bytes never fails. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/i18n.h"
#include "store/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	long last_line;
	long count;
};

static void on_problem(void *arg, long line, const struct kp_msg *message)
{
	struct seen *s = arg;
	const char *text = kp_msg_text(message);
	if (line < s->last_line || line < 1 || strchr(text, '\n') || !*text)
		abort();
	s->last_line = line;
	s->count++;
}

/* One database for the whole run, without fsync: speed over safety here. */
static store_db *fuzz_db(void)
{
	static store_db *db;
	static char dir[] = "/tmp/kp-fuzz-csv-XXXXXX";
	char path[64];
	store_err err;

	if (db)
		return db;
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof path, "%s/kaspi-pos.db", dir);
	if (db_open(path, &db, &err) != STORE_OK)
		abort();
	sqlite3_exec(db_sqlite(db), "PRAGMA synchronous=OFF", NULL, NULL, NULL);
	return db;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	store_db *db = fuzz_db();
	struct catalog_import_stats st;
	struct seen seen = {0};
	store_err err;
	long before = 0, after = 0;

	if (catalog_count(db, &before, &err) != STORE_OK)
		abort();
	store_status s = catalog_import_buffer(db, (const char *)data, size, on_problem, &seen, &st, &err);
	if (catalog_count(db, &after, &err) != STORE_OK)
		abort();
	if (s == STORE_OK && (seen.count != 0 || after != st.rows))
		abort();
	if (s == STORE_ERR_INPUT && (seen.count == 0 || seen.count != st.errors || after != before))
		abort();
	if (s != STORE_OK && s != STORE_ERR_INPUT)
		abort();

	char text[64];
	size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
	memcpy(text, data, n);
	text[n] = '\0';
	struct kp_product found[8];
	int count = 0;
	if (catalog_find(db, text, found, 8, &count, &err) != STORE_OK)
		abort();
	return 0;
}
