#!/usr/bin/env python3
"""webhook_receiver.py — a tiny webhook sink for tests/sandbox/webhooks.sh.

Listens on 127.0.0.1 (a free port, printed on stdout), and for every POST
writes DIR/N.body (the raw bytes), DIR/N.hmac (X-Kaspi-Hmac), DIR/N.path and
DIR/N.time. The path picks the answer: /fail1 answers 500 the first time,
/slow1 takes 3.5 s the first time (past the sender's 3 s), /always500
always fails; anything else gets 200.
"""
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OUT = sys.argv[1]
lock = threading.Lock()
state = {"n": 0, "seen": set()}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        with lock:
            state["n"] += 1
            n = state["n"]
            first = self.path not in state["seen"]
            state["seen"].add(self.path)
        for ext, data in (("body", body),
                          ("hmac", (self.headers.get("X-Kaspi-Hmac") or "").encode()),
                          ("path", self.path.encode()),
                          ("time", ("%.3f" % time.time()).encode())):
            with open(os.path.join(OUT, "%d.%s.tmp" % (n, ext)), "wb") as f:
                f.write(data)
            os.rename(os.path.join(OUT, "%d.%s.tmp" % (n, ext)),
                      os.path.join(OUT, "%d.%s" % (n, ext)))
        code = 200
        if self.path == "/always500" or (self.path == "/fail1" and first):
            code = 500
        if self.path == "/slow1" and first:
            time.sleep(3.5)
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
