/* reader.h — reading a request body's fields by the contract's rules, each
 * failure as the one line of an error 9 that names the field
 * ("Positions[1].Price has more than 2 decimals"). The reader keeps the
 * first failure only and reads nothing after it, so a body's first broken
 * field, in the order the rules read them, is the one named. Numbers come
 * from their literal text (json.h, decimal.h), never from a double. */
#ifndef KP_SANDBOX_KASSA_READER_H
#define KP_SANDBOX_KASSA_READER_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "sandbox/reply.h"

struct reader {
	bool failed;                      /* a rule failed: why says which */
	bool either_case;                 /* "Sum" is found as "sum" too (MoneyOperation) */
	char why[REPLY_MESSAGE_SIZE];     /* the first failure */
};

void reader_init(struct reader *r, bool either_case);
/* Records a failure unless one is recorded already; returns false. */
bool reader_fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The field name of o (NULL when absent or JSON null), by the reader's
 * rule for the case of its first letter. */
const cJSON *reader_field(const struct reader *r, const cJSON *o, const char *name);

/* A decimal number of at most `decimals` decimals, scaled by 10^decimals,
 * in [min, max]. Absent: dflt when optional, a failure when required.
 * `where` prefixes the name in messages ("Positions[0]."). */
bool read_decimal(struct reader *r, const cJSON *o, const char *where, const char *name,
                  int decimals, int64_t min, int64_t max, bool required, int64_t dflt,
                  int64_t *out);
/* A whole number that must be one of allowed[0..n). */
bool read_choice(struct reader *r, const cJSON *o, const char *where, const char *name,
                 const int *allowed, int n, bool required, int dflt, int *out);
/* A string of 1..max_chars characters of valid UTF-8 without control
 * characters; *out NULL when absent and optional. */
bool read_text(struct reader *r, const cJSON *o, const char *where, const char *name,
               long max_chars, bool required, const char **out);
/* An identifier: 1..max_len printable ASCII bytes, no spaces. */
bool read_id(struct reader *r, const cJSON *o, const char *where, const char *name,
             size_t max_len, bool required, const char **out);
bool read_bool(struct reader *r, const cJSON *o, const char *where, const char *name,
               bool required, bool *out);
/* A required array; NULL (and a failure) otherwise. */
const cJSON *read_array(struct reader *r, const cJSON *o, const char *where, const char *name);
/* An object; NULL when absent and optional, or after a failure. */
const cJSON *read_object(struct reader *r, const cJSON *o, const char *where, const char *name,
                         bool required);

/* A string field as the gate reads it (Token, CashboxUniqueNumber): the
 * string, or NULL when it is absent or not a string. */
const char *reader_string(const struct reader *r, const cJSON *o, const char *name);

#endif
