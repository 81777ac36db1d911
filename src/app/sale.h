/* sale.h — writing a sale that is not one Kaspi order, the same for the
 * tender screen and `kaspi-pos sale`: a sale in one cash or card tender,
 * a split sale opened for its parts, and given up. (A Kaspi part is
 * payflow_start_part; the completion journal_complete_split; the rules of
 * the amounts are core/tender.h's.) */
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

/* Opens the basket as a split sale, pending while its parts are taken
 * (journal_open_split). */
bool sale_open_split(store_db *db, const struct kp_config *cfg, const struct basket *b,
                     int64_t user_id, int64_t shift_id, int64_t *id,
                     char moid[JOURNAL_ORDER_ID_SIZE], char *message, size_t size) KP_MUST_CHECK;

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
