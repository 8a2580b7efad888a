// vergegrid-bridge end to end: a real control plane, the bridge, and the OpenSim emulator the
// bridge supervises, all on loopback. Each test drives the grid through the REST API (or breaks
// something behind the bridge's back) and checks what the simulator really runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <regex>
#include <thread>

#include "tests/e2e/bridge/bridge_stack.hpp"
#include "tests/support/listen_port.hpp"

namespace bridge_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using vergegrid::test::BridgeStack;
using vergegrid::test::eventually;
using namespace std::chrono_literals;

// The region ports of one test.
int free_udp_ports() {
    return vergegrid::test::unclaimed_udp_ports(12);
}

std::string read(const std::filesystem::path& file) {
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class Bridge : public ::testing::Test {
  protected:
    void SetUp() override { stack_.start_bridge(); }

    // Creates a region through the API and waits until its operation is reported.
    json create(const std::string& name, int x, int port) {
        auto region = stack_.create_region(name, x, port);
        auto op = stack_.finished_operation(region.at("id"));
        EXPECT_TRUE(op.has_value()) << stack_.bridge().output();
        if (op) {
            EXPECT_EQ(op->at("state"), "succeeded") << op->dump();
        }
        return region;
    }

    BridgeStack stack_;
};

TEST_F(Bridge, RegistersOnceKeepsItsKeyPrivateAndReportsHeartbeats) {
    const auto identity = stack_.state_dir() / "identity.json";
    struct stat info {};
    ASSERT_EQ(::stat(identity.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    const std::string key = json::parse(read(identity)).at("api_key");
    EXPECT_THAT(key, ::testing::StartsWith("vgs_"));

    const std::string id = stack_.simulator_id();
    EXPECT_TRUE(eventually([&] {
        auto sim = stack_.admin().get("/api/v1/simulators/" + id).body;
        return sim.is_object() && sim.at("state") == "online" &&
               !sim.at("last_heartbeat_at").is_null();
    })) << stack_.bridge().output();
    auto sim = stack_.admin().get("/api/v1/simulators/" + id).body;
    EXPECT_GT(sim.at("load").at("memory").get<double>(), 0.0) << "memory from /proc/meminfo";
    EXPECT_THAT(sim.at("push_url").get<std::string>(), HasSubstr("/doorbell"));
    EXPECT_GT(stack_.emulator_pid(), 0) << "the bridge started the simulator";
    EXPECT_EQ(stack_.bridge().output().find(key), std::string::npos) << "the key is never logged";
}

TEST_F(Bridge, WithoutItsIdentityAUsedTokenIsRefusedAndTheBridgeStopsSayingWhy) {
    stack_.kill_bridge();
    std::filesystem::remove(stack_.state_dir() / "identity.json");
    stack_.start_bridge("", false);
    EXPECT_EQ(stack_.bridge().wait_for_exit(30s), 1);
    EXPECT_THAT(stack_.bridge().output(), HasSubstr("registration refused"));
    EXPECT_EQ(stack_.admin().get("/api/v1/simulators").body.at("items").size(), 1u);
}

TEST_F(Bridge, PlainHttpToAControlPlaneOverTheNetworkIsRefused) {
    stack_.kill_bridge();
    stack_.start_bridge("", false, {{"VERGEGRID_CONTROL_URL", "http://192.0.2.10:9800"}});
    EXPECT_EQ(stack_.bridge().wait_for_exit(30s), 1);
    EXPECT_THAT(stack_.bridge().output(),
                HasSubstr("refusing plain http to http://192.0.2.10:9800"));
}

TEST_F(Bridge, SigtermStopsABridgeStillWaitingForTheControlPlane) {
    stack_.kill_bridge();
    std::filesystem::remove(stack_.state_dir() / "identity.json");
    stack_.stop_control_plane();
    stack_.start_bridge("", false);
    ASSERT_TRUE(stack_.bridge().wait_for_output(std::regex("registration failed, retrying"), 30s))
        << stack_.bridge().output();
    stack_.bridge().send_signal(SIGTERM);
    EXPECT_EQ(stack_.bridge().wait_for_exit(30s), 0) << stack_.bridge().output();
}

TEST_F(Bridge, ARegionCreatedThroughTheApiRunsLiveWithItsStub) {
    // The first region of an empty simulator comes from its stub (OpenSim trap 11, e2e
    // bridge_estates.BridgeFirstRegion.*): this one is the second.
    const int port = free_udp_ports();
    create("First", 1001, port + 1);
    const auto region = create("Alpha", 1000, port);
    const std::string id = region.at("id");
    auto live = stack_.emulator_region("Alpha");
    ASSERT_TRUE(live.has_value());
    EXPECT_EQ(live->at("health"), 4);
    EXPECT_EQ(live->at("id"), id);
    EXPECT_EQ(live->at("persistent"), false) << "created without persist";
    EXPECT_EQ(live->at("estate"), "My Estate") << "the simulator's default estate";
    const auto stub = read(stack_.stub_of(id));
    EXPECT_THAT(stub, HasSubstr("[Alpha]\n"));
    EXPECT_THAT(stub, HasSubstr("RegionUUID = " + id + "\n"));
    EXPECT_THAT(stub, HasSubstr("Location = 1000,1000\n"));
    EXPECT_THAT(stub, HasSubstr("TargetEstate = My Estate\n"));
    auto op = stack_.finished_operation(id);
    EXPECT_EQ(op->at("result").at("path"), "live");
    // Heartbeats count the regions the simulator really runs.
    EXPECT_TRUE(eventually([&] {
        return stack_.admin()
                   .get("/api/v1/simulators/" + stack_.simulator_id())
                   .body.at("load")
                   .at("regions") == 2;
    }));
}

TEST_F(Bridge, DeleteRemovesTheRegionAndItsStub) {
    const int port = free_udp_ports();
    const std::string keep = create("Keep", 1000, port).at("id");
    const std::string gone = create("Gone", 1001, port + 1).at("id");
    ASSERT_TRUE(std::filesystem::exists(stack_.stub_of(gone)));
    // A persistent region goes once its final snapshot is saved (docs/snapshots.md): 202.
    ASSERT_EQ(stack_.admin().del("/api/v1/regions/" + gone).status, 202);
    auto op = stack_.finished_operation(gone, std::chrono::seconds(60));
    ASSERT_TRUE(op.has_value());
    EXPECT_EQ(op->at("kind"), "delete");
    EXPECT_EQ(op->at("state"), "succeeded") << op->dump();
    EXPECT_FALSE(stack_.emulator_region("Gone").has_value());
    EXPECT_FALSE(std::filesystem::exists(stack_.stub_of(gone)))
        << "OpenSim's delete leaves the file (trap 1); the bridge removes it";
    EXPECT_TRUE(stack_.region_healthy("Keep"));
    EXPECT_TRUE(std::filesystem::exists(stack_.stub_of(keep)));
}

TEST_F(Bridge, ARestartedBridgeKeepsItsIdentityAndDoesNotDuplicateRegions) {
    const std::string id = create("Alpha", 1000, free_udp_ports()).at("id");
    const std::string simulator = stack_.simulator_id();
    const int pid = stack_.emulator_pid();
    stack_.kill_bridge();
    // The registration token is single use: re-registering would fail and stop the bridge.
    stack_.start_bridge();
    EXPECT_THAT(stack_.bridge().output(), HasSubstr("identity from"));
    EXPECT_THAT(stack_.bridge().output(), HasSubstr("adopted the simulator"));
    EXPECT_EQ(stack_.simulator_id(), simulator);
    EXPECT_EQ(stack_.admin().get("/api/v1/simulators").body.at("items").size(), 1u);
    EXPECT_EQ(stack_.emulator_pid(), pid) << "the running simulator is adopted, not restarted";
    // A re-delivered or new operation still finds exactly one Alpha.
    ASSERT_EQ(stack_.admin().post("/api/v1/regions/" + id + "/restart", json::object()).status,
              202);
    auto op = stack_.finished_operation(id);
    ASSERT_TRUE(op.has_value());
    EXPECT_EQ(op->at("kind"), "restart");
    EXPECT_EQ(op->at("state"), "succeeded") << op->dump();
    const auto regions = stack_.emulator_state().at("regions");
    EXPECT_EQ(regions.size(), 1u) << regions.dump();
    EXPECT_TRUE(stack_.region_healthy("Alpha"));
}

TEST_F(Bridge, RestartingOneRegionClosesAndCreatesItWithoutTouchingTheOthers) {
    const int port = free_udp_ports();
    create("Other", 1000, port);
    const std::string id = create("Target", 1001, port + 1).at("id");
    const int pid = stack_.emulator_pid();
    ASSERT_EQ(stack_.admin().post("/api/v1/regions/" + id + "/restart", json::object()).status,
              202);
    auto op = stack_.finished_operation(id);
    ASSERT_TRUE(op.has_value());
    EXPECT_EQ(op->at("kind"), "restart");
    EXPECT_EQ(op->at("state"), "succeeded") << op->dump();
    // Loaded again from its stub (console `create region`), so the stub's limits apply.
    EXPECT_EQ(op->at("result").at("path"), "restart-from-stub") << op->dump();
    EXPECT_THAT(op->at("result").at("detail").get<std::string>(),
                HasSubstr("closed and loaded again from its region file"));
    EXPECT_EQ(stack_.emulator_pid(), pid);
    EXPECT_TRUE(stack_.region_healthy("Target"));
    EXPECT_TRUE(stack_.region_healthy("Other"));
    EXPECT_THAT(stack_.bridge().output(), HasSubstr("admin_close_region Target"));
    EXPECT_THAT(stack_.bridge().output(), ::testing::Not(HasSubstr("admin_restart")));
}

TEST(BridgeDoorbell, ADoorbellAloneMakesTheBridgePull) {
    BridgeStack stack;
    // No long poll, and the next pull on its own would be a minute away: only the doorbell the
    // control plane rings after the create can bring the operation in time.
    stack.start_bridge(
        "", true,
        {{"VERGEGRID_CHANNEL_PULL_WAIT_S", "0"}, {"VERGEGRID_CHANNEL_RETRY_INTERVAL_MS", "60000"}});
    std::this_thread::sleep_for(500ms);  // the first pull, at start, is over
    const auto region = stack.create_region("Rung", 1000, free_udp_ports());
    auto op = stack.finished_operation(region.at("id"), 20s);
    ASSERT_TRUE(op.has_value()) << stack.bridge().output();
    EXPECT_EQ(op->at("state"), "succeeded");
    EXPECT_TRUE(stack.region_healthy("Rung"));
}

TEST_F(Bridge, AFailedLiveCreateFallsBackToARestartThatBringsItUpWithTheOthers) {
    const int port = free_udp_ports();
    create("One", 1000, port);
    create("Two", 1001, port + 1);
    const int pid = stack_.emulator_pid();
    stack_.emulator_fault({{"fail_next_create", "An unexpected failure"}});
    const auto region = stack_.create_region("Three", 1002, port + 2);
    auto op = stack_.finished_operation(region.at("id"));
    ASSERT_TRUE(op.has_value()) << stack_.bridge().output();
    EXPECT_EQ(op->at("state"), "succeeded") << op->dump();
    EXPECT_EQ(op->at("result").at("path"), "fallback-restart");
    EXPECT_THAT(op->at("result").at("detail").get<std::string>(),
                HasSubstr("An unexpected failure"));
    EXPECT_NE(stack_.emulator_pid(), pid) << "the simulator was restarted";
    for (const char* name : {"One", "Two", "Three"}) {
        EXPECT_TRUE(stack_.region_healthy(name)) << name;
    }
}

TEST_F(Bridge, ACreateThatKillsTheSimulatorIsRecoveredByTheFallback) {
    const int port = free_udp_ports();
    create("One", 1000, port);
    stack_.emulator_fault({{"exit_during_create", true}});
    const auto region = stack_.create_region("Two", 1001, port + 1);
    auto op = stack_.finished_operation(region.at("id"));
    ASSERT_TRUE(op.has_value()) << stack_.bridge().output();
    EXPECT_EQ(op->at("state"), "succeeded") << op->dump();
    EXPECT_TRUE(stack_.region_healthy("One"));
    EXPECT_TRUE(stack_.region_healthy("Two"));
}

TEST(BridgeHangingCreate, ACreateThatHangsTimesOutAndTheFallbackBringsItUp) {
    BridgeStack stack;
    stack.start_bridge("[injection.hybrid]\ncreate_timeout_ms = 1000\n", true,
                       {{"VERGEGRID_SIMULATOR_CALL_TIMEOUT_MS", "1000"},
                        {"VERGEGRID_SIMULATOR_STOP_TIMEOUT_MS", "1000"}});
    const int port = free_udp_ports();
    const auto first = stack.create_region("One", 1000, port);
    ASSERT_TRUE(stack.finished_operation(first.at("id")).has_value());
    const int pid = stack.emulator_pid();
    stack.emulator_fault({{"hang_create", true}});
    const auto region = stack.create_region("Two", 1001, port + 1);
    auto op = stack.finished_operation(region.at("id"), 60s);
    ASSERT_TRUE(op.has_value()) << stack.bridge().output();
    EXPECT_EQ(op->at("state"), "succeeded") << op->dump();
    EXPECT_EQ(op->at("result").at("path"), "fallback-restart");
    EXPECT_THAT(op->at("result").at("detail").get<std::string>(), HasSubstr("timed out"));
    EXPECT_NE(stack.emulator_pid(), pid);
    EXPECT_TRUE(stack.region_healthy("One"));
    EXPECT_TRUE(stack.region_healthy("Two"));
}

class BridgeWithShortTeardown : public Bridge {
  protected:
    void SetUp() override {
        stack_.start_bridge("[injection.hybrid]\nteardown_timeout_ms = 1000\n");
    }
};

TEST_F(BridgeWithShortTeardown, AHangingDeleteEndsInAHardTeardownAndTheOthersComeBack) {
    const int port = free_udp_ports();
    create("Stays", 1000, port);
    const std::string gone = create("Stuck", 1001, port + 1).at("id");
    stack_.emulator_fault({{"hang_delete", true}});
    ASSERT_EQ(stack_.admin().del("/api/v1/regions/" + gone).status, 202);  // final snapshot first
    auto op = stack_.finished_operation(gone, std::chrono::seconds(60));
    ASSERT_TRUE(op.has_value()) << stack_.bridge().output();
    EXPECT_EQ(op->at("state"), "succeeded") << op->dump();
    EXPECT_EQ(op->at("result").at("path"), "hard-teardown");
    EXPECT_FALSE(stack_.emulator_region("Stuck").has_value());
    EXPECT_FALSE(std::filesystem::exists(stack_.stub_of(gone)));
    EXPECT_TRUE(stack_.region_healthy("Stays"));
}

TEST_F(BridgeWithShortTeardown, AHangingCloseOnDisableEndsInAHardTeardown) {
    const int port = free_udp_ports();
    create("Stays", 1000, port);
    const std::string off = create("Off", 1001, port + 1).at("id");
    stack_.emulator_fault({{"hang_close", true}});
    ASSERT_EQ(
        stack_.admin().patch("/api/v1/regions/" + off, {{"flags", {{"enabled", false}}}}).status,
        200);
    auto op = stack_.finished_operation(off);
    ASSERT_TRUE(op.has_value());
    EXPECT_EQ(op->at("kind"), "disable");
    EXPECT_EQ(op->at("state"), "succeeded") << op->dump();
    EXPECT_EQ(op->at("result").at("path"), "hard-teardown");
    EXPECT_FALSE(stack_.region_healthy("Off"));
    EXPECT_TRUE(stack_.region_healthy("Stays"));
}

TEST_F(Bridge, AnEagerChangeArrivesAtOnceALazyOneAfterItsWindow) {
    const std::string id = create("Alpha", 1000, free_udp_ports()).at("id");
    // Lazy (environment): waits for the 3 s window of the sync plugin, then is applied.
    ASSERT_EQ(stack_.admin()
                  .patch("/api/v1/regions/" + id, {{"environment", {{"water_height", 25.0}}}})
                  .status,
              200);
    auto pending = stack_.admin().get("/api/v1/operations?region_id=" + id).body.at("items").at(0);
    EXPECT_EQ(pending.at("class"), "lazy");
    EXPECT_EQ(pending.at("state"), "pending") << "held for its window";
    auto lazy = stack_.finished_operation(id);
    ASSERT_TRUE(lazy.has_value());
    EXPECT_EQ(lazy->at("state"), "succeeded") << lazy->dump();
    // A lazy limit the region loader reads lands in the stub (the running region is untouched).
    ASSERT_EQ(
        stack_.admin().patch("/api/v1/regions/" + id, {{"flags", {{"max_agents", 40}}}}).status,
        200);
    EXPECT_TRUE(eventually([&] {
        return read(stack_.stub_of(id)).find("MaxAgents = 40\n") != std::string::npos;
    })) << read(stack_.stub_of(id));
    // Eager (a new name): delivered at once and applied by re-creating the region.
    ASSERT_EQ(stack_.admin().patch("/api/v1/regions/" + id, {{"name", "Renamed"}}).status, 200);
    auto eager = stack_.admin().get("/api/v1/operations?region_id=" + id).body.at("items").at(0);
    EXPECT_EQ(eager.at("class"), "eager");
    EXPECT_TRUE(eventually([&] { return stack_.region_healthy("Renamed"); }, 10s));
    EXPECT_FALSE(stack_.region_healthy("Alpha"));
    // The stub follows once the region is confirmed healthy.
    EXPECT_TRUE(eventually([&] {
        return read(stack_.stub_of(id)).find("[Renamed]\n") != std::string::npos;
    })) << read(stack_.stub_of(id));
}

TEST_F(Bridge, WithTheControlPlaneDownTheSimulatorIsKeptAndConvergesAfter) {
    const int port = free_udp_ports();
    create("Alpha", 1000, port);
    stack_.stop_control_plane();
    // The bridge restarts while the control plane is down, and so does the simulator.
    stack_.kill_bridge();
    ::kill(stack_.emulator_pid(), SIGKILL);
    stack_.start_bridge();
    EXPECT_TRUE(eventually([&] { return stack_.region_healthy("Alpha"); }))
        << "from the local cache and stubs\n"
        << stack_.bridge().output();
    stack_.start_control_plane();
    create("Beta", 1001, port + 1);
    EXPECT_TRUE(stack_.region_healthy("Alpha"));
    EXPECT_TRUE(stack_.region_healthy("Beta"));
}

TEST_F(Bridge, ASimulatorKilledBehindTheBridgesBackIsStartedAgainWithItsRegions) {
    const int port = free_udp_ports();
    create("Alpha", 1000, port);
    create("Beta", 1001, port + 1);
    const int pid = stack_.emulator_pid();
    ::kill(pid, SIGKILL);
    EXPECT_TRUE(eventually([&] {
        const int now = stack_.emulator_pid();
        return now != 0 && now != pid && stack_.region_healthy("Alpha") &&
               stack_.region_healthy("Beta");
    })) << stack_.bridge().output();
}

TEST_F(Bridge, ARegionClosedBehindTheBridgesBackIsReinjected) {
    const int port = free_udp_ports();
    create("Alpha", 1000, port);
    const int pid = stack_.emulator_pid();
    EXPECT_THAT(stack_.remote_admin("admin_close_region", "Alpha"), HasSubstr("success"));
    EXPECT_TRUE(eventually([&] { return stack_.region_healthy("Alpha"); }))
        << stack_.bridge().output();
    EXPECT_EQ(stack_.emulator_pid(), pid) << "re-injected live, without a restart";
    EXPECT_TRUE(eventually([&] {
        return stack_.bridge().output().find("repair reinjected") != std::string::npos;
    })) << stack_.bridge().output();
}

TEST_F(Bridge, AStubDeletedByHandIsHealed) {
    const std::string id = create("Alpha", 1000, free_udp_ports()).at("id");
    const auto stub = stack_.stub_of(id);
    const auto original = read(stub);
    std::filesystem::remove(stub);
    EXPECT_TRUE(eventually([&] { return std::filesystem::exists(stub); }));
    EXPECT_TRUE(eventually([&] { return read(stub) == original; }));
    EXPECT_TRUE(eventually(
        [&] { return stack_.bridge().output().find("restored-stub") != std::string::npos; }));
    // Every repair reaches the control plane's audit log.
    EXPECT_TRUE(eventually([&] {
        const auto audit =
            stack_.admin().get("/api/v1/audit?action=simulator.repair&entity_id=" + id).body;
        for (const auto& entry : audit.at("items")) {
            if (entry.at("after").at("kind") == "restored-stub" &&
                entry.at("actor") == "simulator:" + stack_.simulator_id()) {
                return true;
            }
        }
        return false;
    })) << stack_.admin().get("/api/v1/audit?action=simulator.repair").raw;
}

TEST_F(Bridge, ALinkPlantedAtAStubIsReportedNeverWrittenThroughAndTheBridgeGoesOn) {
    const int port = free_udp_ports();
    const std::string id = create("Linked", 1000, port).at("id");
    // Someone who can write to Regions/ (but not to the victim) replaces the stub with a link.
    const auto victim = stack_.regions_dir().parent_path() / "victim.txt";
    std::ofstream(victim) << "precious\n";
    const auto stub = stack_.stub_of(id);
    std::filesystem::remove(stub);
    std::filesystem::create_symlink(victim, stub);
    EXPECT_TRUE(eventually([&] {
        return stack_.bridge().output().find("repair stub-unwritable") != std::string::npos;
    })) << stack_.bridge().output();
    EXPECT_THAT(stack_.bridge().output(), HasSubstr("is a symbolic link"));
    EXPECT_EQ(read(victim), "precious\n");
    EXPECT_TRUE(std::filesystem::is_symlink(stub)) << "reported and left, not replaced";
    create("After", 1001, port + 1);  // the bridge goes on with its other work
    EXPECT_EQ(read(victim), "precious\n");
}

TEST_F(Bridge, AStaleVergeGridStubIsRemoved) {
    const std::string stale_id = "99999999-8888-7777-6666-555555555555";
    const auto stale = stack_.stub_of(stale_id);
    std::ofstream(stale) << "[Ghost]\nRegionUUID = " << stale_id
                         << "\nLocation = 3000,3000\nInternalAddress = 0.0.0.0\n"
                            "InternalPort = "
                         << free_udp_ports() << "\nExternalHostName = 127.0.0.1\n";
    EXPECT_TRUE(eventually([&] { return !std::filesystem::exists(stale); }))
        << stack_.bridge().output();
    EXPECT_TRUE(eventually([&] {
        return stack_.bridge().output().find("repair removed-stale-stub") != std::string::npos;
    }));
}

TEST_F(Bridge, AStubThatWouldHaltTheSimulatorsStartIsRemovedBeforeARestart) {
    const int port = free_udp_ports();
    const std::string mine = create("Mine", 1000, port).at("id");
    // The operator claims Mine's location in a file of their own: the next start would halt
    // (trap 7) unless the bridge's stub gives way first.
    const auto file = stack_.regions_dir() / "Operator.ini";
    std::ofstream(file) << "[Operator]\nRegionUUID = 11111111-2222-3333-4444-555555555555\n"
                           "Location = 1000,1000\nInternalAddress = 0.0.0.0\nInternalPort = "
                        << port + 5 << "\nExternalHostName = 127.0.0.1\n";
    const int pid = stack_.emulator_pid();
    stack_.emulator_fault({{"fail_next_create", "An unexpected failure"}});
    const auto other = stack_.create_region("Other", 1001, port + 1);
    auto op = stack_.finished_operation(other.at("id"));
    ASSERT_TRUE(op.has_value()) << stack_.bridge().output();
    EXPECT_NE(stack_.emulator_pid(), pid) << "the fallback restarted the simulator";
    EXPECT_GT(stack_.emulator_pid(), 0) << "and it started: no halt on conflicts\n"
                                        << stack_.bridge().output();
    EXPECT_TRUE(stack_.region_healthy("Operator"));
    EXPECT_EQ(op->at("state"), "succeeded") << op->dump() << stack_.bridge().output();
    EXPECT_TRUE(stack_.region_healthy("Other"));
    EXPECT_FALSE(std::filesystem::exists(stack_.stub_of(mine)));
    EXPECT_THAT(stack_.bridge().output(), HasSubstr("repair removed-conflicting-stub"));
    // Mine stays desired but cannot get a stub while the operator's file holds its place: that
    // is reported (once), not retried into a restart loop.
    EXPECT_TRUE(eventually([&] {
        return stack_.bridge().output().find("cannot write the stub of region Mine") !=
               std::string::npos;
    }));
    EXPECT_FALSE(stack_.region_healthy("Mine"));
}

TEST_F(Bridge, ARegionOnAPortInUseIsRefusedWithAClearResult) {
    const int port = free_udp_ports();
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    const auto region = stack_.create_region("Blocked", 1000, port);
    auto op = stack_.finished_operation(region.at("id"));
    ::close(fd);
    ASSERT_TRUE(op.has_value());
    EXPECT_EQ(op->at("state"), "failed");
    EXPECT_THAT(op->at("result").at("error").get<std::string>(),
                HasSubstr("UDP port " + std::to_string(port) + " is already in use"));
    // The word a move acts on: it plans the target on another port (docs/migration.md).
    EXPECT_EQ(op->at("result").value("reason", ""), "port_in_use");
    EXPECT_FALSE(stack_.emulator_region("Blocked").has_value());
    EXPECT_FALSE(std::filesystem::exists(stack_.stub_of(region.at("id"))));
}

TEST_F(Bridge, TheOperatorsOwnRegionFileIsReportedAndNeverTouched) {
    const int port = free_udp_ports();
    const auto file = stack_.regions_dir() / "Operator.ini";
    const std::string text =
        "[Operator]\nRegionUUID = 11111111-2222-3333-4444-555555555555\nLocation = 2000,2000\n"
        "InternalAddress = 0.0.0.0\nInternalPort = " +
        std::to_string(port + 10) + "\nExternalHostName = 127.0.0.1\n";
    std::ofstream(file) << text;
    create("Alpha", 1000, port);
    // A region that would clash with the operator's location is refused, not written.
    auto clash = stack_.admin().post("/api/v1/regions",
                                     {{"name", "Clash"},
                                      {"estate_id", stack_.estate_id()},
                                      {"loc_x", 2000},
                                      {"loc_y", 2000},
                                      {"port", port + 2},
                                      {"host", "127.0.0.1"},
                                      {"placement", {{"simulator_id", stack_.simulator_id()}}}});
    ASSERT_EQ(clash.status, 201) << clash.raw;
    auto op = stack_.finished_operation(clash.body.at("id"));
    ASSERT_TRUE(op.has_value());
    EXPECT_EQ(op->at("state"), "failed");
    EXPECT_THAT(op->at("result").at("error").get<std::string>(), HasSubstr("Operator.ini"));
    EXPECT_TRUE(eventually([&] {
        return stack_.bridge().output().find(
                   "region Operator in Operator.ini is the operator's; "
                   "left untouched") != std::string::npos;
    })) << stack_.bridge().output();
    EXPECT_EQ(read(file), text);
}

TEST_F(Bridge, AKeyRotatedByAnAdminReachesTheRunningBridge) {
    const auto identity = stack_.state_dir() / "identity.json";
    const std::string old_key = json::parse(read(identity)).at("api_key");
    auto rotated = stack_.admin().post(
        "/api/v1/simulators/" + stack_.simulator_id() + "/rotate-key", json::object());
    ASSERT_EQ(rotated.status, 200) << rotated.raw;
    const std::string new_key = rotated.body.at("api_key");
    EXPECT_TRUE(eventually([&] { return read(identity).find(new_key) != std::string::npos; }))
        << "identity.json gets the key the admin made: " << stack_.bridge().output();
    struct stat info {};
    ASSERT_EQ(::stat(identity.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    EXPECT_EQ(read(identity).find(old_key), std::string::npos);

    // The bridge calls with the new key from now on: operations still arrive and are reported.
    const int port = free_udp_ports();
    create("Alpha", 1000, port);
    EXPECT_TRUE(stack_.region_healthy("Alpha"));
    EXPECT_EQ(stack_.bridge().output().find(new_key), std::string::npos) << "never logged";
    // A restarted bridge starts from the new identity.
    stack_.kill_bridge();
    stack_.start_bridge();
    create("Beta", 1004, port + 2);
}

TEST_F(Bridge, RotatesItsOwnKeyOnSchedule) {
    const auto identity = stack_.state_dir() / "identity.json";
    const std::string first = json::parse(read(identity)).at("api_key");
    stack_.kill_bridge();
    // 0.001 h = 3.6 s after identity.json was written.
    stack_.start_bridge("", true, {{"VERGEGRID_CHANNEL_KEY_ROTATION_INTERVAL_H", "0.001"}});
    std::string second;
    EXPECT_TRUE(eventually(
        [&] {
            second = json::parse(read(identity)).at("api_key");
            return second != first;
        },
        30s))
        << stack_.bridge().output();
    EXPECT_THAT(second, ::testing::StartsWith("vgs_"));
    EXPECT_TRUE(
        eventually([&] { return json::parse(read(identity)).at("api_key") != second; }, 30s))
        << "and again after the interval: " << stack_.bridge().output();
    // It works on with its rotated key: its heartbeats keep arriving.
    auto beat = [&] {
        return stack_.admin()
            .get("/api/v1/simulators/" + stack_.simulator_id())
            .body.at("last_heartbeat_at")
            .dump();
    };
    const auto before = beat();
    EXPECT_TRUE(eventually([&] { return beat() != before; })) << stack_.bridge().output();
    EXPECT_EQ(stack_.bridge().output().find(second), std::string::npos) << "never logged";
}

}  // namespace
}  // namespace bridge_test
