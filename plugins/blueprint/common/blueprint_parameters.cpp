#include "blueprint_parameters.hpp"

#include "vergegrid/plugin_api/blueprint.hpp"

namespace vergegrid::blueprint {

namespace {

using plugin_api::ParameterError;

void check_integer(const std::string& name, const nlohmann::json& rule,
                   const nlohmann::json& value) {
    if (!value.is_number_integer()) {
        throw ParameterError(name, "must be an integer");
    }
    const auto number = value.get<std::int64_t>();
    if (rule.contains("minimum") && number < rule["minimum"].get<std::int64_t>()) {
        throw ParameterError(name, "must be at least " + rule["minimum"].dump());
    }
    if (rule.contains("maximum") && number > rule["maximum"].get<std::int64_t>()) {
        throw ParameterError(name, "must be at most " + rule["maximum"].dump());
    }
}

void check_string(const std::string& name, const nlohmann::json& rule,
                  const nlohmann::json& value) {
    if (!value.is_string()) {
        throw ParameterError(name, "must be a string");
    }
    const auto& text = value.get_ref<const std::string&>();
    if (text.empty()) {
        throw ParameterError(name, "must not be empty");
    }
    if (rule.contains("maxLength") && text.size() > rule["maxLength"].get<std::size_t>()) {
        throw ParameterError(name, "must be at most " + rule["maxLength"].dump() + " bytes");
    }
    if (rule.contains("enum")) {
        for (const auto& allowed : rule["enum"]) {
            if (allowed == value) {
                return;
            }
        }
        throw ParameterError(name, "must be one of " + rule["enum"].dump());
    }
}

}  // namespace

BlueprintParameters::BlueprintParameters(const nlohmann::json& schema, const std::string& text)
    : schema_(schema) {
    values_ = nlohmann::json::parse(text, nullptr, false);
    if (values_.is_discarded() || !values_.is_object()) {
        throw ParameterError("parameters", "must be a JSON object");
    }
    const auto& properties = schema_["properties"];
    for (const auto& [name, value] : values_.items()) {
        if (!properties.contains(name)) {
            throw ParameterError(name, "is not a parameter of this blueprint");
        }
        const auto& rule = properties[name];
        if (rule.value("type", "") == "integer") {
            check_integer(name, rule, value);
        } else {
            check_string(name, rule, value);
        }
    }
    for (const auto& required : schema_.value("required", nlohmann::json::array())) {
        if (!values_.contains(required.get<std::string>())) {
            throw ParameterError(required.get<std::string>(), "is required");
        }
    }
}

bool BlueprintParameters::has(const std::string& name) const {
    return values_.contains(name) || schema_["properties"][name].contains("default");
}

const nlohmann::json& BlueprintParameters::value(const std::string& name) const {
    if (values_.contains(name)) {
        return values_[name];
    }
    const auto& rule = schema_["properties"][name];
    if (!rule.contains("default")) {
        throw ParameterError(name, "is required");
    }
    return rule["default"];
}

std::int64_t BlueprintParameters::integer(const std::string& name) const {
    return value(name).get<std::int64_t>();
}

std::string BlueprintParameters::text(const std::string& name) const {
    return value(name).get<std::string>();
}

std::string describe_blueprint(const std::string& description, const nlohmann::json& schema) {
    return nlohmann::json{{"description", description}, {"parameters", schema}}.dump();
}

}  // namespace vergegrid::blueprint
