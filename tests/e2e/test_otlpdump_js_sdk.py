"""A real client: the OpenTelemetry JS SDK (tests/js) exports a metric, a span and a log
record to `otlpdump --listen`, over OTLP/HTTP protobuf and (metrics) JSON."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from support import SOURCE, free_port, tool, wait_for_port  # noqa: E402

JS = os.path.join(SOURCE, "tests", "js")


def main():
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        print("node/npm not installed")
        sys.exit(1)
    if not os.path.isdir(os.path.join(JS, "node_modules")):
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, check=True, timeout=240)
    failures = []
    for protocol in ("proto", "json"):
        port = free_port()
        out = tempfile.TemporaryFile()
        proc = subprocess.Popen([tool("otlpdump"), "--listen", f"127.0.0.1:{port}"],
                                stdout=out, stderr=subprocess.PIPE, start_new_session=True)
        try:
            wait_for_port(port, proc=proc)
            client = subprocess.run([node, os.path.join(JS, "client.js"), f"http://127.0.0.1:{port}", protocol],
                                    capture_output=True, text=True, timeout=120)
            if client.returncode != 0:
                failures.append(f"{protocol}: client failed: {client.stderr}")
        finally:
            os.kill(proc.pid, signal.SIGTERM)
            code = proc.wait(timeout=20)
        out.seek(0)
        text = out.read().decode()
        if code != 0:
            failures.append(f"{protocol}: otlpdump exit {code}")
        wanted = [
            "     -> Name: promotel_js_requests",
            "     -> DataType: Sum",
            "     -> route: Str(/checkout)",
            "Value: 42.000000",
            "InstrumentationScope promotel-js-meter 1.2.3",
            "     -> service.name: Str(promotel-js-client)",
            "    Name           : promotel-js-span",
            "     -> http.route: Str(/checkout)",
            "Body: Str(promotel js log record)",
            "SeverityNumber: Info(9)",
            "     -> order.id: Int(1234)",
        ]
        for line in wanted:
            if line + "\n" not in text:
                failures.append(f"{protocol}: missing line {line!r}")
        print(f"{protocol}: {len(text.splitlines())} lines received")
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print("JS SDK metric, span and log all printed by otlpdump")


if __name__ == "__main__":
    main()
