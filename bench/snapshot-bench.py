#!/usr/bin/env python3
"""Hand-run benchmark of a region snapshot and restore of a big OAR (never in CI; figures go to
docs/benchmarks.md).

The path users take: a control plane, a bridge and the OpenSim emulator on loopback; one region
(region_state_mode full, so the bridge keeps the archive as OpenSim wrote it) whose object carries
an incompressible texture of --size-mib MiB. Then
  - POST /regions/{id}/snapshots: the emulator writes the OAR, the bridge checks it is whole,
    hashes it and uploads it in chunks; the control plane stores it in its filesystem store;
  - the region's terrain is changed behind VergeGrid's back;
  - POST /regions/{id}/restore (the region is ephemeral: no before-restore snapshot), the bridge
    downloads the archive, checks its SHA-256 and loads it; the old terrain must be back.
The operations' reported progress (phase, bytes) is sampled every 50 ms: the upload and download
rates are bytes over the time the operation spent in that phase. With each sample the CPU time
(user + system, /proc/<pid>/stat) of the control plane and the bridge is read, and each phase's
CPU seconds per GiB of archive are printed: on a shared machine the rates follow the load, the
CPU cost per byte much less (the load average is printed too). Peak RSS (VmHWM) of the control
plane and the bridge is compared with their resident size at idle, before the first snapshot.

Usage: bench/snapshot-bench.py [--build build-bench] [--size-mib 1024]
"""
import argparse
import importlib.util
import json
import os
import tempfile
import time
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


class PhaseClock:
    """Follows one operation's progress: when each phase was first and last seen, bytes moved,
    and the CPU time (user + system) each watched process had used by then."""

    def __init__(self, pids):
        self.pids = pids  # name -> pid
        self.first, self.last, self.bytes = {}, {}, {}
        self.cpu_at_first = {}  # phase -> {name: CPU seconds when the phase was first seen}
        self.cpu_now = {}

    def see(self, operation):
        progress = operation.get("progress")
        now = time.monotonic()
        self.cpu_now = {name: bb.cpu_seconds(pid) for name, pid in self.pids.items()}
        if not progress:
            return
        phase = progress.get("phase", "")
        if phase not in self.first:
            self.first[phase] = now
            self.cpu_at_first[phase] = self.cpu_now
        self.last[phase] = now
        self.bytes[phase] = max(self.bytes.get(phase, 0), progress.get("bytes_done", 0))

    def cpu(self, phase):
        """CPU seconds each process spent in `phase`: from its first sample to the first sample
        of the next phase (or the operation's end). Sampled every 50 ms, so a phase of a few
        seconds is measured to a few per cent."""
        if phase not in self.first:
            return None
        later = sorted((t, p) for p, t in self.first.items() if t > self.first[phase])
        end = self.cpu_at_first[later[0][1]] if later else self.cpu_now
        return {name: end[name] - self.cpu_at_first[phase][name] for name in self.pids}

    def rate(self, phase, size, ended):
        if phase not in self.first:
            return None
        # A phase ends when the next one starts (or the operation ends).
        later = [t for p, t in self.first.items() if t > self.first[phase]]
        end = min(later) if later else ended
        seconds = max(end - self.first[phase], 1e-3)
        return size / seconds / 1e6, seconds


def follow(control_port, region_id, kind, newer_than, pids):
    """Waits for the newest `kind` operation of the region with id > newer_than to end."""
    clock, found = PhaseClock(pids), None
    while True:
        items = bb.call(control_port, "GET", f"/api/v1/operations?region_id={region_id}&limit=20")["items"]
        ops = [o for o in items if o["kind"] == kind and o["id"] > newer_than]
        if ops:
            found = min(ops, key=lambda o: o["id"])
            clock.see(found)
            if found["state"] in ("succeeded", "failed"):
                return found, clock, time.monotonic()
        time.sleep(0.05)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build-bench"))
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--chunk-mib", type=int, default=8,
                        help="upload chunk: the bridge's snapshots.chunk_bytes and the control "
                             "plane's snapshots.max_chunk_bytes")
    args = parser.parse_args()
    size = args.size_mib << 20

    work = tempfile.mkdtemp(prefix="vergegrid-snapshot-bench-")
    processes = []
    try:
        os.environ["VERGEGRID_SNAPSHOTS_MAX_CHUNK_BYTES"] = str(args.chunk_mib << 20)
        control, bridge, control_port, emu_port = bb.start_stack(
            args.build, work, processes, "--save-oar-delay-ms 0",
            f"[snapshots]\nchunk_bytes = {args.chunk_mib << 20}\n")
        sim_id = json.load(open(f"{work}/state/identity.json"))["simulator_id"]
        estate = bb.call(control_port, "POST", "/api/v1/estates", {"name": "Bench", "owner": bb.BENCH_OWNER})["id"]
        region = bb.call(control_port, "POST", "/api/v1/regions", {
            "name": "Big", "estate_id": estate, "loc_x": 1000, "loc_y": 1000, "port": 21000,
            "host": "127.0.0.1", "region_state_mode": "full", "lifecycle": "ephemeral",
            "placement": {"simulator_id": sim_id}})
        assert bb.wait_for(lambda: bb._healthy(emu_port, "Big"), 30), "region never became healthy"
        # Live is not done: the create goes on to apply the region's settings (a settings archive
        # load clears the objects of the region it just made), so the payload comes after it.
        created, _, _ = follow(control_port, region["id"], "create", 0,
                               {"control": control.pid, "bridge": bridge.pid})
        assert created["state"] == "succeeded", created
        emulator(emu_port, "POST", "/regions/Big/objects", {"name": "Payload", "asset_bytes": size})
        emulator(emu_port, "POST", "/regions/Big/terrain", {"fill": 42.0})
        saved_terrain = emulator(emu_port, "GET", "/regions/Big/state")["terrain"]["sha256"]
        time.sleep(2)
        idle = {name: bb.proc_status(p.pid, "VmRSS") for name, p in (("control", control), ("bridge", bridge))}

        started = time.monotonic()
        taken = bb.call(control_port, "POST", f"/api/v1/regions/{region['id']}/snapshots", {})
        pids = {"control": control.pid, "bridge": bridge.pid}
        snap_op, snap_clock, snap_end = follow(control_port, region["id"], "snapshot", 0, pids)
        assert snap_op["state"] == "succeeded", snap_op
        snapshot = bb.call(control_port, "GET", f"/api/v1/snapshots/{taken['id']}")
        assert snapshot["state"] == "complete", snapshot
        archive = snapshot["size_bytes"]
        snap_total = snap_end - started

        emulator(emu_port, "POST", "/regions/Big/terrain", {"fill": 7.0})
        started = time.monotonic()
        bb.call(control_port, "POST", f"/api/v1/regions/{region['id']}/restore", {"snapshot_id": taken["id"]})
        load_op, load_clock, load_end = follow(control_port, region["id"], "restore", snap_op["id"],
                                                pids)
        assert load_op["state"] == "succeeded", load_op
        restore_total = load_end - started
        assert emulator(emu_port, "GET", "/regions/Big/state")["terrain"]["sha256"] == saved_terrain, \
            "the restore did not bring the terrain back"

        peak = {name: bb.proc_status(p.pid, "VmHWM") for name, p in (("control", control), ("bridge", bridge))}
        print(f"snapshot benchmark: archive {archive / 2**20:.0f} MiB, build {args.build}")
        print(f"snapshot (save + check + hash + upload): {snap_total:.1f} s")
        for phase, clock, end in (("uploading", snap_clock, snap_end), ("downloading", load_clock, load_end)):
            rate = clock.rate(phase, archive, end)
            if rate:
                cpu = clock.cpu(phase)
                gib = archive / 2**30
                print(f"  {phase:12s} {rate[0]:8.1f} MB/s  ({rate[1]:.1f} s); CPU s per GiB: "
                      + ", ".join(f"{name} {cpu[name] / gib:.2f}" for name in ("control", "bridge")))
            else:
                print(f"  {phase:12s} not seen in the progress samples")
        print(f"restore (download + check + load): {restore_total:.1f} s")
        print("phases seen: snapshot " + ", ".join(snap_clock.first) + "; restore " + ", ".join(load_clock.first))
        for name in ("control", "bridge"):
            print(f"{name:8s} RSS idle {idle[name] / 1024:7.1f} MiB, peak {peak[name] / 1024:7.1f} MiB, "
                  f"peak above idle {(peak[name] - idle[name]) / 1024:7.1f} MiB")
        with open("/proc/loadavg") as f:
            print("load average (1, 5, 15 min): " + " ".join(f.read().split()[:3]))
    finally:
        bb.stop_stack(processes, work)


if __name__ == "__main__":
    main()
