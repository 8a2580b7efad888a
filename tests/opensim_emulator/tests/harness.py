"""Starts the emulator as a real process on free loopback ports and talks to it over real
XML-RPC (xmlrpc.client) and its JSON control endpoint."""

import json
import os
import random
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request
import xmlrpc.client

EMULATOR = os.environ.get("OPENSIM_EMULATOR") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "opensim-emulator")
PASSWORD = "secret"
WAIT_SECONDS = 15
# Launches of one Emulator when a port free_port() chose was taken before the emulator bound it.
START_ATTEMPTS = 3
ALPHA_ID = "11111111-1111-1111-1111-111111111111"

# Short delays so the suite stays fast; tests that are about a delay set their own.
FAST = ["--start-delay-ms", "0", "--create-delay-ms", "0", "--first-create-delay-ms", "0",
        "--close-delay-ms", "50", "--delete-delay-ms", "50", "--restart-delay-ms", "300",
        "--shutdown-delay-ms", "100", "--save-oar-delay-ms", "200",
        "--region-load-delay-ms", "0"]


def _ephemeral_range_start():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as range_file:
            return int(range_file.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port(kind=socket.SOCK_STREAM):
    """A loopback port free now, below the ephemeral range: a kernel-chosen port is also what
    parallel tests' outgoing connections take as their local port, so it could be gone before
    the emulator binds it."""
    top = max(_ephemeral_range_start(), 21000)
    for _ in range(200):
        port = random.randrange(20000, top)
        with socket.socket(socket.AF_INET, kind) as probe:
            try:
                probe.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise AssertionError("no free loopback port below the ephemeral range after 200 tries")


def udp_port_in_use(port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return False
        except OSError:
            return True


def write_ini(path, sections, newline="\r\n"):
    """sections: {region name: {key: value}}"""
    lines = []
    for name, keys in sections.items():
        lines.append(f"[{name}]")
        lines.extend(f"{key} = {value}" for key, value in keys.items())
        lines.append("")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(newline.join(lines))


def region_keys(region_id, x, y, port):
    return {"RegionUUID": region_id, "Location": f"{x},{y}", "InternalAddress": "127.0.0.1",
            "InternalPort": str(port), "ExternalHostName": "127.0.0.1"}


class Emulator:
    def __init__(self, sim_dir, extra_args=(), fast=True, wait=True, stdin_open=True):
        self.sim_dir = sim_dir
        self.regions_dir = os.path.join(sim_dir, "Regions")
        self._extra = (FAST if fast else []) + list(extra_args)
        self._stdin_open = stdin_open
        self._output = []  # kept across launches: a failed one's lines say why it was repeated
        self._launch()
        if wait:
            self.wait_ready()

    def _launch(self):
        self.port = free_port()
        self.control_port = free_port()
        while self.control_port == self.port:
            self.control_port = free_port()
        args = [EMULATOR, "--sim-dir", self.sim_dir, "--remoteadmin-port", str(self.port),
                "--password", PASSWORD, "--control-port", str(self.control_port)] + self._extra
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE if self._stdin_open else subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        # Chunks, not lines: a console prompt has no newline.
        for chunk in iter(lambda: self.process.stdout.read1(4096), b""):
            self._output.append(chunk.decode("utf-8", "replace"))

    def output(self):
        return "".join(self._output)

    def wait_output(self, text, seconds=WAIT_SECONDS):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in self.output():
                return True
            time.sleep(0.02)
        return False

    def wait_ready(self):
        """Until start-up has finished and RemoteAdmin accepts a connection (or the process is gone).

        A free_port() is only free when it is probed: a parallel test's process (other suites run
        alongside under ctest -j) can bind it before the emulator does, which then exits at once
        and every call was refused. That is the harness's bad luck, not the emulator's: start it
        again on fresh ports (bounded). A refused connection while the process runs is retried
        until the deadline."""
        deadline = time.monotonic() + WAIT_SECONDS
        launches = 1
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if launches < START_ATTEMPTS and self._lost_a_port():
                    self._reap()
                    self._launch()
                    launches += 1
                    continue
                return
            if "Startup complete" in self.output() and self._accepts_connections():
                return
            time.sleep(0.02)
        raise AssertionError("emulator did not start:\n" + self.output())

    def _lost_a_port(self):
        self._reader.join(timeout=5)  # its last lines name the port it could not listen on
        return "cannot listen on" in self.output() or "Address already in use" in self.output()

    def _reap(self):
        if self.process.stdin:
            self.process.stdin.close()
        self.process.stdout.close()

    def _accepts_connections(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except (ConnectionRefusedError, socket.timeout):
            return False

    def proxy(self):
        # One per call: a ServerProxy must not be shared between threads.
        return xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}/")

    def call(self, method, **params):
        params.setdefault("password", PASSWORD)
        return getattr(self.proxy(), method)(params)

    def call_raw(self, method, *params):
        return getattr(self.proxy(), method)(*params)

    def create(self, name, x, y, port, **extra):
        params = {"region_name": name, "listen_ip": "127.0.0.1", "external_address": "127.0.0.1",
                  "estate_name": "My Estate", "region_x": x, "region_y": y, "listen_port": port}
        params.update(extra)
        return self.call("admin_create_region", **params)

    def health(self, name):
        return self.call("admin_region_query", region_name=name)["health"]

    def wait_health(self, name, predicate, seconds=WAIT_SECONDS):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate(self.health(name)):
                return True
            time.sleep(0.02)
        return False

    def wait_state(self, predicate, seconds=WAIT_SECONDS):
        """Until predicate(state) holds for one /state snapshot (taken under the simulator's lock)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate(self.state()):
                return True
            time.sleep(0.02)
        return False

    def state(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.control_port}/state", timeout=5) as reply:
            return json.loads(reply.read())

    def faults(self, body):
        return self.control_post("/faults", body)

    def control_post(self, path, body):
        request = urllib.request.Request(f"http://127.0.0.1:{self.control_port}{path}",
                                         data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as reply:
            return json.loads(reply.read())

    def region_state(self, region):
        """The control endpoint's read-back of a region's runtime state (terrain, settings, ...)."""
        path = f"/regions/{urllib.parse.quote(region, safe='')}/state"
        with urllib.request.urlopen(f"http://127.0.0.1:{self.control_port}{path}", timeout=5) as reply:
            return json.loads(reply.read())

    def add_object(self, region, name, position=(128, 128, 25), **options):
        body = {"name": name, "position": list(position)}
        body.update(options)
        return self.control_post(f"/regions/{urllib.parse.quote(region, safe='')}/objects", body)

    def change(self, region, what, body):
        return self.control_post(f"/regions/{urllib.parse.quote(region, safe='')}/{what}", body)

    def send_stdin(self, text):
        self.process.stdin.write(text.encode())
        self.process.stdin.flush()

    def close_stdin(self):
        self.process.stdin.close()

    def wait_exit(self, seconds=WAIT_SECONDS):
        try:
            status = self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return None
        # The process is gone, but its last lines may still be in the pipe: read them all first.
        self._reader.join(timeout=5)
        return status

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            if self.wait_exit(5) is None:
                self.process.kill()
                self.process.wait()
        if self.process.stdin:
            self.process.stdin.close()
        self._reader.join(timeout=5)
        self.process.stdout.close()


class EmulatorTestCase(unittest.TestCase):
    """A fresh simulator directory per test; emulators started with start() are stopped after."""

    def setUp(self):
        self._temp = tempfile.TemporaryDirectory(prefix="opensim-emulator-test-")
        self.sim_dir = self._temp.name
        self.regions_dir = os.path.join(self.sim_dir, "Regions")
        os.makedirs(self.regions_dir)
        self._emulators = []

    def tearDown(self):
        for emulator in self._emulators:
            emulator.stop()
        self._temp.cleanup()

    def start(self, *extra_args, **options):
        emulator = Emulator(self.sim_dir, extra_args, **options)
        self._emulators.append(emulator)
        return emulator

    def start_with_region(self, *extra_args, name="Alpha", region_id=ALPHA_ID, x=1000, y=1000, **options):
        port = free_port(socket.SOCK_DGRAM)
        write_ini(os.path.join(self.regions_dir, f"{name}.ini"), {name: region_keys(region_id, x, y, port)})
        return self.start(*extra_args, **options), port

    def region_files(self):
        return sorted(os.listdir(self.regions_dir))

    def assertError(self, answer, message):  # noqa: N802 - unittest style
        self.assertIs(answer.get("success"), False, answer)
        self.assertEqual(answer.get("error"), message, answer)


class SharedEmulatorTestCase(EmulatorTestCase):
    """One emulator with region Alpha for the whole class, for tests that leave its state as found."""

    @classmethod
    def setUpClass(cls):
        cls._class_temp = tempfile.TemporaryDirectory(prefix="opensim-emulator-test-")
        cls.shared_dir = cls._class_temp.name
        regions = os.path.join(cls.shared_dir, "Regions")
        os.makedirs(regions)
        cls.alpha_port = free_port(socket.SOCK_DGRAM)
        write_ini(os.path.join(regions, "Alpha.ini"), {"Alpha": region_keys(ALPHA_ID, 1000, 1000, cls.alpha_port)})
        cls.emulator = Emulator(cls.shared_dir)

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()
        cls._class_temp.cleanup()
