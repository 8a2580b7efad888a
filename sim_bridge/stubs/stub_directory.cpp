#include "sim_bridge/stubs/stub_directory.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>
#include <stdexcept>

#include "sim_bridge/state/atomic_file.hpp"
#include "uuid_text/uuid_text.hpp"

namespace vergegrid::bridge {

namespace {

std::string trim(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) {
        return "";
    }
    const auto end = text.find_last_not_of(" \t\r\n");
    return text.substr(begin, end - begin + 1);
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

int to_int(const std::string& text) {
    int value = 0;
    const auto t = trim(text);
    std::from_chars(t.data(), t.data() + t.size(), value);
    return value;
}

bool is_ini(const std::filesystem::path& file) {
    return lower(file.extension().string()) == ".ini";
}

}  // namespace

bool regions_overlap(int ax, int ay, int a_size_x, int a_size_y, int bx, int by, int b_size_x,
                     int b_size_y) {
    auto cells = [](int metres) { return std::max(1, (metres + 255) / 256); };
    return ax < bx + cells(b_size_x) && bx < ax + cells(a_size_x) && ay < by + cells(b_size_y) &&
           by < ay + cells(a_size_y);
}

std::vector<RegionEntry> parse_region_ini(const std::string& text,
                                          const std::filesystem::path& file) {
    std::vector<RegionEntry> regions;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        line = trim(line);
        if (line.empty() || line[0] == ';' || line[0] == '#') {
            continue;
        }
        if (line.front() == '[' && line.back() == ']') {
            RegionEntry entry;
            entry.name = trim(line.substr(1, line.size() - 2));
            entry.file = file;
            regions.push_back(entry);
            continue;
        }
        const auto equals = line.find('=');
        if (equals == std::string::npos || regions.empty()) {
            continue;
        }
        const auto key = lower(trim(line.substr(0, equals)));
        auto value = trim(line.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        auto& region = regions.back();
        if (key == "regionuuid") {
            region.uuid = lower(value);
        } else if (key == "location") {
            const auto comma = value.find(',');
            if (comma != std::string::npos) {
                region.loc_x = to_int(value.substr(0, comma));
                region.loc_y = to_int(value.substr(comma + 1));
            }
        } else if (key == "sizex") {
            region.size_x = to_int(value);
        } else if (key == "sizey") {
            region.size_y = to_int(value);
        } else if (key == "internalport") {
            region.port = to_int(value);
        }
    }
    return regions;
}

StubDirectory::StubDirectory(std::filesystem::path regions_dir) : dir_(std::move(regions_dir)) {}

std::filesystem::path StubDirectory::stub_path(const std::string& region_uuid) const {
    // Checked here too, not only where operations arrive: no path is ever built from an
    // unchecked id.
    if (!uuid_text::is_canonical(region_uuid)) {
        throw std::invalid_argument("region id '" + region_uuid +
                                    "' is not a canonical UUID; no stub file is named after it");
    }
    return dir_ / (std::string(kPrefix) + region_uuid + ".ini");
}

bool StubDirectory::is_stub(const std::filesystem::path& file) const {
    return file.filename().string().rfind(kPrefix, 0) == 0 && is_ini(file);
}

std::vector<RegionEntry> StubDirectory::scan() const {
    std::vector<std::filesystem::path> files;
    std::error_code error;
    for (const auto& item : std::filesystem::directory_iterator(dir_, error)) {
        if (item.is_regular_file() && is_ini(item.path()) &&
            item.path().filename().string().front() != '.') {
            files.push_back(item.path());
        }
    }
    std::sort(files.begin(), files.end());
    std::vector<RegionEntry> regions;
    for (const auto& file : files) {
        try {
            for (auto& region : parse_region_ini(read_file(file), file)) {
                region.ours = is_stub(file);
                regions.push_back(std::move(region));
            }
        } catch (const std::exception&) {
            // Vanished between listing and reading: nothing to consider.
        }
    }
    return regions;
}

std::optional<std::string> StubDirectory::conflict(const region_ini::RegionIniSpec& spec) const {
    const auto own = stub_path(spec.uuid);
    for (const auto& other : scan()) {
        if (other.file == own) {
            continue;
        }
        const std::string where =
            " (region " + other.name + " in " + other.file.filename().string() + ")";
        if (other.uuid == lower(spec.uuid)) {
            return "region UUID " + spec.uuid + " is already used" + where;
        }
        if (lower(other.name) == lower(spec.name)) {
            return "region name " + spec.name + " is already used" + where;
        }
        if (regions_overlap(other.loc_x, other.loc_y, other.size_x, other.size_y, spec.loc_x,
                            spec.loc_y, spec.size_x, spec.size_y)) {
            return "location " + std::to_string(spec.loc_x) + "," + std::to_string(spec.loc_y) +
                   " overlaps" + where;
        }
        if (other.port == spec.internal_port) {
            return "port " + std::to_string(spec.internal_port) + " is already used" + where;
        }
    }
    return std::nullopt;
}

bool StubDirectory::write(const region_ini::RegionIniSpec& spec) const {
    const std::string text = region_ini::render(spec);
    if (current(spec.uuid) == text) {
        return false;
    }
    std::filesystem::create_directories(dir_);
    // A link planted under the stub's name is refused (and so reported), never written through.
    write_file_atomically(stub_path(spec.uuid), text);
    return true;
}

bool StubDirectory::remove(const std::string& region_uuid) const {
    if (!uuid_text::is_canonical(region_uuid)) {
        return false;  // no stub is ever named after it (a RegionUUID read from a stray file)
    }
    std::error_code error;
    return std::filesystem::remove(stub_path(region_uuid), error);
}

std::string StubDirectory::current(const std::string& region_uuid) const {
    const auto path = stub_path(region_uuid);
    std::error_code error;
    // Only a regular file is our stub: a link there is not followed (write() then refuses it).
    if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(path, error))) {
        return "";
    }
    try {
        return read_file(path);
    } catch (const std::exception&) {
        return "";
    }
}

std::vector<std::filesystem::path> StubDirectory::remove_foreign_files_of(
    const std::string& region_uuid) const {
    std::vector<std::filesystem::path> removed;
    const auto suffix = "-" + lower(region_uuid) + ".ini";
    std::error_code error;
    for (const auto& item : std::filesystem::directory_iterator(dir_, error)) {
        const auto name = lower(item.path().filename().string());
        if (!is_stub(item.path()) && name.size() > suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            std::error_code ignored;
            if (std::filesystem::remove(item.path(), ignored)) {
                removed.push_back(item.path());
            }
        }
    }
    return removed;
}

}  // namespace vergegrid::bridge
