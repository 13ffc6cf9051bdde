"""prom2otlp's command-line conventions: --version/--help exit 0, a bad option exits 2, an
unreadable input or a full disk exit 1 with "prom2otlp: error: ...", a closed pipe ends it
quietly with 0, and a malformed line writes nothing for the request it was in."""
import os
import subprocess
import tempfile

from support import SOURCE, run, tool

p = run("prom2otlp", "--version", check=0)
assert p.stdout.startswith(b"prom2otlp "), p.stdout
assert b"--output-format" in run("prom2otlp", "--help", check=0).stdout

p = run("prom2otlp", "--no-such-option", check=2)
assert p.stderr.startswith(b"prom2otlp: error: "), p.stderr

p = run("prom2otlp", "/nonexistent/input.prom", check=1)
assert p.stderr == b"prom2otlp: error: /nonexistent/input.prom: No such file or directory\n", p.stderr

with open("/dev/full", "wb") as full:
    p = subprocess.run([tool("prom2otlp"), "--output-format", "json"], input=b"a 1\n",
                       stdout=full, stderr=subprocess.PIPE, timeout=60)
assert p.returncode == 1 and b"prom2otlp: error: " in p.stderr, (p.returncode, p.stderr)

# A closed pipe: many requests, the reader goes away after a few bytes.
with tempfile.TemporaryFile() as page:
    for i in range(200000):
        page.write(b"# TYPE m%d gauge\nm%d{a=\"%d\"} %d\n" % (i, i, i, i))
    page.seek(0)
    proc = subprocess.Popen([tool("prom2otlp"), "--batch-size", "100"], stdin=page,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""

# A malformed line: file:line:col, exit 1, nothing written for that request.
bad = os.path.join(SOURCE, "tests", "prom2otlp", "inputs", "bad_line.prom")
p = run("prom2otlp", "--job", "j", "--instance", "i:1", bad, check=1)
assert p.stdout == b"", p.stdout
assert p.stderr.startswith(b"prom2otlp: error: " + bad.encode() + b":5:14: "), p.stderr
print("ok")
