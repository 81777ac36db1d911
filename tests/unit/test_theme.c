/* test_theme.c — every theme shipped in themes/ parses, and in every one
 * the selected row stands out from what it is drawn on: a dialog's body
 * (the search, the held baskets) and the basket area. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/theme.h"

static const char *const themes[] = {"default", "dark", "high-contrast", "mono"};

/* The theme's roles as the till would use them: the built-in base, then
 * the file. */
static void load(const char *name, struct theme_spec specs[ROLE_COUNT])
{
	char path[256], warning[256], text[65536];
	bool mono = strcmp(name, "mono") == 0;
	snprintf(path, sizeof path, "themes/%s.theme", name);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	for (int r = 0; r < ROLE_COUNT; r++)
		specs[r] = (struct theme_spec){.fg = -1, .bg = -1};
	assert_true(theme_parse(theme_builtin(!mono), "built-in", specs, warning, sizeof warning));
	warning[0] = '\0';
	if (!theme_parse(text, path, specs, warning, sizeof warning))
		fail_msg("%s", warning);
}

static void every_theme_file_parses(void **state)
{
	(void)state;
	struct theme_spec specs[ROLE_COUNT];
	for (size_t i = 0; i < sizeof themes / sizeof *themes; i++)
		load(themes[i], specs);
}

static void the_selected_row_differs_from_a_dialog_in_every_theme(void **state)
{
	(void)state;
	struct theme_spec s[ROLE_COUNT];
	for (size_t i = 0; i < sizeof themes / sizeof *themes; i++) {
		load(themes[i], s);
		if (!theme_spec_distinct(&s[ROLE_SELECTED], &s[ROLE_DIALOG], &s[ROLE_NORMAL]))
			fail_msg("theme %s: the selected row looks like the dialog", themes[i]);
	}
}

static void the_selected_row_differs_from_the_basket_in_every_theme(void **state)
{
	(void)state;
	struct theme_spec s[ROLE_COUNT];
	for (size_t i = 0; i < sizeof themes / sizeof *themes; i++) {
		load(themes[i], s);
		if (!theme_spec_distinct(&s[ROLE_SELECTED], &s[ROLE_NORMAL], &s[ROLE_NORMAL]))
			fail_msg("theme %s: the selected row looks like the basket", themes[i]);
	}
}

static void the_same_colours_are_not_distinct(void **state)
{
	(void)state;
	struct theme_spec s[ROLE_COUNT];
	for (int r = 0; r < ROLE_COUNT; r++)
		s[r] = (struct theme_spec){.fg = -1, .bg = -1};
	assert_true(theme_parse("selected = black on white\ndialog = blue on white, bold\n", "t", s, NULL, 0));
	assert_false(theme_spec_distinct(&s[ROLE_SELECTED], &s[ROLE_DIALOG], &s[ROLE_NORMAL]));
	assert_true(theme_parse("selected = reverse\ndialog = normal\n", "t", s, NULL, 0));
	s[ROLE_SELECTED].colour = s[ROLE_DIALOG].colour = false;
	assert_true(theme_spec_distinct(&s[ROLE_SELECTED], &s[ROLE_DIALOG], &s[ROLE_NORMAL]));
}

static void a_bad_line_is_named(void **state)
{
	(void)state;
	struct theme_spec s[ROLE_COUNT];
	char warning[256] = "";
	assert_false(theme_parse("header = black on cyan\nnormal = purple on nowhere\n", "x.theme", s, warning,
	                         sizeof warning));
	assert_non_null(strstr(warning, "x.theme:2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_theme_file_parses),
		cmocka_unit_test(the_selected_row_differs_from_a_dialog_in_every_theme),
		cmocka_unit_test(the_selected_row_differs_from_the_basket_in_every_theme),
		cmocka_unit_test(the_same_colours_are_not_distinct),
		cmocka_unit_test(a_bad_line_is_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
