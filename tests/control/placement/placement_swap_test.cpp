// Swapping the active policy while other threads place regions: every decision is made entirely
// on one policy (the one it took its snapshot of), none is lost, and the swap is seen.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "config_sources/config_error.hpp"
#include "control/domain/domain_error.hpp"
#include "control/placement/placement_service.hpp"
#include "tests/control/placement/grid_fixture.hpp"
#include "tests/support/placement_policies.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using namespace vergegrid::control;
using vergegrid::test::region_on;
using vergegrid::test::simulator;

TEST(PlacementSwap, DecisionsRunningDuringSwapsFinishOnThePolicyTheyStartedWith) {
    vergegrid::test::PlacementPolicies policies;
    vergegrid::kernel::services::ActiveSlot<api::PlacementPolicy> slot;
    slot.swap(policies.make("spread"));
    PlacementService service(
        slot, "spread", {"binpack", "spread"},
        [&](const std::string& name) { return policies.make(name); }, PortRange{9000, 9999});

    // "few" holds 1 of 10 regions, "many" 8 of 10: spread always picks few, binpack many.
    std::vector<PlacedRegion> regions;
    for (int i = 0; i < 9; ++i) {
        regions.push_back(
            region_on("R" + std::to_string(i), i == 0 ? "few" : "many", i, 0, 9000 + i));
    }
    const auto state = GridState::from({simulator("few"), simulator("many")}, regions);

    constexpr int kThreads = 3;
    constexpr int kPerThread = 3000;
    std::atomic<int> decided{0};
    std::atomic<int> inconsistent{0};
    std::atomic<int> by_binpack{0};
    std::atomic<int> finished{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            PlacementRequest request;
            request.needs.region_name = "New";
            // Until each thread has decided under both policies: on a busy machine the swapping
            // thread may not run at all while a fixed number of decisions goes by.
            bool saw_binpack = false;
            bool saw_spread = false;
            for (int i = 0; i < kPerThread || !saw_binpack || !saw_spread; ++i) {
                const auto active = service.active();  // one snapshot for the whole decision
                const auto decision =
                    decide(*active.policy, active.name, state, request, service.ports());
                const std::string expected = active.name == "spread" ? "few" : "many";
                if (!decision.placed || decision.simulator_id != expected) {
                    ++inconsistent;
                }
                if (active.name == "binpack") {
                    ++by_binpack;
                    saw_binpack = true;
                } else {
                    saw_spread = true;
                }
                ++decided;
                if (i >= kPerThread) {
                    std::this_thread::yield();  // let the swapping thread publish the other one
                }
            }
            ++finished;
        });
    }
    int swaps = 0;
    while (finished.load() < kThreads) {
        service.publish({service.make(swaps % 2 == 0 ? "binpack" : "spread"),
                         swaps % 2 == 0 ? "binpack" : "spread"});
        ++swaps;
        std::this_thread::yield();
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_GE(decided.load(), kThreads * kPerThread);
    EXPECT_EQ(inconsistent.load(), 0);
    EXPECT_GT(swaps, 1);
    EXPECT_GT(by_binpack.load(), 0);
    EXPECT_LT(by_binpack.load(), decided.load());
}

TEST(PlacementSwap, AnUnknownPolicyIsRefusedNamingTheField) {
    vergegrid::kernel::services::ActiveSlot<api::PlacementPolicy> slot;
    PlacementService service(slot, "", {"spread"}, nullptr, PortRange{});
    try {
        service.make("roundrobin");
        FAIL();
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::not_found);
        EXPECT_EQ(e.code(), "unknown_policy");
        EXPECT_EQ(e.field(), "policy");
    }
    EXPECT_THROW(service.require_active(), DomainError);
}

// A policy swapped in at runtime whose configuration section holds a bad value is bad input
// (422 naming the key), not a failure of the plugin (500): through the real plugin module and
// through the kernel's factory, which throws ConfigError.
TEST(PlacementSwap, ABadConfigurationValueIsUnprocessableNamingTheKey) {
    vergegrid::test::PlacementPolicies policies;
    vergegrid::kernel::services::ActiveSlot<api::PlacementPolicy> slot;
    PlacementService from_module(
        slot, "", {"spread"},
        [&](const std::string& name) {
            return policies.make(name, {{"max_cpu_load", "1.5"}});
        },
        PortRange{});
    try {
        from_module.make("spread");
        FAIL() << "accepted max_cpu_load 1.5";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::unprocessable);
        EXPECT_EQ(e.code(), "invalid_policy_config");
        EXPECT_EQ(e.field(), "placement.spread.max_cpu_load");
        EXPECT_THAT(std::string(e.what()), ::testing::HasSubstr("from 0 to 1"));
    }
    PlacementService from_kernel(
        slot, "", {"spread"},
        [](const std::string&) -> std::shared_ptr<api::PlacementPolicy> {
            throw vergegrid::config_sources::ConfigError("placement.spread.max_regions", "bad");
        },
        PortRange{});
    try {
        from_kernel.make("spread");
        FAIL();
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::unprocessable);
        EXPECT_EQ(e.field(), "placement.spread.max_regions");
    }
    PlacementService failing(
        slot, "", {"spread"},
        [](const std::string&) -> std::shared_ptr<api::PlacementPolicy> {
            throw std::runtime_error("out of luck");
        },
        PortRange{});
    try {
        failing.make("spread");
        FAIL();
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::internal);
        EXPECT_EQ(e.code(), "policy_failed");
    }
}

}  // namespace
