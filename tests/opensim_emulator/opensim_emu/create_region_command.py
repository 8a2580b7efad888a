"""The console line `create region ["region name"] <region_file.ini>` (OpenSim.cs HandleCreateRegion,
0.9.2.2): loads one region from a region file into the running simulator, no restart.

- one word after `create region`: the file, whose first region is created; two or more: the
  region name (quote a name with spaces) and the file; the rest is ignored.
- the file must end in .ini or .xml (any case), else the usage line; a relative path starts in
  the regions directory. A missing file, or a name the file does not hold, asks for the region's
  keys on the console and writes them to the file (RegionInfo), as the help text says.
- only a region UUID already live is refused ("ERROR: Cannot create region …"): no name or
  location check. Then the estate (link, TargetEstate or default estate, owner question) and the
  scene start; the line returns once the region is live (verified: admin_console_command answered
  after the region was up, 0.9 s; 6.7 s for the first region of a region-less simulator)."""

import os

from . import region_files
from .log import log, output
from .region_loading import load_region

USAGE = 'Usage: create region ["region name"] <region_file.ini>'


class CreateRegionCommand:
    def __init__(self, simulator, console):
        self.sim = simulator
        self.console = console

    def run(self, words):
        name, path = "", ""
        if len(words) == 3:
            path = words[2]
        elif len(words) > 3:
            name, path = words[2], words[3]
        extension = os.path.splitext(path)[1].lower()
        if extension not in (".ini", ".xml"):
            output(USAGE)
            return
        if extension == ".xml":
            log("[EMULATOR]: XML region files are not emulated")
            return
        if not os.path.isabs(path):
            path = os.path.join(self.sim.regions_dir, path)
        try:
            with self.console.conversation():
                config = region_files.region_for_console(path, name, self.console.prompt,
                                                         self.console.ask_region_name)
        except region_files.RegionFileError as error:
            log(f"[CONSOLE]: {error}")
            return
        existing = self.sim.scene_by_id(config.region_id)
        if existing:
            output(f"ERROR: Cannot create region {config.name} with ID {config.region_id}, this ID is "
                   f"already assigned to region {existing.name}")
            return
        self.sim.wait_create()
        load_region(self.sim, self.console, config)
