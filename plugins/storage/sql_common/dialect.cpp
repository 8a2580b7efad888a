#include "dialect.hpp"

namespace vergegrid::plugins::sql {

std::string with_slot(std::string pattern, const std::string& slot, const std::string& sql) {
    for (auto at = pattern.find(slot); at != std::string::npos;
         at = pattern.find(slot, at + sql.size())) {
        pattern.replace(at, slot.size(), sql);
    }
    return pattern;
}

}  // namespace vergegrid::plugins::sql
