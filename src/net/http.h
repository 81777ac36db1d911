/* http.h — a small libcurl wrapper: one persistent easy handle per client
 * (keep-alive), bounded time-outs, bounded bodies, TLS always verified,
 * and a failure taxonomy that says whether the request may have reached
 * the server.
 *
 * Threads: an http_client is NOT thread-safe; one thread uses it at a time
 * (in the till, the network worker owns it). curl_global_init() must have
 * run once before any client exists and before a second thread starts:
 * main() calls http_global_init() (xpay_global_init() forwards to it).
 *
 * Signals: CURLOPT_NOSIGNAL is set, so time-outs never use SIGALRM; the
 * program should ignore SIGPIPE (the app does, in main()). */
#ifndef KP_NET_HTTP_H
#define KP_NET_HTTP_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

/* A response body larger than this is aborted while it arrives. */
#define HTTP_BODY_MAX ((size_t)1024 * 1024)
/* Size of http_response.detail (curl's CURL_ERROR_SIZE). */
#define HTTP_DETAIL_SIZE 256

typedef enum http_err {
	HTTP_DONE = 0,      /* a whole response arrived (any status) */
	HTTP_E_CONNECT,     /* no connection (refused, DNS, connect time-out): nothing was sent */
	HTTP_E_TIMEOUT,     /* the request left, the answer did not come in time: outcome unknown */
	HTTP_E_TLS,         /* TLS handshake or certificate failure: nothing was sent */
	HTTP_E_NETWORK,     /* connection lost after the request left: outcome unknown */
	HTTP_E_BAD_REPLY,   /* not HTTP, or a body shorter than its Content-Length */
	HTTP_E_TOO_LARGE,   /* body over HTTP_BODY_MAX (aborted while receiving) */
	HTTP_E_NOMEM,       /* out of memory */
	HTTP_E_USAGE        /* bad base URL or scheme, bad arguments */
} http_err;

typedef enum http_method {
	HTTP_GET,
	HTTP_POST
} http_method;

typedef struct http_config {
	const char *base_url;        /* "https://host/prefix"; http:// only to a loopback host */
	const char *ca_file;         /* PEM bundle for CURLOPT_CAINFO; NULL: the system store */
	long connect_timeout_ms;     /* > 0 */
	long timeout_ms;             /* > 0: the whole request, connect included */
	const char *user_agent;      /* CURLOPT_USERAGENT */
	const char *const *headers;  /* NULL-terminated, sent with every request;
									copied, and wiped on http_client_free */
	const char *secret;          /* masked wherever it would show in debug output */
	FILE *debug;                 /* NULL: silent; else a redacted trace */
} http_config;

typedef struct http_response {
	http_err err;                /* HTTP_DONE when a whole response arrived */
	long status;                 /* HTTP status, 0 when none arrived */
	const char *body;            /* NUL-terminated; owned by the client, valid
									until its next request */
	size_t body_len;             /* bytes in body, without the NUL */
	long long content_length;    /* the Content-Length header, -1 if absent */
	bool replayed;               /* "Idempotent-Replayed: true" */
	long retry_after_s;          /* Retry-After in seconds, -1 if absent or unreadable */
	bool has_date;               /* a readable Date header came */
	time_t date;                 /* its value */
	time_t received_at;          /* local clock when the answer was complete */
	long elapsed_ms;             /* round trip, monotonic clock */
	bool sent;                   /* the request reached the wire (at least in part) */
	long new_connections;        /* connections opened by this request (0: reused) */
	char detail[HTTP_DETAIL_SIZE]; /* curl's own words on a failure, for logs */
} http_response;

typedef struct http_client http_client;

/* Calls curl_global_init() once per process; call from main() before any
 * thread starts. Returns false if libcurl cannot be initialised. */
bool http_global_init(void) KP_MUST_CHECK;
/* The matching curl_global_cleanup(), at exit, after every client is freed. */
void http_global_cleanup(void);

/* Creates a client from cfg (copied). Returns HTTP_DONE and sets *out, or
 * HTTP_E_USAGE (bad URL, scheme or time-out), HTTP_E_NOMEM. */
http_err http_client_new(const http_config *cfg, http_client **out);

/* Closes the connection and frees the client; the copied headers and
 * secret are wiped first. NULL is allowed. */
void http_client_free(http_client *c);

/* Sends one request to base_url + path (path starts with '/', already
 * escaped). headers: extra header lines for this request only,
 * NULL-terminated, may be NULL. body/len: a POST body (may be NULL/0).
 * Fills *resp and returns resp->err. Never takes longer than the
 * configured timeout (plus scheduling noise). */
http_err http_request(http_client *c, http_method method, const char *path,
					  const char *const *headers, const char *body, size_t len,
					  http_response *resp);

/* Overwrites the body of the last answer (it held a secret, such as a
 * token); the response that pointed at it reads as empty after this. */
void http_response_wipe(http_client *c);

/* Connections opened since the client was created (keep-alive check). */
long http_client_connects(const http_client *c);

/* Reads one raw header line of an answer (as curl hands it over, CRLF
 * included, not NUL-terminated) into r: Content-Length, Date, Retry-After
 * (seconds or an HTTP date), Idempotent-Replayed; a status line resets
 * them. Returns false when the answer must be aborted (Content-Length
 * over HTTP_BODY_MAX). Pure: exposed for tests and the fuzzer. */
bool http_header_line(http_response *r, const char *buf, size_t n);

/* A short English name of err, for logs ("timeout", "connect", ...). */
const char *http_err_name(http_err err);

#endif
