/* i18n.h — every text a person reads goes through gettext. Russian and
 * Kazakh catalogs live in data/po and are compiled to
 * <prefix>/share/locale (installed) or build/locale (a build tree). */
#ifndef KP_APP_I18N_H
#define KP_APP_I18N_H

#include <libintl.h>
#include <stdbool.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Sets the locale from the environment (falling back to C.UTF-8 when the
 * named locale is not installed, so UTF-8 output still works), chooses
 * the language — lang is "ru", "kk", "en", or NULL/"auto" for the one
 * LANG/LC_ALL/LC_MESSAGES names — and binds the message catalog found
 * next to the executable or under the installed prefix. Returns whether
 * the character set is UTF-8. */
bool i18n_init(const char *lang);

/* The language in use: "ru", "kk" or "en". */
const char *i18n_language(void);

#endif
