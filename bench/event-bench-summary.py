#!/usr/bin/env python3
"""Tables of api_bench JSON reports from bench/run-event-bench.sh: one row per run, then for the
`ab-<round>-<n>-<A|B>` and `webhook-<round>-<n>-<B|C>` runs the median of each label, its
difference from the set's base (A, or B), and the difference round by round.

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

    for set_name in ("ab", "webhook"):
        compare(set_name, reports)


def compare(set_name, reports):
    """Each label's median against the set's base label (A for ab, B for webhook)."""
    by_label = {}
    for path, report in reports:
        name = os.path.basename(path)[:-5]
        if name.startswith(set_name + "-"):
            label = name.rsplit("-", 1)[1]
            c = create_phase(report)
            by_label.setdefault(label, []).append(
                (c.get("ops_per_s", 0), c.get("latency_ms", {}).get("p50", 0),
                 c.get("latency_ms", {}).get("p99", 0),
                 c.get("cpu", {}).get("server_us_per_op") or 0, name.split("-")[1]))
    if not by_label:
        return
    base_label = min(by_label)
    base_runs = by_label[base_label]
    base = statistics.median(r[0] for r in base_runs)
    base_cpu = statistics.median(r[3] for r in base_runs)
    print()
    print(f"| {set_name} | runs | creates/s (each) | median creates/s | vs {base_label} | median p50 ms "
          f"| median p99 ms | median server µs/create | vs {base_label} |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label in sorted(by_label):
        runs = by_label[label]
        rate = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[3] for r in runs)
        diff = f"{(rate / base - 1) * 100:+.1f} %" if base else ""
        cpu_diff = f"{(cpu / base_cpu - 1) * 100:+.1f} %" if base_cpu else ""
        each = ", ".join(f"{r[0]:,.0f}" for r in runs)
        print(f"| {label} | {len(runs)} | {each} | {rate:,.0f} | {diff} | "
              f"{statistics.median(r[1] for r in runs):.2f} | "
              f"{statistics.median(r[2] for r in runs):.2f} | {cpu:.0f} | {cpu_diff} |")
    # Round by round (a round runs A B B A, which cancels a drift linear in time): each label's
    # mean against the base label's mean of the same round.
    for label in sorted(set(by_label) - {base_label}):
        rates, cpus = [], []
        for round_name in sorted({r[4] for r in by_label[label]}):
            a = [r for r in base_runs if r[4] == round_name]
            b = [r for r in by_label[label] if r[4] == round_name]
            if a and b:
                rates.append(statistics.mean(r[0] for r in b) / statistics.mean(r[0] for r in a) - 1)
                cpus.append(statistics.mean(r[3] for r in b) / statistics.mean(r[3] for r in a) - 1)
        if rates:
            print(f"\n{label} vs {base_label} by round: creates/s "
                  + ", ".join(f"{x * 100:+.1f} %" for x in rates)
                  + f" (median {statistics.median(rates) * 100:+.1f} %); server CPU per create "
                  + ", ".join(f"{x * 100:+.1f} %" for x in cpus)
                  + f" (median {statistics.median(cpus) * 100:+.1f} %)")


if __name__ == "__main__":
    main(sys.argv[1:])
