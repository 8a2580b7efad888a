#include "oar_archive/part_filter.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <vector>

namespace vergegrid::oar {

namespace {

constexpr std::size_t kPiece = 64 * 1024;

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// "./objects/x.xml" and "objects/x.xml" are the same entry.
std::string_view normalized(std::string_view path) {
    while (starts_with(path, "./")) {
        path.remove_prefix(2);
    }
    return path;
}

struct ReadFree {
    void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteFree {
    void operator()(archive* a) const { archive_write_free(a); }
};
using Reader = std::unique_ptr<archive, ReadFree>;
using Writer = std::unique_ptr<archive, WriteFree>;

std::string why(archive* a) {
    const char* message = archive_error_string(a);
    return message != nullptr ? message : "unknown error";
}

Reader open_reader(const std::filesystem::path& path) {
    Reader reader(archive_read_new());
    archive_read_support_filter_gzip(reader.get());
    archive_read_support_format_tar(reader.get());
    archive_read_support_format_gnutar(reader.get());
    if (archive_read_open_filename(reader.get(), path.c_str(), kPiece) != ARCHIVE_OK) {
        throw ArchiveError("cannot read archive " + path.string() + ": " + why(reader.get()));
    }
    return reader;
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
    Writer writer(archive_write_new());
    archive_write_add_filter_gzip(writer.get());
    archive_write_set_format_gnutar(writer.get());
    std::error_code ignored;
    std::filesystem::remove(out, ignored);
    if (archive_write_open_filename(writer.get(), out.c_str()) != ARCHIVE_OK) {
        throw ArchiveError("cannot write archive " + out.string() + ": " + why(writer.get()));
    }
    FilterReport report;
    std::vector<char> piece(kPiece);
    archive_entry* entry = nullptr;
    for (;;) {
        const int status = archive_read_next_header(reader.get(), &entry);
        if (status == ARCHIVE_EOF) {
            break;
        }
        if (status < ARCHIVE_WARN) {
            throw ArchiveError("cannot read archive " + in.string() + ": " + why(reader.get()));
        }
        const char* name = archive_entry_pathname(entry);
        if (name == nullptr || !parts.keeps(name)) {
            ++report.dropped;
            continue;  // the reader skips the data on the next header
        }
        if (archive_write_header(writer.get(), entry) < ARCHIVE_WARN) {
            throw ArchiveError("cannot write archive " + out.string() + ": " + why(writer.get()));
        }
        for (;;) {
            const auto got = archive_read_data(reader.get(), piece.data(), piece.size());
            if (got < 0) {
                throw ArchiveError("cannot read archive " + in.string() + ": " + why(reader.get()));
            }
            if (got == 0) {
                break;
            }
            if (archive_write_data(writer.get(), piece.data(), static_cast<std::size_t>(got)) !=
                got) {
                throw ArchiveError("cannot write archive " + out.string() + ": " +
                                   why(writer.get()));
            }
        }
        ++report.kept;
    }
    if (archive_write_close(writer.get()) != ARCHIVE_OK) {
        throw ArchiveError("cannot write archive " + out.string() + ": " + why(writer.get()));
    }
    report.bytes_written = std::filesystem::file_size(out);
    return report;
}

bool contains_assets(const std::filesystem::path& path) {
    auto reader = open_reader(path);
    archive_entry* entry = nullptr;
    for (;;) {
        const int status = archive_read_next_header(reader.get(), &entry);
        if (status == ARCHIVE_EOF) {
            return false;
        }
        if (status < ARCHIVE_WARN) {
            throw ArchiveError("cannot read archive " + path.string() + ": " + why(reader.get()));
        }
        const char* name = archive_entry_pathname(entry);
        if (name != nullptr && starts_with(normalized(name), "assets/")) {
            return true;
        }
    }
}

}  // namespace vergegrid::oar
