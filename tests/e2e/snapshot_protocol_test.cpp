// The snapshot wire protocol against a real vergegrid-control (SQLite, the filesystem snapshot
// store): the test acts as the simulator with its key — pulls the snapshot operation, uploads the
// archive in chunks (resuming, a wrong offset, a wrong SHA-256), reports progress, downloads with
// Range — and as the operator (take, list, download, delete, restore, delete a region after its
// final snapshot, a region from a snapshot). Another simulator's key sees nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/e2e/api_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace snapshot_protocol_test {
namespace {

using nlohmann::json;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::JsonResult;
using vergegrid::test::TempDir;

constexpr std::size_t kChunk = 64 * 1024;

std::string sha256_hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    std::string text;
    for (unsigned int i = 0; i < length; ++i) {
        text += "0123456789abcdef"[digest[i] >> 4];
        text += "0123456789abcdef"[digest[i] & 15];
    }
    return text;
}

std::string archive(std::size_t size, unsigned seed) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = static_cast<char>((i * 31 + seed * 7 + i / 97) & 0xff);
    }
    return bytes;
}

class SnapshotProtocol : public ::testing::Test {
  protected:
    void SetUp() override {
        start({});
        std::tie(sim_, key_) =
            vergegrid::test::register_simulator(*admin_, control_->port(), "sim-a.example.org");
        std::tie(other_sim_, other_key_) =
            vergegrid::test::register_simulator(*admin_, control_->port(), "sim-b.example.org");
        estate_ = admin_->post("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Owner"}})
                      .body.at("id");
    }

    // (Re)starts the control plane on the same data dir.
    void start(std::map<std::string, std::string> env) {
        env.emplace("VERGEGRID_SNAPSHOTS_MAX_CHUNK_BYTES", std::to_string(kChunk));
        control_.reset();
        control_ = std::make_unique<ControlPlaneProcess>(
            std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir", data_dir().string()},
            env);
        ASSERT_TRUE(control_->started()) << control_->process().output();
        admin_ = std::make_unique<ApiClient>(control_->port());
    }

    std::filesystem::path data_dir() const { return dir_.path() / "data"; }

    json create_region(const std::string& name, int x, const std::string& simulator_id) {
        auto result =
            admin_->post("/api/v1/regions", {{"name", name},
                                             {"estate_id", estate_},
                                             {"loc_x", x},
                                             {"loc_y", 0},
                                             {"port", 9000 + x},
                                             {"host", "sim.example.org"},
                                             {"placement", {{"simulator_id", simulator_id}}}});
        EXPECT_EQ(result.status, 201) << result.raw;
        return result.body;
    }

    ApiClient sim(const std::string& key) const { return ApiClient(control_->port(), key); }

    // The simulator's pulled operations of `kind`.
    json pulled(const std::string& kind) {
        json found = json::array();
        const auto answer = sim(key_).get("/api/v1/sim/operations");
        for (const auto& op : answer.body.at("items")) {
            if (op.at("kind") == kind) {
                found.push_back(op);
            }
        }
        return found;
    }

    JsonResult put_chunk(const std::string& key, const std::string& id, const std::string& bytes,
                         std::size_t first, std::size_t size, const std::string& sha) {
        return sim(key).call("PUT", "/api/v1/sim/snapshots/" + id + "/upload",
                             bytes.substr(first, size),
                             {{"Content-Range", "bytes " + std::to_string(first) + "-" +
                                                    std::to_string(first + size - 1) + "/" +
                                                    std::to_string(bytes.size())},
                              {"X-Content-SHA256", sha},
                              {"Content-Type", "application/octet-stream"}});
    }

    JsonResult upload(const std::string& id, const std::string& bytes, std::string sha = "") {
        if (sha.empty()) {
            sha = sha256_hex(bytes);
        }
        JsonResult last;
        for (std::size_t at = 0; at < bytes.size(); at += kChunk) {
            last = put_chunk(key_, id, bytes, at, std::min(kChunk, bytes.size() - at), sha);
            if (last.status != 200) {
                break;
            }
        }
        return last;
    }

    json take(const std::string& region_id) {
        auto taken = admin_->post("/api/v1/regions/" + region_id + "/snapshots", {{"note", "e2e"}});
        EXPECT_EQ(taken.status, 202) << taken.raw;
        return taken.body;
    }

    TempDir dir_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ApiClient> admin_;
    std::string sim_, key_, other_sim_, other_key_, estate_;
};

TEST_F(SnapshotProtocol, AnArchiveGoesUpInChunksResumesAndComesBackWithRanges) {
    const auto region = create_region("Alpha", 10, sim_);
    const auto taken = take(region.at("id"));
    EXPECT_EQ(taken.at("state"), "pending");
    const std::string id = taken.at("id");
    const auto ops = pulled("snapshot");
    ASSERT_EQ(ops.size(), 1U);
    EXPECT_EQ(ops[0].at("spec").at("snapshot_id"), id);
    EXPECT_EQ(ops[0].at("id"), taken.at("operation_id"));

    const auto bytes = archive(3 * kChunk + 1000, 1);
    const auto sha = sha256_hex(bytes);
    EXPECT_EQ(put_chunk(key_, id, bytes, 0, kChunk, sha).status, 200);
    // Another simulator's key: as if there were no such snapshot.
    EXPECT_EQ(put_chunk(other_key_, id, bytes, kChunk, kChunk, sha).status, 404);
    EXPECT_EQ(sim(other_key_).get("/api/v1/sim/snapshots/" + id + "/upload").status, 404);
    // A chunk that does not start where the staged bytes end: ask and resume.
    const auto wrong = put_chunk(key_, id, bytes, 2 * kChunk, kChunk, sha);
    EXPECT_EQ(wrong.status, 409) << wrong.raw;
    EXPECT_EQ(wrong.body.at("error").at("code"), "upload_offset_mismatch");
    EXPECT_EQ(wrong.body.at("error").at("field"), "Content-Range");
    const auto status = sim(key_).get("/api/v1/sim/snapshots/" + id + "/upload");
    EXPECT_EQ(status.body.at("received"), kChunk);
    const auto bad_range =
        sim(key_).call("PUT", "/api/v1/sim/snapshots/" + id + "/upload", "x",
                       {{"Content-Range", "bytes five"}, {"X-Content-SHA256", sha}});
    EXPECT_EQ(bad_range.status, 400);
    EXPECT_EQ(bad_range.body.at("error").at("code"), "invalid_content_range");
    EXPECT_EQ(sim(key_)
                  .post("/api/v1/sim/operations/" + std::to_string(ops[0].at("id").get<long>()) +
                            "/progress",
                        {{"fraction", 0.25},
                         {"bytes_done", kChunk},
                         {"bytes_total", bytes.size()},
                         {"phase", "uploading"}})
                  .status,
              204);
    const auto listed = admin_->get("/api/v1/operations?simulator_id=" + sim_);
    bool progress_shown = false;
    for (const auto& op : listed.body.at("items")) {
        if (op.at("id") == ops[0].at("id")) {
            progress_shown = op.at("progress").at("phase") == "uploading";
        }
    }
    EXPECT_TRUE(progress_shown) << listed.raw;

    JsonResult last;
    for (std::size_t at = kChunk; at < bytes.size(); at += kChunk) {
        last = put_chunk(key_, id, bytes, at, std::min(kChunk, bytes.size() - at), sha);
    }
    EXPECT_EQ(last.status, 200) << last.raw;
    EXPECT_EQ(last.body.at("state"), "complete");
    const auto snapshot = admin_->get("/api/v1/snapshots/" + id).body;
    EXPECT_EQ(snapshot.at("state"), "complete");
    EXPECT_EQ(snapshot.at("sha256"), sha);
    EXPECT_EQ(snapshot.at("size_bytes"), bytes.size());
    EXPECT_EQ(put_chunk(key_, id, bytes, 0, kChunk, sha).body.at("error").at("code"),
              "snapshot_not_saving");

    const auto whole = admin_->call("GET", "/api/v1/snapshots/" + id + "/download");
    EXPECT_EQ(whole.status, 200);
    EXPECT_EQ(whole.raw, bytes);
    const auto part = sim(key_).call("GET", "/api/v1/sim/snapshots/" + id + "/content", "",
                                     {{"Range", "bytes=100-199"}});
    EXPECT_EQ(part.status, 206);
    EXPECT_EQ(part.raw, bytes.substr(100, 100));
    EXPECT_EQ(part.headers.at("content-range"), "bytes 100-199/" + std::to_string(bytes.size()));
    const auto tail =
        sim(key_).call("GET", "/api/v1/sim/snapshots/" + id + "/content", "",
                       {{"Range", "bytes=" + std::to_string(bytes.size() - 10) + "-"}});
    EXPECT_EQ(tail.raw, bytes.substr(bytes.size() - 10));
    EXPECT_EQ(sim(key_)
                  .call("GET", "/api/v1/sim/snapshots/" + id + "/content", "",
                        {{"Range", "bytes=" + std::to_string(bytes.size()) + "-"}})
                  .status,
              416);
    EXPECT_EQ(sim(other_key_).get("/api/v1/sim/snapshots/" + id + "/content").status, 404);
    const auto by_region =
        admin_->get("/api/v1/regions/" + region.at("id").get<std::string>() + "/snapshots");
    ASSERT_EQ(by_region.body.at("items").size(), 1U);
}

TEST_F(SnapshotProtocol, AWrongShaDiscardsTheUploadAndFailsTheSnapshot) {
    const auto region = create_region("Alpha", 10, sim_);
    const std::string id = take(region.at("id")).at("id");
    const auto bytes = archive(kChunk + 10, 2);
    const auto refused = upload(id, bytes, sha256_hex("not these bytes"));
    EXPECT_EQ(refused.status, 422) << refused.raw;
    EXPECT_EQ(refused.body.at("error").at("code"), "sha256_mismatch");
    const auto snapshot = admin_->get("/api/v1/snapshots/" + id).body;
    EXPECT_EQ(snapshot.at("state"), "failed");
    EXPECT_FALSE(snapshot.at("failure").is_null());
    EXPECT_EQ(admin_->get("/api/v1/snapshots/" + id + "/download").status, 409);
    const auto staged = data_dir() / "snapshots" / "staging";
    std::size_t left = 0;
    if (std::filesystem::exists(staged)) {
        for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(staged)) {
            ++left;
        }
    }
    EXPECT_EQ(left, 0U);
}

TEST_F(SnapshotProtocol, AFailedSaveEndsTheSnapshotWithTheSimulatorsReason) {
    const auto region = create_region("Alpha", 10, sim_);
    const auto taken = take(region.at("id"));
    pulled("snapshot");
    const auto reported =
        sim(key_).post("/api/v1/sim/operations/" +
                           std::to_string(taken.at("operation_id").get<long>()) + "/result",
                       {{"state", "failed"}, {"result", {{"error", "admin_save_oar timed out"}}}});
    EXPECT_EQ(reported.status, 200) << reported.raw;
    const auto snapshot = admin_->get("/api/v1/snapshots/" + taken.at("id").get<std::string>());
    EXPECT_EQ(snapshot.body.at("state"), "failed");
    EXPECT_EQ(snapshot.body.at("failure"), "admin_save_oar timed out");
}

TEST_F(SnapshotProtocol, ADeletedRegionKeepsItsFinalSnapshotAndComesBackFromIt) {
    const auto region = create_region("Alpha", 10, sim_);
    const std::string region_id = region.at("id");
    const auto deleting = admin_->del("/api/v1/regions/" + region_id);
    ASSERT_EQ(deleting.status, 202) << deleting.raw;
    const std::string id = deleting.body.at("snapshot").at("id");
    EXPECT_EQ(deleting.body.at("snapshot").at("reason"), "before-delete");
    EXPECT_EQ(admin_->get("/api/v1/regions/" + region_id).status, 200);  // not yet
    const auto bytes = archive(2 * kChunk, 3);
    EXPECT_EQ(upload(id, bytes).status, 200);
    EXPECT_EQ(admin_->get("/api/v1/regions/" + region_id).status, 404);
    EXPECT_EQ(admin_->get("/api/v1/snapshots/" + id).body.at("state"), "complete");

    const auto made =
        admin_->post("/api/v1/regions", {{"from_snapshot", id},
                                         {"name", "Alpha Again"},
                                         {"host", "sim.example.org"},
                                         {"port", 9200},
                                         {"placement", {{"simulator_id", other_sim_}}}});
    ASSERT_EQ(made.status, 201) << made.raw;
    EXPECT_EQ(made.body.at("name"), "Alpha Again");
    const auto restore_op = made.body.at("restore_operation_id");
    const auto ops = sim(other_key_).get("/api/v1/sim/operations").body.at("items");
    ASSERT_EQ(ops.size(), 2U);
    EXPECT_EQ(ops[0].at("kind"), "create");
    EXPECT_EQ(ops[1].at("kind"), "restore");
    EXPECT_EQ(ops[1].at("id"), restore_op);
    EXPECT_EQ(ops[1].at("spec").at("sha256"), sha256_hex(bytes));
    // The loading simulator may download the old region's snapshot.
    const auto content = sim(other_key_).call("GET", "/api/v1/sim/snapshots/" + id + "/content");
    EXPECT_EQ(content.status, 200);
    EXPECT_EQ(content.raw, bytes);
}

TEST_F(SnapshotProtocol, ACorruptedBlobIsNeverHandedOutAsWhole) {
    const auto region = create_region("Alpha", 10, sim_);
    const std::string id = take(region.at("id")).at("id");
    const auto bytes = archive(kChunk / 2, 4);
    ASSERT_EQ(upload(id, bytes).status, 200);
    const auto sha = sha256_hex(bytes);
    const auto blob = data_dir() / "snapshots" / "blobs" / sha.substr(0, 2) / sha;
    ASSERT_TRUE(std::filesystem::exists(blob));
    std::filesystem::permissions(blob, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    {
        std::fstream file(blob, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(100);
        file.put('\x7f');
    }
    // The archive streams; its SHA-256 is checked as the last bytes are read, and a mismatch
    // cuts the answer short of its Content-Length: never a complete-looking corrupted archive.
    std::size_t received = bytes.size();
    try {
        received = admin_->get("/api/v1/snapshots/" + id + "/download").raw.size();
    } catch (const std::exception&) {
        received = 0;  // the connection broke: as good a refusal
    }
    EXPECT_LT(received, bytes.size());
    // A range that does not reach the end is not checked (the bridge checks the whole file).
    const auto head =
        admin_->call("GET", "/api/v1/snapshots/" + id + "/download", "", {{"Range", "bytes=0-49"}});
    EXPECT_EQ(head.status, 206);
    EXPECT_EQ(head.raw, bytes.substr(0, 50));
}

TEST_F(SnapshotProtocol, ARestoreTakesASafetySnapshotFirst) {
    const auto region = create_region("Alpha", 10, sim_);
    const std::string region_id = region.at("id");
    const std::string old = take(region_id).at("id");
    ASSERT_EQ(upload(old, archive(1000, 5)).status, 200);
    const auto queued =
        admin_->post("/api/v1/regions/" + region_id + "/restore", {{"snapshot_id", old}});
    ASSERT_EQ(queued.status, 202) << queued.raw;
    EXPECT_TRUE(queued.body.at("restore_operation_id").is_null());
    const std::string safety = queued.body.at("safety_snapshot").at("id");
    EXPECT_EQ(queued.body.at("safety_snapshot").at("reason"), "before-restore");
    EXPECT_TRUE(pulled("restore").empty());
    ASSERT_EQ(upload(safety, archive(900, 6)).status, 200);
    const auto loads = pulled("restore");
    ASSERT_EQ(loads.size(), 1U);
    EXPECT_EQ(loads[0].at("spec").at("snapshot_id"), old);
    EXPECT_EQ(
        admin_->post("/api/v1/regions/" + region_id + "/restore", {{"snapshot_id", "nope"}}).status,
        422);
}

// The upload route has its own body limit, a chunk: above http.max_body_bytes (1 MiB) when
// snapshots.max_chunk_bytes says so; a chunk above it is 413.
TEST_F(SnapshotProtocol, TheUploadRouteTakesChunksUpToItsOwnLimit) {
    const auto region = create_region("Alpha", 10, sim_);
    const std::string id = take(region.at("id")).at("id");
    const auto bytes = archive(kChunk + 1, 9);
    const auto over = put_chunk(key_, id, bytes, 0, kChunk + 1, sha256_hex(bytes));
    EXPECT_EQ(over.status, 413) << over.raw;
    EXPECT_EQ(over.body.at("error").at("code"), "chunk_too_large");

    start({{"VERGEGRID_SNAPSHOTS_MAX_CHUNK_BYTES", std::to_string(3 << 20)}});
    const std::string big_id = take(region.at("id")).at("id");
    const auto big = archive((3 << 20) - 7, 8);  // three times http.max_body_bytes
    const auto whole = put_chunk(key_, big_id, big, 0, big.size(), sha256_hex(big));
    EXPECT_EQ(whole.status, 200) << whole.raw;
    EXPECT_EQ(whole.body.at("state"), "complete");
}

// A snapshot store that is configured must load: start-up stops naming the key.
TEST(SnapshotStoreSetting, AConfiguredStoreThatDoesNotLoadStopsStartUp) {
    TempDir dir;
    ControlPlaneProcess control(
        {"--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "data").string()},
        {{"VERGEGRID_SNAPSHOTS_STORE", "nosuchstore"}});
    EXPECT_FALSE(control.started());
    EXPECT_THAT(control.process().output(), ::testing::HasSubstr("snapshots.store"));
}

// Retention (persistent: keep the last one, no dailies) runs every second here: the older
// complete snapshots go, audited under the job's name, their bytes with them.
TEST_F(SnapshotProtocol, RetentionKeepsWhatItPromises) {
    start({{"VERGEGRID_SNAPSHOTS_PERSISTENT_KEEP_LAST", "1"},
           {"VERGEGRID_SNAPSHOTS_PERSISTENT_KEEP_DAILY_DAYS", "0"},
           {"VERGEGRID_SNAPSHOTS_RETENTION_INTERVAL_S", "1"}});
    const auto region = create_region("Alpha", 10, sim_);
    std::vector<std::string> ids;
    for (unsigned i = 0; i < 3; ++i) {
        ids.push_back(take(region.at("id")).at("id"));
        ASSERT_EQ(upload(ids.back(), archive(1000 + i, 10 + i)).status, 200);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const auto path = "/api/v1/regions/" + region.at("id").get<std::string>() + "/snapshots";
    bool one_left = false;
    for (int i = 0; i < 100 && !one_left; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        one_left = admin_->get(path).body.at("items").size() == 1;
    }
    ASSERT_TRUE(one_left) << admin_->get(path).raw;
    EXPECT_EQ(admin_->get(path).body.at("items")[0].at("id"), ids.back());
    const auto audit = admin_->get("/api/v1/audit?action=snapshot.expire").body.at("items");
    ASSERT_EQ(audit.size(), 2U);
    EXPECT_EQ(audit[0].at("actor"), "system:snapshot-retention");
    EXPECT_EQ(admin_->get("/api/v1/snapshots/" + ids[0]).status, 404);
}

}  // namespace
}  // namespace snapshot_protocol_test
