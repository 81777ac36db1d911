/* copy.h — a batch's checked rows as the text of PostgreSQL's COPY FROM
 * STDIN into journal_rows (pgdb.c sends it inside the ingest's
 * transaction): one line a row, its columns till_id, seq, tbl, op,
 * row_key, payload, doc, prev_hash, hash, tab-separated, each escaped as
 * COPY's text format wants (backslash, tab, newline, carriage return),
 * so the payload arrives as the exact bytes hashed. row_key is computed
 * here as hub_row_key() computes it in SQL (pgdb.c's schema step 1): the
 * key of the journal row in its table, from the payload's fields; NULL
 * (\N) when one is missing. */
#ifndef KP_HUB_COPY_H
#define KP_HUB_COPY_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>

#include "hub/ingest.h"

struct hub_copy {
	char *s;            /* the lines, NUL-terminated; malloc'd */
	size_t n, cap;
	bool failed;        /* out of memory: send nothing */
};

/* Appends row of till's batch. False when out of memory. */
bool hub_copy_row(struct hub_copy *c, const char *till, const struct ingest_row *row) KP_MUST_CHECK;

void hub_copy_free(struct hub_copy *c);

#endif
