#include "control/estates/estate_owner.hpp"

#include <algorithm>

#include "uuid_text/uuid_text.hpp"

namespace vergegrid::control {

namespace {

constexpr std::string_view kZeroUuid = "00000000-0000-0000-0000-000000000000";
constexpr std::size_t kMaxNamePart = 64;

bool name_part_ok(std::string_view part) {
    // Bytes below 0x20 and DEL are control characters; bytes >= 0x80 are UTF-8 (the JSON reader
    // has already checked the encoding) and welcome, as OpenSim stores names as text.
    return !part.empty() && part.size() <= kMaxNamePart &&
           std::none_of(part.begin(), part.end(), [](char c) {
               const auto byte = static_cast<unsigned char>(c);
               return byte <= 0x20 || byte == 0x7f || c == '"';
           });
}

bool looks_like_uuid(std::string_view owner) {
    return owner.size() == 36 && owner[8] == '-' && owner[13] == '-' && owner[18] == '-' &&
           owner[23] == '-';
}

}  // namespace

std::optional<std::string> estate_owner_problem(std::string_view owner) {
    if (looks_like_uuid(owner)) {
        if (!uuid_text::is_canonical(owner)) {
            return "must be a UUID in lower-case 8-4-4-4-12 form, or an avatar name \"First "
                   "Last\"";
        }
        if (owner == kZeroUuid) {
            return "must not be the zero UUID: it is no user in OpenSim";
        }
        return std::nullopt;
    }
    const auto space = owner.find(' ');
    if (space == std::string_view::npos || !name_part_ok(owner.substr(0, space)) ||
        !name_part_ok(owner.substr(space + 1))) {
        return "must be an OpenSim avatar name \"First Last\" (two words of at most 64 bytes, "
               "one space between, no '\"') or a user's UUID";
    }
    return std::nullopt;
}

}  // namespace vergegrid::control
