// MAJOR.MINOR.PATCH of a region or template spec.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace vergegrid::plugin_api {

// IN/OUT (inside the storage records). Frozen. Since 1.0.
struct SemVer {
    int major = 1;
    int minor = 0;
    int patch = 0;

    friend auto operator<=>(const SemVer&, const SemVer&) = default;

    std::string to_string() const {
        return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    }

    // "1.2.3" -> {1,2,3}; nullopt for anything else (no leading zeros, no pre-release tags).
    static std::optional<SemVer> parse(std::string_view text) {
        SemVer v{0, 0, 0};
        int* parts[3] = {&v.major, &v.minor, &v.patch};
        std::size_t pos = 0;
        for (int i = 0; i < 3; ++i) {
            const std::size_t start = pos;
            long value = 0;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                value = value * 10 + (text[pos] - '0');
                if (value > 1'000'000'000) {
                    return std::nullopt;
                }
                ++pos;
            }
            const std::size_t digits = pos - start;
            if (digits == 0 || (digits > 1 && text[start] == '0')) {
                return std::nullopt;
            }
            *parts[i] = static_cast<int>(value);
            if (i < 2) {
                if (pos >= text.size() || text[pos] != '.') {
                    return std::nullopt;
                }
                ++pos;
            }
        }
        if (pos != text.size()) {
            return std::nullopt;
        }
        return v;
    }
};

}  // namespace vergegrid::plugin_api
