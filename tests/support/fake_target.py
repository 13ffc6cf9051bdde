#!/usr/bin/python3
"""A scrape target for demos and tests: serves one exposition file over HTTP on 127.0.0.1.

    fake_target.py FILE [--port N] [--content-type CT] [--path /metrics]
                        [--status CODE] [--delay SECONDS] [--gzip] [--then FILE ...]

Prints the bound port on the first line of stdout once it is listening (use --port 0 for a
free port), then serves until killed. With --then, the n-th request is answered with the n-th
of FILE, THEN1, THEN2, ... (the last one from then on). Only the standard library is used.
"""
import argparse
import gzip
import http.server
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--path", default="/metrics")
    ap.add_argument("--content-type",
                    default="application/openmetrics-text; version=1.0.0; charset=utf-8")
    ap.add_argument("--status", type=int, default=200)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--gzip", action="store_true")
    ap.add_argument("--then", action="append", default=[])
    args = ap.parse_args()
    bodies = []
    for path in [args.file] + args.then:
        with open(path, "rb") as f:
            bodies.append(f.read())
    served = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            if self.path.split("?")[0] != args.path:
                self.send_error(404)
                return
            if args.delay:
                time.sleep(args.delay)
            data = bodies[min(served[0], len(bodies) - 1)]
            served[0] += 1
            self.send_response(args.status)
            self.send_header("Content-Type", args.content_type)
            if args.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
                data = gzip.compress(data)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
