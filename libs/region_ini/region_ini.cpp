#include "region_ini.hpp"

#include <stdexcept>

namespace vergegrid::region_ini {

namespace {

bool is_control(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
}

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

// No control character at all: a line break would start a new key, and OpenSim's reader (Nini)
// treats the others inconsistently.
void require_printable(const std::string& key, const std::string& value) {
    for (const char c : value) {
        if (is_control(c)) {
            throw std::invalid_argument(key +
                                        " must not contain control characters or line breaks");
        }
    }
}

void require_present(const std::string& key, const std::string& value) {
    if (value.empty()) {
        throw std::invalid_argument(key + " is required");
    }
}

// Nini, OpenSim's INI reader, ends an unquoted value at ';' or '#' (a comment), trims blanks
// around it, and ends any value at a double quote: a value opening with '"' runs to the next '"'.
// So a value with a comment character or blanks at its ends is written quoted, and a '"' cannot
// be written at all.
std::string value_text(const std::string& key, const std::string& value) {
    require_printable(key, value);
    if (value.find('"') != std::string::npos) {
        throw std::invalid_argument(key + " must not contain '\"'");
    }
    const bool needs_quotes =
        value.find_first_of(";#") != std::string::npos ||
        (!value.empty() && (is_blank(value.front()) || is_blank(value.back())));
    return needs_quotes ? "\"" + value + "\"" : value;
}

}  // namespace

std::string render(const RegionIniSpec& spec) {
    require_present("name", spec.name);
    require_printable("name", spec.name);
    if (spec.name.find_first_of("[]") != std::string::npos) {
        throw std::invalid_argument("name must not contain '[' or ']'");
    }
    if (is_blank(spec.name.front()) || is_blank(spec.name.back())) {
        // The reader trims the section name, so the region would load under another name.
        throw std::invalid_argument("name must not begin or end with a blank");
    }
    require_present("uuid", spec.uuid);
    require_present("internal_address", spec.internal_address);
    require_present("external_host_name", spec.external_host_name);
    if (spec.internal_port <= 0 || spec.internal_port > 65535) {
        throw std::invalid_argument("internal_port must be 1-65535");
    }

    // The five keys OpenSim requires come first; with them alone a region loads without a
    // console prompt. The rest are optional and written only when they say something.
    std::string ini = "[" + spec.name + "]\n";
    auto line = [&ini](const std::string& key, const std::string& value) {
        ini += key + " = " + value + "\n";
    };
    line("RegionUUID", value_text("uuid", spec.uuid));
    line("Location", std::to_string(spec.loc_x) + "," + std::to_string(spec.loc_y));
    line("InternalAddress", value_text("internal_address", spec.internal_address));
    line("InternalPort", std::to_string(spec.internal_port));
    line("ExternalHostName", value_text("external_host_name", spec.external_host_name));
    line("SizeX", std::to_string(spec.size_x));
    line("SizeY", std::to_string(spec.size_y));
    if (spec.max_prims > 0) {
        line("MaxPrims", std::to_string(spec.max_prims));
    }
    if (spec.max_agents > 0) {
        line("MaxAgents", std::to_string(spec.max_agents));
    }
    if (!spec.target_estate.empty()) {
        line("TargetEstate", value_text("target_estate", spec.target_estate));
    }
    return ini;
}

}  // namespace vergegrid::region_ini
