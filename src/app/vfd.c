/* vfd.c — see vfd.h. */
#include "app/vfd.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "app/display.h"
#include "app/i18n.h"
#include "core/clock.h"
#include "core/money.h"
#include "core/vfd.h"

#define VFD_REOPEN_MS 3000
#define VFD_PATH_MAX 4096

struct vfd {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	char path[VFD_PATH_MAX];
	unsigned char table;
	/* under lock */
	unsigned char rows[VFD_ROWS][VFD_COLS]; /* the newest frame */
	unsigned long seq;              /* frames shown */
	bool stopping;
	char error[256];
	/* the thread's own */
	int fd;
	unsigned long written;          /* seq of the frame on the display */
	unsigned char last[VFD_ROWS][VFD_COLS];
	bool have_last;
};

static void set_error(struct vfd *v, const char *what, int err)
{
	pthread_mutex_lock(&v->lock);
	if (what)
		snprintf(v->error, sizeof v->error, _("customer display %s: %s: %s"), v->path, what,
		         strerror(err));
	else
		v->error[0] = '\0';
	pthread_mutex_unlock(&v->lock);
}

/* 9600 8N1 raw, for a terminal device; nothing for a file. */
static void set_serial(int fd)
{
	struct termios tio;
	if (!isatty(fd) || tcgetattr(fd, &tio) != 0)
		return;
	cfmakeraw(&tio);
	cfsetispeed(&tio, B9600);
	cfsetospeed(&tio, B9600);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_cflag &= ~(tcflag_t)(PARENB | CSTOPB | CSIZE);
	tio.c_cflag |= CS8;
	(void)tcsetattr(fd, TCSANOW, &tio);
}

static bool write_all(int fd, const unsigned char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		b += w, n -= (size_t)w;
	}
	return true;
}

static bool open_port(struct vfd *v)
{
	unsigned char init[VFD_INIT_SIZE];
	v->fd = open(v->path, O_WRONLY | O_NOCTTY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (v->fd < 0) {
		set_error(v, _("cannot open"), errno);
		return false;
	}
	set_serial(v->fd);
	vfd_init_bytes(v->table, init);
	if (!write_all(v->fd, init, sizeof init)) {
		set_error(v, _("cannot write"), errno);
		close(v->fd);
		v->fd = -1;
		return false;
	}
	v->have_last = false; /* a display just opened shows the frame whatever it was */
	set_error(v, NULL, 0);
	return true;
}

/* Waits until a frame newer than the one written, stopping, or ms pass. */
static void wait_for_frame(struct vfd *v, long ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L)
		until.tv_sec++, until.tv_nsec -= 1000000000L;
	pthread_mutex_lock(&v->lock);
	while (!v->stopping && v->seq == v->written &&
	       pthread_cond_timedwait(&v->wake, &v->lock, &until) == 0)
		;
	pthread_mutex_unlock(&v->lock);
}

static void *run(void *arg)
{
	struct vfd *v = arg;
	int64_t next_open = 0;
	for (;;) {
		unsigned char rows[VFD_ROWS][VFD_COLS];
		pthread_mutex_lock(&v->lock);
		bool stopping = v->stopping;
		unsigned long seq = v->seq;
		memcpy(rows, v->rows, sizeof rows);
		pthread_mutex_unlock(&v->lock);
		if (v->fd < 0 && kp_mono_ms() >= next_open && !open_port(v))
			next_open = kp_mono_ms() + VFD_REOPEN_MS;
		if (v->fd >= 0 && seq != v->written) {
			unsigned char frame[VFD_FRAME_SIZE];
			if (v->have_last && memcmp(rows, v->last, sizeof rows) == 0) {
				v->written = seq; /* the same frame: nothing to write */
			} else {
				vfd_frame((const unsigned char(*)[VFD_COLS])rows, frame);
				if (write_all(v->fd, frame, sizeof frame)) {
					memcpy(v->last, rows, sizeof rows);
					v->have_last = true;
					v->written = seq;
				} else {
					set_error(v, _("cannot write"), errno);
					close(v->fd);
					v->fd = -1;
					next_open = kp_mono_ms() + VFD_REOPEN_MS;
				}
			}
		}
		if (stopping)
			break;
		wait_for_frame(v, v->fd < 0 ? VFD_REOPEN_MS : 60000);
	}
	if (v->fd >= 0)
		close(v->fd);
	return NULL;
}

struct vfd *vfd_start(const char *path, unsigned char table, char *message, size_t size)
{
	struct vfd *v = calloc(1, sizeof *v);
	sigset_t all, old;
	if (!v) {
		snprintf(message, size, "%s", _("out of memory: close other programs or restart the till"));
		return NULL;
	}
	snprintf(v->path, sizeof v->path, "%s", path);
	v->table = table ? table : VFD_TABLE_PC866;
	v->fd = -1;
	vfd_row("", NULL, v->rows[0]);
	vfd_row("", NULL, v->rows[1]);
	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->wake, NULL);
	/* the thread takes no signal: SIGWINCH and the rest reach the UI thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&v->thread, NULL, run, v);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(message, size, _("the customer display's thread cannot start: %s"), strerror(rc));
		pthread_mutex_destroy(&v->lock);
		pthread_cond_destroy(&v->wake);
		free(v);
		return NULL;
	}
	return v;
}

void vfd_show(struct vfd *v, const char *top, const char *top_right, const char *bottom,
              const char *bottom_right)
{
	unsigned char rows[VFD_ROWS][VFD_COLS];
	if (!v)
		return;
	vfd_row(top, top_right, rows[0]);
	vfd_row(bottom, bottom_right, rows[1]);
	pthread_mutex_lock(&v->lock);
	if (memcmp(rows, v->rows, sizeof rows) != 0) {
		memcpy(v->rows, rows, sizeof rows);
		v->seq++;
		pthread_cond_signal(&v->wake);
	}
	pthread_mutex_unlock(&v->lock);
}

void vfd_status(struct vfd *v, char *message, size_t size)
{
	if (!v) {
		if (size)
			message[0] = '\0';
		return;
	}
	pthread_mutex_lock(&v->lock);
	snprintf(message, size, "%s", v->error);
	pthread_mutex_unlock(&v->lock);
}

void vfd_stop(struct vfd *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->lock);
	v->stopping = true;
	pthread_cond_signal(&v->wake);
	pthread_mutex_unlock(&v->lock);
	pthread_join(v->thread, NULL);
	pthread_mutex_destroy(&v->lock);
	pthread_cond_destroy(&v->wake);
	free(v);
}

/* ---- what the buyer reads ---------------------------------------------------- */

/* The two languages' words, [CONFIG_VFD_RU] and [CONFIG_VFD_KK]: the
 * buyer's, not the cashier's, so not through gettext. */
static const char *const welcome[2] = {"Добро пожаловать!", "Қош келдіңіз!"};
static const char *const total_word[2] = {"ИТОГО", "ЖИЫНЫ"};
static const char *const thanks_word[2] = {"Спасибо!", "Рақмет!"};
static const char *const change_word[2] = {"Сдача", "Қайтарым"};
static const char *const paid_word[2] = {"Оплачено", "Төленді"};
static const char *const pay_state_word[6][2] = {
	[DISPLAY_PAY_WAITING] = {"Сканируйте QR", "QR сканерлеңіз"},
	[DISPLAY_PAY_SCANNED] = {"Подтвердите", "Растаңыз"},
	[DISPLAY_PAY_PAID] = {"Оплачено", "Төленді"},
	[DISPLAY_PAY_DECLINED] = {"Отклонено", "Қабылданбады"},
	[DISPLAY_PAY_EXPIRED] = {"Время истекло", "Уақыты өтті"},
	[DISPLAY_PAY_CANCELLED] = {"Отменено", "Тоқтатылды"},
};

/* Money for 20 columns: "1 500,00", without the sign (₸ would take two:
 * "тг"). */
static void amount(char *buf, size_t size, int64_t tiyn)
{
	money_format_plain(buf, size, tiyn);
}

void vfd_show_view(struct vfd *v, const struct display_view *view, const char *shop,
                   enum config_vfd_language lang, int64_t now_ms)
{
	int l = lang == CONFIG_VFD_KK ? 1 : 0;
	char a[48], b[48];
	if (!v)
		return;
	switch (view->screen) {
	case DISPLAY_BASKET: {
		const struct display_line *last = view->n_lines ? &view->lines[view->n_lines - 1] : NULL;
		amount(a, sizeof a, last ? last->sum : 0);
		amount(b, sizeof b, view->total);
		vfd_show(v, last ? (l && last->name_kk[0] ? last->name_kk : last->name_ru) : "", last ? a : NULL,
		         total_word[l], b);
		break;
	}
	case DISPLAY_PAYMENT: {
		const struct display_payment *p = &view->payment;
		char left[48] = "";
		amount(a, sizeof a, p->amount);
		bool live = p->state == DISPLAY_PAY_WAITING || p->state == DISPLAY_PAY_SCANNED;
		if (live && p->deadline_ms > now_ms) {
			int64_t s = (p->deadline_ms - now_ms + 999) / 1000;
			snprintf(left, sizeof left, "%02lld:%02lld", (long long)(s / 60), (long long)(s % 60));
		}
		const char *state = p->state == DISPLAY_PAY_WAITING && p->phone ? (l ? "Kaspi-де растаңыз" : "Подтвердите в Kaspi")
		                                                               : pay_state_word[p->state][l];
		vfd_show(v, "Kaspi", a, state, left[0] ? left : NULL);
		break;
	}
	case DISPLAY_THANKS:
		amount(a, sizeof a, view->has_thanks && view->change > 0 ? view->change : view->paid);
		vfd_show(v, thanks_word[l], NULL,
		         view->has_thanks && view->change > 0 ? change_word[l] : paid_word[l],
		         view->has_thanks ? a : NULL);
		break;
	case DISPLAY_IDLE:
	default:
		vfd_show(v, shop, NULL, welcome[l], NULL);
		break;
	}
}
