"""rwpush and prom2otlp --endpoint against a receiver that resets the connection in the middle of
a request (issue 9's fault list; 5xx, 429 and 4xx are covered by the compliance tests). A reset
is retried like a 5xx; when retries run out the request counts as failed, never as sent, and the
final summary says so."""
import http.server
import os
import socket
import struct
import sys
import tempfile
import threading

from support import SOURCE, run

sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))
from scrape_helpers import run_tests  # noqa: E402

INPUT = "".join(f"# TYPE m{i} gauge\nm{i}{{k=\"v\"}} {i}\n" for i in range(50))


class Receiver:
    """Answers each POST by the next action of a script: 'reset' (read the headers, then close
    the socket with RST while the body is still coming) or 'ok'; after the script, 'ok'."""

    def __init__(self, script):
        self.script = list(script)
        self.accepted = []  # bodies answered with success
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                action = outer.script.pop(0) if outer.script else "ok"
                if action == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.accepted.append(body)
                if self.path.startswith("/v1/metrics"):
                    self.send_response(200)
                    self.send_header("Content-Type", "application/x-protobuf")
                else:
                    self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def input_file():
    fd, path = tempfile.mkstemp(suffix=".prom")
    with os.fdopen(fd, "w") as f:
        f.write(INPUT)
    return path


def test_rwpush_retries_a_reset():
    with Receiver(["reset", "reset"]) as r:
        p = run("rwpush", "--input", input_file(), "--min-backoff", "10ms",
                f"http://127.0.0.1:{r.port}/api/v1/write", check=0)
        err = p.stderr.decode()
        assert len(r.accepted) == 1, (len(r.accepted), err)
        assert err.count("Connection reset") == 2, err
        assert "written 50 series, 50 samples" in err.splitlines()[-1], err


def test_rwpush_reports_a_reset_that_never_ends():
    with Receiver(["reset"] * 1000) as r:
        p = run("rwpush", "--input", input_file(), "--min-backoff", "10ms", "--max-retry-time", "1s",
                f"http://127.0.0.1:{r.port}/api/v1/write", check=1)
        err = p.stderr.decode()
        assert r.accepted == [], "nothing was acknowledged"
        assert "Connection reset" in err and "giving up" in err, err
        summary = err.splitlines()[-1]
        assert "written 0 series, 0 samples" in summary, summary
        assert "NOT written 50 series, 50 samples" in summary, summary


def test_prom2otlp_endpoint_retries_a_reset():
    with Receiver(["reset"]) as r:
        p = run("prom2otlp", "--endpoint", f"http://127.0.0.1:{r.port}", input_file(), check=0)
        assert len(r.accepted) == 1, p.stderr.decode()


def test_prom2otlp_endpoint_reports_a_reset_that_never_ends():
    with Receiver(["reset"] * 1000) as r:
        p = run("prom2otlp", "--endpoint", f"http://127.0.0.1:{r.port}", "--max-attempts", "3",
                input_file(), check=1)
        err = p.stderr.decode()
        assert r.accepted == []
        errors = [line for line in err.splitlines() if ": error: " in line]
        assert len(errors) == 1 and "reset" in errors[0].lower(), err


if __name__ == "__main__":
    run_tests(dict(globals()))
