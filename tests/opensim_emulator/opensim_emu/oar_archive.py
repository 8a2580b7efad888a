"""admin_save_oar's archive writer and admin_load_oar's reader.

Writing: the entries are serialised when the call comes (OpenSim serialises the scene in the
request), then a background thread writes them into a gzip'd tar, in OpenSim's order: archive.xml,
settings/, landdata/, terrains/, objects/, then assets/ (OpenSim fetches assets on another thread
and closes the archive when they are in). Each entry is flushed to disk as it is written, so a
reader that looks too early sees a gzip stream without its end and a tar without its end blocks.
The fault switches make the writing slow (`slow_oar_write_s`) or kill the process halfway through
it (`die_during_oar_write`), leaving a truncated archive on disk.

Reading follows ArchiveReadRequest.DearchiveRegion (0.9.2, src): the control file first, then the
entries in order; terrain and region settings are applied as they are read, parcels and objects
collected; at the end (without merge) every scene object is deleted, then parcels and objects are
loaded. An error while reading ABORTS the load after logging it, with whatever terrain/settings were
already applied left in place, and OpenSim does not pass the error on: RemoteAdmin still answers
`loaded: true` (src; the facts page does not cover a corrupt archive)."""

import gzip
import os
import tarfile
import threading
import time
import zlib

from . import oar_xml
from .log import log
from .region_state import ASSET_EXTENSIONS, new_parcel

EXTENSION_TO_TYPE = {extension: kind for kind, extension in ASSET_EXTENSIONS.items()}


def _tar_entry(name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    info.mtime = int(time.time())
    header = info.tobuf(format=tarfile.GNU_FORMAT, encoding="utf-8", errors="strict")
    padding = (-len(data)) % tarfile.BLOCKSIZE
    return header, data + b"\0" * padding


def region_entries(scene, state, save_assets, prefix=""):
    """(path, bytes) of one region, in ArchiveWriteRequest.Save's order."""
    with state.lock:
        entries = [(f"{prefix}settings/{scene.name}.xml", oar_xml.settings_file(state.settings).encode("utf-8"))]
        for parcel in state.parcels:
            entries.append((f"{prefix}landdata/{parcel['GlobalID']}.xml", oar_xml.land_file(parcel).encode("utf-8")))
        entries.append((f"{prefix}terrains/{scene.name}.r32", state.terrain_bytes()))
        referenced = []
        for scene_object in state.objects:
            entries.append((prefix + oar_xml.object_path(scene_object),
                            oar_xml.object_file(scene_object).encode("utf-8")))
            referenced.extend(scene_object.asset_ids())
        assets = []
        if save_assets:
            for asset_id in dict.fromkeys(referenced):
                asset = state.assets.get(asset_id)
                if asset is None:
                    log(f"[ARCHIVER]: Could not find asset {asset_id}")
                    continue
                assets.append((f"assets/{asset_id}{ASSET_EXTENSIONS[asset['type']]}", asset["data"]))
    return entries, assets


class OarWriter:
    """One archive being written by a background thread."""

    def __init__(self, path, region_name, entries, faults):
        self.path = path
        self.region_name = region_name
        self.entries = entries
        self.faults = faults
        # FileMode.Create in the request: a missing directory fails the call at once.
        self.handle = open(path, "wb")
        self.done = threading.Event()

    def start(self):
        threading.Thread(target=self._run, daemon=True, name=f"oar {self.region_name}").start()

    def _run(self):
        slow = float(self.faults.value("slow_oar_write_s") or 0)
        die = self.faults.is_set("die_during_oar_write")
        pause = slow / max(1, len(self.entries))
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip stream
        try:
            for index, (name, data) in enumerate(self.entries):
                header, body = _tar_entry(name, data)
                if die and index >= len(self.entries) // 2:
                    # Half an entry reaches the disk, then the process is gone.
                    self._write(compressor, header + body[: len(body) // 2])
                    time.sleep(pause)
                    log(f"[EMULATOR]: fault die_during_oar_write: the simulator dies while writing {name} "
                        f"into {self.path}")
                    os._exit(1)
                self._write(compressor, header + body)
                time.sleep(pause)
            # TarArchiveWriter.Close: two zero blocks end the tar, then the gzip stream is closed.
            self.handle.write(compressor.compress(b"\0" * 1024) + compressor.flush(zlib.Z_FINISH))
            self.handle.close()
        except OSError as error:
            log(f"[ARCHIVER]: Error closing archive: {error} ")
        log(f"[ARCHIVER]: Finished writing out OAR for {self.region_name}")
        self.done.set()

    def _write(self, compressor, data):
        self.handle.write(compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH))
        self.handle.flush()


def save_entries(scene, state, save_assets, multi_region_scenes=None):
    """Every entry of the archive: the control file first (ArchiveWriteRequest.ArchiveRegion)."""
    if multi_region_scenes is None:
        entries, assets = region_entries(scene, state, save_assets)
        control = oar_xml.control_file(scene.region_id, scene.size, save_assets)
        return [("archive.xml", control.encode("utf-8"))] + entries + assets
    entries, assets, cells = [], [], {}
    for other, other_state in multi_region_scenes:
        region_dir = other.name
        more, more_assets = region_entries(other, other_state, save_assets, prefix=f"regions/{region_dir}/")
        entries += more
        assets += [asset for asset in more_assets if asset not in assets]
        cells[(other.x, other.y)] = (other.region_id, region_dir, other.size)
    xs = [x for x, _ in cells]
    ys = [y for _, y in cells]
    rows = []
    for y in range(min(ys), max(ys) + 1):
        row = [cells.get((x, y)) for x in range(min(xs), max(xs) + 1)]
        rows.append(row if any(row) else [])
    control = oar_xml.control_file(scene.region_id, scene.size, save_assets, multi_region=rows)
    return [("archive.xml", control.encode("utf-8"))] + entries + assets


# --- reading ---
class _GzipTarStream:
    """Entries of a gzip'd tar, one at a time, as OpenSim's TarArchiveReader reads them."""

    def __init__(self, path):
        self._file = gzip.open(path, "rb")
        self._tar = tarfile.open(fileobj=self._file, mode="r|")

    def entries(self):
        for member in self._tar:
            if not member.isfile():
                continue
            reader = self._tar.extractfile(member)
            data = reader.read()
            if len(data) != member.size:
                raise EOFError("Unable to read beyond the end of the stream.")
            yield member.name, data

    def close(self):
        self._tar.close()
        self._file.close()


READ_ERRORS = (OSError, EOFError, tarfile.TarError, zlib.error, UnicodeDecodeError, oar_xml.OarFormatError)


def load(scene, state, path, merge, skip_assets):
    """ArchiveReadRequest for one region. The file must exist (the caller checked)."""
    parcels, objects, current = [], [], "NONE"
    try:
        if not _control_file_found(path):
            raise oar_xml.OarFormatError("[ARCHIVER]: Control file not found")
        archive = _GzipTarStream(path)
        try:
            for current, data in archive.entries():
                if current.startswith("objects/"):
                    objects.append(oar_xml.parse_object_file(data.decode("utf-8")))
                elif current.startswith("assets/") and not skip_assets:
                    _load_asset(state, current, data)
                elif current.startswith("terrains/") and not merge:
                    _load_terrain(state, data)
                elif current.startswith("settings/") and not merge:
                    settings = oar_xml.parse_settings_file(data.decode("utf-8"))
                    with state.lock:
                        state.settings.update(settings)
                elif current.startswith("landdata/") and not merge:
                    parcels.append(oar_xml.parse_land_file(data.decode("utf-8")))
                elif current == "archive.xml":
                    oar_xml.parse_control_file(data.decode("utf-8"))
        finally:
            archive.close()
    except READ_ERRORS as error:
        log(f"[ARCHIVER]: Aborting load with error in archive file {current} {type(error).__name__}: {error}")
        return False

    log(f"[ARCHIVER]: Loading region {scene.name}")
    with state.lock:
        if not merge:
            log("[ARCHIVER]: Clearing all existing scene objects")
            state.clear_objects()
            if parcels:
                state.parcels = [_complete_parcel(parcel, state) for parcel in parcels]
            else:
                # Measured on 0.9.2.2: an archive without landdata/ leaves the region's parcels as
                # they are (same GlobalID), the way a settings-only archive is loaded.
                log("[ARCHIVER]: No parcels to load, or skiping load")
        log(f"[ARCHIVER]: Loading {len(objects)} scene objects.  Please wait.")
        existing = {scene_object.uuid for scene_object in state.objects}
        for scene_object in objects:
            if merge and scene_object.uuid in existing:
                continue  # merge keeps the object already in the scene
            state.objects.append(scene_object)
    log("[ARCHIVER]: Successfully loaded archive")
    return True


def _control_file_found(path):
    archive = _GzipTarStream(path)
    try:
        for name, data in archive.entries():
            if name == "archive.xml":
                oar_xml.parse_control_file(data.decode("utf-8"))
                return True
        return False
    finally:
        archive.close()


def _load_terrain(state, data):
    width = int((len(data) // 4) ** 0.5)
    if width == 0 or width * width * 4 != len(data):
        raise EOFError("Unable to read beyond the end of the stream.")
    state.set_terrain_bytes(data, width)


def _load_asset(state, path, data):
    name = path[len("assets/"):]
    separator = name.find("_")
    extension = name[separator:] if separator >= 0 else ""
    kind = EXTENSION_TO_TYPE.get(extension)
    if kind is None:
        log(f"[ARCHIVER]: Tried to dearchive data with path {path} with an unknown type extension {extension}")
        return
    with state.lock:
        state.assets[name[:separator]] = {"type": kind, "data": data}


def _complete_parcel(parcel, state):
    complete = new_parcel(state.size, state.owner)
    complete.update(parcel)
    return complete
