#!/usr/bin/env python3
"""Tables of api_bench JSON reports from bench/run-event-bench.sh: one row per run, then for the
`ab-<round>-<A|B|C>` runs the median of each label and its difference from A.

    bench/event-bench-summary.py REPORT.json...
"""
import json
import os
import statistics
import sys


def create_phase(report):
    for phase in report.get("phases", []):
        if phase.get("name") == "create":
            return phase
    return {}


def row(path, report):
    c = create_phase(report)
    ok = c.get("succeeded", 0)
    cpu = c.get("cpu", {})
    lat = c.get("latency_ms", {})
    cells = [
        os.path.basename(path)[:-5],
        f"{c.get('ops_per_s', 0):,.0f}",
        f"{lat.get('p50', 0):.2f}",
        f"{lat.get('p99', 0):.2f}",
        f"{cpu.get('server_us_per_op') or 0:.0f}",
        f"{cpu.get('other_load_share', 0) * 100:.0f} %",
    ]
    events = report.get("events")
    notes = []
    if events:
        for i, w in enumerate(events.get("webhooks", [])):
            if "events_per_s" in w:
                notes.append(
                    f"w{i} {w['region_created']}/{w['expected']} {w['events_per_s']:,.0f}/s "
                    f"lag p50 {w['lag_ms']['p50']:.1f} p99 {w['lag_ms']['p99']:.1f} "
                    f"last {w['last_arrival_after_last_answer_ms']:.1f} ms")
            if len(events.get("webhooks", [])) > 2 and i == 0:
                break  # the first one, then the sum below
        if "all_fast_webhooks" in events:
            a = events["all_fast_webhooks"]
            notes.append(f"all {a['deliveries']} at {a['deliveries_per_s']:,.0f}/s")
        for w in events.get("slow_webhooks", []):
            notes.append(f"slow {w['region_created']}/{w['expected']}")
        n = events.get("nats")
        if n:
            notes.append(
                f"nats {n['events']}/{n['expected']} {n.get('events_per_s', 0):,.0f}/s "
                f"last {n.get('last_stored_after_last_answer_ms', 0):.1f} ms")
        if not events.get("complete", True):
            notes.append("INCOMPLETE")
    cells.append("; ".join(notes))
    return cells


def main(paths):
    reports = []
    for path in sorted(paths):
        with open(path) as f:
            text = f.read()
        try:
            reports.append((path, json.loads(text)))
        except json.JSONDecodeError:
            print(f"{path}: no JSON report (the run failed; see its .log)", file=sys.stderr)
    header = ["run", "creates/s", "p50 ms", "p99 ms", "server µs/create", "other load", "events"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for path, report in reports:
        print("| " + " | ".join(row(path, report)) + " |")

    by_label = {}
    for path, report in reports:
        name = os.path.basename(path)[:-5]
        if name.startswith("ab-"):
            label = name.rsplit("-", 1)[1]
            c = create_phase(report)
            by_label.setdefault(label, []).append(
                (c.get("ops_per_s", 0), c.get("latency_ms", {}).get("p50", 0),
                 c.get("latency_ms", {}).get("p99", 0)))
    if by_label:
        print()
        print("| label | runs | creates/s (each) | median creates/s | vs A | median p50 ms | median p99 ms |")
        print("|---|---|---|---|---|---|---|")
        base = statistics.median(r[0] for r in by_label.get("A", [(0, 0, 0)]))
        for label in sorted(by_label):
            runs = by_label[label]
            rate = statistics.median(r[0] for r in runs)
            diff = f"{(rate / base - 1) * 100:+.1f} %" if base else ""
            each = ", ".join(f"{r[0]:,.0f}" for r in runs)
            print(f"| {label} | {len(runs)} | {each} | {rate:,.0f} | {diff} | "
                  f"{statistics.median(r[1] for r in runs):.2f} | "
                  f"{statistics.median(r[2] for r in runs):.2f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
