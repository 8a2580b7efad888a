#include "plugin_host/plugin_listing.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

namespace vergegrid::plugin_host {

namespace {
std::string abi_text(const PluginRecord& r) {
    return r.abi ? r.abi->to_string() : "-";
}
std::string or_dash(const std::string& text) {
    return text.empty() ? "-" : text;
}
}  // namespace

nlohmann::json plugins_to_json(const std::vector<PluginRecord>& records) {
    auto items = nlohmann::json::array();
    for (const auto& r : records) {
        nlohmann::json item = {
            {"file", r.file.string()},
            {"status", to_string(r.status)},
            {"kind", r.kind},
            {"name", r.name},
            {"version", r.version},
            {"summary", r.summary},
            {"abi", r.abi ? nlohmann::json(r.abi->to_string()) : nlohmann::json(nullptr)},
        };
        if (!r.reason.empty()) {
            item["reason"] = r.reason;
        }
        items.push_back(std::move(item));
    }
    return {{"items", std::move(items)}};
}

std::string plugins_to_table(const std::vector<PluginRecord>& records) {
    const std::array<std::string, 6> header{"STATUS", "KIND", "NAME", "VERSION", "ABI", "FILE"};
    std::vector<std::array<std::string, 6>> rows;
    for (const auto& r : records) {
        rows.push_back({to_string(r.status), or_dash(r.kind), or_dash(r.name), or_dash(r.version),
                        abi_text(r), r.file.filename().string()});
    }
    std::array<std::size_t, 6> width{};
    for (std::size_t c = 0; c < header.size(); ++c) {
        width[c] = header[c].size();
        for (const auto& row : rows) {
            width[c] = std::max(width[c], row[c].size());
        }
    }
    auto line = [&](const std::array<std::string, 6>& cells) {
        std::string text;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            text += cells[c];
            if (c + 1 < cells.size()) {
                text += std::string(width[c] - cells[c].size() + 2, ' ');
            }
        }
        return text + "\n";
    };
    std::string table = line(header);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        table += line(rows[i]);
        if (!records[i].reason.empty()) {
            table += "    reason: " + records[i].reason + "\n";
        }
    }
    if (records.empty()) {
        table += "(no plugins found)\n";
    }
    return table;
}

}  // namespace vergegrid::plugin_host
