#!/usr/bin/env python3
"""Hand-run benchmark of a region move with its content (issue 13; never in CI; figures go to
docs/benchmarks.md).

The path users take: one control plane and two simulator hosts on loopback, each a bridge
supervising the OpenSim emulator (OpenSim's own >= 5 s admin_save_oar answer kept: the bridge
must not wait for it). One persistent region (region_state_mode full) whose object carries an
incompressible texture of --size-mib MiB, so its archive is that big. Then, --runs times each,
each time a fresh region moved from the first simulator to the second:
  - a cold move: snapshot_final (the whole archive) on the source, create + load on the target,
    switch, teardown. Downtime is all of it but the teardown;
  - a warm move: a first snapshot with the assets while the source serves, create + load_first on
    the target, then a final snapshot without the assets (short), load_final, switch.
For each move: the migration's downtime_ms (the control plane's figure: from the commit that
queued the final snapshot to the switch's commit), both snapshots' size and time, each step's
time, and the emulator's own load time (the load operation's simulator_ms: the time the bridge
waited for admin_load_oar), which a real OpenSim's load replaces.

Usage: bench/move-bench.py [--build build] [--size-mib 100] [--runs 3] [--out figures.json]
"""
import argparse
import importlib.util
import json
import os
import socket
import statistics
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("bridge_bench", os.path.join(ROOT, "bench", "bridge-bench.py"))
bb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bb)


def emulator(port, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read())


def free_udp_run(count):
    """The first port of `count` consecutive UDP ports nothing holds (from 40000 up)."""
    for base in range(40000, 60000, count):
        sockets = []
        try:
            for port in range(base, base + count):
                udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sockets.append(udp)
                udp.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for udp in sockets:
                udp.close()
    raise AssertionError("no free UDP port run")


def operation(control_port, region_id, operation_id):
    items = bb.call(control_port, "GET", f"/api/v1/operations?region_id={region_id}&limit=50")["items"]
    return next((o for o in items if o["id"] == operation_id), None)


def move(control_port, region_id, target, warm):
    """Moves the region onto `target`; returns the ended migration (asserts it succeeded)."""
    try:
        # force: the bridges report this machine's real CPU load, which a busy machine puts over
        # placement's limit; the bench measures the move, not the policy.
        answer = bb.call(control_port, "POST", f"/api/v1/regions/{region_id}/move",
                         {"simulator_id": target, "warm": warm, "force": True})
    except urllib.error.HTTPError as error:
        raise AssertionError(f"move refused: {error.code} {error.read().decode()}") from None
    migration_id = answer["migration"]["id"]
    deadline = time.monotonic() + 1800
    while time.monotonic() < deadline:
        migration = bb.call(control_port, "GET", f"/api/v1/migrations/{migration_id}")
        if migration["state"] in ("succeeded", "failed", "cancelled"):
            assert migration["state"] == "succeeded", json.dumps(migration, indent=2)
            return migration
        time.sleep(0.1)
    raise AssertionError(f"move {migration_id} never ended")


def figures(control_port, region_id, migration):
    """One move's figures, in seconds (downtime, snapshots, steps, the emulator's load time)."""
    steps = {s["step"]: s for s in migration["steps"]}
    loads = [steps[name] for name in ("load_first", "load_final") if name in steps]
    load_s = {}
    for step in loads:
        op = operation(control_port, region_id, step["operation_id"])
        result = (op or {}).get("result") or {}
        load_s[step["step"]] = result.get("simulator_ms", 0) / 1000
    snapshot = lambda s: None if not s else {"mib": s["size_bytes"] / 2**20, "s": s["ms"] / 1000}
    return {
        "warm": migration["options"].get("warm", False),
        "downtime_s": migration["downtime_ms"] / 1000,
        "first_snapshot": snapshot(migration["first_snapshot"]),
        "final_snapshot": snapshot(migration["final_snapshot"]),
        "emulator_load_s": load_s,
        "steps_s": {s["step"]: (s.get("ms") or 0) / 1000 for s in migration["steps"]},
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--size-mib", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", help="also write the figures there as JSON")
    args = parser.parse_args()

    # Placement hands out region ports from 9000 by default; on a shared machine something else
    # may hold one (a move's create is then refused), so the ports come from a free UDP run.
    base = free_udp_run(4 * args.runs + 8)
    os.environ["VERGEGRID_PLACEMENT_PORT_MIN"] = str(base)
    os.environ["VERGEGRID_PLACEMENT_PORT_MAX"] = str(base + 4 * args.runs + 7)
    work = tempfile.mkdtemp(prefix="vergegrid-move-bench-")
    processes = []
    try:
        control, control_port = bb.start_control(args.build, work, processes)
        hosts = []
        for name in ("a", "b"):
            root = os.path.join(work, name)
            os.makedirs(root)
            bridge, emu_port = bb.start_bridge(args.build, root, control_port, processes)
            sim_id = json.load(open(f"{root}/state/identity.json"))["simulator_id"]
            hosts.append({"name": name, "sim": sim_id, "emu": emu_port, "bridge": bridge})
        assert bb.wait_for(lambda: all(
            bb.call(control_port, "GET", f"/api/v1/simulators/{h['sim']}")["state"] == "online"
            for h in hosts), 30, 0.1), "simulators never came online"
        estate = bb.call(control_port, "POST", "/api/v1/estates", {"name": "Bench", "owner": bb.BENCH_OWNER})["id"]
        # A resident region on each simulator: the first region of an empty simulator needs a
        # simulator restart (OpenSim traps 5 and 11), which a move to an empty one would time.
        for i, host in enumerate(hosts):
            anchor = bb.call(control_port, "POST", "/api/v1/regions", {
                "name": f"Anchor{i}", "estate_id": estate, "loc_x": 1100 + i, "loc_y": 1000,
                "port": bb.free_port(), "host": "127.0.0.1",
                "placement": {"simulator_id": host["sim"], "force": True}})
            assert bb.wait_for(lambda: any(
                o["kind"] == "create" and o["state"] == "succeeded" for o in bb.call(
                    control_port, "GET", f"/api/v1/operations?region_id={anchor['id']}")["items"]), 90, 0.1)
        runs = []
        for run in range(args.runs):
            for warm in (False, True):
                # A fresh region on A for each move, moved to B: two simulators on one machine share
                # its UDP ports, so a move back would find its port taken by the other simulator.
                name = f"Big{len(runs)}"
                region = bb.call(control_port, "POST", "/api/v1/regions", {
                    "name": name, "estate_id": estate, "loc_x": 1000, "loc_y": 1010 + len(runs),
                    "port": bb.free_port(), "host": "127.0.0.1", "region_state_mode": "full",
                    "placement": {"simulator_id": hosts[0]["sim"], "force": True}})
                # The create applies the region's settings last (a settings archive load clears
                # the objects): the payload comes after the create operation succeeded.
                assert bb.wait_for(lambda: any(
                    o["kind"] == "create" and o["state"] == "succeeded" for o in bb.call(
                        control_port, "GET", f"/api/v1/operations?region_id={region['id']}")["items"]),
                    90, 0.1)
                emulator(hosts[0]["emu"], "POST", f"/regions/{name}/objects",
                         {"name": "Payload", "asset_bytes": args.size_mib << 20})
                emulator(hosts[0]["emu"], "POST", f"/regions/{name}/terrain", {"fill": 42.0})
                terrain = emulator(hosts[0]["emu"], "GET", f"/regions/{name}/state")["terrain"]["sha256"]
                migration = move(control_port, region["id"], hosts[1]["sim"], warm)
                state = emulator(hosts[1]["emu"], "GET", f"/regions/{name}/state")
                assert state["terrain"]["sha256"] == terrain and state["object_count"] == 1, \
                    "the region arrived without its content"
                runs.append(figures(control_port, region["id"], migration))
                print(json.dumps(runs[-1]), flush=True)

        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
        print(f"\nmove benchmark: region with a {args.size_mib} MiB asset, {args.runs} runs each, "
              f"build {args.build}, load average {load}")
        for warm in (False, True):
            these = [r for r in runs if r["warm"] == warm]
            down = [r["downtime_s"] for r in these]
            final_load = [r["emulator_load_s"].get("load_final", 0) for r in these]
            final_mib = [r["final_snapshot"]["mib"] for r in these]
            print(f"{'warm' if warm else 'cold'}: downtime median {statistics.median(down):.2f} s "
                  f"(min {min(down):.2f}, max {max(down):.2f}); of which the emulator's load "
                  f"median {statistics.median(final_load):.2f} s; final archive "
                  f"{statistics.median(final_mib):.2f} MiB")
            if warm:
                first = [r["first_snapshot"]["s"] for r in these]
                first_load = [r["emulator_load_s"].get("load_first", 0) for r in these]
                print(f"      first snapshot (serving) median {statistics.median(first):.2f} s, "
                      f"its load median {statistics.median(first_load):.2f} s")
        if args.out:
            with open(args.out, "w") as f:
                json.dump({"size_mib": args.size_mib, "load_average": load, "runs": runs}, f, indent=2)
    finally:
        bb.stop_stack(processes, work)


if __name__ == "__main__":
    main()
