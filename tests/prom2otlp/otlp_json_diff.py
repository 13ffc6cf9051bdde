#!/usr/bin/python3
"""Compares two OTLP/JSON documents semantically: key order does not matter, numbers compare by
value (19 == 19.0), and a document may be one request, a JSON array of requests, or JSON lines
(one request per line, as `prom2otlp --output-format json` writes). Prints the first differences
as paths; exit 0 when equal, 1 when not.

usage: otlp_json_diff.py EXPECTED ACTUAL
"""
import json
import sys


def load_requests(text):
    text = text.strip()
    if not text:
        return []
    try:
        doc = json.loads(text)
        return doc if isinstance(doc, list) else [doc]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def diff(expected, actual, path="$", out=None):
    """Appends 'path: expected X, got Y' strings to out."""
    out = [] if out is None else out
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                out.append(f"{path}.{key}: missing (expected {json.dumps(expected[key])[:80]})")
            elif key not in expected:
                out.append(f"{path}.{key}: unexpected {json.dumps(actual[key])[:80]}")
            else:
                diff(expected[key], actual[key], f"{path}.{key}", out)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{path}: expected {len(expected)} items, got {len(actual)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            diff(e, a, f"{path}[{i}]", out)
    elif isinstance(expected, bool) or isinstance(actual, bool):
        if expected is not actual:
            out.append(f"{path}: expected {json.dumps(expected)}, got {json.dumps(actual)}")
    elif isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if expected != actual:
            out.append(f"{path}: expected {expected}, got {actual}")
    elif expected != actual:
        out.append(f"{path}: expected {json.dumps(expected)[:80]}, got {json.dumps(actual)[:80]}")
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        expected = load_requests(f.read())
    with open(sys.argv[2]) as f:
        actual = load_requests(f.read())
    differences = diff(expected, actual)
    for line in differences[:40]:
        print(line)
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
