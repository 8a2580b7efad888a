// The simulator state machine: every state against every event, allowed and refused.
#include "control/simulators/simulator_lifecycle.hpp"

#include <gtest/gtest.h>

#include <array>

#include "control/domain/domain_error.hpp"

namespace {

using namespace vergegrid::control;
using S = SimulatorState;
using E = SimulatorEvent;

constexpr std::array kStates{S::registered, S::online, S::offline, S::cordoned, S::revoked};

std::string refusal(S from, E event) {
    try {
        next_state(from, event);
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::conflict);
        return e.code() + "/" + e.field() + ": " + e.what();
    }
    return "allowed";
}

TEST(SimulatorLifecycle, RevokeAndCordonApplyToEveryStateButRevoked) {
    for (const auto from : {S::registered, S::online, S::offline, S::cordoned}) {
        EXPECT_EQ(next_state(from, E::revoke), S::revoked) << to_string(from);
        EXPECT_EQ(next_state(from, E::cordon), S::cordoned) << to_string(from);
    }
}

TEST(SimulatorLifecycle, DrainCordonsButAnOfflineSimulatorStaysOffline) {
    EXPECT_EQ(next_state(S::registered, E::drain), S::cordoned);
    EXPECT_EQ(next_state(S::online, E::drain), S::cordoned);
    EXPECT_EQ(next_state(S::cordoned, E::drain), S::cordoned);
    EXPECT_EQ(next_state(S::offline, E::drain), S::offline);
}

TEST(SimulatorLifecycle, RevokedIsFinal) {
    for (const auto event : {E::revoke, E::cordon, E::drain, E::uncordon}) {
        EXPECT_EQ(refusal(S::revoked, event), "revoked/id: the simulator is revoked");
    }
    EXPECT_EQ(next_state(S::revoked, E::heartbeat), S::revoked);
    EXPECT_EQ(next_state(S::revoked, E::silence), S::revoked);
}

TEST(SimulatorLifecycle, UncordonOnlyFromCordoned) {
    EXPECT_EQ(next_state(S::cordoned, E::uncordon), S::online);
    EXPECT_EQ(refusal(S::registered, E::uncordon),
              "invalid_state/state: the simulator is registered, not cordoned");
    EXPECT_EQ(refusal(S::online, E::uncordon),
              "invalid_state/state: the simulator is online, not cordoned");
    EXPECT_EQ(refusal(S::offline, E::uncordon),
              "invalid_state/state: the simulator is offline, not cordoned");
}

TEST(SimulatorLifecycle, AHeartbeatBringsRegisteredAndOfflineOnlineAndKeepsACordon) {
    EXPECT_EQ(next_state(S::registered, E::heartbeat), S::online);
    EXPECT_EQ(next_state(S::offline, E::heartbeat), S::online);
    EXPECT_EQ(next_state(S::online, E::heartbeat), S::online);
    EXPECT_EQ(next_state(S::cordoned, E::heartbeat), S::cordoned);
}

TEST(SimulatorLifecycle, SilenceTakesOnlyOnlineSimulatorsOffline) {
    for (const auto from : kStates) {
        EXPECT_EQ(next_state(from, E::silence), from == S::online ? S::offline : from)
            << to_string(from);
    }
}

TEST(SimulatorLifecycle, HeartbeatAndSilenceNeverRefuse) {
    for (const auto from : kStates) {
        EXPECT_EQ(refusal(from, E::heartbeat), "allowed") << to_string(from);
        EXPECT_EQ(refusal(from, E::silence), "allowed") << to_string(from);
    }
}

TEST(SimulatorLifecycle, StatesAreStoredUnderTheirNamesAndAnUnknownOneIsAnInternalFault) {
    vergegrid::plugin_api::Simulator simulator;
    for (const auto state : kStates) {
        simulator.state = std::string(to_string(state));
        EXPECT_EQ(state_of(simulator), state);
    }
    simulator.state = "sleeping";
    try {
        state_of(simulator);
        FAIL() << "an unknown state was accepted";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::internal);
    }
}

}  // namespace
