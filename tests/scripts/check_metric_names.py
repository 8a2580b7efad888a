#!/usr/bin/env python3
"""Checks that every metric the observability pack uses is one vergegrid-control exports: starts
the built vergegrid-control (loopback, ephemeral port, a throwaway data dir), scrapes GET
/metrics, and fails naming each metric used by deploy/prometheus/vergegrid-alerts.yml or
deploy/grafana/vergegrid-dashboard.json that the scrape does not announce (its `# TYPE` line;
a histogram also provides NAME_bucket, NAME_sum and NAME_count). Prometheus' own `up` is allowed.
Also checks the dashboard's shape: schema version, the ${DS_PROMETHEUS} input on every panel
and query, unique panel ids.

Usage: check_metric_names.py SOURCE_DIR CONTROL_BINARY
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

# Series Prometheus makes itself for every target.
PROMETHEUS_SERIES = {"up"}
# PromQL words that are not metric names.
PROMQL_WORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool",
    "offset", "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk",
    "quantile", "count_values", "group", "rate", "irate", "increase", "delta", "idelta",
    "histogram_quantile", "vector", "scalar", "abs", "clamp_min", "clamp_max", "absent",
    "avg_over_time", "max_over_time", "min_over_time", "sum_over_time", "label_values",
    "changes", "resets", "time", "timestamp", "sort", "sort_desc", "round", "ceil", "floor",
}
TOKEN = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def metric_names(expr):
    """The metric names an expression reads (label matchers, strings, ranges, grouping labels and
    template variables taken out first)."""
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)
    text = re.sub(r"\{[^}]*\}", "{}", text)
    text = re.sub(r"\[[^\]]*\]", "[]", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", r"\1", text)
    text = re.sub(r"\$\w+", "", text)
    # Grafana's label_values(metric, label): the label is not a metric.
    text = re.sub(r"\blabel_values\s*\(([^,)]*),\s*\w+\s*\)", r"label_values(\1)", text)
    text = re.sub(r"\b\d+(\.\d+)?([eE][-+]?\d+)?\b", "", text)
    names = set()
    for token in TOKEN.findall(text):
        if token not in PROMQL_WORDS:
            names.add(token)
    return names


def rule_expressions(path):
    rules = yaml.safe_load(open(path, encoding="utf-8"))
    for group in rules["groups"]:
        for rule in group["rules"]:
            yield f"{path}: {rule.get('alert') or rule.get('record')}", rule["expr"]


def dashboard_expressions(path, problems):
    board = json.load(open(path, encoding="utf-8"))
    if board.get("schemaVersion", 0) < 36:
        problems.append(f"{path}: schemaVersion {board.get('schemaVersion')} (expected 36 or later)")
    if not any(i.get("name") == "DS_PROMETHEUS" for i in board.get("__inputs", [])):
        problems.append(f"{path}: no DS_PROMETHEUS input")
    ids = set()

    def visit(panels):
        for panel in panels:
            if panel["id"] in ids:
                problems.append(f"{path}: panel id {panel['id']} twice")
            ids.add(panel["id"])
            if panel["type"] != "row":
                if panel.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
                    problems.append(f"{path}: panel {panel['title']!r} is not on ${{DS_PROMETHEUS}}")
                if not panel.get("targets"):
                    problems.append(f"{path}: panel {panel['title']!r} has no query")
            for target in panel.get("targets", []):
                if target.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
                    problems.append(f"{path}: a query of {panel['title']!r} is not on ${{DS_PROMETHEUS}}")
                yield f"{path}: panel {panel['title']!r}", target["expr"]
            yield from visit(panel.get("panels", []))

    yield from visit(board["panels"])
    for variable in board.get("templating", {}).get("list", []):
        if variable.get("type") == "query":
            yield f"{path}: variable {variable['name']}", variable["definition"]


def exported_names(control_binary):
    folder = tempfile.mkdtemp(prefix="vergegrid-metrics-")
    log_path = os.path.join(folder, "control.log")
    env = dict(os.environ, VERGEGRID_ADMIN_TOKEN="vgo_metric-names-test-token-0123456789abcdef")
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [control_binary, "--listen", "127.0.0.1:0", "--data-dir", os.path.join(folder, "data")],
            stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit("vergegrid-control exited:\n" + open(log_path).read())
            match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", open(log_path).read())
            port = match and int(match.group(1))
            time.sleep(0.1)
        if port is None:
            raise SystemExit("vergegrid-control did not listen:\n" + open(log_path).read())
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30).read()
    finally:
        process.terminate()
        process.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
    names = set()
    for line in body.decode().splitlines():
        match = re.match(r"# TYPE (\S+) (\S+)", line)
        if match:
            name, kind = match.groups()
            names.add(name)
            if kind == "histogram":
                names.update({name + "_bucket", name + "_sum", name + "_count"})
    return names


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source_dir, control_binary = sys.argv[1:]
    rules = os.path.join(source_dir, "deploy", "prometheus", "vergegrid-alerts.yml")
    board = os.path.join(source_dir, "deploy", "grafana", "vergegrid-dashboard.json")
    problems = []
    used = {}
    for where, expr in list(rule_expressions(rules)) + list(dashboard_expressions(board, problems)):
        for name in metric_names(expr):
            used.setdefault(name, []).append(where)
    exported = exported_names(control_binary) | PROMETHEUS_SERIES
    for name in sorted(used):
        if name not in exported:
            problems.append(f"{name} is not exported by vergegrid-control; used by "
                            + "; ".join(sorted(set(used[name]))))
    print("metrics used: " + ", ".join(sorted(used)))
    for problem in problems:
        print("FAIL " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
