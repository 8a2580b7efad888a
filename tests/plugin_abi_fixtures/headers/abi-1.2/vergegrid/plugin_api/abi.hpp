// The versioned contract between vergegrid-control (the host) and a plugin shared object.
// docs/plugin-abi.md explains the rules; this header is the part the compiler checks.
#pragma once

#include <cstdint>
#include <string>

namespace vergegrid::plugin_api {

// Bump the major when anything that crosses the boundary changes incompatibly (a struct field
// moves, a virtual function changes or moves). Bump the minor when something is only added (a
// kind, a trailing descriptor field, an extension interface); old plugins keep working.
inline constexpr std::uint16_t kAbiMajor = 1;
inline constexpr std::uint16_t kAbiMinor = 2;

struct AbiVersion {
    std::uint16_t major = kAbiMajor;
    std::uint16_t minor = kAbiMinor;

    friend bool operator==(const AbiVersion&, const AbiVersion&) = default;
    std::string to_string() const { return std::to_string(major) + "." + std::to_string(minor); }
};

inline constexpr AbiVersion kAbiVersion{kAbiMajor, kAbiMinor};

// The name under which every plugin exports its one entry point (see VERGEGRID_PLUGIN).
inline constexpr const char* kEntryPointName = "vergegrid_plugin";

}  // namespace vergegrid::plugin_api
