// The kinds of plugin the host knows. A kind is a string on the wire so that a kernel meeting a
// kind from a newer ABI can name it in its refusal instead of misreading a number.
#pragma once

#include <array>
#include <string_view>

namespace vergegrid::plugin_api::kind {

inline constexpr std::string_view kStorage = "storage";
inline constexpr std::string_view kPlacement = "placement";
inline constexpr std::string_view kInjection = "injection";
inline constexpr std::string_view kSync = "sync";
inline constexpr std::string_view kAuth = "auth";

// Kinds of ABI 1.0. Adding one is a minor bump; removing one is a major bump.
inline constexpr std::array<std::string_view, 5> kKnown{kStorage, kPlacement, kInjection, kSync,
                                                        kAuth};

constexpr bool is_known(std::string_view k) {
    for (auto known : kKnown) {
        if (known == k) {
            return true;
        }
    }
    return false;
}

}  // namespace vergegrid::plugin_api::kind
