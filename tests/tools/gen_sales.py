#!/usr/bin/env python3
# gen_sales.py DB TILL N DAYS — writes N paid sales into a till's journal
# as SQL, through the journal's own triggers (the outbox's chain, the
# reports' running totals), spread evenly over the DAYS Almaty days that
# end today: cash, card and Kaspi QR in turn, two lines each (VAT 12 % and
# 0 %), the cash and card ones with their tender. The till must have made
# one real sale first (its shift and catalog). For the hub's scale tests
# and benches, where kaspi-pos sale in a loop (~50 ms a sale) is too slow.
import hashlib
import sqlite3
import sys
import time

db_path, till, n, days = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
db = sqlite3.connect(db_path, isolation_level=None)
db.create_function("kp_sha256", 1,
                   lambda s: None if s is None else hashlib.sha256(str(s).encode()).hexdigest(),
                   deterministic=True)
now = int(time.time())
today0 = (now + 18000) // 86400 * 86400 - 18000          # today's Almaty midnight, UTC
first = today0 - (days - 1) * 86400
span = min(now - 60, today0 + 86399) - first              # up to a minute ago
shift = db.execute("SELECT max(id) FROM shifts").fetchone()[0]
base = db.execute("SELECT coalesce(max(id), 0) FROM orders").fetchone()[0]
seq0 = db.execute("SELECT coalesce(max(day_seq), 0) FROM orders").fetchone()[0]
db.execute("BEGIN")
db.execute("""
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?1),
 g AS (SELECT i, ?2 + i * ?3 / (?1 + 1) AS at, CASE i % 3 WHEN 0 THEN 'cash' WHEN 1 THEN 'card'
   ELSE 'qr' END AS m, 10000 + (i * 7919) % 500000 AS a FROM k)
INSERT INTO orders (id, merchant_order_id, till_id, day, day_seq, shift_id, method, amount,
  state, request_body, payment_id, created_at, updated_at)
SELECT ?4 + i, ?5 || '-' || strftime('%Y%m%d', at + 18000, 'unixepoch') || '-' || printf('%06d', ?6 + i),
  ?5, CAST(strftime('%Y%m%d', at + 18000, 'unixepoch') AS INTEGER), ?6 + i, ?7, m, a + 5000,
  'succeeded', CASE m WHEN 'qr' THEN '{"gen":' || i || '}' ELSE '' END,
  CASE m WHEN 'qr' THEN 'gen-' || ?5 || '-' || (?4 + i) END, at, at
FROM g""", (n, first, span, base, till, seq0, shift))
db.execute("""
INSERT INTO order_lines (order_id, line_no, product_id, sku, barcode, name, quantity, unit_price,
  tax_rate, discount, total, voided, name_kk, unit)
SELECT o.id, l.n, 27, 'GR-0027', '4871000027009', 'gen', 1, CASE l.n WHEN 1 THEN o.amount - 5000 ELSE 5000 END,
  CASE l.n WHEN 1 THEN 12 ELSE 0 END, 0, CASE l.n WHEN 1 THEN o.amount - 5000 ELSE 5000 END, 0, 'gen', 'шт'
FROM orders o, (SELECT 1 AS n UNION ALL SELECT 2) l WHERE o.id > ?1 ORDER BY o.id, l.n""", (base,))
db.execute("""
INSERT INTO tenders (order_id, part_no, kind, amount, given, change, approval, created_at)
SELECT id, 1, method, amount, CASE method WHEN 'cash' THEN amount ELSE 0 END, 0, '', created_at
FROM orders WHERE id > ?1 AND method IN ('cash', 'card') ORDER BY id""", (base,))
db.execute("COMMIT")
db.close()
