/* display.h — the customer display: a web page on the shop's network
 * (a tablet facing the buyer) with the basket, the total and the Kaspi QR,
 * pushed by server-sent events. A libmicrohttpd daemon in threads of its
 * own (DESIGN.md, "Layers"): no curses, no SQLite; the UI thread hands it
 * immutable snapshots.
 *
 * Protocol: the UI thread starts it once ([display] listen set), then
 * calls display_publish with the view the buyer should see whenever that
 * changes (display_view_same tells); publish copies the view under a
 * mutex, bumps the sequence number and wakes the streams — it never waits
 * for a client, never does I/O and allocates nothing. Each stream wakes,
 * copies the latest snapshot and writes it: a slow client skips the
 * versions it missed. display_stop ends the streams and the daemon and
 * removes the URL file.
 *
 * Routes, each only with ?token=T (compared in constant time; else 403):
 *   GET /display          the page (HTML, CSS and JS in one, no external
 *                         resources)
 *   GET /display/events   text/event-stream: "event: state", "id: SEQ",
 *                         "data: JSON" at once and on every publish, a
 *                         ": keepalive" comment every 15 s
 *   GET /display/state    the JSON view
 *   GET /display/qr.svg   the live payment's QR (404 when none is live)
 * The JSON view holds only these keys (display_json):
 *   {"seq","shop","screen","lines":[{"name_ru","name_kk","qty","weight",
 *    "unit","price","discount","sum"}],"total","items",
 *    "payment":null|{"method","amount","state","expires_in","qr","phone",
 *    "order"},"thanks":null|{"paid","change"}} */
#ifndef KP_APP_DISPLAY_H
#define KP_APP_DISPLAY_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/config.h"
#include "core/basket.h"
#include "core/product.h"
#include "store/journal.h"

#define DISPLAY_LINES_MAX BASKET_LINES_MAX /* more are not shown */
#define DISPLAY_URL_SIZE 192
#define DISPLAY_KEEPALIVE_MS 15000        /* a comment on an idle stream */
#define DISPLAY_CONNECTIONS_MAX 64        /* clients at once (20+ tablets) */

/* What the buyer's screen shows. */
enum display_screen {
	DISPLAY_IDLE,       /* between sales: the shop's name */
	DISPLAY_BASKET,     /* the lines and the total */
	DISPLAY_PAYMENT,    /* a Kaspi payment: the QR, the amount, the countdown */
	DISPLAY_THANKS,     /* the sale is paid: thanks, the change */
};

/* A Kaspi payment's state as the buyer reads it. */
enum display_pay_state {
	DISPLAY_PAY_WAITING,
	DISPLAY_PAY_SCANNED,
	DISPLAY_PAY_PAID,
	DISPLAY_PAY_DECLINED,
	DISPLAY_PAY_EXPIRED,
	DISPLAY_PAY_CANCELLED,
};

/* A live line of the basket (voided lines are never in the view). */
struct display_line {
	char name_ru[KP_NAME_SIZE];
	char name_kk[KP_NAME_SIZE];   /* "" when the catalog has none */
	char unit[BASKET_UNIT_SIZE];  /* "кг", "шт" */
	int64_t qty;                  /* pieces; 1 on a line sold by measure */
	int64_t weight;               /* thousandths of the unit; 0: by the piece */
	int64_t price;                /* tiyn per piece, or per unit of measure */
	int64_t discount;             /* tiyn off the line */
	int64_t sum;                  /* tiyn the line costs */
};

struct display_payment {
	bool phone;                   /* a request to the buyer's phone, else a QR */
	int64_t amount;               /* tiyn */
	enum display_pay_state state;
	int64_t deadline_ms;          /* kp_mono_ms() when it expires; 0: not known yet */
	char qr[JOURNAL_QR_SIZE];     /* qr_token; shown only while waiting or scanned */
	char phone_tail[8];           /* the phone's last 4 digits, or "" */
	char order[JOURNAL_ORDER_ID_SIZE]; /* merchant_order_id */
};

/* One snapshot. lines points into the caller's memory: publish copies. */
struct display_view {
	enum display_screen screen;
	const struct display_line *lines;
	size_t n_lines;
	int64_t total;                /* tiyn */
	int64_t items;                /* pieces (a line by measure counts 1) */
	bool has_payment;
	struct display_payment payment;
	bool has_thanks;
	int64_t paid;                 /* thanks: tiyn the sale was paid */
	int64_t change;               /* thanks: cash given back */
};

struct display;

/* Starts serving cfg's [display] listen ("" or unset: *out is NULL and
 * true). The token is [display] token, or a random 128-bit one in hex.
 * url_file (may be NULL): written with the full URL (mode 0600) once the
 * daemon listens, removed by display_stop. False with a one-line message
 * (address in use, bad address, no memory) and nothing left running;
 * true with a message when it serves but the URL file could not be
 * written. */
bool display_start(const struct kp_config *cfg, const char *url_file, struct display **out,
                   char *err, size_t size) KP_MUST_CHECK;

/* Hands the streams a copy of v (its lines cut at DISPLAY_LINES_MAX). The
 * UI thread's side: a copy under a mutex, never a wait on a client. */
void display_publish(struct display *d, const struct display_view *v);

/* http://ADDR:PORT/display?token=T (a wildcard listen address becomes
 * this machine's first address on a network). Secret: never in a log. */
const char *display_url(const struct display *d);

/* The sequence number of the last publish (1 after start). */
uint64_t display_seq(struct display *d);

/* Event streams open now: how many displays watch (0 for NULL). */
int display_streams(struct display *d);

/* Ends every stream, stops the daemon, removes the URL file, frees d.
 * NULL is fine. */
void display_stop(struct display *d);

/* Whether two views show the buyer the same (lines compared byte for
 * byte; deadlines within a second count as the same). */
bool display_view_same(const struct display_view *a, const struct display_view *b);

/* The JSON view (the whitelist above) as a malloc'd string: seq and
 * shop as given, expires_in from v's deadline and now_ms. NULL when
 * memory runs out. */
char *display_json(const struct display_view *v, const char *shop, uint64_t seq, int64_t now_ms);

/* The live lines of b (voided ones left out) into out, at most cap,
 * each zeroed first so that views compare byte for byte. Returns how
 * many. */
size_t display_basket_lines(const struct basket *b, struct display_line *out, size_t cap);

/* Whether v's QR may be shown at now_ms: a QR payment waiting or
 * scanned, with a token, before its deadline. */
bool display_qr_live(const struct display_view *v, int64_t now_ms);

/* text as a QR code in SVG (8-bit mode, level M, quiet zone 4, one unit
 * per module, black on white), malloc'd with its length; NULL on
 * failure. */
char *display_qr_svg(const char *text, size_t *len);

/* The page: HTML with its CSS and script (display_page.c). */
extern const char display_page_html[];

#endif
