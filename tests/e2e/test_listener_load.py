#!/usr/bin/python3
"""Listener load: 1 000 concurrent OTLP/HTTP requests against `otlpdump --listen`.

The client is this test process (a second process on loopback, asyncio, one connection per
request, all opened at once); otlpdump serves a bounded number of connections at a time
(--max-connections), so most requests wait in the accept queue. Asserts:

  * every request is answered 200 (none refused, reset or timed out);
  * none is lost: each request carries a metric of its own name, and every name appears exactly
    once in otlpdump's output (written to a file, then counted);
  * memory stays bounded: otlpdump's peak RSS (VmHWM) stays under a limit that does not grow
    with the number of requests (checked by comparing against a run of 100 requests).
"""
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import free_port, tool, wait_for_port  # noqa: E402

REQUESTS = 1000


def body(i):
    return json.dumps({"resourceMetrics": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "load"}}]},
        "scopeMetrics": [{"metrics": [{
            "name": f"load_metric_{i}",
            "gauge": {"dataPoints": [{"asDouble": i, "timeUnixNano": "1700000000000000000"}]},
        }]}],
    }]}).encode()


async def post(port, i, results):
    data = body(i)
    request = (f"POST /v1/metrics HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
               f"Connection: close\r\n\r\n").encode() + data
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 120)
        writer.write(request)
        await writer.drain()
        response = await asyncio.wait_for(reader.read(), 120)
        writer.close()
        m = re.match(rb"HTTP/1\.[01] (\d+)", response)
        results[i] = int(m.group(1)) if m else f"no status line: {response[:80]!r}"
    except Exception as e:  # noqa: BLE001 - every failure is a finding, reported below
        results[i] = f"{type(e).__name__}: {e}"


async def load(port, n):
    results = {}
    await asyncio.gather(*(post(port, i, results) for i in range(n)))
    return results


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def run_once(n, workdir):
    """Starts otlpdump, sends n concurrent requests; returns (failures, peak RSS KiB)."""
    port = free_port()
    out_path = os.path.join(workdir, f"out-{n}.txt")
    failures = []
    with open(out_path, "wb") as out:
        proc = subprocess.Popen([tool("otlpdump"), "--listen", f"127.0.0.1:{port}",
                                 "--verbosity", "normal"],
                                stdout=out, stderr=subprocess.PIPE, start_new_session=True)
        try:
            wait_for_port(port, proc=proc)
            started = time.time()
            results = asyncio.run(load(port, n))
            elapsed = time.time() - started
            rss = peak_rss_kib(proc.pid)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
        err = proc.stderr.read().decode(errors="replace")
    bad = {i: r for i, r in results.items() if r != 200}
    if len(results) != n:
        failures.append(f"{n - len(results)} requests have no result")
    if bad:
        sample = ", ".join(f"#{i}: {r}" for i, r in list(bad.items())[:5])
        failures.append(f"{len(bad)} of {n} requests not answered 200 ({sample})")
    with open(out_path, "rb") as f:
        text = f.read().decode(errors="replace")
    names = re.findall(r"\bload_metric_(\d+)\b", text)
    seen = {}
    for name in names:
        seen[int(name)] = seen.get(int(name), 0) + 1
    lost = [i for i in range(n) if i not in seen]
    doubled = [i for i, c in seen.items() if c != 1]
    if lost:
        failures.append(f"{len(lost)} requests missing from the output (e.g. {lost[:5]})")
    if doubled:
        failures.append(f"{len(doubled)} requests printed more than once (e.g. {doubled[:5]})")
    if "AddressSanitizer" in err or "runtime error:" in err:
        failures.append(f"sanitizer report:\n{err[:3000]}")
    print(f"{n} concurrent requests: {n - len(bad)} answered 200, {len(seen)} in the output, "
          f"{elapsed:.1f} s, otlpdump peak RSS {rss / 1024:.1f} MiB")
    return failures, rss


def main():
    if not os.access(tool("otlpdump"), os.X_OK):
        print("FAIL otlpdump is not built")
        return 1
    with tempfile.TemporaryDirectory(prefix="listener-load-") as workdir:
        small_failures, small_rss = run_once(100, workdir)
        failures, rss = run_once(REQUESTS, workdir)
    failures = small_failures + failures
    # Bounded: 10x the requests must not cost anywhere near 10x the memory (requests are
    # served a few at a time, so the peak should barely move). 64 MiB of slack covers allocator
    # and sanitizer noise.
    if rss > small_rss * 2 + 64 * 1024:
        failures.append(f"peak RSS grew from {small_rss // 1024} MiB (100 requests) to "
                        f"{rss // 1024} MiB ({REQUESTS} requests): memory is not bounded")
    for f in failures:
        print(f"FAIL {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
