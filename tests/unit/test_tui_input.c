/* test_tui_input.c — the one edited field and the one list of the TUI,
 * driven key by key as a cashier types: a number typed into a field
 * replaces what was there, a character a field does not take is refused
 * with a reason (never cut silently), and a list moves the same way
 * everywhere. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <string.h>

#include "tui/field.h"
#include "tui/keys.h"
#include "tui/listview.h"

/* Types s key by key; returns the outcome of the last key. */
static enum field_outcome type(struct field *f, const char *s, char *why, size_t size)
{
	enum field_outcome o = FIELD_IGNORED;
	for (; *s; s++)
		o = field_key(f, (unsigned char)*s, why, size);
	return o;
}

static void a_number_typed_into_a_fresh_field_replaces_it(void **state)
{
	(void)state;
	struct field f;
	char why[128];
	field_init(&f, FIELD_DIGITS, 4);
	field_set(&f, "3", true);
	assert_int_equal(type(&f, "5", why, sizeof why), FIELD_CHANGED);
	assert_string_equal(f.text, "5");
	type(&f, "2", why, sizeof why);
	assert_string_equal(f.text, "52");
}

static void backspace_on_a_fresh_field_edits_it(void **state)
{
	(void)state;
	struct field f;
	char why[128];
	field_init(&f, FIELD_DIGITS, 4);
	field_set(&f, "12", true);
	assert_int_equal(field_key(&f, KC(KEY_BACKSPACE), why, sizeof why), FIELD_CHANGED);
	assert_string_equal(f.text, "1");
	type(&f, "4", why, sizeof why);
	assert_string_equal(f.text, "14");
}

static void a_fifth_digit_in_a_four_digit_field_is_refused(void **state)
{
	(void)state;
	struct field f;
	char why[128];
	field_init(&f, FIELD_DIGITS, 4);
	assert_int_equal(type(&f, "1000", why, sizeof why), FIELD_CHANGED);
	assert_int_equal(type(&f, "0", why, sizeof why), FIELD_REFUSED);
	assert_string_equal(f.text, "1000");
	assert_non_null(strstr(why, "4"));
}

static void a_letter_in_a_discount_is_refused(void **state)
{
	(void)state;
	struct field f;
	char why[128];
	field_init(&f, FIELD_DISCOUNT, 12);
	assert_int_equal(type(&f, "1", why, sizeof why), FIELD_CHANGED);
	assert_int_equal(type(&f, "o", why, sizeof why), FIELD_REFUSED);
	assert_true(why[0] != '\0');
	assert_int_equal(type(&f, "%", why, sizeof why), FIELD_CHANGED);
	assert_string_equal(f.text, "1%");
}

static void a_minus_in_a_discount_is_refused(void **state)
{
	(void)state;
	struct field f;
	char why[128];
	field_init(&f, FIELD_DISCOUNT, 12);
	assert_int_equal(type(&f, "-", why, sizeof why), FIELD_REFUSED);
	assert_string_equal(f.text, "");
}

static void nothing_is_typed_after_the_percent(void **state)
{
	(void)state;
	struct field f;
	char why[128];
	field_init(&f, FIELD_DISCOUNT, 12);
	type(&f, "10%", why, sizeof why);
	assert_int_equal(type(&f, "5", why, sizeof why), FIELD_REFUSED);
	assert_int_equal(type(&f, "%", why, sizeof why), FIELD_REFUSED);
	assert_string_equal(f.text, "10%");
}

static void an_amount_takes_one_comma(void **state)
{
	(void)state;
	struct field f;
	char why[128];
	field_init(&f, FIELD_AMOUNT, 16);
	assert_int_equal(type(&f, "1 500,5", why, sizeof why), FIELD_CHANGED);
	assert_int_equal(type(&f, ",", why, sizeof why), FIELD_REFUSED);
	assert_int_equal(type(&f, ".", why, sizeof why), FIELD_REFUSED);
	assert_string_equal(f.text, "1 500,5");
}

static void the_cursor_moves_by_characters_not_bytes(void **state)
{
	(void)state;
	struct field f;
	char why[128];
	field_init(&f, FIELD_TEXT, 40);
	field_set(&f, "қант", false);
	field_key(&f, KC(KEY_LEFT), why, sizeof why);
	field_key(&f, KC(KEY_LEFT), why, sizeof why);
	assert_int_equal(field_key(&f, 0x44b /* ы */, why, sizeof why), FIELD_CHANGED);
	assert_string_equal(f.text, "қаынт");
	field_key(&f, KC(KEY_BACKSPACE), why, sizeof why);
	assert_string_equal(f.text, "қант");
	field_key(&f, KC(KEY_DC), why, sizeof why);
	assert_string_equal(f.text, "қат");
	assert_int_equal(field_chars(&f), 3);
}

static void a_text_field_stops_at_its_length_with_a_reason(void **state)
{
	(void)state;
	struct field f;
	char why[128];
	field_init(&f, FIELD_TEXT, 3);
	field_key(&f, 0x430, why, sizeof why);
	field_key(&f, 0x431, why, sizeof why);
	field_key(&f, 0x432, why, sizeof why);
	assert_int_equal(field_key(&f, 0x433, why, sizeof why), FIELD_REFUSED);
	assert_string_equal(f.text, "абв");
}

static void control_keys_are_not_text(void **state)
{
	(void)state;
	struct field f;
	char why[128];
	field_init(&f, FIELD_TEXT, 10);
	assert_int_equal(field_key(&f, 27, why, sizeof why), FIELD_IGNORED);
	assert_int_equal(field_key(&f, 0x9b, why, sizeof why), FIELD_IGNORED);
	assert_int_equal(field_key(&f, KC(KEY_F(1)), why, sizeof why), FIELD_IGNORED);
	assert_string_equal(f.text, "");
}

static void ctrl_u_clears_and_wipes(void **state)
{
	(void)state;
	struct field f;
	char why[128];
	field_init(&f, FIELD_DIGITS, 8);
	type(&f, "1234", why, sizeof why);
	assert_int_equal(field_key(&f, KEYS_CTRL('u'), why, sizeof why), FIELD_CHANGED);
	assert_true(field_empty(&f));
	for (size_t i = 0; i < sizeof f.text; i++)
		assert_int_equal(f.text[i], 0);
}

static void a_list_moves_by_one_a_page_and_to_the_ends(void **state)
{
	(void)state;
	struct listview lv = {0};
	listview_set_count(&lv, 100);
	assert_true(listview_key(&lv, ACT_DOWN, 10));
	assert_int_equal(lv.sel, 1);
	listview_key(&lv, ACT_PAGE_DOWN, 10);
	assert_int_equal(lv.sel, 11);
	assert_true(lv.sel >= listview_first(&lv, 10) && lv.sel < listview_first(&lv, 10) + 10);
	listview_key(&lv, ACT_END, 10);
	assert_int_equal(lv.sel, 99);
	assert_int_equal(listview_first(&lv, 10), 90);
	listview_key(&lv, ACT_DOWN, 10);
	assert_int_equal(lv.sel, 99);
	listview_key(&lv, ACT_HOME, 10);
	assert_int_equal(lv.sel, 0);
	assert_int_equal(listview_first(&lv, 10), 0);
	listview_key(&lv, ACT_UP, 10);
	assert_int_equal(lv.sel, 0);
	assert_false(listview_key(&lv, ACT_OK, 10));
}

static void a_smaller_page_still_shows_the_selection(void **state)
{
	(void)state;
	struct listview lv = {0};
	listview_set_count(&lv, 50);
	listview_select(&lv, 30);
	size_t first = listview_first(&lv, 5);
	assert_true(30 >= first && 30 < first + 5);
	listview_set_count(&lv, 10); /* a reload with fewer rows */
	assert_int_equal(lv.sel, 9);
}

static void a_text_view_scrolls_within_its_text(void **state)
{
	(void)state;
	struct listview lv = {.scroll = true};
	listview_set_count(&lv, 30);
	listview_key(&lv, ACT_DOWN, 10);
	assert_int_equal(listview_first(&lv, 10), 1);
	listview_key(&lv, ACT_END, 10);
	assert_int_equal(listview_first(&lv, 10), 20);
	listview_key(&lv, ACT_PAGE_DOWN, 10);
	assert_int_equal(listview_first(&lv, 10), 20);
	listview_key(&lv, ACT_PAGE_UP, 10);
	assert_int_equal(listview_first(&lv, 10), 10);
	assert_int_equal(listview_first(&lv, 40), 0); /* a taller screen shows it all */
}

static void one_spelling_per_key(void **state)
{
	(void)state;
	assert_int_equal(keys_normalize('\r'), KEYS_ENTER);
	assert_int_equal(keys_normalize(KC(KEY_ENTER)), KEYS_ENTER);
	assert_int_equal(keys_normalize(127), KC(KEY_BACKSPACE));
	assert_int_equal(keys_normalize(8), KC(KEY_BACKSPACE));
	assert_int_equal(keys_normalize('a'), 'a');
	assert_int_equal(keys_esc_digit('0'), KC(KEY_F(10)));
	assert_int_equal(keys_esc_digit('='), KC(KEY_F(12)));
	assert_int_equal(keys_esc_digit('x'), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_number_typed_into_a_fresh_field_replaces_it),
		cmocka_unit_test(backspace_on_a_fresh_field_edits_it),
		cmocka_unit_test(a_fifth_digit_in_a_four_digit_field_is_refused),
		cmocka_unit_test(a_letter_in_a_discount_is_refused),
		cmocka_unit_test(a_minus_in_a_discount_is_refused),
		cmocka_unit_test(nothing_is_typed_after_the_percent),
		cmocka_unit_test(an_amount_takes_one_comma),
		cmocka_unit_test(the_cursor_moves_by_characters_not_bytes),
		cmocka_unit_test(a_text_field_stops_at_its_length_with_a_reason),
		cmocka_unit_test(control_keys_are_not_text),
		cmocka_unit_test(ctrl_u_clears_and_wipes),
		cmocka_unit_test(a_list_moves_by_one_a_page_and_to_the_ends),
		cmocka_unit_test(a_smaller_page_still_shows_the_selection),
		cmocka_unit_test(a_text_view_scrolls_within_its_text),
		cmocka_unit_test(one_spelling_per_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
