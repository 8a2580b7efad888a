// libarchive plumbing the archive functions of this library share (not part of its interface):
// owned reader/writer handles, OpenSim's gzip'd GNU tar, entry names, copying an entry's data in
// bounded pieces. Every failure is an ArchiveError naming the file.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace vergegrid::oar::io {

inline constexpr std::size_t kPiece = 64 * 1024;

struct ReadFree {
    void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteFree {
    void operator()(archive* a) const { archive_write_free(a); }
};
using Reader = std::unique_ptr<archive, ReadFree>;
using Writer = std::unique_ptr<archive, WriteFree>;

std::string why(archive* a);
// "./objects/x.xml" and "objects/x.xml" are the same entry.
std::string_view normalized(std::string_view path);

Reader open_reader(const std::filesystem::path& path);
// A gzip'd GNU tar (OpenSim reads GNU long names, not pax), replacing `path`; `gzip_level` unset =
// libarchive's default.
Writer open_writer(const std::filesystem::path& path, std::optional<int> gzip_level = {});
// The next entry's header into `entry`; false at the end of the archive.
bool next_entry(archive* reader, archive_entry*& entry, const std::filesystem::path& path);
// Writes `entry`'s header and copies its data from `reader` to `writer` in kPiece pieces.
void copy_entry(archive* reader, archive* writer, archive_entry* entry,
                const std::filesystem::path& in, const std::filesystem::path& out);
// Finishes the archive `writer` writes into `out`.
void close_writer(archive* writer, const std::filesystem::path& out);

}  // namespace vergegrid::oar::io
