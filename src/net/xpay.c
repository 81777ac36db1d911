/* xpay.c — the typed xpayment client; see xpay.h and API.md.
 *
 * Three parts: request bodies (a small JSON writer, so that the bytes are
 * ours and stable: they are journaled and re-sent byte for byte), strict
 * response parsing with cJSON, and the mapping of every transport and HTTP
 * outcome to an xpay_result. The last two are pure functions, tested
 * without a network. */
#include "net/xpay.h"
#include "core/grow.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "core/money.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/validate.h"
#include "net/http.h"

#ifndef KP_VERSION
#define KP_VERSION "0.0.0"
#endif

#define DESCRIPTION_MAX_CHARS 255
#define REASON_MAX_CHARS 255
#define PRODUCT_NAME_MAX_CHARS 128
#define REQUEST_URL_MAX 2048        /* return_url, callback_url */
#define JSON_INT_MAX INT64_C(9007199254740991)   /* 2^53 − 1: exact in a double */
#define RETRY_AFTER_DEFAULT 1L

struct xpay_client {
	http_client *http;      /* owns the connection and the header with the key */
	long timeout_ms;        /* for the time-out message */
};

/* ---- results ----------------------------------------------------------- */

static void result_reset(xpay_result *res)
{
	memset(res, 0, sizeof *res);
}

/* Sets kind and a printf-style message; returns kind. */
static xpay_kind fail(xpay_result *res, xpay_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static xpay_kind fail(xpay_result *res, xpay_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof res->message, fmt, ap);
	va_end(ap);
	res->kind = kind;
	return kind;
}

const char *xpay_kind_name(xpay_kind k)
{
	switch (k) {
	case XPAY_OK: return "ok";
	case XPAY_ERR_CONFIG: return "config";
	case XPAY_ERR_INVALID: return "invalid";
	case XPAY_ERR_CONNECT: return "connect";
	case XPAY_ERR_TIMEOUT: return "timeout";
	case XPAY_ERR_TLS: return "tls";
	case XPAY_ERR_NETWORK: return "network";
	case XPAY_ERR_HTTP: return "http";
	case XPAY_ERR_RATE_LIMITED: return "rate-limited";
	case XPAY_ERR_BAD_BODY: return "bad-body";
	case XPAY_UNSUPPORTED: return "unsupported";
	case XPAY_ERR_NOMEM: return "nomem";
	}
	return "?";
}

static const char *const state_names[] = {
	[XPAY_STATE_UNKNOWN] = "unknown",
	[XPAY_STATE_PENDING] = "pending",
	[XPAY_STATE_SUCCEEDED] = "succeeded",
	[XPAY_STATE_CANCELLED] = "cancelled",
	[XPAY_STATE_FAILED] = "failed",
	[XPAY_STATE_EXPIRED] = "expired",
};

const char *xpay_state_name(xpay_state s)
{
	if ((size_t)s < sizeof state_names / sizeof state_names[0])
		return state_names[s];
	return "unknown";
}

bool xpay_state_final(xpay_state s)
{
	return s == XPAY_STATE_SUCCEEDED || s == XPAY_STATE_CANCELLED ||
		   s == XPAY_STATE_FAILED || s == XPAY_STATE_EXPIRED;
}

static xpay_state state_from_text(const char *s)
{
	for (size_t i = 1; i < sizeof state_names / sizeof state_names[0]; i++)
		if (strcmp(s, state_names[i]) == 0)
			return (xpay_state)i;
	return XPAY_STATE_UNKNOWN;
}

bool xpay_result_retryable(const xpay_result *r)
{
	switch (r->kind) {
	case XPAY_ERR_TIMEOUT:
	case XPAY_ERR_NETWORK:
	case XPAY_ERR_CONNECT:
	case XPAY_ERR_RATE_LIMITED:
	case XPAY_ERR_BAD_BODY:     /* the same repeat gets a readable answer (a replay) */
		return true;
	case XPAY_ERR_HTTP:
		return r->http_status >= 500;
	default:
		return false;
	}
}

/* ---- request bodies ---------------------------------------------------- */

/* A growing output buffer; errors stick, so writers need not check each step. */
typedef struct jbuf {
	char *p;        /* the text, NUL-terminated */
	size_t len;     /* bytes written */
	size_t cap;     /* bytes allocated */
	bool nomem;     /* an allocation failed */
	bool too_big;   /* the text passed XPAY_BODY_MAX */
} jbuf;

static void jb_raw(jbuf *b, const char *s, size_t n)
{
	if (b->nomem || b->too_big)
		return;
	if (n > XPAY_BODY_MAX - b->len) {
		b->too_big = true;
		return;
	}
	if (!KP_GROW(b->p, b->cap, b->len + n + 1, 256)) {
		b->nomem = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void jb_lit(jbuf *b, const char *s)
{
	jb_raw(b, s, strlen(s));
}

/* A JSON string: '"' and '\\' escaped, control bytes as \n \r \t or
 * \u00XX; UTF-8 passes as is (the caller checked it is valid). */
static void jb_str(jbuf *b, const char *s)
{
	jb_raw(b, "\"", 1);
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		char esc[8];
		const char *e = NULL;
		if (ch == '"')
			e = "\\\"";
		else if (ch == '\\')
			e = "\\\\";
		else if (ch == '\n')
			e = "\\n";
		else if (ch == '\r')
			e = "\\r";
		else if (ch == '\t')
			e = "\\t";
		else if (ch < 0x20) {
			snprintf(esc, sizeof esc, "\\u%04x", ch);
			e = esc;
		}
		if (e) {
			jb_raw(b, run, (size_t)(p - run));
			jb_lit(b, e);
			run = p + 1;
		}
	}
	jb_raw(b, run, strlen(run));
	jb_raw(b, "\"", 1);
}

static void jb_i64(jbuf *b, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%" PRId64, v);
	jb_raw(b, num, (size_t)n);
}

/* ,"key": (no comma before the first field of an object) */
static void jb_key(jbuf *b, const char *key, bool *first)
{
	if (!*first)
		jb_raw(b, ",", 1);
	*first = false;
	jb_str(b, key);
	jb_raw(b, ":", 1);
}

/* Hands the text to the caller or reports why not. */
static xpay_kind jb_finish(jbuf *b, char **body, size_t *len, xpay_result *res)
{
	if (b->nomem || b->too_big) {
		free(b->p);
		if (b->nomem)
			return fail(res, XPAY_ERR_NOMEM, "Out of memory");
		return fail(res, XPAY_ERR_INVALID, "Request too large (over 64 KiB): fewer lines, please");
	}
	*body = b->p;
	*len = b->len;
	res->kind = XPAY_OK;
	return XPAY_OK;
}

/* Text of 1…max characters of valid UTF-8 without control characters
 * (a description or reason is one line on a receipt). */
static bool text_ok(const char *s, long max_chars)
{
	long n = kp_utf8_length(s);
	if (n < 1 || n > max_chars)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* A server-made id: 1…size−1 bytes of printable ASCII without space. */
static bool id_ok(const char *s, size_t size)
{
	size_t n = 0;
	for (; s[n]; n++)
		if ((unsigned char)s[n] < 0x21 || (unsigned char)s[n] > 0x7e)
			return false;
	return n >= 1 && n < size;
}

static bool url_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= REQUEST_URL_MAX && text_ok(s, REQUEST_URL_MAX);
}

/* Checks an order against the contract before anything is written. */
static xpay_kind order_check(const xpay_order *o, xpay_result *res)
{
	if (!o->merchant_order_id || !kp_valid_order_id(o->merchant_order_id))
		return fail(res, XPAY_ERR_INVALID,
					"Order number must be 3-64 letters or digits without spaces");
	if (o->amount < KP_AMOUNT_MIN || o->amount > KP_AMOUNT_MAX)
		return fail(res, XPAY_ERR_INVALID, "Amount must be 0,01 to 1 000 000 KZT");
	if (!o->payment_method || !kp_valid_method(o->payment_method))
		return fail(res, XPAY_ERR_INVALID, "Payment method must be qr, phone or card");
	if (o->payer_phone && !kp_valid_phone(o->payer_phone))
		return fail(res, XPAY_ERR_INVALID, "Phone number must be +77 and 9 digits");
	if (!o->payer_phone && strcmp(o->payment_method, "phone") == 0)
		return fail(res, XPAY_ERR_INVALID, "A phone payment needs the buyer's phone number");
	if (o->description && !text_ok(o->description, DESCRIPTION_MAX_CHARS))
		return fail(res, XPAY_ERR_INVALID, "Description must be 1-255 characters of one line");
	if (o->return_url && !url_ok(o->return_url))
		return fail(res, XPAY_ERR_INVALID, "Return URL is not a valid URL");
	if (o->callback_url && !url_ok(o->callback_url))
		return fail(res, XPAY_ERR_INVALID, "Callback URL is not a valid URL");
	if (o->n_products && !o->products)
		return fail(res, XPAY_ERR_INVALID, "Product list missing");
	int64_t sum = 0;
	for (size_t i = 0; i < o->n_products; i++) {
		const xpay_product *p = &o->products[i];
		if (!p->name || !text_ok(p->name, PRODUCT_NAME_MAX_CHARS))
			return fail(res, XPAY_ERR_INVALID,
						"Line %zu: name must be 1-128 characters", i + 1);
		if (p->quantity < 1 || p->quantity > KP_AMOUNT_MAX)
			return fail(res, XPAY_ERR_INVALID, "Line %zu: quantity must be at least 1", i + 1);
		if (p->price < 0 || p->price > KP_AMOUNT_MAX)
			return fail(res, XPAY_ERR_INVALID, "Line %zu: price out of range", i + 1);
		if (p->tax_rate < 0 || p->tax_rate > 100)
			return fail(res, XPAY_ERR_INVALID, "Line %zu: VAT rate must be 0-100%%", i + 1);
		/* both factors ≤ 1e8, so the product fits; stop once past amount */
		sum += p->price * p->quantity;
		if (sum > KP_AMOUNT_MAX)
			return fail(res, XPAY_ERR_INVALID, "Lines add up to more than 1 000 000 KZT");
	}
	if (o->n_products && sum != o->amount)
		return fail(res, XPAY_ERR_INVALID, "Lines do not add up to the amount");
	return XPAY_OK;
}

xpay_kind xpay_create_body(const xpay_order *o, char **body, size_t *len, xpay_result *res)
{
	*body = NULL;
	*len = 0;
	res->kind = XPAY_OK;
	if (!o)
		return fail(res, XPAY_ERR_INVALID, "No order");
	if (order_check(o, res) != XPAY_OK)
		return res->kind;

	jbuf b = { 0 };
	bool first = true;
	jb_raw(&b, "{", 1);
	jb_key(&b, "merchant_order_id", &first);
	jb_str(&b, o->merchant_order_id);
	jb_key(&b, "amount", &first);
	jb_i64(&b, o->amount);
	if (o->description) {
		jb_key(&b, "description", &first);
		jb_str(&b, o->description);
	}
	if (o->payer_phone) {
		jb_key(&b, "payer_phone", &first);
		jb_str(&b, o->payer_phone);
	}
	jb_key(&b, "payment_method", &first);
	jb_str(&b, o->payment_method);
	if (o->return_url) {
		jb_key(&b, "return_url", &first);
		jb_str(&b, o->return_url);
	}
	if (o->callback_url) {
		jb_key(&b, "callback_url", &first);
		jb_str(&b, o->callback_url);
	}
	if (o->n_products) {
		jb_key(&b, "products", &first);
		jb_raw(&b, "[", 1);
		for (size_t i = 0; i < o->n_products; i++) {
			const xpay_product *p = &o->products[i];
			bool pf = true;
			jb_raw(&b, i ? ",{" : "{", i ? 2 : 1);
			jb_key(&b, "name", &pf);
			jb_str(&b, p->name);
			jb_key(&b, "quantity", &pf);
			jb_i64(&b, p->quantity);
			jb_key(&b, "price", &pf);
			jb_i64(&b, p->price);
			jb_key(&b, "tax_rate", &pf);
			jb_i64(&b, p->tax_rate);
			jb_raw(&b, "}", 1);
		}
		jb_raw(&b, "]", 1);
	}
	jb_raw(&b, "}", 1);
	return jb_finish(&b, body, len, res);
}

xpay_kind xpay_refund_body(const xpay_refund_req *r, char **body, size_t *len, xpay_result *res)
{
	*body = NULL;
	*len = 0;
	res->kind = XPAY_OK;
	if (!r)
		return fail(res, XPAY_ERR_INVALID, "No refund");
	if (!r->payment_id || !id_ok(r->payment_id, XPAY_ID_SIZE))
		return fail(res, XPAY_ERR_INVALID, "Payment id is missing or malformed");
	if (r->amount < KP_AMOUNT_MIN || r->amount > KP_AMOUNT_MAX)
		return fail(res, XPAY_ERR_INVALID, "Refund amount must be 0,01 to 1 000 000 KZT");
	if (!r->reason || !text_ok(r->reason, REASON_MAX_CHARS))
		return fail(res, XPAY_ERR_INVALID, "Refund reason must be 1-255 characters of one line");
	if (r->merchant_refund_id && !kp_valid_order_id(r->merchant_refund_id))
		return fail(res, XPAY_ERR_INVALID,
					"Refund number must be 3-64 letters or digits without spaces");

	jbuf b = { 0 };
	bool first = true;
	jb_raw(&b, "{", 1);
	jb_key(&b, "payment_id", &first);
	jb_str(&b, r->payment_id);
	jb_key(&b, "amount", &first);
	jb_i64(&b, r->amount);
	jb_key(&b, "reason", &first);
	jb_str(&b, r->reason);
	if (r->merchant_refund_id) {
		jb_key(&b, "merchant_refund_id", &first);
		jb_str(&b, r->merchant_refund_id);
	}
	jb_raw(&b, "}", 1);
	return jb_finish(&b, body, len, res);
}

/* ---- strict response parsing ------------------------------------------ */

static xpay_kind bad_body(xpay_result *res, const char *what, const char *field)
{
	return fail(res, XPAY_ERR_BAD_BODY, "Unreadable answer from the payment service (%s%s%s)",
				what, field ? ": " : "", field ? field : "");
}

/* Parses exactly one JSON object filling body[0..len) (white space around
 * it allowed). NULL and res filled otherwise. */
static cJSON *parse_object(const char *body, size_t len, xpay_result *res)
{
	if (!body || len == 0) {
		bad_body(res, "empty", NULL);
		return NULL;
	}
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (!root) {
		bad_body(res, "not JSON", NULL);
		return NULL;
	}
	size_t used = end ? (size_t)(end - body) : len;
	for (size_t i = used; i < len; i++) {
		char ch = body[i];
		if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') {
			cJSON_Delete(root);
			bad_body(res, "text after the JSON", NULL);
			return NULL;
		}
	}
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		bad_body(res, "not a JSON object", NULL);
		return NULL;
	}
	return root;
}

/* The member `name`, or NULL when absent or null. */
static const cJSON *member(const cJSON *obj, const char *name)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
	return cJSON_IsNull(m) ? NULL : m;
}

/* The string member `name` of obj in *out (NULL when absent); false with
 * a bad body when it is required and absent, not a string, or not
 * shorter than size bytes. */
static bool string_member(const cJSON *obj, const char *name, bool required, size_t size,
						  const char **out, xpay_result *res)
{
	const cJSON *m = member(obj, name);
	*out = NULL;
	if (!m) {
		if (required)
			bad_body(res, "missing field", name);
		return !required;
	}
	if (!cJSON_IsString(m) || !m->valuestring) {
		bad_body(res, "not a string", name);
		return false;
	}
	if (strlen(m->valuestring) >= size) {
		bad_body(res, "field too long", name);
		return false;
	}
	*out = m->valuestring;
	return true;
}

/* A string member copied exactly into dst[size], for values that must
 * stay as sent (qr_token, links, ids); absent is fine unless required
 * (dst is then ""). Too long or the wrong type is a bad body. */
static bool get_str(const cJSON *obj, const char *name, bool required,
					char *dst, size_t size, xpay_result *res)
{
	const char *v;
	dst[0] = '\0';
	if (!string_member(obj, name, required, size, &v, res))
		return false;
	if (v)
		memcpy(dst, v, strlen(v) + 1);
	return true;
}

/* Like get_str for a value that is only ever shown (a status, a version,
 * a method): made safe for a terminal (core/text.h) on the way in. */
static bool get_shown(const cJSON *obj, const char *name, bool required,
					  char *dst, size_t size, xpay_result *res)
{
	const char *v;
	dst[0] = '\0';
	if (!string_member(obj, name, required, size, &v, res))
		return false;
	if (v)
		kp_text_safe(dst, size, v);
	return true;
}

/* Like get_str for server ids: printable ASCII, no space, not empty. */
static bool get_id(const cJSON *obj, const char *name, bool required,
				   char *dst, size_t size, xpay_result *res)
{
	if (!get_str(obj, name, required, dst, size, res))
		return false;
	if (dst[0] && !id_ok(dst, size)) {
		dst[0] = '\0';
		bad_body(res, "malformed id", name);
		return false;
	}
	if (required && !dst[0]) {
		bad_body(res, "empty id", name);
		return false;
	}
	return true;
}

/* An integer member in [min, max]: a JSON number with no fraction,
 * exactly representable (|v| < 2^53). Always required. */
static bool get_int(const cJSON *obj, const char *name, int64_t min, int64_t max,
					int64_t *out, xpay_result *res)
{
	const cJSON *m = member(obj, name);
	if (!m) {
		bad_body(res, "missing field", name);
		return false;
	}
	if (!cJSON_IsNumber(m)) {
		bad_body(res, "not a number", name);
		return false;
	}
	double d = m->valuedouble;
	if (!(d >= (double)-JSON_INT_MAX && d <= (double)JSON_INT_MAX)) {
		bad_body(res, "number out of range", name);
		return false;
	}
	int64_t v = (int64_t)d;
	if ((double)v != d) {
		bad_body(res, "not an integer", name);
		return false;
	}
	if (v < min || v > max) {
		bad_body(res, "number out of range", name);
		return false;
	}
	*out = v;
	return true;
}

/* An RFC 3339 time member; absent is fine unless required (*out = 0). */
static bool get_time(const cJSON *obj, const char *name, bool required,
					 time_t *out, xpay_result *res)
{
	const cJSON *m = member(obj, name);
	*out = 0;
	if (!m) {
		if (required)
			bad_body(res, "missing field", name);
		return !required;
	}
	if (!cJSON_IsString(m) || !m->valuestring) {
		bad_body(res, "not a string", name);
		return false;
	}
	if (!kp_time_parse(m->valuestring, out)) {
		*out = 0;
		bad_body(res, "bad time", name);
		return false;
	}
	return true;
}

/* The status member: a string; unknown values give XPAY_STATE_UNKNOWN. */
static bool get_state(const cJSON *obj, xpay_state *st, char *text, size_t size,
					  xpay_result *res)
{
	char tmp[XPAY_SHORT_SIZE];
	if (!get_str(obj, "status", true, tmp, sizeof tmp, res))
		return false;
	*st = state_from_text(tmp);
	if (text)
		kp_text_safe(text, size, tmp); /* shown as sent, made safe */
	return true;
}

static const struct {
	const char *name;
	xpay_event_type type;
} event_names[] = {
	{ "created", XPAY_EV_CREATED },     { "scanned", XPAY_EV_SCANNED },
	{ "completed", XPAY_EV_COMPLETED }, { "cancelled", XPAY_EV_CANCELLED },
	{ "failed", XPAY_EV_FAILED },       { "expired", XPAY_EV_EXPIRED },
	{ "refunded", XPAY_EV_REFUNDED },
};

/* events: an optional array of objects {type, at}; unknown types are
 * skipped whatever else they hold; a known type needs a valid `at`. */
static bool get_events(const cJSON *obj, xpay_payment *p, xpay_result *res)
{
	const cJSON *arr = member(obj, "events");
	if (!arr)
		return true;
	if (!cJSON_IsArray(arr)) {
		bad_body(res, "not an array", "events");
		return false;
	}
	const cJSON *ev;
	cJSON_ArrayForEach(ev, arr) {
		if (!cJSON_IsObject(ev)) {
			bad_body(res, "not an object", "events[]");
			return false;
		}
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(ev, "type");
		if (!cJSON_IsString(t) || !t->valuestring) {
			bad_body(res, "not a string", "events[].type");
			return false;
		}
		size_t k = 0, nk = sizeof event_names / sizeof event_names[0];
		while (k < nk && strcmp(t->valuestring, event_names[k].name) != 0)
			k++;
		if (k == nk)
			continue;
		time_t at;
		if (!get_time(ev, "at", true, &at, res))
			return false;
		if (p->n_events < XPAY_EVENTS_MAX) {
			p->events[p->n_events].type = event_names[k].type;
			p->events[p->n_events].at = at;
			p->n_events++;
		}
		p->n_events_total++;
	}
	return true;
}

/* Fills *p from a payment object (the status answer, or the `payment`
 * member of a cancel's 422). */
static bool payment_from(const cJSON *o, xpay_payment *p, xpay_result *res)
{
	memset(p, 0, sizeof *p);
	return get_id(o, "payment_id", true, p->payment_id, sizeof p->payment_id, res) &&
		   get_id(o, "merchant_order_id", true, p->merchant_order_id,
				  sizeof p->merchant_order_id, res) &&
		   get_state(o, &p->status, p->status_text, sizeof p->status_text, res) &&
		   get_int(o, "amount", KP_AMOUNT_MIN, KP_AMOUNT_MAX, &p->amount, res) &&
		   get_int(o, "refunded_amount", 0, p->amount, &p->refunded_amount, res) &&
		   get_shown(o, "payment_method", true, p->payment_method,
				   sizeof p->payment_method, res) &&
		   get_time(o, "created_at", true, &p->created_at, res) &&
		   get_time(o, "expires_at", true, &p->expires_at, res) &&
		   get_events(o, p, res);
}

xpay_kind xpay_parse_health(const char *body, size_t len, xpay_health *out, xpay_result *res)
{
	memset(out, 0, sizeof *out);
	cJSON *o = parse_object(body, len, res);
	if (!o)
		return res->kind;
	bool ok = get_shown(o, "status", true, out->status, sizeof out->status, res) &&
			  get_time(o, "timestamp", false, &out->timestamp, res) &&
			  get_shown(o, "version", false, out->version, sizeof out->version, res);
	cJSON_Delete(o);
	if (!ok) {
		memset(out, 0, sizeof *out);
		return res->kind;
	}
	res->kind = XPAY_OK;
	return XPAY_OK;
}

xpay_kind xpay_parse_created(const char *body, size_t len, xpay_created *out, xpay_result *res)
{
	memset(out, 0, sizeof *out);
	cJSON *o = parse_object(body, len, res);
	if (!o)
		return res->kind;
	bool ok = get_id(o, "payment_id", true, out->payment_id, sizeof out->payment_id, res) &&
			  get_str(o, "qr_token", true, out->qr_token, sizeof out->qr_token, res) &&
			  get_state(o, &out->status, NULL, 0, res) &&
			  get_time(o, "expires_at", true, &out->expires_at, res) &&
			  get_str(o, "qr_image", false, out->qr_image, sizeof out->qr_image, res) &&
			  get_str(o, "deeplink", false, out->deeplink, sizeof out->deeplink, res);
	if (ok && !out->qr_token[0]) {
		bad_body(res, "empty field", "qr_token");
		ok = false;
	}
	cJSON_Delete(o);
	if (!ok) {
		memset(out, 0, sizeof *out);
		return res->kind;
	}
	res->kind = XPAY_OK;
	return XPAY_OK;
}

xpay_kind xpay_parse_payment(const char *body, size_t len, xpay_payment *out, xpay_result *res)
{
	cJSON *o = parse_object(body, len, res);
	if (!o) {
		memset(out, 0, sizeof *out);
		return res->kind;
	}
	bool ok = payment_from(o, out, res);
	cJSON_Delete(o);
	if (!ok) {
		memset(out, 0, sizeof *out);
		return res->kind;
	}
	res->kind = XPAY_OK;
	return XPAY_OK;
}

xpay_kind xpay_parse_refund(const char *body, size_t len, xpay_refunded *out, xpay_result *res)
{
	memset(out, 0, sizeof *out);
	cJSON *o = parse_object(body, len, res);
	if (!o)
		return res->kind;
	bool ok = get_id(o, "refund_id", true, out->refund_id, sizeof out->refund_id, res) &&
			  get_id(o, "payment_id", true, out->payment_id, sizeof out->payment_id, res) &&
			  get_id(o, "merchant_refund_id", false, out->merchant_refund_id,
					 sizeof out->merchant_refund_id, res) &&
			  get_int(o, "amount", KP_AMOUNT_MIN, KP_AMOUNT_MAX, &out->amount, res) &&
			  get_shown(o, "status", true, out->status, sizeof out->status, res) &&
			  get_time(o, "created_at", true, &out->created_at, res);
	cJSON_Delete(o);
	if (!ok) {
		memset(out, 0, sizeof *out);
		return res->kind;
	}
	res->kind = XPAY_OK;
	return XPAY_OK;
}

/* ---- error mapping ----------------------------------------------------- */

/* What the cashier reads for each error code of the contract: text, then
 * "(STATUS)", then hint. An empty hint lets the server's message follow. */
static const struct {
	const char *code;
	const char *text;
	const char *hint;
} error_texts[] = {
	{ "malformed_json", "Server could not read the request", "" },
	{ "invalid_request", "Server rejected the request", "" },
	{ "unauthorized", "API key rejected", ": check KASPI_XDEV_KEY and KASPI_MERCHANT_ID" },
	{ "daily_limit_exceeded", "Daily payment limit reached", ": no more payments today" },
	{ "payment_not_found", "Payment not found", ": check the payment id" },
	{ "invalid_merchant_order_id", "Order number rejected", "" },
	{ "duplicate_merchant_order_id", "Order number already used for another order",
	  ": start a new order" },
	{ "amount_out_of_range", "Amount out of range", ": 0,01 to 1 000 000 KZT" },
	{ "amount_mismatch", "Amount does not match the lines", "" },
	{ "invalid_payment_method", "Payment method not accepted", "" },
	{ "invalid_payer_phone", "Phone number rejected", ": +77 and 9 digits" },
	{ "refund_exceeds_available", "Refund is more than is left of the payment", "" },
	{ "refund_window_closed", "Refund window closed", ": over 90 days since payment" },
	{ "payment_not_refundable", "Payment cannot be refunded", ": it has not succeeded" },
	{ "payment_not_cancellable", "Payment can no longer be cancelled", "" },
	{ "payment_not_pending", "Payment is no longer pending", "" },
	{ "invalid_merchant_refund_id", "Refund number rejected", "" },
	{ "duplicate_merchant_refund_id", "Refund number already used for another refund", "" },
	{ "idempotency_key_mismatch", "Idempotency key does not match the request", "" },
	{ "invalid_field", "A field was rejected", "" },
	{ "not_found", "Server does not know this call", ": check KASPI_BASE_URL" },
	{ "method_not_allowed", "Server does not allow this call", ": check KASPI_BASE_URL" },
	{ "payload_too_large", "Request too large", "" },
	{ "rate_limited", "Too many requests", "" },
};

/* Cuts an incomplete UTF-8 sequence off the end of s (left by a bounded
 * copy), so that a screen never shows half a character. */
static void utf8_trim_tail(char *s)
{
	size_t n = strlen(s), i = n, cont = 0;
	while (i > 0 && cont < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
		i--;
		cont++;
	}
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
	if (lead >= 0xC0 && cont < need)
		s[i - 1] = '\0';
}

/* A contract error code: [a-z0-9_], 1…XPAY_CODE_SIZE−1 bytes. */
static bool code_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");
	return n > 0 && s[n] == '\0' && n < XPAY_CODE_SIZE;
}

void xpay_map_error(xpay_call call, long status, const char *body, size_t len,
					long retry_after_s, xpay_payment *payment, xpay_result *res)
{
	char server_msg[XPAY_MESSAGE_SIZE] = "";
	cJSON *root = NULL;
	xpay_result scratch;

	res->kind = XPAY_ERR_HTTP;
	res->http_status = status;
	res->code[0] = '\0';
	res->has_payment = false;
	res->outcome_unknown = status >= 500;
	res->retry_after_s = 0;
	result_reset(&scratch);
	if (body && len)
		root = parse_object(body, len, &scratch);
	const cJSON *err = root ? cJSON_GetObjectItemCaseSensitive(root, "error") : NULL;
	if (cJSON_IsObject(err)) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(err, "code");
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(err, "message");
		if (cJSON_IsString(c) && c->valuestring && code_ok(c->valuestring))
			snprintf(res->code, sizeof res->code, "%s", c->valuestring);
		if (cJSON_IsString(m) && m->valuestring)
			kp_text_safe(server_msg, sizeof server_msg, m->valuestring);
	}

	if (status == 429) {
		res->kind = XPAY_ERR_RATE_LIMITED;
		res->retry_after_s = retry_after_s > 0 ? retry_after_s : RETRY_AFTER_DEFAULT;
		fail(res, XPAY_ERR_RATE_LIMITED, "Too many requests (429): wait %ld s",
			 res->retry_after_s);
		goto out;
	}
	if (call == XPAY_CALL_CANCEL &&
		((status == 404 && strcmp(res->code, "payment_not_found") != 0) || status == 405)) {
		fail(res, XPAY_UNSUPPORTED,
			 "This server cannot cancel payments: the QR stays valid until it expires");
		goto out;
	}
	if (call == XPAY_CALL_CANCEL && status == 422 &&
		strcmp(res->code, "payment_not_cancellable") == 0 && payment) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "payment");
		if (cJSON_IsObject(p) && payment_from(p, payment, &scratch))
			res->has_payment = true;
		else
			memset(payment, 0, sizeof *payment);
	}

	const char *text = NULL, *hint = "";
	for (size_t i = 0; i < sizeof error_texts / sizeof error_texts[0]; i++)
		if (strcmp(res->code, error_texts[i].code) == 0) {
			text = error_texts[i].text;
			hint = error_texts[i].hint;
		}
	bool known = text != NULL;
	if (!text && status == 401) {
		text = "API key rejected";
		hint = ": check KASPI_XDEV_KEY and KASPI_MERCHANT_ID";
	} else if (!text && status >= 500) {
		text = "Payment service error";
		hint = ": try again later";
	} else if (!text && status >= 300 && status < 400) {
		text = "Unexpected redirect";
		hint = ": check KASPI_BASE_URL";
	} else if (!text) {
		text = "Payment service refused the request";
	}
	/* "TEXT (STATUS[ code])HINT" or "TEXT (STATUS[ code]): server message" */
	const char *sep = known || !res->code[0] ? "" : " ";
	const char *shown = known ? "" : res->code;
	int n;
	if (!hint[0] && server_msg[0])
		n = snprintf(res->message, sizeof res->message, "%s (%ld%s%s): %s", text, status,
					 sep, shown, server_msg);
	else
		n = snprintf(res->message, sizeof res->message, "%s (%ld%s%s)%s", text, status,
					 sep, shown, hint);
	if (n >= (int)sizeof res->message)
		utf8_trim_tail(res->message);     /* cut: maybe inside a character */
out:
	cJSON_Delete(root);
}

/* ---- the client -------------------------------------------------------- */

bool xpay_global_init(void)
{
	return http_global_init();
}

void xpay_global_cleanup(void)
{
	http_global_cleanup();
}

xpay_client *xpay_client_new(const xpay_options *opt, xpay_result *res)
{
	result_reset(res);
	if (!opt) {
		fail(res, XPAY_ERR_CONFIG, "No client settings");
		return NULL;
	}
	if (!opt->key || !kp_valid_key(opt->key)) {
		fail(res, XPAY_ERR_CONFIG,
			 "API key has the wrong format: expected xdev_ and 20 letters or digits "
			 "(check KASPI_XDEV_KEY)");
		return NULL;
	}
	if (!opt->merchant_id || !kp_valid_bin(opt->merchant_id)) {
		fail(res, XPAY_ERR_CONFIG, "Merchant ID must be the 12-digit BIN (check KASPI_MERCHANT_ID)");
		return NULL;
	}
	long cto = opt->connect_timeout_ms ? opt->connect_timeout_ms : XPAY_CONNECT_TIMEOUT_MS;
	long to = opt->timeout_ms ? opt->timeout_ms : XPAY_TIMEOUT_MS;
	if (cto < 0 || to < 0) {
		fail(res, XPAY_ERR_CONFIG, "Time-outs must be positive");
		return NULL;
	}
	xpay_client *c = calloc(1, sizeof *c);
	if (!c) {
		fail(res, XPAY_ERR_NOMEM, "Out of memory");
		return NULL;
	}
	c->timeout_ms = to;

	char auth[64];
	char merchant[32];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", opt->key);
	snprintf(merchant, sizeof merchant, "X-Merchant-ID: %s", opt->merchant_id);
	const char *headers[] = { auth, merchant, "Accept: application/json", NULL };
	http_config cfg = {
		.base_url = opt->base_url,
		.ca_file = opt->ca_file,
		.connect_timeout_ms = cto,
		.timeout_ms = to,
		.user_agent = "kaspi-pos/" KP_VERSION,
		.headers = headers,
		.secret = opt->key,
		.debug = opt->debug,
	};
	http_err e = opt->base_url ? http_client_new(&cfg, &c->http) : HTTP_E_USAGE;
	explicit_bzero(auth, sizeof auth);
	if (e != HTTP_DONE) {
		free(c);
		if (e == HTTP_E_NOMEM)
			fail(res, XPAY_ERR_NOMEM, "Out of memory");
		else
			fail(res, XPAY_ERR_CONFIG,
				 "Base URL must be https://... (http:// only for a local sandbox); "
				 "check KASPI_BASE_URL");
		return NULL;
	}
	res->kind = XPAY_OK;
	return c;
}

void xpay_client_free(xpay_client *c)
{
	if (!c)
		return;
	http_client_free(c->http);
	free(c);
}

long xpay_client_connects(const xpay_client *c)
{
	return c ? http_client_connects(c->http) : 0;
}

/* Writes "/prefix/<id escaped>/suffix" into path; false if it does not fit. */
static bool id_path(char *path, size_t size, const char *prefix, const char *id,
					const char *suffix)
{
	char esc[XPAY_ID_SIZE * 3];
	size_t o = 0;
	for (const char *p = id; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
					 (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~';
		if (o + 4 > sizeof esc)
			return false;
		if (plain)
			esc[o++] = (char)ch;
		else
			o += (size_t)snprintf(esc + o, sizeof esc - o, "%%%02X", ch);
	}
	esc[o] = '\0';
	int n = snprintf(path, size, "%s%s%s", prefix, esc, suffix);
	return n > 0 && (size_t)n < size;
}

/* Reads `name` out of a stored request body for X-Idempotency-Key; ""
 * when the body has none that can travel as a header value. */
static void body_key(const char *body, size_t len, const char *name, char *key, size_t size)
{
	key[0] = '\0';
	cJSON *root = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *m = cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, name) : NULL;
	if (cJSON_IsString(m) && m->valuestring && id_ok(m->valuestring, size))
		snprintf(key, size, "%s", m->valuestring);
	cJSON_Delete(root);
}

/* Runs one call: sends, then sorts the outcome into *res and parses a 2xx
 * body into out (whose type depends on `call`). */
static xpay_kind run(xpay_client *c, xpay_call call, http_method method, const char *path,
					 const char *idem_key, const char *body, size_t len, void *out,
					 xpay_result *res)
{
	char idem_hdr[XPAY_ORDER_ID_SIZE + 32];
	const char *headers[3] = { NULL, NULL, NULL };
	size_t nh = 0;

	if (len)
		headers[nh++] = "Content-Type: application/json";
	if (idem_key && idem_key[0]) {
		snprintf(idem_hdr, sizeof idem_hdr, "X-Idempotency-Key: %s", idem_key);
		headers[nh++] = idem_hdr;
	}

	http_response r;
	http_err e = http_request(c->http, method, path, headers, body, len, &r);
	res->http_status = r.status;
	res->round_trip_ms = r.elapsed_ms;
	res->replayed = r.replayed;
	if (r.has_date) {
		res->has_skew = true;
		res->skew_s = (long)(r.date - r.received_at);
	}

	switch (e) {
	case HTTP_DONE:
		break;
	case HTTP_E_CONNECT:
		return fail(res, XPAY_ERR_CONNECT, "Cannot reach the payment service: check the network");
	case HTTP_E_TIMEOUT:
		res->outcome_unknown = true;
		return fail(res, XPAY_ERR_TIMEOUT,
					"No answer from the payment service in %ld s: outcome unknown",
					(c->timeout_ms + 999) / 1000);
	case HTTP_E_TLS:
		return fail(res, XPAY_ERR_TLS,
					"Secure connection failed: check the clock and the CA file");
	case HTTP_E_NETWORK:
		res->outcome_unknown = true;
		return fail(res, XPAY_ERR_NETWORK, "Connection lost during the request: outcome unknown");
	case HTTP_E_BAD_REPLY:
	case HTTP_E_TOO_LARGE:
		if (r.status >= 300) {     /* the status line is enough to go on */
			xpay_map_error(call, r.status, NULL, 0, r.retry_after_s,
						   call == XPAY_CALL_CANCEL ? out : NULL, res);
			return res->kind;
		}
		res->outcome_unknown = true;
		return fail(res, XPAY_ERR_BAD_BODY, "Unreadable answer from the payment service (%s)",
					e == HTTP_E_TOO_LARGE ? "over 1 MiB" : "cut short");
	case HTTP_E_NOMEM:
		return fail(res, XPAY_ERR_NOMEM, "Out of memory");
	case HTTP_E_USAGE:
		return fail(res, XPAY_ERR_INVALID, "Request could not be formed");
	}

	if (r.status < 200 || r.status >= 300) {
		xpay_map_error(call, r.status, r.body, r.body_len, r.retry_after_s,
					   call == XPAY_CALL_CANCEL ? out : NULL, res);
		return res->kind;
	}
	xpay_kind k;
	switch (call) {
	case XPAY_CALL_HEALTH:
		k = xpay_parse_health(r.body, r.body_len, out, res);
		break;
	case XPAY_CALL_CREATE:
		k = xpay_parse_created(r.body, r.body_len, out, res);
		break;
	case XPAY_CALL_REFUND:
		k = xpay_parse_refund(r.body, r.body_len, out, res);
		break;
	default:
		k = xpay_parse_payment(r.body, r.body_len, out, res);
		break;
	}
	if (k == XPAY_ERR_BAD_BODY)
		res->outcome_unknown = true;    /* it worked, but we cannot tell what it made */
	return k;
}

xpay_kind xpay_health_get(xpay_client *c, xpay_health *out, xpay_result *res)
{
	result_reset(res);
	memset(out, 0, sizeof *out);
	if (!c)
		return fail(res, XPAY_ERR_CONFIG, "No client");
	return run(c, XPAY_CALL_HEALTH, HTTP_GET, "/health", NULL, NULL, 0, out, res);
}

xpay_kind xpay_create_send(xpay_client *c, const char *body, size_t len,
						   xpay_created *out, xpay_result *res)
{
	char key[XPAY_ORDER_ID_SIZE];
	result_reset(res);
	memset(out, 0, sizeof *out);
	if (!c)
		return fail(res, XPAY_ERR_CONFIG, "No client");
	if (!body || !len)
		return fail(res, XPAY_ERR_INVALID, "Empty request");
	body_key(body, len, "merchant_order_id", key, sizeof key);
	return run(c, XPAY_CALL_CREATE, HTTP_POST, "/payment/orders", key, body, len, out, res);
}

xpay_kind xpay_create(xpay_client *c, const xpay_order *order, xpay_created *out,
					  xpay_result *res)
{
	char *body;
	size_t len;
	result_reset(res);
	memset(out, 0, sizeof *out);
	if (xpay_create_body(order, &body, &len, res) != XPAY_OK)
		return res->kind;
	xpay_kind k = xpay_create_send(c, body, len, out, res);
	free(body);
	return k;
}

xpay_kind xpay_refund_send(xpay_client *c, const char *body, size_t len,
						   xpay_refunded *out, xpay_result *res)
{
	char key[XPAY_ORDER_ID_SIZE];
	result_reset(res);
	memset(out, 0, sizeof *out);
	if (!c)
		return fail(res, XPAY_ERR_CONFIG, "No client");
	if (!body || !len)
		return fail(res, XPAY_ERR_INVALID, "Empty request");
	body_key(body, len, "merchant_refund_id", key, sizeof key);
	return run(c, XPAY_CALL_REFUND, HTTP_POST, "/refunds", key, body, len, out, res);
}

xpay_kind xpay_refund(xpay_client *c, const xpay_refund_req *req, xpay_refunded *out,
					  xpay_result *res)
{
	char *body;
	size_t len;
	result_reset(res);
	memset(out, 0, sizeof *out);
	if (xpay_refund_body(req, &body, &len, res) != XPAY_OK)
		return res->kind;
	xpay_kind k = xpay_refund_send(c, body, len, out, res);
	free(body);
	return k;
}

/* Shared by status, cancel and the sandbox steps: a payment id in the path. */
static xpay_kind payment_call(xpay_client *c, xpay_call call, http_method method,
							  const char *prefix, const char *payment_id,
							  const char *suffix, const char *idem_key,
							  xpay_payment *out, xpay_result *res)
{
	char path[XPAY_ID_SIZE * 3 + 64];
	result_reset(res);
	memset(out, 0, sizeof *out);
	if (!c)
		return fail(res, XPAY_ERR_CONFIG, "No client");
	if (!payment_id || !id_ok(payment_id, XPAY_ID_SIZE) ||
		!id_path(path, sizeof path, prefix, payment_id, suffix))
		return fail(res, XPAY_ERR_INVALID, "Payment id is missing or malformed");
	return run(c, call, method, path, idem_key, NULL, 0, out, res);
}

xpay_kind xpay_payment_get(xpay_client *c, const char *payment_id, xpay_payment *out,
						   xpay_result *res)
{
	return payment_call(c, XPAY_CALL_STATUS, HTTP_GET, "/payments/", payment_id, "", NULL,
						out, res);
}

/* Cancel carries no body and so no id of its own. It is idempotent by
 * nature (a second cancel answers 422 payment_not_cancellable with the
 * payment, now cancelled), so it sends the payment id as X-Idempotency-Key:
 * the contract wants the header on every POST, and the payment id is the
 * one stable name of this operation. */
xpay_kind xpay_cancel(xpay_client *c, const char *payment_id, xpay_payment *out,
					  xpay_result *res)
{
	return payment_call(c, XPAY_CALL_CANCEL, HTTP_POST, "/payments/", payment_id, "/cancel",
						payment_id, out, res);
}

xpay_kind xpay_sandbox(xpay_client *c, const char *payment_id, xpay_sandbox_step step,
					   xpay_payment *out, xpay_result *res)
{
	static const char *const steps[] = {
		[XPAY_SANDBOX_SCAN] = "/scan",
		[XPAY_SANDBOX_PAY] = "/pay",
		[XPAY_SANDBOX_DECLINE] = "/decline",
		[XPAY_SANDBOX_FAIL] = "/fail",
		[XPAY_SANDBOX_EXPIRE] = "/expire",
	};
	if ((size_t)step >= sizeof steps / sizeof steps[0]) {
		result_reset(res);
		memset(out, 0, sizeof *out);
		return fail(res, XPAY_ERR_INVALID, "Unknown sandbox step");
	}
	/* sandbox steps are test controls, not money operations: no key */
	return payment_call(c, XPAY_CALL_SANDBOX, HTTP_POST, "/sandbox/payments/", payment_id,
						steps[step], NULL, out, res);
}
