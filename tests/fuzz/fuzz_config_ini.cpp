// libFuzzer target: libs/config_sources' INI file reader (boost::property_tree's ini_parser under a
// wrapper). Invariant: only ConfigError escapes, naming the problem.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "config_sources/config_error.hpp"
#include "config_sources/sources.hpp"

namespace {

// read_ini_file takes a path: one scratch file per fuzzing process.
const std::filesystem::path& scratch_file() {
    static const std::filesystem::path path =
        std::filesystem::temp_directory_path() /
        ("vergegrid-fuzz-config-" + std::to_string(::getpid()) + ".ini");
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    {
        std::ofstream out(scratch_file(), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        const auto values = vergegrid::config_sources::read_ini_file(scratch_file());
        for (const auto& [key, value] : values) {
            (void)vergegrid::config_sources::env_name_for(key);
        }
    } catch (const vergegrid::config_sources::ConfigError&) {
    }
    return 0;
}
