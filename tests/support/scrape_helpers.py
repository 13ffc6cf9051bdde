"""Helpers of the promscrape end-to-end tests: servers that print their port, the canonical
exposition output parsed back into samples, and a minimal test runner."""
import os
import re
import signal
import subprocess
import sys
import traceback

SAMPLE = re.compile(r'^([^\s{#]+)(?:\{(.*)\})? (\S+)(?: (\S+))?(?: # .*)?$')
LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')
SYNTHETIC = ("up", "scrape_duration_seconds", "scrape_samples_scraped",
             "scrape_samples_post_metric_relabeling", "scrape_series_added")


class PortServer:
    """A process that prints its port on the first stdout line; stopped by PID."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, start_new_session=True, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{argv[1]} did not start")
        self.port = int(line)
        self.url = f"http://127.0.0.1:{self.port}/metrics"

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def support_script(source, name):
    return os.path.join(source, "tests", "support", name)


def samples(text):
    """Sample lines of canonical exposition output as (name, labels dict, value str, ts str)."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a canonical sample line: {line!r}"
        labels = dict(LABEL.findall(m.group(2) or ""))
        out.append((m.group(1), labels, m.group(3), m.group(4)))
    return out


def documents(text):
    """An OpenMetrics stream split into its documents (each ends with '# EOF')."""
    docs = text.split("# EOF\n")
    assert docs[-1] == "", "the stream does not end with # EOF"
    return [d + "# EOF\n" for d in docs[:-1]]


def value(sample_list, name, **labels):
    found = [s for s in sample_list if s[0] == name and all(s[1].get(k) == v for k, v in labels.items())]
    assert len(found) == 1, f"{len(found)} samples {name}{labels}"
    return float(found[0][2])


def run_tests(namespace):
    """Runs every test_* function of a module; exits 1 if any failed."""
    failed = 0
    tests = [(n, f) for n, f in namespace.items() if n.startswith("test_") and callable(f)]
    for name, fn in tests:
        try:
            fn()
            print(f"ok   {name}")
        except Exception:
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
    print(f"{len(tests) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
