// The snapshot wire from the bridge's side against a real Poco HTTP server on 127.0.0.1 that
// plays the control plane's part of docs/snapshots.md (staging, Content-Range, SHA-256 check,
// ranged content) and breaks connections on demand.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <regex>

#include "sha256/sha256.hpp"
#include "sim_channel_client/snapshot_transfer.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using vergegrid::sim_channel::ChannelClient;
using vergegrid::sim_channel::ChannelClientSettings;
using vergegrid::sim_channel::ChannelEndpoint;
using vergegrid::sim_channel::SnapshotTransfer;
using vergegrid::sim_channel::TransferError;
using vergegrid::sim_channel::TransferSettings;
using vergegrid::test::TempDir;
using namespace std::chrono_literals;

constexpr const char* kKey = "vgs_test-simulator-key";
constexpr const char* kSnapshot = "5b0c7a9e-3f1d-4c2b-9a8e-7d6c5b4a3f21";

std::string sha256_of(const std::string& data) {
    vergegrid::sha256::Sha256 digest;
    digest.update(data);
    return digest.hex();
}

std::string pattern_bytes(std::size_t size) {
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        data[i] = static_cast<char>((i * 131 + i / 997) & 0xff);
    }
    return data;
}

// The control plane's side of the snapshot wire, in memory, with switches to misbehave.
struct FakeControlPlane {
    std::mutex mutex;
    std::string staged;            // uploaded bytes
    std::string state = "saving";  // saving | complete | failed
    std::size_t max_chunk = 8 << 20;
    std::size_t hang_up_over =
        1 << 30;                       // larger bodies: hang up unread (as vergegrid-control's 413)
    std::string content;               // what GET .../content serves
    int break_puts = 0;                // the next N PUTs read half their body, then hang up
    bool break_after_staging = false;  // ... or stage the whole chunk, then hang up
    int break_gets = 0;            // the next N content GETs send half their range, then hang up
    bool ignore_range = false;     // content GETs answer 200 with everything
    std::vector<std::string> log;  // "PUT bytes S-E/T", "GET upload", "GET bytes=S-E"
    std::vector<nlohmann::json> progress;

    static void hang_up(Poco::Net::HTTPServerRequest& request) {
        auto& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();
        socket.setLinger(true, 0);  // a reset, like a process that died
        socket.close();
    }

    static void json(Poco::Net::HTTPServerResponse& response, int status,
                     const nlohmann::json& body) {
        response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        response.setContentType("application/json");
        const auto text = body.dump();
        response.setContentLength(static_cast<std::streamsize>(text.size()));
        response.send() << text;
    }
    static nlohmann::json error(const std::string& code) {
        return {{"error", {{"code", code}, {"message", code + " (test server)"}}}};
    }

    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
        std::unique_lock lock(mutex);
        if (request.get("Authorization", "") != std::string("Bearer ") + kKey) {
            return json(response, 401, error("unauthorized"));
        }
        const std::string upload = std::string("/api/v1/sim/snapshots/") + kSnapshot + "/upload";
        const std::string content_path =
            std::string("/api/v1/sim/snapshots/") + kSnapshot + "/content";
        const auto& uri = request.getURI();
        if (uri == upload && request.getMethod() == "GET") {
            log.push_back("GET upload");
            if (state != "saving") {
                return json(response, 409, error("snapshot_not_saving"));
            }
            return json(response, 200, {{"snapshot_id", kSnapshot}, {"received", staged.size()}});
        }
        if (uri == upload && request.getMethod() == "PUT") {
            return put(request, response);
        }
        if (uri == content_path && request.getMethod() == "GET") {
            return get_content(request, response, lock);
        }
        if (std::regex_match(uri, std::regex("/api/v1/sim/operations/[0-9]+/progress")) &&
            request.getMethod() == "POST") {
            std::string body(std::istreambuf_iterator<char>(request.stream()), {});
            progress.push_back(nlohmann::json::parse(body));
            response.setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
            response.setContentLength(0);
            response.send();
            return;
        }
        json(response, 404, error("not_found"));
    }

    void put(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
        const auto range = request.get("Content-Range", "");
        log.push_back("PUT " + range);
        std::smatch m;
        if (!std::regex_match(range, m, std::regex("bytes ([0-9]+)-([0-9]+)/([0-9]+)"))) {
            return json(response, 400, error("invalid_content_range"));
        }
        const auto first = std::stoull(m[1]);
        const auto last = std::stoull(m[2]);
        const auto total = std::stoull(m[3]);
        const auto length = static_cast<std::size_t>(request.getContentLength());
        std::string body(length, '\0');
        if (length > hang_up_over) {
            return hang_up(request);
        }
        if (length > max_chunk) {
            // Read first, as a server that keeps the connection does. (vergegrid-control answers
            // without reading, so a chunk over its limit breaks the connection instead: the
            // bridge's snapshots.chunk_bytes must not exceed snapshots.max_chunk_bytes.)
            request.stream().read(body.data(), static_cast<std::streamsize>(length));
            return json(response, 413, error("payload_too_large"));
        }
        if (break_puts > 0) {
            --break_puts;
            request.stream().read(body.data(), static_cast<std::streamsize>(length / 2));
            return hang_up(request);
        }
        request.stream().read(body.data(), static_cast<std::streamsize>(length));
        if (state != "saving") {
            return json(response, 409, error("snapshot_not_saving"));
        }
        if (first != staged.size()) {
            return json(response, 409, error("upload_offset_mismatch"));
        }
        if (last - first + 1 != length) {
            return json(response, 400, error("invalid_content_range"));
        }
        staged += body;
        if (break_after_staging) {
            break_after_staging = false;
            return hang_up(request);  // the chunk is kept, its answer is lost
        }
        if (last + 1 < total) {
            return json(response, 200, {{"received", staged.size()}, {"state", "saving"}});
        }
        if (sha256_of(staged) != request.get("X-Content-SHA256", "")) {
            staged.clear();
            state = "failed";
            return json(response, 422, error("sha256_mismatch"));
        }
        state = "complete";
        json(response, 200, {{"received", staged.size()}, {"state", "complete"}});
    }

    void get_content(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                     std::unique_lock<std::mutex>& lock) {
        const auto range = request.get("Range", "");
        log.push_back("GET " + range);
        std::smatch m;
        std::size_t first = 0;
        std::size_t last = content.size() - 1;
        const bool ranged =
            !ignore_range && std::regex_match(range, m, std::regex("bytes=([0-9]+)-([0-9]+)"));
        if (ranged) {
            first = std::stoull(m[1]);
            last = std::min<std::size_t>(std::stoull(m[2]), content.size() - 1);
            response.setStatus(Poco::Net::HTTPResponse::HTTP_PARTIAL_CONTENT);
            response.set("Content-Range", "bytes " + std::to_string(first) + "-" +
                                              std::to_string(last) + "/" +
                                              std::to_string(content.size()));
        }
        const auto length = last - first + 1;
        response.setContentType("application/octet-stream");
        response.setContentLength(static_cast<std::streamsize>(length));
        const bool breaks = break_gets > 0;
        if (breaks) {
            --break_gets;
        }
        const std::string bytes = content.substr(first, breaks ? length / 2 : length);
        lock.unlock();
        auto& out = response.send();
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (breaks) {
            hang_up(request);
        }
    }
};

class Handler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit Handler(FakeControlPlane& plane) : plane_(plane) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        plane_.handle(request, response);
    }

  private:
    FakeControlPlane& plane_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit Factory(FakeControlPlane& plane) : plane_(plane) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new Handler(plane_);
    }

  private:
    FakeControlPlane& plane_;
};

class SnapshotWire : public ::testing::Test {
  protected:
    SnapshotWire()
        : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
          server_(new Factory(plane_), socket_, new Poco::Net::HTTPServerParams) {
        server_.start();
        ChannelClientSettings settings;
        settings.endpoint =
            ChannelEndpoint::parse("http://127.0.0.1:" + std::to_string(socket_.address().port()));
        settings.connect_timeout = 5s;
        settings.request_timeout = 10s;
        client_ = std::make_unique<ChannelClient>(settings);
        transfer_settings_.chunk_bytes = 256 * 1024;
        transfer_settings_.range_bytes = 1 << 20;
        transfer_settings_.retry_delay = 10ms;
        transfer_settings_.request_timeout = 10s;
    }
    ~SnapshotWire() override { server_.stopAll(true); }

    SnapshotTransfer transfer() const {
        return SnapshotTransfer(
            *client_, [] { return std::string(kKey); }, transfer_settings_);
    }
    fs::path file_with(const std::string& data) {
        const auto file = dir_.path() / "archive.oar";
        std::ofstream(file, std::ios::binary | std::ios::trunc) << data;
        return file;
    }
    static std::string read(const fs::path& file) {
        std::ifstream in(file, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    std::size_t count_log(const std::string& prefix) {
        std::lock_guard lock(plane_.mutex);
        return static_cast<std::size_t>(
            std::count_if(plane_.log.begin(), plane_.log.end(),
                          [&](const auto& line) { return line.rfind(prefix, 0) == 0; }));
    }

    TempDir dir_;
    FakeControlPlane plane_;
    Poco::Net::ServerSocket socket_;
    Poco::Net::HTTPServer server_;
    std::unique_ptr<ChannelClient> client_;
    TransferSettings transfer_settings_;
};

TEST_F(SnapshotWire, UploadsInChunksWithContentRangeAndTheArchivesSha256) {
    const auto data = pattern_bytes((1 << 20) + 17);
    std::vector<std::uint64_t> seen;
    transfer().upload(kSnapshot, file_with(data), sha256_of(data),
                      [&](std::uint64_t done, std::uint64_t total) {
                          EXPECT_EQ(total, data.size());
                          seen.push_back(done);
                      });
    EXPECT_EQ(plane_.staged, data);
    EXPECT_EQ(plane_.state, "complete");
    EXPECT_THAT(plane_.log, ::testing::ElementsAre("PUT bytes 0-262143/1048593",
                                                   "PUT bytes 262144-524287/1048593",
                                                   "PUT bytes 524288-786431/1048593",
                                                   "PUT bytes 786432-1048575/1048593",
                                                   "PUT bytes 1048576-1048592/1048593"));
    ASSERT_FALSE(seen.empty());
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    EXPECT_EQ(seen.back(), data.size());
}

TEST_F(SnapshotWire, ABrokenConnectionResumesFromWhereTheControlPlaneStands) {
    const auto data = pattern_bytes((1 << 20) + 17);
    plane_.break_puts = 2;  // the first two PUTs die mid-body: nothing staged
    transfer().upload(kSnapshot, file_with(data), sha256_of(data));
    EXPECT_EQ(plane_.staged, data);
    EXPECT_EQ(plane_.state, "complete");
    EXPECT_EQ(count_log("GET upload"), 2U);

    // The chunk arrived but its answer was lost: the next PUT starts after it, not again at it.
    plane_.staged.clear();
    plane_.state = "saving";
    plane_.log.clear();
    plane_.break_after_staging = true;
    transfer().upload(kSnapshot, file_with(data), sha256_of(data));
    EXPECT_EQ(plane_.staged, data);
    EXPECT_EQ(count_log("PUT bytes 0-"), 1U);
    EXPECT_EQ(count_log("PUT bytes 262144-"), 1U);
}

TEST_F(SnapshotWire, AnOffsetMismatchAsksWhereTheUploadStandsAndGoesOn) {
    const auto data = pattern_bytes(600 * 1024);
    plane_.staged = data.substr(0, 262144);  // a bridge that died after one chunk
    transfer().upload(kSnapshot, file_with(data), sha256_of(data));
    EXPECT_EQ(plane_.staged, data);
    EXPECT_THAT(plane_.log, ::testing::ElementsAre("PUT bytes 0-262143/614400", "GET upload",
                                                   "PUT bytes 262144-524287/614400",
                                                   "PUT bytes 524288-614399/614400"));
}

TEST_F(SnapshotWire, AConnectionThatKeepsBreakingFailsAfterTheRetries) {
    const auto data = pattern_bytes(300 * 1024);
    plane_.break_puts = 1000;
    transfer_settings_.max_retries = 3;
    try {
        transfer().upload(kSnapshot, file_with(data), sha256_of(data));
        FAIL() << "no error";
    } catch (const TransferError& e) {
        EXPECT_EQ(e.status(), 0);
        EXPECT_THAT(e.what(), HasSubstr("broke off 4 times"));
    }
    EXPECT_EQ(count_log("PUT"), 4U);
}

TEST_F(SnapshotWire, AWrongSha256IsRefusedWithItsCode) {
    const auto data = pattern_bytes(100 * 1024);
    try {
        transfer().upload(kSnapshot, file_with(data), sha256_of("something else"));
        FAIL() << "no error";
    } catch (const TransferError& e) {
        EXPECT_EQ(e.status(), 422);
        EXPECT_EQ(e.code(), "sha256_mismatch");
    }
    EXPECT_EQ(plane_.state, "failed");
    // A snapshot that is no longer saving refuses more bytes.
    try {
        transfer().upload(kSnapshot, file_with(data), sha256_of(data));
        FAIL() << "no error";
    } catch (const TransferError& e) {
        EXPECT_EQ(e.code(), "snapshot_not_saving");
    }
}

TEST_F(SnapshotWire, AChunkOverTheControlPlanesLimitIsHalvedUntilItFits) {
    const auto data = pattern_bytes(500 * 1024);
    plane_.max_chunk = 100 * 1024;
    transfer().upload(kSnapshot, file_with(data), sha256_of(data));
    EXPECT_EQ(plane_.staged, data);
    EXPECT_EQ(plane_.log.front(), "PUT bytes 0-262143/512000");
    EXPECT_EQ(plane_.log.back(), "PUT bytes 458752-511999/512000");  // 64 KiB chunks
}

TEST_F(SnapshotWire, AServerThatHangsUpOnABigChunkGetsSmallerOnesWithoutUsingUpTheRetries) {
    const auto data = pattern_bytes(500 * 1024);
    plane_.hang_up_over = 100 * 1024;
    transfer_settings_.smallest_chunk_after_break = 64 * 1024;
    transfer_settings_.max_retries = 0;
    transfer().upload(kSnapshot, file_with(data), sha256_of(data));
    EXPECT_EQ(plane_.staged, data);
    EXPECT_EQ(plane_.log.front(), "PUT bytes 0-262143/512000");
    EXPECT_EQ(plane_.log.back(), "PUT bytes 458752-511999/512000");
}

TEST_F(SnapshotWire, DownloadsInRangesAndResumesAfterABrokenConnection) {
    plane_.content = pattern_bytes((3 << 20) + 5);
    plane_.break_gets = 1;
    const auto file = dir_.path() / "restore.oar";
    std::uint64_t last_done = 0;
    transfer().download(kSnapshot, file, plane_.content.size(),
                        [&](std::uint64_t done, std::uint64_t) { last_done = done; });
    EXPECT_EQ(read(file), plane_.content);
    EXPECT_EQ(last_done, plane_.content.size());
    // The second range starts where the broken one stopped (how far it got depends on what the
    // reset let through), and the ranges go on from there.
    ASSERT_GE(plane_.log.size(), 4U);
    EXPECT_EQ(plane_.log[0], "GET bytes=0-1048575");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(plane_.log[1], m, std::regex("GET bytes=([0-9]+)-([0-9]+)")));
    EXPECT_GT(std::stoull(m[1]), 0U);
    EXPECT_LE(std::stoull(m[1]), 524288U);
    EXPECT_EQ(std::stoull(m[2]), std::stoull(m[1]) + (1 << 20) - 1);
    EXPECT_THAT(plane_.log.back(), ::testing::EndsWith("-3145732"));
}

TEST_F(SnapshotWire, ADownloadLeftHalfDoneIsResumedFromTheFilesSize) {
    plane_.content = pattern_bytes(700 * 1024);
    const auto file = dir_.path() / "restore.oar";
    std::ofstream(file, std::ios::binary) << plane_.content.substr(0, 1000);
    transfer().download(kSnapshot, file, plane_.content.size());
    EXPECT_EQ(read(file), plane_.content);
    EXPECT_THAT(plane_.log, ::testing::ElementsAre("GET bytes=1000-716799"));

    // A file longer than the archive is not a prefix of it: started over.
    std::ofstream(file, std::ios::binary | std::ios::app) << "trailing junk";
    plane_.log.clear();
    transfer().download(kSnapshot, file, plane_.content.size());
    EXPECT_EQ(read(file), plane_.content);
    EXPECT_THAT(plane_.log, ::testing::ElementsAre("GET bytes=0-716799"));
}

TEST_F(SnapshotWire, AServerIgnoringTheRangeStillYieldsTheWholeArchive) {
    plane_.content = pattern_bytes(300 * 1024);
    plane_.ignore_range = true;
    const auto file = dir_.path() / "restore.oar";
    std::ofstream(file, std::ios::binary) << plane_.content.substr(0, 5000);
    transfer().download(kSnapshot, file, plane_.content.size());
    EXPECT_EQ(read(file), plane_.content);
}

TEST_F(SnapshotWire, ARefusedDownloadNamesTheStatus) {
    plane_.content = pattern_bytes(1000);
    const auto file = dir_.path() / "restore.oar";
    try {
        transfer().download("00000000-0000-4000-8000-000000000000", file, 1000);
        FAIL() << "no error";
    } catch (const TransferError& e) {
        EXPECT_EQ(e.status(), 404);
        EXPECT_EQ(e.code(), "not_found");
    }
    // Fewer bytes than the spec said and no more to come: the archive is not what was promised.
    EXPECT_THROW(transfer().download(kSnapshot, file, 5000), TransferError);
}

TEST_F(SnapshotWire, ReportsProgressAsTheContractsJson) {
    transfer().report_progress(42, {0.25, 1024, 4096, "uploading"});
    ASSERT_EQ(plane_.progress.size(), 1U);
    EXPECT_EQ(plane_.progress[0], (nlohmann::json{{"fraction", 0.25},
                                                  {"bytes_done", 1024},
                                                  {"bytes_total", 4096},
                                                  {"phase", "uploading"}}));
}

}  // namespace
