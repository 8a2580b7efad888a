#include "oar_archive/region_settings_archive.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <array>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "oar_archive/archive_io.hpp"

namespace vergegrid::oar {

namespace {

using io::kPiece;
using io::normalized;
using io::open_reader;
using io::open_writer;
using io::why;

// A settings or parcel file is a few KiB; anything far bigger is not one.
constexpr std::size_t kMaxXmlEntry = 4 * 1024 * 1024;

bool under(std::string_view path, std::string_view folder) {
    path = normalized(path);
    return path.substr(0, folder.size()) == folder && path.size() > folder.size() &&
           path.substr(path.size() - 4) == ".xml";
}

std::string read_entry_text(archive* reader, const std::filesystem::path& path) {
    std::string text;
    std::array<char, kPiece> piece{};
    for (;;) {
        const auto got = archive_read_data(reader, piece.data(), piece.size());
        if (got < 0) {
            throw ArchiveError("cannot read archive " + path.string() + ": " + why(reader));
        }
        if (got == 0) {
            return text;
        }
        text.append(piece.data(), static_cast<std::size_t>(got));
        if (text.size() > kMaxXmlEntry) {
            throw ArchiveError("archive " + path.string() + " holds an oversized XML entry");
        }
    }
}

void write_entry(archive* writer, const std::filesystem::path& path, const std::string& name,
                 const std::string& data) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(),
                                                                   archive_entry_free);
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(data.size()));
    archive_entry_set_mtime(entry.get(), std::time(nullptr), 0);
    if (archive_write_header(writer, entry.get()) < ARCHIVE_WARN ||
        archive_write_data(writer, data.data(), data.size()) !=
            static_cast<la_ssize_t>(data.size())) {
        throw ArchiveError("cannot write archive " + path.string() + ": " + why(writer));
    }
}

// Calls `leaf(name, value, value_begin, value_end)` for every element holding text only
// (<WaterHeight>20</WaterHeight>); the files OpenSim writes are flat enough for this, and a
// declaration-trusting XML parser would refuse their utf-16 lie.
template <typename Leaf>
void for_each_leaf(const std::string& xml, Leaf leaf) {
    std::size_t at = 0;
    while ((at = xml.find('<', at)) != std::string::npos) {
        const auto close = xml.find('>', at);
        if (close == std::string::npos) {
            return;
        }
        const std::string_view tag(xml.data() + at + 1, close - at - 1);
        at = close + 1;
        if (tag.empty() || tag[0] == '/' || tag[0] == '?' || tag[0] == '!' || tag.back() == '/' ||
            tag.find(' ') != std::string_view::npos) {
            continue;
        }
        const auto end = xml.find('<', at);
        if (end == std::string::npos) {
            return;
        }
        const std::string closing = "</" + std::string(tag) + ">";
        if (xml.compare(end, closing.size(), closing) == 0) {
            leaf(std::string(tag), xml.substr(at, end - at), at, end);
            at = end + closing.size();
        }
    }
}

RegionSettingValues leaves(const std::string& xml) {
    RegionSettingValues values;
    for_each_leaf(xml, [&](const std::string& name, const std::string& value, std::size_t,
                           std::size_t) { values.emplace(name, value); });
    return values;
}

// RegionSettings.cs defaults in RegionSettingsSerializer's order (as a 0.9.2.2 archive of a fresh
// region holds them; MaturityRating 1 = Mature as RegionSettings.cs, the region file may differ).
const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>&
settings_layout() {
    static const std::vector<
        std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>
        layout{
            {"General",
             {{"AllowDamage", "False"},
              {"AllowLandResell", "True"},
              {"AllowLandJoinDivide", "True"},
              {"BlockFly", "False"},
              {"BlockLandShowInSearch", "False"},
              {"BlockTerraform", "False"},
              {"DisableCollisions", "False"},
              {"DisablePhysics", "False"},
              {"DisableScripts", "False"},
              {"MaturityRating", "1"},
              {"RestrictPushing", "False"},
              {"AgentLimit", "40"},
              {"ObjectBonus", "1"}}},
            {"GroundTextures",
             {{"Texture1", "b8d3965a-ad78-bf43-699b-bff8eca6c975"},
              {"Texture2", "abb783e6-3e93-26c0-248a-247666855da3"},
              {"Texture3", "179cdabd-398a-9b6b-1391-4dc333ba321f"},
              {"Texture4", "beb169c7-11ea-fff2-efe5-0f24dc881df2"},
              {"ElevationLowSW", "10"},
              {"ElevationLowNW", "10"},
              {"ElevationLowSE", "10"},
              {"ElevationLowNE", "10"},
              {"ElevationHighSW", "60"},
              {"ElevationHighNW", "60"},
              {"ElevationHighSE", "60"},
              {"ElevationHighNE", "60"}}},
            {"Terrain",
             {{"WaterHeight", "20"},
              {"TerrainRaiseLimit", "100"},
              {"TerrainLowerLimit", "-100"},
              {"UseEstateSun", "True"},
              {"FixedSun", "False"},
              {"SunPosition", "0"}}},
        };
    return layout;
}

bool known_setting(const std::string& name) {
    for (const auto& [section, keys] : settings_layout()) {
        for (const auto& [key, value] : keys) {
            if (key == name) {
                return true;
            }
        }
    }
    return false;
}

std::string replaced_leaves(const std::string& xml, const RegionSettingValues& overrides) {
    std::string out;
    std::size_t copied = 0;
    for_each_leaf(
        xml, [&](const std::string& name, const std::string&, std::size_t begin, std::size_t end) {
            if (auto it = overrides.find(name); it != overrides.end()) {
                out.append(xml, copied, begin - copied);
                out += it->second;
                copied = end;
            }
        });
    out.append(xml, copied, std::string::npos);
    return out;
}

}  // namespace

RegionArchiveContent read_region_content(const std::filesystem::path& path) {
    auto reader = open_reader(path);
    RegionArchiveContent content;
    bool settings_found = false;
    archive_entry* entry = nullptr;
    while (io::next_entry(reader.get(), entry, path)) {
        const char* name = archive_entry_pathname(entry);
        if (name == nullptr) {
            continue;
        }
        if (under(name, "settings/") && !settings_found) {
            content.settings = leaves(read_entry_text(reader.get(), path));
            settings_found = true;
        } else if (under(name, "landdata/")) {
            const auto values = leaves(read_entry_text(reader.get(), path));
            ParcelInfo parcel;
            auto get = [&](const char* key) {
                auto it = values.find(key);
                return it == values.end() ? std::string() : it->second;
            };
            parcel.global_id = get("GlobalID");
            parcel.name = get("Name");
            // A parcel file without them still names a parcel: 0 says "not given".
            try {
                parcel.local_id = std::stoi(get("LocalID"));
            } catch (const std::exception&) {
            }
            try {
                parcel.area = std::stoll(get("Area"));
            } catch (const std::exception&) {
            }
            content.parcels.push_back(std::move(parcel));
        }
    }
    if (!settings_found) {
        throw ArchiveError("archive " + path.string() + " holds no settings/<region>.xml");
    }
    return content;
}

std::string region_settings_xml(const RegionSettingValues& overrides) {
    for (const auto& [name, value] : overrides) {
        if (!known_setting(name)) {
            throw std::invalid_argument("'" + name + "' is not a RegionSettings element");
        }
        if (value.find_first_of("<>&") != std::string::npos) {
            throw std::invalid_argument("RegionSettings " + name + " value '" + value +
                                        "' needs XML escaping");
        }
    }
    std::string xml = "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<RegionSettings>\n";
    for (const auto& [section, keys] : settings_layout()) {
        xml += "  <" + section + ">\n";
        for (const auto& [key, fallback] : keys) {
            const auto it = overrides.find(key);
            xml += "    <" + key + ">" + (it == overrides.end() ? fallback : it->second) + "</" +
                   key + ">\n";
        }
        xml += "  </" + section + ">\n";
    }
    xml += "  <Telehub />\n</RegionSettings>\n";
    return xml;
}

void write_settings_archive(const std::filesystem::path& out, const std::string& region_id,
                            int size_x, int size_y, const std::string& region_name,
                            const RegionSettingValues& overrides) {
    const std::string control =
        "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<archive major_version=\"0\" "
        "minor_version=\"8\">\n  <creation_info>\n    <datetime>" +
        std::to_string(std::time(nullptr)) + "</datetime>\n    <id>" + region_id +
        "</id>\n  </creation_info>\n  <assets_included>False</assets_included>\n  "
        "<region_info>\n    <size_in_meters>" +
        std::to_string(size_x) + "," + std::to_string(size_y) +
        "</size_in_meters>\n  </region_info>\n</archive>\n";
    const std::string settings = region_settings_xml(overrides);
    auto writer = open_writer(out);
    write_entry(writer.get(), out, "archive.xml", control);
    write_entry(writer.get(), out, "settings/" + region_name + ".xml", settings);
    io::close_writer(writer.get(), out);
}

void rewrite_settings(const std::filesystem::path& in, const std::filesystem::path& out,
                      const RegionSettingValues& overrides) {
    auto reader = open_reader(in);
    auto writer = open_writer(out);
    bool settings_found = false;
    archive_entry* entry = nullptr;
    while (io::next_entry(reader.get(), entry, in)) {
        const char* name = archive_entry_pathname(entry);
        if (name != nullptr && under(name, "settings/")) {
            const auto xml = replaced_leaves(read_entry_text(reader.get(), in), overrides);
            write_entry(writer.get(), out, name, xml);
            settings_found = true;
            continue;
        }
        io::copy_entry(reader.get(), writer.get(), entry, in, out);
    }
    io::close_writer(writer.get(), out);
    if (!settings_found) {
        throw ArchiveError("archive " + in.string() + " holds no settings/<region>.xml");
    }
}

}  // namespace vergegrid::oar
