/* sale.h — what the till and the headless commands do to a split sale
 * beyond its parts: give it up. (Its parts are payflow_start_part and
 * journal_complete_split; the rules of the amounts are core/tender.h.) */
#ifndef KP_APP_SALE_H
#define KP_APP_SALE_H

#include "core/check.h"

#include <stddef.h>
#include <stdint.h>

#include "store/journal.h"

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
