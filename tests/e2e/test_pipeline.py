"""The walking skeleton end to end: a real node_exporter scraped by promscrape, converted by
prom2otlp, printed by otlpdump — and the README's demo command on its embedded target."""
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402


def metric_blocks(dump):
    """Splits an otlpdump detailed rendering into {metric name: block text}."""
    blocks = {}
    for part in re.split(r"^Metric #\d+\n", dump, flags=re.M)[1:]:
        m = re.search(r"^     -> Name: (.*)$", part, flags=re.M)
        if m:
            blocks[m.group(1)] = part
    return blocks


class NodeExporterPipeline(unittest.TestCase):
    def test_node_exporter_families_have_the_right_otlp_types(self):
        port = support.free_port()
        argv = ["/usr/bin/prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{port}"]
        with support.Server(argv, port):
            url = f"http://127.0.0.1:{port}/metrics"
            out, codes, errs = support.pipeline(["promscrape", "--job", "node", url],
                                                ["prom2otlp"], ["otlpdump"])
        self.assertEqual(codes, [0, 0, 0], [e.decode(errors="replace") for e in errs])
        dump = out.decode()
        blocks = metric_blocks(dump)
        self.assertGreater(len(blocks), 50, "node_exporter exposes hundreds of families")

        def datatype(name):
            self.assertIn(name, blocks, f"{name} missing from the dump")
            return re.search(r"DataType: (\w+)", blocks[name]).group(1)

        self.assertEqual(datatype("node_cpu_seconds_total"), "Sum")
        self.assertIn("IsMonotonic: true", blocks["node_cpu_seconds_total"])
        self.assertIn("AggregationTemporality: Cumulative", blocks["node_cpu_seconds_total"])
        self.assertEqual(datatype("node_memory_MemTotal_bytes"), "Gauge")
        self.assertEqual(datatype("go_gc_duration_seconds"), "Summary")
        self.assertEqual(datatype("up"), "Gauge")
        self.assertRegex(blocks["up"], r"Value: 1\.000000")
        self.assertIn("-> service.name: Str(node)", dump)
        self.assertIn(f"-> service.instance.id: Str(127.0.0.1:{port})", dump)
        # every node_cpu point carries its cpu and mode attributes, never job/instance
        cpu = blocks["node_cpu_seconds_total"]
        self.assertIn("-> mode: Str(idle)", cpu)
        self.assertNotIn("-> job:", cpu)
        self.assertNotIn("-> instance:", cpu)


class Demo(unittest.TestCase):
    def test_readme_demo_prints_the_embedded_target(self):
        build_dir = os.path.dirname(support.BIN)
        env = dict(os.environ, BUILD_DIR=build_dir)
        p = subprocess.run([os.path.join(support.SOURCE, "scripts", "demo")], env=env,
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        blocks = metric_blocks(p.stdout)
        self.assertEqual(set(blocks) - {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                                        "scrape_samples_post_metric_relabeling",
                                        "scrape_series_added"},
                         {"http_requests_total", "process_resident_memory_bytes",
                          "request_duration_seconds", "rpc_latency_seconds", "build"})
        self.assertRegex(blocks["http_requests_total"], r"DataType: Sum")
        # _created → StartTimestamp
        self.assertIn("StartTimestamp: 2023-11-14 22:13:20.5 +0000 UTC", blocks["http_requests_total"])
        self.assertIn("Unit: By", blocks["process_resident_memory_bytes"])
        self.assertRegex(blocks["request_duration_seconds"], r"DataType: Histogram")
        self.assertIn("ExplicitBounds #3: 1.000000", blocks["request_duration_seconds"])
        self.assertIn("Buckets #4, Count: 4599", blocks["request_duration_seconds"])
        self.assertRegex(blocks["rpc_latency_seconds"], r"DataType: Summary")
        self.assertIn("-> Trace ID: 5b8efff798038103d269b633813fc60c", blocks["http_requests_total"])


if __name__ == "__main__":
    unittest.main()
