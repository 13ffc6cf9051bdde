#!/usr/bin/python3
"""Runs prom2otlp on every case of cases.json and compares its OTLP/JSON output with
expected/<name>.json semantically (otlp_json_diff). --update rewrites the expected files
(review every change against the spec before committing it).

usage: run_goldens.py [--update] [--bin DIR] [NAME...]
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from otlp_json_diff import diff, load_requests  # noqa: E402

# Every case runs with a fixed scrape time and JSON output, plus its own arguments.
COMMON = ["--output-format", "json", "--timestamp", "1700000000000", "--quiet"]


def run_case(binary, case):
    argv = [binary, *COMMON, *case.get("args", []), os.path.join(SOURCE, case["input"])]
    p = subprocess.run(argv, capture_output=True, timeout=120)
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--bin", default=os.environ.get("PROMOTEL_BIN", os.path.join(SOURCE, "build", "bin")))
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    with open(os.path.join(HERE, "cases.json")) as f:
        cases = json.load(f)
    binary = os.path.join(args.bin, "prom2otlp")
    failed = []
    for case in cases:
        if args.names and case["name"] not in args.names:
            continue
        p = run_case(binary, case)
        want_exit = case.get("exit", 0)
        problems = []
        if p.returncode != want_exit:
            problems.append(f"exit {p.returncode}, wanted {want_exit}: {p.stderr.decode()[:300]}")
        for needle in case.get("stderr_contains", []):
            if needle not in p.stderr.decode():
                problems.append(f"stderr lacks {needle!r}: {p.stderr.decode()[:300]}")
        actual = load_requests(p.stdout.decode())
        path = os.path.join(HERE, "expected", case["name"] + ".json")
        if "expected" in case:  # a reference file from ../shared, never rewritten
            path = os.path.join(SOURCE, case["expected"])
        if args.update and "expected" not in case:
            with open(path, "w") as f:
                json.dump(actual, f, indent=1, sort_keys=True)
                f.write("\n")
        else:
            with open(path) as f:
                expected = load_requests(f.read())
            problems += diff(expected, actual)
        if problems:
            failed.append(case["name"])
            print(f"FAIL {case['name']}")
            for line in problems[:20]:
                print("   ", line)
        else:
            print(f"ok   {case['name']}")
    total = len([c for c in cases if not args.names or c["name"] in args.names])
    print(f"{total - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
