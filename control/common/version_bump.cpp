#include "control/common/version_bump.hpp"

namespace vergegrid::control {

std::string to_string(Bump bump) {
    switch (bump) {
        case Bump::none:
            return "none";
        case Bump::patch:
            return "patch";
        case Bump::minor:
            return "minor";
        case Bump::major:
            return "major";
    }
    return "none";
}

plugin_api::SemVer bumped(const plugin_api::SemVer& v, Bump bump) {
    switch (bump) {
        case Bump::none:
            return v;
        case Bump::patch:
            return {v.major, v.minor, v.patch + 1};
        case Bump::minor:
            return {v.major, v.minor + 1, 0};
        case Bump::major:
            return {v.major + 1, 0, 0};
    }
    return v;
}

}  // namespace vergegrid::control
