/* api.h — what kaspi-sandbox answers: the contract's error codes in their
 * precedence order, a collector that keeps the first rule that failed, and
 * the body of a reply (sandbox/reply.h) in the contract's form. */
#ifndef KP_SANDBOX_KASPI_API_H
#define KP_SANDBOX_KASPI_API_H

#include <stdbool.h>
#include <stddef.h>

#include "sandbox/reply.h"

/* The order is the contract's precedence (API.md, "Errors"): when several
 * rules fail, the lowest value answers — 429, 401, 400, the 404 of an
 * unknown payment, the 422s in the table's order, 402. The codes after
 * API_DAILY_LIMIT are decided before any rule is looked at. */
enum api_error {
	API_OK = 0,
	API_RATE_LIMITED,
	API_UNAUTHORIZED,
	API_MALFORMED_JSON,
	API_INVALID_REQUEST,
	API_PAYMENT_NOT_FOUND,
	API_INVALID_MERCHANT_ORDER_ID,
	API_DUPLICATE_MERCHANT_ORDER_ID,
	API_AMOUNT_OUT_OF_RANGE,
	API_AMOUNT_MISMATCH,
	API_INVALID_PAYMENT_METHOD,
	API_INVALID_PAYER_PHONE,
	API_REFUND_EXCEEDS_AVAILABLE,
	API_REFUND_WINDOW_CLOSED,
	API_PAYMENT_NOT_REFUNDABLE,
	API_PAYMENT_NOT_CANCELLABLE,
	API_PAYMENT_NOT_PENDING,
	API_INVALID_MERCHANT_REFUND_ID,
	API_DUPLICATE_MERCHANT_REFUND_ID,
	API_IDEMPOTENCY_KEY_MISMATCH,
	API_INVALID_FIELD,
	API_DAILY_LIMIT_EXCEEDED,
	API_NOT_FOUND,
	API_METHOD_NOT_ALLOWED,
	API_PAYLOAD_TOO_LARGE,
	API_INTERNAL,
	API_ERROR_COUNT
};

/* The wire code ("amount_out_of_range") and HTTP status of an error. */
const char *api_error_code(enum api_error e);
unsigned api_error_status(enum api_error e);

/* Collects failed rules; only the one that comes first in precedence is
 * kept, with its message. Validation can so run in any order. */
struct api_check {
	enum api_error first;  /* API_OK while nothing failed */
	char message[200];     /* the message of `first` */
};

void api_check_init(struct api_check *c);
void api_check_fail(struct api_check *c, enum api_error e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Turns r into an error answer; fmt NULL gives the code's stock message. */
void reply_error(struct reply *r, enum api_error e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The error a check collected. */
void reply_from_check(struct reply *r, const struct api_check *c);
/* The body of a JSON reply (malloc'd, *len set): json for a success,
 * {"error":{"code","message"}} (then "payment": json, if any) for an
 * error; NULL when out of memory. */
char *api_reply_body(const struct reply *r, size_t *len);

#endif
