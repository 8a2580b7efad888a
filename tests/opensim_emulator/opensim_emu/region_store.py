"""The emulator's stand-in for OpenSim's region database: each region's runtime state in
DIR/emulator-regions/<region UUID>.json (+ .r32 for the terrain), written through on every change.
Like OpenSim's database it outlives a restart of the simulator, a close and a delete (a delete
removes the objects only: the facts page's "leaves DB rows")."""

import base64
import json
import os
import threading

from .region_state import RegionState, SceneObject


class RegionStore:
    def __init__(self, directory):
        self._directory = directory
        self._lock = threading.Lock()  # one writer at a time: the temporary files are shared
        os.makedirs(directory, exist_ok=True)

    def _paths(self, region_id):
        base = os.path.join(self._directory, region_id)
        return base + ".json", base + ".r32"

    def load(self, region_id, size):
        """The stored state, or None when there is none (or it is for another region size)."""
        json_path, terrain_path = self._paths(region_id)
        if not (os.path.exists(json_path) and os.path.exists(terrain_path)):
            return None
        with open(json_path, encoding="utf-8") as handle:
            data = json.load(handle)
        if data["size"] != size:
            return None
        state = RegionState(region_id, size, data["owner"])
        state.settings.update(data["settings"])
        state.parcels = [dict(parcel, Bitmap=base64.b64decode(parcel["Bitmap"])) for parcel in data["parcels"]]
        state.objects = [SceneObject(uuid=o["uuid"], name=o["name"], position=tuple(o["position"]), owner=o["owner"],
                                     items=o["items"], mesh=o["mesh"], script_state=o["script_state"])
                         for o in data["objects"]]
        state.assets = {key: {"type": value["type"], "data": base64.b64decode(value["data"])}
                        for key, value in data["assets"].items()}
        with open(terrain_path, "rb") as handle:
            state.set_terrain_bytes(handle.read(), size)
        return state

    def save(self, state):
        json_path, terrain_path = self._paths(state.region_id)
        with state.lock:
            data = {
                "size": state.size, "owner": state.owner, "settings": dict(state.settings),
                "parcels": [dict(parcel, Bitmap=base64.b64encode(parcel["Bitmap"]).decode()) for parcel in state.parcels],
                "objects": [{"uuid": o.uuid, "name": o.name, "position": list(o.position), "owner": o.owner,
                             "items": o.items, "mesh": o.mesh, "script_state": o.script_state} for o in state.objects],
                "assets": {key: {"type": value["type"], "data": base64.b64encode(value["data"]).decode()}
                           for key, value in state.assets.items()},
            }
            terrain = state.terrain_bytes()
        with self._lock:
            _replace(terrain_path, terrain)
            _replace(json_path, json.dumps(data).encode("utf-8"))


def _replace(path, data):
    temporary = path + ".tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)
