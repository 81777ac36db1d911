/* tui_int.h — what the screens of the TUI share. Each screen and dialog
 * exports the same trio, NAME_enter / NAME_key / NAME_draw (as ncdu
 * does); tui.c routes keys and drawing to the one in front. Key handlers
 * never draw: they change state and return flags, and the loop draws once
 * per iteration. */
#ifndef KP_TUI_TUI_INT_H
#define KP_TUI_TUI_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "app/config.h"
#include "app/payflow.h"
#include "app/printq.h"
#include "app/worker.h"
#include "core/basket.h"
#include "store/catalog.h"
#include "store/db.h"
#include "store/refunds.h"
#include "store/shifts.h"
#include "store/users.h"
#include "tui/keys.h"
#include "tui/qr.h"
#include "tui/theme.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24
#define TUI_INPUT_MAX 64
#define TUI_SEARCH_MAX 50         /* results a search dialog shows */
#define TUI_HEALTH_EVERY_S 30     /* connection check period */

/* What a key handler asks of the loop. */
enum {
	TUI_HANDLED = 1 << 0,
	TUI_REDRAW = 1 << 1,      /* something on screen changed */
	TUI_QUIT = 1 << 2,
};

enum tui_screen {
	SCREEN_LOGIN,
	SCREEN_SALE,
	SCREEN_HELP,
	SCREEN_JOURNAL,   /* F9: the journal issue fills it */
	SCREEN_REPORTS,   /* F12: the reports issue fills it */
	SCREEN_PAY,       /* F10/F11: the payment issue fills it */
};

enum tui_dialog {
	DIALOG_NONE,
	DIALOG_SEARCH,
	DIALOG_QUANTITY,
	DIALOG_DISCOUNT,
	DIALOG_RECALL,
	DIALOG_APPROVE,   /* a manager's PIN for a discount above the limit */
	DIALOG_PHONE,     /* the buyer's phone for a payment by phone */
	DIALOG_REFUND,    /* amount and reason of a refund */
};

/* What a manager's PIN is asked for. */
enum approve_for {
	APPROVE_DISCOUNT, /* a discount above the cashier's limit */
	APPROVE_REFUND,   /* a refund from the journal */
	APPROVE_Z,        /* closing the shift with a Z report */
};

/* What the payment screen shows once the payment is over. */
enum pay_outcome {
	PAY_LIVE,         /* creating or waiting */
	PAY_PAID,
	PAY_NOT_PAID,     /* declined, failed, expired, refused: the basket is back */
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
	enum theme_role role;  /* ROLE_INFO or ROLE_ERROR */
};

/* A pending discount that waits for a manager's PIN. */
struct tui_pending_discount {
	size_t line;
	bool percent;          /* else an amount */
	int64_t value;         /* hundredths of a percent, or tiyn */
};

struct tui {
	struct kp_config *cfg;
	store_db *db;
	struct worker *worker;
	struct printq *printq;          /* the printing thread */
	bool utf8;                      /* the terminal's charset */

	enum tui_screen screen;
	enum tui_screen back_to;        /* where Esc leaves help and the stub screens */
	enum tui_dialog dialog;
	bool dirty;
	bool esc_prefix;                /* Esc pressed: a digit next means F1–F12 */
	long esc_at_ms;                 /* when, monotonic */

	/* login */
	struct user *users;             /* from users_list */
	int n_users;
	int login_sel;
	char pin[16];                   /* typed so far, shown as '*' */

	/* the session */
	struct user user;               /* who is logged in */
	struct shift shift;

	/* the sale */
	struct basket basket;
	size_t sel;                     /* selected line (index into basket.lines) */
	size_t top;                     /* first line shown */
	char input[TUI_INPUT_MAX];      /* the input line */
	struct tui_message msg;

	/* dialogs */
	char dlg_input[TUI_INPUT_MAX * 2]; /* what a dialog's field holds (UTF-8) */
	struct kp_product results[TUI_SEARCH_MAX];
	int n_results;
	int res_sel, res_top;
	int64_t search_qty;             /* quantity to add from the search */
	struct held_basket *held;       /* recall list */
	int n_held;
	char approve_name[USERS_NAME_SIZE];
	struct tui_pending_discount pending;
	int approve_sel;                /* which manager, in users[] */
	enum approve_for approve_for;
	int64_t approve_id;             /* the manager whose PIN was right */

	/* the refund dialog */
	char rf_amount[24];             /* tenge typed */
	char rf_reason[REFUNDS_REASON_SIZE];
	int rf_preset;                  /* which ready reason (←→) */
	int rf_focus;                   /* Tab: amount, reason or lines */
#define RF_LINES_MAX 64                 /* lines the dialog offers to give back */
	int64_t rf_qty[RF_LINES_MAX];   /* per line of jr_lines: units to give back */
	struct refund_pick rf_picks[RF_LINES_MAX];
	size_t rf_line;                 /* the selected line */
	int64_t rf_value;               /* the checked amount, tiyn */

	/* the reports screen */
	char *rp_text;                  /* the report as drawn (and printed) */
	char rp_title[96];
	size_t rp_scroll;

	/* payments */
	struct payflow pf;
	int64_t pay_order;              /* the order on the payment screen; 0: none */
	struct journal_order pay;       /* its journal row as last seen */
	enum pay_outcome pay_outcome;
	char pay_note[PAYFLOW_MESSAGE_SIZE]; /* the outcome's words */
	struct qr_image qr;             /* the QR of pay.qr_token, drawn once */
	char qr_for[JOURNAL_PAYMENT_ID_SIZE]; /* the payment the QR belongs to */
	struct journal_order *alerts;   /* late payments the cashier must settle */
	size_t n_alerts;

	/* the journal screen */
	struct journal_order *jr_list;  /* today's orders as filtered */
	size_t jr_n, jr_sel, jr_top;
	int jr_state;                   /* filter: a journal state, or -1 */
	int jr_method;                  /* filter: a method, or -1 */
	char jr_search[40];             /* id, amount or time typed */
	bool jr_detail;                 /* an order's detail is open */
	struct journal_order jr_order;  /* that order */
	struct journal_line *jr_lines;
	size_t jr_nlines;
	struct journal_event *jr_events;
	size_t jr_nevents;
	size_t jr_scroll;
	struct refund *jr_refunds;      /* the order's refunds */
	size_t jr_nrefunds;

	/* connection */
	enum tui_conn conn;
	char conn_detail[XPAY_MESSAGE_SIZE];
	long conn_rtt_ms;
	bool health_in_flight;
	time_t next_health;
	long skew_s;

	char theme_warning[256];
};

/* tui.c */
void tui_message(struct tui *t, enum theme_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tui_bell(struct tui *t, int times);
/* Logs an event for the logged-in user; store errors become the message. */
void tui_event(struct tui *t, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Looks a code up and adds qty of it; scans and typed codes both end here. */
int tui_add_code(struct tui *t, const char *code, int64_t qty);
/* Product name in the till's language. */
const char *tui_product_name(const struct tui *t, const char *name_ru, const char *name_kk);
void tui_draw_header(struct tui *t);

/* the screens */
void login_enter(struct tui *t);
int login_key(struct tui *t, int key);
void login_draw(struct tui *t);

void sale_enter(struct tui *t);
int sale_key(struct tui *t, int key);
void sale_draw(struct tui *t);

void pay_begin(struct tui *t, enum journal_method method, const char *phone);
int pay_key(struct tui *t, int key);
void pay_draw(struct tui *t);
/* Applies what the payflow changed (bells, outcome, alerts). */
void pay_changes(struct tui *t, const struct payflow_changes *ch);
/* Hands text (a slip, a report) to the printing thread; the outcome is
 * said on the message line (with `what`, and the bell on a failure),
 * and the text can be printed again. False when it could not be queued. */
bool tui_print(struct tui *t, const char *text, const char *what);
/* A print job's outcome, from the printing thread. */
void tui_printed(struct tui *t, const struct printq_result *r);
void print_refund_slip(struct tui *t, int64_t refund_row);
/* Rereads the late payments waiting for the cashier. */
void pay_load_alerts(struct tui *t);
/* F7 on the sale screen: the oldest late payment becomes a completed sale. */
int pay_complete_alert(struct tui *t);

void dialog_approve(struct tui *t, enum approve_for what);
/* Called by the approval dialog once a manager's PIN is right. */
int refund_approved(struct tui *t);
int reports_close(struct tui *t);

void reports_enter(struct tui *t);
int reports_key(struct tui *t, int key);
void reports_draw(struct tui *t);

const char *state_label(enum journal_state s);
void journal_enter(struct tui *t);
void journal_reload(struct tui *t);
void journal_refresh_detail(struct tui *t);
int journal_key(struct tui *t, int key);
void journal_draw(struct tui *t);

void info_enter(struct tui *t, enum tui_screen screen);
int info_key(struct tui *t, int key);
void info_draw(struct tui *t);

/* the dialogs (dialogs.c) */
void dialog_open(struct tui *t, enum tui_dialog d);
int dialog_key(struct tui *t, int key);
void dialog_draw(struct tui *t);

#endif
