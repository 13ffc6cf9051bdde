"""Helpers of the rwpush end-to-end tests: the scriptable receiver (tests/support/rw_receiver.py)
and a real Prometheus with its remote-write receiver, both on 127.0.0.1, stopped by PID."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

_here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _here)
sys.path.insert(0, os.path.join(os.path.dirname(_here), "e2e"))
import support  # noqa: E402
import remote_write  # noqa: E402,F401


class Receiver:
    """rw_receiver.py; .url is its write URL, .requests() what it received."""

    def __init__(self, script="", default="204", v2=False, reject_v2=False):
        self.dir = tempfile.mkdtemp(prefix="rwpush-recv-")
        self.log = os.path.join(self.dir, "log.jsonl")
        argv = ["/usr/bin/python3", os.path.join(support.SOURCE, "tests", "support", "rw_receiver.py"),
                "--port", "0", "--log", self.log, "--script", script, "--default", default]
        if v2:
            argv.append("--v2")
        if reject_v2:
            argv.append("--reject-v2")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, start_new_session=True, text=True)
        self.port = int(self.proc.stdout.readline())
        self.url = f"http://127.0.0.1:{self.port}/api/v1/write"

    def requests(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(line) for line in f]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait()
        self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Prometheus:
    """Debian's prometheus with --web.enable-remote-write-receiver on a free port."""

    def __init__(self, features=()):
        self.dir = tempfile.mkdtemp(prefix="rwpush-prom-")
        config = os.path.join(self.dir, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1h\n")
        self.port = support.free_port()
        self.server = support.Server(
            ["/usr/bin/prometheus", "--web.enable-remote-write-receiver",
             f"--web.listen-address=127.0.0.1:{self.port}",
             f"--storage.tsdb.path={os.path.join(self.dir, 'data')}", f"--config.file={config}"]
            + [f"--enable-feature={f}" for f in features],
            self.port)
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = self.base + "/api/v1/write"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/-/ready", timeout=2) as r:
                    if r.status == 200:
                        break
            except Exception:  # noqa: BLE001
                time.sleep(0.1)

    def api(self, path, **params):
        query = urllib.parse.urlencode(params, doseq=True)
        with urllib.request.urlopen(f"{self.base}{path}?{query}", timeout=10) as r:
            data = json.loads(r.read())
        assert data["status"] == "success", data
        return data["data"]

    def query(self, expr, time_s=None):
        params = {"query": expr}
        if time_s is not None:
            params["time"] = f"{time_s:.3f}"
        return self.api("/api/v1/query", **params)["result"]

    def series(self, match, start=None, end=None):
        params = {"match[]": match}
        if start is not None:
            params["start"], params["end"] = f"{start:.3f}", f"{end:.3f}"
        return self.api("/api/v1/series", **params)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def rwpush(*args, input=None, check=None, timeout=120):
    return support.run("rwpush", *args, input=input, check=check, timeout=timeout)


def series_by_name(request):
    """{__name__: [timeseries, ...]} of a decoded request."""
    out = {}
    for ts in request["timeseries"]:
        name = dict(ts["labels"]).get("__name__")
        out.setdefault(name, []).append(ts)
    return out
