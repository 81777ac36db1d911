#!/usr/bin/env python3
# journal_sql.py DB SQL — runs SQL on a till's journal as the till would:
# with kp_sha256 (SHA-256 hex of its text), the SQL function the outbox's
# triggers chain their rows with (src/store/outbox.c), which the sqlite3
# shell lacks. For tests that write a journal row by hand.
import hashlib
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.create_function("kp_sha256", 1,
                   lambda s: None if s is None else hashlib.sha256(str(s).encode()).hexdigest(),
                   deterministic=True)
db.executescript(sys.argv[2])
db.close()
