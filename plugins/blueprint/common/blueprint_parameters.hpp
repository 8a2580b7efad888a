// A blueprint's parameters read against its own JSON Schema: the subset the built-in blueprints
// describe themselves with (integer with minimum/maximum, string with maxLength or enum, default,
// required). Unknown parameters, wrong types and values out of range are ParameterErrors naming
// the parameter, so what describe() promises is exactly what plan() accepts.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace vergegrid::blueprint {

class BlueprintParameters {
  public:
    // `schema`: {"type":"object","properties":{...},"required":[...]}; `text`: the operator's
    // parameters (JSON object text). Throws plugin_api::ParameterError.
    BlueprintParameters(const nlohmann::json& schema, const std::string& text);

    // The parameter's value, or its default; a parameter that has neither throws.
    std::int64_t integer(const std::string& name) const;
    std::string text(const std::string& name) const;
    bool has(const std::string& name) const;

  private:
    const nlohmann::json& value(const std::string& name) const;

    nlohmann::json schema_;
    nlohmann::json values_;
};

// {"description": description, "parameters": schema} as describe() returns it.
std::string describe_blueprint(const std::string& description, const nlohmann::json& schema);

}  // namespace vergegrid::blueprint
