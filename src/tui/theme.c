/* theme.c — see theme.h. A theme file is lines of
 *     role = FG on BG [, attribute ...]      or    role = attribute [, ...]
 * with colours default black red green yellow blue magenta cyan white,
 * bright-NAME, and attributes bold dim reverse underline standout.
 * '#' or ';' start a comment line. */
#include "tui/theme.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/i18n.h"

static const char *const role_names[ROLE_COUNT] = {
	[ROLE_NORMAL] = "normal",
	[ROLE_HEADER] = "header",
	[ROLE_STATUS_OK] = "status-ok",
	[ROLE_STATUS_WARN] = "status-warn",
	[ROLE_STATUS_BAD] = "status-bad",
	[ROLE_COLUMN_TITLE] = "column-title",
	[ROLE_SELECTED] = "selected",
	[ROLE_DISCOUNT] = "discount",
	[ROLE_TOTAL] = "total",
	[ROLE_VAT] = "vat",
	[ROLE_INPUT] = "input",
	[ROLE_INFO] = "info",
	[ROLE_ERROR] = "error",
	[ROLE_FKEY] = "fkey",
	[ROLE_FKEY_LABEL] = "fkey-label",
	[ROLE_DIALOG] = "dialog",
	[ROLE_DIALOG_TITLE] = "dialog-title",
	[ROLE_DIM] = "dim",
};

/* The built-in default, used when no file can be read; the same as
 * themes/default.theme. */
static const char builtin_default[] =
	"normal = default on default\n"
	"header = black on cyan\n"
	"status-ok = black on green\n"
	"status-warn = black on yellow\n"
	"status-bad = white on red, bold\n"
	"column-title = cyan on default, bold\n"
	"selected = white on blue, bold\n"
	"discount = green on default\n"
	"total = default on default, bold\n"
	"vat = default on default\n"
	"input = default on default, bold\n"
	"info = green on default, bold\n"
	"error = white on red, bold\n"
	"fkey = default on default, bold\n"
	"fkey-label = black on cyan\n"
	"dialog = black on white\n"
	"dialog-title = blue on white, bold\n"
	"dim = default on default, dim\n";

/* Mono: what a terminal without colours (or NO_COLOR) shows. */
static const char builtin_mono[] =
	"header = reverse\n"
	"status-ok = reverse\n"
	"status-warn = reverse, bold\n"
	"status-bad = reverse, bold, underline\n"
	"column-title = bold, underline\n"
	"selected = reverse\n"
	"total = bold\n"
	"input = bold\n"
	"info = bold\n"
	"error = reverse, bold\n"
	"fkey = bold\n"
	"fkey-label = reverse\n"
	"dialog = normal\n"
	"dialog-title = bold\n"
	"dim = dim\n";

static int attrs[ROLE_COUNT];
static bool colour;

int theme_attr(enum theme_role role)
{
	return role >= 0 && role < ROLE_COUNT ? attrs[role] : (int)A_NORMAL;
}

bool theme_has_colour(void)
{
	return colour;
}

/* A colour name → colour number 0–15 (bright: + 8); -1 is the
 * terminal's default. */
static bool colour_of(const char *name, short *out)
{
	static const char *const names[] = {"black", "red", "green", "yellow",
	                                    "blue", "magenta", "cyan", "white"};
	bool bright = strncasecmp(name, "bright-", 7) == 0;
	if (bright)
		name += 7;
	if (!bright && strcasecmp(name, "default") == 0) {
		*out = -1;
		return true;
	}
	for (short i = 0; i < 8; i++) {
		if (strcasecmp(name, names[i]) == 0) {
			*out = (short)(bright ? i + 8 : i);
			return true;
		}
	}
	return false;
}

static bool attribute_of(const char *name, int *out)
{
	static const struct { const char *name; int attr; } table[] = {
		{"bold", A_BOLD}, {"dim", A_DIM}, {"reverse", A_REVERSE},
		{"underline", A_UNDERLINE}, {"standout", A_STANDOUT}, {"normal", A_NORMAL},
	};
	for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
		if (strcasecmp(name, table[i].name) == 0) {
			*out = table[i].attr;
			return true;
		}
	}
	return false;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* Parses one "FG on BG, attribute ..." value; false when bad. */
static bool parse_spec(char *text, struct theme_spec *spec)
{
	struct theme_spec s = {.fg = -1, .bg = -1, .attr = A_NORMAL};
	char *save = NULL;
	bool first = true;
	for (char *part = strtok_r(text, ",", &save); part; part = strtok_r(NULL, ",", &save), first = false) {
		part = trim(part);
		char *on = strstr(part, " on ");
		if (first && on) {
			*on = '\0';
			if (!colour_of(trim(part), &s.fg) || !colour_of(trim(on + 4), &s.bg))
				return false;
			s.colour = true;
			continue;
		}
		int one;
		if (!attribute_of(part, &one))
			return false;
		s.attr |= one;
	}
	*spec = s;
	return true;
}

bool theme_parse(const char *text, const char *origin, struct theme_spec specs[ROLE_COUNT],
                 char *warning, size_t size)
{
	char *copy = strdup(text);
	char *save = NULL;
	int lineno = 0;
	bool ok = true;

	if (!copy)
		return false;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		line = trim(line);
		if (!*line || *line == '#' || *line == ';')
			continue;
		char *eq = strchr(line, '=');
		int role = -1;
		struct theme_spec spec;
		if (eq) {
			*eq = '\0';
			char *name = trim(line);
			for (int r = 0; r < ROLE_COUNT; r++)
				if (strcasecmp(name, role_names[r]) == 0)
					role = r;
		}
		if (role < 0 || !parse_spec(trim(eq + 1), &spec)) {
			if (ok && warning && size)
				snprintf(warning, size, _("%s:%d: not a theme line (role = FG on BG, attributes)"),
				         origin, lineno);
			ok = false;
			continue;
		}
		specs[role] = spec;
	}
	free(copy);
	return ok;
}

const char *theme_builtin(bool with_colour)
{
	return with_colour ? builtin_default : builtin_mono;
}

/* What fills a role's cells: its background, or its foreground when
 * reversed; the terminal's own two colours are told apart (-1 its
 * background, -3 its foreground). A role without colours lies on
 * normal's background. */
static short fill_of(const struct theme_spec *s, const struct theme_spec *normal)
{
	short fg = s->colour ? s->fg : normal->colour ? normal->fg : -1;
	short bg = s->colour ? s->bg : normal->colour ? normal->bg : -1;
	if (s->attr & A_REVERSE)
		return fg == -1 ? -3 : fg;
	return bg;
}

bool theme_spec_distinct(const struct theme_spec *a, const struct theme_spec *b,
                         const struct theme_spec *normal)
{
	return fill_of(a, normal) != fill_of(b, normal);
}

/* Puts the parsed roles on the screen: colour pairs, or (without colour)
 * the attributes alone. */
static void apply(const struct theme_spec specs[ROLE_COUNT], const bool given[ROLE_COUNT])
{
	for (int r = 0; r < ROLE_COUNT; r++) {
		if (!given[r])
			continue;
		const struct theme_spec *s = &specs[r];
		int a = s->attr;
		if (colour && s->colour) {
			short fg = s->fg >= 8 && COLORS < 16 ? (short)(s->fg - 8) : s->fg;
			short bg = s->bg >= 8 && COLORS < 16 ? (short)(s->bg - 8) : s->bg;
			init_pair((short)(r + 1), fg, bg);
			a |= COLOR_PAIR(r + 1);
		}
		/* In mono, a colour line keeps only its attributes: a theme made
		 * of colours alone would make everything look the same, so the
		 * built-in mono table stays underneath. */
		if (colour || a != A_NORMAL)
			attrs[r] = a;
	}
}

bool theme_apply_text(const char *text, const char *origin, char *warning, size_t size)
{
	struct theme_spec specs[ROLE_COUNT];
	bool given[ROLE_COUNT];
	const struct theme_spec unset = {.fg = -2};
	for (int r = 0; r < ROLE_COUNT; r++)
		specs[r] = unset;
	bool ok = theme_parse(text, origin, specs, warning, size);
	for (int r = 0; r < ROLE_COUNT; r++)
		given[r] = specs[r].fg != -2;
	apply(specs, given);
	return ok;
}

static bool read_file(const char *path, char **out)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char *buf = malloc(65536);
	size_t n = buf ? fread(buf, 1, 65535, f) : 0;
	bool whole = buf && feof(f) && !ferror(f);
	fclose(f);
	if (!whole) {
		free(buf);
		return false;
	}
	buf[n] = '\0';
	*out = buf;
	return true;
}

/* The built-in table under every theme. Its lines are this file's own
 * and the tests parse them (test_theme): a bad one cannot reach a till. */
static void apply_builtin(void)
{
	bool ok = theme_apply_text(colour ? builtin_default : builtin_mono, "built-in", NULL, 0);
	(void)ok;
}

void theme_load(const char *name, const char *const *dirs, char *warning, size_t size)
{
	const char *no_color = getenv("NO_COLOR");
	char path[1024];
	char *text = NULL;

	if (warning && size)
		warning[0] = '\0';
	colour = has_colors() && !(no_color && no_color[0]) && strcmp(name, "mono") != 0;
	/* The QR is black on white whatever the theme or NO_COLOR say: on a
	 * dark terminal a QR in the default colours is inverted and scans
	 * badly. It is not decoration. */
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(THEME_QR_PAIR, COLOR_BLACK, COLOR_WHITE);
	}
	for (int r = 0; r < ROLE_COUNT; r++)
		attrs[r] = A_NORMAL;
	/* the base underneath every theme: what the theme file leaves out */
	apply_builtin();

	for (size_t i = 0; dirs && dirs[i]; i++) {
		snprintf(path, sizeof path, "%s/%s.theme", dirs[i], name);
		if (read_file(path, &text))
			break;
	}
	if (!text) {
		if (warning && size)
			snprintf(warning, size, _("theme \"%s\" not found: using the default"), name);
		return;
	}
	char local[256];
	if (!theme_apply_text(text, path, local, sizeof local)) {
		/* a broken file: back to the whole default, as the issue asks */
		for (int r = 0; r < ROLE_COUNT; r++)
			attrs[r] = A_NORMAL;
		apply_builtin();
		if (warning && size)
			snprintf(warning, size, _("%s: using the default theme"), local);
	}
	free(text);
}
