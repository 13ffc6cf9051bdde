"""promscrape against real targets on 127.0.0.1: prometheus-node-exporter, a prometheus_client
application, prometheus-pushgateway, and targets that are down, slow, failing or broken."""
import gzip
import json
import os
import sys
import tempfile
import urllib.request

from support import SOURCE, TESTDATA, FakeTarget, Server, free_port, run

sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))
from scrape_helpers import (SYNTHETIC, PortServer, documents, run_tests, samples,  # noqa: E402
                            support_script, value)

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

NODE_EXPORTER = "/usr/bin/prometheus-node-exporter"
PUSHGATEWAY = "/usr/bin/prometheus-pushgateway"
TMP = tempfile.mkdtemp(prefix="promscrape-e2e-")


def write(name, data):
    path = os.path.join(TMP, name)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


def node_exporter():
    port = free_port()
    return Server([NODE_EXPORTER, f"--web.listen-address=127.0.0.1:{port}"], port)


def test_node_exporter_text():
    with node_exporter() as ne:
        url = f"http://127.0.0.1:{ne.port}/metrics"
        p = run("promscrape", url, "--summary", check=0)
        out = p.stdout.decode()
        docs = documents(out)
        assert len(docs) == 1
        s = samples(out)
        instance = f"127.0.0.1:{ne.port}"
        assert all(x[1]["job"] == "promscrape" and x[1]["instance"] == instance for x in s)
        assert all(x[3] is not None for x in s), "every sample carries the scrape timestamp"
        assert value(s, "up") == 1
        target_samples = [x for x in s if x[0] not in SYNTHETIC]
        assert value(s, "scrape_samples_scraped") == len(target_samples)
        assert value(s, "scrape_series_added") == len(target_samples)
        names = {x[0] for x in target_samples}
        assert "node_cpu_seconds_total" in names and "node_memory_MemTotal_bytes" in names
        assert "# TYPE node_cpu_seconds counter\n" in out  # OpenMetrics: counter family without _total
        stderr = p.stderr.decode()
        assert f"{url}: up, HTTP 200" in stderr and "text/plain; version=0.0.4" in stderr, stderr

        # The same scrape as text 0.0.4, read back by the Python client's own parser.
        text = run("promscrape", url, "--output-format", "text", check=0).stdout.decode()
        families = {f.name: f for f in text_string_to_metric_families(text)}
        assert families["node_cpu_seconds"].type == "counter"
        assert families["up"].samples[0].labels == {"instance": instance, "job": "promscrape"}

        # --raw is the body as the exporter sent it: the same families as the parsed output.
        raw = run("promscrape", url, "--raw", check=0).stdout.decode()
        raw_names = {smp.name for f in text_string_to_metric_families(raw) for smp in f.samples}
        assert raw_names == names, raw_names ^ names
        assert "job=" not in raw


def test_python_client_openmetrics():
    with PortServer(["/usr/bin/python3", support_script(SOURCE, "python_app.py")]) as app:
        out = run("promscrape", app.url, "--job", "app", "--strict", check=0).stdout.decode()
        s = samples(out)
        assert value(s, "app_requests_total", path="/api", job="app") == 5
        created = value(s, "app_requests_created", path="/api")
        assert created > 1.6e9
        assert "# TYPE app_requests counter\n" in out
        assert "# UNIT app_temperature_celsius celsius\n" in out
        assert value(s, "app_latency_seconds_bucket", le="+Inf") == 4
        assert value(s, "app_build_info", version="1.2.3") == 1
        # _created samples are printed but are not series to Prometheus.
        series = [x for x in s if x[0] not in SYNTHETIC and not x[0].endswith("_created")]
        assert value(s, "scrape_samples_scraped") == len(series)
        # The output is a valid OpenMetrics document for the Python client's strict parser.
        from prometheus_client.openmetrics.parser import text_string_to_metric_families as om
        fams = {f.name: f for f in om(out)}
        assert fams["app_requests"].type == "counter"


def test_pushgateway_honor_labels():
    port = free_port()
    with Server([PUSHGATEWAY, f"--web.listen-address=127.0.0.1:{port}"], port):
        body = b"# TYPE batch_last_success gauge\nbatch_last_success{stage=\"load\"} 42\n"
        req = urllib.request.Request(f"http://127.0.0.1:{port}/metrics/job/nightly/instance/box1",
                                     data=body, method="PUT")
        urllib.request.urlopen(req).read()
        url = f"http://127.0.0.1:{port}/metrics"
        honored = samples(run("promscrape", url, "--job", "pushgateway", "--honor-labels",
                              "--match", "batch_.*", check=0).stdout.decode())
        batch = [x for x in honored if x[0] == "batch_last_success"]
        assert batch[0][1] == {"instance": "box1", "job": "nightly", "stage": "load"}, batch
        plain = samples(run("promscrape", url, "--job", "pushgateway",
                            "--match", "batch_.*", check=0).stdout.decode())
        batch = [x for x in plain if x[0] == "batch_last_success"]
        assert batch[0][1] == {"exported_instance": "box1", "exported_job": "nightly",
                               "instance": f"127.0.0.1:{port}", "job": "pushgateway",
                               "stage": "load"}, batch
        assert {x[0] for x in plain} == {"batch_last_success"} | set(SYNTHETIC)


def failed_scrape(url, *args):
    p = run("promscrape", url, *args, check=1)
    s = samples(p.stdout.decode())
    assert [x[0] for x in s] == list(SYNTHETIC), "only the synthetic series"
    assert value(s, "up") == 0
    err = p.stderr.decode()
    assert err.startswith(f"promscrape: error: {url}: "), err
    return err


def test_target_down():
    url = f"http://127.0.0.1:{free_port()}/metrics"
    err = failed_scrape(url)
    assert "connect" in err.lower(), err


def test_target_times_out():
    with FakeTarget(os.path.join(TESTDATA, "exposition", "node_exporter.prom"), extra=["--delay", "5"]) as t:
        err = failed_scrape(t.url, "--timeout", "500ms")
        assert "timeout after 0.5s" in err, err


def test_target_answers_500():
    with FakeTarget(write("oops.txt", "internal trouble\n"), extra=["--status", "500"]) as t:
        err = failed_scrape(t.url)
        assert "HTTP status 500 (internal trouble)" in err, err


def test_target_sends_garbage():
    garbage = write("garbage.txt", "ok_metric 1\nthis is { not an exposition\n")
    with FakeTarget(garbage, content_type="text/plain; version=0.0.4") as t:
        err = failed_scrape(t.url)
        assert f"{t.url}:2:" in err, err  # names the line of the body
    binary = write("binary.bin", bytes(range(256)) * 4)
    with FakeTarget(binary, content_type="application/openmetrics-text; version=1.0.0") as t:
        failed_scrape(t.url)


def test_strict_openmetrics():
    negative = write("negative.om", "# TYPE c counter\nc_total -1\n# EOF\n")
    with FakeTarget(negative) as t:
        run("promscrape", t.url, check=0)
        err = failed_scrape(t.url, "--strict")
        assert "counter" in err, err


def test_raw_and_gzip():
    path = os.path.join(TESTDATA, "exposition", "node_exporter.prom")
    with open(path, "rb") as f:
        want = f.read()
    with FakeTarget(path, content_type="text/plain; version=0.0.4", extra=["--gzip"]) as t:
        p = run("promscrape", t.url, "--raw", check=0)
        assert p.stdout == want
        p = run("promscrape", t.url, "--summary", check=0)
        wire = len(gzip.compress(want))
        assert f"{len(want)} bytes ({wire} on the wire)" in p.stderr.decode(), p.stderr


def test_many_targets_in_parallel():
    path = os.path.join(TESTDATA, "exposition", "node_exporter.prom")
    targets = [FakeTarget(path, content_type="text/plain; version=0.0.4") for _ in range(5)]
    try:
        down = f"http://127.0.0.1:{free_port()}/metrics"
        urls = [t.url for t in targets] + [down]
        p = run("promscrape", *urls, "--parallel", "2", "--label", "env=test", check=1)
        docs = documents(p.stdout.decode())
        assert len(docs) == 6
        seen = set()
        for doc in docs:  # each target's output is one contiguous document
            s = samples(doc)
            instances = {x[1]["instance"] for x in s}
            assert len(instances) == 1 and all(x[1]["env"] == "test" for x in s)
            seen |= instances
            assert value(s, "up") == (0 if instances == {down[7:-8]} else 1)
        assert seen == {u[7:-8] for u in urls}
        assert p.stderr.decode().count("promscrape: error:") == 1
    finally:
        for t in targets:
            t.__exit__()


def test_targets_file():
    path = os.path.join(TESTDATA, "exposition", "node_exporter.prom")
    with FakeTarget(path, content_type="text/plain") as a, FakeTarget(path, content_type="text/plain") as b:
        groups = [{"targets": [f"127.0.0.1:{a.port}"], "labels": {"team": "a"}},
                  {"targets": [f"127.0.0.1:{b.port}"], "labels": {"team": "b", "job": "override"}}]
        for name, text in (("targets.json", json.dumps(groups)),
                           ("targets.yml", "\n".join(
                               f"- targets: ['{g['targets'][0]}']\n  labels: {json.dumps(g['labels'])}"
                               for g in groups))):
            out = run("promscrape", "--targets-file", write(name, text), "--job", "files", check=0)
            ups = {(x[1]["instance"], x[1]["team"], x[1]["job"]): x[2]
                   for x in samples(out.stdout.decode()) if x[0] == "up"}
            assert ups == {(f"127.0.0.1:{a.port}", "a", "files"): "1.0",
                           (f"127.0.0.1:{b.port}", "b", "override"): "1.0"}, ups


def test_repeated_scrapes_write_stale_markers():
    first = write("first.prom", "# TYPE a gauge\na{x=\"1\"} 1\na{x=\"2\"} 2\n# TYPE b counter\nb_total 5\n")
    second = write("second.prom", "# TYPE a gauge\na{x=\"1\"} 3\n")
    with FakeTarget(first, content_type="text/plain", extra=["--then", second]) as t:
        p = run("promscrape", t.url, "--interval", "200ms", "--count", "3", "--output-format", "text", check=0)
        out = p.stdout.decode()
        # text output: one scrape after the other; split at each scrape's "up" family.
        rounds = out.split("# HELP up ")
        assert len(rounds) == 4, out
        second_round = samples(rounds[1].split("\n", 2)[2])
        stale = [(x[0], x[1].get("x")) for x in second_round if x[2] == "NaN"]
        assert stale == [("a", "2"), ("b_total", None)], second_round
        assert value(second_round, "a", x="1") == 3
        third_round = samples(rounds[2].split("\n", 2)[2])
        assert not [x for x in third_round if x[2] == "NaN"], "stale markers are written once"
        ts = [int(samples(r.split("\n", 2)[2])[0][3]) for r in rounds[1:]]  # the up samples
        assert 150 <= ts[1] - ts[0] <= 1000 and 150 <= ts[2] - ts[1] <= 1000, ts


def test_usage_errors():
    assert run("promscrape").returncode == 2
    assert run("promscrape", "--no-such-flag", "http://x/").returncode == 2
    p = run("promscrape", "ftp://example.test/", check=1)
    assert "http:// or https://" in p.stderr.decode()
    assert run("promscrape", "--version", check=0).stdout.startswith(b"promscrape ")
    assert b"--honor-labels" in run("promscrape", "--help", check=0).stdout


if __name__ == "__main__":
    run_tests(dict(globals()))
