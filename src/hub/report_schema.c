/* report_schema.c — schema step 2 (report.h): the typed tables the
 * chain's reports read, kept by one statement trigger on journal_rows.
 *
 * Each hub_* table holds the newest state of one kind of journal row per
 * till, with the columns the reports sum as typed columns and the
 * indexes a day's report needs (each by its Almaty day: the lines,
 * tenders and refunds' parts carry their order's or refund's, filled from
 * it as they arrive after it), so a report over ten million orders reads one day's
 * rows by index instead of the jsonb of every row. The trigger runs once
 * per INSERT statement over its transition table: the newest seq of each
 * key wins (DISTINCT ON, and an upsert that never goes back to an older
 * seq), so a batch of any size is a dozen set statements. The columns
 * are nullable: a row the reports cannot read is still held, never
 * refused. The step fills the tables from the rows held already.
 *
 * Days are Almaty's (UTC+5, as the till's): the orders and refunds carry
 * their own day; the others are dated by hub_day(unix seconds). */
#include "hub/report.h"

/* The upserts of the trigger, over the rows of SRC (the transition
 * table, or journal_rows when the step fills the tables). */
#define HUB_UPSERTS(SRC) \
	"INSERT INTO hub_user (till_id, id, name, role, seq)\n" \
	"  SELECT DISTINCT ON (till_id, (doc->>'id')::bigint) till_id, (doc->>'id')::bigint,\n" \
	"    doc->>'name', doc->>'role', seq FROM " SRC " WHERE tbl = 'users'\n" \
	"  ORDER BY till_id, (doc->>'id')::bigint, seq DESC\n" \
	"  ON CONFLICT (till_id, id) DO UPDATE SET name = excluded.name, role = excluded.role,\n" \
	"    seq = excluded.seq WHERE hub_user.seq < excluded.seq;\n" \
	"INSERT INTO hub_order (till_id, id, merchant_order_id, day, shift_id, user_id, method,\n" \
	"    state, amount, part_of, created_at, seq)\n" \
	"  SELECT DISTINCT ON (till_id, (doc->>'id')::bigint) till_id, (doc->>'id')::bigint,\n" \
	"    doc->>'merchant_order_id', (doc->>'day')::int, (doc->>'shift_id')::bigint,\n" \
	"    (doc->>'user_id')::bigint, doc->>'method', doc->>'state', (doc->>'amount')::bigint,\n" \
	"    (doc->>'part_of')::bigint, (doc->>'created_at')::bigint, seq\n" \
	"  FROM " SRC " WHERE tbl = 'orders' ORDER BY till_id, (doc->>'id')::bigint, seq DESC\n" \
	"  ON CONFLICT (till_id, id) DO UPDATE SET state = excluded.state, seq = excluded.seq,\n" \
	"    part_of = excluded.part_of WHERE hub_order.seq < excluded.seq;\n" \
	"INSERT INTO hub_line (till_id, order_id, line_no, tax_rate, total, discount, voided, day)\n" \
	"  SELECT r.till_id, (r.doc->>'order_id')::bigint, (r.doc->>'line_no')::int,\n" \
	"    (r.doc->>'tax_rate')::int, (r.doc->>'total')::bigint, (r.doc->>'discount')::bigint,\n" \
	"    coalesce((r.doc->>'voided')::int, 0) <> 0, o.day\n" \
	"  FROM " SRC " r LEFT JOIN hub_order o ON o.till_id = r.till_id\n" \
	"    AND o.id = (r.doc->>'order_id')::bigint\n" \
	"  WHERE r.tbl = 'order_lines' ON CONFLICT DO NOTHING;\n" \
	"INSERT INTO hub_tender (till_id, order_id, part_no, kind, amount, part_order, day)\n" \
	"  SELECT r.till_id, (r.doc->>'order_id')::bigint, (r.doc->>'part_no')::int, r.doc->>'kind',\n" \
	"    (r.doc->>'amount')::bigint, (r.doc->>'part_order')::bigint, o.day\n" \
	"  FROM " SRC " r LEFT JOIN hub_order o ON o.till_id = r.till_id\n" \
	"    AND o.id = (r.doc->>'order_id')::bigint\n" \
	"  WHERE r.tbl = 'tenders' ON CONFLICT DO NOTHING;\n" \
	"INSERT INTO hub_abandoned (till_id, order_id)\n" \
	"  SELECT DISTINCT till_id, (doc->>'order_id')::bigint FROM " SRC "\n" \
	"  WHERE tbl = 'order_events' AND doc->>'to_state' = 'abandoned' ON CONFLICT DO NOTHING;\n" \
	"INSERT INTO hub_event (till_id, id, at, day, user_id, kind, detail)\n" \
	"  SELECT till_id, (doc->>'id')::bigint, (doc->>'at')::bigint, hub_day((doc->>'at')::bigint),\n" \
	"    (doc->>'user_id')::bigint, doc->>'kind', doc->>'detail'\n" \
	"  FROM " SRC " WHERE tbl = 'events' AND doc->>'kind' IN ('void_line', 'restore_line',\n" \
	"    'discount', 'register_z') ON CONFLICT DO NOTHING;\n" \
	"INSERT INTO hub_refund (till_id, id, order_id, merchant_refund_id, day, shift_id, amount,\n" \
	"    state, user_id, approved_by, created_at, seq)\n" \
	"  SELECT DISTINCT ON (till_id, (doc->>'id')::bigint) till_id, (doc->>'id')::bigint,\n" \
	"    (doc->>'order_id')::bigint, doc->>'merchant_refund_id', (doc->>'day')::int,\n" \
	"    (doc->>'shift_id')::bigint, (doc->>'amount')::bigint, doc->>'state',\n" \
	"    (doc->>'user_id')::bigint, (doc->>'approved_by')::bigint,\n" \
	"    (doc->>'created_at')::bigint, seq\n" \
	"  FROM " SRC " WHERE tbl = 'refunds' ORDER BY till_id, (doc->>'id')::bigint, seq DESC\n" \
	"  ON CONFLICT (till_id, id) DO UPDATE SET state = excluded.state, seq = excluded.seq\n" \
	"    WHERE hub_refund.seq < excluded.seq;\n" \
	"INSERT INTO hub_refund_line (till_id, refund_row, part, tax_rate, amount, day)\n" \
	"  SELECT r.till_id, (r.doc->>'refund_row')::bigint, (r.doc->>'part')::int,\n" \
	"    (r.doc->>'tax_rate')::int, (r.doc->>'amount')::bigint, f.day\n" \
	"  FROM " SRC " r LEFT JOIN hub_refund f ON f.till_id = r.till_id\n" \
	"    AND f.id = (r.doc->>'refund_row')::bigint\n" \
	"  WHERE r.tbl = 'refund_lines' ON CONFLICT DO NOTHING;\n" \
	"INSERT INTO hub_refund_tender (till_id, refund_row, tender, day)\n" \
	"  SELECT r.till_id, (r.doc->>'refund_row')::bigint, r.doc->>'tender', f.day\n" \
	"  FROM " SRC " r LEFT JOIN hub_refund f ON f.till_id = r.till_id\n" \
	"    AND f.id = (r.doc->>'refund_row')::bigint\n" \
	"  WHERE r.tbl = 'refund_tenders' ON CONFLICT DO NOTHING;\n" \
	"INSERT INTO hub_cash_move (till_id, id, shift_id, day, kind, amount, user_id, approved_by, at)\n" \
	"  SELECT till_id, (doc->>'id')::bigint, (doc->>'shift_id')::bigint, (doc->>'day')::int,\n" \
	"    doc->>'kind', (doc->>'amount')::bigint, (doc->>'user_id')::bigint,\n" \
	"    (doc->>'approved_by')::bigint, (doc->>'at')::bigint\n" \
	"  FROM " SRC " WHERE tbl = 'cash_moves' ON CONFLICT DO NOTHING;\n" \
	"INSERT INTO hub_z (till_id, number, shift_id, closed_at, day, closed_by, counted, expected,\n" \
	"    difference)\n" \
	"  SELECT till_id, (doc->>'number')::bigint, (doc->>'shift_id')::bigint,\n" \
	"    (doc->>'closed_at')::bigint, hub_day((doc->>'closed_at')::bigint),\n" \
	"    (doc->>'closed_by')::bigint, hub_json_bigint(doc->>'snapshot', 'counted'),\n" \
	"    hub_json_bigint(doc->>'snapshot', 'expected'),\n" \
	"    hub_json_bigint(doc->>'snapshot', 'difference')\n" \
	"  FROM " SRC " WHERE tbl = 'z_reports' ON CONFLICT DO NOTHING;\n" \
	"INSERT INTO hub_receipt (till_id, id, kind, order_id, shift_id, amount, state, created_at,\n" \
	"    day, fiscal_shift, check_number, seq)\n" \
	"  SELECT DISTINCT ON (till_id, (doc->>'id')::bigint) till_id, (doc->>'id')::bigint,\n" \
	"    doc->>'kind', (doc->>'order_id')::bigint, (doc->>'shift_id')::bigint,\n" \
	"    (doc->>'amount')::bigint, doc->>'state', (doc->>'created_at')::bigint,\n" \
	"    hub_day((doc->>'created_at')::bigint), (doc->>'fiscal_shift')::int,\n" \
	"    doc->>'check_number', seq\n" \
	"  FROM " SRC " WHERE tbl = 'receipts' ORDER BY till_id, (doc->>'id')::bigint, seq DESC\n" \
	"  ON CONFLICT (till_id, id) DO UPDATE SET state = excluded.state, seq = excluded.seq,\n" \
	"    fiscal_shift = excluded.fiscal_shift, check_number = excluded.check_number\n" \
	"    WHERE hub_receipt.seq < excluded.seq;\n"

const char hub_report_schema[] =
	/* Almaty's date of a Unix time, YYYYMMDD; the till's fixed UTC+5 */
	"CREATE FUNCTION hub_day(t bigint) RETURNS int LANGUAGE sql IMMUTABLE AS $$\n"
	"  SELECT to_char(timestamp '1970-01-01' + (t + 18000) * interval '1 second',\n"
	"    'YYYYMMDD')::int $$;\n"
	/* core/vat.c's: the VAT in gross at rate, rounded half up on the magnitude */
	"CREATE FUNCTION hub_vat(g bigint, r int) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$\n"
	"  SELECT sign(g)::bigint * ((abs(g) / (100 + r)) * r +\n"
	"    (2 * (abs(g) % (100 + r)) * r + 100 + r) / (2 * (100 + r))) $$;\n"
	/* store/reports.c's percent_of: v × pct / 10000, half away from zero */
	"CREATE FUNCTION hub_percent(v bigint, pct int) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$\n"
	"  SELECT sign(v)::bigint * ((abs(v) / 10000) * pct + ((abs(v) % 10000) * pct + 5000) / 10000)\n"
	"  $$;\n"
	/* a Z snapshot's cash figure (text JSON inside the payload) */
	"CREATE FUNCTION hub_json_bigint(snapshot text, name text) RETURNS bigint\n"
	"  LANGUAGE plpgsql IMMUTABLE AS $$\n"
	"BEGIN RETURN (snapshot::jsonb->'cash'->>name)::bigint;\n"
	"EXCEPTION WHEN others THEN RETURN NULL; END $$;\n"
	"CREATE TABLE hub_user (till_id text, id bigint, name text, role text, seq bigint,\n"
	"  PRIMARY KEY (till_id, id));\n"
	"CREATE TABLE hub_order (till_id text, id bigint, merchant_order_id text, day int,\n"
	"  shift_id bigint, user_id bigint, method text, state text, amount bigint, part_of bigint,\n"
	"  created_at bigint, seq bigint, PRIMARY KEY (till_id, id));\n"
	"CREATE INDEX hub_order_day ON hub_order (day, till_id);\n"
	"CREATE INDEX hub_order_open ON hub_order (day) WHERE state IN ('creating', 'pending',\n"
	"  'abandoned', 'late_paid');\n"
	"CREATE TABLE hub_line (till_id text, order_id bigint, line_no int, tax_rate int,\n"
	"  total bigint, discount bigint, voided boolean, day int,  -- day: its order's\n"
	"  PRIMARY KEY (till_id, order_id, line_no));\n"
	"CREATE INDEX hub_line_day ON hub_line (day);\n"
	"CREATE TABLE hub_tender (till_id text, order_id bigint, part_no int, kind text,\n"
	"  amount bigint, part_order bigint, day int, PRIMARY KEY (till_id, order_id, part_no));\n"
	"CREATE INDEX hub_tender_day ON hub_tender (day);\n"
	"CREATE TABLE hub_abandoned (till_id text, order_id bigint, PRIMARY KEY (till_id, order_id));\n"
	"CREATE TABLE hub_event (till_id text, id bigint, at bigint, day int, user_id bigint,\n"
	"  kind text, detail text, PRIMARY KEY (till_id, id));\n"
	"CREATE INDEX hub_event_day ON hub_event (day);\n"
	"CREATE TABLE hub_refund (till_id text, id bigint, order_id bigint, merchant_refund_id text,\n"
	"  day int, shift_id bigint, amount bigint, state text, user_id bigint, approved_by bigint,\n"
	"  created_at bigint, seq bigint, PRIMARY KEY (till_id, id));\n"
	"CREATE INDEX hub_refund_day ON hub_refund (day, till_id);\n"
	"CREATE TABLE hub_refund_line (till_id text, refund_row bigint, part int, tax_rate int,\n"
	"  amount bigint, day int, PRIMARY KEY (till_id, refund_row, part));\n"
	"CREATE INDEX hub_refund_line_day ON hub_refund_line (day);\n"
	"CREATE TABLE hub_refund_tender (till_id text, refund_row bigint, tender text, day int,\n"
	"  PRIMARY KEY (till_id, refund_row));\n"
	"CREATE INDEX hub_refund_tender_day ON hub_refund_tender (day);\n"
	"CREATE TABLE hub_cash_move (till_id text, id bigint, shift_id bigint, day int, kind text,\n"
	"  amount bigint, user_id bigint, approved_by bigint, at bigint, PRIMARY KEY (till_id, id));\n"
	"CREATE INDEX hub_cash_move_day ON hub_cash_move (day);\n"
	"CREATE INDEX hub_cash_move_shift ON hub_cash_move (till_id, shift_id);\n"
	"CREATE TABLE hub_z (till_id text, number bigint, shift_id bigint, closed_at bigint, day int,\n"
	"  closed_by bigint, counted bigint, expected bigint, difference bigint,\n"
	"  PRIMARY KEY (till_id, number));\n"
	"CREATE INDEX hub_z_day ON hub_z (day);\n"
	"CREATE TABLE hub_receipt (till_id text, id bigint, kind text, order_id bigint,\n"
	"  shift_id bigint, amount bigint, state text, created_at bigint, day int, fiscal_shift int,\n"
	"  check_number text, seq bigint, PRIMARY KEY (till_id, id));\n"
	"CREATE INDEX hub_receipt_open ON hub_receipt (day) WHERE state IN ('new', 'pending');\n"
	"CREATE INDEX hub_receipt_shift ON hub_receipt (till_id, shift_id);\n"
	/* the chain's own: the commission per store and tender, the owners */
	"CREATE TABLE hub_commission (store_id text NOT NULL, method text NOT NULL\n"
	"  CHECK (method IN ('qr', 'phone', 'card')),\n"
	"  rate int NOT NULL CHECK (rate BETWEEN 0 AND 10000),  -- hundredths of a percent\n"
	"  PRIMARY KEY (store_id, method));\n"
	"CREATE TABLE hub_owner (name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_-]{1,32}$'),\n"
	"  token_sha256 text NOT NULL UNIQUE CHECK (length(token_sha256) = 64),\n"
	"  created_at timestamptz NOT NULL DEFAULT now());\n"
	"CREATE FUNCTION hub_rows_typed() RETURNS trigger LANGUAGE plpgsql AS $$\n"
	"BEGIN\n" HUB_UPSERTS("new_rows") "RETURN NULL; END $$;\n"
	"CREATE TRIGGER journal_rows_typed AFTER INSERT ON journal_rows\n"
	"  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hub_rows_typed();\n"
	HUB_UPSERTS("journal_rows")
	"ANALYZE hub_order;\n";
