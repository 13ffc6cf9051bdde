#!/usr/bin/env python3
"""A scriptable Remote-Write receiver for the rwpush end-to-end tests.

Decodes every request (snappy block + Remote-Write 1.0 or 2.0, by Content-Type) and appends
one JSON line per request to --log: headers, the decoded body and the answer given. Answers are
scripted: --script "500,429:1,204" answers the first three requests with those statuses (an
optional ":N" adds Retry-After: N; "slow:SECONDS" sleeps before answering 204), then
--default. As a 2.0 receiver (--v2) it adds the X-Prometheus-Remote-Write-*-Written headers
(counted from the decoded request) to 2xx/4xx answers of 2.0 requests, and answers 415 to a
Content-Type it does not accept; without --v2 it behaves like a 1.x receiver (Prometheus 2.42:
204 without those headers, whatever was sent).

Prints its port on stdout when ready (use --port 0 for a free one)."""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import remote_write  # noqa: E402

V2_TYPE = "application/x-protobuf;proto=io.prometheus.write.v2.Request"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--log", required=True)
    ap.add_argument("--script", default="")
    ap.add_argument("--default", default="204")
    ap.add_argument("--v2", action="store_true")
    ap.add_argument("--reject-v2", action="store_true", help="answer 415 to 2.0 requests")
    ap.add_argument("--error-body", default="scripted failure")
    args = ap.parse_args()
    script = [s for s in args.script.split(",") if s]
    lock = threading.Lock()
    counter = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                n = counter[0]
                counter[0] += 1
            answer = script[n] if n < len(script) else args.default
            entry = {"n": n, "time": time.time(), "path": self.path,
                     "headers": {k.lower(): v for k, v in self.headers.items()},
                     "body_size": len(body), "first_bytes": body[:10].hex()}
            ctype = self.headers.get("Content-Type", "")
            is_v2 = ctype == V2_TYPE
            decoded = None
            try:
                raw = remote_write.snappy_decompress(body)
                decoded = remote_write.decode_v2(raw) if is_v2 else remote_write.decode_v1(raw)
                entry["protocol"] = "2.0" if is_v2 else "1.0"
                entry["request"] = decoded
            except Exception as e:  # noqa: BLE001
                entry["decode_error"] = str(e)
            parts = answer.split(":")
            headers = {}
            if parts[0] == "slow":
                time.sleep(float(parts[1]))
                status = 204
            else:
                status = int(parts[0])
                if len(parts) > 1:
                    headers["Retry-After"] = parts[1]
            if args.v2 and is_v2 and args.reject_v2:
                status = 415
            if args.v2 and is_v2 and status < 500 and status != 415 and decoded is not None:
                written = status < 300
                ts = decoded["timeseries"]
                headers["X-Prometheus-Remote-Write-Samples-Written"] = str(
                    sum(len(t["samples"]) for t in ts) if written else 0)
                headers["X-Prometheus-Remote-Write-Histograms-Written"] = str(
                    sum(len(t["histograms"]) for t in ts) if written else 0)
                headers["X-Prometheus-Remote-Write-Exemplars-Written"] = str(
                    sum(len(t["exemplars"]) for t in ts) if written else 0)
            entry["status"] = status
            with lock:
                with open(args.log, "a") as f:
                    f.write(json.dumps(entry) + "\n")
            reply = b"" if status < 300 else (args.error_body + "\n").encode()
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def do_GET(self):
            self.send_response(405)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
