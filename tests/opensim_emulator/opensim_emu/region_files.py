"""Regions/*.ini as OpenSim's RegionLoaderFileSystem and RegionInfo read and write them.

Reading is strict: a malformed line or an unparsable value stops start-up (OpenSim throws), a
missing required key prompts on the console (OpenSim's CmdPrompt), and any key the loader does not
know is an "extra setting", of which only TargetEstate is used."""

import glob
import os
import re
import uuid
from dataclasses import dataclass, field

from . import dotnet

REQUIRED_KEYS = ("RegionUUID", "Location", "InternalAddress", "InternalPort", "ExternalHostName")
KNOWN_KEYS = set(REQUIRED_KEYS) | {
    "SizeX", "SizeY", "SizeZ", "ResolveAddress", "RegionType", "DefaultLanding",
    "NonPhysicalPrimMin", "NonPhysicalPrimMax", "PhysicalPrimMin", "PhysicalPrimMax",
    "ClampPrimSize", "MaxPrims", "MaxPrimsPerUser", "LinksetPrims", "MaptileStaticUUID",
    "MaptileStaticFile", "MaxAgents", "ScopeID",
}
REGION_SIZE = 256


class RegionFileError(Exception):
    """A region file OpenSim could not load: start-up stops with this message."""


@dataclass
class RegionConfig:
    name: str
    region_id: str
    x: int
    y: int
    internal_address: str
    internal_port: int
    external_host: str
    size_x: int = REGION_SIZE
    size_y: int = REGION_SIZE
    size_z: int = 4096
    # RegionInfo's defaults when the file does not set them (verified with `region get`: "Max agent
    # limit : 100", "Prim capacity : 15000").
    max_agents: int = 100
    max_agents_set: bool = False
    max_prims: int = 15000
    extra: dict = field(default_factory=dict)  # lower-cased key -> value
    source_file: str = ""

    def target_estate(self):
        return self.extra.get("targetestate")


_SECTION = re.compile(r"^\[(.*)\]$")


def _strip_comment(value):
    """Nini ends a value at an unquoted ';' or '#'."""
    if value.startswith('"'):
        end = value.find('"', 1)
        if end > 0:
            return value[1:end]
        return value
    for mark in (";", "#"):
        position = value.find(mark)
        if position >= 0:
            value = value[:position]
    return value.strip()


def parse_ini(text, path):
    """Sections in file order, each an ordered dict of key -> value; CRLF and LF both accepted."""
    if text.startswith("\ufeff"):
        text = text[1:]
    sections = {}
    current = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        section = _SECTION.match(line)
        if section:
            name = section.group(1).strip()
            if not name:
                raise RegionFileError(f"{path}:{number}: empty section name")
            current = sections.setdefault(name, {})
            continue
        if "=" not in line:
            raise RegionFileError(f"{path}:{number}: expected 'key = value', got {raw!r}")
        if current is None:
            raise RegionFileError(f"{path}:{number}: key outside of a [region] section")
        key, value = line.split("=", 1)
        key = key.strip()
        if not key:
            raise RegionFileError(f"{path}:{number}: empty key")
        current[key] = _strip_comment(value.strip())
    return sections


def _nini_int(config, key, default, where):
    if key not in config:
        return default
    try:
        return dotnet.to_int32(config[key])
    except dotnet.DotNetError as error:
        raise RegionFileError(f"{where}: {key} = {config[key]!r}: {error}") from None


def _nini_float(config, key, where):
    if key not in config:
        return
    try:
        float(config[key])
    except ValueError:
        raise RegionFileError(f"{where}: {key} = {config[key]!r}: {dotnet.BAD_FORMAT}") from None


def _nini_bool(config, key, where):
    if key not in config:
        return
    if config[key].strip().lower() not in ("true", "false", "yes", "no", "1", "0", "on", "off"):
        raise RegionFileError(f"{where}: {key} = {config[key]!r}: {dotnet.BAD_BOOLEAN}")


def _region_from_section(name, config, path, prompt):
    """RegionInfo.ReadNiniConfig: prompt for a missing required key, throw on a bad value."""
    where = f"{os.path.basename(path)} [{name}]"

    region_id = dotnet.try_parse_uuid(config.get("RegionUUID", ""))
    while region_id is None:
        region_id = dotnet.try_parse_uuid(prompt("RegionUUID", str(uuid.uuid4())))

    location = config.get("Location", "")
    if location == "":
        location = prompt("Region Location", "1000,1000")
    parts = location.split(",")
    if len(parts) < 2:
        raise RegionFileError(f"{where}: Location = {location!r}: {dotnet.INDEX_OUT_OF_RANGE}")
    try:
        x = dotnet.to_uint32(parts[0])
        y = dotnet.to_uint32(parts[1])
        size_x = dotnet.to_uint32(config.get("SizeX", str(REGION_SIZE)))
        size_y = dotnet.to_uint32(config.get("SizeY", str(REGION_SIZE)))
        size_z = dotnet.to_uint32(config.get("SizeZ", "4096"))
    except dotnet.DotNetError as error:
        raise RegionFileError(f"{where}: {error}") from None
    # DoRegionSizeSanityChecks: multiples of 256, square.
    size_x = max(size_x - size_x % REGION_SIZE, REGION_SIZE)
    size_y = max(size_y - size_y % REGION_SIZE, REGION_SIZE)
    size_x = size_y = min(size_x, size_y)

    try:
        if "InternalAddress" in config:
            address = dotnet.parse_ip_address(config["InternalAddress"])
        else:
            address = dotnet.parse_ip_address(prompt("Internal IP address", "0.0.0.0"))
        if "InternalPort" in config:
            port = _nini_int(config, "InternalPort", 9000, where)
        else:
            port = dotnet.to_int32(prompt("Internal port", "9000"))
        dotnet.check_port(port)
    except dotnet.DotNetError as error:
        raise RegionFileError(f"{where}: {error}") from None

    external = config["ExternalHostName"] if "ExternalHostName" in config else prompt("External host name", "SYSTEMIP")
    if external == "SYSTEMIP":
        external = "127.0.0.1"

    for key in ("NonPhysicalPrimMin", "PhysicalPrimMin"):
        _nini_float(config, key, where)
    for key in ("NonPhysicalPrimMax", "PhysicalPrimMax", "MaxPrimsPerUser", "LinksetPrims"):
        _nini_int(config, key, 0, where)
    max_prims = _nini_int(config, "MaxPrims", 15000, where)
    _nini_bool(config, "ClampPrimSize", where)
    _nini_bool(config, "ResolveAddress", where)
    max_agents = _nini_int(config, "MaxAgents", 100, where)

    extra = {key.lower(): value for key, value in config.items() if key not in KNOWN_KEYS}
    return RegionConfig(name=name, region_id=region_id, x=x, y=y, internal_address=address,
                        internal_port=port, external_host=external, size_x=size_x, size_y=size_y,
                        size_z=size_z, max_agents=max_agents, max_agents_set="MaxAgents" in config,
                        max_prims=max_prims, extra=extra, source_file=path)


def region_files(regions_dir):
    return sorted(glob.glob(os.path.join(glob.escape(regions_dir), "*.ini")))


def load_regions(regions_dir, prompt):
    """Every region of every *.ini in regions_dir, in file order (not recursive)."""
    regions = []
    for path in region_files(regions_dir):
        with open(path, "rb") as handle:
            try:
                text = handle.read().decode("utf-8")
            except UnicodeDecodeError as error:
                raise RegionFileError(f"{path}: {error}") from None
        for name, config in parse_ini(text, path).items():
            regions.append(_region_from_section(name, config, path, prompt))
    return regions


def find_conflicts(regions):
    """LoadRegionsPlugin.CheckRegionsForSanity: duplicate UUID, overlapping location, same port."""
    problems = []
    for index, a in enumerate(regions):
        for b in regions[index + 1:]:
            if a.region_id == b.region_id:
                problems.append(f"Region {a.name} has the same UUID as region {b.name} ({a.region_id})")
            overlap_x = a.x * REGION_SIZE < (b.x * REGION_SIZE + b.size_x) and b.x * REGION_SIZE < (a.x * REGION_SIZE + a.size_x)
            overlap_y = a.y * REGION_SIZE < (b.y * REGION_SIZE + b.size_y) and b.y * REGION_SIZE < (a.y * REGION_SIZE + a.size_y)
            if overlap_x and overlap_y:
                problems.append(f"Region {a.name} at <{a.x},{a.y}> overlaps region {b.name} at <{b.x},{b.y}>")
            if a.internal_port == b.internal_port:
                problems.append(f"Region {a.name} has the same port as region {b.name} ({a.internal_port})")
    return problems


def write_region(path, name, region_id, x, y, internal_address, port, external_host):
    """RegionInfo.SaveRegionToFile: load the file if it exists, replace the region's section, save
    with CRLF (Nini). Written fields follow WriteNiniConfig for a region made by RemoteAdmin."""
    sections = {}
    if os.path.exists(path):
        with open(path, "rb") as handle:
            try:
                sections = parse_ini(handle.read().decode("utf-8"), path)
            except (RegionFileError, UnicodeDecodeError):
                sections = {}
    sections.pop(name, None)
    sections[name] = {
        "RegionUUID": region_id,
        "Location": f"{x},{y}",
        "InternalAddress": internal_address,
        "InternalPort": str(port),
        "ExternalHostName": external_host,
        "ClampPrimSize": "False",
        "MaxAgents": "100",
    }
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {value}" for key, value in values.items())
        lines.append("")
    with open(path, "wb") as handle:
        handle.write("\r\n".join(lines).encode("utf-8"))


def region_for_console(path, name, prompt, ask_name):
    """`create region`: the named region of the file (the first one without a name); a file or
    region that does not exist is asked for on the console and written to the file."""
    sections = {}
    if os.path.exists(path):
        with open(path, "rb") as handle:
            try:
                sections = parse_ini(handle.read().decode("utf-8"), path)
            except UnicodeDecodeError as error:
                raise RegionFileError(f"{path}: {error}") from None
    if not name:
        name = next(iter(sections), "") or ask_name()
    if name in sections:
        return _region_from_section(name, sections[name], path, prompt)
    config = region_from_answers(name, path, prompt)
    write_region(path, config.name, config.region_id, config.x, config.y, config.internal_address,
                 config.internal_port, config.external_host)
    return config


def region_from_answers(name, path, prompt):
    """A region made at the console: every required key is asked for."""
    return _region_from_section(name, {}, path, prompt)
