/* config.c — settings from defaults, an INI file and the environment.
 *
 * Every key is one row of config_keys[]: where it lives, its type, its
 * default (written as it would be in the file, so defaults go through the
 * same parser as the file), the environment variable that overrides it
 * and any extra rule. The INI dialect, decided here:
 *   - "[section]" and "key = value" lines; names are ASCII letters, digits,
 *     '_', '-', '.', matched without regard to case ("[API]" is [api]);
 *   - full-line comments start with ';' or '#'. An unquoted value runs to
 *     the end of the line (a '#' can be part of a secret or a URL); after a
 *     quoted value a comment may follow;
 *   - "..." quotes keep leading/trailing blanks; inside them \" and \\ are
 *     the only escapes;
 *   - CRLF or LF line ends, an optional UTF-8 BOM; values must be UTF-8
 *     without control characters; lines over CONFIG_LINE_MAX bytes and NUL
 *     bytes are errors.
 * Values are never copied into messages: only names, files and lines are,
 * so neither the key nor the webhook secret can leak into a diagnostic. */
#include "app/config.h"

#include "app/i18n.h"
#include "core/validate.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME_MAX_LEN 64 /* of a section or key name */

enum key_type {
	KEY_STRING,  /* char[] field: UTF-8 without control characters */
	KEY_INT,     /* int field: a whole number in [min, max] */
	KEY_PERCENT, /* int field in hundredths: "0.5" -> 50, in [min, max] */
	KEY_ENUM,    /* enum field: the index of the name in choices */
	KEY_BOOL,    /* bool field: on/off */
	KEY_PREFIXES, /* unsigned field: scale-label prefixes 20–29 as a bit set ("21 22", "20-29") */
};

struct config_key {
	const char *section;
	const char *name;
	enum key_type type;
	size_t offset;               /* of the field in struct kp_config */
	size_t size;                 /* of the field; a string's capacity */
	const char *def;             /* default, written as in the file */
	const char *env;             /* variable that overrides it, or NULL */
	const char *const *choices;  /* KEY_ENUM: names in enum order, NULL-ended */
	long min, max;               /* KEY_INT; KEY_PERCENT in hundredths */
	bool secret;                 /* its file should be 0600 */
	bool (*check)(const void *field); /* extra rule on the parsed value */
	const char *expect;          /* a good value, for messages; NULL = by type */
};

/* KEY_ENUM stores through an int. */
_Static_assert(sizeof(enum config_theme) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_language) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_printer_mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_codepage) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_qr) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_qr_level) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_weight_unit) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_price_unit) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_fiscal_provider) == sizeof(int), "enum size");

/* Names in the order of their enums. */
static const char *const theme_names[] = {"default", "dark", "high-contrast", "mono", NULL};
static const char *const language_names[] = {"auto", "ru", "kk", "en", NULL};
static const char *const printer_mode_names[] = {"none", "command", "device", "file", NULL};
static const char *const codepage_names[] = {"cp866", "kz1048", NULL};
static const char *const qr_names[] = {"native", "raster", NULL};
static const char *const qr_level_names[] = {"L", "M", "Q", "H", NULL};
static const char *const weight_unit_names[] = {"g", "10g", NULL};
static const char *const price_unit_names[] = {"tenge", "tiyn", NULL};
static const char *const drawer_mode_names[] = {"none", "printer", "command", NULL};
static const char *const fiscal_provider_names[] = {"none", "webkassa", NULL};
static const char *const vfd_language_names[] = {"ru", "kk", NULL};

static bool ascii_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

static bool ascii_iprefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	char head[16];

	if (n >= sizeof head || strlen(s) < n)
		return false;
	memcpy(head, s, n);
	head[n] = '\0';
	return ascii_ieq(head, prefix);
}

/* True when s contains "xdev_" in any case: such text is treated as an
 * API key wherever it appears. */
static bool looks_like_key(const char *s)
{
	for (; *s; s++)
		if (ascii_iprefix(s, KP_KEY_PREFIX))
			return true;
	return false;
}

static bool check_url(const void *field)
{
	const char *s = field;
	size_t skip;

	if (ascii_iprefix(s, "https://"))
		skip = 8;
	else if (ascii_iprefix(s, "http://"))
		skip = 7;
	else
		return false;
	return s[skip] != '\0' && s[skip] != '/' && strchr(s, ' ') == NULL;
}

static bool check_key(const void *field)
{
	const char *s = field;
	return *s == '\0' || kp_valid_key(s);
}

static bool check_bin(const void *field)
{
	const char *s = field;
	return *s == '\0' || kp_valid_bin(s);
}

/* Upper-case letter and two digits: it starts every order id. */
static bool check_till_id(const void *field)
{
	const char *s = field;
	return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= '0' && s[1] <= '9' &&
	       s[2] >= '0' && s[2] <= '9';
}

static bool check_width(const void *field)
{
	int w;
	memcpy(&w, field, sizeof w);
	return w == 32 || w == 42 || w == 48;
}

static bool check_drawer_pin(const void *field)
{
	int pin;
	memcpy(&pin, field, sizeof pin);
	return pin == 2 || pin == 5;
}

static bool check_paper(const void *field)
{
	int mm;
	memcpy(&mm, field, sizeof mm);
	return mm == 80 || mm == 58;
}

/* A register's factory number: letters and digits, 1–31. */
static bool check_cashbox(const void *field)
{
	const char *s = field;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

static bool check_url_or_empty(const void *field)
{
	const char *s = field;
	return *s == '\0' || check_url(field);
}

bool config_listen_split(const char *listen, char *addr, size_t size, int *port)
{
	const char *colon, *host = listen;
	size_t hlen;
	long v = 0;
	unsigned char bin[16];

	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');
		if (!close || close[1] != ':')
			return false;
		host = listen + 1;
		hlen = (size_t)(close - host);
		colon = close + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			return false;
		hlen = (size_t)(colon - listen);
	}
	if (hlen == 0 || hlen >= size || hlen >= 64)
		return false;
	memcpy(addr, host, hlen);
	addr[hlen] = '\0';
	if (inet_pton(listen[0] == '[' ? AF_INET6 : AF_INET, addr, bin) != 1)
		return false;
	const char *p = colon + 1;
	if (*p == '\0' || strlen(p) > 5)
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	if (v > 65535)
		return false;
	*port = (int)v;
	return true;
}

static bool check_listen(const void *field)
{
	char addr[64];
	int port;
	const char *s = field;
	return *s == '\0' || config_listen_split(s, addr, sizeof addr, &port);
}

/* A token fit for a URL's query: 16–64 letters, digits, '-' or '_'. */
static bool check_token(const void *field)
{
	const char *s = field;
	size_t n = strlen(s);
	if (n == 0)
		return true;
	if (n < 16 || n > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			return false;
	return true;
}

#define FIELD(f) .offset = offsetof(struct kp_config, f), .size = sizeof(((struct kp_config *)0)->f)

/* Every key the till knows. data/config.example.ini documents each. */
static const struct config_key config_keys[] = {
	{.section = "api", .name = "base_url", .type = KEY_STRING, FIELD(api.base_url),
	 .def = "https://api.xpayment.kz/api/v1", .env = "KASPI_BASE_URL", .check = check_url,
	 .expect = N_("an http:// or https:// URL such as https://api.xpayment.kz/api/v1")},
	{.section = "api", .name = "key", .type = KEY_STRING, FIELD(api.key), .def = "",
	 .env = "KASPI_XDEV_KEY", .secret = true, .check = check_key,
	 .expect = N_("xdev_ followed by 20 characters a-z or 0-9")},
	{.section = "api", .name = "merchant_id", .type = KEY_STRING, FIELD(api.merchant_id),
	 .def = "", .env = "KASPI_MERCHANT_ID", .check = check_bin,
	 .expect = N_("the merchant's BIN: 12 digits")},
	{.section = "api", .name = "ca_file", .type = KEY_STRING, FIELD(api.ca_file), .def = ""},
	{.section = "api", .name = "connect_timeout", .type = KEY_INT, FIELD(api.connect_timeout),
	 .def = "3", .min = 1, .max = 60, .expect = N_("whole seconds from 1 to 60")},
	{.section = "api", .name = "timeout", .type = KEY_INT, FIELD(api.timeout), .def = "10",
	 .min = 1, .max = 300, .expect = N_("whole seconds from 1 to 300")},
	{.section = "api", .name = "webhook_secret", .type = KEY_STRING, FIELD(api.webhook_secret),
	 .def = "", .env = "KASPI_WEBHOOK_SECRET", .secret = true},
	{.section = "api", .name = "callback_url", .type = KEY_STRING, FIELD(api.callback_url),
	 .def = "", .env = "KASPI_CALLBACK_URL", .check = check_url_or_empty,
	 .expect = N_("an http:// or https:// URL such as https://hub.example.kz/webhooks/kaspi")},

	{.section = "store", .name = "name", .type = KEY_STRING, FIELD(store.name), .def = ""},
	{.section = "store", .name = "bin", .type = KEY_STRING, FIELD(store.bin), .def = "",
	 .check = check_bin, .expect = N_("the store's BIN: 12 digits")},
	{.section = "store", .name = "address", .type = KEY_STRING, FIELD(store.address), .def = ""},

	{.section = "till", .name = "id", .type = KEY_STRING, FIELD(till.id), .def = "T01",
	 .check = check_till_id, .expect = N_("a capital letter and two digits, like T01")},

	{.section = "ui", .name = "theme", .type = KEY_ENUM, FIELD(ui.theme), .def = "default",
	 .choices = theme_names},
	{.section = "ui", .name = "language", .type = KEY_ENUM, FIELD(ui.language), .def = "auto",
	 .choices = language_names},
	{.section = "ui", .name = "bell", .type = KEY_BOOL, FIELD(ui.bell), .def = "on"},

	{.section = "printer", .name = "mode", .type = KEY_ENUM, FIELD(printer.mode), .def = "none",
	 .choices = printer_mode_names},
	{.section = "printer", .name = "command", .type = KEY_STRING, FIELD(printer.command),
	 .def = ""},
	{.section = "printer", .name = "device", .type = KEY_STRING, FIELD(printer.device),
	 .def = ""},
	{.section = "printer", .name = "file", .type = KEY_STRING, FIELD(printer.file), .def = ""},
	{.section = "printer", .name = "codepage", .type = KEY_ENUM, FIELD(printer.codepage),
	 .def = "cp866", .choices = codepage_names},
	{.section = "printer", .name = "codetable", .type = KEY_INT, FIELD(printer.codetable),
	 .def = "0", .min = 0, .max = 255, .expect = N_("0 (the printer's usual number) to 255, from its self-test page")},
	{.section = "printer", .name = "width", .type = KEY_INT, FIELD(printer.width), .def = "32",
	 .min = 32, .max = 48, .check = check_width, .expect = N_("32, 42 or 48 (columns)")},
	{.section = "printer", .name = "qr", .type = KEY_ENUM, FIELD(printer.qr), .def = "native",
	 .choices = qr_names},
	{.section = "printer", .name = "qr_size", .type = KEY_INT, FIELD(printer.qr_size), .def = "6",
	 .min = 1, .max = 16, .expect = N_("1 to 16 (dots per module of a QR code)")},
	{.section = "printer", .name = "qr_level", .type = KEY_ENUM, FIELD(printer.qr_level),
	 .def = "M", .choices = qr_level_names},

	{.section = "drawer", .name = "mode", .type = KEY_ENUM, FIELD(drawer.mode), .def = "none",
	 .choices = drawer_mode_names},
	{.section = "drawer", .name = "command", .type = KEY_STRING, FIELD(drawer.command), .def = ""},
	{.section = "drawer", .name = "pin", .type = KEY_INT, FIELD(drawer.pin), .def = "2", .min = 2,
	 .max = 5, .check = check_drawer_pin, .expect = N_("2 or 5 (the drawer connector's pin)")},

	{.section = "commission", .name = "qr", .type = KEY_PERCENT, FIELD(commission.qr),
	 .def = "0.5", .min = 0, .max = 10000},
	{.section = "commission", .name = "phone", .type = KEY_PERCENT, FIELD(commission.phone),
	 .def = "0.7", .min = 0, .max = 10000},
	{.section = "commission", .name = "card", .type = KEY_PERCENT, FIELD(commission.card),
	 .def = "1.5", .min = 0, .max = 10000},

	{.section = "limits", .name = "discount_percent_without_manager", .type = KEY_PERCENT,
	 FIELD(limits.discount_percent_without_manager), .def = "10", .min = 0, .max = 10000},

	{.section = "scale", .name = "weight_prefixes", .type = KEY_PREFIXES,
	 FIELD(scale.weight_prefixes), .def = "none",
	 .expect = N_("prefixes from 20 to 29, like 21 22 or 20-24, or none")},
	{.section = "scale", .name = "price_prefixes", .type = KEY_PREFIXES,
	 FIELD(scale.price_prefixes), .def = "none",
	 .expect = N_("prefixes from 20 to 29, like 21 22 or 20-24, or none")},
	{.section = "scale", .name = "plu_digits", .type = KEY_INT, FIELD(scale.plu_digits),
	 .def = "5", .min = KP_SCALE_PLU_DIGITS_MIN, .max = KP_SCALE_PLU_DIGITS_MAX,
	 .expect = N_("4, 5 or 6 (digits of the product code after the prefix)")},
	{.section = "scale", .name = "weight_unit", .type = KEY_ENUM, FIELD(scale.weight_unit),
	 .def = "g", .choices = weight_unit_names},
	{.section = "scale", .name = "price_unit", .type = KEY_ENUM, FIELD(scale.price_unit),
	 .def = "tenge", .choices = price_unit_names},

	{.section = "fiscal", .name = "provider", .type = KEY_ENUM, FIELD(fiscal.provider),
	 .def = "none", .choices = fiscal_provider_names},
	{.section = "fiscal", .name = "base_url", .type = KEY_STRING, FIELD(fiscal.base_url),
	 .def = "", .env = "WEBKASSA_URL", .check = check_url_or_empty,
	 .expect = N_("an http:// or https:// URL such as https://devkkm.webkassa.kz")},
	{.section = "fiscal", .name = "api_key", .type = KEY_STRING, FIELD(fiscal.api_key),
	 .def = "", .env = "WEBKASSA_API_KEY", .secret = true},
	{.section = "fiscal", .name = "login", .type = KEY_STRING, FIELD(fiscal.login), .def = "",
	 .env = "WEBKASSA_LOGIN", .secret = true},
	{.section = "fiscal", .name = "password", .type = KEY_STRING, FIELD(fiscal.password),
	 .def = "", .env = "WEBKASSA_PASSWORD", .secret = true},
	{.section = "fiscal", .name = "cashbox", .type = KEY_STRING, FIELD(fiscal.cashbox),
	 .def = "", .env = "WEBKASSA_CASHBOX", .check = check_cashbox,
	 .expect = N_("the register's factory number (ЗНК), letters and digits like SWK00033717")},
	{.section = "fiscal", .name = "ca_file", .type = KEY_STRING, FIELD(fiscal.ca_file), .def = ""},
	{.section = "fiscal", .name = "paper", .type = KEY_INT, FIELD(fiscal.paper), .def = "80",
	 .min = 58, .max = 80, .check = check_paper, .expect = N_("80 or 58 (mm)")},
	{.section = "fiscal", .name = "timeout", .type = KEY_INT, FIELD(fiscal.timeout), .def = "10",
	 .min = 1, .max = 120, .expect = N_("whole seconds from 1 to 120")},

	{.section = "display", .name = "listen", .type = KEY_STRING, FIELD(display.listen),
	 .def = "", .check = check_listen,
	 .expect = N_("an address and port like 192.168.1.10:8080 (0.0.0.0:8080 on every network, port 0: any free one), or nothing for no display")},
	{.section = "display", .name = "token", .type = KEY_STRING, FIELD(display.token), .def = "",
	 .secret = true, .check = check_token,
	 .expect = N_("16 to 64 letters, digits, '-' or '_', or nothing for a new random one at every start")},
	{.section = "display", .name = "name", .type = KEY_STRING, FIELD(display.name), .def = ""},
	{.section = "display", .name = "vfd", .type = KEY_STRING, FIELD(display.vfd), .def = ""},
	{.section = "display", .name = "vfd_table", .type = KEY_INT, FIELD(display.vfd_table),
	 .def = "17", .min = 0, .max = 255, .expect = N_("the pole's number for PC866: 0 to 255")},
	{.section = "display", .name = "vfd_language", .type = KEY_ENUM, FIELD(display.vfd_language),
	 .def = "ru", .choices = vfd_language_names},
	{.section = "hub", .name = "url", .type = KEY_STRING, FIELD(hub.url), .def = "",
	 .env = "KASPI_HUB_URL", .check = check_url_or_empty,
	 .expect = N_("an http:// or https:// URL such as https://hub.example.kz")},
	{.section = "hub", .name = "token", .type = KEY_STRING, FIELD(hub.token), .def = "",
	 .env = "KASPI_HUB_TOKEN", .secret = true},
	{.section = "hub", .name = "batch", .type = KEY_INT, FIELD(hub.batch), .def = "500",
	 .min = 1, .max = 5000, .expect = N_("rows per request, 1 to 5000")},
	{.section = "hub", .name = "timeout", .type = KEY_INT, FIELD(hub.timeout), .def = "30",
	 .min = 1, .max = 300, .expect = N_("whole seconds from 1 to 300")},
	{.section = "hub", .name = "ca_file", .type = KEY_STRING, FIELD(hub.ca_file), .def = ""},
};

#define KEY_COUNT (sizeof config_keys / sizeof config_keys[0])

/* ---- diagnostics ------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static void diag_add(struct kp_config *cfg, enum config_severity severity, const char *fmt, ...)
{
	va_list ap;

	if (severity == CONFIG_ERROR)
		cfg->errors++;
	else
		cfg->warnings++;
	if (cfg->ndiag >= CONFIG_DIAG_MAX) {
		cfg->dropped++;
		return;
	}
	struct config_diag *d = &cfg->diag[cfg->ndiag++];
	d->severity = severity;
	va_start(ap, fmt);
	vsnprintf(d->text, sizeof d->text, fmt, ap);
	va_end(ap);
	/* one line: a file name may hold anything */
	for (char *c = d->text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
}

const char *config_severity_name(enum config_severity severity)
{
	return severity == CONFIG_ERROR ? N_("error") : N_("warning");
}

const char *config_language_name(enum config_language lang)
{
	return (int)lang >= 0 && lang <= CONFIG_LANG_EN ? language_names[lang] : "auto";
}

/* A section or key name as it may appear in a message: quoted, or a
 * placeholder when it looks like an API key pasted in the wrong place. */
static const char *shown_name(const char *name, char *buf, size_t size)
{
	if (looks_like_key(name))
		return _("(name not shown)");
	snprintf(buf, size, "\"%s\"", name);
	return buf;
}

/* ---- values ------------------------------------------------------------ */

static bool parse_int(const char *s, long *out)
{
	long v = 0;
	bool neg = false;
	int n = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, n++) {
		if (n == 9)
			return false;
		v = v * 10 + (*s - '0');
	}
	if (n == 0 || *s != '\0')
		return false;
	*out = neg ? -v : v;
	return true;
}

/* "0.5", "0,5", "1.25", "10", "10 %" -> hundredths of a percent. */
static bool parse_percent(const char *s, long *out)
{
	long whole = 0, frac = 0;
	int n = 0;

	for (; *s >= '0' && *s <= '9'; s++, n++) {
		if (n == 6)
			return false;
		whole = whole * 10 + (*s - '0');
	}
	if (n == 0)
		return false;
	if (*s == '.' || *s == ',') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		frac = (*s++ - '0') * 10;
		if (*s >= '0' && *s <= '9')
			frac += *s++ - '0';
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '%')
		s++;
	if (*s != '\0')
		return false;
	*out = whole * 100 + frac;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"on", "yes", "true", "1"};
	static const char *const no[] = {"off", "no", "false", "0"};

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (ascii_ieq(s, yes[i])) {
			*out = true;
			return true;
		}
		if (ascii_ieq(s, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

static void format_percent(char *buf, size_t size, long hundredths)
{
	if (hundredths % 100 == 0)
		snprintf(buf, size, "%ld", hundredths / 100);
	else
		snprintf(buf, size, "%ld.%02ld", hundredths / 100, hundredths % 100);
}

/* What a good value of k looks like, for a message. */
static void describe_expected(const struct config_key *k, char *buf, size_t size)
{
	char lo[24], hi[24];

	if (k->expect) {
		snprintf(buf, size, "%s", _(k->expect));
		return;
	}
	switch (k->type) {
	case KEY_STRING:
		snprintf(buf, size, _("UTF-8 text of at most %zu bytes"), k->size - 1);
		break;
	case KEY_INT:
		snprintf(buf, size, _("a whole number from %ld to %ld"), k->min, k->max);
		break;
	case KEY_PERCENT:
		format_percent(lo, sizeof lo, k->min);
		format_percent(hi, sizeof hi, k->max);
		snprintf(buf, size, _("a percent from %s to %s with at most two decimals, like 0.5"),
		         lo, hi);
		break;
	case KEY_ENUM: {
		size_t used = (size_t)snprintf(buf, size, "%s", _("one of"));
		for (size_t i = 0; k->choices[i] && used < size; i++)
			used += (size_t)snprintf(buf + used, size - used, "%s %s",
			                         i ? "," : "", k->choices[i]);
		break;
	}
	case KEY_BOOL:
		snprintf(buf, size, "%s", _("on or off"));
		break;
	case KEY_PREFIXES:
		snprintf(buf, size, "%s", _("prefixes from 20 to 29, or none"));
		break;
	}
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Parses value for k into a scratch copy, checks it, and only then stores
 * it, so a bad value leaves the field as it was. On failure writes what
 * was expected into why. */
static bool key_set(struct kp_config *cfg, const struct config_key *k, const char *value,
                    char *why, size_t whysize)
{
	union {
		char s[CONFIG_LINE_MAX + 1];
		int i;
		bool b;
		unsigned u;
	} tmp;
	size_t n = strlen(value), store = k->size;
	long v;

	assert(k->size <= sizeof tmp.s);
	switch (k->type) {
	case KEY_STRING:
		if (n >= k->size) {
			snprintf(why, whysize, _("at most %zu bytes"), k->size - 1);
			return false;
		}
		if (has_control(value) || kp_utf8_length(value) < 0) {
			snprintf(why, whysize, "%s", _("UTF-8 text without control characters"));
			return false;
		}
		memcpy(tmp.s, value, n + 1);
		store = n + 1;
		break;
	case KEY_INT:
	case KEY_PERCENT:
		if (!(k->type == KEY_INT ? parse_int(value, &v) : parse_percent(value, &v)) ||
		    v < k->min || v > k->max)
			goto bad;
		tmp.i = (int)v;
		break;
	case KEY_ENUM: {
		size_t i;
		for (i = 0; k->choices[i]; i++)
			if (ascii_ieq(value, k->choices[i]))
				break;
		if (!k->choices[i])
			goto bad;
		tmp.i = (int)i;
		break;
	}
	case KEY_BOOL:
		if (!parse_bool(value, &tmp.b))
			goto bad;
		break;
	case KEY_PREFIXES:
		if (!kp_scale_prefixes_parse(value, &tmp.u))
			goto bad;
		break;
	}
	if (k->check && !k->check(&tmp))
		goto bad;
	memcpy((char *)cfg + k->offset, &tmp, store);
	return true;
bad:
	describe_expected(k, why, whysize);
	return false;
}

static const struct config_key *key_find(const char *section, const char *name)
{
	for (size_t i = 0; i < KEY_COUNT; i++)
		if (ascii_ieq(config_keys[i].section, section) && ascii_ieq(config_keys[i].name, name))
			return &config_keys[i];
	return NULL;
}

static bool section_known(const char *section)
{
	for (size_t i = 0; i < KEY_COUNT; i++)
		if (ascii_ieq(config_keys[i].section, section))
			return true;
	return false;
}

void config_init(struct kp_config *cfg)
{
	char why[CONFIG_DIAG_TEXT];

	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < KEY_COUNT; i++) {
		bool ok = key_set(cfg, &config_keys[i], config_keys[i].def, why, sizeof why);
		assert(ok && "a default in config_keys[] fails its own rule");
		(void)ok;
	}
}

/* ---- the INI parser ---------------------------------------------------- */

struct parse {
	struct kp_config *cfg;
	const char *name;               /* file name for messages */
	int line;
	bool in_section;                /* a [section] header was seen */
	bool known;                     /* ... and it is one of ours */
	char section[NAME_MAX_LEN + 1]; /* as written */
	int set_line[KEY_COUNT];        /* line that last set each key, 0 = none */
	bool holds_secret;              /* the key or the webhook secret is set here */
};

__attribute__((format(printf, 3, 4)))
static void line_diag(struct parse *p, enum config_severity severity, const char *fmt, ...)
{
	char msg[CONFIG_DIAG_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag_add(p->cfg, severity, "%s:%d: %s", p->name, p->line, msg);
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static char *trim(char *s)
{
	while (is_blank(*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static bool valid_name(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return n > 0 && n <= NAME_MAX_LEN;
}

static void parse_section(struct parse *p, char *s)
{
	char *close = strchr(s, ']');
	char buf[NAME_MAX_LEN + 3];

	/* until a good header comes, keys belong to no section we know */
	p->in_section = true;
	p->known = false;
	p->section[0] = '\0';
	if (!close) {
		line_diag(p, CONFIG_ERROR, _("a section header must end with ']'"));
		return;
	}
	*close = '\0';
	const char *rest = close + 1;
	while (is_blank(*rest))
		rest++;
	if (*rest != '\0' && *rest != ';' && *rest != '#') {
		line_diag(p, CONFIG_ERROR, _("only a comment may follow ']'"));
		return;
	}
	char *name = trim(s + 1);
	if (!valid_name(name)) {
		line_diag(p, CONFIG_ERROR,
		          _("expected a section name of letters, digits, '_', '-' or '.' inside [ ]"));
		return;
	}
	snprintf(p->section, sizeof p->section, "%s", name);
	p->known = section_known(name);
	if (!p->known && !looks_like_key(name))
		line_diag(p, CONFIG_WARNING, _("unknown section [%s]; its keys are ignored"), name);
	else if (!p->known)
		line_diag(p, CONFIG_WARNING, _("unknown section %s; its keys are ignored"),
		          shown_name(name, buf, sizeof buf));
}

/* Removes the quotes of a "..." value in place. Returns an error message,
 * or NULL when the value is good. */
static const char *unquote(char *value)
{
	char *out = value;
	const char *in = value + 1;

	for (;;) {
		if (*in == '\0')
			return _("a quoted value must end with '\"' on the same line");
		if (*in == '"')
			break;
		if (*in == '\\') {
			in++;
			if (*in != '"' && *in != '\\')
				return _("inside quotes only \\\" and \\\\ are escapes");
		}
		*out++ = *in++;
	}
	*out = '\0';
	in++;
	while (is_blank(*in))
		in++;
	if (*in != '\0' && *in != ';' && *in != '#')
		return _("only a comment may follow a quoted value");
	return NULL;
}

static void parse_assignment(struct parse *p, char *s, char *eq)
{
	char why[CONFIG_DIAG_TEXT], nbuf[NAME_MAX_LEN + 3];

	*eq = '\0';
	char *name = trim(s);
	char *value = trim(eq + 1);
	if (!valid_name(name)) {
		line_diag(p, CONFIG_ERROR,
		          _("expected a key name of letters, digits, '_', '-' or '.' before '='"));
		return;
	}
	const struct config_key *k = p->known ? key_find(p->section, name) : NULL;
	if ((k && k->secret && *value) || looks_like_key(value))
		p->holds_secret = true;
	if (*value == '"') {
		const char *err = unquote(value);
		if (err) {
			line_diag(p, CONFIG_ERROR, "%s", err);
			return;
		}
	}
	if (!p->in_section) {
		line_diag(p, CONFIG_ERROR, _("key %s comes before any [section]"),
		          shown_name(name, nbuf, sizeof nbuf));
		return;
	}
	if (!p->known)
		return; /* the section header was already reported */
	if (!k) {
		line_diag(p, CONFIG_WARNING, _("unknown key %s in [%s]"),
		          shown_name(name, nbuf, sizeof nbuf), p->section);
		return;
	}
	size_t idx = (size_t)(k - config_keys);
	if (p->set_line[idx])
		line_diag(p, CONFIG_WARNING, _("duplicate key \"%s\" in [%s] (also on line %d); the last one wins"),
		          k->name, k->section, p->set_line[idx]);
	p->set_line[idx] = p->line;
	if (!key_set(p->cfg, k, value, why, sizeof why))
		line_diag(p, CONFIG_ERROR, _("bad value for \"%s\" in [%s]: expected %s%s"), k->name,
		          k->section, why, k->secret ? _(" (value not shown)") : "");
}

static void parse_line(struct parse *p, char *s)
{
	s = trim(s);
	if (*s == '\0' || *s == ';' || *s == '#')
		return;
	if (*s == '[') {
		parse_section(p, s);
		return;
	}
	char *eq = strchr(s, '=');
	if (!eq) {
		line_diag(p, CONFIG_ERROR, _("expected \"key = value\", a [section] or a comment"));
		return;
	}
	parse_assignment(p, s, eq);
}

static void parse_run(struct parse *p, const char *buf, size_t len)
{
	size_t pos = 0;

	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *start = buf + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		char copy[CONFIG_LINE_MAX + 1];

		pos += n + (nl ? 1 : 0);
		p->line++;
		if (n > 0 && start[n - 1] == '\r')
			n--;
		if (n > CONFIG_LINE_MAX) {
			line_diag(p, CONFIG_ERROR, _("line longer than %d bytes"), CONFIG_LINE_MAX);
			continue;
		}
		if (memchr(start, '\0', n)) {
			line_diag(p, CONFIG_ERROR, _("NUL byte in the line"));
			continue;
		}
		memcpy(copy, start, n);
		copy[n] = '\0';
		parse_line(p, copy);
	}
}

/* Parses buf into cfg; says whether the text sets the key or the secret. */
static bool parse_into(struct kp_config *cfg, const char *buf, size_t len, const char *name)
{
	struct parse p = {.cfg = cfg, .name = name ? name : "config"};

	parse_run(&p, buf, len);
	return p.holds_secret;
}

enum config_status config_parse_buffer(struct kp_config *cfg, const char *buf, size_t len,
                                       const char *name)
{
	int errors = cfg->errors;

	parse_into(cfg, buf, len, name);
	return cfg->errors > errors ? CONFIG_ERR_INVALID : CONFIG_OK;
}

/* ---- files and the environment ----------------------------------------- */

/* Quotes path for a shell command line when it needs quoting. */
static void shell_quote(const char *path, char *buf, size_t size)
{
	static const char plain_chars[] = "abcdefghijklmnopqrstuvwxyz"
	                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+,:@%";
	size_t used = 0;

	if (*path != '\0' && strspn(path, plain_chars) == strlen(path)) {
		snprintf(buf, size, "%s", path);
		return;
	}
	/* 'it'\''s' form; cut short if buf is too small */
	buf[used++] = '\'';
	for (const char *c = path; *c && used + 5 < size; c++) {
		if (*c == '\'') {
			memcpy(buf + used, "'\\''", 4);
			used += 4;
		} else {
			buf[used++] = *c;
		}
	}
	buf[used++] = '\'';
	buf[used] = '\0';
}

/* Reads and parses one file; missing_ok lets a missing file pass quietly. */
static enum config_status load_file(struct kp_config *cfg, const char *path, bool missing_ok)
{
	enum config_status status = CONFIG_OK;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int errors = cfg->errors;

	if (strlen(path) >= sizeof cfg->path) {
		diag_add(cfg, CONFIG_ERROR, _("config file path is too long"));
		return CONFIG_ERR_FILE;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (missing_ok && errno == ENOENT)
			return CONFIG_OK;
		diag_add(cfg, CONFIG_ERROR, _("%s: cannot read the config file: %s"), path,
		         strerror(errno));
		return CONFIG_ERR_FILE;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_add(cfg, CONFIG_ERROR, _("%s: not a regular file"), path);
		status = CONFIG_ERR_FILE;
		goto out;
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		diag_add(cfg, CONFIG_ERROR, _("%s: larger than %d bytes; is it the right file?"), path,
		         CONFIG_FILE_MAX);
		status = CONFIG_ERR_FILE;
		goto out;
	}
	buf = malloc(CONFIG_FILE_MAX + 1);
	if (!buf) {
		diag_add(cfg, CONFIG_ERROR, _("%s: out of memory"), path);
		status = CONFIG_ERR_FILE;
		goto out;
	}
	for (;;) {
		ssize_t got = read(fd, buf + len, CONFIG_FILE_MAX + 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			diag_add(cfg, CONFIG_ERROR, _("%s: cannot read the config file: %s"), path,
			         strerror(errno));
			status = CONFIG_ERR_FILE;
			goto out;
		}
		if (got == 0)
			break;
		len += (size_t)got;
		if (len > CONFIG_FILE_MAX) { /* it grew since fstat */
			diag_add(cfg, CONFIG_ERROR, _("%s: larger than %d bytes; is it the right file?"),
			         path, CONFIG_FILE_MAX);
			status = CONFIG_ERR_FILE;
			goto out;
		}
	}
	snprintf(cfg->path, sizeof cfg->path, "%s", path);
	if (parse_into(cfg, buf, len, path) && (st.st_mode & (S_IRGRP | S_IROTH))) {
		char quoted[CONFIG_PATH_MAX * 4 + 3];
		shell_quote(path, quoted, sizeof quoted);
		diag_add(cfg, CONFIG_WARNING,
		         _("%s: holds the API key or webhook secret and is readable by group or "
		           "others; run: chmod 600 %s"), path, quoted);
	}
	if (cfg->errors > errors)
		status = CONFIG_ERR_INVALID;
out:
	free(buf);
	close(fd);
	return status;
}

enum config_status config_load_file(struct kp_config *cfg, const char *path)
{
	return load_file(cfg, path, false);
}

/* $HOME, else the password database; NULL when neither knows. */
static const char *home_dir(void)
{
	const char *home = getenv("HOME");
	if (home && *home)
		return home;
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : NULL;
}

/* $VAR/tail when VAR holds an absolute path (XDG says to ignore relative
 * ones), else $HOME/fallback/tail. */
static bool xdg_path(char *buf, size_t size, const char *var, const char *fallback,
                     const char *tail)
{
	const char *base = getenv(var);
	int n;

	if (base && base[0] == '/') {
		n = snprintf(buf, size, "%s/%s", base, tail);
	} else {
		const char *home = home_dir();
		if (!home)
			return false;
		n = snprintf(buf, size, "%s/%s/%s", home, fallback, tail);
	}
	return n > 0 && (size_t)n < size;
}

bool config_default_path(char *buf, size_t size)
{
	return xdg_path(buf, size, "XDG_CONFIG_HOME", ".config", "kaspi-pos/config.ini");
}

enum config_status config_apply_env(struct kp_config *cfg)
{
	char why[CONFIG_DIAG_TEXT];
	int errors = cfg->errors;

	for (size_t i = 0; i < KEY_COUNT; i++) {
		const struct config_key *k = &config_keys[i];
		const char *v = k->env ? getenv(k->env) : NULL;
		if (!v || !*v) /* empty counts as unset, as in most shells' idiom */
			continue;
		if (!key_set(cfg, k, v, why, sizeof why))
			diag_add(cfg, CONFIG_ERROR, _("%s: bad value for \"%s\" in [%s]: expected %s%s"),
			         k->env, k->name, k->section, why, k->secret ? _(" (value not shown)") : "");
	}

	const char *home = getenv("KASPI_POS_HOME");
	bool ok;
	if (home && *home) {
		int n = snprintf(cfg->home, sizeof cfg->home, "%s", home);
		ok = n > 0 && (size_t)n < sizeof cfg->home;
	} else {
		ok = xdg_path(cfg->home, sizeof cfg->home, "XDG_DATA_HOME", ".local/share",
		              "kaspi-pos");
	}
	if (!ok) {
		cfg->home[0] = '\0';
		diag_add(cfg, CONFIG_ERROR,
		         _("no folder for the journal: set KASPI_POS_HOME (or HOME) to a path shorter "
		           "than %d bytes"), CONFIG_PATH_MAX);
	}
	return cfg->errors > errors ? CONFIG_ERR_INVALID : CONFIG_OK;
}

/* Rules across keys, after file and environment. */
static void check_combined(struct kp_config *cfg)
{
	static const struct {
		enum config_printer_mode mode;
		size_t offset;
		const char *name;
	} needs[] = {
		{CONFIG_PRINTER_COMMAND, offsetof(struct kp_config, printer.command), "command"},
		{CONFIG_PRINTER_DEVICE, offsetof(struct kp_config, printer.device), "device"},
		{CONFIG_PRINTER_FILE, offsetof(struct kp_config, printer.file), "file"},
	};

	for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++)
		if (cfg->printer.mode == needs[i].mode && *((char *)cfg + needs[i].offset) == '\0')
			diag_add(cfg, CONFIG_WARNING,
			         _("[printer] mode is \"%s\" but %s is empty: receipts will not print"),
			         needs[i].name, needs[i].name);

	unsigned both = cfg->scale.weight_prefixes & cfg->scale.price_prefixes;
	if (both) {
		char list[64];
		kp_scale_prefixes_format(list, sizeof list, both);
		diag_add(cfg, CONFIG_ERROR,
		         _("[scale] prefix %s is in both weight_prefixes and price_prefixes: a label's "
		           "prefix says whether it carries a weight or a price"), list);
	}
}

void config_scale_rules(const struct kp_config *cfg, struct kp_scale_rules *out)
{
	out->weight_prefixes = cfg->scale.weight_prefixes;
	out->price_prefixes = cfg->scale.price_prefixes;
	out->plu_digits = cfg->scale.plu_digits;
	out->weight_step = cfg->scale.weight_unit == CONFIG_WEIGHT_10G ? 10 : 1;
	out->price_step = cfg->scale.price_unit == CONFIG_PRICE_TIYN ? 1 : 100;
}

enum config_status config_load(struct kp_config *cfg, const char *explicit_path)
{
	enum config_status status = CONFIG_OK;
	char path[CONFIG_PATH_MAX];

	config_init(cfg);
	if (explicit_path)
		status = load_file(cfg, explicit_path, false);
	else if (config_default_path(path, sizeof path))
		status = load_file(cfg, path, true);
	else
		diag_add(cfg, CONFIG_WARNING,
		         _("neither XDG_CONFIG_HOME nor HOME is set: no config file was read"));
	if (config_apply_env(cfg) != CONFIG_OK && status == CONFIG_OK)
		status = CONFIG_ERR_INVALID; /* its diagnostics say which variable */
	check_combined(cfg);
	if (status == CONFIG_OK && cfg->errors > 0)
		status = CONFIG_ERR_INVALID;
	return status;
}
