/* reader.c — field by field, the first failure kept (reader.h). */
#include "sandbox/kassa/reader.h"

#include "core/text.h"
#include "core/validate.h"
#include "sandbox/json.h"
#include "sandbox/kassa/decimal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void reader_init(struct reader *r, bool either_case)
{
	r->failed = false;
	r->either_case = either_case;
	r->why[0] = '\0';
}

bool reader_fail(struct reader *r, const char *fmt, ...)
{
	if (r->failed)
		return false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof r->why, fmt, ap);
	va_end(ap);
	r->failed = true;
	return false;
}

const cJSON *reader_field(const struct reader *r, const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!v && r->either_case && name[0]) {
		char other[64];
		snprintf(other, sizeof other, "%s", name);
		other[0] = (char)(isupper((unsigned char)other[0]) ? tolower((unsigned char)other[0])
		                                                   : toupper((unsigned char)other[0]));
		v = cJSON_GetObjectItemCaseSensitive(o, other);
	}
	return v && !cJSON_IsNull(v) ? v : NULL;
}

/* The field, or NULL: absent and optional (false, nothing recorded) or a
 * failure recorded. *present tells the two apart. */
static const cJSON *field_need(struct reader *r, const cJSON *o, const char *where,
                               const char *name, bool required, bool *present)
{
	*present = false;
	if (r->failed)
		return NULL;
	const cJSON *v = reader_field(r, o, name);
	if (!v) {
		if (required)
			reader_fail(r, "%s%s is required", where, name);
		return NULL;
	}
	*present = true;
	return v;
}

bool read_decimal(struct reader *r, const cJSON *o, const char *where, const char *name,
                  int decimals, int64_t min, int64_t max, bool required, int64_t dflt,
                  int64_t *out)
{
	bool present;
	const cJSON *v = field_need(r, o, where, name, required, &present);
	*out = dflt;
	if (!v)
		return !r->failed;
	if (!cJSON_IsNumber(v))
		return reader_fail(r, "%s%s must be a number", where, name);
	int64_t value = 0;
	switch (dec_parse(json_number_text(v), decimals, &value)) {
	case DEC_OK:
		break;
	case DEC_SYNTAX:
		return reader_fail(r, "%s%s is not a JSON number", where, name);
	case DEC_PRECISION:
		if (decimals == 0)
			return reader_fail(r, "%s%s must be a whole number", where, name);
		return reader_fail(r, "%s%s has more than %d decimals", where, name, decimals);
	case DEC_RANGE:
		return reader_fail(r, "%s%s is out of range", where, name);
	}
	char limit[DEC_TEXT_MAX];
	if (value < min) {
		if (min == 1) {
			return reader_fail(r, "%s%s must be more than 0", where, name);
		}
		dec_format(limit, sizeof limit, min, decimals);
		return reader_fail(r, "%s%s must be at least %s", where, name, limit);
	}
	if (value > max) {
		dec_format(limit, sizeof limit, max, decimals);
		return reader_fail(r, "%s%s must be at most %s", where, name, limit);
	}
	*out = value;
	return true;
}

bool read_choice(struct reader *r, const cJSON *o, const char *where, const char *name,
                 const int *allowed, int n, bool required, int dflt, int *out)
{
	int64_t v;
	*out = dflt;
	if (!read_decimal(r, o, where, name, 0, INT32_MIN, INT32_MAX, required, dflt, &v))
		return false;
	for (int i = 0; i < n; i++) {
		if (allowed[i] == v) {
			*out = (int)v;
			return true;
		}
	}
	char list[80] = "";
	for (int i = 0; i < n; i++) {
		size_t used = strlen(list);
		snprintf(list + used, sizeof list - used, "%s%d", i ? (i == n - 1 ? " or " : ", ") : "",
		         allowed[i]);
	}
	return reader_fail(r, "%s%s must be %s, not %lld", where, name, list, (long long)v);
}

/* A string field, or NULL (absent and optional, or a failure recorded). */
static const char *field_string(struct reader *r, const cJSON *o, const char *where,
                                const char *name, bool required)
{
	bool present;
	const cJSON *v = field_need(r, o, where, name, required, &present);
	if (!v)
		return NULL;
	if (!cJSON_IsString(v) || !v->valuestring) {
		reader_fail(r, "%s%s must be a string", where, name);
		return NULL;
	}
	return v->valuestring;
}

bool read_text(struct reader *r, const cJSON *o, const char *where, const char *name,
               long max_chars, bool required, const char **out)
{
	const char *s = field_string(r, o, where, name, required);
	*out = NULL;
	if (!s)
		return !r->failed;
	if (!kp_text_is_safe(s))
		return reader_fail(r, "%s%s is not valid UTF-8 or holds a control character", where, name);
	long n = kp_utf8_length(s);
	if (n < 1 || n > max_chars)
		return reader_fail(r, "%s%s must be 1-%ld characters", where, name, max_chars);
	*out = s;
	return true;
}

bool read_id(struct reader *r, const cJSON *o, const char *where, const char *name,
             size_t max_len, bool required, const char **out)
{
	const char *s = field_string(r, o, where, name, required);
	*out = NULL;
	if (!s)
		return !r->failed;
	size_t n = strlen(s);
	bool printable = n >= 1 && n <= max_len;
	for (size_t i = 0; printable && i < n; i++)
		printable = (unsigned char)s[i] > 0x20 && (unsigned char)s[i] < 0x7f;
	if (!printable)
		return reader_fail(r, "%s%s must be 1-%zu printable ASCII characters without spaces",
		                   where, name, max_len);
	*out = s;
	return true;
}

bool read_bool(struct reader *r, const cJSON *o, const char *where, const char *name,
               bool required, bool *out)
{
	bool present;
	const cJSON *v = field_need(r, o, where, name, required, &present);
	*out = false;
	if (!v)
		return !r->failed;
	if (!cJSON_IsBool(v))
		return reader_fail(r, "%s%s must be true or false", where, name);
	*out = cJSON_IsTrue(v);
	return true;
}

const cJSON *read_array(struct reader *r, const cJSON *o, const char *where, const char *name)
{
	bool present;
	const cJSON *v = field_need(r, o, where, name, true, &present);
	if (v && !cJSON_IsArray(v)) {
		reader_fail(r, "%s%s must be an array", where, name);
		return NULL;
	}
	return v;
}

const cJSON *read_object(struct reader *r, const cJSON *o, const char *where, const char *name,
                         bool required)
{
	bool present;
	const cJSON *v = field_need(r, o, where, name, required, &present);
	if (v && !cJSON_IsObject(v)) {
		reader_fail(r, "%s%s must be an object", where, name);
		return NULL;
	}
	return v;
}

const char *reader_string(const struct reader *r, const cJSON *o, const char *name)
{
	const cJSON *v = reader_field(r, o, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}
