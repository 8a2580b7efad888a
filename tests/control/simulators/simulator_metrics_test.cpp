// vergegrid_simulator_state: one series per simulator that is not revoked, for the state it is in,
// read from storage at each scrape.
#include "control/simulators/simulator_metrics.hpp"

#include <gtest/gtest.h>

#include "tests/control/simulators/simulator_fixture.hpp"

namespace {

using namespace vergegrid::control;

class SimulatorMetrics : public vergegrid::test::SimulatorFixture {
  protected:
    std::string line(const Registered& simulator, const std::string& hostname,
                     const std::string& state) const {
        return R"(vergegrid_simulator_state{simulator=")" + simulator.id + R"(",hostname=")" +
               hostname + R"(",state=")" + state + "\"} 1\n";
    }

    vergegrid::kernel::metrics::Registry registry_;
    // The service as the composition shares it; the collector holds it weakly.
    std::shared_ptr<const SimulatorService> shared_{&service_, [](const SimulatorService*) {}};
};

TEST_F(SimulatorMetrics, EachSimulatorHasItsStateAndRevokedOnesAreLeftOut) {
    collect_simulator_states(registry_, shared_);
    const auto online = register_simulator("a.example.org");
    const auto offline = register_simulator("b.example.org");
    const auto fresh = register_simulator("c.example.org");
    const auto revoked = register_simulator("d.example.org");
    edit(online.id, [](auto& s) { s.state = "online"; });
    edit(offline.id, [](auto& s) { s.state = "offline"; });
    edit(revoked.id, [](auto& s) { s.state = "revoked"; });

    auto text = registry_.render();
    EXPECT_NE(text.find(line(online, "a.example.org", "online")), std::string::npos) << text;
    EXPECT_NE(text.find(line(offline, "b.example.org", "offline")), std::string::npos) << text;
    EXPECT_NE(text.find(line(fresh, "c.example.org", "registered")), std::string::npos) << text;
    EXPECT_EQ(text.find(revoked.id), std::string::npos) << text;

    // The next scrape follows a change of state: the old series goes.
    edit(offline.id, [](auto& s) { s.state = "online"; });
    text = registry_.render();
    EXPECT_NE(text.find(line(offline, "b.example.org", "online")), std::string::npos) << text;
    EXPECT_EQ(text.find(line(offline, "b.example.org", "offline")), std::string::npos) << text;
}

TEST_F(SimulatorMetrics, OnceTheServiceIsGoneAScrapeReadsNothing) {
    collect_simulator_states(registry_, shared_);
    register_simulator("a.example.org");
    shared_.reset();
    EXPECT_NO_THROW(registry_.render());
}

}  // namespace
