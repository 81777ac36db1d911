/* config.h — the till's settings: an INI file, then the environment.
 *
 * Order of precedence, lowest first: built-in defaults, the INI file
 * (--config FILE, else $XDG_CONFIG_HOME/kaspi-pos/config.ini), the
 * environment (KASPI_XDEV_KEY, KASPI_MERCHANT_ID, KASPI_BASE_URL,
 * KASPI_WEBHOOK_SECRET). Problems are collected as diagnostics in the
 * config itself (one line each, "FILE:LINE: text"), so that the CLI can
 * print them and the TUI can show them; no function here prints. They are
 * written in the language of gettext when they are made (i18n_init first;
 * English before it).
 * No diagnostic ever contains the value of the API key or the webhook
 * secret.
 *
 * Adding a key: a field in struct kp_config and one row in the key table
 * in config.c (section, name, type, field, default, rule). Parsing,
 * defaults, environment overrides and messages all come from that row. */
#ifndef KP_APP_CONFIG_H
#define KP_APP_CONFIG_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>

#include "core/scale.h"

#define CONFIG_LINE_MAX   4096  /* longer lines are rejected */
#define CONFIG_FILE_MAX   (1024 * 1024)
#define CONFIG_PATH_MAX   1024
#define CONFIG_TEXT_MAX   256   /* store name, address: bytes incl. NUL */
#define CONFIG_SECRET_MAX 256
#define CONFIG_DIAG_MAX   32    /* kept diagnostics; more are counted only */
#define CONFIG_DIAG_TEXT  512
#define CONFIG_LISTEN_MAX 64    /* [display] listen: "[v6 address]:65535" fits */
#define CONFIG_TOKEN_MAX  65    /* [display] token: 16–64 characters, NUL */

enum config_status {
	CONFIG_OK = 0,          /* usable; there may be warnings */
	CONFIG_ERR_FILE,        /* the config file could not be read */
	CONFIG_ERR_INVALID,     /* a syntax error or a bad value */
};

enum config_severity {
	CONFIG_WARNING,
	CONFIG_ERROR,
};

struct config_diag {
	enum config_severity severity;
	char text[CONFIG_DIAG_TEXT]; /* one line, no newline, no secrets */
};

enum config_theme {
	CONFIG_THEME_DEFAULT,
	CONFIG_THEME_DARK,
	CONFIG_THEME_HIGH_CONTRAST,
	CONFIG_THEME_MONO,
};

/* The pole display's language: one of the buyer's (20 columns hold one). */
enum config_vfd_language {
	CONFIG_VFD_RU,
	CONFIG_VFD_KK,
};

enum config_language {
	CONFIG_LANG_AUTO,       /* from the locale */
	CONFIG_LANG_RU,
	CONFIG_LANG_KK,
	CONFIG_LANG_EN,
};

enum config_printer_mode {
	CONFIG_PRINTER_NONE,
	CONFIG_PRINTER_COMMAND, /* pipe the receipt into printer.command */
	CONFIG_PRINTER_DEVICE,  /* raw ESC/POS to printer.device */
	CONFIG_PRINTER_FILE,    /* append to printer.file */
};

/* How the cash drawer is opened (its kick on a cash tender). */
enum config_drawer_mode {
	CONFIG_DRAWER_NONE,     /* no drawer, or one opened by hand */
	CONFIG_DRAWER_PRINTER,  /* ESC p pulse through [printer] device or file */
	CONFIG_DRAWER_COMMAND,  /* run drawer.command */
};

enum config_codepage {
	CONFIG_CODEPAGE_CP866,
	CONFIG_CODEPAGE_KZ1048,
};

/* [fiscal] provider: who registers the fiscal receipts. */
enum config_fiscal_provider {
	CONFIG_FISCAL_NONE,     /* no fiscal receipts: the slip says it is not one */
	CONFIG_FISCAL_WEBKASSA, /* a cloud cash register, FISCAL.md (kassa-sandbox in the demo) */
};

/* [printer] qr: how QR codes are printed (core/escpos.h, "Codes"). */
enum config_qr {
	CONFIG_QR_NATIVE,       /* "native": the printer draws it (GS ( k) */
	CONFIG_QR_RASTER,       /* "raster": a picture (GS v 0), for printers without GS ( k */
};

/* [printer] qr_level: the QR's error correction, L, M, Q or H. */
enum config_qr_level {
	CONFIG_QR_LEVEL_L,
	CONFIG_QR_LEVEL_M,
	CONFIG_QR_LEVEL_Q,
	CONFIG_QR_LEVEL_H,
};

/* [scale] weight_unit: what one step of a label's weight is. */
enum config_weight_unit {
	CONFIG_WEIGHT_G,        /* "g": grams */
	CONFIG_WEIGHT_10G,      /* "10g": tens of grams */
};

/* [scale] price_unit: what one step of a label's price is. */
enum config_price_unit {
	CONFIG_PRICE_TENGE,     /* "tenge" */
	CONFIG_PRICE_TIYN,      /* "tiyn" */
};

struct kp_config {
	struct {
		char base_url[CONFIG_PATH_MAX];  /* http(s) URL up to "/api/v1" */
		char key[CONFIG_SECRET_MAX];     /* xdev_...; "" = not set; never print */
		char merchant_id[16];            /* 12-digit BIN; "" = not set */
		char ca_file[CONFIG_PATH_MAX];   /* PEM bundle; "" = system store */
		int connect_timeout;             /* seconds */
		int timeout;                     /* seconds, whole request */
		char webhook_secret[CONFIG_SECRET_MAX]; /* "" = not set; never print */
		char callback_url[CONFIG_PATH_MAX]; /* each create's callback_url (the hub's
		                                       /webhooks/kaspi); "" = none sent */
	} api;
	struct {
		char name[CONFIG_TEXT_MAX];      /* UTF-8, printed on receipts */
		char bin[16];                    /* 12 digits; "" = not set */
		char address[CONFIG_TEXT_MAX];
	} store;
	struct {
		char id[8];                      /* letter + 2 digits, "T01" */
	} till;
	struct {
		enum config_theme theme;
		enum config_language language;
		bool bell;
	} ui;
	struct {
		enum config_printer_mode mode;
		char command[CONFIG_PATH_MAX];   /* e.g. "lp -d NAME" */
		char device[CONFIG_PATH_MAX];    /* e.g. "/dev/usb/lp0" */
		char file[CONFIG_PATH_MAX];
		enum config_codepage codepage;
		int codetable;                   /* ESC t number of that page; 0: Epson's (17, 53) */
		int width;                       /* columns: 32, 42 or 48 */
		enum config_qr qr;               /* native or raster */
		int qr_size;                     /* dots per module: 1–16 */
		enum config_qr_level qr_level;
	} printer;
	struct {
		enum config_drawer_mode mode;
		char command[CONFIG_PATH_MAX];   /* drawer mode command: e.g. a GPIO helper */
		int pin;                         /* ESC p connector pin: 2 or 5 */
	} drawer;
	struct {                                 /* hundredths of a percent: 50 = 0.5 % */
		int qr;
		int phone;
		int card;
	} commission;
	struct {
		int discount_percent_without_manager; /* hundredths of a percent */
	} limits;
	struct {                                 /* the shop's scale labels (core/scale.h) */
		unsigned weight_prefixes;        /* bit (p − 20): labels of prefix p carry a weight */
		unsigned price_prefixes;         /* ... a price; never one prefix in both */
		int plu_digits;                  /* 4–6 */
		enum config_weight_unit weight_unit;
		enum config_price_unit price_unit;
	} scale;

	struct {                                 /* the cloud cash register (FISCAL.md) */
		enum config_fiscal_provider provider;
		char base_url[CONFIG_PATH_MAX];  /* "https://devkkm.webkassa.kz" */
		char api_key[CONFIG_SECRET_MAX]; /* x-api-key; never print */
		char login[CONFIG_SECRET_MAX];   /* never print */
		char password[CONFIG_SECRET_MAX];/* never print */
		char cashbox[32];                /* CashboxUniqueNumber (ЗНК) */
		char ca_file[CONFIG_PATH_MAX];   /* "" = the system store */
		int paper;                       /* 80 or 58 (mm): PrintFormat's paper */
		int timeout;                     /* seconds, whole request */
	} fiscal;
	struct {                                 /* the customer display (app/display.h) */
		char listen[CONFIG_LISTEN_MAX];  /* "ADDR:PORT", "[v6]:PORT"; "" = off; port 0: any free */
		char token[CONFIG_TOKEN_MAX];    /* the page's ?token=; "" = a random one per start;
		                                    never print */
		char name[CONFIG_TEXT_MAX];      /* the shop's name on the page; "" = [store] name */
		char vfd[CONFIG_PATH_MAX];       /* a pole display's port (app/vfd.h); "" = none */
		int vfd_table;                   /* its ESC t number for PC866 */
		enum config_vfd_language vfd_language;
	} display;
	struct {                                 /* the chain's hub (kaspi-hub): app/ship.h */
		char url[CONFIG_PATH_MAX];       /* "" = no hub: nothing is shipped */
		char token[CONFIG_SECRET_MAX];   /* the till's, from kaspi-hub till add; never print */
		int batch;                       /* rows per request */
		int timeout;                     /* seconds, whole request */
		char ca_file[CONFIG_PATH_MAX];   /* PEM bundle for the hub's TLS; "" = system store */
	} hub;
	char path[CONFIG_PATH_MAX];  /* the file read; "" when none was */
	char home[CONFIG_PATH_MAX];  /* journal + catalog folder (KASPI_POS_HOME) */

	int errors;                  /* counts every diagnostic, kept or not */
	int warnings;
	int ndiag;                   /* entries used in diag[] */
	int dropped;                 /* diagnostics past CONFIG_DIAG_MAX */
	struct config_diag diag[CONFIG_DIAG_MAX];
};

/* Fills cfg with the defaults and clears the diagnostics. */
void config_init(struct kp_config *cfg);

/* Reads INI text from memory over what cfg already holds. name is used in
 * messages ("name:LINE: ..."). buf need not be NUL-terminated and may hold
 * any bytes. Returns CONFIG_ERR_INVALID if this call added an error. */
enum config_status config_parse_buffer(struct kp_config *cfg, const char *buf, size_t len,
                                       const char *name) KP_MUST_CHECK;

/* Reads an INI file over what cfg holds, then warns if the file holds the
 * key or the webhook secret and is readable by group or others. A file
 * that cannot be opened is an error (CONFIG_ERR_FILE). Sets cfg->path. */
enum config_status config_load_file(struct kp_config *cfg, const char *path) KP_MUST_CHECK;

/* Applies KASPI_XDEV_KEY, KASPI_MERCHANT_ID, KASPI_BASE_URL and
 * KASPI_WEBHOOK_SECRET (an empty variable counts as unset), and sets
 * cfg->home from KASPI_POS_HOME, else $XDG_DATA_HOME/kaspi-pos, else
 * ~/.local/share/kaspi-pos. */
enum config_status config_apply_env(struct kp_config *cfg) KP_MUST_CHECK;

/* The whole start-up sequence: defaults, the file (explicit_path, or the
 * default path when NULL — a missing default file is fine), the
 * environment, then checks across keys. The worst status seen. */
enum config_status config_load(struct kp_config *cfg, const char *explicit_path) KP_MUST_CHECK;

/* $XDG_CONFIG_HOME/kaspi-pos/config.ini (XDG default ~/.config). Returns
 * false when neither XDG_CONFIG_HOME nor HOME gives a usable folder. */
bool config_default_path(char *buf, size_t size) KP_MUST_CHECK;

/* Splits a [display] listen value ("192.168.1.10:8080", "0.0.0.0:0",
 * "[::1]:8080") into its numeric address (no brackets) and port. False
 * when it is not an IPv4 or IPv6 address and a port 0–65535. */
bool config_listen_split(const char *listen, char *addr, size_t size, int *port) KP_MUST_CHECK;

/* The [scale] settings as the rules core/scale.h reads labels with. */
void config_scale_rules(const struct kp_config *cfg, struct kp_scale_rules *out);

/* "warning" or "error": an N_() msgid for the caller's gettext. */
const char *config_severity_name(enum config_severity severity);

/* "auto", "ru", "kk", "en": the [ui] language as i18n_init takes it. */
const char *config_language_name(enum config_language lang);

#endif
