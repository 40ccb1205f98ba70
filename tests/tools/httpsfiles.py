#!/usr/bin/env python3
"""Serves the files of a directory over HTTPS, for tests that fetch.

    python3 httpsfiles.py --cert CERT --key KEY --dir DIR [--port 0]

prints PORT=<n> on stdout as soon as it listens on 127.0.0.1, and nothing
else.  GET /NAME answers the file DIR/NAME (200), or 404; GET /__count
answers how many requests it has had.  SIGTERM and SIGINT stop it.
Python 3 standard library only.
"""

import argparse
import os
import signal
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "httpsfiles/1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, ctype="application/octet-stream"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with self.server.lock:
            self.server.count += 1
            count = self.server.count
        name = self.path.split("?")[0].lstrip("/")
        if name == "__count":
            return self.send(200, b"%d\n" % (count - 1), "text/plain")
        path = os.path.join(self.server.dir, name)
        if "/" in name or name in ("", ".", "..") or \
                not os.path.isfile(path):
            return self.send(404, b"not found\n", "text/plain")
        with open(path, "rb") as f:
            body = f.read()
        return self.send(200, body, "application/json")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that refused our certificate, or went away.
        if isinstance(sys.exc_info()[1], (OSError, ValueError)):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()

    server = Server(("127.0.0.1", args.port), Handler)
    server.dir = args.dir
    server.count = 0
    server.lock = threading.Lock()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    sys.stdout.write("PORT=%d\n" % server.server_address[1])
    sys.stdout.flush()

    def stop(signum, frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
