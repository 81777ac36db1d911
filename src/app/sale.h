/* sale.h — writing a sale that is not one Kaspi order, the same for the
 * tender screen and `kaspi-pos sale`: a sale in one cash or card tender,
 * a split sale opened for its parts, and given up. (A Kaspi part is
 * payflow_start_part; the completion journal_complete_split; the rules of
 * the amounts are core/tender.h's.)
 *
 * A split sale being paid is locked: the process paying it (the tender
 * screen, `kaspi-pos sale`) holds flock(LOCK_EX) on a file beside the
 * journal named after the sale ("kaspi-pos.db-split-T01-20261203-000042
 * .lock") from the moment the sale is opened until it is completed or
 * given up, so that `reconcile` in another process, which gives up the
 * split sales left pending by a crash, never gives up one that is still
 * being paid: it takes the lock with LOCK_NB and leaves a sale it cannot
 * lock alone. The kernel drops the lock when its process dies (a crash, a
 * SIGKILL), and only then can reconcile settle the sale.
 *
 * Between the sale's row and its lock there is a moment when the row is
 * pending and the lock not yet held. A gate closes it: a second file
 * ("kaspi-pos.db-split.lock"), held LOCK_SH by the opener from before the
 * row is written until its lock is held, and LOCK_EX by reconcile while
 * it lists the pending split sales (sale_pending_splits). So every split
 * sale reconcile lists is locked by its payer already, or has none.
 *
 * The holder removes the sale's file, while still holding it, once the
 * sale is settled; whoever takes a lock checks that the file it locked is
 * still the one at the path (else it was removed meanwhile, and it tries
 * again). The files are opened close-on-exec: a printing command started
 * by the till never keeps one. */
#ifndef KP_APP_SALE_H
#define KP_APP_SALE_H

#include "core/check.h"

#include <stddef.h>
#include <stdint.h>

#include "app/config.h"
#include "core/basket.h"
#include "core/tender.h"
#include "store/journal.h"

/* The journal's method of a tender kind. */
enum journal_method sale_method_of(enum tender_kind kind);

/* The journal's tender of a resolved part (approval: a card's code, or
 * NULL). */
struct journal_tender sale_tender_of(const struct tender_part *p, const char *approval);

/* Writes the basket as a sale paid whole by tender t (cash or card): one
 * row, final (journal_record_sale). *id and moid get the row and its id. */
bool sale_record(store_db *db, const struct kp_config *cfg, const struct basket *b,
                 int64_t user_id, int64_t shift_id, const struct journal_tender *t, int64_t *id,
                 char moid[JOURNAL_ORDER_ID_SIZE], char *message, size_t size) KP_MUST_CHECK;

#define SALE_LOCK_PATH_MAX 4200 /* the journal's path (config's 4096) and the suffix */

/* A split sale's lock (above), held while fd ≥ 0. */
struct sale_lock {
	int fd;                     /* the locked file; -1: none held */
	char path[SALE_LOCK_PATH_MAX];
};

/* A lock that holds nothing: set every struct sale_lock to it first. */
#define SALE_LOCK_NONE ((struct sale_lock){.fd = -1})

/* Opens the basket as a split sale, pending while its parts are taken
 * (journal_open_split), and takes its lock into *lock (held: release it
 * with sale_lock_release). Refused with a message, nothing left pending,
 * when the lock cannot be had (the journal's folder not writable). */
bool sale_open_split(store_db *db, const struct kp_config *cfg, const struct basket *b,
                     int64_t user_id, int64_t shift_id, int64_t *id,
                     char moid[JOURNAL_ORDER_ID_SIZE], struct sale_lock *lock, char *message,
                     size_t size) KP_MUST_CHECK;

/* Lets lock go (nothing when it holds nothing). settled: the sale is
 * completed or given up, so its file is removed first; else the file
 * stays (the sale is still pending, for reconcile). */
void sale_lock_release(struct sale_lock *lock, bool settled);

/* The split sales still pending (journal_open_splits), listed under the
 * gate: each is locked by the process paying it, or by none. A malloc'd
 * array the caller frees. */
bool sale_pending_splits(store_db *db, struct journal_order **out, size_t *count, char *message,
                         size_t size) KP_MUST_CHECK;

/* What sale_lock_try found. */
enum sale_lock_try {
	SALE_LOCK_TAKEN,            /* *lock holds it: nobody is paying the sale */
	SALE_LOCK_BUSY,             /* another process holds it: the sale is being paid */
	SALE_LOCK_FAILED,           /* the file could not be opened or locked (message) */
};

/* Takes the lock of split sale moid without waiting (reconcile). */
enum sale_lock_try sale_lock_try(store_db *db, const char *moid, struct sale_lock *lock,
                                 char *message, size_t size) KP_MUST_CHECK;

/* A Kaspi part that paid, named when its sale is given up. */
struct sale_paid_part {
	int64_t order_id;
	char merchant_order_id[JOURNAL_ORDER_ID_SIZE];
	int64_t amount;
};

/* Gives up split sale id (pending) for user_id: cancelled when no Kaspi
 * part paid, else abandoned, the paid parts (at most cap) in paid[], *n
 * of them, for the cashier to refund or settle. Refused (false, message)
 * while a part is still open on the server, or when the sale is not
 * pending. */
bool sale_give_up_split(store_db *db, int64_t id, int64_t user_id, struct sale_paid_part *paid,
                        size_t cap, size_t *n, char *message, size_t size) KP_MUST_CHECK;

#endif
