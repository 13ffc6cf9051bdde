"""promscrape against a target behind HTTPS (a self-signed certificate made here with openssl)
and HTTP basic auth."""
import os
import subprocess
import sys
import tempfile

from support import SOURCE, TESTDATA, run, tool

sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))
from scrape_helpers import PortServer, run_tests, samples, support_script, value  # noqa: E402

TMP = tempfile.mkdtemp(prefix="promscrape-tls-")
CERT = os.path.join(TMP, "cert.pem")
KEY = os.path.join(TMP, "key.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", KEY, "-out", CERT, "-subj", "/CN=metrics.test",
                "-addext", "subjectAltName=DNS:metrics.test,IP:127.0.0.1"],
               check=True, capture_output=True)
PASSWORD_FILE = os.path.join(TMP, "password")
with open(PASSWORD_FILE, "w") as f:
    f.write("s3cret\n")
BODY = os.path.join(TESTDATA, "exposition", "node_exporter.prom")


def target():
    return PortServer(["/usr/bin/python3", support_script(SOURCE, "tls_target.py"), BODY, "--cert", CERT,
                       "--key", KEY, "--user", "scraper", "--password", "s3cret"])


def test_tls_and_basic_auth():
    with target() as t:
        url = f"https://127.0.0.1:{t.port}/metrics"
        s = samples(run("promscrape", url, "--cacert", CERT, "--basic-auth", "scraper:s3cret",
                        check=0).stdout.decode())
        assert value(s, "up") == 1
        assert value(s, "scrape_samples_scraped") == 507
        assert value(s, "node_load1", instance=f"127.0.0.1:{t.port}") >= 0
        # The password from a file.
        run("promscrape", url, "--cacert", CERT, "--basic-auth", "scraper",
            "--basic-auth-password-file", PASSWORD_FILE, check=0)
        # The certificate names metrics.test: expected with --server-name.
        run("promscrape", url, "--cacert", CERT, "--server-name", "metrics.test",
            "--basic-auth", "scraper:s3cret", check=0)


def test_tls_failures():
    with target() as t:
        url = f"https://127.0.0.1:{t.port}/metrics"
        p = run("promscrape", url, "--basic-auth", "scraper:s3cret", check=1)  # unknown CA
        assert "certificate" in p.stderr.decode().lower(), p.stderr
        p = run("promscrape", url, "--cacert", CERT, "--basic-auth", "scraper:wrong", check=1)
        assert "HTTP status 401" in p.stderr.decode(), p.stderr
        p = run("promscrape", url, "--cacert", CERT, "--server-name", "other.test",
                "--basic-auth", "scraper:s3cret", check=1)
        assert value(samples(p.stdout.decode()), "up") == 0
        # --insecure skips verification.
        run("promscrape", url, "--insecure", "--basic-auth", "scraper:s3cret", check=0)


def test_config_jobs_bring_their_own_auth_and_tls():
    """--config: each job's basic_auth, authorization and tls_config, relative to the config's
    directory, and a job's wrong credentials fail only that job."""
    with target() as t:
        config = os.path.join(TMP, "prometheus.yml")
        with open(config, "w") as f:
            f.write(f"""scrape_configs:
  - job_name: secure
    scheme: https
    scrape_timeout: 2500ms
    basic_auth: {{username: scraper, password_file: password}}
    tls_config: {{ca_file: cert.pem, server_name: metrics.test}}
    static_configs: [{{targets: ["127.0.0.1:{t.port}"]}}]
  - job_name: wrong
    scheme: https
    basic_auth: {{username: scraper, password: wrong}}
    tls_config: {{ca_file: cert.pem}}
    static_configs: [{{targets: ["127.0.0.1:{t.port}"]}}]
""")
        # Run from elsewhere: the files must resolve against the config's directory, and the
        # command line's credentials must not replace a job's.
        p = subprocess.run([tool("promscrape"), "--config", config, "--basic-auth", "scraper:wrong"],
                           capture_output=True, cwd="/", timeout=60)
        assert p.returncode == 1, p.stderr
        s = samples(p.stdout.decode())
        assert value(s, "up", job="secure") == 1
        assert value(s, "scrape_samples_scraped", job="secure") == 507
        assert value(s, "up", job="wrong") == 0
        err = p.stderr.decode()
        assert "HTTP status 401" in err, err
        assert "s3cret" not in err and "s3cret" not in p.stdout.decode()
        # Without auth or TLS in the file, the command line's apply.
        with open(config, "w") as f:
            f.write(f"""scrape_configs:
  - job_name: plain
    scheme: https
    static_configs: [{{targets: ["127.0.0.1:{t.port}"]}}]
""")
        s = samples(run("promscrape", "--config", config, "--cacert", CERT, "--basic-auth", "scraper:s3cret",
                        check=0).stdout.decode())
        assert value(s, "up", job="plain") == 1


if __name__ == "__main__":
    run_tests(dict(globals()))
