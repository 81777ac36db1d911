/* db.h — the till's SQLite database: opening, schema migrations, errors.
 *
 * One file, $KASPI_POS_HOME/kaspi-pos.db, holds the catalog, the users,
 * the append-only events, the shifts, the held baskets and the payment
 * journal (journal.h). It is opened in WAL mode with synchronous=FULL,
 * foreign keys on and a busy time-out, and brought to the newest schema
 * by forward migrations counted in PRAGMA user_version (db.c lists them;
 * each runs in one transaction).
 *
 * Errors are values: every function that can fail returns a store_status
 * and fills a store_err with a message for the cashier (one entry of the
 * store's table, store/messages.h: "the disk is full: ..."), never a
 * stack of SQLite messages. The store does not translate it: the app says
 * it in the reader's language with kp_msg_text(&err.msg) (app/i18n.h).
 *
 * Threads: a store_db belongs to one thread (the UI thread, DESIGN.md).
 * Times in the database are Unix seconds (INTEGER). */
#ifndef KP_STORE_DB_H
#define KP_STORE_DB_H

#include "core/check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "core/msg.h"
#include "store/messages.h"

#define STORE_DB_FILE "kaspi-pos.db"  /* the file's name inside the home folder */
#define STORE_BUSY_TIMEOUT_MS 5000    /* wait this long for another process's lock */

/* What came of a call. */
typedef enum store_status {
	STORE_OK = 0,
	STORE_NOT_FOUND,        /* the lookup found nothing: not a failure of the store */
	STORE_ERR_INPUT,        /* a value the store refuses (empty name, bad PIN format...) */
	STORE_ERR_EXISTS,       /* a unique name or code is taken */
	STORE_ERR_TRANSITION,   /* a move the journal's state machine forbids: nothing changed */
	STORE_ERR_STATE,        /* the row is no longer in the state the caller read (another
	                         * path moved it first): nothing changed; read it again */
	STORE_ERR_OPEN,         /* the file or its folder cannot be opened or created */
	STORE_ERR_NOTADB,       /* the file is not a database, or is damaged */
	STORE_ERR_FULL,         /* the disk is full: nothing was saved */
	STORE_ERR_BUSY,         /* another process holds the database locked */
	STORE_ERR_READONLY,     /* the file or its folder is read-only */
	STORE_ERR_IO,           /* a disk error */
	STORE_ERR_VERSION,      /* the file is from a newer kaspi-pos */
	STORE_ERR_NOMEM,        /* out of memory */
	STORE_ERR_INTERNAL,     /* any other SQLite failure (a bug, most likely) */
} store_status;

typedef struct store_err {
	store_status status;
	struct kp_msg msg;     /* for the cashier (an entry of store/messages.h); none on success */
} store_err;

typedef struct store_db store_db;

/* Opens (creating if needed, mode 0600) the database file at path, sets
 * WAL, synchronous=FULL, foreign keys and the busy time-out, and runs the
 * migrations it lacks. On failure *out is NULL and err says why. */
store_status db_open(const char *path, store_db **out, store_err *err) KP_MUST_CHECK;

/* Creates the folder home like `mkdir -p` (new folders mode 0700), then
 * opens home/kaspi-pos.db as db_open does. */
store_status db_open_home(const char *home, store_db **out, store_err *err) KP_MUST_CHECK;

/* Closes the database; NULL is fine. */
void db_close(store_db *db);

/* The SQLite connection, for other store modules. Never close it. */
sqlite3 *db_sqlite(store_db *db);

/* The path given to db_open. */
const char *db_path(const store_db *db);

/* The schema version of the open file (PRAGMA user_version). */
int db_schema_version(store_db *db);

/* The newest schema version this build knows. */
int db_schema_latest(void);

/* The time the store writes and compares ("now"): time(NULL) unless a
 * test set a clock with db_set_clock. */
time_t db_now(const store_db *db);
void db_set_clock(store_db *db, time_t (*clock)(void));

/* Transactions. db_begin takes the write lock at once (BEGIN IMMEDIATE),
 * so a transaction that reads, then writes, never fails half-way on a
 * lock. They do not nest. db_rollback never fails (errors are ignored). */
store_status db_begin(store_db *db, store_err *err) KP_MUST_CHECK;
store_status db_commit(store_db *db, store_err *err) KP_MUST_CHECK;
void db_rollback(store_db *db);

/* Prepares one statement; on failure fills err and returns its status. */
store_status db_prepare(store_db *db, const char *sql, sqlite3_stmt **stmt, store_err *err) KP_MUST_CHECK;

/* Turns a failed SQLite result code into a status and one of a few
 * messages a cashier can act on (the disk is full, the file is read-only,
 * busy, damaged...). Returns the status. */
store_status db_fail(store_db *db, int rc, store_err *err) KP_MUST_CHECK;

/* store_set_err(err, status, NAME, args...) fills err (may be NULL) with
 * status and the message STORE_MSG_NAME of store/messages.h, its
 * arguments checked against it as printf's are and made one line; it
 * evaluates to status. err is evaluated twice. */
#define store_set_err(err, status, name, ...)                                          \
	(kp_msg_set(store_err_msg(err), STORE_MSG_##name, ##__VA_ARGS__),                 \
	 store_err_status((err), (status)))

/* err's message to set, or a scratch one when err is NULL (store_set_err). */
struct kp_msg *store_err_msg(store_err *err);

/* Sets err's status (err may be NULL), its message's arguments made one
 * line; returns status (store_set_err). */
store_status store_err_status(store_err *err, store_status status);

/* Clears err to STORE_OK and no message. */
void store_err_clear(store_err *err);

/* m packed into buf (kp_msg_pack, JOURNAL_TEXT_SIZE-sized columns): each
 * argument made one line with no separator in it, the longest cut (at a
 * character boundary) until it fits. For a timeline's detail. */
void store_msg_pack(const struct kp_msg *m, char *buf, size_t size);

#endif
