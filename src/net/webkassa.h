/* webkassa.h — typed client of the fiscal cash register (../shared/FISCAL.md,
 * the Webkassa integrators' API v4 subset): Authorize, check (sale and
 * return), Ticket/PrintFormat, MoneyOperation, XReport, ZReport, and
 * kassa-sandbox's control calls.
 *
 * Every call returns a wk_kind and fills a wk_result: whether the outcome
 * is unknown (the request may have registered a receipt), the register's
 * error code when it refused (FISCAL.md's table), and one line for the
 * cashier (core/msg.h; the app says it in the cashier's language).
 *
 * Journal first: a receipt's body is built by wk_check_body (or
 * wk_money_body) and stored by the caller before it leaves; the stored
 * body holds neither the token nor anything secret, so it may sit in the
 * journal. wk_check_send / wk_money_send add "Token" and
 * "CashboxUniqueNumber" as they send, authorize first when the client has
 * no token yet, and on error 2 (token expired) authorize once more and
 * repeat the same body once. The client never repeats anything else by
 * itself: the caller sends a stored body again when the outcome was
 * unknown, and settles error 14 through wk_print_format.
 *
 * Money is integer tiyn in every struct here, written to JSON as tenge
 * with at most two decimals ("500", "53.57", "549.9"), never through a
 * double; a quantity in thousandths is written with at most three
 * ("2", "0.35"). Answers are read into tiyn exactly (a number with more
 * than two decimals is a bad body).
 *
 * Threads: a client is NOT thread-safe; the network worker owns it.
 * http_global_init() runs once in main() before any thread starts.
 *
 * Secrets: the API key, login, password and token are never printed, in
 * messages or in the --debug trace (redacted), and are wiped on free. */
#ifndef KP_NET_WEBKASSA_H
#define KP_NET_WEBKASSA_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "core/msg.h"

#define WK_CONNECT_TIMEOUT_MS 3000L   /* default of wk_options.connect_timeout_ms */
#define WK_TIMEOUT_MS 10000L          /* default of wk_options.timeout_ms */

#define WK_EXT_SIZE 48        /* ExternalCheckNumber: a UUID, 36 characters */
#define WK_ORDER_SIZE 65      /* ExternalOrderNumber */
#define WK_NUMBER_SIZE 32     /* CheckNumber, RegistrationNumber, IdentityNumber,
                                 UniqueNumber, TaxPayerIN */
#define WK_TIME_SIZE 40       /* "03.12.2026 14:50:37 +05:00" */
#define WK_TEXT_SIZE 256      /* names and addresses (UTF-8, cut at a character) */
#define WK_URL_SIZE 512       /* TicketUrl */
#define WK_POSITIONS_MAX 200  /* lines of one receipt */
#define WK_PRINT_LINES_MAX 200

/* What came of a call. */
typedef enum wk_kind {
	WK_OK = 0,
	WK_ERR_CONFIG,      /* bad base URL, key, login, password or cashbox: nothing sent */
	WK_ERR_INVALID,     /* the request breaks a rule of FISCAL.md: nothing sent */
	WK_ERR_CONNECT,     /* no connection: nothing sent */
	WK_ERR_TIMEOUT,     /* no answer in time: outcome unknown */
	WK_ERR_TLS,         /* TLS handshake or certificate: nothing sent */
	WK_ERR_NETWORK,     /* dropped mid-way: outcome unknown */
	WK_ERR_HTTP,        /* an HTTP status the contract does not use (5xx: outcome unknown) */
	WK_ERR_REFUSED,     /* the register refused: res->code (FISCAL.md's table) */
	WK_ERR_BAD_BODY,    /* an answer that is not what the contract says: outcome unknown */
	WK_ERR_NOMEM
} wk_kind;

/* The register's error codes that the till acts on (FISCAL.md). */
enum wk_code {
	WK_CODE_NONE = 0,
	WK_CODE_CREDENTIALS = 1,    /* wrong login or password */
	WK_CODE_TOKEN_EXPIRED = 2,
	WK_CODE_UNAUTHORIZED = 3,   /* bad x-api-key, or no or unknown token */
	WK_CODE_CASHBOX_UNKNOWN = 6,
	WK_CODE_CASHBOX_BLOCKED = 7,
	WK_CODE_NO_CASH = 8,        /* cash out above the cash in the register */
	WK_CODE_VALIDATION = 9,
	WK_CODE_SHIFT_24H = 11,
	WK_CODE_SHIFT_CLOSED = 12,
	WK_CODE_DUPLICATE = 14,     /* the ExternalCheckNumber was used: fetch the receipt */
	WK_CODE_OFFLINE_72H = 18,
	WK_CODE_NO_SUCH_CHECK = 19, /* no receipt with this ExternalCheckNumber: send again */
};

typedef struct wk_result {
	wk_kind kind;
	long http_status;           /* 0 when no answer came */
	int code;                   /* WK_ERR_REFUSED: the first Errors[].Code; else 0 */
	char text[WK_TEXT_SIZE];    /* its Text, made safe for a terminal (a detail for logs) */
	struct kp_msg msg;          /* one line for the cashier; empty on success */
	bool outcome_unknown;       /* the request may have taken effect */
	bool reauthorized;          /* error 2 came and the call was repeated after Authorize */
	long round_trip_ms;
} wk_result;

typedef struct wk_options {
	const char *base_url;       /* "https://devkkm.webkassa.kz"; http:// only to loopback */
	const char *api_key;        /* x-api-key */
	const char *login;
	const char *password;
	const char *cashbox;        /* CashboxUniqueNumber (ЗНК) */
	const char *ca_file;        /* NULL: the system store */
	long connect_timeout_ms;    /* 0: WK_CONNECT_TIMEOUT_MS */
	long timeout_ms;            /* 0: WK_TIMEOUT_MS */
	FILE *debug;                /* NULL: silent; else a trace with every secret redacted */
} wk_options;

typedef struct wk_client wk_client;

/* Payment types of a receipt. */
enum wk_pay_type {
	WK_PAY_CASH = 0,
	WK_PAY_CARD = 1,
	WK_PAY_MOBILE = 4,          /* Kaspi QR and Kaspi phone */
};

enum wk_operation {
	WK_OP_SALE = 2,
	WK_OP_RETURN = 3,
};

/* Unit codes of the units reference. */
enum wk_unit {
	WK_UNIT_PIECE = 796,
	WK_UNIT_KG = 166,
	WK_UNIT_LITRE = 112,
	WK_UNIT_METRE = 6,
};

/* One line of a receipt. */
typedef struct wk_position {
	const char *name;           /* 1–128 characters */
	const char *code;           /* PositionCode (the SKU), NULL or "" to leave out */
	const char *gtin;           /* the barcode, NULL or "" to leave out */
	int64_t count;              /* thousandths: 2000 is 2 pieces, 350 is 0.35 kg; > 0 */
	int64_t price;              /* tiyn per unit, VAT included, ≥ 0 */
	int64_t discount;           /* tiyn off the whole line, ≥ 0 */
	int tax_percent;            /* 0–99 (the register refuses 100); with vat false, 0 */
	bool vat;                   /* TaxType 100 (VAT) or 0 (none) */
	int unit_code;              /* enum wk_unit */
} wk_position;

typedef struct wk_payment {
	enum wk_pay_type type;
	int64_t sum;                /* tiyn, > 0 */
} wk_payment;

/* The sale receipt a return refers to (from that sale's wk_ticket). */
typedef struct wk_return_basis {
	char check_number[WK_NUMBER_SIZE];
	time_t date_time;           /* written "2026-12-03T09:50:37Z" */
	char registration_number[WK_NUMBER_SIZE];
	int64_t total;              /* tiyn */
	bool offline;
} wk_return_basis;

typedef struct wk_check_req {
	enum wk_operation operation;
	const wk_position *positions;
	size_t n_positions;         /* 1 … WK_POSITIONS_MAX */
	const wk_payment *payments; /* each type at most once */
	size_t n_payments;
	int64_t change;             /* tiyn, ≤ the cash payment */
	const char *external_check_number;  /* the UUID, journaled first */
	const char *external_order_number;  /* the till's order id, NULL to leave out */
	const wk_return_basis *basis;       /* WK_OP_RETURN: required; else NULL */
} wk_check_req;

/* The register's answer to a check: all a printed receipt needs. */
typedef struct wk_ticket {
	char check_number[WK_NUMBER_SIZE];  /* the fiscal sign (ФП) */
	char date_time[WK_TIME_SIZE];       /* "03.12.2026 14:50:37" (Almaty) */
	time_t at;                          /* the same instant; 0 if unreadable */
	bool offline;                       /* OfflineMode */
	bool cashbox_offline;               /* CashboxOfflineMode */
	char unique_number[WK_NUMBER_SIZE];       /* ЗНМ */
	char registration_number[WK_NUMBER_SIZE]; /* РНМ */
	char identity_number[WK_NUMBER_SIZE];     /* ИНК */
	char address[WK_TEXT_SIZE];
	char address_kz[WK_TEXT_SIZE];
	char ofd_name[WK_TEXT_SIZE];
	char ofd_name_kz[WK_TEXT_SIZE];
	char ofd_host[WK_TEXT_SIZE];
	char taxpayer_name[WK_TEXT_SIZE];
	char taxpayer_in[WK_NUMBER_SIZE];   /* ИИН/БИН */
	int check_order_number;             /* the receipt's number in the shift */
	int shift_number;
	char employee_name[WK_TEXT_SIZE];
	char ticket_url[WK_URL_SIZE];       /* what the receipt's QR encodes, exactly */
} wk_ticket;

/* PrintFormat's answer. */
typedef struct wk_print_line {
	int order;
	int type;                   /* 0 text, 2 a QR of the TicketUrl */
	int style;
	char value[WK_URL_SIZE];
} wk_print_line;

typedef struct wk_printed {
	size_t n;
	wk_print_line lines[WK_PRINT_LINES_MAX];
	bool truncated;             /* the answer had more lines: those past the array dropped */
} wk_printed;

enum wk_paper {
	WK_PAPER_80 = 0,            /* 48 columns */
	WK_PAPER_58 = 3,            /* 32 columns */
};

enum wk_money_op {
	WK_MONEY_IN = 0,
	WK_MONEY_OUT = 1,
};

typedef struct wk_money {
	bool offline;
	int shift_number;
	char date_time[WK_TIME_SIZE];
	time_t at;                  /* the same instant; 0 if unreadable */
	int64_t in_cashbox;         /* Sum: cash in the register after it, tiyn */
} wk_money;

/* Sell or ReturnSell of an X or Z report. */
typedef struct wk_report_part {
	int64_t by_type[3];         /* cash, card, mobile (PaymentType 0, 1, 4), tiyn */
	int64_t discount, markup, taken, change, vat;
	long count;                 /* documents in the shift */
	long total_count;           /* documents ever */
} wk_report_part;

typedef struct wk_report {
	long report_number;
	int shift_number;
	char start_on[WK_TIME_SIZE], report_on[WK_TIME_SIZE], close_on[WK_TIME_SIZE];
	char cashbox_sn[WK_NUMBER_SIZE], cashbox_rn[WK_NUMBER_SIZE], cashbox_in[WK_NUMBER_SIZE];
	char taxpayer_name[WK_TEXT_SIZE], taxpayer_in[WK_NUMBER_SIZE];
	long document_count;
	int64_t put_money, take_money, in_cashbox;  /* tiyn */
	bool offline;
	long long control_sum;      /* tiyn: the shift's sales less its returns */
	wk_report_part sell, return_sell;
	int64_t start_sell, start_return, end_sell, end_return; /* the non-nullable sums */
} wk_report;

/* ---- client ------------------------------------------------------------ */

/* Checks the options and creates a client; nothing is sent. NULL with
 * *res (WK_ERR_CONFIG, WK_ERR_NOMEM) on failure. */
wk_client *wk_client_new(const wk_options *opt, wk_result *res);
/* Wipes the secrets and the token, frees. NULL is allowed. */
void wk_client_free(wk_client *c);

/* POST /api/v4/Authorize: keeps the token. (The calls below authorize by
 * themselves when they need to; this is for `kaspi-pos health`.) */
wk_kind wk_authorize(wk_client *c, wk_result *res) KP_MUST_CHECK;

/* ---- receipts ------------------------------------------------------------ */

/* Checks req against FISCAL.md (amounts, the Tax of each line computed
 * here, Σ payments − change = total, change ≤ cash, each type once, a
 * return's basis) and writes the body to journal: compact JSON without
 * Token and CashboxUniqueNumber. *body malloc'd (free()), NUL-terminated,
 * *len bytes. WK_ERR_INVALID with a message on a broken rule. */
wk_kind wk_check_body(const wk_check_req *req, char **body, size_t *len,
                      wk_result *res) KP_MUST_CHECK;

/* The total of a receipt: Σ round_half_up(count × price / 1000) − discount,
 * tiyn; and the VAT in one line (FISCAL.md's Tax). Pure. */
int64_t wk_position_cost(const wk_position *p);
int64_t wk_position_tax(const wk_position *p);

/* POST /api/v4/check with a stored body (Token and cashbox added). */
wk_kind wk_check_send(wk_client *c, const char *body, size_t len, wk_ticket *out,
                      wk_result *res) KP_MUST_CHECK;

/* POST /api/v4/Ticket/PrintFormat for an ExternalCheckNumber. */
wk_kind wk_print_format(wk_client *c, const char *external_check_number, enum wk_paper paper,
                        wk_printed *out, wk_result *res) KP_MUST_CHECK;

/* After error 14: the receipt of external_check_number from PrintFormat —
 * ticket_url from the Type 2 line, check_number and registration_number
 * from its i and f, at and date_time from its t (Almaty time; 0 and ""
 * when it has none), offline when a text line says АВТОНОМНЫЙ РЕЖИМ or
 * АВТОНОМДЫ РЕЖИМ (FISCAL.md): all a later return's basis needs but the
 * total. The rest left empty. WK_ERR_REFUSED code 19 when the register
 * has no such receipt (send it again). */
wk_kind wk_ticket_fetch(wk_client *c, const char *external_check_number, wk_ticket *out,
                        wk_result *res) KP_MUST_CHECK;

/* ---- cash and shift ------------------------------------------------------ */

/* The MoneyOperation body to journal (no Token), and its send. */
wk_kind wk_money_body(enum wk_money_op op, int64_t sum, const char *external_check_number,
                      char **body, size_t *len, wk_result *res) KP_MUST_CHECK;
wk_kind wk_money_send(wk_client *c, const char *body, size_t len, wk_money *out,
                      wk_result *res) KP_MUST_CHECK;

/* POST /api/v4/XReport, /api/v4/ZReport (Z: error 12 when no shift is open). */
wk_kind wk_x_report(wk_client *c, wk_report *out, wk_result *res) KP_MUST_CHECK;
wk_kind wk_z_report(wk_client *c, wk_report *out, wk_result *res) KP_MUST_CHECK;

/* ---- kassa-sandbox's control calls (tests and the demo) ------------------- */

wk_kind wk_sandbox_ofd(wk_client *c, bool online, wk_result *res) KP_MUST_CHECK;
wk_kind wk_sandbox_clock(wk_client *c, long advance_s, wk_result *res) KP_MUST_CHECK;

/* ---- results and pure parsing ------------------------------------------- */

/* True when sending the same body again is the right move: time-out,
 * dropped connection, no connection, 5xx, an unreadable answer. */
bool wk_result_retryable(const wk_result *r);
/* Errors 1, 3, 6, 7: the register cannot be used until a person fixes
 * the settings or the register (the till says so; receipts wait). */
bool wk_result_blocked(const wk_result *r);
const char *wk_kind_name(wk_kind k);

/* Strict parsers of a 200 body (no I/O; unit tests and fuzz_webkassa):
 * {"Data": {...}} filled into *out, or {"Errors": [...]} as
 * WK_ERR_REFUSED with code and text; anything else WK_ERR_BAD_BODY. */
wk_kind wk_parse_ticket(const char *body, size_t len, wk_ticket *out, wk_result *res);
wk_kind wk_parse_printed(const char *body, size_t len, wk_printed *out, wk_result *res);
wk_kind wk_parse_money(const char *body, size_t len, wk_money *out, wk_result *res);
wk_kind wk_parse_report(const char *body, size_t len, wk_report *out, wk_result *res);

/* Money: tiyn → "549.9" (at most two decimals, no trailing zeros, "-"
 * for negatives) and a JSON number → tiyn exactly (false when it has
 * more than two decimals, an exponent, or does not fit). Quantities in
 * thousandths likewise with three decimals. */
size_t wk_money_text(int64_t tiyn, char *buf, size_t size);
bool wk_money_read(const char *text, size_t len, int64_t *tiyn);
size_t wk_count_text(int64_t thousandths, char *buf, size_t size);

#endif
