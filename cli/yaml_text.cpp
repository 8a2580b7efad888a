#include "cli/yaml_text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace vergegrid::cli {

namespace {

// YAML 1.1 (PyYAML, many tools) resolves plain scalars starting like a number, a date or a
// sexagesimal, and the bool and null words, to other types; such strings must be quoted.
bool reads_as_other_type(const std::string& text) {
    if (text.empty()) {
        return true;
    }
    const auto first = static_cast<unsigned char>(text.front());
    if (std::isdigit(first) != 0 || first == '+' || first == '-' || first == '.' || first == '~') {
        return true;
    }
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static constexpr std::array<const char*, 9> kWords{"true", "false", "yes", "no",  "on",
                                                       "off",  "y",     "n",   "null"};
    return std::any_of(kWords.begin(), kWords.end(),
                       [&](const char* word) { return lower == word; });
}

// JSON's shortest round-trip text, with the '.' YAML 1.1 needs to read a float (20.0, 1.0e+30):
// -o yaml then says 20.0 where -o json does, not 20.
std::string float_text(const Json& value) {
    std::string text = value.dump();
    if (text.find('.') == std::string::npos) {
        const auto exponent = text.find_first_of("eE");
        text.insert(exponent == std::string::npos ? text.size() : exponent, ".0");
    }
    return text;
}

void emit(YAML::Emitter& out, const Json& value) {
    switch (value.type()) {
        case Json::value_t::object:
            if (value.empty()) {
                out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
                return;
            }
            out << YAML::BeginMap;
            for (const auto& [key, member] : value.items()) {
                out << YAML::Key;
                emit(out, Json(key));
                out << YAML::Value;
                emit(out, member);
            }
            out << YAML::EndMap;
            return;
        case Json::value_t::array:
            if (value.empty()) {
                out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
                return;
            }
            out << YAML::BeginSeq;
            for (const auto& item : value) {
                emit(out, item);
            }
            out << YAML::EndSeq;
            return;
        case Json::value_t::string: {
            const auto& text = value.get_ref<const std::string&>();
            if (reads_as_other_type(text)) {
                out << YAML::DoubleQuoted;
            }
            out << text;
            return;
        }
        case Json::value_t::boolean:
            out << value.get<bool>();
            return;
        case Json::value_t::number_integer:
            out << value.get<std::int64_t>();
            return;
        case Json::value_t::number_unsigned:
            out << value.get<std::uint64_t>();
            return;
        case Json::value_t::number_float:
            out << float_text(value);
            return;
        default:  // null, and the binary and discarded values JSON text never holds
            out << YAML::Null;
            return;
    }
}

}  // namespace

std::string to_yaml(const Json& document) {
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetBoolFormat(YAML::TrueFalseBool);
    out.SetNullFormat(YAML::TildeNull);
    emit(out, document);
    return out.c_str();
}

}  // namespace vergegrid::cli
