"""otlpdump end to end: the golden suite through the binary (JSON, protobuf frames, bare
protobuf, gzip), bad input, filters, and the OTLP/HTTP receiver on 127.0.0.1."""
import glob
import gzip
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from support import TESTDATA, free_port, run, tool, wait_for_port  # noqa: E402

DATA = os.path.join(TESTDATA, "debug-exporter")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def golden_cases():
    for sub, verbosity in (("", "detailed"), ("normal", "normal")):
        for expected in sorted(glob.glob(os.path.join(DATA, sub, "expected", "*", "*.out"))):
            sig = os.path.basename(os.path.dirname(expected))
            name = os.path.splitext(os.path.basename(expected))[0]
            yield os.path.join(DATA, sub, "input", sig, name + ".json"), expected, sig, verbosity


class Receiver:
    def __init__(self, *args):
        self.port = free_port()
        self.out = tempfile.TemporaryFile()
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([tool("otlpdump"), "--listen", f"127.0.0.1:{self.port}", *args],
                                     stdout=self.out, stderr=self.err, start_new_session=True)
        wait_for_port(self.port, proc=self.proc)
        self.url = f"http://127.0.0.1:{self.port}"

    def post(self, path, body, content_type, headers=None):
        req = urllib.request.Request(self.url + path, data=body, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=20) as r:
                return r.status, r.headers.get("Content-Type"), r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type"), e.read()

    def stop(self):
        """SIGTERM, then the exit code and everything printed."""
        os.kill(self.proc.pid, signal.SIGTERM)
        code = self.proc.wait(timeout=20)
        self.out.seek(0)
        self.err.seek(0)
        return code, self.out.read(), self.err.read()


def main():
    # 1. Golden text from JSON files, byte for byte.
    passed = total = 0
    for inp, expected, sig, verbosity in golden_cases():
        total += 1
        p = run("otlpdump", "--no-envelope", "--signal", sig, "--verbosity", verbosity, inp)
        ok = p.returncode == 0 and p.stdout == open(expected, "rb").read()
        passed += ok
        check(ok, f"golden {verbosity} {inp}: rc={p.returncode} {p.stderr!r}")
    print(f"goldens via the binary: {passed} passed, {total - passed} failed")
    check(total == 36, f"want 36 golden cases, found {total}")

    # 2. A receiver capture (--output-format proto/json) replays to the same text, also gzip'd
    #    and as a bare protobuf message.
    rx_proto = Receiver("--output-format", "proto")
    rx_json = Receiver("--output-format", "json")
    cases = [c for c in golden_cases() if c[3] == "detailed" and not c[0].endswith("empty.json")]
    for inp, _, sig, _ in cases:
        body = open(inp, "rb").read()
        for rx in (rx_proto, rx_json):
            status, ctype, _ = rx.post(f"/v1/{sig}", body, "application/json")
            check(status == 200, f"capture POST {inp} → {status}")
    code_p, frames, _ = rx_proto.stop()
    code_j, lines, _ = rx_json.stop()
    check(code_p == 0 and code_j == 0, f"receivers exit 0 on SIGTERM: {code_p} {code_j}")
    want = b"".join(open(e, "rb").read() for _, e, _, v in cases)
    got = run("otlpdump", "--no-envelope", input=frames).stdout
    check(got == want, "replay of the protobuf capture (signal auto-detected) equals the goldens")
    got = run("otlpdump", "--no-envelope", input=gzip.compress(frames)).stdout
    check(got == want, "gzip'd protobuf capture equals the goldens")
    got = run("otlpdump", "--no-envelope", input=lines).stdout
    check(got == want, "replay of the JSON-lines capture equals the goldens")
    check(lines.count(b"\n") == len(cases), "one JSON request per line")
    # The first frame on its own is a bare message.
    n = int.from_bytes(frames[:4], "big")
    bare = frames[4:4 + n]
    first = open(cases[0][1], "rb").read()
    p = run("otlpdump", "--no-envelope", "--bare", "--signal", cases[0][2], input=bare)
    check(p.stdout == first, f"bare protobuf with --signal: {p.stderr!r}")

    # 3. Envelope line and verbosities.
    all_types = os.path.join(DATA, "input", "metrics", "metrics_with_all_types.json")
    p = run("otlpdump", "--verbosity", "basic", all_types, check=0)
    check(p.stdout == b'Metrics\t{"resource metrics": 1, "metrics": 7, "data points": 14}\n',
          f"basic envelope: {p.stdout!r}")
    p = run("otlpdump", all_types, check=0)
    check(p.stdout.startswith(b'Metrics\t{"resource metrics": 1') and p.stdout.endswith(b"\n\n"),
          "detailed = envelope + text + blank line")

    # 4. Filters.
    p = run("otlpdump", "--verbosity", "normal", "--no-envelope", "--metric", "^sum-", all_types, check=0)
    names = {line.split(b"{")[0] for line in p.stdout.splitlines()[2:]}
    check(names == {b"sum-int", b"sum-double"}, f"--metric keeps only matching names: {names}")
    p = run("otlpdump", "--resource-attr", "resource-attr=nope", all_types, check=0)
    check(p.stdout == b"", "--resource-attr drops non-matching resources")
    p = run("otlpdump", "--resource-attr", "resource-attr=resource-attr-val-1", "--verbosity", "basic",
            all_types, check=0)
    check(p.stdout.startswith(b"Metrics\t"), "--resource-attr keeps matching resources")

    # 5. Bad input: a clear error and exit 1; usage errors exit 2.
    bad = [
        ("truncated protobuf", frames[:len(frames) // 2 + 3], b"truncated message"),
        ("invalid JSON", b'{"resourceMetrics": [{"scopeMetrics": 7}]}\n', b"<stdin>:1:1: invalid OTLP/JSON"),
        ("unterminated JSON", b'{"resourceMetrics": [\n', b"does not end"),
        ("garbage", b"hello world\n", b"otlpdump: error: <stdin>"),
    ]
    for what, data, message in bad:
        p = run("otlpdump", input=data)
        check(p.returncode == 1 and message in p.stderr, f"{what}: rc={p.returncode} {p.stderr!r}")
    p = run("otlpdump", "--signal", "traces", all_types)
    check(p.returncode == 1 and b"wrong signal" in p.stderr, f"wrong signal: {p.stderr!r}")
    p = run("otlpdump", "/nonexistent/file.json")
    check(p.returncode == 1 and b"/nonexistent/file.json" in p.stderr, "missing file")
    check(run("otlpdump", "--verbosity", "loud").returncode == 2, "bad flag value is a usage error")
    check(run("otlpdump", "--output-format", "json", all_types).returncode == 2,
          "--output-format without --listen is a usage error")

    # 6. Receiver: statuses, content types, keeps serving, never prints Authorization.
    rx = Receiver("--verbosity", "normal", "--max-body-size", "100000")
    body = open(os.path.join(DATA, "input", "traces", "two_spans.json"), "rb").read()
    status, ctype, reply = rx.post("/v1/traces", body, "application/json",
                                   {"Authorization": "Bearer s3cr3t-token"})
    check(status == 200 and ctype == "application/json" and json.loads(reply) == {},
          f"JSON export → 200 {{}}: {status} {ctype} {reply!r}")
    status, ctype, reply = rx.post("/v1/traces", gzip.compress(body), "application/json",
                                   {"Content-Encoding": "gzip"})
    check(status == 200, f"gzip JSON export → 200: {status}")
    status, ctype, reply = rx.post("/v1/metrics", bare, "application/x-protobuf")
    check(status == 200 and ctype == "application/x-protobuf" and reply == b"",
          f"protobuf export → 200 empty response: {status} {ctype} {reply!r}")
    status, ctype, reply = rx.post("/v1/metrics", bare[:-5], "application/x-protobuf")
    check(status == 400 and ctype == "application/x-protobuf" and b"cannot decode" in reply,
          f"truncated protobuf → 400 Status: {status} {reply!r}")
    status, ctype, reply = rx.post("/v1/logs", b"{nope", "application/json")
    check(status == 400 and json.loads(reply).get("code") == 3, f"invalid JSON → 400: {status} {reply!r}")
    status, _, reply = rx.post("/v1/logs", body, "application/json")
    check(status == 400 and b"wrong signal" in reply, f"traces on /v1/logs → 400: {status} {reply!r}")
    status, _, _ = rx.post("/v1/traces", body, "text/plain")
    check(status == 415, f"unknown content type → 415: {status}")
    status, _, _ = rx.post("/v1/traces", b" " * 200000, "application/json")
    check(status == 413, f"oversized body → 413: {status}")
    status, _, _ = rx.post("/v1/traces", gzip.compress(b" " * 2000000), "application/json",
                           {"Content-Encoding": "gzip"})
    check(status == 413, f"oversized inflated body → 413: {status}")
    status, _, _ = rx.post("/v1/traces", body, "application/json")
    check(status == 200, f"still serving after errors: {status}")
    code, out, err = rx.stop()
    check(code == 0, f"SIGTERM → exit 0: {code} {err!r}")
    check(out.count(b"Traces\t{") == 3 and out.count(b"Metrics\t{") == 1, f"printed each request: {out!r}")
    check(b"s3cr3t" not in out and b"s3cr3t" not in err, "Authorization never printed")

    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("all otlpdump checks passed")


if __name__ == "__main__":
    main()
