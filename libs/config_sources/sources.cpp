#include "config_sources/sources.hpp"

#include <unistd.h>
#include <boost/property_tree/ini_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cctype>
#include <cstdlib>

#include "config_sources/config_error.hpp"

namespace vergegrid::config_sources {

EnvLookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        if (const char* value = std::getenv(name.c_str())) {
            return std::string(value);
        }
        return std::nullopt;
    };
}

std::vector<std::string> process_environment_names() {
    std::vector<std::string> names;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string variable(*entry);
        if (variable.rfind("VERGEGRID_", 0) == 0) {
            names.push_back(variable.substr(0, variable.find('=')));
        }
    }
    return names;
}

ValueMap read_ini_file(const std::filesystem::path& file) {
    namespace pt = boost::property_tree;
    const std::string origin = "file " + file.string();
    if (!std::filesystem::is_regular_file(file)) {
        throw ConfigError("", "config file " + file.string() + " does not exist");
    }
    pt::ptree tree;
    try {
        pt::ini_parser::read_ini(file.string(), tree);
    } catch (const pt::ini_parser_error& e) {
        throw ConfigError("", e.what());
    }
    ValueMap values;
    for (const auto& [name, node] : tree) {
        if (node.empty()) {  // a key before the first [section]
            values[name] = Value{node.data(), origin};
            continue;
        }
        for (const auto& [key, leaf] : node) {
            values[name + "." + key] = Value{leaf.data(), origin};
        }
    }
    return values;
}

std::string env_name_for(const std::string& key) {
    std::string name = "VERGEGRID_";
    for (char c : key) {
        name += (c == '.' || c == '-')
                    ? '_'
                    : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return name;
}

}  // namespace vergegrid::config_sources
