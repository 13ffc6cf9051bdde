"""A second implementation reads what prom2otlp writes: its protobuf output (file-exporter
framing) is decoded by protobufjs with the OpenTelemetry JS schema (the opentelemetry-proto
root generated inside @opentelemetry/otlp-transformer, tests/js-p2o/decode.js) and must equal
prom2otlp's own OTLP/JSON for the same input. That schema predates Metric.metadata (field 12),
which it skips as unknown, so metadata is left out of the comparison."""
import os
import shutil
import subprocess
import sys

from support import SOURCE, TESTDATA, run

sys.path.insert(0, os.path.join(SOURCE, "tests", "prom2otlp"))
from otlp_json_diff import diff, load_requests  # noqa: E402

JS = os.path.join(SOURCE, "tests", "js-p2o")
node, npm = shutil.which("node"), shutil.which("npm")
assert node and npm, "node and npm are required (scripts/install-deps)"
if not os.path.isdir(os.path.join(JS, "node_modules", "@opentelemetry", "otlp-transformer")):
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, check=True, timeout=300,
                   stdout=subprocess.DEVNULL)


def strip_metadata(node_):
    if isinstance(node_, dict):
        return {k: strip_metadata(v) for k, v in node_.items() if k != "metadata"}
    if isinstance(node_, list):
        return [strip_metadata(v) for v in node_]
    return node_


receiver = os.path.join(TESTDATA, "prometheusreceiver", "receiver-tests")
inputs = [
    (os.path.join(receiver, "target1_page1.prom"), ["--scrape-metrics"]),
    (os.path.join(receiver, "scope_labels.prom"), []),
    (os.path.join(SOURCE, "tests", "prom2otlp", "inputs", "counter_om.om.txt"), []),
    (os.path.join(SOURCE, "tests", "prom2otlp", "inputs", "histograms.prom"), []),
    (os.path.join(SOURCE, "tests", "prom2otlp", "inputs", "special_values.prom"), []),
    (os.path.join(TESTDATA, "exposition", "protobuf", "prometheus_textparse_testproto.pb.delimited"), []),
    (os.path.join(SOURCE, "tests", "prom2otlp", "inputs", "batches.prom"), ["--batch-size", "2"]),
]
common = ["--job", "js", "--instance", "10.1.1.1:9100", "--timestamp", "1700000000000", "--quiet"]
for path, extra in inputs:
    proto = run("prom2otlp", *common, *extra, path, check=0).stdout
    ours = load_requests(run("prom2otlp", *common, *extra, "--output-format", "json", path,
                             check=0).stdout.decode())
    decoded = subprocess.run([node, os.path.join(JS, "decode.js")], input=proto,
                             capture_output=True, timeout=60)
    assert decoded.returncode == 0, decoded.stderr.decode()
    theirs = load_requests(decoded.stdout.decode())
    problems = diff(strip_metadata(ours), theirs)
    assert not problems, (path, problems[:10])
    assert theirs and theirs[0]["resourceMetrics"], path
print(f"ok: {len(inputs)} inputs decoded by protobufjs")
