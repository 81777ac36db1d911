/* receipts.h — the fiscal receipts of the journal (schema step 13):
 * one row per sale, return or cash movement to register with the cloud
 * cash register, written by the schema's triggers in the same transaction
 * as the document, while fiscal.provider is a register.
 *
 *   new → pending     the request body written (receipts_set_body), once
 *   pending → registered   the register's answer (receipts_register)
 *   new → skipped     a return of a sale without a receipt (no basis)
 *   pending → refused a cash out the register refused (error 8)
 *
 * A pending receipt is sent, and sent again after an unknown outcome,
 * with the same body and ExternalCheckNumber until it is registered. */
#ifndef KP_STORE_RECEIPTS_H
#define KP_STORE_RECEIPTS_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/db.h"

#define RECEIPT_EXT_SIZE 48
#define RECEIPT_TEXT_SIZE 512
#define RECEIPT_URL_SIZE 512
#define RECEIPT_NUMBER_SIZE 32

enum receipt_kind { RECEIPT_SALE, RECEIPT_RETURN, RECEIPT_CASH_IN, RECEIPT_CASH_OUT };
enum receipt_state {
	RECEIPT_NEW,
	RECEIPT_PENDING,
	RECEIPT_REGISTERED,
	RECEIPT_REFUSED,
	RECEIPT_SKIPPED,
};

struct receipt {
	int64_t id;
	char ext_id[RECEIPT_EXT_SIZE];    /* ExternalCheckNumber */
	enum receipt_kind kind;
	int64_t order_id;                 /* sale, return: the sale; else 0 */
	int64_t refund_row;               /* return: its refund; else 0 */
	int64_t cash_move;                /* cash: the movement; else 0 */
	int64_t shift_id;
	int64_t amount;                   /* tiyn */
	enum receipt_state state;
	int attempts;
	int last_code;
	char last_error[RECEIPT_TEXT_SIZE];
	time_t created_at, updated_at, registered_at;
	char check_number[RECEIPT_NUMBER_SIZE];   /* "" until registered */
	char ticket_url[RECEIPT_URL_SIZE];
	bool offline;
	int fiscal_shift;
	size_t body_len;
};

const char *receipts_kind_name(enum receipt_kind k);
const char *receipts_state_name(enum receipt_state s);

/* Sets the register in use ("none" or "webkassa", its cashbox) from the
 * settings; since is kept while they stay the same. */
store_status receipts_set_provider(store_db *db, const char *provider, const char *cashbox,
                                   store_err *err) KP_MUST_CHECK;

store_status receipts_get(store_db *db, int64_t id, struct receipt *out, store_err *err) KP_MUST_CHECK;
/* The sale receipt of order id (STORE_NOT_FOUND when it has none). */
store_status receipts_of_sale(store_db *db, int64_t order_id, struct receipt *out,
                              store_err *err) KP_MUST_CHECK;
/* Every receipt of order id (its sale and its returns), oldest first. */
store_status receipts_of_order(store_db *db, int64_t order_id, struct receipt **out, size_t *n,
                               store_err *err) KP_MUST_CHECK;
/* Receipts new or pending, oldest first (those the register called a
 * defect, code 9, last), at most max. */
store_status receipts_open(store_db *db, size_t max, struct receipt **out, size_t *n,
                           store_err *err) KP_MUST_CHECK;
/* Count of receipts not yet registered (new, pending) and the oldest one's
 * created_at (0 when none). */
store_status receipts_unsent(store_db *db, long *count, time_t *oldest, store_err *err) KP_MUST_CHECK;

/* Count of receipts not yet registered whose last refusal was code (11:
 * those that wait for the register's Z). */
store_status receipts_waiting_on(store_db *db, int code, long *count, store_err *err) KP_MUST_CHECK;

/* Why the register last refused a receipt that still waits: the code and
 * the message of the one most recently tried with a code (*code 0 and ""
 * when none has one). */
store_status receipts_last_refusal(store_db *db, int *code, char *why, size_t size,
                                   store_err *err) KP_MUST_CHECK;

/* Calls fn with the kind and request body of every sale and return
 * receipt registered in the register's shift number fiscal_shift. */
typedef void (*receipts_body_fn)(void *arg, enum receipt_kind kind, const char *body);
store_status receipts_each_in_shift(store_db *db, int fiscal_shift, receipts_body_fn fn, void *arg,
                                    store_err *err) KP_MUST_CHECK;

store_status receipts_body(store_db *db, int64_t id, char **body, size_t *len, store_err *err) KP_MUST_CHECK;
/* new → pending with its body (written once). */
store_status receipts_set_body(store_db *db, int64_t id, const char *body, size_t len,
                               store_err *err) KP_MUST_CHECK;
/* new → skipped, or pending → refused, with why. */
store_status receipts_close(store_db *db, int64_t id, enum receipt_state to, int code,
                            const char *why, store_err *err) KP_MUST_CHECK;
/* A send whose outcome was unknown or refused for now: attempts + 1. */
store_status receipts_note_attempt(store_db *db, int64_t id, int code, const char *why,
                                   store_err *err) KP_MUST_CHECK;
/* pending → registered with the register's answer (ticket: JSON kept for
 * reprints). STORE_ERR_STATE when it is registered already. */
store_status receipts_register(store_db *db, int64_t id, const char *check_number,
                               const char *ticket_url, bool offline, int fiscal_shift,
                               const char *ticket, store_err *err) KP_MUST_CHECK;
/* The ticket JSON of a registered receipt (malloc'd; NULL when none). */
store_status receipts_ticket(store_db *db, int64_t id, char **ticket, store_err *err) KP_MUST_CHECK;

/* What the till knows of the register (schema step 14), from its answers. */
struct fiscal_register {
	int shift;                  /* the shift number last seen; 0: none yet */
	time_t opened_at;           /* its first document, the register's clock; 0: unknown */
	bool closed;                /* a Z closed it (the next document opens shift + 1) */
	long skew;                  /* seconds: the register's clock − the till's */
	time_t offline_since;       /* the first answer offline, its clock; 0: online */
	int refusal;                /* 11 or 18 while it stops sales; 0 */
	time_t refusal_at;          /* the till's clock then */
	time_t answered_at;         /* the till's clock at the last answer; 0: never */
};

store_status receipts_register_state(store_db *db, struct fiscal_register *out,
                                     store_err *err) KP_MUST_CHECK;
/* A document taken: its shift number (> 0), the register's time of it
 * (0: unknown) and offline mark. A shift number above the last opens
 * that shift at `at`; the skew is set from `at` and the till's clock;
 * any refusal is cleared (the register takes documents again). */
store_status receipts_note_answer(store_db *db, int shift, time_t at, bool offline,
                                  store_err *err) KP_MUST_CHECK;
/* The register refused a document with code (11 or 18): sales stop. */
store_status receipts_note_refusal(store_db *db, int code, store_err *err) KP_MUST_CHECK;
/* A Z closed the register's shift number shift (0: the one last seen;
 * also when the register had none open): a refusal 11 is cleared. */
store_status receipts_note_z(store_db *db, int shift, store_err *err) KP_MUST_CHECK;

#endif
