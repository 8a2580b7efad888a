#include "oar_archive/part_filter.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <vector>

#include "oar_archive/archive_io.hpp"

namespace vergegrid::oar {

namespace {

using io::normalized;
using io::open_reader;

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

PartSelection PartSelection::from_parts(const std::vector<std::string>& parts) {
    PartSelection selection;
    for (const auto& part : parts) {
        if (part == "prims") {
            selection.prims = true;
        } else if (part == "mesh") {
            selection.mesh = true;
        } else if (part == "texture_refs") {
            selection.texture_refs = true;
        } else if (part == "inventory_refs") {
            selection.inventory_refs = true;
        } else if (part != "terrain" && part != "environment" && part != "parcels" &&
                   part != "flags" && part != "script_state" && part != "object_metadata") {
            throw UnknownPart("unknown snapshot part '" + part + "'");
        }
    }
    return selection;
}

bool PartSelection::needs_filter() const {
    // With every asset part on (or none: noassets), OpenSim's archive is already the snapshot.
    const bool some_assets_only = any_assets() && !(mesh && texture_refs && inventory_refs);
    return !prims || some_assets_only;
}

bool PartSelection::keeps(std::string_view path) const {
    path = normalized(path);
    if (starts_with(path, "objects/")) {
        return prims;
    }
    if (starts_with(path, "assets/")) {
        if (ends_with(path, "_mesh.llmesh")) {
            return mesh;
        }
        if (ends_with(path, "_texture.jp2")) {
            return texture_refs;
        }
        return inventory_refs;
    }
    // archive.xml, settings/, terrains/, landdata/ and anything OpenSim adds later: always.
    return true;
}

FilterReport filter_parts(const std::filesystem::path& in, const std::filesystem::path& out,
                          const PartSelection& parts) {
    auto reader = open_reader(in);
    // Level 1: the bulk of a big OAR is assets that are compressed already (JPEG 2000, mesh), and
    // level 6 made a gigabyte cost half a minute for a few per cent of size.
    auto writer = io::open_writer(out, 1);
    FilterReport report;
    archive_entry* entry = nullptr;
    while (io::next_entry(reader.get(), entry, in)) {
        const char* name = archive_entry_pathname(entry);
        if (name == nullptr || !parts.keeps(name)) {
            ++report.dropped;
            continue;  // the reader skips the data on the next header
        }
        io::copy_entry(reader.get(), writer.get(), entry, in, out);
        ++report.kept;
    }
    io::close_writer(writer.get(), out);
    report.bytes_written = std::filesystem::file_size(out);
    return report;
}

bool contains_assets(const std::filesystem::path& path) {
    auto reader = open_reader(path);
    archive_entry* entry = nullptr;
    while (io::next_entry(reader.get(), entry, path)) {
        const char* name = archive_entry_pathname(entry);
        if (name != nullptr && starts_with(normalized(name), "assets/")) {
            return true;
        }
    }
    return false;
}

}  // namespace vergegrid::oar
