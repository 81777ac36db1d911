/* test_qr.c — the payment QR as text: tokens of 50…300 bytes drawn in half
 * blocks and in "##" pairs are read back into modules and must equal
 * libqrencode's own matrix module for module, inside a light quiet zone
 * exactly 4 modules wide; odd and even sides; qr_fits at its boundary;
 * a token too long for any version; qr_print's colours.
 *
 * Also a helper for tests/e2e/qr_scan.sh, which scans what a terminal
 * shows:  test_qr --print TOKEN | --print-ascii TOKEN | --token LENGTH */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/qr.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define TOKEN_MAX 4096

/* ---- tokens like Kaspi's: kaspi://pay?token= and a base64url JWT ---------- */

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Appends the unpadded base64url of data[0…len) to out (size bytes). */
static void b64url_append(char *out, size_t size, const char *data, size_t len)
{
	size_t n = strlen(out);
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)data[i] << 16;
		size_t chunk = len - i < 3 ? len - i : 3;
		if (chunk > 1)
			v |= (uint32_t)(unsigned char)data[i + 1] << 8;
		if (chunk > 2)
			v |= (unsigned char)data[i + 2];
		for (size_t k = 0; k < chunk + 1 && n + 1 < size; k++)
			out[n++] = B64URL[(v >> (18 - 6 * k)) & 63];
	}
	out[n] = '\0';
}

/* A deterministic token of exactly len bytes (len < TOKEN_MAX): header and
 * payload of a JWT, then signature characters up to the length. */
static void make_token(char *out, size_t size, size_t len, uint32_t seed)
{
	char payload[256];
	uint32_t x = seed * 2654435761u + 1;

	snprintf(out, size, "kaspi://pay?token=");
	b64url_append(out, size, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", 27);
	strncat(out, ".", size - strlen(out) - 1);
	snprintf(payload, sizeof payload,
	         "{\"pid\":\"%010u%010u\",\"mid\":\"123456789012\",\"amt\":%u,"
	         "\"exp\":1764165%03u,\"ord\":\"KP-0001-%06u\"}",
	         seed, seed * 7u + 3u, 150000u + seed % 1000u, seed % 1000u, seed % 999999u);
	b64url_append(out, size, payload, strlen(payload));
	strncat(out, ".", size - strlen(out) - 1);
	size_t n = strlen(out);
	while (n < len && n + 1 < size) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		out[n++] = B64URL[x & 63];
	}
	out[len < size ? len : size - 1] = '\0';
}

/* ---- reading the drawing back into modules -------------------------------- */

/* A module matrix read from text: h rows of w, 1 dark, 0 light. */
struct grid {
	int h, w;
	unsigned char *m;
};

static int grid_at(const struct grid *g, int y, int x)
{
	return g->m[(size_t)y * (size_t)g->w + (size_t)x];
}

/* Decodes the cell at *s (one half block, or a "##"/"  " pair) into its
 * top and bottom module and moves *s past it; false if it is neither. */
static bool decode_cell(const char **s, bool utf8, int *top, int *bottom)
{
	static const struct {
		const char *text;
		int top, bottom;
	} utf8_cells[] = {{" ", 0, 0}, {"█", 1, 1}, {"▀", 1, 0}, {"▄", 0, 1}},
	  ascii_cells[] = {{"  ", 0, 0}, {"##", 1, 1}};

	size_t count = utf8 ? ARRAY_LEN(utf8_cells) : ARRAY_LEN(ascii_cells);
	for (size_t i = 0; i < count; i++) {
		const char *text = utf8 ? utf8_cells[i].text : ascii_cells[i].text;
		size_t len = strlen(text);
		if (!strncmp(*s, text, len)) {
			*top = utf8 ? utf8_cells[i].top : ascii_cells[i].top;
			*bottom = utf8 ? utf8_cells[i].bottom : ascii_cells[i].bottom;
			*s += len;
			return true;
		}
	}
	return false;
}

/* Cells in one line; fails on anything that is not a cell. */
static int count_cells(const char *s, bool utf8, int row)
{
	int cells = 0, top, bottom;
	while (*s) {
		if (!decode_cell(&s, utf8, &top, &bottom))
			fail_msg("row %d, cell %d: not a QR cell: \"%.3s\"", row, cells, s);
		cells++;
	}
	return cells;
}

/* Reads the lines as the screen would show them: a half block is one
 * module wide and two high, "##"/"  " one module. Every line must have
 * as many cells as the first. */
static struct grid read_back(char *const *lines, int rows, bool utf8)
{
	struct grid g;
	assert_non_null(lines);
	assert_true(rows > 0);
	g.w = count_cells(lines[0], utf8, 0);
	g.h = utf8 ? 2 * rows : rows;
	g.m = calloc((size_t)g.h * (size_t)g.w, 1);
	assert_non_null(g.m);
	for (int r = 0; r < rows; r++) {
		assert_non_null(lines[r]);
		assert_int_equal(count_cells(lines[r], utf8, r), g.w);
		const char *s = lines[r];
		int y = utf8 ? 2 * r : r, top, bottom;
		for (int x = 0; x < g.w; x++) {
			assert_true(decode_cell(&s, utf8, &top, &bottom));
			g.m[(size_t)y * (size_t)g.w + (size_t)x] = (unsigned char)top;
			if (utf8)
				g.m[(size_t)(y + 1) * (size_t)g.w + (size_t)x] = (unsigned char)bottom;
		}
	}
	return g;
}

/* Checks the quiet zone — light, exactly QR_QUIET wide on every side (the
 * symbol touches it with a dark module on each side) — and a possible
 * padding half row under an odd side; returns the symbol's side. */
static int check_quiet_zone(const struct grid *g)
{
	int side = g->w - 2 * QR_QUIET;
	assert_true(side > 0);
	/* half blocks give an even number of module rows: one extra, light */
	assert_true(g->h == g->w || g->h == g->w + 1);
	for (int y = 0; y < g->h; y++)
		for (int x = 0; x < g->w; x++) {
			bool inside = y >= QR_QUIET && y < QR_QUIET + side && x >= QR_QUIET &&
			              x < QR_QUIET + side;
			if (!inside && grid_at(g, y, x))
				fail_msg("dark module outside the symbol at row %d, column %d", y, x);
		}
	return side;
}

/* Compares the symbol inside g with a matrix in libqrencode's layout. */
static void assert_same_modules(const struct grid *g, const unsigned char *data, int side)
{
	for (int y = 0; y < side; y++)
		for (int x = 0; x < side; x++) {
			int want = data[(size_t)y * (size_t)side + (size_t)x] & 1;
			if (grid_at(g, y + QR_QUIET, x + QR_QUIET) != want)
				fail_msg("module (%d, %d): drawn %s, libqrencode says %s", y, x,
				         want ? "light" : "dark", want ? "dark" : "light");
		}
}

/* The symbol reaches the quiet zone on every side: a dark module in its
 * first and last row and column, so the zone is 4 wide, not more. */
static void assert_symbol_touches_edges(const struct grid *g, int side)
{
	int top = 0, bottom = 0, left = 0, right = 0;
	for (int i = 0; i < side; i++) {
		top |= grid_at(g, QR_QUIET, QR_QUIET + i);
		bottom |= grid_at(g, QR_QUIET + side - 1, QR_QUIET + i);
		left |= grid_at(g, QR_QUIET + i, QR_QUIET);
		right |= grid_at(g, QR_QUIET + i, QR_QUIET + side - 1);
	}
	assert_true(top && bottom && left && right);
}

/* ---- tokens of every length, in both modes -------------------------------- */

struct len_case {
	size_t len;
	bool utf8;
};

static void token_reads_back_as_libqrencode_matrix(void **state)
{
	const struct len_case *c = *state;
	char token[TOKEN_MAX], err[256] = "";
	struct qr_image img;

	make_token(token, sizeof token, c->len, (uint32_t)c->len);
	assert_int_equal(strlen(token), c->len);
	assert_true(qr_render(token, c->utf8, &img, err, sizeof err));
	assert_string_equal(err, "");

	/* the same parameters: every byte in 8-bit mode, level M, smallest version */
	QRcode *ref = QRcode_encodeString8bit(token, 0, QR_ECLEVEL_M);
	assert_non_null(ref);
	assert_int_equal(img.version, ref->version);
	assert_int_equal(img.modules, ref->width);
	assert_int_equal(img.utf8, c->utf8);
	int total = ref->width + 2 * QR_QUIET;
	assert_int_equal(img.cols, c->utf8 ? total : 2 * total);
	assert_int_equal(img.rows, c->utf8 ? (total + 1) / 2 : total);

	struct grid g = read_back(img.lines, img.rows, c->utf8);
	assert_int_equal(g.w, total);
	assert_int_equal(check_quiet_zone(&g), ref->width);
	assert_same_modules(&g, ref->data, ref->width);
	assert_symbol_touches_edges(&g, ref->width);

	free(g.m);
	QRcode_free(ref);
	qr_free(&img);
	assert_null(img.lines);
}

/* ---- odd and even sides --------------------------------------------------- */

static void odd_side_leaves_the_last_bottom_half_light(void **state)
{
	(void)state;
	char token[TOKEN_MAX];
	struct qr_image img;

	make_token(token, sizeof token, 150, 1);
	assert_true(qr_render(token, true, &img, NULL, 0));
	assert_int_equal(img.modules % 2, 1);
	assert_int_equal(img.rows, (img.modules + 2 * QR_QUIET + 1) / 2);
	/* the last text row is the bottom quiet zone and the padding half row */
	const char *s = img.lines[img.rows - 1];
	for (; *s; s++)
		assert_int_equal(*s, ' ');
	/* the symbol's last row sits in the top half of a text row: no '▄' and
	 * no '█' there */
	int y = QR_QUIET + img.modules - 1;
	assert_int_equal(y % 2, 0);
	assert_null(strstr(img.lines[y / 2], "▄"));
	assert_null(strstr(img.lines[y / 2], "█"));
	assert_non_null(strstr(img.lines[y / 2], "▀"));
	qr_free(&img);
}

/* A matrix whose last row is dark and whose other rows alternate. */
static unsigned char *pattern(int side)
{
	unsigned char *m = calloc((size_t)side * (size_t)side, 1);
	assert_non_null(m);
	for (int y = 0; y < side; y++)
		for (int x = 0; x < side; x++)
			m[(size_t)y * (size_t)side + (size_t)x] =
				(unsigned char)(y == side - 1 || (x + y) % 3 == 0 ? 0x81 : 0x80);
	return m; /* 0x80: a libqrencode flag bit set, which must not count */
}

static void draw_matrix_both_parities(int side, bool utf8)
{
	unsigned char *m = pattern(side);
	struct qr_image img;
	char err[128] = "";

	assert_true(qr_draw_matrix(m, side, utf8, &img, err, sizeof err));
	int total = side + 2 * QR_QUIET;
	assert_int_equal(img.modules, side);
	assert_int_equal(img.version, 0);
	assert_int_equal(img.rows, utf8 ? (total + 1) / 2 : total);
	struct grid g = read_back(img.lines, img.rows, utf8);
	assert_int_equal(g.h, utf8 ? total + total % 2 : total);
	assert_int_equal(check_quiet_zone(&g), side);
	assert_same_modules(&g, m, side);
	free(g.m);
	qr_free(&img);
	free(m);
}

static void even_side_fills_whole_text_rows(void **state)
{
	(void)state;
	draw_matrix_both_parities(6, true);
	/* its last row (module row 4 + 5 = 9) is the bottom half of text row 4 */
	unsigned char *m = pattern(6);
	struct qr_image img;
	assert_true(qr_draw_matrix(m, 6, true, &img, NULL, 0));
	assert_int_equal(img.rows, 7);
	assert_non_null(strstr(img.lines[4], "▄"));
	qr_free(&img);
	free(m);
	draw_matrix_both_parities(6, false);
}

static void odd_side_gets_a_light_padding_row(void **state)
{
	(void)state;
	draw_matrix_both_parities(7, true);
	draw_matrix_both_parities(7, false);
	draw_matrix_both_parities(1, true);
	draw_matrix_both_parities(2, true);
}

static void draw_matrix_refuses_no_side(void **state)
{
	(void)state;
	unsigned char m[1] = {1};
	struct qr_image img;
	char err[128] = "";
	assert_false(qr_draw_matrix(m, 0, true, &img, err, sizeof err));
	assert_null(img.lines);
	assert_true(err[0] != '\0');
}

/* ---- fitting a screen ----------------------------------------------------- */

static void fits_exactly_at_its_own_size(void **state)
{
	(void)state;
	char token[TOKEN_MAX];
	struct qr_image img;

	for (int utf8 = 0; utf8 <= 1; utf8++) {
		make_token(token, sizeof token, 200, 2);
		assert_true(qr_render(token, utf8, &img, NULL, 0));
		assert_true(qr_fits(&img, img.rows, img.cols));
		assert_false(qr_fits(&img, img.rows - 1, img.cols));
		assert_false(qr_fits(&img, img.rows, img.cols - 1));
		assert_false(qr_fits(&img, img.rows - 1, img.cols - 1));
		assert_true(qr_fits(&img, img.rows + 1, img.cols + 1));
		qr_free(&img);
	}
}

static void a_300_byte_token_fits_80_columns_in_utf8(void **state)
{
	(void)state;
	char token[TOKEN_MAX];
	struct qr_image img;

	make_token(token, sizeof token, 300, 3);
	assert_true(qr_render(token, true, &img, NULL, 0));
	assert_true(img.cols <= 80);
	assert_false(qr_fits(&img, 24, 80)); /* 39 rows: not on an 80×24 screen */
	assert_true(qr_fits(&img, 40, 80));
	qr_free(&img);
}

static void an_empty_image_fits_nowhere(void **state)
{
	(void)state;
	struct qr_image img;
	memset(&img, 0, sizeof img);
	assert_false(qr_fits(&img, 1000, 1000));
	assert_false(qr_fits(NULL, 1000, 1000));
	qr_free(&img); /* harmless */
	qr_free(NULL);
}

/* ---- failures ------------------------------------------------------------- */

static void a_token_too_long_for_any_version_fails_with_a_message(void **state)
{
	(void)state;
	static char token[2400];
	struct qr_image img;
	char err[256] = "";

	memset(token, 'A', 2332); /* one byte over version 40 at level M */
	token[2332] = '\0';
	assert_false(qr_render(token, true, &img, err, sizeof err));
	assert_null(img.lines);
	assert_int_equal(img.rows, 0);
	assert_non_null(strstr(err, "too long"));
	assert_non_null(strstr(err, "2332"));

	token[2331] = '\0'; /* the most that fits: version 40, 177 modules */
	assert_true(qr_render(token, true, &img, err, sizeof err));
	assert_int_equal(img.version, 40);
	assert_int_equal(img.modules, 177);
	qr_free(&img);
}

static void an_empty_token_fails_with_a_message(void **state)
{
	(void)state;
	struct qr_image img;
	char err[256] = "";
	assert_false(qr_render("", true, &img, err, sizeof err));
	assert_null(img.lines);
	assert_true(err[0] != '\0');
	assert_false(qr_render(NULL, false, &img, NULL, 0)); /* no message buffer: fine */
}

static void a_tiny_message_buffer_is_not_overrun(void **state)
{
	(void)state;
	struct qr_image img;
	char err[8];
	memset(err, 'x', sizeof err);
	assert_false(qr_render("", true, &img, err, 4));
	assert_int_equal(strlen(err), 3);
	assert_int_equal(err[4], 'x');
}

/* ---- printing to a stream ------------------------------------------------- */

/* What qr_print writes to a temporary file. */
static char *print_to_file(const struct qr_image *img, enum qr_colour colour)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_true(qr_print(f, img, colour));
	long size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	char *text = calloc((size_t)size + 1, 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	return text;
}

static void print_to_a_file_is_plain_lines(void **state)
{
	(void)state;
	char token[TOKEN_MAX];
	struct qr_image img;

	make_token(token, sizeof token, 100, 4);
	assert_true(qr_render(token, true, &img, NULL, 0));
	char *text = print_to_file(&img, QR_COLOUR_AUTO);
	assert_null(strchr(text, '\033'));
	const char *p = text;
	for (int r = 0; r < img.rows; r++) {
		size_t n = strlen(img.lines[r]);
		assert_memory_equal(p, img.lines[r], n);
		assert_int_equal(p[n], '\n');
		p += n + 1;
	}
	assert_int_equal(*p, '\0');
	free(text);
	qr_free(&img);
}

static void print_in_colour_is_black_on_white_per_line_even_with_no_color(void **state)
{
	(void)state;
	char token[TOKEN_MAX];
	struct qr_image img;

	setenv("NO_COLOR", "1", 1);
	make_token(token, sizeof token, 100, 5);
	assert_true(qr_render(token, false, &img, NULL, 0));
	char *text = print_to_file(&img, QR_COLOUR_ALWAYS);
	const char *p = text;
	for (int r = 0; r < img.rows; r++) {
		assert_memory_equal(p, "\033[30;47m", 8);
		p += 8;
		size_t n = strlen(img.lines[r]);
		assert_memory_equal(p, img.lines[r], n);
		p += n;
		assert_memory_equal(p, "\033[0m\n", 5); /* reset before the newline */
		p += 5;
	}
	assert_int_equal(*p, '\0');
	free(text);
	qr_free(&img);
	unsetenv("NO_COLOR");
}

/* What qr_print(AUTO) writes to a pseudo-terminal, with TERM and NO_COLOR
 * as given; the image is a 1-module matrix, so it fits the pty's buffer. */
static char *print_to_pty(const char *term, const char *no_color)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	FILE *f = fdopen(slave, "w");
	assert_non_null(f);

	unsigned char one = 1;
	struct qr_image img;
	assert_true(qr_draw_matrix(&one, 1, true, &img, NULL, 0));
	setenv("TERM", term, 1);
	if (no_color)
		setenv("NO_COLOR", no_color, 1);
	else
		unsetenv("NO_COLOR");
	assert_true(qr_print(f, &img, QR_COLOUR_AUTO));
	fclose(f);
	unsetenv("NO_COLOR");
	qr_free(&img);

	/* everything written, whatever pieces the pty hands it over in: read
	 * until the closed slave's end (EIO on Linux) */
	char *buf = calloc(4096, 1);
	assert_non_null(buf);
	size_t len = 0;
	ssize_t n;
	while (len < 4095 && (n = read(master, buf + len, 4095 - len)) > 0)
		len += (size_t)n;
	assert_true(len > 0);
	close(master);
	return buf;
}

static void print_to_a_terminal_colours_even_with_no_color(void **state)
{
	(void)state;
	const char *saved = getenv("TERM");
	char *keep = saved ? strdup(saved) : NULL;

	char *out = print_to_pty("xterm-256color", NULL);
	assert_non_null(strstr(out, "\033[30;47m"));
	free(out);
	out = print_to_pty("xterm-256color", "1");
	assert_non_null(strstr(out, "\033[30;47m"));
	free(out);
	out = print_to_pty("dumb", NULL); /* a terminal that cannot colour */
	assert_null(strchr(out, '\033'));
	assert_non_null(strstr(out, "▀")); /* the symbol is the top half of a cell */
	free(out);

	if (keep)
		setenv("TERM", keep, 1);
	else
		unsetenv("TERM");
	free(keep);
}

/* ---- the e2e helper and the runner ---------------------------------------- */

/* --print[-ascii] TOKEN: the QR on standard output, as the CLI prints it;
 * --token LENGTH: the test token of that length. */
static int helper(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--token")) {
		char token[TOKEN_MAX];
		long len = strtol(argv[2], NULL, 10);
		if (len < 1 || len >= TOKEN_MAX)
			return 2;
		make_token(token, sizeof token, (size_t)len, (uint32_t)len);
		printf("%s\n", token);
		return 0;
	}
	bool utf8 = !strcmp(argv[1], "--print");
	if (argc != 3 || (!utf8 && strcmp(argv[1], "--print-ascii") != 0)) {
		fprintf(stderr, "usage: test_qr [--print TOKEN | --print-ascii TOKEN | --token LENGTH]\n");
		return 2;
	}
	struct qr_image img;
	char err[256];
	if (!qr_render(argv[2], utf8, &img, err, sizeof err)) {
		fprintf(stderr, "test_qr: %s\n", err);
		return 1;
	}
	bool ok = qr_print(stdout, &img, QR_COLOUR_AUTO);
	qr_free(&img);
	return ok ? 0 : 1;
}

#define LEN_CASE(n, u, mode)                                                              \
	{                                                                                      \
		.name = mode ": a " #n "-byte token reads back as libqrencode's matrix",           \
		.test_func = token_reads_back_as_libqrencode_matrix,                               \
		.initial_state = (void *)&(const struct len_case){n, u},                           \
	}

int main(int argc, char **argv)
{
	if (argc > 1)
		return helper(argc, argv);

	const struct CMUnitTest tests[] = {
		LEN_CASE(50, true, "utf8"),   LEN_CASE(100, true, "utf8"),
		LEN_CASE(150, true, "utf8"),  LEN_CASE(200, true, "utf8"),
		LEN_CASE(250, true, "utf8"),  LEN_CASE(300, true, "utf8"),
		LEN_CASE(50, false, "ascii"), LEN_CASE(100, false, "ascii"),
		LEN_CASE(150, false, "ascii"), LEN_CASE(200, false, "ascii"),
		LEN_CASE(250, false, "ascii"), LEN_CASE(300, false, "ascii"),
		cmocka_unit_test(odd_side_leaves_the_last_bottom_half_light),
		cmocka_unit_test(even_side_fills_whole_text_rows),
		cmocka_unit_test(odd_side_gets_a_light_padding_row),
		cmocka_unit_test(draw_matrix_refuses_no_side),
		cmocka_unit_test(fits_exactly_at_its_own_size),
		cmocka_unit_test(a_300_byte_token_fits_80_columns_in_utf8),
		cmocka_unit_test(an_empty_image_fits_nowhere),
		cmocka_unit_test(a_token_too_long_for_any_version_fails_with_a_message),
		cmocka_unit_test(an_empty_token_fails_with_a_message),
		cmocka_unit_test(a_tiny_message_buffer_is_not_overrun),
		cmocka_unit_test(print_to_a_file_is_plain_lines),
		cmocka_unit_test(print_in_colour_is_black_on_white_per_line_even_with_no_color),
		cmocka_unit_test(print_to_a_terminal_colours_even_with_no_color),
	};
	return cmocka_run_group_tests_name("qr", tests, NULL, NULL);
}
