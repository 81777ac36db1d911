/* test_text.c — kp_text_safe: what a terminal would obey (ESC sequences,
 * C0 and C1 controls, DEL, bytes that are not UTF-8) is replaced, every
 * printable character is kept, and a cut never splits a character. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/text.h"
#include "core/validate.h"

#define R KP_TEXT_REPLACEMENT

/* The safe form of the len bytes at src, in a buffer big enough for all. */
static const char *safe_n(const char *src, size_t len)
{
	static char out[1024];
	size_t n = kp_text_safe_len(out, sizeof out, src, len);
	assert_int_equal(n, strlen(out));
	return out;
}

static const char *safe(const char *src)
{
	return safe_n(src, strlen(src));
}

static void printable_ascii_and_utf8_stay_as_they_are(void **state)
{
	(void)state;
	assert_string_equal(safe("ok 1.2.3 ~!@#$%^&*()[]{}<>\"'\\|"), "ok 1.2.3 ~!@#$%^&*()[]{}<>\"'\\|");
	assert_string_equal(safe("Оплата қабылданды ₸ 😀"), "Оплата қабылданды ₸ 😀");
	/* U+00A0 (the first character after C1) and U+10FFFF (the last) */
	assert_string_equal(safe("\xc2\xa0|\xf4\x8f\xbf\xbf"), "\xc2\xa0|\xf4\x8f\xbf\xbf");
	assert_string_equal(safe(""), "");
	assert_true(kp_text_is_safe("Оплата 😀 ok"));
}

static void escape_sequences_lose_their_escape(void **state)
{
	(void)state;
	/* CSI: recolour, clear the screen, move the cursor */
	assert_string_equal(safe("\x1b[31mred\x1b[0m"), R "[31mred" R "[0m");
	assert_string_equal(safe("\x1b[2J\x1b[H"), R "[2J" R "[H");
	/* OSC: retitle the window, ended by BEL or ST */
	assert_string_equal(safe("\x1b]0;owned\x07"), R "]0;owned" R);
	assert_string_equal(safe("\x1b]2;t\x1b\\"), R "]2;t" R "\\");
	assert_false(kp_text_is_safe("\x1b[31m"));
}

static void every_c0_control_and_del_is_replaced(void **state)
{
	(void)state;
	for (int c = 1; c < 0x20; c++) {
		char in[4] = {'a', (char)c, 'b', '\0'};
		const char *want = c >= 0x09 && c <= 0x0d ? "a b" : "a" R "b";
		if (strcmp(safe(in), want) != 0)
			fail_msg("control 0x%02x gave \"%s\"", c, safe(in));
		assert_false(kp_text_is_safe(in));
	}
	assert_string_equal(safe("a\x7f" "b"), "a" R "b");
	assert_false(kp_text_is_safe("a\x7f"));
}

static void tab_newline_and_carriage_return_become_spaces(void **state)
{
	(void)state;
	assert_string_equal(safe("paid\rDECLINED\n\tnext"), "paid DECLINED  next");
	assert_string_equal(safe("back\bspace"), "back" R "space");
}

static void every_c1_control_is_replaced(void **state)
{
	(void)state;
	/* U+0080–U+009F in UTF-8: C2 80 … C2 9F; U+009B is a one-character CSI */
	for (int c = 0x80; c <= 0x9f; c++) {
		char in[5] = {'a', (char)0xc2, (char)c, 'b', '\0'};
		if (strcmp(safe(in), "a" R "b") != 0)
			fail_msg("C1 U+%04X gave \"%s\"", c, safe(in));
		assert_false(kp_text_is_safe(in));
	}
	/* a raw C1 byte is not UTF-8 either */
	assert_string_equal(safe("\x9b" "31m"), R "31m");
}

static void a_nul_inside_the_bytes_is_replaced(void **state)
{
	(void)state;
	assert_string_equal(safe_n("a\0b", 3), "a" R "b");
}

static void bytes_that_are_not_utf8_are_replaced(void **state)
{
	(void)state;
	assert_string_equal(safe("bad \xff\xfe byte"), "bad " R R " byte");
	assert_string_equal(safe("\x80"), R);                           /* lone continuation */
	assert_string_equal(safe("\xc3"), R);                           /* lead at the end */
	assert_string_equal(safe("\xc3x"), R "x");                      /* lead without continuation */
	assert_string_equal(safe("\xe2\x82x"), R "x");                  /* one subpart, one U+FFFD */
	assert_string_equal(safe("\xc0\xaf"), R R);                     /* overlong '/' */
	assert_string_equal(safe("\xe0\x80\xaf"), R R R);               /* overlong, 3 bytes */
	assert_string_equal(safe("\xf0\x80\x80\xaf"), R R R R);         /* overlong, 4 bytes */
	assert_string_equal(safe("\xed\xa0\x80"), R R R);               /* surrogate U+D800 */
	assert_string_equal(safe("\xf4\x90\x80\x80"), R R R R);         /* past U+10FFFF */
	assert_string_equal(safe("\xf5\x80"), R R);
	assert_false(kp_text_is_safe("\xc3"));
	assert_false(kp_text_is_safe("\xed\xa0\x80"));
	/* what comes out is always valid UTF-8 */
	assert_true(kp_utf8_length(safe("\xf0\x9f\x98")) >= 0);
}

static void a_cut_never_splits_a_character(void **state)
{
	(void)state;
	char out[6];
	/* "жж" is 4 bytes, a third ж does not fit in 5 */
	assert_int_equal(kp_text_safe(out, sizeof out, "жжж"), 4);
	assert_string_equal(out, "жж");
	/* U+FFFD (3 bytes) after 3 ASCII bytes does not fit in 5 either */
	assert_int_equal(kp_text_safe(out, sizeof out, "abc\x1b"), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(kp_text_safe(out, 1, "abc"), 0);
	assert_string_equal(out, "");
	out[0] = 'x';
	assert_int_equal(kp_text_safe(out, 0, "abc"), 0);
	assert_int_equal(out[0], 'x'); /* size 0 writes nothing */
}

static void the_worst_case_fits_the_promised_size(void **state)
{
	(void)state;
	char in[64], out[KP_TEXT_SAFE_SIZE(sizeof in)];
	memset(in, 0x1b, sizeof in);
	assert_int_equal(kp_text_safe_len(out, sizeof out, in, sizeof in), 3 * sizeof in);
}

static void safe_text_is_a_fixed_point(void **state)
{
	(void)state;
	const char *samples[] = {"\x1b]0;t\x07", "\xc2\x9b" "2J", "\xff\xc3x", "a\tb", "ok"};
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
		char once[64], twice[64];
		kp_text_safe(once, sizeof once, samples[i]);
		assert_true(kp_text_is_safe(once));
		kp_text_safe(twice, sizeof twice, once);
		assert_string_equal(once, twice);
	}
	char out[4] = "x";
	assert_int_equal(kp_text_safe(out, sizeof out, NULL), 0);
	assert_string_equal(out, "");
	assert_false(kp_text_is_safe(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(printable_ascii_and_utf8_stay_as_they_are),
		cmocka_unit_test(escape_sequences_lose_their_escape),
		cmocka_unit_test(every_c0_control_and_del_is_replaced),
		cmocka_unit_test(tab_newline_and_carriage_return_become_spaces),
		cmocka_unit_test(every_c1_control_is_replaced),
		cmocka_unit_test(a_nul_inside_the_bytes_is_replaced),
		cmocka_unit_test(bytes_that_are_not_utf8_are_replaced),
		cmocka_unit_test(a_cut_never_splits_a_character),
		cmocka_unit_test(the_worst_case_fits_the_promised_size),
		cmocka_unit_test(safe_text_is_a_fixed_point),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
