/* ingest.h — a till's batch of journal rows, as POST /api/v1/ingest
 * carries it, and what the hub answers:
 *
 *   {"till":"T01","rows":[{"seq":1,"table":"orders","op":"insert",
 *     "payload":"{...}","prev_hash":"<64 hex>","hash":"<64 hex>"},...]}
 *
 * payload is a JSON string holding the row's JSON exactly as the till
 * hashed it (store/outbox.h): the hub checks the hash over those bytes
 * and keeps them, and a jsonb copy to query. Rows come in ascending seq
 * without a gap between them. The answer is {"acked":N}, the highest seq
 * the hub holds for the till, or {"error":"gap"|"chain"|...,"seq":N}. */
#ifndef KP_HUB_INGEST_H
#define KP_HUB_INGEST_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define INGEST_ROWS_MAX 5000
#define INGEST_TILL_MAX 32

struct ingest_row {
	int64_t seq;
	const char *tbl;        /* these point into the batch's parsed body */
	const char *op;
	const char *payload;
	const char *prev_hash;
	const char *hash;
};

struct ingest_batch {
	char till[INGEST_TILL_MAX + 1];
	struct ingest_row *rows;
	size_t n;
	cJSON *root;            /* the parsed body the rows point into */
};

/* What became of a batch. */
enum ingest_outcome {
	INGEST_OK,              /* 200 {"acked":N} */
	INGEST_BAD,             /* 400: not a batch (why says what) */
	INGEST_UNAUTHORIZED,    /* 401: no token, or one no till has */
	INGEST_FORBIDDEN,       /* 403: another till's token */
	INGEST_GAP,             /* 409: a row after a missing one; seq: the first missing */
	INGEST_CHAIN,           /* 409: a broken chain, or a held row with another hash; seq: it */
	INGEST_UNAVAILABLE,     /* 503: the database failed; nothing was stored */
};

struct ingest_result {
	enum ingest_outcome outcome;
	int64_t seq;            /* GAP, CHAIN, BAD (0: the batch as a whole) */
	int64_t acked;          /* OK: the highest seq held */
	size_t stored;          /* OK: rows new to the hub */
	const char *why;        /* BAD: a short English reason */
};

/* Parses body into out. On failure returns false with res filled (BAD). */
bool ingest_parse(const char *body, struct ingest_batch *out, struct ingest_result *res) KP_MUST_CHECK;

void ingest_free(struct ingest_batch *b);

/* The HTTP status and JSON body (malloc'd) of res. */
int ingest_answer(const struct ingest_result *res, char **json) KP_MUST_CHECK;

#endif
