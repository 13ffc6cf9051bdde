"""promscrape --config (static_configs, file_sd_configs, relabel_configs, metric_relabel_configs)
compared with a real prometheus server scraping the same targets with the same configuration
(queried through its HTTP API), and --target-allocator against a server speaking the Target
Allocator's HTTP API."""
import http.server
import json
import os
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

from support import SOURCE, TESTDATA, FakeTarget, Server, free_port, run, tool

sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))
from scrape_helpers import SYNTHETIC, PortServer, run_tests, samples, support_script, value  # noqa: E402

TMP = tempfile.mkdtemp(prefix="promscrape-config-")


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def config_text(ne_port, app_port):
    write("app-targets.json", json.dumps([{"targets": [f"127.0.0.1:{app_port}"], "labels": {"team": "apps"}}]))
    return f"""
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:{ne_port}']
        labels: {{env: test}}
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: 'go_.*|process_.*'
        action: drop
      - source_labels: [mode]
        regex: '(.+)'
        target_label: cpu_mode
      - regex: mode
        action: labeldrop
  - job_name: app
    file_sd_configs:
      - files: ['{os.path.join(TMP, "app-targets.json")}']
    relabel_configs:
      - source_labels: [__address__]
        regex: '127\\.0\\.0\\.1:(\\d+)'
        target_label: port
        replacement: 'p$1'
  - job_name: gone
    static_configs:
      - targets: ['127.0.0.1:1']
    relabel_configs:
      - source_labels: [__address__]
        regex: '.*:1'
        action: drop
"""


def series_key(name, labels):
    return (name, tuple(sorted(labels.items())))


def prometheus_series(port, jobs):
    """Waits until prometheus has scraped every job twice; returns its series."""
    base = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.time() + 60
    while True:
        q = urllib.parse.urlencode({"query": "count by (job) (scrape_samples_scraped)"})
        try:
            res = json.load(urllib.request.urlopen(f"{base}/query?{q}"))["data"]["result"]
        except OSError:
            res = []
        if {r["metric"]["job"] for r in res} >= set(jobs):
            break
        assert time.time() < deadline, "prometheus did not scrape in time"
        time.sleep(0.3)
    time.sleep(2.5)  # a couple more scrapes, so every series exists
    q = urllib.parse.urlencode({"match[]": '{job=~".+"}', "start": str(time.time() - 5)})
    data = json.load(urllib.request.urlopen(f"{base}/series?{q}"))["data"]
    return {series_key(d.pop("__name__"), d) for d in data}


def test_config_matches_prometheus():
    ne_port = free_port()
    with Server(["/usr/bin/prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{ne_port}",
                 "--collector.disable-defaults", "--collector.cpu", "--collector.loadavg",
                 "--collector.meminfo"], ne_port), \
            PortServer(["/usr/bin/python3", support_script(SOURCE, "python_app.py")]) as app:
        config = write("prometheus.yml", config_text(ne_port, app.port))
        p = run("promscrape", "--config", config, check=0)
        ours = samples(p.stdout.decode())
        node = [x for x in ours if x[1]["job"] == "node"]
        assert not [x for x in node if x[0].startswith(("go_", "process_"))], "metric_relabel drop"
        assert value(ours, "node_cpu_seconds_total", job="node", cpu="0", cpu_mode="idle") > 0
        assert value(ours, "up", job="app", port=f"p{app.port}", team="apps") == 1
        assert value(ours, "scrape_samples_post_metric_relabeling", job="node") < \
            value(ours, "scrape_samples_scraped", job="node")
        assert not [x for x in ours if x[1]["job"] == "gone"]
        only_app = samples(run("promscrape", "--config", config, "--job", "app", check=0).stdout.decode())
        assert {x[1]["job"] for x in only_app} == {"app"}

        prom_port = free_port()
        with Server(["/usr/bin/prometheus", f"--config.file={config}",
                     f"--storage.tsdb.path={os.path.join(TMP, 'tsdb')}",
                     f"--web.listen-address=127.0.0.1:{prom_port}"], prom_port):
            theirs = prometheus_series(prom_port, ["node", "app"])
        # Prometheus 2.x stores OpenMetrics _created samples as series; Prometheus 3 and
        # promscrape do not (promscrape prints them for start times, they are not series).
        theirs = {s for s in theirs if not s[0].endswith("_created")}
        mine = {series_key(x[0], x[1]) for x in ours if not x[0].endswith("_created")}
        assert mine == theirs, f"only promscrape: {sorted(mine - theirs)[:10]}\n" \
                               f"only prometheus: {sorted(theirs - mine)[:10]}"


class FakeTargetAllocator:
    """The Target Allocator's HTTP API (/scrape_configs, /jobs, /jobs/<job>/targets) serving
    fixed assignments: job "app" with one target for collector "c1", none for "c2"."""

    def __init__(self, target_port):
        scrape_configs = {"app": {
            "job_name": "app", "scrape_interval": "30s", "scrape_timeout": "10s",
            "metrics_path": "/metrics", "scheme": "http", "honor_labels": False,
            "relabel_configs": [{"source_labels": ["__meta_kubernetes_pod_name"], "separator": ";",
                                 "regex": "(.*)", "target_label": "pod", "replacement": "$1",
                                 "action": "replace"}],
            "metric_relabel_configs": [{"source_labels": ["__name__"], "separator": ";",
                                        "regex": "app_latency.*", "replacement": "$1",
                                        "action": "drop"}]}}
        item = {"targets": [f"127.0.0.1:{target_port}"],
                "labels": {"__address__": f"127.0.0.1:{target_port}",
                           "__meta_kubernetes_pod_name": "app-7d9f"}}
        routes = {
            "/scrape_configs": scrape_configs,
            "/jobs": {"app": {"_link": "/jobs/app/targets"}},
            "/jobs/app/targets?collector_id=c1": [item],
            "/jobs/app/targets?collector_id=c2": [],
        }

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = routes.get(self.path)
                self.send_response(200 if body is not None else 404)
                data = json.dumps(body if body is not None else {}).encode() + b"\n"
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_target_allocator():
    with PortServer(["/usr/bin/python3", support_script(SOURCE, "python_app.py")]) as app:
        ta = FakeTargetAllocator(app.port)
        try:
            p = run("promscrape", "--target-allocator", ta.url, "--collector-id", "c1", check=0)
            s = samples(p.stdout.decode())
            assert value(s, "up", job="app", pod="app-7d9f", instance=f"127.0.0.1:{app.port}") == 1
            assert value(s, "app_requests_total", path="/", pod="app-7d9f") == 3
            assert not [x for x in s if x[0].startswith("app_latency")], "metric_relabel_configs from the TA"
            p = run("promscrape", "--target-allocator", ta.url, "--collector-id", "c2", check=0)
            assert p.stdout == b"" and b"no targets" in p.stderr
            assert run("promscrape", "--target-allocator", ta.url).returncode == 2
        finally:
            ta.stop()


def test_fleet_shares_targets_through_taplan_serve():
    """Two promscrape processes asking our Target Allocator (taplan serve, consistent-hashing)
    for collector-0 and collector-1 scrape disjoint sets that together cover every target: the
    sets `taplan plan` computes offline. (How many each gets depends on the hash of the random
    ports: one collector may get none.)"""
    body = os.path.join(TESTDATA, "exposition", "node_exporter.prom")
    targets = [FakeTarget(body, content_type="text/plain") for _ in range(6)]
    try:
        addresses = [f"127.0.0.1:{t.port}" for t in targets]
        config = write("fleet.yml", "scrape_configs:\n  - job_name: fleet\n    static_configs:\n"
                                    f"      - targets: {json.dumps(addresses)}\n")
        port = free_port()
        with Server([tool("taplan"), "serve", "--config", config, "--collectors", "2",
                     "--listen", f"127.0.0.1:{port}"], port):
            scraped = []
            for collector in ("collector-0", "collector-1"):
                out = run("promscrape", "--target-allocator", f"http://127.0.0.1:{port}",
                          "--collector-id", collector, check=0).stdout.decode()
                scraped.append({x[1]["instance"] for x in samples(out) if x[0] == "up" and x[2] == "1.0"})
        plan = json.loads(run("taplan", "plan", "--config", config, "--collectors", "2", "-o", "json",
                              check=0).stdout)
        planned = [{a["target"] for a in plan["assignments"] if a["collector"] == c}
                   for c in ("collector-0", "collector-1")]
        assert scraped == planned, (scraped, planned)
        assert not scraped[0] & scraped[1], scraped
        assert scraped[0] | scraped[1] == set(addresses), scraped
    finally:
        for t in targets:
            t.__exit__()


def test_each_job_repeats_at_its_own_scrape_interval():
    """--count without --interval: every config job is scraped at its own scrape_interval (the
    global one where it sets none), as Prometheus does; --interval overrides them all."""
    body = write("tiny.prom", "# TYPE a gauge\na 1\n")
    with FakeTarget(body, content_type="text/plain") as fast, FakeTarget(body, content_type="text/plain") as slow:
        config = write("intervals.yml", f"""
global: {{scrape_interval: 900ms}}
scrape_configs:
  - job_name: fast
    scrape_interval: 300ms
    static_configs: [{{targets: ['127.0.0.1:{fast.port}']}}]
  - job_name: slow
    static_configs: [{{targets: ['127.0.0.1:{slow.port}']}}]
""")
        started = time.monotonic()
        out = run("promscrape", "--config", config, "--count", "3", "--output-format", "text",
                  check=0).stdout.decode()
        elapsed = time.monotonic() - started
        ups = {}
        for name, labels, v, ts in samples(out):
            if name == "up":
                assert float(v) == 1, out
                ups.setdefault(labels["job"], []).append(int(ts))
        assert len(ups["fast"]) == 3 and len(ups["slow"]) == 3, ups
        fast_gaps = [b - a for a, b in zip(ups["fast"], ups["fast"][1:])]
        slow_gaps = [b - a for a, b in zip(ups["slow"], ups["slow"][1:])]
        assert all(250 <= g <= 700 for g in fast_gaps), fast_gaps
        assert all(850 <= g <= 1400 for g in slow_gaps), slow_gaps
        assert 1.7 <= elapsed < 10, elapsed  # the slow job's third scrape comes at 1.8 s

        out = run("promscrape", "--config", config, "--count", "2", "--interval", "200ms",
                  "--output-format", "text", check=0).stdout.decode()
        ts = {}
        for name, labels, v, t in samples(out):
            if name == "up":
                ts.setdefault(labels["job"], []).append(int(t))
        assert [len(ts["fast"]), len(ts["slow"])] == [2, 2], ts
        assert 150 <= ts["slow"][1] - ts["slow"][0] <= 700, ts

    p = run("promscrape", "http://127.0.0.1:9/metrics", "--count", "2", check=1)
    assert b"--count other than 1 needs --interval" in p.stderr, p.stderr


if __name__ == "__main__":
    run_tests(dict(globals()))
