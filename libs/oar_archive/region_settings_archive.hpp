// A region's RegionSettings and parcels as an OpenSim archive carries them, read from a saved OAR,
// and the small "settings archive" the bridge loads (admin_load_oar without merge) to set the
// RegionSettings that OpenSim offers no RemoteAdmin method or console line for (damage, fly,
// terraform, scripts, terrain limits). Verified on OpenSim 0.9.2.2: an archive holding only
// archive.xml and settings/<region>.xml restores the settings, keeps the region's terrain and
// parcels ("No parcels to load"), and clears its scene objects (docs/region-settings.md).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "oar_archive/part_filter.hpp"  // ArchiveError

namespace vergegrid::oar {

// RegionSettings by the element names OpenSim writes ("WaterHeight" -> "25.5", "BlockFly" ->
// "True"): the leaf elements of settings/<region>.xml, values as written.
using RegionSettingValues = std::map<std::string, std::string>;

struct ParcelInfo {
    std::string global_id;
    int local_id = 0;
    std::string name;
    long long area = 0;  // square metres
};

struct RegionArchiveContent {
    RegionSettingValues settings;
    std::vector<ParcelInfo> parcels;
};

// Reads settings/*.xml and landdata/*.xml of a saved OAR (their XML declares utf-16 but is UTF-8
// bytes: read as text, never through a declaration-trusting parser). Throws ArchiveError when the
// archive cannot be read or holds no region settings.
RegionArchiveContent read_region_content(const std::filesystem::path& archive);

// RegionSettings as OpenSim 0.9.2.2 writes them for a fresh region (RegionSettings.cs defaults),
// with `overrides` applied. Unknown names in `overrides` throw std::invalid_argument.
std::string region_settings_xml(const RegionSettingValues& overrides);

// Writes a version 0.8 archive with archive.xml and settings/<region_name>.xml only: loading it
// without merge sets the region's RegionSettings and nothing but its objects is touched.
void write_settings_archive(const std::filesystem::path& out, const std::string& region_id,
                            int size_x, int size_y, const std::string& region_name,
                            const RegionSettingValues& overrides);

// Copies `in` to `out` entry by entry, with the leaf values of settings/*.xml named in
// `overrides` replaced: the round trip that changes a populated region's settings and brings its
// objects back with the same load. Throws ArchiveError (also when `in` has no settings entry).
void rewrite_settings(const std::filesystem::path& in, const std::filesystem::path& out,
                      const RegionSettingValues& overrides);

}  // namespace vergegrid::oar
