/* held.h — held baskets: a cashier parks a basket (a buyer went back for
 * milk), serves the next one, and recalls it later. They are rows of the
 * database, so they survive a restart of the till. The content is the
 * basket as its owner (core/basket) serialises it: the store keeps the
 * text as it is. */
#ifndef KP_STORE_HELD_H
#define KP_STORE_HELD_H

#include "core/check.h"

#include <stdint.h>
#include <time.h>

#include "store/db.h"

#define HELD_LABEL_SIZE 128           /* bytes, NUL included */
#define HELD_CONTENT_MAX (1024 * 1024) /* a bigger basket text is refused */

/* A held basket as the list shows it (the content is fetched on recall). */
struct held_basket {
	int64_t id;
	time_t held_at;
	int64_t user_id;                  /* who held it; 0: nobody logged in */
	char label[HELD_LABEL_SIZE];      /* "" when none was given */
};

/* Holds a basket: content (not empty, at most HELD_CONTENT_MAX bytes) and
 * a label (may be NULL). *id (may be NULL) gets the new row's id. Logs
 * basket_hold. */
store_status held_put(store_db *db, int64_t user_id, const char *label, const char *content,
                      int64_t *id, store_err *err) KP_MUST_CHECK;

/* Every held basket, oldest first, in a malloc'd array the caller frees. */
store_status held_list(store_db *db, struct held_basket **out, int *count, store_err *err) KP_MUST_CHECK;

/* Takes held basket id back: *content gets a malloc'd copy of its text
 * (the caller frees it), meta (may be NULL) its list row, and the row is
 * deleted, all in one transaction. STORE_NOT_FOUND when it is gone.
 * Logs basket_recall for user_id. */
store_status held_recall(store_db *db, int64_t id, int64_t user_id, char **content,
                         struct held_basket *meta, store_err *err) KP_MUST_CHECK;

#endif
