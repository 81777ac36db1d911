/* messages.h — every text the store gives a person: its one table of
 * messages (N_() msgids, printf formats), for a store_err (db.h), a
 * catalog import's problems (catalog.h) and the notes it writes into an
 * order's timeline (journal.h, refunds.h). The store never builds a
 * sentence: it sets a struct kp_msg (core/msg.h) to one of these with its
 * arguments, and the app says it in the reader's language (app/i18n.h,
 * kp_msg_text). An argument is never an English word: it is a name, a
 * number, an id, a path, a sum, or the C library's or SQLite's own text
 * (strerror, sqlite3_errmsg).
 *
 * Why macros and not an enum indexing an array (basket_status_message's
 * shape): the status of a store_err is already its code, what a caller
 * decides on; the message is for the person. Each entry here is a string
 * constant, so the compiler checks every call's arguments against its
 * text as it does printf's, and store_set_err / store_msg take the
 * entry's name (DISK_FULL for STORE_MSG_DISK_FULL), so that a sentence
 * written anywhere else does not compile. Adding a message: add it here
 * and its Russian and Kazakh to data/po.
 *
 * Entries are grouped by the module that uses them; those several use
 * come first. */
#ifndef KP_STORE_MESSAGES_H
#define KP_STORE_MESSAGES_H

#include "core/msg.h"

#ifndef N_
#define N_(s) (s)
/* ---- outbox.c: the journal's changes for the hub --------------------------- */
/* a row's seq */
#define STORE_MSG_OUTBOX_DAMAGED N_("the journal's outbox row %lld is damaged: its hash is not 64 characters")
/* the seq the hub answered, the journal's newest */
#define STORE_MSG_OUTBOX_ACK_BEYOND N_("the hub says it holds row %lld, but the journal's newest is %lld: check the hub's till and database")

/* ---- hubver.c: what the till takes from the hub ------------------------- */
/* the number the hub sent */
#define STORE_MSG_HUB_VERSION N_("the hub's version number %lld is not one")

/* ---- cash.c: the cash in the drawer -------------------------------------- */
#define STORE_MSG_CASH_KIND N_("a cash movement is a float, cash in or cash out")
#define STORE_MSG_CASH_AMOUNT N_("the amount of cash in or out must be 0,01 to 100 000 000 tenge")
#define STORE_MSG_CASH_FLOAT_AMOUNT N_("the float must be 0 to 100 000 000 tenge")
#define STORE_MSG_CASH_REASON N_("cash in or out needs a reason of 1 to %d characters on one line")
#define STORE_MSG_CASH_FLOAT_REASON N_("the float's note must be at most %d characters on one line")
#define STORE_MSG_CASH_NO_SHIFT N_("shift %lld is not open: cash goes into the open shift only")
/* the sum asked, the sum the drawer should hold */
#define STORE_MSG_CASH_OUT_OVER N_("%s is more than the %s the drawer should hold: nothing was taken out")
#define STORE_MSG_CASH_NEEDS_MANAGER N_("cash out and a float (or a change of it) need a manager's approval")
/* a Z report of a shift that had cash */
#define STORE_MSG_Z_NEEDS_COUNT N_("the shift had cash: count the drawer first; the Z report needs the cash counted")
#define STORE_MSG_Z_COUNT_RANGE N_("the cash counted must be 0 to 100 000 000 tenge")

#endif

/* kp_msg_set(m, STORE_MSG_name, args...): m is the table's entry name. */
#define store_msg(m, name, ...) kp_msg_set((m), STORE_MSG_##name, ##__VA_ARGS__)

/* ---- shared ---------------------------------------------------------------- */
#define STORE_MSG_NO_MEMORY N_("out of memory: close other programs or restart the till")
#define STORE_MSG_NO_USER N_("there is no user #%lld")
#define STORE_MSG_NO_ORDER N_("there is no order #%lld")
#define STORE_MSG_NO_REFUND N_("there is no refund #%lld")
#define STORE_MSG_TILL_ID N_("the till id must be 1-%d letters and digits, like T01")
#define STORE_MSG_VAT_RATE N_("the VAT rate must be 0 to 100")
/* an order's or a refund's row that a newer kaspi-pos wrote: "#12" or its id */
#define STORE_MSG_ORDER_NEWER_STATE N_("order %s has a state this kaspi-pos does not know: update kaspi-pos")
#define STORE_MSG_REFUND_NEWER_STATE N_("refund #%lld has a state this kaspi-pos does not know: update kaspi-pos")

/* ---- receipts.c: fiscal receipts -------------------------------------------- */
#define STORE_MSG_NO_RECEIPT N_("there is no fiscal receipt #%lld")
#define STORE_MSG_RECEIPT_STATE N_("fiscal receipt #%lld is %s already: nothing changed")

/* ---- db.c: SQLite's failures, opening ------------------------------------- */
/* What was being done is not said: the cashier knows what they just did,
 * and the remedy does not depend on it. */
#define STORE_MSG_DB_DAMAGED N_("%s is not a kaspi-pos database or is damaged: move it aside and restore the last backup")
#define STORE_MSG_DB_DISK_FULL N_("the disk is full: nothing was saved; free some space and try again")
#define STORE_MSG_DB_CANNOT_OPEN N_("cannot open %s: check that its folder exists and is writable")
#define STORE_MSG_DB_READ_ONLY N_("cannot write %s: check the owner and permissions of the file and its folder")
#define STORE_MSG_DB_BUSY N_("the database is busy (another kaspi-pos is using it): try again")
#define STORE_MSG_DB_DISK_ERROR N_("a disk error: nothing was saved; check the disk, then try again")
/* the argument is SQLite's own text, for whoever looks into it */
#define STORE_MSG_DB_ERROR N_("database error: %s")
#define STORE_MSG_DB_NO_WAL N_("%s cannot use write-ahead logging (a network drive?): keep it on a local disk")
#define STORE_MSG_DB_OTHER_PROGRAM N_("%s is a database of another program, not kaspi-pos: set KASPI_POS_HOME to another folder")
#define STORE_MSG_DB_NEWER N_("%s was written by a newer kaspi-pos (schema %d, this one knows %d): update kaspi-pos")
#define STORE_MSG_DB_MIGRATE_LINKS N_("%s: upgrading the journal to schema %d would leave %d broken links: nothing was changed; keep the file and tell the support")
#define STORE_MSG_DB_CREATE_FULL N_("the disk is full: cannot create %s; free some space and try again")
#define STORE_MSG_DB_CREATE_DENIED N_("cannot create %s (%s): check the folder's owner and permissions")
#define STORE_MSG_DB_CREATE_FAILED N_("cannot create %s: %s")
#define STORE_MSG_DB_NO_FILE N_("no database file given")
#define STORE_MSG_DB_NO_HOME N_("no data folder: set KASPI_POS_HOME or HOME")
#define STORE_MSG_DB_HOME_NAME N_("the data folder's name is empty or too long")
#define STORE_MSG_DB_HOME_CREATE N_("cannot create the data folder %s: %s")
#define STORE_MSG_DB_HOME_NOT_FOLDER N_("the data folder %s is not a folder")

/* ---- catalog.c: the import's file --------------------------------------- */
#define STORE_MSG_CATALOG_TOO_BIG N_("the catalog file is larger than %ld MB")
#define STORE_MSG_CATALOG_PROBLEMS N_("the catalog file has problems (%ld): nothing imported")
#define STORE_MSG_FILE_CANNOT_OPEN N_("cannot open %s: %s")
#define STORE_MSG_FILE_NOT_A_FILE N_("%s is not a file")
#define STORE_MSG_FILE_TOO_BIG N_("%s is larger than %ld MB")
#define STORE_MSG_FILE_CANNOT_READ N_("cannot read %s: %s")

/* ---- catalog.c: a problem on a line of the file (the column names are
 * the file's own header words, sku, name_ru..., and stay as they are) ---- */
#define STORE_MSG_CSV_NOT_UTF8 N_("%s is not valid UTF-8: save the file as UTF-8 (CSV UTF-8)")
#define STORE_MSG_CSV_CONTROL N_("%s contains a line break or control character")
#define STORE_MSG_CSV_TOO_LONG N_("%s is too long: at most %ld characters (%zu bytes)")
#define STORE_MSG_CSV_BARCODE N_("barcode \"%s\" is not an EAN-13 or EAN-8 (13 or 8 digits)")
#define STORE_MSG_CSV_CHECK_DIGIT N_("bad EAN-%zu check digit in \"%s\" (expected %d)")
#define STORE_MSG_CSV_SKU_EMPTY N_("sku is empty")
#define STORE_MSG_CSV_SKU N_("sku \"%s\" must be 1-%d Latin letters, digits or signs, without spaces")
#define STORE_MSG_CSV_PRICE_EMPTY N_("price is empty")
#define STORE_MSG_CSV_PRICE N_("bad price \"%s\": write tenge like 1500 or 1500.50")
#define STORE_MSG_CSV_PRICE_ZERO N_("price \"%s\" must be more than 0")
#define STORE_MSG_CSV_PRICE_OVER N_("price \"%s\" is above 1000000 tenge, the most one payment takes")
#define STORE_MSG_CSV_TAX_RATE N_("bad tax_rate \"%s\": a whole VAT percent from 0 to 100")
#define STORE_MSG_CSV_PLU N_("bad plu \"%s\": the product's code on the scales, 1 to 999999, or empty")
#define STORE_MSG_CSV_DUP_PLU N_("duplicate plu \"%s\" (also on line %ld)")
#define STORE_MSG_CSV_QUOTE_OPEN N_("a quoted field never closes (a \" is missing)")
#define STORE_MSG_CSV_AFTER_QUOTE N_("text after a closing quote: put the whole field in quotes")
#define STORE_MSG_CSV_STRAY_QUOTE N_("a quote inside an unquoted field: quote the whole field and double its quotes (\"\")")
#define STORE_MSG_CSV_NUL N_("a NUL byte: is this a text (CSV) file?")
#define STORE_MSG_CSV_HEADER_COLUMNS N_("%d columns in the header; expected %d: sku,barcode,name_ru,name_kk,unit,price,tax_rate")
#define STORE_MSG_CSV_HEADER_UNKNOWN N_("unknown column \"%s\" in the header (expected sku,barcode,name_ru,name_kk,unit,price,tax_rate and plu)")
#define STORE_MSG_CSV_HEADER_TWICE N_("column \"%s\" appears twice in the header")
#define STORE_MSG_CSV_HEADER_MISSING N_("the header has no \"%s\" column")
#define STORE_MSG_CSV_FIELDS N_("%d fields, expected %d (a comma inside a name must be quoted)")
#define STORE_MSG_CSV_DUP_SKU N_("duplicate sku \"%s\" (also on line %ld)")
#define STORE_MSG_CSV_DUP_BARCODE N_("duplicate barcode \"%s\" (also on line %ld)")
#define STORE_MSG_CSV_NAME_EMPTY N_("name_ru is empty")
#define STORE_MSG_CSV_EMPTY N_("the file is empty: it needs the header sku,barcode,name_ru,name_kk,unit,price,tax_rate")
#define STORE_MSG_CSV_NO_ROWS N_("no products after the header: an empty catalog is not imported")

/* ---- events.c, held.c, shifts.c ---------------------------------------- */
#define STORE_MSG_EVENT_NO_KIND N_("an event needs a kind")
#define STORE_MSG_HELD_EMPTY N_("the basket to hold is empty")
#define STORE_MSG_HELD_TOO_BIG N_("the basket is too big to hold")
#define STORE_MSG_HELD_LABEL N_("the label is too long or not valid text")
#define STORE_MSG_SHIFT_READ_BACK N_("the new shift cannot be read back")
#define STORE_MSG_SHIFT_NOT_OPEN N_("shift %lld is not open")

/* ---- users.c, and app/pin.c, which hashes the PINs users.c stores -------- */
#define STORE_MSG_USER_NAME_EMPTY N_("the user name is empty")
#define STORE_MSG_USER_NAME_UTF8 N_("the user name is not valid UTF-8")
#define STORE_MSG_USER_NAME_LONG N_("the user name is too long (at most 32 characters)")
#define STORE_MSG_USER_NAME_SPACE N_("the user name starts or ends with a space")
#define STORE_MSG_USER_NAME_CONTROL N_("the user name contains a control character")
#define STORE_MSG_USER_NO_PIN N_("a user needs a hashed PIN")
#define STORE_MSG_USER_EXISTS N_("a user named \"%s\" already exists")
#define STORE_MSG_USER_NAME_AND_PIN N_("a name and a PIN are needed")
#define STORE_MSG_PIN_DIGITS N_("a PIN is %d to %d digits")
#define STORE_MSG_PIN_NO_RANDOM N_("cannot hash the PIN (no random bytes from OpenSSL): try again")

/* ---- journal.c: what an order may be ----------------------------------- */
#define STORE_MSG_LINE_NAME N_("line %zu has no name, or one too long or not valid text")
#define STORE_MSG_LINE_NAME_KK N_("line %zu has a Kazakh name too long or not valid text")
#define STORE_MSG_LINE_CODES N_("line %zu has an SKU or barcode too long or not valid text")
#define STORE_MSG_LINE_RANGE N_("line %zu has a quantity, price or VAT rate out of range")
#define STORE_MSG_LINE_TOO_LARGE N_("line %zu is too large")
#define STORE_MSG_LINE_SUM N_("line %zu: its discount or total does not add up")
#define STORE_MSG_LINE_WEIGHT N_("line %zu is sold by weight but its weight, price per unit or amount is out of range")
#define STORE_MSG_LINE_UNIT N_("line %zu has a unit too long or not valid text")
#define STORE_MSG_ORDER_NONE N_("no order to write")
#define STORE_MSG_ORDER_NO_SHIFT N_("an order needs an open shift")
#define STORE_MSG_METHOD_UNKNOWN N_("unknown payment method")
#define STORE_MSG_METHOD_WRONG_CALL N_("a sale paid that way is written another way (a bug)")
#define STORE_MSG_TENDER_KIND N_("a part of a sale must be cash, card, Kaspi QR or Kaspi phone")
#define STORE_MSG_TENDER_AMOUNT N_("a part of a sale must be between 0,01 and 1 000 000 tenge")
#define STORE_MSG_TENDER_CASH N_("the cash given does not cover its part, or its change does not add up")
#define STORE_MSG_TENDER_APPROVAL N_("the card's approval code is too long or not printable")
#define STORE_MSG_TENDER_SUM N_("the parts paid do not add up to sale %s's amount")
#define STORE_MSG_TENDER_MANY N_("sale %s has too many parts")
#define STORE_MSG_TENDER_OPEN N_("sale %s still has a Kaspi part open: wait for its outcome")
#define STORE_MSG_SPLIT_NOT_OPEN N_("order %s is not a sale waiting for its parts")
#define STORE_MSG_PHONE_FORMAT N_("the buyer's phone must be +77 and 9 digits")
#define STORE_MSG_PHONE_MISSING N_("a payment by phone needs the buyer's phone")
#define STORE_MSG_AMOUNT_RANGE N_("the amount must be between 0,01 and 1 000 000 tenge")
#define STORE_MSG_DESCRIPTION N_("the description is too long or not valid text")
#define STORE_MSG_LINES_NONE N_("no lines given")
#define STORE_MSG_LINES_MAX N_("an order has at most %d lines")
#define STORE_MSG_LINES_SUM N_("the lines add up to another sum than the order's amount")
#define STORE_MSG_ORDER_NUMBERS N_("till %s has used all %d order numbers of the day")
#define STORE_MSG_NO_SHIFT_OR_USER N_("there is no shift #%lld or no user #%lld")
#define STORE_MSG_REQUEST_NOT_MADE N_("the payment request for %s could not be made: nothing was saved")
#define STORE_MSG_REQUEST_SIZE N_("the payment request for %s is empty or over %d bytes: nothing was saved")

/* ---- journal.c: the server's answer, the moves ------------------------- */
#define STORE_MSG_PAYMENT_ID N_("the server's payment id is missing, too long or not printable")
#define STORE_MSG_QR_TOO_LONG N_("the server's QR token is too long")
#define STORE_MSG_EXPIRY N_("the server's expiry time is not valid")
#define STORE_MSG_PAYMENT_NOT_THIS N_("order %s already has payment %s, not %s")
#define STORE_MSG_PAYMENT_OTHER_ORDER N_("payment %s belongs to order %s, not %s")
#define STORE_MSG_MOVED_FIRST N_("order %s was moved by another part of the till first: nothing was changed")
#define STORE_MSG_MOVE_NEEDS_PAYMENT N_("order %s needs the server's payment id for that state")
#define STORE_MSG_MOVE_CHANGED N_("order %s changed while it was being moved")
#define STORE_MSG_STATE_UNKNOWN N_("unknown order state")
/* a fault of the caller: the arguments are the journal's state names */
#define STORE_MSG_MOVE_FORBIDDEN N_("an order cannot go from %s to %s")
#define STORE_MSG_NO_PAYMENT N_("no payment to record")
#define STORE_MSG_NOTE_EMPTY N_("an order's note needs some text")
#define STORE_MSG_CLOSE_NO_REASON N_("closing an order needs a reason")
#define STORE_MSG_CLOSE_NO_MANAGER N_("closing an order needs a manager")
#define STORE_MSG_CLOSE_FINISHED N_("order %s is finished: only an unfinished order can be closed")
#define STORE_MSG_CLOSE_KNOWN N_("order %s is not unknown to the server: reconcile settles it with the server")
#define STORE_MSG_WHICH_ORDER N_("which order? give its number or payment id")
#define STORE_MSG_NO_SUCH_ORDER N_("no order or payment %s in the journal")

/* ---- journal.c: notes in an order's timeline --------------------------- */
#define STORE_MSG_NOTE_PAYMENT N_("payment %s")
/* the argument: why the request failed, as the app gave it */
#define STORE_MSG_NOTE_CREATE_FAILED N_("create request %d: %s")
#define STORE_MSG_NOTE_CREATE_ANSWERED N_("create request %d answered")
#define STORE_MSG_NOTE_UNKNOWN N_("unknown to the server")
#define STORE_MSG_NOTE_KNOWN_AGAIN N_("the server knows the payment again")
/* the argument: the manager's reason, as typed */
#define STORE_MSG_NOTE_CLOSED_UNKNOWN N_("closed as failed by a manager, unknown to the server: %s")

/* ---- refunds.c: the rules ---------------------------------------------- */
#define STORE_MSG_REFUND_NO_LINES N_("order %s has no lines: refund an amount instead")
#define STORE_MSG_REFUND_LINES_MAX N_("a refund has at most %d lines")
#define STORE_MSG_REFUND_NO_LINE N_("order %s has no line %d")
#define STORE_MSG_REFUND_LINE_TWICE N_("line %d is named twice")
#define STORE_MSG_REFUND_LINE_VOIDED N_("line %d was voided: it was not sold")
#define STORE_MSG_REFUND_UNITS N_("line %d: %lld of its %lld units can still be refunded, not %lld")
#define STORE_MSG_REFUND_WEIGHT N_("line %d: %s of its %s can still be refunded, not %s")
#define STORE_MSG_REFUND_RATE_GONE N_("line %d: earlier refunds by amount already gave back the sales at %d%% VAT: refund an amount instead")
#define STORE_MSG_REFUND_COSTS_NOTHING N_("the lines chosen cost nothing: nothing to refund")
#define STORE_MSG_REFUND_LINES_LEFT N_("order %s has %lld tiyn left by its lines, less than the refund")
#define STORE_MSG_REFUND_VAT_SPLIT N_("the refund's VAT split does not add up")
#define STORE_MSG_REFUND_NONE N_("no refund to check")
#define STORE_MSG_REFUND_REASON N_("a refund needs a reason of 1 to %d characters on one line")
#define STORE_MSG_REFUND_BOTH N_("a refund is by amount or by lines, not both")
#define STORE_MSG_REFUND_AMOUNT_MIN N_("a refund amount must be at least 0,01 tenge")
#define STORE_MSG_REFUND_NO_TENDER N_("order %s has no paid tender to give back to")
#define STORE_MSG_REFUND_TENDERS_MANY N_("order %s has more paid tenders than a sale can have (%d)")
#define STORE_MSG_RETURN_AMOUNT N_("a return without a receipt is 0,01 to 1 000 000 tenge")
#define STORE_MSG_REFUND_ALREADY N_("order %s is refunded already: nothing is left")
#define STORE_MSG_REFUND_NOT_PAID N_("order %s was not paid: only a paid order can be refunded")
/* the same, by the order's state (the cashier's words for it, journal.c) */
#define STORE_MSG_REFUND_CREATING N_("order %s is still being created: only a paid order can be refunded")
#define STORE_MSG_REFUND_WAITING N_("order %s is still waiting for payment: only a paid order can be refunded")
#define STORE_MSG_REFUND_DECLINED N_("order %s was declined: only a paid order can be refunded")
#define STORE_MSG_REFUND_FAILED_ORDER N_("order %s failed: only a paid order can be refunded")
#define STORE_MSG_REFUND_EXPIRED N_("order %s expired unpaid: only a paid order can be refunded")
#define STORE_MSG_REFUND_GIVEN_UP N_("order %s was given up: only a paid order can be refunded")
#define STORE_MSG_REFUND_WINDOW N_("order %s was paid more than 90 days ago: it can no longer be refunded")
#define STORE_MSG_REFUND_NOTHING_LEFT N_("nothing is left to refund of order %s")
#define STORE_MSG_REFUND_NOTHING_LEFT_PENDING N_("nothing is left to refund of order %s (refunds are still pending)")
/* the sum asked, the sum left, the order */
#define STORE_MSG_REFUND_OVER N_("%s is more than the %s left of order %s")
#define STORE_MSG_REFUND_OVER_PENDING N_("%s is more than the %s left of order %s (pending refunds included)")

/* ---- refunds.c: writing and settling ----------------------------------- */
#define STORE_MSG_REFUND_NUMBERS N_("till %s has used all %d refund numbers of the day")
#define STORE_MSG_REFUND_TO_WRITE N_("no refund to write")
#define STORE_MSG_REFUND_NO_SHIFT N_("a refund needs an open shift")
#define STORE_MSG_REFUND_NO_MANAGER N_("a refund needs a manager's approval")
#define STORE_MSG_REFUND_NO_ROWS N_("there is no shift #%lld, user #%lld or manager #%lld")
#define STORE_MSG_REFUND_NOT_MADE N_("the refund request %s could not be made: nothing was saved")
#define STORE_MSG_REFUND_SIZE N_("the refund request %s is empty or over %d bytes: nothing was saved")
#define STORE_MSG_REFUND_DONE_ALREADY N_("refund %s is refunded already (%s)")
#define STORE_MSG_REFUND_FAILED_ALREADY N_("refund %s has failed already")
#define STORE_MSG_REFUND_CHANGED N_("refund #%lld changed while it was settled")
#define STORE_MSG_REFUND_OVER_ORDER N_("refund %s is more than is left of order %s in the journal")
#define STORE_MSG_REFUND_ORDER_STATE N_("order %s cannot take refund %s in its state")
#define STORE_MSG_REFUND_ORDER_CHANGED N_("order %s changed while it was refunded")
#define STORE_MSG_REFUND_ID N_("the server's refund id is missing, too long or not printable")
/* a refund's last error when the server gave no reason */
#define STORE_MSG_REFUSED_BY_SERVER N_("refused by the server")

/* ---- refunds.c: notes in the order's timeline -------------------------- */
/* the refund, its sum, the manager, the reason as typed */
#define STORE_MSG_NOTE_REFUND_ASKED N_("refund %s of %s asked, approved by %s: %s")
/* the refund, its sum, the server's refund id */
#define STORE_MSG_NOTE_REFUND_DONE N_("refund %s of %s done (%s)")
/* a refund without a request: id, sum, the manager, the reason */
#define STORE_MSG_NOTE_REFUND_CASH N_("refund %s of %s given back in cash, approved by %s: %s")
#define STORE_MSG_NOTE_REFUND_CARD N_("refund %s of %s given back to the card, approved by %s: %s")
/* written by the schema step that made a split sale count its parts'
 * refunds (db.c): its SQL holds the same words */
#define STORE_MSG_NOTE_PARTS_COUNTED N_("the refunds of its Kaspi parts, counted with the sale")
/* the argument: the server's reason, as the app gave it */
#define STORE_MSG_NOTE_REFUND_REFUSED N_("refund %s refused: %s")
#define STORE_MSG_NOTE_REFUND_REFUSED_BY_SERVER N_("refund %s refused by the server")
#define STORE_MSG_NOTE_REFUND_FAILED N_("refund %s request %d: %s")
#define STORE_MSG_NOTE_REFUND_ANSWERED N_("refund %s request %d answered")

/* ---- reports.c, and app/report_fmt.c, which reads the Z snapshots ------- */
#define STORE_MSG_NO_SHIFT_OPEN N_("no shift is open")
#define STORE_MSG_NOT_A_DATE_N N_("%d is not a date")
#define STORE_MSG_NOT_A_DATE N_("not a date")
#define STORE_MSG_RANGE_BACKWARDS N_("the range ends before it starts")
#define STORE_MSG_Z_NEEDS_MANAGER N_("a Z report needs a manager")
#define STORE_MSG_Z_NOTHING_OPEN N_("no shift is open: there is nothing to close")
#define STORE_MSG_Z_NO_WRITER N_("a Z report needs its snapshot's writer")
#define STORE_MSG_Z_NONE N_("there is no Z report number %lld")
#define STORE_MSG_Z_UNREADABLE N_("Z report %lld cannot be read: its saved copy is damaged")
/* a fault: the table of running totals, a shift, a day, a state name */
#define STORE_MSG_TOTALS_DIFFER N_("the running totals in %s differ from the journal: shift %lld, day %lld, state %s")

/* ---- outbox.c: the journal's changes for the hub --------------------------- */
/* a row's seq */
#define STORE_MSG_OUTBOX_DAMAGED N_("the journal's outbox row %lld is damaged: its hash is not 64 characters")
/* the seq the hub answered, the journal's newest */
#define STORE_MSG_OUTBOX_ACK_BEYOND N_("the hub says it holds row %lld, but the journal's newest is %lld: check the hub's till and database")

/* ---- cash.c: the cash in the drawer -------------------------------------- */
#define STORE_MSG_CASH_KIND N_("a cash movement is a float, cash in or cash out")
#define STORE_MSG_CASH_AMOUNT N_("the amount of cash in or out must be 0,01 to 100 000 000 tenge")
#define STORE_MSG_CASH_FLOAT_AMOUNT N_("the float must be 0 to 100 000 000 tenge")
#define STORE_MSG_CASH_REASON N_("cash in or out needs a reason of 1 to %d characters on one line")
#define STORE_MSG_CASH_FLOAT_REASON N_("the float's note must be at most %d characters on one line")
#define STORE_MSG_CASH_NO_SHIFT N_("shift %lld is not open: cash goes into the open shift only")
/* the sum asked, the sum the drawer should hold */
#define STORE_MSG_CASH_OUT_OVER N_("%s is more than the %s the drawer should hold: nothing was taken out")
#define STORE_MSG_CASH_NEEDS_MANAGER N_("cash out and a float (or a change of it) need a manager's approval")
/* a Z report of a shift that had cash */
#define STORE_MSG_Z_NEEDS_COUNT N_("the shift had cash: count the drawer first; the Z report needs the cash counted")
#define STORE_MSG_Z_COUNT_RANGE N_("the cash counted must be 0 to 100 000 000 tenge")

#endif
