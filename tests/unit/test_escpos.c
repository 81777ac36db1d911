/* test_escpos.c — UTF-8 receipt text to ESC/POS bytes and back: the
 * committed golden jobs (tests/golden/escpos/, byte for byte), both code
 * page tables against glibc's iconv (IBM866, RK1048), the round trips,
 * the command bytes and their order, the fallbacks, and that no text can
 * put a printer command into a job.
 *
 * KP_UPDATE_GOLDEN=1 rewrites the golden files from the current encoder
 * instead of comparing; check the result by hand (xxd) before committing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/escpos.h"
#include "core/text.h"

/* A 32-column receipt in Kazakh and Russian: every Kazakh letter, Ё ё,
 * «quotes», ×, № and the tenge sign, amounts as money_format writes them
 * (U+202F between thousands), CR LF on one line. */
static const char receipt[] =
	"ДҮКЕН «БЕРЕКЕ» / МАГАЗИН\n"
	"БСН 123456789012   Касса T01\n"
	"Чек № 42      10.05.2026 16:35\n"
	"--------------------------------\n"
	"Сүт 2,5% 1 л\n"
	"  2 × 450,00              900,00\n"
	"Нан ақ, қара; Ёлка ёж\r\n"
	"  1 × 180,00              180,00\n"
	"--------------------------------\n"
	"БАРЛЫҒЫ / ИТОГО   1\u202F080,00 \u20B8\n"
	"Kaspi QR          1\u202F080,00 \u20B8\n"
	"Рақмет! Спасибо!\n"
	"Ә Ғ Қ Ң Ө Ұ Ү Һ І ә ғ қ ң ө ұ ү һ і\n";

/* What a CP866 printer shows for it: Kazakh letters in Russian, "тг". */
static const char receipt_cp866[] =
	"ДУКЕН \"БЕРЕКЕ\" / МАГАЗИН\n"
	"БСН 123456789012   Касса T01\n"
	"Чек № 42      10.05.2026 16:35\n"
	"--------------------------------\n"
	"Сут 2,5% 1 л\n"
	"  2 x 450,00              900,00\n"
	"Нан ак, кара; Ёлка ёж\n"
	"  1 x 180,00              180,00\n"
	"--------------------------------\n"
	"БАРЛЫГЫ / ИТОГО   1 080,00 тг\n"
	"Kaspi QR          1 080,00 тг\n"
	"Ракмет! Спасибо!\n"
	"А Г К Н О У У Х И а г к н о у у х и\n";

/* What a KZ-1048 printer shows: Kazakh as written, « » kept. */
static const char receipt_kz1048[] =
	"ДҮКЕН «БЕРЕКЕ» / МАГАЗИН\n"
	"БСН 123456789012   Касса T01\n"
	"Чек № 42      10.05.2026 16:35\n"
	"--------------------------------\n"
	"Сүт 2,5% 1 л\n"
	"  2 x 450,00              900,00\n"
	"Нан ақ, қара; Ёлка ёж\n"
	"  1 x 180,00              180,00\n"
	"--------------------------------\n"
	"БАРЛЫҒЫ / ИТОГО   1 080,00 тг\n"
	"Kaspi QR          1 080,00 тг\n"
	"Рақмет! Спасибо!\n"
	"Ә Ғ Қ Ң Ө Ұ Ү Һ І ә ғ қ ң ө ұ ү һ і\n";

/* Every Russian and Kazakh letter, both cases. */
static const char alphabet[] =
	"АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ абвгдеёжзийклмнопрстуфхцчшщъыьэюя\n"
	"ӘҒҚҢӨҰҮҺІ әғқңөұүһі\n";
static const char alphabet_cp866[] =
	"АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ абвгдеёжзийклмнопрстуфхцчшщъыьэюя\n"
	"АГКНОУУХИ агкноуухи\n";

/* ---- helpers ------------------------------------------------------------- */

/* Encodes text into a malloc'd buffer; *len gets its length. */
static unsigned char *encode(const struct escpos_job *job, const char *text, size_t *len)
{
	size_t need = escpos_encode(job, text, strlen(text), NULL, 0);
	unsigned char *buf = malloc(need + 1);
	assert_non_null(buf);
	assert_int_equal(escpos_encode(job, text, strlen(text), buf, need), need);
	*len = need;
	return buf;
}

/* Decodes bytes into a malloc'd string. */
static char *decode(enum escpos_codepage cp, const unsigned char *bytes, size_t len)
{
	size_t need = escpos_decode(cp, bytes, len, NULL, 0);
	char *text = malloc(need + 1);
	assert_non_null(text);
	assert_int_equal(escpos_decode(cp, bytes, len, text, need + 1), need);
	return text;
}

/* A job with no feed and no cut, so that the text is all after byte 5. */
static struct escpos_job bare_job(enum escpos_codepage cp)
{
	struct escpos_job job = escpos_job_default(cp);
	job.feed = 0;
	job.cut = ESCPOS_CUT_NONE;
	return job;
}

/* The body bytes of one character alone. Returns their number. */
static size_t encode_one(enum escpos_codepage cp, const char *utf8, unsigned char *out, size_t size)
{
	struct escpos_job job = bare_job(cp);
	unsigned char buf[64];
	size_t n = escpos_encode(&job, utf8, strlen(utf8), buf, sizeof buf);
	assert_true(n >= 5 && n <= sizeof buf);
	assert_true(n - 5 <= size);
	memcpy(out, buf + 5, n - 5);
	return n - 5;
}

static const char *iconv_name(enum escpos_codepage cp)
{
	return cp == ESCPOS_KZ1048 ? "RK1048" : "IBM866";
}

/* ---- golden files -------------------------------------------------------- */

/* tests/golden/escpos/NAME, found from this file's own path. */
static void golden_path(char *buf, size_t size, const char *name)
{
	const char *file = __FILE__; /* .../tests/unit/test_escpos.c */
	size_t root = strlen(file) - strlen("unit/test_escpos.c");
	snprintf(buf, size, "%.*sgolden/escpos/%s", (int)root, file, name);
}

static bool updating(void)
{
	const char *v = getenv("KP_UPDATE_GOLDEN");
	return v && strcmp(v, "1") == 0;
}

/* Compares bytes with the golden file name, or rewrites it under
 * KP_UPDATE_GOLDEN=1. On a difference, names the first differing offset. */
static void check_golden(const char *name, const void *bytes, size_t len)
{
	char path[1024];
	golden_path(path, sizeof path, name);

	if (updating()) {
		FILE *f = fopen(path, "wb");
		if (!f)
			fail_msg("cannot write %s: %s", path, strerror(errno));
		assert_int_equal(fwrite(bytes, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
		print_message("rewrote %s (%zu bytes)\n", path, len);
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
		if (want[i] != ((const unsigned char *)bytes)[i])
			fail_msg("%s differs at byte %zu: file %02x, encoder %02x", path, i, want[i],
			         ((const unsigned char *)bytes)[i]);
	if (got != len)
		fail_msg("%s holds %zu bytes, the encoder made %zu", path, got, len);
	free(want);
}

static void golden_receipt_cp866_matches_byte_for_byte(void **state)
{
	struct escpos_job job = escpos_job_default(ESCPOS_CP866);
	size_t len;
	unsigned char *bytes = encode(&job, receipt, &len);
	(void)state;
	check_golden("receipt.txt", receipt, strlen(receipt));
	check_golden("receipt.cp866.bin", bytes, len);
	free(bytes);
}

static void golden_receipt_kz1048_matches_byte_for_byte(void **state)
{
	struct escpos_job job = escpos_job_default(ESCPOS_KZ1048);
	size_t len;
	unsigned char *bytes = encode(&job, receipt, &len);
	(void)state;
	check_golden("receipt.kz1048.bin", bytes, len);
	free(bytes);
}

/* ---- the tables against iconv -------------------------------------------- */

/* Every byte 0x80–0xFF means what glibc says it means on that page. */
static void check_table_bytes(enum escpos_codepage cp)
{
	iconv_t cd = iconv_open("UTF-8", iconv_name(cp));
	assert_true(cd != (iconv_t)-1);

	for (unsigned b = 0x80; b <= 0xff; b++) {
		char in[1] = {(char)b}, out[8], mine[8];
		char *ip = in, *op = out;
		size_t il = 1, ol = sizeof out;
		unsigned char byte = (unsigned char)b;

		iconv(cd, NULL, NULL, NULL, NULL);
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		unsigned u = escpos_byte_to_unicode(cp, byte);
		if (r == (size_t)-1) {
			if (u != 0)
				fail_msg("%s byte %02X: iconv has nothing, table has U+%04X",
				         iconv_name(cp), b, u);
			continue;
		}
		size_t n = escpos_decode(cp, &byte, 1, mine, sizeof mine);
		if (n != (size_t)(op - out) || memcmp(mine, out, n) != 0)
			fail_msg("%s byte %02X: iconv says %.*s, table says U+%04X", iconv_name(cp), b,
			         (int)(op - out), out, u);
	}
	iconv_close(cd);
}

static void cp866_table_matches_iconv_for_every_byte(void **state)
{
	(void)state;
	check_table_bytes(ESCPOS_CP866);
}

static void kz1048_table_matches_iconv_for_every_byte(void **state)
{
	(void)state;
	check_table_bytes(ESCPOS_KZ1048);
}

/* Every character from U+00A0 to U+FFFF: where iconv puts it in one byte,
 * so does the encoder; where iconv has no byte for it, the encoder does
 * not pretend the page has it (it prints a fallback or '?'). Covers every
 * Cyrillic and Kazakh letter (U+0400–U+04FF) and the tenge sign. */
static void check_every_character(enum escpos_codepage cp)
{
	iconv_t cd = iconv_open(iconv_name(cp), "UTF-8");
	int direct = 0, cyrillic = 0;
	assert_true(cd != (iconv_t)-1);

	for (uint32_t c = 0x20; c <= 0xffff; c++) {
		char in[8], out[8];
		unsigned char mine[8];
		if (c == 0x7f)
			c = 0xa0;
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		size_t n = kp_utf8_encode(c, in);
		in[n] = '\0';
		char *ip = in, *op = out;
		size_t il = n, ol = sizeof out;

		iconv(cd, NULL, NULL, NULL, NULL);
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		size_t m = encode_one(cp, in, mine, sizeof mine);
		if (r != (size_t)-1 && op - out == 1) {
			if (m != 1 || mine[0] != (unsigned char)out[0])
				fail_msg("%s U+%04X: iconv %02X, encoder %zu byte(s) %02X", iconv_name(cp), c,
				         (unsigned char)out[0], m, m ? mine[0] : 0);
			direct++;
			if (c >= 0x400 && c <= 0x4ff)
				cyrillic++;
		} else {
			/* not on the page: the paper must not claim it is */
			char shown[16];
			escpos_decode(cp, mine, m, shown, sizeof shown);
			if (strcmp(shown, in) == 0)
				fail_msg("%s U+%04X: iconv has no byte, encoder printed it as itself",
				         iconv_name(cp), c);
			if (m == 0 && c != 0x200b && c != 0xfeff)
				fail_msg("%s U+%04X vanished", iconv_name(cp), c);
		}
	}
	iconv_close(cd);
	/* ASCII 95 + the upper half, less what each page leaves undefined */
	if (cp == ESCPOS_CP866) {
		assert_int_equal(direct, 95 + 128);
		assert_int_equal(cyrillic, 66 + 6);   /* А–я Ё ё, Є є Ї ї Ў ў */
	} else {
		assert_int_equal(direct, 95 + 127);
		assert_int_equal(cyrillic, 66 + 18 + 10); /* + Kazakh, + Ђ Ѓ ѓ Љ Њ Џ ђ љ њ џ */
	}
}

static void cp866_encodes_every_character_as_iconv_does(void **state)
{
	(void)state;
	check_every_character(ESCPOS_CP866);
}

static void kz1048_encodes_every_character_as_iconv_does(void **state)
{
	(void)state;
	check_every_character(ESCPOS_KZ1048);
}

/* Spot checks against the published KZ-1048 chart, independent of iconv. */
static void kz1048_kazakh_letters_sit_where_the_standard_puts_them(void **state)
{
	static const struct {
		const char *letter;
		unsigned char byte;
	} kk[] = {
		{"Қ", 0x8D}, {"Һ", 0x8E}, {"қ", 0x9D}, {"һ", 0x9E}, {"Ұ", 0xA1}, {"ұ", 0xA2},
		{"Ә", 0xA3}, {"Ө", 0xA5}, {"Ғ", 0xAA}, {"Ү", 0xAF}, {"І", 0xB2}, {"і", 0xB3},
		{"ө", 0xB4}, {"ғ", 0xBA}, {"ә", 0xBC}, {"Ң", 0xBD}, {"ң", 0xBE}, {"ү", 0xBF},
		{"А", 0xC0}, {"я", 0xFF}, {"Ё", 0xA8}, {"ё", 0xB8}, {"№", 0xB9},
	};
	(void)state;
	for (size_t i = 0; i < sizeof kk / sizeof kk[0]; i++) {
		unsigned char b[4];
		assert_int_equal(encode_one(ESCPOS_KZ1048, kk[i].letter, b, sizeof b), 1);
		if (b[0] != kk[i].byte)
			fail_msg("%s: %02X, the standard says %02X", kk[i].letter, b[0], kk[i].byte);
	}
}

static void cp866_letters_sit_where_the_standard_puts_them(void **state)
{
	static const struct {
		const char *letter;
		unsigned char byte;
	} ru[] = {
		{"А", 0x80}, {"Я", 0x9F}, {"а", 0xA0}, {"п", 0xAF}, {"р", 0xE0}, {"я", 0xEF},
		{"Ё", 0xF0}, {"ё", 0xF1}, {"№", 0xFC},
	};
	(void)state;
	for (size_t i = 0; i < sizeof ru / sizeof ru[0]; i++) {
		unsigned char b[4];
		assert_int_equal(encode_one(ESCPOS_CP866, ru[i].letter, b, sizeof b), 1);
		if (b[0] != ru[i].byte)
			fail_msg("%s: %02X, the standard says %02X", ru[i].letter, b[0], ru[i].byte);
	}
}

/* ---- round trips --------------------------------------------------------- */

static void check_round_trip(enum escpos_codepage cp, const char *text, const char *want)
{
	struct escpos_job job = escpos_job_default(cp);
	size_t len;
	unsigned char *bytes = encode(&job, text, &len);
	char *back = decode(cp, bytes, len);
	assert_string_equal(back, want);

	/* escpos_render shows the same without building the job */
	char *shown = malloc(strlen(text) * 2 + 1);
	assert_non_null(shown);
	escpos_render(cp, text, strlen(text), shown, strlen(text) * 2 + 1);
	assert_string_equal(shown, want);
	free(shown);
	free(back);
	free(bytes);
}

static void kz1048_round_trip_gives_the_text_back(void **state)
{
	(void)state;
	check_round_trip(ESCPOS_KZ1048, alphabet, alphabet);
	check_round_trip(ESCPOS_KZ1048, "Сүт 1 л\t450,00\nРақмет!\n", "Сүт 1 л\t450,00\nРақмет!\n");
}

static void kz1048_round_trip_of_the_receipt_only_replaces_what_the_page_lacks(void **state)
{
	(void)state;
	check_round_trip(ESCPOS_KZ1048, receipt, receipt_kz1048);
}

static void cp866_round_trip_gives_the_transliterated_text(void **state)
{
	(void)state;
	check_round_trip(ESCPOS_CP866, alphabet, alphabet_cp866);
	check_round_trip(ESCPOS_CP866, receipt, receipt_cp866);
}

static void tenge_sign_prints_as_tg_on_both_pages(void **state)
{
	unsigned char b[8];
	(void)state;
	assert_int_equal(encode_one(ESCPOS_CP866, "\u20B8", b, sizeof b), 2);
	assert_memory_equal(b, "\xE2\xA3", 2);   /* т г in CP866 */
	assert_int_equal(encode_one(ESCPOS_KZ1048, "\u20B8", b, sizeof b), 2);
	assert_memory_equal(b, "\xF2\xE3", 2);   /* т г in KZ-1048 */
}

/* ---- the job's commands -------------------------------------------------- */

static void job_is_init_codepage_text_feed_cut_in_that_order(void **state)
{
	struct escpos_job job = escpos_job_default(ESCPOS_CP866);
	size_t len;
	unsigned char *b = encode(&job, "Чек\n", &len);
	static const unsigned char want[] = {
		0x1B, 0x40,             /* ESC @ */
		0x1B, 0x74, 17,         /* ESC t 17: PC866 on Epson */
		0x97, 0xA5, 0xAA, 0x0A, /* Ч е к LF */
		0x1B, 0x64, 4,          /* ESC d 4 */
		0x1D, 0x56, 66, 0,      /* GS V 66 0: feed to the cutter, partial cut */
	};
	(void)state;
	assert_int_equal(len, sizeof want);
	assert_memory_equal(b, want, sizeof want);
	free(b);
}

static void kz1048_job_selects_epson_table_53(void **state)
{
	struct escpos_job job = escpos_job_default(ESCPOS_KZ1048);
	size_t len;
	unsigned char *b = encode(&job, "", &len);
	(void)state;
	assert_int_equal(job.table, 53);
	assert_int_equal(len, 2 + 3 + 3 + 4);
	assert_memory_equal(b, "\x1B\x40\x1B\x74\x35", 5);
	free(b);
}

static void table_feed_and_cut_follow_the_job(void **state)
{
	struct escpos_job job = escpos_job_default(ESCPOS_KZ1048);
	size_t len;
	unsigned char *b;
	(void)state;

	job.table = 6; /* a printer whose self-test lists KZ-1048 as page 6 */
	job.feed = 0;
	job.cut = ESCPOS_CUT_PARTIAL;
	b = encode(&job, "A", &len);
	assert_int_equal(len, 2 + 3 + 1 + 3);
	assert_memory_equal(b, "\x1B\x40\x1B\x74\x06" "A" "\x1D\x56\x01", len);
	free(b);

	job.feed = 7;
	job.cut = ESCPOS_CUT_NONE;
	b = encode(&job, "A", &len);
	assert_int_equal(len, 2 + 3 + 1 + 3);
	assert_memory_equal(b, "\x1B\x40\x1B\x74\x06" "A" "\x1B\x64\x07", len);
	free(b);
}

static void text_cannot_inject_printer_commands(void **state)
{
	struct escpos_job job = bare_job(ESCPOS_CP866);
	/* ESC p (drawer kick), GS V (cut), DLE EOT, NUL, C1 CSI, DEL */
	static const char evil[] = "a\x1bp\x00\x19\xfa" "b\x1dV\x00" "c\x10\x04\x01\xc2\x9b\x7f" "d";
	unsigned char out[64];
	size_t n = escpos_encode(&job, evil, sizeof evil - 1, out, sizeof out);
	(void)state;
	for (size_t i = 5; i < n; i++)
		if (out[i] < 0x20 && out[i] != '\n' && out[i] != '\t')
			fail_msg("control byte %02x at %zu reached the job", out[i], i);
	assert_int_equal(n - 5, 17);
	assert_memory_equal(out + 5, "a?p???b?V?c?????d", 17);
}

static void invalid_utf8_prints_a_question_mark_per_bad_byte(void **state)
{
	unsigned char b[16];
	(void)state;
	/* lone continuation, overlong '/', truncated 3-byte, surrogate, > U+10FFFF */
	assert_int_equal(encode_one(ESCPOS_CP866, "\x80", b, sizeof b), 1);
	assert_int_equal(b[0], '?');
	assert_int_equal(encode_one(ESCPOS_CP866, "\xC0\xAF", b, sizeof b), 2);
	assert_memory_equal(b, "??", 2);
	assert_int_equal(encode_one(ESCPOS_CP866, "\xE2\x82", b, sizeof b), 2);
	assert_int_equal(encode_one(ESCPOS_CP866, "\xED\xA0\x80", b, sizeof b), 3);
	assert_int_equal(encode_one(ESCPOS_CP866, "\xF4\x90\x80\x80", b, sizeof b), 4);
	assert_int_equal(encode_one(ESCPOS_CP866, "\xF0\x9F\x98\x80", b, sizeof b), 1); /* 😀 */
	assert_int_equal(b[0], '?');
}

static void crlf_becomes_lf_and_tab_stays(void **state)
{
	unsigned char b[16];
	(void)state;
	assert_int_equal(encode_one(ESCPOS_CP866, "a\r\nb\tc\r", b, sizeof b), 5);
	assert_memory_equal(b, "a\nb\tc", 5);
}

static void punctuation_falls_back_to_ascii_where_the_page_lacks_it(void **state)
{
	char shown[128];
	static const char text[] = "«a» “b” ‘c’ d–e—f −1 … • 2×3 1\u202F000 \u2500\u2502";
	(void)state;
	escpos_render(ESCPOS_CP866, text, strlen(text), shown, sizeof shown);
	assert_string_equal(shown, "\"a\" \"b\" 'c' d-e-f -1 ... * 2x3 1 000 ─│");
	escpos_render(ESCPOS_KZ1048, text, strlen(text), shown, sizeof shown);
	assert_string_equal(shown, "«a» “b” ‘c’ d–e—f -1 … • 2x3 1 000 -|");
}

/* ---- sizes --------------------------------------------------------------- */

static void encode_reports_the_whole_length_and_fills_what_fits(void **state)
{
	struct escpos_job job = escpos_job_default(ESCPOS_CP866);
	unsigned char small[7];
	size_t full = escpos_encode(&job, "Чек", 6, NULL, 0);
	(void)state;
	assert_int_equal(full, 5 + 3 + 3 + 4);
	memset(small, 0xAA, sizeof small);
	assert_int_equal(escpos_encode(&job, "Чек", 6, small, 6), full);
	assert_memory_equal(small, "\x1B\x40\x1B\x74\x11\x97", 6);
	assert_int_equal(small[6], 0xAA); /* nothing past size */
}

static void decode_truncates_and_terminates_like_snprintf(void **state)
{
	static const unsigned char bytes[] = {0x1B, 0x40, 'a', 'b', 'c', 0x0A};
	char out[3];
	(void)state;
	assert_int_equal(escpos_decode(ESCPOS_CP866, bytes, sizeof bytes, out, sizeof out), 4);
	assert_string_equal(out, "ab");
	assert_int_equal(escpos_decode(ESCPOS_CP866, bytes, sizeof bytes, NULL, 0), 4);
}

static void decode_skips_commands_it_did_not_write(void **state)
{
	/* ESC ! 8 (bold), ESC a 1 (centre), GS ! 17 (double size), ESC p 0 25 250, GS V 0 */
	static const unsigned char bytes[] = {
		0x1B, '!', 8, 'A', 0x1B, 'a', 1, 0x98, 0x1D, '!', 17, 'B',
		0x1B, 'p', 0, 25, 250, 'C', 0x1D, 'V', 0, 0x0D, 'D'};
	char out[32];
	(void)state;
	escpos_decode(ESCPOS_CP866, bytes, sizeof bytes, out, sizeof out);
	assert_string_equal(out, "AШBCD");
	escpos_decode(ESCPOS_KZ1048, bytes, sizeof bytes, out, sizeof out);
	assert_string_equal(out, "A\xEF\xBF\xBD" "BCD"); /* 0x98 is undefined in KZ-1048 */
}

/* The job is never longer than the text plus ESCPOS_OVERHEAD: one
 * character at a time, over the whole Basic Multilingual Plane. */
static void no_character_grows_past_its_utf8_length(void **state)
{
	(void)state;
	for (int cp = ESCPOS_CP866; cp <= ESCPOS_KZ1048; cp++) {
		struct escpos_job job = escpos_job_default((enum escpos_codepage)cp);
		for (uint32_t c = 0; c <= 0xffff; c++) {
			char in[4];
			if (c >= 0xd800 && c <= 0xdfff)
				continue;
			size_t n = kp_utf8_encode(c, in);
			size_t len = escpos_encode(&job, in, n, NULL, 0);
			if (len > n + ESCPOS_OVERHEAD)
				fail_msg("U+%04X: %zu bytes for %zu of UTF-8", c, len, n);
		}
	}
}

/* The bytes of a job for text (malloc'd), and their count. */
static unsigned char *job_of(const char *text, size_t *n)
{
	struct escpos_job job = escpos_job_default(ESCPOS_CP866);
	*n = escpos_encode(&job, text, strlen(text), NULL, 0);
	unsigned char *b = malloc(*n);
	assert_non_null(b);
	assert_int_equal(escpos_encode(&job, text, strlen(text), b, *n), *n);
	return b;
}

/* Where the bytes want[0 … m) first sit in b[0 … n), or -1. */
static long find_bytes(const unsigned char *b, size_t n, const unsigned char *want, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(b + i, want, m) == 0)
			return (long)i;
	return -1;
}

/* A code line is a QR of its characters, centred, between the text lines;
 * the decoded text, the rendered text and escpos_code_text show its
 * characters (the data the QR stores). */
static void a_code_line_prints_as_a_qr_of_its_characters(void **state)
{
	(void)state;
	const char text[] = "Order\n" ESCPOS_CODE_MARK "T01-20261126-000042\nBye\n";
	size_t n;
	unsigned char *b = job_of(text, &n);
	static const unsigned char store[] = {0x1D, '(', 'k', 22, 0, 49, 80, 48, 'T', '0', '1', '-'};
	static const unsigned char model[] = {0x1D, '(', 'k', 4, 0, 49, 65, 50, 0};
	static const unsigned char print[] = {0x1D, '(', 'k', 3, 0, 49, 81, 48};
	static const unsigned char centre[] = {0x1B, 'a', 1};
	long at_store = find_bytes(b, n, store, sizeof store);
	long at_model = find_bytes(b, n, model, sizeof model);
	long at_print = find_bytes(b, n, print, sizeof print);
	long at_centre = find_bytes(b, n, centre, sizeof centre);
	long at_order = find_bytes(b, n, (const unsigned char *)"Order\n", 6);
	long at_bye = find_bytes(b, n, (const unsigned char *)"Bye", 3);
	assert_true(at_order >= 0 && at_order < at_centre && at_centre < at_model &&
	            at_model < at_store && at_store < at_print && at_print < at_bye);
	assert_memory_equal(b + at_store + 8, "T01-20261126-000042", 19);
	/* the mark itself never reaches the printer */
	assert_int_equal(find_bytes(b, n, (const unsigned char *)"\xee", 1), -1);
	assert_true(n <= strlen(text) + ESCPOS_OVERHEAD + ESCPOS_CODE_OVERHEAD);
	char out[128];
	escpos_decode(ESCPOS_CP866, b, n, out, sizeof out);
	assert_string_equal(out, "Order\nT01-20261126-000042\nBye\n");
	escpos_render(ESCPOS_CP866, text, strlen(text), out, sizeof out);
	assert_string_equal(out, "Order\nT01-20261126-000042\nBye\n");
	escpos_code_text(text, strlen(text), out, sizeof out);
	assert_string_equal(out, "Order\nT01-20261126-000042\nBye\n");
	free(b);
}

/* Only a whole line of the mark and [0-9A-Za-z-] is a code: the mark
 * inside a line, with a space, an empty one or one too long is text, the
 * mark a '?'. */
static void only_a_whole_line_of_the_mark_is_a_code(void **state)
{
	(void)state;
	char longer[ESCPOS_CODE_MAX + 8];
	memset(longer, 'A', ESCPOS_CODE_MAX + 1);
	longer[ESCPOS_CODE_MAX + 1] = '\0';
	char too_long[sizeof longer + 8];
	snprintf(too_long, sizeof too_long, ESCPOS_CODE_MARK "%s\n", longer);
	const char *texts[] = {
		"x" ESCPOS_CODE_MARK "T01\n",
		ESCPOS_CODE_MARK "T01 000042\n",
		ESCPOS_CODE_MARK "\n",
		ESCPOS_CODE_MARK "Т01\n", /* a Cyrillic letter */
		too_long,
	};
	static const unsigned char gs_k[] = {0x1D, '(', 'k'};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		size_t n;
		unsigned char *b = job_of(texts[i], &n);
		if (find_bytes(b, n, gs_k, sizeof gs_k) >= 0)
			fail_msg("text %zu became a code", i);
		assert_true(find_bytes(b, n, (const unsigned char *)"?", 1) >= 0);
		free(b);
	}
	/* at the end of the text without its LF it is still one */
	size_t n;
	unsigned char *b = job_of(ESCPOS_CODE_MARK "A-1", &n);
	assert_true(find_bytes(b, n, gs_k, sizeof gs_k) >= 0);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_code_line_prints_as_a_qr_of_its_characters),
		cmocka_unit_test(only_a_whole_line_of_the_mark_is_a_code),
		cmocka_unit_test(golden_receipt_cp866_matches_byte_for_byte),
		cmocka_unit_test(golden_receipt_kz1048_matches_byte_for_byte),
		cmocka_unit_test(cp866_table_matches_iconv_for_every_byte),
		cmocka_unit_test(kz1048_table_matches_iconv_for_every_byte),
		cmocka_unit_test(cp866_encodes_every_character_as_iconv_does),
		cmocka_unit_test(kz1048_encodes_every_character_as_iconv_does),
		cmocka_unit_test(kz1048_kazakh_letters_sit_where_the_standard_puts_them),
		cmocka_unit_test(cp866_letters_sit_where_the_standard_puts_them),
		cmocka_unit_test(kz1048_round_trip_gives_the_text_back),
		cmocka_unit_test(kz1048_round_trip_of_the_receipt_only_replaces_what_the_page_lacks),
		cmocka_unit_test(cp866_round_trip_gives_the_transliterated_text),
		cmocka_unit_test(tenge_sign_prints_as_tg_on_both_pages),
		cmocka_unit_test(job_is_init_codepage_text_feed_cut_in_that_order),
		cmocka_unit_test(kz1048_job_selects_epson_table_53),
		cmocka_unit_test(table_feed_and_cut_follow_the_job),
		cmocka_unit_test(text_cannot_inject_printer_commands),
		cmocka_unit_test(invalid_utf8_prints_a_question_mark_per_bad_byte),
		cmocka_unit_test(crlf_becomes_lf_and_tab_stays),
		cmocka_unit_test(punctuation_falls_back_to_ascii_where_the_page_lacks_it),
		cmocka_unit_test(encode_reports_the_whole_length_and_fills_what_fits),
		cmocka_unit_test(decode_truncates_and_terminates_like_snprintf),
		cmocka_unit_test(decode_skips_commands_it_did_not_write),
		cmocka_unit_test(no_character_grows_past_its_utf8_length),
	};
	return cmocka_run_group_tests_name("escpos", tests, NULL, NULL);
}
