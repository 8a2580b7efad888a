// A rollout's request (docs/rollouts.md) read and checked field by field, and the plan that puts
// the chosen regions into waves. Pure: no storage, so that the rules are tested on their own.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/semver.hpp"

namespace vergegrid::control {

// One entry of "waves": how many regions have been upgraded once the wave is done, counted from
// the first wave (cumulative): a number of regions, or a percentage of all the rollout's regions
// (rounded up). The last wave always takes every region left.
struct WaveStep {
    int count = 0;
    bool percent = false;
};

// Which of the template's regions the rollout takes; empty fields do not filter.
struct RegionSelection {
    std::string estate_id;
    std::string name_prefix;
    std::string host;
    std::vector<std::string> ids;
};

struct RolloutSpec {
    plugin_api::SemVer to_version;
    RegionSelection regions;
    std::vector<WaveStep> waves{{100, true}};
    int max_unavailable = 0;  // regions of a wave upgrading at once; 0 = the whole wave
    int failure_threshold = 1;
    int pause_between_s = 0;
    int deadline_s = 600;
    std::vector<std::string> canaries;  // region ids or names, upgraded first
    bool dry_run = false;
};

// The create request's body; DomainError invalid_field (400) naming the field otherwise.
RolloutSpec read_rollout_spec(const nlohmann::json& body);

// What is stored as the rollout's spec (everything but to_version and dry_run), and back.
nlohmann::json spec_to_json(const RolloutSpec& spec);
RolloutSpec spec_from_json(const nlohmann::json& stored);

struct RolloutCandidate {
    std::string id;
    std::string name;
};

// `regions` in the order they should go (by name); canaries first, then cut into the waves by
// their cumulative sizes (the first wave holds every canary). Empty waves are dropped. Throws
// invalid_field "canaries" for a canary that is not among `regions`.
std::vector<std::vector<RolloutCandidate>> plan_waves(std::vector<RolloutCandidate> regions,
                                                      const RolloutSpec& spec);

}  // namespace vergegrid::control
