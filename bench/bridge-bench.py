#!/usr/bin/env python3
"""Hand-run benchmark of vergegrid-bridge (never in CI; figures go to docs/benchmarks.md).

Starts a control plane, a bridge and the OpenSim emulator with 0 ms delays on loopback, then
  - creates N regions one after another through the REST API and times REST create -> region
    healthy in the simulator (polling the emulator's /state);
  - reads each operation's result: elapsed_ms (the bridge's whole handling) and simulator_ms (the
    part spent waiting for RemoteAdmin), whose difference is the bridge's own overhead;
  - deletes them the same way;
  - reads the bridge's RSS (VmRSS, VmHWM) and its CPU over an idle period.

Usage: bench/bridge-bench.py [--build build] [--regions 50] [--idle-s 30]
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ADMIN_TOKEN = "vgo_bench-admin-token-0123456789abcdefghijklmnopq"
# The owner of the benches' estate: a user of the simulator (OpenSim creates an estate only for
# an owner its user service knows, trap 11), by UUID so the first region's estate can be made.
BENCH_OWNER = "5b6a3c2e-1f0d-4c8b-9a7e-6d5c4b3a2f10"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None, token=ADMIN_TOKEN):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else None


def wait_for(predicate, timeout=30.0, interval=0.0005):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


def summary(name, values):
    print(f"{name:34s} n={len(values):4d}  median {statistics.median(values):7.2f}  "
          f"p95 {percentile(values, 95):7.2f}  p99 {percentile(values, 99):7.2f}  "
          f"max {max(values):7.2f} ms")


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_stack(build, work, processes, emulator_flags="", bridge_ini_extra=""):
    """A control plane, a bridge and the emulator it supervises, on loopback, in `work` (0 ms
    create and start delays; `emulator_flags` adds more). Appends the processes to `processes`
    (stopped by the caller) and returns (control, bridge, control_port, emulator_control_port)."""
    control, control_port = start_control(build, work, processes)
    bridge, emu_port = start_bridge(build, work, control_port, processes, emulator_flags,
                                    bridge_ini_extra)
    return control, bridge, control_port, emu_port


def start_control(build, work, processes):
    """vergegrid-control on loopback with its data in `work`/data; returns (process, port)."""
    control_port = free_port()
    env = dict(os.environ, VERGEGRID_ADMIN_TOKEN=ADMIN_TOKEN)
    control = subprocess.Popen(
        [os.path.join(build, "bin", "vergegrid-control"), "--listen",
         f"127.0.0.1:{control_port}", "--data-dir", os.path.join(work, "data")],
        env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "control.log"), "w"))
    processes.append(control)
    assert wait_for(lambda: _answers(control_port), 30, 0.05), "control plane did not start"
    return control, control_port


def start_bridge(build, root, control_port, processes, emulator_flags="", bridge_ini_extra=""):
    """A bridge registered to the control plane and the emulator it supervises, everything under
    `root` (bridge.ini, state/, sim/); returns (bridge process, emulator control port)."""
    push_port, ra_port, emu_port = (free_port() for _ in range(3))
    token = call(control_port, "POST", "/api/v1/simulators/registration-tokens", {})["token"]
    regions_dir = os.path.join(root, "sim", "Regions")
    os.makedirs(regions_dir)
    emulator = (f"{ROOT}/tests/opensim_emulator/opensim-emulator --sim-dir {root}/sim "
                f"--remoteadmin-port {ra_port} --password pw --control-port {emu_port} "
                "--create-delay-ms 0 --first-create-delay-ms 0 --start-delay-ms 0 "
                f"--allow-regionless true --user 'Bench Owner={BENCH_OWNER}' {emulator_flags}")
    with open(os.path.join(root, "bridge.ini"), "w") as ini:
        ini.write(f"state_dir = {root}/state\nlog.level = warn\n"
                  f"[control]\nurl = http://127.0.0.1:{control_port}\n"
                  f"registration_token = {token}\n"
                  f"[push]\nlisten = 127.0.0.1:{push_port}\n"
                  f"[simulator]\nremoteadmin_url = http://127.0.0.1:{ra_port}\n"
                  f"remoteadmin_password = pw\nregions_dir = {regions_dir}\n"
                  f"command = {emulator}\nstop_on_exit = true\nexternal_host = 127.0.0.1\n"
                  + bridge_ini_extra)
    bridge = subprocess.Popen(
        [os.path.join(build, "bin", "vergegrid-bridge"), "--config",
         os.path.join(root, "bridge.ini")],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(root, "bridge.log"), "w"))
    processes.append(bridge)
    assert wait_for(lambda: os.path.exists(f"{root}/state/identity.json") and
                    _state(emu_port) is not None, 60, 0.05), "bridge/emulator did not start"
    return bridge, emu_port


def stop_stack(processes, work):
    """Stops what start_stack started (newest first, SIGTERM then SIGKILL) and removes `work`."""
    for process in reversed(processes):
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--regions", type=int, default=50)
    parser.add_argument("--idle-s", type=float, default=30.0)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="vergegrid-bridge-bench-")
    processes = []
    try:
        control, bridge, control_port, emu_port = start_stack(
            args.build, work, processes,
            "--close-delay-ms 0 --delete-delay-ms 0 --restart-delay-ms 0 --shutdown-delay-ms 0")
        sim_id = json.load(open(f"{work}/state/identity.json"))["simulator_id"]
        estate = call(control_port, "POST", "/api/v1/estates", {"name": "Bench", "owner": BENCH_OWNER})["id"]

        create_ms, ids = [], []
        for i in range(args.regions):
            name = f"Bench{i}"
            started = time.perf_counter()
            region = call(control_port, "POST", "/api/v1/regions", {
                "name": name, "estate_id": estate, "loc_x": 1000 + i, "loc_y": 1000,
                "port": 20000 + i, "host": "127.0.0.1", "placement": {"simulator_id": sim_id},
                # Deleted at once, as before snapshots: a persistent region's delete waits for
                # its final snapshot (bench/snapshot-bench.py measures that path).
                "lifecycle": "ephemeral"})
            assert wait_for(lambda: _healthy(emu_port, name)), f"{name} never became healthy"
            create_ms.append((time.perf_counter() - started) * 1000)
            ids.append(region["id"])

        def results(kind):
            out = []
            for region_id in ids:
                def done():
                    items = call(control_port, "GET", f"/api/v1/operations?region_id={region_id}")["items"]
                    found = [o for o in items if o["kind"] == kind and o["state"] in ("succeeded", "failed")]
                    if found:
                        out.append(found[0])
                        return True
                    return False
                assert wait_for(done, 30, 0.01), f"no {kind} result for {region_id}"
            return out

        created = results("create")
        assert all(o["state"] == "succeeded" for o in created), created
        delete_ms = []
        for region_id, i in zip(ids, range(len(ids))):
            started = time.perf_counter()
            call(control_port, "DELETE", f"/api/v1/regions/{region_id}")
            assert wait_for(lambda: _state(emu_port) is not None and
                            not any(r["name"] == f"Bench{i}" for r in _state(emu_port)["regions"]))
            delete_ms.append((time.perf_counter() - started) * 1000)
        deleted = results("delete")

        print(f"vergegrid-bridge benchmark: {args.regions} regions, emulator delays 0 ms, build {args.build}")
        summary("REST create -> region healthy", create_ms)
        summary("REST delete -> region gone", delete_ms)
        summary("create: bridge handling", [o["result"]["elapsed_ms"] for o in created])
        summary("create: simulator (RemoteAdmin)", [o["result"]["simulator_ms"] for o in created])
        summary("create: bridge overhead", [o["result"]["elapsed_ms"] - o["result"]["simulator_ms"] for o in created])
        summary("delete: bridge overhead", [o["result"]["elapsed_ms"] - o["result"]["simulator_ms"] for o in deleted])
        print(f"bridge RSS after the run: {proc_status(bridge.pid, 'VmRSS') / 1024:.1f} MiB "
              f"(peak {proc_status(bridge.pid, 'VmHWM') / 1024:.1f} MiB)")
        before = cpu_seconds(bridge.pid)
        time.sleep(args.idle_s)
        idle = cpu_seconds(bridge.pid) - before
        print(f"bridge idle CPU: {idle * 1000:.0f} ms over {args.idle_s:.0f} s "
              f"({idle / args.idle_s * 100:.3f} % of one core; default heartbeat and reconcile periods)")
    finally:
        stop_stack(processes, work)


def _answers(port):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
        return True
    except OSError:
        return False


def _state(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/state", timeout=5) as response:
            return json.loads(response.read())
    except (OSError, http.client.HTTPException):
        return None  # the emulator is restarting (the first region of an empty simulator)


def _healthy(port, name):
    state = _state(port)
    return state is not None and any(r["name"] == name and r["health"] > 0 for r in state["regions"])


if __name__ == "__main__":
    sys.exit(main())
