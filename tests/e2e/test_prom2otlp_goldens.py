"""prom2otlp against the golden OTLP/JSON in tests/prom2otlp/expected (every receiver input of
../shared/testdata/prometheusreceiver plus hand-written cases of each mapping rule)."""
import os
import subprocess
import sys

from support import BIN, SOURCE

p = subprocess.run(["/usr/bin/python3", os.path.join(SOURCE, "tests", "prom2otlp", "run_goldens.py"),
                    "--bin", BIN], capture_output=True, text=True, timeout=600)
print(p.stdout)
print(p.stderr, file=sys.stderr)
assert "passed, 0 failed" in p.stdout, "golden mismatches"
assert p.returncode == 0
