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

/* ---- messages -------------------------------------------------------------
 *
 * Every line this client can put before a person, in one place. Net never
 * translates and never builds a sentence: xpay_result.msg carries one of
 * these msgids and its arguments as text (core/msg.h), and the app says it
 * in the cashier's language (app/i18n.h, kp_msg_text). N_() only marks a
 * text for xgettext.
 *
 * Macros rather than an enum of codes and an array of texts (the shape of
 * core/basket.c's basket_status_message): many messages take arguments (a
 * line number, seconds, a field's name), and a macro stays a string
 * literal where it is used, so that the compiler checks each use's
 * arguments against its text (kp_msg_set is printf-checked). The caller
 * acts on res->kind, which is the code; the text only says it. The
 * contract's error codes have their table below (contract_texts), whose
 * texts all take the HTTP status as their one argument. */
#define N_(s) (s)

/* the request breaks a rule of the contract: nothing was sent */
#define M_NO_ORDER N_("No order")
#define M_ORDER_ID N_("Order number must be 3-64 letters or digits without spaces")
#define M_AMOUNT N_("Amount must be 0,01 to 1 000 000 KZT")
#define M_METHOD N_("Payment method must be qr, phone or card")
#define M_PHONE N_("Phone number must be +77 and 9 digits")
#define M_PHONE_NEEDED N_("A phone payment needs the buyer's phone number")
#define M_DESCRIPTION N_("Description must be 1-255 characters of one line")
#define M_RETURN_URL N_("Return URL is not a valid URL")
#define M_CALLBACK_URL N_("Callback URL is not a valid URL")
#define M_NO_PRODUCTS N_("Product list missing")
#define M_LINE_NAME N_("Line %zu: name must be 1-128 characters")
#define M_LINE_QUANTITY N_("Line %zu: quantity must be at least 1")
#define M_LINE_PRICE N_("Line %zu: price out of range")
#define M_LINE_VAT N_("Line %zu: VAT rate must be 0-100%%")
#define M_LINES_OVER N_("Lines add up to more than 1 000 000 KZT")
#define M_LINES_SUM N_("Lines do not add up to the amount")
#define M_TOO_LARGE N_("Request too large (over 64 KiB): fewer lines, please")
#define M_NO_REFUND N_("No refund")
#define M_PAYMENT_ID N_("Payment id is missing or malformed")
#define M_REFUND_AMOUNT N_("Refund amount must be 0,01 to 1 000 000 KZT")
#define M_REASON N_("Refund reason must be 1-255 characters of one line")
#define M_REFUND_ID N_("Refund number must be 3-64 letters or digits without spaces")
#define M_EMPTY_REQUEST N_("Empty request")
#define M_SANDBOX_STEP N_("Unknown sandbox step")
#define M_NOT_FORMED N_("Request could not be formed")
/* the client's settings */
#define M_NO_SETTINGS N_("No client settings")
#define M_NO_CLIENT N_("No client")
#define M_KEY N_("API key has the wrong format: expected xdev_ and 20 letters or digits " \
                 "(check KASPI_XDEV_KEY)")
#define M_MERCHANT N_("Merchant ID must be the 12-digit BIN (check KASPI_MERCHANT_ID)")
#define M_TIMEOUTS N_("Time-outs must be positive")
#define M_BASE_URL N_("Base URL must be https://... (http:// only for a local sandbox); " \
                      "check KASPI_BASE_URL")
#define M_NOMEM N_("Out of memory")
/* the transport */
#define M_CONNECT N_("Cannot reach the payment service: check the network")
#define M_TIMEOUT N_("No answer from the payment service in %ld s: outcome unknown")
#define M_TLS N_("Secure connection failed: check the clock and the CA file")
#define M_NETWORK N_("Connection lost during the request: outcome unknown")
#define M_CUT_SHORT N_("Unreadable answer from the payment service (cut short)")
#define M_OVER_1_MIB N_("Unreadable answer from the payment service (over 1 MiB)")
/* an answer that is not what the contract says (%s: the JSON field's name) */
#define M_NOT_JSON N_("Unreadable answer from the payment service (not a JSON object)")
#define M_FIELD_MISSING N_("Unreadable answer from the payment service (%s missing)")
#define M_FIELD_TYPE N_("Unreadable answer from the payment service (%s of the wrong type)")
#define M_FIELD_VALUE N_("Unreadable answer from the payment service (%s with a bad value)")
/* the server said no, beyond the contract's codes (%s: the HTTP status,
 * and the server's code when it is not one of the contract's) */
#define M_RATE_LIMITED N_("Too many requests (429): wait %ld s")
#define M_NO_CANCEL N_("This server cannot cancel payments: the QR stays valid until it expires")
#define M_KEY_REJECTED N_("API key rejected (%s): check KASPI_XDEV_KEY and KASPI_MERCHANT_ID")
#define M_SERVER_ERROR N_("Payment service error (%s): try again later")
#define M_REDIRECT N_("Unexpected redirect (%s): check KASPI_BASE_URL")
#define M_REFUSED N_("Payment service refused the request (%s)")
/* ... and with the server's own words (made safe) after it */
#define M_REFUSED_SAYING N_("Payment service refused the request (%s): %s")

struct xpay_client {
	http_client *http;      /* owns the connection and the header with the key */
	long timeout_ms;        /* for the time-out message */
};

/* ---- results ----------------------------------------------------------- */

static void result_reset(xpay_result *res)
{
	memset(res, 0, sizeof *res);
}

/* Sets res's kind and its message, one of the texts above with its
 * arguments (checked against the text by the compiler: kp_msg_set);
 * evaluates to the kind. */
#define fail(res, k, ...) (kp_msg_set(&(res)->msg, __VA_ARGS__), (res)->kind = (k))

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
			return fail(res, XPAY_ERR_NOMEM, M_NOMEM);
		return fail(res, XPAY_ERR_INVALID, M_TOO_LARGE);
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
		return fail(res, XPAY_ERR_INVALID, M_ORDER_ID);
	if (o->amount < KP_AMOUNT_MIN || o->amount > KP_AMOUNT_MAX)
		return fail(res, XPAY_ERR_INVALID, M_AMOUNT);
	if (!o->payment_method || !kp_valid_method(o->payment_method))
		return fail(res, XPAY_ERR_INVALID, M_METHOD);
	if (o->payer_phone && !kp_valid_phone(o->payer_phone))
		return fail(res, XPAY_ERR_INVALID, M_PHONE);
	if (!o->payer_phone && strcmp(o->payment_method, "phone") == 0)
		return fail(res, XPAY_ERR_INVALID, M_PHONE_NEEDED);
	if (o->description && !text_ok(o->description, DESCRIPTION_MAX_CHARS))
		return fail(res, XPAY_ERR_INVALID, M_DESCRIPTION);
	if (o->return_url && !url_ok(o->return_url))
		return fail(res, XPAY_ERR_INVALID, M_RETURN_URL);
	if (o->callback_url && !url_ok(o->callback_url))
		return fail(res, XPAY_ERR_INVALID, M_CALLBACK_URL);
	if (o->n_products && !o->products)
		return fail(res, XPAY_ERR_INVALID, M_NO_PRODUCTS);
	int64_t sum = 0;
	for (size_t i = 0; i < o->n_products; i++) {
		const xpay_product *p = &o->products[i];
		if (!p->name || !text_ok(p->name, PRODUCT_NAME_MAX_CHARS))
			return fail(res, XPAY_ERR_INVALID, M_LINE_NAME, i + 1);
		if (p->quantity < 1 || p->quantity > KP_AMOUNT_MAX)
			return fail(res, XPAY_ERR_INVALID, M_LINE_QUANTITY, i + 1);
		if (p->price < 0 || p->price > KP_AMOUNT_MAX)
			return fail(res, XPAY_ERR_INVALID, M_LINE_PRICE, i + 1);
		if (p->tax_rate < 0 || p->tax_rate > 100)
			return fail(res, XPAY_ERR_INVALID, M_LINE_VAT, i + 1);
		/* both factors ≤ 1e8, so the product fits; stop once past amount */
		sum += p->price * p->quantity;
		if (sum > KP_AMOUNT_MAX)
			return fail(res, XPAY_ERR_INVALID, M_LINES_OVER);
	}
	if (o->n_products && sum != o->amount)
		return fail(res, XPAY_ERR_INVALID, M_LINES_SUM);
	return XPAY_OK;
}

xpay_kind xpay_create_body(const xpay_order *o, char **body, size_t *len, xpay_result *res)
{
	*body = NULL;
	*len = 0;
	res->kind = XPAY_OK;
	if (!o)
		return fail(res, XPAY_ERR_INVALID, M_NO_ORDER);
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
		return fail(res, XPAY_ERR_INVALID, M_NO_REFUND);
	if (!r->payment_id || !id_ok(r->payment_id, XPAY_ID_SIZE))
		return fail(res, XPAY_ERR_INVALID, M_PAYMENT_ID);
	if (r->amount < KP_AMOUNT_MIN || r->amount > KP_AMOUNT_MAX)
		return fail(res, XPAY_ERR_INVALID, M_REFUND_AMOUNT);
	if (!r->reason || !text_ok(r->reason, REASON_MAX_CHARS))
		return fail(res, XPAY_ERR_INVALID, M_REASON);
	if (r->merchant_refund_id && !kp_valid_order_id(r->merchant_refund_id))
		return fail(res, XPAY_ERR_INVALID, M_REFUND_ID);

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

/* What is wrong with an answer's body. */
enum bad_why {
	BAD_NOT_JSON,       /* empty, not JSON, not an object, text after it */
	BAD_MISSING,        /* a required field is absent */
	BAD_TYPE,           /* a field of the wrong JSON type */
	BAD_VALUE,          /* too long, out of range, not an integer, a bad id or time */
};

/* An unreadable answer: XPAY_ERR_BAD_BODY, the message naming field. */
static xpay_kind bad_body(xpay_result *res, enum bad_why why, const char *field)
{
	switch (why) {
	case BAD_MISSING:
		return fail(res, XPAY_ERR_BAD_BODY, M_FIELD_MISSING, field);
	case BAD_TYPE:
		return fail(res, XPAY_ERR_BAD_BODY, M_FIELD_TYPE, field);
	case BAD_VALUE:
		return fail(res, XPAY_ERR_BAD_BODY, M_FIELD_VALUE, field);
	case BAD_NOT_JSON:
		break;
	}
	return fail(res, XPAY_ERR_BAD_BODY, M_NOT_JSON);
}

/* Parses exactly one JSON object filling body[0..len) (white space around
 * it allowed). NULL and res filled otherwise. */
static cJSON *parse_object(const char *body, size_t len, xpay_result *res)
{
	if (!body || len == 0) {
		bad_body(res, BAD_NOT_JSON, NULL);
		return NULL;
	}
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (!root) {
		bad_body(res, BAD_NOT_JSON, NULL);
		return NULL;
	}
	size_t used = end ? (size_t)(end - body) : len;
	for (size_t i = used; i < len; i++) {
		char ch = body[i];
		if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') {
			cJSON_Delete(root);
			bad_body(res, BAD_NOT_JSON, NULL);
			return NULL;
		}
	}
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		bad_body(res, BAD_NOT_JSON, NULL);
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
			bad_body(res, BAD_MISSING, name);
		return !required;
	}
	if (!cJSON_IsString(m) || !m->valuestring) {
		bad_body(res, BAD_TYPE, name);
		return false;
	}
	if (strlen(m->valuestring) >= size) {
		bad_body(res, BAD_VALUE, name);
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
		bad_body(res, BAD_VALUE, name);
		return false;
	}
	if (required && !dst[0]) {
		bad_body(res, BAD_VALUE, name);
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
		bad_body(res, BAD_MISSING, name);
		return false;
	}
	if (!cJSON_IsNumber(m)) {
		bad_body(res, BAD_TYPE, name);
		return false;
	}
	double d = m->valuedouble;
	if (!(d >= (double)-JSON_INT_MAX && d <= (double)JSON_INT_MAX)) {
		bad_body(res, BAD_VALUE, name);
		return false;
	}
	int64_t v = (int64_t)d;
	if ((double)v != d) {
		bad_body(res, BAD_VALUE, name);
		return false;
	}
	if (v < min || v > max) {
		bad_body(res, BAD_VALUE, name);
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
			bad_body(res, BAD_MISSING, name);
		return !required;
	}
	if (!cJSON_IsString(m) || !m->valuestring) {
		bad_body(res, BAD_TYPE, name);
		return false;
	}
	if (!kp_time_parse(m->valuestring, out)) {
		*out = 0;
		bad_body(res, BAD_VALUE, name);
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
		bad_body(res, BAD_TYPE, "events");
		return false;
	}
	const cJSON *ev;
	cJSON_ArrayForEach(ev, arr) {
		if (!cJSON_IsObject(ev)) {
			bad_body(res, BAD_TYPE, "events[]");
			return false;
		}
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(ev, "type");
		if (!cJSON_IsString(t) || !t->valuestring) {
			bad_body(res, BAD_TYPE, "events[].type");
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
		bad_body(res, BAD_VALUE, "qr_token");
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

/* What the cashier reads for each error code of the contract (API.md's
 * table): our own words, in the cashier's language, never the server's;
 * %s is the HTTP status. Only the two codes that name no field of their
 * own (invalid_request, invalid_field: "which one?") take the server's
 * words (made safe) as a detail, with `saying`. A code not in the table
 * shows the server's words after M_REFUSED_SAYING. */
static const struct {
	const char *code;
	const char *text;       /* N_(): one %s, the status */
	const char *saying;     /* N_(): %s the status, %s the server's words; NULL: never */
} contract_texts[] = {
	{ "malformed_json", N_("Server could not read the request (%s)"), NULL },
	{ "invalid_request", N_("Server rejected the request (%s)"),
	  N_("Server rejected the request (%s): %s") },
	{ "unauthorized", M_KEY_REJECTED, NULL },
	{ "daily_limit_exceeded", N_("Daily payment limit reached (%s): no more payments today"), NULL },
	{ "payment_not_found", N_("Payment not found (%s): check the payment id"), NULL },
	{ "invalid_merchant_order_id", N_("Order number rejected (%s)"), NULL },
	{ "duplicate_merchant_order_id",
	  N_("Order number already used for another order (%s): start a new order"), NULL },
	{ "amount_out_of_range", N_("Amount out of range (%s): 0,01 to 1 000 000 KZT"), NULL },
	{ "amount_mismatch", N_("Amount does not match the lines (%s)"), NULL },
	{ "invalid_payment_method", N_("Payment method not accepted (%s)"), NULL },
	{ "invalid_payer_phone", N_("Phone number rejected (%s): +77 and 9 digits"), NULL },
	{ "refund_exceeds_available", N_("Refund is more than is left of the payment (%s)"), NULL },
	{ "refund_window_closed", N_("Refund window closed (%s): over 90 days since payment"), NULL },
	{ "payment_not_refundable", N_("Payment cannot be refunded (%s): it has not succeeded"), NULL },
	{ "payment_not_cancellable", N_("Payment can no longer be cancelled (%s)"), NULL },
	{ "payment_not_pending", N_("Payment is no longer pending (%s)"), NULL },
	{ "invalid_merchant_refund_id", N_("Refund number rejected (%s)"), NULL },
	{ "duplicate_merchant_refund_id",
	  N_("Refund number already used for another refund (%s)"), NULL },
	{ "idempotency_key_mismatch", N_("Idempotency key does not match the request (%s)"), NULL },
	{ "invalid_field", N_("A field was rejected (%s)"), N_("A field was rejected (%s): %s") },
	{ "not_found", N_("Server does not know this call (%s): check KASPI_BASE_URL"), NULL },
	{ "method_not_allowed", N_("Server does not allow this call (%s): check KASPI_BASE_URL"), NULL },
	{ "payload_too_large", N_("Request too large (%s)"), NULL },
	{ "rate_limited", N_("Too many requests (%s)"), NULL },
};

/* Sets m to a text of contract_texts with its arguments: the status, and
 * the server's words when words is not NULL. The texts are not literals
 * where they are used, so the arguments go in as the text they already
 * are (core/msg.h: any conversion takes its argument as text). */
static void contract_msg(struct kp_msg *m, const char *text, const char *status, const char *words)
{
	kp_msg_clear(m);
	m->id = text;
	snprintf(m->arg[m->n++], sizeof m->arg[0], "%s", status);
	if (words)
		snprintf(m->arg[m->n++], sizeof m->arg[0], "%s", words);
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
			kp_text_safe(server_msg, sizeof server_msg, m->valuestring); /* cut whole */
	}

	if (status == 429) {
		res->kind = XPAY_ERR_RATE_LIMITED;
		res->retry_after_s = retry_after_s > 0 ? retry_after_s : RETRY_AFTER_DEFAULT;
		fail(res, XPAY_ERR_RATE_LIMITED, M_RATE_LIMITED, res->retry_after_s);
		goto out;
	}
	if (call == XPAY_CALL_CANCEL &&
		((status == 404 && strcmp(res->code, "payment_not_found") != 0) || status == 405)) {
		fail(res, XPAY_UNSUPPORTED, M_NO_CANCEL);
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

	/* the status, and the server's code when it is not the contract's */
	char shown[XPAY_CODE_SIZE + 24];
	for (size_t i = 0; i < sizeof contract_texts / sizeof contract_texts[0]; i++)
		if (strcmp(res->code, contract_texts[i].code) == 0) {
			snprintf(shown, sizeof shown, "%ld", status);
			bool say = contract_texts[i].saying && server_msg[0];
			contract_msg(&res->msg, say ? contract_texts[i].saying : contract_texts[i].text,
						 shown, say ? server_msg : NULL);
			goto out;
		}
	snprintf(shown, sizeof shown, "%ld%s%s", status, res->code[0] ? " " : "", res->code);
	if (status == 401)
		kp_msg_set(&res->msg, M_KEY_REJECTED, shown);
	else if (status >= 500)
		kp_msg_set(&res->msg, M_SERVER_ERROR, shown);
	else if (status >= 300 && status < 400)
		kp_msg_set(&res->msg, M_REDIRECT, shown);
	else if (server_msg[0])
		kp_msg_set(&res->msg, M_REFUSED_SAYING, shown, server_msg);
	else
		kp_msg_set(&res->msg, M_REFUSED, shown);
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
		fail(res, XPAY_ERR_CONFIG, M_NO_SETTINGS);
		return NULL;
	}
	if (!opt->key || !kp_valid_key(opt->key)) {
		fail(res, XPAY_ERR_CONFIG, M_KEY);
		return NULL;
	}
	if (!opt->merchant_id || !kp_valid_bin(opt->merchant_id)) {
		fail(res, XPAY_ERR_CONFIG, M_MERCHANT);
		return NULL;
	}
	long cto = opt->connect_timeout_ms ? opt->connect_timeout_ms : XPAY_CONNECT_TIMEOUT_MS;
	long to = opt->timeout_ms ? opt->timeout_ms : XPAY_TIMEOUT_MS;
	if (cto < 0 || to < 0) {
		fail(res, XPAY_ERR_CONFIG, M_TIMEOUTS);
		return NULL;
	}
	xpay_client *c = calloc(1, sizeof *c);
	if (!c) {
		fail(res, XPAY_ERR_NOMEM, M_NOMEM);
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
			fail(res, XPAY_ERR_NOMEM, M_NOMEM);
		else
			fail(res, XPAY_ERR_CONFIG, M_BASE_URL);
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
		return fail(res, XPAY_ERR_CONNECT, M_CONNECT);
	case HTTP_E_TIMEOUT:
		res->outcome_unknown = true;
		return fail(res, XPAY_ERR_TIMEOUT, M_TIMEOUT, (c->timeout_ms + 999) / 1000);
	case HTTP_E_TLS:
		return fail(res, XPAY_ERR_TLS, M_TLS);
	case HTTP_E_NETWORK:
		res->outcome_unknown = true;
		return fail(res, XPAY_ERR_NETWORK, M_NETWORK);
	case HTTP_E_BAD_REPLY:
	case HTTP_E_TOO_LARGE:
		if (r.status >= 300) {     /* the status line is enough to go on */
			xpay_map_error(call, r.status, NULL, 0, r.retry_after_s,
						   call == XPAY_CALL_CANCEL ? out : NULL, res);
			return res->kind;
		}
		res->outcome_unknown = true;
		if (e == HTTP_E_TOO_LARGE)
			return fail(res, XPAY_ERR_BAD_BODY, M_OVER_1_MIB);
		return fail(res, XPAY_ERR_BAD_BODY, M_CUT_SHORT);
	case HTTP_E_NOMEM:
		return fail(res, XPAY_ERR_NOMEM, M_NOMEM);
	case HTTP_E_USAGE:
		return fail(res, XPAY_ERR_INVALID, M_NOT_FORMED);
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
		return fail(res, XPAY_ERR_CONFIG, M_NO_CLIENT);
	return run(c, XPAY_CALL_HEALTH, HTTP_GET, "/health", NULL, NULL, 0, out, res);
}

xpay_kind xpay_create_send(xpay_client *c, const char *body, size_t len,
						   xpay_created *out, xpay_result *res)
{
	char key[XPAY_ORDER_ID_SIZE];
	result_reset(res);
	memset(out, 0, sizeof *out);
	if (!c)
		return fail(res, XPAY_ERR_CONFIG, M_NO_CLIENT);
	if (!body || !len)
		return fail(res, XPAY_ERR_INVALID, M_EMPTY_REQUEST);
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
		return fail(res, XPAY_ERR_CONFIG, M_NO_CLIENT);
	if (!body || !len)
		return fail(res, XPAY_ERR_INVALID, M_EMPTY_REQUEST);
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
		return fail(res, XPAY_ERR_CONFIG, M_NO_CLIENT);
	if (!payment_id || !id_ok(payment_id, XPAY_ID_SIZE) ||
		!id_path(path, sizeof path, prefix, payment_id, suffix))
		return fail(res, XPAY_ERR_INVALID, M_PAYMENT_ID);
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
		return fail(res, XPAY_ERR_INVALID, M_SANDBOX_STEP);
	}
	/* sandbox steps are test controls, not money operations: no key */
	return payment_call(c, XPAY_CALL_SANDBOX, HTTP_POST, "/sandbox/payments/", payment_id,
						steps[step], NULL, out, res);
}
