// The simulator's Regions/ folder as the bridge sees it: its own stub files (one region each,
// named vergegrid-<region uuid>.ini) and the operator's files, which it reads but never touches.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "region_ini/region_ini.hpp"

namespace vergegrid::bridge {

// One [section] of a Regions/*.ini file: what OpenSim's loader checks for conflicts at start-up.
struct RegionEntry {
    std::string name;
    std::string uuid;
    int loc_x = 0;
    int loc_y = 0;
    int size_x = 256;  // metres
    int size_y = 256;
    int port = 0;
    std::filesystem::path file;
    bool ours = false;  // in a vergegrid-*.ini stub
};

// True when the two regions share a grid cell (OpenSim halts on an overlap, not only on an equal
// location). Locations in region units, sizes in metres (multiples of 256).
bool regions_overlap(int ax, int ay, int a_size_x, int a_size_y, int bx, int by, int b_size_x,
                     int b_size_y);

// Reads every region section of an INI text (the loader's format: [Name] then Key = Value).
std::vector<RegionEntry> parse_region_ini(const std::string& text,
                                          const std::filesystem::path& file);

class StubDirectory {
  public:
    explicit StubDirectory(std::filesystem::path regions_dir);

    static constexpr const char* kPrefix = "vergegrid-";

    // Throws std::invalid_argument unless region_uuid is canonical (uuid_text::is_canonical).
    std::filesystem::path stub_path(const std::string& region_uuid) const;
    bool is_stub(const std::filesystem::path& file) const;

    // Every region of every *.ini file, ours and the operator's. Unreadable files are skipped.
    std::vector<RegionEntry> scan() const;

    // Why `spec` cannot be written without making OpenSim halt at start-up (a region elsewhere
    // in the folder with its name, UUID, location or port), or nullopt. The region's own stub
    // does not count.
    std::optional<std::string> conflict(const region_ini::RegionIniSpec& spec) const;

    // Writes (or rewrites) the stub atomically; returns true when the file changed. Throws
    // std::runtime_error naming the file when it cannot, e.g. a symbolic link planted there.
    bool write(const region_ini::RegionIniSpec& spec) const;
    // Returns true when a stub was removed.
    bool remove(const std::string& region_uuid) const;
    // The stub's current text, or empty when it has none.
    std::string current(const std::string& region_uuid) const;
    // Removes non-stub files whose name carries the region UUID (OpenSim's own
    // region_file_template, {0}x{1}-{2}.ini, ends with it); returns the files removed.
    std::vector<std::filesystem::path> remove_foreign_files_of(
        const std::string& region_uuid) const;

    const std::filesystem::path& dir() const { return dir_; }

  private:
    std::filesystem::path dir_;
};

}  // namespace vergegrid::bridge
