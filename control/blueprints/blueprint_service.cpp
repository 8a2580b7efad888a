#include "control/blueprints/blueprint_service.hpp"

#include "control/domain/domain_error.hpp"

namespace vergegrid::control {

namespace {

using plugin_api::StorageTransaction;

// Thrown out of a plan's command once every create ran: the transaction rolls back.
struct DryRunDone {};

constexpr int kPage = 500;

// The grid facts a plan is made from (BlueprintInput), read in the command's transaction.
std::string templates_json(StorageTransaction& tx) {
    auto list = nlohmann::json::array();
    std::string after;
    for (;;) {
        const auto page = tx.list_templates(after, kPage);
        for (const auto& tmpl : page) {
            const auto spec = nlohmann::json::parse(tmpl.spec, nullptr, false);
            const auto size = [&](const char* key) {
                return spec.is_object() && spec.contains(key) && spec[key].is_number_integer()
                           ? spec[key].get<int>()
                           : 256;
            };
            list.push_back({{"id", tmpl.id},
                            {"name", tmpl.name},
                            {"size_x", size("size_x")},
                            {"size_y", size("size_y")},
                            {"version", tmpl.version.to_string()}});
        }
        if (static_cast<int>(page.size()) < kPage) {
            return list.dump();
        }
        after = page.back().name;
    }
}

std::string estates_json(StorageTransaction& tx) {
    auto list = nlohmann::json::array();
    std::string after;
    for (;;) {
        const auto page = tx.list_estates(after, kPage);
        for (const auto& estate : page) {
            list.push_back({{"id", estate.id}, {"name", estate.name}});
        }
        if (static_cast<int>(page.size()) < kPage) {
            return list.dump();
        }
        after = page.back().name;
    }
}

DomainError plugin_failure(const std::string& name, const std::string& what) {
    return DomainError(Fault::internal, "blueprint_failed",
                       "blueprint '" + name + "' failed: " + what);
}

// The regions the plugin names for these parameters, each a JSON object.
std::vector<nlohmann::json> ask_plugin(const std::string& name,
                                       const plugin_api::Blueprint& blueprint,
                                       const plugin_api::BlueprintInput& input) {
    std::vector<std::string> bodies;
    try {
        bodies = blueprint.plan(input);
    } catch (const plugin_api::ParameterError& e) {
        throw DomainError::invalid_field("parameters." + e.field(), e.what());
    } catch (const std::exception& e) {
        throw plugin_failure(name, e.what());
    }
    std::vector<nlohmann::json> specs;
    for (const auto& body : bodies) {
        auto spec = nlohmann::json::parse(body, nullptr, false);
        if (spec.is_discarded() || !spec.is_object()) {
            throw plugin_failure(name, "it planned a region that is not a JSON object");
        }
        specs.push_back(std::move(spec));
    }
    return specs;
}

std::string region_label(const nlohmann::json& spec, std::size_t index, std::size_t count) {
    const auto name = spec.contains("name") && spec["name"].is_string()
                          ? "'" + spec["name"].get<std::string>() + "'"
                          : std::string("without a name");
    return "region " + name + " (" + std::to_string(index + 1) + " of " + std::to_string(count) +
           ")";
}

}  // namespace

BlueprintService::BlueprintService(
    Store store, std::shared_ptr<const RegionService> regions,
    std::map<std::string, std::shared_ptr<plugin_api::Blueprint>> blueprints)
    : store_(std::move(store)), regions_(std::move(regions)) {
    for (auto& [name, plugin] : blueprints) {
        BlueprintInfo info{name, "", nlohmann::json::object()};
        const auto described = nlohmann::json::parse(plugin->describe(), nullptr, false);
        if (described.is_object()) {
            info.description = described.value("description", "");
            if (described.contains("parameters") && described["parameters"].is_object()) {
                info.parameters = described["parameters"];
            }
        }
        blueprints_.emplace(name, Loaded{std::move(info), std::move(plugin)});
    }
}

std::vector<BlueprintInfo> BlueprintService::list() const {
    std::vector<BlueprintInfo> infos;
    for (const auto& [name, blueprint] : blueprints_) {
        infos.push_back(blueprint.info);
    }
    return infos;
}

const BlueprintService::Loaded& BlueprintService::loaded(const std::string& name) const {
    const auto it = blueprints_.find(name);
    if (it == blueprints_.end()) {
        throw DomainError::not_found("no blueprint named '" + name + "'");
    }
    return it->second;
}

BlueprintInfo BlueprintService::get(const std::string& name) const {
    return loaded(name).info;
}

BlueprintOutcome BlueprintService::create_all(Changes& changes, const Loaded& blueprint,
                                              const nlohmann::json& parameters,
                                              bool all_or_none) const {
    plugin_api::BlueprintInput input;
    input.parameters = parameters.dump();
    input.templates = templates_json(changes.tx());
    input.estates = estates_json(changes.tx());
    const auto specs = ask_plugin(blueprint.info.name, *blueprint.plugin, input);
    BlueprintOutcome outcome{blueprint.info.name, parameters, all_or_none, {}};
    for (std::size_t i = 0; i < specs.size(); ++i) {
        BlueprintRegion planned{specs[i], std::nullopt, std::nullopt};
        try {
            planned.created = regions_->create_within(changes, CreateRegion{specs[i]});
        } catch (const DomainError& e) {
            if (e.fault() == Fault::internal || e.fault() == Fault::unavailable) {
                throw;
            }
            if (all_or_none) {
                throw DomainError(Fault::conflict, e.code(),
                                  region_label(specs[i], i, specs.size()) + ": " + e.what(),
                                  "regions[" + std::to_string(i) + "]" +
                                      (e.field().empty() ? "" : "." + e.field()));
            }
            planned.refusal = RegionRefusal{e.code(), e.field(), e.what()};
        }
        outcome.regions.push_back(std::move(planned));
    }
    return outcome;
}

BlueprintOutcome BlueprintService::plan(const Actor& actor, const std::string& name,
                                        const nlohmann::json& parameters) const {
    const auto& blueprint = loaded(name);
    std::optional<BlueprintOutcome> outcome;
    try {
        store_.command(actor, [&](Changes& changes) {
            outcome = create_all(changes, blueprint, parameters, false);
            throw DryRunDone{};
        });
    } catch (const DryRunDone&) {
    }
    return std::move(*outcome);
}

Committed<BlueprintOutcome> BlueprintService::apply(const Actor& actor, const std::string& name,
                                                    const nlohmann::json& parameters) const {
    const auto& blueprint = loaded(name);
    return store_.command(actor, [&](Changes& changes) {
        auto outcome = create_all(changes, blueprint, parameters, true);
        auto ids = nlohmann::json::array();
        for (const auto& region : outcome.regions) {
            ids.push_back(region.created->region.uuid);
        }
        // One audited event for the whole set, besides each region's own region.create.
        DomainEvent applied;
        applied.type = "blueprint.apply";
        applied.entity_type = "blueprint";
        applied.entity_id = blueprint.info.name;
        applied.after = {{"blueprint", blueprint.info.name},
                         {"parameters", parameters},
                         {"region_ids", std::move(ids)}};
        changes.record(std::move(applied));
        return outcome;
    });
}

}  // namespace vergegrid::control
