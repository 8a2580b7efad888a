// The snapshot and restore operations against the OpenSim emulator (tests/opensim_emulator), which
// the bridge's SimulatorProcess supervises as in the daemon. The control plane's side is a folder
// (FolderStore): the wire itself is tested in tests/libs/sim_channel_client.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "oar_archive/completeness.hpp"
#include "sha256/sha256.hpp"
#include "sim_bridge/core/operation_applier.hpp"
#include "sim_bridge/core/snapshot_worker.hpp"
#include "tests/libs/oar_archive/oar_test_archives.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/listen_port.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace vergegrid::bridge;
using namespace std::chrono_literals;

constexpr const char* kSnapshot = "0d7c3b2a-1f4e-4a5b-9c8d-7e6f5a4b3c2d";
constexpr const char* kRegionId = "4b3a2f1e-0d9c-4b8a-9765-43210fedcba9";

// The control plane's store, as a folder: what was uploaded, and what a restore downloads.
class FolderStore final : public SnapshotChannel {
  public:
    explicit FolderStore(fs::path dir) : dir_(std::move(dir)) { fs::create_directories(dir_); }

    void upload_snapshot(const std::string& id, const fs::path& file, const std::string& sha256,
                         const vergegrid::sim_channel::TransferProgress& progress) override {
        if (!fail_upload.empty()) {
            throw std::runtime_error(fail_upload);
        }
        fs::copy_file(file, blob(id), fs::copy_options::overwrite_existing);
        uploaded_sha256 = sha256;
        progress(fs::file_size(file), fs::file_size(file));
    }
    void download_snapshot(const std::string& id, const fs::path& file, std::uint64_t,
                           const vergegrid::sim_channel::TransferProgress& progress) override {
        fs::copy_file(blob(id), file, fs::copy_options::overwrite_existing);
        progress(fs::file_size(file), fs::file_size(file));
    }
    void report_progress(std::int64_t operation_id,
                         const vergegrid::sim_channel::OperationProgress& p) override {
        std::lock_guard lock(mutex_);
        phases.push_back(std::to_string(operation_id) + " " + p.phase);
    }

    fs::path blob(const std::string& id) const { return dir_ / id; }
    std::vector<std::string> phases_seen() {
        std::lock_guard lock(mutex_);
        return phases;
    }

    std::string fail_upload;
    std::string uploaded_sha256;

  private:
    fs::path dir_;
    std::mutex mutex_;
    std::vector<std::string> phases;
};

// Neither snapshot nor restore may reach the injection strategy.
class UntouchableStrategy final : public vergegrid::plugin_api::InjectionStrategy {
  public:
    using Plan = vergegrid::plugin_api::RegionPlan;
    using Control = vergegrid::plugin_api::SimulatorControl;
    using Outcome = vergegrid::plugin_api::InjectionOutcome;
    Outcome inject(const Plan&, Control&) override { return touched(); }
    Outcome teardown(const Plan&, bool, Control&) override { return touched(); }
    Outcome restart_region(const Plan&, Control&) override { return touched(); }

  private:
    static Outcome touched() {
        ADD_FAILURE() << "the injection strategy was called";
        return {false, "failed", "touched"};
    }
};

std::string emulator_path() {
    if (const char* other = std::getenv("VERGEGRID_TEST_OPENSIM_EMULATOR")) {
        return other;  // another emulator build, for a local run
    }
    return VERGEGRID_OPENSIM_EMULATOR;
}

class SnapshotOperations : public ::testing::Test {
  protected:
    void SetUp() override {
        const fs::path emulator = emulator_path();
        remoteadmin_port_ = vergegrid::test::unclaimed_listen_port();
        control_port_ = vergegrid::test::unclaimed_listen_port();
        sim_.remoteadmin_url = "http://127.0.0.1:" + std::to_string(remoteadmin_port_);
        sim_.remoteadmin_password = "s3cret";
        sim_.regions_dir = dir_.path() / "sim" / "Regions";
        sim_.call_timeout = 10s;
        sim_.external_host = "127.0.0.1";
        fs::create_directories(sim_.regions_dir);
        fs::create_directories(state_dir());
        sim_.command = emulator.string() + " --sim-dir " + (dir_.path() / "sim").string() +
                       " --remoteadmin-port " + std::to_string(remoteadmin_port_) +
                       " --password s3cret --control-port " + std::to_string(control_port_) +
                       " --create-delay-ms 20 --first-create-delay-ms 40 --start-delay-ms 50"
                       " --shutdown-delay-ms 100 --save-oar-delay-ms 300 --allow-regionless true"
                       " --default-estate-at-start";
        snapshots_.poll_interval = 50ms;
        snapshots_.progress_interval = 0ms;
        log_ = std::make_shared<spdlog::logger>("snapshot-test",
                                                std::make_shared<spdlog::sinks::stderr_sink_mt>());
        admin_ = std::make_unique<RemoteAdminClient>(XmlRpcEndpoint::parse(sim_.remoteadmin_url),
                                                     "s3cret");
        stubs_ = std::make_unique<StubDirectory>(sim_.regions_dir);
        cache_ = std::make_unique<DesiredCache>(state_dir());
        process_ = std::make_unique<SimulatorProcess>(ProcessSpec{
            sim_.command, {}, {}, state_dir() / "simulator.log", state_dir() / "simulator.pid"});
        host_ = std::make_unique<SimulatorHost>(sim_, *admin_, *stubs_, *cache_, process_.get(),
                                                log_, [](auto&&...) {});
        ASSERT_TRUE(host_->ensure_running());
        CreateRegionRequest alpha;
        alpha.region_id = kRegionId;
        alpha.region_name = "Alpha";
        alpha.region_x = 1000;
        alpha.region_y = 1000;
        alpha.listen_port = static_cast<int>(vergegrid::test::unclaimed_listen_port());
        alpha.external_address = "127.0.0.1";
        alpha.estate_name = "My Estate";
        const auto created = admin_->create_region(alpha, 10s);
        ASSERT_TRUE(created.ok) << created.error;
        worker_ =
            std::make_unique<SnapshotWorker>(snapshots_, sim_, state_dir(), *host_, store_, log_);
    }
    void TearDown() override {
        if (process_ && process_->running()) {
            admin_->shutdown(kShutdownDelayMs, 2s);
            process_->stop(3s);
        }
    }

    fs::path state_dir() const { return dir_.path() / "state"; }

    json emulator(const std::string& method, const std::string& path, const json& body = {}) {
        const auto result = vergegrid::test::http_request(control_port_, method, path,
                                                          body.is_null() ? "" : body.dump());
        EXPECT_LT(result.status, 300) << method << " " << path << ": " << result.body;
        return json::parse(result.body);
    }
    json region_state() { return emulator("GET", "/regions/Alpha/state"); }
    void fault(const json& f) { emulator("POST", "/faults", f); }

    static json snapshot_spec(const std::vector<std::string>& parts) {
        return {{"snapshot_id", kSnapshot},
                {"region_id", kRegionId},
                {"region_name", "Alpha"},
                {"parts", parts}};
    }
    json restore_spec() {
        const auto digest = vergegrid::sha256::sha256_file(store_.blob(kSnapshot));
        return {{"snapshot_id", kSnapshot},
                {"region_id", kRegionId},
                {"region_name", "Alpha"},
                {"sha256", digest.sha256},
                {"size_bytes", digest.size}};
    }
    std::vector<std::string> entry_names(const fs::path& oar) {
        std::vector<std::string> names;
        for (const auto& [name, content] : vergegrid::test::read_oar(oar)) {
            names.push_back(name);
        }
        return names;
    }
    bool snapshot_dir_empty() const { return fs::is_empty(worker_->directory()); }

    vergegrid::test::TempDir dir_;
    std::uint16_t remoteadmin_port_ = 0;
    std::uint16_t control_port_ = 0;
    SimulatorSettings sim_;
    SnapshotSettings snapshots_;
    std::shared_ptr<spdlog::logger> log_;
    std::unique_ptr<RemoteAdminClient> admin_;
    std::unique_ptr<StubDirectory> stubs_;
    std::unique_ptr<DesiredCache> cache_;
    std::unique_ptr<SimulatorProcess> process_;
    std::unique_ptr<SimulatorHost> host_;
    FolderStore store_{dir_.path() / "store"};
    std::unique_ptr<SnapshotWorker> worker_;
};

TEST_F(SnapshotOperations, AMinimalSnapshotIsWholeHashedUploadedWithoutObjectsAndLeavesNoFile) {
    emulator("POST", "/regions/Alpha/objects", {{"name", "Chair"}, {"texture", true}});
    const auto result = worker_->snapshot(7, snapshot_spec({"terrain", "environment"}));
    ASSERT_TRUE(result.succeeded) << result.detail.dump();
    const auto blob = store_.blob(kSnapshot);
    const auto digest = vergegrid::sha256::sha256_file(blob);
    EXPECT_EQ(result.detail.at("sha256"), digest.sha256);
    EXPECT_EQ(result.detail.at("size_bytes"), digest.size);
    EXPECT_EQ(store_.uploaded_sha256, digest.sha256);
    EXPECT_TRUE(vergegrid::oar::is_complete(blob));
    const auto names = entry_names(blob);
    EXPECT_THAT(names, ::testing::Contains("archive.xml"));
    EXPECT_THAT(names, ::testing::Contains("terrains/Alpha.r32"));
    EXPECT_THAT(names, ::testing::Contains("settings/Alpha.xml"));
    for (const auto& name : names) {
        EXPECT_THAT(name, ::testing::Not(StartsWith("objects/")));
        EXPECT_THAT(name, ::testing::Not(StartsWith("assets/")));
    }
    EXPECT_THAT(store_.phases_seen(), ::testing::IsSupersetOf({"7 saving", "7 uploading"}));
    EXPECT_TRUE(snapshot_dir_empty());
}

TEST_F(SnapshotOperations, PrimsAndTexturesAreKeptButNotTheAssetKindsLeftOut) {
    emulator("POST", "/regions/Alpha/objects",
             {{"name", "Chair"}, {"texture", true}, {"mesh", true}, {"script_state", "counter=3"}});
    const auto result =
        worker_->snapshot(8, snapshot_spec({"terrain", "prims", "script_state", "texture_refs"}));
    ASSERT_TRUE(result.succeeded) << result.detail.dump();
    const auto names = entry_names(store_.blob(kSnapshot));
    int objects = 0;
    int textures = 0;
    for (const auto& name : names) {
        objects += name.rfind("objects/", 0) == 0;
        textures += name.find("_texture.jp2") != std::string::npos;
        EXPECT_EQ(name.find("_mesh.llmesh"), std::string::npos) << name;
        EXPECT_EQ(name.find("_script.lsl"), std::string::npos) << name;
    }
    EXPECT_EQ(objects, 1);
    EXPECT_EQ(textures, 1);
}

TEST_F(SnapshotOperations, ARestoreBringsBackTheTerrainAndObjectsChangedBehindOurBack) {
    emulator("POST", "/regions/Alpha/objects", {{"name", "Chair"}});
    emulator("POST", "/regions/Alpha/terrain", {{"points", {{10, 10, 42.5}}}});
    const auto before = region_state();
    ASSERT_TRUE(worker_->snapshot(9, snapshot_spec({"terrain", "prims"})).succeeded);

    emulator("POST", "/regions/Alpha/terrain", {{"fill", 3.0}});
    emulator("POST", "/regions/Alpha/objects", {{"name", "Intruder"}});
    ASSERT_NE(region_state().at("terrain").at("sha256"), before.at("terrain").at("sha256"));

    const auto result = worker_->restore(10, restore_spec());
    ASSERT_TRUE(result.succeeded) << result.detail.dump();
    const auto after = region_state();
    EXPECT_EQ(after.at("terrain").at("sha256"), before.at("terrain").at("sha256"));
    EXPECT_EQ(after.at("object_count"), 1);
    EXPECT_EQ(after.at("objects").at(0).at("name"), "Chair");
    EXPECT_THAT(result.detail.at("detail").get<std::string>(), HasSubstr("skip-assets"));
    EXPECT_THAT(store_.phases_seen(), ::testing::IsSupersetOf({"10 downloading", "10 loading"}));
    EXPECT_TRUE(snapshot_dir_empty());
}

TEST_F(SnapshotOperations, ACorruptedArchiveIsRefusedBeforeAnythingIsLoaded) {
    ASSERT_TRUE(worker_->snapshot(11, snapshot_spec({"terrain"})).succeeded);
    const auto spec = restore_spec();
    {
        std::fstream blob(store_.blob(kSnapshot), std::ios::in | std::ios::out | std::ios::binary);
        blob.seekp(100);
        blob.put('\x5a');
    }
    emulator("POST", "/regions/Alpha/terrain", {{"fill", 7.0}});
    const auto changed = region_state().at("terrain").at("sha256");
    const auto result = worker_->restore(12, spec);
    EXPECT_FALSE(result.succeeded);
    EXPECT_THAT(result.detail.at("error").get<std::string>(), StartsWith("sha256 mismatch"));
    EXPECT_EQ(region_state().at("terrain").at("sha256"), changed);
    EXPECT_TRUE(snapshot_dir_empty());
}

TEST_F(SnapshotOperations, OpenSimsErrorIsTheReasonForARegionItDoesNotHave) {
    auto spec = snapshot_spec({"terrain"});
    spec["region_name"] = "Nowhere";
    const auto result = worker_->snapshot(13, spec);
    EXPECT_FALSE(result.succeeded);
    EXPECT_THAT(result.detail.at("error").get<std::string>(), HasSubstr("Nowhere not found"));
    EXPECT_TRUE(snapshot_dir_empty());
    EXPECT_FALSE(fs::exists(store_.blob(kSnapshot)));
}

TEST_F(SnapshotOperations, ASimulatorDyingMidSaveFailsTheSnapshotAndLeavesNoPartialFile) {
    fault({{"slow_oar_write_s", 2}, {"die_during_oar_write", true}});
    const auto result = worker_->snapshot(14, snapshot_spec({"terrain"}));
    EXPECT_FALSE(result.succeeded);
    EXPECT_THAT(result.detail.at("error").get<std::string>(),
                StartsWith("the simulator stopped while saving"));
    EXPECT_TRUE(snapshot_dir_empty());
    EXPECT_FALSE(fs::exists(store_.blob(kSnapshot)));
    EXPECT_TRUE(host_->take_death_notice());  // the watch loop restarts it at once
}

TEST_F(SnapshotOperations, ASimulatorDyingBeforeTheSaveAnswersFailsTheSnapshotToo) {
    fault({{"die_during_oar_write", true}});  // dies before the answer: the call breaks
    const auto result = worker_->snapshot(17, snapshot_spec({"terrain"}));
    EXPECT_FALSE(result.succeeded);
    EXPECT_THAT(result.detail.at("error").get<std::string>(),
                StartsWith("the simulator stopped while saving"));
    EXPECT_TRUE(snapshot_dir_empty());
}

TEST_F(SnapshotOperations, AnArchiveNeverFinishedWithinTheTimeoutFailsTheSnapshot) {
    fault({{"slow_oar_write_s", 30}});
    snapshots_.save_timeout = 1500ms;
    const auto started = std::chrono::steady_clock::now();
    const auto result = worker_->snapshot(15, snapshot_spec({"terrain"}));
    EXPECT_FALSE(result.succeeded);
    EXPECT_THAT(result.detail.at("error").get<std::string>(),
                HasSubstr("not complete within 1 s (snapshots.save_timeout_s)"));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
    EXPECT_TRUE(snapshot_dir_empty());
}

TEST_F(SnapshotOperations, AStoppingBridgeIsNotHeldByALongSave) {
    fault({{"slow_oar_write_s", 30}});
    std::atomic<bool> stopping{false};
    worker_->set_cancelled([&] { return stopping.load(); });
    std::thread stop([&] {
        std::this_thread::sleep_for(800ms);
        stopping = true;
    });
    const auto started = std::chrono::steady_clock::now();
    const auto result = worker_->snapshot(18, snapshot_spec({"terrain"}));
    stop.join();
    EXPECT_FALSE(result.succeeded);
    EXPECT_EQ(result.detail.at("error"), "the bridge is stopping");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_TRUE(snapshot_dir_empty());
}

TEST_F(SnapshotOperations, AFailedUploadFailsTheSnapshotAndRemovesTheArchive) {
    store_.fail_upload = "HTTP 422 sha256_mismatch: staged bytes discarded";
    const auto result = worker_->snapshot(16, snapshot_spec({"terrain"}));
    EXPECT_FALSE(result.succeeded);
    EXPECT_EQ(result.detail.at("error"),
              "upload failed: HTTP 422 sha256_mismatch: staged bytes discarded");
    EXPECT_TRUE(snapshot_dir_empty());
}

TEST_F(SnapshotOperations, TheApplierHandsBothKindsToTheWorkerAndKeepsThemOutOfTheCache) {
    UntouchableStrategy strategy;
    OperationApplier applier(sim_, *cache_, *stubs_, *host_, strategy, log_, worker_.get());
    const auto saved = applier.apply(
        {{"id", 21}, {"kind", "snapshot"}, {"region_id", kRegionId}, {"spec", snapshot_spec({})}});
    ASSERT_TRUE(saved.succeeded) << saved.detail.dump();
    EXPECT_TRUE(saved.detail.contains("elapsed_ms"));
    EXPECT_GT(saved.detail.at("simulator_ms").get<double>(), 250.0);  // the save's fixed wait
    const auto restored = applier.apply(
        {{"id", 22}, {"kind", "restore"}, {"region_id", kRegionId}, {"spec", restore_spec()}});
    EXPECT_TRUE(restored.succeeded) << restored.detail.dump();
    EXPECT_TRUE(cache_->all().empty());
    EXPECT_TRUE(stubs_->scan().empty());
}

// Refused before the simulator is asked anything: nothing to clean up, nothing changed.
TEST_F(SnapshotOperations, SpecsThatCannotBeCarriedOutAreRefusedByField) {
    auto bad_id = snapshot_spec({"terrain"});
    bad_id["snapshot_id"] = "../../etc/passwd";
    auto bad_part = snapshot_spec({"terrain", "weather"});
    auto no_name = snapshot_spec({"terrain"});
    no_name.erase("region_name");
    for (const auto& [spec, field] : std::vector<std::pair<json, std::string>>{
             {bad_id, "spec.snapshot_id"}, {bad_part, "weather"}, {no_name, "spec.region_name"}}) {
        const auto result = worker_->snapshot(30, spec);
        EXPECT_FALSE(result.succeeded);
        EXPECT_EQ(result.detail.value("refused", false), true);
        EXPECT_THAT(result.detail.at("error").get<std::string>(), HasSubstr(field));
    }
    json restore = {{"snapshot_id", kSnapshot},
                    {"region_name", "Alpha"},
                    {"sha256", "abc"},
                    {"size_bytes", 10}};
    EXPECT_THAT(worker_->restore(31, restore).detail.at("error").get<std::string>(),
                HasSubstr("spec.sha256"));
    restore["sha256"] = std::string(64, 'a');
    restore["size_bytes"] = -1;
    EXPECT_THAT(worker_->restore(31, restore).detail.at("error").get<std::string>(),
                HasSubstr("spec.size_bytes"));
    EXPECT_TRUE(store_.phases_seen().empty());
}

}  // namespace
