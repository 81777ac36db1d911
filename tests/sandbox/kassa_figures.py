#!/usr/bin/env python3
"""kassa_figures.py — X and Z of kassa-sandbox against figures computed here,
independently of it (for tests/sandbox/kassa_reports.sh; not a test itself).

Sends seeded random sales (weighed and counted lines, 0/12/16 % VAT and no
VAT, discounts, markups, split payments, change), returns against them and
cash in and out, each with curl over HTTP, and keeps its own books with
Python's Decimal; then compares every field of X and Z that FISCAL.md
lists. Two shifts: the second checks what carries over (the cash, the
running totals, the counts) and what starts again.

  kassa_figures.py BASE KEY SEED   (prints "ok - ..." / "FAIL - ..." lines)"""
import datetime
import json
import random
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal as D

BASE, KEY, SEED = sys.argv[1], sys.argv[2], int(sys.argv[3])
ZNK, RN = "SWK00000001", "032600010282"
CENT = D("0.01")
rng = random.Random(SEED)
results = []


def check(name, got, want):
    ok = got == want
    results.append(ok)
    print(("ok - %s" % name) if ok else ("FAIL - %s: got %r, want %r" % (name, got, want)))


def call(path, body):
    out = subprocess.run(["curl", "-s", "-H", "x-api-key: " + KEY, "-H", "Content-Type: application/json",
                          "--data-binary", "@-", BASE + path], input=body.encode(), capture_output=True)
    return json.loads(out.stdout.decode(), parse_float=D, parse_int=D)


def num(d):
    """A decimal as a JSON number, spelt one of the ways a client might."""
    style = rng.random()
    if style < 0.7:
        return format(d, "f")
    if style < 0.9:
        return format(d.normalize(), "f")
    return str(d.normalize())  # may be 5E+2: still a JSON number


token = call("/api/v4/Authorize", '{"Login":"demo@kaspi-pos.kz","Password":"demo"}')["Data"]["Token"]
counter = [0]


def ecn():
    counter[0] += 1
    return "fig-%d-%d" % (SEED, counter[0])


def gate():
    return '"Token":"%s","CashboxUniqueNumber":"%s"' % (token, ZNK)


def vat(cost, rate):
    return (cost * rate / (100 + rate)).quantize(CENT, ROUND_HALF_UP)


class Books:
    """What the register must say: per shift and running."""

    def __init__(self):
        self.cash = D(0)
        self.sell_ever = D(0)
        self.ret_ever = D(0)
        self.sells_ever = 0
        self.rets_ever = 0
        self.shift = 0
        self.x_reports = 0
        self.new_shift()

    def new_shift(self):
        self.shift += 1
        self.docs = 0
        self.put = D(0)
        self.take = D(0)
        self.start = (self.sell_ever, self.ret_ever)
        self.sec = {op: {"types": {}, "Discount": D(0), "Markup": D(0), "Taken": D(0), "Change": D(0),
                         "Count": 0, "VAT": D(0), "total": D(0)} for op in (2, 3)}


books = Books()
sales = []  # [check number, its time, total, returned so far]


def lines_random():
    lines = []
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.3:
            count = D(rng.randint(1, 2500)) / 1000  # weighed: kg with 3 decimals
            unit = 166
        else:
            count = D(rng.randint(1, 5))
            unit = 796
        price = D(rng.randint(100, 500000)) / 100
        gross = (count * price).quantize(CENT, ROUND_HALF_UP)
        disc = (gross * D(rng.randint(1, 30)) / 100).quantize(CENT) if rng.random() < 0.3 else D(0)
        markup = D(rng.randint(1, 5000)) / 100 if rng.random() < 0.15 else D(0)
        kind = rng.choice(["none", "zero", 12, 16, 16])
        rate = 0 if kind in ("none", "zero") else kind
        cost = gross - disc + markup
        lines.append({"count": count, "price": price, "disc": disc, "markup": markup, "rate": rate,
                      "type": 0 if kind == "none" else 100, "cost": cost, "tax": vat(cost, rate), "unit": unit})
    return lines


def payments_for(total, allow_change=True):
    """Split total over 1-3 payment types; cash may carry change."""
    types = rng.sample([0, 1, 4], rng.randint(1, 3))
    tiyn = int(total * 100)
    if tiyn < len(types):
        types = types[:1]
    cuts = sorted(rng.sample(range(1, tiyn), len(types) - 1)) if len(types) > 1 else []
    parts = [b - a for a, b in zip([0] + cuts, cuts + [tiyn])]
    pays = [[t, D(p) / 100] for t, p in zip(types, parts)]
    change = D(0)
    if allow_change and 0 in types and rng.random() < 0.6:
        change = D(rng.randint(1, 50000)) / 100
        for p in pays:
            if p[0] == 0:
                p[1] += change
    return pays, change


def register(op, lines, pays, change, extra=""):
    positions = ",".join(
        '{"Count":%s,"Price":%s,"TaxPercent":%d,"Tax":%s,"TaxType":%d,"PositionName":"Товар %d",'
        '"UnitCode":%d,"PositionType":0,"Discount":%s,"Markup":%s}'
        % (num(l["count"]), num(l["price"]), l["rate"], num(l["tax"]), l["type"], i, l["unit"],
           num(l["disc"]), num(l["markup"])) for i, l in enumerate(lines))
    payments = ",".join('{"Sum":%s,"PaymentType":%d}' % (num(s), t) for t, s in pays)
    body = '{%s,"OperationType":%d,"Positions":[%s],"Payments":[%s],"Change":%s,"RoundType":2,' \
           '"ExternalCheckNumber":"%s"%s}' % (gate(), op, positions, payments, num(change), ecn(), extra)
    answer = call("/api/v4/check", body)
    if "Data" not in answer:
        check("a generated receipt is registered", answer, "Data")
        return None
    b = books
    sec = b.sec[op]
    total = sum(l["cost"] for l in lines)
    cash = sum(s for t, s in pays if t == 0) - change
    for t, s in pays:
        sec["types"][t] = sec["types"].get(t, D(0)) + s - (change if t == 0 else 0)
        sec["Taken"] += s
    sec["Discount"] += sum(l["disc"] for l in lines)
    sec["Markup"] += sum(l["markup"] for l in lines)
    sec["Change"] += change
    sec["VAT"] += sum(l["tax"] for l in lines)
    sec["Count"] += 1
    sec["total"] += total
    b.docs += 1
    if op == 2:
        b.cash += cash
        b.sell_ever += total
        b.sells_ever += 1
    else:
        b.cash -= cash
        b.ret_ever += total
        b.rets_ever += 1
    return answer["Data"], total


def sale():
    lines = lines_random()
    total = sum(l["cost"] for l in lines)
    pays, change = payments_for(total)
    got = register(2, lines, pays, change)
    if got:
        data, total = got
        sales.append([data["CheckNumber"], data["DateTime"], total, D(0)])


def sale_return():
    open_sales = [s for s in sales if s[2] - s[3] >= D("1.00")]
    if not open_sales:
        return
    s = rng.choice(open_sales)
    left = s[2] - s[3]
    amount = left if rng.random() < 0.4 else (left * D(rng.randint(10, 90)) / 100).quantize(CENT)
    rate = rng.choice([0, 12, 16])
    lines = [{"count": D(1), "price": amount, "disc": D(0), "markup": D(0), "rate": rate, "type": 100,
              "cost": amount, "tax": vat(amount, rate), "unit": 796}]
    pays, change = payments_for(amount, allow_change=False)
    when = datetime.datetime.strptime(s[1], "%d.%m.%Y %H:%M:%S") - datetime.timedelta(hours=5)
    extra = ',"ReturnBasisDetails":{"CheckNumber":"%s","DateTime":"%s","RegistrationNumber":"%s",' \
            '"Total":%s,"IsOffline":false}' % (s[0], when.strftime("%Y-%m-%dT%H:%M:%SZ"), RN, num(s[2]))
    if register(3, lines, pays, change, extra):
        s[3] += amount


def money(op):
    if op == 1 and books.cash < 1:
        return
    amount = D(rng.randint(100, 2000000)) / 100 if op == 0 else (books.cash * D(rng.randint(1, 60)) / 100).quantize(CENT)
    if amount <= 0:
        return
    answer = call("/api/v4/MoneyOperation", '{%s,"OperationType":%d,"Sum":%s,"ExternalCheckNumber":"%s"}'
                  % (gate(), op, num(amount), ecn()))
    if "Data" not in answer:
        check("a generated cash operation is registered", answer, "Data")
        return
    books.cash += amount if op == 0 else -amount
    if op == 0:
        books.put += amount
    else:
        books.take += amount
    books.docs += 1
    check("MoneyOperation's Sum is the cash after it", answer["Data"]["Sum"], books.cash)


def expected(close):
    b = books
    want = {
        "ShiftNumber": b.shift, "CashboxSN": ZNK, "CashboxRN": RN, "CashboxIN": "2363",
        "TaxPayerName": "ТОО «Береке»", "TaxPayerIN": "123456789012", "DocumentCount": b.docs,
        "PutMoneySum": b.put, "TakeMoneySum": b.take, "SumInCashbox": b.cash, "OfflineMode": False,
        "ControlSum": b.sec[2]["total"] - b.sec[3]["total"],
        "StartNonNullable": {"Sell": b.start[0], "Buy": 0, "ReturnSell": b.start[1], "ReturnBuy": 0},
        "EndNonNullable": {"Sell": b.sell_ever, "Buy": 0, "ReturnSell": b.ret_ever, "ReturnBuy": 0},
    }
    for op, name, ever in ((2, "Sell", b.sells_ever), (3, "ReturnSell", b.rets_ever)):
        s = b.sec[op]
        want[name] = {"PaymentsByTypesApiModel": [{"Sum": s["types"][t], "Type": t} for t in (0, 1, 4) if t in s["types"]],
                      "Discount": s["Discount"], "Markup": s["Markup"], "Taken": s["Taken"], "Change": s["Change"],
                      "Count": s["Count"], "TotalCount": ever, "VAT": s["VAT"]}
    want["ReportNumber"] = b.shift if close else b.x_reports
    return want


def compare(what, data, close):
    want = expected(close)
    keys = set(want) | {"StartOn", "ReportOn"} | ({"CloseOn"} if close else set())
    check("%s: exactly the fields of FISCAL.md" % what, sorted(data), sorted(keys))
    for k, v in want.items():
        check("%s: %s" % (what, k), data.get(k), v)


def report(close, what):
    if not close:
        books.x_reports += 1
    answer = call("/api/v4/ZReport" if close else "/api/v4/XReport", "{%s}" % gate())
    if "Data" not in answer:
        check(what, answer, "Data")
        return None
    compare(what, answer["Data"], close)
    return answer["Data"]


def shift_of(n_sales, n_returns, n_money):
    steps = ["s"] * n_sales + ["r"] * n_returns + ["m"] * n_money
    rng.shuffle(steps)
    steps.insert(0, "s")  # the first document of a shift is a sale
    for step in steps:
        if step == "s":
            sale()
        elif step == "r":
            sale_return()
        else:
            money(rng.choice([0, 0, 1]))


shift_of(30, 8, 5)
x = report(False, "X of shift 1")
report(False, "a second X of shift 1")
z = report(True, "Z of shift 1")
if x and z:
    check("Z's StartOn is X's, the shift's first document", z["StartOn"], x["StartOn"])
books.new_shift()
shift_of(10, 3, 2)
report(False, "X of shift 2")
report(True, "Z of shift 2")

out = subprocess.run(["curl", "-s", "-H", "x-api-key: " + KEY, BASE + "/sandbox/checks"], capture_output=True)
listed = json.loads(out.stdout.decode(), parse_float=D, parse_int=D)
check("GET /sandbox/checks: one receipt per sale and return",
      len(listed["checks"]), books.sells_ever + books.rets_ever)
check("GET /sandbox/checks: the sales' totals",
      sum(c["Total"] for c in listed["checks"] if c["OperationType"] == 2), books.sell_ever)
check("GET /sandbox/checks: the returns' totals",
      sum(c["Total"] for c in listed["checks"] if c["OperationType"] == 3), books.ret_ever)
