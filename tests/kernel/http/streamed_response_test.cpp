// Streamed response bodies (Response::stream): bytes pulled from a BodySource in bounded buffers
// with Content-Length announced up front, memory flat for bodies far larger than it, a source
// failing half-way closing the connection, and HEAD answered without reading the source.
#include <atomic>
#include <cstring>
#include <stdexcept>

#include "server_fixture.hpp"
#include "tests/support/peak_resident.hpp"

namespace {

using namespace vergegrid::test;

// Byte i of every test body: a pattern a client can check without holding the body.
char pattern_byte(std::uint64_t offset) {
    return static_cast<char>((offset * 7 + offset / 4096) & 0xff);
}

// `size` bytes of the pattern; throws (or runs dry) once `fail_after` bytes went out.
class PatternSource final : public http::BodySource {
  public:
    enum class Failure { none, throws, runs_dry };
    PatternSource(std::uint64_t size, std::atomic<std::uint64_t>& read_total,
                  Failure failure = Failure::none, std::uint64_t fail_after = 0)
        : size_(size), read_total_(read_total), failure_(failure), fail_after_(fail_after) {}

    std::uint64_t size() const override { return size_; }
    std::size_t read(char* buffer, std::size_t capacity) override {
        if (failure_ != Failure::none && offset_ >= fail_after_) {
            if (failure_ == Failure::throws) {
                throw std::runtime_error("the disk went away");
            }
            return 0;
        }
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, size_ - offset_));
        for (std::size_t i = 0; i < n; ++i) {
            buffer[i] = pattern_byte(offset_ + i);
        }
        offset_ += n;
        read_total_ += n;
        return n;
    }

  private:
    std::uint64_t size_;
    std::atomic<std::uint64_t>& read_total_;
    Failure failure_;
    std::uint64_t fail_after_;
    std::uint64_t offset_ = 0;
};

class StreamedResponse : public ServerFixture {
  protected:
    // GET and HEAD /stream/{size}, and /broken/{size} whose source fails after 1 MiB.
    void SetUp() override {
        auto streamed = [this](PatternSource::Failure failure) {
            return [this, failure](const http::Request& request) {
                const auto size = std::stoull(request.path_params.at("size"));
                auto response = http::Response::streamed(
                    200, std::make_shared<PatternSource>(size, read_total_, failure, 1 << 20));
                response.headers.emplace_back("Content-Disposition", "attachment");
                return response;
            };
        };
        for (const char* method : {"GET", "HEAD"}) {
            router_->add(method, "/stream/{size}", http::Permission::anyone,
                         streamed(PatternSource::Failure::none));
        }
        router_->add("GET", "/broken/{size}", http::Permission::anyone,
                     streamed(PatternSource::Failure::throws));
        router_->add("GET", "/dry/{size}", http::Permission::anyone,
                     streamed(PatternSource::Failure::runs_dry));
        start();
    }

    // Reads the body that follows a head, checking the pattern; returns how many bytes came
    // before the server closed the connection or `limit` was reached.
    static std::uint64_t read_pattern(RawClient& client, std::uint64_t limit,
                                      bool* pattern_ok = nullptr) {
        std::vector<char> buffer(64 * 1024);
        std::uint64_t total = 0;
        bool ok = true;
        while (total < limit) {
            std::size_t got = 0;
            try {
                got = client.read_some(buffer.data(),
                                       std::min<std::uint64_t>(buffer.size(), limit - total));
            } catch (const Poco::Exception&) {
                break;  // a reset ends the body as surely as a FIN
            }
            if (got == 0) {
                break;
            }
            for (std::size_t i = 0; i < got && ok; ++i) {
                ok = buffer[i] == pattern_byte(total + i);
            }
            total += got;
        }
        if (pattern_ok != nullptr) {
            *pattern_ok = ok;
        }
        return total;
    }

    std::atomic<std::uint64_t> read_total_{0};
};

TEST_F(StreamedResponse, A100MiBBodyStreamsWithItsLengthAndFlatMemory) {
    constexpr std::uint64_t kSize = 100ull << 20;
    PeakResident peak;
    RawClient client(port(), 10000ms);
    client.send(http_request("GET", "/stream/" + std::to_string(kSize)));
    const auto head = client.read_reply_head();
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("content-length"), std::to_string(kSize));
    EXPECT_EQ(head.header("content-type"), "application/octet-stream");
    EXPECT_EQ(head.header("content-disposition"), "attachment");
    bool pattern_ok = false;
    EXPECT_EQ(read_pattern(client, kSize, &pattern_ok), kSize);
    EXPECT_TRUE(pattern_ok);
    const auto growth = peak.finish();
    if (vergegrid::test::kResidentSizeIsMeaningful) {
        EXPECT_LT(growth, 16u << 20) << "resident set grew by " << growth << " bytes";
    }
    // The connection stays usable: the body ended exactly where it said it would.
    EXPECT_EQ(client.exchange(http_request("GET", "/hello")).status, 200);
}

TEST_F(StreamedResponse, ASourceThatFailsMidWayClosesTheConnectionShortOfTheLength) {
    for (const char* route : {"/broken/", "/dry/"}) {
        constexpr std::uint64_t kSize = 8ull << 20;
        RawClient client(port());
        client.send(http_request("GET", route + std::to_string(kSize)));
        const auto head = client.read_reply_head();
        EXPECT_EQ(head.status, 200) << route;
        EXPECT_EQ(head.header("content-length"), std::to_string(kSize)) << route;
        const auto received = read_pattern(client, kSize);
        EXPECT_EQ(received, 1u << 20) << route << ": everything before the failure, no more";
        EXPECT_TRUE(client.closed_by_server(2000ms)) << route;
    }
    EXPECT_TRUE(eventually([&] { return log_contains("aborted mid-body"); }));
    // The server itself is fine.
    RawClient client(port());
    EXPECT_EQ(client.exchange(http_request("GET", "/hello")).status, 200);
}

TEST_F(StreamedResponse, HeadAnnouncesTheLengthWithoutReadingTheSource) {
    RawClient client(port());
    client.send(http_request("HEAD", "/stream/123456"));
    const auto head = client.read_reply_head();
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("content-length"), "123456");
    EXPECT_EQ(read_total_.load(), 0u);
    // No body follows: the next answer on the connection is the next request's.
    const auto next = client.exchange(http_request("GET", "/stream/10"));
    EXPECT_EQ(next.status, 200);
    EXPECT_EQ(next.body.size(), 10u);
    EXPECT_EQ(next.body[3], pattern_byte(3));
}

TEST_F(StreamedResponse, AnEmptyStreamIsAnEmptyBody) {
    RawClient client(port());
    const auto reply = client.exchange(http_request("GET", "/stream/0"));
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.header("content-length"), "0");
    EXPECT_TRUE(reply.body.empty());
    EXPECT_EQ(client.exchange(http_request("GET", "/hello")).status, 200);
}

}  // namespace
