#include "control/placement/ruled_policy.hpp"

namespace vergegrid::control {

namespace api = plugin_api;

namespace {

// The hard rules first; the plugin's filter only sees what they let through.
std::optional<std::string> ruled_filter(const HardLimits& limits,
                                        const api::PlacementPolicy& plugin,
                                        const api::RegionNeeds& region,
                                        const api::SimulatorSnapshot& simulator) {
    if (auto why = hard_refusal(limits, region, simulator)) {
        return why;
    }
    return plugin.filter(region, simulator);
}

class Ruled {
  public:
    virtual ~Ruled() = default;
    virtual RuledView view() const = 0;
};

class RuledPolicy final : public api::PlacementPolicy, public Ruled {
  public:
    RuledPolicy(std::shared_ptr<api::PlacementPolicy> plugin, HardLimits limits)
        : plugin_(std::move(plugin)), limits_(limits) {}

    std::optional<std::string> filter(const api::RegionNeeds& region,
                                      const api::SimulatorSnapshot& simulator) const override {
        return ruled_filter(limits_, *plugin_, region, simulator);
    }
    double score(const api::RegionNeeds& region,
                 const api::SimulatorSnapshot& simulator) const override {
        return plugin_->score(region, simulator);
    }
    RuledView view() const override { return {plugin_.get(), limits_}; }

  private:
    std::shared_ptr<api::PlacementPolicy> plugin_;
    HardLimits limits_;
};

// Label-aware whatever the plugin is: the engine's label rules apply to every policy, and a
// plugin's own accepts_labels (ABI 1.4) narrows further when it has one.
class RuledIndexedPolicy final : public api::LabelAwareIndexedPolicy, public Ruled {
  public:
    RuledIndexedPolicy(std::shared_ptr<api::PlacementPolicy> plugin,
                       const api::IndexedPlacementPolicy& indexed, HardLimits limits)
        : plugin_(std::move(plugin)),
          indexed_(&indexed),
          label_aware_(dynamic_cast<const api::LabelAwareIndexedPolicy*>(&indexed)),
          limits_(limits) {}

    std::optional<std::string> filter(const api::RegionNeeds& region,
                                      const api::SimulatorSnapshot& simulator) const override {
        return ruled_filter(limits_, *plugin_, region, simulator);
    }
    double score(const api::RegionNeeds& region,
                 const api::SimulatorSnapshot& simulator) const override {
        return plugin_->score(region, simulator);
    }
    bool open_for_regions(const api::SimulatorSnapshot& simulator) const override {
        return !closed_reason(limits_, simulator) && indexed_->open_for_regions(simulator);
    }
    double simulator_score(const api::SimulatorSnapshot& simulator) const override {
        return indexed_->simulator_score(simulator);
    }
    bool accepts_labels(const api::RegionNeeds& region,
                        const std::vector<std::string>& labels) const override {
        return labels_accept(region, labels) &&
               (label_aware_ == nullptr || label_aware_->accepts_labels(region, labels));
    }
    RuledView view() const override { return {plugin_.get(), limits_}; }

  private:
    std::shared_ptr<api::PlacementPolicy> plugin_;  // owns the object indexed_ points into
    const api::IndexedPlacementPolicy* indexed_;
    const api::LabelAwareIndexedPolicy* label_aware_;  // null for a policy built before ABI 1.4
    HardLimits limits_;
};

}  // namespace

std::shared_ptr<api::PlacementPolicy> under_hard_rules(std::shared_ptr<api::PlacementPolicy> plugin,
                                                       HardLimits limits) {
    if (!plugin) {
        return nullptr;
    }
    if (const auto* indexed = dynamic_cast<const api::IndexedPlacementPolicy*>(plugin.get())) {
        return std::make_shared<RuledIndexedPolicy>(plugin, *indexed, limits);
    }
    return std::make_shared<RuledPolicy>(std::move(plugin), limits);
}

RuledView ruled_view(const api::PlacementPolicy& policy) {
    if (const auto* ruled = dynamic_cast<const Ruled*>(&policy)) {
        return ruled->view();
    }
    return {&policy, HardLimits{}};
}

}  // namespace vergegrid::control
