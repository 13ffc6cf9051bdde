"""SIGINT/SIGTERM during a run (issue 9): a tool finishes what was complete and exits cleanly.

- Reading a pipe, the first signal does not stop the reading: the producer upstream got the
  same signal from the shell and is finishing its own last piece (`promscrape --interval |
  prom2otlp`); everything it still writes is converted and the tool exits 0 at end of input.
- Reading a file, the input ends at the end of the line the signal arrived in; everything
  before it is converted and written whole, then the tool says it was interrupted and exits 1.
- A second signal ends the process at once."""
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time

from support import SOURCE, tool

sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))
from scrape_helpers import run_tests  # noqa: E402


def doc(name, value):
    return f"# TYPE {name} gauge\n{name} {value}\n# EOF\n".encode()


def frames(data):
    """Splits prom2otlp's proto output (4-byte big-endian length + message) into messages;
    fails on a torn frame."""
    out, pos = [], 0
    while pos < len(data):
        assert pos + 4 <= len(data), "torn length prefix"
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        assert pos + 4 + n <= len(data), "torn message"
        out.append(data[pos + 4:pos + 4 + n])
        pos += 4 + n
    return out


def start(argv, **kw):
    return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kw)


def test_prom2otlp_drains_a_pipe_after_sigint():
    p = start([tool("prom2otlp"), "--stream", "--output-format", "json", "--job", "j",
               "--instance", "i:1"])
    p.stdin.write(doc("first", 1))
    p.stdin.flush()
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    time.sleep(0.3)
    assert p.poll() is None, f"prom2otlp ended on the first SIGINT: {p.returncode}"
    out, err = p.communicate(doc("second", 2), timeout=30)
    assert p.returncode == 0, (p.returncode, err)
    lines = out.decode().splitlines()
    assert len(lines) == 2, lines
    assert '"first"' in lines[0] and '"second"' in lines[1], lines


def test_otlpdump_drains_a_pipe_after_sigterm():
    request = subprocess.run([tool("prom2otlp"), "--job", "j", "--instance", "i:1"],
                             input=doc("drained", 7)[:-len("# EOF\n")], capture_output=True,
                             check=True).stdout
    p = start([tool("otlpdump")])
    p.stdin.write(request)
    p.stdin.flush()
    time.sleep(0.3)
    p.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    assert p.poll() is None, f"otlpdump ended on the first SIGTERM: {p.returncode}"
    out, err = p.communicate(request, timeout=30)
    assert p.returncode == 0, (p.returncode, err)
    assert out.decode().count("-> Name: drained") == 2, out.decode()


def test_second_signal_ends_the_process():
    p = start([tool("prom2otlp"), "--stream"])
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    p.communicate(timeout=30)
    assert p.returncode == -signal.SIGINT, p.returncode


def test_prom2otlp_on_a_file_stops_at_a_line_and_writes_whole_requests():
    fd, path = tempfile.mkstemp(suffix=".prom")
    families, per_family = 2000, 100  # requests are cut between families (--batch-size)
    series = families * per_family
    with os.fdopen(fd, "w") as f:
        for n in range(families):
            f.write(f"# TYPE big{n} gauge\n")
            for i in range(per_family):
                f.write(f'big{n}{{series="{i:07d}",pad="{"x" * 40}"}} {i}\n')
    try:
        # Nobody reads stdout at first: prom2otlp fills the pipe and blocks in the middle of
        # the file, where the signal finds it.
        p = subprocess.Popen([tool("prom2otlp"), "--job", "j", "--instance", "i:1", "--batch-size",
                              "1000", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.0)
        assert p.poll() is None, "prom2otlp finished before the signal; make the input bigger"
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=60)
    finally:
        os.remove(path)
    err = err.decode()
    assert p.returncode == 1, (p.returncode, err)
    assert err.count("\n") == 1 and "interrupted by SIGTERM" in err and path in err, err
    messages = frames(out)
    assert messages, "nothing written"
    # Every data point of every whole request is there, and fewer than the file has.
    points = sum(m.count(b"series") for m in messages)
    assert 0 < points < series, points



def test_rwpush_finishes_the_request_in_flight_and_stops():
    import http.server
    import threading

    got = []

    class Slow(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(0.4)
            got.append(1)
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fd, path = tempfile.mkstemp(suffix=".prom")
    with os.fdopen(fd, "w") as f:
        for i in range(100):
            f.write(f"# TYPE g{i} gauge\ng{i} {i}\n")
    try:
        p = subprocess.Popen([tool("rwpush"), "--batch-size", "5", "--input", path,
                              f"http://127.0.0.1:{server.server_address[1]}/api/v1/write"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 30
        while not got and time.time() < deadline:
            time.sleep(0.05)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=30)
    finally:
        os.remove(path)
        server.shutdown()
    err = err.decode()
    assert p.returncode == 1, (p.returncode, err)
    assert "interrupted by SIGTERM" in err, err
    # Every request that left was answered and counted: written == what the receiver took.
    assert 0 < len(got) < 20, len(got)
    assert f"written {len(got) * 5} series, {len(got) * 5} samples" in err, (len(got), err)


if __name__ == "__main__":
    run_tests(dict(globals()))
