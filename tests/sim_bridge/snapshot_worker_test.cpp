// The snapshot and restore operations against the OpenSim emulator.
#include "sim_bridge/settings/region_reader.hpp"
#include "tests/sim_bridge/emulated_simulator.hpp"

namespace {

using namespace sim_bridge_test;
using SnapshotOperations = EmulatedSimulator;

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
    // The save until its archive was whole is the simulator's time.
    EXPECT_GE(saved.detail.at("simulator_ms").get<double>(),
              saved.detail.at("save_ms").get<double>());
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

// OpenSim answers admin_save_oar after at least 5 s however small the archive (facts page): the
// snapshot goes on as soon as the file is whole, without that answer.
class SnapshotWithOpenSimsWait : public EmulatedSimulator {
  protected:
    SnapshotWithOpenSimsWait() { save_oar_delay_ms_ = 5000; }

    std::string simulator_log() const {
        std::ifstream log(state_dir() / "simulator.log");
        return {std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>()};
    }
};

TEST_F(SnapshotWithOpenSimsWait, ASmallArchiveIsUploadedBeforeOpenSimAnswersTheSave) {
    const auto result = worker_->snapshot(50, snapshot_spec({"terrain"}));
    ASSERT_TRUE(result.succeeded) << result.detail.dump();
    // The order of events: uploaded while the emulator still holds the call.
    const auto log = simulator_log();
    EXPECT_THAT(log, HasSubstr("Received Save OAR Request"));
    EXPECT_THAT(log, ::testing::Not(HasSubstr("Save OAR Request complete")));
    EXPECT_TRUE(fs::exists(store_.blob(kSnapshot)));
    EXPECT_LT(result.detail.at("save_ms").get<std::int64_t>(), 5000);
    EXPECT_TRUE(snapshot_dir_empty());
    // The next snapshot does not wait for the first call either.
    const auto second = worker_->snapshot(51, snapshot_spec({"terrain"}));
    ASSERT_TRUE(second.succeeded) << second.detail.dump();
    EXPECT_THAT(simulator_log(), ::testing::Not(HasSubstr("Save OAR Request complete")));
}

// The settings read-back of a region `region get` cannot show (one made by admin_create_region)
// saves an archive too: it reads the archive once whole, not after OpenSim's 5 s answer (a move's
// create_target took 5.1 s for that alone).
TEST_F(SnapshotWithOpenSimsWait, TheSettingsReadBackReadsTheArchiveBeforeOpenSimAnswers) {
    emulator("POST", "/regions/Alpha/settings", {{"WaterHeight", 31.5}});
    settings::RegionReader reader(*admin_, nullptr, state_dir() / "readback", 10s, 30s, log_);
    std::string error;
    const auto values = reader.read("Alpha", {"WaterHeight"}, error);
    EXPECT_EQ(error, "");
    ASSERT_EQ(values.count("WaterHeight"), 1U);
    EXPECT_EQ(std::stod(values.at("WaterHeight")), 31.5);
    EXPECT_THAT(simulator_log(), ::testing::Not(HasSubstr("Save OAR Request complete")));

    const auto missing = reader.read("Nowhere", {"WaterHeight"}, error);
    EXPECT_TRUE(missing.empty());
    EXPECT_EQ(error, "admin_save_oar: Region Nowhere not found");
}

TEST_F(SnapshotWithOpenSimsWait, AnErrorAnswerStillFailsTheSnapshotAtOnce) {
    auto spec = snapshot_spec({"terrain"});
    spec["region_name"] = "Nowhere";
    const auto result = worker_->snapshot(52, spec);
    EXPECT_FALSE(result.succeeded);
    EXPECT_EQ(result.detail.at("error"), "admin_save_oar: Region Nowhere not found");
    EXPECT_TRUE(snapshot_dir_empty());
}

}  // namespace
