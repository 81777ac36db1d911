/* sse.c — see sse.h. */
#include "net/sse.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

void sse_parser_init(struct sse_parser *p, sse_event_fn fn, void *arg)
{
	memset(p, 0, sizeof *p);
	p->fn = fn;
	p->arg = arg;
}

static void reset_event(struct sse_parser *p)
{
	p->data_len = 0;
	p->has_data = false;
	p->event_over = false;
	p->name[0] = '\0';
}

static void dispatch(struct sse_parser *p)
{
	if (p->event_over) {
		p->dropped++;
	} else if (p->has_data) {
		/* the last data line's LF is not part of the data */
		if (p->data_len > 0 && p->data[p->data_len - 1] == '\n')
			p->data_len--;
		p->data[p->data_len] = '\0';
		struct sse_event ev = {.name = p->name[0] ? p->name : "message", .id = p->id,
		                       .data = p->data, .data_len = p->data_len};
		p->events++;
		p->fn(p->arg, &ev);
	}
	reset_event(p);
}

static void copy_field(char *dst, size_t size, const char *v, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

/* One whole line (without its end). */
static void take_line(struct sse_parser *p, const char *l, size_t n)
{
	if (n == 0) {
		dispatch(p);
		return;
	}
	if (l[0] == ':')
		return; /* a comment: the server's keep-alive */
	const char *colon = memchr(l, ':', n);
	size_t fn = colon ? (size_t)(colon - l) : n;
	const char *v = colon ? colon + 1 : l + n;
	size_t vn = colon ? n - fn - 1 : 0;
	if (vn > 0 && v[0] == ' ')
		v++, vn--;
	if (fn == 4 && memcmp(l, "data", 4) == 0) {
		if (p->event_over || p->data_len + vn + 1 > SSE_EVENT_MAX) {
			p->event_over = true;
			return;
		}
		memcpy(p->data + p->data_len, v, vn);
		p->data_len += vn;
		p->data[p->data_len++] = '\n';
		p->has_data = true;
	} else if (fn == 5 && memcmp(l, "event", 5) == 0) {
		copy_field(p->name, sizeof p->name, v, vn);
	} else if (fn == 2 && memcmp(l, "id", 2) == 0 && !memchr(v, '\0', vn)) {
		copy_field(p->id, sizeof p->id, v, vn);
	}
	/* "retry" and unknown fields: ignored (the caller's back-off rules) */
}

void sse_parser_feed(struct sse_parser *p, const char *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = bytes[i];
		if (c == '\n' && p->after_cr) {
			p->after_cr = false;
			continue;
		}
		p->after_cr = c == '\r';
		if (c == '\n' || c == '\r') {
			if (p->line_over) {
				p->line_over = false;
				p->event_over = true; /* a line of it was lost: the event is not whole */
			} else {
				take_line(p, p->line, p->line_len);
			}
			p->line_len = 0;
			continue;
		}
		if (p->line_over)
			continue;
		if (p->line_len >= sizeof p->line) {
			p->line_over = true;
			continue;
		}
		p->line[p->line_len++] = c;
	}
}

/* ---- the stream ------------------------------------------------------------ */

struct stream {
	struct sse_parser *p;
	const atomic_bool *stop;
};

static size_t on_bytes(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct stream *s = arg;
	if (*s->stop)
		return 0; /* aborts the transfer */
	sse_parser_feed(s->p, ptr, size * nmemb);
	return size * nmemb;
}

static int on_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	struct stream *s = arg;
	(void)a, (void)b, (void)c, (void)d;
	return *s->stop ? 1 : 0;
}

void sse_stream(const char *url, const char *ca_file, struct sse_parser *p, const atomic_bool *stop,
                struct sse_result *out)
{
	sse_stream_bearer(url, ca_file, NULL, p, stop, out);
}

void sse_stream_bearer(const char *url, const char *ca_file, const char *token,
                       struct sse_parser *p, const atomic_bool *stop, struct sse_result *out)
{
	struct stream s = {.p = p, .stop = stop};
	char errbuf[CURL_ERROR_SIZE] = "";
	unsigned long before = p->events;
	memset(out, 0, sizeof *out);
	CURL *c = curl_easy_init();
	if (!c) {
		out->end = SSE_END_ERROR;
		snprintf(out->detail, sizeof out->detail, "curl_easy_init failed");
		return;
	}
	struct curl_slist *h = curl_slist_append(NULL, "Accept: text/event-stream");
	if (h && token && token[0]) {
		/* the header's text is wiped before it is freed: it holds the token */
		char auth[512];
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		struct curl_slist *h2 = curl_slist_append(h, auth);
		explicit_bzero(auth, sizeof auth);
		if (h2)
			h = h2;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)SSE_SILENCE_S);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_bytes);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &s);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	if (ca_file && ca_file[0])
		curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	out->events = p->events - before;
	if (*stop)
		out->end = SSE_END_STOPPED;
	else if (rc == CURLE_OK)
		out->end = SSE_END_CLOSED;
	else if (rc == CURLE_HTTP_RETURNED_ERROR)
		out->end = SSE_END_HTTP;
	else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
		out->end = SSE_END_CONNECT;
	else if (rc == CURLE_OPERATION_TIMEDOUT && out->status == 200)
		out->end = SSE_END_SILENT;
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		out->end = SSE_END_CONNECT;
	else
		out->end = SSE_END_ERROR;
	if (rc != CURLE_OK)
		snprintf(out->detail, sizeof out->detail, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
	for (struct curl_slist *l = h; l; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}
