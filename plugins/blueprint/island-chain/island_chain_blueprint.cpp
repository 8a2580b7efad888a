#include "island_chain_blueprint.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "blueprint_parameters.hpp"
#include "grid_facts.hpp"

namespace vergegrid::blueprint {

namespace {

const nlohmann::json& schema() {
    static const nlohmann::json kSchema = nlohmann::json::parse(R"json({
      "type": "object",
      "properties": {
        "template": {"type": "string", "maxLength": 255,
                     "description": "the template every island is made from (id or name)"},
        "estate": {"type": "string", "maxLength": 255,
                   "description": "the islands' estate (id or name); default: the grid's only estate"},
        "count": {"type": "integer", "minimum": 1, "maximum": 100,
                  "description": "how many islands"},
        "x": {"type": "integer", "minimum": 0, "maximum": 16000000,
              "description": "grid x of the first island (256 m cells)"},
        "y": {"type": "integer", "minimum": 0, "maximum": 16000000,
              "description": "grid y of the first island (256 m cells)"},
        "direction": {"type": "string",
                      "enum": ["east", "west", "north", "south",
                               "north-east", "north-west", "south-east", "south-west"],
                      "default": "east", "description": "where the chain runs from the first island"},
        "water": {"type": "integer", "minimum": 1, "maximum": 64, "default": 1,
                  "description": "cells of open water between one island and the next"},
        "prefix": {"type": "string", "maxLength": 48,
                   "description": "island names are <prefix>-1, <prefix>-2, ..."}
      },
      "required": ["template", "count", "x", "y", "prefix"]
    })json");
    return kSchema;
}

// The step of the chain along each axis: -1, 0 or 1.
std::pair<int, int> heading(const std::string& direction) {
    static const std::map<std::string, std::pair<int, int>> kHeadings{
        {"east", {1, 0}},        {"west", {-1, 0}},        {"north", {0, 1}},
        {"south", {0, -1}},      {"north-east", {1, 1}},   {"north-west", {-1, 1}},
        {"south-east", {1, -1}}, {"south-west", {-1, -1}},
    };
    return kHeadings.at(direction);
}

}  // namespace

std::string IslandChainBlueprint::describe() const {
    return describe_blueprint(
        "K islands of one template in a line from <x,y> towards a direction, a water gap of G "
        "cells between them, named <prefix>-1 ... <prefix>-K",
        schema());
}

std::vector<std::string> IslandChainBlueprint::plan(const plugin_api::BlueprintInput& input) const {
    const BlueprintParameters parameters(schema(), input.parameters);
    const auto made_of = find_template(input, "template", parameters.text("template"));
    const auto estate =
        find_estate(input, "estate", parameters.has("estate") ? parameters.text("estate") : "");
    const auto [dx, dy] = heading(parameters.text("direction"));
    const auto water = parameters.integer("water");
    const auto count = parameters.integer("count");
    const auto prefix = parameters.text("prefix");
    std::vector<std::string> islands;
    for (std::int64_t i = 0; i < count; ++i) {
        const auto x = parameters.integer("x") + dx * i * (made_of.cells_x + water);
        const auto y = parameters.integer("y") + dy * i * (made_of.cells_y + water);
        if (x < 0 || y < 0) {
            throw plugin_api::ParameterError(
                "direction", "the chain would run off the grid's west or south edge (island " +
                                 std::to_string(i + 1) + ")");
        }
        islands.push_back(nlohmann::json{
            {"name", prefix + "-" + std::to_string(i + 1)},
            {"estate_id", estate},
            {"template_id", made_of.id},
            {"loc_x", x},
            {"loc_y", y}}.dump());
    }
    return islands;
}

}  // namespace vergegrid::blueprint
