#include "grid_blueprint.hpp"

#include <nlohmann/json.hpp>

#include "blueprint_parameters.hpp"
#include "grid_facts.hpp"

namespace vergegrid::blueprint {

namespace {

const nlohmann::json& schema() {
    static const nlohmann::json kSchema = nlohmann::json::parse(R"json({
      "type": "object",
      "properties": {
        "template": {"type": "string", "maxLength": 255,
                     "description": "the template every region is made from (id or name)"},
        "estate": {"type": "string", "maxLength": 255,
                   "description": "the regions' estate (id or name); default: the grid's only estate"},
        "columns": {"type": "integer", "minimum": 1, "maximum": 32,
                    "description": "regions from west to east"},
        "rows": {"type": "integer", "minimum": 1, "maximum": 32,
                 "description": "regions from south to north"},
        "x": {"type": "integer", "minimum": 0, "maximum": 16000000,
              "description": "grid x of the south-west region (256 m cells)"},
        "y": {"type": "integer", "minimum": 0, "maximum": 16000000,
              "description": "grid y of the south-west region (256 m cells)"},
        "prefix": {"type": "string", "maxLength": 48,
                   "description": "region names are <prefix>-1, <prefix>-2, ..."},
        "gap": {"type": "integer", "minimum": 0, "maximum": 64, "default": 0,
                "description": "empty cells between neighbouring regions"}
      },
      "required": ["template", "columns", "rows", "x", "y", "prefix"]
    })json");
    return kSchema;
}

}  // namespace

std::string GridBlueprint::describe() const {
    return describe_blueprint(
        "an N x M continent of one template at <x,y>, named <prefix>-1 ... <prefix>-K row by row "
        "from the south-west corner",
        schema());
}

std::vector<std::string> GridBlueprint::plan(const plugin_api::BlueprintInput& input) const {
    const BlueprintParameters parameters(schema(), input.parameters);
    const auto made_of = find_template(input, "template", parameters.text("template"));
    const auto estate =
        find_estate(input, "estate", parameters.has("estate") ? parameters.text("estate") : "");
    const auto columns = parameters.integer("columns");
    const auto rows = parameters.integer("rows");
    const auto gap = parameters.integer("gap");
    const auto prefix = parameters.text("prefix");
    std::vector<std::string> regions;
    for (std::int64_t row = 0; row < rows; ++row) {
        for (std::int64_t column = 0; column < columns; ++column) {
            const auto number = row * columns + column + 1;
            regions.push_back(nlohmann::json{
                {"name", prefix + "-" + std::to_string(number)},
                {"estate_id", estate},
                {"template_id", made_of.id},
                {"loc_x", parameters.integer("x") + column * (made_of.cells_x + gap)},
                {"loc_y", parameters.integer("y") + row * (made_of.cells_y + gap)}}
                                  .dump());
        }
    }
    return regions;
}

}  // namespace vergegrid::blueprint
