// A rollout's request and its waves: cumulative sizes, "N%" rounded up, the last wave taking
// every region left, canaries first (by id or name), and every bad field named.
#include <gmock/gmock.h>

#include "control/domain/domain_error.hpp"
#include "control/rollouts/rollout_plan.hpp"

namespace vergegrid::control {
namespace {

using ::testing::ElementsAre;

std::vector<RolloutCandidate> regions(int n) {
    std::vector<RolloutCandidate> out;
    for (int i = 1; i <= n; ++i) {
        out.push_back(
            {"id-" + std::to_string(i), "R" + std::string(i < 10 ? "0" : "") + std::to_string(i)});
    }
    return out;
}

std::vector<int> sizes(const std::vector<std::vector<RolloutCandidate>>& waves) {
    std::vector<int> out;
    for (const auto& wave : waves) {
        out.push_back(static_cast<int>(wave.size()));
    }
    return out;
}

RolloutSpec spec_of(const nlohmann::json& body) {
    nlohmann::json full = body;
    full["to_version"] = "2.0.0";
    return read_rollout_spec(full);
}

std::string field_of(const nlohmann::json& body) {
    try {
        read_rollout_spec(body);
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::invalid_input) << body.dump();
        return e.field();
    }
    ADD_FAILURE() << "accepted: " << body.dump();
    return "";
}

TEST(RolloutPlan, WavesAreCumulativeAndTheLastTakesTheRest) {
    EXPECT_THAT(sizes(plan_waves(regions(20), spec_of({{"waves", {1, 5, "100%"}}}))),
                ElementsAre(1, 4, 15));
    // [1, 5, rest] with a last wave smaller than the total still covers every region.
    EXPECT_THAT(sizes(plan_waves(regions(20), spec_of({{"waves", {1, 5}}}))), ElementsAre(1, 19));
    EXPECT_THAT(sizes(plan_waves(regions(3), spec_of(nlohmann::json::object()))), ElementsAre(3));
}

TEST(RolloutPlan, PercentagesRoundUpAndEmptyWavesAreDropped) {
    // 10% of 15 is 1.5: 2 regions; 10% of 20 is exactly 2.
    EXPECT_THAT(sizes(plan_waves(regions(15), spec_of({{"waves", {"10%", "100%"}}}))),
                ElementsAre(2, 13));
    EXPECT_THAT(sizes(plan_waves(regions(20), spec_of({{"waves", {"10%", "50%", "100%"}}}))),
                ElementsAre(2, 8, 10));
    // 1% of 5 regions is 1; a wave that adds nothing (5 after 5) is dropped.
    EXPECT_THAT(sizes(plan_waves(regions(5), spec_of({{"waves", {"1%", 5, 5, "100%"}}}))),
                ElementsAre(1, 4));
    // More asked than there are regions: one wave.
    EXPECT_THAT(sizes(plan_waves(regions(2), spec_of({{"waves", {10, "100%"}}}))), ElementsAre(2));
}

TEST(RolloutPlan, CanariesGoFirstAndTheFirstWaveHoldsThemAll) {
    const auto waves =
        plan_waves(regions(10), spec_of({{"waves", {1, "100%"}}, {"canaries", {"R07", "id-3"}}}));
    EXPECT_THAT(sizes(waves), ElementsAre(2, 8));
    EXPECT_EQ(waves[0][0].id, "id-7");
    EXPECT_EQ(waves[0][1].id, "id-3");
    EXPECT_EQ(waves[1][0].id, "id-1");  // the rest by the order given
    try {
        plan_waves(regions(3), spec_of({{"canaries", {"Nowhere"}}}));
        ADD_FAILURE() << "an unknown canary was accepted";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.field(), "canaries");
    }
}

TEST(RolloutPlan, EveryBadFieldIsNamed) {
    EXPECT_EQ(field_of({{"waves", {1}}}), "to_version");
    EXPECT_EQ(field_of({{"to_version", "2.0"}}), "to_version");
    EXPECT_EQ(field_of({{"to_version", "2.0.0"}, {"waves", nlohmann::json::array()}}), "waves");
    EXPECT_EQ(field_of({{"to_version", "2.0.0"}, {"waves", {1, 0}}}), "waves[1]");
    EXPECT_EQ(field_of({{"to_version", "2.0.0"}, {"waves", {"101%"}}}), "waves[0]");
    EXPECT_EQ(field_of({{"to_version", "2.0.0"}, {"waves", {"05%"}}}), "waves[0]");
    EXPECT_EQ(field_of({{"to_version", "2.0.0"}, {"failure_threshold", 0}}), "failure_threshold");
    EXPECT_EQ(field_of({{"to_version", "2.0.0"}, {"deadline_s", 0}}), "deadline_s");
    EXPECT_EQ(field_of({{"to_version", "2.0.0"}, {"max_unavailable", -1}}), "max_unavailable");
    EXPECT_EQ(field_of({{"to_version", "2.0.0"}, {"regions", {{"colour", "red"}}}}),
              "regions.colour");
    EXPECT_EQ(field_of({{"to_version", "2.0.0"}, {"speed", 3}}), "speed");
}

TEST(RolloutPlan, TheStoredSpecReadsBackTheSame) {
    const auto spec =
        spec_of({{"waves", {1, "10%", "100%"}},
                 {"max_unavailable", 3},
                 {"failure_threshold", 2},
                 {"pause_between_s", 30},
                 {"deadline_s", 90},
                 {"canaries", {"R01"}},
                 {"regions", {{"estate_id", "e-1"}, {"name_prefix", "Sand"}, {"ids", {"a"}}}}});
    const auto back = spec_from_json(nlohmann::json::parse(spec_to_json(spec).dump()));
    EXPECT_EQ(spec_to_json(back), spec_to_json(spec));
    EXPECT_EQ(back.failure_threshold, 2);
    EXPECT_EQ(back.regions.name_prefix, "Sand");
}

}  // namespace
}  // namespace vergegrid::control
