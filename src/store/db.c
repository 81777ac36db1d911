/* db.c — opening the database, its pragmas, the schema migrations and the
 * translation of SQLite's result codes into lines a cashier can act on. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db.h"
#include "store/outbox.h"

/* PRAGMA application_id of a kaspi-pos database ("KPOS"): tells our file
 * from another program's SQLite file. */
#define DB_APPLICATION_ID 0x4B504F53

struct store_db {
	sqlite3 *sql;
	char *path;               /* as given to db_open */
	time_t (*clock)(void);    /* NULL: time(NULL) */
};

/* The schema, one step per entry: entry N (0-based) takes user_version N
 * to N+1 in one transaction. Never edit a released entry; append a new
 * one (refunds, reports, ... come in later steps).
 *
 * Conventions: times are Unix seconds; money is INTEGER tiyn; VAT rates
 * are whole percent. */
static const char *const migrations[] = {
	/* 1: catalog with name search, users, events, shifts, held baskets */
	"CREATE TABLE products (\n"
	"  id       INTEGER PRIMARY KEY,\n"
	"  sku      TEXT NOT NULL COLLATE NOCASE CHECK (sku <> ''),\n"
	"  barcode  TEXT CHECK (barcode IS NULL OR barcode <> ''),\n"
	"  name_ru  TEXT NOT NULL CHECK (name_ru <> ''),\n"
	"  name_kk  TEXT NOT NULL DEFAULT '',\n"
	"  unit     TEXT NOT NULL DEFAULT 'шт',\n"
	"  price    INTEGER NOT NULL CHECK (price >= 0),\n"
	"  tax_rate INTEGER NOT NULL CHECK (tax_rate BETWEEN 0 AND 100)\n"
	");\n"
	"CREATE UNIQUE INDEX products_sku ON products(sku);\n"
	"CREATE UNIQUE INDEX products_barcode ON products(barcode);\n"
	/* Name search: an external-content FTS5 index kept by triggers. The
	 * unicode61 tokenizer folds case for Cyrillic and the Kazakh letters
	 * (Ә→ә, Ғ→ғ, Қ→қ, Ң→ң, Ө→ө, Ұ→ұ, Ү→ү, Һ→һ, І→і); remove_diacritics 0
	 * keeps й and ё apart from и and е. prefix='2 3' speeds up the short
	 * prefixes a cashier types first. */
	"CREATE VIRTUAL TABLE products_fts USING fts5(\n"
	"  name_ru, name_kk, sku,\n"
	"  content='products', content_rowid='id',\n"
	"  tokenize='unicode61 remove_diacritics 0', prefix='2 3'\n"
	");\n"
	"CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN\n"
	"  INSERT INTO products_fts(rowid, name_ru, name_kk, sku)\n"
	"    VALUES (new.id, new.name_ru, new.name_kk, new.sku);\n"
	"END;\n"
	"CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN\n"
	"  INSERT INTO products_fts(products_fts, rowid, name_ru, name_kk, sku)\n"
	"    VALUES ('delete', old.id, old.name_ru, old.name_kk, old.sku);\n"
	"END;\n"
	"CREATE TRIGGER products_fts_update AFTER UPDATE OF name_ru, name_kk, sku ON products\n"
	"  WHEN old.name_ru IS NOT new.name_ru OR old.name_kk IS NOT new.name_kk\n"
	"    OR old.sku IS NOT new.sku BEGIN\n"
	"  INSERT INTO products_fts(products_fts, rowid, name_ru, name_kk, sku)\n"
	"    VALUES ('delete', old.id, old.name_ru, old.name_kk, old.sku);\n"
	"  INSERT INTO products_fts(rowid, name_ru, name_kk, sku)\n"
	"    VALUES (new.id, new.name_ru, new.name_kk, new.sku);\n"
	"END;\n"
	"CREATE TABLE users (\n"
	"  id             INTEGER PRIMARY KEY,\n"
	"  name           TEXT NOT NULL UNIQUE CHECK (name <> ''),\n"
	"  role           TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),\n"
	"  pin_salt       BLOB NOT NULL CHECK (length(pin_salt) = 16),\n"
	"  pin_hash       BLOB NOT NULL CHECK (length(pin_hash) = 32),\n"
	"  pin_iterations INTEGER NOT NULL CHECK (pin_iterations > 0),\n"
	"  failed_count   INTEGER NOT NULL DEFAULT 0, -- wrong PINs since the last success or lock\n"
	"  locked_until   INTEGER NOT NULL DEFAULT 0, -- Unix seconds; 0 = never locked\n"
	"  created_at     INTEGER NOT NULL\n"
	");\n"
	/* Append-only: the triggers refuse every change to a written row. */
	"CREATE TABLE events (\n"
	"  id      INTEGER PRIMARY KEY,\n"
	"  at      INTEGER NOT NULL,\n"
	"  user_id INTEGER REFERENCES users(id),\n"
	"  kind    TEXT NOT NULL CHECK (kind <> ''),\n"
	"  detail  TEXT NOT NULL DEFAULT ''\n"
	");\n"
	"CREATE INDEX events_at ON events(at);\n"
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN\n"
	"  SELECT RAISE(ABORT, 'events are append-only');\n"
	"END;\n"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN\n"
	"  SELECT RAISE(ABORT, 'events are append-only');\n"
	"END;\n"
	"CREATE TABLE shifts (\n"
	"  id        INTEGER PRIMARY KEY,\n"
	"  opened_at INTEGER NOT NULL,\n"
	"  opened_by INTEGER REFERENCES users(id), -- NULL: opened by a headless command\n"
	"  closed_at INTEGER,                      -- NULL while open\n"
	"  z_number  INTEGER UNIQUE                -- given when the Z report closes it\n"
	");\n"
	/* At most one open shift: every open row has the same key, 1. */
	"CREATE UNIQUE INDEX shifts_one_open ON shifts((closed_at IS NULL)) WHERE closed_at IS NULL;\n"
	"CREATE TABLE held_baskets (\n"
	"  id      INTEGER PRIMARY KEY,\n"
	"  held_at INTEGER NOT NULL,\n"
	"  user_id INTEGER REFERENCES users(id),\n"
	"  label   TEXT NOT NULL DEFAULT '',\n"
	"  content TEXT NOT NULL  -- the basket as its owner serialised it\n"
	");\n",

	/* 2: the payment journal (journal.h): orders, their lines, their
	 * timelines. What an order asked the server for (id, amount, method,
	 * body...) never changes once written, a payment id once learnt never
	 * changes, and nothing is ever deleted: the triggers refuse it. Which
	 * state may follow which is journal.c's table; the schema only knows
	 * the names. merchant_order_id is till-day-sequence, kept as its
	 * parts too so that the next number is one indexed max(). */
	"CREATE TABLE orders (\n"
	"  id                INTEGER PRIMARY KEY,\n"
	"  merchant_order_id TEXT NOT NULL UNIQUE,\n"
	"  till_id           TEXT NOT NULL CHECK (till_id <> ''),\n"
	"  day               INTEGER NOT NULL,  -- Almaty date of created_at, YYYYMMDD\n"
	"  day_seq           INTEGER NOT NULL CHECK (day_seq BETWEEN 1 AND 999999),\n"
	"  shift_id          INTEGER NOT NULL REFERENCES shifts(id),\n"
	"  user_id           INTEGER REFERENCES users(id),  -- NULL: a headless command\n"
	"  method            TEXT NOT NULL CHECK (method IN ('qr', 'phone')),\n"
	"  payer_phone       TEXT CHECK (payer_phone IS NULL OR payer_phone <> ''),\n"
	"  amount            INTEGER NOT NULL CHECK (amount > 0),\n"
	"  description       TEXT NOT NULL DEFAULT '',\n"
	"  state             TEXT NOT NULL CHECK (state IN ('creating', 'pending', 'succeeded',\n"
	"                      'cancelled', 'failed', 'expired', 'abandoned', 'late_paid',\n"
	"                      'partially_refunded', 'refunded')),\n"
	"  request_body      TEXT NOT NULL CHECK (request_body <> ''),  -- the create's exact bytes\n"
	"  payment_id        TEXT CHECK (payment_id IS NULL OR payment_id <> ''),  -- the server's\n"
	"  qr_token          TEXT,\n"
	"  expires_at        INTEGER,\n"
	"  created_at        INTEGER NOT NULL,\n"
	"  updated_at        INTEGER NOT NULL,\n"
	"  attempts          INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),  -- create sends\n"
	"  last_error        TEXT NOT NULL DEFAULT '',\n"
	"  refunded_amount   INTEGER NOT NULL DEFAULT 0 CHECK (refunded_amount BETWEEN 0 AND amount),\n"
	"  alert             INTEGER NOT NULL DEFAULT 0 CHECK (alert IN (0, 1)),  -- late payment\n"
	"  UNIQUE (till_id, day, day_seq),\n"
	"  CHECK (merchant_order_id = till_id || '-' || day || '-' || printf('%06d', day_seq)),\n"
	"  CHECK (method <> 'phone' OR payer_phone IS NOT NULL),\n"
	/* a payment that may have happened is always traceable on the server */
	"  CHECK (payment_id IS NOT NULL\n"
	"         OR state IN ('creating', 'abandoned', 'failed', 'cancelled', 'expired'))\n"
	");\n"
	"CREATE INDEX orders_state ON orders(state);\n"
	"CREATE UNIQUE INDEX orders_payment_id ON orders(payment_id) WHERE payment_id IS NOT NULL;\n"
	"CREATE INDEX orders_created_at ON orders(created_at);\n"
	"CREATE INDEX orders_shift ON orders(shift_id, created_at);\n"
	"CREATE INDEX orders_alert ON orders(id) WHERE alert = 1;\n"
	"CREATE TRIGGER orders_fixed BEFORE UPDATE OF merchant_order_id, till_id, day, day_seq,\n"
	"  shift_id, user_id, method, payer_phone, amount, description, request_body, created_at\n"
	"  ON orders BEGIN\n"
	"  SELECT RAISE(ABORT, 'what an order asked for never changes');\n"
	"END;\n"
	"CREATE TRIGGER orders_payment_once BEFORE UPDATE OF payment_id ON orders\n"
	"  WHEN old.payment_id IS NOT NULL AND new.payment_id IS NOT old.payment_id BEGIN\n"
	"  SELECT RAISE(ABORT, 'an order''s payment id never changes');\n"
	"END;\n"
	"CREATE TRIGGER orders_no_delete BEFORE DELETE ON orders BEGIN\n"
	"  SELECT RAISE(ABORT, 'orders are never deleted');\n"
	"END;\n"
	/* Lines as sold, voided ones too (the reports count them). No link
	 * to products: a catalog import may replace the row. */
	"CREATE TABLE order_lines (\n"
	"  order_id   INTEGER NOT NULL REFERENCES orders(id),\n"
	"  line_no    INTEGER NOT NULL CHECK (line_no >= 1),\n"
	"  product_id INTEGER,  -- the catalog row when sold; NULL: not from the catalog\n"
	"  sku        TEXT NOT NULL DEFAULT '',\n"
	"  barcode    TEXT NOT NULL DEFAULT '',\n"
	"  name       TEXT NOT NULL CHECK (name <> ''),\n"
	"  quantity   INTEGER NOT NULL CHECK (quantity >= 1),\n"
	"  unit_price INTEGER NOT NULL CHECK (unit_price >= 0),\n"
	"  tax_rate   INTEGER NOT NULL CHECK (tax_rate BETWEEN 0 AND 100),\n"
	"  discount   INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),\n"
	"  total      INTEGER NOT NULL CHECK (total >= 0),  -- quantity × unit_price − discount\n"
	"  voided     INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),\n"
	"  PRIMARY KEY (order_id, line_no),\n"
	"  CHECK (total = quantity * unit_price - discount)\n"
	") WITHOUT ROWID;\n"
	"CREATE TRIGGER order_lines_no_update BEFORE UPDATE ON order_lines BEGIN\n"
	"  SELECT RAISE(ABORT, 'order lines never change');\n"
	"END;\n"
	"CREATE TRIGGER order_lines_no_delete BEFORE DELETE ON order_lines BEGIN\n"
	"  SELECT RAISE(ABORT, 'order lines never change');\n"
	"END;\n"
	/* An order's timeline: each state it entered, and notes. Append-only. */
	"CREATE TABLE order_events (\n"
	"  id         INTEGER PRIMARY KEY,\n"
	"  order_id   INTEGER NOT NULL REFERENCES orders(id),\n"
	"  at         INTEGER NOT NULL,\n"
	"  user_id    INTEGER REFERENCES users(id),\n"
	"  kind       TEXT NOT NULL CHECK (kind IN ('state', 'note')),\n"
	"  from_state TEXT,  -- 'state': the state left; NULL for the order's first event\n"
	"  to_state   TEXT,  -- 'state': the state entered\n"
	"  detail     TEXT NOT NULL DEFAULT '',\n"
	"  CHECK ((kind = 'state') = (to_state IS NOT NULL)),\n"
	"  CHECK (kind = 'state' OR from_state IS NULL)\n"
	");\n"
	"CREATE INDEX order_events_order ON order_events(order_id, id);\n"
	"CREATE TRIGGER order_events_no_update BEFORE UPDATE ON order_events BEGIN\n"
	"  SELECT RAISE(ABORT, 'order events are append-only');\n"
	"END;\n"
	"CREATE TRIGGER order_events_no_delete BEFORE DELETE ON order_events BEGIN\n"
	"  SELECT RAISE(ABORT, 'order events are append-only');\n"
	"END;\n",

	/* 3: refunds (refunds.h). A refund is written refund_pending with its
	 * exact request body before the request leaves, then settles once,
	 * refunded (with the server's refund_id) or refund_failed; what it
	 * asked for never changes and nothing is deleted. merchant_refund_id
	 * is till-R-day-sequence, kept as its parts like an order's. Its
	 * refund_lines say which VAT rate each tiyn of it came from (and, for
	 * a refund by lines, which line and how many units), adding up to the
	 * refund's amount: the reports' VAT of refunds per rate. A refund
	 * belongs to the shift it was made in, not to its order's. */
	"CREATE TABLE refunds (\n"
	"  id                 INTEGER PRIMARY KEY,\n"
	"  order_id           INTEGER NOT NULL REFERENCES orders(id),\n"
	"  merchant_refund_id TEXT NOT NULL UNIQUE,\n"
	"  till_id            TEXT NOT NULL CHECK (till_id <> ''),\n"
	"  day                INTEGER NOT NULL,  -- Almaty date of created_at, YYYYMMDD\n"
	"  day_seq            INTEGER NOT NULL CHECK (day_seq BETWEEN 1 AND 999999),\n"
	"  shift_id           INTEGER NOT NULL REFERENCES shifts(id),\n"
	"  amount             INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 100000000),\n"
	"  reason             TEXT NOT NULL CHECK (reason <> ''),\n"
	"  state              TEXT NOT NULL CHECK (state IN ('refund_pending', 'refunded',\n"
	"                       'refund_failed')),\n"
	"  request_body       TEXT NOT NULL CHECK (request_body <> ''),  -- the exact bytes sent\n"
	"  refund_id          TEXT CHECK (refund_id IS NULL OR refund_id <> ''),  -- the server's\n"
	"  user_id            INTEGER REFERENCES users(id),           -- the cashier; NULL: headless\n"
	"  approved_by        INTEGER NOT NULL REFERENCES users(id),  -- the manager\n"
	"  attempts           INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),  -- requests sent\n"
	"  last_error         TEXT NOT NULL DEFAULT '',\n"
	"  created_at         INTEGER NOT NULL,\n"
	"  updated_at         INTEGER NOT NULL,  -- refunded/refund_failed: when it settled\n"
	"  UNIQUE (till_id, day, day_seq),\n"
	"  CHECK (merchant_refund_id = till_id || '-R-' || day || '-' || printf('%06d', day_seq)),\n"
	"  CHECK ((state = 'refunded') = (refund_id IS NOT NULL))\n"
	");\n"
	"CREATE INDEX refunds_order ON refunds(order_id);\n"
	"CREATE INDEX refunds_pending ON refunds(id) WHERE state = 'refund_pending';\n"
	"CREATE INDEX refunds_shift ON refunds(shift_id, created_at);\n"
	"CREATE INDEX refunds_updated_at ON refunds(updated_at);\n"
	"CREATE TRIGGER refunds_fixed BEFORE UPDATE OF order_id, merchant_refund_id, till_id, day,\n"
	"  day_seq, shift_id, amount, reason, request_body, user_id, approved_by, created_at\n"
	"  ON refunds BEGIN\n"
	"  SELECT RAISE(ABORT, 'what a refund asked for never changes');\n"
	"END;\n"
	"CREATE TRIGGER refunds_settle_once BEFORE UPDATE OF state, refund_id ON refunds\n"
	"  WHEN old.state <> 'refund_pending'\n"
	"    AND (new.state IS NOT old.state OR new.refund_id IS NOT old.refund_id) BEGIN\n"
	"  SELECT RAISE(ABORT, 'a settled refund never changes');\n"
	"END;\n"
	"CREATE TRIGGER refunds_no_delete BEFORE DELETE ON refunds BEGIN\n"
	"  SELECT RAISE(ABORT, 'refunds are never deleted');\n"
	"END;\n"
	"CREATE TABLE refund_lines (\n"
	"  refund_row INTEGER NOT NULL REFERENCES refunds(id),\n"
	"  part       INTEGER NOT NULL CHECK (part >= 1),\n"
	"  tax_rate   INTEGER NOT NULL CHECK (tax_rate BETWEEN 0 AND 100),\n"
	"  amount     INTEGER NOT NULL CHECK (amount >= 0),  -- tiyn, VAT included\n"
	"  line_no    INTEGER CHECK (line_no IS NULL OR line_no >= 1),  -- by lines: the order's line\n"
	"  quantity   INTEGER CHECK (quantity IS NULL OR quantity >= 1), -- by lines: units of it\n"
	"  PRIMARY KEY (refund_row, part),\n"
	"  CHECK ((line_no IS NULL) = (quantity IS NULL))\n"
	") WITHOUT ROWID;\n"
	"CREATE TRIGGER refund_lines_no_update BEFORE UPDATE ON refund_lines BEGIN\n"
	"  SELECT RAISE(ABORT, 'refund lines never change');\n"
	"END;\n"
	"CREATE TRIGGER refund_lines_no_delete BEFORE DELETE ON refund_lines BEGIN\n"
	"  SELECT RAISE(ABORT, 'refund lines never change');\n"
	"END;\n",

	/* 4: reports (reports.h). z_reports holds each Z report's snapshot
	 * (the report's JSON as printed), numbered 1, 2, ... without a gap,
	 * never changed; a shift closes only together with its Z report and
	 * never changes after. report_orders and report_lines are running
	 * totals of the journal per shift, Almaty day and state (orders also
	 * per cashier and method; lines per VAT rate and voided or not), kept
	 * by the triggers below in the transaction of every order insert,
	 * line insert and state move, so that a report reads a few rows
	 * instead of every order of a shift (reports_verify recomputes them);
	 * they are filled here from the orders already written. itemised
	 * counts the orders that have lines (the VAT needs a rate).
	 * The step can run again over its own tables (a file taken back to an
	 * older version by hand, as tests do): the totals are derived, so they
	 * are dropped and rebuilt; the Z reports are kept. */
	"CREATE TABLE IF NOT EXISTS z_reports (\n"
	"  number    INTEGER PRIMARY KEY CHECK (number >= 1),\n"
	"  shift_id  INTEGER NOT NULL UNIQUE REFERENCES shifts(id),\n"
	"  closed_at INTEGER NOT NULL,\n"
	"  closed_by INTEGER NOT NULL REFERENCES users(id),  -- the manager\n"
	"  snapshot  TEXT NOT NULL CHECK (json_valid(snapshot))  -- report_json, as printed\n"
	");\n"
	"CREATE TRIGGER IF NOT EXISTS z_reports_in_sequence BEFORE INSERT ON z_reports\n"
	"  WHEN new.number IS NOT (SELECT coalesce(max(number), 0) + 1 FROM z_reports) BEGIN\n"
	"  SELECT RAISE(ABORT, 'Z reports are numbered in sequence');\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS z_reports_no_update BEFORE UPDATE ON z_reports BEGIN\n"
	"  SELECT RAISE(ABORT, 'a Z report never changes');\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS z_reports_no_delete BEFORE DELETE ON z_reports BEGIN\n"
	"  SELECT RAISE(ABORT, 'a Z report never changes');\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS shifts_closed_fixed BEFORE UPDATE ON shifts\n"
	"  WHEN old.closed_at IS NOT NULL BEGIN\n"
	"  SELECT RAISE(ABORT, 'a closed shift never changes');\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS shifts_close_with_z BEFORE UPDATE OF closed_at, z_number ON shifts\n"
	"  WHEN new.closed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM z_reports\n"
	"    WHERE number = new.z_number AND shift_id = new.id) BEGIN\n"
	"  SELECT RAISE(ABORT, 'a shift closes only with its Z report');\n"
	"END;\n"
	"DROP TABLE IF EXISTS report_orders;\n"
	"DROP TABLE IF EXISTS report_lines;\n"
	"CREATE TABLE report_orders (\n"
	"  shift_id        INTEGER NOT NULL,\n"
	"  day             INTEGER NOT NULL,  -- orders.day: Almaty date, YYYYMMDD\n"
	"  user_id         INTEGER NOT NULL,  -- 0: a headless command\n"
	"  method          TEXT NOT NULL,\n"
	"  state           TEXT NOT NULL,\n"
	"  orders          INTEGER NOT NULL,\n"
	"  amount          INTEGER NOT NULL,\n"
	"  itemised        INTEGER NOT NULL,  -- of them, orders with lines\n"
	"  itemised_amount INTEGER NOT NULL,\n"
	"  PRIMARY KEY (shift_id, day, user_id, method, state)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX report_orders_day ON report_orders(day);\n"
	"CREATE TABLE report_lines (\n"
	"  shift_id INTEGER NOT NULL,\n"
	"  day      INTEGER NOT NULL,\n"
	"  state    TEXT NOT NULL,     -- the order's\n"
	"  tax_rate INTEGER NOT NULL,\n"
	"  voided   INTEGER NOT NULL,\n"
	"  lines    INTEGER NOT NULL,\n"
	"  total    INTEGER NOT NULL,\n"
	"  PRIMARY KEY (shift_id, day, state, tax_rate, voided)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX report_lines_day ON report_lines(day);\n"
	"INSERT INTO report_orders\n"
	"  SELECT shift_id, day, coalesce(user_id, 0), method, state, count(*), sum(amount),\n"
	"    sum(EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)),\n"
	"    sum(CASE WHEN EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)\n"
	"        THEN amount ELSE 0 END)\n"
	"  FROM orders o GROUP BY 1, 2, 3, 4, 5;\n"
	"INSERT INTO report_lines\n"
	"  SELECT o.shift_id, o.day, o.state, l.tax_rate, l.voided, count(*), sum(l.total)\n"
	"  FROM order_lines l JOIN orders o ON o.id = l.order_id GROUP BY 1, 2, 3, 4, 5;\n"
	"CREATE TRIGGER IF NOT EXISTS report_order_new AFTER INSERT ON orders BEGIN\n"
	"  INSERT INTO report_orders VALUES (new.shift_id, new.day, coalesce(new.user_id, 0),\n"
	"    new.method, new.state, 1, new.amount, 0, 0)\n"
	"  ON CONFLICT (shift_id, day, user_id, method, state) DO UPDATE\n"
	"    SET orders = orders + 1, amount = amount + excluded.amount;\n"
	"END;\n"
	/* the first line makes its order itemised */
	"CREATE TRIGGER IF NOT EXISTS report_line_new AFTER INSERT ON order_lines BEGIN\n"
	"  INSERT INTO report_lines\n"
	"    SELECT shift_id, day, state, new.tax_rate, new.voided, 1, new.total\n"
	"    FROM orders WHERE id = new.order_id\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate, voided) DO UPDATE\n"
	"    SET lines = lines + 1, total = total + excluded.total;\n"
	"  UPDATE report_orders SET itemised = itemised + 1,\n"
	"      itemised_amount = itemised_amount + (SELECT amount FROM orders WHERE id = new.order_id)\n"
	"    WHERE new.line_no = 1 AND (shift_id, day, user_id, method, state) =\n"
	"      (SELECT shift_id, day, coalesce(user_id, 0), method, state FROM orders\n"
	"       WHERE id = new.order_id);\n"
	"END;\n"
	/* a move takes the order, and its lines, from one state's totals to
	 * the other's */
	"CREATE TRIGGER IF NOT EXISTS report_order_move AFTER UPDATE OF state ON orders\n"
	"  WHEN old.state IS NOT new.state BEGIN\n"
	"  UPDATE report_orders SET orders = orders - 1, amount = amount - old.amount,\n"
	"      itemised = itemised - EXISTS (SELECT 1 FROM order_lines WHERE order_id = old.id),\n"
	"      itemised_amount = itemised_amount - old.amount *\n"
	"        EXISTS (SELECT 1 FROM order_lines WHERE order_id = old.id)\n"
	"    WHERE shift_id = old.shift_id AND day = old.day AND user_id = coalesce(old.user_id, 0)\n"
	"      AND method = old.method AND state = old.state;\n"
	"  INSERT INTO report_orders\n"
	"    SELECT new.shift_id, new.day, coalesce(new.user_id, 0), new.method, new.state, 1,\n"
	"      new.amount, x, x * new.amount\n"
	"    FROM (SELECT EXISTS (SELECT 1 FROM order_lines WHERE order_id = new.id) AS x) WHERE 1\n"
	"  ON CONFLICT (shift_id, day, user_id, method, state) DO UPDATE\n"
	"    SET orders = orders + 1, amount = amount + excluded.amount,\n"
	"      itemised = itemised + excluded.itemised,\n"
	"      itemised_amount = itemised_amount + excluded.itemised_amount;\n"
	"  INSERT INTO report_lines\n"
	"    SELECT old.shift_id, old.day, old.state, tax_rate, voided, -count(*), -sum(total)\n"
	"    FROM order_lines WHERE order_id = old.id GROUP BY tax_rate, voided\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate, voided) DO UPDATE\n"
	"    SET lines = lines + excluded.lines, total = total + excluded.total;\n"
	"  INSERT INTO report_lines\n"
	"    SELECT new.shift_id, new.day, new.state, tax_rate, voided, count(*), sum(total)\n"
	"    FROM order_lines WHERE order_id = new.id GROUP BY tax_rate, voided\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate, voided) DO UPDATE\n"
	"    SET lines = lines + excluded.lines, total = total + excluded.total;\n"
	"END;\n"
	/* the day report's refunds */
	"CREATE INDEX IF NOT EXISTS refunds_day ON refunds(day, state);\n",

	/* 5: running totals of the refunds, as step 4's of the orders: per
	 * shift, Almaty day, state and method of the refunded order
	 * (report_refunds), and per VAT rate of their parts
	 * (report_refund_lines), kept by triggers in the transaction of every
	 * refund insert, part insert and settlement, filled here from the
	 * refunds already written. A refund's shift, day, order and amount
	 * and its parts never change (refunds_fixed and the parts' triggers),
	 * so only its state moves it between totals. Derived: a second run
	 * rebuilds them. */
	"DROP TABLE IF EXISTS report_refunds;\n"
	"DROP TABLE IF EXISTS report_refund_lines;\n"
	"CREATE TABLE report_refunds (\n"
	"  shift_id INTEGER NOT NULL,\n"
	"  day      INTEGER NOT NULL,  -- refunds.day: Almaty date, YYYYMMDD\n"
	"  method   TEXT NOT NULL,     -- the refunded order's\n"
	"  state    TEXT NOT NULL,\n"
	"  refunds  INTEGER NOT NULL,\n"
	"  amount   INTEGER NOT NULL,\n"
	"  PRIMARY KEY (shift_id, day, method, state)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX report_refunds_day ON report_refunds(day);\n"
	"CREATE TABLE report_refund_lines (\n"
	"  shift_id INTEGER NOT NULL,\n"
	"  day      INTEGER NOT NULL,\n"
	"  state    TEXT NOT NULL,     -- the refund's\n"
	"  tax_rate INTEGER NOT NULL,\n"
	"  parts    INTEGER NOT NULL,\n"
	"  amount   INTEGER NOT NULL,\n"
	"  PRIMARY KEY (shift_id, day, state, tax_rate)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX report_refund_lines_day ON report_refund_lines(day);\n"
	"INSERT INTO report_refunds\n"
	"  SELECT f.shift_id, f.day, o.method, f.state, count(*), sum(f.amount)\n"
	"  FROM refunds f JOIN orders o ON o.id = f.order_id GROUP BY 1, 2, 3, 4;\n"
	"INSERT INTO report_refund_lines\n"
	"  SELECT f.shift_id, f.day, f.state, l.tax_rate, count(*), sum(l.amount)\n"
	"  FROM refund_lines l JOIN refunds f ON f.id = l.refund_row GROUP BY 1, 2, 3, 4;\n"
	"CREATE TRIGGER IF NOT EXISTS report_refund_new AFTER INSERT ON refunds BEGIN\n"
	"  INSERT INTO report_refunds\n"
	"    SELECT new.shift_id, new.day, method, new.state, 1, new.amount\n"
	"    FROM orders WHERE id = new.order_id\n"
	"  ON CONFLICT (shift_id, day, method, state) DO UPDATE\n"
	"    SET refunds = refunds + 1, amount = amount + excluded.amount;\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS report_refund_line_new AFTER INSERT ON refund_lines BEGIN\n"
	"  INSERT INTO report_refund_lines\n"
	"    SELECT shift_id, day, state, new.tax_rate, 1, new.amount\n"
	"    FROM refunds WHERE id = new.refund_row\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate) DO UPDATE\n"
	"    SET parts = parts + 1, amount = amount + excluded.amount;\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS report_refund_settle AFTER UPDATE OF state ON refunds\n"
	"  WHEN old.state IS NOT new.state BEGIN\n"
	"  UPDATE report_refunds SET refunds = refunds - 1, amount = amount - old.amount\n"
	"    WHERE shift_id = old.shift_id AND day = old.day AND state = old.state\n"
	"      AND method = (SELECT method FROM orders WHERE id = old.order_id);\n"
	"  INSERT INTO report_refunds\n"
	"    SELECT new.shift_id, new.day, method, new.state, 1, new.amount\n"
	"    FROM orders WHERE id = new.order_id\n"
	"  ON CONFLICT (shift_id, day, method, state) DO UPDATE\n"
	"    SET refunds = refunds + 1, amount = amount + excluded.amount;\n"
	"  INSERT INTO report_refund_lines\n"
	"    SELECT old.shift_id, old.day, old.state, tax_rate, -count(*), -sum(amount)\n"
	"    FROM refund_lines WHERE refund_row = old.id GROUP BY tax_rate\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate) DO UPDATE\n"
	"    SET parts = parts + excluded.parts, amount = amount + excluded.amount;\n"
	"  INSERT INTO report_refund_lines\n"
	"    SELECT new.shift_id, new.day, new.state, tax_rate, count(*), sum(amount)\n"
	"    FROM refund_lines WHERE refund_row = new.id GROUP BY tax_rate\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate) DO UPDATE\n"
	"    SET parts = parts + excluded.parts, amount = amount + excluded.amount;\n"
	"END;\n",

	/* 6: orders the server does not know (journal_set_server_unknown): a
	 * status or cancel answered 404 payment_not_found (a restarted
	 * sandbox, a wrong base URL or merchant). An order has a row here
	 * while it is so: removed when the server knows the payment again,
	 * kept when a manager closes the order as failed
	 * (journal_close_unknown). since: when it was first seen, Unix
	 * seconds. A table of its own rather than columns of orders, so that
	 * the step can run again over itself (IF NOT EXISTS). */
	"CREATE TABLE IF NOT EXISTS orders_unknown (\n"
	"  order_id INTEGER PRIMARY KEY REFERENCES orders(id),\n"
	"  since    INTEGER NOT NULL\n"
	");\n",

	/* 7: a line's Kazakh name as sold (journal_line.name_kk), for the
	 * slips and listings in Kazakh; '' when the catalog had none, and for
	 * the lines written before. */
	"ALTER TABLE order_lines ADD COLUMN name_kk TEXT NOT NULL DEFAULT '';\n",

	/* 8: goods sold by measure and scale labels (core/measure.h,
	 * core/scale.h). products.plu: the code the shop's scales print on
	 * their labels, 1-999999, unique when set. A line sold by measure
	 * keeps step 2's rule (total = quantity × unit_price − discount) by
	 * being quantity 1 at unit_price = its gross, the weight × the price
	 * per unit rounded half up to the tiyn (what went to Kaspi, API.md);
	 * weight is its thousandths of the unit (350: 0,350 кг) and
	 * price_per_unit the price of one unit, both NULL on a line sold by
	 * the piece (and on every line written before). unit: the unit as
	 * sold ("шт", "кг"), '' before. A refund by lines of a weighed line
	 * counts its refund_lines.quantity in the line's thousandths (grams
	 * of a kg), of which it has weight. Lines never change, so the rule
	 * that ties the three is checked once, on insert. */
	"ALTER TABLE products ADD COLUMN plu INTEGER CHECK (plu IS NULL OR plu BETWEEN 1 AND 999999);\n"
	"CREATE UNIQUE INDEX products_plu ON products(plu) WHERE plu IS NOT NULL;\n"
	"ALTER TABLE order_lines ADD COLUMN unit TEXT NOT NULL DEFAULT '';\n"
	"ALTER TABLE order_lines ADD COLUMN weight INTEGER\n"
	"  CHECK (weight IS NULL OR weight BETWEEN 1 AND 100000);\n"
	"ALTER TABLE order_lines ADD COLUMN price_per_unit INTEGER\n"
	"  CHECK (price_per_unit IS NULL OR price_per_unit >= 0);\n"
	"CREATE TRIGGER order_lines_weighed BEFORE INSERT ON order_lines\n"
	"  WHEN (new.weight IS NULL) <> (new.price_per_unit IS NULL)\n"
	"    OR (new.weight IS NOT NULL AND (new.quantity <> 1\n"
	"        OR new.unit_price <> (new.weight * new.price_per_unit + 500) / 1000)) BEGIN\n"
	"  SELECT RAISE(ABORT, 'a weighed line is one line at its weight times its price per unit');\n"
	"END;\n",

	/* 9: tenders (DESIGN.md, "Sales, tenders and receipts"). An order is
	 * now a sale paid by any tender: method 'cash' and 'card' (final when
	 * the cashier confirms: written succeeded, no request, no payment id)
	 * and 'split' (several parts: pending while its parts are taken); a
	 * Kaspi part of a split sale is an order of its own (method qr or
	 * phone, no lines, part_of its sale), so the machine above serves it
	 * unchanged. tenders holds each part of a sale that is not one Kaspi
	 * order: cash (given and change), card (the terminal's approval code)
	 * and the Kaspi parts (part_order: that part's order; what it paid is
	 * that order's state). A part is written when it is taken (a Kaspi
	 * part with its order, cash and card when the sale completes) and
	 * never changes. SQLite cannot loosen a CHECK in place, so orders is
	 * built again (the schema's own procedure: db_migrate runs the steps
	 * with foreign keys off and checks them before each commit), with
	 * every index and trigger that named it. part_of is derived from
	 * tenders, so the step can run again over itself (a file taken back
	 * by hand, as tests do). The reports' running totals count sales:
	 * parts stay out of report_orders (their refunds are the Kaspi
	 * tender's). */
	"CREATE TABLE IF NOT EXISTS tenders (\n"
	"  order_id   INTEGER NOT NULL REFERENCES orders(id),  -- the sale\n"
	"  part_no    INTEGER NOT NULL CHECK (part_no BETWEEN 1 AND 99),  -- in the order taken\n"
	"  kind       TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'qr', 'phone')),\n"
	"  amount     INTEGER NOT NULL CHECK (amount > 0),  -- tiyn of the sale it pays\n"
	"  given      INTEGER NOT NULL DEFAULT 0,           -- cash: handed over, amount + change\n"
	"  change     INTEGER NOT NULL DEFAULT 0 CHECK (change >= 0),\n"
	"  approval   TEXT NOT NULL DEFAULT '',             -- card: the terminal's code, if typed\n"
	"  part_order INTEGER UNIQUE REFERENCES orders(id), -- qr, phone: this part's Kaspi order\n"
	"  created_at INTEGER NOT NULL,\n"
	"  PRIMARY KEY (order_id, part_no),\n"
	"  CHECK ((kind IN ('qr', 'phone')) = (part_order IS NOT NULL)),\n"
	"  CHECK (kind = 'cash' OR (given = 0 AND change = 0)),\n"
	"  CHECK (kind <> 'cash' OR given = amount + change),\n"
	"  CHECK (kind = 'card' OR approval = '')\n"
	") WITHOUT ROWID;\n"
	"CREATE TRIGGER IF NOT EXISTS tenders_fixed BEFORE UPDATE ON tenders BEGIN\n"
	"  SELECT RAISE(ABORT, 'a tender never changes');\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS tenders_no_delete BEFORE DELETE ON tenders BEGIN\n"
	"  SELECT RAISE(ABORT, 'a tender never changes');\n"
	"END;\n"
	/* step 13's, when a file taken back by hand runs this again */
	"DROP TRIGGER IF EXISTS receipt_sale_written;\n"
	"DROP TRIGGER IF EXISTS receipt_sale_complete;\n"
	"DROP TRIGGER IF EXISTS receipt_return_written;\n"
	"DROP TRIGGER IF EXISTS receipt_return_done;\n"
	"DROP TRIGGER IF EXISTS report_order_new;\n"
	"DROP TRIGGER IF EXISTS report_order_move;\n"
	"DROP TRIGGER IF EXISTS report_line_new;\n"
	"DROP TRIGGER IF EXISTS report_refund_new;\n"
	"DROP TRIGGER IF EXISTS report_refund_settle;\n"
	"DROP TABLE IF EXISTS orders_v9;\n"
	"CREATE TABLE orders_v9 (\n"
	"  id                INTEGER PRIMARY KEY,\n"
	"  merchant_order_id TEXT NOT NULL UNIQUE,\n"
	"  till_id           TEXT NOT NULL CHECK (till_id <> ''),\n"
	"  day               INTEGER NOT NULL,  -- Almaty date of created_at, YYYYMMDD\n"
	"  day_seq           INTEGER NOT NULL CHECK (day_seq BETWEEN 1 AND 999999),\n"
	"  shift_id          INTEGER NOT NULL REFERENCES shifts(id),\n"
	"  user_id           INTEGER REFERENCES users(id),  -- NULL: a headless command\n"
	"  method            TEXT NOT NULL CHECK (method IN ('qr', 'phone', 'cash', 'card', 'split')),\n"
	"  payer_phone       TEXT CHECK (payer_phone IS NULL OR payer_phone <> ''),\n"
	"  amount            INTEGER NOT NULL CHECK (amount > 0),\n"
	"  description       TEXT NOT NULL DEFAULT '',\n"
	"  state             TEXT NOT NULL CHECK (state IN ('creating', 'pending', 'succeeded',\n"
	"                      'cancelled', 'failed', 'expired', 'abandoned', 'late_paid',\n"
	"                      'partially_refunded', 'refunded')),\n"
	"  request_body      TEXT NOT NULL,     -- a Kaspi order's create, its exact bytes; else ''\n"
	"  payment_id        TEXT CHECK (payment_id IS NULL OR payment_id <> ''),  -- the server's\n"
	"  qr_token          TEXT,\n"
	"  expires_at        INTEGER,\n"
	"  created_at        INTEGER NOT NULL,\n"
	"  updated_at        INTEGER NOT NULL,\n"
	"  attempts          INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),  -- create sends\n"
	"  last_error        TEXT NOT NULL DEFAULT '',\n"
	"  refunded_amount   INTEGER NOT NULL DEFAULT 0 CHECK (refunded_amount BETWEEN 0 AND amount),\n"
	"  alert             INTEGER NOT NULL DEFAULT 0 CHECK (alert IN (0, 1)),  -- late payment\n"
	"  part_of           INTEGER REFERENCES orders(id),  -- a Kaspi part: its sale (tenders)\n"
	"  UNIQUE (till_id, day, day_seq),\n"
	"  CHECK (merchant_order_id = till_id || '-' || day || '-' || printf('%06d', day_seq)),\n"
	"  CHECK (method <> 'phone' OR payer_phone IS NOT NULL),\n"
	"  CHECK ((method IN ('qr', 'phone')) = (request_body <> '')),\n"
	"  CHECK (part_of IS NULL OR method IN ('qr', 'phone')),\n"
	/* a payment that may have happened is always traceable on the server */
	"  CHECK (method NOT IN ('qr', 'phone') OR payment_id IS NOT NULL\n"
	"         OR state IN ('creating', 'abandoned', 'failed', 'cancelled', 'expired')),\n"
	/* a cash or card sale is final when written; a split one pends */
	"  CHECK (method NOT IN ('cash', 'card') OR state IN ('succeeded', 'partially_refunded',\n"
	"         'refunded')),\n"
	"  CHECK (method <> 'split' OR state IN ('pending', 'succeeded', 'cancelled', 'abandoned',\n"
	"         'partially_refunded', 'refunded'))\n"
	");\n"
	"INSERT INTO orders_v9 (id, merchant_order_id, till_id, day, day_seq, shift_id, user_id, method, payer_phone, amount, description, state, request_body, payment_id, qr_token, expires_at, created_at, updated_at, attempts, last_error, refunded_amount, alert, part_of)\n"
	"  SELECT id, merchant_order_id, till_id, day, day_seq, shift_id, user_id, method, payer_phone, amount, description, state, request_body, payment_id, qr_token, expires_at, created_at, updated_at, attempts, last_error, refunded_amount, alert, (SELECT t.order_id FROM tenders t WHERE t.part_order = orders.id)\n"
	"  FROM orders;\n"
	"DROP TABLE orders;\n"
	"ALTER TABLE orders_v9 RENAME TO orders;\n"
	"CREATE INDEX orders_state ON orders(state);\n"
	"CREATE UNIQUE INDEX orders_payment_id ON orders(payment_id) WHERE payment_id IS NOT NULL;\n"
	"CREATE INDEX orders_created_at ON orders(created_at);\n"
	"CREATE INDEX orders_shift ON orders(shift_id, created_at);\n"
	"CREATE INDEX orders_alert ON orders(id) WHERE alert = 1;\n"
	"CREATE INDEX orders_split ON orders(shift_id, day) WHERE method = 'split';\n"
	"CREATE INDEX orders_parts ON orders(part_of) WHERE part_of IS NOT NULL;\n"
	"CREATE TRIGGER orders_fixed BEFORE UPDATE OF merchant_order_id, till_id, day, day_seq,\n"
	"  shift_id, user_id, method, payer_phone, amount, description, request_body, created_at,\n"
	"  part_of ON orders BEGIN\n"
	"  SELECT RAISE(ABORT, 'what an order asked for never changes');\n"
	"END;\n"
	"CREATE TRIGGER orders_payment_once BEFORE UPDATE OF payment_id ON orders\n"
	"  WHEN old.payment_id IS NOT NULL AND new.payment_id IS NOT old.payment_id BEGIN\n"
	"  SELECT RAISE(ABORT, 'an order''s payment id never changes');\n"
	"END;\n"
	"CREATE TRIGGER orders_no_delete BEFORE DELETE ON orders BEGIN\n"
	"  SELECT RAISE(ABORT, 'orders are never deleted');\n"
	"END;\n"
	"DELETE FROM report_orders;\n"
	"INSERT INTO report_orders\n"
	"  SELECT shift_id, day, coalesce(user_id, 0), method, state, count(*), sum(amount),\n"
	"    sum(EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)),\n"
	"    sum(CASE WHEN EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)\n"
	"        THEN amount ELSE 0 END)\n"
	"  FROM orders o WHERE part_of IS NULL GROUP BY 1, 2, 3, 4, 5;\n"
	"CREATE TRIGGER report_order_new AFTER INSERT ON orders WHEN new.part_of IS NULL BEGIN\n"
	"  INSERT INTO report_orders VALUES (new.shift_id, new.day, coalesce(new.user_id, 0),\n"
	"    new.method, new.state, 1, new.amount, 0, 0)\n"
	"  ON CONFLICT (shift_id, day, user_id, method, state) DO UPDATE\n"
	"    SET orders = orders + 1, amount = amount + excluded.amount;\n"
	"END;\n"
	/* as step 4's: the first line makes its order itemised */
	"CREATE TRIGGER report_line_new AFTER INSERT ON order_lines BEGIN\n"
	"  INSERT INTO report_lines\n"
	"    SELECT shift_id, day, state, new.tax_rate, new.voided, 1, new.total\n"
	"    FROM orders WHERE id = new.order_id\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate, voided) DO UPDATE\n"
	"    SET lines = lines + 1, total = total + excluded.total;\n"
	"  UPDATE report_orders SET itemised = itemised + 1,\n"
	"      itemised_amount = itemised_amount + (SELECT amount FROM orders WHERE id = new.order_id)\n"
	"    WHERE new.line_no = 1 AND (shift_id, day, user_id, method, state) =\n"
	"      (SELECT shift_id, day, coalesce(user_id, 0), method, state FROM orders\n"
	"       WHERE id = new.order_id);\n"
	"END;\n"
	"CREATE TRIGGER report_order_move AFTER UPDATE OF state ON orders\n"
	"  WHEN old.state IS NOT new.state AND new.part_of IS NULL BEGIN\n"
	"  UPDATE report_orders SET orders = orders - 1, amount = amount - old.amount,\n"
	"      itemised = itemised - EXISTS (SELECT 1 FROM order_lines WHERE order_id = old.id),\n"
	"      itemised_amount = itemised_amount - old.amount *\n"
	"        EXISTS (SELECT 1 FROM order_lines WHERE order_id = old.id)\n"
	"    WHERE shift_id = old.shift_id AND day = old.day AND user_id = coalesce(old.user_id, 0)\n"
	"      AND method = old.method AND state = old.state;\n"
	"  INSERT INTO report_orders\n"
	"    SELECT new.shift_id, new.day, coalesce(new.user_id, 0), new.method, new.state, 1,\n"
	"      new.amount, x, x * new.amount\n"
	"    FROM (SELECT EXISTS (SELECT 1 FROM order_lines WHERE order_id = new.id) AS x) WHERE 1\n"
	"  ON CONFLICT (shift_id, day, user_id, method, state) DO UPDATE\n"
	"    SET orders = orders + 1, amount = amount + excluded.amount,\n"
	"      itemised = itemised + excluded.itemised,\n"
	"      itemised_amount = itemised_amount + excluded.itemised_amount;\n"
	"  INSERT INTO report_lines\n"
	"    SELECT old.shift_id, old.day, old.state, tax_rate, voided, -count(*), -sum(total)\n"
	"    FROM order_lines WHERE order_id = old.id GROUP BY tax_rate, voided\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate, voided) DO UPDATE\n"
	"    SET lines = lines + excluded.lines, total = total + excluded.total;\n"
	"  INSERT INTO report_lines\n"
	"    SELECT new.shift_id, new.day, new.state, tax_rate, voided, count(*), sum(total)\n"
	"    FROM order_lines WHERE order_id = new.id GROUP BY tax_rate, voided\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate, voided) DO UPDATE\n"
	"    SET lines = lines + excluded.lines, total = total + excluded.total;\n"
	"END;\n"
	/* step 5's, unchanged: a refund counts under its order's method (a
	 * Kaspi part's refund under qr or phone: the tender it went back to) */
	"CREATE TRIGGER report_refund_new AFTER INSERT ON refunds BEGIN\n"
	"  INSERT INTO report_refunds\n"
	"    SELECT new.shift_id, new.day, method, new.state, 1, new.amount\n"
	"    FROM orders WHERE id = new.order_id\n"
	"  ON CONFLICT (shift_id, day, method, state) DO UPDATE\n"
	"    SET refunds = refunds + 1, amount = amount + excluded.amount;\n"
	"END;\n"
	"CREATE TRIGGER report_refund_settle AFTER UPDATE OF state ON refunds\n"
	"  WHEN old.state IS NOT new.state BEGIN\n"
	"  UPDATE report_refunds SET refunds = refunds - 1, amount = amount - old.amount\n"
	"    WHERE shift_id = old.shift_id AND day = old.day AND state = old.state\n"
	"      AND method = (SELECT method FROM orders WHERE id = old.order_id);\n"
	"  INSERT INTO report_refunds\n"
	"    SELECT new.shift_id, new.day, method, new.state, 1, new.amount\n"
	"    FROM orders WHERE id = new.order_id\n"
	"  ON CONFLICT (shift_id, day, method, state) DO UPDATE\n"
	"    SET refunds = refunds + 1, amount = amount + excluded.amount;\n"
	"  INSERT INTO report_refund_lines\n"
	"    SELECT old.shift_id, old.day, old.state, tax_rate, -count(*), -sum(amount)\n"
	"    FROM refund_lines WHERE refund_row = old.id GROUP BY tax_rate\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate) DO UPDATE\n"
	"    SET parts = parts + excluded.parts, amount = amount + excluded.amount;\n"
	"  INSERT INTO report_refund_lines\n"
	"    SELECT new.shift_id, new.day, new.state, tax_rate, count(*), sum(amount)\n"
	"    FROM refund_lines WHERE refund_row = new.id GROUP BY tax_rate\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate) DO UPDATE\n"
	"    SET parts = parts + excluded.parts, amount = amount + excluded.amount;\n"
	"END;\n",

	/* 10: cash in the drawer (cash.h): each shift's opening float, its
	 * changes, cash in and cash out, with who (user_id, NULL for a
	 * headless command), who approved (a manager: required for cash out,
	 * for a float above zero and for every change of the float), when
	 * and the amount (a float's is the float from then on; the others'
	 * what moved, above zero). day is the Almaty date of at, as an
	 * order's. Append-only: a row is never changed or deleted, and a
	 * closed shift takes none. The triggers repeat cash.c's rules that a
	 * row can be checked by, so that no other writer gets round them. A
	 * table of its own with IF NOT EXISTS throughout, so that the step
	 * can run again over itself. */
	"CREATE TABLE IF NOT EXISTS cash_moves (\n"
	"  id          INTEGER PRIMARY KEY,\n"
	"  shift_id    INTEGER NOT NULL REFERENCES shifts(id),\n"
	"  day         INTEGER NOT NULL,  -- Almaty date of at, YYYYMMDD\n"
	"  kind        TEXT NOT NULL CHECK (kind IN ('float', 'in', 'out')),\n"
	"  amount      INTEGER NOT NULL CHECK (amount BETWEEN 0 AND 10000000000),  -- tiyn\n"
	"  reason      TEXT NOT NULL DEFAULT '',\n"
	"  user_id     INTEGER REFERENCES users(id),  -- who; NULL: a headless command\n"
	"  approved_by INTEGER REFERENCES users(id),  -- the manager; NULL: none needed\n"
	"  at          INTEGER NOT NULL,\n"
	"  CHECK (kind = 'float' OR amount > 0),\n"
	"  CHECK (kind = 'float' OR reason <> ''),\n"
	"  CHECK (kind <> 'out' OR approved_by IS NOT NULL)\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS cash_moves_shift ON cash_moves(shift_id, kind);\n"
	"CREATE INDEX IF NOT EXISTS cash_moves_day ON cash_moves(day, kind);\n"
	"CREATE TRIGGER IF NOT EXISTS cash_moves_no_update BEFORE UPDATE ON cash_moves BEGIN\n"
	"  SELECT RAISE(ABORT, 'cash movements are append-only');\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS cash_moves_no_delete BEFORE DELETE ON cash_moves BEGIN\n"
	"  SELECT RAISE(ABORT, 'cash movements are append-only');\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS cash_moves_open_shift BEFORE INSERT ON cash_moves\n"
	"  WHEN (SELECT closed_at FROM shifts WHERE id = new.shift_id) IS NOT NULL BEGIN\n"
	"  SELECT RAISE(ABORT, 'a closed shift takes no cash movement');\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS cash_moves_approved BEFORE INSERT ON cash_moves\n"
	"  WHEN (new.approved_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users\n"
	"        WHERE id = new.approved_by AND role = 'manager'))\n"
	"    OR (new.kind = 'float' AND new.approved_by IS NULL AND (new.amount > 0\n"
	"        OR EXISTS (SELECT 1 FROM cash_moves WHERE shift_id = new.shift_id\n"
	"                   AND kind = 'float'))) BEGIN\n"
	"  SELECT RAISE(ABORT, 'this cash movement needs a manager''s approval');\n"
	"END;\n",

	/* 11: running totals of the split sales' tenders (report_split_tenders),
	 * per shift, Almaty day and kind: sales that used it and its amount,
	 * so that an X report reads a few rows instead of every split sale of
	 * a shift. A split sale becomes a sale once, pending → succeeded
	 * (journal_complete_split), with its parts written; every later state
	 * of a completed sale is a sale too (refunds are counted apart), so
	 * the totals only ever grow, by the trigger below, at that move. A
	 * Kaspi part counts when its order paid (never given up: a part paid
	 * late, after the sale went on without it, is money to give back); an
	 * unpaid try not. Derived: a second run rebuilds them. */
	"DROP TABLE IF EXISTS report_split_tenders;\n"
	"CREATE TABLE report_split_tenders (\n"
	"  shift_id INTEGER NOT NULL,\n"
	"  day      INTEGER NOT NULL,  -- the sale's orders.day\n"
	"  kind     TEXT NOT NULL,\n"
	"  sales    INTEGER NOT NULL,\n"
	"  amount   INTEGER NOT NULL,\n"
	"  PRIMARY KEY (shift_id, day, kind)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX report_split_tenders_day ON report_split_tenders(day);\n"
	"INSERT INTO report_split_tenders\n"
	"  SELECT o.shift_id, o.day, t.kind, count(DISTINCT o.id), sum(t.amount)\n"
	"  FROM orders o JOIN tenders t ON t.order_id = o.id LEFT JOIN orders p ON p.id = t.part_order\n"
	"  WHERE o.method = 'split' AND o.state IN ('succeeded', 'late_paid', 'partially_refunded',\n"
	"    'refunded') AND (p.id IS NULL OR (p.state IN ('succeeded', 'partially_refunded',\n"
	"    'refunded') AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = p.id\n"
	"    AND e.to_state = 'abandoned')))\n"
	"  GROUP BY 1, 2, 3;\n"
	"DROP TRIGGER IF EXISTS report_split_complete;\n"
	"CREATE TRIGGER report_split_complete AFTER UPDATE OF state ON orders\n"
	"  WHEN new.method = 'split' AND old.state = 'pending' AND new.state = 'succeeded' BEGIN\n"
	"  INSERT INTO report_split_tenders\n"
	"    SELECT new.shift_id, new.day, t.kind, 1, sum(t.amount)\n"
	"    FROM tenders t LEFT JOIN orders p ON p.id = t.part_order\n"
	"    WHERE t.order_id = new.id AND (p.id IS NULL OR p.state = 'succeeded') GROUP BY t.kind\n"
	"  ON CONFLICT (shift_id, day, kind) DO UPDATE\n"
	"    SET sales = sales + 1, amount = amount + excluded.amount;\n"
	"END;\n",

	/* 12: refunds back to the sale's tenders (refunds.h,
	 * "Tenders"). A refund now goes back to one tender: Kaspi through the
	 * API as before (a request, refund_pending, then refunded with the
	 * server's refund_id), or cash from the drawer and card on the shop's
	 * terminal, which have no request and are written refunded at once. A
	 * refund of a split sale is one refund per part it draws on (part_no:
	 * the sale's tenders row; a Kaspi part's refund sends that part's
	 * payment). A return without a receipt is a cash refund of no order
	 * (order_id NULL) with its VAT part.
	 *
	 * Where each refund went is a table of its own, refund_tenders, one
	 * row per refund written with it and never changed, rather than
	 * columns of refunds: so that the step can run again over itself (a
	 * file taken back by hand, as tests do). The rebuild below copies the
	 * same columns of refunds every time; refund_tenders is kept, and
	 * filled only for the refunds that lack a row (those from before: a
	 * Kaspi order's refund, to its own method).
	 *
	 * refunds is built again (SQLite loosens no CHECK in place: a
	 * request-less refund is refunded without a refund_id, and order_id
	 * may be NULL), with every index and trigger that named it; the
	 * triggers of other tables that read it are dropped first, or the
	 * rename would find them broken. db_migrate runs this with foreign
	 * keys off and checks them all before the commit.
	 *
	 * The running totals of refunds (step 5's report_refunds) are keyed by
	 * the tender a refund went back to, and whether it had a receipt, so
	 * that a cash refund of a split or Kaspi sale counts under cash:
	 * derived, dropped and built again.
	 *
	 * A split sale now counts the refunds of its parts in its own
	 * refunded_amount and state (refunds.c, "Settling"). Before this step
	 * a Kaspi part was refunded as an order of its own and its sale did
	 * not move: such sales are brought up to it here, each move with its
	 * row in the timeline (the detail is STORE_MSG_NOTE_PARTS_COUNTED,
	 * word for word). A second run finds them up to date. */
	"CREATE TABLE IF NOT EXISTS refund_tenders (\n"
	"  refund_row INTEGER PRIMARY KEY REFERENCES refunds(id),\n"
	"  tender     TEXT NOT NULL CHECK (tender IN ('qr', 'phone', 'cash', 'card')),\n"
	"  part_no    INTEGER CHECK (part_no IS NULL OR part_no >= 1)  -- a split sale's part; NULL:\n"
	"                                                                -- the order's own payment\n"
	");\n"
	/* step 13's, when a file taken back by hand runs this again */
	"DROP TRIGGER IF EXISTS receipt_sale_written;\n"
	"DROP TRIGGER IF EXISTS receipt_sale_complete;\n"
	"DROP TRIGGER IF EXISTS receipt_return_written;\n"
	"DROP TRIGGER IF EXISTS receipt_return_done;\n"
	"DROP TRIGGER IF EXISTS report_refund_new;\n"
	"DROP TRIGGER IF EXISTS report_refund_settle;\n"
	"DROP TRIGGER IF EXISTS report_refund_line_new;\n"
	"DROP TRIGGER IF EXISTS report_refund_tender_new;\n"
	"DROP TRIGGER IF EXISTS refund_tenders_match;\n"
	"DROP TRIGGER IF EXISTS refund_tenders_fixed;\n"
	"DROP TRIGGER IF EXISTS refund_tenders_no_delete;\n"
	"DROP TABLE IF EXISTS refunds_v10;\n"
	"CREATE TABLE refunds_v10 (\n"
	"  id                 INTEGER PRIMARY KEY,\n"
	"  order_id           INTEGER REFERENCES orders(id),  -- NULL: a return without a receipt\n"
	"  merchant_refund_id TEXT NOT NULL UNIQUE,\n"
	"  till_id            TEXT NOT NULL CHECK (till_id <> ''),\n"
	"  day                INTEGER NOT NULL,  -- Almaty date of created_at, YYYYMMDD\n"
	"  day_seq            INTEGER NOT NULL CHECK (day_seq BETWEEN 1 AND 999999),\n"
	"  shift_id           INTEGER NOT NULL REFERENCES shifts(id),\n"
	"  amount             INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 100000000),\n"
	"  reason             TEXT NOT NULL CHECK (reason <> ''),\n"
	"  state              TEXT NOT NULL CHECK (state IN ('refund_pending', 'refunded',\n"
	"                       'refund_failed')),\n"
	"  request_body       TEXT NOT NULL,  -- a Kaspi refund's exact bytes; '' for cash and card\n"
	"  refund_id          TEXT CHECK (refund_id IS NULL OR refund_id <> ''),  -- the server's\n"
	"  user_id            INTEGER REFERENCES users(id),           -- the cashier; NULL: headless\n"
	"  approved_by        INTEGER NOT NULL REFERENCES users(id),  -- the manager\n"
	"  attempts           INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),  -- requests sent\n"
	"  last_error         TEXT NOT NULL DEFAULT '',\n"
	"  created_at         INTEGER NOT NULL,\n"
	"  updated_at         INTEGER NOT NULL,  -- refunded/refund_failed: when it settled\n"
	"  UNIQUE (till_id, day, day_seq),\n"
	"  CHECK (merchant_refund_id = till_id || '-R-' || day || '-' || printf('%06d', day_seq)),\n"
	/* a refund without a request (cash, card) is final when written */
	"  CHECK (request_body <> '' OR (state = 'refunded' AND refund_id IS NULL)),\n"
	"  CHECK (request_body = '' OR (state = 'refunded') = (refund_id IS NOT NULL)),\n"
	"  CHECK (order_id IS NOT NULL OR request_body = '')\n"
	");\n"
	"INSERT INTO refunds_v10 (id, order_id, merchant_refund_id, till_id, day, day_seq, shift_id,"
	" amount, reason, state, request_body, refund_id, user_id, approved_by, attempts, last_error,"
	" created_at, updated_at)\n"
	"  SELECT id, order_id, merchant_refund_id, till_id, day, day_seq, shift_id, amount, reason,"
	" state, request_body, refund_id, user_id, approved_by, attempts, last_error, created_at,"
	" updated_at FROM refunds;\n"
	"DROP TABLE refunds;\n"
	"ALTER TABLE refunds_v10 RENAME TO refunds;\n"
	"CREATE INDEX refunds_order ON refunds(order_id);\n"
	"CREATE INDEX refunds_pending ON refunds(id) WHERE state = 'refund_pending';\n"
	"CREATE INDEX refunds_shift ON refunds(shift_id, created_at);\n"
	"CREATE INDEX refunds_updated_at ON refunds(updated_at);\n"
	"CREATE INDEX refunds_day ON refunds(day, state);\n"
	"CREATE INDEX refunds_no_receipt ON refunds(created_at) WHERE order_id IS NULL;\n"
	"CREATE TRIGGER refunds_fixed BEFORE UPDATE OF order_id, merchant_refund_id, till_id, day,\n"
	"  day_seq, shift_id, amount, reason, request_body, user_id, approved_by, created_at\n"
	"  ON refunds BEGIN\n"
	"  SELECT RAISE(ABORT, 'what a refund asked for never changes');\n"
	"END;\n"
	"CREATE TRIGGER refunds_settle_once BEFORE UPDATE OF state, refund_id ON refunds\n"
	"  WHEN old.state <> 'refund_pending'\n"
	"    AND (new.state IS NOT old.state OR new.refund_id IS NOT old.refund_id) BEGIN\n"
	"  SELECT RAISE(ABORT, 'a settled refund never changes');\n"
	"END;\n"
	"CREATE TRIGGER refunds_no_delete BEFORE DELETE ON refunds BEGIN\n"
	"  SELECT RAISE(ABORT, 'refunds are never deleted');\n"
	"END;\n"
	/* the refunds from before: a Kaspi order's, to its own method */
	"INSERT INTO refund_tenders (refund_row, tender, part_no)\n"
	"  SELECT f.id, CASE WHEN o.method IN ('qr', 'phone', 'card') THEN o.method ELSE 'cash' END,"
	" NULL\n"
	"  FROM refunds f LEFT JOIN orders o ON o.id = f.order_id\n"
	"  WHERE NOT EXISTS (SELECT 1 FROM refund_tenders t WHERE t.refund_row = f.id);\n"
	/* a Kaspi tender has the request, the others none; a return without
	 * a receipt is cash */
	"CREATE TRIGGER refund_tenders_match BEFORE INSERT ON refund_tenders\n"
	"  WHEN (SELECT (new.tender IN ('qr', 'phone')) <> (request_body <> '')\n"
	"          OR (order_id IS NULL AND (new.tender <> 'cash' OR new.part_no IS NOT NULL))\n"
	"        FROM refunds WHERE id = new.refund_row) BEGIN\n"
	"  SELECT RAISE(ABORT, 'a refund''s tender does not match its request');\n"
	"END;\n"
	"CREATE TRIGGER refund_tenders_fixed BEFORE UPDATE ON refund_tenders BEGIN\n"
	"  SELECT RAISE(ABORT, 'where a refund went never changes');\n"
	"END;\n"
	"CREATE TRIGGER refund_tenders_no_delete BEFORE DELETE ON refund_tenders BEGIN\n"
	"  SELECT RAISE(ABORT, 'where a refund went never changes');\n"
	"END;\n"
	"DROP TABLE IF EXISTS report_refunds;\n"
	"CREATE TABLE report_refunds (\n"
	"  shift_id   INTEGER NOT NULL,\n"
	"  day        INTEGER NOT NULL,  -- refunds.day: Almaty date, YYYYMMDD\n"
	"  method     TEXT NOT NULL,     -- the tender it went back to (refund_tenders)\n"
	"  no_receipt INTEGER NOT NULL,  -- 1: a return without a receipt (no order)\n"
	"  state      TEXT NOT NULL,\n"
	"  refunds    INTEGER NOT NULL,\n"
	"  amount     INTEGER NOT NULL,\n"
	"  PRIMARY KEY (shift_id, day, method, no_receipt, state)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX report_refunds_day ON report_refunds(day);\n"
	"INSERT INTO report_refunds\n"
	"  SELECT f.shift_id, f.day, t.tender, f.order_id IS NULL, f.state, count(*), sum(f.amount)\n"
	"  FROM refunds f JOIN refund_tenders t ON t.refund_row = f.id GROUP BY 1, 2, 3, 4, 5;\n"
	/* a refund counts once its tender is written (with it, in its
	 * transaction); a settlement moves it between states */
	"CREATE TRIGGER report_refund_tender_new AFTER INSERT ON refund_tenders BEGIN\n"
	"  INSERT INTO report_refunds\n"
	"    SELECT shift_id, day, new.tender, order_id IS NULL, state, 1, amount\n"
	"    FROM refunds WHERE id = new.refund_row\n"
	"  ON CONFLICT (shift_id, day, method, no_receipt, state) DO UPDATE\n"
	"    SET refunds = refunds + 1, amount = amount + excluded.amount;\n"
	"END;\n"
	"CREATE TRIGGER report_refund_line_new AFTER INSERT ON refund_lines BEGIN\n"
	"  INSERT INTO report_refund_lines\n"
	"    SELECT shift_id, day, state, new.tax_rate, 1, new.amount\n"
	"    FROM refunds WHERE id = new.refund_row\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate) DO UPDATE\n"
	"    SET parts = parts + 1, amount = amount + excluded.amount;\n"
	"END;\n"
	"CREATE TRIGGER report_refund_settle AFTER UPDATE OF state ON refunds\n"
	"  WHEN old.state IS NOT new.state BEGIN\n"
	"  UPDATE report_refunds SET refunds = refunds - 1, amount = amount - old.amount\n"
	"    WHERE shift_id = old.shift_id AND day = old.day AND state = old.state\n"
	"      AND no_receipt = (old.order_id IS NULL)\n"
	"      AND method = (SELECT tender FROM refund_tenders WHERE refund_row = old.id);\n"
	"  INSERT INTO report_refunds\n"
	"    SELECT new.shift_id, new.day, tender, new.order_id IS NULL, new.state, 1, new.amount\n"
	"    FROM refund_tenders WHERE refund_row = new.id\n"
	"  ON CONFLICT (shift_id, day, method, no_receipt, state) DO UPDATE\n"
	"    SET refunds = refunds + 1, amount = amount + excluded.amount;\n"
	"  INSERT INTO report_refund_lines\n"
	"    SELECT old.shift_id, old.day, old.state, tax_rate, -count(*), -sum(amount)\n"
	"    FROM refund_lines WHERE refund_row = old.id GROUP BY tax_rate\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate) DO UPDATE\n"
	"    SET parts = parts + excluded.parts, amount = amount + excluded.amount;\n"
	"  INSERT INTO report_refund_lines\n"
	"    SELECT new.shift_id, new.day, new.state, tax_rate, count(*), sum(amount)\n"
	"    FROM refund_lines WHERE refund_row = new.id GROUP BY tax_rate\n"
	"  ON CONFLICT (shift_id, day, state, tax_rate) DO UPDATE\n"
	"    SET parts = parts + excluded.parts, amount = amount + excluded.amount;\n"
	"END;\n"
	/* the split sales whose parts were refunded before */
	"DROP TABLE IF EXISTS temp.split_refunded;\n"
	"CREATE TEMP TABLE split_refunded AS\n"
	"  SELECT id, state AS was, refunded,\n"
	"    CASE WHEN refunded = amount THEN 'refunded' WHEN refunded > 0 THEN 'partially_refunded'\n"
	"      ELSE state END AS now\n"
	"  FROM (SELECT s.id, s.state, s.amount, s.refunded_amount AS had,\n"
	"      (SELECT coalesce(sum(f.amount), 0) FROM refunds f WHERE f.state = 'refunded'\n"
	"         AND (f.order_id = s.id OR f.order_id IN (SELECT p.id FROM orders p\n"
	"                                                  WHERE p.part_of = s.id))) AS refunded\n"
	"    FROM orders s WHERE s.method = 'split'\n"
	"      AND s.state IN ('succeeded', 'partially_refunded', 'refunded'))\n"
	"  WHERE refunded <> had;\n"
	"INSERT INTO order_events (order_id, at, user_id, kind, from_state, to_state, detail)\n"
	"  SELECT id, CAST(strftime('%s', 'now') AS INTEGER), NULL, 'state', was, now,\n"
	"    'the refunds of its Kaspi parts, counted with the sale'\n"
	"  FROM split_refunded WHERE now <> was;\n"
	"UPDATE orders SET refunded_amount = x.refunded, state = x.now,\n"
	"    updated_at = CAST(strftime('%s', 'now') AS INTEGER)\n"
	"  FROM split_refunded x WHERE orders.id = x.id;\n"
	"DROP TABLE temp.split_refunded;\n",
	/* 13: fiscal receipts (FISCAL.md; DESIGN.md, "Sales, tenders and
	 * receipts"). fiscal holds the register the till uses (one row, set
	 * from [fiscal] at every start: fiscal.c); while it is a register,
	 * the triggers below write a receipt row in the same transaction as
	 * the document it registers: a sale when it becomes complete (a row
	 * written succeeded, or a move into succeeded from a state that was
	 * not yet a sale), a return when a refund of a sale is refunded, and
	 * a cash movement (in, out, and the change of the float) as a
	 * MoneyOperation. So no complete sale can be without its receipt row,
	 * whatever crashes after the commit. The row is born 'new', with its
	 * ExternalCheckNumber (a random UUID, version 4) and no body; the app
	 * writes the body (pending) once from the journal and never changes
	 * it; the register's answer makes it registered. A return of a sale
	 * that has no receipt (from before the register) is skipped; a cash
	 * out the register refuses (error 8) is refused. Tables of their own
	 * with IF NOT EXISTS throughout, so that the step can run again. */
	"CREATE TABLE IF NOT EXISTS fiscal (\n"
	"  id       INTEGER PRIMARY KEY CHECK (id = 1),\n"
	"  provider TEXT NOT NULL CHECK (provider IN ('none', 'webkassa')),\n"
	"  cashbox  TEXT NOT NULL DEFAULT '',\n"
	"  since    INTEGER NOT NULL  -- when this provider and cashbox were first set\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS receipts (\n"
	"  id           INTEGER PRIMARY KEY,\n"
	"  ext_id       TEXT NOT NULL UNIQUE,  -- ExternalCheckNumber: a UUID\n"
	"  kind         TEXT NOT NULL CHECK (kind IN ('sale', 'return', 'cash_in', 'cash_out')),\n"
	"  order_id     INTEGER REFERENCES orders(id),     -- sale, return: the sale\n"
	"  refund_row   INTEGER UNIQUE REFERENCES refunds(id),  -- return\n"
	"  cash_move    INTEGER UNIQUE REFERENCES cash_moves(id), -- cash_in, cash_out\n"
	"  shift_id     INTEGER NOT NULL REFERENCES shifts(id),\n"
	"  amount       INTEGER NOT NULL CHECK (amount > 0),  -- tiyn: its total, or the cash moved\n"
	"  state        TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'pending', 'registered',\n"
	"                 'refused', 'skipped')),\n"
	"  body         TEXT NOT NULL DEFAULT '',  -- the request without the token, exact\n"
	"  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),\n"
	"  last_code    INTEGER NOT NULL DEFAULT 0,  -- the register's last error code\n"
	"  last_error   TEXT NOT NULL DEFAULT '',\n"
	"  created_at   INTEGER NOT NULL,\n"
	"  updated_at   INTEGER NOT NULL,\n"
	"  registered_at INTEGER,\n"
	"  check_number TEXT,   -- the fiscal sign\n"
	"  ticket_url   TEXT,\n"
	"  offline      INTEGER NOT NULL DEFAULT 0 CHECK (offline IN (0, 1)),\n"
	"  fiscal_shift INTEGER,  -- the register's shift number\n"
	"  ticket       TEXT,     -- the register's answer, as fiscal.c keeps it (JSON)\n"
	"  CHECK (kind <> 'sale' OR (order_id IS NOT NULL AND refund_row IS NULL AND cash_move IS NULL)),\n"
	"  CHECK (kind <> 'return' OR (order_id IS NOT NULL AND refund_row IS NOT NULL)),\n"
	"  CHECK (kind NOT IN ('cash_in', 'cash_out') OR (cash_move IS NOT NULL AND order_id IS NULL)),\n"
	"  CHECK (state IN ('new', 'skipped') OR body <> ''),\n"
	"  CHECK ((state = 'registered') = (check_number IS NOT NULL AND registered_at IS NOT NULL))\n"
	");\n"
	"CREATE UNIQUE INDEX IF NOT EXISTS receipts_sale ON receipts(order_id) WHERE kind = 'sale';\n"
	"CREATE INDEX IF NOT EXISTS receipts_order ON receipts(order_id);\n"
	"CREATE INDEX IF NOT EXISTS receipts_open ON receipts(id) WHERE state IN ('new', 'pending');\n"
	"CREATE INDEX IF NOT EXISTS receipts_registered ON receipts(registered_at)\n"
	"  WHERE state = 'registered';\n"
	"CREATE TRIGGER IF NOT EXISTS receipts_body_once BEFORE UPDATE OF body ON receipts\n"
	"  WHEN old.body <> '' AND new.body IS NOT old.body BEGIN\n"
	"  SELECT RAISE(ABORT, 'a receipt''s request never changes');\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS receipts_fixed BEFORE UPDATE OF ext_id, kind, order_id,\n"
	"  refund_row, cash_move, shift_id, amount, created_at ON receipts BEGIN\n"
	"  SELECT RAISE(ABORT, 'what a receipt registers never changes');\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS receipts_registered_once BEFORE UPDATE OF state ON receipts\n"
	"  WHEN old.state IN ('registered', 'refused', 'skipped') AND new.state IS NOT old.state BEGIN\n"
	"  SELECT RAISE(ABORT, 'a registered receipt never changes');\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS receipts_no_delete BEFORE DELETE ON receipts BEGIN\n"
	"  SELECT RAISE(ABORT, 'receipts are never deleted');\n"
	"END;\n"
	/* a fresh version 4 UUID each time it is read */
	"CREATE VIEW IF NOT EXISTS receipt_uuid AS SELECT lower(substr(h, 1, 8) || '-' ||\n"
	"    substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-' ||\n"
	"    substr('89ab', 1 + unicode(substr(h, 17, 1)) % 4, 1) || substr(h, 18, 3) || '-' ||\n"
	"    substr(h, 21, 12)) AS uuid\n"
	"  FROM (SELECT hex(randomblob(16)) AS h);\n"
	"CREATE TRIGGER IF NOT EXISTS receipt_sale_written AFTER INSERT ON orders\n"
	"  WHEN new.part_of IS NULL AND new.state = 'succeeded'\n"
	"    AND (SELECT provider FROM fiscal) = 'webkassa' BEGIN\n"
	"  INSERT OR IGNORE INTO receipts (ext_id, kind, order_id, shift_id, amount, created_at,\n"
	"      updated_at)\n"
	"    SELECT uuid, 'sale', new.id, new.shift_id, new.amount, new.updated_at, new.updated_at\n"
	"    FROM receipt_uuid;\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS receipt_sale_complete AFTER UPDATE OF state ON orders\n"
	"  WHEN new.part_of IS NULL AND new.state = 'succeeded'\n"
	"    AND old.state NOT IN ('succeeded', 'partially_refunded', 'refunded')\n"
	"    AND (SELECT provider FROM fiscal) = 'webkassa' BEGIN\n"
	"  INSERT OR IGNORE INTO receipts (ext_id, kind, order_id, shift_id, amount, created_at,\n"
	"      updated_at)\n"
	"    SELECT uuid, 'sale', new.id, new.shift_id, new.amount, new.updated_at, new.updated_at\n"
	"    FROM receipt_uuid;\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS receipt_return_written AFTER INSERT ON refunds\n"
	"  WHEN new.state = 'refunded' AND new.order_id IS NOT NULL\n"
	"    AND (SELECT provider FROM fiscal) = 'webkassa' BEGIN\n"
	"  INSERT OR IGNORE INTO receipts (ext_id, kind, order_id, refund_row, shift_id, amount,\n"
	"      created_at, updated_at)\n"
	"    SELECT uuid, 'return', coalesce((SELECT part_of FROM orders WHERE id = new.order_id),\n"
	"      new.order_id), new.id, new.shift_id, new.amount, new.updated_at, new.updated_at\n"
	"    FROM receipt_uuid;\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS receipt_return_done AFTER UPDATE OF state ON refunds\n"
	"  WHEN new.state = 'refunded' AND old.state <> 'refunded' AND new.order_id IS NOT NULL\n"
	"    AND (SELECT provider FROM fiscal) = 'webkassa' BEGIN\n"
	"  INSERT OR IGNORE INTO receipts (ext_id, kind, order_id, refund_row, shift_id, amount,\n"
	"      created_at, updated_at)\n"
	"    SELECT uuid, 'return', coalesce((SELECT part_of FROM orders WHERE id = new.order_id),\n"
	"      new.order_id), new.id, new.shift_id, new.amount, new.updated_at, new.updated_at\n"
	"    FROM receipt_uuid;\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS receipt_cash_move AFTER INSERT ON cash_moves\n"
	"  WHEN (SELECT provider FROM fiscal) = 'webkassa' BEGIN\n"
	"  INSERT INTO receipts (ext_id, kind, cash_move, shift_id, amount, created_at, updated_at)\n"
	"    SELECT uuid, CASE WHEN d > 0 THEN 'cash_in' ELSE 'cash_out' END, new.id, new.shift_id,\n"
	"      abs(d), new.at, new.at\n"
	"    FROM receipt_uuid, (SELECT CASE new.kind WHEN 'in' THEN new.amount\n"
	"        WHEN 'out' THEN -new.amount\n"
	"        ELSE new.amount - coalesce((SELECT amount FROM cash_moves WHERE shift_id = new.shift_id\n"
	"          AND kind = 'float' AND id < new.id ORDER BY id DESC LIMIT 1), 0) END AS d)\n"
	"    WHERE d <> 0;\n"
	"END;\n",
	/* 14: what the till knows of the register's shift and link, from its
	 * answers (FISCAL.md, "Errors used here"): the shift last seen and
	 * when its first document was made (the register's clock), whether a
	 * Z closed it, the register's clock less the till's at the last
	 * answer, since when its answers say offline, and the refusal that
	 * stops sales (11: the 24 h shift, 18: 72 h offline) until a Z or a
	 * receipt taken online clears it. One row, rewritten by fiscal.c;
	 * the till refuses or warns from it before a sale (fiscal_gate). */
	"CREATE TABLE IF NOT EXISTS fiscal_register (\n"
	"  id            INTEGER PRIMARY KEY CHECK (id = 1),\n"
	"  shift         INTEGER NOT NULL DEFAULT 0,  -- the register's shift number last seen\n"
	"  opened_at     INTEGER,                     -- its first document, the register's clock\n"
	"  closed        INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),  -- by a Z\n"
	"  skew          INTEGER NOT NULL DEFAULT 0,  -- seconds: the register's clock − the till's\n"
	"  offline_since INTEGER,                     -- the first answer offline, its clock\n"
	"  refusal       INTEGER NOT NULL DEFAULT 0,  -- 11 or 18 while it stops sales, else 0\n"
	"  refusal_at    INTEGER,\n"
	"  answered_at   INTEGER                      -- the till's clock at the last answer\n"
	");\n"
	"INSERT OR IGNORE INTO fiscal_register (id) VALUES (1);\n",

	/* 15: the outbox (outbox.h): every change of the journal, one row
	 * each, written by the triggers below in the transaction of the
	 * change, for shipping to the chain's hub (kaspi-hub). seq numbers
	 * the rows 1, 2, ... without a gap (max + 1, in outbox_write's
	 * trigger; rows are never deleted, so no number is reused); payload
	 * is the changed row as json_object, all its columns (a user's but
	 * its PIN and lock: those never leave the till); hash is the SHA-256
	 * (hex) of prev_hash || seq || tbl || op || payload, prev_hash the
	 * row before's hash (64 zeros for the first), so the chain is written
	 * with the change and a hub can check it. kp_sha256 is the store's own
	 * SQL function (outbox.c), registered on every connection db_open
	 * makes. The rows are kept after the hub acknowledged them (the
	 * journal itself never deletes; a hub rebuilt from nothing can be sent
	 * everything again): outbox_acked holds the highest seq the hub said
	 * it holds. A journal from before this step gets an insert row per
	 * row it already has, table by table, the first time the step runs;
	 * a second run (a file taken back by hand) adds none and only
	 * restores the triggers a rebuilt table lost. */
	"CREATE TABLE IF NOT EXISTS outbox (\n"
	"  seq       INTEGER PRIMARY KEY CHECK (seq >= 1),\n"
	"  tbl       TEXT NOT NULL CHECK (tbl <> ''),  -- the journal's table\n"
	"  op        TEXT NOT NULL CHECK (op IN ('insert', 'update')),\n"
	"  payload   TEXT NOT NULL CHECK (json_valid(payload)),  -- the row after the change\n"
	"  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),\n"
	"  hash      TEXT NOT NULL CHECK (length(hash) = 64),\n"
	"  at        INTEGER NOT NULL  -- Unix seconds, when written (not hashed)\n"
	");\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_in_sequence BEFORE INSERT ON outbox\n"
	"  WHEN new.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM outbox) BEGIN\n"
	"  SELECT RAISE(ABORT, 'the outbox is numbered in sequence');\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_no_update BEFORE UPDATE ON outbox BEGIN\n"
	"  SELECT RAISE(ABORT, 'an outbox row never changes');\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_no_delete BEFORE DELETE ON outbox BEGIN\n"
	"  SELECT RAISE(ABORT, 'an outbox row never changes');\n"
	"END;\n"
	"CREATE TABLE IF NOT EXISTS outbox_acked (\n"
	"  id  INTEGER PRIMARY KEY CHECK (id = 1),\n"
	"  seq INTEGER NOT NULL CHECK (seq >= 0),  -- the highest the hub holds\n"
	"  at  INTEGER NOT NULL                    -- when it said so\n"
	");\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_acked_forward BEFORE UPDATE ON outbox_acked\n"
	"  WHEN new.seq < old.seq OR new.seq > (SELECT coalesce(max(seq), 0) FROM outbox) BEGIN\n"
	"  SELECT RAISE(ABORT, 'the acknowledged seq only moves forward, within the outbox');\n"
	"END;\n"
	/* the one writer of the chain: a row inserted here becomes the next
	 * outbox row, numbered and hashed after the one before */
	"CREATE VIEW IF NOT EXISTS outbox_write (tbl, op, payload) AS\n"
	"  SELECT tbl, op, payload FROM outbox WHERE 0;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_write_row INSTEAD OF INSERT ON outbox_write BEGIN\n"
	"  INSERT INTO outbox (seq, tbl, op, payload, prev_hash, hash, at)\n"
	"    SELECT n, new.tbl, new.op, new.payload, p,\n"
	"      kp_sha256(p || n || new.tbl || new.op || new.payload),\n"
	"      CAST(strftime('%s', 'now') AS INTEGER)\n"
	"    FROM (SELECT coalesce(max(seq), 0) + 1 AS n,\n"
	"        coalesce((SELECT hash FROM outbox ORDER BY seq DESC LIMIT 1),\n"
	"          '0000000000000000000000000000000000000000000000000000000000000000') AS p\n"
	"      FROM outbox);\n"
	"END;\n"
	"DROP TABLE IF EXISTS temp.outbox_seed;\n"
	"CREATE TEMP TABLE outbox_seed AS SELECT NOT EXISTS (SELECT 1 FROM main.outbox) AS fresh;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_shifts_insert AFTER INSERT ON shifts BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('shifts', 'insert',\n"
	"    json_object('id', new.id, 'opened_at', new.opened_at,\n"
	"          'opened_by', new.opened_by, 'closed_at', new.closed_at,\n"
	"          'z_number', new.z_number));\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_shifts_update AFTER UPDATE ON shifts BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('shifts', 'update',\n"
	"    json_object('id', new.id, 'opened_at', new.opened_at,\n"
	"          'opened_by', new.opened_by, 'closed_at', new.closed_at,\n"
	"          'z_number', new.z_number));\n"
	"END;\n"
	"INSERT INTO outbox_write SELECT 'shifts', 'insert',\n"
	"  json_object('id', id, 'opened_at', opened_at, 'opened_by', opened_by,\n"
	"      'closed_at', closed_at, 'z_number', z_number)\n"
	"  FROM shifts WHERE (SELECT fresh FROM temp.outbox_seed) ORDER BY id;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_users_insert AFTER INSERT ON users BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('users', 'insert',\n"
	"    json_object('id', new.id, 'name', new.name, 'role', new.role,\n"
	"          'created_at', new.created_at));\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_users_update AFTER UPDATE OF name, role ON users BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('users', 'update',\n"
	"    json_object('id', new.id, 'name', new.name, 'role', new.role,\n"
	"          'created_at', new.created_at));\n"
	"END;\n"
	"INSERT INTO outbox_write SELECT 'users', 'insert',\n"
	"  json_object('id', id, 'name', name, 'role', role, 'created_at', created_at)\n"
	"  FROM users WHERE (SELECT fresh FROM temp.outbox_seed) ORDER BY id;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_orders_insert AFTER INSERT ON orders BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('orders', 'insert',\n"
	"    json_object('id', new.id, 'merchant_order_id', new.merchant_order_id,\n"
	"          'till_id', new.till_id, 'day', new.day, 'day_seq', new.day_seq,\n"
	"          'shift_id', new.shift_id, 'user_id', new.user_id, 'method', new.method,\n"
	"          'payer_phone', new.payer_phone, 'amount', new.amount,\n"
	"          'description', new.description, 'state', new.state,\n"
	"          'request_body', new.request_body, 'payment_id', new.payment_id,\n"
	"          'qr_token', new.qr_token, 'expires_at', new.expires_at,\n"
	"          'created_at', new.created_at, 'updated_at', new.updated_at,\n"
	"          'attempts', new.attempts, 'last_error', new.last_error,\n"
	"          'refunded_amount', new.refunded_amount, 'alert', new.alert,\n"
	"          'part_of', new.part_of));\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_orders_update AFTER UPDATE ON orders BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('orders', 'update',\n"
	"    json_object('id', new.id, 'merchant_order_id', new.merchant_order_id,\n"
	"          'till_id', new.till_id, 'day', new.day, 'day_seq', new.day_seq,\n"
	"          'shift_id', new.shift_id, 'user_id', new.user_id, 'method', new.method,\n"
	"          'payer_phone', new.payer_phone, 'amount', new.amount,\n"
	"          'description', new.description, 'state', new.state,\n"
	"          'request_body', new.request_body, 'payment_id', new.payment_id,\n"
	"          'qr_token', new.qr_token, 'expires_at', new.expires_at,\n"
	"          'created_at', new.created_at, 'updated_at', new.updated_at,\n"
	"          'attempts', new.attempts, 'last_error', new.last_error,\n"
	"          'refunded_amount', new.refunded_amount, 'alert', new.alert,\n"
	"          'part_of', new.part_of));\n"
	"END;\n"
	"INSERT INTO outbox_write SELECT 'orders', 'insert',\n"
	"  json_object('id', id, 'merchant_order_id', merchant_order_id,\n"
	"      'till_id', till_id, 'day', day, 'day_seq', day_seq, 'shift_id', shift_id,\n"
	"      'user_id', user_id, 'method', method, 'payer_phone', payer_phone,\n"
	"      'amount', amount, 'description', description, 'state', state,\n"
	"      'request_body', request_body, 'payment_id', payment_id,\n"
	"      'qr_token', qr_token, 'expires_at', expires_at, 'created_at', created_at,\n"
	"      'updated_at', updated_at, 'attempts', attempts, 'last_error', last_error,\n"
	"      'refunded_amount', refunded_amount, 'alert', alert, 'part_of', part_of)\n"
	"  FROM orders WHERE (SELECT fresh FROM temp.outbox_seed) ORDER BY id;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_order_lines_insert AFTER INSERT ON order_lines BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('order_lines', 'insert',\n"
	"    json_object('order_id', new.order_id, 'line_no', new.line_no,\n"
	"          'product_id', new.product_id, 'sku', new.sku, 'barcode', new.barcode,\n"
	"          'name', new.name, 'quantity', new.quantity,\n"
	"          'unit_price', new.unit_price, 'tax_rate', new.tax_rate,\n"
	"          'discount', new.discount, 'total', new.total, 'voided', new.voided,\n"
	"          'name_kk', new.name_kk, 'unit', new.unit, 'weight', new.weight,\n"
	"          'price_per_unit', new.price_per_unit));\n"
	"END;\n"
	"INSERT INTO outbox_write SELECT 'order_lines', 'insert',\n"
	"  json_object('order_id', order_id, 'line_no', line_no,\n"
	"      'product_id', product_id, 'sku', sku, 'barcode', barcode, 'name', name,\n"
	"      'quantity', quantity, 'unit_price', unit_price, 'tax_rate', tax_rate,\n"
	"      'discount', discount, 'total', total, 'voided', voided,\n"
	"      'name_kk', name_kk, 'unit', unit, 'weight', weight,\n"
	"      'price_per_unit', price_per_unit)\n"
	"  FROM order_lines WHERE (SELECT fresh FROM temp.outbox_seed) ORDER BY order_id, line_no;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_tenders_insert AFTER INSERT ON tenders BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('tenders', 'insert',\n"
	"    json_object('order_id', new.order_id, 'part_no', new.part_no,\n"
	"          'kind', new.kind, 'amount', new.amount, 'given', new.given,\n"
	"          'change', new.change, 'approval', new.approval,\n"
	"          'part_order', new.part_order, 'created_at', new.created_at));\n"
	"END;\n"
	"INSERT INTO outbox_write SELECT 'tenders', 'insert',\n"
	"  json_object('order_id', order_id, 'part_no', part_no, 'kind', kind,\n"
	"      'amount', amount, 'given', given, 'change', change, 'approval', approval,\n"
	"      'part_order', part_order, 'created_at', created_at)\n"
	"  FROM tenders WHERE (SELECT fresh FROM temp.outbox_seed) ORDER BY order_id, part_no;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_order_events_insert AFTER INSERT ON order_events BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('order_events', 'insert',\n"
	"    json_object('id', new.id, 'order_id', new.order_id, 'at', new.at,\n"
	"          'user_id', new.user_id, 'kind', new.kind, 'from_state', new.from_state,\n"
	"          'to_state', new.to_state, 'detail', new.detail));\n"
	"END;\n"
	"INSERT INTO outbox_write SELECT 'order_events', 'insert',\n"
	"  json_object('id', id, 'order_id', order_id, 'at', at, 'user_id', user_id,\n"
	"      'kind', kind, 'from_state', from_state, 'to_state', to_state,\n"
	"      'detail', detail)\n"
	"  FROM order_events WHERE (SELECT fresh FROM temp.outbox_seed) ORDER BY id;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_events_insert AFTER INSERT ON events BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('events', 'insert',\n"
	"    json_object('id', new.id, 'at', new.at, 'user_id', new.user_id,\n"
	"          'kind', new.kind, 'detail', new.detail));\n"
	"END;\n"
	"INSERT INTO outbox_write SELECT 'events', 'insert',\n"
	"  json_object('id', id, 'at', at, 'user_id', user_id, 'kind', kind,\n"
	"      'detail', detail)\n"
	"  FROM events WHERE (SELECT fresh FROM temp.outbox_seed) ORDER BY id;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_refunds_insert AFTER INSERT ON refunds BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('refunds', 'insert',\n"
	"    json_object('id', new.id, 'order_id', new.order_id,\n"
	"          'merchant_refund_id', new.merchant_refund_id, 'till_id', new.till_id,\n"
	"          'day', new.day, 'day_seq', new.day_seq, 'shift_id', new.shift_id,\n"
	"          'amount', new.amount, 'reason', new.reason, 'state', new.state,\n"
	"          'request_body', new.request_body, 'refund_id', new.refund_id,\n"
	"          'user_id', new.user_id, 'approved_by', new.approved_by,\n"
	"          'attempts', new.attempts, 'last_error', new.last_error,\n"
	"          'created_at', new.created_at, 'updated_at', new.updated_at));\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_refunds_update AFTER UPDATE ON refunds BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('refunds', 'update',\n"
	"    json_object('id', new.id, 'order_id', new.order_id,\n"
	"          'merchant_refund_id', new.merchant_refund_id, 'till_id', new.till_id,\n"
	"          'day', new.day, 'day_seq', new.day_seq, 'shift_id', new.shift_id,\n"
	"          'amount', new.amount, 'reason', new.reason, 'state', new.state,\n"
	"          'request_body', new.request_body, 'refund_id', new.refund_id,\n"
	"          'user_id', new.user_id, 'approved_by', new.approved_by,\n"
	"          'attempts', new.attempts, 'last_error', new.last_error,\n"
	"          'created_at', new.created_at, 'updated_at', new.updated_at));\n"
	"END;\n"
	"INSERT INTO outbox_write SELECT 'refunds', 'insert',\n"
	"  json_object('id', id, 'order_id', order_id,\n"
	"      'merchant_refund_id', merchant_refund_id, 'till_id', till_id, 'day', day,\n"
	"      'day_seq', day_seq, 'shift_id', shift_id, 'amount', amount,\n"
	"      'reason', reason, 'state', state, 'request_body', request_body,\n"
	"      'refund_id', refund_id, 'user_id', user_id, 'approved_by', approved_by,\n"
	"      'attempts', attempts, 'last_error', last_error, 'created_at', created_at,\n"
	"      'updated_at', updated_at)\n"
	"  FROM refunds WHERE (SELECT fresh FROM temp.outbox_seed) ORDER BY id;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_refund_lines_insert AFTER INSERT ON refund_lines BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('refund_lines', 'insert',\n"
	"    json_object('refund_row', new.refund_row, 'part', new.part,\n"
	"          'tax_rate', new.tax_rate, 'amount', new.amount, 'line_no', new.line_no,\n"
	"          'quantity', new.quantity));\n"
	"END;\n"
	"INSERT INTO outbox_write SELECT 'refund_lines', 'insert',\n"
	"  json_object('refund_row', refund_row, 'part', part, 'tax_rate', tax_rate,\n"
	"      'amount', amount, 'line_no', line_no, 'quantity', quantity)\n"
	"  FROM refund_lines WHERE (SELECT fresh FROM temp.outbox_seed) ORDER BY refund_row, part;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_refund_tenders_insert AFTER INSERT ON refund_tenders BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('refund_tenders', 'insert',\n"
	"    json_object('refund_row', new.refund_row, 'tender', new.tender,\n"
	"          'part_no', new.part_no));\n"
	"END;\n"
	"INSERT INTO outbox_write SELECT 'refund_tenders', 'insert',\n"
	"  json_object('refund_row', refund_row, 'tender', tender, 'part_no', part_no)\n"
	"  FROM refund_tenders WHERE (SELECT fresh FROM temp.outbox_seed) ORDER BY refund_row;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_cash_moves_insert AFTER INSERT ON cash_moves BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('cash_moves', 'insert',\n"
	"    json_object('id', new.id, 'shift_id', new.shift_id, 'day', new.day,\n"
	"          'kind', new.kind, 'amount', new.amount, 'reason', new.reason,\n"
	"          'user_id', new.user_id, 'approved_by', new.approved_by, 'at', new.at));\n"
	"END;\n"
	"INSERT INTO outbox_write SELECT 'cash_moves', 'insert',\n"
	"  json_object('id', id, 'shift_id', shift_id, 'day', day, 'kind', kind,\n"
	"      'amount', amount, 'reason', reason, 'user_id', user_id,\n"
	"      'approved_by', approved_by, 'at', at)\n"
	"  FROM cash_moves WHERE (SELECT fresh FROM temp.outbox_seed) ORDER BY id;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_z_reports_insert AFTER INSERT ON z_reports BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('z_reports', 'insert',\n"
	"    json_object('number', new.number, 'shift_id', new.shift_id,\n"
	"          'closed_at', new.closed_at, 'closed_by', new.closed_by,\n"
	"          'snapshot', new.snapshot));\n"
	"END;\n"
	"INSERT INTO outbox_write SELECT 'z_reports', 'insert',\n"
	"  json_object('number', number, 'shift_id', shift_id, 'closed_at', closed_at,\n"
	"      'closed_by', closed_by, 'snapshot', snapshot)\n"
	"  FROM z_reports WHERE (SELECT fresh FROM temp.outbox_seed) ORDER BY number;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_receipts_insert AFTER INSERT ON receipts BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('receipts', 'insert',\n"
	"    json_object('id', new.id, 'ext_id', new.ext_id, 'kind', new.kind,\n"
	"          'order_id', new.order_id, 'refund_row', new.refund_row,\n"
	"          'cash_move', new.cash_move, 'shift_id', new.shift_id,\n"
	"          'amount', new.amount, 'state', new.state, 'body', new.body,\n"
	"          'attempts', new.attempts, 'last_code', new.last_code,\n"
	"          'last_error', new.last_error, 'created_at', new.created_at,\n"
	"          'updated_at', new.updated_at, 'registered_at', new.registered_at,\n"
	"          'check_number', new.check_number, 'ticket_url', new.ticket_url,\n"
	"          'offline', new.offline, 'fiscal_shift', new.fiscal_shift,\n"
	"          'ticket', new.ticket));\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS outbox_receipts_update AFTER UPDATE ON receipts BEGIN\n"
	"  INSERT INTO outbox_write VALUES ('receipts', 'update',\n"
	"    json_object('id', new.id, 'ext_id', new.ext_id, 'kind', new.kind,\n"
	"          'order_id', new.order_id, 'refund_row', new.refund_row,\n"
	"          'cash_move', new.cash_move, 'shift_id', new.shift_id,\n"
	"          'amount', new.amount, 'state', new.state, 'body', new.body,\n"
	"          'attempts', new.attempts, 'last_code', new.last_code,\n"
	"          'last_error', new.last_error, 'created_at', new.created_at,\n"
	"          'updated_at', new.updated_at, 'registered_at', new.registered_at,\n"
	"          'check_number', new.check_number, 'ticket_url', new.ticket_url,\n"
	"          'offline', new.offline, 'fiscal_shift', new.fiscal_shift,\n"
	"          'ticket', new.ticket));\n"
	"END;\n"
	"INSERT INTO outbox_write SELECT 'receipts', 'insert',\n"
	"  json_object('id', id, 'ext_id', ext_id, 'kind', kind, 'order_id', order_id,\n"
	"      'refund_row', refund_row, 'cash_move', cash_move, 'shift_id', shift_id,\n"
	"      'amount', amount, 'state', state, 'body', body, 'attempts', attempts,\n"
	"      'last_code', last_code, 'last_error', last_error,\n"
	"      'created_at', created_at, 'updated_at', updated_at,\n"
	"      'registered_at', registered_at, 'check_number', check_number,\n"
	"      'ticket_url', ticket_url, 'offline', offline,\n"
	"      'fiscal_shift', fiscal_shift, 'ticket', ticket)\n"
	"  FROM receipts WHERE (SELECT fresh FROM temp.outbox_seed) ORDER BY id;\n"

	"DROP TABLE temp.outbox_seed;\n",

	/* 16: what came from the chain's hub (store/hubver.h): hub_versions
	 * holds the version of the catalog and of the users the till took
	 * last, written in the transaction that replaced them; users the
	 * hub no longer lists are kept (orders and shifts name them) but
	 * listed in users_disabled, and cannot log in. */
	"CREATE TABLE IF NOT EXISTS hub_versions (\n"
	"  kind     TEXT PRIMARY KEY CHECK (kind IN ('catalog', 'users')),\n"
	"  version  INTEGER NOT NULL CHECK (version >= 1),\n"
	"  taken_at INTEGER NOT NULL  -- Unix seconds\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS users_disabled (\n"
	"  user_id INTEGER PRIMARY KEY REFERENCES users(id),\n"
	"  at      INTEGER NOT NULL  -- Unix seconds, when the hub's list left it out\n"
	");\n",
};

#define MIGRATIONS_COUNT ((int)(sizeof migrations / sizeof *migrations))

void store_err_clear(store_err *err)
{
	if (err) {
		err->status = STORE_OK;
		kp_msg_clear(&err->msg);
	}
}

struct kp_msg *store_err_msg(store_err *err)
{
	static _Thread_local struct kp_msg scratch;
	return err ? &err->msg : &scratch;
}

/* Makes every argument of m one line without a packing separator:
 * whatever SQLite, the OS or a server wrote into it. */
static void msg_one_line(struct kp_msg *m)
{
	for (int i = 0; i < m->n; i++)
		for (char *p = m->arg[i]; *p; p++)
			if (*p == '\n' || *p == '\r' || *p == KP_MSG_SEP)
				*p = ' ';
}

store_status store_err_status(store_err *err, store_status status)
{
	if (err) {
		msg_one_line(&err->msg);
		err->status = status;
	}
	return status;
}

void store_msg_pack(const struct kp_msg *m, char *buf, size_t size)
{
	struct kp_msg t = *m;
	msg_one_line(&t);
	while (!kp_msg_pack(&t, buf, size)) {
		int longest = -1;
		size_t most = 0;
		for (int i = 0; i < t.n; i++)
			if (strlen(t.arg[i]) > most) {
				most = strlen(t.arg[i]);
				longest = i;
			}
		if (longest < 0) { /* the msgid alone does not fit: never with the store's */
			if (size)
				buf[0] = '\0';
			return;
		}
		size_t cut = most / 2;
		while (cut > 0 && ((unsigned char)t.arg[longest][cut] & 0xc0) == 0x80)
			cut--; /* t.arg[longest][cut] continues a character: cut before it */
		t.arg[longest][cut] = '\0';
	}
}

store_status db_fail(store_db *db, int rc, store_err *err)
{
	const char *path = db && db->path ? db->path : STORE_DB_FILE;
	const char *detail = db && db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return store_set_err(err, STORE_ERR_NOTADB, DB_DAMAGED, path);
	case SQLITE_FULL:
		return store_set_err(err, STORE_ERR_FULL, DB_DISK_FULL);
	case SQLITE_CANTOPEN:
		return store_set_err(err, STORE_ERR_OPEN, DB_CANNOT_OPEN, path);
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return store_set_err(err, STORE_ERR_READONLY, DB_READ_ONLY, path);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return store_set_err(err, STORE_ERR_BUSY, DB_BUSY);
	case SQLITE_IOERR:
		return store_set_err(err, STORE_ERR_IO, DB_DISK_ERROR);
	case SQLITE_NOMEM:
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	default:
		return store_set_err(err, STORE_ERR_INTERNAL, DB_ERROR, detail);
	}
}

store_status db_prepare(store_db *db, const char *sql, sqlite3_stmt **stmt, store_err *err)
{
	int rc = sqlite3_prepare_v2(db->sql, sql, -1, stmt, NULL);
	if (rc != SQLITE_OK) {
		*stmt = NULL;
		return db_fail(db, rc, err);
	}
	return STORE_OK;
}

/* Runs SQL text without values (pragmas, BEGIN, a migration step). */
static store_status db_exec(store_db *db, const char *sql, store_err *err)
{
	int rc = sqlite3_exec(db->sql, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? STORE_OK : db_fail(db, rc, err);
}

/* Runs a statement that yields one integer (a pragma, a count). */
static store_status db_query_int(store_db *db, const char *sql, int *out, store_err *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? STORE_OK : db_fail(db, rc, err);
}

store_status db_begin(store_db *db, store_err *err)
{
	return db_exec(db, "BEGIN IMMEDIATE", err);
}

store_status db_commit(store_db *db, store_err *err)
{
	store_status st = db_exec(db, "COMMIT", err);
	if (st != STORE_OK)
		db_rollback(db);
	return st;
}

void db_rollback(store_db *db)
{
	if (!sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

/* Sets WAL (persistent in the file) and checks that it took: WAL fails on
 * some network file systems, and the journal's guarantees assume it. */
static store_status db_set_wal(store_db *db, store_err *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db->sql, "PRAGMA journal_mode=WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_fail(db, rc, err);
	}
	const char *mode = (const char *)sqlite3_column_text(st, 0);
	bool wal = mode && strcmp(mode, "wal") == 0;
	sqlite3_finalize(st);
	if (!wal)
		return store_set_err(err, STORE_ERR_OPEN, DB_NO_WAL, db->path);
	return STORE_OK;
}

/* A file with tables must carry our application id: another program's
 * SQLite file is refused before anything is written to it. */
static store_status db_check_owner(store_db *db, store_err *err)
{
	int app_id = 0, tables = 0;
	store_status st = db_query_int(db, "PRAGMA application_id", &app_id, err);
	if (st == STORE_OK)
		st = db_query_int(db, "SELECT count(*) FROM sqlite_schema", &tables, err);
	if (st != STORE_OK)
		return st;
	if (tables > 0 && app_id != DB_APPLICATION_ID)
		return store_set_err(err, STORE_ERR_NOTADB, DB_OTHER_PROGRAM, db->path);
	return STORE_OK;
}

/* Brings the schema to the newest version, one transaction per step. The
 * version is read again inside each transaction, so two processes
 * opening a new file at once do not run a step twice. */
static store_status db_migrate(store_db *db, store_err *err)
{
	int version = 0;
	store_status st = db_query_int(db, "PRAGMA user_version", &version, err);
	if (st != STORE_OK)
		return st;
	if (version > MIGRATIONS_COUNT)
		return store_set_err(err, STORE_ERR_VERSION, DB_NEWER, db->path, version,
		                     MIGRATIONS_COUNT);
	while (version < MIGRATIONS_COUNT) {
		if ((st = db_begin(db, err)) != STORE_OK)
			return st;
		st = db_query_int(db, "PRAGMA user_version", &version, err);
		if (st == STORE_OK && version < MIGRATIONS_COUNT) {
			char pragma[128];
			/* PRAGMA takes no bound parameters; these are our own integers. */
			snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d; PRAGMA application_id=%d",
			         version + 1, DB_APPLICATION_ID);
			st = db_exec(db, migrations[version], err);
			/* foreign keys are off while the steps run (a table built
			 * again must be dropped first): each step checks them all */
			int broken = 0;
			if (st == STORE_OK)
				st = db_query_int(db, "SELECT count(*) FROM pragma_foreign_key_check", &broken,
				                  err);
			if (st == STORE_OK && broken > 0)
				st = store_set_err(err, STORE_ERR_NOTADB, DB_MIGRATE_LINKS, db->path,
				                   version + 1, broken);
			if (st == STORE_OK)
				st = db_exec(db, pragma, err);
		}
		if (st != STORE_OK) {
			db_rollback(db);
			return st;
		}
		if ((st = db_commit(db, err)) != STORE_OK)
			return st;
		if ((st = db_query_int(db, "PRAGMA user_version", &version, err)) != STORE_OK)
			return st;
	}
	return STORE_OK;
}

/* Creates the file with mode 0600 if it is missing, so that the PIN
 * hashes in it are not readable by others; SQLite gives its -wal and
 * -shm files the same mode. A file that is there is not opened: closing
 * a descriptor of it would drop every POSIX lock this process holds on
 * it, those of another connection too (the shipping thread's open while
 * the UI thread's is in use), and another process could then take the
 * WAL for unused, checkpoint and delete it under the open connection. */
static store_status db_create_file(const char *path, store_err *err)
{
	struct stat sb;
	if (stat(path, &sb) == 0)
		return STORE_OK;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		return STORE_OK;
	}
	int e = errno;
	switch (e) {
	case ENOSPC:
	case EDQUOT:
		return store_set_err(err, STORE_ERR_FULL, DB_CREATE_FULL, path);
	case EROFS:
	case EACCES:
	case EPERM:
		return store_set_err(err, STORE_ERR_READONLY, DB_CREATE_DENIED, path, strerror(e));
	default:
		return store_set_err(err, STORE_ERR_OPEN, DB_CREATE_FAILED, path, strerror(e));
	}
}

store_status db_open(const char *path, store_db **out, store_err *err)
{
	store_status st;
	int rc;

	store_err_clear(err);
	*out = NULL;
	if (!path || !*path)
		return store_set_err(err, STORE_ERR_INPUT, DB_NO_FILE);
	if ((st = db_create_file(path, err)) != STORE_OK)
		return st;

	store_db *db = calloc(1, sizeof *db);
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return store_set_err(err, STORE_ERR_NOMEM, NO_MEMORY);
	}
	rc = sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		st = db_fail(db, rc, err);
		db_close(db);
		return st;
	}
	sqlite3_extended_result_codes(db->sql, 1);
	sqlite3_busy_timeout(db->sql, STORE_BUSY_TIMEOUT_MS);
	/* the outbox's triggers (step 15) hash with it: before any write */
	if ((rc = outbox_register_sql(db->sql)) != SQLITE_OK) {
		st = db_fail(db, rc, err);
		db_close(db);
		return st;
	}

	st = db_set_wal(db, err);
	if (st == STORE_OK)
		st = db_exec(db, "PRAGMA synchronous=FULL", err);
	if (st == STORE_OK)
		st = db_check_owner(db, err);
	if (st == STORE_OK)
		st = db_migrate(db, err);
	if (st == STORE_OK)
		st = db_exec(db, "PRAGMA foreign_keys=ON", err);
	if (st != STORE_OK) {
		db_close(db);
		return st;
	}
	*out = db;
	return STORE_OK;
}

/* mkdir -p: creates each missing folder of path with mode 0700. */
static store_status db_mkdirs(const char *path, store_err *err)
{
	char buf[4096];
	int n = snprintf(buf, sizeof buf, "%s", path);
	if (n <= 0 || (size_t)n >= sizeof buf)
		return store_set_err(err, STORE_ERR_INPUT, DB_HOME_NAME);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
			int e = errno;
			return store_set_err(err, e == ENOSPC ? STORE_ERR_FULL : STORE_ERR_OPEN,
			                     DB_HOME_CREATE, buf, strerror(e));
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	struct stat sb;
	if (stat(buf, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return store_set_err(err, STORE_ERR_OPEN, DB_HOME_NOT_FOLDER, buf);
	return STORE_OK;
}

store_status db_open_home(const char *home, store_db **out, store_err *err)
{
	char path[4096];
	store_status st;

	store_err_clear(err);
	*out = NULL;
	if (!home || !*home)
		return store_set_err(err, STORE_ERR_INPUT, DB_NO_HOME);
	if ((st = db_mkdirs(home, err)) != STORE_OK)
		return st;
	int n = snprintf(path, sizeof path, "%s/%s", home, STORE_DB_FILE);
	if (n < 0 || (size_t)n >= sizeof path)
		return store_set_err(err, STORE_ERR_INPUT, DB_HOME_NAME);
	return db_open(path, out, err);
}

void db_close(store_db *db)
{
	if (!db)
		return;
	sqlite3_close_v2(db->sql); /* NULL is a no-op */
	free(db->path);
	free(db);
}

sqlite3 *db_sqlite(store_db *db)
{
	return db->sql;
}

const char *db_path(const store_db *db)
{
	return db->path;
}

int db_schema_version(store_db *db)
{
	int v = -1;
	store_err err;
	if (db_query_int(db, "PRAGMA user_version", &v, &err) != STORE_OK)
		return -1;
	return v;
}

int db_schema_latest(void)
{
	return MIGRATIONS_COUNT;
}

time_t db_now(const store_db *db)
{
	return db->clock ? db->clock() : time(NULL);
}

void db_set_clock(store_db *db, time_t (*clock)(void))
{
	db->clock = clock;
}
