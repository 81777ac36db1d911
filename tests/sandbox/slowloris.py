#!/usr/bin/env python3
"""slowloris.py — slow HTTP clients for the sandbox's tests and bench (not a test itself).

Opens COUNT connections to HOST:PORT (from --source when given) and keeps each
one busy with a request that never ends, one byte every --every seconds:

  headers    a GET whose headers never finish
  body       a POST whose headers are whole and whose body never finishes
  keepalive  a whole GET first (its answer read), then a second GET whose
             headers never finish, on the same connection
  idle       a whole GET, --idle seconds of silence, a second whole GET;
             the second answer's status line is reported
The whole GETs carry --key and --merchant's headers when --key is given.

Each tick it writes one status line, atomically, to --status:
  tick=T connected=C open=O closed=X answered=A first=STATUS-LINE ka=K second=LINE
  max_open=M
  connected: connections ever established; open: established and not closed
  by the server (max_open: the most at any tick); closed: closed by the
  server (end of file or reset); answered: of those, the ones that got bytes
  first; first: the first status line read on any of them; ka: whole first answers read (keepalive, idle).
With --reconnect a connection the server closed is opened again on the next
tick (an attacker that insists). It stops by itself after --for seconds, on
SIGTERM, or with --until-closed once every connection was closed."""
import argparse
import errno
import os
import select
import signal
import socket
import sys
import time

HEAD = b"GET /api/v1/health HTTP/1.1\r\nHost: sandbox\r\n"
WHOLE = b"GET /api/v1/health HTTP/1.1\r\nHost: sandbox\r\n\r\n"  # with --key: authorized
POST = (b"POST /api/v1/payment/orders HTTP/1.1\r\nHost: sandbox\r\n"
        b"Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"a\":\"")


class Conn:
    """One slow client: its socket and how far it got."""

    def __init__(self, args):
        self.args = args
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if args.source:
            self.sock.bind((args.source, 0))
        self.sock.setblocking(False)
        self.state = "connecting"   # connecting, open, closed
        self.phase = 0              # keepalive/idle: 0 first answer pending, 1 after it
        self.got = b""
        self.idle_until = 0.0
        err = self.sock.connect_ex((args.host, args.port))
        if err not in (0, errno.EINPROGRESS):
            self.state = "failed"

    def opened(self):
        """Connected: send the opening part of the request."""
        self.state = "open"
        start = {"headers": HEAD, "body": POST}.get(self.args.mode, whole(self.args))
        self.send(start)

    def send(self, data):
        try:
            self.sock.send(data)
        except OSError:
            self.lost()

    def lost(self):
        self.state = "closed"
        self.sock.close()


def whole(args):
    """A whole GET /health, with the key's headers when given."""
    if not args.key:
        return WHOLE
    auth = "Authorization: Bearer %s\r\nX-Merchant-ID: %s\r\n" % (args.key, args.merchant)
    return WHOLE[:-2] + auth.encode() + b"\r\n"


def answer_len(buf):
    """Length of the first whole HTTP answer in buf, or 0 if not all in."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return 0
    length = 0
    for line in buf[:end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    return end + 4 + length if len(buf) >= end + 4 + length else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--source")
    ap.add_argument("--mode", default="headers", choices=["headers", "body", "keepalive", "idle"])
    ap.add_argument("--every", type=float, default=1.0)
    ap.add_argument("--idle", type=float, default=2.0)
    ap.add_argument("--key")
    ap.add_argument("--merchant", default="123456789012")
    ap.add_argument("--reconnect", action="store_true")
    ap.add_argument("--until-closed", action="store_true")
    ap.add_argument("--for", dest="duration", type=float, default=60.0)
    ap.add_argument("--status", required=True)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    conns = [Conn(args) for _ in range(args.count)]
    stats = {"connected": 0, "closed": 0, "answered": 0, "ka": 0}
    first = ["-"]
    second = ["-"]
    stop_at = time.monotonic() + args.duration
    tick = 0
    max_open = 0
    while time.monotonic() < stop_at:
        tick_end = time.monotonic() + args.every
        # wait out the tick, taking connects and answers as they come
        while True:
            left = tick_end - time.monotonic()
            if left <= 0:
                break
            poll = select.poll()
            by_fd = {}
            for c in conns:
                if c.state == "connecting":
                    poll.register(c.sock, select.POLLOUT)
                elif c.state == "open":
                    poll.register(c.sock, select.POLLIN)
                else:
                    continue
                by_fd[c.sock.fileno()] = c
            for fd, ev in poll.poll(left * 1000):
                c = by_fd[fd]
                if c.state == "connecting":
                    if c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                        c.lost()
                        continue
                    stats["connected"] += 1
                    c.opened()
                    continue
                try:
                    data = c.sock.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    stats["closed"] += 1
                    if c.got:
                        stats["answered"] += 1
                    c.lost()
                    continue
                c.got += data
                if first[0] == "-" and b"\r\n" in c.got:
                    first[0] = c.got.split(b"\r\n", 1)[0].decode("latin-1")
                n = answer_len(c.got)
                if c.phase == 0 and args.mode in ("keepalive", "idle") and n:
                    stats["ka"] += 1
                    c.got = c.got[n:]
                    c.phase = 1
                    if args.mode == "keepalive":
                        c.send(HEAD)
                    else:
                        c.idle_until = time.monotonic() + args.idle
                elif c.phase == 2 and n:
                    second[0] = c.got.split(b"\r\n", 1)[0].decode("latin-1")
                    c.phase = 3
        tick += 1
        now = time.monotonic()
        for i, c in enumerate(conns):
            if c.state == "open":
                if args.mode == "idle":
                    if c.phase == 1 and now >= c.idle_until:
                        c.send(whole(args))
                        c.phase = 2
                elif c.phase == 1 or args.mode != "keepalive":
                    c.send(b"a")   # one more byte of a request that never ends
            elif c.state in ("closed", "failed") and args.reconnect:
                conns[i] = Conn(args)
        open_ = sum(1 for c in conns if c.state == "open")
        max_open = max(max_open, open_)
        line = ("tick=%d connected=%d open=%d closed=%d answered=%d first=%s ka=%d second=%s max_open=%d\n" %
                (tick, stats["connected"], open_, stats["closed"], stats["answered"],
                 first[0].replace(" ", "_"), stats["ka"], second[0].replace(" ", "_"), max_open))
        tmp = args.status + ".tmp"
        with open(tmp, "w") as f:
            f.write(line)
        os.replace(tmp, args.status)
        if args.until_closed and all(c.state in ("closed", "failed") for c in conns):
            break


if __name__ == "__main__":
    main()
