"""Both listeners (otlpdump --listen, taplan serve) hardened: HTTPS with a self-signed
certificate made here with openssl, bearer-token auth (401 without or with a wrong token, the
token never printed), loopback by default, and taplan's body limit, read timeout and connection
bound. prom2otlp --endpoint https://... --bearer-token-file --cacert is the client-side proof."""
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import tempfile
import time

from support import SOURCE, TESTDATA, free_port, run, tool, wait_for_port

TMP = tempfile.mkdtemp(prefix="listener-security-")
CERT = os.path.join(TMP, "cert.pem")
KEY = os.path.join(TMP, "key.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", KEY, "-out", CERT, "-subj", "/CN=listener.test",
                "-addext", "subjectAltName=DNS:listener.test,IP:127.0.0.1"],
               check=True, capture_output=True)
TOKEN = "tok-9f3b7c2e-right"
WRONG = "tok-5a1d0e4c-wrong"
TOKEN_FILE = os.path.join(TMP, "token")
with open(TOKEN_FILE, "w") as f:
    f.write(TOKEN + "\n")
WRONG_FILE = os.path.join(TMP, "wrong-token")
with open(WRONG_FILE, "w") as f:
    f.write(WRONG + "\n")

CLUSTER = os.path.join(SOURCE, "tests", "taplan", "cluster")
TA_INPUTS = ["--config", os.path.join(CLUSTER, "ta-config.yaml"),
             "--objects", os.path.join(CLUSTER, "objects.yaml"),
             "--monitors", os.path.join(CLUSTER, "monitors.yaml")]
PAGE = os.path.join(TESTDATA, "prometheusreceiver", "receiver-tests", "target1_page1.prom")
P2O = ["--job", "target1", "--instance", "localhost:8080", "--timestamp", "1700000000000"]


class Tool:
    """A listener process; stdout and stderr kept in files, stopped by PID (SIGTERM)."""

    def __init__(self, argv, port):
        self.out = tempfile.TemporaryFile(dir=TMP)
        self.err = tempfile.TemporaryFile(dir=TMP)
        self.proc = subprocess.Popen(argv, stdout=self.out, stderr=self.err, start_new_session=True)
        self.port = port
        try:
            wait_for_port(port, proc=self.proc)
        except Exception:
            self.stop()
            raise

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        self.out.seek(0)
        self.err.seek(0)
        return self.out.read(), self.err.read()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def tls_context():
    return ssl.create_default_context(cafile=CERT)


def request(port, method, path, body=None, token=None, tls=True, headers=None):
    conn = (http.client.HTTPSConnection("127.0.0.1", port, context=tls_context(), timeout=20) if tls
            else http.client.HTTPConnection("127.0.0.1", port, timeout=20))
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        return r.status, r.getheader("WWW-Authenticate"), r.read()
    finally:
        conn.close()


def plain_http_fails(port):
    """Plain HTTP to the TLS port gets no HTTP answer."""
    try:
        status, _, _ = request(port, "GET", "/", tls=False)
    except (http.client.HTTPException, OSError):
        return True
    return status not in (200, 401, 404)


def assert_auth(port, method, path, body=None, headers=None):
    for token in (None, WRONG, "", TOKEN.upper(), TOKEN + "x"):
        status, challenge, reply = request(port, method, path, body, token=token, headers=headers)
        assert status == 401, (token, status)
        assert challenge == "Bearer", challenge
        assert b"tok-" not in reply, reply
    status, _, reply = request(port, method, path, body, token=TOKEN, headers=headers)
    assert status == 200, (status, reply)
    return reply


def assert_no_secret(*streams):
    for s in streams:
        assert TOKEN.encode() not in s and WRONG.encode() not in s, s[-2000:]


def metrics_request():
    p = run("prom2otlp", *P2O, "--output-format", "proto", PAGE, check=0).stdout
    # The file-exporter proto framing: 4-byte big-endian length, then one request.
    n = int.from_bytes(p[:4], "big")
    return p[4:4 + n]


def test_otlpdump_tls_and_token():
    port = free_port()
    with Tool([tool("otlpdump"), "--listen", f"127.0.0.1:{port}", "--tls-cert-file", CERT,
               "--tls-key-file", KEY, "--bearer-token-file", TOKEN_FILE], port) as t:
        assert plain_http_fails(port)
        body = metrics_request()
        assert_auth(port, "POST", "/v1/metrics", body, headers={"Content-Type": "application/x-protobuf"})
        # The real client: prom2otlp over HTTPS with the token from a file and the CA.
        p = run("prom2otlp", *P2O, "--endpoint", f"https://127.0.0.1:{port}", "--cacert", CERT,
                "--bearer-token-file", TOKEN_FILE, PAGE, check=0)
        p_wrong = run("prom2otlp", *P2O, "--endpoint", f"https://127.0.0.1:{port}", "--cacert", CERT,
                      "--bearer-token", WRONG, PAGE, check=1)
        assert "401" in p_wrong.stderr.decode(), p_wrong.stderr
        p_noca = run("prom2otlp", *P2O, "--endpoint", f"https://127.0.0.1:{port}",
                     "--bearer-token-file", TOKEN_FILE, PAGE, check=1)
        out, err = t.stop()
    assert t.proc.returncode == 0, err
    assert f"listening on https://127.0.0.1:{port}".encode() in err, err
    # One request from assert_auth and the batches of prom2otlp, all printed.
    assert out.count(b"ResourceMetrics #0") >= 2, out[:500]
    assert b"Descriptor:\n     -> Name: " in out
    assert_no_secret(out, err, p.stdout, p.stderr, p_wrong.stdout, p_wrong.stderr, p_noca.stderr)


def test_otlpdump_token_on_plain_http_and_usage_errors():
    port = free_port()
    with Tool([tool("otlpdump"), "--listen", f"127.0.0.1:{port}", "--bearer-token", TOKEN], port) as t:
        status, challenge, _ = request(port, "POST", "/v1/metrics", metrics_request(), tls=False,
                                       headers={"Content-Type": "application/x-protobuf"})
        assert (status, challenge) == (401, "Bearer")
        run("prom2otlp", *P2O, "--endpoint", f"http://127.0.0.1:{port}", "--bearer-token", TOKEN,
            PAGE, check=0)
        out, err = t.stop()
    assert b"ResourceMetrics #0" in out
    assert_no_secret(out, err)
    # Bad combinations are usage errors naming the flag or the file, never the token.
    p = run("otlpdump", "--listen", "127.0.0.1:0", "--tls-cert-file", CERT, check=2)
    assert b"--tls-key-file" in p.stderr
    p = run("otlpdump", "--listen", "127.0.0.1:0", "--bearer-token-file", TOKEN_FILE,
            "--bearer-token", TOKEN, check=2)
    assert_no_secret(p.stdout, p.stderr)
    p = run("otlpdump", "--listen", "127.0.0.1:0", "--bearer-token-file", TMP + "/missing", check=2)
    assert (TMP + "/missing").encode() in p.stderr
    run("otlpdump", "--bearer-token", TOKEN, check=2)  # without a listener
    p = run("otlpdump", "--listen", "127.0.0.1:0", "--tls-cert-file", KEY, "--tls-key-file", CERT, check=1)
    assert b"certificate" in p.stderr, p.stderr


def taplan_serve(port, *extra):
    return [tool("taplan"), "serve", *TA_INPUTS, "--listen", str(port), *extra]


def test_taplan_tls_and_token():
    port = free_port()
    with Tool(taplan_serve(f"127.0.0.1:{port}", "--tls-cert-file", CERT, "--tls-key-file", KEY,
                           "--bearer-token-file", TOKEN_FILE), port) as t:
        assert plain_http_fails(port)
        jobs = json.loads(assert_auth(port, "GET", "/jobs"))
        assert "serviceMonitor/shop/web/0" in jobs
        assert_auth(port, "GET", "/livez")
        out, err = t.stop()
    assert t.proc.returncode == 0, err
    assert f"on https://127.0.0.1:{port}".encode() in err, err
    assert_no_secret(out, err)


def listening_addresses(port):
    """The local addresses of the listening IPv4 sockets on port, from /proc/net/tcp."""
    found = []
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            local, _, state = line.split()[1:4]
            ip, p = local.split(":")
            if int(p, 16) == port and state == "0A":
                found.append(socket.inet_ntoa(bytes.fromhex(ip)[::-1]))
    return found


def non_loopback_address():
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # no packet is sent: only picks a source address
            ip = s.getsockname()[0]
            return None if ip.startswith("127.") else ip
    except OSError:
        return None


def test_taplan_binds_loopback_by_default():
    help_text = run("taplan", "serve", "--help", check=0).stdout.decode()
    assert "127.0.0.1:8080" in help_text, help_text
    port = free_port()
    with Tool(taplan_serve(port), port) as t:  # a bare port: loopback
        assert listening_addresses(port) == ["127.0.0.1"], listening_addresses(port)
        other = non_loopback_address()
        if other:
            try:
                socket.create_connection((other, port), timeout=2).close()
                assert False, f"reachable on {other}"
            except OSError:
                pass
        _, err = t.stop()
    assert f"on http://127.0.0.1:{port}".encode() in err, err
    if not listening_addresses(8080):  # the default itself, when 8080 is free here
        with Tool([tool("taplan"), "serve", *TA_INPUTS], 8080) as t:
            assert listening_addresses(8080) == ["127.0.0.1"]
            _, err = t.stop()
        assert b"on http://127.0.0.1:8080" in err, err
    port = free_port()
    with Tool(taplan_serve(f":{port}"), port) as t:  # ":port" is all interfaces, as in Go
        assert listening_addresses(port) == ["0.0.0.0"]
        _, err = t.stop()
    assert f"on http://0.0.0.0:{port}".encode() in err, err


def test_taplan_limits():
    port = free_port()
    with Tool(taplan_serve(f"127.0.0.1:{port}", "--max-body-size", "1000", "--read-timeout", "1",
                           "--max-connections", "1"), port) as t:
        status, _, _ = request(port, "POST", "/jobs", b"x" * 500, tls=False)
        assert status == 405  # read, then refused as the TA does (GET only)
        status, _, _ = request(port, "POST", "/jobs", b"x" * 5000, tls=False)
        assert status == 413
        # A slow-loris client (half a request head, then silence) holds the only worker until
        # the read timeout: it is cut off, and a request waiting behind it is served.
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"GET /jobs HTTP/1.1\r\nHost: x\r\n")
        time.sleep(0.2)
        start = time.time()
        status, _, _ = request(port, "GET", "/livez", tls=False)
        assert status == 200
        slow.settimeout(20)
        leftover = slow.recv(100)
        cut_after = time.time() - start
        slow.close()
        assert not leftover.startswith(b"HTTP/1.1 200"), leftover
        assert cut_after < 15, cut_after
        # An idle connection is closed too.
        idle = socket.create_connection(("127.0.0.1", port))
        idle.settimeout(20)
        start = time.time()
        assert idle.recv(100) == b""
        assert time.time() - start < 15
        idle.close()
        _, err = t.stop()
    assert t.proc.returncode == 0, err


if __name__ == "__main__":
    for name, test in sorted(globals().items()):
        if name.startswith("test_"):
            test()
            print(f"ok {name}")
