// SimulatorService on real storage: registration, the state changes and their events, heartbeats,
// key rotation and its pending keys, repairs, and the liveness check's offline marking.
#include "control/simulators/simulator_service.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control/domain/domain_error.hpp"
#include "tests/control/simulators/simulator_fixture.hpp"

namespace {

using namespace vergegrid::control;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Services = vergegrid::test::SimulatorFixture;

// The refusal `work` throws, as "code/field", or "none".
template <typename Work>
std::string refusal(Work&& work) {
    try {
        work();
    } catch (const DomainError& e) {
        return e.code() + "/" + e.field();
    }
    return "none";
}

TEST_F(Services, RegistrationConsumesTheTokenAndIsTheSimulatorsOwnEvent) {
    const auto sim = register_simulator("sim-a.example.org", {"gpu"});
    const auto stored = service_.get(sim.id);
    EXPECT_EQ(stored.state, "registered");
    EXPECT_THAT(stored.labels, ElementsAre("gpu"));
    EXPECT_THAT(sim.key, ::testing::StartsWith("vgs_"));

    const auto rows = sqlite_.audit("simulator.register");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].actor, "simulator:" + sim.id);
    EXPECT_EQ(rows[0].request_id, "req-register");
    EXPECT_EQ(sqlite_.audit("registration_token.create").at(0).actor, "admin");
}

TEST_F(Services, ATokenRegistersOnceAndBadFieldsAreNamed) {
    const auto issued = service_.create_registration_token(admin_, {});
    Registration registration{issued.token, "sim.example.org", {}, 0, ""};
    service_.register_simulator("r1", registration);
    EXPECT_EQ(refusal([&] { service_.register_simulator("r2", registration); }),
              "registration_refused/token");
    registration.token = "";
    EXPECT_EQ(refusal([&] { service_.register_simulator("r3", registration); }),
              "invalid_field/token");
    registration.token = "vgr_x";
    registration.hostname = "bad host";
    EXPECT_EQ(refusal([&] { service_.register_simulator("r4", registration); }),
              "invalid_field/hostname");
}

TEST_F(Services, OperatorStateChangesAreRecordedUnderTheirAuditActions) {
    const auto sim = register_simulator();
    EXPECT_EQ(service_.cordon(admin_, sim.id).state, "cordoned");
    EXPECT_EQ(service_.uncordon(admin_, sim.id).state, "online");
    EXPECT_EQ(service_.revoke(admin_, sim.id).state, "revoked");
    for (const auto* action : {"simulator.cordon", "simulator.uncordon", "simulator.revoke"}) {
        const auto rows = sqlite_.audit(action);
        ASSERT_EQ(rows.size(), 1u) << action;
        EXPECT_EQ(rows[0].entity_id, sim.id);
        EXPECT_EQ(rows[0].actor, "admin");
        EXPECT_EQ(rows[0].request_id, "req-admin");
    }
    EXPECT_THAT(sqlite_.audit("simulator.revoke").at(0).after, HasSubstr("\"revoked\""));
}

TEST_F(Services, RefusedChangesChangeNothingAndRecordNothing) {
    const auto sim = register_simulator();
    EXPECT_EQ(refusal([&] { service_.uncordon(admin_, sim.id); }), "invalid_state/state");
    EXPECT_EQ(state(sim.id), "registered");
    service_.revoke(admin_, sim.id);
    EXPECT_EQ(refusal([&] { service_.cordon(admin_, sim.id); }), "revoked/id");
    EXPECT_EQ(refusal([&] { service_.revoke(admin_, sim.id); }), "revoked/id");
    EXPECT_EQ(refusal([&] { service_.uncordon(admin_, sim.id); }), "revoked/id");
    EXPECT_EQ(refusal([&] { service_.rotate_key(admin_, sim.id, std::nullopt); }), "revoked/id");
    EXPECT_EQ(state(sim.id), "revoked");
    EXPECT_TRUE(sqlite_.audit("simulator.uncordon").empty());
    EXPECT_EQ(sqlite_.audit("simulator.revoke").size(), 1u);
    EXPECT_EQ(refusal([&] { service_.cordon(admin_, "no-such-id"); }), "not_found/");
}

TEST_F(Services, ADrainCordonsInsideTheDrainsCommandAndIsAlwaysRecorded) {
    const auto online = register_simulator("online.example.org");
    const auto offline = register_simulator("offline.example.org");
    service_.heartbeat(caller(online), {});
    edit(offline.id, [](auto& s) { s.state = "offline"; });
    auto store = sqlite_.store();
    const auto drain = [&](const std::string& id) {
        return store.command(admin_, [&](Changes& changes) { return drain_simulator(changes, id); })
            .value.state;
    };
    EXPECT_EQ(drain(online.id), "cordoned");
    EXPECT_EQ(drain(online.id), "cordoned");
    EXPECT_EQ(drain(offline.id), "offline") << "it takes nothing anyway";
    EXPECT_EQ(sqlite_.audit("simulator.drain").size(), 3u);
    service_.revoke(admin_, offline.id);
    EXPECT_EQ(refusal([&] { drain(offline.id); }), "revoked/id");
    EXPECT_EQ(refusal([&] { drain("no-such-id"); }), "not_found/");
}

TEST_F(Services, AHeartbeatBringsASimulatorOnlineAndOnlyAReturnFromOfflineIsAnEvent) {
    const auto sim = register_simulator();
    auto receipt = service_.heartbeat(caller(sim), Heartbeat{0.5, 0.25, std::nullopt, ""});
    EXPECT_EQ(receipt.state, SimulatorState::online);
    EXPECT_FALSE(receipt.new_api_key);
    EXPECT_EQ(service_.get(sim.id).cpu_load, 0.5);
    EXPECT_TRUE(sqlite_.audit("simulator.online").empty());

    edit(sim.id, [](auto& s) { s.state = "offline"; });
    EXPECT_EQ(service_.heartbeat(caller(sim), {}).state, SimulatorState::online);
    const auto rows = sqlite_.audit("simulator.online");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].actor, "simulator:" + sim.id);

    service_.cordon(admin_, sim.id);
    EXPECT_EQ(service_.heartbeat(caller(sim), {}).state, SimulatorState::cordoned);
}

TEST_F(Services, AHeartbeatsStateDetailIsShownUntilABeatClearsItAndEachChangeIsAudited) {
    const auto sim = register_simulator();
    const auto other = register_simulator("other.example.org");
    EXPECT_EQ(service_.state_detail(sim.id), "");
    const std::string stalled =
        "console question \"Estate owner first name [Test]:\" - set [Estates] "
        "DefaultEstateOwnerUUID in OpenSim.ini";
    Heartbeat beat;
    beat.state_detail = stalled;
    service_.heartbeat(caller(sim), beat);
    service_.heartbeat(caller(sim), beat);  // the same detail again: no second audit row
    EXPECT_EQ(service_.state_detail(sim.id), stalled);
    EXPECT_EQ(service_.state_detail(other.id), "") << "one simulator's detail is its own";
    auto rows = sqlite_.audit("simulator.state_detail");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].actor, "simulator:" + sim.id);
    EXPECT_THAT(rows[0].after, HasSubstr("Estate owner first name"));

    service_.heartbeat(caller(sim), {});  // fine again: a beat without a detail clears it
    EXPECT_EQ(service_.state_detail(sim.id), "");
    EXPECT_EQ(sqlite_.audit("simulator.state_detail").size(), 2u);

    service_.heartbeat(caller(sim), beat);
    service_.revoke(admin_, sim.id);
    EXPECT_EQ(service_.state_detail(sim.id), "") << "a revoked simulator reports nothing";
}

TEST_F(Services, AHeartbeatMaySpeakOnlyOfItsOwnRegions) {
    const auto sim = register_simulator();
    const auto other = register_simulator("other.example.org");
    const std::string region = "5b0c1ad2-0000-4000-8000-000000000001";
    sqlite_.write([&](auto& tx) {
        vergegrid::plugin_api::Operation sent;
        sent.simulator_id = other.id;
        sent.region_uuid = region;
        sent.kind = "create";
        sent.op_class = "eager";
        sent.state = "pending";
        sent.created_at = sent.updated_at = now_iso8601();
        operation_store(tx).insert_operation(sent);
    });
    Heartbeat beat;
    beat.regions = std::vector<std::string>{region};
    EXPECT_EQ(refusal([&] { service_.heartbeat(caller(sim), beat); }),
              "not_your_region/regions[0]");
    EXPECT_EQ(service_.heartbeat(caller(other), beat).state, SimulatorState::online);
    EXPECT_EQ(service_.get(other.id).region_count, 1);
    beat.regions = std::vector<std::string>{"not-a-uuid"};
    EXPECT_EQ(refusal([&] { service_.heartbeat(caller(other), beat); }),
              "invalid_field/regions[0]");
}

TEST_F(Services, APreviousKeyMayNotRotate) {
    const auto sim = register_simulator();
    EXPECT_EQ(refusal([&] { service_.rotate_own_key(caller(sim, true), std::nullopt); }),
              "previous_key/authorization");
    EXPECT_EQ(refusal([&] { require_current_key(caller(sim, true)); }),
              "previous_key/authorization");
    EXPECT_EQ(refusal([&] { require_current_key(caller(sim)); }), "none");
}

TEST_F(Services, AnOwnRotationWithAKeyAnAdminReplacedMeanwhileIsRefused) {
    const auto sim = register_simulator();
    service_.rotate_key(admin_, sim.id, 600);
    // Authenticated with the old key just before the admin's rotation committed.
    EXPECT_EQ(refusal([&] { service_.rotate_own_key(caller(sim), std::nullopt); }),
              "previous_key/authorization");
    EXPECT_EQ(sqlite_.audit("simulator.rotate_key").size(), 1u);
}

TEST_F(Services, ARotationHandsTheNewKeyToThePreviousKeyAndWakesTheBridge) {
    const auto sim = register_simulator();
    const auto rotated = service_.rotate_own_key(caller(sim), 60);
    EXPECT_NE(rotated.api_key, sim.key);
    EXPECT_FALSE(rotated.previous_key_valid_until.empty());
    ASSERT_EQ(rotations_.size(), 1u);
    EXPECT_EQ(rotations_[0].first, sim.id);
    EXPECT_EQ(rotations_[0].second, "http://sim.example.org:9100/doorbell");
    const auto row = sqlite_.audit("simulator.rotate_key").at(0);
    EXPECT_EQ(row.after, R"({"overlap_s":60})");

    // The answer got lost: the bridge beats with its previous key and is handed the new one.
    const auto receipt = service_.heartbeat(caller(sim, true), {});
    EXPECT_EQ(receipt.new_api_key, rotated.api_key);
    // Once it calls with the new key, the held key is forgotten.
    service_.heartbeat(caller({sim.id, rotated.api_key}), {});
    EXPECT_FALSE(service_.heartbeat(caller(sim, true), {}).new_api_key);
}

TEST_F(Services, RevocationEndsThePreviousKeyAndForgetsThePendingOne) {
    const auto sim = register_simulator();
    service_.rotate_key(admin_, sim.id, 600);
    EXPECT_TRUE(pending_keys_.for_previous_key(sim.id));
    EXPECT_FALSE(service_.get(sim.id).previous_key_hash.empty());
    service_.revoke(admin_, sim.id);
    EXPECT_FALSE(pending_keys_.for_previous_key(sim.id));
    EXPECT_TRUE(service_.get(sim.id).previous_key_hash.empty());
}

TEST_F(Services, RepairsAreOneEventEachAndOnlyOfOwnRegions) {
    const auto sim = register_simulator();
    EXPECT_EQ(service_.record_repairs(caller(sim), {{"restarted", "", "OpenSim died"},
                                                    {"cleaned", "", "stale pid file"}}),
              2u);
    const auto rows = sqlite_.audit("simulator.repair");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].entity_type, "simulator");
    EXPECT_EQ(rows[0].entity_id, sim.id);
    EXPECT_EQ(refusal([&] {
                  service_.record_repairs(
                      caller(sim),
                      {{"ok", "", ""}, {"moved", "5b0c1ad2-0000-4000-8000-000000000002", ""}});
              }),
              "not_your_region/events[1].region_id");
    EXPECT_EQ(sqlite_.audit("simulator.repair").size(), 2u) << "all or nothing";
}

TEST_F(Services, SilentOnlineSimulatorsAreMarkedOfflineAsTheSystem) {
    const auto silent = register_simulator("silent.example.org");
    const auto beating = register_simulator("beating.example.org");
    const auto cordoned = register_simulator("cordoned.example.org");
    const auto never = register_simulator("never.example.org");
    for (const auto* sim : {&silent, &beating, &cordoned}) {
        service_.heartbeat(caller(*sim), {});
    }
    service_.cordon(admin_, cordoned.id);
    const std::string long_ago = iso8601_plus_seconds(now_iso8601(), -600);
    for (const auto* sim : {&silent, &cordoned}) {
        edit(sim->id, [&](auto& s) { s.last_heartbeat_at = long_ago; });
    }

    const auto cutoff = iso8601_plus_seconds(now_iso8601(), -60);
    const auto gone = service_.mark_silent_offline({"system:liveness", "check-1"}, cutoff);
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0].id, silent.id);
    EXPECT_EQ(state(silent.id), "offline");
    EXPECT_EQ(state(beating.id), "online");
    EXPECT_EQ(state(cordoned.id), "cordoned");
    EXPECT_EQ(state(never.id), "registered");
    const auto rows = sqlite_.audit("simulator.offline");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].actor, "system:liveness");
    EXPECT_THAT(rows[0].before, HasSubstr("\"online\""));
    EXPECT_THAT(rows[0].after, HasSubstr("\"offline\""));
    EXPECT_TRUE(service_.mark_silent_offline({"system:liveness", "check-2"}, cutoff).empty());
}

}  // namespace
