#include "control/common/json_fields.hpp"

namespace vergegrid::control {

namespace {

void collect(const nlohmann::json& value, const std::string& path, JsonFields& out) {
    if (value.is_object()) {
        for (const auto& [key, child] : value.items()) {
            collect(child, path.empty() ? key : path + "." + key, out);
        }
    } else {
        out[path] = value;
    }
}

}  // namespace

JsonFields json_fields(const nlohmann::json& document) {
    JsonFields fields;
    collect(document, "", fields);
    return fields;
}

}  // namespace vergegrid::control
