"""What a region holds at run time, the part of OpenSim's database an OAR carries: the terrain
heightmap, RegionSettings, parcels (LandData), scene objects and the assets they reference.

Kept per region UUID by the simulator, like OpenSim's database rows: closing a region and creating
it again with the same UUID finds its terrain, settings and objects again (the process's memory is
the emulator's database, so a restart of the emulator starts every region fresh)."""

import array
import hashlib
import os
import sys
import threading
import uuid
from dataclasses import dataclass, field

# A fresh region's terrain. OpenSim 0.9.2 generates `[Terrain] InitialTerrain` (default
# "pinhead-island", Perlin noise around an island); "flat" gives 21 m everywhere. The emulator
# uses the flat terrain: a known value everywhere makes "the terrain came back" checkable.
DEFAULT_TERRAIN_HEIGHT = 21.0

# RegionSettings.cs defaults (src), in the order RegionSettingsSerializer writes them.
GENERAL_DEFAULTS = {
    "AllowDamage": False, "AllowLandResell": True, "AllowLandJoinDivide": True, "BlockFly": False,
    "BlockLandShowInSearch": False, "BlockTerraform": False, "DisableCollisions": False,
    "DisablePhysics": False, "DisableScripts": False, "MaturityRating": 1, "RestrictPushing": False,
    "AgentLimit": 40, "ObjectBonus": 1.0,
}
GROUND_TEXTURE_DEFAULTS = {
    "Texture1": "b8d3965a-ad78-bf43-699b-bff8eca6c975", "Texture2": "abb783e6-3e93-26c0-248a-247666855da3",
    "Texture3": "179cdabd-398a-9b6b-1391-4dc333ba321f", "Texture4": "beb169c7-11ea-fff2-efe5-0f24dc881df2",
    "ElevationLowSW": 10.0, "ElevationLowNW": 10.0, "ElevationLowSE": 10.0, "ElevationLowNE": 10.0,
    "ElevationHighSW": 60.0, "ElevationHighNW": 60.0, "ElevationHighSE": 60.0, "ElevationHighNE": 60.0,
}
TERRAIN_DEFAULTS = {
    "WaterHeight": 20.0, "TerrainRaiseLimit": 100.0, "TerrainLowerLimit": -100.0,
    "UseEstateSun": True, "FixedSun": False, "SunPosition": 0.0,
}
SETTING_SECTIONS = (("General", GENERAL_DEFAULTS), ("GroundTextures", GROUND_TEXTURE_DEFAULTS),
                    ("Terrain", TERRAIN_DEFAULTS))
ALL_SETTINGS = {key: value for _, section in SETTING_SECTIONS for key, value in section.items()}

# ArchiveConstants.ASSET_TYPE_TO_EXTENSION for the asset types the emulator's objects use.
ASSET_EXTENSIONS = {
    "texture": "_texture.jp2", "sound": "_sound.ogg", "script": "_script.lsl", "notecard": "_notecard.txt",
    "animation": "_animation.bvh", "object": "_object.xml", "mesh": "_mesh.llmesh",
}
# LLSD asset type numbers (TaskInventoryItem.Type / InvType).
ASSET_TYPE_NUMBERS = {"texture": 0, "sound": 1, "notecard": 7, "script": 10, "animation": 20,
                      "object": 6, "mesh": 49}
# ParcelFlags of a fresh region's parcel (AllowFly|AllowLandmark|AllowOtherScripts|CreateObjects|
# AllowAPrimitiveEntry|AllowDeedToGroup|SoundLocal|AllowVoiceChat|UseEstateVoiceChan...).
DEFAULT_PARCEL_FLAGS = 1879048651


def dotnet_string(value):
    """How C# ToString() spells a setting: True/False, 20 (not 20.0), 0.5."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return f"{value:.15g}"
    return str(value)


def new_parcel(size, owner):
    cells = (size // 4) * (size // 4)
    return {
        "GlobalID": str(uuid.uuid4()), "LocalID": 1, "Name": "Your Parcel", "Description": "",
        "Area": size * size, "OwnerID": owner, "GroupID": "00000000-0000-0000-0000-000000000000",
        "IsGroupOwned": False, "Flags": DEFAULT_PARCEL_FLAGS, "Status": 0, "Category": 0,
        "SalePrice": 0, "ClaimDate": 0, "ClaimPrice": 0, "LandingType": 2,
        "UserLocation": "<0, 0, 0>", "UserLookAt": "<0, 0, 0>",
        "Bitmap": bytes([0xFF]) * (cells // 8),
    }


@dataclass
class SceneObject:
    """A linkset as far as an OAR needs it: one root part, its place, its task inventory (asset
    references, e.g. a script) and optionally the saved state of its script."""
    uuid: str
    name: str
    position: tuple
    owner: str = "00000000-0000-0000-0000-000000000000"
    items: list = field(default_factory=list)  # [{"item_id", "asset_id", "type", "name"}]
    mesh: str = None                              # asset id of a mesh (Shape.SculptTexture)
    script_state: str = None                      # the script's saved state (GroupScriptStates)

    def asset_ids(self):
        ids = [item["asset_id"] for item in self.items]
        return ids + ([self.mesh] if self.mesh else [])

    def summary(self):
        return {"id": self.uuid, "name": self.name, "position": list(self.position),
                "items": [dict(item) for item in self.items], "mesh": self.mesh,
                "script_state": self.script_state}


class RegionState:
    def __init__(self, region_id, size, owner):
        self.lock = threading.RLock()
        self.region_id = region_id
        self.size = size
        self.owner = owner
        self.terrain = array.array("f", [DEFAULT_TERRAIN_HEIGHT]) * (size * size)  # [y * size + x]
        self.settings = dict(ALL_SETTINGS)
        self.parcels = [new_parcel(size, owner)]
        self.objects = []
        self.assets = {}  # uuid -> {"type": name, "data": bytes}

    # --- terrain ---
    def terrain_bytes(self):
        """RAW32 (.r32): float32 little-endian, rows south to north, x inner (src: RAW32.cs)."""
        with self.lock:
            data = array.array("f", self.terrain)
        if data.itemsize != 4:
            raise RuntimeError("float is not 4 bytes on this machine")
        if sys.byteorder != "little":
            data.byteswap()
        return data.tobytes()

    def set_terrain_bytes(self, data, width):
        """Copy a width x width RAW32 map into the terrain (the overlapping part when sizes differ)."""
        values = array.array("f")
        values.frombytes(data)
        if sys.byteorder != "little":
            values.byteswap()
        with self.lock:
            common = min(width, self.size)
            for y in range(common):
                self.terrain[y * self.size:y * self.size + common] = values[y * width:y * width + common]

    def fill_terrain(self, height):
        with self.lock:
            self.terrain = array.array("f", [height]) * (self.size * self.size)

    def height_at(self, x, y):
        with self.lock:
            return self.terrain[y * self.size + x]

    # --- objects ---
    def add_object(self, name, position, script_state=None, with_texture=False, with_mesh=False,
                   asset_bytes=0):
        """A test object; a script state brings a script asset, as a scripted prim would.
        `asset_bytes` > 0 gives it a texture of that many random (incompressible) bytes: how the
        snapshot benchmark makes a gigabyte archive."""
        with self.lock:
            scene_object = self._add_object(name, position, script_state, with_texture, with_mesh)
            if asset_bytes > 0:
                scene_object.items.append(self._new_item("texture", f"{name} big texture", os.urandom(asset_bytes)))
            return scene_object

    def _add_object(self, name, position, script_state, with_texture, with_mesh):
        scene_object = SceneObject(uuid=str(uuid.uuid4()), name=name,
                                   position=tuple(float(p) for p in position), owner=self.owner)
        if script_state is not None:
            scene_object.script_state = script_state
            scene_object.items.append(self._new_item("script", f"{name} script",
                                                     f"default {{ state_entry() {{ llSay(0, \"{name}\"); }} }}\n"))
        if with_texture:
            scene_object.items.append(self._new_item("texture", f"{name} texture", b"\xff\x4f\xff\x51" + name.encode()))
        if with_mesh:
            mesh = str(uuid.uuid4())
            self.assets[mesh] = {"type": "mesh", "data": b"<llsd mesh " + name.encode() + b">"}
            scene_object.mesh = mesh
        self.objects.append(scene_object)
        return scene_object

    def _new_item(self, kind, name, data):
        asset_id = str(uuid.uuid4())
        self.assets[asset_id] = {"type": kind, "data": data.encode() if isinstance(data, str) else data}
        return {"item_id": str(uuid.uuid4()), "asset_id": asset_id, "type": kind, "name": name}

    def clear_objects(self):
        with self.lock:
            self.objects = []

    # --- the test-only read-back ---
    def summary(self):
        data = self.terrain_bytes()
        with self.lock:
            terrain = self.terrain
            middle = self.size // 2
            return {
                "region_id": self.region_id,
                "terrain": {
                    "size": self.size, "sha256": hashlib.sha256(data).hexdigest(),
                    "min": min(terrain), "max": max(terrain), "mean": sum(terrain) / len(terrain),
                    "samples": {"0,0": terrain[0], f"{middle},{middle}": terrain[middle * self.size + middle],
                                f"{self.size - 1},{self.size - 1}": terrain[-1]},
                },
                "settings": dict(self.settings),
                "parcels": [{"id": p["GlobalID"], "local_id": p["LocalID"], "name": p["Name"], "area": p["Area"],
                             "owner": p["OwnerID"]} for p in self.parcels],
                "object_count": len(self.objects),
                "objects": [o.summary() for o in self.objects],
                "assets": sorted(({"id": k, "type": v["type"]} for k, v in self.assets.items()),
                                 key=lambda a: a["id"]),
            }
