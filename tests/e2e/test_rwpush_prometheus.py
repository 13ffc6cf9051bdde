"""rwpush into a real Prometheus (Debian's 2.42, --web.enable-remote-write-receiver, started on
127.0.0.1 and stopped by PID): every value and label pushed must come back from /api/v1/query
and /api/v1/series. Prometheus 2.42 speaks Remote-Write 1.0 only: a 2.0 push is answered 204
without the written-count headers and stores nothing, which rwpush must detect (2.0 is tested
against tests/support/rw_receiver.py, which decodes it, in test_rwpush_compliance.py)."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from rwpush_e2e import Prometheus, rwpush  # noqa: E402

PROM = None


def setUpModule():
    global PROM
    PROM = Prometheus(features=("exemplar-storage", "native-histograms"))


def tearDownModule():
    PROM.__exit__(None, None, None)


def by_labels(result):
    """{frozenset(labels): value string} of an instant-query vector."""
    return {frozenset(r["metric"].items()): r["value"][1] for r in result}


def L(**labels):
    return frozenset(labels.items())


class PushIntoPrometheus(unittest.TestCase):
    def test_all_kinds_of_samples_come_back(self):
        t = int(time.time() * 1000) - 60_000
        text = f"""# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{{code="200",method="GET"}} 1027 {t}
http_requests_total{{code="500",method="POST"}} 3 {t}
# TYPE temperature gauge
temperature{{room="kitchen"}} -15.5 {t}
special{{v="nan"}} NaN {t}
special{{v="pinf"}} +Inf {t}
special{{v="ninf"}} -Inf {t}
special{{v="big"}} 1.7976931348623157e+308 {t}
special{{v="tiny"}} 2.2250738585072014e-308 {t}
unicode{{emoji="🚀",chinese="测试",esc="a\\"b\\\\c\\nd",empty=""}} 1 {t}
# TYPE lat histogram
lat_bucket{{le="0.1"}} 1 {t}
lat_bucket{{le="1"}} 2 {t}
lat_bucket{{le="+Inf"}} 3 {t}
lat_sum 1.5 {t}
lat_count 3 {t}
# TYPE rpc summary
rpc{{quantile="0.5"}} 0.2 {t}
rpc{{quantile="0.99"}} 0.9 {t}
rpc_sum 3 {t}
rpc_count 10 {t}
"""
        p = rwpush(PROM.url, "--label", "job=e2e", "--label", "instance=127.0.0.1:1", input=text, check=0)
        self.assertIn(b"written 18 series, 18 samples", p.stderr)
        got = by_labels(PROM.query('{job="e2e"}', t / 1000))
        common = {"job": "e2e", "instance": "127.0.0.1:1"}
        want = {
            L(__name__="http_requests_total", code="200", method="GET", **common): "1027",
            L(__name__="http_requests_total", code="500", method="POST", **common): "3",
            L(__name__="temperature", room="kitchen", **common): "-15.5",
            L(__name__="special", v="nan", **common): "NaN",
            L(__name__="special", v="pinf", **common): "+Inf",
            L(__name__="special", v="ninf", **common): "-Inf",
            L(__name__="special", v="big", **common): "1.7976931348623157e+308",
            L(__name__="special", v="tiny", **common): "2.2250738585072014e-308",
            L(__name__="unicode", emoji="🚀", chinese="测试", esc='a"b\\c\nd', **common): "1",
            L(__name__="lat_bucket", le="0.1", **common): "1",
            L(__name__="lat_bucket", le="1", **common): "2",
            L(__name__="lat_bucket", le="+Inf", **common): "3",
            L(__name__="lat_sum", **common): "1.5",
            L(__name__="lat_count", **common): "3",
            L(__name__="rpc", quantile="0.5", **common): "0.2",
            L(__name__="rpc", quantile="0.99", **common): "0.9",
            L(__name__="rpc_sum", **common): "3",
            L(__name__="rpc_count", **common): "10",
        }
        self.assertEqual(got, want)
        series = PROM.series('{job="e2e"}', t / 1000 - 1, t / 1000 + 1)
        self.assertEqual({frozenset(s.items()) for s in series}, set(want))
        # The timestamps came through exactly.
        r = PROM.query('timestamp(temperature{job="e2e"})', t / 1000)
        self.assertEqual(float(r[0]["value"][1]), t / 1000)

    def test_samples_without_timestamp_get_now(self):
        before = time.time()
        rwpush(PROM.url, "--label", "job=now", input="no_ts 7\n", check=0)
        r = PROM.query('timestamp(no_ts{job="now"})')
        self.assertEqual(len(r), 1)
        self.assertTrue(before - 1 <= float(r[0]["value"][1]) <= time.time() + 1)
        self.assertEqual(PROM.query('no_ts{job="now"}')[0]["value"][1], "7")

    def test_exported_labels(self):
        rwpush(PROM.url, "--label", "job=test", "--label", "instance=h:1",
               input='hl{job="original",instance="foo"} 1\n', check=0)
        r = PROM.query('hl')
        self.assertEqual(r[0]["metric"], {"__name__": "hl", "job": "test", "instance": "h:1",
                                          "exported_job": "original", "exported_instance": "foo"})

    def test_stale_marker_ends_the_series(self):
        t = int(time.time() * 1000) - 30_000
        text = f'stale_me{{job="stale"}} 5 {t}\n'
        rwpush(PROM.url, input=text, check=0)
        self.assertEqual(PROM.query('stale_me{job="stale"}', t / 1000)[0]["value"][1], "5")
        self.assertEqual(len(PROM.query('stale_me{job="stale"}')), 1)
        rwpush(PROM.url, "--stale", input=text, check=0)
        self.assertEqual(PROM.query('stale_me{job="stale"}'), [], "gone after the stale marker")
        self.assertEqual(PROM.query('stale_me{job="stale"}', t / 1000)[0]["value"][1], "5")

    def test_exemplars(self):
        t = int(time.time() * 1000) - 20_000
        text = (f"# TYPE ex_seconds histogram\n"
                f"ex_seconds_bucket{{le=\"0.1\"}} 5 {t / 1000:.3f} # {{trace_id=\"abc123\"}} 0.05 {t / 1000:.3f}\n"
                f"ex_seconds_bucket{{le=\"+Inf\"}} 5 {t / 1000:.3f}\nex_seconds_sum 0.2 {t / 1000:.3f}\n"
                f"ex_seconds_count 5 {t / 1000:.3f}\n# EOF\n")
        rwpush(PROM.url, "--label", "job=ex", input=text, check=0)
        data = PROM.api("/api/v1/query_exemplars", query='ex_seconds_bucket{job="ex"}',
                        start=f"{t / 1000 - 10:.3f}", end=f"{t / 1000 + 10:.3f}")
        self.assertEqual(len(data), 1)
        ex = data[0]["exemplars"]
        self.assertEqual(ex[0]["labels"], {"trace_id": "abc123"})
        self.assertEqual(ex[0]["value"], "0.05")
        self.assertEqual(float(ex[0]["timestamp"]), t / 1000)

    def test_native_histograms_from_protobuf(self):
        path = os.path.join(os.environ.get("PROMOTEL_SOURCE", "."), "..", "shared", "testdata", "exposition",
                            "protobuf", "prometheus_textparse_testproto.pb.delimited")
        # Two float histograms of that file have negative bucket counts, which Prometheus refuses
        # (with a 500): without --keep-going nothing is sent, with it the rest goes through.
        p = rwpush(PROM.url, "--timestamp", "now", "--label", "job=nh", path, check=1)
        self.assertIn(b"invalid native histogram: negative bucket 3 has a negative count (-2)", p.stderr)
        self.assertEqual(PROM.query('test_histogram_count{job="nh"}'), [])
        p = rwpush(PROM.url, "--timestamp", "now", "--label", "job=nh", "--keep-going", path, check=1)
        self.assertIn(b"written 83 series, 73 samples, 10 histograms", p.stderr)
        q = lambda e: PROM.query(e)[0]["value"][1]  # noqa: E731
        self.assertEqual(q('histogram_count(test_histogram{job="nh"})'), "175")
        self.assertEqual(q('histogram_sum(test_histogram{job="nh"})'), "0.0008280461746287094")
        self.assertEqual(q('histogram_count(test_gauge_histogram{job="nh"})'), "175")
        self.assertEqual(q('test_histogram_count{job="nh"}'), "175")  # the classic twin
        self.assertEqual(q('histogram_count(test_histogram_family{job="nh",foo="bar"})'), "5")

    def test_many_batches_in_order(self):
        t0 = int(time.time() * 1000) - 50_000
        text = "".join(f'batched{{job="b",i="{i}"}} {i} {t0}\n' for i in range(5000))
        text += "".join(f'batched{{job="b",i="{i}"}} {i + 1} {t0 + 1000}\n' for i in range(5000))
        p = rwpush(PROM.url, "--batch-size", "700", input=text, check=0)
        self.assertIn(b"written 10000 series, 10000 samples", p.stderr)
        self.assertEqual(PROM.query('count(batched{job="b"})')[0]["value"][1], "5000")
        self.assertEqual(PROM.query('sum(batched{job="b"})', (t0 + 1000) / 1000)[0]["value"][1],
                         str(sum(range(1, 5001))))
        self.assertEqual(PROM.query('sum(count_over_time(batched{job="b"}[1m]))', (t0 + 1000) / 1000)[0]["value"][1],
                         "10000")

    def test_protocol_2_to_prometheus_2_42(self):
        t = int(time.time() * 1000) - 10_000
        p = rwpush(PROM.url, "--protocol", "2.0", input=f'v2only{{job="v2"}} 1 {t}\n', check=1)
        self.assertIn(b"does not speak Remote-Write 2.0", p.stderr)
        self.assertEqual(PROM.query('v2only'), [])
        p = rwpush(PROM.url, "--protocol", "auto", input=f'v2auto{{job="v2"}} 1 {t}\n', check=0)
        self.assertIn(b"falling back to Remote-Write 1.0", p.stderr)
        self.assertEqual(PROM.query('v2auto', t / 1000)[0]["value"][1], "1")

    def test_receiver_rejection_is_reported(self):
        t = int(time.time() * 1000)
        rwpush(PROM.url, input=f'ooo{{job="o"}} 2 {t}\n', check=0)
        p = rwpush(PROM.url, input=f'ooo{{job="o"}} 1 {t - 5000}\n', check=1)
        self.assertIn(b"HTTP 400: out of order sample", p.stderr)
        self.assertIn(b"NOT written 1 series", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
