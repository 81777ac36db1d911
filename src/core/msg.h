/* msg.h — a message for a person as data, so that the layers below the
 * app never build a sentence in one language: a msgid (an N_() text of
 * the module's one table of messages, a printf format) and its
 * arguments, each already written as text. The app says it in the
 * reader's language (app/i18n.h, kp_msg_text): the msgid goes through
 * gettext and the arguments take the places of its conversions, in
 * order or by position (%2$s), whatever conversion the translation
 * writes there — so a translation can never make a printf read the
 * wrong type.
 *
 * A message also travels as one string (kp_msg_pack: the msgid, then
 * each argument after a U+001F unit separator), for what is stored and
 * shown later: an order's timeline in the journal. A string without a
 * separator is a msgid without arguments. Pure, libc only. */
#ifndef KP_CORE_MSG_H
#define KP_CORE_MSG_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>

#define KP_MSG_ARGS 4         /* arguments a message may have */
#define KP_MSG_ARG_SIZE 192   /* bytes of one argument, NUL included */
#define KP_MSG_SEP '\x1f'     /* between a packed message's parts */

struct kp_msg {
	const char *id;       /* the msgid (a static N_() text); NULL: no message */
	int n;                /* arguments in arg[] */
	char arg[KP_MSG_ARGS][KP_MSG_ARG_SIZE];
};

/* Sets m to msgid fmt with the arguments its conversions name (d i u ld
 * lld zu s c, and %%), each written as text now; the compiler checks
 * them against fmt. An argument longer than KP_MSG_ARG_SIZE is cut at a
 * character boundary. fmt must outlive m (a string constant). */
void kp_msg_set(struct kp_msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears m to no message. */
void kp_msg_clear(struct kp_msg *m);

static inline bool kp_msg_empty(const struct kp_msg *m)
{
	return !m->id || !m->id[0];
}

/* Writes format `text` (m's msgid or its translation) into buf with m's
 * arguments in the places of its conversions: the n-th conversion takes
 * the n-th argument, %k$… the k-th; %% is a percent; a conversion with
 * no argument writes nothing. Returns buf. */
char *kp_msg_format(const struct kp_msg *m, const char *text, char *buf, size_t size);

/* m as one string into buf (see above). Returns false when it does not fit. */
bool kp_msg_pack(const struct kp_msg *m, char *buf, size_t size) KP_MUST_CHECK;

/* Reads a packed string: m->id points into packed (which must outlive
 * m), the arguments are copied. The msgid part is cut at the first
 * separator in place: packed is modified. */
void kp_msg_unpack(char *packed, struct kp_msg *m);

#endif
