// The test ports' claims: a port handed to one test process is handed to no other while it lives,
// nor to the same process twice, whether or not anything listens on it yet.
#include "tests/support/listen_port.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <set>
#include <vector>

namespace {

using vergegrid::test::unclaimed_listen_port;
using vergegrid::test::unclaimed_udp_ports;

// 300 picks from the ~12,800 ports below the ephemeral range: without claims, two of them would
// be the same port in ~97 % of runs (the birthday bound), since nothing listens on them.
constexpr int kPicks = 300;

std::set<std::uint16_t> pick_ports() {
    std::set<std::uint16_t> ports;
    for (int i = 0; i < kPicks; ++i) {
        ports.insert(unclaimed_listen_port());
    }
    return ports;
}

TEST(ListenPort, OneProcessIsNeverHandedTheSamePortTwice) {
    EXPECT_EQ(pick_ports().size(), static_cast<std::size_t>(kPicks));
}

TEST(ListenPort, AnotherProcessIsNotHandedAPortThisOneHolds) {
    const auto mine = pick_ports();
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(pipe_fds[0]);
        for (int i = 0; i < kPicks; ++i) {
            const std::uint16_t port = unclaimed_listen_port();
            if (::write(pipe_fds[1], &port, sizeof port) != sizeof port) {
                ::_exit(2);
            }
        }
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    std::vector<std::uint16_t> theirs;
    std::uint16_t port = 0;
    while (::read(pipe_fds[0], &port, sizeof port) == sizeof port) {
        theirs.push_back(port);
    }
    ::close(pipe_fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ASSERT_EQ(theirs.size(), static_cast<std::size_t>(kPicks));
    for (const auto p : theirs) {
        EXPECT_EQ(mine.count(p), 0U) << "port " << p << " was handed to both processes";
    }
}

// 40 runs of 12: without claims, two of them would overlap in ~75 % of runs.
TEST(ListenPort, RunsOfUdpPortsNeverOverlap) {
    constexpr int kRun = 12;
    std::vector<std::uint16_t> starts;
    for (int i = 0; i < 40; ++i) {
        starts.push_back(unclaimed_udp_ports(kRun));
    }
    std::set<std::uint16_t> ports;
    for (const auto start : starts) {
        for (int i = 0; i < kRun; ++i) {
            EXPECT_TRUE(ports.insert(static_cast<std::uint16_t>(start + i)).second)
                << "UDP port " << start + i << " handed out twice";
        }
    }
}

}  // namespace
