"""otlpdump on mutated input (deterministic): flipped, cut and inserted bytes in OTLP/JSON,
gzip'd JSON, protobuf frames and bare messages must give either output (exit 0) or a clear
`otlpdump: error:` (exit 1) — never a crash, hang or other exit code."""
import glob
import gzip
import os
import random
import sys

sys.path.insert(0, os.path.dirname(__file__))
from support import TESTDATA, run  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from test_otlpdump import Receiver  # noqa: E402


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not data:
            break
        pos = rng.randrange(len(data))
        r = rng.random()
        if r < 0.45:
            data[pos] = rng.randrange(256)
        elif r < 0.75:
            del data[pos:pos + rng.randint(1, 16)]
        else:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
    return bytes(data)


def main():
    rng = random.Random(20261122)
    files = sorted(glob.glob(os.path.join(TESTDATA, "debug-exporter", "input", "*", "*.json")))
    # A protobuf capture of every input, made by otlpdump's own receiver.
    rx = Receiver("--output-format", "proto")
    for f in files:
        status, _, _ = rx.post("/v1/" + os.path.basename(os.path.dirname(f)), open(f, "rb").read(),
                               "application/json")
        assert status == 200, status
    code, capture, _ = rx.stop()
    assert code == 0 and len(capture) > 1000

    bad, runs = [], 0
    for i in range(150):
        kind = i % 3
        if kind == 0:
            data, args = mutate(rng, open(rng.choice(files), "rb").read()), []
        elif kind == 1:
            data, args = gzip.compress(mutate(rng, open(rng.choice(files), "rb").read())), ["--verbosity", "normal"]
        else:
            data, args = mutate(rng, capture), (["--bare"] if i % 2 else [])
        p = run("otlpdump", *args, input=data, timeout=60)
        runs += 1
        if p.returncode == 0 or (p.returncode == 1 and p.stderr.startswith(b"otlpdump: error: ")):
            continue
        bad.append((i, p.returncode, p.stderr[:200]))
    print(f"{runs} mutated inputs, {len(bad)} bad")
    for b in bad:
        print("BAD", b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
