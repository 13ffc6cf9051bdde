"""promtext | prom2otlp | otlpdump: the derived rendering of the receiver's target1 page 1
(../shared/testdata/prometheusreceiver/derived/target1_page1.detailed.out), byte for byte, for
both output framings of prom2otlp."""
import os

from support import TESTDATA, pipeline

base = os.path.join(TESTDATA, "prometheusreceiver")
with open(os.path.join(base, "receiver-tests", "target1_page1.prom"), "rb") as f:
    page = f.read()
with open(os.path.join(base, "derived", "target1_page1.detailed.out"), "rb") as f:
    want = f.read()

for fmt in ("proto", "json"):
    out, codes, errs = pipeline(
        ["prom2otlp", "--job", "target1", "--instance", "localhost:8080", "--timestamp",
         "1700000000000", "--scrape-metrics", "--scrape-duration", "0.005", "--output-format", fmt],
        ["otlpdump", "--no-envelope"], input=page)
    assert codes == [0, 0], (codes, errs)
    assert out == want, f"{fmt}:\n{out.decode()}"
print("ok")
