// Thousands of simulators long-polling one control plane at once: an operation wakes its own
// simulator's parked poll and no other. Not a timing test: it checks who is answered, and that
// every other poll stays parked (the server's parked-connection gauge and silent sockets).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/api_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace many_polls_test {
namespace {

using nlohmann::json;
using vergegrid::test::ApiClient;
using vergegrid::test::ControlPlaneProcess;
using vergegrid::test::TempDir;
using namespace std::chrono_literals;

constexpr std::size_t kPolls = 2000;
constexpr std::size_t kWoken = 12;

// The test holds one socket per poll: more than the usual soft limit of 1024.
bool raise_open_file_limit(rlim_t wanted) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return false;
    }
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = std::min(wanted, limit.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    return ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur >= wanted;
}

// A bridge's long poll on a socket of its own, sent and left waiting for its answer.
class ParkedPoll {
  public:
    ParkedPoll(std::uint16_t port, const std::string& key) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
        }
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
            throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
        }
        const std::string request =
            "GET /api/v1/sim/operations?wait=60 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
            "Bearer " +
            key + "\r\n\r\n";
        if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(request.size())) {
            throw std::runtime_error("send failed");
        }
    }
    ~ParkedPoll() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    ParkedPoll(const ParkedPoll&) = delete;
    ParkedPoll& operator=(const ParkedPoll&) = delete;

    // Whether anything (an answer, or the server closing) has arrived.
    bool answered() const {
        pollfd p{fd_, POLLIN, 0};
        return ::poll(&p, 1, 0) > 0;
    }

    // The whole answer's body, waiting up to `timeout`; empty when none came in time.
    std::string read_answer(std::chrono::milliseconds timeout) const {
        std::string in;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 100};
            if (::poll(&p, 1, 100) <= 0) {
                continue;
            }
            char buffer[8192];
            const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) {
                break;
            }
            in.append(buffer, static_cast<std::size_t>(n));
            const auto head_end = in.find("\r\n\r\n");
            std::smatch length;
            const std::string head = in.substr(0, head_end);
            if (head_end != std::string::npos &&
                std::regex_search(head, length,
                                  std::regex("Content-Length: *([0-9]+)", std::regex::icase)) &&
                in.size() >= head_end + 4 + std::stoul(length[1].str())) {
                return in.substr(head_end + 4);
            }
        }
        return {};
    }

  private:
    int fd_ = -1;
};

std::size_t parked_gauge(std::uint16_t port) {
    const auto metrics = ApiClient(port).get("/metrics").raw;
    std::smatch value;
    if (std::regex_search(metrics, value,
                          std::regex("\nvergegrid_http_parked_connections ([0-9]+)"))) {
        return std::stoul(value[1].str());
    }
    return 0;
}

TEST(ManyPolls, EachOfThousandsOfParkedPollsIsWokenByItsOwnSimulatorsOperationOnly) {
    ASSERT_TRUE(raise_open_file_limit(kPolls + 256))
        << "this test needs " << kPolls + 256 << " open files";
    TempDir dir;
    ControlPlaneProcess control(
        {"--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "data").string()});
    ASSERT_TRUE(control.started()) << control.process().output();
    const auto port = control.port();
    ApiClient admin(port);

    std::vector<std::pair<std::string, std::string>> simulators;  // id, key
    simulators.reserve(kPolls);
    for (std::size_t i = 0; i < kPolls; ++i) {
        simulators.push_back(
            vergegrid::test::register_simulator(admin, port, "sim-" + std::to_string(i)));
    }
    std::vector<std::unique_ptr<ParkedPoll>> polls;
    polls.reserve(kPolls);
    for (const auto& [id, key] : simulators) {
        polls.push_back(std::make_unique<ParkedPoll>(port, key));
    }
    auto wait_for_parked = [&](std::size_t count) {
        for (int i = 0; i < 600; ++i) {
            if (parked_gauge(port) == count) {
                return true;
            }
            std::this_thread::sleep_for(100ms);
        }
        return false;
    };
    ASSERT_TRUE(wait_for_parked(kPolls)) << "parked: " << parked_gauge(port);
    for (std::size_t i = 0; i < kPolls; ++i) {
        ASSERT_FALSE(polls[i]->answered()) << "poll " << i << " answered with nothing to say";
    }

    const std::string estate =
        admin.post("/api/v1/estates", {{"name", "Main"}, {"owner", "Grid Owner"}}).body.at("id");
    std::vector<bool> woken(kPolls, false);
    for (std::size_t n = 0; n < kWoken; ++n) {
        // Spread over the registration order: first, last and between.
        const std::size_t i = n * (kPolls - 1) / (kWoken - 1);
        const auto created =
            admin.post("/api/v1/regions", {{"name", "Region " + std::to_string(n)},
                                           {"estate_id", estate},
                                           {"loc_x", static_cast<int>(n) * 4},
                                           {"loc_y", 0},
                                           {"port", 9000},
                                           {"host", "sim-" + std::to_string(i) + ".example.org"},
                                           {"placement", {{"simulator_id", simulators[i].first}}}});
        ASSERT_EQ(created.status, 201) << created.raw;
        const auto body = json::parse(polls[i]->read_answer(30s), nullptr, false);
        ASSERT_TRUE(body.is_object()) << "poll " << i << " was not answered";
        ASSERT_EQ(body.at("items").size(), 1u) << body.dump();
        EXPECT_EQ(body.at("items").at(0).at("region_id"), created.body.at("id"));
        EXPECT_EQ(body.at("items").at(0).at("kind"), "create");
        woken[i] = true;
        // The others heard nothing: still parked, their sockets silent.
        for (std::size_t j = 0; j < kPolls; ++j) {
            if (!woken[j]) {
                ASSERT_FALSE(polls[j]->answered())
                    << "poll " << j << " answered by simulator " << i << "'s operation";
            }
        }
    }
    // A woken poll's connection waits for its next request like any idle connection, no longer
    // counted as parked: exactly the others are.
    EXPECT_TRUE(wait_for_parked(kPolls - kWoken)) << "parked: " << parked_gauge(port);
}

}  // namespace
}  // namespace many_polls_test
