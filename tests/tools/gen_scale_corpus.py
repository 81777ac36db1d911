#!/usr/bin/env python3
"""gen_scale_corpus.py — writes tests/unit/scale_corpus.h, the scale-label
corpus that tests/unit/test_scale.c reads every label of against
core/scale.c. The expected reading of each label is computed here, in
Python, from the layout alone (prefix, PLU, value, GS1 check digit), so
the C code is checked against an independent computation, not against
itself.

Every rule variant: a PLU of 4, 5 and 6 digits, weights in grams and in
tens of grams, prices in tiyn and in tenge; for each, valid weight and
price labels across the prefixes 20-29 the rules name, and labels that
must not read: a wrong check digit, 12 and 14 digits, a letter, a space,
a prefix the rules do not name, a prefix outside 20-29.

    python3 tests/tools/gen_scale_corpus.py > tests/unit/scale_corpus.h
"""
import random

rng = random.Random(20261203)


def check_digit(payload12):
    # GS1: from the left, weights 1, 3, 1, 3, ...; the digit that tops the
    # sum up to a multiple of ten
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(payload12))
    return (10 - total % 10) % 10


def label(prefix, plu, plu_digits, value, value_digits):
    payload = "%02d%0*d%0*d" % (prefix, plu_digits, plu, value_digits, value)
    assert len(payload) == 12
    return payload + str(check_digit(payload))


# rules: (weight prefixes, price prefixes, plu digits, weight step, price step)
RULES = []
prefix_sets = [
    ([20, 21, 22], [23, 24]),
    ([25, 26, 27, 28, 29], [20]),
    ([22], [21, 29]),
    ([20, 21, 22, 23, 24, 25, 26, 27, 28, 29], []),
    ([], [20, 21, 22, 23, 24, 25, 26, 27, 28, 29]),
    ([27, 28], [22, 23, 24, 25]),
]
for plu_digits in (4, 5, 6):
    for weight_step in (1, 10):
        for price_step in (1, 100):
            w, p = prefix_sets[len(RULES) % len(prefix_sets)]
            RULES.append((w, p, plu_digits, weight_step, price_step))

cases = []  # (rule, code, status, prefix, plu, is_price, value)


def add(rule, code, status, prefix=0, plu=0, is_price=False, value=0):
    cases.append((rule, code, status, prefix, plu, is_price, value))


for r, (wp, pp, plu_digits, wstep, pstep) in enumerate(RULES):
    value_digits = 10 - plu_digits
    top_plu = 10 ** plu_digits - 1
    top_value = 10 ** value_digits - 1
    for kind, prefixes, step in (("weight", wp, wstep), ("price", pp, pstep)):
        for prefix in prefixes:
            for plu, value in ((rng.randint(1, top_plu), rng.randint(1, top_value)),
                               (1, 0), (top_plu, top_value)):
                code = label(prefix, plu, plu_digits, value, value_digits)
                add(r, code, "KP_SCALE_LABEL", prefix, plu, kind == "price", value * step)
        if prefixes:
            prefix = prefixes[0]
            plu, value = rng.randint(1, top_plu), rng.randint(1, top_value)
            good = label(prefix, plu, plu_digits, value, value_digits)
            for k in range(1, 10, 4):  # three wrong check digits
                bad = good[:12] + str((int(good[12]) + k) % 10)
                add(r, bad, "KP_SCALE_BAD_CHECK")
            add(r, good[:12], "KP_SCALE_NOT_LABEL")            # 12 digits
            add(r, good + "0", "KP_SCALE_NOT_LABEL")           # 14 digits
            add(r, good[:5] + "A" + good[6:], "KP_SCALE_NOT_LABEL")
            add(r, good[:6] + " " + good[7:], "KP_SCALE_NOT_LABEL")
            add(r, " " + good[1:], "KP_SCALE_NOT_LABEL")
    named = set(wp) | set(pp)
    for prefix in [x for x in range(20, 30) if x not in named][:3]:
        code = label(prefix, rng.randint(1, top_plu), plu_digits, rng.randint(1, top_value),
                     value_digits)
        add(r, code, "KP_SCALE_NOT_LABEL")
    for prefix in (19, 30, 48):
        payload = "%02d%010d" % (prefix, rng.randint(0, 10 ** 10 - 1))
        add(r, payload + str(check_digit(payload)), "KP_SCALE_NOT_LABEL")
    add(r, "", "KP_SCALE_NOT_LABEL")

print("/* scale_corpus.h — written by tests/tools/gen_scale_corpus.py; do not edit.")
print(" * %d labels over %d rule variants, each with the reading that the" % (len(cases), len(RULES)))
print(" * generator computed on its own (see its header). */")
print()
print("static const struct kp_scale_rules corpus_rules[] = {")
for wp, pp, plu_digits, wstep, pstep in RULES:
    wm = sum(1 << (x - 20) for x in wp)
    pm = sum(1 << (x - 20) for x in pp)
    print("\t{.weight_prefixes = 0x%03x, .price_prefixes = 0x%03x, .plu_digits = %d, "
          ".weight_step = %d, .price_step = %d}," % (wm, pm, plu_digits, wstep, pstep))
print("};")
print()
print("struct corpus_label {")
print("\tint rule;                  /* index into corpus_rules */")
print("\tconst char *code;")
print("\tenum kp_scale_status status;")
print("\tint prefix;")
print("\tint32_t plu;")
print("\tbool is_price;")
print("\tint64_t value;             /* thousandths of the unit, or tiyn */")
print("};")
print()
print("static const struct corpus_label corpus[] = {")
for r, code, status, prefix, plu, is_price, value in cases:
    print('\t{%d, "%s", %s, %d, %d, %s, %d},' % (r, code, status, prefix, plu,
                                                "true" if is_price else "false", value))
print("};")
