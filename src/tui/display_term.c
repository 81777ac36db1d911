/* display_term.c — `kaspi-pos display`: the buyer's view on a second
 * terminal (a monitor on the till PC without a browser, a tmux pane),
 * from the till's event stream (app/display_feed.h): the basket, the
 * total, during a payment the QR in half blocks at the size this terminal
 * allows, the amount, the countdown and the state, then the thanks with
 * the change. Everything in Kazakh and Russian, as on the web page: the
 * buyer's languages, not the cashier's. Without the stream it says so
 * and shows nothing else, never a QR that may have ended. */
#include "tui/tui.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/display_feed.h"
#include "app/i18n.h"
#include "core/clock.h"
#include "core/money.h"
#include "tui/draw.h"
#include "tui/qr.h"
#include "tui/theme.h"

struct dterm {
	struct dfeed_view *view;
	bool has_view;
	enum dfeed_link link;
	char detail[256];
	bool utf8;
	struct qr_image qr;         /* the QR of qr_of, rendered once */
	char qr_of[DFEED_QR];
};

static const char *pay_state_text(const struct dfeed_view *v)
{
	switch (v->pay.state) {
	case DFEED_WAITING:
		return v->pay.qr_method ? "QR-кодты сканерлеңіз / Отсканируйте QR-код"
		                        : "Kaspi қосымшасында растаңыз / Подтвердите в приложении Kaspi";
	case DFEED_SCANNED:
		return "Төлемді растаңыз / Подтвердите оплату";
	case DFEED_PAID:
		return "Төленді / Оплачено";
	case DFEED_DECLINED:
		return "Қабылданбады / Отклонено";
	case DFEED_EXPIRED:
		return "Уақыты өтті / Время истекло";
	case DFEED_CANCELLED:
	default:
		return "Тоқтатылды / Отменено";
	}
}

static void centre(int y, enum theme_role role, const char *s)
{
	draw_text(y, 0, COLS, role, 0, true, s);
}

static void draw_header(const struct dterm *d)
{
	const char *shop = d->has_view && d->view->shop[0] ? d->view->shop : "kaspi-pos";
	draw_text(0, 0, COLS, ROLE_HEADER, 0, true, shop);
}

static void draw_lost(const struct dterm *d)
{
	int y = LINES / 2 - 1;
	centre(y, ROLE_ERROR, d->link == DFEED_CONNECTING ? "қосылуда… / подключение…"
	                                                  : "байланыс жоқ / нет связи");
	if (d->detail[0])
		centre(y + 2, ROLE_DIM, d->detail);
}

static void qty_text(const struct dfeed_line *l, char *buf, size_t size)
{
	char price[48];
	money_format(price, sizeof price, l->price);
	if (l->weight > 0)
		snprintf(buf, size, "%lld,%03lld %s × %s", (long long)(l->weight / 1000),
		         (long long)(l->weight % 1000), l->unit, price);
	else
		snprintf(buf, size, "%lld × %s", (long long)l->qty, price);
}

static void draw_basket(const struct dterm *d)
{
	const struct dfeed_view *v = d->view;
	int bottom = LINES - 3; /* the total's rows below */
	int rows_each = 2, room = bottom - 2;
	size_t fit = room > 0 ? (size_t)(room / rows_each) : 0;
	size_t first = v->n_lines > fit ? v->n_lines - fit : 0; /* the newest lines in sight */
	int y = 2, sumw = 16;
	for (size_t i = first; i < v->n_lines && y + 1 < bottom; i++) {
		const struct dfeed_line *l = &v->lines[i];
		char name[2 * DFEED_TEXT + 4], qty[128], sum[48];
		if (l->name_kk[0] && strcmp(l->name_kk, l->name_ru) != 0)
			snprintf(name, sizeof name, "%s / %s", l->name_kk, l->name_ru);
		else
			snprintf(name, sizeof name, "%s", l->name_ru);
		money_format(sum, sizeof sum, l->sum);
		draw_text(y, 1, COLS - sumw - 2, ROLE_NORMAL, -1, true, name);
		draw_text(y, COLS - sumw - 1, sumw, ROLE_NORMAL, 1, true, sum);
		qty_text(l, qty, sizeof qty);
		if (l->discount > 0) {
			char disc[48], both[256];
			money_format(disc, sizeof disc, l->discount);
			snprintf(both, sizeof both, "%s   жеңілдік / скидка −%s", qty, disc);
			draw_text(y + 1, 3, COLS - 4, ROLE_DISCOUNT, -1, true, both);
		} else {
			draw_text(y + 1, 3, COLS - 4, ROLE_DIM, -1, true, qty);
		}
		y += rows_each;
	}
	char total[48], line[128];
	money_format(total, sizeof total, v->total);
	snprintf(line, sizeof line, "ЖИЫНЫ / ИТОГО: %s", total);
	draw_text(LINES - 2, 0, COLS - 1, ROLE_TOTAL, 1, true, line);
}

/* The QR of the live payment, rendered once per text. */
static const struct qr_image *payment_qr(struct dterm *d)
{
	const struct dfeed_view *v = d->view;
	bool live = v->pay.qr_method && v->pay.qr[0] &&
	            (v->pay.state == DFEED_WAITING || v->pay.state == DFEED_SCANNED);
	if (!live) {
		qr_free(&d->qr);
		d->qr_of[0] = '\0';
		return NULL;
	}
	if (d->qr.lines && strcmp(d->qr_of, v->pay.qr) == 0)
		return &d->qr;
	char err[160];
	qr_free(&d->qr);
	d->qr_of[0] = '\0';
	if (!qr_render(v->pay.qr, d->utf8, &d->qr, err, sizeof err))
		return NULL;
	snprintf(d->qr_of, sizeof d->qr_of, "%s", v->pay.qr);
	return &d->qr;
}

static void draw_payment(struct dterm *d)
{
	const struct dfeed_view *v = d->view;
	const struct qr_image *qr = payment_qr(d);
	int info_w = 44, info_rows = 6;
	int qx = -1, qy = 2, ix = 2, iy = 2;
	if (qr && qr_fits(qr, LINES - 3, COLS - info_w - 3)) {
		qx = 1, ix = 1 + qr->cols + 2;
	} else if (qr && qr_fits(qr, LINES - 3 - info_rows, COLS - 2)) {
		qx = (COLS - qr->cols) / 2, iy = 2 + qr->rows;
	}
	if (qx >= 0) {
		attrset(COLOR_PAIR(THEME_QR_PAIR));
		for (int r = 0; r < qr->rows; r++)
			mvaddstr(qy + r, qx, qr->lines[r]);
		attrset(A_NORMAL);
	}
	int iw = COLS - ix - 1;
	char sum[48], line[160];
	money_format(sum, sizeof sum, v->pay.amount);
	draw_text(iy++, ix, iw, ROLE_COLUMN_TITLE, -1, true,
	          v->pay.qr_method ? "Kaspi QR арқылы төлем / Оплата Kaspi QR"
	                           : "Kaspi арқылы төлем / Оплата через Kaspi");
	draw_text(iy++, ix, iw, ROLE_TOTAL, -1, true, sum);
	enum theme_role role = v->pay.state == DFEED_PAID                                  ? ROLE_STATUS_OK
	                       : v->pay.state == DFEED_WAITING || v->pay.state == DFEED_SCANNED ? ROLE_INFO
	                                                                                     : ROLE_STATUS_BAD;
	draw_text(iy++, ix, iw, role, -1, true, pay_state_text(v));
	if (v->pay.deadline_ms > 0 && (v->pay.state == DFEED_WAITING || v->pay.state == DFEED_SCANNED)) {
		int64_t left = (v->pay.deadline_ms - kp_mono_ms() + 999) / 1000;
		if (left < 0)
			left = 0;
		snprintf(line, sizeof line, "Қалды / Осталось %02lld:%02lld", (long long)(left / 60),
		         (long long)(left % 60));
		draw_text(iy++, ix, iw, left < 60 ? ROLE_ERROR : ROLE_NORMAL, -1, true, line);
	}
	if (!v->pay.qr_method && v->pay.phone[0]) {
		snprintf(line, sizeof line, "Телефон %s", v->pay.phone);
		draw_text(iy++, ix, iw, ROLE_NORMAL, -1, true, line);
	}
	if (qr && qx < 0)
		draw_text(iy++, ix, iw, ROLE_STATUS_WARN, -1, true,
		          "QR сыймайды: терезені үлкейтіңіз / QR не помещается: увеличьте окно");
}

static void draw_thanks(const struct dterm *d)
{
	const struct dfeed_view *v = d->view;
	char sum[48], line[160];
	int y = LINES / 2 - 2;
	centre(y, ROLE_TOTAL, "Рақмет! / Спасибо!");
	if (v->has_thanks) {
		money_format(sum, sizeof sum, v->paid);
		snprintf(line, sizeof line, "Төленді / Оплачено: %s", sum);
		centre(y + 2, ROLE_NORMAL, line);
		if (v->change > 0) {
			money_format(sum, sizeof sum, v->change);
			snprintf(line, sizeof line, "Қайтарым / Сдача: %s", sum);
			centre(y + 3, ROLE_TOTAL, line);
		}
	}
}

static void draw_all(struct dterm *d)
{
	erase();
	draw_header(d);
	if (d->link != DFEED_LIVE || !d->has_view) {
		qr_free(&d->qr); /* never a QR from a feed that is gone */
		d->qr_of[0] = '\0';
		draw_lost(d);
	} else {
		switch (d->view->screen) {
		case DFEED_BASKET:
			draw_basket(d);
			break;
		case DFEED_PAYMENT:
			if (d->view->has_payment) {
				draw_payment(d);
				break;
			}
			/* fall through */
		case DFEED_IDLE:
			centre(LINES / 2 - 1, ROLE_TOTAL, "Қош келдіңіз! / Добро пожаловать!");
			break;
		case DFEED_THANKS:
			draw_thanks(d);
			break;
		}
	}
	refresh();
}

int tui_display_run(const char *url, const char *ca_file, enum config_theme theme)
{
	struct dterm d = {.link = DFEED_CONNECTING};
	char message[320], warning[256];
	d.view = calloc(1, sizeof *d.view);
	if (!d.view) {
		fprintf(stderr, "kaspi-pos: %s\n", _("out of memory: close other programs or restart the till"));
		return 3;
	}
	struct dfeed *f = dfeed_start(url, ca_file, message, sizeof message);
	if (!f) {
		fprintf(stderr, "kaspi-pos: %s\n", message);
		free(d.view);
		return 3;
	}
	d.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (!tui_open_terminal(theme, warning, sizeof warning)) {
		fprintf(stderr, "kaspi-pos: %s\n", _("cannot open the terminal"));
		dfeed_stop(f);
		free(d.view);
		return 2;
	}
	bool quit = false;
	while (!quit) {
		if (dfeed_take(f, d.view, &d.link, d.detail, sizeof d.detail))
			d.has_view = true;
		draw_all(&d);
		struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = dfeed_fd(f), .events = POLLIN}};
		if (poll(p, 2, 250) < 0 && errno != EINTR)
			break;
		int k;
		while ((k = getch()) != ERR)
			if (k == 'q' || k == 'Q' || k == 27 || k == KEY_F(10))
				quit = true;
	}
	endwin();
	dfeed_stop(f);
	qr_free(&d.qr);
	free(d.view);
	return 0;
}
