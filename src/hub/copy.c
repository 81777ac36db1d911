/* copy.c — a batch's rows as COPY text (copy.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hub/copy.h"

/* Makes room for n more bytes and the NUL. */
static bool copy_room(struct hub_copy *c, size_t n)
{
	if (c->failed)
		return false;
	if (c->n + n + 1 <= c->cap)
		return true;
	size_t cap = c->cap ? c->cap : 64 * 1024;
	while (cap < c->n + n + 1)
		cap *= 2;
	char *s = realloc(c->s, cap);
	if (!s) {
		c->failed = true;
		return false;
	}
	c->s = s;
	c->cap = cap;
	return true;
}

static void copy_raw(struct hub_copy *c, const char *s, size_t n)
{
	if (!copy_room(c, n))
		return;
	memcpy(c->s + c->n, s, n);
	c->n += n;
	c->s[c->n] = '\0';
}

/* A column's text, escaped for COPY, then sep. */
static void copy_field(struct hub_copy *c, const char *s, char sep)
{
	const char *p = s;
	while (*p) {
		size_t run = strcspn(p, "\\\t\n\r");
		copy_raw(c, p, run);
		p += run;
		if (!*p)
			break;
		char esc[2] = {'\\', *p == '\\' ? '\\' : *p == '\t' ? 't' : *p == '\n' ? 'n' : 'r'};
		copy_raw(c, esc, 2);
		p++;
	}
	copy_raw(c, &sep, 1);
}

/* The text doc->>name gives in SQL into out: a string's value, a whole
 * number's digits, true or false; false for a missing or null field
 * (SQL's NULL) or one too long. */
static bool copy_key_part(const cJSON *doc, const char *name, char *out, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, name);
	int n;
	if (cJSON_IsString(v))
		n = snprintf(out, size, "%s", v->valuestring);
	else if (cJSON_IsNumber(v) && v->valuedouble == (double)(int64_t)v->valuedouble)
		n = snprintf(out, size, "%" PRId64, (int64_t)v->valuedouble);
	else if (cJSON_IsBool(v))
		n = snprintf(out, size, "%s", cJSON_IsTrue(v) ? "true" : "false");
	else
		return false;
	return n >= 0 && (size_t)n < size;
}

/* hub_row_key(tbl, doc) into out; false: NULL. */
static bool copy_row_key(const char *tbl, const char *payload, char *out, size_t size)
{
	static const struct {
		const char *tbl, *a, *b;
	} keys[] = {
		{"order_lines", "order_id", "line_no"},
		{"tenders", "order_id", "part_no"},
		{"refund_lines", "refund_row", "part"},
		{"refund_tenders", "refund_row", NULL},
		{"z_reports", "number", NULL},
	};
	const char *a = "id", *b = NULL;
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (strcmp(tbl, keys[i].tbl) == 0) {
			a = keys[i].a;
			b = keys[i].b;
		}
	cJSON *doc = cJSON_Parse(payload);
	char second[64];
	bool ok = copy_key_part(doc, a, out, size) && (!b || copy_key_part(doc, b, second, sizeof second));
	cJSON_Delete(doc);
	if (ok && b) {
		size_t n = strlen(out);
		ok = snprintf(out + n, size - n, "/%s", second) < (int)(size - n);
	}
	return ok;
}

bool hub_copy_row(struct hub_copy *c, const char *till, const struct ingest_row *row)
{
	char seq[24], key[160];
	snprintf(seq, sizeof seq, "%" PRId64, row->seq);
	copy_field(c, till, '\t');
	copy_field(c, seq, '\t');
	copy_field(c, row->tbl, '\t');
	copy_field(c, row->op, '\t');
	if (copy_row_key(row->tbl, row->payload, key, sizeof key))
		copy_field(c, key, '\t');
	else
		copy_raw(c, "\\N\t", 3);
	copy_field(c, row->payload, '\t');
	copy_field(c, row->payload, '\t');
	copy_field(c, row->prev_hash, '\t');
	copy_field(c, row->hash, '\n');
	return !c->failed;
}

void hub_copy_free(struct hub_copy *c)
{
	free(c->s);
	memset(c, 0, sizeof *c);
}
