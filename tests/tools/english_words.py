#!/usr/bin/env python3
"""english_words.py — lists the English words left in a Russian or Kazakh
text (stdin): every run of Latin letters that is not a name the till
keeps in every language. Prints "WORD<TAB>LINE" for each and exits 1 when
there is one, 0 when there is none.

Kept as they are, so taken out before words are looked for:
  URLs (kaspi://...), ids (T01, T01-20261126-000042, T01-R-..., pay_..., ref_...),
  option names with a lowercase value (--role manager, --format csv),
  "kaspi-pos COMMAND ..." and "reconcile:" (the command names), file names
  (x.ini, x.csv),
  names in quotes or brackets («timeout», "foo", [api]: what was typed or
  a config key), and names with an underscore (KASPI_XDEV_KEY, ORDER_ID).
Allowed words: the brands, abbreviations and key names below, the words of
the catalog's product names with --catalog (a screen shows them as the
catalog spells them), and the words given as arguments (a value the server
sends, such as health's "ok").

  python3 tests/tools/english_words.py [--catalog data/catalog.csv] [ALLOWED...] < output.txt
"""
import csv
import re
import sys

ALLOWED = {
    "Kaspi", "QR", "PIN", "BIN", "KZT", "API", "JSON", "CSV", "URL", "HTTP",
    "HTTPS", "UTF", "TLS", "CA", "SQLite", "ESC", "POS", "Z", "X",
    # keys, as the key bar and the help name them
    "F", "Esc", "Enter", "Tab", "Del", "PgUp", "PgDn", "Home", "End", "Ctrl", "Q", "E", "O", "D",
    # the demo's people
    "Manager",
}

STRIP = [
    r"[a-z][a-z0-9+.-]*://\S+",                 # URLs
    r"\b[A-Z]\d\d(?:-(?:R-)?\d{8}-\d{6})?\b",  # till ids, merchant order and refund ids
    r"\b(?:pay|ref)_[A-Za-z0-9_]+",           # server ids
    r"--[a-z][a-z0-9-]*(?:[ =][a-z][a-z0-9|]*)?",  # options and their value
    r"\bkaspi-pos(?: [a-z]+)*",                # the program and its commands
    r"^reconcile:",                            # reconcile's lines start with its name
    r"\S+\.(?:ini|csv|db|txt|json)\b",         # file names
    r"«[^»]*»", r'"[^"]*"', r"\[[^\]]*\]",    # quoted names, config sections
    r"\b\w*_\w*\b",                            # NAMES_WITH_UNDERSCORES
]


def english_words(text, allowed):
    """(word, line) for each Latin word of text not allowed."""
    found = []
    for line in text.splitlines():
        rest = line
        for pattern in STRIP:
            rest = re.sub(pattern, " ", rest)
        for word in re.findall(r"[A-Za-z]+", rest):
            if word not in allowed:
                found.append((word, line))
    return found


def catalog_words(path):
    """The Latin words of the catalog's product names."""
    words = set()
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for key in ("name_ru", "name_kk"):
                words.update(re.findall(r"[A-Za-z]+", row.get(key) or ""))
    return words


def main():
    args = sys.argv[1:]
    allowed = set(ALLOWED)
    if len(args) >= 2 and args[0] == "--catalog":
        allowed |= catalog_words(args[1])
        args = args[2:]
    allowed |= set(args)
    found = english_words(sys.stdin.read(), allowed)
    for word, line in found:
        print("%s\t%s" % (word, line))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
