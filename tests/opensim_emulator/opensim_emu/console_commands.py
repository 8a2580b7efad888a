"""Console lines that change a region behind the control plane's back (the facts page's
admin_console_command row): `change region`, `terrain fill`, `set water height`, `region set`.
Whatever they print goes to the simulator's log only; RemoteAdmin answers {} regardless.

Which regions a line acts on follows OpenSim (src): `terrain fill` and `region set` act on the
console's selected region, or on every region when none is selected (`change region root`);
`set water height` acts on every region whose grid location matches (-1 or absent = any)."""

from . import dotnet
from .log import log

ROOT_NAMES = ("root", "..", "/")


class ConsoleCommands:
    def __init__(self, simulator):
        self.sim = simulator
        self.selected = None  # the console's region name (SceneManager.CurrentScene); None = root

    def prompt(self):
        return f"Region ({self.selected or 'root'}) # "

    def _selected_scenes(self):
        scene = self.sim.scene_by_name(self.selected) if self.selected else None
        return [scene] if scene else self.sim.scenes()

    def run(self, line):
        """True when the line is one of these commands (its output is logged)."""
        words = line.split()
        if words[:2] == ["change", "region"]:
            self._change_region(words[2:])
        elif words[:2] == ["terrain", "fill"]:
            self._terrain_fill(words[2:])
        elif words[:3] == ["set", "water", "height"]:
            self._set_water_height(words[3:])
        elif words[:2] == ["region", "set"]:
            self._region_set(words[2:])
        elif words[:2] == ["region", "get"]:
            self._region_get()
        else:
            return False
        return True

    def _change_region(self, words):
        if not words:
            log("Usage: change region <region name>")
            return
        name = " ".join(words)
        if name in ROOT_NAMES:
            self.selected = None
        elif self.sim.scene_by_name(name) is None:
            log(f"Couldn't select region {name}")
            return
        else:
            self.selected = name
        log(f"Currently selected region is {self.selected or 'root'}")

    def _terrain_fill(self, words):
        if len(words) != 1:
            log("Error: terrain fill <value>: Fills the current heightmap with a specified value.")
            return
        try:
            height = float(words[0])
        except ValueError:
            log(f"Error: {dotnet.BAD_FORMAT}")
            return
        for scene in self._selected_scenes():
            self.sim.region_state(scene).fill_terrain(height)
            self.sim.persist(scene)
            log(f"[TERRAIN]: Filled the terrain of {scene.name} to {height:g} m")

    def _set_water_height(self, words):
        if not 1 <= len(words) <= 3:
            log("Usage: set water height <height> [<x>] [<y>]")
            return
        try:
            height = float(words[0])
            x = int(words[1]) if len(words) > 1 else -1
            y = int(words[2]) if len(words) > 2 else -1
        except ValueError:
            log(f"Error: {dotnet.BAD_FORMAT}")
            return
        for scene in self.sim.scenes():
            if x in (-1, scene.x) and y in (-1, scene.y):
                state = self.sim.region_state(scene)
                with state.lock:
                    state.settings["WaterHeight"] = height
                self.sim.persist(scene)
                log(f"[ESTATEMODULE]: Setting water height in {scene.name} to {height:g}")

    def _region_set(self, words):
        if len(words) != 2:
            log("Usage: region set <param> <value>")
            return
        param, raw = words
        if param not in ("agent-limit", "max-agent-limit"):
            log(f"Invalid param {param}")
            return
        if not raw.isdigit():
            log(f"ERROR: {raw} is not a valid natural number")
            return
        value = int(raw)
        for scene in self._selected_scenes():
            state = self.sim.region_state(scene)
            if param == "agent-limit":
                if value > scene.max_agents:
                    log(f"Cannot set agent-limit to {value} in {scene.name} as max-agent-limit is {scene.max_agents}")
                    continue
                with state.lock:
                    state.settings["AgentLimit"] = value
                self.sim.persist(scene)
                log(f"Set agent-limit to {value} in {scene.name}")
            else:
                scene.max_agents = value
                with state.lock:
                    state.settings["AgentLimit"] = min(state.settings["AgentLimit"], value)
                self.sim.persist(scene)
                log(f"Set max-agent-limit to {value} in {scene.name}")

    def _region_get(self):
        scene = self.sim.scene_by_name(self.selected) if self.selected else None
        if scene is None:
            # Without a selected console region OpenSim dereferences a null scene (facts page).
            log(f"[CONSOLE]: Exception: {dotnet.NULL_REFERENCE}")
            return
        settings = self.sim.region_state(scene).settings
        log(f"Region Name: {scene.name}")
        log(f"Region ID: {scene.region_id}")
        log(f"Location: {scene.x},{scene.y}")
        log(f"Maturity: {settings['MaturityRating']}")
        log(f"Agent limit: {settings['AgentLimit']}")
        log(f"Max agent limit: {scene.max_agents}")
