// The one test for "is this a region's (or any entity's) id as VergeGrid writes it": the
// canonical lower-case 8-4-4-4-12 form. The control plane checks ids named in requests with it,
// and the bridge checks a region id before it becomes part of a file name.
#pragma once

#include <cstddef>
#include <string_view>

namespace vergegrid::uuid_text {

inline bool is_canonical(std::string_view text) {
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

}  // namespace vergegrid::uuid_text
