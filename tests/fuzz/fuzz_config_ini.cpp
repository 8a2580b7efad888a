// libFuzzer target: kernel/config's INI file reader (boost::property_tree's ini_parser under a
// wrapper). Invariant: only ConfigError escapes, naming the problem.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "kernel/config/config_error.hpp"
#include "kernel/config/sources.hpp"

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
        const auto values = vergegrid::kernel::config::read_ini_file(scratch_file());
        for (const auto& [key, value] : values) {
            (void)vergegrid::kernel::config::env_name_for(key);
        }
    } catch (const vergegrid::kernel::config::ConfigError&) {
    }
    return 0;
}
