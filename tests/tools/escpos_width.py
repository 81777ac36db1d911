#!/usr/bin/env python3
"""escpos_width.py FILE WIDTH — the printer file's text (ESC/POS in KZ-1048,
as kaspi-pos writes it) has no line wider than WIDTH characters; the lines
that are, are printed. Exit 0 when all fit."""
import re
import sys

data = open(sys.argv[1], "rb").read()
width = int(sys.argv[2])
# the commands kaspi-pos sends: ESC @, ESC t n, ESC d n, GS V 66 n / GS V n
data = re.sub(rb"\x1b@|\x1bt.|\x1bd.|\x1dVB.|\x1dV.", b"\n", data, flags=re.S)
lines = [l for l in data.decode("kz1048", "replace").split("\n") if l.strip()]
wide = [l for l in lines if len(l) > width]
for l in wide:
    print(f"{len(l)}: {l}")
sys.exit(0 if lines and not wide else 1)
