/* test_config.c — the config module: defaults, every key, the INI
 * dialect (comments, quotes, CRLF, BOM, long lines, NUL bytes), messages
 * with file and line, environment overrides, the file permission warning,
 * and that neither the key nor the webhook secret ever reaches a message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/config.h"

/* Fake values: valid in form, known to no server. */
#define KEY    "xdev_ab12cd34ef56gh78ij90"
#define KEY2   "xdev_zz99yy88xx77ww66vv55"
#define SECRET "whsec-unit-test-secret-42"

static struct kp_config cfg;  /* large: kept out of the stack */
static char tmpdir[256];      /* this run's scratch folder, also $HOME */

static const char *const env_vars[] = {
	"KASPI_XDEV_KEY", "KASPI_MERCHANT_ID", "KASPI_BASE_URL", "KASPI_WEBHOOK_SECRET",
	"KASPI_POS_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
};

/* Every test starts with a clean environment whose HOME is tmpdir. */
static int env_reset(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof env_vars / sizeof env_vars[0]; i++)
		unsetenv(env_vars[i]);
	setenv("HOME", tmpdir, 1);
	return 0;
}

static int group_setup(void **state)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/kp-test-config-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return env_reset(state);
}

static int group_teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static enum config_status parse_len(const char *text, size_t len)
{
	config_init(&cfg);
	return config_parse_buffer(&cfg, text, len, "test.ini");
}

static enum config_status parse(const char *text)
{
	return parse_len(text, strlen(text));
}

/* Writes text to tmpdir/name with mode; returns the path (static). */
static const char *write_file(const char *name, const char *text, mode_t mode)
{
	static char path[512];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static bool has_diag(enum config_severity severity, const char *text)
{
	for (int i = 0; i < cfg.ndiag; i++)
		if (cfg.diag[i].severity == severity && strcmp(cfg.diag[i].text, text) == 0)
			return true;
	return false;
}

static bool diag_mentions(enum config_severity severity, const char *part)
{
	for (int i = 0; i < cfg.ndiag; i++)
		if (cfg.diag[i].severity == severity && strstr(cfg.diag[i].text, part))
			return true;
	return false;
}

static void assert_no_diag_mentions(const char *part)
{
	for (int i = 0; i < cfg.ndiag; i++)
		if (strstr(cfg.diag[i].text, part))
			fail_msg("diagnostic %d leaks a value: %s", i, cfg.diag[i].text);
}

static void defaults_match_the_documentation(void **state)
{
	(void)state;
	config_init(&cfg);
	assert_string_equal(cfg.api.base_url, "https://api.xpayment.kz/api/v1");
	assert_string_equal(cfg.api.key, "");
	assert_string_equal(cfg.api.merchant_id, "");
	assert_string_equal(cfg.api.ca_file, "");
	assert_int_equal(cfg.api.connect_timeout, 3);
	assert_int_equal(cfg.api.timeout, 10);
	assert_string_equal(cfg.api.webhook_secret, "");
	assert_string_equal(cfg.store.name, "");
	assert_string_equal(cfg.store.bin, "");
	assert_string_equal(cfg.store.address, "");
	assert_string_equal(cfg.till.id, "T01");
	assert_int_equal(cfg.ui.theme, CONFIG_THEME_DEFAULT);
	assert_int_equal(cfg.ui.language, CONFIG_LANG_AUTO);
	assert_true(cfg.ui.bell);
	assert_int_equal(cfg.printer.mode, CONFIG_PRINTER_NONE);
	assert_string_equal(cfg.printer.command, "");
	assert_int_equal(cfg.printer.codepage, CONFIG_CODEPAGE_CP866);
	assert_int_equal(cfg.printer.width, 32);
	assert_int_equal(cfg.printer.qr, CONFIG_QR_NATIVE);
	assert_int_equal(cfg.printer.qr_size, 6);
	assert_int_equal(cfg.printer.qr_level, CONFIG_QR_LEVEL_M);
	assert_int_equal(cfg.commission.qr, 50);
	assert_int_equal(cfg.commission.phone, 70);
	assert_int_equal(cfg.commission.card, 150);
	assert_int_equal(cfg.limits.discount_percent_without_manager, 1000);
	/* no scale labels until the shop says how its scales print them */
	assert_int_equal(cfg.scale.weight_prefixes, 0);
	assert_int_equal(cfg.scale.price_prefixes, 0);
	assert_int_equal(cfg.scale.plu_digits, 5);
	assert_int_equal(cfg.scale.weight_unit, CONFIG_WEIGHT_G);
	assert_int_equal(cfg.scale.price_unit, CONFIG_PRICE_TENGE);
	assert_int_equal(cfg.errors + cfg.warnings + cfg.ndiag, 0);
}

static void every_key_is_parsed(void **state)
{
	(void)state;
	assert_int_equal(parse("[api]\n"
	                       "base_url = http://127.0.0.1:8080/api/v1\n"
	                       "key = " KEY "\n"
	                       "merchant_id = 123456789012\n"
	                       "ca_file = /etc/ssl/kaspi.pem\n"
	                       "connect_timeout = 5\n"
	                       "timeout = 30\n"
	                       "webhook_secret = " SECRET "\n"
	                       "[store]\n"
	                       "name = Магазин «Ромашка»\n"
	                       "bin = 987654321098\n"
	                       "address = Алматы, Абая 1\n"
	                       "[till]\n"
	                       "id = K07\n"
	                       "[ui]\n"
	                       "theme = high-contrast\n"
	                       "language = kk\n"
	                       "bell = off\n"
	                       "[printer]\n"
	                       "mode = device\n"
	                       "command = lp -d receipts\n"
	                       "device = /dev/usb/lp0\n"
	                       "file = /tmp/receipts.txt\n"
	                       "codepage = kz1048\n"
	                       "width = 48\n"
	                       "qr = raster\n"
	                       "qr_size = 16\n"
	                       "qr_level = h\n"
	                       "[commission]\n"
	                       "qr = 0.25\n"
	                       "phone = 1\n"
	                       "card = 2.75\n"
	                       "[limits]\n"
	                       "discount_percent_without_manager = 15.5\n"
	                       "[scale]\n"
	                       "weight_prefixes = 20-22, 27\n"
	                       "price_prefixes = 23 24\n"
	                       "plu_digits = 6\n"
	                       "weight_unit = 10g\n"
	                       "price_unit = tiyn\n"),
	                 CONFIG_OK);
	assert_int_equal(cfg.ndiag, 0);
	assert_string_equal(cfg.api.base_url, "http://127.0.0.1:8080/api/v1");
	assert_string_equal(cfg.api.key, KEY);
	assert_string_equal(cfg.api.merchant_id, "123456789012");
	assert_string_equal(cfg.api.ca_file, "/etc/ssl/kaspi.pem");
	assert_int_equal(cfg.api.connect_timeout, 5);
	assert_int_equal(cfg.api.timeout, 30);
	assert_string_equal(cfg.api.webhook_secret, SECRET);
	assert_string_equal(cfg.store.name, "Магазин «Ромашка»");
	assert_string_equal(cfg.store.bin, "987654321098");
	assert_string_equal(cfg.store.address, "Алматы, Абая 1");
	assert_string_equal(cfg.till.id, "K07");
	assert_int_equal(cfg.ui.theme, CONFIG_THEME_HIGH_CONTRAST);
	assert_int_equal(cfg.ui.language, CONFIG_LANG_KK);
	assert_false(cfg.ui.bell);
	assert_int_equal(cfg.printer.mode, CONFIG_PRINTER_DEVICE);
	assert_string_equal(cfg.printer.command, "lp -d receipts");
	assert_string_equal(cfg.printer.device, "/dev/usb/lp0");
	assert_string_equal(cfg.printer.file, "/tmp/receipts.txt");
	assert_int_equal(cfg.printer.codepage, CONFIG_CODEPAGE_KZ1048);
	assert_int_equal(cfg.printer.width, 48);
	assert_int_equal(cfg.printer.qr, CONFIG_QR_RASTER);
	assert_int_equal(cfg.printer.qr_size, 16);
	assert_int_equal(cfg.printer.qr_level, CONFIG_QR_LEVEL_H);
	assert_int_equal(cfg.commission.qr, 25);
	assert_int_equal(cfg.commission.phone, 100);
	assert_int_equal(cfg.commission.card, 275);
	assert_int_equal(cfg.limits.discount_percent_without_manager, 1550);
	assert_int_equal(cfg.scale.weight_prefixes, 0x7 | 0x80);
	assert_int_equal(cfg.scale.price_prefixes, 0x18);
	assert_int_equal(cfg.scale.plu_digits, 6);
	struct kp_scale_rules r;
	config_scale_rules(&cfg, &r);
	assert_true(kp_scale_rules_valid(&r));
	assert_int_equal(r.weight_step, 10);
	assert_int_equal(r.price_step, 1);
	assert_int_equal(r.plu_digits, 6);
	assert_int_equal(r.price_prefixes, 0x18);
}

static void scale_settings_refuse_what_no_scale_prints(void **state)
{
	(void)state;
	const char *bad[] = {"weight_prefixes = 19\n", "weight_prefixes = 30\n",
	                     "price_prefixes = 22-\n", "plu_digits = 3\n", "plu_digits = 7\n",
	                     "weight_unit = kg\n", "price_unit = rub\n", NULL};
	char text[128];
	for (size_t i = 0; bad[i]; i++) {
		snprintf(text, sizeof text, "[scale]\n%s", bad[i]);
		assert_int_equal(parse(text), CONFIG_ERR_INVALID);
		assert_int_equal(cfg.scale.plu_digits, 5); /* the value stays as it was */
		assert_int_equal(cfg.scale.weight_prefixes, 0);
	}
	assert_int_equal(parse("[scale]\nweight_prefixes = 30\n"), CONFIG_ERR_INVALID);
	assert_true(diag_mentions(CONFIG_ERROR, "prefixes from 20 to 29"));
	/* one prefix for both a weight and a price: an error naming it */
	const char *path = write_file("scale.ini", "[scale]\nweight_prefixes = 21 22\nprice_prefixes = 22-23\n", 0600);
	assert_int_equal(config_load(&cfg, path), CONFIG_ERR_INVALID);
	assert_true(diag_mentions(CONFIG_ERROR, "[scale] prefix 22 is in both"));
}

/* [display]: off by default; listen takes IPv4 and bracketed IPv6 with a
 * port (0: any free); a bad one is one clear error; the token is a
 * secret: its bad value is never shown. */
static void display_listen_and_token(void **state)
{
	char addr[64];
	int port = -1;
	(void)state;
	config_init(&cfg);
	assert_string_equal(cfg.display.listen, "");
	assert_string_equal(cfg.display.token, "");
	assert_string_equal(cfg.display.name, "");
	assert_int_equal(parse("[display]\nlisten = 192.168.1.10:8080\ntoken = abcdef0123456789abcd\n"
	                       "name = Дүкен\n"), CONFIG_OK);
	assert_string_equal(cfg.display.listen, "192.168.1.10:8080");
	assert_string_equal(cfg.display.token, "abcdef0123456789abcd");
	assert_string_equal(cfg.display.name, "Дүкен");
	assert_true(config_listen_split("192.168.1.10:8080", addr, sizeof addr, &port));
	assert_string_equal(addr, "192.168.1.10");
	assert_int_equal(port, 8080);
	assert_true(config_listen_split("[::1]:0", addr, sizeof addr, &port));
	assert_string_equal(addr, "::1");
	assert_int_equal(port, 0);
	static const char *const bad[] = {"localhost:80", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536",
	                                  "1.2.3.4:80x", "::1:80", "[::1]80", ":80", "1.2.3.256:1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(config_listen_split(bad[i], addr, sizeof addr, &port));
	assert_int_equal(parse("[display]\nlisten = till:8080\n"), CONFIG_ERR_INVALID);
	assert_int_equal(cfg.ndiag, 1);
	assert_true(diag_mentions(CONFIG_ERROR, "test.ini:2: bad value for \"listen\" in [display]"));
	assert_int_equal(parse("[display]\ntoken = short-secret-1\n"), CONFIG_ERR_INVALID);
	assert_true(diag_mentions(CONFIG_ERROR, "(value not shown)"));
	assert_no_diag_mentions("short-secret-1");
	assert_int_equal(parse("[display]\ntoken = has space in it, long enough\n"), CONFIG_ERR_INVALID);
}

static void names_ignore_case_and_values_of_choices_too(void **state)
{
	(void)state;
	assert_int_equal(parse("[UI]\nTheme = DARK\nBell = Yes\n[Printer]\nMODE = File\n"),
	                 CONFIG_OK);
	assert_int_equal(cfg.ui.theme, CONFIG_THEME_DARK);
	assert_true(cfg.ui.bell);
	assert_int_equal(cfg.printer.mode, CONFIG_PRINTER_FILE);
}

static void percent_takes_comma_point_and_sign(void **state)
{
	(void)state;
	assert_int_equal(parse("[commission]\nqr = 0,5\nphone = 0.07 %\ncard = 100%\n"), CONFIG_OK);
	assert_int_equal(cfg.commission.qr, 50);
	assert_int_equal(cfg.commission.phone, 7);
	assert_int_equal(cfg.commission.card, 10000);
}

static void quoted_values_keep_blanks_and_escapes(void **state)
{
	(void)state;
	assert_int_equal(parse("[store]\n"
	                       "name = \"  Дүкен \\\"Әсем\\\" \\\\ 1  \"   ; a comment\n"
	                       "address = \"\"\n"),
	                 CONFIG_OK);
	assert_string_equal(cfg.store.name, "  Дүкен \"Әсем\" \\ 1  ");
	assert_string_equal(cfg.store.address, "");
}

static void comments_and_blanks_are_skipped_but_hash_in_value_kept(void **state)
{
	(void)state;
	assert_int_equal(parse("; comment\n# comment\n\n   \t\n[api]\n  ; indented comment\n"
	                       "webhook_secret = abc#def;ghi\n"),
	                 CONFIG_OK);
	assert_string_equal(cfg.api.webhook_secret, "abc#def;ghi");
	assert_int_equal(cfg.ndiag, 0);
}

static void crlf_and_bom_are_accepted(void **state)
{
	(void)state;
	assert_int_equal(parse("\xEF\xBB\xBF[till]\r\nid = A12\r\n[ui]\r\ntheme = mono\r\n"),
	                 CONFIG_OK);
	assert_string_equal(cfg.till.id, "A12");
	assert_int_equal(cfg.ui.theme, CONFIG_THEME_MONO);
	assert_int_equal(cfg.ndiag, 0);
}

static void empty_or_comment_only_text_gives_defaults(void **state)
{
	(void)state;
	assert_int_equal(parse_len("", 0), CONFIG_OK);
	assert_int_equal(parse("\xEF\xBB\xBF"), CONFIG_OK);
	assert_int_equal(parse("; nothing here\n\n"), CONFIG_OK);
	assert_int_equal(cfg.api.timeout, 10);
	assert_int_equal(cfg.ndiag, 0);
}

static void unknown_key_warns_with_file_and_line(void **state)
{
	(void)state;
	assert_int_equal(parse("[api]\ntimeout = 5\nfoo = 1\n"), CONFIG_OK);
	assert_int_equal(cfg.warnings, 1);
	assert_true(has_diag(CONFIG_WARNING, "test.ini:3: unknown key \"foo\" in [api]"));
	assert_int_equal(cfg.api.timeout, 5);
}

static void unknown_section_warns_once_and_skips_its_keys(void **state)
{
	(void)state;
	assert_int_equal(parse("[extras]\na = 1\nb = 2\n[api]\ntimeout = 7\n"), CONFIG_OK);
	assert_int_equal(cfg.warnings, 1);
	assert_true(has_diag(CONFIG_WARNING, "test.ini:1: unknown section [extras]; its keys are ignored"));
	assert_int_equal(cfg.api.timeout, 7);
}

static void bad_value_is_an_error_with_line_and_expectation(void **state)
{
	(void)state;
	assert_int_equal(parse("[api]\n\ntimeout = ten\n"), CONFIG_ERR_INVALID);
	assert_int_equal(cfg.errors, 1);
	assert_true(has_diag(CONFIG_ERROR, "test.ini:3: bad value for \"timeout\" in [api]: "
	                                   "expected whole seconds from 1 to 300"));
	assert_int_equal(cfg.api.timeout, 10); /* the old value stays */
}

static void each_type_rejects_what_it_cannot_hold(void **state)
{
	static const struct {
		const char *text;
		const char *expect; /* part of the message */
	} bad[] = {
		{"[api]\nconnect_timeout = 0\n", "from 1 to 60"},
		{"[api]\ntimeout = 5s\n", "whole seconds"},
		{"[api]\ntimeout = \n", "whole seconds"},
		{"[api]\nbase_url = ftp://example.kz\n", "http:// or https://"},
		{"[api]\nbase_url = \n", "http:// or https://"},
		{"[api]\nmerchant_id = 12345678901\n", "12 digits"},
		{"[store]\nbin = 12345678901a\n", "12 digits"},
		{"[till]\nid = t01\n", "like T01"},
		{"[till]\nid = T1\n", "like T01"},
		{"[ui]\ntheme = pink\n", "one of default, dark, high-contrast, mono"},
		{"[ui]\nlanguage = de\n", "one of auto, ru, kk, en"},
		{"[ui]\nbell = maybe\n", "on or off"},
		{"[printer]\nwidth = 40\n", "32, 42 or 48"},
		{"[printer]\ncodepage = utf8\n", "one of cp866, kz1048"},
		{"[printer]\nqr = svg\n", "one of native, raster"},
		{"[printer]\nqr_size = 0\n", "1 to 16"},
		{"[printer]\nqr_size = 17\n", "1 to 16"},
		{"[printer]\nqr_size = big\n", "1 to 16"},
		{"[printer]\nqr_level = X\n", "one of L, M, Q, H"},
		{"[commission]\nqr = 0.555\n", "at most two decimals"},
		{"[commission]\nqr = 100.01\n", "from 0 to 100"},
		{"[commission]\nqr = -1\n", "from 0 to 100"},
		{"[limits]\ndiscount_percent_without_manager = ten\n", "percent"},
		{"[store]\nname = a\tb\n", "without control characters"},
		{"[store]\nname = \xC0\xAF\n", "UTF-8"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse(bad[i].text), CONFIG_ERR_INVALID);
		assert_int_equal(cfg.errors, 1);
		assert_true(diag_mentions(CONFIG_ERROR, "test.ini:2: bad value for"));
		if (!diag_mentions(CONFIG_ERROR, bad[i].expect))
			fail_msg("case %zu: \"%s\" not in \"%s\"", i, bad[i].expect, cfg.diag[0].text);
	}
}

static void too_long_string_is_an_error(void **state)
{
	char text[600];
	(void)state;
	snprintf(text, sizeof text, "[store]\nname = %0300d\n", 0);
	assert_int_equal(parse(text), CONFIG_ERR_INVALID);
	assert_true(diag_mentions(CONFIG_ERROR, "test.ini:2: bad value for \"name\" in [store]: "
	                                        "expected at most 255 bytes"));
}

static void syntax_errors_name_the_line(void **state)
{
	static const struct {
		const char *text;
		const char *message;
	} bad[] = {
		{"[api]\njust words\n", "test.ini:2: expected \"key = value\", a [section] or a comment"},
		{"[api\n", "test.ini:1: a section header must end with ']'"},
		{"[]\n", "test.ini:1: expected a section name of letters, digits, '_', '-' or '.' inside [ ]"},
		{"[api] x\n", "test.ini:1: only a comment may follow ']'"},
		{"[api]\n= 5\n", "test.ini:2: expected a key name of letters, digits, '_', '-' or '.' before '='"},
		{"[store]\nname = \"open\n", "test.ini:2: a quoted value must end with '\"' on the same line"},
		{"[store]\nname = \"a\" b\n", "test.ini:2: only a comment may follow a quoted value"},
		{"[store]\nname = \"a\\tb\"\n", "test.ini:2: inside quotes only \\\" and \\\\ are escapes"},
		{"timeout = 5\n", "test.ini:1: key \"timeout\" comes before any [section]"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse(bad[i].text), CONFIG_ERR_INVALID);
		if (!has_diag(CONFIG_ERROR, bad[i].message))
			fail_msg("case %zu: got \"%s\"", i, cfg.ndiag ? cfg.diag[0].text : "nothing");
	}
}

static void section_with_trailing_comment_is_fine(void **state)
{
	(void)state;
	assert_int_equal(parse("[api]   ; the service\ntimeout = 4\n"), CONFIG_OK);
	assert_int_equal(cfg.api.timeout, 4);
}

static void duplicate_key_warns_and_last_wins(void **state)
{
	(void)state;
	assert_int_equal(parse("[api]\ntimeout = 5\n[ui]\n[api]\ntimeout = 6\n"), CONFIG_OK);
	assert_int_equal(cfg.api.timeout, 6);
	assert_true(has_diag(CONFIG_WARNING, "test.ini:5: duplicate key \"timeout\" in [api] "
	                                     "(also on line 2); the last one wins"));
}

static void long_line_is_rejected_and_parsing_goes_on(void **state)
{
	static char text[2 * CONFIG_LINE_MAX + 64];
	size_t n;
	(void)state;
	n = (size_t)snprintf(text, sizeof text, "[api]\n; ");
	memset(text + n, 'x', CONFIG_LINE_MAX);
	n += CONFIG_LINE_MAX;
	n += (size_t)snprintf(text + n, sizeof text - n, "\ntimeout = 8\n");
	assert_int_equal(parse_len(text, n), CONFIG_ERR_INVALID);
	assert_true(has_diag(CONFIG_ERROR, "test.ini:2: line longer than 4096 bytes"));
	assert_int_equal(cfg.api.timeout, 8);

	/* exactly CONFIG_LINE_MAX bytes (before CRLF) is fine */
	n = (size_t)snprintf(text, sizeof text, ";");
	memset(text + n, 'x', CONFIG_LINE_MAX - 1);
	n += CONFIG_LINE_MAX - 1;
	memcpy(text + n, "\r\n", 2);
	assert_int_equal(parse_len(text, n + 2), CONFIG_OK);
}

static void nul_byte_is_a_line_error(void **state)
{
	static const char text[] = "[api]\ntime\0out = 5\ntimeout = 6\n";
	(void)state;
	assert_int_equal(parse_len(text, sizeof text - 1), CONFIG_ERR_INVALID);
	assert_true(has_diag(CONFIG_ERROR, "test.ini:2: NUL byte in the line"));
	assert_int_equal(cfg.api.timeout, 6);
}

static void malformed_key_is_reported_without_its_value(void **state)
{
	(void)state;
	assert_int_equal(parse("[api]\nkey = xdev_AB12CD34EF56GH78IJ90\n"), CONFIG_ERR_INVALID);
	assert_true(has_diag(CONFIG_ERROR, "test.ini:2: bad value for \"key\" in [api]: expected "
	                                   "xdev_ followed by 20 characters a-z or 0-9 (value not shown)"));
	assert_no_diag_mentions("AB12CD34");
	assert_string_equal(cfg.api.key, "");
}

/* Every way a key or secret could be mis-typed, pasted or misplaced. */
static void key_and_secret_never_appear_in_diagnostics(void **state)
{
	static const char *const texts[] = {
		"[api]\nkey = " KEY "x\n",                 /* too long */
		"[api]\nkey = \"" KEY "\n",                /* unterminated quote */
		"[api]\nkey = \"" KEY "\" trailing\n",
		"[api]\nmerchant_id = " KEY "\n",          /* wrong key */
		"[api]\nbase_url = " KEY "\n",
		"[api]\n" KEY " = 1\n",                    /* key as a name */
		"[api]\n" KEY "\n",                        /* bare */
		"[" KEY "]\n",                             /* as a section */
		KEY " = x\n",                              /* before any section */
		"[api]\nwebhook_secret = " SECRET "\x01\n",
		"[api]\nwebhook_secret = \"" SECRET "\n",
		"[api]\ntimeout = " SECRET "\n",
		"[api]\nkey = " KEY "\nkey = " KEY "\n",   /* duplicate */
	};
	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		parse(texts[i]);
		if (cfg.ndiag == 0)
			fail_msg("case %zu: expected a diagnostic", i);
		assert_no_diag_mentions(KEY);
		assert_no_diag_mentions("ab12cd34ef56");
		assert_no_diag_mentions(SECRET);
	}

	setenv("KASPI_XDEV_KEY", "xdev_BAD" SECRET, 1);
	setenv("KASPI_WEBHOOK_SECRET", SECRET "\n", 1);
	config_init(&cfg);
	assert_int_equal(config_apply_env(&cfg), CONFIG_ERR_INVALID);
	assert_int_equal(cfg.errors, 2);
	assert_no_diag_mentions(SECRET);
	assert_no_diag_mentions("BAD");
}

static void env_overrides_win_over_the_file(void **state)
{
	const char *path = write_file("env.ini",
	                              "[api]\nkey = " KEY "\nmerchant_id = 111111111111\n"
	                              "base_url = https://a.example/api/v1\nwebhook_secret = file\n"
	                              "timeout = 20\n",
	                              0600);
	(void)state;
	setenv("KASPI_XDEV_KEY", KEY2, 1);
	setenv("KASPI_MERCHANT_ID", "222222222222", 1);
	setenv("KASPI_BASE_URL", "http://127.0.0.1:9/api/v1", 1);
	setenv("KASPI_WEBHOOK_SECRET", SECRET, 1);
	setenv("KASPI_POS_HOME", "/srv/till", 1);
	assert_int_equal(config_load(&cfg, path), CONFIG_OK);
	assert_string_equal(cfg.path, path);
	assert_string_equal(cfg.api.key, KEY2);
	assert_string_equal(cfg.api.merchant_id, "222222222222");
	assert_string_equal(cfg.api.base_url, "http://127.0.0.1:9/api/v1");
	assert_string_equal(cfg.api.webhook_secret, SECRET);
	assert_int_equal(cfg.api.timeout, 20); /* not overridable: from the file */
	assert_string_equal(cfg.home, "/srv/till");
	assert_int_equal(cfg.ndiag, 0);
}

static void empty_env_var_counts_as_unset(void **state)
{
	const char *path = write_file("empty-env.ini", "[api]\nkey = " KEY "\n", 0600);
	(void)state;
	setenv("KASPI_XDEV_KEY", "", 1);
	assert_int_equal(config_load(&cfg, path), CONFIG_OK);
	assert_string_equal(cfg.api.key, KEY);
}

static void bad_env_value_names_the_variable(void **state)
{
	(void)state;
	setenv("KASPI_MERCHANT_ID", "12-34", 1);
	config_init(&cfg);
	assert_int_equal(config_apply_env(&cfg), CONFIG_ERR_INVALID);
	assert_true(has_diag(CONFIG_ERROR, "KASPI_MERCHANT_ID: bad value for \"merchant_id\" in "
	                                   "[api]: expected the merchant's BIN: 12 digits"));
	assert_string_equal(cfg.api.merchant_id, "");
}

static void pos_home_follows_xdg_data_home_then_home(void **state)
{
	char want[512];
	(void)state;
	config_init(&cfg);
	assert_int_equal(config_apply_env(&cfg), CONFIG_OK);
	snprintf(want, sizeof want, "%s/.local/share/kaspi-pos", tmpdir);
	assert_string_equal(cfg.home, want);

	setenv("XDG_DATA_HOME", "/data", 1);
	assert_int_equal(config_apply_env(&cfg), CONFIG_OK);
	assert_string_equal(cfg.home, "/data/kaspi-pos");

	setenv("XDG_DATA_HOME", "relative/ignored", 1); /* XDG: must be absolute */
	assert_int_equal(config_apply_env(&cfg), CONFIG_OK);
	assert_string_equal(cfg.home, want);
}

static void missing_default_file_is_fine(void **state)
{
	char want[512];
	(void)state;
	assert_int_equal(config_load(&cfg, NULL), CONFIG_OK);
	assert_string_equal(cfg.path, "");
	assert_int_equal(cfg.ndiag, 0);
	assert_true(config_default_path(want, sizeof want));
	assert_non_null(strstr(want, "/.config/kaspi-pos/config.ini"));
}

static void default_file_is_read_from_xdg_config_home(void **state)
{
	char dir[400], path[512];
	(void)state;
	snprintf(dir, sizeof dir, "%s/xdg", tmpdir);
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/kaspi-pos", dir);
	mkdir(path, 0700);
	write_file("xdg/kaspi-pos/config.ini", "[till]\nid = X99\n", 0600);
	setenv("XDG_CONFIG_HOME", dir, 1);
	snprintf(path, sizeof path, "%s/kaspi-pos/config.ini", dir);
	assert_int_equal(config_load(&cfg, NULL), CONFIG_OK);
	assert_string_equal(cfg.path, path);
	assert_string_equal(cfg.till.id, "X99");
}

static void missing_explicit_file_is_an_error(void **state)
{
	char path[512], want[600];
	(void)state;
	snprintf(path, sizeof path, "%s/no-such.ini", tmpdir);
	assert_int_equal(config_load(&cfg, path), CONFIG_ERR_FILE);
	snprintf(want, sizeof want, "%s: cannot read the config file: No such file or directory",
	         path);
	assert_true(has_diag(CONFIG_ERROR, want));
	/* the defaults are still there for a caller that carries on */
	assert_int_equal(cfg.api.timeout, 10);
}

static void directory_is_not_a_config_file(void **state)
{
	(void)state;
	assert_int_equal(config_load(&cfg, tmpdir), CONFIG_ERR_FILE);
	assert_true(diag_mentions(CONFIG_ERROR, "not a regular file"));
}

static void file_errors_carry_the_path_and_line(void **state)
{
	const char *path = write_file("bad.ini", "[ui]\nbell = loud\n", 0600);
	char want[600];
	(void)state;
	assert_int_equal(config_load_file(&cfg, path), CONFIG_ERR_INVALID);
	snprintf(want, sizeof want, "%s:2: bad value for \"bell\" in [ui]: expected on or off", path);
	assert_true(has_diag(CONFIG_ERROR, want));
}

static void readable_file_holding_the_key_gets_a_chmod_warning(void **state)
{
	char want[600];
	(void)state;
	const char *path = write_file("open.ini", "[api]\nkey = " KEY "\n", 0644);
	config_init(&cfg);
	assert_int_equal(config_load_file(&cfg, path), CONFIG_OK);
	assert_int_equal(cfg.warnings, 1);
	snprintf(want, sizeof want, "chmod 600 %s", path);
	assert_true(diag_mentions(CONFIG_WARNING, want));
	assert_true(diag_mentions(CONFIG_WARNING, path));
	assert_no_diag_mentions(KEY);

	path = write_file("group.ini", "[api]\nwebhook_secret = " SECRET "\n", 0640);
	config_init(&cfg);
	assert_int_equal(config_load_file(&cfg, path), CONFIG_OK);
	assert_int_equal(cfg.warnings, 1);
	assert_no_diag_mentions(SECRET);
}

static void private_file_or_file_without_secrets_gets_no_warning(void **state)
{
	(void)state;
	const char *path = write_file("private.ini", "[api]\nkey = " KEY "\n", 0600);
	config_init(&cfg);
	assert_int_equal(config_load_file(&cfg, path), CONFIG_OK);
	assert_int_equal(cfg.ndiag, 0);

	path = write_file("public.ini", "[api]\ntimeout = 9\n; key = xdev_XXXXXXXXXXXXXXXXXXXX\n",
	                  0644);
	config_init(&cfg);
	assert_int_equal(config_load_file(&cfg, path), CONFIG_OK);
	assert_int_equal(cfg.ndiag, 0);
}

static void chmod_hint_quotes_an_awkward_path(void **state)
{
	(void)state;
	const char *path = write_file("my till.ini", "[api]\nkey = " KEY "\n", 0644);
	char want[600];
	config_init(&cfg);
	assert_int_equal(config_load_file(&cfg, path), CONFIG_OK); /* a warning, not an error */
	snprintf(want, sizeof want, "chmod 600 '%s'", path);
	assert_true(diag_mentions(CONFIG_WARNING, want));
}

static void printer_mode_without_its_target_warns(void **state)
{
	const char *path = write_file("printer.ini", "[printer]\nmode = command\n", 0600);
	(void)state;
	assert_int_equal(config_load(&cfg, path), CONFIG_OK);
	assert_true(has_diag(CONFIG_WARNING,
	                     "[printer] mode is \"command\" but command is empty: receipts will not print"));
}

static void diagnostics_are_capped_but_all_counted(void **state)
{
	static char text[100 * 16];
	size_t n = 0;
	(void)state;
	n += (size_t)snprintf(text, sizeof text, "[api]\n");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "timeout = x\n");
	assert_int_equal(parse(text), CONFIG_ERR_INVALID);
	assert_int_equal(cfg.errors, 100);
	assert_int_equal(cfg.warnings, 99); /* duplicates */
	assert_int_equal(cfg.ndiag, CONFIG_DIAG_MAX);
	assert_int_equal(cfg.dropped, 199 - CONFIG_DIAG_MAX);
}

/* The shipped example documents every key with its default value and
 * parses without a single diagnostic. */
static void example_file_documents_every_key_with_its_default(void **state)
{
	static const char *const keys[] = {
		"base_url", "key", "merchant_id", "ca_file", "connect_timeout", "timeout",
		"webhook_secret", "name", "bin", "address", "id", "theme", "language", "bell",
		"mode", "command", "device", "file", "codepage", "width", "qr", "qr_size", "qr_level", "phone", "card",
		"discount_percent_without_manager", "weight_prefixes", "price_prefixes", "plu_digits",
		"weight_unit", "price_unit", "provider", "api_key", "login", "password", "cashbox",
		"paper", "listen", "token",
	};
	static struct kp_config defaults;
	char path[512], text[16384], needle[64];
	const char *file = __FILE__; /* .../tests/unit/test_config.c */
	size_t root = strlen(file) - strlen("tests/unit/test_config.c");
	(void)state;

	snprintf(path, sizeof path, "%.*sdata/config.example.ini", (int)root, file);
	config_init(&defaults);
	config_init(&cfg);
	assert_int_equal(config_load_file(&cfg, path), CONFIG_OK);
	assert_int_equal(cfg.ndiag, 0);
	assert_memory_equal(&cfg, &defaults, offsetof(struct kp_config, path));

	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		snprintf(needle, sizeof needle, "\n%s =", keys[i]);
		char commented[72];
		snprintf(commented, sizeof commented, "\n; %s =", keys[i]);
		if (!strstr(text, needle) && !strstr(text, commented))
			fail_msg("data/config.example.ini does not show \"%s\"", keys[i]);
	}
}

#define T(f) cmocka_unit_test_setup(f, env_reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(defaults_match_the_documentation),
		T(every_key_is_parsed),
		T(scale_settings_refuse_what_no_scale_prints),
		T(names_ignore_case_and_values_of_choices_too),
		T(percent_takes_comma_point_and_sign),
		T(quoted_values_keep_blanks_and_escapes),
		T(comments_and_blanks_are_skipped_but_hash_in_value_kept),
		T(crlf_and_bom_are_accepted),
		T(empty_or_comment_only_text_gives_defaults),
		T(unknown_key_warns_with_file_and_line),
		T(unknown_section_warns_once_and_skips_its_keys),
		T(bad_value_is_an_error_with_line_and_expectation),
		T(each_type_rejects_what_it_cannot_hold),
		T(too_long_string_is_an_error),
		T(syntax_errors_name_the_line),
		T(section_with_trailing_comment_is_fine),
		T(duplicate_key_warns_and_last_wins),
		T(long_line_is_rejected_and_parsing_goes_on),
		T(nul_byte_is_a_line_error),
		T(malformed_key_is_reported_without_its_value),
		T(key_and_secret_never_appear_in_diagnostics),
		T(display_listen_and_token),
		T(env_overrides_win_over_the_file),
		T(empty_env_var_counts_as_unset),
		T(bad_env_value_names_the_variable),
		T(pos_home_follows_xdg_data_home_then_home),
		T(missing_default_file_is_fine),
		T(default_file_is_read_from_xdg_config_home),
		T(missing_explicit_file_is_an_error),
		T(directory_is_not_a_config_file),
		T(file_errors_carry_the_path_and_line),
		T(readable_file_holding_the_key_gets_a_chmod_warning),
		T(private_file_or_file_without_secrets_gets_no_warning),
		T(chmod_hint_quotes_an_awkward_path),
		T(printer_mode_without_its_target_warns),
		T(diagnostics_are_capped_but_all_counted),
		T(example_file_documents_every_key_with_its_default),
	};
	return cmocka_run_group_tests_name("config", tests, group_setup, group_teardown);
}
