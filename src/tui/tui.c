/* tui.c — the UI thread's loop: poll() standard input, the worker's
 * wake-up pipe and the clock; route keys to the screen or dialog in
 * front; apply the worker's results; draw once per iteration. */
#include "tui/tui.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/i18n.h"
#include "core/clock.h"
#include "core/money.h"
#include "core/timeutil.h"
#include "store/events.h"
#include "tui/draw.h"
#include "tui/scan.h"
#include "tui/tui_int.h"

#define KEY_BATCH 256
#define ESC_PREFIX_MS 1000 /* Esc then a digit within this: a function key */

void tui_message(struct tui *t, enum theme_role role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->msg.text, sizeof t->msg.text, fmt, ap);
	va_end(ap);
	t->msg.role = role;
	t->dirty = true;
}

void tui_bell(struct tui *t, int times)
{
	if (!t->cfg->ui.bell)
		return;
	for (int i = 0; i < times; i++)
		beep();
}

void tui_event(struct tui *t, const char *kind, const char *fmt, ...)
{
	char detail[EVENT_DETAIL_SIZE];
	store_err err;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	if (events_append(t->db, t->user.id, kind, detail, &err) != STORE_OK)
		tui_message(t, ROLE_ERROR, "%s", err.message);
}

const char *tui_product_name(const struct tui *t, const char *name_ru, const char *name_kk)
{
	if (strcmp(i18n_language(), "kk") == 0 && name_kk && name_kk[0])
		return name_kk;
	(void)t;
	return name_ru;
}

int tui_add_code(struct tui *t, const char *code, int64_t qty)
{
	struct kp_product p;
	store_err err;
	size_t index;

	store_status st = catalog_by_barcode(t->db, code, &p, &err);
	if (st == STORE_NOT_FOUND)
		st = catalog_by_sku(t->db, code, &p, &err);
	if (st == STORE_NOT_FOUND) {
		tui_message(t, ROLE_ERROR, _("Unknown code %s: nothing added"), code);
		tui_bell(t, 1);
		return TUI_REDRAW;
	}
	if (st != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", err.message);
		tui_bell(t, 1);
		return TUI_REDRAW;
	}
	enum basket_status bs = basket_add(&t->basket, &p, qty, BASKET_ADD_MERGE, &index);
	if (bs != BASKET_OK) {
		tui_message(t, ROLE_ERROR, "%s", _(basket_status_message(bs)));
		tui_bell(t, 1);
		return TUI_REDRAW;
	}
	t->sel = index;
	char price[48];
	money_format(price, sizeof price, p.price);
	tui_message(t, ROLE_INFO, "%s × %lld  %s", tui_product_name(t, p.name_ru, p.name_kk),
	            (long long)qty, price);
	return TUI_REDRAW;
}

/* ---- the header ---------------------------------------------------------- */

static const char *conn_text(const struct tui *t, enum theme_role *role, char *buf, size_t size)
{
	switch (t->conn) {
	case CONN_ONLINE:
		*role = ROLE_STATUS_OK;
		snprintf(buf, size, _("online %ld ms"), t->conn_rtt_ms);
		return buf;
	case CONN_OFFLINE:
		*role = ROLE_STATUS_BAD;
		return _("offline");
	case CONN_REJECTED:
		*role = ROLE_STATUS_BAD;
		return _("key rejected");
	case CONN_UNCONFIGURED:
		*role = ROLE_STATUS_BAD;
		return _("no API key");
	case CONN_CHECKING:
	default:
		*role = ROLE_STATUS_WARN;
		return _("checking…");
	}
}

void tui_draw_header(struct tui *t)
{
	char left[640], clock[32], conn[64];
	enum theme_role role;

	kp_almaty_strftime(clock, sizeof clock, "%d.%m.%Y %H:%M:%S", time(NULL));
	const char *store = t->cfg->store.name[0] ? t->cfg->store.name : _("kaspi-pos");
	if (t->screen == SCREEN_LOGIN)
		snprintf(left, sizeof left, " %s │ %s", store, t->cfg->till.id);
	else
		snprintf(left, sizeof left, _(" %s │ %s │ %s │ shift %lld"), store, t->cfg->till.id,
		         t->user.name, (long long)t->shift.id);
	const char *c = conn_text(t, &role, conn, sizeof conn);
	char right[192];
	snprintf(right, sizeof right, " %s ", c);
	int rw = draw_width(right), cw = draw_width(clock) + 2;

	draw_fill(0, 0, 1, COLS, ROLE_HEADER);
	draw_text(0, 0, COLS - rw - cw, ROLE_HEADER, -1, true, left);
	draw_text(0, COLS - rw - cw, cw, ROLE_HEADER, 0, true, clock);
	draw_text(0, COLS - rw, rw, role, -1, true, right);
}

/* ---- the worker's results ----------------------------------------------- */

static void apply_health(struct tui *t, const struct worker_result *r)
{
	t->health_in_flight = false;
	t->next_health = time(NULL) + TUI_HEALTH_EVERY_S;
	if (r->res.kind == XPAY_OK) {
		t->conn = CONN_ONLINE;
		t->conn_rtt_ms = r->res.round_trip_ms;
		t->conn_detail[0] = '\0';
		if (r->res.has_skew)
			t->skew_s = r->res.skew_s;
	} else {
		t->conn = r->res.kind == XPAY_ERR_CONFIG                           ? CONN_UNCONFIGURED
		          : r->res.kind == XPAY_ERR_HTTP && r->res.http_status == 401 ? CONN_REJECTED
		                                                                     : CONN_OFFLINE;
		snprintf(t->conn_detail, sizeof t->conn_detail, "%s", r->res.message);
	}
	t->dirty = true;
}

static void take_results(struct tui *t)
{
	struct worker_result *r;
	struct payflow_changes ch;
	while (worker_take(t->worker, &r)) {
		if (r->kind == JOB_HEALTH)
			apply_health(t, r);
		else if (payflow_apply(&t->pf, r, &ch))
			pay_changes(t, &ch);
		worker_result_free(r);
	}
}

static void maybe_check_health(struct tui *t)
{
	if (t->health_in_flight || time(NULL) < t->next_health)
		return;
	struct worker_job job = {.kind = JOB_HEALTH};
	if (worker_submit(t->worker, &job))
		t->health_in_flight = true;
}

/* ---- keys --------------------------------------------------------------- */

/* One key to whatever is in front. */
static int dispatch(struct tui *t, int key)
{
	if (key == KC(KEY_RESIZE))
		return TUI_REDRAW;
	/* Esc then a digit: a function key on terminals without them (the
	 * sale and login screens; in a dialog Esc just leaves it). */
	if (t->esc_prefix && (long)kp_mono_ms() - t->esc_at_ms > ESC_PREFIX_MS)
		t->esc_prefix = false; /* a stray Esc long ago: the key is itself */
	if (t->esc_prefix) {
		t->esc_prefix = false;
		int fk = keys_esc_digit(key);
		if (fk)
			key = fk;
		t->dirty = true;
	} else if (key == KEYS_ESC && t->dialog == DIALOG_NONE &&
	           (t->screen == SCREEN_SALE || t->screen == SCREEN_LOGIN)) {
		t->esc_prefix = true;
		t->esc_at_ms = (long)kp_mono_ms();
		return TUI_REDRAW;
	}
	if (t->dialog != DIALOG_NONE)
		return dialog_key(t, key);
	switch (t->screen) {
	case SCREEN_LOGIN:
		return login_key(t, key);
	case SCREEN_SALE:
		return sale_key(t, key);
	case SCREEN_PAY:
		return pay_key(t, key);
	case SCREEN_JOURNAL:
		return journal_key(t, key);
	case SCREEN_REPORTS:
		return reports_key(t, key);
	default:
		return info_key(t, key);
	}
}

/* A scanner's burst: the code goes to the basket whatever dialog is open;
 * its Enter confirms nothing. */
static int dispatch_scan(struct tui *t, const struct scan_key *keys, int n)
{
	char code[TUI_INPUT_MAX];
	int len = 0;
	for (int i = 0; i < n && len < (int)sizeof code - 1; i++)
		if (keys[i].key >= '0' && keys[i].key <= '9')
			code[len++] = (char)keys[i].key;
	code[len] = '\0';
	t->esc_prefix = false; /* a scan is never an Esc-digit function key */
	if (t->screen == SCREEN_PAY && t->pay_outcome != PAY_LIVE) {
		/* the next customer's first item, while "Paid" is still shown */
		t->pay_order = 0;
		sale_enter(t);
	}
	if (t->screen != SCREEN_SALE) {
		tui_message(t, ROLE_ERROR, _("Scanned %s: open the sale screen first"), code);
		tui_bell(t, 1);
		return TUI_REDRAW;
	}
	/* a dialog (quantity, discount) keeps working on the line it opened on */
	size_t sel = t->sel;
	int flags = tui_add_code(t, code, 1);
	if (t->dialog != DIALOG_NONE)
		t->sel = sel;
	return flags;
}

/* Whether a scanner's burst is taken apart from the keys around it: on
 * the sale screen it is typed into the input line like any code (so
 * "3*" before it counts), anywhere else it must not reach what is there;
 * on the login screen digits are a PIN. */
static bool scans_apart(const struct tui *t)
{
	if (t->screen == SCREEN_LOGIN)
		return false;
	return t->screen != SCREEN_SALE || t->dialog != DIALOG_NONE || t->esc_prefix;
}

static int read_keys(struct scan_key *keys, int cap)
{
	int n = 0;
	wint_t wc;
	int rc;
	while (n < cap && (rc = get_wch(&wc)) != ERR) {
		keys[n].key = rc == KEY_CODE_YES ? KC((int)wc) : (int)wc;
		keys[n].ms = (long)kp_mono_ms();
		n++;
	}
	return n;
}

static int handle_input(struct tui *t)
{
	struct scan_key keys[KEY_BATCH];
	int n = read_keys(keys, KEY_BATCH);
	int flags = 0;

	/* In a dialog, digits still arriving fast may be a scan in progress:
	 * wait a moment for the rest before the dialog sees any of them. */
	for (int waits = 0; scans_apart(t) && waits < 20 && n < KEY_BATCH &&
	                    scan_may_continue(keys, n, (long)kp_mono_ms());
	     waits++) {
		struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
		if (poll(&p, 1, SCAN_GAP_MS) <= 0)
			break;
		n += read_keys(keys + n, KEY_BATCH - n);
	}

	int i = 0;
	while (i < n && !(flags & TUI_QUIT)) {
		int s, e;
		bool scan = scans_apart(t) && scan_find(keys + i, n - i, &s, &e);
		int upto = scan ? i + s : n;
		for (; i < upto && !(flags & TUI_QUIT); i++)
			flags |= dispatch(t, keys[i].key);
		if (scan && !(flags & TUI_QUIT)) {
			flags |= dispatch_scan(t, keys + i, e - s);
			i += e - s;
		}
	}
	if (flags & TUI_REDRAW)
		t->dirty = true;
	return flags;
}

/* ---- drawing ------------------------------------------------------------ */

static void draw_too_small(void)
{
	char line[128];
	attrset(theme_attr(ROLE_NORMAL));
	erase();
	snprintf(line, sizeof line, _("Terminal too small: %d×%d, need %d×%d"), COLS, LINES,
	         TUI_MIN_COLS, TUI_MIN_ROWS);
	draw_text(LINES / 2, 0, COLS, ROLE_ERROR, 0, false, line);
	if (LINES / 2 + 1 < LINES)
		draw_text(LINES / 2 + 1, 0, COLS, ROLE_DIM, 0, false,
		          _("Enlarge the window: the till carries on meanwhile"));
}

static void draw(struct tui *t)
{
	if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_ROWS) {
		draw_too_small();
	} else {
		attrset(theme_attr(ROLE_NORMAL));
		erase();
		switch (t->screen) {
		case SCREEN_LOGIN:
			login_draw(t);
			break;
		case SCREEN_SALE:
			sale_draw(t);
			break;
		case SCREEN_PAY:
			pay_draw(t);
			break;
		case SCREEN_JOURNAL:
			journal_draw(t);
			break;
		case SCREEN_REPORTS:
			reports_draw(t);
			break;
		default:
			info_draw(t);
			break;
		}
		if (t->dialog != DIALOG_NONE)
			dialog_draw(t);
	}
	refresh();
	t->dirty = false;
}

/* ---- start and loop ----------------------------------------------------- */

static const char *theme_name(enum config_theme th)
{
	switch (th) {
	case CONFIG_THEME_DARK:
		return "dark";
	case CONFIG_THEME_HIGH_CONTRAST:
		return "high-contrast";
	case CONFIG_THEME_MONO:
		return "mono";
	default:
		return "default";
	}
}

/* Where theme files are looked for, first match wins: KASPI_POS_THEME_DIR
 * (a shop's own themes), themes/ beside a build tree, the installed share
 * folder, then the system one. */
static void theme_dirs(char dirs[4][PATH_MAX])
{
	char exe[PATH_MAX];
	const char *own = getenv("KASPI_POS_THEME_DIR");
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	int d = 0;

	for (int i = 0; i < 4; i++)
		dirs[i][0] = '\0';
	if (own && *own)
		snprintf(dirs[d++], PATH_MAX, "%s", own);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dirs[d++], PATH_MAX, "%.*s/../themes", PATH_MAX - 16, exe);
			snprintf(dirs[d++], PATH_MAX, "%.*s/../share/kaspi-pos/themes", PATH_MAX - 32, exe);
		}
	}
	snprintf(dirs[d], PATH_MAX, "/usr/share/kaspi-pos/themes");
}

int tui_run(struct kp_config *cfg)
{
	struct tui t;
	store_err err;
	char dirs[4][PATH_MAX];

	memset(&t, 0, sizeof t);
	t.cfg = cfg;
	t.jr_state = t.jr_method = -1;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "kaspi-pos: %s\n", _("the till needs a terminal; for scripts see kaspi-pos --help"));
		return 2;
	}
	if (db_open_home(cfg->home, &t.db, &err) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", err.message);
		return 2;
	}
	basket_init(&t.basket);
	basket_set_discount_limit(&t.basket, cfg->limits.discount_percent_without_manager);
	t.worker = worker_start(cfg);
	if (!t.worker) {
		fprintf(stderr, "kaspi-pos: %s\n", _("cannot start the network thread"));
		db_close(t.db);
		return 2;
	}
	t.printq = printq_start(cfg);
	t.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	payflow_init(&t.pf, t.db, t.worker, cfg, &kp_clock_system);
	/* every start settles what a crash or a dead network left open */
	char resume_note[PAYFLOW_MESSAGE_SIZE];
	size_t resumed = payflow_resume(&t.pf, resume_note, sizeof resume_note);

	set_escdelay(25);
	if (!initscr()) {
		fprintf(stderr, "kaspi-pos: %s\n", _("cannot open the terminal"));
		return 2;
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	theme_dirs(dirs);
	const char *dirlist[5] = {NULL};
	for (int i = 0, d = 0; i < 4; i++)
		if (dirs[i][0])
			dirlist[d++] = dirs[i];
	theme_load(theme_name(cfg->ui.theme), dirlist, t.theme_warning, sizeof t.theme_warning);

	login_enter(&t);
	pay_load_alerts(&t);
	if (t.theme_warning[0])
		tui_message(&t, ROLE_ERROR, "%s", t.theme_warning);
	else if (resume_note[0])
		tui_message(&t, ROLE_ERROR, "%s", resume_note);
	else if (resumed)
		tui_message(&t, ROLE_INFO, _("Settling %zu unfinished payments with the server…"), resumed);
	t.dirty = true;

	int flags = 0;
	while (!(flags & TUI_QUIT)) {
		maybe_check_health(&t);
		if (t.dirty)
			draw(&t);
		/* wake at the next second for the clock, or when a request is due */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		int timeout = (int)(1000 - ts.tv_nsec / 1000000);
		long due = payflow_tick(&t.pf);
		if (due >= 0 && due < timeout)
			timeout = (int)due;
		struct pollfd fds[3] = {
			{.fd = STDIN_FILENO, .events = POLLIN},
			{.fd = worker_fd(t.worker), .events = POLLIN},
			{.fd = t.printq ? printq_fd(t.printq) : -1, .events = POLLIN},
		};
		int rc = poll(fds, 3, timeout);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc == 0 || (rc < 0 && errno == EINTR)) {
			t.dirty = true; /* the clock, or SIGWINCH */
			/* SIGWINCH interrupts poll; curses queues KEY_RESIZE */
		}
		if (rc > 0 && (fds[1].revents & POLLIN))
			take_results(&t);
		if (rc > 0 && (fds[2].revents & POLLIN)) {
			struct printq_result pr;
			while (printq_take(t.printq, &pr))
				tui_printed(&t, &pr);
		}
		/* read keys also on a time-out: ncurses may hold a KEY_RESIZE */
		flags = handle_input(&t);
	}

	endwin();
	worker_stop(t.worker, 300);
	printq_stop(t.printq);
	payflow_free(&t.pf);
	qr_free(&t.qr);
	free(t.alerts);
	free(t.jr_list);
	free(t.jr_refunds);
	free(t.rp_text);
	free(t.jr_lines);
	free(t.jr_events);
	basket_free(&t.basket);
	free(t.users);
	free(t.held);
	db_close(t.db);
	return 0;
}
