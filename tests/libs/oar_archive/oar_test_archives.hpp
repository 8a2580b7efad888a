// OARs for tests, written with libarchive as OpenSim lays them out: archive.xml, settings/,
// terrains/, landdata/, objects/, assets/ in a gzip'd GNU tar. Shared by the bridge's tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace vergegrid::test {

struct OarEntry {
    std::string path;
    std::string content;
    std::uint64_t generated_bytes = 0;  // > 0: `content` is ignored, this many pseudo-random bytes
};

// A small region: one of each kind of entry, an object with a name longer than a ustar header
// holds.
std::vector<OarEntry> sample_oar_entries(const std::string& region = "Alpha");

// Writes the entries (gzip'd GNU tar); generated entries are written in 64 KiB pieces.
void write_oar(const std::filesystem::path& path, const std::vector<OarEntry>& entries);

// (path, content) of every entry, read back with libarchive; generated content is not kept
// (its size is, as the content "<N bytes>").
std::vector<std::pair<std::string, std::string>> read_oar(const std::filesystem::path& path);

// The archive's uncompressed tar bytes (small archives only).
std::string gunzip_file(const std::filesystem::path& path);
// Writes `data` as one gzip stream.
void gzip_file(const std::filesystem::path& path, const std::string& data);

// The file's first `size` bytes written to `to`.
void copy_prefix(const std::filesystem::path& from, const std::filesystem::path& to,
                 std::uint64_t size);

}  // namespace vergegrid::test
