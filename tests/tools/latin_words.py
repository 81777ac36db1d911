#!/usr/bin/env python3
"""latin_words.py — the English left in what a person reads.

Reads text (files given, or standard input) and prints each word of two
or more Latin letters that is not allowed, one per line with the line it
stands in; exits 1 when there is any. Allowed: names that are the same in
every language (Kaspi, QR, PIN, key names, units), ids (T01-20261126-000042,
pay_…, xdev_…), the words of the catalog's product names (data/catalog.csv)
and of the demo's user and store names, and any word given with --allow.

  latin_words.py [--catalog data/catalog.csv] [--allow WORD]... [FILE]...
"""
import argparse
import csv
import re
import sys

ALWAYS = {
    # names, brands, formats
    "Kaspi", "QR", "PIN", "BIN", "KZT", "UTF", "ESC", "POS", "CSV", "JSON", "SKU", "EAN", "URL",
    "API", "HTTP", "HTTPS", "TLS", "ms", "kaspi", "pos", "sandbox",
    # keys
    "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12", "Esc", "Enter",
    "Tab", "Del", "PgUp", "PgDn", "Home", "End", "Ctrl", "Shift", "Backspace", "Alt",
    # the demo's people
    "Manager",
}
# ids and codes: order and refund ids, payment ids, keys, option names
ID = re.compile(r"(T\d\d-(R-)?\d{8}-\d{6}|pay_\w+|ref_\w+|xdev_\w+|--[a-z][a-z-]*|https?://\S+|\b[A-Z]\d\d\b)")
WORD = re.compile(r"[A-Za-z][A-Za-z']+")


def catalog_words(path):
    words = set()
    try:
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                for key in ("name_ru", "name_kk", "sku"):
                    words.update(WORD.findall(row.get(key) or ""))
    except OSError:
        pass
    return words


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--catalog", default="data/catalog.csv")
    ap.add_argument("--allow", action="append", default=[])
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    allowed = ALWAYS | catalog_words(a.catalog) | set(a.allow)
    texts = [open(p, encoding="utf-8", errors="replace").read() for p in a.files] or [sys.stdin.read()]
    bad = 0
    for text in texts:
        for line in text.splitlines():
            clean = ID.sub(" ", line)
            for w in WORD.findall(clean):
                if w not in allowed and w.strip("'") not in allowed:
                    print(f"{w}\t| {line.strip()}")
                    bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
