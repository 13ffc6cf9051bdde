"""prom2otlp --endpoint: POSTs to a real OTLP/HTTP receiver (otlpdump --listen) in both body
encodings, with and without gzip, and what arrives equals what prom2otlp writes to stdout; a
scripted test server checks the OTLP retry rules (429/502/503/504 retried with Retry-After or
backoff, other codes not), partial success (reported, exit 1) and the request headers."""
import gzip
import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading

from support import TESTDATA, free_port, run, tool, wait_for_port

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "prom2otlp"))
from otlp_json_diff import diff, load_requests  # noqa: E402

PAGE = os.path.join(TESTDATA, "prometheusreceiver", "receiver-tests", "target1_page1.prom")
COMMON = ["--job", "target1", "--instance", "localhost:8080", "--timestamp", "1700000000000",
          "--batch-size", "3"]

# --- a real receiver -------------------------------------------------------------------------
expected = load_requests(run("prom2otlp", *COMMON, "--output-format", "json", PAGE, check=0)
                         .stdout.decode())
assert len(expected) >= 2  # several requests (batches)
for body_format in ("proto", "json"):
    for compress in ([], ["--gzip"]):
        port = free_port()
        with tempfile.TemporaryFile() as received:
            receiver = subprocess.Popen(
                [tool("otlpdump"), "--listen", f"127.0.0.1:{port}", "--output-format", "json"],
                stdout=received, stderr=subprocess.PIPE, start_new_session=True)
            try:
                wait_for_port(port, proc=receiver)
                run("prom2otlp", *COMMON, "--output-format", body_format, *compress,
                    "--endpoint", f"http://127.0.0.1:{port}", PAGE, check=0)
            finally:
                os.killpg(receiver.pid, signal.SIGTERM)
                receiver.wait(timeout=10)
            received.seek(0)
            got = load_requests(received.read().decode())
        problems = diff(expected, got)
        assert not problems, (body_format, compress, problems[:10])

# --- scripted failures -------------------------------------------------------------------------


def partial_success(rejected, message):
    inner = bytes([0x08, rejected]) + bytes([0x12, len(message)]) + message.encode()
    return bytes([0x0A, len(inner)]) + inner


class Script(http.server.BaseHTTPRequestHandler):
    replies = []   # (status, headers, body) popped per request
    seen = []      # (path, headers, body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Script.seen.append((self.path, dict(self.headers), body))
        status, headers, reply = Script.replies.pop(0)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Script)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_address[1]}"
proto = {"Content-Type": "application/x-protobuf"}


def scripted(replies, *args):
    Script.replies, Script.seen = list(replies), []
    p = run("prom2otlp", *COMMON[:6], "--endpoint", url, *args, PAGE)
    return p, Script.seen


try:
    # 503 then 429 (Retry-After) then success with a partial success: 3 attempts, exit 1.
    p, seen = scripted([(503, {}, b""), (429, {"Retry-After": "0"}, b""),
                        (200, proto, partial_success(2, "two were bad"))], "--gzip")
    assert p.returncode == 1, p.stderr
    assert len(seen) == 3, len(seen)
    assert b"rejected 2 data point(s): two were bad" in p.stderr, p.stderr
    path, headers, body = seen[-1]
    assert path == "/v1/metrics", path
    assert headers["Content-Type"] == "application/x-protobuf", headers
    assert headers["Content-Encoding"] == "gzip", headers
    assert gzip.decompress(body)[:1] == b"\x0a"  # resource_metrics, field 1

    # 502, 504 then 200 with an empty body: ok.
    p, seen = scripted([(502, {}, b""), (504, {}, b""), (200, proto, b"")],
                       "--output-format", "json")
    assert p.returncode == 0 and len(seen) == 3, (p.returncode, len(seen), p.stderr)
    assert seen[0][1]["Content-Type"] == "application/json"
    assert json.loads(seen[0][2])["resourceMetrics"]

    # 400 is final: one attempt, the Status message is reported.
    status = b"\x08\x03\x12\x0bbad request"  # google.rpc.Status{code: 3, message}
    p, seen = scripted([(400, proto, status)])
    assert p.returncode == 1 and len(seen) == 1, (p.returncode, len(seen))
    assert b"failed after 1 attempt(s): bad request" in p.stderr, p.stderr
    assert p.stdout == b""

    # 429 for ever: gives up after --max-attempts.
    p, seen = scripted([(429, {"Retry-After": "0"}, b"")] * 2, "--max-attempts", "2")
    assert p.returncode == 1 and len(seen) == 2, (p.returncode, len(seen))

    # Nothing listening: a transport error, retried, then exit 1.
    dead = free_port()
    p = run("prom2otlp", *COMMON[:6], "--endpoint", f"http://127.0.0.1:{dead}",
            "--max-attempts", "2", PAGE)
    assert p.returncode == 1 and b"failed after 2 attempt(s)" in p.stderr, p.stderr
finally:
    server.shutdown()
print("ok")
