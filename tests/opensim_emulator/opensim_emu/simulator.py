"""The simulator's state: live regions (scenes), estates, users, timings, fault switches.

Timings stand in for the real work (scene start, teardown, restart); the fault switches are the
test-only ways a real simulator misbehaves (a create that fails, hangs or kills the process)."""

import os
import socket
import threading
import time
from dataclasses import dataclass, field

from .agents import Messages
from .log import log
from .region_state import RegionState

HANG_CAP_SECONDS = 600
HEALTHY = 4          # Scene.GetHealth: every check passed
HEALTHY_FLAGS = 7


@dataclass
class Scene:
    name: str
    region_id: str
    x: int
    y: int
    internal_address: str
    port: int
    external_host: str
    estate_id: int
    persistent: bool
    size: int = 256
    # RegionInfo.AgentCapacity, the ceiling of `region set agent-limit`: the file's MaxAgents (100
    # when the file has none); 0 for a region made by admin_create_region (verified: "Cannot set
    # agent-limit to 17 in Gamma as max-agent-limit is 0").
    max_agents: int = 0
    # RegionInfo.ObjectCapacity: the file's MaxPrims, 15000 when absent (verified with `region get`).
    max_prims: int = 15000
    # The file the region was loaded from, as `region get` shows it; None for admin_create_region,
    # even with persist (verified: `region get` then throws for it).
    region_file: str = None
    voice: bool = False
    # The estate as the running region loaded it (RegionInfo.EstateSettings): load_estate().
    estate_name: str = ""
    estate_owner: str = "00000000-0000-0000-0000-000000000000"
    health: int = HEALTHY
    udp: socket.socket = None
    # Avatars on the region ({"name", "id"}), set by a test through the control endpoint; they
    # leave with the scene (a closed or restarted region has none).
    agents: list = field(default_factory=list)


@dataclass
class Timings:
    create_ms: int = 150
    first_create_ms: int = 640
    close_ms: int = 3000
    delete_ms: int = 3000
    start_ms: int = 1000
    restart_ms: int = 6000
    shutdown_ms: int = 10000
    save_oar_ms: int = 5000


class Faults:
    """Switches set through the control endpoint; a hang lasts until cleared (or 10 minutes)."""

    KNOWN = ("fail_next_create", "hang_create", "hang_close", "hang_delete", "exit_during_create",
             "slow_oar_write_s", "die_during_oar_write", "fail_next_load_oar")

    def __init__(self):
        self._condition = threading.Condition()
        self._active = {}

    def apply(self, changes):
        with self._condition:
            if changes.get("clear"):
                self._active.clear()
            for key in self.KNOWN:
                if key in changes:
                    self._active[key] = changes[key]
            self._condition.notify_all()

    def take_failure(self, key="fail_next_create"):
        with self._condition:
            return self._active.pop(key, None)

    def value(self, key):
        with self._condition:
            return self._active.get(key)

    def is_set(self, key):
        with self._condition:
            return bool(self._active.get(key))

    def hang_while(self, key):
        with self._condition:
            if self._active.get(key):
                log(f"[EMULATOR]: fault {key}: call hangs until the faults are cleared")
                self._condition.wait_for(lambda: not self._active.get(key), timeout=HANG_CAP_SECONDS)

    def snapshot(self):
        with self._condition:
            return dict(self._active)


class Simulator:
    def __init__(self, timings, estates, users, regions_dir, region_store=None, default_owner=None,
                 physics="BulletSim"):
        self.timings = timings
        self.estates = estates
        self.users = users  # a UserService
        self.default_owner = default_owner  # [Estates] DefaultEstateOwnerUUID
        self.physics = physics  # [Startup] physics: one engine for every region (0.9.2.2)
        self.regions_dir = regions_dir
        self.sim_dir = os.getcwd()  # where relative OAR/heightmap paths start (OpenSim's bin/)
        self.faults = Faults()
        self.messages = Messages()  # admin_dialog / admin_broadcast, for GET /messages
        # RemoteAdminPlugin.m_requestLock: create, close, delete and modify run one at a time.
        self.request_lock = threading.Lock()
        self._lock = threading.RLock()
        self._scenes = []  # in creation order, like SceneManager
        self._region_states = {}  # region UUID -> RegionState, loaded from / written to the store
        self._region_store = region_store
        self._restarting = False

    # --- lookups (SceneManager.TryGetScene) ---
    def scenes(self):
        with self._lock:
            return list(self._scenes)

    def scene_count(self):
        with self._lock:
            return len(self._scenes)

    def scene_by_id(self, region_id):
        with self._lock:
            return next((s for s in self._scenes if s.region_id == region_id), None)

    def scene_by_name(self, name):
        # 0.9's SceneManager keys scenes by name in a Dictionary: the match is case-sensitive.
        with self._lock:
            return next((s for s in self._scenes if s.name == name), None)

    def scene_at(self, x, y):
        # SceneManager.TryGetScene(locX, locY) compares the corner only, not the region's extent.
        with self._lock:
            return next((s for s in self._scenes if s.x == x and s.y == y), None)

    def first_scene(self):
        with self._lock:
            return self._scenes[0] if self._scenes else None

    def region_state(self, scene):
        """The region's runtime state, kept by UUID like OpenSim's database: a region closed and
        created again with the same UUID finds its terrain, settings, parcels and objects."""
        with self._lock:
            state = self._region_states.get(scene.region_id)
            if state is not None and state.size == scene.size:
                return state
            state = self._region_store.load(scene.region_id, scene.size) if self._region_store else None
            if state is None:
                owner = (self.estates.get(scene.estate_id) or {}).get("owner", "00000000-0000-0000-0000-000000000000")
                # Written at its first change, not now: creating many regions stays cheap.
                state = RegionState(scene.region_id, scene.size, owner)
            self._region_states[scene.region_id] = state
            return state

    def persist(self, scene):
        """Write the region's state through to the store after a change (OpenSim stores terrain,
        settings, parcels and objects in its database as they change)."""
        if self._region_store:
            self._region_store.save(self.region_state(scene))

    def scene_by_name_or_id(self, key):
        return self.scene_by_id(key) or self.scene_by_name(key)

    # --- scene life cycle ---
    def load_estate(self, scene, estate_id=None):
        """The region (re)reads its estate from the database: at load, after `estate link region`
        and on admin_estate_reload."""
        if estate_id is not None:
            scene.estate_id = estate_id
        estate = self.estates.get(scene.estate_id) or {}
        scene.estate_name = estate.get("name", "")
        scene.estate_owner = estate.get("owner", "00000000-0000-0000-0000-000000000000")

    def add_scene(self, scene):
        self.load_estate(scene)
        scene.udp = self._bind_udp(scene)
        self.region_state(scene)
        scene.health = 0 if self._restarting else HEALTHY
        with self._lock:
            self._scenes.append(scene)
        log(f"[SCENE]: Region {scene.name} ({scene.region_id}) at <{scene.x},{scene.y}> port {scene.port} is up")

    def remove_scene(self, scene, delete=False):
        if delete:
            # admin_delete_region deletes the scene objects; terrain, settings and parcels stay in
            # the database (the facts page: "leaves DB rows").
            self.region_state(scene).clear_objects()
            self.persist(scene)
        with self._lock:
            if scene in self._scenes:
                self._scenes.remove(scene)
        if scene.udp:
            scene.udp.close()
            scene.udp = None
        log(f"[SCENE]: Region {scene.name} ({scene.region_id}) closed")

    def _bind_udp(self, scene):
        # The region's UDP port is bound while it is live. A port another region already holds is
        # not an error here: OpenSim's duplicate-port check never fires (trap 3).
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.bind((scene.internal_address, scene.port))
            return udp
        except OSError as error:
            log(f"[EMULATOR]: WARNING region {scene.name}: could not bind UDP {scene.internal_address}:{scene.port}: {error}")
            udp.close()
            return None

    def wait_create(self):
        first = self.scene_count() == 0
        time.sleep((self.timings.first_create_ms if first else self.timings.create_ms) / 1000)

    # --- whole-simulator operations ---
    def restart_all(self, countdown_seconds):
        """admin_restart: every region goes down and comes back, not only the named one (trap 4)."""
        def run():
            time.sleep(countdown_seconds)
            log("[RESTART]: Restarting all regions")
            with self._lock:
                self._restarting = True
                down = list(self._scenes)
                for scene in down:
                    scene.health = 0
                    scene.agents = []  # a restarting region logs its avatars out
                    if scene.udp:
                        scene.udp.close()
                        scene.udp = None
            time.sleep(self.timings.restart_ms / 1000)
            with self._lock:
                self._restarting = False
                for scene in self._scenes:
                    scene.udp = self._bind_udp(scene)
                    scene.health = HEALTHY
            log("[RESTART]: All regions are back")

        threading.Thread(target=run, daemon=True).start()

    def shutdown_after(self, timer_ms):
        def run():
            time.sleep(timer_ms / 1000)
            log("[SHUTDOWN]: Shutting down the simulator")
            with self._lock:
                for scene in self._scenes:
                    scene.health = 0
            time.sleep(self.timings.shutdown_ms / 1000)
            exit_process(0, "Shutdown complete")

        threading.Thread(target=run, daemon=True).start()

    def region_summary(self, scene):
        """Every setting the running region has, for GET /regions/<region>/state (RegionSettings and
        parcels come from the region's runtime state)."""
        estate = self.estates.get(scene.estate_id) or {}
        owner_name = self.users.name(scene.estate_owner)
        return {"name": scene.name, "id": scene.region_id, "x": scene.x, "y": scene.y, "port": scene.port,
                "size": scene.size, "health": scene.health, "persistent": scene.persistent,
                "region_file": scene.region_file, "max_agents": scene.max_agents, "max_prims": scene.max_prims,
                "physics": self.physics, "voice": scene.voice, "public": estate.get("public", True),
                # What the region loaded (estate show reports this); the database may be newer.
                "estate": {"id": scene.estate_id, "name": scene.estate_name, "owner": scene.estate_owner,
                           "owner_name": f"{owner_name[0]} {owner_name[1]}" if owner_name else None}}

    def state(self):
        with self._lock:
            regions = [{"name": s.name, "id": s.region_id, "x": s.x, "y": s.y, "port": s.port,
                        "estate": (self.estates.get(s.estate_id) or {}).get("name", ""),
                        "estate_id": s.estate_id, "health": s.health, "persistent": s.persistent,
                        "voice": s.voice, "udp_bound": s.udp is not None,
                        "water_height": self.region_state(s).settings["WaterHeight"],
                        "object_count": len(self.region_state(s).objects)}
                       for s in self._scenes]
        return {"regions": regions, "pid": os.getpid(), "estates": self.estates.all(),
                "users": self.users.all(),
                "faults": self.faults.snapshot()}


def exit_process(status, message):
    log(f"[EMULATOR]: {message}; exiting with status {status}")
    os._exit(status)
