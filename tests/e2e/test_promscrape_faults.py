"""promscrape against every way a target can fail (issue 9's fault list): connection refused, a
host that does not resolve, a TLS handshake that fails, a timeout, a slow-loris body, a body over
--body-size-limit, a wrong Content-Type, invalid gzip. Each must end in exactly one error line
on stderr that names the target, an `up 0` sample, and exit status 1 — quickly."""
import gzip
import http.server
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

from support import SOURCE, free_port, run

sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))
from scrape_helpers import run_tests, samples, value  # noqa: E402

GOOD = b"# TYPE ok gauge\nok 1\n"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, body, content_type="text/plain; version=0.0.4", encoding=None, length=None):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(length if length is not None else len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def do_GET(self):
        path = self.path.split("?")[0]
        try:
            if path == "/ok":
                self.reply(GOOD)
            elif path == "/slow-headers":
                time.sleep(5)
                self.reply(GOOD)
            elif path == "/slow-loris":
                # Headers at once, then one byte of the body every 0.3 s: never done in time.
                self.reply(b"o", length=1000)
                for _ in range(30):
                    time.sleep(0.3)
                    self.wfile.write(b"k")
                    self.wfile.flush()
            elif path == "/big":
                self.reply(b"# TYPE big gauge\n" + b"big 1\n" * 400_000)
            elif path == "/html":
                self.reply(b"<html><body>It works!</body></html>\n", content_type="text/html")
            elif path == "/bad-gzip":
                self.reply(b"\x1f\x8b\x08\x00garbage, not deflate", encoding="gzip")
            elif path == "/gzip":
                self.reply(gzip.compress(GOOD), encoding="gzip")
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that give up mid-request (timeouts, limits) are the point here


SERVER = QuietServer(("127.0.0.1", 0), Handler)
SERVER.daemon_threads = True
threading.Thread(target=SERVER.serve_forever, daemon=True).start()
BASE = f"http://127.0.0.1:{SERVER.server_address[1]}"


def tls_server_that_fails_the_handshake():
    """A TLS server whose certificate the client cannot trust (self-signed, not given)."""
    tmp = tempfile.mkdtemp(prefix="promscrape-faults-")
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", key, "-out", cert, "-subj", "/CN=untrusted.test"],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = QuietServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"https://127.0.0.1:{server.server_address[1]}/ok"


def expect_failure(url, *flags, mention, within=8.0):
    started = time.monotonic()
    p = run("promscrape", url, "--output-format", "text", *flags, timeout=60)
    took = time.monotonic() - started
    err = p.stderr.decode(errors="replace")
    lines = [line for line in err.splitlines() if line]
    assert p.returncode == 1, f"{url}: exit {p.returncode}, wanted 1; stderr {err!r}"
    assert len(lines) == 1, f"{url}: wanted one error line, got {lines!r}"
    assert lines[0].startswith(f"promscrape: error: {url}: "), lines[0]
    assert mention.lower() in lines[0].lower(), f"{url}: {lines[0]!r} does not mention {mention!r}"
    s = samples(p.stdout.decode())
    assert value(s, "up") == 0, s
    assert value(s, "scrape_samples_scraped") == 0, s
    assert took < within, f"{url}: took {took:.1f}s"
    print(f"     {lines[0]}")
    return lines[0]


def test_good_target_for_contrast():
    p = run("promscrape", BASE + "/ok", "--output-format", "text", check=0)
    assert value(samples(p.stdout.decode()), "up") == 1
    p = run("promscrape", BASE + "/gzip", "--output-format", "text", check=0)
    assert value(samples(p.stdout.decode()), "ok") == 1


def test_connection_refused():
    expect_failure(f"http://127.0.0.1:{free_port()}/metrics", mention="connect")


def test_dns_failure():
    expect_failure("http://no-such-host.invalid/metrics", "--timeout", "3s", mention="resolve")


def test_tls_failure():
    expect_failure(tls_server_that_fails_the_handshake(), mention="certificate")


def test_timeout_before_headers():
    expect_failure(BASE + "/slow-headers", "--timeout", "1s", mention="timeout", within=4)


def test_slow_loris_body():
    expect_failure(BASE + "/slow-loris", "--timeout", "1s", mention="timeout", within=4)


def test_body_larger_than_limit():
    expect_failure(BASE + "/big", "--body-size-limit", "100000", mention="100000")


def test_wrong_content_type():
    # Prometheus parses a body of an unknown type as the fallback format (text 0.0.4): HTML
    # does not parse, so the scrape fails with the parser's position.
    line = expect_failure(BASE + "/html", mention="1:")
    assert "html" in line.lower() or "text/html" in line.lower() or "1:1" in line, line


def test_invalid_gzip():
    expect_failure(BASE + "/bad-gzip", mention="Content-Encoding")


if __name__ == "__main__":
    run_tests(dict(globals()))
