"""The XML files of an OAR, written and read as OpenSim 0.9.2 does.

OpenSim builds each file in a .NET StringWriter, so the declaration says encoding="utf-16", and
then writes the string into the tar as UTF-8 (TarArchiveWriter.WriteFile(string)): the files
DECLARE utf-16 but ARE UTF-8 (the facts page). A strict parser given the bytes refuses them; OpenSim
itself decodes the bytes as UTF-8 first and ignores the declaration, and so does the reader here."""

import base64
import re
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from . import dotnet
from .region_state import ASSET_TYPE_NUMBERS, SETTING_SECTIONS, SceneObject, dotnet_string

DECLARATION = '<?xml version="1.0" encoding="utf-16"?>'
NUMBER_TO_ASSET_TYPE = {number: name for name, number in ASSET_TYPE_NUMBERS.items()}


class OarFormatError(Exception):
    """A file inside the archive OpenSim's deserialisers would throw on."""


def _element(name, value, indent):
    return f"{'  ' * indent}<{name}>{escape(dotnet_string(value))}</{name}>"


# --- archive.xml (ArchiveWriteRequest.CreateControlFile) ---
def control_file(region_id, size, assets_included, multi_region=None):
    lines = [DECLARATION]
    if multi_region is None:
        lines.append('<archive major_version="0" minor_version="8">')
    else:
        lines.append('<archive major_version="1" minor_version="0">')
    lines.append("  <creation_info>")
    lines.append(f"    <datetime>{int(time.time())}</datetime>")
    if multi_region is None:
        lines.append(f"    <id>{region_id}</id>")
    lines.append("  </creation_info>")
    lines.append(_element("assets_included", assets_included, 1))
    if multi_region is None:
        lines.append("  <region_info>")
        lines.append(_element("is_megaregion", False, 2))
        lines.append(f"    <size_in_meters>{size},{size}</size_in_meters>")
        lines.append("  </region_info>")
    else:
        lines.append("  <regions>")
        for row in multi_region:  # [[(region_id, dir, size) or None, ...], ...] south to north
            if not row:
                lines.append("    <row />")
                continue
            lines.append("    <row>")
            for cell in row:
                if cell is None:
                    lines.append("      <region />")
                    continue
                cell_id, directory, cell_size = cell
                lines.append("      <region>")
                lines.append(f"        <id>{cell_id}</id>")
                lines.append(f"        <dir>{escape(directory)}</dir>")
                lines.append(_element("is_megaregion", False, 4))
                lines.append(f"        <size_in_meters>{cell_size},{cell_size}</size_in_meters>")
                lines.append("      </region>")
            lines.append("    </row>")
        lines.append("  </regions>")
    lines.append("</archive>")
    return "\n".join(lines)


def parse_control_file(text):
    root = _parse(text, "archive.xml")
    if root.tag != "archive":
        raise OarFormatError("archive.xml: the root element is not <archive>")
    try:
        major = int(root.get("major_version", "0"))
    except ValueError:
        raise OarFormatError(dotnet.BAD_FORMAT) from None
    if major > 1:
        # ArchiveReadRequest.LoadControlFile (src)
        raise OarFormatError(f"The OAR you are trying to load has major version number of {major} but this "
                             f"version of OpenSim can only load OARs with major version number 1 and below")
    return major


# --- settings/<region>.xml (RegionSettingsSerializer) ---
def settings_file(settings):
    lines = [DECLARATION, "<RegionSettings>"]
    for section, defaults in SETTING_SECTIONS:
        lines.append(f"  <{section}>")
        lines.extend(_element(key, settings[key], 2) for key in defaults)
        lines.append(f"  </{section}>")
    lines.append("  <Telehub />")
    lines.append("</RegionSettings>")
    return "\n".join(lines)


def _parse_setting(key, text, default):
    text = (text or "").strip()
    if isinstance(default, bool):  # bool.Parse
        if text.lower() not in ("true", "false"):
            raise OarFormatError(f"{dotnet.BAD_BOOLEAN[:-1]}: {key} = {text!r}")
        return text.lower() == "true"
    try:
        if isinstance(default, int):  # int.Parse
            return int(text)
        if isinstance(default, float):  # double.Parse (invariant culture)
            return float(text)
    except ValueError:
        raise OarFormatError(f"{dotnet.BAD_FORMAT} ({key} = {text!r})") from None
    if re.fullmatch(r"[0-9a-fA-F-]{36}", text) is None:  # UUID.Parse
        raise OarFormatError(f"{dotnet.INVALID_UUID}: {key} = {text!r}")
    return text.lower()


def parse_settings_file(text):
    root = _parse(text, "settings")
    if root.tag != "RegionSettings":
        raise OarFormatError("Expecting element 'RegionSettings'")
    settings = {}
    for section, defaults in SETTING_SECTIONS:
        node = root.find(section)
        if node is None:
            raise OarFormatError(f"Expecting element '{section}'")
        for child in node:
            if child.tag in defaults:
                settings[child.tag] = _parse_setting(child.tag, child.text, defaults[child.tag])
    return settings


# --- landdata/<GlobalID>.xml (LandDataSerializer: Formatting.None, one line) ---
LAND_FIELDS = ("Area", "AuctionID", "AuthBuyerID", "Category", "ClaimDate", "ClaimPrice", "GlobalID", "GroupID",
               "IsGroupOwned", "Bitmap", "Description", "Flags", "LandingType", "Name", "Status", "LocalID",
               "MediaAutoScale", "MediaID", "MediaURL", "MusicURL", "OwnerID")
ZERO_UUID = "00000000-0000-0000-0000-000000000000"


def land_file(parcel):
    values = dict(parcel)
    values.setdefault("AuctionID", 0)
    values.setdefault("AuthBuyerID", ZERO_UUID)
    values.setdefault("MediaAutoScale", 0)
    values.setdefault("MediaID", ZERO_UUID)
    values.setdefault("MediaURL", "")
    values.setdefault("MusicURL", "")
    parts = [DECLARATION, "<LandData>"]
    for key in LAND_FIELDS:
        value = values[key]
        if key == "Bitmap":
            value = base64.b64encode(value).decode()
        parts.append(f"<{key}>{escape(dotnet_string(value))}</{key}>")
    parts.append("<ParcelAccessList />")
    for key, value in (("PassHours", 0), ("PassPrice", 0), ("SalePrice", values["SalePrice"]),
                       ("SnapshotID", ZERO_UUID), ("UserLocation", values["UserLocation"]),
                       ("UserLookAt", values["UserLookAt"]), ("Dwell", 0), ("OtherCleanTime", 0),
                       ("SeeAVs", 1), ("AnyAVSnds", 1), ("GrpAVSnds", 1)):
        parts.append(f"<{key}>{escape(dotnet_string(value))}</{key}>")
    parts.append("</LandData>")
    return "".join(parts)


def parse_land_file(text):
    root = _parse(text, "landdata")
    if root.tag != "LandData":
        raise OarFormatError("Expecting element 'LandData'")
    parcel = {}
    try:
        for child in root:
            value = child.text or ""
            if child.tag in ("Area", "LocalID", "ClaimDate", "ClaimPrice", "SalePrice", "Flags", "Status",
                             "Category", "LandingType"):
                parcel[child.tag] = int(value)
            elif child.tag == "IsGroupOwned":
                parcel[child.tag] = dotnet.to_boolean(value)
            elif child.tag == "Bitmap":
                parcel[child.tag] = base64.b64decode(value, validate=True)
            elif child.tag in ("GlobalID", "OwnerID", "GroupID"):
                parcel[child.tag] = dotnet.parse_uuid(value)
            elif child.tag in ("Name", "Description", "UserLocation", "UserLookAt"):
                parcel[child.tag] = value
    except (ValueError, dotnet.DotNetError) as error:
        raise OarFormatError(str(error)) from None
    for key in ("GlobalID", "LocalID", "Area"):
        if key not in parcel:
            raise OarFormatError(f"landdata: no {key}")
    return parcel


# --- objects/<name>_<x>-<y>-<z>__<uuid>.xml (SceneObjectSerializer, 'xml2' format) ---
def object_path(scene_object):
    # ArchiveConstants.OAR_OBJECT_FILENAME_TEMPLATE "{0}_{1:000}-{2:000}-{3:000}__{4}.xml", Math.Round
    x, y, z = (int(round(value)) for value in scene_object.position)
    return f"objects/{scene_object.name}_{x:03d}-{y:03d}-{z:03d}__{scene_object.uuid}.xml"


def _uuid_element(name, value):
    return f"<{name}><UUID>{value}</UUID></{name}>"


def object_file(scene_object):
    x, y, z = scene_object.position
    part = ['<SceneObjectPart xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
            "<AllowedDrop>false</AllowedDrop>",
            _uuid_element("CreatorID", scene_object.owner),
            _uuid_element("FolderID", scene_object.uuid),
            f"<InventorySerial>{len(scene_object.items)}</InventorySerial>"]
    if scene_object.items:
        part.append("<TaskInventory>")
        for item in scene_object.items:
            number = ASSET_TYPE_NUMBERS[item["type"]]
            part += ["<TaskInventoryItem>", _uuid_element("AssetID", item["asset_id"]),
                     _uuid_element("ItemID", item["item_id"]), f"<InvType>{number}</InvType>",
                     f"<Name>{escape(item['name'])}</Name>", _uuid_element("OwnerID", scene_object.owner),
                     f"<Type>{number}</Type>", "</TaskInventoryItem>"]
        part.append("</TaskInventory>")
    else:
        part.append("<TaskInventory />")
    part += [_uuid_element("UUID", scene_object.uuid), "<LocalId>0</LocalId>",
             f"<Name>{escape(scene_object.name)}</Name>", "<Material>3</Material>",
             f"<GroupPosition><X>{dotnet_string(float(x))}</X><Y>{dotnet_string(float(y))}</Y>"
             f"<Z>{dotnet_string(float(z))}</Z></GroupPosition>",
             "<OffsetPosition><X>0</X><Y>0</Y><Z>0</Z></OffsetPosition>",
             "<RotationOffset><X>0</X><Y>0</Y><Z>0</Z><W>1</W></RotationOffset>",
             "<Shape><ProfileCurve>1</ProfileCurve><PathCurve>16</PathCurve>"]
    if scene_object.mesh:
        part += [_uuid_element("SculptTexture", scene_object.mesh), "<SculptType>5</SculptType>",
                 "<SculptEntry>true</SculptEntry>"]
    part += ["</Shape>", "<Scale><X>0.5</X><Y>0.5</Y><Z>0.5</Z></Scale>",
             _uuid_element("OwnerID", scene_object.owner), "</SceneObjectPart>"]
    text = [DECLARATION, "<SceneObjectGroup>"] + part + ["<OtherParts />"]
    scripts = [item for item in scene_object.items if item["type"] == "script"]
    if scene_object.script_state is not None and scripts:
        text.append("<GroupScriptStates>")
        for item in scripts:
            text += [f"<SavedScriptState UUID={quoteattr(item['item_id'])}>",
                     f"<State UUID={quoteattr(item['item_id'])} Asset={quoteattr(item['asset_id'])} "
                     f'Engine="YEngine">', f"<ScriptState>{escape(scene_object.script_state)}</ScriptState>",
                     "</State>", "</SavedScriptState>"]
        text.append("</GroupScriptStates>")
    text.append("</SceneObjectGroup>")
    return "".join(text)


def _uuid_of(node, name):
    found = node.find(f"{name}/UUID")
    if found is None:
        found = node.find(f"{name}/Guid")
    if found is None:
        return None
    try:
        return dotnet.parse_uuid(found.text)
    except dotnet.DotNetError:
        raise OarFormatError(f"{dotnet.INVALID_UUID}: {name} = {found.text!r}") from None


def parse_object_file(text):
    root = _parse(text, "object")
    part = root.find("SceneObjectPart")
    if root.tag != "SceneObjectGroup" or part is None:
        # SceneObjectSerializer.FromXml2Format logs and returns null; the loader then throws.
        raise OarFormatError("Deserialization of xml failed: No SceneObjectPart nodes")
    object_id = _uuid_of(part, "UUID")
    if object_id is None:
        raise OarFormatError("Deserialization of xml failed: no UUID")
    try:
        position = tuple(float(part.findtext(f"GroupPosition/{axis}", "0")) for axis in "XYZ")
    except ValueError:
        raise OarFormatError(dotnet.BAD_FORMAT) from None
    items = []
    for item in part.findall("TaskInventory/TaskInventoryItem"):
        number = int(item.findtext("Type", "-1"))
        items.append({"item_id": _uuid_of(item, "ItemID"), "asset_id": _uuid_of(item, "AssetID"),
                      "type": NUMBER_TO_ASSET_TYPE.get(number, str(number)), "name": item.findtext("Name", "")})
    state = root.find("GroupScriptStates/SavedScriptState/State/ScriptState")
    return SceneObject(uuid=object_id, name=part.findtext("Name", ""), position=position,
                       owner=_uuid_of(part, "OwnerID") or ZERO_UUID, items=items,
                       mesh=_uuid_of(part, "Shape/SculptTexture"),
                       script_state=None if state is None else (state.text or ""))


def _parse(text, what):
    """The text is already decoded as UTF-8; ElementTree ignores the declared utf-16 in a str."""
    try:
        return ET.fromstring(text)
    except ET.ParseError as error:
        raise OarFormatError(f"{what}: {error}") from None
