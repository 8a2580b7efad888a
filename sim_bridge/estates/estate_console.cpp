#include "sim_bridge/estates/estate_console.hpp"

#include <cctype>
#include <regex>

namespace vergegrid::bridge {

namespace {

constexpr std::string_view kBlockHead = "Estate information for region ";
constexpr std::string_view kColumnHead = "Estate Name";

std::string trimmed(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

// "{0,-20} {1,-7} {2,-20}": name, id, owner. A name longer than its 20 columns pushes the rest
// right, so the row is read as "<name> <digits> <owner>" with the LAST such split (owner names
// are two words without a run of digits standing alone).
std::optional<EstateRow> parse_row(const std::string& line) {
    static const std::regex row(R"(^(.*\S)\s+(\d+)\s+(\S.*?)\s*$)");
    static const std::regex no_owner(R"(^(.*\S)\s+(\d+)\s*$)");
    std::smatch match;
    EstateRow out;
    if (std::regex_match(line, match, row)) {
        out.owner = match[3];
    } else if (!std::regex_match(line, match, no_owner)) {
        return std::nullopt;
    }
    out.estate_name = match[1];
    try {
        out.estate_id = std::stoi(match[2]);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return out;
}

}  // namespace

std::vector<EstateRow> parse_estate_show(const std::vector<std::string>& lines) {
    std::vector<EstateRow> rows;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        if (line.rfind(kBlockHead, 0) != 0) {
            continue;
        }
        const std::string region = trimmed(line.substr(kBlockHead.size()));
        // The column heads, then the row.
        if (i + 2 >= lines.size() || lines[i + 1].rfind(kColumnHead, 0) != 0) {
            continue;
        }
        if (auto row = parse_row(lines[i + 2])) {
            row->region = region;
            rows.push_back(*row);
        }
        i += 2;
    }
    return rows;
}

std::optional<EstateRow> estate_of_region(const std::vector<EstateRow>& rows,
                                          std::string_view region) {
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
        if (it->region == region) {
            return *it;
        }
    }
    return std::nullopt;
}

std::optional<int> estate_id_named(const std::vector<EstateRow>& rows, std::string_view name) {
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
        if (it->estate_name == name) {
            return it->estate_id;
        }
    }
    return std::nullopt;
}

std::optional<EstateCreateAnswer> estate_create_answer(const std::string& line,
                                                       std::string_view name) {
    const std::string quoted = "\"" + std::string(name) + "\"";
    static const std::regex created(R"re(^Estate (\d+) created as "(.*)"\s*$)re");
    std::smatch match;
    if (std::regex_match(line, match, created) && match[2] == std::string(name)) {
        return EstateCreateAnswer{EstateCreateAnswer::Kind::created, std::stoi(match[1])};
    }
    if (line.rfind("An estate named " + quoted + " already exists.", 0) == 0) {
        return EstateCreateAnswer{EstateCreateAnswer::Kind::exists};
    }
    if (line.rfind("Could not find user ", 0) == 0) {
        return EstateCreateAnswer{EstateCreateAnswer::Kind::no_user};
    }
    return std::nullopt;
}

std::optional<bool> estate_link_answer(const std::string& line, std::string_view region_uuid) {
    if (line.rfind("Region " + std::string(region_uuid) + " is now attached to estate ", 0) == 0) {
        return true;
    }
    if (line.rfind("No estate found with ID ", 0) == 0 ||
        line.rfind("No access to Region ", 0) == 0 ||
        (line.find(" is not a valid ") != std::string::npos && line.front() == '"')) {
        return false;
    }
    return std::nullopt;
}

std::optional<std::string> estate_owner_uuid_answer(const std::string& line) {
    static const std::regex answer(
        R"(^Estate (?:already belongs to|owner changed to) ([0-9a-fA-F-]{36}) \(.*\)\s*$)");
    std::smatch match;
    if (std::regex_match(line, match, answer)) {
        return match[1].str();
    }
    return std::nullopt;
}

}  // namespace vergegrid::bridge
