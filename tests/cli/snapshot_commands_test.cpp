// vergegridctl's snapshot commands and the region commands of issue 19, in process against
// tests/cli/fake_server scripted to the contract of docs/snapshots.md: the requests they send,
// --wait following operations with a progress bar, and downloads streamed to disk, resumed with
// Range and checked against the SHA-256.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>

#include "cli/app.hpp"
#include "cli/progress_bar.hpp"
#include "tests/cli/ctl_runner.hpp"
#include "tests/cli/fake_server.hpp"
#include "tests/cli/temp_dir.hpp"

namespace snapshot_commands_test {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using vergegrid::cli::test::CtlResult;
using vergegrid::cli::test::CtlRunner;
using vergegrid::cli::test::FakeServer;
using vergegrid::cli::test::Reply;
using vergegrid::cli::test::SeenRequest;
using vergegrid::cli::test::TempDir;
using Json = nlohmann::json;

constexpr const char* kRegion = "69fce8fd-2572-4bf3-9462-9a2aeba8c17c";
constexpr const char* kSnapshot = "0d4e2c1a-5b6f-4a7e-8c9d-0e1f2a3b4c5d";

std::string sha256_hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    std::string hex;
    char byte[3];
    for (unsigned int i = 0; i < length; ++i) {
        std::snprintf(byte, sizeof byte, "%02x", digest[i]);
        hex += byte;
    }
    return hex;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void write_file(const std::filesystem::path& path, const std::string& data) {
    std::ofstream(path, std::ios::binary) << data;
}

Json snapshot_json(const std::string& state, const std::string& data = "",
                   const std::string& failure = "") {
    return {{"id", kSnapshot},
            {"region_id", kRegion},
            {"region_name", "Alpha"},
            {"region_version", "1.0.0"},
            {"parts", {"terrain", "environment", "parcels", "flags"}},
            {"state", state},
            {"size_bytes", state == "complete" ? static_cast<long long>(data.size()) : 0},
            {"sha256", state == "complete" ? Json(sha256_hex(data)) : Json(nullptr)},
            {"reason", "manual"},
            {"note", ""},
            {"failure", failure.empty() ? Json(nullptr) : Json(failure)},
            {"operation_id", 7},
            {"created_at", "2026-12-03T10:00:00Z"}};
}

Json operation_json(int id, const std::string& kind, const std::string& state,
                    double fraction = 0.0, const std::string& phase = "") {
    Json operation = {{"id", id}, {"kind", kind}, {"region_id", kRegion}, {"state", state}};
    operation["progress"] = phase.empty() ? Json(nullptr)
                                          : Json{{"fraction", fraction},
                                                 {"bytes_done", 512 * 1024},
                                                 {"bytes_total", 1024 * 1024},
                                                 {"phase", phase}};
    if (state == "failed") {
        operation["result"] = {{"error", "admin_load_oar failed"}};
    }
    return operation;
}

Reply json_reply(int status, const Json& body) {
    return {status, "application/json", body.dump()};
}

// The archive behind /snapshots/{id}/download, honouring "Range: bytes=S-" unless told not to.
Reply archive_reply(const SeenRequest& request, const std::string& data, bool honour_range) {
    const std::string prefix = "bytes=";
    if (honour_range && request.range.rfind(prefix, 0) == 0) {
        const auto start = std::stoull(request.range.substr(prefix.size()));
        Reply reply{206, "application/octet-stream", data.substr(start)};
        reply.headers.emplace_back("Content-Range", "bytes " + std::to_string(start) + "-" +
                                                        std::to_string(data.size() - 1) + "/" +
                                                        std::to_string(data.size()));
        return reply;
    }
    return {200, "application/octet-stream", data};
}

class SnapshotCommands : public ::testing::Test {
  protected:
    CtlResult ctl(const FakeServer& server, std::vector<std::string> args) {
        return run_ctl_(server, std::move(args));
    }

    // 200 KiB of noise: more than three of the client's 64 KiB chunks.
    static std::string archive() {
        std::mt19937 random(19);
        std::string data(200 * 1024, '\0');
        for (auto& c : data) {
            c = static_cast<char>(random() & 0xff);
        }
        return data;
    }

    CtlRunner run_ctl_;
    TempDir dir_;
};

TEST_F(SnapshotCommands, CreateSendsThePartsAndTheNote) {
    FakeServer server([](const SeenRequest&) { return json_reply(202, snapshot_json("pending")); });
    const auto result = ctl(server, {"snapshot", "create", kRegion, "--part", "terrain", "--part",
                                     "prims", "--note", "before the event"});
    EXPECT_EQ(result.code, 0) << result.err;
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].uri, std::string("/api/v1/regions/") + kRegion + "/snapshots");
    EXPECT_EQ(Json::parse(requests[0].body),
              (Json{{"parts", {"terrain", "prims"}}, {"note", "before the event"}}));
    EXPECT_THAT(result.out, HasSubstr(std::string("snapshot ") + kSnapshot +
                                      " of region Alpha: pending (operation 7)"));
    EXPECT_THAT(result.err, IsEmpty());

    const auto bare = ctl(server, {"snapshot", "create", kRegion});
    EXPECT_EQ(bare.code, 0);
    EXPECT_EQ(Json::parse(server.requests().back().body), Json::object());
}

TEST_F(SnapshotCommands, CreateWaitFollowsTheOperationWithAProgressBar) {
    std::atomic<int> polls{0};
    FakeServer server([&](const SeenRequest& request) {
        if (request.method == "POST") {
            return json_reply(202, snapshot_json("pending"));
        }
        if (request.uri.rfind("/api/v1/operations?", 0) == 0) {
            EXPECT_EQ(request.uri,
                      std::string("/api/v1/operations?region_id=") + kRegion + "&limit=50");
            const bool done = ++polls >= 2;
            return json_reply(
                200, {{"items",
                       {operation_json(7, "snapshot", done ? "succeeded" : "delivered", 0.5,
                                       "uploading")}},
                      {"next", nullptr}});
        }
        return json_reply(200, snapshot_json("complete", "x"));
    });
    const auto result = ctl(server, {"snapshot", "create", kRegion, "--wait", "--progress"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(polls.load(), 2);
    EXPECT_THAT(result.out, HasSubstr("of region Alpha: complete, 1 B, sha256 "));
    EXPECT_THAT(result.err, HasSubstr(std::string("\rsnapshot ") + kSnapshot + " ["));
    EXPECT_THAT(result.err, HasSubstr("512.0 KiB / 1.0 MiB  uploading"));
    EXPECT_THAT(result.err, HasSubstr("100%"));
    EXPECT_EQ(result.err.back(), '\n');

    // Without a terminal and without --progress, standard error stays clean for scripts.
    polls = 0;
    const auto quiet = ctl(server, {"snapshot", "create", kRegion, "--wait"});
    EXPECT_EQ(quiet.code, 0);
    EXPECT_THAT(quiet.err, IsEmpty());
}

TEST_F(SnapshotCommands, AFailedSnapshotIsExitOneWithItsReason) {
    FakeServer server([&](const SeenRequest& request) {
        if (request.method == "POST") {
            return json_reply(202, snapshot_json("pending"));
        }
        if (request.uri.rfind("/api/v1/operations?", 0) == 0) {
            return json_reply(
                200, {{"items", {operation_json(7, "snapshot", "failed")}}, {"next", nullptr}});
        }
        return json_reply(200, snapshot_json("failed", "", "the simulator went offline"));
    });
    const auto result = ctl(server, {"snapshot", "create", kRegion, "--wait"});
    EXPECT_EQ(result.code, 1);
    EXPECT_THAT(result.err, HasSubstr("failed: the simulator went offline"));
}

TEST_F(SnapshotCommands, ListShowAndDeleteSpeakTheApisWords) {
    FakeServer server([](const SeenRequest& request) {
        if (request.method == "DELETE") {
            return Reply{204, "", ""};
        }
        if (request.uri.rfind("/api/v1/snapshots?", 0) == 0) {
            return json_reply(200,
                              {{"items", {snapshot_json("complete", "abc")}}, {"next", nullptr}});
        }
        return json_reply(200, snapshot_json("complete", "abc"));
    });
    const auto list = ctl(server, {"snapshot", "list", "--region", kRegion, "--state", "complete",
                                   "--reason", "manual"});
    EXPECT_EQ(list.code, 0) << list.err;
    EXPECT_EQ(server.requests().back().uri, std::string("/api/v1/snapshots?region_id=") + kRegion +
                                                "&state=complete&reason=manual");
    EXPECT_THAT(list.out, HasSubstr("ID"));
    EXPECT_THAT(list.out, HasSubstr("REGION"));
    EXPECT_THAT(list.out, HasSubstr("complete"));
    EXPECT_THAT(list.out, HasSubstr("3 B"));

    const auto shown = ctl(server, {"snapshot", "show", kSnapshot});
    EXPECT_EQ(shown.code, 0);
    EXPECT_EQ(server.requests().back().uri, std::string("/api/v1/snapshots/") + kSnapshot);
    EXPECT_THAT(shown.out, HasSubstr("region_name"));
    EXPECT_THAT(shown.out, HasSubstr("parts"));

    const auto deleted = ctl(server, {"snapshot", "delete", kSnapshot});
    EXPECT_EQ(deleted.code, 0);
    EXPECT_EQ(server.requests().back().method, "DELETE");
    EXPECT_EQ(server.requests().back().uri, std::string("/api/v1/snapshots/") + kSnapshot);
    EXPECT_EQ(deleted.out, std::string("deleted snapshot ") + kSnapshot + "\n");
}

TEST_F(SnapshotCommands, RestoreWaitFollowsTheSafetySnapshotThenTheLoad) {
    std::atomic<int> polls{0};
    FakeServer server([&](const SeenRequest& request) {
        if (request.method == "POST") {
            return json_reply(202, {{"safety_snapshot", snapshot_json("pending")},
                                    {"restore_operation_id", nullptr},
                                    {"version", "1.0.0"}});
        }
        if (request.uri.rfind("/api/v1/operations?", 0) == 0) {
            const int poll = ++polls;
            Json items = Json::array();
            if (poll >= 2) {  // the load is queued once the safety snapshot is saved
                items.push_back(operation_json(9, "restore", poll >= 4 ? "succeeded" : "delivered",
                                               0.3, "loading"));
            }
            items.push_back(operation_json(7, "snapshot", "succeeded"));
            return json_reply(200, {{"items", items}, {"next", nullptr}});
        }
        return json_reply(200, snapshot_json("complete", "abc"));
    });
    const std::string other = "11111111-2222-4333-8444-555555555555";
    const auto result =
        ctl(server, {"snapshot", "restore", kRegion, other, "--wait", "--if-match", "1.0.0"});
    EXPECT_EQ(result.code, 0) << result.err;
    const auto requests = server.requests();
    EXPECT_EQ(requests[0].uri, std::string("/api/v1/regions/") + kRegion + "/restore");
    EXPECT_EQ(Json::parse(requests[0].body), (Json{{"snapshot_id", other}}));
    EXPECT_EQ(requests[0].if_match, "\"1.0.0\"");
    EXPECT_GE(polls.load(), 4);
    EXPECT_THAT(result.out, HasSubstr("restored region"));
}

TEST_F(SnapshotCommands, AFailedRestoreIsExitOneWithTheSimulatorsError) {
    FakeServer server([&](const SeenRequest& request) {
        if (request.method == "POST") {
            return json_reply(
                202,
                {{"safety_snapshot", nullptr}, {"restore_operation_id", 9}, {"version", "1.0.0"}});
        }
        return json_reply(200,
                          {{"items", {operation_json(9, "restore", "failed")}}, {"next", nullptr}});
    });
    const auto result = ctl(server, {"snapshot", "restore", kRegion, kSnapshot, "--wait"});
    EXPECT_EQ(result.code, 1);
    EXPECT_THAT(result.err, HasSubstr("failed: admin_load_oar failed"));
}

TEST_F(SnapshotCommands, DownloadStreamsTheArchiveAndChecksItsSha256) {
    const std::string data = archive();
    FakeServer server([&](const SeenRequest& request) {
        if (request.uri.find("/download") != std::string::npos) {
            return archive_reply(request, data, true);
        }
        return json_reply(200, snapshot_json("complete", data));
    });
    const auto file = dir_.path() / "alpha.oar";
    const auto result = ctl(server, {"snapshot", "download", kSnapshot, "-o", file.string()});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_TRUE(read_file(file) == data);
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[1].uri, std::string("/api/v1/snapshots/") + kSnapshot + "/download");
    EXPECT_EQ(requests[1].range, "");
    EXPECT_THAT(result.out, HasSubstr("200.0 KiB, sha256 verified"));

    // Run again on the whole file: nothing is fetched.
    const auto again = ctl(server, {"snapshot", "download", kSnapshot, "-o", file.string()});
    EXPECT_EQ(again.code, 0);
    EXPECT_EQ(server.requests().size(), 3U);
    EXPECT_THAT(again.out, HasSubstr("complete already"));
}

TEST_F(SnapshotCommands, APartialFileIsResumedWithARangeRequest) {
    const std::string data = archive();
    FakeServer server([&](const SeenRequest& request) {
        if (request.uri.find("/download") != std::string::npos) {
            return archive_reply(request, data, true);
        }
        return json_reply(200, snapshot_json("complete", data));
    });
    const auto file = dir_.path() / "alpha.oar";
    write_file(file, data.substr(0, 70000));
    const auto result =
        ctl(server, {"-o", "json", "snapshot", "download", kSnapshot, "--out", file.string()});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(server.requests().back().range, "bytes=70000-");
    EXPECT_TRUE(read_file(file) == data);
    const auto answer = Json::parse(result.out);
    EXPECT_EQ(answer.at("resumed_from"), 70000);
    EXPECT_EQ(answer.at("size_bytes"), data.size());
}

TEST_F(SnapshotCommands, AServerIgnoringTheRangeGetsTheFileRewritten) {
    const std::string data = archive();
    FakeServer server([&](const SeenRequest& request) {
        if (request.uri.find("/download") != std::string::npos) {
            return archive_reply(request, data, false);
        }
        return json_reply(200, snapshot_json("complete", data));
    });
    const auto file = dir_.path() / "alpha.oar";
    write_file(file, data.substr(0, 1000));
    const auto result =
        ctl(server, {"snapshot", "download", kSnapshot, "-o", file.string(), "--progress"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_TRUE(read_file(file) == data);
    EXPECT_THAT(result.err, HasSubstr("downloading"));
    EXPECT_THAT(result.err, HasSubstr("200.0 KiB / 200.0 KiB"));
}

TEST_F(SnapshotCommands, BadBytesAreRefusedAndTheFileRemoved) {
    const std::string data = archive();
    std::string corrupt = data;
    corrupt[100000] ^= 0x01;
    FakeServer server([&](const SeenRequest& request) {
        if (request.uri.find("/download") != std::string::npos) {
            return archive_reply(request, corrupt, true);
        }
        return json_reply(200, snapshot_json("complete", data));
    });
    const auto file = dir_.path() / "alpha.oar";
    const auto result = ctl(server, {"snapshot", "download", kSnapshot, "-o", file.string()});
    EXPECT_EQ(result.code, 1);
    EXPECT_THAT(result.err, HasSubstr("does not match the snapshot's SHA-256"));
    EXPECT_FALSE(std::filesystem::exists(file));
}

TEST_F(SnapshotCommands, OnlyACompleteSnapshotIsDownloadedIntoAFileThatFits) {
    const std::string data = archive();
    std::string state = "saving";
    FakeServer server([&](const SeenRequest& request) {
        if (request.uri.find("/download") != std::string::npos) {
            ADD_FAILURE() << "nothing should be fetched";
        }
        return json_reply(200, snapshot_json(state, data));
    });
    const auto file = dir_.path() / "alpha.oar";
    auto result = ctl(server, {"snapshot", "download", kSnapshot, "-o", file.string()});
    EXPECT_EQ(result.code, 1);
    EXPECT_THAT(result.err, HasSubstr("is saving: only a complete snapshot can be downloaded"));

    state = "complete";
    write_file(file, data + "more");
    result = ctl(server, {"snapshot", "download", kSnapshot, "-o", file.string()});
    EXPECT_EQ(result.code, 2);
    EXPECT_THAT(result.err, HasSubstr("more than the snapshot's"));
}

TEST_F(SnapshotCommands, RegionDeleteShowsTheBeforeDeleteSnapshotAndTakesForce) {
    FakeServer server([](const SeenRequest& request) {
        if (request.uri.find("force=true") != std::string::npos) {
            return Reply{204, "", ""};
        }
        return json_reply(202, {{"snapshot", snapshot_json("pending")}});
    });
    const auto kept = ctl(server, {"region", "delete", kRegion});
    EXPECT_EQ(kept.code, 0) << kept.err;
    EXPECT_EQ(server.requests().back().uri, std::string("/api/v1/regions/") + kRegion);
    EXPECT_THAT(kept.out, HasSubstr(std::string("once its before-delete snapshot ") + kSnapshot +
                                    " is saved (operation 7"));

    const auto forced = ctl(server, {"region", "delete", kRegion, "--force"});
    EXPECT_EQ(forced.code, 0) << forced.err;
    EXPECT_EQ(server.requests().back().uri,
              std::string("/api/v1/regions/") + kRegion + "?force=true");
    EXPECT_EQ(forced.out, std::string("deleted region ") + kRegion + "\n");

    const auto estate = ctl(server, {"estate", "delete", kRegion, "--force"});
    EXPECT_EQ(estate.code, 2);  // only regions keep state
}

TEST_F(SnapshotCommands, RegionFieldsOfTheStatePolicyGoAsTheApiNamesThem) {
    FakeServer server([](const SeenRequest&) { return json_reply(200, {{"id", kRegion}}); });
    const auto result =
        ctl(server, {"region", "update", kRegion, "--set", "lifecycle=premium", "--set",
                     "state_parts.prims=true", "--set", "state_parts.mesh=false"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(
        Json::parse(server.requests().back().body),
        (Json{{"lifecycle", "premium"}, {"state_parts", {{"prims", true}, {"mesh", false}}}}));
}

TEST(ProgressLine, ShowsTheBarThePercentTheBytesAndThePhase) {
    using vergegrid::cli::human_bytes;
    using vergegrid::cli::progress_line;
    EXPECT_EQ(human_bytes(0), "0 B");
    EXPECT_EQ(human_bytes(1023), "1023 B");
    EXPECT_EQ(human_bytes(1536), "1.5 KiB");
    EXPECT_EQ(human_bytes(3LL * 1024 * 1024 * 1024), "3.0 GiB");
    EXPECT_EQ(progress_line("snap", {0.5, 1024, 2048, "uploading"}),
              "snap [###############...............]  50%  1.0 KiB / 2.0 KiB  uploading");
    EXPECT_EQ(progress_line("snap", {2.0, 0, 0, "x\x1b[2J"}),
              "snap [##############################] 100%  x [2J");
    EXPECT_THAT(progress_line("snap", {std::nan(""), 0, 0, ""}), HasSubstr("  0%"));
}

}  // namespace
}  // namespace snapshot_commands_test
