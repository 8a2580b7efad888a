// Plugins built against the ABI 1.0 and 1.2 headers (tests/plugin_abi_fixtures/headers), loaded
// by the current kernel and called through the current host code: every kind loads, and the host
// takes the fallback of each extension a plugin predates instead of calling into a vtable slot
// the plugin does not have.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <random>

#include "control/common/extensions.hpp"
#include "control/migrations/migration_ledger.hpp"
#include "control/placement/placement_engine.hpp"
#include "control/placement/placement_index.hpp"
#include "plugin_host/plugin_loader.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_logger.hpp"
#include "vergegrid/plugin_api/auth.hpp"
#include "vergegrid/plugin_api/injection.hpp"
#include "vergegrid/plugin_api/placement.hpp"
#include "vergegrid/plugin_api/storage.hpp"
#include "vergegrid/plugin_api/storage_grid.hpp"
#include "vergegrid/plugin_api/sync.hpp"

namespace {

namespace api = vergegrid::plugin_api;
using namespace vergegrid::control;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using vergegrid::plugin_host::LoadedPlugin;
using vergegrid::plugin_host::PluginLoader;
using vergegrid::plugin_host::PluginStatus;

const std::filesystem::path kDir = VERGEGRID_ABI_FIXTURE_DIR;

// Loads one fixture and makes one object of it, as the control plane and the bridge do.
class Fixture {
  public:
    explicit Fixture(const std::string& file)
        : outcome_(PluginLoader(std::make_shared<spdlog::logger>(
                                    "test", std::make_shared<spdlog::sinks::null_sink_mt>()))
                       .load(kDir / file)) {}

    const vergegrid::plugin_host::PluginRecord& record() const { return outcome_.record; }

    template <typename Interface>
    std::shared_ptr<Interface> make(const api::ConfigSection& config = {}) const {
        if (!outcome_.plugin) {
            throw std::runtime_error(outcome_.record.reason);
        }
        return outcome_.plugin->create<Interface>(
            api::HostContext{api::kAbiVersion, logger_, config, dir_.path().string()});
    }
    std::shared_ptr<vergegrid::test::RecordingLogger> logger() const { return logger_; }

  private:
    vergegrid::plugin_host::LoadOutcome outcome_;
    std::shared_ptr<vergegrid::test::RecordingLogger> logger_ =
        std::make_shared<vergegrid::test::RecordingLogger>();
    vergegrid::test::TempDir dir_;
};

api::Simulator simulator(const std::string& id, int capacity, std::vector<std::string> labels = {},
                         const std::string& state = "online") {
    api::Simulator s;
    s.id = id;
    s.hostname = id + ".example.org";
    s.capacity = capacity;
    s.labels = std::move(labels);
    s.state = state;
    return s;
}

PlacementRequest ask(const std::string& name) {
    PlacementRequest request;
    request.needs.region_name = name;
    return request;
}

TEST(OldAbiPlugins, EveryKindLoadsWithTheAbiItWasBuiltFor) {
    const std::vector<std::tuple<std::string, std::string, std::string, api::AbiVersion>> all = {
        {"vg-abi10-placement.so", "placement", "abi10-free-slots", {1, 0}},
        {"vg-abi10-storage.so", "storage", "abi10-memory", {1, 0}},
        {"vg-abi12-auth.so", "auth", "abi12-plain", {1, 2}},
        {"vg-abi12-injection.so", "injection", "abi12-live-then-restart", {1, 2}},
        {"vg-abi12-placement.so", "placement", "abi12-free-slots", {1, 2}},
        {"vg-abi12-storage.so", "storage", "abi12-memory", {1, 2}},
        {"vg-abi12-sync.so", "sync", "abi12-creates-first", {1, 2}},
    };
    for (const auto& [file, kind, name, abi] : all) {
        Fixture fixture(file);
        EXPECT_EQ(fixture.record().status, PluginStatus::loaded) << fixture.record().reason;
        EXPECT_EQ(fixture.record().kind, kind);
        EXPECT_EQ(fixture.record().name, name);
        EXPECT_EQ(fixture.record().abi, abi) << file;
    }
}

// ABI 1.0: RegionNeeds and SimulatorSnapshot were shorter; the policy reads its prefix only.
TEST(OldAbiPlugins, APlacementPolicyOfAbi10IsScoredExhaustively) {
    Fixture fixture("vg-abi10-placement.so");
    auto policy = fixture.make<api::PlacementPolicy>();
    EXPECT_EQ(dynamic_cast<const api::IndexedPlacementPolicy*>(policy.get()), nullptr);
    EXPECT_THAT(fixture.logger()->lines(), ElementsAre(HasSubstr("policy of ABI 1.0 created")));
    auto state = GridState::from(
        {simulator("a", 1), simulator("b", 3), simulator("c", 5, {}, "cordoned")}, {});
    std::vector<std::string> chosen;
    for (const std::string name : {"One", "Two", "Three", "Four", "Five"}) {
        const auto decision = decide(*policy, "abi10-free-slots", state, ask(name), {9000, 9009});
        if (!decision.placed) {
            chosen.push_back("-");
            continue;
        }
        chosen.push_back(decision.simulator_id);
        state.add(reserved_region(decision, "u-" + name, name, static_cast<int>(chosen.size()), 0,
                                  256, 256));
    }
    // Most free slots first (b: 3, 2; then a and b tie at 1 and a wins by id); never the
    // cordoned one; then every simulator is full.
    EXPECT_THAT(chosen, ElementsAre("b", "b", "a", "b", "-"));
}

// ABI 1.2's IndexedPlacementPolicy had no accepts_labels: the index must not call it (the slot
// is not in this plugin's vtable) and must still choose what the exhaustive engine chooses.
TEST(OldAbiPlugins, AnIndexedPolicyOfAbi12IsRankedWithoutAcceptsLabels) {
    Fixture fixture("vg-abi12-placement.so");
    auto policy = fixture.make<api::PlacementPolicy>();
    const auto* indexed = dynamic_cast<const api::IndexedPlacementPolicy*>(policy.get());
    ASSERT_NE(indexed, nullptr);
    EXPECT_EQ(dynamic_cast<const api::LabelAwareIndexedPolicy*>(policy.get()), nullptr);

    const std::vector<std::vector<std::string>> label_sets = {{}, {"main"}, {"event"}};
    std::mt19937 random(7);
    std::vector<api::Simulator> simulators;
    for (int i = 0; i < 30; ++i) {
        simulators.push_back(simulator(
            "sim-" + std::to_string(100 + i), 1 + static_cast<int>(random() % 4),
            label_sets[random() % label_sets.size()], random() % 8 == 0 ? "cordoned" : "online"));
    }
    auto fast_state = GridState::from(simulators, {});
    auto slow_state = GridState::from(simulators, {});
    PlacementIndex index(*indexed, "abi12-free-slots", fast_state, PortRange{9000, 9003});
    int placed = 0;
    for (int i = 0; i < 80; ++i) {
        auto request = ask("R" + std::to_string(i));
        if (i % 3 == 0) {
            request.needs.required_labels = {"event"};  // label sets the index may not skip
        }
        request.loc_x = i;
        const auto fast = index.place(request, "u" + std::to_string(i));
        const auto slow = decide(*policy, "abi12-free-slots", slow_state, request, {9000, 9003});
        ASSERT_EQ(fast.placed, slow.placed) << i;
        if (slow.placed) {
            EXPECT_EQ(fast.simulator_id, slow.simulator_id) << i;
            slow_state.add(reserved_region(slow, "u" + std::to_string(i), request.needs.region_name,
                                           i, 0, 256, 256));
            ++placed;
        }
    }
    EXPECT_GT(placed, 20);
}

api::Region region(const std::string& name, int x) {
    api::Region r;
    r.uuid = "uuid-" + name;
    r.name = name;
    r.loc_x = x;
    r.host = "sim.example.org";
    r.port = 9000 + x;
    return r;
}

// ABI 1.0 storage: no AccessStore, no OperationStore, no GridStore. The host's extension look-ups
// answer so instead of casting blindly.
TEST(OldAbiPlugins, AStorageBackendOfAbi10LacksEveryExtension) {
    Fixture fixture("vg-abi10-storage.so");
    auto backend = fixture.make<api::StorageBackend>();
    backend->open();
    auto tx = backend->begin(api::Access::read_write);
    tx->insert_region(region("Alpha", 1));
    EXPECT_EQ(grid_store(*tx), nullptr);
    try {
        access_store(*tx);
        ADD_FAILURE() << "a 1.0 transaction has no AccessStore";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), HasSubstr("predates plugin ABI 1.1"));
    }
    EXPECT_ANY_THROW(operation_store(*tx));
    tx->commit();
    auto read = backend->begin(api::Access::read);
    EXPECT_EQ(read->list_regions({}, "", 10).size(), 1U);
}

// ABI 1.2 storage: the 1.1 extensions, but no GridStore (1.3): the host pages through regions.
TEST(OldAbiPlugins, AStorageBackendOfAbi12HasTheAccessExtensionsButNoGridStore) {
    Fixture fixture("vg-abi12-storage.so");
    auto backend = fixture.make<api::StorageBackend>();
    backend->open();
    EXPECT_TRUE(backend->health().ok);
    {
        auto tx = backend->begin(api::Access::read_write);
        EXPECT_EQ(grid_store(*tx), nullptr);
        access_store(*tx).insert_user({"u1", "admin", "admin", "", false, "2026-01-01T00:00:00Z"});
        api::Operation op;
        op.simulator_id = "s1";
        op.kind = "create";
        EXPECT_EQ(operation_store(*tx).insert_operation(op), 1);
        tx->insert_region(region("Alpha", 1));
        tx->commit();
    }
    auto tx = backend->begin(api::Access::read);
    EXPECT_EQ(access_store(*tx).count_users(), 1);
    EXPECT_EQ(operation_store(*tx).list_operations({}, 0, 10).size(), 1U);
    // No MigrationLedger (1.6) either: moves with content answer 503 migrations_unavailable.
    EXPECT_EQ(find_migration_ledger(*tx), nullptr);
    try {
        migration_ledger(*tx);
        ADD_FAILURE() << "a 1.2 transaction has no MigrationLedger";
    } catch (const DomainError& e) {
        EXPECT_EQ(e.fault(), Fault::unavailable);
        EXPECT_EQ(e.code(), "migrations_unavailable");
        EXPECT_THAT(e.what(), HasSubstr("predates plugin ABI 1.6"));
    }
}

// The host lends one old plugin's AccessStore to another old plugin's AuthProvider.
TEST(OldAbiPlugins, AnAuthProviderOfAbi12WorksOnTheStoreTheHostLends) {
    Fixture storage("vg-abi12-storage.so");
    auto backend = storage.make<api::StorageBackend>();
    backend->open();
    Fixture fixture("vg-abi12-auth.so");
    auto auth = fixture.make<api::AuthProvider>();
    const std::string now = "2026-12-03T12:00:00.000Z";
    api::User user{"u1", "ada", "operator", auth->hash_password("secret"), false, now};
    EXPECT_THROW(auth->hash_password("no"), std::invalid_argument);
    std::string token;
    {
        auto tx = backend->begin(api::Access::read_write);
        access_store(*tx).insert_user(user);
        token = auth->issue_api_token(user, "ci", "", access_store(*tx), now).token;
        tx->commit();
    }
    auto tx = backend->begin(api::Access::read_write);
    auto& store = access_store(*tx);
    const auto identity = auth->authenticate({token, ""}, store, now);
    ASSERT_TRUE(identity.has_value());
    EXPECT_EQ(identity->subject, "ada");
    EXPECT_EQ(identity->role, "operator");
    EXPECT_FALSE(auth->authenticate({"token-nobody-1", ""}, store, now));
    EXPECT_TRUE(auth->login("ada", "secret", store, now).has_value());
    EXPECT_FALSE(auth->login("ada", "wrong", store, now).has_value());
}

TEST(OldAbiPlugins, ASyncSchedulerOfAbi12ClassifiesAndReadsItsConfig) {
    Fixture fixture("vg-abi12-sync.so");
    auto sync = fixture.make<api::SyncScheduler>({{"window_s", "12"}});
    EXPECT_EQ(sync->classify({"create", {}}), api::SyncClass::eager);
    EXPECT_EQ(sync->classify({"update", {"environment.water_height"}}), api::SyncClass::lazy);
    EXPECT_EQ(sync->lazy_window_s(), 12);
}

// The host's side of the injection boundary: SimulatorControl as the bridge implements it (the
// current header), called by a strategy built against the 1.2 header.
class ScriptedSimulator final : public api::SimulatorControl {
  public:
    bool live_create_works = true;
    std::vector<std::string> calls;

    api::CallResult create_region(const api::RegionPlan& r, std::chrono::milliseconds) override {
        calls.push_back("create " + r.name);
        return {live_create_works, false, live_create_works ? "" : "port in use"};
    }
    int region_health(const api::RegionPlan&) override { return 1; }
    api::CallResult close_region(const api::RegionPlan& r, std::chrono::milliseconds) override {
        calls.push_back("close " + r.name);
        return {true, false, ""};
    }
    api::CallResult delete_region(const api::RegionPlan& r, std::chrono::milliseconds) override {
        calls.push_back("delete " + r.name);
        return {true, false, ""};
    }
    void write_stub(const api::RegionPlan& r) override { calls.push_back("stub " + r.name); }
    void remove_stub(const api::RegionPlan& r) override { calls.push_back("unstub " + r.name); }
    void clean_failed_create(const api::RegionPlan& r) override {
        calls.push_back("clean " + r.name);
    }
    bool restart_simulator() override {
        calls.push_back("restart");
        return true;
    }
    std::vector<api::RegionPlan> desired_regions() override {
        api::RegionPlan one;
        one.name = "Alpha";
        return {one, one};
    }
};

TEST(OldAbiPlugins, AnInjectionStrategyOfAbi12DrivesTheHostsPrimitives) {
    Fixture fixture("vg-abi12-injection.so");
    auto strategy = fixture.make<api::InjectionStrategy>();
    api::RegionPlan alpha;
    alpha.id = "uuid-alpha";
    alpha.name = "Alpha";
    alpha.port = 9001;
    ScriptedSimulator sim;
    auto live = strategy->inject(alpha, sim);
    EXPECT_TRUE(live.ok);
    EXPECT_EQ(live.path, "live");
    sim.live_create_works = false;
    auto fallback = strategy->inject(alpha, sim);
    EXPECT_EQ(fallback.path, "fallback-restart");
    EXPECT_THAT(fallback.detail, HasSubstr("port in use"));
    EXPECT_THAT(fallback.detail, HasSubstr("restarted with 2 regions"));
    EXPECT_EQ(strategy->teardown(alpha, true, sim).path, "delete");
    EXPECT_THAT(sim.calls, ElementsAre("stub Alpha", "create Alpha", "stub Alpha", "create Alpha",
                                       "clean Alpha", "restart", "delete Alpha", "unstub Alpha"));
}

}  // namespace
