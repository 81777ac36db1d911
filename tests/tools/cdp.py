#!/usr/bin/env python3
"""cdp.py — drives a headless Chromium's page over the DevTools protocol,
with the standard library only (a WebSocket client over a plain socket),
for the customer display's end-to-end test and bench.

    cdp.py start DIR                 starts chromium (profile in DIR), prints its port
    cdp.py PORT open URL             the page goes to URL
    cdp.py PORT eval JS              prints the expression's value (JSON)
    cdp.py PORT wait JS [SECONDS]    waits until JS is truthy (exit 1 on the bound)
    cdp.py PORT shot FILE.png [W H]  a screenshot of the page (W×H CSS pixels: the
                                     viewport of that size for the shot; default 1280×800,
                                     a 10" tablet held landscape)
"""
import base64
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.request


class Page:
    """One WebSocket connection to the first page target."""

    def __init__(self, port):
        with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=10) as r:
            targets = json.load(r)
        page = next(t for t in targets if t.get("type") == "page")
        m = re.match(r"ws://([^/:]+):(\d+)(/.*)", page["webSocketDebuggerUrl"])
        self.sock = socket.create_connection((m.group(1), int(m.group(2))), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((
            "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
            % (m.group(3), m.group(1), m.group(2), key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise IOError("websocket handshake closed")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise IOError("websocket handshake refused: %r" % head[:80])
        self.next_id = 0

    def _recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise IOError("websocket closed")
            buf += chunk
        return buf

    def _send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        if n < 126:
            head = struct.pack("!BB", 0x81, 0x80 | n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(head + mask + body)

    def _recv(self):
        message = b""
        while True:
            b0, b1 = self._recv_exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._recv_exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._recv_exact(8))[0]
            payload = self._recv_exact(n)
            if b0 & 0x0F == 0x9:  # ping: answer, go on
                continue
            message += payload
            if b0 & 0x80:
                return json.loads(message.decode())

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = self._recv()
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise IOError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})

    def eval(self, js):
        r = self.call("Runtime.evaluate", expression=js, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise IOError("script: %s" % r["exceptionDetails"].get("text"))
        return r["result"].get("value")


def start(folder):
    """Chromium in the background; prints the DevTools port once it listens."""
    os.makedirs(folder, exist_ok=True)
    err = open(os.path.join(folder, "chromium.log"), "w")
    proc = subprocess.Popen(
        ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--no-first-run", "--no-default-browser-check", "--disable-extensions",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         "--user-data-dir=" + os.path.join(folder, "profile"), "--window-size=1280,800",
         "about:blank"], stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    port_file = os.path.join(folder, "profile", "DevToolsActivePort")
    for _ in range(300):
        if os.path.exists(port_file):
            with open(port_file) as f:
                first = f.readline().strip()
            if first.isdigit():
                print(first, proc.pid)
                return 0
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    sys.stderr.write("chromium did not start: see %s/chromium.log\n" % folder)
    return 1


def main(argv):
    if len(argv) >= 3 and argv[1] == "start":
        return start(argv[2])
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    page = Page(int(argv[1]))
    cmd = argv[2]
    if cmd == "open":
        page.call("Page.enable")
        page.call("Page.navigate", url=argv[3])
        return 0
    if cmd == "eval":
        print(json.dumps(page.eval(argv[3]), ensure_ascii=False))
        return 0
    if cmd == "wait":
        limit = time.monotonic() + float(argv[4] if len(argv) > 4 else 5)
        while time.monotonic() < limit:
            try:
                if page.eval(argv[3]):
                    return 0
            except IOError:
                pass
            time.sleep(0.05)
        return 1
    if cmd == "shot":
        # the override lasts as long as this connection: set, laid out, shot
        width, height = (int(argv[4]), int(argv[5])) if len(argv) > 5 else (1280, 800)
        page.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        page.eval("new Promise(function (r) { requestAnimationFrame(function () {"
                  " requestAnimationFrame(r); }); })")
        r = page.call("Page.captureScreenshot", format="png")
        with open(argv[3], "wb") as f:
            f.write(base64.b64decode(r["data"]))
        page.call("Emulation.clearDeviceMetricsOverride")
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
