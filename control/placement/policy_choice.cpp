#include "control/placement/policy_choice.hpp"

#include <spdlog/spdlog.h>

namespace vergegrid::control {

namespace {

nlohmann::json policy_document(const std::optional<std::string>& name) {
    return {{"policy", name ? nlohmann::json(*name) : nlohmann::json(nullptr)}};
}

std::optional<std::string> active_name(const ActivePolicy& active) {
    return active.policy ? std::optional<std::string>(active.name) : std::nullopt;
}

}  // namespace

PolicyChoice::PolicyChoice(Store store, std::shared_ptr<PlacementService> placement,
                           std::function<void(const std::string& name)> chosen)
    : store_(std::move(store)), placement_(std::move(placement)), chosen_(std::move(chosen)) {}

PolicyListing PolicyChoice::listing() const {
    return {active_name(placement_->active()), placement_->available()};
}

Committed<PolicyListing> PolicyChoice::choose(const Actor& actor, const std::string& name) {
    ActivePolicy next{placement_->make(name), name};
    auto committed = store_.command(actor, [&](Changes& changes) {
        changes.record(DomainEvent{"placement.policy", "placement_policy", name,
                                   policy_document(active_name(placement_->active())),
                                   policy_document(name)});
    });
    placement_->publish(std::move(next));
    if (chosen_) {
        chosen_(name);
    }
    return {listing(), std::move(committed.events)};
}

void follow_policy_choice(PlacementService& placement, const std::string& name,
                          spdlog::logger& log) {
    const auto active = placement.active();
    if (active.policy && active.name == name) {
        return;
    }
    try {
        placement.publish(ActivePolicy{placement.make(name), name});
        log.info("placement policy is now {}, as chosen on another control plane", name);
    } catch (const std::exception& e) {
        log.warn("another control plane chose placement policy {}, which this one cannot use: {}",
                 name, e.what());
    }
}

}  // namespace vergegrid::control
