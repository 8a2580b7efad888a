"""admin_save_heightmap / admin_load_heightmap: OpenSim's TerrainModule picks the format by the
file's extension. The emulator speaks `.r32`/`.f32` (RAW32: float32 little-endian, x inner, rows
south to north) and `.raw` (LLRAW: 13 bytes a point, rows north to south, height = byte0 *
byte1 / 128); other extensions OpenSim knows (.png, .jpg, .ter, ...) are "no loader" here."""

import math
import os

from .log import log

RAW32_EXTENSIONS = (".r32", ".f32")
LLRAW_EXTENSION = ".raw"


class TerrainError(Exception):
    """TerrainException: RemoteAdmin reports its message as the error."""


def _loader(filename):
    for extension in RAW32_EXTENSIONS + (LLRAW_EXTENSION,):
        if filename.endswith(extension):  # OpenSim: filename.EndsWith(loader.Key), case-sensitive
            return extension
    return None


def encode_llraw(state):
    size = state.size
    out = bytearray()
    water = int(max(0, min(255, state.settings["WaterHeight"])))
    for row in range(size):
        y = size - 1 - row
        for x in range(size):
            height = max(0.0, min(255.0 * 255.0 / 128.0, state.height_at(x, y)))
            # Whole metres up to 255 m are exact with the multiplier 128 (1.0); higher ground
            # trades resolution for range.
            multiplier = 128 if height <= 255 else min(255, math.ceil(height * 128.0 / 255.0))
            value = max(0, min(255, round(height * 128.0 / multiplier)))
            out += bytes([value, multiplier, water]) + bytes(10)
    return bytes(out)


def decode_llraw(data, size):
    values = [0.0] * (size * size)
    for row in range(size):
        y = size - 1 - row
        for x in range(size):
            offset = (row * size + x) * 13
            values[y * size + x] = data[offset] * (data[offset + 1] / 128.0)
    return values


def save(state, region_name, filename, path):
    """TerrainModule.SaveToFile (0.9.2): an IOException or an unknown extension is only logged;
    RemoteAdmin still answers success (src). `filename` as the caller gave it, `path` resolved."""
    extension = _loader(filename)
    if extension is None:
        log(f"[TERRAIN]: Could not save terrain from {region_name} to {filename}.  Valid file extensions are "
            f".r32, .f32, .raw")
        return
    data = state.terrain_bytes() if extension in RAW32_EXTENSIONS else encode_llraw(state)
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as error:
        log(f"[TERRAIN]: Unable to save to {filename}, {error.strerror}")
        log(f"[TERRAIN]: Could not save terrain from {region_name} to {filename}.  Valid file extensions are "
            f".r32, .f32, .raw")
        return
    log(f"[TERRAIN]: Saved terrain from {region_name} to {filename}")


def load(state, filename, path):
    """TerrainModule.LoadFromFile: the messages of its TerrainExceptions (src), naming the file as
    the caller gave it; `path` is where it is read from."""
    extension = _loader(filename)
    if extension is None:
        log("[TERRAIN]: Unable to load heightmap, no file loader available for that format.")
        raise TerrainError(f"unable to load heightmap from file {filename}: no loader available for that format")
    if not os.path.isfile(path):
        log("[TERRAIN]: Unable to load heightmap, file not found. (A directory permissions error may also cause this)")
        raise TerrainError(f"unable to load heightmap: file {filename} not found (or permissions do not allow access")
    with open(path, "rb") as handle:
        data = handle.read()
    if extension in RAW32_EXTENSIONS:
        width = int(math.isqrt(len(data) // 4))
        if width * width * 4 != len(data) or width != state.size:
            raise _wrong_size(state.size)
        state.set_terrain_bytes(data, width)
    else:
        if len(data) != state.size * state.size * 13:
            raise _wrong_size(state.size)
        values = decode_llraw(data, state.size)
        with state.lock:
            for index, value in enumerate(values):
                state.terrain[index] = value
    log(f"[TERRAIN]: File ({filename}) loaded successfully")


def _wrong_size(size):
    message = f"wrong size, use a file with size {size} x {size}"
    log(f"[TERRAIN]: Unable to load heightmap: {message}")
    return TerrainError(f"Unable to load heightmap: {message}")
