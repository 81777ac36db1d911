/* routes.c — the route table and its handlers: type checks (400) and the
 * body's own rules (422) here, the rules that need stored state in state.c;
 * api_check keeps whichever comes first in the contract's precedence. */
#include "sandbox/kaspi/routes.h"

#include "core/timeutil.h"
#include "core/validate.h"
#include "sandbox/json.h"
#include "sandbox/kaspi/qrsvg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 255          /* description and reason, in characters */
#define PRODUCT_NAME_MAX 128  /* a product's name, in characters */
#define URL_MAX 2048          /* return_url and callback_url, in bytes */
#define BACKDATE_MAX_S (10 * 366 * 86400LL)

/* ---- JSON field access ----------------------------------------------------- */

enum field { FIELD_OK, FIELD_ABSENT, FIELD_WRONG };

/* A string field; absent covers a JSON null. */
static enum field field_string(const cJSON *o, const char *name, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return FIELD_ABSENT;
	if (!cJSON_IsString(v) || !v->valuestring)
		return FIELD_WRONG;
	*out = v->valuestring;
	return FIELD_OK;
}

/* An integer field. A fraction is the wrong type; a huge magnitude is kept
 * (saturated) so that the range rule, not the type rule, answers. */
static enum field field_int(const cJSON *o, const char *name, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	*out = 0;
	if (!v || cJSON_IsNull(v))
		return FIELD_ABSENT;
	if (!cJSON_IsNumber(v) || isnan(v->valuedouble) || floor(v->valuedouble) != v->valuedouble)
		return FIELD_WRONG;
	double d = v->valuedouble;
	*out = d >= 9e18 ? INT64_C(9000000000000000000) : d <= -9e18 ? -INT64_C(9000000000000000000)
	                                                             : (int64_t)d;
	return FIELD_OK;
}

/* A required string: 400 when missing or not a string. */
static const char *need_string(const cJSON *o, const char *name, const char *where,
                               struct api_check *chk)
{
	const char *s;
	switch (field_string(o, name, &s)) {
	case FIELD_ABSENT:
		api_check_fail(chk, API_INVALID_REQUEST, "%s%s is required", where, name);
		break;
	case FIELD_WRONG:
		api_check_fail(chk, API_INVALID_REQUEST, "%s%s must be a string", where, name);
		break;
	case FIELD_OK:
		break;
	}
	return s;
}

/* A required integer: false (and a 400) when missing or not an integer. */
static bool need_int(const cJSON *o, const char *name, const char *where, int64_t *out,
                     struct api_check *chk)
{
	switch (field_int(o, name, out)) {
	case FIELD_ABSENT:
		api_check_fail(chk, API_INVALID_REQUEST, "%s%s is required", where, name);
		return false;
	case FIELD_WRONG:
		api_check_fail(chk, API_INVALID_REQUEST, "%s%s must be an integer", where, name);
		return false;
	case FIELD_OK:
		break;
	}
	return true;
}

/* An optional string: NULL when absent, 400 when not a string. */
static const char *opt_string(const cJSON *o, const char *name, struct api_check *chk)
{
	const char *s;
	if (field_string(o, name, &s) == FIELD_WRONG)
		api_check_fail(chk, API_INVALID_REQUEST, "%s must be a string", name);
	return s;
}

/* Whether s is 1..max characters of valid UTF-8. */
static bool text_fits(const char *s, long max)
{
	long n = kp_utf8_length(s);
	return n >= 1 && n <= max;
}

/* An absolute http(s) URL of printable ASCII with something after "//". */
static bool url_ok(const char *s)
{
	size_t n = strlen(s);
	size_t scheme = strncmp(s, "http://", 7) == 0 ? 7 : strncmp(s, "https://", 8) == 0 ? 8 : 0;
	if (!scheme || n <= scheme || n > URL_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* Parses the body; NULL (and malformed_json) unless it is a JSON object
 * with nothing but white space after it. */
static cJSON *body_object(const struct route_request *rq, struct api_check *chk)
{
	cJSON *root = json_parse_object(rq->body, rq->body_len);
	if (!root)
		api_check_fail(chk, API_MALFORMED_JSON, rq->body_len ? NULL : "the body is empty; a JSON object is needed");
	return root;
}

/* ---- POST /payment/orders -------------------------------------------------- */

/* products: types (400), the sum against amount (422 amount_mismatch) and
 * each field's range (422 invalid_field). */
static void check_products(const cJSON *products, bool amount_ok, int64_t amount,
                           struct api_check *chk)
{
	const cJSON *p;
	int64_t sum = 0;
	bool typed = true, overflow = false;
	int i = 0;

	if (!cJSON_IsArray(products)) {
		api_check_fail(chk, API_INVALID_REQUEST, "products must be an array");
		return;
	}
	cJSON_ArrayForEach(p, products) {
		char where[32];
		int64_t quantity, price, tax;
		snprintf(where, sizeof where, "products[%d].", i++);
		if (!cJSON_IsObject(p)) {
			api_check_fail(chk, API_INVALID_REQUEST, "products[%d] must be an object", i - 1);
			typed = false;
			continue;
		}
		const char *name = need_string(p, "name", where, chk);
		bool ok = need_int(p, "quantity", where, &quantity, chk);
		ok = need_int(p, "price", where, &price, chk) && ok;
		ok = need_int(p, "tax_rate", where, &tax, chk) && ok;
		if (!name || !ok) {
			typed = false;
			continue;
		}
		if (!text_fits(name, PRODUCT_NAME_MAX))
			api_check_fail(chk, API_INVALID_FIELD, "%sname must be 1-%d characters", where,
			               PRODUCT_NAME_MAX);
		if (quantity < 1)
			api_check_fail(chk, API_INVALID_FIELD, "%squantity must be at least 1", where);
		if (price < 0)
			api_check_fail(chk, API_INVALID_FIELD, "%sprice must not be negative", where);
		if (tax < 0 || tax > 100)
			api_check_fail(chk, API_INVALID_FIELD, "%stax_rate must be 0-100", where);
		int64_t line;
		if (__builtin_mul_overflow(price, quantity, &line) ||
		    __builtin_add_overflow(sum, line, &sum))
			overflow = true;
	}
	if (typed && amount_ok && overflow)
		api_check_fail(chk, API_AMOUNT_MISMATCH, "the products' price x quantity overflow");
	else if (typed && amount_ok && sum != amount)
		api_check_fail(chk, API_AMOUNT_MISMATCH, "the products add up to %lld tiyn, amount is %lld",
		               (long long)sum, (long long)amount);
}

/* The create body's rules that need no stored state; fills in. */
static void check_order(const cJSON *root, const char *idem_key, struct api_check *chk,
                        struct order_input *in)
{
	const char *id = need_string(root, "merchant_order_id", "", chk);
	if (id && !kp_valid_order_id(id))
		api_check_fail(chk, API_INVALID_MERCHANT_ORDER_ID, NULL);
	else if (id)
		in->merchant_order_id = id;
	if (id && idem_key && strcmp(id, idem_key) != 0)
		api_check_fail(chk, API_IDEMPOTENCY_KEY_MISMATCH,
		               "X-Idempotency-Key differs from merchant_order_id");

	bool amount_ok = need_int(root, "amount", "", &in->amount, chk);
	if (amount_ok && (in->amount < 1 || in->amount > 100000000))
		api_check_fail(chk, API_AMOUNT_OUT_OF_RANGE, NULL);

	const char *method = need_string(root, "payment_method", "", chk);
	if (method && !kp_valid_method(method))
		api_check_fail(chk, API_INVALID_PAYMENT_METHOD, NULL);
	in->payment_method = method;

	const char *phone = opt_string(root, "payer_phone", chk);
	if (phone && !kp_valid_phone(phone))
		api_check_fail(chk, API_INVALID_PAYER_PHONE, NULL);
	else if (!phone && method && strcmp(method, "phone") == 0)
		api_check_fail(chk, API_INVALID_PAYER_PHONE, "payer_phone is required for the phone method");

	const char *description = opt_string(root, "description", chk);
	long description_len = description ? kp_utf8_length(description) : 0;
	if (description_len < 0)
		api_check_fail(chk, API_INVALID_FIELD, "description is not valid UTF-8");
	else if (description_len > TEXT_MAX)
		api_check_fail(chk, API_INVALID_FIELD, "description must be at most %d characters", TEXT_MAX);

	const char *return_url = opt_string(root, "return_url", chk);
	if (return_url && !url_ok(return_url))
		api_check_fail(chk, API_INVALID_FIELD, "return_url must be an http(s) URL");
	in->callback_url = opt_string(root, "callback_url", chk);
	if (in->callback_url && !url_ok(in->callback_url))
		api_check_fail(chk, API_INVALID_FIELD, "callback_url must be an http(s) URL");

	const cJSON *products = cJSON_GetObjectItemCaseSensitive(root, "products");
	if (products && !cJSON_IsNull(products))
		check_products(products, amount_ok, in->amount, chk);
}

static void h_create(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	struct api_check chk;
	struct order_input in = {0};
	(void)rt;

	api_check_init(&chk);
	cJSON *root = body_object(rq, &chk);
	if (!root) {
		reply_from_check(out, &chk);
		return;
	}
	check_order(root, rq->idempotency_key, &chk, &in);
	in.body = root;
	in.raw = rq->body;
	in.qr_base = rq->base_url;
	state_create(rq->st, &in, &chk, rq->now_ms, out);
	cJSON_Delete(root);
}

/* ---- POST /refunds --------------------------------------------------------- */

static void h_refund(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	struct api_check chk;
	struct refund_input in = {0};
	(void)rt;

	api_check_init(&chk);
	cJSON *root = body_object(rq, &chk);
	if (!root) {
		reply_from_check(out, &chk);
		return;
	}
	in.payment_id = need_string(root, "payment_id", "", &chk);
	in.amount_valid = need_int(root, "amount", "", &in.amount, &chk);
	if (in.amount_valid && (in.amount < 1 || in.amount > 100000000))
		api_check_fail(&chk, API_AMOUNT_OUT_OF_RANGE, "a refund must be 1..100000000 tiyn");
	const char *reason = need_string(root, "reason", "", &chk);
	if (reason && !text_fits(reason, TEXT_MAX))
		api_check_fail(&chk, API_INVALID_FIELD, "reason must be 1-%d characters", TEXT_MAX);

	/* merchant_refund_id comes from the body; without one in the body,
	 * X-Idempotency-Key is honoured as the id itself (API.md: "the sandbox
	 * honours it the same way as the ids in the body"). */
	const char *mrid = opt_string(root, "merchant_refund_id", &chk);
	const char *key = rq->idempotency_key;
	if (mrid && key && strcmp(mrid, key) != 0)
		api_check_fail(&chk, API_IDEMPOTENCY_KEY_MISMATCH,
		               "X-Idempotency-Key differs from merchant_refund_id");
	if (!mrid && !cJSON_GetObjectItemCaseSensitive(root, "merchant_refund_id"))
		mrid = key;
	if (mrid && !kp_valid_order_id(mrid))
		api_check_fail(&chk, API_INVALID_MERCHANT_REFUND_ID, NULL);
	else
		in.merchant_refund_id = mrid;

	in.body = root;
	in.raw = rq->body;
	state_refund(rq->st, &in, &chk, rq->now_ms, out);
	cJSON_Delete(root);
}

/* ---- the rest -------------------------------------------------------------- */

static void h_health(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	char now[KP_TIME_LEN];
	(void)rt;
	kp_time_format((time_t)(rq->now_ms / 1000), now, sizeof now);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "ok");
	cJSON_AddStringToObject(o, "timestamp", now);
	cJSON_AddStringToObject(o, "version", KP_VERSION);
	reply_json(out, 200, o);
}

static void h_get(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	(void)rt;
	state_get(rq->st, rq->id, rq->now_ms, out);
}

/* Cancel and the control steps take no body; one that is sent is ignored. */
static void h_cancel(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	(void)rt;
	state_cancel(rq->st, rq->id, rq->now_ms, out);
}

static void h_control(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	state_control(rq->st, rq->id, (enum control_step)rt->step, rq->now_ms, out);
}

/* POST /sandbox/payments/{id}/backdate {"seconds": N} or {"days": N}. */
static void h_backdate(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	struct api_check chk;
	int64_t seconds = 0, days = 0;
	(void)rt;

	api_check_init(&chk);
	cJSON *root = body_object(rq, &chk);
	if (root) {
		enum field fs = field_int(root, "seconds", &seconds);
		enum field fd = field_int(root, "days", &days);
		if (fs == FIELD_WRONG || fd == FIELD_WRONG || (fs == FIELD_ABSENT) == (fd == FIELD_ABSENT))
			api_check_fail(&chk, API_INVALID_REQUEST, "give one integer: seconds or days");
		else if (fd == FIELD_OK)
			seconds = days > BACKDATE_MAX_S / 86400 ? BACKDATE_MAX_S + 1 : days * 86400;
		if (chk.first == API_OK && (seconds < 0 || seconds > BACKDATE_MAX_S))
			api_check_fail(&chk, API_INVALID_FIELD, "at most 10 years back, not forward");
		cJSON_Delete(root);
	}
	if (chk.first != API_OK)
		reply_from_check(out, &chk);
	else
		state_backdate(rq->st, rq->id, seconds, rq->now_ms, out);
}

/* GET /qr/{id}.svg — the picture behind qr_image. */
static void h_qr(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	(void)rt;
	char *token = state_qr_token(rq->st, rq->id);
	if (!token) {
		reply_error(out, API_PAYMENT_NOT_FOUND, "no payment %.40s", rq->id);
		return;
	}
	size_t len = 0;
	char *svg = qrsvg_render(token, &len);
	free(token);
	if (!svg) {
		reply_error(out, API_INTERNAL, "could not draw the QR code");
		return;
	}
	reply_raw(out, 200, "image/svg+xml", svg, len);
}

static void h_stats(const struct route *rt, const struct route_request *rq, struct reply *out)
{
	(void)rt;
	state_stats(rq->st, out);
}

const struct route kaspi_routes[] = {
	{.method = "GET", .pattern = "/health", .access = ROUTE_API, .handle = h_health},
	{.method = "POST", .pattern = "/payment/orders", .access = ROUTE_API, .handle = h_create},
	{.method = "GET", .pattern = "/payments/{id}", .access = ROUTE_API, .handle = h_get},
	{.method = "POST", .pattern = "/payments/{id}/cancel", .access = ROUTE_API, .handle = h_cancel},
	{.method = "POST", .pattern = "/refunds", .access = ROUTE_API, .handle = h_refund},
	{.method = "POST", .pattern = "/sandbox/payments/{id}/scan", .access = ROUTE_CONTROL,
	 .handle = h_control, .step = CONTROL_SCAN},
	{.method = "POST", .pattern = "/sandbox/payments/{id}/pay", .access = ROUTE_CONTROL,
	 .handle = h_control, .step = CONTROL_PAY},
	{.method = "POST", .pattern = "/sandbox/payments/{id}/decline", .access = ROUTE_CONTROL,
	 .handle = h_control, .step = CONTROL_DECLINE},
	{.method = "POST", .pattern = "/sandbox/payments/{id}/fail", .access = ROUTE_CONTROL,
	 .handle = h_control, .step = CONTROL_FAIL},
	{.method = "POST", .pattern = "/sandbox/payments/{id}/expire", .access = ROUTE_CONTROL,
	 .handle = h_control, .step = CONTROL_EXPIRE},
	{.method = "POST", .pattern = "/sandbox/payments/{id}/backdate", .access = ROUTE_CONTROL,
	 .handle = h_backdate},
	{.method = "GET", .pattern = "/sandbox/stats", .access = ROUTE_CONTROL, .handle = h_stats},
	{.method = "GET", .pattern = "/qr/{id}.svg", .access = ROUTE_PUBLIC, .handle = h_qr},
};

const size_t kaspi_routes_count = sizeof kaspi_routes / sizeof kaspi_routes[0];
