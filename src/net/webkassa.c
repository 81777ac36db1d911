/* webkassa.c — the fiscal cash register's client; see webkassa.h and
 * FISCAL.md.
 *
 * Four parts: money and quantities as exact decimal text (both ways),
 * request bodies built and checked against the contract before anything
 * leaves (cJSON, every number a raw literal written here), strict parsing
 * of the answers (cJSON, with each number's literal kept by net/jsonnum.h
 * so that money is read from its digits), and the calls themselves on
 * net/http.c: the token, the one repeat after error 2, and the mapping of
 * every transport, HTTP and contract outcome to a wk_result. The first
 * three are pure and tested without a network.
 *
 * Secrets: the API key lives only in the http client's header copy (wiped
 * by http_client_free) and is its masked secret in the trace; the login,
 * the password and the token live here and are wiped on free; every body
 * that held one is wiped after it was sent, and so is the answer that
 * brought the token. Bodies never reach the trace (http.c writes their
 * sizes only). */
#include "net/webkassa.h"

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "core/text.h"
#include "core/timeutil.h"
#include "core/validate.h"
#include "core/vat.h"
#include "net/http.h"
#include "net/jsonnum.h"

#ifndef KP_VERSION
#define KP_VERSION "0.0.0"
#endif

#define WK_MONEY_MAX INT64_C(100000000000000)  /* tiyn in one field: 10^12 tenge */
#define WK_COUNT_MAX INT64_C(1000000000)       /* thousandths: a million units */
#define WK_RATE_MAX 99                         /* TaxPercent the register takes */
#define WK_NAME_MAX_CHARS 128                  /* PositionName */
#define WK_CODE_MAX_CHARS 64                   /* PositionCode, ExternalOrderNumber */
#define WK_GTIN_MAX_DIGITS 14
#define WK_PAYMENTS_MAX 3                      /* one per PaymentType */
#define WK_KEY_MAX 256                         /* x-api-key, bytes */
#define WK_LOGIN_MAX 256                       /* login and password, bytes */
#define WK_CASHBOX_MAX 64                      /* CashboxUniqueNumber, bytes */
#define WK_TOKEN_SIZE 129                      /* a token of up to 128 bytes */
/* what the register takes (64 KiB) less room for Token and the cashbox */
#define WK_BODY_MAX ((size_t)64 * 1024 - 256)
#define WK_NUM_TEXT 32                         /* any int64_t as decimal text */

/* ---- messages -------------------------------------------------------------
 *
 * Every line this client can put before a person, in one place (as
 * xpay.c's): net never translates; wk_result.msg carries one of these
 * msgids and its arguments as text (core/msg.h), and the app says it in
 * the cashier's language. N_() only marks a text for xgettext. The
 * register's error codes have their own table below (code_texts). */
#define N_(s) (s)

/* the request breaks a rule of FISCAL.md: nothing was sent */
#define M_NO_RECEIPT N_("No receipt to register")
#define M_OPERATION N_("A receipt is a sale or a return")
#define M_ECN N_("Receipt id must be 1-47 printable characters without spaces")
#define M_ORDER_NUMBER N_("Order number must be 1-64 characters of one line")
#define M_N_LINES N_("A receipt has 1 to 200 lines")
#define M_LINE_NAME N_("Line %zu: name must be 1-128 characters of one line")
#define M_LINE_CODE N_("Line %zu: code must be 1-64 characters of one line")
#define M_LINE_GTIN N_("Line %zu: barcode must be 1-14 digits")
#define M_LINE_COUNT N_("Line %zu: quantity must be 0,001 to 1 000 000")
#define M_LINE_PRICE N_("Line %zu: price out of range")
#define M_LINE_DISCOUNT N_("Line %zu: discount must be 0 up to the line's cost")
#define M_LINE_VAT N_("Line %zu: VAT rate must be 0-99%%")
#define M_LINE_NO_VAT N_("Line %zu: a line without VAT has rate 0")
#define M_LINE_UNIT N_("Line %zu: unknown unit")
#define M_N_PAYMENTS N_("A receipt has at most 3 payments, one of each type")
#define M_PAY_TYPE N_("Payment %zu: type must be cash, card or mobile")
#define M_PAY_TWICE N_("Payment %zu: each type may come once")
#define M_PAY_SUM N_("Payment %zu: sum out of range")
#define M_CHANGE N_("Change must be 0 up to the cash paid")
#define M_PAID N_("Payments less change must equal the receipt's total")
#define M_TOTAL N_("Receipt total out of range")
#define M_BASIS_NEEDED N_("A return needs the receipt of its sale")
#define M_BASIS_SALE N_("A sale has no receipt to return against")
#define M_BASIS N_("The sale's receipt is incomplete: fiscal sign, registration number, "   \
                   "time and total")
#define M_RETURN_OVER N_("The return is more than the sale's total")
#define M_TOO_LARGE N_("Receipt too large for the fiscal register (over 64 KiB): fewer lines, " \
                       "please")
#define M_MONEY_OP N_("A cash operation is cash in or cash out")
#define M_MONEY_SUM N_("Cash sum must be 0,01 KZT or more")
#define M_PAPER N_("Receipt paper must be 80 or 58 mm")
#define M_ADVANCE N_("The sandbox clock only moves forward")
#define M_EMPTY_REQUEST N_("Empty request")
#define M_STORED_BODY N_("The stored request is not a fiscal request body")
#define M_NOT_FORMED N_("Request could not be formed")
/* the client's settings */
#define M_NO_SETTINGS N_("No fiscal register settings")
#define M_NO_CLIENT N_("No fiscal register client")
#define M_BASE_URL N_("Webkassa address must be https://... (http:// only for a local sandbox)")
#define M_API_KEY N_("Webkassa API key must be 1-256 printable characters without spaces")
#define M_LOGIN N_("Webkassa login must be 1-256 bytes of one line")
#define M_PASSWORD N_("Webkassa password must be 1-256 bytes of one line")
#define M_CASHBOX N_("Cash register number must be 1-64 printable characters without spaces " \
                     "or quotes")
#define M_TIMEOUTS N_("Time-outs must be positive")
#define M_NOMEM N_("Out of memory")
/* the transport */
#define M_CONNECT N_("Cannot reach the fiscal register: check the network")
#define M_TIMEOUT N_("No answer from the fiscal register in %ld s: it will be sent again")
#define M_TLS N_("Secure connection to the fiscal register failed: check the clock and the " \
                 "CA file")
#define M_NETWORK N_("Connection to the fiscal register lost during the request: it will be "  \
                     "sent again")
#define M_CUT_SHORT N_("Unreadable answer from the fiscal register (cut short)")
#define M_OVER_1_MIB N_("Unreadable answer from the fiscal register (over 1 MiB)")
/* an answer that is not what the contract says (%s: the JSON field) */
#define M_NOT_JSON N_("Unreadable answer from the fiscal register (not a JSON object)")
#define M_FIELD_MISSING N_("Unreadable answer from the fiscal register (%s missing)")
#define M_FIELD_TYPE N_("Unreadable answer from the fiscal register (%s of the wrong type)")
#define M_FIELD_VALUE N_("Unreadable answer from the fiscal register (%s with a bad value)")
/* HTTP statuses beyond the contract's 200 and 401 */
#define M_SERVER_ERROR N_("Fiscal register error (HTTP %ld): it will be sent again")
#define M_HTTP_STATUS N_("Unexpected answer from the fiscal register (HTTP %ld): check the " \
                         "Webkassa address")
/* refusals: the codes of FISCAL.md's table are code_texts below */
#define M_INVALID_SAYING N_("Fiscal register rejected the data (error 9): %s")
#define M_REFUSED N_("Fiscal register refused (error %d)")
#define M_REFUSED_SAYING N_("Fiscal register refused (error %d): %s")

/* What the cashier reads for each error code of FISCAL.md's table: our
 * own words, never the server's (9 adds the server's, which name the
 * field: M_INVALID_SAYING). No arguments. */
static const struct {
	int code;
	const char *text;
} code_texts[] = {
	{ WK_CODE_CREDENTIALS,
	  N_("Fiscal register: wrong login or password (error 1): check the Webkassa settings; "
	     "receipts wait") },
	{ WK_CODE_TOKEN_EXPIRED,
	  N_("Fiscal register: the session expired again right after signing in (error 2): "
	     "it will be sent again") },
	{ WK_CODE_UNAUTHORIZED,
	  N_("Fiscal register: access denied (error 3): check the Webkassa API key; receipts wait") },
	{ WK_CODE_CASHBOX_UNKNOWN,
	  N_("Fiscal register: unknown cash register (error 6): check its number in the settings; "
	     "receipts wait") },
	{ WK_CODE_CASHBOX_BLOCKED,
	  N_("Fiscal register: the cash register is blocked (error 7): call Webkassa; receipts wait") },
	{ WK_CODE_NO_CASH,
	  N_("Fiscal register: not that much cash in the register (error 8)") },
	{ WK_CODE_VALIDATION,
	  N_("Fiscal register rejected the data (error 9): the receipt waits") },
	{ WK_CODE_SHIFT_24H,
	  N_("Fiscal register: the shift has been open over 24 hours (error 11): close it with a "
	     "Z report") },
	{ WK_CODE_SHIFT_CLOSED,
	  N_("Fiscal register: no shift is open (error 12): nothing to close") },
	{ WK_CODE_DUPLICATE,
	  N_("Fiscal register: this receipt is registered already (error 14): fetching it") },
	{ WK_CODE_OFFLINE_72H,
	  N_("Fiscal register: offline for over 72 hours (error 18): sales wait until it is "
	     "back online") },
	{ WK_CODE_NO_SUCH_CHECK,
	  N_("Fiscal register: no such receipt (error 19): it will be sent again") },
};

struct wk_client {
	http_client *http;              /* the connection; holds the x-api-key header */
	char *login;                    /* secret, wiped on free */
	char *password;                 /* secret, wiped on free */
	char *cashbox;                  /* CashboxUniqueNumber */
	char token[WK_TOKEN_SIZE];      /* secret; "" when none */
	long timeout_ms;                /* for the time-out message */
	FILE *debug;                    /* the trace, or NULL */
};

/* The kinds of answer a call parses. */
enum wk_call {
	CALL_AUTHORIZE,
	CALL_CHECK,
	CALL_PRINT,
	CALL_FETCH,
	CALL_MONEY,
	CALL_REPORT,
	CALL_CONTROL,
};

/* ---- results ----------------------------------------------------------- */

static void result_reset(wk_result *res)
{
	memset(res, 0, sizeof *res);
}

/* Sets res's kind and message (a literal of the list above with its
 * arguments, checked by the compiler: kp_msg_set); evaluates to the kind. */
#define fail(res, k, ...) (kp_msg_set(&(res)->msg, __VA_ARGS__), (res)->kind = (k))

const char *wk_kind_name(wk_kind k)
{
	switch (k) {
	case WK_OK: return "ok";
	case WK_ERR_CONFIG: return "config";
	case WK_ERR_INVALID: return "invalid";
	case WK_ERR_CONNECT: return "connect";
	case WK_ERR_TIMEOUT: return "timeout";
	case WK_ERR_TLS: return "tls";
	case WK_ERR_NETWORK: return "network";
	case WK_ERR_HTTP: return "http";
	case WK_ERR_REFUSED: return "refused";
	case WK_ERR_BAD_BODY: return "bad-body";
	case WK_ERR_NOMEM: return "nomem";
	}
	return "?";
}

bool wk_result_retryable(const wk_result *r)
{
	switch (r->kind) {
	case WK_ERR_TIMEOUT:
	case WK_ERR_NETWORK:
	case WK_ERR_CONNECT:
	case WK_ERR_BAD_BODY:
		return true;
	case WK_ERR_HTTP:
		return r->http_status >= 500;
	default:
		return false;
	}
}

bool wk_result_blocked(const wk_result *r)
{
	return r->kind == WK_ERR_REFUSED &&
	       (r->code == WK_CODE_CREDENTIALS || r->code == WK_CODE_UNAUTHORIZED ||
	        r->code == WK_CODE_CASHBOX_UNKNOWN || r->code == WK_CODE_CASHBOX_BLOCKED);
}

/* The cashier's line of a refusal with res->code and res->text set. */
static void refusal_msg(wk_result *res)
{
	if (res->code == WK_CODE_VALIDATION && res->text[0]) {
		kp_msg_set(&res->msg, M_INVALID_SAYING, res->text);
		return;
	}
	for (size_t i = 0; i < sizeof code_texts / sizeof code_texts[0]; i++)
		if (code_texts[i].code == res->code) {
			kp_msg_clear(&res->msg);
			res->msg.id = code_texts[i].text;
			return;
		}
	if (res->text[0])
		kp_msg_set(&res->msg, M_REFUSED_SAYING, res->code, res->text);
	else
		kp_msg_set(&res->msg, M_REFUSED, res->code);
}

/* ---- money and quantities as text -------------------------------------- */

/* value / 10^decimals (decimals 2 or 3) as the shortest decimal: no
 * trailing zeros, no point for a whole number, '-' first. */
static size_t scaled_text(int64_t value, int decimals, char *buf, size_t size)
{
	uint64_t unit = decimals == 3 ? 1000 : 100;
	uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
	uint64_t whole = mag / unit, frac = mag % unit;
	const char *sign = value < 0 ? "-" : "";
	int width = decimals, n;

	if (frac == 0) {
		n = snprintf(buf, size, "%s%" PRIu64, sign, whole);
	} else {
		while (frac % 10 == 0) {
			frac /= 10;
			width--;
		}
		n = snprintf(buf, size, "%s%" PRIu64 ".%0*" PRIu64, sign, whole, width, frac);
	}
	return n < 0 ? 0 : (size_t)n;
}

size_t wk_money_text(int64_t tiyn, char *buf, size_t size)
{
	return scaled_text(tiyn, 2, buf, size);
}

size_t wk_count_text(int64_t thousandths, char *buf, size_t size)
{
	return scaled_text(thousandths, 3, buf, size);
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* A JSON number without an exponent, -?(0|[1-9][0-9]*)(.[0-9]+)?, as
 * value × 10^decimals exactly: false when it has more decimals than that
 * (trailing zeros aside: "1.500" is 1.5), another form, or does not fit. */
static KP_MUST_CHECK bool scaled_read(const char *s, size_t n, int decimals, int64_t *out)
{
	size_t i = 0;
	bool negative = false;

	if (!s || n == 0)
		return false;
	if (s[0] == '-') {
		negative = true;
		i++;
	}
	size_t int_at = i;
	while (i < n && is_digit(s[i]))
		i++;
	size_t int_len = i - int_at;
	if (int_len == 0 || (int_len > 1 && s[int_at] == '0'))
		return false;
	size_t frac_at = i, frac_len = 0;
	if (i < n && s[i] == '.') {
		frac_at = ++i;
		while (i < n && is_digit(s[i]))
			i++;
		frac_len = i - frac_at;
		if (frac_len == 0)
			return false;
	}
	if (i != n)
		return false;               /* an exponent, or anything else */
	while (frac_len > (size_t)decimals && s[frac_at + frac_len - 1] == '0')
		frac_len--;
	if (frac_len > (size_t)decimals)
		return false;

	int64_t v = 0;
	for (size_t k = 0; k < int_len + (size_t)decimals; k++) {
		int d = 0;
		if (k < int_len)
			d = s[int_at + k] - '0';
		else if (k - int_len < frac_len)
			d = s[frac_at + k - int_len] - '0';
		if (v > (INT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = negative ? -v : v;
	return true;
}

bool wk_money_read(const char *text, size_t len, int64_t *tiyn)
{
	return scaled_read(text, len, 2, tiyn);
}

/* ---- a line's cost and VAT ---------------------------------------------- */

int64_t wk_position_cost(const wk_position *p)
{
	if (!p || p->count < 0 || p->price < 0)
		return INT64_MIN;
	/* round half up (count × price / 1000), without the product:
	 * price × whole units, plus the rounded part of the last unit */
	int64_t whole = p->count / 1000, part = p->count % 1000, gross, rest;
	if (__builtin_mul_overflow(p->price, whole, &gross) ||
	    __builtin_mul_overflow(p->price, part, &rest))
		return INT64_MIN;
	rest = rest / 1000 + (rest % 1000 >= 500);
	if (__builtin_add_overflow(gross, rest, &gross) ||
	    __builtin_sub_overflow(gross, p->discount, &gross))
		return INT64_MIN;
	return gross;
}

int64_t wk_position_tax(const wk_position *p)
{
	int64_t cost = wk_position_cost(p), vat = 0;
	if (!p->vat || cost <= 0 || !vat_included(cost, p->tax_percent, &vat))
		return 0;
	return vat;
}

/* ---- checks of a request ------------------------------------------------ */

/* 1…max_chars characters of valid UTF-8 without a control character. */
static KP_MUST_CHECK bool text_ok(const char *s, long max_chars)
{
	if (!s || !kp_text_is_safe(s))
		return false;
	long n = kp_utf8_length(s);
	return n >= 1 && n <= max_chars;
}

/* 1…max bytes of printable ASCII without space, '"' or '\\' (it goes
 * into a JSON string and a header as it is). */
static KP_MUST_CHECK bool id_ok(const char *s, size_t max)
{
	size_t n = 0;
	if (!s)
		return false;
	for (; s[n]; n++) {
		unsigned char ch = (unsigned char)s[n];
		if (ch < 0x21 || ch > 0x7e || ch == '"' || ch == '\\' || n >= max)
			return false;
	}
	return n >= 1;
}

/* An id in a fixed array of size bytes: terminated inside it, and id_ok. */
static bool array_id_ok(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL && id_ok(s, size - 1);
}

static bool digits_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n >= 1 && n <= max && strspn(s, "0123456789") == n;
}

static bool unit_ok(int u)
{
	return u == WK_UNIT_PIECE || u == WK_UNIT_KG || u == WK_UNIT_LITRE || u == WK_UNIT_METRE;
}

/* One line against FISCAL.md; its cost in *cost. */
static KP_MUST_CHECK wk_kind line_check(const wk_position *p, size_t no, int64_t *cost, wk_result *res)
{
	if (!text_ok(p->name, WK_NAME_MAX_CHARS))
		return fail(res, WK_ERR_INVALID, M_LINE_NAME, no);
	if (p->code && p->code[0] && !text_ok(p->code, WK_CODE_MAX_CHARS))
		return fail(res, WK_ERR_INVALID, M_LINE_CODE, no);
	if (p->gtin && p->gtin[0] && !digits_ok(p->gtin, WK_GTIN_MAX_DIGITS))
		return fail(res, WK_ERR_INVALID, M_LINE_GTIN, no);
	if (p->count < 1 || p->count > WK_COUNT_MAX)
		return fail(res, WK_ERR_INVALID, M_LINE_COUNT, no);
	if (p->price < 0 || p->price > WK_MONEY_MAX)
		return fail(res, WK_ERR_INVALID, M_LINE_PRICE, no);
	if (p->tax_percent < 0 || p->tax_percent > WK_RATE_MAX)
		return fail(res, WK_ERR_INVALID, M_LINE_VAT, no);
	if (!p->vat && p->tax_percent != 0)
		return fail(res, WK_ERR_INVALID, M_LINE_NO_VAT, no);
	if (!unit_ok(p->unit_code))
		return fail(res, WK_ERR_INVALID, M_LINE_UNIT, no);
	wk_position gross = *p;
	gross.discount = 0;
	int64_t g = wk_position_cost(&gross);
	if (g < 0 || g > WK_MONEY_MAX)
		return fail(res, WK_ERR_INVALID, M_LINE_PRICE, no);
	if (p->discount < 0 || p->discount > g)
		return fail(res, WK_ERR_INVALID, M_LINE_DISCOUNT, no);
	*cost = g - p->discount;
	return WK_OK;
}

static bool pay_type_ok(int t)
{
	return t == WK_PAY_CASH || t == WK_PAY_CARD || t == WK_PAY_MOBILE;
}

/* The payments: each type once, sums in range; the cash in *cash and
 * the sum in *paid. */
static KP_MUST_CHECK wk_kind payments_check(const wk_check_req *r, int64_t *cash, int64_t *paid,
                              wk_result *res)
{
	*cash = *paid = 0;
	if (r->n_payments > WK_PAYMENTS_MAX || (r->n_payments && !r->payments))
		return fail(res, WK_ERR_INVALID, M_N_PAYMENTS);
	for (size_t i = 0; i < r->n_payments; i++) {
		const wk_payment *p = &r->payments[i];
		if (!pay_type_ok((int)p->type))
			return fail(res, WK_ERR_INVALID, M_PAY_TYPE, i + 1);
		for (size_t k = 0; k < i; k++)
			if (r->payments[k].type == p->type)
				return fail(res, WK_ERR_INVALID, M_PAY_TWICE, i + 1);
		if (p->sum < 1 || p->sum > WK_MONEY_MAX)
			return fail(res, WK_ERR_INVALID, M_PAY_SUM, i + 1);
		*paid += p->sum;            /* at most 3 × WK_MONEY_MAX */
		if (p->type == WK_PAY_CASH)
			*cash = p->sum;
	}
	return WK_OK;
}

/* The return's basis, given its total. */
static KP_MUST_CHECK wk_kind basis_check(const wk_check_req *r, int64_t total, wk_result *res)
{
	const wk_return_basis *b = r->basis;
	if (r->operation == WK_OP_SALE)
		return b ? fail(res, WK_ERR_INVALID, M_BASIS_SALE) : WK_OK;
	if (!b)
		return fail(res, WK_ERR_INVALID, M_BASIS_NEEDED);
	if (!array_id_ok(b->check_number, sizeof b->check_number) ||
	    !array_id_ok(b->registration_number, sizeof b->registration_number) ||
	    b->date_time <= 0 || b->total < 1 || b->total > WK_MONEY_MAX)
		return fail(res, WK_ERR_INVALID, M_BASIS);
	if (total > b->total)
		return fail(res, WK_ERR_INVALID, M_RETURN_OVER);
	return WK_OK;
}

/* The whole request against FISCAL.md; the receipt's total in *total. */
static KP_MUST_CHECK wk_kind request_check(const wk_check_req *r, int64_t *total, wk_result *res)
{
	int64_t cash, paid, cost;

	*total = 0;
	if (r->operation != WK_OP_SALE && r->operation != WK_OP_RETURN)
		return fail(res, WK_ERR_INVALID, M_OPERATION);
	if (!id_ok(r->external_check_number, WK_EXT_SIZE - 1))
		return fail(res, WK_ERR_INVALID, M_ECN);
	if (r->external_order_number &&
	    (!text_ok(r->external_order_number, WK_CODE_MAX_CHARS) ||
	     strlen(r->external_order_number) >= WK_ORDER_SIZE))
		return fail(res, WK_ERR_INVALID, M_ORDER_NUMBER);
	if (r->n_positions < 1 || r->n_positions > WK_POSITIONS_MAX || !r->positions)
		return fail(res, WK_ERR_INVALID, M_N_LINES);
	for (size_t i = 0; i < r->n_positions; i++) {
		if (line_check(&r->positions[i], i + 1, &cost, res) != WK_OK)
			return res->kind;
		*total += cost;             /* at most 200 × WK_MONEY_MAX */
	}
	if (*total > WK_MONEY_MAX)
		return fail(res, WK_ERR_INVALID, M_TOTAL);
	if (payments_check(r, &cash, &paid, res) != WK_OK)
		return res->kind;
	if (r->change < 0 || r->change > cash)
		return fail(res, WK_ERR_INVALID, M_CHANGE);
	if (paid - r->change != *total)
		return fail(res, WK_ERR_INVALID, M_PAID);
	return basis_check(r, *total, res);
}

/* ---- request bodies ------------------------------------------------------ */

/* A number member written by us (cJSON's raw value: never a double). */
static KP_MUST_CHECK bool add_raw(cJSON *o, const char *name, const char *text)
{
	return cJSON_AddRawToObject(o, name, text) != NULL;
}

static KP_MUST_CHECK bool add_money(cJSON *o, const char *name, int64_t tiyn)
{
	char t[WK_NUM_TEXT];
	wk_money_text(tiyn, t, sizeof t);
	return add_raw(o, name, t);
}

static KP_MUST_CHECK bool add_int(cJSON *o, const char *name, long long v)
{
	char t[WK_NUM_TEXT];
	snprintf(t, sizeof t, "%lld", v);
	return add_raw(o, name, t);
}

static KP_MUST_CHECK bool add_str(cJSON *o, const char *name, const char *s)
{
	return cJSON_AddStringToObject(o, name, s) != NULL;
}

static cJSON *position_json(const wk_position *p)
{
	char count[WK_NUM_TEXT];
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	wk_count_text(p->count, count, sizeof count);
	bool ok = add_raw(o, "Count", count) && add_money(o, "Price", p->price) &&
	          add_int(o, "TaxPercent", p->tax_percent) &&
	          add_money(o, "Tax", wk_position_tax(p)) &&
	          add_int(o, "TaxType", p->vat ? 100 : 0) && add_str(o, "PositionName", p->name) &&
	          (!p->code || !p->code[0] || add_str(o, "PositionCode", p->code)) &&
	          add_money(o, "Discount", p->discount) && add_money(o, "Markup", 0) &&
	          add_int(o, "UnitCode", p->unit_code) && add_int(o, "PositionType", 0) &&
	          (!p->gtin || !p->gtin[0] || add_str(o, "GTIN", p->gtin));
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *basis_json(const wk_return_basis *b)
{
	char when[KP_TIME_LEN];
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	kp_time_format(b->date_time, when, sizeof when);
	bool ok = add_str(o, "CheckNumber", b->check_number) && add_str(o, "DateTime", when) &&
	          add_str(o, "RegistrationNumber", b->registration_number) &&
	          add_money(o, "Total", b->total) &&
	          cJSON_AddBoolToObject(o, "IsOffline", b->offline) != NULL;
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Adds item to o (or to the array o when name is NULL); false, with item
 * freed, when it is NULL or cannot be added. */
static KP_MUST_CHECK bool add_item(cJSON *o, const char *name, cJSON *item)
{
	if (!item)
		return false;
	if (name ? cJSON_AddItemToObject(o, name, item) : cJSON_AddItemToArray(o, item))
		return true;
	cJSON_Delete(item);
	return false;
}

static cJSON *check_json(const wk_check_req *r)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	bool ok = add_int(o, "OperationType", r->operation);
	cJSON *lines = ok ? cJSON_AddArrayToObject(o, "Positions") : NULL;
	ok = lines != NULL;
	for (size_t i = 0; ok && i < r->n_positions; i++)
		ok = add_item(lines, NULL, position_json(&r->positions[i]));
	cJSON *pays = ok ? cJSON_AddArrayToObject(o, "Payments") : NULL;
	ok = pays != NULL;
	for (size_t i = 0; ok && i < r->n_payments; i++) {
		cJSON *p = cJSON_CreateObject();
		ok = add_item(pays, NULL, p) && add_money(p, "Sum", r->payments[i].sum) &&
		     add_int(p, "PaymentType", r->payments[i].type);
	}
	ok = ok && add_money(o, "Change", r->change) && add_int(o, "RoundType", 2) &&
	     add_str(o, "ExternalCheckNumber", r->external_check_number) &&
	     (!r->external_order_number ||
	      add_str(o, "ExternalOrderNumber", r->external_order_number)) &&
	     (!r->basis || add_item(o, "ReturnBasisDetails", basis_json(r->basis)));
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Hands o's compact text to the caller in a buffer of our own (free()). */
static KP_MUST_CHECK wk_kind body_out(cJSON *o, char **body, size_t *len, wk_result *res)
{
	char *text = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	if (!text)
		return fail(res, WK_ERR_NOMEM, M_NOMEM);
	size_t n = strlen(text);
	if (n > WK_BODY_MAX) {
		cJSON_free(text);
		return fail(res, WK_ERR_INVALID, M_TOO_LARGE);
	}
	*body = malloc(n + 1);
	if (!*body) {
		cJSON_free(text);
		return fail(res, WK_ERR_NOMEM, M_NOMEM);
	}
	memcpy(*body, text, n + 1);
	cJSON_free(text);
	*len = n;
	res->kind = WK_OK;
	return WK_OK;
}

wk_kind wk_check_body(const wk_check_req *req, char **body, size_t *len, wk_result *res)
{
	int64_t total;
	result_reset(res);
	*body = NULL;
	*len = 0;
	if (!req)
		return fail(res, WK_ERR_INVALID, M_NO_RECEIPT);
	if (request_check(req, &total, res) != WK_OK)
		return res->kind;
	return body_out(check_json(req), body, len, res);
}

wk_kind wk_money_body(enum wk_money_op op, int64_t sum, const char *external_check_number,
                      char **body, size_t *len, wk_result *res)
{
	result_reset(res);
	*body = NULL;
	*len = 0;
	if (op != WK_MONEY_IN && op != WK_MONEY_OUT)
		return fail(res, WK_ERR_INVALID, M_MONEY_OP);
	if (sum < 1 || sum > WK_MONEY_MAX)
		return fail(res, WK_ERR_INVALID, M_MONEY_SUM);
	if (!id_ok(external_check_number, WK_EXT_SIZE - 1))
		return fail(res, WK_ERR_INVALID, M_ECN);
	cJSON *o = cJSON_CreateObject();
	if (o && !(add_int(o, "OperationType", op) && add_money(o, "Sum", sum) &&
	           add_str(o, "ExternalCheckNumber", external_check_number))) {
		cJSON_Delete(o);
		o = NULL;
	}
	return body_out(o, body, len, res);
}

/* ---- strict parsing of answers -------------------------------------------
 *
 * A reader walks one answer: each getter does nothing once one has failed,
 * so that a parser is a plain list of its fields; the first failure names
 * its field with the path to it ("Cashbox.RegistrationNumber"). */

/* What is wrong with an answer's body. */
enum bad_why {
	BAD_NOT_JSON,       /* empty, not JSON, not an object, text after it */
	BAD_MISSING,        /* a required field is absent */
	BAD_TYPE,           /* a field of the wrong JSON type */
	BAD_VALUE,          /* too long, out of range, too many decimals, a bad id */
};

/* An unreadable answer: WK_ERR_BAD_BODY, the message naming field. */
static wk_kind bad_body(wk_result *res, enum bad_why why, const char *field)
{
	switch (why) {
	case BAD_MISSING:
		return fail(res, WK_ERR_BAD_BODY, M_FIELD_MISSING, field);
	case BAD_TYPE:
		return fail(res, WK_ERR_BAD_BODY, M_FIELD_TYPE, field);
	case BAD_VALUE:
		return fail(res, WK_ERR_BAD_BODY, M_FIELD_VALUE, field);
	case BAD_NOT_JSON:
		break;
	}
	return fail(res, WK_ERR_BAD_BODY, M_NOT_JSON);
}

typedef struct reader {
	wk_result *res;
	bool failed;            /* a getter failed: res says which field */
	char where[64];         /* the path of the object being read, "Cashbox." */
} reader;

static void rd_fail(reader *rd, enum bad_why why, const char *name)
{
	char field[128];
	if (rd->failed)
		return;
	rd->failed = true;
	snprintf(field, sizeof field, "%s%s", rd->where, name);
	bad_body(rd->res, why, field);
}

/* The member `name`, or NULL when absent or null (a failure when required). */
static const cJSON *rd_member(reader *rd, const cJSON *o, const char *name, bool required)
{
	if (rd->failed)
		return NULL;
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!m || cJSON_IsNull(m)) {
		if (required)
			rd_fail(rd, BAD_MISSING, name);
		return NULL;
	}
	return m;
}

/* A string member, or NULL (absent, or a failure). */
static const char *rd_string(reader *rd, const cJSON *o, const char *name, bool required)
{
	const cJSON *m = rd_member(rd, o, name, required);
	if (!m)
		return NULL;
	if (!cJSON_IsString(m) || !m->valuestring) {
		rd_fail(rd, BAD_TYPE, name);
		return NULL;
	}
	return m->valuestring;
}

/* A register-made number (CheckNumber, RegistrationNumber...) copied as it
 * came: printable ASCII without spaces, shorter than size; "" when absent. */
static void rd_id(reader *rd, const cJSON *o, const char *name, bool required, char *dst,
                  size_t size)
{
	const char *v = rd_string(rd, o, name, required);
	dst[0] = '\0';
	if (!v)
		return;
	if (!id_ok(v, size - 1)) {
		rd_fail(rd, BAD_VALUE, name);
		return;
	}
	memcpy(dst, v, strlen(v) + 1);
}

/* A text that is only shown (a name, an address, a time): made safe for
 * a terminal and cut at a character to fit; "" when absent. */
static void rd_shown(reader *rd, const cJSON *o, const char *name, bool required, char *dst,
                     size_t size)
{
	const char *v = rd_string(rd, o, name, required);
	dst[0] = '\0';
	if (v)
		kp_text_safe(dst, size, v);
}

static void rd_bool(reader *rd, const cJSON *o, const char *name, bool required, bool *out)
{
	const cJSON *m = rd_member(rd, o, name, required);
	*out = false;
	if (!m)
		return;
	if (!cJSON_IsBool(m)) {
		rd_fail(rd, BAD_TYPE, name);
		return;
	}
	*out = cJSON_IsTrue(m);
}

/* A number member read from its literal at `decimals` (0: an integer)
 * into [min, max]; *out 0 when absent. */
static void rd_scaled(reader *rd, const cJSON *o, const char *name, bool required, int decimals,
                      int64_t min, int64_t max, int64_t *out)
{
	const cJSON *m = rd_member(rd, o, name, required);
	*out = 0;
	if (!m)
		return;
	const char *text = json_number_text(m);
	if (!cJSON_IsNumber(m) || !text) {
		rd_fail(rd, BAD_TYPE, name);
		return;
	}
	int64_t v;
	if (!scaled_read(text, strlen(text), decimals, &v) || v < min || v > max) {
		rd_fail(rd, BAD_VALUE, name);
		return;
	}
	*out = v;
}

static void rd_money(reader *rd, const cJSON *o, const char *name, bool required, int64_t *out)
{
	rd_scaled(rd, o, name, required, 2, -WK_MONEY_MAX, WK_MONEY_MAX, out);
}

static void rd_int(reader *rd, const cJSON *o, const char *name, bool required, int *out)
{
	int64_t v;
	rd_scaled(rd, o, name, required, 0, 0, INT_MAX, &v);
	*out = (int)v;
}

static void rd_long(reader *rd, const cJSON *o, const char *name, bool required, long *out)
{
	int64_t v;
	rd_scaled(rd, o, name, required, 0, 0, LONG_MAX, &v);
	*out = (long)v;
}

/* An object (or array) member, or NULL (absent, or a failure). */
static const cJSON *rd_node(reader *rd, const cJSON *o, const char *name, bool required,
                            bool array)
{
	const cJSON *m = rd_member(rd, o, name, required);
	if (m && !(array ? cJSON_IsArray(m) : cJSON_IsObject(m))) {
		rd_fail(rd, BAD_TYPE, name);
		return NULL;
	}
	return m;
}

/* Enters member `name` of the path (where += "name."); returns the old
 * length of the path for rd_leave. */
static size_t rd_enter(reader *rd, const char *name)
{
	size_t n = strlen(rd->where);
	snprintf(rd->where + n, sizeof rd->where - n, "%s.", name);
	return n;
}

static void rd_leave(reader *rd, size_t n)
{
	rd->where[n] = '\0';
}

/* Parses exactly one JSON object filling body[0..len) (white space
 * around it allowed), each number keeping its literal. NULL, with a bad
 * body in res, otherwise. */
static cJSON *parse_object(const char *body, size_t len, wk_result *res)
{
	const char *end = NULL;
	cJSON *root = body && len ? cJSON_ParseWithLengthOpts(body, len, &end, 0) : NULL;
	size_t used = root && end ? (size_t)(end - body) : len;
	bool ok = root && cJSON_IsObject(root);
	for (size_t i = used; ok && i < len; i++)
		ok = body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n';
	if (ok && !json_keep_number_texts(root, body, len)) {
		cJSON_Delete(root);
		fail(res, WK_ERR_NOMEM, M_NOMEM);
		return NULL;
	}
	if (!ok) {
		cJSON_Delete(root);
		bad_body(res, BAD_NOT_JSON, NULL);
		return NULL;
	}
	return root;
}

/* Reads {"Errors": [{"Code": N, "Text": "..."}, ...]}: true when root is
 * a refusal (res filled: WK_ERR_REFUSED, or a bad body when its Errors
 * cannot be read); false when it has no errors. */
static KP_MUST_CHECK bool errors_of(const cJSON *root, wk_result *res)
{
	reader rd = { .res = res };
	const cJSON *errors = rd_node(&rd, root, "Errors", false, true);
	if (!rd.failed && (!errors || cJSON_GetArraySize(errors) == 0))
		return false;
	const cJSON *first = errors ? cJSON_GetArrayItem(errors, 0) : NULL;
	if (!rd.failed && !cJSON_IsObject(first))
		rd_fail(&rd, BAD_TYPE, "Errors[]");
	size_t at = rd_enter(&rd, "Errors[0]");
	int64_t code = 0;
	rd_scaled(&rd, first, "Code", true, 0, 1, INT_MAX, &code);
	const char *text = rd_string(&rd, first, "Text", false);
	rd_leave(&rd, at);
	if (rd.failed)
		return true;
	res->code = (int)code;
	kp_text_safe(res->text, sizeof res->text, text ? text : "");
	res->kind = WK_ERR_REFUSED;
	refusal_msg(res);
	return true;
}

/* A parser's own part of res cleared (the transport's part kept). */
static void parse_start(wk_result *res)
{
	res->kind = WK_OK;
	res->code = 0;
	res->text[0] = '\0';
	kp_msg_clear(&res->msg);
}

/* The Data object of a 200 answer, or NULL with res filled (a refusal
 * or a bad body). *root is what to cJSON_Delete afterwards (may be NULL). */
static const cJSON *data_of(const char *body, size_t len, cJSON **root, wk_result *res)
{
	parse_start(res);
	*root = parse_object(body, len, res);
	if (!*root || errors_of(*root, res))
		return NULL;
	reader rd = { .res = res };
	const cJSON *data = rd_node(&rd, *root, "Data", true, false);
	return rd.failed ? NULL : data;
}

/* "dd.MM.yyyy HH:mm:ss" of Almaty time as a Unix time; false when it is
 * not one (trailing text, such as DateTimeUTC's " +05:00", is refused). */
static KP_MUST_CHECK bool almaty_read(const char *s, time_t *out)
{
	static const char shape[] = "dd.dd.dddd dd:dd:dd";
	int v[6] = { 0 }, k = 0;
	for (size_t i = 0; i < sizeof shape - 1; i++) {
		if (shape[i] == 'd') {
			if (!is_digit(s[i]))
				return false;
			v[k] = v[k] * 10 + (s[i] - '0');
		} else if (s[i] != shape[i]) {
			return false;
		} else {
			k++;
		}
	}
	if (s[sizeof shape - 1] != '\0')
		return false;
	int day = v[0], month = v[1], year = v[2], h = v[3], m = v[4], sec = v[5];
	if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1970 || h > 23 || m > 59 ||
	    sec > 59)
		return false;
	int ymd = year * 10000 + month * 100 + day;
	time_t start = kp_almaty_day_start(ymd);
	if (kp_almaty_yyyymmdd(start) != ymd)
		return false;               /* 31.02 and the like */
	*out = start + (time_t)h * 3600 + m * 60 + sec;
	return true;
}

/* A receipt's ticket from a check's Data. */
static void ticket_from(reader *rd, const cJSON *d, wk_ticket *t)
{
	rd_id(rd, d, "CheckNumber", true, t->check_number, sizeof t->check_number);
	rd_shown(rd, d, "DateTime", true, t->date_time, sizeof t->date_time);
	if (!rd->failed && !almaty_read(t->date_time, &t->at))
		t->at = 0;
	rd_bool(rd, d, "OfflineMode", true, &t->offline);
	rd_bool(rd, d, "CashboxOfflineMode", false, &t->cashbox_offline);

	const cJSON *cb = rd_node(rd, d, "Cashbox", true, false);
	size_t at = rd_enter(rd, "Cashbox");
	rd_id(rd, cb, "UniqueNumber", true, t->unique_number, sizeof t->unique_number);
	rd_id(rd, cb, "RegistrationNumber", true, t->registration_number,
	      sizeof t->registration_number);
	rd_id(rd, cb, "IdentityNumber", true, t->identity_number, sizeof t->identity_number);
	rd_shown(rd, cb, "Address", false, t->address, sizeof t->address);
	rd_shown(rd, cb, "AddressKz", false, t->address_kz, sizeof t->address_kz);
	const cJSON *ofd = rd_node(rd, cb, "Ofd", false, false);
	size_t at2 = rd_enter(rd, "Ofd");
	if (ofd) {
		rd_shown(rd, ofd, "Name", false, t->ofd_name, sizeof t->ofd_name);
		rd_shown(rd, ofd, "NameKz", false, t->ofd_name_kz, sizeof t->ofd_name_kz);
		rd_shown(rd, ofd, "Host", false, t->ofd_host, sizeof t->ofd_host);
	}
	rd_leave(rd, at2);
	rd_leave(rd, at);

	const cJSON *org = rd_node(rd, d, "Organization", false, false);
	at = rd_enter(rd, "Organization");
	if (org) {
		rd_shown(rd, org, "TaxPayerName", false, t->taxpayer_name, sizeof t->taxpayer_name);
		rd_id(rd, org, "TaxPayerIN", false, t->taxpayer_in, sizeof t->taxpayer_in);
	}
	rd_leave(rd, at);
	rd_int(rd, d, "CheckOrderNumber", true, &t->check_order_number);
	rd_int(rd, d, "ShiftNumber", true, &t->shift_number);
	rd_shown(rd, d, "EmployeeName", false, t->employee_name, sizeof t->employee_name);

	/* the QR encodes it exactly: kept as it came, and it must be safe to show */
	const char *url = rd_string(rd, d, "TicketUrl", true);
	if (url && (strlen(url) >= sizeof t->ticket_url || !kp_text_is_safe(url) ||
	            (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)))
		rd_fail(rd, BAD_VALUE, "TicketUrl");
	else if (url)
		memcpy(t->ticket_url, url, strlen(url) + 1);
}

wk_kind wk_parse_ticket(const char *body, size_t len, wk_ticket *out, wk_result *res)
{
	cJSON *root;
	memset(out, 0, sizeof *out);
	const cJSON *d = data_of(body, len, &root, res);
	if (d) {
		reader rd = { .res = res };
		ticket_from(&rd, d, out);
		res->kind = rd.failed ? WK_ERR_BAD_BODY : WK_OK;
	}
	cJSON_Delete(root);
	if (res->kind != WK_OK)
		memset(out, 0, sizeof *out);
	return res->kind;
}

/* One of PrintFormat's Lines. Text lines are made safe; the QR's Value
 * (Type 2) is kept exactly and must be safe already. */
static void print_line_from(reader *rd, const cJSON *o, wk_print_line *l)
{
	int64_t v;
	if (!rd->failed && !cJSON_IsObject(o)) {
		rd_fail(rd, BAD_TYPE, "Lines[]");
		return;
	}
	size_t at = rd_enter(rd, "Lines[]");
	rd_scaled(rd, o, "Order", true, 0, INT_MIN, INT_MAX, &v);
	l->order = (int)v;
	rd_scaled(rd, o, "Type", true, 0, INT_MIN, INT_MAX, &v);
	l->type = (int)v;
	rd_scaled(rd, o, "Style", false, 0, INT_MIN, INT_MAX, &v);
	l->style = (int)v;
	const char *value = rd_string(rd, o, "Value", true);
	if (value && l->type == 2) {
		if (strlen(value) >= sizeof l->value || !kp_text_is_safe(value))
			rd_fail(rd, BAD_VALUE, "Value");
		else
			memcpy(l->value, value, strlen(value) + 1);
	} else if (value) {
		kp_text_safe(l->value, sizeof l->value, value);
	}
	rd_leave(rd, at);
}

wk_kind wk_parse_printed(const char *body, size_t len, wk_printed *out, wk_result *res)
{
	cJSON *root;
	memset(out, 0, sizeof *out);
	const cJSON *d = data_of(body, len, &root, res);
	if (d) {
		reader rd = { .res = res };
		const cJSON *lines = rd_node(&rd, d, "Lines", true, true), *o;
		wk_print_line scratch;
		cJSON_ArrayForEach(o, lines) {
			bool kept = out->n < WK_PRINT_LINES_MAX;
			memset(&scratch, 0, sizeof scratch);
			print_line_from(&rd, o, kept ? &out->lines[out->n] : &scratch);
			if (rd.failed)
				break;
			if (kept)
				out->n++;
			else
				out->truncated = true;
		}
		res->kind = rd.failed ? WK_ERR_BAD_BODY : WK_OK;
	}
	cJSON_Delete(root);
	if (res->kind != WK_OK)
		memset(out, 0, sizeof *out);
	return res->kind;
}

wk_kind wk_parse_money(const char *body, size_t len, wk_money *out, wk_result *res)
{
	cJSON *root;
	memset(out, 0, sizeof *out);
	const cJSON *d = data_of(body, len, &root, res);
	if (d) {
		reader rd = { .res = res };
		rd_bool(&rd, d, "OfflineMode", true, &out->offline);
		rd_int(&rd, d, "ShiftNumber", true, &out->shift_number);
		rd_shown(&rd, d, "DateTime", true, out->date_time, sizeof out->date_time);
		if (!rd.failed && !almaty_read(out->date_time, &out->at))
			out->at = 0;
		rd_money(&rd, d, "Sum", true, &out->in_cashbox);
		res->kind = rd.failed ? WK_ERR_BAD_BODY : WK_OK;
	}
	cJSON_Delete(root);
	if (res->kind != WK_OK)
		memset(out, 0, sizeof *out);
	return res->kind;
}

/* Sell or ReturnSell of a report. */
static void report_part_from(reader *rd, const cJSON *d, const char *name, wk_report_part *p)
{
	const cJSON *o = rd_node(rd, d, name, true, false);
	size_t at = rd_enter(rd, name);
	const cJSON *types = rd_node(rd, o, "PaymentsByTypesApiModel", true, true), *t;
	bool seen[3] = { false, false, false };
	size_t at2 = rd_enter(rd, "PaymentsByTypesApiModel[]");
	cJSON_ArrayForEach(t, types) {
		int64_t sum, type;
		if (!rd->failed && !cJSON_IsObject(t))
			rd_fail(rd, BAD_TYPE, "");
		rd_money(rd, t, "Sum", true, &sum);
		rd_scaled(rd, t, "Type", true, 0, 0, 4, &type);
		if (rd->failed)
			break;
		int k = type == WK_PAY_CASH ? 0 : type == WK_PAY_CARD ? 1 : type == WK_PAY_MOBILE ? 2 : -1;
		if (k < 0 || seen[k]) {
			rd_fail(rd, BAD_VALUE, "Type");
			break;
		}
		seen[k] = true;
		p->by_type[k] = sum;
	}
	rd_leave(rd, at2);
	rd_money(rd, o, "Discount", true, &p->discount);
	rd_money(rd, o, "Markup", true, &p->markup);
	rd_money(rd, o, "Taken", true, &p->taken);
	rd_money(rd, o, "Change", true, &p->change);
	rd_money(rd, o, "VAT", true, &p->vat);
	rd_long(rd, o, "Count", true, &p->count);
	rd_long(rd, o, "TotalCount", true, &p->total_count);
	rd_leave(rd, at);
}

/* StartNonNullable or EndNonNullable: the running totals of sales and returns. */
static void totals_from(reader *rd, const cJSON *d, const char *name, int64_t *sell,
                        int64_t *ret)
{
	const cJSON *o = rd_node(rd, d, name, true, false);
	size_t at = rd_enter(rd, name);
	rd_money(rd, o, "Sell", true, sell);
	rd_money(rd, o, "ReturnSell", true, ret);
	rd_leave(rd, at);
}

wk_kind wk_parse_report(const char *body, size_t len, wk_report *out, wk_result *res)
{
	cJSON *root;
	memset(out, 0, sizeof *out);
	const cJSON *d = data_of(body, len, &root, res);
	if (d) {
		reader rd = { .res = res };
		int64_t control;
		rd_long(&rd, d, "ReportNumber", true, &out->report_number);
		rd_int(&rd, d, "ShiftNumber", true, &out->shift_number);
		rd_shown(&rd, d, "StartOn", true, out->start_on, sizeof out->start_on);
		rd_shown(&rd, d, "ReportOn", true, out->report_on, sizeof out->report_on);
		rd_shown(&rd, d, "CloseOn", false, out->close_on, sizeof out->close_on);
		rd_id(&rd, d, "CashboxSN", true, out->cashbox_sn, sizeof out->cashbox_sn);
		rd_id(&rd, d, "CashboxRN", true, out->cashbox_rn, sizeof out->cashbox_rn);
		rd_id(&rd, d, "CashboxIN", true, out->cashbox_in, sizeof out->cashbox_in);
		rd_shown(&rd, d, "TaxPayerName", false, out->taxpayer_name, sizeof out->taxpayer_name);
		rd_id(&rd, d, "TaxPayerIN", false, out->taxpayer_in, sizeof out->taxpayer_in);
		rd_long(&rd, d, "DocumentCount", true, &out->document_count);
		rd_money(&rd, d, "PutMoneySum", true, &out->put_money);
		rd_money(&rd, d, "TakeMoneySum", true, &out->take_money);
		rd_money(&rd, d, "SumInCashbox", true, &out->in_cashbox);
		rd_bool(&rd, d, "OfflineMode", true, &out->offline);
		rd_money(&rd, d, "ControlSum", true, &control);
		out->control_sum = control;
		report_part_from(&rd, d, "Sell", &out->sell);
		report_part_from(&rd, d, "ReturnSell", &out->return_sell);
		totals_from(&rd, d, "StartNonNullable", &out->start_sell, &out->start_return);
		totals_from(&rd, d, "EndNonNullable", &out->end_sell, &out->end_return);
		res->kind = rd.failed ? WK_ERR_BAD_BODY : WK_OK;
	}
	cJSON_Delete(root);
	if (res->kind != WK_OK)
		memset(out, 0, sizeof *out);
	return res->kind;
}

/* The value of key in URL's query ("i" in "...?i=367645207&f=..."),
 * copied into dst when it is a plain id shorter than size; false when
 * it is absent or not such an id. */
static KP_MUST_CHECK bool query_value(const char *url, const char *key, char *dst, size_t size)
{
	const char *q = strchr(url, '?');
	size_t klen = strlen(key);
	dst[0] = '\0';
	while (q) {
		q++;
		size_t n = strcspn(q, "&#");
		if (n > klen && strncmp(q, key, klen) == 0 && q[klen] == '=') {
			size_t vlen = n - klen - 1;
			const char *v = q + klen + 1;
			if (vlen == 0 || vlen >= size || strspn(v, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			                                           "abcdefghijklmnopqrstuvwxyz-_.") < vlen)
				return false;
			memcpy(dst, v, vlen);
			dst[vlen] = '\0';
			return true;
		}
		q = q[n] == '&' ? q + n : NULL;
	}
	return false;
}

/* t= of a TicketUrl, "20261203T145037" in Almaty time, into the ticket's
 * at and date_time; left 0 and "" when it is not there or not readable. */
static void ticket_time(const char *url, wk_ticket *t)
{
	char v[32], text[WK_TIME_SIZE];
	if (!query_value(url, "t", v, sizeof v) || strlen(v) != 15 || v[8] != 'T')
		return;
	snprintf(text, sizeof text, "%.2s.%.2s.%.4s %.2s:%.2s:%.2s", v + 6, v + 4, v, v + 9, v + 11,
	         v + 13);
	if (almaty_read(text, &t->at))
		memcpy(t->date_time, text, strlen(text) + 1);
}

/* After 14: the receipt from PrintFormat's answer (webkassa.h,
 * wk_ticket_fetch). Every line is read as wk_parse_printed reads them,
 * however many there are. */
static KP_MUST_CHECK wk_kind parse_fetched(const char *body, size_t len, wk_ticket *out, wk_result *res)
{
	cJSON *root;
	memset(out, 0, sizeof *out);
	const cJSON *d = data_of(body, len, &root, res);
	if (d) {
		reader rd = { .res = res };
		const cJSON *lines = rd_node(&rd, d, "Lines", true, true), *o;
		wk_print_line l;
		bool qr = false;
		cJSON_ArrayForEach(o, lines) {
			memset(&l, 0, sizeof l);
			print_line_from(&rd, o, &l);
			if (rd.failed)
				break;
			if (l.type == 2 && !qr) {
				qr = true;
				memcpy(out->ticket_url, l.value, sizeof out->ticket_url);
			}
			/* FISCAL.md: the printed receipt of an offline one says so */
			if (l.type == 0 && (strstr(l.value, "АВТОНОМНЫЙ РЕЖИМ") ||
			                    strstr(l.value, "АВТОНОМДЫ РЕЖИМ")))
				out->offline = true;
		}
		if (!rd.failed && !qr)
			rd_fail(&rd, BAD_MISSING, "Lines[].Type 2");
		if (!rd.failed &&
		    (!query_value(out->ticket_url, "i", out->check_number, sizeof out->check_number) ||
		     !query_value(out->ticket_url, "f", out->registration_number,
		                  sizeof out->registration_number)))
			rd_fail(&rd, BAD_VALUE, "Lines[].Value");
		if (!rd.failed)
			ticket_time(out->ticket_url, out);
		res->kind = rd.failed ? WK_ERR_BAD_BODY : WK_OK;
	}
	cJSON_Delete(root);
	if (res->kind != WK_OK)
		memset(out, 0, sizeof *out);
	return res->kind;
}

/* Authorize's answer: the token into c (printable ASCII, as a JSON string
 * needs no escaping); every copy of it that parsing made is wiped. */
static KP_MUST_CHECK wk_kind parse_token(const char *body, size_t len, wk_client *c, wk_result *res)
{
	cJSON *root;
	const cJSON *d = data_of(body, len, &root, res);
	if (d) {
		reader rd = { .res = res };
		const cJSON *tok = rd_member(&rd, d, "Token", true);
		if (tok && (!cJSON_IsString(tok) || !tok->valuestring))
			rd_fail(&rd, BAD_TYPE, "Token");
		else if (tok && !id_ok(tok->valuestring, sizeof c->token - 1))
			rd_fail(&rd, BAD_VALUE, "Token");
		else if (tok)
			memcpy(c->token, tok->valuestring, strlen(tok->valuestring) + 1);
		if (tok && cJSON_IsString(tok) && tok->valuestring)
			explicit_bzero(tok->valuestring, strlen(tok->valuestring));
		res->kind = rd.failed ? WK_ERR_BAD_BODY : WK_OK;
	}
	cJSON_Delete(root);
	return res->kind;
}

/* A sandbox control's answer: any JSON object but a refusal. */
static KP_MUST_CHECK wk_kind parse_control(const char *body, size_t len, wk_result *res)
{
	parse_start(res);
	cJSON *root = parse_object(body, len, res);
	if (root && !errors_of(root, res))
		res->kind = WK_OK;
	cJSON_Delete(root);
	return res->kind;
}

/* ---- the client -------------------------------------------------------- */

/* Wipes and frees a secret copy. */
static void secret_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* Login or password: 1…WK_LOGIN_MAX bytes of valid UTF-8, no control character. */
static bool credential_ok(const char *s)
{
	return s && s[0] && strlen(s) <= WK_LOGIN_MAX && kp_text_is_safe(s);
}

/* The settings before anything is made; false with res filled. */
static KP_MUST_CHECK bool options_ok(const wk_options *opt, wk_result *res)
{
	if (!opt)
		return fail(res, WK_ERR_CONFIG, M_NO_SETTINGS), false;
	if (!opt->base_url)
		return fail(res, WK_ERR_CONFIG, M_BASE_URL), false;
	if (!id_ok(opt->api_key, WK_KEY_MAX))
		return fail(res, WK_ERR_CONFIG, M_API_KEY), false;
	if (!credential_ok(opt->login))
		return fail(res, WK_ERR_CONFIG, M_LOGIN), false;
	if (!credential_ok(opt->password))
		return fail(res, WK_ERR_CONFIG, M_PASSWORD), false;
	if (!id_ok(opt->cashbox, WK_CASHBOX_MAX))
		return fail(res, WK_ERR_CONFIG, M_CASHBOX), false;
	if (opt->connect_timeout_ms < 0 || opt->timeout_ms < 0)
		return fail(res, WK_ERR_CONFIG, M_TIMEOUTS), false;
	return true;
}

wk_client *wk_client_new(const wk_options *opt, wk_result *res)
{
	result_reset(res);
	if (!options_ok(opt, res))
		return NULL;
	wk_client *c = calloc(1, sizeof *c);
	if (!c) {
		fail(res, WK_ERR_NOMEM, M_NOMEM);
		return NULL;
	}
	long cto = opt->connect_timeout_ms ? opt->connect_timeout_ms : WK_CONNECT_TIMEOUT_MS;
	c->timeout_ms = opt->timeout_ms ? opt->timeout_ms : WK_TIMEOUT_MS;
	c->debug = opt->debug;
	c->login = strdup(opt->login);
	c->password = strdup(opt->password);
	c->cashbox = strdup(opt->cashbox);

	char key[WK_KEY_MAX + 16];
	snprintf(key, sizeof key, "x-api-key: %s", opt->api_key);
	const char *headers[] = { key, "Accept: application/json", NULL };
	http_config cfg = {
		.base_url = opt->base_url,
		.ca_file = opt->ca_file,
		.connect_timeout_ms = cto,
		.timeout_ms = c->timeout_ms,
		.user_agent = "kaspi-pos/" KP_VERSION,
		.headers = headers,
		.secret = opt->api_key,
		.debug = opt->debug,
	};
	http_err e = c->login && c->password && c->cashbox ? http_client_new(&cfg, &c->http)
	                                                   : HTTP_E_NOMEM;
	explicit_bzero(key, sizeof key);
	if (e != HTTP_DONE) {
		wk_client_free(c);
		if (e == HTTP_E_NOMEM)
			fail(res, WK_ERR_NOMEM, M_NOMEM);
		else
			fail(res, WK_ERR_CONFIG, M_BASE_URL);
		return NULL;
	}
	return c;
}

void wk_client_free(wk_client *c)
{
	if (!c)
		return;
	http_client_free(c->http);
	secret_free(c->login);
	secret_free(c->password);
	free(c->cashbox);
	explicit_bzero(c->token, sizeof c->token);
	free(c);
}

static void forget_token(wk_client *c)
{
	explicit_bzero(c->token, sizeof c->token);
}

/* Parses a 200 answer of `call` into out. */
static KP_MUST_CHECK wk_kind parse_answer(wk_client *c, enum wk_call call, const char *body, size_t len,
                            void *out, wk_result *res)
{
	switch (call) {
	case CALL_AUTHORIZE:
		return parse_token(body, len, c, res);
	case CALL_CHECK:
		return wk_parse_ticket(body, len, out, res);
	case CALL_PRINT:
		return wk_parse_printed(body, len, out, res);
	case CALL_FETCH:
		return parse_fetched(body, len, out, res);
	case CALL_MONEY:
		return wk_parse_money(body, len, out, res);
	case CALL_REPORT:
		return wk_parse_report(body, len, out, res);
	case CALL_CONTROL:
		break;
	}
	return parse_control(body, len, res);
}

/* An answer with a status other than 200: 401 is error 3 (FISCAL.md),
 * 5xx leaves the outcome unknown, anything else is a wrong address or
 * a defect. The register's Errors, when readable, give the code and text. */
static KP_MUST_CHECK wk_kind status_answer(long status, const char *body, size_t len, wk_result *res)
{
	wk_result scratch;
	cJSON *root = NULL;

	result_reset(&scratch);
	if (body && len)
		root = parse_object(body, len, &scratch);
	bool said = root && errors_of(root, &scratch) && scratch.kind == WK_ERR_REFUSED;
	cJSON_Delete(root);
	if (said)
		memcpy(res->text, scratch.text, sizeof res->text);
	if (status == 401) {
		res->code = said ? scratch.code : WK_CODE_UNAUTHORIZED;
		res->kind = WK_ERR_REFUSED;
		refusal_msg(res);
		return res->kind;
	}
	if (status >= 500) {
		res->outcome_unknown = true;
		return fail(res, WK_ERR_HTTP, M_SERVER_ERROR, status);
	}
	return fail(res, WK_ERR_HTTP, M_HTTP_STATUS, status);
}

/* Sends one request as it is and sorts the outcome into *res (reset
 * first), parsing a 200 body into out. */
static KP_MUST_CHECK wk_kind exchange(wk_client *c, enum wk_call call, http_method method, const char *path,
                        const char *body, size_t len, void *out, wk_result *res)
{
	const char *headers[] = { "Content-Type: application/json", NULL };
	http_response r;

	result_reset(res);
	http_err e = http_request(c->http, method, path, len ? headers : NULL, body, len, &r);
	res->http_status = r.status;
	res->round_trip_ms = r.elapsed_ms;

	switch (e) {
	case HTTP_DONE:
		break;
	case HTTP_E_CONNECT:
		return fail(res, WK_ERR_CONNECT, M_CONNECT);
	case HTTP_E_TIMEOUT:
		res->outcome_unknown = true;
		return fail(res, WK_ERR_TIMEOUT, M_TIMEOUT, (c->timeout_ms + 999) / 1000);
	case HTTP_E_TLS:
		return fail(res, WK_ERR_TLS, M_TLS);
	case HTTP_E_NETWORK:
		res->outcome_unknown = true;
		return fail(res, WK_ERR_NETWORK, M_NETWORK);
	case HTTP_E_BAD_REPLY:
	case HTTP_E_TOO_LARGE:
		if (r.status > 0 && r.status != 200)
			return status_answer(r.status, NULL, 0, res);  /* the status is enough */
		res->outcome_unknown = true;
		if (e == HTTP_E_TOO_LARGE)
			return fail(res, WK_ERR_BAD_BODY, M_OVER_1_MIB);
		return fail(res, WK_ERR_BAD_BODY, M_CUT_SHORT);
	case HTTP_E_NOMEM:
		return fail(res, WK_ERR_NOMEM, M_NOMEM);
	case HTTP_E_USAGE:
		return fail(res, WK_ERR_INVALID, M_NOT_FORMED);
	}
	if (r.status != 200)
		return status_answer(r.status, r.body, r.body_len, res);
	wk_kind k = parse_answer(c, call, r.body, r.body_len, out, res);
	if (call == CALL_AUTHORIZE)
		http_response_wipe(c->http);            /* it held the token */
	if (k == WK_ERR_BAD_BODY)
		res->outcome_unknown = true;            /* it was done, we cannot tell what it made */
	return k;
}

/* POST /api/v4/Authorize with the login and the password: written by
 * cJSON from references into a buffer of ours, so that the only copy is
 * the one wiped here. */
static KP_MUST_CHECK wk_kind authorize(wk_client *c, wk_result *res)
{
	forget_token(c);
	cJSON *o = cJSON_CreateObject();
	cJSON *login = cJSON_CreateStringReference(c->login);
	cJSON *password = cJSON_CreateStringReference(c->password);
	/* each byte escapes to at most 6 ("\u001f"); cJSON wants 5 to spare */
	size_t size = 6 * (strlen(c->login) + strlen(c->password)) + 64;
	char *body = malloc(size);
	bool ok = o && login && password && body;
	if (ok && cJSON_AddItemToObject(o, "Login", login))
		login = NULL;                   /* o's now */
	else
		ok = false;
	if (ok && cJSON_AddItemToObject(o, "Password", password))
		password = NULL;
	else
		ok = false;
	ok = ok && size <= INT_MAX && cJSON_PrintPreallocated(o, body, (int)size, false);
	cJSON_Delete(login);
	cJSON_Delete(password);
	cJSON_Delete(o);
	if (!ok) {
		free(body);
		result_reset(res);
		return fail(res, WK_ERR_NOMEM, M_NOMEM);
	}
	size_t len = strlen(body);
	wk_kind k = exchange(c, CALL_AUTHORIZE, HTTP_POST, "/api/v4/Authorize", body, len, NULL, res);
	explicit_bzero(body, size);
	free(body);
	if (k != WK_OK)
		forget_token(c);
	return k;
}

wk_kind wk_authorize(wk_client *c, wk_result *res)
{
	if (!c) {
		result_reset(res);
		return fail(res, WK_ERR_CONFIG, M_NO_CLIENT);
	}
	return authorize(c, res);
}

/* The request's own fields (a JSON object: "{...}" or "{}") with "Token"
 * and "CashboxUniqueNumber" first, in a buffer to wipe and free; NULL
 * when out of memory or when inner is not an object's text. */
static char *with_token(const wk_client *c, const char *inner, size_t len, size_t *out_len)
{
	size_t i = 0;
	while (i < len && strchr(" \t\r\n", inner[i]) && inner[i])
		i++;
	if (i == len || inner[i] != '{')
		return NULL;
	i++;
	size_t k = i;
	while (k < len && strchr(" \t\r\n", inner[k]) && inner[k])
		k++;
	bool empty = k < len && inner[k] == '}';
	/* the token and the cashbox are id_ok: no escaping needed */
	size_t size = strlen(c->token) + strlen(c->cashbox) + (len - i) + 64;
	char *b = malloc(size);
	if (!b)
		return NULL;
	int n = snprintf(b, size, "{\"Token\":\"%s\",\"CashboxUniqueNumber\":\"%s\"%s", c->token,
	                 c->cashbox, empty ? "" : ",");
	if (n < 0 || (size_t)n + (len - i) >= size) {
		free(b);
		return NULL;
	}
	memcpy(b + n, inner + i, len - i);
	*out_len = (size_t)n + (len - i);
	b[*out_len] = '\0';
	return b;
}

/* Sends inner with the token. */
static KP_MUST_CHECK wk_kind send_tokened(wk_client *c, enum wk_call call, const char *path, const char *inner,
                            size_t len, void *out, wk_result *res)
{
	size_t n;
	char *body = with_token(c, inner, len, &n);
	if (!body) {
		result_reset(res);
		return fail(res, WK_ERR_NOMEM, M_NOMEM);
	}
	wk_kind k = exchange(c, call, HTTP_POST, path, body, n, out, res);
	explicit_bzero(body, n);
	free(body);
	return k;
}

/* A call that carries the token: authorize first when there is none; on
 * error 2, authorize again and send the same body once more. When an
 * Authorize fails, its result is the call's, and the request itself
 * never left (outcome known). */
static KP_MUST_CHECK wk_kind tokened(wk_client *c, enum wk_call call, const char *path, const char *inner,
                       size_t len, void *out, wk_result *res)
{
	long spent = 0;
	bool again = false;

	if (!c->token[0]) {
		if (authorize(c, res) != WK_OK) {
			res->outcome_unknown = false;
			return res->kind;
		}
		spent = res->round_trip_ms;
	}
	wk_kind k = send_tokened(c, call, path, inner, len, out, res);
	if (k == WK_ERR_REFUSED && res->code == WK_CODE_TOKEN_EXPIRED) {
		spent += res->round_trip_ms;
		if (c->debug)
			fprintf(c->debug, "* webkassa: %s: token expired (error 2): authorizing again\n", path);
		if (authorize(c, res) != WK_OK) {
			res->outcome_unknown = false;
			res->round_trip_ms += spent;
			return res->kind;
		}
		spent += res->round_trip_ms;
		k = send_tokened(c, call, path, inner, len, out, res);
		again = true;
	}
	if (k == WK_ERR_REFUSED && res->code == WK_CODE_UNAUTHORIZED)
		forget_token(c);            /* an unknown token: the next call signs in anew */
	res->reauthorized = again;
	res->round_trip_ms += spent;
	return k;
}

/* A stored body as it may be sent: a JSON object without a token or a
 * cashbox of its own, with an ExternalCheckNumber (any case of the first
 * letter, as the register reads MoneyOperation). */
static KP_MUST_CHECK wk_kind stored_ok(const char *body, size_t len, wk_result *res)
{
	if (!body || !len)
		return fail(res, WK_ERR_INVALID, M_EMPTY_REQUEST);
	cJSON *o = parse_object(body, len, res);
	if (!o)
		return fail(res, WK_ERR_INVALID, M_STORED_BODY);
	const cJSON *ecn = cJSON_GetObjectItem(o, "ExternalCheckNumber");
	bool ok = !cJSON_GetObjectItem(o, "Token") && !cJSON_GetObjectItem(o, "CashboxUniqueNumber") &&
	          cJSON_IsString(ecn) && id_ok(ecn->valuestring, WK_EXT_SIZE - 1);
	cJSON_Delete(o);
	if (!ok)
		return fail(res, WK_ERR_INVALID, M_STORED_BODY);
	return WK_OK;
}

/* Common start of every call: res reset, out zeroed, a client. */
static KP_MUST_CHECK bool call_start(const wk_client *c, void *out, size_t out_size, wk_result *res)
{
	result_reset(res);
	if (out)
		memset(out, 0, out_size);
	if (!c)
		fail(res, WK_ERR_CONFIG, M_NO_CLIENT);
	return c != NULL;
}

wk_kind wk_check_send(wk_client *c, const char *body, size_t len, wk_ticket *out,
                      wk_result *res)
{
	if (!call_start(c, out, sizeof *out, res))
		return res->kind;
	if (stored_ok(body, len, res) != WK_OK)
		return res->kind;
	return tokened(c, CALL_CHECK, "/api/v4/check", body, len, out, res);
}

wk_kind wk_money_send(wk_client *c, const char *body, size_t len, wk_money *out,
                      wk_result *res)
{
	if (!call_start(c, out, sizeof *out, res))
		return res->kind;
	if (stored_ok(body, len, res) != WK_OK)
		return res->kind;
	return tokened(c, CALL_MONEY, "/api/v4/MoneyOperation", body, len, out, res);
}

/* PrintFormat's body, into out_body (free()); false with res filled. */
static KP_MUST_CHECK bool print_body(const char *ecn, enum wk_paper paper, char **out_body, size_t *len,
                       wk_result *res)
{
	if (!id_ok(ecn, WK_EXT_SIZE - 1))
		return fail(res, WK_ERR_INVALID, M_ECN), false;
	if (paper != WK_PAPER_80 && paper != WK_PAPER_58)
		return fail(res, WK_ERR_INVALID, M_PAPER), false;
	cJSON *o = cJSON_CreateObject();
	if (o && !(add_str(o, "ExternalCheckNumber", ecn) && add_int(o, "PaperKind", paper))) {
		cJSON_Delete(o);
		o = NULL;
	}
	return body_out(o, out_body, len, res) == WK_OK;
}

wk_kind wk_print_format(wk_client *c, const char *external_check_number, enum wk_paper paper,
                        wk_printed *out, wk_result *res)
{
	char *body;
	size_t len;
	if (!call_start(c, out, sizeof *out, res))
		return res->kind;
	if (!print_body(external_check_number, paper, &body, &len, res))
		return res->kind;
	wk_kind k = tokened(c, CALL_PRINT, "/api/v4/Ticket/PrintFormat", body, len, out, res);
	free(body);
	return k;
}

wk_kind wk_ticket_fetch(wk_client *c, const char *external_check_number, wk_ticket *out,
                        wk_result *res)
{
	char *body;
	size_t len;
	if (!call_start(c, out, sizeof *out, res))
		return res->kind;
	if (!print_body(external_check_number, WK_PAPER_80, &body, &len, res))
		return res->kind;
	wk_kind k = tokened(c, CALL_FETCH, "/api/v4/Ticket/PrintFormat", body, len, out, res);
	free(body);
	return k;
}

wk_kind wk_x_report(wk_client *c, wk_report *out, wk_result *res)
{
	if (!call_start(c, out, sizeof *out, res))
		return res->kind;
	return tokened(c, CALL_REPORT, "/api/v4/XReport", "{}", 2, out, res);
}

wk_kind wk_z_report(wk_client *c, wk_report *out, wk_result *res)
{
	if (!call_start(c, out, sizeof *out, res))
		return res->kind;
	return tokened(c, CALL_REPORT, "/api/v4/ZReport", "{}", 2, out, res);
}

/* ---- kassa-sandbox's controls -------------------------------------------- */

wk_kind wk_sandbox_ofd(wk_client *c, bool online, wk_result *res)
{
	if (!call_start(c, NULL, 0, res))
		return res->kind;
	const char *body = online ? "{\"online\":true}" : "{\"online\":false}";
	return exchange(c, CALL_CONTROL, HTTP_POST, "/sandbox/ofd", body, strlen(body), NULL, res);
}

wk_kind wk_sandbox_clock(wk_client *c, long advance_s, wk_result *res)
{
	char body[64];
	if (!call_start(c, NULL, 0, res))
		return res->kind;
	if (advance_s < 0)
		return fail(res, WK_ERR_INVALID, M_ADVANCE);
	int n = snprintf(body, sizeof body, "{\"advance_s\":%ld}", advance_s);
	return exchange(c, CALL_CONTROL, HTTP_POST, "/sandbox/clock", body, (size_t)n, NULL, res);
}
