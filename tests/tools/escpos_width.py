#!/usr/bin/env python3
"""escpos_width.py FILE WIDTH — the printer file's text (ESC/POS in KZ-1048,
as kaspi-pos writes it) has no line wider than WIDTH characters; the lines
that are, are printed. The slips' QR codes are pictures, not text. Exit 0
when all fit."""
import re
import sys

data = open(sys.argv[1], "rb").read()
width = int(sys.argv[2])
# a code (GS ( k pL pH and pL + 256 pH bytes: the slip's QR) is no text
out, i = bytearray(), 0
while i < len(data):
    if data[i:i + 3] == b"\x1d(k" and i + 5 <= len(data):
        i += 5 + data[i + 3] + 256 * data[i + 4]
        out += b"\n"
    else:
        out.append(data[i])
        i += 1
data = bytes(out)
# the commands kaspi-pos sends: ESC @, ESC t n, ESC d n, ESC a n, GS V 66 n / GS V n
data = re.sub(rb"\x1b@|\x1bt.|\x1bd.|\x1ba.|\x1dVB.|\x1dV.", b"\n", data, flags=re.S)
lines = [l for l in data.decode("kz1048", "replace").split("\n") if l.strip()]
wide = [l for l in lines if len(l) > width]
for l in wide:
    print(f"{len(l)}: {l}")
sys.exit(0 if lines and not wide else 1)
