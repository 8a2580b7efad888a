// A simulator for the bridge's operation tests: the OpenSim emulator (tests/opensim_emulator),
// supervised by the bridge's SimulatorProcess as in the daemon, running region Alpha, with the
// SimulatorHost and SnapshotWorker over it. The control plane's snapshot store is a folder
// (FolderStore): the wire itself is tested in tests/libs/sim_channel_client.
#pragma once

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

namespace sim_bridge_test {

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

inline std::string emulator_path() {
    if (const char* other = std::getenv("VERGEGRID_TEST_OPENSIM_EMULATOR")) {
        return other;  // another emulator build, for a local run
    }
    return VERGEGRID_OPENSIM_EMULATOR;
}

class EmulatedSimulator : public ::testing::Test {
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
                       " --shutdown-delay-ms 100 --save-oar-delay-ms " +
                       std::to_string(save_oar_delay_ms_) +
                       " --allow-regionless true --default-estate-at-start";
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

    // The emulator's admin_save_oar answer delay: short here, OpenSim's 5 s for a test about it.
    int save_oar_delay_ms_ = 300;
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

}  // namespace sim_bridge_test
