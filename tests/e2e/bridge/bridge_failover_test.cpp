// control.url as a list, end to end: a real (SQLite) control plane, the bridge and the emulator
// it supervises. The bridge passes over a URL nobody listens on, follows the control plane when
// it stops and comes back (on its port, or at the list's other URL), and keeps pulling.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/bridge/bridge_stack.hpp"
#include "tests/support/listen_port.hpp"

namespace bridge_failover_test {
namespace {

using ::testing::HasSubstr;
using vergegrid::test::BridgeStack;
using vergegrid::test::eventually;
using vergegrid::test::unclaimed_listen_port;
using namespace std::chrono_literals;

std::string url_of(std::uint16_t port) {
    return "http://127.0.0.1:" + std::to_string(port);
}

class BridgeFailover : public ::testing::Test {
  protected:
    // Creates a region pinned to the bridge's simulator; true once the emulator runs it.
    bool created(const std::string& name, int x) {
        const auto region = stack_.create_region(name, x, ports_ + x - 1000);
        const auto op = stack_.finished_operation(region.at("id"), 40s);
        EXPECT_TRUE(op.has_value()) << stack_.bridge().output();
        if (!op || op->at("state") != "succeeded") {
            ADD_FAILURE() << (op ? op->dump() : "no result") << "\n" << stack_.bridge().output();
            return false;
        }
        return stack_.region_healthy(name);
    }
    bool logged(const std::string& text) {
        return eventually([&] { return stack_.bridge().output().find(text) != std::string::npos; },
                          20s);
    }

    BridgeStack stack_;
    int ports_ = vergegrid::test::unclaimed_udp_ports(12);
};

TEST_F(BridgeFailover, ItPassesOverAClosedFirstUrlAndFollowsTheControlPlaneThroughARestart) {
    const vergegrid::test::RefusingPort refusing;
    const auto closed = url_of(refusing.port());
    const auto real = url_of(stack_.control_port());
    stack_.start_bridge("", true, {{"VERGEGRID_CONTROL_URL", closed + ", " + real}});
    EXPECT_TRUE(logged("control plane " + closed + ", " + real + "; using " + closed));
    EXPECT_TRUE(logged("switching from " + closed + " to " + real)) << stack_.bridge().output();
    EXPECT_THAT(stack_.bridge().output(), HasSubstr("registered as simulator"));
    // The first region of an empty simulator comes from its stub: these are the second and third.
    ASSERT_TRUE(created("First", 1000));
    ASSERT_TRUE(created("Second", 1001));

    stack_.stop_control_plane();
    EXPECT_TRUE(logged("switching from " + real + " to " + closed)) << stack_.bridge().output();
    stack_.start_control_plane();
    EXPECT_TRUE(created("AfterRestart", 1002)) << "the bridge kept pulling";
}

TEST_F(BridgeFailover, WhenTheControlPlaneComesBackAtTheListsOtherUrlTheBridgeGoesThere) {
    const auto first = url_of(stack_.control_port());
    const auto other_port = unclaimed_listen_port();
    const auto second = url_of(other_port);
    stack_.start_bridge("", true, {{"VERGEGRID_CONTROL_URL", first + "," + second}});
    ASSERT_TRUE(created("First", 1000));
    ASSERT_TRUE(created("Second", 1001));
    EXPECT_EQ(stack_.bridge().output().find("switching from"), std::string::npos)
        << "the first URL answers: no switch";

    stack_.stop_control_plane();
    stack_.start_control_plane(other_port);
    EXPECT_TRUE(logged("switching from " + first + " to " + second)) << stack_.bridge().output();
    EXPECT_TRUE(created("AtTheSecondUrl", 1002)) << "the bridge pulls from the second URL";
    // Heartbeats reach it too: the simulator stays online there.
    EXPECT_TRUE(eventually([&] {
        const auto sim = stack_.admin().get("/api/v1/simulators/" + stack_.simulator_id()).body;
        return sim.is_object() && sim.at("state") == "online";
    }));
}

}  // namespace
}  // namespace bridge_failover_test
