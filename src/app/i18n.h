/* i18n.h — every text a person reads goes through gettext. Russian and
 * Kazakh catalogs live in data/po and are compiled to
 * <prefix>/share/locale (installed) or build/locale (a build tree). */
#ifndef KP_APP_I18N_H
#define KP_APP_I18N_H

#include <libintl.h>
#include <stdbool.h>

#include "core/msg.h"

#define _(s) gettext(s)
#define N_(s) (s)

/* Sets the locale from the environment (falling back to C.UTF-8 when the
 * named locale is not installed, so UTF-8 output still works), chooses
 * the language — lang is "ru", "kk", "en", or NULL/"auto" for the one
 * LANG/LC_ALL/LC_MESSAGES names — and binds the message catalog found
 * next to the executable or under the installed prefix. Returns whether
 * the character set is UTF-8. */
bool i18n_init(const char *lang);

/* A message of a lower layer (core/msg.h) in the reader's language: its
 * msgid through gettext, its arguments in their places. The text is in
 * one of a few buffers of the calling thread, used in turn, so that two
 * messages may go into one printf; copy it to keep it. */
const char *kp_msg_text(const struct kp_msg *m);

/* The same for a packed message (an order's timeline detail). */
const char *kp_msg_text_packed(const char *packed);

/* The language in use: "ru", "kk" or "en". */
const char *i18n_language(void);

#endif
