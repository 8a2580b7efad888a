// Grid facts and helpers the blueprint plugin tests share: a BlueprintInput over two templates
// (256 m and 512 m square) and one or two estates, and plans read back as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/blueprint.hpp"

namespace vergegrid::test {

inline constexpr const char* kSmallTemplate = "11111111-1111-4111-8111-111111111111";
inline constexpr const char* kLargeTemplate = "22222222-2222-4222-8222-222222222222";
inline constexpr const char* kMainEstate = "33333333-3333-4333-8333-333333333333";
inline constexpr const char* kOtherEstate = "44444444-4444-4444-8444-444444444444";

inline plugin_api::BlueprintInput blueprint_input(const nlohmann::json& parameters,
                                                  bool two_estates = false) {
    plugin_api::BlueprintInput input;
    input.parameters = parameters.dump();
    input.templates = nlohmann::json::array({{{"id", kSmallTemplate},
                                              {"name", "Small"},
                                              {"size_x", 256},
                                              {"size_y", 256},
                                              {"version", "1.0.0"}},
                                             {{"id", kLargeTemplate},
                                              {"name", "Large"},
                                              {"size_x", 512},
                                              {"size_y", 512},
                                              {"version", "2.1.0"}}})
                          .dump();
    auto estates = nlohmann::json::array({{{"id", kMainEstate}, {"name", "Main"}}});
    if (two_estates) {
        estates.push_back({{"id", kOtherEstate}, {"name", "Other"}});
    }
    input.estates = estates.dump();
    return input;
}

inline std::vector<nlohmann::json> parsed(const std::vector<std::string>& bodies) {
    std::vector<nlohmann::json> regions;
    for (const auto& body : bodies) {
        regions.push_back(nlohmann::json::parse(body));
    }
    return regions;
}

// The field a ParameterError names, or "" when the plan succeeded.
template <typename Blueprint>
std::string refused_field(const Blueprint& blueprint, const plugin_api::BlueprintInput& input) {
    try {
        blueprint.plan(input);
    } catch (const plugin_api::ParameterError& e) {
        return e.field();
    }
    return "";
}

}  // namespace vergegrid::test
