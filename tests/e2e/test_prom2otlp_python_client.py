"""A real exporter: a prometheus_client (Python) app with a Counter, scraped over HTTP the way
Prometheus asks for it (OpenMetrics preferred), converted by prom2otlp. some_counter_total must
come out as a monotonic cumulative Sum whose start time is the counter's _created, as the
Collector's Prometheus receiver reports it; the text 0.0.4 rendering (where _created is a
separate gauge family) must give a Sum without start time plus a some_counter_created gauge."""
import json
import os
import subprocess
import sys
import textwrap
import urllib.request

from support import Server, free_port, run

port = free_port()
app = textwrap.dedent(f"""
    import time
    from prometheus_client import Counter, start_http_server
    c = Counter("some_counter", "A counter of things.", ["kind"])
    c.labels(kind="a").inc(3)
    c.labels(kind="b").inc(0.5)
    start_http_server({port}, addr="127.0.0.1")
    while True:
        time.sleep(1)
""")

ACCEPT_OM = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"


def scrape(accept):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read(), response.headers.get("Content-Type")


def metrics_of(out):
    request = json.loads(out)
    (rm,) = request["resourceMetrics"]
    attrs = {a["key"]: a["value"]["stringValue"] for a in rm["resource"]["attributes"]}
    assert attrs["service.name"] == "app" and attrs["service.instance.id"] == f"127.0.0.1:{port}", attrs
    assert "server.address" not in attrs, attrs  # loopback
    return {m["name"]: m for sm in rm["scopeMetrics"] for m in sm["metrics"]}


def created_ns(body, kind):
    for line in body.decode().splitlines():
        if line.startswith(f'some_counter_created{{kind="{kind}"}}'):
            seconds = float(line.split()[-1])
            secs = int(seconds)
            return secs * 1_000_000_000 + int((seconds - secs) * 1e9)
    raise AssertionError(f"no _created for {kind} in {body!r}")


with Server(["/usr/bin/python3", "-c", app], port):
    body, content_type = scrape(ACCEPT_OM)
    assert content_type.startswith("application/openmetrics-text"), content_type
    args = ["--job", "app", "--instance", f"127.0.0.1:{port}", "--output-format", "json", "-"]
    p = run("prom2otlp", *args, input=body, check=0)
    metrics = metrics_of(p.stdout)
    counter = metrics["some_counter_total"]
    assert counter["description"] == "A counter of things."
    assert counter["metadata"] == [{"key": "prometheus.type", "value": {"stringValue": "counter"}}]
    s = counter["sum"]
    assert s["isMonotonic"] is True and s["aggregationTemporality"] == 2, s
    points = {p_["attributes"][0]["value"]["stringValue"]: p_ for p_ in s["dataPoints"]}
    assert points["a"]["asDouble"] == 3 and points["b"]["asDouble"] == 0.5, points
    for kind in ("a", "b"):
        assert int(points[kind]["startTimeUnixNano"]) == created_ns(body, kind), points[kind]
        assert int(points[kind]["timeUnixNano"]) > int(points[kind]["startTimeUnixNano"])
    assert "some_counter_created" not in metrics

    # Text 0.0.4: the client writes _created as its own gauge family.
    body, content_type = scrape("text/plain;version=0.0.4")
    assert content_type.startswith("text/plain"), content_type
    p = run("prom2otlp", *args, input=body, check=0)
    metrics = metrics_of(p.stdout)
    s = metrics["some_counter_total"]["sum"]
    assert all("startTimeUnixNano" not in p_ for p_ in s["dataPoints"]), s
    assert "gauge" in metrics["some_counter_created"], metrics["some_counter_created"]
print("ok")
