// vg-blueprint-hello: an example blueprint built against the VergeGrid SDK (plugin ABI 1.11).
//
// "plaza": a town square and its four quarters, five regions of one template in a plus sign:
// <name> Plaza at <x,y>, <name> North, East, South and West beside it. The plugin only plans: it
// names the regions as POST /api/v1/regions bodies; the control plane checks each with the real
// create rules (names, overlap, ports, placement) and creates all five or none.
//
// describe(): what the blueprint makes and its parameters as a JSON Schema object; the console
//             builds its form from it, so say what each parameter means.
// plan():     the five create bodies, or ParameterError(field, message) for a bad parameter (the
//             API answers 400 naming parameters.<field>).
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include <vergegrid/plugin_api/blueprint.hpp>
#include <vergegrid/plugin_api/plugin.hpp>

#ifndef HELLO_BLUEPRINT_VERSION
#define HELLO_BLUEPRINT_VERSION "0.0.0"
#endif

namespace {

namespace api = vergegrid::plugin_api;
using nlohmann::json;

const json& schema() {
    static const json kSchema = json::parse(R"json({
      "type": "object",
      "properties": {
        "name": {"type": "string", "maxLength": 40,
                 "description": "the town: regions are <name> Plaza, <name> North, ..."},
        "template": {"type": "string", "description": "the template of the five regions (id or name)"},
        "estate": {"type": "string", "description": "their estate (id or name)"},
        "x": {"type": "integer", "minimum": 1, "maximum": 1000000,
              "description": "grid x of the plaza (256 m cells)"},
        "y": {"type": "integer", "minimum": 1, "maximum": 1000000,
              "description": "grid y of the plaza (256 m cells)"}
      },
      "required": ["name", "template", "estate", "x", "y"]
    })json");
    return kSchema;
}

// parameters[field], checked against the schema's type and range.
json parameter(const json& parameters, const std::string& field) {
    const auto& rule = schema()["properties"][field];
    if (!parameters.contains(field)) {
        throw api::ParameterError(field, "is required");
    }
    const auto& value = parameters[field];
    if (rule["type"] == "integer") {
        if (!value.is_number_integer() ||
            value.get<long long>() < rule["minimum"].get<long long>() ||
            value.get<long long>() > rule["maximum"].get<long long>()) {
            throw api::ParameterError(field, "must be an integer from " + rule["minimum"].dump() +
                                                 " to " + rule["maximum"].dump());
        }
    } else if (!value.is_string() || value.get<std::string>().empty() ||
               value.get<std::string>().size() > rule.value("maxLength", 255U)) {
        throw api::ParameterError(field, "must be a non-empty string of at most " +
                                             std::to_string(rule.value("maxLength", 255U)) +
                                             " bytes");
    }
    return value;
}

// The entry of `facts` (grid facts: [{"id","name",...}]) whose id or name is `wanted`.
json find(const std::string& facts, const std::string& field, const std::string& wanted) {
    for (const auto& entry : json::parse(facts)) {
        if (entry.value("id", "") == wanted || entry.value("name", "") == wanted) {
            return entry;
        }
    }
    throw api::ParameterError(field, "no " + field + " with id or name '" + wanted + "'");
}

class PlazaBlueprint : public api::Blueprint {
  public:
    std::string describe() const override {
        return json{{"description",
                     "a town square and its four quarters: five regions in a plus sign at <x,y>"},
                    {"parameters", schema()}}
            .dump();
    }

    std::vector<std::string> plan(const api::BlueprintInput& input) const override {
        const auto parameters = json::parse(input.parameters);
        for (const auto& [key, value] : parameters.items()) {
            if (!schema()["properties"].contains(key)) {
                throw api::ParameterError(key, "is not a parameter of this blueprint");
            }
        }
        const std::string town = parameter(parameters, "name");
        const auto tmpl = find(input.templates, "template", parameter(parameters, "template"));
        const auto estate = find(input.estates, "estate", parameter(parameters, "estate"));
        if (tmpl.value("size_x", 256) != 256 || tmpl.value("size_y", 256) != 256) {
            throw api::ParameterError("template", "the plaza is made of 256 m regions");
        }
        const long long x = parameter(parameters, "x");
        const long long y = parameter(parameters, "y");
        const std::vector<std::pair<std::string, std::pair<int, int>>> quarters{{"Plaza", {0, 0}},
                                                                                {"North", {0, 1}},
                                                                                {"East", {1, 0}},
                                                                                {"South", {0, -1}},
                                                                                {"West", {-1, 0}}};
        std::vector<std::string> regions;
        for (const auto& [quarter, offset] : quarters) {
            regions.push_back(json{{"name", town + " " + quarter},
                                   {"estate_id", estate["id"]},
                                   {"template_id", tmpl["id"]},
                                   {"loc_x", x + offset.first},
                                   {"loc_y", y + offset.second}}
                                  .dump());
        }
        return regions;
    }
};

api::PluginObject* create(const api::HostContext&) {
    return new PlazaBlueprint();
}

constexpr const char* kConfigKeys[] = {nullptr};

constexpr api::PluginDescriptor kDescriptor{
    .struct_size = sizeof(api::PluginDescriptor),
    .abi_major = api::kAbiMajor,
    .abi_minor = api::kAbiMinor,
    .kind = "blueprint",
    .name = "hello-blueprint",
    .version = HELLO_BLUEPRINT_VERSION,
    .summary = "Example: a town square and its four quarters, five regions in a plus sign",
    .config_keys = kConfigKeys,
    .create = &create,
};

const api::PluginDescriptor* descriptor() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(descriptor)
