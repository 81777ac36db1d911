#!/usr/bin/env python3
"""pane2pbm.py — a QR code drawn in a terminal, as text, to a PBM picture.

Reads what `tmux capture-pane -p` gives (from FILE or standard input),
finds the QR block in it and writes a black-on-white PBM that a real
decoder (zbarimg) can read:

  UTF-8 (default)  half blocks: a cell is 1 module wide and 2 high,
                   '█' both dark, '▀' top dark, '▄' bottom dark, ' ' light.
  --ascii          a module is two characters: "##" dark, "  " light.

The block is the largest rectangle of QR characters: lines holding them,
split where two or more lines hold none; then columns, split where a run
of blank columns is wider than a light module can make inside a symbol
(the quiet zone is wider). Light rows and columns at its edges are
trimmed, so the picture's quiet zone is the --border given here, whatever
the screen showed; dark is always black, whatever colours the screen had.

Exit status: 0 written, 1 no QR block or a malformed one (said on
standard error), 2 usage. Python 3 standard library only.
"""

import argparse
import sys
import unicodedata

UTF8_CELLS = {" ": (0, 0), "█": (1, 1), "▀": (1, 0), "▄": (0, 1)}


class NotFound(Exception):
    """No QR block, or one that cannot be read as modules."""


def screen_cells(line):
    """The line as screen cells: a wide character takes two (the second
    holds ''), so that columns line up as the terminal showed them."""
    cells = []
    for ch in line:
        cells.append(ch)
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            cells.append("")
    return cells


def groups(flags, max_gap):
    """Index ranges [start, end) of True runs in flags, joined across runs
    of at most max_gap False."""
    out = []
    start = last = None
    for i, flag in enumerate(flags):
        if not flag:
            continue
        if start is not None and i - last - 1 > max_gap:
            out.append((start, last + 1))
            start = None
        if start is None:
            start = i
        last = i
    if start is not None:
        out.append((start, last + 1))
    return out


def find_block(lines, ascii_mode):
    """(top, left, bottom, right) of the QR block, bottom/right exclusive."""
    glyphs = {"#"} if ascii_mode else {"█", "▀", "▄"}
    grid = [screen_cells(line) for line in lines]
    has = [any(c in glyphs for c in row) for row in grid]
    # Inside a symbol a text row never lacks a dark module (the timing
    # column is dark every other module row), a column lacks one for at
    # most one module: 1 cell in UTF-8, 2 characters in ASCII.
    col_gap = 2 if ascii_mode else 1
    best, best_count = None, 0
    for top, bottom in groups(has, 1):
        width = max(len(grid[r]) for r in range(top, bottom))
        cols = [any(c < len(grid[r]) and grid[r][c] in glyphs for r in range(top, bottom))
                for c in range(width)]
        for left, right in groups(cols, col_gap):
            count = sum(1 for r in range(top, bottom) for c in range(left, right)
                        if c < len(grid[r]) and grid[r][c] in glyphs)
            if count > best_count:
                best, best_count = (top, left, bottom, right), count
    if best is None:
        raise NotFound("no QR block found (no %s characters)"
                       % ("'#'" if ascii_mode else "half-block"))
    return grid, best


def to_modules(grid, box, ascii_mode):
    """The block's module rows (lists of 0/1), light edges trimmed."""
    top, left, bottom, right = box
    rows = []
    for r in range(top, bottom):
        cells = [grid[r][c] if c < len(grid[r]) else " " for c in range(left, right)]
        if ascii_mode:
            if len(cells) % 2:
                cells.append(" ")  # a trailing light half cut by the capture
            row = []
            for c in range(0, len(cells), 2):
                pair = cells[c] + cells[c + 1]
                if pair not in ("##", "  "):
                    raise NotFound("line %d, column %d: %r is not a module (\"##\" or \"  \")"
                                   % (r + 1, left + c + 1, pair))
                row.append(1 if pair == "##" else 0)
            rows.append(row)
        else:
            upper, lower = [], []
            for c, ch in enumerate(cells):
                if ch not in UTF8_CELLS:
                    raise NotFound("line %d, column %d: %r inside the QR block"
                                   % (r + 1, left + c + 1, ch))
                upper.append(UTF8_CELLS[ch][0])
                lower.append(UTF8_CELLS[ch][1])
            rows += [upper, lower]
    while rows and not any(rows[0]):
        rows.pop(0)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise NotFound("the QR block has no dark module")
    first = min(row.index(1) for row in rows if any(row))
    last = max(len(row) - row[::-1].index(1) for row in rows if any(row))
    return [row[first:last] for row in rows]


def pbm(modules, scale, border, plain):
    """PBM bytes: each module scale×scale pixels, border light modules
    around, 1 = black."""
    side_w = (len(modules[0]) + 2 * border) * scale
    side_h = (len(modules) + 2 * border) * scale
    blank = [0] * (len(modules[0]) + 2 * border)
    pixel_rows = []
    for row in [blank] * border + [[0] * border + r + [0] * border for r in modules] + [blank] * border:
        pixels = [m for m in row for _ in range(scale)]
        pixel_rows += [pixels] * scale
    if plain:
        body = "\n".join("".join("1" if p else "0" for p in row) for row in pixel_rows)
        return ("P1\n%d %d\n%s\n" % (side_w, side_h, body)).encode()
    out = bytearray(b"P4\n%d %d\n" % (side_w, side_h))
    for row in pixel_rows:
        for i in range(0, side_w, 8):
            byte = 0
            for bit, p in enumerate(row[i:i + 8]):
                byte |= p << (7 - bit)
            out.append(byte)
    return bytes(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description="A QR code in captured terminal text → PBM.")
    ap.add_argument("file", nargs="?", help="captured text (default: standard input)")
    ap.add_argument("--ascii", action="store_true", help='the QR is drawn with "##" and "  "')
    ap.add_argument("--scale", type=int, default=6, help="pixels per module (default 6)")
    ap.add_argument("--border", type=int, default=4, help="light modules around (default 4)")
    ap.add_argument("--plain", action="store_true", help="write P1 (text) instead of P4")
    ap.add_argument("-o", "--output", help="PBM file (default: standard output)")
    ap.add_argument("-v", "--verbose", action="store_true", help="say what was found")
    args = ap.parse_args(argv)
    if args.scale < 1 or args.border < 0:
        ap.error("--scale must be at least 1 and --border at least 0")

    if args.file:
        with open(args.file, encoding="utf-8", errors="replace") as f:
            text = f.read()
    else:
        text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    try:
        grid, box = find_block(text.splitlines(), args.ascii)
        modules = to_modules(grid, box, args.ascii)
    except NotFound as e:
        print("pane2pbm: %s" % e, file=sys.stderr)
        return 1
    height, width = len(modules), len(modules[0])
    if args.verbose:
        print("pane2pbm: %d×%d modules in lines %d–%d, columns %d–%d"
              % (width, height, box[0] + 1, box[2], box[1] + 1, box[3]), file=sys.stderr)
    if height != width or width < 21 or (width - 17) % 4:
        print("pane2pbm: warning: %d×%d modules is not a QR symbol's size (4·version + 17)"
              % (width, height), file=sys.stderr)

    data = pbm(modules, args.scale, args.border, args.plain)
    if args.output:
        with open(args.output, "wb") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
