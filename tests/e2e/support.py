"""Shared helpers of the end-to-end tests: where the binaries are, free ports, servers started
on 127.0.0.1 and stopped by PID, and running a tool with input."""
import os
import signal
import socket
import subprocess
import time

BIN = os.environ.get("PROMOTEL_BIN", os.path.join(os.getcwd(), "build", "bin"))
SOURCE = os.environ.get("PROMOTEL_SOURCE", os.getcwd())
SHARED = os.path.join(SOURCE, "..", "shared")
TESTDATA = os.path.join(SHARED, "testdata")


def tool(name):
    return os.path.join(BIN, name)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=20.0, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


class Server:
    """A server process started on 127.0.0.1; stopped (by PID) when the with-block ends."""

    def __init__(self, argv, port, env=None, cwd=None):
        self.argv, self.port = argv, port
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     env=env, cwd=cwd, start_new_session=True)
        try:
            wait_for_port(port, proc=self.proc)
        except Exception:
            self.stop()
            raise

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class FakeTarget:
    """tests/support/fake_target.py serving one file; .url is its /metrics URL."""

    def __init__(self, path, content_type=None, extra=()):
        argv = ["/usr/bin/python3", os.path.join(SOURCE, "tests", "support", "fake_target.py"),
                path, "--port", "0"]
        if content_type:
            argv += ["--content-type", content_type]
        argv += list(extra)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, start_new_session=True,
                                     text=True)
        self.port = int(self.proc.stdout.readline())
        self.url = f"http://127.0.0.1:{self.port}/metrics"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait()


def run(name, *args, input=None, check=None, timeout=120):
    """Runs build/bin/<name> with args; input is bytes or str. Returns CompletedProcess with
    bytes stdout/stderr. check=N asserts the exit code is N."""
    if isinstance(input, str):
        input = input.encode()
    p = subprocess.run([tool(name), *args], input=input, capture_output=True, timeout=timeout)
    if check is not None and p.returncode != check:
        raise AssertionError(f"{name} {' '.join(args)} exited {p.returncode}, wanted {check}\n"
                             f"stderr: {p.stderr.decode(errors='replace')}")
    return p


def pipeline(*commands, input=None, timeout=120):
    """Runs tools connected by pipes, e.g. pipeline(["promscrape", url], ["prom2otlp"]).
    Returns (stdout bytes, [exit codes], [stderr bytes])."""
    procs = []
    prev = subprocess.PIPE if input is not None else subprocess.DEVNULL
    for i, cmd in enumerate(commands):
        p = subprocess.Popen([tool(cmd[0]), *cmd[1:]],
                             stdin=prev if i == 0 else procs[-1].stdout,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if i > 0:
            procs[-1].stdout.close()
        procs.append(p)
    if input is not None:
        procs[0].stdin.write(input if isinstance(input, bytes) else input.encode())
        procs[0].stdin.close()
    out, last_err = procs[-1].communicate(timeout=timeout)
    codes, errs = [], []
    for p in procs[:-1]:
        errs.append(p.stderr.read())
        p.wait(timeout=timeout)
        codes.append(p.returncode)
    codes.append(procs[-1].returncode)
    errs.append(last_err)
    return out, codes, errs
