// The liveness job marks silent simulators offline through SimulatorService.
#include "control/simulators/simulator_liveness.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include "tests/control/simulators/simulator_fixture.hpp"

namespace {

using namespace vergegrid::control;
using Liveness = vergegrid::test::SimulatorFixture;

TEST_F(Liveness, ASweepTakesASilentSimulatorOfflineUnderTheLivenessActor) {
    const auto sim = register_simulator();
    service_.heartbeat(caller(sim), {});
    edit(sim.id, [](auto& s) { s.last_heartbeat_at = iso8601_plus_seconds(now_iso8601(), -600); });

    auto simulators = std::shared_ptr<SimulatorService>(&service_, [](SimulatorService*) {});
    SimulatorLiveness liveness(
        simulators, std::chrono::seconds(300),
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>()));
    EXPECT_EQ(liveness.sweep(), 1);
    EXPECT_EQ(state(sim.id), "offline");
    const auto rows = sqlite_.audit("simulator.offline");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].actor, kLivenessActor);
    EXPECT_EQ(rows[0].request_id.size(), 32u);
    EXPECT_EQ(liveness.sweep(), 0) << "offline already";
}

}  // namespace
