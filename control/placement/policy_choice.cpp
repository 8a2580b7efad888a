#include "control/placement/policy_choice.hpp"

namespace vergegrid::control {

namespace {

nlohmann::json policy_document(const std::optional<std::string>& name) {
    return {{"policy", name ? nlohmann::json(*name) : nlohmann::json(nullptr)}};
}

std::optional<std::string> active_name(const ActivePolicy& active) {
    return active.policy ? std::optional<std::string>(active.name) : std::nullopt;
}

}  // namespace

PolicyChoice::PolicyChoice(Store store, std::shared_ptr<PlacementService> placement)
    : store_(std::move(store)), placement_(std::move(placement)) {}

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
    return {listing(), std::move(committed.events)};
}

}  // namespace vergegrid::control
