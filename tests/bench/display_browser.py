#!/usr/bin/env python3
"""display_browser.py — the customer display's latency as the browser sees
it: a key on the real till (in tmux) to the event's arrival in headless
Chromium's page (timed in the page by the event's own listener, on the
machine's clock), and F10 to the payment's QR loaded on the page.

    display_browser.py CDP_PORT TMUX_SOCKET N_PLUS N_QR

The till must be on its sale screen with one line in the basket, the page
open on its display. Each "+" sample: the clock read, "+" sent with tmux
send-keys (a tmux client's start is in the figure: an upper bound), then
the page's arrival time of the next state event. Each QR sample: F10, the
time the page's <img> of the QR has loaded, then Esc (the payment given
up) and the page back on the basket. Prints "name value" lines (ms).
Python 3 standard library only.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from cdp import Page  # noqa: E402

HOOK = """
(function () {
  window.kpArrivals = [];
  window.kpQrLoads = [];
  es.addEventListener('state', function (e) {
    kpArrivals.push([Number(e.lastEventId), performance.timeOrigin + performance.now()]);
  });
  document.getElementById('qr').addEventListener('load', function () {
    kpQrLoads.push(performance.timeOrigin + performance.now());
  });
  return true;
})()
"""


def keys(sock, *names):
    subprocess.run(["tmux", "-L", sock, "send-keys", "-t", "till"] + list(names), check=True)


def wait(page, js, limit=5.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        v = page.eval(js)
        if v:
            return v
        time.sleep(0.002)
    raise SystemExit("display_browser: the page did not follow: " + js)


def stats(name, v):
    v = sorted(v)
    p99 = v[max(0, -(-len(v) * 99 // 100) - 1)]
    print("%s_n %d\n%s_median_ms %.1f\n%s_p99_ms %.1f\n%s_max_ms %.1f"
          % (name, len(v), name, v[(len(v) - 1) // 2], name, p99, name, v[-1]))


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    page = Page(int(argv[1]))
    sock, n_plus, n_qr = argv[2], int(argv[3]), int(argv[4])
    page.eval(HOOK)
    plus = []
    for _ in range(n_plus):
        seen = page.eval("kpArrivals.length")
        t0 = time.time() * 1000
        keys(sock, "+")
        plus.append(wait(page, "kpArrivals.length > %d && kpArrivals[%d][1]" % (seen, seen)) - t0)
    stats("plus_event", plus)
    qr = []
    for _ in range(n_qr):
        loads = page.eval("kpQrLoads.length")
        t0 = time.time() * 1000
        keys(sock, "F10")
        qr.append(wait(page, "kpQrLoads.length > %d && kpQrLoads[%d]" % (loads, loads)) - t0)
        keys(sock, "Escape")
        wait(page, "document.body.dataset.screen === 'basket'")
    stats("f10_qr", qr)
    # what a tmux client costs alone (in both figures above)
    client = []
    for _ in range(50):
        t0 = time.time() * 1000
        subprocess.run(["tmux", "-L", sock, "display-message", "-p", "-t", "till", ""],
                       check=True, stdout=subprocess.DEVNULL)
        client.append(time.time() * 1000 - t0)
    stats("tmux_client", client)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
