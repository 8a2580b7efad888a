#include "control/estates/estate_json.hpp"

namespace vergegrid::control {

nlohmann::json estate_to_json(const plugin_api::Estate& estate) {
    return {{"id", estate.id},
            {"name", estate.name},
            {"owner", estate.owner},
            {"created_at", estate.created_at},
            {"updated_at", estate.updated_at}};
}

}  // namespace vergegrid::control
