// A region's id becomes part of a file name in Regions/ (vergegrid-<id>.ini) and is compared with
// the RegionUUID read back from the stubs (lowercased), so only the canonical form is accepted:
// 8-4-4-4-12 lowercase hexadecimal digits, which can hold no '/', '.' or other path syntax.
#pragma once

#include <string_view>

namespace vergegrid::bridge {

inline bool is_region_uuid(std::string_view text) {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

}  // namespace vergegrid::bridge
