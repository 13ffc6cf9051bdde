#!/usr/bin/python3
"""The bad-input matrix: every tool is fed truncated, binary, empty, huge-line and invalid-UTF-8
input (from a file, from stdin, and for promscrape as a target's body) and must

  * not crash: the exit code is 0 or 1 (never a signal, never a sanitizer report);
  * fail as documented: exit 1 with one line "<tool>: error: <message>" on stderr, where the
    message of a text input carries its position "<file>:<line>:<col>"; valid input exits 0;

and must keep its pipe manners on valid input that writes a lot:

  * stdout closed early (`| head -c 100`): exit 0 and nothing on stderr;
  * stdout on a full disk (`> /dev/full`): an error on stderr and exit 1.

Tools not built yet are reported as skipped; everything else runs.
"""
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import TESTDATA, FakeTarget, tool  # noqa: E402

SANITIZER = re.compile(rb"(AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:)")
TEXT_POSITION = rb":[0-9]+:[0-9]+: "
HUGE = 10 * 1024 * 1024

failures = []
checked = 0


def fail(what, detail):
    failures.append(f"{what}: {detail}")


def show(stderr):
    text = stderr.decode(errors="replace")
    return text if len(text) < 2000 else text[:2000] + "..."


def check_outcome(what, proc, expect, position_of):
    """expect: 0 (valid), 1 (invalid), or None (either, but an error must be well-formed).
    position_of: the input's name when the error must carry a text position, else None."""
    global checked
    checked += 1
    code, err = proc.returncode, proc.stderr
    if code < 0:
        return fail(what, f"killed by signal {-code}\n{show(err)}")
    if SANITIZER.search(err):
        return fail(what, f"sanitizer report\n{show(err)}")
    if code not in (0, 1):
        return fail(what, f"exit {code}, documented are 0 and 1 for input problems\n{show(err)}")
    if expect is not None and code != expect:
        return fail(what, f"exit {code}, wanted {expect}\n{show(err)}")
    if code == 1:
        # Every line about the failure is "<tool>: error: ..." (a tool may add a summary line,
        # as rwpush does: "invalid input (1 error): nothing was sent"); one names the position.
        lines = [l for l in err.rstrip(b"\n").split(b"\n") if l]
        prefix = proc.args_tool.encode() + b": "
        errors = [l for l in lines if l.startswith(prefix + b"error: ")]
        if not errors or any(not l.startswith(prefix) for l in lines):
            return fail(what, f"wanted lines '{proc.args_tool}: error: ...'\n{show(err)}")
        if position_of is not None:
            want = re.escape(position_of.encode()) + TEXT_POSITION
            if not any(re.search(want, l) for l in errors):
                return fail(what, f"error without the position '{position_of}:<line>:<col>'\n{show(err)}")


def run_tool(argv, stdin_bytes=None, stdout=subprocess.DEVNULL, timeout=300):
    proc = subprocess.run([tool(argv[0]), *argv[1:]], input=stdin_bytes,
                          stdout=stdout, stderr=subprocess.PIPE, timeout=timeout)
    proc.args_tool = argv[0]
    return proc


def have(name):
    return os.access(tool(name), os.X_OK)


# --- the inputs --------------------------------------------------------------------------------

def exposition_cases():
    """name -> (bytes, expected exit, position checked). Expected exits follow the exposition
    spec and the probe verdicts (invalid UTF-8 in a label value is rejected by every parser)."""
    with open(os.path.join(TESTDATA, "exposition", "node_exporter.prom"), "rb") as f:
        real = f.read()
    # Cut inside the label set of a line well into the file.
    brace = real.index(b"{", len(real) // 2)
    rng = random.Random(9)
    return {
        "empty": (b"", 0, False),
        "truncated": (real[:brace + 3], 1, True),
        "binary": (bytes(rng.getrandbits(8) for _ in range(65536)), 1, False),
        "nul-bytes": (b"m 1\n\0\0\0\n", 1, True),
        "huge-line-valid": (b'huge{l="' + b"x" * HUGE + b'"} 1\n', 0, False),
        "huge-line-garbage": (b"x" * HUGE, 1, True),
        "huge-line-no-value": (b"a" * HUGE + b"\n", 1, True),
        "invalid-utf8-label": (b'ok 1\nm{l="\xff\xfe"} 1\n', 1, True),
        "invalid-utf8-name": (b"ok 1\nm\xc3\x28 1\n", 1, True),
        "invalid-utf8-help": (b"ok 1\n# HELP m \xff bad\n# TYPE m gauge\nm 1\n", None, True),
        # In the first line too: input that starts like text is sniffed as text (format.h, rule 1).
        **first_line_utf8_cases(),
    }


def first_line_utf8_cases():
    """Invalid UTF-8 in the first line: sniffed as text (format.h, rule 1) and, below, also with
    --input-format text; either way a position is owed."""
    return {
        "invalid-utf8-first-line-label": (b'm{l="\xff\xfe"} 1\n', 1, True),
        "invalid-utf8-first-line-name": (b"m\xc3\x28 1\n", 1, True),
    }


def otlp_cases():
    with open(os.path.join(TESTDATA, "debug-exporter", "input", "metrics", "two_metrics.json"), "rb") as f:
        real = f.read()
    rng = random.Random(10)
    return {
        "empty": (b"", 0, False),
        "truncated-json": (real[:len(real) // 2], 1, True),
        "binary": (bytes(rng.getrandbits(8) for _ in range(65536)), 1, False),
        "huge-line-valid": (b'{"resourceMetrics":[{"resource":{"attributes":[{"key":"k","value":'
                            b'{"stringValue":"' + b"x" * HUGE + b'"}}]}}]}\n', 0, False),
        "huge-line-garbage": (b"{" + b"x" * HUGE, 1, True),
        "invalid-utf8-json": (b'{"resourceMetrics":[{"resource":{"attributes":[{"key":"k\xff\xfe",'
                              b'"value":{"stringValue":"v"}}]}}]}\n', None, True),
    }


def yaml_cases():
    rng = random.Random(11)
    return {
        "empty": (b"", None, False),
        "truncated": (b"scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [\"a:1\"", 1, True),
        "binary": (bytes(rng.getrandbits(8) for _ in range(4096)), 1, False),
        "huge-line": (b"scrape_configs: [" + b"x" * HUGE, 1, True),
        "invalid-utf8": (b"scrape_configs:\n  - job_name: \"\xff\xfe\"\n", None, False),
        "wrong-types": (b"scrape_configs: 7\nglobal: [1, 2]\n", 1, True),
    }


def objects_cases():
    """kubectl dumps (taplan --objects)."""
    rng = random.Random(12)
    pod = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: default\n"
    return {
        "empty": (b"", 0, False),
        "truncated": (pod + b"  labels: {app: \"we", 1, True),
        "binary": (bytes(rng.getrandbits(8) for _ in range(4096)), 1, False),
        "huge-line": (pod + b"  labels: {app: " + b"x" * HUGE, 1, True),
        "invalid-utf8": (pod + b"  labels: {app: \"\xff\xfe\"}\n", None, False),
        "wrong-types": (b"apiVersion: v1\nkind: Pod\nmetadata: 7\nspec: [1, 2]\n", 1, True),
    }


# --- the matrix --------------------------------------------------------------------------------

def matrix(workdir):
    expo, otlp, yaml, objects = exposition_cases(), otlp_cases(), yaml_cases(), objects_cases()
    good_config = os.path.join(workdir, "good.yml")
    with open(good_config, "w") as f:
        f.write("scrape_configs:\n  - job_name: pods\n    kubernetes_sd_configs: [{role: pod}]\n")
    # tool -> (cases, argv for a file path, argv for stdin)
    plans = {
        "prom2otlp": (expo, lambda p: ["prom2otlp", p], ["prom2otlp"]),
        "rwpush": (expo, lambda p: ["rwpush", "--dry-run", p], ["rwpush", "--dry-run"]),
        "otlpdump": (otlp, lambda p: ["otlpdump", p], ["otlpdump"]),
        "taplan": (yaml, lambda p: ["taplan", "plan", "--collectors", "2", "--config", p], None),
        "taplan --objects": (
            objects, lambda p: ["taplan", "plan", "--collectors", "2", "--config", good_config, "--objects", p],
            None),
        "prom2otlp --input-format text": (
            first_line_utf8_cases(), lambda p: ["prom2otlp", "--input-format", "text", p],
            ["prom2otlp", "--input-format", "text"]),
        "rwpush --input-format text": (
            first_line_utf8_cases(), lambda p: ["rwpush", "--dry-run", "--input-format", "text", p],
            ["rwpush", "--dry-run", "--input-format", "text"]),
    }
    for name, (cases, file_argv, stdin_argv) in plans.items():
        if not have(stdin_argv[0] if stdin_argv else file_argv("")[0]):
            print(f"SKIP {name}: not built")
            continue
        for case, (data, expect, positioned) in cases.items():
            path = os.path.join(workdir, f"{name.split()[0]}-{case}.in")
            with open(path, "wb") as f:
                f.write(data)
            proc = run_tool(file_argv(path))
            check_outcome(f"{name} {case} (file)", proc, expect, path if positioned else None)
            # Huge inputs read the same from stdin as from a file: once is enough (time).
            if stdin_argv and len(data) < HUGE:
                proc = run_tool(stdin_argv, stdin_bytes=data)
                check_outcome(f"{name} {case} (stdin)", proc, expect, "<stdin>" if positioned else None)

    if not have("promscrape"):
        print("SKIP promscrape: not built")
    else:
        for case, (data, expect, positioned) in expo.items():
            path = os.path.join(workdir, f"promscrape-{case}.body")
            with open(path, "wb") as f:
                f.write(data)
            with FakeTarget(path, content_type="text/plain; version=0.0.4") as target:
                proc = run_tool(["promscrape", target.url])
                check_outcome(f"promscrape {case} (target body)", proc, expect,
                              target.url if positioned else None)


# --- pipe manners ------------------------------------------------------------------------------

def big_inputs(workdir):
    expo = os.path.join(workdir, "big.prom")
    with open(expo, "wb") as f:
        f.write(b"# HELP big A gauge with many series.\n# TYPE big gauge\n")
        for i in range(200000):
            f.write(b'big{i="%d",path="/some/longer/path"} %d\n' % (i, i))
    otlp = os.path.join(workdir, "big.json")
    with open(os.path.join(TESTDATA, "debug-exporter", "input", "metrics", "two_metrics.json"), "rb") as f:
        one = f.read()
    with open(otlp, "wb") as f:
        for _ in range(400):
            f.write(one)
    return expo, otlp


def check_pipes(name, argv):
    global checked
    # Closed early: read 100 bytes, close our end; the tool sees EPIPE on a later write.
    p = subprocess.Popen([tool(argv[0]), *argv[1:]], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = p.stdout.read(100)
    p.stdout.close()
    err = p.stderr.read()
    code = p.wait(timeout=300)
    checked += 1
    if len(head) < 100:
        fail(f"{name} | head -c 100", f"wrote only {len(head)} bytes; the input should give more")
    elif code != 0 or err:
        fail(f"{name} | head -c 100", f"wanted a quiet exit 0, got exit {code}\n{show(err)}")

    with open("/dev/full", "wb") as full:
        proc = run_tool(argv, stdout=full)
    checked += 1
    if proc.returncode != 1 or b"error" not in proc.stderr or SANITIZER.search(proc.stderr):
        fail(f"{name} > /dev/full", f"wanted an error and exit 1, got exit {proc.returncode}\n{show(proc.stderr)}")


def pipe_manners(workdir):
    expo, otlp = big_inputs(workdir)
    writers = {
        "prom2otlp": ["prom2otlp", expo],
        "rwpush": ["rwpush", "--dry-run", "--verbose", expo],
        "otlpdump": ["otlpdump", otlp],
    }
    for name, argv in writers.items():
        if have(name):
            check_pipes(name, argv)
        else:
            print(f"SKIP {name} pipes: not built")
    if have("promscrape"):
        with FakeTarget(expo, content_type="text/plain; version=0.0.4") as target:
            check_pipes("promscrape", ["promscrape", target.url])
    else:
        print("SKIP promscrape pipes: not built")


def main():
    workdir = tempfile.mkdtemp(prefix="bad-input-")
    try:
        matrix(workdir)
        pipe_manners(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{checked} checks, {len(failures)} failures")
    for f in failures:
        print(f"FAIL {f}\n")
    if checked == 0:
        print("FAIL nothing was checked: no tool is built")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
