/* wk.h — what kassa-sandbox answers (FISCAL.md): the error codes, the
 * success {"Data": {...}} and the refusal {"Errors": [{"Code", "Text"}]}
 * bodies, and the JSON pieces every answer is built from — money as an
 * exact decimal number, times in Almaty. */
#ifndef KP_SANDBOX_KASSA_WK_H
#define KP_SANDBOX_KASSA_WK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "sandbox/reply.h"

/* The contract's error codes ("Errors used here"). */
enum wk_code {
	WK_OK = 0,
	WK_BAD_LOGIN = 1,         /* wrong login or password */
	WK_TOKEN_EXPIRED = 2,
	WK_UNAUTHORIZED = 3,      /* x-api-key or Token missing or unknown */
	WK_CASHBOX_UNKNOWN = 6,
	WK_CASHBOX_BLOCKED = 7,
	WK_NO_CASH = 8,           /* a cash-out over the cash in the register */
	WK_INVALID = 9,           /* validation; the text names the field */
	WK_SHIFT_OVER_24H = 11,
	WK_SHIFT_CLOSED = 12,     /* a Z with no open shift */
	WK_DUPLICATE = 14,        /* ExternalCheckNumber used already */
	WK_OFFLINE_OVER_72H = 18,
	WK_NO_SUCH_CHECK = 19     /* PrintFormat of an unknown ExternalCheckNumber */
};

#define WK_TIME_LEN 20  /* "dd.MM.yyyy HH:mm:ss" + NUL */

/* A refusal: HTTP 200 (FISCAL.md: the client reads the body) with code. */
void wk_error(struct reply *r, enum wk_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A success: HTTP 200 {"Data": data}; takes data. */
void wk_data(struct reply *r, cJSON *data);
/* The body of r: the Errors document for an error (Code = the HTTP status
 * for the server's own refusals: 401 is 3, 404, 405, 413, 500), else json. */
char *wk_render(const struct reply *r, size_t *len);

/* Adds tiyn as a JSON number in tenge, its shortest exact form ("549.9"). */
cJSON *wk_add_money(cJSON *o, const char *name, int64_t tiyn);
/* "dd.MM.yyyy HH:mm:ss" in Almaty time. */
void wk_time(int64_t ms, char buf[WK_TIME_LEN]);
/* Adds that time. */
cJSON *wk_add_time(cJSON *o, const char *name, int64_t ms);

#endif
