#include "control/templates/template_json.hpp"

#include "control/templates/template_spec.hpp"

namespace vergegrid::control {

nlohmann::json template_to_json(const plugin_api::Template& tmpl) {
    nlohmann::json json = template_spec_to_json(template_spec_from_text(tmpl.spec));
    json["id"] = tmpl.id;
    json["name"] = tmpl.name;
    json["version"] = tmpl.version.to_string();
    json["created_at"] = tmpl.created_at;
    json["updated_at"] = tmpl.updated_at;
    return json;
}

}  // namespace vergegrid::control
