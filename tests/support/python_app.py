#!/usr/bin/python3
"""A small instrumented application using the official Python client (prometheus_client):
a counter, a gauge, a histogram and an info metric, served on 127.0.0.1 with the client's own
content negotiation (OpenMetrics with _created samples when asked for, text 0.0.4 otherwise).

    python_app.py [--port N]

Prints the bound port on the first line of stdout once listening, then serves until killed.
"""
import argparse
import http.server
import sys

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from prometheus_client.exposition import MetricsHandler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()

    registry = CollectorRegistry()
    requests = Counter("app_requests", "Requests handled.", ["path"], registry=registry)
    requests.labels("/").inc(3)
    requests.labels("/api").inc(5)
    Gauge("app_temperature_celsius", "Temperature.", unit="celsius", registry=registry).set(21.5)
    latency = Histogram("app_latency_seconds", "Latency.", buckets=[0.1, 0.5, 1], registry=registry)
    for v in (0.05, 0.3, 0.7, 2):
        latency.observe(v)
    Info("app_build", "Build information.", registry=registry).info({"version": "1.2.3"})

    handler = MetricsHandler.factory(registry)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
