/* sse.h — a server-sent events stream (the HTML "EventSource" format) read
 * with libcurl: the customer display's feed (`kaspi-pos display`).
 *
 * The parser is pure (no I/O; fuzzed): bytes in, events out. Lines end
 * in LF, CR LF or CR; "field: value" (one space after the colon dropped);
 * a line starting with ':' is a comment (a keep-alive); "data" lines are
 * joined with LF; "event" names the event ("message" when none); "id"
 * is kept; a blank line dispatches the event if it has data. An event or
 * a line longer than SSE_EVENT_MAX is dropped whole (its remaining bytes
 * up to the next blank line are skipped), never cut.
 *
 * sse_stream() opens the URL (GET, Accept: text/event-stream), feeds the
 * parser until the connection ends, an error, `*stop` becomes true, or no
 * byte comes for SSE_SILENCE_S seconds (the server sends a keep-alive
 * every 15), and returns why. TLS is verified as everywhere (a CA file
 * may be given); plain http is allowed, for a till on the shop's own
 * network. */
#ifndef KP_NET_SSE_H
#define KP_NET_SSE_H

#include "core/check.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define SSE_EVENT_MAX (64 * 1024)
#define SSE_NAME_MAX 64
#define SSE_SILENCE_S 40

/* One event: name and id NUL-terminated; data (data_len bytes, with a NUL
 * after) valid during the callback only. */
struct sse_event {
	const char *name;
	const char *id;
	const char *data;
	size_t data_len;
};

typedef void (*sse_event_fn)(void *arg, const struct sse_event *ev);

struct sse_parser {
	sse_event_fn fn;
	void *arg;
	char line[SSE_EVENT_MAX];       /* the line being read */
	size_t line_len;
	bool line_over;                 /* the line is too long: skip to its end */
	bool after_cr;                  /* the last byte was CR: an LF next is the same end */
	char data[SSE_EVENT_MAX + 1];   /* the event's data so far */
	size_t data_len;
	bool has_data;
	bool event_over;                /* too long: dropped at its blank line */
	char name[SSE_NAME_MAX];
	char id[SSE_NAME_MAX];
	unsigned long events;           /* dispatched */
	unsigned long dropped;          /* too long */
};

void sse_parser_init(struct sse_parser *p, sse_event_fn fn, void *arg);
/* Feeds n bytes; calls fn for each complete event. */
void sse_parser_feed(struct sse_parser *p, const char *bytes, size_t n);

enum sse_end {
	SSE_END_CLOSED,      /* the server ended the stream */
	SSE_END_STOPPED,     /* *stop became true */
	SSE_END_CONNECT,     /* no connection */
	SSE_END_SILENT,      /* nothing for SSE_SILENCE_S seconds */
	SSE_END_HTTP,        /* an answer that is not 200 (status) */
	SSE_END_ERROR,       /* any other failure (detail) */
};

struct sse_result {
	enum sse_end end;
	long status;         /* the HTTP status, 0 when none */
	unsigned long events;
	char detail[256];    /* curl's words on a failure */
};

/* Reads url's stream into p (sse_parser_init'ed) until it ends. stop is
 * read often (at least every second); it may be set by another thread. */
void sse_stream(const char *url, const char *ca_file, struct sse_parser *p, const atomic_bool *stop,
                struct sse_result *out);

/* The same with "Authorization: Bearer token" (token NULL or "": none),
 * for the hub's push stream; the header's copy is wiped after. */
void sse_stream_bearer(const char *url, const char *ca_file, const char *token,
                       struct sse_parser *p, const atomic_bool *stop, struct sse_result *out);

#endif
