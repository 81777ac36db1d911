/* bench_pay.c — the payment path as the cashier sees it. The real till
 * runs on a pseudo-terminal of 120×50 (forkpty); everything it writes is
 * fed to a small terminal emulator below, so "drawn" means "on the
 * screen", not "somewhere in the byte stream" (curses sends only the
 * cells that changed, in any order its optimiser likes). The sandbox runs
 * on loopback; its control endpoints are called with libcurl.
 *
 *  1. qr_*      F10 on a basket of one product until the QR (complete:
 *               its last module row is on the screen and the till's output
 *               has moved past the image) and "Time left" are drawn; then
 *               Esc gives up and F10 again. Each drawn QR is compared cell
 *               by cell with the QR of the journal's qr_token
 *               (src/tui/qr.c), so a wrong code is counted, not timed; a
 *               mismatch is compared again once the countdown has ticked
 *               (_mismatched_later: still wrong in a later frame). A frame
 *               read while the till was still writing its last QR row
 *               (a pty read ends wherever the till's write did) is waited
 *               out and counted as _torn when that half frame differed.
 *  2. paid_*    with the QR up (--pay-after 0: nobody pays by himself), a
 *               random 0–3 s pause (the poll phase; stratified over the
 *               samples), then the clock starts just before
 *               POST /sandbox/payments/{id}/pay and stops when "Paid" is
 *               on the screen. Enter, scan, F10 again. req_*:
 *               API requests the sandbox counted per payment (from just
 *               before F10 to "Paid" on the screen).
 *  4. tender_*  the keys a cashier presses from the last scan to "Paid":
 *               a 10-item cash sale (F6, F3 for the next banknotes, Enter)
 *               and a split sale of QR 200 ₸ + cash for the rest (F6, the
 *               amount, F10, Enter, then after the buyer paid Enter back
 *               and Enter for the rest in cash); counted, and the cash
 *               sale's time from F6 to "Paid" drawn.
 *  3. hang_*    a second till against a sandbox where every request hangs
 *               30 s: F10 ("creating…"), Esc back to the sale screen, and
 *               once the create has reached the sandbox (it hangs there),
 *               a digit echoed on the input line, backspace, F1 (help) and
 *               Esc back. idle_*: the same keys on the first till, with a
 *               healthy network, for comparison.
 *
 * Prints "name value" lines (milliseconds unless the name says otherwise).
 * usage: bench_pay POS URL HOME HANG_URL HANG_HOME
 *        bench_pay --qr-only POS URL HOME      (measure 1 alone)
 *        bench_pay --keys-only POS URL HOME    (keys_*: the idle keys, and plus_*:
 *               "+" on a basket line until its total is drawn, a key that the
 *               customer display shows too; with BENCH_PAY_DISPLAYS=N, N event
 *               streams of the till's display (its display.url) connected
 *               and read meanwhile)
 *   URL, HOME: a sandbox started with --pay-after 0 and the till's
 *   KASPI_POS_HOME (catalog imported, one cashier with PIN 1111);
 *   HANG_URL, HANG_HOME: the same with a sandbox started with --hang-rate 1.
 * BENCH_PAY_READ_MAX=N reads the pty N bytes at a time, so that every frame
 * comes in pieces: the QR check must still see only whole QRs.
 *   KASPI_XDEV_KEY and KASPI_MERCHANT_ID come from the environment.
 * Sample counts: BENCH_PAY_QR (50), BENCH_PAY_PAID (40), BENCH_PAY_KEYS (100).
 * BENCH_PAY_SCREENS=1 shows the screen at a few points, BENCH_PAY_RAW=1
 * every "Paid" sample, on standard error. */
#include <curl/curl.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "core/pollsched.h"
#include "tui/qr.h"

#define T_ROWS 50
#define T_COLS 120
#define CELL 8           /* a cell's UTF-8 bytes, NUL-terminated */
#define MAX_PARAMS 16
#define QR_TOP 2         /* where scr_pay.c draws the QR */
#define QR_LEFT 1
#define BARCODE "4870000025008"
#define ONE_ITEM "TOTAL: 549,00"
#define PIN "1111"
#define KEY_F1 "\033OP"
#define KEY_F3 "\033OR"
#define KEY_F6 "\033[17~"
#define KEY_F10 "\033[21~"
#define KEY_ESC "\033"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* ---- a terminal: the part of xterm that curses uses with TERM=xterm ---- */

enum parse_state { ST_GROUND, ST_ESC, ST_CSI, ST_OSC, ST_OSC_ESC, ST_CHARSET };

struct term {
	char cell[T_ROWS][T_COLS][CELL];
	int y, x;                /* cursor */
	int top, bot;            /* scrolling region, inclusive */
	int saved_y, saved_x;
	bool wrap;               /* the last column was written: wrap before the next */
	bool acs;                /* G0 is the line-drawing set */
	char last[CELL];         /* the last glyph printed, for REP */
	enum parse_state st;
	int par[MAX_PARAMS], npar;
	bool priv;               /* CSI ? … */
	unsigned char u8[4];
	int u8len, u8need;
	long bells;
};

static void t_blank(struct term *t, int y, int x0, int x1)
{
	if (y < 0 || y >= T_ROWS)
		return;
	if (x0 < 0)
		x0 = 0;
	if (x1 > T_COLS)
		x1 = T_COLS;
	for (int x = x0; x < x1; x++)
		snprintf(t->cell[y][x], CELL, " ");
}

static void t_reset(struct term *t)
{
	memset(t, 0, sizeof *t);
	for (int y = 0; y < T_ROWS; y++)
		t_blank(t, y, 0, T_COLS);
	t->bot = T_ROWS - 1;
}

/* Rows top..bot move up by n; n blank rows come in at the bottom. */
static void t_scroll_up(struct term *t, int top, int bot, int n)
{
	if (n > bot - top + 1)
		n = bot - top + 1;
	if (n <= 0)
		return;
	memmove(t->cell[top], t->cell[top + n], (size_t)(bot - top + 1 - n) * sizeof t->cell[0]);
	for (int y = bot - n + 1; y <= bot; y++)
		t_blank(t, y, 0, T_COLS);
}

static void t_scroll_down(struct term *t, int top, int bot, int n)
{
	if (n > bot - top + 1)
		n = bot - top + 1;
	if (n <= 0)
		return;
	memmove(t->cell[top + n], t->cell[top], (size_t)(bot - top + 1 - n) * sizeof t->cell[0]);
	for (int y = top; y < top + n; y++)
		t_blank(t, y, 0, T_COLS);
}

static void t_linefeed(struct term *t)
{
	t->wrap = false;
	if (t->y == t->bot)
		t_scroll_up(t, t->top, t->bot, 1);
	else if (t->y < T_ROWS - 1)
		t->y++;
}

static void t_goto(struct term *t, int y, int x)
{
	t->y = y < 0 ? 0 : y >= T_ROWS ? T_ROWS - 1 : y;
	t->x = x < 0 ? 0 : x >= T_COLS ? T_COLS - 1 : x;
	t->wrap = false;
}

static const char *acs_glyph(unsigned char c)
{
	switch (c) {
	case 'q': return "─";
	case 'x': return "│";
	case 'l': return "┌";
	case 'k': return "┐";
	case 'm': return "└";
	case 'j': return "┘";
	case 't': return "├";
	case 'u': return "┤";
	case 'v': return "┴";
	case 'w': return "┬";
	case 'n': return "┼";
	case 'a': return "▒";
	case '0': return "█";
	default: return NULL;
	}
}

/* One glyph (UTF-8 bytes g, display width w) at the cursor. */
static void t_put(struct term *t, const char *g, int w)
{
	if (w == 0) { /* combining: onto the previous cell */
		int x = t->wrap ? t->x : t->x - 1;
		if (x >= 0) {
			size_t used = strlen(t->cell[t->y][x]);
			if (used + strlen(g) < CELL)
				memcpy(t->cell[t->y][x] + used, g, strlen(g) + 1);
		}
		return;
	}
	if (t->wrap || t->x + w > T_COLS) {
		t->x = 0;
		t_linefeed(t);
	}
	snprintf(t->cell[t->y][t->x], CELL, "%s", g);
	if (w == 2 && t->x + 1 < T_COLS)
		t->cell[t->y][t->x + 1][0] = '\0'; /* the right half of a wide glyph */
	snprintf(t->last, sizeof t->last, "%s", g);
	t->x += w;
	if (t->x >= T_COLS) {
		t->x = T_COLS - 1;
		t->wrap = true;
	}
}

static int glyph_width(const char *g)
{
	wchar_t wc;
	mbstate_t ps;
	memset(&ps, 0, sizeof ps);
	if (mbrtowc(&wc, g, strlen(g), &ps) == (size_t)-1)
		return 1;
	int w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

static int par(const struct term *t, int i, int def)
{
	return i < t->npar && t->par[i] > 0 ? t->par[i] : def;
}

static void t_csi(struct term *t, unsigned char f)
{
	int n = par(t, 0, 1);
	if (t->priv) {
		if ((f == 'h' || f == 'l') && t->par[0] == 1049) { /* the alternate screen */
			for (int y = 0; y < T_ROWS; y++)
				t_blank(t, y, 0, T_COLS);
		}
		return; /* other private modes change nothing on the screen */
	}
	switch (f) {
	case 'H':
	case 'f':
		t_goto(t, par(t, 0, 1) - 1, par(t, 1, 1) - 1);
		break;
	case 'A':
		t_goto(t, t->y - n < t->top && t->y >= t->top ? t->top : t->y - n, t->x);
		break;
	case 'B':
		t_goto(t, t->y + n > t->bot && t->y <= t->bot ? t->bot : t->y + n, t->x);
		break;
	case 'C':
		t_goto(t, t->y, t->x + n);
		break;
	case 'D':
		t_goto(t, t->y, t->x - n);
		break;
	case 'E':
		t_goto(t, t->y + n, 0);
		break;
	case 'F':
		t_goto(t, t->y - n, 0);
		break;
	case 'G':
	case '`':
		t_goto(t, t->y, n - 1);
		break;
	case 'd':
		t_goto(t, n - 1, t->x);
		break;
	case 'K': {
		int mode = t->npar ? t->par[0] : 0;
		if (mode == 0)
			t_blank(t, t->y, t->x, T_COLS);
		else if (mode == 1)
			t_blank(t, t->y, 0, t->x + 1);
		else
			t_blank(t, t->y, 0, T_COLS);
		break;
	}
	case 'J': {
		int mode = t->npar ? t->par[0] : 0;
		if (mode == 0) {
			t_blank(t, t->y, t->x, T_COLS);
			for (int y = t->y + 1; y < T_ROWS; y++)
				t_blank(t, y, 0, T_COLS);
		} else if (mode == 1) {
			for (int y = 0; y < t->y; y++)
				t_blank(t, y, 0, T_COLS);
			t_blank(t, t->y, 0, t->x + 1);
		} else if (mode == 2) {
			for (int y = 0; y < T_ROWS; y++)
				t_blank(t, y, 0, T_COLS);
		}
		break;
	}
	case 'X':
		t_blank(t, t->y, t->x, t->x + n);
		break;
	case '@':
		if (n > T_COLS - t->x)
			n = T_COLS - t->x;
		memmove(t->cell[t->y][t->x + n], t->cell[t->y][t->x], (size_t)(T_COLS - t->x - n) * CELL);
		t_blank(t, t->y, t->x, t->x + n);
		break;
	case 'P':
		if (n > T_COLS - t->x)
			n = T_COLS - t->x;
		memmove(t->cell[t->y][t->x], t->cell[t->y][t->x + n], (size_t)(T_COLS - t->x - n) * CELL);
		t_blank(t, t->y, T_COLS - n, T_COLS);
		break;
	case 'L':
		if (t->y >= t->top && t->y <= t->bot)
			t_scroll_down(t, t->y, t->bot, n);
		break;
	case 'M':
		if (t->y >= t->top && t->y <= t->bot)
			t_scroll_up(t, t->y, t->bot, n);
		break;
	case 'S':
		t_scroll_up(t, t->top, t->bot, n);
		break;
	case 'T':
		t_scroll_down(t, t->top, t->bot, n);
		break;
	case 'r': {
		int top = par(t, 0, 1) - 1, bot = par(t, 1, T_ROWS) - 1;
		if (top < bot && bot < T_ROWS) {
			t->top = top;
			t->bot = bot;
		}
		t_goto(t, 0, 0);
		break;
	}
	case 'b': /* REP: the last glyph n more times */
		if (t->last[0]) {
			char g[CELL];
			snprintf(g, sizeof g, "%s", t->last);
			int w = glyph_width(g);
			for (int i = 0; i < n && i < T_COLS * T_ROWS; i++)
				t_put(t, g, w);
		}
		break;
	case 's':
		t->saved_y = t->y;
		t->saved_x = t->x;
		break;
	case 'u':
		t_goto(t, t->saved_y, t->saved_x);
		break;
	default:
		break; /* SGR, modes, reports: nothing on the screen moves */
	}
}

static void t_byte(struct term *t, unsigned char c)
{
	switch (t->st) {
	case ST_ESC:
		t->st = ST_GROUND;
		switch (c) {
		case '[':
			t->st = ST_CSI;
			t->npar = 0;
			t->priv = false;
			memset(t->par, 0, sizeof t->par);
			return;
		case ']':
			t->st = ST_OSC;
			return;
		case '(':
		case ')':
		case '*':
		case '+':
			t->st = ST_CHARSET;
			return;
		case '7':
			t->saved_y = t->y;
			t->saved_x = t->x;
			return;
		case '8':
			t_goto(t, t->saved_y, t->saved_x);
			return;
		case 'D':
			t_linefeed(t);
			return;
		case 'E':
			t->x = 0;
			t_linefeed(t);
			return;
		case 'M':
			t->wrap = false;
			if (t->y == t->top)
				t_scroll_down(t, t->top, t->bot, 1);
			else if (t->y > 0)
				t->y--;
			return;
		case 'c':
			t_reset(t);
			return;
		default:
			return; /* ESC = / ESC > and the like */
		}
	case ST_CHARSET:
		t->st = ST_GROUND;
		t->acs = c == '0'; /* only G0 is used by xterm's terminfo */
		return;
	case ST_OSC:
		if (c == 7)
			t->st = ST_GROUND;
		else if (c == 27)
			t->st = ST_OSC_ESC;
		return;
	case ST_OSC_ESC:
		t->st = c == '\\' ? ST_GROUND : ST_OSC;
		return;
	case ST_CSI:
		if (c >= '0' && c <= '9') {
			if (t->npar == 0)
				t->npar = 1;
			int *p = &t->par[t->npar - 1];
			if (*p < 100000)
				*p = *p * 10 + (c - '0');
		} else if (c == ';') {
			if (t->npar == 0)
				t->npar = 1;
			if (t->npar < MAX_PARAMS)
				t->npar++;
		} else if (c == '?' || c == '>' || c == '=' || c == '<') {
			t->priv = true;
		} else if (c >= 0x40 && c <= 0x7e) {
			t->st = ST_GROUND;
			t_csi(t, c);
		} else if (c == 27) {
			t->st = ST_ESC;
		}
		return; /* intermediates (space, '!', '"', …) are ignored */
	case ST_GROUND:
		break;
	}

	if (t->u8need) { /* the rest of a UTF-8 sequence */
		if ((c & 0xc0) == 0x80) {
			t->u8[t->u8len++] = c;
			if (t->u8len == t->u8need) {
				char g[CELL];
				memcpy(g, t->u8, (size_t)t->u8len);
				g[t->u8len] = '\0';
				t->u8need = 0;
				t_put(t, g, glyph_width(g));
			}
			return;
		}
		t->u8need = 0; /* broken: drop it, take c afresh */
	}
	if (c >= 0xc0 && c < 0xf8) {
		t->u8[0] = c;
		t->u8len = 1;
		t->u8need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		return;
	}
	if (c >= 0x80)
		return;
	switch (c) {
	case 27:
		t->st = ST_ESC;
		return;
	case '\r':
		t->x = 0;
		t->wrap = false;
		return;
	case '\n':
	case '\v':
	case '\f':
		t_linefeed(t);
		return;
	case '\b':
		if (t->x > 0)
			t->x--;
		t->wrap = false;
		return;
	case '\t':
		t_goto(t, t->y, (t->x / 8 + 1) * 8);
		return;
	case 7:
		t->bells++;
		return;
	default:
		break;
	}
	if (c < 0x20 || c == 0x7f)
		return;
	const char *line = t->acs ? acs_glyph(c) : NULL;
	char g[2] = {(char)c, '\0'};
	t_put(t, line ? line : g, 1);
}

static void t_feed(struct term *t, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		t_byte(t, (unsigned char)buf[i]);
}

/* Row y as UTF-8 text. */
static void t_row(const struct term *t, int y, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (int x = 0; x < T_COLS; x++) {
		size_t len = strlen(t->cell[y][x]);
		if (n + len + 1 > size)
			break;
		memcpy(out + n, t->cell[y][x], len);
		n += len;
		out[n] = '\0';
	}
}

static bool t_has(const struct term *t, const char *text)
{
	char row[T_COLS * CELL + 1];
	for (int y = 0; y < T_ROWS; y++) {
		t_row(t, y, row, sizeof row);
		if (strstr(row, text))
			return true;
	}
	return false;
}

static void t_dump(const struct term *t, FILE *f)
{
	char row[T_COLS * CELL + 1];
	for (int y = 0; y < T_ROWS; y++) {
		t_row(t, y, row, sizeof row);
		size_t n = strlen(row);
		while (n && row[n - 1] == ' ')
			row[--n] = '\0';
		fprintf(f, "    |%s\n", row);
	}
}

static bool is_block(const char *c)
{
	return strcmp(c, "▀") == 0 || strcmp(c, "▄") == 0 || strcmp(c, "█") == 0;
}

/* Where the QR on the screen is, from its first row of blocks: the width
 * of that row (the two upper finder patterns) gives the side M (odd); two
 * module rows per text row put the last module row, the bottom finder's
 * lower edge (7 dark modules over the quiet zone: "▀"), at (M - 1) / 2
 * rows below. False when no such row or the geometry does not fit. */
static bool qr_locate(const struct term *t, int *top, int *left, int *side)
{
	for (int y = 0; y < T_ROWS; y++) {
		int c0 = -1, c1 = -1;
		for (int x = 0; x < T_COLS; x++)
			if (is_block(t->cell[y][x])) {
				if (c0 < 0)
					c0 = x;
				c1 = x;
			}
		if (c0 < 0)
			continue;
		int m = c1 - c0 + 1;
		if (m < 21 || m % 2 == 0 || y + (m - 1) / 2 >= T_ROWS)
			return false;
		*top = y;
		*left = c0;
		*side = m;
		return true;
	}
	return false;
}

/* The bottom finder's lower edge is drawn: what the bench once took for a
 * whole QR. curses sends rows top to bottom, but a frame reaches the pty
 * in several writes, and a read can end in the middle of that last row. */
static bool qr_finder_drawn(const struct term *t)
{
	int top, left, side;
	if (!qr_locate(t, &top, &left, &side))
		return false;
	for (int x = left; x < left + 7; x++)
		if (strcmp(t->cell[top + (side - 1) / 2][x], "▀") != 0)
			return false;
	return true;
}

/* The whole QR is on the screen: its bottom finder is drawn and the
 * till's output has moved past the image's last cell (the quiet zone
 * included: QR_QUIET modules, QR_QUIET / 2 text rows, beyond the symbol).
 * curses writes the changed cells of a frame in row order, left to right,
 * and ends a frame by moving the cursor to the bottom row, so a cursor
 * past the image means every cell of it has been fed to the terminal. */
static bool qr_complete(const struct term *t)
{
	int top, left, side;
	if (!qr_finder_drawn(t) || !qr_locate(t, &top, &left, &side))
		return false;
	int last_row = top + (side - 1) / 2 + QR_QUIET / 2, end_col = left + side + QR_QUIET;
	return t->y > last_row || (t->y == last_row && (t->x >= end_col || t->wrap));
}

/* ---- the till on a pseudo-terminal ---------------------------------------- */

struct till {
	const char *name;
	pid_t pid;
	int fd;
	struct term term;
	sqlite3 *db;
	const char *url;
};

static struct till *tills[2];

/* SIGTERM, and SIGKILL if a till is still there 3 s later. */
static void kill_tills(void)
{
	for (int i = 0; i < 2; i++) {
		struct till *t = tills[i];
		if (!t || t->pid <= 0)
			continue;
		kill(t->pid, SIGTERM);
		double end = now_ms() + 3000;
		while (waitpid(t->pid, NULL, WNOHANG) == 0) {
			if (now_ms() > end) {
				kill(t->pid, SIGKILL);
				waitpid(t->pid, NULL, 0);
				break;
			}
			usleep(10000);
		}
		t->pid = 0;
		close(t->fd);
	}
}

static void fail(struct till *t, const char *what)
{
	fprintf(stderr, "bench_pay: %s: %s\n", t ? t->name : "", what);
	if (t) {
		fprintf(stderr, "    screen:\n");
		t_dump(&t->term, stderr);
	}
	kill_tills();
	exit(1);
}

/* Bytes taken from the pty per read: BENCH_PAY_READ_MAX when set, so
 * that a frame arrives in pieces wherever its writes were cut (what a busy
 * machine does by chance), else as much as is there. */
static size_t read_max = 65536;

/* Reads what the till wrote within timeout_ms into the terminal. */
static void pump(struct till *t, int timeout_ms)
{
	char buf[65536];
	struct pollfd p = {.fd = t->fd, .events = POLLIN};
	int rc = poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);
	if (rc < 0 && errno != EINTR)
		fail(t, "poll");
	if (rc <= 0)
		return;
	ssize_t n = read(t->fd, buf, read_max < sizeof buf ? read_max : sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		fail(t, "the till exited");
	t_feed(&t->term, buf, (size_t)n);
}

/* Keeps the screen up to date for ms milliseconds. */
static void idle(struct till *t, double ms)
{
	double end = now_ms() + ms;
	for (double left; (left = end - now_ms()) > 0;)
		pump(t, (int)ceil(left));
}

/* BENCH_PAY_SCREENS=1: the screen at a few points, to standard error. */
static void show(const struct till *t, const char *when)
{
	const char *v = getenv("BENCH_PAY_SCREENS");
	if (!v || strcmp(v, "1") != 0)
		return;
	fprintf(stderr, "%s, %s:\n", t->name, when);
	t_dump(&t->term, stderr);
}

/* BENCH_PAY_SCREENS=1: a terminal state the QR check kept, to standard error. */
static void show_term(const struct term *t, const char *what)
{
	const char *v = getenv("BENCH_PAY_SCREENS");
	if (!v || strcmp(v, "1") != 0)
		return;
	fprintf(stderr, "%s (cursor at row %d, column %d):\n", what, t->y + 1, t->x + 1);
	t_dump(t, stderr);
}

typedef bool (*screen_test)(const struct term *t, const char *arg);

static bool has_text(const struct term *t, const char *text)
{
	return t_has(t, text);
}

/* The sale screen's input line (the row above the key bar) starts with text. */
static bool input_is(const struct term *t, const char *text)
{
	char row[T_COLS * CELL + 1];
	t_row(t, T_ROWS - 2, row, sizeof row);
	return strncmp(row, text, strlen(text)) == 0 && !t_has(t, "Help: keys");
}

static bool qr_drawn(const struct term *t, const char *unused)
{
	(void)unused;
	return t_has(t, "Time left") && qr_complete(t);
}

/* The time the screen first passed test, or fails after limit_ms. */
/* The sale screen, or the opening float asked at a new shift's login. */
static bool sale_or_float(const struct term *t, const char *unused)
{
	(void)unused;
	return input_is(t, "> _") || t_has(t, "The opening float");
}

static double wait_for(struct till *t, screen_test test, const char *arg, double limit_ms,
                       const char *what)
{
	double end = now_ms() + limit_ms;
	while (!test(&t->term, arg)) {
		double left = end - now_ms();
		if (left <= 0)
			fail(t, what);
		pump(t, (int)ceil(left));
	}
	return now_ms();
}

static void press(struct till *t, const char *keys)
{
	size_t len = strlen(keys);
	if (write(t->fd, keys, len) != (ssize_t)len)
		fail(t, "cannot write to the terminal");
}

static void start_till(struct till *t, const char *name, const char *pos, const char *url,
                       const char *home)
{
	struct winsize ws = {.ws_row = T_ROWS, .ws_col = T_COLS};
	char path[4096];

	memset(t, 0, sizeof *t);
	t->name = name;
	t->url = url;
	t_reset(&t->term);
	t->pid = forkpty(&t->fd, NULL, NULL, &ws);
	if (t->pid < 0)
		fail(NULL, "forkpty");
	if (t->pid == 0) {
		setenv("KASPI_BASE_URL", url, 1);
		setenv("KASPI_POS_HOME", home, 1);
		setenv("TERM", "xterm", 1);
		setenv("LANG", "C.UTF-8", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		execl(pos, pos, (char *)NULL);
		_exit(127);
	}
	fcntl(t->fd, F_SETFL, fcntl(t->fd, F_GETFL) | O_NONBLOCK);
	wait_for(t, has_text, "PIN", 5000, "no login screen within 5 s");
	press(t, PIN "\r");
	/* a new shift asks for its opening float first: Enter, none */
	wait_for(t, sale_or_float, NULL, 5000, "no sale screen after the PIN");
	if (!input_is(&t->term, "> _")) {
		press(t, "\r");
		wait_for(t, input_is, "> _", 5000, "no sale screen after the opening float");
	}

	snprintf(path, sizeof path, "%s/kaspi-pos.db", home);
	if (sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		fail(t, "cannot open the journal");
	sqlite3_busy_timeout(t->db, 2000);
}

/* The newest order in the till's journal. */
struct order {
	long long id;
	char state[24];
	char payment_id[128];
	char *qr_token; /* malloc'd, or NULL */
};

static void last_order(struct till *t, struct order *o)
{
	sqlite3_stmt *st;
	memset(o, 0, sizeof *o);
	if (sqlite3_prepare_v2(t->db,
	                       "SELECT id, state, payment_id, qr_token FROM orders ORDER BY id DESC LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		fail(t, sqlite3_errmsg(t->db));
	if (sqlite3_step(st) == SQLITE_ROW) {
		o->id = sqlite3_column_int64(st, 0);
		snprintf(o->state, sizeof o->state, "%s", (const char *)sqlite3_column_text(st, 1));
		const unsigned char *pid = sqlite3_column_text(st, 2);
		snprintf(o->payment_id, sizeof o->payment_id, "%s", pid ? (const char *)pid : "");
		const unsigned char *tok = sqlite3_column_text(st, 3);
		o->qr_token = tok ? strdup((const char *)tok) : NULL;
	}
	sqlite3_finalize(st);
}

/* Orders of the journal in a state. */
static long count_state(struct till *t, const char *state)
{
	sqlite3_stmt *st;
	long n = -1;
	if (sqlite3_prepare_v2(t->db, "SELECT count(*) FROM orders WHERE state = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		fail(t, sqlite3_errmsg(t->db));
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The QR on the screen is exactly the QR of token, cell for cell. */
static bool qr_matches(const struct term *t, const char *token)
{
	struct qr_image img;
	char err[160];
	bool same = true;

	if (!token || !qr_render(token, true, &img, err, sizeof err))
		return false;
	for (int r = 0; r < img.rows && same; r++) {
		const char *p = img.lines[r];
		for (int x = 0; *p && same; x++) {
			size_t len = (*p & 0x80) ? 3 : 1; /* "▀▄█" or a space */
			if (QR_TOP + r >= T_ROWS || QR_LEFT + x >= T_COLS ||
			    strlen(t->cell[QR_TOP + r][QR_LEFT + x]) != len ||
			    memcmp(t->cell[QR_TOP + r][QR_LEFT + x], p, len) != 0)
				same = false;
			p += len;
		}
	}
	qr_free(&img);
	return same;
}

/* ---- the sandbox's control endpoints ------------------------------------- */

struct reply {
	char buf[4096];
	size_t len;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct reply *r = arg;
	size_t len = size * n;
	size_t room = sizeof r->buf - 1 - r->len;
	size_t take = len < room ? len : room;
	memcpy(r->buf + r->len, data, take);
	r->len += take;
	r->buf[r->len] = '\0';
	return len;
}

static CURL *curl;
static struct curl_slist *headers;

/* One control call; the HTTP status, or 0 on a network error. */
static long control(const char *url, const char *method, const char *path, struct reply *out)
{
	char full[1024];
	long status = 0;
	snprintf(full, sizeof full, "%s%s", url, path);
	out->len = 0;
	out->buf[0] = '\0';
	curl_easy_setopt(curl, CURLOPT_URL, full);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 0L);
	} else {
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	}
	if (curl_easy_perform(curl) == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

/* A number from GET /sandbox/stats, or -1. */
static long stat_of(const char *url, const char *name)
{
	struct reply r;
	long v = -1;
	if (control(url, "GET", "/sandbox/stats", &r) != 200)
		return -1;
	cJSON *root = cJSON_Parse(r.buf);
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, name);
	if (cJSON_IsNumber(item))
		v = (long)item->valuedouble;
	cJSON_Delete(root);
	return v;
}

/* ---- measures ------------------------------------------------------------- */

static int env_int(const char *name, int def)
{
	const char *v = getenv(name);
	int n = v && *v ? atoi(v) : 0;
	return n > 0 ? n : def;
}

/* Median and p99 (nearest rank) of n samples, printed as NAME_median_ms …. */
static void report(const char *name, double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	int rank = (int)ceil(0.99 * n);
	printf("%s_n %d\n%s_median_ms %.1f\n%s_p99_ms %.1f\n%s_max_ms %.1f\n", name, n, name, v[n / 2],
	       name, v[rank > 0 ? rank - 1 : 0], name, v[n - 1]);
}

/* A basket of one product on the sale screen. */
static void one_item(struct till *t)
{
	wait_for(t, input_is, "> _", 3000, "not on the sale screen");
	if (t_has(&t->term, ONE_ITEM))
		return;
	press(t, BARCODE "\r");
	wait_for(t, has_text, ONE_ITEM, 3000, "the scanned product is not on the basket");
}

/* The "Time left" text on the screen, "" when there is none. */
static void countdown(const struct term *t, char *out, size_t size)
{
	char row[T_COLS * CELL + 1];
	out[0] = '\0';
	for (int y = 0; y < T_ROWS; y++) {
		t_row(t, y, row, sizeof row);
		const char *p = strstr(row, "Time left");
		if (p) {
			snprintf(out, size, "%.20s", p);
			return;
		}
	}
}

static bool countdown_is_not(const struct term *t, const char *text)
{
	char now[64];
	countdown(t, now, sizeof now);
	return strcmp(now, text) != 0;
}

/* QR counts of one measure. */
struct qr_tally {
	int wrong;        /* the whole QR drawn is not the QR of the journal's token */
	int wrong_later;  /* of them, still not once the countdown ticked (a later frame) */
	int torn;         /* caught mid-frame (bottom finder drawn, the rest not yet),
	                   * and that half frame was not the token's QR: waited out */
};

/* F10 until the QR and the countdown are drawn; the order it made. */
static double pay_key_to_qr(struct till *t, struct order *o, struct qr_tally *q)
{
	static struct term half; /* the first half-written frame seen */
	bool seen_half = false;

	if (qr_drawn(&t->term, NULL))
		fail(t, "a QR is on the screen before F10");
	double t0 = now_ms(), end = t0 + 5000;
	press(t, KEY_F10);
	while (!qr_drawn(&t->term, NULL)) {
		if (!seen_half && t_has(&t->term, "Time left") && qr_finder_drawn(&t->term)) {
			half = t->term;
			seen_half = true;
		}
		double left = end - now_ms();
		if (left <= 0)
			fail(t, "no QR within 5 s of F10");
		pump(t, (int)ceil(left));
	}
	double t1 = now_ms();
	last_order(t, o);
	if (seen_half && !qr_matches(&half, o->qr_token)) {
		q->torn++;
		show_term(&half, "a QR frame caught mid-write (waited out)");
	}
	if (!qr_matches(&t->term, o->qr_token)) {
		char tick[64];
		q->wrong++;
		show_term(&t->term, "a whole QR that is not the token's");
		countdown(&t->term, tick, sizeof tick);
		wait_for(t, countdown_is_not, tick, 3000, "the countdown did not tick within 3 s");
		if (!qr_matches(&t->term, o->qr_token)) {
			q->wrong_later++;
			show_term(&t->term, "still not the token's QR a frame later");
		}
	}
	return t1 - t0;
}

static void measure_qr(struct till *t, int n)
{
	double *ms = calloc((size_t)n, sizeof *ms);
	struct qr_tally q = {0};
	struct order o;

	one_item(t);
	for (int i = 0; i < n; i++) {
		ms[i] = pay_key_to_qr(t, &o, &q);
		if (i == 0)
			show(t, "the first QR");
		free(o.qr_token);
		press(t, KEY_ESC); /* give up: back to the sale, the basket as it was */
		wait_for(t, input_is, "> _", 3000, "Esc did not return to the sale screen");
		wait_for(t, has_text, ONE_ITEM, 3000, "the basket did not come back after Esc");
	}
	report("qr", ms, n);
	printf("qr_mismatched %d\nqr_mismatched_later %d\nqr_torn %d\n", q.wrong, q.wrong_later, q.torn);
	/* the given-up orders: cancelled at the sandbox, no longer watched */
	double end = now_ms() + 5000;
	while (count_state(t, "abandoned") > 0 && now_ms() < end)
		idle(t, 50);
	printf("qr_orders_cancelled %ld\nqr_orders_abandoned %ld\n", count_state(t, "cancelled"),
	       count_state(t, "abandoned"));
	free(ms);
}

static void measure_paid(struct till *t, int n)
{
	double *ms = calloc((size_t)n, sizeof *ms), *req = calloc((size_t)n, sizeof *req);
	double *age = calloc((size_t)n, sizeof *age);
	double *status = calloc((size_t)n, sizeof *status);
	struct order o;
	struct reply r;
	char path[256];
	struct qr_tally q = {0};

	for (int i = 0; i < n; i++) {
		one_item(t);
		long before = stat_of(t->url, "api_requests");
		long st_before = stat_of(t->url, "status_requests");
		double created = now_ms();
		pay_key_to_qr(t, &o, &q);
		if (strcmp(o.state, "pending") != 0 || !o.payment_id[0])
			fail(t, "the order on the screen is not pending with a payment id");
		/* somewhere in the poll cycle: a random 0–3 s, stratified (sample i
		 * in the i-th n-th of it) so that 40 samples cover the phase evenly */
		idle(t, (i + drand48()) * 3000.0 / n);
		snprintf(path, sizeof path, "/sandbox/payments/%s/pay", o.payment_id);
		if (t_has(&t->term, "Paid:"))
			fail(t, "\"Paid\" is on the screen before the payment");
		double t0 = now_ms();
		if (control(t->url, "POST", path, &r) != 200)
			fail(t, "POST /sandbox/payments/{id}/pay did not answer 200");
		double t1 = wait_for(t, has_text, "Paid:", 10000, "no \"Paid\" within 10 s of the payment");
		ms[i] = t1 - t0;
		if (i == 0)
			show(t, "the first \"Paid\"");
		age[i] = (t0 - created) / 1000.0;
		req[i] = (double)(stat_of(t->url, "api_requests") - before);
		status[i] = (double)(stat_of(t->url, "status_requests") - st_before);
		free(o.qr_token);
		press(t, "\r");
		wait_for(t, input_is, "> _", 3000, "Enter after \"Paid\" did not return to the sale screen");
	}
	if (getenv("BENCH_PAY_RAW"))
		for (int i = 0; i < n; i++)
			fprintf(stderr, "paid_sample %.1f %.0f\n", ms[i], req[i]);
	report("paid", ms, n);
	printf("paid_min_ms %.1f\n", ms[0]);
	qsort(req, (size_t)n, sizeof *req, cmp_double);
	qsort(status, (size_t)n, sizeof *status, cmp_double);
	qsort(age, (size_t)n, sizeof *age, cmp_double);
	printf("paid_oldest_s %.1f\n", age[n - 1]);
	printf("req_median %.0f\nreq_max %.0f\nreq_min %.0f\n", req[n / 2], req[n - 1], req[0]);
	printf("status_req_median %.0f\nstatus_req_max %.0f\n", status[n / 2], status[n - 1]);
	printf("paid_qr_mismatched %d\npaid_qr_mismatched_later %d\npaid_qr_torn %d\n", q.wrong,
	       q.wrong_later, q.torn);
	printf("paid_orders_succeeded %ld\n", count_state(t, "succeeded"));
	free(ms);
	free(req);
	free(age);
	free(status);
}

/* 4: the keys from the last scan to "Paid", n cash sales and one split. */
static void measure_tenders(struct till *t, int n)
{
	double *ms = calloc((size_t)n, sizeof *ms);
	int keys = 0;
	struct reply r;
	char path[256];

	for (int i = 0; i < n; i++) {
		wait_for(t, input_is, "> _", 3000, "not on the sale screen");
		for (int k = 0; k < 10; k++)
			press(t, BARCODE "\r");
		wait_for(t, has_text, "TOTAL: 5\u202f490,00", 3000, "ten items are not in the basket");
		double t0 = now_ms();
		keys = 0;
		press(t, KEY_F6), keys++;
		wait_for(t, has_text, "Payment of", 2000, "F6 did not open the tender screen");
		press(t, KEY_F3), keys++;
		wait_for(t, has_text, "CHANGE", 2000, "F3 did not fill the next banknotes");
		press(t, "\r"), keys++;
		ms[i] = wait_for(t, has_text, "Paid:", 3000, "no \"Paid\" after the cash sale") - t0;
		if (i == 0)
			show(t, "a cash sale paid");
		press(t, "\r");
	}
	report("tender_cash", ms, n);
	printf("tender_cash_keys %d\n", keys);

	/* split: QR 200 ₸, then cash for the rest */
	one_item(t);
	int split = 0;
	press(t, KEY_F6), split++;
	wait_for(t, has_text, "Payment of", 2000, "F6 did not open the tender screen");
	press(t, "200"), split++;
	press(t, KEY_F10), split++;
	press(t, "\r"), split++;
	wait_for(t, has_text, "Payment by Kaspi QR", 3000, "the QR part did not start");
	struct order o;
	for (int tries = 0; tries < 50; tries++) {
		last_order(t, &o);
		if (o.payment_id[0] && strcmp(o.state, "pending") == 0)
			break;
		free(o.qr_token);
		o.qr_token = NULL;
		idle(t, 100);
	}
	snprintf(path, sizeof path, "/sandbox/payments/%s/pay", o.payment_id);
	free(o.qr_token);
	if (control(t->url, "POST", path, &r) != 200)
		fail(t, "POST /sandbox/payments/{id}/pay did not answer 200");
	wait_for(t, has_text, "Part paid", 10000, "the QR part was not paid");
	press(t, "\r"), split++;
	wait_for(t, has_text, "To pay:", 2000, "not back on the tender screen");
	press(t, "\r"), split++;
	wait_for(t, has_text, "Paid:", 3000, "no \"Paid\" after the split sale");
	show(t, "a split sale paid");
	press(t, "\r");
	wait_for(t, input_is, "> _", 3000, "not back on the sale screen");
	printf("tender_split_keys %d\n", split);
	free(ms);
}

/* Keys on the sale screen: a digit, backspace, F1, Esc; n rounds. */
static void measure_keys(struct till *t, const char *name, int n)
{
	double *digit = calloc((size_t)n, sizeof *digit), *bs = calloc((size_t)n, sizeof *bs);
	double *help = calloc((size_t)n, sizeof *help), *back = calloc((size_t)n, sizeof *back);
	char label[64];

	wait_for(t, input_is, "> _", 3000, "not on the sale screen");
	for (int i = 0; i < n; i++) {
		double t0 = now_ms();
		press(t, "4");
		digit[i] = wait_for(t, input_is, "> 4_", 2000, "the digit was not echoed") - t0;
		t0 = now_ms();
		press(t, "\x7f");
		bs[i] = wait_for(t, input_is, "> _", 2000, "backspace was not drawn") - t0;
		t0 = now_ms();
		press(t, KEY_F1);
		help[i] = wait_for(t, has_text, "Help: keys", 2000, "F1 did not open the help") - t0;
		t0 = now_ms();
		press(t, KEY_ESC);
		back[i] = wait_for(t, input_is, "> _", 2000, "Esc did not leave the help") - t0;
	}
	snprintf(label, sizeof label, "%s_digit", name);
	report(label, digit, n);
	snprintf(label, sizeof label, "%s_backspace", name);
	report(label, bs, n);
	snprintf(label, sizeof label, "%s_help", name);
	report(label, help, n);
	snprintf(label, sizeof label, "%s_esc", name);
	report(label, back, n);
	free(digit);
	free(bs);
	free(help);
	free(back);
}

/* The second till: a create hanging at the sandbox while the keys are timed. */
static void measure_hang(struct till *t, int n)
{
	one_item(t);
	press(t, KEY_F10);
	wait_for(t, has_text, "creating…", 3000, "F10 did not show \"creating…\"");
	show(t, "F10 with every request hanging");
	press(t, KEY_ESC);
	wait_for(t, input_is, "> _", 3000, "Esc did not give up the creating payment");
	double f10 = now_ms();
	long at_f10 = stat_of(t->url, "api_requests");
	/* the health check sent at start-up hangs first; the create follows it */
	double end = f10 + 40000;
	while (stat_of(t->url, "payments_created") < 1) {
		if (now_ms() > end)
			fail(t, "the create did not reach the sandbox within 40 s");
		idle(t, 100);
	}
	double arrived = now_ms();
	long requests = stat_of(t->url, "api_requests");
	measure_keys(t, "hang", n);
	double done = now_ms();
	show(t, "after the keys, the create hanging");
	struct order o;
	last_order(t, &o);
	printf("hang_requests_at_f10 %ld\nhang_wait_create_s %.1f\nhang_window_s %.2f\n", at_f10,
	       (arrived - f10) / 1000.0, (done - arrived) / 1000.0);
	long during = stat_of(t->url, "api_requests") - requests;
	printf("hang_requests_during %ld\nhang_order_state %s\nhang_order_answered %d\n", during,
	       o.state, o.payment_id[0] != '\0');
	/* the same create in flight throughout: nothing new reached the
	 * sandbox, and the client's 10 s time-out had not run out */
	printf("hang_during_create %d\n", during == 0 && !o.payment_id[0] && done - arrived < 9000);
	free(o.qr_token);
}

/* "+" on the basket's one line until its new total is drawn: the till
 * redraws, and publishes the basket to the customer display when one is
 * set. */
static void measure_plus(struct till *t, int n)
{
	double *v = calloc((size_t)n, sizeof *v);
	char want[64];
	one_item(t);
	for (int i = 0; i < n; i++) {
		long long tenge = 549LL * (i + 2);
		if (tenge >= 1000)
			snprintf(want, sizeof want, "TOTAL: %lld\u202f%03lld,00", tenge / 1000, tenge % 1000);
		else
			snprintf(want, sizeof want, "TOTAL: %lld,00", tenge);
		double t0 = now_ms();
		press(t, "+");
		v[i] = wait_for(t, has_text, want, 2000, "+ did not change the total") - t0;
	}
	report("plus", v, n);
	free(v);
}

/* The customer display's streams, read and thrown away as tablets do. */
#define DISPLAYS_MAX 64
static struct {
	int fd[DISPLAYS_MAX];
	int n;
	volatile int stop;
	long long bytes;
} displays;

static void *drain_displays(void *arg)
{
	static char sink[65536];
	(void)arg;
	while (!displays.stop) {
		struct pollfd p[DISPLAYS_MAX];
		for (int i = 0; i < displays.n; i++)
			p[i] = (struct pollfd){.fd = displays.fd[i], .events = POLLIN};
		if (poll(p, (nfds_t)displays.n, 100) <= 0)
			continue;
		for (int i = 0; i < displays.n; i++) {
			ssize_t got = p[i].revents & POLLIN ? recv(p[i].fd, sink, sizeof sink, 0) : 0;
			displays.bytes += got > 0 ? got : 0;
		}
	}
	return NULL;
}

/* n streams of the display whose URL the till wrote to HOME/display.url. */
static void open_displays(struct till *t, const char *home, int n)
{
	char path[4096], url[512] = "", req[600];
	unsigned port = 0;
	snprintf(path, sizeof path, "%s/display.url", home);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(url, sizeof url, f) || sscanf(url, "http://127.0.0.1:%u/", &port) != 1)
		fail(t, "no display.url of a display on 127.0.0.1 (set [display] listen)");
	fclose(f);
	url[strcspn(url, "\n")] = '\0';
	const char *query = strchr(url, '?');
	int len = snprintf(req, sizeof req, "GET /display/events%s HTTP/1.0\r\n\r\n", query ? query : "");
	for (int i = 0; i < n && i < DISPLAYS_MAX; i++) {
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
		    send(fd, req, (size_t)len, MSG_NOSIGNAL) != len)
			fail(t, "a display stream did not open");
		displays.fd[displays.n++] = fd;
	}
}

int main(int argc, char **argv)
{
	bool qr_only = argc == 5 && strcmp(argv[1], "--qr-only") == 0;
	bool keys_only = argc == 5 && strcmp(argv[1], "--keys-only") == 0;
	bool paid_only = argc == 5 && strcmp(argv[1], "--paid-only") == 0;
	qr_only |= keys_only | paid_only;
	if (argc != 6 && !qr_only) {
		fprintf(stderr, "usage: bench_pay POS URL HOME HANG_URL HANG_HOME\n"
		                "       bench_pay --qr-only POS URL HOME\n"
		                "       bench_pay --keys-only POS URL HOME\n"
		                "       bench_pay --paid-only POS URL HOME   (the till's hub from the\n"
		                "                 environment: tests/bench/push.sh)\n");
		return 2;
	}
	const char *key = getenv("KASPI_XDEV_KEY"), *merchant = getenv("KASPI_MERCHANT_ID");
	char h[256];
	if (!key || !merchant) {
		fprintf(stderr, "bench_pay: set KASPI_XDEV_KEY and KASPI_MERCHANT_ID\n");
		return 2;
	}
	setlocale(LC_CTYPE, "C.UTF-8");
	signal(SIGPIPE, SIG_IGN);
	srand48((long)time(NULL));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	snprintf(h, sizeof h, "Authorization: Bearer %s", key);
	headers = curl_slist_append(headers, h);
	snprintf(h, sizeof h, "X-Merchant-ID: %s", merchant);
	headers = curl_slist_append(headers, h);

	static struct till pay_till, hang_till;
	atexit(kill_tills);
	read_max = (size_t)env_int("BENCH_PAY_READ_MAX", 65536);

	if (qr_only) { /* the QR measure alone */
		tills[0] = &pay_till;
		start_till(&pay_till, "till", argv[2], argv[3], argv[4]);
		idle(&pay_till, 300);
		pthread_t drain;
		int n_displays = keys_only ? env_int("BENCH_PAY_DISPLAYS", 0) : 0;
		if (n_displays > 0) {
			open_displays(&pay_till, argv[4], n_displays);
			pthread_create(&drain, NULL, drain_displays, NULL);
			idle(&pay_till, 300); /* each stream has its first state */
		}
		if (paid_only) {
			measure_paid(&pay_till, env_int("BENCH_PAY_PAID", 40));
		} else if (keys_only) {
			measure_keys(&pay_till, "keys", env_int("BENCH_PAY_KEYS", 100));
			measure_plus(&pay_till, env_int("BENCH_PAY_KEYS", 100));
		} else {
			measure_qr(&pay_till, env_int("BENCH_PAY_QR", 50));
		}
		if (n_displays > 0) {
			displays.stop = 1;
			pthread_join(drain, NULL);
			printf("displays %d\ndisplay_bytes %lld\n", displays.n, displays.bytes);
		}
		kill_tills();
		sqlite3_close(pay_till.db);
		curl_slist_free_all(headers);
		curl_easy_cleanup(curl);
		curl_global_cleanup();
		return 0;
	}

	/* 3 first: its till must wait out the start-up health check (the
	 * client's time-out), and nothing else runs meanwhile */
	tills[1] = &hang_till;
	start_till(&hang_till, "till against the hanging sandbox", argv[1], argv[4], argv[5]);
	measure_hang(&hang_till, env_int("BENCH_PAY_KEYS", 100));
	kill_tills();
	tills[1] = NULL;

	tills[0] = &pay_till;
	start_till(&pay_till, "till", argv[1], argv[2], argv[3]);
	idle(&pay_till, 300); /* the start-up health check */
	measure_qr(&pay_till, env_int("BENCH_PAY_QR", 50));
	measure_keys(&pay_till, "idle", env_int("BENCH_PAY_KEYS", 100));
	measure_paid(&pay_till, env_int("BENCH_PAY_PAID", 40));
	measure_tenders(&pay_till, env_int("BENCH_PAY_TENDER", 20));
	printf("poll_budget_15min %ld\n", poll_budget(INT64_C(900000)));
	printf("bells %ld\n", pay_till.term.bells);
	kill_tills();

	sqlite3_close(pay_till.db);
	sqlite3_close(hang_till.db);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	return 0;
}
