"""rwpush against a scriptable receiver (tests/support/rw_receiver.py): the sender compliance
cases of ../shared/specs/remote-write.md section 2 that apply to a push-once CLI, one named test
each (legacy RW1 suite: test_rw1_*, RW2 suite: test_<file>_<subtest>), plus retries, backoff,
fallback, batching, --dry-run and --output."""
import json
import math
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from rwpush_e2e import Receiver, remote_write, rwpush, series_by_name  # noqa: E402

STALE_BITS = 0x7FF0000000000002
NOW_MS = lambda: int(time.time() * 1000)  # noqa: E731


def push(receiver, text, *args, check=0):
    return rwpush(receiver.url, *args, input=text, check=check)


def only_request(receiver, test):
    reqs = receiver.requests()
    test.assertEqual(len(reqs), 1, reqs)
    test.assertNotIn("decode_error", reqs[0])
    return reqs[0]


def labels_of(ts):
    return dict(ts["labels"])


class LegacyRW1Suite(unittest.TestCase):
    """prometheus/compliance remote_write_sender/cases (section 2.1)."""

    def test_rw1_gauge(self):
        with Receiver() as r:
            push(r, f"now {NOW_MS()}\n")
            ts = only_request(r, self)["request"]["timeseries"][0]
            s = ts["samples"][0]
            self.assertLess(abs(s["value"] - s["timestamp"]) / s["timestamp"], 0.01)

    def test_rw1_histogram(self):
        text = ("# TYPE histogram histogram\nhistogram_bucket{le=\"1\"} 1\nhistogram_bucket{le=\"2\"} 2\n"
                "histogram_bucket{le=\"+Inf\"} 2\nhistogram_sum 3\nhistogram_count 2\n")
        with Receiver() as r:
            push(r, text)
            got = {(labels_of(t)["__name__"], labels_of(t).get("le")): t["samples"][0]["value"]
                   for t in only_request(r, self)["request"]["timeseries"]}
            self.assertEqual(got, {("histogram_bucket", "1"): 1, ("histogram_bucket", "2"): 2,
                                   ("histogram_bucket", "+Inf"): 2, ("histogram_sum", None): 3,
                                   ("histogram_count", None): 2})

    def test_rw1_summary(self):
        text = ("# TYPE summary summary\nsummary{quantile=\"0.5\"} 2\nsummary{quantile=\"0.9\"} 3\n"
                "summary{quantile=\"0.99\"} 3\nsummary_sum 6\nsummary_count 3\n")
        with Receiver() as r:
            push(r, text)
            got = {(labels_of(t)["__name__"], labels_of(t).get("quantile")): t["samples"][0]["value"]
                   for t in only_request(r, self)["request"]["timeseries"]}
            self.assertEqual(got, {("summary", "0.5"): 2, ("summary", "0.9"): 3, ("summary", "0.99"): 3,
                                   ("summary_sum", None): 6, ("summary_count", None): 3})

    def test_rw1_invalid(self):
        with Receiver() as r:
            p = push(r, "1234notvali}{ 444\n", check=1)
            self.assertIn(b"<stdin>:1:", p.stderr)
            self.assertIn(b"nothing was sent", p.stderr)
            self.assertEqual(r.requests(), [])

    def test_one_error_line_per_problem(self):
        with Receiver() as r:
            p = push(r, "1234notvali}{ 444\n", check=1)
            self.assertEqual(p.stderr.splitlines(), [p.stderr.splitlines()[0]])
            self.assertRegex(p.stderr, rb"^rwpush: error: <stdin>:1:\d+: .* \(nothing was sent\)\n$")
            # Two problems, two lines; the last one carries the verdict.
            p = push(r, 'm{__x="1"} 1\nm{__y="1"} 1\n', check=1)
            lines = p.stderr.splitlines()
            self.assertEqual(len(lines), 2, p.stderr)
            self.assertRegex(lines[0], rb'^rwpush: error: <stdin>:1:\d+: reserved label name "__x"$')
            self.assertRegex(lines[1], rb'^rwpush: error: <stdin>:2:\d+: reserved label name "__y" '
                                       rb'\(2 errors in all, nothing was sent\)$')
            self.assertEqual(r.requests(), [])

    def test_invalid_utf8_in_help_is_refused(self):
        # Prometheus' text parser refuses it too; passed on, the receiver would refuse the
        # whole request (protobuf strings must be UTF-8).
        with Receiver() as r:
            for fmt in ("text", "openmetrics"):
                text = b"# HELP m bad \xff help\n# TYPE m gauge\nm 1\n" + (b"# EOF\n" if fmt == "openmetrics" else b"")
                p = rwpush(r.url, "--input-format", fmt, input=text, check=1)
                self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
                self.assertRegex(p.stderr, rb'^rwpush: error: <stdin>:1:\d+: invalid UTF-8 in ')
            p = rwpush(r.url, "--input-format", "text", input=b'm{a="\xc3"} 1\n', check=1)
            self.assertRegex(p.stderr, rb'^rwpush: error: <stdin>:1:\d+: invalid UTF-8 in ')
            self.assertEqual(r.requests(), [])

    def test_rw1_job_label(self):
        with Receiver() as r:
            push(r, "gauge 42\n", "--label", "job=test")
            ts = only_request(r, self)["request"]["timeseries"][0]
            self.assertEqual(labels_of(ts), {"__name__": "gauge", "job": "test"})
            self.assertEqual(ts["samples"][0]["value"], 42)

    def test_rw1_instance_label(self):
        with Receiver() as r:
            push(r, "gauge 42\n", "--label", "instance=127.0.0.1:9100")
            ts = only_request(r, self)["request"]["timeseries"][0]
            self.assertRegex(labels_of(ts)["instance"], r"^127\.0\.0\.1:\d+$")

    def test_rw1_sorted_labels(self):
        with Receiver() as r:
            push(r, 'test{b="2",a="1"} 1.0\n')
            ts = only_request(r, self)["request"]["timeseries"][0]
            self.assertEqual(ts["labels"], [["__name__", "test"], ["a", "1"], ["b", "2"]])

    def test_rw1_repeated_labels(self):
        with Receiver() as r:
            p = push(r, 'test{a="1",a="1"} 1.0\n', check=1)
            self.assertIn(b'<stdin>:1:1: duplicate label name "a"', p.stderr)
            self.assertEqual(r.requests(), [])

    def test_rw1_empty_labels(self):
        with Receiver() as r:
            push(r, 'test{a=""} 1.0\n')
            ts = only_request(r, self)["request"]["timeseries"][0]
            self.assertEqual(ts["labels"], [["__name__", "test"]])
            self.assertEqual(ts["samples"][0]["value"], 1.0)

    def test_rw1_name_label(self):
        with Receiver() as r:
            push(r, '{label="value"} 1.0\n', check=1)
            self.assertEqual(r.requests(), [])

    def test_rw1_honor_labels(self):
        with Receiver() as r:
            push(r, 'test{job="original", instance="foo"} 1.0\n', "--label", "job=test",
                 "--label", "instance=h:1")
            ts = only_request(r, self)["request"]["timeseries"][0]
            self.assertEqual(labels_of(ts), {"__name__": "test", "exported_job": "original",
                                             "exported_instance": "foo", "job": "test", "instance": "h:1"})

    def test_rw1_honor_labels_option_keeps_input(self):
        with Receiver() as r:
            push(r, 'test{job="original"} 1.0\n', "--label", "job=test", "--honor-labels")
            self.assertEqual(labels_of(only_request(r, self)["request"]["timeseries"][0])["job"], "original")

    def test_rw1_staleness(self):
        with Receiver() as r:
            push(r, "stale 1\n", "--stale")
            s = only_request(r, self)["request"]["timeseries"][0]["samples"][0]
            self.assertEqual(s["value_bits"], STALE_BITS)

    def test_rw1_timestamp(self):
        start = NOW_MS()
        with Receiver() as r:
            push(r, "gauge 42\nother 1\n")
            end = NOW_MS()
            series = only_request(r, self)["request"]["timeseries"]
            stamps = [t["samples"][0]["timestamp"] for t in series]
            for ts in stamps:
                self.assertTrue(start <= ts <= end, (start, ts, end))
            self.assertEqual(len(set(stamps)), 1, "one 'now' per run")
            self.assertEqual(series[0]["samples"][0]["value"], 42)

    def test_rw1_headers(self):
        with Receiver() as r:
            push(r, "now 1\n")
            h = only_request(r, self)["headers"]
            self.assertEqual(h["content-encoding"], "snappy")
            self.assertEqual(h["content-type"], "application/x-protobuf")
            self.assertEqual(h["x-prometheus-remote-write-version"], "0.1.0")
            self.assertRegex(h["user-agent"], r"^rwpush/\d")

    def test_rw1_ordering(self):
        text = "".join(f'test{{i="{i}"}} 1\n' for i in range(1000))
        with Receiver(script=",".join(["slow:0.05"] * 40)) as r:
            push(r, text, "--batch-size", "100")
            push(r, text, "--batch-size", "100")
            last = {}
            reqs = r.requests()
            self.assertEqual(len(reqs), 20)
            for req in sorted(reqs, key=lambda q: q["n"]):
                for ts in req["request"]["timeseries"]:
                    key = tuple(map(tuple, ts["labels"]))
                    for s in ts["samples"]:
                        self.assertGreater(s["timestamp"], last.get(key, -1))
                        last[key] = s["timestamp"]
            self.assertEqual(len(last), 1000)

    def test_rw1_retries500(self):
        with Receiver(script="500") as r:
            p = push(r, "now 1\n")
            reqs = r.requests()
            self.assertEqual(len(reqs), 2)
            self.assertEqual(reqs[0]["request"], reqs[1]["request"], "the identical payload is resent")
            self.assertIn(b"HTTP 500: scripted failure; retrying in", p.stderr)

    def test_rw1_retries400(self):
        with Receiver(script="400") as r:
            p = push(r, "now 1\n", check=1)
            self.assertEqual(len(r.requests()), 1)
            self.assertIn(b"HTTP 400: scripted failure (not retried)", p.stderr)
            self.assertIn(b"NOT written 1 series, 1 sample,", p.stderr)


class ProtocolCompliance(unittest.TestCase):
    """remotewrite/sender/protocol_test.go and rw1_compat_test.go."""

    def test_protocol_headers_v2(self):
        with Receiver(v2=True) as r:
            push(r, "test_metric 42\n", "--protocol", "2.0")
            req = only_request(r, self)
            h = req["headers"]
            self.assertIn("application/x-protobuf", h["content-type"])  # content_type_protobuf
            self.assertIn("proto=io.prometheus.write.v2.Request", h["content-type"])  # with_proto_param
            self.assertEqual(h["content-encoding"], "snappy")  # content_encoding_snappy
            self.assertTrue(h["x-prometheus-remote-write-version"].startswith("2.0"))  # version_header_*
            self.assertTrue(h["user-agent"])  # user_agent_present
            self.assertNotEqual(req["first_bytes"][:20], "ff060000734e61507059")  # snappy_block_format
            self.assertTrue(req["request"]["symbols"])  # protobuf_parseable

    def test_rw1_compat(self):
        with Receiver() as r:
            push(r, "test_metric 42\n")
            req = only_request(r, self)
            self.assertEqual(req["headers"]["x-prometheus-remote-write-version"], "0.1.0")
            self.assertEqual(req["headers"]["content-type"], "application/x-protobuf")
            ts = req["request"]["timeseries"][0]
            self.assertEqual(ts["histograms"], [])  # rw1_no_native_histograms
            self.assertEqual(ts["samples"][0]["value"], 42)


class SampleEncoding(unittest.TestCase):
    """samples_test.go: values bit-exact, timestamps in ms."""

    CASES = {
        "float_value_encoding": ("test_metric 123.45", 123.45),
        "integer_value_encoding": ("test_counter_total 42", 42.0),
        "zero_value_encoding": ("test_gauge 0", 0.0),
        "negative_value_encoding": ("temperature_celsius -15.5", -15.5),
        "positive_infinity_encoding": ("pos_inf +Inf", math.inf),
        "negative_infinity_encoding": ("neg_inf -Inf", -math.inf),
        "large_float_values": ("large 1.7976931348623157e+308", 1.7976931348623157e+308),
        "small_float_values": ("small 2.2250738585072014e-308", 2.2250738585072014e-308),
        "scientific_notation": ("sci 1.23e-4", 1.23e-4),
        "precision_preservation": ("precise 0.123456789012345", 0.123456789012345),
    }

    def test_sample_values(self):
        for protocol in ("1.0", "2.0"):
            with Receiver(v2=True) as r:
                text = "".join(line + "\n" for line, _ in self.CASES.values()) + "nan_value NaN\n"
                start = NOW_MS()
                push(r, text, "--protocol", protocol)
                got = {labels_of(t)["__name__"]: t["samples"][0] for t in only_request(r, self)["request"]["timeseries"]}
                for case, (line, want) in self.CASES.items():
                    with self.subTest(case=case, protocol=protocol):
                        self.assertEqual(got[line.split()[0]]["value"], want)
                nan = got["nan_value"]
                self.assertTrue(math.isnan(nan["value"]))  # nan_encoding
                self.assertNotEqual(nan["value_bits"], STALE_BITS)
                for s in got.values():  # timestamp_milliseconds_format, timestamp_recent
                    self.assertTrue(1e12 < s["timestamp"] < 1e16)
                    self.assertLess(abs(s["timestamp"] - start), 5 * 60 * 1000)

    def test_sample_ordering(self):
        text = "metric_a 1 1000\nmetric_b 1 1000\nmetric_a 2 2000\nmetric_c 3 500\nmetric_a 3 3000\n"
        with Receiver() as r:
            push(r, text)
            by = series_by_name(only_request(r, self)["request"])
            self.assertEqual([s["timestamp"] for s in by["metric_a"][0]["samples"]], [1000, 2000, 3000])
            self.assertEqual(len(by["metric_a"]), 1, "samples of one series go in one TimeSeries")

    def test_explicit_and_zero_timestamps(self):
        with Receiver() as r:
            push(r, "a 1 1700000000123\nzero_ts 42 0\nneg 1 -5\n")
            by = series_by_name(only_request(r, self)["request"])
            self.assertEqual(by["a"][0]["samples"][0]["timestamp"], 1700000000123)
            self.assertEqual(by["zero_ts"][0]["samples"][0]["timestamp"], 0)  # kept, not replaced
            self.assertEqual(by["neg"][0]["samples"][0]["timestamp"], -5)

    def test_timestamp_now_overrides(self):
        with Receiver() as r:
            push(r, "a 1 1700000000123\n", "--timestamp", "now")
            ts = only_request(r, self)["request"]["timeseries"][0]["samples"][0]["timestamp"]
            self.assertLess(abs(ts - NOW_MS()), 60_000)

    def test_timestamp_future_warning(self):
        with Receiver() as r:
            p = push(r, f"a 1 {NOW_MS() + 3600_000}\n")
            self.assertIn(b"1 sample stamped more than 10m in the future", p.stderr)


class LabelValidation(unittest.TestCase):
    """labels_test.go."""

    def test_labels_v2(self):
        text = ('test_metric{zzz="1",aaa="2",bbb="3",empty="",emoji="🚀",chinese="测试",'
                'path="/api/v1/users",q="foo=bar&baz=qux"} 1\nvalid_metric_name:subsystem_total 42\n'
                'http:request:duration:seconds 1\n')
        with Receiver(v2=True) as r:
            push(r, text, "--protocol", "2.0")
            req = only_request(r, self)["request"]
            by = series_by_name(req)
            names = [n for n, _ in by["test_metric"][0]["labels"]]
            self.assertEqual(names, sorted(names))  # label_lexicographic_ordering
            self.assertEqual(names[0], "__name__")  # metric_name_label_present
            got = labels_of(by["test_metric"][0])
            self.assertNotIn("empty", got)  # label_values_may_be_empty (dropped)
            self.assertEqual(got["emoji"], "🚀")  # unicode_in_label_values
            self.assertEqual(got["chinese"], "测试")
            self.assertEqual(got["path"], "/api/v1/users")  # special_chars_in_label_values
            self.assertEqual(got["q"], "foo=bar&baz=qux")
            self.assertIn("valid_metric_name:subsystem_total", by)  # metric_name_format_valid
            self.assertIn("http:request:duration:seconds", by)  # metric_name_with_colons
            for ts in req["timeseries"]:
                names = [n for n, _ in ts["labels"]]
                self.assertEqual(len(names), len(set(names)))  # no_duplicate_label_names
                self.assertTrue(all(names))  # label_names_not_empty

    def test_reserved_label_prefix_refused(self):
        with Receiver() as r:
            p = push(r, 'm{__meta="x"} 1\n', check=1)
            self.assertIn(b'reserved label name "__meta"', p.stderr)
            self.assertEqual(r.requests(), [])

    def test_escaped_and_long_label_values(self):
        long_value = "v" * 10_000
        text = f'm{{a="quote\\"back\\\\slash\\nnewline",long="{long_value}"}} 1\n'
        with Receiver() as r:
            push(r, text)
            got = labels_of(only_request(r, self)["request"]["timeseries"][0])
            self.assertEqual(got["a"], 'quote"back\\slash\nnewline')
            self.assertEqual(got["long"], long_value)  # huge_label_values


class MetadataAndSymbols(unittest.TestCase):
    """metadata_test.go and symbols_test.go (2.0) and 1.0 metadata."""

    TEXT = ("# HELP http_requests Requests \"served\".\\nSecond line \\\\ done.\n# TYPE http_requests counter\n"
            "http_requests_total{code=\"200\"} 10\nhttp_requests_total{code=\"500\"} 1\n"
            "# TYPE temp gauge\n# HELP temp\ntemp 21.5\n"
            "# TYPE lat histogram\nlat_bucket{le=\"1\"} 1\nlat_bucket{le=\"+Inf\"} 1\nlat_sum 0.5\nlat_count 1\n"
            "# TYPE rpc summary\nrpc{quantile=\"0.5\"} 1\nrpc_sum 1\nrpc_count 1\n")

    def test_metadata_v2(self):
        with Receiver(v2=True) as r:
            push(r, self.TEXT, "--protocol", "2.0")
            req = only_request(r, self)["request"]
            by = series_by_name(req)
            self.assertEqual(by["http_requests_total"][0]["metadata"]["type"], "counter")
            self.assertEqual(by["temp"][0]["metadata"]["type"], "gauge")
            self.assertEqual(by["lat_count"][0]["metadata"]["type"], "histogram")
            self.assertEqual(by["rpc"][0]["metadata"]["type"], "summary")
            self.assertEqual(by["http_requests_total"][0]["metadata"]["help"],
                             'Requests "served".\nSecond line \\ done.')  # help_with_newlines/special_chars
            self.assertEqual(by["temp"][0]["metadata"]["help_ref"], 0)  # metadata_empty_help_allowed
            symbols = req["symbols"]
            self.assertEqual(symbols[0], "")  # empty_string_at_index_zero
            self.assertEqual(len(symbols), len(set(symbols)))  # string_deduplication
            for ts in req["timeseries"]:
                self.assertEqual(len(ts["labels_refs"]) % 2, 0)  # labels_refs_even_length
                self.assertTrue(all(0 <= x < len(symbols) for x in ts["labels_refs"]))  # valid indices
                self.assertTrue(ts["samples"] and not ts["histograms"])  # no mixed

    def test_symbol_table_efficiency(self):
        text = "".join(f'http_requests_total{{method="{m}",code="{c}"}} 1\n'
                       for m in ("GET", "POST") for c in ("200", "404", "500"))
        with Receiver(v2=True) as r:
            push(r, text, "--protocol", "2.0")
            self.assertLessEqual(len(only_request(r, self)["request"]["symbols"]), 30)

    def test_metadata_v1(self):
        with Receiver() as r:
            push(r, self.TEXT)
            md = {m["family"]: m for m in only_request(r, self)["request"]["metadata"]}
            self.assertEqual(md["http_requests"]["type"], "counter")
            self.assertEqual(md["http_requests"]["help"], 'Requests "served".\nSecond line \\ done.')
            self.assertEqual(md["lat"]["type"], "histogram")
            self.assertEqual(md["rpc"]["type"], "summary")
            self.assertEqual(md["temp"]["type"], "gauge")

    def test_start_timestamps_from_created(self):
        # timestamps_test.go start_timestamp_for_counters/_histograms: OpenMetrics _created lines.
        text = ("# TYPE req counter\nreq_total{path=\"/a\"} 5 1700000100\nreq_created{path=\"/a\"} 1700000000.5\n"
                "req_total{path=\"/b\"} 6 1700000100\nreq_created{path=\"/b\"} 1700000001\n"
                "# TYPE lat histogram\nlat_bucket{le=\"1\"} 1 1700000100\nlat_bucket{le=\"+Inf\"} 2 1700000100\n"
                "lat_count 2 1700000100\nlat_sum 1.5 1700000100\nlat_created 1699999999\n"
                "# TYPE g gauge\ng 1 1700000100\n# EOF\n")
        with Receiver(v2=True) as r:
            push(r, text, "--protocol", "2.0")
            req = only_request(r, self)["request"]
            got = {tuple(map(tuple, t["labels"])): t["samples"][0] for t in req["timeseries"]}
            start = {k: v.get("start_timestamp") for k, v in got.items()}
            self.assertEqual(start[(("__name__", "req_total"), ("path", "/a"))], 1700000000500)
            self.assertEqual(start[(("__name__", "req_total"), ("path", "/b"))], 1700000001000)
            self.assertEqual(start[(("__name__", "lat_bucket"), ("le", "1"))], 1699999999000)
            self.assertEqual(start[(("__name__", "lat_sum"),)], 1699999999000)
            self.assertEqual(start[(("__name__", "lat_count"),)], 1699999999000)
            self.assertIsNone(start[(("__name__", "g"),)])
            for k, s in got.items():  # start_timestamp_before_sample_timestamp
                if s.get("start_timestamp"):
                    self.assertLessEqual(s["start_timestamp"], s["timestamp"])
            self.assertIn((("__name__", "req_created"), ("path", "/a")), got)  # still sent as a series

    def test_metadata_unit_openmetrics(self):
        text = ("# TYPE req_duration_seconds histogram\n# UNIT req_duration_seconds seconds\n"
                "# HELP req_duration_seconds Duration.\n"
                "req_duration_seconds_bucket{le=\"0.1\"} 50 # {trace_id=\"abc123xyz\",span_id=\"0102\"} 0.05 1234567890.123\n"
                "req_duration_seconds_bucket{le=\"+Inf\"} 60\nreq_duration_seconds_sum 9.5\n"
                "req_duration_seconds_count 60\n# EOF\n")
        for protocol in ("1.0", "2.0"):
            with Receiver(v2=True) as r:
                push(r, text, "--protocol", protocol)
                req = only_request(r, self)["request"]
                by = series_by_name(req)
                bucket = [t for t in by["req_duration_seconds_bucket"] if labels_of(t)["le"] == "0.1"][0]
                ex = bucket["exemplars"]
                self.assertEqual(len(ex), 1)
                self.assertEqual(dict(ex[0]["labels"]), {"trace_id": "abc123xyz", "span_id": "0102"})
                self.assertEqual(ex[0]["value"], 0.05)
                self.assertEqual(ex[0]["timestamp"], 1234567890123)  # seconds -> ms
                if protocol == "2.0":
                    self.assertEqual(bucket["metadata"]["unit"], "seconds")
                    self.assertEqual(len(ex[0]["labels_refs"]) % 2, 0)
                else:
                    self.assertEqual(req["metadata"][0]["unit"], "seconds")


class RetryBehavior(unittest.TestCase):
    """retry_test.go, backoff_test.go, response_test.go, error_handling_test.go."""

    def test_no_retry_on_4xx(self):
        for code in (400, 401, 404, 413):
            with self.subTest(code=code), Receiver(script=str(code)) as r:
                p = push(r, "m 1\n", check=1)
                self.assertEqual(len(r.requests()), 1)
                self.assertIn(f"HTTP {code}: scripted failure (not retried)".encode(), p.stderr)

    def test_retry_on_5xx(self):
        for code in (500, 502, 503, 504):
            with self.subTest(code=code), Receiver(script=f"{code},{code}") as r:
                push(r, "m 1\n")
                self.assertEqual(len(r.requests()), 3)
                self.assertEqual(r.requests()[1]["headers"].get("retry-attempt"), "1")

    def test_may_retry_on_429_with_retry_after(self):
        with Receiver(script="429:1") as r:
            push(r, "m 1\n")
            reqs = r.requests()
            self.assertEqual(len(reqs), 2)
            self.assertGreaterEqual(reqs[1]["time"] - reqs[0]["time"], 0.9)

    def test_no_retry_on_429_option(self):
        with Receiver(script="429:1") as r:
            push(r, "m 1\n", "--no-retry-on-429", check=1)
            self.assertEqual(len(r.requests()), 1)

    def test_exponential_backoff_bounded_by_max_retry_time(self):
        with Receiver(default="503") as r:
            t0 = time.time()
            p = push(r, "m 1\n", "--max-retry-time", "2s", check=1)
            elapsed = time.time() - t0
            times = [q["time"] for q in r.requests()]
            self.assertGreaterEqual(len(times), 3)
            gaps = [b - a for a, b in zip(times, times[1:])]
            self.assertTrue(all(g >= 0.001 for g in gaps))  # backoff_required
            for a, b in zip(gaps, gaps[1:]):
                self.assertGreaterEqual(b, 0.8 * a)  # exponential_backoff_on_retries
            self.assertLess(elapsed, 10)
            self.assertIn(b"giving up after", p.stderr)
            self.assertIn(b"gave up", p.stderr)

    def test_max_backoff(self):
        with Receiver(default="503") as r:
            push(r, "m 1\n", "--min-backoff", "100ms", "--max-backoff", "200ms", "--max-retry-time", "1500ms",
                 check=1)
            times = [q["time"] for q in r.requests()]
            gaps = [b - a for a, b in zip(times, times[1:])]
            self.assertTrue(all(g < 0.6 for g in gaps), gaps)

    def test_handle_connection_refused(self):
        from support import free_port
        port = free_port()
        t0 = time.time()
        p = rwpush(f"http://127.0.0.1:{port}/api/v1/write", "--max-retry-time", "1s", input="m 1\n", check=1)
        self.assertLess(time.time() - t0, 10)
        self.assertIn(b"retrying in", p.stderr)

    def test_sender_continues_after_rejected_batch(self):
        text = "".join(f'm{{i="{i}"}} 1\n' for i in range(10))
        with Receiver(script="204,400,204") as r:
            p = push(r, text, "--batch-size", "4", check=1)
            self.assertEqual(len(r.requests()), 3)
            self.assertIn(b"written 6 series", p.stderr)
            self.assertIn(b"NOT written 4 series", p.stderr)

    def test_handle_large_error_body(self):
        with Receiver(script="400", error_body_size=200_000) as r:
            p = push(r, "m 1\n", check=1)
            self.assertEqual(len(r.requests()), 1)
            line = [x for x in p.stderr.split(b"\n") if b"HTTP 400" in x][0]
            self.assertIn(b"scripted failure", line)  # log_error_messages_verbatim
            self.assertLess(len(line), 1200)  # at most 1 KiB of it

    def test_handle_200_and_204(self):
        for code in ("200", "204"):
            with Receiver(script=code) as r:
                push(r, "m 1\n")

    def test_invalid_url_scheme(self):
        p = rwpush("ftp2://127.0.0.1:1/x", "--max-retry-time", "0s", input="m 1\n")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"rwpush: ", p.stderr)


class FallbackBehavior(unittest.TestCase):
    """fallback_test.go and the 2xx-without-written-headers rule (section 1.8)."""

    def test_fallback_on_415(self):
        text = "".join(f'm{{i="{i}"}} 1\n' for i in range(6))
        with Receiver(v2=True, script="415") as r:
            p = push(r, text, "--protocol", "auto", "--batch-size", "2")
            reqs = r.requests()
            self.assertEqual(len(reqs), 4)
            self.assertEqual(reqs[0]["headers"]["x-prometheus-remote-write-version"], "2.0.0")
            for q in reqs[1:]:  # retry_with_different_version, persistent_fallback_choice
                self.assertEqual(q["headers"]["x-prometheus-remote-write-version"], "0.1.0")
                self.assertEqual(q["headers"]["content-type"], "application/x-protobuf")
            self.assertEqual(reqs[1]["request"]["timeseries"][0]["labels"], [["__name__", "m"], ["i", "0"]])
            self.assertIn(b"falling back to Remote-Write 1.0", p.stderr)

    def test_v2_to_1x_receiver_without_written_headers(self):
        with Receiver(v2=False) as r:  # like Prometheus 2.42: 204, no headers, nothing stored
            p = push(r, "m 1\n", "--protocol", "2.0", check=1)
            self.assertEqual(len(r.requests()), 1)
            self.assertIn(b"does not speak Remote-Write 2.0", p.stderr)
        with Receiver(v2=False) as r:
            push(r, "m 1\n", "--protocol", "auto")
            reqs = r.requests()
            self.assertEqual([q["protocol"] for q in reqs], ["2.0", "1.0"])

    def test_no_fallback_on_2xx(self):
        text = "".join(f'm{{i="{i}"}} 1\n' for i in range(6))
        with Receiver(v2=True) as r:
            push(r, text, "--protocol", "auto", "--batch-size", "2")
            self.assertEqual({q["headers"]["x-prometheus-remote-write-version"] for q in r.requests()}, {"2.0.0"})

    def test_partial_write_reported(self):
        with Receiver(v2=True, script="400") as r:
            p = push(r, "m 1\n", "--protocol", "2.0", check=1)
            self.assertIn(b"receiver wrote 0 samples of 1", p.stderr)


class BatchingAndEdgeCases(unittest.TestCase):
    """batching_test.go, edge_cases_test.go, combined_test.go."""

    def test_batch_size_reasonable(self):
        text = "".join(f'm{{i="{i}"}} {i}\n' for i in range(12000))
        with Receiver(v2=True) as r:
            push(r, text, "--protocol", "2.0")
            reqs = r.requests()
            self.assertEqual(len(reqs), 6)
            self.assertTrue(all(len(q["request"]["timeseries"]) <= 2000 for q in reqs))
            self.assertEqual(sum(len(q["request"]["timeseries"]) for q in reqs), 12000)

    def test_max_bytes(self):
        text = "".join(f'm{{i="{i}",pad="{"x" * 200}"}} {i}\n' for i in range(200))
        with Receiver() as r:
            push(r, text, "--max-bytes", "10000")
            reqs = r.requests()
            self.assertGreater(len(reqs), 4)
            self.assertEqual(sum(len(q["request"]["timeseries"]) for q in reqs), 200)

    def test_empty_scrape(self):
        with Receiver() as r:
            push(r, "")
            push(r, "# just a comment\n")
            self.assertEqual(r.requests(), [])

    def test_multiple_metric_types_and_special_floats(self):
        text = ("# TYPE c counter\nc_total 1\n# TYPE g gauge\ng{v=\"nan\"} NaN\ng{v=\"inf\"} +Inf\n"
                "g{v=\"-inf\"} -Inf\ng{v=\"zero\"} 0\ng{v=\"neg\"} -1\n")
        with Receiver() as r:
            push(r, text)
            by = series_by_name(only_request(r, self)["request"])
            self.assertEqual(len(by["g"]), 5)
            self.assertEqual(by["c_total"][0]["samples"][0]["value"], 1)

    def test_multiple_input_files(self):
        with tempfile.TemporaryDirectory() as d:
            a, b = os.path.join(d, "a.prom"), os.path.join(d, "b.prom")
            open(a, "w").write("# TYPE x gauge\nx 1\n")
            open(b, "w").write("y 2\n")
            with Receiver() as r:
                rwpush(r.url, a, b, check=0)
                by = series_by_name(only_request(r, self)["request"])
                self.assertEqual(set(by), {"x", "y"})

    def test_keep_going_sends_the_valid_part(self):
        with Receiver() as r:
            p = push(r, 'ok 1\nbad{a="1",a="2"} 1\nok2 2\n', "--keep-going", check=1)
            self.assertIn(b'<stdin>:2:1: duplicate label name "a"', p.stderr)
            by = series_by_name(only_request(r, self)["request"])
            self.assertEqual(set(by), {"ok", "ok2"})

    def test_invalid_anywhere_sends_nothing(self):
        text = "".join(f'm{{i="{i}"}} 1\n' for i in range(5000)) + "broken{\n"
        with Receiver() as r:
            p = push(r, text, "--batch-size", "100", check=1)
            self.assertIn(b"<stdin>:5001:", p.stderr)
            self.assertEqual(r.requests(), [])

    def test_reserved_headers_cannot_be_overridden(self):
        p = rwpush("http://127.0.0.1:1/x", "-H", "Content-Type: text/plain", input="m 1\n")
        self.assertEqual(p.returncode, 2)
        with Receiver() as r:
            push(r, "m 1\n", "-H", "X-Scope-OrgID: tenant1")
            self.assertEqual(only_request(r, self)["headers"]["x-scope-orgid"], "tenant1")

    def test_bearer_and_basic_auth(self):
        with Receiver() as r:
            push(r, "m 1\n", "--bearer-token", "s3cret")
            self.assertEqual(only_request(r, self)["headers"]["authorization"], "Bearer s3cret")


class OtlpInput(unittest.TestCase):
    """OTLP metrics in (as prom2otlp writes them), Prometheus naming rules (spec section 4)."""

    def test_otlp_v2_start_timestamps_and_metadata(self):
        from test_rwpush_prometheus import otlp_document
        now = int(time.time()) * 10**9
        with Receiver(v2=True) as r:
            push(r, otlp_document(now), "--protocol", "2.0")
            by = series_by_name(only_request(r, self)["request"])
            counter = by["requests_total"][0]
            self.assertEqual(counter["samples"][0]["start_timestamp"], now // 10**6 - 60_000)
            self.assertEqual(counter["metadata"]["type"], "counter")
            hist = by["http_server_request_duration_seconds_count"][0]
            self.assertEqual(hist["metadata"]["type"], "histogram")
            self.assertEqual(hist["metadata"]["unit"], "seconds")
            self.assertEqual(hist["metadata"]["help"], "Duration.")
            self.assertEqual(by["target_info"][0]["metadata"]["help"], "Target metadata")

    def test_otlp_options(self):
        from test_rwpush_prometheus import otlp_document
        now = int(time.time()) * 10**9
        with Receiver() as r:
            push(r, otlp_document(now), "--translation", "underscore-escaping-without-suffixes",
                 "--no-target-info", "--input-format", "otlp")
            names = set(series_by_name(only_request(r, self)["request"]))
            self.assertEqual(names, {"http_server_request_duration_bucket", "http_server_request_duration_sum",
                                     "http_server_request_duration_count", "requests", "cpu_utilization"})

    def test_otlp_delta_refused(self):
        doc = json.dumps({"resourceMetrics": [{"scopeMetrics": [{"metrics": [
            {"name": "d", "sum": {"aggregationTemporality": 1, "isMonotonic": True,
                                  "dataPoints": [{"asInt": "1"}]}}]}]}]})
        with Receiver() as r:
            p = push(r, doc + "\n", check=1)
            self.assertIn(b'request 1: metric "d": delta temporality is not supported', p.stderr)
            self.assertEqual(r.requests(), [])


class DryRunAndOutput(unittest.TestCase):
    def test_dry_run_verbose(self):
        p = rwpush("--dry-run", "--verbose", "--label", "job=x",
                   input='# TYPE m counter\n# HELP m Help.\nm_total{b="2",a="1"} 5 1700000000000\n', check=0)
        self.assertEqual(p.stdout.decode().splitlines()[1:], [
            "# TYPE m counter", "# HELP m Help.", 'm_total{a="1",b="2",job="x"} 5 1700000000000'])
        self.assertRegex(p.stdout.decode().splitlines()[0],
                         r"^# request 1: protocol 1.0, 1 series, 1 samples, 0 histograms, 0 exemplars, "
                         r"1 metadata, \d+ bytes protobuf, \d+ bytes snappy$")

    def test_dry_run_prints_one_summary_per_request(self):
        text = "".join(f'm{{i="{i}"}} {i} 1700000000000\n' for i in range(5))
        p = rwpush("--dry-run", "--batch-size", "2", input=text, check=0)
        lines = p.stdout.decode().splitlines()
        self.assertEqual(len(lines), 3, lines)
        for n, (line, series) in enumerate(zip(lines, [2, 2, 1]), start=1):
            self.assertRegex(line, rf"^# request {n}: protocol 1.0, {series} series, {series} samples, "
                                   r"0 histograms, 0 exemplars, 1 metadata, \d+ bytes protobuf, \d+ bytes snappy$")
        self.assertEqual(p.stderr, b"")

    def test_dry_run_of_invalid_input_prints_nothing(self):
        # The bad line comes after the first request is built (one pass): still all or nothing.
        text = "".join(f'm{{i="{i}"}} {i} 1700000000000\n' for i in range(5)) + "m{i=} 1\n"
        for extra in ([], ["--verbose"]):
            p = rwpush("--dry-run", "--batch-size", "2", *extra, input=text, check=1)
            self.assertEqual(p.stdout, b"", extra)
            self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
            self.assertRegex(p.stderr, rb"^rwpush: error: <stdin>:6:\d+: .*nothing was sent")

    def test_output_bodies_match_what_is_sent(self):
        text = "".join(f'm{{i="{i}"}} {i} 1700000000000\n' for i in range(5))
        with tempfile.TemporaryDirectory() as d, Receiver() as r:
            out = os.path.join(d, "body")
            push(r, text, "--output", out, "--batch-size", "3")
            files = sorted(os.listdir(d))
            self.assertEqual(files, ["body", "body.2"])
            reqs = r.requests()
            for path, req in zip([out, out + ".2"], reqs):
                with open(path, "rb") as f:
                    decoded = remote_write.decode_v1(remote_write.snappy_decompress(f.read()))
                self.assertEqual(json.loads(json.dumps(decoded)), req["request"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
