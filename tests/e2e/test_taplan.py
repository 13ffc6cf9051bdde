"""End-to-end tests of taplan: plan (section 9 vectors through the real binary, the cluster
fixture), validate (the broken-monitor fixture, exit codes), diff, and serve queried over
HTTP on 127.0.0.1."""
import json
import os
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import SOURCE, Server, free_port, run, tool  # noqa: E402

FIX = os.path.join(SOURCE, "tests", "taplan")
CLUSTER = os.path.join(FIX, "cluster")
S9 = os.path.join(FIX, "section9.yml")

# Spec section 9, scenario (i): owner of 10.0.0.<i>:9100 for rings 0.10 and 1.0.
V010 = "1 2 2 0 1 1 1 1 2 2 1 2 2 1 2 1 2 2 2 2".split()
V100 = "2 2 2 0 0 1 1 0 0 0 0 0 0 1 0 0 1 0 2 0".split()


def plan_json(*args):
    p = run("taplan", "plan", "-o", "json", *args, check=0)
    return json.loads(p.stdout)


def owners(plan):
    return {a["target"]: a["collector"] for a in plan["assignments"]}


def test_section9_both_rings():
    for ring, expected in (("0.10", V010), ("1.0", V100)):
        got = owners(plan_json("--config", S9, "--collectors", "3", "--ring", ring))
        for i, c in enumerate(expected, start=1):
            assert got[f"10.0.0.{i}:9100"] == f"collector-{c}", (ring, i, got)


def test_least_weighted_counts_and_prefix():
    plan = plan_json("--config", S9, "--collectors", "3", "--strategy", "least-weighted",
                     "--collector-prefix", "otel")
    assert [c["targets"] for c in plan["collectors"]] == [7, 7, 6]
    assert [c["name"] for c in plan["collectors"]] == ["otel-0", "otel-1", "otel-2"]


def assert_monitor_targets_as_expected(plan):
    """The cluster fixture's monitor targets with their final labels, as expected-targets.json."""
    expected = json.load(open(os.path.join(CLUSTER, "expected-targets.json")))
    got = sorted(({"job": a["job"], "target": a["target"], "labels": a["labels"]}
                  for a in plan["assignments"] if "Monitor/" in a["job"]),
                 key=lambda a: (a["job"], a["target"]))
    assert got == expected, json.dumps(got, indent=1)


def test_cluster_plan_labels_and_per_node():
    plan = plan_json("--config", os.path.join(CLUSTER, "ta-config.yaml"),
                     "--objects", os.path.join(CLUSTER, "objects.yaml"),
                     "--monitors", os.path.join(CLUSTER, "monitors.yaml"))
    assert plan["strategy"] == "per-node"
    nodes = {c["name"]: c["node"] for c in plan["collectors"]}
    assert nodes == {"collector-0": "node-a", "collector-1": "node-b"}
    assert_monitor_targets_as_expected(plan)
    by_target = owners(plan)
    assert by_target["10.1.0.11:8080"] == "collector-0"  # web-1 runs on node-a
    assert by_target["10.1.0.12:8080"] == "collector-1"  # web-2 runs on node-b
    assert plan["unassigned"] == []


def test_endpoints_role_plans_like_endpointslices():
    # The same ServiceMonitors with serviceDiscoveryRole: Endpoints, over the Endpoints objects
    # of the same services, give the same targets and labels as the EndpointSlice plan.
    with tempfile.TemporaryDirectory() as d:
        monitors = open(os.path.join(CLUSTER, "monitors.yaml")).read()
        # The two ServiceMonitors come before the PodMonitor.
        monitors = monitors.replace("spec:\n  selector:", "spec:\n  serviceDiscoveryRole: Endpoints\n  selector:", 2)
        assert monitors.count("serviceDiscoveryRole") == 2
        path = os.path.join(d, "monitors.yaml")
        open(path, "w").write(monitors)
        plan = plan_json("--config", os.path.join(CLUSTER, "ta-config.yaml"),
                         "--objects", os.path.join(CLUSTER, "objects.yaml"),
                         "--objects", os.path.join(CLUSTER, "endpoints.yaml"),
                         "--monitors", path)
    assert_monitor_targets_as_expected(plan)
    by_target = owners(plan)
    assert by_target["10.1.0.11:8080"] == "collector-0"  # per-node: the address's nodeName
    assert by_target["10.1.0.12:8080"] == "collector-1"


def test_node_role_kubelets_go_to_the_collector_on_their_node():
    # A kubelet job (role: node) in the cluster's TA config: per-node gives each node's kubelet
    # to the collector on that node. node-c has none: as in the TA, a target with a node does
    # not fall back (only targets without one do), it stays unassigned.
    with tempfile.TemporaryDirectory() as d:
        config = os.path.join(d, "ta-config.yaml")
        ta = open(os.path.join(CLUSTER, "ta-config.yaml")).read()
        kubelet = ("  - job_name: kubelet\n"
                   "    scheme: https\n"
                   "    kubernetes_sd_configs: [{role: node}]\n"
                   "    relabel_configs:\n"
                   "    - {action: labelmap, regex: __meta_kubernetes_node_label_(.+)}\n"
                   "prometheus_cr:\n")
        open(config, "w").write(ta.replace("prometheus_cr:\n", kubelet, 1))
        p = run("taplan", "plan", "-o", "json", "--config", config,
                "--objects", os.path.join(CLUSTER, "objects.yaml"),
                "--objects", os.path.join(CLUSTER, "nodes.yaml"),
                "--monitors", os.path.join(CLUSTER, "monitors.yaml"), check=0)
    assert "not modelled" not in p.stderr.decode(), p.stderr
    plan = json.loads(p.stdout)
    kubelets = {a["target"]: a for a in plan["assignments"] if a["job"] == "kubelet"}
    assert sorted(kubelets) == ["172.18.0.2:10250", "172.18.0.3:10250"]
    assert kubelets["172.18.0.2:10250"]["collector"] == "collector-0"  # node-a
    assert kubelets["172.18.0.3:10250"]["collector"] == "collector-1"  # node-b
    assert plan["unassigned"] == [{"job": "kubelet", "target": "172.18.0.4:10250",
                                   "reason": 'no collector runs on node "node-c"'}]
    assert kubelets["172.18.0.3:10250"]["labels"] == {
        "instance": "node-b", "job": "kubelet", "kubernetes_io_hostname": "node-b",
        "kubernetes_io_os": "linux", "topology_kubernetes_io_zone": "zone-2"}
    assert_monitor_targets_as_expected(plan)


def test_kubernetes_job_without_objects_is_a_warning():
    with tempfile.TemporaryDirectory() as d:
        config = os.path.join(d, "prometheus.yml")
        open(config, "w").write("scrape_configs:\n"
                                "- job_name: ingresses\n  kubernetes_sd_configs: [{role: ingress}]\n"
                                "- job_name: svc\n  kubernetes_sd_configs: [{role: service}]\n")
        err = run("taplan", "plan", "--config", config, "--collectors", "2", check=0).stderr.decode()
    assert 'job "ingresses": kubernetes_sd_configs role ingress discovers no targets without --objects' in err, err
    assert 'job "svc": kubernetes_sd_configs role service discovers no targets without --objects' in err, err


def test_file_sd_for_one_collector():
    p = run("taplan", "plan", "--config", S9, "--collectors", "3", "-o", "file-sd",
            "--collector", "collector-0", check=0)
    groups = json.loads(p.stdout)
    assert [g["targets"] for g in groups] == [["10.0.0.4:9100"]]
    assert groups[0]["labels"]["job"] == "job-a"


def test_validate_broken_monitors():
    args = ["validate", "--config", os.path.join(FIX, "broken", "prometheus-a.yml"),
            "--config", os.path.join(FIX, "broken", "prometheus-b.yml"),
            "--objects", os.path.join(CLUSTER, "objects.yaml"),
            "--monitors", os.path.join(FIX, "broken", "monitors.yaml")]
    p = run("taplan", *args, check=1)
    want = open(os.path.join(FIX, "broken", "expected-findings.txt")).read()
    got = p.stdout.decode().replace(SOURCE + "/", "")
    assert got == want, got
    j = json.loads(run("taplan", *args, "-o", "json", check=1).stdout)
    checks = {f["check"] for f in j["findings"]}
    for c in ("selector-matches-nothing", "port-not-found", "target-port-not-found",
              "namespace-missing", "timeout-exceeds-interval", "invalid-duration",
              "invalid-relabeling", "selector-regex-metacharacters", "duplicate-job",
              "per-node-unassigned"):
        assert c in checks, c
    assert j["errors"] == 12 and j["warnings"] == 2


def test_validate_clean_cluster_and_warnings_as_errors():
    args = ["validate", "--objects", os.path.join(CLUSTER, "objects.yaml"),
            "--monitors", os.path.join(CLUSTER, "monitors.yaml")]
    p = run("taplan", *args, check=0)
    assert p.stdout.decode().endswith("0 error(s), 0 warning(s)\n"), p.stdout
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        f.write("scrape_configs:\n  - job_name: lonely\n    static_configs:\n"
                "      - targets: ['192.168.9.9:9100']\n")
    try:
        run("taplan", *args, "--config", f.name, check=0)  # a per-node warning only
        run("taplan", *args, "--config", f.name, "--warnings-as-errors", check=1)
    finally:
        os.unlink(f.name)


def test_diff_scale_out():
    p = run("taplan", "diff", "--config", S9, "--collectors", "3", "--to-collectors", "4",
            "-o", "json", check=0)
    d = json.loads(p.stdout)
    assert d["moved"] == 4 and d["common"] == 20
    p = run("taplan", "diff", "--config", S9, "--collectors", "3", "--to-ring", "1.0",
            "-o", "json", check=0)
    assert json.loads(p.stdout)["moved"] == sum(a != b for a, b in zip(V010, V100))


def test_errors_and_usage():
    p = run("taplan", "plan", "--config", "/nonexistent.yml", "--collectors", "2", check=1)
    assert p.stderr.startswith(b"taplan: error: "), p.stderr
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        f.write("scrape_configs:\n  - job_name: a\n    scrape_interval: 5x\n")
    try:
        p = run("taplan", "plan", "--config", f.name, "--collectors", "2", check=1)
        assert f"{f.name}:3:22: not a valid duration string" in p.stderr.decode(), p.stderr
    finally:
        os.unlink(f.name)
    run("taplan", "plan", "--strategy", check=2)
    run("taplan", check=2)
    assert run("taplan", "--version", check=0).stdout.startswith(b"taplan ")


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return r.status, r.read()


def test_serve_ta_api():
    port = free_port()
    argv = [tool("taplan"), "serve", "--config", os.path.join(CLUSTER, "ta-config.yaml"),
            "--objects", os.path.join(CLUSTER, "objects.yaml"),
            "--monitors", os.path.join(CLUSTER, "monitors.yaml"),
            "--listen", f"127.0.0.1:{port}"]
    plan = plan_json(*argv[2:-2])
    with Server(argv, port):
        assert get(port, "/livez")[0] == 200
        assert get(port, "/readyz")[0] == 200
        status, body = get(port, "/jobs")
        jobs = json.loads(body)
        assert body.endswith(b"\n")
        assert jobs["serviceMonitor/shop/web/0"] == {
            "_link": "/jobs/serviceMonitor%2Fshop%2Fweb%2F0/targets"}
        total = 0
        for job, link in jobs.items():
            _, body = get(port, link["_link"])
            per_collector = json.loads(body)
            assert set(per_collector) == {"collector-0", "collector-1"}
            for collector in per_collector:
                _, one = get(port, link["_link"] + "?collector_id=" + collector)
                targets = json.loads(one)
                assert targets == per_collector[collector]["targets"]
                for t in targets:
                    total += 1
                    expected = [a["collector"] for a in plan["assignments"]
                                if a["job"] == job and a["target"] == t["targets"][0]]
                    assert expected == [collector], (job, t, expected)
                    assert t["labels"]["__address__"] == t["targets"][0]
        assert total == len(plan["assignments"])
        configs = json.loads(get(port, "/scrape_configs")[1])
        assert configs["serviceMonitor/shop/web/0"]["scrape_interval"] == "15s"
        assert "kubernetes_sd_configs" in configs["podMonitor/payments/worker/0"]
        metrics = get(port, "/metrics")[1].decode()
        assert "opentelemetry_allocator_collectors_discovered 2" in metrics
        try:
            get(port, "/nope")
            assert False, "expected 404"
        except urllib.error.HTTPError as e:
            assert e.code == 404


if __name__ == "__main__":
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    for t in tests:
        t()
        print(f"ok {t.__name__}")
