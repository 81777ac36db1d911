/* ingest.c — parsing a till's batch and writing the hub's answer
 * (ingest.h). The checks that need what the hub holds (the chain, the
 * rows already held) are the database's part (pgdb.c). */
#include <stdlib.h>
#include <string.h>

#include "hub/hash.h"
#include "hub/ingest.h"

static bool ingest_bad(struct ingest_result *res, int64_t seq, const char *why)
{
	memset(res, 0, sizeof *res);
	res->outcome = INGEST_BAD;
	res->seq = seq;
	res->why = why;
	return false;
}

/* The string member name of o, or NULL. */
static const char *ingest_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool ingest_is_hash(const char *s)
{
	if (!s || strlen(s) != HUB_HASH_HEX)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* A table name as the till's schema spells them: a-z and _, 1-40. */
static bool ingest_is_table(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 40)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			return false;
	return true;
}

/* A till id: letters, digits, - and _, 1-INGEST_TILL_MAX. */
static bool ingest_is_till(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > INGEST_TILL_MAX)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '_'))
			return false;
	return true;
}

/* Reads row o into r; false with the reason in res. */
static bool ingest_row_read(const cJSON *o, int64_t want, struct ingest_row *r,
                            struct ingest_result *res)
{
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
	if (!cJSON_IsNumber(seq) || seq->valuedouble < 1 || seq->valuedouble > 9e15 ||
	    seq->valuedouble != (double)(int64_t)seq->valuedouble)
		return ingest_bad(res, 0, "a row's seq is not a whole number from 1");
	r->seq = (int64_t)seq->valuedouble;
	if (want && r->seq != want)
		return ingest_bad(res, r->seq, "the rows are not in order, one after the other");
	r->tbl = ingest_str(o, "table");
	r->op = ingest_str(o, "op");
	r->payload = ingest_str(o, "payload");
	r->prev_hash = ingest_str(o, "prev_hash");
	r->hash = ingest_str(o, "hash");
	if (!ingest_is_table(r->tbl))
		return ingest_bad(res, r->seq, "a row's table is not a table name");
	if (!r->op || (strcmp(r->op, "insert") != 0 && strcmp(r->op, "update") != 0))
		return ingest_bad(res, r->seq, "a row's op is not insert or update");
	if (!ingest_is_hash(r->prev_hash) || !ingest_is_hash(r->hash))
		return ingest_bad(res, r->seq, "a row's hashes are not 64 hex digits");
	cJSON *doc = r->payload ? cJSON_Parse(r->payload) : NULL;
	bool object = cJSON_IsObject(doc);
	cJSON_Delete(doc);
	if (!object)
		return ingest_bad(res, r->seq, "a row's payload is not a JSON object in a string");
	return true;
}

bool ingest_parse(const char *body, struct ingest_batch *out, struct ingest_result *res)
{
	memset(out, 0, sizeof *out);
	out->root = cJSON_Parse(body);
	if (!cJSON_IsObject(out->root))
		return ingest_bad(res, 0, "the body is not a JSON object");
	const char *till = ingest_str(out->root, "till");
	if (!ingest_is_till(till))
		return ingest_bad(res, 0, "till is not a till id");
	memcpy(out->till, till, strlen(till) + 1);
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(out->root, "rows");
	if (!cJSON_IsArray(rows))
		return ingest_bad(res, 0, "rows is not an array");
	int n = cJSON_GetArraySize(rows);
	if (n > INGEST_ROWS_MAX)
		return ingest_bad(res, 0, "more than 5000 rows in one batch");
	if (n > 0 && !(out->rows = calloc((size_t)n, sizeof *out->rows)))
		return ingest_bad(res, 0, "out of memory");
	const cJSON *o;
	int64_t want = 0;
	cJSON_ArrayForEach(o, rows) {
		if (!ingest_row_read(o, want, &out->rows[out->n], res))
			return false;
		want = out->rows[out->n].seq + 1;
		out->n++;
	}
	return true;
}

void ingest_free(struct ingest_batch *b)
{
	cJSON_Delete(b->root);
	free(b->rows);
	memset(b, 0, sizeof *b);
}

int ingest_answer(const struct ingest_result *res, char **json)
{
	static const struct {
		int status;
		const char *error;
	} map[] = {
		[INGEST_OK] = {200, NULL},
		[INGEST_BAD] = {400, "bad_request"},
		[INGEST_UNAUTHORIZED] = {401, "unauthorized"},
		[INGEST_FORBIDDEN] = {403, "forbidden"},
		[INGEST_GAP] = {409, "gap"},
		[INGEST_CHAIN] = {409, "chain"},
		[INGEST_UNAVAILABLE] = {503, "unavailable"},
	};
	cJSON *o = cJSON_CreateObject();
	if (res->outcome == INGEST_OK) {
		cJSON_AddNumberToObject(o, "acked", (double)res->acked);
		cJSON_AddNumberToObject(o, "stored", (double)res->stored);
	} else {
		cJSON_AddStringToObject(o, "error", map[res->outcome].error);
		if (res->seq)
			cJSON_AddNumberToObject(o, "seq", (double)res->seq);
		if (res->why)
			cJSON_AddStringToObject(o, "message", res->why);
	}
	*json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return map[res->outcome].status;
}
