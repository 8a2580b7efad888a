"""RemoteAdmin's methods for a region's runtime state: admin_save_oar, admin_load_oar,
admin_save_heightmap, admin_load_heightmap (RemoteAdminPlugin.cs 0.9.2, the facts page's section
"Region state, settings and estates").

File names are paths on the simulator's host; a relative one is taken from the simulator's
directory (--sim-dir, OpenSim's bin/ where it runs). .NET messages name the full path."""

import os
import time
import uuid

from . import heightmap, oar_archive
from .dotnet import DotNetError, cast_string
from .log import log
from .remote_admin_checks import OpenSimError, check_region_parameters, check_string_parameters


def _full_path(sim, filename):
    return os.path.abspath(os.path.join(sim.sim_dir, filename))


def _open_error(error, path):
    """The .NET exception a FileStream constructor throws, as Mono words it."""
    if isinstance(error, FileNotFoundError):
        return OpenSimError(f'Could not find a part of the path "{path}".')
    if isinstance(error, (IsADirectoryError, PermissionError)):
        return OpenSimError(f'Access to the path "{path}" is denied.')
    return OpenSimError(str(error))


def save_oar(admin, request, response):
    """Not under the request lock. The archive is written by a background thread; the answer comes
    after the fixed wait (5 s: OpenSim's Monitor.Wait is never woken in time) whether or not the
    writing finished, and says saved: true either way."""
    log("[RADMIN]: Received Save OAR Request")
    try:
        check_string_parameters(request, response, ["filename"])
        check_region_parameters(request, response)
        scene = admin.scene_from_parameters(request, response)
        filename = request["filename"]
        if "home" in request:
            log(f"[RADMIN]: Save OAR: home {cast_string(request['home'])!r}")
        save_assets = cast_string(request.get("noassets")) != "true"
        if "perm" in request:
            # The emulator's objects are the estate owner's with full permissions: every one passes.
            log(f"[ARCHIVER]: Checking permissions {cast_string(request['perm'])!r}: every object may be saved")
        everything = cast_string(request.get("all")) == "true"
        request_id = uuid.uuid4()
        log(f"[RADMIN]: Submitting save OAR request for {scene.name} to file {filename}, request ID {request_id}")

        sim = admin.sim
        if everything:
            scenes = [(other, sim.region_state(other)) for other in sim.scenes()]
            entries = oar_archive.save_entries(scene, sim.region_state(scene), save_assets, scenes)
        else:
            entries = oar_archive.save_entries(scene, sim.region_state(scene), save_assets)
        path = _full_path(sim, filename)
        try:
            writer = oar_archive.OarWriter(path, scene.name, entries, sim.faults)
        except OSError as error:
            raise _open_error(error, path) from None
        writer.start()
        time.sleep(sim.timings.save_oar_ms / 1000)
        response["saved"] = True
    except DotNetError:
        response["saved"] = False
        raise
    log("[RADMIN]: Save OAR Request complete")


def load_oar(admin, request, response):
    """Synchronous, under the request lock. Without merge: the region's objects and parcels are
    replaced and terrain and settings restored; with merge: objects are added, the rest kept."""
    log("[RADMIN]: Received Load OAR Administrator Request")
    with admin.sim.request_lock:
        try:
            check_string_parameters(request, response, ["filename"])
            check_region_parameters(request, response)
            scene = admin.scene_from_parameters(request, response)
            merge = cast_string(request.get("merge")) == "true"
            skip_assets = cast_string(request.get("skip-assets")) == "true"
            path = _full_path(admin.sim, request["filename"])
            if not os.path.exists(path):
                if not os.path.isdir(os.path.dirname(path)):
                    raise OpenSimError(f'Could not find a part of the path "{path}".')
                raise OpenSimError(f'Could not find file "{path}"')
            if os.path.isdir(path):
                raise OpenSimError(f'Access to the path "{path}" is denied.')
            log(f"[ARCHIVER]: Loading archive to region {scene.name} from {path}")
            # Test fault: a region archive's load fails once with the given text, the region left
            # as it was (a move's target that cannot load). Loads with skip-assets (the bridge's
            # settings-only archives, which every create applies) do not take it.
            failure = None if skip_assets else admin.sim.faults.take_failure("fail_next_load_oar")
            if failure:
                raise OpenSimError(failure)
            # A corrupt archive is logged and abandoned inside OpenSim; the answer is still loaded.
            oar_archive.load(scene, admin.sim.region_state(scene), path, merge, skip_assets)
            admin.sim.persist(scene)
            response["loaded"] = True
        except DotNetError:
            response["loaded"] = False
            raise
    log("[RADMIN]: Load OAR Administrator Request complete")


def load_heightmap(admin, request, response):
    log("[RADMIN]: Load height maps request started")
    check_string_parameters(request, response, ["filename"])
    check_region_parameters(request, response)
    scene = admin.scene_from_parameters(request, response)
    filename = request["filename"]
    response["accepted"] = True
    log(f"[RADMIN]: Terrain Loading: {filename}")
    try:
        heightmap.load(admin.sim.region_state(scene), filename, _full_path(admin.sim, filename))
    except heightmap.TerrainError as error:
        raise OpenSimError(str(error)) from None
    admin.sim.persist(scene)
    response["success"] = True
    log("[RADMIN]: Load height maps request complete")


def save_heightmap(admin, request, response):
    log("[RADMIN]: Save height maps request started")
    check_string_parameters(request, response, ["filename"])
    check_region_parameters(request, response)
    scene = admin.scene_from_parameters(request, response)
    filename = request["filename"]
    log(f"[RADMIN]: Terrain Saving: {filename}")
    response["accepted"] = True
    # TerrainModule.SaveToFile logs a failed write and returns: the answer is success regardless.
    heightmap.save(admin.sim.region_state(scene), scene.name, filename, _full_path(admin.sim, filename))
    response["success"] = True
    log("[RADMIN]: Save height maps request complete")
