"""Loading a region from its region file into the running simulator: the region loader at start-up
and the console's `create region` share it (OpenSimBase.PopulateRegionEstateInfo + CreateRegion)."""

import os

from .log import log
from .simulator import Scene


def estate_for(config, estates):
    """OpenSimBase.PopulateRegionEstateInfo: an existing link wins; TargetEstate applies only while
    the region has no estate; otherwise the default estate, created now when it does not exist yet."""
    linked = estates.linked_estate(config.region_id)
    if linked is not None and estates.get(linked):
        return linked
    target = config.target_estate()
    estate_id = estates.find(target) if target else None
    if target and estate_id is None:
        log(f"[ESTATE]: TargetEstate {target!r} of region {config.name} not found; using the default estate")
    if estate_id is None:
        estate_id = estates.default_id()
    estates.link(config.region_id, estate_id)
    return estate_id


def shown_path(simulator, path):
    """How `region get` names the file: relative to the simulator directory, as OpenSim's
    "Regions/Alpha.ini"."""
    absolute = os.path.abspath(path)
    if absolute.startswith(simulator.sim_dir + os.sep):
        return os.path.relpath(absolute, simulator.sim_dir)
    return absolute


def load_region(simulator, console, config):
    """Join the estate (asking for its owner when it has none, trap 12), then start the scene.
    Per-region physics keys are not read: the engine is the simulator's `[Startup] physics`."""
    estate_id = estate_for(config, simulator.estates)
    console.ensure_estate_owner(estate_id)
    scene = Scene(name=config.name, region_id=config.region_id, x=config.x, y=config.y,
                  internal_address=config.internal_address, port=config.internal_port,
                  external_host=config.external_host, estate_id=estate_id, persistent=True,
                  size=config.size_x, max_agents=config.max_agents, max_prims=config.max_prims,
                  region_file=shown_path(simulator, config.source_file))
    simulator.add_scene(scene)
    return scene
