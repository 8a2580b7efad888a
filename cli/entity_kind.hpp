// The kinds of entity the commands name by id or name, and what differs between them.
#pragma once

#include <string_view>

namespace vergegrid::cli {

struct EntityKind {
    std::string_view name;                 // "region"
    std::string_view plural;               // "regions"
    std::string_view path;                 // "/regions"
    bool versioned;                        // carries a version; accepts If-Match
    bool filter_by_name;                   // its list takes ?name_prefix=
    std::string_view name_field = "name";  // the member its name is in
};

inline constexpr EntityKind kEstate{"estate", "estates", "/estates", false, false};
inline constexpr EntityKind kTemplate{"template", "templates", "/templates", true, false};
inline constexpr EntityKind kRegion{"region", "regions", "/regions", true, true};
// Operators' accounts (admin only), named by id or by name like the three above.
inline constexpr EntityKind kUser{"user", "users", "/users", false, false};
// Simulators are named by their hostname.
inline constexpr EntityKind kSimulator{"simulator", "simulators", "/simulators",
                                       false,       false,        "hostname"};

}  // namespace vergegrid::cli
