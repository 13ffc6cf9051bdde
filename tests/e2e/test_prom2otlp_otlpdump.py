"""promtext | prom2otlp | otlpdump: the derived rendering of the receiver's target1 page 1
(../shared/testdata/prometheusreceiver/derived/target1_page1.detailed.out), byte for byte, for
both output framings of prom2otlp."""
import os
import subprocess

from support import TESTDATA, tool

base = os.path.join(TESTDATA, "prometheusreceiver")
with open(os.path.join(base, "receiver-tests", "target1_page1.prom"), "rb") as f:
    page = f.read()
with open(os.path.join(base, "derived", "target1_page1.detailed.out"), "rb") as f:
    want = f.read()

for fmt in ("proto", "json"):
    convert = subprocess.run(
        [tool("prom2otlp"), "--job", "target1", "--instance", "localhost:8080", "--timestamp",
         "1700000000000", "--scrape-metrics", "--scrape-duration", "0.005", "--output-format", fmt],
        input=page, capture_output=True, timeout=60)
    assert convert.returncode == 0, convert.stderr
    # What prom2otlp wrote, on otlpdump's stdin (as in `prom2otlp | otlpdump`).
    converter = subprocess.Popen([tool("otlpdump"), "--no-envelope"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = converter.communicate(convert.stdout, timeout=60)
    assert converter.returncode == 0, err
    assert out == want, f"{fmt}:\n{out.decode()}"
print("ok")
