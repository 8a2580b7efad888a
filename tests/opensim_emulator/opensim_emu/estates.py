"""Estates and region-to-estate links, kept in a JSON file under the simulator directory the way
OpenSim keeps them in its database: they outlive a restart, a closed or deleted region keeps its
link (OpenSim leaves the rows).

The default estate (`[Estates] DefaultEstateName`) does not exist until the first region is loaded
into it (the region loader, or the console's `create region`): a region-less simulator has no estate
at all, so RemoteAdmin cannot create its first region in "My Estate" without owner details (trap 11).
An estate is stored as soon as it is created, before its owner is asked for (trap 12): a simulator
stopped at the owner question finds an owner-less estate at its next start."""

import json
import os
import threading

FIRST_ESTATE_ID = 101


class EstateStore:
    def __init__(self, path, default_name, default_owner, default_at_start=False):
        self._path = path
        self._lock = threading.Lock()
        self._default_name = default_name
        self._default_owner = default_owner
        self._default_at_start = default_at_start
        self.reload()

    def reload(self):
        with self._lock:
            data = {"estates": [], "links": {}}
            if os.path.exists(self._path):
                with open(self._path, encoding="utf-8") as handle:
                    data = json.load(handle)
            self._estates = {int(e["id"]): e for e in data["estates"]}
            self._links = dict(data["links"])
            if self._default_at_start and not any(e["name"] == self._default_name for e in self._estates.values()):
                # --default-estate-at-start: the emulator's behaviour before trap 11 was emulated.
                self._add(self._default_name, self._default_owner)
            self._save()

    def _add(self, name, owner):
        estate_id = max(self._estates, default=FIRST_ESTATE_ID - 1) + 1
        self._estates[estate_id] = {"id": estate_id, "name": name, "owner": owner, "public": True}
        return estate_id

    def _save(self):
        temporary = self._path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump({"estates": list(self._estates.values()), "links": self._links}, handle, indent=1)
        os.replace(temporary, self._path)

    def ids_named(self, name):
        with self._lock:
            return [e["id"] for e in self._estates.values() if e["name"] == name]

    def create(self, name, owner):
        with self._lock:
            estate_id = self._add(name, owner)
            self._save()
            return estate_id

    def default_id(self):
        """The default estate, created now (with the configured owner, or none) when missing:
        OpenSimBase.PopulateRegionEstateInfo while a region is being loaded."""
        with self._lock:
            ids = [e["id"] for e in self._estates.values() if e["name"] == self._default_name]
            if ids:
                return ids[0]
            estate_id = self._add(self._default_name, self._default_owner)
            self._save()
            return estate_id

    def rename(self, estate_id, name):
        with self._lock:
            self._estates[estate_id]["name"] = name
            self._save()

    def regions_of(self, estate_id):
        with self._lock:
            return [region for region, linked in self._links.items() if linked == estate_id]

    def get(self, estate_id):
        with self._lock:
            estate = self._estates.get(estate_id)
            return dict(estate) if estate else None

    def find(self, id_or_name):
        """TargetEstate: an estate id (> 99) or a name."""
        text = id_or_name.strip()
        if text.isdigit() and int(text) > 99:
            return int(text) if self.get(int(text)) else None
        ids = self.ids_named(text)
        return ids[0] if ids else None

    def link(self, region_id, estate_id):
        with self._lock:
            self._links[region_id] = estate_id
            self._save()

    def linked_estate(self, region_id):
        with self._lock:
            return self._links.get(region_id)

    def set_owner(self, estate_id, owner):
        with self._lock:
            self._estates[estate_id]["owner"] = owner
            self._save()

    def set_public(self, estate_id, public):
        with self._lock:
            self._estates[estate_id]["public"] = public
            self._save()

    def all(self):
        with self._lock:
            return [dict(e) for e in self._estates.values()]
