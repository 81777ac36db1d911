/* xpay.h — typed client of the xpayment API (see API.md): health, create,
 * status, cancel, refund, and the local sandbox's control steps.
 *
 * Every call returns an xpay_kind and fills an xpay_result that says what
 * happened in terms the caller can act on: whether the outcome is unknown
 * (the request may have reached the server), whether an idempotent repeat
 * is the right move (xpay_result_retryable), how long 429 asked to wait,
 * the server's clock skew, and one line for the cashier's screen — as a
 * message (core/msg.h: a msgid of xpay.c's table and its arguments), which
 * the app says in the cashier's language (app/i18n.h, kp_msg_text).
 *
 * The client never retries by itself: the payflow journals a request body
 * before it leaves (xpay_create_body / xpay_refund_body) and repeats it
 * byte for byte (xpay_create_send / xpay_refund_send) when it decides to.
 * One exception lives inside libcurl: when a kept-alive connection turns
 * out to be dead before a single byte of the answer came, curl re-sends
 * the request once on a fresh connection. That is safe here because every
 * POST carries its idempotency key (a create or refund comes back as a
 * replay) and a repeated cancel answers payment_not_cancellable with the
 * payment, already cancelled.
 *
 * Threads: a client is NOT thread-safe. One thread (the network worker)
 * creates, uses and frees it. xpay_global_init() runs once in main()
 * before any thread starts (it calls curl_global_init).
 *
 * Secrets: the key is checked for its format before anything is sent, is
 * never printed (messages, debug trace), and is wiped on free. */
#ifndef KP_NET_XPAY_H
#define KP_NET_XPAY_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "core/msg.h"

#define XPAY_CONNECT_TIMEOUT_MS 3000L   /* default of xpay_options.connect_timeout_ms */
#define XPAY_TIMEOUT_MS 10000L          /* default of xpay_options.timeout_ms */
#define XPAY_BODY_MAX (64 * 1024)       /* request body limit of the contract */

#define XPAY_ID_SIZE 128        /* server ids (payment_id, refund_id): 1–127 printable ASCII */
#define XPAY_ORDER_ID_SIZE 65   /* merchant_order_id / merchant_refund_id: 3–64 ASCII */
#define XPAY_QR_SIZE 2960       /* qr_token, deeplink: a QR holds at most 2953 bytes */
#define XPAY_URL_SIZE 2048      /* qr_image */
#define XPAY_SHORT_SIZE 64      /* version, method, refund status and such */
#define XPAY_EVENTS_MAX 32      /* known events kept per payment (the first ones) */
#define XPAY_CODE_SIZE 48       /* the contract's error codes: [a-z0-9_] */
#define XPAY_MESSAGE_SIZE 160   /* a server's own error message, kept as a detail */

/* What came of a call. */
typedef enum xpay_kind {
	XPAY_OK = 0,
	XPAY_ERR_CONFIG,        /* bad key format, BIN, base URL or time-out: nothing sent */
	XPAY_ERR_INVALID,       /* the request breaks a rule of the contract: nothing sent */
	XPAY_ERR_CONNECT,       /* no connection to the server: nothing sent */
	XPAY_ERR_TIMEOUT,       /* no answer in time: outcome unknown */
	XPAY_ERR_TLS,           /* TLS handshake or certificate failure: nothing sent */
	XPAY_ERR_NETWORK,       /* connection dropped mid-way: outcome unknown */
	XPAY_ERR_HTTP,          /* the server said no: http_status, code, message;
	                           5xx: outcome unknown, retryable */
	XPAY_ERR_RATE_LIMITED,  /* 429: retry after retry_after_s */
	XPAY_ERR_BAD_BODY,      /* an answer that is not what the contract says (not
	                           HTTP or JSON, cut short, over 1 MiB, wrong types,
	                           missing fields): outcome unknown, retryable */
	XPAY_UNSUPPORTED,       /* the server lacks this extension (cancel): not an error */
	XPAY_ERR_NOMEM          /* out of memory */
} xpay_kind;

typedef struct xpay_result {
	xpay_kind kind;
	long http_status;               /* 0 when no response arrived */
	char code[XPAY_CODE_SIZE];      /* the contract's error code, "" if none */
	struct kp_msg msg;              /* one line for the cashier (kp_msg_text says it in
	                                   the cashier's language); empty on success */
	bool replayed;                  /* Idempotent-Replayed: true (a repeat found the original) */
	bool outcome_unknown;           /* the request may have taken effect: settle it later */
	bool has_payment;               /* cancel → 422 payment_not_cancellable: *out holds
									   the current payment from the error body */
	long retry_after_s;             /* 429: seconds to wait (Retry-After, default 1) */
	long round_trip_ms;             /* from send to the end of the answer */
	bool has_skew;                  /* the answer had a readable Date header */
	long skew_s;                    /* server clock − local clock, seconds */
} xpay_result;

/* Client settings; strings are copied by xpay_client_new. */
typedef struct xpay_options {
	const char *base_url;     /* "https://api.xpayment.kz/api/v1"; http:// only to loopback */
	const char *key;          /* "xdev_" + 20 of [a-z0-9] */
	const char *merchant_id;  /* the merchant's 12-digit BIN */
	const char *ca_file;      /* PEM CA bundle; NULL: the system store */
	long connect_timeout_ms;  /* 0: XPAY_CONNECT_TIMEOUT_MS */
	long timeout_ms;          /* 0: XPAY_TIMEOUT_MS (whole request) */
	FILE *debug;              /* NULL: silent; else a trace with the key redacted */
} xpay_options;

typedef struct xpay_client xpay_client;

/* Payment states of the contract; XPAY_STATE_UNKNOWN for a state this
 * client does not know (treat as not final). */
typedef enum xpay_state {
	XPAY_STATE_UNKNOWN = 0,
	XPAY_STATE_PENDING,
	XPAY_STATE_SUCCEEDED,
	XPAY_STATE_CANCELLED,
	XPAY_STATE_FAILED,
	XPAY_STATE_EXPIRED
} xpay_state;

typedef enum xpay_event_type {
	XPAY_EV_CREATED,
	XPAY_EV_SCANNED,
	XPAY_EV_COMPLETED,
	XPAY_EV_CANCELLED,
	XPAY_EV_FAILED,
	XPAY_EV_EXPIRED,
	XPAY_EV_REFUNDED
} xpay_event_type;

typedef struct xpay_health {
	char status[XPAY_SHORT_SIZE];   /* "ok" when all is well */
	time_t timestamp;               /* server time, 0 if not given */
	char version[XPAY_SHORT_SIZE];  /* server version, "" if not given */
} xpay_health;

/* One line of a create request. */
typedef struct xpay_product {
	const char *name;       /* 1–128 characters */
	int64_t quantity;       /* ≥ 1 */
	int64_t price;          /* unit price in tiyn, ≥ 0, VAT included */
	int tax_rate;           /* VAT percent 0–100 */
} xpay_product;

/* A create request. Optional strings are NULL to leave them out. */
typedef struct xpay_order {
	const char *merchant_order_id;  /* 3–64 printable ASCII, no space; the idempotency key */
	int64_t amount;                 /* tiyn, 1 … 100000000; = Σ price × quantity */
	const char *description;        /* ≤ 255 characters, optional */
	const char *payer_phone;        /* "+77" + 9 digits; required for "phone" */
	const char *payment_method;     /* "qr", "phone" or "card" */
	const char *return_url;         /* optional */
	const char *callback_url;       /* optional: where webhooks go */
	const xpay_product *products;   /* n_products lines; 0 leaves the field out */
	size_t n_products;
} xpay_order;

/* The answer to a create. */
typedef struct xpay_created {
	char payment_id[XPAY_ID_SIZE];
	char qr_token[XPAY_QR_SIZE];    /* what the QR encodes, exactly */
	char qr_image[XPAY_URL_SIZE];   /* "" if not given */
	char deeplink[XPAY_QR_SIZE];    /* "" if not given */
	xpay_state status;              /* current status (a replay may be past pending) */
	time_t expires_at;              /* authoritative end of the QR */
} xpay_created;

typedef struct xpay_event {
	xpay_event_type type;
	time_t at;
} xpay_event;

/* The payment object (status, cancel, sandbox steps). */
typedef struct xpay_payment {
	char payment_id[XPAY_ID_SIZE];
	char merchant_order_id[XPAY_ORDER_ID_SIZE];
	xpay_state status;
	char status_text[XPAY_SHORT_SIZE];      /* the status string as sent */
	int64_t amount;                         /* tiyn */
	int64_t refunded_amount;                /* tiyn, ≤ amount */
	char payment_method[XPAY_SHORT_SIZE];
	time_t created_at;
	time_t expires_at;
	size_t n_events;                        /* known events stored in events[] */
	size_t n_events_total;                  /* known events in the answer (may exceed MAX) */
	xpay_event events[XPAY_EVENTS_MAX];     /* in the server's order; unknown types skipped */
} xpay_payment;

/* A refund request. */
typedef struct xpay_refund_req {
	const char *payment_id;
	int64_t amount;                 /* tiyn, 1 … 100000000 */
	const char *reason;             /* 1–255 characters */
	const char *merchant_refund_id; /* 3–64 ASCII: the idempotency key; NULL leaves it out */
} xpay_refund_req;

/* The answer to a refund. */
typedef struct xpay_refunded {
	char refund_id[XPAY_ID_SIZE];
	char payment_id[XPAY_ID_SIZE];
	char merchant_refund_id[XPAY_ORDER_ID_SIZE]; /* "" if the server gave none */
	int64_t amount;
	char status[XPAY_SHORT_SIZE];   /* "succeeded" */
	time_t created_at;
} xpay_refunded;

/* The local sandbox's control steps (POST /sandbox/payments/{id}/STEP). */
typedef enum xpay_sandbox_step {
	XPAY_SANDBOX_SCAN,
	XPAY_SANDBOX_PAY,
	XPAY_SANDBOX_DECLINE,
	XPAY_SANDBOX_FAIL,
	XPAY_SANDBOX_EXPIRE
} xpay_sandbox_step;

/* Which call an answer belongs to (error mapping differs per call). */
typedef enum xpay_call {
	XPAY_CALL_HEALTH,
	XPAY_CALL_CREATE,
	XPAY_CALL_STATUS,
	XPAY_CALL_CANCEL,
	XPAY_CALL_REFUND,
	XPAY_CALL_SANDBOX
} xpay_call;

/* ---- process and client ------------------------------------------------ */

/* curl_global_init once, from main() before any thread starts. */
bool xpay_global_init(void) KP_MUST_CHECK;
/* curl_global_cleanup at exit, after every client is freed. */
void xpay_global_cleanup(void);

/* Checks the options (key format first: the message never echoes the key)
 * and creates a client; no request is made. Returns NULL and fills *res
 * (XPAY_ERR_CONFIG or XPAY_ERR_NOMEM) on failure. */
xpay_client *xpay_client_new(const xpay_options *opt, xpay_result *res);
/* Closes the connection, wipes the key, frees. NULL is allowed. */
void xpay_client_free(xpay_client *c);
/* Connections opened so far (1 after any number of calls when keep-alive works). */
long xpay_client_connects(const xpay_client *c);

/* ---- calls: each fills *res and returns res->kind ------------------------ */

/* GET /health */
xpay_kind xpay_health_get(xpay_client *c, xpay_health *out, xpay_result *res) KP_MUST_CHECK;

/* POST /payment/orders: xpay_create_body + xpay_create_send. */
xpay_kind xpay_create(xpay_client *c, const xpay_order *order,
					  xpay_created *out, xpay_result *res) KP_MUST_CHECK;

/* Checks the order against the contract's rules and writes the exact
 * request body: compact JSON, fields in the order of API.md, absent
 * optional fields left out. *body is malloc'd (free() it), NUL-terminated,
 * *len bytes. XPAY_ERR_INVALID with a message on a broken rule. */
xpay_kind xpay_create_body(const xpay_order *order, char **body, size_t *len,
						   xpay_result *res) KP_MUST_CHECK;

/* Sends a stored create body byte for byte; X-Idempotency-Key is the
 * body's merchant_order_id (left out if the body has none). A repeat of a
 * body that arrived answers 200 with res->replayed. */
xpay_kind xpay_create_send(xpay_client *c, const char *body, size_t len,
						   xpay_created *out, xpay_result *res) KP_MUST_CHECK;

/* GET /payments/{payment_id} */
xpay_kind xpay_payment_get(xpay_client *c, const char *payment_id,
						   xpay_payment *out, xpay_result *res) KP_MUST_CHECK;

/* POST /payments/{payment_id}/cancel [extension]. XPAY_OK: *out is the
 * cancelled payment. XPAY_UNSUPPORTED: the server has no cancel (404
 * without payment_not_found, or 405). XPAY_ERR_HTTP with code
 * "payment_not_cancellable": res->has_payment tells whether *out holds the
 * payment's current state from the error body. */
xpay_kind xpay_cancel(xpay_client *c, const char *payment_id,
					  xpay_payment *out, xpay_result *res) KP_MUST_CHECK;

/* POST /refunds: xpay_refund_body + xpay_refund_send. */
xpay_kind xpay_refund(xpay_client *c, const xpay_refund_req *req,
					  xpay_refunded *out, xpay_result *res) KP_MUST_CHECK;
/* The exact refund body (see xpay_create_body). */
xpay_kind xpay_refund_body(const xpay_refund_req *req, char **body, size_t *len,
						   xpay_result *res) KP_MUST_CHECK;
/* Sends a stored refund body; X-Idempotency-Key is its merchant_refund_id. */
xpay_kind xpay_refund_send(xpay_client *c, const char *body, size_t len,
						   xpay_refunded *out, xpay_result *res) KP_MUST_CHECK;

/* POST /sandbox/payments/{id}/{step}: the local sandbox only. */
xpay_kind xpay_sandbox(xpay_client *c, const char *payment_id, xpay_sandbox_step step,
					   xpay_payment *out, xpay_result *res) KP_MUST_CHECK;

/* ---- results ----------------------------------------------------------- */

/* True when repeating the same call (same body, same idempotency key)
 * later is safe and may give a better answer: time-out, dropped
 * connection, no connection, 5xx, 429, or an unreadable answer. Honour
 * retry_after_s for 429. */
bool xpay_result_retryable(const xpay_result *r);

/* Short English names, for logs. */
const char *xpay_kind_name(xpay_kind k);
const char *xpay_state_name(xpay_state s);
/* True for succeeded, cancelled, failed, expired. */
bool xpay_state_final(xpay_state s);

/* ---- pure parsing and mapping (no I/O; unit tests and the fuzzer) ------ */

/* Each parses a 2xx body strictly: a JSON object, required fields present
 * with the right types (amounts integral, in range), strings within their
 * buffers, times RFC 3339; unknown fields ignored. They set res->kind and,
 * on failure, res->msg (XPAY_ERR_BAD_BODY); other fields untouched. */
xpay_kind xpay_parse_health(const char *body, size_t len, xpay_health *out, xpay_result *res) KP_MUST_CHECK;
xpay_kind xpay_parse_created(const char *body, size_t len, xpay_created *out, xpay_result *res) KP_MUST_CHECK;
xpay_kind xpay_parse_payment(const char *body, size_t len, xpay_payment *out, xpay_result *res) KP_MUST_CHECK;
xpay_kind xpay_parse_refund(const char *body, size_t len, xpay_refunded *out, xpay_result *res) KP_MUST_CHECK;

/* Maps a non-2xx answer of `call` to kind, code, msg,
 * outcome_unknown and retry_after_s (retry_after_s: the header's value,
 * -1 if absent). For a cancel's 422 payment_not_cancellable, parses the
 * trailing payment object into *payment (may be NULL) and sets
 * res->has_payment. */
void xpay_map_error(xpay_call call, long http_status, const char *body, size_t len,
					long retry_after_s, xpay_payment *payment, xpay_result *res);

#endif
