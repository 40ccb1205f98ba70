#!/usr/bin/env python3
"""git's smart HTTP protocol on loopback, for morph's tests.

A small HTTP server in front of "git http-backend" (a CGI program that
comes with git), with HTTP Basic authentication: every request must carry
USER:PASSWORD, or it gets 401 and a WWW-Authenticate challenge, as a
hosting service answers.  Request bodies sent chunked (as libgit2 sends a
push) are read whole before the CGI gets them.  Python 3 standard library
only; binds 127.0.0.1.

    python3 githttp.py --root DIR --user USER --password PASSWORD [--port N]

prints PORT=<n> on stdout as soon as it listens.  GET /__stats answers
{"unauthorized": n, "authorized": n}: how many requests were refused and
served, for the tests to read.
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.unauthorized = 0
        self.authorized = 0


def make_handler(args, stats):
    expected = "Basic " + base64.b64encode(
        ("%s:%s" % (args.user, args.password)).encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == \
                    "chunked":
                out = bytearray()
                while True:
                    size = int(self.rfile.readline().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        return bytes(out)
                    out += self.rfile.read(size)
                    self.rfile.readline()
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def reply(self, status, body, headers=()):
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            url = urlsplit(self.path)
            data = self.body()
            if url.path == "/__stats":
                with stats.lock:
                    doc = {"unauthorized": stats.unauthorized,
                           "authorized": stats.authorized}
                self.reply(200, json.dumps(doc).encode(),
                           [("Content-Type", "application/json")])
                return
            if self.headers.get("Authorization") != expected:
                with stats.lock:
                    stats.unauthorized += 1
                # No body, and the connection closed: libgit2 1.5 keeps
                # the unread body of a 401 in its buffer and reads the
                # next response (even on a new connection) from there.
                self.close_connection = True
                self.reply(401, b"",
                           [("WWW-Authenticate", 'Basic realm="morph"'),
                            ("Connection", "close")])
                return
            with stats.lock:
                stats.authorized += 1
            env = dict(os.environ)
            env.update({
                "GIT_PROJECT_ROOT": args.root,
                "GIT_HTTP_EXPORT_ALL": "1",
                "REQUEST_METHOD": self.command,
                "PATH_INFO": url.path,
                "QUERY_STRING": url.query,
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(len(data)),
                "REMOTE_USER": args.user,
                "REMOTE_ADDR": "127.0.0.1",
            })
            enc = self.headers.get("Content-Encoding")
            if enc:
                env["HTTP_CONTENT_ENCODING"] = enc
            proto = self.headers.get("Git-Protocol")
            if proto:
                env["GIT_PROTOCOL"] = proto
            p = subprocess.run(["git", "http-backend"], input=data,
                               capture_output=True, env=env)
            head, _, body = p.stdout.partition(b"\r\n\r\n")
            if not _:
                head, _, body = p.stdout.partition(b"\n\n")
            status, headers = 200, []
            for line in head.decode("latin-1").splitlines():
                k, _, v = line.partition(":")
                if k.lower() == "status":
                    status = int(v.split()[0])
                elif k:
                    headers.append((k, v.strip()))
            self.reply(status, body, headers)

        do_GET = handle_any
        do_POST = handle_any

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    stats = Stats()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port),
                              make_handler(args, stats))
    print("PORT=%d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
