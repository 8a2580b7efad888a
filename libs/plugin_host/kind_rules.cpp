#include "plugin_host/kind_rules.hpp"

#include "vergegrid/plugin_api/kinds.hpp"

namespace vergegrid::plugin_host {

std::uint16_t kind_min_minor(std::string_view kind) {
    if (kind == plugin_api::kind::kSnapshotStore) {
        return kSnapshotStoreMinMinor;
    }
    if (kind == plugin_api::kind::kMigration) {
        return kMigrationMinMinor;
    }
    if (kind == plugin_api::kind::kEventSink) {
        return kEventSinkMinMinor;
    }
    if (kind == plugin_api::kind::kBlueprint) {
        return kBlueprintMinMinor;
    }
    return 0;
}

std::vector<KindUse> every_kind() {
    std::vector<KindUse> kinds;
    for (auto kind : plugin_api::kind::kKnown) {
        kinds.push_back({kind, kind_min_minor(kind)});
    }
    return kinds;
}

const KindUse* find_kind(std::span<const KindUse> kinds, std::string_view kind) {
    for (const auto& use : kinds) {
        if (use.kind == kind) {
            return &use;
        }
    }
    return nullptr;
}

// Lets a program skip a plugin of a kind it does not use without mapping the library (and the
// database client it drags in).
std::string kind_from_file_name(const std::filesystem::path& file) {
    const std::string name = file.filename().string();
    for (auto kind : plugin_api::kind::kKnown) {
        const std::string prefix = "vg-" + std::string(kind) + "-";
        if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0) {
            return std::string(kind);
        }
    }
    return "";
}

std::string unused_kind_reason(const std::string& kind, const std::string& program) {
    return "kind " + kind + " not used by " + program;
}

std::string check_min_minor(const PluginRecord& record, const KindUse& use,
                            const std::string& program) {
    if (!record.abi || record.abi->minor >= use.min_minor) {
        return "";
    }
    const plugin_api::AbiVersion needed{record.abi->major, use.min_minor};
    return record.file.filename().string() + " was built for plugin ABI " +
           record.abi->to_string() + "; " + program + " needs ABI " + needed.to_string() +
           " or newer for " + record.kind + " plugins: rebuild it against a newer SDK";
}

}  // namespace vergegrid::plugin_host
