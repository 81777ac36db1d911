/* tui.c — the UI thread's loop and router: poll() standard input, the
 * worker's and the printer's wake-up fds and the clock; route keys and
 * scans to the screen in front; apply the worker's results; draw once per
 * iteration. Also the services every screen shares (tui_int.h). */
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

#include "app/fiscal.h"
#include "app/i18n.h"
#include "app/slip.h"
#include "core/clock.h"
#include "core/money.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/validate.h"
#include "store/events.h"
#include "tui/draw.h"
#include "tui/field.h"
#include "tui/scan.h"
#include "tui/tui_int.h"

#define KEY_BATCH 256
#define ESC_PREFIX_MS 1000 /* Esc then a digit within this: a function key */

/* ---- the router ------------------------------------------------------------ */

const struct screen *tui_front(const struct tui *t)
{
	return t->depth ? t->stack[t->depth - 1] : NULL;
}

const struct screen *tui_under(const struct tui *t, const struct screen *s)
{
	for (int i = t->depth - 1; i > 0; i--)
		if (t->stack[i] == s)
			return t->stack[i - 1];
	return NULL;
}

const struct keybind *tui_keys_of(const struct tui *t, const struct screen *s)
{
	return s->keys ? s->keys(t) : s->keytable;
}

void tui_open(struct tui *t, const struct screen *s, const void *arg)
{
	if (t->depth == TUI_STACK_MAX)
		return; /* cannot happen: no path opens more than a few */
	t->stack[t->depth++] = s;
	t->esc_prefix = false;
	t->dirty = true;
	if (s->enter)
		s->enter(t, arg);
}

/* Leaves every screen, front first. */
static void close_all(struct tui *t)
{
	while (t->depth > 0) {
		const struct screen *s = t->stack[--t->depth];
		if (s->leave)
			s->leave(t);
	}
}

void tui_switch(struct tui *t, const struct screen *s, const void *arg)
{
	close_all(t);
	tui_open(t, s, arg);
}

void tui_close(struct tui *t, const struct tui_result *r)
{
	if (t->depth <= 1)
		return; /* the base screen stays: it is switched, never closed */
	const struct screen *s = t->stack[--t->depth];
	if (s->leave)
		s->leave(t);
	t->esc_prefix = false;
	t->dirty = true;
	const struct screen *below = tui_front(t);
	if (r && below->result)
		below->result(t, r);
}

/* ---- services ------------------------------------------------------------- */

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
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
}

const char *tui_product_name(const char *name_ru, const char *name_kk)
{
	if (strcmp(i18n_language(), "kk") == 0 && name_kk && name_kk[0])
		return name_kk;
	return name_ru;
}

void tui_load_alerts(struct tui *t)
{
	store_err err;
	struct journal_order *kept = NULL, *all;
	size_t n_kept = 0;
	free(t->alerts);
	t->alerts = NULL;
	t->n_alerts = 0;
	t->dirty = true;
	if (journal_alerts(t->db, &t->alerts, &t->n_alerts, &err) != STORE_OK ||
	    journal_kept_parts(t->db, &kept, &n_kept, &err) != STORE_OK) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		return;
	}
	/* the late payments first, then the paid parts of sales given up */
	if (n_kept && (all = realloc(t->alerts, (t->n_alerts + n_kept) * sizeof *all))) {
		memcpy(all + t->n_alerts, kept, n_kept * sizeof *all);
		t->alerts = all;
		t->n_alerts += n_kept;
	} else if (n_kept) {
		tui_message(t, ROLE_ERROR, "%s", _("Out of memory"));
	}
	free(kept);
}

bool tui_print(struct tui *t, const char *text, const char *what)
{
	if (!text) {
		tui_message(t, ROLE_ERROR, "%s", _("Out of memory"));
		return false;
	}
	if (t->cfg->printer.mode == CONFIG_PRINTER_NONE) {
		tui_message(t, ROLE_ERROR, "%s", _("No printer is set: [printer] mode in the config"));
		return false;
	}
	/* the printing thread answers through printed() */
	if (!t->printq || !printq_submit(t->printq, text, what)) {
		tui_message(t, ROLE_ERROR, _("%s not printed: %s"), what, _("Out of memory"));
		return false;
	}
	tui_message(t, ROLE_INFO, _("%s: printing…"), what);
	return true;
}

/* A print job's outcome, from the printing thread. */
static void printed(struct tui *t, const struct printq_result *r)
{
	if (r->drawer) { /* quiet when it opened: the cashier sees it */
		if (r->status == PRINT_FAILED) {
			tui_message(t, ROLE_ERROR, _("The cash drawer did not open: %s"), r->err);
			tui_bell(t, 2);
		}
		return;
	}
	switch (r->status) {
	case PRINT_OK:
		tui_message(t, ROLE_INFO, _("%s printed"), r->what);
		break;
	case PRINT_NOT_CONFIGURED:
		tui_message(t, ROLE_ERROR, "%s", _("No printer is set: [printer] mode in the config"));
		break;
	case PRINT_FAILED:
	default:
		tui_message(t, ROLE_ERROR, _("%s not printed: %s (it can be printed again)"), r->what, r->err);
		tui_bell(t, 2);
		break;
	}
}

void tui_print_refund_slip(struct tui *t, int64_t row)
{
	struct refund r;
	struct journal_order o;
	store_err err;
	if (refunds_get(t->db, row, &r, &err) != STORE_OK ||
	    (r.order_id > 0 && journal_get(t->db, r.order_id, &o, &err) != STORE_OK)) {
		tui_message(t, ROLE_ERROR, "%s", kp_msg_text(&err.msg));
		return;
	}
	char *slip = slip_refund(t->cfg, r.order_id > 0 ? &o : NULL, &r);
	tui_print(t, slip, _("The refund slip"));
	free(slip);
}

void tui_give_back(struct tui *t, const struct refund_quote *made, int64_t cash)
{
	tui_load_alerts(t); /* a paid part kept for a refund may be settled now */
	if (cash > 0 && t->cfg->drawer.mode != CONFIG_DRAWER_NONE &&
	    (!t->printq || !printq_drawer(t->printq, _("The cash drawer"))))
		tui_message(t, ROLE_ERROR, "%s", _("The cash drawer did not open: open it by hand"));
	if (t->cfg->printer.mode == CONFIG_PRINTER_NONE || fiscal_enabled(t->cfg))
		return;
	for (size_t i = 0; made && i < made->n_alloc; i++)
		if (made->alloc[i].row > 0 && !journal_method_is_kaspi(made->alloc[i].tender))
			tui_print_refund_slip(t, made->alloc[i].row);
}

const char *tui_state_label(enum journal_state s)
{
	return _(journal_state_label(s));
}

const char *tui_order_label(const struct journal_order *o)
{
	if (o->server_unknown && journal_state_server_open(o->state))
		return _("unknown to the server");
	return _(journal_order_label(o));
}

bool tui_check_phone(const char *text, struct tui_result *r, char *why, size_t size)
{
	char phone[KP_PHONE_SIZE];
	if (!kp_phone_normalize(text, phone, sizeof phone)) {
		snprintf(why, size, "%s", _("The phone must be a Kazakh mobile number: +7 705 123 45 67 or 8 705 123 45 67"));
		return false;
	}
	snprintf(r->text, sizeof r->text, "%s", phone);
	return true;
}

const char *tui_method_label(enum journal_method m)
{
	return _(journal_method_label(m));
}

int tui_field_key(struct tui *t, struct field *f, int key, bool *changed)
{
	char why[160];
	if (changed)
		*changed = false;
	switch (field_key(f, key, why, sizeof why)) {
	case FIELD_CHANGED:
		if (changed)
			*changed = true;
		return TUI_REDRAW;
	case FIELD_REFUSED:
		tui_message(t, ROLE_ERROR, "%s", why);
		tui_bell(t, 1);
		return TUI_REDRAW;
	case FIELD_IGNORED:
	default:
		return TUI_HANDLED;
	}
}

/* ---- the rows every screen shares ------------------------------------------ */

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

/* An age as the header says it: seconds, minutes, hours or days. */
static void age_text(long secs, char *buf, size_t size)
{
	if (secs < 60)
		snprintf(buf, size, _("%ld s"), secs);
	else if (secs < 2 * 3600)
		snprintf(buf, size, _("%ld min"), secs / 60);
	else if (secs < 2 * 86400)
		snprintf(buf, size, _("%ld h"), secs / 3600);
	else
		snprintf(buf, size, _("%ld d"), secs / 86400);
}

/* The hub's state for the header ("" without a hub) and its colour:
 * shipped, or how many rows wait and for how long; red when the hub
 * refuses them or they wait for more than 10 minutes. */
static enum theme_role hub_text(const struct tui *t, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!t->ship)
		return ROLE_HEADER;
	if (t->hub.waiting == 0) {
		snprintf(buf, size, "%s", _(" hub: shipped "));
		return ROLE_HEADER;
	}
	char age[32];
	age_text(t->hub.oldest_age, age, sizeof age);
	snprintf(buf, size, _(" hub: %lld waiting, oldest %s "), (long long)t->hub.waiting, age);
	bool refused = t->hub_view.ran && (t->hub_view.outcome == SHIP_REFUSED ||
	                                   t->hub_view.outcome == SHIP_LOCAL);
	return refused || t->hub.oldest_age > 600 ? ROLE_ERROR : ROLE_STATUS_WARN;
}

void tui_draw_header(const struct tui *t)
{
	char left[640], clock[32], conn[64], right[192];
	enum theme_role role;

	kp_almaty_strftime(clock, sizeof clock, "%d.%m.%Y %H:%M:%S", time(NULL));
	const char *store = t->cfg->store.name[0] ? t->cfg->store.name : _("kaspi-pos");
	if (t->user.id == 0)
		snprintf(left, sizeof left, " %s │ %s", store, t->cfg->till.id);
	else
		snprintf(left, sizeof left, _(" %s │ %s │ %s │ shift %lld"), store, t->cfg->till.id,
		         t->user.name, (long long)t->shift.id);
	snprintf(right, sizeof right, " %s ", conn_text(t, &role, conn, sizeof conn));
	char fiscal[96] = "";
	if (t->fiscal.waiting > 0) /* receipts the register has not taken yet: always in sight */
		snprintf(fiscal, sizeof fiscal, _(" fiscal receipts waiting: %ld "), t->fiscal.waiting);
	char hub[96] = "";
	enum theme_role hub_role = hub_text(t, hub, sizeof hub);
	int rw = draw_width(right), cw = draw_width(clock) + 2, fw = draw_width(fiscal);
	int hw = draw_width(hub);

	draw_fill(0, 0, 1, COLS, ROLE_HEADER);
	draw_text(0, 0, COLS - rw - cw - fw - hw, ROLE_HEADER, -1, true, left);
	if (hw)
		draw_text(0, COLS - rw - cw - fw - hw, hw, hub_role, -1, true, hub);
	if (fw)
		draw_text(0, COLS - rw - cw - fw, fw, ROLE_ERROR, -1, true, fiscal);
	draw_text(0, COLS - rw - cw, cw, ROLE_HEADER, 0, true, clock);
	draw_text(0, COLS - rw, rw, role, -1, true, right);
}

void tui_draw_message(const struct tui *t, int y)
{
	if (t->msg.text[0])
		draw_text(y, 0, COLS, t->msg.role, -1, true, t->msg.text);
}

void tui_draw_keys(const struct tui *t, const struct keybind *table)
{
	(void)t;
	keys_draw_bar(table, LINES - 1, COLS);
}

/* ---- the worker's results ------------------------------------------------- */

/* What an answer (or its absence) says about the connection: a failed
 * request turns the indicator at once, not at the next health check. */
static void note_connection(struct tui *t, const xpay_result *res, bool health)
{
	enum tui_conn was = t->conn;
	if (res->kind == XPAY_ERR_CONFIG) {
		t->conn = CONN_UNCONFIGURED;
	} else if (res->kind == XPAY_ERR_HTTP && res->http_status == 401) {
		t->conn = CONN_REJECTED;
	} else {
		switch (payflow_link(res)) {
		case PAYFLOW_LINK_UP:
			t->conn = CONN_ONLINE;
			break;
		case PAYFLOW_LINK_DOWN:
			t->conn = CONN_OFFLINE;
			break;
		case PAYFLOW_LINK_NONE:
		default:
			return; /* nothing was learnt about the server */
		}
	}
	if (t->conn == CONN_ONLINE) {
		if (health || was != CONN_ONLINE)
			t->conn_rtt_ms = res->round_trip_ms;
		t->conn_detail[0] = '\0';
	} else {
		kp_text_safe(t->conn_detail, sizeof t->conn_detail, kp_msg_text(&res->msg));
	}
	t->dirty = true;
}

/* The shared effects of what the payflow moved; then every screen of
 * the stack sees the changes. */
static void apply_changes(struct tui *t, const struct payflow_changes *ch)
{
	bool alerts = false;
	if (ch->n == 0)
		return; /* an answer that moved nothing (most polls): no screen rereads */
	for (size_t i = 0; i < ch->n; i++) {
		const struct payflow_change *c = &ch->c[i];
		if (c->refund_row) {
			if (c->refund_to == REFUND_REFUNDED) {
				tui_message(t, ROLE_INFO, "%s", _("Refund done: the money goes back to the buyer"));
				tui_bell(t, 1);
				if (t->cfg->printer.mode != CONFIG_PRINTER_NONE && !fiscal_enabled(t->cfg))
					tui_print_refund_slip(t, c->refund_row);
			} else if (c->refund_to == REFUND_FAILED) {
				tui_message(t, ROLE_ERROR, _("Refund refused: %s"), c->message);
				tui_bell(t, 2);
			} else if (c->message[0]) {
				tui_message(t, ROLE_ERROR, _("Refund: retrying (%s)"), c->message);
			}
			alerts = true; /* a refunded late payment is settled */
		} else if (c->moved && c->to == JOURNAL_LATE_PAID) {
			tui_bell(t, 2);
			alerts = true;
		}
	}
	if (alerts)
		tui_load_alerts(t);
	for (int i = 0; i < t->depth; i++)
		if (t->stack[i]->changed)
			t->stack[i]->changed(t, ch);
	t->dirty = true;
}

static void take_results(struct tui *t)
{
	struct worker_result *r;
	struct payflow_changes ch;
	while (worker_take(t->worker, &r)) {
		note_connection(t, &r->res, r->kind == JOB_HEALTH);
		if (r->kind == JOB_HEALTH)
			t->health_in_flight = false;
		else if (payflow_apply(&t->pf, r, &ch))
			apply_changes(t, &ch);
		worker_result_free(r);
	}
}

static void maybe_check_health(struct tui *t)
{
	int64_t now = kp_mono_ms();
	if (t->health_in_flight || now < t->next_health_ms)
		return;
	struct worker_job job = {.kind = JOB_HEALTH};
	if (worker_submit(t->worker, &job)) {
		t->health_in_flight = true;
		t->next_health_ms = now + TUI_HEALTH_EVERY_MS;
	}
}

/* ---- keys ----------------------------------------------------------------- */

/* One key to the screen in front. */
static int dispatch(struct tui *t, int key)
{
	key = keys_normalize(key);
	if (key == KC(KEY_RESIZE))
		return TUI_REDRAW;
	/* Esc then a digit: a function key on terminals without them, where
	 * the screen said its Esc had nothing else to do */
	if (t->esc_prefix && kp_mono_ms() - t->esc_at_ms > ESC_PREFIX_MS)
		t->esc_prefix = false; /* a stray Esc long ago: the key is itself */
	if (t->esc_prefix) {
		t->esc_prefix = false;
		int fk = keys_esc_digit(key);
		if (fk)
			key = fk;
		t->dirty = true;
	}
	const struct screen *s = tui_front(t);
	int flags = s->key(t, key);
	if (flags & TUI_ESC_PREFIX) {
		t->esc_prefix = true;
		t->esc_at_ms = kp_mono_ms();
		flags |= TUI_REDRAW;
	}
	return flags;
}

/* The screen a scan belongs to: the first below the dialogs in front. */
static const struct screen *scan_target(const struct tui *t)
{
	for (int i = t->depth - 1; i >= 0; i--)
		if (!(t->stack[i]->flags & SCREEN_DIALOG))
			return t->stack[i];
	return NULL;
}

/* A scanner's burst: the code goes to the screen under any dialog; its
 * Enter confirms nothing. */
static int dispatch_scan(struct tui *t, const struct scan_key *keys, int n)
{
	char code[64];
	int len = 0;
	for (int i = 0; i < n && len < (int)sizeof code - 1; i++)
		if (keys[i].key >= '0' && keys[i].key <= '9')
			code[len++] = (char)keys[i].key;
	code[len] = '\0';
	t->esc_prefix = false; /* a scan is never an Esc-digit function key */
	const struct screen *s = scan_target(t);
	if (s && s->scan)
		return s->scan(t, code);
	tui_message(t, ROLE_ERROR, _("Scanned %s: open the sale screen first"), code);
	tui_bell(t, 1);
	return TUI_REDRAW;
}

/* Whether a scanner's burst is taken apart from the keys around it: an
 * input line that takes scans typed (the sale's, so that "3*" before a
 * code counts; the login's PIN) gets the keys; anywhere else, and after
 * an Esc, the burst must not reach what is there. */
static bool scans_apart(const struct tui *t)
{
	return !(tui_front(t)->flags & SCREEN_TYPED_SCANS) || t->esc_prefix;
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
		/* the keys before it may have opened a screen that takes scans
		 * typed (Esc back to the journal, then a slip scanned): its keys */
		if (scan && !(flags & TUI_QUIT) && scans_apart(t)) {
			flags |= dispatch_scan(t, keys + i, e - s);
			i += e - s;
		}
	}
	if (flags & TUI_REDRAW)
		t->dirty = true;
	return flags;
}

/* ---- drawing -------------------------------------------------------------- */

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

/* The screen under the dialogs in front, then the dialogs over it. */
static void draw(struct tui *t)
{
	if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_ROWS) {
		draw_too_small();
	} else if (t->depth > 0) {
		attrset(theme_attr(ROLE_NORMAL));
		erase();
		int base = t->depth - 1;
		while (base > 0 && (t->stack[base]->flags & SCREEN_DIALOG))
			base--;
		for (int i = base; i < t->depth; i++)
			t->stack[i]->draw(t);
		/* the message line stays visible under dialogs */
		if (base < t->depth - 1)
			tui_draw_message(t, LINES - 3);
	}
	refresh();
	t->dirty = false;
}

/* ---- start and loop ------------------------------------------------------- */

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

bool tui_open_terminal(enum config_theme theme, char *warning, size_t size)
{
	char dirs[4][PATH_MAX];

	set_escdelay(25);
	if (!initscr())
		return false;
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
	theme_load(theme_name(theme), dirlist, warning, size);
	return true;
}

/* Opens curses and the theme. False when the terminal cannot be had. */
static bool open_screen(struct tui *t)
{
	return tui_open_terminal(t->cfg->ui.theme, t->theme_warning, sizeof t->theme_warning);
}

/* The fiscal receipts waiting, counted twice a second at most, and sent
 * by a child process while some wait (app/fiscal_bg.h). */
static void maybe_send_receipts(struct tui *t)
{
	int64_t now = kp_mono_ms();
	if (now - t->fiscal_at < 500)
		return;
	long before = t->fiscal.waiting;
	int code = t->fiscal.code;
	struct fiscal_register reg = t->fiscal.reg;
	t->fiscal_at = now;
	fiscal_bg_tick(&t->fiscal, t->db, t->cfg);
	/* what the sale screen says of the register changed */
	if (t->fiscal.waiting != before || t->fiscal.code != code ||
	    t->fiscal.reg.refusal != reg.refusal || t->fiscal.reg.closed != reg.closed ||
	    t->fiscal.reg.shift != reg.shift || t->fiscal.reg.offline_since != reg.offline_since)
		t->dirty = true;
}

/* The outbox counted once a second (a look by key, however many wait),
 * the shipping thread's last pass read, and the thread woken when the
 * journal has new rows (app/ship.h). */
static void maybe_count_outbox(struct tui *t)
{
	int64_t now = kp_mono_ms();
	if (!t->ship || now - t->hub_at < 1000)
		return;
	struct outbox_state before = t->hub;
	struct ship_view was = t->hub_view;
	store_err err;
	t->hub_at = now;
	if (outbox_get_state(t->db, &t->hub, &err) != STORE_OK)
		t->hub = before; /* a busy journal: the count of a second ago stands */
	ship_thread_view(t->ship, &t->hub_view);
	if (t->hub.last_seq > before.last_seq)
		ship_thread_wake(t->ship);
	if (t->hub.waiting != before.waiting || t->hub.oldest_age / 60 != before.oldest_age / 60 ||
	    t->hub_view.outcome != was.outcome || strcmp(t->hub_view.why, was.why) != 0)
		t->dirty = true;
}

/* Sleeps in poll() until a key, a result, a printed job, the next
 * second of the clock or the next request that is due. */
static void wait_for_work(struct tui *t)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int timeout = (int)(1000 - ts.tv_nsec / 1000000);
	long due = payflow_tick(&t->pf);
	if (due >= 0 && due < timeout)
		timeout = (int)due;
	struct pollfd fds[4] = {
		{.fd = STDIN_FILENO, .events = POLLIN},
		{.fd = worker_fd(t->worker), .events = POLLIN},
		{.fd = t->printq ? printq_fd(t->printq) : -1, .events = POLLIN},
		{.fd = push_fd(t->push), .events = POLLIN},
	};
	int rc = poll(fds, 4, timeout);
	if (rc <= 0) {
		t->dirty = true; /* the clock, or SIGWINCH (curses queues KEY_RESIZE) */
		return;
	}
	if (fds[1].revents & POLLIN)
		take_results(t);
	if (fds[2].revents & POLLIN) {
		struct printq_result pr;
		while (printq_take(t->printq, &pr))
			printed(t, &pr);
	}
	/* a pushed payment: its status goes out at the next tick, this turn */
	if (fds[3].revents & POLLIN)
		push_apply(t->push, &t->pf);
}

int tui_run(struct kp_config *cfg)
{
	struct tui t;
	store_err err;

	memset(&t, 0, sizeof t);
	t.cfg = cfg;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "kaspi-pos: %s\n", _("the till needs a terminal; for scripts see kaspi-pos --help"));
		return 2;
	}
	if (db_open_home(cfg->home, &t.db, &err) != STORE_OK) {
		fprintf(stderr, "kaspi-pos: %s\n", kp_msg_text(&err.msg));
		return 2;
	}
	basket_init(&t.basket);
	if (!basket_set_discount_limit(&t.basket, cfg->limits.discount_percent_without_manager))
		snprintf(t.theme_warning, sizeof t.theme_warning, "%s",
		         _("[limits] discount_percent_without_manager is out of 0–100: the default limit is used"));
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

	if (!open_screen(&t)) {
		fprintf(stderr, "kaspi-pos: %s\n", _("cannot open the terminal"));
		return 2;
	}
	tui_switch(&t, &scr_login, NULL);
	tui_load_alerts(&t);
	if (t.theme_warning[0])
		tui_message(&t, ROLE_ERROR, "%s", t.theme_warning);
	else if (resume_note[0])
		tui_message(&t, ROLE_ERROR, "%s", resume_note);
	else if (resumed)
		tui_message(&t, ROLE_INFO, _("Settling %zu unfinished payments with the server…"), resumed);
	t.dirty = true;

	char fiscal_note[256];
	if (!fiscal_setup(t.db, cfg, fiscal_note, sizeof fiscal_note))
		tui_message(&t, ROLE_ERROR, "%s", fiscal_note);
	tui_display_start(&t); /* the buyer's screen, when [display] listen is set */
	t.ship = ship_thread_start(cfg); /* NULL without [hub] url */
	t.push = push_start(cfg);        /* NULL without [hub] url and token */

	int flags = 0;
	while (!(flags & TUI_QUIT)) {
		maybe_check_health(&t);
		maybe_send_receipts(&t);
		maybe_count_outbox(&t);
		if (t.dirty) {
			draw(&t);
			tui_display_update(&t); /* what the buyer sees follows the screen */
		}
		wait_for_work(&t);
		/* read keys also on a time-out: ncurses may hold a KEY_RESIZE */
		flags = handle_input(&t);
	}

	endwin();
	ship_thread_stop(t.ship, 300);
	push_stop(t.push, 300);
	fiscal_bg_forget(&t.fiscal);
	close_all(&t);
	tui_display_stop(&t);
	worker_stop(t.worker, 300);
	printq_stop(t.printq);
	payflow_free(&t.pf);
	free(t.alerts);
	basket_free(&t.basket);
	db_close(t.db);
	return 0;
}
