"""Console lines that change a region behind the control plane's back (the facts page's
admin_console_command row): `change region`, `terrain fill`, `set water height`, `region set`.
Whatever they print goes to the simulator's log only; RemoteAdmin answers {} regardless.

Which regions a line acts on follows OpenSim (src): `terrain fill` and `region set` act on the
console's selected region, or on every region when none is selected (`change region root`);
`set water height` acts on every region whose grid location matches (-1 or absent = any)."""

from . import dotnet
from .console_words import split_words
from .create_region_command import CreateRegionCommand
from .estate_commands import NULL_REFERENCE, EstateCommands
from .log import log, output

ROOT_NAMES = ("root", "..", "/")


class ConsoleCommands:
    def __init__(self, simulator, console=None):
        self.sim = simulator
        self.selected = None  # the console's region name (SceneManager.CurrentScene); None = root
        self.estates = EstateCommands(simulator, self.current_or_first_scene)
        self.create_region = CreateRegionCommand(simulator, console)

    def current_or_first_scene(self):
        """SceneManager.CurrentOrFirstScene."""
        scene = self.sim.scene_by_name(self.selected) if self.selected else None
        return scene or self.sim.first_scene()

    def prompt(self):
        return f"Region ({self.selected or 'root'}) # "

    def _selected_scenes(self):
        scene = self.sim.scene_by_name(self.selected) if self.selected else None
        return [scene] if scene else self.sim.scenes()

    def run(self, line):
        """True when the line is one of these commands (its output is logged)."""
        words = split_words(line)
        if self.estates.run(words):
            pass
        elif words[:2] == ["create", "region"]:
            self.create_region.run(words)
        elif words[:2] == ["change", "region"]:
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
                    output(f"Cannot set agent-limit to {value} in {scene.name} as max-agent-limit is {scene.max_agents}")
                    continue
                with state.lock:
                    state.settings["AgentLimit"] = value
                self.sim.persist(scene)
                output(f"agent-limit set to {value} in {scene.name}")  # verified wording
            else:
                scene.max_agents = value
                with state.lock:
                    state.settings["AgentLimit"] = min(state.settings["AgentLimit"], value)
                self.sim.persist(scene)
                output(f"max-agent-limit set to {value} in {scene.name}")

    def _region_get(self):
        """RegionCommandsModule.HandleShowRegion, once per selected region (all at root), in the
        layout a real 0.9.2.2 prints. A region that was not loaded from a region file (made by
        admin_create_region, with or without persist) throws at its "From region file" row (verified: that
        is the facts page's "Object reference not set…"); the regions before it have printed."""
        for scene in self._selected_scenes():
            if not scene.region_file:
                raise dotnet.DotNetError(NULL_REFERENCE)
            settings = self.sim.region_state(scene).settings
            size = f"{scene.size}x{scene.size}"
            handle = ((scene.x * 256) << 32) | (scene.y * 256)
            rows = [
                ("Region ID", scene.region_id), ("Region handle", handle),
                ("Region location", f"{scene.x},{scene.y}"), ("Region size", size),
                ("Maturity", settings["MaturityRating"]), ("Region address", "http://127.0.0.1:9000/"),
                ("From region file", scene.region_file),
                ("External endpoint", f"{scene.external_host}:{scene.port}"),
                ("Internal endpoint", f"{scene.internal_address}:{scene.port}"),
                ("Access level", 13), ("Agent limit", settings["AgentLimit"]),
                ("Max agent limit", scene.max_agents), ("Linkset capacity", "not set"),
                ("Prim capacity", scene.max_prims), ("Prim bonus", _text(settings["ObjectBonus"])),
                ("Max prims per user", "n/a"), ("Clamp prim size", "False"),
                ("Non physical prim min size", "not set"), ("Non physical prim max size", "not set"),
                ("Physical prim min size", "not set"), ("Physical prim max size", "not set"),
                ("Allow Damage", _text(settings["AllowDamage"])),
                ("Allow Land join/divide", _text(settings["AllowLandJoinDivide"])),
                ("Allow land resell", _text(settings["AllowLandResell"])),
                ("Block fly", _text(settings["BlockFly"])),
                ("Block show in search", _text(settings["BlockLandShowInSearch"])),
                ("Block terraform", _text(settings["BlockTerraform"])),
                ("Covenant UUID", "00000000-0000-0000-0000-000000000000"), ("Convenant change Unix time", 0),
                ("Disable collisions", _text(settings["DisableCollisions"])),
                ("Disable physics", _text(settings["DisablePhysics"])),
                ("Disable scripts", _text(settings["DisableScripts"])),
                ("Restrict pushing", _text(settings["RestrictPushing"])),
                ("Fixed sun", _text(settings["FixedSun"])), ("Sun position", _text(settings["SunPosition"])),
                ("Use estate sun", _text(settings["UseEstateSun"])),
                ("Telehub UUID", "00000000-0000-0000-0000-000000000000"),
                ("Terrain lower limit", f"{_text(settings['TerrainLowerLimit'])} m"),
                ("Terrain raise limit", f"{_text(settings['TerrainRaiseLimit'])} m"),
                ("Water height", f"{_text(settings['WaterHeight'])} m"),
                ("Maptile static file", ""), ("Maptile static UUID", "00000000-0000-0000-0000-000000000000"),
                ("Last map refresh", 0), ("Last map UUID", "00000000-0000-0000-0000-000000000000"),
            ]
            output(f"Region information for {scene.name}")
            for label, value in rows:
                output(f"{label:<27}: {value}")
            output("")


def _text(value):
    """C# ToString of a setting: True/False, 20 (not 20.0), 0.5."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return f"{value:.15g}"
    return str(value)
