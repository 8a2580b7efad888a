// Blueprints (docs/blueprints.md): sets of regions made from parameters by the blueprint plugins
// (plugin_api/blueprint.hpp). The plugin only names the regions; every one of them goes through
// RegionService::create_within, so names, overlap, ports, capacity and placement follow exactly
// the rules of POST /api/v1/regions. A plan runs every create in one transaction that is then
// rolled back (nothing written, no event); an apply runs them in one transaction that commits
// all of them or, at the first refusal, none.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "control/domain/store.hpp"
#include "control/regions/region_service.hpp"
#include "vergegrid/plugin_api/blueprint.hpp"

namespace vergegrid::control {

// A loaded blueprint as the API lists it.
struct BlueprintInfo {
    std::string name;
    std::string description;
    nlohmann::json parameters;  // the plugin's JSON Schema object
};

// Why the create rules refuse one region of a blueprint.
struct RegionRefusal {
    std::string code;     // the create's error code: overlap, name_taken, port_taken, ...
    std::string field;    // the region field at fault (loc_x, name, ...), may be empty
    std::string message;  // names the region it collides with, when it does
};

// One region of a blueprint: the create body the plugin asked for and either where it went (or
// would go) or why it cannot.
struct BlueprintRegion {
    nlohmann::json spec;
    std::optional<RegionChanged> created;
    std::optional<RegionRefusal> refusal;
};

struct BlueprintOutcome {
    std::string blueprint;
    nlohmann::json parameters;
    bool applied = false;  // false: a plan, nothing written
    std::vector<BlueprintRegion> regions;
};

class BlueprintService {
  public:
    // Asks every blueprint to describe itself once; `regions` must outlive the service.
    BlueprintService(Store store, std::shared_ptr<const RegionService> regions,
                     std::map<std::string, std::shared_ptr<plugin_api::Blueprint>> blueprints);

    std::vector<BlueprintInfo> list() const;           // by name
    BlueprintInfo get(const std::string& name) const;  // not_found for one not loaded

    // `parameters` must be a JSON object. Throws not_found (unknown blueprint), invalid_field
    // naming `parameters.<name>` (the plugin refused a parameter).
    BlueprintOutcome plan(const Actor& actor, const std::string& name,
                          const nlohmann::json& parameters) const;
    // As plan, but written: one transaction with every region (each its region.create) and one
    // blueprint.apply event naming them. A refused region is a conflict naming it (field
    // `regions[i].<field>`), and nothing is written.
    Committed<BlueprintOutcome> apply(const Actor& actor, const std::string& name,
                                      const nlohmann::json& parameters) const;

  private:
    struct Loaded {
        BlueprintInfo info;
        std::shared_ptr<plugin_api::Blueprint> plugin;
    };
    const Loaded& loaded(const std::string& name) const;
    // Every region of the plan created in `changes`; refusals are kept (all_or_none: thrown).
    BlueprintOutcome create_all(Changes& changes, const Loaded& blueprint,
                                const nlohmann::json& parameters, bool all_or_none) const;

    Store store_;
    std::shared_ptr<const RegionService> regions_;
    std::map<std::string, Loaded> blueprints_;
};

}  // namespace vergegrid::control
