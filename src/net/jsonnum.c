/* jsonnum.c — the literal text of a parsed body's numbers (jsonnum.h). */
#include "net/jsonnum.h"

#include <stdlib.h>
#include <string.h>

/* The literals of numbers in body, in document order. */
struct literals {
	const char **at;   /* each one's first byte */
	size_t *len;
	size_t count, cap;
	size_t next;       /* the next one to hand out */
};

/* Whether c may be part of a number as cJSON reads one (it takes the
 * longest run of these and hands it to strtod). */
static bool number_char(char c)
{
	return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E' || c == '.';
}

/* Finds every number literal outside strings. In a body that cJSON
 * parsed, a '-' or a digit outside a string always starts a number (the
 * words true, false and null have neither). */
static bool literals_find(struct literals *l, const char *body, size_t len)
{
	size_t i = 0;
	while (i < len) {
		char c = body[i];
		if (c == '"') {
			for (i++; i < len && body[i] != '"'; i++)
				if (body[i] == '\\')
					i++;
			i++;
			continue;
		}
		if (c == '-' || (c >= '0' && c <= '9')) {
			size_t start = i;
			while (i < len && number_char(body[i]))
				i++;
			if (l->count == l->cap) {
				size_t cap = l->cap ? 2 * l->cap : 16;
				const char **at = realloc(l->at, cap * sizeof *at);
				if (!at)
					return false;
				l->at = at;
				size_t *n = realloc(l->len, cap * sizeof *n);
				if (!n)
					return false;
				l->len = n;
				l->cap = cap;
			}
			l->at[l->count] = body + start;
			l->len[l->count++] = i - start;
			continue;
		}
		i++;
	}
	return true;
}

/* Hands the literals to the numbers of item and its children, depth
 * first in document order (the order cJSON keeps children in). */
static bool literals_give(struct literals *l, cJSON *item)
{
	for (; item; item = item->next) {
		if (cJSON_IsNumber(item)) {
			if (l->next == l->count || item->valuestring)
				return false;
			size_t n = l->len[l->next];
			char *text = malloc(n + 1);
			if (!text)
				return false;
			memcpy(text, l->at[l->next], n);
			text[n] = '\0';
			item->valuestring = text;
			l->next++;
		}
		if (item->child && !literals_give(l, item->child))
			return false;
	}
	return true;
}

bool json_keep_number_texts(cJSON *root, const char *body, size_t len)
{
	struct literals l = {0};
	bool ok = literals_find(&l, body, len) && literals_give(&l, root) && l.next == l.count;
	free(l.at);
	free(l.len);
	return ok;
}

const char *json_number_text(const cJSON *item)
{
	return cJSON_IsNumber(item) ? item->valuestring : NULL;
}
