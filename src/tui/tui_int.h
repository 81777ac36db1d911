/* tui_int.h — what the screens of the TUI share.
 *
 * Each screen and dialog is a `const struct screen` (below) in its own
 * file, with its state private to that file (tmux's window-clock.c,
 * ncdu's browser.c). Screens never call each other: they ask the router
 * to open, switch or close (tui_open, tui_switch, tui_close), and a dialog
 * answers the screen that opened it with a struct tui_result. struct tui
 * keeps only what every screen shares: the config, the database, the
 * threads, the payflow, the session (cashier, shift, basket, late
 * payments), the message line and the connection.
 *
 * Protocol of a screen (the router calls; NULL hooks are skipped):
 *   enter(t, arg)     it comes in front; arg is what the opener passed
 *                     (read it now: it does not outlive the call)
 *   leave(t)          it is closed (or the whole stack is replaced)
 *   key(t, key)       one key (keys_normalize'd); returns TUI_* flags.
 *                     Key handlers never draw.
 *   draw(t)           draws it; changes no state, allocates nothing
 *   keys(t)           the key table in force now (the bar and the help),
 *                     for screens whose table changes; the others name
 *                     theirs in .keytable
 *   result(t, r)      a dialog it opened has answered
 *   changed(t, ch)    payments or refunds moved (payflow changes), on
 *                     every screen of the stack, bottom first
 *   scan(t, code)     a barcode scanner's code; a dialog (SCREEN_DIALOG)
 *                     lets it through to the screen below it
 *   buyer(t, v)       what the buyer's display shows while it is on the
 *                     stack: v holds the basket and what the screens
 *                     below it said; it changes v (a payment, thanks)
 *                     and nothing else (tui/buyer.c, app/display.h)
 * The loop folds the flags and draws once per iteration. */
#ifndef KP_TUI_TUI_INT_H
#define KP_TUI_TUI_INT_H

#include "core/check.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "app/config.h"
#include "app/display.h"
#include "app/vfd.h"
#include "app/fiscal_bg.h"
#include "app/push.h"
#include "app/ship.h"
#include "app/payflow.h"
#include "app/printq.h"
#include "app/worker.h"
#include "core/basket.h"
#include "store/catalog.h"
#include "store/db.h"
#include "store/outbox.h"
#include "store/refunds.h"
#include "store/shifts.h"
#include "store/users.h"
#include "tui/keys.h"
#include "tui/theme.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24
#define TUI_STACK_MAX 8
#define TUI_HEALTH_EVERY_MS 30000 /* connection check period */
#define TUI_RESULT_TEXT 256

/* What a key handler asks of the loop. */
enum {
	TUI_HANDLED = 1 << 0,
	TUI_REDRAW = 1 << 1,      /* something on screen changed */
	TUI_QUIT = 1 << 2,
	TUI_ESC_PREFIX = 1 << 3,  /* an Esc with nothing to clear: the next digit is an F-key */
};

/* Screen flags. */
#define SCREEN_DIALOG 1u      /* a box drawn over the screen below; scans pass through */
#define SCREEN_TYPED_SCANS 2u /* a scanner's digits are typed into its input line
                               * like any key (the sale's codes, the login's PIN) */
#define SCREEN_ESC_DIGITS 4u  /* Esc on an empty input, then a digit, is an F-key
                               * (its help says so) */

/* A dialog's answer to the screen that opened it. */
enum tui_result_kind {
	RESULT_CANCELLED,         /* Esc */
	RESULT_OK,                /* confirmed, with the values below */
	RESULT_SCAN,              /* a scan that belongs to the screen below: text is the code */
};

struct tui_result {
	enum tui_result_kind kind;
	int asked;                /* the opener's tag (its own enum): what it asked for */
	int64_t number;           /* a value: units, tiyn, hundredths of a percent, a row id */
	bool percent;             /* a discount in hundredths of a percent (else tiyn) */
	char text[TUI_RESULT_TEXT]; /* a code, a phone, a reason, a note */
	int64_t user_id;          /* an approval: the manager whose PIN was right */
	char user_name[USERS_NAME_SIZE];
};

struct tui;

struct screen {
	const char *name;
	unsigned flags;
	void (*enter)(struct tui *t, const void *arg);
	void (*leave)(struct tui *t);
	int (*key)(struct tui *t, int key);
	void (*draw)(const struct tui *t);
	const struct keybind *keytable; /* the key table, when it never changes */
	const struct keybind *(*keys)(const struct tui *t);
	void (*result)(struct tui *t, const struct tui_result *r);
	void (*changed)(struct tui *t, const struct payflow_changes *ch);
	int (*scan)(struct tui *t, const char *code);
	void (*buyer)(const struct tui *t, struct display_view *v);
};

enum tui_conn {
	CONN_CHECKING,    /* no answer yet */
	CONN_ONLINE,
	CONN_OFFLINE,     /* network error, time-out, 5xx */
	CONN_REJECTED,    /* 401: the key */
	CONN_UNCONFIGURED,/* no key or BIN set */
};

/* The one-line message above the input line. */
struct tui_message {
	char text[256];
	enum theme_role role;     /* ROLE_INFO or ROLE_ERROR */
};

struct tui {
	struct kp_config *cfg;
	store_db *db;
	struct worker *worker;
	struct printq *printq;          /* the printing thread */
	struct payflow pf;
	bool utf8;                      /* the terminal's charset */

	/* the router: stack[0] is the base screen, stack[depth - 1] in front */
	const struct screen *stack[TUI_STACK_MAX];
	int depth;
	bool dirty;
	bool esc_prefix;                /* Esc pressed: a digit next means F1–F12 */
	int64_t esc_at_ms;              /* when, monotonic */

	/* the session */
	struct user user;               /* who is logged in (id 0: nobody) */
	struct shift shift;
	struct basket basket;           /* the sale in progress */
	struct fiscal_bg fiscal;        /* the receipts sent in the background (app/fiscal_bg.h) */
	int64_t fiscal_at;              /* monotonic ms of the last count */
	ship_thread *ship;              /* the journal shipped to the hub (app/ship.h); NULL: none */
	push_thread *push;              /* the hub's push stream (app/push.h); NULL: none */
	struct outbox_state hub;        /* the outbox as last counted */
	struct ship_view hub_view;      /* the shipping thread's last pass */
	int64_t hub_at;                 /* monotonic ms of the last count */
	struct journal_order *alerts;   /* late payments and kept paid parts the cashier must
	                                   settle (tui_load_alerts) */
	size_t n_alerts;
	struct tui_message msg;

	/* the connection */
	enum tui_conn conn;
	char conn_detail[PAYFLOW_MESSAGE_SIZE]; /* the last failure, in the till's language */
	long conn_rtt_ms;
	bool health_in_flight;
	int64_t next_health_ms;

	char theme_warning[256];

	/* the customer display (tui/buyer.c); display NULL: off */
	struct display *display;
	struct vfd *vfd;                /* the pole display (app/vfd.h); NULL: none */
	struct display_view shown[2];   /* the view being built and the one published */
	struct display_line *shown_lines[2];
	int shown_last;                 /* index of the one published; -1: none yet */
};

/* ---- the router (tui.c) ---------------------------------------------------- */

/* Puts s in front, over what is there (a dialog, or a screen that Esc
 * leaves back to the one below). */
void tui_open(struct tui *t, const struct screen *s, const void *arg);

/* Replaces the whole stack with s (login, the sale after login). */
void tui_switch(struct tui *t, const struct screen *s, const void *arg);

/* Closes the screen in front; the one below gets r (NULL: nothing to
 * say) through its result hook. */
void tui_close(struct tui *t, const struct tui_result *r);

/* The key table s has in force now. */
const struct keybind *tui_keys_of(const struct tui *t, const struct screen *s);

/* The screen in front, and the one under it (NULL at the bottom). */
const struct screen *tui_front(const struct tui *t);
const struct screen *tui_under(const struct tui *t, const struct screen *s);

/* ---- what every screen uses (tui.c) ---------------------------------------- */

void tui_message(struct tui *t, enum theme_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tui_bell(struct tui *t, int times);
/* Logs an event for the logged-in user; store errors become the message. */
void tui_event(struct tui *t, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Product name in the till's language. */
const char *tui_product_name(const char *name_ru, const char *name_kk);
/* Hands text (a slip, a report) to the printing thread; the outcome is
 * said on the message line (with `what`, and the bell on a failure),
 * and the text can be printed again. False when it could not be queued
 * (already said: a caller may ignore it, or stop a series of prints). */
bool tui_print(struct tui *t, const char *text, const char *what);
/* Prints the slip of refund row (done, or again from the journal). */
void tui_print_refund_slip(struct tui *t, int64_t refund_row);
/* A refund given back now (the cash and card rows of made; the Kaspi ones
 * print when the server answers), cash of it from the drawer: opens the
 * drawer when cash > 0 ([drawer]), then prints those rows' slips. The
 * alerts are read again (a kept part refunded is settled). */
void tui_give_back(struct tui *t, const struct refund_quote *made, int64_t cash);
/* Rereads what waits for the cashier (t->alerts): the late payments
 * (journal_alerts), then the paid parts of split sales given up and kept
 * to settle (journal_kept_parts), each settled by a refund (Ctrl-E). */
void tui_load_alerts(struct tui *t);

struct field;
/* A key for one of the screen's fields: a character the field refuses is
 * said on the message line (with the bell). Returns TUI_REDRAW when the
 * field changed or refused, TUI_HANDLED when the key was not for it;
 * *changed (may be NULL) is whether the text or cursor moved. */
int tui_field_key(struct tui *t, struct field *f, int key, bool *changed);

/* The rows every screen shares: the header (row 0), the message line,
 * and the key bar of the screen's table (the last row). */
void tui_draw_header(const struct tui *t);
void tui_draw_message(const struct tui *t, int y);
void tui_draw_keys(const struct tui *t, const struct keybind *table);

/* A state as the cashier reads it. */
const char *tui_state_label(enum journal_state s);
/* An order's state as the cashier reads it: "unknown to the server"
 * when the server does not know it. */
const char *tui_order_label(const struct journal_order *o);
/* A method as the cashier reads it. */
/* dlg_field's check of a buyer's phone as people type it: r->text gets
 * +77XXXXXXXXX. */
bool tui_check_phone(const char *text, struct tui_result *r, char *why, size_t size);

const char *tui_method_label(enum journal_method m);

/* ---- the customer display (buyer.c) ------------------------------------------ */

/* Starts it when [display] listen is set (the URL to KASPI_POS_HOME/
 * display.url), and the pole display when [display] vfd is; a failure is
 * said on the message line, the till goes on. */
void tui_display_start(struct tui *t);
/* Builds the buyer's view (the basket, then each screen's buyer hook,
 * bottom first) and publishes it when it differs from the last. Cheap:
 * called after every draw. */
void tui_display_update(struct tui *t);
void tui_display_stop(struct tui *t);

/* ---- the screens ------------------------------------------------------------ */

extern const struct screen scr_login;   /* arg: NULL */
extern const struct screen scr_sale;    /* arg: NULL */
extern const struct screen scr_help;    /* arg: the screen whose keys it explains */
extern const struct screen scr_pay;     /* arg: const struct scr_pay_arg * */
extern const struct screen scr_tender;  /* arg: const struct scr_tender_arg * */
extern const struct screen scr_journal; /* arg: NULL */
extern const struct screen scr_order;   /* arg: const int64_t *, the order's row */
extern const struct screen scr_reports; /* arg: NULL */

/* the dialogs */
extern const struct screen dlg_search;  /* arg: const struct dlg_search_arg * */
extern const struct screen dlg_field;   /* arg: const struct dlg_field_arg * */
extern const struct screen dlg_recall;  /* arg: const int * (asked) */
extern const struct screen dlg_approve; /* arg: const struct dlg_approve_arg * */
extern const struct screen dlg_confirm; /* arg: const struct dlg_confirm_arg * */
extern const struct screen dlg_choice;  /* arg: const struct dlg_choice_arg * */
extern const struct screen dlg_refund;  /* arg: const int64_t *, the order's row */
extern const struct screen dlg_cash;    /* arg: const struct dlg_cash_arg * */
extern const struct screen dlg_return;  /* arg: NULL; a return without a receipt */
extern const struct screen dlg_display; /* arg: NULL; the customer display's address as a QR */

/* The payment screen answers with number 1 (paid) or 0, text its note. */
struct scr_pay_arg {
	int asked;
	int64_t order_id;         /* the order's row, journaled and sent */
	bool part;                /* a Kaspi part of a split sale (scr_tender): paid, it
	                             leaves the basket and the slip to the tender screen */
};

struct scr_tender_arg {
	int asked;
	int kind;                 /* the first tender offered: an enum tender_kind */
};

struct dlg_search_arg {
	int asked;
	const char *text;         /* what is typed already */
	int64_t quantity;         /* how many of the product chosen */
};

/* A one-field dialog. check() turns the text into the result (or says
 * why not: the dialog stays open with the reason on the message line). */
struct dlg_field_arg {
	int asked;
	const char *title, *prompt, *hint;
	int kind;                 /* enum field_kind */
	int max_chars;
	const char *text;         /* the value it opens on */
	bool fresh;               /* the first key replaces text */
	bool (*check)(const char *text, struct tui_result *r, char *why, size_t size);
};

struct dlg_approve_arg {
	int asked;
	const char *what;         /* what the manager approves, one line */
};

/* A movement of the drawer's cash in the open shift (t->shift), by the
 * logged-in user: answers RESULT_OK once written (number: the amount). */
struct dlg_cash_arg {
	int asked;
	int kind;                 /* enum cash_kind (store/cash.h) */
	bool opening;             /* the shift's opening float, asked at the login */
	int64_t approver;         /* a manager who has approved already (logged in); 0: a
	                             PIN is asked where one is needed */
};

struct dlg_confirm_arg {
	int asked;
	const char *title;
	const char *question;
};

#define DLG_CHOICES_MAX 3

/* A question answered by one key: 1 … n for the choices (RESULT_OK, number
 * the key's), Esc for none of them (RESULT_CANCELLED). */
struct dlg_choice_arg {
	int asked;
	const char *title;
	const char *question;     /* up to three lines, split at '\n' */
	const char *choices[DLG_CHOICES_MAX]; /* translated; the first NULL ends them */
};

#endif
