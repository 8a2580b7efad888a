#include "oar_archive/archive_io.hpp"

#include <system_error>
#include <vector>

#include "oar_archive/part_filter.hpp"  // ArchiveError

namespace vergegrid::oar::io {

std::string why(archive* a) {
    const char* message = archive_error_string(a);
    return message != nullptr ? message : "unknown error";
}

std::string_view normalized(std::string_view path) {
    while (path.substr(0, 2) == "./") {
        path.remove_prefix(2);
    }
    return path;
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

Writer open_writer(const std::filesystem::path& path, std::optional<int> gzip_level) {
    Writer writer(archive_write_new());
    archive_write_add_filter_gzip(writer.get());
    if (gzip_level) {
        const auto level = std::to_string(*gzip_level);
        archive_write_set_filter_option(writer.get(), "gzip", "compression-level", level.c_str());
    }
    archive_write_set_format_gnutar(writer.get());
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    if (archive_write_open_filename(writer.get(), path.c_str()) != ARCHIVE_OK) {
        throw ArchiveError("cannot write archive " + path.string() + ": " + why(writer.get()));
    }
    return writer;
}

bool next_entry(archive* reader, archive_entry*& entry, const std::filesystem::path& path) {
    const int status = archive_read_next_header(reader, &entry);
    if (status == ARCHIVE_EOF) {
        return false;
    }
    if (status < ARCHIVE_WARN) {
        throw ArchiveError("cannot read archive " + path.string() + ": " + why(reader));
    }
    return true;
}

void copy_entry(archive* reader, archive* writer, archive_entry* entry,
                const std::filesystem::path& in, const std::filesystem::path& out) {
    if (archive_write_header(writer, entry) < ARCHIVE_WARN) {
        throw ArchiveError("cannot write archive " + out.string() + ": " + why(writer));
    }
    std::vector<char> piece(kPiece);
    for (;;) {
        const auto got = archive_read_data(reader, piece.data(), piece.size());
        if (got < 0) {
            throw ArchiveError("cannot read archive " + in.string() + ": " + why(reader));
        }
        if (got == 0) {
            return;
        }
        if (archive_write_data(writer, piece.data(), static_cast<std::size_t>(got)) != got) {
            throw ArchiveError("cannot write archive " + out.string() + ": " + why(writer));
        }
    }
}

void close_writer(archive* writer, const std::filesystem::path& out) {
    if (archive_write_close(writer) != ARCHIVE_OK) {
        throw ArchiveError("cannot write archive " + out.string() + ": " + why(writer));
    }
}

}  // namespace vergegrid::oar::io
