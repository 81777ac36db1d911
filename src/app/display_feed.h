/* display_feed.h — the customer display's view as the till serves it
 * (app/display.c: GET /display/events, one JSON view per `state` event),
 * read back by `kaspi-pos display` on another terminal: a thread reads
 * the stream (net/sse.h), keeps the newest view and wakes the UI thread
 * through a pipe; when the stream ends it says so at once (the screen
 * shows "no connection" and never a stale QR) and connects again after
 * a pause (1 s, doubling to 5 s).
 *
 * The view is the feed's whitelist, parsed strictly: a field of the wrong
 * type is a view refused (the last good one is kept only while the stream
 * lives; the screen says the feed is damaged). Text fields are made safe
 * for a terminal here (core/text.h), cut at a character boundary. */
#ifndef KP_APP_DISPLAY_FEED_H
#define KP_APP_DISPLAY_FEED_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DFEED_LINES_MAX 500
#define DFEED_TEXT 192
#define DFEED_QR 1024

enum dfeed_screen { DFEED_IDLE, DFEED_BASKET, DFEED_PAYMENT, DFEED_THANKS };
enum dfeed_pay_state {
	DFEED_WAITING,
	DFEED_SCANNED,
	DFEED_PAID,
	DFEED_DECLINED,
	DFEED_EXPIRED,
	DFEED_CANCELLED,
};

struct dfeed_line {
	char name_ru[DFEED_TEXT];
	char name_kk[DFEED_TEXT];
	int64_t qty;
	int64_t weight;             /* thousandths of the unit; 0: by the piece */
	char unit[16];
	int64_t price, discount, sum; /* tiyn */
};

struct dfeed_view {
	unsigned long seq;
	char shop[DFEED_TEXT];
	enum dfeed_screen screen;
	size_t n_lines;
	struct dfeed_line lines[DFEED_LINES_MAX];
	int64_t total, items;
	bool has_payment;
	struct {
		bool qr_method;         /* Kaspi QR (else a request to the phone) */
		int64_t amount;
		enum dfeed_pay_state state;
		int64_t deadline_ms;    /* monotonic ms when it expires (from expires_in); 0 */
		char qr[DFEED_QR];      /* what the QR encodes; "" when none is live */
		char phone[16];         /* "…1234" */
		char order[48];
	} pay;
	bool has_thanks;
	int64_t paid, change;
};

/* Parses one JSON view (a `state` event's data); now_ms: the monotonic
 * clock for the deadline. False (message) when it is not a view. */
bool dfeed_parse(const char *json, size_t len, int64_t now_ms, struct dfeed_view *out, char *message,
                 size_t size) KP_MUST_CHECK;

enum dfeed_link {
	DFEED_CONNECTING,           /* no view yet */
	DFEED_LIVE,                 /* the stream is open and its last view was good */
	DFEED_LOST,                 /* the stream ended or cannot be had: retrying */
	DFEED_REFUSED,              /* 403/404: the address or its token is wrong */
	DFEED_DAMAGED,              /* a view that is not one came: waiting for the next */
};

struct dfeed;

/* Starts reading url (ca_file: NULL or a PEM bundle). NULL (message)
 * when the thread or the pipe cannot be had. */
struct dfeed *dfeed_start(const char *url, const char *ca_file, char *message, size_t size);

/* Readable when something changed: poll() it, then dfeed_take. */
int dfeed_fd(const struct dfeed *f);

/* Copies the newest view into *out (when one came since the last take:
 * true) and says the link; detail: why it is lost or refused (""). */
bool dfeed_take(struct dfeed *f, struct dfeed_view *out, enum dfeed_link *link, char *detail,
                size_t size);

void dfeed_stop(struct dfeed *f);

#endif
