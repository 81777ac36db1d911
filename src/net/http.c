/* http.c — libcurl wrapper; see http.h for the contract.
 *
 * One CURL easy handle lives as long as the client, so its connection
 * cache keeps the TCP/TLS connection alive between calls. Options that
 * never change are set once in http_client_new(); http_request() sets
 * only what differs per call (URL, method, body, extra headers) and
 * resets the per-response state it collects through callbacks. */
#include "net/http.h"
#include "core/grow.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

#include "core/clock.h"

#define BODY_INITIAL_CAP 4096
#define DEBUG_LINE_MAX 1000
#define RETRY_AFTER_MAX 86400L

struct http_client {
	CURL *curl;                     /* the one easy handle: owns the connection */
	char *base_url;                 /* without a trailing '/' */
	struct curl_slist *headers;     /* per-client headers (may hold the key) */
	struct curl_slist *headers_tail;/* its last node, to chain per-call headers */
	char *secret;                   /* copy of the secret to mask, or NULL */
	FILE *debug;                    /* trace sink, or NULL */
	char *buf;                      /* response body, NUL-terminated */
	size_t len;                     /* bytes in buf */
	size_t cap;                     /* allocated bytes of buf */
	bool too_large;                 /* the body passed HTTP_BODY_MAX */
	bool nomem;                     /* a body allocation failed */
	bool sent;                      /* CURLOPT_PREREQFUNCTION ran: request going out */
	long connects;                  /* total new connections */
	http_response *resp;            /* the response being filled (headers) */
	char errbuf[CURL_ERROR_SIZE];   /* CURLOPT_ERRORBUFFER */
};

bool http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

void http_global_cleanup(void)
{
	curl_global_cleanup();
}

const char *http_err_name(http_err err)
{
	switch (err) {
	case HTTP_DONE: return "done";
	case HTTP_E_CONNECT: return "connect";
	case HTTP_E_TIMEOUT: return "timeout";
	case HTTP_E_TLS: return "tls";
	case HTTP_E_NETWORK: return "network";
	case HTTP_E_BAD_REPLY: return "bad-reply";
	case HTTP_E_TOO_LARGE: return "too-large";
	case HTTP_E_NOMEM: return "nomem";
	case HTTP_E_USAGE: return "usage";
	}
	return "?";
}

/* Frees a header list after overwriting every string in it. */
static void slist_free_wiped(struct curl_slist *list)
{
	for (struct curl_slist *n = list; n; n = n->next)
		if (n->data)
			explicit_bzero(n->data, strlen(n->data));
	curl_slist_free_all(list);
}

/* ---- debug trace with redaction ---------------------------------------- */

static bool starts_with_ci(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);
	return n >= p && strncasecmp(s, prefix, p) == 0;
}

/* Writes one line of curl's trace to the debug sink. An Authorization
 * header is replaced whole; the configured secret, any "Bearer <token>"
 * and any "xdev_..." run are masked wherever they appear; control bytes
 * become '?'; the line is cut at DEBUG_LINE_MAX. */
static void debug_line(http_client *c, const char *tag, const char *s, size_t n)
{
	char out[DEBUG_LINE_MAX + 16];
	size_t o = 0;

	if (n == 0)
		return;
	if (starts_with_ci(s, n, "authorization:")) {
		fprintf(c->debug, "%s Authorization: [redacted]\n", tag);
		return;
	}
	size_t slen = c->secret ? strlen(c->secret) : 0;
	for (size_t i = 0; i < n && o < DEBUG_LINE_MAX;) {
		size_t skip = 0;
		if (slen && n - i >= slen && memcmp(s + i, c->secret, slen) == 0) {
			skip = slen;
		} else if (starts_with_ci(s + i, n - i, "bearer ")) {
			skip = 7;
			while (i + skip < n && s[i + skip] != ' ' && s[i + skip] != ',')
				skip++;
		} else if (n - i >= 5 && memcmp(s + i, "xdev_", 5) == 0) {
			skip = 5;
			while (i + skip < n && isalnum((unsigned char)s[i + skip]))
				skip++;
		}
		if (skip) {
			int w = snprintf(out + o, sizeof out - o, "[redacted]");
			if (w > 0)
				o += (size_t)w < sizeof out - o ? (size_t)w : sizeof out - o - 1;
			i += skip;
			continue;
		}
		unsigned char ch = (unsigned char)s[i++];
		out[o++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	fprintf(c->debug, "%s %.*s\n", tag, (int)o, out);
}

/* CURLOPT_DEBUGFUNCTION: headers and curl's notes line by line, bodies as
 * byte counts only (they carry phone numbers), TLS data never. */
static int debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *userp)
{
	http_client *c = userp;
	const char *tag;

	(void)h;
	switch (type) {
	case CURLINFO_TEXT: tag = "*"; break;
	case CURLINFO_HEADER_IN: tag = "<"; break;
	case CURLINFO_HEADER_OUT: tag = ">"; break;
	case CURLINFO_DATA_IN:
		fprintf(c->debug, "< [%zu bytes of body]\n", size);
		return 0;
	case CURLINFO_DATA_OUT:
		fprintf(c->debug, "> [%zu bytes of body]\n", size);
		return 0;
	default:
		return 0;
	}
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i == size || data[i] == '\n') {
			size_t end = i;
			if (end > start && data[end - 1] == '\r')
				end--;
			debug_line(c, tag, data + start, end - start);
			start = i + 1;
		}
	}
	return 0;
}

/* ---- response callbacks ------------------------------------------------ */

/* Parses a run of decimal digits (nothing else) into *out, false on
 * anything else or overflow past max. */
static bool parse_digits(const char *s, size_t n, long long max, long long *out)
{
	long long v = 0;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		int d = s[i] - '0';
		if (v > (max - d) / 10)
			return false;           /* would pass max (and never overflow) */
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* Picks the headers the client acts on; see http.h. */
bool http_header_line(http_response *r, const char *buf, size_t n)
{
	if (n >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
		r->content_length = -1;
		r->replayed = false;
		r->retry_after_s = -1;
		r->has_date = false;
		return true;
	}
	const char *colon = memchr(buf, ':', n);
	if (!colon)
		return true;
	size_t name_len = (size_t)(colon - buf);
	const char *v = colon + 1;
	size_t vlen = n - name_len - 1;
	while (vlen && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' ||
					v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;

	char tmp[128];
	if (name_len == 14 && strncasecmp(buf, "Content-Length", 14) == 0) {
		long long cl;
		if (!parse_digits(v, vlen, LLONG_MAX, &cl)) {
			r->content_length = -1;
			return true;
		}
		r->content_length = cl;
		if ((unsigned long long)cl > HTTP_BODY_MAX)
			return false;           /* abort before the body comes */
	} else if (name_len == 4 && strncasecmp(buf, "Date", 4) == 0) {
		if (vlen < sizeof tmp) {
			memcpy(tmp, v, vlen);
			tmp[vlen] = '\0';
			time_t t = curl_getdate(tmp, NULL);
			if (t != (time_t)-1) {
				r->has_date = true;
				r->date = t;
			}
		}
	} else if (name_len == 11 && strncasecmp(buf, "Retry-After", 11) == 0) {
		long long secs;
		if (parse_digits(v, vlen, LLONG_MAX, &secs)) {
			r->retry_after_s = secs > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : (long)secs;
		} else if (vlen < sizeof tmp) {
			memcpy(tmp, v, vlen);
			tmp[vlen] = '\0';
			time_t t = curl_getdate(tmp, NULL);
			if (t != (time_t)-1) {
				time_t now = time(NULL);
				long d = t > now ? (long)(t - now) : 0;
				r->retry_after_s = d > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : d;
			}
		}
	} else if (name_len == 19 && strncasecmp(buf, "Idempotent-Replayed", 19) == 0) {
		r->replayed = vlen == 4 && strncasecmp(v, "true", 4) == 0;
	}
	return true;
}

/* CURLOPT_HEADERFUNCTION: each header line of the answer, see
 * http_header_line. Returning 0 makes curl abort the transfer. */
static size_t header_cb(char *buf, size_t size, size_t nitems, void *userp)
{
	http_client *c = userp;
	size_t n = size * nitems;

	if (!http_header_line(c->resp, buf, n)) {
		c->too_large = true;
		return 0;
	}
	return n;
}

/* CURLOPT_WRITEFUNCTION: appends to the client's buffer; returning less
 * than given makes curl abort the transfer (too large, no memory). */
static size_t write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	http_client *c = userp;
	size_t n = size * nmemb;

	if (n > HTTP_BODY_MAX - c->len) {
		c->too_large = true;
		return 0;
	}
	if (!KP_GROW(c->buf, c->cap, c->len + n + 1, BODY_INITIAL_CAP)) {
		c->nomem = true;
		return 0;
	}
	memcpy(c->buf + c->len, data, n);
	c->len += n;
	c->buf[c->len] = '\0';
	return n;
}

/* CURLOPT_PREREQFUNCTION: the connection is up and the request is about
 * to be written. Before this, a failure means nothing reached the server. */
static int prereq_cb(void *userp, char *primary_ip, char *local_ip,
					 int primary_port, int local_port)
{
	http_client *c = userp;
	(void)primary_ip;
	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	c->sent = true;
	return CURL_PREREQFUNC_OK;
}

/* ---- client ------------------------------------------------------------ */

static bool is_loopback_host(const char *host)
{
	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
		return true;
	return strncmp(host, "127.", 4) == 0 && strspn(host, "0123456789.") == strlen(host);
}

/* Accepts http(s)://host[:port][/path] without user info, query or
 * fragment; plain http only to a loopback host (the local sandbox), so
 * that the key never crosses a network unencrypted. */
static bool base_url_ok(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *query = NULL, *frag = NULL;
	bool ok = false;

	if (!u)
		return false;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
		curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
		curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK ||
		curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0) == CURLUE_OK)
		goto out;
	if (strcasecmp(scheme, "https") == 0)
		ok = true;
	else if (strcasecmp(scheme, "http") == 0)
		ok = is_loopback_host(host);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(query);
	curl_free(frag);
	curl_url_cleanup(u);
	return ok;
}

#define SETOPT(c, opt, val) \
	do { if (curl_easy_setopt((c), (opt), (val)) != CURLE_OK) goto fail; } while (0)

http_err http_client_new(const http_config *cfg, http_client **out)
{
	*out = NULL;
	if (!cfg || !cfg->base_url || cfg->connect_timeout_ms <= 0 || cfg->timeout_ms <= 0)
		return HTTP_E_USAGE;
	if (strncasecmp(cfg->base_url, "http://", 7) != 0 &&
		strncasecmp(cfg->base_url, "https://", 8) != 0)
		return HTTP_E_USAGE;
	if (!base_url_ok(cfg->base_url))
		return HTTP_E_USAGE;

	http_client *c = calloc(1, sizeof *c);
	if (!c)
		return HTTP_E_NOMEM;
	c->debug = cfg->debug;
	c->base_url = strdup(cfg->base_url);
	if (!c->base_url)
		goto nomem;
	size_t bl = strlen(c->base_url);
	while (bl && c->base_url[bl - 1] == '/')
		c->base_url[--bl] = '\0';
	if (cfg->secret && cfg->secret[0]) {
		c->secret = strdup(cfg->secret);
		if (!c->secret)
			goto nomem;
	}
	for (const char *const *h = cfg->headers; h && *h; h++) {
		struct curl_slist *n = curl_slist_append(c->headers, *h);
		if (!n)
			goto nomem;
		c->headers = n;
	}
	for (struct curl_slist *n = c->headers; n; n = n->next)
		c->headers_tail = n;

	c->curl = curl_easy_init();
	if (!c->curl)
		goto nomem;
	CURL *h = c->curl;
	SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, cfg->connect_timeout_ms);
	SETOPT(h, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
	/* TLS: verification is on and nothing in the API can turn it off.
	 * VERIFYHOST 2 is curl's documented "check the name" value (1 means
	 * the same since 7.66). */
	SETOPT(h, CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cfg->ca_file && cfg->ca_file[0])
		SETOPT(h, CURLOPT_CAINFO, cfg->ca_file);
	SETOPT(h, CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SETOPT(h, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(h, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
	SETOPT(h, CURLOPT_TCP_KEEPALIVE, 1L);
	SETOPT(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)HTTP_BODY_MAX);
	if (cfg->user_agent)
		SETOPT(h, CURLOPT_USERAGENT, cfg->user_agent);
	SETOPT(h, CURLOPT_ERRORBUFFER, c->errbuf);
	SETOPT(h, CURLOPT_WRITEFUNCTION, write_cb);
	SETOPT(h, CURLOPT_WRITEDATA, c);
	SETOPT(h, CURLOPT_HEADERFUNCTION, header_cb);
	SETOPT(h, CURLOPT_HEADERDATA, c);
	SETOPT(h, CURLOPT_PREREQFUNCTION, prereq_cb);
	SETOPT(h, CURLOPT_PREREQDATA, c);
	if (c->debug) {
		SETOPT(h, CURLOPT_DEBUGFUNCTION, debug_cb);
		SETOPT(h, CURLOPT_DEBUGDATA, c);
		SETOPT(h, CURLOPT_VERBOSE, 1L);
	}
	*out = c;
	return HTTP_DONE;
fail:
	http_client_free(c);
	return HTTP_E_USAGE;
nomem:
	http_client_free(c);
	return HTTP_E_NOMEM;
}

void http_client_free(http_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	slist_free_wiped(c->headers);
	if (c->secret) {
		explicit_bzero(c->secret, strlen(c->secret));
		free(c->secret);
	}
	free(c->base_url);
	free(c->buf);
	free(c);
}

void http_response_wipe(http_client *c)
{
	if (c && c->buf) {
		explicit_bzero(c->buf, c->cap);
		c->len = 0;
	}
}

long http_client_connects(const http_client *c)
{
	return c ? c->connects : 0;
}

static bool has_header(const char *const *headers, const char *prefix)
{
	for (const char *const *h = headers; h && *h; h++)
		if (starts_with_ci(*h, strlen(*h), prefix))
			return true;
	return false;
}

/* Sorts a curl failure into the taxonomy of http.h; `sent` tells whether
 * the request had started to go out. */
static http_err classify(const http_client *c, CURLcode rc, bool sent)
{
	switch (rc) {
	case CURLE_OK:
		return HTTP_DONE;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		return HTTP_E_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return sent ? HTTP_E_TIMEOUT : HTTP_E_CONNECT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
		return sent ? HTTP_E_NETWORK : HTTP_E_TLS;
	case CURLE_PARTIAL_FILE:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
		return HTTP_E_BAD_REPLY;
	case CURLE_UNSUPPORTED_PROTOCOL:     /* e.g. an HTTP/0.9 answer */
		return sent ? HTTP_E_BAD_REPLY : HTTP_E_USAGE;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (c->too_large || rc == CURLE_FILESIZE_EXCEEDED)
			return HTTP_E_TOO_LARGE;
		return c->nomem ? HTTP_E_NOMEM : HTTP_E_NETWORK;
	case CURLE_OUT_OF_MEMORY:
		return HTTP_E_NOMEM;
	case CURLE_URL_MALFORMAT:
		return HTTP_E_USAGE;
	default:
		return sent ? HTTP_E_NETWORK : HTTP_E_CONNECT;
	}
}

http_err http_request(http_client *c, http_method method, const char *path,
					  const char *const *headers, const char *body, size_t len,
					  http_response *resp)
{
	struct curl_slist *extra = NULL;
	char *url = NULL;
	http_err err = HTTP_E_USAGE;

	memset(resp, 0, sizeof *resp);
	resp->content_length = -1;
	resp->retry_after_s = -1;
	resp->body = "";
	if (!c || !path || path[0] != '/' || (len && !body))
		goto done;

	size_t ulen = strlen(c->base_url) + strlen(path) + 1;
	url = malloc(ulen);
	if (!url) {
		err = HTTP_E_NOMEM;
		goto done;
	}
	snprintf(url, ulen, "%s%s", c->base_url, path);

	for (const char *const *h = headers; h && *h; h++) {
		struct curl_slist *n = curl_slist_append(extra, *h);
		if (!n) {
			err = HTTP_E_NOMEM;
			goto done;
		}
		extra = n;
	}
	if (method == HTTP_POST) {
		/* no "Expect: 100-continue" round trip; no form Content-Type
		 * that curl would add to a POST without one */
		const char *fixed[] = { "Expect:", "Content-Type:" };
		size_t nfixed = has_header(headers, "content-type:") ? 1 : 2;
		for (size_t i = 0; i < nfixed; i++) {
			struct curl_slist *n = curl_slist_append(extra, fixed[i]);
			if (!n) {
				err = HTTP_E_NOMEM;
				goto done;
			}
			extra = n;
		}
	}

	CURL *h = c->curl;
	c->len = 0;
	if (c->buf)
		c->buf[0] = '\0';
	c->too_large = false;
	c->nomem = false;
	c->sent = false;
	c->errbuf[0] = '\0';
	c->resp = resp;

	curl_easy_setopt(h, CURLOPT_URL, url);
	if (method == HTTP_POST) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, len ? body : "");
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	/* The per-call headers are chained after the client's own for this
	 * call only, so the key is never copied again. */
	struct curl_slist *list = c->headers ? c->headers : extra;
	if (c->headers_tail)
		c->headers_tail->next = extra;
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);

	int64_t t0 = kp_mono_ms();
	CURLcode rc = curl_easy_perform(h);
	resp->elapsed_ms = (long)(kp_mono_ms() - t0);
	resp->received_at = time(NULL);

	if (c->headers_tail)
		c->headers_tail->next = NULL;
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);

	long code = 0, nconn = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &nconn);
	resp->status = code;
	resp->new_connections = nconn;
	c->connects += nconn;
	resp->sent = c->sent;
	resp->body = c->buf ? c->buf : "";
	resp->body_len = c->len;

	err = classify(c, rc, c->sent);
	if (err == HTTP_DONE && resp->content_length >= 0 &&
		(unsigned long long)resp->content_length != (unsigned long long)c->len)
		err = HTTP_E_BAD_REPLY;
	if (err != HTTP_DONE)
		snprintf(resp->detail, sizeof resp->detail, "%s",
				 c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
	if (c->debug)
		fprintf(c->debug, "* %s %s -> %ld %s in %ld ms%s\n",
				method == HTTP_POST ? "POST" : "GET", path, code,
				http_err_name(err), resp->elapsed_ms, nconn ? " (new connection)" : "");
	c->resp = NULL;
done:
	curl_slist_free_all(extra);
	free(url);
	resp->err = err;
	return err;
}
