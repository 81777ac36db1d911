/* test_escpos_qr.c — a URL code line (ESCPOS_URL_MARK, a fiscal
 * receipt's TicketUrl) as the printer gets it: natively (GS ( k, the
 * bytes laid out by the ESC/POS specification and kept in a golden file)
 * and as a raster bit image (GS v 0) that, rendered to a PBM picture,
 * zbarimg decodes to the URL exactly; the module size and error level of
 * the job; what the preview, the decoder and a command printer show; and
 * that only a whole line of the mark and printable ASCII is a code.
 *
 * KP_UPDATE_GOLDEN=1 rewrites the golden file from the current encoder;
 * check it by hand (xxd) against the layout below before committing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/escpos.h"

#define GS 0x1d
#define ESC 0x1b

/* The URL of FISCAL.md's sample answer. */
static const char url[] =
	"http://consumer.oofd.kz?i=367645207&f=032600010282&s=1099.80&t=20261203T145037";

/* ---- helpers ------------------------------------------------------------- */

/* A job with no feed and no cut: ESC @, ESC t n, then the text. */
static struct escpos_job bare_job(void)
{
	struct escpos_job job = escpos_job_default(ESCPOS_CP866);
	job.feed = 0;
	job.cut = ESCPOS_CUT_NONE;
	return job;
}

/* The job of text, malloc'd; *n its length. */
static unsigned char *job_of(const struct escpos_job *job, const char *text, size_t *n)
{
	*n = escpos_encode(job, text, strlen(text), NULL, 0);
	unsigned char *b = malloc(*n + 1);
	assert_non_null(b);
	assert_int_equal(escpos_encode(job, text, strlen(text), b, *n), *n);
	return b;
}

/* "\uE001" URL "\n". */
static char *url_line(const char *u)
{
	size_t n = strlen(ESCPOS_URL_MARK) + strlen(u) + 2;
	char *t = malloc(n);
	assert_non_null(t);
	snprintf(t, n, "%s%s\n", ESCPOS_URL_MARK, u);
	return t;
}

static long find_bytes(const unsigned char *b, size_t n, const unsigned char *want, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(b + i, want, m) == 0)
			return (long)i;
	return -1;
}

static void golden_path(char *buf, size_t size, const char *name)
{
	const char *file = __FILE__; /* .../tests/unit/test_escpos_qr.c */
	size_t root = strlen(file) - strlen("unit/test_escpos_qr.c");
	snprintf(buf, size, "%.*sgolden/escpos/%s", (int)root, file, name);
}

/* Compares bytes with the golden file, or rewrites it under KP_UPDATE_GOLDEN=1. */
static void check_golden(const char *name, const unsigned char *bytes, size_t len)
{
	char path[1024];
	const char *v = getenv("KP_UPDATE_GOLDEN");
	golden_path(path, sizeof path, name);
	if (v && strcmp(v, "1") == 0) {
		FILE *f = fopen(path, "wb");
		if (!f)
			fail_msg("cannot write %s: %s", path, strerror(errno));
		assert_int_equal(fwrite(bytes, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
		return;
	}
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: %s (KP_UPDATE_GOLDEN=1 writes it)", path, strerror(errno));
	unsigned char *want = malloc(len + 1);
	assert_non_null(want);
	size_t got = fread(want, 1, len + 1, f);
	fclose(f);
	for (size_t i = 0; i < len && i < got; i++)
		if (want[i] != bytes[i])
			fail_msg("%s differs at byte %zu: file %02x, encoder %02x", path, i, want[i], bytes[i]);
	if (got != len)
		fail_msg("%s holds %zu bytes, the encoder made %zu", path, got, len);
	free(want);
}

/* The GS v 0 picture in b: its width in bytes, height in dots and bits. */
struct raster {
	int bytes, height;
	const unsigned char *bits;
};

static bool find_raster(const unsigned char *b, size_t n, struct raster *r)
{
	static const unsigned char gs_v0[] = {GS, 'v', '0', 0};
	long at = find_bytes(b, n, gs_v0, sizeof gs_v0);
	if (at < 0 || (size_t)at + 8 > n)
		return false;
	r->bytes = b[at + 4] + 256 * b[at + 5];
	r->height = b[at + 6] + 256 * b[at + 7];
	r->bits = b + at + 8;
	return (size_t)at + 8 + (size_t)r->bytes * (size_t)r->height <= n;
}

/* What zbarimg reads in the picture, written as a PBM (P4: rows of bytes,
 * bit 7 leftmost, 1 black: the very layout of GS v 0). "" when nothing. */
static void zbar_decode(const struct raster *r, char *out, size_t size)
{
	char path[] = "/tmp/kp-qr-XXXXXX.pbm", cmd[256];
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	assert_non_null(f);
	fprintf(f, "P4\n%d %d\n", r->bytes * 8, r->height);
	assert_int_equal(fwrite(r->bits, 1, (size_t)r->bytes * (size_t)r->height, f),
	                 (size_t)r->bytes * (size_t)r->height);
	assert_int_equal(fclose(f), 0);

	snprintf(cmd, sizeof cmd, "zbarimg --quiet --raw -Sdisable -Sqrcode.enable '%s' 2>/dev/null",
	         path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t got = fread(out, 1, size - 1, p);
	out[got] = '\0';
	pclose(p);
	unlink(path);
	while (got > 0 && out[got - 1] == '\n')
		out[--got] = '\0';
}

/* ---- native: GS ( k ------------------------------------------------------ */

/* The ESC/POS specification's QR commands (Epson, GS ( k, cn = 49):
 *
 *   GS ( k pL pH cn fn [parameters]   pL + 256 pH = bytes from cn on
 *   1D 28 6B 04 00 31 41 32 00        function 165 (fn 0x41): model; n1 0x32
 *                                     = model 2, n2 0
 *   1D 28 6B 03 00 31 43 n            function 167 (fn 0x43): module size,
 *                                     n dots, 1–16
 *   1D 28 6B 03 00 31 45 n            function 169 (fn 0x45): error
 *                                     correction, n 0x30 L, 0x31 M, 0x32 Q,
 *                                     0x33 H
 *   1D 28 6B pL pH 31 50 30 d…        function 180 (fn 0x50): store the k
 *                                     data bytes, pL + 256 pH = k + 3
 *   1D 28 6B 03 00 31 51 30           function 181 (fn 0x51): print the
 *                                     stored symbol
 *
 * framed by ESC a 1 (centre) … ESC a 0 (left), then LF. The job is built
 * here from that layout, byte by byte, and compared with the encoder's
 * and with the golden file tests/golden/escpos/qr_url.bin. */
static void native_url_code_follows_the_escpos_layout_and_the_golden_file(void **state)
{
	(void)state;
	struct escpos_job job = bare_job();
	job.qr_size = 8;
	job.qr_level = ESCPOS_QR_LEVEL_Q;
	char *text = url_line(url);
	size_t n, k = strlen(url);
	unsigned char *b = job_of(&job, text, &n);

	unsigned char want[256];
	size_t w = 0;
	const unsigned char head[] = {ESC, '@', ESC, 't', 17, ESC, 'a', 1,
	                              GS, '(', 'k', 4, 0, 49, 65, 50, 0,
	                              GS, '(', 'k', 3, 0, 49, 67, 8,
	                              GS, '(', 'k', 3, 0, 49, 69, 50,
	                              GS, '(', 'k', (unsigned char)(k + 3), 0, 49, 80, 48};
	const unsigned char tail[] = {GS, '(', 'k', 3, 0, 49, 81, 48, ESC, 'a', 0, '\n'};
	memcpy(want + w, head, sizeof head), w += sizeof head;
	memcpy(want + w, url, k), w += k;
	memcpy(want + w, tail, sizeof tail), w += sizeof tail;

	assert_int_equal(n, w);
	assert_memory_equal(b, want, w);
	check_golden("qr_url.bin", b, n);
	free(b);
	free(text);
}

/* Data past 252 bytes needs pH: pL + 256 pH = k + 3. */
static void a_long_url_stores_its_length_in_pl_and_ph(void **state)
{
	(void)state;
	char u[401];
	memcpy(u, "http://consumer.oofd.kz?i=", 26);
	for (size_t i = 26; i < 400; i++)
		u[i] = (char)('0' + i % 10);
	u[400] = '\0';
	struct escpos_job job = bare_job();
	char *text = url_line(u);
	size_t n;
	unsigned char *b = job_of(&job, text, &n);
	const unsigned char store[] = {GS, '(', 'k', (403 & 0xff), (403 >> 8), 49, 80, 48, 'h'};
	long at = find_bytes(b, n, store, sizeof store);
	assert_true(at >= 0);
	assert_memory_equal(b + at + 8, u, 400);
	assert_true(n <= strlen(text) + ESCPOS_OVERHEAD + ESCPOS_CODE_OVERHEAD);
	free(b);
	free(text);
}

/* The job's size and level reach functions 167 and 169; out-of-range
 * sizes take the nearest end; the default is 6 dots, M. */
static void size_and_level_follow_the_job(void **state)
{
	(void)state;
	static const unsigned char levels[] = {48, 49, 50, 51};
	char *text = url_line(url);
	for (int l = ESCPOS_QR_LEVEL_L; l <= ESCPOS_QR_LEVEL_H; l++) {
		for (int size = 0; size <= 17; size++) {
			struct escpos_job job = bare_job();
			job.qr_size = (unsigned char)size;
			job.qr_level = (enum escpos_qr_level)l;
			size_t n;
			unsigned char *b = job_of(&job, text, &n);
			unsigned char want_size = (unsigned char)(size < 1 ? 1 : size > 16 ? 16 : size);
			const unsigned char fn167[] = {GS, '(', 'k', 3, 0, 49, 67, want_size};
			const unsigned char fn169[] = {GS, '(', 'k', 3, 0, 49, 69, levels[l]};
			assert_true(find_bytes(b, n, fn167, sizeof fn167) >= 0);
			assert_true(find_bytes(b, n, fn169, sizeof fn169) >= 0);
			free(b);
		}
	}
	struct escpos_job def = escpos_job_default(ESCPOS_KZ1048);
	assert_int_equal(def.qr, ESCPOS_QR_NATIVE);
	assert_int_equal(def.qr_size, 6);
	assert_int_equal(def.qr_level, ESCPOS_QR_LEVEL_M);
	free(text);
}

/* ---- raster: GS v 0 ------------------------------------------------------ */

/* At each paper width and a few module sizes and levels, the picture
 * decodes (zbarimg) to the URL exactly, spans the paper and sits in its
 * middle. */
static void raster_url_code_decodes_to_the_url_exactly(void **state)
{
	(void)state;
	static const unsigned short widths[] = {384, 504, 576};
	static const unsigned char sizes[] = {3, 6, 16};
	char *text = url_line(url);
	for (size_t wi = 0; wi < sizeof widths / sizeof *widths; wi++) {
		for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
			struct escpos_job job = bare_job();
			job.qr = ESCPOS_QR_RASTER;
			job.dots = widths[wi];
			job.qr_size = sizes[si];
			job.qr_level = (enum escpos_qr_level)(si % 4);
			size_t n;
			unsigned char *b = job_of(&job, text, &n);
			struct raster r;
			assert_true(find_raster(b, n, &r));
			assert_int_equal(r.bytes, widths[wi] / 8);
			assert_true(r.height <= widths[wi]); /* shrunk to fit the paper when needed */
			assert_true(n <= strlen(text) + ESCPOS_OVERHEAD + ESCPOS_RASTER_OVERHEAD);
			/* centred: as many light columns left of the first dark dot as
			 * right of the last */
			int first = r.bytes * 8, last = -1;
			for (int y = 0; y < r.height; y++)
				for (int x = 0; x < r.bytes * 8; x++)
					if (r.bits[y * r.bytes + x / 8] & (0x80 >> (x % 8))) {
						if (x < first)
							first = x;
						if (x > last)
							last = x;
					}
			int lead = first, trail = r.bytes * 8 - 1 - last;
			assert_true(lead - trail <= 1 && trail - lead <= 1);
			char got[1024];
			zbar_decode(&r, got, sizeof got);
			if (strcmp(got, url) != 0)
				fail_msg("%u dots, %u-dot modules: zbarimg read \"%s\"", widths[wi], sizes[si],
				         got);
			/* the URL's bytes are not in the job: the picture is all there is */
			assert_int_equal(find_bytes(b, n, (const unsigned char *)"consumer", 8), -1);
			free(b);
		}
	}
	free(text);
}

/* The order id's code of a slip goes the raster way too, and decodes. */
static void raster_order_code_decodes_too(void **state)
{
	(void)state;
	struct escpos_job job = bare_job();
	job.qr = ESCPOS_QR_RASTER;
	const char text[] = "Order\n" ESCPOS_CODE_MARK "T01-20261126-000042\nBye\n";
	size_t n;
	unsigned char *b = job_of(&job, text, &n);
	struct raster r;
	assert_true(find_raster(b, n, &r));
	char got[256];
	zbar_decode(&r, got, sizeof got);
	assert_string_equal(got, "T01-20261126-000042");
	/* and the text around it decodes as text: the picture is skipped whole */
	size_t need = escpos_decode(ESCPOS_CP866, b, n, NULL, 0);
	char *shown = malloc(need + 1);
	assert_non_null(shown);
	escpos_decode(ESCPOS_CP866, b, n, shown, need + 1);
	assert_string_equal(shown, "Order\n\nBye\n");
	free(shown);
	free(b);
}

/* ---- what people see ------------------------------------------------------ */

/* The preview (escpos_render), the command printer's text
 * (escpos_code_text) and the decoded native job all show the URL as its
 * characters on its own line. */
static void the_url_shows_as_text_where_the_paper_has_its_qr(void **state)
{
	(void)state;
	char text[1024], want[1024], out[1024];
	snprintf(text, sizeof text, "ФИСКАЛЬНЫЙ ЧЕК\n%s%s\nЗНМ SWK00033717\n", ESCPOS_URL_MARK, url);
	snprintf(want, sizeof want, "ФИСКАЛЬНЫЙ ЧЕК\n%s\nЗНМ SWK00033717\n", url);
	escpos_render(ESCPOS_CP866, text, strlen(text), out, sizeof out);
	assert_string_equal(out, want);
	escpos_code_text(text, strlen(text), out, sizeof out);
	assert_string_equal(out, want);
	struct escpos_job job = bare_job();
	size_t n;
	unsigned char *b = job_of(&job, text, &n);
	escpos_decode(ESCPOS_CP866, b, n, out, sizeof out);
	assert_string_equal(out, want);
	free(b);
}

/* ---- what is not a code --------------------------------------------------- */

/* The mark inside a line, a URL with a space, a Cyrillic letter or a
 * control, an empty or too long one: text, the mark a '?'. */
static void only_a_whole_line_of_the_url_mark_is_a_code(void **state)
{
	(void)state;
	char too_long[ESCPOS_URL_MAX + 16];
	memcpy(too_long, ESCPOS_URL_MARK, 3);
	memset(too_long + 3, 'a', ESCPOS_URL_MAX + 1);
	too_long[3 + ESCPOS_URL_MAX + 1] = '\n';
	too_long[3 + ESCPOS_URL_MAX + 2] = '\0';
	const char *texts[] = {
		"x" ESCPOS_URL_MARK "http://a.kz\n",
		ESCPOS_URL_MARK "http://a.kz/?q=a b\n",
		ESCPOS_URL_MARK "http://а.kz\n", /* a Cyrillic а */
		ESCPOS_URL_MARK "http://a.kz\t\n",
		ESCPOS_URL_MARK "\n",
		too_long,
	};
	static const unsigned char gs_k[] = {GS, '(', 'k'};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		struct escpos_job job = bare_job();
		size_t n;
		unsigned char *b = job_of(&job, texts[i], &n);
		if (find_bytes(b, n, gs_k, sizeof gs_k) >= 0)
			fail_msg("text %zu became a code", i);
		assert_true(find_bytes(b, n, (const unsigned char *)"?", 1) >= 0);
		free(b);
	}
	/* the longest one is a code, at the end of the text without its LF too */
	too_long[3 + ESCPOS_URL_MAX] = '\0';
	struct escpos_job job = bare_job();
	size_t n;
	unsigned char *b = job_of(&job, too_long, &n);
	assert_true(find_bytes(b, n, gs_k, sizeof gs_k) >= 0);
	free(b);
}

/* escpos_unmark turns both marks into '?' and leaves the rest, cutting at
 * a character when the buffer is short: a name carrying a mark can never
 * become a code line. */
static void unmark_turns_every_mark_into_a_question_mark(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(escpos_unmark(out, sizeof out,
	                               ESCPOS_URL_MARK "http://evil.kz " ESCPOS_CODE_MARK "Сүт"),
	                 strlen("?http://evil.kz ?Сүт"));
	assert_string_equal(out, "?http://evil.kz ?Сүт");
	assert_int_equal(escpos_unmark(out, 4, "Сүт"), 2); /* "С" whole, not half of "ү" */
	assert_string_equal(out, "С");
	assert_int_equal(escpos_unmark(out, sizeof out, NULL), 0);
	assert_string_equal(out, "");

	char line[128];
	escpos_unmark(line, sizeof line, ESCPOS_URL_MARK "http://evil.kz\n");
	struct escpos_job job = bare_job();
	size_t n;
	unsigned char *b = job_of(&job, line, &n);
	static const unsigned char gs_k[] = {GS, '(', 'k'};
	assert_int_equal(find_bytes(b, n, gs_k, sizeof gs_k), -1);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(native_url_code_follows_the_escpos_layout_and_the_golden_file),
		cmocka_unit_test(a_long_url_stores_its_length_in_pl_and_ph),
		cmocka_unit_test(size_and_level_follow_the_job),
		cmocka_unit_test(raster_url_code_decodes_to_the_url_exactly),
		cmocka_unit_test(raster_order_code_decodes_too),
		cmocka_unit_test(the_url_shows_as_text_where_the_paper_has_its_qr),
		cmocka_unit_test(only_a_whole_line_of_the_url_mark_is_a_code),
		cmocka_unit_test(unmark_turns_every_mark_into_a_question_mark),
	};
	return cmocka_run_group_tests_name("escpos_qr", tests, NULL, NULL);
}
