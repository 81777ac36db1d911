/* api.c — kaspi-sandbox's error table and the body of its answers. */
#include "sandbox/kaspi/api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One row of API.md's error table. */
struct error_row {
	unsigned status;       /* HTTP status */
	const char *code;      /* wire code */
	const char *message;   /* stock human text */
};

static const struct error_row error_rows[API_ERROR_COUNT] = {
	[API_OK] = {200, "ok", "ok"},
	[API_RATE_LIMITED] = {429, "rate_limited", "too many requests for this merchant; retry after Retry-After seconds"},
	[API_UNAUTHORIZED] = {401, "unauthorized", "missing or unknown key, or X-Merchant-ID is not the key's merchant"},
	[API_MALFORMED_JSON] = {400, "malformed_json", "the body is not a JSON object"},
	[API_INVALID_REQUEST] = {400, "invalid_request", "a field is missing or has the wrong type"},
	[API_PAYMENT_NOT_FOUND] = {404, "payment_not_found", "no such payment"},
	[API_INVALID_MERCHANT_ORDER_ID] = {422, "invalid_merchant_order_id", "merchant_order_id must be 3-64 printable ASCII characters without spaces"},
	[API_DUPLICATE_MERCHANT_ORDER_ID] = {422, "duplicate_merchant_order_id", "merchant_order_id was used in the last 30 days with a different body"},
	[API_AMOUNT_OUT_OF_RANGE] = {422, "amount_out_of_range", "amount must be 1..100000000 tiyn"},
	[API_AMOUNT_MISMATCH] = {422, "amount_mismatch", "the products' price x quantity do not add up to amount"},
	[API_INVALID_PAYMENT_METHOD] = {422, "invalid_payment_method", "payment_method must be qr, card or phone"},
	[API_INVALID_PAYER_PHONE] = {422, "invalid_payer_phone", "payer_phone must be +77 followed by 9 digits"},
	[API_REFUND_EXCEEDS_AVAILABLE] = {422, "refund_exceeds_available", "the refund is more than amount - refunded_amount"},
	[API_REFUND_WINDOW_CLOSED] = {422, "refund_window_closed", "the payment succeeded more than 90 days ago"},
	[API_PAYMENT_NOT_REFUNDABLE] = {422, "payment_not_refundable", "only succeeded payments can be refunded"},
	[API_PAYMENT_NOT_CANCELLABLE] = {422, "payment_not_cancellable", "only pending payments can be cancelled"},
	[API_PAYMENT_NOT_PENDING] = {422, "payment_not_pending", "the payment is no longer pending"},
	[API_INVALID_MERCHANT_REFUND_ID] = {422, "invalid_merchant_refund_id", "merchant_refund_id must be 3-64 printable ASCII characters without spaces"},
	[API_DUPLICATE_MERCHANT_REFUND_ID] = {422, "duplicate_merchant_refund_id", "merchant_refund_id was used with a different body"},
	[API_IDEMPOTENCY_KEY_MISMATCH] = {422, "idempotency_key_mismatch", "X-Idempotency-Key differs from the body's id"},
	[API_INVALID_FIELD] = {422, "invalid_field", "a field's value is out of its range"},
	[API_DAILY_LIMIT_EXCEEDED] = {402, "daily_limit_exceeded", "the order would pass the merchant's daily limit"},
	[API_NOT_FOUND] = {404, "not_found", "unknown path"},
	[API_METHOD_NOT_ALLOWED] = {405, "method_not_allowed", "this path does not take that method"},
	[API_PAYLOAD_TOO_LARGE] = {413, "payload_too_large", "the body is over 64 KiB"},
	[API_INTERNAL] = {500, "internal_error", "internal server error"},
};

const char *api_error_code(enum api_error e)
{
	return (unsigned)e < API_ERROR_COUNT ? error_rows[e].code : "internal_error";
}

unsigned api_error_status(enum api_error e)
{
	return (unsigned)e < API_ERROR_COUNT ? error_rows[e].status : 500;
}

void api_check_init(struct api_check *c)
{
	c->first = API_OK;
	c->message[0] = '\0';
}

void api_check_fail(struct api_check *c, enum api_error e, const char *fmt, ...)
{
	if (c->first != API_OK && c->first <= e)
		return;
	c->first = e;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->message, sizeof c->message, fmt, ap);
		va_end(ap);
	} else {
		snprintf(c->message, sizeof c->message, "%s", error_rows[e].message);
	}
}

void reply_error(struct reply *r, enum api_error e, const char *fmt, ...)
{
	if ((unsigned)e >= API_ERROR_COUNT || e == API_OK)
		e = API_INTERNAL;
	r->error = e;
	r->status = error_rows[e].status;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->message, sizeof r->message, fmt, ap);
		va_end(ap);
	} else {
		snprintf(r->message, sizeof r->message, "%s", error_rows[e].message);
	}
}

void reply_from_check(struct reply *r, const struct api_check *c)
{
	reply_error(r, c->first, "%s", c->message);
}

char *api_reply_body(const struct reply *r, size_t *len)
{
	char *text;

	if (r->error == API_OK) {
		text = r->json ? cJSON_PrintUnformatted(r->json) : NULL;
	} else {
		/* {"error":{"code":..,"message":..}}, then the payment if any */
		cJSON *root = cJSON_CreateObject();
		cJSON *err = cJSON_AddObjectToObject(root, "error");
		cJSON_AddStringToObject(err, "code", api_error_code(r->error));
		cJSON_AddStringToObject(err, "message", r->message);
		if (r->json)
			cJSON_AddItemReferenceToObject(root, "payment", r->json);
		text = cJSON_PrintUnformatted(root);
		cJSON_Delete(root);
	}
	if (text)
		*len = strlen(text);
	return text;
}
